"""What export does to a static image: an animation's still, accessible SVG, PDF dates fixed, the long description."""

from __future__ import annotations

import re
from typing import Any

from vizlib import i18n
from vizlib._export_html import escape as _x
from vizlib.errors import ExportError

#: An annotation so named is a still's own: hidden in the web page, shown in a static image.
STILL_DATE = "still-date"
#: Room (px) an animated map keeps under its plot for the date slider and play/pause buttons, and the
#: room its still's date (bold 16 px, 8 px under the plot) takes there instead.
SLIDER_PX = 76
STILL_DATE_PX = 32


def still(spec: dict[str, Any]) -> dict[str, Any]:
    """Return an animated figure's spec (with ``frames``) as a still: no slider or play buttons, its date shown.

    A PNG, SVG or PDF cannot play; it shows the figure's own traces (the last frame, for
    vizlib's maps) and the annotation named :data:`STILL_DATE`, which says its date, with the
    key and notes under the plot moved up into the slider's room and the figure as much shorter
    (:func:`still_room`). Other figures, a user's animation without that annotation among them,
    are returned as they are.
    """
    room = still_room(spec.get("layout", {}), bool(spec.get("frames")))
    if room is None:
        return spec  # not vizlib's animation: a still would not say which frame it shows
    layout = {k: v for k, v in spec.get("layout", {}).items() if k not in ("sliders", "updatemenus")}
    layout["annotations"] = [
        {**a, "visible": True} if a.get("name") == STILL_DATE else a for a in layout.get("annotations", ())
    ]
    return {**{k: v for k, v in spec.items() if k != "frames"}, "layout": _up_by(layout, room)}


def still_room(layout: dict[str, Any], animated: bool) -> int | None:
    """Return how much shorter (px) a figure's still is than the figure, or None if it has no still.

    Only vizlib's animations have one (frames, and an annotation named :data:`STILL_DATE`);
    the still does without the slider's room, but for its date's.
    """
    if not animated or not any(a.get("name") == STILL_DATE for a in layout.get("annotations", ())):
        return None
    margin, height = layout.get("margin") or {}, layout.get("height")
    return SLIDER_PX - STILL_DATE_PX if isinstance(height, (int, float)) and {"t", "b"} <= set(margin) else 0


def _up_by(layout: dict[str, Any], room: int) -> dict[str, Any]:
    """Move the key and notes under the plot up by ``room`` px, and shorten the figure as much.

    The plot keeps its size and place, so the key's ``y`` (a share of the plot's height) moves by
    the room over that height, and a note under the plot (``yref`` paper, ``y`` 0 or below) by its
    ``yshift``.
    """
    if not room:
        return layout
    margin, height = layout["margin"], layout["height"]
    plot = height - margin["t"] - margin["b"]
    legend = layout.get("legend") or {}
    if isinstance(legend.get("y"), (int, float)) and legend["y"] < 0:
        layout["legend"] = {**legend, "y": legend["y"] + room / plot}
    layout["annotations"] = [
        {**a, "yshift": a.get("yshift", 0) + room} if _under_plot(a) and a.get("name") != STILL_DATE else a
        for a in layout["annotations"]
    ]
    return {**layout, "height": height - room, "margin": {**margin, "b": margin["b"] - room}}


def _under_plot(annotation: dict[str, Any]) -> bool:
    return annotation.get("yref") == "paper" and isinstance(annotation.get("y"), (int, float)) and annotation["y"] <= 0


def accessible_svg(svg: bytes, ident: str, info: dict[str, Any]) -> bytes:
    """Rename kaleido's random ids after the figure and add <title>/<desc> for screen readers."""
    text = svg.decode("utf-8")
    uid = re.search(r'id="defs-([0-9a-f]+)"', text)
    if uid:
        text = re.sub(rf'(id="|#)([\w-]*?){uid.group(1)}', rf"\g<1>\g<2>{ident}", text)
    title, desc = f"{ident}-title", f"{ident}-desc"
    root = re.search(r"<svg\b[^>]*>", text)
    if root is None:
        raise ExportError(f"{ident}: kaleido returned no <svg> element")
    opening = root.group(0)[:-1] + f' role="img" aria-labelledby="{title} {desc}">'
    labels = f'<title id="{title}">{_x(info["title"])}</title><desc id="{desc}">{_x(description(info))}</desc>'
    return (text[: root.start()] + opening + labels + text[root.end() :]).encode("utf-8")


def fixed_pdf_dates(pdf: bytes, as_of: str) -> bytes:
    """Replace Chromium's creation/modification time by the as-of date (same length, offsets stay valid)."""
    stamp = as_of.replace("-", "").encode("ascii") + b"000000"
    return re.sub(rb"\(D:\d{14}", b"(D:" + stamp, pdf)


def description(info: dict[str, Any]) -> str:
    """Return a figure's long description: its alt text, source line, as-of date and notes."""
    t = i18n.words(info.get("lang") or "en")
    text = f"{info['alt']} {info['source_line']}. {t('As of {date}', date=t.date(info['as_of']))}."
    return f"{text} {info['notes']}" if info.get("notes") else text
