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

from datetime import datetime, timedelta

from chalicelib.logic import complaints, uploads, workflow
from chalicelib.logic.changes import check_version, commit, counters, notice, office_params, parse_time
from chalicelib.logic.complaints import Submitted, create, iso, to_case_out
from chalicelib.logic.directory import Directory
from chalicelib.logic.messages import EXEMPTIONS
from chalicelib.logic.ports import Services
from chalicelib.logic.workdays import calendar_for
from chalicelib.models.actions import (
    AcknowledgeIn,
    AnswerIn,
    AppealIn,
    DecideAppealIn,
    ExtendIn,
    InformationRequestIn,
    NoteIn,
    NotHeldIn,
    OfficerAction,
    RefuseIn,
    WithdrawIn,
)
from chalicelib.models.common import Listing, Principal
from chalicelib.models.complaints import Answer, AnswerKind, Case, CaseOut, CaseSummary, TimelineEvent
from chalicelib.models.directory import Office
from chalicelib.models.errors import (
    FieldProblem,
    Forbidden,
    InvalidInput,
    ServiceUnavailable,
    TransitionNotAllowed,
)
from chalicelib.models.notifications import Notification
from chalicelib.observability import logger, metrics
from chalicelib.store import cases as case_store

KIND = "information"
CATEGORY = "information-request"
ANSWER_WORKING_DAYS = 10
EXTENSION_WORKING_DAYS = 10
APPEAL_WINDOW = timedelta(days=30)
APPEAL_DECISION = timedelta(days=60)
# Who hears appeals when an organisation names no reviewer.
DEFAULT_REVIEWER_ORGANISATION = "pakistan-information-commission"


def official_office(directory: Directory, organisation_id: str) -> Office | None:
    """The office of the organisation's designated official, else its head office."""
    organisation = directory.organisations.get(organisation_id)
    if organisation is None:
        return None
    if organisation.information_office_id in directory.offices:
        return directory.offices[organisation.information_office_id or ""]
    return directory.head_office(organisation_id)


def reviewer_office(directory: Directory, organisation_id: str) -> Office | None:
    organisation = directory.organisations.get(organisation_id)
    if organisation is not None and organisation.appeal_office_id in directory.offices:
        return directory.offices[organisation.appeal_office_id or ""]
    return directory.head_office(DEFAULT_REVIEWER_ORGANISATION) or directory.triage_office()


def _deadlines(services: Services, start: datetime, working_days: int) -> tuple[str, str]:
    """The deadline `working_days` after the day of `start`, and twice as far (long overdue)."""
    calendar = calendar_for(services, start)
    return (
        iso(calendar.add_working_days(start, working_days)),
        iso(calendar.add_working_days(start, 2 * working_days)),
    )


def file_request(
    services: Services, principal: Principal, data: InformationRequestIn, idempotency_key: str | None
) -> Submitted:
    """Ask an organisation; the request goes straight to its designated official with its deadline."""
    if principal.role != "citizen":
        raise Forbidden("only citizens file information requests")
    directory = services.directory()
    office = official_office(directory, data.organisation_id)
    if office is None:
        problem = "unknown organisation; see GET /v1/organisations"
        raise InvalidInput("the request needs correcting", [FieldProblem("organisation_id", problem)])
    now = services.clock()
    stamp = iso(now)
    due, long_overdue = _deadlines(services, now, ANSWER_WORKING_DAYS)

    def build(case_id: str) -> case_store.CaseChange:
        case = Case(
            id=case_id,
            kind=KIND,
            status="routed",
            category_id=CATEGORY,
            subject=data.subject,
            description=data.question,
            citizen_sub=principal.sub,
            language=principal.language,
            office_id=office.id,
            organisation_id=data.organisation_id,
            due_at=due,
            long_overdue_at=long_overdue,
            next_check_at=due,
            created_at=stamp,
            updated_at=stamp,
            routed_at=stamp,
            event_seq=2,
        )
        params = {**office_params(directory, office.id), "due_date": due[:10]}
        return case_store.CaseChange(
            case=case,
            events=[
                TimelineEvent(at=stamp, type="submitted", actor_role="citizen"),
                TimelineEvent(at=stamp, type="routed", actor_role="system", office_id=office.id, level=0),
            ],
            notifications=[
                notice(case, "information_received", params, stamp),
                notice(case, "office_new_information_request", params, stamp, to_office=office.id),
            ],
            counters=counters(stamp[:10], case, directory, {"information_requested": 1}),
        )

    submitted, change = create(services, principal, "R", build, idempotency_key, data.model_dump_json())
    if change is not None:
        from chalicelib.logic.notifications import dispatch

        dispatch(services, change.notifications)
        logger.info("information request filed", extra={"case_id": change.case.id})
        metrics.add_metric(name="InformationRequestsFiled", unit="Count", value=1)
    return submitted


