"""Towns and other points: markers, label requests, approximate places, distance lines."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any

import pandas as pd

from vizlib import fmt
from vizlib._carto import geometry
from vizlib._carto.mapcanvas import MapCanvas
from vizlib._labels import Box, Label, around, spot_at
from vizlib.meta import escape

_KIND_RANK = {"capital": 0, "city": 1, "town": 2, "dam": 3}
#: Towns whose names are bold: the places the story is about.
STORY_TOWNS = ("kursk", "sudzha", "pokrovsk", "kurakhove")
#: An approximate place's label goes beside its disc, to the left first (the story's towns lie east of the dam).
_APPROX_POSITIONS = (
    "bottom left",
    "top left",
    "middle left",
    "bottom center",
    "top center",
    "bottom right",
    "top right",
)
#: Point labels may touch their neighbours by a pixel.
_TOUCH = -1


def draw(m: MapCanvas, shown: pd.DataFrame, priority: Sequence[str]) -> None:
    """Mark the places shown (labels placed later); approximate ones as approximate, with their events."""
    approximate(m, shown[shown.approximate])
    shown = shown[~shown.approximate].reset_index(drop=True)
    if shown.empty:
        return
    order = {pid: i for i, pid in enumerate(priority)}
    ranked = shown.assign(_r=[(order.get(i, len(order)), _KIND_RANK.get(k, 9)) for i, k in zip(shown.id, shown.kind)])
    ranked = ranked.sort_values("_r", kind="stable")
    sizes = [9 if k == "capital" else 7 if k == "city" else 6 for k in shown.kind]
    index = m.trace(
        shown.lon.tolist(),
        shown.lat.tolist(),
        m.words["town"],
        mode="markers+text",
        marker=dict(
            size=sizes,
            color=m.c["text"],
            symbol=["square" if k == "capital" else "circle" for k in shown.kind],
            line=dict(color=m.c["background"], width=1.2),
        ),
        text=[""] * len(shown),
        hovertext=[escape(m.place_name(r)) for r in shown.itertuples()],
        hoverinfo="text",
        legendrank=40,
        meta="places",
    )
    label_points(m, shown, ranked, index, sizes)


def label_points(m: MapCanvas, shown: pd.DataFrame, ranked: pd.DataFrame, index: int, sizes: Sequence[float]) -> None:
    """Keep labels off the markers of trace ``index`` and request a label per point, in ``ranked`` order."""
    px, py = m.to_px(shown.lon.to_numpy(), shown.lat.to_numpy())
    for x, y, s in zip(px, py, sizes):
        m.obstacle(Box(x - s / 2 - 1, y - s / 2 - 1, x + s / 2 + 1, y + s / 2 + 1))
    for row in ranked.itertuples():
        i = int(shown.index[shown.id == row.id][0])
        strong = row.kind == "capital" or row.id in STORY_TOWNS
        text = escape(m.place_name(row))
        m.labels.append(
            Label(
                float(px[i]),
                float(py[i]),
                (f"<b>{text}</b>" if strong else text,),
                around(sizes[i] / 2 + 2),
                size=13 if row.kind == "capital" else 12,
                may_displace=True,
                clearance=_TOUCH,
                key=dict(kind="place", trace=index, index=i),
            )
        )


def approximate(m: MapCanvas, approx: pd.DataFrame) -> None:
    """Draw approximate places as an open marker in a shaded disc of their uncertainty, with their events."""
    if approx.empty:
        return
    c = m.c
    ring_lon: list[Any] = []
    ring_lat: list[Any] = []
    for row in approx.itertuples():
        lon, lat = geometry.circle(row.lon, row.lat, row.precision_m / 1000)
        ring_lon += [*lon, None]
        ring_lat += [*lat, None]
    m.trace(
        ring_lon[:-1],
        ring_lat[:-1],
        m.words["approx"],
        # A shaded disc of the uncertainty radius reads as "somewhere in here".
        line=dict(color=c["highlight"], width=1),
        fill=_rgba(c["highlight"], 0.18),
        legendgroup="approx",
        showlegend=False,
        meta="approx:circle",
        hoverinfo="skip",
    )
    index = m.trace(
        approx.lon.tolist(),
        approx.lat.tolist(),
        m.words["approx"],
        mode="markers+text",
        marker=dict(size=8, symbol="circle-open", color=c["highlight"], line=dict(width=2, color=c["highlight"])),
        text=[""] * len(approx),
        legendgroup="approx",
        legendrank=50,
        meta="approx",
        hovertext=[escape(f"{m.place_name(r)} (±{r.precision_m / 1000:g} km)") for r in approx.itertuples()],
        hoverinfo="text",
    )
    for i, row in enumerate(approx.itertuples()):
        happened = m.drawn_events[m.drawn_events.place_id == row.id]
        lines = [
            "<br>".join(textwrap.wrap(escape(e.title), 24)) + "<br>" + fmt.date(e.date) for e in happened.itertuples()
        ]
        lines = lines or [escape(m.place_name(row))]
        text = "<br>".join(lines) + f"<br><i>{m.words['approx_label']} ±{row.precision_m / 1000:g} km</i>"
        px, py = m.to_px(row.lon, row.lat)
        r_px = row.precision_m / 1000 / m.geo_frame.km_per_px(row.lat)
        m.obstacle(Box(px - r_px, py - r_px, px + r_px, py + r_px))
        m.labels.insert(
            0,
            Label(
                float(px),
                float(py),
                (text,),
                tuple(spot_at(p, r_px + 3) for p in _APPROX_POSITIONS),
                size=12,
                may_displace=True,
                clearance=_TOUCH,
                key=dict(kind="place", trace=index, index=i),
            ),
        )


def distance_line(m: MapCanvas, place: Any, near: tuple[float, float], km: float) -> None:
    """Draw a dotted line from a place to the nearest point of the border, labelled with the distance."""
    m.trace(
        [round(place.lon, 4), round(near[0], 4)],
        [round(place.lat, 4), round(near[1], 4)],
        "Distance to the border",
        line=dict(color=m.c["text"], width=1.5, dash="dot"),
        showlegend=False,
        meta=f"distance:{place.id}:{km:.1f}",
        hoverinfo="skip",
    )
    mid = ((place.lon + near[0]) / 2, (place.lat + near[1]) / 2)
    px, py = m.to_px(*mid)
    text = f"{km:.0f} km to the<br>Ukrainian border" if m.lang == "en" else f"{km:.0f} км до<br>кордону України"
    positions = ("bottom right", "bottom left", "middle right", "top right", "middle left")
    m.labels.insert(
        0,
        Label(
            float(px),
            float(py),
            (text,),
            tuple(spot_at(p, 6) for p in positions),
            size=11.5,
            may_displace=True,
            clearance=_TOUCH,
            key=dict(kind="note"),
        ),
    )


def _rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"
