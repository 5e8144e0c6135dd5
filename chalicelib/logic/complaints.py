"""A citizen's complaints: filing one, listing their own, tracking one."""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from chalicelib.logic import cursors, geo, ratelimit, tracking, uploads, views
from chalicelib.logic.deadlines import REDRIVE_AFTER
from chalicelib.logic.directory import Directory
from chalicelib.logic.notifications import dispatch
from chalicelib.logic.ports import Services
from chalicelib.logic.transition import Transition, check_version
from chalicelib.models.common import Listing, Principal
from chalicelib.models.complaints import NOT_SURE, Case, CaseOut, CaseSummary, ComplaintIn, Location, TimelineEvent
from chalicelib.models.directory import Category
from chalicelib.models.errors import (
    CaseNotFound,
    FieldProblem,
    Forbidden,
    IdempotencyKeyReused,
    InvalidInput,
    NewCaseRefused,
    ServiceUnavailable,
)
from chalicelib.models.uploads import AttachedFile
from chalicelib.observability import logger, metrics
from chalicelib.store import cases as case_store

IDEMPOTENCY_TTL = timedelta(hours=24)
# A number answer as typed: ASCII digits, an optional sign and point (str.isdigit() also takes '²' and '١٢').
_NUMBER = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_ID_ATTEMPTS = 3


@dataclass(frozen=True)
class Submitted:
    case: dict[str, Any]
    replayed: bool


def _check_input(
    services: Services, principal: Principal, directory: Directory, data: ComplaintIn
) -> list[AttachedFile]:
    """The complaint's attached files, once everything in it checks out (else InvalidInput naming each problem)."""
    problems = []
    category = directory.live_category(data.category_id)
    if data.category_id == NOT_SURE:
        # The citizen cannot tell: the route worker suggests one, or a person chooses it (logic/triage.py).
        problems += [FieldProblem(f"attributes.{code}", "not a question of this category") for code in data.attributes]
    elif category is None:
        problems.append(FieldProblem("category_id", "unknown category; see GET /v1/categories"))
    elif category.kind != "complaint":
        problems.append(FieldProblem("category_id", f"this category takes {category.kind}, not complaints"))
    if data.location.district not in directory.districts:
        problems.append(FieldProblem("location.district", "unknown district; see GET /v1/districts"))
    if category is not None:
        problems += attribute_problems(category, data.attributes)
    files, attachment_problems = uploads.check_attachments(services, principal, data.attachments)
    problems += attachment_problems
    where = data.location
    if (where.lat is None) != (where.lon is None):
        problems.append(
            FieldProblem("location.lon" if where.lon is None else "location.lat", "give lat and lon together")
        )
    if problems:
        raise InvalidInput("the complaint needs correcting", problems)
    if where.lat is not None and where.lon is not None:
        geo.check_agrees(directory, where.district, where.lat, where.lon)  # a point elsewhere is refused, never moved
    return files


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
        if attribute.datatype == "number" and not _NUMBER.fullmatch(answer):
            problems.append(FieldProblem(f"attributes.{code}", "a number"))
    return problems


def submit(
    services: Services,
    principal: Principal,
    data: ComplaintIn,
    idempotency_key: str | None,
    *,
    daily_limit: bool = True,
) -> Submitted:
    """File a complaint: one transaction (case, first event, counters, idempotency, today's count), then enqueue.

    `daily_limit` False: an Open311 client's complaint, limited per API key instead (logic/open311.py).
    """
    if principal.role != "citizen":
        raise Forbidden("only citizens file complaints")
    files = _check_input(services, principal, services.directory(), data)
    now = services.clock()

    def build(case_id: str) -> Transition:
        opened = Transition.open(
            services,
            "submit",
            by=principal,
            now=now,
            id=case_id,
            category_id=data.category_id,
            subject=data.subject,
            description=data.description,
            location=Location(**data.location.model_dump()),
            attachments=[f.id for f in files],
            files=files,
            public_name=data.public_name,
            attributes={k: v.strip() for k, v in data.attributes.items() if v.strip()},
            # Not public until the route worker has read it for abuse (logic/moderation.py).
            moderation_pending=True,
        )
        opened.check_again_at(now + REDRIVE_AFTER)  # routed by then, or re-driven by the sweeper
        if data.publish:
            opened.make_public(principal, data.public_name)
        opened.count({"submitted": 1})
        opened.count_pair({"submitted": 1})
        return opened

    submitted, case = create(
        services, principal, "C", build, idempotency_key, data.model_dump_json(), daily_limit=daily_limit
    )
    if case is None:
        return submitted
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
    build: Callable[[str], Transition],
    idempotency_key: str | None,
    body: str,
    *,
    daily_limit: bool = True,
) -> tuple[Submitted, Case | None]:
    """Store a new case opened by `build(tracking_number)`, with its idempotency record, in one transaction.

    Returns the answer and the stored case (its notices queued), or the first answer and
    None when the Idempotency-Key was used before with the same body (422 with another body).
    With `daily_limit`, the same transaction counts the case against the citizen's limit of
    its kind for today, so only a new case counts (a replay's transaction writes nothing):
    DailyLimitReached (429) once the limit is reached.
    """
    body_hash = hashlib.sha256(body.encode()).hexdigest()
    # Keys are scoped per endpoint (the kind of case it creates): one key on two endpoints is two keys.
    scoped_key = f"{kind_letter}:{idempotency_key}" if idempotency_key else None
    first_of_month = True  # until a marker says this citizen's rating of the office counted already
    for _ in range(_ID_ATTEMPTS):
        opened = build(tracking.new_tracking_number(kind_letter))
        change = opened.new_case() if first_of_month else opened.new_case().uncounted()
        response = opened.case_out().model_dump(mode="json")
        idempotency = None
        if scoped_key:
            expires = int(time.time() + IDEMPOTENCY_TTL.total_seconds())
            idempotency = case_store.idempotency_item(principal.sub, scoped_key, body_hash, response, expires)
        quota = ratelimit.daily_quota(services, principal.sub, change.case.kind) if daily_limit else None
        try:
            case_store.create_case(
                services.table,
                change,
                actor_sub=principal.sub,
                idempotency=idempotency,
                quota=quota.counter if quota else None,
            )
        except NewCaseRefused as refused:
            if refused.key_used:  # the first answer again, even once today's limit is reached
                return _replay(services, principal, scoped_key or "", body_hash), None
            if refused.over_limit and quota is not None:
                raise quota.refusal() from refused
            if refused.counted_already:  # stored all the same, adding nothing to the counters
                first_of_month = False
                logger.info("counted once this month already", extra={"kind": change.case.kind})
            continue  # the tracking number was taken, or the change counts nothing now: try again
        dispatch(services, change.notifications)
        return Submitted(case=response, replayed=False), change.case
    raise ServiceUnavailable("could not allocate a tracking number; try again")


