"""Build time and size of each article figure, of a season's control layers and of a user's big layer.

    python benchmarks/figures_bench.py      # about 3-6 minutes; writes benchmarks/figures.md

The figures drawn from control layers (close-ups' front line, change map,
animation, small multiples, measured area) need DeepStateMap's files: point
``VIZLIB_DEEPSTATE_ARCHIVE_URL`` (and ``VIZLIB_DEEPSTATE_EXPORT_URL``) at a mirror
folder and ``VIZLIB_CACHE`` at a cache, as ``make bench`` does with the
``FRONTLINE_MIRROR`` the Makefile names; without them those rows say "skipped".
The files are copied into the cache once, before anything is timed: every row
reads layers from the cache, as a newsroom's second run does.

Rows (medians of interleaved runs; the machine is shared, so compare ratios):

* each figure, cold (a fresh interpreter: imports, first data load, the build)
  and warm (the same process, built once before), and its figure JSON in kB;
* ``frontline.history`` of 20 weekly layers from the cache, cold and warm;
* ``maps.donetsk(extra=...)`` with 10, 1,000 and 10,000 points: build time,
  time per point, figure JSON, labels drawn.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "figures.md"
KB = 1000
AS_OF = "2024-11-23"
HISTORY = ("2024-08-04", "2024-12-15")  # 20 Sundays
JSON_LIMITS = {"pokrovsk": 150, "kurakhove": 150, "front-animation": 1500}  # kB, issue targets


def median(values: list[float]) -> float:
    return statistics.median(values)


def mirrored() -> bool:
    return bool(os.environ.get("VIZLIB_DEEPSTATE_ARCHIVE_URL"))


def slugs() -> list[str]:
    from vizlib import registry

    return [s for s, spec in registry.FIGURES.items() if mirrored() or spec.layer != "required"]


def layers_for(slug: str):
    """The layer ``vizlib figures --frontline auto`` gives a figure, or None (offline/no mirror)."""
    from vizlib import frontline, registry

    kind = registry.FIGURES[slug].layer
    if kind in (None, "required") or not mirrored():
        return None
    return frontline.resolve("auto", AS_OF, kind=kind).layer


def build(slug: str):
    from vizlib import registry

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # stale-layer notes: the figure says so itself
        return registry.build(slug, as_of=AS_OF, layer=layers_for(slug))


def in_child(*args: str) -> float:
    out = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True, text=True, cwd=REPO)
    return float(out.stdout.strip().splitlines()[-1])


def figure_rows(runs: int) -> list[str]:
    names = slugs()
    cold: dict[str, list[float]] = {n: [] for n in names}
    warm: dict[str, list[float]] = {n: [] for n in names}
    for _ in range(runs):
        for name in names:
            cold[name].append(in_child("--cold", name))
    sizes = {name: len(build(name).to_json()) / KB for name in names}
    for _ in range(runs + 2):
        for name in names:
            start = time.perf_counter()
            build(name)
            warm[name].append(time.perf_counter() - start)
    rows = []
    for name in names:
        limit = JSON_LIMITS.get(name)
        verdict = "-" if limit is None else (f"<= {limit:,} kB: " + ("met" if sizes[name] <= limit else "missed"))
        times = f"{median(cold[name]):.2f} s | {median(warm[name]):.2f} s"
        rows.append(f"| `{name}` | {times} | {sizes[name]:,.1f} kB | {verdict} |")
    return rows


def history_rows(runs: int) -> list[str]:
    if not mirrored():
        return ["| `frontline.history`, 20 weekly layers | skipped: no mirror (VIZLIB_DEEPSTATE_ARCHIVE_URL) | | |"]
    from vizlib import frontline

    cold = [in_child("--history") for _ in range(runs)]
    frontline.history(*HISTORY, "W", progress=False)
    warm = []
    for _ in range(runs):
        start = time.perf_counter()
        frontline.history(*HISTORY, "W", progress=False)
        warm.append(time.perf_counter() - start)
    return [
        f"| `frontline.history(\"{HISTORY[0]}\", \"{HISTORY[1]}\", \"W\")`, 20 layers from the cache | "
        f"{median(cold):.2f} s | {median(warm):.2f} s | cold: a fresh interpreter, imports included |"
    ]


def points(n: int):
    """``n`` points spread over Donetsk oblast's frame, named, deterministic."""
    import geopandas as gpd
    import numpy as np

    rng = np.random.default_rng(20241111)
    lon, lat = rng.uniform(36.6, 38.8, n), rng.uniform(47.2, 49.2, n)
    return gpd.GeoDataFrame(
        {"name": [f"event {i}" for i in range(n)]}, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326"
    )


def extra_rows(runs: int) -> list[str]:
    from vizlib import maps

    rows, base = [], None
    for n in (10, 1000, 10000):
        layer = points(n)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # "n points left unlabelled": counted below
                fig = maps.donetsk(extra=layer)
            times.append(time.perf_counter() - start)
        size = len(fig.to_json()) / KB
        drawn = next(t for t in fig.data if t.meta == "extra:points")
        labels = sum(1 for text in drawn.text if text)
        seconds = median(times)
        base = base or seconds
        per_point = f"{(seconds - base) / (n - 10) * 1e6:,.0f} µs" if n > 10 else "-"
        rows.append(f"| {n:,} | {seconds:.2f} s | {per_point} | {size:,.1f} kB | {labels} |")
    return rows


def prefetch() -> None:
    """Copy every file the rows read into the cache, untimed."""
    if not mirrored():
        return
    from vizlib import frontline

    frontline.history(*HISTORY, "W", progress=False)
    for name in slugs():
        build(name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cold", help=argparse.SUPPRESS)
    parser.add_argument("--history", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.cold or args.history:  # a child: seconds from the first import to the result
        start = time.perf_counter()
        if args.cold:
            build(args.cold)
        else:
            from vizlib import frontline

            frontline.history(*HISTORY, "W", progress=False)
        print(time.perf_counter() - start)
        return 0

    began = time.perf_counter()
    prefetch()
    source = "a local mirror, read from the cache" if mirrored() else "none (figures drawn from layers skipped)"
    lines = [
        "# Figure build benchmarks",
        "",
        f"Measured {dt.datetime.now():%Y-%m-%d %H:%M} with `python benchmarks/figures_bench.py --runs {args.runs}`"
        f" (see the script's docstring). Control layers: {source}. As of {AS_OF}.",
        "",
        "| figure | cold | warm | figure JSON | JSON target |",
        "| --- | ---: | ---: | ---: | --- |",
        *figure_rows(args.runs),
        "",
        "| layers | cold | warm | notes |",
        "| --- | ---: | ---: | --- |",
        *history_rows(args.runs),
        "",
        "`maps.donetsk(extra=...)` with a user's layer of points (markers for all, labels for the first 30):",
        "",
        "| points | build | per extra point | figure JSON | labels |",
        "| ---: | ---: | ---: | ---: | ---: |",
        *extra_rows(args.runs),
        "",
        f"Run took {time.perf_counter() - began:.0f} s.",
        "",
    ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
