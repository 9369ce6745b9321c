"""The registry of article figures: stable slugs to builder functions."""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["FigureSpec", "Need", "FIGURES", "PAGE_SIZES", "PAGE_THEMES", "build", "layouts"]


@dataclass(frozen=True)
class Need:
    """Data a figure cannot be drawn without: a row of dataset ``kind`` whose ``column`` is one of ``values``."""

    kind: str
    column: str
    values: tuple[str, ...]


def _regions(*codes: str) -> tuple[Need, ...]:
    return tuple(Need("regions", "iso_3166_2", (code,)) for code in codes)


def _claims(*subjects: str) -> tuple[Need, ...]:
    return (Need("claims", "subject", subjects),)


@dataclass(frozen=True)
class FigureSpec:
    """One article figure: its slug, what it shows, its builder, and the data it needs.

    ``needs`` lists, per dataset, the rows a builder cannot do without (an oblast it
    frames or highlights, a country it outlines, a subject it charts); the bundled data
    meets them all, and ``vizlib figures --data`` checks a user's data against them
    before it builds anything. ``layer`` is the kind of control-area layer a map draws
    (:func:`vizlib.frontline.for_date`): ``"archive"`` (the occupied area of the map's
    very day), ``"auto"`` (a full export, with the Kursk salient, when there is one),
    ``"export"``; ``"required"``: the figure reads its own layers of several dates through
    the cache, and cannot be drawn without them (``vizlib figures --frontline none`` skips it).
    """

    slug: str
    title: str
    module: str
    function: str
    needs: tuple[Need, ...] = ()
    layer: str | None = None

    def builder(self) -> Callable[..., Any]:
        """Import and return the builder function."""
        return getattr(importlib.import_module(self.module), self.function)


FIGURES = {
    spec.slug: spec
    for spec in (
        FigureSpec(
            "theatre",
            "Map: the theatre, Kursk and Donetsk oblasts in context",
            "vizlib.maps",
            "theatre",
            _regions("RU-KRS", "UA-14", "UA", "RU", "BY"),  # highlighted oblasts; countries outlined and named
            layer="auto",
        ),
        FigureSpec(
            "kursk",
            "Map: Kursk oblast and the Ukrainian border, Sudzha",
            "vizlib.maps",
            "kursk",
            _regions("RU-KRS", "UA-59", "UA", "RU"),  # framed on both oblasts; the border is the UA/RU outlines'
            layer="auto",
        ),
        FigureSpec(
            "donetsk",
            "Map: Donetsk front, Pokrovsk, Kurakhove and the reservoir dam",
            "vizlib.maps",
            "donetsk",
            _regions("UA-14", "UA"),
            layer="archive",
        ),
        FigureSpec(
            "pokrovsk",
            "Map: Pokrovsk close up, the villages around it and the front",
            "vizlib.maps",
            "pokrovsk",
            _regions("UA-14", "UA"),
            layer="archive",
        ),
        FigureSpec(
            "kurakhove",
            "Map: Kurakhove close up, the reservoir dam and the villages downstream",
            "vizlib.maps",
            "kurakhove",
            _regions("UA-14", "UA"),
            layer="archive",
        ),
        FigureSpec(
            "front-change",
            "Map: ground that changed hands in Donetsk oblast, 6 Aug 2024 to the set's date",
            "vizlib.maps",
            "front_change",
            _regions("UA-14", "UA"),
            layer="required",
        ),
        FigureSpec(
            "front-animation",
            "Map: the Donetsk front week by week, 8 Jul 2024 to the set's date (animated in the web page)",
            "vizlib.maps",
            "front_animation",
            _regions("UA-14", "UA"),
            layer="required",
        ),
        FigureSpec(
            "pokrovsk-multiples",
            "Map: the front at Pokrovsk on six dates three weeks apart, to the set's date (small multiples, for print)",
            "vizlib.maps",
            "small_multiples",
            _regions("UA-14", "UA"),
            layer="required",
        ),
        FigureSpec(
            "troops-kursk",
            "Chart: claimed Russian troop numbers in Kursk oblast",
            "vizlib.charts",
            "troops_kursk",
            _claims("ru_troops_kursk"),
        ),
        FigureSpec(
            "north-korea",
            "Chart: claimed North Korean troop numbers in Russia and Kursk",
            "vizlib.charts",
            "north_korea",
            _claims("nk_troops_russia", "nk_troops_kursk"),
        ),
        FigureSpec(
            "kursk-area",
            "Chart: Ukrainian-held area in Kursk oblast as claimed by each side",
            "vizlib.charts",
            "kursk_area",
            _claims("ua_held_area_kursk"),
            layer="export",
        ),
        FigureSpec(
            "occupied-area",
            "Chart: occupied area of Donetsk oblast measured on each day's control layer",
            "vizlib.charts",
            "occupied_area",
            _regions("UA-14"),
            layer="required",
        ),
        FigureSpec("timeline", "Chart: timeline of the events, June-December 2024", "vizlib.charts", "timeline"),
    )
}


