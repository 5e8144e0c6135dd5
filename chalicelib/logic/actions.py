"""Moving a case along: an officer's actions on any kind of case, and the citizen's reply, withdrawal and verdict.

Each action reads the case once, checks scope and `If-Match`, then opens a Transition,
which asks the kind's transition table before anything else. A handler per action (a
table, `COMPLAINT_HANDLERS` here and its peers in information.py and feedback.py) says
what the action does; the Transition writes it all in one transaction conditioned on the
version read: of two people acting at once, exactly one wins and the other gets
VersionConflict.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalicelib.logic import complaints, feedback, information, officer, publication, uploads, workflow
from chalicelib.logic.clock import parse_time
from chalicelib.logic.ports import Services
from chalicelib.logic.transition import Transition, check_version, note_only
from chalicelib.models.actions import (
    AcceptTransferIn,
    DeclineTransferIn,
    FeedbackIn,
    OfficerAction,
    RejectIn,
    ReplyIn,
    RequestInfoIn,
    ResolveIn,
    TransferIn,
    WithdrawIn,
)
from chalicelib.models.audit import Actor
from chalicelib.models.choices import REJECT_REASONS
from chalicelib.models.common import Principal
from chalicelib.models.complaints import CaseOut, Resolution, TransferRequest, Verdict
from chalicelib.models.directory import Office
from chalicelib.models.errors import FieldProblem, InvalidInput, TransitionNotAllowed
from chalicelib.observability import logger, metrics

# Resolutions later than this many days share one histogram bucket.
RESOLUTION_DAYS_CAP = 120
# CloudWatch metrics of a complaint's actions, beside the counters public statistics read.
_METRIC_OF = {
    "resolve": ("CasesResolved",),
    "reject": ("CasesRejected",),
    "withdraw": ("CasesWithdrawn",),
    "feedback_satisfied": ("CitizensSatisfied",),
    "feedback_unsatisfied": ("CitizensNotSatisfied", "CasesReopened"),
}

Handler = Callable[[Transition, Any], None]


def act(
    services: Services,
    principal: Principal,
    case_id: str,
    data: OfficerAction,
    if_match: int | None,
    actor: Actor | None = None,
) -> CaseOut:
    """Apply a staff action to a case: an officer's to a case of their subtree, or one they are asked to take; an admin's.

    `actor`: the caller and where from (the API's request), for the audit entry of a moderation."""
    case, events, standing = officer.in_scope(services, principal, case_id)
    check_version(case, if_match)
    workflow.check_standing(data.action, standing)
    change = Transition(
        services, case, workflow.table_action("officer", data.action, data), by=principal, timeline=events
    )
    if actor is not None:
        change.actor = actor
    handler = OFFICER_HANDLERS[case.kind].get(data.action)
    if handler is None:  # the table has the action for this kind, but no handler: refuse rather than guess
        raise TransitionNotAllowed(f"a {case.kind} case cannot take the action {data.action}")
    handler(change, data)
    change.commit()
    _record(change)
    return change.case_out()


def _request_info(change: Transition, data: RequestInfoIn) -> None:
    change.pause()  # the SLA clock stops until the citizen replies
    change.take(note=data.note)
    change.notify("info_requested", question=data.note)


def _transfer(change: Transition, data: TransferIn) -> None:
    """Within the case's organisation, or by an admin: the case moves now. Elsewhere: that organisation is asked."""
    target = change.directory.live_office(data.office_id)
    if target is None or target.id == change.case.office_id:
        problem = "unknown office" if target is None else "the case is at this office already"
        raise InvalidInput("the transfer needs correcting", [FieldProblem("office_id", problem)])
    if change.actor_role == "admin" or target.organisation_id == _organisation_of(change):
        _hand_over(change, target, data.note)
    else:
        _ask_to_take(change, target, data.note)


def _organisation_of(change: Transition) -> str | None:
    """The organisation whose office tree the case is in."""
    office = change.directory.offices.get(change.case.office_id or "")
    return office.organisation_id if office else change.case.organisation_id


def _hand_over(change: Transition, target: Office, note: str, **event: str) -> None:
    """The case moves to `target` on its own clock, its event saying which transfer it is; citizen and office are told."""
    change.hand_over(target)
    change.take(note=note, transfer_number=change.case.transfers, **event, **change.placed())
    change.notify("transferred")
    change.notify_office("office_new_case")
    change.count({"transferred": 1})


def _ask_to_take(change: Transition, target: Office, note: str) -> None:
    """Another organisation's office is asked to take the case; it stays where it is, its deadline running."""
    case = change.case
    by = change.by.sub if change.by else ""
    case.transfer_request = TransferRequest(
        office_id=target.id, from_office_id=case.office_id or "", by=by, at=change.at, note=note
    )
    change.take("request_transfer", note=note, office_id=target.id)
    change.notify_office("office_transfer_requested", target.id, note=note, **change.office_names(target.id, "to_"))


def _accept_transfer(change: Transition, data: AcceptTransferIn) -> None:
    """The organisation asked takes the case, with the deadline it has; the office that asked is told."""
    request = _pending(change)
    target = change.directory.live_office(request.office_id)
    if target is None:
        raise TransitionNotAllowed("the office asked to take this complaint is no longer in the directory")
    change.case.transfer_request = None
    _hand_over(change, target, data.note or request.note, reason="accepted")
    for office_id in _askers(change, request):
        change.notify_office("office_transfer_accepted", office_id)


def _decline_transfer(change: Transition, data: DeclineTransferIn) -> None:
    """The organisation asked says no, and why; the case stays where it is and the office that asked is told."""
    request = _pending(change)
    change.case.transfer_request = None
    change.take(note=data.note, office_id=request.office_id)
    names = change.office_names(request.office_id, "to_")
    for office_id in _askers(change, request):
        change.notify_office("office_transfer_declined", office_id, note=data.note, **names)


def _pending(change: Transition) -> TransferRequest:
    request = change.case.transfer_request
    if request is None:  # `refusal` has said so already; this keeps the type honest
        raise TransitionNotAllowed("no transfer request on this complaint waits for an answer")
    return request


def _askers(change: Transition, request: TransferRequest) -> list[str]:
    """The office that asked, and the one the case was at when the answer came (it may have been escalated since)."""
    return [o for o in dict.fromkeys([request.from_office_id, change.from_office or ""]) if o]


def _resolve(change: Transition, data: ResolveIn) -> None:
    case = change.case
    attached = (
        uploads.attach_checked(change.services, change.by, case, data.attachments, "resolution") if change.by else []
    )
    case.resolution = Resolution(outcome=data.outcome, note=data.note, at=change.at, office_id=case.office_id or "")
    case.feedback = None  # every resolution asks the citizen afresh
    change.take(note=data.note, reason=data.outcome, attachments=attached or None)
    change.notify("resolved")
    counted = {"resolved": 1}
    if case.routed_at:
        # A histogram of days from routing to resolution, for the median in public statistics.
        days = max((change.now - parse_time(case.routed_at)).days, 0)
        counted[f"resolved_in_{min(days, RESOLUTION_DAYS_CAP)}d"] = 1
    change.count(counted)
    if case.first_resolved_at is None:
        # Each resolution counts above (for the office that made it, today); the case counts once, among
        # the cases received when it was routed, so the resolved rate is a share of cases: never above 100 %.
        case.first_resolved_at = change.at
        change.count_as_received({"resolved_cases": 1})


def _reject(change: Transition, data: RejectIn) -> None:
    change.take(note=data.note, reason=data.reason)
    reason = REJECT_REASONS[data.reason]
    change.notify("rejected", reason=reason.because, reason_ur=reason.because_ur)
    change.count({"rejected": 1})


COMPLAINT_HANDLERS: dict[str, Handler] = {
    "acknowledge": note_only,
    "note": note_only,
    "request_info": _request_info,
    "transfer": _transfer,
    "accept_transfer": _accept_transfer,
    "decline_transfer": _decline_transfer,
    "resolve": _resolve,
    "reject": _reject,
    "hide": publication.hide,
}
OFFICER_HANDLERS: dict[str, dict[str, Handler]] = {
    "complaint": COMPLAINT_HANDLERS,
    "information": information.OFFICER_HANDLERS,
    "feedback": feedback.OFFICER_HANDLERS,
}


def reply(services: Services, principal: Principal, case_id: str, data: ReplyIn, if_match: int | None) -> CaseOut:
    """The citizen answers a request for details; the SLA clock resumes, extended by the time it waited."""
    change = complaints.own_change(services, principal, case_id, "reply", if_match)
    attached = uploads.attach_checked(services, principal, change.case, data.attachments, "reply")
    change.resume()
    change.take(note=data.message, attachments=attached or None)
    change.notify_office("office_citizen_replied")
    change.commit()
    _record(change)
    return change.case_out()


def withdraw(services: Services, principal: Principal, case_id: str, data: WithdrawIn, if_match: int | None) -> CaseOut:
    """The citizen withdraws an open complaint; it leaves the office's queue."""
    change = complaints.own_change(services, principal, case_id, "withdraw", if_match)
    case = change.case
    case.paused_at = None  # a withdrawn complaint waits for nobody
    request, case.transfer_request = case.transfer_request, None
    change.take(note=data.reason)
    if request is not None:  # the office asked to take it need not answer any more
        change.notify_office(
            "office_transfer_withdrawn", request.office_id, **change.office_names(request.office_id, "to_")
        )
    change.count({"withdrawn": 1})
    change.commit()
    _record(change)
    return change.case_out()


def give_feedback(
    services: Services, principal: Principal, case_id: str, data: FeedbackIn, if_match: int | None
) -> CaseOut:
    """The citizen's verdict on a resolution: satisfied closes the case; not satisfied reopens it one level up.

    Allowed while the case is resolved, and after a silent feedback window closed it, until
    the reopen window (30 days from the resolution by default) ends; once per resolution.
    """
    action = "feedback_satisfied" if data.satisfied else "feedback_unsatisfied"
    change = complaints.own_change(services, principal, case_id, action, if_match)
    case = change.case
    resolver = case.resolution.office_id if case.resolution else case.office_id
    was_resolved = case.status == "resolved"
    case.feedback = Verdict(satisfied=data.satisfied, rating=data.rating, comment=data.comment, at=change.at)
    verdict = "satisfied" if data.satisfied else "not_satisfied"
    change.take(note=data.comment, reason=verdict, office_id=resolver)
    counted = {verdict: 1, f"rating_{data.rating}": 1}
    if not data.satisfied:
        _reopen(change, data, resolver)
        counted["reopened"] = 1
    elif was_resolved:
        case.closed_by, case.closed_at = "satisfied", change.at
        change.record("closed", actor_role="system", reason="satisfied")
        change.notify("closed")
        counted["closed"] = 1
    change.count(counted)
    change.commit()
    _record(change)
    if counted.get("closed"):
        metrics.add_metric(name="CasesClosed", unit="Count", value=1)
    return change.case_out()


def _reopen(change: Transition, data: FeedbackIn, resolver: str | None) -> None:
    """Not satisfied: the office above the one that resolved it takes the case, a level up, with a fresh deadline."""
    chain = change.directory.chain(resolver or "")
    above = change.directory.offices.get(chain[1] if len(chain) > 1 else resolver or "")
    if above is None:
        raise TransitionNotAllowed("the office that resolved this complaint is no longer in the directory")
    case = change.case
    change.move(above, case.level + 1, change.now + change.period)
    case.resolution = None  # the resolution stays on the timeline; the case is at work again
    case.closed_by = case.closed_at = None
    note = data.comment or "The citizen was not satisfied with the resolution."
    change.record("reopened", note=note, **change.placed())
    change.notify("reopened")
    change.notify_office("office_reopened")


def _record(change: Transition) -> None:
    action = change.action or ""
    logger.info("case action", extra={"case_id": change.case.id, "action": action, "status": change.case.status})
    metrics.add_metric(name="CaseActions", unit="Count", value=1)
    for name in _METRIC_OF.get(action, ()) if change.case.kind == "complaint" else ():
        metrics.add_metric(name=name, unit="Count", value=1)
