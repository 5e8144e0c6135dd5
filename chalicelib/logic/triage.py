"""Complaints filed "not sure" of their category: the model's confident suggestion, else the triage queue.

The citizen files with `category_id: "not-sure"` (models.complaints.NOT_SURE). When the route
worker first takes the case (`place`), it asks the model: a top suggestion at or above
`serving.SUGGESTION_CONFIDENCE` becomes the category (the timeline says it was suggested, and
how confident the model was) and the case routes at once. Otherwise the case waits in the triage
queue (`queue`), worked by admins and by officers in the staff group `triage`; one of them
chooses its category (`categorise`: on the timeline and the audit trail), and the case is sent
to the intake queue as a new filing is.

Nothing is lost on the way: the case is stored before the 201, and its re-drive time stays set
until it is routed or waits in triage; a case in triage has no re-drive time (the sweeper leaves
it alone: nothing is re-driven into a loop), and gets one again when its category is chosen, so
a failed enqueue then is re-driven by the sweeper as a new filing's is.
"""

from __future__ import annotations

from chalicelib.logic import audit, cursors, tracking
from chalicelib.logic.deadlines import REDRIVE_AFTER
from chalicelib.logic.ports import Services
from chalicelib.logic.transition import Transition, check_version
from chalicelib.models.audit import Actor
from chalicelib.models.common import Listing, Principal
from chalicelib.models.complaints import NOT_SURE, Case, CategorySuggestion, Triage
from chalicelib.models.errors import (
    CaseNotFound,
    FieldProblem,
    Forbidden,
    InvalidInput,
    ServiceUnavailable,
    TransitionNotAllowed,
)
from chalicelib.models.suggestions import TriageItem
from chalicelib.observability import logger, metrics
from chalicelib.store import audit as audit_store
from chalicelib.store import cases as case_store

_NOT_IN_TRIAGE = "no complaint with this tracking number waits for its category"
# How many of the model's suggestions a case in triage keeps for the person who chooses.
KEPT = 3


def may_triage(principal: Principal) -> bool:
    return principal.role == "admin" or (principal.role == "officer" and principal.triage)


def _suggestions(services: Services, case: Case, k: int) -> list[CategorySuggestion]:
    """The model's suggestions among live complaint categories, best first ([] when it cannot be asked)."""
    from chalicelib.insights import serving  # the model loads on first use, in the worker only

    try:
        found = serving.suggest(services, f"{case.subject}\n{case.description}", k=k)
    except Exception:  # the model failed: a person chooses instead
        logger.warning("suggestion model unavailable; to triage", extra={"case_id": case.id})
        metrics.add_metric(name="SuggestionUnavailable", unit="Count", value=1)
        return []
    directory = services.directory()
    live = [(c, s) for c, s in found if (cat := directory.live_category(c)) is not None and cat.kind == "complaint"]
    return [CategorySuggestion(category_id=c, confidence=round(float(s), 3)) for c, s in live]


def suggestion_for(services: Services, case: Case) -> tuple[CategorySuggestion | None, list[CategorySuggestion]]:
    """The model's category for a "not sure" case when it is confident (else None), and the suggestions kept for triage."""
    from chalicelib.insights import serving

    found = _suggestions(services, case, k=10)
    if found and found[0].confidence >= serving.SUGGESTION_CONFIDENCE:
        metrics.add_metric(name="CategorySuggestedAtRouting", unit="Count", value=1)
        return found[0], found[:KEPT]
    return None, found[:KEPT]


def suggested_event(change: Transition, confidence: float) -> None:
    """The timeline of a case whose category the model chose: which, and how confident it was."""
    category = change.directory.categories.get(change.case.category_id)
    change.record(
        "categorised",
        note=category.name if category else change.case.category_id,
        reason="suggested",
        category_id=change.case.category_id,
        confidence=confidence,
    )


def to_queue(change: Transition, suggestions: list[CategorySuggestion]) -> None:
    """The case waits in the triage queue: no office, no re-drive (the sweeper leaves it alone)."""
    case = change.case
    case.triage = Triage(since=change.at, suggestions=suggestions)
    case.next_check_at = None
    change.record("triage")
    metrics.add_metric(name="ComplaintsToTriage", unit="Count", value=1)


def queue(services: Services, principal: Principal, limit: int, cursor: str | None) -> Listing[TriageItem]:
    """The triage queue, oldest first (one Query of its partition a page)."""
    if not may_triage(principal):
        raise Forbidden("the triage queue is worked by admins and triage officers")
    scope = cursors.scope_of("triage", principal.sub)
    start = cursors.unseal(services, cursor, scope)
    found, last = case_store.triage_queue(services.table, limit=limit, start=start)
    items = [_item(c) for c in found if case_store.awaits_triage(c)]
    return Listing[TriageItem](items=items, next_cursor=cursors.seal(services, last, scope) if last else None)


def _item(case: Case) -> TriageItem:
    triage = case.triage or Triage(since=case.created_at)
    return TriageItem(
        id=case.id,
        subject=case.subject,
        description=case.description,
        district=case.location.district if case.location else None,
        created_at=case.created_at,
        since=triage.since,
        suggestions=triage.suggestions,
        moderation_flagged=case.moderation_flag is not None and case.moderation_flag.cleared_at is None,
        version=case.version,
    )


def check_may_triage(services: Services, principal: Principal, raw_id: str) -> None:
    """A route's guard: the caller works the triage queue and the case is in it (else 404), one GetItem."""
    _waiting(services, principal, raw_id)


def _waiting(services: Services, principal: Principal, raw_id: str) -> Case:
    case_id = tracking.normalise(raw_id)
    case = case_store.get_case(services.table, case_id) if case_id and may_triage(principal) else None
    # A case never filed "not sure" is not the triage desk's to see (404); one chosen already is a 409 below.
    if case is None or case.kind != "complaint" or case.triage is None or not case.triage.since:
        raise CaseNotFound(_NOT_IN_TRIAGE)
    return case


def categorise(services: Services, actor: Actor, raw_id: str, category_id: str, if_match: int | None) -> TriageItem:
    """Choose the category of a case in triage; it is then routed as a new filing is (audited, on the timeline)."""
    who = actor.principal
    case = _waiting(services, who, raw_id)
    check_version(case, if_match)
    if not case_store.awaits_triage(case):
        raise TransitionNotAllowed("this complaint does not wait for its category any more")
    category = services.directory().live_category(category_id)
    if category is None or category.kind != "complaint":
        raise InvalidInput(
            "the category needs correcting",
            [FieldProblem("category_id", "a complaint category; see GET /v1/categories")],
        )
    change = Transition(services, case, by=who)
    triage = case.triage or Triage(since=change.at)
    case.category_id = category.id
    case.triage = triage.model_copy(update={"categorised_at": change.at, "categorised_by": who.sub})
    change.record("categorised", note=category.name, reason="triage", category_id=category.id)
    change.check_again_at(change.now + REDRIVE_AFTER)  # routed by then, or re-driven by the sweeper
    entry = audit.entry(
        services,
        actor,
        "triage_category",
        "complaint",
        case.id,
        before={"category_id": NOT_SURE},
        after={"category_id": category.id},
    )
    change.also.append(audit_store.entry_put(entry))
    change.commit()
    logger.info("category chosen in triage", extra={"case_id": case.id, "category_id": category.id})
    try:
        services.intake.send_case(case.id)
    except ServiceUnavailable:
        logger.warning("intake enqueue failed; the sweeper will re-drive", extra={"case_id": case.id})
        metrics.add_metric(name="IntakeEnqueueFailed", unit="Count", value=1)
    return _item(case)
