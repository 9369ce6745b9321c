"""The notebooks as files: present, executed, built from vizlib calls only, and really checked by nbval.

`pytest --nbval notebooks/` re-runs them and compares outputs; these tests make
sure that comparison means something (every notebook has text outputs nbval
does not ignore), that the notebooks stay free of figure code, and that the
stored outputs are what vizlib's notebook renderer and scripts/run_notebooks.py
write (the form JupyterLab saves).
"""

from __future__ import annotations

import ast
import base64
import html
import json
import re
import struct
from collections import Counter

import nbformat
import pytest
from conftest import REPO
from nbval.plugin import find_comment_markers

NOTEBOOKS = REPO / "notebooks"
NAMES = [
    "01_overview",
    "02_kursk_incursion",
    "03_north_korean_forces",
    "04_donetsk_front",
    "05_export_for_articles",
    "06_front_movement",
]
PLOTLY_JSON = "application/vnd.plotly.v1+json"
#: Calls that build or change a plotly figure: the builders' job, never a notebook's.
FIGURE_CALLS = {
    "Figure", "make_subplots", "add_trace", "add_traces", "update_layout", "update_traces",
    "update_geos", "update_xaxes", "update_yaxes", "add_annotation", "add_shape", "add_vline", "add_hline",
}


def _read(name: str) -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)


def _code_cells(name: str) -> list[nbformat.NotebookNode]:
    return [c for c in _read(name).cells if c.cell_type == "code"]


def _compared(cell: nbformat.NotebookNode) -> bool:
    """Whether nbval compares this cell's outputs (its own reading of the comment markers)."""
    markers = dict(find_comment_markers(cell.source))
    return markers.get("check", True) and not markers.get("skip", False)


def _text(output: nbformat.NotebookNode) -> str:
    if output.output_type == "stream":
        return output.text
    data = output.get("data", {})
    return "".join(str(data[k]) for k in ("text/plain", "text/html") if k in data)


def test_every_notebook_is_there_and_no_other():
    assert sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb")) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_notebook_is_valid_and_executed_top_to_bottom(name):
    nb = _read(name)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"
    cells = _code_cells(name)
    assert [c.execution_count for c in cells] == list(range(1, len(cells) + 1)), "run `make notebooks`"
    for cell in cells:
        assert "execution" not in cell.metadata, "wall-clock timestamps make re-runs differ"
        errors = [o for o in cell.outputs if o.output_type == "error" or o.get("name") == "stderr"]
        assert not errors, f"cell {cell.id} stored an error or a warning: {errors}"


@pytest.mark.parametrize("name", NAMES)
def test_figures_come_from_vizlib_calls_only(name):
    for cell in _code_cells(name):
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                modules = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                assert not any(m.split(".")[0] == "plotly" for m in modules), f"cell {cell.id} imports plotly"
            if isinstance(node, ast.Call):
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                assert called not in FIGURE_CALLS, f"cell {cell.id} builds a figure itself: {called}()"


@pytest.mark.parametrize("name", NAMES)
def test_notebook_has_text_output_that_nbval_compares(name):
    checked = [
        cell.id
        for cell in _code_cells(name)
        if _compared(cell) and any(_text(o).strip() for o in cell.outputs)
    ]
    assert checked, f"{name}: no code cell with a text output that nbval compares"


@pytest.mark.parametrize("name", NAMES)
def test_figures_are_stored_as_vizlib_renders_them(name):
    # vizlib's notebook renderer (vizlib/notebook.py): plotly's JSON (drawn by JupyterLab, offline), a PNG of the
    # figure's size, HTML for nbconvert (plotly.js inline in the first figure only, fixed ids) and the alt text
    seen: Counter[str] = Counter()
    figures = [o for c in _code_cells(name) for o in c.outputs if PLOTLY_JSON in o.get("data", {})]
    for index, output in enumerate(figures):
        data = output.data
        assert set(data) == {PLOTLY_JSON, "image/png", "text/html", "text/plain"}
        spec = data[PLOTLY_JSON]
        info = spec["layout"]["meta"]["vizlib"]
        assert info["title"], "not a vizlib figure"
        # what makes plotly.js fetch its base-map topojson from a CDN (blank map offline)
        assert not any(t.get("locationmode") or t["type"].startswith("choropleth") for t in spec["data"]), (
            f"{info['slug']}: a trace that fetches topojson from the network"
        )
        geos = [v for k, v in spec["layout"].items() if k.startswith("geo")]
        assert all(geo.get("visible") is False for geo in geos), f"{info['slug']}: a visible base map"
        png = base64.b64decode(data["image/png"])
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        assert struct.unpack(">II", png[16:24]) == (spec["layout"]["width"], spec["layout"]["height"])
        page = data["text/html"]
        assert ("window.Plotly = Plotly" in page) == (index == 0), "plotly.js goes inline with the first figure only"
        assert not re.search(r"<script[^>]*\ssrc=", page), "nothing loaded from anywhere"
        seen[info["slug"]] += 1
        assert f'id="vizlib-{info["slug"]}-{seen[info["slug"]]}"' in page
        assert f'alt="{html.escape(info["alt"], quote=True)}"' in page
        assert f"base64,{data['image/png']}" in page
        assert data["text/plain"] == f"{info['title']}\n{info['alt']}"
        assert not [n for n in _numbers(spec) if isinstance(n, float) and n.is_integer()], (
            "whole-number floats: JupyterLab would write them back as integers"
        )


