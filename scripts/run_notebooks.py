"""Execute notebooks in place, deterministically (``make notebooks``).

Outputs are what strict nbval compares in ``make test``, so a second run must
leave no diff: execution timestamps are dropped and the kernel is pinned.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

KERNEL = "python3"


def execute(path: Path, timeout: int) -> float:
    """Execute one notebook in its own folder and write it back in place."""
    notebook = nbformat.read(path, as_version=4)
    started = time.perf_counter()
    NotebookClient(
        notebook, timeout=timeout, kernel_name=KERNEL, resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)  # wall-clock timestamps
    notebook.metadata.pop("widgets", None)
    notebook.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": KERNEL}
    notebook.metadata["language_info"] = {"name": "python"}
    tmp = path.with_suffix(".ipynb.tmp")
    nbformat.write(notebook, tmp)
    tmp.replace(path)
    return time.perf_counter() - started


def main() -> int:
    """Run every notebook given (files or folders)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--timeout", type=int, default=120, help="seconds per cell")
    args = parser.parse_args()
    notebooks = sorted(p for arg in args.paths for p in ([arg] if arg.is_file() else arg.glob("*.ipynb")))
    total = 0.0
    for path in notebooks:
        seconds = execute(path, args.timeout)
        total += seconds
        print(f"{path}: {seconds:.1f} s")
    print(f"{len(notebooks)} notebooks in {total:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
