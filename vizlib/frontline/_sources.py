"""Getting layers: the daily archive, DeepStateMap exports, the resolver for figures, and history."""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import pandas as pd

from vizlib import fmt
from vizlib.errors import DataError, Problem
from vizlib.frontline._cache import (
    Cache,
    FrontlineUnavailableError,
    Unreachable,
    get_json,
    join,
    local_path,
    unavailable,
)
from vizlib.frontline._read import (
    ARCHIVE_NAME,
    ARCHIVE_SOURCE,
    ARCHIVE_START,
    ARCHIVE_URL,
    DEEPSTATE_URL,
    EXPORT_NAME,
    EXPORT_SOURCE,
    FRONTLINE_COLUMNS,
    keep_clipped,
    layer_date,
    read_clipped,
    read_frontline,
)

if TYPE_CHECKING:
    import geopandas as gpd

#: Environment variable: the daily archive's folder (URL, path or file:// URL).
ARCHIVE_ENV = "VIZLIB_DEEPSTATE_ARCHIVE_URL"
#: Environment variable: DeepStateMap's API root (holds ``history/public``, ``history/{id}/geojson``).
API_ENV = "VIZLIB_DEEPSTATE_API_URL"
#: Environment variable: a folder of ``deepstate_export_YYYYMMDD.geojson`` files, used instead of the API.
EXPORT_ENV = "VIZLIB_DEEPSTATE_EXPORT_URL"
#: DeepStateMap's public API root.
API_URL = "https://deepstatemap.live/api/"
HISTORY_LIST = "history/public"
HISTORY_GEOJSON = "history/{id}/geojson"
#: DeepStateMap dates its updates in Kyiv time; an entry's day is its Kyiv date.
KYIV = "Europe/Kyiv"
KINDS = ("auto", "archive", "export")


class Resolution(NamedTuple):
    """A layer for a figure, or None, with one line saying which or why not."""

    layer: gpd.GeoDataFrame | None
    note: str


def _day(what: str, date: Any) -> dt.date:
    return layer_date(what, date, "").date()


# ------------------------------------------------------------------ the daily archive


def occupied(
    date: Any,
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    base_url: str | None = None,
    max_days_back: int = 14,
    download: bool = True,
    progress: bool = False,
) -> gpd.GeoDataFrame:
    """Occupied territory of Ukraine on a date, from DeepStateMap's daily archive.

    Fetches ``deepstatemap_data_YYYYMMDD.geojson`` from the archive
    (:data:`ARCHIVE_URL`, GPL-3.0, or the mirror in
    ``$VIZLIB_DEEPSTATE_ARCHIVE_URL``) into the per-user cache the first
    time, and records its SHA-256; later calls read the cache, verified,
    without any request. When the archive has no file for the day (HTTP 404,
    or absent from a mirror folder), the nearest earlier day is used and its
    date is the layer's ``date``.

    Parameters
    ----------
    date : date-like
        The day wanted (from 2024-07-08).
    cache_dir : path, optional
        Cache root; default ``$VIZLIB_CACHE`` or the per-user cache
        (``pooch.os_cache("vizlib")``), plus ``/deepstatemap``.
    base_url : str, optional
        The archive's folder: an ``http(s)`` URL, a local folder or a
        ``file://`` URL holding the same file names. Default
        ``$VIZLIB_DEEPSTATE_ARCHIVE_URL``, else :data:`ARCHIVE_URL`.
    max_days_back : int
        How many earlier days to try when a day is missing.
    download : bool
        False: never touch the network; use the cache (and a local mirror
        folder), the nearest earlier cached day within ``max_days_back``.
    progress : bool
        Show a download progress bar.

    Returns
    -------
    geopandas.GeoDataFrame
        One row, ``status == "occupied"``, clipped to Ukraine; see
        :func:`read_frontline`. ``source_url`` is the file's address
        (the public archive's for a local mirror).

    Raises
    ------
    FrontlineUnavailableError
        Offline (or the server fails, or ``download=False``) and the file is
        not cached; or no file within ``max_days_back`` days; or a date before
        the archive's first day. Says which URL to download and that
        :func:`read_frontline` reads it.
    vizlib.DataError
        If a cached or downloaded file does not match the SHA-256 recorded at
        its first download, or does not read.
    """
    wanted = _day("occupied()", date)
    if wanted < ARCHIVE_START:
        raise FrontlineUnavailableError(
            [Problem("occupied()", None, "date", f"the archive starts on {ARCHIVE_START}, not {wanted}")],
            "before the archive's first day",
        )
    return _archive(Cache(cache_dir), wanted, base_url, max_days_back, download, progress)


