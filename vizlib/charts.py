"""Charts of the claims and events of autumn 2024, as sourced, contested claims.

Four builders, one per article figure (slug in brackets):

* :func:`troops_kursk` (``troops-kursk``): claimed Russian (and North Korean)
  troop numbers in Kursk oblast, August–November 2024;
* :func:`north_korea` (``north-korea``): claimed North Korean troops in
  Russia and in Kursk oblast, and the North Korean part of the ~50,000;
* :func:`kursk_area` (``kursk-area``): the Ukrainian-held area of Kursk
  oblast as claimed by each side;
* :func:`timeline` (``timeline``): the dated events of the story.

Each takes the user's claims/events (path or DataFrame; None for the bundled
data), an as-of date (claims published and events dated after it are left
out), a size preset, a theme and a language, and returns a ``go.Figure``
carrying its title, sources, as-of date, alt text and data (see
:mod:`vizlib.meta`). Troop numbers are claims: every mark is one published
claim, drawn as it was said (a bound as a bound, a range as a range), with
who made it, when, and where it was published; claims are never joined into
a line.

Examples
--------
>>> from vizlib import charts, meta
>>> fig = charts.troops_kursk()
>>> meta.get(fig)["slug"]
'troops-kursk'

"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from vizlib import _doc, data, i18n, meta
from vizlib import theme as _theme
from vizlib._canvas import Canvas
from vizlib._charts import alt, axes, composition, key, labels, marks, measured
from vizlib._charts import events as event_marks
from vizlib._charts import timeline as timeline_rows
from vizlib._charts.panels import (
    HEADING_GAP_PX,
    dated_panels,
    nk_subplots,
    room_right,
    undated_label_boxes,
    undated_panel,
)
from vizlib._doc import Lang, Size, Theme
from vizlib._frames import itertuples
from vizlib.errors import DataError, NothingToDraw, Problem
from vizlib.i18n import N_

__all__ = [
    "troops_kursk",
    "north_korea",
    "kursk_area",
    "timeline",
    "occupied_area",
    "TROOP_EVENTS",
    "CARD_TROOP_EVENTS",
    "AREA_EVENTS",
    "COMPOSITION_TOTAL",
]

#: Events marked on the troop chart, by id in ``events.csv``.
TROOP_EVENTS = ("incursion_start", "us_election", "nyt_50k", "zelensky_50k")
#: Events marked on the troop chart's social card: not the reports of 50,000, whose claims are its marks.
CARD_TROOP_EVENTS: tuple[str, ...] = ()
#: Events marked on the occupied-area chart.
AREA_EVENTS = ("incursion_start", "us_election", "dam_damaged")
#: The claim of all troops in Kursk oblast whose North Korean part the
#: north-korea chart shows (New York Times, 10 Nov 2024).
COMPOSITION_TOTAL = "ru_kursk_nyt_1110"

#: Figures narrower than this get compact north-korea labels and more room at the right of troops-kursk.
_NARROW_PX = 800
#: Room over a claim's mark for a label of two lines (11 px type) and its gap.
_TWO_LINES_OVER_PX = 46
#: A phone's north-korea plot holds two dated panels and the bar of the whole: it keeps this height.
_NK_PHONE_PLOT_PX = 380

_CATEGORY_COLORS = {
    "military": ("ukraine", "circle"),
    "diplomacy": ("north_korea", "diamond"),
    "report": ("highlight", "square"),
    "politics": ("context", "triangle-up"),
    "infrastructure": ("several_sides", "x"),
}
#: Legend words of each category of event.
_CATEGORY_NAMES = {
    "military": N_("Military"),
    "diplomacy": N_("Diplomacy"),
    "report": N_("Report"),
    "politics": N_("Politics"),
    "infrastructure": N_("Infrastructure"),
}
# ------------------------------------------------------------------ builders


@_doc.stamp
def troops_kursk(
    claims: Any = None,
    events: Any = None,
    *,
    as_of: Any = None,
    size: Size = "wide",
    theme: Theme = "light",
    lang: Lang = "en",
) -> go.Figure:
    """Chart the claimed number of Russian (and North Korean) troops in Kursk oblast over time.

    Each claim of subject ``ru_troops_kursk`` or ``ru_nk_troops_kursk`` is one
    mark at the date the number describes (``refers_to``): a dot for one
    number, a bar for a range, a triangle for a bound ("at least", "up to");
    colour shows the claimant's side; hollow marks are numbers of another kind
    (troops moved in since the incursion, an expected total), labelled so.
    Key events (:data:`TROOP_EVENTS`) are vertical markers.

    Parameters
    ----------
    {claims}
    {events}
    {as_of}
    {size}
    {theme}
    {lang_chart}

    Returns
    -------
    plotly.graph_objects.Figure

    Raises
    ------
    {raises_chart}
    """
    day = data.as_of_date(as_of)
    rows = _subject(claims, data.claims(claims, as_of=day), "ru_troops_kursk", "ru_nk_troops_kursk")
    marked = _events(events, CARD_TROOP_EVENTS if _theme.size(size).card else TROOP_EVENTS, day)
    both = (rows["subject"] == "ru_nk_troops_kursk").any()
    width = _theme.size(size).width
    # A phone marks the events' lines with their dates and lists the events under the key.
    phone = width < axes.PHONE_PX
    # At narrow sizes, a little more room right of the last event line for the latest claims' labels.
    right_pad = 30 if phone else 12 if width < _NARROW_PX else 8
    dated = rows[rows["refers_to"].notna()]
    x_range = axes.date_range(list(dated["refers_to"]) + list(marked["date"]), pad_days=(6, right_pad))
    y_top = axes.nice_top(marks.extent(rows)["y1"].max() * 1.3)

    def under_plot(sides: tuple[int, int]) -> tuple[float, list[str], float]:
        """Return the key's height, the lines of the list of events under it (a phone's), and the figure's growth."""
        _, laid, key_px = _key(rows, size, theme, lang, sides=sides)
        room = width - meta.footer_x(width, sides[0]) - 4
        listed = event_marks.listing(i18n.words(lang), marked, room) if phone else []
        return key_px, listed, laid.grow_px

    sides = _sides(width, lang, x_range, y_top, y_ticks_n=8)
    key_px, listed, grow_px = under_plot(sides)
    cv = Canvas(
        "troops-kursk",
        title=N_("Russian (and North Korean) troops in Kursk oblast, as claimed")
        if both
        else N_("Russian troops in Kursk oblast, as claimed"),
        subtitle=N_("Each mark is one published claim, at the date the number describes"),
        **_facts(rows, marked, as_of=day, notes=_SIDE_BY_SIDE),
        size=size,
        theme=theme,
        lang=lang,
        key_px=key_px + event_marks.listing_px(listed),
        sides=sides,
        grow_px=grow_px,
    )
    y_top = _under_events(cv, dated, marked, x_range, y_top, titled=not phone)
    if (fit := _sides(width, lang, x_range, y_top, y_ticks_n=8)) != sides:  # taller ticks, wider labels
        cv.set_sides(*fit)
        sides = fit
        key_px, listed, _ = under_plot(fit)
        cv.set_key_px(key_px + event_marks.listing_px(listed))
    claims_key, laid, _ = _key(rows, size, theme, lang, sides=sides)
    laid = key.fit_card(cv, claims_key, laid, cv.t)
    panel = cv.panel(x_range, (0, y_top))
    event_xs = [panel.x(d) for d in marked["date"]]
    obstacles = marks.claims(cv, dated, panel, "refers_to")
    legend_box, legends = key.draw(cv, claims_key, laid, panel, obstacles, event_xs)
    keep_off = [*obstacles, *([legend_box] if legend_box else [])]
    event_boxes = event_marks.draw(cv, marked, panel, keep_off, titled=not phone)
    if listed:
        event_marks.draw_listing(cv, listed, 34 + key_px)
    blocked = [*keep_off, *event_boxes]
    lines = event_marks.lines(panel, marked)
    labels.claims(cv, dated, panel, blocked, "refers_to", compact=phone, event_lines=lines, crowded=phone)
    axes.style(cv, x_range, y_top, y_ticks_n=8, width_px=panel.box.width)
    cv.fig.update_layout(bargap=0, barmode="overlay", showlegend=True, **legends)
    return cv.finish(alt=alt.troops_kursk(rows, cv.t), data=rows)


