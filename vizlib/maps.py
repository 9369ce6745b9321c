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

Titles, subtitles and footers stay in English with ``lang="uk"``; place,
region and legend labels switch to Ukrainian.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go

from vizlib import _doc
from vizlib._carto import geometry, inset, land, layers, names, towns
from vizlib._carto.mapcanvas import MapCanvas
from vizlib._doc import Lang, Size, Theme
from vizlib.i18n import N_

__all__ = ["theatre", "kursk", "donetsk"]


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
    m.retitle(
        subtitle=m.t(
            "{oblasts}, with the towns named in the reporting",
            oblasts=_and([m.t("{} oblast").format(n) for n in oblasts], m.t(" and ")),
        )
    )

    def select(shown):
        # at this scale, small towns only where the story is, and in the highlighted
        # oblasts only the story's places (others would crowd out their labels)
        shown = shown[shown.kind != "dam"]
        crowded = m.inside_regions(shown, highlight) | (shown.kind == "town")
        return shown[~crowded | shown.id.isin(priority)]

    # Ukraine's recognised borders include Crimea: frame it in, though it is not named
    framed = [*highlight, *named, "UA-43", "UA-40"]
    shown = m.frame(
        m.bounds_of(framed, m.places[m.places.id == "kyiv"]), pad=0.02, inset=True, select=select, highlight=highlight
    )
    land.fill(m, highlight)
    layers.control_areas(m)
    land.borders(m)
    names.regions(m, [*highlight, *[c for c in named if c not in highlight]], emphasis=highlight)
    names.countries(m)
    towns.draw(m, shown, priority)
    layers.extra(m)
    inset.draw(m)
    return m.finish(
        alt=m.t(
            "Map of Ukraine and western Russia with {oblasts} oblasts highlighted, on {date}. Marked: {towns}. "
            "An inset locates the area between Europe and North Korea (Pyongyang).",
            oblasts=_and(oblasts, m.t(" and ")),
            date=m.t.date(m.as_of),
            towns=_and([m.place_name(r) for r in shown.itertuples()], m.t(" and ")),
        )
        + " "
        + towns.control_alt(m, shown)
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
    for s in shown[shown.id == "sudzha"].itertuples():
        km, near = geometry.distance_km(s.lon, s.lat, m.country_shape("UA"))
        towns.distance_line(m, s, near, km, m.t("{km} km to the<br>Ukrainian border", km=f"{km:.0f}"))
        distance = " " + m.t("{town} lies {km} km from the Ukrainian border.", town=m.place_name(s), km=f"{km:.0f}")
    towns.draw(m, shown, ["kursk", "sudzha", "sumy", "belgorod", "korenevo", "rylsk", "lgov"])
    layers.extra(m)
    alt = m.t(
        "Map of Russia's Kursk oblast and Ukraine's Sumy oblast on {date}, with the state border drawn as a "
        "strong line. Marked: {towns}.",
        date=m.t.date(m.as_of),
        towns=_and([m.place_name(r) for r in shown.itertuples()], m.t(" and ")),
    )
    return m.finish(alt=f"{alt}{distance} {towns.control_alt(m, shown)}{_layer_alt(m)}".strip())


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
    shown = m.frame(m.bounds_of(["UA-14"]), pad=0.02, highlight=["UA-14"])
    land.fill(m, ["UA-14"])
    layers.control_areas(m)
    land.borders(m)
    names.regions(m, ["UA-14", "UA-09", "UA-63", "UA-12", "UA-23", "RU-ROS"], emphasis=["UA-14"])
    towns.draw(m, shown, ["pokrovsk", "kurakhove", "donetsk", "myrnohrad", "selydove", "kramatorsk"])
    layers.extra(m)
    approx = set(shown.loc[shown.approximate, "id"])
    events = " ".join(
        m.t("{event} on {date}.", event=m.t.field(e, "title"), date=m.t.date(e["date"]))
        + (" " + m.t("(approximate position)") if e["place_id"] in approx else "")
        for _, e in m.drawn_events.iterrows()
    )
    alt = m.t(
        "Map of Ukraine's Donetsk oblast on {date}. Marked: {towns}.",
        date=m.t.date(m.as_of),
        towns=_and([m.place_name(r) for r in shown.itertuples()], m.t(" and ")),
    )
    return m.finish(alt=f"{alt} {events} {towns.control_alt(m, shown)}{_layer_alt(m)}".strip())


def _layer_alt(m: MapCanvas) -> str:
    if m.layer is None:
        return " " + m.t("The front line is not drawn.")
    return " " + m.t("Shaded: control areas ({layer}).", layer=m.layer_dated())


def _and(items: list[str], and_: str = " and ") -> str:
    items = [str(i) for i in items]
    if len(items) <= 2:
        return and_.join(items)
    return ", ".join(items[:-1]) + and_ + items[-1]
