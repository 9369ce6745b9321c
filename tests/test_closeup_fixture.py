"""The hand-drawn close-up fixture (tests/fixtures/closeup_extra.geojson) is what its docstring says.

It stands in for a close-up water layer that no offline source provides: a
reservoir polygon with an island hole and a river line, at the Kurakhove
reservoir's place, labelled as a fixture. Tests of maps' ``extra=`` rely on
these properties, so they are checked here against exact measures in the
local equal-area frame the generator uses.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pyproj
import pytest
import shapely

FIXTURES = Path(__file__).parent / "fixtures"
PATH = FIXTURES / "closeup_extra.geojson"
LOCAL = "+proj=laea +lat_0=48 +lon_0=37 +datum=WGS84 +units=km"
TO_LOCAL = pyproj.Transformer.from_crs("EPSG:4326", LOCAL, always_xy=True)


def local(geom):
    return shapely.transform(geom, lambda x, y: TO_LOCAL.transform(x, y), interleaved=False)


@pytest.fixture(scope="module")
def layer() -> gpd.GeoDataFrame:
    return gpd.read_file(PATH).set_index("kind")


def test_fixture_is_labelled_as_a_fixture_not_data():
    raw = json.loads(PATH.read_text(encoding="utf-8"))
    assert raw["type"] == "FeatureCollection"
    assert raw["vizlib"]["fixture"] is True
    assert "NOT DATA" in raw["vizlib"]["note"]
    for feature in raw["features"]:
        assert "not geographic data" in feature["properties"]["source"]
        assert "(fixture)" in feature["properties"]["name"]


def test_reservoir_is_a_polygon_with_one_island_hole_and_rfc7946_winding():
    raw = json.loads(PATH.read_text(encoding="utf-8"))
    reservoir = shapely.geometry.shape(raw["features"][0]["geometry"])
    assert raw["features"][0]["properties"]["kind"] == "reservoir"
    assert reservoir.geom_type == "Polygon" and reservoir.is_valid
    assert len(reservoir.interiors) == 1
    assert reservoir.exterior.is_ccw
    assert not reservoir.interiors[0].is_ccw


def test_reservoir_measures_are_exact_in_the_local_frame(layer):
    water = local(layer.geometry["reservoir"])
    island = shapely.Polygon(water.interiors[0])
    assert water.area == pytest.approx(11.6, rel=1e-4)
    assert island.area == pytest.approx(0.4, rel=1e-4)
    assert water.bounds == pytest.approx((15, -0.6, 25, 0.6), abs=1e-3)


def test_reservoir_sits_where_the_kurakhove_reservoir_is(layer):
    lon0, lat0, lon1, lat1 = layer.geometry["reservoir"].bounds
    assert 37.19 < lon0 < lon1 < 37.34
    assert 47.99 < lat0 < lat1 < 48.01


def test_river_flows_west_through_the_reservoir_and_misses_the_island(layer):
    river, water = layer.geometry["river"], layer.geometry["reservoir"]
    island = shapely.Polygon(water.interiors[0])
    assert river.geom_type == "LineString"
    start, end = river.coords[0], river.coords[-1]
    assert start[0] > end[0]  # listed in the direction of flow, east to west
    assert river.crosses(water)
    assert not river.intersects(island)
    assert not water.covers(shapely.Point(start)) and not water.covers(shapely.Point(end))


def test_generator_reproduces_the_committed_file(tmp_path):
    script = (FIXTURES / "make_closeup_extra.py").read_text(encoding="utf-8")
    copy = tmp_path / "make_closeup_extra.py"
    copy.write_text(script, encoding="utf-8")
    subprocess.run([sys.executable, str(copy)], check=True, capture_output=True, cwd=tmp_path)
    assert (tmp_path / "closeup_extra.geojson").read_bytes() == PATH.read_bytes()
