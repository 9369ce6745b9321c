"""Claims as marks, drawn as honestly as they were said (:mod:`vizlib._charts.key` explains them to the reader).

* one number (exact or about): a dot;
* a range: a floating bar from low to high;
* a lower bound only ("at least", "more than"): an up-pointing triangle at the bound;
* an upper bound only ("up to", "as many as"): a down-pointing triangle at the bound (never a bar from 0);
* a running total since the start, an expected total or the largest value reached: hollow, so it does not read
  as the strength (or the area) present; the key says which.
"""

from __future__ import annotations

import itertools
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from vizlib import meta
from vizlib._canvas import Canvas, Panel
from vizlib._charts.words import BASIS_KEYS, BOUND_KEYS, claimant, figure, side_color, side_name
from vizlib._frames import itertuples
from vizlib._labels import Box
from vizlib.i18n import N_

MARKER = 11
BASIS_SYMBOLS = {"count": "circle", "cumulative": "circle", "expected": "diamond", "peak": "circle"}
_BOUND_SYMBOLS = {"at_least": "triangle-up", "up_to": "triangle-down"}
HOLLOW = {"cumulative", "expected", "peak"}
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
    return _BOUND_SYMBOLS.get(row.bound, BASIS_SYMBOLS[row.basis])


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
        # a cluster at the panel's end is moved in, whole, so that its last mark is not cut at the edge
        half = pd.Timedelta(days=(len(cluster) - 1) / 2 * gap_days + (MARKER / 2 + 1) / panel.px_per_x())
        start, end = (pd.Timestamp(x) for x in panel.x_range)
        centre = min(max(centre, start + half), end - half)
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
