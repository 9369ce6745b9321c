"""Frontline and control areas: DeepStateMap layers, downloaded on request, and measured.

Two real sources, neither bundled with vizlib (licences):

* the public daily archive of DeepStateMap's occupied-territory layer
  (``cyterat/deepstate-map-data`` on GitHub, GPL-3.0; one GeoJSON per day
  since 2024-07-08, Ukraine only) — :func:`occupied` downloads a day's file
  into a per-user cache, or :func:`read_frontline` reads one you already have;
* a DeepStateMap full export (all layers, including the Ukrainian-held
  "Liberated" polygons in Kursk oblast and "Unknown status" areas) —
  :func:`read_frontline`.

Every layer is a GeoDataFrame in EPSG:4326 with :data:`FRONTLINE_COLUMNS`,
one row per status (the polygons of a status dissolved into one geometry).
The analysis functions measure areas in an equal-area projection (EPSG:6933)
and distances geodesically.

Examples
--------
>>> from vizlib import frontline
>>> layer = frontline.read_frontline("deepstatemap_data_20241111.geojson")  # doctest: +SKIP
>>> frontline.area_by_status(layer, "UA-14")                              # doctest: +SKIP
>>> frontline.distance_to(layer, ["kurakhove", "pokrovsk"])                # doctest: +SKIP

"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from vizlib import fmt
from vizlib._files import feature_list, read_json
from vizlib.errors import DataError, Problem

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "FRONTLINE_STATUSES",
    "FRONTLINE_COLUMNS",
    "ARCHIVE_URL",
    "ARCHIVE_START",
    "FrontlineUnavailableError",
    "occupied",
    "read_frontline",
    "area_by_status",
    "area_change",
    "distance_to",
]

#: The statuses a layer's ``status`` column may hold.
FRONTLINE_STATUSES = ("occupied", "ukrainian_held", "unknown")
#: The columns of every layer, in order.
FRONTLINE_COLUMNS = ["status", "date", "source", "source_url", "geometry"]

#: Folder of the daily archive's files (raw files of the GitHub repository
#: ``cyterat/deepstate-map-data``, branch ``main``, folder ``data``).
ARCHIVE_URL = "https://raw.githubusercontent.com/cyterat/deepstate-map-data/main/data/"
DEEPSTATE_URL = "https://deepstatemap.live/"
#: The archive's first day.
ARCHIVE_START = dt.date(2024, 7, 8)
ARCHIVE_NAME = "deepstatemap_data_{:%Y%m%d}.geojson"
ARCHIVE_SOURCE = "DeepStateMap via cyterat/deepstate-map-data, {} (GPL-3.0)"
EXPORT_SOURCE = "DeepStateMap export, {}"

#: Equal-area projection for areas (WGS 84 / NSIDC EASE-Grid 2.0 Global).
AREA_CRS = "EPSG:6933"
CACHE_ENV = "VIZLIB_CACHE"
_REGISTRY = "registry.json"
_TIMEOUT_S = 30

# The last ``///`` part of an export feature's ``name`` is DeepStateMap's i18n
# key. "dismissed" is DeepStateMap's key for "Liberated" (Kursk salient in 2024,
# and Ukraine's 2022 liberations); Crimea, ORDLO and Tuzla are occupied
# Ukraine drawn on their own layers (the daily archive merges them too).
# Every other key (units, attack directions, other countries) is ignored.
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


class FrontlineUnavailableError(DataError):
    """A frontline file could not be downloaded and is not in the cache."""


# ------------------------------------------------------------------ reading


def read_frontline(path_or_gdf: Any, *, date: Any = None, source: str | None = None) -> gpd.GeoDataFrame:
    """Read a DeepStateMap layer from a local file and normalise it.

    Parameters
    ----------
    path_or_gdf : path or GeoDataFrame
        A daily-archive file (``deepstatemap_data_YYYYMMDD.geojson``: one
        MultiPolygon without properties, all occupied), a DeepStateMap full
        export (``deepstate_export_YYYYMMDD.geojson``: polygons whose ``name``
        ends in a status key such as ``geoJSON.status.occupied``,
        ``geoJSON.status.liberated``/``dismissed`` or
        ``geoJSON.status.unknown``; points and other layers are ignored), or a
        GeoDataFrame in one of those shapes or already in vizlib's schema.
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
        status, has a geometry that cannot be made valid, an unknown CRS, or
        no date.

    """
    import geopandas as gpd

    if isinstance(path_or_gdf, gpd.GeoDataFrame):
        return _read_frame(path_or_gdf, date, source)
    path = Path(path_or_gdf)
    collection = read_json(path)
    name = path.name
    features = feature_list(name, collection)
    date = _layer_date(name, date, path.stem)
    export = any(isinstance(f, dict) and (f.get("properties") or {}).get("name") for f in features)
    kind = EXPORT_SOURCE if export else ARCHIVE_SOURCE
    rows = _status_polygons(name, features, export, _crs_transformer(name, collection.get("crs")))
    return _layer(rows, date, source or kind.format(fmt.date(date)), _public_url(path.name, export))


def _public_url(name: str, export: bool) -> str:
    """Where a local file's layer is published: never the reader's own path."""
    if not export and name.startswith("deepstatemap_data_"):
        return ARCHIVE_URL + name
    return DEEPSTATE_URL if export else name


def _layer_date(name: str, date: Any, stem: str) -> pd.Timestamp:
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
        fixed = _valid_polygonal(geom)
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


def _valid_polygonal(geom: Any) -> Any:
    """Return geom as a valid (Multi)Polygon, repaired if need be, or None."""
    import shapely

    if geom.is_valid and not geom.is_empty:
        return geom
    repaired = shapely.make_valid(geom)
    parts = [p for p in shapely.get_parts(repaired) if p.geom_type in ("Polygon", "MultiPolygon")]
    polygonal = shapely.union_all(parts) if parts else None
    if polygonal is None or polygonal.is_empty or polygonal.area == 0:
        return None
    return polygonal


def _layer(rows: list[tuple[str, Any]], date: pd.Timestamp, source: str, source_url: str) -> gpd.GeoDataFrame:
    """Dissolve the polygons of each status into one row."""
    import geopandas as gpd
    import shapely

    statuses = [s for s in FRONTLINE_STATUSES if any(status == s for status, _ in rows)]
    geometries = [shapely.union_all([g for status, g in rows if status == s]) for s in statuses]
    return gpd.GeoDataFrame(
        {
            "status": statuses,
            "date": pd.to_datetime([date] * len(statuses)).astype("datetime64[ns]"),
            "source": source,
            "source_url": source_url,
        },
        geometry=[_valid_polygonal(g) for g in geometries],
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
        date = _layer_date(name, date, "")
        export = "name" in frame.columns
        rows = _status_polygons(name, collection["features"], export, None)
        kind = EXPORT_SOURCE if export else ARCHIVE_SOURCE
        return _layer(rows, date, source or kind.format(fmt.date(date)), name)
    # Already in vizlib's schema: check and re-dissolve.
    unknown = sorted(set(frame["status"]) - set(FRONTLINE_STATUSES))
    if unknown:
        raise DataError([Problem(name, None, "status", f"unknown status {unknown}; use {list(FRONTLINE_STATUSES)}")])
    if date is None:
        if "date" not in frame.columns or frame["date"].nunique() != 1:
            raise DataError([Problem(name, None, "date", "needs one date in a 'date' column, or pass date=")])
        date = frame["date"].iloc[0]
    date = _layer_date(name, date, "")
    lonlat = frame.to_crs("EPSG:4326")
    rows = []
    for number, (status, geom) in enumerate(zip(lonlat["status"], lonlat.geometry, strict=True), start=1):
        fixed = _valid_polygonal(geom) if geom is not None else None
        if fixed is None:
            raise DataError([Problem(name, number, "geometry", "not a valid (Multi)Polygon")])
        rows.append((status, fixed))
    if source is None:
        source = frame["source"].iloc[0] if "source" in frame.columns else f"DeepStateMap, {fmt.date(date)}"
    url = frame["source_url"].iloc[0] if "source_url" in frame.columns else name
    return _layer(rows, date, source, url)


# ------------------------------------------------------------------ download


def occupied(
    date: Any,
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    base_url: str | None = None,
    max_days_back: int = 14,
    progress: bool = False,
) -> gpd.GeoDataFrame:
    """Occupied territory of Ukraine on a date, from DeepStateMap's daily archive.

    Downloads ``deepstatemap_data_YYYYMMDD.geojson`` from the public archive
    (:data:`ARCHIVE_URL`, GPL-3.0) into a per-user cache the first time, and
    records its SHA-256; later calls read the cache, verified, without any
    request. When the archive has no file for the day (HTTP 404), the nearest
    earlier day is used and its date is the layer's ``date``.

    Parameters
    ----------
    date : date-like
        The day wanted (from 2024-07-08).
    cache_dir : path, optional
        Where to keep the files; default ``$VIZLIB_CACHE`` or the per-user
        cache (``pooch.os_cache("vizlib")``), plus ``/deepstatemap``.
    base_url : str, optional
        Another folder holding the same file names (a mirror).
    max_days_back : int
        How many earlier days to try when a day is missing.
    progress : bool
        Show a download progress bar.

    Returns
    -------
    geopandas.GeoDataFrame
        One row, ``status == "occupied"``; see :func:`read_frontline`.

    Raises
    ------
    FrontlineUnavailableError
        Offline (or the server fails) and the file is not cached: says which
        URL to download and that :func:`read_frontline` reads it.
    vizlib.DataError
        If a cached or downloaded file does not match the SHA-256 recorded at
        its first download, or no file exists within ``max_days_back`` days.

    """
    wanted = _layer_date("occupied()", date, "").date()
    if wanted < ARCHIVE_START:
        raise DataError([Problem("occupied()", None, "date", f"the archive starts on {ARCHIVE_START}, not {wanted}")])
    folder = _cache_folder(cache_dir)
    base = (base_url or ARCHIVE_URL).rstrip("/") + "/"
    registry = _read_registry(folder)
    for back in range(max_days_back + 1):
        day = wanted - dt.timedelta(days=back)
        if day < ARCHIVE_START:
            break
        name = ARCHIVE_NAME.format(day)
        url = base + name
        if name in registry["missing"]:
            continue
        path = _cached(folder, name, registry)
        fresh = path is None
        if fresh:
            path = _download(folder, name, url, registry["sha256"].get(name), progress)
        if path is None:  # 404: the archive skipped that day
            if day < dt.date.today() - dt.timedelta(days=2):  # older gaps are permanent
                registry["missing"].append(name)
                _write_registry(folder, registry)
            continue
        try:
            layer = read_frontline(path, date=day, source=ARCHIVE_SOURCE.format(fmt.date(day)))
        except DataError:
            if fresh:
                path.unlink(missing_ok=True)  # never keep a file that does not read
            raise
        if fresh and name not in registry["sha256"]:
            registry["sha256"][name] = _sha256(path)
            _write_registry(folder, registry)
        return layer.assign(source_url=url)
    gap = f"no archive file for {wanted} or the {max_days_back} days before"
    raise DataError([Problem(ARCHIVE_NAME.format(wanted), None, "date", gap)])


def _cache_folder(cache_dir: Any) -> Path:
    if cache_dir is None:
        cache_dir = os.environ.get(CACHE_ENV)
    if cache_dir is None:
        import pooch

        cache_dir = pooch.os_cache("vizlib")
    return Path(cache_dir) / "deepstatemap"


def _read_registry(folder: Path) -> dict[str, Any]:
    path = folder / _REGISTRY
    try:
        registry = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        registry = {}
    except (OSError, ValueError) as exc:
        raise DataError([Problem(str(path), None, "file", f"unreadable cache registry ({exc}); delete it")]) from None
    return {"sha256": dict(registry.get("sha256", {})), "missing": list(registry.get("missing", []))}


def _write_registry(folder: Path, registry: dict[str, Any]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / (_REGISTRY + ".tmp")
    tmp.write_text(json.dumps(registry, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(folder / _REGISTRY)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _cached(folder: Path, name: str, registry: dict[str, Any]) -> Path | None:
    """Return the cached file if present and verified; reject a corrupted one."""
    path = folder / name
    known = registry["sha256"].get(name)
    if not path.exists() or known is None:
        return None
    if _sha256(path) != known:
        raise DataError(
            [
                Problem(
                    str(path),
                    None,
                    "sha256",
                    f"cached file does not match the hash recorded at its first download "
                    f"({known[:12]}…); delete it to download it again",
                )
            ]
        )
    return path


def _download(folder: Path, name: str, url: str, known: str | None, progress: bool) -> Path | None:
    """Download one archive file, checked against a known SHA-256; None on HTTP 404."""
    import pooch
    import requests

    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).unlink(missing_ok=True)  # an unrecorded leftover is never trusted
    logger = pooch.get_logger()
    level = logger.level
    logger.setLevel("WARNING")  # pooch logs every download and hash at INFO
    try:
        return Path(
            pooch.retrieve(
                url,
                known_hash=f"sha256:{known}" if known else None,
                fname=name,
                path=folder,
                downloader=pooch.HTTPDownloader(progressbar=progress, timeout=_TIMEOUT_S),
            )
        )
    except requests.exceptions.HTTPError as exc:
        code = exc.response.status_code if exc.response is not None else None
        if code == 404:
            return None
        raise _unavailable(name, url, folder, f"HTTP {code}") from None
    except requests.exceptions.RequestException as exc:
        raise _unavailable(name, url, folder, type(exc).__name__) from None
    except ValueError:  # pooch's hash check; it keeps no file
        raise DataError(
            [
                Problem(
                    url,
                    None,
                    "sha256",
                    f"download does not match the hash recorded at its first download ({known[:12]}…); not used",
                )
            ]
        ) from None
    finally:
        logger.setLevel(level)


def _unavailable(name: str, url: str, folder: Path, reason: str) -> FrontlineUnavailableError:
    return FrontlineUnavailableError(
        [
            Problem(
                name,
                None,
                "download",
                f"cannot download {url} ({reason}) and no cached copy in {folder}; "
                f"download it by hand and read it with vizlib.frontline.read_frontline(path)",
            )
        ]
    )


# ------------------------------------------------------------------ analysis


def _region_geometry(region: Any) -> tuple[str, Any]:
    if isinstance(region, str):
        from vizlib import data

        regions = data.regions()
        match = regions.loc[regions["iso_3166_2"] == region]
        if match.empty:
            raise DataError([Problem("regions", None, "iso_3166_2", f"no region {region!r}")])
        return region, match.geometry.iloc[0]
    if getattr(region, "geom_type", None) in ("Polygon", "MultiPolygon"):
        return "<geometry>", region
    raise DataError([Problem("region", None, "region", f"not an ISO 3166-2 code or a polygon: {region!r}")])


def check_layer(layer: Any) -> gpd.GeoDataFrame:
    """Check a frontline layer of the user's own and return it in EPSG:4326.

    Parameters
    ----------
    layer : geopandas.GeoDataFrame
        With :data:`FRONTLINE_COLUMNS` and a CRS (as :func:`occupied` and
        :func:`read_frontline` return).

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


