"""Layers over the land: control areas (a frontline layer) and the user's own points and areas."""

from __future__ import annotations

import pandas as pd

from vizlib._carto import geometry, towns
from vizlib._carto.mapcanvas import MapCanvas
from vizlib.meta import escape

#: Statuses of a control-area layer, in drawing order.
STATUSES = ("occupied", "ukrainian_held", "unknown")


def control_areas(m: MapCanvas) -> None:
    """Draw the map's control-area layer, one fill per status (occupation is a layer, never a border)."""
    import shapely

    if m.layer is None:
        return
    for status in STATUSES:
        part = m.layer[m.layer.status == status]
        if part.empty:
            continue
        geoms = [shapely.simplify(g, 0.003) for g in m.clipped(list(part.geometry))]
        lon, lat = geometry.fill_path(geoms)
        if lon:
            m.trace(
                lon,
                lat,
                m.words[status],
                fill=towns._rgba(m.c[status], 0.38),
                line=dict(width=0),
                legendrank=30,
                meta=f"layer:{status}",
                hoverinfo="skip",
            )


def extra(m: MapCanvas) -> None:
    """Draw the user's own areas and points (labelled by their ``name``), and record the points as drawn."""
    layer = m.extra
    if layer is None:
        return
    areas = layer[layer.geometry.geom_type.isin(["Polygon", "MultiPolygon"])]
    points = layer[layer.geometry.geom_type == "Point"]
    if not areas.empty:
        lon, lat = geometry.fill_path(m.clipped(list(areas.geometry)))
        m.trace(
            lon,
            lat,
            m.words["extra_areas"],
            fill=towns._rgba(m.c["north_korea"], 0.25),
            line=dict(color=m.c["north_korea"], width=1.2, dash="dash"),
            legendrank=60,
            meta="extra:areas",
        )
    if points.empty:
        return
    names = points["name"].astype(str) if "name" in points else pd.Series([""] * len(points))
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
        m.words["extra_points"],
        mode="markers+text",
        marker=dict(size=8, symbol="diamond", color=m.c["north_korea"], line=dict(color=m.c["background"], width=1)),
        text=[""] * len(frame),
        legendrank=61,
        meta="extra:points",
        hovertext=[escape(n) for n in frame.name],
        hoverinfo="text",
    )
    towns.label_points(m, frame, frame, index, [8] * len(frame))
    for i, (name, geom) in enumerate(zip(names, points.geometry)):
        source = str(points["source"].iloc[i]) if "source" in points else "User-supplied layer"
        m.extra_rows.append(
            dict(id=f"extra_{i}", name=name, kind="extra", lat=geom.y, lon=geom.x, approximate=False, source=source)
        )
