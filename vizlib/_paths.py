"""Where the bundled data files are, installed or in a source checkout."""

from __future__ import annotations

from pathlib import Path

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
