"""The deadlines sweeper: acts on the cases whose next check has come, and on no others.

It reads the due index (GSI3) day by day and shard by shard, so its cost follows the
number of due cases, not of all cases. Per due case, by its state:
- `submitted` too long: re-sent to the route worker (the enqueue failed or was lost);
- at work, 75 % of its time used: the office is reminded, once per deadline;
- at work, deadline passed: escalated one level (straight to the head of the
  organisation when the next deadline would fall after the policy's day for it);
  at the head already, the head office is told it is overdue;
- resolved, the feedback window passed in silence: closed (the citizen may still
  say they are not satisfied until the reopen window ends);
- ended (closed, rejected, withdrawn, reviewed, received) a year ago, every window of the
  citizen's closed: archived (its record to S3, a stub in the table: store/archive.py).
Every move re-reads the case, asks the transition table, and writes with the version
it read, so a second run, or a run racing an officer, changes nothing twice.

Deployed, the work fans out (docs/scale.md, "The sweeper at a backlog"): every 15 minutes the
finder (`fan_out`) reads the due index and sends the due case ids, ten to a message, to the due
queue; the due-queue worker (`act_on_due`, many at once) acts on each case with `act_on_case`,
the one place a due case is acted on. `sweep` does both in one process (tests, simulation).
A message delivered twice, or two ticks finding one case, act once: the case is re-read and is
no longer due, or its versioned write loses.

One case that cannot be acted on now (a write still contended after its retries, a condition
that failed on another of its items) is counted as `failed` and left due: it never stops the
run or the batch (only its message comes back), and it is tried again. Given the time its
invocation has left, a run stops in time and counts what it left as `deferred`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib.logic import deadlines
from chalicelib.logic.clock import iso, months_back, parse_time
from chalicelib.logic.deadlines import REDRIVE_AFTER, WORKING_STATUSES
from chalicelib.logic.ports import Services
from chalicelib.logic.transition import Transition
from chalicelib.models.complaints import Case
from chalicelib.models.errors import ConditionFailure, ServiceUnavailable, VersionConflict
from chalicelib.observability import logger, metrics
from chalicelib.store import archive as archive_store
from chalicelib.store import cases as case_store

# How many whole months before the current one the sweeper looks back for checks it
# has not acted on: an outage of the sweeper shorter than this loses nothing.
LOOKBACK_MONTHS = 2
# A run stops acting while its invocation has at least this long left: one case's longest turn (its reads,
# a contended write's retries, its notices' enqueue) with room to spare, and the metrics' flush.
RESERVE_SECONDS = 5.0
# The finder packs this many case ids into one message of the due queue, and sends ten messages per
# SendMessageBatch (SQS's most): 100 cases a call. One id a message would take ten times the calls (the
# finder's time at a backlog is its sends: bench/run.py measures it); a message whose one case fails is
# delivered again whole, and its other cases, no longer due, cost one read each (docs/scale.md).
CASES_PER_MESSAGE = 10
MESSAGES_PER_SEND = 10
# The finder's Query page: the keys-only due index holds ~100-byte entries, so a page of 1,000 is ~100 KB.
FINDER_PAGE = 1000


@dataclass
class SweepReport:
    examined: int = 0
    redriven: int = 0
    reminded: int = 0
    escalated: int = 0
    overdue_at_head: int = 0
    closed: int = 0
    information_delayed: int = 0
    information_long_overdue: int = 0
    archived: int = 0
    conflicts: int = 0
    failed: int = 0
    deferred: int = 0
    not_due: int = 0  # found due, but acted on since (or a second delivery): nothing to do

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)

    def add(self, other: SweepReport) -> None:
        for name, value in other.__dict__.items():
            setattr(self, name, getattr(self, name) + value)


@dataclass
class FanOutReport:
    """What one tick of the finder did: found due, sent to the due queue (in how many messages), left."""

    found: int = 0
    enqueued: int = 0
    messages: int = 0
    deferred: int = 0  # found but not sent: the invocation ran short of time (the next tick finds them)
    failed: int = 0  # found but refused by the queue (the next tick finds them)
    queue_busy: int = 0  # 1: the due queue still had work waiting, so this tick sent nothing

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def due_case_ids(services: Services, now: datetime, page_size: int = 100) -> list[str]:
    """Ids of cases whose next check is at or before `now`, over the lookback: one Query per (month, shard), paged."""
    return case_store.due_case_ids(
        services.table, months_back(now, LOOKBACK_MONTHS), until_iso=iso(now), page_size=page_size
    )


def act_on_case(services: Services, case_id: str, now: datetime, report: SweepReport) -> bool:
    """Act on one case if it is still due at `now`; False when it could not be acted on now (left due).

    The one place a due case is acted on: the in-process `sweep` and the due-queue worker both call it.
    A case no longer due (acted on since it was found, or found twice) is left alone; a move that
    meets another writer loses its versioned write (`conflicts`) and changes nothing.
    """
    report.examined += 1
    try:
        case = case_store.get_case(services.table, case_id)
        if case is None or not case.next_check_at or case.next_check_at > iso(now):
            report.not_due += 1  # acted on since the index was read, or a second delivery
            return True
        _act_on(services, case, now, report)
    except VersionConflict:
        report.conflicts += 1  # someone acted meanwhile; the next run sees the new state
    except (ConditionFailure, ServiceUnavailable) as exc:
        report.failed += 1  # left due: tried again (its message comes back; the next run finds it)
        logger.warning("sweep could not act on a case", extra={"case_id": case_id, "error": type(exc).__name__})
        return False
    return True


def sweep(services: Services, now: datetime, time_left: Callable[[], float] | None = None) -> SweepReport:
    """Find every case due at `now` and act on each, in this process; `time_left` (seconds) stops it in time.

    The deployed schedule fans the work out instead (`fan_out`, then `act_on_due` in the due-queue worker);
    this whole-run form serves the tests, the simulation and the cost model, with the same per-case logic.
    """
    report = SweepReport()
    due = due_case_ids(services, now)
    for done, case_id in enumerate(due):
        if time_left is not None and time_left() < RESERVE_SECONDS:
            report.deferred = len(due) - done  # still due: the next run starts with them
            break
        act_on_case(services, case_id, now, report)
    record(report)
    return report


def act_on_due(services: Services, case_ids: Sequence[str], found_at: datetime, report: SweepReport) -> list[str]:
    """The due-queue worker's turn on one message: act on each case; the ids it could not act on (left due).

    It acts as of the later of the finder's clock and its own: a message read minutes after it was sent
    timestamps its moves when they happen, and `make job AT=` (a clock set ahead) still finds its cases due.
    """
    now = max(found_at, services.clock())
    return [case_id for case_id in case_ids if not act_on_case(services, case_id, now, report)]


def fan_out(services: Services, now: datetime, time_left: Callable[[], float] | None = None) -> FanOutReport:
    """The scheduled finder: read the due index and send the due case ids to the due queue, in batches.

    It acts on nothing itself. While the due queue still has messages waiting from an earlier tick, it sends
    nothing: each case it would find is either waiting there already or would wait behind them (SQS does not
    keep order), and sending it again would only double the work. The first tick after the queue drains finds
    what is due, including any case whose message failed its tries (it is still due).
    """
    report = FanOutReport()
    queue = services.due
    if queue is None:
        raise RuntimeError("the due queue is not configured (DUE_QUEUE_URL)")
    if queue.waiting() > 0:
        report.queue_busy = 1
        logger.info("sweep left to the due queue's backlog", extra=report.as_dict())
        record_fan_out(report)
        return report
    due = due_case_ids(services, now, page_size=FINDER_PAGE)
    report.found = len(due)
    per_call = CASES_PER_MESSAGE * MESSAGES_PER_SEND
    for start in range(0, len(due), per_call):
        if time_left is not None and time_left() < RESERVE_SECONDS:
            report.deferred = len(due) - start  # still due: the next tick finds them
            break
        chunk = due[start : start + per_call]
        messages = [chunk[i : i + CASES_PER_MESSAGE] for i in range(0, len(chunk), CASES_PER_MESSAGE)]
        try:
            queue.send(messages, iso(now))
        except ServiceUnavailable:
            report.failed += len(chunk)  # still due: the next tick finds them
            logger.warning("due cases could not be enqueued", extra={"cases": len(chunk)})
            continue
        report.enqueued += len(chunk)
        report.messages += len(messages)
    logger.info("sweep fanned out", extra=report.as_dict())
    record_fan_out(report)
    return report


def record(report: SweepReport) -> None:
    """Log a run's (or a worker batch's) tally and add its business metrics."""
    logger.info("sweep finished", extra=report.as_dict())
    for name, value in (
        ("ComplaintsRedriven", report.redriven),
        ("RemindersSent", report.reminded),
        ("CasesEscalated", report.escalated),
        ("CasesOverdueAtHead", report.overdue_at_head),
        ("CasesClosed", report.closed),
        ("InformationRequestsDelayed", report.information_delayed),
        ("InformationRequestsLongOverdue", report.information_long_overdue),
        ("CasesArchived", report.archived),
        ("SweepFailures", report.failed),
        ("SweepDeferred", report.deferred),
    ):
        if value:
            metrics.add_metric(name=name, unit="Count", value=value)


def record_fan_out(report: FanOutReport) -> None:
    """The finder's metrics: the backlog it found (the dashboard's sweeper backlog) and what it sent."""
    metrics.add_metric(name="DueCasesFound", unit="Count", value=report.found)
    for name, value in (
        ("DueCasesEnqueued", report.enqueued),
        ("SweepDeferred", report.deferred),
        ("SweepEnqueueFailures", report.failed),
        ("SweepLeftToQueue", report.queue_busy),
    ):
        if value:
            metrics.add_metric(name=name, unit="Count", value=value)


def _act_on(services: Services, case: Case, now: datetime, report: SweepReport) -> None:
    if case.archived_at or deadlines.ended(case):
        _archive(services, case, now, report)
    elif case.kind == "information":
        _information_due(services, case, now, report)
    elif case.kind == "feedback":
        # A suggestion not reviewed in time: the office is reminded, once.
        _remind(services, case, now, "overdue", "office_suggestion_overdue")
        report.reminded += 1
    elif case.status == "submitted":
        report.redriven += _redrive(services, case, now)
    elif case.status in WORKING_STATUSES and case.due_at and not case.paused_at:
        if case.due_at <= iso(now):
            if _escalate(services, case, now):
                report.escalated += 1
            else:
                report.overdue_at_head += 1
        elif case.reminded_due_at != case.due_at:
            # Three quarters of the office's time is used: it is told, once per deadline.
            _remind(services, case, now, "deadline_near", "office_reminder")
            report.reminded += 1
    elif case.status == "resolved":
        _close_unanswered(services, case, now)
        report.closed += 1


def _archive(services: Services, case: Case, now: datetime, report: SweepReport) -> None:
    """An ended case's year has passed: its record to the archive bucket, a stub in the table (store/archive.py).

    A stub still due has timeline items left that its transaction could not hold: they are deleted now.
    """
    if services.archive is None:
        raise ServiceUnavailable("no archive bucket (ARCHIVE_BUCKET): the case stays whole and due")
    if not case.archived_at and not deadlines.archivable(case, services.directory().sla_for(case.category_id), now):
        # Due, yet the citizen may still act on it: never archived then (its next check is set past the windows).
        logger.warning("an ended case was due with a window still open", extra={"case_id": case.id})
        report.not_due += 1
        return
    archived = archive_store.archive_case(services.table, services.archive, case.id, iso(now))
    if not archived:
        raise ServiceUnavailable("the case's timeline was read incomplete; it stays due")
    if not case.archived_at:
        report.archived += 1


def _redrive(services: Services, case: Case, now: datetime) -> int:
    change = Transition(services, case, now=now)
    case.redrive_count += 1
    # Back off: 2, 4, 8 … minutes (capped at a day) so a dead queue is not hammered.
    change.check_again_at(now + min(REDRIVE_AFTER * (2 ** min(case.redrive_count, 10)), timedelta(days=1)))
    change.commit()
    try:
        services.intake.send_case(case.id)
    except ServiceUnavailable:
        logger.warning("re-drive enqueue failed", extra={"case_id": case.id})
        return 0
    return 1


def _escalate(services: Services, case: Case, now: datetime) -> bool:
    """Move an overdue case one level up; False when it is at the head of its organisation already."""
    change = Transition(services, case, "escalate", now=now)
    from_office = case.office_id or ""
    missed = (case.due_at or "")[:10]
    chain = change.directory.chain(from_office)
    period = change.period
    if len(chain) < 2:
        # Nowhere higher: tell the head office every period until it acts.
        change.record("reminded", reason="overdue", **change.placed())
        change.notify_office("office_overdue")
        change.check_again_at(now + period)
        change.commit()
        return False
    # Deadlines keep the policy's rhythm (day 20, 40, ...) even when the sweeper runs late,
    # but the office above always gets at least a day.
    due = max(parse_time(case.due_at or iso(now)) + period, now + timedelta(days=1))
    head_by = parse_time(case.routed_at or case.created_at) + timedelta(days=change.policy.head_of_organisation_by_day)
    target = change.directory.offices[chain[-1] if due > head_by else chain[1]]
    change.move(target, case.level + 1, due)
    from_name = change.directory.offices[from_office].name if from_office in change.directory.offices else from_office
    change.take(note=f"The deadline of {missed} passed at {from_name}.", reason="deadline_missed", **change.placed())
    change.notify("escalated")
    change.notify_office("office_escalated_in")
    change.notify_office("office_escalated_out", from_office)
    change.count({"escalated": 1})
    change.commit()
    return True


def _remind(services: Services, case: Case, now: datetime, reason: str, template: str) -> None:
    """Tell the case's office about its deadline, once per deadline."""
    change = Transition(services, case, "remind", now=now)
    case.reminded_due_at = case.due_at
    change.take(office_id=case.office_id, reason=reason)
    change.notify_office(template)
    change.commit()


