"""Dated events on a chart: dotted vertical lines, with short labels in lanes at the top."""

from __future__ import annotations

import pandas as pd

from vizlib import meta
from vizlib._canvas import Canvas, Panel
from vizlib._labels import Box, Label, Spot, place

#: Label lanes under the top of the plot, each on either side of its line, one annotation's height apart
#: (their clearance of -1 px lets the invisible border pads touch).
_LANES = tuple(
    Spot(anchor, "top", 4 if anchor == "left" else -4, 2 + 18 * lane)
    for lane in range(5)
    for anchor in ("left", "right")
)


def lines(panel: Panel, marks: pd.DataFrame) -> list[Box]:
    """Return the thin boxes of the events' lines (labels avoid crossing them)."""
    return [Box(panel.x(d) - 1, panel.box.y0, panel.x(d) + 1, panel.box.y1) for d in marks["date"]]


def draw(cv: Canvas, marks: pd.DataFrame, panel: Panel, obstacles: list[Box]) -> list[Box]:
    """Mark each event with a dotted line and a label; return the labels' boxes."""
    fig, c, t = cv.fig, cv.c, cv.t
    labels = []
    for row in marks.itertuples():
        fig.add_shape(
            type="line",
            name=f"event:{row.id}",
            xref="x",
            yref="paper",
            x0=row.date,
            x1=row.date,
            y0=0,
            y1=1,
            line=dict(color=c["muted"], width=1, dash="dot"),
            layer="below",
        )
        text = f"{t.date(row.date, 'day')}: {meta.escape(t.field(row, 'title'))}"
        labels.append(
            Label(
                panel.x(row.date), panel.box.y0, (text,), _LANES, size=11, required=True, annotation=True, clearance=-1
            )
        )
    place(labels, panel.box, obstacles, try_orders=True)
    for row, label in zip(marks.itertuples(), labels, strict=True):
        text, spot, _ = label.chosen
        fig.add_annotation(
            name=f"event-label:{row.id}",
            text=text,
            x=row.date,
            xref="x",
            y=1,
            yref="paper",
            xanchor=spot.xanchor,
            yanchor="top",
            xshift=spot.dx,
            yshift=-spot.dy,
            showarrow=False,
            font=dict(size=11, color=c["muted"]),
            bgcolor=c["background"],
        )
    return [label.chosen[2] for label in labels]