@pytest.mark.parametrize("name", NAMES)
def test_kernel_metadata_is_what_jupyterlab_writes(name):
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec("python3")
    metadata = _read(name).metadata
    assert metadata.kernelspec == {"display_name": spec.display_name, "language": spec.language, "name": "python3"}
    # the kernel's own kernel_info reply (JupyterLab stores it when the kernel starts)
    assert set(metadata.language_info) == {
        "codemirror_mode", "file_extension", "mimetype", "name", "nbconvert_exporter", "pygments_lexer", "version",
    }  # fmt: skip
    assert set(metadata) == {"kernelspec", "language_info"}


def _numbers(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _numbers(item)
    elif isinstance(value, list):
        for item in value:
            yield from _numbers(item)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield value


@pytest.mark.parametrize("name", NAMES)
def test_outputs_name_no_machine_paths(name):
    for cell in _code_cells(name):
        text = json.dumps(cell.outputs)
        assert str(REPO) not in text and "/tmp/" not in text, f"cell {cell.id} stored a path of this machine"


@pytest.mark.parametrize("name", NAMES)
def test_outputs_that_depend_on_a_frontline_layer_are_tagged_and_compared(name):
    """A cell whose output depends on DeepStateMap's layers is tagged ``frontline``, and nbval compares it.

    Follows names through the notebook: anything computed from ``frontline.*``
    (directly or through a name assigned from it) is layer-dependent. Tagged cells are
    compared strictly wherever the layers can be had (notebooks/conftest.py); no cell of
    any notebook is excluded by a comment marker.
    """
    tainted: set[str] = set()
    for cell in _code_cells(name):
        assert _compared(cell), f"cell {cell.id} is excluded from nbval"
        tree = ast.parse(cell.source)
        used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        calls_frontline = any(
            isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == "frontline"
            for n in ast.walk(tree)
        )
        if not (calls_frontline or used & tainted):
            continue
        tainted |= {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        tainted |= {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        if cell.outputs:
            assert "frontline" in cell.metadata.get("tags", []), f"cell {cell.id} shows layer output; tag it frontline"


def test_frontline_cells_are_compared_where_the_layers_can_be_had(shared_frontline, tmp_path, monkeypatch):
    from notebooks.conftest import frontline_layers_available

    monkeypatch.setenv("VIZLIB_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("VIZLIB_DEEPSTATE_ARCHIVE_URL", str(shared_frontline / "archive"))
    monkeypatch.setenv("VIZLIB_DEEPSTATE_EXPORT_URL", str(shared_frontline))
    assert frontline_layers_available()  # the archive has 11 Nov 2024, the exports 14 Nov 2024
    monkeypatch.setenv("VIZLIB_DEEPSTATE_EXPORT_URL", str(tmp_path / "no-exports"))
    monkeypatch.setenv("VIZLIB_CACHE", str(tmp_path / "empty"))
    assert not frontline_layers_available()  # the theatre and Kursk notebooks would draw the archive instead
    monkeypatch.delenv("VIZLIB_DEEPSTATE_ARCHIVE_URL")
    monkeypatch.setenv("VIZLIB_DEEPSTATE_EXPORT_URL", str(shared_frontline))
    monkeypatch.setenv("VIZLIB_CACHE", str(tmp_path / "empty2"))
    assert not frontline_layers_available()


def test_donetsk_notebook_shows_the_layer_outputs_it_promises():
    # The stored run had the layer (development/CI machines keep the samples):
    # the distance table and the map with the shaded occupied area are there.
    cells = _code_cells("04_donetsk_front")
    texts = "".join(_text(o) for c in cells for o in c.outputs)
    assert "Kurakhove reservoir dam" in texts and "2024-11-20" in texts
    layer_maps = [
        o.data[PLOTLY_JSON]
        for c in cells
        for o in c.outputs
        if PLOTLY_JSON in o.get("data", {}) and "DeepStateMap" in json.dumps(o.data[PLOTLY_JSON]["layout"]["meta"])
    ]
    assert layer_maps, "no Donetsk map with the DeepStateMap layer stored"


@pytest.mark.parametrize("name", sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb")))
def test_notebooks_download_only_when_the_reader_asks(name):
    """A notebook run (nbval in `make test`) must not reach the network: downloads are opt-in."""
    for cell in _code_cells(name):
        tree = ast.parse("\n".join(line for line in cell.source.splitlines() if not line.startswith(("%", "!"))))
        assigned = {
            node.targets[0].id: node.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
        }
        if "DOWNLOAD" in assigned:
            assert isinstance(assigned["DOWNLOAD"], ast.Constant) and assigned["DOWNLOAD"].value is False
        guarded = {
            id(call)
            for node in ast.walk(tree)
            if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "DOWNLOAD"
            for call in ast.walk(node)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "occupied":
                assert id(node) in guarded, f"{name}: frontline.occupied() outside `if DOWNLOAD:`"
