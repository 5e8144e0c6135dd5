"""Moving a case along: an officer's actions and a citizen's reply or withdrawal.

Each action reads the case once, checks scope, `If-Match` and the transition table,
then writes the case, its timeline event, the citizen's notification and the
counters in one transaction conditioned on the version it read: of two people
acting at once, exactly one wins and the other gets VersionConflict.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from chalicelib.logic import tracking, uploads, workflow
from chalicelib.logic.complaints import iso, to_case_out
from chalicelib.logic.directory import Directory
from chalicelib.logic.messages import REJECT_REASONS
from chalicelib.logic.ports import Services
from chalicelib.models.actions import (
    AcknowledgeIn,
    NoteIn,
    OfficerAction,
    RejectIn,
    ReplyIn,
    RequestInfoIn,
    ResolveIn,
    TransferIn,
    WithdrawIn,
)
from chalicelib.models.common import Principal
from chalicelib.models.complaints import Case, CaseOut, CaseStatus, EventType, Resolution, TimelineEvent
from chalicelib.models.errors import CaseNotFound, FieldProblem, Forbidden, InvalidInput, VersionConflict
from chalicelib.observability import logger, metrics
from chalicelib.store import cases as case_store
from chalicelib.store import keys
from chalicelib.store.table import Increment

_EVENT_OF: dict[str, EventType] = {
    "acknowledge": "acknowledged",
    "note": "note",
    "request_info": "info_requested",
    "transfer": "transferred",
    "resolve": "resolved",
    "reject": "rejected",
    "reply": "citizen_replied",
    "withdraw": "withdrawn",
}
# Counted per office and day when they happen.
_COUNTED = {"resolve": "resolved", "reject": "rejected", "transfer": "transferred_out", "withdraw": "withdrawn"}


def _parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _read(services: Services, raw_id: str) -> tuple[Case, list[TimelineEvent]] | None:
    case_id = tracking.normalise(raw_id)
    return case_store.get_case_with_timeline(services.table, case_id) if case_id else None


def _check_version(case: Case, if_match: int | None) -> None:
    if if_match is not None and if_match != case.version:
        raise VersionConflict(f"the case is at version {case.version}, not {if_match}; reload and try again")


def _office_params(directory: Directory, office_id: str | None) -> dict[str, str]:
    office = directory.offices.get(office_id or "")
    if office is None:
        return {"office_name": office_id or "", "office_name_ur": office_id or ""}
    return {"office_name": office.name, "office_name_ur": office.name_ur or office.name}


def act(services: Services, principal: Principal, case_id: str, data: OfficerAction, if_match: int | None) -> CaseOut:
    """Apply an officer's action to a case in their office's subtree."""
    if principal.role != "officer" or not principal.office_id:
        raise Forbidden("only officers act on cases")
    directory = services.directory()
    found = _read(services, case_id)
    if found is None or found[0].office_id not in set(directory.subtree(principal.office_id)):
        raise CaseNotFound("no case with this tracking number in your office")
    case, events = found
    _check_version(case, if_match)
    after = workflow.next_status(case.status, data.action)
    now = services.clock()
    stamp = iso(now)
    acting_office = case.office_id or principal.office_id
    event = TimelineEvent(
        at=stamp, type=_EVENT_OF[data.action], actor_role="officer", note=data.note, office_id=acting_office
    )
    template: str | None = None
    params: dict[str, str] = {"case_id": case.id, **_office_params(directory, case.office_id)}

    if isinstance(data, AcknowledgeIn | NoteIn):
        pass
    elif isinstance(data, RequestInfoIn):
        case.paused_at = stamp
        case.next_check_at = None  # nothing falls due while the clock is paused
        template, params["question"] = "info_requested", data.note
    elif isinstance(data, TransferIn):
        target = directory.offices.get(data.office_id)
        if target is None or target.id == case.office_id:
            problem = "unknown office" if target is None else "the case is at this office already"
            raise InvalidInput("the transfer needs correcting", [FieldProblem("office_id", problem)])
        due = iso(now + timedelta(days=directory.sla_for(case.category_id).days_per_level))
        case.office_id, case.organisation_id = target.id, target.organisation_id
        case.due_at = case.next_check_at = due
        case.paused_at = None
        event.office_id, event.level = target.id, case.level
        template = "transferred"
        params.update(_office_params(directory, target.id), due_date=due[:10])
    elif isinstance(data, ResolveIn):
        problems = uploads.attachment_problems(services, principal, data.attachments)
        if problems:
            raise InvalidInput("the resolution needs correcting", problems)
        window = directory.sla_for(case.category_id).feedback_window_days
        case.resolution = Resolution(outcome=data.outcome, note=data.note, at=stamp, office_id=acting_office)
        case.next_check_at = iso(now + timedelta(days=window))  # the citizen's feedback window
        event.reason = data.outcome
        template = "resolved"
    elif isinstance(data, RejectIn):
        case.paused_at = case.next_check_at = None
        event.reason = data.reason
        template = "rejected"
        texts = REJECT_REASONS[data.reason]
        params.update(reason=texts["en"], reason_ur=texts["ur"])

    return _save(services, principal, case, events, event, after, data.action, template, params, stamp, acting_office)


def _owned(services: Services, principal: Principal, case_id: str) -> tuple[Case, list[TimelineEvent]]:
    if principal.role != "citizen":
        raise Forbidden("only the citizen who filed a complaint may do this")
    found = _read(services, case_id)
    if found is None or found[0].citizen_sub != principal.sub:
        raise CaseNotFound("no complaint with this tracking number in your account")
    return found


def reply(services: Services, principal: Principal, case_id: str, data: ReplyIn, if_match: int | None) -> CaseOut:
    """The citizen answers a request for details; the SLA clock resumes, extended by the time it waited."""
    case, events = _owned(services, principal, case_id)
    _check_version(case, if_match)
    after = workflow.next_status(case.status, "reply")
    problems = uploads.attachment_problems(services, principal, data.attachments)
    if problems:
        raise InvalidInput("the reply needs correcting", problems)
    now = services.clock()
    stamp = iso(now)
    if case.paused_at and case.due_at:
        paused_for = max(now - _parse_time(case.paused_at), timedelta(0))
        case.due_at = iso(_parse_time(case.due_at) + paused_for)
    case.paused_at = None
    case.next_check_at = case.due_at
    event = TimelineEvent(at=stamp, type="citizen_replied", actor_role="citizen", note=data.message)
    return _save(services, principal, case, events, event, after, "reply", None, {}, stamp, case.office_id)


def withdraw(services: Services, principal: Principal, case_id: str, data: WithdrawIn, if_match: int | None) -> CaseOut:
    """The citizen withdraws an open complaint; it leaves the office's queue."""
    case, events = _owned(services, principal, case_id)
    _check_version(case, if_match)
    after = workflow.next_status(case.status, "withdraw")
    stamp = iso(services.clock())
    case.paused_at = None
    case.next_check_at = None
    event = TimelineEvent(at=stamp, type="withdrawn", actor_role="citizen", note=data.reason)
    return _save(services, principal, case, events, event, after, "withdraw", None, {}, stamp, case.office_id)


