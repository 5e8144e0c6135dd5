"""Personal data: validation, normalisation, masking and protection at rest.

The CNIC is kept only as a keyed hash (to find duplicates) and an AES-GCM
ciphertext (for an officer who must see it); never in clear, never in a log.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import itertools
import json
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

_E164 = re.compile(r"^\+[1-9][0-9]{7,14}$")
_PK_MOBILE = re.compile(r"^\+923[0-9]{9}$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


def normalise_phone(raw: str) -> str | None:
    """E.164 form of a phone number; Pakistani `03xx-xxxxxxx` and `0092…` accepted. None if invalid."""
    text = re.sub(r"[\s\-().]", "", raw)
    if text.startswith("00"):
        text = "+" + text[2:]
    elif re.fullmatch(r"03[0-9]{9}", text):
        text = "+92" + text[1:]
    if not _E164.fullmatch(text):
        return None
    if text.startswith("+92") and not _PK_MOBILE.fullmatch(text):
        return None  # a Pakistani number that is not a mobile cannot receive the code
    return text


def normalise_email(raw: str) -> str | None:
    text = raw.strip()
    if not _EMAIL.fullmatch(text) or len(text) > 254:
        return None
    local, domain = text.rsplit("@", 1)
    return f"{local}@{domain.lower()}"


def normalise_cnic(raw: str) -> str | None:
    """The 13 digits of a CNIC given as `12345-1234567-1` or plain digits; None if not 13 digits."""
    digits = re.sub(r"[\s-]", "", raw)
    return digits if re.fullmatch(r"[0-9]{13}", digits) else None


@dataclass(frozen=True)
class Keyring:
    """The PII keys by version, as the stack's secret holds them (docs/security.md "Keys").

    New ciphertexts are sealed with `current` and name it (`v<version>:…`); each opens with the
    version it names, so a rotation (a new version made current) leaves every older one readable.
    A ciphertext naming no version predates versions: it was sealed with the `hashing` key.
    Keyed hashes (usernames, CNICs, cursor tags) always use `hashing`: changing it would lose
    every lookup, so a rotation never does.
    """

    keys: Mapping[str, bytes]
    current: str
    hashing: str

    @classmethod
    def parse(cls, secret: str) -> Keyring:
        """The secret's JSON: `{"current": "2", "hash": "1", "1": "<key>", "2": "<key>"}`. A key is 32 bytes in
        base64, or any other text of at least 32 characters (Secrets Manager's generated string), hashed to 32."""
        data = json.loads(secret)
        keys = {str(v): _key_bytes(str(k)) for v, k in data.items() if v not in ("current", "hash")}
        ring = cls(keys, str(data["current"]), str(data.get("hash", data["current"])))
        if ring.current not in keys or ring.hashing not in keys:
            raise ValueError("the PII keyring names a version it does not hold")
        return ring

    @classmethod
    def single(cls, key: bytes) -> Keyring:
        return cls({"1": key}, "1", "1")

    def hash_key(self) -> bytes:
        return self.keys[self.hashing]


def _key_bytes(text: str) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True)
    except ValueError:
        raw = b""
    if len(raw) == 32:
        return raw
    if len(text) < 32:
        raise ValueError("a PII key is 32 bytes in base64, or at least 32 characters")
    return hashlib.sha256(text.encode()).digest()


def _derive(key: bytes, purpose: bytes) -> bytes:
    return hmac.new(key, purpose, hashlib.sha256).digest()


def cnic_hash(cnic: str, keys: Keyring) -> str:
    return hmac.new(_derive(keys.hash_key(), b"cnic-hash"), cnic.encode(), hashlib.sha256).hexdigest()


def username_digest(username: str, keys: Keyring) -> str:
    """A username (a phone number or e-mail) as it may sit in a key: keyed, so it cannot be guessed back."""
    key = _derive(keys.hash_key(), b"username")
    return hmac.new(key, username.strip().lower().encode(), hashlib.sha256).hexdigest()[:40]


