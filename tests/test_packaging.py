"""A non-editable wheel carries the data files and works from any directory."""

from __future__ import annotations

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
