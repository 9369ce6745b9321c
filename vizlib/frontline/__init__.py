"""Control areas: DeepStateMap layers, fetched on request into a cache, normalised and measured.

Sources (none bundled with vizlib: licences)
--------------------------------------------
* The public daily archive of DeepStateMap's occupied-territory layer
  (``cyterat/deepstate-map-data`` on GitHub, GPL-3.0; one GeoJSON per day
  since 2024-07-08, a few days missing): :func:`occupied`.
* DeepStateMap's full export (occupied, "Liberated", "Unknown status"), one
  per map update, from DeepStateMap's public history API or from a folder
  of exports: :func:`export`.
* A file you already have, of either kind: :func:`read_frontline`.

:func:`for_date` picks the best layer for a figure's as-of date (an export,
which has the Kursk salient, else the archive; None and a reason when
offline with nothing cached); :func:`resolve` maps the CLI's
``--frontline auto|none|YYYY-MM-DD|PATH``; :func:`history` gives the layers
of a date range.

Every layer is a GeoDataFrame in EPSG:4326 with :data:`FRONTLINE_COLUMNS`,
one row per status (``occupied``, ``ukrainian_held``, ``unknown``).

Statuses and borders
--------------------
A status exists in one country: ``occupied`` in Ukraine; ``ukrainian_held``
in Russia (the 2024 incursion; DeepStateMap's "Liberated" areas inside
Ukraine, its 2022 liberations, are Ukraine's own ground and are dropped);
``unknown`` in either. Each polygon belongs to the country (bundled outlines,
:func:`vizlib.data.regions`, level "country") that holds most of its area;
a polygon in the wrong country for its status is dropped whole; a kept one
is clipped to its country widened 20 km outward but never into the other
country, so the UA–RU border is cut exactly where the maps draw it, while
spits and islands the coarse outline misses are kept. Holes (unoccupied
pockets) are kept everywhere. Maps draw, and :func:`area_by_status`,
:func:`area_change` and :func:`distance_to` measure, this same geometry.

Where files come from (environment variables)
---------------------------------------------
``VIZLIB_CACHE``
    Cache root (default: the per-user cache, ``pooch.os_cache("vizlib")``);
    files live in ``<root>/deepstatemap/`` with ``registry.json``.
``VIZLIB_DEEPSTATE_ARCHIVE_URL``
    The archive's folder (default :data:`ARCHIVE_URL`): an ``http(s)`` URL,
    a local folder or a ``file://`` URL with ``deepstatemap_data_YYYYMMDD.geojson``
    files. ``make figures`` points it at ``../shared/data/frontline/archive``.
``VIZLIB_DEEPSTATE_API_URL``
    DeepStateMap's API root (default :data:`API_URL`), serving
    ``history/public`` (the list of updates) and ``history/{id}/geojson``.
``VIZLIB_DEEPSTATE_EXPORT_URL``
    A URL or folder of ``deepstate_export_YYYYMMDD.geojson`` files, used by
    :func:`export` instead of the API.

Nothing touches the network unless a function is asked to download (the
default of the fetching functions; ``download=False`` forbids it). Every
file is kept under its name with its SHA-256 recorded at first download and
checked on every later use.

Examples
--------
>>> from vizlib import frontline
>>> layer = frontline.occupied("2024-11-20")                       # doctest: +SKIP
>>> frontline.area_by_status(layer, "UA-14")                      # doctest: +SKIP
>>> frontline.distance_to(layer, ["kurakhove", "pokrovsk"])        # doctest: +SKIP
>>> layer, note = frontline.for_date("2024-11-23")                # doctest: +SKIP
>>> weekly = frontline.history("2024-08-04", "2024-12-15")        # doctest: +SKIP
"""

from __future__ import annotations

from vizlib.frontline._analysis import (
    AREA_CRS,
    area_by_status,
    area_change,
    changed_hands,
    check_layer,
    distance_to,
)
from vizlib.frontline._cache import CACHE_ENV, FrontlineUnavailableError
from vizlib.frontline._clip import MARGIN_KM
from vizlib.frontline._read import (
    ARCHIVE_START,
    ARCHIVE_URL,
    DEEPSTATE_URL,
    FRONTLINE_COLUMNS,
    FRONTLINE_STATUSES,
    read_frontline,
)
from vizlib.frontline._sources import (
    API_ENV,
    API_URL,
    ARCHIVE_ENV,
    EXPORT_ENV,
    Resolution,
    export,
    for_date,
    history,
    occupied,
    resolve,
)

__all__ = [
    "FRONTLINE_STATUSES",
    "FRONTLINE_COLUMNS",
    "ARCHIVE_URL",
    "ARCHIVE_START",
    "API_URL",
    "DEEPSTATE_URL",
    "AREA_CRS",
    "MARGIN_KM",
    "CACHE_ENV",
    "ARCHIVE_ENV",
    "API_ENV",
    "EXPORT_ENV",
    "FrontlineUnavailableError",
    "Resolution",
    "read_frontline",
    "occupied",
    "export",
    "for_date",
    "resolve",
    "history",
    "check_layer",
    "area_by_status",
    "area_change",
    "changed_hands",
    "distance_to",
]
