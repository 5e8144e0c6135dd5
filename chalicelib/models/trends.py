"""GET /v1/insights/trends: recent spikes and per-category daily counts (docs/insights.md "Spikes and trends")."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

# Built on first use (`defer_build`): the API's cold import does not pay for them.
_DEFERRED = ConfigDict(defer_build=True)


class SpikeOut(BaseModel):
    model_config = _DEFERRED

    day: str
    category_id: str
    category_name: str
    category_name_ur: str
    district_id: str
    district_name: str
    district_name_ur: str
    count: int
    expected: float
    score: float


class CategoryTrend(BaseModel):
    model_config = _DEFERRED

    category_id: str
    name: str
    name_ur: str
    counts: list[int]
    total: int


class TrendsOut(BaseModel):
    model_config = _DEFERRED

    days: list[str]
    spikes: list[SpikeOut]
    categories: list[CategoryTrend]
    updated_at: str | None = None
