"""Load and validate vizlib's data: claims, events, places, settlements, control, boundaries.

Every loader takes ``source=None`` (the bundled file), a path, or a
DataFrame/GeoDataFrame of the user's own, checks every rule and returns a
fresh DataFrame. Any broken rule raises :class:`vizlib.DataError` whose lines
read ``file:row: field: message``. The row rules are :mod:`vizlib.schemas`;
reading and checking tables (``_tables``), boundary files (``_geojson``) and
the control record (``_control``) are private modules with one job each; this
module holds the rules across files and the public surface.

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
import functools
import math
import os
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

import pandas as pd
from pydantic import BaseModel

from vizlib import _control, schemas
from vizlib._files import DELIMITERS, csv_header, quote, read_text
from vizlib._geojson import KEYS, load_boundaries
from vizlib._paths import data_file
from vizlib._tables import load_rows, to_frame
from vizlib.errors import DataError, Problem, StaleDataWarning

if TYPE_CHECKING:
    import geopandas as gpd

#: What ``as_of=`` takes: a date (or datetime, pandas Timestamp), an ISO date string, or None.
AsOf: TypeAlias = "dt.date | str | None"
_Model = TypeVar("_Model", bound=BaseModel)

__all__ = [
    "AsOf",
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


# ------------------------------------------------------------------ CSV loaders


def _table(source: Any, model: type[_Model], kind: str) -> tuple[str, list[tuple[int, _Model]]]:
    """Load and validate the rows of a table of ``kind``; None is the bundled file."""
    return load_rows(data_file(KINDS[kind]) if source is None else source, model)


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
    _, rows = _table(source, schemas.Claim, "claims")
    frame = to_frame(rows, schemas.Claim, ("claim_date", "refers_to"))
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
        ``short_title`` (str or None), ``description``, ``category`` (str), ``place_id`` (str or None),
        ``place_label`` (str or None: what happened, in a map's few words),
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
    name, rows = _table(source, schemas.Event, "events")
    known = None if places_frame is None else set(places_frame["id"])
    problems = [
        Problem(name, line, "place_id", f"{quote(row.place_id)} is not a place id in places.csv")
        for line, row in rows
        if known is not None and row.place_id and row.place_id not in known
    ]
    if problems:
        raise DataError(problems)
    frame = to_frame(rows, schemas.Event, ("date",))
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
    name, rows = _table(source, schemas.Place, "places")
    problems = _outside_problems(name, rows, regions_source)
    if problems:
        raise DataError(problems)
    frame = to_frame(rows, schemas.Place, ())
    frame["geonames_id"] = frame["geonames_id"].astype("Int64")
    return frame


def _outside_problems(
    name: str, rows: Sequence[tuple[int, schemas.Place | schemas.Settlement]], regions_source: Any
) -> list[Problem]:
    """Each point must lie in the polygon of its ``iso_3166_2`` code (or country), within ``precision_m``."""
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
    return problems


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
    name, rows = _table(source, schemas.Settlement, "settlements")
    problems = _outside_problems(name, rows, regions_source) + [
        Problem(name, line, "id", f"{quote(row.id)} is already a place id in places.csv")
        for line, row in rows
        if place_ids is not None and row.id in place_ids
    ]
    if problems:
        raise DataError(sorted(problems, key=lambda p: p.row or 0))
    frame = to_frame(rows, schemas.Settlement, ())
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
        ``place_id, date, controlled_by, source, source_url, note, source_uk``, one row
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
    return _control.load_changes(path, None, CONTROL_RECORD_START)


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
        the place from before the record start), ``source``, ``source_url``,
        ``source_uk`` (``source`` in Ukrainian, or None).

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
    if path is None:  # a map asks once per drawn date and layout: the bundled record's answer is kept
        return _bundled_control(day).copy()
    return _control_on(control_changes(path), day)


@functools.lru_cache(maxsize=512)
def _bundled_control(day: dt.date) -> pd.DataFrame:
    return _control_on(_default("control_changes"), day)


def _control_on(changes: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    in_force = changes[changes["date"].isna() | (changes["date"] <= pd.Timestamp(day))]
    latest = in_force.groupby("place_id", sort=True).tail(1)
    columns = ["place_id", "controlled_by", "since", "source", "source_url", "source_uk"]
    out = latest.rename(columns={"date": "since"})[columns]
    return out.sort_values("place_id").reset_index(drop=True)


def _control_changes(source: Any, places_frame: pd.DataFrame, settlements_frame: pd.DataFrame) -> pd.DataFrame:
    """Validate a control table with the coverage rules: every place of Ukraine or Russia, and no other."""
    known = _control.controlled_places(places_frame, settlements_frame)
    return _control.load_changes(source, known, CONTROL_RECORD_START)


def _as_date(value: Any) -> dt.date:
    try:
        return pd.Timestamp(value).date()
    except (TypeError, ValueError):
        raise ValueError(f"as_of must be a date, not {value!r}") from None


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
    return load_boundaries(source, "regions")


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
    return load_boundaries(source, "locator")


# ------------------------------------------------------------------ defaults


@functools.cache
def _default(kind: str) -> Any:
    """Load and validate one bundled file once per process."""
    loaders = {
        "claims": lambda: _claims(data_file(KINDS["claims"])),
        "events": lambda: _events(data_file(KINDS["events"]), places()),
        "places": lambda: _places(data_file(KINDS["places"]), None),
        "regions": lambda: load_boundaries(data_file(KINDS["regions"]), "regions"),
        "locator": lambda: load_boundaries(data_file(KINDS["locator"]), "locator"),
        "settlements": lambda: _settlements(data_file(KINDS["settlements"]), None, set(places()["id"])),
        "control_changes": lambda: _control_changes(data_file(KINDS["control"]), places(), settlements()),
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
        for kind, key in KEYS.items():
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
        "regions": lambda p: load_boundaries(p, "regions"),
        "locator": lambda p: load_boundaries(p, "locator"),
        "settlements": lambda p: _settlements(p, None, set(known_places()["id"])),
        "control": lambda p: _control_changes(p, known_places(), settlements()),
    }
    return loaders[kind](path)
