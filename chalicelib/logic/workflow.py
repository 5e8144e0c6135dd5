"""The state machines of every kind of case: which action may move a case from which status, and to where.

`TRANSITIONS` (complaints), `INFO_TRANSITIONS` and `FEEDBACK_TRANSITIONS` are the whole of
it, with the few guards that need data (`refusal`); docs/transitions.md shows the same
tables. A pair that is not in its table is refused with TransitionNotAllowed (409),
whoever asks. `SPECS` says how the actions people send map onto the tables, so that a
case can tell its caller what they may do now (logic/allowed.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, cast, get_args

from pydantic import BaseModel

from chalicelib.logic import deadlines
from chalicelib.logic.clock import parse_time
from chalicelib.logic.directory import Directory
from chalicelib.models import actions as bodies
from chalicelib.models.choices import APPEAL_DECISIONS, REVIEW_DECISIONS
from chalicelib.models.common import Principal
from chalicelib.models.complaints import Case, CaseKind, CaseStatus, EventType
from chalicelib.models.directory import SlaPolicy
from chalicelib.models.errors import TransitionNotAllowed

OfficerActionName = Literal["acknowledge", "note", "request_info", "transfer", "resolve", "reject"]
CitizenActionName = Literal["reply", "withdraw", "feedback_satisfied", "feedback_unsatisfied"]
SystemActionName = Literal["route", "escalate", "remind", "close_no_feedback"]
# A transfer to another organisation's office is a request (what an officer's `transfer` takes
# then), answered by that organisation or an admin.
TransferRequestActionName = Literal["request_transfer", "accept_transfer", "decline_transfer"]
# An office merges a duplicate into another case (logic/metoo.py): it closes, the other lives on.
MergeActionName = Literal["merge"]
ActionName = OfficerActionName | CitizenActionName | SystemActionName | TransferRequestActionName | MergeActionName

OFFICER_ACTIONS: tuple[str, ...] = get_args(OfficerActionName)
CITIZEN_ACTIONS: tuple[str, ...] = get_args(CitizenActionName)
SYSTEM_ACTIONS: tuple[str, ...] = get_args(SystemActionName)
TRANSFER_REQUEST_ACTIONS: tuple[str, ...] = get_args(TransferRequestActionName)
MERGE_ACTIONS: tuple[str, ...] = get_args(MergeActionName)
ACTIONS: tuple[str, ...] = OFFICER_ACTIONS + CITIZEN_ACTIONS + SYSTEM_ACTIONS + TRANSFER_REQUEST_ACTIONS + MERGE_ACTIONS
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
    "request_transfer": "transfer_requested",
    "accept_transfer": "transferred",
    "decline_transfer": "transfer_declined",
    "resolve": "resolved",
    "reject": "rejected",
    "reply": "citizen_replied",
    "withdraw": "withdrawn",
    "feedback_satisfied": "feedback",
    "feedback_unsatisfied": "feedback",
    "escalate": "escalated",
    "remind": "reminded",
    "close_no_feedback": "closed",
    "route": "routed",
    "merge": "merged",
    # opening a case (OPENING below)
    "submit": "submitted",
    "suggest": "submitted",
}

# (status, action) → the status after it. `note` keeps the status; `transfer` keeps it
# `routed` at the new office; escalation and reminders (the sweeper's) keep it too:
# escalation is a level and an event, not a state.
TRANSITIONS: dict[tuple[str, str], CaseStatus] = {
    # system (the route worker): the office that handles the category in the district takes it
    ("submitted", "route"): "routed",
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
    # officer: a transfer to another organisation's office is a request; the case stays as it is
    ("routed", "request_transfer"): "routed",
    ("in_progress", "request_transfer"): "in_progress",
    ("reopened", "request_transfer"): "reopened",
    ("awaiting_citizen", "request_transfer"): "awaiting_citizen",
    # that organisation (or an admin): accepting moves it as a transfer does; declining leaves it
    ("routed", "accept_transfer"): "routed",
    ("in_progress", "accept_transfer"): "routed",
    ("reopened", "accept_transfer"): "routed",
    ("awaiting_citizen", "accept_transfer"): "routed",
    ("routed", "decline_transfer"): "routed",
    ("in_progress", "decline_transfer"): "in_progress",
    ("reopened", "decline_transfer"): "reopened",
    ("awaiting_citizen", "decline_transfer"): "awaiting_citizen",
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
    # an office (or an admin): a duplicate merged into another open case closes (closed_by "merged")
    ("submitted", "merge"): "closed",
    ("routed", "merge"): "closed",
    ("in_progress", "merge"): "closed",
    ("awaiting_citizen", "merge"): "closed",
    ("reopened", "merge"): "closed",
}


# Information requests (Right of Access to Information Act 2017) have their own table:
# the designated official answers, says the information is not held, or refuses under a
# named exemption; extends once; the citizen may appeal an answer or a missed deadline.
InfoOfficerActionName = Literal[
    "acknowledge", "note", "extend", "answer", "not_held", "refuse", "decide_appeal_allowed", "decide_appeal_dismissed"
]
InfoCitizenActionName = Literal["appeal", "withdraw"]
InfoSystemActionName = Literal["route", "escalate", "remind", "close_no_appeal"]
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
    # a request goes straight to the organisation's designated official when it is filed
    ("submitted", "route"): "routed",
    ("routed", "acknowledge"): "in_progress",
    **{(s, "note"): s for s in (*_BEING_ANSWERED, "appealed")},
    # once per request (a guard: `refusal`)
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
    # system (the route worker): the office that handles the category in the district takes it
    ("submitted", "route"): "routed",
    ("under_review", "acknowledge"): "under_review",
    ("under_review", "note"): "under_review",
    ("under_review", "review_adopted"): "adopted",
    ("under_review", "review_not_adopted"): "not_adopted",
    # the sweeper: the review is late; the office is reminded once
    ("under_review", "remind"): "under_review",
}
_TABLES = {"complaint": TRANSITIONS, "information": INFO_TRANSITIONS, "feedback": FEEDBACK_TRANSITIONS}

# Publication is no move of the state machine: these actions keep the status and are open in
# any status of their kind, when `refusal` lets them (published or not, hidden or not).
ANY_STATUS: dict[str, tuple[str, ...]] = {"complaint": ("publish", "unpublish", "hide")}
EVENT_OF.update({"publish": "published", "unpublish": "unpublished", "hide": "hidden"})

# A new case's first status, by kind and by how it was filed; its first event is EVENT_OF[action].
OPENING: dict[tuple[str, str], CaseStatus] = {
    ("complaint", "submit"): "submitted",
    ("information", "submit"): "submitted",
    ("feedback", "submit"): "received",  # appreciation and ratings are counted, not worked
    ("feedback", "suggest"): "under_review",  # a suggestion is reviewed by the organisation
}


def opening_status(kind: str, action: str) -> CaseStatus:
    return OPENING[(kind, action)]


def allows(status: str, action: str, kind: str = "complaint") -> bool:
    return (status, action) in _TABLES[kind] or action in ANY_STATUS.get(kind, ())


def next_status(status: str, action: str, kind: str = "complaint") -> CaseStatus:
    """The status `action` moves a case in `status` to; TransitionNotAllowed if the table has no such pair."""
    table = _TABLES[kind]
    after = table.get((status, action))
    if action in ANY_STATUS.get(kind, ()) and status in STATUSES:
        after = cast(CaseStatus, status)
    if after is None:
        raise TransitionNotAllowed(f"a case that is {status} cannot take the action {action}")
    return after


_ANSWERS_TO_A_REQUEST = ("accept_transfer", "decline_transfer")
# While another organisation is asked to take a complaint, its office neither moves it elsewhere
# nor closes it here: the answer comes first (and the deadline keeps running meanwhile).
_WAIT_FOR_THE_ANSWER = ("transfer", "request_transfer", "resolve", "reject")


def refusal(case: Case, action: str, policy: SlaPolicy, now: datetime) -> str | None:
    """Why an action the table allows is refused all the same by a rule that needs the case's data."""
    if action.startswith("feedback_"):
        until = deadlines.feedback_until(case, policy)
        if until is None:
            return "this complaint's resolution has had its verdict already"
        if now > parse_time(until):
            return f"feedback on this resolution was possible until {until}"
    elif action == "appeal":
        until = deadlines.appeal_until(case)
        if until is None:
            return "an appeal is possible once the request is answered or its deadline has passed"
        if now > parse_time(until):
            return f"the time to appeal ended on {until[:10]}"
    elif action == "extend" and case.extended_at:
        return "an information request may be extended only once"
    elif action in _ANSWERS_TO_A_REQUEST and case.transfer_request is None:
        return "no transfer request on this complaint waits for an answer"
    elif action in _WAIT_FOR_THE_ANSWER and case.transfer_request is not None:
        asked = case.transfer_request.office_id
        return f"{asked} is asked to take this complaint: its answer comes before another transfer, a resolution or a rejection"
    elif action in ANY_STATUS.get(case.kind, ()):
        return _publication_refusal(case, action)
    return None


