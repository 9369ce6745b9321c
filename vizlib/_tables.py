"""Tables of rows, from a CSV file or a DataFrame, checked against a row model of :mod:`vizlib.schemas`."""

from __future__ import annotations

import difflib
import math
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeAlias, TypeVar

import pandas as pd
from pydantic import BaseModel, ValidationError

from vizlib._files import DELIMITERS, quote, read_csv
from vizlib._messages import problems_from
from vizlib.errors import DataError, Problem

Row = TypeVar("Row", bound=BaseModel)
#: A table of the user's: a CSV file or a DataFrame.
TableSource: TypeAlias = "str | os.PathLike[str] | pd.DataFrame"
FRAME = "<DataFrame>"  # the file name in messages about a DataFrame


def load_rows(source: TableSource, model: type[Row], key: str | None = "id") -> tuple[str, list[tuple[int, Row]]]:
    """Read and validate a table: every row against ``model``, and ``key`` unique across rows.

    Returns
    -------
    (str, list of (int, model))
        The file name for messages (``<DataFrame>`` for a DataFrame), and each row with its
        line (CSV) or position (DataFrame, from 1).

    Raises
    ------
    vizlib.DataError
        One problem per broken rule: columns, then rows.
    """
    columns = list(model.model_fields)
    if isinstance(source, pd.DataFrame):
        name, records = FRAME, _frame_records(source, columns)
    else:
        name, records = Path(source).name, _csv_records(Path(source), columns)
    problems, rows = [], []
    for line, record in records:
        # padding is never meant, in any field; an empty cell is a missing value
        cleaned = {k: (v.strip() or None) if isinstance(v, str) else v for k, v in record.items()}
        try:
            rows.append((line, model.model_validate(cleaned)))
        except ValidationError as exc:
            problems += problems_from(name, line, exc, "row")
    if key is not None:
        problems += unique(name, [(line, getattr(row, key)) for line, row in rows], key)
    if problems:
        raise DataError(problems)
    return name, rows


def unique(name: str, keyed: Sequence[tuple[int, str]], field: str = "id") -> list[Problem]:
    """Name each repeat of a key, and the row where it first appears."""
    seen: dict[str, int] = {}
    problems = []
    for line, key in keyed:
        if key in seen:
            problems.append(Problem(name, line, field, f"duplicate {quote(key)} (first on row {seen[key]})"))
        else:
            seen[key] = line
    return problems


def to_frame(rows: Sequence[tuple[int, BaseModel]], model: type[BaseModel], dates: tuple[str, ...]) -> pd.DataFrame:
    """Return validated rows as a DataFrame with the model's columns; ``dates`` as datetime64."""
    frame = pd.DataFrame([row.model_dump() for _, row in rows], columns=list(model.model_fields))
    for column in dates:
        frame[column] = pd.to_datetime(frame[column])
    return frame


def _csv_records(path: Path, columns: list[str]) -> list[tuple[int, dict[str, str]]]:
    """Read a CSV file (as spreadsheets write it) with ``columns``; return ``(line, record)`` pairs."""
    table = read_csv(path)
    name, line, header = table.name, table.header_line, table.columns
    missing = [c for c in columns if c not in header]
    extra = [c for c in header if c not in columns]
    problems = table.header_problems()
    if missing and len(header) == 1 and len(columns) > 1:
        problems.append(Problem(name, line, "header", _one_column(header[0])))
    elif missing:
        guesses = [g for c in missing for g in difflib.get_close_matches(c, extra, n=1)]
        hint = f" ({', '.join(map(quote, guesses))} is there: names are exact)" if guesses else ""
        problems.append(Problem(name, line, ",".join(missing), f"missing column{hint}"))
        extra = [c for c in extra if c not in guesses]
    if extra and not (missing and len(header) == 1):
        problems += [Problem(name, line, "header", f"unknown column {quote(c)}") for c in extra]
    if problems:
        raise DataError(problems)
    return table.records()


def _one_column(header: str) -> str:
    used = next((d for d in DELIMITERS if d in header), ";")
    sep = "sep= and a tab" if used == "\t" else f"sep={used}"
    return f"{quote(header)} is one column: the delimiter must be a comma, or the first line must say {sep}"


_UNNAMED = re.compile(r"(Unnamed: \d+)?")  # pandas' name for a column with an empty header


def _frame_records(frame: pd.DataFrame, columns: list[str]) -> list[tuple[int, dict[str, Any]]]:
    problems = []
    for position, column in enumerate(frame.columns, start=1):
        if isinstance(column, str) and _UNNAMED.fullmatch(column.strip()):
            held = frame[column].map(_from_pandas).map(lambda v: None if isinstance(v, str) and not v.strip() else v)
            if held.notna().any():
                value = held[held.notna()].iloc[0]
                message = f"column {position} has no name, but holds {quote(value)}"
                problems.append(Problem(FRAME, None, "header", message))
            frame = frame.drop(columns=column)
    missing = [c for c in columns if c not in frame.columns]
    extra = [c for c in frame.columns if c not in columns]
    if missing:
        problems.append(Problem(FRAME, None, ",".join(missing), "missing column"))
    problems += [Problem(FRAME, None, "header", f"unknown column {quote(c)}") for c in extra]
    if problems:
        raise DataError(problems)
    if frame.empty:
        raise DataError([Problem(FRAME, None, "file", "no data rows")])
    records = frame[columns].to_dict("records")
    return [(n, {str(k): _from_pandas(v) for k, v in record.items()}) for n, record in enumerate(records, start=1)]


def _from_pandas(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value
