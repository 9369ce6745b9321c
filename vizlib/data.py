"""Load and validate vizlib's data: claims, events, places and boundaries.

Every loader takes ``source=None`` (the bundled file), a path, or a
DataFrame/GeoDataFrame of the user's own, checks every rule and returns a
fresh DataFrame. Any broken rule raises :class:`vizlib.DataError` whose lines
read ``file:row: field: message``.

Examples
--------
>>> from vizlib import data
>>> claims = data.claims(as_of=data.DEFAULT_AS_OF)
>>> claims.loc[claims.id == "ru_kursk_zelensky_1111", ["low", "high", "bound"]].values.tolist()
[[50000.0, 50000.0, 'exact']]
>>> claims.loc[claims.id == "ru_kursk_before_pavliuk", ["low", "high", "bound"]].values.tolist()
[[nan, 4000.0, 'up_to']]
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import json
import math
import os
import re
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from pydantic import BaseModel, ValidationError

from vizlib import schemas
from vizlib._files import DELIMITERS, csv_header, feature_list, quote, read_csv, read_json, read_text
from vizlib._paths import data_file
from vizlib.errors import DataError, Problem, StaleDataWarning

if TYPE_CHECKING:
    import geopandas as gpd

Source = "str | os.PathLike[str] | pd.DataFrame | None"
AsOf = dt.date | str | None

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
    "as_of_date",
    "settlements",
    "control",
    "control_changes",
    "CONTROL_RECORD_START",
    "CONTROL_CHECKED_UNTIL",
]

#: Data kinds that :func:`validate_file` knows, with their default file names.
KINDS = {
    "claims": "claims.csv",
    "events": "events.csv",
    "places": "places.csv",
    "regions": "regions.geojson",
    "locator": "locator.geojson",
    "settlements": "settlements.csv",
    "control": "control.csv",
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


def claims(source: Any = None, *, as_of: AsOf = None) -> pd.DataFrame:
    """Load the dated public claims (troop numbers, casualties, held area).

    Parameters
    ----------
    source : path, DataFrame or None
        A claims CSV or DataFrame of the user's own; None loads the bundled
        ``claims.csv``. In a DataFrame, NaT in ``refers_to`` means undated
        (the CSV says ``undated``).
    as_of : date, ISO date string or None, keyword-only
        Keep only the claims published (``claim_date``) on or before this
        day; None keeps all. Figure builders pass :data:`DEFAULT_AS_OF`.

    Returns
    -------
    pandas.DataFrame
        One row per claim, in file order, with these columns:

        ============== ============== ==============================================
        column         dtype          meaning
        ============== ============== ==============================================
        id             str            unique slug
        subject        str            what is counted (``schemas.SUBJECTS``)
        claim_date     datetime64     day the claim was made
        refers_to      datetime64     day the number describes; **NaT** when the
                                      source gives no date (never filled in)
        unit           str            ``troops``, ``casualties`` or ``km2``
        low, high      float64        the bounds; **NaN** at an open end
        bound          str            ``exact``/``about``: one number (low = high);
                                      ``range``: low < high; ``at_least``: low
                                      only (high NaN); ``up_to``: high only (low NaN)
        basis          str            ``count``, ``expected``, ``cumulative``, ``peak``
        attribution    str            ``stated`` by the claimant, or ``derived``
                                      (computed from the claimant's numbers by the
                                      publication or by vizlib; see ``note``)
        claimant       str            who made the claim, with their role
        claimant_side  str            ``UA``, ``RU``, ``US``, ``KR`` or ``multi``
        publication    str            the primary publication, one clean name
                                      (print each once in a source line)
        via            str or None    the site the URL points at, when it is a
                                      repost or summary of ``publication``
        source_url     str            http(s) URL holding the text
        note           str or None    what exactly was said; caveats
        ============== ============== ==============================================

        To draw: a dot at ``low`` (= ``high``) for ``exact``/``about`` (label
        "about N" for ``about``), a bar from ``low`` to ``high`` for ``range``, a
        dot with an open end upward at ``low`` for ``at_least`` ("N+") and
        downward from ``high`` for ``up_to`` ("up to N"); never a bar from 0.
        Rows with NaT ``refers_to`` have no place on a time axis of
        ``refers_to``: show them apart (e.g. at ``claim_date``, marked undated).

    Raises
    ------
    vizlib.DataError
        If any rule is broken (see ``data/README.md``), one line per problem,
        e.g. ``claims.csv:3: bound: 'up_to' needs high and an empty low ...``.
    ValueError
        If ``as_of`` is not a date.
    """
    frame = _default("claims").copy() if source is None else _claims(source)
    return _until(frame, "claim_date", as_of)


def _claims(source: Any) -> pd.DataFrame:
    if isinstance(source, pd.DataFrame) and "refers_to" in source:
        dates = source["refers_to"]
        source = source.assign(refers_to=dates.astype(object).where(dates.notna(), schemas.UNDATED))
    _, rows = _load_table(source, "claims")
    frame = _to_frame(rows, schemas.Claim, ("claim_date", "refers_to"))
    frame[["low", "high"]] = frame[["low", "high"]].astype("float64")
    return frame


def as_of_date(as_of: AsOf = None) -> dt.date:
    """Return the date a figure is drawn as of: ``as_of``, or :data:`DEFAULT_AS_OF` when None.

    Parameters
    ----------
    as_of : date, datetime, pandas Timestamp, ISO date string (``YYYY-MM-DD``) or None

    Raises
    ------
    ValueError
        If ``as_of`` is not a date.
    """
    if as_of is None:
        return DEFAULT_AS_OF
    try:
        day = dt.date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
    except ValueError:
        day = None
    if isinstance(day, dt.datetime):
        day = day.date()
    if not isinstance(day, dt.date):
        raise ValueError(f"as_of must be a date or an ISO date string (YYYY-MM-DD), not {as_of!r}")
    return day


def _until(frame: pd.DataFrame, column: str, as_of: AsOf) -> pd.DataFrame:
    """Keep the rows whose ``column`` is on or before ``as_of`` (all if None)."""
    if as_of is None:
        return frame
    return frame[frame[column] <= pd.Timestamp(as_of_date(as_of))].reset_index(drop=True)


def events(source: Any = None, places: pd.DataFrame | None = None, *, as_of: AsOf = None) -> pd.DataFrame:
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
    as_of : date, ISO date string or None, keyword-only
        Keep only the events dated on or before this day; None keeps all.

    Returns
    -------
    pandas.DataFrame
        Sorted by date: ``id`` (str), ``date`` (datetime64), ``title``,
        ``description``, ``category`` (str), ``place_id`` (str or None),
        ``source`` (the primary publication, one clean name), ``via`` (str
        or None: the site the URL points at when it reposts ``source``),
        ``source_url``, ``date_note`` (str or None).

    Raises
    ------
    vizlib.DataError
        If any rule is broken, including a ``place_id`` that names no place
        of ``places``.
    ValueError
        If ``as_of`` is not a date.
    """
    if source is None and places is None:
        frame = _default("events").copy()
    else:
        frame = _events(source, places)
    return _until(frame, "date", as_of)


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
        precision_m, approximate, evidence_url, geonames_id, source``;
        ``evidence_url`` (str or None) names the public evidence for a
        position that no gazetteer gives (the Kurakhove dam).

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


