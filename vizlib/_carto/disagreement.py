"""Where a town's mark and the control layer under it disagree, and the note that says so.

A town's mark follows the control record's sources (who held it on the day drawn); the areas of
control are DeepStateMap's map of that day. The two date a town's fall independently and can be
days apart (Novohrodivka: DeepStateMap draws it occupied from 27 Aug 2024, the sources date its
fall to 2 Sep), so on a day between, a dot marked Ukrainian-held would stand in red ground with
nothing to say why. The map keeps both, and its notes name the town, the day and the sources' date.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import pandas as pd

from vizlib.i18n import N_

if TYPE_CHECKING:
    from vizlib._carto.mapcanvas import MapCanvas

#: Said of a town the layer already draws Russian-held while the sources have it Ukrainian-held.
_AHEAD = N_("On {day}, DeepStateMap already shows {town} as Russian-held; the sources date its fall to {fall}.")
_AHEAD_HELD = N_("On {day}, DeepStateMap already shows {town} as Russian-held; the sources have it held by Ukraine.")
#: Said of a town the sources have occupied outside the layer's Russian-held ground (and its grey zone).
_BEHIND = N_("On {day}, DeepStateMap still shows {town} as Ukrainian-held; the sources date its fall to {fall}.")
_MORE = N_("Likewise for {n} more towns.")

#: The most towns the note names (one sentence each); the rest are counted in one more.
NAMED = 2
#: A layer's statuses of ground Russia holds (a change map's: held at both dates, or taken).
RUSSIAN_HELD = frozenset({"occupied", "held_both", "taken"})


class OffLayer(NamedTuple):
    """A town marked on the other side of the layer of ``day``: ``ahead`` if the layer has it Russian-held first."""

    id: str
    name: str
    day: Any
    ahead: bool
    fall: Any  # the date the sources give for its fall (None: held by Ukraine on the map's date)


def note(m: MapCanvas, shown: pd.DataFrame) -> str:
    """Return the note naming the towns in Ukraine marked on the other side of the layer of their day.

    Each date the map draws (an animation's frames, small multiples' panels, else its one layer) is
    checked against who held each town of ``shown`` (places in frame, held as of the map's date) on
    that date. Contested towns are not checked. Empty without a layer or without a disagreement.
    """
    found = disagreements(m, shown)
    t = m.t
    sentences = []
    for off in found[:NAMED]:
        words = (_AHEAD if off.fall is not None else _AHEAD_HELD) if off.ahead else _BEHIND
        fall = t.date(off.fall) if off.fall is not None else ""
        sentences.append(t(words, day=t.date(off.day), town=off.name, fall=fall))
    if len(found) > NAMED:
        sentences.append(t(_MORE, n=len(found) - NAMED))
    return " ".join(sentences)


def disagreements(m: MapCanvas, shown: pd.DataFrame) -> list[OffLayer]:
    """Return each town of ``shown`` in Ukraine off the layer of a date drawn, once (its first day), by day.

    ``ahead``: the layer draws the town Russian-held before the sources date its fall; otherwise it
    still draws Ukrainian-held a town the sources have occupied.
    """
    import shapely

    from vizlib._carto import towns

    ukrainian = shown[shown.country == "UA"]
    if m.layer is None or ukrainian.empty:
        return []
    points = shapely.points(ukrainian.lon.to_numpy(), ukrainian.lat.to_numpy())
    at_end = {row.id: row for row in ukrainian.itertuples()}  # held as of the map's date
    found: dict[str, OffLayer] = {}
    for layer in m.layers or [m.layer]:
        day = layer["date"].iloc[0].date()
        held = m.held_on(ukrainian, day) if day != m.as_of else ukrainian
        russian, grey = _within(layer, RUSSIAN_HELD, points), _within(layer, {"unknown"}, points)
        for row, in_russian, in_grey in zip(held.itertuples(), russian, grey, strict=True):
            marked = towns.status(row)
            if row.id in found or not (
                (marked == "own" and in_russian) or (marked == "occupied" and not in_russian and not in_grey)
            ):
                continue
            if marked == "own":
                last = at_end[row.id]
                fell = towns.status(last) == "occupied" and not pd.isna(last.since) and last.since.date() > day
                fall = last.since.date() if fell else None
            else:
                fall = row.since.date() if not pd.isna(row.since) else None
            found[row.id] = OffLayer(row.id, m.place_name(row), day, marked == "own", fall)
    return sorted(found.values(), key=lambda off: (off.day, off.name))


def _within(layer: pd.DataFrame, statuses: Any, points: np.ndarray) -> np.ndarray:
    """Return which of ``points`` lie inside the layer's areas of ``statuses``."""
    import shapely

    areas = np.asarray(list(layer.loc[layer.status.isin(statuses), "geometry"]), dtype=object)
    if not len(areas):
        return np.zeros(len(points), bool)
    return shapely.contains(areas[:, None], points[None, :]).any(axis=0)
