"""Batch export vs the obvious alternatives: 7 figures to PNG + SVG.

    python benchmarks/export_bench.py [--repeat N] [--json]

* naive loop   - ``fig.write_image`` per file: kaleido starts a browser every call
* write_images - ``plotly.io.write_images``: one browser for the batch (MathJax on,
                 i.e. it tries the CDN), images only
* vizlib       - ``vizlib.export.save_many``: one browser, MathJax off, plus the
                 SVG/PDF clean-up, CSV and JSON sidecars and atomic writes

Uses the registered article figures; a figure whose builder cannot run yet is
replaced by a small stand-in chart so there are always 7.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from vizlib import export, figures, meta

FORMATS = ("png", "svg")


def standin(slug: str) -> go.Figure:
    data = pd.DataFrame({"x": [1, 2, 3, 4], "y": [11000, 30000, 45000, 50000]})
    fig = go.Figure(go.Scatter(x=data["x"], y=data["y"], mode="lines+markers"))
    info = meta.FigureMeta(
        slug=slug,
        title=f"Stand-in for {slug}",
        subtitle="benchmark figure",
        sources=(meta.Source("benchmark"),),
        as_of=dt.date(2024, 11, 11),
        alt="A rising line.",
        data=data,
    )
    return meta.apply(fig, info)


def article_figures() -> tuple[dict[str, go.Figure], list[str]]:
    figs, standins = {}, []
    for slug in figures.FIGURES:
        try:
            figs[slug] = figures.build(slug)
        except Exception:  # noqa: BLE001 - builder not there yet
            figs[slug], standins = standin(slug), [*standins, slug]
    return figs, standins


def naive(figs: dict[str, go.Figure], out: Path) -> None:
    for name, fig in figs.items():
        for fmt in FORMATS:
            fig.write_image(out / f"{name}.{fmt}", scale=2 if fmt == "png" else 1)


def write_images(figs: dict[str, go.Figure], out: Path) -> None:
    items = [(fig, out / f"{name}.{fmt}", 2 if fmt == "png" else 1) for name, fig in figs.items() for fmt in FORMATS]
    pio.write_images([f for f, _, _ in items], [p for _, p, _ in items], scale=[s for _, _, s in items])


def vizlib_batch(figs: dict[str, go.Figure], out: Path) -> None:
    export.save_many(figs, out, FORMATS, progress=False)


def measure(method, figs: dict[str, go.Figure], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            method(figs, Path(tmp))
            times.append(time.perf_counter() - start)
    return times


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per method (median reported)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)

    figs, standins = article_figures()
    images = len(figs) * len(FORMATS)
    results = {}
    for label, method, runs in (
        ("naive loop (fig.write_image)", naive, 1),  # ~2 s per image: once is enough
        ("plotly.io.write_images", write_images, args.repeat),
        ("vizlib.export.save_many", vizlib_batch, args.repeat),
    ):
        times = measure(method, figs, runs)
        results[label] = {"median_s": round(statistics.median(times), 2), "runs": len(times)}
        results[label]["per_image_s"] = round(results[label]["median_s"] / images, 3)
    base = results["naive loop (fig.write_image)"]["median_s"]
    for row in results.values():
        row["speedup_vs_naive"] = round(base / row["median_s"], 1)
    report = {"figures": len(figs), "standins": standins, "images": images, "formats": FORMATS, "results": results}

    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"{len(figs)} figures x {'+'.join(FORMATS)} = {images} images; stand-ins: {', '.join(standins) or 'none'}")
        print("| method | median s | runs | s per image | speed-up vs naive |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for label, r in results.items():
            print(f"| {label} | {r['median_s']} | {r['runs']} | {r['per_image_s']} | {r['speedup_vs_naive']}x |")
    return report


if __name__ == "__main__":
    sys.exit(main() and 0)
