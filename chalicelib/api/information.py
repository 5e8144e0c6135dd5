"""A citizen's information requests (Right of Access to Information Act 2017): ask, list, track, appeal."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from chalicelib.api.authorizer import jwt_authorizer
from chalicelib.api.context import principal
from chalicelib.api.contract import CITIZENS, endpoint, idempotency_key, if_match, page_params
from chalicelib.api.cors import CORS
from chalicelib.api.responses import created_case
from chalicelib.logic import complaints, information
from chalicelib.models.actions import AppealIn, InformationRequestIn, WithdrawIn
from chalicelib.models.common import Listing, Principal
from chalicelib.models.complaints import CaseOut, CaseSummary
from chalicelib.wiring import services

information_routes = Blueprint(__name__)


def own_request(who: Principal, request_id: str) -> None:
    """The guard of a route on one information request: the caller's own, or a 404."""
    complaints.check_owned(services(), who, request_id, information.KIND)


@information_routes.route("/v1/information-requests", methods=["POST"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(information_routes, body=InformationRequestIn, response=CaseOut, status=201, roles=CITIZENS, raises=(429,))
def file_information_request(data: InformationRequestIn) -> Response:
    request = information_routes.current_request
    result = information.file_request(services(), principal(information_routes), data, idempotency_key(request))
    return created_case(result.case, result.replayed, "/v1/information-requests")


@information_routes.route("/v1/information-requests", methods=["GET"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(information_routes, roles=CITIZENS)
def list_information_requests() -> Listing[CaseSummary]:
    limit, cursor = page_params(information_routes.current_request)
    return information.list_own(services(), principal(information_routes), limit, cursor)


@information_routes.route(
    "/v1/information-requests/{request_id}", methods=["GET"], authorizer=jwt_authorizer, cors=CORS
)
@endpoint(information_routes, roles=CITIZENS)
def track_information_request(request_id: str) -> CaseOut:
    return information.track(services(), principal(information_routes), request_id)


@information_routes.route(
    "/v1/information-requests/{request_id}/appeal", methods=["POST"], authorizer=jwt_authorizer, cors=CORS
)
@endpoint(information_routes, body=AppealIn, roles=CITIZENS, guard=own_request)
def appeal_information_request(request_id: str, data: AppealIn) -> CaseOut:
    request = information_routes.current_request
    return information.appeal(services(), principal(information_routes), request_id, data, if_match(request))


@information_routes.route(
    "/v1/information-requests/{request_id}/withdraw", methods=["POST"], authorizer=jwt_authorizer, cors=CORS
)
@endpoint(information_routes, body=WithdrawIn, roles=CITIZENS, guard=own_request)
def withdraw_information_request(request_id: str, data: WithdrawIn) -> CaseOut:
    request = information_routes.current_request
    return information.withdraw(services(), principal(information_routes), request_id, data, if_match(request))
