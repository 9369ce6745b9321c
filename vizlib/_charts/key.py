"""A claim chart's key, in two parts: who made a claim (a mark's colour), and what a mark's fill and shape say.

Each part is a legend of its own (plotly's ``legend`` and ``legend2``). In one list, the shapes' swatches, drawn in
the text colour, read as claims several sides made together, which are drawn in that colour.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from vizlib import _text, meta
from vizlib._canvas import Canvas, Panel
from vizlib._charts.axes import PHONE_PX
from vizlib._charts.marks import BASIS_SYMBOLS, HOLLOW, MARKER
from vizlib._charts.words import BASIS_KEYS, side_color, side_name
from vizlib._labels import Box
from vizlib.i18n import N_
from vizlib.theme import CARD_KEY_TEXT_PX

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
#: The hollow marks' entries in a card's key, short: the claims' labels say the rest ("~12,000 expected").
_SHORT_HOLLOW = {
    "cumulative": N_("Hollow: moved in"),
    "expected": N_("Hollow: expected"),
    "peak": N_("Hollow: largest value"),
}
#: The headings of the key's two parts. A card's key without room for both keeps the second: its first part's
#: dots and names say who (:func:`fit_card`).
_HEADINGS = (N_("Claimed by (colour)"), N_("Mark (any colour)"))
#: A part's heading over its entries (12 px bold), its box's padding (top and bottom), the gap between two parts
#: stacked, and between two side by side, in pixels (plotly.js's vertical legend, measured in Chromium).
_HEADING_PX, _PAD_PX, _STACK_GAP_PX, _SIDE_GAP_PX = 21, 8, 2, 16
#: The room a mark's label takes beside it, across and up and down (pixels): a key inside the plot keeps out of it
#: where it can.
_LABEL_ROOM_PX = (110, 16)
#: Characters per line of an entry in a key inside the plot.
_KEY_WRAP = 26


@dataclass(frozen=True)
class Key:
    """A chart's key: the entries (name, marker) that explain colour (``who``), and fill and shape (``how``)."""

    who: list[Entry]
    how: list[Entry]


@dataclass(frozen=True)
class Laid:
    """A key laid out: each part's heading and names as drawn, where the second part stands, the size in pixels."""

    headings: tuple[str, str]
    names: tuple[list[str], list[str]]
    heights: tuple[float, float]
    width: float
    side_by_side: bool
    second_dx: float
    #: How much taller than the same entries in one headless key under the chart, in pixels (the figure grows
    #: by as much, so that the plot keeps its height).
    grow_px: float = 0

    @property
    def height(self) -> float:
        """The height of the whole key, in pixels."""
        if self.side_by_side:
            return max(self.heights)
        return self.heights[0] + (_STACK_GAP_PX + self.heights[1] if self.names[1] else 0)


def entries(rows: pd.DataFrame, c: dict[str, str], t: Any, short: bool = False, card: bool = False) -> Key:
    """Return the key's entries: colour (the claimant's side), then fill (kind) and shape (bound).

    ``short``: the bounds' entries in a word or two (a phone's key and a card's); ``card``: the hollow
    marks' too.
    """
    who = []
    for side in dict.fromkeys(rows["claimant_side"]):
        marker = dict(symbol="circle", color=side_color(side, c), size=MARKER, line=dict(width=0))
        who.append((side_name(side, rows, t), marker))
    how = []
    outline = dict(size=MARKER, color=c["background"], line=dict(color=c["text"], width=2))
    for basis in dict.fromkeys(rows["basis"]):
        if basis in HOLLOW:
            # the key shows the hollow mark as drawn: a bar when every such claim is a range
            ranged = (rows.loc[rows["basis"] == basis, "bound"] == "range").all()
            shape = "square" if ranged else BASIS_SYMBOLS[basis]
            name = t(_SHORT_HOLLOW[basis]) if card else t("Hollow: {kind}", kind=t(BASIS_KEYS[basis]))
            how.append((name, dict(outline, symbol=shape)))
    solid = dict(size=MARKER + 2, color=c["text"], line=dict(width=0))
    words = {key: t(text) for key, text in (_SHORT_BOUNDS if short else _BOUNDS).items()}
    if (rows["bound"] == "at_least").any():
        how.append((words["at_least"], dict(solid, symbol="triangle-up")))
    if (rows["bound"] == "up_to").any():
        how.append((words["up_to"], dict(solid, symbol="triangle-down")))
    if (rows["bound"] == "range").any():
        how.append((words["range"], dict(symbol="line-ns", size=14, line=dict(color=c["text"], width=5))))
    return Key(who, how)


