"""How vizlib figures show in notebooks: one output that JupyterLab, nbconvert and nbval all read.

In a Jupyter kernel, importing vizlib makes the ``"vizlib"`` plotly renderer
the default as soon as plotly's renderers load (see :func:`activate` for when
the user's own choice wins). Each figure displayed gives one output carrying:

* ``application/vnd.plotly.v1+json``: the figure spec, drawn interactively by
  JupyterLab (jupyterlab-plotly), Notebook 7 and VS Code. Whole-number floats
  are stored as integers, as JupyterLab writes them back on save.
* ``image/png``: the figure drawn by Chromium (one kaleido session per
  kernel, scale 1). jupyterlab-plotly shows it instead of drawing the spec
  and then has nothing to add, so opening and saving a notebook leaves it
  unchanged; nbconvert's PDF and LaTeX routes use it.
* ``text/html``: what ``jupyter nbconvert --to html`` (and ``--to markdown``)
  show: the same PNG with the alt text, which the interactive figure replaces
  when plotly.js is on the page (not in print media: ``--to webpdf`` prints
  the image). The first figure of a kernel session carries
  plotly.js inline (no CDN); later figures reuse it, and keep their image if
  it is missing (an output cleared, a page cut). Div ids come from the
  figure's slug and a counter, never random.
* ``text/plain``: the title and alt text.

The bytes are deterministic for a given plotly version, Chromium and set of
fonts: the PNG pixels are the only part that differs between machines.

Examples
--------
>>> import plotly.io as pio
>>> from vizlib import notebook
>>> notebook.register()  # available by name outside a kernel too
'vizlib'
>>> "vizlib" in pio.renderers
True
"""

from __future__ import annotations

import asyncio
import atexit
import base64
import concurrent.futures
import html
import json
import os
import threading
from collections import Counter
from typing import Any

import plotly.io as pio
from plotly.io._base_renderers import MimetypeRenderer

#: The renderer's name in ``plotly.io.renderers``.
__all__ = [
    "RENDERER",
    "PLOTLY_JSON",
    "REPLACES",
    "IMAGE_TIMEOUT",
    "NotebookRenderer",
    "Session",
    "register",
    "activate",
    "warm_up",
    "as_jupyterlab_writes",
]

RENDERER = "vizlib"
PLOTLY_JSON = "application/vnd.plotly.v1+json"
#: plotly's own automatic choices in a Jupyter kernel (JupyterLab, Notebook 7, nbclient/nbconvert, nbval; VS Code)
#: whose output vizlib's is a superset of. Colab, Kaggle and the like keep theirs: each output there is an iframe.
REPLACES = ("plotly_mimetype", "vscode")
#: Characters escaped in JSON written into a <script> element.
_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"})
#: Seconds to wait for Chromium to start or to draw one image before showing figures without one.
IMAGE_TIMEOUT = 60


class NotebookRenderer(MimetypeRenderer):
    """plotly renderer of vizlib figures for notebooks (see the module docstring for the output).

    plotly copies a renderer before each use, so the per-kernel state (has
    plotly.js been sent, figure counters, the browser) lives in a shared
    :class:`Session`.

    Parameters
    ----------
    session : Session, optional
        A fresh session when omitted.
    """

    def __init__(self, session: Session | None = None) -> None:
        self.session = session or Session()

    def to_mimebundle(self, fig_dict: dict[str, Any]) -> dict[str, Any]:
        """Return the output of one figure (plotly calls this for each figure displayed).

        Parameters
        ----------
        fig_dict : dict
            The figure as a dict (``fig.to_dict()``).

        Returns
        -------
        dict
            Mimetype -> data, as in a notebook's ``display_data`` output.
        """
        spec = as_jupyterlab_writes(json.loads(pio.to_json(fig_dict, validate=False, remove_uids=False)))
        layout = spec.get("layout", {})
        info = (layout.get("meta") or {}).get("vizlib", {}) if isinstance(layout.get("meta"), dict) else {}
        title = info.get("title") or _title_text(layout) or "Figure"
        alt = info.get("alt") or title
        width, height = int(layout.get("width") or 700), int(layout.get("height") or 450)
        ident = self.session.next_id(info.get("slug") or "figure")
        from vizlib._export_formats import still  # an animation shows its still where it cannot play

        image = still(spec)
        image_height = int(image["layout"].get("height") or height)  # a still is shorter: no slider
        png = self.session.png(image, width, image_height)
        bundle: dict[str, Any] = {PLOTLY_JSON: spec}
        if png is not None:
            bundle["image/png"] = base64.b64encode(png).decode("ascii")
        image_png = bundle.get("image/png")
        bundle["text/html"] = _html(spec, ident, alt, width, image_height, image_png, self.session.plotlyjs())
        bundle["text/plain"] = f"{title}\n{alt}"
        return bundle


