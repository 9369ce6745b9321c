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

from vizlib import _doc, data, fmt, meta
from vizlib._canvas import Canvas, Panel
from vizlib._charts import alt, axes, composition, labels, marks
from vizlib._charts import events as event_marks
from vizlib._charts.words import who
from vizlib._doc import Size, Theme
from vizlib._labels import Label, Spot, place
from vizlib.errors import DataError, Problem

__all__ = ["troops_kursk", "north_korea", "kursk_area", "timeline", "TROOP_EVENTS", "COMPOSITION_TOTAL"]

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


@_doc.stamp
def troops_kursk(claims: Any = None, events: Any = None, *, size: Size = "wide", theme: Theme = "light") -> go.Figure:
    """Chart the claimed number of Russian troops in Kursk oblast over time.

    Each claim of subject ``ru_troops_kursk`` is one mark at the date the
    number describes (``refers_to``): a dot for one number, a bar for a
    range; colour shows the claimant's side, a hollow dot a running total
    since the incursion. Key events (:data:`TROOP_EVENTS`) are vertical markers.

    Parameters
    ----------
    {claims}
    {events}
    {size}
    {theme}

    Returns
    -------
    plotly.graph_objects.Figure

    Raises
    ------
    {raises_chart}
    """
    rows = _subject(claims, data.claims(claims), "ru_troops_kursk")
    marked = _events(events, TROOP_EVENTS)
    cv = Canvas(
        "troops-kursk",
        title="Russian troops in Kursk oblast, as claimed",
        subtitle="Each mark is one published claim, at the date the number describes",
        **_facts(rows, marked, notes=_claimants_note(rows) + " Claims about the same day are drawn side by side."),
        size=size,
        theme=theme,
    )
    # At narrow sizes, a little more room right of the last event line for the latest claims' labels.
    right_pad = 12 if cv.preset.width < _NARROW_PX else 8
    x_range = axes.date_range(list(rows["refers_to"]) + list(marked["date"]), pad_days=(6, right_pad))
    y_top = axes.nice_top(rows["high"].max() * 1.3)
    panel = cv.panel(x_range, (0, y_top))
    event_xs = [panel.x(d) for d in marked["date"]]
    obstacles = marks.claims(cv.fig, rows, panel, cv.c, "refers_to")
    legend_box, legend = marks.key(cv.fig, rows, cv.c, panel, obstacles, event_xs)
    event_boxes = event_marks.draw(cv.fig, marked, panel, cv.c, [*obstacles, legend_box])
    labels.claims(
        cv.fig,
        rows,
        panel,
        cv.c,
        [*obstacles, legend_box, *event_boxes],
        "refers_to",
        event_lines=event_marks.lines(panel, marked),
    )
    axes.style(cv.fig, x_range, y_top, cv.c, y_ticks_n=8)
    cv.fig.update_layout(bargap=0, barmode="overlay", showlegend=True, legend=legend)
    return cv.finish(alt=alt.troops_kursk(rows), data=rows)


