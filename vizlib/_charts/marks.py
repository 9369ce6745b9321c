"""Claims as marks, drawn as honestly as they were said, and the key that explains them.

* one number (exact or about): a dot;
* a range: a floating bar from low to high;
* a lower bound only ("at least", "more than"): an up-pointing triangle at the bound;
* an upper bound only ("up to", "as many as"): a down-pointing triangle at the bound (never a bar from 0);
* a running total since the start, an expected total or the largest value reached: hollow, so it does not read
  as the strength (or the area) present; the key says which.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from vizlib import _text, meta
from vizlib._canvas import Canvas, Panel
from vizlib._charts.axes import PHONE_PX
from vizlib._charts.words import BASIS_KEYS, BOUND_KEYS, claimant, figure, side_color, side_name
from vizlib._frames import itertuples
from vizlib._labels import Box
from vizlib.i18n import N_
from vizlib.theme import CARD_KEY_TEXT_PX

MARKER = 11
_BASIS_SYMBOLS = {"count": "circle", "cumulative": "circle", "expected": "diamond", "peak": "circle"}
_BOUND_SYMBOLS = {"at_least": "triangle-up", "up_to": "triangle-down"}
HOLLOW = {"cumulative", "expected", "peak"}
_KEY_WRAP = 26  # characters per line of a legend entry
#: A claim's hover (plotly's template; translate it with the figure's Words before use).
HOVER = N_(
    "<b>%{customdata[1]}</b><br>%{customdata[2]}<br>"
    "Claimed %{customdata[3]}, describes %{customdata[4]}<br>"
    "<b>%{customdata[5]}</b> (%{customdata[6]})<br>%{customdata[7]}<extra></extra>"
)


def extent(rows: pd.DataFrame) -> pd.DataFrame:
    """Return ``rows`` with ``y0``/``y1``: the numbers a claim's mark spans (a bound or a range)."""
    ranged = rows["bound"] == "range"
    at = rows["low"].where(rows["bound"] == "at_least", rows["high"])  # words.value, for every row at once
    return rows.assign(y0=rows["low"].where(ranged, at), y1=rows["high"].where(ranged, at))


def symbol(row: Any) -> str:
    """Return the marker symbol of a claim: its bound's triangle, or its kind's shape."""
    return _BOUND_SYMBOLS.get(row.bound, _BASIS_SYMBOLS[row.basis])


def dodge(rows: pd.DataFrame, panel: Panel, x_col: str) -> pd.Series:
    """Return drawing dates: claims whose marks would overlap are spread side by side.

    Marks nearer than their size (in both directions, in pixels) form a cluster, spread a mark's width
    apart around the middle of its claims' dates, in date order; clusters that the spreading brings
    together are merged and spread again, until no two marks overlap.
    """
    rows = extent(rows)
    gap_days = (MARKER + 2) / panel.px_per_x()
    tol = (MARKER + 2) * panel.y_per_px()  # marks nearer than their size overlap (a bound mark is 2 px larger)
    order = list(rows.sort_values([x_col, "y0"], kind="stable").index)
    day = pd.Timedelta(days=1)
    x, y0, y1 = rows[x_col].to_dict(), rows["y0"].to_dict(), rows["y1"].to_dict()
    drawn = dict(x)
    cluster_of = {i: [i] for i in order}

    def near(i: Any, j: Any) -> bool:
        return abs((drawn[j] - drawn[i]) / day) < gap_days * 0.999 and y0[j] - tol <= y1[i] and y0[i] - tol <= y1[j]

    while clash := next(((i, j) for i, j in itertools.combinations(order, 2)
                         if cluster_of[i] is not cluster_of[j] and near(i, j)), None):  # fmt: skip
        cluster = sorted(cluster_of[clash[0]] + cluster_of[clash[1]], key=order.index)
        dates = [x[i] for i in cluster]
        centre = min(dates) + (max(dates) - min(dates)) / 2
        for k, i in enumerate(cluster):
            drawn[i] = (centre + pd.Timedelta(days=(k - (len(cluster) - 1) / 2) * gap_days)).round("s")
            cluster_of[i] = cluster
    return pd.Series(drawn, dtype="datetime64[ms]").reindex(rows.index)


def customdata(rows: pd.DataFrame, cv: Canvas) -> list[list[str]]:
    """Return the hover fields of each claim: id, claimant, publication, dates, figure, kind, note."""
    esc, t = meta.escape, cv.t
    out = []
    for row in itertuples(rows):
        publication = (
            row.publication
            if not isinstance(row.via, str)
            else t("{publication} (via {via})", publication=row.publication, via=t.field(row, "via"))
        )
        kind = t(BASIS_KEYS[row.basis]) + "; " + t(BOUND_KEYS[row.bound])
        if row.attribution == "derived":
            kind += "; " + t("derived from the claimant's numbers")
        out.append(
            [
                row.id,
                esc(claimant(row, t)),
                esc(publication),
                t.date(row.claim_date),
                t.date(row.refers_to) if pd.notna(row.refers_to) else t("date not given"),
                esc(figure(row, t)),
                kind,
                "<br>".join(meta.wrap_chars(esc(t.field(row, "note")), 60)),
            ]
        )
    return out


