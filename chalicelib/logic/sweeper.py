"""The deadlines sweeper: acts on the cases whose next check has come, and on no others.

It reads the due index (GSI3) day by day and shard by shard, so its cost follows the
number of due cases, not of all cases. Per due case, by its state:
- `submitted` too long: re-sent to the route worker (the enqueue failed or was lost);
- at work, 75 % of its time used: the office is reminded, once per deadline;
- at work, deadline passed: escalated one level (straight to the head of the
  organisation when the next deadline would fall after the policy's day for it);
  at the head already, the head office is told it is overdue;
- resolved, the feedback window passed in silence: closed (the citizen may still
  say they are not satisfied until the reopen window ends).
Every move re-reads the case, asks the transition table, and writes with the version
it read, so a second run, or a run racing an officer, changes nothing twice.

One case that cannot be acted on now (a write still contended after its retries, a condition
that failed on another of its items) is counted as `failed` and left due: it never stops the
run, and the next run tries it again. Given the time its invocation has left, a run stops in
time and counts what it left as `deferred`: a backlog larger than one run shrinks every run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib.logic.clock import iso, months_back, parse_time
from chalicelib.logic.deadlines import REDRIVE_AFTER, WORKING_STATUSES
from chalicelib.logic.ports import Services
from chalicelib.logic.transition import Transition
from chalicelib.models.complaints import Case
from chalicelib.models.errors import ConditionFailure, ServiceUnavailable, VersionConflict
from chalicelib.observability import logger, metrics
from chalicelib.store import cases as case_store

# How many whole months before the current one the sweeper looks back for checks it
# has not acted on: an outage of the sweeper shorter than this loses nothing.
LOOKBACK_MONTHS = 2
# A run stops acting while its invocation has at least this long left: one case's longest turn (its reads,
# a contended write's retries, its notices' enqueue) with room to spare, and the metrics' flush.
RESERVE_SECONDS = 5.0


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
    conflicts: int = 0
    failed: int = 0
    deferred: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def due_case_ids(services: Services, now: datetime) -> list[str]:
    """Ids of cases whose next check is at or before `now`, over the lookback: one Query per (month, shard), paged."""
    return case_store.due_case_ids(services.table, months_back(now, LOOKBACK_MONTHS), until_iso=iso(now))


def sweep(services: Services, now: datetime, time_left: Callable[[], float] | None = None) -> SweepReport:
    """Act on every case due at `now`; `time_left` (seconds its invocation has left) stops it in time."""
    report = SweepReport()
    stamp = iso(now)
    due = due_case_ids(services, now)
    for done, case_id in enumerate(due):
        if time_left is not None and time_left() < RESERVE_SECONDS:
            report.deferred = len(due) - done  # still due: the next run starts with them
            break
        report.examined += 1
        try:
            case = case_store.get_case(services.table, case_id)
            if case is None or not case.next_check_at or case.next_check_at > stamp:
                continue  # acted on since the index was read
            _act_on(services, case, now, report)
        except VersionConflict:
            report.conflicts += 1  # someone acted meanwhile; the next run sees the new state
        except (ConditionFailure, ServiceUnavailable) as exc:
            report.failed += 1  # left due: the next run tries it again
            logger.warning("sweep could not act on a case", extra={"case_id": case_id, "error": type(exc).__name__})
    logger.info("sweep finished", extra=report.as_dict())
    for name, value in (
        ("ComplaintsRedriven", report.redriven),
        ("RemindersSent", report.reminded),
        ("CasesEscalated", report.escalated),
        ("CasesOverdueAtHead", report.overdue_at_head),
        ("CasesClosed", report.closed),
        ("InformationRequestsDelayed", report.information_delayed),
        ("InformationRequestsLongOverdue", report.information_long_overdue),
        ("SweepFailures", report.failed),
        ("SweepDeferred", report.deferred),
    ):
        if value:
            metrics.add_metric(name=name, unit="Count", value=value)
    return report


def _act_on(services: Services, case: Case, now: datetime, report: SweepReport) -> None:
    if case.kind == "information":
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
