"""Frontline sources: archive, DeepStateMap exports (API and mirrors), cache, resolver and history.

Every server here listens on 127.0.0.1 (the ``no_network`` guard blocks
anything else): the archive's files, a fake DeepStateMap history API built
from the export fixtures, and folder mirrors. The real archive and export in
../shared/data/frontline are served the same way when present.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import http.server
import json
import logging
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from vizlib import DataError, frontline
from vizlib.frontline import FrontlineUnavailableError, export, for_date, history, occupied, resolve
from vizlib.frontline._cache import LOCK, Cache

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "frontline"
SHARED = REPO.parent / "shared" / "data" / "frontline"
ENV = ("VIZLIB_CACHE", "VIZLIB_DEEPSTATE_ARCHIVE_URL", "VIZLIB_DEEPSTATE_API_URL", "VIZLIB_DEEPSTATE_EXPORT_URL")


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def shared(path: str) -> Path:
    full = SHARED / path
    if not full.exists():
        pytest.skip(f"../shared/data/frontline/{path} is not present")
    return full


class Server:
    """An HTTP server on 127.0.0.1 answering ``route(path) -> bytes | None`` (None: 404), logging requests."""

    def __init__(self, route: Callable[[str], bytes | None]):
        self.requests: list[str] = []
        self.agents: list[str] = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                server.requests.append(self.path)
                server.agents.append(self.headers.get("User-Agent", ""))
                body = route(self.path)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        # shutdown() waits for serve_forever's next poll: 0.5 s by default, for every test's server
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def files_route(files: dict[str, bytes], prefix: str) -> Callable[[str], bytes | None]:
    return lambda path: files.get(path[len(prefix):]) if path.startswith(prefix) else None


def folder_route(folder: Path, prefix: str) -> Callable[[str], bytes | None]:
    def route(path: str) -> bytes | None:
        name = path[len(prefix):] if path.startswith(prefix) else ""
        file = folder / name
        return file.read_bytes() if name and "/" not in name and file.is_file() else None
    return route


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def dead_url(path: str = "/data/") -> str:
    return f"http://127.0.0.1:{free_port()}{path}"


@pytest.fixture(autouse=True)
def _offline(no_network, monkeypatch, tmp_path):
    """No internet, no proxy for 127.0.0.1, and none of the developer's own VIZLIB_* settings."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("VIZLIB_CACHE", str(tmp_path / "default-cache"))


@pytest.fixture
def server():
    files = {name: fixture_bytes(name) for name in ("deepstatemap_data_20240901.geojson",
                                                     "deepstatemap_data_20240903.geojson")}
    archive = Server(files_route(files, "/data/"))
    archive.files = files
    archive.url = archive.origin + "/data/"
    yield archive
    archive.close()


# ------------------------------------------------------------------ the archive over HTTP


def test_download_cache_miss_then_hit(server, tmp_path):
    layer = occupied("2024-09-03", cache_dir=tmp_path, base_url=server.url)
    assert server.requests == ["/data/deepstatemap_data_20240903.geojson"]
    assert "vizlib" in server.agents[0]
    assert layer["date"].iloc[0] == pd.Timestamp("2024-09-03")
    assert layer["source_url"].iloc[0] == server.url + "deepstatemap_data_20240903.geojson"
    assert layer["source"].iloc[0] == "DeepStateMap via cyterat/deepstate-map-data, 3 Sep 2024 (GPL-3.0)"
    cached = tmp_path / "deepstatemap" / "deepstatemap_data_20240903.geojson"
    assert cached.read_bytes() == fixture_bytes("deepstatemap_data_20240903.geojson")
    registry = json.loads((tmp_path / "deepstatemap" / "registry.json").read_text())
    assert registry["sha256"]["deepstatemap_data_20240903.geojson"] == hashlib.sha256(cached.read_bytes()).hexdigest()
    # kept clipped as soon as it is in the cache: the next read, in any process, clips nothing
    assert sorted(p.name for p in cached.parent.iterdir() if p.name != LOCK) == [
        "clipped",
        "deepstatemap_data_20240903.geojson",
        "registry.json",
    ]

    again = occupied(pd.Timestamp("2024-09-03"), cache_dir=tmp_path, base_url=server.url)
    assert len(server.requests) == 1  # served from the cache
    assert again.geometry.iloc[0].equals(layer.geometry.iloc[0])
    assert again["source_url"].iloc[0] == layer["source_url"].iloc[0]

    # The clipped geometry is kept; read back, it is the same to the bit.
    kept = list((cached.parent / "clipped").iterdir())
    assert [k.name.split(".geojson.")[0] for k in kept] == ["deepstatemap_data_20240903"]
    third = occupied("2024-09-03", cache_dir=tmp_path, base_url=server.url)
    assert third.drop(columns="geometry").equals(layer.drop(columns="geometry"))
    assert third.geometry.iloc[0].wkb == layer.geometry.iloc[0].wkb
    kept[0].write_text("{not json", encoding="utf-8")  # a damaged kept file is clipped afresh and replaced
    assert occupied("2024-09-03", cache_dir=tmp_path, base_url=server.url).geometry.iloc[0].wkb == third.geometry.iloc[0].wkb
    assert json.loads(kept[0].read_text(encoding="utf-8"))["status"] == ["occupied"]