def _publication_refusal(case: Case, action: str) -> str | None:
    if action == "publish":
        if case.published_at:
            return "this complaint is public already"
        if case.hidden is not None:
            return "an office hid this complaint's text; it cannot be published again"
        if case.status == "withdrawn":
            return "a withdrawn complaint is not published"
    elif not case.published_at:
        return "this complaint is not public"
    elif action == "hide" and case.hidden is not None:
        return "this complaint's text is hidden already"
    return None


# --- The actions people send, and the rows of the tables they take --------------------------


# How a member of staff stands to a case: they work it (the case's office is in their office's
# subtree), they answer a request to take it (a pending transfer request, always from another
# organisation, names an office of their subtree and they are a supervisor: the group
# `supervisor`), their office is asked but they are not a supervisor (they see it, and answer
# nothing), or they are an admin (who transfers any complaint and answers any request).
Standing = Literal["office", "receiving", "asked", "admin"]
_WORKS_IT: frozenset[Standing] = frozenset({"office"})


@dataclass(frozen=True)
class ActionSpec:
    """An action as an officer or a citizen sends it: its body, and which action of the table it takes.

    Most take the action of their own name; a body whose `branch` field decides (a
    reviewer's decision, a citizen's verdict) takes `branches[value]`. A staff action is
    taken by those whose standing to the case is one of `standings`.
    """

    name: str
    role: Literal["officer", "citizen"]
    body: type[BaseModel]
    branch: str | None = None
    branches: Mapping[object, str] = field(default_factory=dict)
    standings: frozenset[Standing] = _WORKS_IT

    def table_actions(self) -> tuple[str, ...]:
        return tuple(self.branches.values()) if self.branch else (self.name,)

    def table_action(self, data: BaseModel) -> str:
        return self.branches[getattr(data, self.branch)] if self.branch else self.name

    def kinds(self) -> tuple[CaseKind, ...]:
        """The kinds of case whose table has a row for this action (or that take it in any status)."""
        return tuple(
            kind  # type: ignore[misc]
            for kind, table in _TABLES.items()
            if any(action in self.table_actions() for _, action in table)
            or any(action in ANY_STATUS.get(kind, ()) for action in self.table_actions())
        )


