"""Frontline layer: readers, download + cache (local HTTP server only), area and distance.

The fixtures are squares laid out in kilometres in a local equal-area frame
(see tests/fixtures/frontline/make_fixtures.py), so areas and distances are
known exactly. The real DeepStateMap samples in ../shared/data/frontline are
used when present.
"""

from __future__ import annotations

import http.server
import json
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd
import pyproj
import pytest
import shapely
from shapely.geometry import box

from vizlib import DataError, data, frontline
from vizlib.frontline import FRONTLINE_COLUMNS, FrontlineUnavailableError, occupied, read_frontline

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "frontline"
REAL = REPO.parent / "shared" / "data" / "frontline"
LOCAL = "+proj=laea +lat_0=48 +lon_0=37 +datum=WGS84 +units=km"
TO_LONLAT = pyproj.Transformer.from_crs(LOCAL, "EPSG:4326", always_xy=True)


def lonlat(x_km: float, y_km: float) -> tuple[float, float]:
    return TO_LONLAT.transform(x_km, y_km)


def local_box(x0, y0, x1, y1):
    ring = shapely.segmentize(box(x0, y0, x1, y1), 0.5)
    return shapely.transform(ring, lambda x, y: TO_LONLAT.transform(x, y), interleaved=False)


def town_frame(towns: dict[str, tuple[float, float]]) -> pd.DataFrame:
    rows = []
    for name, (x, y) in towns.items():
        lon, lat = lonlat(x, y)
        rows.append({"id": name, "name": name.title(), "lat": lat, "lon": lon})
    return pd.DataFrame(rows)


def km2(frame: pd.DataFrame, status: str) -> float:
    return frame.loc[frame["status"] == status, "km2"].item()


# ------------------------------------------------------------------ schema + readers


def test_archive_file_reads_as_one_occupied_row_in_the_schema():
    layer = read_frontline(FIXTURES / "deepstatemap_data_20240901.geojson")
    assert list(layer.columns) == FRONTLINE_COLUMNS == ["status", "date", "source", "source_url", "geometry"]
    assert layer.crs.to_epsg() == 4326
    assert layer["status"].tolist() == ["occupied"]
    assert layer["date"].dtype == "datetime64[ns]"
    assert layer["date"].iloc[0] == pd.Timestamp("2024-09-01")
    assert layer["source"].iloc[0] == "DeepStateMap via cyterat/deepstate-map-data, 1 Sep 2024 (GPL-3.0)"
    # The published address of the file, never the reader's own path.
    assert layer["source_url"].iloc[0] == frontline.ARCHIVE_URL + "deepstatemap_data_20240901.geojson"
    assert layer.is_valid.all() and set(layer.geom_type) <= {"Polygon", "MultiPolygon"}


def test_date_and_source_arguments_override_the_file_name(tmp_path):
    path = tmp_path / "occupied.geojson"
    shutil.copy(FIXTURES / "deepstatemap_data_20240901.geojson", path)
    with pytest.raises(DataError, match=r"occupied.geojson: date: no date in the file name"):
        read_frontline(path)
    layer = read_frontline(path, date="2024-10-05", source="My copy")
    assert layer["date"].iloc[0] == pd.Timestamp("2024-10-05")
    assert layer["source"].iloc[0] == "My copy"


def test_export_maps_status_keys_dissolves_and_ignores_other_layers():
    layer = read_frontline(FIXTURES / "deepstate_export_20240902.geojson")
    assert layer["status"].tolist() == ["occupied", "ukrainian_held", "unknown"]
    assert layer["date"].unique().tolist() == [pd.Timestamp("2024-09-02")]
    assert layer["source"].iloc[0] == "DeepStateMap export, 2 Sep 2024"
    areas = frontline.area_by_status(layer, local_box(-50, -50, 50, 50))
    # Two overlapping occupied squares count once (150, not 200), plus the Crimea-layer
    # square (4); liberated + dismissed = 150; the Abkhazia square, point and line are ignored.
    assert km2(areas, "occupied") == pytest.approx(154, rel=0.005)
    assert km2(areas, "ukrainian_held") == pytest.approx(150, rel=0.005)
    assert km2(areas, "unknown") == pytest.approx(40, rel=0.005)
    assert layer.is_valid.all()