def area_by_status(layer: gpd.GeoDataFrame, region: Any) -> pd.DataFrame:
    """Area in km² of each status of a layer within a region.

    Measured in an equal-area projection (EPSG:6933).

    Parameters
    ----------
    layer : GeoDataFrame
        A frontline layer (:func:`occupied`, :func:`read_frontline`).
    region : str or shapely Polygon/MultiPolygon
        An ``iso_3166_2`` code of :func:`vizlib.data.regions` (e.g.
        ``"UA-14"``) or a lon/lat polygon.

    Returns
    -------
    pandas.DataFrame
        ``status, date, km2``, one row per status in the layer.

    """
    import geopandas as gpd

    layer = check_layer(layer)
    _, shape = _region_geometry(region)
    area = gpd.GeoSeries([shape], crs="EPSG:4326").to_crs(AREA_CRS).iloc[0]
    projected = layer.to_crs(AREA_CRS)
    rows = [
        {"status": status, "date": date, "km2": geom.intersection(area).area / 1e6}
        for status, date, geom in zip(projected["status"], projected["date"], projected.geometry, strict=True)
    ]
    frame = pd.DataFrame(rows, columns=["status", "date", "km2"])
    return frame.groupby(["status", "date"], as_index=False, sort=False)["km2"].sum()


