"""Publication maps: the theatre, Kursk oblast, and the Donetsk front.

Every map is drawn from vizlib's own boundary data with ``go.Scattergeo``
lines (``fill="toself"``) on a geo subplot whose base map is switched off,
so nothing is fetched from the network: no ``go.Choropleth``, no
``locationmode``, no topojson. The projection is conic conformal, framed on
the highlighted oblasts; labels are placed so that they do not collide.
Each builder is a recipe over the rooms of :mod:`vizlib._carto`.

Examples
--------
>>> import vizlib
>>> fig = vizlib.maps.kursk()
>>> vizlib.meta.get(fig)["slug"]
'kursk'

With ``lang="uk"`` everything the reader sees is Ukrainian: titles, labels,
legend, notes, alt text and the words of the footer (:mod:`vizlib.i18n`);
names of publications stay as published.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from vizlib import _doc, data
from vizlib._carto import change, credits, geometry, inset, land, layers, multiples, names, towns, words
from vizlib._carto.mapcanvas import MapCanvas
from vizlib._doc import Lang, Size, Theme
from vizlib._frames import itertuples
from vizlib.i18n import N_

__all__ = [
    "theatre",
    "kursk",
    "donetsk",
    "pokrovsk",
    "kurakhove",
    "front_change",
    "front_animation",
    "small_multiples",
    "CLOSE_UPS",
]

#: Frames of the close-ups (lon/lat bounds), also the ``frame=`` choices of :func:`front_change`.
CLOSE_UPS = {"pokrovsk": (37.0, 48.05, 37.5, 48.42), "kurakhove": (36.9, 47.9, 37.45, 48.12)}
#: The towns each close-up is about, first the one distances are measured from.
_CLOSE_UP_TOWNS = {"pokrovsk": ["pokrovsk", "myrnohrad", "selydove"], "kurakhove": ["kurakhove", "kurakhove_dam"]}


@_doc.stamp
def theatre(
    *,
    places: Any = None,
    regions: Any = None,
    events: Any = None,
    control: Any = None,
    layer: Any = None,
    as_of: Any = None,
    lang: Lang = "en",
    highlight: Sequence[str] = ("RU-KRS", "UA-14"),
    size: Size = "wide",
    theme: Theme = "light",
    extra: Any = None,
) -> go.Figure:
    """Map the border region: Ukraine, Russia and Belarus, two oblasts highlighted, who holds the ground.

    Parameters
    ----------
    {places}
    {regions}
    {events}
    {control}
    {layer}
    {as_of_map}
    {lang}
    highlight : sequence of str
        ISO 3166-2 codes of the oblasts to highlight.
    {size}
    {theme}
    {extra}

    Returns
    -------
    plotly.graph_objects.Figure
        With a Eurasia locator inset (Pyongyang marked).

    Raises
    ------
    {raises_map}
    """
    named = ("RU-BEL", "RU-BRY", "RU-ORL", "UA-59", "UA-63", "UA-09", "UA-23", "UA-12")
    priority = ["kyiv", "kursk", "sudzha", "pokrovsk", "donetsk", "kurakhove", "kharkiv", "sumy", "belgorod"]
    m = MapCanvas(
        "theatre",
        title=N_("The war's two fronts in autumn 2024"),
        subtitle="",
        places=places,
        regions=regions,
        events=events,
        control=control,
        layer=layer,
        extra=extra,
        as_of=as_of,
        size=size,
        theme=theme,
        lang=lang,
    )
    oblasts = [m.region_name(c) for c in highlight]
    named_oblasts = words.and_list([m.t("{} oblast").format(n) for n in oblasts], m.t(" and "))
    m.retitle(subtitle=m.t("{oblasts}, with the towns named in the reporting", oblasts=named_oblasts))

    def select(shown):
        # at this scale, small towns only where the story is, and in the highlighted
        # oblasts only the story's places (others would crowd out their labels)
        shown = shown[shown.kind != "dam"]
        crowded = m.inside_regions(shown, highlight) | (shown.kind == "town")
        return shown[~crowded | shown.id.isin(priority)]

    # Ukraine's recognised borders include Crimea: frame it in, though it is not named
    framed = [*highlight, *named, "UA-43", "UA-40"]
    bounds = m.bounds_of(framed, m.places[m.places.id == "kyiv"])
    shown = m.frame(bounds, pad=0.02, inset=inset.globe_aspect(m), select=select, highlight=highlight)
    land.fill(m, highlight)
    layers.control_areas(m)
    land.borders(m)
    names.regions(m, [*highlight, *[c for c in named if c not in highlight]], emphasis=highlight)
    names.countries(m)
    towns.draw(m, shown, priority, required=["kyiv", "kursk", "sudzha", "donetsk", "pokrovsk", "kurakhove"])
    layers.extra(m)
    inset.draw(m)
    return m.finish(
        alt=lambda drawn: m.t(
            "Map of Ukraine and western Russia with {oblasts} oblasts highlighted, on {date}. Marked: {towns}. "
            "An inset locates the area between Europe and North Korea (Pyongyang).",
            oblasts=words.and_list(oblasts, m.t(" and ")),
            date=m.t.date(m.as_of),
            towns=_names(m, drawn),
        )
        + " "
        + towns.control_alt(m, drawn)
        + _layer_alt(m)
    )


@_doc.stamp
def kursk(
    *,
    places: Any = None,
    regions: Any = None,
    events: Any = None,
    control: Any = None,
    layer: Any = None,
    as_of: Any = None,
    lang: Lang = "en",
    size: Size = "wide",
    theme: Theme = "light",
    extra: Any = None,
) -> go.Figure:
    """Map Kursk oblast and the Ukrainian side of the border: the incursion's ground, Sudzha's distance to Ukraine.

    Parameters
    ----------
    {places}
    {regions}
    {events}
    {control}
    {layer}
    {as_of_map}
    {lang}
    {size}
    {theme}
    {extra}

    Returns
    -------
    plotly.graph_objects.Figure

    Raises
    ------
    {raises_map}
    """
    m = MapCanvas(
        "kursk",
        title=N_("Kursk oblast and the Ukrainian border"),
        subtitle=N_("Where Ukraine's August 2024 incursion crossed into Russia"),
        places=places,
        regions=regions,
        events=events,
        control=control,
        layer=layer,
        extra=extra,
        as_of=as_of,
        size=size,
        theme=theme,
        lang=lang,
    )
    shown = m.frame(m.bounds_of(["RU-KRS", "UA-59"]), pad=0.03, highlight=["RU-KRS"])
    land.fill(m, ["RU-KRS"])
    layers.control_areas(m)
    land.borders(m, border_width=2.6)
    named = ["RU-KRS", "UA-59", "RU-BEL", "RU-BRY", "RU-ORL", "UA-74", "UA-63", "UA-53"]
    names.regions(m, named, emphasis=["RU-KRS"])
    distance = ""
    for s in itertuples(shown[shown.id == "sudzha"]):
        ukraine = m.country_shape("UA")
        km, near = geometry.distance_km(s.lon, s.lat, ukraine)
        words = m.t("{km} km to the<br>Ukrainian border", km=f"{km:.0f}"), m.t("{km} km to the border", km=f"{km:.0f}")
        towns.distance_line(m, s, near, km, *words, to=ukraine)
        distance = " " + m.t("{town} lies {km} km from the Ukrainian border.", town=m.place_name(s), km=f"{km:.0f}")
    towns.draw(
        m, shown, ["kursk", "sudzha", "sumy", "belgorod", "korenevo", "rylsk", "lgov"], required=["kursk", "sudzha"]
    )
    layers.extra(m)
    alt = N_(
        "Map of Russia's Kursk oblast and Ukraine's Sumy oblast on {date}, with the state border drawn as a "
        "strong line. Marked: {towns}."
    )
    return m.finish(
        alt=lambda drawn: f"{m.t(alt, date=m.t.date(m.as_of), towns=_names(m, drawn))}{distance} "
        f"{towns.control_alt(m, drawn)}{_layer_alt(m)}".strip()
    )


@_doc.stamp
def donetsk(
    *,
    places: Any = None,
    regions: Any = None,
    events: Any = None,
    control: Any = None,
    layer: Any = None,
    as_of: Any = None,
    lang: Lang = "en",
    size: Size = "wide",
    theme: Theme = "light",
    extra: Any = None,
) -> go.Figure:
    """Map the Donetsk front: who holds which town, Pokrovsk, Kurakhove and the damaged reservoir dam.

    Every event up to the map's date at a dam (or an approximate place) drawn is
    annotated (by default the 11 Nov 2024 dam damage).

    Parameters
    ----------
    {places}
    {regions}
    {events}
    {control}
    {layer}
    {as_of_map}
    {lang}
    {size}
    {theme}
    {extra}

    Returns
    -------
    plotly.graph_objects.Figure

    Raises
    ------
    {raises_map}
    """
    m = MapCanvas(
        "donetsk",
        title=N_("The Donetsk front: Pokrovsk and Kurakhove"),
        subtitle=N_("Towns in the path of Russia's autumn 2024 advance, and the Kurakhove reservoir dam"),
        places=places,
        regions=regions,
        events=events,
        control=control,
        layer=layer,
        extra=extra,
        as_of=as_of,
        size=size,
        theme=theme,
        lang=lang,
    )
    dam = words.event_words(m, m.events[m.events.place_id.isin(words.dams(m))])
    if len(m.layers) > 1:  # an animation, or a card's still of one: how the front moved, and over which dates
        form = "full_short" if m.still else "full"  # a card's subtitle keeps one line
        first, last = (m.t.date(layer["date"].iloc[0].date(), form) for layer in (m.layers[0], m.layers[-1]))
        said = m.t(
            N_("Russian-occupied ground on {last}; animated from {first} in the web version") if m.still
            else N_("Russian-occupied ground from {first} to {last}.") if size == "phone"  # and the dam's note
            else N_("Russian-occupied ground from {first} to {last}, the towns in the path of Russia's advance, "
                    "and the Kurakhove reservoir dam"), first=first, last=last,
        )  # fmt: skip
        m.retitle(title=N_("How the Donetsk front moved"), subtitle=f"{said} {dam if size == 'phone' else ''}".strip())
    elif size == "phone" and dam:  # its dam note gives only the date: the subtitle says what happened (once)
        m.retitle(subtitle=m.t("Towns in the path of Russia's autumn 2024 advance") + ". " + dam)
    shown = m.frame(m.bounds_of(["UA-14"]), pad=0.02, highlight=["UA-14"])
    land.fill(m, ["UA-14"])
    layers.control_areas(m)
    land.borders(m)
    # the neighbours only: the title and the key name Donetsk oblast, and a "DONETSK" in its middle read as
    # a town's name between Pokrovsk and Selydove, over Donetsk city's
    names.regions(m, ["UA-09", "UA-63", "UA-12", "UA-23", "RU-ROS"])
    towns.draw(
        m,
        shown,
        ["pokrovsk", "kurakhove", "donetsk", "myrnohrad", "selydove", "kramatorsk"],
        required=["pokrovsk", "kurakhove", "donetsk"],
    )
    layers.extra(m)
    events = words.event_words(m, m.drawn_events, approx=set(shown.loc[shown.approximate, "id"]))
    alt = N_("Map of Ukraine's Donetsk oblast on {date}. Marked: {towns}.")
    return m.finish(
        alt=lambda drawn: f"{m.t(alt, date=m.t.date(m.as_of), towns=_names(m, drawn))} {events} "
        f"{towns.control_alt(m, drawn)}{_layer_alt(m)}".strip()
    )


@_doc.stamp
def pokrovsk(
    *,
    places: Any = None,
    regions: Any = None,
    events: Any = None,
    control: Any = None,
    layer: Any = None,
    as_of: Any = None,
    lang: Lang = "en",
    size: Size = "wide",
    theme: Theme = "light",
    extra: Any = None,
) -> go.Figure:
    """Map Pokrovsk close up: the supply hub, Myrnohrad and Selydove, the villages around, who holds each.

    With a layer, the occupied area of the map's date is drawn and the distance from the centres of
    Pokrovsk, Myrnohrad and Selydove to it is measured (geodesic, km) and drawn.

    Parameters
    ----------
    {places}
    {regions}
    {events}
    {control}
    {layer}
    {as_of_map}
    {lang}
    {size}
    {theme}
    {extra}

    Returns
    -------
    plotly.graph_objects.Figure

    Raises
    ------
    {raises_map}
    """
    return _closeup(
        "pokrovsk",
        title=N_("Pokrovsk: the front at the supply hub"),
        subtitle=N_("The towns and villages around the supply hub, who held each, and how far the front was"),
        bounds=CLOSE_UPS["pokrovsk"],
        priority=["pokrovsk", "myrnohrad", "selydove", "novohrodivka", "ukrainsk", "hirnyk", "rodynske", "dobropillia"],
        measured=["pokrovsk", "myrnohrad", "selydove"],
        data=dict(places=places, regions=regions, events=events, control=control, layer=layer, extra=extra),
        as_of=as_of,
        size=size,
        theme=theme,
        lang=lang,
    )


@_doc.stamp
def kurakhove(
    *,
    places: Any = None,
    regions: Any = None,
    events: Any = None,
    control: Any = None,
    layer: Any = None,
    as_of: Any = None,
    lang: Lang = "en",
    size: Size = "wide",
    theme: Theme = "light",
    extra: Any = None,
) -> go.Figure:
    """Map Kurakhove close up: the town, the reservoir dam at Stari Terny, the villages along the Vovcha.

    The dam's damage (11 Nov 2024) is annotated from the events. With a layer, the occupied area of
    the map's date is drawn and the distance from the centre of Kurakhove and from the dam to it is
    measured (geodesic, km) and drawn. The reservoir and the river are in no offline source vizlib
    can ship: pass them through ``extra=`` (lines and polygons, holes kept).

    Parameters
    ----------
    {places}
    {regions}
    {events}
    {control}
    {layer}
    {as_of_map}
    {lang}
    {size}
    {theme}
    {extra}

    Returns
    -------
    plotly.graph_objects.Figure

    Raises
    ------
    {raises_map}
    """
    return _closeup(
        "kurakhove",
        title=N_("Kurakhove and the reservoir dam"),
        subtitle=N_(
            "The reservoir dam west of the town, damaged on 11 Nov 2024, the villages around, and how far the front was"
        ),
        bounds=CLOSE_UPS["kurakhove"],
        priority=["kurakhove", "kurakhove_dam", "hirnyk", "ukrainsk", "kurakhivka", "bahatyr", "ulakly"],
        measured=["kurakhove", "kurakhove_dam"],
        data=dict(places=places, regions=regions, events=events, control=control, layer=layer, extra=extra),
        as_of=as_of,
        size=size,
        theme=theme,
        lang=lang,
    )


@_doc.stamp
def front_change(
    before: Any = "2024-08-06",
    after: Any = None,
    *,
    region: str = "UA-14",
    frame: str | None = None,
    places: Any = None,
    regions: Any = None,
    events: Any = None,
    control: Any = None,
    as_of: Any = None,
    lang: Lang = "en",
    size: Size = "wide",
    theme: Theme = "light",
    extra: Any = None,
) -> go.Figure:
    """Map the ground that changed hands between two dates: taken, retaken, and occupied at both.

    The km² taken (and retaken, if any) within ``region`` are measured in an equal-area
    projection (:func:`vizlib.frontline.changed_hands`) and stated in the alt text, the km² taken
    in the subtitle and those no longer shown as occupied in a note under the map.

    Parameters
    ----------
    before, after : GeoDataFrame or date-like
        Control layers (:mod:`vizlib.frontline`), or dates whose daily-archive layers are read
        through the cache (:func:`vizlib.frontline.for_date`; a download where not cached).
        ``after`` defaults to the map's date.
    region : str
        ISO 3166-2 code of the oblast measured and highlighted.
    frame : {"pokrovsk", "kurakhove"}, ISO 3166-2 code or None
        Close-up framing (:data:`CLOSE_UPS`, with their villages), another oblast, or ``region``.
    {places}
    {regions}
    {events}
    {control}
    {as_of_map}
    {lang}
    {size}
    {theme}
    {extra}

    Returns
    -------
    plotly.graph_objects.Figure

    Raises
    ------
    {raises_map}
    """
    from vizlib import frontline

    layer_b = _layer_of(after if after is not None else data.as_of_date(as_of), "front_change")
    layer_a = _layer_of(before, "front_change")
    changed = frontline.changed_hands(layer_a, layer_b, region)
    day_a, day_b = (layer["date"].iloc[0].date() for layer in (layer_a, layer_b))
    close = frame in CLOSE_UPS
    m = MapCanvas(
        "front-change",
        title="",
        subtitle="",
        places=places,
        regions=regions,
        events=events,
        control=control,
        extra=extra,
        as_of=day_b,
        settlements=close,
        size=size,
        theme=theme,
        lang=lang,
    )
    m.layer, m.layer_date = pd.concat([changed, _occupied_outside(layer_b, region)], ignore_index=True), day_b
    span = m.t("{start}–{end}", **dict(zip(("start", "end"), credits.dated(m, [day_a, day_b]), strict=True)))
    km, name = changed.set_index("status")["km2"].to_dict(), m.region_name(region)
    title = change.name_areas(m, name, span, day_b)
    bounds = CLOSE_UPS[frame] if frame in CLOSE_UPS else m.bounds_of([frame or region])
    shown_words = ""
    if size == "phone" and frame is None:  # portrait: where most ground changed hands, the oblast in an inset
        bounds, share = geometry.main_parts(changed, ["taken"])
        shown_words, close = m.t("At least {share}% of it lies in the area shown.", share=int(share * 100)), True
    m.retitle(title=title, subtitle=change.summary(m, km, span, shown_words))
    m.builder_notes.append(change.retaken(m, km))
    # the dam's note would crowd the front on an oblast's map: the Kurakhove close-up tells it
    select = None if frame in CLOSE_UPS else (lambda shown: shown[shown.kind != "dam"])
    aspect = inset.oblast_aspect(m, [region]) if close else None
    shown = m.frame(bounds, pad=0.02, highlight=[] if close else [region], inset=aspect, select=select)
    land.fill(m, m.highlight)
    layers.control_areas(m)
    land.borders(m)
    towns.draw(m, shown, ["pokrovsk", "kurakhove", "selydove", "myrnohrad", "vuhledar", "donetsk", "toretsk"])
    layers.extra(m)
    if close:
        inset.oblast(m, [region])
    m.extra_rows.extend(dict(id=status, name=m.words[status], kind="area", km2=round(v, 1)) for status, v in km.items())
    return m.finish(
        alt=lambda drawn: " ".join(
            filter(
                None,
                [
                    m.t("Map of {region} oblast: {summary}", region=name, summary=m.subtitle),
                    change.retaken(m, km),
                    m.t("Marked: {towns}.", towns=_names(m, drawn)) if not drawn.empty else "",
                    towns.control_alt(m, drawn),
                ],
            )
        )
    )


def _occupied_outside(layer: Any, region: str) -> Any:
    """Return the ground ``layer`` shows occupied outside ``region`` (one ``held_both`` row, or none).

    A change map measures one oblast, but who holds the ground beside it is part of the map too.
    """
    import geopandas as gpd
    import shapely

    from vizlib.frontline._analysis import _region_geometry  # the same region changed_hands measured

    occupied = shapely.union_all(list(layer.loc[layer["status"] == "occupied"].geometry))
    rest = shapely.difference(occupied, _region_geometry(region))
    if rest.is_empty:
        return layer.iloc[0:0]
    row = layer.loc[layer["status"] == "occupied"].iloc[[0]].assign(status="held_both", date_a=lambda r: r["date"])
    return gpd.GeoDataFrame(row.drop(columns="geometry"), geometry=[rest], crs=layer.crs)


@_doc.stamp
def front_animation(
    layers: Any = None,
    *,
    start: Any = "2024-07-08",
    freq: str = "7D",
    as_of: Any = None,
    lang: Lang = "en",
    size: Size = "wide",
    theme: Theme = "light",
) -> go.Figure:
    """Animate the Donetsk front week by week: the Donetsk map with one frame per control layer.

    The same map as :func:`donetsk` (any map takes a sequence of layers); the HTML page plays it
    offline with a date slider and play/pause. A static export (PNG, SVG, PDF, a notebook's image)
    is a still of the last date: no slider or buttons, that date under the map, and the footer says so.

    Parameters
    ----------
    layers : GeoDataFrame, sequence of GeoDataFrame or None
        Control layers of several dates; None reads the daily archive's layers from ``start`` to the
        map's date every ``freq`` (:func:`vizlib.frontline.history`, through the cache).
    start : date-like
        First date, when ``layers`` is None.
    freq : str
        A pandas frequency, when ``layers`` is None (``"7D"``: every seven days from ``start``).
    {as_of_map}
    {lang}
    {size}
    {theme}

    Returns
    -------
    plotly.graph_objects.Figure
        With ``frames``, a slider and play/pause buttons.

    Raises
    ------
    {raises_map}
    """
    from vizlib import frontline

    day = data.as_of_date(as_of)
    if layers is None:
        layers = frontline.history(start, day, freq=freq, kind="archive")
        dates = sorted(set(layers["date"]))
        if dates[-1].date() != day:  # end on the map's date
            layers = [layers, frontline.for_date(day, kind="archive").layer]
    fig = donetsk(layer=layers, as_of=day, lang=lang, size=size, theme=theme)
    fig.layout.meta["vizlib"]["slug"] = "front-animation"
    return fig


@_doc.stamp
def small_multiples(
    layers: Any = None,
    *,
    dates: Any = None,
    frame: str = "pokrovsk",
    columns: int | None = None,
    places: Any = None,
    regions: Any = None,
    control: Any = None,
    as_of: Any = None,
    lang: Lang = "en",
    size: Size = "wide",
    theme: Theme = "light",
) -> go.Figure:
    """Map one frame at several dates side by side, for print: a grid of panels that share a scale and a key.

    Each panel shows the control areas of its date and the towns by who held them that day;
    its heading gives the date and how far the front was from the frame's first town (km,
    geodesic, to the nearest ground shown occupied).

    Parameters
    ----------
    layers : GeoDataFrame, sequence of GeoDataFrame or None
        Control layers of several dates (one panel each, in date order); None reads the daily
        archive's layers of ``dates`` through the cache.
    dates : sequence of date-like, optional
        The panels' dates when ``layers`` is None; default six dates three weeks apart, ending on
        the map's date (10 Aug to 23 Nov 2024 for the default date).
    frame : {"pokrovsk", "kurakhove"} or ISO 3166-2 code
        A close-up (:data:`CLOSE_UPS`, with its villages) or an oblast.
    columns : int, optional
        Panels a row (default: as many ~300 px panels as fit, at most three).
    {places}
    {regions}
    {control}
    {as_of_map}
    {lang}
    {size}
    {theme}

    Returns
    -------
    plotly.graph_objects.Figure
        One geo subplot per date (``geo``, ``geo3``, ``geo4``, ...).

    Raises
    ------
    {raises_map}
    """
    day = data.as_of_date(as_of)
    if layers is None:
        layers = [_layer_of(d, "small_multiples") for d in (dates if dates is not None else _every_three_weeks(day))]
    close = frame in CLOSE_UPS
    priority = _CLOSE_UP_TOWNS.get(frame, ["pokrovsk", "kurakhove", "toretsk", "vuhledar"])
    m = MapCanvas(
        "small-multiples",
        title="",
        subtitle="",
        places=places,
        regions=regions,
        control=control,
        layer=layers,
        as_of=day,
        settlements=close,
        size=size,
        theme=theme,
        lang=lang,
    )
    m.animated = m.still = False  # every date drawn, a panel each
    panels = m.layers
    name = m.place_name(m.places.set_index("id").loc[frame]) if close else m.region_name(frame)
    bounds = CLOSE_UPS[frame] if close else m.bounds_of([frame])

    def title(shown_panels: list[Any]) -> str:
        if size == "phone":  # a narrow title: the panels' headings give the dates
            return m.t("The front at {place}", place=name)
        first, last = (
            m.t.date(p["date"].iloc[0], f) for p, f in ((shown_panels[0], "day"), (shown_panels[-1], "full"))
        )
        return m.t("The front at {place}, {first}–{last}", place=name, first=first, last=last).replace(
            " 20", "\u00a020"
        )

    subtitle = m.t("Ground shown as Russian-occupied on each date, and who held the towns that day")
    town = m.place_name(m.places.set_index("id").loc[priority[0]])
    # on a phone only the towns that are named: a dot without a name says nothing at that size
    select = (lambda s: s[s.id.isin(priority)]) if size == "phone" else None
    panels, shown, layout = multiples.fit(m, panels, bounds, title, subtitle, town, columns, select)
    km = multiples.draw(m, shown, bounds, panels, priority, layout)
    m.extra_rows.extend(
        dict(id=f"panel_{r['date']:%Y%m%d}", name=m.t.date(r["date"]), kind="panel", km_to_occupied=round(r["km"], 1))
        for r in km
    )
    far = "; ".join(
        m.t("{date}: {km} km", date=m.t.date(r["date"]), km=m.t.number(r["km"], 1)) for r in km if r["km"] == r["km"]
    )
    alt = m.t("Maps of {place} on {n} dates.", place=name, n=len(panels))
    if far:
        alt += " " + m.t(
            "Distance from {town} to Russian-held ground: {list}.",
            town=m.place_name(shown.set_index("id").loc[priority[0]]),
            list=far,
        )
    return m.finish(alt=alt)


def _every_three_weeks(day: Any, n: int = 6) -> list[Any]:
    """Return up to ``n`` dates three weeks apart, ending on ``day``, none before the archive's first day."""
    import datetime as dt

    from vizlib import frontline

    dates = [day - dt.timedelta(weeks=3 * k) for k in reversed(range(n))]
    return [d for d in dates if d >= frontline.ARCHIVE_START] or [day]


