"""The insights tasks the scheduled `run_insights` function runs, each when its own moment has come.

The function fires every hour (chalicelib/workers/insights.py); each task says whether it is due
at that moment (spikes every hour, topics weekly, the category model weekly, the monthly report on
the first of the month …) and runs alone: one task failing is logged and counted and does not stop
the others. `make job NAME=insights AT=<ISO time>` runs them as if the clock read AT.

A task is added by appending it to `TASKS` (its module is imported only when the function runs,
so the API never pays for numpy or a model).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.logic.ports import Services
from chalicelib.observability import logger, metrics


@dataclass(frozen=True)
class Task:
    name: str
    # "module:function" — `due(now) -> bool` and `run(services, now) -> dict[str, Any]`, imported when the job runs.
    due: str
    run: str


# Appended to by each part of issue 15 (one line each).
TASKS: list[Task] = [
    Task("satisfaction_gap", "chalicelib.insights.gap:due", "chalicelib.insights.gap:run"),
    Task("topics", "chalicelib.insights.topics_job:due", "chalicelib.insights.topics_job:run"),
    Task("spikes", "chalicelib.insights.spike_watch:due", "chalicelib.insights.spike_watch:run"),
    Task("category-model", "chalicelib.insights.retrain:due", "chalicelib.insights.retrain:run"),
]


def _load(path: str) -> Callable[..., Any]:
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


def run_due(services: Services, now: datetime, only: str | None = None) -> dict[str, Any]:
    """Run every task due at `now` (or only the one named `only`, due or not); a report per task."""
    report: dict[str, Any] = {}
    for task in TASKS:
        if only is not None and task.name != only:
            continue
        if only is None and not _load(task.due)(now):
            continue
        try:
            report[task.name] = _load(task.run)(services, now)
        except Exception:  # one task's failure must not stop the others; it is logged and counted
            logger.exception("insights task failed", extra={"task": task.name})
            metrics.add_metric(name="InsightsTaskFailed", unit="Count", value=1)
            report[task.name] = {"failed": True}
    return report
