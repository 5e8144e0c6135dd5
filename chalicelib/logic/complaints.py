"""A citizen's complaints: filing one, listing their own, tracking one."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from chalicelib.logic import tracking, uploads
from chalicelib.logic.directory import Directory
from chalicelib.logic.ports import Services
from chalicelib.models.common import Listing, Principal
from chalicelib.models.complaints import (
    Case,
    CaseOut,
    CaseSummary,
    ComplaintIn,
    Location,
    OfficeRef,
    TimelineEvent,
)
from chalicelib.models.directory import Category, SlaPolicy
from chalicelib.models.errors import (
    CaseNotFound,
    ConditionFailure,
    FieldProblem,
    Forbidden,
    IdempotencyKeyReused,
    InvalidInput,
    ServiceUnavailable,
)
from chalicelib.observability import logger, metrics
from chalicelib.store import cases as case_store
from chalicelib.store import keys
from chalicelib.store.table import Increment

# A case not routed this long after filing is re-sent by the sweeper.
REDRIVE_AFTER = timedelta(minutes=2)
IDEMPOTENCY_TTL = timedelta(hours=24)
_ID_ATTEMPTS = 3


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Submitted:
    case: dict[str, Any]
    replayed: bool


def _check_input(services: Services, principal: Principal, directory: Directory, data: ComplaintIn) -> None:
    problems = []
    category = directory.categories.get(data.category_id)
    if category is None:
        problems.append(FieldProblem("category_id", "unknown category; see GET /v1/categories"))
    elif category.kind != "complaint":
        problems.append(FieldProblem("category_id", f"this category takes {category.kind}, not complaints"))
    if data.location.district not in directory.districts:
        problems.append(FieldProblem("location.district", "unknown district; see GET /v1/districts"))
    if category is not None:
        problems += attribute_problems(category, data.attributes)
    problems += uploads.attachment_problems(services, principal, data.attachments)
    if problems:
        raise InvalidInput("the complaint needs correcting", problems)


def attribute_problems(category: Category, answers: dict[str, str]) -> list[FieldProblem]:
    """The category's extra questions: required ones answered, list answers among the allowed keys."""
    asked = {a.code: a for a in category.attributes}
    problems = [
        FieldProblem(f"attributes.{code}", "not a question of this category") for code in answers if code not in asked
    ]
    for code, attribute in asked.items():
        answer = answers.get(code, "").strip()
        if not answer:
            if attribute.required:
                problems.append(FieldProblem(f"attributes.{code}", f"required: {attribute.description}"))
            continue
        allowed = {v.key for v in attribute.values}
        chosen = answer.split(",") if attribute.datatype == "multivaluelist" else [answer]
        if allowed and any(c not in allowed for c in chosen):
            problems.append(FieldProblem(f"attributes.{code}", f"one of {', '.join(sorted(allowed))}"))
        if attribute.datatype == "number" and not answer.lstrip("-").replace(".", "", 1).isdigit():
            problems.append(FieldProblem(f"attributes.{code}", "a number"))
    return problems


def _counters(dimension_values: dict[str, str], day: str, counts: dict[str, int]) -> list[Increment]:
    return [Increment(keys.stat_key(dim, value, day), counts) for dim, value in dimension_values.items()]


def submit(services: Services, principal: Principal, data: ComplaintIn, idempotency_key: str | None) -> Submitted:
    """File a complaint: one transaction (case, first event, counters, idempotency), then enqueue."""
    if principal.role != "citizen":
        raise Forbidden("only citizens file complaints")
    directory = services.directory()
    _check_input(services, principal, directory, data)
    now = services.clock()
    stamp = iso(now)

    def build(case_id: str) -> case_store.CaseChange:
        case = Case(
            id=case_id,
            status="submitted",
            category_id=data.category_id,
            subject=data.subject,
            description=data.description,
            location=Location(**data.location.model_dump()),
            attachments=data.attachments,
            public_name=data.public_name,
            attributes={k: v.strip() for k, v in data.attributes.items() if v.strip()},
            citizen_sub=principal.sub,
            language=principal.language,
            created_at=stamp,
            updated_at=stamp,
            next_check_at=iso(now + REDRIVE_AFTER),
        )
        return case_store.CaseChange(
            case=case,
            events=[TimelineEvent(at=stamp, type="submitted", actor_role="citizen")],
            counters=_counters(
                {"all": "all", "category": case.category_id, "district": data.location.district},
                stamp[:10],
                {"submitted": 1},
            ),
        )

    submitted, change = create(services, principal, "C", build, idempotency_key, data.model_dump_json())
    if change is None:
        return submitted
    case = change.case
    logger.info("complaint submitted", extra={"case_id": case.id, "category_id": case.category_id})
    metrics.add_metric(name="ComplaintsSubmitted", unit="Count", value=1)
    try:
        services.intake.send_case(case.id)
    except ServiceUnavailable:
        # The case is stored; the deadlines sweeper re-drives it once REDRIVE_AFTER passes.
        logger.warning("intake enqueue failed; the sweeper will re-drive", extra={"case_id": case.id})
        metrics.add_metric(name="IntakeEnqueueFailed", unit="Count", value=1)
    return submitted


