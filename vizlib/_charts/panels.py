"""Panels of the north-korea and kursk-area charts: their layout, the dated panels, the panel of undated claims."""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from vizlib import _text, meta
from vizlib._canvas import Canvas
from vizlib._charts import axes, composition, marks
from vizlib._charts.words import figure, short_name, side_color, value
from vizlib._frames import itertuples
from vizlib._labels import Box
from vizlib.i18n import N_

#: Space between the subtitle and the headings of the top panels.
HEADING_GAP_PX = 18
#: Heights, in pixels, of a panel heading (13 px bold), of the tick labels under a panel, and of the
#: bar of the whole under a narrow north-korea chart.
PANEL_HEADING_PX, TICK_LABELS_PX, BAR_PX = 21, 24, 20


#: The gap between a card's two dated panels side by side, in pixels.
CARD_PANEL_GAP_PX = 24


def nk_subplots(
    cv: Canvas, with_total: bool, bar_below: bool, top_ticks: bool = True, whole: str = "", nested: bool = True
) -> float:
    """Lay out the north-korea chart's panels; return the gap kept above the top ones (share of the plot).

    Two dated panels, with the whole and its part in a column at the right, or (``bar_below``) in a
    bar under them, with room between the panels for their headings, the tick labels of the
    panel above (``top_ticks``: the top one's too) and the label ``whole`` under the bar's heading.
    A social card (16:9) sets the two dated panels side by side, sharing their numbers' axis; its
    words say the whole and its part (:func:`composition.card_note`).
    """
    from plotly.subplots import make_subplots

    heading_gap = HEADING_GAP_PX / cv.plot.height
    if cv.preset.card:
        cv.fig = make_subplots(rows=1, cols=2, shared_yaxes=True, horizontal_spacing=CARD_PANEL_GAP_PX / cv.plot.width)
        cv.fig.update_yaxes(domain=[0, 1 - heading_gap])
        cv.fig.update_yaxes(showticklabels=False, row=1, col=2)  # it shares the numbers' axis at the left
        return heading_gap
    if bar_below:
        cv.fig = make_subplots(rows=3, cols=1)
        cv.fig.update_xaxes(matches="x", row=2, col=1)
        height = cv.plot.height
        bar = BAR_PX if nested else 2 * BAR_PX
        # a phone's panels share the lower one's tick labels
        above = HEADING_GAP_PX
        gap12 = PANEL_HEADING_PX + (TICK_LABELS_PX if top_ticks else 2)
        gap23 = TICK_LABELS_PX + PANEL_HEADING_PX + composition.whole_label_px(whole)
        panel = (height - above - gap12 - gap23 - bar) / 2
        tops = [height - above, bar + gap23 + panel, bar]
        for row, top in enumerate(tops, start=1):
            bottom = top - (bar if row == 3 else panel)
            cv.fig.update_yaxes(domain=[max(bottom, 0) / height, top / height], row=row, col=1)
        return heading_gap
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
    for col in (1, 2) if with_total else (1,):
        top_axis = cv.fig.get_subplot(1, col).yaxis
        top_axis.domain = (top_axis.domain[0], 1 - heading_gap)
    return heading_gap


def dated_panels(cv: Canvas, rows: pd.DataFrame, x_range: Any, y_top: float) -> list:
    """Draw the two dated panels of the north-korea chart; return (rows, panel, obstacles, refs) of each."""
    out = []
    headings = ((1, "nk_troops_russia", N_("In Russia")), (2, "nk_troops_kursk", N_("In Kursk oblast")))
    for number, subject, heading in headings:
        row, col = (1, number) if cv.preset.card else (number, 1)  # a card's panels stand side by side
        where: dict[str, Any] = {"row": row, "col": col}
        subplot = cv.fig.get_subplot(row, col)
        panel = cv.panel(x_range, (0, y_top), subplot.xaxis.domain, subplot.yaxis.domain)
        refs = subplot.xaxis.plotly_name.replace("axis", ""), subplot.yaxis.plotly_name.replace("axis", "")
        composition.heading(cv, cv.t(heading), *refs)
        part = rows[rows["subject"] == subject].reset_index(drop=True)
        obstacles = [composition.heading_box(panel, cv.t(heading))]
        if not part.empty:
            obstacles += marks.claims(cv, part, panel, "claim_date", **where)
        axes.style(cv, x_range, y_top, y_limit=y_top * 0.9, y_ticks_n=3, width_px=panel.box.width, **where)
        out.append((part, panel, obstacles, refs))
    return out


