"""The insights function, every hour: runs the insights tasks that are due (chalicelib/insights/jobs.py)."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint, CloudWatchEvent, Rate

from chalicelib.insights.jobs import run_due
from chalicelib.observability import publish_metrics
from chalicelib.wiring import services
from chalicelib.workers.sweeper import event_time

insights_workers = Blueprint(__name__)


@insights_workers.schedule(Rate(1, unit=Rate.HOURS))
def run_insights(event: CloudWatchEvent) -> dict[str, Any]:
    try:
        return run_due(services(), event_time(event))
    finally:
        publish_metrics()