def _save(
    services: Services,
    principal: Principal,
    case: Case,
    events: list[TimelineEvent],
    event: TimelineEvent,
    after: CaseStatus,
    action: str,
    template: str | None,
    params: dict[str, str],
    stamp: str,
    office_id: str | None,
) -> CaseOut:
    expected = case.version
    case.status = after
    case.updated_at = stamp
    case.version += 1
    case.event_seq += 1
    notes = []
    if template is not None:
        notes.append(
            case_store.Notification(
                sub=case.citizen_sub,
                id=secrets.token_hex(6),
                at=stamp,
                template=template,
                params=params,
                case_id=case.id,
            )
        )
    counters = []
    if action in _COUNTED:
        counted = {_COUNTED[action]: 1}
        counters.append(Increment(keys.stat_key("all", "all", stamp[:10]), counted))
        if office_id:
            counters.append(Increment(keys.stat_key("office", office_id, stamp[:10]), counted))
    change = case_store.CaseChange(case=case, events=[event], notifications=notes, counters=counters)
    case_store.save_change(services.table, change, expected_version=expected, actor_sub=principal.sub)
    logger.info("case action", extra={"case_id": case.id, "action": action, "status": case.status})
    metrics.add_metric(name="CaseActions", unit="Count", value=1)
    return to_case_out(case, [*events, event], services.directory())
