"""The figure core: one figure under construction, shared by every map and chart.

A :class:`Canvas` plays the part ``plotly.express._core.make_figure`` plays for
px. It resolves the size preset, theme and language once; knows the editorial
facts (title, subtitle, sources, as-of date, notes) before anything is drawn,
so the footer's real height, and hence the plot area in pixels, is fixed before
a map is framed or a label placed; holds the obstacles and label requests of the
marks; adds traces; and finishes the figure with its editorial metadata
(:func:`vizlib.meta.apply`). A builder reads top to bottom: load data, editorial
facts, canvas, marks, finish.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from vizlib import i18n, meta
from vizlib import theme as _theme
from vizlib._labels import Box, Label, place
from vizlib.meta import FigureMeta, Source


class Canvas:
    """One figure under construction.

    Parameters
    ----------
    slug : str
        The figure's stable name.
    title, subtitle : str
        Headline and standfirst.
    sources : iterable of Source
        Every dataset and publication the figure draws, in order of first use.
    as_of : datetime.date
        The date the figure is drawn as of.
    notes : str
        Caveats printed under the source line (an English message is translated).
    card_notes : str
        The part of ``notes`` a social card prints too (:attr:`vizlib.meta.FigureMeta.card_notes`).
    size : str
        A preset of :data:`vizlib.theme.SIZES`.
    theme : {"light", "dark"}
    lang : {"en", "uk"}
    axis_labels : bool
        Leave room for x tick labels between plot and footer (charts); maps put
        the footer just under the plot.
    key_px : float
        Room kept under the plot (and its tick labels) for a key, in pixels.
    sides : (int, int), optional
        Left and right margins in pixels (default: :func:`vizlib.meta.margins`'s); see
        :meth:`set_sides`.
    min_plot_px : int, optional
        The least height of the plot area; the figure grows past its preset's height to keep it
        (default :attr:`MIN_PLOT_PX` of the size: a phone's chart keeps 200 px). A card never grows.
    grow_px : float
        Pixels the figure grows past its preset's height, for what stands under the plot beyond a
        plain key (a claim chart's key of two parts under their headings), so that the plot keeps its
        height. Ignored on a card.

    Raises
    ------
    ValueError
        On an unknown size, theme or language.
    """

    #: The least height of the plot area at a size (pixels); the figure grows taller to keep it.
    MIN_PLOT_PX: dict[str, int] = {"phone": 200}

    def __init__(
        self,
        slug: str,
        *,
        title: str,
        subtitle: str,
        sources: Iterable[Source] = (),
        as_of: dt.date,
        notes: str = "",
        card_notes: str = "",
        size: str = _theme.DEFAULT_SIZE,
        theme: str = "light",
        lang: str = "en",
        axis_labels: bool = True,
        key_px: float = 0,
        sides: tuple[int, int] | None = None,
        min_plot_px: int | None = None,
        grow_px: float = 0,
    ) -> None:
        self.t = i18n.words(lang)
        self.min_plot_px, self.grow_px = min_plot_px, grow_px
        self.slug, self.size, self.theme, self.lang = slug, size, theme, lang
        self.preset = _theme.size(size)
        self.c = _theme.colors(theme)
        self.title, self.subtitle = self.t(title), self.t(subtitle)
        self.axis_labels, self.sides = axis_labels, sides
        self.fig = go.Figure()
        #: annotations and shapes, set on the figure at once when it is finished (plotly re-checks every
        #: earlier one on each ``add_annotation``: 15 of them cost ~15x one batch)
        self.annotations: list[dict[str, Any]] = []
        self.shapes: list[dict[str, Any]] = []
        self.obstacles: list[Box] = []
        self.lines: list[Box] = []
        self.labels: list[Label] = []
        self.set_facts(sources=sources, as_of=as_of, notes=notes, card_notes=card_notes, key_px=key_px)

    # ---- editorial facts and the plot area they leave
    def set_facts(
        self, *, sources: Iterable[Source], as_of: dt.date, notes: str = "", card_notes: str = "", key_px: float = 0
    ) -> Box:
        """Fix the sources, as-of date and notes; return the plot area the footer leaves.

        Callable again before the first mark (a map frames itself with the
        facts its frame brings in); never after.
        """
        if self.fig.data:
            raise RuntimeError("the footer is fixed once marks are drawn")
        self.sources = tuple(dict.fromkeys(sources))
        self.as_of, self.notes, self.card_notes, self.key_px = as_of, self.t(notes), self.t(card_notes), key_px
        draft = FigureMeta(
            self.slug, self.title, self.subtitle, self.sources, as_of, "", pd.DataFrame(), self.notes, self.lang,
            self.card_notes,
        )
        self.margin = meta.margins(draft, self.size, axis_labels=self.axis_labels, key_px=key_px, sides=self.sides)
        w, h = self.preset.width, self.preset.height + (0 if self.preset.card else round(self.grow_px))
        # A chart whose words leave its plot too short (a phone, a long language) grows taller: a page
        # scrolls, and the embed takes the page's height.
        least = self.min_plot_px if self.min_plot_px is not None else self.MIN_PLOT_PX.get(self.size, 0)
        least = 0 if self.preset.card else least  # a card is an image of fixed size: it never grows
        self.height = h + max(least - (h - self.margin["t"] - self.margin["b"]), 0)
        self.plot = Box(self.margin["l"], self.margin["t"], w - self.margin["r"], self.height - self.margin["b"])
        return self.plot

    def set_sides(self, left: int, right: int) -> Box:
        """Set the left and right margins (room for tick labels) before the first mark; return the plot area."""
        self.sides = (left, right)
        return self.set_facts(**self._fixed_facts(), key_px=self.key_px)

    def set_key_px(self, key_px: float) -> Box:
        """Keep ``key_px`` pixels under the plot for a key, before the first mark; return the plot area."""
        return self.set_facts(**self._fixed_facts(), key_px=key_px)

    def retitle(self, *, title: str | None = None, subtitle: str | None = None) -> Box:
        """Change the title or subtitle before the first mark; return the plot area they leave."""
        self.title = self.title if title is None else self.t(title)
        self.subtitle = self.subtitle if subtitle is None else self.t(subtitle)
        return self.set_facts(**self._fixed_facts(), key_px=self.key_px)

    def _fixed_facts(self) -> dict[str, Any]:
        return dict(sources=self.sources, as_of=self.as_of, notes=self.notes, card_notes=self.card_notes)

    # ---- marks
    def add(self, trace: Any, **where: Any) -> int:
        """Add a trace, or a dict with its ``type`` (``row``/``col`` for subplots); return its index in ``fig.data``."""
        self.fig.add_trace(trace, **where)
        return len(self.fig.data) - 1

    def annotate(self, **annotation: Any) -> None:
        """Add a text annotation (``fig.add_annotation``'s arguments); drawn when the figure is finished."""
        self.annotations.append(annotation)

    def shape(self, **shape: Any) -> None:
        """Add a shape (``fig.add_shape``'s arguments); drawn when the figure is finished."""
        self.shapes.append(shape)

    def obstacle(self, *boxes: Box, thin: bool = False) -> None:
        """Keep labels clear of these boxes; ``thin`` ones (a drawn line) are avoided where there is room."""
        (self.lines if thin else self.obstacles).extend(boxes)

    def place_labels(self, labels: Sequence[Label] | None = None, **options: Any) -> list[Label]:
        """Place ``labels`` (default: every label requested) inside the plot, clear of the obstacles."""
        labels = self.labels if labels is None else labels
        options.setdefault("lines", self.lines)
        # a label that names its rivals (a town's dot among the others) keeps its marks to itself
        options.setdefault("marks", [mark for label in labels if not label.rivals for mark in label.marks])
        return place(labels, self.plot, self.obstacles, **options)

    def panel(
        self,
        x_range: tuple[Any, Any],
        y_range: tuple[float, float],
        x_domain: tuple[float, float] = (0, 1),
        y_domain: tuple[float, float] = (0, 1),
    ) -> Panel:
        """Return the pixel mapping of one chart panel (dates or numbers on x, numbers on y)."""
        p = self.plot
        box = Box(
            p.x0 + x_domain[0] * p.width,
            p.y1 - y_domain[1] * p.height,
            p.x0 + x_domain[1] * p.width,
            p.y1 - y_domain[0] * p.height,
        )
        return Panel(x_range, y_range, box)

    # ---- finishing
    def finish(self, *, alt: str, data: pd.DataFrame) -> go.Figure:
        """Lay out title block and footer, store the editorial metadata, and return the figure."""
        self.fig.update_layout(
            annotations=[*(self.fig.layout.annotations or ()), *self.annotations],
            shapes=[*(self.fig.layout.shapes or ()), *self.shapes],
        )
        fm = FigureMeta(
            self.slug,
            self.title,
            self.subtitle,
            self.sources,
            self.as_of,
            alt,
            data.reset_index(drop=True),
            self.notes,
            self.lang,
            self.card_notes,
        )
        return meta.apply(
            self.fig,
            fm,
            size=self.size,
            theme_name=self.theme,
            axis_labels=self.axis_labels,
            key_px=self.key_px,
            sides=self.sides,
            height=self.height,
        )


@dataclass(frozen=True)
class Panel:
    """Maps one chart panel's data coordinates to figure pixels (y down)."""

    x_range: tuple[Any, Any]
    y_range: tuple[float, float]
    box: Box

    def _x_value(self, value: Any) -> float:
        if isinstance(self.x_range[0], (int, float)):
            return float(value)
        return (pd.Timestamp(value) - pd.Timestamp(self.x_range[0])) / pd.Timedelta(days=1)

    @property
    def x_span(self) -> float:
        """Width of the x range in data units (days for dates)."""
        return self._x_value(self.x_range[1]) - self._x_value(self.x_range[0])

    def px_per_x(self) -> float:
        """Pixels per x unit (per day for dates)."""
        return self.box.width / self.x_span

    def x(self, value: Any) -> float:
        """Return the pixel x of a data x (a date or a number)."""
        return self.box.x0 + (self._x_value(value) - self._x_value(self.x_range[0])) * self.px_per_x()

    def y(self, value: float) -> float:
        """Return the pixel y (down) of a data y."""
        low, high = self.y_range
        return self.box.y1 - (value - low) / (high - low) * self.box.height

    def y_per_px(self) -> float:
        """Return the data units of y per pixel."""
        return (self.y_range[1] - self.y_range[0]) / self.box.height
