"""A citizen's complaints: file, list own, track one."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from chalicelib.api.authorizer import jwt_authorizer
from chalicelib.api.context import principal
from chalicelib.api.contract import CITIZENS, endpoint, idempotency_key, if_match, page_params, query
from chalicelib.api.cors import CORS
from chalicelib.api.responses import created_case
from chalicelib.logic import actions, complaints, publication
from chalicelib.logic.publication import PublicationTerms
from chalicelib.logic.similar import SimilarList, position, similar
from chalicelib.models.actions import FeedbackIn, PublishIn, ReplyIn, UnpublishIn, WithdrawIn
from chalicelib.models.common import Listing, Principal
from chalicelib.models.complaints import CaseOut, CaseSummary, ComplaintIn
from chalicelib.wiring import services

complaint_routes = Blueprint(__name__)


def own_complaint(who: Principal, case_id: str) -> None:
    """The guard of a route on one complaint: the caller's own, or a 404."""
    complaints.check_owned(services(), who, case_id)


@complaint_routes.route("/v1/complaints", methods=["POST"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(complaint_routes, body=ComplaintIn, response=CaseOut, status=201, roles=CITIZENS, raises=(429,))
def submit_complaint(data: ComplaintIn) -> Response:
    who = principal(complaint_routes)
    result = complaints.submit(services(), who, data, idempotency_key(complaint_routes.current_request))
    return created_case(result.case, result.replayed, "/v1/complaints")


@complaint_routes.route("/v1/complaints", methods=["GET"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(complaint_routes, roles=CITIZENS)
def list_complaints() -> Listing[CaseSummary]:
    limit, cursor = page_params(complaint_routes.current_request)
    return complaints.list_own(services(), principal(complaint_routes), limit, cursor)


@complaint_routes.route("/v1/complaints/{case_id}", methods=["GET"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(complaint_routes, roles=CITIZENS)
def track_complaint(case_id: str) -> CaseOut:
    return complaints.track(services(), principal(complaint_routes), case_id)


@complaint_routes.route("/v1/complaints/{case_id}/reply", methods=["POST"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(complaint_routes, body=ReplyIn, roles=CITIZENS, guard=own_complaint)
def reply_to_complaint(case_id: str, data: ReplyIn) -> CaseOut:
    request = complaint_routes.current_request
    who = principal(complaint_routes)
    return actions.reply(services(), who, case_id, data, if_match(request))


@complaint_routes.route("/v1/complaints/{case_id}/withdraw", methods=["POST"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(complaint_routes, body=WithdrawIn, roles=CITIZENS, guard=own_complaint)
def withdraw_complaint(case_id: str, data: WithdrawIn) -> CaseOut:
    request = complaint_routes.current_request
    who = principal(complaint_routes)
    return actions.withdraw(services(), who, case_id, data, if_match(request))


@complaint_routes.route("/v1/complaints/{case_id}/feedback", methods=["POST"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(complaint_routes, body=FeedbackIn, roles=CITIZENS, guard=own_complaint)
def complaint_verdict(case_id: str, data: FeedbackIn) -> CaseOut:
    request = complaint_routes.current_request
    who = principal(complaint_routes)
    return actions.give_feedback(services(), who, case_id, data, if_match(request))


@complaint_routes.route("/v1/complaints/{case_id}/publish", methods=["POST"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(complaint_routes, body=PublishIn, roles=CITIZENS, guard=own_complaint)
def publish_complaint(case_id: str, data: PublishIn) -> CaseOut:
    """Publish one's complaint (what becomes public: GET /v1/publication)."""
    request = complaint_routes.current_request
    return publication.publish(services(), principal(complaint_routes), case_id, data, if_match(request))


@complaint_routes.route("/v1/complaints/{case_id}/unpublish", methods=["POST"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(complaint_routes, body=UnpublishIn, roles=CITIZENS, guard=own_complaint)
def unpublish_complaint(case_id: str, data: UnpublishIn) -> CaseOut:
    """Take one's complaint out of public view."""
    request = complaint_routes.current_request
    return publication.unpublish(services(), principal(complaint_routes), case_id, data, if_match(request))


@complaint_routes.route("/v1/publication", methods=["GET"], cors=CORS)
@endpoint(complaint_routes)
def publication_terms() -> PublicationTerms:
    """What becomes public when a citizen publishes a complaint, in English and Urdu."""
    return publication.terms()


@complaint_routes.route("/v1/similar-complaints", methods=["GET"], cors=CORS)
@endpoint(complaint_routes, params=("category_id", "district", "text", "lat", "lon"))
def similar_complaints() -> SimilarList:
    """Open complaints that look like the same problem, shown before submitting (no identity); near-duplicates offered."""
    request = complaint_routes.current_request
    lat, lon = position(query(request, "lat"), query(request, "lon"))
    category_id, district, text = (query(request, name) for name in ("category_id", "district", "text"))
    return similar(services(), category_id, district, text, lat, lon)
