"""Batch export measured against what a user would pick instead, one fresh process per run.

Used by run.py. A child process (``run.py --export-once METHOD SET``) builds the
figures of SET untimed, then times one METHOD writing PNG (scale 2) and SVG of
each into a temporary folder, and prints the seconds (``--floor SET`` prints the
time plotly.js itself takes per image instead).

Sets
----
article   the article figures (every figure of vizlib.registry.FIGURES, builder defaults), with the
          control layers `make figures` draws when a source is reachable (the mirror, the cache)
newsroom  every figure x every size of vizlib.theme.SIZES x both themes x every language the
          builder takes (``lang=``), enumerated at run time: new figures, sizes and
          editions join the batch by themselves
double    the newsroom batch twice (under other names): per-image cost as the batch grows
"""

from __future__ import annotations

import asyncio
import inspect
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

FORMATS = ("png", "svg")
SCALE = {"png": 2, "svg": 1}
SETS = ("article", "newsroom", "double")
METHODS = ("vizlib", "vizlib_cold", "write_images", "sync_server", "naive", "start")


def build_set(name: str) -> tuple[dict, list[str]]:
    """The figures of a set by file stem, and the figures that could not be built (skipped, with why).

    The maps draw the control areas `make figures` draws (``--frontline auto``): from the local mirror
    or the cache where ``VIZLIB_DEEPSTATE_*_URL`` point; without a reachable source they are drawn
    without, and the figures drawn from control layers only are left out, as ``--frontline none`` does.
    """
    from vizlib import data, frontline, registry, theme
    from vizlib.errors import NothingToDraw

    try:
        from vizlib.i18n import LANGS
    except ImportError:  # before the Ukrainian edition
        LANGS = ("en",)
    kinds = {spec.layer for spec in registry.FIGURES.values()} - {None, "required"}
    layers = {kind: frontline.resolve("auto", data.DEFAULT_AS_OF, kind=kind).layer for kind in sorted(kinds)}
    figs, skipped = {}, []
    for slug, spec in registry.FIGURES.items():
        takes = inspect.signature(spec.builder()).parameters
        variants = [{}]
        if name != "article":
            variants = [
                {"size": size, "theme": th, **({"lang": lang} if "lang" in takes else {})}
                for size in theme.SIZES
                for th in sorted(theme.PALETTES)
                for lang in (LANGS if "lang" in takes else ("",))
            ]
        layer = {"layer": layers[spec.layer]} if spec.layer in layers else {}
        for options in variants:
            stem = "--".join([slug, *options.values()])
            try:
                figs[stem] = registry.build(slug, **layer, **options)
            except NothingToDraw:  # drawn from control layers only, and none is reachable
                skipped.append(f"{slug}: needs control layers")
                break
            except Exception as exc:  # noqa: BLE001 - a figure that needs data the bundle lacks is reported
                skipped.append(f"{slug}: {type(exc).__name__}")
                break
    if name == "double":
        figs |= {f"{stem}--again": fig for stem, fig in figs.items()}
    return figs, sorted(set(skipped))


def methods(figs: dict) -> dict:
    """The ways to write ``figs`` as PNG (scale 2) + SVG into a folder, by name."""
    import plotly.io as pio

    from vizlib import export

    items = [(fig, f"{stem}.{fmt}", SCALE[fmt]) for stem, fig in figs.items() for fmt in FORMATS]

    def vizlib(out: Path) -> None:  # with the compiled plotly.js kept by an earlier run (the usual case)
        export.save_many(figs, out, FORMATS, progress=False)

    def vizlib_cold(out: Path) -> None:  # as on a machine's first run: no compiled plotly.js kept yet
        import os

        with tempfile.TemporaryDirectory() as cache:
            os.environ["VIZLIB_CACHE"] = cache
            export.save_many(figs, out, FORMATS, progress=False)

    def write_images(out: Path) -> None:  # plotly's own batch export: one kaleido browser
        pio.write_images([f for f, _, _ in items], [out / p for _, p, _ in items], scale=[s for _, _, s in items])

    def sync_server(out: Path) -> None:  # kaleido's documented way to keep one browser for many write_image calls
        import kaleido

        kaleido.start_sync_server(silence_warnings=True)
        try:
            for fig, path, scale in items:
                fig.write_image(out / path, scale=scale)
        finally:
            kaleido.stop_sync_server(silence_warnings=True)

    def naive(out: Path) -> None:  # a browser per image
        for fig, path, scale in items:
            fig.write_image(out / path, scale=scale)

    def start(_out: Path) -> None:  # starting and stopping one kaleido browser, nothing rendered
        from kaleido import Kaleido

        async def start_stop() -> None:
            browser = Kaleido(mathjax=False)
            await browser.open()
            await browser.close()

        asyncio.run(start_stop())

    return {
        "vizlib": vizlib,
        "vizlib_cold": vizlib_cold,
        "write_images": write_images,
        "sync_server": sync_server,
        "naive": naive,
        "start": start,
    }


def export_once(method: str, set_name: str) -> dict:
    """Child process: build the set (untimed), time one method; return seconds and counts."""
    figs, skipped = build_set(set_name) if method != "start" else ({}, [])
    with tempfile.TemporaryDirectory() as tmp:
        began = time.perf_counter()
        methods(figs)[method](Path(tmp))
        seconds = time.perf_counter() - began
    return {"seconds": seconds, "figures": len(figs), "images": len(figs) * len(FORMATS), "skipped": skipped}


FLOOR_JS = """
async (specs) => {
  // Each figure twice (SVG at scale 1, PNG at scale 2), parsed beforehand: only plotly.js is timed.
  const jobs = [];
  for (const [json, width, height] of specs)
    for (const [format, scale] of [["svg", 1], ["png", 2]])
      jobs.push([JSON.parse(json), {format, width, height, scale, imageDataOnly: true}]);
  const times = [];
  for (const [figure, options] of jobs) {
    const began = performance.now();
    await Plotly.toImage({data: figure.data, layout: figure.layout, config: {}}, options);
    times.push(performance.now() - began);
  }
  return times;
}
"""


def floor_once(set_name: str) -> dict:
    """Child process: plotly.js alone, in one page already open: ms per Plotly.toImage call, each figure SVG + PNG."""
    from kaleido import Kaleido
    from plotly.utils import PlotlyJSONEncoder

    from vizlib import export

    figs, _ = build_set(set_name)
    specs = [
        [json.dumps(export._with_fixed_uids(fig, stem), cls=PlotlyJSONEncoder), *export._size(fig)]
        for stem, fig in figs.items()
    ]

    async def measure() -> list[float]:
        browser = Kaleido(mathjax=False)
        await browser.open()
        try:
            tab = (await browser._get_kaleido_tab()).tab
            expression = f"({FLOOR_JS})({json.dumps(specs)})"
            answer = await tab.send_command(
                "Runtime.evaluate", params={"expression": expression, "awaitPromise": True, "returnByValue": True}
            )
            return answer["result"]["result"]["value"]
        finally:
            await browser.close()

    times = asyncio.run(measure())
    return {"ms_per_image": statistics.fmean(times), "images": len(times), "figures": len(figs)}


def main(argv: list[str]) -> int:
    """``--export-once METHOD SET`` or ``--floor SET``: print one JSON line."""
    if argv[0] == "--floor":
        print(json.dumps(floor_once(argv[1])))
    else:
        print(json.dumps(export_once(argv[1], argv[2])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