def list_own(services: Services, principal: Principal, limit: int, cursor: str | None) -> Listing[CaseSummary]:
    return complaints.list_own(services, principal, limit, cursor, KIND)


def track(services: Services, principal: Principal, raw_id: str) -> CaseOut:
    return complaints.track(services, principal, raw_id, KIND)


def appeal_deadline(case: Case) -> str | None:
    """Until when the citizen may appeal: 30 days from the answer, or from the deadline passing unanswered."""
    if case.status in ("answered", "not_held", "refused") and case.answer is not None:
        return iso(parse_time(case.answer.at) + APPEAL_WINDOW)
    if case.status in ("routed", "in_progress") and case.delay is not None and case.due_at:
        return iso(parse_time(case.due_at) + APPEAL_WINDOW)
    return None


def appeal(services: Services, principal: Principal, raw_id: str, data: AppealIn, if_match: int | None) -> CaseOut:
    """Take an answer, a refusal or a missed deadline to the reviewer."""
    case, events = complaints.owned(services, principal, raw_id, KIND)
    check_version(case, if_match)
    after = workflow.next_status(case.status, "appeal", KIND)
    now = services.clock()
    until = appeal_deadline(case)
    if until is None:
        raise TransitionNotAllowed("an appeal is possible once the request is answered or its deadline has passed")
    if iso(now) > until:
        raise TransitionNotAllowed(f"the time to appeal ended on {until[:10]}")
    directory = services.directory()
    reviewer = reviewer_office(directory, case.organisation_id or "")
    if reviewer is None:
        raise ServiceUnavailable("the directory names no reviewer for appeals")
    stamp = iso(now)
    expected = case.version
    from_office = case.office_id
    case.status = after
    case.office_id, case.level = reviewer.id, case.level + 1
    case.due_at = case.next_check_at = iso(now + APPEAL_DECISION)
    case.delay, case.appeal_until = None, None
    event = TimelineEvent(
        at=stamp, type="appealed", actor_role="citizen", note=data.grounds, office_id=reviewer.id, level=case.level
    )
    params = {
        **office_params(directory, reviewer.id),
        **office_params(directory, from_office, "from_"),
        "due_date": case.due_at[:10],
    }
    notes = [
        notice(case, "information_appealed", params, stamp),
        notice(case, "office_information_appeal", params, stamp, to_office=reviewer.id),
    ]
    counts = counters(stamp[:10], case, directory, {"information_appealed": 1}, from_office)
    commit(
        services, case, expected_version=expected, events=[event], notes=notes, counts=counts, actor_sub=principal.sub
    )
    metrics.add_metric(name="InformationAppeals", unit="Count", value=1)
    return to_case_out(case, [*events, event], directory)


def withdraw(services: Services, principal: Principal, raw_id: str, data: WithdrawIn, if_match: int | None) -> CaseOut:
    case, events = complaints.owned(services, principal, raw_id, KIND)
    check_version(case, if_match)
    after = workflow.next_status(case.status, "withdraw", KIND)
    stamp = iso(services.clock())
    expected = case.version
    case.status, case.next_check_at = after, None
    event = TimelineEvent(at=stamp, type="withdrawn", actor_role="citizen", note=data.reason)
    commit(services, case, expected_version=expected, events=[event], actor_sub=principal.sub)
    return to_case_out(case, [*events, event], services.directory())