def _archive(
    cache: Cache, wanted: dt.date, base_url: str | None, max_days_back: int, download: bool, progress: bool
) -> gpd.GeoDataFrame:
    base = base_url or os.environ.get(ARCHIVE_ENV) or ARCHIVE_URL
    public = ARCHIVE_URL if local_path(base) is not None else base
    days = [d for d in _days_back(wanted, max_days_back) if d >= ARCHIVE_START]
    recent = dt.date.today() - dt.timedelta(days=2)  # a gap older than this is permanent
    for day in days:
        name = ARCHIVE_NAME.format(day)
        layer = _layer_from(
            cache,
            join(base, name),
            name,
            day,
            ARCHIVE_SOURCE,
            join(public, name),
            download,
            progress,
            remember_gap=day < recent,
        )
        if layer is not None:
            return layer
    name = ARCHIVE_NAME.format(wanted)
    if not download and local_path(base) is None:
        raise unavailable(name, join(base, name), cache.folder, "downloading is off")
    raise FrontlineUnavailableError(
        [Problem(name, None, "date", f"no archive file for {wanted} or the {max_days_back} days before")],
        f"no archive file within {max_days_back} days",
    )


def _days_back(wanted: dt.date, max_days_back: int) -> list[dt.date]:
    return [wanted - dt.timedelta(days=back) for back in range(max_days_back + 1)]


def _layer_from(
    cache: Cache,
    source: str,
    name: str,
    day: dt.date,
    source_text: str,
    public_url: str,
    download: bool,
    progress: bool,
    remember_gap: bool = True,
    **entry: Any,
) -> gpd.GeoDataFrame | None:
    """Read ``name`` from the cache, or fetch it from ``source`` first; None if not there (or not fetched)."""
    path = cache.cached(name)
    fresh = path is None
    if path is None:
        if local_path(source) is None and not download:
            return None
        path = cache.fetch(source, name, download=download, progress=progress, remember_gap=remember_gap)
        if path is None:
            return None
    try:
        text = source_text.format(fmt.date(day))
        layer = (  # a file is kept clipped once it is in the cache for good
            read_frontline(path, date=day, source=text)
            if fresh
            else read_clipped(path, cache.registry["sha256"][name], cache.folder / "clipped", date=day, source=text)
        )
    except DataError:
        if fresh:
            cache.discard(name)  # never keep a file that does not read
        raise
    if fresh:
        cache.record(name, public_url, **entry)
        keep_clipped(layer, path, cache.registry["sha256"][name], cache.folder / "clipped")  # in for good now
    return layer.assign(source_url=cache.registry["url"].get(name, public_url))


# ------------------------------------------------------------------ DeepStateMap full exports


def export(
    date: Any,
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    api_url: str | None = None,
    mirror_url: str | None = None,
    max_days_back: int = 14,
    download: bool = True,
    progress: bool = False,
) -> gpd.GeoDataFrame:
    """DeepStateMap's full export (occupied, Ukrainian-held, unknown) for a date.

    Without a mirror, asks DeepStateMap's public history API: the list of
    map updates (``{api}history/public``: entries with ``id``, a Unix time,
    and ``createdAt``), picks the last update of the day (Kyiv time), or of
    the nearest earlier day within ``max_days_back``, and downloads its
    GeoJSON (``{api}history/{id}/geojson``) into the per-user cache as
    ``deepstate_export_YYYYMMDD.geojson``, SHA-256 recorded. A cached day is
    read without any request. With a mirror (``mirror_url`` or
    ``$VIZLIB_DEEPSTATE_EXPORT_URL``: a URL or folder of
    ``deepstate_export_YYYYMMDD.geojson`` files), the files come from there,
    like the archive's.

    Parameters
    ----------
    date : date-like
        The day wanted.
    cache_dir : path, optional
        As in :func:`occupied`.
    api_url : str, optional
        DeepStateMap's API root; default ``$VIZLIB_DEEPSTATE_API_URL``, else
        :data:`API_URL`.
    mirror_url : str, optional
        A folder of export files (``http(s)``, path or ``file://``), used
        instead of the API.
    max_days_back : int
        How many days before ``date`` an update may be.
    download : bool
        False: never touch the network; use the nearest earlier cached day
        (or a local mirror folder).
    progress : bool
        Show a download progress bar.

    Returns
    -------
    geopandas.GeoDataFrame
        Up to three rows (``occupied``, ``ukrainian_held``, ``unknown``),
        clipped to their countries; see :func:`read_frontline`.
        ``source_url`` is the update's GeoJSON URL (or the mirror file's;
        DeepStateMap's site for a local folder).

    Raises
    ------
    FrontlineUnavailableError
        Offline (or ``download=False``) with nothing cached, or no update
        within ``max_days_back`` days: one line saying what to download and
        that :func:`read_frontline` reads a file you have.
    vizlib.DataError
        If the history list is malformed, or a cached or downloaded file does
        not match its recorded SHA-256 or does not read.
    """
    wanted = _day("export()", date)
    cache = Cache(cache_dir)
    mirror = mirror_url or os.environ.get(EXPORT_ENV)
    if mirror:
        return _export_mirror(cache, wanted, mirror, max_days_back, download, progress)
    api = api_url or os.environ.get(API_ENV) or API_URL
    return _export_api(cache, wanted, api, max_days_back, download, progress)


