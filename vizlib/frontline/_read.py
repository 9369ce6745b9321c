"""Reading DeepStateMap files into vizlib's layer schema (one row per status)."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from vizlib import fmt
from vizlib._atomic import replace_together
from vizlib._files import feature_list, read_json
from vizlib.errors import DataError, Problem
from vizlib.frontline import _clip

if TYPE_CHECKING:
    import geopandas as gpd

#: The statuses a layer's ``status`` column may hold.
FRONTLINE_STATUSES = ("occupied", "ukrainian_held", "unknown")
#: The columns of every layer, in order.
FRONTLINE_COLUMNS = ["status", "date", "source", "source_url", "geometry"]

#: Folder of the daily archive's files (raw files of the GitHub repository
#: ``cyterat/deepstate-map-data``, branch ``main``, folder ``data``).
ARCHIVE_URL = "https://raw.githubusercontent.com/cyterat/deepstate-map-data/main/data/"
#: DeepStateMap's public map, credited for full exports.
DEEPSTATE_URL = "https://deepstatemap.live/"
#: The archive's first day.
ARCHIVE_START = dt.date(2024, 7, 8)
ARCHIVE_NAME = "deepstatemap_data_{:%Y%m%d}.geojson"
EXPORT_NAME = "deepstate_export_{:%Y%m%d}.geojson"
ARCHIVE_SOURCE = "DeepStateMap via cyterat/deepstate-map-data, {} (GPL-3.0)"
EXPORT_SOURCE = "DeepStateMap export, {}"

# The last ``///`` part of an export feature's ``name`` is DeepStateMap's i18n
# key. "liberated"/"dismissed" is DeepStateMap's "Liberated": the 2024 ground
# in Kursk oblast, but also Ukraine's own 2022 liberations, which _clip drops
# (a status only exists in its own country). Crimea, ORDLO and Tuzla are
# occupied Ukraine drawn on their own layers (the daily archive merges them
# too). Every other key (units, attack directions, other countries) is ignored.
_STATUS_KEYS = {
    "geoJSON.status.occupied": "occupied",
    "geoJSON.territories.crimea": "occupied",
    "geoJSON.territories.ordlo": "occupied",
    "geoJSON.territories.tuzla": "occupied",
    "geoJSON.status.liberated": "ukrainian_held",
    "geoJSON.status.dismissed": "ukrainian_held",
    "geoJSON.status.dismissed_at": "ukrainian_held",
    "geoJSON.status.unknown": "unknown",
}
_DATE_IN_NAME = re.compile(r"(?:deepstatemap_data|deepstate_export)_(\d{8})")


def read_frontline(path_or_gdf: Any, *, date: Any = None, source: str | None = None) -> gpd.GeoDataFrame:
    """Read a DeepStateMap layer from a local file and normalise it.

    Normalising maps DeepStateMap's polygon names to vizlib's statuses and
    clips each status to the country it can exist in (see
    :mod:`vizlib.frontline`, "Statuses and borders"): ``occupied`` in
    Ukraine, ``ukrainian_held`` in Russia (so Ukraine's 2022 liberations
    inside Ukraine are dropped), ``unknown`` in either. Polygon holes (an
    unoccupied pocket) are kept.

    Parameters
    ----------
    path_or_gdf : path or GeoDataFrame
        A daily-archive file (``deepstatemap_data_YYYYMMDD.geojson``: one
        MultiPolygon without properties, all occupied), a DeepStateMap full
        export (``deepstate_export_YYYYMMDD.geojson``: polygons whose ``name``
        ends in a status key such as ``geoJSON.status.occupied``,
        ``geoJSON.status.liberated``/``dismissed`` or
        ``geoJSON.status.unknown``; points and other layers are ignored; a
        saved ``/api/history/last`` answer, whose ``map`` is the export, also
        reads), or a GeoDataFrame in one of those shapes or already in
        vizlib's schema.
    date : date-like, optional
        The layer's date; by default read from the file name (or the
        GeoDataFrame's ``date`` column).
    source : str, optional
        The source line text; by default says DeepStateMap, the archive or
        export, and the date.

    Returns
    -------
    geopandas.GeoDataFrame
        :data:`FRONTLINE_COLUMNS` in EPSG:4326, one row per status present,
        valid (Multi)Polygons.

    Raises
    ------
    vizlib.DataError
        If the input is not a FeatureCollection, has no polygons of a known
        status (in Ukraine or Russia), has a geometry that cannot be made
        valid, an unknown CRS, or no date.
    """
    import geopandas as gpd

    if isinstance(path_or_gdf, gpd.GeoDataFrame):
        return _read_frame(path_or_gdf, date, source)
    path = Path(path_or_gdf).resolve()
    stat = path.stat() if path.is_file() else None
    if stat is None:
        return _read_file(path, date, source)
    # A season's figures read the same files many times; clipping is the costly part (~0.1 s a file).
    return _read_file_once(path, stat.st_mtime_ns, stat.st_size, date, source).copy()


def read_clipped(path: Path, sha256: str, store: Path, *, date: Any, source: str) -> gpd.GeoDataFrame:
    """:func:`read_frontline` of a cached file, its clipped geometry kept in ``store`` between runs.

    Clipping a layer to its countries is the costly part of reading it (~0.1 s a file; a season
    of daily layers takes a quarter of a minute). Its result is kept as WKB (exact) in a file named
    after the raw file's SHA-256 and a digest of the code and outlines that clip it, so a change
    to either is a new name; an unreadable kept file is read afresh.
    """
    import shapely

    kept = _kept_name(path, sha256, store)
    try:
        # a figure's layouts and frames read a layer many times: once per version of the kept file
        stat = kept.stat()
        return _read_kept(kept, stat.st_mtime_ns, stat.st_size, path.name, date, source).copy()
    except (OSError, ValueError, KeyError, TypeError, shapely.errors.GEOSException):
        layer = read_frontline(path, date=date, source=source)
    keep_clipped(layer, path, sha256, store)
    return layer


def keep_clipped(layer: gpd.GeoDataFrame, path: Path, sha256: str, store: Path) -> None:
    """Keep the clipped geometry of ``layer``, read from ``path``, in ``store`` for :func:`read_clipped`."""
    import shapely

    parts = {
        "status": layer["status"].tolist(),
        "source_url": str(layer["source_url"].iloc[0]),
        "wkb": [shapely.to_wkb(g, hex=True) for g in layer.geometry],
    }
    try:  # whole or not at all: caches are shared; a cache that cannot be written is only slower
        store.mkdir(parents=True, exist_ok=True)
        replace_together([(_kept_name(path, sha256, store), json.dumps(parts).encode("utf-8"))])
    except OSError:
        pass


def _kept_name(path: Path, sha256: str, store: Path) -> Path:
    return store / f"{path.name}.{sha256[:16]}.{_clip_digest()}.json"


@functools.lru_cache(maxsize=512)
def _read_kept(kept: Path, mtime_ns: int, size: int, name: str, date: Any, source: str) -> gpd.GeoDataFrame:
    import geopandas as gpd
    import shapely

    parts = json.loads(kept.read_text(encoding="utf-8"))
    geometries = shapely.from_wkb([bytes.fromhex(h) for h in parts["wkb"]])
    return gpd.GeoDataFrame(
        {
            "status": parts["status"],
            "date": pd.to_datetime([layer_date(name, date, Path(name).stem)] * len(geometries)).astype(
                "datetime64[ns]"
            ),
            "source": source,
            "source_url": parts["source_url"],
        },
        geometry=list(geometries),
        crs="EPSG:4326",
    )[FRONTLINE_COLUMNS]


@functools.cache
def _clip_digest() -> str:
    """Return a digest of what decides a clipped layer: this module, the clipping and the bundled outlines."""
    from vizlib._paths import data_file

    digest = hashlib.sha256()
    for part in (Path(__file__), Path(_clip.__file__), data_file("regions.geojson")):
        digest.update(part.read_bytes())
    return digest.hexdigest()[:12]


@functools.lru_cache(maxsize=512)
def _read_file_once(path: Path, mtime_ns: int, size: int, date: Any, source: str | None) -> gpd.GeoDataFrame:
    """:func:`_read_file`, kept per file version (path, modification time, size) and arguments."""
    return _read_file(path, date, source)


def _read_file(path: Path, date: Any, source: str | None) -> gpd.GeoDataFrame:
    collection = read_json(path)
    if isinstance(collection, dict) and isinstance(collection.get("map"), dict):
        collection = collection["map"]  # DeepStateMap's /api/history/last answer: {id, datetime, map}
    name = path.name
    features = feature_list(name, collection)
    date = layer_date(name, date, path.stem)
    export = any(isinstance(f, dict) and (f.get("properties") or {}).get("name") for f in features)
    kind = EXPORT_SOURCE if export else ARCHIVE_SOURCE
    rows = _status_polygons(name, features, export, _crs_transformer(name, collection.get("crs")))
    return _layer(name, rows, date, source or kind.format(fmt.date(date)), _public_url(path.name, export))


def _public_url(name: str, export: bool) -> str:
    """Where a local file's layer is published: never the reader's own path."""
    if not export and name.startswith("deepstatemap_data_"):
        return ARCHIVE_URL + name
    return DEEPSTATE_URL if export else name


def layer_date(name: str, date: Any, stem: str) -> pd.Timestamp:
    """Return the layer's day: ``date`` if given, else the ``_YYYYMMDD`` in the file name."""
    if date is not None:
        try:
            return pd.Timestamp(date).normalize()
        except (ValueError, TypeError):
            raise DataError([Problem(name, None, "date", f"not a date: {date!r}")]) from None
    match = _DATE_IN_NAME.search(stem)
    if match:
        try:
            return pd.Timestamp(dt.datetime.strptime(match.group(1), "%Y%m%d"))
        except ValueError:
            pass
    raise DataError([Problem(name, None, "date", "no date in the file name (…_YYYYMMDD); pass date=")])


