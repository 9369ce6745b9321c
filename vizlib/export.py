"""Export vizlib figures for publication: PNG, SVG, PDF, HTML and sidecars.

Every export writes, beside the images, ``<name>.csv`` (the data drawn) and
``<name>.json`` (a manifest: title, alt text, sources, as-of date, the data
with its hash, a hash of the figure spec, versions and the files written with
their hashes). Alt text and source also go into the SVG and HTML.

* One browser for a whole batch: :func:`save_many` renders every static image
  in a single kaleido (Chromium) session with MathJax off, so nothing is
  fetched from the network.
* Deterministic: the same figure gives byte-identical SVG, HTML, CSV and JSON
  (random SVG ids are renamed after the figure, the HTML div id is the
  figure's name, PDF dates are set to the as-of date).
* Safe: each figure's files are first written to temporary files in the
  output folder and renamed into place together, so a failed or interrupted
  export leaves no partial file; the folder is checked before any work.

Only figures that carry vizlib metadata (:func:`vizlib.meta.apply`) can be
exported: without title, alt text and sources there is nothing to publish.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import html as htmlmod
import json
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import version
from pathlib import Path
from typing import Any

import plotly.graph_objects as go

from vizlib import fmt, meta, theme
from vizlib.errors import ExportError

FORMATS = ("png", "svg", "pdf", "html")
DEFAULT_FORMATS = ("png", "svg", "html")
STATIC_FORMATS = ("png", "svg", "pdf")
HTML_MODES = ("self-contained", "shared")
#: The plotly.js file that ``html="shared"`` pages load from their own folder.
PLOTLYJS_NAME = "plotly.min.js"

NO_BROWSER_HELP = (
    "static export (PNG/SVG/PDF) needs Chrome or Chromium. Debian/Ubuntu: `apt-get install chromium`; "
    "elsewhere: run `plotly_get_chrome` (needs internet) or point BROWSER_PATH at a Chrome/Chromium binary"
)


def save(
    fig: go.Figure,
    path_or_dir: str | os.PathLike[str],
    formats: Iterable[str] = DEFAULT_FORMATS,
    *,
    name: str | None = None,
    html: str = "self-contained",
    scale: float = 2,
) -> list[Path]:
    """Export one figure with its manifest and data sidecars.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
        A figure carrying vizlib metadata (see :func:`vizlib.meta.apply`).
    path_or_dir : str or path-like
        A folder (created if missing), or a file path whose suffix is one of
        :data:`FORMATS` (e.g. ``out/kursk.svg``): then only that format is
        written, named after the file.
    formats : iterable of str
        Any of ``png``, ``svg``, ``pdf``, ``html``.
    name : str, optional
        File stem; defaults to the figure's slug.
    html : {"self-contained", "shared"}
        Embed plotly.js in the page (works anywhere, ~4.8 MB), or load one
        ``plotly.min.js`` written beside it (shared by all pages of a folder).
    scale : float
        PNG pixels per CSS pixel (2 gives a sharp image on high-DPI screens).

    Returns
    -------
    list of pathlib.Path
        The files written: one per format, then ``<name>.csv`` and ``<name>.json``.

    Raises
    ------
    vizlib.ExportError
        The figure has no vizlib metadata, the folder is not writable, no
        browser is available for a static format, or rendering failed.

    Examples
    --------
    >>> save(fig, "out/")  # doctest: +SKIP
    [PosixPath('out/kursk.png'), PosixPath('out/kursk.svg'), ...]

    """
    target = Path(path_or_dir)
    if target.suffix.lstrip(".").lower() in FORMATS:
        formats, name, target = (target.suffix.lstrip(".").lower(),), name or target.stem, target.parent
    key = name or _metadata(fig, "figure")["slug"]
    return save_many({key: fig}, target, formats, html=html, scale=scale, progress=False)[key]


def save_many(
    figs: Mapping[str, go.Figure],
    out_dir: str | os.PathLike[str],
    formats: Iterable[str] = DEFAULT_FORMATS,
    *,
    html: str = "self-contained",
    scale: float = 2,
    progress: bool | None = None,
) -> dict[str, list[Path]]:
    """Export many figures, rendering all static images in one browser session.

    Figures are rendered and written one after another, so an interruption
    keeps every figure finished before it. A figure that fails does not stop
    the others: they are written, then :class:`vizlib.ExportError` names the
    failures (its ``written`` attribute holds what was written).

    Parameters
    ----------
    figs : mapping of str to plotly.graph_objects.Figure
        File stem -> figure (each carrying vizlib metadata).
    out_dir : str or path-like
        Output folder, created if missing.
    formats : iterable of str
        Any of ``png``, ``svg``, ``pdf``, ``html``.
    html : {"self-contained", "shared"}
        See :func:`save`.
    scale : float
        PNG pixels per CSS pixel.
    progress : bool, optional
        Show a progress bar on stderr; by default only when stderr is a terminal.

    Returns
    -------
    dict of str to list of pathlib.Path
        The files written for each figure, in the order of ``figs``.

    """
    formats = _check_formats(formats)
    if html not in HTML_MODES:
        raise ValueError(f"html must be one of {HTML_MODES}, not {html!r}")
    metas = {name: _metadata(fig, name) for name, fig in figs.items()}
    out = _writable_dir(Path(out_dir))
    if html == "shared" and "html" in formats:
        _write_plotlyjs(out)

    written: dict[str, list[Path]] = {}
    failed: dict[str, str] = {}
    show = sys.stderr.isatty() if progress is None else progress

    from tqdm import tqdm

    with tqdm(total=len(figs), desc="vizlib export", unit="fig", disable=not show, file=sys.stderr) as bar:

        def finish(name: str, images: dict[str, bytes] | None, error: BaseException | None) -> None:
            if error is None:
                try:
                    written[name] = _write_figure(
                        out, name, figs[name], metas[name], formats, images or {}, html, scale
                    )
                except (OSError, ExportError) as exc:
                    error = exc
            if error is not None:
                failed[name] = " ".join(f"{type(error).__name__}: {error}".split())
            bar.update()

        static = [f for f in formats if f in STATIC_FORMATS]
        if static:
            _run(_render_all(figs, static, scale, finish))
        else:
            for name in figs:
                finish(name, {}, None)

    if failed:
        error = ExportError(
            f"could not export {len(failed)} of {len(figs)} figure(s): "
            + "; ".join(f"{name} ({why})" for name, why in failed.items())
        )
        error.written, error.failed = written, failed  # type: ignore[attr-defined]
        raise error
    return written


def spec_hash(fig: go.Figure) -> str:
    """Return the sha256 of the figure spec without its template, as canonical JSON.

    The template (the bulk of plotly's defaults) is left out so that the hash
    follows what a builder draws, not the plotly version.
    """
    spec = fig.to_plotly_json()
    spec["layout"] = {k: v for k, v in spec.get("layout", {}).items() if k != "template"}
    return _sha256(_canonical_json(spec))


def data_hash(fig: go.Figure) -> str:
    """Return the sha256 of the data a figure draws (its metadata table, canonical JSON)."""
    return _sha256(_canonical_json(_metadata(fig, "figure")["data"]))


def write_readme(out_dir: str | os.PathLike[str], names: Iterable[str], title: str = "Figures") -> Path:
    """Write ``README.md`` in ``out_dir`` showing each exported figure.

    Reads the manifests ``<name>.json`` found in the folder (names without one
    are skipped) and shows each figure's PNG, title, alt text, source line and
    links to its other files.

    Returns
    -------
    pathlib.Path
        The README written.

    """
    out = Path(out_dir)
    lines = [
        f"# {title}",
        "",
        "Generated by `vizlib figures` (`make figures`); do not edit by hand.",
        "Each figure comes with its data (`.csv`) and a manifest (`.json`: sources, hashes, versions).",
        "",
    ]
    for name in names:
        manifest_path = out / f"{name}.json"
        if not manifest_path.is_file():
            continue
        m = json.loads(manifest_path.read_text(encoding="utf-8"))
        files = list(m["files"])
        lines += [f"## {_md(m['title'])}", ""]
        if f"{name}.png" in files:
            lines += [f"![{_md(m['alt'])}]({name}.png)", ""]
        lines += [f"{_md(m['subtitle'])}", "", f"*Alt text:* {_md(m['alt'])}", ""]
        lines += [f"{_md(m['source_line'])}. As of {fmt.date(_date(m['as_of']))}.", ""]
        links = [f"[{Path(f).suffix.lstrip('.').upper()}]({f})" for f in files if not f.endswith(".png")]
        lines += [" · ".join([*links, f"[manifest]({name}.json)"]), ""]
    path = out / "README.md"
    _replace_together([(path, "\n".join(lines).encode("utf-8"))])
    return path


# --- checks -------------------------------------------------------------------------------------------------------


def _check_formats(formats: Iterable[str]) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(f.lower().lstrip(".") for f in ([formats] if isinstance(formats, str) else formats)))
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise ValueError(f"formats must be among {', '.join(FORMATS)}; got {', '.join(chosen) or 'none'}")
    return chosen


def _metadata(fig: Any, name: str) -> dict[str, Any]:
    try:
        return meta.get(fig)
    except (KeyError, AttributeError):
        raise ExportError(
            f"{name}: figure carries no vizlib metadata; build it with a vizlib builder "
            "or call vizlib.meta.apply(fig, FigureMeta(...)) first"
        ) from None


def _writable_dir(out: Path) -> Path:
    """Create ``out`` and prove a file can be written there, before any work."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out, prefix=".vizlib-probe-"):
            pass
    except OSError as exc:
        raise ExportError(f"cannot write to {out}: {exc.strerror or exc}") from None
    return out


# --- rendering ----------------------------------------------------------------------------------------------------


async def _render_all(
    figs: Mapping[str, go.Figure],
    formats: list[str],
    scale: float,
    finish: Callable[[str, dict[str, bytes] | None, BaseException | None], None],
) -> None:
    """Render every figure's static formats in one browser; hand each result to ``finish``."""
    from kaleido.errors import BrowserFailedError, ChromeNotFoundError

    loop = asyncio.get_running_loop()
    try:
        browser = _batch_browser()(mathjax=False)  # MathJax would be fetched from a CDN
        opening = asyncio.ensure_future(browser.open())
        # Chromium starts in its own processes: serialise the figures meanwhile.
        specs = await loop.run_in_executor(None, _specs, figs)
        await opening
    except (ChromeNotFoundError, BrowserFailedError) as exc:
        detail = str(exc.args[0] if isinstance(exc, BrowserFailedError) and exc.args else exc).split(". ")[0]
        raise ExportError(f"no usable browser: {NO_BROWSER_HELP} ({detail})") from None
    # Files are written by one worker thread, in order, while the browser renders the next figure.
    with ThreadPoolExecutor(1) as writer:
        written = []
        try:
            order = sorted(formats, key=lambda f: f == "png")  # vector formats first, on a fresh page
            last = list(figs)[-1] if figs else None
            for name, fig in figs.items():
                width, height = _size(fig)
                try:
                    spec = specs[name]
                    if isinstance(spec, Exception):
                        raise spec
                    images = {}
                    for i, f in enumerate(order):
                        # SVG/PDF bytes depend on the page's history (attribute order); PNG pixels do not.
                        following = order[i + 1] if i + 1 < len(order) else (None if name == last else order[0])
                        browser.reload_after = f == "pdf" or following in ("svg", "pdf")
                        opts = dict(format=f, width=width, height=height, scale=scale if f == "png" else 1)
                        images[f] = await browser.calc_fig(spec, opts=opts)
                except Exception as exc:  # noqa: BLE001 - one bad figure must not lose the others
                    written.append(loop.run_in_executor(writer, finish, name, None, exc))
                else:
                    written.append(loop.run_in_executor(writer, finish, name, images, None))
        finally:
            closing = asyncio.ensure_future(browser.close())  # overlaps the last writes
            try:
                await asyncio.gather(*written)
            finally:
                await closing


@functools.cache
def _batch_browser() -> type:
    """Return a kaleido.Kaleido that reloads its page only when ``reload_after`` is set.

    kaleido reloads its page (re-parsing the 4.8 MB plotly.js, ~0.1 s) after
    every image. A PNG comes out pixel-identical from a used page, so the page
    is kept before a PNG; SVG and PDF (whose attribute order follows what the
    page drew before) still get a fresh page, and a PDF's print styles are
    always cleared.
    """
    from kaleido import Kaleido

    class BatchKaleido(Kaleido):
        reload_after = False

        async def _return_kaleido_tab(self, tab: Any) -> None:
            if self.reload_after:
                await tab.reload()
            await self.tabs_ready.put(tab)

    return BatchKaleido


def _specs(figs: Mapping[str, go.Figure]) -> dict[str, dict[str, Any] | Exception]:
    """Each figure as the dict kaleido renders, or the exception that stopped it."""
    specs: dict[str, dict[str, Any] | Exception] = {}
    for name, fig in figs.items():
        try:
            specs[name] = _with_fixed_uids(fig, _ident(name))
        except Exception as exc:  # noqa: BLE001 - reported per figure by _render_all
            specs[name] = exc
    return specs


def _run(coroutine: Any) -> None:
    """Run a coroutine to completion, also from inside a running event loop (Jupyter)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _with_fixed_uids(fig: go.Figure, ident: str) -> dict[str, Any]:
    """Return the figure as a dict whose traces have fixed uids (plotly.js draws random ones into the SVG)."""
    spec = fig.to_dict()
    for i, trace in enumerate(spec["data"]):
        trace.setdefault("uid", f"{ident}-{i}")
    return spec


def _size(fig: go.Figure) -> tuple[int, int]:
    preset = theme.size(theme.DEFAULT_SIZE)
    return int(fig.layout.width or preset.width), int(fig.layout.height or preset.height)


# --- files --------------------------------------------------------------------------------------------------------


def _write_figure(
    out: Path,
    name: str,
    fig: go.Figure,
    info: dict[str, Any],
    formats: tuple[str, ...],
    images: dict[str, bytes],
    html_mode: str,
    scale: float,
) -> list[Path]:
    """Write one figure's files and sidecars; all appear together or none do."""
    ident = _ident(name)
    contents: dict[str, bytes] = {}
    for f in formats:
        if f == "svg":
            contents[f"{name}.svg"] = _accessible_svg(images["svg"], ident, info)
        elif f == "pdf":
            contents[f"{name}.pdf"] = _fixed_pdf_dates(images["pdf"], info["as_of"])
        elif f == "html":
            contents[f"{name}.html"] = _html_page(fig, ident, info, html_mode)
        else:
            contents[f"{name}.{f}"] = images[f]
    table = info["data"]
    contents[f"{name}.csv"] = meta.data_frame(fig).to_csv(index=False, lineterminator="\n").encode("utf-8")
    width, height = _size(fig)
    manifest = {
        "name": name,
        **{k: info[k] for k in ("slug", "title", "subtitle", "alt", "sources", "source_line", "as_of", "notes")},
        "data": {**table, "sha256": data_hash(fig)},
        "spec_sha256": spec_hash(fig),
        "size": {"width": width, "height": height, "png_scale": scale},
        "html": {"self-contained": "plotly.js embedded", "shared": PLOTLYJS_NAME}[html_mode]
        if "html" in formats
        else None,
        "versions": {pkg: _version(pkg) for pkg in ("vizlib", "plotly", "kaleido")},
        "files": {file: _sha256(data) for file, data in contents.items()},
    }
    contents[f"{name}.json"] = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    paths = [out / file for file in contents]
    _replace_together(list(zip(paths, contents.values(), strict=True)))
    return paths


def _replace_together(files: list[tuple[Path, bytes]]) -> None:
    """Write each file to a temporary sibling first, then rename them all into place."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in files:
            staged.append((_stage(path, data), path))
        for tmp, path in staged:
            os.replace(tmp, path)
    except BaseException:
        for tmp, _ in staged:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        raise


def _stage(path: Path, data: bytes) -> str:
    """Write ``data`` to a hidden temporary file beside ``path`` and return its name."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; published files are world-readable
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _write_plotlyjs(out: Path) -> None:
    from plotly.offline import get_plotlyjs

    path = out / PLOTLYJS_NAME
    data = get_plotlyjs().encode("utf-8")
    if not path.is_file() or path.read_bytes() != data:
        _replace_together([(path, data)])


# --- formats ------------------------------------------------------------------------------------------------------


def _accessible_svg(svg: bytes, ident: str, info: dict[str, Any]) -> bytes:
    """Rename kaleido's random ids after the figure and add <title>/<desc> for screen readers."""
    text = svg.decode("utf-8")
    uid = re.search(r'id="defs-([0-9a-f]+)"', text)
    if uid:
        text = re.sub(rf'(id="|#)([\w-]*?){uid.group(1)}', rf"\g<1>\g<2>{ident}", text)
    title, desc = f"{ident}-title", f"{ident}-desc"
    root = re.search(r"<svg\b[^>]*>", text)
    if root is None:
        raise ExportError(f"{ident}: kaleido returned no <svg> element")
    opening = root.group(0)[:-1] + f' role="img" aria-labelledby="{title} {desc}">'
    labels = f'<title id="{title}">{_x(info["title"])}</title><desc id="{desc}">{_x(_description(info))}</desc>'
    return (text[: root.start()] + opening + labels + text[root.end() :]).encode("utf-8")


def _fixed_pdf_dates(pdf: bytes, as_of: str) -> bytes:
    """Replace Chromium's creation/modification time by the as-of date (same length, offsets stay valid)."""
    stamp = as_of.replace("-", "").encode("ascii") + b"000000"
    return re.sub(rb"\(D:\d{14}", b"(D:" + stamp, pdf)


def _html_page(fig: go.Figure, ident: str, info: dict[str, Any], mode: str) -> bytes:
    """Return a standalone, responsive, offline HTML page for the figure."""
    import plotly.io as pio

    width, height = _size(fig)
    page_fig = go.Figure(fig)
    page_fig.update_layout(width=None, height=None, autosize=True)
    plot = pio.to_html(
        page_fig,
        full_html=False,
        include_plotlyjs=True if mode == "self-contained" else "directory",
        include_mathjax=False,
        auto_play=False,  # an animated map waits for its reader's play
        div_id=ident,
        default_width="100%",
        default_height="100%",
        config={"responsive": True, "displayModeBar": False},
        validate=False,
    )
    template = fig.layout.template
    background = fig.layout.paper_bgcolor or (template.layout.paper_bgcolor if template else None) or "#FFFFFF"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>{_x(info["title"])}</title>
<meta name="description" content="{_x(info["alt"])}">
<style>
body {{ margin: 0; padding: 8px; background: {background}; }}
.vizlib-figure {{ margin: 0 auto; max-width: {width}px; }}
.vizlib-plot {{ width: 100%; aspect-ratio: {width} / {height}; }}
.visually-hidden {{ position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden;
  clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap; border: 0; }}
</style>
</head>
<body>
<figure class="vizlib-figure">
<div class="vizlib-plot" role="img" aria-label="{_x(info["alt"])}">
{plot}
</div>
<figcaption class="visually-hidden">{_x(info["title"])}. {_x(_description(info))}</figcaption>
</figure>
</body>
</html>
""".encode()


def _description(info: dict[str, Any]) -> str:
    text = f"{info['alt']} {info['source_line']}. As of {fmt.date(_date(info['as_of']))}."
    return f"{text} {info['notes']}" if info.get("notes") else text


# --- small helpers ------------------------------------------------------------------------------------------------


def _ident(name: str) -> str:
    """Return ``name`` made safe for XML/HTML ids."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", name)


def _x(text: str) -> str:
    """Escape text for XML/HTML content and attributes."""
    return htmlmod.escape(str(text), quote=True)


def _md(text: str) -> str:
    """Escape text for Markdown (inline): no raw HTML, no link or emphasis syntax."""
    return re.sub(r"([\\`*_\[\]<>|#!])", r"\\\1", str(text)).replace("\n", " ")


def _date(iso: str) -> Any:
    import datetime as dt

    return dt.date.fromisoformat(iso)


def _canonical_json(value: Any) -> bytes:
    from plotly.utils import PlotlyJSONEncoder

    return json.dumps(value, cls=PlotlyJSONEncoder, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _version(package: str) -> str:
    try:
        return version(package)
    except Exception:  # noqa: BLE001 - a source checkout without metadata
        return "unknown"