def build(slug: str, data: Mapping[str, Any] | None = None, **options: Any) -> Any:
    """Build one article figure by slug.

    Parameters
    ----------
    slug : str
        A key of :data:`FIGURES`.
    data : mapping, optional
        The user's own datasets by kind (``claims``, ``events``, ``places``,
        ``regions``): each is passed to the builder if it draws that kind.
    **options
        Passed to the builder (``size=``, ``theme=``, ...).

    Returns
    -------
    plotly.graph_objects.Figure
    """
    try:
        spec = FIGURES[slug]
    except KeyError:
        raise KeyError(f"unknown figure {slug!r}; known: {', '.join(FIGURES)}") from None
    builder = spec.builder()
    accepted = inspect.signature(builder).parameters
    own = {kind: source for kind, source in (data or {}).items() if kind in accepted}
    # options a builder does not take (a layer for a chart) are left out
    return builder(**own, **{k: v for k, v in options.items() if k in accepted})


#: The size presets a figure's responsive web page carries (narrowest first), and its themes.
PAGE_SIZES = ("phone", "column", "wide")
PAGE_THEMES = ("light", "dark")


def layouts(
    slug: str,
    data: Mapping[str, Any] | None = None,
    *,
    sizes: tuple[str, ...] = PAGE_SIZES,
    themes: tuple[str, ...] = PAGE_THEMES,
    built: Mapping[tuple[str, str], Any] | None = None,
    **options: Any,
) -> dict[tuple[str, str], Any]:
    """Build one article figure in every size and theme its responsive web page carries.

    Parameters
    ----------
    slug : str
        A key of :data:`FIGURES`.
    data : mapping, optional
        As for :func:`build`.
    sizes, themes : tuple of str
        Size presets (:data:`vizlib.theme.SIZES`) and themes to build.
    built : mapping of (size, theme) to Figure, optional
        Layouts already built with the same data and options (the figure being exported): used
        as they are, not built again.
    **options
        Passed to every build (``lang=``, ``as_of=``, ``layer=``, ...); ``size`` and
        ``theme`` are the layouts' own and are ignored here.

    Returns
    -------
    dict of (size, theme) to plotly.graph_objects.Figure
        What :func:`vizlib.export.save` takes as ``layouts=``. With ``"light"`` among ``themes``,
        each size is drawn once, in light, and its other themes are that drawing recoloured
        (:func:`vizlib.theme.recolour`: the figure a build in that theme makes, at a fraction of the time).

    Examples
    --------
    >>> from vizlib import export, registry
    >>> export.save(registry.build("timeline"), "out/", layouts=registry.layouts("timeline"))  # doctest: +SKIP
    """
    from vizlib import theme as _theme

    shared = {k: v for k, v in options.items() if k not in ("size", "theme")}
    known = dict(built or {})

    def layout(size: str, theme: str) -> Any:
        if (size, theme) not in known:
            if theme != "light" and "light" in themes:  # the same drawing in the other palette (theme.recolour)
                known[size, theme] = _theme.recolour(layout(size, "light"), theme)
            else:
                known[size, theme] = build(slug, data, size=size, theme=theme, **shared)
        return known[size, theme]

    return {(size, theme): layout(size, theme) for size in sizes for theme in themes}