@_doc.stamp
def north_korea(
    claims: Any = None, *, as_of: Any = None, size: Size = "wide", theme: Theme = "light", lang: Lang = "en"
) -> go.Figure:
    """Chart the claimed numbers of North Korean troops in Russia and in Kursk oblast.

    Left, two panels sharing a date axis: claims of subject
    ``nk_troops_russia`` and ``nk_troops_kursk`` by claim date, coloured by
    the claimant's side, drawn as their bounds say; expected totals are hollow
    diamonds. Right: the claim of all troops in Kursk oblast
    (:data:`COMPOSITION_TOTAL`) as a filled bar, with the North Korean part
    inside it when the same report gave both, else beside it as a separate
    claim; the rest is labelled, not computed. Casualty claims
    (``nk_casualties``) are left out: a different unit.

    Parameters
    ----------
    {claims}
    {as_of}
    {size}
    {theme}
    {lang_chart}

    Returns
    -------
    plotly.graph_objects.Figure

    Raises
    ------
    {raises_chart}
    """
    day = data.as_of_date(as_of)
    everything = data.claims(claims, as_of=day)
    rows = _subject(claims, everything, "nk_troops_russia", "nk_troops_kursk")
    total, parts, nested = composition.select(everything, COMPOSITION_TOTAL)
    with_total = total is not None
    drawn = pd.concat([rows, total, parts]).drop_duplicates("id") if with_total else rows
    width, card = _theme.size(size).width, _theme.size(size).card
    bar_ticks = not (with_total and width < axes.PHONE_PX)  # a phone's bar of the whole: its labels give its numbers
    x_range = axes.date_range(list(rows["claim_date"]), pad_days=(8, 6 if card else 8))  # a card's: no December
    y_top = axes.nice_top(marks.extent(rows)["y1"].max() * 1.4)
    sides = _sides(width, lang, x_range, y_top, y_limit=y_top * 0.9, y_ticks_n=3)
    claims_key, laid, key_px = _key(rows, size, theme, lang, sides=sides)
    card_notes = composition.card_note(total, parts, nested, i18n.words(lang)) if card else ""  # no room for its panel
    cv = Canvas(
        "north-korea",
        title=N_("North Korean troops in Russia, as claimed"),
        subtitle=N_("Published claims by date, and the North Korean part of the troops massed in Kursk oblast"),
        **_facts(drawn, as_of=day, notes="", card_notes=card_notes),
        size=size, theme=theme, lang=lang,
        key_px=key_px, sides=sides,
        axis_labels=bar_ticks,
        min_plot_px=_NK_PHONE_PLOT_PX if width < axes.PHONE_PX else None,
        grow_px=laid.grow_px,
    )
    laid = key.fit_card(cv, claims_key, laid, cv.t)
    narrow = cv.preset.width < _NARROW_PX
    bar_below = with_total and narrow and not cv.preset.card  # a narrow page's dated panels take the width
    # a phone's top panel shares the dates of the one under it, and leaves them to it
    top_ticks = cv.preset.width >= axes.PHONE_PX
    whole = composition.whole_label(total, cv.t, cv.plot.width, cv.plot.x0 - 20) if bar_below else ""
    heading_gap = nk_subplots(cv, with_total, bar_below, top_ticks, whole, nested)
    if not top_ticks:  # a phone's short panels keep room over the highest claim for a label of two lines
        domain = cv.fig.get_subplot(1, 1).yaxis.domain
        panel_px = (domain[1] - domain[0]) * cv.plot.height
        y_top = max(y_top, marks.extent(rows)["y1"].max() / (1 - _TWO_LINES_OVER_PX / panel_px))
    panels = dated_panels(cv, rows, x_range, y_top)
    if under_the_whole := with_total and not bar_below and not card:  # a narrow column: one part over the other
        laid = key.stacked(claims_key, cv.t)
    bottom, keep_off = panels[1][1], ([] if with_total else panels[1][2])
    key_box, legends = key.draw(cv, claims_key, laid, bottom, keep_off, prefer_right=True)
    key_share = 0.0
    if under_the_whole and key_box is not None:
        key_share, legends = _key_under_the_whole(cv, laid, heading_gap)
    elif key_box is not None:
        panels[1][2].append(key_box)
    # At narrow sizes the dated panels are crowded: labels name the claimant only (dates stay in the hover).
    for part, panel, obstacles, (xref, yref) in panels:
        if not part.empty:
            labels.claims(
                cv, part, panel, obstacles, "claim_date", xref=xref, yref=yref, compact=narrow, crowded=not top_ticks
            )
    if bar_below:
        composition.draw_bar(cv, total, parts, nested, cv.fig.get_subplot(3, 1), whole, ticks=bar_ticks)
    elif with_total and not card:
        panel_px = (1 - heading_gap - key_share) * cv.plot.height
        composition.draw(cv, total, parts, nested, cv.fig.get_subplot(1, 2), panel_px)
    cv.fig.update_layout(barmode="overlay", showlegend=True, **legends)
    cv.fig.update_xaxes(showticklabels=top_ticks, row=1, col=1)
    return cv.finish(alt=alt.north_korea(rows, total, parts, nested, cv.t), data=drawn)


