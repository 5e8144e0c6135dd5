"""The satisfaction gap (issue 15, point 4): what `GET /v1/insights/satisfaction` answers.

Built on first use, as every model (`models.base`).
"""

from typing import Literal

from pydantic import Field

from chalicelib.models.base import Model

Grouping = Literal["office", "organisation", "category", "district"]


class Interval(Model):
    low: float
    high: float


class GapCounts(Model):
    filed: int = Field(0, description="complaints filed in the period (counted for the portal, category and district)")
    received: int = Field(0, description="complaints routed to the group in the period (offices and organisations)")
    resolved: int = Field(0, description="resolutions made in the period (each, a re-resolution too)")
    rejected: int = Field(0, description="complaints rejected in the period")
    decided: int = Field(0, description="resolved + rejected: the decisions the resolved rate is a share of")
    satisfied: int = Field(0, description="'satisfied' verdicts given in the period")
    not_satisfied: int = Field(0, description="'not satisfied' verdicts given in the period")
    verdicts: int = Field(0, description="satisfied + not_satisfied: the answers the satisfied rate is a share of")


class GapRow(Model):
    group: Grouping
    id: str
    name: str
    name_ur: str
    organisation_id: str | None = Field(None, description="an office's organisation")
    peer_group: str = Field(description="whom the group is compared with and shrunk toward, e.g. organisation:lesco")
    counts: GapCounts
    resolved_rate: float | None = Field(None, description="resolved / decided")
    resolved_interval: Interval | None = Field(None, description="95 % Wilson interval of resolved_rate")
    satisfied_rate: float | None = Field(None, description="satisfied / verdicts")
    satisfied_interval: Interval | None = Field(None, description="95 % Wilson interval of satisfied_rate")
    resolved_shrunk: float = Field(description="posterior mean of the resolved rate under the peers' beta prior")
    satisfied_shrunk: float = Field(description="posterior mean of the satisfied rate under the peers' beta prior")
    satisfied_shrunk_interval: Interval = Field(description="95 % posterior interval of the satisfied rate")
    gap: float | None = Field(None, description="resolved_rate − satisfied_rate (raw)")
    gap_shrunk: float = Field(description="resolved_shrunk − satisfied_shrunk: what rows are ranked by")
    peer_satisfied_mean: float = Field(description="the peers' satisfied rate (the prior's mean)")
    peer_gap_mean: float = Field(description="the peers' gap (prior means)")
    too_few_answers: bool = Field(description="fewer than 10 verdicts: shown, never flagged")
    flagged: bool = Field(
        description="the gap is significantly worse than the peers': the satisfied rate's 95 % posterior upper "
        "bound is below the peers' mean, and the shrunk gap above the peers'"
    )
    rank: int = Field(description="1 = the widest shrunk gap among the rows answered")


class Funnel(Model):
    filed: int
    resolved: int
    answered: int = Field(description="verdicts given (satisfied or not)")
    satisfied: int
    resolved_rate: float | None = Field(None, description="resolved / decided, portal-wide")
    satisfied_rate: float | None = Field(None, description="satisfied / answered, portal-wide")


class SatisfactionOut(Model):
    by: Grouping
    period: str = Field(description="3m (this month so far and the two before) or a month, YYYY-MM")
    months: list[str]
    computed_at: str | None = Field(None, description="when the daily job last read the counters (None: not yet)")
    min_answers: int = Field(description="verdicts a group needs to be flagged")
    funnel: Funnel
    rows: list[GapRow] = Field(description="groups with any decision or verdict in the period, widest gap first")


class ReportOut(Model):
    month: str
    computed_at: str | None = None
    min_answers: int
    funnel: Funnel | None = Field(None, description="portal-wide (admins only)")
    sections: dict[str, list[GapRow]] = Field(
        description="rows by grouping: office, organisation, category, district (an organisation's admin: "
        "their organisation and its offices only)"
    )