# ------------------------------------------------------------ settlements, control

#: ``control.csv`` is a complete record from this day on: every place has a holder.
CONTROL_RECORD_START = dt.date(2022, 2, 24)
#: ... and was checked against the sources up to this day (the end of the DeepStateMap
#: archive used for villages). Later rows exist only where reporting was found.
CONTROL_CHECKED_UNTIL = dt.date(2024, 12, 31)
_CONTROLLED_COUNTRIES = ("UA", "RU")


def settlements(source: Any = None, regions: Any = None) -> pd.DataFrame:
    """Load the settlements named on the close-up maps (Pokrovsk, Kurakhove).

    GeoNames settlements of population 500 or more inside the two close-up
    frames, named in the Ukrainian national transliteration; built by
    ``scripts/build_data.py`` (see ``data/README.md``).

    Parameters
    ----------
    source : path, DataFrame or None
        A settlements CSV or DataFrame; None loads the bundled ``settlements.csv``.
    regions : path, GeoDataFrame or None
        Boundaries each settlement must lie in (within ``precision_m``); None
        uses the bundled ones.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`places` plus ``population``; ``name_ru`` may be
        empty.

    Raises
    ------
    vizlib.DataError
        If any rule is broken, including a settlement outside its oblast and,
        for the bundled file, an ``id`` that repeats one of ``places.csv``.
    """
    if source is None and regions is None:
        return _default("settlements").copy()
    return _settlements(source, regions)


