"""The whole article set from the CLI: one as-of date for every figure, and the control layers it asks for.

Built once as HTML (no browser needed) from the session's synthetic daily archive
(``front_mirror``), so every figure, those drawn from layers of many dates included,
is made offline.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pandas as pd
import pytest
from click.testing import CliRunner

from vizlib import registry
from vizlib.cli import main

AS_OF = dt.date(2024, 10, 1)
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")


def run(*args: str):
    return CliRunner().invoke(main, ["figures", *args])


@pytest.fixture(scope="module")
def early_set(front_mirror, tmp_path_factory):
    out = tmp_path_factory.mktemp("set-2024-10-01")
    result = run("--out", str(out), "--format", "html", "--as-of", AS_OF.isoformat(), "--frontline", "auto")
    assert result.exit_code == 0, result.output
    return out, result


def test_every_figure_with_something_to_draw_by_the_date_is_written(early_set):
    out, result = early_set
    # the first North Korean claim in the data is of 18 Oct 2024: that chart has nothing to draw yet
    assert {p.stem for p in out.glob("*.json")} == set(registry.FIGURES) - {"north-korea"}
    assert "skipped north-korea: claims.csv: subject: no nk_troops_russia or nk_troops_kursk claims" in result.stderr


def test_every_manifest_and_footer_states_the_sets_date(early_set):
    out, _ = early_set
    for manifest in out.glob("*.json"):
        info = json.loads(manifest.read_text(encoding="utf-8"))
        assert info["as_of"] == AS_OF.isoformat(), manifest.name
        page = (out / f"{manifest.stem}.html").read_text(encoding="utf-8")
        assert re.search(r"As of 1(\\u00a0|\u00a0| )Oct(\\u00a0|\u00a0| )2024", page), manifest.name


def test_no_sidecar_holds_anything_dated_after_the_sets_date(early_set):
    out, _ = early_set
    dated = 0
    for sidecar in out.glob("*.csv"):
        table = pd.read_csv(sidecar, dtype=str, keep_default_na=False)
        for column in table.columns:
            values = [v for v in table[column] if ISO_DAY.match(v)]
            if not values:
                continue
            dated += len(values)
            late = [v for v in values if dt.date.fromisoformat(v[:10]) > AS_OF]
            assert late == [], (sidecar.name, column, late[:5])
    assert dated > 100  # claims, events, control dates and daily measurements were checked


def test_the_maps_draw_the_layer_of_the_sets_date(early_set):
    out, _ = early_set
    for slug in ("theatre", "donetsk", "pokrovsk", "kurakhove"):
        info = json.loads((out / f"{slug}.json").read_text(encoding="utf-8"))
        assert "DeepStateMap, 1\u00a0Oct\u00a02024" in info["source_line"].replace(" ", "\u00a0").replace(
            "DeepStateMap,\u00a0", "DeepStateMap, "
        ), (slug, info["source_line"])


def test_a_bad_as_of_is_one_line_and_writes_nothing(tmp_path):
    result = run("--out", str(tmp_path / "out"), "--format", "html", "--as-of", "2024-13-01")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("--as-of: "), result.stderr
    assert "2024-13-01" in result.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_frontline_none_skips_the_figures_drawn_from_layers_and_says_so(tmp_path):
    out = tmp_path / "out"
    result = run("--out", str(out), "--format", "html", "--only", "donetsk,occupied-area", "--frontline", "none")
    assert result.exit_code == 0, result.output
    assert "skipped occupied-area: it is drawn from control layers (--frontline auto)" in result.stderr
    assert {p.stem for p in out.glob("*.json")} == {"donetsk"}
    info = json.loads((out / "donetsk.json").read_text(encoding="utf-8"))
    assert "Front line not drawn" in info["source_line"] or "front line is not drawn" in info["alt"]


def test_frontline_path_draws_that_file_on_every_map(tmp_path):
    from conftest import REPO

    layer = REPO / "tests" / "fixtures" / "frontline" / "deepstatemap_data_20240901.geojson"
    out = tmp_path / "out"
    result = run("--out", str(out), "--format", "html", "--only", "donetsk,pokrovsk", "--frontline", str(layer))
    assert result.exit_code == 0, result.output
    for slug in ("donetsk", "pokrovsk"):
        info = json.loads((out / f"{slug}.json").read_text(encoding="utf-8"))
        assert "1\u00a0Sep\u00a02024" in info["source_line"].replace(" ", "\u00a0"), info["source_line"]
        assert "(the latest map)" in info["notes"]  # the file is older than the set's date, and the map says so


def test_frontline_auto_offline_with_nothing_cached_still_builds_the_set(tmp_path, monkeypatch):
    monkeypatch.setenv("VIZLIB_CACHE", str(tmp_path / "empty-cache"))
    monkeypatch.setenv("VIZLIB_DEEPSTATE_ARCHIVE_URL", str(tmp_path / "no-such-mirror"))
    monkeypatch.setenv("VIZLIB_DEEPSTATE_EXPORT_URL", str(tmp_path / "no-such-mirror"))
    out = tmp_path / "out"
    result = run("--out", str(out), "--format", "html", "--only", "donetsk,front-change,timeline", "--frontline", "auto")
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith("frontline:")]
    assert len(lines) == 1 and "nothing cached" in lines[0], result.stderr
    assert "skipped front-change" in result.stderr
    assert {p.stem for p in out.glob("*.json")} == {"donetsk", "timeline"}
