"""vizlib: sourced, offline maps and charts of the autumn-2024 war in Ukraine.

Submodules load on first use so that ``import vizlib`` stays cheap and
touches no network::

    import vizlib
    fig = vizlib.maps.kursk()          # a plotly Figure
    vizlib.export.save(fig, "out/")    # PNG, SVG, HTML + sidecars
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from vizlib.errors import DataError, ExportError, StaleDataWarning

try:
    __version__ = version("vizlib")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0+unknown"

_SUBMODULES = ("charts", "data", "export", "fmt", "maps", "meta", "theme", "frontline", "registry")

__all__ = ["DataError", "ExportError", "StaleDataWarning", "__version__", *_SUBMODULES]


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"vizlib.{name}")
    raise AttributeError(f"module 'vizlib' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
