"""The legend: laid out in the map's top-left corner, and the room it takes from labels."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vizlib._labels import Box

if TYPE_CHECKING:
    from vizlib._carto.mapcanvas import MapCanvas


def box(m: MapCanvas) -> Box:
    """Return the pixel box the legend will cover (one row per legend entry or group)."""
    names, groups = [], set()
    for t in m.fig.data:
        if t.showlegend is False or (t.legendgroup and t.legendgroup in groups):
            continue
        groups.add(t.legendgroup)
        names.append(t.name)
    p = m.plot
    return Box(p.x0, p.y0, p.x0 + 50 + 6.6 * max(map(len, names), default=0), p.y0 + 10 + 19 * len(names))


def layout(m: MapCanvas) -> None:
    """Put the legend in the top-left corner of the plot, on a veil of the background."""
    h = m.c["background"].lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    m.fig.update_layout(
        showlegend=True,
        legend=dict(
            orientation="v",
            x=0.005,
            y=0.995,
            xanchor="left",
            yanchor="top",
            traceorder="normal",
            bgcolor=f"rgba({r},{g},{b},0.85)",
            font=dict(size=12, color=m.c["text"]),
            itemsizing="constant",
            groupclick="togglegroup",
        ),
    )
