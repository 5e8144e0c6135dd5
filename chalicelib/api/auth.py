"""Identity: register, confirm, login, refresh and the caller's own profile."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from chalicelib.api.authorizer import jwt_authorizer
from chalicelib.api.context import principal
from chalicelib.api.cors import CORS
from chalicelib.api.errors import created, endpoint, json_response, parse_body
from chalicelib.logic import identity
from chalicelib.models.identity import (
    ConfirmIn,
    LoginIn,
    MeOut,
    PreferencesIn,
    PreferencesOut,
    RefreshIn,
    RegisterIn,
    TokensOut,
)
from chalicelib.wiring import services

auth_routes = Blueprint(__name__)


def _request():  # type: ignore[no-untyped-def]
    return auth_routes.current_request


@auth_routes.route("/v1/auth/register", methods=["POST"], cors=CORS)
@endpoint(_request)
def register() -> Response:
    data = parse_body(auth_routes.current_request, RegisterIn)
    return created(identity.register(services(), data))


@auth_routes.route("/v1/auth/confirm", methods=["POST"], cors=CORS)
@endpoint(_request)
def confirm() -> Response:
    identity.confirm(services(), parse_body(auth_routes.current_request, ConfirmIn))
    return json_response(200, {"status": "confirmed"})


@auth_routes.route("/v1/auth/login", methods=["POST"], cors=CORS)
@endpoint(_request)
def login() -> TokensOut:
    return identity.login(services(), parse_body(auth_routes.current_request, LoginIn))


@auth_routes.route("/v1/auth/refresh", methods=["POST"], cors=CORS)
@endpoint(_request)
def refresh() -> TokensOut:
    return identity.refresh(services(), parse_body(auth_routes.current_request, RefreshIn))


@auth_routes.route("/v1/me", methods=["GET"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(_request)
def me() -> MeOut:
    return identity.me(principal(auth_routes))


@auth_routes.route("/v1/me/preferences", methods=["GET"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(_request)
def my_preferences() -> PreferencesOut:
    return identity.preferences(services(), principal(auth_routes))


@auth_routes.route("/v1/me", methods=["PATCH"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(_request)
def update_me() -> PreferencesOut:
    data = parse_body(auth_routes.current_request, PreferencesIn)
    return identity.update_preferences(services(), principal(auth_routes), data)
