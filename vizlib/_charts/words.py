"""How claims read: the claimant's side, the kind of number, names short and long, the figure itself."""

from __future__ import annotations

import re
from typing import Any

from vizlib import fmt, theme

SIDE_NAMES = {
    "UA": "Ukrainian sources",
    "RU": "Russian officials",
    "US": "US officials",
    "KR": "South Korean officials",
    "multi": "Sources on several sides",
}
BASIS_KEYS = {
    "count": "present at the date",
    "cumulative": "moved in since the start",
    "expected": "expected or planned total",
    "peak": "largest value reached",
}
_INSTITUTION_WORDS = {
    "Department",
    "Service",
    "Staff",
    "Chiefs",
    "Council",
    "Ministry",
    "Agency",
    "Office",
    "Forces",
    "Command",
}


def who(claimant: str) -> str:
    """Return the claimant's name without titles in brackets or job description."""
    without_brackets = re.sub(r"\s*\([^)]*\)", "", claimant)
    return without_brackets.split(",")[0].strip() or claimant


def short_who(claimant: str) -> str:
    """Return a label-sized name: an acronym in brackets, a person's surname, or the body's name."""
    acronym = re.search(r"\(([A-Z]{2,6})\)", claimant)
    if acronym:
        return acronym.group(1)
    name = who(claimant)
    words = name.split()
    if (
        len(words) > 1
        and re.fullmatch(r"[A-Z]{2,6}", words[0])
        and words[1].islower()
        and words[1] not in ("and", "or")
    ):
        return words[0]  # "NIS director Cho Tae-yong" -> "NIS"
    looks_personal = (
        2 <= len(words) <= 4
        and all(w[:1].isupper() for w in words)
        and "-" not in words[-1]
        and not _INSTITUTION_WORDS.intersection(words)
    )
    return words[-1] if looks_personal and not name.isupper() else name


def figure(row: Any) -> str:
    """Return a claim's number as printed: ``11,000``, ``30,000–45,000``, ``1,294 km²``."""
    number = fmt.count_range(row.low, row.high)
    return f"{number} km²" if row.unit == "km2" else number


def side_color(side: str, c: dict[str, str]) -> str:
    """Return the colour of a claimant's side in palette ``c``."""
    return c[theme.SIDE_COLOR_KEYS[side]]
