"""`python -m bench.classifier`: the shipped classifiers' load time and warm prediction latency.

1,000 texts of 20 to 2,000 characters, made by joining rows of the seed corpus (English, Urdu,
Roman Urdu) in a fixed order; each model is loaded from its bytes (cold: parse + first
prediction), warmed on the texts once, then each prediction is timed. Prints JSON.
"""

from __future__ import annotations

import csv
import io
import json
import statistics
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MODELS = REPO / "chalicelib" / "data" / "insights" / "models"
SEED = REPO / "chalicelib" / "data" / "insights" / "seed-complaints.csv"


def texts(count: int = 1000, longest: int = 2000) -> list[str]:
    rows = [r["text"] for r in csv.DictReader(io.StringIO(SEED.read_text(encoding="utf-8"), newline=""))]
    out = []
    at = 0
    for i in range(count):
        size = 20 + (i * 7919) % (longest - 20 + 1)  # spread over 20..2000 characters
        parts: list[str] = []
        while sum(len(p) + 1 for p in parts) < size:
            parts.append(rows[at % len(rows)])
            at += 1
        out.append(" ".join(parts)[:size])
    return out


def measure(name: str, sample: list[str]) -> dict[str, float | int]:
    from chalicelib.insights.model import TextModel

    data = (MODELS / f"{name}.bin").read_bytes()
    started = time.perf_counter()
    model = TextModel.from_bytes(data)
    loaded = time.perf_counter() - started
    model.top(sample[0], 3)
    first = time.perf_counter() - started
    for text in sample:
        model.top(text, 3)
    timings = []
    for text in sample:
        t0 = time.perf_counter()
        model.top(text, 3)
        timings.append(1000 * (time.perf_counter() - t0))
    timings.sort()
    return {
        "bytes": len(data),
        "labels": len(model.labels),
        "features": model.n_features,
        "load_ms": round(1000 * loaded, 1),
        "load_and_first_ms": round(1000 * first, 1),
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[int(0.95 * len(timings)) - 1], 2),
        "max_ms": round(timings[-1], 2),
    }


def main() -> None:
    sample = texts()
    report = {
        "texts": len(sample),
        "chars": [min(map(len, sample)), max(map(len, sample))],
        **{name: measure(name, sample) for name in ("category", "moderation")},
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