def claims(cv: Canvas, rows: pd.DataFrame, panel: Panel, x_col: str, **where: Any) -> list[Box]:
    """Draw each claim once, as its bound and kind say; return the marks' pixel boxes."""
    rows = extent(rows).assign(drawn_x=dodge(rows, panel, x_col), symbol=[symbol(r) for r in itertuples(rows)])
    c, obstacles = cv.c, []
    for (side, basis, bound), group in rows.groupby(["claimant_side", "basis", "bound"], sort=False):
        color = side_color(side, c)
        common = dict(
            name=f"{side_name(side, rows, cv.t)}: {cv.t(BASIS_KEYS[basis])}, {cv.t(BOUND_KEYS[bound])}",
            legendgroup=side,
            showlegend=False,
            customdata=customdata(group, cv),
            hovertemplate=cv.t(HOVER),
        )
        hollow = basis in HOLLOW
        if bound == "range":
            trace = go.Bar(
                x=group["drawn_x"],
                y=group["y1"] - group["y0"],
                base=group["y0"],
                width=[bar_px(panel, r.y0, r.y1) / panel.px_per_x() * 86_400_000 for r in itertuples(group)],
                marker=dict(color=c["background"] if hollow else color, line=dict(color=color, width=_OUTLINE_PX)),
                **common,
            )
        else:
            trace = go.Scatter(
                x=group["drawn_x"],
                y=group["y1"],
                mode="markers",
                marker=dict(
                    size=MARKER + (2 if bound in _BOUND_SYMBOLS else 0),
                    symbol=list(group["symbol"]),
                    color=c["background"] if hollow else color,
                    line=dict(color=color if hollow else c["background"], width=2 if hollow else 1),
                ),
                **common,
            )
        cv.fig.add_trace(trace, **where)
        for r in itertuples(group):
            x, half = panel.x(r.drawn_x), MARKER / 2 + 1
            obstacles.append(Box(x - half, panel.y(r.y1) - half, x + half, panel.y(r.y0) + half))
    return obstacles


def bar_px(panel: Panel, low: float, high: float) -> float:
    """Return the width (pixels) of a range's bar from ``low`` to ``high``: narrower where the range is short.

    Drawn with its 2 px outline, at most half as wide as tall, so that a short range (11,000-12,000 on
    a phone) reads as a bar, as the key draws it, not as a square; at most a marker's width less 3 px,
    at least 1.5 px.
    """
    drawn_high = panel.y(low) - panel.y(high) + _OUTLINE_PX
    return max(1.5, min(MARKER - 3.0, drawn_high / RANGE_ASPECT - _OUTLINE_PX))


_OUTLINE_PX = 2
#: How many times taller than wide a range's bar is at the least (where its range allows the marker's width).
RANGE_ASPECT = 2


Entry = tuple[str, dict[str, Any]]
#: A key under the chart: rows 19 px apart; plotly gives each entry its text plus 40 px of swatch
#: and a 5 px gap, and a line of key text 15.6 px (1.3 em of 12 px).
_ROW_PX, _SWATCH_PX, _GAP_PX, _LINE_PX = 19, 40, 5, 15.6
#: Where a phone's key starts, in pixels from the figure's left edge (plotly ends it where the plot ends): plotly
#: keeps a key 12 px inside the figure, and grows the margin (moving the whole plot) for one nearer.
_PHONE_KEY_X = 12
#: The bounds' entries in the key.
_BOUNDS = {
    "at_least": N_("At least (a lower bound)"),
    "up_to": N_("Up to (an upper bound)"),
    "range": N_("Bar: a range (low to high)"),
}
#: The bounds' entries in a phone's key, short: the claims' labels say the rest ("10,000+", "up to 4,000").
_SHORT_BOUNDS = {"at_least": N_("At least"), "up_to": N_("Up to"), "range": N_("Bar: a range")}