def _export_mirror(
    cache: Cache, wanted: dt.date, mirror: str, max_days_back: int, download: bool, progress: bool
) -> gpd.GeoDataFrame:
    public = DEEPSTATE_URL if local_path(mirror) is not None else None
    for day in _days_back(wanted, max_days_back):
        name = EXPORT_NAME.format(day)
        layer = _layer_from(
            cache,
            join(mirror, name),
            name,
            day,
            EXPORT_SOURCE,
            public or join(mirror, name),
            download,
            progress,
            remember_gap=False,
        )  # a mirror folder may be partial
        if layer is not None:
            return layer
    raise _no_export(wanted, max_days_back, cache, f"none in {mirror}", "no export in the mirror")


def _export_api(
    cache: Cache, wanted: dt.date, api: str, max_days_back: int, download: bool, progress: bool
) -> gpd.GeoDataFrame:
    today = EXPORT_NAME.format(wanted)
    if cache.cached(today) is not None or not download:
        for day in _days_back(wanted, max_days_back):
            name = EXPORT_NAME.format(day)
            if cache.cached(name) is not None:
                cached = str(cache.folder / name)
                return _layer_from(cache, cached, name, day, EXPORT_SOURCE, DEEPSTATE_URL, False, False)
        raise _no_export(wanted, max_days_back, cache, "downloading is off", "downloading is off")
    list_url = join(api, HISTORY_LIST)
    try:
        entries = get_json(list_url)
    except Unreachable as exc:
        raise _no_export(wanted, max_days_back, cache, f"cannot reach {list_url}: {exc.reason}", exc.reason) from None
    entry = _pick_entry(list_url, entries, wanted, max_days_back)
    if entry is None:
        raise FrontlineUnavailableError(
            [Problem(list_url, None, "date", f"no DeepStateMap update on {wanted} or the {max_days_back} days before")],
            f"no update within {max_days_back} days",
        )
    ident, when = entry
    day = when.date()
    url = join(api, HISTORY_GEOJSON.format(id=ident))
    public = url if local_path(api) is None else DEEPSTATE_URL
    layer = _layer_from(
        cache,
        url,
        EXPORT_NAME.format(day),
        day,
        EXPORT_SOURCE,
        public,
        download,
        progress,
        remember_gap=False,
        id=ident,
        time=when.isoformat(),
    )
    if layer is None:
        raise FrontlineUnavailableError(
            [Problem(url, None, "download", "the update's GeoJSON is not there (404)")], "HTTP 404"
        )
    return layer


def _pick_entry(list_url: str, entries: Any, wanted: dt.date, max_days_back: int) -> tuple[Any, pd.Timestamp] | None:
    """Return the last update on ``wanted`` or the nearest earlier day: ``(id, Kyiv time)``."""
    if not isinstance(entries, list):
        raise DataError([Problem(list_url, None, "file", f"not a JSON list of updates but {type(entries).__name__}")])
    earliest = wanted - dt.timedelta(days=max_days_back)
    best = None
    for entry in entries:
        when = _entry_time(entry)
        if when is None or not earliest <= when.date() <= wanted:
            continue
        if best is None or when > best[1]:
            best = (entry["id"], when)
    return best


def _entry_time(entry: Any) -> pd.Timestamp | None:
    """Return an update's Kyiv time: its ``createdAt``/``datetime`` (ISO, UTC), else its ``id`` (Unix s)."""
    if not isinstance(entry, dict) or not isinstance(entry.get("id"), (int, str)):
        return None
    for key in ("createdAt", "datetime"):
        value = entry.get(key)
        if isinstance(value, str):
            try:
                stamp = pd.Timestamp(value)
            except ValueError:
                continue
            stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp
            return stamp.tz_convert(KYIV)
    if isinstance(entry["id"], int):
        return pd.Timestamp(entry["id"], unit="s", tz="UTC").tz_convert(KYIV)
    return None


