"""Information requests under the Right of Access to Information Act 2017.

A citizen asks an organisation; its designated official (the officers of the
organisation's information office) must answer by the end of the 10th working day
after the day of receipt, may extend once by 10 working days with a reason, and may
answer (fully or partly), say the information is not held, or refuse under a named
exemption. Past the deadline the request is "delayed" and goes to the head of the
organisation; past twice its limit it is "long overdue". The citizen may appeal
within 30 days of the answer, or of the deadline passing unanswered; the appeal goes
to the reviewer (the Pakistan Information Commission by default), who has 60 days.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from chalicelib.logic import complaints, uploads
from chalicelib.logic.clock import iso, parse_time
from chalicelib.logic.complaints import Submitted, create
from chalicelib.logic.deadlines import ANSWER_WORKING_DAYS, APPEAL_DECISION, APPEAL_WINDOW, EXTENSION_WORKING_DAYS
from chalicelib.logic.directory import Directory
from chalicelib.logic.ports import Services
from chalicelib.logic.transition import Transition, note_only
from chalicelib.logic.workdays import calendar_for
from chalicelib.models.actions import (
    AnswerIn,
    AppealIn,
    DecideAppealIn,
    ExtendIn,
    InformationRequestIn,
    NotHeldIn,
    RefuseIn,
    WithdrawIn,
)
from chalicelib.models.choices import EXEMPTIONS
from chalicelib.models.common import Listing, Principal
from chalicelib.models.complaints import Answer, AnswerKind, CaseOut, CaseSummary
from chalicelib.models.directory import Office
from chalicelib.models.errors import FieldProblem, Forbidden, InvalidInput, ServiceUnavailable
from chalicelib.observability import logger, metrics

KIND = "information"
CATEGORY = "information-request"
# Who hears appeals when an organisation names no reviewer.
DEFAULT_REVIEWER_ORGANISATION = "pakistan-information-commission"


def official_office(directory: Directory, organisation_id: str) -> Office | None:
    """The office of the organisation's designated official, else its head office."""
    organisation = directory.live_organisation(organisation_id)
    if organisation is None:
        return None
    official = directory.live_office(organisation.information_office_id or "")
    if official is not None:
        return official
    return directory.head_office(organisation_id)


def reviewer_office(directory: Directory, organisation_id: str) -> Office | None:
    organisation = directory.organisations.get(organisation_id)
    reviewer = directory.live_office(organisation.appeal_office_id or "") if organisation is not None else None
    if reviewer is not None:
        return reviewer
    return directory.head_office(DEFAULT_REVIEWER_ORGANISATION) or directory.triage_office()


def _answer_by(change: Transition, start: datetime, working_days: int) -> datetime:
    """Set the deadline `working_days` after the day of `start`, and twice as far (long overdue); return it."""
    calendar = calendar_for(change.services, start)
    change.case.long_overdue_at = iso(calendar.add_working_days(start, 2 * working_days))
    return calendar.add_working_days(start, working_days)


def file_request(
    services: Services, principal: Principal, data: InformationRequestIn, idempotency_key: str | None
) -> Submitted:
    """Ask an organisation; the request goes straight to its designated official with its deadline."""
    if principal.role != "citizen":
        raise Forbidden("only citizens file information requests")
    office = official_office(services.directory(), data.organisation_id)
    if office is None:
        problem = "unknown organisation; see GET /v1/organisations"
        raise InvalidInput("the request needs correcting", [FieldProblem("organisation_id", problem)])
    now = services.clock()

    def build(case_id: str) -> Transition:
        opened = Transition.open(
            services,
            "submit",
            by=principal,
            now=now,
            id=case_id,
            kind=KIND,
            category_id=CATEGORY,
            subject=data.subject,
            description=data.question,
            organisation_id=data.organisation_id,
        )
        opened.move(office, 0, _answer_by(opened, now, ANSWER_WORKING_DAYS), keep_organisation=True)
        opened.case.routed_at = opened.at
        opened.take("route", actor_role="system", **opened.placed())
        opened.notify("information_received")
        opened.notify_office("office_new_information_request")
        opened.count({"information_requested": 1})
        return opened

    submitted, case = create(services, principal, "R", build, idempotency_key, data.model_dump_json())
    if case is not None:
        logger.info("information request filed", extra={"case_id": case.id})
        metrics.add_metric(name="InformationRequestsFiled", unit="Count", value=1)
    return submitted


def list_own(services: Services, principal: Principal, limit: int, cursor: str | None) -> Listing[CaseSummary]:
    return complaints.list_own(services, principal, limit, cursor, KIND)


