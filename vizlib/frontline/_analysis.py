"""Measuring layers: checked schema, areas by status, their change, distances to places."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import pandas as pd

from vizlib.errors import DataError, Problem
from vizlib.frontline._read import FRONTLINE_COLUMNS, FRONTLINE_STATUSES

if TYPE_CHECKING:
    import geopandas as gpd

#: Equal-area projection for areas (WGS 84 / NSIDC EASE-Grid 2.0 Global).
AREA_CRS = "EPSG:6933"


def check_layer(layer: Any) -> gpd.GeoDataFrame:
    """Check a frontline layer and return it in EPSG:4326.

    Parameters
    ----------
    layer : geopandas.GeoDataFrame
        With :data:`FRONTLINE_COLUMNS` and a CRS (as :func:`occupied`,
        :func:`export`, :func:`read_frontline` and :func:`history` return).
        Extra columns are kept. A hand-made layer is not clipped to its
        countries: pass it through :func:`read_frontline` for that.

    Returns
    -------
    geopandas.GeoDataFrame
        The same rows, in EPSG:4326.

    Raises
    ------
    vizlib.DataError
        Naming the missing columns, an unknown ``status`` (by row), or a
        missing CRS.
    """
    missing = [c for c in FRONTLINE_COLUMNS if c not in getattr(layer, "columns", [])]
    if missing:
        raise DataError(
            [
                Problem(
                    "<layer>",
                    None,
                    ",".join(missing),
                    "missing column; load the layer with occupied() or read_frontline()",
                )
            ]
        )
    problems = [
        Problem("<layer>", i, "status", f"{status!r} is not one of {', '.join(FRONTLINE_STATUSES)}")
        for i, status in enumerate(layer["status"], start=1)
        if status not in FRONTLINE_STATUSES
    ]
    if problems:
        raise DataError(problems)
    if layer.crs is None:
        raise DataError([Problem("<layer>", None, "crs", "no CRS; set EPSG:4326")])
    return layer.to_crs(4326) if layer.crs.to_epsg() != 4326 else layer


def _region_geometry(region: Any) -> Any:
    if isinstance(region, str):
        from vizlib import data

        regions = data.regions()
        match = regions.loc[regions["iso_3166_2"] == region]
        if match.empty:
            raise DataError([Problem("regions", None, "iso_3166_2", f"no region {region!r}")])
        return match.geometry.iloc[0]
    if getattr(region, "geom_type", None) in ("Polygon", "MultiPolygon"):
        return region
    raise DataError([Problem("region", None, "region", f"not an ISO 3166-2 code or a polygon: {region!r}")])


def _dissolved(layer: gpd.GeoDataFrame) -> list[tuple[pd.Timestamp, str, Any]]:
    """``(date, status, geometry)`` per date and status, in date then status order."""
    import shapely

    order = {s: i for i, s in enumerate(FRONTLINE_STATUSES)}
    groups = []
    for (date, status), part in layer.groupby(["date", "status"], sort=False):
        geoms = list(part.geometry)
        # history() repeats a layer when two asked dates share it: union, never add up.
        groups.append((pd.Timestamp(date), status, geoms[0] if len(geoms) == 1 else shapely.union_all(geoms)))
    return sorted(groups, key=lambda g: (g[0], order[g[1]]))


def area_by_status(layer: gpd.GeoDataFrame, region: Any) -> pd.DataFrame:
    """Area in km² of each status of a layer within a region.

    Measured in an equal-area projection (EPSG:6933) on the layer as read:
    clipped to each status's country, holes (unoccupied pockets) excluded.

    Parameters
    ----------
    layer : GeoDataFrame
        A frontline layer (:func:`occupied`, :func:`export`,
        :func:`read_frontline`), or several dates (:func:`history`).
    region : str or shapely Polygon/MultiPolygon
        An ``iso_3166_2`` code of :func:`vizlib.data.regions` (e.g.
        ``"UA-14"``; ``"UA"``/``"RU"`` for a country) or a lon/lat polygon.

    Returns
    -------
    pandas.DataFrame
        ``status, date, km2``, one row per status and date in the layer
        (date order, then ``occupied, ukrainian_held, unknown``).

    Raises
    ------
    vizlib.DataError
        A malformed layer (:func:`check_layer`) or an unknown region.
    """
    import geopandas as gpd

    layer = check_layer(layer)
    shape = _region_geometry(region)
    area = gpd.GeoSeries([shape], crs="EPSG:4326").to_crs(AREA_CRS).iloc[0]
    groups = _dissolved(layer)
    projected = gpd.GeoSeries([g for _, _, g in groups], crs="EPSG:4326").to_crs(AREA_CRS)
    rows = [
        {"status": status, "date": date, "km2": geom.intersection(area).area / 1e6}
        for (date, status, _), geom in zip(groups, projected, strict=True)
    ]
    frame = pd.DataFrame(rows, columns=["status", "date", "km2"])
    frame["date"] = frame["date"].astype("datetime64[ns]")
    return frame


def area_change(layer_a: gpd.GeoDataFrame, layer_b: gpd.GeoDataFrame, region: Any) -> pd.DataFrame:
    """Change in km² of each status within a region between two layers.

    Parameters
    ----------
    layer_a, layer_b : GeoDataFrame
        The earlier and the later layer (one date each).
    region : str or shapely Polygon/MultiPolygon
        As in :func:`area_by_status`.

    Returns
    -------
    pandas.DataFrame
        ``date_a, date_b, status, km2_a, km2_b, change_km2``; a status that
        only one layer has gets NaN for the other (not zero: that layer does
        not say).

    Raises
    ------
    vizlib.DataError
        A malformed layer, a layer with several dates, or an unknown region.
    """
    for label, layer in (("layer_a", layer_a), ("layer_b", layer_b)):
        dates = check_layer(layer)["date"].nunique()
        if dates != 1:
            raise DataError(
                [
                    Problem(
                        f"<{label}>", None, "date", f"has {dates} dates; pass one layer (select one date of a history)"
                    )
                ]
            )
    a = area_by_status(layer_a, region).set_index("status")
    b = area_by_status(layer_b, region).set_index("status")
    statuses = [s for s in FRONTLINE_STATUSES if s in a.index or s in b.index]
    frame = pd.DataFrame(
        {
            "date_a": layer_a["date"].iloc[0],
            "date_b": layer_b["date"].iloc[0],
            "status": statuses,
            "km2_a": a["km2"].reindex(statuses).to_numpy(),
            "km2_b": b["km2"].reindex(statuses).to_numpy(),
        }
    )
    frame["change_km2"] = frame["km2_b"] - frame["km2_a"]
    return frame


def changed_hands(
    layer_a: gpd.GeoDataFrame, layer_b: gpd.GeoDataFrame, region: Any = None, *, min_km2: float = 0.5
) -> gpd.GeoDataFrame:
    """Ground that changed hands between two layers' dates, and ground occupied at both, within a region.

    Parameters
    ----------
    layer_a, layer_b : GeoDataFrame
        The earlier and the later layer (one date each; their ``occupied`` areas are compared).
    region : str, shapely Polygon/MultiPolygon or None
        As in :func:`area_by_status`; None compares the whole layers.
    min_km2 : float
        Taken or retaken pieces smaller than this are left out: slivers where a boundary was
        redrawn rather than ground changing hands (the archive's lines move by tens of metres).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per status present: ``held_both`` (occupied at both dates), ``taken``
        (occupied at the later date only), ``retaken`` (occupied at the earlier date only: the layer
        no longer marks it occupied, which may mean retaken, grey zone or redrawn),
        with ``date`` (the later date), ``date_a``, ``source``, ``source_url`` (both layers'),
        ``km2`` (measured in :data:`AREA_CRS`) and ``geometry`` (EPSG:4326; holes kept).

    Raises
    ------
    vizlib.DataError
        A malformed layer, or a region unknown.
    """
    import geopandas as gpd
    import shapely

    def occupied(layer: Any) -> Any:
        layer = check_layer(layer)
        parts = list(layer.loc[layer["status"] == "occupied"].geometry)
        return shapely.union_all(parts) if parts else shapely.Polygon()

    a, b = occupied(layer_a), occupied(layer_b)
    if region is not None:
        area = _region_geometry(region)
        a, b = a.intersection(area), b.intersection(area)
    pieces = {
        "held_both": a.intersection(b),
        "taken": _without_slivers(b.difference(a), min_km2),
        "retaken": _without_slivers(a.difference(b), min_km2),
    }
    rows = [(status, geom) for status, geom in pieces.items() if not geom.is_empty and geom.area > 0]
    frame = gpd.GeoDataFrame(
        {
            "status": [s for s, _ in rows],
            "date": layer_b["date"].iloc[0],
            "date_a": layer_a["date"].iloc[0],
            "source": " and ".join(dict.fromkeys([str(layer_a["source"].iloc[0]), str(layer_b["source"].iloc[0])])),
            "source_url": str(layer_b["source_url"].iloc[0]),
        },
        geometry=[g for _, g in rows],
        crs="EPSG:4326",
    )
    frame["km2"] = frame.to_crs(AREA_CRS).area / 1e6
    return frame


def _without_slivers(geom: Any, min_km2: float) -> Any:
    import geopandas as gpd
    import shapely

    parts = gpd.GeoSeries(list(shapely.get_parts(geom)), crs="EPSG:4326")
    if parts.empty:
        return geom
    kept = parts[parts.to_crs(AREA_CRS).area / 1e6 >= min_km2]
    return shapely.union_all(list(kept)) if not kept.empty else shapely.Polygon()


def distance_to(layer: gpd.GeoDataFrame, places: Any = None, status: str = "occupied") -> pd.DataFrame:
    """Distance in km from each place's point to the nearest area of a status.

    The point is the place's coordinates: for a town, its GeoNames point (the
    town centre), so a town whose edge is reached is still some km away;
    the ``to`` column says which point. Each distance is measured in an
    azimuthal equidistant projection centred on the point, where distances
    from the centre are true geodesic (WGS 84) distances; polygon edges are
    short enough that the error is far below 1 %. A point inside an area is
    at 0 km; a point in a hole of it (an unoccupied pocket) is at the
    distance to the hole's edge.

    Parameters
    ----------
    layer : GeoDataFrame
        A frontline layer, or several dates (:func:`history`).
    places : DataFrame or list of str, optional
        Places with ``id, name, lat, lon`` (default :func:`vizlib.data.places`)
        or a list of place ids from it.
    status : {"occupied", "ukrainian_held", "unknown"}
        Which areas to measure to.

    Returns
    -------
    pandas.DataFrame
        ``id, name, date, status, distance_km, to`` (``to`` e.g. ``"centre
        of Kurakhove (GeoNames 695357)"``), in the order of ``places``, for
        each date of the layer.

    Raises
    ------
    vizlib.DataError
        A malformed layer, an unknown status or place id, places without
        ``id, name, lat, lon`` or with non-numeric coordinates, or a layer
        without areas of that status.
    """
    import pyproj
    import shapely

    layer = check_layer(layer)
    if status not in FRONTLINE_STATUSES:
        raise DataError([Problem("<layer>", None, "status", f"{status!r} is not one of {list(FRONTLINE_STATUSES)}")])
    towns = _places(places)
    targets = [(date, geom) for date, each, geom in _dissolved(layer) if each == status]
    if not targets:
        raise DataError([Problem("<layer>", None, "status", f"the layer has no {status!r} areas")])
    labels = [_point_label(row) for row in towns.to_dict("records")]
    frames = []
    for date, target in targets:
        distances = []
        for lon, lat in zip(towns["lon"], towns["lat"], strict=True):
            local = pyproj.Transformer.from_crs(
                "EPSG:4326", f"+proj=aeqd +lat_0={lat} +lon_0={lon} +datum=WGS84 +units=km", always_xy=True
            )
            projected = shapely.transform(target, lambda x, y, t=local: t.transform(x, y), interleaved=False)
            distances.append(float(projected.distance(shapely.Point(0, 0))))
        frames.append(
            pd.DataFrame(
                {
                    "id": towns["id"].to_numpy(),
                    "name": towns["name"].to_numpy(),
                    "date": date,
                    "status": status,
                    "distance_km": distances,
                    "to": labels,
                }
            )
        )
    frame = pd.concat(frames, ignore_index=True)
    frame["date"] = frame["date"].astype("datetime64[ns]")
    return frame


def _point_label(place: dict[str, Any]) -> str:
    """Which point of a place a distance is measured to."""
    name = place["name"]
    if str(place.get("approximate", "")).lower() == "true":
        within = place.get("precision_m")
        close = f", within {float(within) / 1000:g} km" if within is not None and pd.notna(within) else ""
        return f"approximate point of {name}{close}"
    gid = place.get("geonames_id")
    if gid is not None and pd.notna(gid):
        return f"centre of {name} (GeoNames {int(gid)})"
    return f"{name} at {float(place['lat']):.4f}, {float(place['lon']):.4f}"


def _places(places: Any) -> pd.DataFrame:
    from vizlib import data

    if places is None:
        return data.places()
    if isinstance(places, pd.DataFrame):
        missing = [c for c in ("id", "name", "lat", "lon") if c not in places.columns]
        if missing:
            raise DataError([Problem("<places>", None, ",".join(missing), "missing column")])
        bad = []
        for row, (lat, lon) in enumerate(zip(places["lat"], places["lon"], strict=True), start=1):
            try:
                if not (math.isfinite(float(lat)) and math.isfinite(float(lon))):
                    bad.append(row)
            except (TypeError, ValueError):
                bad.append(row)
        if bad:
            raise DataError([Problem("<places>", row, "lat,lon", "not a number") for row in bad])
        return places
    if isinstance(places, str) or not isinstance(places, Iterable):
        raise DataError([Problem("<places>", None, "places", "pass a DataFrame or a list of place ids")])
    ids = list(places)
    known = data.places().set_index("id", drop=False)
    unknown = [i for i in ids if i not in known.index]
    if unknown:
        raise DataError([Problem("places.csv", None, "id", f"no place {i!r}") for i in unknown])
    return known.loc[ids].reset_index(drop=True)
