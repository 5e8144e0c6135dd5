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
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib.logic import workflow
from chalicelib.logic.changes import (
    WORKING_STATUSES,
    assign,
    commit,
    counters,
    next_check,
    notice,
    office_params,
    parse_time,
    period,
)
from chalicelib.logic.complaints import REDRIVE_AFTER, iso
from chalicelib.logic.directory import Directory
from chalicelib.logic.ports import Services
from chalicelib.models.complaints import Case, TimelineEvent
from chalicelib.models.errors import ServiceUnavailable, VersionConflict
from chalicelib.observability import logger, metrics
from chalicelib.store import cases as case_store
from chalicelib.store import keys
from chalicelib.store.table import Key

# How many whole months before the current one the sweeper looks back for checks it
# has not acted on: an outage of the sweeper shorter than this loses nothing.
LOOKBACK_MONTHS = 2
_PAGE = 100


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

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def _months_back(now: datetime, count: int) -> list[str]:
    """`YYYY-MM` of the `count` months before `now`'s and of its own, oldest first."""
    year, month = now.year, now.month
    found = []
    for _ in range(count + 1):
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return found[::-1]


def due_case_ids(services: Services, now: datetime) -> list[str]:
    """Ids of cases whose next check is at or before `now`: one Query per (month, shard), paged."""
    until = iso(now)
    ids: list[str] = []
    for month in _months_back(now, LOOKBACK_MONTHS):
        for shard in range(keys.DUE_SHARDS):
            start: Key | None = None
            while True:
                page = case_store.due_case_ids(services.table, month, shard, until_iso=until, limit=_PAGE, start=start)
                ids.extend(item["PK"].split("#", 1)[1] for item in page.items)
                if not page.last_key:
                    break
                start = page.last_key
    return ids


def sweep(services: Services, now: datetime) -> SweepReport:
    report = SweepReport()
    directory = services.directory()
    stamp = iso(now)
    for case_id in due_case_ids(services, now):
        report.examined += 1
        case = case_store.get_case(services.table, case_id)
        if case is None or not case.next_check_at or case.next_check_at > stamp:
            continue  # acted on since the index was read
        try:
            _act_on(services, directory, case, now, report)
        except VersionConflict:
            report.conflicts += 1  # someone acted meanwhile; the next run sees the new state
    logger.info("sweep finished", extra=report.as_dict())
    for name, value in (
        ("ComplaintsRedriven", report.redriven),
        ("RemindersSent", report.reminded),
        ("CasesEscalated", report.escalated),
        ("CasesOverdueAtHead", report.overdue_at_head),
        ("CasesClosed", report.closed),
        ("InformationRequestsDelayed", report.information_delayed),
        ("InformationRequestsLongOverdue", report.information_long_overdue),
    ):
        if value:
            metrics.add_metric(name=name, unit="Count", value=value)
    return report


def _act_on(services: Services, directory: Directory, case: Case, now: datetime, report: SweepReport) -> None:
    if case.kind == "information":
        _information_due(services, directory, case, now, report)
    elif case.kind == "feedback":
        _review_late(services, directory, case, now)
        report.reminded += 1
    elif case.status == "submitted":
        report.redriven += _redrive(services, case, now)
    elif case.status in WORKING_STATUSES and case.due_at and not case.paused_at:
        if case.due_at <= iso(now):
            if _escalate(services, directory, case, now):
                report.escalated += 1
            else:
                report.overdue_at_head += 1
        elif case.reminded_due_at != case.due_at:
            _remind(services, directory, case, now)
            report.reminded += 1
    elif case.status == "resolved":
        _close_unanswered(services, directory, case, now)
        report.closed += 1


