"""The locator inset: the main map's area on a globe from Europe to North Korea."""

from __future__ import annotations

from vizlib import data
from vizlib._carto import geometry
from vizlib._carto.mapcanvas import MapCanvas
from vizlib._carto.projection import NO_BASE_MAP
from vizlib.meta import escape


def draw(m: MapCanvas) -> None:
    """Draw the locator inset in the box the frame kept for it, with Pyongyang marked."""
    import shapely

    c, plot, box = m.c, m.plot, m.inset_box
    if box is None:
        raise RuntimeError("frame the map with inset=True before drawing the inset")
    x0, y0, x1, y1 = plot.x0, plot.y0, plot.x1, plot.y1
    dom = dict(x=[(box.x0 - x0) / (x1 - x0), 1], y=[1 - (box.y1 - y0) / (y1 - y0), 1])
    m.fig.update_layout(
        geo2=dict(
            **NO_BASE_MAP,
            bgcolor=c["background"],
            projection=dict(type="natural earth", rotation=dict(lon=62)),
            lonaxis=dict(range=[-12, 140]),
            lataxis=dict(range=[30, 72]),
            domain=dom,
        )
    )
    loc = data.locator()
    loc = loc[loc.intersects(shapely.box(-12, 25, 140, 75))]
    groups = [
        ("other", loc[~loc.iso_a2.isin(["UA", "RU", "KP"])], "other_land"),
        ("RU", loc[loc.iso_a2 == "RU"], "russia_land"),
        ("UA", loc[loc.iso_a2 == "UA"], "ukraine_land_highlight"),
        ("KP", loc[loc.iso_a2 == "KP"], "north_korea"),
    ]
    for key, part, colour in groups:
        lon, lat = geometry.fill_path(part.geometry.simplify(0.4), decimals=1)
        m.trace(
            lon,
            lat,
            f"Locator {key}",
            geo="geo2",
            fill=c[colour],
            line=dict(color=c["background"], width=0.4),
            showlegend=False,
            meta=f"inset:{key}",
            hoverinfo="skip",
        )
    # the main map's visible area, as a rectangle on the globe
    t = [i / 10 for i in range(11)]
    px = [x0 + (x1 - x0) * v for v in t] + [x1] * 11 + [x1 - (x1 - x0) * v for v in t] + [x0] * 11
    py = [y0] * 11 + [y0 + (y1 - y0) * v for v in t] + [y1] * 11 + [y1 - (y1 - y0) * v for v in t]
    lon, lat = m.geo_frame.to_lonlat(px, py)
    m.trace(
        [round(float(v), 2) for v in lon],
        [round(float(v), 2) for v in lat],
        "Area of the main map",
        geo="geo2",
        line=dict(color=c["text"], width=1.6),
        showlegend=False,
        meta="inset:frame",
        hoverinfo="skip",
    )
    for row in m.places[m.places.id == "pyongyang"].itertuples():
        name = escape(m.place_name(row))
        m.trace(
            [row.lon],
            [row.lat],
            name,
            geo="geo2",
            mode="markers+text",
            marker=dict(size=6, color=c["text"]),
            text=[name],
            textposition="top left",
            textfont=dict(size=11, color=c["text"]),
            showlegend=False,
            meta="inset:pyongyang",
            hoverinfo="text",
        )
    m.fig.add_shape(
        type="rect",
        xref="paper",
        yref="paper",
        x0=dom["x"][0],
        x1=1,
        y0=dom["y"][0],
        y1=1,
        line=dict(color=c["muted"], width=1),
        layer="above",
    )
