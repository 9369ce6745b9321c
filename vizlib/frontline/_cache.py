"""The per-user cache of frontline files: fetch once from a base URL or folder, verify by SHA-256.

One folder (``$VIZLIB_CACHE`` or pooch's per-user cache, plus
``/deepstatemap``) holds every file under its published name, and
``registry.json``: the SHA-256 of each file at its first download, the
address it came from, the gaps a server reported, and which DeepStateMap
history entry each export came from. A cached file is used without any
request; one that no longer matches its hash is an error, never re-fetched
silently.

A base is an ``http(s)://`` URL or a local folder (a path or ``file://``
URL): a folder is read without any network, so ``download=False`` still
uses it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from vizlib._atomic import replace_together
from vizlib._paths import pooch, user_cache
from vizlib.errors import DataError, NothingToDraw, Problem

CACHE_ENV = "VIZLIB_CACHE"
REGISTRY = "registry.json"
LOCK = ".registry.json.lock"  # held while the registry is merged and written
TIMEOUT_S = 30
#: Sent with every request. (The archive's own downloader sends a browser
#: User-Agent to DeepStateMap's API; vizlib names itself in the same form.)
HEADERS = {"User-Agent": "Mozilla/5.0 (compatible; vizlib)", "Accept": "application/json, */*"}


class Unreachable(Exception):
    """A request failed: ``reason`` says how (``"HTTP 503"``, ``"ConnectionError"``)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class FrontlineUnavailableError(NothingToDraw):
    """A frontline file could not be had: not cached, and not downloadable now.

    ``reason`` is the short cause (``"HTTP 503"``, ``"ConnectionError"``,
    ``"downloading is off"``, ...).
    """

    def __init__(self, problems: list[Problem], reason: str = ""):
        super().__init__(problems)
        self.reason = reason


def local_path(base: str) -> Path | None:
    """Return the local folder or file a base names (a path or ``file://`` URL); None for ``http(s)``."""
    scheme = urllib.parse.urlparse(base).scheme.lower()
    if scheme in ("http", "https"):
        return None
    if scheme == "file":
        return Path(urllib.request.url2pathname(urllib.parse.urlparse(base).path))
    return Path(base).expanduser()


def join(base: str, name: str) -> str:
    """Join ``base`` and ``name``, for a URL or a folder."""
    folder = local_path(base)
    return str(folder / name) if folder is not None else base.rstrip("/") + "/" + name


