"""How wide and tall a label is, measured with the house font's real metrics.

One measurement for maps and charts, Latin and Cyrillic: plotly draws labels in
the house font (Liberation Sans, metric-compatible with Arial), so a label's box
can be known in pixels before plotly draws it.
"""

from __future__ import annotations

import functools
import html
import re

#: Advance widths (1/1000 em) of Liberation Sans, metric-compatible with Arial (the
#: house font), for code points 32-126 and 0x400-0x45F (Cyrillic); regular, bold.
# fmt: off
_WIDTHS_REGULAR = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556,
    556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278,
    500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469,
    556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500,
    278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, 667, 667, 865, 542, 719, 667, 278, 278, 500, 1057,
    1010, 854, 583, 722, 635, 719, 667, 656, 667, 542, 677, 667, 923, 604, 719, 719, 583, 656, 833, 722, 778,
    719, 667, 722, 611, 635, 760, 667, 740, 666, 916, 938, 792, 885, 656, 719, 1010, 722, 556, 573, 531, 365,
    584, 556, 669, 458, 559, 559, 438, 584, 688, 552, 556, 542, 556, 500, 458, 500, 823, 500, 573, 521, 802,
    823, 625, 719, 521, 510, 750, 542, 556, 556, 556, 365, 510, 500, 222, 278, 222, 906, 812, 556, 438, 559,
    500, 552,
)
_WIDTHS_BOLD = (
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556,
    556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667, 611, 778, 722, 278,
    556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584,
    556, 333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, 611, 611, 389, 556,
    333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584, 667, 669, 885, 567, 711, 667, 278, 276, 556, 1094,
    1062, 875, 610, 722, 622, 719, 722, 719, 722, 567, 712, 667, 904, 626, 719, 719, 610, 702, 833, 722, 778,
    719, 667, 722, 611, 622, 854, 667, 730, 703, 1005, 1019, 870, 979, 719, 711, 1031, 719, 556, 618, 615,
    416, 635, 556, 709, 497, 615, 615, 500, 635, 740, 604, 611, 604, 611, 556, 490, 556, 875, 556, 615, 581,
    834, 844, 729, 854, 615, 552, 854, 584, 556, 556, 611, 416, 552, 556, 278, 281, 278, 969, 906, 611, 500,
    615, 556, 604,
)
# fmt: on


#: A few characters beyond those ranges that labels use: (regular, bold) advance in 1/1000 em.
_EXTRA = {
    "\u00a0": (278, 278),  # no-break space
    "\u00b1": (584, 584),  # ±
    "\u00b2": (333, 333),  # ²
    "\u00b7": (278, 278),  # ·
    "\u2013": (556, 556),  # en dash
    "\u2014": (1000, 1000),  # em dash
    "\u2018": (222, 278),
    "\u2019": (222, 278),
    "\u201c": (333, 500),
    "\u201d": (333, 500),
    "\u2026": (1000, 1000),
}


def _em(char: str, bold: bool) -> float:
    code = ord(char)
    widths = _WIDTHS_BOLD if bold else _WIDTHS_REGULAR
    if 32 <= code < 127:
        return widths[code - 32] / 1000
    if 0x400 <= code < 0x460:
        return widths[code - 0x400 + 95] / 1000
    if char in _EXTRA:
        return _EXTRA[char][bold] / 1000
    return 0.72  # anything else: a wide letter, so the box errs on the large side


_TAG = re.compile(r"(</?[bi]>)")


@functools.lru_cache(maxsize=65536)  # the placers measure the same few hundred lines thousands of times
def _line_em(line: str, bold: bool) -> tuple[float, bool]:
    """Return the advance of one line in em, and whether bold is still on at its end."""
    total = 0.0
    for part in _TAG.split(line):
        if part in ("<b>", "</b>"):
            bold = part == "<b>"
        elif part not in ("<i>", "</i>"):
            total += sum(_em(ch, bold) for ch in html.unescape(part))
    return total, bold


def text_size(text: str, font_px: float) -> tuple[float, float]:
    """Return the (width, height) in pixels of a label as plotly draws it in the house font.

    Parameters
    ----------
    text : str
        Label text; may hold plotly's ``<br>``, ``<b>`` and ``<i>`` tags and HTML entities.
    font_px : float
        Font size in pixels.

    Returns
    -------
    tuple of float
        Width (advance of the longest line plus 4 px) and height (plotly.js spaces lines
        1.3 em apart; one line's glyphs, ascent to descent, are about 1.15 em tall).
    """
    widest, bold = 0.0, False
    lines = text.split("<br>")
    for line in lines:
        em, bold = _line_em(line, bold)
        widest = max(widest, em)
    return widest * font_px + 4, (1.3 * (len(lines) - 1) + 1.15) * font_px


def annotation_size(text: str, font_px: float) -> tuple[float, float]:
    """Return the (width, height) in pixels of a plotly annotation's box holding ``text``.

    plotly.js draws an annotation's text in lines 1.3 em apart and frames it
    with its border width plus border pad (1 + 1 px by default) on every side.
    """
    width, _ = text_size(text, font_px)
    return width, 1.3 * (text.count("<br>") + 1) * font_px + 4
