"""A change map's words: its areas' names, its title, the km² taken (its subtitle) and those retaken (a note)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vizlib._carto.mapcanvas import MapCanvas


def name_areas(m: MapCanvas, region: str, span: str, day_b: Any) -> str:
    """Name a change map's areas with their dates (``day_b``: the later) and return its title.

    A card's key stands in one column beside the map: it keeps the plain names and the title carries the span.
    """
    if m.preset.card:
        return m.t("Russia's advance in {region} oblast, {span}", region=region, span=span)
    m.words.update(
        taken=m.t("Taken by Russia, {span}", span=span),
        retaken=m.t("No longer shown as occupied, {span}", span=span),
        held_both=m.t("Russian-occupied on both dates (beyond the oblast: on {end})", end=m.t.date(day_b)),
    )
    return m.t("Russia's advance in {region} oblast", region=region)


def summary(m: MapCanvas, km: dict[str, float], span: str, shown: str = "") -> str:
    """Return a change map's subtitle: the km² taken over ``span``, then ``shown``."""
    words = m.t("{taken} km² taken by Russian forces, {span}.", taken=m.t.number(km.get("taken", 0)), span=span)
    return words + (f" {shown}" if shown else "")


def retaken(m: MapCanvas, km: dict[str, float]) -> str:
    """Return the note of the km² no longer shown as occupied (at least 1), or "".

    A note under the map, not the subtitle: the ground may be too small to see (its key entry left out),
    and the layer does not say why it is no longer marked: retaken, grey zone, or redrawn.
    """
    if km.get("retaken", 0) < 1:
        return ""
    return m.t("{km} km² no longer shown as occupied.", km=m.t.number(km["retaken"]))
