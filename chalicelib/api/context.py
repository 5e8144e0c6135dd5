"""The current request's principal, from the authorizer's context."""

from __future__ import annotations

from chalice.app import Blueprint, Request

from chalicelib.logic.auth import principal_from_context
from chalicelib.models.audit import Actor
from chalicelib.models.common import Principal


def principal_of(request: Request | None) -> Principal:
    """Who is calling (Unauthenticated without a principal): read from the request, no I/O."""
    context = ((request.context if request is not None else None) or {}).get("authorizer") or {}
    return principal_from_context(context)


def principal(blueprint: Blueprint) -> Principal:
    return principal_of(blueprint.current_request)


def actor(blueprint: Blueprint) -> Actor:
    """Who is calling and from where, for the audit trail."""
    request = blueprint.current_request
    context = (request.context if request is not None else None) or {}
    agent = request.headers.get("user-agent") if request is not None and request.headers else None
    return Actor(
        principal=principal_of(request),
        source_ip=str((context.get("identity") or {}).get("sourceIp") or "unknown"),
        user_agent=str(agent or ""),
    )
