"""Export vizlib figures for publication: PNG, SVG, PDF, HTML and sidecars.

Every export writes, beside the images, ``<name>.csv`` (the data drawn) and
``<name>.json`` (a manifest: title, alt text, sources, as-of date, the data
with its hash, a hash of the figure spec, versions and the files written with
their hashes). Alt text and source also go into the SVG and HTML.

* One browser for a whole batch: :func:`save_many` renders every static image
  in a single Chromium (started by kaleido) with MathJax off, so nothing is
  fetched from the network. Figures are serialised while the browser starts,
  rendered on two tabs at once, and written while the next ones render.
* Time limits: the browser's start-up and each image have one (60 s by
  default; keyword arguments or ``VIZLIB_START_TIMEOUT`` /
  ``VIZLIB_IMAGE_TIMEOUT``). A browser that runs out of time, or a Ctrl-C or
  SIGTERM, ends the browser and every process it started.
* Deterministic: the same figure gives byte-identical SVG, HTML, CSV and JSON
  (random SVG ids are renamed after the figure, the HTML div id is the
  figure's name, PDF dates are set to the as-of date), and the same bytes
  as kaleido's own export.
* Safe: each figure's files are first written to temporary files in the
  output folder and renamed into place together, so a failed or interrupted
  export leaves no partial file; the folder is checked before any work.

Only figures that carry vizlib metadata (:func:`vizlib.meta.apply`) can be
exported: without title, alt text and sources there is nothing to publish.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import sys
import tempfile
import warnings
from collections.abc import Iterable, Mapping
from importlib.metadata import version
from pathlib import Path
from typing import Any

import plotly.graph_objects as go

from vizlib import _fonts, _kaleido, _responsive, i18n, meta, theme
from vizlib._atomic import replace_together
from vizlib._export_batch import Engine, Limits, NoBrowser, NotRendered, StopSignals
from vizlib._export_formats import accessible_svg, fixed_pdf_dates, still, still_room
from vizlib._export_formats import description as long_description
from vizlib._export_html import PLOTLYJS_NAME, html_page, plotlyjs_tag
from vizlib.errors import ExportError
from vizlib.i18n import N_

__all__ = [
    "Batch",
    "DEFAULT_FORMATS",
    "DEFAULT_IMAGE_TIMEOUT",
    "DEFAULT_START_TIMEOUT",
    "FORMATS",
    "HTML_MODES",
    "IMAGE_TIMEOUT_ENV",
    "Layouts",
    "NO_BROWSER_HELP",
    "OTHER_BROWSER_HELP",
    "PLOTLYJS_NAME",
    "START_TIMEOUT_ENV",
    "STATIC_FORMATS",
    "data_hash",
    "save",
    "save_many",
    "spec_hash",
    "write_readme",
]

FORMATS = ("png", "svg", "pdf", "html")
DEFAULT_FORMATS = ("png", "svg", "html")
STATIC_FORMATS = ("png", "svg", "pdf")
HTML_MODES = ("self-contained", "shared")
#: The same figure in several (size, theme) layouts: what a responsive HTML page carries.
Layouts = Mapping[tuple[str, str], go.Figure]
#: Seconds the browser may take to start, and to render one image, unless told otherwise.
DEFAULT_START_TIMEOUT = 60.0
DEFAULT_IMAGE_TIMEOUT = 60.0
#: Environment variables that set the time limits (seconds; 0 for none).
START_TIMEOUT_ENV = "VIZLIB_START_TIMEOUT"
IMAGE_TIMEOUT_ENV = "VIZLIB_IMAGE_TIMEOUT"

NO_BROWSER_HELP = (
    "static export (PNG/SVG/PDF) needs Chrome or Chromium. Debian/Ubuntu: `apt-get install chromium`; "
    "elsewhere: run `plotly_get_chrome` (needs internet) or point BROWSER_PATH at a Chrome/Chromium binary"
)
OTHER_BROWSER_HELP = "point BROWSER_PATH (vizlib figures --browser) at another Chrome/Chromium"


def save(
    fig: go.Figure,
    path_or_dir: str | os.PathLike[str],
    formats: Iterable[str] = DEFAULT_FORMATS,
    *,
    name: str | None = None,
    html: str = "self-contained",
    scale: float = 2,
    start_timeout: float | None = None,
    image_timeout: float | None = None,
    browser_path: str | os.PathLike[str] | None = None,
    layouts: Layouts | None = None,
    embed_base_url: str | None = None,
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
    start_timeout, image_timeout, browser_path
        See :func:`save_many`.
    layouts : mapping of (size, theme) to Figure, optional
        The same figure in other size presets and themes (e.g. phone, column and wide,
        light and dark; :func:`vizlib.registry.layouts` builds them for an article figure):
        the HTML page then carries them all and draws the one that fits the reader's
        screen and colour scheme. Without them the page scales ``fig`` to its width.
    embed_base_url : str, optional
        Where the pages will be published (http/https): the embed snippet's ``src`` is then
        ``<base>/<name>.html``, for a CMS page elsewhere; by default ``<name>.html`` (relative).

    Returns
    -------
    list of pathlib.Path
        The files written: one per format (``html`` followed by ``<name>.embed.html``,
        the snippet that embeds the page), then ``<name>.csv`` and ``<name>.json``.

    Raises
    ------
    vizlib.ExportError
        The figure has no vizlib metadata, the folder is not writable, no
        browser is available for a static format, the browser ran out of
        time, or rendering failed.

    Examples
    --------
    >>> save(fig, "out/")  # doctest: +SKIP
    [PosixPath('out/kursk.png'), PosixPath('out/kursk.svg'), ...]

    """
    target = Path(path_or_dir)
    if target.suffix.lstrip(".").lower() in FORMATS:
        formats, name, target = (target.suffix.lstrip(".").lower(),), name or target.stem, target.parent
    key = name or _metadata(fig, "figure")["slug"]
    return save_many(
        {key: fig},
        target,
        formats,
        html=html,
        scale=scale,
        progress=False,
        start_timeout=start_timeout,
        image_timeout=image_timeout,
        browser_path=browser_path,
        layouts=None if layouts is None else {key: layouts},
        embed_base_url=embed_base_url,
    )[key]