def _decisions(name: str, body: type[BaseModel], choices: Mapping[str, object]) -> ActionSpec:
    return ActionSpec(name, "officer", body, "decision", {value: f"{name}_{value}" for value in choices})


SPECS: tuple[ActionSpec, ...] = (
    ActionSpec("acknowledge", "officer", bodies.AcknowledgeIn),
    ActionSpec("note", "officer", bodies.NoteIn),
    ActionSpec("request_info", "officer", bodies.RequestInfoIn),
    ActionSpec("transfer", "officer", bodies.TransferIn, standings=frozenset({"office", "admin"})),
    ActionSpec("accept_transfer", "officer", bodies.AcceptTransferIn, standings=frozenset({"receiving", "admin"})),
    ActionSpec("decline_transfer", "officer", bodies.DeclineTransferIn, standings=frozenset({"receiving", "admin"})),
    ActionSpec("resolve", "officer", bodies.ResolveIn),
    ActionSpec("reject", "officer", bodies.RejectIn),
    ActionSpec("extend", "officer", bodies.ExtendIn),
    ActionSpec("answer", "officer", bodies.AnswerIn),
    ActionSpec("not_held", "officer", bodies.NotHeldIn),
    ActionSpec("refuse", "officer", bodies.RefuseIn),
    _decisions("decide_appeal", bodies.DecideAppealIn, APPEAL_DECISIONS),
    _decisions("review", bodies.ReviewIn, REVIEW_DECISIONS),
    ActionSpec("hide", "officer", bodies.HideIn),
    ActionSpec("reply", "citizen", bodies.ReplyIn),
    ActionSpec("withdraw", "citizen", bodies.WithdrawIn),
    ActionSpec(
        "feedback",
        "citizen",
        bodies.FeedbackIn,
        "satisfied",
        {True: "feedback_satisfied", False: "feedback_unsatisfied"},
    ),
    ActionSpec("appeal", "citizen", bodies.AppealIn),
    ActionSpec("publish", "citizen", bodies.PublishIn),
    ActionSpec("unpublish", "citizen", bodies.UnpublishIn),
)
SPEC_OF: dict[tuple[str, str], ActionSpec] = {(s.role, s.name): s for s in SPECS}


