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

from vizlib import _doc, fmt
from vizlib._carto import geometry, inset, land, layers, names, towns
from vizlib._carto.mapcanvas import MapCanvas
from vizlib._doc import Lang, Size, Theme

__all__ = ["theatre", "kursk", "donetsk"]


@_doc.stamp
def theatre(
    *,
    places: Any = None,
    regions: Any = None,
    events: Any = None,
    lang: Lang = "en",
    highlight: Sequence[str] = ("RU-KRS", "UA-14"),
    size: Size = "wide",
    theme: Theme = "light",
    extra: Any = None,
) -> go.Figure:
    """Map the border region: Ukraine, Russia and Belarus, two oblasts highlighted.

    Parameters
    ----------
    {places}
    {regions}
    {events}
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
    priority = ["kyiv", "kursk", "sudzha", "pokrovsk", "kurakhove", "donetsk", "kharkiv", "sumy", "belgorod"]
    m = MapCanvas(
        "theatre",
        title="The war's two fronts in autumn 2024",
        subtitle="",
        places=places,
        regions=regions,
        events=events,
        extra=extra,
        size=size,
        theme=theme,
        lang=lang,
    )
    oblasts = [m.region_name(c) for c in highlight]
    m.subtitle = f"{_and([f'{n} oblast' for n in oblasts])}, with the towns named in the reporting"

    def select(shown):
        # at this scale, small towns only where the story is, and in the highlighted
        # oblasts only the story's places (others would crowd out their labels)
        shown = shown[shown.kind != "dam"]
        crowded = m.inside_regions(shown, highlight) | (shown.kind == "town")
        return shown[~crowded | shown.id.isin(priority)]

    # Ukraine's recognised borders include Crimea: frame it in, though it is not named
    framed = [*highlight, *named, "UA-43", "UA-40"]
    shown = m.frame(m.bounds_of(framed, m.places[m.places.id == "kyiv"]), pad=0.02, inset=True, select=select)
    land.draw(m, highlight)
    names.regions(m, [*highlight, *[c for c in named if c not in highlight]], emphasis=highlight)
    names.countries(m)
    towns.draw(m, shown, priority)
    layers.extra(m)
    inset.draw(m)
    return m.finish(
        alt=f"Map of Ukraine and western Russia with {_and(oblasts)} oblasts highlighted. "
        f"Marked: {_and(list(shown.name))}. An inset locates the area between Europe and North Korea (Pyongyang)."
    )


@_doc.stamp
def kursk(
    *,
    places: Any = None,
    regions: Any = None,
    events: Any = None,
    layer: Any = None,
    lang: Lang = "en",
    size: Size = "wide",
    theme: Theme = "light",
    extra: Any = None,
) -> go.Figure:
    """Map Kursk oblast and the Ukrainian side of the border, with Sudzha's distance to it.

    Parameters
    ----------
    {places}
    {regions}
    {events}
    {layer}
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
        title="Kursk oblast and the Ukrainian border",
        subtitle="",
        places=places,
        regions=regions,
        events=events,
        layer=layer,
        extra=extra,
        size=size,
        theme=theme,
        lang=lang,
    )
    m.subtitle = "Where Ukraine's August 2024 incursion crossed into Russia" + m.layer_subtitle
    shown = m.frame(m.bounds_of(["RU-KRS", "UA-59"]), pad=0.03)
    land.draw(m, ["RU-KRS"], border_width=2.6)
    layers.control_areas(m)
    named = ["RU-KRS", "UA-59", "RU-BEL", "RU-BRY", "RU-ORL", "UA-74", "UA-63", "UA-53"]
    names.regions(m, named, emphasis=["RU-KRS"])
    distance = ""
    for s in shown[shown.id == "sudzha"].itertuples():
        km, near = geometry.distance_km(s.lon, s.lat, m.country_shape("UA"))
        towns.distance_line(m, s, near, km)
        distance = f" {s.name} lies {km:.0f} km from the Ukrainian border."
    towns.draw(m, shown, ["kursk", "sudzha", "sumy", "belgorod", "korenevo", "rylsk", "lgov"])
    layers.extra(m)
    return m.finish(
        alt="Map of Russia's Kursk oblast and Ukraine's Sumy oblast, with the state border drawn as a strong line. "
        f"Marked: {_and(list(shown.name))}.{distance}"
    )


@_doc.stamp
def donetsk(
    *,
    places: Any = None,
    regions: Any = None,
    events: Any = None,
    layer: Any = None,
    lang: Lang = "en",
    size: Size = "wide",
    theme: Theme = "light",
    extra: Any = None,
) -> go.Figure:
    """Map the Donetsk front: Pokrovsk, Kurakhove and the damaged reservoir dam.

    Every event at an approximate place drawn is annotated (by default the
    11 Nov 2024 dam damage); approximate places are an open marker inside a
    shaded disc of their ``precision_m``.

    Parameters
    ----------
    {places}
    {regions}
    {events}
    {layer}
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
        title="The Donetsk front: Pokrovsk and Kurakhove",
        subtitle="",
        places=places,
        regions=regions,
        events=events,
        layer=layer,
        extra=extra,
        size=size,
        theme=theme,
        lang=lang,
    )
    m.subtitle = "Towns in the path of Russia's autumn 2024 advance, and the Kurakhove reservoir dam" + m.layer_subtitle
    shown = m.frame(m.bounds_of(["UA-14"]), pad=0.02, annotate_events=True)
    land.draw(m, ["UA-14"])
    layers.control_areas(m)
    names.regions(m, ["UA-14", "UA-09", "UA-63", "UA-12", "UA-23", "RU-ROS"], emphasis=["UA-14"])
    towns.draw(m, shown, ["pokrovsk", "kurakhove", "donetsk", "myrnohrad", "selydove", "kramatorsk"])
    layers.extra(m)
    approx = set(shown.loc[shown.approximate, "id"])
    events = " ".join(
        f"{e.title} on {fmt.date(e.date)}{' (approximate position)' if e.place_id in approx else ''}."
        for e in m.drawn_events.itertuples()
    )
    return m.finish(alt=f"Map of Ukraine's Donetsk oblast. Marked: {_and(list(shown.name))}. {events}".strip())


def _and(items: list[str]) -> str:
    items = [str(i) for i in items]
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
