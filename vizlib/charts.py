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

import textwrap
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from vizlib import data, fmt, meta
from vizlib import theme as _theme
from vizlib._charts_draw import (
    _BASIS_KEYS,
    _HOVER,
    _MARKER,
    _SIDE_NAMES,
    _add_claims,
    _add_events,
    _add_key,
    _customdata,
    _date_range,
    _figure,
    _Frame,
    _label_claims,
    _month_ticks,
    _nice_top,
    _short_who,
    _side_color,
    _style_axes,
    _who,
    _y_ticks,
)
from vizlib._charts_labels import Box, Label, Spot, place
from vizlib.errors import DataError, Problem

__all__ = ["troops_kursk", "north_korea", "kursk_area", "timeline"]

#: Events marked on the troop chart, by id in ``events.csv``.
TROOP_EVENTS = ("incursion_start", "us_election", "nyt_50k", "zelensky_50k")
#: The claim of all troops in Kursk oblast whose North Korean share the
#: north-korea chart shows (New York Times, 10 Nov 2024).
COMPOSITION_TOTAL = "ru_kursk_nyt_1110"

#: Figures narrower than this get compact north-korea labels and more room at the right of troops-kursk.
_NARROW_PX = 800
#: Space between the subtitle and the headings of the top panels.
_HEADING_GAP_PX = 18

_CATEGORY_COLORS = {
    "military": ("ukraine", "circle"),
    "diplomacy": ("north_korea", "diamond"),
    "report": ("highlight", "square"),
    "politics": ("context", "triangle-up"),
    "infrastructure": ("several_sides", "x"),
}
# ------------------------------------------------------------------ builders


