"""Public trends (no sign-in): recent spikes per (category, district) and per-category daily counts."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from chalicelib.api.contract import endpoint, query
from chalicelib.api.cors import CORS
from chalicelib.models.errors import FieldProblem, InvalidInput
from chalicelib.models.trends import TrendsOut
from chalicelib.wiring import services

trends_routes = Blueprint(__name__)

DEFAULT_DAYS = 14


def _days(raw: str | None) -> int:
    from chalicelib.insights.spike_watch import MAX_DAYS

    if raw is None:
        return DEFAULT_DAYS
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= MAX_DAYS:
        raise InvalidInput(
            "bad days",
            [FieldProblem("days", f"a whole number from 1 to {MAX_DAYS}", f"1 سے {MAX_DAYS} تک کوئی مکمل عدد")],
        )
    return int(raw)


@trends_routes.route("/v1/insights/trends", methods=["GET"], cors=CORS)
@endpoint(trends_routes, params=("days",), response=TrendsOut)
def insights_trends() -> Response:
    """Spikes flagged in the last `days` days (default 14, at most 28), newest first, and the busiest categories' daily counts."""
    from chalicelib.insights.spike_watch import trends

    out = trends(services(), _days(query(trends_routes.current_request, "days")))
    return Response(
        status_code=200,
        body=out.model_dump_json(),
        headers={"Content-Type": "application/json", "Cache-Control": "public, max-age=300"},
    )
