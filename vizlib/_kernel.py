"""In a Jupyter kernel, hand figure display to :mod:`vizlib.notebook` as soon as figures are coming.

``import vizlib`` must stay cheap (no plotly, no pandas), so it only calls
:func:`install`. vizlib's renderer is activated (and its browser started in
the background) right after the first of these modules loads: vizlib's figure
metadata (the builders are being imported) or plotly's renderers (a figure is
being shown, or the user reaches for ``pio.renderers``), so before any user
code can read or set the default. At once if one of them already has.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
from types import ModuleType
from typing import Any

#: Modules whose loading means figures are coming: vizlib's builders need the first, showing a figure the second
#: (which is also where plotly chooses its default renderer).
TRIGGERS = ("vizlib.meta", "plotly.io._renderers")


def in_kernel() -> bool:
    """Whether this process is a Jupyter (ipykernel) kernel; never imports IPython itself."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return type(shell).__name__ == "ZMQInteractiveShell" and type(shell).__module__.startswith("ipykernel.")


def install() -> None:
    """Activate vizlib's notebook renderer now, or as soon as a trigger module loads."""
    if any(name in sys.modules for name in TRIGGERS):
        _activate()
    elif not any(isinstance(finder, _AfterImport) for finder in sys.meta_path):
        sys.meta_path.insert(0, _AfterImport())


def _activate() -> None:
    try:
        notebook = importlib.import_module("vizlib.notebook")
        if notebook.activate():
            notebook.warm_up()
    except Exception as exc:  # noqa: BLE001 - plotly's own renderer still works
        import warnings

        warnings.warn(f"vizlib: notebook renderer not activated ({type(exc).__name__}: {exc})", stacklevel=2)


class _AfterImport(importlib.abc.MetaPathFinder):
    """Finds nothing itself: wraps the loader of the first trigger module to activate vizlib's renderer after it."""

    def find_spec(self, fullname: str, path: Any, target: ModuleType | None = None) -> Any:
        if fullname not in TRIGGERS:
            return None
        sys.meta_path.remove(self)  # once; and the lookup below must not find this finder again
        spec = importlib.util.find_spec(fullname)
        if spec is not None and spec.loader is not None:
            spec.loader = _ThenActivate(spec.loader)
        return spec


class _ThenActivate(importlib.abc.Loader):
    """A loader that runs the real one, then activates vizlib's renderer."""

    def __init__(self, loader: Any) -> None:
        self._loader = loader

    def create_module(self, spec: Any) -> ModuleType | None:
        return self._loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self._loader.exec_module(module)
        _activate()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._loader, name)