def test_geodataframe_input_in_schema_and_raw_shapes():
    layer = read_frontline(FIXTURES / "deepstate_export_20240902.geojson")
    again = read_frontline(layer)
    assert again["status"].tolist() == layer["status"].tolist()
    assert again["source"].iloc[0] == layer["source"].iloc[0]
    raw = layer.drop(columns=["status", "date", "source", "source_url"])
    with pytest.raises(DataError, match="date: no date; pass date="):
        read_frontline(raw)
    assert read_frontline(raw, date="2024-09-02")["status"].tolist() == ["occupied"]


def write_json(tmp_path: Path, name: str, obj) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(obj), encoding="utf-8")
    return path


SQUARE = [[[37.0, 48.0], [37.1, 48.0], [37.1, 48.1], [37.0, 48.1], [37.0, 48.0]]]


@pytest.mark.parametrize(
    ("obj", "message"),
    [
        ({"type": "Feature", "geometry": None}, r"deepstatemap_data_20240901.geojson: type: must be a FeatureCollection, not Feature"),
        ([1, 2], r"type: must be a FeatureCollection, not list"),
        ({"type": "FeatureCollection", "features": []}, r"features: no features"),
        (
            {"type": "FeatureCollection", "features": [
                {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [37, 48]}}]},
            r"deepstatemap_data_20240901.geojson: features: no polygons",
        ),
        (
            {"type": "FeatureCollection", "features": [
                {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": SQUARE}},
                {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [
                    [[37.0, 48.0], [37.1, 48.0], [37.0, 48.0]]]}}]},
            r"deepstatemap_data_20240901.geojson:2: geometry: invalid polygon that cannot be repaired",
        ),
        (
            {"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:made:up:crs"}},
             "features": [
                 {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": SQUARE}}]},
            r"deepstatemap_data_20240901.geojson: crs: unknown CRS 'urn:made:up:crs'",
        ),
        (
            {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": {
                "type": "Polygon", "coordinates": [[[4e6, 6e6], [4.1e6, 6e6], [4.1e6, 6.1e6], [4e6, 6e6]]]}}]},
            r"deepstatemap_data_20240901.geojson:1: geometry: coordinates are not lon/lat degrees",
        ),
        (
            {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {
                "name": "Units /// geoJSON.units.storm-z"}, "geometry": {"type": "Polygon", "coordinates": SQUARE}}]},
            r"features: no polygons of a known status",
        ),
    ],
)
def test_malformed_input_raises_data_error_naming_file_feature_and_field(tmp_path, obj, message):
    path = write_json(tmp_path, "deepstatemap_data_20240901.geojson", obj)
    with pytest.raises(DataError, match=message):
        read_frontline(path)


def test_not_json_and_missing_file(tmp_path):
    path = tmp_path / "deepstatemap_data_20240901.geojson"
    path.write_text("<html>rate limited</html>", encoding="utf-8")
    with pytest.raises(DataError, match=r"deepstatemap_data_20240901.geojson:1: file: not valid JSON"):
        read_frontline(path)
    with pytest.raises(DataError, match="no such file"):
        read_frontline(tmp_path / "nothing_20240901.geojson")