def _settlements(source: Any, regions_source: Any, place_ids: set[str] | None = None) -> pd.DataFrame:
    name, rows = _load_table(source, "settlements")
    polygons = _region_lookup(regions_source)
    problems = []
    for line, row in rows:
        shape = polygons.get(row.iso_3166_2) or polygons.get(row.country)
        if shape is None:
            problems.append(Problem(name, line, "iso_3166_2", f"no boundary for {row.iso_3166_2} or {row.country}"))
        elif (distance_m := _distance_outside_m(shape, row.lon, row.lat)) > row.precision_m:
            problems.append(Problem(name, line, "lat,lon", f"{distance_m / 1000:.1f} km outside {row.iso_3166_2}"))
        if place_ids is not None and row.id in place_ids:
            problems.append(Problem(name, line, "id", f"{row.id!r} is already a place id in places.csv"))
    if problems:
        raise DataError(problems)
    frame = _to_frame(rows, schemas.Settlement, ())
    frame["geonames_id"] = frame["geonames_id"].astype("Int64")
    return frame


def control_changes(path: str | os.PathLike[str] | pd.DataFrame | None = None) -> pd.DataFrame:
    """Load every change of hands of every place: who took it, when, who says so.

    Parameters
    ----------
    path : path, DataFrame or None
        A control CSV or DataFrame; None loads the bundled ``control.csv``
        (checked against the bundled places and settlements: every place of
        Ukraine or Russia has rows, every ``place_id`` names one of them).

    Returns
    -------
    pandas.DataFrame
        ``place_id, date, controlled_by, source, source_url, note``, one row
        per change, sorted by place then date. ``date`` is NaT for a first
        row that holds from before :data:`CONTROL_RECORD_START`.

    Raises
    ------
    vizlib.DataError
        If any rule is broken (see ``data/README.md``): an unknown
        ``controlled_by``, dates not increasing within a place, two rows of
        one place on one day, a row that repeats the holder before it, a
        place whose record starts after :data:`CONTROL_RECORD_START`.
    """
    if path is None:
        return _default("control_changes").copy()
    return _control_changes(path, None)


def control(as_of: Any = None, *, path: str | os.PathLike[str] | pd.DataFrame | None = None) -> pd.DataFrame:
    """Who held each place on one day.

    Parameters
    ----------
    as_of : date-like, optional
        The day; None means :data:`DEFAULT_AS_OF`. Must not be before
        :data:`CONTROL_RECORD_START`.
    path : path, DataFrame or None
        A control CSV or DataFrame of the user's own; None loads the bundled
        ``control.csv``.

    Returns
    -------
    pandas.DataFrame
        One row per place, sorted by ``place_id``: ``place_id``,
        ``controlled_by`` (``ukraine``, ``russia`` or ``contested``),
        ``since`` (the date of the change in force; NaT when the holder held
        the place from before the record start), ``source``, ``source_url``.

    Raises
    ------
    ValueError
        If ``as_of`` is before :data:`CONTROL_RECORD_START` or not a date.
    vizlib.DataError
        If the file breaks a rule (see :func:`control_changes`).

    Warns
    -----
    vizlib.StaleDataWarning
        If ``as_of`` is after :data:`CONTROL_CHECKED_UNTIL`: later changes are
        recorded only where reporting was found.

    Examples
    --------
    >>> from vizlib import data
    >>> held = data.control("2024-11-23").set_index("place_id")
    >>> held.loc["selydove", "controlled_by"], held.loc["selydove", "since"].date().isoformat()
    ('russia', '2024-10-29')
    """
    day = _as_date(DEFAULT_AS_OF if as_of is None else as_of)
    if day < CONTROL_RECORD_START:
        raise ValueError(f"as_of {day.isoformat()} is before the control record starts ({CONTROL_RECORD_START})")
    if day > CONTROL_CHECKED_UNTIL:
        warnings.warn(
            f"control on {day.isoformat()}: control.csv was checked up to {CONTROL_CHECKED_UNTIL}; "
            "later changes are recorded only where reporting was found",
            StaleDataWarning,
            stacklevel=2,
        )
    changes = control_changes(path)
    in_force = changes[changes["date"].isna() | (changes["date"] <= pd.Timestamp(day))]
    latest = in_force.groupby("place_id", sort=True).tail(1)
    out = latest.rename(columns={"date": "since"})[["place_id", "controlled_by", "since", "source", "source_url"]]
    return out.sort_values("place_id").reset_index(drop=True)


