"""Drawing helpers shared by the chart builders of :mod:`vizlib.charts`.

Claims become marks (a dot for one number, a floating bar for a range),
legend keys that explain colour and shape, dotted event markers, and direct
labels placed by :mod:`vizlib._charts_labels`. A :class:`_Frame` maps a
panel's data coordinates to pixels so that labels and the legend can be
kept apart before plotly draws anything.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from vizlib import fmt, meta, theme
from vizlib._charts_labels import AROUND, Box, Label, Spot, place

_SIDE_NAMES = {
    "UA": "Ukrainian sources",
    "RU": "Russian officials",
    "US": "US officials",
    "KR": "South Korean officials",
    "multi": "Sources on several sides",
}
_BASIS_KEYS = {
    "count": "present at the date",
    "cumulative": "moved in since the start",
    "expected": "expected or planned total",
    "peak": "largest value reached",
}
_KEY_WRAP = 26  # characters per line of a legend entry
_BASIS_SYMBOLS = {"count": "circle", "cumulative": "circle", "expected": "diamond", "peak": "triangle-up"}
_HOLLOW = {"cumulative", "expected", "peak"}
_MARKER = 11
_INSTITUTION_WORDS = {
    "Department",
    "Service",
    "Staff",
    "Chiefs",
    "Council",
    "Ministry",
    "Agency",
    "Office",
    "Forces",
    "Command",
}
_HOVER = (
    "<b>%{customdata[1]}</b><br>%{customdata[2]}<br>"
    "Claimed %{customdata[3]}, describes %{customdata[4]}<br>"
    "<b>%{customdata[5]}</b> (%{customdata[6]})<br>%{customdata[7]}<extra></extra>"
)


# ------------------------------------------------------------- claim text


def _who(claimant: str) -> str:
    """Return the claimant's name without titles in brackets or job description."""
    without_brackets = re.sub(r"\s*\([^)]*\)", "", claimant)
    return without_brackets.split(",")[0].strip() or claimant


def _short_who(claimant: str) -> str:
    """Return a label-sized name: an acronym in brackets, a person's surname, or the body's name."""
    acronym = re.search(r"\(([A-Z]{2,6})\)", claimant)
    if acronym:
        return acronym.group(1)
    name = _who(claimant)
    words = name.split()
    if (
        len(words) > 1
        and re.fullmatch(r"[A-Z]{2,6}", words[0])
        and words[1].islower()
        and words[1] not in ("and", "or")
    ):
        return words[0]  # "NIS director Cho Tae-yong" -> "NIS"
    looks_personal = (
        2 <= len(words) <= 4
        and all(w[:1].isupper() for w in words)
        and "-" not in words[-1]
        and not _INSTITUTION_WORDS.intersection(words)
    )
    return words[-1] if looks_personal and not name.isupper() else name


def _figure(row: Any) -> str:
    number = fmt.count_range(row.low, row.high)
    return f"{number} km²" if row.unit == "km2" else number


# ------------------------------------------------------------------- drawing


@dataclass
class _Frame:
    """Maps data coordinates of one plot panel to pixels, for placing labels."""

    x_range: tuple[pd.Timestamp, pd.Timestamp]
    y_range: tuple[float, float]
    box: Box
    legend: dict[str, Any]
    event_boxes: list[Box]
    event_xs: list[float]
    area: Box
    key_box: Box | None = None

    @classmethod
    def for_figure(cls, figure_meta, size, x_range, y_range, x_domain=(0, 1), y_domain=(0, 1)) -> _Frame:
        preset = theme.size(size)
        margin = meta.margins(figure_meta, size)
        left, right = margin["l"], preset.width - margin["r"]
        top, bottom = preset.height - margin["t"], margin["b"]
        # The x tick labels sit inside the bottom margin; nothing else grows it.
        width, height = right - left, top - bottom
        box = Box(x_domain[0] * width, y_domain[0] * height, x_domain[1] * width, y_domain[1] * height)
        return cls(x_range, y_range, box, {}, [], [], Box(0, 0, width, height))

    def days(self) -> float:
        return (self.x_range[1] - self.x_range[0]) / pd.Timedelta(days=1)

    def px_per_day(self) -> float:
        return (self.box.right - self.box.left) / self.days()

    def x(self, when: Any) -> float:
        return self.box.left + (pd.Timestamp(when) - self.x_range[0]) / pd.Timedelta(days=1) * self.px_per_day()

    def y(self, value: float) -> float:
        low, high = self.y_range
        return self.box.bottom + (value - low) / (high - low) * (self.box.top - self.box.bottom)

    def height(self) -> float:
        return self.box.top - self.box.bottom


