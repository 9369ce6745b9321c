"""Reading data files: text, CSV and GeoJSON, with faults as one-line DataErrors."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
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
    if not isinstance(features, list):
        raise DataError([Problem(name, None, "features", f"{quote(features)} is not a list of features")])
    if not features:
        raise DataError([Problem(name, None, "features", "no features")])
    return features


# --------------------------------------------------------------------------- CSV

#: Delimiters a ``sep=`` first line may name (Excel writes one when asked to), with their names.
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}
_SEP_LINE = re.compile(r'"?sep=(.)"?(?:\1)*[ \r]*', re.IGNORECASE)
_SHOWN = 40  # characters of a long value quoted in a message


@dataclass(frozen=True)
class Table:
    """A CSV file as a spreadsheet writes it: its header and rows, cells stripped.

    Attributes
    ----------
    name : str
        File name, for messages.
    header_line : int
        Line of the header (2 after a ``sep=`` line).
    header : list of str
        Column names as written, stripped; a column with no name is ``""``.
    body : list of (int, list of str)
        The line where each data row starts, and its cells (blank rows left out).
    """

    name: str
    header_line: int
    header: list[str]
    body: list[tuple[int, list[str]]]

    @property
    def columns(self) -> list[str]:
        """The named columns, in order."""
        return [h for h in self.header if h]

    def header_problems(self) -> list[Problem]:
        """Columns with no name that hold values, and duplicate names."""
        problems: list[Problem] = []
        seen: dict[str, int] = {}
        for index, column in enumerate(self.header):
            if column and column in seen:
                message = f"duplicate column {quote(column)} (columns {seen[column] + 1} and {index + 1})"
                problems.append(Problem(self.name, self.header_line, "header", message))
            seen.setdefault(column, index)
            held = None if column else next(((n, c[index]) for n, c in self.body if index < len(c) and c[index]), None)
            if held:
                trailing = " (trailing comma?)" if not any(self.header[index:]) else ""
                message = f"column {index + 1} has no name{trailing}, but holds {quote(held[1])} on line {held[0]}"
                problems.append(Problem(self.name, self.header_line, "header", message))
        return problems

    def records(self) -> list[tuple[int, dict[str, str]]]:
        """Return ``(line, {column: cell})`` per data row, columns with no name left out.

        Raises
        ------
        vizlib.DataError
            For a row with more or fewer fields than the header, or no rows at all.
        """
        width, problems, records = len(self.header), [], []
        for line, cells in self.body:
            # Fewer trailing commas than the header is plain; more is not (it may be a comma
            # inside an unquoted value, with an empty last column), so a wider row is refused.
            if len(cells) < width and not any(self.header[len(cells) :]):
                cells = cells + [""] * (width - len(cells))
            if len(cells) != width:
                problems.append(Problem(self.name, line, "row", _width_message(cells, self.header)))
                continue
            records.append((line, {h: c for h, c in zip(self.header, cells) if h}))
        if problems:
            raise DataError(problems)
        if not records:
            raise DataError([Problem(self.name, None, "file", "header only: no data rows")])
        return records


def quote(value: Any) -> str:
    """Quote a value for a message: its repr, cut to about 40 characters."""
    if isinstance(value, str) and len(value) > _SHOWN:
        return repr(value[: _SHOWN - 1] + "…")
    text = repr(value)
    return text if len(text) <= _SHOWN + 2 else text[: _SHOWN - 1] + "…"


def read_csv(path: Path) -> Table:
    """Read a CSV file as spreadsheets write it.

    Understood: an Excel ``sep=`` first line (then that delimiter), cells
    padded with spaces (stripped), blank lines, and empty columns with no
    name (trailing commas; see :meth:`Table.header_problems` and
    :meth:`Table.records` for the rest). A quote left open is refused here.

    Raises
    ------
    vizlib.DataError
        Naming the file, the line and the offending text.
    """
    name = path.name
    text = read_text(path)
    first, _, rest = text.partition("\n")
    delimiter, offset = ",", 0
    sep = _SEP_LINE.fullmatch(first)
    if sep:
        delimiter, text, offset = sep.group(1), rest, 1
        if delimiter not in DELIMITERS:
            names = ", ".join(f"{d!r} ({n})" for d, n in DELIMITERS.items())
            message = f"{quote(first.strip())} names a delimiter vizlib does not read; use {names}"
            raise DataError([Problem(name, 1, "file", message)])
    rows = [(line, [cell.strip() for cell in cells]) for line, cells in _parse(name, text, delimiter, offset)]
    rows = [(line, cells) for line, cells in rows if any(cells)]
    if not rows:
        raise DataError([Problem(name, None, "file", "file is empty")])
    (header_line, header), body = rows[0], rows[1:]
    return Table(name, header_line, header, body)


def _parse(name: str, text: str, delimiter: str, offset: int) -> list[tuple[int, list[str]]]:
    """Parse strictly; return each row with the line it starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[str]]] = []
    start, lines = 1, text.splitlines()
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return rows
        except csv.Error as exc:
            begins = lines[start - 1] if start <= len(lines) else ""
            fault = "a quoted value is never closed" if "unexpected end of data" in str(exc) else str(exc)
            message = f'malformed CSV: {fault} (the row begins {quote(begins)}); a " inside a value is written ""'
            raise DataError([Problem(name, start + offset, "file", message)]) from None
        rows.append((start + offset, row))
        start = reader.line_num + 1


def _width_message(cells: list[str], header: list[str]) -> str:
    message = f"has {len(cells)} fields, expected {len(header)}"
    if len(cells) > len(header):
        return (
            f"{message}: {quote(cells[len(header)])} is beyond the last column ({header[-1]}); "
            "a value with a comma in it needs double quotes"
        )
    last = header[len(cells) - 1] if cells else header[0]
    return f"{message}: the row ends at {last} ({quote(cells[-1] if cells else '')})"


def csv_header(text: str) -> list[str]:
    """Return the column names of CSV text, after any ``sep=`` line; empty names left out."""
    first, _, rest = text.partition("\n")
    sep = _SEP_LINE.fullmatch(first)
    delimiter = sep.group(1) if sep and sep.group(1) in DELIMITERS else ","
    body = rest if sep else text
    for row in csv.reader(io.StringIO(body, newline=""), delimiter=delimiter):
        names = [cell.strip() for cell in row if cell.strip()]
        if names:
            return names
    return []
