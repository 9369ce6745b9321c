"""Small multiples: the same frame at several dates, a grid of geo subplots for print.

Every panel shares the map's frame (bounds and scale), its key and its footer; each
draws the control areas of its date and the towns by who held them that day, under
a heading with the date and, where the front is drawn, its distance from the map's
first town.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import pandas as pd

from vizlib import _text, meta
from vizlib._carto import disagreement, geometry, land, layers, projection, towns
from vizlib._labels import Box
from vizlib.i18n import N_

if TYPE_CHECKING:
    from vizlib._carto.mapcanvas import MapCanvas, Select

#: Panel headings' font size, and the room between panels, in pixels.
HEADING_FONT_PX = 12
GUTTER_PX = 14
#: The smallest map a panel may hold (its shorter side, in pixels): below it a map cannot be read
#: (a town's name and a scale bar crowd its width; a phone holds two panels a row, not three).
MIN_MAP_PX = 100


class Layout(NamedTuple):
    """How the panels are laid out: panels a row, and the room over each map for its heading (px)."""

    columns: int
    heading_px: float


def heading_px(lines: Sequence[str]) -> float:
    """Return the room a heading of ``lines`` takes over its map (plotly spaces lines 1.3 em apart)."""
    return math.ceil(_text.annotation_size("<br>".join(lines), HEADING_FONT_PX)[1])


def wrap_heading(lines: Sequence[str], width_px: float) -> list[str]:
    """Return a heading's lines with those after the date wrapped to ``width_px`` (the date stays one line)."""
    first, *rest = lines
    return [first, *(part for line in rest for part in meta.wrap(line, HEADING_FONT_PX, width_px - 4))]


def layout_for(n: int, plot: Box, aspect: float, heading: Sequence[str]) -> Layout:
    """Return the layout in which each map is drawn as large as the plot area allows.

    ``aspect`` is the frame's width over its height on the ground (km over km). Each layout's
    heading is ``heading`` (the widest a panel can have) wrapped to its panels' width, so a
    language whose headings wrap gives its maps less height; a panel is never narrower than
    the heading's date.
    """
    date_px = _text.annotation_size(heading[0], HEADING_FONT_PX)[0]
    layouts = [
        Layout(c, heading_px(wrap_heading(heading, cell.width)))
        for c in range(1, n + 1)
        if (cell := grid(plot, n, c)[0]).width >= date_px
    ] or [Layout(1, heading_px(heading))]
    return max(layouts, key=lambda layout: map_px(plot, n, layout, aspect))


def map_px(plot: Box, n: int, layout: Layout, aspect: float) -> float:
    """Return the shorter side, in pixels, of each panel's map (the frame drawn as large as its cell allows)."""
    cell = grid(plot, n, layout.columns)[0]
    height = min(cell.width / aspect, cell.height - layout.heading_px)
    return min(height, height * aspect)


def fit(
    m: MapCanvas,
    panels: list[pd.DataFrame],
    bounds: tuple[float, float, float, float],
    title: Callable[[list[pd.DataFrame]], str],
    subtitle: str,
    town: str,
    columns: int | None,
    select: Select | None = None,
) -> tuple[list[pd.DataFrame], pd.DataFrame, Layout]:
    """Frame the map and lay its panels out; return the panels kept, the places shown and their layout.

    A small canvas shows fewer dates (the first and the last kept, and evenly spaced ones between) so
    that each map is at least :data:`MIN_MAP_PX`; ``title`` words the title for the panels kept;
    ``select`` chooses the places shown (as in :meth:`MapCanvas.frame`).
    """
    lon0, lat0, lon1, lat1 = bounds
    aspect = (lon1 - lon0) * math.cos(math.radians((lat0 + lat1) / 2)) / (lat1 - lat0)
    # the widest heading a panel can have (a two-digit distance)
    widest = heading_lines(m, m.as_of, 88.8, town)

    def in_bounds(places: pd.DataFrame) -> pd.DataFrame:  # a wide card's plot shows more than a panel does
        kept = places[places.lon.between(lon0, lon1) & places.lat.between(lat0, lat1)]
        return select(kept) if select else kept

    while True:
        m.layers = panels  # the credit names the dates shown
        m.retitle(title=title(panels), subtitle=subtitle)
        shown = m.frame(bounds, pad=0.02, select=in_bounds)
        if columns:
            layout = Layout(columns, heading_px(wrap_heading(widest, grid(m.plot, len(panels), columns)[0].width)))
        else:
            layout = layout_for(len(panels), m.plot, aspect, widest)
        if len(panels) <= 2 or map_px(m.plot, len(panels), layout, aspect) >= MIN_MAP_PX:
            return panels, shown, layout
        keep = {round(k * (len(panels) - 1) / (len(panels) - 2)) for k in range(len(panels) - 1)}
        panels = [p for k, p in enumerate(panels) if k in keep]


