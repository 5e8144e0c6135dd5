"""The public directory: categories, organisations (as a tree) and districts."""

from __future__ import annotations

from chalice.app import Blueprint

from chalicelib.api.cors import CORS
from chalicelib.api.errors import endpoint, query
from chalicelib.wiring import services

directory_routes = Blueprint(__name__)


@directory_routes.route("/v1/categories", methods=["GET"], cors=CORS)
@endpoint(lambda: directory_routes.current_request)
def categories() -> dict[str, object]:
    listing = services().directory().category_listing()
    kind = query(directory_routes.current_request, "kind")
    items = [c.model_dump() for c in listing if kind is None or c.kind == kind]
    return {"items": items}


@directory_routes.route("/v1/organisations", methods=["GET"], cors=CORS)
@endpoint(lambda: directory_routes.current_request)
def organisations() -> dict[str, object]:
    return {"items": [level.model_dump() for level in services().directory().organisation_tree()]}


@directory_routes.route("/v1/districts", methods=["GET"], cors=CORS)
@endpoint(lambda: directory_routes.current_request)
def districts() -> dict[str, object]:
    return {"items": [d.model_dump() for d in services().directory().district_listing()]}
