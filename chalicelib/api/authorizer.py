"""The custom authorizer: verifies a Cognito ID token of either pool, checks it was not revoked,
and hands the API who is calling."""

from __future__ import annotations

from chalice.app import AuthRequest, AuthResponse, Blueprint, UnauthorizedError

from chalicelib import wiring
from chalicelib.config import get_settings
from chalicelib.logic.auth import Issuer, context_of, still_valid, verify_id_token
from chalicelib.models.errors import AwaazError
from chalicelib.observability import logger
from chalicelib.store import people

authorizer_routes = Blueprint(__name__)


def issuers() -> list[Issuer]:
    settings = get_settings()
    return [
        Issuer("citizens", settings.issuer, settings.user_pool_client_id, wiring.jwks(settings.jwks_url).key),
        Issuer("staff", settings.staff_issuer, settings.staff_pool_client_id, wiring.jwks(settings.staff_jwks_url).key),
    ]


# API Gateway caches the answer per token for 60 s: a revocation marker holds within a minute.
@authorizer_routes.authorizer(ttl_seconds=60)
def jwt_authorizer(auth_request: AuthRequest) -> AuthResponse:
    token = auth_request.token or ""
    scheme, _, value = token.partition(" ")
    if scheme.lower() != "bearer" or not value:
        raise UnauthorizedError("Unauthorized")
    try:
        verified = verify_id_token(value.strip(), issuers())
    except AwaazError as exc:
        logger.info("token refused", extra={"reason": exc.message})
        raise UnauthorizedError("Unauthorized") from exc
    principal = verified.principal
    if not still_valid(verified, people.revoked_at(wiring.services().table, principal.sub)):
        logger.info("token refused", extra={"reason": "revoked"})
        raise UnauthorizedError("Unauthorized")
    # API Gateway caches this policy per token for every route: allow them all
    # and let the logic decide what this role may do.
    return AuthResponse(routes=["*"], principal_id=principal.sub, context=context_of(principal))
