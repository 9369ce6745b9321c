"""A battery of malformed inputs across every data kind and the CLI.

Each must raise :class:`vizlib.DataError` whose lines read
``file:row: field: message`` (row optional for whole-file faults), and
``vizlib validate`` must exit 2 with exactly those lines, no traceback,
writing nothing. Every kind of message quotes the offending value and says
what is expected (``MESSAGE_KINDS``: the exact line of each). CSV files as
spreadsheets write them (trailing commas, padded values, an Excel ``sep=``
line) read as the plain file (``tests/fixtures/spreadsheet``: the shared
cases' quirks on rows of the current ``data/claims.csv``; see
``test_shared_spreadsheet_cases_read_as_the_plain_file``).
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import DATA

from vizlib import data, schemas
from vizlib.cli import main
from vizlib.errors import DataError

LINE = re.compile(r"^[^:\s]+(:\d+)?: [^:]+: .+$")
SPREADSHEET = Path(__file__).parent / "fixtures" / "spreadsheet"


def _replace_cell(text: str, row_id: str, old: str, new: str) -> str:
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith(row_id + ","):
            assert old in line, (row_id, old)
            lines[i] = line.replace(old, new, 1)
            return "".join(lines)
    raise AssertionError(row_id)


def _drop_column(text: str, column: str) -> str:
    rows = list(csv.reader(io.StringIO(text)))
    index = rows[0].index(column)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([r[:index] + r[index + 1 :] for r in rows])
    return out.getvalue()


#: Translation columns a file may leave out (``title_uk``, ``claimant_uk``, ...).
OPTIONAL = schemas.Claim.OPTIONAL_COLUMNS | schemas.Event.OPTIONAL_COLUMNS | schemas.Control.OPTIONAL_COLUMNS


def _untranslated(path: Path) -> str:
    """A bundled table without its optional translation columns, as a user's own file often is."""
    text = path.read_text(encoding="utf-8")
    for column in [c for c in next(csv.reader(io.StringIO(text))) if c in OPTIONAL]:
        text = _drop_column(text, column)
    return text


def _bundled_claims() -> pd.DataFrame:
    """The bundled claims as a file without translations loads: the translation columns empty."""
    frame = data.claims()
    for column in sorted(schemas.Claim.OPTIONAL_COLUMNS):
        frame[column] = pd.Series([None] * len(frame), dtype=object)
    return frame


CLAIMS = _untranslated(DATA / "claims.csv")
PLACES = (DATA / "places.csv").read_text(encoding="utf-8")
EVENTS = _untranslated(DATA / "events.csv")


def _regions(mutate) -> bytes:
    collection = json.loads((DATA / "regions.geojson").read_text())
    collection["features"] = [f for f in collection["features"] if f["properties"]["iso_3166_2"] in ("UA-14", "UA-59")]
    mutate(collection)
    return json.dumps(collection).encode()


def _geometry(coordinates):
    def mutate(c):
        c["features"][0]["geometry"] = {"type": "Polygon", "coordinates": coordinates}

    return mutate


def _trailing_commas(text: str, header: int, rows: int) -> str:
    lines = text.splitlines()
    return "\n".join([lines[0] + "," * header, *(line + "," * rows for line in lines[1:])]) + "\n"


