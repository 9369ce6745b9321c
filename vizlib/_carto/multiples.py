"""Small multiples: the same frame at several dates, a grid of geo subplots for print.

Every panel shares the map's frame (bounds and scale), its key and its footer; each
draws the control areas of its date and the towns by who held them that day, under
a heading with the date and, where the front is drawn, its distance from the map's
first town.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from vizlib._carto import geometry, land, layers, projection, towns
from vizlib._labels import Box

if TYPE_CHECKING:
    from vizlib._carto.mapcanvas import MapCanvas

#: Room over each panel for its heading, and between panels, in pixels.
HEADING_PX = 34
GUTTER_PX = 14


def columns_for(n: int, plot: Box, aspect: float, heading_px: float) -> int:
    """Return how many panels a row holds so that each map is drawn as large as the plot area allows.

    ``aspect`` is the frame's width over its height on the ground (km over km); a panel is never
    narrower than its heading (``heading_px`` wide).
    """

    def scale(columns: int) -> float:
        cell = grid(plot, n, columns)[0]
        return min(cell.width / aspect, cell.height - HEADING_PX)

    fits = [c for c in range(1, n + 1) if grid(plot, n, c)[0].width >= heading_px] or [1]
    return max(fits, key=scale)


def heading_lines(m: MapCanvas, day: Any, km: float, town: str) -> list[str]:
    """Return a panel's heading: its date, and how far the front was from ``town`` (NaN: not drawn)."""
    lines = [f"<b>{m.t.date(day)}</b>"]
    if not math.isnan(km):
        words = "{town} shown as occupied" if km == 0 else "{km} km from {town}"
        lines.append(m.t(words, km=m.t.number(km, 1), town=town))
    return lines


def grid(plot: Box, n: int, columns: int) -> list[Box]:
    """Cut ``plot`` into ``n`` cells (row by row) of ``columns`` a row; each cell keeps its heading's room."""
    rows = math.ceil(n / columns)
    w = (plot.width - GUTTER_PX * (columns - 1)) / columns
    h = (plot.height - GUTTER_PX * (rows - 1)) / rows
    cells = []
    for k in range(n):
        r, c = divmod(k, columns)
        x0, y0 = plot.x0 + c * (w + GUTTER_PX), plot.y0 + r * (h + GUTTER_PX)
        cells.append(Box(x0, y0, x0 + w, y0 + h))
    return cells


def draw(
    m: MapCanvas,
    shown: pd.DataFrame,
    bounds: tuple[float, float, float, float],
    panels: Sequence[pd.DataFrame],
    priority: Sequence[str],
    columns: int,
) -> list[dict]:
    """Draw one panel per layer of ``panels`` (date order) into a grid over the map's plot area.

    Returns one row per panel: its date and the distance (km) from ``priority[0]`` to ground shown
    occupied that day (NaN where the town is not shown).
    """
    import shapely

    cells = grid(m.plot, len(panels), columns)
    town = shown[shown.id == priority[0]]
    rows = []
    for k, (layer, cell) in enumerate(zip(panels, cells, strict=True)):
        day = layer["date"].iloc[0].date()
        m.geo_id = "geo" if k == 0 else f"geo{k + 2}"  # geo2 is the inset's
        map_box = Box(cell.x0, cell.y0 + HEADING_PX, cell.x1, cell.y1)
        frame = projection.frame_on(bounds, (map_box.x0, map_box.y0, map_box.x1, map_box.y1), pad=0.02)
        m.use_frame(frame)
        m.layer = layer
        m.fig.update_layout({m.geo_id: {**frame.geo(), "domain": _domain(map_box, m.plot)}})
        land.fill(m, [])
        layers.control_areas(m)
        land.borders(m)
        px, py = frame.to_px(shown.lon.to_numpy(), shown.lat.to_numpy())
        inside = (px > map_box.x0 + 4) & (px < map_box.x1 - 4) & (py > map_box.y0 + 4) & (py < map_box.y1 - 4)
        towns.draw(m, m.held_on(shown[inside], day), priority, max_labels=len(priority), required=priority[:1])
        occupied = layer[layer.status == "occupied"].geometry
        km = float("nan")
        if not town.empty and not occupied.empty:
            area = shapely.union_all(list(occupied))
            row = town.iloc[0]
            inside_area = area.contains(shapely.Point(row.lon, row.lat))
            km = 0.0 if inside_area else geometry.distance_km(row.lon, row.lat, area)[0]
        _heading(m, cell, day, km, town)
        m.obstacle(Box(cell.x0, cell.y0, cell.x1, map_box.y0))
        for gap in _gutters(cell, m.plot):
            m.obstacle(gap)
        rows.append(dict(date=day, km=km))
    # the scale bar goes in the bottom-left panel
    last_row = (len(panels) - 1) // columns * columns
    m.use_frame(projection.frame_on(bounds, _map_box(cells[last_row]), pad=0.02))
    m.geo_id, m.layer = "geo" if last_row == 0 else f"geo{last_row + 2}", panels[-1]
    _one_key_entry_each(m)
    return rows


def _heading(m: MapCanvas, cell: Box, day: Any, km: float, town: pd.DataFrame) -> None:
    name = m.place_name(town.iloc[0]) if not town.empty else ""
    lines = heading_lines(m, day, km if name else float("nan"), name)
    m.fig.add_annotation(
        name="panel-heading",
        text="<br>".join(lines),
        x=(cell.x0 - m.plot.x0) / m.plot.width,
        y=1 - (cell.y0 - m.plot.y0) / m.plot.height,
        xref="paper",
        yref="paper",
        xanchor="left",
        yanchor="top",
        align="left",
        showarrow=False,
        font=dict(size=12, color=m.c["text"]),
    )


def _domain(box: Box, plot: Box) -> dict:
    """Return the geo domain (fractions of the plot area, y up) of a box in figure pixels."""
    return dict(
        x=[round((box.x0 - plot.x0) / plot.width, 6), round((box.x1 - plot.x0) / plot.width, 6)],
        y=[round((plot.y1 - box.y1) / plot.height, 6), round((plot.y1 - box.y0) / plot.height, 6)],
    )


def _map_box(cell: Box) -> tuple[float, float, float, float]:
    return (cell.x0, cell.y0 + HEADING_PX, cell.x1, cell.y1)


def _gutters(cell: Box, plot: Box) -> list[Box]:
    """Return the strips right of and under a cell (labels stay inside their panel)."""
    return [
        Box(cell.x1, cell.y0, min(cell.x1 + GUTTER_PX, plot.x1), cell.y1),
        Box(cell.x0, cell.y1, cell.x1, min(cell.y1 + GUTTER_PX, plot.y1)),
    ]


def _one_key_entry_each(m: MapCanvas) -> None:
    """Every panel draws the same kinds of thing: the key lists each name once (the first panel's)."""
    seen: set[str] = set()
    for trace in m.fig.data:
        if trace.showlegend is False or not trace.name:
            continue
        if trace.name in seen:
            trace.showlegend = False
        seen.add(trace.name)