@_doc.stamp
def north_korea(claims: Any = None, *, size: Size = "wide", theme: Theme = "light") -> go.Figure:
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
    {claims}
    {size}
    {theme}

    Returns
    -------
    plotly.graph_objects.Figure

    Raises
    ------
    {raises_chart}
    """
    everything = data.claims(claims)
    rows = _subject(claims, everything, "nk_troops_russia", "nk_troops_kursk")
    total, parts = composition.select(everything, COMPOSITION_TOTAL)
    with_total = total is not None
    drawn = pd.concat([rows, total, parts]).drop_duplicates("id") if with_total else rows
    notes = _claimants_note(drawn)
    if with_total:
        notes += " The total and the North Korean number are separate claims; the rest is not claimed separately."
    cv = Canvas(
        "north-korea",
        title="North Korean troops in Russia, as claimed",
        subtitle="Published claims by date, and the share of the troops massed in Kursk oblast",
        **_facts(drawn, notes=notes),
        size=size,
        theme=theme,
    )
    heading_gap = _nk_subplots(cv, with_total)
    x_range = axes.date_range(list(rows["claim_date"]), pad_days=(8, 8))
    y_top = axes.nice_top(rows["high"].max() * 1.4)
    panels = _dated_panels(cv, rows, x_range, y_top)
    bottom = panels[1][1]
    if with_total:
        # The composition panel takes the top of the right column; the key goes below it.
        key_box, legend = marks.key(cv.fig, rows, cv.c, bottom, [], plot=cv.plot)
        key_share = (key_box.height + 28) / cv.plot.height
        cv.fig.update_yaxes(domain=[key_share, 1 - heading_gap], row=1, col=2)
        legend.update(x=cv.fig.get_subplot(1, 2).xaxis.domain[0], y=key_share - 28 / cv.plot.height)
    else:
        key_box, legend = marks.key(cv.fig, rows, cv.c, bottom, panels[1][2], prefer_right=True, plot=cv.plot)
        panels[1][2].append(key_box)
    # At narrow sizes the dated panels are crowded: labels name the claimant only (dates stay in the hover).
    for rows_, panel, obstacles, (xref, yref) in panels:
        if not rows_.empty:
            labels.claims(
                cv.fig,
                rows_,
                panel,
                cv.c,
                obstacles,
                "claim_date",
                xref=xref,
                yref=yref,
                compact=cv.preset.width < _NARROW_PX,
            )
    if with_total:
        panel_px = (1 - heading_gap - key_share) * cv.plot.height
        composition.draw(cv.fig, total, parts, cv.c, cv.fig.get_subplot(1, 2), panel_px)
    cv.fig.update_layout(barmode="overlay", showlegend=True, legend=legend)
    cv.fig.update_xaxes(showticklabels=True, row=1, col=1)
    return cv.finish(alt=alt.north_korea(rows, total, parts), data=drawn)


def _nk_subplots(cv: Canvas, with_total: bool) -> float:
    """Lay out the north-korea chart's panels; return the gap kept above the top ones (share of the plot)."""
    from plotly.subplots import make_subplots

    cv.fig = make_subplots(
        rows=2,
        cols=2 if with_total else 1,
        specs=[[{}, {"rowspan": 2}], [{}, None]] if with_total else [[{}], [{}]],
        column_widths=[0.7, 0.3] if with_total else None,
        shared_xaxes=True,
        horizontal_spacing=0.1,
        vertical_spacing=0.14,
    )
    # Keep the top panel headings clear of the subtitle.
    heading_gap = _HEADING_GAP_PX / cv.plot.height
    for col in (1, 2) if with_total else (1,):
        top_axis = cv.fig.get_subplot(1, col).yaxis
        top_axis.domain = (top_axis.domain[0], 1 - heading_gap)
    return heading_gap


def _dated_panels(cv: Canvas, rows: pd.DataFrame, x_range, y_top: float) -> list:
    """Draw the two dated panels of the north-korea chart; return (rows, panel, obstacles, refs) of each."""
    out = []
    for row_number, subject, heading in (
        (1, "nk_troops_russia", "In Russia"),
        (2, "nk_troops_kursk", "In Kursk oblast"),
    ):
        subplot = cv.fig.get_subplot(row_number, 1)
        panel = cv.panel(x_range, (0, y_top), subplot.xaxis.domain, subplot.yaxis.domain)
        refs = subplot.xaxis.plotly_name.replace("axis", ""), subplot.yaxis.plotly_name.replace("axis", "")
        composition.heading(cv.fig, heading, *refs, cv.c)
        part = rows[rows["subject"] == subject].reset_index(drop=True)
        obstacles = [composition.heading_box(panel, heading)]
        if not part.empty:
            obstacles += marks.claims(cv.fig, part, panel, cv.c, "claim_date", row=row_number, col=1)
        axes.style(cv.fig, x_range, y_top, cv.c, y_limit=y_top * 0.9, y_ticks_n=3, row=row_number, col=1)
        out.append((part, panel, obstacles, refs))
    return out


