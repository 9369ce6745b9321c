"""Safe writes: a batch of files (a figure's exports, a cache's records) appears together, whole, or not at all.

Each file is first written to a hidden temporary sibling (``.<name>.<random>.tmp``),
then all are renamed into place, the last file last (a figure's manifest: its
commit marker). A failure before the renames removes the temporary files; Ctrl-C
or SIGTERM during the renames waits until they are done. A hard kill (SIGKILL,
power loss) can leave hidden ``.tmp`` files and, if it lands in the microseconds
between the first and the last rename, files whose manifest is not yet in place;
never a partial file under a final name.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

#: Published files are world-readable unless the umask says otherwise.
FILE_MODE = 0o666


def replace_together(files: list[tuple[Path, bytes]]) -> None:
    """Write each file to a temporary sibling first, then rename them all into place."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in files:
            staged.append((stage(path, data), path))
        with signals_deferred():
            for tmp, path in staged:
                os.replace(tmp, path)
    except BaseException:
        for tmp, _ in staged:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        raise


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM until the block ends, then deliver them to their own handlers.

    Python runs signal handlers in the main thread only, so elsewhere nothing can
    interrupt the block and nothing is changed. Nor where a handler was installed
    outside Python, which could not be put back.
    """
    wanted = (signal.SIGINT, signal.SIGTERM)
    if threading.current_thread() is not threading.main_thread() or None in map(signal.getsignal, wanted):
        yield
        return
    held: list[int] = []
    previous = {sig: signal.signal(sig, lambda signum, frame: held.append(signum)) for sig in wanted}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for signum in held:
            signal.raise_signal(signum)


def stage(path: Path, data: bytes) -> str:
    """Write ``data`` to a hidden temporary file beside ``path`` and return its name."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, FILE_MODE & ~current_umask())  # mkstemp makes 0600
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp


def current_umask() -> int:
    """Return the process umask without changing it, even for a moment.

    ``os.umask`` can only be read by setting it, which would briefly change the
    mode of files that other threads create. Linux reports it in
    /proc/self/status; elsewhere the umask read once at import is used.
    """
    mask = _proc_umask()
    return _UMASK_AT_IMPORT if mask is None else mask


def _proc_umask() -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            found = re.search(r"^Umask:\s*([0-7]+)$", status.read(), re.MULTILINE)
    except OSError:
        return None
    return int(found.group(1), 8) if found else None


def _umask_by_setting_it() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# Only where /proc cannot tell: read at import, before any export thread runs.
_UMASK_AT_IMPORT = 0o022 if _proc_umask() is not None else _umask_by_setting_it()