def save_many(
    figs: Mapping[str, go.Figure],
    out_dir: str | os.PathLike[str],
    formats: Iterable[str] = DEFAULT_FORMATS,
    *,
    html: str = "self-contained",
    scale: float = 2,
    progress: bool | None = None,
    start_timeout: float | None = None,
    image_timeout: float | None = None,
    browser_path: str | os.PathLike[str] | None = None,
    layouts: Mapping[str, Layouts] | None = None,
    embed_base_url: str | None = None,
) -> dict[str, list[Path]]:
    """Export many figures, rendering all static images in one browser session.

    Figures are written in batch order, so an interruption keeps every figure
    finished before it. A figure that fails does not stop the others: they are
    written, then :class:`vizlib.ExportError` names the failures (its
    ``written`` attribute holds what was written). A browser that runs out of
    time or stops ends the batch: the figures rendered before it are written,
    the browser and all its processes are ended, and the error says what timed
    out. Ctrl-C and SIGTERM also end the browser before the program stops.

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
    start_timeout : float, optional
        Seconds the browser may take to start; default ``VIZLIB_START_TIMEOUT``
        or 60. 0 means no limit.
    image_timeout : float, optional
        Seconds the browser may take to render one image; default
        ``VIZLIB_IMAGE_TIMEOUT`` or 60. 0 means no limit.
    browser_path : str or path-like, optional
        The Chrome/Chromium to run; default ``BROWSER_PATH``, then the usual
        install places.
    layouts : mapping of str to mapping of (size, theme) to Figure, optional
        File stem -> the figure's other layouts for its responsive HTML page (see
        :func:`save`); figures not named here get a single-layout page.
    embed_base_url : str, optional
        See :func:`save`.

    Returns
    -------
    dict of str to list of pathlib.Path
        The files written for each figure, in the order of ``figs``.

    Raises
    ------
    vizlib.ExportError
        See :func:`save`; its ``written``, ``failed``, ``timeout`` and
        ``seconds`` attributes tell what was done and what timed out.
    ValueError
        Unknown format or HTML mode, a time limit that is not a number of
        seconds >= 0, or an embed base URL that is not http(s).

    """
    batch = Batch(
        out_dir,
        formats,
        html=html,
        scale=scale,
        progress=progress,
        start_timeout=start_timeout,
        image_timeout=image_timeout,
        browser_path=browser_path,
        total=len(figs),
        embed_base_url=embed_base_url,
    )
    for name, fig in figs.items():  # every figure is checked before any work
        _metadata(fig, name)
    with batch:
        for name, fig in figs.items():
            batch.add(name, fig, layouts=(layouts or {}).get(name))
    return batch.written