def key_entries(rows: pd.DataFrame, c: dict[str, str], t: Any, short: bool = False) -> list[Entry]:
    """Return the key's entries (name, marker) that explain colour (side), fill (kind) and shape (bound).

    ``short``: the bounds' entries in a word or two (a phone's key).
    """
    entries = []
    for side in dict.fromkeys(rows["claimant_side"]):
        marker = dict(symbol="circle", color=side_color(side, c), size=MARKER, line=dict(width=0))
        entries.append((side_name(side, rows, t), marker))
    outline = dict(size=MARKER, color=c["background"], line=dict(color=c["text"], width=2))
    for basis in dict.fromkeys(rows["basis"]):
        if basis in HOLLOW:
            # the key shows the hollow mark as drawn: a bar when every such claim is a range
            ranged = (rows.loc[rows["basis"] == basis, "bound"] == "range").all()
            shape = "square" if ranged else _BASIS_SYMBOLS[basis]
            entries.append((t("Hollow: {kind}", kind=t(BASIS_KEYS[basis])), dict(outline, symbol=shape)))
    solid = dict(size=MARKER + 2, color=c["text"], line=dict(width=0))
    words = {key: t(text) for key, text in (_SHORT_BOUNDS if short else _BOUNDS).items()}
    if (rows["bound"] == "at_least").any():
        entries.append((words["at_least"], dict(solid, symbol="triangle-up")))
    if (rows["bound"] == "up_to").any():
        entries.append((words["up_to"], dict(solid, symbol="triangle-down")))
    if (rows["bound"] == "range").any():
        bar = dict(symbol="line-ns", size=14, line=dict(color=c["text"], width=5))
        entries.append((words["range"], bar))
    return entries


def key_below(names: Sequence[str], plot_width: float, wrap: bool = False) -> tuple[list[str], float, float]:
    """Lay a key out in columns under a chart ``plot_width`` pixels wide, as plotly.js lays out a legend.

    Returns the names as drawn, the width of an entry's text (plotly's ``entrywidth``) and the key's
    height, in pixels. ``wrap`` (a phone): names are broken into lines to fit more columns, in the
    layout of least height; otherwise each name keeps one line.
    """
    if not names:
        return [], 0, 0

    def width(text: str) -> float:
        return max(_text.text_size(line, 12)[0] for line in text.split("<br>"))

    def height(drawn: list[str], columns: int) -> float:
        rows = [drawn[i : i + columns] for i in range(0, len(drawn), columns)]
        return sum(max(max(_LINE_PX * (n.count("<br>") + 1), 16) + 3 for n in row) for row in rows) + 10

    entry = max(width(name) for name in names) + 8
    columns = max(1, int(plot_width // (entry + _SWATCH_PX + _GAP_PX)))
    best = (height(list(names), columns), list(names), entry)
    if entry + _SWATCH_PX + _GAP_PX > plot_width:  # a name wider than the chart: wrapped in one column
        room = plot_width - _SWATCH_PX - _GAP_PX - 1
        drawn = ["<br>".join(meta.wrap(name, 12, room)) for name in names]
        best = (height(drawn, 1), drawn, room)
    for columns in (3, 2) if wrap else ():
        room = plot_width / columns - _SWATCH_PX - _GAP_PX - 1
        drawn = ["<br>".join(meta.wrap(name, 12, room)) for name in names]
        if all(width(n) <= room and n.count("<br>") < 2 for n in drawn) and height(drawn, columns) < best[0]:
            best = (height(drawn, columns), drawn, room)
    return best[1], best[2], best[0]


def key_width(width: int, left: float, plot_width: float) -> float:
    """Return the width a key under a plot ``left`` px from the edge, ``plot_width`` px wide, may take.

    A phone's plot is too narrow for two columns of entries: its key starts near the figure's edge
    (:data:`_PHONE_KEY_X`; plotly centres each swatch in its 40 px, so they stand 20 px right of the
    title and notes, as a list's bullets) and ends where the plot does.
    """
    return left + plot_width - _PHONE_KEY_X if width < PHONE_PX else plot_width


def key_room(entries: list[Entry], preset: Any, sides: tuple[int, int], inside: bool) -> float:
    """Return the room a chart keeps for its key (the canvas's ``key_px``), in pixels.

    ``inside`` (wide sizes): none, the key finds room inside the plot. A social card: the width of one
    column beside the plot (:func:`key_beside`). Other sizes: the height of the key in columns under it.
    """
    if preset.card:
        return key_beside(entries)[1]
    if inside:
        return 0
    room = key_width(preset.width, sides[0], preset.width - sum(sides))
    return key_below_px(entries, room, wrap=preset.width < PHONE_PX)


#: The gap between a card's plot and its key (its names wrap to :data:`vizlib.theme.CARD_KEY_TEXT_PX`), and the
#: room the key leaves at the card's right edge (plotly keeps a key 12 px inside the figure, and its box runs a few
#: px wider than its text and swatches), in pixels.
_CARD_KEY_GAP_PX, _CARD_EDGE_PX = 8, 16
#: How far under the plot a card's key may reach: into the band of the x axis's labels, short of the credit line.
_CARD_KEY_UNDER_PX = 30


def key_beside(entries: list[Entry]) -> tuple[list[str], float]:
    """Return a card's key names as drawn (wrapped to :data:`CARD_KEY_TEXT_PX`) and the room their column takes."""
    names = ["<br>".join(meta.wrap(name, 12, CARD_KEY_TEXT_PX)) for name, _ in entries]
    if not names:
        return [], 0
    text = max(_text.text_size(line, 12)[0] for name in names for line in name.split("<br>"))
    return names, text + _SWATCH_PX + _CARD_KEY_GAP_PX + _CARD_EDGE_PX


def key_below_px(entries: list[Entry], plot_width: float, wrap: bool = False) -> float:
    """Return the height of the key laid out in columns under a chart ``plot_width`` pixels wide."""
    return key_below([name for name, _ in entries], plot_width, wrap)[2]


def key(
    cv: Canvas,
    entries: list[Entry],
    panel: Panel,
    obstacles: list[Box],
    event_xs: Sequence[float] = (),
    prefer_right: bool = False,
) -> tuple[Box | None, dict[str, Any]]:
    """Add the key's entries to the legend; return the box it covers in the plot (None under it) and its layout.

    Under the chart when the canvas kept room for it (narrow sizes), beside it on a card (one column
    at the right, from the plot's top), else inside the plot, between event lines and clear of the marks.
    """
    below = cv.key_px > 0
    if cv.preset.card:
        names = key_beside(entries)[0]
    elif below:
        room = key_width(cv.preset.width, cv.plot.x0, cv.plot.width)
        names, column, _ = key_below([name for name, _ in entries], room, cv.preset.width < PHONE_PX)
    else:
        names = ["<br>".join(meta.wrap_chars(name, _KEY_WRAP)) for name, _ in entries]
    for name, (_, marker) in zip(names, entries, strict=True):
        cv.fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=name, marker=marker, hoverinfo="skip"))
    if cv.preset.card:
        # the key takes the card's right-hand ``key_px``, clear of the x axis's last label
        at = Box(cv.preset.width - cv.key_px + _CARD_KEY_GAP_PX, cv.plot.y0, cv.preset.width, cv.plot.y1)
        # a long key may reach down past the plot, beside the x axis's labels, to the credit line
        return None, dict(legend_at(at, cv.plot, cv.c), maxheight=cv.plot.height + _CARD_KEY_UNDER_PX)
    if below:
        return None, legend_below(cv, column)
    width = max(_text.text_size(line, 12)[0] for name in names for line in name.split("<br>")) + 36
    height = sum(19 + 15 * name.count("<br>") for name in names) + 8
    box = _spot(panel, width, height, obstacles, event_xs, prefer_right)
    return box, legend_at(box, cv.plot, cv.c)


