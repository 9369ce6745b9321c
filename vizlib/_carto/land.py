"""Land: countries, highlighted oblasts, and borders (strong for land borders, thin for coasts)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from vizlib import data
from vizlib._carto import geometry
from vizlib.errors import DataError, Problem

if TYPE_CHECKING:
    from vizlib._carto.mapcanvas import MapCanvas


def fill(m: MapCanvas, highlight: Sequence[str]) -> None:
    """Draw the land beyond the regions file, the three countries and the highlighted oblasts.

    Raises
    ------
    vizlib.DataError
        If a highlighted code is not an oblast of the regions.
    """
    r, c = m.regions, m.c
    _background(m)
    countries = r[r.level == "country"].set_index("iso_3166_2")
    from vizlib._carto import legend

    for code, fill in (("BY", "other_land"), ("RU", "russia_land"), ("UA", "ukraine_land")):
        if code in countries.index and legend.visible(m, code):
            lon, lat = geometry.fill_path(_visible(m, [countries.geometry[code]]), m.decimals)
            m.trace(
                lon,
                lat,
                m.region_name(code),
                fill=c[fill],
                line=dict(width=0),
                legendrank=10,
                showlegend=code != "BY" and m.region_name(code) not in m.unkeyed,
                meta=f"land:{code}",
            )
    admin = r[r.level == "admin1"]
    for code in highlight:
        row = admin[admin.iso_3166_2 == code]
        if row.empty:
            raise DataError([Problem("regions", None, "iso_3166_2", f"no region {code!r} to highlight")])
        key = "ukraine_land_highlight" if row.country.iloc[0] == "UA" else "russia_land_highlight"
        lon, lat = geometry.fill_path(_visible(m, list(row.geometry)), m.decimals)
        m.trace(
            lon,
            lat,
            m.word("highlighted").format(m.region_name(code)),
            fill=c[key],
            line=dict(width=0),
            legendrank=20,
            meta=f"highlight:{code}",
        )


def _visible(m: MapCanvas, geoms: Sequence[Any]) -> list[Any]:
    """Clip to the view and drop detail under half a pixel, as the borders drawn over them are."""
    import shapely

    return [shapely.simplify(g, m.tolerance) for g in m.clipped(geoms)]


def borders(m: MapCanvas, border_width: float = 1.6) -> None:
    """Draw oblast borders, coasts (thin and muted) and land borders between countries (strong), over the fills."""
    frame = (m.clip, m.tolerance, m.decimals)
    lines = _bundled_border_lines(*frame) if m.bundled_regions else _border_lines(m.regions, *frame)
    c = m.c
    name, path = lines[0]
    lines = ((name, _without_stubs(m, path)), *lines[1:])
    # oblast lines, coasts thin and muted (so that only land borders read as borders), land borders strong
    for (name, (lon, lat)), colour, width in zip(
        lines, (c["border"], c["muted"], c["country_border"]), (0.8, 0.6, border_width), strict=True
    ):
        m.trace(
            lon, lat, f"{name} borders", line=dict(color=colour, width=width), showlegend=False, meta=f"borders:{name}"
        )
    _keep_names_off(m, lines[-1][1], border_width)


#: Pixels of oblast lines, joined to each other, a map must show to draw them: a sliver alone at the map's edge
#: (15 px of the Donetsk oblast line on the Kurakhove phone map) read as a stray tick.
_STUB_PX = 30


def _without_stubs(m: MapCanvas, path: tuple[list, list]) -> tuple[list, list]:
    """Return the None-separated ``path`` without the lines that, with those they join, show under :data:`_STUB_PX`.

    A short run between two junctions of a network of lines stays; runs wholly outside the plot go.
    """
    import numpy as np
    import shapely

    plot = shapely.box(*m.geo_frame.box)
    lon = np.array([np.nan if v is None else v for v in path[0]], float)
    lat = np.array([np.nan if v is None else v for v in path[1]], float)
    runs = [r[~np.isnan(r[:, 0])] for r in np.split(np.column_stack([lon, lat]), np.flatnonzero(np.isnan(lon)))]
    runs = [r for r in runs if len(r) > 1]
    seen = [shapely.LineString(np.column_stack(m.to_px(r[:, 0], r[:, 1]))).intersection(plot) for r in runs]
    # the runs seen, grouped with every run they touch (a network of oblast lines is one group)
    groups: list[set[int]] = []
    for i, part in enumerate(seen):
        if not part.is_empty:
            joined = [g for g in groups if any(part.distance(seen[j]) < 0.5 for j in g)]
            groups = [g for g in groups if g not in joined] + [set().union({i}, *joined)]
    kept = sorted(i for g in groups if sum(seen[j].length for j in g) >= _STUB_PX for i in g)
    lon_out: list = []
    lat_out: list = []
    for i in kept:
        lon_out += ([None] if lon_out else []) + runs[i][:, 0].tolist()
        lat_out += ([None] if lat_out else []) + runs[i][:, 1].tolist()
    return lon_out, lat_out


def _keep_names_off(m: MapCanvas, path: tuple[list, list], width: float) -> None:
    """Keep names from crossing the land borders where they have room: a name across one reads as the other side's."""
    import numpy as np

    from vizlib._labels import along

    lon, lat = (np.array([np.nan if v is None else v for v in values], float) for values in path)
    if not len(lon):
        return
    px, py = m.to_px(lon, lat)
    x0, y0, x1, y1 = m.geo_frame.box
    for k in np.flatnonzero(~np.isnan(px[:-1]) & ~np.isnan(px[1:])):
        xa, ya, xb, yb = px[k], py[k], px[k + 1], py[k + 1]
        if max(xa, xb) >= x0 and min(xa, xb) <= x1 and max(ya, yb) >= y0 and min(ya, yb) <= y1:
            boxes = along(float(xa), float(ya), float(xb), float(yb), half_width=width / 2, step=8)
            m.obstacle(*boxes, thin=True)
            m.state_border += boxes