class Batch:
    """Export figures one by one as they are made, in one browser session (a context manager).

    The browser starts when the block is entered, so it starts while the first
    figure is being built; each figure added is serialised and rendered while
    the next one is built, and written in the order added. Leaving the block
    waits for the last figure, then raises :class:`vizlib.ExportError` as
    :func:`save_many` does (``written`` holds the files written either way). An
    exception in the block, Ctrl-C or SIGTERM included, ends the browser and its
    processes at once; the figures already written stay, whole.

    Parameters
    ----------
    out_dir, formats, html, scale, progress, start_timeout, image_timeout, browser_path, embed_base_url
        As for :func:`save_many`.
    total : int, optional
        How many figures will be added (for the progress bar).

    Attributes
    ----------
    written : dict of str to list of pathlib.Path
        The files written for each figure, in the order added.

    Raises
    ------
    vizlib.ExportError
        From :meth:`add` (a figure without vizlib metadata, no usable browser) or
        on leaving the block (failed figures, a browser out of time).
    ValueError
        Unknown format or HTML mode, a bad time limit or embed base URL, a name added twice.

    Examples
    --------
    >>> with Batch("out/", ("png", "svg")) as batch:  # doctest: +SKIP
    ...     for slug in ("kursk", "timeline"):
    ...         batch.add(slug, registry.build(slug))
    >>> list(batch.written)  # doctest: +SKIP
    ['kursk', 'timeline']
    """

    def __init__(
        self,
        out_dir: str | os.PathLike[str],
        formats: Iterable[str] = DEFAULT_FORMATS,
        *,
        html: str = "self-contained",
        scale: float = 2,
        progress: bool | None = None,
        start_timeout: float | None = None,
        image_timeout: float | None = None,
        browser_path: str | os.PathLike[str] | None = None,
        total: int | None = None,
        embed_base_url: str | None = None,
    ):
        self.formats = _check_formats(formats)
        if html not in HTML_MODES:
            raise ValueError(f"html must be one of {HTML_MODES}, not {html!r}")
        self.limits = _limits(start_timeout, image_timeout, browser_path)
        self.embed_base_url = None if embed_base_url is None else _responsive.base_url(embed_base_url)
        self.out_dir, self.html, self.scale, self.total = Path(out_dir), html, scale, total
        self.show = sys.stderr.isatty() if progress is None else progress
        self.written: dict[str, list[Path]] = {}
        self.failed: dict[str, str] = {}
        self._figs: dict[str, go.Figure] = {}
        self._layouts: dict[str, Layouts] = {}
        self._metas: dict[str, dict[str, Any]] = {}
        self._engine: Engine | None = None
        self._bar: Any = None
        self._signals = StopSignals()

    def __enter__(self) -> Batch:
        from tqdm import tqdm

        self._out = _writable_dir(self.out_dir)
        if self.html == "shared" and "html" in self.formats:
            _write_plotlyjs(self._out)
        self._bar = tqdm(total=self.total, desc="vizlib export", unit="fig", disable=not self.show, file=sys.stderr)
        static = [f for f in self.formats if f in STATIC_FORMATS]
        if static:
            self._signals.install()
            try:
                self._engine = Engine(static, _image_size, _spec, self.scale, self.limits, self._deliver)
                self._engine.start()
            except BaseException:
                self._signals.restore()
                raise
        return self

    def add(self, name: str, fig: go.Figure, layouts: Layouts | None = None) -> None:
        """Hand over one figure, to be written as ``<name>.<format>``, ``<name>.csv`` and ``<name>.json``.

        ``layouts`` (size, theme) -> figure are the figure's layouts for its responsive
        HTML page (see :func:`save`). A figure whose text holds a character no
        installed font draws is exported with a warning (:class:`UserWarning`) per text
        when a static format is written: such characters print as empty boxes.
        """
        self._signals.check()  # a Ctrl-C or SIGTERM dropped where it landed (see StopSignals)
        if name in self._figs:
            raise ValueError(f"{name}: added twice to the batch")
        self._metas[name] = _metadata(fig, name)
        self._figs[name] = fig
        if layouts:
            self._layouts[name] = dict(layouts)
        if any(f in STATIC_FORMATS for f in self.formats):
            _warn_missing_glyphs(name, fig)
        if self._engine is None:
            self._deliver(name, {}, None)
            return
        try:
            self._engine.add(name, fig)
        except NoBrowser as exc:
            raise ExportError(f"no usable browser: {NO_BROWSER_HELP} ({exc.detail})") from None

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: Any) -> None:
        try:
            if self._engine is not None:
                if exc_type is None:
                    try:
                        self._signals.check()
                        self._engine.finish()
                        self._signals.check()
                    except BaseException:
                        self._engine.abort()
                        raise
                else:
                    self._engine.abort()
        finally:
            self._bar.close()
            self._signals.restore()
        if exc_type is None:
            self._raise_failures()

    def _deliver(self, name: str, images: dict[str, bytes] | None, error: BaseException | None) -> None:
        if error is None:
            try:
                fig, info, layouts = self._figs[name], self._metas[name], self._layouts.get(name)
                self.written[name] = _write_figure(
                    self._out, name, fig, info, self.formats, images or {}, self.html, self.scale,
                    layouts, self.embed_base_url,
                )
            except (OSError, ExportError) as exc:
                error = exc
        if error is not None:
            self.failed[name] = _reason(error)
        self._bar.update()

    def _raise_failures(self) -> None:
        stop, names = getattr(self._engine, "stop", None), list(self._figs)
        if isinstance(stop, NoBrowser):
            raise ExportError(f"no usable browser: {NO_BROWSER_HELP} ({stop.detail})")
        if stop is not None:
            raise _browser_failure(stop, names, self.written, self.failed, self.limits)
        if self.failed:
            raise ExportError(
                f"could not export {len(self.failed)} of {len(names)} figure(s): "
                + "; ".join(f"{name} ({why})" for name, why in self.failed.items()),
                written=self.written,
                failed=self.failed,
            )


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


