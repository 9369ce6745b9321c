"""Hypothesis mutates valid data files: every outcome is valid data or DataError.

The number of cases run is printed in pytest's terminal summary.
"""

from __future__ import annotations

import json
import os

from conftest import DATA
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vizlib import data
from vizlib.errors import DataError

FUZZ_COUNTS: dict[str, int] = {}
# In CI the cases are derandomised so a run can be reproduced; locally each run explores anew.
SETTINGS = settings(
    max_examples=300,
    deadline=None,
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

CSV_KINDS = {kind: (DATA / f"{kind}.csv").read_bytes() for kind in ("claims", "events", "places")}
# Two neighbouring oblasts keep the GeoJSON cases small and fast.
_REGIONS = json.loads((DATA / "regions.geojson").read_text())
_REGIONS["features"] = [f for f in _REGIONS["features"] if f["properties"]["iso_3166_2"] in ("UA-14", "UA-09")]
REGIONS = json.dumps(_REGIONS).encode()


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
                st.integers().map(str),
                st.floats(allow_nan=True).map(str),
            )
        )
        lines[row] = ",".join(cells)
    return "\n".join(lines).encode()


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


def _check(kind: str, content: bytes, tmp_path, suffix: str) -> None:
    FUZZ_COUNTS[kind] = FUZZ_COUNTS.get(kind, 0) + 1
    path = tmp_path / f"{kind}{suffix}"
    path.write_bytes(content)
    try:
        getattr(data, kind)(path)
    except DataError as exc:
        assert str(exc).strip(), "a DataError must say what is wrong"
        FUZZ_COUNTS["rejected"] = FUZZ_COUNTS.get("rejected", 0) + 1


@SETTINGS
@given(st.sampled_from(sorted(CSV_KINDS)).flatmap(lambda k: st.tuples(st.just(k), byte_mutations(CSV_KINDS[k]))))
def test_csv_byte_mutations(tmp_path, case):
    kind, content = case
    _check(kind, content, tmp_path, ".csv")


@SETTINGS
@given(st.sampled_from(sorted(CSV_KINDS)).flatmap(lambda k: st.tuples(st.just(k), cell_mutations(CSV_KINDS[k]))))
def test_csv_cell_mutations(tmp_path, case):
    kind, content = case
    _check(kind, content, tmp_path, ".csv")


@SETTINGS
@given(st.one_of(byte_mutations(REGIONS), json_mutations(REGIONS)))
def test_geojson_mutations(tmp_path, content):
    _check("regions", content, tmp_path, ".geojson")
