"""The locator inset: the main map's area on a globe from Europe to North Korea."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from vizlib import _text, data
from vizlib._carto import geometry
from vizlib._carto.projection import NO_BASE_MAP
from vizlib._frames import itertuples
from vizlib.meta import escape

if TYPE_CHECKING:
    from vizlib._carto.mapcanvas import MapCanvas


#: The globe's lon/lat ranges (degrees): Europe to Japan, or in a narrow inset (a phone's, ~90 px, or a card's
#: in large type) Ukraine to Korea only, with room under Pyongyang for its name (3 px clear of the inset's edge).
GLOBE = {False: ((-12, 140), (30, 72)), True: ((14, 146), (15, 60))}
#: The globe's central meridian (degrees east), between Ukraine and North Korea.
ROTATION = 62


def globe_aspect(m: MapCanvas) -> float:
    """Return the width over the height of the globe inset's map, for the box :meth:`MapCanvas.frame` keeps.

    plotly fits a geo's lon/lat range inside its domain, keeping the projection's proportions: a box of
    other proportions leaves bands beside the globe, through which the main map showed.
    """
    lon, lat = _range_outline(*GLOBE[_narrow(m)])
    x, y = natural_earth(lon, lat, ROTATION)
    return round(float((x.max() - x.min()) / (y.max() - y.min())), 4)


def _range_outline(lons: tuple[float, float], lats: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    """Return the outline plotly.js fits into a geo's domain (``makeRangeBox``), densified, in lon/lat.

    Its corners 0.001° inside the range, three more points along the top and the bottom, and
    great-circle edges between them (d3's, which fits it).
    """
    pad = 0.001
    lon0, lon1, lat0, lat1 = lons[0] + pad, lons[1] - pad, lats[0] + pad, lats[1] - pad
    step = (lon1 - lon0) / 4
    top = [(lon0 + k * step, lat1) for k in range(5)]
    bottom = [(lon1 - k * step, lat0) for k in range(5)]
    corners = np.radians([(lon0, lat0), *top, *bottom])
    v = np.column_stack(
        [
            np.cos(corners[:, 1]) * np.cos(corners[:, 0]),
            np.cos(corners[:, 1]) * np.sin(corners[:, 0]),
            np.sin(corners[:, 1]),
        ]
    )
    t = np.linspace(0, 1, 64)[:, None]
    arcs = []
    for a, b in zip(v[:-1], v[1:], strict=True):
        angle = np.arccos(np.clip(a @ b, -1, 1))
        arcs.append(
            a[None, :] if angle < 1e-12 else (np.sin((1 - t) * angle) * a + np.sin(t * angle) * b) / np.sin(angle)
        )
    xyz = np.concatenate(arcs)
    return np.degrees(np.arctan2(xyz[:, 1], xyz[:, 0])), np.degrees(np.arcsin(xyz[:, 2]))


def natural_earth(lon: np.ndarray, lat: np.ndarray, rotation: float) -> tuple[np.ndarray, np.ndarray]:
    """Project lon/lat (degrees) with the Natural Earth projection about ``rotation`` (d3's, plotly's formula)."""
    lam, phi = np.radians(np.asarray(lon) - rotation), np.radians(np.asarray(lat))
    p2 = phi * phi
    p4 = p2 * p2
    x = lam * (0.8707 - 0.131979 * p2 + p4 * (-0.013791 + p4 * (0.003971 * p2 - 0.001529 * p4)))
    y = phi * (1.007226 + p2 * (0.015085 + p4 * (-0.044475 + 0.028874 * p2 - 0.005916 * p4)))
    return x, y


#: The inset's name of North Korea stands level with its dot where it takes less than this share of the inset's width.
BESIDE_SHARE = 0.4


def _narrow(m: MapCanvas) -> bool:
    return m.size == "phone" or m.preset.card


def draw(m: MapCanvas) -> None:
    """Draw the locator inset in the box the frame kept for it, with North Korea marked at Pyongyang."""
    c, plot, box = m.c, m.plot, m.inset_box
    if box is None:
        raise RuntimeError("frame the map with an inset (inset=its aspect) before drawing the inset")
    x0, y0, x1, y1 = plot.x0, plot.y0, plot.x1, plot.y1
    narrow = _narrow(m)
    dom = dict(x=[(box.x0 - x0) / (x1 - x0), 1], y=[1 - (box.y1 - y0) / (y1 - y0), 1])
    lons, lats = GLOBE[narrow]
    m.fig.update_layout(
        geo2=dict(
            **NO_BASE_MAP,
            bgcolor=c["background"],
            projection=dict(type="natural earth", rotation=dict(lon=ROTATION)),
            lonaxis=dict(range=list(lons)),
            lataxis=dict(range=list(lats)),
            domain=dom,
        )
    )
    loc = data.locator()
    loc = loc[loc.intersects(shapely.box(-12, 25, 140, 75))]
    groups = [
        ("other", loc[~loc.iso_a2.isin(["UA", "RU", "KP"])], "other_land"),
        ("RU", loc[loc.iso_a2 == "RU"], "russia_land"),
        ("UA", loc[loc.iso_a2 == "UA"], "ukraine_land"),  # as the key says (its highlight is an oblast's)
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
    # North Korea is a few pixels across here: a dot in its colour at Pyongyang carries its name
    for row in itertuples(m.places[m.places.id == "pyongyang"]):
        name = escape(m.t("North Korea"))
        # level with its dot where the name is short beside the inset; else under it ("Північна Корея" level with
        # it in the column's inset began 4 px after the main map's frame, and read as the frame's name)
        beside = not narrow and _text.text_size(name, 11)[0] < BESIDE_SHARE * box.width
        m.trace(
            [row.lon],
            [row.lat],
            name,
            geo="geo2",
            mode="markers+text",
            marker=dict(size=7, color=c["north_korea"], line=dict(color=c["background"], width=1)),
            text=[name],
            # above the dot, the name would run over the frame, or begin by it and read as the frame's
            textposition="middle left" if beside else "bottom left",
            textfont=dict(size=11, color=c["text"]),
            showlegend=False,
            meta="inset:pyongyang",
            hovertext=[m.t("North Korea ({capital})", capital=escape(m.place_name(row)))],
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


def oblast_aspect(m: MapCanvas, codes: list[str]) -> float:
    """Return the width over the height of the oblast inset's map (see :func:`globe_aspect`)."""
    lon, lat = _range_outline(*_oblast_ranges(_focus(m, codes).buffer(0.3).bounds))
    y = np.log(np.tan(np.pi / 4 + np.radians(lat) / 2))  # Mercator
    return round(float((np.radians(lon).max() - np.radians(lon).min()) / (y.max() - y.min())), 4)


def _oblast_ranges(bounds: tuple[float, ...]) -> tuple[tuple[float, float], tuple[float, float]]:
    """Return the lon and lat ranges of the oblast inset, ``bounds`` (its oblasts and 0.3° around) rounded."""
    minx, miny, maxx, maxy = bounds
    return (round(minx, 2), round(maxx, 2)), (round(miny, 2), round(maxy, 2))


def _focus(m: MapCanvas, codes: list[str]) -> Any:
    admin = m.regions[m.regions.level == "admin1"]
    return shapely.union_all(list(admin[admin.iso_3166_2.isin(codes)].geometry))


def oblast(m: MapCanvas, codes: list[str]) -> None:
    """Draw a locator inset of the oblasts ``codes`` (and their neighbours), with the main map's area marked."""
    c, plot, box = m.c, m.plot, m.inset_box
    if box is None:
        raise RuntimeError("frame the map with an inset (inset=its aspect) before drawing the inset")
    x0, y0, x1, y1 = plot.x0, plot.y0, plot.x1, plot.y1
    dom = dict(x=[(box.x0 - x0) / (x1 - x0), 1], y=[1 - (box.y1 - y0) / (y1 - y0), 1])
    _blank(m)
    focus = _focus(m, codes)
    minx, miny, maxx, maxy = bounds = focus.buffer(0.3).bounds
    (lon0, lon1), (lat0, lat1) = _oblast_ranges(bounds)
    m.fig.update_layout(
        geo2=dict(
            **NO_BASE_MAP,
            bgcolor=c["background"],
            projection=dict(type="mercator"),
            lonaxis=dict(range=[lon0, lon1]),
            lataxis=dict(range=[lat0, lat1]),
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
    # the highlight's colour only where the main map highlights the oblast too (and so keys it); else its land's
    lit = set(codes) <= set(m.highlight)
    m.trace(
        lon,
        lat,
        "Locator oblast",
        geo="geo2",
        fill=c["ukraine_land_highlight" if lit else "ukraine_land"],
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
    admin = m.regions[m.regions.level == "admin1"]
    lon, lat = geometry.line_path([admin[admin.iso_3166_2.isin(codes)].geometry.boundary.union_all()], 2)
    m.trace(
        lon,
        lat,
        "Locator border",
        geo="geo2",
        line=dict(color=c["muted"], width=0.6 if lit else 1),
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
