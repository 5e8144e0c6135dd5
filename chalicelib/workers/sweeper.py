"""The deadlines sweeper, every 15 minutes; its clock is the schedule's `time`."""

from __future__ import annotations

from datetime import UTC, datetime

from chalice.app import Blueprint, CloudWatchEvent, Rate

from chalicelib.logic import clock
from chalicelib.logic.sweeper import sweep
from chalicelib.observability import metrics, publish_metrics
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
        publish_backlog(report.as_dict())
    finally:
        publish_metrics()
    return report.as_dict()


def publish_backlog(report: dict[str, int]) -> None:
    """Every run, zeros included: the cases examined and those left due (SweepBacklogAlarm, the dashboard).

    `sweep` counts its outcomes only when not zero; a backlog must also be seen to be 0.
    """
    metrics.add_metric(name="SweepExamined", unit="Count", value=report.get("examined", 0))
    metrics.add_metric(name="SweepBacklog", unit="Count", value=report.get("deferred", 0))
