"""The part-to-whole panel of the north-korea chart: the troops massed in Kursk and the North Korean claims inside."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from vizlib import _text, fmt, meta
from vizlib._canvas import Panel
from vizlib._charts.axes import y_ticks
from vizlib._charts.marks import HOVER, customdata
from vizlib._charts.words import figure, short_who
from vizlib._labels import Box


def select(claims: pd.DataFrame, total_id: str) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """Return the total claim and the North Korean claims in Kursk made in the two weeks after it."""
    total = claims[claims["id"] == total_id]
    if total.empty:
        return None, None
    start = total["claim_date"].iloc[0]
    kursk = claims[claims["subject"] == "nk_troops_kursk"]
    parts = kursk[(kursk["claim_date"] >= start) & (kursk["claim_date"] <= start + pd.Timedelta(days=14))]
    if parts.empty:
        return None, None
    return total, parts.sort_values(["claim_date", "id"]).reset_index(drop=True)


def heading(fig, text, xref, yref, c) -> None:
    """Write a panel heading above the panel's top-left corner."""
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


def heading_box(panel: Panel, text: str) -> Box:
    """Return the pixel box of a panel heading, just above the panel."""
    width, _ = _text.text_size(f"<b>{text}</b>", 13)
    return Box(panel.box.x0, panel.box.y0 - 18, panel.box.x0 + width, panel.box.y0 + 4)


def draw(fig, total, parts, c, axes, panel_px: float) -> None:
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
            customdata=customdata(total),
            hovertemplate=HOVER,
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
        "<br>".join(f"{meta.escape(short_who(p.claimant))}\u00a0{fmt.date(p.claim_date)[:-5]}" for p in g.itertuples())
        for g in groups
    ]
    if alternatives:
        figures = [meta.escape(figure(g.iloc[0])) for g in groups]
        options = [f"<b>{f}</b> {who}" for f, who in zip(figures, lines, strict=True)]
        note = "<i>alternative claims, not additive</i>"
        part_label = "<b>North Korean:</b><br>" + "<br>or ".join(options) + f"<br>{note}"
    else:
        part_label = f"<b>North Korean: {meta.escape(figure(groups[0].iloc[0]))}</b><br>{lines[0]}"
    label_px = 15 * (part_label.count("<br>") + 1) + 4
    # Leave room above the total for its three-line label (about 50 px).
    y_top = whole["high"] * panel_px / (panel_px - 52)
    notes = [
        (
            whole["high"],
            "bottom",
            f"<b>{meta.escape(figure(whole))} in all</b><br>{meta.escape(short_who(whole['claimant']))}<br>"
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
    heading(fig, "All troops in Kursk oblast", xref, yref, c)
    fig.update_xaxes(range=[-0.6, 0.6], showticklabels=False, showline=True, ticks="", **where)
    values, labels = y_ticks(y_top, whole["high"], 3)
    fig.update_yaxes(range=[0, y_top], tickvals=values, ticktext=labels, zeroline=True, **where)


def _agreeing_customdata(group: pd.DataFrame) -> list[str]:
    """Return [ids, one line per claimant (date, publication), the figure] for claims of one number."""
    who = "<br>".join(
        f"{meta.escape(r.claimant)}, {fmt.date(r.claim_date)} ({meta.escape(r.publication)})"
        for r in group.itertuples()
    )
    return [",".join(group["id"]), who, figure(group.iloc[0])]
