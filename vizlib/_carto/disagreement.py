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

    from vizlib import data

    ukrainian = shown[shown.country == "UA"].reset_index(drop=True)
    if m.layer is None or ukrainian.empty:
        return []
    points = shapely.points(ukrainian.lon.to_numpy(), ukrainian.lat.to_numpy())
    # held as of the map's date: the date of the fall of a town the layer has Russian-held early
    occupied_at_end = ukrainian.controlled_by.eq("russia").to_numpy()
    fell = pd.Series(ukrainian.since.to_numpy(), index=ukrainian.id).where(occupied_at_end)
    found: dict[str, OffLayer] = {}
    for layer in m.layers or [m.layer]:
        day = layer["date"].iloc[0].date()
        # who held each on the layer's day: the control record's row in force (a lookup, not a merge per frame)
        held = data.control(data.as_of_date(day), path=m.control_path).set_index("place_id").reindex(ukrainian.id)
        russian, grey = _within(layer, RUSSIAN_HELD, points), _within(layer, {"unknown"}, points)
        by = held.controlled_by.to_numpy()
        ahead = (by == "ukraine") & russian
        behind = (by == "russia") & ~russian & ~grey
        for k in np.flatnonzero(ahead | behind):
            pid = ukrainian.id.iloc[k]
            if pid in found:
                continue
            since = fell[pid] if ahead[k] else held.since.iloc[k]
            fall = since.date() if not pd.isna(since) and (not ahead[k] or since.date() > day) else None
            found[pid] = OffLayer(pid, m.place_name(ukrainian.iloc[k]), day, bool(ahead[k]), fall)
    return sorted(found.values(), key=lambda off: (off.day, off.name))


def _within(layer: pd.DataFrame, statuses: Any, points: np.ndarray) -> np.ndarray:
    """Return which of ``points`` lie inside the layer's areas of ``statuses``."""
    import shapely

    areas = np.asarray(list(layer.loc[layer.status.isin(statuses), "geometry"]), dtype=object)
    if not len(areas):
        return np.zeros(len(points), bool)
    return shapely.contains(areas[:, None], points[None, :]).any(axis=0)