def encrypt(value: str, keys: Keyring) -> str:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(12)
    sealed = AESGCM(_derive(keys.keys[keys.current], b"pii-encrypt")).encrypt(nonce, value.encode(), None)
    return f"v{keys.current}:{base64.b64encode(nonce + sealed).decode()}"


def decrypt(token: str, keys: Keyring) -> str:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    version, _, body = token.rpartition(":")
    key = keys.keys[version.removeprefix("v")] if version else keys.hash_key()
    raw = base64.b64decode(body)
    return AESGCM(_derive(key, b"pii-encrypt")).decrypt(raw[:12], raw[12:], None).decode()


def mask_phone(phone: str) -> str:
    return phone[:6] + "*" * max(len(phone) - 8, 0) + phone[-2:] if len(phone) > 8 else "*" * len(phone)


def mask_email(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


# --- Redaction: free text a citizen publishes, made safe to show anyone -------------------
#
# Matching runs on a folded copy of the text with one character for each character of
# the original (any script's digits read as ASCII, any space as " ", any dash as "-"), so
# a match's offsets cut the original: what is hidden is replaced whole, the rest is kept
# as written.

PHONE_HIDDEN = "[phone hidden]"
CNIC_HIDDEN = "[CNIC hidden]"
NUMBER_HIDDEN = "[number hidden]"
EMAIL_HIDDEN = "[e-mail hidden]"
NAME_HIDDEN = "[name hidden]"
_PLACEHOLDER = re.compile(r"(\[(?:phone|CNIC|number|e-mail|name) hidden\])")


# Urdu typed on an Arabic keyboard: ي ى ك ه for ی ی ک ہ.
_URDU_LETTERS = {"\u064a": "\u06cc", "\u0649": "\u06cc", "\u0643": "\u06a9", "\u0647": "\u06c1"}


@functools.lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    digit = unicodedata.digit(ch, None)
    if digit is not None:
        return str(digit)
    folded = unicodedata.normalize("NFKC", ch)  # fullwidth forms, Arabic presentation forms
    if len(folded) != 1:
        return ch
    category = unicodedata.category(folded)
    if category == "Zs":
        return " "
    if category == "Pd":
        return "-"
    return _URDU_LETTERS.get(folded, folded)


def _fold(text: str) -> str:
    """The text as matching reads it, one character for each of the original's."""
    return text if text.isascii() else "".join(map(_fold_char, text))


def _outside_placeholders(text: str, hide: Callable[[str], str]) -> str:
    # What one rule has hidden is never read again by another, or by a second redaction.
    return "".join(part if i % 2 else hide(part) for i, part in enumerate(_PLACEHOLDER.split(text)))


def _cut(text: str, spans: Iterable[tuple[int, int, str]]) -> str:
    """The text with each (start, end, placeholder) span, in order and apart, replaced."""
    out, last = [], 0
    for start, end, placeholder in spans:
        out += [text[last:start], placeholder]
        last = end
    out.append(text[last:])
    return "".join(out)


# Numbers. A run is digit groups joined by up to four of space, dot, dash and brackets
# (`+92 (300) 123-4567`). Separators never match a digit, so the scan is linear; which
# groups of a run form a phone number or a CNIC is then decided group by group in Python.
_NUMBER_RUN = re.compile(r"(?:\+|(?<![0-9])(?:\( ?)?\+?)[0-9]+(?:[ .\-()]{1,4}[0-9]+)*")
_DIGITS = re.compile(r"[0-9]+")
_MOBILE = re.compile(r"3[0-9]{9}")  # 3xx xxxxxxx after 0, 92 or +92
_LANDLINE = re.compile(r"[24-9][0-9]{8,9}")  # area code and subscriber: 42 3576 1234, 51 920 1234
_LONGEST_NUMBER = 17  # 00 and the 15 digits of an international number
_LONG_NUMBER = 10  # account, consumer and reference numbers identify a household
_LOCAL_NUMBER = 7  # a landline without its area code
_AMOUNT_BEFORE = re.compile(r"(?:\brs\.?|\bpkr|₨)\s?$", re.IGNORECASE)
_AMOUNT_AFTER = re.compile(r"\s?(?:/-|rupees\b|rupay\b|rs\b|روپے|روپیہ)", re.IGNORECASE)


def _pakistani(digits: str, starts: frozenset[int], national: int) -> bool:
    """Whether `digits` from offset `national` is a Pakistani mobile or landline number with its code unsplit."""
    number = digits[national:]
    if _MOBILE.fullmatch(number):
        return not {national + 1, national + 2} & starts
    return bool(_LANDLINE.fullmatch(number)) and national + 1 not in starts


def _is_phone(digits: str, starts: frozenset[int], plus: bool, bare: bool) -> bool:
    """`starts` are the offsets where a new group of digits begins; `bare` allows `300 1234567`, with no 0."""
    international = 0 if plus else 2 if digits.startswith("00") else None
    if international is not None:
        number = digits[international:]
        if number.startswith("92"):  # country codes are prefix-free: this is Pakistan, trunk 0 or not
            return _pakistani(digits, starts, international + 2 + number.startswith("920"))
        return 7 <= len(number) <= 15 and not number.startswith("0")
    if digits.startswith("92"):
        return 1 not in starts and _pakistani(digits, starts, 2 + digits.startswith("920"))
    if digits.startswith("0"):
        return _pakistani(digits, starts, 1)
    return bare and bool(_MOBILE.fullmatch(digits)) and starts <= {3, 6}  # 300 1234567, 300 123 4567


def _is_cnic(digits: str, starts: frozenset[int]) -> bool:
    """13 digits, first the province (1–7), split only as 12345-1234567-1."""
    return len(digits) == 13 and digits[0] in "1234567" and starts <= {5, 12}


def _piece_at(groups: list[str], first: int, plus: bool, bare: bool) -> tuple[int, str] | None:
    """The longest phone number or CNIC made of groups[first:end], as (end, placeholder)."""
    found, digits, starts = None, "", set[int]()
    for end in range(first, len(groups)):
        if digits:
            starts.add(len(digits))
        digits += groups[end]
        if len(digits) > _LONGEST_NUMBER:
            break
        frozen = frozenset(starts)
        if _is_phone(digits, frozen, plus, bare):
            found = (end + 1, PHONE_HIDDEN)
        elif not plus and _is_cnic(digits, frozen):
            found = (end + 1, CNIC_HIDDEN)
    return found


def _is_date(groups: list[str], gaps: list[str], first: int) -> bool:
    """28.11.2026, 28-11-26, 11/28 order too, or 2026-11-28: never an account number."""
    if first + 3 > len(groups) or gaps[first + 1] != gaps[first + 2] or gaps[first + 1] not in (".", "-"):
        return False
    a, b, c = groups[first : first + 3]
    if len(a) == 4 and a[:2] in ("19", "20"):
        return len(b) <= 2 and 1 <= int(b) <= 12 and len(c) <= 2 and 1 <= int(c) <= 31
    low, high = sorted((int(a), int(b)))
    return len(a) <= 2 and len(b) <= 2 and 1 <= low <= 12 and high <= 31 and len(c) in (2, 4)


def _spaced(gap: str) -> bool:
    # `4500 - 25000`, `2019. 2020`: two numbers side by side, not one number written in groups.
    return sum(gap.count(ch) for ch in " .-") > 1


def _read_run(groups: list[str], gaps: list[str]) -> tuple[list[tuple[int, int, str]], list[list[int]]]:
    """The phone numbers and CNICs in a run, as (first group, end group, placeholder), and the groups left between."""
    pieces: list[tuple[int, int, str]] = []
    left: list[list[int]] = [[]]
    at = 0
    while at < len(groups):
        # `12 3456 7890 12` is one account number, not 12 and a mobile written without its 0.
        bare = not left[-1] or _spaced(gaps[at])
        piece = _piece_at(groups, at, plus=at == 0 and "+" in gaps[0], bare=bare)
        if piece:
            pieces.append((at, *piece))
            left.append([])
            at = piece[0]
        elif _is_date(groups, gaps, at):
            left.append([])
            at += 3
        else:
            if left[-1] and _spaced(gaps[at]):
                left.append([])
            left[-1].append(at)
            at += 1
    return pieces, [loose for loose in left if loose]


def _hidden_in_run(folded: str, run: re.Match[str]) -> Iterator[tuple[int, int, str]]:
    spans = [(m.start(), m.end()) for m in _DIGITS.finditer(folded, run.start(), run.end())]
    groups = [folded[start:end] for start, end in spans]
    gaps = [folded[run.start() : spans[0][0]]] + [folded[a[1] : b[0]] for a, b in itertools.pairwise(spans)]
    pieces, left = _read_run(groups, gaps)
    # Beside a phone number, seven digits are a local number or the rest of a longer one.
    shortest = _LOCAL_NUMBER if pieces else _LONG_NUMBER
    # `Rs 15000-20000` is a range of amounts. Only the run's own ends are read, so that a
    # second redaction, which sees the run cut at a placeholder, decides the same.
    amount_before = bool(_AMOUNT_BEFORE.search(folded, max(run.start() - 6, 0), run.start()))
    amount_after = bool(_AMOUNT_AFTER.match(folded, run.end()))
    for loose in left:
        amount = (amount_before and loose[0] == 0) or (amount_after and loose[-1] == len(groups) - 1)
        if not amount and sum(len(groups[g]) for g in loose) >= shortest:
            pieces.append((loose[0], loose[-1] + 1, NUMBER_HIDDEN))
    for first, end, placeholder in sorted(pieces):
        start = run.start() if first == 0 else spans[first][0]
        stop = spans[end - 1][1]
        opened = folded.count("(", start, stop) - folded.count(")", start, stop)
        if opened > 0 and folded.startswith(")", stop):
            stop += 1  # (0300 1234567) loses both brackets
        elif opened < 0 and start and folded[start - 1] == "(":
            start -= 1
        yield start, stop, placeholder


def _hide_numbers(text: str) -> str:
    folded = _fold(text)
    return _cut(text, (span for run in _NUMBER_RUN.finditer(folded) for span in _hidden_in_run(folded, run)))


# E-mail addresses, also as written to dodge harvesters: `ali [at] mail [dot] com`,
# `ali(at)mail(dot)com`, `ali @ mail . com`, `ali at the rate mail dot com`. A domain must end
# in a dot and 2–6 letters, so `at home.` or `at the office. dot` stay prose. A mailbox
# name is at most 64 characters (RFC 5321), which keeps the scan linear.
_OPEN, _CLOSE = r"[\[({<]", r"[\])}>]"
_AT_WORD = r"(?:at\s+the\s+rate(?:\s+of)?|at|ایٹ)"
_DOT_WORD = r"(?:dot|ڈاٹ)"
_DOT = rf"(?:\.|\s+\.\s+|\s*{_OPEN}\s*{_DOT_WORD}\s*{_CLOSE}\s*|\s+{_DOT_WORD}\s+)"
_DOMAIN = rf"[a-z0-9-]+(?:{_DOT}[a-z0-9-]+)*{_DOT}[a-z]{{2,6}}(?![a-z])"
_LOCAL = r"[^\s@<>\"'`,;:()\[\]{}]"
_EMAIL_MARKED = re.compile(rf"{_LOCAL}{{1,64}}\s*(?:@|{_OPEN}\s*{_AT_WORD}\s*{_CLOSE})\s*{_DOMAIN}", re.IGNORECASE)
# `ali at mail dot com`: the bare word `at` also follows words that are no mailbox, as in
# `registered at pitb.gov.pk`; those words are not taken for one.
NOT_A_MAILBOX = (
    "am|are|is|was|were|be|been|me|us|him|her|them|you|we|they|it|i|here|there|home|look|visit|visited|see|"
    "check|filed|lodged|registered|posted|submitted|available|online|office|site|website|portal|complaint|"
    "found|go|went|come|came|live|lives|stay|stayed|reached|arrived|work|works|worked|shop|meet|met"
)
_EMAIL_SPOKEN = re.compile(
    rf"(?<![a-z0-9._%\-])(?!(?:{NOT_A_MAILBOX})\s)"
    rf"[a-z0-9][a-z0-9._%+\-]*\s+{_AT_WORD}\s+{_DOMAIN}",
    re.IGNORECASE,
)


def _hidden(pattern: re.Pattern[str], placeholder: str) -> Callable[[str], str]:
    """A rule that replaces each match of `pattern`, read on the folded text, with `placeholder`."""

    def hide(text: str) -> str:
        return _cut(text, ((m.start(), m.end(), placeholder) for m in pattern.finditer(_fold(text))))

    return hide


_HIDE_EMAILS = (_hidden(_EMAIL_MARKED, EMAIL_HIDDEN), _hidden(_EMAIL_SPOKEN, EMAIL_HIDDEN))


# Names. Urdu marks (zabar, zer, shadd…), the tatweel and zero-width joiners may be typed or
# not, so the text may carry any of them after any letter of a name; they are letters'
# company for word boundaries too. Digits are not: `Raza0300…` still shows the name.
_MARKS = "\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u0640\u200c\u200d"
_MARK = re.compile(f"[{_MARKS}]")
_LETTER = rf"(?:[^\W\d_]|[{_MARKS}])"
_BETWEEN_PARTS = re.compile(rf"(?:[^\w'’{_MARKS}]|[\d_])+")
_SHORTEST_PART = 3  # `M.`, `Bi` and the like are too common to hide alone


def _spelled(part: str) -> str:
    return "".join(re.escape(ch) + f"[{_MARKS}]*" for ch in part)


@functools.lru_cache(maxsize=1024)
def _name_pattern(names: tuple[str, ...]) -> re.Pattern[str] | None:
    """Each full name, then each of its parts of three letters or more, as whole words in any case."""
    spellings: set[tuple[str, ...]] = set()
    for name in names:
        parts = tuple(part for part in _BETWEEN_PARTS.split(_MARK.sub("", _fold(name))) if part)
        if parts:
            spellings.add(parts)
        spellings.update((part,) for part in parts if sum(ch.isalpha() for ch in part) >= _SHORTEST_PART)
    if not spellings:
        return None
    longest_first = sorted(spellings, key=lambda parts: (len(parts), sum(map(len, parts))), reverse=True)
    alternatives = "|".join(r"[\s.\-_]*".join(map(_spelled, parts)) for parts in longest_first)
    return re.compile(rf"(?<!{_LETTER})(?:{alternatives})(?!{_LETTER})", re.IGNORECASE)


def redact(text: str, names: Sequence[str] = ()) -> str:
    """Free text made fit to publish: e-mail addresses, phone numbers, CNICs, long numbers and `names` hidden."""
    names = (names,) if isinstance(names, str) else tuple(names)
    rules = [*_HIDE_EMAILS, _hide_numbers]
    if pattern := _name_pattern(names):
        rules.append(_hidden(pattern, NAME_HIDDEN))
    # To a fixed point: a rule reads each stretch between placeholders on its own, so what an earlier rule
    # hid can leave a stretch that reads differently the next time (`Raza0 at 0 dot at`: no mailbox while
    # the name is there, `[name hidden]0 at 0 dot at` one once it is hidden). Each pass that changes the
    # text hides more of it, so this ends; almost always the second pass changes nothing.
    while True:
        before = text
        for hide in rules:
            text = _outside_placeholders(text, hide)
        if text == before:
            return text
