"""`vizlib figures`: exports the registry into a folder with a README; clear one-line errors."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_export import standin

from vizlib import registry
from vizlib.cli import main
from vizlib.registry import FigureSpec


def standin_builder(size: str = "column", theme: str = "light"):
    return standin("alpha", size=size, theme_name=theme, title="Alpha <figure>")


def standin_builder_beta(size: str = "column", theme: str = "light"):
    return standin("beta", size=size, theme_name=theme, title="Beta")


#: A private-use character of the last plane: no installed font draws it.
BOXED = "\U0010fffd"


def boxed_builder(size: str = "column", theme: str = "light"):
    return standin("alpha", size=size, theme_name=theme, title=f"Alpha {BOXED}")


def broken_builder(**options):
    raise ValueError("data/places.csv:3: lat: out of range\ndata/places.csv:4: lon: missing")


@pytest.fixture
def standins(monkeypatch):
    specs = {
        "alpha": FigureSpec("alpha", "Stand-in alpha", __name__, "standin_builder"),
        "beta": FigureSpec("beta", "Stand-in beta", __name__, "standin_builder_beta"),
    }
    monkeypatch.setattr(registry, "FIGURES", specs)
    return specs


def run(*args: str):
    return CliRunner().invoke(main, ["figures", *args])


@pytest.mark.browser
def test_exports_every_figure_and_writes_a_readme(standins, tmp_path):
    result = run("--out", str(tmp_path), "--size", "social", "--theme", "dark")
    assert result.exit_code == 0, result.output
    expected = {f"{n}.{e}" for n in standins for e in ("png", "svg", "html", "embed.html", "csv", "json")}
    assert expected | {"plotly.min.js", "README.md"} == {p.name for p in tmp_path.iterdir()}
    m = json.loads((tmp_path / "alpha.json").read_text())
    assert m["size"] == {"width": 600, "height": 337.5, "png_scale": 2} and m["html"] == "plotly.min.js"  # 1200x675 PNG
    png = (tmp_path / "alpha.png").read_bytes()
    assert (int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")) == (1200, 675)  # the standard card
    # the web page carries the phone, column and wide layouts in both themes, whatever --size and --theme say
    assert [(r["size"], r["theme"]) for r in m["layouts"]] == [
        (size, name) for size in registry.PAGE_SIZES for name in registry.PAGE_THEMES
    ]
    assert (
        m["lang"] == "en" and '<iframe id="alpha-embed" src="alpha.html"' in (tmp_path / "alpha.embed.html").read_text()
    )
    readme = (tmp_path / "README.md").read_text()
    assert readme.index("## Alpha \\<figure\\>") < readme.index("## Beta")
    assert '![A line rising from 11,000 to 50,000 \\<b\\>troops\\</b\\> "as claimed"](alpha.png)' in readme.splitlines()
    assert "(alpha.png)" in readme and "[SVG](alpha.svg)" in readme and "[HTML](alpha.html)" in readme
    assert "[CSV](alpha.csv)" in readme and "[manifest](alpha.json)" in readme
    assert "As of 11 Nov 2024" in readme


def test_only_and_format_choose_what_is_written_and_readme_keeps_the_rest(standins, tmp_path):
    (tmp_path / "README.md").write_text("old")
    assert run("--out", str(tmp_path), "--format", "html", "--html", "self-contained").exit_code == 0
    assert run("--out", str(tmp_path), "--only", "beta", "--format", "html").exit_code == 0
    names = {p.name for p in tmp_path.iterdir()}
    assert {"alpha.html", "beta.html", "plotly.min.js", "README.md"} <= names and "alpha.png" not in names
    readme = (tmp_path / "README.md").read_text()
    assert "## Alpha" in readme and "## Beta" in readme and "![" not in readme  # no PNG exported, no image


def test_unknown_figure_exits_2_listing_the_known_ones(standins, tmp_path):
    result = run("--out", str(tmp_path), "--only", "alpha,gamma")
    assert result.exit_code == 2
    assert result.stderr == "unknown figure(s): gamma; known: alpha, beta\n"
    assert not tmp_path.joinpath("alpha.json").exists()


def test_unknown_format_exits_2(standins, tmp_path):
    result = run("--out", str(tmp_path), "--format", "png,gif")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "--format takes a comma-separated list of png, svg, pdf, html" in result.stderr


def test_export_error_exits_1_with_one_line(standins, tmp_path, monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-chromium"))
    result = run("--out", str(tmp_path / "out"), "--format", "png")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: no usable browser")
    assert "apt-get install chromium" in result.stderr


def test_a_broken_builder_is_reported_and_the_others_are_exported(standins, tmp_path):
    standins["broken"] = FigureSpec("broken", "Broken", __name__, "broken_builder")
    result = run("--out", str(tmp_path), "--format", "html")
    assert result.exit_code == 1
    assert result.stderr == (
        "error: broken: ValueError: data/places.csv:3: lat: out of range; data/places.csv:4: lon: missing\n"
    )
    assert (tmp_path / "alpha.html").is_file() and (tmp_path / "beta.json").is_file()


def test_unknown_figure_as_a_process_prints_no_traceback(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "vizlib.cli", "figures", "--out", str(tmp_path), "--only", "atlantis"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("unknown figure(s): atlantis; known: theatre, kursk, donetsk")
    assert "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1


# ------------------------------------------------------------------ --data: needs checked before writing

DATA = Path(__file__).resolve().parents[1] / "data"
SPREADSHEET = Path(__file__).parent / "fixtures" / "spreadsheet"


def _regions_file(folder: Path, keep, mutate=None) -> Path:
    folder.mkdir(exist_ok=True)
    collection = json.loads((DATA / "regions.geojson").read_text(encoding="utf-8"))
    collection["features"] = [f for f in collection["features"] if keep(f["properties"]["iso_3166_2"])]
    if mutate:
        mutate(collection)
    path = folder / "regions.geojson"
    path.write_text(json.dumps(collection), encoding="utf-8")
    return path


def _listing(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


def test_every_need_is_declared_as_data_and_met_by_the_bundled_data():
    from vizlib import data, schemas

    bundled = {"regions": data.regions(), "claims": data.claims(), "events": data.events()}
    declared = 0
    for spec in registry.FIGURES.values():
        for need in spec.needs:
            fields = (schemas.CSV_KINDS | schemas.GEOJSON_KINDS)[need.kind].model_fields
            assert need.column in fields, (spec.slug, need)
            assert bundled[need.kind][need.column].isin(need.values).any(), (spec.slug, need)
            declared += 1
    assert declared == 25
    assert [n.values for n in registry.FIGURES["north-korea"].needs] == [("nk_troops_russia", "nk_troops_kursk")]


@pytest.mark.parametrize("slug", ["theatre", "kursk", "donetsk"])
def test_each_map_builds_from_a_regions_file_holding_only_what_it_declares(slug, tmp_path):
    codes = {v for need in registry.FIGURES[slug].needs for v in need.values}
    path = _regions_file(tmp_path, lambda code: code in codes)
    fig = registry.build(slug, data={"regions": path})
    drawn = {t.meta for t in fig.data if isinstance(t.meta, str)}
    assert {f"land:{c}" for c in codes if "-" not in c} <= drawn  # each country outlined is drawn
    assert {m for m in drawn if m.startswith("highlight:")} <= {f"highlight:{c}" for c in codes}
    assert any(m.startswith("highlight:") for m in drawn)


def test_regions_without_the_russian_oblasts_write_nothing_and_name_each_need(tmp_path):
    _regions_file(tmp_path / "mine", lambda code: not code.startswith("RU-"))
    out = tmp_path / "out"
    result = run("--data", str(tmp_path / "mine"), "--format", "html", "--out", str(out))
    assert result.exit_code == 2
    assert result.stderr == (
        "regions.geojson: iso_3166_2: no 'RU-KRS' (figure theatre needs it)\n"
        "regions.geojson: iso_3166_2: no 'RU-KRS' (figure kursk needs it)\n"
        "nothing written; this data can make: --only donetsk,pokrovsk,kurakhove,front-change,front-animation,"
        "pokrovsk-multiples,troops-kursk,north-korea,kursk-area,occupied-area,timeline\n"
    )
    assert _listing(out) == {}


def test_only_builds_what_the_user_asked_for_when_the_data_can_make_it(tmp_path):
    _regions_file(tmp_path / "mine", lambda code: not code.startswith("RU-"))
    out = tmp_path / "out"
    result = run(
        "--data", str(tmp_path / "mine"), "--only", "donetsk,troops-kursk", "--format", "html", "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    assert {p.stem for p in out.iterdir() if p.suffix == ".json"} == {"donetsk", "troops-kursk"}


def test_only_a_figure_the_data_cannot_make_writes_nothing_and_says_what_is_missing(tmp_path):
    _regions_file(tmp_path / "mine", lambda code: code not in ("RU-KRS", "UA", "RU"))
    out = tmp_path / "out"
    out.mkdir()
    (out / "README.md").write_text("earlier export")
    before = _listing(out)
    result = run("--data", str(tmp_path / "mine"), "--only", "kursk,timeline", "--format", "html", "--out", str(out))
    assert result.exit_code == 2
    assert result.stderr == (
        "regions.geojson: iso_3166_2: no 'RU-KRS' (figure kursk needs it)\n"
        "regions.geojson: iso_3166_2: no 'UA' (figure kursk needs it)\n"
        "regions.geojson: iso_3166_2: no 'RU' (figure kursk needs it)\n"
        "nothing written\n"
    )
    assert _listing(out) == before


def test_claims_exported_by_a_spreadsheet_are_read_and_the_charts_they_cannot_make_named(tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "claims.csv").write_bytes((SPREADSHEET / "claims_excel_sep_line.csv").read_bytes())
    out = tmp_path / "out"
    result = run("--data", str(mine), "--format", "html", "--out", str(out))
    assert result.exit_code == 2
    assert result.stderr == (
        "claims.csv: subject: no 'nk_troops_russia' or 'nk_troops_kursk' (figure north-korea needs one)\n"
        "claims.csv: subject: no 'ua_held_area_kursk' (figure kursk-area needs it)\n"
        "nothing written; this data can make: --only theatre,kursk,donetsk,pokrovsk,kurakhove,front-change,"
        "front-animation,pokrovsk-multiples,troops-kursk,occupied-area,timeline\n"
    )
    assert _listing(out) == {}
    result = run("--data", str(mine), "--only", "troops-kursk", "--format", "html", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "ru_kursk_before_pavliuk" in (out / "troops-kursk.csv").read_text(encoding="utf-8")


def test_vizlibs_places_are_checked_against_the_users_boundaries_before_writing(tmp_path):
    def shrink_sumy(collection):  # a UA-59 that no longer holds the town of Sumy
        feature = next(f for f in collection["features"] if f["properties"]["iso_3166_2"] == "UA-59")
        feature["geometry"] = {"type": "Polygon", "coordinates": [[[33, 51], [33.1, 51], [33.1, 51.1], [33, 51]]]}

    _regions_file(tmp_path / "mine", lambda code: True, shrink_sumy)
    out = tmp_path / "out"
    result = run("--data", str(tmp_path / "mine"), "--format", "html", "--out", str(out))
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines and all(line.startswith("vizlib's places.csv:") for line in lines)
    assert any(
        re.match(
            r"vizlib's places.csv:\d+: lat,lon: 50\.9174, 34\.7991 is \d+\.\d km outside UA-59 \(precision_m 1000\)$",
            line,
        )
        for line in lines
    )
    assert _listing(out) == {}


@pytest.mark.browser
def test_a_character_no_font_draws_is_one_warning_line_naming_figure_and_text(monkeypatch, tmp_path):
    from vizlib import _fonts

    if not _fonts.can_check():
        pytest.skip("fontconfig's fc-list is not installed")
    spec = FigureSpec("alpha", "Stand-in alpha", __name__, "boxed_builder")
    monkeypatch.setattr(registry, "FIGURES", {"alpha": spec})
    result = run("--out", str(tmp_path), "--format", "svg")
    assert result.exit_code == 0, result.output
    warned = [line for line in result.output.splitlines() if line.startswith("warning:")]
    assert warned == [
        f"warning: alpha: no installed font draws {BOXED} (U+10FFFD) in {'Alpha ' + BOXED!r}; they print as empty "
        "boxes (install a font for that script, e.g. Debian's fonts-noto-cjk)"
    ]


def test_a_bad_embed_base_url_is_one_line_and_exit_2(standins, tmp_path):
    result = run("--out", str(tmp_path / "out"), "--format", "html", "--embed-base-url", "ftp://example.org/graphics")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert "--embed-base-url" in result.stderr and "'ftp://example.org/graphics'" in result.stderr
    assert not (tmp_path / "out").exists()


def test_the_embed_base_url_goes_into_every_snippet(standins, tmp_path):
    result = run("--out", str(tmp_path), "--format", "html", "--embed-base-url", "https://example.org/g/")
    assert result.exit_code == 0, result.output
    for name in standins:
        snippet = (tmp_path / f"{name}.embed.html").read_text(encoding="utf-8")
        assert f'<iframe id="{name}-embed" src="https://example.org/g/{name}.html"' in snippet


@pytest.mark.browser
@pytest.mark.parametrize(("size", "builds"), [("column", 3), ("social", 4)])
def test_a_web_page_reuses_the_figure_when_it_is_one_of_its_layouts(standins, tmp_path, monkeypatch, size, builds):
    made = []
    real = registry.build
    monkeypatch.setattr(registry, "build", lambda slug, *a, **k: made.append((slug, k.get("size"))) or real(slug, *a, **k))
    result = run("--out", str(tmp_path), "--only", "alpha", "--format", "html", "--size", size)
    assert result.exit_code == 0, result.output
    # the page carries 3 sizes x 2 themes, each size drawn once (dark is light recoloured):
    # a column figure is one of them, a social card is not
    assert len(made) == builds, made
    layouts = json.loads((tmp_path / "alpha.json").read_text())["layouts"]
    assert len(layouts) == 6