def write_readme(
    out_dir: str | os.PathLike[str], names: Iterable[str], title: str | None = None, lang: str | None = None
) -> Path:
    """Write ``README.md`` in ``out_dir`` showing each exported figure, in the figures' language.

    Reads the manifests ``<name>.json`` found in the folder (names without one
    are skipped) and shows each figure's PNG, title, alt text, source line,
    links to its other files and the snippet that embeds its HTML page.

    Parameters
    ----------
    out_dir : str or path-like
        The folder the figures were exported to.
    names : iterable of str
        The figures' file stems, in the order shown.
    title : str, optional
        The README's heading; default "Figures" in the README's language.
    lang : {"en", "uk"}, optional
        The language of the README's own words and dates; default the language
        the first manifest records, else English.

    Returns
    -------
    pathlib.Path
        The README written.

    """
    out = Path(out_dir)
    manifests = [
        (name, json.loads(path.read_text(encoding="utf-8")))
        for name in names
        if (path := out / f"{name}.json").is_file()
    ]
    lang = lang or next((m["lang"] for _, m in manifests if m.get("lang")), "en")
    t = i18n.words(lang)
    # (the words are looked up outside f-strings, where the catalog's extractor finds them)
    alt_text, manifest_word, embed_word = t(N_("Alt text")), t(N_("manifest")), t(N_("Embed"))
    lines = [
        "# " + (title or t(N_("Figures"))),
        "",
        t(N_("Generated by `vizlib figures` (`make figures`); do not edit by hand.")),
        t(N_("Each figure comes with its data (`.csv`) and a manifest (`.json`: sources, hashes, versions).")),
        "",
    ]
    if any(f"{name}.embed.html" in m["files"] for name, m in manifests):
        lines += [
            t(
                N_(
                    "Each web page (`.html`) draws the layout that fits the reader's screen (phone, column or wide) "
                    "in the reader's colour scheme; `?theme=dark` or `?theme=light` at the end of its address "
                    "chooses one. To embed a page, paste its snippet (`.embed.html`, shown under each figure) and "
                    "point the iframe's `src` at the page's published address: the frame takes the page's height."
                )
            ),
            "",
        ]
    for name, m in manifests:
        files = list(m["files"])
        lines += [f"## {_md(m['title'])}", ""]
        if f"{name}.png" in files:
            lines += [f"![{_md(m['alt'])}]({name}.png)", ""]
        lines += [f"{_md(m['subtitle'])}", "", f"*{alt_text}:* {_md(m['alt'])}", ""]
        as_of = t("As of {date}", date=t.date(m["as_of"]))
        lines += [f"{_md(m['source_line'])}. {as_of}.", ""]
        links = [
            f"[{Path(f).suffix.lstrip('.').upper()}]({f})" for f in files if not f.endswith((".png", ".embed.html"))
        ]
        lines += [" · ".join([*links, f"[{manifest_word}]({name}.json)"]), ""]
        snippet = out / f"{name}.embed.html"
        if f"{name}.embed.html" in files and snippet.is_file():
            code = snippet.read_text(encoding="utf-8").rstrip("\n")
            lines += [f"*{embed_word}* ([{name}.embed.html]({name}.embed.html)):", "", "```html", code, "```", ""]
    path = out / "README.md"
    replace_together([(path, "\n".join(lines).encode("utf-8"))])
    return path


