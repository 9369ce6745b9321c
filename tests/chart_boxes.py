"""Where plotly draws a chart's text, in figure pixels, worked out from the figure alone.

Every annotation, tick label, legend entry and title line becomes a named box, measured
as the label placer measures (:func:`vizlib._text.text_size`, :func:`annotation_size`)
and put where plotly.js puts it: an annotation by its reference (data, ``domain``,
``paper``), anchors (``auto`` as plotly reads it) and shifts; a tick label right of its
y axis or under its x axis; a legend entry by plotly's legend layout (rows of
``entrywidth + 45`` pixels wrapping at the plot's right edge, items ``max(15.6 * lines, 16)
+ 3`` pixels tall). Checked against Chromium's boxes of the same figures while writing it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from vizlib._labels import Box
from vizlib._text import annotation_size, text_size

#: plotly.js keeps this many pixels between a tick label (or legend) and the figure's edge
#: before it grows the margin (its ``automargin`` pad).
AUTOMARGIN_PAD = 12


@dataclass(frozen=True)
class Text:
    kind: str  # annotation, ytick, xtick, legend, title, subtitle
    name: str
    text: str
    box: Box


def plot_box(fig) -> Box:
    m, lay = fig.layout.margin, fig.layout
    return Box(m.l, m.t, lay.width - m.r, lay.height - m.b)


def _axis(fig, ref: str):
    letter, number = ref[0], ref[1:]
    return fig.layout[f"{letter}axis{number}"]


def _value(v: Any) -> float:
    if isinstance(v, (int, float)):
        return float(v)
    return pd.Timestamp(v).value / 1e6  # plotly's date axes are linear in milliseconds


def _pos(fig, ref: str, v: Any, letter: str) -> float:
    """Return the pixel position (y down) of ``v`` given in ``ref`` (paper, an axis or an axis's domain)."""
    p = plot_box(fig)
    start, length = (p.x0, p.width) if letter == "x" else (p.y1, -p.height)
    ref = ref or letter  # plotly.js refers an annotation to the first axis by default
    if ref == "paper":
        return start + float(v) * length
    axis = _axis(fig, ref.split()[0])
    d0, d1 = axis.domain or (0, 1)
    if ref.endswith(" domain"):
        return start + (d0 + float(v) * (d1 - d0)) * length
    r0, r1 = (_value(r) for r in axis.range)
    return start + (d0 + (_value(v) - r0) / (r1 - r0) * (d1 - d0)) * length


def _anchor(anchor: str | None, ref: str, v: Any, sides: tuple[str, str, str]) -> str:
    """plotly's ``auto`` anchor: the centre for data references, else the nearest side of the paper."""
    if anchor not in (None, "auto"):
        return anchor
    if ref != "paper" and not ref.endswith(" domain"):
        return sides[1]
    v = float(v)
    return sides[0] if v <= 1 / 3 else sides[2] if v >= 2 / 3 else sides[1]


def annotation_boxes(fig) -> list[Text]:
    out = []
    default_size = fig.layout.font.size or fig.layout.template.layout.font.size or 12
    for a in fig.layout.annotations:
        if a.visible is False or not a.text:
            continue
        size = (a.font.size if a.font else None) or default_size
        w, h = annotation_size(a.text, size)
        x = _pos(fig, a.xref, a.x, "x") + (a.xshift or 0)
        y = _pos(fig, a.yref, a.y, "y") - (a.yshift or 0)
        xa = _anchor(a.xanchor, a.xref or "x", a.x, ("left", "center", "right"))
        ya = _anchor(a.yanchor, a.yref or "y", a.y, ("bottom", "middle", "top"))
        left = x - {"left": 0, "center": w / 2, "right": w}[xa]
        top = y - {"top": 0, "middle": h / 2, "bottom": h}[ya]
        out.append(Text("annotation", a.name or "", a.text, Box(left, top, left + w, top + h)))
    return out


def tick_boxes(fig) -> list[Text]:
    """Tick labels of every axis that shows them (the charts give every such axis its tickvals)."""
    out = []
    p = plot_box(fig)
    for key in fig.layout:
        if not (key.startswith("xaxis") or key.startswith("yaxis")):
            continue
        axis = fig.layout[key]
        if axis.visible is False or axis.showticklabels is False or axis.tickvals is None:
            continue
        letter, ref = key[0], key[0] + key[5:]
        size = (axis.tickfont.size if axis.tickfont else None) or 12
        other = axis.anchor if axis.anchor not in (None, "free") else ("y" if letter == "x" else "x")
        d0, _ = _axis(fig, other).domain or (0, 1)
        for value, label in zip(axis.tickvals, axis.ticktext or [str(v) for v in axis.tickvals], strict=True):
            w, h = text_size(label, size)
            if letter == "x":
                x, y = _pos(fig, ref, value, "x"), p.y1 - d0 * p.height + 8
                out.append(Text("xtick", ref, label, Box(x - w / 2, y, x + w / 2, y + h + 1)))
            else:
                x, y = p.x0 + d0 * p.width, _pos(fig, ref, value, "y")
                out.append(Text("ytick", ref, label, Box(x - w, y - h / 2, x, y + h / 2)))
    return out


def legend_boxes(fig) -> tuple[Box | None, list[Text]]:
    """Return the box round every legend (a key may be two: ``legend`` and ``legend2``) and their entries' text boxes.

    Each legend is laid out as plotly.js lays it out, its heading (``title``, on top) included.
    """
    lay = fig.layout
    if lay.showlegend is False:
        return None, []
    boxes, texts = [], []
    for name in dict.fromkeys(t.legend or "legend" for t in fig.data if t.showlegend is not False and t.name):
        box, entries = _one_legend(fig, name)
        boxes.append(box)
        texts += entries
    if not boxes:
        return None, []
    return Box(min(b.x0 for b in boxes), min(b.y0 for b in boxes), max(b.x1 for b in boxes), max(b.y1 for b in boxes)), texts


def _one_legend(fig, which: str) -> tuple[Box, list[Text]]:
    """Return one legend's box and its heading's and entries' text boxes."""
    lay = fig.layout
    names = [t.name for t in fig.data if t.showlegend is not False and t.name and (t.legend or "legend") == which]
    legend, p = lay[which], plot_box(fig)
    size = (legend.font.size if legend.font else None) or 12
    line = size * 1.3
    items = [(name, text_size(name, size)[0] - 4, max(line * (name.count("<br>") + 1), 16) + 3) for name in names]
    heading = legend.title.text or ""
    assert not heading or legend.orientation == "v", "the model knows headings over vertical legends only"
    # plotly.js: a heading's lines 1.3 em apart, 21 px for one line over the entries (measured in Chromium)
    heading_h = 21 + line * heading.count("<br>") if heading else 0
    x0 = p.x0 + (legend.x if legend.x is not None else 0) * p.width
    assert legend.xanchor in (None, "left"), "the model knows left-anchored legends only"
    placed: list[tuple[str, float, float, float, float]] = []  # name, x, y (centre), w, h
    if legend.orientation == "h":
        entry = legend.entrywidth if legend.entrywidthmode == "pixels" else None
        fits_one_row = sum(40 + w + 5 for _, w, _ in items) - 5 < p.x1 - x0
        widest = max(40 + (entry or w) for _, w, _ in items)
        offset = row_top = row_h = 0.0
        for name, w, h in items:
            width = 40 + (entry if entry else w if fits_one_row else widest - 40)
            if offset and offset + 5 + width > p.x1 - x0:
                offset, row_top, row_h = 0.0, row_top + row_h, 0.0
            placed.append((name, x0 + offset + 40, row_top + 5 + h / 2, w, h))
            offset += 5 + width
            row_h = max(row_h, h)
        height, width = row_top + row_h + 10, max(x - x0 + w for _, x, _, w, _ in placed)
    else:
        if heading:
            w, h = text_size(heading, size)
            placed.append((heading, x0 + 2, 5 + h / 2 + 1.5, w - 4, h + 3))
        top = heading_h
        for name, w, h in items:
            placed.append((name, x0 + 40, top + 5 + h / 2, w, h))
            top += h
        height = top + 10 - (2 if heading else 0)
        width = max([w + 45 for _, w, _ in items] + ([text_size(heading, size)[0]] if heading else []))
    y = p.y1 - (legend.y if legend.y is not None else 1) * p.height
    y0 = y - {"top": 0, "middle": height / 2, "bottom": height}[legend.yanchor or "top"]
    texts = [
        Text("legend", "", name, Box(x, y0 + cy - (h - 3) / 2, x + w, y0 + cy + (h - 3) / 2))
        for name, x, cy, w, h in placed
    ]
    return Box(x0, y0, x0 + width, y0 + height), texts


def title_boxes(fig) -> list[Text]:
    """Title and subtitle lines, each from the title's left edge (their height is the top margin's job)."""
    lay = fig.layout
    x = lay.title.x * lay.width
    out = []
    for kind, text, size in (
        ("title", lay.title.text or "", 20),
        ("subtitle", lay.title.subtitle.text or "", 14),
    ):
        for line in text.split("<br>") if text else []:
            w, h = text_size(line, size)
            out.append(Text(kind, "", line, Box(x, 0, x + w, h)))
    return out


def all_texts(fig) -> list[Text]:
    return [*annotation_boxes(fig), *tick_boxes(fig), *legend_boxes(fig)[1], *title_boxes(fig)]


def point(fig, xref: str, yref: str, x: Any, y: Any) -> tuple[float, float]:
    """Return the figure pixel (y down) of data point (x, y) on axes ``xref``/``yref`` (``x2``, ``y3``)."""
    return _pos(fig, xref, x, "x"), _pos(fig, yref, y, "y")
