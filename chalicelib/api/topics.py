"""Emerging topics for an organisation's staff: the themes rising in its new complaints, week by week."""

from __future__ import annotations

from chalice.app import Blueprint

from chalicelib.api.authorizer import jwt_authorizer
from chalicelib.api.context import principal
from chalicelib.api.contract import endpoint, query
from chalicelib.api.cors import CORS
from chalicelib.logic import topics
from chalicelib.models.common import Role
from chalicelib.models.topics import TopicsOut
from chalicelib.wiring import services

topic_routes = Blueprint(__name__)

# Officers and organisation admins see their own organisation's; the portal's admins any (`organisation`).
TOPIC_READERS: tuple[Role, ...] = ("officer", "org_admin", "admin")


@topic_routes.route("/v1/officer/topics", methods=["GET"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(topic_routes, params=("week", "organisation"), roles=TOPIC_READERS, raises=(404,))
def officer_topics() -> TopicsOut:
    """The themes of an organisation's new complaints in a week (`YYYY-Www`, default: the last that ended)."""
    request = topic_routes.current_request
    return topics.topics_of(
        services(),
        principal(topic_routes),
        week=query(request, "week"),
        organisation=query(request, "organisation"),
    )
