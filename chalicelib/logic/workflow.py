"""The complaint state machine: which action may move a case from which status, and to where.

`TRANSITIONS` is the whole of it; docs/transitions.md shows the same table. A pair that
is not in it is refused with TransitionNotAllowed (409), whoever asks.
"""

from __future__ import annotations

from typing import Literal, get_args

from chalicelib.models.complaints import CaseStatus, EventType
from chalicelib.models.errors import TransitionNotAllowed

OfficerActionName = Literal["acknowledge", "note", "request_info", "transfer", "resolve", "reject"]
CitizenActionName = Literal["reply", "withdraw", "feedback_satisfied", "feedback_unsatisfied"]
SystemActionName = Literal["escalate", "remind", "close_no_feedback"]
ActionName = OfficerActionName | CitizenActionName | SystemActionName

OFFICER_ACTIONS: tuple[str, ...] = get_args(OfficerActionName)
CITIZEN_ACTIONS: tuple[str, ...] = get_args(CitizenActionName)
SYSTEM_ACTIONS: tuple[str, ...] = get_args(SystemActionName)
ACTIONS: tuple[str, ...] = OFFICER_ACTIONS + CITIZEN_ACTIONS + SYSTEM_ACTIONS
STATUSES: tuple[str, ...] = get_args(CaseStatus)
# Nothing leaves these. `closed` is final too, except that a citizen whose case closed
# because the feedback window passed in silence may still give their verdict within the
# reopen window (a guard in logic/actions.py, on top of this table).
FINAL_STATUSES = frozenset({"rejected", "withdrawn"})

# The timeline event each action writes first.
EVENT_OF: dict[str, EventType] = {
    "acknowledge": "acknowledged",
    "note": "note",
    "request_info": "info_requested",
    "transfer": "transferred",
    "resolve": "resolved",
    "reject": "rejected",
    "reply": "citizen_replied",
    "withdraw": "withdrawn",
    "feedback_satisfied": "feedback",
    "feedback_unsatisfied": "feedback",
    "escalate": "escalated",
    "remind": "reminded",
    "close_no_feedback": "closed",
}

# (status, action) → the status after it. `note` keeps the status; `transfer` keeps it
# `routed` at the new office; escalation and reminders (the sweeper's) keep it too:
# escalation is a level and an event, not a state.
TRANSITIONS: dict[tuple[str, str], CaseStatus] = {
    # officer: acknowledge
    ("routed", "acknowledge"): "in_progress",
    ("reopened", "acknowledge"): "in_progress",
    # officer: note (any open status, unchanged)
    ("submitted", "note"): "submitted",
    ("routed", "note"): "routed",
    ("in_progress", "note"): "in_progress",
    ("awaiting_citizen", "note"): "awaiting_citizen",
    ("reopened", "note"): "reopened",
    # officer: request_info (the SLA clock pauses)
    ("routed", "request_info"): "awaiting_citizen",
    ("in_progress", "request_info"): "awaiting_citizen",
    ("reopened", "request_info"): "awaiting_citizen",
    # officer: transfer (to another office, same level; never a closing)
    ("routed", "transfer"): "routed",
    ("in_progress", "transfer"): "routed",
    ("reopened", "transfer"): "routed",
    ("awaiting_citizen", "transfer"): "routed",
    # officer: resolve (the citizen has the last word)
    ("routed", "resolve"): "resolved",
    ("in_progress", "resolve"): "resolved",
    ("reopened", "resolve"): "resolved",
    # officer: reject (fixed reasons only)
    ("routed", "reject"): "rejected",
    ("in_progress", "reject"): "rejected",
    ("reopened", "reject"): "rejected",
    ("awaiting_citizen", "reject"): "rejected",
    # citizen: reply (the SLA clock resumes)
    ("awaiting_citizen", "reply"): "in_progress",
    # citizen: withdraw (any open status)
    ("submitted", "withdraw"): "withdrawn",
    ("routed", "withdraw"): "withdrawn",
    ("in_progress", "withdraw"): "withdrawn",
    ("awaiting_citizen", "withdraw"): "withdrawn",
    ("reopened", "withdraw"): "withdrawn",
    # citizen: the verdict on a resolution (the reopen window is checked in logic)
    ("resolved", "feedback_satisfied"): "closed",
    ("resolved", "feedback_unsatisfied"): "reopened",
    ("closed", "feedback_satisfied"): "closed",
    ("closed", "feedback_unsatisfied"): "reopened",
    # system (the deadlines sweeper): a missed deadline goes one level up, unchanged in status
    ("routed", "escalate"): "routed",
    ("in_progress", "escalate"): "in_progress",
    ("reopened", "escalate"): "reopened",
    # system: the office is reminded when 75 % of its time is used
    ("routed", "remind"): "routed",
    ("in_progress", "remind"): "in_progress",
    ("reopened", "remind"): "reopened",
    # system: the feedback window passed in silence
    ("resolved", "close_no_feedback"): "closed",
}