def _under_events(
    cv: Canvas, rows: pd.DataFrame, events: pd.DataFrame, x_range: Any, y_top: float, titled: bool = True
) -> float:
    """Return a y top high enough that every claim's mark stays under the events' labels above it.

    On a narrow chart the labels of events days apart stack in lanes at the top of the plot. A phone's
    events are dated, not titled: under their dates, every claim keeps room for a label of two lines over it.
    So does every claim on a social card, whose plot is too narrow for its labels to go beside.
    """
    panel = cv.panel(x_range, (0, y_top))
    needed = y_top
    card = cv.preset.card
    room = _TWO_LINES_OVER_PX * labels.CARD_LABEL_PX / labels.LABEL_PX if card else _TWO_LINES_OVER_PX
    room = marks.MARKER if titled and not card else room
    for box in event_marks.label_boxes(cv.t, events, panel, titled, short=card):
        taken = box.y1 + labels.CLEARANCE + room - panel.box.y0  # pixels at the plot's top
        for r in itertuples(marks.extent(rows)):
            if not titled or card or box.x0 - 2 * marks.MARKER <= panel.x(r.refers_to) <= box.x1 + 2 * marks.MARKER:
                needed = max(needed, r.y1 / (1 - taken / panel.box.height))
    return needed


@_doc.stamp
def kursk_area(
    claims: Any = None,
    *,
    layer: Any = None,
    as_of: Any = None,
    size: Size = "wide",
    theme: Theme = "light",
    lang: Lang = "en",
) -> go.Figure:
    """Chart the Ukrainian-held area of Kursk oblast as claimed by each side (km²).

    Dated claims are marks at the date they describe, coloured by the
    claimant's side; a number computed by the publication from the claimant's
    own numbers carries an asterisk, explained in the notes. A claim with no
    date (the largest area held) stands apart in a panel of its own, off the
    time axis, hollow (the key says it is the largest reached). Given DeepStateMap
    full exports, the area they show Ukrainian-held in Kursk oblast is measured
    and drawn beside the claims (a square; a line up to the area with the grey
    zone), so claims can be read against measurement.

    Parameters
    ----------
    {claims}
    layer : GeoDataFrame, optional
        Full-export control layers of one or more dates (:func:`vizlib.frontline.export`,
        :func:`vizlib.frontline.history` with ``kind="export"``); the archive's layers have no
        Ukrainian-held area and add nothing.
    {as_of}
    {size}
    {theme}
    {lang_chart}

    Returns
    -------
    plotly.graph_objects.Figure

    Raises
    ------
    {raises_chart}
    """
    from plotly.subplots import make_subplots

    day = data.as_of_date(as_of)
    rows = _subject(claims, data.claims(claims, as_of=day), "ua_held_area_kursk")
    dated = rows[rows["refers_to"].notna()].reset_index(drop=True)
    undated = rows[rows["refers_to"].isna()].reset_index(drop=True)
    measures = measured.rows(layer, day)
    width = _theme.size(size).width
    # A phone gives the claim with no date a wider panel, for its heading and its label.
    shares, gap = ([0.72, 0.28] if width < axes.PHONE_PX else [0.8, 0.2]) if not undated.empty else [1.0], 0.02
    x_range = axes.date_range([*dated["refers_to"], *dated["claim_date"], *measures["refers_to"]], pad_days=(8, 10))
    y_top = max(marks.extent(rows)["y1"].max(), measures["high"].max() if not measures.empty else 0) * 1.2
    # the unit on the top tick, but on a phone, where the subtitle says it and the plot needs the width
    unit = i18n.words(lang)("km²") if width >= axes.PHONE_PX else ""
    y_style = dict(y_limit=y_top * 0.95, unit=unit, short=False)
    # the time axis ends at the figure's right edge unless the panel of claims with no date is there
    ends = undated.empty
    sides = _sides(width, lang, x_range, y_top, right_ticks=ends, **y_style)
    # room right of the latest mark for a label centred over it
    main_px = (width - sum(sides)) * (1 - gap * (len(shares) - 1)) * shares[0]
    x_range = room_right(x_range, max([*dated["refers_to"], *measures["refers_to"]]), main_px)
    sides = _sides(width, lang, x_range, y_top, right_ticks=ends, **y_style)
    claims_key, laid, key_px = _key(rows, size, theme, lang, with_measure=not measures.empty, sides=sides)
    drawn = pd.concat([rows, measures], ignore_index=True) if not measures.empty else rows
    cv = Canvas(
        "kursk-area",
        title=N_("Ukrainian-held area in Kursk oblast, as claimed")
        if measures.empty
        else N_("Ukrainian-held area in Kursk oblast, claimed and measured"),
        subtitle=N_("Square kilometres, as claimed by each side; every mark is one published claim")
        if measures.empty
        else N_("Square kilometres: each dot one published claim, each square DeepStateMap's map measured"),
        **_facts(drawn, as_of=day, notes=_derived_note(rows, i18n.words(lang))),
        size=size,
        theme=theme,
        lang=lang,
        key_px=key_px, sides=sides, grow_px=laid.grow_px,
    )
    laid = key.fit_card(cv, claims_key, laid, cv.t)
    if not undated.empty:
        cv.fig = make_subplots(cols=2, column_widths=shares, shared_yaxes=True, horizontal_spacing=gap)
        # the heading of the claims with no date stands in the plot, under the title block
        cv.fig.update_yaxes(domain=[0, 1 - HEADING_GAP_PX / cv.plot.height])
    main = cv.fig.get_subplot(1, 1) if not undated.empty else None
    panel = cv.panel(x_range, (0, y_top), *((main.xaxis.domain, main.yaxis.domain) if main else ()))
    where: dict[str, Any] = {"row": 1, "col": 1} if main else {}
    obstacles = marks.claims(cv, dated, panel, "refers_to", **where)
    squares, measure_labels = measured.draw(cv, measures, panel, where)
    legend_box, legends = key.draw(cv, claims_key, laid, panel, obstacles := obstacles + squares)
    undated_boxes = undated_label_boxes(cv, undated, y_top) if main else []  # the widest reaches into this panel
    keep_off = [*obstacles, *([legend_box] if legend_box else []), *undated_boxes]
    phone = cv.preset.width < axes.PHONE_PX  # a phone labels claims by who only (the hover has the dates)
    labels.claims(cv, dated, panel, keep_off, "refers_to", compact=phone, others=measure_labels, crowded=phone)
    measured.draw_labels(cv, measure_labels)
    axes.style(cv, x_range, y_top, **y_style, width_px=panel.box.width, **where)
    if not undated.empty:
        undated_panel(cv, undated, y_top)
    cv.fig.update_layout(barmode="overlay", showlegend=True, **legends)
    return cv.finish(alt=alt.kursk_area(dated, undated, cv.t, measures), data=drawn)


