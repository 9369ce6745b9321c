"""scripts/run_notebooks.py, the one way the notebooks' outputs are produced: deterministic, in JupyterLab's form."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys

import nbformat
import pytest
from conftest import REPO

RUNNER = REPO / "scripts" / "run_notebooks.py"


def _runner():
    spec = importlib.util.spec_from_file_location("run_notebooks", RUNNER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.browser
def test_a_run_writes_the_bytes_of_the_stored_notebook(tmp_path):
    # The stored notebook is an earlier run of the runner (`make notebooks`): the same bytes again, in a fresh
    # kernel and browser, is the runner run twice. 03 reads no file beside it, so a copy runs as the stored one did.
    stored = REPO / "notebooks" / "03_north_korean_forces.ipynb"
    copy = tmp_path / stored.name
    shutil.copyfile(stored, copy)
    proc = subprocess.run([sys.executable, str(RUNNER), str(copy)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.splitlines()[-1].startswith("1 notebooks in ")
    assert copy.read_bytes() == stored.read_bytes(), (
        "the stored notebook is not what the runner writes now: run `make notebooks`"
    )


def test_streams_are_merged_as_jupyterlab_merges_them(tmp_path):
    v4 = nbformat.v4
    notebook = v4.new_notebook(cells=[v4.new_code_cell("print('a'); print('b')")])
    notebook.cells[0].outputs = [
        v4.new_output("stream", name="stdout", text="a\n"),
        v4.new_output("stream", name="stdout", text="b\n"),
        v4.new_output("stream", name="stderr", text="warning\n"),
        v4.new_output("display_data", data={"text/plain": "x"}),
        v4.new_output("stream", name="stdout", text="c\n"),
        v4.new_output("stream", name="stdout", text="d\n"),
    ]
    _runner().as_jupyterlab_saves(notebook, tmp_path / "nb.ipynb")
    assert [(o.output_type, o.get("name"), o.get("text")) for o in notebook.cells[0].outputs] == [
        ("stream", "stdout", "a\nb\n"),
        ("stream", "stderr", "warning\n"),
        ("display_data", None, None),
        ("stream", "stdout", "c\nd\n"),
    ]
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec("python3")
    assert notebook.metadata.kernelspec == {"display_name": spec.display_name, "language": "python", "name": "python3"}


def test_a_progress_line_is_refused(tmp_path):
    v4 = nbformat.v4
    notebook = v4.new_notebook(cells=[v4.new_code_cell("")])
    notebook.cells[0].outputs = [v4.new_output("stream", name="stdout", text="10%\r20%\n")]
    with pytest.raises(SystemExit, match="rewrites on saving"):
        _runner().as_jupyterlab_saves(notebook, tmp_path / "nb.ipynb")
