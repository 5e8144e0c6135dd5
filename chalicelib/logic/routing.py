"""Routing: a submitted complaint reaches the office that handles it, with a deadline."""

from __future__ import annotations

from chalicelib.logic import moderation, triage
from chalicelib.logic.ports import Services
from chalicelib.logic.transition import Transition
from chalicelib.models.complaints import NOT_SURE
from chalicelib.models.errors import CaseNotFound, ServiceUnavailable, VersionConflict
from chalicelib.observability import logger, metrics
from chalicelib.store import cases as case_store


def route_case(services: Services, case_id: str) -> bool:
    """Route one case; True if it was routed now, False if it had been already (a repeat delivery)."""
    for _ in range(2):
        try:
            return _route_once(services, case_id)
        except VersionConflict:
            continue  # someone else changed it between our read and write: read again
    return False


def _route_once(services: Services, case_id: str) -> bool:
    case = case_store.get_case(services.table, case_id)
    if case is None:
        raise CaseNotFound(f"case {case_id} is not in the store")
    if case.status != "submitted" or case_store.awaits_triage(case):
        return False  # routed already, or waiting for a person to choose its category (a repeat delivery)
    chosen = None
    if case.category_id == NOT_SURE:
        chosen, suggestions = triage.suggestion_for(services, case)
        if chosen is None:
            waits = Transition(services, case)
            moderation.screen(waits)
            triage.to_queue(waits, suggestions)
            waits.commit()
            logger.info("complaint waits in triage", extra={"case_id": case.id})
            return False
        case.category_id = chosen.category_id
    change = Transition(services, case, "route")
    if chosen is not None:
        triage.suggested_event(change, chosen.confidence)
    moderation.screen(change)
    district = case.location.district if case.location else ""
    office = change.directory.office_for(case.category_id, district) or change.directory.triage_office()
    if office is None:
        raise ServiceUnavailable("the directory has no office to route to")
    change.move(office, 0, change.now + change.period)
    case.routed_at, case.routed_office_id = change.at, office.id
    change.take(note=office.name, **change.placed())
    change.notify("case_routed")
    change.notify_office("office_new_case")
    change.count({"routed": 1})
    change.commit()
    logger.info("complaint routed", extra={"case_id": case.id, "office_id": office.id})
    metrics.add_metric(name="ComplaintsRouted", unit="Count", value=1)
    return True