def create(
    services: Services,
    principal: Principal,
    kind_letter: str,
    build: Callable[[str], case_store.CaseChange],
    idempotency_key: str | None,
    body: str,
) -> tuple[Submitted, case_store.CaseChange | None]:
    """Store a new case built by `build(tracking_number)`, with its idempotency record, in one transaction.

    Returns the answer and the stored change, or the first answer and None when the
    Idempotency-Key was used before with the same body (422 with another body).
    """
    body_hash = hashlib.sha256(body.encode()).hexdigest()
    directory = services.directory()
    for _ in range(_ID_ATTEMPTS):
        change = build(tracking.new_tracking_number(kind_letter))
        response = to_case_out(change.case, list(change.events), directory).model_dump(mode="json")
        idempotency = None
        if idempotency_key:
            expires = int(time.time() + IDEMPOTENCY_TTL.total_seconds())
            idempotency = case_store.idempotency_item(principal.sub, idempotency_key, body_hash, response, expires)
        try:
            case_store.create_case(services.table, change, actor_sub=principal.sub, idempotency=idempotency)
        except ConditionFailure as exc:
            written = 1 + len(change.events) + len(change.notifications) + len(change.counters)
            if idempotency is not None and written in exc.failed_indexes:
                return _replay(services, principal, idempotency_key or "", body_hash), None
            continue  # the tracking number was taken: draw another
        return Submitted(case=response, replayed=False), change
    raise ServiceUnavailable("could not allocate a tracking number; try again")


def _replay(services: Services, principal: Principal, key: str, body_hash: str) -> Submitted:
    stored = case_store.get_idempotency(services.table, principal.sub, key)
    if stored is None:
        raise ServiceUnavailable("try again")
    if stored["body_hash"] != body_hash:
        raise IdempotencyKeyReused("this Idempotency-Key was used with a different complaint")
    response: dict[str, Any] = json.loads(stored["response"])
    return Submitted(case=response, replayed=True)


def _office_ref(directory: Directory, office_id: str | None) -> OfficeRef | None:
    if not office_id:
        return None
    office = directory.offices.get(office_id)
    if office is None:
        return OfficeRef(id=office_id, name=office_id)
    return OfficeRef(id=office.id, name=office.name, name_ur=office.name_ur)


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
        resolved_at = datetime.fromisoformat(resolution.at.replace("Z", "+00:00"))
        return iso(resolved_at + timedelta(days=policy.reopen_window_days))
    return None


def _organisation_ref(directory: Directory, organisation_id: str | None) -> OfficeRef | None:
    organisation = directory.organisations.get(organisation_id or "")
    if organisation is None:
        return OfficeRef(id=organisation_id, name=organisation_id) if organisation_id else None
    return OfficeRef(id=organisation.id, name=organisation.name, name_ur=organisation.name_ur)


def to_case_out(case: Case, events: list[TimelineEvent], directory: Directory) -> CaseOut:
    information = case.kind == "information"
    return CaseOut(
        id=case.id,
        kind=case.kind,
        status=case.status,
        category_id=case.category_id,
        subject=case.subject,
        description=case.description,
        location=case.location,
        attachments=case.attachments,
        office=_office_ref(directory, case.office_id),
        level=case.level,
        due_at=case.due_at,
        version=case.version,
        created_at=case.created_at,
        updated_at=case.updated_at,
        resolution=case.resolution.model_dump() if case.resolution else None,
        feedback=case.feedback,
        feedback_until=feedback_until(case, directory.sla_for(case.category_id)),
        organisation=_organisation_ref(directory, case.organisation_id) if information else None,
        question=case.description if information else None,
        extended_at=case.extended_at,
        delay=case.delay,
        answer=case.answer,
        appeal_until=case.appeal_until,
        feedback_kind=case.feedback_kind,
        rating=case.rating,
        timeline=events,
    )


def to_summary(case: Case, directory: Directory) -> CaseSummary:
    return CaseSummary(
        id=case.id,
        kind=case.kind,
        status=case.status,
        category_id=case.category_id,
        subject=case.subject,
        district=case.location.district if case.location else None,
        office=_office_ref(directory, case.office_id),
        level=case.level,
        due_at=case.due_at,
        delay=case.delay,
        created_at=case.created_at,
        updated_at=case.updated_at,
    )


_NOT_YOURS = {
    "complaint": "no complaint with this tracking number in your account",
    "information": "no information request with this number in your account",
    "feedback": "no feedback with this number in your account",
}


def list_own(
    services: Services, principal: Principal, limit: int, cursor: str | None, kind: str = "complaint"
) -> Listing[CaseSummary]:
    """The caller's cases of one kind, newest first (one Query of their own partition)."""
    found, next_cursor = case_store.citizen_cases(services.table, principal.sub, limit=limit, cursor=cursor, kind=kind)
    directory = services.directory()
    return Listing[CaseSummary](items=[to_summary(c, directory) for c in found], next_cursor=next_cursor)


def owned(
    services: Services, principal: Principal, raw_id: str, kind: str = "complaint"
) -> tuple[Case, list[TimelineEvent]]:
    """One of the caller's cases of `kind` with its timeline; anyone else's is indistinguishable from none."""
    if principal.role != "citizen":
        raise Forbidden("only the citizen it belongs to may do this")
    case_id = tracking.normalise(raw_id)
    found = case_store.get_case_with_timeline(services.table, case_id) if case_id else None
    if found is None or found[0].citizen_sub != principal.sub or found[0].kind != kind:
        raise CaseNotFound(_NOT_YOURS[kind])
    return found


def track(services: Services, principal: Principal, raw_id: str, kind: str = "complaint") -> CaseOut:
    return to_case_out(*owned(services, principal, raw_id, kind), services.directory())
