"""Measure the near-duplicate score against word overlap on labelled filing scenarios.

    python -m chalicelib.insights.duplicates_eval CSV [CSV …]

Each CSV has at least `text,category` (the seed corpus). A scenario is one filing: a draft
text of a category, and the open complaints of that category in its district that the form
compares it with (`CANDIDATES` of them, as GET /v1/similar-complaints does). Candidates are
labelled:

- duplicate: another text of the draft's category, filed 0–10 days ago, at most 0.8 km away
  (or without a position, in the same district) — the same kind of problem, same place, now;
- not a duplicate, one of: a text of another category filed under the same category at the
  same place and time (another problem: "low voltage" filed where "no power" is); a text of
  the same category 5–30 km away; a text of the same category 45–150 days old.

Precision and recall of "offered as a duplicate" are counted over every (draft, candidate)
pair, for word overlap (the Jaccard of words of 3+ letters, what similar.py ranked by) at its
best-F1 threshold, for the text part alone, and for the combined score at `THRESHOLD`. It
also reports the text parts alone on same-category vs other-category pairs (does the text
tell one problem from another, across scripts).
"""

from __future__ import annotations

import csv
import json
import math
import random
import re
import sys
from collections import defaultdict
from collections.abc import Sequence

from chalicelib.insights import duplicates as dup

CANDIDATES = 12
SCENARIOS = 400
_WORD = re.compile(r"\w{3,}", re.UNICODE)


def word_overlap(a: str, b: str) -> float:
    wa, wb = {w.lower() for w in _WORD.findall(a)}, {w.lower() for w in _WORD.findall(b)}
    return len(wa & wb) / len(wa | wb) if wa and wb else 0.0


def load(paths: Sequence[str]) -> tuple[dict[str, list[str]], list[tuple[str, list[str]]]]:
    """Texts by category, and the incidents: runs of three rows of one category in en, ur and roman (one story)."""
    by_category: dict[str, list[str]] = defaultdict(list)
    rows: list[tuple[str, str, str]] = []
    for path in paths:
        with open(path, encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row.get("text") and row.get("category"):
                    by_category[row["category"]].append(row["text"])
                    rows.append((row["text"], row["category"], row.get("language") or ""))
    incidents = []
    at = 0
    while at + 3 <= len(rows):
        run = rows[at : at + 3]
        if len({r[1] for r in run}) == 1 and {r[2] for r in run} == {"en", "ur", "roman"}:
            incidents.append((run[0][1], [r[0] for r in run]))
            at += 3
        else:
            at += 1
    return {c: texts for c, texts in by_category.items() if len(texts) >= 3}, incidents


def _offset(rng: random.Random, km: float) -> tuple[float, float]:
    """A position `km` from (31.5, 74.3) in a random direction."""
    bearing = rng.uniform(0, 2 * math.pi)
    return 31.5 + km / 111.0 * math.cos(bearing), 74.3 + km / 95.0 * math.sin(bearing)


Scenario = tuple[dup.Complaint, list[dup.Complaint], list[bool]]


def scenarios(
    corpus: dict[str, list[str]], incidents: list[tuple[str, list[str]]], rng: random.Random
) -> list[Scenario]:
    """Filings: a draft from an incident; its other tellings (duplicates) and `CANDIDATES` others that are not."""
    categories = sorted(corpus)
    found = []
    for _ in range(SCENARIOS):
        category, story = rng.choice([i for i in incidents if i[0] in corpus])
        draft_text = rng.choice(story)
        positioned = rng.random() < 0.5
        draft = dup.Complaint(draft_text, category, "lahore", *((31.5, 74.3) if positioned else (None, None)))
        others = [t for t in corpus[category] if t not in story]
        candidates, labels = [], []
        kinds = ["dup" for t in story if t != draft_text][: rng.choice((1, 2))]
        kinds += [rng.choice(("other_problem", "far", "old", "other_incident")) for _ in range(CANDIDATES - len(kinds))]
        dups = [t for t in story if t != draft_text]
        for kind in kinds:
            kind = kind if others or kind == "dup" else "other_problem"
            text = dups.pop() if kind == "dup" else rng.choice(others or corpus[category])
            age, km = rng.uniform(0, 10), rng.uniform(0, 0.8)
            if kind == "other_problem":
                text = rng.choice(corpus[rng.choice([c for c in categories if c != category])])
            elif kind == "far":
                km = rng.uniform(5, 30)
            elif kind == "old":
                age = rng.uniform(45, 150)
            elif kind == "other_incident":
                km = rng.uniform(0, 3)
            has_position = positioned and (kind == "far" or rng.random() < 0.7)
            lat, lon = _offset(rng, km) if has_position else (None, None)
            candidates.append(dup.Complaint(text, category, "lahore", lat, lon, age))
            labels.append(kind == "dup")
        found.append((draft, candidates, labels))
    return found


def _pr(pairs: list[tuple[float, bool]], threshold: float) -> dict[str, float]:
    tp = sum(1 for s, y in pairs if s >= threshold and y)
    fp = sum(1 for s, y in pairs if s >= threshold and not y)
    fn = sum(1 for s, y in pairs if s < threshold and y)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "threshold": round(threshold, 3),
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
    }