def heading_lines(m: MapCanvas, day: Any, km: float, town: str) -> list[str]:
    """Return a panel's heading: its date, and how far the front was from ``town`` (NaN: not drawn)."""
    lines = [f"<b>{m.t.date(day)}</b>"]
    if not math.isnan(km):
        words = N_("{town} shown as occupied") if km == 0 else N_("{km} km from {town}")
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
    layout: Layout,
) -> list[dict]:
    """Draw one panel per layer of ``panels`` (date order) into a grid over the map's plot area.

    Returns one row per panel: its date and the distance (km) from ``priority[0]`` to ground shown
    occupied that day (NaN where the town is not shown). A panel tells only the events up to its
    own date (a panel before the dam's damage shows the dam as a place, without the damage).
    """
    import shapely

    cells, columns = grid(m.plot, len(panels), layout.columns), layout.columns
    town = shown[shown.id == priority[0]]
    rows = []
    events = m.drawn_events
    off = disagreement.disagreements(m, shown)
    for k, (layer, cell) in enumerate(zip(panels, cells, strict=True)):
        day = layer["date"].iloc[0].date()
        m.drawn_events = events[pd.to_datetime(events["date"]).dt.date <= day]
        m.geo_id = "geo" if k == 0 else f"geo{k + 2}"  # geo2 is the inset's
        map_box = Box(cell.x0, cell.y0 + layout.heading_px, cell.x1, cell.y1)
        frame = projection.frame_on(bounds, (map_box.x0, map_box.y0, map_box.x1, map_box.y1), pad=0.02)
        m.use_frame(frame)
        m.layer = layer
        m.fig.update_layout({m.geo_id: {**frame.geo(), "domain": _domain(map_box, m.plot)}})
        land.fill(m, [])
        layers.control_areas(m)
        land.borders(m)
        px, py = frame.to_px(shown.lon.to_numpy(), shown.lat.to_numpy())
        # a town marked off its layer is named first where its name reads well, and kept anyway (the notes name it)
        off_today = [o.id for o in off if o.day == day]
        edge, band = _within(px, py, map_box, 0), _within(px, py, map_box, 4)
        inside = band | (edge & shown.id.isin(off_today).to_numpy())  # a dot at the very edge only if noted
        order = list(dict.fromkeys([priority[0], *off_today, *priority]))
        here = m.held_on(shown[inside], day)
        asked = {id(label) for label in m.labels}  # (a noted place's and a distance's labels go in first)
        towns.draw(m, here, order, max_labels=len(order), required=priority[:1], keep=off_today)
        for label in m.labels:  # a town's name on the same side of its dot in every panel, where it can
            if id(label) not in asked and label.key["kind"] == "place" and "id" in label.key:
                label.together = label.key["id"]
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
    m.use_frame(projection.frame_on(bounds, _map_box(cells[last_row], layout), pad=0.02))
    m.geo_id, m.layer = "geo" if last_row == 0 else f"geo{last_row + 2}", panels[-1]
    _one_key_entry_each(m)
    return rows


def _heading(m: MapCanvas, cell: Box, day: Any, km: float, town: pd.DataFrame) -> None:
    name = m.place_name(town.iloc[0]) if not town.empty else ""
    lines = wrap_heading(heading_lines(m, day, km if name else float("nan"), name), cell.width)
    m.annotate(
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
        font=dict(size=HEADING_FONT_PX, color=m.c["text"]),
    )


def _within(px: Any, py: Any, box: Box, margin: float) -> Any:
    """Return which pixel points lie inside ``box`` and at least ``margin`` pixels from its edges."""
    return (px > box.x0 + margin) & (px < box.x1 - margin) & (py > box.y0 + margin) & (py < box.y1 - margin)


def _domain(box: Box, plot: Box) -> dict:
    """Return the geo domain (fractions of the plot area, y up) of a box in figure pixels."""
    return dict(
        x=[round((box.x0 - plot.x0) / plot.width, 6), round((box.x1 - plot.x0) / plot.width, 6)],
        y=[round((plot.y1 - box.y1) / plot.height, 6), round((plot.y1 - box.y0) / plot.height, 6)],
    )


def _map_box(cell: Box, layout: Layout) -> tuple[float, float, float, float]:
    return (cell.x0, cell.y0 + layout.heading_px, cell.x1, cell.y1)


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
