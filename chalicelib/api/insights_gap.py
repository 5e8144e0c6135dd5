"""The satisfaction gap: public figures per office, organisation, category and district, and admins' monthly report."""

from __future__ import annotations

from chalice.app import Blueprint, Response
from pydantic import BaseModel

from chalicelib.api.authorizer import jwt_authorizer
from chalicelib.api.context import principal
from chalicelib.api.contract import DIRECTORY_ADMINS, endpoint, query
from chalicelib.api.cors import CORS
from chalicelib.models.errors import FieldProblem, Forbidden, InvalidInput
from chalicelib.wiring import services

# The response models are named ("module:Model"), not imported: they load with the first request, not the cold start.
gap_routes = Blueprint(__name__)


@gap_routes.route("/v1/insights/satisfaction", methods=["GET"], cors=CORS)
@endpoint(gap_routes, params=("by", "period", "organisation_id"), response="chalicelib.models.gap:SatisfactionOut")
def satisfaction_gap() -> Response:
    """Resolved beside satisfied, with 95 % intervals, shrunk rates, the gap and a flag; the portal-wide funnel."""
    from chalicelib.insights import gap

    request = gap_routes.current_request
    out = gap.satisfaction(
        services(),
        by=query(request, "by"),
        period=query(request, "period"),
        organisation_id=query(request, "organisation_id"),
    )
    # Daily figures: a browser or CDN may keep them five minutes.
    return Response(
        body=out.model_dump_json(),
        status_code=200,
        headers={"Content-Type": "application/json", "Cache-Control": "public, max-age=300"},
    )


@gap_routes.route("/v1/admin/insights/satisfaction-report", methods=["GET"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(gap_routes, params=("month", "format"), response="chalicelib.models.gap:ReportOut", roles=DIRECTORY_ADMINS)
def satisfaction_report() -> Response | BaseModel:
    """A month's satisfaction-gap report, JSON or CSV (`format=csv`; an organisation admin: their organisation's rows)."""
    from chalicelib.insights import gap
    from chalicelib.logic.staff import organisation_of

    request = gap_routes.current_request
    who = principal(gap_routes)
    kind = query(request, "format") or "json"
    if kind not in ("json", "csv"):
        raise InvalidInput("bad format", [FieldProblem("format", "json or csv", "json یا csv")])
    organisation_id = None
    if who.role == "org_admin":
        organisation_id = organisation_of(services(), who)
        if organisation_id is None:
            raise Forbidden("your account names no office of an organisation")
    made = gap.report(services(), query(request, "month"), organisation_id)
    if kind == "json":
        return made
    return Response(
        body=gap.report_csv(made),
        status_code=200,
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="awaaz-satisfaction-{made.month}.csv"',
        },
    )