def room_right(x_range: tuple[pd.Timestamp, pd.Timestamp], last: Any, panel_px: float, px: float = 46) -> tuple:
    """Return ``x_range`` extended, if need be, so that ``last`` stands ``px`` pixels from its right end."""
    start, end = x_range
    share = px / panel_px
    if (end - last) / (end - start) >= share or share >= 1:
        return x_range
    return start, (start + (pd.Timestamp(last) - start) / (1 - share)).ceil("D")


def _undated_text(row: Any, t: Any, width_px: float, size: float) -> str:
    """Return the label of a claim with no date: the figure, what it is, who said it and when.

    Each part wraps to ``width_px`` in type of ``size`` pixels (a date too: "said 23 листопада"
    would reach far into the panel beside).
    """
    parts = [t("largest held"), short_name(row, t), t("said {date}", date=t.date(row.claim_date, "day"))]
    lines = [line for part in parts for line in meta.wrap(part, size, width_px)]
    return "<br>".join([f"<b>{meta.escape(figure(row, t))}</b>", *(meta.escape(line) for line in lines)])


#: Type size of the undated claims' labels (a narrow panel's tall block: the page's label size, on a card too).
UNDATED_PX = 11
#: The least width the undated labels wrap to, in pixels: a panel narrower than this is reached across.
UNDATED_WRAP_PX = 90


def undated_label_boxes(cv: Canvas, undated: pd.DataFrame, y_top: float) -> list[Box]:
    """Return, in figure pixels, where :func:`undated_panel` puts its labels (a wide one reaches into the next one)."""
    xd, yd = cv.fig.get_subplot(1, 2).xaxis.domain, cv.fig.get_subplot(1, 2).yaxis.domain
    panel = cv.panel((-1, 1), (0, y_top), xd, yd)
    out = []
    for k, row in enumerate(itertuples(undated)):
        text = _undated_text(row, cv.t, max(panel.box.width, UNDATED_WRAP_PX), UNDATED_PX)
        w, h = _text.annotation_size(text, UNDATED_PX)
        wide = w > panel.box.width
        x = panel.box.x1 - w / 2 if wide else panel.box.x0 + (k - (len(undated) - 1) / 2 + 1) / 2 * panel.box.width
        top = panel.y(value(row)) + 10
        out.append(Box(x - w / 2, top, x + w / 2, top + h))
    return out


def undated_panel(cv: Canvas, undated: pd.DataFrame, y_top: float) -> None:
    """Draw claims with no date in a narrow panel of their own, off the time axis, each labelled below its mark."""
    t = cv.t
    domain = cv.fig.get_subplot(1, 2).xaxis.domain
    panel_px = (domain[1] - domain[0]) * cv.plot.width
    for k, row in enumerate(itertuples(undated)):
        x = k - (len(undated) - 1) / 2
        cv.fig.add_trace(
            go.Scatter(
                x=[x],
                y=[value(row)],
                mode="markers",
                name=t("date not given"),
                showlegend=False,
                marker=dict(
                    symbol=marks.symbol(row),
                    size=marks.MARKER,
                    color=cv.c["background"],
                    line=dict(color=side_color(row.claimant_side, cv.c), width=2),
                ),
                customdata=marks.customdata(undated.iloc[[k]], cv),
                hovertemplate=t(marks.HOVER),
            ),
            row=1,
            col=2,
        )
        text = _undated_text(row, t, max(panel_px, UNDATED_WRAP_PX), UNDATED_PX)
        wide = _text.annotation_size(text, UNDATED_PX)[0] > panel_px  # ends at the panel's right edge
        cv.annotate(
            name="undated-label",
            text=text,
            x=1 if wide else x,
            xanchor="right" if wide else "center",
            y=value(row),
            xref="x2 domain" if wide else "x2",
            yref="y2",
            yanchor="top",
            yshift=-10,
            showarrow=False,
            font=dict(size=UNDATED_PX, color=cv.c["text"]),
        )
    # a heading wider than the panel ends at its right edge, over the empty top of the panel beside it
    wide = _text.text_size(f"<b>{meta.escape(t('Date not given'))}</b>", 13)[0] > panel_px
    composition.heading(cv, t("Date not given"), "x2", "y2", right=wide)
    cv.fig.update_xaxes(
        range=[-1, 1], showticklabels=False, showline=True, showgrid=False, zeroline=False, ticks="", row=1, col=2
    )
    values, _ = axes.y_ticks(y_top, y_top * 0.95, short=False)
    cv.fig.update_yaxes(range=[0, y_top], tickvals=values, showticklabels=False, row=1, col=2)