NYT = "ru_kursk_nyt_1110"
# (id, kind, file name, content, expected text in the error)
CASES = [
    ("claims-empty", "claims", "claims.csv", b"", "file is empty"),
    ("claims-whitespace-only", "claims", "claims.csv", b" \n\n", "file is empty"),
    ("claims-header-only", "claims", "claims.csv", CLAIMS.splitlines()[0].encode() + b"\n", "header only"),
    ("claims-semicolons", "claims", "claims.csv", CLAIMS.replace(",", ";").encode(), "delimiter must be a comma, or the first line must say sep=;"),
    ("claims-tabs", "claims", "claims.csv", CLAIMS.replace(",", "\t").encode(), "delimiter must be a comma, or the first line must say sep= and a tab"),
    ("claims-bom", "claims", "claims.csv", b"\xef\xbb\xbf" + CLAIMS.encode(), "byte-order mark"),
    ("claims-latin1", "claims", "claims.csv", CLAIMS.replace("km²", "km\xb2").encode("latin-1", "replace"), "not UTF-8"),
    ("claims-utf16", "claims", "claims.csv", CLAIMS.encode("utf-16"), "not UTF-8"),
    ("claims-missing-column", "claims", "claims.csv", _drop_column(CLAIMS, "unit").encode(), "unit: missing column"),
    ("claims-extra-column", "claims", "claims.csv", CLAIMS.replace("note\n", "note,colour\n", 1).encode(), "header: unknown column 'colour'"),
    ("claims-duplicate-id", "claims", "claims.csv", (CLAIMS + CLAIMS.splitlines()[1] + "\n").encode(), "duplicate"),
    ("claims-low-gt-high", "claims", "claims.csv", _replace_cell(CLAIMS, "ru_kursk_mysnyk_0914", "30000,45000", "45000,30000").encode(), "high: '30000' is less than low (45000)"),
    ("claims-negative", "claims", "claims.csv", _replace_cell(CLAIMS, NYT, "50000,50000", "-50000,50000").encode(), "low: '-50000' must be greater than or equal to 0"),
    ("claims-absurd", "claims", "claims.csv", _replace_cell(CLAIMS, NYT, "50000,50000", "50000,500000000").encode(), "'500000000' is implausibly large"),
    ("claims-float-count", "claims", "claims.csv", _replace_cell(CLAIMS, NYT, "50000,50000", "50000.5,50000.5").encode(), "low: '50000.5' is not a whole number"),
    ("claims-no-such-day", "claims", "claims.csv", _replace_cell(CLAIMS, NYT, "2024-11-10,2024-11-10", "2024-02-30,2024-02-30").encode(), "claim_date: '2024-02-30' is not a real date"),
    ("claims-us-date", "claims", "claims.csv", _replace_cell(CLAIMS, NYT, "2024-11-10,2024-11-10", "11/10/2024,2024-11-10").encode(), "claim_date: '11/10/2024' is not a date in YYYY-MM-DD form (write 2024-10-11 or 2024-11-10"),
    ("claims-date-1990", "claims", "claims.csv", _replace_cell(CLAIMS, NYT, "2024-11-10,2024-11-10", "1990-11-10,1990-11-10").encode(), "'1990-11-10' is outside"),
    ("claims-future-date", "claims", "claims.csv", _replace_cell(CLAIMS, NYT, "2024-11-10,2024-11-10", "2099-11-10,2024-11-10").encode(), "'2099-11-10' is outside"),
    ("claims-ftp-url", "claims", "claims.csv", _replace_cell(CLAIMS, NYT, "https://menafn", "ftp://menafn").encode(), "source_url: 'ftp://menafn.com/1108870469/Russia-Amas…' is not an http(s) URL"),
    ("claims-javascript-url", "claims", "claims.csv", _replace_cell(CLAIMS, NYT, "https://menafn.com/", "javascript:alert(1)//").encode(), "is not an http(s) URL"),
    ("claims-unknown-subject", "claims", "claims.csv", _replace_cell(CLAIMS, "ru_kursk_zelensky_1111", "ru_troops_kursk", "troops_on_mars").encode(), "subject: 'troops_on_mars' is not one of ru_troops_kursk, "),
    ("claims-truncated-row", "claims", "claims.csv", CLAIMS[: CLAIMS.index(NYT) + len(NYT + ",ru_nk_troops_kursk,2024-1")].encode(), "has 3 fields, expected 16: the row ends at claim_date ('2024-1')"),
    ("claims-unterminated-quote", "claims", "claims.csv", CLAIMS[: CLAIMS.index('"Vadym') + 10].encode(), "a quoted value is never closed (the row begins 'ru_kursk_start_mysnyk,"),
    # spreadsheet exports: what vizlib cannot read unambiguously is refused, quoting the value
    ("claims-thousands-comma", "claims", "claims.csv", _replace_cell(CLAIMS, NYT, "50000,50000", '"50,000",50000').encode(), "low: '50,000' is not a whole number (write 50000, without separators)"),
    ("claims-thousands-space", "claims", "claims.csv", _replace_cell(CLAIMS, NYT, "50000,50000", "50 000,50000").encode(), "low: '50 000' is not a whole number (write 50000, without separators)"),
    ("claims-thousands-nbsp", "claims", "claims.csv", _replace_cell(CLAIMS, NYT, "50000,50000", "50\u00a0000,50000").encode(), "low: '50\\xa0000' is not a whole number (write 50000, without separators)"),
    ("claims-thousands-dot", "claims", "claims.csv", _replace_cell(CLAIMS, NYT, "50000,50000", "50.000,50000").encode(), "low: '50.000' is not a whole number (write digits only"),
    ("claims-slashed-date", "claims", "claims.csv", _replace_cell(CLAIMS, NYT, "2024-11-10,2024-11-10", "2024-11-10,11/11/2024").encode(), "refers_to: '11/11/2024' is not a date in YYYY-MM-DD form (write 2024-11-11)"),
    ("claims-ambiguous-date", "claims", "claims.csv", _replace_cell(CLAIMS, NYT, "2024-11-10,2024-11-10", "03/04/2024,").encode(), "'03/04/2024' is not a date in YYYY-MM-DD form (write 2024-04-03 or 2024-03-04"),
    ("claims-dotted-date", "claims", "claims.csv", _replace_cell(CLAIMS, NYT, "2024-11-10,2024-11-10", "13.11.2024,2024-11-10").encode(), "claim_date: '13.11.2024' is not a date in YYYY-MM-DD form (write 2024-11-13)"),
    ("claims-datetime", "claims", "claims.csv", _replace_cell(CLAIMS, NYT, "2024-11-10,2024-11-10", "2024-11-10 00:00:00,2024-11-10").encode(), "'2024-11-10 00:00:00' is not a date in YYYY-MM-DD form (write 2024-11-10)"),
    ("claims-timestamp-date", "claims", "claims.csv", _replace_cell(CLAIMS, NYT, "2024-11-10,2024-11-10", "1731196800,2024-11-10").encode(), "claim_date: '1731196800' is not a date in YYYY-MM-DD form"),
    ("claims-padded-unknown-basis", "claims", "claims.csv", _replace_cell(CLAIMS, NYT, ",count,", ", guess ,").encode(), "basis: 'guess' is not one of count, expected, cumulative, peak"),
    ("claims-unnamed-column-with-values", "claims", "claims.csv", "".join(line + (",oops\n" if i == 1 else ",\n") for i, line in enumerate(CLAIMS.splitlines())).encode(), "claims.csv:1: header: column 17 has no name (trailing comma?), but holds 'oops' on line 2"),
    ("claims-unnamed-middle-column", "claims", "claims.csv", CLAIMS.replace("id,subject", "id,,subject", 1).replace(",ru_troops_kursk,", ",x,ru_troops_kursk,").encode(), "header: column 2 has no name, but holds 'x' on line 2"),
    ("claims-more-trailing-commas-than-header", "claims", "claims.csv", _trailing_commas(CLAIMS, 1, 2).encode(), "has 18 fields, expected 17: '' is beyond the last column"),
    ("claims-unquoted-comma", "claims", "claims.csv", _replace_cell(CLAIMS, NYT, ",US and Ukrainian officials,", ",US, Ukrainian officials,").encode(), "has 17 fields, expected 16: 'Includes North Korean troops; massed fo…' is beyond the last column (note)"),
    ("claims-duplicate-column", "claims", "claims.csv", _trailing_commas(CLAIMS, 0, 1).replace("note\n", "note,note\n", 1).encode(), "header: duplicate column 'note' (columns 16 and 17)"),
    ("claims-sep-unknown", "claims", "claims.csv", b"sep=x\n" + CLAIMS.encode(), "'sep=x' names a delimiter vizlib does not read"),
    ("claims-sep-only", "claims", "claims.csv", b"sep=;\n", "file is empty"),
    ("places-nan-lat", "places", "places.csv", _replace_cell(PLACES, "pokrovsk", "48.2", "nan,").replace("nan,", "nan", 1).encode(), "lat: 'nan"),
    ("places-lat-out-of-range", "places", "places.csv", _replace_cell(PLACES, "pokrovsk", ",48.", ",98.").encode(), "must be less than or equal to 90"),
    ("claims-up-to-with-low", "claims", "claims.csv", _replace_cell(CLAIMS, "ru_kursk_before_pavliuk", ",,4000,up_to,", ",0,4000,up_to,").encode(), "bound: 'up_to' needs high and an empty low"),
    ("claims-at-least-with-high", "claims", "claims.csv", _replace_cell(CLAIMS, "nk_kursk_nyt_1110", ",10000,,at_least,", ",10000,12000,at_least,").encode(), "bound: 'at_least' needs low and an empty high"),
    ("claims-range-of-one", "claims", "claims.csv", _replace_cell(CLAIMS, "ru_kursk_mysnyk_0914", "30000,45000,range", "30000,30000,range").encode(), "'range' needs low < high, got low 30000, high 30000"),
    ("claims-unknown-bound", "claims", "claims.csv", _replace_cell(CLAIMS, "ru_kursk_nyt_1110", ",exact,", ",roughly,").encode(), "bound: 'roughly' is not one of exact, about"),
    ("claims-empty-refers-to", "claims", "claims.csv", _replace_cell(CLAIMS, "area_peak_genstaff_1123", ",undated,", ",,").encode(), "refers_to: required: an ISO date, or 'undated'"),
    ("claims-derived-without-note", "claims", "claims.csv", (CLAIMS.splitlines()[0] + "\n" + next(line for line in CLAIMS.splitlines() if line.startswith("area_smirnov_0812")).rsplit(",", 1)[0].rsplit(',"', 1)[0] + ",\n").encode(), "note: required when attribution is 'derived'"),
    ("claims-chained-publication", "claims", "claims.csv", _replace_cell(CLAIMS, "ru_kursk_genstaff_1123", ",Reuters,fakti.bg,", ",Reuters (via fakti.bg),,").encode(), "publication: 'Reuters (via fakti.bg)' must name one publication"),
    ("claims-unknown-attribution", "claims", "claims.csv", _replace_cell(CLAIMS, "ru_kursk_nyt_1110", ",stated,", ",reported,").encode(), "attribution: 'reported' is not one of stated, derived"),
    ("events-chained-source", "events", "events.csv", _replace_cell(EVENTS, "duma_ratifies", ",Reuters,Daily Mail,", ",Daily Mail (Reuters),,").encode(), "source: 'Daily Mail (Reuters)' must name one publication"),
    ("places-evidence-not-a-url", "places", "places.csv", _replace_cell(PLACES, "kurakhove_dam", "https://t.center/", "t.center/").encode(), "evidence_url: 't.center/ru/macronomist/955' is not an http(s) URL"),
    ("places-no-gazetteer-no-evidence", "places", "places.csv", _replace_cell(PLACES, "kurakhove_dam", "https://t.center/ru/macronomist/955", "").encode(), "geonames_id: empty, so the place must be marked approximate or give its evidence_url"),
    ("places-outside-oblast", "places", "places.csv", _replace_cell(PLACES, "pokrovsk", ",48.", ",51.").encode(), "km outside UA-14"),
    ("places-wrong-country", "places", "places.csv", _replace_cell(PLACES, "pokrovsk", "UA-14,UA", "RU-KRS,UA").encode(), "'RU-KRS' is not a subdivision"),
    ("places-duplicate-id", "places", "places.csv", (PLACES + next(line for line in PLACES.splitlines() if line.startswith("sumy,")) + "\n").encode(), "duplicate 'sumy'"),
    ("places-decimal-comma", "places", "places.csv", _replace_cell(PLACES, "pokrovsk", ",48.2801,", ',"48,2801",').encode(), "lat: '48,2801' is not a number"),
    ("places-geonames-separators", "places", "places.csv", _replace_cell(PLACES, "pokrovsk", ",704422,", ",704 422,").encode(), "geonames_id: '704 422' is not a whole number (write 704422, without separators)"),
    ("events-unknown-place", "events", "events.csv", _replace_cell(EVENTS, "dam_damaged", "kurakhove_dam", "atlantis").encode(), "'atlantis' is not a place id"),
    ("events-bad-category", "events", "events.csv", _replace_cell(EVENTS, "dam_damaged", "infrastructure", "weather").encode(), "category: 'weather' is not one of"),
    ("events-slashed-date", "events", "events.csv", _replace_cell(EVENTS, "dam_damaged", "2024-11-11", "11/11/2024").encode(), "date: '11/11/2024' is not a date in YYYY-MM-DD form (write 2024-11-11)"),
    ("events-long-short-title", "events", "events.csv", _replace_cell((DATA / "events.csv").read_text(encoding="utf-8"), "dam_damaged", ",Kurakhove dam damaged,", ",Kurakhove reservoir dam damaged by a strike,").encode(), "events.csv:11: short_title: 'Kurakhove reservoir dam damaged by a st…' (43 characters) is longer than 30 characters"),
    ("events-long-place-label", "events", "events.csv", _replace_cell((DATA / "events.csv").read_text(encoding="utf-8"), "dam_damaged", ",Dam damaged,", ",Dam damaged by a strike upstream,").encode(), "events.csv:11: place_label: 'Dam damaged by a strike upstream' (32 characters) is longer than 20 characters"),
    ("regions-self-intersecting", "regions", "regions.geojson", _regions(_geometry([[[37, 47], [38, 48], [38, 47], [37, 48], [37, 47]]])), "Self-intersection"),
    ("regions-projected-coordinates", "regions", "regions.geojson", _regions(_geometry([[[4e6, 2e6], [4.1e6, 2e6], [4.1e6, 2.1e6], [4e6, 2e6]]])), "not lon/lat degrees (x 4e+06..4.1e+06"),
    ("regions-crs-3857", "regions", "regions.geojson", _regions(lambda c: c.update(crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}})), "EPSG:4326"),
    ("regions-not-a-collection", "regions", "regions.geojson", json.dumps({"type": "Polygon", "coordinates": []}).encode(), "FeatureCollection"),
    ("regions-a-list", "regions", "regions.geojson", b"[1, 2, 3]", "FeatureCollection"),
    ("regions-truncated", "regions", "regions.geojson", (DATA / "regions.geojson").read_bytes()[:3000], "not valid JSON"),
    ("regions-no-features", "regions", "regions.geojson", _regions(lambda c: c.update(features=[])), "no features"),
    ("regions-missing-property", "regions", "regions.geojson", _regions(lambda c: c["features"][1]["properties"].pop("level")), "level"),
    ("regions-point", "regions", "regions.geojson", _regions(lambda c: c["features"][0].update(geometry={"type": "Point", "coordinates": [37, 48]})), "(Multi)Polygon, not 'Point'"),
    ("regions-geometry-not-object", "regions", "regions.geojson", _regions(lambda c: c["features"][0].update(geometry="x")), "'x' is not a GeoJSON geometry object"),
    ("regions-open-ring", "regions", "regions.geojson", _regions(_geometry([[[37, 47], [38, 47], [38, 48]]])), "geometry"),
    ("locator-bad-code", "locator", "locator.geojson", json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"iso_a2": "Ukraine", "name": "Ukraine"}, "geometry": {"type": "Polygon", "coordinates": [[[30, 50], [31, 50], [31, 51], [30, 50]]]}}]}).encode(), "iso_a2: 'Ukraine' is not a two-letter country code"),
]