@_doc.stamp
def occupied_area(
    layers: Any = None,
    *,
    region: str = "UA-14",
    events: Any = None,
    as_of: Any = None,
    size: Size = "wide",
    theme: Theme = "light",
    lang: Lang = "en",
) -> go.Figure:
    """Chart the occupied area of an oblast as measured on each day's control layer, with key events.

    A measurement, not a claim: DeepStateMap's occupied area within ``region``, in km² measured in
    an equal-area projection (:func:`vizlib.frontline.area_by_status`), one point a day.

    Parameters
    ----------
    layers : GeoDataFrame or None
        Control layers of several dates (:func:`vizlib.frontline.history`); None reads the daily
        archive from its first day (8 Jul 2024) to the chart's date through the cache (a download
        where not cached).
    region : str
        ISO 3166-2 code of the oblast measured.
    {events}
    {as_of}
    {size}
    {theme}
    {lang_chart}

    Returns
    -------
    plotly.graph_objects.Figure

    Raises
    ------
    {raises_chart}
    """
    from vizlib import frontline

    day = data.as_of_date(as_of)
    if layers is None:
        layers = frontline.history(frontline.ARCHIVE_START, day, freq="D", kind="archive")
    rows = measured.occupied(layers, region, day)
    marked = _events(events, AREA_EVENTS, day)
    name = data.regions().set_index("iso_3166_2").loc[region, "name_uk" if lang == "uk" else "name"]
    t = i18n.words(lang)
    x_range = axes.date_range(list(rows["date"]) + list(marked["date"]), pad_days=(3, 6))
    y_labels = measured.area_ticks(rows, t)[3]
    x_labels = axes.month_ticks(x_range, t)[1]
    width = _theme.size(size).width
    # a phone dates the events' lines and lists the events under the chart: their titles, over a plot
    # this narrow, crossed (and hid) each other's lines
    phone = width < axes.PHONE_PX
    sides = axes.sides(width, y_labels, x_labels)
    listed = event_marks.listing(t, marked, width - meta.footer_x(width, sides[0]) - 4) if phone else []
    cv = Canvas(
        "occupied-area",
        title=t("Occupied area of {region} oblast, measured", region=name),
        subtitle=N_("Square kilometres shown as Russian-occupied on DeepStateMap each day, within the oblast"),
        sources=[measured.DEEPSTATEMAP, *_facts(marked, as_of=day, notes="")["sources"]],
        as_of=day,
        notes=N_("Measured in an equal-area projection; a measurement of a map, not a claim."),
        size=size,
        theme=theme,
        lang=lang,
        key_px=event_marks.listing_px(listed),
        sides=sides,
    )
    top = measured.area_top(cv, rows, marked, x_range, titled=not phone)
    if (fit := axes.sides(cv.preset.width, measured.area_ticks(rows, cv.t, top)[3], x_labels)) != cv.sides:
        cv.set_sides(*fit)
    panel = measured.area_panel(cv, rows, x_range, top)
    measured.draw_area(cv, rows, marked, panel, titled=not phone)
    if listed:
        event_marks.draw_listing(cv, listed, 34)
    table = rows.assign(source="DeepStateMap", region=region)[["date", "region", "status", "km2", "source"]]
    return cv.finish(alt=alt.occupied_area(rows, name, cv.t), data=table.assign(km2=table["km2"].round(1)))