def _crs_transformer(name: str, crs: Any) -> Any:
    """Return None for lon/lat input, else a function reprojecting to EPSG:4326."""
    if crs is None:
        return None
    import pyproj

    label = (crs.get("properties") or {}).get("name") if isinstance(crs, dict) else crs
    try:
        parsed = pyproj.CRS.from_user_input(label)
    except (pyproj.exceptions.CRSError, TypeError):
        raise DataError([Problem(name, None, "crs", f"unknown CRS {label!r}")]) from None
    if parsed.equals(pyproj.CRS("OGC:CRS84")) or parsed.equals(pyproj.CRS("EPSG:4326"), ignore_axis_order=True):
        return None
    transformer = pyproj.Transformer.from_crs(parsed, "EPSG:4326", always_xy=True)
    return lambda x, y: transformer.transform(x, y)


def _status_polygons(name: str, features: list[Any], export: bool, reproject: Any) -> list[tuple[str, Any]]:
    """Return ``(status, polygon)`` for each polygon feature of a known status."""
    import shapely
    from shapely.geometry import shape

    problems, rows = [], []
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            problems.append(Problem(name, number, "type", "not a GeoJSON Feature"))
            continue
        geometry = feature.get("geometry") or {}
        if not isinstance(geometry, dict):
            problems.append(Problem(name, number, "geometry", "not a GeoJSON geometry object"))
            continue
        if geometry.get("type") not in ("Polygon", "MultiPolygon"):
            continue  # points (units, attack directions) and lines are not areas
        if export:
            status = _export_status((feature.get("properties") or {}).get("name"))
            if status is None:
                continue
        else:
            status = "occupied"
        try:
            geom = shapely.force_2d(shape(geometry))  # exports carry a zero Z
            if reproject is not None:
                geom = shapely.transform(geom, reproject, interleaved=False)
        except Exception as exc:  # shapely/pyproj raise several types for broken coordinates
            problems.append(Problem(name, number, "geometry", f"unreadable coordinates ({exc})"))
            continue
        minx, miny, maxx, maxy = geom.bounds
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            problems.append(Problem(name, number, "geometry", "coordinates are not lon/lat degrees (wrong CRS?)"))
            continue
        fixed = valid_polygonal(geom)
        if fixed is None:
            reason = shapely.is_valid_reason(geom)
            problems.append(Problem(name, number, "geometry", f"invalid polygon that cannot be repaired: {reason}"))
            continue
        rows.append((status, fixed))
    if problems:
        raise DataError(problems)
    if not rows:
        what = "polygons of a known status (occupied, liberated, unknown)" if export else "polygons"
        raise DataError([Problem(name, None, "features", f"no {what}")])
    return rows