def _load(kind: str):
    return (lambda p: data.events(p, places=data.places())) if kind == "events" else getattr(data, kind)


@pytest.mark.parametrize(("kind", "name", "content", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_malformed_input_is_a_data_error_and_cli_exit_2(kind, name, content, expected, tmp_path):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DataError) as excinfo:
        _load(kind)(path)
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


def test_battery_is_at_least_sixty_inputs():
    assert len(CASES) >= 60
    assert len({c[0] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("args", [["validate", "missing.csv"], ["validate", "--kind", "claims", "/"]])
def test_cli_process_on_bad_paths_exits_2_without_traceback(args, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "vizlib.cli", *args], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) <= 3


# ------------------------------------------------------------------ every message kind


def _rows(name: str) -> list[dict[str, str]]:
    with open(DATA / name, newline="", encoding="utf-8") as fh:
        return [{k: v for k, v in row.items() if k not in OPTIONAL} for row in csv.DictReader(fh)]


CLAIM = _rows("claims.csv")[0]  # ru_kursk_start_mysnyk: 11000 troops, claimed 2024-09-14 about 2024-08-06
PLACE = next(r for r in _rows("places.csv") if r["id"] == "pokrovsk")
EVENT = next(r for r in _rows("events.csv") if r["id"] == "dam_damaged")


def _table(base: dict[str, str], **cells: str) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(base), lineterminator="\n")
    writer.writeheader()
    writer.writerow(dict(base, **cells))
    return out.getvalue().encode()


def _claims(**cells: str) -> bytes:
    return _table(CLAIM, **cells)


def _places(**cells: str) -> bytes:
    return _table(PLACE, **cells)


def _region(mutate) -> bytes:
    collection = json.loads((DATA / "regions.geojson").read_text())
    collection["features"] = [f for f in collection["features"] if f["properties"]["iso_3166_2"] == "UA-14"]
    mutate(collection)
    return json.dumps(collection).encode()


def _props(**props) -> bytes:
    return _region(lambda c: c["features"][0]["properties"].update(props))


def _shape(geometry) -> bytes:
    return _region(lambda c: c["features"][0].update(geometry=geometry))


HEADER = ",".join(CLAIM)
ROW = _claims().decode().splitlines()[1]
# (kind of message, data kind, content, the exact line `vizlib validate` prints)
MESSAGE_KINDS = [
    ("not one of", "claims", _claims(basis="guess"), "claims.csv:2: basis: 'guess' is not one of count, expected, cumulative, peak"),
    ("not one of, padded", "claims", _claims(basis=" guess "), "claims.csv:2: basis: 'guess' is not one of count, expected, cumulative, peak"),
    ("whole number, separators", "claims", _claims(low="11,000"), "claims.csv:2: low: '11,000' is not a whole number (write 11000, without separators)"),
    ("whole number, space", "claims", _claims(low="11 000"), "claims.csv:2: low: '11 000' is not a whole number (write 11000, without separators)"),
    ("whole number, other", "claims", _claims(low="11.000"), "claims.csv:2: low: '11.000' is not a whole number (write digits only, without separators or decimals)"),
    ("date, slashed", "claims", _claims(claim_date="14/09/2024"), "claims.csv:2: claim_date: '14/09/2024' is not a date in YYYY-MM-DD form (write 2024-09-14)"),
    ("date, slashed, ambiguous", "claims", _claims(claim_date="03/04/2024"), "claims.csv:2: claim_date: '03/04/2024' is not a date in YYYY-MM-DD form (write 2024-04-03 or 2024-03-04: which is the day cannot be told)"),
    ("date, with a time", "claims", _claims(claim_date="2024-09-14T00:00:00"), "claims.csv:2: claim_date: '2024-09-14T00:00:00' is not a date in YYYY-MM-DD form (write 2024-09-14)"),
    ("date, other form", "claims", _claims(claim_date="14 Sep 2024"), "claims.csv:2: claim_date: '14 Sep 2024' is not a date in YYYY-MM-DD form"),
    ("date, no such day", "claims", _claims(claim_date="2024-02-30"), "claims.csv:2: claim_date: '2024-02-30' is not a real date (day is out of range for month)"),
    ("date, out of range", "claims", _claims(claim_date="2031-01-01"), "claims.csv:2: claim_date: '2031-01-01' is outside 2014-02-20..today"),
    ("date, after another", "claims", _claims(refers_to="2024-12-31"), "claims.csv:2: refers_to: '2024-12-31' is after claim_date 2024-09-14"),
    ("minimum", "claims", _claims(low="-5"), "claims.csv:2: low: '-5' must be greater than or equal to 0"),
    ("less than another", "claims", _claims(low="12000"), "claims.csv:2: high: '11000' is less than low (12000)"),
    ("implausibly large", "claims", _claims(high="99000000"), "claims.csv:2: high: '99000000' is implausibly large for unit troops (max 1500000)"),
    ("not a URL", "claims", _claims(source_url="censor.net/news"), "claims.csv:2: source_url: 'censor.net/news' is not an http(s) URL"),
    ("pattern", "claims", _claims(id="Has Spaces"), "claims.csv:2: id: 'Has Spaces' is not a lowercase id (letters a-z, digits and _)"),
    ("too long", "claims", _claims(claimant="x" * 401), "claims.csv:2: claimant: 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…' (401 characters) is longer than 400 characters"),
    ("required", "claims", _claims(claimant="  "), "claims.csv:2: claimant: required, but empty"),
    ("bound, low and high disagree", "claims", _claims(bound="range"), "claims.csv:2: bound: 'range' needs low < high, got low 11000, high 11000"),
    ("bound, open end", "claims", _claims(bound="at_least"), "claims.csv:2: bound: 'at_least' needs low and an empty high (a lower bound only), got low 11000, high 11000"),
    ("one publication", "claims", _claims(publication="Ukrinform (via Censor.NET)"), "claims.csv:2: publication: 'Ukrinform (via Censor.NET)' must name one publication; put the site the URL points at in 'via'"),
    ("via repeats the publication", "claims", _claims(via="Ukrinform"), "claims.csv:2: via: 'Ukrinform' is the publication itself; leave via empty"),
    ("required, date or undated", "claims", _claims(refers_to=""), "claims.csv:2: refers_to: required: an ISO date, or 'undated' if the source gives none"),
    ("required when derived", "claims", _claims(attribution="derived", note=""), "claims.csv:2: note: required when attribution is 'derived': say who computed the number and how"),
    ("duplicate id", "claims", _claims() + ROW.encode() + b"\n", "claims.csv:3: id: duplicate 'ru_kursk_start_mysnyk' (first on row 2)"),
    ("missing column, near name", "claims", _claims().replace(b",unit,", b",Unit,", 1), "claims.csv:1: unit: missing column ('Unit' is there: names are exact)"),
    ("missing column", "claims", _claims().replace(b",unit", b"", 1), "claims.csv:1: unit: missing column"),
    ("unknown column", "claims", (HEADER + ",colour\n" + ROW + ",red\n").encode(), "claims.csv:1: header: unknown column 'colour'"),
    ("duplicate column", "claims", (HEADER + ",note\n" + ROW + ",\n").encode(), "claims.csv:1: header: duplicate column 'note' (columns 16 and 17)"),
    ("column with no name", "claims", (HEADER + ",\n" + ROW + ",oops\n").encode(), "claims.csv:1: header: column 17 has no name (trailing comma?), but holds 'oops' on line 2"),
    ("one column", "claims", _claims().replace(b",", b";"), "claims.csv:1: header: 'id;subject;claim_date;refers_to;low;hig…' is one column: the delimiter must be a comma, or the first line must say sep=;"),
    ("row wider", "claims", (HEADER + "\n" + ROW + ",extra\n").encode(), "claims.csv:2: row: has 17 fields, expected 16: 'extra' is beyond the last column (note); a value with a comma in it needs double quotes"),
    ("row shorter", "claims", (HEADER + "\n" + ",".join(ROW.split(",")[:5]) + "\n").encode(), "claims.csv:2: row: has 5 fields, expected 16: the row ends at low ('11000')"),
    ("quote never closed", "claims", (HEADER + "\n" + ROW[: ROW.index('"Vadym') + 10] + "\n").encode(), "claims.csv:2: file: malformed CSV: a quoted value is never closed (the row begins 'ru_kursk_start_mysnyk,ru_troops_kursk,2…'); a \" inside a value is written \"\""),
    ("sep= delimiter unknown", "claims", b"sep=x\n" + _claims(), "claims.csv:1: file: 'sep=x' names a delimiter vizlib does not read; use ',' (comma), ';' (semicolon), '\\t' (tab), '|' (vertical bar)"),
    ("line numbers after sep=", "claims", b"sep=;\n" + _claims(basis="guess").replace(b",", b";"), "claims.csv:3: basis: 'guess' is not one of count, expected, cumulative, peak"),
    ("file empty", "claims", b"", "claims.csv: file: file is empty"),
    ("byte-order mark", "claims", b"\xef\xbb\xbf" + _claims(), "claims.csv:1: file: starts with a byte-order mark; save as UTF-8 without BOM"),
    ("not UTF-8", "claims", _claims().replace(b"Mysnyk", b"Mysnyk\xff"), "claims.csv:2: file: not UTF-8 (byte 0xff)"),
    ("header only", "claims", (HEADER + "\n").encode(), "claims.csv: file: header only: no data rows"),
    ("maximum", "places", _places(lat="91"), "places.csv:2: lat: '91' must be less than or equal to 90"),
    ("strict minimum", "places", _places(precision_m="0"), "places.csv:2: precision_m: '0' must be greater than 0"),
    ("not finite", "places", _places(lat="nan"), "places.csv:2: lat: 'nan' is not a finite number"),
    ("not a number", "places", _places(lat="48,28"), "places.csv:2: lat: '48,28' is not a number (write it with a decimal point and no thousands separators)"),
    ("not true or false", "places", _places(approximate="maybe"), "places.csv:2: approximate: 'maybe' is not true or false"),
    ("pattern, country", "places", _places(country="Ukraine"), "places.csv:2: country: 'Ukraine' is not a two-letter country code such as UA"),
    ("pattern, ISO 3166-2", "places", _places(iso_3166_2="UA14"), "places.csv:2: iso_3166_2: 'UA14' is not an ISO 3166-2 code such as UA-14"),
    ("not a subdivision", "places", _places(iso_3166_2="RU-KRS"), "places.csv:2: iso_3166_2: 'RU-KRS' is not a subdivision of country UA"),
    ("evidence not a URL", "places", _places(evidence_url="t.center/ru/x"), "places.csv:2: evidence_url: 't.center/ru/x' is not an http(s) URL"),
    ("empty, so approximate", "places", _places(geonames_id="", approximate="false"), "places.csv:2: geonames_id: empty, so the place must be marked approximate or give its evidence_url"),
    ("outside its oblast", "places", _places(lat="51.0"), "places.csv:2: lat,lon: 51.0, 37.1771 is 197.8 km outside UA-14 (precision_m 1000)"),
    ("no boundary", "places", _places(country="XX", iso_3166_2="XX-1"), "places.csv:2: iso_3166_2: no boundary for 'XX-1' or 'XX' in the regions"),
    ("whole number, id", "places", _places(geonames_id="1,234,567"), "places.csv:2: geonames_id: '1,234,567' is not a whole number (write 1234567, without separators)"),
    ("not a place id", "events", _table(EVENT, place_id="atlantis"), "events.csv:2: place_id: 'atlantis' is not a place id in places.csv"),
    ("GeoJSON: not one of", "regions", _props(level="state"), "regions.geojson:1: level: 'state' is not one of admin1, country"),
    ("GeoJSON: not text", "regions", _props(name=5), "regions.geojson:1: name: 5 is not text"),
    ("GeoJSON: unknown property", "regions", _props(colour="red"), "regions.geojson:1: colour: unknown property, holding 'red'"),
    ("GeoJSON: required", "regions", _region(lambda c: c["features"][0]["properties"].pop("name")), "regions.geojson:1: name: required, but empty"),
    ("GeoJSON: not a Feature", "regions", _region(lambda c: c["features"][0].update(type="Featur")), "regions.geojson:1: type: 'Featur' is not a GeoJSON Feature"),
    ("GeoJSON: geometry not an object", "regions", _shape("x"), "regions.geojson:1: geometry: 'x' is not a GeoJSON geometry object"),
    ("GeoJSON: not a polygon", "regions", _shape({"type": "Point", "coordinates": [37, 48]}), "regions.geojson:1: geometry: must be a (Multi)Polygon, not 'Point'"),
    ("GeoJSON: ring too short", "regions", _shape({"type": "Polygon", "coordinates": [[[37, 47], [38, 47], [37, 47]]]}), "regions.geojson:1: geometry: a ring has 3 positions ([[37, 47], [38, 47], [37, 47]]); at least 4 are needed"),
    ("GeoJSON: ring open", "regions", _shape({"type": "Polygon", "coordinates": [[[37, 47], [38, 47], [38, 48], [37, 48]]]}), "regions.geojson:1: geometry: a ring is not closed (first [37, 47] and last [37, 48] positions differ)"),
    ("GeoJSON: not positions", "regions", _shape({"type": "Polygon", "coordinates": 5}), "regions.geojson:1: geometry: coordinates 5 are not nested lists of positions"),
    ("GeoJSON: not lon/lat", "regions", _shape({"type": "Polygon", "coordinates": [[[4e6, 2e6], [4.1e6, 2e6], [4.1e6, 2.1e6], [4e6, 2e6]]]}), "regions.geojson:1: geometry: coordinates are not lon/lat degrees (x 4e+06..4.1e+06, y 2e+06..2.1e+06; wrong CRS?)"),
    ("GeoJSON: invalid polygon", "regions", _shape({"type": "Polygon", "coordinates": [[[37, 47], [38, 48], [38, 47], [37, 48], [37, 47]]]}), "regions.geojson:1: geometry: invalid polygon: Self-intersection[37.5 47.5]"),
    ("GeoJSON: CRS", "regions", _region(lambda c: c.update(crs={"type": "name", "properties": {"name": "EPSG:3857"}})), "regions.geojson: crs: must be EPSG:4326 (WGS 84 lon/lat), not 'EPSG:3857'"),
    ("GeoJSON: features not a list", "regions", b'{"type": "FeatureCollection", "features": {"a": 1}}', "regions.geojson: features: {'a': 1} is not a list of features"),
    ("GeoJSON: not JSON", "regions", b'{"type": "FeatureCollection",\n "features": [}', "regions.geojson:2: file: not valid JSON: Expecting value"),
]


@pytest.mark.parametrize(("kind", "content", "line"), [k[1:] for k in MESSAGE_KINDS], ids=[k[0] for k in MESSAGE_KINDS])
def test_every_message_kind_quotes_the_value_and_says_what_is_expected(kind, content, line, tmp_path):
    path = tmp_path / ("regions.geojson" if kind == "regions" else f"{kind}.csv")
    path.write_bytes(content)
    with pytest.raises(DataError) as excinfo:
        _load(kind)(path)
    assert str(excinfo.value) == line
    result = CliRunner().invoke(main, ["validate", "--kind", kind, str(path)])
    assert (result.exit_code, result.output) == (2, line + "\n")


def test_validate_tells_the_kind_of_a_semicolon_file_and_says_what_to_do(tmp_path):
    path = tmp_path / "claims.csv"
    path.write_bytes(_claims().replace(b",", b";"))
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert result.output.endswith("is one column: the delimiter must be a comma, or the first line must say sep=;\n")


def test_dataframe_columns_with_no_name_are_dropped_when_empty_and_named_when_not():
    frame = _bundled_claims().drop(columns=list(OPTIONAL & set(data.claims().columns)))
    frame = frame.assign(**{"Unnamed: 16": None})  # what pandas makes of a trailing comma
    pd.testing.assert_frame_equal(data.claims(frame), _bundled_claims())
    frame.loc[2, "Unnamed: 16"] = "oops"
    with pytest.raises(DataError) as excinfo:
        data.claims(frame)
    assert str(excinfo.value) == "<DataFrame>: header: column 17 has no name, but holds 'oops'"


def test_dataframe_values_are_stripped_and_quoted():
    frame = data.claims()
    frame["basis"] = " " + frame["basis"] + " "
    pd.testing.assert_frame_equal(data.claims(frame), data.claims())
    frame.loc[3, "basis"] = " guess "
    with pytest.raises(DataError, match=r"^<DataFrame>:4: basis: 'guess' is not one of count, "):
        data.claims(frame)


# ------------------------------------------------------------------ spreadsheet forms that are read

# tests/fixtures/spreadsheet: the three claims cases of ../shared/cases (see its README), each
# quirk kept, on rows of the current data/claims.csv (the shared files predate the bound,
# attribution and via columns). Each is the header and rows of data/claims.csv as written there:
#   claims_trailing_comma.csv  ru_kursk_start_mysnyk, ru_kursk_before_pavliuk; "," after every line;
#   claims_excel_sep_line.csv  the same rows after Excel's "sep=," first line;
#   claims_padded_value.csv    ru_kursk_nyt_1110 with its basis written " count ".
# When those rows of data/claims.csv change, rebuild the fixtures the same way.


def _plain(path: Path) -> bytes:
    """The fixture as a plain CSV: no sep= line, no columns with no name, no padding."""
    text = path.read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text.split("\n", 1)[1] if text.startswith("sep=") else text)))
    named = [i for i, name in enumerate(rows[0]) if name.strip()]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([[row[i].strip() for i in named] for row in rows])
    return out.getvalue().encode()


