"""The deadlines sweeper, deployed as a fan-out: the finder every 15 minutes, the due-queue worker as work comes.

The finder's clock is the schedule's `time`; the worker acts as of the later of the finder's clock and its own.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from chalice.app import Blueprint, CloudWatchEvent, Rate, SQSEvent

from chalicelib.logic import clock
from chalicelib.logic.sweeper import RESERVE_SECONDS, SweepReport, act_on_due, fan_out
from chalicelib.logic.sweeper import record as record_report
from chalicelib.models.sweeps import DueCases
from chalicelib.observability import logger, metrics, publish_metrics
from chalicelib.wiring import services
from chalicelib.workers.batch import process_batch

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

sweeper_workers = Blueprint(__name__)
# Messages per invocation of the due-queue worker (each up to 10 case ids): 100 cases, ~5 s on AWS by the model.
DUE_BATCH = 10


class CasesLeftDue(Exception):
    """Some cases of a message could not be acted on now: the message comes back (and they stay due)."""


def event_time(event: CloudWatchEvent) -> datetime:
    """When the schedule fired (the local stack's `make job AT=` sets it to replay a moment)."""
    raw = getattr(event, "time", None) or ""
    try:
        return clock.parse_time_or_utc(raw)
    except ValueError:
        return datetime.now(UTC)


@sweeper_workers.schedule(Rate(15, unit=Rate.MINUTES))
def sweep_deadlines(event: CloudWatchEvent) -> dict[str, int]:
    """The finder: send the ids of the cases due now to the due queue (it acts on none itself)."""
    try:
        context = getattr(event, "context", None)
        left = (lambda: context.get_remaining_time_in_millis() / 1000) if context is not None else None
        report = fan_out(services(), event_time(event), left)
        publish_backlog(report.as_dict())
    finally:
        publish_metrics()
    return report.as_dict()


def publish_backlog(report: dict[str, int]) -> None:
    """Every run of the finder, zeros included: the due cases it found and those it had no time to queue
    (SweepBacklogAlarm, the dashboard). A backlog must also be seen to be 0.
    """
    metrics.add_metric(name="SweepExamined", unit="Count", value=report.get("found", 0))
    metrics.add_metric(name="SweepBacklog", unit="Count", value=report.get("deferred", 0))


@sweeper_workers.on_sqs_message(queue="awaaz-due", batch_size=DUE_BATCH)
def sweep_due_cases(event: SQSEvent) -> dict[str, Any]:
    """Act on each message's due cases; a message with a case left due goes back to the queue alone."""
    report = SweepReport()
    context = getattr(event, "context", None)

    def act(record: SQSRecord) -> None:
        due = DueCases.model_validate_json(record.body)
        if context is not None and context.get_remaining_time_in_millis() / 1000 < RESERVE_SECONDS:
            report.deferred += len(due.case_ids)  # its message comes back, whole, after the visibility timeout
            raise CasesLeftDue("the invocation ran short of time")
        left = act_on_due(services(), due.case_ids, due.found_at, report)
        if left:
            logger.warning("due cases left due", extra={"case_ids": left})
            raise CasesLeftDue(f"{len(left)} of {len(due.case_ids)} case(s) left due")

    try:
        return process_batch(event, act)
    finally:
        record_report(report)
        publish_metrics()
