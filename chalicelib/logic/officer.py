"""What an officer sees: the open cases of their office and the offices below it."""

from __future__ import annotations

from chalicelib.logic import cursors, history, tracking, views, workflow
from chalicelib.logic.clock import iso
from chalicelib.logic.delivery import recipient_of
from chalicelib.logic.directory import Directory
from chalicelib.logic.ports import Services
from chalicelib.models.common import Listing, Principal
from chalicelib.models.complaints import (
    OPEN_STATUSES,
    Case,
    CaseOut,
    CaseSummary,
    CitizenContact,
    HistoryEntry,
    OfficeRef,
    TimelineEvent,
)
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
    services: Services, principal: Principal, raw_id: str, *, history: bool = False
) -> tuple[Case, list[TimelineEvent], frozenset[workflow.Standing]]:
    """A case the caller may see as staff, its timeline, and how they stand to it; else indistinguishable from no case.

    An officer sees the cases of their office's subtree, and a complaint another organisation
    asks an office of that subtree to take, while the request waits for its answer. An admin
    sees any complaint (to transfer it, or answer its transfer request). With `history`, an
    officer also sees a case an office of their subtree had and let go (standing: none, so
    nothing to do on it); acting on one stays a 404.
    """
    if principal.role != "admin":
        _scope(services, principal)  # officers only
    case_id = tracking.normalise(raw_id)
    found = case_store.get_case_with_history(services.table, case_id, services.archive) if case_id else None
    if found is None:
        raise CaseNotFound(_NOT_IN_SCOPE)
    case, events, handled = found
    directory = services.directory()
    standing = workflow.standings(case, principal, directory)
    if not standing and not (history and _had_it(principal, handled, directory)):
        raise CaseNotFound(_NOT_IN_SCOPE)
    return case, events, standing


def _had_it(principal: Principal, handled: list[str], directory: Directory) -> bool:
    """Whether an office of the officer's subtree had the case and let it go."""
    if principal.role != "officer" or not principal.office_id:
        return False
    return bool(set(handled) & set(directory.subtree(principal.office_id)))


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


def office_history(
    services: Services,
    principal: Principal,
    *,
    limit: int,
    cursor: str | None,
    kind: str | None = None,
    outcome: str | None = None,
) -> Listing[HistoryEntry]:
    """The cases the offices of the officer's subtree let go (closed there, escalated, transferred), newest first.

    Each line is one office's entry, with the case as it is now (one BatchGetItem per page);
    `kind` and `outcome` filter each page, so a page may hold fewer than `limit` while
    `next_cursor` goes on. The cases are read-only to the office: `GET /v1/officer/cases/{id}`
    shows them with no action.
    """
    offices = _scope(services, principal)
    problems = []
    if kind is not None and kind not in KINDS:
        problems.append(FieldProblem("kind", f"one of {', '.join(KINDS)}"))
    if outcome is not None and outcome not in history.OUTCOMES:
        problems.append(FieldProblem("outcome", f"one of {', '.join(history.OUTCOMES)}"))
    if problems:
        raise InvalidInput("the history filters need correcting", problems)
    scope = cursors.scope_of("office_history", principal.sub, office=principal.office_id, kind=kind, outcome=outcome)
    start = cursors.unseal(services, cursor, scope)
    entries, last = case_store.office_history(services.table, offices, limit=limit, start=start)
    entries = [e for e in entries if (not kind or e["kind"] == kind) and (not outcome or e["outcome"] == outcome)]
    found = {c.id: c for c in case_store.cases_by_ids(services.table, [str(e["case_id"]) for e in entries])}
    directory, now = services.directory(), services.clock()
    items = []
    for entry in entries:
        case = found.get(str(entry["case_id"]))
        if case is None:
            continue
        line = views.summary(case, directory, now)
        items.append(
            HistoryEntry(
                **line.model_dump(),
                handled_by=views.office_ref(directory, str(entry["office_id"])) or OfficeRef(id="", name=""),
                outcome=str(entry["outcome"]),
                left_at=str(entry["left_at"]),
            )
        )
    return Listing[HistoryEntry](items=items, next_cursor=cursors.seal(services, last, scope) if last else None)


def case_for_officer(services: Services, principal: Principal, raw_id: str) -> CaseOut:
    """A case the caller may see as staff; to the office working it, with how to reach its citizen (the reading is logged).

    An office only asked to take the case, and an admin, do not see the citizen's contact; nor does
    an office that had the case and let it go (it reads the case, and may do nothing to it).
    """
    case, events, standing = in_scope(services, principal, raw_id, history=True)
    shown = views.case_out(case, events, services.directory(), principal, services.clock(), services.uploads)
    if "office" not in standing:
        return shown
    contact = recipient_of(services, case.citizen_sub, people.get_profile(services.table, case.citizen_sub))
    if contact is not None:
        shown.citizen_contact = CitizenContact(phone=contact.phone, email=contact.email, language=contact.language)
        logger.info("citizen contact shown to an officer", extra={"case_id": case.id, "officer_sub": principal.sub})
    return shown