# Information requests (Right of Access to Information Act 2017) have their own table:
# the designated official answers, says the information is not held, or refuses under a
# named exemption; extends once; the citizen may appeal an answer or a missed deadline.
InfoOfficerActionName = Literal[
    "acknowledge", "note", "extend", "answer", "not_held", "refuse", "decide_appeal_allowed", "decide_appeal_dismissed"
]
InfoCitizenActionName = Literal["appeal", "withdraw"]
InfoSystemActionName = Literal["escalate", "remind", "close_no_appeal"]
INFO_OFFICER_ACTIONS: tuple[str, ...] = get_args(InfoOfficerActionName)
INFO_CITIZEN_ACTIONS: tuple[str, ...] = get_args(InfoCitizenActionName)
INFO_SYSTEM_ACTIONS: tuple[str, ...] = get_args(InfoSystemActionName)
INFO_ACTIONS: tuple[str, ...] = INFO_OFFICER_ACTIONS + INFO_CITIZEN_ACTIONS + INFO_SYSTEM_ACTIONS
EVENT_OF.update(
    {
        "extend": "extended",
        "answer": "answered",
        "not_held": "not_held",
        "refuse": "refused",
        "decide_appeal_allowed": "appeal_decided",
        "decide_appeal_dismissed": "appeal_decided",
        "appeal": "appealed",
        "close_no_appeal": "closed",
    }
)

_BEING_ANSWERED: tuple[CaseStatus, ...] = ("routed", "in_progress")
_ANSWERED: tuple[CaseStatus, ...] = ("answered", "not_held", "refused")
INFO_TRANSITIONS: dict[tuple[str, str], CaseStatus] = {
    ("routed", "acknowledge"): "in_progress",
    **{(s, "note"): s for s in (*_BEING_ANSWERED, "appealed")},
    # once per request (a guard in logic/information.py)
    **{(s, "extend"): s for s in _BEING_ANSWERED},
    **{(s, "answer"): "answered" for s in _BEING_ANSWERED},
    **{(s, "not_held"): "not_held" for s in _BEING_ANSWERED},
    **{(s, "refuse"): "refused" for s in _BEING_ANSWERED},
    # the reviewer: an appeal allowed sends it back to be answered; dismissed closes it
    ("appealed", "decide_appeal_allowed"): "routed",
    ("appealed", "decide_appeal_dismissed"): "closed",
    # the citizen: appeal an answer within 30 days of it, or a missed deadline within 30 days of it
    **{(s, "appeal"): "appealed" for s in (*_ANSWERED, *_BEING_ANSWERED)},
    **{(s, "withdraw"): "withdrawn" for s in _BEING_ANSWERED},
    # the sweeper: past the deadline (delayed, to the head), past twice the limit (long overdue)
    **{(s, "escalate"): s for s in _BEING_ANSWERED},
    ("appealed", "remind"): "appealed",
    **{(s, "close_no_appeal"): "closed" for s in _ANSWERED},
}


# Suggestions (feedback a citizen sends an organisation) are reviewed: adopted or not, with a note.
FeedbackOfficerActionName = Literal["acknowledge", "note", "review_adopted", "review_not_adopted"]
FEEDBACK_OFFICER_ACTIONS: tuple[str, ...] = get_args(FeedbackOfficerActionName)
EVENT_OF.update({"review_adopted": "reviewed", "review_not_adopted": "reviewed"})
FEEDBACK_TRANSITIONS: dict[tuple[str, str], CaseStatus] = {
    ("under_review", "acknowledge"): "under_review",
    ("under_review", "note"): "under_review",
    ("under_review", "review_adopted"): "adopted",
    ("under_review", "review_not_adopted"): "not_adopted",
    # the sweeper: the review is late; the office is reminded once
    ("under_review", "remind"): "under_review",
}
_TABLES = {"complaint": TRANSITIONS, "information": INFO_TRANSITIONS, "feedback": FEEDBACK_TRANSITIONS}


def next_status(status: str, action: str, kind: str = "complaint") -> CaseStatus:
    """The status `action` moves a case in `status` to; TransitionNotAllowed if the table has no such pair."""
    table = _TABLES[kind]
    after = table.get((status, action))
    if after is None:
        raise TransitionNotAllowed(f"a case that is {status} cannot take the action {action}")
    return after