@_doc.stamp
def timeline(
    events: Any = None, *, as_of: Any = None, size: Size = "wide", theme: Theme = "light", lang: Lang = "en"
) -> go.Figure:
    """Chart the dated events of the story on one time axis.

    One row per event, in date order from the top, so that labels never
    collide even when several events share a day; colour and shape show the
    category.

    Parameters
    ----------
    {events}
    {as_of}
    {size}
    {theme}
    {lang_chart}

    Returns
    -------
    plotly.graph_objects.Figure

    Raises
    ------
    {raises_chart}
    """
    day = data.as_of_date(as_of)
    rows = data.events(events, as_of=day).sort_values(["date", "id"], kind="stable").reset_index(drop=True)
    if rows.empty:
        raise DataError([Problem(_source_name(events, "events"), None, "date", f"no events on or before {day}")])
    start = rows["date"].min().to_period("M").to_timestamp()
    end = (rows["date"].max().to_period("M") + 1).to_timestamp()
    x_range = (start - pd.Timedelta(days=3), end)
    width = _theme.size(size).width
    phone = width < axes.PHONE_PX  # the key goes under the chart, the labels wrap where they must
    sides = _sides(width, lang, x_range)
    names = [i18n.words(lang)(_CATEGORY_NAMES[category]) for category in dict.fromkeys(rows["category"])]
    key_room = key.key_width(width, sides[0], width - sum(sides))  # the room the key is drawn in
    key_names, key_entry, key_px = key.key_below(names, key_room, wrap=True) if phone else (names, 0, 0)
    cv = Canvas(
        "timeline",
        title=N_("Treaty, incursion, build-up: the dates"),
        subtitle="",
        **_facts(rows, as_of=day, notes=""),
        size=size,
        theme=theme,
        lang=lang,
        sides=sides,
        key_px=key_px,
    )
    first, last = cv.t.date(rows["date"].min(), "month_year"), cv.t.date(rows["date"].max(), "month_year")
    cv.retitle(subtitle=cv.t("Events of {first} to {last}, in date order from the top", first=first, last=last))
    n, plot = len(rows), cv.plot
    span = (x_range[1] - x_range[0]) / pd.Timedelta(days=1)
    xs = [plot.x0 + (d - x_range[0]) / pd.Timedelta(days=1) / span * plot.width for d in rows["date"]]
    placed = timeline_rows.layout(rows, cv.t, xs, plot)
    # rows in the units of a category axis (the top row n - 1, the bottom one 0), whatever their heights
    rows["row"] = [round(n - 0.3 - (p.centre - plot.y0) / plot.height * n, 9) for p in placed]
    _event_rows(cv, rows, placed, dict(zip(names, key_names, strict=True)))
    ticks, tick_text = axes.month_ticks(x_range, cv.t, plot.width)
    cv.fig.update_xaxes(
        range=list(x_range), tickvals=ticks, ticktext=tick_text, showgrid=True, gridcolor=cv.c["grid"], showline=True
    )
    cv.fig.update_yaxes(range=[-0.7, n - 0.3], visible=False)
    legend = (
        key.legend_below(cv, key_entry)
        if phone
        else dict(orientation="v", x=0.01, y=0.02, xanchor="left", yanchor="bottom", bgcolor=cv.c["background"])
    )
    cv.fig.update_layout(showlegend=True, legend=legend)
    return cv.finish(alt=alt.timeline(rows, cv.t), data=rows.drop(columns="row"))


