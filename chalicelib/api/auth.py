"""Identity: register, confirm, login, refresh and the caller's own profile."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from chalicelib.api.authorizer import jwt_authorizer
from chalicelib.api.context import principal
from chalicelib.api.contract import endpoint
from chalicelib.api.cors import CORS
from chalicelib.api.responses import created, json_response
from chalicelib.logic import identity
from chalicelib.models.common import StatusOut
from chalicelib.models.identity import (
    ConfirmIn,
    LoginIn,
    MeOut,
    PreferencesIn,
    PreferencesOut,
    RefreshIn,
    RegisterIn,
    RegisterOut,
    TokensOut,
)
from chalicelib.wiring import services

auth_routes = Blueprint(__name__)


@auth_routes.route("/v1/auth/register", methods=["POST"], cors=CORS)
@endpoint(auth_routes, body=RegisterIn, response=RegisterOut, status=201, raises=(409, 429))
def register(data: RegisterIn) -> Response:
    return created(identity.register(services(), data))


@auth_routes.route("/v1/auth/confirm", methods=["POST"], cors=CORS)
@endpoint(auth_routes, body=ConfirmIn, response=StatusOut, raises=(401, 404, 429))
def confirm(data: ConfirmIn) -> Response:
    identity.confirm(services(), data)
    return json_response(200, {"status": "confirmed"})


@auth_routes.route("/v1/auth/login", methods=["POST"], cors=CORS)
@endpoint(auth_routes, body=LoginIn, raises=(401, 429))
def login(data: LoginIn) -> TokensOut:
    return identity.login(services(), data)


@auth_routes.route("/v1/auth/refresh", methods=["POST"], cors=CORS)
@endpoint(auth_routes, body=RefreshIn, raises=(401,))
def refresh(data: RefreshIn) -> TokensOut:
    return identity.refresh(services(), data)


@auth_routes.route("/v1/me", methods=["GET"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(auth_routes)
def me() -> MeOut:
    return identity.me(principal(auth_routes))


@auth_routes.route("/v1/me/preferences", methods=["GET"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(auth_routes)
def my_preferences() -> PreferencesOut:
    return identity.preferences(services(), principal(auth_routes))


@auth_routes.route("/v1/me", methods=["PATCH"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(auth_routes, body=PreferencesIn)
def update_me(data: PreferencesIn) -> PreferencesOut:
    return identity.update_preferences(services(), principal(auth_routes), data)