def _export_status(label: Any) -> str | None:
    if not isinstance(label, str):
        return None
    key = label.split("///")[-1].strip().split(" ")[0]  # "…dismissed_at {{at:25.03}}"
    return _STATUS_KEYS.get(key)


def valid_polygonal(geom: Any) -> Any:
    """Return geom as a valid (Multi)Polygon, repaired if need be, or None."""
    import shapely

    if geom.is_valid and not geom.is_empty and geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    repaired = shapely.make_valid(geom) if not geom.is_valid else geom
    parts = [p for p in shapely.get_parts(repaired) if p.geom_type in ("Polygon", "MultiPolygon")]
    polygonal = shapely.union_all(parts) if parts else None
    if polygonal is None or polygonal.is_empty or polygonal.area == 0:
        return None
    return polygonal


def _layer(
    name: str, rows: list[tuple[str, Any]], date: pd.Timestamp, source: str, source_url: str
) -> gpd.GeoDataFrame:
    """Clip the polygons to their countries, then dissolve each status into one row."""
    import geopandas as gpd
    import shapely

    kept = _clip.by_country(rows)
    if not kept:
        raise DataError(
            [
                Problem(
                    name,
                    None,
                    "features",
                    "no polygons of a status in its country "
                    "(occupied in Ukraine, Ukrainian-held in Russia, unknown in either)",
                )
            ]
        )
    statuses = [s for s in FRONTLINE_STATUSES if any(status == s for status, _ in kept)]
    geometries = [valid_polygonal(shapely.union_all([g for status, g in kept if status == s])) for s in statuses]
    return gpd.GeoDataFrame(
        {
            "status": statuses,
            "date": pd.to_datetime([date] * len(statuses)).astype("datetime64[ns]"),
            "source": source,
            "source_url": source_url,
        },
        geometry=geometries,
        crs="EPSG:4326",
    )[FRONTLINE_COLUMNS]