def test_missing_day_falls_back_to_the_nearest_earlier_date(server, tmp_path):
    layer = occupied("2024-09-02", cache_dir=tmp_path, base_url=server.url)
    assert layer["date"].iloc[0] == pd.Timestamp("2024-09-01")
    assert server.requests == ["/data/deepstatemap_data_20240902.geojson", "/data/deepstatemap_data_20240901.geojson"]
    # A past gap is remembered: asking again needs no request at all.
    assert occupied("2024-09-02", cache_dir=tmp_path, base_url=server.url)["date"].iloc[0] == pd.Timestamp("2024-09-01")
    assert len(server.requests) == 2
    with pytest.raises(FrontlineUnavailableError, match=r"no archive file for 2024-09-02 or the 0 days before"):
        occupied("2024-09-02", cache_dir=tmp_path / "other", base_url=server.url, max_days_back=0)
    with pytest.raises(FrontlineUnavailableError, match="the archive starts on 2024-07-08"):
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
    assert sorted(p.name for p in cached.parent.iterdir() if p.name != LOCK) == ["clipped", "registry.json"]
    recorded = json.loads((cached.parent / "registry.json").read_text())["sha256"][cached.name]
    # only the first, good download's clipped geometry, under its recorded hash
    assert [p.name.split(".")[2] for p in (cached.parent / "clipped").iterdir()] == [recorded[:16]]


RECORDER = """
import sys
from pathlib import Path
from vizlib.frontline._cache import Cache
folder, who, mirror = sys.argv[1], sys.argv[2], Path(sys.argv[3])
for i in range(150):
    cache = Cache(folder)  # reads the registry other processes are writing
    name = f"{who}-{i}.geojson"
    cache.folder.mkdir(parents=True, exist_ok=True)
    (cache.folder / name).write_text(name)
    cache.record(name, "http://127.0.0.1/" + name)
    shared = f"shared-{i % 20}.geojson"  # the same file fetched by every process at once
    cache = Cache(folder)
    cache.fetch(str(mirror / shared), shared, download=False)
    cache.record(shared, "http://127.0.0.1/" + shared)
"""


def test_processes_sharing_a_cache_keep_each_others_records_and_never_read_a_half_written_registry(tmp_path):
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    for i in range(20):
        (mirror / f"shared-{i}.geojson").write_text(f"shared {i}")
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", RECORDER, str(tmp_path), who, str(mirror)], stderr=subprocess.PIPE, text=True
        )
        for who in ("a", "b", "c")
    ]
    errors = [run.communicate(timeout=120)[1] for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], errors
    registry = Cache(tmp_path).registry
    assert len(registry["sha256"]) == len(registry["url"]) == 450 + 20
    assert [p.name for p in (tmp_path / "deepstatemap").iterdir() if p.suffix == ".tmp"] == []