class Session:
    """What one kernel shares between its figure outputs: plotly.js sent once, id counters, one browser."""

    def __init__(self) -> None:
        self._plotlyjs_sent = False
        self._counts: Counter[str] = Counter()
        self._images = _Images()

    def next_id(self, slug: str) -> str:
        """Return ``vizlib-<slug>-<n>``, n counting this slug's figures in the session from 1."""
        safe = "".join(c if c.isalnum() or c in "_-" else "-" for c in slug)
        self._counts[safe] += 1
        return f"vizlib-{safe}-{self._counts[safe]}"

    def plotlyjs(self) -> str | None:
        """Return plotly.js the first time (the first figure carries it), None after."""
        if self._plotlyjs_sent:
            return None
        from plotly.offline import get_plotlyjs

        self._plotlyjs_sent = True
        return get_plotlyjs()

    def start(self) -> None:
        """Start the session's browser in the background (the first image waits only for the rest of its start)."""
        self._images.start()

    def png(self, spec: dict[str, Any], width: int, height: int) -> bytes | None:
        """Return the figure as PNG (CSS pixels, scale 1), or None when no browser could draw it."""
        return self._images.png(spec, width, height)

    def close(self) -> None:
        """Stop the session's browser (it restarts at the next figure)."""
        self._images.close()


