"""The current request's principal, from the authorizer's context."""

from __future__ import annotations

from chalice.app import Blueprint, Request

from chalicelib.logic.auth import principal_from_context
from chalicelib.models.common import Principal


def principal_of(request: Request | None) -> Principal:
    """Who is calling (Unauthenticated without a principal): read from the request, no I/O."""
    context = ((request.context if request is not None else None) or {}).get("authorizer") or {}
    return principal_from_context(context)


def principal(blueprint: Blueprint) -> Principal:
    return principal_of(blueprint.current_request)