def _replay(services: Services, principal: Principal, key: str, body_hash: str) -> Submitted:
    stored = case_store.get_idempotency(services.table, principal.sub, key)
    if stored is None:
        raise ServiceUnavailable("try again")
    if stored["body_hash"] != body_hash:
        raise IdempotencyKeyReused("this Idempotency-Key was used with a different complaint")
    response: dict[str, Any] = json.loads(stored["response"])
    return Submitted(case=response, replayed=True)


_NOT_YOURS = {
    "complaint": "no complaint with this tracking number in your account",
    "information": "no information request with this number in your account",
    "feedback": "no feedback with this number in your account",
}


def list_own(
    services: Services, principal: Principal, limit: int, cursor: str | None, kind: str = "complaint"
) -> Listing[CaseSummary]:
    """The caller's cases of one kind, newest first (one Query of their own partition)."""
    scope = cursors.scope_of("own_cases", principal.sub, kind=kind)
    start = cursors.unseal(services, cursor, scope)
    found, last = case_store.citizen_cases(services.table, principal.sub, limit=limit, start=start, kind=kind)
    directory, now = services.directory(), services.clock()
    return Listing[CaseSummary](
        items=[views.summary(c, directory, now) for c in found],
        next_cursor=cursors.seal(services, last, scope) if last else None,
    )


def owned(
    services: Services, principal: Principal, raw_id: str, kind: str = "complaint"
) -> tuple[Case, list[TimelineEvent]]:
    """One of the caller's cases of `kind` with its timeline; anyone else's is indistinguishable from none."""
    case_id = _own_case_id(principal, raw_id, kind)
    found = case_store.get_case_with_timeline(services.table, case_id, services.archive)
    if found is None or not _belongs(found[0], principal, kind):
        raise CaseNotFound(_NOT_YOURS[kind])
    return found


def check_owned(services: Services, principal: Principal, raw_id: str, kind: str = "complaint") -> None:
    """Forbidden or CaseNotFound unless the case is one of the caller's (one GetItem): a route's guard."""
    case = case_store.get_case(services.table, _own_case_id(principal, raw_id, kind))
    if case is None or not _belongs(case, principal, kind):
        raise CaseNotFound(_NOT_YOURS[kind])


def _own_case_id(principal: Principal, raw_id: str, kind: str) -> str:
    if principal.role != "citizen":
        raise Forbidden("only the citizen it belongs to may do this")
    case_id = tracking.normalise(raw_id)
    if not case_id:
        raise CaseNotFound(_NOT_YOURS[kind])
    return case_id


def _belongs(case: Case, principal: Principal, kind: str) -> bool:
    return case.citizen_sub == principal.sub and case.kind == kind


def own_change(
    services: Services, principal: Principal, raw_id: str, action: str, if_match: int | None, kind: str = "complaint"
) -> Transition:
    """The citizen's `action` on one of their own cases, checked against `If-Match` and the case's table."""
    case, events = owned(services, principal, raw_id, kind)
    check_version(case, if_match)
    return Transition(services, case, action, by=principal, timeline=events)


def track(services: Services, principal: Principal, raw_id: str, kind: str = "complaint") -> CaseOut:
    case, events = owned(services, principal, raw_id, kind)
    return views.case_out(case, events, services.directory(), principal, services.clock(), services.uploads)
