"""Boundary files: GeoJSON FeatureCollections of (Multi)Polygons in EPSG:4326, checked feature by feature."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from vizlib import schemas
from vizlib._files import feature_list, quote, read_json
from vizlib._messages import problems_from
from vizlib._tables import unique
from vizlib.errors import DataError, Problem

if TYPE_CHECKING:
    import geopandas as gpd

#: The property that identifies a feature of each kind (unique in a file).
KEYS = {"regions": "iso_3166_2", "locator": "iso_a2"}


def load_boundaries(source: str | os.PathLike[str] | gpd.GeoDataFrame, kind: str) -> gpd.GeoDataFrame:
    """Read and validate a boundary file or GeoDataFrame of ``kind`` (a key of :data:`KEYS`).

    Returns
    -------
    geopandas.GeoDataFrame
        The properties of ``schemas.GEOJSON_KINDS[kind]`` and ``geometry``, in EPSG:4326.

    Raises
    ------
    vizlib.DataError
        On a malformed file, another CRS, broken properties, invalid or non-polygon
        geometry, or a repeated key.
    """
    import geopandas as gpd

    if isinstance(source, gpd.GeoDataFrame):
        name = "<GeoDataFrame>"
        if source.crs is None or source.crs.to_epsg() != 4326:
            raise DataError([Problem(name, None, "crs", f"must be EPSG:4326, not {source.crs}")])
        collection = json.loads(source.to_json(drop_id=True))
    else:
        path = Path(source)
        name = path.name
        collection = read_json(path)
    features = feature_list(name, collection)
    _check_crs(name, collection)
    model = schemas.GEOJSON_KINDS[kind]
    rows = _validate_features(name, features, model)
    problems = unique(name, [(n, getattr(r, KEYS[kind])) for n, r, _ in rows], KEYS[kind])
    if problems:
        raise DataError(problems)
    frame = gpd.GeoDataFrame([r.model_dump() for _, r, _ in rows], geometry=[g for _, _, g in rows], crs="EPSG:4326")
    return frame[[*model.model_fields, "geometry"]]


def _check_crs(name: str, collection: dict[str, Any]) -> None:
    crs = collection.get("crs")
    if crs is not None:
        crs_name = str((crs.get("properties") or {}).get("name", crs)) if isinstance(crs, dict) else str(crs)
        if not any(tag in crs_name for tag in ("CRS84", "4326")):
            raise DataError([Problem(name, None, "crs", f"must be EPSG:4326 (WGS 84 lon/lat), not {quote(crs_name)}")])


def _validate_features(name: str, features: list[Any], model: type[BaseModel]) -> list[tuple[int, BaseModel, Any]]:
    import shapely
    from shapely.geometry import shape

    problems, rows = [], []
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            shown = quote(feature.get("type") if isinstance(feature, dict) else feature)
            problems.append(Problem(name, number, "type", f"{shown} is not a GeoJSON Feature"))
            continue
        try:
            props = model.model_validate(feature.get("properties") or {})
        except ValidationError as exc:
            problems += problems_from(name, number, exc, "properties")
            continue
        geometry = feature.get("geometry") or {}
        if not isinstance(geometry, dict):
            problems.append(Problem(name, number, "geometry", f"{quote(geometry)} is not a GeoJSON geometry object"))
            continue
        if geometry.get("type") not in ("Polygon", "MultiPolygon"):
            message = f"must be a (Multi)Polygon, not {quote(geometry.get('type'))}"
            problems.append(Problem(name, number, "geometry", message))
            continue
        ring_problem = _ring_problem(geometry)
        if ring_problem:
            problems.append(Problem(name, number, "geometry", ring_problem))
            continue
        try:
            geom = shape(geometry)
        except Exception as exc:  # shapely raises several types for broken coordinates
            problems.append(Problem(name, number, "geometry", f"unreadable coordinates ({exc})"))
            continue
        minx, miny, maxx, maxy = geom.bounds
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            message = f"coordinates are not lon/lat degrees (x {minx:g}..{maxx:g}, y {miny:g}..{maxy:g}; wrong CRS?)"
            problems.append(Problem(name, number, "geometry", message))
            continue
        if not geom.is_valid:
            problems.append(Problem(name, number, "geometry", f"invalid polygon: {shapely.is_valid_reason(geom)}"))
            continue
        rows.append((number, props, geom))
    if problems:
        raise DataError(problems)
    return rows


def _ring_problem(geometry: dict[str, Any]) -> str | None:
    """Check RFC 7946 rings: closed, at least four positions."""
    coordinates: Any = geometry.get("coordinates")  # anything: a TypeError below says it is not positions
    polygons = [coordinates] if geometry.get("type") == "Polygon" else coordinates
    try:
        for polygon in polygons:
            for ring in polygon:
                if len(ring) < 4:
                    return f"a ring has {len(ring)} positions ({quote(ring)}); at least 4 are needed"
                if list(ring[0]) != list(ring[-1]):
                    return f"a ring is not closed (first {ring[0]} and last {ring[-1]} positions differ)"
    except TypeError:
        return f"coordinates {quote(geometry.get('coordinates'))} are not nested lists of positions"
    return None
