"""Animated maps: one frame per layer date, a date slider with play and pause, offline in the page.

The figure's own traces show the last date (so a static export shows it, and its
note says so); each frame replaces the control areas and the towns' markers with
those of its date.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pandas as pd

from vizlib._carto import geometry
from vizlib._carto.layers import STATUSES
from vizlib._export_formats import STILL_DATE
from vizlib._frames import itertuples
from vizlib._text import text_size

if TYPE_CHECKING:
    from vizlib._carto.mapcanvas import MapCanvas


def frames(m: MapCanvas) -> None:
    """Add a frame per layer date (control areas and town markers of that date), a slider and play/pause."""
    import shapely

    from vizlib._carto import towns

    if not m.animated:
        return
    index = {t.meta: i for i, t in enumerate(m.fig.data)}
    towns_at = index.get("places")
    drawn = m.fig.data[towns_at] if towns_at is not None else None
    noted_at = index.get("noted")
    noted = m.fig.data[noted_at] if noted_at is not None else None
    happened = _first_events(noted, m) if noted is not None else []
    view = shapely.box(*m.clip)
    steps: list[dict[str, Any]] = []
    frames_: list[dict[str, Any]] = []
    for layer in m.layers:
        day = layer["date"].iloc[0].date()
        name = m.t.date(day, "day")  # the footer and note say the year
        updates: list[dict[str, Any]] = []
        targets: list[int] = []
        for kind in STATUSES:
            if f"layer:{kind}" not in index:
                continue
            part = layer[layer.status == kind].geometry
            geoms = [shapely.simplify(g.intersection(view), m.tolerance) for g in part]
            lon, lat = geometry.fill_path(geoms, m.decimals)
            updates.append(dict(type="scattergeo", lon=lon or [None], lat=lat or [None]))
            targets.append(index[f"layer:{kind}"])
        if drawn is not None and towns_at is not None:
            rows = m.held_on(m.shown, day).set_index("id").loc[_ids(drawn, m)].reset_index()
            sizes = list(drawn.marker.size) if isinstance(drawn.marker.size, tuple) else [6] * len(rows)
            held = list(itertuples(rows))
            marker = towns.marker_style(m, [towns.status(r) for r in held], sizes)
            updates.append(dict(type="scattergeo", marker=marker, hovertext=[towns.hover(m, r) for r in held]))
            targets.append(towns_at)
        if noted is not None and noted_at is not None:  # a place's note (the dam's damage) from its event's day
            text = [words if first is None or first <= day else "" for words, first in zip(noted.text, happened)]
            updates.append(dict(type="scattergeo", text=text))
            targets.append(noted_at)
        frames_.append(dict(data=updates, traces=targets, name=name))  # plotly checks dicts once, objects twice
        steps.append(
            dict(
                method="animate",
                label=name,
                args=[[name], dict(mode="immediate", frame=dict(duration=0, redraw=True), transition=dict(duration=0))],
            )
        )
    m.fig.frames = frames_
    play_label, pause_label = "▶", "❚❚"
    play = dict(
        label=play_label,
        method="animate",
        args=[None, dict(frame=dict(duration=700, redraw=True), fromcurrent=True, transition=dict(duration=0))],
    )
    pause = dict(label=pause_label, method="animate", args=[[None], dict(mode="immediate", frame=dict(duration=0))])
    # the slider starts right of the buttons (its current date is drawn at its left end) and keeps
    # room at its right end for half of its widest date, centred on the last tick
    left = (_buttons_px([play_label, pause_label]) + _GAP_PX) / m.plot.width
    widest = max(text_size(f["name"], _TICK_PX)[0] for f in frames_)
    m.fig.update_layout(
        sliders=[
            dict(
                active=len(steps) - 1,
                steps=steps,
                x=left,
                len=1 - left,
                y=0,
                yanchor="top",
                pad=dict(t=4, b=0, l=0, r=max(0, math.ceil(widest / 2 - _STEP_INSET_PX))),
                currentvalue=dict(prefix="", font=dict(size=12, color=m.c["text"])),
                font=dict(size=_TICK_PX),
                bgcolor=m.c["grid"],
                bordercolor=m.c["muted"],
                tickcolor=m.c["muted"],
            )
        ],
        updatemenus=[
            dict(
                type="buttons",
                showactive=False,
                buttons=[play, pause],
                x=0,
                y=0,
                xanchor="left",
                yanchor="top",
                direction="left",
                pad=dict(t=4, r=4),
                font=dict(size=_BUTTON_FONT_PX),
                bgcolor=m.c["background"],
                bordercolor=m.c["muted"],
            )
        ],
    )
    # a still has no slider: its date stands where the buttons were (shown by vizlib's static export)
    m.annotate(
        name=STILL_DATE,
        visible=False,
        text=f"<b>{m.t.date(m.layers[-1]['date'].iloc[0].date())}</b>",
        x=0,
        y=0,
        xref="paper",
        yref="paper",
        xanchor="left",
        yanchor="top",
        yshift=-8,
        showarrow=False,
        font=dict(size=_STILL_DATE_PX, color=m.c["text"]),
    )


#: Font sizes (px) of the slider's dates, of the play/pause buttons and of a still's date.
_TICK_PX, _BUTTON_FONT_PX, _STILL_DATE_PX = 10, 11, 16
#: plotly.js draws a tick this far in from each end of the slider's rail (its ``stepInset``).
_STEP_INSET_PX = 10
#: Room between the buttons and the slider's current date.
_GAP_PX = 8


def _buttons_px(labels: list[str]) -> float:
    """Return the width of a row of plotly buttons: each its text plus 24 px (at least 30), 2 px apart."""
    return sum(max(30.0, text_size(label, _BUTTON_FONT_PX)[0] - 4 + 24) for label in labels) + 2 * (len(labels) - 1)


def _first_events(trace: Any, m: MapCanvas) -> list[Any]:
    """Return the date of the first event drawn at each point of a noted trace (None: a place noted for itself)."""
    first: dict[str, Any] = {}
    for pid, day in zip(m.drawn_events.place_id, pd.to_datetime(m.drawn_events["date"]).dt.date, strict=True):
        first[pid] = min(first.get(pid, day), day)
    return [first.get(pid) for pid in _ids(trace, m, at=trace.customdata)]


def _ids(trace: Any, m: MapCanvas, at: Any = None) -> list[str]:
    """Return the place ids of a town trace's points, matched on coordinates (``at``: lon/lat pairs, not drawn)."""
    where = {(round(lon, 6), round(lat, 6)): pid for pid, lon, lat in zip(m.shown.id, m.shown.lon, m.shown.lat)}
    points = at if at is not None else zip(trace.lon, trace.lat)
    return [where[(round(lon, 6), round(lat, 6))] for lon, lat in points]


def note(m: MapCanvas) -> str:
    """Say, in the footer, what a still of an animated map shows."""
    if not m.animated:
        return ""
    first, last = (layer["date"].iloc[0].date() for layer in (m.layers[0], m.layers[-1]))
    return m.t(
        "Animated from {first} to {last} in the web version; a still shows {last}.",
        first=m.t.date(first),
        last=m.t.date(last),
    )