class _Images:
    """One headless Chromium (kaleido) per session, on an event loop of its own; started once, in the background."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._opening: concurrent.futures.Future[Any] | None = None
        self._lock = threading.Lock()
        self.error: str | None = None

    def start(self) -> None:
        with self._lock:
            self._start()

    def png(self, spec: dict[str, Any], width: int, height: int) -> bytes | None:
        if self.error is not None:
            return None
        opts = {"format": "png", "width": width, "height": height, "scale": 1}
        with self._lock:
            try:
                self._start()
                assert self._opening is not None and self._loop is not None
                kaleido = self._result(self._opening)
                return self._result(asyncio.run_coroutine_threadsafe(kaleido.calc_fig(spec, opts=opts), self._loop))
            except Exception as exc:  # noqa: BLE001 - the figure still shows, without a static image
                self.error = _why(exc)
                self._stop()
        import warnings

        warnings.warn(f"vizlib: figures are shown without a static image ({self.error})", stacklevel=3)
        return None

    def close(self) -> None:
        with self._lock:
            self._stop()

    def _start(self) -> None:
        if self._opening is not None or self.error is not None:
            return

        async def opened() -> Any:
            from kaleido import Kaleido

            kaleido = Kaleido(mathjax=False)  # MathJax would come from a CDN
            await kaleido.open()
            return kaleido

        self._loop = asyncio.new_event_loop()
        thread = threading.Thread(target=_run_until_stopped, args=(self._loop,), name="vizlib-images", daemon=True)
        thread.start()
        atexit.register(self.close)
        self._opening = asyncio.run_coroutine_threadsafe(opened(), self._loop)

    @staticmethod
    def _result(future: concurrent.futures.Future[Any]) -> Any:
        try:
            return future.result(IMAGE_TIMEOUT)
        except TimeoutError:
            future.cancel()
            raise TimeoutError(f"Chromium did not answer in {IMAGE_TIMEOUT} s") from None

    def _stop(self) -> None:
        loop, opening, self._loop, self._opening = self._loop, self._opening, None, None
        if loop is None or opening is None:
            return
        try:
            if opening.done() and opening.exception() is None:
                asyncio.run_coroutine_threadsafe(opening.result().close(), loop).result(10)
            else:
                opening.cancel()
        except Exception:  # noqa: BLE001, S110 - closing a browser that is already gone
            pass
        loop.call_soon_threadsafe(loop.stop)


def _run_until_stopped(loop: asyncio.AbstractEventLoop) -> None:
    try:
        loop.run_forever()
    finally:
        loop.close()


def register() -> str:
    """Register the renderer as ``"vizlib"`` in ``plotly.io.renderers`` (once) and return its name.

    Registering does not make it the default: :func:`activate` does, in a
    kernel; ``pio.renderers.default = "vizlib"`` does anywhere.
    """
    if RENDERER not in pio.renderers or not isinstance(pio.renderers[RENDERER], NotebookRenderer):
        pio.renderers[RENDERER] = NotebookRenderer()
    return RENDERER


def activate() -> bool:
    """Make ``"vizlib"`` plotly's default renderer unless the user chose one.

    vizlib calls this in a Jupyter kernel as soon as its figure builders
    (``vizlib.meta``) or plotly's renderers load, whichever is first; at
    ``import vizlib`` if one already has. The default becomes ``"vizlib"``
    only if it is still plotly's automatic choice for the kernel, one of
    :data:`REPLACES`, and the ``PLOTLY_RENDERER`` environment variable is not
    set. So a user's choice wins: ``PLOTLY_RENDERER``, or
    ``pio.renderers.default`` set to another value before this call, or set
    after it (vizlib never changes the default again). Setting it, before this
    call, to exactly plotly's automatic value cannot be told apart from not
    setting it.

    Returns
    -------
    bool
        Whether the default is now ``"vizlib"`` by this call.
    """
    from plotly.io import _renderers

    register()
    automatic = getattr(_renderers, "default_renderer", None)  # what plotly chose when it loaded
    if os.environ.get("PLOTLY_RENDERER") or automatic not in REPLACES or pio.renderers.default != automatic:
        return False
    pio.renderers.default = RENDERER
    return True


def warm_up() -> None:
    """Start the ``"vizlib"`` renderer's browser in the background, so the first figure does not wait for all of it.

    vizlib calls this in a Jupyter kernel when :func:`activate` made the
    renderer the default. The browser (headless Chromium, kaleido) stops when
    the kernel exits.
    """
    renderer = pio.renderers[register()]
    renderer.session.start()


def as_jupyterlab_writes(value: Any) -> Any:
    """Return JSON data with whole-number floats as integers, as JupyterLab saves them.

    JupyterLab parses outputs in JavaScript, which has one number type and
    writes ``51.0`` as ``51`` (up to 1e21, where it switches to exponent
    notation); storing them that way already makes a save change nothing.
    """
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < 1e21 else value
    if isinstance(value, dict):
        return {k: as_jupyterlab_writes(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_jupyterlab_writes(v) for v in value]
    return value


def _html(
    spec: dict[str, Any], ident: str, alt: str, width: int, height: int, png: str | None, plotlyjs: str | None
) -> str:
    """Return the figure as HTML for nbconvert: its image and alt text, replaced by plotly.js when there is one.

    No blank line inside the figure's block, and plotly.js (which has blank
    lines) in a ``<script>`` block of its own first: a Markdown renderer keeps
    both as raw HTML. plotly.js is stored as text and run by the script after
    it, only on screen: a page rendered for print (``--to webpdf``) keeps the
    images and has nothing slow to run before it is printed.
    """
    alt_attr = html.escape(alt, quote=True)
    parts = []
    if plotlyjs is not None:
        parts.append(f'<script type="text/plain" class="vizlib-plotlyjs">\n{plotlyjs}\n</script>')
        parts.append(
            '<script type="text/javascript">\n'
            "(function (source) {\n"
            '  if (window.Plotly || (window.matchMedia && window.matchMedia("print").matches)) return;\n'
            '  window.PlotlyConfig = {MathJaxConfig: "local"};\n'
            "  (0, eval)(source.textContent);  // as a global script\n"
            "})(document.currentScript.previousElementSibling);\n"
            "</script>"
        )
    if png is not None:
        static = (
            f'<img id="{ident}-image" class="vizlib-image" src="data:image/png;base64,{png}" alt="{alt_attr}" '
            f'width="{width}" height="{height}" style="max-width: 100%; height: auto;">'
        )
    else:
        static = f'<p id="{ident}-image" class="vizlib-image">{html.escape(alt)}</p>'
    # JSON inside <script>: nothing in the data can close the element or break the line
    figure = json.dumps(spec, separators=(",", ":"), ensure_ascii=False).translate(_SCRIPT_SAFE)
    parts.append(
        f'<div class="vizlib-figure">\n'
        f'<div id="{ident}" class="vizlib-plot" role="img" aria-label="{alt_attr}" hidden></div>\n'
        f"{static}\n"
        '<script type="text/javascript">\n'
        "(function () {\n"
        f'  var plot = document.getElementById("{ident}"), image = document.getElementById("{ident}-image");\n'
        "  // No plotly.js on this page, or a page rendered for print (nbconvert --to webpdf): the image stays.\n"
        '  if (!window.Plotly || !plot || (window.matchMedia && window.matchMedia("print").matches)) return;\n'
        "  plot.hidden = false;\n"
        f"  window.Plotly.newPlot(plot, {figure}).then(\n"
        "    function () { if (image) image.remove(); },\n"
        "    function () { plot.hidden = true; }\n"
        "  );\n"
        "})();\n"
        "</script>\n"
        "</div>"
    )
    return "\n".join(parts)


def _title_text(layout: dict[str, Any]) -> str:
    title = layout.get("title")
    text = title.get("text") if isinstance(title, dict) else title
    return str(text or "")


def _why(exc: BaseException) -> str:
    """One line saying why no image could be drawn."""
    from kaleido.errors import ChromeNotFoundError

    if isinstance(exc, ChromeNotFoundError):
        from vizlib.export import NO_BROWSER_HELP

        return NO_BROWSER_HELP
    return " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
