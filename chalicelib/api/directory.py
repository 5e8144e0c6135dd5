"""The public directory: categories, organisations (as a tree) and districts."""

from __future__ import annotations

from chalice.app import Blueprint

from chalicelib.api.contract import endpoint, query
from chalicelib.api.cors import CORS
from chalicelib.models.directory import CategoryList, DistrictList, OrganisationTree
from chalicelib.models.errors import FieldProblem, InvalidInput
from chalicelib.wiring import services

directory_routes = Blueprint(__name__)


@directory_routes.route("/v1/categories", methods=["GET"], cors=CORS)
@endpoint(directory_routes, params=("kind",))
def categories() -> CategoryList:
    listing = services().directory().category_listing()
    kind = query(directory_routes.current_request, "kind")
    return CategoryList(items=[c for c in listing if not kind or c.kind == kind])


# How deep the tree goes: `levels` alone (the dashboard's level picker: 1 KB instead of 122 KB),
# `organisations` (each level's organisations, no offices), or `offices` (all of it, the default).
DEPTHS = ("levels", "organisations", "offices")


@directory_routes.route("/v1/organisations", methods=["GET"], cors=CORS)
@endpoint(directory_routes, params=("depth",))
def organisations() -> OrganisationTree:
    depth = query(directory_routes.current_request, "depth") or "offices"
    if depth not in DEPTHS:
        raise InvalidInput(
            "the directory query needs correcting", [FieldProblem("depth", f"one of {', '.join(DEPTHS)}")]
        )
    tree = services().directory().organisation_tree()
    if depth == "levels":
        tree = [level.model_copy(update={"organisations": []}) for level in tree]
    elif depth == "organisations":
        tree = [
            level.model_copy(
                update={"organisations": [o.model_copy(update={"offices": []}) for o in level.organisations]}
            )
            for level in tree
        ]
    return OrganisationTree(items=tree)


@directory_routes.route("/v1/districts", methods=["GET"], cors=CORS)
@endpoint(directory_routes)
def districts() -> DistrictList:
    return DistrictList(items=services().directory().district_listing())
