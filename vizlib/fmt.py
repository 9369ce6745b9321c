"""How numbers and dates read in vizlib's figures (newsroom style)."""

from __future__ import annotations

import datetime as dt
from typing import Any

__all__ = ["date", "count", "count_range", "short", "iso"]


def date(value: Any) -> str:
    """Format a date unambiguously: ``11 Nov 2024``."""
    d = value.date() if hasattr(value, "date") and callable(value.date) else value
    return f"{d.day} {d:%b %Y}"


def count(value: float) -> str:
    """Format a count with thousands separators: ``11,000``."""
    return f"{int(round(value)):,}"


def count_range(low: float, high: float) -> str:
    """Format a claim's range: ``30,000–45,000``, or one number when equal."""
    return count(low) if low == high else f"{count(low)}–{count(high)}"


def short(value: float) -> str:
    """Format a count compactly for axes: ``50k``, ``7.5k``, ``800``."""
    if abs(value) >= 1000:
        return f"{value / 1000:.1f}".rstrip("0").rstrip(".") + "k"
    return count(value)


def iso(value: Any) -> str:
    """Format a date as ISO ``YYYY-MM-DD`` for manifests and CSV."""
    d = value.date() if isinstance(value, dt.datetime) or hasattr(value, "to_pydatetime") else value
    return d.isoformat()
