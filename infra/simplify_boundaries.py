"""Make the district boundaries the project ships from the geoBoundaries file (run by hand, output committed).

    .venv/bin/python -m infra.simplify_boundaries /work/shared/data/boundaries/pakistan-districts-2019.geojson

Each ring is simplified by Douglas–Peucker (TOLERANCE degrees) and its coordinates rounded to
DIGITS decimals; each feature keeps only its name (`name`, geoBoundaries' `shapeName`) and gets its
bounding box (`bbox`, the prefilter of a lookup). The output is chalicelib/data/boundaries/districts.geojson.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

TOLERANCE = 0.01  # degrees, about 1 km: every seeded district centre falls where it falls in the source
DIGITS = 3  # about 110 m, well inside the tolerance
OUT = Path(__file__).resolve().parent.parent / "chalicelib" / "data" / "boundaries" / "districts.geojson"

Point = tuple[float, float]


def _distance_to_segment(p: Point, a: Point, b: Point) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    if length == 0:
        return float(((px - ax) ** 2 + (py - ay) ** 2) ** 0.5)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length))
    return float(((px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2) ** 0.5)


def douglas_peucker(points: list[Point], tolerance: float) -> list[Point]:
    """The points of a line that keep it within `tolerance` of the original (iterative, no recursion limit)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        far, index = 0.0, first
        for i in range(first + 1, last):
            d = _distance_to_segment(points[i], points[first], points[last])
            if d > far:
                far, index = d, i
        if far > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def simplify_ring(ring: list[list[float]], tolerance: float) -> list[list[float]] | None:
    """A closed ring simplified (split in two halves so the closing point is not the only anchor); None if it vanishes."""
    points = [(float(x), float(y)) for x, y in ring[:-1]] if ring[0] == ring[-1] else [(x, y) for x, y in ring]
    if len(points) < 3:
        return None
    middle = len(points) // 2
    half1 = douglas_peucker(points[: middle + 1], tolerance)
    half2 = douglas_peucker([*points[middle:], points[0]], tolerance)
    kept = half1[:-1] + half2[:-1]
    rounded: list[list[float]] = []
    for x, y in kept:
        p = [round(x, DIGITS), round(y, DIGITS)]
        if not rounded or rounded[-1] != p:
            rounded.append(p)
    if len(rounded) < 3:
        return None
    return [*rounded, rounded[0]]


def simplify(source: dict[str, Any], tolerance: float = TOLERANCE) -> dict[str, Any]:
    features: list[dict[str, Any]] = []
    for feature in source["features"]:
        geometry = feature["geometry"]
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        kept = []
        for polygon in polygons:
            outer = simplify_ring(polygon[0], tolerance)
            if outer is None:
                continue
            holes = [h for h in (simplify_ring(r, tolerance) for r in polygon[1:]) if h is not None]
            kept.append([outer, *holes])
        xs = [x for polygon in kept for x, _ in polygon[0]]
        ys = [y for polygon in kept for _, y in polygon[0]]
        features.append(
            {
                "type": "Feature",
                "properties": {"name": feature["properties"]["shapeName"]},
                "bbox": [min(xs), min(ys), max(xs), max(ys)],
                "geometry": {"type": "MultiPolygon", "coordinates": kept},
            }
        )
    features.sort(key=lambda f: f["properties"]["name"])
    return {"type": "FeatureCollection", "features": features}


def main(argv: list[str]) -> int:
    source = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    out = simplify(source, float(argv[2]) if len(argv) > 2 else TOLERANCE)
    OUT.write_text(json.dumps(out, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{OUT}: {OUT.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
