"""Plain words for pydantic's validation errors: one Problem each, the offending value quoted in front."""

from __future__ import annotations

import re

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from vizlib._files import quote
from vizlib.errors import Problem

#: Plain words for the patterns of :mod:`vizlib.schemas`.
PATTERN_WORDS = {
    r"^[a-z0-9][a-z0-9_]*$": "a lowercase id (letters a-z, digits and _)",
    r"^[A-Z]{2}$": "a two-letter country code such as UA",
    r"^[A-Z]{2}-[A-Z0-9]{1,3}$": "an ISO 3166-2 code such as UA-14",
    r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$": "an ISO 3166 code such as UA or UA-14",
}
_BOUNDS = {
    "greater_than": "greater than {gt}",
    "greater_than_equal": "greater than or equal to {ge}",
    "less_than": "less than {lt}",
    "less_than_equal": "less than or equal to {le}",
}
_NOUNS = {"int": "a whole number", "float": "a number", "bool": "true or false", "string": "text", "date": "a date"}


def problems_from(name: str, row: int, exc: ValidationError, fallback: str) -> list[Problem]:
    """Turn pydantic's errors about one row (or feature) into one Problem each.

    Parameters
    ----------
    name : str
        File name for the messages.
    row : int
        CSV line or GeoJSON feature number.
    exc : pydantic.ValidationError
        The errors of one ``model_validate`` call.
    fallback : str
        The field named when an error has no location (a rule about the whole row).
    """
    return [
        Problem(name, row, ".".join(str(p) for p in err["loc"]) or fallback, message(err))
        for err in exc.errors(include_url=False)
    ]


def message(err: ErrorDetails) -> str:
    """Say what is wrong with one value, quoting it first: ``'guess' is not one of count, ...``."""
    kind, value, ctx = err["type"], err.get("input"), err.get("ctx") or {}
    if kind == "missing" or value is None or value == "":
        return "required, but empty" if kind == "missing" or kind.endswith("_type") else _predicate(err["msg"])
    shown = quote(value)
    if kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", ctx.get("expected", "")) or [ctx.get("expected", "")]
        return f"{shown} is not one of {', '.join(allowed)}"
    if kind in _BOUNDS:
        bound = {k: int(v) if isinstance(v, float) and v.is_integer() else v for k, v in ctx.items()}
        return f"{shown} must be {_BOUNDS[kind].format(**bound)}"
    if kind == "string_too_long":
        return f"{shown} ({len(value)} characters) is longer than {ctx['max_length']} characters"
    if kind == "string_too_short":
        return f"{shown} is shorter than {ctx['min_length']} characters"
    if kind == "string_pattern_mismatch":
        words = PATTERN_WORDS.get(ctx["pattern"], f"in the form {ctx['pattern']}")
        return f"{shown} is not {words}"
    if kind == "finite_number":
        return f"{shown} is not a finite number"
    if kind in ("int_parsing", "int_from_float"):
        return f"{shown} is not a whole number"
    if kind == "float_parsing":
        return f"{shown} is not a number (write it with a decimal point and no thousands separators)"
    if kind.startswith("date_"):
        return f"{shown} is not a date in YYYY-MM-DD form"
    if kind == "bool_parsing":
        return f"{shown} is not true or false"
    if kind == "extra_forbidden":
        return f"unknown property, holding {shown}"  # CSV columns are checked before
    if kind.endswith("_type"):
        return f"{shown} is not {_NOUNS.get(kind.removesuffix('_type'), kind.removesuffix('_type'))}"
    said = _predicate(err["msg"])
    if kind in ("value_error", "assertion_error") and not isinstance(value, dict) and shown not in said:
        return f"{shown} {said}"  # a rule's message is a predicate on the value (see vizlib.schemas)
    return said if shown in said or isinstance(value, dict) else f"{shown}: {said}"


def _predicate(msg: str) -> str:
    return msg.removeprefix("Value error, ").removeprefix("Assertion failed, ")
