"""Category suggestion, triage and moderation in the product: what is sent and what comes back (docs/insights.md)."""

from typing import Annotated

from pydantic import Field

from chalicelib.models.base import Model
from chalicelib.models.common import StrictInput
from chalicelib.models.complaints import CaseKind, CategorySuggestion, Id


class SuggestionIn(StrictInput):
    """`POST /v1/category-suggestions`: the text typed so far (trimmed: 3 to 4,000 characters) and, optionally, a kind."""

    text: Annotated[str, Field(min_length=3, max_length=4000)]
    kind: CaseKind | None = None


class SuggestionOut(Model):
    category_id: str
    name: str
    name_ur: str
    group: str
    group_ur: str
    # The model's calibrated probability that this is the text's category (0–1).
    confidence: float


class SuggestionList(Model):
    """The best three categories for the text, best first; `sure` when the first reaches `threshold`."""

    items: list[SuggestionOut]
    sure: bool
    threshold: float


class TriageItem(Model):
    """A complaint in the triage queue: its words, where, since when, and the model's suggestions."""

    id: str
    subject: str
    description: str
    district: str | None = None
    created_at: str
    since: str
    suggestions: list[CategorySuggestion]
    moderation_flagged: bool = False
    version: int


class TriageCategoryIn(StrictInput):
    """`POST /v1/triage/{id}/category`: the category chosen for a complaint filed "not sure"."""

    category_id: Id


class ClearModerationIn(StrictInput):
    """`POST /v1/officer/cases/{id}/moderation/clear`: the text is not abusive; `note`, if any, goes on the timeline."""

    note: Annotated[str, Field(min_length=1, max_length=2000)] | None = None
