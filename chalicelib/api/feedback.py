"""The feedback channels: a citizen's appreciation, suggestions and ratings; an office's monthly summary."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from chalicelib.api.authorizer import jwt_authorizer
from chalicelib.api.context import principal
from chalicelib.api.contract import CITIZENS, OFFICERS, endpoint, idempotency_key, page_params, query
from chalicelib.api.cors import CORS
from chalicelib.api.responses import created_case
from chalicelib.logic import feedback
from chalicelib.models.actions import FeedbackChannelIn
from chalicelib.models.common import Listing
from chalicelib.models.complaints import CaseOut, CaseSummary
from chalicelib.wiring import services

feedback_routes = Blueprint(__name__)


@feedback_routes.route("/v1/feedback", methods=["POST"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(feedback_routes, body=FeedbackChannelIn, response=CaseOut, status=201, roles=CITIZENS, raises=(429,))
def give_feedback(data: FeedbackChannelIn) -> Response:
    request = feedback_routes.current_request
    result = feedback.give(services(), principal(feedback_routes), data, idempotency_key(request))
    return created_case(result.case, result.replayed, "/v1/feedback")


@feedback_routes.route("/v1/feedback", methods=["GET"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(feedback_routes, roles=CITIZENS)
def list_feedback() -> Listing[CaseSummary]:
    limit, cursor = page_params(feedback_routes.current_request)
    return feedback.list_own(services(), principal(feedback_routes), limit, cursor)


@feedback_routes.route("/v1/feedback/{feedback_id}", methods=["GET"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(feedback_routes, roles=CITIZENS)
def feedback_item(feedback_id: str) -> CaseOut:
    return feedback.track(services(), principal(feedback_routes), feedback_id)


@feedback_routes.route("/v1/officer/feedback-summary", methods=["GET"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(feedback_routes, params=("office_id", "month"), raises=(404,), roles=OFFICERS)
def feedback_summary() -> feedback.FeedbackSummary:
    request = feedback_routes.current_request
    return feedback.month_summary(
        services(), principal(feedback_routes), query(request, "office_id"), query(request, "month")
    )