@_doc.stamp
def kursk_area(claims: Any = None, *, size: Size = "wide", theme: Theme = "light") -> go.Figure:
    """Chart the Ukrainian-held area of Kursk oblast as claimed by each side (km²).

    Dated claims are dots at the date they describe, coloured by the
    claimant's side; a claimed peak with no date is a short labelled tick at
    the right edge, not a dated point nor a level held throughout.

    Parameters
    ----------
    {claims}
    {size}
    {theme}

    Returns
    -------
    plotly.graph_objects.Figure

    Raises
    ------
    {raises_chart}
    """
    rows = _subject(claims, data.claims(claims), "ua_held_area_kursk")
    dated = rows[rows["basis"] != "peak"].reset_index(drop=True)
    peaks = rows[rows["basis"] == "peak"].reset_index(drop=True)
    cv = Canvas(
        "kursk-area",
        title="Ukrainian-held area in Kursk oblast, as claimed",
        subtitle="Square kilometres, as claimed by each side; every dot is one published claim",
        **_facts(rows, notes=_claimants_note(rows)),
        size=size,
        theme=theme,
    )
    x_range = axes.date_range(list(rows["refers_to"]) + list(rows["claim_date"]), pad_days=(8, 10))
    y_top = rows["high"].max() * 1.15
    panel = cv.panel(x_range, (0, y_top))
    obstacles = marks.claims(cv.fig, dated, panel, cv.c, "refers_to") if not dated.empty else []
    for peak in peaks.itertuples():
        obstacles.append(_add_peak(cv.fig, peak, peaks.iloc[[peak.Index]], panel, cv.c))
    legend_box, legend = marks.key(cv.fig, dated if not dated.empty else rows, cv.c, panel, obstacles)
    if not dated.empty:
        labels.claims(cv.fig, dated, panel, cv.c, [*obstacles, legend_box], "refers_to")
    axes.style(cv.fig, x_range, y_top, cv.c, y_limit=y_top, unit="km²", short=False)
    cv.fig.update_layout(barmode="overlay", showlegend=True, legend=legend)
    return cv.finish(alt=alt.kursk_area(dated, peaks), data=rows)


#: Share of the x axis, at its right edge, that a claimed peak without a date spans.
_PEAK_SPAN = 0.16


