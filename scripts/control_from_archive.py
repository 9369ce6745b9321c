"""Date when each place fell, from DeepStateMap's daily archive of occupied territory.

Run by hand, never at build time, on a local copy of the archive (tests/test_control.py checks the
dated rows of ``data/control_changes.csv`` against it)::

    python scripts/control_from_archive.py ARCHIVE_DIR [--places CSV ...] [--out CSV]

Each day is read as the maps read it, through vizlib's cache (``$VIZLIB_CACHE`` or the per-user
cache): the first run copies the files there and keeps each day clipped, so later runs, and the
figures, do not clip it again.

``ARCHIVE_DIR`` holds ``deepstatemap_data_YYYYMMDD.geojson`` files (one
MultiPolygon of occupied territory a day; GPL-3.0, never copied into this
project). For every place of ``data/places.csv`` and ``data/settlements.csv``
(or the files given) the script tests the place's point against each day's
polygon and writes one CSV row per place:

* ``place_id``, ``lat``, ``lon``;
* ``first_day``: the first day of the last continuous run of days on which the
  point is inside the occupied polygon and that lasts to the archive's last day;
  empty if the point is outside on the last day;
* ``status``: ``outside`` (outside on the last day), ``inside_throughout`` (inside
  on every day: the archive cannot date the change), ``fell`` (outside at first,
  inside from ``first_day`` to the end);
* ``after_gap``: ``true`` when archive days are missing just before ``first_day``
  (the change may be up to that many days earlier);
* ``runs``: how many separate runs inside there were (more than one means the
  polygon moved back and forth over the point);
* ``source_url``: the public URL of the archive file of ``first_day``.

Output is deterministic: rows sorted by ``place_id``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from vizlib.frontline import ARCHIVE_URL, occupied  # noqa: E402

DEFAULT_PLACES = [REPO / "data" / "places.csv", REPO / "data" / "settlements.csv"]
COLUMNS = ["place_id", "lat", "lon", "first_day", "status", "after_gap", "runs", "source_url"]


def read_points(paths: list[Path]) -> dict[str, tuple[float, float]]:
    """``place_id -> (lon, lat)`` of every row of the given places files."""
    points = {}
    for path in paths:
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                points[row["id"]] = (float(row["lon"]), float(row["lat"]))
    return points


def daily_inside(folder: Path, points: dict[str, tuple[float, float]]) -> dict[dt.date, set[str]]:
    """For each archive day, the ids of the points inside the occupied polygon.

    Each day is read as the maps read it (:func:`vizlib.frontline.occupied`, from ``folder``), through
    vizlib's cache: a layer clipped once, here or for a figure, is not clipped again.
    """
    import shapely

    files = folder.glob("deepstatemap_data_*.geojson")
    days = sorted(dt.datetime.strptime(path.stem.rsplit("_", 1)[1], "%Y%m%d").date() for path in files)
    if not days:
        raise SystemExit(f"{folder}: no deepstatemap_data_YYYYMMDD.geojson files")
    ids = sorted(points)
    geoms = shapely.points([points[i] for i in ids])
    out = {}
    for day in days:
        layer = occupied(day, base_url=str(folder), max_days_back=0)
        area = shapely.union_all(layer.geometry.values)
        shapely.prepare(area)
        inside = shapely.covers(area, geoms)
        out[day] = {i for i, flag in zip(ids, inside) if flag}
    return out


def summarise(place_id: str, days: list[dt.date], inside: dict[dt.date, set[str]]) -> dict:
    """One output row for one place."""
    flags = [place_id in inside[d] for d in days]
    runs = sum(1 for k, f in enumerate(flags) if f and (k == 0 or not flags[k - 1]))
    row = {"place_id": place_id, "first_day": "", "after_gap": "false", "runs": runs, "source_url": ""}
    if not flags[-1]:
        row["status"] = "outside"
        return row
    start = len(flags) - 1
    while start > 0 and flags[start - 1]:
        start -= 1
    first = days[start]
    row["status"] = "inside_throughout" if start == 0 else "fell"
    if start > 0:
        row["first_day"] = first.isoformat()
        row["after_gap"] = str((first - days[start - 1]).days > 1).lower()
        row["source_url"] = f"{ARCHIVE_URL}deepstatemap_data_{first:%Y%m%d}.geojson"
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("archive", type=Path, help="folder of deepstatemap_data_YYYYMMDD.geojson files")
    parser.add_argument("--places", type=Path, nargs="+", default=DEFAULT_PLACES, help="places CSV files")
    parser.add_argument("--out", type=Path, help="output CSV (default: standard output)")
    args = parser.parse_args(argv)

    points = read_points(args.places)
    inside = daily_inside(args.archive, points)
    days = sorted(inside)
    rows = []
    for place_id in sorted(points):
        lon, lat = points[place_id]
        rows.append(dict(summarise(place_id, days, inside), lat=f"{lat:.4f}", lon=f"{lon:.4f}"))
    out = args.out.open("w", encoding="utf-8", newline="") if args.out else sys.stdout
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    if args.out:
        out.close()
    print(f"{len(days)} archive days {days[0]}..{days[-1]}; {len(rows)} places", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