def test_self_intersecting_polygon_is_repaired_and_a_projected_crs_is_converted(tmp_path):
    bowtie = [[[37.0, 48.0], [37.1, 48.1], [37.1, 48.0], [37.0, 48.1], [37.0, 48.0]]]
    path = write_json(tmp_path, "deepstatemap_data_20240901.geojson", {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": bowtie}}]})
    layer = read_frontline(path)
    assert layer.is_valid.all() and layer.geometry.iloc[0].area == pytest.approx(0.005)

    to_mercator = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
    ring = [list(to_mercator.transform(x, y)) for x, y in SQUARE[0]]
    path = write_json(tmp_path, "deepstatemap_data_20240902.geojson", {
        "type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}},
        "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [ring]}}]})
    bounds = read_frontline(path).total_bounds
    assert bounds == pytest.approx([37.0, 48.0, 37.1, 48.1], abs=1e-9)


# ------------------------------------------------------------------ analysis (exact)


def test_area_by_status_and_change_on_known_squares():
    a = read_frontline(FIXTURES / "deepstatemap_data_20240901.geojson")
    b = read_frontline(FIXTURES / "deepstatemap_data_20240903.geojson")
    everything = local_box(-50, -50, 50, 50)
    assert km2(frontline.area_by_status(a, everything), "occupied") == pytest.approx(125, rel=0.005)
    # A region cutting square A in half and missing square B.
    half = local_box(5, -5, 15, 15)
    assert km2(frontline.area_by_status(a, half), "occupied") == pytest.approx(50, rel=0.005)
    change = frontline.area_change(a, b, everything)
    assert list(change.columns) == ["date_a", "date_b", "status", "km2_a", "km2_b", "change_km2"]
    row = change.iloc[0]
    assert (row.date_a, row.date_b, row.status) == (pd.Timestamp("2024-09-01"), pd.Timestamp("2024-09-03"), "occupied")
    assert row.km2_a == pytest.approx(125, rel=0.005)
    assert row.km2_b == pytest.approx(145, rel=0.005)
    assert row.change_km2 == pytest.approx(20, rel=0.005)


def test_area_change_leaves_a_status_only_one_layer_has_as_nan():
    archive = read_frontline(FIXTURES / "deepstatemap_data_20240901.geojson")
    export = read_frontline(FIXTURES / "deepstate_export_20240902.geojson")
    change = frontline.area_change(archive, export, local_box(-50, -50, 50, 50)).set_index("status")
    assert change.loc["occupied", "change_km2"] == pytest.approx(154 - 125, abs=0.5)
    assert pd.isna(change.loc["unknown", "km2_a"]) and pd.isna(change.loc["unknown", "change_km2"])


def test_area_by_status_with_a_region_code():
    layer = read_frontline(FIXTURES / "deepstatemap_data_20240901.geojson")
    # The fixture squares lie well inside Donetsk oblast (UA-14), none in Kursk oblast.
    assert km2(frontline.area_by_status(layer, "UA-14"), "occupied") == pytest.approx(125, rel=0.005)
    assert km2(frontline.area_by_status(layer, "RU-KRS"), "occupied") == 0
    with pytest.raises(DataError, match="no region 'XX-99'"):
        frontline.area_by_status(layer, "XX-99")


def test_distance_to_known_squares():
    a = read_frontline(FIXTURES / "deepstatemap_data_20240901.geojson")
    b = read_frontline(FIXTURES / "deepstatemap_data_20240903.geojson")
    towns = town_frame({"west": (-3, 5), "between": (14, 5), "inside": (5, 5), "far": (-60, 5)})
    on_a = frontline.distance_to(a, towns)
    assert list(on_a.columns) == ["id", "name", "date", "status", "distance_km"]
    assert on_a["id"].tolist() == ["west", "between", "inside", "far"]
    assert on_a["distance_km"].tolist() == pytest.approx([3, 4, 0, 60], rel=0.005)
    assert on_a["date"].unique().tolist() == [pd.Timestamp("2024-09-01")]
    # Square A grew 2 km east by 3 Sep: "between" is now 2 km away.
    assert frontline.distance_to(b, towns)["distance_km"].tolist() == pytest.approx([3, 2, 0, 60], rel=0.005)


def test_distance_to_other_statuses_and_bad_arguments():
    export = read_frontline(FIXTURES / "deepstate_export_20240902.geojson")
    towns = town_frame({"t": (-5, 5)})
    held = frontline.distance_to(export, towns, status="ukrainian_held")
    assert held["distance_km"].item() == pytest.approx(5, rel=0.005)
    unknown = frontline.distance_to(export, towns, status="unknown")
    assert unknown["distance_km"].item() == pytest.approx(((5**2) + (15**2)) ** 0.5, rel=0.005)
    archive = read_frontline(FIXTURES / "deepstatemap_data_20240901.geojson")
    with pytest.raises(DataError, match="the layer has no 'unknown' areas"):
        frontline.distance_to(archive, towns, status="unknown")
    with pytest.raises(DataError, match="'held' is not one of"):
        frontline.distance_to(archive, towns, status="held")
    with pytest.raises(DataError, match="no place 'atlantis'"):
        frontline.distance_to(archive, ["kurakhove", "atlantis"])


def test_distance_to_place_ids_uses_the_bundled_places():
    layer = read_frontline(FIXTURES / "deepstatemap_data_20240901.geojson")
    result = frontline.distance_to(layer, ["pokrovsk", "kurakhove"])
    assert result["name"].tolist() == ["Pokrovsk", "Kurakhove"]
    assert (result["distance_km"] > 0).all()
    everyone = frontline.distance_to(layer)
    assert len(everyone) == len(data.places())


# ------------------------------------------------------------------ download (127.0.0.1 only)


class Archive:
    """A local HTTP server holding a dict of files, counting requests."""

    def __init__(self, files: dict[str, bytes]):
        self.files = dict(files)
        self.requests: list[str] = []
        archive = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                archive.requests.append(self.path)
                body = archive.files.get(self.path.rsplit("/", 1)[-1])
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/data/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.fixture(autouse=True)
def _no_proxy_for_localhost(monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


@pytest.fixture
def server():
    files = {name: fixture_bytes(name) for name in ("deepstatemap_data_20240901.geojson",
                                                     "deepstatemap_data_20240903.geojson")}
    with Archive(files) as archive:
        yield archive


def test_download_cache_miss_then_hit(server, tmp_path):
    layer = occupied("2024-09-03", cache_dir=tmp_path, base_url=server.url)
    assert server.requests == ["/data/deepstatemap_data_20240903.geojson"]
    assert layer["date"].iloc[0] == pd.Timestamp("2024-09-03")
    assert layer["source_url"].iloc[0] == server.url + "deepstatemap_data_20240903.geojson"
    assert layer["source"].iloc[0] == "DeepStateMap via cyterat/deepstate-map-data, 3 Sep 2024 (GPL-3.0)"
    cached = tmp_path / "deepstatemap" / "deepstatemap_data_20240903.geojson"
    assert cached.read_bytes() == fixture_bytes("deepstatemap_data_20240903.geojson")
    registry = json.loads((tmp_path / "deepstatemap" / "registry.json").read_text())
    assert registry["sha256"]["deepstatemap_data_20240903.geojson"] == __import__("hashlib").sha256(
        cached.read_bytes()).hexdigest()

    again = occupied(pd.Timestamp("2024-09-03"), cache_dir=tmp_path, base_url=server.url)
    assert len(server.requests) == 1  # served from the cache
    assert again.geometry.iloc[0].equals(layer.geometry.iloc[0])


def test_missing_day_falls_back_to_the_nearest_earlier_date(server, tmp_path):
    layer = occupied("2024-09-02", cache_dir=tmp_path, base_url=server.url)
    assert layer["date"].iloc[0] == pd.Timestamp("2024-09-01")
    assert server.requests == ["/data/deepstatemap_data_20240902.geojson", "/data/deepstatemap_data_20240901.geojson"]
    # A past gap is remembered: asking again needs no request at all.
    assert occupied("2024-09-02", cache_dir=tmp_path, base_url=server.url)["date"].iloc[0] == pd.Timestamp("2024-09-01")
    assert len(server.requests) == 2
    with pytest.raises(DataError, match=r"no archive file for 2024-09-02 or the 0 days before"):
        occupied("2024-09-02", cache_dir=tmp_path / "other", base_url=server.url, max_days_back=0)
    with pytest.raises(DataError, match="the archive starts on 2024-07-08"):
        occupied("2024-07-01", cache_dir=tmp_path, base_url=server.url)


def test_corrupted_download_is_rejected_and_nothing_cached(server, tmp_path):
    occupied("2024-09-01", cache_dir=tmp_path, base_url=server.url)
    cached = tmp_path / "deepstatemap" / "deepstatemap_data_20240901.geojson"
    cached.unlink()
    # The server now returns different (valid GeoJSON) bytes than the recorded hash.
    server.files["deepstatemap_data_20240901.geojson"] = fixture_bytes("deepstatemap_data_20240903.geojson")
    with pytest.raises(DataError, match="sha256: download does not match the hash recorded"):
        occupied("2024-09-01", cache_dir=tmp_path, base_url=server.url)
    assert not cached.exists()
    assert sorted(p.name for p in cached.parent.iterdir()) == ["registry.json"]


def test_corrupted_cached_file_is_rejected_without_a_request(server, tmp_path):
    occupied("2024-09-01", cache_dir=tmp_path, base_url=server.url)
    cached = tmp_path / "deepstatemap" / "deepstatemap_data_20240901.geojson"
    cached.write_bytes(cached.read_bytes().replace(b"37.", b"36."))
    with pytest.raises(DataError, match="cached file does not match the hash recorded"):
        occupied("2024-09-01", cache_dir=tmp_path, base_url=server.url)
    assert len(server.requests) == 1


def test_a_first_download_that_is_not_geojson_is_not_kept(server, tmp_path):
    server.files["deepstatemap_data_20240905.geojson"] = b"<html>oops</html>"
    with pytest.raises(DataError, match="not valid JSON"):
        occupied("2024-09-05", cache_dir=tmp_path, base_url=server.url)
    folder = tmp_path / "deepstatemap"
    assert not (folder / "deepstatemap_data_20240905.geojson").exists()
    assert not (folder / "registry.json").exists()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_server_down_without_cache_gives_one_clear_error(tmp_path):
    url = f"http://127.0.0.1:{free_port()}/data/"
    with pytest.raises(FrontlineUnavailableError) as caught:
        occupied("2024-09-01", cache_dir=tmp_path, base_url=url)
    assert len(caught.value.problems) == 1
    message = str(caught.value)
    assert f"cannot download {url}deepstatemap_data_20240901.geojson (ConnectionError)" in message
    assert "read_frontline(path)" in message
    assert isinstance(caught.value, DataError)


def test_server_down_with_cache_still_works(server, tmp_path):
    occupied("2024-09-01", cache_dir=tmp_path, base_url=server.url)
    down = f"http://127.0.0.1:{free_port()}/data/"
    assert occupied("2024-09-01", cache_dir=tmp_path, base_url=down)["status"].tolist() == ["occupied"]


def test_cache_dir_from_environment(server, tmp_path, monkeypatch):
    monkeypatch.setenv("VIZLIB_CACHE", str(tmp_path / "env-cache"))
    occupied("2024-09-01", base_url=server.url)
    assert (tmp_path / "env-cache" / "deepstatemap" / "deepstatemap_data_20240901.geojson").exists()


def test_importing_vizlib_data_loads_no_heavy_library_and_exposes_the_loaders():
    code = ("import sys, vizlib.data as d; "
            "assert d.occupied is __import__('vizlib.frontline').frontline.occupied; "
            "assert {'occupied', 'read_frontline'} <= set(d.__all__); "
            "print(sorted(m for m in ('geopandas', 'shapely', 'pooch', 'requests', 'plotly') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# ------------------------------------------------------------------ real samples


def real(name: str) -> Path:
    path = REAL / name
    if not path.exists():
        pytest.skip(f"real sample {name} not present")
    return path


@pytest.fixture(scope="module")
def real_layers():
    return {day: read_frontline(real(f"deepstatemap_data_{day}.geojson")) for day in ("20241111", "20241120")}


def test_real_archive_occupied_area_in_donetsk_oblast(real_layers):
    for layer in real_layers.values():
        assert 10_000 < km2(frontline.area_by_status(layer, "UA-14"), "occupied") < 20_000
    change = frontline.area_change(real_layers["20241111"], real_layers["20241120"], "UA-14")
    assert 0 < change["change_km2"].item() < 1_000  # Russian advances, not a collapse


def test_real_archive_distances_kurakhove_and_pokrovsk(real_layers):
    for layer in real_layers.values():
        distances = frontline.distance_to(layer, ["kurakhove", "pokrovsk"]).set_index("id")["distance_km"]
        assert 0 <= distances["kurakhove"] <= 6
        assert 3 <= distances["pokrovsk"] <= 15
    before = frontline.distance_to(real_layers["20241111"], ["kurakhove"])["distance_km"].item()
    after = frontline.distance_to(real_layers["20241120"], ["kurakhove"])["distance_km"].item()
    assert after < before


def test_real_export_kursk_ukrainian_held_area():
    layer = read_frontline(real("deepstate_export_20241114.geojson"))
    assert set(layer["status"]) == {"occupied", "ukrainian_held", "unknown"}
    areas = frontline.area_by_status(layer, "RU-KRS")
    assert 300 < km2(areas, "ukrainian_held") < 1_500
    assert km2(areas, "occupied") == 0
    assert frontline.distance_to(layer, ["sudzha"], status="ukrainian_held")["distance_km"].item() == 0
