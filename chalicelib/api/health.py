"""Health: 200 only when the service can serve (the directory is loaded)."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from chalicelib.api.contract import endpoint
from chalicelib.api.cors import CORS
from chalicelib.api.responses import json_response
from chalicelib.models.common import StatusOut
from chalicelib.models.errors import ServiceUnavailable
from chalicelib.wiring import services

health_routes = Blueprint(__name__)


@health_routes.route("/v1/health", methods=["GET"], cors=CORS)
@endpoint(health_routes, response=StatusOut)
def health() -> Response:
    if not services().directory().categories:
        raise ServiceUnavailable("the directory is not seeded yet")
    return json_response(200, {"status": "ok"})