def _no_export(wanted: dt.date, max_days_back: int, cache: Cache, why: str, reason: str) -> FrontlineUnavailableError:
    return FrontlineUnavailableError(
        [
            Problem(
                EXPORT_NAME.format(wanted),
                None,
                "download",
                f"no DeepStateMap export for {wanted} or the {max_days_back} days before ({why}) and none cached in "
                f"{cache.folder}; save one as {EXPORT_NAME.format(wanted)} and read it with "
                f"vizlib.frontline.read_frontline(path), or set {EXPORT_ENV} to a folder of them",
            )
        ],
        reason,
    )


# ------------------------------------------------------------------ for figures


def _load(
    kind: str, day: dt.date, cache: Cache, download: bool, max_days_back: int, progress: bool = False
) -> gpd.GeoDataFrame:
    if kind == "archive":
        if day < ARCHIVE_START:
            raise FrontlineUnavailableError(
                [Problem("archive", None, "date", f"the archive starts on {ARCHIVE_START}, not {day}")],
                "before the archive's first day",
            )
        return _archive(cache, day, None, max_days_back, download, progress)
    mirror = os.environ.get(EXPORT_ENV)
    if mirror:
        return _export_mirror(cache, day, mirror, max_days_back, download, progress)
    return _export_api(cache, day, os.environ.get(API_ENV) or API_URL, max_days_back, download, progress)


def for_date(
    date: Any,
    *,
    kind: str = "auto",
    download: bool = True,
    cache_dir: str | os.PathLike[str] | None = None,
    max_days_back: int = 14,
) -> Resolution:
    """Return the best control layer for a figure's as-of date, or None and why.

    ``kind="auto"`` prefers a DeepStateMap full export (the only source with
    the Ukrainian-held area in Kursk oblast and the grey zones) from the
    as-of date or up to ``max_days_back`` days before, and falls back to the
    daily archive (occupied ground only). When downloading fails it tries
    again from the cache alone. It never raises for a missing layer: a figure
    is drawn without one, and the note says why.

    Parameters
    ----------
    date : date-like
        The figure's as-of date.
    kind : {"auto", "archive", "export"}
        Which sources to try.
    download : bool
        Whether the network may be used (the mirrors in the environment
        variables included); False uses the cache and local mirror folders.
    cache_dir : path, optional
        As in :func:`occupied`.
    max_days_back : int
        How much older than ``date`` a layer may be.

    Returns
    -------
    Resolution
        ``(layer, note)``: the layer (see :func:`read_frontline`) and e.g.
        ``"DeepStateMap export, 14 Nov 2024 (latest within 14 days of
        23 Nov 2024)"``; or ``(None, "no control layer for …: …")``.

    Raises
    ------
    vizlib.DataError
        ``kind`` unknown, ``date`` not a date, or a cached file changed since
        its first download (that needs the user's attention).
    """
    if kind not in KINDS:
        raise DataError([Problem("for_date()", None, "kind", f"{kind!r} is not one of {', '.join(KINDS)}")])
    day = _day("for_date()", date)
    cache = Cache(cache_dir)
    kinds = ("export", "archive") if kind == "auto" else (kind,)
    reasons: dict[str, str] = {}
    for allowed in (True, False) if download else (False,):
        for each in kinds:
            try:
                layer = _load(each, day, cache, allowed, max_days_back)
            except FrontlineUnavailableError as exc:
                reasons.setdefault(each, exc.reason)
                continue
            got = layer["date"].iloc[0].date()
            when = "" if got == day else f" (latest within {max_days_back} days of {fmt.date(day)})"
            return Resolution(layer, f"{layer['source'].iloc[0]}{when}")
    why = "; ".join(f"{k}: {r}" for k, r in reasons.items())
    return Resolution(
        None,
        f"no control layer for {fmt.date(day)} ({why}); nothing cached. Download one with "
        "vizlib.frontline.for_date(date) when online, or pass a file (read_frontline(path))",
    )


_DATE_SPEC = re.compile(r"^\d{4}-?\d{2}-?\d{2}$")


