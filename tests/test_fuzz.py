"""Hypothesis mutates valid data files: every outcome is valid data or DataError.

Every DataError line names the file, and every message about one field of one
row quotes the value written there. Spreadsheet forms that vizlib reads (padding,
trailing commas, ``sep=`` lines, blank lines, CRLF) load exactly as the plain file;
those it refuses (thousands separators, slashed dates, decimal commas) are
refused with the value quoted.

Runs are derandomised (the same cases every run; see ``conftest.pytest_configure``).
To explore: ``pytest tests/test_fuzz.py --hypothesis-seed=N`` or ``VIZLIB_FUZZ_SEED=N``.
The number of cases run is printed in pytest's terminal summary.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re

import pandas as pd
from conftest import DATA
from hypothesis import given, seed, settings
from hypothesis import strategies as st

from vizlib import data, schemas
from vizlib._files import quote, read_csv
from vizlib.errors import DataError

FUZZ_COUNTS: dict[str, int] = {}
LINE = re.compile(r"^[^:\s]+(:\d+)?: [^:]+: .+$")
SEED = os.environ.get("VIZLIB_FUZZ_SEED")


def fuzz(examples: int):
    """Settings of one fuzz test: the profile's (derandomised), or the seed of VIZLIB_FUZZ_SEED."""

    def decorate(test):
        test = settings(max_examples=examples)(test)
        return seed(int(SEED))(test) if SEED else test

    return decorate


CSV_KINDS = {
    kind: (DATA / f"{kind}.csv").read_bytes() for kind in ("claims", "events", "places", "settlements", "control")
}
# Two neighbouring oblasts keep the GeoJSON cases small and fast.
_REGIONS = json.loads((DATA / "regions.geojson").read_text())
_REGIONS["features"] = [f for f in _REGIONS["features"] if f["properties"]["iso_3166_2"] in ("UA-14", "UA-09")]
REGIONS = json.dumps(_REGIONS).encode()


def _typed_columns(kind: str, wanted: type) -> list[str]:
    model = schemas.CSV_KINDS[kind]
    return [name for name, field in model.model_fields.items() if schemas._plain_type(field.annotation) is wanted]


@st.composite
def byte_mutations(draw, original: bytes) -> bytes:
    """Delete, insert, replace or duplicate a few byte spans, or truncate."""
    content = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, len(content)))
        action = draw(st.sampled_from(["delete", "insert", "replace", "truncate", "duplicate"]))
        span = draw(st.integers(1, 40))
        if action == "delete":
            del content[position : position + span]
        elif action == "insert":
            content[position:position] = draw(st.binary(min_size=1, max_size=span))
        elif action == "replace":
            content[position : position + span] = draw(
                st.sampled_from([b",", b'"', b"\n", b"-1", b"NaN", b"", b"\xff", b"9" * 12, b"2024-13-45", b"<script>"])
            )
        elif action == "truncate":
            del content[position:]
        else:
            content[position:position] = content[position : position + span]
    return bytes(content)


@st.composite
def cell_mutations(draw, original: bytes) -> bytes:
    """Replace whole CSV cells with hostile or odd values."""
    lines = original.decode().split("\n")
    for _ in range(draw(st.integers(1, 3))):
        row = draw(st.integers(0, len(lines) - 2))
        cells = lines[row].split(",")
        column = draw(st.integers(0, len(cells) - 1))
        cells[column] = draw(
            st.one_of(
                st.text(max_size=30).map(lambda t: t.replace("\n", " ")),
                st.sampled_from(["", "-0", "1e309", "nan", "inf", "2024-02-30", "99999999999999999999", "true", "null"]),
                st.sampled_from([" count ", "11,000", "11 000", "11.000", "11/11/2024", "03/04/2024", "48,28", "sep=;"]),
                st.integers().map(str),
                st.floats(allow_nan=True).map(str),
            )
        )
        lines[row] = ",".join(cells)
    return "\n".join(lines).encode()


