"""The words a map prints, in English (the catalogs of :mod:`vizlib.i18n` translate them)."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from vizlib.i18n import N_

if TYPE_CHECKING:
    from vizlib._carto.mapcanvas import MapCanvas

#: Legend entries and short labels, by role.
WORDS = {
    "highlighted": N_("{} oblast (highlighted)"),
    "approx": N_("Approximate position"),
    "occupied": N_("Russian-occupied area"),
    "ukrainian_held": N_("Ukrainian-held area (in Russia)"),
    "unknown": N_("Status unknown (grey zone)"),
    "held_both": N_("Russian-occupied on both dates"),
    "taken": N_("Taken by Russia between the dates"),
    "retaken": N_("No longer shown as occupied between the dates"),
    "extra_points": N_("Added places"),
    "extra_areas": N_("Added areas"),
    "approx_label": N_("position approx. ±{km} km"),
}


def and_list(items: list[str], and_: str = " and ") -> str:
    """Join ``items`` as a reader would: ``a``, ``a and b``, ``a, b and c`` (``and_`` translated)."""
    items = [str(i) for i in items]
    if len(items) <= 2:
        return and_.join(items)
    return ", ".join(items[:-1]) + and_ + items[-1]


def dams(m: MapCanvas) -> list[str]:
    """Return the ids of the map's places that are dams."""
    return m.places.loc[m.places.kind == "dam", "id"].tolist()


def event_words(m: MapCanvas, events: Any, approx: Collection[str] = ()) -> str:
    """Say what happened on which date ("... dam damaged on 11 Nov 2024."), and which places are approximate."""
    return " ".join(
        m.t("{event} on {date}.", event=m.t.field(e, "title"), date=m.t.date(e["date"]))
        + (" " + m.t("(approximate position)") if e["place_id"] in approx else "")
        for _, e in events.iterrows()
    )
