"""Where a point lies: the district whose boundary contains it (point-in-polygon, not the nearest centre).

The boundaries are geoBoundaries' districts of Pakistan (2019, public domain), simplified and shipped
in chalicelib/data/boundaries/ (see its NOTICE.md; infra/simplify_boundaries.py makes the file). One
function, `locate`, serves the API (`GET /v1/districts/locate`, a complaint's lat/lon) and Open311.

A boundary's name maps to the directory's district ids: by default its name as an id (`Dera Ghazi
Khan` → `dera-ghazi-khan`), else by ALIASES, where one shape may stand for several districts (Azad
Kashmir is one shape in the source). Only districts the directory serves count (the seed serves every
boundary; an admin may retire a district): none → the point is in a district Awaaz does not serve; several
→ the citizen must choose among them (never a guess).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from chalicelib.logic.directory import Directory
from chalicelib.models.directory import District
from chalicelib.models.errors import FieldProblem, InvalidInput

BOUNDARIES = Path(__file__).resolve().parent.parent / "data" / "boundaries" / "districts.geojson"
# How far (degrees, about 2 km) outside every outline a point may be and still belong to the nearest one:
# simplifying each district alone leaves slivers between neighbours, and the source's own outer border is
# coarse (the Pakistani gate at Wagah lies 1.6 km outside its Lahore).
SLACK = 0.02

# geoBoundaries' name → the directory's district ids, where the name is not the id. Every other boundary is one
# district whose id is its name (infra/seed_country.py seeds one for each). Two cannot be one-to-one: the source
# (2019) has one shape for the ten districts of Azad Jammu and Kashmir, and none for Larkana (the shape named
# Qambar Shahdadkot covers both); a point there names its candidates and the citizen chooses.
ALIASES: dict[str, tuple[str, ...]] = {
    "Islamabad Capital Territory": ("islamabad",),
    "Sheikhpura": ("sheikhupura",),
    "Vihari": ("vehari",),
    # Nawabshah district was renamed Shaheed Benazirabad in 2008.
    "Nawabshah": ("shaheed-benazirabad",),
    "Qambar Shahdadkot": ("qambar-shahdadkot", "larkana"),
    "Azad Kashmir": (
        "muzaffarabad",
        "mirpur",
        "bagh",
        "bhimber",
        "hattian-bala",
        "haveli",
        "kotli",
        "neelum",
        "poonch",
        "sudhnoti",
    ),
}

Ring = tuple[tuple[float, float], ...]
OUTSIDE = "This place is outside Pakistan's districts."


@dataclass(frozen=True)
class Shape:
    name: str
    bbox: tuple[float, float, float, float]  # west, south, east, north
    polygons: tuple[tuple[Ring, ...], ...]  # each: outer ring, then holes

    def holds(self, lon: float, lat: float) -> bool:
        west, south, east, north = self.bbox
        if not (west <= lon <= east and south <= lat <= north):
            return False
        return any(_inside(lon, lat, p[0]) and not any(_inside(lon, lat, h) for h in p[1:]) for p in self.polygons)

    def distance(self, lon: float, lat: float) -> float:
        """Degrees from the point to the nearest edge (0 inside is not implied: call `holds` first)."""
        return min(_ring_distance(lon, lat, ring) for p in self.polygons for ring in p)


@dataclass(frozen=True)
class Place:
    """Where a point lies: the boundary's name, and the served districts it may be."""

    boundary: str
    districts: tuple[District, ...]

    @property
    def district(self) -> District | None:
        return self.districts[0] if len(self.districts) == 1 else None


class PlaceProblem(InvalidInput):
    """A point that names no district Awaaz can take: outside Pakistan, or in a district not served."""


class PlaceOutside(PlaceProblem):
    code = "place_outside"


class PlaceNotServed(PlaceProblem):
    code = "place_not_served"


class PlaceUnclear(PlaceProblem):
    code = "place_unclear"


class PlaceDisagrees(PlaceProblem):
    code = "place_disagrees"


def _inside(x: float, y: float, ring: Ring) -> bool:
    crossings = False
    x1, y1 = ring[-1]
    for x2, y2 in ring:
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            crossings = not crossings
        x1, y1 = x2, y2
    return crossings


