"""The browser behind vizlib.export: one Chromium, started by kaleido, renders a whole batch.

kaleido renders one image per call and reloads its page after each one (re-running
the 4.8 MB plotly.js), because plotly.js remembers text sizes between plots and a
remembered size changes the attribute order in later SVGs. When kaleido's internals
are the ones tested here (:func:`fast_path_problem`), :class:`Renderer` instead loads
kaleido's own page with two small scripts of ours, and

* empties plotly.js's text-size cache before each figure instead of reloading the
  page (if the cache overflows during a figure, plotly.js empties it itself and the
  figure is rendered again on a fresh page, where it would have overflowed alike);
* renders a figure once for both its SVG and its PNG: the PNG is rasterised, as
  ``Plotly.toImage`` does it, from the same SVG text ``toImage`` would produce;
* renders on several tabs at once, each its own renderer process.

The output bytes are the same as kaleido's own, figure by figure (tests compare
them). Otherwise (other kaleido or plotly.js versions, internals moved) the stock
path is used: kaleido's public ``calc_fig``, one image per call, page reloaded
after each. Both paths run under time limits and can end the browser at once.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import inspect
import json
import logging
import os
import re
import signal
import subprocess
from collections.abc import Awaitable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import Any, TypeVar

T = TypeVar("T")

log = logging.getLogger("vizlib.export")

#: kaleido releases whose internals the fast path was tested with: (first, first untested).
TESTED_KALEIDO = ((1, 5), (1, 6))
#: plotly.js releases whose ``Plotly.toImage`` the fast path reproduces (version prefixes).
TESTED_PLOTLYJS = ("4.1.",)
#: Tabs rendering at once on the fast path (each is a renderer process; more than the cores does not pay).
TABS = 1
#: Trace types drawn in SVG only. A figure made of other types (WebGL: plotly.js sizes those
#: drawings by the image scale) is rendered one image per plot, as kaleido does.
SVG_TRACES = frozenset(
    "bar barpolar box candlestick carpet choropleth contour contourcarpet funnel funnelarea heatmap histogram "
    "histogram2d histogram2dcontour icicle image indicator ohlc pie sankey scatter scattercarpet scattergeo "
    "scatterpolar scattersmith scatterternary sunburst table treemap violin waterfall".split()
)
#: Seconds a clean browser shutdown may take before the browser is killed.
CLOSE_SECONDS = 10.0

# Runs before plotly.js: keeps a handle on plotly.js's Drawing module when it creates its text-size
# cache (``Drawing.savedBBoxes = {}``), so that the cache can be emptied between figures.
_BEFORE_PLOTLY = """
Object.defineProperty(Object.prototype, "savedBBoxes", {
  configurable: true,
  set(value) {
    Object.defineProperty(this, "savedBBoxes", {value, writable: true, enumerable: true, configurable: true});
    window.vizlibDrawing = this;
  },
});
"""

# Runs after plotly.js. ``render`` does what kaleido_scopes.plotly and Plotly.toImage (plotly.js 4.1) do
# for one image, once for a figure's SVG and PNG; it never throws (errors come back as ``error``).
_AFTER_PLOTLY = """
delete Object.prototype.savedBBoxes;
window.vizlib = {
  problem(tested) {
    if (!window.Plotly) return "plotly.js did not load";
    if (!tested.some((prefix) => String(Plotly.version).startsWith(prefix)))
      return "plotly.js " + Plotly.version + " is not a tested version";
    const snapshot = Plotly.Snapshot || {};
    if (!["toSVG", "svgToImg", "getRedrawFunc", "getDelay"].every((f) => typeof snapshot[f] === "function"))
      return "plotly.js has no Snapshot.toSVG/svgToImg";
    const drawing = window.vizlibDrawing;
    if (!drawing || typeof drawing.savedBBoxes !== "object" || typeof drawing.bBox !== "function")
      return "plotly.js's text-size cache was not found";
    return "";
  },
  async alone(request) {
    const drawing = window.vizlibDrawing;
    const cache = {};
    drawing.savedBBoxes = cache;  // as on a fresh page
    const response = await kaleido_scopes.plotly(JSON.parse(request));
    return {response: JSON.stringify(response), cacheEmptied: drawing.savedBBoxes !== cache};
  },
  async render(json, images) {
    const drawing = window.vizlibDrawing;
    const cache = {};
    drawing.savedBBoxes = cache;  // as on a fresh page
    try {
      const figure = JSON.parse(json);
      const first = images[0];
      const config = Object.assign({mapboxAccessToken: null, plotGlPixelRatio: first.scale * 2}, figure.config);
      const gd = document.createElement("div");
      gd.style.position = "absolute";
      gd.style.left = "-5000px";
      document.body.appendChild(gd);
      const layout = Object.assign({}, figure.layout || {}, {width: first.width, height: first.height});
      const options = Object.assign({}, config, {_exportedPlot: true, staticPlot: true, setBackground: ""});
      await Plotly.newPlot(gd, figure.data || [], layout, options);
      Plotly.Snapshot.getRedrawFunc(gd)();
      await new Promise((resolve) => setTimeout(resolve, Plotly.Snapshot.getDelay(gd._fullLayout)));
      const svg = Plotly.Snapshot.toSVG(gd, "svg", 1);
      const width = gd._fullLayout.width, height = gd._fullLayout.height;
      Plotly.purge(gd);
      document.body.removeChild(gd);
      const out = {cacheEmptied: drawing.savedBBoxes !== cache};
      for (const image of images) {
        if (image.format === "svg") {
          out.svg = svg;
          continue;
        }
        // What toSVG(gd, "png") returns: the same text without the viewBox that the "svg" format adds.
        const root = svg.slice(0, svg.indexOf(">") + 1);
        const viewBox = ' viewBox="0 0 ' + width + " " + height + '"';
        if (!root.endsWith(viewBox + ">")) return {unshared: "unexpected SVG root " + root};
        const canvas = document.createElement("canvas");
        const url = await Plotly.Snapshot.svgToImg({
          format: "png", width, height, scale: image.scale, canvas, promise: true,
          svg: root.slice(0, -viewBox.length - 1) + ">" + svg.slice(root.length),
        });
        out.png = url.replace(/^data:image\\/\\w+;base64,/, "");
      }
      return out;
    } catch (err) {
      return {error: (err && err.message) || "plotly.js error"};
    }
  },
};
"""

_VIZLIB_CALL = "function(json, images){return vizlib.render(json, images);}"
_ALONE_CALL = "function(request){return vizlib.alone(request);}"


@dataclass(frozen=True)
class Image:
    """One image of a figure: format (``png``, ``svg`` or ``pdf``), size in CSS pixels, scale."""

    format: str
    width: int
    height: int
    scale: float

    def opts(self) -> dict[str, Any]:
        return {"format": self.format, "width": self.width, "height": self.height, "scale": self.scale}


class BrowserTimeout(Exception):
    """The browser did not start, or did not render an image, within its time limit.

    ``what`` is ``"start"`` or ``"image"``; ``browser`` the path of the browser run.
    """

    def __init__(self, what: str, seconds: float, doing: str, browser: str | None):
        super().__init__(f"the browser did not finish {doing} within {seconds:g} s")
        self.what, self.seconds, self.doing, self.browser = what, seconds, doing, browser


class BrowserStopped(Exception):
    """The browser ended while it was starting or rendering."""

    def __init__(self, doing: str, browser: str | None):
        super().__init__(f"the browser stopped while {doing}")
        self.doing, self.browser = doing, browser


def fast_path_problem() -> str | None:
    """Why the fast path cannot be used with the installed kaleido, or None if it can.

    Checks what the fast path uses before the browser starts: the kaleido
    version, ``Kaleido(n=, timeout=, page_generator=)``, kaleido's page and the
    DevTools helpers of its tabs. What only a running browser can tell (its tabs,
    plotly.js's version and internals) is checked in :meth:`Renderer.start`.
    """
    try:
        from kaleido import Kaleido
        from kaleido._kaleido_tab import _devtools_utils as devtools
        from kaleido._kaleido_tab._tab import _KaleidoTab
        from kaleido._page_generator import KJS_PATH, PageGenerator
    except ImportError as exc:
        return f"kaleido's internals moved ({exc})"
    try:
        installed = version("kaleido")
    except PackageNotFoundError:
        return "kaleido's version is unknown"
    release = tuple(int(n) for n in re.findall(r"\d+", installed)[:2])
    low, high = TESTED_KALEIDO
    if not low <= release < high:
        return f"kaleido {installed} is outside the tested range (>={_v(low)},<{_v(high)})"
    expected = {
        "Kaleido.__init__": (Kaleido.__init__, {"n", "timeout", "page_generator"}),
        "print_pdf": (devtools.print_pdf, {"tab"}),
        "_KaleidoTab.reload": (_KaleidoTab.reload, {"self"}),
        "PageGenerator.generate_index": (PageGenerator.generate_index, {"self"}),
    }
    for name, (function, parameters) in expected.items():
        if not parameters <= inspect.signature(function).parameters.keys():
            return f"kaleido's {name} changed its signature"
    if not KJS_PATH.is_file():
        return "kaleido's kaleido_scopes.js is missing"
    if _fast_page() is None:
        return "kaleido's page has an unexpected shape"
    return None


def _v(release: tuple[int, ...]) -> str:
    return ".".join(map(str, release))


def _fast_page() -> str | None:
    """Return kaleido's page with our script before plotly.js and another before kaleido_scopes.js."""
    from kaleido._page_generator import KJS_PATH, PageGenerator

    page = PageGenerator(mathjax=False).generate_index()  # MathJax would be fetched from a CDN
    first = page.find("<script")
    scopes = page.find(f'<script src="{KJS_PATH.as_uri()}"')
    if first < 0 or scopes <= first:
        return None
    return (
        f"{page[:first]}<script>{_BEFORE_PLOTLY}</script>\n{page[first:scopes]}"
        f"<script>{_AFTER_PLOTLY}</script>\n{page[scopes:]}"
    )


class _Page:
    """A kaleido page generator that returns a page made beforehand."""

    def __init__(self, html: str):
        self.html = html

    def generate_index(self) -> str:
        return self.html


class Renderer:
    """One Chromium (started by kaleido) that renders images until closed or killed.

    Parameters
    ----------
    start_timeout, image_timeout : float or None
        Seconds the browser may take to start (to a page ready to render), and to
        render one image; None for no limit.
    browser_path : str, optional
        The Chrome/Chromium to run; by default kaleido's search (``BROWSER_PATH``,
        then the usual install places).
    fast : bool, optional
        Force the fast path (True) or the stock path (False); by default the fast
        path when :func:`fast_path_problem` finds nothing.
    tabs : int
        Tabs rendering at once on the fast path.

    Attributes
    ----------
    path : {"fast", "stock"}
        The path in use; ``why_stock`` says why the stock path was chosen.
    concurrency : int
        How many :meth:`render` calls may run at once.
    """

    def __init__(
        self,
        *,
        start_timeout: float | None,
        image_timeout: float | None,
        browser_path: str | None = None,
        fast: bool | None = None,
        tabs: int = TABS,
    ):
        self.start_timeout, self.image_timeout = start_timeout, image_timeout
        self.browser_path = browser_path
        self.why_stock = fast_path_problem() if fast is None else (None if fast else "the stock path was asked for")
        self.path = "stock" if self.why_stock else "fast"
        self.concurrency = 1
        self._tabs_wanted = max(1, tabs)
        self._kaleido: Any = None
        self._tabs: asyncio.Queue[_Tab] | None = None

    # --- life cycle -------------------------------------------------------------------------------------------

    async def start(self) -> None:
        """Start the browser and load its page(s), within ``start_timeout``.

        Raises
        ------
        kaleido.errors.ChromeNotFoundError, kaleido.errors.BrowserFailedError
            No browser, or one that closed at once.
        BrowserTimeout
            The browser was not ready in time (it is killed).
        """
        from kaleido import Kaleido

        options: dict[str, Any] = {"timeout": None}  # time limits are ours
        if self.browser_path:
            options["path"] = self.browser_path
        page = _fast_page() if self.path == "fast" else None
        if page is None:
            self._stock("kaleido's page has an unexpected shape" if self.path == "fast" else self.why_stock)
            self._kaleido = Kaleido(n=1, mathjax=False, **options)  # MathJax would be fetched from a CDN
        else:
            self._kaleido = Kaleido(n=self._tabs_wanted, page_generator=_Page(page), **options)
        await self._limit(self._open(), self.start_timeout, "start", "starting")
        if self.path == "fast":
            log.info("static export: fast path (%d tabs)", self.concurrency)
        else:
            log.info("static export: kaleido's stock path (%s)", self.why_stock)

    async def _open(self) -> None:
        await self._kaleido.open()
        if self.path == "fast":
            problem = await self._take_tabs()
            if problem:
                self._stock(problem)

    def _stock(self, why: str | None) -> None:
        self.path, self.why_stock, self.concurrency = "stock", why, 1

    async def _take_tabs(self) -> str | None:
        """Take kaleido's tabs for ourselves, checking each; on a problem, leave them to kaleido."""
        ready = getattr(self._kaleido, "tabs_ready", None)
        if not isinstance(ready, asyncio.Queue) or ready.empty():
            return "kaleido keeps no queue of ready tabs"
        taken = [ready.get_nowait() for _ in range(ready.qsize())]
        problem = None
        for ktab in taken:
            if not (hasattr(ktab, "tab") and hasattr(ktab, "_current_js_id")):
                problem = "kaleido's tabs changed"
                break
            problem = await _Tab(ktab).problem() or None
            if problem:
                break
        if problem:
            for ktab in taken:
                ready.put_nowait(ktab)
            return problem
        self._tabs = asyncio.Queue()
        for ktab in taken:
            self._tabs.put_nowait(_Tab(ktab))
        self.concurrency = len(taken)
        return None

    async def close(self) -> None:
        """End the browser and let kaleido and choreographer tidy up.

        The browser is killed rather than asked to quit: a clean Chromium
        shutdown takes 0.3-1 s and leaves nothing that a kill does not (its
        profile is a temporary folder, removed here).
        """
        self.kill()
        if self._kaleido is not None and getattr(self._kaleido, "subprocess", None) is not None:
            with contextlib.suppress(Exception):
                await self._limit(self._kaleido.close(), CLOSE_SECONDS, "close", "closing")

    def kill(self) -> None:
        """End the browser and every process it started, now, and remove its temporary folders.

        The browser runs in a process group of its own (choreographer starts it in
        a new session), so the group is killed: wrapper, Chromium and its helpers.
        Call it from the thread running the event loop.
        """
        kaleido = self._kaleido
        process = getattr(kaleido, "subprocess", None)
        if process is None:
            return
        watchdog = getattr(kaleido, "_watch_dog_task", None)
        if watchdog is not None:  # it would log a warning on seeing the browser go
            watchdog.cancel()
        _kill_group(process)
        # Closing our end of the pipe from the browser ends choreographer's reader at once
        # (it would wait 2 s for a goodbye that a killed browser never sends).
        for part in ("_channel", "_browser_impl", "_html_tmp_dir"):  # then the temporary profile and page
            tidy = getattr(getattr(kaleido, part, None), "close" if part == "_channel" else "clean", None)
            if callable(tidy):
                with contextlib.suppress(Exception):
                    tidy()

    @property
    def browser(self) -> str | None:
        """The path of the browser run, once known."""
        path = getattr(getattr(self._kaleido, "_browser_impl", None), "path", None)
        return None if path is None else str(path)

    @property
    def pid(self) -> int | None:
        """The process id of the browser's process group leader, once started."""
        process = getattr(self._kaleido, "subprocess", None)
        return None if process is None else process.pid

    # --- rendering --------------------------------------------------------------------------------------------

    async def render(self, name: str, spec: dict[str, Any], spec_json: str, images: list[Image]) -> dict[str, bytes]:
        """Render one figure's images; return format -> bytes.

        ``spec`` is the figure as a dict and ``spec_json`` the same as JSON text
        (plotly's encoder). Raises kaleido's ``KaleidoError`` when plotly.js fails on
        the figure, :class:`BrowserTimeout` (the browser is then killed) or
        :class:`BrowserStopped`.
        """
        limit = None if self.image_timeout is None else self.image_timeout * len(images)
        doing = f"rendering {name} ({', '.join(i.format.upper() for i in images)})"
        if self.path == "stock":
            return await self._limit(self._render_stock(spec, images), limit, "image", doing)
        assert self._tabs is not None
        tab = await self._tabs.get()
        try:
            return await self._limit(tab.render(spec, spec_json, images), limit, "image", doing)
        finally:
            self._tabs.put_nowait(tab)

    async def _render_stock(self, spec: dict[str, Any], images: list[Image]) -> dict[str, bytes]:
        return {image.format: await self._kaleido.calc_fig(spec, opts=image.opts()) for image in images}

    async def _limit(self, work: Awaitable[T], seconds: float | None, what: str, doing: str) -> T:
        """Await ``work`` within ``seconds``; on time-out kill the browser and raise :class:`BrowserTimeout`."""
        from choreographer.errors import BrowserClosedError, ChannelClosedError

        task = asyncio.ensure_future(work)
        try:
            done, _ = await asyncio.wait({task}, timeout=seconds)
        except BaseException:  # we are cancelled (Ctrl-C, SIGTERM): stop the work too
            task.cancel()
            raise
        if not done:
            self.kill()
            task.cancel()
            await asyncio.wait({task}, timeout=CLOSE_SECONDS)
            if task.done() and not task.cancelled():
                task.exception()  # retrieved: it is the time-out that matters
            raise BrowserTimeout(what, seconds or 0, doing, self.browser)
        gone = task.cancelled() or isinstance(task.exception(), (BrowserClosedError, ChannelClosedError))
        if gone and what != "close":
            raise BrowserStopped(doing, self.browser) from (None if task.cancelled() else task.exception())
        return task.result()


class _Tab:
    """One of kaleido's tabs, driven by our page script."""

    def __init__(self, ktab: Any):
        self.ktab = ktab
        self.cache_used = False  # plotly.js's text-size cache holds sizes from an earlier plot
        self.page_used = False  # the page changed otherwise (a failed plot's leftovers, WebGL)

    async def problem(self) -> str:
        """Return what keeps this tab's page from the fast path ('' if nothing)."""
        answer = await self._call(
            "function(tested){return window.vizlib ? vizlib.problem(tested) : 'the page has no vizlib script';}",
            list(TESTED_PLOTLYJS),
        )
        return answer if isinstance(answer, str) else f"unexpected answer from the page: {answer!r}"

    async def render(self, spec: dict[str, Any], spec_json: str, images: list[Image]) -> dict[str, bytes]:
        """Render one figure's images: a shared plot for its SVG and PNG where the bytes allow it."""
        svg_only = _svg_traces_only(spec)
        together = [i for i in images if i.format in ("png", "svg")]
        if not (svg_only and _shares_one_plot(together)):
            together = []
        out = {i.format: await self._render_alone(spec_json, i, svg_only) for i in images if i not in together}
        if together:
            answer = await self._run(_VIZLIB_CALL, spec_json, [i.opts() for i in together])
            if "error" in answer:
                self.page_used = True
                raise _kaleido_error(525, answer["error"])  # as kaleido_scopes reports plotly.js errors
            if "unshared" in answer:
                log.info("static export: one plot per image (%s)", answer["unshared"])
                out |= {i.format: await self._render_alone(spec_json, i, svg_only) for i in together}
            else:
                out["svg"] = answer.get("svg", "").encode()
                out["png"] = base64.b64decode(answer.get("png", ""))
        return {i.format: out[i.format] for i in images}

    async def _render_alone(self, spec_json: str, image: Image, svg_only: bool) -> bytes:
        """Render one image as kaleido does (kaleido_scopes.plotly; the browser prints PDFs).

        A figure of WebGL traces gets a fresh page, as in kaleido; any other, an
        emptied text-size cache.
        """
        from kaleido._kaleido_tab import _devtools_utils as devtools

        if not svg_only and (self.cache_used or self.page_used):
            await self._reload()
        request = json.dumps(image.opts())[:-1] + ', "data": ' + spec_json + "}"
        answer = await self._run(_ALONE_CALL, request)
        if not svg_only:
            self.page_used = True
        response = json.loads(answer["response"])
        if response.get("code") != 0:
            self.page_used = True
            raise _kaleido_error(response.get("code"), response.get("message"))
        if response.get("format") == "pdf":
            raw = await devtools.print_pdf(self.ktab.tab)
        else:
            raw = response["result"]
        return raw.encode() if image.format == "svg" else base64.b64decode(raw)

    async def _run(self, function: str, *args: Any) -> dict[str, Any]:
        """Call one of our page functions for a figure; again on a fresh page if the text-size cache overflowed."""
        if self.page_used:
            await self._reload()
        answer = await self._call(function, *args)
        self.cache_used = True
        if answer.get("cacheEmptied"):  # plotly.js emptied the cache mid-plot: do it as a fresh page would
            await self._reload()
            answer = await self._call(function, *args)
            self.cache_used = True
        return answer

    async def _reload(self) -> None:
        await self.ktab.reload()
        self.cache_used = self.page_used = False

    async def _call(self, function: str, *args: Any) -> Any:
        result = await self.ktab.tab.send_command(
            "Runtime.callFunctionOn",
            params={
                "functionDeclaration": function,
                "arguments": [{"value": a} for a in args],
                "returnByValue": True,
                "awaitPromise": True,
                "executionContextId": self.ktab._current_js_id,
            },
        )
        if "error" in result:
            raise RuntimeError(f"DevTools error: {result['error']}")
        payload = result.get("result", {})
        if "exceptionDetails" in payload:  # our functions catch plotly.js's errors: this is a bug
            raise RuntimeError(f"JavaScript error: {payload['exceptionDetails']}")
        return payload.get("result", {}).get("value")


def _svg_traces_only(spec: dict[str, Any]) -> bool:
    """Whether every trace of the figure is drawn in SVG (no WebGL)."""
    return all(trace.get("type", "scatter") in SVG_TRACES for trace in spec.get("data", []))


def _shares_one_plot(images: list[Image]) -> bool:
    """Whether one plot of an SVG-only figure gives ``images`` the bytes of one plot per image."""
    formats = [i.format for i in images]
    return (
        bool(images)
        and set(formats) <= {"png", "svg"}
        and len(set(formats)) == len(formats)
        and all(i.scale == 1 for i in images if i.format == "svg")
        and len({(i.width, i.height) for i in images}) == 1
    )


def _kaleido_error(code: Any, message: Any) -> Exception:
    from kaleido.errors import KaleidoError

    return KaleidoError(code, message)


def _kill_group(process: subprocess.Popen[Any]) -> None:
    """SIGKILL the process group led by ``process`` (its own session), then reap the leader."""
    if os.name == "posix":
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
    else:  # pragma: no cover - Windows: choreographer starts the browser directly
        with contextlib.suppress(OSError):
            subprocess.run(["taskkill", "/F", "/T", "/PID", str(process.pid)], capture_output=True, timeout=10)
    with contextlib.suppress(OSError, subprocess.TimeoutExpired):
        process.wait(timeout=5)