def _event_rows(cv: Canvas, rows: pd.DataFrame, placed: list, key_names: dict[str, str]) -> None:
    """Draw one marker per event (colour and shape by category) and its label beside it, in its row."""
    t = cv.t
    for category, group in rows.groupby("category", sort=False):
        color_key, symbol = _CATEGORY_COLORS[category]
        cv.add(
            go.Scatter(
                x=group["date"],
                y=group["row"],
                mode="markers",
                name=key_names.get(t(_CATEGORY_NAMES[category]), t(_CATEGORY_NAMES[category])),
                marker=dict(
                    size=marks.MARKER, symbol=symbol, color=cv.c[color_key], line=dict(width=1, color=cv.c[color_key])
                ),
                customdata=[_event_hover(r, t) for _, r in group.iterrows()],
                hovertemplate="<b>%{customdata[1]}: %{customdata[2]}</b><br>%{customdata[3]}<br>"
                "<i>%{customdata[5]}</i><br>%{customdata[4]}<extra></extra>",
            )
        )
    for r, row in zip(itertuples(rows), placed, strict=True):
        cv.annotate(
            name=f"event-label:{r.id}",
            text=row.text,
            x=r.date,
            y=r.row,
            xanchor=row.xanchor,
            yanchor="middle",
            xshift=row.dx,
            align=row.xanchor,
            showarrow=False,
            font=dict(size=row.font, color=cv.c["text"]),
            bgcolor=cv.c["background"],  # a month's gridline stops at the words, not through them
            borderpad=0,
        )


