"""One normalisation of complaint text in English, Urdu and Roman Urdu, and the features read from it.

Urdu arrives in more than one letter form: Arabic keyboards type ي/ى and ك where Urdu uses
ی and ک, ه/ة where Urdu uses ہ/ۃ; digits come as Urdu (۰–۹), Arabic-Indic (٠–٩) or Latin;
short vowels and other marks (zer, zabar, pesh, tashdeed …) are optional and mostly absent;
the tatweel (ـ) only stretches a word. Roman Urdu has no spelling at all ("bohat", "bahut",
"bht"), and people stretch letters for emphasis ("plzzzz"). So: one letter form, Latin digits,
no marks, lower case, runs of a letter cut to two — and character n-grams within words, which
match "bijli"/"bijlee" and "بجلی"/"بجلي" on what they share rather than needing a dictionary.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

# Arabic letter forms → the Urdu ones (Unicode's "Arabic" block holds both).
_LETTERS = str.maketrans(
    {
        "\u064a": "\u06cc",  # ي Arabic yeh → ی Farsi/Urdu yeh
        "\u0649": "\u06cc",  # ى alef maksura → ی
        "\u0643": "\u06a9",  # ك Arabic kaf → ک keheh
        "\u0647": "\u06c1",  # ه heh → ہ heh goal
        "\u0629": "\u06c3",  # ة teh marbuta → ۃ
        "\u06c0": "\u06c1\u0654",  # ۀ → ہ + hamza above (dropped with the marks below)
        "\u0623": "\u0627",  # أ → ا
        "\u0625": "\u0627",  # إ → ا
        "\u0671": "\u0627",  # ٱ → ا
        "\u0640": None,  # tatweel
        "\u200c": " ",  # zero-width non-joiner separates words' parts
        "\u200d": None,  # zero-width joiner
        "\u200f": None,  # right-to-left mark
        "\u200e": None,  # left-to-right mark
        "\u06d4": ".",  # ۔ Urdu full stop
        "\u060c": ",",  # ، Arabic comma
        "\u061f": "?",  # ؟ Arabic question mark
    }
)
# Urdu (۰–۹) and Arabic-Indic (٠–٩) digits → 0–9.
_DIGITS = str.maketrans(
    {**{chr(0x06F0 + n): str(n) for n in range(10)}, **{chr(0x0660 + n): str(n) for n in range(10)}}
)
_RUNS = re.compile(r"(.)\1{2,}")
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"\w+", re.UNICODE)


def normalise(text: str) -> str:
    """The text in one letter form: Urdu letters, Latin digits, no diacritics, lower case, letter runs cut to two."""
    text = unicodedata.normalize("NFKC", text).translate(_LETTERS).translate(_DIGITS)
    # Drop combining marks (Urdu's short vowels, tashdeed, hamza above …; Latin accents) after decomposing.
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    text = unicodedata.normalize("NFC", text).casefold()
    text = _RUNS.sub(r"\1\1", text)
    return _SPACES.sub(" ", text).strip()


def words(text: str) -> list[str]:
    """The words of already-normalised text (letters and digits of any script)."""
    return _WORD.findall(text)


def char_ngrams(text: str, low: int = 2, high: int = 5) -> Iterator[str]:
    """Character n-grams of each word padded with spaces (" bij", "ijli "), lengths low..high, of normalised text."""
    for word in words(text):
        padded = f" {word} "
        size = len(padded)
        for n in range(low, high + 1):
            if n > size:
                break
            for start in range(size - n + 1):
                yield padded[start : start + n]