def table_action(role: Literal["officer", "citizen"], name: str, data: BaseModel) -> str:
    """The table's action a body takes (an action nobody sends under that name is refused as unknown)."""
    spec = SPEC_OF.get((role, name))
    if spec is None:
        raise TransitionNotAllowed(f"no action {name}")
    return spec.table_action(data)


def standings(case: Case, viewer: Principal, directory: Directory) -> frozenset[Standing]:
    """How `viewer` stands to `case` (none: the case is not theirs to see)."""
    if viewer.role == "admin":
        return frozenset({"admin"}) if case.kind == "complaint" else frozenset()
    if viewer.role != "officer" or not viewer.office_id:
        return frozenset()
    offices = set(directory.subtree(viewer.office_id))
    found: set[Standing] = set()
    if case.office_id in offices:
        found.add("office")
    if case.transfer_request is not None and case.transfer_request.office_id in offices:
        found.add("receiving" if viewer.supervisor else "asked")
    return frozenset(found)


def check_standing(name: str, standing: frozenset[Standing]) -> None:
    """TransitionNotAllowed (409) unless staff who stand to the case as `standing` may send the action `name`."""
    spec = SPEC_OF.get(("officer", name))
    if spec is None:
        raise TransitionNotAllowed(f"no action {name}")
    if spec.standings & standing:
        return
    if "admin" in standing:
        raise TransitionNotAllowed(
            f"an admin transfers a complaint or answers its transfer request; {name} is its office's"
        )
    if "receiving" in standing:
        raise TransitionNotAllowed(
            f"this complaint is only asked to come to your office: accept or decline it before {name}"
        )
    if "asked" in standing:
        raise TransitionNotAllowed(
            "a request from another organisation to take this complaint is answered by a supervisor of the office "
            "asked, or an admin"
        )
    raise TransitionNotAllowed(f"{name} is for the organisation asked to take this complaint, or an admin")
