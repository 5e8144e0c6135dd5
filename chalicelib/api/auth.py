"""Identity: register, confirm, sign in (with staff MFA), refresh, reset a password, and the caller's own profile.

Every route here is the only way to its Cognito operation (the pools accept admin calls only), so its
limits hold: per username and per source address (API Gateway's `sourceIp`).
"""

from __future__ import annotations

from chalice.app import Blueprint, Request, Response

from chalicelib.api.authorizer import jwt_authorizer
from chalicelib.api.context import principal
from chalicelib.api.contract import SIGNED_IN, endpoint
from chalicelib.api.cors import CORS
from chalicelib.api.responses import created, json_response
from chalicelib.logic import identity
from chalicelib.models.common import StatusOut
from chalicelib.models.identity import (
    ChallengeIn,
    ChallengeOut,
    ConfirmIn,
    DeliveryOut,
    LoginIn,
    MeOut,
    PreferencesIn,
    PreferencesOut,
    RefreshIn,
    RegisterIn,
    RegisterOut,
    ResetIn,
    TokensOut,
    UsernameIn,
)
from chalicelib.wiring import services

auth_routes = Blueprint(__name__)


def source_of(request: Request | None) -> str:
    """The caller's address as API Gateway saw it (the same in `chalice local`)."""
    context = (request.context if request is not None else None) or {}
    return str((context.get("identity") or {}).get("sourceIp") or "unknown")


def _source() -> str:
    return source_of(auth_routes.current_request)


def _accepted(body: DeliveryOut) -> Response:
    return json_response(202, body.model_dump(mode="json"))


@auth_routes.route("/v1/auth/register", methods=["POST"], cors=CORS)
@endpoint(auth_routes, body=RegisterIn, response=RegisterOut, status=201, raises=(429,))
def register(data: RegisterIn) -> Response:
    return created(identity.register(services(), data, _source()))


@auth_routes.route("/v1/auth/confirm", methods=["POST"], cors=CORS)
@endpoint(auth_routes, body=ConfirmIn, response=StatusOut, raises=(429,))
def confirm(data: ConfirmIn) -> Response:
    identity.confirm(services(), data, _source())
    return json_response(200, {"status": "confirmed"})


@auth_routes.route("/v1/auth/resend-code", methods=["POST"], cors=CORS)
@endpoint(auth_routes, body=UsernameIn, response=DeliveryOut, status=202, raises=(429,))
def resend_code(data: UsernameIn) -> Response:
    return _accepted(identity.resend_code(services(), data.username, _source()))


@auth_routes.route("/v1/auth/login", methods=["POST"], cors=CORS)
@endpoint(auth_routes, body=LoginIn, raises=(401, 403, 429))
def login(data: LoginIn) -> TokensOut | ChallengeOut:
    return identity.login(services(), data, _source())


@auth_routes.route("/v1/auth/challenge", methods=["POST"], cors=CORS)
@endpoint(auth_routes, body=ChallengeIn, raises=(401, 403, 429))
def challenge(data: ChallengeIn) -> TokensOut | ChallengeOut:
    return identity.answer_challenge(services(), data, _source())


@auth_routes.route("/v1/auth/refresh", methods=["POST"], cors=CORS)
@endpoint(auth_routes, body=RefreshIn, raises=(401,))
def refresh(data: RefreshIn) -> TokensOut:
    return identity.refresh(services(), data)


@auth_routes.route("/v1/auth/forgot-password", methods=["POST"], cors=CORS)
@endpoint(auth_routes, body=UsernameIn, response=DeliveryOut, status=202, raises=(429,))
def forgot_password(data: UsernameIn) -> Response:
    return _accepted(identity.forgot_password(services(), data.username, _source()))


@auth_routes.route("/v1/auth/reset-password", methods=["POST"], cors=CORS)
@endpoint(auth_routes, body=ResetIn, response=StatusOut, raises=(429,))
def reset_password(data: ResetIn) -> Response:
    identity.reset_password(services(), data, _source())
    return json_response(200, {"status": "password_reset"})


@auth_routes.route("/v1/me", methods=["GET"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(auth_routes, roles=SIGNED_IN)
def me() -> MeOut:
    return identity.me(principal(auth_routes))


@auth_routes.route("/v1/me/preferences", methods=["GET"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(auth_routes, roles=SIGNED_IN)
def my_preferences() -> PreferencesOut:
    return identity.preferences(services(), principal(auth_routes))


@auth_routes.route("/v1/me", methods=["PATCH"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(auth_routes, body=PreferencesIn, roles=SIGNED_IN)
def update_me(data: PreferencesIn) -> PreferencesOut:
    return identity.update_preferences(services(), principal(auth_routes), data)
