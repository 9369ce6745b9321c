"""Shared fixtures: repository paths, the reference samples, a network guard, and figures built once."""

from __future__ import annotations

import fcntl
import hashlib
import inspect
import os
import pickle
import shutil
import socket
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
SHARED = REPO.parent / "shared"


@pytest.fixture
def shared_frontline() -> Path:
    """The real frontline samples beside the checkout (CI has them); skip when absent."""
    folder = SHARED / "data" / "frontline"
    if not folder.is_dir():
        pytest.skip("../shared/data/frontline is not present")
    return folder


def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test run's temporary folder: under pytest-xdist the one above every worker's own."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def synthetic_mirror(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A synthetic daily archive (``helpers.synthetic_archive``), made once per run (every xdist worker
    reads the same folder, so their maps of it are the same shared builds), and this process's cache for it."""
    from helpers import synthetic_archive

    shared = run_folder(tmp_path_factory) / "front-mirror"
    shared.mkdir(exist_ok=True)
    with open(shared / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (shared / ".done").is_file():
            synthetic_archive(shared / "archive")
            (shared / ".done").touch()
    return shared / "archive", tmp_path_factory.mktemp("front-cache")


@pytest.fixture(scope="module")
def front_mirror(synthetic_mirror: tuple[Path, Path]):
    """The synthetic archive as DeepStateMap's mirror, for the module that asks for it.

    Sets ``VIZLIB_DEEPSTATE_ARCHIVE_URL`` to it and ``VIZLIB_CACHE`` to its own cache until the
    module ends (never longer: the notebooks' kernels, started later, must see the real mirror
    the Makefile names), so figures that need layers of many dates build offline; yields the folder.
    """
    folder, cache = synthetic_mirror
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VIZLIB_DEEPSTATE_ARCHIVE_URL", str(folder))
        mp.setenv("VIZLIB_DEEPSTATE_EXPORT_URL", str(REPO / "tests" / "fixtures" / "frontline"))
        mp.setenv("VIZLIB_CACHE", str(cache))
        yield folder


class FigureCache:
    """Article figures built with the bundled data once per test run, each call handed a copy of its own.

    ``built_figure(slug, **options)`` is ``registry.build(slug, **options)`` (no ``data=``: the bundled data
    only), made once per slug, options and (for a figure that draws control areas) ``VIZLIB_*``
    environment (the front-line mirror and cache it reads), and shared by every test and every pytest-xdist worker of the run (pickled
    in the run's temporary folder, a lock per figure so two workers never build it twice). Every
    call makes a new figure of the built one's properties, numpy arrays kept as arrays (plotly's
    own pickling turns them into base64 dicts), so a test may change its copy; only the order of
    the layout's keys in ``to_json()`` differs from the builder's (plotly's constructor orders
    them), so a test of a builder's exact bytes builds its own. The warnings the build gave are
    given again on each call, so ``warnings.catch_warnings`` sees what a fresh build shows. Every
    build runs with outbound sockets blocked (``no_network``'s guard): a figure that tried to leave
    the machine fails the test that asked for it.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self._blobs: dict[str, bytes] = {}

    def __call__(self, slug: str, **options: Any) -> Any:
        (fig,) = self.many([(slug, options)])
        return fig

    def many(self, requests: list[tuple[str, dict[str, Any]]]) -> list[Any]:
        """Several figures, in the order asked: one another worker is building now is taken last, so
        workers that need the same set (a module fixture set up on both) build half of it each."""
        keys = [self._key(slug, options) for slug, options in requests]
        todo = [(key, slug, options) for key, (slug, options) in zip(keys, requests) if key not in self._blobs]
        while todo:
            busy = []
            for i, (key, slug, options) in enumerate(todo):
                blob = self._load_or_build(key, slug, options, wait=i == 0 and not busy and len(todo) == 1)
                if blob is None:
                    busy.append((key, slug, options))
                else:
                    self._blobs[key] = blob
            if busy == todo:  # all being built elsewhere: wait for the first
                key, slug, options = busy.pop(0)
                self._blobs[key] = self._load_or_build(key, slug, options, wait=True)
            todo = busy
        figs = []
        for key in keys:
            cls, props, caught = pickle.loads(self._blobs[key])
            for category, message in caught:
                warnings.warn(message, category, stacklevel=3)
            figs.append(cls(props))
        return figs

    @staticmethod
    def _key(slug: str, options: dict[str, Any]) -> str:
        assert "data" not in options, "built_figure() is for the bundled data; build a figure of other data in the test"
        from vizlib import registry

        spec = registry.FIGURES[slug]
        # the builder's own defaults filled in (``size="wide"`` is the same figure as none), options it ignores left out
        params = inspect.signature(spec.builder()).parameters
        called = {name: p.default for name, p in params.items() if p.default is not inspect.Parameter.empty}
        called.update((name, value) for name, value in options.items() if name in params)
        # a figure that draws control areas reads the mirror and cache the environment names; with both
        # mirrors named, the cache only holds copies of their files, and which folder it is does not matter
        env = {k: v for k, v in os.environ.items() if k.startswith("VIZLIB_") and spec.layer is not None}
        if "VIZLIB_DEEPSTATE_ARCHIVE_URL" in env and "VIZLIB_DEEPSTATE_EXPORT_URL" in env:
            env.pop("VIZLIB_CACHE", None)
        return hashlib.sha256(repr((slug, sorted(called.items()), sorted(env.items()))).encode()).hexdigest()[:24]

    def _load_or_build(self, key: str, slug: str, options: dict[str, Any], wait: bool) -> bytes | None:
        """The pickled figure, built here unless another worker has (or, ``wait`` false, is building it: None)."""
        from vizlib import registry

        path = self.folder / f"{key}.pickle"
        with open(self.folder / f"{key}.lock", "w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                return None
            if path.is_file():
                return path.read_bytes()
            with warnings.catch_warnings(record=True) as caught, pytest.MonkeyPatch.context() as patch:
                warnings.simplefilter("always")
                block_network(patch)  # every shared figure is built offline (tests/test_offline.py counts on it)
                fig = registry.build(slug, **options)
            props = {
                "data": fig._data,
                "layout": fig._layout,
                "frames": [frame._props for frame in fig._frame_objs],
                "_grid_str": fig._grid_str,
                "_grid_ref": fig._grid_ref,
            }
            blob = pickle.dumps((type(fig), props, [(w.category, str(w.message)) for w in caught]))
            path.with_suffix(".part").write_bytes(blob)
            path.with_suffix(".part").replace(path)
            return blob


@pytest.fixture(scope="session")
def built_figure(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Any]:
    """``built_figure(slug, **options)``: a copy of the article figure, built once per run (see :class:`FigureCache`)."""
    return FigureCache(run_folder(tmp_path_factory) / "built-figures")


class NetworkBlocked(OSError):
    """Raised when a test tries to leave the machine."""


def _is_loopback(address: object) -> bool:
    if isinstance(address, tuple) and address:
        host = str(address[0])
        return host.startswith("127.") or host in ("::1", "localhost")
    return isinstance(address, (str, bytes))  # unix sockets


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Block every outbound socket connection except loopback, in this process."""
    block_network(monkeypatch)


def block_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Patch ``socket`` (until ``monkeypatch`` undoes it) so that only loopback connections are made."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def guarded(method):
        def connect(self, address):
            if not _is_loopback(address):
                raise NetworkBlocked(f"network access blocked in tests: {address!r}")
            return method(self, address)

        return connect

    monkeypatch.setattr(socket.socket, "connect", guarded(real_connect))
    monkeypatch.setattr(socket.socket, "connect_ex", guarded(real_connect_ex))
    monkeypatch.setattr(socket, "getaddrinfo", _guarded_getaddrinfo(socket.getaddrinfo))


def _guarded_getaddrinfo(real):
    def getaddrinfo(host, *args, **kwargs):
        if host not in (None, "localhost", "127.0.0.1", "::1") and not str(host).startswith("127."):
            raise NetworkBlocked(f"DNS lookup blocked in tests: {host!r}")
        return real(host, *args, **kwargs)

    return getaddrinfo


#: Playwright drives Debian's Chromium build for automation, the headless shell (package chromium-headless-shell,
#: the same Blink as chromium; Playwright's own default for headless), when it is installed: pages load in about
#: a quarter less CPU. Else Debian's chromium.
HEADLESS_SHELL = Path("/usr/lib/chromium/chromium-headless-shell")
CHROMIUM = next((path for path in (HEADLESS_SHELL, Path("/usr/bin/chromium")) if path.is_file()), Path("/usr/bin/chromium"))
#: Flags that keep Chromium from phoning home (updates, safe browsing, metrics) during browser tests.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-sync",
    "--no-first-run",
    "--metrics-recording-only",
]


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium (:data:`CHROMIUM`) driven by Playwright (never a downloaded browser); one per test module."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.is_file():
        pytest.skip(f"{CHROMIUM} is not installed")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def local_server(tmp_path_factory):
    """An HTTP server on 127.0.0.1 serving a temporary folder: ``.root`` (Path) and ``.url(path)``."""
    import functools
    import http.server
    import threading

    root = tmp_path_factory.mktemp("served")

    class Handler(http.server.SimpleHTTPRequestHandler):
        def do_GET(self):
            if self.path == "/favicon.ico":  # asked for by the browser itself, not by the page
                self.send_response(204)
                self.end_headers()
                return
            super().do_GET()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    server.root = root
    server.origin = f"http://127.0.0.1:{server.server_address[1]}"
    server.url = lambda path: f"{server.origin}/{Path(path).relative_to(root).as_posix()}"
    yield server
    server.shutdown()
    server.server_close()