def _dodge(rows: pd.DataFrame, frame: _Frame, x_col: str) -> pd.Series:
    """Return drawing dates: claims whose marks would overlap are spread side by side."""
    gap_days = (_MARKER + 2) / frame.px_per_day()
    tol = (_MARKER / 2) / frame.height() * (frame.y_range[1] - frame.y_range[0])
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
        centre = rows.loc[cluster, x_col].min() + (rows.loc[cluster, x_col].max() - rows.loc[cluster, x_col].min()) / 2
        for k, i in enumerate(cluster):
            drawn[i] = (centre + pd.Timedelta(days=(k - (len(cluster) - 1) / 2) * gap_days)).round("s")
    return drawn


def _customdata(rows: pd.DataFrame) -> list[list[str]]:
    esc = meta.escape
    return [
        [
            row.id,
            esc(row.claimant),
            esc(row.publication),
            fmt.date(row.claim_date),
            fmt.date(row.refers_to) if row.basis != "peak" else "date not given",
            _figure(row),
            _BASIS_KEYS[row.basis],
            "<br>".join(textwrap.wrap(esc(row.note if isinstance(row.note, str) else ""), 60)),
        ]
        for row in rows.itertuples()
    ]


def _side_color(side: str, c: dict[str, str]) -> str:
    return c[theme.SIDE_COLOR_KEYS[side]]


def _add_claims(fig, rows, frame, c, x_col, row=None, col=None) -> list[Box]:
    """Draw each claim once: a dot for one number, a bar for a range. Return their boxes."""
    drawn = _dodge(rows, frame, x_col)
    rows = rows.assign(drawn_x=drawn)
    obstacles = []
    where = {} if row is None else {"row": row, "col": col}
    for (side, basis, ranged), group in rows.groupby(
        [rows["claimant_side"], rows["basis"], rows["low"] != rows["high"]], sort=False
    ):
        color = _side_color(side, c)
        name = f"{_SIDE_NAMES[side]}: {_BASIS_KEYS[basis]}" + (" (range)" if ranged else "")
        common = dict(
            name=name,
            legendgroup=side,
            showlegend=False,
            customdata=_customdata(group),
            hovertemplate=_HOVER,
        )
        if ranged:
            fig.add_trace(
                go.Bar(
                    x=group["drawn_x"],
                    y=group["high"] - group["low"],
                    base=group["low"],
                    width=[(_MARKER - 3) / frame.px_per_day() * 86_400_000] * len(group),
                    marker=dict(
                        color=c["background"] if basis in _HOLLOW else color,
                        line=dict(color=color, width=2),
                    ),
                    **common,
                ),
                **where,
            )
        else:
            fig.add_trace(
                go.Scatter(
                    x=group["drawn_x"],
                    y=group["high"],
                    mode="markers",
                    marker=dict(
                        size=_MARKER,
                        symbol=_BASIS_SYMBOLS[basis],
                        color=c["background"] if basis in _HOLLOW else color,
                        line=dict(
                            color=color if basis in _HOLLOW else c["background"], width=2 if basis in _HOLLOW else 1
                        ),
                    ),
                    **common,
                ),
                **where,
            )
        for r in group.itertuples():
            x = frame.x(r.drawn_x)
            half = _MARKER / 2
            obstacles.append(Box(x - half, frame.y(r.low) - half, x + half, frame.y(r.high) + half))
    return obstacles