def key_below(names: Sequence[str], plot_width: float, wrap: bool = False) -> tuple[list[str], float, float]:
    """Lay a one-part key out in columns under a chart ``plot_width`` pixels wide, as plotly.js lays out a legend.

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
        return sum(max(_entry_px(n) for n in row) for row in rows) + 10

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


def lay_out(key: Key, t: Any, preset: Any, sides: tuple[int, int], inside: bool) -> Laid:
    """Return the key laid out for a chart of ``preset``'s size with side margins ``sides`` (pixels).

    A social card: the parts one over the other in a column beside the plot, names wrapped to
    :data:`vizlib.theme.CARD_KEY_TEXT_PX`. Inside the plot (``inside``, wide sizes): side by side,
    names wrapped to a few words a line. Under the chart: side by side where every name takes two lines at
    most in half the width, else one over the other.
    """
    if preset.card:
        return _laid(key, t, CARD_KEY_TEXT_PX, side_by_side=False)
    if inside:
        return _laid(key, t, None, side_by_side=True)
    room = key_width(preset.width, sides[0], preset.width - sum(sides))
    half = (room - _SIDE_GAP_PX) / 2 - _SWATCH_PX - _GAP_PX
    laid = _laid(key, t, half, side_by_side=True, second_dx=(room + _SIDE_GAP_PX) / 2)
    if any(name.count("<br>") >= 2 for part in laid.names for name in part):
        laid = _laid(key, t, room - _SWATCH_PX - _GAP_PX - 1, side_by_side=False)
    one_part = key_below([name for name, _ in key.who + key.how], room, wrap=preset.width < PHONE_PX)[2]
    return replace(laid, grow_px=max(0.0, laid.height - one_part))


def stacked(key: Key, t: Any) -> Laid:
    """Return a key inside the plot laid out with one part over the other (for a narrow column of the plot)."""
    return _laid(key, t, None, side_by_side=False)


def fit_card(cv: Canvas, key: Key, laid: Laid, t: Any) -> Laid:
    """Return a card's key laid out to fit beside its plot, where it would run into the footer.

    First without the heading of its colours (their dots and names say who), then wider, in fewer lines: the
    canvas gives the plot's width up for it (its ``key_px``). Other sizes' keys are returned as they are.
    """
    for text_px in (CARD_KEY_TEXT_PX, CARD_KEY_TEXT_PX + 30, CARD_KEY_TEXT_PX + 60):
        if not cv.preset.card or laid.height <= _CARD_KEY_ABOVE_PX + cv.plot.height + _CARD_KEY_UNDER_PX:
            break
        laid = _laid(key, t, text_px, side_by_side=False, headings=(None, _HEADINGS[1]))
        cv.set_key_px(room(laid, cv.preset, inside=False))
    return laid


def room(laid: Laid, preset: Any, inside: bool) -> float:
    """Return the room a chart keeps for its key (the canvas's ``key_px``), in pixels.

    ``inside`` (wide sizes): none, the key finds room inside the plot. A social card: the width of the column
    beside the plot. Other sizes: the height of the key under it.
    """
    if preset.card:
        return laid.width + _CARD_KEY_GAP_PX + _CARD_EDGE_PX
    return 0 if inside else laid.height


def _laid(
    key: Key,
    t: Any,
    text_px: float | None,
    side_by_side: bool,
    second_dx: float | None = None,
    headings: tuple[str | None, str | None] = _HEADINGS,
) -> Laid:
    """Lay both parts out, names wrapped to ``text_px`` pixels (None: to :data:`_KEY_WRAP` characters).

    ``second_dx``: where the second part starts, right of the first's left edge, side by side (by default just
    clear of the first part).
    """

    def wrap(text: str, heading: bool = False) -> str:
        if text_px is None:
            return "<br>".join(meta.wrap_chars(text, _KEY_WRAP))
        # a heading starts where the swatches do
        return "<br>".join(meta.wrap(text, 12, text_px + (_SWATCH_PX if heading else 0), bold=heading))

    def bold(text: str | None) -> str:
        return "<br>".join(f"<b>{line}</b>" for line in wrap(t(text), heading=True).split("<br>")) if text else ""

    drawn = (bold(headings[0]), bold(headings[1]))
    names = ([wrap(n) for n, _ in key.who], [wrap(n) for n, _ in key.how])
    heights = (_part_px(drawn[0], names[0]), _part_px(drawn[1], names[1]) if names[1] else 0)
    widths = [
        max(_text.text_size(line, 12)[0] + (0 if line.startswith("<b>") else _SWATCH_PX) for line in lines)
        for heading, part in zip(drawn, names, strict=True)
        if part
        for lines in [[*heading.split("<br>"), *(line for n in part for line in n.split("<br>"))]]
    ]
    if second_dx is None:
        second_dx = widths[0] + _SIDE_GAP_PX
    width = (second_dx + widths[-1]) if side_by_side else max(widths)
    return Laid(drawn, names, heights, width, side_by_side, second_dx)


def _entry_px(name: str) -> float:
    """Return the height plotly.js gives a legend entry of ``name`` (lines joined by ``<br>``), in pixels."""
    return max(_LINE_PX * (name.count("<br>") + 1), 16) + 3


def _part_px(heading: str, names: list[str]) -> float:
    """Return the height of one part of the key (heading, entries, padding), in pixels."""
    heading_px = _HEADING_PX + _LINE_PX * heading.count("<br>") if heading else 0
    return heading_px + sum(_entry_px(n) for n in names) + _PAD_PX


#: The gap between a card's plot and its key (its names wrap to :data:`vizlib.theme.CARD_KEY_TEXT_PX`), and the
#: room the key leaves at the card's right edge (plotly keeps a key 12 px inside the figure, and its box runs a few
#: px wider than its text and swatches), in pixels.
_CARD_KEY_GAP_PX, _CARD_EDGE_PX = 8, 16
#: How far over and under the plot a card's key may reach: up to the subtitle's line, so that its first entry
#: stands level with the panels' headings, and down into the band of the x axis's labels, short of the credit line.
_CARD_KEY_ABOVE_PX, _CARD_KEY_UNDER_PX = 8, 30


def draw(
    cv: Canvas,
    key: Key,
    laid: Laid,
    panel: Panel,
    obstacles: list[Box],
    event_xs: Sequence[float] = (),
    prefer_right: bool = False,
) -> tuple[Box | None, dict[str, Any]]:
    """Add the key's entries to the chart; return the box it covers in the plot (None under it) and its layout.

    Under the chart when the canvas kept room for it (narrow sizes), beside it on a card (a column at the
    right, from the plot's top), else inside the plot, between event lines and clear of the marks. The
    layout holds ``legend`` (who) and ``legend2`` (how): pass it to ``update_layout``. A key inside the plot
    with its parts side by side gets one backing for both, drawn at the box.
    """
    for legend, part, names in zip(("legend", "legend2"), (key.who, key.how), laid.names, strict=True):
        for name, (_, marker) in zip(names, part, strict=True):
            trace = go.Scatter(x=[None], y=[None], mode="markers", name=name, marker=marker, hoverinfo="skip")
            cv.fig.add_trace(trace.update(legend=legend))
    if cv.preset.card:
        # the key takes the card's right-hand ``key_px``, clear of the x axis's last label
        return None, place(cv, laid, cv.preset.width - cv.key_px + _CARD_KEY_GAP_PX, cv.plot.y0 - _CARD_KEY_ABOVE_PX)
    if cv.key_px > 0:
        x0 = _PHONE_KEY_X if cv.preset.width < PHONE_PX else cv.plot.x0
        return None, place(cv, laid, x0, cv.plot.y1 + (34 if cv.axis_labels else 6))  # under the tick labels
    box = _spot(panel, laid.width + 8, laid.height, obstacles, event_xs, prefer_right)
    if laid.side_by_side:  # one backing for both parts: no gridline shows in the gap between them
        plot = cv.plot
        cv.shape(
            type="rect", xref="paper", yref="paper", layer="above", fillcolor=cv.c["background"], line_width=0,
            x0=(box.x0 - plot.x0) / plot.width, x1=(box.x1 - plot.x0) / plot.width,
            y0=(plot.y1 - box.y1) / plot.height, y1=(plot.y1 - box.y0) / plot.height,
        )  # fmt: skip
    return box, place(cv, laid, box.x0, box.y0)


def place(cv: Canvas, laid: Laid, x0: float, y0: float) -> dict[str, Any]:
    """Return the layout of the key's two legends with its top-left corner at (``x0``, ``y0``), in pixels."""
    second = (x0 + laid.second_dx, y0) if laid.side_by_side else (x0, y0 + laid.heights[0] + _STACK_GAP_PX)
    return {
        name: _legend_at(cv, x, y, heading, height)
        for name, (x, y), heading, height, part in zip(
            ("legend", "legend2"), ((x0, y0), second), laid.headings, laid.heights, laid.names, strict=True
        )
        if part  # a part with no entries has no legend (plotly would draw its heading alone)
    }


def _legend_at(cv: Canvas, x: float, y: float, heading: str, height: float) -> dict[str, Any]:
    """Return a vertical legend's layout under ``heading``, its top-left corner at (``x``, ``y``) in pixels."""
    plot = cv.plot
    return dict(
        orientation="v",
        x=(x - plot.x0) / plot.width,
        y=(plot.y1 - y) / plot.height,
        xanchor="left",
        yanchor="top",
        bgcolor=cv.c["background"],
        tracegroupgap=0,
        itemsizing="constant",
        font=dict(size=12),
        title=dict(text=heading, side="top", font=dict(size=12, color=cv.c["text"])),
        maxheight=height + 20,  # never scrolled: its whole height
    )


def legend_below(cv: Canvas, entry_px: float) -> dict[str, Any]:
    """Return the plotly legend layout of a one-part key in rows under the tick labels, entries ``entry_px`` wide."""
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


def _spot(panel: Panel, width: float, height: float, obstacles: list[Box], event_xs, prefer_right: bool) -> Box:
    """Find room for the key inside the plot: between event lines, clear of the marks."""
    box = panel.box
    edges = sorted([box.x0, box.x1, *event_xs])
    candidates = []
    # at the bottom only where events' notes stand at the top, by their lines
    for top in (box.y1 - 4 - height, *(() if event_xs else (box.y0 + 4,))):
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
    # clear of the marks first, then of the room beside them where their labels go
    across, up = _LABEL_ROOM_PX
    beside = [Box(o.x0 - across, o.y0 - up, o.x1 + across, o.y1 + up) for o in obstacles]
    return min(candidates, key=lambda cand: (cand.pad(4).overlap_sum(obstacles), cand.overlap_sum(beside)))
