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

import datetime as dt
import difflib
import functools
import json
import math
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from pydantic import BaseModel, ValidationError

from vizlib import schemas
from vizlib._files import DELIMITERS, csv_header, feature_list, quote, read_csv, read_json, read_text
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

#: The one date the whole article set is drawn as of, unless a builder or the CLI is given
#: ``as_of=``: claims published and events dated after it are left out, and maps draw control
#: of territory on that day. 23 Nov 2024 is the latest claim of the mid-November story
#: (Reuters' Ukrainian General Staff source: 59,000 troops, ~800 km² held).
DEFAULT_AS_OF = dt.date(2024, 11, 23)


# --------------------------------------------------------------------------- CSV


def _csv_records(path: Path, columns: list[str]) -> list[tuple[int, dict[str, str]]]:
    """Read a CSV file (as spreadsheets write it) with ``columns``; return ``(line, record)`` pairs."""
    table = read_csv(path)
    name, line, header = table.name, table.header_line, table.columns
    missing = [c for c in columns if c not in header]
    extra = [c for c in header if c not in columns]
    problems = table.header_problems()
    if missing and len(header) == 1 and len(columns) > 1:
        problems.append(Problem(name, line, "header", _one_column(header[0])))
    elif missing:
        guesses = [g for c in missing for g in difflib.get_close_matches(c, extra, n=1)]
        hint = f" ({', '.join(map(quote, guesses))} is there: names are exact)" if guesses else ""
        problems.append(Problem(name, line, ",".join(missing), f"missing column{hint}"))
        extra = [c for c in extra if c not in guesses]
    if extra and not (missing and len(header) == 1):
        problems += [Problem(name, line, "header", f"unknown column {quote(c)}") for c in extra]
    if problems:
        raise DataError(problems)
    return table.records()


def _one_column(header: str) -> str:
    used = next((d for d in DELIMITERS if d in header), ";")
    sep = "sep= and a tab" if used == "\t" else f"sep={used}"
    return f"{quote(header)} is one column: the delimiter must be a comma, or the first line must say {sep}"


_UNNAMED = re.compile(r"(Unnamed: \d+)?")  # pandas' name for a column with an empty header


def _frame_records(frame: pd.DataFrame, columns: list[str]) -> list[tuple[int, dict[str, Any]]]:
    name = "<DataFrame>"
    problems = []
    for position, column in enumerate(frame.columns, start=1):
        if isinstance(column, str) and _UNNAMED.fullmatch(column.strip()):
            held = frame[column].map(_from_pandas).map(lambda v: None if isinstance(v, str) and not v.strip() else v)
            if held.notna().any():
                value = held[held.notna()].iloc[0]
                message = f"column {position} has no name, but holds {quote(value)}"
                problems.append(Problem(name, None, "header", message))
            frame = frame.drop(columns=column)
    missing = [c for c in columns if c not in frame.columns]
    extra = [c for c in frame.columns if c not in columns]
    if missing:
        problems.append(Problem(name, None, ",".join(missing), "missing column"))
    problems += [Problem(name, None, "header", f"unknown column {quote(c)}") for c in extra]
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
        # padding is never meant, in any field; an empty cell is a missing value
        cleaned = {k: (v.strip() or None) if isinstance(v, str) else v for k, v in record.items()}
        try:
            rows.append((line, model.model_validate(cleaned)))
        except ValidationError as exc:
            problems += _problems_from(name, line, exc, "row")
    problems += _unique(name, [(line, row.id) for line, row in rows])
    if problems:
        raise DataError(problems)
    return rows


def _problems_from(name: str, row: int, exc: ValidationError, fallback: str) -> list[Problem]:
    """Turn pydantic's errors into one Problem each, quoting the offending value."""
    return [
        Problem(name, row, ".".join(str(p) for p in err["loc"]) or fallback, _message(err))
        for err in exc.errors(include_url=False)
    ]


#: Plain words for the patterns of :mod:`vizlib.schemas`.
_PATTERN_WORDS = {
    r"^[a-z0-9][a-z0-9_]*$": "a lowercase id (letters a-z, digits and _)",
    r"^[A-Z]{2}$": "a two-letter country code such as UA",
    r"^[A-Z]{2}-[A-Z0-9]{1,3}$": "an ISO 3166-2 code such as UA-14",
    r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$": "an ISO 3166 code such as UA or UA-14",
}
_BOUNDS = {
    "greater_than": "greater than {gt}",
    "greater_than_equal": "greater than or equal to {ge}",
    "less_than": "less than {lt}",
    "less_than_equal": "less than or equal to {le}",
}
_NOUNS = {"int": "a whole number", "float": "a number", "bool": "true or false", "string": "text", "date": "a date"}