def _best(pairs: list[tuple[float, bool]]) -> dict[str, float]:
    return max((_pr(pairs, t / 100) for t in range(1, 100)), key=lambda r: r["f1"])


def _auc(pairs: list[tuple[float, bool]]) -> float:
    """The chance a random positive scores above a random negative (ties count half)."""
    pos = sorted(s for s, y in pairs if y)
    neg = sorted(s for s, y in pairs if not y)
    if not pos or not neg:
        return 0.0
    wins = 0.0
    for p in pos:
        wins += sum(1.0 if p > n else 0.5 if p == n else 0.0 for n in neg)
    return round(wins / (len(pos) * len(neg)), 3)


def evaluate(corpus: dict[str, list[str]], incidents: list[tuple[str, list[str]]], seed: int = 15) -> dict[str, object]:
    rng = random.Random(seed)
    overlap: list[tuple[float, bool]] = []
    text_only: list[tuple[float, bool]] = []
    combined: list[tuple[float, bool]] = []
    for draft, candidates, labels in scenarios(corpus, incidents, rng):
        scored = dup.score_all(draft, candidates)
        for candidate, found, label in zip(candidates, scored, labels, strict=True):
            overlap.append((word_overlap(draft.text, candidate.text), label))
            text_only.append((found.text, label))
            combined.append((found.score, label))
    # The text alone: pairs of one category vs pairs of two (one problem or another, any script).
    text_pairs_grams: list[tuple[float, bool]] = []
    text_pairs_words: list[tuple[float, bool]] = []
    categories = sorted(corpus)
    for _ in range(2000):
        a = rng.choice(categories)
        same = rng.random() < 0.5
        b = a if same else rng.choice([c for c in categories if c != a])
        x, y = rng.choice(corpus[a]), rng.choice(corpus[b])
        if x == y:
            continue
        vectors = dup.tfidf([dup.grams(x), dup.grams(y)])
        text_pairs_grams.append((dup.cosine(vectors[0], vectors[1]), same))
        text_pairs_words.append((word_overlap(x, y), same))
    return {
        "scenarios": SCENARIOS,
        "pairs": len(combined),
        "duplicates": sum(1 for _, y in combined if y),
        "word_overlap_best": _best(overlap),
        "word_overlap_auc": _auc(overlap),
        "char_ngram_text_best": _best(text_only),
        "char_ngram_text_auc": _auc(text_only),
        "combined_at_threshold": _pr(combined, dup.THRESHOLD),
        "combined_best": _best(combined),
        "combined_auc": _auc(combined),
        "text_pairs": len(text_pairs_grams),
        "text_pairs_char_ngram_auc": _auc(text_pairs_grams),
        "text_pairs_word_overlap_auc": _auc(text_pairs_words),
    }


def main(argv: Sequence[str]) -> None:
    corpus, incidents = load(argv)
    figures = {"categories": len(corpus), "texts": sum(map(len, corpus.values())), "incidents": len(incidents)}
    print(json.dumps({**figures, **evaluate(corpus, incidents)}, indent=1))


if __name__ == "__main__":
    main(sys.argv[1:])
