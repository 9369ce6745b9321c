"""Private geometry helpers for :mod:`vizlib.maps`.

Shapely geometry to plotly lon/lat line arrays, the conic conformal
projection plotly.js uses (so that a map can be framed, and labels and a
scale bar placed, in screen pixels before plotly draws it), and a tiny
deterministic label placer. Heavy imports stay inside functions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

EARTH_KM = 6371.0088
DECIMALS = 3  # ~100 m: finer than a pixel at any of the house sizes

#: Label positions tried in order (plotly ``textposition`` values).
POSITIONS = (
    "middle right",
    "middle left",
    "top center",
    "bottom center",
    "top right",
    "bottom right",
    "top left",
    "bottom left",
)


# --------------------------------------------------------------- geometry


def polygons(geom):
    """Yield the polygons of a (Multi)Polygon or geometry collection."""
    if geom is None or geom.is_empty:
        return
    if geom.geom_type == "Polygon":
        yield geom
    elif hasattr(geom, "geoms"):
        for part in geom.geoms:
            yield from polygons(part)


def fill_path(geoms, decimals: int = DECIMALS) -> tuple[list, list]:
    """Return None-separated lon/lat of the polygons' exterior rings, clockwise.

    plotly.js fills ``fill="toself"`` geo lines with d3's spherical rule, where
    a counter-clockwise ring means "the whole globe but this"; clockwise
    exteriors fill the inside. Holes are left out: the maps paint the regions
    that fill them on top.
    """
    import shapely

    rings = []
    for geom in geoms:
        for poly in polygons(geom):
            poly = shapely.orient_polygons(poly, exterior_cw=True)
            rings.append(np.asarray(poly.exterior.coords))
    return _join(rings, decimals)


def line_path(geoms, decimals: int = DECIMALS) -> tuple[list, list]:
    """Return None-separated lon/lat of line geometries (or polygon boundaries)."""
    import shapely

    parts = []
    for geom in geoms:
        if geom is None or geom.is_empty:
            continue
        if geom.geom_type in ("Polygon", "MultiPolygon"):
            geom = geom.boundary
        for line in getattr(geom, "geoms", [geom]):
            if isinstance(line, shapely.LineString) and not line.is_empty:
                parts.append(np.asarray(line.coords))
    return _join(parts, decimals)


def shared_lines(geoms):
    """Return each border between the given polygons once, merged into long lines."""
    import shapely

    boundaries = [g.boundary for g in geoms if g is not None and not g.is_empty]
    return shapely.line_merge(shapely.union_all(boundaries))


def _join(parts, decimals):
    lon: list = []
    lat: list = []
    for coords in parts:
        coords = np.round(coords[:, :2], decimals)
        # drop consecutive duplicates made by rounding
        keep = np.ones(len(coords), bool)
        keep[1:] = np.any(np.diff(coords, axis=0) != 0, axis=1)
        coords = coords[keep]
        if len(coords) < 2:
            continue
        lon += [float(v) for v in coords[:, 0]] + [None]
        lat += [float(v) for v in coords[:, 1]] + [None]
    return lon[:-1], lat[:-1]


def circle(lon: float, lat: float, radius_km: float, n: int = 48) -> tuple[list, list]:
    """Return lon/lat of a geodesic circle (a closed ring) around a point."""
    bearings = np.radians(np.linspace(0, 360, n + 1))
    d = radius_km / EARTH_KM
    p1, l1 = math.radians(lat), math.radians(lon)
    p2 = np.arcsin(np.sin(p1) * np.cos(d) + np.cos(p1) * np.sin(d) * np.cos(bearings))
    l2 = l1 + np.arctan2(np.sin(bearings) * np.sin(d) * np.cos(p1), np.cos(d) - np.sin(p1) * np.sin(p2))
    return (np.round(np.degrees(l2), 4).tolist(), np.round(np.degrees(p2), 4).tolist())


def distance_km(lon: float, lat: float, geom) -> tuple[float, tuple[float, float]]:
    """Return the distance from a point to a geometry, and the nearest point.

    Measured in an azimuthal equidistant projection centred on the point,
    so the distance is true (spherical) whatever the direction.
    """
    import shapely
    from pyproj import Transformer

    aeqd = f"+proj=aeqd +lat_0={lat} +lon_0={lon} +R={EARTH_KM * 1000} +units=m"
    fwd = Transformer.from_crs("EPSG:4326", aeqd, always_xy=True)
    projected = shapely.transform(geom, lambda xy: np.column_stack(fwd.transform(xy[:, 0], xy[:, 1])))
    nearest = shapely.ops.nearest_points(projected, shapely.Point(0, 0))[0]
    back = fwd.transform(nearest.x, nearest.y, direction="INVERSE")
    return math.hypot(nearest.x, nearest.y) / 1000, (back[0], back[1])


# ------------------------------------------------------------- projection


#: A geo subplot with plotly's own base map switched off: nothing for plotly.js to fetch.
NO_BASE_MAP = dict(
    visible=False,
    showland=False,
    showcountries=False,
    showcoastlines=False,
    showframe=False,
    showlakes=False,
    showocean=False,
    showrivers=False,
    showsubunits=False,
)


@dataclass(frozen=True)
class Frame:
    """A conic conformal view framed on the data, with its pixel mapping.

    Mirrors plotly.js (``Geo.updateProjection``): the projection's central
    meridian is the middle of ``lon_range``; the scale fits the projected
    bounding box of the lon/lat range box into ``box`` (the geo domain in
    pixels); then the map is translated so that ``layout.geo.center``, which
    defaults to the middle of both ranges, lands on the middle of ``box``.
    Under a conic projection the middle latitude does not project to the
    middle of the range box (parallels are arcs), hence that last shift.
    """

    lon_range: tuple[float, float]
    lat_range: tuple[float, float]
    parallels: tuple[float, float]
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 in figure pixels, y down

    @property
    def lon0(self) -> float:
        return (self.lon_range[0] + self.lon_range[1]) / 2

    def geo(self) -> dict:
        """Return the plotly ``layout.geo`` settings for this frame (no base map)."""
        return dict(
            **NO_BASE_MAP,
            projection=dict(
                type="conic conformal", parallels=list(self.parallels), rotation=dict(lon=round(self.lon0, 4), lat=0)
            ),
            lonaxis=dict(range=[round(v, 4) for v in self.lon_range]),
            lataxis=dict(range=[round(v, 4) for v in self.lat_range]),
            domain=dict(x=[0, 1], y=[0, 1]),
        )

    @property
    def center(self) -> tuple[float, float]:
        """The lon/lat plotly.js puts in the middle of ``box`` (its default ``geo.center``)."""
        return self.lon0, (self.lat_range[0] + self.lat_range[1]) / 2

    # plotly.js scales the range box to fit the domain, then centres geo.center in it
    def _fit(self):
        x, y = _range_box_xy(self)
        x0, y0, x1, y1 = self.box
        k = min((x1 - x0) / (x.max() - x.min()), (y1 - y0) / (y.max() - y.min()))
        mx, my = lcc(*self.center, self.lon0, self.parallels)
        return k, float(mx), float(my), (x0 + x1) / 2, (y0 + y1) / 2

    def to_px(self, lon, lat):
        """Project lon/lat (scalars or arrays) to figure pixels (y down)."""
        k, bcx, bcy, cx, cy = self._fit()
        x, y = lcc(np.asarray(lon, float), np.asarray(lat, float), self.lon0, self.parallels)
        return cx + k * (x - bcx), cy - k * (y - bcy)

    def to_lonlat(self, px, py):
        """Invert :meth:`to_px`."""
        k, bcx, bcy, cx, cy = self._fit()
        x = bcx + (np.asarray(px, float) - cx) / k
        y = bcy - (np.asarray(py, float) - cy) / k
        return lcc_inverse(x, y, self.lon0, self.parallels)

    def km_per_px(self, lat: float) -> float:
        """Ground kilometres per pixel along a parallel at ``lat``."""
        k, *_ = self._fit()
        return EARTH_KM / (k * scale_factor(lat, self.parallels))

    def visible_bounds(self) -> tuple[float, float, float, float]:
        """Return lon/lat bounds of everything visible in the box."""
        x0, y0, x1, y1 = self.box
        t = np.linspace(0, 1, 25)
        px = np.concatenate([x0 + (x1 - x0) * t, np.full_like(t, x1), x1 - (x1 - x0) * t, np.full_like(t, x0)])
        py = np.concatenate([np.full_like(t, y0), y0 + (y1 - y0) * t, np.full_like(t, y1), y1 - (y1 - y0) * t])
        lon, lat = self.to_lonlat(px, py)
        return float(lon.min()), float(lat.min()), float(lon.max()), float(lat.max())


def _n_f(parallels):
    f1, f2 = (math.radians(v) for v in parallels)
    t = lambda f: math.tan(math.pi / 4 + f / 2)  # noqa: E731
    n = math.sin(f1) if abs(f1 - f2) < 1e-9 else math.log(math.cos(f1) / math.cos(f2)) / math.log(t(f2) / t(f1))
    return n, math.cos(f1) * t(f1) ** n / n


def lcc(lon, lat, lon0, parallels):
    """Spherical Lambert conformal conic, as d3.geoConicConformal (y up)."""
    n, f = _n_f(parallels)
    rho = f / np.tan(np.pi / 4 + np.radians(lat) / 2) ** n
    lam = np.radians(((np.asarray(lon) - lon0 + 180) % 360) - 180)
    return rho * np.sin(n * lam), -rho * np.cos(n * lam)


def lcc_inverse(x, y, lon0, parallels):
    """Invert :func:`lcc`."""
    n, f = _n_f(parallels)
    rho = np.sign(n) * np.hypot(x, y)
    lam = np.arctan2(x, -y) / n
    lat = 2 * np.arctan((f / rho) ** (1 / n)) - np.pi / 2
    return lon0 + np.degrees(lam), np.degrees(lat)


def scale_factor(lat, parallels):
    """Scale factor of the projection at a latitude (1 on the standard parallels)."""
    n, f = _n_f(parallels)
    phi = math.radians(lat)
    return n * f / math.tan(math.pi / 4 + phi / 2) ** n / math.cos(phi)


def _range_box_xy(frame: Frame):
    (a, b), (c, d) = frame.lon_range, frame.lat_range
    t = np.linspace(0, 1, 41)
    lon = np.concatenate([a + (b - a) * t, np.full_like(t, b), b - (b - a) * t, np.full_like(t, a)])
    lat = np.concatenate([np.full_like(t, c), c + (d - c) * t, np.full_like(t, d), d - (d - c) * t])
    return lcc(lon, lat, frame.lon0, frame.parallels)


def frame_on(bounds, box, pad: float = 0.06) -> Frame:
    """Frame a conic conformal view on lon/lat ``bounds`` filling pixel ``box``.

    Parameters
    ----------
    bounds : (minlon, minlat, maxlon, maxlat)
        What must be visible (e.g. the highlighted oblasts).
    box : (x0, y0, x1, y1)
        The geo domain in figure pixels.
    pad : float
        Margin around ``bounds``, as a fraction of the frame.

    Returns
    -------
    Frame
        Whose lon/lat range box projects to the box's aspect ratio and whose
        visible area contains ``bounds`` with the margin.
    """
    minx, miny, maxx, maxy = bounds
    span = maxy - miny
    parallels = (round(miny + span / 6, 2), round(maxy - span / 6, 2))
    lon0 = (minx + maxx) / 2
    # projected bounds of the wanted area, padded and widened to the box's aspect
    t = np.linspace(0, 1, 41)
    lon = np.concatenate(
        [minx + (maxx - minx) * t, np.full_like(t, maxx), maxx - (maxx - minx) * t, np.full_like(t, minx)]
    )
    lat = np.concatenate([np.full_like(t, miny), miny + span * t, np.full_like(t, maxy), maxy - span * t])
    x, y = lcc(lon, lat, lon0, parallels)
    half_w = max(abs(x.min()), abs(x.max())) * (1 + 2 * pad)
    cy, half_h = (y.min() + y.max()) / 2, (y.max() - y.min()) / 2 * (1 + 2 * pad)
    aspect = (box[2] - box[0]) / (box[3] - box[1])
    half_w, half_h = max(half_w, half_h * aspect), max(half_h, half_w / aspect)
    # find the lon/lat range whose range box projects onto that rectangle
    want = (half_w, cy, half_h)
    rw, rcy, rh = want
    for _ in range(12):
        frame = _frame_for_rect(rw, rcy, rh, lon0, parallels, box)
        x, y = _range_box_xy(frame)
        rw *= want[0] / max(abs(x.min()), abs(x.max()))
        rh *= want[2] / ((y.max() - y.min()) / 2)
        # plotly.js centres the box on the middle latitude, not on the range box
        rcy += want[1] - float(lcc(*frame.center, lon0, parallels)[1])
    return _frame_for_rect(rw, rcy, rh, lon0, parallels, box)


def _frame_for_rect(half_w, cy, half_h, lon0, parallels, box) -> Frame:
    # the range box spans the rectangle's corners in longitude and its
    # edge midpoints in latitude (parallels are arcs round the pole)
    xs = np.array([-half_w, half_w, 0, 0])
    ys = np.array([cy - half_h, cy - half_h, cy - half_h, cy + half_h])
    lon, lat = lcc_inverse(xs, ys, lon0, parallels)
    w = max(abs(lon[0] - lon0), abs(lon[1] - lon0))
    return Frame((lon0 - w, lon0 + w), (float(lat[2]), float(lat[3])), parallels, tuple(box))


# -------------------------------------------------------------- scale bar


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
    lon, lat_ = [], []
    for x, y in zip(pts_x, pts_y):
        if x is None:
            lon.append(None)
            lat_.append(None)
        else:
            lo, la = frame.to_lonlat(x, y)
            lon.append(round(float(lo), 4))
            lat_.append(round(float(la), 4))
    label = frame.to_lonlat(px + length / 2, py - 11)
    return dict(
        km=km,
        lon=lon,
        lat=lat_,
        label_lonlat=(float(label[0]), float(label[1])),
        box=(px - 2, py - 20, px + length + 2, py + tick + 2),
    )


# ----------------------------------------------------------------- labels


#: Advance widths (1/1000 em) of Liberation Sans, metric-compatible with Arial (the
#: house font), for code points 32-126 and 0x400-0x45F (Cyrillic); regular, bold.
# fmt: off
_WIDTHS_REGULAR = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556,
    556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278,
    500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469,
    556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500,
    278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, 667, 667, 865, 542, 719, 667, 278, 278, 500, 1057,
    1010, 854, 583, 722, 635, 719, 667, 656, 667, 542, 677, 667, 923, 604, 719, 719, 583, 656, 833, 722, 778,
    719, 667, 722, 611, 635, 760, 667, 740, 666, 916, 938, 792, 885, 656, 719, 1010, 722, 556, 573, 531, 365,
    584, 556, 669, 458, 559, 559, 438, 584, 688, 552, 556, 542, 556, 500, 458, 500, 823, 500, 573, 521, 802,
    823, 625, 719, 521, 510, 750, 542, 556, 556, 556, 365, 510, 500, 222, 278, 222, 906, 812, 556, 438, 559,
    500, 552,
)
_WIDTHS_BOLD = (
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556,
    556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667, 611, 778, 722, 278,
    556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584,
    556, 333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, 611, 611, 389, 556,
    333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584, 667, 669, 885, 567, 711, 667, 278, 276, 556, 1094,
    1062, 875, 610, 722, 622, 719, 722, 719, 722, 567, 712, 667, 904, 626, 719, 719, 610, 702, 833, 722, 778,
    719, 667, 722, 611, 622, 854, 667, 730, 703, 1005, 1019, 870, 979, 719, 711, 1031, 719, 556, 618, 615,
    416, 635, 556, 709, 497, 615, 615, 500, 635, 740, 604, 611, 604, 611, 556, 490, 556, 875, 556, 615, 581,
    834, 844, 729, 854, 615, 552, 854, 584, 556, 556, 611, 416, 552, 556, 278, 281, 278, 969, 906, 611, 500,
    615, 556, 604,
)
# fmt: on


def _em(char: str, widths) -> float:
    code = ord(char)
    if 32 <= code < 127:
        return widths[code - 32] / 1000
    if 0x400 <= code < 0x460:
        return widths[code - 0x400 + 95] / 1000
    return 0.72  # anything else: a wide letter, so the box errs on the large side


def text_size(text: str, font_px: float) -> tuple[float, float]:
    """Return the pixel size of a label as plotly draws it in the house font.

    ``text`` may hold plotly's ``<br>``, ``<b>`` and ``<i>`` tags; ``<b>``
    makes the whole label bold (the maps bold whole labels only).
    """
    import html
    import re

    widths = _WIDTHS_BOLD if "<b>" in text else _WIDTHS_REGULAR
    lines = [html.unescape(re.sub(r"</?[bi]>", "", line)) for line in text.split("<br>")]
    width = max(sum(_em(ch, widths) for ch in line) for line in lines) * font_px
    # plotly.js spaces lines 1.3 em apart; a line's glyphs (ascent to descent) are ~1.15 em tall
    return width + 4, (1.3 * (len(lines) - 1) + 1.15) * font_px


def label_box(x, y, w, h, position, gap):
    """Return the pixel box of a label at ``position`` around point (x, y)."""
    vertical, horizontal = position.split()
    left = {"left": x - gap - w, "center": x - w / 2, "right": x + gap}[horizontal]
    top = {"top": y - gap - h, "middle": y - h / 2, "bottom": y + gap}[vertical]
    return (left, top, left + w, top + h)


def overlaps(a, b) -> bool:
    """Tell whether two pixel boxes (x0, y0, x1, y1) intersect."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def inside(a, box) -> bool:
    """Tell whether pixel box ``a`` lies within ``box``."""
    return a[0] >= box[0] and a[1] >= box[1] and a[2] <= box[2] and a[3] <= box[3]


def place_labels(points, obstacles, bounds, positions=POSITIONS):
    """Choose a text position for each point so that no labels collide.

    Parameters
    ----------
    points : list of dict
        In priority order, each with ``x``, ``y`` (pixels), ``w``, ``h``
        (label size) and ``gap`` (marker radius plus padding); optional
        ``positions`` to try instead of the default order.
    obstacles : list of boxes
        Pixel boxes that labels must avoid (markers, legend, inset, ...).
    bounds : box
        Labels must lie inside it.

    Returns
    -------
    list
        ``(position, box)`` per point, or ``(None, None)`` when every
        position collides (the point then goes unlabelled).
    """
    taken = list(obstacles)
    out = []
    for p in points:
        chosen = (None, None)
        for position in p.get("positions", positions):
            box = label_box(p["x"], p["y"], p["w"], p["h"], position, p["gap"])
            # boxes carry a little padding: edges may touch by a pixel
            core = (box[0] + 1, box[1] + 1, box[2] - 1, box[3] - 1)
            if inside(box, bounds) and not any(overlaps(core, t) for t in taken):
                chosen = (position, box)
                taken.append(box)
                break
        out.append(chosen)
    return out
