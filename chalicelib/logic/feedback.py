"""The feedback channels: appreciation, suggestions and service ratings.

Each is stored as a case of kind `feedback` so that it has a tracking number, a
timeline, the citizen's list and, for suggestions, a place in the organisation's
queue with a review deadline. Appreciation is counted and shown to the office it
names (an in-app notice); a rating (1–5) is counted per office and month; a
suggestion is reviewed (adopted or not, with a note) and the citizen is told.
"""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel

from chalicelib.logic import complaints, workflow
from chalicelib.logic.changes import commit, notice, office_params
from chalicelib.logic.complaints import Submitted, create, iso, to_case_out
from chalicelib.logic.notifications import dispatch
from chalicelib.logic.ports import Services
from chalicelib.models.actions import AcknowledgeIn, FeedbackChannelIn, NoteIn, OfficerAction, ReviewIn
from chalicelib.models.common import Listing, Principal
from chalicelib.models.complaints import Case, CaseOut, CaseSummary, TimelineEvent
from chalicelib.models.errors import CaseNotFound, FieldProblem, Forbidden, InvalidInput, TransitionNotAllowed
from chalicelib.models.notifications import Notification
from chalicelib.observability import logger, metrics
from chalicelib.store import cases as case_store
from chalicelib.store import keys
from chalicelib.store.table import Increment

KIND = "feedback"
# How long an organisation has to review a suggestion.
REVIEW_WITHIN = timedelta(days=30)
_CATEGORY = {
    "appreciation": "feedback-appreciation",
    "suggestion": "feedback-suggestion",
    "rating": "feedback-service-rating",
}


def _check(services: Services, data: FeedbackChannelIn) -> str:
    """The office the feedback is for (the one named, else the organisation's head office); 400s otherwise."""
    directory = services.directory()
    problems: list[FieldProblem] = []
    if data.organisation_id not in directory.organisations:
        problems.append(FieldProblem("organisation_id", "unknown organisation; see GET /v1/organisations"))
    office = directory.offices.get(data.office_id) if data.office_id else directory.head_office(data.organisation_id)
    if data.office_id and (office is None or office.organisation_id != data.organisation_id):
        problems.append(FieldProblem("office_id", "not an office of this organisation"))
    if data.kind == "rating" and data.rating is None:
        problems.append(FieldProblem("rating", "a rating needs a value from 1 to 5"))
    if data.kind != "rating" and data.rating is not None:
        problems.append(FieldProblem("rating", f"only a rating carries one, not {data.kind}"))
    if problems or office is None:
        raise InvalidInput("the feedback needs correcting", problems)
    return office.id


def _month_counters(office_id: str, organisation_id: str, month: str, counts: dict[str, int]) -> list[Increment]:
    return [
        Increment(keys.stat_month_key("office", office_id, month), counts),
        Increment(keys.stat_month_key("organisation", organisation_id, month), counts),
    ]


def give(services: Services, principal: Principal, data: FeedbackChannelIn, idempotency_key: str | None) -> Submitted:
    if principal.role != "citizen":
        raise Forbidden("only citizens give feedback")
    office_id = _check(services, data)
    directory = services.directory()
    now = services.clock()
    stamp = iso(now)
    suggestion = data.kind == "suggestion"

    def build(case_id: str) -> case_store.CaseChange:
        due = iso(now + REVIEW_WITHIN) if suggestion else None
        case = Case(
            id=case_id,
            kind=KIND,
            feedback_kind=data.kind,
            rating=data.rating,
            status="under_review" if suggestion else "received",
            category_id=_CATEGORY[data.kind],
            subject={"appreciation": "Appreciation", "suggestion": "Suggestion", "rating": "Service rating"}[data.kind],
            description=data.message,
            citizen_sub=principal.sub,
            language=principal.language,
            office_id=office_id,
            organisation_id=data.organisation_id,
            due_at=due,
            next_check_at=due,
            created_at=stamp,
            updated_at=stamp,
            routed_at=stamp,
        )
        params = {**office_params(directory, office_id), "due_date": (due or "")[:10], "rating": str(data.rating or "")}
        notes = [notice(case, f"office_{data.kind}", params, stamp, to_office=office_id)]
        if suggestion:
            notes.append(notice(case, "suggestion_received", params, stamp))
        counts = {f"{data.kind}s": 1}
        if data.rating is not None:
            counts["rating_sum"] = data.rating
        return case_store.CaseChange(
            case=case,
            events=[TimelineEvent(at=stamp, type="submitted", actor_role="citizen", office_id=office_id)],
            notifications=notes,
            counters=_month_counters(office_id, data.organisation_id, stamp[:7], counts),
        )

    submitted, change = create(services, principal, "F", build, idempotency_key, data.model_dump_json())
    if change is not None:
        dispatch(services, change.notifications)
        logger.info("feedback given", extra={"case_id": change.case.id, "kind": data.kind})
        metrics.add_metric(name=f"Feedback{data.kind.title()}", unit="Count", value=1)
    return submitted