def troops_kursk(
    claims: Any = None, events: Any = None, *, size: str = _theme.DEFAULT_SIZE, theme: str = "light"
) -> go.Figure:
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
        The house theme to draw in.

    Returns
    -------
    plotly.graph_objects.Figure

    """
    theme_name = theme
    c = _theme.colors(theme_name)
    rows = _subject(claims, data.claims(claims), "ru_troops_kursk")
    marks = _events(events, TROOP_EVENTS)
    # At narrow sizes, a little more room right of the last event line for the latest claims' labels.
    right_pad = 12 if _theme.size(size).width < _NARROW_PX else 8
    x_range = _date_range(list(rows["refers_to"]) + list(marks["date"]), pad_days=(6, right_pad))
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
    obstacles = _add_claims(fig, rows, frame, c, "refers_to")
    legend_box = _add_key(fig, rows, c, frame, obstacles)
    _add_events(fig, marks, frame, c, obstacles + [legend_box])
    # The dotted event lines are obstacles too: a label must not be crossed by one.
    event_lines = [Box(x - 1, frame.box.bottom, x + 1, frame.box.top) for x in frame.event_xs]
    _label_claims(fig, rows, frame, c, obstacles + [legend_box] + frame.event_boxes, "refers_to", lines=event_lines)
    _style_axes(fig, x_range, y_top, c, y_ticks=8)
    fig.update_layout(bargap=0, barmode="overlay", showlegend=True, legend=frame.legend)
    return meta.apply(fig, figure_meta, size=size, theme_name=theme_name)


def north_korea(claims: Any = None, *, size: str = _theme.DEFAULT_SIZE, theme: str = "light") -> go.Figure:
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
        The house theme to draw in.

    Returns
    -------
    plotly.graph_objects.Figure

    """
    from plotly.subplots import make_subplots

    theme_name = theme
    c = _theme.colors(theme_name)
    everything = data.claims(claims)
    rows = _subject(claims, everything, "nk_troops_russia", "nk_troops_kursk")
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
    # At narrow sizes the dated panels are crowded: labels name the claimant only (dates stay in the hover).
    narrow = _theme.size(size).width < _NARROW_PX
    fig = make_subplots(
        rows=2,
        cols=2 if with_total else 1,
        specs=[[{}, {"rowspan": 2}], [{}, None]] if with_total else [[{}], [{}]],
        column_widths=[0.7, 0.3] if with_total else None,
        shared_xaxes=True,
        horizontal_spacing=0.1,
        vertical_spacing=0.14,
    )
    # Keep the top panel headings clear of the subtitle.
    heading_gap = _HEADING_GAP_PX / _Frame.for_figure(figure_meta, size, x_range, (0, y_top)).area.top
    for col in (1, 2) if with_total else (1,):
        top_axis = fig.get_subplot(1, col).yaxis
        top_axis.domain = (top_axis.domain[0], 1 - heading_gap)
    frames, panels = [], []
    for row_number, subject, heading in (
        (1, "nk_troops_russia", "In Russia"),
        (2, "nk_troops_kursk", "In Kursk oblast"),
    ):
        axes = fig.get_subplot(row_number, 1)
        frame = _Frame.for_figure(figure_meta, size, x_range, (0, y_top), axes.xaxis.domain, axes.yaxis.domain)
        refs = axes.xaxis.plotly_name.replace("axis", ""), axes.yaxis.plotly_name.replace("axis", "")
        _panel_heading(fig, heading, *refs, c)
        panel = rows[rows["subject"] == subject].reset_index(drop=True)
        obstacles = [_heading_box(frame, heading)]
        if not panel.empty:
            obstacles += _add_claims(fig, panel, frame, c, "claim_date", row=row_number, col=1)
        _style_axes(fig, x_range, y_top, c, y_limit=y_top * 0.9, y_ticks=3, row=row_number, col=1)
        frames.append(frame)
        panels.append((panel, frame, obstacles, refs))
    if with_total:
        # The composition panel takes the top of the right column; the key goes below it.
        key = _add_key(fig, rows, c, frames[1], [])
        key_share = (key.top - key.bottom + 28) / frames[1].area.top
        fig.update_yaxes(domain=[key_share, 1 - heading_gap], row=1, col=2)
        right = fig.get_subplot(1, 2).xaxis.domain[0]
        legend = dict(frames[1].legend, x=right, y=key_share - 28 / frames[1].area.top)
    else:
        frames[1].key_box = _add_key(fig, rows, c, frames[1], panels[1][2], prefer_right=True)
        legend = frames[1].legend
    for panel, frame, obstacles, (xref, yref) in panels:
        if not panel.empty:
            extra = [frame.key_box] if frame.key_box is not None and frame is frames[1] and not with_total else []
            _label_claims(fig, panel, frame, c, obstacles + extra, "claim_date", xref=xref, yref=yref, compact=narrow)
    if with_total:
        panel_px = (1 - heading_gap - key_share) * frames[1].area.top
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
    """Draw the total claim as an outline bar and the North Korean claims inside it.

    Claims of the same number share one bar that names every claimant;
    claims that differ are thin bars side by side, noted as alternatives,
    so that they never read as parts that add up.
    """
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
    groups = [group for _, group in parts.groupby(["low", "high"], sort=False)]
    alternatives = len(groups) > 1
    width = 0.16 if alternatives else 0.6
    for k, group in enumerate(groups):
        first = group.iloc[0]
        ranged = first["low"] != first["high"]
        fig.add_trace(
            go.Bar(
                x=[(k - (len(groups) - 1) / 2) * width * 1.5],
                y=[first["high"] - first["low"]] if ranged else [first["high"]],
                base=[first["low"]] if ranged else None,
                width=[width],
                name="North Korean troops in Kursk oblast (claim)",
                marker=dict(color=c["north_korea"], line=dict(width=0)),
                customdata=[_agreeing_customdata(group)],
                hovertemplate="<b>%{customdata[2]}</b> North Korean troops in Kursk oblast<br>"
                "%{customdata[1]}<extra></extra>",
                showlegend=False,
            ),
            **where,
        )
    lines = [
        "<br>".join(f"{meta.escape(_short_who(p.claimant))}\u00a0{fmt.date(p.claim_date)[:-5]}" for p in g.itertuples())
        for g in groups
    ]
    if alternatives:
        figures = [meta.escape(_figure(g.iloc[0])) for g in groups]
        options = [f"<b>{f}</b> {who}" for f, who in zip(figures, lines, strict=True)]
        note = "<i>alternative claims, not additive</i>"
        part_label = "<b>North Korean:</b><br>" + "<br>or ".join(options) + f"<br>{note}"
    else:
        part_label = f"<b>North Korean: {meta.escape(_figure(groups[0].iloc[0]))}</b><br>{lines[0]}"
    label_px = 15 * (part_label.count("<br>") + 1) + 4
    # Leave room above the total for its three-line label (about 50 px).
    y_top = whole["high"] * panel_px / (panel_px - 52)
    notes = [
        (
            whole["high"],
            "bottom",
            f"<b>{meta.escape(_figure(whole))} in all</b><br>{meta.escape(_short_who(whole['claimant']))}<br>"
            f"{meta.escape(whole['publication'].split(' (')[0])}, {fmt.date(whole['claim_date'])[:-5]}",
            c["text"],
        ),
        (parts["high"].max(), "bottom", part_label, c["text"]),
    ]
    # The remainder label goes midway between the North Korean label and the
    # total, if its three lines fit there (a long list of alternatives may not).
    label_top = parts["high"].max() + label_px / panel_px * y_top
    if (whole["low"] - label_top) / y_top * panel_px >= 3 * 14:
        remainder = "Russian<br>(remainder, not<br>separately claimed)"
        notes.append(((label_top + whole["low"]) / 2, "middle", remainder, c["muted"]))
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
    fig.update_xaxes(range=[-0.6, 0.6], showticklabels=False, showline=True, ticks="", **where)
    values, labels = _y_ticks(y_top, whole["high"], 3)
    fig.update_yaxes(range=[0, y_top], tickvals=values, ticktext=labels, zeroline=True, **where)


