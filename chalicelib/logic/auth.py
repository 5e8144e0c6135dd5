"""Who is calling: a Cognito ID token verified against the pool's keys, mapped to a role."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from chalicelib.models.common import Principal, Role
from chalicelib.models.errors import Unauthenticated
from chalicelib.models.identity import Pool

_LEEWAY_SECONDS = 30


def role_of(pool: Pool, groups: list[str]) -> Role:
    """Only a user in a group has a role: citizens in the citizens' pool, officers and admins in the staff pool
    (admin outranks an organisation's admin, who outranks officer). A group name carried by the other pool's
    token counts for nothing."""
    if pool == "staff":
        if "admin" in groups:
            return "admin"
        if "org_admin" in groups:
            return "org_admin"
        if "officer" in groups:
            return "officer"
    elif "citizen" in groups:
        return "citizen"
    raise Unauthenticated("this account has no role here")


@dataclass(frozen=True)
class Issuer:
    """A pool whose ID tokens the API accepts: its issuer URL, app client, and public keys."""

    pool: Pool
    issuer: str
    client_id: str
    key_for: Callable[[str], dict[str, Any] | None]


@dataclass(frozen=True)
class Verified:
    principal: Principal
    issued_at: int  # epoch seconds (`iat`): a revocation marker refuses tokens issued before it


def verify_id_token(token: str, issuers: Sequence[Issuer]) -> Verified:
    """Check signature (RS256, the issuing pool's key), issuer, audience, `token_use` and expiry; map the role."""
    import jwt  # only the authorizer verifies tokens: the other functions' cold starts skip ~70 ms

    try:
        unverified = jwt.decode(token, options={"verify_signature": False})
        issuer = next((i for i in issuers if i.issuer == unverified.get("iss")), None)
        if issuer is None:
            raise Unauthenticated("the token was not issued by this service")
        header = jwt.get_unverified_header(token)
        jwk = issuer.key_for(str(header.get("kid", "")))
        if jwk is None:
            raise Unauthenticated("the token was not signed by this service")
        key = jwt.PyJWK.from_dict(jwk, algorithm="RS256")
        claims = jwt.decode(
            token,
            key=key,
            algorithms=["RS256"],
            audience=issuer.client_id,
            issuer=issuer.issuer,
            leeway=_LEEWAY_SECONDS,
            options={"require": ["exp", "iat", "sub", "aud", "iss", "token_use"]},
        )
    except jwt.PyJWTError as exc:
        raise Unauthenticated("the token is invalid or has expired") from exc
    if claims.get("token_use") != "id":
        raise Unauthenticated("send the ID token, not the access token")
    groups = claims.get("cognito:groups") or []
    role = role_of(issuer.pool, list(groups))
    office_id = claims.get("custom:office_id") or None
    if role in ("officer", "org_admin") and not office_id:
        raise Unauthenticated("this staff account has no office")
    language = claims.get("custom:language")
    principal = Principal(
        sub=str(claims["sub"]),
        role=role,
        username=str(claims.get("cognito:username", "")),
        name=str(claims.get("name", "")),
        language="ur" if language == "ur" else "en",
        office_id=office_id if role in ("officer", "org_admin") else None,
        supervisor=role == "officer" and "supervisor" in groups,
        triage=role == "officer" and "triage" in groups,
    )
    return Verified(principal=principal, issued_at=int(claims["iat"]))


def still_valid(verified: Verified, revoked_at: int | None) -> bool:
    """False for a token issued before the account's revocation marker (disabled, deleted, moved, reset)."""
    return revoked_at is None or verified.issued_at >= revoked_at


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
        supervisor=context.get("supervisor") == "1",
        triage=context.get("triage") == "1",
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
        "supervisor": "1" if principal.supervisor else "",
        "triage": "1" if principal.triage else "",
    }
