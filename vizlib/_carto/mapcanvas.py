"""A map under construction: its data, its date, its frame, and the facts its frame brings in.

:class:`MapCanvas` is a :class:`vizlib._canvas.Canvas` whose plot area is a geo
subplot framed in pixels (:mod:`.projection`). It holds the map's data on its
as-of date: boundaries, places (with who held each on that date, from the
control dataset), the events up to that date, a control-area layer if given.
Framing comes first: which places a map shows depends on its frame, and the
places shown bring sources and notes into the footer, whose height sets the
frame; :meth:`MapCanvas.frame` settles both before anything is drawn. The rooms
of :mod:`vizlib._carto` then draw onto it, and :meth:`MapCanvas.finish` places
the labels and the legend.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from vizlib import data, i18n
from vizlib._canvas import Canvas
from vizlib._carto import credits, projection, words
from vizlib._carto.credits import GEONAMES, NATURAL_EARTH
from vizlib._carto.towns import front_km
from vizlib._export_formats import SLIDER_PX
from vizlib._frames import itertuples
from vizlib._labels import Box
from vizlib.errors import DataError, Problem, StaleDataWarning
from vizlib.i18n import N_
from vizlib.meta import Source, escape
from vizlib.theme import CARD_KEY_TEXT_PX

Select = Callable[[pd.DataFrame], pd.DataFrame]
#: Columns of the control dataset a map carries on each place.
_CONTROL = ["controlled_by", "since", "control_source", "control_source_url", "control_source_uk"]


#: Pixels every label of a map keeps clear of its locator inset's frame.
INSET_CLEAR_PX = 6
#: Pixels from the map's edge to a place's dot centre, at the least: a dot against the edge reads as cut, or as
#: a place beyond the map (Pokrovsk's phone map had Sontsivka's and Udachne's dots on its edges).
EDGE_CLEAR_PX = 10


class MapCanvas(Canvas):
    """One map: a canvas with boundary, place and control data on a date, a frame, and the map's words.

    Parameters
    ----------
    slug, title, subtitle, size, theme, lang
        As in :class:`vizlib._canvas.Canvas`.
    places, regions, events, control : path, DataFrame or None
        The user's own data, or None for the bundled files.
    layer : GeoDataFrame, optional
        A control-area layer (:mod:`vizlib.frontline`); checked here.
    extra : GeoDataFrame, optional
        The user's own points, lines and areas.
    as_of : date-like, optional
        The map's date (default :data:`vizlib.data.DEFAULT_AS_OF`).
    settlements : bool
        Draw the villages of the close-ups (``settlements.csv``) besides the places.
    """

    #: A phone's map keeps this much height (pixels); below it the figure grows (an animation's slider and
    #: a long key would leave a strip).
    MIN_PLOT_PX: dict[str, int] = {"phone": 240}

    def __init__(
        self,
        slug: str,
        *,
        title: str,
        subtitle: str,
        places: Any = None,
        regions: Any = None,
        events: Any = None,
        control: Any = None,
        layer: Any = None,
        extra: Any = None,
        as_of: Any = None,
        settlements: bool = False,
        size: str,
        theme: str,
        lang: str,
    ) -> None:

        day = data.as_of_date(as_of)
        super().__init__(
            slug, title=title, subtitle=subtitle, as_of=day, size=size, theme=theme, lang=lang, axis_labels=False
        )
        self.words = dict(words.WORDS)
        self.regions = data.regions(regions)
        #: the bundled regions, whose shared borders are worked out once per process
        self.bundled_regions = regions is None
        own = places is not None or regions is not None
        places_ = data.places(places, regions) if own else data.places()
        if settlements:
            places_ = pd.concat([places_, data.settlements()], ignore_index=True)
        self.control_path = control
        self.places = _with_control(places_, data.control(day, path=control))
        self._held: dict[tuple, pd.DataFrame] = {}  # held_on's, by the places' ids and columns and the day
        own_events = own or events is not None
        self.events = data.events(events, places=places_, as_of=day) if own_events else data.events(as_of=day)
        #: one layer per date when the map is animated (a sequence of layers, or layers of several dates)
        self.layers = _by_date(layer)
        self.layer = self.layers[-1] if self.layers else None
        self.layer_date = max(pd.to_datetime(self.layer["date"])).date() if self.layer is not None else None
        #: layers of several dates play as frames, unless a builder draws them otherwise (small multiples);
        #: a social card is a still of the last date
        self.animated = len(self.layers) > 1 and not self.preset.card
        #: a card of several layers draws the last only, and credits that date
        self.still = len(self.layers) > 1 and self.preset.card
        self.geo_id = "geo"  # the geo subplot the rooms draw into
        self.extra = _lonlat(extra)
        self.region_rows: list[dict] = []
        self.extra_rows: list[dict] = []
        self.inset_box: Box | None = None
        self.has_inset = False
        self.highlight: list[str] = []
        self.legend_names: list[str] = []
        #: key entries a card leaves out for want of height (the countries' land), and the width its
        #: names wrap at (a key under the map: None, the map's width, unless narrower is shorter)
        self.unkeyed: set[str] = set()
        self.key_text_px: float | None = CARD_KEY_TEXT_PX if self.preset.card else None
        self.stale = self.stale_note = ""
        self.builder_notes: list[str] = []  # the builder's own notes for the footer, before the canvas's
        #: words said under a place's name, by place id: a distance whose line is too short to carry them
        self.name_notes: dict[str, tuple[str, ...]] = {}
        #: how far Russian-held ground is from the places the map measures from: (km, nearest lon/lat) by id
        self.measured: dict[str, tuple[float, tuple[float, float]]] = {}
        self.unnamed: list[tuple[int, int, Box]] = []  # dots past max_labels: (trace, point, dot box in pixels)
        #: the land borders between countries as small boxes (pixels): an oblast's name keeps off them
        self.state_border: list[Box] = []

    # ---- framing
    def frame(
        self,
        bounds: tuple[float, float, float, float],
        *,
        pad: float,
        inset: float | None = None,
        select: Select | None = None,
        annotate: Sequence[str] = ("dam",),
        highlight: Sequence[str] = (),
        measure: Sequence[str] = (),
    ) -> pd.DataFrame:
        """Frame the map on lon/lat ``bounds`` with the footer its shown places bring in.

        Parameters
        ----------
        bounds : (minlon, minlat, maxlon, maxlat)
            What must be visible.
        pad : float
            Margin around ``bounds``, as a fraction of the frame.
        inset : float, optional
            Keep the top-right corner for a locator inset of this width over height (its map's, so
            that plotly draws it filling the box: a wide globe, or a squarer oblast); None: no inset.
        select : callable, optional
            Chooses the places shown from those inside the frame.
        annotate : sequence of str
            Kinds of place whose events (up to the map's date) are annotated on the map, and cited;
            approximate places' events always are.
        highlight : sequence of str
            ISO 3166-2 codes of the oblasts the map highlights (for its key).
        measure : sequence of str
            Ids of the places whose distance to Russian-held ground the map draws (:attr:`measured`;
            its key then names the dotted line).

        Returns
        -------
        pandas.DataFrame
            The places shown (rows of the places table, with their control on the map's date).
        """
        plot = self.plot
        self.has_inset, self.highlight = inset is not None, list(highlight)
        for _ in range(4):  # the footer and the frame settle in one or two rounds
            self.geo_frame = projection.frame_on(bounds, (plot.x0, plot.y0, plot.x1, plot.y1), pad=pad)
            self.inset_box = _inset_box(plot, inset) if inset is not None else None
            shown = _in_frame(self)
            shown = select(shown).reset_index(drop=True) if select else shown
            noted = shown[shown.kind.isin(list(annotate)) | shown.approximate]
            self.drawn_events = self.events[self.events.place_id.isin(noted.id)]
            self.measured = front_km(self, shown, measure)
            new_plot = self.set_facts(**_facts(self, shown))
            if new_plot == plot:
                break
            plot = new_plot
        self.shown = shown
        self.fig.update_layout(geo=self.geo_frame.geo())
        self.use_frame(self.geo_frame)
        if self.inset_box is not None:
            self.obstacle(self.inset_box.pad(INSET_CLEAR_PX))  # a label against its frame reads as part of it
        if self.stale:
            warnings.warn(self.stale, StaleDataWarning, stacklevel=3)
        return shown

    def use_frame(self, frame: projection.Frame) -> None:
        """Draw from now on in ``frame``: its clip box, and coordinates rounded and simplified to its pixels."""
        self.geo_frame = frame
        lon0, lat0, lon1, lat1 = frame.visible_bounds()
        self.clip = (lon0 - 0.5, lat0 - 0.5, lon1 + 0.5, lat1 + 0.5)
        # coordinates rounded below a pixel: 2 decimals (~1 km) on overview maps, 3 (~100 m) on oblast
        # maps, 4 (~10 m) on close-ups
        km_px = frame.km_per_px((lat0 + lat1) / 2)
        self.decimals = 2 if km_px > 2 else 3 if km_px > 0.2 else 4
        self.tolerance = 0.5 * km_px / 111  # half a pixel, in degrees

    def held_on(self, shown: pd.DataFrame, day: Any) -> pd.DataFrame:
        """Return ``shown`` with who held each place on ``day`` (the control dataset) instead of the map's date.

        Worked out once for each set of places and day: the key and the legend ask for every date an
        animation or its panels draw, several times each. ``shown`` must be rows of :attr:`places` (as
        every caller's are), so that its ids and columns say which rows it holds: a frame of other values
        under the same ids and columns would be given the first one's answer.
        """
        key = (tuple(shown["id"]), tuple(shown.columns), day)
        if key not in self._held:
            held = data.control(data.as_of_date(day), path=self.control_path)
            self._held[key] = _with_control(shown.drop(columns=_CONTROL), held)
        return self._held[key].copy(deep=False)  # a caller's change to its copy stays its own

    def word(self, role: str, **values: Any) -> str:
        """Return the map's words for ``role`` (:data:`vizlib._carto.words.WORDS`) in its language."""
        return self.t(self.words[role], **values)

    # ---- looking things up
    def to_px(self, lon: Any, lat: Any) -> tuple[Any, Any]:
        """Project lon/lat to figure pixels."""
        return self.geo_frame.to_px(lon, lat)

    def clipped(self, geoms: Sequence[Any]) -> list[Any]:
        """Clip geometries to a little beyond the visible area."""
        from vizlib._carto import geometry

        return geometry.clip_to(geoms, self.clip)

    @functools.cached_property
    def by_code(self) -> dict[str, Any]:
        """The regions' rows (named tuples) by ISO 3166-2 code: the countries and their oblasts."""
        rows: dict[str, Any] = {}
        for row in itertuples(self.regions, index=False):
            rows.setdefault(row.iso_3166_2, row)
        return rows

    def country_shape(self, code: str) -> Any:
        """Return a country's outline (a KeyError if the regions lack it)."""
        row = self.by_code[code]
        if row.level != "country":
            raise KeyError(code)
        return row.geometry

    def region_name(self, code: str) -> str:
        """Return a country's or oblast's name (ISO 3166 code) in the map's language; the code if unknown."""
        row = self.by_code.get(code)
        if row is None:
            return code
        return row.name_uk if self.lang == "uk" else row.name

    def place_name(self, row: Any) -> str:
        if self.lang == "uk":
            return row.name_uk
        return row["name"] if isinstance(row, pd.Series) else row.name

    def bounds_of(self, codes: Sequence[str], points: pd.DataFrame | None = None) -> tuple[float, float, float, float]:
        """Return the lon/lat bounds of regions ``codes`` (and of ``points``)."""
        import shapely

        shapes = self.regions[self.regions.iso_3166_2.isin(list(codes))].geometry
        if shapes.empty:
            raise DataError([Problem("regions", None, "iso_3166_2", f"none of {list(codes)} in the regions")])
        minx, miny, maxx, maxy = shapely.union_all(list(shapes)).bounds
        if points is not None and not points.empty:
            minx, maxx = min(minx, points.lon.min()), max(maxx, points.lon.max())
            miny, maxy = min(miny, points.lat.min()), max(maxy, points.lat.max())
        return minx, miny, maxx, maxy

    def inside_regions(self, places: pd.DataFrame, codes: Sequence[str]) -> pd.Series:
        """Tell which places lie inside any of the regions ``codes`` (a boolean Series)."""
        import shapely

        area = shapely.union_all(list(self.regions[self.regions.iso_3166_2.isin(list(codes))].geometry))
        return pd.Series(shapely.contains_xy(area, places.lon, places.lat), index=places.index)

    # ---- drawing
    def trace(
        self,
        lon: Any,
        lat: Any,
        name: str,
        *,
        fill: str | None = None,
        geo: str | None = None,
        mode: str | None = None,
        **kwargs: Any,
    ) -> int:
        """Add a ``go.Scattergeo`` with the house defaults; return its index."""
        trace = dict(
            type="scattergeo",
            lon=lon,
            lat=lat,
            name=escape(name) if "<" in name or "&" in name else name,
            mode=mode or "lines",
            geo=geo or self.geo_id,
            **kwargs,
        )
        marker = kwargs.get("marker")
        if marker and isinstance(marker.get("size"), list) and "opacity" not in marker:
            # sizes given one per point make plotly.js draw bubbles, at 0.7 opacity: a dot's colour would
            # then depend on the ground under it, and not match its key's swatch
            trace["marker"] = {**marker, "opacity": 1}
        if fill:
            trace.update(fill="toself", fillcolor=fill)
        if "hoverinfo" not in kwargs and mode is None:
            trace.update(hoverinfo="skip")
        return self.add(trace)  # plotly checks a dict once; a trace object it would check again

    def finish(self, *, alt: str | Callable[[pd.DataFrame], str], data: pd.DataFrame | None = None) -> go.Figure:
        """Draw the scale bar and every label, lay out the legend, and finish with the drawn places as data.

        ``alt`` is the alt text, or a function of the places drawn that returns it: a town whose name
        finds no room is not drawn (:mod:`.lettering`), and so not named in the alt text either.
        """
        from vizlib._carto import animation, legend, lettering, scalebar

        scalebar.draw(self)
        if self.unkeyed:  # a card's land left out of its key: named on the map instead
            from vizlib._carto import names

            named = {label.texts[0] for label in self.labels if label.key.get("kind") == "country"}
            codes = [c for c in ("UA", "RU") if self.region_name(c) in self.unkeyed]
            names.countries(self, [c for c in codes if escape(self.region_name(c).upper()) not in named])
        lettering.draw(self)
        alt = alt(self.shown) if callable(alt) else alt
        legend.layout(self)
        animation.frames(self)
        if data is None:
            columns = ["id", "name", "kind", "lat", "lon", "approximate", "source", *_CONTROL]
            columns += [c for c in ("km_to_occupied",) if c in self.shown]
            places = self.shown.assign(source=self.shown.source.astype(str))[columns]
            data = pd.concat([places, pd.DataFrame(self.region_rows), pd.DataFrame(self.extra_rows)], ignore_index=True)
        return super().finish(alt=alt, data=data)


def _in_frame(m: MapCanvas) -> pd.DataFrame:
    """Return the places whose dots fall inside the framed plot, off its edges and clear of the inset."""
    p = m.places
    px, py = m.geo_frame.to_px(p.lon.to_numpy(), p.lat.to_numpy())
    x0, y0, x1, y1 = m.geo_frame.box
    e = EDGE_CLEAR_PX
    inside = (px > x0 + e) & (px < x1 - e) & (py > y0 + e) & (py < y1 - e)
    if m.inset_box is not None:  # a dot under the inset or against its frame: hidden, or read as the inset's
        box = m.inset_box.pad(INSET_CLEAR_PX)
        inside &= ~((px > box.x0) & (px < box.x1) & (py > box.y0) & (py < box.y1))
    return p[inside].reset_index(drop=True)


def _inset_box(plot: Box, aspect: float) -> Box:
    """Return the locator inset's box in the plot's top-right corner: ``aspect`` wide over tall, at most 30 % wide."""
    width = min(plot.width * 0.3, plot.height * 0.32 * aspect)
    return Box(plot.x1 - width, plot.y0, plot.x1, plot.y0 + width / aspect)


def _facts(m: MapCanvas, shown: pd.DataFrame) -> dict[str, Any]:
    """Return the sources, as-of date and notes of map ``m`` showing ``shown`` (and settle its key's room)."""
    t = m.t
    sources = [NATURAL_EARTH]
    if any(str(s).startswith("GeoNames") for s in shown.source) or m.has_inset:
        sources.append(GEONAMES)
    if m.layer is not None:
        sources += [credits.layer_source(m)]
    sources += _extra_sources(m.extra)
    sources += [Source(str(e.source), str(e.source_url)) for e in itertuples(m.drawn_events)]
    held = shown.dropna(subset=["control_source"])
    named = [t.field(r, "control_source") for r in itertuples(held)]
    sources += [Source(n, str(u)) for n, u in dict.fromkeys(zip(named, held.control_source_url))]
    own = shown[~shown.approximate & ~shown.source.astype(str).str.startswith("GeoNames")]
    sources += [Source(s) for s in dict.fromkeys(t.field(r, "source") for r in itertuples(own))]
    if m.preset.card:  # a card's one-line credit names who drew the ground first, the base map last
        rest = [s for s in sources if s not in (NATURAL_EARTH, GEONAMES)]
        # but GeoNames (CC-BY) second: its licence asks for credit wherever its places are drawn
        sources = rest[:1] + [s for s in sources if s == GEONAMES] + rest[1:] + [NATURAL_EARTH]
    from vizlib._carto import animation, disagreement

    notes = [*m.builder_notes, approx_note(shown, t), disagreement.note(m, shown), animation.note(m)]
    if m.layer is None:
        notes.append(t("Front line not drawn: towns are marked by who held them on that day."))
    m.stale = m.stale_note = ""
    if m.layer_date is not None and m.layer_date < m.as_of:
        older = N_("Areas of control as mapped on {layer} (the latest map); towns as of {date}.")
        m.stale_note = t(older, layer=t.date(m.layer_date), date=t.date(m.as_of))  # a card prints it too
        notes.append(m.stale_note)
        en = i18n.words("en")  # the warning is for whoever runs the code: in English
        layer, day = en.date(m.layer_date), en.date(m.as_of)
        m.stale = f"The control layer ({layer}) is stale: older than the map's date ({day})."
    from vizlib._carto import legend

    m.legend_names = legend.entries(m, shown)
    if m.preset.card:
        m.unkeyed, m.key_text_px = legend.fit_card(m, m.legend_names)
        m.legend_names = [name for name in m.legend_names if name not in m.unkeyed]
    else:
        m.key_text_px = legend.fit_columns(m, m.legend_names)
    key_px = legend.size(m, m.legend_names)[1] + (SLIDER_PX if m.animated else 0)
    if m.preset.card:  # the key stands beside the map: the map is framed in the rest
        edge = m.margin["l"]  # lined up with the title, as without a key
        m.sides, key_px = (edge, edge + legend.beside_px(m, m.legend_names)), 0
    joined = " ".join(filter(None, notes))
    return dict(sources=sources, as_of=m.as_of, notes=joined, card_notes=m.stale_note, key_px=key_px)


def approx_note(shown: pd.DataFrame, t: Any) -> str:
    """Say which places shown are approximate, and how far off they may be."""
    approx = shown[shown.approximate]
    return " ".join(
        t(
            "{place}: position approximate (±{km} km).",
            place=t.field(r, "name"),
            km=t.number(r.precision_m / 1000, None),
        )
        for r in itertuples(approx)
    )


def _with_control(places: pd.DataFrame, held: pd.DataFrame) -> pd.DataFrame:
    """Return ``places`` with who held each on the date (NaN where the control data do not say)."""
    renamed = {"place_id": "id", "source": "control_source", "source_url": "control_source_url"}
    held = held.rename(columns={**renamed, "source_uk": "control_source_uk"})
    return places.merge(held[["id", *_CONTROL]], on="id", how="left")


def _by_date(layer: Any) -> list[Any]:
    """Return a map's layers one per date, in date order (one, for a map that is not animated)."""
    from vizlib import frontline

    if layer is None:
        return []
    pieces = list(layer) if isinstance(layer, (list, tuple)) else [layer]
    checked = [frontline.check_layer(p) for p in pieces]
    out = []
    for p in checked:
        out += [group.reset_index(drop=True) for _, group in p.groupby("date", sort=True)]
    return sorted(out, key=lambda g: g["date"].iloc[0])


def _lonlat(extra: Any) -> Any:
    if extra is not None and extra.crs is not None and extra.crs.to_epsg() != 4326:
        return extra.to_crs(4326)
    return extra


def _extra_sources(extra: Any) -> list[Source]:
    """Cite the user's layer by its own ``source`` column, or as user-supplied."""
    if extra is None:
        return []
    if "source" not in extra:
        return [Source(N_("User-supplied layer"))]
    urls = extra["source_url"] if "source_url" in extra else pd.Series([None] * len(extra), index=extra.index)
    return [
        Source(name, None if pd.isna(url) else str(url))
        for name, url in dict.fromkeys(zip(extra["source"].astype(str), urls))
    ]
