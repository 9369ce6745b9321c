"""A non-editable wheel carries the data files and works from any directory."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile

import pytest
from conftest import REPO

DATA_FILES = ("claims.csv", "events.csv", "places.csv", "regions.geojson", "locator.geojson")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(REPO)],
        check=True,
        capture_output=True,
    )
    (path,) = out.glob("vizlib-*.whl")
    return path


def test_wheel_ships_the_data_files(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for name in DATA_FILES:
        assert f"vizlib/_data/{name}" in names
    assert any(n.endswith("entry_points.txt") for n in names)


def test_wheel_carries_compiled_catalogs_that_translate(wheel, tmp_path):
    """hatch_build.py compiles each .po into the wheel; the installed package reads the .mo (the .po removed)."""
    from babel.messages.mofile import read_mo
    from babel.messages.pofile import read_po

    names = zipfile.ZipFile(wheel).namelist()
    mo_name = "vizlib/locale/uk/LC_MESSAGES/vizlib.mo"
    assert mo_name in names and not any(n.endswith(".pot") for n in names)
    with (REPO / "vizlib" / "locale" / "uk" / "LC_MESSAGES" / "vizlib.po").open("rb") as handle:
        po = {m.id: m.string for m in read_po(handle) if m.id}
    mo = {m.id: m.string for m in read_mo(io.BytesIO(zipfile.ZipFile(wheel).read(mo_name))) if m.id}
    assert mo == po and len(mo) > 150  # every translation, as written
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    (target / "vizlib" / "locale" / "uk" / "LC_MESSAGES" / "vizlib.po").unlink()
    code = "from vizlib import i18n; t = i18n.words('uk'); print(t('Sources'), '|', t('{km} km', km=t.number(50000)))"
    env = {**os.environ, "PYTHONPATH": str(target)}
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "Джерела | 50\u00a0000 км"


def test_installed_wheel_loads_its_own_data_from_another_directory(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    code = (
        "import vizlib, vizlib.data as d, vizlib._paths as p;"
        "print(p.data_dir()); print(len(d.claims()), len(d.places()), len(d.regions()))"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    folder, counts = out.stdout.strip().splitlines()
    assert folder.startswith(str(target))
    assert int(counts.split()[0]) > 20
