"""Lettering: place every label a map requested, then draw it (on its point's trace, or as text)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vizlib._labels import Box, Label

if TYPE_CHECKING:
    from vizlib._carto.mapcanvas import MapCanvas


def draw(m: MapCanvas) -> None:
    """Place the labels clear of each other, the markers, the legend, inset and scale bar; draw them."""
    c = m.c
    m.place_labels()
    by_trace: dict[int, dict[int, tuple[str, str]]] = {}
    free: dict[str, list[tuple[str, Box, Label]]] = {}
    for label in m.labels:
        if not label.placed:
            continue
        text, spot, box = label.chosen
        if label.key["kind"] == "place":
            by_trace.setdefault(label.key["trace"], {})[label.key["index"]] = (text, spot.textposition)
        else:
            free.setdefault(label.key["kind"], []).append((text, box, label))
    for index, items in by_trace.items():
        trace = m.fig.data[index]
        texts, positions = list(trace.text), ["middle right"] * len(trace.text)
        for i, (text, position) in items.items():
            texts[i], positions[i] = text, position
        trace.update(text=texts, textposition=positions, textfont=dict(size=12, color=c["text"], shadow=_halo(c)))
    for kind in ("country", "region", "note"):
        labels = free.get(kind, [])
        if not labels:
            continue
        lon, lat = m.geo_frame.to_lonlat(
            [box.center[0] for _, box, _ in labels], [box.center[1] for _, box, _ in labels]
        )
        colour = c["muted"] if kind != "note" else c["text"]
        m.trace(
            [round(float(v), 4) for v in lon],
            [round(float(v), 4) for v in lat],
            f"{kind} labels",
            mode="text",
            text=[text for text, _, _ in labels],
            textposition="middle center",
            showlegend=False,
            hoverinfo="skip",
            textfont=dict(
                size=[lb.size for _, _, lb in labels],
                color=[c["text"] if lb.key.get("strong") else colour for _, _, lb in labels],
                shadow=_halo(c),
            ),
            meta=f"labels:{kind}",
        )


def _halo(c: dict[str, str]) -> str:
    background = c["background"]
    return f"0 0 2px {background}, 0 0 2px {background}, 0 0 3px {background}"
