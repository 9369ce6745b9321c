"""Which country a control-area polygon is in, and clipping it there.

A status exists in one country only: ``occupied`` ground in Ukraine,
``ukrainian_held`` ground (Ukraine's 2024 incursion) in Russia, ``unknown``
in either. DeepStateMap draws Ukraine's 2022 liberations with the same
"Liberated" key as the Kursk salient; they are Ukraine's own ground, not a
status, and are dropped here.

The bundled country outlines (Natural Earth 10m admin-1; Ukraine's outline
along Russia, Belarus and the coasts behind the front simplified at 0.005°,
within ~0.3 km of Natural Earth's line) still disagree with DeepStateMap's:
its polygons run up to ~4 km past them along the Russian border and up to
~16 km past the coast (the Biriuchyi spit in the Sea of Azov), and elsewhere
stop up to ~4 km short of them. So:

1. each polygon (each part of each feature, before statuses are dissolved)
   belongs to the country holding most of its area; a polygon whose country
   is not one its status can exist in is dropped whole, so a 2022 liberation
   spilling 6 km over the coarse border into Russia leaves no sliver there;
2. a kept polygon is clipped to its status's country widened by
   :data:`MARGIN_KM` outward, but never into the other country: the layer
   wins at sea and towards third countries, while the UA–RU border is cut
   exactly where the bundled outlines (and so every map) draw it;
3. the layer wins inside its country: a pocket of the country that a
   status's polygons leave uncovered, that touches both the polygons and the
   country's outline (the UA–RU border, a coast) and that is nowhere wider
   than 2 × :data:`REACH_KM` is given the status (:func:`reach_outline`). So
   an occupied area DeepStateMap draws to its border is drawn to the border
   the maps draw, with no sliver of uncoloured Ukraine between, while ground
   that opens onto the rest of the country (where the front line meets the
   border) stays as the file has it. Ground the file gives another status,
   and the polygons' holes, are never pockets.
"""

from __future__ import annotations

import functools
from typing import Any

#: How far outside its own country's bundled outline (but never inside the
#: other's) a polygon is kept, in km.
MARGIN_KM = 20.0
#: A pocket between a status's polygons and their country's outline that is
#: nowhere wider than twice this (km) is given the status (the module's
#: docstring, point 3). DeepStateMap's border and the bundled one are up to
#: ~4 km apart (Donetsk oblast's border with Rostov oblast).
REACH_KM = 2.0
_ALLOWED = {"occupied": ("UA",), "ukrainian_held": ("RU",), "unknown": ("UA", "RU")}
# The country a pocket is filled in; "unknown" is not cut at the UA–RU border.
_HOME = {"occupied": "UA", "ukrainian_held": "RU"}
_PAD_DEG = 0.5  # around the polygons' bounds: where their pockets are looked for
_GRID_DEG = 1e-6  # ~10 cm: a status with pockets is dissolved on this grid
# Lambert azimuthal equal-area centred on the theatre: widening by km.
_METRIC = "+proj=laea +lat_0=49 +lon_0=33 +datum=WGS84 +units=km"


@functools.lru_cache(maxsize=1)
def masks() -> dict[str, Any]:
    """``{"UA": ..., "RU": ..., "unknown": ...}``: where each status may lie (lon/lat)."""
    import shapely

    ua, ru = _countries()["UA"], _countries()["RU"]
    out = {"UA": _widen(ua).difference(ru), "RU": _widen(ru).difference(ua)}
    out["unknown"] = shapely.union(out["UA"], out["RU"])
    for mask in out.values():
        shapely.prepare(mask)
    return out


@functools.lru_cache(maxsize=1)
def _countries() -> dict[str, Any]:
    """Return the bundled country outlines, ``{"UA": ..., "RU": ..., "BY": ...}`` (lon/lat)."""
    from vizlib import data

    regions = data.regions()
    countries = regions[regions["level"] == "country"]
    return dict(zip(countries["iso_3166_2"], countries.geometry, strict=True))


@functools.lru_cache(maxsize=2)
def _transformer(back: bool) -> Any:
    import pyproj

    crs = ("EPSG:4326", _METRIC) if not back else (_METRIC, "EPSG:4326")
    return pyproj.Transformer.from_crs(*crs, always_xy=True)


def _project(geom: Any, *, back: bool = False) -> Any:
    """lon/lat -> km in :data:`_METRIC`, or back (a geometry or an array of them)."""
    import shapely

    transformer = _transformer(back)
    return shapely.transform(geom, lambda x, y: transformer.transform(x, y), interleaved=False)


@functools.lru_cache(maxsize=2)
def _outline(code: str) -> Any:
    import shapely

    line = _countries()[code].boundary
    shapely.prepare(line)
    return line


