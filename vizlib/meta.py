"""Editorial metadata carried by every vizlib figure.

A builder describes its figure once with :class:`FigureMeta` (title,
subtitle, sources, as-of date, alt text, notes, the data drawn) and calls
:func:`apply`, which lays out the title block and the footer from it and
stores it in ``fig.layout.meta["vizlib"]``. Export, the CLI and notebooks
read it back with :func:`get`; nothing re-types it.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from vizlib import fmt, theme

__all__ = ["Source", "FigureMeta", "apply", "margins", "get", "data_frame", "escape"]

#: Pixels per character of the 11 px footer font, for wrapping the source line.
_FOOTER_CHAR_PX = 5.9
_FOOTER_LINE_PX = 15
#: Room under the plot for x tick labels, above the footer.
_AXIS_LABELS_PX = 34
#: Gap between plot and footer when the plot has no axis labels (maps).
_NO_AXIS_LABELS_PX = 6


@dataclass(frozen=True)
class Source:
    """A dataset or publication a figure draws on."""

    name: str
    url: str | None = None
    licence: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        """Return the source as a plain dict (for manifests)."""
        return {"name": self.name, "url": self.url, "licence": self.licence}


@dataclass(frozen=True)
class FigureMeta:
    """Everything a newsroom publishes alongside a figure.

    Attributes
    ----------
    slug : str
        Stable figure name, e.g. ``"troops-kursk"``.
    title, subtitle : str
        Headline and standfirst.
    sources : tuple of Source
        Every dataset and publication drawn, in order of first use.
    as_of : datetime.date
        Date of the newest datum drawn.
    alt : str
        Alt text written from the data.
    data : pandas.DataFrame
        The rows drawn, for the "get the data" sidecar.
    notes : str
        Caveats shown under the source line.
    """

    slug: str
    title: str
    subtitle: str
    sources: tuple[Source, ...]
    as_of: dt.date
    alt: str
    data: pd.DataFrame = field(repr=False, compare=False)
    notes: str = ""

    def source_line(self) -> str:
        """Return ``Source: A; B; C`` with each name once, in order."""
        names = list(dict.fromkeys(s.name for s in self.sources))
        return "Source: " + "; ".join(names)

    def to_dict(self) -> dict[str, Any]:
        """Return the metadata as JSON-ready data (dates as ISO strings)."""
        table = self.data.copy()
        for column in table.columns:
            if pd.api.types.is_datetime64_any_dtype(table[column]):
                table[column] = table[column].dt.strftime("%Y-%m-%d")
        table = table.astype(object).where(table.notna(), None)
        return {
            "slug": self.slug,
            "title": self.title,
            "subtitle": self.subtitle,
            "sources": [s.as_dict() for s in self.sources],
            "source_line": self.source_line(),
            "as_of": self.as_of.isoformat(),
            "alt": self.alt,
            "notes": self.notes,
            "data": {"columns": list(table.columns), "rows": table.values.tolist()},
        }


def apply(
    fig: go.Figure,
    meta: FigureMeta,
    *,
    size: str = theme.DEFAULT_SIZE,
    theme_name: str = "light",
    axis_labels: bool = True,
) -> go.Figure:
    """Lay out the title block and footer of ``fig`` from ``meta``.

    Sets the house template, the size preset, title and subtitle, a footer
    with the source line, as-of date and notes (wrapped to the width), and
    stores ``meta`` in ``fig.layout.meta["vizlib"]``.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
    meta : FigureMeta
    size : str
        A preset of :data:`vizlib.theme.SIZES`.
    theme_name : {"light", "dark"}
    axis_labels : bool
        Leave room for x tick labels between plot and footer; False (maps)
        puts the footer just under the plot.

    Returns
    -------
    plotly.graph_objects.Figure
        The same figure, for chaining.
    """
    preset = theme.size(size)
    colors = theme.colors(theme_name)
    footer = _footer_lines(meta, preset.width)
    margin = margins(meta, size, axis_labels=axis_labels)
    fig.update_layout(
        template=theme.TEMPLATES[theme_name],
        width=preset.width,
        height=preset.height,
        title=dict(
            text=f"<b>{escape(meta.title)}</b>",
            subtitle=dict(text=escape(meta.subtitle)),
            y=0.97,
            yanchor="top",
            yref="container",
            x=0.02,
            xref="container",
        ),
        margin=margin,
        meta={"vizlib": meta.to_dict()},
    )
    fig.add_annotation(
        name="footer",
        text="<br>".join(escape(line) for line in footer),
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        xanchor="left",
        yanchor="top",
        yshift=-_gap(axis_labels),
        align="left",
        showarrow=False,
        font=dict(size=11, color=colors["muted"]),
    )
    return fig


def margins(meta: FigureMeta, size: str = theme.DEFAULT_SIZE, *, axis_labels: bool = True) -> dict[str, int]:
    """Return the plot margins (px) :func:`apply` sets: room for title block and footer.

    Builders that place labels in pixel space use this to know the plot area;
    ``axis_labels`` as in :func:`apply`.
    """
    lines = len(_footer_lines(meta, theme.size(size).width))
    return {"t": 92, "b": _gap(axis_labels) + _FOOTER_LINE_PX * lines + 10, "l": 56, "r": 32}


def _gap(axis_labels: bool) -> int:
    return _AXIS_LABELS_PX if axis_labels else _NO_AXIS_LABELS_PX


def _footer_lines(meta: FigureMeta, width_px: int) -> list[str]:
    chars = max(40, int((width_px - 60) / _FOOTER_CHAR_PX))
    text = f"{meta.source_line()}. As of {fmt.date(meta.as_of)}."
    if meta.notes:
        text += f" {meta.notes}"
    return textwrap.wrap(text, chars)


def escape(text: str) -> str:
    """Make data text safe for plotly's HTML-like label markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def get(fig: go.Figure) -> dict[str, Any]:
    """Return the metadata that :func:`apply` stored on a figure.

    Raises
    ------
    KeyError
        If the figure was not made by a vizlib builder.
    """
    stored = fig.layout.meta
    if not isinstance(stored, dict) or "vizlib" not in stored:
        raise KeyError("figure carries no vizlib metadata (was it built by vizlib?)")
    return stored["vizlib"]


def data_frame(fig: go.Figure) -> pd.DataFrame:
    """Return the data a figure draws, as stored in its metadata."""
    table = get(fig)["data"]
    return pd.DataFrame(table["rows"], columns=table["columns"])