def test_a_cache_folder_that_cannot_be_written_is_one_line(tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    with pytest.raises(DataError) as caught:
        Cache(tmp_path / "a-file" / "cache").fetch(str(FIXTURES / "deepstatemap_data_20240901.geojson"), "x", download=False)
    message = str(caught.value)
    assert "\n" not in message and "cannot write to the cache folder" in message and "VIZLIB_CACHE" in message


def test_corrupted_cached_file_is_rejected_without_a_request(server, tmp_path):
    occupied("2024-09-01", cache_dir=tmp_path, base_url=server.url)
    cached = tmp_path / "deepstatemap" / "deepstatemap_data_20240901.geojson"
    cached.write_bytes(cached.read_bytes().replace(b"37.", b"36."))
    with pytest.raises(DataError, match=r"deepstatemap_data_20240901.geojson: sha256: cached file does not match"):
        occupied("2024-09-01", cache_dir=tmp_path, base_url=server.url)
    assert len(server.requests) == 1
    with pytest.raises(DataError, match="cached file does not match"):  # the resolver does not hide it either
        for_date("2024-09-01", kind="archive", cache_dir=tmp_path)


def test_a_first_download_that_is_not_geojson_is_not_kept(server, tmp_path):
    server.files["deepstatemap_data_20240905.geojson"] = b"<html>oops</html>"
    with pytest.raises(DataError, match="not valid JSON"):
        occupied("2024-09-05", cache_dir=tmp_path, base_url=server.url)
    folder = tmp_path / "deepstatemap"
    assert not (folder / "deepstatemap_data_20240905.geojson").exists()
    assert not (folder / "registry.json").exists()


def test_server_down_without_cache_gives_one_clear_error(tmp_path):
    url = dead_url()
    with pytest.raises(FrontlineUnavailableError) as caught:
        occupied("2024-09-01", cache_dir=tmp_path, base_url=url)
    assert len(caught.value.problems) == 1 and "\n" not in str(caught.value)
    message = str(caught.value)
    assert f"cannot download {url}deepstatemap_data_20240901.geojson (ConnectionError)" in message
    assert "read_frontline(path)" in message
    assert isinstance(caught.value, DataError) and caught.value.reason == "ConnectionError"


def test_download_false_never_asks_and_says_how_to_get_the_file(server, tmp_path):
    with pytest.raises(FrontlineUnavailableError) as caught:
        occupied("2024-09-03", cache_dir=tmp_path, base_url=server.url, download=False)
    assert server.requests == []
    assert str(caught.value) == (
        f"deepstatemap_data_20240903.geojson: download: cannot download {server.url}deepstatemap_data_20240903.geojson "
        f"(downloading is off) and no cached copy in {tmp_path / 'deepstatemap'}; call again with download=True, "
        "or download it by hand and read it with vizlib.frontline.read_frontline(path)")
    occupied("2024-09-01", cache_dir=tmp_path, base_url=server.url)
    # Offline, the nearest earlier cached day within reach is used.
    layer = occupied("2024-09-03", cache_dir=tmp_path, base_url=server.url, download=False)
    assert layer["date"].item() == pd.Timestamp("2024-09-01") and len(server.requests) == 1


def test_server_down_with_cache_still_works(server, tmp_path):
    occupied("2024-09-01", cache_dir=tmp_path, base_url=server.url)
    assert occupied("2024-09-01", cache_dir=tmp_path, base_url=dead_url())["status"].tolist() == ["occupied"]


def test_cache_dir_and_archive_url_from_the_environment(server, tmp_path, monkeypatch):
    monkeypatch.setenv("VIZLIB_CACHE", str(tmp_path / "env-cache"))
    monkeypatch.setenv("VIZLIB_DEEPSTATE_ARCHIVE_URL", server.url)
    layer = occupied("2024-09-01")
    assert (tmp_path / "env-cache" / "deepstatemap" / "deepstatemap_data_20240901.geojson").exists()
    assert server.requests == ["/data/deepstatemap_data_20240901.geojson"]
    assert layer["source_url"].item() == server.url + "deepstatemap_data_20240901.geojson"


def test_pooch_logger_is_left_alone_and_logs_nothing(server, tmp_path, caplog):
    logger = logging.getLogger("pooch")
    level = logger.level
    with caplog.at_level(logging.DEBUG, logger="pooch"):
        occupied("2024-09-01", cache_dir=tmp_path, base_url=server.url)
    assert logger.level == level
    assert [r for r in caplog.records if r.name == "pooch"] == []


# ------------------------------------------------------------------ the archive from a folder


@pytest.mark.parametrize("as_url", [False, True])
def test_a_local_folder_mirrors_the_archive_without_network(tmp_path, as_url):
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    for name in ("deepstatemap_data_20240901.geojson", "deepstatemap_data_20240903.geojson"):
        shutil.copy(FIXTURES / name, mirror / name)
    base = mirror.as_uri() if as_url else str(mirror)
    layer = occupied("2024-09-02", cache_dir=tmp_path / "cache", base_url=base, download=False)
    assert layer["date"].item() == pd.Timestamp("2024-09-01")  # no 2 Sep file in the folder
    # The published address, never the reader's own folder.
    assert layer["source_url"].item() == frontline.ARCHIVE_URL + "deepstatemap_data_20240901.geojson"
    cached = tmp_path / "cache" / "deepstatemap" / "deepstatemap_data_20240901.geojson"
    registry = json.loads((cached.parent / "registry.json").read_text())
    assert registry["sha256"][cached.name] == hashlib.sha256(cached.read_bytes()).hexdigest()
    assert registry["missing"] == []  # a folder may be partial: its gaps are not remembered


# ------------------------------------------------------------------ DeepStateMap's history API (fake)


def stamp(iso: str) -> int:
    return int(pd.Timestamp(iso).timestamp())


class FakeApi:
    """``/api/history/public`` and ``/api/history/{id}/geojson``, as DeepStateMap serves them."""

    def __init__(self, updates: dict[str, bytes]):
        self.entries = [{"id": stamp(iso), "createdAt": pd.Timestamp(iso).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                         "status": True, "description": "…", "descriptionEn": f"update {iso}"} for iso in updates]
        self.bodies = {str(stamp(iso)): body for iso, body in updates.items()}
        self.server = Server(self.route)
        self.url = self.server.origin + "/api/"
        self.requests = self.server.requests

    def route(self, path: str) -> bytes | None:
        if path == "/api/history/public":
            return json.dumps(self.entries).encode()
        parts = path.strip("/").split("/")
        if len(parts) == 4 and parts[:2] == ["api", "history"] and parts[3] == "geojson":
            return self.bodies.get(parts[2])
        return None


EXPORT_FIXTURE = fixture_bytes("deepstate_export_20240902.geojson")
OTHER = fixture_bytes("deepstatemap_data_20240901.geojson")  # a different, smaller file


@pytest.fixture
def api():
    fake = FakeApi({
        "2024-09-02T16:30:00Z": OTHER,            # Kyiv 19:30, 2 Sep
        "2024-09-04T05:00:00Z": OTHER,            # Kyiv 08:00, 4 Sep (morning update)
        "2024-09-04T20:30:00Z": EXPORT_FIXTURE,   # Kyiv 23:30, 4 Sep: the day's last update
        "2024-09-04T22:30:00Z": OTHER,            # Kyiv 01:30, 5 Sep
    })
    yield fake
    fake.server.close()


def test_export_picks_the_days_last_update_in_kyiv_time_and_caches_it(api, tmp_path):
    layer = export("2024-09-04", cache_dir=tmp_path, api_url=api.url)
    ident = stamp("2024-09-04T20:30:00Z")
    assert api.requests == ["/api/history/public", f"/api/history/{ident}/geojson"]
    assert layer["status"].tolist() == ["occupied", "ukrainian_held", "unknown"]
    assert layer["date"].unique().tolist() == [pd.Timestamp("2024-09-04")]
    assert layer["source"].iloc[0] == "DeepStateMap export, 4 Sep 2024"
    assert layer["source_url"].iloc[0] == f"{api.url}history/{ident}/geojson"
    folder = tmp_path / "deepstatemap"
    assert (folder / "deepstate_export_20240904.geojson").read_bytes() == EXPORT_FIXTURE
    registry = json.loads((folder / "registry.json").read_text())
    assert registry["sha256"]["deepstate_export_20240904.geojson"] == hashlib.sha256(EXPORT_FIXTURE).hexdigest()
    assert registry["entries"]["deepstate_export_20240904.geojson"] == {
        "id": ident, "time": "2024-09-04T23:30:00+03:00"}
    # Cached: no request at all, same layer and address.
    again = export("2024-09-04", cache_dir=tmp_path, api_url=api.url)
    assert len(api.requests) == 2 and again["source_url"].iloc[0] == layer["source_url"].iloc[0]


def test_export_nearest_earlier_update_and_none_in_reach(api, tmp_path):
    earlier = export("2024-09-03", cache_dir=tmp_path, api_url=api.url)
    assert earlier["date"].unique().tolist() == [pd.Timestamp("2024-09-02")]  # the 2 Sep update
    late = export("2024-09-05", cache_dir=tmp_path, api_url=api.url)  # 22:30 UTC on 4 Sep is 5 Sep in Kyiv
    assert late["date"].unique().tolist() == [pd.Timestamp("2024-09-05")]
    with pytest.raises(FrontlineUnavailableError, match="no DeepStateMap update on 2024-08-20 or the 14 days before"):
        export("2024-08-20", cache_dir=tmp_path, api_url=api.url)


def test_export_api_from_the_environment_and_offline_with_a_cache(api, tmp_path, monkeypatch):
    monkeypatch.setenv("VIZLIB_DEEPSTATE_API_URL", api.url)
    export("2024-09-04", cache_dir=tmp_path)
    assert len(api.requests) == 2
    # Offline: the nearest earlier cached export, without a request.
    layer = export("2024-09-10", cache_dir=tmp_path, download=False)
    assert layer["date"].unique().tolist() == [pd.Timestamp("2024-09-04")] and len(api.requests) == 2


def test_export_offline_with_nothing_cached_is_one_line(tmp_path):
    url = dead_url("/api/")
    with pytest.raises(FrontlineUnavailableError) as caught:
        export("2024-11-14", cache_dir=tmp_path, api_url=url)
    message = str(caught.value)
    assert "\n" not in message and caught.value.reason == "ConnectionError"
    assert message.startswith("deepstate_export_20241114.geojson: download: no DeepStateMap export for 2024-11-14 "
                              f"or the 14 days before (cannot reach {url}history/public: ConnectionError)")
    assert "read_frontline(path)" in message and "VIZLIB_DEEPSTATE_EXPORT_URL" in message


def test_export_corrupted_cache_is_a_data_error(api, tmp_path):
    export("2024-09-04", cache_dir=tmp_path, api_url=api.url)
    cached = tmp_path / "deepstatemap" / "deepstate_export_20240904.geojson"
    cached.write_bytes(cached.read_bytes() + b" ")
    with pytest.raises(DataError, match="cached file does not match the hash recorded"):
        export("2024-09-04", cache_dir=tmp_path, api_url=api.url)


def test_export_history_list_that_is_not_a_list(tmp_path):
    bad = Server(lambda path: b'{"error": "rate limited"}')
    try:
        with pytest.raises(DataError, match=r"history/public: file: not a JSON list of updates but dict"):
            export("2024-09-04", cache_dir=tmp_path, api_url=bad.origin + "/api/")
    finally:
        bad.close()


def test_real_export_through_the_fake_api_gives_the_kursk_salient(tmp_path):
    body = shared("deepstate_export_20241114.geojson").read_bytes()
    fake = FakeApi({"2024-11-14T19:00:00Z": body})
    try:
        layer = export("2024-11-14", cache_dir=tmp_path, api_url=fake.url)
    finally:
        fake.server.close()
    held = frontline.area_by_status(layer, "RU-KRS").set_index("status")["km2"]
    # Measured on the bundled RU-KRS polygon, the pockets between the salient and the border filled.
    assert held["ukrainian_held"] == pytest.approx(608.0, abs=1)


# ------------------------------------------------------------------ export mirrors


def test_export_mirror_folder_from_the_environment(tmp_path, monkeypatch):
    mirror = tmp_path / "exports"
    mirror.mkdir()
    shutil.copy(FIXTURES / "deepstate_export_20240902.geojson", mirror)
    monkeypatch.setenv("VIZLIB_DEEPSTATE_EXPORT_URL", str(mirror))
    layer = export("2024-09-09", cache_dir=tmp_path / "cache", download=False)
    assert layer["date"].unique().tolist() == [pd.Timestamp("2024-09-02")]
    assert layer["source_url"].iloc[0] == frontline.DEEPSTATE_URL
    with pytest.raises(FrontlineUnavailableError, match=f"none in {mirror}"):
        export("2024-09-01", cache_dir=tmp_path / "cache")


def test_export_mirror_over_http(tmp_path):
    mirror = Server(files_route({"deepstate_export_20240902.geojson": EXPORT_FIXTURE}, "/exports/"))
    try:
        url = mirror.origin + "/exports/"
        layer = export("2024-09-03", cache_dir=tmp_path, mirror_url=url)
        assert mirror.requests == ["/exports/deepstate_export_20240903.geojson",
                                   "/exports/deepstate_export_20240902.geojson"]
        assert layer["source_url"].iloc[0] == url + "deepstate_export_20240902.geojson"
    finally:
        mirror.close()


def test_the_shared_export_serves_the_kursk_map_from_its_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("VIZLIB_DEEPSTATE_EXPORT_URL", str(shared("deepstate_export_20241114.geojson").parent))
    result = for_date("2024-11-23", cache_dir=tmp_path, download=False)
    assert result.note == "DeepStateMap export, 14 Nov 2024 (latest within 14 days of 23 Nov 2024)"
    assert "ukrainian_held" in set(result.layer["status"])


# ------------------------------------------------------------------ for_date, resolve


@pytest.fixture
def mirrors(tmp_path, monkeypatch):
    """Folder mirrors of both sources in the environment: exports (2 Sep) and the archive (1, 3 Sep)."""
    archive, exports = tmp_path / "archive", tmp_path / "exports"
    archive.mkdir()
    exports.mkdir()
    for name in ("deepstatemap_data_20240901.geojson", "deepstatemap_data_20240903.geojson"):
        shutil.copy(FIXTURES / name, archive)
    shutil.copy(FIXTURES / "deepstate_export_20240902.geojson", exports)
    monkeypatch.setenv("VIZLIB_DEEPSTATE_ARCHIVE_URL", str(archive))
    monkeypatch.setenv("VIZLIB_DEEPSTATE_EXPORT_URL", str(exports))
    return tmp_path


def test_for_date_prefers_an_export_then_the_archive(mirrors):
    cache = mirrors / "cache"
    auto = for_date("2024-09-03", cache_dir=cache)
    assert auto.layer["status"].tolist() == ["occupied", "ukrainian_held", "unknown"]
    assert auto.note == "DeepStateMap export, 2 Sep 2024 (latest within 14 days of 3 Sep 2024)"
    archive = for_date("2024-09-03", kind="archive", cache_dir=cache)
    assert archive.note == "DeepStateMap via cyterat/deepstate-map-data, 3 Sep 2024 (GPL-3.0)"
    # No export that early: the archive.
    early = for_date("2024-09-01", cache_dir=cache)
    assert early.layer["status"].tolist() == ["occupied"] and early.layer["date"].item() == pd.Timestamp("2024-09-01")
    with pytest.raises(DataError, match="kind: 'best' is not one of auto, archive, export"):
        for_date("2024-09-01", kind="best")


def test_for_date_offline_with_nothing_cached_is_none_and_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("VIZLIB_DEEPSTATE_ARCHIVE_URL", dead_url("/archive/"))
    monkeypatch.setenv("VIZLIB_DEEPSTATE_API_URL", dead_url("/api/"))
    layer, note = for_date("2024-11-23", cache_dir=tmp_path)
    assert layer is None
    assert note == ("no control layer for 23 Nov 2024 (export: ConnectionError; archive: ConnectionError); "
                    "nothing cached. Download one with vizlib.frontline.for_date(date) when online, "
                    "or pass a file (read_frontline(path))")
    assert for_date("2024-11-23", cache_dir=tmp_path, download=False).note.startswith(
        "no control layer for 23 Nov 2024 (export: downloading is off; archive: downloading is off)")


def test_for_date_offline_falls_back_to_the_cache(server, tmp_path, monkeypatch):
    occupied("2024-09-01", cache_dir=tmp_path, base_url=server.url)  # cached under the server's name
    monkeypatch.setenv("VIZLIB_DEEPSTATE_ARCHIVE_URL", dead_url())
    monkeypatch.setenv("VIZLIB_DEEPSTATE_API_URL", dead_url("/api/"))
    layer, note = for_date("2024-09-02", cache_dir=tmp_path)
    assert layer["date"].item() == pd.Timestamp("2024-09-01")
    assert note == "DeepStateMap via cyterat/deepstate-map-data, 1 Sep 2024 (GPL-3.0) (latest within 14 days of 2 Sep 2024)"


def test_resolve_the_four_spellings(mirrors):
    cache = mirrors / "cache"
    assert resolve("none", "2024-09-03") == (None, "no control layer (--frontline none)")
    assert resolve(None, "2024-09-03").layer is None
    assert resolve("auto", "2024-09-03", cache_dir=cache).note.startswith("DeepStateMap export, 2 Sep 2024")
    assert resolve("auto", "2024-09-03", kind="archive", cache_dir=cache).note.startswith("DeepStateMap via cyterat")
    for spelling in ("2024-09-01", "20240901"):
        layer, note = resolve(spelling, "2024-11-23", cache_dir=cache)
        assert layer["date"].item() == pd.Timestamp("2024-09-01")
    path = FIXTURES / "deepstatemap_data_20240903.geojson"
    layer, note = resolve(str(path), "2024-11-23")
    assert note == "DeepStateMap via cyterat/deepstate-map-data, 3 Sep 2024 (GPL-3.0) (from deepstatemap_data_20240903.geojson)"
    with pytest.raises(DataError) as caught:
        resolve("yesterday", "2024-11-23")
    assert str(caught.value) == "yesterday: --frontline: not auto, none, a date (YYYY-MM-DD) or an existing file"
    with pytest.raises(DataError, match="not valid JSON"):
        bad = mirrors / "bad.geojson"
        bad.write_text("nope")
        resolve(str(bad), "2024-11-23")


# ------------------------------------------------------------------ history


def test_history_over_a_gap_repeats_the_nearest_earlier_layer(server, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("VIZLIB_DEEPSTATE_ARCHIVE_URL", server.url)
    frame = history("2024-09-01", "2024-09-03", "D", cache_dir=tmp_path)
    assert list(frame.columns) == ["requested", *frontline.FRONTLINE_COLUMNS]
    assert frame["requested"].dt.day.tolist() == [1, 2, 3]
    assert frame["date"].dt.day.tolist() == [1, 1, 3]
    assert capsys.readouterr().err == ""  # no progress bar when stderr is not a terminal
    areas = frontline.area_by_status(frame, "UA-14")
    assert areas["date"].dt.day.tolist() == [1, 3] and areas["km2"].tolist() == pytest.approx([125, 145], rel=0.005)
    with pytest.raises(DataError, match="history\\(\\): start,end: no 'W' date from 2024-09-02 to 2024-09-03"):
        history("2024-09-02", "2024-09-03", cache_dir=tmp_path)


def test_history_progress_bar_on_request(mirrors, capsys):
    history("2024-09-01", "2024-09-03", "D", cache_dir=mirrors / "cache", progress=True)
    assert "frontline layers: 100%" in capsys.readouterr().err


SUNDAYS = pd.date_range("2024-08-04", "2024-12-15", freq="W")  # 20 Sundays; 18 Aug is a gap in the archive


def test_history_of_twenty_weeks_cold_from_the_mirror_then_warm_from_the_cache(tmp_path, monkeypatch):
    folder = shared("archive")
    mirror = Server(folder_route(folder, "/archive/"))
    monkeypatch.setenv("VIZLIB_DEEPSTATE_ARCHIVE_URL", mirror.origin + "/archive/")
    try:
        started = time.perf_counter()
        cold = history("2024-08-04", "2024-12-15", cache_dir=tmp_path)
        cold_s = time.perf_counter() - started
    finally:
        mirror.close()
    assert len(SUNDAYS) == 20 and cold["requested"].tolist() == SUNDAYS.tolist()
    expected = [d - pd.Timedelta(days=1) if d == pd.Timestamp("2024-08-18") else d for d in SUNDAYS]
    assert cold["date"].tolist() == expected
    assert mirror.requests.count("/archive/deepstatemap_data_20240818.geojson") == 1
    assert len(mirror.requests) == 21  # 20 files + the one gap
    # Warm: the mirror is gone; everything comes from the cache.
    started = time.perf_counter()
    warm = history("2024-08-04", "2024-12-15", cache_dir=tmp_path, download=False)
    warm_s = time.perf_counter() - started
    assert warm["date"].tolist() == expected
    assert [g.equals(h) for g, h in zip(cold.geometry, warm.geometry, strict=True)] == [True] * 20
    print(f"history of 20 weekly layers: cold from 127.0.0.1 {cold_s:.2f} s, warm from the cache {warm_s:.2f} s")
    occupied_km2 = frontline.area_by_status(warm, "UA-14")["km2"]
    assert occupied_km2.is_monotonic_increasing  # Russia advanced in Donetsk oblast every week of autumn 2024


def test_history_dates_are_kyiv_days_not_utc(api, tmp_path, monkeypatch):
    monkeypatch.setenv("VIZLIB_DEEPSTATE_API_URL", api.url)
    frame = history("2024-09-04", "2024-09-05", "D", kind="export", cache_dir=tmp_path)
    assert frame.drop_duplicates("requested")["date"].dt.day.tolist() == [4, 5]
    assert dt.date(2024, 9, 4) == frame["date"].iloc[0].date()
