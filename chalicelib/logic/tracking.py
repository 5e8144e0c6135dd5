"""Tracking numbers: short, unambiguous, easy to read over the phone.

`C-7K4M-2Q9X`: a kind letter, then seven random symbols of Crockford's base32
(no I, L, O or U) and one check symbol from the same alphabet (a weighted sum
mod 31), so a misheard symbol or two swapped neighbours are caught before they
reach the store. 32^7 ≈ 34 billion numbers; a clash is retried.
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_READ_AS = {"O": "0", "I": "1", "L": "1"}


def _check_symbol(body: str) -> str:
    # Weights 1..7 are non-zero mod the prime 31: any single change or adjacent swap
    # alters the sum (except 0 <-> Z, whose values differ by exactly 31).
    total = sum(weight * ALPHABET.index(ch) for weight, ch in enumerate(body, start=1))
    return ALPHABET[total % 31]


def new_tracking_number(kind: str = "C") -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(7))
    full = body + _check_symbol(body)
    return f"{kind}-{full[:4]}-{full[4:]}"


def normalise(raw: str) -> str | None:
    """The canonical form of a tracking number as typed or read out, or None if it is not one."""
    text = "".join(ch for ch in raw.upper() if ch.isalnum())
    text = "".join(_READ_AS.get(ch, ch) for ch in text)
    if len(text) != 9 or not text[0].isalpha():
        return None
    kind, body, check = text[0], text[1:8], text[8]
    if any(ch not in ALPHABET for ch in body) or _check_symbol(body) != check:
        return None
    full = body + check
    return f"{kind}-{full[:4]}-{full[4:]}"
