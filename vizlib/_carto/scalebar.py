"""A scale bar of a round length in kilometres, placed in pixels and drawn in lon/lat."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from vizlib._carto.lettering import halo
from vizlib._carto.projection import Frame
from vizlib._labels import Box
from vizlib._text import text_size

if TYPE_CHECKING:
    from vizlib._carto.mapcanvas import MapCanvas

#: The scale bar's label size (px).
LABEL_PX = 11
_NICE_KM = (5, 10, 20, 25, 50, 100, 150, 200, 250, 500, 1000)


def scale_bar(frame: Frame, at: tuple[float, float], fraction: float = 0.16):
    """Return a horizontal scale bar of a round length starting at pixel ``at``.

    Returns
    -------
    dict
        ``km`` (the length), ``lon``/``lat`` of the bar with end ticks
        (None-separated), ``label_lonlat`` and the pixel box it covers.
    """
    px, py = at
    lat = float(frame.to_lonlat(px, py)[1])
    km_px = frame.km_per_px(lat)
    width_km = (frame.box[2] - frame.box[0]) * km_px
    km = max([v for v in _NICE_KM if v <= width_km * fraction] or [_NICE_KM[0]])
    length = km / km_px
    xs = px + length * np.linspace(0, 1, 5)
    tick = 4
    pts_x = [*xs, None, px, px, None, px + length, px + length]
    pts_y = [*(py for _ in xs), None, py - tick, py + tick, None, py - tick, py + tick]
    lon: list[float | None] = []
    lat_: list[float | None] = []
    for x, y in zip(pts_x, pts_y):
        if x is None:
            lon.append(None)
            lat_.append(None)
        else:
            lo, la = frame.to_lonlat(x, y)
            lon.append(round(float(lo), 4))
            lat_.append(round(float(la), 4))
    label = frame.to_lonlat(px + length / 2, py - 11)
    half = max(length, text_size(f"{km} km", LABEL_PX)[0]) / 2  # a short bar's label is wider than the bar
    return dict(
        km=km,
        lon=lon,
        lat=lat_,
        label_lonlat=(float(label[0]), float(label[1])),
        box=(px + length / 2 - half - 2, py - 20, px + length / 2 + half + 2, py + tick + 2),
    )


#: The statuses of a change map's ground a bar in the text colour would vanish on (dark red, under a dark bar).
_KEEP_OFF = ("taken", "retaken")


def draw(m: MapCanvas) -> None:
    """Draw a scale bar in a bottom corner of the map, clear of its marks, and keep labels clear of it.

    The bottom left is first choice; the bottom right, then the top left, when marks (town dots,
    a note's marker, a locator inset) stand in the bar's way there, or the ground a change map is about
    (the phone's bar stood on the dark red of the ground taken, and could not be read), or a state
    border (the theatre phone's struck through "200 km").
    """
    x0, y0, x1, y1 = m.geo_frame.box  # the map (of the first panel of its last row of panels)
    first = scale_bar(m.geo_frame, (x0 + 14, y1 - 16))
    reach = first["box"][2] - (x0 + 14)  # from the bar's start to its box's right side
    bars = [scale_bar(m.geo_frame, at) for at in ((x0 + 14, y1 - 16), (x1 - 14 - reach, y1 - 16), (x0 + 14, y0 + 26))]
    clear = [bar for bar in bars if not any(Box(*bar["box"]).overlaps(o) for o in m.obstacles)]

    def worse(bar: dict) -> tuple[bool, bool]:
        """On the ground a change map is about; across a state border (its line struck through "200 km")."""
        box = Box(*bar["box"])
        return _on_change(m, box), any(box.overlaps(b) for b in m.state_border)

    bar = min(clear, key=worse) if clear else first  # the first of the best: the bottom left where it is as good
    m.obstacle(Box(*bar["box"]))
    m.trace(
        bar["lon"],
        bar["lat"],
        f"Scale: {bar['km']} km",
        line=dict(color=m.c["text"], width=2),
        showlegend=False,
        meta=f"scalebar:{bar['km']}",
        hoverinfo="skip",
    )
    m.trace(
        [round(bar["label_lonlat"][0], 4)],
        [round(bar["label_lonlat"][1], 4)],
        "Scale label",
        mode="text",
        text=[m.t("{km} km", km=m.t.number(bar["km"]))],
        textposition="middle center",
        textfont=dict(size=LABEL_PX, color=m.c["text"], shadow=halo(m.c)),  # a line under it still breaks for it
        showlegend=False,
        meta="scalebar:label",
        hoverinfo="skip",
    )


def _on_change(m: MapCanvas, box: Box) -> bool:
    """Tell whether ``box`` (figure pixels) touches the ground of a change map's ``_KEEP_OFF`` statuses."""
    if m.layer is None:
        return False
    ground = m.layer[m.layer.status.isin(_KEEP_OFF)]
    if ground.empty:
        return False
    import shapely

    lon, lat = m.geo_frame.to_lonlat(
        np.array([box.x0, box.x1, box.x1, box.x0]), np.array([box.y0, box.y0, box.y1, box.y1])
    )
    return bool(ground.geometry.intersects(shapely.Polygon(np.column_stack([lon, lat]))).any())
