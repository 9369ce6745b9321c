"""The engine behind vizlib.export's batches: figures in, rendered images out, in order (private).

An :class:`Engine` runs in a thread of its own with its own event loop, so the
caller's thread stays free to build the next figures, and Ctrl-C or SIGTERM
reach the caller as exceptions (even inside Jupyter's running loop). Figures
handed to it with :meth:`Engine.add` are serialised in one worker thread while
the browser starts, rendered by the browser (:class:`vizlib._kaleido.Renderer`),
and handed to ``deliver`` in the order they were added, in another worker
thread, while the browser renders the next ones.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from vizlib import _kaleido

#: Seconds the engine's thread gets to end its browser and finish the file being written.
STOP_SECONDS = 30.0

Deliver = Callable[[str, "dict[str, bytes] | None", "BaseException | None"], None]


@dataclass(frozen=True)
class Limits:
    """Time limits in seconds (None: no limit) and the browser to run."""

    start: float | None
    image: float | None
    browser_path: str | None


class NotRendered(Exception):
    """The batch stopped (the browser timed out or ended) before this figure was rendered."""


class NoBrowser(Exception):
    """No usable browser: ``detail`` says what is wrong with it."""

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


class Engine:
    """Render the figures added to it and deliver them in order, in a thread of its own.

    Parameters
    ----------
    formats : list of str
        The static formats to render (``png``, ``svg``, ``pdf``).
    sizes : callable
        Figure -> (width, height) in CSS pixels.
    spec : callable
        (figure, name) -> (the figure as a dict, the same as JSON text).
    scale : float
        PNG pixels per CSS pixel.
    limits : Limits
    deliver : callable
        ``deliver(name, images, error)``: called once per figure, in the order
        added, in a worker thread; ``images`` maps format to bytes, or ``error``
        says why there are none.
    """

    def __init__(
        self,
        formats: list[str],
        sizes: Callable[[Any], tuple[float, float]],
        spec: Callable[[Any, str], tuple[dict[str, Any], str]],
        scale: float,
        limits: Limits,
        deliver: Deliver,
    ):
        self.formats, self.sizes, self.spec, self.scale = formats, sizes, spec, scale
        self.limits, self.deliver = limits, deliver
        self.names: list[str] = []
        #: What stopped the batch: no usable browser, or the browser's time-out or end.
        self.stop: NoBrowser | _kaleido.BrowserTimeout | _kaleido.BrowserStopped | None = None
        self._started = threading.Event()
        self._result: Future[None] = Future()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._inbox: asyncio.Queue[tuple[str, Any] | None] | None = None
        self._thread = threading.Thread(target=self._thread_main, name="vizlib-export", daemon=True)

    def start(self) -> None:
        """Start the engine's thread and, in it, the browser."""
        self._thread.start()
        self._started.wait()

    def add(self, name: str, fig: Any) -> None:
        """Hand over one figure (from any thread); raises :class:`NoBrowser` once it is known there is none."""
        if isinstance(self.stop, NoBrowser):
            raise self.stop
        self.names.append(name)
        self._put((name, fig))

    def finish(self) -> None:
        """Wait until every figure added is delivered and the browser has ended."""
        self._put(None)
        self._result.result()  # interruptible (Ctrl-C): the caller then calls abort()

    def abort(self) -> None:
        """Stop at once: end the browser, finish the file being written, drop the rest."""
        if self._loop is not None and self._task is not None:
            with contextlib.suppress(RuntimeError):  # the loop already closed
                self._loop.call_soon_threadsafe(self._task.cancel)
        self._thread.join(STOP_SECONDS)

    def _put(self, item: tuple[str, Any] | None) -> None:
        assert self._loop is not None and self._inbox is not None
        with contextlib.suppress(RuntimeError):  # the engine already ended (a failed start)
            self._loop.call_soon_threadsafe(self._inbox.put_nowait, item)

    def _thread_main(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting caller
            self._result.set_exception(exc)
        else:
            self._result.set_result(None)
        finally:
            self._started.set()

    async def _main(self) -> None:
        self._loop, self._task, self._inbox = asyncio.get_running_loop(), asyncio.current_task(), asyncio.Queue()
        self._started.set()
        with _Run(self) as run:
            await run.all()


class _Run:
    """One engine run: the browser, the figures' way from JSON to files, and the clean-up."""

    def __init__(self, engine: Engine):
        self.engine = engine
        limits = engine.limits
        self.renderer = _kaleido.Renderer(
            start_timeout=limits.start, image_timeout=limits.image, browser_path=limits.browser_path
        )
        self.encoder = ThreadPoolExecutor(1, thread_name_prefix="vizlib-spec")
        self.writer = ThreadPoolExecutor(1, thread_name_prefix="vizlib-write")
        self.figs: dict[str, Any] = {}
        self.specs: dict[str, asyncio.Future[tuple[dict[str, Any], str]]] = {}
        self.rendered: dict[str, asyncio.Future[tuple[dict[str, bytes] | None, BaseException | None]]] = {}
        self.to_render: asyncio.Queue[str | None] = asyncio.Queue()
        self.to_write: asyncio.Queue[str | None] = asyncio.Queue()
        self.workers: list[asyncio.Future[None]] = []
        self.writes: list[asyncio.Future[None]] = []
        self.done = False

    def __enter__(self) -> _Run:
        return self

    def __exit__(self, *exc: object) -> None:
        for worker in self.workers:
            worker.cancel()
        self.renderer.kill()  # at once, whatever happened; nothing is left after a clean close
        self.encoder.shutdown(wait=False, cancel_futures=True)
        self.writer.shutdown(wait=True, cancel_futures=not self.done)  # a figure being written is finished, whole

    async def all(self) -> None:
        intake = asyncio.ensure_future(self.intake())
        try:
            await self.start()
            if self.engine.stop is None:
                self.workers = [asyncio.ensure_future(self.work()) for _ in range(self.renderer.concurrency)]
            await self.write_in_order()
            await intake
            closing = asyncio.ensure_future(self.renderer.close())  # overlaps the last writes
            await asyncio.gather(*self.writes, closing)
            self.done = True
        finally:
            intake.cancel()
            with contextlib.suppress(Exception):
                await self.renderer.close()  # choreographer tidies up

    async def start(self) -> None:
        from kaleido.errors import BrowserFailedError, ChromeNotFoundError

        try:
            await self.renderer.start()
        except (ChromeNotFoundError, BrowserFailedError, _kaleido.BrowserStopped, OSError) as exc:
            self.engine.stop = NoBrowser(_no_browser(exc, self.renderer, self.engine.limits))
        except _kaleido.BrowserTimeout as exc:
            self.engine.stop = exc

    async def intake(self) -> None:
        """Take the figures handed over, in order: serialise each at once (while the browser starts)."""
        loop = asyncio.get_running_loop()
        assert self.engine._inbox is not None
        while (item := await self.engine._inbox.get()) is not None:
            name, fig = item
            self.figs[name] = fig
            self.specs[name] = loop.run_in_executor(self.encoder, self.engine.spec, fig, name)
            self.rendered[name] = loop.create_future()
            self.to_render.put_nowait(name)
            self.to_write.put_nowait(name)
        self.to_render.put_nowait(None)
        self.to_write.put_nowait(None)

    async def work(self) -> None:
        """Render figures one after another (one such worker per tab)."""
        while (name := await self.to_render.get()) is not None:
            engine = self.engine
            if engine.stop is not None:
                self.rendered[name].set_result((None, NotRendered()))
                continue
            try:
                spec, spec_json = await self.specs[name]
                images = await self.renderer.render(name, spec, spec_json, list(self.images(self.figs[name])))
            except (_kaleido.BrowserTimeout, _kaleido.BrowserStopped) as exc:
                engine.stop = engine.stop or exc
                self.rendered[name].set_result((None, exc))
            except Exception as exc:  # noqa: BLE001 - one bad figure must not lose the others
                self.rendered[name].set_result((None, exc))
            else:
                self.rendered[name].set_result((images, None))
        self.to_render.put_nowait(None)  # for the other workers

    def images(self, fig: Any) -> Iterator[_kaleido.Image]:
        width, height = self.engine.sizes(fig)
        for f in self.engine.formats:
            yield _kaleido.Image(f, width, height, self.engine.scale if f == "png" else 1)

    async def write_in_order(self) -> None:
        """Hand each figure to ``deliver`` in the order added (a batch stopped early: the rest unrendered)."""
        loop = asyncio.get_running_loop()
        while (name := await self.to_write.get()) is not None:
            if not self.workers:  # the browser never started
                continue
            images, error = await self.rendered[name]
            self.writes.append(loop.run_in_executor(self.writer, self.engine.deliver, name, images, error))


def _no_browser(error: BaseException, renderer: _kaleido.Renderer, limits: Limits) -> str:
    """Say in a few words what is wrong with the browser."""
    from kaleido.errors import ChromeNotFoundError

    where = renderer.browser or limits.browser_path or os.environ.get("BROWSER_PATH")
    if isinstance(error, ChromeNotFoundError):
        return f"no browser at {where}" if where else "none found on this system"
    if isinstance(error, OSError):
        return f"{where or 'the browser'}: {error.strerror or error}"
    return f"the browser at {where} closed as soon as it started" if where else "the browser closed as it started"


class StopSignals:
    """While a browser may run: SIGTERM exits (``SystemExit(143)``), and no Ctrl-C or SIGTERM is lost.

    Python raises a signal handler's exception wherever the main thread is, and C
    code that calls back into Python and then clears errors (a dict lookup's
    ``__eq__``, a ``hasattr`` on a ``__getattr__``) can drop it there. So each
    signal is recorded too, and :meth:`check` raises it again at the next safe
    point: each figure handed over, and the batch's end.

    Only signals with Python's default action are taken over: a program's own
    handlers are left alone, as is everything outside the main thread.
    """

    def __init__(self) -> None:
        self.received: list[int] = []
        self._previous: dict[int, Any] = {}

    def install(self) -> None:
        """Take over SIGTERM and Ctrl-C where they have Python's default action."""
        if threading.current_thread() is threading.main_thread():
            defaults = {signal.SIGTERM: signal.SIG_DFL, signal.SIGINT: signal.default_int_handler}
            for sig, default in defaults.items():
                if signal.getsignal(sig) is default:
                    self._previous[sig] = signal.signal(sig, self._stop)

    def restore(self) -> None:
        """Put back the handlers taken over."""
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        self._previous.clear()

    def _stop(self, signum: int, frame: Any) -> None:
        self.received.append(signum)
        self.check()

    def check(self) -> None:
        """Raise ``KeyboardInterrupt`` (Ctrl-C) or ``SystemExit(128 + signal)`` if a stop signal came."""
        if signal.SIGINT in self.received:
            raise KeyboardInterrupt
        if self.received:
            raise SystemExit(128 + self.received[0])
