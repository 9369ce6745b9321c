"""Areas measured on control layers: DeepStateMap's map read in km², drawn beside or instead of claims."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from vizlib import data, i18n, meta
from vizlib._canvas import Canvas, Panel
from vizlib._charts import axes, labels, marks
from vizlib._charts import events as event_marks
from vizlib._frames import itertuples
from vizlib._labels import Box, Label, Spot, place
from vizlib._text import annotation_size

DEEPSTATEMAP = meta.Source("DeepStateMap", "https://deepstatemap.live/", "GPL-3.0 (archive by cyterat)")
#: Who a measurement's row says made it, and what its numbers are.
_MEASURED_BY = i18n.N_("DeepStateMap's map, measured by vizlib")
_MEASURED_NOTE = i18n.N_("Low: the area shown Ukrainian-held; high: with the grey zone (status unknown).")


def marker(c: dict[str, str]) -> dict[str, Any]:
    """Return a measurement's mark (plotly marker properties) in palette ``c``: a solid square in the text colour.

    Solid, not hollow: a claim chart's key reads a hollow mark as a claim's kind (largest reached, expected).
    """
    return dict(symbol="square", size=marks.MARKER, color=c["text"], line=dict(width=0))


def rows(layer: Any, day: dt.date) -> pd.DataFrame:
    """Return the Ukrainian-held area of Kursk oblast each full export shows, as rows of the claims table.

    ``low`` is the area shown Ukrainian-held, ``high`` the same with the grey zone (status unknown);
    ``attribution`` is ``measured``: vizlib measured DeepStateMap's map in an equal-area projection.
    """
    columns = list(data.claims().columns)
    if layer is None:
        return pd.DataFrame(columns=columns)
    from vizlib import frontline

    areas = frontline.area_by_status(layer, "RU-KRS").pivot_table(index="date", columns="status", values="km2")
    if "ukrainian_held" not in areas:
        return pd.DataFrame(columns=columns)
    areas = areas[areas.index <= pd.Timestamp(day)].fillna(0)
    url = str(frontline.check_layer(layer)["source_url"].iloc[0])
    return pd.DataFrame(
        {
            "id": [f"measured_deepstatemap_{d:%Y%m%d}" for d in areas.index],
            "subject": "ua_held_area_kursk",
            "claim_date": areas.index,
            "refers_to": areas.index,
            "low": areas["ukrainian_held"].round(0).to_numpy(),
            "high": (areas["ukrainian_held"] + areas.get("unknown", 0)).round(0).to_numpy(),
            "bound": "range",
            "unit": "km2",
            "basis": "count",
            "attribution": "measured",
            "claimant": _MEASURED_BY,
            "claimant_side": "multi",
            "publication": "DeepStateMap",
            "via": None,
            "source_url": url,
            "note": _MEASURED_NOTE,
            "claimant_uk": i18n.words("uk")(_MEASURED_BY),
            "note_uk": i18n.words("uk")(_MEASURED_NOTE),
            "via_uk": None,
        }
    )[columns]


def draw(cv: Canvas, measured: pd.DataFrame, panel: Panel, where: dict[str, Any]) -> tuple[list[Box], list[Label]]:
    """Draw each measurement as a square at the held area with a thin line up to the area with the grey zone.

    Returns the boxes of squares and lines, and a label for each measurement, to place with the
    claims' labels (:func:`vizlib._charts.labels.claims`) and draw with :func:`draw_labels`.
    """
    boxes, out = [], []
    for r in itertuples(measured):
        colour = cv.c["text"]
        cv.fig.add_trace(
            go.Scatter(
                x=[r.refers_to, r.refers_to],
                y=[r.low, r.high],
                mode="lines",
                showlegend=False,
                line=dict(color=colour, width=1.5, dash="dot"),
                hoverinfo="skip",
            ),
            **where,
        )
        cv.fig.add_trace(
            go.Scatter(
                x=[r.refers_to],
                y=[r.low],
                mode="markers",
                name=cv.t("Measured on DeepStateMap"),
                showlegend=False,
                marker=marker(cv.c),
                customdata=[[r.id, cv.t.number(r.low), cv.t.number(r.high), cv.t.date(r.refers_to)]],
                hovertemplate=cv.t(
                    "<b>DeepStateMap, {date}</b><br>Ukrainian-held {low} km²; with the grey zone {high} km²",
                    date="%{customdata[3]}",
                    low="%{customdata[1]}",
                    high="%{customdata[2]}",
                )
                + "<extra></extra>",
            ),
            **where,
        )
        x = panel.x(r.refers_to)
        boxes.append(Box(x - 7, panel.y(r.high) - 7, x + 7, panel.y(r.low) + 7))
        mark = Box(x, panel.y(r.high), x, panel.y(r.low))  # where a reader sees it: the square and its line
        figure = "<b>" + cv.t("{low}–{high} km²", low=cv.t.number(r.low), high=cv.t.number(r.high)) + "</b>"
        said = [cv.t("DeepStateMap, measured"), cv.t.date(r.refers_to, "day")]
        narrow = meta.wrap_chars(" ".join(said), 16)  # a crowded chart's
        out.append(
            Label(
                x,
                panel.y(r.high),
                tuple(dict.fromkeys("<br>".join([figure, *lines]) for lines in (said, narrow))),
                _around_line(panel.y(r.low) - panel.y(r.high)),
                size=11,
                last_resort=(f"{figure}<br>DeepStateMap",),  # the key says it is measured, the axis when
                required=True,
                annotation=True,
                clearance=labels.CLEARANCE,
                marks=(mark,),  # read as this measure's: nearer its square than any claim's mark
                key=(r.refers_to, r.high),
            )
        )
    return boxes, out


def _around_line(length_px: float) -> tuple[Spot, ...]:
    """Return the spots of a measure's label: around the top of its dotted line, then around its square."""
    square = (Spot(s.xanchor, s.yanchor, s.dx, s.dy + length_px) for s in labels.AROUND)
    return tuple(dict.fromkeys((*labels.AROUND, *square)))


