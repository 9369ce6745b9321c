"""A battery of malformed inputs across every data kind and the CLI.

Each must raise :class:`vizlib.DataError` whose lines read
``file:row: field: message`` (row optional for whole-file faults), and
``vizlib validate`` must exit 2 with exactly those lines, no traceback,
writing nothing.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import DATA

from vizlib import data
from vizlib.cli import main
from vizlib.errors import DataError

LINE = re.compile(r"^[^:\s]+(:\d+)?: [^:]+: .+$")
CLAIMS = (DATA / "claims.csv").read_text(encoding="utf-8")
PLACES = (DATA / "places.csv").read_text(encoding="utf-8")
EVENTS = (DATA / "events.csv").read_text(encoding="utf-8")


def _replace_cell(text: str, row_id: str, old: str, new: str) -> str:
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith(row_id + ","):
            assert old in line, (row_id, old)
            lines[i] = line.replace(old, new, 1)
            return "".join(lines)
    raise AssertionError(row_id)


def _drop_column(text: str, column: str) -> str:
    import csv
    import io

    rows = list(csv.reader(io.StringIO(text)))
    index = rows[0].index(column)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([r[:index] + r[index + 1 :] for r in rows])
    return out.getvalue()


def _regions(mutate) -> bytes:
    collection = json.loads((DATA / "regions.geojson").read_text())
    collection["features"] = [f for f in collection["features"] if f["properties"]["iso_3166_2"] in ("UA-14", "UA-59")]
    mutate(collection)
    return json.dumps(collection).encode()


def _geometry(coordinates):
    def mutate(c):
        c["features"][0]["geometry"] = {"type": "Polygon", "coordinates": coordinates}

    return mutate


ROW2 = CLAIMS.splitlines()[1].split(",")[0]  # id of the first data row
# (id, kind, file name, content, expected text in the error)
CASES = [
    ("claims-empty", "claims", "claims.csv", b"", "file is empty"),
    ("claims-whitespace-only", "claims", "claims.csv", b" \n\n", "file is empty"),
    ("claims-header-only", "claims", "claims.csv", CLAIMS.splitlines()[0].encode() + b"\n", "header only"),
    ("claims-semicolons", "claims", "claims.csv", CLAIMS.replace(",", ";").encode(), "delimiter"),
    ("claims-tabs", "claims", "claims.csv", CLAIMS.replace(",", "\t").encode(), "delimiter"),
    ("claims-bom", "claims", "claims.csv", b"\xef\xbb\xbf" + CLAIMS.encode(), "byte-order mark"),
    ("claims-latin1", "claims", "claims.csv", CLAIMS.replace("km²", "km\xb2").encode("latin-1", "replace"), "not UTF-8"),
    ("claims-utf16", "claims", "claims.csv", CLAIMS.encode("utf-16"), "not UTF-8"),
    ("claims-missing-column", "claims", "claims.csv", _drop_column(CLAIMS, "unit").encode(), "unit: missing column"),
    ("claims-extra-column", "claims", "claims.csv", CLAIMS.replace("note\n", "note,colour\n", 1).encode(), "colour: unknown column"),
    ("claims-duplicate-id", "claims", "claims.csv", (CLAIMS + CLAIMS.splitlines()[1] + "\n").encode(), "duplicate"),
    ("claims-low-gt-high", "claims", "claims.csv", _replace_cell(CLAIMS, "ru_kursk_mysnyk_0914", "30000,45000", "45000,30000").encode(), "greater than high"),
    ("claims-negative", "claims", "claims.csv", _replace_cell(CLAIMS, "ru_kursk_nyt_1110", "50000,50000", "-50000,50000").encode(), "greater than or equal to 0"),
    ("claims-absurd", "claims", "claims.csv", _replace_cell(CLAIMS, "ru_kursk_nyt_1110", "50000,50000", "50000,500000000").encode(), "implausibly large"),
    ("claims-float-count", "claims", "claims.csv", _replace_cell(CLAIMS, "ru_kursk_nyt_1110", "50000,50000", "50000.5,50000.5").encode(), "integer"),
    ("claims-no-such-day", "claims", "claims.csv", _replace_cell(CLAIMS, "ru_kursk_nyt_1110", "2024-11-10,2024-11-10", "2024-02-30,2024-02-30").encode(), "claim_date"),
    ("claims-us-date", "claims", "claims.csv", _replace_cell(CLAIMS, "ru_kursk_nyt_1110", "2024-11-10,2024-11-10", "11/10/2024,2024-11-10").encode(), "claim_date"),
    ("claims-date-1990", "claims", "claims.csv", _replace_cell(CLAIMS, "ru_kursk_nyt_1110", "2024-11-10,2024-11-10", "1990-11-10,1990-11-10").encode(), "outside"),
    ("claims-future-date", "claims", "claims.csv", _replace_cell(CLAIMS, "ru_kursk_nyt_1110", "2024-11-10,2024-11-10", "2099-11-10,2024-11-10").encode(), "outside"),
    ("claims-ftp-url", "claims", "claims.csv", _replace_cell(CLAIMS, "ru_kursk_nyt_1110", "https://menafn", "ftp://menafn").encode(), "http(s) URL"),
    ("claims-javascript-url", "claims", "claims.csv", _replace_cell(CLAIMS, "ru_kursk_nyt_1110", "https://menafn.com/", "javascript:alert(1)//").encode(), "http(s) URL"),
    ("claims-unknown-subject", "claims", "claims.csv", _replace_cell(CLAIMS, "ru_kursk_zelensky_1111", "ru_troops_kursk", "troops_on_mars").encode(), "subject"),
    ("claims-truncated-row", "claims", "claims.csv", CLAIMS[: CLAIMS.index("ru_kursk_nyt_1110") + 40].encode(), "fields, expected"),
    ("claims-unterminated-quote", "claims", "claims.csv", CLAIMS[: CLAIMS.index('"Vadym') + 10].encode(), "expected"),
    ("claims-up-to-with-low", "claims", "claims.csv", _replace_cell(CLAIMS, "ru_kursk_before_pavliuk", ",,4000,up_to,", ",0,4000,up_to,").encode(), "bound: 'up_to' needs high and an empty low"),
    ("claims-at-least-with-high", "claims", "claims.csv", _replace_cell(CLAIMS, "nk_kursk_nyt_1110", ",10000,,at_least,", ",10000,12000,at_least,").encode(), "bound: 'at_least' needs low and an empty high"),
    ("claims-range-of-one", "claims", "claims.csv", _replace_cell(CLAIMS, "ru_kursk_mysnyk_0914", "30000,45000,range", "30000,30000,range").encode(), "'range' needs low < high, got low 30000, high 30000"),
    ("claims-unknown-bound", "claims", "claims.csv", _replace_cell(CLAIMS, "ru_kursk_nyt_1110", ",exact,", ",roughly,").encode(), "bound: 'roughly' is not one of exact, about"),
    ("claims-empty-refers-to", "claims", "claims.csv", _replace_cell(CLAIMS, "area_peak_genstaff_1123", ",undated,", ",,").encode(), "refers_to: required: an ISO date, or 'undated'"),
    ("claims-derived-without-note", "claims", "claims.csv", (CLAIMS.splitlines()[0] + "\n" + next(line for line in CLAIMS.splitlines() if line.startswith("area_smirnov_0812")).rsplit(",", 1)[0].rsplit(',"', 1)[0] + ",\n").encode(), "note: required when attribution is 'derived'"),
    ("claims-chained-publication", "claims", "claims.csv", _replace_cell(CLAIMS, "ru_kursk_genstaff_1123", ",Reuters,fakti.bg,", ",Reuters (via fakti.bg),,").encode(), "publication: 'Reuters (via fakti.bg)' must name one publication"),
    ("claims-unknown-attribution", "claims", "claims.csv", _replace_cell(CLAIMS, "ru_kursk_nyt_1110", ",stated,", ",reported,").encode(), "attribution: 'reported' is not one of stated, derived"),
    ("events-chained-source", "events", "events.csv", _replace_cell(EVENTS, "duma_ratifies", ",Reuters,Daily Mail,", ",Daily Mail (Reuters),,").encode(), "source: 'Daily Mail (Reuters)' must name one publication"),
    ("places-evidence-not-a-url", "places", "places.csv", _replace_cell(PLACES, "kurakhove_dam", "https://t.center/", "t.center/").encode(), "evidence_url: must be an http(s) URL"),
    ("places-no-gazetteer-no-evidence", "places", "places.csv", _replace_cell(PLACES, "kurakhove_dam", "https://t.center/ru/macronomist/955", "").encode(), "geonames_id: empty, so the place must be marked approximate or give its evidence_url"),
    ("places-nan-lat", "places", "places.csv", _replace_cell(PLACES, "pokrovsk", "48.2", "nan,").replace("nan,", "nan", 1).encode(), "lat"),
    ("places-lat-out-of-range", "places", "places.csv", _replace_cell(PLACES, "pokrovsk", ",48.", ",98.").encode(), "less than or equal to 90"),
    ("places-outside-oblast", "places", "places.csv", _replace_cell(PLACES, "pokrovsk", ",48.", ",51.").encode(), "km outside UA-14"),
    ("places-wrong-country", "places", "places.csv", _replace_cell(PLACES, "pokrovsk", "UA-14,UA", "RU-KRS,UA").encode(), "not a subdivision"),
    ("places-duplicate-id", "places", "places.csv", (PLACES + next(line for line in PLACES.splitlines() if line.startswith("sumy,")) + "\n").encode(), "duplicate 'sumy'"),
    ("events-unknown-place", "events", "events.csv", _replace_cell(EVENTS, "dam_damaged", "kurakhove_dam", "atlantis").encode(), "not a place id"),
    ("events-bad-category", "events", "events.csv", _replace_cell(EVENTS, "dam_damaged", "infrastructure", "weather").encode(), "category"),
    ("regions-self-intersecting", "regions", "regions.geojson", _regions(_geometry([[[37, 47], [38, 48], [38, 47], [37, 48], [37, 47]]])), "Self-intersection"),
    ("regions-projected-coordinates", "regions", "regions.geojson", _regions(_geometry([[[4e6, 2e6], [4.1e6, 2e6], [4.1e6, 2.1e6], [4e6, 2e6]]])), "not lon/lat"),
    ("regions-crs-3857", "regions", "regions.geojson", _regions(lambda c: c.update(crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}})), "EPSG:4326"),
    ("regions-not-a-collection", "regions", "regions.geojson", json.dumps({"type": "Polygon", "coordinates": []}).encode(), "FeatureCollection"),
    ("regions-a-list", "regions", "regions.geojson", b"[1, 2, 3]", "FeatureCollection"),
    ("regions-truncated", "regions", "regions.geojson", (DATA / "regions.geojson").read_bytes()[:3000], "not valid JSON"),
    ("regions-no-features", "regions", "regions.geojson", _regions(lambda c: c.update(features=[])), "no features"),
    ("regions-missing-property", "regions", "regions.geojson", _regions(lambda c: c["features"][1]["properties"].pop("level")), "level"),
    ("regions-point", "regions", "regions.geojson", _regions(lambda c: c["features"][0].update(geometry={"type": "Point", "coordinates": [37, 48]})), "(Multi)Polygon"),
    ("regions-geometry-not-object", "regions", "regions.geojson", _regions(lambda c: c["features"][0].update(geometry="x")), "not a GeoJSON geometry object"),
    ("regions-open-ring", "regions", "regions.geojson", _regions(_geometry([[[37, 47], [38, 47], [38, 48]]])), "geometry"),
    ("locator-bad-code", "locator", "locator.geojson", json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"iso_a2": "Ukraine", "name": "Ukraine"}, "geometry": {"type": "Polygon", "coordinates": [[[30, 50], [31, 50], [31, 51], [30, 50]]]}}]}).encode(), "iso_a2"),
]


@pytest.mark.parametrize(("kind", "name", "content", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_malformed_input_is_a_data_error_and_cli_exit_2(kind, name, content, expected, tmp_path):
    path = tmp_path / name
    path.write_bytes(content)
    load = (lambda p: data.events(p, places=data.places())) if kind == "events" else getattr(data, kind)
    with pytest.raises(DataError) as excinfo:
        load(path)
    message = str(excinfo.value)
    assert expected in message
    for line in message.splitlines():
        assert LINE.match(line), line
        assert line.startswith(name)

    before = sorted(p.name for p in tmp_path.iterdir())
    result = CliRunner().invoke(main, ["validate", "--kind", kind, str(path)])
    assert result.exit_code == 2
    assert result.output.strip() == message
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_battery_is_at_least_thirty_inputs():
    assert len(CASES) >= 30
    assert len({c[0] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("args", [["validate", "missing.csv"], ["validate", "--kind", "claims", "/"]])
def test_cli_process_on_bad_paths_exits_2_without_traceback(args, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "vizlib.cli", *args], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) <= 3
