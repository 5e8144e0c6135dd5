"""The public directory: categories, organisations (as a tree) and districts."""

from __future__ import annotations

from chalice.app import Blueprint

from chalicelib.api.contract import endpoint, query
from chalicelib.api.cors import CORS
from chalicelib.models.directory import CategoryList, DistrictList, OrganisationTree
from chalicelib.wiring import services

directory_routes = Blueprint(__name__)


@directory_routes.route("/v1/categories", methods=["GET"], cors=CORS)
@endpoint(directory_routes, params=("kind",))
def categories() -> CategoryList:
    listing = services().directory().category_listing()
    kind = query(directory_routes.current_request, "kind")
    return CategoryList(items=[c for c in listing if not kind or c.kind == kind])


@directory_routes.route("/v1/organisations", methods=["GET"], cors=CORS)
@endpoint(directory_routes)
def organisations() -> OrganisationTree:
    return OrganisationTree(items=services().directory().organisation_tree())


@directory_routes.route("/v1/districts", methods=["GET"], cors=CORS)
@endpoint(directory_routes)
def districts() -> DistrictList:
    return DistrictList(items=services().directory().district_listing())