def list_own(services: Services, principal: Principal, limit: int, cursor: str | None) -> Listing[CaseSummary]:
    return complaints.list_own(services, principal, limit, cursor, KIND)


def track(services: Services, principal: Principal, raw_id: str) -> CaseOut:
    return complaints.track(services, principal, raw_id, KIND)


def act(
    services: Services, principal: Principal, case: Case, events: list[TimelineEvent], data: OfficerAction
) -> CaseOut:
    """An office's action on a suggestion: note it, or review it (adopted or not); the citizen is told."""
    if not isinstance(data, AcknowledgeIn | NoteIn | ReviewIn):
        raise TransitionNotAllowed(f"feedback cannot take the action {data.action}")
    action = f"review_{data.decision}" if isinstance(data, ReviewIn) else data.action
    after = workflow.next_status(case.status, action, KIND)
    directory = services.directory()
    stamp = iso(services.clock())
    event = TimelineEvent(
        at=stamp, type=workflow.EVENT_OF[action], actor_role="officer", note=data.note, office_id=case.office_id
    )
    notes: list[Notification] = []
    counts: list[Increment] = []
    if isinstance(data, ReviewIn):
        event.reason = data.decision
        params = {**office_params(directory, case.office_id), "note": data.note}
        notes.append(notice(case, f"suggestion_{data.decision}", params, stamp))
        counts = _month_counters(case.office_id or "", case.organisation_id or "", stamp[:7], {data.decision: 1})
    expected = case.version
    case.status = after
    if after != "under_review":
        case.next_check_at = None
    commit(
        services, case, expected_version=expected, events=[event], notes=notes, counts=counts, actor_sub=principal.sub
    )
    return to_case_out(case, [*events, event], directory)


class FeedbackSummary(BaseModel):
    """What citizens told an office in a month: appreciations, suggestions, ratings (no names)."""

    office_id: str
    month: str
    appreciations: int
    suggestions: int
    adopted: int
    not_adopted: int
    ratings: int
    average_rating: float | None


def month_summary(
    services: Services, principal: Principal, office_id: str | None, month: str | None
) -> FeedbackSummary:
    """An office's feedback for a month (its officers and the offices above it); 8 GetItems, one per shard."""
    if principal.role != "officer" or not principal.office_id:
        raise Forbidden("only officers read their office's feedback")
    target = office_id or principal.office_id
    if target not in services.directory().subtree(principal.office_id):
        raise CaseNotFound("no such office in your scope")
    month = month or iso(services.clock())[:7]
    if len(month) != 7 or month[4] != "-" or not (month[:4] + month[5:]).isdigit() or not 1 <= int(month[5:]) <= 12:
        raise InvalidInput("bad month", [FieldProblem("month", "YYYY-MM, e.g. 2026-11")])
    totals: dict[str, int] = {}
    for key in keys.stat_month_keys("office", target, month):
        item = services.table.get(key) or {}
        for name, value in item.items():
            if name not in ("PK", "SK") and isinstance(value, int | float):
                totals[name] = totals.get(name, 0) + int(value)
    ratings = totals.get("ratings", 0)
    return FeedbackSummary(
        office_id=target,
        month=month,
        appreciations=totals.get("appreciations", 0),
        suggestions=totals.get("suggestions", 0),
        adopted=totals.get("adopted", 0),
        not_adopted=totals.get("not_adopted", 0),
        ratings=ratings,
        average_rating=round(totals.get("rating_sum", 0) / ratings, 2) if ratings else None,
    )
