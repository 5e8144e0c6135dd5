"""HTTP responses: JSON bodies, 201s, and typed errors as status codes.

This is the one place a typed error becomes a status code.
"""

from __future__ import annotations

import json
from typing import Any

from chalice.app import Response
from pydantic import BaseModel

from chalicelib.logic.messages import error_text, raised_problem_text
from chalicelib.models import errors
from chalicelib.models.common import Language

STATUS: list[tuple[type[errors.AwaazError], int]] = [
    (errors.InvalidInput, 400),
    (errors.Unauthenticated, 401),
    (errors.Forbidden, 403),
    (errors.NotFound, 404),
    (errors.MethodNotAllowed, 405),
    (errors.Conflict, 409),
    (errors.BodyTooLarge, 413),
    (errors.UnsupportedMediaType, 415),
    (errors.IdempotencyKeyReused, 422),
    (errors.PreconditionRequired, 428),
    (errors.RateLimited, 429),
    (errors.InternalError, 500),
    (errors.ServiceUnavailable, 503),
]


def json_text(payload: Any) -> str:
    """`payload` as JSON text that UTF-8 can carry: Urdu as written, not \\u-escaped.

    A lone surrogate (from a path or query, or stored before bodies were cleaned) cannot be
    encoded as UTF-8; then the text is \\u-escaped instead, which JSON allows.
    """
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(payload, separators=(",", ":"))
    return text


def json_response(status: int, payload: Any, headers: dict[str, str] | None = None) -> Response:
    """A JSON response in UTF-8."""
    sent: dict[str, str | list[str]] = {"Content-Type": "application/json; charset=utf-8"}
    sent.update(headers or {})
    return Response(status_code=status, body=json_text(payload), headers=sent)


def status_of(error: errors.AwaazError) -> int:
    for kind, status in STATUS:
        if isinstance(error, kind):
            return status
    return 500


def error_response(error: errors.AwaazError, language: Language = "en") -> Response:
    """The error shape; a 429 says in `Retry-After` how many seconds until its window ends."""
    headers = {}
    if isinstance(error, errors.RateLimited) and error.retry_after is not None:
        headers["Retry-After"] = str(max(error.retry_after, 1))
    # Bad fields are each named in `details`; the message then says so in the catalogue's words.
    said = "" if error.code == "invalid_input" and error.details else error.message
    body = {
        "error": {
            "code": error.code,
            "message": error_text(error.code, language, said),
            "details": [
                {"field": d.field, "problem": raised_problem_text(d.problem, language, d.problem_ur)}
                for d in error.details
            ],
        }
    }
    return json_response(status_of(error), body, headers)


def created(body: BaseModel | dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    payload = body.model_dump(mode="json") if isinstance(body, BaseModel) else body
    return json_response(201, payload, headers)


def created_case(case: dict[str, Any], replayed: bool, collection: str) -> Response:
    """201 for a new case (or the first answer again, marked, when an Idempotency-Key is replayed)."""
    headers = {"Location": f"{collection}/{case['id']}"}
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    return created(case, headers)
