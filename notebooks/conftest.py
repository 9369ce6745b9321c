"""pytest runs each notebook once, with nbval (``--nbval`` in pyproject), and that run is offline.

nbval compares the outputs strictly; the sanitize rules beside this file
(nbval-sanitize.cfg, with the reason for each) are handed to it here.

(``__init__.py`` beside it has pytest import this file as ``notebooks.conftest``:
the test modules import tests/conftest.py as ``conftest``, and a second module
of that name would replace it.)

Where network namespaces work (root, or unprivileged user namespaces), nbval's
kernel starts in one of its own (``unshare -n``) that has a loopback interface
and nothing else, so the kernel and every process it starts (the Chromium that
draws the figures' images, the one notebook 05 exports with) cannot reach the
network. The kernel talks to nbval over Unix sockets (Jupyter's ``ipc``
transport), which a network namespace does not cut. tests/test_offline.py
checks that a kernel started this way really is cut off.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from jupyter_client.manager import KernelManager

SANITIZE = Path(__file__).with_name("nbval-sanitize.cfg")
#: Bring loopback up in the new namespace, then run the kernel command in place (same process, same pid).
OFFLINE = ["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$@"', "offline"]


def namespace_works() -> bool:
    """Whether this machine lets us create a network namespace (``unshare -n``)."""
    if not shutil.which("unshare") or not shutil.which("ip"):
        return False
    try:
        return subprocess.run([*OFFLINE, "true"], capture_output=True, timeout=10).returncode == 0
    except OSError:
        return False


class OfflineKernelManager(KernelManager):
    """A kernel in a loopback-only network namespace, reached over Unix sockets."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._sockets = tempfile.mkdtemp(prefix="vizlib-kernel-")
        self.transport = "ipc"
        self.ip = str(Path(self._sockets) / "kernel")  # absolute: nbval starts the kernel in the notebook's folder

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        """Return the kernel spec's command, run inside a new network namespace."""
        return [*OFFLINE, *super().format_kernel_cmd(extra_arguments)]

    def cleanup_resources(self, restart: bool = False) -> None:
        """Remove the connection file and sockets (and their folder, unless restarting)."""
        super().cleanup_resources(restart=restart)
        if not restart:
            shutil.rmtree(self._sockets, ignore_errors=True)


def pytest_configure(config: Any) -> None:
    """Give nbval the sanitize rules, and the offline kernel manager when the machine allows it."""
    if not config.pluginmanager.hasplugin("nbval"):
        return
    if getattr(config.option, "nbval_sanitize_with", None) is None:
        config.option.nbval_sanitize_with = str(SANITIZE)
    if namespace_works():
        import nbval.kernel

        nbval.kernel.KernelManager = OfflineKernelManager


#: Cells tagged so draw DeepStateMap's layers, which vizlib may not redistribute: nbval checks
#: their stored outputs strictly where the layers can be had without a download (a cache or a
#: mirror folder: ``make test`` points at the one beside the checkout), and runs them unchecked
#: elsewhere, where they say that the front line is not drawn.
FRONTLINE_TAG = "frontline"


def frontline_layers_available() -> bool:
    """Tell whether the notebooks' layers can be read without the network.

    The daily archive from 11 Nov 2024 (the Donetsk notebook) and a full export within two weeks of the
    story's date (the theatre and Kursk maps: only an export has the Ukrainian-held area in Kursk oblast).
    """
    from vizlib import data, frontline

    return (
        frontline.for_date("2024-11-11", kind="archive", download=False).layer is not None
        and frontline.for_date(data.DEFAULT_AS_OF, kind="export", download=False).layer is not None
    )


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """Check the frontline cells' outputs only where their layers are there to draw."""
    tagged = [item for item in items if FRONTLINE_TAG in getattr(item, "cell", {}).get("metadata", {}).get("tags", [])]
    if not tagged or frontline_layers_available():
        return
    for item in tagged:
        item.options["check"] = False
        item.add_marker("frontline_unchecked")
