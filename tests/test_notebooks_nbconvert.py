"""What a reader gets from ``jupyter nbconvert`` and ``make docs``: every figure, offline, with its alt text.

Each stored notebook is converted as nbconvert does by default (HTML, the "lab"
template; Markdown, rendered to HTML as a Markdown viewer would), and the site
of scripts/build_docs.py is built. Every page is opened from disk in Debian's
Chromium with every request beyond the disk refused and recorded. On each
page, the figures drawn are counted against the notebook's figure outputs, in
order, by their div ids, and each carries its figure's alt text. Where scripts
do not run (a Markdown viewer such as GitHub's), each figure is its PNG with
the alt text. The PDF route (``--to webpdf`` through Debian's Chromium) prints
each figure's image.
"""

from __future__ import annotations

import html
import io
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import mistune
import nbformat
import pytest
from conftest import REPO
from nbconvert import HTMLExporter, MarkdownExporter

pytestmark = pytest.mark.browser

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
PLOTLY_JSON = "application/vnd.plotly.v1+json"
BUILD_DOCS = REPO / "scripts" / "build_docs.py"

#: What a page shows of its figures: the plots drawn (div id, alt text) and the images left (id, alt, loaded).
INSPECT = """() => ({
    drawn: [...document.querySelectorAll('.vizlib-plot')].filter(d => !d.hidden && d.querySelector('.main-svg'))
        .map(d => [d.id, d.getAttribute('aria-label')]),
    images: [...document.querySelectorAll('img.vizlib-image')]
        .map(i => [i.id.replace(/-image$/, ''), i.alt, i.complete && i.naturalWidth > 0]),
})"""
#: Every figure on the page is either drawn or left as its image (plotly.js draws asynchronously).
SETTLED = """() => [...document.querySelectorAll('.vizlib-figure')].every(f =>
    f.querySelector('.vizlib-plot[hidden]') || f.querySelector('.vizlib-plot .main-svg') && !f.querySelector('img.vizlib-image'))"""


def expected_figures(notebook: nbformat.NotebookNode) -> list[list[str]]:
    """[div id, alt text] of each figure output, in order (ids count per slug from 1, as the renderer numbers them)."""
    seen: Counter[str] = Counter()
    figures = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if PLOTLY_JSON in output.get("data", {}):
                info = output.data[PLOTLY_JSON]["layout"]["meta"]["vizlib"]
                seen[info["slug"]] += 1
                figures.append([f"vizlib-{info['slug']}-{seen[info['slug']]}", info["alt"]])
    return figures


def open_offline(browser, path: Path, javascript: bool = True) -> tuple[dict, list[str], list[str]]:
    """Open ``path`` from disk with every other request refused; return (what it shows, refused urls, errors)."""
    context = browser.new_context(java_script_enabled=javascript, viewport={"width": 1280, "height": 900})
    refused: list[str] = []
    errors: list[str] = []

    def route(route):
        if route.request.url.startswith(("file://", "data:", "blob:")):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    page = context.new_page()
    page.route("**/*", route)
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(path.as_uri(), wait_until="load")
        if javascript:
            page.wait_for_function(SETTLED, timeout=60_000)
        else:
            page.wait_for_function("() => [...document.images].every(i => i.complete)", timeout=60_000)
        return page.evaluate(INSPECT), refused, errors
    finally:
        context.close()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_html_export_draws_every_figure_offline(browser, tmp_path, path):
    exporter = HTMLExporter()  # what `jupyter nbconvert --to html` uses, defaults untouched
    body, _ = exporter.from_filename(str(path))
    page = tmp_path / f"{path.stem}.html"
    page.write_text(body, encoding="utf-8")
    figures = expected_figures(nbformat.read(path, as_version=4))
    shown, refused, errors = open_offline(browser, page)
    assert shown == {"drawn": figures, "images": []}
    assert errors == []
    # the template's own require.js and MathJax (a CDN): refused, and nothing needs them
    assert set(refused) <= {exporter.require_js_url, exporter.mathjax_url}, refused


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_markdown_export_shows_every_figure(browser, tmp_path, path):
    markdown, _ = MarkdownExporter().from_filename(str(path))  # `jupyter nbconvert --to markdown`
    page = tmp_path / f"{path.stem}.html"
    page.write_text(f'<!DOCTYPE html>\n<meta charset="utf-8">\n{mistune.html(markdown)}', encoding="utf-8")
    figures = expected_figures(nbformat.read(path, as_version=4))
    shown, refused, errors = open_offline(browser, page)
    assert shown == {"drawn": figures, "images": []} and refused == [] and errors == []
    # a viewer that runs no script shows each figure's image, with its alt text
    shown, refused, errors = open_offline(browser, page, javascript=False)
    assert shown == {"drawn": [], "images": [[ident, alt, True] for ident, alt in figures]}
    assert refused == [] and errors == []


