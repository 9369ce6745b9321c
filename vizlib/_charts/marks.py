"""Claims as marks: a dot for one number, a floating bar for a range, hollow for totals; and the key."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from vizlib import _text, fmt, meta
from vizlib._canvas import Panel
from vizlib._charts.words import BASIS_KEYS, SIDE_NAMES, figure, side_color  # noqa: F401 (SIDE_NAMES re-used)
from vizlib._labels import Box

MARKER = 11
_BASIS_SYMBOLS = {"count": "circle", "cumulative": "circle", "expected": "diamond", "peak": "triangle-up"}
HOLLOW = {"cumulative", "expected", "peak"}
_KEY_WRAP = 26  # characters per line of a legend entry
HOVER = (
    "<b>%{customdata[1]}</b><br>%{customdata[2]}<br>"
    "Claimed %{customdata[3]}, describes %{customdata[4]}<br>"
    "<b>%{customdata[5]}</b> (%{customdata[6]})<br>%{customdata[7]}<extra></extra>"
)


def dodge(rows: pd.DataFrame, panel: Panel, x_col: str) -> pd.Series:
    """Return drawing dates: claims whose marks would overlap are spread side by side."""
    gap_days = (MARKER + 2) / panel.px_per_x()
    tol = (MARKER / 2) * panel.y_per_px()
    order = rows.sort_values([x_col, "low"], kind="stable").index
    clusters: list[list[int]] = []
    for i in order:
        row = rows.loc[i]
        for cluster in clusters:
            near = any(
                abs((rows.loc[j, x_col] - row[x_col]) / pd.Timedelta(days=1)) < gap_days
                and rows.loc[j, "low"] - tol <= row["high"]
                and row["low"] - tol <= rows.loc[j, "high"]
                for j in cluster
            )
            if near:
                cluster.append(i)
                break
        else:
            clusters.append([i])
    drawn = rows[x_col].astype("datetime64[ms]")
    for cluster in clusters:
        if len(cluster) == 1:
            continue
        dates = rows.loc[cluster, x_col]
        centre = dates.min() + (dates.max() - dates.min()) / 2
        for k, i in enumerate(cluster):
            drawn[i] = (centre + pd.Timedelta(days=(k - (len(cluster) - 1) / 2) * gap_days)).round("s")
    return drawn


def customdata(rows: pd.DataFrame) -> list[list[str]]:
    """Return the hover fields of each claim: id, claimant, publication, dates, figure, kind, note."""
    esc = meta.escape
    return [
        [
            row.id,
            esc(row.claimant),
            esc(row.publication),
            fmt.date(row.claim_date),
            fmt.date(row.refers_to) if row.basis != "peak" else "date not given",
            figure(row),
            BASIS_KEYS[row.basis],
            "<br>".join(textwrap.wrap(esc(row.note if isinstance(row.note, str) else ""), 60)),
        ]
        for row in rows.itertuples()
    ]


def claims(
    fig: go.Figure,
    rows: pd.DataFrame,
    panel: Panel,
    c: dict[str, str],
    x_col: str,
    row: int | None = None,
    col: int | None = None,
) -> list[Box]:
    """Draw each claim once: a dot for one number, a bar for a range. Return their pixel boxes."""
    rows = rows.assign(drawn_x=dodge(rows, panel, x_col))
    obstacles = []
    where = {} if row is None else {"row": row, "col": col}
    for (side, basis, ranged), group in rows.groupby(
        [rows["claimant_side"], rows["basis"], rows["low"] != rows["high"]], sort=False
    ):
        color = side_color(side, c)
        common = dict(
            name=f"{SIDE_NAMES[side]}: {BASIS_KEYS[basis]}" + (" (range)" if ranged else ""),
            legendgroup=side,
            showlegend=False,
            customdata=customdata(group),
            hovertemplate=HOVER,
        )
        hollow = basis in HOLLOW
        if ranged:
            trace = go.Bar(
                x=group["drawn_x"],
                y=group["high"] - group["low"],
                base=group["low"],
                width=[(MARKER - 3) / panel.px_per_x() * 86_400_000] * len(group),
                marker=dict(color=c["background"] if hollow else color, line=dict(color=color, width=2)),
                **common,
            )
        else:
            trace = go.Scatter(
                x=group["drawn_x"],
                y=group["high"],
                mode="markers",
                marker=dict(
                    size=MARKER,
                    symbol=_BASIS_SYMBOLS[basis],
                    color=c["background"] if hollow else color,
                    line=dict(color=color if hollow else c["background"], width=2 if hollow else 1),
                ),
                **common,
            )
        fig.add_trace(trace, **where)
        for r in group.itertuples():
            x, half = panel.x(r.drawn_x), MARKER / 2
            obstacles.append(Box(x - half, panel.y(r.high) - half, x + half, panel.y(r.low) + half))
    return obstacles


def key(
    fig: go.Figure,
    rows: pd.DataFrame,
    c: dict[str, str],
    panel: Panel,
    obstacles: list[Box],
    event_xs: Sequence[float] = (),
    prefer_right: bool = False,
    plot: Box | None = None,
) -> tuple[Box, dict[str, Any]]:
    """Add legend-only entries that explain colour (side) and shape (kind); return the legend's box and layout."""
    entries = []
    for side in dict.fromkeys(rows["claimant_side"]):
        marker = dict(symbol="circle", color=side_color(side, c), size=MARKER, line=dict(width=0))
        entries.append((SIDE_NAMES[side], marker))
    # Filled dots are the default; explain only the marks that differ.
    for basis in dict.fromkeys(rows.loc[rows["low"] == rows["high"], "basis"]):
        if basis in HOLLOW:
            marker = dict(
                symbol=_BASIS_SYMBOLS[basis], size=MARKER, color=c["background"], line=dict(color=c["text"], width=2)
            )
            entries.append((f"Hollow: {BASIS_KEYS[basis]}", marker))
    if (rows["low"] != rows["high"]).any():
        entries.append(
            ("Bar: a range (low to high)", dict(symbol="line-ns", size=14, line=dict(color=c["text"], width=5)))
        )
    # Long entries wrap so the key keeps inside the plot (plotly would widen the margin instead).
    wrapped = [textwrap.wrap(name, _KEY_WRAP) for name, _ in entries]
    for lines, (_, marker) in zip(wrapped, entries):
        fig.add_trace(
            go.Scatter(x=[None], y=[None], mode="markers", name="<br>".join(lines), marker=marker, hoverinfo="skip")
        )
    width = max(_text.text_size(line, 12)[0] for lines in wrapped for line in lines) + 36
    height = sum(19 + 15 * (len(lines) - 1) for lines in wrapped) + 8
    box = _spot(panel, width, height, obstacles, event_xs, prefer_right)
    return box, legend_at(box, plot or panel.box, c)


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
    return min(candidates, key=lambda cand: sum(cand.pad(4).overlap(o) for o in obstacles))