Lines = tuple[tuple[str, tuple[list, list]], ...]


@functools.lru_cache(maxsize=64)
def _bundled_border_lines(clip: tuple[float, ...], tolerance: float, decimals: int) -> Lines:
    """:func:`_border_lines` of the bundled regions, kept per frame (the sizes, themes and languages of a map)."""
    return _border_lines(data.regions(), clip, tolerance, decimals, shared=_bundled_shared_edges())


@functools.cache
def _bundled_shared_edges() -> Any:
    """:func:`_shared_edges` of the bundled regions, worked out once per process."""
    r = data.regions()
    return _shared_edges(r[r.level == "country"].set_index("iso_3166_2"))


def _border_lines(r: Any, clip: tuple[float, ...], tolerance: float, decimals: int, shared: Any = None) -> Lines:
    """Return the lon/lat paths of the oblast borders, the coasts and the land borders inside ``clip``.

    Oblast lines leave out the land borders drawn over them at twice the width; coasts are the
    countries' outlines that are no land border. ``shared``: the countries' shared edges, when known.
    """
    import shapely

    countries = r[r.level == "country"].set_index("iso_3166_2")
    shared = _shared_edges(countries) if shared is None else shared
    admin = r[r.level == "admin1"]
    # the regions file is clipped to a frame: its cut edges are no borders
    cut = shapely.box(*r.total_bounds).exterior.buffer(1e-4)
    outlines = geometry.shared_lines(geometry.clip_to(list(countries.geometry), clip)).difference(cut)
    land_borders = outlines.intersection(_neighbours(countries, clip, shared))
    under_land_borders = land_borders.buffer(1e-6)
    oblast_lines = geometry.shared_lines(geometry.clip_to(list(admin.geometry), clip)).difference(cut)
    return tuple(
        (name, geometry.line_path([lines.simplify(tolerance)], decimals))
        for name, lines in (
            ("admin1", oblast_lines.difference(under_land_borders)),
            ("coast", outlines.difference(under_land_borders)),
            ("country", land_borders),
        )
    )


def _neighbours(countries: Any, clip: tuple[float, ...], shared: Any) -> Any:
    """Return an area covering every land border of the countries drawn, and no coast.

    The countries of the regions file come from one coverage, so their ``shared`` edges match
    exactly (:func:`_shared_edges`); neighbours beyond it come from the coarse locator.
    """
    import shapely

    loc = data.locator()
    beyond = loc[~loc.iso_a2.isin(list(countries.index))].geometry.clip(shapely.box(*clip))
    return shapely.union_all([shared, *(g.buffer(0.15) for g in beyond)])


def _shared_edges(countries: Any) -> Any:
    """Return the edges the countries share (their land borders with each other), buffered to an area."""
    import shapely

    edges = []
    for code, shape in countries.geometry.items():
        others = shapely.union_all([g for c, g in countries.geometry.items() if c != code])
        edges.append(shape.boundary.intersection(others.buffer(1e-6)))
    return shapely.union_all([e.buffer(1e-6) for e in edges])


def _background(m: MapCanvas) -> None:
    """Coarse outlines of the land beyond the regions file's frame (overview maps only)."""
    minx, miny, maxx, maxy = m.regions.total_bounds
    v = m.geo_frame.visible_bounds()
    if v[0] >= minx and v[1] >= miny and v[2] <= maxx and v[3] <= maxy:
        return
    loc = data.locator()
    for key, part, colour in (
        ("other", loc[~loc.iso_a2.isin(["UA", "RU", "BY"])], "other_land"),
        ("RU", loc[loc.iso_a2 == "RU"], "russia_land"),
    ):
        geoms = [g for g in m.clipped(list(part.geometry)) if not g.is_empty]
        lon, lat = geometry.fill_path(geoms, decimals=2)
        if lon:
            m.trace(
                lon,
                lat,
                f"Background {key}",
                fill=m.c[colour],
                line=dict(color=m.c["border"], width=0.5),
                showlegend=False,
                meta=f"background:{key}",
            )