def test_html_without_the_output_that_carries_plotlyjs_still_shows_every_figure(browser, tmp_path):
    # e.g. the reader cleared the first figure's output, or cut the notebook: later figures keep their image
    path = REPO / "notebooks" / "01_overview.ipynb"
    notebook = nbformat.read(path, as_version=4)
    figures = expected_figures(notebook)
    assert len(figures) >= 2
    first = next(c for c in notebook.cells if any(PLOTLY_JSON in o.get("data", {}) for o in c.get("outputs", [])))
    first.outputs = []
    body, _ = HTMLExporter().from_notebook_node(notebook)
    page = tmp_path / "cut.html"
    page.write_text(body, encoding="utf-8")
    shown, _, errors = open_offline(browser, page)
    assert shown == {"drawn": [], "images": [[ident, alt, True] for ident, alt in figures[1:]]}
    assert errors == []


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("docs")
    proc = subprocess.run([sys.executable, str(BUILD_DOCS), "--out", str(out)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return out


def test_site_has_an_index_that_links_every_notebook(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    links = [href for href in _hrefs(index) if not href.startswith("#")]
    assert links == [f"{p.stem}.html" for p in NOTEBOOKS]
    for path in NOTEBOOKS:
        title = nbformat.read(path, as_version=4).cells[0].source.splitlines()[0].lstrip("# ")
        assert html.escape(title) in index


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_site_page_opens_offline_with_every_figure(browser, site, path):
    page = site / f"{path.stem}.html"
    figures = expected_figures(nbformat.read(path, as_version=4))
    shown, refused, errors = open_offline(browser, page)
    assert shown == {"drawn": figures, "images": []}
    assert refused == [] and errors == []  # no CDN left in the template
    # links between notebooks lead to their pages
    for href in _hrefs(page.read_text(encoding="utf-8")):
        if href.endswith((".ipynb", ".html")) and "/" not in href:
            assert href.endswith(".html") and (site / href).is_file(), href


def test_webpdf_prints_every_figure_with_debian_chromium(tmp_path):
    import pypdf

    browsers = tmp_path / "playwright-browsers"
    subprocess.run([sys.executable, str(BUILD_DOCS), "--playwright-browsers", str(browsers)], check=True)
    path = REPO / "notebooks" / "01_overview.ipynb"
    proc = subprocess.run(
        [
            str(Path(sys.executable).with_name("jupyter")), "nbconvert", "--to", "webpdf",
            "--WebPDFExporter.disable_sandbox=True", "--output-dir", str(tmp_path), str(path),
        ],
        capture_output=True, text=True, env={**_environ(), "PLAYWRIGHT_BROWSERS_PATH": str(browsers)}, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    pdf = pypdf.PdfReader(io.BytesIO((tmp_path / "01_overview.pdf").read_bytes()))
    images = [(image.image.width, image.image.height) for page in pdf.pages for image in page.images]
    notebook = nbformat.read(path, as_version=4)
    sizes = [
        (o.data[PLOTLY_JSON]["layout"]["width"], o.data[PLOTLY_JSON]["layout"]["height"])
        for c in notebook.cells
        for o in c.get("outputs", [])
        if PLOTLY_JSON in o.get("data", {})
    ]
    assert images == sizes  # each figure, printed as its stored image


def _hrefs(page: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'<a\s[^>]*href="([^"]*)"', page)]


def _environ() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "PLAYWRIGHT_BROWSERS_PATH"}


def test_expected_figures_reads_the_renderer_ids():
    # the ids this test expects are the ones the notebooks store
    for path in NOTEBOOKS:
        notebook = nbformat.read(path, as_version=4)
        for (ident, _), output in zip(
            expected_figures(notebook),
            [o for c in notebook.cells for o in c.get("outputs", []) if PLOTLY_JSON in o.get("data", {})],
        ):
            assert f'id="{ident}"' in output.data["text/html"]