def _event_hover(r: pd.Series, t: Any) -> list[str]:
    return [
        r["id"],
        t.date(r["date"]),
        meta.escape(t.field(r, "title")),
        "<br>".join(meta.wrap_chars(meta.escape(t.field(r, "description")), 60)),
        meta.escape(t("Source: {source}", source=r["source"])),
        "<br>".join(meta.wrap_chars(meta.escape(t.field(r, "date_note")), 60)),
    ]


# --------------------------------------------------------------- data helpers


def _subject(source: Any, frame: pd.DataFrame, *subjects: str) -> pd.DataFrame:
    """Return the claims of ``subjects``; raise DataError naming ``source`` if there are none."""
    rows = frame[frame["subject"].isin(subjects)].copy()
    if rows.empty:
        message = f"no {' or '.join(subjects)} claims to draw (this chart needs at least one)"
        raise NothingToDraw([Problem(_source_name(source), None, "subject", message)])
    return rows.sort_values(["refers_to", "claim_date", "low", "id"], kind="stable").reset_index(drop=True)


def _source_name(source: Any, kind: str = "claims") -> str:
    if source is None:
        return data.KINDS[kind]
    if isinstance(source, pd.DataFrame):
        return "<DataFrame>"
    return Path(source).name


def _events(source: Any, ids: tuple[str, ...], as_of: dt.date) -> pd.DataFrame:
    frame = data.events(source, as_of=as_of)
    return frame[frame["id"].isin(ids)].reset_index(drop=True)