# --- checks -------------------------------------------------------------------------------------------------------


def _limits(start: float | None, image: float | None, browser_path: str | os.PathLike[str] | None) -> Limits:
    return Limits(
        _seconds(start, START_TIMEOUT_ENV, DEFAULT_START_TIMEOUT, "start_timeout"),
        _seconds(image, IMAGE_TIMEOUT_ENV, DEFAULT_IMAGE_TIMEOUT, "image_timeout"),
        os.fspath(browser_path) if browser_path else None,
    )


def _seconds(value: float | str | None, env: str, default: float, name: str) -> float | None:
    """Return the time limit from the argument, else the environment, else the default; 0 means none."""
    if value is None and os.environ.get(env, "").strip():
        value, name = os.environ[env].strip(), env
    if value is None:
        return default
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = float("nan")
    if not seconds >= 0 or seconds == float("inf"):
        raise ValueError(f"{name} must be a number of seconds >= 0 (0: no limit), not {value!r}")
    return seconds or None


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


def _spec(fig: go.Figure, name: str) -> tuple[dict[str, Any], str]:
    """Return the figure as the dict kaleido renders (fixed trace uids, a still), and as JSON text."""
    from plotly.utils import PlotlyJSONEncoder

    spec = still(_with_fixed_uids(fig, _ident(name)))  # an animation prints as its still
    return spec, json.dumps(spec, cls=PlotlyJSONEncoder)


def _reason(error: BaseException) -> str:
    """One line saying why a figure was not exported."""
    if isinstance(error, NotRendered):
        return "not rendered: the batch stopped before it"
    if isinstance(error, _kaleido.BrowserTimeout):
        return f"timed out after {error.seconds:g} s"
    if isinstance(error, _kaleido.BrowserStopped):
        return "the browser stopped"
    return " ".join(f"{type(error).__name__}: {error}".split())


