"""The caller's in-app notifications."""

from __future__ import annotations

from chalice.app import Blueprint

from chalicelib.api.authorizer import jwt_authorizer
from chalicelib.api.context import principal
from chalicelib.api.contract import SIGNED_IN, endpoint, page_params
from chalicelib.api.cors import CORS
from chalicelib.logic import notifications
from chalicelib.logic.notifications import NotificationOut
from chalicelib.models.common import Listing
from chalicelib.wiring import services

notification_routes = Blueprint(__name__)


@notification_routes.route("/v1/notifications", methods=["GET"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(notification_routes, roles=SIGNED_IN)
def my_notifications() -> Listing[NotificationOut]:
    limit, cursor = page_params(notification_routes.current_request)
    return notifications.list_mine(services(), principal(notification_routes), limit, cursor)
