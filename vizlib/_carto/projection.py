"""The conic conformal projection plotly.js uses, so a map is framed in pixels before plotly draws it.

:class:`Frame` mirrors plotly.js (``Geo.updateProjection``): given lon/lat
ranges and the geo domain in figure pixels, it maps lon/lat to pixels and back,
so that labels, a scale bar and an inset can be placed exactly.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from vizlib._carto.geometry import EARTH_KM

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

    # plotly.js scales the range box to fit the domain, then centres geo.center in it; worked out once a frame
    @functools.cached_property
    def _fit(self) -> tuple[float, float, float, float, float]:
        x, y = _range_box_xy(self)
        x0, y0, x1, y1 = self.box
        k = min((x1 - x0) / (x.max() - x.min()), (y1 - y0) / (y.max() - y.min()))
        mx, my = lcc(*self.center, self.lon0, self.parallels)
        return k, float(mx), float(my), (x0 + x1) / 2, (y0 + y1) / 2

    def to_px(self, lon, lat):
        """Project lon/lat (scalars or arrays) to figure pixels (y down)."""
        k, bcx, bcy, cx, cy = self._fit
        x, y = lcc(np.asarray(lon, float), np.asarray(lat, float), self.lon0, self.parallels)
        return cx + k * (x - bcx), cy - k * (y - bcy)

    def to_lonlat(self, px, py):
        """Invert :meth:`to_px`."""
        k, bcx, bcy, cx, cy = self._fit
        x = bcx + (np.asarray(px, float) - cx) / k
        y = bcy - (np.asarray(py, float) - cy) / k
        return lcc_inverse(x, y, self.lon0, self.parallels)

    def km_per_px(self, lat: float) -> float:
        """Ground kilometres per pixel along a parallel at ``lat``."""
        k, *_ = self._fit
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
    x, y = rho * np.sin(n * lam), -rho * np.cos(n * lam)
    return np.round(x, _UNIT_DECIMALS), np.round(y, _UNIT_DECIMALS)


def lcc_inverse(x, y, lon0, parallels):
    """Invert :func:`lcc`."""
    n, f = _n_f(parallels)
    rho = np.sign(n) * np.hypot(x, y)
    lam = np.arctan2(x, -y) / n
    lat = 2 * np.arctan((f / rho) ** (1 / n)) - np.pi / 2
    return np.round(lon0 + np.degrees(lam), _DEGREE_DECIMALS), np.round(np.degrees(lat), _DEGREE_DECIMALS)


# numpy's sin, tan, arctan and power run the CPU's fastest code (AVX-512 or not), whose last bits
# differ from machine to machine; rounded far below a pixel (1e-10 of the unit sphere is 0.6 mm,
# 1e-9 degrees 0.1 mm), a figure builds to the same bytes on every machine.
_UNIT_DECIMALS = 10
_DEGREE_DECIMALS = 9


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