def _add_key(fig, rows, c, frame, obstacles, prefer_right: bool = False) -> Box:
    """Add legend-only entries that explain colour (side) and shape (basis)."""
    entries = []
    for side in dict.fromkeys(rows["claimant_side"]):
        entries.append(
            (_SIDE_NAMES[side], dict(symbol="circle", color=_side_color(side, c), size=_MARKER, line=dict(width=0)))
        )
    # Filled dots are the default; explain only the marks that differ.
    for basis in dict.fromkeys(rows.loc[rows["low"] == rows["high"], "basis"]):
        if basis in _HOLLOW:
            marker = dict(
                symbol=_BASIS_SYMBOLS[basis], size=_MARKER, color=c["background"], line=dict(color=c["text"], width=2)
            )
            entries.append((f"Hollow: {_BASIS_KEYS[basis]}", marker))
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
    width = max(len(line) for lines in wrapped for line in lines) * 12 * 0.56 + 40
    height = sum(19 + 15 * (len(lines) - 1) for lines in wrapped) + 8
    legend_box = _legend_spot(frame, width, height, obstacles, prefer_right)
    frame.legend = dict(
        orientation="v",
        x=legend_box.left / frame.area.right,
        y=legend_box.top / frame.area.top,
        xanchor="left",
        yanchor="top",
        bgcolor=c["background"],
        tracegroupgap=0,
        itemsizing="constant",
    )
    return legend_box


def _legend_spot(frame: _Frame, width: float, height: float, obstacles: list[Box], prefer_right: bool = False) -> Box:
    """Find room for the legend inside the plot: between event lines, clear of the marks."""
    box = frame.box
    edges = sorted([box.left, box.right, *frame.event_xs])
    candidates = []
    for bottom in (box.bottom + 4, box.top - 4 - height):
        for a, b in zip(edges, edges[1:], strict=False):
            if b - a >= width + 12:
                candidates += [
                    Box(a + 6, bottom, a + 6 + width, bottom + height),
                    Box(b - 6 - width, bottom, b - 6, bottom + height),
                ]
    if not candidates:
        candidates = [Box(box.left + 4, box.bottom + 4, box.left + 4 + width, box.bottom + 4 + height)]
    if prefer_right:
        candidates.sort(key=lambda cand: -cand.right)
    return min(candidates, key=lambda cand: sum(cand.pad(4).overlap(o) for o in obstacles))


def _add_events(fig, marks, frame, c, obstacles) -> None:
    """Mark events as dotted vertical lines with short labels in lanes at the top."""
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
        text = f"{fmt.date(row.date)[:-5]}: {meta.escape(row.title)}"
        lanes = tuple(
            Spot(anchor, "top", 4 if anchor == "left" else -4, -2 - 17 * lane)
            for lane in range(5)
            for anchor in ("left", "right")
        )
        labels.append(Label(frame.x(row.date), frame.box.top, text, lanes, font_size=11))
    place(labels, frame.box, obstacles)
    for row, label in zip(marks.itertuples(), labels, strict=True):
        spot = label.chosen
        fig.add_annotation(
            name=f"event-label:{row.id}",
            text=label.chosen_text,
            x=row.date,
            xref="x",
            y=1,
            yref="paper",
            xanchor=spot.xanchor,
            yanchor="top",
            xshift=spot.xshift,
            yshift=spot.yshift,
            showarrow=False,
            font=dict(size=11, color=c["muted"]),
            bgcolor=c["background"],
        )
        frame.event_boxes.append(label.box(spot))


def _label_groups(rows: pd.DataFrame, x_col: str, days: int = 10) -> list[pd.DataFrame]:
    """Group claims of the same figure and basis made within ``days`` of each other."""
    groups: list[list[int]] = []
    for i, row in rows.iterrows():
        for group in groups:
            first = rows.loc[group[0]]
            if (first["low"], first["high"], first["basis"]) == (row["low"], row["high"], row["basis"]) and abs(
                (row[x_col] - rows.loc[group[-1], x_col]).days
            ) <= days:
                group.append(i)
                break
        else:
            groups.append([i])
    return [rows.loc[g] for g in groups]


def _label_claims(fig, rows, frame, c, obstacles, x_col, xref="x", yref="y", compact=False, lines=()) -> None:
    """Label every claim (claims of the same figure close in time share one label).

    A label names the figure and who claimed it, with dates when they differ
    from the mark's; shorter wordings (who only, narrower lines) are used
    where the full one has no room, and always when ``compact``. The hover
    keeps every detail. ``lines`` (event lines) are kept clear of where
    possible; a label that must cross one is drawn on the background colour.
    """
    drawn = _dodge(rows, frame, x_col)
    labels, anchors = [], []
    for group in _label_groups(rows, x_col):
        first = group.iloc[0]
        wordings = _claim_wordings(group, x_col)
        x = drawn[group.index[0]]
        y_value = first["high"]
        spots = AROUND if first["low"] == first["high"] else _BESIDE_BAR
        if compact and len(wordings) > 1:
            wordings = wordings[1:]
        labels.append(
            Label(frame.x(x), frame.y(y_value), wordings[0], spots, font_size=11, shorter=tuple(wordings[1:]))
        )
        anchors.append((x, y_value))
    place(labels, frame.box, obstacles, lines)
    for label, (x, y_value) in zip(labels, anchors, strict=True):
        spot = label.chosen
        fig.add_annotation(
            name="claim-label",
            text=label.chosen_text,
            x=x,
            y=y_value,
            xref=xref,
            yref=yref,
            xanchor=spot.xanchor,
            yanchor=spot.yanchor,
            xshift=spot.xshift,
            yshift=spot.yshift,
            align="left" if spot.xanchor == "left" else ("right" if spot.xanchor == "right" else "center"),
            showarrow=False,
            font=dict(size=11, color=c["text"]),
            bgcolor=c["background"] if label.crosses_line else None,
        )