def legend_below(cv: Canvas, entry_px: float) -> dict[str, Any]:
    """Return the plotly legend layout of a key in rows under the chart's tick labels, entries ``entry_px`` wide."""
    return dict(
        orientation="h",
        x=(_PHONE_KEY_X - cv.plot.x0) / cv.plot.width if cv.preset.width < PHONE_PX else 0,
        xanchor="left",
        y=-(34 if cv.axis_labels else 6) / cv.plot.height,  # under the tick labels, as the footer
        yanchor="top",
        entrywidth=entry_px,
        entrywidthmode="pixels",
        bgcolor=cv.c["background"],
        itemsizing="constant",
        traceorder="normal",
        valign="top",
    )


def legend_at(box: Box, plot: Box, c: dict[str, str]) -> dict[str, Any]:
    """Return the plotly legend layout that puts its top-left corner at the box's (paper coordinates of ``plot``)."""
    return dict(
        orientation="v",
        x=(box.x0 - plot.x0) / plot.width,
        y=(plot.y1 - box.y0) / plot.height,
        xanchor="left",
        yanchor="top",
        bgcolor=c["background"],
        tracegroupgap=0,
        itemsizing="constant",
    )


def _spot(panel: Panel, width: float, height: float, obstacles: list[Box], event_xs, prefer_right: bool) -> Box:
    """Find room for the legend inside the plot: between event lines, clear of the marks."""
    box = panel.box
    edges = sorted([box.x0, box.x1, *event_xs])
    candidates = []
    for top in (box.y1 - 4 - height, box.y0 + 4):
        for a, b in zip(edges, edges[1:], strict=False):
            if b - a >= width + 12:
                candidates += [
                    Box(a + 6, top, a + 6 + width, top + height),
                    Box(b - 6 - width, top, b - 6, top + height),
                ]
    if not candidates:
        candidates = [Box(box.x0 + 4, box.y1 - 4 - height, box.x0 + 4 + width, box.y1 - 4)]
    if prefer_right:
        candidates.sort(key=lambda cand: -cand.x1)
    return min(candidates, key=lambda cand: cand.pad(4).overlap_sum(obstacles))
