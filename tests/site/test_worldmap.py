"""The world map's geometry and shading (kg.site.worldmap), without a store or a server."""

from __future__ import annotations

import re

import pytest

from kg.site import worldmap

pytestmark = pytest.mark.storeless


def _points(d: str) -> list[list[tuple[int, int]]]:
    """The absolute points of each ring of a path written by worldmap._path (M x y l dx dy ... z)."""
    rings = []
    for ring in re.findall(r"M(-?\d+) (-?\d+)l([^z]*)z", d):
        x, y = int(ring[0]), int(ring[1])
        points = [(x, y)]
        for dx, dy in re.findall(r"(-?\d+) (-?\d+)", ring[2]):
            x, y = x + int(dx), y + int(dy)
            points.append((x, y))
        rings.append(points)
    return rings


def test_every_country_of_natural_earth_is_drawn_inside_the_view_box() -> None:
    shapes = worldmap.country_shapes()
    _, _, width, height = (int(v) for v in shapes.view_box.split())
    assert width == worldmap.WIDTH and 400 < height < 600   # Equal Earth is about 2.05 times wider than high
    assert len(shapes.shapes) == 176 and all(s.d for s in shapes.shapes)    # Natural Earth 110m, less Antarctica
    for shape in shapes.shapes:
        for ring in _points(shape.d):
            assert all(0 <= x <= width and 0 <= y <= height for x, y in ring), shape.name


def test_no_ring_crosses_the_world_along_the_antimeridian() -> None:
    """Fiji and Chukotka give points on the antimeridian as -180 and as 180: drawn as they come,
    a line runs across the whole map."""
    for shape in worldmap.country_shapes().shapes:
        for ring in _points(shape.d):
            longest = max(abs(a[0] - b[0]) for a, b in zip(ring, ring[1:]))
            assert longest < worldmap.WIDTH / 4, (shape.name, longest)


def test_countries_are_placed_by_their_iso_numeric_code() -> None:
    shapes = {s.numeric: s for s in worldmap.country_shapes().shapes}
    china, brazil = _points(shapes["156"].d)[0], _points(shapes["076"].d)[0]
    # China is north (smaller y) and east (larger x) of Brazil
    assert min(y for _, y in china) < min(y for _, y in brazil)
    assert min(x for x, _ in china) > max(x for x, _ in brazil)


def test_shades_links_and_countries_too_small_to_draw() -> None:
    countries = [{"numeric": "156", "label": "China", "n": 3, "href": "/c"},
                 {"numeric": "076", "label": "Brazil", "n": 40, "href": "/b"},
                 {"numeric": "702", "label": "Singapore", "n": 1, "href": "/s"},   # not at 1:110m
                 {"numeric": None, "label": "Somewhere", "n": 2, "href": "/x"}]
    m = worldmap.country_map(countries)
    assert [c["label"] for c in m["countries"]] == ["Brazil", "China"]
    assert [c["label"] for c in m["not_drawn"]] == ["Singapore", "Somewhere"]
    levels = {c["label"]: c["level"] for c in m["countries"]}
    assert levels["Brazil"] > levels["China"]
    assert len(m["blank"]) == len(worldmap.country_shapes().shapes) - 2


@pytest.mark.parametrize("counts", [[1], [1, 1, 2], list(range(1, 100)), [1] * 50 + [2, 3, 500], [7, 7, 7, 7, 7, 7]])
def test_the_legend_covers_every_count_once(counts: list[int]) -> None:
    classes = worldmap._classes(counts)
    assert len(classes) <= worldmap.LEVELS
    assert all(low <= high for low, high in classes)
    assert all(a[1] < b[0] for a, b in zip(classes, classes[1:]))
    for n in counts:
        assert sum(low <= n <= high for low, high in classes) == 1, n