def pytest_configure(config) -> None:
    """One cache for the run, and fuzz derandomised.

    Every test, worker and notebook kernel reads DeepStateMap's files through one cache
    folder of the run's own (``VIZLIB_CACHE``, set before pytest-xdist starts its workers;
    the cache is safe to share between processes), never the user's: a layer is clipped once
    per run rather than once per module and worker. Tests of the cache itself name their own.

    Fuzz: every run tries the same cases, so a failure reproduces and counts hold. To explore
    new cases, give a seed: ``--hypothesis-seed=N`` or ``VIZLIB_FUZZ_SEED=N``.
    """
    if not hasattr(config, "workerinput"):
        cache = tempfile.mkdtemp(prefix="vizlib-test-cache-")
        os.environ["VIZLIB_CACHE"] = cache
        config.add_cleanup(lambda: shutil.rmtree(cache, ignore_errors=True))
    from hypothesis import HealthCheck, settings

    common = dict(deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    settings.register_profile("vizlib", derandomize=True, **common)
    settings.register_profile("vizlib-explore", derandomize=False, **common)
    exploring = config.getoption("hypothesis_seed", None) is not None or os.environ.get("VIZLIB_FUZZ_SEED")
    settings.load_profile("vizlib-explore" if exploring else "vizlib")


def _summary_lines(config) -> list[str]:
    """The counts for the README's "What is tested": fuzz cases run, browser pages visited (this process's)."""
    import sys

    lines = []
    fuzz = sys.modules.get("test_fuzz")
    if fuzz and fuzz.FUZZ_COUNTS:
        counts = dict(fuzz.FUZZ_COUNTS)
        rejected = counts.pop("rejected", 0)
        quoted = counts.pop("quoted", 0)
        total = sum(counts.values())
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        seed = config.getoption("hypothesis_seed", None) or os.environ.get("VIZLIB_FUZZ_SEED")
        mode = f"seed {seed}" if seed else "derandomised"
        lines.append(
            f"fuzz cases run ({mode}): {total} ({kinds}); {rejected} rejected with DataError, {total - rejected} valid;"
            f" {quoted} messages about a field checked to quote its value"
        )
    browser = sys.modules.get("test_browser")
    if browser and browser.COUNTS["pages"]:
        c = browser.COUNTS
        lines.append(
            f"browser: {c['pages']} page visits, {c['checks']} checks, "
            f"{c['requests']} requests recorded, {c['remote']} of them beyond 127.0.0.1/file://"
        )
    return lines


_WORKER_LINES = pytest.StashKey[list]()


def pytest_sessionfinish(session) -> None:
    """Under pytest-xdist a worker hands its counts to the controller, which prints them."""
    if hasattr(session.config, "workeroutput"):
        session.config.workeroutput["vizlib_summary"] = _summary_lines(session.config)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    node.config.stash.setdefault(_WORKER_LINES, []).extend(getattr(node, "workeroutput", {}).get("vizlib_summary", []))


def pytest_terminal_summary(terminalreporter) -> None:
    """Report how many fuzz cases ran and how many pages the browser tests visited (README "What is tested")."""
    config = terminalreporter.config
    for line in sorted(_summary_lines(config) + config.stash.get(_WORKER_LINES, [])):
        terminalreporter.write_line(line)


#: Modules that build the whole set, every language or size, a wheel, or thousands of fuzz cases:
#: ``make test`` runs them, ``make test-fast`` (``-m "not slow"``) leaves them out.
SLOW_MODULES = {
    "test_i18n",
    "test_figures_current",
    "test_cli_set",
    "test_fuzz",
    "test_packaging",
    "test_faults",
    "test_control",
    "test_closeups",
}


#: The modules and notebooks that take longest, longest first (one process, `--durations=0`, 1 Dec 2026).
#: pytest-xdist (``--dist loadscope --no-loadscope-reorder``) hands out whole modules in collection
#: order, so these start first and the short ones fill both workers' ends; by default it would
#: start with the modules of most tests, leaving these few-test long ones to one worker at the end.
LONGEST_FIRST = [
    "test_offline",
    "test_faults",
    "test_notebooks_nbconvert",
    "test_browser",
    "test_notebooks_jupyterlab",
    "test_responsive",
    "test_maps",
    "test_figures_current",
    "test_i18n",
    "test_notebooks_renderer",
    "test_export",
    "test_cli_set",
    "06_front_movement",
    "02_kursk_incursion",
    "01_overview",
    "04_donetsk_front",
    "05_export_for_articles",
    "03_north_korean_forces",
    "test_map_colours",
    "test_closeups",
    "test_hostile_text",
    "test_fuzz",
    "test_phone_charts",
    "test_control",
]


def pytest_collection_modifyitems(config, items) -> None:
    for item in items:
        if item.path.stem in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)
    rank = {stem: i for i, stem in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.stem, len(rank)))  # stable: a module's items keep their order