def _key_under_the_whole(cv: Canvas, laid: key.Laid, heading_gap: float) -> tuple[float, dict[str, Any]]:
    """Put north-korea's key under the panel of the whole, in the plot's right column.

    Returns the share of the plot's height the key takes at the column's foot, and the key's layout.
    """
    key_share = (laid.height + 28) / cv.plot.height
    cv.fig.update_yaxes(domain=[key_share, 1 - heading_gap], row=1, col=2)
    column_x = cv.plot.x0 + cv.fig.get_subplot(1, 2).xaxis.domain[0] * cv.plot.width
    return key_share, key.place(cv, laid, column_x, cv.plot.y1 - key_share * cv.plot.height + 28)


def _key(
    rows: pd.DataFrame, size: str, theme: str, lang: str, with_measure: bool = False, sides: tuple[int, int] = (44, 44)
) -> tuple[key.Key, key.Laid, float]:
    """Return a chart's key, laid out, and the room to keep for it: under the chart (narrow sizes), beside (a card).

    A phone's key (and a card's) says the bounds in a word. ``sides``: the plot's left and right margins.
    """
    preset = _theme.size(size)
    phone = preset.width < axes.PHONE_PX
    c, t = _theme.colors(theme), i18n.words(lang)
    claims_key = key.entries(rows, c, t, short=phone or preset.card, card=preset.card)
    if with_measure:
        claims_key.how.append((t("Measured on DeepStateMap (its dotted line adds the grey zone)"), measured.marker(c)))
    inside = preset.width >= _NARROW_PX
    laid = key.lay_out(claims_key, t, preset, sides, inside)
    return claims_key, laid, key.room(laid, preset, inside)


#: troops-kursk's note: :func:`vizlib._charts.marks.dodge` moves marks that would overlap.
_SIDE_BY_SIDE = N_("Claims about the same or nearby days are drawn side by side, a few days off their dates.")


def _sides(
    width: int,
    lang: str,
    x_range: Any = None,
    y_top: float | None = None,
    right_ticks: bool = True,
    **y_style: Any,
) -> tuple[int, int]:
    """Return the side margins that hold a chart's tick labels (:func:`axes.sides`), from its ranges.

    ``right_ticks``: the x axis runs to the plot's right edge (its last label may reach past it).
    ``y_style``: the options :func:`axes.style` is given (``y_limit``, ``unit``, ``y_ticks_n``, ``short``).
    """
    t = i18n.words(lang)
    x_labels = axes.month_ticks(x_range, t)[1] if x_range is not None else []
    y_labels = axes.y_labels(y_top, t=t, **y_style)[1] if y_top is not None else []
    left, right = axes.sides(width, y_labels, x_labels)
    return left, right if right_ticks else axes.sides(width, y_labels, x_labels[:1])[1]


def _derived_note(rows: pd.DataFrame, t: i18n.Words) -> str:
    derived = rows[rows["attribution"] == "derived"]
    return " ".join(f"*{t.field(r, 'note')}" for r in itertuples(derived) if isinstance(r.note, str))


def _facts(
    rows: pd.DataFrame, events: pd.DataFrame | None = None, *, as_of: dt.date, notes: str, card_notes: str = ""
) -> dict[str, Any]:
    """Return a chart's sources (each publication once, with its first URL), as-of date, notes (a card's: "*").

    ``card_notes``: what a card says that its page does not (north-korea's: the whole and its part, in words).
    """
    name = "publication" if "publication" in rows else "source"
    pairs = list(zip(rows[name], rows["source_url"], strict=True))
    if events is not None:
        pairs += list(zip(events["source"], events["source_url"], strict=True))
    first_url = dict(reversed(pairs))
    sources = tuple(meta.Source(n, first_url[n]) for n in dict.fromkeys(n for n, _ in pairs))
    card_notes = card_notes or (notes if notes.startswith("*") else "")
    return dict(sources=sources, as_of=as_of, notes=notes, card_notes=card_notes)
