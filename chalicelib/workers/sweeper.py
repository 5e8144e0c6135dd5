"""The deadlines sweeper, every 15 minutes; its clock is the schedule's `time`."""

from __future__ import annotations

from datetime import UTC, datetime

from chalice.app import Blueprint, CloudWatchEvent, Rate

from chalicelib.logic import clock
from chalicelib.logic.sweeper import sweep
from chalicelib.observability import publish_metrics
from chalicelib.wiring import services

sweeper_workers = Blueprint(__name__)


def event_time(event: CloudWatchEvent) -> datetime:
    """When the schedule fired (the local stack's `make job AT=` sets it to replay a moment)."""
    raw = getattr(event, "time", None) or ""
    try:
        return clock.parse_time_or_utc(raw)
    except ValueError:
        return datetime.now(UTC)


@sweeper_workers.schedule(Rate(15, unit=Rate.MINUTES))
def sweep_deadlines(event: CloudWatchEvent) -> dict[str, int]:
    try:
        context = getattr(event, "context", None)
        left = (lambda: context.get_remaining_time_in_millis() / 1000) if context is not None else None
        report = sweep(services(), event_time(event), left)
    finally:
        publish_metrics()
    return report.as_dict()
