"""Deadlines of every kind of case: when the sweeper looks next, when a case is due soon, how urgent it is.

The transition path sets `next_check_at` from `next_check` on every commit, and the case
views publish `remind_at` and `urgency` from the same rules, so what an officer's screen
colours and what the sweeper does can never disagree.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from chalicelib.logic.clock import iso, parse_time
from chalicelib.models.complaints import Case
from chalicelib.models.directory import SlaPolicy

Urgency = Literal["on_time", "due_soon", "overdue"]

# A complaint not routed this long after filing is re-sent by the sweeper.
REDRIVE_AFTER = timedelta(minutes=2)
# The office is reminded once per deadline when this share of its time is used; the same
# moment is when a case shows as "due soon". A complaint's share is its SLA policy's `reminder_share`.
REMINDER_AT = 0.75
# Complaint statuses in which an office is at work against a deadline.
WORKING_STATUSES = frozenset({"routed", "in_progress", "reopened"})

# Information requests (Right of Access to Information Act 2017).
ANSWER_WORKING_DAYS = 10
EXTENSION_WORKING_DAYS = 10
APPEAL_WINDOW = timedelta(days=30)
APPEAL_DECISION = timedelta(days=60)
_BEING_ANSWERED = frozenset({"routed", "in_progress"})
_ANSWERED = frozenset({"answered", "not_held", "refused"})
# Ten working days are two calendar weeks when no holiday falls in them: the span whose
# last quarter shows a request as due soon.
_ANSWER_SPAN = timedelta(days=14)

# Suggestions: how long an organisation has to review one.
REVIEW_WITHIN = timedelta(days=30)

# A finished case is archived this long after it ended (store/archive.py): its record goes to S3, a stub stays.
ARCHIVE_AFTER = timedelta(days=365)
# The statuses each kind of case ends in: nothing more will be done. A complaint closed in silence still takes
# the citizen's verdict until its reopen window ends, and an answered request its appeal for 30 days: both
# windows are days, and the archive waits for them whatever their length (`archive_at`).
ENDED: dict[str, frozenset[str]] = {
    "complaint": frozenset({"closed", "rejected", "withdrawn"}),
    "information": frozenset({"closed", "withdrawn"}),
    "feedback": frozenset({"adopted", "not_adopted", "received"}),
}


def period(policy: SlaPolicy) -> timedelta:
    """The time one level has to answer a complaint."""
    return timedelta(days=policy.days_per_level)


def _span(case: Case, policy: SlaPolicy) -> timedelta | None:
    """How long the office had for the deadline it is working to; None when no clock runs."""
    if not case.due_at or case.paused_at:
        return None
    if case.kind == "complaint":
        return period(policy) if case.status in WORKING_STATUSES else None
    if case.kind == "feedback":
        return REVIEW_WITHIN if case.status == "under_review" else None
    if case.status == "appealed":
        return APPEAL_DECISION
    if case.status in _BEING_ANSWERED:
        return _ANSWER_SPAN * (2 if case.extended_at else 1)
    return None


def remind_at(case: Case, policy: SlaPolicy) -> str | None:
    """When the policy's reminder share of a complaint level's time is used (the office is reminded then);
    `REMINDER_AT` of the time of other kinds of case, whose limits are set by law."""
    span = _span(case, policy)
    if span is None or not case.due_at:
        return None
    share = policy.reminder_share if case.kind == "complaint" else REMINDER_AT
    return iso(parse_time(case.due_at) - span * (1 - share))


def urgency(case: Case, policy: SlaPolicy, now: datetime) -> Urgency | None:
    """on_time, due_soon (past the reminder point) or overdue; None when no deadline is running."""
    soon = remind_at(case, policy)
    if soon is None or not case.due_at:
        return None
    stamp = iso(now)
    if stamp >= case.due_at:
        return "overdue"
    return "due_soon" if stamp >= soon else "on_time"


def next_check(case: Case, policy: SlaPolicy, now: datetime) -> str | None:
    """When the sweeper must next look at the case, from its kind, status and deadlines; once it ended, to archive it."""
    if ended(case):
        return archive_at(case, policy, now)
    if case.kind == "information":
        return _next_information_check(case)
    if case.kind == "feedback":
        late = case.status == "under_review" and case.reminded_due_at != case.due_at
        return case.due_at if late else None
    return _next_complaint_check(case, policy, now)


def _next_complaint_check(case: Case, policy: SlaPolicy, now: datetime) -> str | None:
    """Working: the 75 % reminder, then the deadline; paused: never; resolved: the end of the feedback window.

    Never in the past, because the sweeper looks back only so far (sweeper.LOOKBACK_MONTHS).
    A submitted complaint keeps the re-drive time whoever filed or re-drove it set.
    """
    if case.status == "submitted":
        return case.next_check_at
    soon = remind_at(case, policy)
    if soon is not None and case.due_at:
        return max(case.due_at if case.reminded_due_at == case.due_at else soon, iso(now))
    if case.status == "resolved" and case.resolution is not None:
        return iso(parse_time(case.resolution.at) + timedelta(days=policy.feedback_window_days))
    return None


def _next_information_check(case: Case) -> str | None:
    """The deadline, then twice the limit; the reviewer's decision date; the end of the appeal window once answered."""
    if case.status in _BEING_ANSWERED:
        if case.delay is None:
            return case.due_at
        return case.long_overdue_at if case.delay == "delayed" else None
    if case.status == "appealed":
        return case.due_at if case.delay is None else None
    if case.status in _ANSWERED:
        return case.appeal_until
    return None


