"""The house theme: palette, typography, article sizes, plotly templates.

Importing this module registers two plotly templates, ``"vizlib"`` (light)
and ``"vizlib_dark"``. Builders take ``theme="light" | "dark"`` and
``size=<preset>`` and read colours with :func:`colors`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

__all__ = [
    "FONT_FAMILY",
    "Size",
    "SIZES",
    "DEFAULT_SIZE",
    "PHONE_PX",
    "CARD_KEY_TEXT_PX",
    "PALETTES",
    "DATA_KEYS",
    "TEMPLATES",
    "SIDE_COLOR_KEYS",
    "colors",
    "recolour",
    "size",
    "register",
]

#: Fonts that ship with Debian's chromium (Liberation, DejaVu) first, so notebooks and exports
#: measure text the same way; then Noto CJK for Korean names (``make`` installs fonts-noto-cjk).
FONT_FAMILY = "Liberation Sans, Arial, DejaVu Sans, Noto Sans CJK KR, sans-serif"


@dataclass(frozen=True)
class Size:
    """An article size preset in CSS pixels (PNG export doubles it).

    A ``card`` (the social preset) is a design of its own, not a page: a feed shows it about
    400 px wide, so its type is large for its width; it prints the title, a one-line subtitle
    where one fits, the figure and a one-line credit (notes stay in the manifest, but for those a
    mark on the card needs, :attr:`vizlib.meta.FigureMeta.card_notes`); keys stand beside the
    plot, never under it; it never grows taller.
    """

    name: str
    width: int
    height: float
    description: str
    card: bool = False


SIZES = {
    s.name: s
    for s in (
        Size("phone", 320, 640, "phone, portrait: the text column of the narrowest phones"),
        Size("column", 640, 560, "single article column"),
        Size("wide", 960, 640, "wide / full-bleed article figure"),
        Size("social", 600, 337.5, "social card, 16:9: a 1200×675 PNG at scale 2", card=True),
    )
}
DEFAULT_SIZE = "wide"
#: Figures narrower than this (CSS px) are laid out for a phone: tight side margins, the key and the notes
#: under a chart from the title's left edge, labels wrapped to the room there is.
PHONE_PX = 480
#: The widest line of a social card's key beside its plot, a map's or a chart's (its names wrap to it), in pixels.
CARD_KEY_TEXT_PX = 130

# Okabe & Ito (2008) blue and vermilion for the two sides. Every pair of
# data colours (DATA_KEYS) stays >= 15 CAM02-UCS apart under simulated
# deuteranopia, protanopia and normal vision, with 3:1 contrast on the
# background (tests/test_theme.py, MIN_DELTA_E). The closest pairs: light
# 16.4 (russia / south_korea, deuteranopia), dark 16.7 (south_korea / context,
# protanopia): the dark green is as light as that allows (4:1 on the background;
# #00725A stood at 3.1:1, dark on dark). South Korea is green, not blue: blue means Ukraine; claims
# made by several sides are drawn in the text colour, apart from US grey.
# Land tints differ in lightness so Ukraine and Russia stay apart in
# greyscale too. Russia is a neutral warm grey so that occupied Ukraine (coral)
# and the Ukrainian-held part of Russia (blue) read at once; every pair of map
# fills that can touch stays >= 11 CAM02-UCS apart with colour blindness
# (tests/test_theme.py, MAP_FILLS). Country and oblast names (map_label) keep 3:1 on every land fill,
# occupied ground's included, before their halo of the background colour.
_LIGHT = {
    "ukraine": "#0072B2",
    "russia": "#D55E00",
    "north_korea": "#871E5A",
    "south_korea": "#3CA866",
    "highlight": "#960F00",
    "context": "#767676",
    "several_sides": "#1A1A1A",
    "ukraine_land": "#DCEAF6",
    "ukraine_land_highlight": "#8DBDE2",
    "russia_land": "#D0CBC4",
    "russia_land_highlight": "#B3AB9F",
    "other_land": "#EFEFEF",
    "water": "#FFFFFF",
    "border": "#FFFFFF",
    "country_border": "#3A3A3A",
    "occupied": "#EE8B73",
    "ukrainian_held": "#2C7BB6",
    "unknown": "#7D7D7D",
    "occupied_town": "#A8321A",
    "taken": "#5E0B1B",
    "retaken": "#3A8AD0",
    "held_town": "#0A3A6B",
    "text": "#1A1A1A",
    "muted": "#5E5E5E",
    "map_label": "#444444",
    "grid": "#E3E3E3",
    "background": "#FFFFFF",
}
_DARK = {
    **_LIGHT,
    "ukraine": "#56B4E9",
    "russia": "#F08A4B",
    "north_korea": "#8C5AD2",
    "south_korea": "#398466",
    "highlight": "#FFE85C",
    "context": "#A0A0A0",
    "several_sides": "#EDEDED",
    "ukraine_land": "#395875",
    "ukraine_land_highlight": "#3B74A1",
    "russia_land": "#45403A",
    "russia_land_highlight": "#625A50",
    "other_land": "#262626",
    "water": "#161616",
    "border": "#161616",
    "country_border": "#D0D0D0",
    "occupied": "#C0563F",
    "ukrainian_held": "#4FA3E0",
    "unknown": "#8A8A8A",
    "occupied_town": "#FF9C7D",
    "taken": "#8E1F12",
    "retaken": "#7CC2F5",
    "held_town": "#9FD3FF",
    "text": "#EDEDED",
    "muted": "#B0B0B0",
    "map_label": "#D6D6D6",
    "grid": "#333333",
    "background": "#161616",
}
PALETTES = {"light": _LIGHT, "dark": _DARK}
#: The categorical data colours, in colorway order; all pairs stay apart
#: with colour blindness (see the note above the palettes).
DATA_KEYS = ("ukraine", "russia", "north_korea", "south_korea", "highlight", "context", "several_sides")
TEMPLATES = {"light": "vizlib", "dark": "vizlib_dark"}

#: Colour of each claimant side (ISO 3166-1 alpha-2, as in ``claims.csv``).
SIDE_COLOR_KEYS = {"UA": "ukraine", "RU": "russia", "US": "context", "KR": "south_korea", "multi": "several_sides"}


def colors(theme: str = "light") -> dict[str, str]:
    """Return the semantic palette of a theme.

    Parameters
    ----------
    theme : {"light", "dark"}

    Returns
    -------
    dict
        Colour names (``ukraine``, ``russia``, ``north_korea``, ``south_korea``, ``highlight``,
        ``context``, land tints, layer colours, ``text`` ...) to hex strings.
    """
    try:
        return dict(PALETTES[theme])
    except KeyError:
        raise ValueError(f"theme must be one of {sorted(PALETTES)}, not {theme!r}") from None


def recolour(fig: go.Figure, theme: str, *, drawn_in: str = "light") -> go.Figure:
    """Return a copy of ``fig`` in another theme: each colour of its palette swapped for its counterpart.

    A builder's figure differs between themes only in the palette's colours (tests/test_recolour.py
    checks this for every article figure), so a page's dark layouts are its light ones recoloured,
    not drawn a second time.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
        A figure drawn in ``drawn_in``, its colours the palette's (``#RRGGBB``; in strings too,
        such as a text shadow).
    theme, drawn_in : {"light", "dark"}
        The theme wanted, and the one ``fig`` was drawn in.

    Returns
    -------
    plotly.graph_objects.Figure
        A new figure; ``fig`` is left as it was.

    Raises
    ------
    ValueError
        If a theme is unknown, or one colour of ``drawn_in`` stands for two colours of ``theme``.
    """
    swap = _swap(drawn_in, theme)
    if not swap:
        return go.Figure(fig)
    pattern = re.compile("|".join(map(re.escape, swap)))

    def text(value: str) -> str:
        return pattern.sub(lambda m: swap[m.group(0)], value) if "#" in value else value

    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return text(value)
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [walk(v) for v in value]
        if isinstance(value, np.ndarray) and value.dtype.kind in "OU":  # per-point colours, texts
            return np.array([walk(v) for v in value.tolist()], dtype=object if value.dtype.kind == "O" else None)
        return value

    return go.Figure(walk(fig.to_dict()))


@functools.cache
def _swap(drawn_in: str, theme: str) -> dict[str, str]:
    """Each colour of ``drawn_in``'s palette that differs in ``theme``, to that colour."""
    before, after = colors(drawn_in), colors(theme)
    swap: dict[str, str] = {}
    for role, colour in before.items():
        if swap.setdefault(colour, after[role]) != after[role]:
            raise ValueError(f"{colour} of the {drawn_in} theme is both {swap[colour]} and {after[role]} in {theme}")
    return {old: new for old, new in swap.items() if old != new}


