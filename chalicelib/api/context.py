"""The current request's principal, from the authorizer's context."""

from __future__ import annotations

from chalice.app import Blueprint

from chalicelib.logic.auth import principal_from_context
from chalicelib.models.common import Principal


def principal(blueprint: Blueprint) -> Principal:
    request = blueprint.current_request
    context = (request.context or {}).get("authorizer") or {}
    return principal_from_context(context)
