"""Editorial metadata carried by every vizlib figure.

A builder describes its figure once with :class:`FigureMeta` (title,
subtitle, sources, as-of date, alt text, notes, the data drawn) and calls
:func:`apply`, which lays out the title block and the footer from it and
stores it in ``fig.layout.meta["vizlib"]``. Export, the CLI and notebooks
read it back with :func:`get`; nothing re-types it.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from vizlib import _text, i18n, theme

__all__ = [
    "Source",
    "FigureMeta",
    "SOURCE_LINE_CHARS",
    "apply",
    "margins",
    "footer_x",
    "get",
    "unbroken_words",
    "data_frame",
    "escape",
    "wrap",
    "wrap_chars",
]

#: The longest printed source line, in characters (about two lines at column width).
SOURCE_LINE_CHARS = 200
_FOOTER_LINE_PX = 15
#: Where the title block starts, as a share of the figure's width (a map's left edge lines up with it).
_TITLE_X = 0.02
#: Height of each extra line of a wrapped title (20 px) or subtitle (14 px).
_TITLE_LINE_PX = 26
_SUBTITLE_LINE_PX = 18
#: Room under the plot for x tick labels, above the footer.
_AXIS_LABELS_PX = 34
#: Gap between plot and footer when the plot has no axis labels (maps).
_NO_AXIS_LABELS_PX = 6
#: The title's top (px from the figure's top). plotly.js draws a title of two or more lines this much
#: higher than one of one line (20 px bold), and a subtitle of two or more lines this much nearer its
#: title (14 px); both measured in Chromium.
_TITLE_Y_PX = 16
_TITLE_RAISE_PX = 14
_SUBTITLE_RAISE_PX = 9
#: A social card's title block: the title's top (px from the card's top), its most lines, the room
#: plotly.js puts a subtitle's line in under the title, the gap under the block.
_CARD_TITLE_Y_PX = 10
_CARD_TITLE_LINES = 2
_CARD_SUBTITLE_PX = 34
_CARD_GAP_PX = 4


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
    lang : {"en", "uk"}
        The language the figure is drawn in (the footer's words and date follow it).
    card_notes : str
        The part of ``notes`` a social card prints (:attr:`vizlib.theme.Size.card`): what a mark on it
        needs to be honest (how a starred value was derived, a control layer older than the map's date).
        Other notes stay in the manifest.
    """

    slug: str
    title: str
    subtitle: str
    sources: tuple[Source, ...]
    as_of: dt.date
    alt: str
    data: pd.DataFrame = field(repr=False, compare=False)
    notes: str = ""
    lang: str = "en"
    card_notes: str = ""

    def source_line(self, max_chars: int = SOURCE_LINE_CHARS, names: int | None = None) -> str:
        """Return ``Source: A; B; C`` with each name once, in order, in at most ``max_chars`` characters.

        Names stay as published, but for the credits vizlib writes itself (marked for the catalogs),
        which are translated.

        When the names do not fit, or more than ``names`` of them (a social card's credit keeps as
        many as fit on its line), the line ends ``and others (all sources in the data)``: the full list
        stays in the manifest and the data sidecar.
        """
        t = i18n.words(self.lang)
        every = self.source_names()
        label = t("Sources") if len(every) > 1 else t("Source")
        line = f"{label}: " + "; ".join(every)
        if len(line) <= max_chars and (names is None or names >= len(every)):
            return line
        more = " " + t("and others (all sources in the data)")
        kept: list[str] = []
        for name in every[:names]:
            if len(f"{label}: " + "; ".join([*kept, name]) + more) > max_chars:
                break
            kept.append(name)
        return f"{label}: " + "; ".join(kept) + more

    def source_names(self) -> list[str]:
        """Return the sources' names once each, in order, in the figure's language, as :meth:`source_line` has them."""
        t = i18n.words(self.lang)
        return list(dict.fromkeys(t(s.name) for s in self.sources))  # a credit vizlib writes is translated

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
            "lang": self.lang,
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
    key_px: float = 0,
    sides: tuple[int, int] | None = None,
    height: float | None = None,
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
    key_px : float
        Room kept between plot and footer for a key (a map's legend), in pixels; on a card
        (:attr:`vizlib.theme.Size.card`), room kept at the plot's right for a key beside it.
    sides : (int, int), optional
        Left and right margins in pixels (default 56 and 32); the footer starts at the
        left one (on a phone at the title's left edge, :func:`footer_x`) and wraps before the
        figure's right edge.
    height : int, optional
        The figure's height in pixels, where it grows past the preset's to keep its plot legible
        (``Canvas.MIN_PLOT_PX``); default the preset's.

    Returns
    -------
    plotly.graph_objects.Figure
        The same figure, for chaining.
    """
    preset = theme.size(size)
    colors = theme.colors(theme_name)
    margin = margins(meta, size, axis_labels=axis_labels, key_px=key_px, sides=sides)
    left = footer_x(preset.width, margin["l"])
    footer = _footer_lines(meta, preset.width - left - 4, preset.card)
    title, subtitle = _heading_lines(meta, preset.width, preset.card)
    height = height or preset.height  # an int where it is one: 640, not 640.0, in the figure JSON
    fig.update_layout(
        template=theme.TEMPLATES[theme_name],
        width=preset.width,
        height=height,
        title=dict(
            text="<br>".join(f"<b>{escape(line)}</b>" for line in title),
            subtitle=dict(text="<br>".join(escape(line) for line in subtitle)),
            y=1 - ((_CARD_TITLE_Y_PX if preset.card else _TITLE_Y_PX) + _raise(title)) / height,
            yanchor="top",
            yref="container",
            x=_TITLE_X,
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
        yshift=-_gap(axis_labels) - (0 if preset.card else key_px),
        align="left",
        showarrow=False,
        font=dict(size=11, color=colors["muted"]),
        **({"xshift": left - margin["l"]} if left != margin["l"] else {}),
    )
    return fig


def footer_x(width: int, left: int) -> int:
    """Return where the notes under a plot start, in pixels from the figure's left edge.

    Under the plot (``left``, its left margin), with the key; on a phone (narrower than
    :data:`vizlib.theme.PHONE_PX`), whose key starts at the figure's edge, at the title's left edge
    as the key does: a phone has no width to spare.
    """
    return _title_left(width) if width < theme.PHONE_PX else left


def _title_left(width: int) -> int:
    """Return the title's left edge, in pixels from the figure's (``title.x`` is a share of the width)."""
    return round(_TITLE_X * width)


def margins(
    meta: FigureMeta,
    size: str = theme.DEFAULT_SIZE,
    *,
    axis_labels: bool = True,
    key_px: float = 0,
    sides: tuple[int, int] | None = None,
) -> dict[str, int]:
    """Return the plot margins (px) :func:`apply` sets: room for title block and footer.

    Builders that place labels in pixel space use this to know the plot area;
    ``axis_labels``, ``key_px`` and ``sides`` as in :func:`apply`.
    """
    preset = theme.size(size)
    width = preset.width
    if sides is None and not axis_labels:  # a map: its left edge lines up with the title's, no tick labels
        sides = (_title_left(width),) * 2
    left, right = sides or (56, 32)
    if preset.card:  # a card's key stands at the plot's right, never under it
        right, key_px = right + round(key_px), 0
    lines = len(_footer_lines(meta, width - footer_x(width, left) - 4, preset.card))
    title, subtitle = _heading_lines(meta, width, preset.card)
    if preset.card:  # the title's lines, the subtitle's one where it fits, a gap
        top = _CARD_TITLE_Y_PX + _TITLE_LINE_PX * len(title) + _CARD_SUBTITLE_PX * len(subtitle) + _CARD_GAP_PX
    else:
        top = 92 + _TITLE_LINE_PX * (len(title) - 1) + _SUBTITLE_LINE_PX * (max(len(subtitle), 1) - 1)
        top -= _SUBTITLE_RAISE_PX if len(subtitle) > 1 else 0  # the gap under the block stays 23 px
    bottom = _gap(axis_labels) + round(key_px) + _FOOTER_LINE_PX * lines + 10
    return {"t": top, "b": bottom, "l": left, "r": right}


def _raise(title: list[str]) -> int:
    """Return how far plotly.js raises a title of more than one line (so its first line stays where one line is)."""
    return _TITLE_RAISE_PX if len(title) > 1 else 0


def _gap(axis_labels: bool) -> int:
    return _AXIS_LABELS_PX if axis_labels else _NO_AXIS_LABELS_PX


def _footer_lines(meta: FigureMeta, width_px: float, card: bool = False) -> list[str]:
    """Return the footer's lines: source line, as-of date and notes, wrapped to ``width_px``.

    A card's footer is a credit on one line (the source line keeps as many names as fit beside the
    date, the rest "and others"; should not even its first source fit, that one wrapped to two), then its
    :attr:`FigureMeta.card_notes`, if any, wrapped.
    """
    t = i18n.words(meta.lang)
    as_of = t("As of {date}", date=t.date(meta.as_of).replace(" ", chr(0xA0)))
    if card:  # the most source names that keep the credit on one line, fewer one at a time
        for count in range(len(meta.source_names()), -1, -1):
            credit = wrap(_names_whole(f"{meta.source_line(names=count)}. {as_of}.", meta.source_names()), 11, width_px)
            if len(credit) == 1 or count <= 1:
                break
        return credit + (wrap(meta.card_notes, 11, width_px) if meta.card_notes else [])
    text = _names_whole(f"{meta.source_line()}. {as_of}.", meta.source_names())
    if meta.notes:
        text += f" {meta.notes}"
    return wrap(text, 11, width_px)


#: A source's name this short (characters) keeps to one line of a footer ("The Kyiv / Independent" misread).
_WHOLE_NAME_CHARS = 32


def _names_whole(line: str, names: list[str]) -> str:
    """Return a source line with each short source name held on one line (its spaces made no-break)."""
    for name in sorted(names, key=len, reverse=True):
        if " " in name and len(name) <= _WHOLE_NAME_CHARS:
            line = line.replace(name, name.replace(" ", chr(0xA0)))
    return line


def _heading_lines(meta: FigureMeta, width_px: float, card: bool = False) -> tuple[list[str], list[str]]:
    """Return the title and subtitle wrapped to the figure's width (their fonts: 20 px bold, 14 px), in even lines.

    On a card the title keeps at most two lines (the second cut with an ellipsis, should it need a
    third) and the subtitle is drawn only where it fits on one line; the manifest keeps both whole.
    """
    room = width_px * 0.96 - 8
    title = wrap(f"<b>{meta.title}</b>", 20, room, bold=True, balance=True)
    subtitle = wrap(meta.subtitle, 14, room, balance=True)
    if not card:
        return title, subtitle
    if len(title) > _CARD_TITLE_LINES:
        words = " ".join(title[_CARD_TITLE_LINES - 1 :]).split(" ")
        while len(words) > 1 and _text.text_size(f"<b>{escape(' '.join(words))}…</b>", 20)[0] > room:
            words.pop()
        title = [*title[: _CARD_TITLE_LINES - 1], " ".join(words).rstrip(",;:") + "…"]
    return title, subtitle if len(subtitle) == 1 else []


def wrap(text: str, font_px: float, width_px: float, bold: bool = False, balance: bool = False) -> list[str]:
    """Break ``text`` into lines no wider than ``width_px`` in the house font (measured, not counted).

    Parameters
    ----------
    text : str
        Plain text (a leading/trailing ``<b>`` only marks it bold, and is dropped).
    font_px : float
        Font size in pixels.
    width_px : float
        The widest a line may be.
    bold : bool
        Measure in the bold face.
    balance : bool
        Set as a headline: the fewest lines ``width_px`` allows, of even length and broken between
        phrases where that costs little (:func:`_headline`): "Russian (and North Korean) troops in Kursk
        oblast, as / claimed" becomes "Russian (and North Korean) / troops in Kursk oblast, as claimed".

    Returns
    -------
    list of str
        The lines, without markup; ``[]`` for empty text.
    """
    lines = _wrap_greedy(text, font_px, width_px, bold)
    return _headline(text, font_px, width_px, bold, len(lines)) if balance and len(lines) > 1 else lines


def _headline(text: str, font_px: float, width_px: float, bold: bool, count: int) -> list[str]:
    """Return ``text`` in ``count`` lines of even width, broken after a phrase where that costs little.

    Of the ways of breaking it into ``count`` lines that fit, the one that leaves the least squared room
    at the lines' ends (even lines), less :data:`_PHRASE_BREAK` of the room for each break after a comma,
    colon or full stop, and more for each inside a bracket; found by dynamic programming over the break points.
    """
    words = unbroken_words(text.removeprefix("<b>").removesuffix("</b>"))
    n = len(words)
    room: dict[tuple[int, int], float] = {}  # (first word, word after the last): the width a line leaves
    for i in range(n):
        for j in range(i + 1, n + 1):
            line = " ".join(words[i:j])
            left = width_px - _text.text_size(_markup(line, bold), font_px)[0]
            if left < 0:
                break
            room[i, j] = left
    bonus = (_PHRASE_BREAK * width_px) ** 2
    # what a break after word j - 1 is worth: a phrase's end, or costly inside a bracket ("(and North / Korean)")
    opened = list(itertools.accumulate(w.count("(") - w.count(")") for w in words))
    worth = [0.0, *(bonus if w.endswith((",", ":", ";", ".")) else -bonus if depth > 0 else 0.0
                    for w, depth in zip(words, opened, strict=True))]
    # best[k][j]: (cost, break points) of the words before j in k lines
    best: list[dict[int, tuple[float, tuple[int, ...]]]] = [{0: (0.0, ())}]
    for k in range(1, count + 1):
        row: dict[int, tuple[float, tuple[int, ...]]] = {}
        for (i, j), left in room.items():
            if i in best[k - 1] and (k < count) == (j < n):
                cost = best[k - 1][i][0] + left**2 - (worth[j] if j < n else 0.0)
                if j not in row or cost < row[j][0]:
                    row[j] = (cost, (*best[k - 1][i][1], j))
        best.append(row)
    if n not in best[count]:  # a word wider than ``width_px``: only the greedy break gives it a line of its own
        return _wrap_greedy(text, font_px, width_px, bold)
    cuts = (0, *best[count][n][1])
    return [" ".join(words[a:b]) for a, b in itertools.pairwise(cuts)]


#: What a headline's break after a comma, colon or full stop is worth, as the room (share of the line) it may leave.
_PHRASE_BREAK = 0.3


def _wrap_greedy(text: str, font_px: float, width_px: float, bold: bool) -> list[str]:
    plain = text.removeprefix("<b>").removesuffix("</b>")
    lines: list[str] = []
    for word in unbroken_words(plain):
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and _text.text_size(_markup(candidate, bold), font_px)[0] <= width_px:
            lines[-1] = candidate
        else:
            lines.append(word)
    # no short word alone on the last line ("Місто, де тривають / бої"): the word before it goes down too
    if len(lines) > 1 and len(lines[-1]) <= _WIDOW_CHARS and " " not in lines[-1]:
        *head, moved = unbroken_words(lines[-2])
        last = f"{moved} {lines[-1]}"
        if head and _text.text_size(_markup(last, bold), font_px)[0] <= width_px:
            lines[-2:] = [" ".join(head), last]
    return lines


def _markup(line: str, bold: bool) -> str:
    """Return a line of plain text as plotly's markup measures it: escaped, then bold (not the tags escaped)."""
    return f"<b>{escape(line)}</b>" if bold else escape(line)


#: A last line of one word this short (characters) or shorter takes the word before it.
_WIDOW_CHARS = 5


def wrap_chars(text: str, width: int) -> list[str]:
    """Break ``text`` into lines of at most ``width`` characters, between :func:`unbroken_words` only.

    Like :func:`textwrap.wrap` (counted, not measured), but a line never ends on a number or a short
    Ukrainian preposition or conjunction: "Пентагон і / ще 2" ended a label's line on "і". A piece
    longer than ``width`` stands on a line of its own.

    Returns
    -------
    list of str
        The lines; ``[]`` for empty text.
    """
    lines: list[str] = []
    for word in unbroken_words(text):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


#: Kept with the word after it: a number (``480``, ``~1,000``, ``(12``), the day closing a range of dates
#: (``Aug–23`` of ``6 Aug–23 Nov``), a sign between numbers, an English article, ``м.`` (``м. Покровськ``)
#: and a short Ukrainian preposition or conjunction (which never ends a line in Ukrainian typesetting).
_HOLDS_NEXT = re.compile(
    r"^[(~≈<>±+−-]?\d(?:[\d\u00a0]|[,.]\d)*[%*)]?$|^\S*[–—]\d{1,2}$|^[x×=+−]$|^(?:the|a|an|м\.)$"
    r"|^(?:[авзійоуАВЗІЙОУ]|на|за|до|по|та|чи|не|від|із|зі|під|над|при|для|без|про|між)$"
)
#: The first word of a bracket, kept with the word after it: "(in Russia)" and "(grey zone)" stay on one line,
#: and no line ends on "(поза" or "(beyond".
_OPENS_BRACKET = re.compile(r"^\([^)\s]+$")
#: Kept with the word before it: a year (``2024``, ``2024.``; a date's month), a dash, which ends a line, and an
#: oblast's "oblast" (``Kursk oblast``, ``Курської області``: a name).
_HELD_BY_PREVIOUS = re.compile(r"^\d{4}[.,;:)]?$|^[–—]$|^(?:oblast|област[ьіи])[.,;:)]?$")


def unbroken_words(text: str) -> list[str]:
    """Split ``text`` at its spaces into the pieces a line may break between.

    Each number, and each sign between numbers, stays with the word after it, a year with the word
    before, so ``480 km²``, ``12 x 40 = 480 km²`` and ``23 листопада 2024`` never break inside; a
    no-break space (in dates, ``11 Nov 2024``) holds words together too.
    """
    out: list[str] = []
    for word in (w for w in text.split(" ") if w):
        last = out[-1].rsplit(" ", 1)[-1] if out else ""
        if out and (_HOLDS_NEXT.match(last) or _HELD_BY_PREVIOUS.match(word) or _OPENS_BRACKET.match(last)):
            out[-1] += " " + word
        else:
            out.append(word)
    return out


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
