"""Open311 GeoReport v2 under /open311/v2/: every resource in JSON and in XML, errors in the spec's shape."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs
from xml.etree import ElementTree as ET

from chalice.app import Blueprint, Request, Response

from chalicelib.api.responses import json_text
from chalicelib.logic import open311
from chalicelib.logic.open311 import Open311Error
from chalicelib.models.errors import AwaazError
from chalicelib.observability import logger
from chalicelib.wiring import services

open311_routes = Blueprint(__name__)
BASE = "/open311/v2"
JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"
CHANGESET = "2026-11-28T00:00:00Z"
# The XML element of each list's items, by the list's root element.
_ITEM = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "notes": "note",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
}


def _split(name: str) -> tuple[str, str]:
    """`requests.json` → (`requests`, `json`); an unknown format is a 404 like an unknown resource."""
    stem, _, suffix = name.rpartition(".")
    if suffix not in ("json", "xml") or not stem:
        raise Open311Error(404, f"{name} is not a resource: use .json or .xml")
    return stem, suffix


# Characters XML 1.0 does not allow (its Char production): C0 controls but tab, newline and CR, lone
# surrogates, U+FFFE and U+FFFF. One of them in an element's text makes the whole answer unreadable.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(value: str) -> str:
    return _NOT_XML.sub("", value)


def _element(tag: str, value: Any) -> ET.Element:
    node = ET.Element(tag)
    if isinstance(value, dict):
        for key, inner in value.items():
            node.append(_element(key, inner))
    elif isinstance(value, list):
        for inner in value:
            node.append(_element(_ITEM.get(tag, "item"), inner))
    elif isinstance(value, bool):
        node.text = "true" if value else "false"
    elif value is not None:
        node.text = _xml_text(str(value))
    return node


def render(payload: Any, fmt: str, root: str, status: int = 200) -> Response:
    if fmt == "xml":
        body = '<?xml version="1.0" encoding="UTF-8"?>' + ET.tostring(_element(root, payload), encoding="unicode")
        return Response(body=body, status_code=status, headers={"Content-Type": XML_TYPE})
    return Response(body=json_text(payload), status_code=status, headers={"Content-Type": JSON_TYPE})


def _answer(fmt_of: Callable[[], str], produce: Callable[[], tuple[Any, str]], status: int = 200) -> Response:
    """Run a resource; its errors become the spec's error list in the request's format."""
    fmt = "json"
    try:
        fmt = fmt_of()
        payload, root = produce()
        return render(payload, fmt, root, status)
    except Open311Error as exc:
        return render([{"code": exc.code, "description": exc.description}], fmt, "errors", exc.code)
    except AwaazError as exc:
        logger.warning("open311 request failed", extra={"code": exc.code})
        return render([{"code": 503, "description": "the service is busy; try again shortly"}], fmt, "errors", 503)


def _params(request: Request) -> dict[str, str]:
    """Query parameters; an empty one behaves as an absent one."""
    return {k: v for k, v in (request.query_params or {}).items() if v is not None and v.strip()}


def _form(request: Request) -> dict[str, list[str]]:
    """The form-encoded body; fields some clients put in the query string instead (api_key) count too."""
    raw = request.raw_body or b""
    text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
    fields = {k: [v] for k, v in (request.query_params or {}).items()}
    fields.update(parse_qs(text, keep_blank_values=True))
    return fields


def _discovery(request: Request) -> dict[str, Any]:
    headers: dict[str, str] = dict(request.headers or {})
    host = headers.get("host", "127.0.0.1")
    scheme = headers.get("x-forwarded-proto", "http")
    stage = (request.context or {}).get("stage", "")
    prefix = f"/{stage}" if stage and stage not in ("api", "local") and scheme == "https" else ""
    return {
        "changeset": CHANGESET,
        "contact": "The portal's administrator (Awaaz).",
        "key_service": "API keys are issued by the portal's administrator (POST /v1/admin/open311-keys).",
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": f"{scheme}://{host}{prefix}{BASE}",
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }


@open311_routes.route(f"{BASE}/{{document}}", methods=["GET"])
def open311_document(document: str) -> Response:
    request = open311_routes.current_request

    def produce() -> tuple[Any, str]:
        stem, _ = _split(document)
        if stem == "discovery":
            return _discovery(request), "discovery"
        if stem == "services":
            return open311.services_list(services().directory()), "services"
        if stem == "requests":
            return open311.get_requests(services(), _params(request)), "service_requests"
        raise Open311Error(404, f"{stem} is not a resource")

    return _answer(lambda: _split(document)[1], produce)


@open311_routes.route(
    f"{BASE}/{{document}}", methods=["POST"], content_types=["application/x-www-form-urlencoded", "multipart/form-data"]
)
def open311_post(document: str) -> Response:
    request = open311_routes.current_request

    def produce() -> tuple[Any, str]:
        stem, _ = _split(document)
        if stem != "requests":
            raise Open311Error(404, f"{stem} does not take POST")
        return open311.post_request(services(), _form(request)), "service_requests"

    return _answer(lambda: _split(document)[1], produce)


@open311_routes.route(f"{BASE}/services/{{service_file}}", methods=["GET"])
def open311_service(service_file: str) -> Response:
    code = service_file.rpartition(".")[0]
    return _answer(
        lambda: _split(service_file)[1],
        lambda: (open311.service_definition(services().directory(), code), "service_definition"),
    )


@open311_routes.route(f"{BASE}/requests/{{request_file}}", methods=["GET"])
def open311_request(request_file: str) -> Response:
    request = open311_routes.current_request
    extensions = _params(request).get("extensions", "").lower() == "true"
    request_id = request_file.rpartition(".")[0]
    return _answer(
        lambda: _split(request_file)[1],
        lambda: (open311.get_request(services(), request_id, extensions), "service_requests"),
    )


@open311_routes.route(f"{BASE}/tokens/{{token_file}}", methods=["GET"])
def open311_token(token_file: str) -> Response:
    token = token_file.rpartition(".")[0]
    return _answer(lambda: _split(token_file)[1], lambda: (open311.token(services(), token), "service_requests"))
