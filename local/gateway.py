"""Make chalice's local gateway answer as API Gateway does with infra/'s gateway responses.

In AWS an authorizer that raises "Unauthorized" makes API Gateway answer 401
with the UNAUTHORIZED gateway response (infra/functions.json: the API's error
shape). Chalice's local gateway (used by `chalice local` and by chalice.test)
lets the exception escape instead, and answers a missing header with its own
body. This installs the same 401 locally, read from the same template.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


@lru_cache(maxsize=1)
def unauthorized_body() -> bytes:
    """The UNAUTHORIZED gateway response body of the deployed template."""
    functions = json.loads((REPO / "infra" / "functions.json").read_text())
    found = _find(functions, "UNAUTHORIZED")
    if isinstance(found, dict):
        template = found.get("responseTemplates", {}).get("application/json")
        if template:
            return str(template).encode()
    return b'{"error": {"code": "unauthenticated", "message": "Sign in to continue.", "details": []}}'


def _find(node: Any, key: str) -> Any:
    if isinstance(node, dict):
        if key in node:
            return node[key]
        for value in node.values():
            found = _find(value, key)
            if found is not None:
                return found
    elif isinstance(node, list):
        for value in node:
            found = _find(value, key)
            if found is not None:
                return found
    return None


def install() -> None:
    """Patch chalice's LocalGatewayAuthorizer once per process (idempotent)."""
    from chalice import local
    from chalice.app import UnauthorizedError

    authorizer_class = local.LocalGatewayAuthorizer
    if getattr(authorizer_class, "_awaaz_patched", False):
        return
    original = authorizer_class.authorize

    def authorize(self: Any, raw_path: str, lambda_event: Any, lambda_context: Any) -> Any:
        try:
            return original(self, raw_path, lambda_event, lambda_context)
        except (UnauthorizedError, local.NotAuthorizedError) as exc:
            headers = {
                "x-amzn-RequestId": lambda_context.aws_request_id,
                "x-amzn-ErrorType": "UnauthorizedException",
                "WWW-Authenticate": "Bearer",
                "Content-Type": "application/json",
            }
            raise local.NotAuthorizedError(headers, unauthorized_body()) from exc

    authorizer_class.authorize = authorize  # type: ignore[method-assign]
    authorizer_class._awaaz_patched = True  # type: ignore[attr-defined]