def size(name: str) -> Size:
    """Return an article size preset by name (``column``, ``wide``, ``social``)."""
    try:
        return SIZES[name]
    except KeyError:
        raise ValueError(f"size must be one of {sorted(SIZES)}, not {name!r}") from None


def _template(theme: str) -> go.layout.Template:
    c = PALETTES[theme]
    axis = dict(
        gridcolor=c["grid"],
        linecolor=c["muted"],
        zerolinecolor=c["grid"],
        tickcolor=c["muted"],
        ticks="outside",
        ticklen=4,
        title=dict(font=dict(size=13, color=c["muted"])),
        tickfont=dict(size=12, color=c["muted"]),
        automargin=True,
    )
    return go.layout.Template(
        layout=dict(
            font=dict(family=FONT_FAMILY, size=13, color=c["text"]),
            paper_bgcolor=c["background"],
            plot_bgcolor=c["background"],
            colorway=[c[k] for k in DATA_KEYS],
            title=dict(
                x=0,
                xref="paper",
                xanchor="left",
                font=dict(size=20, color=c["text"]),
                subtitle=dict(font=dict(size=14, color=c["muted"])),
            ),
            xaxis=dict(axis, showgrid=False),
            yaxis=dict(axis, showgrid=True, ticks=""),
            legend=dict(font=dict(size=12), bgcolor="rgba(0,0,0,0)", orientation="h", x=0, xanchor="left"),
            hoverlabel=dict(font=dict(family=FONT_FAMILY, size=12)),
            geo=dict(bgcolor=c["water"]),
        )
    )


def register() -> None:
    """Register the ``vizlib`` and ``vizlib_dark`` templates with plotly."""
    for theme, name in TEMPLATES.items():
        pio.templates[name] = _template(theme)


register()
