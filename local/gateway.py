"""Make chalice's local gateway answer as API Gateway does with infra/'s gateway responses.

In AWS an authorizer that raises "Unauthorized" makes API Gateway answer 401
with the UNAUTHORIZED gateway response (infra/functions.json: the API's error
shape). Chalice's local gateway (used by `chalice local` and by chalice.test)
lets the exception escape instead, and answers a missing header with its own
body. This installs the same 401 locally, read from the same template.

A path no route matches is answered before the app runs: chalice's local gateway says
403 `{"message": "Missing Authentication Token"}` (or, when an Authorization header is
present, a 403 that repeats the header, token included). In AWS the
MISSING_AUTHENTICATION_TOKEN gateway response makes that a 404 `not_found` in the API's
error shape; locally it is the same 404, with the same English text, and in Urdu when
the caller asks for it (a gateway response template cannot choose a language: in AWS
it is always English).

An answer of at least `minimum_compression_size` bytes (.chalice/config.json, which `chalice
package` turns into the REST API's MinimumCompressionSize) is gzipped when the caller's
Accept-Encoding allows it, as API Gateway does: `/v1/organisations` is 122 KB of JSON, 15 KB
gzipped, which on a 400 kbit/s phone is 0.3 s instead of 2.4 s.
"""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from chalice import local

from local.web import LISTEN_BACKLOG

REPO = Path(__file__).resolve().parents[1]


@lru_cache(maxsize=1)
def _gateway_responses() -> dict[str, Any]:
    functions = json.loads((REPO / "infra" / "functions.json").read_text())
    found = _find(functions, "x-amazon-apigateway-gateway-responses")
    return found if isinstance(found, dict) else {}


def _template(response_type: str) -> str | None:
    template = _gateway_responses().get(response_type, {}).get("responseTemplates", {}).get("application/json")
    return str(template) if template else None


@lru_cache(maxsize=1)
def unauthorized_body() -> bytes:
    """The UNAUTHORIZED gateway response body of the deployed template."""
    template = _template("UNAUTHORIZED")
    if template:
        return template.encode()
    return b'{"error": {"code": "unauthenticated", "message": "Sign in to continue.", "details": []}}'


def no_such_route_body(accept_language: str | None) -> bytes:
    """The MISSING_AUTHENTICATION_TOKEN gateway response body, in the caller's language."""
    from chalicelib.api.contract import language_named
    from chalicelib.api.responses import error_response
    from chalicelib.models.errors import NotFound

    template = _template("MISSING_AUTHENTICATION_TOKEN")
    english = json.loads(template)["error"]["message"] if template else "No such route."
    body = error_response(NotFound(english), language_named(accept_language)).body
    return body.encode("utf-8") if isinstance(body, str) else json.dumps(body).encode("utf-8")


@lru_cache(maxsize=1)
def minimum_compression_size(stage: str = "local") -> int | None:
    """API Gateway's MinimumCompressionSize for a stage, from .chalice/config.json (None: never compress)."""
    config = json.loads((REPO / ".chalice" / "config.json").read_text())
    value = config.get("stages", {}).get(stage, {}).get("minimum_compression_size")
    if value is None:
        value = config.get("minimum_compression_size")
    return None if value is None else int(value)


def compressed(body: bytes, accept_encoding: str | None, headers: dict[str, Any]) -> bytes:
    """The body as API Gateway sends it: gzipped (headers updated) when large enough and the caller accepts gzip."""
    from local.web import accepts_gzip

    threshold = minimum_compression_size()
    if threshold is None or len(body) < threshold or not accepts_gzip(accept_encoding):
        return body
    if any(k.lower() == "content-encoding" for k in headers):
        return body
    headers["Content-Encoding"] = "gzip"
    vary = next((k for k in headers if k.lower() == "vary"), None)
    headers[vary or "Vary"] = f"{headers[vary]}, Accept-Encoding" if vary else "Accept-Encoding"
    return gzip.compress(body, compresslevel=6, mtime=0)


class NoSuchRoute(local.LocalGatewayException):
    CODE = 404


class ApiServer(local.ThreadedHTTPServer):
    """chalice local's threaded server with a listen backlog for concurrent clients (daemon threads, as chalice's)."""

    request_queue_size = LISTEN_BACKLOG
    daemon_threads = True


def create_api_server(factory: Any, host: str, port: int, stage: str) -> local.LocalDevServer:
    """What `chalice.cli.create_local_server` builds, on an `ApiServer` (chalice's own way takes no server class)."""
    from chalice.deploy.validate import validate_routes

    config = factory.create_config_obj(chalice_stage_name=stage)
    app_obj = config.chalice_app
    validate_routes(app_obj.routes)
    # As chalice.local.create_local_server does: the app answers as chalice local's app.
    local.CustomLocalChalice.__bases__ = (local.LocalChalice, app_obj.__class__)
    app_obj.__class__ = local.CustomLocalChalice
    return local.LocalDevServer(app_obj, config, host, port, server_cls=ApiServer)


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
    """Patch chalice's LocalGatewayAuthorizer and LocalGateway once per process (idempotent)."""
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

    # chalice turns the ValueError of an unmatched path into its 403; a NoSuchRoute passes through.
    original_event = local.LocalGateway._generate_lambda_event

    def generate_lambda_event(self: Any, method: str, path: str, headers: Any, body: Any) -> Any:
        try:
            event = original_event(self, method, path, headers, body)
        except ValueError as exc:
            accept_language = next((v for k, v in headers.items() if k.lower() == "accept-language"), None)
            sent = {"Content-Type": "application/json; charset=utf-8", "Access-Control-Allow-Origin": "*"}
            raise NoSuchRoute(sent, no_such_route_body(accept_language)) from exc
        # API Gateway's sourceIp is the connection's address; chalice's local gateway says 127.0.0.1 for all.
        # Locally a client may name its address (tests of per-source limits, a proxy in front of `make run`).
        forwarded = next((str(v) for k, v in headers.items() if k.lower() == "x-forwarded-for"), "")
        if forwarded.split(",")[0].strip():
            event["requestContext"]["identity"]["sourceIp"] = forwarded.split(",")[0].strip()
        return event

    local.LocalGateway._generate_lambda_event = generate_lambda_event  # type: ignore[method-assign]

    # API Gateway's compression (MinimumCompressionSize), on the local server's way out.
    original_send = local.ChaliceRequestHandler._send_http_response_with_body

    def send_with_body(self: Any, code: int, headers: Any, body: str | bytes) -> None:
        raw = body.encode("utf-8") if isinstance(body, str) else body
        headers = dict(headers)
        original_send(self, code, headers, compressed(raw, self.headers.get("Accept-Encoding"), headers))

    local.ChaliceRequestHandler._send_http_response_with_body = send_with_body  # type: ignore[method-assign]