def _close_unanswered(services: Services, case: Case, now: datetime) -> None:
    """The feedback window passed in silence: close, and say until when the citizen may still object."""
    change = Transition(services, case, "close_no_feedback", now=now)
    resolved_at = parse_time(case.resolution.at) if case.resolution else now
    case.closed_by, case.closed_at = "no_feedback", change.at
    change.take(reason="no_feedback")
    reopen_until = iso(resolved_at + timedelta(days=change.policy.reopen_window_days))[:10]
    change.notify("closed_no_feedback", window_days=str(change.policy.feedback_window_days), reopen_until=reopen_until)
    change.count({"closed": 1, "closed_no_feedback": 1})
    change.commit()


def _information_due(services: Services, case: Case, now: datetime, report: SweepReport) -> None:
    """An information request's deadlines: delayed (to the head), long overdue, appeal overdue, closing."""
    if case.status in ("answered", "not_held", "refused"):
        change = Transition(services, case, "close_no_appeal", now=now)
        case.closed_by, case.closed_at = "no_appeal", change.at
        change.take(reason="no_appeal")
        change.notify("information_closed")
        report.closed += 1
    elif case.status == "appealed":
        change = Transition(services, case, "remind", now=now)
        case.delay = "delayed"
        change.take(office_id=case.office_id, reason="delayed")
        change.notify_office("office_appeal_overdue")
    elif case.delay is None:
        change = Transition(services, case, "escalate", now=now)
        head = change.directory.head_office(case.organisation_id or "")
        if head is not None and head.id != case.office_id:
            change.move(head, case.level + 1, keep_organisation=True)
        case.delay = "delayed"
        change.take(reason="delayed", **change.placed())
        change.notify("information_delayed")
        change.notify_office("office_information_delayed")
        report.information_delayed += 1
    else:
        change = Transition(services, case, "escalate", now=now)
        case.delay = "long_overdue"
        change.record("reminded", office_id=case.office_id, reason="long_overdue")
        change.notify("information_long_overdue")
        change.notify_office("office_information_long_overdue")
        report.information_long_overdue += 1
    change.commit()