def _redrive(services: Services, case: Case, now: datetime) -> int:
    expected = case.version
    case.redrive_count += 1
    # Back off: 2, 4, 8 … minutes (capped at a day) so a dead queue is not hammered.
    delay = min(REDRIVE_AFTER * (2 ** min(case.redrive_count, 10)), timedelta(days=1))
    case.next_check_at = iso(now + delay)
    commit(services, case, expected_version=expected, events=[], actor_sub=None)
    try:
        services.intake.send_case(case.id)
    except ServiceUnavailable:
        logger.warning("re-drive enqueue failed", extra={"case_id": case.id})
        return 0
    return 1


def _escalate(services: Services, directory: Directory, case: Case, now: datetime) -> bool:
    """Move an overdue case one level up; False when it is at the head of its organisation already."""
    after = workflow.next_status(case.status, "escalate")
    policy = directory.sla_for(case.category_id)
    stamp = iso(now)
    expected = case.version
    from_office = case.office_id or ""
    missed = (case.due_at or "")[:10]
    chain = directory.chain(from_office)
    if len(chain) < 2:
        # Nowhere higher: tell the head office every period until it acts.
        case.next_check_at = iso(now + period(policy))
        params = {**office_params(directory, from_office), "due_date": missed}
        event = TimelineEvent(
            at=stamp, type="reminded", actor_role="system", office_id=from_office, reason="overdue", level=case.level
        )
        note = notice(case, "office_overdue", params, stamp, to_office=from_office)
        commit(services, case, expected_version=expected, events=[event], notes=[note], actor_sub=None)
        return False
    # Deadlines keep the policy's rhythm (day 20, 40, ...) even when the sweeper runs late,
    # but the office above always gets at least a day.
    due = max(parse_time(case.due_at or iso(now)) + period(policy), now + timedelta(days=1))
    head_by = parse_time(case.routed_at or case.created_at) + timedelta(days=policy.head_of_organisation_by_day)
    target = directory.offices[chain[-1] if due > head_by else chain[1]]
    assign(case, target, case.level + 1, due)
    case.status = after
    case.next_check_at = next_check(case, policy, now)
    event = TimelineEvent(
        at=stamp,
        type="escalated",
        actor_role="system",
        office_id=target.id,
        level=case.level,
        note=f"The deadline of {missed} passed at {office_params(directory, from_office)['office_name']}.",
        reason="deadline_missed",
    )
    params = {
        **office_params(directory, target.id),
        **office_params(directory, from_office, "from_"),
        "due_date": (case.due_at or "")[:10],
    }
    notes = [
        notice(case, "escalated", params, stamp),
        notice(case, "office_escalated_in", params, stamp, to_office=target.id),
        notice(case, "office_escalated_out", params, stamp, to_office=from_office),
    ]
    counts = counters(stamp[:10], case, directory, {"escalated": 1}, from_office)
    commit(services, case, expected_version=expected, events=[event], notes=notes, counts=counts, actor_sub=None)
    return True


def _remind(services: Services, directory: Directory, case: Case, now: datetime) -> None:
    """Tell the office, once per deadline, that three quarters of its time is used."""
    after = workflow.next_status(case.status, "remind")
    policy = directory.sla_for(case.category_id)
    stamp = iso(now)
    expected = case.version
    case.status = after
    case.reminded_due_at = case.due_at
    case.next_check_at = next_check(case, policy, now)
    params = {**office_params(directory, case.office_id), "due_date": (case.due_at or "")[:10]}
    event = TimelineEvent(
        at=stamp, type="reminded", actor_role="system", office_id=case.office_id, reason="deadline_near"
    )
    note = notice(case, "office_reminder", params, stamp, to_office=case.office_id)
    commit(services, case, expected_version=expected, events=[event], notes=[note], actor_sub=None)