@pytest.mark.parametrize("name", ["claims_trailing_comma.csv", "claims_padded_value.csv", "claims_excel_sep_line.csv"])
def test_shared_spreadsheet_cases_read_as_the_plain_file(name, tmp_path):
    fixture = SPREADSHEET / name
    plain = tmp_path / "claims.csv"
    plain.write_bytes(_plain(fixture))
    assert plain.read_bytes() != fixture.read_bytes()
    loaded = data.claims(fixture)
    pd.testing.assert_frame_equal(loaded, data.claims(plain))
    assert set(loaded.basis) == {"count"}
    # every value as data/claims.csv has it: numbers as numbers, the padded word stripped
    bundled = _bundled_claims().set_index("id").loc[list(loaded.id)].reset_index()
    pd.testing.assert_frame_equal(loaded, bundled)
    result = CliRunner().invoke(main, ["validate", str(fixture)])  # kind told from the header, sep= line or not
    assert (result.exit_code, result.output) == (0, f"{fixture}: ok\n")


def test_trailing_comma_case_keeps_every_value():
    claims = data.claims(SPREADSHEET / "claims_trailing_comma.csv").set_index("id")
    assert list(claims.index) == ["ru_kursk_start_mysnyk", "ru_kursk_before_pavliuk"]
    pavliuk = claims.loc["ru_kursk_before_pavliuk"]
    assert pd.isna(pavliuk.low) and (pavliuk.high, pavliuk.bound) == (4000, "up_to") and pd.isna(pavliuk.via)
    assert claims.loc["ru_kursk_start_mysnyk", "via"] == "Censor.NET"
    assert claims.loc["ru_kursk_start_mysnyk", "note"].endswith("Mysnyk himself said it came from open-source data.")


