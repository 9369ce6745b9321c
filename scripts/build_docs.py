"""Build the notebooks' static site from their stored outputs (``make docs``).

Writes ``build/docs/index.html`` and one page per notebook (``NN_name.html``),
plus with ``--pdf`` a PDF of each (``NN_name.pdf``). Pages open from disk with
no network: every figure is drawn by the plotly.js its notebook carries (the
first figure output has it inline), and shows its PNG with the alt text where
scripts do not run. The template (scripts/nbconvert/vizlib_offline) is
nbconvert's "lab" without the require.js and MathJax it loads from a CDN.
Links between notebooks point at their pages.

PDF: nbconvert's webpdf exporter launches Chromium through Playwright, which
only looks in its own browsers folder (there is no option for another
executable, and ``playwright install`` needs the internet). ``--pdf`` points
``PLAYWRIGHT_BROWSERS_PATH`` at a temporary folder laid out the way Playwright
expects, whose browser is Debian's /usr/bin/chromium. The same works from the
command line: ``python scripts/build_docs.py --playwright-browsers DIR`` makes
such a folder, then ``PLAYWRIGHT_BROWSERS_PATH=DIR jupyter nbconvert --to
webpdf --WebPDFExporter.disable_sandbox=True nb.ipynb``. Printed pages keep
each figure's image (vizlib's HTML draws the interactive figure only on
screen).

Run ``make notebooks`` first if the notebooks changed: this never executes them.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import json
import os
import platform
import re
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

REPO = Path(__file__).resolve().parents[1]
TEMPLATES = Path(__file__).resolve().parent / "nbconvert"
TEMPLATE = "vizlib_offline"
CHROMIUM = Path("/usr/bin/chromium")


def exporter() -> HTMLExporter:
    """Return nbconvert's HTML exporter with the offline template."""
    return HTMLExporter(extra_template_basedirs=[str(TEMPLATES)], template_name=TEMPLATE)


def page(path: Path, names: set[str]) -> str:
    """Return one notebook as an offline HTML page; links to notebooks in ``names`` point at their pages."""
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = _link_pages(cell.source, names)
    body, _ = exporter().from_notebook_node(notebook, resources={"metadata": {"name": path.stem}})
    return body


def build(notebooks: list[Path], out: Path, pdf: bool = False) -> list[Path]:
    """Write the site (index and pages, PDFs if asked) into ``out``; return the files written."""
    out.mkdir(parents=True, exist_ok=True)
    names = {p.stem for p in notebooks}
    written = []
    for path in notebooks:
        target = out / f"{path.stem}.html"
        target.write_text(page(path, names), encoding="utf-8")
        written.append(target)
    if pdf:
        from nbconvert import WebPDFExporter

        with playwright_uses(CHROMIUM):
            for path in notebooks:
                data, _ = WebPDFExporter(disable_sandbox=True).from_filename(str(path))
                target = out / f"{path.stem}.pdf"
                target.write_bytes(data)
                written.append(target)
    index = out / "index.html"
    index.write_text(_index(notebooks, out), encoding="utf-8")
    return [index, *written]


@contextlib.contextmanager
def playwright_uses(chromium: Path) -> Iterator[Path]:
    """Make Playwright launch ``chromium`` (through ``PLAYWRIGHT_BROWSERS_PATH``) while in the block."""
    with tempfile.TemporaryDirectory(prefix="vizlib-playwright-") as folder:
        browsers_folder(Path(folder), chromium)
        before = os.environ.get("PLAYWRIGHT_BROWSERS_PATH")
        os.environ["PLAYWRIGHT_BROWSERS_PATH"] = folder
        try:
            yield Path(folder)
        finally:
            if before is None:
                os.environ.pop("PLAYWRIGHT_BROWSERS_PATH", None)
            else:
                os.environ["PLAYWRIGHT_BROWSERS_PATH"] = before


