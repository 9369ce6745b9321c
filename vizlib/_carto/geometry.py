"""Shapely geometry to plotly lon/lat arrays, and geodesic helpers.

plotly draws ``go.Scattergeo`` lines from None-separated lon/lat lists; these
functions turn shapely geometries into such lists (polygons as clockwise rings,
holes cut out) and measure true distances. Heavy imports stay inside functions.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

EARTH_KM = 6371.0088
DECIMALS = 3  # ~100 m: finer than a pixel at any of the house sizes


def polygons(geom):
    """Yield the polygons of a (Multi)Polygon or geometry collection."""
    if geom is None or geom.is_empty:
        return
    if geom.geom_type == "Polygon":
        yield geom
    elif hasattr(geom, "geoms"):
        for part in geom.geoms:
            yield from polygons(part)


def fill_path(geoms, decimals: int = DECIMALS) -> tuple[list, list]:
    """Return None-separated lon/lat of the polygons' rings for ``fill="toself"``, clockwise, holes cut out.

    plotly.js fills ``fill="toself"`` geo lines with d3's spherical rule, where a
    counter-clockwise ring means "the whole globe but this"; clockwise exteriors
    fill the inside. It fills each ring on its own, so an interior ring (a hole)
    cannot be drawn as a ring: a polygon with holes is cut into hole-free pieces
    (:func:`without_holes`) that together cover exactly the polygon.
    """
    import shapely

    rings = []
    for geom in geoms:
        for poly in polygons(geom):
            for piece in without_holes(poly):
                piece = shapely.orient_polygons(piece, exterior_cw=True)
                rings.append(np.asarray(piece.exterior.coords))
    return _join(rings, decimals)


def without_holes(poly) -> list:
    """Cut a polygon into pieces without holes whose union is the polygon.

    Each hole is cut through by the vertical line at its representative point's
    longitude, which opens it into two notches; pieces are cut again until none
    has a hole.
    """
    import shapely

    if not poly.interiors:
        return [poly]
    x = shapely.Polygon(poly.interiors[0]).representative_point().x
    minx, miny, maxx, maxy = poly.bounds
    pieces = []
    for box in ((minx - 1, miny - 1, x, maxy + 1), (x, miny - 1, maxx + 1, maxy + 1)):
        for part in polygons(shapely.clip_by_rect(poly, *box)):
            pieces += without_holes(part)
    return pieces


def clip_to(geoms: Sequence[Any], clip: tuple[float, ...]) -> list[Any]:
    """Clip geometries to the lon/lat box ``clip`` (minlon, minlat, maxlon, maxlat); those inside stay as they are."""
    import shapely

    box = shapely.box(*clip)
    return [shapely.clip_by_rect(g, *clip) if not box.contains(g) else g for g in geoms]


def line_path(geoms, decimals: int = DECIMALS) -> tuple[list, list]:
    """Return None-separated lon/lat of line geometries (or polygon boundaries)."""
    import shapely

    parts = []
    for geom in geoms:
        if geom is None or geom.is_empty:
            continue
        if geom.geom_type in ("Polygon", "MultiPolygon"):
            geom = geom.boundary
        for line in getattr(geom, "geoms", [geom]):
            if isinstance(line, shapely.LineString) and not line.is_empty:
                parts.append(np.asarray(line.coords))
    return _join(parts, decimals)


def shared_lines(geoms):
    """Return each border between the given polygons once, merged into long lines."""
    import shapely

    boundaries = [g.boundary for g in geoms if g is not None and not g.is_empty]
    return shapely.line_merge(shapely.union_all(boundaries))


def _join(parts, decimals):
    lon: list = []
    lat: list = []
    for coords in parts:
        coords = np.round(coords[:, :2], decimals)
        # drop consecutive duplicates made by rounding
        keep = np.ones(len(coords), bool)
        keep[1:] = np.any(np.diff(coords, axis=0) != 0, axis=1)
        coords = coords[keep]
        if len(coords) < 2:
            continue
        lon += [float(v) for v in coords[:, 0]] + [None]
        lat += [float(v) for v in coords[:, 1]] + [None]
    return lon[:-1], lat[:-1]


def circle(lon: float, lat: float, radius_km: float, n: int = 48) -> tuple[list, list]:
    """Return lon/lat of a geodesic circle (a closed ring) around a point."""
    bearings = np.radians(np.linspace(0, 360, n + 1))
    d = radius_km / EARTH_KM
    p1, l1 = math.radians(lat), math.radians(lon)
    p2 = np.arcsin(np.sin(p1) * np.cos(d) + np.cos(p1) * np.sin(d) * np.cos(bearings))
    l2 = l1 + np.arctan2(np.sin(bearings) * np.sin(d) * np.cos(p1), np.cos(d) - np.sin(p1) * np.sin(p2))
    return (np.round(np.degrees(l2), 4).tolist(), np.round(np.degrees(p2), 4).tolist())


def distance_km(lon: float, lat: float, geom) -> tuple[float, tuple[float, float]]:
    """Return the distance from a point to a geometry, and the nearest point.

    Measured in an azimuthal equidistant projection centred on the point,
    so the distance is true (spherical) whatever the direction.
    """
    import shapely
    from pyproj import Transformer

    aeqd = f"+proj=aeqd +lat_0={lat} +lon_0={lon} +R={EARTH_KM * 1000} +units=m"
    fwd = Transformer.from_crs("EPSG:4326", aeqd, always_xy=True)
    projected = shapely.transform(geom, lambda xy: np.column_stack(fwd.transform(xy[:, 0], xy[:, 1])))
    nearest = shapely.ops.nearest_points(projected, shapely.Point(0, 0))[0]
    back = fwd.transform(nearest.x, nearest.y, direction="INVERSE")
    return math.hypot(nearest.x, nearest.y) / 1000, (back[0], back[1])


def main_parts(
    layer: Any, statuses: Sequence[str], share: float = 0.9
) -> tuple[tuple[float, float, float, float], float]:
    """Return the lon/lat bounds of the largest parts of a layer's areas of ``statuses``, and their share.

    Parts (polygons) are taken largest first until they hold ``share`` of the area (km², measured in
    :data:`vizlib.frontline.AREA_CRS`), so that a frame on them leaves out slivers far off.

    Returns
    -------
    (minlon, minlat, maxlon, maxlat), float
        The bounds, and the share (0 to 1) of the area the parts hold.
    """
    import geopandas as gpd

    from vizlib.frontline import AREA_CRS

    parts = gpd.GeoSeries(list(layer[layer.status.isin(list(statuses))].geometry), crs=4326).explode(index_parts=False)
    areas = parts.to_crs(AREA_CRS).area.to_numpy()
    order = np.argsort(-areas)
    held = np.cumsum(areas[order]) / areas.sum()
    keep = order[: int(np.searchsorted(held, share)) + 1]
    x0, y0, x1, y1 = (float(v) for v in parts.iloc[keep].total_bounds)
    return (x0, y0, x1, y1), float(held[len(keep) - 1])
