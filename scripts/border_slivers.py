"""Measure the uncoloured ground between a control layer and the UA–RU border.

Run by hand on DeepStateMap files (never bundled)::

    python scripts/border_slivers.py ../shared/data/frontline/archive/deepstatemap_data_20241123.geojson
    python scripts/border_slivers.py --edge coast ../shared/data/frontline/archive/deepstatemap_data_20241123.geojson
    python scripts/border_slivers.py --status ukrainian_held ../shared/data/frontline/deepstate_export_20241114.geojson

A status lies in one country (``occupied`` in Ukraine, ``ukrainian_held`` in
Russia). Where DeepStateMap's polygons of the status (unclipped; those with
most of their area in that country by the bundled outlines, as vizlib keeps
them) come within :data:`TOUCH_KM` of the edge (the bundled UA–RU border, or
for ``occupied`` the rest of Ukraine's outline but the border with Belarus,
in effect the coast), the stretch of edge is "touched"; :data:`TOUCH_KM` is
trimmed from both ends of each stretch, so that the places where the front
line meets the edge count less. The zone is the country within
:data:`ZONE_KM` of a touched stretch. Printed per oblast, in km²: the zone,
what the raw DeepStateMap polygons of the status leave uncovered in it, and
the sliver that the layer as vizlib draws it
(:func:`vizlib.frontline.read_frontline`, every status) leaves uncoloured.
Some of the sliver is ground the status really does not hold, next to where
the front line meets the edge.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

TOUCH_KM = 2.0
ZONE_KM = 2.0
# Lambert azimuthal equal-area centred on the UA–RU border.
METRIC = "+proj=laea +lat_0=49.5 +lon_0=37 +datum=WGS84 +units=km"
HOME = {"occupied": ("UA", "RU"), "ukrainian_held": ("RU", "UA")}


def _to_metric(geom):
    import pyproj
    import shapely

    forward = pyproj.Transformer.from_crs("EPSG:4326", METRIC, always_xy=True)
    return shapely.transform(geom, lambda x, y: forward.transform(x, y), interleaved=False)


def _raw_polygons(path: Path, status: str):
    """The file's polygons of ``status``, unclipped, one per part of each feature (lon/lat)."""
    import geopandas as gpd
    import shapely

    from vizlib.frontline._read import _export_status

    raw = gpd.read_file(path)
    if "name" in raw.columns:  # a full export
        raw = raw[[_export_status(n) == status for n in raw["name"]]]
    elif status != "occupied":  # the daily archive is all occupied
        raise SystemExit(f"{path.name}: a daily-archive file has no {status} polygons")
    return shapely.get_parts(shapely.make_valid(raw.geometry.values))


def slivers(path: Path, status: str = "occupied", edge: str = "border"):
    """Zone, raw-uncovered and sliver areas (km²) by oblast along the edge.

    Parameters
    ----------
    path : Path
        A DeepStateMap daily-archive file or full export.
    status : {"occupied", "ukrainian_held"}
        Measured in Ukraine, or in Russia.
    edge : {"border", "coast"}
        The UA–RU border, or (``occupied`` only) the rest of Ukraine's outline
        except the border with Belarus.

    Returns
    -------
    pandas.DataFrame
        Columns ``iso_3166_2, zone_km2, raw_gap_km2, sliver_km2``, one row per
        oblast with a touched stretch, then a row with the country's code and
        the totals.
    """
    import pandas as pd
    import shapely

    from vizlib import data
    from vizlib.frontline import read_frontline

    code, other_code = HOME[status]
    regions = data.regions()
    by_iso = dict(zip(regions["iso_3166_2"], regions.geometry, strict=True))
    home, other, by = (_to_metric(by_iso[c]) for c in (code, other_code, "BY"))
    if edge == "border":
        line = shapely.intersection(home.boundary, other.boundary)
    elif status == "occupied":
        line = shapely.difference(home.boundary, shapely.union(other, by).boundary)
    else:
        raise SystemExit("--edge coast is measured for occupied only")
    line = shapely.line_merge(line)

    parts = _to_metric(_raw_polygons(path, status))
    at_home = shapely.area(shapely.intersection(parts, home)) >= shapely.area(shapely.intersection(parts, other))
    raw = shapely.union_all(parts[at_home])
    layer = read_frontline(path)
    # Every status: what is coloured. (Statuses may overlap along their edges: repaired once in km.)
    drawn = shapely.union_all(shapely.make_valid(_to_metric(layer.geometry.values)))

    near = raw.buffer(TOUCH_KM)
    touched = shapely.intersection(line, near)
    touched = shapely.difference(touched, shapely.difference(line, near).buffer(TOUCH_KM))
    zone = shapely.intersection(home, touched.buffer(ZONE_KM))

    rows = []
    oblasts = regions[(regions["country"] == code) & (regions["level"] == "admin1")]
    for iso, geom in zip(oblasts["iso_3166_2"], oblasts.geometry, strict=True):
        part = shapely.intersection(zone, _to_metric(geom))
        if part.area < 1e-6:
            continue
        rows.append(
            {
                "iso_3166_2": iso,
                "zone_km2": part.area,
                "raw_gap_km2": shapely.difference(part, raw).area,
                "sliver_km2": shapely.difference(part, drawn).area,
            }
        )
    table = pd.DataFrame(rows, columns=["iso_3166_2", "zone_km2", "raw_gap_km2", "sliver_km2"])
    total = {"iso_3166_2": code, **table.drop(columns="iso_3166_2").sum().to_dict()}
    return pd.concat([table, pd.DataFrame([total])], ignore_index=True)


def main(argv=None) -> int:
    """Print the table of each file given."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--status", choices=list(HOME), default="occupied")
    parser.add_argument("--edge", choices=["border", "coast"], default="border")
    args = parser.parse_args(argv)
    for path in args.paths:
        print(f"{path.name} ({args.status}, {args.edge})")
        print(slivers(path, args.status, args.edge).round(2).to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
