"""The feedback channels: appreciation, suggestions and service ratings.

Each is stored as a case of kind `feedback` so that it has a tracking number, a
timeline, the citizen's list and, for suggestions, a place in the organisation's
queue with a review deadline. Appreciation is counted and shown to the office it
names (an in-app notice); a rating (1–5) is counted per office and month, once per
citizen: their further ratings of the same office that month are stored and shown
to the office but add nothing to its averages; a suggestion is reviewed (adopted or
not, with a note) and the citizen is told.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalicelib.logic import complaints
from chalicelib.logic.clock import iso, parse_month
from chalicelib.logic.complaints import Submitted, create
from chalicelib.logic.deadlines import REVIEW_WITHIN
from chalicelib.logic.ports import Services
from chalicelib.logic.transition import Transition, note_only
from chalicelib.models.actions import FeedbackChannelIn, ReviewIn
from chalicelib.models.base import Model
from chalicelib.models.common import Listing, Principal
from chalicelib.models.complaints import CaseOut, CaseSummary
from chalicelib.models.errors import CaseNotFound, FieldProblem, Forbidden, InvalidInput
from chalicelib.observability import logger, metrics
from chalicelib.store import stats as stat_store

KIND = "feedback"
_CATEGORY = {
    "appreciation": "feedback-appreciation",
    "suggestion": "feedback-suggestion",
    "rating": "feedback-service-rating",
}
# The subject a citizen's list shows for each kind.
_SUBJECT = {"appreciation": "Appreciation", "suggestion": "Suggestion", "rating": "Service rating"}


def _check(services: Services, data: FeedbackChannelIn) -> str:
    """The office the feedback is for (the one named, else the organisation's head office); 400s otherwise."""
    directory = services.directory()
    problems: list[FieldProblem] = []
    if directory.live_organisation(data.organisation_id) is None:
        problems.append(FieldProblem("organisation_id", "unknown organisation; see GET /v1/organisations"))
    office = directory.live_office(data.office_id) if data.office_id else directory.head_office(data.organisation_id)
    if data.office_id and (office is None or office.organisation_id != data.organisation_id):
        problems.append(FieldProblem("office_id", "not an office of this organisation"))
    if data.kind == "rating" and data.rating is None:
        problems.append(FieldProblem("rating", "a rating needs a value from 1 to 5"))
    if data.kind != "rating" and data.rating is not None:
        problems.append(FieldProblem("rating", f"only a rating carries one, not {data.kind}"))
    if problems or office is None:
        raise InvalidInput("the feedback needs correcting", problems)
    return office.id


def give(services: Services, principal: Principal, data: FeedbackChannelIn, idempotency_key: str | None) -> Submitted:
    if principal.role != "citizen":
        raise Forbidden("only citizens give feedback")
    office_id = _check(services, data)
    now = services.clock()
    suggestion = data.kind == "suggestion"

    def build(case_id: str) -> Transition:
        opened = Transition.open(
            services,
            "suggest" if suggestion else "submit",
            by=principal,
            now=now,
            id=case_id,
            kind=KIND,
            feedback_kind=data.kind,
            rating=data.rating,
            category_id=_CATEGORY[data.kind],
            subject=_SUBJECT[data.kind],
            description=data.message,
            office_id=office_id,
            organisation_id=data.organisation_id,
            due_at=iso(now + REVIEW_WITHIN) if suggestion else None,
            routed_at=iso(now),
        )
        opened.notify_office(f"office_{data.kind}", rating=str(data.rating or ""))
        if suggestion:
            opened.notify("suggestion_received", rating=str(data.rating or ""))
        counts = {f"{data.kind}s": 1}
        if data.rating is not None:
            counts["rating_sum"] = data.rating
        # One citizen's ratings of an office count once a month: thirty one-star ratings are one.
        opened.count_month(counts, once_per_citizen="rating" if data.kind == "rating" else None)
        return opened

    submitted, case = create(services, principal, "F", build, idempotency_key, data.model_dump_json())
    if case is not None:
        logger.info("feedback given", extra={"case_id": case.id, "kind": data.kind})
        metrics.add_metric(name=f"Feedback{data.kind.title()}", unit="Count", value=1)
    return submitted


def list_own(services: Services, principal: Principal, limit: int, cursor: str | None) -> Listing[CaseSummary]:
    return complaints.list_own(services, principal, limit, cursor, KIND)


def track(services: Services, principal: Principal, raw_id: str) -> CaseOut:
    return complaints.track(services, principal, raw_id, KIND)


def _review(change: Transition, data: ReviewIn) -> None:
    """Adopted or not, with a note the citizen reads."""
    change.take(note=data.note, reason=data.decision)
    change.notify(f"suggestion_{data.decision}", note=data.note)
    change.count_month({data.decision: 1})


OFFICER_HANDLERS: dict[str, Callable[[Transition, Any], None]] = {
    "acknowledge": note_only,
    "note": note_only,
    "review": _review,
}


class FeedbackSummary(Model):
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
    month = parse_month(month) if month else iso(services.clock())[:7]
    if month is None:
        raise InvalidInput("bad month", [FieldProblem("month", "YYYY-MM, e.g. 2026-11")])
    totals = stat_store.read_month(services.table, "office", target, month)
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
