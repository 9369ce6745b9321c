"""The key: under the map, in columns (beside it, in one column, on a social card), never over the ground it explains.

Its entries are known before the map is drawn (the countries, the highlighted
oblasts, the statuses of the control layer and of the towns shown, the noted
places, the user's layers), so the room it needs is kept when the map is framed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from vizlib import _text, theme
from vizlib._export_formats import SLIDER_PX
from vizlib._frames import itertuples

if TYPE_CHECKING:
    from vizlib._carto.mapcanvas import MapCanvas

#: plotly.js lays a horizontal legend's rows about 19 px apart under a 10 px pad; each entry is its
#: ``entrywidth`` of text plus about 40 px of swatch and gap.
_ROW_PX = 19
_PAD_PX = 14
_SWATCH_PX = 40
#: plotly.js's gap after each entry of a row (its ``itemGap``).
_ITEM_GAP_PX = 5


def entries(m: MapCanvas, shown: pd.DataFrame) -> list[str]:
    """Return the legend's entries, in the order the map draws them."""
    from vizlib._carto import towns

    t = m.t
    names = [m.region_name(code) for code in ("RU", "UA") if visible(m, code)]
    names += [m.word("highlighted").format(m.region_name(code)) for code in m.highlight]
    if m.layer is not None:
        import shapely

        from vizlib._carto.layers import STATUSES

        view = shapely.box(*m.geo_frame.visible_bounds())
        inside = m.layer[m.layer.geometry.intersects(view)]
        dots = [(x, y, towns.dot_size(k) / 2 + 1) for x, y, k in zip(*m.to_px(shown.lon, shown.lat), shown.kind)]
        present = {s for s in set(inside.status) if seen_px2(m, inside.geometry[inside.status == s], dots) >= SEEN_PX2}
        names += [t(m.words[s]) for s in STATUSES if s in present]
    noted = set(m.drawn_events.place_id) | set(shown.loc[shown.approximate, "id"])
    plain = shown[~shown.id.isin(noted)]
    # the towns as held on every date the map draws (an animation's frames, small multiples' panels)
    present = {towns.status(r) for rows in towns.held_every_day(m, plain) for r in itertuples(rows)}
    own_in = towns.own_countries(m, plain)
    names += [towns.status_word(m, s, own_in) for s in towns.STATUS_WORDS if s in present]
    if noted:
        names.append(m.word("approx") if shown[shown.id.isin(noted)].approximate.all() else t("Dam"))
    if towns.draws_distances(m):
        names.append(t(towns.DISTANCE_KEY))
    if m.extra is not None:
        kinds = set(m.extra.geometry.geom_type)
        names += [m.word("extra_areas")] if kinds & {"Polygon", "MultiPolygon"} else []
        names += [t("Added lines")] if kinds & {"LineString", "MultiLineString"} else []
        names += [m.word("extra_points")] if "Point" in kinds else []
    return names


#: Square pixels of a control status's ground that must show for the key to name it: inside the plot, more
#: than half a pixel in from its edges and off the towns' dots. On the theatre's phone map the Ukrainian-held
#: ground by Sudzha was 27 px², all of it under Sudzha's dot: its entry explained nothing the reader could see.
SEEN_PX2 = 9
#: Ground larger than this (square pixels, before the edges and dots are taken off) shows without measuring.
_PLAIN_PX2 = 2000


def seen_px2(m: MapCanvas, geoms: Sequence[Any], dots: Sequence[tuple[float, float, float]]) -> float:
    """Return how much of ``geoms`` (lon/lat polygons) a reader sees on the map, in square pixels.

    Parameters
    ----------
    m : MapCanvas
        The framed map (its projection and plot box).
    geoms : sequence of shapely geometries
        One status's ground.
    dots : sequence of (x, y, radius)
        The towns' dots in figure pixels, drawn over the ground.

    Returns
    -------
    float
        The area inside the plot, more than half a pixel in from the ground's edges and off the dots;
        an area over ``_PLAIN_PX2`` as it is (large ground shows whatever the dots cover).
    """
    import numpy as np
    import shapely

    def to_px(xy: Any) -> Any:
        return np.column_stack(m.to_px(xy[:, 0], xy[:, 1]))

    parts = [shapely.clip_by_rect(shapely.transform(g, to_px), *m.geo_frame.box) for g in geoms]
    plain = float(sum(part.area for part in parts))
    if plain > _PLAIN_PX2:
        return plain
    ground = shapely.union_all([shapely.make_valid(part) for part in parts])  # a clipped sliver may self-touch
    covered = shapely.union_all([shapely.Point(x, y).buffer(r) for x, y, r in dots])
    return float(ground.buffer(-0.5).difference(covered).area)


def visible(m: MapCanvas, code: str) -> bool:
    """Tell whether a country of the regions shows in the map's frame (its land then has a key entry)."""
    import shapely

    row = m.by_code.get(code)
    view = shapely.box(*m.geo_frame.visible_bounds())
    return row is not None and row.level == "country" and row.geometry.intersects(view)