class Cache:
    """The cache folder and its registry."""

    def __init__(self, cache_dir: str | os.PathLike[str] | None = None):
        if cache_dir is None:
            cache_dir = os.environ.get(CACHE_ENV) or None
        if cache_dir is None:
            cache_dir = user_cache()
        self.folder = Path(cache_dir) / "deepstatemap"
        self.registry = self._read_registry()

    # ---- registry
    def _read_registry(self) -> dict[str, Any]:
        path = self.folder / REGISTRY
        try:
            registry = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(registry, dict):
                raise ValueError("not a JSON object")
        except (FileNotFoundError, NotADirectoryError):  # no cache yet (or none can be: said when writing)
            registry = {}
        except (OSError, ValueError) as exc:
            problem = Problem(str(path), None, "file", f"unreadable cache registry ({exc}); delete it")
            raise DataError([problem]) from None
        return {
            "sha256": dict(registry.get("sha256", {})),
            "url": dict(registry.get("url", {})),
            "missing": list(registry.get("missing", [])),
            "entries": dict(registry.get("entries", {})),
        }

    def save(self) -> None:
        """Write the registry atomically, with what other processes recorded since it was read.

        Two processes sharing a cache (two notebooks, the CLI beside a script) each write the
        union of the file on disk and their own records, one at a time, so neither loses the
        other's records nor sees a half-written file.
        """
        from filelock import FileLock

        self._writable()
        with FileLock(self.folder / LOCK):
            on_disk = self._read_registry()
            for key in ("sha256", "url", "entries"):
                self.registry[key] = {**on_disk[key], **self.registry[key]}
            gaps = self.registry["missing"]
            self.registry["missing"] = [*on_disk["missing"], *(m for m in gaps if m not in on_disk["missing"])]
            text = json.dumps(self.registry, indent=1, sort_keys=True) + "\n"
            replace_together([(self.folder / REGISTRY, text.encode("utf-8"))])

    def _writable(self) -> None:
        """Create the cache folder; one that cannot be written is a one-line DataError."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=self.folder, prefix=".probe-"):
                pass
        except OSError as exc:
            why = exc.strerror or type(exc).__name__
            says = f"cannot write to the cache folder ({why}); set {CACHE_ENV} to one that can be"
            problem = Problem(str(self.folder), None, "file", says)
            raise DataError([problem]) from None

    # ---- files
    def cached(self, name: str) -> Path | None:
        """Return the cached file if present and recorded; a changed file is a DataError."""
        path = self.folder / name
        known = self.registry["sha256"].get(name)
        if known is None or not path.exists():
            return None
        if sha256(path) != known:
            raise DataError(
                [
                    Problem(
                        str(path),
                        None,
                        "sha256",
                        "cached file does not match the hash recorded at "
                        f"its first download ({known[:12]}…); delete it to download it again",
                    )
                ]
            )
        return path

    def fetch(
        self, source: str, name: str, *, download: bool, progress: bool = False, remember_gap: bool = True
    ) -> Path | None:
        """Copy one file into the cache as ``name``, unrecorded; None if the source has no such file.

        ``source`` is the file's ``http(s)`` URL, or its local path or
        ``file://`` URL. The caller reads the file, then records it
        (:meth:`record`) or discards it (:meth:`discard`) when it does not
        read. An HTTP 404 is remembered when ``remember_gap``: that URL is not
        asked again.

        Raises
        ------
        FrontlineUnavailableError
            An HTTP source while ``download`` is False, or the request failed.
        vizlib.DataError
            The bytes differ from the hash recorded at the first download.
        """
        local = local_path(source)
        if local is not None and not local.is_file():
            return None
        if local is None:
            if source in self.registry["missing"]:
                return None
            if not download:
                raise unavailable(name, source, self.folder, "downloading is off")
        # an unrecorded leftover is never trusted: the copy replaces it (not deleted first: another
        # process sharing the cache may have just fetched it and be about to record it)
        self._writable()
        handle, tmp_name = tempfile.mkstemp(dir=self.folder, prefix=".part-", suffix=".tmp")
        os.close(handle)
        tmp = Path(tmp_name)
        try:
            if local is not None:
                shutil.copyfile(local, tmp)
            else:
                try:
                    found = http_get(source, tmp, progress)
                except Unreachable as exc:
                    raise unavailable(name, source, self.folder, exc.reason) from None
                if not found:
                    if remember_gap:
                        self.registry["missing"].append(source)
                        self.save()
                    return None
            known = self.registry["sha256"].get(name)
            if known is not None and sha256(tmp) != known:
                raise DataError(
                    [
                        Problem(
                            source,
                            None,
                            "sha256",
                            "download does not match the hash recorded at its "
                            f"first download ({known[:12]}…); not used",
                        )
                    ]
                )
            tmp.replace(self.folder / name)
            return self.folder / name
        finally:
            tmp.unlink(missing_ok=True)

    def record(self, name: str, public_url: str, **entry: Any) -> None:
        """Record a fetched file that reads: its SHA-256, address and (exports) history entry."""
        changed = False
        if name not in self.registry["sha256"]:
            self.registry["sha256"][name] = sha256(self.folder / name)
            changed = True
        if self.registry["url"].get(name) != public_url:
            self.registry["url"][name] = public_url
            changed = True
        if entry and self.registry["entries"].get(name) != entry:
            self.registry["entries"][name] = entry
            changed = True
        if changed:
            self.save()

    def discard(self, name: str) -> None:
        """Delete a fetched file that does not read (never keep it)."""
        (self.folder / name).unlink(missing_ok=True)


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def http_get(url: str, dest: Path, progress: bool) -> bool:
    """Download ``url`` to ``dest`` (pooch's downloader, none of its logging); False on HTTP 404.

    Raises
    ------
    Unreachable
        Any other HTTP status or a connection failure.
    """
    import requests

    downloader = pooch().HTTPDownloader(progressbar=progress, timeout=TIMEOUT_S, headers=HEADERS)
    try:
        downloader(url, str(dest), None)
    except requests.exceptions.HTTPError as exc:
        code = exc.response.status_code if exc.response is not None else None
        if code == 404:
            return False
        raise Unreachable(f"HTTP {code}") from None
    except requests.exceptions.RequestException as exc:
        raise Unreachable(type(exc).__name__) from None
    return True


def get_json(url: str) -> Any:
    """GET a JSON document (DeepStateMap's history list).

    Raises
    ------
    Unreachable
        On a connection failure or an HTTP error.
    vizlib.DataError
        If the answer is not JSON.
    """
    import requests

    try:
        response = requests.get(url, headers=HEADERS, timeout=TIMEOUT_S)
        response.raise_for_status()
    except requests.exceptions.HTTPError as exc:
        code = exc.response.status_code if exc.response is not None else None
        raise Unreachable(f"HTTP {code}") from None
    except requests.exceptions.RequestException as exc:
        raise Unreachable(type(exc).__name__) from None
    try:
        return response.json()
    except ValueError:
        raise DataError([Problem(url, None, "file", "not valid JSON")]) from None


def unavailable(name: str, url: str, folder: Path, reason: str) -> FrontlineUnavailableError:
    """One error line: what could not be had, why, and how to read a file instead."""
    where = f" and no cached copy in {folder}"
    how = "call again with download=True, or download" if reason == "downloading is off" else "download"
    return FrontlineUnavailableError(
        [
            Problem(
                name,
                None,
                "download",
                f"cannot download {url} ({reason}){where}; {how} it by hand and "
                "read it with vizlib.frontline.read_frontline(path)",
            )
        ],
        reason,
    )