def draw_labels(cv: Canvas, placed: list[Label]) -> list[Box]:
    """Write the measurements' labels where they were placed; return their boxes."""
    for label in placed:
        text, spot, _ = label.chosen
        x, y = label.key
        cv.annotate(
            name="measured-label",
            text=text,
            x=x,
            y=y,
            xanchor=spot.xanchor,
            yanchor=spot.yanchor,
            xshift=spot.dx,
            yshift=-spot.dy,
            showarrow=False,
            align=labels.align(label),  # toward its square and line, as a claim's label
            font=dict(size=11, color=cv.c["text"]),
            bgcolor=cv.c["background"] if label.crosses_line else None,
        )
    return [label.chosen[2] for label in placed]


def occupied(layers: Any, region: str, day: dt.date) -> pd.DataFrame:
    """Return the area shown occupied in ``region`` on each date up to ``day``: date, status, km2, in date order."""
    from vizlib import frontline

    areas = frontline.area_by_status(layers, region)
    rows = areas[(areas["status"] == "occupied") & (areas["date"] <= pd.Timestamp(day))]
    return rows.drop_duplicates("date").sort_values("date").reset_index(drop=True)


def area_ticks(rows: pd.DataFrame, t: Any, top: float | None = None) -> tuple[float, float, list[float], list[str]]:
    """Return the y range of the measured areas, its tick values and their labels.

    The range runs from a round number under the first area to 30% above the last (or to ``top``).
    """
    first, last = rows["km2"].iloc[0], rows["km2"].iloc[-1]
    step = axes.nice_step(last - first, 4)
    low = step * ((first * 0.97) // step)
    top = max(top or 0, last + (last - low) * 0.3)
    values = _range_ticks(low, top)
    return low, top, values, [t.number(v) for v in values]


def area_top(cv: Canvas, rows: pd.DataFrame, marked: pd.DataFrame, x_range: Any, titled: bool = True) -> float:
    """Return a y top that keeps the last area's label, over the line's end, under the events' labels.

    ``titled``: the events' labels give their titles, else their dates only (a phone's).
    """
    low, top, _, _ = area_ticks(rows, cv.t)
    panel = cv.panel(x_range, (low, top))
    last = rows.iloc[-1]
    width, height = annotation_size(_end_text(cv, last), 11)
    x = panel.x(last["date"])
    over = [box for box in event_marks.label_boxes(cv.t, marked, panel, titled) if box.x1 > x - width - 12]
    if not over:
        return top
    taken = max(box.y1 for box in over) - panel.box.y0 + height + 12  # lanes, the label and its gaps
    return max(top, low + (last["km2"] - low) / (1 - taken / panel.box.height))


def _end_text(cv: Canvas, r: Any, style: str = "full") -> str:
    return "<b>" + cv.t("{km} km²", km=cv.t.number(r["km2"])) + f"</b><br>{cv.t.date(r['date'], style)}"


def _end_texts(cv: Canvas, r: Any) -> tuple[str, ...]:
    """Return the wordings of an end's label: its date in full, then with the month short (``23 лист. 2024``)."""
    return tuple(dict.fromkeys(_end_text(cv, r, style) for style in ("full", "full_short")))


def area_panel(cv: Canvas, rows: pd.DataFrame, x_range: Any, top: float | None = None) -> Panel:
    """Frame the measured areas: a y axis from a round number under the first to 30% above the last (or ``top``)."""
    low, top, values, labels = area_ticks(rows, cv.t, top)
    ticks, tick_text = axes.month_ticks(x_range, cv.t, cv.plot.width)
    cv.fig.update_xaxes(range=list(x_range), tickvals=ticks, ticktext=tick_text, showline=True)
    cv.fig.update_yaxes(range=[low, top], tickvals=values, ticktext=labels)
    cv.fig.update_layout(showlegend=False)
    return cv.panel(x_range, (low, top))


def draw_area(cv: Canvas, rows: pd.DataFrame, marked: pd.DataFrame, panel: Panel, titled: bool = True) -> None:
    """Draw the measured area as a line, the key events and the first and last values labelled.

    ``titled``: the events' labels give their titles, else their dates only (a phone's).
    """
    first, last = rows.iloc[0], rows.iloc[-1]
    cv.add(
        go.Scatter(
            x=rows["date"],
            y=rows["km2"],
            mode="lines",
            name=cv.t("Occupied area"),
            line=dict(color=cv.c["occupied_town"], width=2.5),
            showlegend=False,
            customdata=[[cv.t.date(d), cv.t.number(v)] for d, v in zip(rows["date"], rows["km2"])],
            hovertemplate=cv.t("{date}: {km} km²", date="%{customdata[0]}", km="%{customdata[1]}") + "<extra></extra>",
        )
    )
    # the line itself is an obstacle for the labels of its ends: a box every few pixels along it
    along = [
        Box(panel.x(d) - 2, panel.y(v) - 2, panel.x(d) + 2, panel.y(v) + 2) for d, v in zip(rows["date"], rows["km2"])
    ]
    event_boxes = event_marks.draw(cv, marked, panel, along, titled=titled)
    ends = [
        Label(
            panel.x(r["date"]),
            panel.y(r["km2"]),
            _end_texts(cv, r),
            labels.AROUND,
            size=11,
            required=True,
            annotation=True,
            clearance=labels.CLEARANCE,
        )
        for r in (first, last)
    ]
    for r, label in zip(
        (first, last),
        place(ends, panel.box, [*event_boxes, *along], lines=event_marks.lines(panel, marked)),
        strict=True,
    ):
        text, spot, _ = label.chosen
        cv.annotate(
            name="area-label",
            text=text,
            x=r["date"],
            y=r["km2"],
            xanchor=spot.xanchor,
            yanchor=spot.yanchor,
            xshift=spot.dx,
            yshift=-spot.dy,
            showarrow=False,
            align="left",
            font=dict(size=11, color=cv.c["text"]),
            bgcolor=cv.c["background"],
        )


def _range_ticks(low: float, top: float) -> list[float]:
    """Return ticks from ``low``, the axis's base (labelled: it is not zero), a round step apart."""
    step = axes.nice_step(top - low, 4)
    return [low + i * step for i in range(int((top - low) // step) + 1)]