def area_change(layer_a: gpd.GeoDataFrame, layer_b: gpd.GeoDataFrame, region: Any) -> pd.DataFrame:
    """Change in km² of each status within a region between two layers.

    Parameters
    ----------
    layer_a, layer_b : GeoDataFrame
        The earlier and the later layer.
    region : str or shapely Polygon/MultiPolygon
        As in :func:`area_by_status`.

    Returns
    -------
    pandas.DataFrame
        ``date_a, date_b, status, km2_a, km2_b, change_km2``; a status that
        only one layer has gets NaN for the other (not zero: that layer does
        not say).

    """
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


def distance_to(layer: gpd.GeoDataFrame, places: Any = None, status: str = "occupied") -> pd.DataFrame:
    """Distance in km from each place to the nearest area of a status.

    Each distance is measured in an azimuthal equidistant projection centred
    on the place, where distances from the centre are true geodesic (WGS 84)
    distances; polygon edges are short enough that the error is far below 1 %.
    A place inside an area is at 0 km.

    Parameters
    ----------
    layer : GeoDataFrame
        A frontline layer.
    places : DataFrame or list of str, optional
        Places with ``id, name, lat, lon`` (default :func:`vizlib.data.places`)
        or a list of place ids from it.
    status : {"occupied", "ukrainian_held", "unknown"}
        Which areas to measure to.

    Returns
    -------
    pandas.DataFrame
        ``id, name, date, status, distance_km``, in the order of ``places``.

    """
    import pyproj
    import shapely

    layer = check_layer(layer)
    if status not in FRONTLINE_STATUSES:
        raise DataError([Problem("<layer>", None, "status", f"{status!r} is not one of {list(FRONTLINE_STATUSES)}")])
    towns = _places(places)
    lonlat = layer.to_crs("EPSG:4326")
    areas = lonlat.loc[lonlat["status"] == status]
    if areas.empty:
        raise DataError([Problem("<layer>", None, "status", f"the layer has no {status!r} areas")])
    target = shapely.union_all(list(areas.geometry))
    distances = []
    for lon, lat in zip(towns["lon"], towns["lat"], strict=True):
        local = pyproj.Transformer.from_crs(
            "EPSG:4326", f"+proj=aeqd +lat_0={lat} +lon_0={lon} +datum=WGS84 +units=km", always_xy=True
        )
        projected = shapely.transform(target, lambda x, y, t=local: t.transform(x, y), interleaved=False)
        distances.append(float(projected.distance(shapely.Point(0, 0))))
    return pd.DataFrame(
        {
            "id": towns["id"].to_numpy(),
            "name": towns["name"].to_numpy(),
            "date": areas["date"].iloc[0],
            "status": status,
            "distance_km": distances,
        }
    )


def _places(places: Any) -> pd.DataFrame:
    from vizlib import data

    if places is None:
        return data.places()
    if isinstance(places, pd.DataFrame):
        missing = [c for c in ("id", "name", "lat", "lon") if c not in places.columns]
        if missing:
            raise DataError([Problem("<places>", None, ",".join(missing), "missing column")])
        bad = [
            i
            for i, (lat, lon) in enumerate(zip(places["lat"], places["lon"], strict=True), start=1)
            if not (math.isfinite(lat) and math.isfinite(lon))
        ]
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