def _browser_failure(
    stop: _kaleido.BrowserTimeout | _kaleido.BrowserStopped,
    names: list[str],
    written: dict[str, list[Path]],
    failed: dict[str, str],
    limits: Limits,
) -> ExportError:
    """Return the one-line error for a batch that the browser ended early."""
    where = stop.browser or limits.browser_path or os.environ.get("BROWSER_PATH") or "found by kaleido"
    if isinstance(stop, _kaleido.BrowserTimeout) and stop.what == "start":
        failed = {name: "not rendered: the browser did not start" for name in names}
        message = (
            f"the browser ({where}) did not start within {stop.seconds:g} s and was ended; nothing exported. "
            f"A browser that starts but never answers is often a stuck wrapper (snap) or a container without "
            f"/dev/shm: {OTHER_BROWSER_HELP}, or allow more time with {START_TIMEOUT_ENV} (--start-timeout)"
        )
        return ExportError(message, written=written, failed=failed, timeout="start", seconds=stop.seconds)
    counts = f"{len(written)} of {len(names)} figure(s) exported, {len(failed)} not ({', '.join(failed)})"
    if isinstance(stop, _kaleido.BrowserTimeout):
        per_image = "" if limits.image is None else f" ({limits.image:g} s per image)"
        message = (
            f"the browser ({where}) did not finish {stop.doing} within {stop.seconds:g} s{per_image} and was "
            f"ended; {counts}. Allow more time with {IMAGE_TIMEOUT_ENV} (--image-timeout), or {OTHER_BROWSER_HELP}"
        )
        return ExportError(message, written=written, failed=failed, timeout="image", seconds=stop.seconds)
    message = f"the browser ({where}) stopped while {stop.doing}; {counts}. Run again, or {OTHER_BROWSER_HELP}"
    return ExportError(message, written=written, failed=failed)


def _with_fixed_uids(fig: go.Figure, ident: str) -> dict[str, Any]:
    """Return the figure as a dict whose traces have fixed uids (plotly.js draws random ones into the SVG)."""
    spec = fig.to_dict()
    for i, trace in enumerate(spec["data"]):
        trace.setdefault("uid", f"{ident}-{i}")
    return spec


def _size(fig: go.Figure) -> tuple[float, float]:
    """Return the figure's CSS size: whole pixels, but for a half (a social card is 337.5 px tall, 675 in its PNG)."""
    preset = theme.size(theme.DEFAULT_SIZE)
    sides = (fig.layout.width or preset.width, fig.layout.height or preset.height)
    return tuple(int(v) if v == int(v) else float(v) for v in sides)  # type: ignore[return-value]


def _image_size(fig: go.Figure) -> tuple[float, float]:
    """Return the CSS size of the figure's static images: an animation's still is shorter (no slider)."""
    width, height = _size(fig)
    if not fig.frames:  # no still: the layout is not copied for every figure of a batch
        return width, height
    return width, height - (still_room(fig.layout.to_plotly_json(), True) or 0)


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
    layouts: Layouts | None = None,
    embed_base_url: str | None = None,
) -> list[Path]:
    """Write one figure's files and sidecars; all appear together or none do."""
    ident = _ident(name)
    width, height = _image_size(fig)
    lang = info.get("lang") or "en"
    contents: dict[str, bytes] = {}
    for f in formats:
        if f == "svg":
            contents[f"{name}.svg"] = accessible_svg(images["svg"], ident, info)
        elif f == "pdf":
            contents[f"{name}.pdf"] = fixed_pdf_dates(images["pdf"], info["as_of"])
        elif f == "html":
            contents[f"{name}.html"], embed_height = _page(fig, ident, info, html_mode, layouts)
            src = _responsive.embed_src(name, embed_base_url)
            contents[f"{name}.embed.html"] = _responsive.embed(
                src=src, ident=ident, title=info["title"], height=math.ceil(embed_height)  # whole pixels
            )
        else:
            contents[f"{name}.{f}"] = images[f]
    table = info["data"]
    contents[f"{name}.csv"] = meta.data_frame(fig).to_csv(index=False, lineterminator="\n").encode("utf-8")
    manifest = {
        "name": name,
        **{k: info[k] for k in ("slug", "title", "subtitle", "alt", "sources", "source_line", "as_of", "notes")},
        "data": {**table, "sha256": data_hash(fig)},
        "spec_sha256": spec_hash(fig),
        "size": {"width": width, "height": height, "png_scale": scale},
        "lang": lang,
        "html": {"self-contained": "plotly.js embedded", "shared": PLOTLYJS_NAME}[html_mode]
        if "html" in formats
        else None,
        "layouts": _layout_list(fig, layouts) if "html" in formats else None,
        "versions": {pkg: _version(pkg) for pkg in ("vizlib", "plotly", "kaleido")},
        "files": {file: _sha256(data) for file, data in contents.items()},
    }
    contents[f"{name}.json"] = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    paths = [out / file for file in contents]
    replace_together(list(zip(paths, contents.values(), strict=True)))
    return paths