def _rows(original: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(original.decode(), newline="")))


def _write(rows: list[list[str]], delimiter: str, newline: str) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator=newline).writerows(rows)
    return out.getvalue()


@st.composite
def spreadsheet_forms(draw, original: bytes) -> bytes:
    """Write the same table as a spreadsheet might: every change is one vizlib reads."""
    rows = _rows(original)
    pad = st.sampled_from(["", " ", "  ", "\u00a0"])
    if draw(st.booleans()):
        rows = [[draw(pad) + cell + draw(pad) for cell in row] for row in rows]
    trailing = draw(st.integers(0, 3))
    if trailing:  # the header has them all; rows as many or fewer
        rows = [rows[0] + [""] * trailing] + [r + [""] * draw(st.integers(0, trailing)) for r in rows[1:]]
    for _ in range(draw(st.integers(0, 2))):  # blank lines, or lines of delimiters only
        rows.insert(draw(st.integers(1, len(rows))), [""] * draw(st.integers(0, 3)))
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    sep = f"sep={delimiter}{newline}" if delimiter != "," or draw(st.booleans()) else ""
    return (sep + _write(rows, delimiter, newline)).encode()


def _dmy(date: str, slash: str) -> str:
    day = dt.date.fromisoformat(date)
    return f"{day.day:02d}{slash}{day.month:02d}{slash}{day.year}"


@st.composite
def spreadsheet_refusals(draw, kind: str) -> tuple[bytes, str, str]:
    """Rewrite one typed cell in a form vizlib refuses; return the file, the field and the cell."""
    rows = _rows(CSV_KINDS[kind])
    header = rows[0]
    forms = {
        int: lambda v: f"{int(v):,}".replace(",", draw(st.sampled_from([",", " ", "\u00a0"]))),
        dt.date: lambda v: _dmy(v, draw(st.sampled_from(["/", "."]))),
        float: lambda v: v.replace(".", ","),
    }
    candidates = [
        (i, column, wanted)
        for wanted in forms
        for column in _typed_columns(kind, wanted)
        for i, row in enumerate(rows[1:], start=1)
        if (wanted is not int or int(row[header.index(column)] or 0) >= 1000)
        and (wanted is not float or "." in row[header.index(column)])
        and row[header.index(column)]
    ]
    i, column, wanted = draw(st.sampled_from(candidates))
    cell = forms[wanted](rows[i][header.index(column)])
    rows[i][header.index(column)] = cell
    return _write(rows, ",", "\n").encode(), column, cell


@st.composite
def json_mutations(draw, original: bytes) -> bytes:
    """Change values inside the GeoJSON structure, keeping it JSON."""
    collection = json.loads(original)
    feature = draw(st.sampled_from(collection["features"]))
    target = draw(st.sampled_from(["property", "coordinate", "geometry_type", "drop_key", "ring"]))
    odd = st.one_of(st.none(), st.integers(), st.floats(allow_nan=False), st.text(max_size=10), st.lists(st.integers(), max_size=3))
    if target == "property":
        key = draw(st.sampled_from(sorted(feature["properties"])))
        feature["properties"][key] = draw(odd)
    elif target == "coordinate":
        ring = feature["geometry"]["coordinates"][0]
        ring = ring[0] if feature["geometry"]["type"] == "MultiPolygon" else ring
        index = draw(st.integers(0, len(ring) - 1))
        ring[index] = [draw(st.floats(-1e7, 1e7, allow_nan=False)), draw(st.floats(-1e3, 1e3, allow_nan=False))]
    elif target == "geometry_type":
        feature["geometry"]["type"] = draw(st.sampled_from(["Point", "LineString", "Polygon", "MultiPolygon", "Nope"]))
    elif target == "drop_key":
        feature.pop(draw(st.sampled_from(["geometry", "properties", "type"])))
    else:
        feature["geometry"]["coordinates"] = draw(st.one_of(st.just([]), st.just([[]]), st.just([[[1, 2]]]), odd))
    return json.dumps(collection).encode()


