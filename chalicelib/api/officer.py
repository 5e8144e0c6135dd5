"""An officer's queue and the cases in it."""

from __future__ import annotations

from chalice.app import Blueprint

from chalicelib.api.authorizer import jwt_authorizer
from chalicelib.api.context import actor, principal
from chalicelib.api.contract import OFFICERS, STAFF, endpoint, if_match, page_params, query
from chalicelib.api.cors import CORS
from chalicelib.logic import actions, officer
from chalicelib.models.actions import OfficerActionIn
from chalicelib.models.common import Listing, Principal
from chalicelib.models.complaints import CaseOut, CaseSummary, HistoryEntry
from chalicelib.models.errors import FieldProblem, InvalidInput
from chalicelib.wiring import services

officer_routes = Blueprint(__name__)


def case_in_scope(who: Principal, case_id: str) -> None:
    """The guard of an action on a case: in the officer's office or below it, or a 404."""
    officer.check_in_scope(services(), who, case_id)


@officer_routes.route("/v1/officer/cases", methods=["GET"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(officer_routes, params=("status", "kind", "overdue"), roles=OFFICERS)
def officer_cases() -> Listing[CaseSummary]:
    request = officer_routes.current_request
    limit, cursor = page_params(request)
    overdue = (query(request, "overdue") or "false").lower()
    if overdue not in ("true", "false"):
        raise InvalidInput("bad overdue filter", [FieldProblem("overdue", "true or false")])
    return officer.office_queue(
        services(),
        principal(officer_routes),
        limit=limit,
        cursor=cursor,
        status=query(request, "status"),
        kind=query(request, "kind"),
        overdue=overdue == "true",
    )


@officer_routes.route("/v1/officer/history", methods=["GET"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(officer_routes, params=("kind", "outcome"), roles=OFFICERS)
def officer_history() -> Listing[HistoryEntry]:
    """The cases the office (and the offices below it) let go, newest first: read-only to it now."""
    request = officer_routes.current_request
    limit, cursor = page_params(request)
    return officer.office_history(
        services(),
        principal(officer_routes),
        limit=limit,
        cursor=cursor,
        kind=query(request, "kind"),
        outcome=query(request, "outcome"),
    )


@officer_routes.route("/v1/officer/cases/{case_id}", methods=["GET"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(officer_routes, roles=STAFF)
def officer_case(case_id: str) -> CaseOut:
    return officer.case_for_officer(services(), principal(officer_routes), case_id)


@officer_routes.route("/v1/officer/cases/{case_id}/actions", methods=["POST"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(officer_routes, body=OfficerActionIn, roles=STAFF, guard=case_in_scope)
def officer_action(case_id: str, data: OfficerActionIn) -> CaseOut:
    request = officer_routes.current_request
    who = principal(officer_routes)
    return actions.act(services(), who, case_id, data.root, if_match(request), actor(officer_routes))
