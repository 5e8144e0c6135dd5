"""Emerging topics, measured: does a planted burst come out as the top rising theme, and how long does it take?

    python -m bench.topics <csv> [<csv> …]     # CSVs with `text,category` (e.g. the seed corpus)

For each group of categories that share a prefix (`electricity-…`, `gas-…`: roughly one
organisation's), one category is held out: two thirds of the other categories' texts are the
baseline, the last third this week's, and 20 texts of the held-out category are planted this
week. The same split without the burst is the "no change" control. Then one organisation of
2,000 new texts against 12,000 baseline texts (corpus texts with a few words of another one
appended, so no two are the same) is timed. Prints JSON.
"""

from __future__ import annotations

import csv
import json
import random
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from chalicelib.insights.topics import Doc, Topics, find_topics

BURST = 20


def _rows(paths: list[str]) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for path in paths:
        with Path(path).open(encoding="utf-8", newline="") as handle:
            rows += [r for r in csv.DictReader(handle) if r.get("text") and r.get("category")]
    return rows


def _scenario(
    by_category: dict[str, list[str]], group: list[str], planted: str, *, burst: bool
) -> tuple[Topics, dict[str, bool]]:
    rng = random.Random(7)
    week: list[Doc] = []
    baseline: list[Doc] = []
    is_planted: dict[str, bool] = {}
    for category in group:
        texts = list(by_category[category])
        rng.shuffle(texts)
        if category == planted:
            if burst:
                for n, text in enumerate(texts[:BURST]):
                    week.append(Doc(f"P{n}", text, f"p{n}"))
                    is_planted[f"P{n}"] = True
            continue
        cut = len(texts) * 2 // 3
        baseline += [Doc(f"B-{category}-{n}", t, f"b-{category}-{n}") for n, t in enumerate(texts[:cut])]
        week += [Doc(f"W-{category}-{n}", t, f"w-{category}-{n}") for n, t in enumerate(texts[cut:])]
    return find_topics(week, baseline), is_planted


def planted_bursts(rows: list[dict[str, str]]) -> list[dict[str, Any]]:
    by_category: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        by_category[row["category"]].append(row["text"])
    groups: dict[str, list[str]] = defaultdict(list)
    for category in sorted(by_category):
        groups[category.split("-")[0]].append(category)
    results = []
    for prefix, group in groups.items():
        if len(group) < 3:
            continue
        planted = group[len(group) // 2]
        found, is_planted = _scenario(by_category, group, planted, burst=True)
        control, _ = _scenario(by_category, group, planted, burst=False)
        top = found.themes[0] if found.themes else None
        planted_examples = sum(1 for e in (top.examples if top else []) if is_planted.get(e))
        # The planted texts' own themes (a burst in three languages may make up to three).
        own = [t for t in found.themes if sum(1 for e in t.examples if is_planted.get(e)) * 2 > len(t.examples)]
        results.append(
            {
                "group": prefix,
                "planted": planted,
                "texts_week": found.texts_week,
                "texts_baseline": found.texts_baseline,
                "k": found.k,
                "top_is_planted": bool(top and planted_examples * 2 > len(top.examples)),
                "top_rising": bool(top and top.rising),
                "top_rise": top.rise if top else None,
                "top_keywords": top.keywords if top else [],
                "planted_themes_rising": sum(1 for t in own if t.rising),
                "rising_not_planted": sum(1 for t in found.themes if t.rising and t not in own),
                "control_rising": sum(1 for t in control.themes if t.rising),
                "control_max_rise": max((t.rise or 0.0 for t in control.themes), default=None),
            }
        )
    return results


def timing(rows: list[dict[str, str]], week: int = 2000, baseline: int = 12000) -> dict[str, Any]:
    rng = random.Random(5)
    texts = [r["text"] for r in rows]

    def made(prefix: str, count: int) -> list[Doc]:
        out = []
        for n in range(count):
            extra = rng.choice(texts).split()[: rng.randint(0, 8)]
            out.append(Doc(f"{prefix}{n}", rng.choice(texts) + " " + " ".join(extra), f"{prefix}c{n}"))
        return out

    this_week, before = made("W", week), made("B", baseline)
    began = time.perf_counter()
    found = find_topics(this_week, before)
    return {
        "texts_week": week,
        "texts_baseline": baseline,
        "seconds": round(time.perf_counter() - began, 2),
        "k": found.k,
        "terms": found.terms,
        "themes": len(found.themes),
    }


def main(argv: list[str]) -> None:
    if not argv:
        raise SystemExit("usage: python -m bench.topics <csv with text,category> [<csv> …]")
    rows = _rows(argv)
    bursts = planted_bursts(rows)
    summary = {
        "scenarios": len(bursts),
        "top_is_planted": sum(1 for b in bursts if b["top_is_planted"]),
        "top_is_planted_and_rising": sum(1 for b in bursts if b["top_is_planted"] and b["top_rising"]),
        "planted_rising_somewhere": sum(1 for b in bursts if b["planted_themes_rising"]),
        "false_rising_with_burst": sum(b["rising_not_planted"] for b in bursts),
        "false_rising_without_change": sum(b["control_rising"] for b in bursts),
    }
    print(
        json.dumps(
            {"texts": len(rows), "summary": summary, "bursts": bursts, "timing": timing(rows)},
            ensure_ascii=False,
            indent=1,
        )
    )


if __name__ == "__main__":
    main(sys.argv[1:])