def _add_peak(fig: go.Figure, peak: Any, row: pd.DataFrame, panel, c: dict[str, str]):
    """Draw a claimed peak with no date as a short labelled tick at the right edge; return its box.

    A line across the whole time axis would read as a level held throughout.
    """
    from vizlib._charts.words import figure, short_who, side_color
    from vizlib._labels import Box

    color = side_color(peak.claimant_side, c)
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
    start, end = panel.x_range
    fig.add_trace(
        go.Scatter(
            x=[start + (end - start) * (1 - _PEAK_SPAN / 2)],
            y=[peak.high],
            mode="markers",
            name=f"{marks.SIDE_NAMES[peak.claimant_side]}: peak",
            marker=dict(symbol="line-ew", size=14, line=dict(color=color, width=2.5)),
            showlegend=False,
            customdata=marks.customdata(row),
            hovertemplate=marks.HOVER,
        )
    )
    fig.add_annotation(
        name="peak-label",
        text=(
            f"<b>Peak: {meta.escape(figure(peak))}</b>, date not given<br>"
            f"{meta.escape(short_who(peak.claimant))}, said {fmt.date(peak.claim_date)[:-5]}"
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
    y = panel.y(peak.high)
    return Box(panel.box.x1 - 260, y - 34, panel.box.x1, y + 4)


@_doc.stamp
def timeline(events: Any = None, *, size: Size = "wide", theme: Theme = "light") -> go.Figure:
    """Chart the dated events of the story on one time axis.

    One row per event, in date order from the top, so that labels never
    collide even when several events share a day; colour and shape show the
    category.

    Parameters
    ----------
    {events}
    {size}
    {theme}

    Returns
    -------
    plotly.graph_objects.Figure

    Raises
    ------
    {raises_chart}
    """
    rows = data.events(events).sort_values(["date", "id"], kind="stable").reset_index(drop=True)
    rows["row"] = len(rows) - 1 - rows.index
    start = rows["date"].min().to_period("M").to_timestamp()
    end = (rows["date"].max().to_period("M") + 1).to_timestamp()
    x_range = (start - pd.Timedelta(days=3), end)
    cv = Canvas(
        "timeline",
        title="Treaty, incursion, build-up: the dates",
        subtitle=f"Events of {_month(rows['date'].min())} to {_month(rows['date'].max())}, in date order from the top",
        **_facts(rows.drop(columns="row"), notes=""),
        size=size,
        theme=theme,
    )
    panel = cv.panel(x_range, (-0.7, len(rows) - 0.3))
    _event_rows(cv, rows, panel)
    ticks, tick_text = axes.month_ticks(x_range)
    cv.fig.update_xaxes(
        range=list(x_range), tickvals=ticks, ticktext=tick_text, showgrid=True, gridcolor=cv.c["grid"], showline=True
    )
    cv.fig.update_yaxes(range=list(panel.y_range), visible=False)
    cv.fig.update_layout(
        showlegend=True,
        legend=dict(orientation="v", x=0.01, y=0.02, xanchor="left", yanchor="bottom", bgcolor=cv.c["background"]),
    )
    return cv.finish(alt=alt.timeline(rows), data=rows.drop(columns="row"))


def _event_rows(cv: Canvas, rows: pd.DataFrame, panel: Panel) -> None:
    """Draw one marker per event (colour and shape by category) and its label beside it."""
    for category, group in rows.groupby("category", sort=False):
        color_key, symbol = _CATEGORY_COLORS[category]
        cv.add(
            go.Scatter(
                x=group["date"],
                y=group["row"],
                mode="markers",
                name=category.capitalize(),
                marker=dict(
                    size=marks.MARKER, symbol=symbol, color=cv.c[color_key], line=dict(width=1, color=cv.c[color_key])
                ),
                customdata=[_event_hover(r) for r in group.itertuples()],
                hovertemplate="<b>%{customdata[1]}: %{customdata[2]}</b><br>%{customdata[3]}<br>"
                "<i>%{customdata[5]}</i><br>Source: %{customdata[4]}<extra></extra>",
            )
        )
    sides = (Spot("left", "middle", 9, 0), Spot("right", "middle", -9, 0))
    placed = place(
        [
            Label(
                panel.x(r.date),
                panel.y(r.row),
                (f"<b>{fmt.date(r.date)[:-5]}</b>  {meta.escape(r.title)}",),
                sides,
                required=True,
                annotation=True,
                clearance=labels.CLEARANCE,
            )
            for r in rows.itertuples()
        ],
        panel.box,
        try_orders=True,
    )
    for r, label in zip(rows.itertuples(), placed, strict=True):
        text, spot, _ = label.chosen
        cv.fig.add_annotation(
            name=f"event-label:{r.id}",
            text=text,
            x=r.date,
            y=r.row,
            xanchor=spot.xanchor,
            yanchor="middle",
            xshift=spot.dx,
            showarrow=False,
            font=dict(size=12, color=cv.c["text"]),
        )


def _event_hover(r: Any) -> list[str]:
    note = r.date_note if isinstance(r.date_note, str) else ""
    return [
        r.id,
        fmt.date(r.date),
        meta.escape(r.title),
        "<br>".join(textwrap.wrap(meta.escape(r.description), 60)),
        meta.escape(r.source),
        "<br>".join(textwrap.wrap(meta.escape(note), 60)),
    ]


def _month(value: Any) -> str:
    return pd.Timestamp(value).strftime("%b %Y")


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
    names = list(dict.fromkeys(who(c) for c in rows["claimant"]))
    return "Claims by " + ", ".join(names) + "."


def _pairs(rows: pd.DataFrame) -> list[tuple[str, str]]:
    """Return (source name, URL) of claims (``publication``) or events (``source``)."""
    name = "publication" if "publication" in rows else "source"
    return list(zip(rows[name], rows["source_url"], strict=True))


def _sources(pairs: list[tuple[str, str]]) -> tuple[meta.Source, ...]:
    """Return one Source per name, in first-seen order, with the name's first URL."""
    first_url = dict(reversed(pairs))
    return tuple(meta.Source(name, first_url[name]) for name in dict.fromkeys(name for name, _ in pairs))


def _facts(rows: pd.DataFrame, events: pd.DataFrame | None = None, *, notes: str) -> dict[str, Any]:
    """Return a chart's sources, as-of date and notes: the claims (and events) it draws."""
    dates = list(rows["claim_date"]) if "claim_date" in rows else list(rows["date"])
    if events is not None and not events.empty:
        dates += list(events["date"])
    return dict(
        sources=_sources(_pairs(rows) + (_pairs(events) if events is not None else [])),
        as_of=max(dates).date(),
        notes=notes,
    )