def ended(case: Case) -> bool:
    """Whether the case is in a status its kind ends in."""
    return case.status in ENDED.get(case.kind, frozenset())


def citizen_windows(case: Case, policy: SlaPolicy) -> list[str]:
    """Until when the citizen may still act on a case that ended: its verdict, its appeal (none: an empty list)."""
    return [until for until in (feedback_until(case, policy), appeal_until(case)) if until]


def archive_at(case: Case, policy: SlaPolicy, now: datetime) -> str | None:
    """When an ended case is archived: ARCHIVE_AFTER from its end, never before the citizen's windows close.

    A closed case ended at `closed_at`; the other ends (rejected, withdrawn, reviewed, received) keep no time of
    their own: the case's last change stands for it, so a later publication or moderation moves it on. Never in
    the past, because the sweeper looks back only so far (sweeper.LOOKBACK_MONTHS). None while it has not ended.
    """
    if not ended(case):
        return None
    end = parse_time(case.closed_at or case.updated_at)
    return max([iso(end + ARCHIVE_AFTER), iso(now), *citizen_windows(case, policy)])


def archivable(case: Case, policy: SlaPolicy, now: datetime) -> bool:
    """Whether the sweeper may archive the case now: it ended, and no window of the citizen's is open."""
    stamp = iso(now)
    return ended(case) and all(until < stamp for until in citizen_windows(case, policy))


def feedback_until(case: Case, policy: SlaPolicy) -> str | None:
    """Until when the citizen may give their verdict on the current resolution; None if they cannot.

    A resolved case waits for it; a case closed because the feedback window passed in
    silence still takes it until the reopen window (from the resolution) ends. One verdict
    per resolution.
    """
    resolution = case.resolution
    if resolution is None or (case.feedback is not None and case.feedback.at >= resolution.at):
        return None
    if case.status == "resolved" or (case.status == "closed" and case.closed_by == "no_feedback"):
        return iso(parse_time(resolution.at) + timedelta(days=policy.reopen_window_days))
    return None


def appeal_until(case: Case) -> str | None:
    """Until when the citizen may appeal: 30 days from the answer, or from the deadline passing unanswered."""
    if case.status in _ANSWERED and case.answer is not None:
        return iso(parse_time(case.answer.at) + APPEAL_WINDOW)
    if case.status in _BEING_ANSWERED and case.delay is not None and case.due_at:
        return iso(parse_time(case.due_at) + APPEAL_WINDOW)
    return None