def _layer_of(layer_or_date: Any, what: str) -> Any:
    """Return a control layer: the one given, or the daily-archive layer of a date (through the cache).

    Raises :class:`vizlib.errors.NothingToDraw` naming ``what`` (the builder) when there is none to be had.
    """
    from vizlib import frontline
    from vizlib.errors import NothingToDraw, Problem

    if hasattr(layer_or_date, "geometry"):
        return frontline.check_layer(layer_or_date)
    found = frontline.for_date(layer_or_date, kind="archive")
    if found.layer is None:
        raise NothingToDraw([Problem(what, None, "layer", found.note)])
    return found.layer


def _closeup(
    slug: str,
    *,
    title: str,
    subtitle: str,
    bounds: tuple[float, float, float, float],
    priority: list[str],
    measured: list[str],
    data: dict[str, Any],
    **options: Any,
) -> go.Figure:
    """Draw a close-up of the Donetsk front: villages by who holds them, the front and how far it is."""
    m = MapCanvas(slug, title=title, subtitle=subtitle, settlements=True, **data, **options)
    shown = m.frame(bounds, pad=0.02, inset=inset.oblast_aspect(m, ["UA-14"]), measure=measured)
    land.fill(m, [])
    layers.control_areas(m)
    land.borders(m)
    names.boundary(m, [c for c in m.regions.iso_3166_2[m.regions.level == "admin1"] if c.startswith("UA-")])
    km = towns.front_distances(m, shown)
    towns.draw(m, shown, priority)
    layers.extra(m)
    inset.oblast(m, ["UA-14"])
    far = [
        m.t("{town}: {km} km", town=m.place_name(shown.set_index("id").loc[pid]), km=m.t.number(d, 1))
        for pid, d in km.items()
        if d > 0  # a town inside the occupied area is said to be under occupation, not 0.0 km from it
    ]
    far_words = m.t("Distance from the centre to Russian-held ground: {list}.", list="; ".join(far)) if far else ""

    def alt(drawn: pd.DataFrame) -> str:
        main = drawn[drawn.id.isin(measured)]
        text = m.t(
            "Close-up map around {town} on {date}: {towns}, and {n} villages around them.",
            town=m.place_name(shown.set_index("id").loc[measured[0]]) if measured[0] in set(shown.id) else slug,
            date=m.t.date(m.as_of),
            towns=_names(m, main),
            n=len(drawn) - len(main),
        )
        return f"{text} {far_words} {towns.control_alt(m, drawn)}{_layer_alt(m)}".replace("  ", " ").strip()

    return m.finish(alt=alt)


def _names(m: MapCanvas, places: pd.DataFrame) -> str:
    """Return the names of ``places`` as a list in words: "Kursk, Sudzha and Sumy"."""
    return words.and_list([m.place_name(r) for r in itertuples(places)], m.t(" and "))


def _layer_alt(m: MapCanvas) -> str:
    if m.layer is None:
        return " " + m.t("The front line is not drawn.")
    return " " + m.t("Shaded: control areas ({layer}).", layer=credits.layer_dated(m))