def _written(path, kind: str) -> dict[int, dict]:
    """The value written in each field of each row (CSV line or GeoJSON feature number)."""
    if path.suffix == ".geojson":
        features = json.loads(path.read_text())["features"]
        return {n: (f.get("properties") or {}) for n, f in enumerate(features, start=1) if isinstance(f, dict)}
    table = read_csv(path)
    return {line: dict(zip(table.header, cells)) for line, cells in table.body}


def _load(kind: str, path):
    return data.control_changes(path) if kind == "control" else getattr(data, kind)(path)


def _check(kind: str, content: bytes, tmp_path, suffix: str) -> DataError | None:
    """Load the file; on DataError, check its lines name the file and quote every field's value."""
    FUZZ_COUNTS[kind] = FUZZ_COUNTS.get(kind, 0) + 1
    path = tmp_path / f"{kind}{suffix}"
    path.write_bytes(content)
    try:
        _load(kind, path)
    except DataError as exc:
        FUZZ_COUNTS["rejected"] = FUZZ_COUNTS.get("rejected", 0) + 1
        for line in str(exc).splitlines():
            assert LINE.match(line) and line.startswith(path.name), line
        fields = (schemas.CSV_KINDS | schemas.GEOJSON_KINDS)[kind].model_fields
        field_problems = [p for p in exc.problems if p.row is not None and p.field in fields]
        if field_problems:
            written = _written(path, kind)
            for problem in (p for p in field_problems if p.row in written):  # not the header's
                value = written[problem.row].get(problem.field)
                value = value.strip() if isinstance(value, str) and suffix == ".csv" else value  # cells are stripped
                if value not in (None, ""):
                    assert quote(value) in problem.message, (str(problem), value)
                    FUZZ_COUNTS["quoted"] = FUZZ_COUNTS.get("quoted", 0) + 1
        return exc
    return None


@fuzz(300)
@given(st.sampled_from(sorted(CSV_KINDS)).flatmap(lambda k: st.tuples(st.just(k), byte_mutations(CSV_KINDS[k]))))
def test_csv_byte_mutations(tmp_path, case):
    kind, content = case
    _check(kind, content, tmp_path, ".csv")


@fuzz(300)
@given(st.sampled_from(sorted(CSV_KINDS)).flatmap(lambda k: st.tuples(st.just(k), cell_mutations(CSV_KINDS[k]))))
def test_csv_cell_mutations(tmp_path, case):
    kind, content = case
    _check(kind, content, tmp_path, ".csv")


@fuzz(300)
@given(st.one_of(byte_mutations(REGIONS), json_mutations(REGIONS)))
def test_geojson_mutations(tmp_path, content):
    _check("regions", content, tmp_path, ".geojson")


PLAIN = {kind: _load(kind, DATA / f"{kind}.csv") for kind in CSV_KINDS}


@fuzz(60)
@given(st.sampled_from(sorted(CSV_KINDS)).flatmap(lambda k: st.tuples(st.just(k), spreadsheet_forms(CSV_KINDS[k]))))
def test_spreadsheet_forms_load_as_the_plain_file(tmp_path, case):
    kind, content = case
    assert _check(kind, content, tmp_path, ".csv") is None
    pd.testing.assert_frame_equal(_load(kind, tmp_path / f"{kind}.csv"), PLAIN[kind])


@fuzz(60)
@given(st.sampled_from(sorted(CSV_KINDS)).flatmap(lambda k: st.tuples(st.just(k), spreadsheet_refusals(k))))
def test_spreadsheet_numbers_and_dates_are_refused_quoting_the_value(tmp_path, case):
    kind, (content, field, cell) = case
    exc = _check(kind, content, tmp_path, ".csv")
    assert exc is not None, (field, cell)
    assert any(p.field == field and p.message.startswith(quote(cell) + " is not ") for p in exc.problems), str(exc)
