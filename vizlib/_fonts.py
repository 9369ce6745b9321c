"""Which characters of a figure no installed font can draw (they print as empty boxes in PNG and PDF).

Chromium draws static exports with the fonts fontconfig knows; a character none of
them covers comes out as a box. ``fc-list`` lists the characters each installed font
covers; their union is read once per process.
"""

from __future__ import annotations

import bisect
import functools
import re
import shutil
import subprocess
from collections.abc import Iterator
from typing import Any

__all__ = ["figure_texts", "missing_glyphs", "can_check"]

_TAG = re.compile(r"<[^>]+>")
_ENTITY = re.compile(r"&(#x?[0-9a-fA-F]+|[a-z]+);")


def can_check() -> bool:
    """Tell whether fontconfig's ``fc-list`` is here to answer."""
    return shutil.which("fc-list") is not None


@functools.cache
def _coverage() -> tuple[list[int], list[int]]:
    """Return the code points every installed font covers, as sorted, merged ranges (starts, ends)."""
    listing = subprocess.run(
        ["fc-list", "--format", "%{charset}\n"], capture_output=True, text=True, timeout=60, check=False
    ).stdout
    ranges = sorted(
        (int(a, 16), int(b or a, 16))
        for part in listing.split()
        for a, _, b in [part.partition("-")]
    )
    starts: list[int] = []
    ends: list[int] = []
    for a, b in ranges:
        if ends and a <= ends[-1] + 1:
            ends[-1] = max(ends[-1], b)
        else:
            starts.append(a)
            ends.append(b)
    return starts, ends


def _covered(char: str) -> bool:
    starts, ends = _coverage()
    i = bisect.bisect_right(starts, ord(char)) - 1
    return i >= 0 and ord(char) <= ends[i]


def figure_texts(fig: Any) -> Iterator[str]:
    """Yield every piece of text a static image of ``fig`` prints (labels, annotations, key, ticks)."""
    layout = fig.layout
    for annotation in layout.annotations or ():
        if annotation.text:
            yield annotation.text
    if layout.title and layout.title.text:
        yield layout.title.text
    for trace in fig.data:
        if trace.name and trace.showlegend is not False:
            yield trace.name
        for text in getattr(trace, "text", None) or ():
            if isinstance(text, str) and text:
                yield text
    for axis in (layout[k] for k in layout.to_plotly_json() if k.startswith(("xaxis", "yaxis"))):
        for text in axis.ticktext or ():
            yield str(text)


def missing_glyphs(fig: Any) -> list[tuple[str, str]]:
    """Return ``(character, text)`` for each character of the figure that no installed font covers.

    One pair per character (the first text it appears in, markup removed); empty when every
    character is covered or when fontconfig is not installed (:func:`can_check`).
    """
    if not can_check():
        return []
    import html

    found: dict[str, str] = {}
    for text in figure_texts(fig):
        plain = html.unescape(_TAG.sub("", text))
        for char in set(plain):
            if ord(char) > 0x24F and not char.isspace() and char not in found and not _covered(char):
                found[char] = plain
    return sorted(found.items())
