"""Direct labels of claims: the figure and who claimed it, placed clear of marks, key and each other."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from vizlib import fmt, meta
from vizlib._canvas import Panel
from vizlib._charts.marks import dodge
from vizlib._charts.words import figure, short_who
from vizlib._labels import Box, Label, Spot, place

#: Candidates around a point marker, best first; the diagonal shifts keep the text's corner off the marker.
AROUND = (
    Spot("left", "middle", 9, 0),
    Spot("right", "middle", -9, 0),
    Spot("left", "bottom", 8, -8),
    Spot("left", "top", 8, 8),
    Spot("right", "bottom", -8, -8),
    Spot("right", "top", -8, 8),
    Spot("center", "bottom", 0, -9),
    Spot("center", "top", 0, 9),
)
#: Candidates for a range bar's label, anchored at the top of the bar.
BESIDE_BAR = (
    Spot("left", "top", 8, -6),
    Spot("right", "top", -8, -6),
    Spot("left", "bottom", 8, 0),
    Spot("right", "bottom", -8, 0),
    *AROUND,
)
#: Pixels kept between a chart label and anything else.
CLEARANCE = 2


def groups(rows: pd.DataFrame, x_col: str, days: int = 10) -> list[pd.DataFrame]:
    """Group claims of the same figure and kind made within ``days`` of each other (one label each)."""
    out: list[list[int]] = []
    for i, row in rows.iterrows():
        for group in out:
            first = rows.loc[group[0]]
            same = (first["low"], first["high"], first["basis"]) == (row["low"], row["high"], row["basis"])
            if same and abs((row[x_col] - rows.loc[group[-1], x_col]).days) <= days:
                group.append(i)
                break
        else:
            out.append([i])
    return [rows.loc[g] for g in out]


def claims(
    fig: go.Figure,
    rows: pd.DataFrame,
    panel: Panel,
    c: dict[str, str],
    obstacles: list[Box],
    x_col: str,
    xref: str = "x",
    yref: str = "y",
    compact: bool = False,
    event_lines: Sequence[Box] = (),
) -> None:
    """Label every claim (claims of the same figure close in time share one label).

    A label names the figure and who claimed it, with dates when they differ
    from the mark's; shorter wordings (who only, narrower lines) are used where
    the full one has no room, and always when ``compact``. The hover keeps every
    detail. Event lines are kept clear of where possible; a label that must
    cross one is drawn on the background colour.
    """
    drawn = dodge(rows, panel, x_col)
    labels, anchors = [], []
    for group in groups(rows, x_col):
        first = group.iloc[0]
        texts = wordings(group, x_col)
        if compact and len(texts) > 1:
            texts = texts[1:]
        x = drawn[group.index[0]]
        spots = AROUND if first["low"] == first["high"] else BESIDE_BAR
        labels.append(
            Label(
                panel.x(x),
                panel.y(first["high"]),
                tuple(texts),
                spots,
                size=11,
                required=True,
                annotation=True,
                clearance=CLEARANCE,
            )
        )
        anchors.append((x, first["high"]))
    place(labels, panel.box, obstacles, lines=event_lines, try_orders=True)
    for label, (x, y) in zip(labels, anchors, strict=True):
        text, spot, _ = label.chosen
        fig.add_annotation(
            name="claim-label",
            text=text,
            x=x,
            y=y,
            xref=xref,
            yref=yref,
            xanchor=spot.xanchor,
            yanchor=spot.yanchor,
            xshift=spot.dx,
            yshift=-spot.dy,
            align={"left": "left", "right": "right"}.get(spot.xanchor, "center"),
            showarrow=False,
            font=dict(size=11, color=c["text"]),
            bgcolor=c["background"] if label.crosses_line else None,
        )


def wordings(group: pd.DataFrame, x_col: str) -> list[str]:
    """Return a claim label's wordings, longest first: with dates, then who only, narrower and narrower."""
    number = f"<b>{meta.escape(figure(group.iloc[0]))}</b>"
    names = []
    for row in group.itertuples():
        who = short_who(row.claimant)
        if len(group) > 1:
            who += f" {fmt.date(row.claim_date)[:-5]}"
        elif row.claim_date != getattr(row, x_col):
            who += f", said {fmt.date(row.claim_date)[:-5]}"
        names.append(who)
    if len(group) > 1:
        full = [n.replace(" ", "\u00a0") for n in names]
    else:
        full = textwrap.wrap(names[0], 30, break_long_words=False)
    who_only = ", ".join(dict.fromkeys(short_who(c) for c in group["claimant"]))
    options = [[number, *map(meta.escape, full)]]
    for width in (22, 14):
        options.append([number, *map(meta.escape, textwrap.wrap(who_only, width, break_long_words=False))])
    return list(dict.fromkeys("<br>".join(lines) for lines in options))