def act(
    services: Services,
    principal: Principal,
    case: Case,
    events: list[TimelineEvent],
    data: OfficerAction,
) -> CaseOut:
    """An official's (or, on appeal, the reviewer's) action on an information request in their scope."""
    directory = services.directory()
    action = f"decide_appeal_{data.decision}" if isinstance(data, DecideAppealIn) else data.action
    after = workflow.next_status(case.status, action, KIND)
    now = services.clock()
    stamp = iso(now)
    acting_office = case.office_id or ""
    event = TimelineEvent(
        at=stamp, type=workflow.EVENT_OF[action], actor_role="officer", note=data.note, office_id=acting_office
    )
    params = office_params(directory, acting_office)
    notes: list[Notification] = []
    counted: dict[str, int] = {}
    if isinstance(data, AcknowledgeIn | NoteIn):
        pass
    elif isinstance(data, ExtendIn):
        if case.extended_at:
            raise TransitionNotAllowed("an information request may be extended only once")
        start = parse_time(case.created_at)
        case.due_at, case.long_overdue_at = _deadlines(services, start, ANSWER_WORKING_DAYS + EXTENSION_WORKING_DAYS)
        case.extended_at = stamp
        case.delay = None
        notes.append(notice(case, "information_extended", {**params, "due_date": case.due_at[:10]}, stamp))
        counted["information_extended"] = 1
    elif isinstance(data, AnswerIn | NotHeldIn | RefuseIn):
        attachments = data.attachments if isinstance(data, AnswerIn) else []
        problems = uploads.attachment_problems(services, principal, attachments)
        if problems:
            raise InvalidInput("the answer needs correcting", problems)
        kind: AnswerKind = (
            ("partially_answered" if data.partial else "answered")
            if isinstance(data, AnswerIn)
            else ("not_held" if isinstance(data, NotHeldIn) else "refused")
        )
        exemption = data.exemption if isinstance(data, RefuseIn) else None
        case.answer = Answer(
            kind=kind,
            note=data.note,
            at=stamp,
            office_id=acting_office,
            exemption=exemption,
            attachments=attachments,
        )
        case.appeal_until = iso(now + APPEAL_WINDOW)
        event.reason = exemption or kind
        template = {"answered": "information_answered", "not_held": "information_not_held"}.get(
            after, "information_refused"
        )
        texts = EXEMPTIONS.get(exemption or "", {"en": "", "ur": ""})
        extra = {"appeal_until": case.appeal_until[:10], "exemption": texts["en"], "exemption_ur": texts["ur"]}
        notes.append(notice(case, template, {**params, **extra}, stamp))
        counted[f"information_{kind}"] = 1
    elif isinstance(data, DecideAppealIn):
        event.reason = data.decision
        if data.decision == "dismissed":
            case.closed_by, case.closed_at = "appeal_dismissed", stamp
            notes.append(notice(case, "information_appeal_dismissed", params, stamp))
        else:
            office = official_office(directory, case.organisation_id or "")
            if office is None:
                raise ServiceUnavailable("the organisation is no longer in the directory")
            case.office_id, case.level = office.id, case.level + 1
            case.due_at, case.long_overdue_at = _deadlines(services, now, ANSWER_WORKING_DAYS)
            case.answer, case.appeal_until, case.delay, case.extended_at = None, None, None, None
            event.office_id, event.level = office.id, case.level
            moved = {**office_params(directory, office.id), "due_date": case.due_at[:10]}
            notes.append(notice(case, "information_appeal_allowed", moved, stamp))
            notes.append(notice(case, "office_new_information_request", moved, stamp, to_office=office.id))
        counted[f"appeal_{data.decision}"] = 1
    else:
        raise TransitionNotAllowed(f"an information request cannot take the action {data.action}")
    expected = case.version
    case.status = after
    case.next_check_at = next_information_check(case)
    counts = counters(stamp[:10], case, directory, counted, acting_office) if counted else []
    commit(
        services, case, expected_version=expected, events=[event], notes=notes, counts=counts, actor_sub=principal.sub
    )
    logger.info("information action", extra={"case_id": case.id, "action": action, "status": case.status})
    metrics.add_metric(name="CaseActions", unit="Count", value=1)
    return to_case_out(case, [*events, event], directory)


def next_information_check(case: Case) -> str | None:
    """The sweeper's next look: the deadline, then twice the limit; the end of the appeal window once answered."""
    if case.status in ("routed", "in_progress"):
        if case.delay is None:
            return case.due_at
        return case.long_overdue_at if case.delay == "delayed" else None
    if case.status == "appealed":
        return case.due_at if case.delay is None else None
    if case.status in ("answered", "not_held", "refused"):
        return case.appeal_until
    return None
