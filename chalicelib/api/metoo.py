"""Duplicates: a citizen's "me too" (follow a complaint instead of filing one), an office's merge (docs/insights.md)."""

from __future__ import annotations

from chalice.app import Blueprint

from chalicelib.api.authorizer import jwt_authorizer
from chalicelib.api.context import principal
from chalicelib.api.contract import CITIZENS, STAFF, endpoint, if_match, page_params
from chalicelib.api.cors import CORS
from chalicelib.api.officer import case_in_scope
from chalicelib.logic import metoo
from chalicelib.logic.metoo import FollowedCase, MergeIn, MeTooIn
from chalicelib.models.common import Listing, Principal
from chalicelib.models.complaints import CaseOut
from chalicelib.wiring import services

metoo_routes = Blueprint(__name__)


def may_join(who: Principal, case_id: str) -> None:
    """The guard of a "me too": a complaint the caller may see, or a 404."""
    metoo.check_may_join(services(), who, case_id)


@metoo_routes.route("/v1/complaints/{case_id}/me-too", methods=["POST"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(metoo_routes, body=MeTooIn, roles=CITIZENS, guard=may_join)
def join_complaint(case_id: str, data: MeTooIn) -> FollowedCase:
    """Follow an open complaint instead of filing the same one: one more affected citizen (idempotent)."""
    return metoo.join(services(), principal(metoo_routes), case_id, data)


@metoo_routes.route("/v1/complaints/{case_id}/me-too", methods=["DELETE"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(metoo_routes, roles=CITIZENS)
def leave_complaint(case_id: str) -> FollowedCase:
    """Stop following a complaint."""
    return metoo.leave(services(), principal(metoo_routes), case_id)


@metoo_routes.route("/v1/followed-complaints", methods=["GET"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(metoo_routes, roles=CITIZENS)
def followed_complaints() -> Listing[FollowedCase]:
    """The complaints the caller follows, newest joined first."""
    limit, cursor = page_params(metoo_routes.current_request)
    return metoo.list_followed(services(), principal(metoo_routes), limit, cursor)


@metoo_routes.route("/v1/followed-complaints/{case_id}", methods=["GET"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(metoo_routes, roles=CITIZENS)
def followed_complaint(case_id: str) -> FollowedCase:
    """A complaint the caller follows, as a follower sees it (never its private words)."""
    return metoo.followed_case(services(), principal(metoo_routes), case_id)


@metoo_routes.route("/v1/officer/cases/{case_id}/merge", methods=["POST"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(metoo_routes, body=MergeIn, roles=STAFF, guard=case_in_scope)
def merge_case(case_id: str, data: MergeIn) -> CaseOut:
    """Merge a duplicate into another open complaint of its organisation (If-Match: the duplicate's version)."""
    request = metoo_routes.current_request
    return metoo.merge(services(), principal(metoo_routes), case_id, data, if_match(request))
