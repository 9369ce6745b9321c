"""The batch browser's page, served from 127.0.0.1 so that Chromium keeps plotly.js compiled between runs.

Compiling plotly.js (4.8 MB) is most of a browser's start-up (1-3 s here). Chromium
keeps compiled scripts (V8's code cache) only for pages served over http(s), and
only in its disk cache, which kaleido puts in a temporary profile. So:

* :class:`PageServer` serves the page and its scripts from a loopback server in
  this process, under a host name that only this browser resolves (Chromium's
  ``--host-resolver-rules`` maps ``vizlib.invalid`` to the server's port); script
  names carry their hash, so a new plotly.js is never taken for an old one;
* :class:`CodeCache` gives each browser a copy of the disk cache kept from an
  earlier run under the vizlib cache folder (``$VIZLIB_CACHE`` or the per-user
  cache), and publishes a new one, atomically, after a run that had none.

The bytes rendered do not change: only where the page comes from. Nothing leaves
the machine; the server answers only these files, on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import http.server
import os
import re
import shutil
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

HOST = "vizlib.invalid"  # .invalid never resolves anywhere else (RFC 2606)
STORE_ENV = "VIZLIB_CACHE"
#: Below this, Chromium wrote no code cache worth keeping (plotly.js's is ~3 MB).
MIN_CODE_CACHE = 1_000_000
#: Leftovers of runs killed before they could tidy up are removed after this long.
STALE_SECONDS = 24 * 3600
#: A blank page for kaleido to open first: our own page is opened over http afterwards.
BLANK_PAGE = "<!DOCTYPE html><html><head></head><body></body></html>"


class PageServer:
    """Serve ``page`` and the local scripts it loads (``src="file://..."``) on 127.0.0.1, in a thread."""

    def __init__(self, page: str):
        routes: dict[str, tuple[bytes, str, bool]] = {}

        def serve_script(found: re.Match[str]) -> str:
            path = Path(unquote(urlparse(found.group(1)).path))
            data = path.read_bytes()
            route = f"/{path.stem}-{hashlib.sha256(data).hexdigest()[:16]}{path.suffix}"
            routes[route] = (data, "text/javascript; charset=utf-8", True)
            return f'src="{route}"'

        html = re.sub(r'src="(file://[^"]+)"', serve_script, page)
        routes["/index.html"] = (html.encode(), "text/html; charset=utf-8", False)
        self.fingerprint = hashlib.sha256(b"".join(r.encode() + v[0] for r, v in sorted(routes.items()))).hexdigest()
        handler = functools.partial(_Handler, routes)
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True, name="vizlib-page"
        )
        self._thread.start()
        self.url = f"http://{HOST}/index.html"

    def flags(self) -> list[str]:
        """Return the Chromium flags that send ``HOST`` to this server."""
        return [f"--host-resolver-rules=MAP {HOST} 127.0.0.1:{self._server.server_address[1]}"]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class _Handler(http.server.BaseHTTPRequestHandler):
    def __init__(self, routes: dict[str, tuple[bytes, str, bool]], *args: object):
        self.routes = routes
        super().__init__(*args)  # type: ignore[arg-type]

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        found = self.routes.get(urlparse(self.path).path)
        if found is None:
            self.send_error(404)
            return
        data, content_type, immutable = found
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "public, max-age=31536000, immutable" if immutable else "no-store")
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


class CodeCache:
    """Chromium's disk cache (HTTP cache and compiled scripts) for one page and browser, kept between runs.

    ``folder`` is this browser's own copy (``--disk-cache-dir``): copied from the
    store when a run left one (``warm``), else empty, to be published by
    :meth:`publish`. Runs never share a folder Chromium writes to.
    """

    def __init__(self, key_parts: list[str]):
        self.root = _store_root()
        self.key = hashlib.sha256("\n".join(key_parts).encode()).hexdigest()[:20]
        self.root.mkdir(parents=True, exist_ok=True)
        _remove_stale(self.root)
        self.folder = Path(tempfile.mkdtemp(prefix=".run-", dir=self.root))
        kept = self.root / self.key
        self.warm = kept.is_dir()
        if self.warm:
            shutil.copytree(kept, self.folder, dirs_exist_ok=True)

    def flags(self) -> list[str]:
        return [f"--disk-cache-dir={self.folder}"]

    def publish(self) -> bool:
        """Keep this run's cache for later runs (once Chromium has closed); False if it holds no compiled code."""
        compiled = sum(p.stat().st_size for p in self.folder.rglob("*") if p.is_file() and "Code Cache" in p.parts)
        if compiled < MIN_CODE_CACHE:
            return False
        for old in self.root.iterdir():  # caches of other plotly.js or Chromium versions
            if old.name != self.key and not old.name.startswith("."):
                shutil.rmtree(old, ignore_errors=True)
        try:
            os.rename(self.folder, self.root / self.key)  # atomic; another run may have published first
        except OSError:
            return False
        return True

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _store_root() -> Path:
    base = os.environ.get(STORE_ENV)
    if not base:
        from vizlib._paths import user_cache

        base = str(user_cache())
    return Path(base) / "chromium-code-cache"


def _remove_stale(root: Path) -> None:
    """Remove the copies of runs that ended without tidying up (killed), once they are old."""
    for leftover in root.glob(".run-*"):
        with contextlib.suppress(OSError):
            if time.time() - leftover.stat().st_mtime > STALE_SECONDS:
                shutil.rmtree(leftover, ignore_errors=True)
