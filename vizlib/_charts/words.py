"""How claims read: the claimant's side, the kind of number, names short and long, the figure itself."""

from __future__ import annotations

import functools
import re
from typing import Any

import pandas as pd

from vizlib import theme
from vizlib._frames import itertuples
from vizlib.i18n import N_, Words

#: Legend words for the claimant's side (several sides: the claimants are named instead).
SIDE_NAMES = {
    "UA": N_("Ukrainian sources"),
    "RU": N_("Russian officials"),
    "US": N_("US officials"),
    "KR": N_("South Korean officials"),
}
#: What kind of number a claim is, as the hover and alt text say it.
BASIS_KEYS = {
    "count": N_("present at the date"),
    "cumulative": N_("moved in since the start"),
    "expected": N_("expected or planned total"),
    "peak": N_("largest value reached"),
}
#: What a bound means, as the hover says it.
BOUND_KEYS = {
    "exact": N_("as given"),
    "about": N_("approximate (about)"),
    "range": N_("a range"),
    "at_least": N_("a lower bound (at least)"),
    "up_to": N_("an upper bound (up to)"),
}
#: Capitals of an acronym (Latin or Cyrillic: NIS, НРС).
_CAPS = "A-ZА-ЯІЇЄҐ"
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
    # in Ukrainian (``claimant_uk``)
    "Держдеп",
    "Генштаб",
    "Міноборони",
    "Служба",
    "Рада",
    "Комітет",
}


def who(claimant: str) -> str:
    """Return the claimant's name without titles in brackets or job description."""
    without_brackets = re.sub(r"\s*\([^)]*\)", "", claimant)
    return without_brackets.split(",")[0].strip() or claimant


@functools.lru_cache(maxsize=1024)
def short_who(claimant: str) -> str:
    """Return a label-sized name: an acronym in brackets, a person's surname, or the body's name."""
    acronym = re.search(rf"\(([{_CAPS}]{{2,6}})\)", claimant)
    if acronym:
        return acronym.group(1)
    name = who(claimant)
    words = name.split()
    acronym_first = len(words) > 1 and re.fullmatch(rf"[{_CAPS}]{{2,6}}", words[0]) and words[1].islower()
    if acronym_first and words[1] not in ("and", "or"):
        return words[0]  # "NIS director Cho Tae-yong" -> "NIS"
    looks_personal = (
        2 <= len(words) <= 4
        and all(w[:1].isupper() for w in words)
        and "-" not in words[-1]
        and not _INSTITUTION_WORDS.intersection(words)
    )
    return words[-1] if looks_personal and not name.isupper() else name


def claimant(row: Any, t: Words) -> str:
    """Return who made a claim, with their role, in the figure's language (``claimant_uk`` in Ukrainian)."""
    return t.field(row, "claimant")


def short_name(row: Any, t: Words) -> str:
    """Return the label-sized name of a claim's claimant in the figure's language (:func:`short_who`)."""
    return short_who(claimant(row, t))


def side_name(side: str, rows: pd.DataFrame, t: Words) -> str:
    """Return the legend words for a side: the side's sources, or, for several sides, who they are."""
    if side == "multi":
        names = dict.fromkeys(who(claimant(r, t)) for r in itertuples(rows[rows["claimant_side"] == "multi"]))
        text = t("{names} (joint)", names=" / ".join(names))
        return text[:1].upper() + text[1:]  # a legend entry (Ukrainian names bodies in lower case)
    return t(SIDE_NAMES[side])


def value(row: Any) -> float:
    """Return the number a claim's mark sits at: the bound it gives, or the top of a range."""
    return row.low if row.bound == "at_least" else row.high


def figure(row: Any, t: Words) -> str:
    """Return a claim's number as printed: ``30,000–45,000``, ``~11,000``, ``10,000+``, ``up to 8,000``.

    A number the publication derived from the claimant's own numbers ends in an
    asterisk; the chart's notes say how it was derived.
    """
    bound = row.bound
    if bound == "range":
        text = t.number_range(row.low, row.high)
    elif bound == "at_least":
        text = t("{n}+", n=t.number(row.low))
    elif bound == "up_to":
        text = t("up to {n}", n=t.number(row.high))
    elif bound == "about":
        text = "~" + t.number(row.high)
    else:
        text = t.number(row.high)
    if row.unit == "km2":
        text += "\u00a0" + t("km²")
    return text + ("*" if row.attribution == "derived" else "")


def side_color(side: str, c: dict[str, str]) -> str:
    """Return the colour of a claimant's side in palette ``c``."""
    return c[theme.SIDE_COLOR_KEYS[side]]
