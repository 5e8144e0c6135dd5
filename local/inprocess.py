"""The stack's own AWS calls answered by the embedded moto in-process, not over loopback HTTP.

Every AWS client of the stack's process (the API, the pumps, the scheduler) points at the
moto server (`AWS_ENDPOINT_URL`). Over HTTP each call costs a TCP connection (moto's
werkzeug server closes every connection), a new server thread, and both ends' HTTP parsing,
all under the one GIL the API shares: a DynamoDB GetItem took ~5.8 ms of CPU that way,
~1.7 ms handed to moto directly. A botocore `before-send` handler (the hook moto's own
`mock_aws` uses) gives a request bound for the stack's moto endpoint to the moto server's
WSGI application in the calling thread (`SerialisedMoto`: the same lock, the same patches) and
returns its answer; botocore signs, retries and parses exactly as before. Requests for any
other address, and every other process (the browser's presigned uploads, `python -m
local.scheduler`), still use the HTTP server.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import unquote, urlsplit

log = logging.getLogger("local.inprocess")

_INSTALLED: list[Any] = []


class InProcessMoto:
    """botocore `before-send` handler: answers requests for `endpoint_url` with `app` (a WSGI app)."""

    def __init__(self, app: Any, endpoint_url: str) -> None:
        self._app = app
        self._netloc = urlsplit(endpoint_url).netloc
        self.enabled = True

    def __call__(self, request: Any, **kwargs: Any) -> Any:
        if not self.enabled:
            return None
        parts = urlsplit(request.url)
        if parts.netloc != self._netloc:
            return None
        from botocore.awsrequest import AWSResponse
        from botocore.compat import HTTPHeaders
        from moto.core.botocore_stubber import MockRawResponse
        from werkzeug.test import EnvironBuilder, run_wsgi_app

        body = request.body
        if body is None:
            body = b""
        elif hasattr(body, "read"):
            body = body.read()
        elif isinstance(body, str):
            body = body.encode("utf-8")
        headers = [
            (name, value.decode("latin-1") if isinstance(value, bytes) else str(value))
            for name, value in request.headers.items()
        ]
        builder = EnvironBuilder(
            path=unquote(parts.path) or "/",
            base_url=f"{parts.scheme}://{parts.netloc}",
            query_string=parts.query,
            method=request.method,
            headers=headers,
            data=bytes(body),
        )
        try:
            environ = builder.get_environ()
        finally:
            builder.close()
        environ["RAW_URI"] = environ["REQUEST_URI"] = parts.path + (f"?{parts.query}" if parts.query else "")
        try:
            answer, status, answer_headers = run_wsgi_app(self._app, environ)
            try:
                content = b"".join(answer)
            finally:
                close = getattr(answer, "close", None)
                if close is not None:
                    close()
        except Exception as exc:  # what the HTTP server would answer (botocore retries a 500, then raises)
            log.warning("moto raised %s answering %s %s", type(exc).__name__, request.method, parts.path)
            return AWSResponse(request.url, 500, HTTPHeaders(), MockRawResponse(b"Internal Server Error"))
        sent = HTTPHeaders()
        for name, value in answer_headers.items():
            sent[name] = value
        return AWSResponse(request.url, int(status.split(" ", 1)[0]), sent, MockRawResponse(content))


def install(app: Any, endpoint_url: str) -> InProcessMoto:
    """Answer this process's requests for `endpoint_url` with `app`, for every botocore session created from now on."""
    import botocore.handlers

    handler = InProcessMoto(app, endpoint_url)
    for old in _INSTALLED:
        old.enabled = False
    _INSTALLED.append(handler)
    botocore.handlers.BUILTIN_HANDLERS.append(("before-send", handler))
    return handler