def _page(
    fig: go.Figure, ident: str, info: dict[str, Any], html_mode: str, layouts: Layouts | None
) -> tuple[bytes, float]:
    """Return the figure's HTML page and the height its embed starts at (the widest layout's)."""
    description = long_description(info)
    if not layouts:
        return html_page(fig, ident, info, html_mode, _size(fig), description), _size(fig)[1]
    try:
        page = _responsive.page(
            layouts,
            ident=ident,
            title=info["title"],
            alt=info["alt"],
            caption=description,
            plotlyjs=plotlyjs_tag(html_mode),
            lang=info.get("lang") or "en",
        )
    except ValueError as exc:
        raise ExportError(f"{ident}: layouts: {exc}") from None
    return page, max((_size(f) for f in layouts.values()), key=lambda wh: wh[0])[1]


def _layout_list(fig: go.Figure, layouts: Layouts | None) -> list[dict[str, Any]]:
    """Return the layouts an HTML page carries, for the manifest: size, theme, design size (narrowest first).

    A page without layouts carries the figure alone (size and theme null), scaled to the page.
    """
    if not layouts:
        width, height = _size(fig)
        return [{"size": None, "theme": None, "width": width, "height": height}]
    order = {t: i for i, t in enumerate(_responsive.THEME_ORDER)}
    rows = [{"size": s, "theme": t, "width": _size(f)[0], "height": _size(f)[1]} for (s, t), f in layouts.items()]
    return sorted(rows, key=lambda r: (r["width"], order.get(r["theme"], len(order)), r["theme"]))


def _warn_missing_glyphs(name: str, fig: go.Figure) -> None:
    """Warn once per text that holds characters no installed font draws (they print as empty boxes)."""
    by_text: dict[str, list[str]] = {}
    for char, text in _fonts.missing_glyphs(fig):
        by_text.setdefault(text, []).append(char)
    for text, chars in by_text.items():
        listed = ", ".join(f"{c} (U+{ord(c):04X})" for c in chars)
        warnings.warn(
            f"{name}: no installed font draws {listed} in {text!r}; they print as empty boxes "
            "(install a font for that script, e.g. Debian's fonts-noto-cjk)",
            UserWarning,
            stacklevel=3,
        )


def _write_plotlyjs(out: Path) -> None:
    from plotly.offline import get_plotlyjs

    path = out / PLOTLYJS_NAME
    data = get_plotlyjs().encode("utf-8")
    if not path.is_file() or path.read_bytes() != data:
        replace_together([(path, data)])


# --- small helpers ------------------------------------------------------------------------------------------------


def _ident(name: str) -> str:
    """Return ``name`` made safe for XML/HTML ids."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", name)


def _md(text: str) -> str:
    """Escape text for Markdown (inline): no raw HTML, no link or emphasis syntax."""
    return re.sub(r"([\\`*_\[\]<>|#!])", r"\\\1", str(text)).replace("\n", " ")


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
