"""Load and validate vizlib's data: claims, events, places and boundaries.

Every loader takes ``source=None`` (the bundled file), a path, or a
DataFrame/GeoDataFrame of the user's own, checks every rule and returns a
fresh DataFrame. Any broken rule raises :class:`vizlib.DataError` whose lines
read ``file:row: field: message``.

Examples
--------
>>> from vizlib import data
>>> claims = data.claims()
>>> claims.loc[claims.id == "ru_kursk_zelensky_1111", "high"].item()
50000
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from pydantic import BaseModel, ValidationError

from vizlib import schemas
from vizlib._files import feature_list, read_json, read_text
from vizlib._paths import data_file
from vizlib.errors import DataError, Problem

if TYPE_CHECKING:
    import geopandas as gpd

Source = "str | os.PathLike[str] | pd.DataFrame | None"

__all__ = [
    "claims",
    "events",
    "places",
    "regions",
    "locator",
    "validate_file",
    "detect_kind",
    "KINDS",
    "DEFAULT_AS_OF",
]

#: Data kinds that :func:`validate_file` knows, with their default file names.
KINDS = {
    "claims": "claims.csv",
    "events": "events.csv",
    "places": "places.csv",
    "regions": "regions.geojson",
    "locator": "locator.geojson",
}
_CSV_HEADER_LINE = 1

#: The one date the whole article set is drawn as of, unless a builder or the CLI is given
#: ``as_of=``: claims published and events dated after it are left out, and maps draw control
#: of territory on that day. 23 Nov 2024 is the latest claim of the mid-November story
#: (Reuters' Ukrainian General Staff source: 59,000 troops, ~800 km² held).
DEFAULT_AS_OF = dt.date(2024, 11, 23)


# --------------------------------------------------------------------------- CSV


def _csv_records(path: Path, columns: list[str]) -> list[tuple[int, dict[str, str]]]:
    """Parse a CSV file strictly; return ``(line, record)`` pairs."""
    name = path.name
    text = read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise DataError([Problem(name, reader.line_num, "file", f"malformed CSV: {exc}")]) from None
    header = [h.strip() for h in rows[0]]
    problems = []
    missing = [c for c in columns if c not in header]
    extra = [c for c in header if c not in columns]
    if missing:
        hint = "; is the delimiter a comma?" if len(header) == 1 else ""
        problems.append(Problem(name, _CSV_HEADER_LINE, ",".join(missing), f"missing column{hint}"))
    if extra:
        problems.append(Problem(name, _CSV_HEADER_LINE, ",".join(extra), "unknown column"))
    if len(set(header)) != len(header):
        problems.append(Problem(name, _CSV_HEADER_LINE, "header", "duplicate column names"))
    if problems:
        raise DataError(problems)
    records = []
    # csv.reader does not report line numbers per row; count them from the text
    # (quoted fields may span lines, so re-parse to find each row's first line).
    line_numbers = _row_start_lines(text)
    for line, row in zip(line_numbers[1:], rows[1:]):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.append(Problem(name, line, "row", f"has {len(row)} fields, expected {len(header)}"))
            continue
        records.append((line, dict(zip(header, row))))
    if problems:
        raise DataError(problems)
    if not records:
        raise DataError([Problem(name, None, "file", "header only: no data rows")])
    return records


def _row_start_lines(text: str) -> list[int]:
    reader = csv.reader(io.StringIO(text, newline=""))
    starts, previous_end = [], 0
    for _ in reader:
        starts.append(previous_end + 1)
        previous_end = reader.line_num
    return starts


def _frame_records(frame: pd.DataFrame, columns: list[str]) -> list[tuple[int, dict[str, Any]]]:
    name = "<DataFrame>"
    missing = [c for c in columns if c not in frame.columns]
    extra = [c for c in frame.columns if c not in columns]
    problems = []
    if missing:
        problems.append(Problem(name, None, ",".join(missing), "missing column"))
    if extra:
        problems.append(Problem(name, None, ",".join(map(str, extra)), "unknown column"))
    if problems:
        raise DataError(problems)
    if frame.empty:
        raise DataError([Problem(name, None, "file", "no data rows")])
    out = []
    for position, record in enumerate(frame[columns].to_dict("records"), start=1):
        out.append((position, {k: _from_pandas(v) for k, v in record.items()}))
    return out


def _from_pandas(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value


def _validate_rows(
    name: str, records: list[tuple[int, dict[str, Any]]], model: type[BaseModel]
) -> list[tuple[int, BaseModel]]:
    problems, rows = [], []
    for line, record in records:
        cleaned = {k: (None if isinstance(v, str) and not v.strip() else v) for k, v in record.items()}
        try:
            rows.append((line, model.model_validate(cleaned)))
        except ValidationError as exc:
            problems += _problems_from(name, line, exc, "row")
    problems += _unique(name, [(line, row.id) for line, row in rows])
    if problems:
        raise DataError(problems)
    return rows


def _problems_from(name: str, row: int, exc: ValidationError, fallback: str) -> list[Problem]:
    problems = []
    for err in exc.errors():
        field = ".".join(str(p) for p in err["loc"]) or fallback
        if err["type"] == "missing" or (err.get("input", "") is None and err["type"].endswith("_type")):
            message = "required, but empty"
        else:
            message = err["msg"].removeprefix("Value error, ")
        problems.append(Problem(name, row, field, message))
    return problems


def _unique(name: str, keyed: list[tuple[int, str]], field: str = "id") -> list[Problem]:
    seen: dict[str, int] = {}
    problems = []
    for line, key in keyed:
        if key in seen:
            problems.append(Problem(name, line, field, f"duplicate {key!r} (first on row {seen[key]})"))
        else:
            seen[key] = line
    return problems


def _load_table(source: Any, kind: str) -> tuple[str, list[tuple[int, BaseModel]]]:
    model = schemas.CSV_KINDS[kind]
    columns = list(model.model_fields)
    if isinstance(source, pd.DataFrame):
        return "<DataFrame>", _validate_rows("<DataFrame>", _frame_records(source, columns), model)
    path = Path(source) if source is not None else data_file(KINDS[kind])
    return path.name, _validate_rows(path.name, _csv_records(path, columns), model)


def _to_frame(rows: list[tuple[int, BaseModel]], model: type[BaseModel], dates: tuple[str, ...]) -> pd.DataFrame:
    frame = pd.DataFrame([row.model_dump() for _, row in rows], columns=list(model.model_fields))
    for column in dates:
        frame[column] = pd.to_datetime(frame[column])
    return frame


# ------------------------------------------------------------------ CSV loaders


def claims(source: Any = None) -> pd.DataFrame:
    """Load the dated public claims (troop numbers, casualties, held area).

    Parameters
    ----------
    source : path, DataFrame or None
        A claims CSV or DataFrame of the user's own; None loads the bundled
        ``claims.csv``.

    Returns
    -------
    pandas.DataFrame
        One row per claim: ``id, subject, claim_date, refers_to, unit, low,
        high, basis, claimant, claimant_side, publication, source_url, note``.
        ``refers_to`` (the date the number describes) defaults to ``claim_date``.

    Raises
    ------
    vizlib.DataError
        If any rule is broken (see ``data/README.md``).
    """
    if source is None:
        return _default("claims").copy()
    return _claims(source)


def _claims(source: Any) -> pd.DataFrame:
    _, rows = _load_table(source, "claims")
    frame = _to_frame(rows, schemas.Claim, ("claim_date", "refers_to"))
    frame["refers_to"] = frame["refers_to"].fillna(frame["claim_date"])
    return frame


def events(source: Any = None, places: pd.DataFrame | None = None) -> pd.DataFrame:
    """Load the dated events of the story.

    Parameters
    ----------
    source : path, DataFrame or None
        An events CSV or DataFrame; None loads the bundled ``events.csv``.
    places : DataFrame, optional
        Places whose ``id`` an event's ``place_id`` must name. Without it,
        the bundled events are checked against the bundled places and a
        user's events are not checked for place ids (a chart does not need
        them; a map looks each one up in the places it draws).

    Returns
    -------
    pandas.DataFrame
        ``id, date, title, description, category, place_id, source,
        source_url, date_note``, sorted by date.

    Raises
    ------
    vizlib.DataError
        If any rule is broken, including a ``place_id`` that names no place
        of ``places``.
    """
    if source is None and places is None:
        return _default("events").copy()
    return _events(source, places)


def _events(source: Any, places_frame: pd.DataFrame | None) -> pd.DataFrame:
    name, rows = _load_table(source, "events")
    known = None if places_frame is None else set(places_frame["id"])
    problems = [
        Problem(name, line, "place_id", f"{row.place_id!r} is not a place id in places.csv")
        for line, row in rows
        if known is not None and row.place_id and row.place_id not in known
    ]
    if problems:
        raise DataError(problems)
    frame = _to_frame(rows, schemas.Event, ("date",))
    return frame.sort_values(["date", "id"], kind="stable").reset_index(drop=True)


def places(source: Any = None, regions: Any = None) -> pd.DataFrame:
    """Load the named places (towns, capitals, the Kurakhove dam).

    Each place must lie inside the polygon of its ``iso_3166_2`` code in the
    regions (or of its country in the locator outlines), within its
    ``precision_m``.

    Parameters
    ----------
    source : path, DataFrame or None
        A places CSV or DataFrame; None loads the bundled ``places.csv``.
    regions : path, GeoDataFrame or None
        Boundaries to check against; None uses the bundled ones.

    Returns
    -------
    pandas.DataFrame
        ``id, name, name_uk, name_ru, kind, country, iso_3166_2, lat, lon,
        precision_m, approximate, geonames_id, source``.

    Raises
    ------
    vizlib.DataError
        If any rule is broken, including a place outside its oblast.
    """
    if source is None and regions is None:
        return _default("places").copy()
    return _places(source, regions)


def _places(source: Any, regions_source: Any) -> pd.DataFrame:
    name, rows = _load_table(source, "places")
    polygons = _region_lookup(regions_source)
    problems = []
    for line, row in rows:
        shape = polygons.get(row.iso_3166_2) or polygons.get(row.country)
        if shape is None:
            problems.append(Problem(name, line, "iso_3166_2", f"no boundary for {row.iso_3166_2} or {row.country}"))
            continue
        distance_m = _distance_outside_m(shape, row.lon, row.lat)
        if distance_m > row.precision_m:
            problems.append(
                Problem(name, line, "lat,lon", f"{distance_m / 1000:.1f} km outside {row.iso_3166_2}")
            )
    if problems:
        raise DataError(problems)
    frame = _to_frame(rows, schemas.Place, ())
    frame["geonames_id"] = frame["geonames_id"].astype("Int64")
    return frame


def _region_lookup(regions_source: Any) -> dict[str, Any]:
    """Map ISO codes to shapely geometries: admin-1 and country outlines."""
    shapes: dict[str, Any] = {}
    for code, geom in zip(locator()["iso_a2"], locator().geometry):
        shapes[code] = geom
    frame = regions(regions_source)
    for code, geom in zip(frame["iso_3166_2"], frame.geometry):
        shapes[code] = geom
    return shapes


def _distance_outside_m(shape: Any, lon: float, lat: float) -> float:
    import shapely

    point = shapely.Point(lon, lat)
    if shape.covers(point):
        return 0.0
    # Degrees to metres near the point: good to well under 1% at this scale.
    nearest = shapely.ops.nearest_points(shape, point)[0]
    dx = (nearest.x - lon) * 111_320 * math.cos(math.radians(lat))
    dy = (nearest.y - lat) * 110_574
    return math.hypot(dx, dy)


# -------------------------------------------------------------------- GeoJSON


def regions(source: Any = None) -> gpd.GeoDataFrame:
    """Load the oblast polygons and country outlines.

    Parameters
    ----------
    source : path, GeoDataFrame or None
        A GeoJSON FeatureCollection (EPSG:4326) or GeoDataFrame; None loads
        the bundled ``regions.geojson`` (Natural Earth 10m admin-1).

    Returns
    -------
    geopandas.GeoDataFrame
        ``iso_3166_2, name, name_uk, name_ru, level, country,
        area_km2_source, clipped, gn_id, geometry`` in EPSG:4326.

    Raises
    ------
    vizlib.DataError
        On a malformed file, invalid or self-intersecting polygons, a CRS
        other than EPSG:4326, or missing properties.
    """
    if source is None:
        return _default("regions").copy()
    return _geo(source, "regions")


def locator(source: Any = None) -> gpd.GeoDataFrame:
    """Load the coarse country outlines used by locator insets.

    Parameters
    ----------
    source : path, GeoDataFrame or None
        A GeoJSON FeatureCollection or GeoDataFrame with ``iso_a2`` and
        ``name``; None loads the bundled ``locator.geojson``.

    Returns
    -------
    geopandas.GeoDataFrame
        ``iso_a2, name, geometry`` in EPSG:4326.
    """
    if source is None:
        return _default("locator").copy()
    return _geo(source, "locator")


_KEYS = {"regions": "iso_3166_2", "locator": "iso_a2"}


def _geo(source: Any, kind: str) -> gpd.GeoDataFrame:
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
    problems = _unique(name, [(n, getattr(r, _KEYS[kind])) for n, r, _ in rows], _KEYS[kind])
    if problems:
        raise DataError(problems)
    frame = gpd.GeoDataFrame(
        [r.model_dump() for _, r, _ in rows], geometry=[g for _, _, g in rows], crs="EPSG:4326"
    )
    return frame[[*model.model_fields, "geometry"]]


def _check_crs(name: str, collection: dict[str, Any]) -> None:
    crs = collection.get("crs")
    if crs is not None:
        crs_name = str((crs.get("properties") or {}).get("name", crs)) if isinstance(crs, dict) else str(crs)
        if not any(tag in crs_name for tag in ("CRS84", "4326")):
            raise DataError([Problem(name, None, "crs", f"must be EPSG:4326 (WGS 84 lon/lat), not {crs_name}")])


def _validate_features(
    name: str, features: list[Any], model: type[BaseModel]
) -> list[tuple[int, BaseModel, Any]]:
    import shapely
    from shapely.geometry import shape

    problems, rows = [], []
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            problems.append(Problem(name, number, "type", "not a GeoJSON Feature"))
            continue
        try:
            props = model.model_validate(feature.get("properties") or {})
        except ValidationError as exc:
            problems += _problems_from(name, number, exc, "properties")
            continue
        geometry = feature.get("geometry") or {}
        if not isinstance(geometry, dict):
            problems.append(Problem(name, number, "geometry", "not a GeoJSON geometry object"))
            continue
        if geometry.get("type") not in ("Polygon", "MultiPolygon"):
            problems.append(Problem(name, number, "geometry", f"must be a (Multi)Polygon, not {geometry.get('type')}"))
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
            problems.append(Problem(name, number, "geometry", "coordinates are not lon/lat degrees (wrong CRS?)"))
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
    polygons = geometry.get("coordinates")
    if geometry.get("type") == "Polygon":
        polygons = [polygons]
    try:
        for polygon in polygons:
            for ring in polygon:
                if len(ring) < 4:
                    return f"a ring has {len(ring)} positions; at least 4 are needed"
                if list(ring[0]) != list(ring[-1]):
                    return "a ring is not closed (first and last positions differ)"
    except TypeError:
        return "coordinates are not nested lists of positions"
    return None


# ------------------------------------------------------------------ defaults


@functools.cache
def _default(kind: str) -> Any:
    """Load and validate one bundled file once per process."""
    loaders = {
        "claims": lambda: _claims(data_file(KINDS["claims"])),
        "events": lambda: _events(data_file(KINDS["events"]), places()),
        "places": lambda: _places(data_file(KINDS["places"]), None),
        "regions": lambda: _geo(data_file(KINDS["regions"]), "regions"),
        "locator": lambda: _geo(data_file(KINDS["locator"]), "locator"),
    }
    return loaders[kind]()


# ------------------------------------------------------------------ validate


def detect_kind(path: str | os.PathLike[str]) -> str:
    """Tell a data file's kind from its header (CSV) or properties (GeoJSON).

    Raises
    ------
    vizlib.DataError
        If the kind cannot be told.
    """
    path = Path(path)
    text = read_text(path)
    if path.suffix.lower() in (".geojson", ".json"):
        for kind, key in _KEYS.items():
            if f'"{key}"' in text:
                return kind
    else:
        header = {h.strip() for h in next(csv.reader(io.StringIO(text)), [])}
        for kind, model in schemas.CSV_KINDS.items():
            if header == set(model.model_fields):
                return kind
        best = max(schemas.CSV_KINDS, key=lambda k: len(header & set(schemas.CSV_KINDS[k].model_fields)))
        if header & set(schemas.CSV_KINDS[best].model_fields) - {"id", "source", "source_url"}:
            return best
    raise DataError([Problem(path.name, 1, "file", "cannot tell the kind of data; pass --kind")])


def validate_file(path: str | os.PathLike[str], kind: str | None = None, places: Any = None) -> Any:
    """Validate one data file and return what its loader returns.

    Parameters
    ----------
    path : path-like
        The file to check.
    kind : {"claims", "events", "places", "regions", "locator"}, optional
        The kind of data; by default told from the file's columns.
    places : path or DataFrame, optional
        The places an events file's ``place_id`` must name; default the
        bundled places.

    Raises
    ------
    vizlib.DataError
        With one problem per broken rule.
    """
    kind = kind or detect_kind(path)
    known_places = (lambda: _places(places, None)) if places is not None else (lambda: _default("places"))
    loaders = {
        "claims": _claims,
        "events": lambda p: _events(p, known_places()),
        "places": lambda p: _places(p, None),
        "regions": lambda p: _geo(p, "regions"),
        "locator": lambda p: _geo(p, "locator"),
    }
    return loaders[kind](path)
