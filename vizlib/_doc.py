"""Parameter docs written once and stamped on every builder (as ``plotly.express._doc`` does).

A builder's docstring names a shared parameter as ``{name}`` on its own line;
:func:`stamp` replaces it with the entry below, indented to match.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import Literal, TypeVar

#: Size presets of :data:`vizlib.theme.SIZES`.
Size = Literal["phone", "column", "wide", "social"]
#: House themes.
Theme = Literal["light", "dark"]
#: Languages a figure can be drawn in.
Lang = Literal["en", "uk"]

DOCS = {
    "claims": """claims : path, DataFrame or None
    Claims in the ``claims.csv`` format (see ``data/README.md``); None uses the
    bundled claims.""",
    "events": """events : path, DataFrame or None
    Events in the ``events.csv`` format; None uses the bundled events.""",
    "places": """places : path, DataFrame or None
    Places in the ``places.csv`` format (GeoNames coordinates, WGS 84); None uses
    the bundled places.""",
    "regions": """regions : path, GeoDataFrame or None
    Oblast polygons and country outlines in the ``regions.geojson`` format
    (EPSG:4326); None uses the bundled Natural Earth boundaries.""",
    "layer": """layer : geopandas.GeoDataFrame, optional
    A control-area layer (``status, date, source, source_url, geometry``), as
    :mod:`vizlib.frontline` returns: opaque fills under the borders, holes kept,
    named with its date in the footer. Without one, a note says the front line
    is not drawn (towns still say who held them).""",
    "control": """control : path, DataFrame or None
    Who held each place and since when, in the ``control.csv`` format; None uses
    the bundled control dataset (sources per change).""",
    "as_of_map": """as_of : date, ISO date string or None
    The map's date: towns are marked by who held them that day, events after it
    are left out, a layer older than it is called stale; the footer states it.
    None uses :data:`vizlib.data.DEFAULT_AS_OF`.""",
    "lang": """lang : {"en", "uk"}
    Language of everything the reader sees (titles, labels, legend, notes, alt
    text), with numbers and dates formatted for it.""",
    "lang_chart": """lang : {"en", "uk"}
    Language of everything the reader sees (titles, labels, legend, notes, alt
    text), with numbers and dates formatted for it; names of publications stay
    as published.""",
    "as_of": """as_of : date, ISO date string or None
    The day the figure is drawn as of: claims published and events dated after
    it are left out, and the footer states it. None uses
    :data:`vizlib.data.DEFAULT_AS_OF`, one date for the whole article set.""",
    "size": """size : {"phone", "column", "wide", "social"}
    A size preset of :data:`vizlib.theme.SIZES` (CSS pixels; PNG export doubles
    them).""",
    "theme": """theme : {"light", "dark"}
    The house theme to draw in.""",
    "extra": """extra : geopandas.GeoDataFrame, optional
    The user's own points (labelled by a ``name`` column) and areas to draw on
    top, cited by their ``source``/``source_url`` columns (else as a
    user-supplied layer).""",
    "raises_map": """vizlib.DataError
    If a dataset breaks a rule (one line per problem: file, row, field) or lacks
    a region the map needs.
ValueError
    On an unknown ``size``, ``theme`` or ``lang``.""",
    "raises_chart": """vizlib.DataError
    If a dataset breaks a rule (one line per problem: file, row, field) or holds
    nothing this chart draws.
ValueError
    On an unknown ``size`` or ``theme``.""",
}

F = TypeVar("F", bound=Callable)


def stamp(function: F) -> F:
    """Fill the ``{name}`` lines of ``function``'s docstring from :data:`DOCS`; return the function."""
    lines = []
    for line in (function.__doc__ or "").splitlines():
        key = line.strip()[1:-1] if line.strip().startswith("{") and line.strip().endswith("}") else None
        if key in DOCS:
            indent = line[: len(line) - len(line.lstrip())]
            lines.append(textwrap.indent(DOCS[key], indent))
        else:
            lines.append(line)
    function.__doc__ = "\n".join(lines)
    return function
