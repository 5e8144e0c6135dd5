"""Who is calling: a Cognito ID token verified against the pool's keys, mapped to a role."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalicelib.models.common import Principal
from chalicelib.models.errors import Unauthenticated

_LEEWAY_SECONDS = 30


def role_of(groups: list[str]) -> str:
    """Admin outranks officer outranks citizen; an account in no group is a citizen."""
    if "admin" in groups:
        return "admin"
    if "officer" in groups:
        return "officer"
    return "citizen"


def verify_id_token(
    token: str,
    *,
    key_for: Callable[[str], dict[str, Any] | None],
    issuer: str,
    client_id: str,
) -> Principal:
    """Check signature (RS256, the pool's key), issuer, audience, `token_use` and expiry."""
    import jwt  # only the authorizer verifies tokens: the other functions' cold starts skip ~70 ms

    try:
        header = jwt.get_unverified_header(token)
        jwk = key_for(str(header.get("kid", "")))
        if jwk is None:
            raise Unauthenticated("the token was not signed by this service")
        key = jwt.PyJWK.from_dict(jwk, algorithm="RS256")
        claims = jwt.decode(
            token,
            key=key,
            algorithms=["RS256"],
            audience=client_id,
            issuer=issuer,
            leeway=_LEEWAY_SECONDS,
            options={"require": ["exp", "iat", "sub", "aud", "iss", "token_use"]},
        )
    except jwt.PyJWTError as exc:
        raise Unauthenticated("the token is invalid or has expired") from exc
    if claims.get("token_use") != "id":
        raise Unauthenticated("send the ID token, not the access token")
    groups = claims.get("cognito:groups") or []
    role = role_of(list(groups))
    office_id = claims.get("custom:office_id") or None
    if role == "officer" and not office_id:
        raise Unauthenticated("this officer account has no office")
    language = claims.get("custom:language")
    return Principal(
        sub=str(claims["sub"]),
        role=role,
        username=str(claims.get("cognito:username", "")),
        name=str(claims.get("name", "")),
        language="ur" if language == "ur" else "en",
        office_id=office_id if role == "officer" else None,
    )


def principal_from_context(context: dict[str, Any]) -> Principal:
    """The principal the authorizer put in the request context."""
    if not context or not context.get("sub"):
        raise Unauthenticated("sign in first")
    return Principal(
        sub=str(context["sub"]),
        role=context.get("role", "citizen"),
        username=str(context.get("username", "")),
        name=str(context.get("name", "")),
        language=context.get("language", "en"),
        office_id=context.get("office_id") or None,
    )


def context_of(principal: Principal) -> dict[str, str]:
    """What the authorizer hands the API (strings only: API Gateway's rule)."""
    return {
        "sub": principal.sub,
        "role": principal.role,
        "username": principal.username,
        "name": principal.name,
        "language": principal.language,
        "office_id": principal.office_id or "",
    }
