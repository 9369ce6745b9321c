"""The registry of article figures: stable slugs to builder functions."""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["FigureSpec", "FIGURES", "build"]


@dataclass(frozen=True)
class FigureSpec:
    """One article figure: its slug, what it shows, and its builder."""

    slug: str
    title: str
    module: str
    function: str

    def builder(self) -> Callable[..., Any]:
        """Import and return the builder function."""
        return getattr(importlib.import_module(self.module), self.function)


FIGURES = {
    spec.slug: spec
    for spec in (
        FigureSpec("theatre", "Map: the theatre, Kursk and Donetsk oblasts in context", "vizlib.maps", "theatre"),
        FigureSpec("kursk", "Map: Kursk oblast and the Ukrainian border, Sudzha", "vizlib.maps", "kursk"),
        FigureSpec(
            "donetsk", "Map: Donetsk front, Pokrovsk, Kurakhove and the reservoir dam", "vizlib.maps", "donetsk"
        ),
        FigureSpec(
            "troops-kursk", "Chart: claimed Russian troop numbers in Kursk oblast", "vizlib.charts", "troops_kursk"
        ),
        FigureSpec(
            "north-korea",
            "Chart: claimed North Korean troop numbers in Russia and Kursk",
            "vizlib.charts",
            "north_korea",
        ),
        FigureSpec(
            "kursk-area",
            "Chart: Ukrainian-held area in Kursk oblast as claimed by each side",
            "vizlib.charts",
            "kursk_area",
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
    return builder(**own, **options)
