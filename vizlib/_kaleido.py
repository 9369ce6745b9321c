"""The browser behind vizlib.export: one Chromium renders a whole batch, within time limits.

kaleido renders one image per call, reloads its page (re-running the 4.8 MB
plotly.js) after each, and compiles plotly.js anew in every browser it starts.
When the installed kaleido and choreographer are the ones tested here
(:func:`fast_path_problem`), :class:`Renderer` takes the fast path instead:

* it starts Chromium through choreographer (kaleido's own launcher) and loads
  kaleido's page with two scripts of ours (:mod:`vizlib._plotly_page`): one plot
  per figure for its SVG and PNG, no reloads between figures;
* it serves that page from 127.0.0.1 so that Chromium keeps plotly.js compiled
  between runs (:mod:`vizlib._page_cache`).

The bytes are the same as kaleido's, figure by figure. Otherwise the stock path
is used: kaleido's public ``Kaleido.calc_fig``, one image per call, page reloaded
after each; so is a page whose plotly.js was not tested (kaleido's way, on our
browser). Both paths run under time limits and can end the browser, and every
process it started, at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
import logging
import os
import re
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Awaitable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, TypeVar

from vizlib._page_cache import CodeCache, PageServer
from vizlib._plotly_page import Image, Tab, fast_page

__all__ = ["BrowserStopped", "BrowserTimeout", "Image", "Renderer", "fast_path_problem"]

T = TypeVar("T")

log = logging.getLogger("vizlib.export")

#: Releases whose internals the fast path was tested with: (first, first untested).
TESTED = {"kaleido": ((1, 5), (1, 6)), "choreographer": ((1, 4), (1, 5))}
#: Tabs rendering at once on the fast path. Each is a renderer process that compiles plotly.js
#: again; on 2 shared cores a second one never paid for itself (benchmarks/results.md).
TABS = 1
#: Seconds a clean browser shutdown may take before the browser is killed.
CLOSE_SECONDS = 10.0


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
    """Return why the fast path cannot be used with the installed kaleido, or None if it can.

    Checks what the fast path uses before a browser starts: the kaleido and
    choreographer versions, the signatures it calls, kaleido's page. What only a
    running page can tell (plotly.js's version and internals) is checked by
    :meth:`Renderer.start`, which then renders kaleido's way.
    """
    try:
        import choreographer
        from choreographer.browsers.chromium import Chromium
        from kaleido._kaleido_tab._devtools_utils import print_pdf
        from kaleido._page_generator import KJS_PATH, PageGenerator
    except ImportError as exc:
        return f"kaleido's internals moved ({exc})"
    for package, (low, high) in TESTED.items():
        try:
            installed = version(package)
        except PackageNotFoundError:
            return f"{package}'s version is unknown"
        release = tuple(int(n) for n in re.findall(r"\d+", installed)[:2])
        if not low <= release < high:
            return f"{package} {installed} is outside the tested range (>={_v(low)},<{_v(high)})"
    expected = {
        "choreographer.Browser": (choreographer.Browser.__init__, {"path", "browser_cls"}),
        "choreographer's Chromium.get_cli": (Chromium.get_cli, {"self"}),
        "print_pdf": (print_pdf, {"tab"}),
        "PageGenerator": (PageGenerator.__init__, {"mathjax"}),
    }
    for name, (function, parameters) in expected.items():
        if not parameters <= inspect.signature(function).parameters.keys():
            return f"kaleido's {name} changed its signature"
    if not KJS_PATH.is_file():
        return "kaleido's kaleido_scopes.js is missing"
    if fast_page() is None:
        return "kaleido's page has an unexpected shape"
    return None


def _v(release: tuple[int, ...]) -> str:
    return ".".join(map(str, release))


class Renderer:
    """One Chromium that renders images until closed or killed.

    Parameters
    ----------
    start_timeout, image_timeout : float or None
        Seconds the browser may take to start (to a page ready to render), and to
        render one image; None for no limit.
    browser_path : str, optional
        The Chrome/Chromium to run; by default choreographer's search
        (``BROWSER_PATH``, then the usual install places).
    fast : bool, optional
        Force the fast path (True) or the stock path (False); by default the fast
        path when :func:`fast_path_problem` finds nothing.
    tabs : int
        Tabs rendering at once on the fast path.
    code_cache : bool
        On the fast path, keep Chromium's compiled plotly.js between runs
        (:mod:`vizlib._page_cache`).

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
        code_cache: bool = True,
    ):
        self.start_timeout, self.image_timeout = start_timeout, image_timeout
        self.browser_path = browser_path
        self.why_stock = fast_path_problem() if fast is None else (None if fast else "the stock path was asked for")
        self.path = "stock" if self.why_stock else "fast"
        self.concurrency = 1
        self.code_cache = code_cache
        self._tabs_wanted = max(1, tabs)
        self._browser: Any = None  # choreographer.Browser (fast path) or kaleido.Kaleido (stock path)
        self._tabs: asyncio.Queue[Tab] | None = None
        self._server: PageServer | None = None
        self._cache: CodeCache | None = None
        self._page_folder: Path | None = None

    # --- life cycle -------------------------------------------------------------------------------------------

    async def start(self) -> None:
        """Start the browser and load its page(s), within ``start_timeout``.

        Raises
        ------
        choreographer.errors.ChromeNotFoundError, choreographer.errors.BrowserFailedError
            No browser, or one that closed at once.
        BrowserTimeout
            The browser was not ready in time (it is killed).
        """
        options: dict[str, Any] = {"path": self.browser_path} if self.browser_path else {}
        if self.path == "stock":
            from kaleido import Kaleido

            self._browser = Kaleido(n=1, mathjax=False, timeout=None, **options)  # MathJax: from a CDN; limits: ours
            await self._limit(self._browser.open(), self.start_timeout, "start", "starting")
            log.info("static export: kaleido's stock path (%s)", self.why_stock)
            return
        import choreographer

        self._browser = choreographer.Browser(browser_cls=_chromium_class(), **options)
        url = self._page_url(fast_page() or "")
        await self._limit(self._open(url), self.start_timeout, "start", "starting")
        if self.path == "fast":
            cache = "no code cache" if self._cache is None else f"code cache {'kept' if self._cache.warm else 'new'}"
            log.info("static export: fast path (%d tabs, %s)", self.concurrency, cache)
        else:
            log.info("static export: kaleido's stock path (%s)", self.why_stock)

    def _page_url(self, page: str) -> str:
        """Serve the page from 127.0.0.1 with a disk cache kept between runs; from a file if that cannot be."""
        impl = self._browser._browser_impl
        if self.code_cache:
            try:
                self._server = PageServer(page)
                binary = Path(impl.path).resolve()
                self._cache = CodeCache([self._server.fingerprint, str(binary), str(binary.stat().st_mtime_ns)])
                impl.extra_flags = [*self._server.flags(), *self._cache.flags()]
                return self._server.url
            except Exception as exc:  # noqa: BLE001 - an unwritable cache folder, no loopback: slower, same bytes
                log.info("static export: no code cache (%s)", exc)
                self._tidy_page()
        self._page_folder = Path(tempfile.mkdtemp(prefix="vizlib-page-"))
        (self._page_folder / "index.html").write_text(page, encoding="utf-8")
        return (self._page_folder / "index.html").as_uri()

    async def _open(self, url: str) -> None:
        await self._browser.open()
        first = self._browser.get_tab()  # None from Chromium's headless shell, which opens no first tab
        tabs = [first] if first is not None else []
        tabs += [await self._browser.create_tab(window=True) for _ in range(self._tabs_wanted - len(tabs))]
        pages = [Tab(tab) for tab in tabs]
        await asyncio.gather(*(page.open(url) for page in pages))
        problem = await pages[0].problem()
        if problem:  # a plotly.js not tested here: kaleido's way, one image per plot on a fresh page
            self.path, self.why_stock, pages = "stock", problem, pages[:1]
            pages[0].shared = False
        self._tabs = asyncio.Queue()
        for page in pages:
            self._tabs.put_nowait(page)
        self.concurrency = len(pages)

    async def close(self) -> None:
        """End the browser and let choreographer tidy up.

        The browser is killed rather than asked to quit: a clean Chromium
        shutdown takes 0.3-1 s and leaves nothing that a kill does not (its
        profile is a temporary folder, removed here). After a run without a
        kept code cache, the page is loaded once more (Chromium writes the
        compiled plotly.js on its second load), Chromium is closed cleanly so
        that its disk cache is complete, and the cache is kept for later runs.
        """
        if self._cache is not None and not self._cache.warm and self._tabs is not None and not self._tabs.empty():
            with contextlib.suppress(Exception):
                await self._limit(self._keep_code_cache(), CLOSE_SECONDS, "close", "keeping the code cache")
        self.kill()
        if getattr(self._browser, "subprocess", None) is not None:
            with contextlib.suppress(Exception):
                await self._limit(self._browser.close(), CLOSE_SECONDS, "close", "closing")

    async def _keep_code_cache(self) -> None:
        assert self._tabs is not None and self._cache is not None
        await self._tabs.get_nowait().reload()
        await self._browser.close()  # sends Browser.close and waits for Chromium to end
        if self._cache.publish():
            log.info("static export: code cache kept for the next runs")

    def kill(self) -> None:
        """End the browser and every process it started, now, and remove its temporary folders.

        The browser runs in a process group of its own (choreographer starts it in
        a new session), so the group is killed: wrapper, Chromium and its helpers.
        Call it from the thread running the event loop.
        """
        browser = self._browser
        process = getattr(browser, "subprocess", None)
        if process is not None:
            watchdog = getattr(browser, "_watch_dog_task", None)
            if watchdog is not None:  # it would log a warning on seeing the browser go
                watchdog.cancel()
            _kill_group(process)
            # Closing our end of the pipe from the browser ends choreographer's reader at once
            # (it would wait 2 s for a goodbye that a killed browser never sends).
            for part in ("_channel", "_browser_impl", "_html_tmp_dir"):  # then the temporary profile and page
                tidy = getattr(getattr(browser, part, None), "close" if part == "_channel" else "clean", None)
                if callable(tidy):
                    with contextlib.suppress(Exception):
                        tidy()
        self._tidy_page()

    def _tidy_page(self) -> None:
        if self._page_folder is not None:
            shutil.rmtree(self._page_folder, ignore_errors=True)
            self._page_folder = None
        if self._server is not None:
            self._server.close()
            self._server = None
        if self._cache is not None:
            self._cache.discard()  # nothing left once published
            self._cache = None

    @property
    def browser(self) -> str | None:
        """The path of the browser run, once known."""
        path = getattr(getattr(self._browser, "_browser_impl", None), "path", None)
        return None if path is None else str(path)

    @property
    def pid(self) -> int | None:
        """The process id of the browser's process group leader, once started."""
        process = getattr(self._browser, "subprocess", None)
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
        if self._tabs is None:  # kaleido's own browser
            return await self._limit(self._render_stock(spec, images), limit, "image", doing)
        tab = await self._tabs.get()
        try:
            return await self._limit(tab.render(spec, spec_json, images), limit, "image", doing)
        finally:
            self._tabs.put_nowait(tab)

    async def _render_stock(self, spec: dict[str, Any], images: list[Image]) -> dict[str, bytes]:
        return {image.format: await self._browser.calc_fig(spec, opts=image.opts()) for image in images}

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


@functools.cache
def _chromium_class() -> type:
    """Return choreographer's Chromium with our flags added (``extra_flags``, set per browser)."""
    from choreographer.browsers.chromium import Chromium

    class VizlibChromium(Chromium):
        extra_flags: list[str] = []

        def get_cli(self) -> list[str]:
            return [*super().get_cli(), *self.extra_flags]

    return VizlibChromium


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