def _message(err: Any) -> str:
    """Say what is wrong with one value, quoting it: ``'guess' is not one of count, ...``."""
    kind, value, ctx = err["type"], err.get("input"), err.get("ctx") or {}
    if kind == "missing" or value is None or value == "":
        return "required, but empty" if kind == "missing" or kind.endswith("_type") else _predicate(err["msg"])
    shown = quote(value)
    if kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", ctx.get("expected", "")) or [ctx.get("expected", "")]
        return f"{shown} is not one of {', '.join(allowed)}"
    if kind in _BOUNDS:
        bound = {k: int(v) if isinstance(v, float) and v.is_integer() else v for k, v in ctx.items()}
        return f"{shown} must be {_BOUNDS[kind].format(**bound)}"
    if kind == "string_too_long":
        return f"{shown} ({len(value)} characters) is longer than {ctx['max_length']} characters"
    if kind == "string_too_short":
        return f"{shown} is shorter than {ctx['min_length']} characters"
    if kind == "string_pattern_mismatch":
        words = _PATTERN_WORDS.get(ctx["pattern"], f"in the form {ctx['pattern']}")
        return f"{shown} is not {words}"
    if kind == "finite_number":
        return f"{shown} is not a finite number"
    if kind in ("int_parsing", "int_from_float"):
        return f"{shown} is not a whole number"
    if kind == "float_parsing":
        return f"{shown} is not a number (write it with a decimal point and no thousands separators)"
    if kind.startswith("date_"):
        return f"{shown} is not a date in YYYY-MM-DD form"
    if kind == "bool_parsing":
        return f"{shown} is not true or false"
    if kind == "extra_forbidden":
        return f"unknown property, holding {shown}"  # CSV columns are checked before
    if kind.endswith("_type"):
        return f"{shown} is not {_NOUNS.get(kind.removesuffix('_type'), kind.removesuffix('_type'))}"
    message = _predicate(err["msg"])
    if kind in ("value_error", "assertion_error") and not isinstance(value, dict) and shown not in message:
        return f"{shown} {message}"  # a rule's message is a predicate on the value (see vizlib.schemas)
    return message if shown in message or isinstance(value, dict) else f"{shown}: {message}"


def _predicate(msg: str) -> str:
    return msg.removeprefix("Value error, ").removeprefix("Assertion failed, ")


def _unique(name: str, keyed: list[tuple[int, str]], field: str = "id") -> list[Problem]:
    seen: dict[str, int] = {}
    problems = []
    for line, key in keyed:
        if key in seen:
            problems.append(Problem(name, line, field, f"duplicate {quote(key)} (first on row {seen[key]})"))
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
        Problem(name, line, "place_id", f"{quote(row.place_id)} is not a place id in places.csv")
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
            message = f"no boundary for {quote(row.iso_3166_2)} or {quote(row.country)} in the regions"
            problems.append(Problem(name, line, "iso_3166_2", message))
            continue
        distance_m = _distance_outside_m(shape, row.lon, row.lat)
        if distance_m > row.precision_m:
            where = f"{row.lat!r}, {row.lon!r} is {distance_m / 1000:.1f} km outside {row.iso_3166_2}"
            problems.append(Problem(name, line, "lat,lon", f"{where} (precision_m {row.precision_m:g})"))
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
            raise DataError([Problem(name, None, "crs", f"must be EPSG:4326 (WGS 84 lon/lat), not {quote(crs_name)}")])


def _validate_features(
    name: str, features: list[Any], model: type[BaseModel]
) -> list[tuple[int, BaseModel, Any]]:
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
            problems += _problems_from(name, number, exc, "properties")
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
    polygons = geometry.get("coordinates")
    if geometry.get("type") == "Polygon":
        polygons = [polygons]
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
        raise DataError([Problem(path.name, None, "file", "cannot tell the kind of data; pass --kind")])
    names = csv_header(text)
    header = set(names)
    if len(names) == 1:  # another delimiter than a comma: tell the kind, and let its loader say so
        header = {h.strip() for d in DELIMITERS for h in names[0].split(d) if d in names[0]}
    for kind, model in schemas.CSV_KINDS.items():
        if header == set(model.model_fields):
            return kind
    best = max(schemas.CSV_KINDS, key=lambda k: len(header & set(schemas.CSV_KINDS[k].model_fields)))
    if header & set(schemas.CSV_KINDS[best].model_fields) - {"id", "source", "source_url"}:
        return best
    message = f"cannot tell the kind of data from the columns {quote(','.join(names))}; pass --kind"
    raise DataError([Problem(path.name, 1, "file", message)])


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


# ------------------------------------------------------------------ frontline

# DeepStateMap layers (downloaded on request or read from a local file); the
# heavy imports and any network access happen only inside these functions.
from vizlib.frontline import occupied, read_frontline  # noqa: E402

__all__ += ["occupied", "read_frontline"]