def _widen(geom: Any) -> Any:
    import shapely

    wide = shapely.segmentize(_project(geom).buffer(MARGIN_KM, quad_segs=4), 10.0)
    return _project(wide, back=True)


def reach_outline(status: str, pieces: list[Any], others: Any) -> list[Any]:
    """Return the status's polygons with the narrow pockets between them and the outline filled.

    A pocket is a piece of the status's country that the polygons leave
    uncovered, that touches both the polygons (along an edge) and the
    country's outline, and that is nowhere wider than 2 × :data:`REACH_KM`
    (its largest inscribed circle is smaller). Ground ``others`` covers and
    the polygons' holes are never pockets.

    Parameters
    ----------
    status : str
        ``"occupied"`` (pockets filled in Ukraine) or ``"ukrainian_held"``
        (in Russia).
    pieces : list of shapely Polygon
        The status's polygons, already clipped (lon/lat).
    others : shapely geometry
        Ground the file gives another status (raw polygons, lon/lat).

    Returns
    -------
    list of shapely Polygon
        The pieces as given if there is no pocket; else the pieces and the
        pockets dissolved on a grid of :data:`_GRID_DEG` (lon/lat). A
        pocket's edges are the polygons' and the outline's own, so the layer
        meets the outline.
    """
    import numpy as np
    import shapely

    home = _countries()[_HOME[status]]
    mine = shapely.union_all(pieces)
    x0, y0, x1, y1 = mine.bounds
    window = shapely.box(x0 - _PAD_DEG, y0 - _PAD_DEG, x1 + _PAD_DEG, y1 + _PAD_DEG)
    holes = shapely.union_all([shapely.Polygon(ring) for p in pieces for ring in p.interiors])
    free = shapely.difference(shapely.intersection(home, window), shapely.union_all([mine, holes, others]))
    parts = np.array(_polygons([free]))
    if not len(parts):
        return pieces
    # Touching the outline, and the polygons along an edge (boundaries meeting in a line).
    parts = parts[shapely.intersects(parts, _outline(_HOME[status]))]
    parts = parts[shapely.relate_pattern(parts, mine, "****1****")]
    metric = _project(parts)
    # A polygon's inscribed radius is at least its area over its perimeter: a cheap first cut.
    maybe = np.asarray(shapely.area(metric)) < REACH_KM * np.asarray(shapely.length(metric))
    radius = np.full(len(parts), np.inf)
    if maybe.any():
        circles = shapely.maximum_inscribed_circle(metric[maybe], tolerance=REACH_KM / 20)
        radius[maybe] = shapely.length(circles)
    pockets = parts[radius < REACH_KM]
    if not len(pockets):
        return pieces
    # Snap-rounded: a pocket's corners are computed crossings of the polygons' edges with the
    # outline, and a float union leaves near-coincident vertices that reprojection can cross.
    return _polygons([shapely.union_all([*pieces, *pockets], grid_size=_GRID_DEG)])


def by_country(rows: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """Keep each ``(status, polygon)`` part in its status's country, clipped there.

    Parameters
    ----------
    rows : list of (str, shapely geometry)
        Statuses of :data:`FRONTLINE_STATUSES` with lon/lat (Multi)Polygons.

    Returns
    -------
    list of (str, shapely Polygon)
        The kept parts, clipped, holes kept; then, for ``occupied`` and
        ``ukrainian_held``, the narrow gaps between them and their country's
        outline (:func:`reach_outline`).
    """
    import numpy as np
    import shapely

    regions = masks()
    kept: list[tuple[str, Any]] = []
    for status, geom in rows:
        parts = shapely.get_parts(geom)
        in_ua = shapely.intersection(parts, regions["UA"])
        in_ru = shapely.intersection(parts, regions["RU"])
        area_ua, area_ru = shapely.area(in_ua), shapely.area(in_ru)
        home = np.where(area_ua >= area_ru, "UA", "RU")
        allowed = (np.maximum(area_ua, area_ru) > 0) & np.isin(home, _ALLOWED[status])
        if status == "occupied":
            clipped = in_ua[allowed]
        elif status == "ukrainian_held":
            clipped = in_ru[allowed]
        else:
            clipped = shapely.intersection(parts[allowed], regions["unknown"])
        kept += [(status, p) for p in _polygons(clipped)]
    for status in _HOME:
        pieces = [p for s, p in kept if s == status]
        if pieces:
            filled = reach_outline(status, pieces, shapely.union_all([g for s, g in rows if s != status]))
            kept = [(s, p) for s, p in kept if s != status] + [(status, p) for p in filled]
    return kept


def _polygons(geoms: Any) -> list[Any]:
    import shapely

    return [p for g in geoms for p in shapely.get_parts(g) if p.geom_type == "Polygon" and p.area > 0]
