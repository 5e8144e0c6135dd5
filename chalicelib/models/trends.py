"""GET /v1/insights/trends: recent spikes and per-category daily counts (docs/insights.md "Spikes and trends")."""

from chalicelib.models.base import Model


class SpikeOut(Model):
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


class CategoryTrend(Model):
    category_id: str
    name: str
    name_ur: str
    counts: list[int]
    total: int


class TrendsOut(Model):
    days: list[str]
    spikes: list[SpikeOut]
    categories: list[CategoryTrend]
    updated_at: str | None = None
