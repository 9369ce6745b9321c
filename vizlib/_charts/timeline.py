"""The timeline's rows: each event's label beside its marker, on the side with room, wrapped where neither has.

One row per event, top to bottom in date order. A label takes the right of its marker if it
fits there on one line, else the left, else it is wrapped to the wider side; a row is as tall
as its label, so a wrapped label never reaches into its neighbours' rows. When every label
fits on one line the rows are evenly spaced.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from vizlib import _text, meta
from vizlib._labels import Box
from vizlib.i18n import Words

#: Type size of the events' labels, in pixels.
FONT_PX = 12
#: Pixels between a marker's centre and its label.
GAP_PX = 9
#: The least height of a row, in pixels (a one-line label; a marker with room around it).
ROW_PX = 19


@dataclass(frozen=True)
class Row:
    """Where one event's label goes: its text, the side of its marker, and the row's centre (pixels from the top)."""

    text: str
    xanchor: str  # "left": the text starts right of the marker; "right": it ends left of it
    dx: float
    centre: float


def label_text(date: str, title: str, width_px: float | None = None) -> str:
    """Return ``<b>6 Aug</b>  title``, broken into balanced lines no wider than ``width_px`` when given."""
    one = f"<b>{meta.escape(date)}</b>  {meta.escape(title)}"
    if width_px is None or _text.annotation_size(one, FONT_PX)[0] <= width_px:
        return one
    lines = _wrap(date, title, width_px)
    narrower = width_px  # the narrowest width that needs no more lines: no word left alone on the last
    while narrower > 40 and len(_wrap(date, title, narrower - 4)) == len(lines):
        narrower -= 4
    return "<br>".join(_wrap(date, title, narrower))


def _wrap(date: str, title: str, width_px: float) -> list[str]:
    lines, line = [], f"<b>{meta.escape(date)}</b>"
    for word in title.split():
        candidate = f"{line} {meta.escape(word)}"
        if line and _text.annotation_size(candidate, FONT_PX)[0] > width_px:
            lines.append(line)
            line = meta.escape(word)
        else:
            line = candidate
    return [*lines, line]


def layout(rows: pd.DataFrame, t: Words, xs: list[float], plot: Box) -> list[Row]:
    """Return each event's label and row, for markers at pixel ``xs`` in a plot ``plot``.

    Raises
    ------
    ValueError
        When the labels cannot all fit in the plot's height (more events than a figure can list).
    """
    placed = []
    for (_, r), x in zip(rows.iterrows(), xs, strict=True):
        date, title = t.date(r["date"], "day"), t.field(r, "title")
        one = label_text(date, title)
        right, left = plot.x1 - x - GAP_PX, x - GAP_PX - plot.x0
        width = _text.annotation_size(one, FONT_PX)[0]
        if width <= right or width <= left:
            text, side = one, "left" if width <= right else "right"
        else:
            side = "left" if right >= left else "right"
            text = label_text(date, title, max(right, left))
        placed.append((text, side, max(_text.annotation_size(text, FONT_PX)[1], ROW_PX)))
    n, height = len(placed), plot.height
    if all("<br>" not in text for text, _, _ in placed):
        centres = [(i + 0.7) * height / n for i in range(n)]  # evenly spaced, as rows of a category axis
    else:
        extra = (height - sum(h for _, _, h in placed)) / (n + 0.4)
        if extra < 0:
            raise ValueError(f"{n} events do not fit in a plot {height:.0f} px tall")
        centres, top = [], 0.2 * extra
        for _, _, h in placed:
            centres.append(top + (h + extra) / 2)
            top += h + extra
    return [
        Row(text, side, GAP_PX if side == "left" else -GAP_PX, plot.y0 + centre)
        for (text, side, _), centre in zip(placed, centres, strict=True)
    ]
