"""Operations (admins of the portal only): the queues and overdue cases at a glance, and the dead-letter redrive."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from chalice.app import Blueprint, Request
from pydantic import BaseModel

from chalicelib.api.authorizer import jwt_authorizer
from chalicelib.api.context import actor
from chalicelib.api.contract import ADMINS, endpoint, parse_body
from chalicelib.api.cors import CORS
from chalicelib.logic import operations
from chalicelib.models.operations import QueuesOut, RedriveIn, RedriveOut
from chalicelib.wiring import services

operation_routes = Blueprint(__name__)


def _documents_body(model: type[BaseModel]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Describe `model` as the route's body in the OpenAPI document; the view reads it itself (it may be left out).

    `endpoint(body=...)` refuses an empty body, and a redrive with nothing to say is an empty POST.
    """

    def describe(view: Callable[..., Any]) -> Callable[..., Any]:
        view.contract = dataclasses.replace(view.contract, body=model)  # type: ignore[attr-defined]
        return view

    return describe


@operation_routes.route("/v1/admin/queues", methods=["GET"], authorizer=jwt_authorizer, cors=CORS)
@endpoint(operation_routes, roles=ADMINS)
def queues_overview() -> QueuesOut:
    """Queue depths, dead letters, oldest message ages and overdue cases by organisation."""
    return operations.queues_view(services())


@operation_routes.route("/v1/admin/queues/{name}/redrive", methods=["POST"], authorizer=jwt_authorizer, cors=CORS)
@_documents_body(RedriveIn)
@endpoint(operation_routes, roles=ADMINS)
def redrive_queue(name: str) -> RedriveOut:
    """Send the queue's dead letters back to it, each once (`max` of them at most; audited)."""
    queue = operations.queue_name(services(), name)
    return operations.redrive(
        services(), actor(operation_routes), queue, _redrive_body(operation_routes.current_request)
    )


def _redrive_body(request: Request | None) -> RedriveIn:
    """The body as RedriveIn; none at all (or only blanks) asks for the default."""
    if request is None:
        return RedriveIn()
    try:
        raw = request.raw_body or b""
    except ValueError:
        raw = b"?"  # not readable: parse_body says so
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    return parse_body(request, RedriveIn) if raw.strip() else RedriveIn()
