"""Direct labels of claims: the figure and who claimed it, placed clear of marks, key and each other."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import pandas as pd

from vizlib import meta
from vizlib._canvas import Canvas, Panel
from vizlib._charts.marks import dodge
from vizlib._charts.words import figure, short_who, value
from vizlib._labels import Box, Label, Spot, place
from vizlib.i18n import Words

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
    """Group claims of the same figure, kind and subject made within ``days`` of each other (one label each)."""
    same_as = [
        (r.subject, r.basis, r.bound, r.low if pd.notna(r.low) else None, r.high if pd.notna(r.high) else None)
        for r in rows.itertuples()
    ]
    out: list[list[int]] = []
    for k, (i, row) in enumerate(rows.iterrows()):
        for group in out:
            first = rows.index.get_loc(group[0])
            if same_as[first] == same_as[k] and abs((row[x_col] - rows.loc[group[-1], x_col]).days) <= days:
                group.append(i)
                break
        else:
            out.append([i])
    return [rows.loc[g] for g in out]


def claims(
    cv: Canvas,
    rows: pd.DataFrame,
    panel: Panel,
    obstacles: list[Box],
    x_col: str,
    xref: str = "x",
    yref: str = "y",
    compact: bool = False,
    event_lines: Sequence[Box] = (),
) -> None:
    """Label every claim (claims of the same figure close in time share one label).

    A label names the figure (as bounded: ``~11,000``, ``10,000+``, ``up to 4,000``),
    what it counts when that is not the strength present, and who claimed it,
    with dates when they differ from the mark's; shorter wordings (who only,
    narrower lines) are used where the full one has no room, and always when
    ``compact``. The hover keeps every detail. Event lines are kept clear of
    where possible; a label that must cross one is drawn on the background colour.
    """
    drawn = dodge(rows, panel, x_col)
    labels, anchors = [], []
    for group in groups(rows, x_col):
        first = group.iloc[0]
        texts = wordings(group, x_col, cv.t)
        if compact and len(texts) > 1:
            texts = texts[1:]
        x, y = drawn[group.index[0]], value(first)
        spots = BESIDE_BAR if first["bound"] == "range" else AROUND
        labels.append(
            Label(
                panel.x(x),
                panel.y(y),
                tuple(texts),
                spots,
                size=11,
                required=True,
                annotation=True,
                clearance=CLEARANCE,
            )
        )
        anchors.append((x, y))
    place(labels, panel.box, obstacles, lines=event_lines, try_orders=True)
    for label, (x, y) in zip(labels, anchors, strict=True):
        text, spot, _ = label.chosen
        cv.fig.add_annotation(
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
            font=dict(size=11, color=cv.c["text"]),
            bgcolor=cv.c["background"] if label.crosses_line else None,
        )


#: What a label adds after the number when the number is not the strength present at the date.
QUALIFIERS = {"cumulative": "moved in", "expected": "expected", "ru_nk_troops_kursk": "incl. North Koreans"}


def wordings(group: pd.DataFrame, x_col: str, t: Words) -> list[str]:
    """Return a claim label's wordings, longest first: with dates, then who only, narrower and narrower."""
    first = group.iloc[0]
    qualifier = QUALIFIERS.get(first["subject"]) or QUALIFIERS.get(first["basis"])
    number = f"<b>{meta.escape(figure(first, t))}</b>" + (f" {t(qualifier)}" if qualifier else "")
    names = []
    for row in group.itertuples():
        who = t(short_who(row.claimant))
        if len(group) > 1:
            who += f" {t.date(row.claim_date, 'day')}"
        elif pd.notna(getattr(row, x_col)) and row.claim_date != getattr(row, x_col):
            who += ", " + t("said {date}", date=t.date(row.claim_date, "day"))
        names.append(who)
    if len(group) > 1:
        full = [n.replace(" ", "\u00a0") for n in names]
    else:
        full = textwrap.wrap(names[0], 30, break_long_words=False)
    who_only = ", ".join(dict.fromkeys(t(short_who(c)) for c in group["claimant"]))
    options = [[number, *map(meta.escape, full)]]
    for width in (22, 14):
        options.append([number, *map(meta.escape, textwrap.wrap(who_only, width, break_long_words=False))])
    return list(dict.fromkeys("<br>".join(lines) for lines in options))
