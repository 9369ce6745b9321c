"""Which country a control-area polygon is in, and clipping it there.

A status exists in one country only: ``occupied`` ground in Ukraine,
``ukrainian_held`` ground (Ukraine's 2024 incursion) in Russia, ``unknown``
in either. DeepStateMap draws Ukraine's 2022 liberations with the same
"Liberated" key as the Kursk salient; they are Ukraine's own ground, not a
status, and are dropped here.

The bundled country outlines (Natural Earth 10m admin-1, simplified) are
coarse: DeepStateMap's polygons run up to ~7 km past them along the
Russian border and up to ~16 km past the coast (the Biriuchyi spit in the
Sea of Azov). So:

1. each polygon (each part of each feature, before statuses are dissolved)
   belongs to the country holding most of its area; a polygon whose country
   is not one its status can exist in is dropped whole, so a 2022 liberation
   spilling 6 km over the coarse border into Russia leaves no sliver there;
2. a kept polygon is clipped to its status's country widened by
   :data:`MARGIN_KM` outward, but never into the other country: the layer
   wins at sea and towards third countries, while the UA–RU border is cut
   exactly where the bundled outlines (and so every map) draw it.
"""

from __future__ import annotations

import functools
from typing import Any

#: How far outside its own country's bundled outline (but never inside the
#: other's) a polygon is kept, in km.
MARGIN_KM = 20.0
_ALLOWED = {"occupied": ("UA",), "ukrainian_held": ("RU",), "unknown": ("UA", "RU")}
# Lambert azimuthal equal-area centred on the theatre: widening by km.
_METRIC = "+proj=laea +lat_0=49 +lon_0=33 +datum=WGS84 +units=km"


@functools.lru_cache(maxsize=1)
def masks() -> dict[str, Any]:
    """``{"UA": ..., "RU": ..., "unknown": ...}``: where each status may lie (lon/lat)."""
    import shapely

    from vizlib import data

    regions = data.regions()
    countries = dict(zip(regions["iso_3166_2"], regions.geometry, strict=True))
    ua, ru = countries["UA"], countries["RU"]
    out = {"UA": _widen(ua).difference(ru), "RU": _widen(ru).difference(ua)}
    out["unknown"] = shapely.union(out["UA"], out["RU"])
    for mask in out.values():
        shapely.prepare(mask)
    return out


def _widen(geom: Any) -> Any:
    import pyproj
    import shapely

    forward = pyproj.Transformer.from_crs("EPSG:4326", _METRIC, always_xy=True)
    back = pyproj.Transformer.from_crs(_METRIC, "EPSG:4326", always_xy=True)
    metric = shapely.transform(geom, lambda x, y: forward.transform(x, y), interleaved=False)
    wide = shapely.segmentize(metric.buffer(MARGIN_KM, quad_segs=4), 10.0)
    return shapely.transform(wide, lambda x, y: back.transform(x, y), interleaved=False)


def by_country(rows: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """Keep each ``(status, polygon)`` part in its status's country, clipped there.

    Parameters
    ----------
    rows : list of (str, shapely geometry)
        Statuses of :data:`FRONTLINE_STATUSES` with lon/lat (Multi)Polygons.

    Returns
    -------
    list of (str, shapely Polygon)
        The kept parts, clipped; holes are kept.
    """
    import numpy as np
    import shapely

    regions = masks()
    kept = []
    for status, geom in rows:
        parts = shapely.get_parts(geom)
        in_ua = shapely.intersection(parts, regions["UA"])
        in_ru = shapely.intersection(parts, regions["RU"])
        area_ua, area_ru = shapely.area(in_ua), shapely.area(in_ru)
        home = np.where(area_ua >= area_ru, "UA", "RU")
        allowed = (np.maximum(area_ua, area_ru) > 0) & np.isin(home, _ALLOWED[status])
        if status == "occupied":
            clipped = in_ua[allowed]
        elif status == "ukrainian_held":
            clipped = in_ru[allowed]
        else:
            clipped = shapely.intersection(parts[allowed], regions["unknown"])
        for piece in clipped:
            polygons = [p for p in shapely.get_parts(piece) if p.geom_type == "Polygon" and p.area > 0]
            kept += [(status, p) for p in polygons]
    return kept