def _as_date(value: Any) -> dt.date:
    try:
        return pd.Timestamp(value).date()
    except (TypeError, ValueError):
        raise ValueError(f"as_of must be a date, not {value!r}") from None


def _control_changes(source: Any, known: set[str] | None) -> pd.DataFrame:
    """Validate a control table; with ``known`` place ids, also the coverage rules."""
    model = schemas.Control
    columns = list(model.model_fields)
    if isinstance(source, pd.DataFrame):
        name, records = "<DataFrame>", _frame_records(source, columns)
    else:
        path = Path(source)
        name, records = path.name, _csv_records(path, columns)
    problems, rows = [], []
    for line, record in records:
        cleaned = {k: (None if isinstance(v, str) and not v.strip() else v) for k, v in record.items()}
        try:
            rows.append((line, model.model_validate(cleaned)))
        except ValidationError as exc:
            problems += _problems_from(name, line, exc, "row")
    if problems:
        raise DataError(problems)
    problems = _control_problems(name, rows, known)
    if problems:
        raise DataError(problems)
    frame = _to_frame(rows, model, ("date",))
    order = frame.groupby("place_id", sort=False).cumcount()
    return frame.assign(_order=order).sort_values(["place_id", "_order"]).drop(columns="_order").reset_index(drop=True)


def _control_problems(name: str, rows: list[tuple[int, Any]], known: set[str] | None) -> list[Problem]:
    """Check the rules across rows: per place, and (with ``known``) across files."""
    problems: list[Problem] = []
    last: dict[str, tuple[int, Any]] = {}
    for line, row in rows:
        previous = last.get(row.place_id)
        if previous is None:
            if row.date is not None and row.date > CONTROL_RECORD_START:
                problems.append(
                    Problem(
                        name,
                        line,
                        "date",
                        f"{row.date.isoformat()}: the first row of {row.place_id!r} must be empty (held from "
                        f"before the record) or not after {CONTROL_RECORD_START.isoformat()}",
                    )
                )
        else:
            before_line, before = previous
            if row.date is None:
                problems.append(
                    Problem(name, line, "date", f"empty, but only the first row of {row.place_id!r} may be undated")
                )
            elif before.date is not None and row.date == before.date:
                problems.append(
                    Problem(
                        name,
                        line,
                        "date",
                        f"{row.date.isoformat()}: two rows for {row.place_id!r} on one day "
                        f"(first on row {before_line})",
                    )
                )
            elif before.date is not None and row.date < before.date:
                problems.append(
                    Problem(
                        name,
                        line,
                        "date",
                        f"{row.date.isoformat()} is before {before.date.isoformat()} "
                        f"on row {before_line}: dates must increase within {row.place_id!r}",
                    )
                )
            elif row.controlled_by == before.controlled_by:
                problems.append(
                    Problem(
                        name,
                        line,
                        "controlled_by",
                        f"{row.controlled_by!r} again: not a change (already so on row {before_line})",
                    )
                )
        last[row.place_id] = (line, row)
    if known is not None:
        for line, row in rows:
            if row.place_id not in known:
                problems.append(
                    Problem(name, line, "place_id", f"{row.place_id!r} is not a place of places.csv or settlements.csv")
                )
        missing = sorted(known - set(last))
        if missing:
            problems.append(Problem(name, None, "place_id", f"no row for {', '.join(missing)}"))
    return problems


def _controlled_places(places_frame: pd.DataFrame, settlements_frame: pd.DataFrame) -> set[str]:
    """Ids of the places whose holder the record must give: those in Ukraine or Russia."""
    ids = set(places_frame.loc[places_frame["country"].isin(_CONTROLLED_COUNTRIES), "id"])
    return ids | set(settlements_frame.loc[settlements_frame["country"].isin(_CONTROLLED_COUNTRIES), "id"])


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
        "settlements": lambda: _settlements(data_file(KINDS["settlements"]), None, set(places()["id"])),
        "control_changes": lambda: _control_changes(
            data_file(KINDS["control"]), _controlled_places(places(), settlements())
        ),
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
    kind : {"claims", "events", "places", "regions", "locator", "settlements", "control"}, optional
        The kind of data; by default told from the file's columns.
    places : path or DataFrame, optional
        The places an events file's ``place_id`` must name (and, with the
        bundled settlements, those a control file must cover); default the
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
        "settlements": lambda p: _settlements(p, None, set(known_places()["id"])),
        "control": lambda p: _control_changes(p, _controlled_places(known_places(), settlements())),
    }
    return loaders[kind](path)
