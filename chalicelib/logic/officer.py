"""What an officer sees: the open cases of their office and the offices below it."""

from __future__ import annotations

from chalicelib.logic import cursors, tracking, views, workflow
from chalicelib.logic.clock import iso
from chalicelib.logic.delivery import recipient_of
from chalicelib.logic.ports import Services
from chalicelib.models.common import Listing, Principal
from chalicelib.models.complaints import OPEN_STATUSES, Case, CaseOut, CaseSummary, CitizenContact, TimelineEvent
from chalicelib.models.errors import CaseNotFound, FieldProblem, Forbidden, InvalidInput
from chalicelib.observability import logger
from chalicelib.store import cases as case_store
from chalicelib.store import people

_NOT_IN_SCOPE = "no case with this tracking number in your office"


def _scope(services: Services, principal: Principal) -> list[str]:
    """The offices an officer works for: their own and every office below it."""
    if principal.role != "officer" or not principal.office_id:
        raise Forbidden("only officers work cases")
    return services.directory().subtree(principal.office_id)


def in_scope(
    services: Services, principal: Principal, raw_id: str
) -> tuple[Case, list[TimelineEvent], frozenset[workflow.Standing]]:
    """A case the caller may see as staff, its timeline, and how they stand to it; else indistinguishable from no case.

    An officer sees the cases of their office's subtree, and a complaint another organisation
    asks an office of that subtree to take, while the request waits for its answer. An admin
    sees any complaint (to transfer it, or answer its transfer request).
    """
    if principal.role != "admin":
        _scope(services, principal)  # officers only
    case_id = tracking.normalise(raw_id)
    found = case_store.get_case_with_timeline(services.table, case_id) if case_id else None
    standing = workflow.standings(found[0], principal, services.directory()) if found else frozenset()
    if found is None or not standing:
        raise CaseNotFound(_NOT_IN_SCOPE)
    return found[0], found[1], standing


def check_in_scope(services: Services, principal: Principal, raw_id: str) -> None:
    """Forbidden or CaseNotFound unless the caller stands to the case as staff (one GetItem): a route's guard."""
    if principal.role != "admin":
        _scope(services, principal)  # officers only
    case_id = tracking.normalise(raw_id)
    case = case_store.get_case(services.table, case_id) if case_id else None
    if case is None or not workflow.standings(case, principal, services.directory()):
        raise CaseNotFound(_NOT_IN_SCOPE)


KINDS = ("complaint", "information", "feedback")


def office_queue(
    services: Services,
    principal: Principal,
    *,
    limit: int,
    cursor: str | None,
    status: str | None = None,
    kind: str | None = None,
    overdue: bool = False,
) -> Listing[CaseSummary]:
    """Open cases in the officer's scope, soonest deadline first.

    `overdue` narrows the index query itself; `status` and `kind` filter each page, so
    a page may hold fewer than `limit` items while `next_cursor` still goes on. Feedback
    (suggestions under review) is not a case and has no deadline: `kind=feedback` lists none.
    """
    offices = _scope(services, principal)
    problems = []
    if status is not None and status not in OPEN_STATUSES:
        problems.append(FieldProblem("status", f"one of {', '.join(sorted(OPEN_STATUSES))}"))
    if kind is not None and kind not in KINDS:
        problems.append(FieldProblem("kind", f"one of {', '.join(KINDS)}"))
    if problems:
        raise InvalidInput("the queue filters need correcting", problems)
    # The filters are part of the scope: a cursor replayed with other filters is refused, not misread.
    scope = cursors.scope_of(
        "office_queue", principal.sub, office=principal.office_id, status=status, kind=kind, overdue=overdue
    )
    start = cursors.unseal(services, cursor, scope)
    now = services.clock()
    due_before = iso(now) if overdue else None
    found, last = case_store.office_queue(services.table, offices, limit=limit, start=start, due_before=due_before)
    if status:
        found = [c for c in found if c.status == status]
    if kind:
        found = [c for c in found if c.kind == kind]
    directory = services.directory()
    return Listing[CaseSummary](
        items=[views.summary(c, directory, now) for c in found],
        next_cursor=cursors.seal(services, last, scope) if last else None,
    )


def case_for_officer(services: Services, principal: Principal, raw_id: str) -> CaseOut:
    """A case the caller may see as staff; to the office working it, with how to reach its citizen (the reading is logged).

    An office only asked to take the case, and an admin, do not see the citizen's contact.
    """
    case, events, standing = in_scope(services, principal, raw_id)
    shown = views.case_out(case, events, services.directory(), principal, services.clock(), services.uploads)
    if "office" not in standing:
        return shown
    contact = recipient_of(services, case.citizen_sub, people.get_profile(services.table, case.citizen_sub))
    if contact is not None:
        shown.citizen_contact = CitizenContact(phone=contact.phone, email=contact.email, language=contact.language)
        logger.info("citizen contact shown to an officer", extra={"case_id": case.id, "officer_sub": principal.sub})
    return shown
