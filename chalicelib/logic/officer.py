"""What an officer sees: the open cases of their office and the offices below it."""

from __future__ import annotations

from chalicelib.logic import tracking
from chalicelib.logic.complaints import to_case_out, to_summary
from chalicelib.logic.ports import Services
from chalicelib.models.common import Listing, Principal
from chalicelib.models.complaints import OPEN_STATUSES, CaseOut, CaseSummary
from chalicelib.models.errors import CaseNotFound, FieldProblem, Forbidden, InvalidInput
from chalicelib.store import cases as case_store


def _scope(services: Services, principal: Principal) -> list[str]:
    if principal.role != "officer" or not principal.office_id:
        raise Forbidden("only officers have a case queue")
    return services.directory().subtree(principal.office_id)


def office_queue(
    services: Services, principal: Principal, *, limit: int, cursor: str | None, status: str | None
) -> Listing[CaseSummary]:
    """Open cases in the officer's scope, soonest deadline first."""
    offices = _scope(services, principal)
    if status is not None and status not in OPEN_STATUSES:
        raise InvalidInput("status filter", [FieldProblem("status", f"one of {sorted(OPEN_STATUSES)}")])
    found, next_cursor = case_store.office_queue(services.table, offices, limit=limit, cursor=cursor)
    if status:
        found = [c for c in found if c.status == status]
    directory = services.directory()
    return Listing[CaseSummary](items=[to_summary(c, directory) for c in found], next_cursor=next_cursor)


def case_for_officer(services: Services, principal: Principal, raw_id: str) -> CaseOut:
    """A case in the officer's scope; outside it, indistinguishable from no case."""
    offices = set(_scope(services, principal))
    case_id = tracking.normalise(raw_id)
    found = case_store.get_case_with_timeline(services.table, case_id) if case_id else None
    if found is None or found[0].office_id not in offices:
        raise CaseNotFound("no case with this tracking number in your office")
    case, events = found
    return to_case_out(case, events, services.directory())
