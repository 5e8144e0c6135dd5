"""The public directory: categories, organisations (as a tree), districts, and where a point lies."""

from __future__ import annotations

import re

from chalice.app import Blueprint, Response

from chalicelib.api.contract import endpoint, query
from chalicelib.api.cors import CORS
from chalicelib.logic import geo
from chalicelib.models.directory import CategoryList, DistrictList, DistrictOut, DistrictPlace, OrganisationTree
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


# Decimal degrees as written in ASCII (`31.52`, `-0.12`): no exponent, NaN, `1_0` or other scripts' digits.
_DEGREES = re.compile(r"-?[0-9]{1,3}(?:\.[0-9]{1,12})?")


def _degrees(name: str, lowest: float, highest: float) -> float:
    raw = query(directory_routes.current_request, name) or ""
    if not _DEGREES.fullmatch(raw) or not lowest <= float(raw) <= highest:
        raise InvalidInput(f"bad {name}", [FieldProblem(name, f"decimal degrees from {lowest:g} to {highest:g}")])
    return float(raw)


@directory_routes.route("/v1/districts/locate", methods=["GET"], cors=CORS)
@endpoint(directory_routes, params=("lat", "lon"))
def locate_district() -> DistrictPlace:
    """The served district a point lies in (point-in-polygon on district boundaries), or a 400 saying why none."""
    lat, lon = _degrees("lat", -90, 90), _degrees("lon", -180, 180)
    place = geo.place_at(services().directory(), lat, lon)
    found = [DistrictOut.model_validate(d.model_dump()) for d in place.districts]
    return DistrictPlace(boundary=place.boundary, district=found[0] if len(found) == 1 else None, candidates=found)


@directory_routes.route("/v1/districts/boundaries", methods=["GET"], cors=CORS)
@endpoint(directory_routes, response=dict)
def district_boundaries() -> Response:
    """The district outlines (GeoJSON, geoBoundaries 2019, public domain), each with the served districts it holds."""
    directory = services().directory()
    return Response(
        status_code=200,
        body=geo.outlines(directory),
        headers={"Content-Type": "application/geo+json; charset=utf-8", "Cache-Control": "public, max-age=86400"},
    )