def _ring_distance(x: float, y: float, ring: Ring) -> float:
    scale = math.cos(math.radians(y))  # a degree of longitude is shorter than one of latitude
    best = math.inf
    ax, ay = ring[-1]
    for bx, by in ring:
        dx, dy = (bx - ax) * scale, by - ay
        px, py = (x - ax) * scale, y - ay
        length = dx * dx + dy * dy
        t = 0.0 if length == 0 else max(0.0, min(1.0, (px * dx + py * dy) / length))
        best = min(best, math.hypot(px - t * dx, py - t * dy))
        ax, ay = bx, by
    return best


@cache
def shapes(path: Path = BOUNDARIES) -> tuple[Shape, ...]:
    """The shipped boundaries, read once per process."""
    collection = json.loads(path.read_text(encoding="utf-8"))
    return tuple(
        Shape(
            name=f["properties"]["name"],
            bbox=tuple(f["bbox"]),
            polygons=tuple(tuple(tuple((x, y) for x, y in ring) for ring in p) for p in f["geometry"]["coordinates"]),
        )
        for f in collection["features"]
    )


def shape_at(lat: float, lon: float, within: Sequence[Shape] | None = None) -> Shape | None:
    """The boundary holding the point, else one within SLACK of it, else None (outside Pakistan)."""
    every = shapes() if within is None else within
    holding = [s for s in every if s.holds(lon, lat)]
    if len(holding) == 1:
        return holding[0]
    if holding:  # neighbours overlapping where both were simplified: the one the point is deepest in
        return max(holding, key=lambda s: s.distance(lon, lat))
    near = [s for s in every if _near_box(s.bbox, lon, lat)]
    nearest = min(near, key=lambda s: s.distance(lon, lat), default=None)
    return nearest if nearest is not None and nearest.distance(lon, lat) <= SLACK else None


def _near_box(bbox: tuple[float, float, float, float], lon: float, lat: float) -> bool:
    west, south, east, north = bbox
    return west - SLACK <= lon <= east + SLACK and south - SLACK <= lat <= north + SLACK


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def district_ids(boundary: str) -> tuple[str, ...]:
    """The directory ids a boundary may stand for (served or not)."""
    return ALIASES.get(boundary, (slug(boundary),))


def place_at(directory: Directory, lat: float, lon: float) -> Place:
    """Where the point lies, among the directory's districts; PlaceOutside / PlaceNotServed if none."""
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise PlaceOutside(OUTSIDE, [FieldProblem("lat", "outside Pakistan")])
    shape = shape_at(lat, lon)
    if shape is None:
        raise PlaceOutside(OUTSIDE, [FieldProblem("lat", "outside Pakistan")])
    served = tuple(directory.districts[i] for i in district_ids(shape.name) if i in directory.districts)
    if not served:
        raise PlaceNotServed(
            f"This place is in {shape.name}, a district Awaaz does not serve yet.",
            [FieldProblem("lat", f"in {shape.name}, not served yet")],
        )
    return Place(boundary=shape.name, districts=served)


def locate(directory: Directory, lat: float, lon: float) -> District:
    """The one served district the point lies in; PlaceUnclear when its boundary stands for several."""
    place = place_at(directory, lat, lon)
    if place.district is None:
        names = ", ".join(d.name for d in place.districts)
        raise PlaceUnclear(
            f"This place is in {place.boundary}, which covers several districts ({names}); choose yours.",
            [FieldProblem("location.district", f"choose one of {', '.join(d.id for d in place.districts)}")],
        )
    return place.district


def check_agrees(directory: Directory, district_id: str, lat: float, lon: float) -> None:
    """A complaint's chosen district and its point on the map must agree (else PlaceDisagrees)."""
    place = place_at(directory, lat, lon)
    if district_id not in {d.id for d in place.districts}:
        raise PlaceDisagrees(
            f"The place on the map is in {place.boundary}, not in the district chosen.",
            [FieldProblem("location.district", f"the point lies in {place.boundary}")],
        )


def outlines(directory: Directory) -> str:
    """The shipped boundaries as GeoJSON text, each feature naming the served districts it may be (`districts`)."""
    return _outlines(frozenset(directory.districts))


@cache
def _outlines(served: frozenset[str]) -> str:
    collection = json.loads(BOUNDARIES.read_text(encoding="utf-8"))
    for feature in collection["features"]:
        name = feature["properties"]["name"]
        feature["properties"]["districts"] = [i for i in district_ids(name) if i in served]
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
