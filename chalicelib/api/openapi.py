"""`GET /v1/openapi.json`: the OpenAPI 3.1 document, generated from the route table and the pydantic models.

Every route of the app is described from what it runs with: its path and method, its
authorizer, the `Contract` its `endpoint` decorator holds (the roles that may call it, the
body model the wrapper parses, query parameters, the 2xx status and model) and the view's
return annotation.
Nothing here is written by hand per route, so the document cannot drift from the service;
tests/integration/test_openapi.py checks it validates and covers every route.
"""

from __future__ import annotations

import importlib
import typing
from functools import lru_cache
from typing import Any

from chalice.app import Blueprint, Chalice, Response
from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from chalicelib.api.contract import SIGNED_IN, Contract, endpoint
from chalicelib.api.cors import CORS
from chalicelib.api.responses import json_response
from chalicelib.models.base import Model
from chalicelib.models.common import Listing

openapi_routes = Blueprint(__name__)
OPEN311_PREFIX = "/open311/"


class ErrorDetail(Model):
    field: str
    problem: str


class ErrorBody(Model):
    code: str
    message: str
    details: list[ErrorDetail] = []


class ErrorOut(Model):
    """Every error: a machine code, a text in the caller's language, and the fields at fault."""

    error: ErrorBody


_ERRORS = {
    "400": "bad input: `details` names each field and its problem",
    "401": "no token, or not a valid one",
    "403": "the caller's role may not do this (answered before the body is read)",
    "404": "absent, or not the caller's (answered before a 400 about the body)",
    "409": "a stale If-Match, a move the transition table forbids, or a case archived a year after it ended",
    "413": "the body is too large",
    "415": "the body is not sent as the type the route takes (application/json unless it says)",
    "422": "the Idempotency-Key was used with another body",
    "428": "no If-Match: send the version (ETag) the change was made from",
    "429": "too many attempts; wait a little",
    "503": "a dependency is unavailable; retry shortly",
}


_HEADERS: dict[str, dict[str, Any]] = {
    "429": {
        "headers": {
            "Retry-After": {
                "description": "seconds until the limit's window ends",
                "schema": {"type": "integer", "minimum": 1},
            }
        }
    }
}


def _response_model(view: Any, contract: Contract) -> Any:
    if isinstance(contract.response, str):
        # "module:Model": a route whose models are imported only when they are used (the API's cold start).
        module, _, name = contract.response.partition(":")
        return getattr(importlib.import_module(module), name)
    if contract.response is not None:
        return contract.response
    hints = typing.get_type_hints(getattr(view, "__wrapped__", view))
    returned = hints.get("return")
    return None if returned is Response else returned


def _is_model(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, BaseModel)


def _is_listing(kind: Any) -> bool:
    return _is_model(kind) and issubclass(kind, Listing)


def _operation(path: str, method: str, entry: Any, refs: dict[Any, Any]) -> dict[str, Any]:
    view = entry.view_function
    contract: Contract = getattr(view, "contract", Contract())
    response = _response_model(view, contract)
    doc = (getattr(view, "__wrapped__", view).__doc__ or "").strip().splitlines()
    secured = entry.authorizer is not None
    parameters: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string", "minLength": 1}}
        for name in entry.view_args
    ]
    query = list(contract.params) + (["limit", "cursor"] if _is_listing(response) else [])
    parameters += [{"name": name, "in": "query", "required": False, "schema": {"type": "string"}} for name in query]
    if (method == "POST" and entry.view_args) or 428 in contract.raises:
        parameters.append({"name": "If-Match", "in": "header", "required": False, "schema": {"type": "string"}})
    if contract.status == 201:
        parameters.append({"name": "Idempotency-Key", "in": "header", "required": False, "schema": {"type": "string"}})
    success: dict[str, Any] = {"description": "OK" if contract.status == 200 else "Created"}
    if _is_model(response):
        success["content"] = {contract.media_type: {"schema": refs[(response, "serialization")]}}
    elif response is str:
        success["content"] = {contract.media_type: {"schema": {"type": "string"}}}
    codes = ["400", "503"] + (["401"] if secured else []) + (["404"] if entry.view_args else [])
    if secured and (contract.roles is None or set(contract.roles) != set(SIGNED_IN)):
        codes.append("403")  # a role the route does not serve (undeclared: the logic decides)
    if contract.text_body is not None:
        codes += ["413", "415"]
    if contract.body is not None:
        codes += ["413", "415"] + (["409"] if entry.view_args else []) + (["422"] if contract.status == 201 else [])
    codes += [str(code) for code in contract.raises]
    codes = sorted(set(codes))
    error = {"content": {"application/json": {"schema": refs[(ErrorOut, "serialization")]}}}
    operation: dict[str, Any] = {
        "operationId": view.__name__,
        "summary": doc[0] if doc else view.__name__.replace("_", " "),
        "tags": [path.split("/")[2] if path.startswith("/v1/") else path.split("/")[1]],
        "parameters": parameters,
        "responses": {
            str(contract.status): success,
            **{c: {"description": _ERRORS[c], **error, **_HEADERS.get(c, {})} for c in sorted(codes)},
        },
    }
    if contract.body is not None:
        body_schema = refs[(contract.body, "validation")]
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": body_schema}}}
    elif contract.text_body is not None:
        text = {"schema": {"type": "string"}}
        operation["requestBody"] = {"required": True, "content": {contract.text_body: text}}
    if secured:
        operation["security"] = [{"bearer": []}]
    if contract.roles is not None:
        operation["x-roles"] = list(contract.roles)  # who may call; checked before the body is read
    return operation


def document(app: Chalice) -> dict[str, Any]:
    """The OpenAPI 3.1 document of `app`."""
    wanted: set[tuple[type[BaseModel], JsonSchemaMode]] = {(ErrorOut, "serialization")}
    for path, methods in app.routes.items():
        if path.startswith(OPEN311_PREFIX):
            continue
        for entry in methods.values():
            contract: Contract = getattr(entry.view_function, "contract", Contract())
            response = _response_model(entry.view_function, contract)
            if contract.body is not None:
                wanted.add((contract.body, "validation"))
            if _is_model(response):
                wanted.add((response, "serialization"))
    ordered = sorted(wanted, key=lambda pair: (pair[0].__name__, pair[1]))
    refs, defs = models_json_schema(ordered, ref_template="#/components/schemas/{model}")
    paths: dict[str, dict[str, Any]] = {}
    for path, methods in sorted(app.routes.items()):
        if path.startswith(OPEN311_PREFIX):
            continue  # Open311 GeoReport v2 is its own published standard (open311.org), not this API's
        for method, entry in sorted(methods.items()):
            paths.setdefault(path, {})[method.lower()] = _operation(path, method, entry, refs)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Awaaz — citizen grievance portal",
            "version": "1",
            "description": "Complaints, information requests and feedback; officers' queues and actions; "
            "public statistics. Errors are {error: {code, message, details}}. See API.md.",
        },
        "paths": paths,
        "components": {
            "schemas": defs.get("$defs", {}),
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "a Cognito ID token (POST /v1/auth/login)",
                }
            },
        },
    }


@lru_cache(maxsize=1)
def _cached() -> dict[str, Any]:
    from app import app  # the application module Lambda loaded; imported here to avoid a cycle

    return document(app)


@openapi_routes.route("/v1/openapi.json", methods=["GET"], cors=CORS)
@endpoint(openapi_routes, response=dict)
def openapi_json() -> Response:
    """This document."""
    return json_response(200, _cached())
