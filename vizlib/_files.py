"""Reading data files: text and GeoJSON, with faults as one-line DataErrors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from vizlib.errors import DataError, Problem


def read_text(path: Path) -> str:
    """Read a UTF-8 data file; any fault is a one-line DataError naming the file."""
    name = path.name
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataError([Problem(str(path), None, "file", "no such file")]) from None
    except OSError as exc:
        raise DataError([Problem(str(path), None, "file", f"cannot read: {exc.strerror}")]) from None
    if not raw.strip():
        raise DataError([Problem(name, None, "file", "file is empty")])
    if raw.startswith(b"\xef\xbb\xbf"):
        raise DataError([Problem(name, 1, "file", "starts with a byte-order mark; save as UTF-8 without BOM")])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError([Problem(name, line, "file", f"not UTF-8 (byte 0x{raw[exc.start]:02x})")]) from None


def read_json(path: Path) -> Any:
    """Read and parse a JSON file; malformed JSON names the line."""
    try:
        return json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise DataError([Problem(path.name, exc.lineno, "file", f"not valid JSON: {exc.msg}")]) from None


def feature_list(name: str, collection: Any) -> list[Any]:
    """Return the features of a GeoJSON FeatureCollection, or raise DataError."""
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        kind = collection.get("type") if isinstance(collection, dict) else type(collection).__name__
        raise DataError([Problem(name, None, "type", f"must be a FeatureCollection, not {kind}")])
    features = collection.get("features")
    if not isinstance(features, list) or not features:
        raise DataError([Problem(name, None, "features", "no features")])
    return features
