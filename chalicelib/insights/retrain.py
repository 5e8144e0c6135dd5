"""The weekly `category-model` task: retrain the category suggestion model and publish it.

Rows: the seed corpus packaged with the code (chalicelib/data/insights/seed-complaints.csv) plus
the complaints closed in the last `MONTHS` months, each under its FINAL category (GSI4 files a
case under its current category, so a transfer's correction counts), at most `PER_CATEGORY`
newest per category so the training stays within the function's time. Only live categories
are trained. The artefact goes to `models/category/current.bin` in the models bucket (versioned:
the previous model stays restorable); serving picks it up within its re-check interval.
"""

from __future__ import annotations

import csv
import io
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from chalicelib.logic.ports import Services
from chalicelib.observability import logger

SEED = Path(__file__).resolve().parents[1] / "data" / "insights" / "seed-complaints.csv"
MONTHS = 12
PER_CATEGORY = 60
# Sunday 21:00 UTC (Monday 02:00 in Pakistan), once.
WEEKDAY, HOUR = 6, 21


def due(now: datetime) -> bool:
    return now.weekday() == WEEKDAY and now.hour == HOUR


def seed_rows() -> list[tuple[str, str]]:
    reader = csv.DictReader(io.StringIO(SEED.read_text(encoding="utf-8"), newline=""))
    return [
        (r["text"], r["category"].strip())
        for r in reader
        if r.get("text", "").strip() and r.get("category", "").strip()
    ]


def months_back(now: datetime, count: int) -> list[str]:
    year, month = now.year, now.month
    out = []
    for _ in range(count):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out


def case_rows(services: Services, now: datetime, live: set[str]) -> list[tuple[str, str]]:
    from chalicelib.store.training import closed_cases

    rows: list[tuple[str, str]] = []
    for category_id in sorted(live):
        taken = 0
        for month in months_back(now, MONTHS):
            for case in closed_cases(services.table, category_id, month):
                # An archived case (closed over a year ago) keeps no description in the table: not read from S3.
                if case.kind != "complaint" or case.status != "closed" or case.hidden is not None or case.archived_at:
                    continue
                text = f"{case.subject}. {case.description}".strip()
                if text:
                    rows.append((text, category_id))
                    taken += 1
                if taken >= PER_CATEGORY:
                    break
            if taken >= PER_CATEGORY:
                break
    return rows


def run(services: Services, now: datetime) -> dict[str, Any]:
    from chalicelib.insights.serving import CATEGORY_MODEL
    from chalicelib.insights.train import Options, train

    if services.models is None:
        logger.warning("no models bucket: the category model is not retrained")
        return {"skipped": "no models bucket"}
    started = time.perf_counter()
    live = {c.id for c in services.directory().categories.values() if not c.retired}
    seed = [(t, c) for t, c in seed_rows() if c in live]
    cases = case_rows(services, now, live)
    rows = seed + cases
    # Two calibration folds rather than three: a third less time in the function's 900 s (docs/insights.md).
    trained = train([t for t, _ in rows], [c for _, c in rows], Options(folds=2))
    trained.model.header["trained_on"] = f"seed corpus ({len(seed)}) + closed complaints ({len(cases)})"
    data = trained.model.to_bytes()
    etag = services.models.publish(CATEGORY_MODEL, data)
    report = {
        "seed_rows": len(seed),
        "case_rows": len(cases),
        "labels": len(trained.model.labels),
        "bytes": len(data),
        "version": trained.model.version,
        "etag": etag,
        "train_seconds": round(trained.seconds, 1),
        "seconds": round(time.perf_counter() - started, 1),
    }
    logger.info("category model retrained", extra=report)
    return report
