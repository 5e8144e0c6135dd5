"""The HTTP contract of every route: the `endpoint` wrapper and parsing what a request carries.

Bodies, headers, query parameters, versions, pages and idempotency keys are read and
checked here (a 400 or 413 names each problem); responses.py shapes what goes back.

Who may call comes first: a route declares the roles it serves (and, for a resource the
caller must own or have in scope, a guard), so a caller without the right to it hears
401, 403 or 404 whatever the body or parameters, never a 400 describing the body.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from chalice.app import Blueprint, Request, Response
from pydantic import BaseModel, ValidationError

from chalicelib.api.context import principal_of
from chalicelib.api.responses import error_response, json_response, status_of
from chalicelib.logic.messages import field_problem
from chalicelib.models import errors
from chalicelib.models.common import Language, Principal, Role
from chalicelib.observability import logger

M = TypeVar("M", bound=BaseModel)
# Who may call a route (`endpoint(roles=...)`).
CITIZENS: tuple[Role, ...] = ("citizen",)
OFFICERS: tuple[Role, ...] = ("officer",)
ADMINS: tuple[Role, ...] = ("admin",)
# The directory and staff: the portal's admins, and an organisation's admins within their organisation.
DIRECTORY_ADMINS: tuple[Role, ...] = ("admin", "org_admin")
# Who works cases: officers, and admins (who may move a complaint across organisations and answer transfer requests).
STAFF: tuple[Role, ...] = ("officer", "admin")
SIGNED_IN: tuple[Role, ...] = ("citizen", "officer", "admin", "org_admin")
# A check that the caller may act on the resource the path names, called as `guard(principal, **path)`:
# it raises NotFound (not theirs, or absent) or Forbidden, and may read the resource.
Guard = Callable[..., object]

MAX_BODY_BYTES = 64 * 1024
# Deeper JSON is never a real form, and Python's parser recurses per level (RecursionError near 1,000).
MAX_DEPTH = 32
# Python refuses to read integers over 4,300 digits (a ValueError deep in the parser); no field needs 19.
MAX_INT_DIGITS = 18
MAX_PAGE = 50
DEFAULT_PAGE = 20
# The most digits a number in a header, query or path may have (a case's version, a page size, a year).
MAX_DIGITS = 12


def header(request: Request, name: str) -> str | None:
    """A request header (case-insensitive), or None."""
    headers: Mapping[str, str] = request.headers or {}
    value = headers.get(name.lower())
    return None if value is None else str(value)


def query(request: Request, name: str) -> str | None:
    """A query-string parameter, or None."""
    params: Mapping[str, str] = request.query_params or {}
    value = params.get(name)
    return None if value is None else str(value)


def language_of(request: Request | None) -> Language:
    return language_named(header(request, "accept-language") if request is not None else None)


def language_named(accept_language: str | None) -> Language:
    """The language of an `Accept-Language` header: Urdu when it starts with `ur`, else English."""
    return "ur" if (accept_language or "").strip().lower().startswith("ur") else "en"


def _field_path(location: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in location) or "body"


def validation_problems(exc: ValidationError, tag: str | None = None) -> list[errors.FieldProblem]:
    """Each field and its problem in words a person reads, in English and Urdu (never pydantic's wording).

    `tag` is the chosen member of a tagged union, dropped from paths.
    """
    problems = []
    for err in exc.errors(include_url=False):
        location = tuple(p for p in err["loc"])
        if tag is not None and location[:1] == (tag,):
            location = location[1:]
        if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
            location = (str(err.get("ctx", {}).get("discriminator", "")).strip("'"),)
        texts = _problem_texts(err, location)
        problems.append(errors.FieldProblem(_field_path(location), texts["en"], texts["ur"]))
    return problems


# pydantic's error types (https://docs.pydantic.dev/latest/errors/validation_errors/) → a kind of FIELD_PROBLEMS.
_KIND_OF_TYPE = {
    "missing": "missing",
    "union_tag_not_found": "missing",
    "union_tag_invalid": "choice",
    "literal_error": "choice",
    "enum": "choice",
    "extra_forbidden": "unknown_field",
    "int_type": "whole_number",
    "int_parsing": "whole_number",
    "int_parsing_size": "number_not_finite",
    "int_from_float": "whole_number",
    "float_type": "number",
    "float_parsing": "number",
    "finite_number": "number_not_finite",
    "bool_type": "yes_no",
    "bool_parsing": "yes_no",
    "string_type": "text",
    "string_unicode": "text",
    "json_invalid": "unreadable",
    "json_type": "unreadable",
}
# Our models' own ValueErrors (models/*.py), by their English start.
_KIND_OF_VALUE_ERROR = {
    "one of ": "choice",
    "give a phone number or an email address": "contact",
    "a file name, without path separators": "file_name",
    "printable characters only": "printable",
}
_MB = 1024 * 1024


def _problem_texts(err: Any, location: tuple[Any, ...]) -> dict[Language, str]:
    """One pydantic error in each language: by its type, its limits (ctx) and the field it is on."""
    kind, ctx = err["type"], err.get("ctx") or {}
    name = next((str(p) for p in reversed(location) if isinstance(p, str)), "")
    if kind in ("string_too_short", "too_short"):
        least = int(ctx.get("min_length", 1))
        if least <= 1:
            return field_problem("missing")
        return field_problem("text_too_short" if kind == "string_too_short" else "too_few", n=least)
    if kind == "string_too_long":
        return field_problem("text_too_long", n=ctx.get("max_length"))
    if kind == "too_long":
        return field_problem("too_many_files" if name == "attachments" else "too_many", n=ctx.get("max_length"))
    if name == "content_type" and kind in ("literal_error", "enum", "string_type"):
        return field_problem("file_type")
    if name == "size" and kind == "less_than_equal":
        return field_problem("file_too_large", mb=_number(ctx.get("le", 0) / _MB))
    if name == "size" and kind == "greater_than_equal":
        return field_problem("file_empty")
    bounds = {"greater_than_equal": ("at_least", "ge"), "less_than_equal": ("at_most", "le")}
    bounds |= {"greater_than": ("more_than", "gt"), "less_than": ("less_than", "lt")}
    if kind in bounds:
        said, limit = bounds[kind]
        return field_problem(said, n=_number(ctx.get(limit)))
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        return field_problem({"^[0-9]{6}$": "six_digits", "^[0-9]+$": "digits"}.get(pattern, "from_list"))
    if kind == "value_error":
        said = str(err.get("msg", "")).removeprefix("Value error, ")
        found = next((k for start, k in _KIND_OF_VALUE_ERROR.items() if said.startswith(start)), None)
        return field_problem(found or "invalid")
    if kind in _KIND_OF_TYPE:
        return field_problem(_KIND_OF_TYPE[kind])
    if kind.endswith("_type") or kind.endswith("_parsing"):
        return field_problem("form")
    return field_problem("invalid")


def _number(value: Any) -> str:
    """A limit as a person writes it: 10, not 10.0."""
    return f"{value:g}" if isinstance(value, float) else str(value)


def parse_body(request: Request, model: type[M]) -> M:
    """The request body as `model`, or a 400/413 naming each field and its problem."""
    try:
        raw = request.raw_body or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
    except ValueError as exc:  # a base64 body that is not base64, or text that is not Unicode
        raise _not_json() from exc
    if len(raw) > MAX_BODY_BYTES:
        raise errors.BodyTooLarge(f"the body is larger than {MAX_BODY_BYTES // 1024} KB")
    data = _json_of(raw) if raw else None
    if not isinstance(data, dict):
        raise errors.InvalidInput("the body must be a JSON object", [_problem("body", "unreadable")])
    tag_field = getattr(model, "tag_field", None)
    tag = data.get(tag_field) if isinstance(tag_field, str) else None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = validation_problems(exc, tag if isinstance(tag, str) else None)
        raise errors.InvalidInput("some fields need correcting", problems) from exc


def _not_json() -> errors.InvalidInput:
    return errors.InvalidInput("the body is not valid JSON", [_problem("body", "unreadable")])


def _problem(field: str, kind: str, **params: object) -> errors.FieldProblem:
    """`field`'s problem of `kind` (messages.FIELD_PROBLEMS), in English and Urdu."""
    texts = field_problem(kind, **params)
    return errors.FieldProblem(field, texts["en"], texts["ur"])


class _Refused(ValueError):
    """A JSON value the body may not hold; `problem` says which, in English and Urdu."""

    def __init__(self, kind: str, **params: object) -> None:
        self.problem = _problem("body", kind, **params)
        super().__init__(self.problem.problem)


# A JSON string (escapes included): its brackets do not nest anything.
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def _too_deep(raw: bytes) -> bool:
    """Whether arrays and objects nest deeper than MAX_DEPTH, counted without parsing (linear, no recursion)."""
    brackets = _JSON_STRING.sub(b"", raw).translate(None, _NOT_BRACKETS)
    if brackets.count(b"[") + brackets.count(b"{") <= MAX_DEPTH:
        return False
    depth = 0
    for byte in brackets:
        depth += 1 if byte in b"[{" else -1
        if depth > MAX_DEPTH:
            return True
    return False


def _whole(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise _Refused("number_too_long", n=MAX_INT_DIGITS)
    return int(text)


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refused("number_not_finite")
    return value


def _constant(text: str) -> Any:
    raise _Refused("unreadable")


def _json_of(raw: bytes) -> Any:
    """A body as JSON, refusing what would crash or mislead later: deep nesting, huge or non-finite numbers."""
    if _too_deep(raw):
        raise errors.InvalidInput("the body is nested too deeply", [_problem("body", "too_deep", n=MAX_DEPTH)])
    try:
        return json.loads(raw.decode("utf-8"), parse_int=_whole, parse_float=_finite, parse_constant=_constant)
    except _Refused as exc:
        raise errors.InvalidInput("the body holds a number this service cannot take", [exc.problem]) from exc
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise _not_json() from exc


def whole_number(raw: str, field: str, problem: str, lowest: int = 0, highest: int = 10**MAX_DIGITS - 1) -> int:
    """`raw` as a whole number from `lowest` to `highest`, or a 400 naming `field` and `problem`.

    ASCII digits only: int() also reads '١٢', ' 5', '+5' and '1_0', and str.isdigit()
    accepts '²', which int() then refuses with a ValueError.
    """
    if not (raw.isascii() and raw.isdigit() and len(raw) <= MAX_DIGITS) or not lowest <= int(raw) <= highest:
        raise errors.InvalidInput(f"bad {field}", [errors.FieldProblem(field, problem)])
    return int(raw)


# A version as HTTP writes an entity tag, or bare: 5, "5" or W/"5".
_VERSION_TAG = re.compile(r'(?:W/)?"([0-9]+)"|([0-9]+)')


def if_match(request: Request) -> int | None:
    """The `If-Match` version of an action, or None; anything but 5, "5" or W/"5" is a 400."""
    raw = header(request, "if-match")
    if raw is None:
        return None
    found = _VERSION_TAG.fullmatch(raw.strip(" \t"))
    digits = (found.group(1) or found.group(2)) if found else ""
    return whole_number(digits, "If-Match", 'the case\'s version, a whole number: 5, "5" or W/"5"')


def page_params(request: Request) -> tuple[int, str | None]:
    limit = whole_number(
        query(request, "limit") or str(DEFAULT_PAGE), "limit", f"a whole number from 1 to {MAX_PAGE}", 1, MAX_PAGE
    )
    cursor = query(request, "cursor") or None
    if cursor is not None and len(cursor) > 2048:
        raise errors.InvalidCursor()
    return limit, cursor


@dataclass(frozen=True)
class Contract:
    """What a route promises, read by the OpenAPI document (chalicelib/api/openapi.py).

    `body` is parsed by the wrapper itself and handed to the view as `data`, so the
    documented request model is the one used. The 2xx model is the view's return
    annotation unless `response` names it (views that build a `Response`).
    """

    body: type[BaseModel] | None = None
    response: Any = None
    status: int = 200
    params: tuple[str, ...] = ()
    media_type: str = "application/json"
    # Error statuses beyond those every route of its kind may answer (see api/openapi.py).
    raises: tuple[int, ...] = ()
    # Who may call (None: anyone, or a route that has not declared it); checked before the body is read.
    roles: tuple[Role, ...] | None = None
    # For a resource the caller must own or have in scope: asked before a 400 is answered.
    guard: Guard | None = None
    # The media type of a body the view reads itself, as text (a CSV file), instead of a `body` model.
    text_body: str | None = None


def endpoint(
    routes: Blueprint,
    *,
    body: type[BaseModel] | None = None,
    response: Any = None,
    status: int = 200,
    params: tuple[str, ...] = (),
    media_type: str = "application/json",
    raises: tuple[int, ...] = (),
    roles: tuple[Role, ...] | None = None,
    guard: Guard | None = None,
    text_body: str | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Wrap a route: the caller's role checked, the body parsed, typed errors as their status, a model a 200 JSON body.

    `roles` are checked from the request context before anything is read (401 without a
    principal, 403 for another role). When the input is refused (400, 413), `guard` is
    asked first, so one who may not act on the resource hears its 404 or 403 rather than
    what the body should hold; a request that passes costs no extra read.
    """
    contract = Contract(
        body=body,
        response=response,
        status=status,
        params=params,
        media_type=media_type,
        raises=raises,
        roles=roles,
        guard=guard,
        text_body=text_body,
    )

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            request = routes.current_request
            path = dict(kwargs)
            try:
                caller = _caller(request, roles)
                try:
                    if body is not None and request is not None:
                        kwargs["data"] = parse_body(request, body)
                    result = view(*args, **kwargs)
                except (errors.InvalidInput, errors.BodyTooLarge):
                    if guard is not None and caller is not None:
                        guard(caller, **path)
                    raise
            except errors.AwaazError as exc:
                if status_of(exc) >= 500:
                    logger.warning("request failed", extra={"code": exc.code})
                return error_response(exc, language_of(request))
            if isinstance(result, BaseModel):
                return json_response(200, result.model_dump(mode="json"))
            if isinstance(result, dict):
                return json_response(200, result)
            return result

        wrapper.contract = contract  # type: ignore[attr-defined]
        return wrapper

    return decorate


def _caller(request: Request | None, roles: tuple[Role, ...] | None) -> Principal | None:
    """The principal of a route that declares its roles (Unauthenticated, Forbidden), else None."""
    if roles is None:
        return None
    who = principal_of(request)
    if who.role not in roles:
        raise errors.Forbidden(f"this is for {' and '.join(f'{r}s' for r in roles)} only")
    return who


def in_error_shape(request: Request | None, response: Response) -> Response:
    """Chalice's own refusals as typed errors, in the caller's language; any other response as it was.

    Chalice answers some requests itself, around the view, with `{"Code", "Message"}`: a
    method the path does not have (405), a Content-Type the route does not take (415, even
    on a GET), a body its `json_body` cannot read (400), an exception no view caught (500).
    """
    body = response.body
    if response.status_code < 400 or not isinstance(body, dict) or set(body) != {"Code", "Message"}:
        return response
    error = _chalice_refusal(str(body["Code"]), str(body["Message"]), request, response.headers)
    if error is None:
        return response
    shaped = error_response(error, language_of(request))
    shaped.headers.update({k: v for k, v in response.headers.items() if k.lower() != "content-type"})
    return shaped


def _chalice_refusal(
    code: str, message: str, request: Request | None, headers: Mapping[str, Any]
) -> errors.AwaazError | None:
    if code == "MethodNotAllowedError":
        method = request.method if request is not None else "this method"
        allowed = str(headers.get("Allow", ""))
        return errors.MethodNotAllowed(
            f"{method} is not allowed here", [errors.FieldProblem("method", f"{method} is not one of {allowed}")]
        )
    if code == "UnsupportedMediaType":
        sent = (header(request, "content-type") if request is not None else None) or "no Content-Type"
        path = request.path if request is not None else ""
        form, csv = path.startswith("/open311/"), path.startswith("/v1/admin/") and path.endswith("/import")
        wanted = "application/x-www-form-urlencoded" if form else ("text/csv" if csv else "application/json")
        return errors.UnsupportedMediaType(
            f"{sent} is not a type this route takes", [errors.FieldProblem("Content-Type", f"send {wanted}")]
        )
    if code == "BadRequestError":  # request.json_body
        return _not_json()
    if code == "BadRequest":  # a binary answer to a request that does not Accept it
        return errors.InvalidInput(message, [errors.FieldProblem("Accept", "name the type of the answer")])
    if code == "InternalServerError":  # chalice has logged the exception
        return errors.InternalError("something went wrong on our side")
    return None


_MAX_IDEMPOTENCY_KEY = 128


def idempotency_key(request: Request) -> str | None:
    """The `Idempotency-Key` header of a creating call, checked (400 when unusable)."""
    key = header(request, "idempotency-key")
    if key is None:
        return None
    key = key.strip()
    if not 1 <= len(key) <= _MAX_IDEMPOTENCY_KEY or not key.isprintable():
        raise errors.InvalidInput(
            "bad Idempotency-Key",
            [errors.FieldProblem("Idempotency-Key", f"1 to {_MAX_IDEMPOTENCY_KEY} printable characters")],
        )
    return key