def _claim_wordings(group: pd.DataFrame, x_col: str) -> list[str]:
    """Return a claim label's wordings, longest first: with dates, then who only, narrower and narrower."""
    figure = f"<b>{meta.escape(_figure(group.iloc[0]))}</b>"
    names = []
    for row in group.itertuples():
        who = _short_who(row.claimant)
        if len(group) > 1:
            who += f" {fmt.date(row.claim_date)[:-5]}"
        elif row.claim_date != getattr(row, x_col):
            who += f", said {fmt.date(row.claim_date)[:-5]}"
        names.append(who)
    if len(group) > 1:
        full = [n.replace(" ", "\u00a0") for n in names]
    else:
        full = textwrap.wrap(names[0], 30, break_long_words=False)
    who_only = ", ".join(dict.fromkeys(_short_who(c) for c in group["claimant"]))
    wordings = [[figure, *map(meta.escape, full)]]
    for width in (22, 14):
        wordings.append([figure, *map(meta.escape, textwrap.wrap(who_only, width, break_long_words=False))])
    return list(dict.fromkeys("<br>".join(lines) for lines in wordings))


#: Candidates for a range bar's label, anchored at the top of the bar.
_BESIDE_BAR = (
    Spot("left", "top", 8, 6),
    Spot("right", "top", -8, 6),
    Spot("left", "bottom", 8, 0),
    Spot("right", "bottom", -8, 0),
    *AROUND,
)


def _date_range(dates, pad_days=(5, 5)) -> tuple[pd.Timestamp, pd.Timestamp]:
    low, high = pd.Timestamp(min(dates)), pd.Timestamp(max(dates))
    # Start no later than the first of the month, so that month has its tick.
    start = min(low - pd.Timedelta(days=pad_days[0]), low.to_period("M").to_timestamp())
    return start, high + pd.Timedelta(days=pad_days[1])


def _nice_top(value: float) -> float:
    step = _nice_step(value)
    return step * -(-value // step)


def _nice_step(span: float, ticks: int = 6) -> float:
    raw = span / ticks
    magnitude = 10 ** (len(str(int(raw))) - 1) if raw >= 1 else 1
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _y_ticks(top: float, limit: float, ticks: int = 6, short: bool = True) -> tuple[list[float], list[str]]:
    step = _nice_step(top, ticks)
    values = [i * step for i in range(int(limit // step) + 1)]
    return values, [(fmt.short if short else fmt.count)(v) for v in values]


def _month_ticks(x_range) -> tuple[list[pd.Timestamp], list[str]]:
    months = pd.date_range(x_range[0].to_period("M").to_timestamp(), x_range[1], freq="MS")
    months = [m for m in months if m >= x_range[0]]
    text = [m.strftime("%b %Y") if i == 0 or m.month == 1 else m.strftime("%b") for i, m in enumerate(months)]
    return months, text


def _style_axes(fig, x_range, y_top, c, y_limit=None, unit="", y_ticks=6, short=True, **where) -> None:
    ticks, text = _month_ticks(x_range)
    fig.update_xaxes(range=list(x_range), tickvals=ticks, ticktext=text, showline=True, **where)
    values, labels = _y_ticks(y_top, y_limit if y_limit is not None else y_top * 0.86, y_ticks, short)
    if unit:
        labels[-1] = f"{labels[-1]} {unit}"
    fig.update_yaxes(range=[0, y_top], tickvals=values, ticktext=labels, showline=False, zeroline=True, **where)