def track(services: Services, principal: Principal, raw_id: str) -> CaseOut:
    return complaints.track(services, principal, raw_id, KIND)


def appeal(services: Services, principal: Principal, raw_id: str, data: AppealIn, if_match: int | None) -> CaseOut:
    """Take an answer, a refusal or a missed deadline to the reviewer (within 30 days of it)."""
    change = complaints.own_change(services, principal, raw_id, "appeal", if_match, KIND)
    reviewer = reviewer_office(change.directory, change.case.organisation_id or "")
    if reviewer is None:
        raise ServiceUnavailable("the directory names no reviewer for appeals")
    change.move(reviewer, change.case.level + 1, change.now + APPEAL_DECISION, keep_organisation=True)
    change.case.delay, change.case.appeal_until = None, None
    change.take(note=data.grounds, **change.placed())
    change.notify("information_appealed")
    change.notify_office("office_information_appeal")
    change.count({"information_appealed": 1})
    change.commit()
    metrics.add_metric(name="InformationAppeals", unit="Count", value=1)
    return change.case_out()


def withdraw(services: Services, principal: Principal, raw_id: str, data: WithdrawIn, if_match: int | None) -> CaseOut:
    change = complaints.own_change(services, principal, raw_id, "withdraw", if_match, KIND)
    change.take(note=data.reason)
    change.commit()
    return change.case_out()


# --- The designated official's (and, on appeal, the reviewer's) actions ---------------------


def _extend(change: Transition, data: ExtendIn) -> None:
    """Once: ten more working days, counted from the day of receipt."""
    case = change.case
    start = parse_time(case.created_at)
    case.due_at = iso(_answer_by(change, start, ANSWER_WORKING_DAYS + EXTENSION_WORKING_DAYS))
    case.extended_at = change.at
    case.delay = None
    change.take(note=data.note)
    change.notify("information_extended")
    change.count({"information_extended": 1})


def _answer(change: Transition, data: AnswerIn) -> None:
    _dispose(change, "partially_answered" if data.partial else "answered", data.note, data.attachments)


def _not_held(change: Transition, data: NotHeldIn) -> None:
    _dispose(change, "not_held", data.note)


def _refuse(change: Transition, data: RefuseIn) -> None:
    _dispose(change, "refused", data.note, exemption=data.exemption)


def _dispose(
    change: Transition, kind: AnswerKind, note: str, attachments: list[str] | None = None, exemption: str | None = None
) -> None:
    """Answer (fully or partly), say the information is not held, or refuse under an exemption; the appeal window opens."""
    case = change.case
    # The answer's files join the case's, so its citizen opens them as they open any other.
    attachments = (
        uploads.attach_checked(change.services, change.by, case, attachments or [], "answer") if change.by else []
    )
    case.answer = Answer(
        kind=kind, note=note, at=change.at, office_id=case.office_id or "", exemption=exemption, attachments=attachments
    )
    case.appeal_until = iso(change.now + APPEAL_WINDOW)
    change.take(note=note, reason=exemption or kind, attachments=attachments or None)
    template = {"answered": "information_answered", "not_held": "information_not_held"}.get(
        case.status, "information_refused"
    )
    because = EXEMPTIONS[exemption] if exemption else None
    change.notify(
        template,
        appeal_until=case.appeal_until[:10],
        exemption=because.because if because else "",
        exemption_ur=because.because_ur if because else "",
    )
    change.count({f"information_{kind}": 1})


def _decide_appeal(change: Transition, data: DecideAppealIn) -> None:
    """The reviewer's decision: dismissed closes the request; allowed sends it back to be answered afresh."""
    case = change.case
    if data.decision == "dismissed":
        case.closed_by, case.closed_at = "appeal_dismissed", change.at
        change.take(note=data.note, reason=data.decision)
        change.notify("information_appeal_dismissed")
    else:
        office = official_office(change.directory, case.organisation_id or "")
        if office is None:
            raise ServiceUnavailable("the organisation is no longer in the directory")
        change.move(office, case.level + 1, _answer_by(change, change.now, ANSWER_WORKING_DAYS), keep_organisation=True)
        case.answer, case.appeal_until, case.delay, case.extended_at = None, None, None, None
        change.take(note=data.note, reason=data.decision, **change.placed())
        change.notify("information_appeal_allowed")
        change.notify_office("office_new_information_request")
    change.count({f"appeal_{data.decision}": 1})


OFFICER_HANDLERS: dict[str, Callable[[Transition, Any], None]] = {
    "acknowledge": note_only,
    "note": note_only,
    "extend": _extend,
    "answer": _answer,
    "not_held": _not_held,
    "refuse": _refuse,
    "decide_appeal": _decide_appeal,
}
