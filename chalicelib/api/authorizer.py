"""The custom authorizer: verifies a Cognito ID token and hands the API who is calling."""

from __future__ import annotations

from chalice.app import AuthRequest, AuthResponse, Blueprint, UnauthorizedError

from chalicelib import wiring
from chalicelib.config import get_settings
from chalicelib.logic.auth import context_of, verify_id_token
from chalicelib.models.errors import AwaazError
from chalicelib.observability import logger

authorizer_routes = Blueprint(__name__)


@authorizer_routes.authorizer(ttl_seconds=300)
def jwt_authorizer(auth_request: AuthRequest) -> AuthResponse:
    token = auth_request.token or ""
    scheme, _, value = token.partition(" ")
    if scheme.lower() != "bearer" or not value:
        raise UnauthorizedError("Unauthorized")
    settings = get_settings()
    try:
        principal = verify_id_token(
            value.strip(),
            key_for=wiring.jwks().key,
            issuer=settings.issuer,
            client_id=settings.user_pool_client_id,
        )
    except AwaazError as exc:
        logger.info("token refused", extra={"reason": exc.message})
        raise UnauthorizedError("Unauthorized") from exc
    # API Gateway caches this policy per token for every route: allow them all
    # and let the logic decide what this role may do.
    return AuthResponse(routes=["*"], principal_id=principal.sub, context=context_of(principal))