def browsers_folder(folder: Path, chromium: Path) -> Path:
    """Lay out ``folder`` as Playwright's browsers folder (Linux), its Chromium builds being ``chromium``.

    Playwright finds Chromium at ``chromium-<revision>/chrome-linux64/chrome``
    and, for headless pages, ``chromium_headless_shell-<revision>/
    chrome-headless-shell-linux64/chrome-headless-shell``; the revisions are
    those of the installed Playwright (its ``browsers.json``).
    """
    import playwright

    browsers = json.loads((Path(playwright.__file__).parent / "driver/package/browsers.json").read_text())
    revision = {b["name"]: b["revision"] for b in browsers["browsers"]}
    arch = "linux64" if platform.machine() in ("x86_64", "AMD64") else "linux-arm64"
    links = {
        f"chromium-{revision['chromium']}/chrome-{arch}/chrome",
        f"chromium_headless_shell-{revision['chromium-headless-shell']}/chrome-headless-shell-{arch}/chrome-headless-shell",
    }
    for link in links:
        path = folder / link
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_symlink():
            path.symlink_to(chromium)
    return folder


def _link_pages(markdown: str, names: set[str]) -> str:
    def repoint(match: re.Match[str]) -> str:
        return f"]({match[1]}.html{match[2] or ''})" if match[1] in names else match[0]

    return re.sub(r"\]\(([\w-]+)\.ipynb(#[^)]*)?\)", repoint, markdown)


def _index(notebooks: list[Path], out: Path) -> str:
    """The site's front page: each notebook's title and first paragraph, with links."""
    items = []
    for path in notebooks:
        title, summary = _title_and_summary(nbformat.read(path, as_version=4))
        links = [f'<a href="{path.stem}.html">{html.escape(title)}</a>']
        if (out / f"{path.stem}.pdf").is_file():
            links.append(f'<a href="{path.stem}.pdf">PDF</a>')
        items.append(f"<li>{' · '.join(links)}<p>{html.escape(summary)}</p></li>")
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<link rel="icon" href="data:,">\n<title>vizlib notebooks</title>\n'
        "<style>body { font-family: sans-serif; max-width: 46em; margin: 2em auto; padding: 0 1em; line-height: 1.45; }"
        " li { margin-bottom: 1em; } li p { margin: 0.3em 0 0; }</style>\n</head>\n<body>\n"
        "<h1>vizlib notebooks</h1>\n"
        "<p>The notebooks with their stored outputs, as pages that open offline. "
        "Built by <code>make docs</code>; run them yourself with <code>make lab</code>.</p>\n"
        f"<ol>\n{chr(10).join(items)}\n</ol>\n</body>\n</html>\n"
    )


def _title_and_summary(notebook: nbformat.NotebookNode) -> tuple[str, str]:
    text = next((c.source for c in notebook.cells if c.cell_type == "markdown"), "")
    blocks = [b.strip() for b in text.split("\n\n") if b.strip()]
    title = blocks[0].lstrip("#").strip() if blocks else ""
    summary = " ".join(blocks[1].split()) if len(blocks) > 1 else ""
    return title, re.sub(r"\*\*(.+?)\*\*|`(.+?)`", lambda m: m[1] or m[2], summary)


def main() -> int:
    """Build the site from the notebooks given (files or folders)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", type=Path, default=[REPO / "notebooks"])
    parser.add_argument("--out", type=Path, default=REPO / "build" / "docs", help="output folder (build/docs)")
    parser.add_argument("--pdf", action="store_true", help="also write a PDF of each notebook (webpdf, Chromium)")
    parser.add_argument(
        "--playwright-browsers", type=Path, metavar="DIR", help="only lay out DIR for PLAYWRIGHT_BROWSERS_PATH"
    )
    args = parser.parse_args()
    if args.playwright_browsers:
        print(browsers_folder(args.playwright_browsers, CHROMIUM))
        return 0
    notebooks = sorted(p for arg in args.paths for p in ([arg] if arg.is_file() else arg.glob("*.ipynb")))
    written = build(notebooks, args.out, pdf=args.pdf)
    print(f"wrote {len(written)} files; open {written[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
