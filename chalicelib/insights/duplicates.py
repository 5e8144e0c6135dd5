"""Near-duplicate complaints: a measured score of how likely two complaints are one problem.

Served on the API's request path (GET /v1/similar-complaints), so pure Python and small:
the candidates are at most a few hundred open complaints of one category and district.

The score combines four things (docs/insights.md, "Duplicates and me too", has the figures):

- text: the cosine of TF-IDF vectors of character n-grams (3–5, within words) of the
  normalised texts (`insights.text.normalise`), so "bijli"/"bijlee" and "بجلی"/"بجلي" share most
  of their grams where a word-overlap measure sees nothing in common, plus each word's
  consonant skeleton in Latin letters (`skeleton`: "bijli", "bijlee", "بجلی" are all "bjl";
  "meter", "میٹر" "mtr"), weighted `SKELETON_WEIGHT`, so Urdu script meets Roman Urdu. The IDF is that of the
  request's own documents (the draft and its candidates): grams every candidate has
  ("complaint", "please") weigh little. Without a draft text the text part is 0.
- place: 1 within `NEAR_KM`, falling as 1/(1+(d/NEAR_KM)²) beyond (haversine), when both
  complaints have a position; `SAME_DISTRICT` when either lacks one and the districts match;
  0 otherwise.
- recency: halves every `HALF_LIFE_DAYS` days of the candidate's age.
- category: a different category is never a duplicate (the score is 0).

`score = (1 − TEXT + TEXT·text) · place · recency`: a duplicate must be near and recent, and
its words decide most of it (a text with nothing in common keeps a tenth: the same street's
same-week complaint of the same category told in English beside one in Urdu shares few grams).
At or above `THRESHOLD` the candidate is offered as a duplicate ("me too").
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from chalicelib.insights.text import char_ngrams, normalise, words

NGRAMS = (3, 5)
MAX_CHARS = 600
# A consonant skeleton counts as this many grams: the one feature Urdu script and Roman Urdu share.
SKELETON_WEIGHT = 30
TEXT = 0.9
NEAR_KM = 1.0
SAME_DISTRICT = 0.5
HALF_LIFE_DAYS = 14.0
# Chosen with `python -m chalicelib.insights.duplicates_eval` on the seed corpus (docs/insights.md): near the
# best F1 of the combined score, a little to the side of precision; its figures are quoted there.
THRESHOLD = 0.12
_EARTH_KM = 6371.0088


@dataclass(frozen=True)
class Complaint:
    """What the score reads of a complaint (the draft or a candidate)."""

    text: str
    category_id: str
    district: str | None = None
    lat: float | None = None
    lon: float | None = None
    # Age in days relative to the draft (0 for the draft itself).
    age_days: float = 0.0


@dataclass(frozen=True)
class Scored:
    score: float
    text: float
    place: float
    recency: float

    @property
    def duplicate(self) -> bool:
        return self.score >= THRESHOLD


# Urdu letters → the Latin consonant Roman Urdu writes for them; vowels, alef, vav, yeh and heh
# (letters Roman Urdu writes as vowels, or not at all) become nothing.
_SKELETON_URDU = str.maketrans(
    {
        **dict.fromkeys("اآأءعحہھۃویےئۓۂ", ""),
        **{"ب": "b", "پ": "p", "ت": "t", "ٹ": "t", "ث": "s", "ج": "j", "چ": "c", "خ": "k", "د": "d"},
        **{"ڈ": "d", "ذ": "z", "ر": "r", "ڑ": "r", "ز": "z", "ژ": "z", "س": "s", "ش": "s", "ص": "s"},
        **{"ض": "z", "ط": "t", "ظ": "z", "غ": "g", "ف": "f", "ق": "k", "ک": "k", "گ": "g", "ل": "l"},
        **{"م": "m", "ن": "n", "ں": "n"},
    }
)
_SKELETON_LATIN = str.maketrans({**dict.fromkeys("aeiouyhwv", ""), "q": "k", "x": "k"})
_DOUBLES = re.compile(r"(.)\1+")


@lru_cache(maxsize=50_000)
def skeleton(word: str) -> str:
    """A word's consonants in Latin letters, doubles once: "bijli", "bijlee" and "بجلی" are all "bjl"; "bill" and "بل" "bl"."""
    return _DOUBLES.sub(r"\1", word.translate(_SKELETON_URDU).translate(_SKELETON_LATIN))


@lru_cache(maxsize=50_000)
def _word_features(word: str) -> tuple[tuple[str, int], ...]:
    """One word's features and their weights: its n-grams, and its skeleton (words repeat: asked once a process)."""
    found = Counter(char_ngrams(word, *NGRAMS))
    shape = skeleton(word)
    if len(shape) >= 2:
        found["~" + shape] += SKELETON_WEIGHT
    return tuple(found.items())


def grams(text: str) -> Counter[str]:
    """Character n-grams of the normalised text, and each word's consonant skeleton (across scripts) as one feature.

    Only the first `MAX_CHARS` characters are read: a problem is told in its first lines, and the
    request path must stay fast with a few hundred candidates of up to 4,000 characters.
    """
    found: Counter[str] = Counter()
    for word, times in Counter(words(normalise(text[:MAX_CHARS]))).items():
        for feature, weight in _word_features(word):
            found[feature] += weight * times
    return found


def tfidf(documents: Sequence[Counter[str]]) -> list[dict[str, float]]:
    """Unit-length TF-IDF vectors (sublinear tf, smoothed idf) of `documents`, against each other."""
    total = len(documents)
    df: Counter[str] = Counter()
    for doc in documents:
        df.update(doc.keys())
    idf = {g: math.log((1 + total) / (1 + n)) + 1.0 for g, n in df.items()}
    vectors = []
    for doc in documents:
        vec = {g: (1.0 + math.log(c)) * idf[g] for g, c in doc.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        vectors.append({g: v / norm for g, v in vec.items()})
    return vectors


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return float(sum(v * b.get(g, 0.0) for g, v in a.items()))


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


def place(a: Complaint, b: Complaint) -> float:
    if None not in (a.lat, a.lon, b.lat, b.lon):
        distance = haversine_km(a.lat or 0.0, a.lon or 0.0, b.lat or 0.0, b.lon or 0.0)
        return 1.0 if distance <= NEAR_KM else 1.0 / (1.0 + (distance / NEAR_KM) ** 2)
    return SAME_DISTRICT if a.district and a.district == b.district else 0.0


def recency(age_days: float) -> float:
    return float(0.5 ** (max(age_days, 0.0) / HALF_LIFE_DAYS))


def combine(text: float, place_part: float, recency_part: float) -> float:
    return (1.0 - TEXT + TEXT * text) * place_part * recency_part


def score_all(draft: Complaint, candidates: Sequence[Complaint]) -> list[Scored]:
    """Each candidate's score against the draft, in the candidates' order."""
    if not candidates:
        return []
    vectors = tfidf([grams(draft.text), *(grams(c.text) for c in candidates)])
    found = []
    for candidate, vector in zip(candidates, vectors[1:], strict=True):
        if candidate.category_id != draft.category_id:
            found.append(Scored(0.0, 0.0, 0.0, 0.0))
            continue
        text = cosine(vectors[0], vector) if draft.text.strip() else 0.0
        where, when = place(draft, candidate), recency(candidate.age_days)
        found.append(Scored(round(combine(text, where, when), 4), round(text, 4), round(where, 4), round(when, 4)))
    return found