def _agreeing_customdata(group: pd.DataFrame) -> list[str]:
    """Return [ids, one line per claimant (date, publication), the figure] for claims of one number."""
    who = "<br>".join(
        f"{meta.escape(r.claimant)}, {fmt.date(r.claim_date)} ({meta.escape(r.publication)})"
        for r in group.itertuples()
    )
    return [",".join(group["id"]), who, _figure(group.iloc[0])]


def _north_korea_alt(rows, total, parts) -> str:
    parts_text = []
    for subject, where in (("nk_troops_russia", "in Russia"), ("nk_troops_kursk", "in Kursk oblast")):
        panel = rows[(rows["subject"] == subject) & (rows["basis"] == "count")].sort_values("claim_date")
        if panel.empty:
            continue
        first, last = panel.iloc[0], panel.iloc[-1]
        parts_text.append(
            f"Claims of North Korean troops {where} went from {_figure(first)} ({_who(first['claimant'])}, "
            f"{fmt.date(first['claim_date'])}) to {_figure(last)} ({_who(last['claimant'])}, "
            f"{fmt.date(last['claim_date'])})."
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


def kursk_area(claims: Any = None, *, size: str = _theme.DEFAULT_SIZE, theme: str = "light") -> go.Figure:
    """Chart the Ukrainian-held area of Kursk oblast as claimed by each side (km²).

    Dated claims are dots at the date they describe, coloured by the
    claimant's side; a claimed peak with no date is a short labelled tick at
    the right edge, not a dated point nor a level held throughout.

    Parameters
    ----------
    claims : path, DataFrame or None
        Claims in the ``claims.csv`` format; None uses the bundled claims.
    size : str
        A size preset of :data:`vizlib.theme.SIZES`.
    theme : {"light", "dark"}
        The house theme to draw in.

    Returns
    -------
    plotly.graph_objects.Figure

    """
    theme_name = theme
    c = _theme.colors(theme_name)
    rows = _subject(claims, data.claims(claims), "ua_held_area_kursk")
    dated, peaks = (
        rows[rows["basis"] != "peak"].reset_index(drop=True),
        rows[rows["basis"] == "peak"].reset_index(drop=True),
    )
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
    obstacles = _add_claims(fig, dated, frame, c, "refers_to") if not dated.empty else []
    for peak in peaks.itertuples():
        obstacles.append(_add_peak(fig, peak, peaks.iloc[[peak.Index]], frame, c))
    legend_box = _add_key(fig, dated if not dated.empty else rows, c, frame, obstacles)
    if not dated.empty:
        _label_claims(fig, dated, frame, c, obstacles + [legend_box], "refers_to")
    _style_axes(fig, x_range, y_top, c, y_limit=y_top, unit="km²", short=False)
    fig.update_layout(barmode="overlay", showlegend=True, legend=frame.legend)
    return meta.apply(fig, figure_meta, size=size, theme_name=theme_name)


#: Share of the x axis, at its right edge, that a claimed peak without a date spans.
_PEAK_SPAN = 0.16


def _add_peak(fig, peak, row: pd.DataFrame, frame: _Frame, c) -> Box:
    """Draw a claimed peak with no date as a short labelled tick at the right edge; return its box.

    A line across the whole time axis would read as a level held throughout.
    """
    color = _side_color(peak.claimant_side, c)
    fig.add_shape(
        type="line",
        name=f"peak:{peak.id}",
        xref="x domain",
        yref="y",
        x0=1 - _PEAK_SPAN,
        x1=1,
        y0=peak.high,
        y1=peak.high,
        line=dict(color=color, width=2.5),
    )
    start, end = frame.x_range
    fig.add_trace(
        go.Scatter(
            x=[start + (end - start) * (1 - _PEAK_SPAN / 2)],
            y=[peak.high],
            mode="markers",
            name=f"{_SIDE_NAMES[peak.claimant_side]}: peak",
            marker=dict(symbol="line-ew", size=14, line=dict(color=color, width=2.5)),
            showlegend=False,
            customdata=_customdata(row),
            hovertemplate=_HOVER,
        )
    )
    fig.add_annotation(
        name="peak-label",
        text=(
            f"<b>Peak: {meta.escape(_figure(peak))}</b>, date not given<br>"
            f"{meta.escape(_short_who(peak.claimant))}, said {fmt.date(peak.claim_date)[:-5]}"
        ),
        x=1,
        xref="x domain",
        y=peak.high,
        yref="y",
        xanchor="right",
        yanchor="bottom",
        yshift=3,
        align="right",
        showarrow=False,
        font=dict(size=11, color=c["text"]),
    )
    y = frame.y(peak.high)
    return Box(frame.box.right - 260, y - 4, frame.box.right, y + 34)


def _area_alt(dated: pd.DataFrame, peaks: pd.DataFrame) -> str:
    text = "Claims of the area of Kursk oblast held by Ukrainian forces, by date: "
    text += (
        "; ".join(
            f"{_figure(r)} ({_who(r.claimant)}, {_SIDE_NAMES[r.claimant_side].split()[0]}, {fmt.date(r.refers_to)})"
            for r in dated.itertuples()
        )
        + "."
    )
    for r in peaks.itertuples():
        text += (
            f" A peak of {_figure(r)} was claimed by {_who(r.claimant)} on {fmt.date(r.claim_date)},"
            " without the date of the peak."
        )
    return text


def timeline(events: Any = None, *, size: str = _theme.DEFAULT_SIZE, theme: str = "light") -> go.Figure:
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
        The house theme to draw in.

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
        subtitle=f"Events of {_month(rows['date'].min())} to {_month(rows['date'].max())}, in date order from the top",
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
                        "<br>".join(
                            textwrap.wrap(meta.escape(r.date_note if isinstance(r.date_note, str) else ""), 60)
                        ),
                    ]
                    for r in group.itertuples()
                ],
                hovertemplate="<b>%{customdata[1]}: %{customdata[2]}</b><br>%{customdata[3]}<br>"
                "<i>%{customdata[5]}</i><br>Source: %{customdata[4]}<extra></extra>",
            )
        )
    labels = [
        Label(
            frame.x(r.date),
            frame.y(r.row),
            f"<b>{fmt.date(r.date)[:-5]}</b>  {meta.escape(r.title)}",
            (Spot("left", "middle", 9, 0), Spot("right", "middle", -9, 0)),
            font_size=12,
        )
        for r in rows.itertuples()
    ]
    place(labels, frame.box)
    for r, label in zip(rows.itertuples(), labels, strict=True):
        spot = label.chosen
        fig.add_annotation(
            name=f"event-label:{r.id}",
            text=label.chosen_text,
            x=r.date,
            y=r.row,
            xanchor=spot.xanchor,
            yanchor="middle",
            xshift=spot.xshift,
            showarrow=False,
            font=dict(size=12, color=c["text"]),
        )
    ticks, text = _month_ticks(x_range)
    fig.update_xaxes(
        range=list(x_range), tickvals=ticks, ticktext=text, showgrid=True, gridcolor=c["grid"], showline=True
    )
    fig.update_yaxes(range=list(frame.y_range), visible=False)
    fig.update_layout(
        showlegend=True,
        legend=dict(orientation="v", x=0.01, y=0.02, xanchor="left", yanchor="bottom", bgcolor=c["background"]),
    )
    return meta.apply(fig, figure_meta, size=size, theme_name=theme_name)


