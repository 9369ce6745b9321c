"""Where the article figures' build time goes: the share of each library, and vizlib's costliest steps.

Usage: ``python benchmarks/build_profile.py [--runs N]`` (after ``make test`` or ``pip install -e .``).

Builds the article figures that need no control layers once (imports, first data load), then
``--runs`` more times under :mod:`cProfile`, and prints

* the share of the profiled time spent in each library's own code (pandas, plotly, shapely, ...);
* the vizlib functions with the most time spent in and under them.

cProfile slows pure-Python code more than C code, so the shares are a guide to where the time
goes, not a measurement of it; ``benchmarks/run.py`` times the build itself.
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import pstats
import sys
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import vizlib_build_all  # noqa: E402


def owner(filename: str) -> str:
    """Return the library a profiled function belongs to (vizlib, a package, the standard library)."""
    if "site-packages/" in filename:
        return filename.split("site-packages/")[1].split("/")[0].lstrip("_")
    if "/vizlib/" in filename:
        return "vizlib"
    return "python (standard library, builtins)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="profiled builds of the set (default 3)")
    parser.add_argument("--top", type=int, default=15, help="vizlib functions to list (default 15)")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")  # stale-layer warnings and the like: not what is measured
    vizlib_build_all()
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.runs):
        vizlib_build_all()
    profile.disable()
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    own: collections.Counter[str] = collections.Counter()
    for (filename, _, _), (_, _, tottime, _, _) in stats.items():
        own[owner(filename)] += tottime
    total = sum(own.values())
    print(f"Profiled: {args.runs} builds of the article set, {total:.2f} s under cProfile\n")
    print("share | library (time in its own code)")
    for name, seconds in own.most_common(8):
        print(f"{100 * seconds / total:4.0f} % | {name}")
    steps = [
        (cumtime, f"{filename.rsplit('/vizlib/', 1)[1]}:{line} {function}")
        for (filename, line, function), (_, _, _, cumtime, _) in stats.items()
        if "/vizlib/" in filename and function not in ("build", "builder", "<module>")
    ]
    print("\nshare | vizlib step (time in and under it)")
    for cumtime, where in sorted(steps, reverse=True)[: args.top]:
        print(f"{100 * cumtime / total:4.0f} % | {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
