"""Where the bundled data files are, installed or in a source checkout."""

from __future__ import annotations

from pathlib import Path
from typing import Any

_HERE = Path(__file__).resolve().parent


def data_dir() -> Path:
    """Return the folder holding the bundled data files.

    A wheel carries them as ``vizlib/_data``; a source checkout (or an
    editable install) reads the repository's ``data/`` folder.
    """
    bundled = _HERE / "_data"
    if bundled.is_dir():
        return bundled
    return _HERE.parent / "data"


def data_file(name: str) -> Path:
    """Return the path of one bundled data file, e.g. ``"claims.csv"``."""
    return data_dir() / name


def pooch() -> Any:
    """Import pooch, whose import of ``tqdm.auto`` warns in a Jupyter kernel without ipywidgets (its bars are plain)."""
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="IProgress not found")
        import pooch as module
    return module


def user_cache() -> Path:
    """Return vizlib's per-user cache folder (pooch's ``os_cache("vizlib")``)."""
    return Path(pooch().os_cache("vizlib"))
