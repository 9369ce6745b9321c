"""The part-to-whole panel of the north-korea chart: the troops massed in Kursk, and the North Korean part.

A whole and its part are drawn one inside the other only when one report gave
both (same publication, same day, same place). Otherwise the numbers are two
separate claims: two bars side by side, said to be separate, never nested.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from vizlib import _text, meta
from vizlib._canvas import Canvas, Panel
from vizlib._charts.axes import y_ticks
from vizlib._charts.marks import HOVER, customdata
from vizlib._charts.words import figure, short_name, value
from vizlib._labels import Box
from vizlib.i18n import N_

#: The heading of the whole and its part.
WHOLE_HEADING = N_("All troops in Kursk oblast")


def select(claims: pd.DataFrame, total_id: str) -> tuple[pd.DataFrame | None, pd.DataFrame | None, bool]:
    """Return the total claim, the North Korean claims in Kursk to set beside it, and whether they nest.

    They nest when the same publication gave them on the same day; else the
    nearest later North Korean claims in Kursk (within two weeks) are separate claims.
    """
    total = claims[claims["id"] == total_id]
    if total.empty:
        return None, None, False
    whole = total.iloc[0]
    kursk = claims[claims["subject"] == "nk_troops_kursk"]
    same = kursk[(kursk["claim_date"] == whole["claim_date"]) & (kursk["publication"] == whole["publication"])]
    if not same.empty:
        return total, same.reset_index(drop=True), True
    start = whole["claim_date"]
    later = kursk[(kursk["claim_date"] >= start) & (kursk["claim_date"] <= start + pd.Timedelta(days=14))]
    if later.empty:
        return None, None, False
    return total, later.sort_values(["claim_date", "id"]).head(1).reset_index(drop=True), False


def heading(cv: Canvas, text: str, xref: str, yref: str, right: bool = False, yshift: float = 0) -> None:
    """Write a panel heading above the panel's top-left corner (top-right: ``right``, a narrow panel's).

    ``yshift``: pixels higher.
    """
    cv.annotate(
        name="panel-heading",
        text=f"<b>{meta.escape(text)}</b>",
        x=1 if right else 0,
        y=1,
        xref=f"{xref} domain",
        yref=f"{yref} domain",
        xanchor="right" if right else "left",
        yanchor="bottom",
        yshift=yshift,
        showarrow=False,
        font=dict(size=13, color=cv.c["text"]),
    )


def heading_box(panel: Panel, text: str) -> Box:
    """Return the pixel box of a panel heading, just above the panel."""
    width = _text.annotation_size(f"<b>{meta.escape(text)}</b>", 13)[0]
    return Box(panel.box.x0, panel.box.y0 - 18, panel.box.x0 + width, panel.box.y0 + 4)


def draw(cv: Canvas, total: pd.DataFrame, parts: pd.DataFrame, nested: bool, axes: Any, panel_px: float) -> None:
    """Draw the whole as a filled bar and the North Korean claim inside it (one report) or beside it."""
    t, c = cv.t, cv.c
    xref, yref = axes.xaxis.plotly_name.replace("axis", ""), axes.yaxis.plotly_name.replace("axis", "")
    where = dict(row=1, col=2)
    whole, part = total.iloc[0], parts.iloc[0]
    x_whole, x_part, width = (0, 0, 0.6) if nested else (-0.28, 0.28, 0.4)
    cv.fig.add_trace(
        go.Bar(
            x=[x_whole],
            y=[value(whole)],
            width=[1 if nested else width],
            name=t("All troops in Kursk oblast (claim)"),
            # a count, so filled: the key's hollow marks are expected totals
            marker=dict(color=c["grid"], line=dict(color=c["text"], width=1.5)),
            customdata=customdata(total, cv),
            hovertemplate=t(HOVER),
            showlegend=False,
        ),
        **where,
    )
    cv.fig.add_trace(
        go.Bar(
            x=[x_part],
            y=[value(part)],
            width=[width * (0.8 if nested else 1)],
            name=t("North Korean troops in Kursk oblast (claim)"),
            marker=dict(color=c["north_korea"], line=dict(width=0)),
            customdata=customdata(parts.head(1), cv),
            hovertemplate=t(HOVER),
            showlegend=False,
        ),
        **where,
    )
    if part["bound"] == "at_least":  # a lower bound: the bar may go higher
        cv.fig.add_trace(
            go.Scatter(
                x=[x_part],
                y=[value(part)],
                mode="markers",
                showlegend=False,
                hoverinfo="skip",
                marker=dict(symbol="triangle-up", size=13, color=c["north_korea"]),
                name=t("at least"),
            ),
            **where,
        )
    said = t.date(whole["claim_date"], "day")
    source = f"{meta.escape(short_name(whole, t))}<br>{meta.escape(whole['publication'])}, {said}"
    part_who = meta.escape(short_name(part, t)) + f", {t.date(part['claim_date'], 'day')}"
    y_top = value(whole) * panel_px / (panel_px - 52)  # room above the whole for its three-line label
    notes = [
        (
            x_whole,
            value(whole),
            "bottom",
            "<b>" + t("{figure} in all", figure=meta.escape(figure(whole, t))) + f"</b><br>{source}",
            c["text"],
        )
    ]
    if nested:
        notes.append(
            (
                x_part,
                value(part),
                "bottom",
                "<b>"
                + t("North Korean: {figure}", figure=meta.escape(figure(part, t)))
                + "</b><br>"
                + t("same report"),
                c["text"],
            )
        )
        label_top = value(part) + 40 / panel_px * y_top
        if (value(whole) - label_top) / y_top * panel_px >= 3 * 14:
            remainder = t("Russian<br>(the rest, not<br>claimed separately)")
            notes.append((x_whole, (label_top + value(whole)) / 2, "middle", remainder, c["muted"]))
    else:
        notes.append(
            (
                x_part,
                value(part),
                "bottom",
                "<b>" + t("North Korean:<br>{figure}", figure=meta.escape(figure(part, t))) + f"</b><br>{part_who}",
                c["text"],
            )
        )
        notes.append(
            (0, y_top * 0.02, "bottom", "<i>" + t("separate claims,<br>not parts of one whole") + "</i>", c["muted"])
        )
    for x, y, anchor, text, color in notes:
        cv.annotate(
            name="composition-label",
            text=text,
            x=x,
            y=y,
            xref=xref,
            yref=yref,
            yanchor=anchor,
            yshift=4 if anchor == "bottom" else 0,
            showarrow=False,
            font=dict(size=11, color=color),
            bgcolor=c["grid"] if color == c["text"] and y != value(whole) else None,  # inside the whole
        )
    heading(cv, t(WHOLE_HEADING), xref, yref)
    cv.fig.update_xaxes(range=[-0.6, 0.6], showticklabels=False, showline=True, ticks="", **where)
    values, labels = y_ticks(y_top, value(whole), 3, t=t)
    cv.fig.update_yaxes(range=[0, y_top], tickvals=values, ticktext=labels, zeroline=True, **where)


def card_note(total: pd.DataFrame | None, parts: pd.DataFrame | None, nested: bool, t: Any) -> str:
    """Return the whole and its part in words, for a social card that has no room for their panel.

    ``All troops in Kursk oblast: 50,000 in all (who, publication, date); North Korean: 10,000+ (same
    report)``; a separate claim of the part says who made it and when. ``""`` without a whole.
    """
    if total is None or parts is None:
        return ""
    whole, part = total.iloc[0], parts.iloc[0]
    said = t.date(whole["claim_date"], "day")
    whole_text = t("{figure} in all", figure=figure(whole, t))
    part_text = t("North Korean: {figure}", figure=figure(part, t))
    separate = t("a separate claim")
    how = t("same report") if nested else f"{separate}: {short_name(part, t)}, {t.date(part['claim_date'], 'day')}"
    who = f"{short_name(whole, t)}, {whole['publication']}, {said}"
    return f"{t(WHOLE_HEADING)}: {whole_text} ({who}); {part_text} ({how})."


def whole_label(total: pd.DataFrame | None, t: Any, width_px: float, reach_px: float = 0) -> str:
    """Return the label of the bar of the whole, under the panel's heading.

    ``<b>50,000 in all</b> (who, publication, date)`` on one line under the heading where it fits
    ``width_px``; else the figure on a line of its own over who said it, on one line that may reach
    ``reach_px`` into the bare margin left of the bar, or on two. The heading's line stays the heading's
    (a figure at its end read as part of it). ``""`` without a whole.
    """
    if total is None:
        return ""
    whole = total.iloc[0]
    said = t.date(whole["claim_date"], "day")
    who = f"({short_name(whole, t)}, {whole['publication']}, {said})"
    number = "<b>" + t("{figure} in all", figure=meta.escape(figure(whole, t))) + "</b>"
    if _text.annotation_size(f"{number} {meta.escape(who)}", 11)[0] <= width_px:
        return f"{number} {meta.escape(who)}"
    one_line = _text.annotation_size(meta.escape(who), 11)[0] <= width_px + reach_px
    lines = [who] if one_line else meta.wrap(who, 11, width_px)
    return "<br>".join([number, *map(meta.escape, lines)])


def whole_label_px(under: str) -> float:
    """Return the height the label under the heading of the whole takes, with a gap under it (0 for none)."""
    return _text.annotation_size(under, 11)[1] + 2 if under else 0


def draw_bar(
    cv: Canvas,
    total: pd.DataFrame,
    parts: pd.DataFrame,
    nested: bool,
    axes: Any,
    label: str,
    ticks: bool = True,
) -> None:
    """Draw the whole and the North Korean claim as horizontal bars under the dated panels (narrow charts).

    One filled bar for the whole; the part inside it when one report gave both, else under it as a
    separate claim. The whole's ``label`` (:func:`whole_label`) goes over its bar, ending at the bar's
    end, under the panel heading. Without ``ticks`` the bar's
    axis has no tick labels (the labels give its numbers).
    """
    t, c = cv.t, cv.c
    xref, yref = axes.xaxis.plotly_name.replace("axis", ""), axes.yaxis.plotly_name.replace("axis", "")
    where = dict(row=3, col=1)
    whole, part = total.iloc[0], parts.iloc[0]
    y_whole, y_part = (0, 0) if nested else (0.5, -0.5)
    cv.fig.add_trace(
        go.Bar(
            y=[y_whole],
            x=[value(whole)],
            orientation="h",
            width=[0.8 if nested else 0.6],
            name=t("All troops in Kursk oblast (claim)"),
            # a count, so filled: the key's hollow marks are expected totals
            marker=dict(color=c["grid"], line=dict(color=c["text"], width=1.5)),
            customdata=customdata(total, cv),
            hovertemplate=t(HOVER),
            showlegend=False,
        ),
        **where,
    )
    cv.fig.add_trace(
        go.Bar(
            y=[y_part],
            x=[value(part)],
            orientation="h",
            width=[0.5 if nested else 0.6],
            name=t("North Korean troops in Kursk oblast (claim)"),
            marker=dict(color=c["north_korea"], line=dict(width=0)),
            customdata=customdata(parts.head(1), cv),
            hovertemplate=t(HOVER),
            showlegend=False,
        ),
        **where,
    )
    if part["bound"] == "at_least":  # a lower bound: the bar may go further
        cv.fig.add_trace(
            go.Scatter(
                x=[value(part)],
                y=[y_part],
                mode="markers",
                showlegend=False,
                hoverinfo="skip",
                marker=dict(symbol="triangle-right", size=12, color=c["north_korea"]),
                name=t("at least"),
            ),
            **where,
        )
    bar_top = y_whole + (0.4 if nested else 0.3)
    part_label = "<b>" + t("North Korean: {figure}", figure=meta.escape(figure(part, t))) + "</b>"
    how = t("same report") if nested else t("a separate claim")
    said = f"{part_label} ({how})"
    # the label ends inside the bar of the whole; where "(same report)" does not fit, the hover keeps it
    bar_px = (axes.xaxis.domain[1] - axes.xaxis.domain[0]) * cv.plot.width / 1.02
    if _text.annotation_size(said, 11)[0] <= bar_px * (1 - 1.03 * value(part) / value(whole)):
        part_label = said
    notes = [
        (value(whole), bar_top, "right", label, c["text"]),
        (value(part) * 1.03, y_part, "left", part_label, c["text"]),
    ]
    for x, y, anchor, text, color in notes:
        cv.annotate(
            name="composition-label",
            text=text,
            x=x,
            y=y,
            xref=xref,
            yref=yref,
            xanchor=anchor,
            yanchor="bottom" if anchor == "right" else "middle",
            yshift=2 if anchor == "right" else 0,
            align=anchor,
            showarrow=False,
            font=dict(size=11, color=color),
            bgcolor=c["grid"] if anchor == "left" else None,  # inside the whole
        )
    heading(cv, t(WHOLE_HEADING), xref, yref, yshift=whole_label_px(label))
    values, labels = y_ticks(value(whole), value(whole), 2, t=t)
    cv.fig.update_xaxes(
        range=[0, value(whole) * 1.02],
        tickvals=values,
        ticktext=labels,
        showline=True,
        showticklabels=ticks,
        ticks="outside" if ticks else "",
        **where,
    )
    cv.fig.update_yaxes(range=[-1, 1] if not nested else [-0.5, 0.5], visible=False, **where)
