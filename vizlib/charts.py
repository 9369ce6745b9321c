"""Charts of the claims and events of autumn 2024, as sourced, contested claims.

Four builders, one per article figure (slug in brackets):

* :func:`troops_kursk` (``troops-kursk``): claimed Russian troop numbers in
  Kursk oblast, August–November 2024;
* :func:`north_korea` (``north-korea``): claimed North Korean troops in
  Russia and in Kursk oblast, and the composition of the ~50,000;
* :func:`kursk_area` (``kursk-area``): the Ukrainian-held area of Kursk
  oblast as claimed by each side;
* :func:`timeline` (``timeline``): the dated events of the story.

Each takes the user's claims/events (path or DataFrame; None for the bundled
data), a size preset and a theme, and returns a ``go.Figure`` carrying its
title, sources, as-of date, alt text and data (see :mod:`vizlib.meta`).
Troop numbers are claims: every mark is one published claim, with who made
it, when, and where it was published; claims are never joined into a line.

Examples
--------
>>> from vizlib import charts, meta
>>> fig = charts.troops_kursk()
>>> meta.get(fig)["slug"]
'troops-kursk'
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from vizlib import data, fmt, meta, theme
from vizlib._charts_labels import AROUND, Box, Label, Spot, place

__all__ = ["troops_kursk", "north_korea", "kursk_area", "timeline"]

#: Events marked on the troop chart, by id in ``events.csv``.
TROOP_EVENTS = ("incursion_start", "us_election", "nyt_50k", "zelensky_50k")
#: The claim of all troops in Kursk oblast whose North Korean share the
#: north-korea chart shows (New York Times, 10 Nov 2024).
COMPOSITION_TOTAL = "ru_kursk_nyt_1110"

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
_BASIS_SYMBOLS = {"count": "circle", "cumulative": "circle", "expected": "diamond", "peak": "triangle-up"}
_HOLLOW = {"cumulative", "expected", "peak"}
_CATEGORY_COLORS = {
    "military": ("ukraine", "circle"),
    "diplomacy": ("north_korea", "diamond"),
    "report": ("highlight", "square"),
    "politics": ("context", "triangle-up"),
    "infrastructure": ("muted", "x"),
}
_MARKER = 11
_INSTITUTION_WORDS = {"Department", "Service", "Staff", "Chiefs", "Council", "Ministry", "Agency", "Office", "Forces", "Command"}
_HOVER = (
    "<b>%{customdata[1]}</b><br>%{customdata[2]}<br>"
    "Claimed %{customdata[3]}, describes %{customdata[4]}<br>"
    "<b>%{customdata[5]}</b> (%{customdata[6]})<br>%{customdata[7]}<extra></extra>"
)


# ------------------------------------------------------------------ builders


def troops_kursk(claims: Any = None, events: Any = None, *, size: str = theme.DEFAULT_SIZE, theme: str = "light") -> go.Figure:
    """Chart the claimed number of Russian troops in Kursk oblast over time.

    Each claim of subject ``ru_troops_kursk`` is one mark at the date the
    number describes (``refers_to``): a dot for one number, a bar for a
    range; colour shows the claimant's side, a hollow dot a running total
    since the incursion. Key events are vertical markers.

    Parameters
    ----------
    claims : path, DataFrame or None
        Claims in the ``claims.csv`` format; None uses the bundled claims.
    events : path, DataFrame or None
        Events in the ``events.csv`` format; those of :data:`TROOP_EVENTS`
        are marked.
    size : str
        A size preset of :data:`vizlib.theme.SIZES`.
    theme : {"light", "dark"}

    Returns
    -------
    plotly.graph_objects.Figure
    """
    theme_name = theme
    c = _theme.colors(theme_name)
    rows = _subject(data.claims(claims), "ru_troops_kursk")
    marks = _events(events, TROOP_EVENTS)
    x_range = _date_range(list(rows["refers_to"]) + list(marks["date"]), pad_days=(6, 8))
    y_top = _nice_top(rows["high"].max() * 1.3)
    figure_meta = _meta(
        "troops-kursk",
        title="Russian troops in Kursk oblast, as claimed",
        subtitle="Each mark is one published claim, at the date the number describes",
        rows=rows,
        events=marks,
        alt=_troops_alt(rows),
        notes=_claimants_note(rows) + " Claims about the same day are drawn side by side.",
        size=size,
    )
    frame = _Frame.for_figure(figure_meta, size, x_range, (0, y_top))
    frame.event_xs = [frame.x(d) for d in marks["date"]]
    fig = go.Figure()
    obstacles = _add_claims(fig, rows, frame, c, theme_name, "refers_to")
    legend_box = _add_key(fig, rows, c, frame, obstacles)
    _add_events(fig, marks, frame, c, obstacles + [legend_box])
    _label_claims(fig, rows, frame, c, obstacles + [legend_box] + frame.event_boxes, "refers_to")
    _style_axes(fig, x_range, y_top, c, y_ticks=8)
    fig.update_layout(bargap=0, barmode="overlay", showlegend=True, legend=frame.legend)
    return meta.apply(fig, figure_meta, size=size, theme_name=theme_name)


_theme = theme  # the module, for builders whose ``theme`` argument shadows it


def north_korea(claims: Any = None, *, size: str = theme.DEFAULT_SIZE, theme: str = "light") -> go.Figure:
    """Chart the claimed numbers of North Korean troops in Russia and in Kursk oblast.

    Left, two panels sharing a date axis: claims of subject
    ``nk_troops_russia`` and ``nk_troops_kursk`` by claim date, coloured by
    the claimant's side; expected totals are hollow diamonds. Right: the
    claim of all troops in Kursk oblast (:data:`COMPOSITION_TOTAL`) drawn as
    an outline, with the North Korean troops in Kursk claimed in the two
    weeks after it drawn inside; the remainder is labelled, not computed.
    Casualty claims (``nk_casualties``) are left out: a different unit.

    Parameters
    ----------
    claims : path, DataFrame or None
        Claims in the ``claims.csv`` format; None uses the bundled claims.
    size : str
        A size preset of :data:`vizlib.theme.SIZES`.
    theme : {"light", "dark"}

    Returns
    -------
    plotly.graph_objects.Figure
    """
    from plotly.subplots import make_subplots

    theme_name = theme
    c = _theme.colors(theme_name)
    everything = data.claims(claims)
    rows = _subject(everything, "nk_troops_russia", "nk_troops_kursk")
    total, parts = _composition(everything)
    drawn = pd.concat([rows, total, parts]).drop_duplicates("id") if total is not None else rows
    x_range = _date_range(list(rows["claim_date"]), pad_days=(8, 8))
    y_top = _nice_top(rows["high"].max() * 1.4)
    notes = _claimants_note(drawn)
    if total is not None:
        notes += " The total and the North Korean number are separate claims; the rest is not claimed separately."
    figure_meta = _meta(
        "north-korea",
        title="North Korean troops in Russia, as claimed",
        subtitle="Published claims by date, and the share of the troops massed in Kursk oblast",
        rows=drawn,
        alt=_north_korea_alt(rows, total, parts),
        notes=notes,
        size=size,
    )
    with_total = total is not None
    fig = make_subplots(
        rows=2,
        cols=2 if with_total else 1,
        specs=[[{}, {"rowspan": 2}], [{}, None]] if with_total else [[{}], [{}]],
        column_widths=[0.7, 0.3] if with_total else None,
        shared_xaxes=True,
        horizontal_spacing=0.1,
        vertical_spacing=0.14,
    )
    frames, panels = [], []
    for row_number, subject, heading in ((1, "nk_troops_russia", "In Russia"), (2, "nk_troops_kursk", "In Kursk oblast")):
        axes = fig.get_subplot(row_number, 1)
        frame = _Frame.for_figure(figure_meta, size, x_range, (0, y_top), axes.xaxis.domain, axes.yaxis.domain)
        refs = axes.xaxis.plotly_name.replace("axis", ""), axes.yaxis.plotly_name.replace("axis", "")
        _panel_heading(fig, heading, *refs, c)
        panel = rows[rows["subject"] == subject].reset_index(drop=True)
        obstacles = [_heading_box(frame, heading)]
        if not panel.empty:
            obstacles += _add_claims(fig, panel, frame, c, theme_name, "claim_date", row=row_number, col=1)
        _style_axes(fig, x_range, y_top, c, y_limit=y_top * 0.9, y_ticks=3, row=row_number, col=1)
        frames.append(frame)
        panels.append((panel, frame, obstacles, refs))
    if with_total:
        # The composition panel takes the top of the right column; the key goes below it.
        key = _add_key(fig, rows, c, frames[1], [])
        key_share = (key.top - key.bottom + 28) / frames[1].area.top
        fig.update_yaxes(domain=[key_share, 1.0], row=1, col=2)
        right = fig.get_subplot(1, 2).xaxis.domain[0]
        legend = dict(frames[1].legend, x=right, y=key_share - 28 / frames[1].area.top)
    else:
        frames[1].key_box = _add_key(fig, rows, c, frames[1], panels[1][2], prefer_right=True)
        legend = frames[1].legend
    for panel, frame, obstacles, (xref, yref) in panels:
        if not panel.empty:
            extra = [frame.key_box] if frame.key_box is not None and frame is frames[1] and not with_total else []
            _label_claims(fig, panel, frame, c, obstacles + extra, "claim_date", xref=xref, yref=yref)
    if with_total:
        panel_px = (1 - key_share) * frames[1].area.top
        _add_composition(fig, total, parts, c, fig.get_subplot(1, 2), panel_px)
    fig.update_layout(barmode="overlay", showlegend=True, legend=legend)
    fig.update_xaxes(showticklabels=True, row=1, col=1)
    return meta.apply(fig, figure_meta, size=size, theme_name=theme_name)


def _composition(claims: pd.DataFrame) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """Return the total claim and the North Korean claims in Kursk made in the two weeks after it."""
    total = claims[claims["id"] == COMPOSITION_TOTAL]
    if total.empty:
        return None, None
    start = total["claim_date"].iloc[0]
    kursk = claims[claims["subject"] == "nk_troops_kursk"]
    parts = kursk[(kursk["claim_date"] >= start) & (kursk["claim_date"] <= start + pd.Timedelta(days=14))]
    if parts.empty:
        return None, None
    return total, parts.sort_values(["claim_date", "id"]).reset_index(drop=True)


def _panel_heading(fig, text, xref, yref, c) -> None:
    fig.add_annotation(
        name="panel-heading",
        text=f"<b>{text}</b>",
        x=0,
        y=1,
        xref=f"{xref} domain",
        yref=f"{yref} domain",
        xanchor="left",
        yanchor="bottom",
        showarrow=False,
        font=dict(size=13, color=c["text"]),
    )


def _heading_box(frame: _Frame, text: str) -> Box:
    width = len(text) * 13 * 0.6
    return Box(frame.box.left, frame.box.top - 4, frame.box.left + width, frame.box.top + 18)


def _add_composition(fig, total, parts, c, axes, panel_px: float) -> None:
    """Draw the total claim as an outline bar and each North Korean claim as a bar inside it."""
    xref, yref = axes.xaxis.plotly_name.replace("axis", ""), axes.yaxis.plotly_name.replace("axis", "")
    where = dict(row=1, col=2)
    whole = total.iloc[0]
    fig.add_trace(
        go.Bar(
            x=[0],
            y=[whole["high"]],
            width=[1],
            name="All troops in Kursk oblast (claim)",
            marker=dict(color=c["background"], line=dict(color=c["text"], width=1.5)),
            customdata=_customdata(total),
            hovertemplate=_HOVER,
            showlegend=False,
        ),
        **where,
    )
    n = len(parts)
    width = 0.9 / n
    for k, part in enumerate(parts.itertuples()):
        fig.add_trace(
            go.Bar(
                x=[-0.45 + width * (k + 0.5)],
                y=[part.high - part.low] if part.low != part.high else [part.high],
                base=[part.low] if part.low != part.high else None,
                width=[width * 0.92],
                name="North Korean troops in Kursk oblast (claim)",
                marker=dict(color=c["north_korea"], line=dict(width=0)),
                customdata=_customdata(parts.iloc[[k]]),
                hovertemplate=_HOVER,
                showlegend=False,
            ),
            **where,
        )
    part_figures = list(dict.fromkeys(_figure(p) for p in parts.itertuples()))
    part_who = [f"{_short_who(p.claimant)}\u00a0{fmt.date(p.claim_date)[:-5]}" for p in parts.itertuples()]
    # Leave room above the total for its three-line label (about 50 px).
    y_top = whole["high"] * panel_px / (panel_px - 52)
    notes = [
        (whole["high"], "bottom", f"<b>{meta.escape(_figure(whole))} in all</b><br>{meta.escape(_short_who(whole['claimant']))}<br>"
         f"{meta.escape(whole['publication'].split(' (')[0])}, {fmt.date(whole['claim_date'])[:-5]}", c["text"]),
        # Midway between the top of the North Korean label (3 lines) and the total.
        ((parts["high"].max() + 50 / panel_px * y_top + whole["low"]) / 2, "middle", "Russian<br>(remainder,<br>not separately<br>claimed)", c["muted"]),
        (parts["high"].max(), "bottom", f"<b>North Korean: {' / '.join(part_figures)}</b><br>" + "<br>".join(meta.escape(w) for w in part_who), c["text"]),
    ]
    for y, anchor, text, color in notes:
        fig.add_annotation(
            name="composition-label",
            text=text,
            x=0,
            y=y,
            xref=xref,
            yref=yref,
            yanchor=anchor,
            yshift=4 if anchor == "bottom" else 0,
            showarrow=False,
            font=dict(size=11, color=color),
            bgcolor=c["background"] if color == c["text"] and y != whole["high"] else None,
        )
    _panel_heading(fig, "All troops in Kursk oblast", xref, yref, c)
    fig.update_xaxes(range=[-0.7, 0.7], showticklabels=False, showline=True, ticks="", **where)
    values, labels = _y_ticks(y_top, whole["high"], 3)
    fig.update_yaxes(range=[0, y_top], tickvals=values, ticktext=labels, zeroline=True, **where)


def _north_korea_alt(rows, total, parts) -> str:
    parts_text = []
    for subject, where in (("nk_troops_russia", "in Russia"), ("nk_troops_kursk", "in Kursk oblast")):
        panel = rows[(rows["subject"] == subject) & (rows["basis"] == "count")].sort_values("claim_date")
        if panel.empty:
            continue
        first, last = panel.iloc[0], panel.iloc[-1]
        parts_text.append(
            f"Claims of North Korean troops {where} went from {_figure(first)} ({_who(first['claimant'])}, "
            f"{fmt.date(first['claim_date'])}) to {_figure(last)} ({_who(last['claimant'])}, {fmt.date(last['claim_date'])})."
        )
    expected = rows[rows["basis"] == "expected"]
    if not expected.empty:
        parts_text.append("Expected totals: " + _listing_by_claim(expected) + ".")
    if total is not None:
        whole = total.iloc[0]
        parts_text.append(
            f"Of the {_figure(whole)} troops in Kursk oblast claimed on {fmt.date(whole['claim_date'])} by "
            f"{_who(whole['claimant'])}, North Korean troops in Kursk were put at " + _listing_by_claim(parts) + "."
        )
    return " ".join(parts_text)


def _listing_by_claim(rows: pd.DataFrame) -> str:
    return "; ".join(f"{_figure(r)} ({_who(r.claimant)}, {fmt.date(r.claim_date)})" for r in rows.itertuples())


def kursk_area(claims: Any = None, *, size: str = theme.DEFAULT_SIZE, theme: str = "light") -> go.Figure:
    """Chart the Ukrainian-held area of Kursk oblast as claimed by each side (km²).

    Dated claims are dots at the date they describe, coloured by the
    claimant's side; a claimed peak with no date is a horizontal reference
    line, not a dated point.

    Parameters
    ----------
    claims : path, DataFrame or None
        Claims in the ``claims.csv`` format; None uses the bundled claims.
    size : str
        A size preset of :data:`vizlib.theme.SIZES`.
    theme : {"light", "dark"}

    Returns
    -------
    plotly.graph_objects.Figure
    """
    theme_name = theme
    c = _theme.colors(theme_name)
    rows = _subject(data.claims(claims), "ua_held_area_kursk")
    dated, peaks = rows[rows["basis"] != "peak"].reset_index(drop=True), rows[rows["basis"] == "peak"].reset_index(drop=True)
    x_range = _date_range(list(rows["refers_to"]) + list(rows["claim_date"]), pad_days=(8, 10))
    y_top = rows["high"].max() * 1.15
    figure_meta = _meta(
        "kursk-area",
        title="Ukrainian-held area in Kursk oblast, as claimed",
        subtitle="Square kilometres, as claimed by each side; every dot is one published claim",
        rows=rows,
        alt=_area_alt(dated, peaks),
        notes=_claimants_note(rows),
        size=size,
    )
    frame = _Frame.for_figure(figure_meta, size, x_range, (0, y_top))
    fig = go.Figure()
    obstacles = _add_claims(fig, dated, frame, c, theme_name, "refers_to") if not dated.empty else []
    for peak in peaks.itertuples():
        color = _side_color(peak.claimant_side, c)
        fig.add_shape(
            type="line", name=f"peak:{peak.id}", xref="paper", yref="y", x0=0, x1=1, y0=peak.high, y1=peak.high,
            line=dict(color=color, width=1.5, dash="dash"), layer="below",
        )
        fig.add_trace(
            go.Scatter(
                x=[x_range[1]], y=[peak.high], mode="markers", name=f"{_SIDE_NAMES[peak.claimant_side]}: peak",
                marker=dict(symbol="line-ew", size=14, line=dict(color=color, width=2)), showlegend=False,
                customdata=_customdata(peaks.iloc[[peak.Index]]), hovertemplate=_HOVER, cliponaxis=False,
            )
        )
        text = (
            f"<b>Peak: {meta.escape(_figure(peak))}</b>, date not given<br>"
            f"{meta.escape(_short_who(peak.claimant))}, said {fmt.date(peak.claim_date)[:-5]}"
        )
        fig.add_annotation(
            name="peak-label", text=text, x=0.01, xref="paper", y=peak.high, yref="y", xanchor="left", yanchor="bottom",
            yshift=3, align="left", showarrow=False, font=dict(size=11, color=c["text"]),
        )
        obstacles.append(Box(frame.box.left, frame.y(peak.high), frame.box.left + 260, frame.y(peak.high) + 34))
    legend_box = _add_key(fig, dated if not dated.empty else rows, c, frame, obstacles)
    if not dated.empty:
        _label_claims(fig, dated, frame, c, obstacles + [legend_box], "refers_to")
    _style_axes(fig, x_range, y_top, c, y_limit=y_top, unit="km²", short=False)
    fig.update_layout(barmode="overlay", showlegend=True, legend=frame.legend)
    return meta.apply(fig, figure_meta, size=size, theme_name=theme_name)


def _area_alt(dated: pd.DataFrame, peaks: pd.DataFrame) -> str:
    text = "Claims of the area of Kursk oblast held by Ukrainian forces, by date: "
    text += "; ".join(
        f"{_figure(r)} ({_who(r.claimant)}, {_SIDE_NAMES[r.claimant_side].split()[0]}, {fmt.date(r.refers_to)})"
        for r in dated.itertuples()
    ) + "."
    for r in peaks.itertuples():
        text += f" A peak of {_figure(r)} was claimed by {_who(r.claimant)} on {fmt.date(r.claim_date)}, without the date of the peak."
    return text


def timeline(events: Any = None, *, size: str = theme.DEFAULT_SIZE, theme: str = "light") -> go.Figure:
    """Chart the dated events of the story on one time axis.

    One row per event, in date order from the top, so that labels never
    collide even when several events share a day; colour and shape show the
    category.

    Parameters
    ----------
    events : path, DataFrame or None
        Events in the ``events.csv`` format; None uses the bundled events.
    size : str
        A size preset of :data:`vizlib.theme.SIZES`.
    theme : {"light", "dark"}

    Returns
    -------
    plotly.graph_objects.Figure
    """
    theme_name = theme
    c = _theme.colors(theme_name)
    rows = data.events(events).sort_values(["date", "id"], kind="stable").reset_index(drop=True)
    rows["row"] = len(rows) - 1 - rows.index
    start = rows["date"].min().to_period("M").to_timestamp()
    end = (rows["date"].max().to_period("M") + 1).to_timestamp()
    x_range = (start - pd.Timedelta(days=3), end)
    figure_meta = _meta(
        "timeline",
        title="Treaty, incursion, build-up: the dates",
        subtitle=f"Events of {fmt.date(rows['date'].min())[-8:]} to {fmt.date(rows['date'].max())[-8:]}, in date order from the top",
        rows=rows.drop(columns="row"),
        alt=_timeline_alt(rows),
        notes="",
        size=size,
    )
    frame = _Frame.for_figure(figure_meta, size, x_range, (-0.7, len(rows) - 0.3))
    fig = go.Figure()
    for category, group in rows.groupby("category", sort=False):
        color_key, symbol = _CATEGORY_COLORS[category]
        fig.add_trace(
            go.Scatter(
                x=group["date"],
                y=group["row"],
                mode="markers",
                name=category.capitalize(),
                marker=dict(size=_MARKER, symbol=symbol, color=c[color_key], line=dict(width=1, color=c[color_key])),
                customdata=[
                    [
                        r.id,
                        fmt.date(r.date),
                        meta.escape(r.title),
                        "<br>".join(textwrap.wrap(meta.escape(r.description), 60)),
                        meta.escape(r.source),
                        "<br>".join(textwrap.wrap(meta.escape(r.date_note if isinstance(r.date_note, str) else ""), 60)),
                    ]
                    for r in group.itertuples()
                ],
                hovertemplate="<b>%{customdata[1]}: %{customdata[2]}</b><br>%{customdata[3]}<br>"
                "<i>%{customdata[5]}</i><br>Source: %{customdata[4]}<extra></extra>",
            )
        )
    labels = [
        Label(frame.x(r.date), frame.y(r.row), f"<b>{fmt.date(r.date)[:-5]}</b>  {meta.escape(r.title)}",
              (Spot("left", "middle", 9, 0), Spot("right", "middle", -9, 0)), font_size=12)
        for r in rows.itertuples()
    ]
    place(labels, frame.box)
    for r, label in zip(rows.itertuples(), labels):
        spot = label.chosen
        fig.add_annotation(
            name=f"event-label:{r.id}", text=label.text, x=r.date, y=r.row, xanchor=spot.xanchor, yanchor="middle",
            xshift=spot.xshift, showarrow=False, font=dict(size=12, color=c["text"]),
        )
    ticks, text = _month_ticks(x_range)
    fig.update_xaxes(range=list(x_range), tickvals=ticks, ticktext=text, showgrid=True, gridcolor=c["grid"], showline=True)
    fig.update_yaxes(range=list(frame.y_range), visible=False)
    fig.update_layout(
        showlegend=True,
        legend=dict(orientation="v", x=0.01, y=0.02, xanchor="left", yanchor="bottom", bgcolor=c["background"]),
    )
    return meta.apply(fig, figure_meta, size=size, theme_name=theme_name)


def _timeline_alt(rows: pd.DataFrame) -> str:
    first, last = rows.iloc[0], rows.iloc[-1]
    return (
        f"Timeline of {len(rows)} events from {fmt.date(first['date'])} ({first['title']}) to "
        f"{fmt.date(last['date'])} ({last['title']}): "
        + "; ".join(f"{fmt.date(r.date)}, {r.title}" for r in rows.itertuples())
        + "."
    )


# --------------------------------------------------------------- data helpers


def _subject(frame: pd.DataFrame, *subjects: str) -> pd.DataFrame:
    rows = frame[frame["subject"].isin(subjects)].copy()
    if rows.empty:
        raise ValueError(f"no claims of subject {' or '.join(subjects)} in the claims given")
    return rows.sort_values(["refers_to", "claim_date", "low", "id"], kind="stable").reset_index(drop=True)


def _events(source: Any, ids: tuple[str, ...] | None) -> pd.DataFrame:
    frame = data.events(source)
    if ids is not None:
        frame = frame[frame["id"].isin(ids)]
    return frame.reset_index(drop=True)


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
    if len(words) > 1 and re.fullmatch(r"[A-Z]{2,6}", words[0]) and words[1].islower() and words[1] not in ("and", "or"):
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


def _claimants_note(rows: pd.DataFrame) -> str:
    names = list(dict.fromkeys(_who(c) for c in rows["claimant"]))
    return "Claims by " + ", ".join(names) + "."


def _sources(rows: pd.DataFrame, events: pd.DataFrame | None = None) -> tuple[meta.Source, ...]:
    pairs = list(zip(rows["publication"], rows["source_url"]))
    if events is not None:
        pairs += list(zip(events["source"], events["source_url"]))
    first_url = dict(reversed(pairs))
    return tuple(meta.Source(name, first_url[name]) for name in dict.fromkeys(name for name, _ in pairs))


def _meta(slug, *, title, subtitle, rows, alt, notes, size, events=None) -> meta.FigureMeta:
    dates = list(rows["claim_date"]) if "claim_date" in rows else list(rows["date"])
    if events is not None and not events.empty:
        dates += list(events["date"])
    return meta.FigureMeta(
        slug=slug,
        title=title,
        subtitle=subtitle,
        sources=_sources(rows, events) if "publication" in rows else _sources_events(rows),
        as_of=max(dates).date(),
        alt=alt,
        data=rows.reset_index(drop=True),
        notes=notes,
    )


def _sources_events(events: pd.DataFrame) -> tuple[meta.Source, ...]:
    first_url = dict(reversed(list(zip(events["source"], events["source_url"]))))
    return tuple(meta.Source(name, first_url[name]) for name in dict.fromkeys(events["source"]))


# ------------------------------------------------------------------ alt text


def _troops_alt(rows: pd.DataFrame) -> str:
    first_date = rows["refers_to"].min()
    first = rows[rows["refers_to"] == first_date]
    last = rows[rows["refers_to"] == rows["refers_to"].max()]
    counts = rows[rows["basis"] == "count"]
    parts = [
        f"Chart of {len(rows)} published claims of the number of Russian troops in Kursk oblast, "
        f"by {rows['claimant'].map(_who).nunique()} claimants, placed at the date each number describes.",
        f"For {fmt.date(first_date)}: " + _listing(first) + ".",
    ]
    if not counts.empty:
        top = counts[counts["high"] == counts["high"].max()]
        dates = ", ".join(fmt.date(d) for d in top["refers_to"])
        parts.append(f"The highest number at one date is {_figure(top.iloc[0])}, claimed for {dates}.")
    parts.append(f"The latest, for {fmt.date(last['refers_to'].iloc[0])}: " + _listing(last) + ".")
    return " ".join(parts)


def _listing(rows: pd.DataFrame) -> str:
    items = []
    for row in rows.itertuples():
        kind = "" if row.basis == "count" else f", {_BASIS_KEYS[row.basis]}"
        said = "" if row.claim_date == row.refers_to else f", said on {fmt.date(row.claim_date)}"
        items.append(f"{_figure(row)} ({_who(row.claimant)}{said}{kind})")
    return "; ".join(items)


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
        preset = _theme.size(size)
        footer_lines = len(meta._footer_lines(figure_meta, preset.width))
        left, right, top, bottom = 56, preset.width - 32, preset.height - 92, 28 + 15 * footer_lines
        # The x tick labels sit inside the bottom margin; nothing else grows it.
        width, height = right - left, top - bottom
        box = Box(
            x_domain[0] * width, y_domain[0] * height, x_domain[1] * width, y_domain[1] * height
        )
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
    return c[_theme.SIDE_COLOR_KEYS[side]]


def _add_claims(fig, rows, frame, c, theme_name, x_col, row=None, col=None) -> list[Box]:
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
                        line=dict(color=color if basis in _HOLLOW else c["background"], width=2 if basis in _HOLLOW else 1),
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
        entries.append((_SIDE_NAMES[side], dict(symbol="circle", color=_side_color(side, c), size=_MARKER, line=dict(width=0))))
    # Filled dots are the default; explain only the marks that differ.
    for basis in dict.fromkeys(rows.loc[rows["low"] == rows["high"], "basis"]):
        if basis in _HOLLOW:
            marker = dict(symbol=_BASIS_SYMBOLS[basis], size=_MARKER, color=c["background"], line=dict(color=c["text"], width=2))
            entries.append((f"Hollow: {_BASIS_KEYS[basis]}", marker))
    if (rows["low"] != rows["high"]).any():
        entries.append(("Bar: a range (low to high)", dict(symbol="line-ns", size=14, line=dict(color=c["text"], width=5))))
    for name, marker in entries:
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=name, marker=marker, hoverinfo="skip"))
    width = max(len(name) for name, _ in entries) * 12 * 0.56 + 40
    height = len(entries) * 19 + 8
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
        for a, b in zip(edges, edges[1:]):
            if b - a >= width + 12:
                candidates += [Box(a + 6, bottom, a + 6 + width, bottom + height), Box(b - 6 - width, bottom, b - 6, bottom + height)]
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
    for row, label in zip(marks.itertuples(), labels):
        spot = label.chosen
        fig.add_annotation(
            name=f"event-label:{row.id}",
            text=label.text,
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
            if (
                (first["low"], first["high"], first["basis"]) == (row["low"], row["high"], row["basis"])
                and abs((row[x_col] - rows.loc[group[-1], x_col]).days) <= days
            ):
                group.append(i)
                break
        else:
            groups.append([i])
    return [rows.loc[g] for g in groups]


def _label_claims(fig, rows, frame, c, obstacles, x_col, xref="x", yref="y") -> None:
    """Label every claim (claims of the same figure close in time share one label)."""
    drawn = _dodge(rows, frame, x_col)
    labels, anchors = [], []
    for group in _label_groups(rows, x_col):
        first = group.iloc[0]
        names = []
        for row in group.itertuples():
            who = _short_who(row.claimant)
            if len(group) > 1:
                who += f" {fmt.date(row.claim_date)[:-5]}"
            elif row.claim_date != getattr(row, x_col):
                who += f", said {fmt.date(row.claim_date)[:-5]}"
            names.append(who)
        if len(group) > 1:
            wrapped = [n.replace(" ", "\u00a0") for n in names]
        else:
            wrapped = textwrap.wrap(names[0], 30, break_long_words=False)
        lines = [f"<b>{meta.escape(_figure(first))}</b>", *(meta.escape(line) for line in wrapped)]
        x = drawn[group.index[0]]
        y_value = first["high"]
        spots = AROUND if first["low"] == first["high"] else _BESIDE_BAR
        labels.append(Label(frame.x(x), frame.y(y_value), "<br>".join(lines), spots, font_size=11))
        anchors.append((x, y_value))
    place(labels, frame.box, obstacles)
    for label, (x, y_value) in zip(labels, anchors):
        spot = label.chosen
        fig.add_annotation(
            name="claim-label",
            text=label.text,
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
        )


#: Candidates for a range bar's label, anchored at the top of the bar.
_BESIDE_BAR = (Spot("left", "top", 8, 6), Spot("right", "top", -8, 6), Spot("left", "bottom", 8, 0), Spot("right", "bottom", -8, 0), *AROUND)


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