def size(m: MapCanvas, names: list[str], text_px: float | None = None) -> tuple[float, float]:
    """Return (text width of a column, height) in pixels of a key of ``names`` laid out in columns under the map.

    Names wrap at ``text_px`` (default :attr:`MapCanvas.key_text_px`; under the map, by default
    the map's width: :func:`wrapped`); each of a name's lines takes a row's height. A card's key
    is one column beside the map, as tall as plotly.js draws it (:func:`_entry_px`).
    """
    if not names:
        return 0, 0
    lines = [wrapped(m, name, text_px).split("<br>") for name in names]
    text = max(_text.text_size(line, 12)[0] for entry in lines for line in entry) + 8
    if m.preset.card:
        return text, sum(_entry_px(len(entry)) for entry in lines) + _CARD_PAD_PX
    # plotly.js keeps an entry in the row while the row, less its last gap, is narrower than the plot
    per_row = max(1, math.ceil((m.plot.width + _ITEM_GAP_PX) / (text + _SWATCH_PX + _ITEM_GAP_PX)) - 1)
    rows = [max(len(entry) for entry in lines[k : k + per_row]) for k in range(0, len(lines), per_row)]
    return text, sum(rows) * _ROW_PX + _PAD_PX


def _entry_px(lines: int) -> float:
    """Return the height plotly.js gives a vertical legend's entry of ``lines`` lines of 12 px type."""
    return max(lines * 12 * 1.3, 16) + 3


#: The padding above and below a vertical legend's entries (plotly.js: 5 px each side, and its border).
_CARD_PAD_PX = 11
#: The widest a card's key may grow (its names' line, in pixels) to keep every entry above the map's foot.
CARD_KEY_MAX_PX = 200


def fit_columns(m: MapCanvas, names: list[str]) -> float | None:
    """Return the width (px) a key under the map wraps its names at to be shortest, None for the map's width.

    One long name would hold every entry to one column of its width: the key is tried at the
    width of 1, 2, 3... columns (names wrapped to fit), and the shortest kept; on a tie, the
    fewest columns.
    """
    best, height = None, size(m, names, m.plot.width - _SWATCH_PX - 8)[1]
    for columns in range(2, len(names) + 1):
        text_px = (m.plot.width + _ITEM_GAP_PX) / columns - _SWATCH_PX - _ITEM_GAP_PX - 9
        tried = size(m, names, text_px)[1]
        if tried < height:
            best, height = text_px, tried
    return best


def beside_px(m: MapCanvas, names: list[str]) -> int:
    """Return the room a card keeps at the right of its map for the key of ``names`` (0 for no key), in pixels."""
    return round(size(m, names)[0] + _SWATCH_PX + _CARD_GAP_PX) if names else 0


def fit_card(m: MapCanvas, names: list[str]) -> tuple[set[str], int]:
    """Fit a card's key beside its map, from the map's top to its foot.

    The names wrap at :data:`vizlib.theme.CARD_KEY_TEXT_PX`, or wider (up to :data:`CARD_KEY_MAX_PX`,
    the map giving up the room) until every entry fits. Where none does, the countries' land goes
    (Russia's and Ukraine's base colours, which every other size keys; the map then names the
    countries on their land, :func:`vizlib._carto.names.countries`).

    Returns
    -------
    (set of str, int)
        The entries left out, and the width the names wrap at (pixels; where even without the
        land the key does not fit, the widest: the fewest lines a key can have).
    """
    room = m.plot.y1 - m.plot.y0
    land = {m.region_name(code) for code in ("RU", "UA")} & set(names)
    widths = range(theme.CARD_KEY_TEXT_PX, CARD_KEY_MAX_PX + 1, 10)
    for left_out in (set(), land):
        kept = [name for name in names if name not in left_out]
        for width in widths:
            if size(m, kept, width)[1] <= room:
                return left_out, width
    return land, widths[-1]


#: The gap between a card's map and its key, in pixels.
_CARD_GAP_PX = 6


def wrapped(m: MapCanvas, name: str, text_px: float | None = None) -> str:
    """Return a key entry's name broken into lines (``<br>``) that fit beside its swatch.

    At ``text_px`` (default :attr:`MapCanvas.key_text_px`, or under the map, where that is None,
    the map's width).
    """
    from vizlib.meta import wrap

    room = text_px or m.key_text_px or m.plot.width - _SWATCH_PX - 8
    return name if _text.text_size(name, 12)[0] <= room else "<br>".join(wrap(name, 12, room))


def layout(m: MapCanvas) -> None:
    """Lay the legend out under the map (under the date slider of an animated map), in columns; on a card, beside it."""
    column, height = size(m, m.legend_names)
    for trace in m.fig.data:  # names wider than the map wrap, as size() counted them
        if trace.showlegend is not False and trace.name and "<br>" not in trace.name:
            trace.name = wrapped(m, trace.name)
    if m.preset.card:  # one column at the right of the map, from its top
        where = dict(orientation="v", x=1 + _CARD_GAP_PX / m.plot.width, y=1, tracegroupgap=0)
    else:
        where = dict(
            orientation="h",
            x=0,
            y=-(4 + (SLIDER_PX if m.animated else 0)) / m.plot.height,
            entrywidth=column,
            entrywidthmode="pixels",
        )
    m.fig.update_layout(
        showlegend=bool(m.legend_names),
        legend=dict(
            **where,
            xanchor="left",
            yanchor="top",
            traceorder="normal",
            bgcolor="rgba(0,0,0,0)",
            font=dict(size=12, color=m.c["text"]),
            itemsizing="trace",  # each swatch as its trace draws it: the dotted line fine, not plotly's 5 px
            groupclick="togglegroup",
        ),
    )
