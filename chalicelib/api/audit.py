"""The audit trail, read-only: filtered by actor, object and dates, paged, and exported as CSV.

No route updates or deletes an entry (logic/audit_log.py)."""

from __future__ import annotations

from chalice.app import Blueprint, Request, Response

from chalicelib.api.authorizer import jwt_authorizer
from chalicelib.api.context import principal
from chalicelib.api.contract import DIRECTORY_ADMINS, endpoint, page_params, query
from chalicelib.api.cors import CORS
from chalicelib.logic import audit_log
from chalicelib.models.audit import AuditPage
from chalicelib.wiring import services

audit_routes = Blueprint(__name__)
_PARAMS = ("actor", "object_type", "object_id", "from", "to")


def _filters(request: Request) -> audit_log.AuditFilters:
    return audit_log.filters_of(
        query(request, "actor"),
        query(request, "object_type"),
        query(request, "object_id"),
        query(request, "from"),
        query(request, "to"),
    )


@audit_routes.route("/v1/admin/audit", methods=["GET"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(audit_routes, params=_PARAMS, roles=DIRECTORY_ADMINS)
def audit_trail() -> AuditPage:
    """The audit trail, newest first (an organisation admin: their organisation's entries only)."""
    request = audit_routes.current_request
    assert request is not None
    limit, cursor = page_params(request)
    return audit_log.read(services(), principal(audit_routes), _filters(request), cursor, limit)


@audit_routes.route("/v1/admin/audit/export", methods=["GET"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(audit_routes, params=_PARAMS, response=str, media_type="text/csv", roles=DIRECTORY_ADMINS)
def audit_export() -> Response:
    """The audit trail as CSV (the same filters), at most 10,000 rows; X-Export-Truncated says when more were left."""
    request = audit_routes.current_request
    assert request is not None
    exported = audit_log.export(services(), principal(audit_routes), _filters(request))
    return Response(
        body=exported.body,
        status_code=200,
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": 'attachment; filename="awaaz-audit.csv"',
            "X-Export-Rows": str(exported.rows),
            "X-Export-Truncated": "true" if exported.truncated else "false",
        },
    )
