"""The caller's in-app notifications."""

from __future__ import annotations

from chalice.app import Blueprint

from chalicelib.api.authorizer import jwt_authorizer
from chalicelib.api.context import principal
from chalicelib.api.contract import SIGNED_IN, endpoint, header, language_named, page_params
from chalicelib.api.cors import CORS
from chalicelib.logic import notifications
from chalicelib.logic.notifications import NotificationOut
from chalicelib.models.common import Listing
from chalicelib.wiring import services

notification_routes = Blueprint(__name__)


@notification_routes.route("/v1/notifications", methods=["GET"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(notification_routes, roles=SIGNED_IN)
def my_notifications() -> Listing[NotificationOut]:
    request = notification_routes.current_request
    limit, cursor = page_params(request)
    # In the language the page asks in (the اردو switch), else the account's own.
    asked = header(request, "accept-language")
    language = language_named(asked) if asked else None
    return notifications.list_mine(services(), principal(notification_routes), limit, cursor, language)
