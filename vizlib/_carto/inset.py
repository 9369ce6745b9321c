"""The locator inset: the main map's area on a globe from Europe to North Korea."""

from __future__ import annotations

from typing import TYPE_CHECKING

import shapely

from vizlib import data
from vizlib._carto import geometry
from vizlib._carto.projection import NO_BASE_MAP
from vizlib.meta import escape

if TYPE_CHECKING:
    from vizlib._carto.mapcanvas import MapCanvas


def draw(m: MapCanvas) -> None:
    """Draw the locator inset in the box the frame kept for it, with Pyongyang marked."""
    c, plot, box = m.c, m.plot, m.inset_box
    if box is None:
        raise RuntimeError("frame the map with inset=True before drawing the inset")
    x0, y0, x1, y1 = plot.x0, plot.y0, plot.x1, plot.y1
    narrow = m.size == "phone" or m.preset.card  # an inset of ~90 px (a phone's) or in a card's large type
    dom = dict(x=[(box.x0 - x0) / (x1 - x0), 1], y=[1 - (box.y1 - y0) / (y1 - y0), 1])
    m.fig.update_layout(
        geo2=dict(
            **NO_BASE_MAP,
            bgcolor=c["background"],
            projection=dict(type="natural earth", rotation=dict(lon=62)),
            # a narrow inset: from Ukraine to Korea only, with room under Pyongyang for its name
            lonaxis=dict(range=[14, 146] if narrow else [-12, 140]),
            lataxis=dict(range=[18, 60] if narrow else [30, 72]),
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
            # under the dot in a narrow inset: above it, the name would run over the main map's frame
            textposition="bottom left" if narrow else "top left",
            textfont=dict(size=11, color=c["text"]),
            showlegend=False,
            meta="inset:pyongyang",
            hoverinfo="text",
        )
    m.shape(
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


def oblast(m: MapCanvas, codes: list[str]) -> None:
    """Draw a locator inset of the oblasts ``codes`` (and their neighbours), with the main map's area marked."""
    c, plot, box = m.c, m.plot, m.inset_box
    if box is None:
        raise RuntimeError("frame the map with inset=True before drawing the inset")
    x0, y0, x1, y1 = plot.x0, plot.y0, plot.x1, plot.y1
    dom = dict(x=[(box.x0 - x0) / (x1 - x0), 1], y=[1 - (box.y1 - y0) / (y1 - y0), 1])
    _blank(m)
    admin = m.regions[m.regions.level == "admin1"]
    focus = shapely.union_all(list(admin[admin.iso_3166_2.isin(codes)].geometry))
    minx, miny, maxx, maxy = focus.buffer(0.3).bounds
    m.fig.update_layout(
        geo2=dict(
            **NO_BASE_MAP,
            bgcolor=c["background"],
            projection=dict(type="mercator"),
            lonaxis=dict(range=[round(minx, 2), round(maxx, 2)]),
            lataxis=dict(range=[round(miny, 2), round(maxy, 2)]),
            domain=dom,
        )
    )
    view = shapely.box(minx - 1, miny - 1, maxx + 1, maxy + 1)
    countries = m.regions[m.regions.level == "country"]
    for code, colour in (("RU", "russia_land"), ("UA", "ukraine_land")):
        part = countries[countries.iso_3166_2 == code].geometry.intersection(view)
        lon, lat = geometry.fill_path(part.simplify(0.02), decimals=2)
        m.trace(
            lon,
            lat,
            f"Locator {code}",
            geo="geo2",
            fill=c[colour],
            line=dict(width=0),
            showlegend=False,
            meta=f"inset:{code}",
            hoverinfo="skip",
        )
    lon, lat = geometry.fill_path([focus.simplify(0.01)], decimals=2)
    m.trace(
        lon,
        lat,
        "Locator oblast",
        geo="geo2",
        fill=c["ukraine_land_highlight"],
        line=dict(width=0),
        showlegend=False,
        meta="inset:oblast",
        hoverinfo="skip",
    )
    if m.layer is not None:
        occupied = m.layer[m.layer.status == "occupied"].geometry.intersection(view)
        lon, lat = geometry.fill_path(occupied.simplify(0.02), decimals=2)
        if lon:
            m.trace(
                lon,
                lat,
                "Locator occupied",
                geo="geo2",
                fill=c["occupied"],
                line=dict(width=0),
                showlegend=False,
                meta="inset:occupied",
                hoverinfo="skip",
            )
    lon, lat = geometry.line_path([admin[admin.iso_3166_2.isin(codes)].geometry.boundary.union_all()], 2)
    m.trace(
        lon,
        lat,
        "Locator border",
        geo="geo2",
        line=dict(color=c["muted"], width=0.6),
        showlegend=False,
        meta="inset:border",
        hoverinfo="skip",
    )
    # the main map's visible area
    t = [i / 10 for i in range(11)]
    px = [x0 + (x1 - x0) * v for v in t] + [x1] * 11 + [x1 - (x1 - x0) * v for v in t] + [x0] * 11
    py = [y0] * 11 + [y0 + (y1 - y0) * v for v in t] + [y1] * 11 + [y1 - (y1 - y0) * v for v in t]
    lon, lat = m.geo_frame.to_lonlat(px, py)
    m.trace(
        [round(float(v), 3) for v in lon],
        [round(float(v), 3) for v in lat],
        "Area of the main map",
        geo="geo2",
        line=dict(color=c["text"], width=1.6),
        showlegend=False,
        meta="inset:frame",
        hoverinfo="skip",
    )
    m.shape(
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


def _blank(m: MapCanvas) -> None:
    """Paint the inset's box on the main map in the background colour (the inset's map may not fill its box)."""
    b = m.inset_box
    if b is None:
        return
    lon, lat = m.geo_frame.to_lonlat([b.x0, b.x1, b.x1, b.x0, b.x0], [b.y0, b.y0, b.y1, b.y1, b.y0])
    ring = shapely.Polygon(zip(lon, lat))
    lon, lat = geometry.fill_path([ring], decimals=4)
    m.trace(
        lon,
        lat,
        "Inset background",
        fill=m.c["background"],
        line=dict(width=1, color=m.c["background"]),
        showlegend=False,
        meta="inset:blank",
        hoverinfo="skip",
    )
