"""A world map of outcomes per country, drawn server-side as SVG: no JavaScript, no outside service.

The countries' shapes are Natural Earth's 1:110m boundaries as TopoJSON (``geo/``, see its README),
keyed by ISO 3166-1 numeric code, projected once with the Equal Earth projection (an equal-area
projection, so that no country looks busier for being near a pole). :func:`country_map` turns the
outcome counts of a page into plain data for the ``world_map`` macro: one shape per country, those
with outcomes shaded by how many (five classes) and linked to their list, and the countries the map
cannot show (too small at this scale) named, so that the page lists them in words.

No FastAPI here, no queries: the views give the counts.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

__all__ = ["country_map", "country_shapes"]

GEOMETRY = "geo/countries-110m.json"
WIDTH = 1000            # the SVG's user units across; paths use whole units (a pixel at full width)
LEVELS = 5              # shades of the outcome count
ANTARCTICA = "010"      # drawn nowhere: no outcome is there, and it would take a fifth of the height

# Equal Earth (Šavrič, Patterson and Jenny, 2018): polynomial coefficients of the published projection.
_A1, _A2, _A3, _A4 = 1.340264, -0.081106, 0.000893, 0.003796
_M = math.sqrt(3) / 2


def equal_earth(lon: float, lat: float) -> tuple[float, float]:
    """Longitude and latitude in degrees -> Equal Earth x, y (y up), on the unit sphere."""
    lam, phi = math.radians(lon), math.radians(lat)
    theta = math.asin(_M * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * math.cos(theta) / (_M * (_A1 + 3 * _A2 * t2 + t6 * (7 * _A3 + 9 * _A4 * t2)))
    y = theta * (_A1 + _A2 * t2 + t6 * (_A3 + _A4 * t2))
    return x, y


@dataclass(frozen=True)
class Shape:
    numeric: str        # ISO 3166-1 numeric code ("" for the few areas Natural Earth gives none)
    name: str           # Natural Earth's name, used only where the graph has no label
    d: str              # the SVG path


@dataclass(frozen=True)
class Shapes:
    view_box: str
    shapes: tuple[Shape, ...]


def _decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """TopoJSON's quantized, delta-encoded arcs -> lists of (longitude, latitude)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _ring(indexes: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    """A ring from its arcs (a negative index ~i is arc i reversed); arcs share their end points."""
    points: list[tuple[float, float]] = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points.extend(arc[1:] if points else arc)
    return points


def _one_side(ring: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """A ring that crosses the antimeridian (Chukotka, Fiji, Wrangel Island) would draw a line across the
    world: its points beyond 180° on the far side are put on the map's edge, on the side where most of the
    ring is (a few degrees of land flattened onto the edge, at this scale a pixel or two wide)."""
    if all(abs(a[0] - b[0]) <= 180 for a, b in zip(ring, ring[1:])):
        return ring
    side = 1 if sum(1 for lon, _ in ring if lon > 90) >= sum(1 for lon, _ in ring if lon < -90) else -1
    return [(side * 180.0 if abs(lon) > 90 and lon * side < 0 else lon, lat) for lon, lat in ring]


def _path(rings: list[list[tuple[int, int]]]) -> str:
    """Rings of whole-unit points as a compact SVG path: relative moves, repeated points dropped."""
    out = []
    for ring in rings:
        kept = [p for k, p in enumerate(ring) if k == 0 or p != ring[k - 1]]
        if len(kept) < 3:
            continue   # smaller than a unit at this scale
        (x0, y0), steps = kept[0], []
        for (ax, ay), (bx, by) in zip(kept, kept[1:]):
            steps.append(f"{bx - ax} {by - ay}")
        out.append(f"M{x0} {y0}l" + " ".join(steps) + "z")
    return "".join(out)


@lru_cache(maxsize=1)
def country_shapes() -> Shapes:
    """Every country's outline, projected and scaled to WIDTH (read and computed once per process)."""
    topology = json.loads(files("kg.site").joinpath(GEOMETRY).read_text(encoding="utf-8"))
    arcs = _decode_arcs(topology)
    projected = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        numeric = str(geometry.get("id", ""))
        if numeric == ANTARCTICA or geometry.get("type") not in ("Polygon", "MultiPolygon"):
            continue
        polygons = [geometry["arcs"]] if geometry["type"] == "Polygon" else geometry["arcs"]
        rings = [[equal_earth(lon, lat) for lon, lat in _one_side(_ring(ring, arcs))]
                 for polygon in polygons for ring in polygon]
        projected.append((numeric, geometry.get("properties", {}).get("name", ""), rings))
    xs = [x for _, _, rings in projected for ring in rings for x, _ in ring]
    ys = [y for _, _, rings in projected for ring in rings for _, y in ring]
    scale = WIDTH / (max(xs) - min(xs))
    left, top = min(xs), max(ys)
    height = math.ceil((max(ys) - min(ys)) * scale)
    shapes = tuple(
        Shape(numeric, name, _path([[(round((x - left) * scale), round((top - y) * scale)) for x, y in ring]
                                    for ring in rings]))
        for numeric, name, rings in projected)
    return Shapes(view_box=f"0 0 {WIDTH} {height}", shapes=shapes)


def _classes(counts: list[int]) -> list[tuple[int, int]]:
    """At most LEVELS ranges of counts (lowest, highest), cut at quantiles of the counts shown."""
    values = sorted(set(counts))
    if len(values) <= LEVELS:
        return [(v, v) for v in values]
    ordered = sorted(counts)
    cuts = sorted({ordered[min(len(ordered) - 1, (len(ordered) * k) // LEVELS)] for k in range(1, LEVELS)})
    bounds, low = [], values[0]
    for cut in cuts + [values[-1]]:
        if cut >= low:
            bounds.append((low, cut))
            low = min((v for v in values if v > cut), default=cut + 1)
    return bounds


def country_map(countries: list[dict]) -> dict:
    """Plain data for the ``world_map`` macro.

    ``countries``: one dict per country with outcomes: ``numeric`` (ISO 3166-1 numeric code, or None),
    ``label``, ``n`` (outcomes) and ``href`` (its list). Returns the view box, the shapes without
    outcomes (unlinked), the shapes with outcomes (linked, in label order: the order a keyboard visits
    them), the legend's classes, and the countries with outcomes that the map does not draw.
    """
    geometry = country_shapes()
    by_numeric = {c["numeric"]: c for c in countries if c.get("numeric")}
    classes = _classes([c["n"] for c in countries])

    def level(n: int) -> int:
        return next((k + 1 for k, (low, high) in enumerate(classes) if low <= n <= high), len(classes))

    drawn, blank = [], []
    for shape in geometry.shapes:
        country = by_numeric.get(shape.numeric)
        if country:
            drawn.append({**country, "d": shape.d, "level": level(country["n"])})
        else:
            blank.append(shape.d)
    shown = {c["numeric"] for c in drawn}
    return {"view_box": geometry.view_box,
            "blank": blank,
            "countries": sorted(drawn, key=lambda c: c["label"]),
            "legend": [{"level": k + 1, "low": low, "high": high} for k, (low, high) in enumerate(classes)],
            "not_drawn": sorted((c for c in countries if c.get("numeric") not in shown), key=lambda c: c["label"])}
