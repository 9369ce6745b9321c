"""Layers over the land: control areas (a frontline layer) and the user's own points, lines and areas.

Control areas are opaque fills in the palette's own colours, drawn under the
borders and the labels, so the colour a reader sees on the ground is exactly
the legend's swatch; holes (unoccupied pockets) are cut out.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import pandas as pd

from vizlib._carto import geometry, towns
from vizlib.meta import escape

if TYPE_CHECKING:
    from vizlib._carto.mapcanvas import MapCanvas

#: Statuses of a control-area layer, in drawing order (a change map's held, taken and retaken ground too).
STATUSES = ("occupied", "held_both", "taken", "retaken", "ukrainian_held", "unknown")
#: The palette colour of each status.
COLOURS = {"held_both": "occupied"}
#: The most points of a user's layer that get a label when no ``label`` column says which.
MAX_EXTRA_LABELS = 30


def control_areas(m: MapCanvas) -> None:
    """Draw the map's control-area layer, one opaque fill per status (occupation is a layer, never a border)."""
    import shapely

    if m.layer is None:
        return
    view = shapely.box(*m.geo_frame.visible_bounds())
    for status in STATUSES:
        part = m.layer[(m.layer.status == status) & m.layer.geometry.intersects(view)]
        if part.empty:
            continue
        geoms = [shapely.simplify(g, m.tolerance) for g in m.clipped(list(part.geometry))]
        lon, lat = geometry.fill_path(geoms, m.decimals)
        if lon:
            colour = m.c[COLOURS.get(status, status)]
            # a hairline of the fill's own colour hides the seams where a polygon with holes was cut
            name = m.t(m.words[status])
            # ground too small to see at this size is not keyed (legend.SEEN_PX2)
            unkeyed: dict[str, Any] = {} if name in m.legend_names else {"showlegend": False}
            m.trace(
                lon,
                lat,
                name,
                fill=colour,
                line=dict(width=0.6, color=colour),
                **unkeyed,
                legendrank=30,
                meta=f"layer:{status}",
                hoverinfo="skip",
            )


def extra(m: MapCanvas) -> None:
    """Draw the user's own areas (holes kept), lines and points, and record the points as drawn.

    Points are all drawn; labels go to those whose ``label`` column is true, or else to the
    first :data:`MAX_EXTRA_LABELS` (a warning says how many were left unlabelled).
    """
    layer = m.extra
    if layer is None:
        return
    kinds = layer.geometry.geom_type
    areas = layer[kinds.isin(["Polygon", "MultiPolygon"])]
    lines = layer[kinds.isin(["LineString", "MultiLineString"])]
    points = layer[kinds == "Point"]
    colour = m.c["north_korea"]
    if not areas.empty:
        lon, lat = geometry.fill_path(m.clipped(list(areas.geometry)), m.decimals)
        m.trace(
            lon,
            lat,
            m.word("extra_areas"),
            fill=towns._rgba(colour, 0.25),
            line=dict(color=colour, width=1.2, dash="dash"),
            legendrank=60,
            meta="extra:areas",
        )
    if not lines.empty:
        lon, lat = geometry.line_path(m.clipped(list(lines.geometry)), m.decimals)
        m.trace(lon, lat, m.t("Added lines"), line=dict(color=colour, width=1.6), legendrank=61, meta="extra:lines")
    if not points.empty:
        _points(m, points, colour)


def _points(m: MapCanvas, points, colour: str) -> None:
    names = points["name"].astype(str) if "name" in points else pd.Series([""] * len(points), index=points.index)
    frame = pd.DataFrame(
        {
            "id": [f"extra_{i}" for i in range(len(points))],
            "name": names.to_numpy(),
            "name_uk": names.to_numpy(),
            "lon": points.geometry.x.to_numpy(),
            "lat": points.geometry.y.to_numpy(),
            "kind": "town",
        }
    )
    index = m.trace(
        frame.lon.round(5).tolist(),
        frame.lat.round(5).tolist(),
        m.word("extra_points"),
        mode="markers+text",
        marker=dict(size=8, symbol="diamond", color=colour, line=dict(color=m.c["background"], width=1)),
        text=[""] * len(frame),
        legendrank=62,
        meta="extra:points",
        hovertext=[escape(n) for n in frame.name],
        hoverinfo="text",
    )
    wanted = points["label"].fillna(False).astype(bool).to_numpy() if "label" in points else None
    ranked = frame[wanted] if wanted is not None else frame
    labelled = ranked if wanted is not None else ranked.head(MAX_EXTRA_LABELS)
    if len(labelled) < len(frame):
        warnings.warn(
            f"extra: {len(frame) - len(labelled)} of {len(frame)} points drawn without a label "
            f"(mark the ones to name with a 'label' column)",
            UserWarning,
            stacklevel=4,
        )
    towns.label_points(m, frame, labelled, index, [8] * len(frame))
    sources = points["source"].astype(str) if "source" in points else pd.Series(["User-supplied layer"] * len(points))
    m.extra_rows.extend(
        dict(id=f"extra_{i}", name=n, kind="extra", lat=g.y, lon=g.x, approximate=False, source=s)
        for i, (n, g, s) in enumerate(zip(names, points.geometry, sources, strict=True))
    )
