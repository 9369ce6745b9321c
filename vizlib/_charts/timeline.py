"""The timeline's rows: each event's label beside its marker, on the side with room, wrapped where neither has.

One row per event, top to bottom in date order. A label takes the right of its marker if it
fits there on one line, else the left; where the event's title fits neither, its short title
(``short_title`` in ``events.csv``) is tried the same way, else the one of fewer lines is
wrapped to the wider side; a row is as tall as its label, so a wrapped label never reaches into
its neighbours' rows. When every label fits on one line the rows are evenly spaced. Labels are
set in 12 px type, or in 11 px where the rows would not fit the plot's height (first with
months abbreviated where the language writes them out, ``11 лист.``); where even those do not,
rows are evenly spaced and wrapped labels may reach into their neighbours' rows (too many
events for the figure).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pandas as pd

from vizlib import _text, meta
from vizlib._labels import Box
from vizlib.i18n import Words

#: Type sizes of the events' labels, in pixels: the design's, and the smallest a label may take.
FONT_PX, SMALL_FONT_PX = 12, 11
#: Pixels between a marker's centre and its label.
GAP_PX = 9
#: The least height of a row, in pixels (a one-line label; a marker with room around it).
ROW_PX = 18
#: Date forms of the labels (:meth:`vizlib.i18n.Words.date`): the month written out, else abbreviated
#: (``11 лист.``) where the rows would not fit the plot; one form for every label of a chart.
_DATE_FORMS = ("day", "day_short")


@dataclass(frozen=True)
class Row:
    """Where one event's label goes: its text, the side of its marker, and the row's centre (pixels from the top)."""

    text: str
    xanchor: str  # "left": the text starts right of the marker; "right": it ends left of it
    dx: float
    centre: float
    font: float = FONT_PX


def label_text(date: str, title: str, width_px: float | None = None, font: float = FONT_PX) -> str:
    """Return ``<b>6 Aug</b>  title``, broken into balanced lines no wider than ``width_px`` when given."""
    one = f"<b>{meta.escape(date)}</b>  {meta.escape(title)}"
    if width_px is None or _text.annotation_size(one, font)[0] <= width_px:
        return one
    lines = _wrap(date, title, width_px, font)
    narrower = width_px  # the narrowest width that needs no more lines: no word left alone on the last
    while narrower > 40 and len(_wrap(date, title, narrower - 4, font)) == len(lines):
        narrower -= 4
    return "<br>".join(_wrap(date, title, narrower, font))


def _wrap(date: str, title: str, width_px: float, font: float) -> list[str]:
    lines, line = [], f"<b>{meta.escape(date)}</b>"
    for word in meta.unbroken_words(title):  # "3,000 N. Koreans" never breaks after its number
        candidate = f"{line} {meta.escape(word)}"
        if line and _text.annotation_size(candidate, font)[0] > width_px:
            lines.append(line)
            line = meta.escape(word)
        else:
            line = candidate
    return [*lines, line]


def layout(rows: pd.DataFrame, t: Words, xs: list[float], plot: Box) -> list[Row]:
    """Return each event's label and row, for markers at pixel ``xs`` in a plot ``plot``."""
    n, height = len(rows), plot.height
    for font, form in itertools.product((FONT_PX, SMALL_FONT_PX), dict.fromkeys(_DATE_FORMS)):
        placed = _labels(rows, t, xs, plot, font, form)
        if sum(h for _, _, h in placed) <= height:
            break
    if all("<br>" not in text for text, _, _ in placed) or sum(h for _, _, h in placed) > height:
        centres = [(i + 0.7) * height / n for i in range(n)]  # evenly spaced, as rows of a category axis
    else:
        extra = (height - sum(h for _, _, h in placed)) / (n + 0.4)
        centres, top = [], 0.2 * extra
        for _, _, h in placed:
            centres.append(top + (h + extra) / 2)
            top += h + extra
    return [
        Row(text, side, GAP_PX if side == "left" else -GAP_PX, plot.y0 + centre, font)
        for (text, side, _), centre in zip(placed, centres, strict=True)
    ]


def _labels(
    rows: pd.DataFrame, t: Words, xs: list[float], plot: Box, font: float, form: str = "day"
) -> list[tuple[str, str, float]]:
    """Return each event's label text, the side of its marker it takes, and its row's height (dates in ``form``)."""
    placed = []
    for (_, r), x in zip(rows.iterrows(), xs, strict=True):
        right, left = plot.x1 - x - GAP_PX, x - GAP_PX - plot.x0
        date = t.date(r["date"], form)
        for title in _titles(r, t):
            text = label_text(date, title, font=font)
            width = _text.annotation_size(text, font)[0]
            if width <= right or width <= left:
                side = "left" if width <= right else "right"
                break
        else:  # wrapped: the wording of fewest lines, the title where the short title needs as many
            side = "left" if right >= left else "right"
            wrapped = [label_text(date, title, max(right, left), font) for title in _titles(r, t)]
            text = min(wrapped, key=lambda text: text.count("<br>"))
        placed.append((text, side, max(_text.annotation_size(text, font)[1], ROW_PX)))
    return placed


def _titles(r: pd.Series, t: Words) -> list[str]:
    """Return an event's title, then its short title where it has one in the same language."""
    title, short = t.field(r, "title"), t.field(r, "short_title")
    translated = [isinstance(r.get(f"{name}_{t.lang}"), str) for name in ("title", "short_title")]
    return [title, short] if short and (t.lang == "en" or translated[0] == translated[1]) else [title]