def resolve(
    spec: str | os.PathLike[str] | None,
    as_of: Any,
    *,
    kind: str = "auto",
    download: bool = True,
    cache_dir: str | os.PathLike[str] | None = None,
) -> Resolution:
    """Map a ``--frontline`` value to a layer (or None) and a one-line note.

    Parameters
    ----------
    spec : str, path or None
        ``"auto"`` (the best layer for ``as_of``, :func:`for_date`),
        ``"none"`` or None (no layer), a date ``YYYY-MM-DD`` or ``YYYYMMDD``
        (the best layer for that date), or the path of a file
        :func:`read_frontline` reads.
    as_of : date-like
        The figure's as-of date (used by ``"auto"``).
    kind : {"auto", "archive", "export"}
        Passed to :func:`for_date` for ``"auto"`` and dates: e.g.
        ``"archive"`` for a Donetsk map (the freshest occupied layer) and
        ``"auto"`` for a Kursk map (an export has the salient).
    download : bool
        Passed to :func:`for_date`.
    cache_dir : path, optional
        As in :func:`occupied`.

    Returns
    -------
    Resolution
        ``(layer or None, note)``; offline with nothing cached is not an
        error (``layer`` is None and the note says why).

    Raises
    ------
    vizlib.DataError
        ``spec`` is none of the four spellings (names it), ``kind`` is
        unknown, or the file does not read (file, feature, field and problem).
    """
    text = str(spec).strip() if spec is not None else "none"
    if text.lower() == "none" or not text:
        return Resolution(None, "no control layer (--frontline none)")
    if text.lower() == "auto":
        return for_date(as_of, kind=kind, download=download, cache_dir=cache_dir)
    if _DATE_SPEC.match(text):
        return for_date(text, kind=kind, download=download, cache_dir=cache_dir)
    path = Path(text).expanduser()
    if not path.is_file():
        raise DataError([Problem(text, None, "--frontline", "not auto, none, a date (YYYY-MM-DD) or an existing file")])
    layer = read_frontline(path)
    return Resolution(layer, f"{layer['source'].iloc[0]} (from {path.name})")


# ------------------------------------------------------------------ history


def history(
    start: Any,
    end: Any,
    freq: str = "W",
    *,
    kind: str = "archive",
    download: bool = True,
    cache_dir: str | os.PathLike[str] | None = None,
    max_days_back: int = 14,
    progress: bool | None = None,
) -> gpd.GeoDataFrame:
    """Return the control layers of a date range, through the same cache, as one GeoDataFrame.

    Parameters
    ----------
    start, end : date-like
        The range; the dates are ``pandas.date_range(start, end, freq=freq)``
        (``"W"``: Sundays, ``"D"``: every day, ``"MS"``: first of the month).
    freq : str
        A pandas frequency.
    kind : {"archive", "export", "auto"}
        The source of each layer (as in :func:`for_date`; "auto" tries the
        export first), each the nearest earlier day where a day is missing.
    download : bool
        False: the cache (and local mirror folders) only.
    cache_dir : path, optional
        As in :func:`occupied`.
    max_days_back : int
        How much older than a requested date its layer may be.
    progress : bool, optional
        A tqdm progress bar on stderr; default when stderr is a terminal.

    Returns
    -------
    geopandas.GeoDataFrame
        ``requested`` (the date asked for) then :data:`FRONTLINE_COLUMNS`
        (``date`` is the layer's own day): one row per requested date and
        status, in date order. :func:`area_by_status` and
        :func:`distance_to` take it whole and answer per ``date``; select one
        date (``frame[frame.requested == d]``) to draw it.

    Raises
    ------
    FrontlineUnavailableError
        A date has no layer (offline and not cached, or none within
        ``max_days_back``); names it.
    vizlib.DataError
        An empty range or unknown ``kind``/``freq``, or a changed cached file.
    """
    import geopandas as gpd
    from tqdm import tqdm

    if kind not in KINDS:
        raise DataError([Problem("history()", None, "kind", f"{kind!r} is not one of {', '.join(KINDS)}")])
    try:
        dates = pd.date_range(pd.Timestamp(start), pd.Timestamp(end), freq=freq).normalize()
    except (ValueError, TypeError) as exc:
        raise DataError([Problem("history()", None, "start,end,freq", str(exc).splitlines()[0])]) from None
    if dates.empty:
        raise DataError([Problem("history()", None, "start,end", f"no {freq!r} date from {start} to {end}")])
    cache = Cache(cache_dir)
    show = sys.stderr.isatty() if progress is None else progress
    layers = []
    for stamp in tqdm(dates, desc="frontline layers", unit="layer", disable=not show, file=sys.stderr):
        day = stamp.date()
        if kind == "auto":
            try:
                layer = _load("export", day, cache, download, max_days_back)
            except FrontlineUnavailableError:
                layer = _load("archive", day, cache, download, max_days_back)
        else:
            layer = _load(kind, day, cache, download, max_days_back)
        layers.append(layer.assign(requested=stamp)[["requested", *FRONTLINE_COLUMNS]])
    frame = pd.concat(layers, ignore_index=True)
    return gpd.GeoDataFrame(frame, geometry="geometry", crs="EPSG:4326")
