"""Complaint texts written for the emerging-topics tests: steady themes, and a burst of a new one (deterministic)."""

from __future__ import annotations

import random

from chalicelib.insights.topics import Doc

# Each theme: the words its complaints are made of, in English, Roman Urdu and Urdu.
STEADY = {
    "billing": [
        "bill units charged excess meter reading wrong amount month",
        "bill bohat zyada units ghalat reading meter mahine",
        "بل یونٹس زیادہ میٹر ریڈنگ غلط رقم مہینے",
    ],
    "outage": [
        "power outage hours load shedding night feeder electricity gone",
        "bijli ghante load shedding raat feeder band",
        "بجلی گھنٹے لوڈ شیڈنگ رات فیڈر بند",
    ],
    "connection": [
        "new connection application pending demand notice fee paid office",
        "naya connection darkhwast pending demand notice fees jama",
        "نیا کنکشن درخواست زیر التوا ڈیمانڈ نوٹس فیس جمع",
    ],
    "voltage": [
        "low voltage fans slow appliances damaged evening fluctuation",
        "voltage kam pankhay ahista fridge kharab shaam",
        "وولٹیج کم پنکھے آہستہ فریج خراب شام",
    ],
}
# The new theme of the burst: a transformer that caught fire and wires that fell in a street.
NEW = [
    "transformer fire sparks blast wires fell street burnt smoke",
    "transformer aag dhamaka taar gir gaye gali jal dhuan",
    "ٹرانسفارمر آگ دھماکہ تاریں گلی جل دھواں",
]
FILLER = ["please", "sir", "area", "since", "kindly", "urgent", "people", "again", "today"]


def _text(rng: random.Random, vocabulary: str) -> str:
    theme_words = vocabulary.split()
    chosen = rng.sample(theme_words, k=min(len(theme_words), rng.randint(4, 6)))
    chosen += rng.sample(FILLER, k=2)
    rng.shuffle(chosen)
    return " ".join(chosen)


def docs(prefix: str, count: int, themes: list[list[str]], seed: int) -> list[Doc]:
    """`count` texts, the themes taken in turn, each text in one of its theme's languages, from `count` citizens."""
    rng = random.Random(seed)
    out = []
    for n in range(count):
        languages = themes[n % len(themes)]
        out.append(
            Doc(case_id=f"{prefix}{n:04d}", text=_text(rng, languages[n % len(languages)]), author=f"{prefix}c{n}")
        )
    return out


def steady_weeks(week_count: int = 120, baseline_count: int = 600, seed: int = 1) -> tuple[list[Doc], list[Doc]]:
    steady = list(STEADY.values())
    return docs("W", week_count, steady, seed), docs("B", baseline_count, steady, seed + 1)


def with_burst(burst: int = 20, week_count: int = 120, baseline_count: int = 600) -> tuple[list[Doc], list[Doc]]:
    week, baseline = steady_weeks(week_count, baseline_count)
    return week + docs("N", burst, [NEW], 3), baseline