def _read_frame(frame: gpd.GeoDataFrame, date: Any, source: str | None) -> gpd.GeoDataFrame:
    name = "<GeoDataFrame>"
    if frame.crs is None:
        raise DataError([Problem(name, None, "crs", "no CRS; set one (EPSG:4326 for lon/lat)")])
    if "status" not in frame.columns:
        collection = json.loads(frame.to_crs("EPSG:4326").to_json(drop_id=True))
        if date is None:
            raise DataError([Problem(name, None, "date", "no date; pass date=")])
        date = layer_date(name, date, "")
        export = "name" in frame.columns
        rows = _status_polygons(name, collection["features"], export, None)
        kind = EXPORT_SOURCE if export else ARCHIVE_SOURCE
        return _layer(name, rows, date, source or kind.format(fmt.date(date)), name)
    # Already in vizlib's schema: check, clip and re-dissolve.
    unknown = sorted(set(frame["status"]) - set(FRONTLINE_STATUSES))
    if unknown:
        raise DataError([Problem(name, None, "status", f"unknown status {unknown}; use {list(FRONTLINE_STATUSES)}")])
    if date is None:
        if "date" not in frame.columns or frame["date"].nunique() != 1:
            raise DataError([Problem(name, None, "date", "needs one date in a 'date' column, or pass date=")])
        date = frame["date"].iloc[0]
    date = layer_date(name, date, "")
    lonlat = frame.to_crs("EPSG:4326")
    rows = []
    for number, (status, geom) in enumerate(zip(lonlat["status"], lonlat.geometry, strict=True), start=1):
        fixed = valid_polygonal(geom) if geom is not None else None
        if fixed is None:
            raise DataError([Problem(name, number, "geometry", "not a valid (Multi)Polygon")])
        rows.append((status, fixed))
    if source is None:
        source = frame["source"].iloc[0] if "source" in frame.columns else f"DeepStateMap, {fmt.date(date)}"
    url = frame["source_url"].iloc[0] if "source_url" in frame.columns else name
    return _layer(name, rows, date, source, url)
