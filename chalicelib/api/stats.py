"""Public statistics (no sign-in): JSON, and the same as CSV."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from chalicelib.api.contract import endpoint, query
from chalicelib.api.cors import CORS
from chalicelib.logic import stats
from chalicelib.wiring import services

stats_routes = Blueprint(__name__)


def _statistics() -> stats.StatsOut:
    request = stats_routes.current_request
    return stats.statistics(
        services(),
        level=query(request, "level"),
        organisation_id=query(request, "organisation_id"),
        from_raw=query(request, "from"),
        to_raw=query(request, "to"),
        group_by=query(request, "group_by"),
    )


_PARAMS = ("level", "organisation_id", "from", "to", "group_by")


@stats_routes.route("/v1/stats", methods=["GET"], cors=CORS)
@endpoint(stats_routes, params=_PARAMS)
def public_stats() -> stats.StatsOut:
    """Public statistics from counters: cases received and resolved (each case once: at most 100 %), beside satisfied."""
    return _statistics()


@stats_routes.route("/v1/stats.csv", methods=["GET"], cors=CORS)
@endpoint(stats_routes, params=_PARAMS, response=str, media_type="text/csv")
def public_stats_csv() -> Response:
    """The public statistics as CSV: one row per group, the same figures."""
    body = stats.as_csv(_statistics())
    return Response(
        body=body,
        status_code=200,
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": 'attachment; filename="awaaz-stats.csv"',
        },
    )
