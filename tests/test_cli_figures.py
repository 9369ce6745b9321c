"""`vizlib figures`: exports the registry into a folder with a README; clear one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

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
    expected = {f"{n}.{e}" for n in standins for e in ("png", "svg", "html", "csv", "json")}
    assert expected | {"plotly.min.js", "README.md"} == {p.name for p in tmp_path.iterdir()}
    m = json.loads((tmp_path / "alpha.json").read_text())
    assert m["size"] == {"width": 1200, "height": 675, "png_scale": 2} and m["html"] == "plotly.min.js"
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