def _month(value: Any) -> str:
    return pd.Timestamp(value).strftime("%b %Y")


def _timeline_alt(rows: pd.DataFrame) -> str:
    first, last = rows.iloc[0], rows.iloc[-1]
    return (
        f"Timeline of {len(rows)} events from {fmt.date(first['date'])} ({first['title']}) to "
        f"{fmt.date(last['date'])} ({last['title']}): "
        + "; ".join(f"{fmt.date(r.date)}, {r.title}" for r in rows.itertuples())
        + "."
    )


# --------------------------------------------------------------- data helpers


def _subject(source: Any, frame: pd.DataFrame, *subjects: str) -> pd.DataFrame:
    """Return the claims of ``subjects``; raise DataError naming ``source`` if there are none."""
    rows = frame[frame["subject"].isin(subjects)].copy()
    if rows.empty:
        message = f"no {' or '.join(subjects)} claims to draw (this chart needs at least one)"
        raise DataError([Problem(_source_name(source), None, "subject", message)])
    return rows.sort_values(["refers_to", "claim_date", "low", "id"], kind="stable").reset_index(drop=True)


def _source_name(source: Any) -> str:
    if source is None:
        return data.KINDS["claims"]
    if isinstance(source, pd.DataFrame):
        return "<DataFrame>"
    return Path(source).name


def _events(source: Any, ids: tuple[str, ...] | None) -> pd.DataFrame:
    frame = data.events(source)
    if ids is not None:
        frame = frame[frame["id"].isin(ids)]
    return frame.reset_index(drop=True)


def _claimants_note(rows: pd.DataFrame) -> str:
    names = list(dict.fromkeys(_who(c) for c in rows["claimant"]))
    return "Claims by " + ", ".join(names) + "."


def _pairs(rows: pd.DataFrame) -> list[tuple[str, str]]:
    """Return (source name, URL) of claims (``publication``) or events (``source``)."""
    name = "publication" if "publication" in rows else "source"
    return list(zip(rows[name], rows["source_url"], strict=True))


def _sources(pairs: list[tuple[str, str]]) -> tuple[meta.Source, ...]:
    """Return one Source per name, in first-seen order, with the name's first URL."""
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
        sources=_sources(_pairs(rows) + (_pairs(events) if events is not None else [])),
        as_of=max(dates).date(),
        alt=alt,
        data=rows.reset_index(drop=True),
        notes=notes,
    )


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