@pytest.mark.parametrize(
    ("delimiter", "newline"), [(";", "\n"), ("\t", "\r\n"), ("|", "\n"), (",", "\r\n")], ids=["semicolon", "tab", "bar", "comma"]
)
def test_sep_line_names_the_delimiter_and_line_numbers_count_it(delimiter, newline, tmp_path):
    rows = list(csv.reader(io.StringIO(CLAIMS)))
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator=newline).writerows(rows)
    path = tmp_path / "claims.csv"
    path.write_text(f"sep={delimiter}{newline}" + out.getvalue(), encoding="utf-8", newline="")
    pd.testing.assert_frame_equal(data.claims(path), _bundled_claims())
    path.write_text(f"sep={delimiter}{newline}" + out.getvalue().replace(f"{delimiter}count{delimiter}", f"{delimiter}guess{delimiter}", 1), encoding="utf-8", newline="")
    with pytest.raises(DataError, match=r"^claims.csv:3: basis: 'guess' is not one of"):
        data.claims(path)


def test_trailing_commas_padding_and_blank_lines_together(tmp_path):
    rows = [[f"  {c} " for c in r] + ["", "", ""] for r in csv.reader(io.StringIO(CLAIMS))]
    rows[5] = rows[5][:-2]  # a row with fewer trailing commas than the header
    rows.insert(3, [""] * 16)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path = tmp_path / "claims.csv"
    path.write_text("\n" + out.getvalue() + "\n\n", encoding="utf-8")
    pd.testing.assert_frame_equal(data.claims(path), _bundled_claims())


def _patterns(schema) -> set[str]:
    if isinstance(schema, dict):
        own = {schema["pattern"]} if isinstance(schema.get("pattern"), str) else set()
        return own | {p for v in schema.values() for p in _patterns(v)}
    if isinstance(schema, list):
        return {p for v in schema for p in _patterns(v)}
    return set()


def test_every_pattern_of_the_schemas_has_plain_words():
    from vizlib import _messages, schemas

    patterns = {p for m in (schemas.CSV_KINDS | schemas.GEOJSON_KINDS).values() for p in _patterns(m.model_json_schema())}
    assert len(patterns) >= 4
    assert patterns <= set(_messages.PATTERN_WORDS), patterns - set(_messages.PATTERN_WORDS)
