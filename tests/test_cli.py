"""The command line: `vizlib validate` and `vizlib list`."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner
from conftest import DATA

from vizlib.cli import main
from vizlib.registry import FIGURES


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_validate_accepts_every_bundled_file():
    files = [str(DATA / name) for name in ("claims.csv", "events.csv", "places.csv", "regions.geojson", "locator.geojson")]
    result = run("validate", *files)
    assert result.exit_code == 0, result.output
    assert result.output.count(": ok") == 5


def test_validate_reports_each_problem_on_one_line_and_exits_2(tmp_path):
    text = (DATA / "claims.csv").read_text(encoding="utf-8").splitlines()
    text[2] = text[2].replace(",,4000,", ",5000,4000,")  # low > high on line 3
    text[4] = text[4].replace("2024-09-13,2024-09-13", "2024-09-31,2024-09-13")  # no such day, line 5
    bad = tmp_path / "claims.csv"
    bad.write_text("\n".join(text) + "\n", encoding="utf-8")
    result = run("validate", str(bad))
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert lines[0] == "claims.csv:3: high: '4000' is less than low (5000)"
    assert lines[1] == "claims.csv:5: claim_date: '2024-09-31' is not a real date (day is out of range for month)"
    assert len(lines) == 2


def test_validate_kind_option_and_unknown_kind(tmp_path):
    odd = tmp_path / "mystery.csv"
    odd.write_text("a,b\n1,2\n", encoding="utf-8")
    result = run("validate", str(odd))
    assert result.exit_code == 2
    assert result.output.strip() == "mystery.csv:1: file: cannot tell the kind of data from the columns 'a,b'; pass --kind"
    result = run("validate", "--kind", "claims", str(odd))
    assert result.exit_code == 2
    assert "missing column" in result.output


def test_validate_as_a_process_prints_no_traceback(tmp_path):
    bad = tmp_path / "places.csv"
    bad.write_bytes(b"\xff\xfe garbage")
    proc = subprocess.run(
        [sys.executable, "-m", "vizlib.cli", "validate", "--kind", "places", str(bad)], capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip() == "places.csv:1: file: not UTF-8 (byte 0xff)"


def test_list_names_every_figure_with_its_title():
    result = run("list")
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert [line.split()[0] for line in lines] == list(FIGURES)
    for slug in ("theatre", "kursk", "donetsk", "troops-kursk", "north-korea", "kursk-area", "timeline"):
        assert any(line.startswith(slug + " ") and FIGURES[slug].title in line for line in lines)


def test_figures_draws_the_users_own_data(tmp_path):
    own = tmp_path / "mine"
    own.mkdir()
    text = (DATA / "claims.csv").read_text(encoding="utf-8")
    (own / "claims.csv").write_text(text.replace(",59000,59000,", ",61000,61000,"), encoding="utf-8")
    out = tmp_path / "out"
    result = run("figures", "--data", str(own), "--only", "troops-kursk,timeline", "--format", "html", "--out", str(out))
    assert result.exit_code == 0, result.output
    drawn = (out / "troops-kursk.csv").read_text(encoding="utf-8")
    assert "61000" in drawn and "59000" not in drawn
    assert "61,000" in (out / "troops-kursk.json").read_text(encoding="utf-8")
    assert (out / "timeline.html").is_file()


def test_figures_rejects_bad_own_data_before_writing_anything(tmp_path):
    own = tmp_path / "mine"
    own.mkdir()
    text = (DATA / "claims.csv").read_text(encoding="utf-8")
    (own / "claims.csv").write_text(text.replace(",59000,59000,", ",-59000,59000,"), encoding="utf-8")
    out = tmp_path / "out"
    result = run("figures", "--data", str(own), "--format", "html", "--out", str(out))
    assert result.exit_code == 2
    assert result.output.strip() == "claims.csv:11: low: '-59000' must be greater than or equal to 0"
    assert not out.exists()


def test_figures_data_folder_without_data_files(tmp_path):
    result = run("figures", "--data", str(tmp_path), "--format", "html", "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "--data: none of claims.csv" in result.output


def test_figures_own_events_may_name_own_places(tmp_path):
    own = tmp_path / "mine"
    own.mkdir()
    places = (DATA / "places.csv").read_text(encoding="utf-8")
    sudzha = next(line for line in places.splitlines() if line.startswith("sudzha,"))
    (own / "places.csv").write_text(places + sudzha.replace("sudzha,Sudzha", "sudzha_centre,Sudzha centre", 1) + "\n", encoding="utf-8")
    events = (DATA / "events.csv").read_text(encoding="utf-8").replace(",sudzha,", ",sudzha_centre,")
    (own / "events.csv").write_text(events, encoding="utf-8")
    out = tmp_path / "out"
    result = run("figures", "--data", str(own), "--only", "timeline,kursk", "--format", "html", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "Sudzha centre" in (out / "kursk.csv").read_text(encoding="utf-8")