def _close_unanswered(services: Services, directory: Directory, case: Case, now: datetime) -> None:
    """The feedback window passed in silence: close, and say until when the citizen may still object."""
    after = workflow.next_status(case.status, "close_no_feedback")
    policy = directory.sla_for(case.category_id)
    stamp = iso(now)
    expected = case.version
    resolved_at = parse_time(case.resolution.at) if case.resolution else now
    case.status, case.closed_by, case.closed_at = after, "no_feedback", stamp
    case.next_check_at = next_check(case, policy, now)
    event = TimelineEvent(at=stamp, type="closed", actor_role="system", reason="no_feedback")
    params = {
        "window_days": str(policy.feedback_window_days),
        "reopen_until": iso(resolved_at + timedelta(days=policy.reopen_window_days))[:10],
    }
    note = notice(case, "closed_no_feedback", params, stamp)
    office_id = case.resolution.office_id if case.resolution else case.office_id
    counts = counters(stamp[:10], case, directory, {"closed": 1, "closed_no_feedback": 1}, office_id)
    commit(services, case, expected_version=expected, events=[event], notes=[note], counts=counts, actor_sub=None)


def _information_due(services: Services, directory: Directory, case: Case, now: datetime, report: SweepReport) -> None:
    """An information request's deadlines: delayed (to the head), long overdue, appeal overdue, closing."""
    stamp = iso(now)
    expected = case.version
    params = office_params(directory, case.office_id)
    if case.status in ("answered", "not_held", "refused"):
        case.status = workflow.next_status(case.status, "close_no_appeal", "information")
        case.closed_by, case.closed_at = "no_appeal", stamp
        case.next_check_at = None
        event = TimelineEvent(at=stamp, type="closed", actor_role="system", reason="no_appeal")
        notes = [notice(case, "information_closed", params, stamp)]
        commit(services, case, expected_version=expected, events=[event], notes=notes, actor_sub=None)
        report.closed += 1
        return
    action = "remind" if case.status == "appealed" else "escalate"
    case.status = workflow.next_status(case.status, action, "information")
    if case.status == "appealed":
        case.delay, case.next_check_at = "delayed", None
        event = TimelineEvent(
            at=stamp, type="reminded", actor_role="system", office_id=case.office_id, reason="delayed"
        )
        due = {**params, "due_date": (case.due_at or "")[:10]}
        notes = [notice(case, "office_appeal_overdue", due, stamp, to_office=case.office_id)]
    elif case.delay is None:
        from_office = case.office_id or ""
        head = directory.head_office(case.organisation_id or "")
        if head is not None and head.id != from_office:
            case.office_id, case.level = head.id, case.level + 1
        case.delay, case.next_check_at = "delayed", case.long_overdue_at
        moved = {**office_params(directory, case.office_id), **office_params(directory, from_office, "from_")}
        event = TimelineEvent(
            at=stamp,
            type="escalated",
            actor_role="system",
            office_id=case.office_id,
            level=case.level,
            reason="delayed",
        )
        notes = [
            notice(case, "information_delayed", moved, stamp),
            notice(case, "office_information_delayed", moved, stamp, to_office=case.office_id),
        ]
        report.information_delayed += 1
    else:
        case.delay, case.next_check_at = "long_overdue", None
        event = TimelineEvent(
            at=stamp, type="reminded", actor_role="system", office_id=case.office_id, reason="long_overdue"
        )
        notes = [
            notice(case, "information_long_overdue", params, stamp),
            notice(case, "office_information_long_overdue", params, stamp, to_office=case.office_id),
        ]
        report.information_long_overdue += 1
    commit(services, case, expected_version=expected, events=[event], notes=notes, actor_sub=None)


def _review_late(services: Services, directory: Directory, case: Case, now: datetime) -> None:
    """A suggestion not reviewed in time: the office is reminded, once."""
    stamp = iso(now)
    expected = case.version
    case.status = workflow.next_status(case.status, "remind", "feedback")
    case.next_check_at = None
    params = {**office_params(directory, case.office_id), "due_date": (case.due_at or "")[:10]}
    event = TimelineEvent(at=stamp, type="reminded", actor_role="system", office_id=case.office_id, reason="overdue")
    note = notice(case, "office_suggestion_overdue", params, stamp, to_office=case.office_id)
    commit(services, case, expected_version=expected, events=[event], notes=[note], actor_sub=None)
