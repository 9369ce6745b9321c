"""Execute notebooks in place and store them exactly as JupyterLab saves them (``make notebooks``).

This is the one way the notebooks' outputs are produced. Strict nbval compares
them in ``make test``, and opening a notebook in JupyterLab 4 and saving it
with no edit changes no byte (tests/test_notebooks_jupyterlab.py):

* figures come out through vizlib's notebook renderer (vizlib/notebook.py):
  plotly JSON with whole-number floats as integers, plus the PNG that
  jupyterlab-plotly would otherwise add on opening;
* ``kernelspec`` is the kernel's spec as the Jupyter server lists it, and
  ``language_info`` the kernel's own reply (nbclient stores it), as JupyterLab
  writes both when its kernel starts;
* consecutive stream outputs of the same name are merged, as JupyterLab does
  on loading (a stream with ``\\r`` or ``\\b``, which it would also rewrite, is
  refused);
* no execution timestamps; nbformat writes the file (sorted keys, one-space
  indent, final newline), as the Jupyter server does.

A second run changes nothing.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient

KERNEL = "python3"


def execute(path: Path, timeout: int) -> float:
    """Execute one notebook in its own folder and write it back in place; return the seconds taken."""
    notebook = nbformat.read(path, as_version=4)
    started = time.perf_counter()
    NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name=KERNEL,
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    seconds = time.perf_counter() - started
    as_jupyterlab_saves(notebook, path)
    tmp = path.with_suffix(".ipynb.tmp")
    nbformat.write(notebook, tmp)
    tmp.replace(path)
    return seconds


def as_jupyterlab_saves(notebook: nbformat.NotebookNode, path: Path) -> None:
    """Bring an executed notebook into the form JupyterLab writes back (in place)."""
    spec = KernelSpecManager().get_kernel_spec(KERNEL)
    notebook.metadata["kernelspec"] = {"display_name": spec.display_name, "language": spec.language, "name": KERNEL}
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        merged: list[nbformat.NotebookNode] = []
        for output in cell.outputs:
            if output.output_type == "stream":
                if "\r" in output.text or "\b" in output.text:
                    raise SystemExit(f"{path}: cell {cell.id} prints \\r or \\b, which JupyterLab rewrites on saving")
                last = merged[-1] if merged else None
                if last is not None and last.output_type == "stream" and last.name == output.name:
                    last.text += output.text
                    continue
            merged.append(output)
        cell.outputs = merged


def main() -> int:
    """Run every notebook given (files or folders)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
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
