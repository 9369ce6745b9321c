"""Export: formats, sidecars, accessibility, determinism, safe writes, clear errors.

The browser is started a few times only: the module fixture exports two stand-in
figures twice (two sessions, to compare bytes) and every test inspects those files.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import os
import re
import signal
import struct
import subprocess
import sys
import textwrap
import time
import warnings
import xml.etree.ElementTree as ET
from hashlib import sha256
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest
from conftest import HEADLESS_SHELL

from vizlib import ExportError, _export_batch, _export_formats, _kaleido, _plotly_page, export, meta, theme
from vizlib.meta import FigureMeta, Source

HOSTILE = 'Claimed troops <script>alert("x")</script> & co'
SVG_NS = "{http://www.w3.org/2000/svg}"


def standin(
    slug: str = "troops-test",
    *,
    size: str = "column",
    theme_name: str = "light",
    title: str = HOSTILE,
    lang: str = "en",
):
    """A small figure made the way builders make them: go.Figure + meta.apply."""
    data = pd.DataFrame(
        {
            "date": pd.to_datetime(["2024-08-20", "2024-10-01", "2024-11-11"]),
            "troops": [11000, 30000, 50000],
            "claimant": ["UA", "UA", "US"],
        }
    )
    fig = go.Figure(go.Scatter(x=data["date"], y=data["troops"], mode="lines+markers", name="Russian troops"))
    info = FigureMeta(
        slug=slug,
        title=title,
        subtitle="Kursk oblast, as claimed",
        sources=(
            Source("Ukrainian General Staff", "https://example.org/ua"),
            Source("US Department of Defense", "https://example.org/us", "public domain"),
        ),
        as_of=dt.date(2024, 11, 11),
        alt='A line rising from 11,000 to 50,000 <b>troops</b> "as claimed"',
        data=data,
        notes="Claims, not verified.",
        lang=lang,
    )
    return meta.apply(fig, info, size=size, theme_name=theme_name)


FIGS = {"troops-test": ("column", "light"), "wide-dark": ("wide", "dark")}


def make_figs() -> dict[str, go.Figure]:
    return {name: standin(name, size=size, theme_name=t) for name, (size, t) in FIGS.items()}


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("export")
    export.save_many(make_figs(), root / "a", export.FORMATS, html="shared", progress=False)
    export.save_many(make_figs(), root / "b", export.FORMATS, html="shared", progress=False)
    return {"a": root / "a", "b": root / "b"}


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR"
    return struct.unpack(">II", head[16:24])


def manifest(folder: Path, name: str) -> dict:
    return json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))


# --- formats ---------------------------------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("name", FIGS)
def test_png_has_the_preset_size_times_scale(exported, name):
    preset = theme.size(FIGS[name][0])
    assert png_size(exported["a"] / f"{name}.png") == (preset.width * 2, preset.height * 2)


@pytest.mark.browser
def test_the_still_of_an_animated_figure_has_no_controls_and_shows_its_date():
    fig = standin()
    fig.frames = [go.Frame(data=[go.Scatter(y=[1, 2])], name="8 Jul")]
    fig.update_layout(
        sliders=[dict(steps=[dict(label="8 Jul", method="animate", args=[["8 Jul"]])])],
        updatemenus=[dict(type="buttons", buttons=[dict(label="▶", method="animate", args=[None])])],
    )
    fig.add_annotation(name=_export_formats.STILL_DATE, visible=False, text="11 Nov 2024")
    fig.add_annotation(name="a reader's", visible=False, text="hidden")
    spec = _export_formats.still(fig.to_dict())
    assert "frames" not in spec and "sliders" not in spec["layout"] and "updatemenus" not in spec["layout"]
    shown = {a["text"]: a.get("visible", True) for a in spec["layout"]["annotations"]}
    assert shown["11 Nov 2024"] is True and shown["hidden"] is False
    assert fig.layout.sliders and fig.frames  # the figure itself is left as it was
    plain = standin().to_dict()
    assert _export_formats.still(plain) is plain
    # a user's animation says nothing of which frame a still would show: it keeps its controls
    users = go.Figure(fig)
    users.layout.annotations = [a for a in users.layout.annotations if a.name != _export_formats.STILL_DATE]
    assert _export_formats.still(users.to_dict())["layout"]["sliders"]
    # what stood under the slider moves up into its room, less the date's, and the still is as much shorter
    fig.update_layout(height=600, margin=dict(t=100, b=200), legend=dict(y=-80 / 300))
    fig.add_annotation(name="footer", text="Sources", xref="paper", yref="paper", y=0, yshift=-150)
    room = _export_formats.SLIDER_PX - _export_formats.STILL_DATE_PX
    layout = _export_formats.still(fig.to_dict())["layout"]
    assert (layout["height"], layout["margin"]["b"]) == (600 - room, 200 - room)
    assert layout["legend"]["y"] == pytest.approx((room - 80) / 300)  # the plot is still 300 px tall
    shifts = {a["text"]: a.get("yshift", 0) for a in layout["annotations"]}
    assert shifts["Sources"] == -150 + room and shifts["11 Nov 2024"] == 0


@pytest.mark.browser
def test_svg_parses_and_carries_title_and_description_first(exported):
    root = ET.parse(exported["a"] / "troops-test.svg").getroot()
    assert root.tag == f"{SVG_NS}svg"
    title, desc = list(root)[:2]
    assert (title.tag, desc.tag) == (f"{SVG_NS}title", f"{SVG_NS}desc")
    assert title.text == HOSTILE  # hostile text stays text, unescaped back exactly
    assert desc.text.startswith('A line rising from 11,000 to 50,000 <b>troops</b> "as claimed"')
    assert "Sources: Ukrainian General Staff; US Department of Defense. As of 11 Nov 2024." in desc.text
    assert root.get("role") == "img"
    assert root.get("aria-labelledby").split() == [title.get("id"), desc.get("id")]
    assert (root.get("width"), root.get("height")) == ("640", "560")
    assert not any(el.tag == f"{SVG_NS}script" for el in root.iter())


@pytest.mark.browser
def test_pdf_is_one_page_of_the_preset_size(exported):
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(exported["a"] / "wide-dark.pdf")
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx((960 * 0.75, 640 * 0.75))  # CSS px -> pt
    # the figure fills its page at its size: kaleido's 0.1 in margins framed a dark one in white, shrunk by 2 %
    assert pdf_figure_transform(exported["a"] / "wide-dark.pdf") == pytest.approx((0.75, 0, 0), abs=1e-4)
    assert reader.metadata.creation_date.date() == dt.date(2024, 11, 11)


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: dict[str, str] = {}
        self._open: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._open.append(tag)

    def handle_endtag(self, tag):
        if self._open and self._open[-1] == tag:
            self._open.pop()

    def handle_data(self, data):
        if self._open and self._open[-1] in ("title", "figcaption"):
            self.text[self._open[-1]] = self.text.get(self._open[-1], "") + data

    def find(self, tag, **attrs):
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]


@pytest.mark.browser
def test_html_holds_the_figure_and_its_alt_text_safely(exported):
    text = (exported["a"] / "troops-test.html").read_text(encoding="utf-8")
    page = _Page()
    page.feed(text)
    alt = 'A line rising from 11,000 to 50,000 <b>troops</b> "as claimed"'
    assert page.text["title"] == HOSTILE
    assert page.find("meta", name="description")[0]["content"] == alt
    assert page.find("div", id="troops-test", **{"class": "plotly-graph-div"})
    assert page.find("div", role="img")[0]["aria-label"] == alt
    assert alt in page.text["figcaption"] and "Sources: Ukrainian General Staff" in page.text["figcaption"]
    assert 'Plotly.newPlot(                        "troops-test"' in text
    # the claimant's <script> never becomes markup; no network, one shared plotly.js beside the page
    assert "<script>alert" not in text
    scripts = [a["src"] for a in page.find("script") if "src" in a]
    assert scripts == [export.PLOTLYJS_NAME]
    assert (exported["a"] / export.PLOTLYJS_NAME).stat().st_size > 1_000_000
    assert "https://" not in text.replace("https://example.org", "")


def test_self_contained_html_embeds_plotlyjs_and_needs_no_browser(tmp_path):
    [page, embed, csv, manifest_path] = export.save(standin(), tmp_path, ("html",))
    assert embed.name == "troops-test.embed.html"
    assert '<iframe id="troops-test-embed" src="troops-test.html"' in embed.read_text(encoding="utf-8")
    text = page.read_text(encoding="utf-8")
    assert page.name == "troops-test.html" and len(text) > 3_000_000
    page_tags = _Page()
    page_tags.feed(text)
    assert [a for a in page_tags.find("script") if "src" in a] == []
    assert not (tmp_path / export.PLOTLYJS_NAME).exists()
    m = json.loads(manifest_path.read_text())
    assert m["html"] == "plotly.js embedded" and m["lang"] == "en"
    # a figure given alone: one layout, scaled to the page
    column = theme.size("column")
    assert m["layouts"] == [{"size": None, "theme": None, "width": column.width, "height": column.height}]
    assert pd.read_csv(csv)["troops"].tolist() == [11000, 30000, 50000]


# --- sidecars --------------------------------------------------------------------------------------------------------


@pytest.mark.browser
def test_manifest_lists_every_source_the_data_and_every_file_with_its_hash(exported):
    fig = standin("troops-test")
    m = manifest(exported["a"], "troops-test")
    assert m["sources"] == [
        {"name": "Ukrainian General Staff", "url": "https://example.org/ua", "licence": None},
        {"name": "US Department of Defense", "url": "https://example.org/us", "licence": "public domain"},
    ]
    assert m["source_line"] == "Sources: Ukrainian General Staff; US Department of Defense"
    assert (m["title"], m["as_of"], m["slug"]) == (HOSTILE, "2024-11-11", "troops-test")
    assert m["data"]["rows"][0] == ["2024-08-20", 11000, "UA"]
    assert m["data"]["sha256"] == export.data_hash(fig)
    assert m["spec_sha256"] == export.spec_hash(fig)
    assert set(m["versions"]) == {"vizlib", "plotly", "kaleido"}
    assert sorted(m["files"]) == sorted(
        f"troops-test.{ext}" for ext in ("png", "svg", "pdf", "html", "embed.html", "csv")
    )
    for file, digest in m["files"].items():
        assert sha256((exported["a"] / file).read_bytes()).hexdigest() == digest, file


@pytest.mark.browser
def test_csv_is_the_data_drawn(exported):
    table = pd.read_csv(exported["a"] / "troops-test.csv")
    assert table.to_dict("list") == {
        "date": ["2024-08-20", "2024-10-01", "2024-11-11"],
        "troops": [11000, 30000, 50000],
        "claimant": ["UA", "UA", "US"],
    }


def test_spec_hash_follows_the_drawing_not_the_template():
    a, b = standin(), standin()
    b.update_layout(template="plotly_dark")
    assert export.spec_hash(a) == export.spec_hash(b)
    b.data[0].y = (11000, 30000, 50001)
    assert export.spec_hash(a) != export.spec_hash(b)
    assert export.data_hash(a) == export.data_hash(standin())


# --- determinism -----------------------------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("ext", ["svg", "html", "csv", "json", "png", "pdf"])
def test_two_exports_are_byte_identical(exported, ext):
    for name in FIGS:
        first, second = (exported[k] / f"{name}.{ext}" for k in ("a", "b"))
        assert first.read_bytes() == second.read_bytes(), f"{name}.{ext} differs between two exports"


@pytest.mark.browser
def test_svg_ids_are_named_after_the_figure(exported):
    root = ET.parse(exported["a"] / "wide-dark.svg").getroot()
    clip_ids = [el.get("id") for el in root.iter(f"{SVG_NS}clipPath")]
    assert clip_ids and all("wide-dark" in i for i in clip_ids)


# --- safety and errors -----------------------------------------------------------------------------------------------


def test_a_figure_without_vizlib_metadata_is_refused_before_any_work(tmp_path):
    with pytest.raises(ExportError, match="carries no vizlib metadata"):
        export.save(go.Figure(go.Bar(y=[1, 2])), tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_bad_formats_and_html_mode_are_clear_errors(tmp_path):
    with pytest.raises(ValueError, match="formats must be among png, svg, pdf, html; got gif"):
        export.save(standin(), tmp_path, ("gif",))
    with pytest.raises(ValueError, match="html must be one of"):
        export.save(standin(), tmp_path, ("html",), html="inline")
    assert list(tmp_path.iterdir()) == []


def _no_render(*args, **kwargs):
    raise AssertionError("rendering started before the folder was checked")


def test_an_unwritable_output_folder_fails_before_any_work(tmp_path, monkeypatch):
    monkeypatch.setattr(_export_batch.Engine, "start", _no_render)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    for target in (blocker / "figures", blocker):
        with pytest.raises(ExportError, match=f"cannot write to {target}"):
            export.save(standin(), target, ("png", "svg"))


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can write to read-only folders")
def test_a_read_only_output_folder_fails_before_any_work(tmp_path, monkeypatch):
    monkeypatch.setattr(_export_batch.Engine, "start", _no_render)
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(ExportError, match="cannot write to"):
            export.save(standin(), tmp_path, ("png",))
    finally:
        tmp_path.chmod(0o700)


def test_a_missing_browser_is_one_clear_error_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-such-chromium"))
    with pytest.raises(ExportError) as caught:
        export.save(standin(), tmp_path / "out", ("png", "html"))
    message = str(caught.value)
    assert "apt-get install chromium" in message and "BROWSER_PATH" in message and "plotly_get_chrome" in message
    assert "no-such-chromium" in message and "\n" not in message
    assert [p.name for p in (tmp_path / "out").iterdir()] == []


def test_a_writer_failing_midway_leaves_the_previous_export_untouched(tmp_path, monkeypatch):
    before = export.save(standin(title="First version"), tmp_path, ("html",))
    old = {p.name: p.read_bytes() for p in before}
    real_fdopen, opened = os.fdopen, []

    class HalfWriter:
        """The second file gets half its bytes, then the disk 'fills up'."""

        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, data):
            self.handle.write(data[: len(data) // 2])
            self.handle.flush()
            raise OSError(28, "No space left on device")

    def fdopen(fd, *args, **kwargs):
        handle = real_fdopen(fd, *args, **kwargs)
        opened.append(handle.name)
        return HalfWriter(handle) if len(opened) == 2 else handle

    monkeypatch.setattr(export.os, "fdopen", fdopen)
    with pytest.raises(
        ExportError, match=r"could not export 1 of 1 figure\(s\): troops-test \(OSError: .*No space left"
    ):
        export.save(standin(title="Second version"), tmp_path, ("html",))
    monkeypatch.undo()
    assert len(opened) == 2  # the HTML was staged, the CSV failed half-way
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == old  # no temp file, nothing half-new


class _BrokenFigure(go.Figure):
    """A figure that cannot be serialised for rendering."""

    def to_dict(self):
        raise ValueError("cannot serialise this figure")


@pytest.mark.browser
def test_one_failing_figure_in_a_batch_keeps_the_good_ones(tmp_path):
    broken = _BrokenFigure(standin("broken"))
    figs = {"first": standin("first"), "broken": broken, "last": standin("last")}
    with pytest.raises(
        ExportError, match=r"could not export 1 of 3 figure\(s\): broken \(ValueError: cannot serialise"
    ):
        export.save_many(figs, tmp_path, ("png", "svg"), progress=False)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(f"{n}.{e}" for n in ("first", "last") for e in ("png", "svg", "csv", "json"))


KILLED_CHILD = textwrap.dedent(
    """
    import os, signal, sys
    sys.path.insert(0, sys.argv[2])
    from test_export import standin
    from vizlib import _atomic, export

    real_stage = _atomic.stage
    def stage(path, data):
        if path.name == "fig2.html":  # fig2's PNG is staged, its HTML is half written: die
            real_stage(path, data[: len(data) // 2])
            os.kill(os.getpid(), signal.SIGKILL)
        return real_stage(path, data)
    _atomic.stage = stage
    export.save_many({f"fig{i}": standin(f"fig{i}") for i in (1, 2, 3)}, sys.argv[1], ("png", "html"), html="shared")
    """
)


@pytest.mark.browser
def test_a_batch_killed_midway_leaves_only_complete_files(tmp_path):
    out = tmp_path / "out"
    child = subprocess.run(
        [sys.executable, "-c", KILLED_CHILD, str(out), str(Path(__file__).parent)], capture_output=True, timeout=120
    )
    assert child.returncode == -signal.SIGKILL, child.stderr.decode()[-2000:]
    visible = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert visible == sorted(["plotly.min.js", *(f"fig1.{e}" for e in ("png", "html", "embed.html", "csv", "json"))])
    for file, digest in manifest(out, "fig1")["files"].items():
        assert sha256((out / file).read_bytes()).hexdigest() == digest
    # SIGKILL allows no clean-up: what remains of fig2 is hidden temp files, never a final name
    leftovers = [p.name for p in out.iterdir() if p.name.startswith(".")]
    assert all(n.startswith(".fig2.") and n.endswith(".tmp") for n in leftovers), leftovers


@pytest.mark.parametrize("sig, raised", [(signal.SIGINT, KeyboardInterrupt), (signal.SIGTERM, SystemExit)])
def test_ctrl_c_or_sigterm_between_renames_waits_until_the_figure_is_whole(tmp_path, monkeypatch, sig, raised):
    from vizlib import _atomic

    real_replace, renamed = os.replace, []

    def replace(src, dst):  # the signal arrives after the first file is in place
        real_replace(src, dst)
        renamed.append(Path(dst).name)
        if len(renamed) == 1:
            signal.raise_signal(sig)

    monkeypatch.setattr(_atomic.os, "replace", replace)
    files = [(tmp_path / name, name.encode()) for name in ("fig.png", "fig.csv", "fig.json")]
    on_term = lambda signum, frame: sys.exit(128 + signum)  # noqa: E731 - as the CLI does
    before = {signal.SIGINT: signal.signal(signal.SIGINT, signal.default_int_handler)}
    before[signal.SIGTERM] = signal.signal(signal.SIGTERM, on_term)
    try:
        with pytest.raises(raised):
            _atomic.replace_together(files)
        assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == (signal.default_int_handler, on_term)
    finally:
        for s, handler in before.items():
            signal.signal(s, handler)
    assert renamed == ["fig.png", "fig.csv", "fig.json"]  # the manifest too, before the signal took effect
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fig.csv", "fig.json", "fig.png"]


def test_batch_progress_bar_goes_to_stderr_when_asked(tmp_path, capsys):
    export.save_many({"one": standin("one"), "two": standin("two")}, tmp_path, ("html",), progress=True)
    err = capsys.readouterr().err
    assert "vizlib export" in err and "2/2" in err
    export.save_many({"one": standin("one")}, tmp_path, ("html",), progress=False)
    assert capsys.readouterr().err == ""


@pytest.mark.browser
def test_an_image_does_not_depend_on_what_the_batch_drew_before_it(tmp_path):
    # The batch browser keeps its page between images; SVG must still come out as from a fresh page.
    def with_legend(name):
        fig = standin(name)
        fig.add_scatter(x=[dt.date(2024, 8, 20), dt.date(2024, 11, 11)], y=[30000, 45000], name="Other claim")
        return fig

    export.save_many(
        {"first": with_legend("first"), "fig": with_legend("fig")}, tmp_path / "batch", ("png", "svg"), progress=False
    )
    export.save(with_legend("fig"), tmp_path / "alone", ("svg",))
    export.save(with_legend("fig"), tmp_path / "alone-png", ("png",))
    assert (tmp_path / "batch/fig.svg").read_bytes() == (tmp_path / "alone/fig.svg").read_bytes()
    assert (tmp_path / "batch/fig.png").read_bytes() == (tmp_path / "alone-png/fig.png").read_bytes()


# --- the two browser paths -------------------------------------------------------------------------------------------


def _export_with_log(caplog, out: Path) -> list[str]:
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="vizlib.export"):
        export.save_many(make_figs(), out, ("png", "svg", "pdf"), progress=False)
    return [r.getMessage() for r in caplog.records if r.name == "vizlib.export"]


@pytest.mark.browser
def test_the_fast_path_and_kaleidos_stock_path_write_the_same_bytes(tmp_path, caplog, monkeypatch):
    fast = _export_with_log(caplog, tmp_path / "fast")
    assert len(fast) >= 1 and re.fullmatch(r"static export: fast path \(1 tabs, code cache (new|kept)\)", fast[0])
    # the guard finds kaleido's internals changed: stock kaleido, one image per call, page reloaded after each
    monkeypatch.setattr(_kaleido, "fast_path_problem", lambda: "kaleido's internals moved (forced by the test)")
    stock = _export_with_log(caplog, tmp_path / "stock")
    assert stock == ["static export: kaleido's stock path (kaleido's internals moved (forced by the test))"]
    # kaleido passes, but the page finds a plotly.js it was not tested with: stock calls on the same browser
    monkeypatch.undo()
    monkeypatch.setattr(_plotly_page, "TESTED_PLOTLYJS", ("0.0.",))
    untested = _export_with_log(caplog, tmp_path / "untested")
    assert len(untested) == 1 and re.fullmatch(
        r"static export: kaleido's stock path \(plotly\.js [\d.]+ is not a tested version\)", untested[0]
    )
    for name in FIGS:
        for ext in ("png", "svg", "csv"):
            reference = (tmp_path / "stock" / f"{name}.{ext}").read_bytes()
            assert (tmp_path / "fast" / f"{name}.{ext}").read_bytes() == reference, f"fast {name}.{ext}"
            assert (tmp_path / "untested" / f"{name}.{ext}").read_bytes() == reference, f"untested {name}.{ext}"
        # but for the PDF (and its hash in the manifest): vizlib prints edge to edge, where kaleido's
        # margins shrink the figure into a white frame
        pdfs = {path: tmp_path / path / f"{name}.pdf" for path in ("fast", "stock", "untested")}
        assert pdf_figure_transform(pdfs["stock"])[0] < 0.74
        assert pdf_figure_transform(pdfs["fast"]) == pytest.approx((0.75, 0, 0))
        assert pdfs["untested"].read_bytes() == pdfs["fast"].read_bytes()
        manifests = {path: json.loads((tmp_path / path / f"{name}.json").read_text()) for path in pdfs}
        for manifest in manifests.values():
            manifest["files"].pop(f"{name}.pdf")
        assert manifests["fast"] == manifests["stock"] == manifests["untested"]


@pytest.mark.browser
@pytest.mark.skipif(not HEADLESS_SHELL.is_file(), reason="Debian's chromium-headless-shell is not installed")
def test_chromiums_headless_shell_as_the_browser_writes_the_same_images(exported, tmp_path):
    # it starts with no tab open, where chromium starts with one
    export.save_many(make_figs(), tmp_path, ("png", "svg"), browser_path=HEADLESS_SHELL, progress=False)
    for name in FIGS:
        for ext in ("png", "svg"):
            assert (tmp_path / f"{name}.{ext}").read_bytes() == (exported["a"] / f"{name}.{ext}").read_bytes()


def pdf_figure_transform(path: Path) -> tuple[float, float, float]:
    """Return how Chromium's PDF draws the figure: points per CSS pixel, and its offset (pt) from the corner."""
    pypdf = pytest.importorskip("pypdf")
    content = pypdf.PdfReader(path).pages[0].get_contents().get_data().decode("latin-1")
    matrices = [[float(v) for v in m.group(1).split()] for m in re.finditer(r"((?:[-\d.]+ ){6})cm", content)]
    (page, *_), (a, _, _, _, e, f) = matrices[:2]  # device units per pt, then the figure's own
    return page * a, page * e, page * f


@pytest.mark.browser
def test_the_compiled_plotlyjs_is_kept_between_runs_and_changes_no_byte(tmp_path, caplog, monkeypatch):
    monkeypatch.setenv("VIZLIB_CACHE", str(tmp_path / "cache"))
    first = _export_with_log(caplog, tmp_path / "first")
    assert first == [
        "static export: fast path (1 tabs, code cache new)",
        "static export: code cache kept for the next runs",
    ]
    (kept,) = (tmp_path / "cache" / "chromium-code-cache").iterdir()
    assert sum(p.stat().st_size for p in (kept / "Default" / "Code Cache").rglob("*") if p.is_file()) > 1_000_000
    assert _export_with_log(caplog, tmp_path / "second") == ["static export: fast path (1 tabs, code cache kept)"]
    assert [p.name for p in (tmp_path / "cache" / "chromium-code-cache").iterdir()] == [kept.name]  # no leftovers
    (tmp_path / "not-a-folder").write_text("")
    monkeypatch.setenv("VIZLIB_CACHE", str(tmp_path / "not-a-folder"))
    third = _export_with_log(caplog, tmp_path / "third")
    assert third[0].startswith("static export: no code cache (") and third[1:] == [
        "static export: fast path (1 tabs, no code cache)"
    ]
    for name in FIGS:
        for ext in ("png", "svg", "pdf", "json"):
            reference = (tmp_path / "first" / f"{name}.{ext}").read_bytes()
            for run in ("second", "third"):
                assert (tmp_path / run / f"{name}.{ext}").read_bytes() == reference, f"{run} {name}.{ext}"


def test_the_guard_names_what_it_does_not_recognise(monkeypatch):
    assert _kaleido.fast_path_problem() is None  # kaleido 1.5 as pinned in constraints.txt
    monkeypatch.setattr(_kaleido, "version", lambda package: "1.6.0")
    assert _kaleido.fast_path_problem() == "kaleido 1.6.0 is outside the tested range (>=1.5,<1.6)"
    monkeypatch.undo()

    import choreographer

    def init(self, path=None, **kwargs):  # a Browser that lost its browser_cls parameter
        pass

    monkeypatch.setattr(choreographer.Browser, "__init__", init)
    assert _kaleido.fast_path_problem() == "kaleido's choreographer.Browser changed its signature"
    monkeypatch.undo()
    monkeypatch.setattr(_kaleido, "fast_page", lambda: None)
    assert _kaleido.fast_path_problem() == "kaleido's page has an unexpected shape"


@pytest.mark.parametrize(
    "images, shared",
    [
        ([("png", 2), ("svg", 1)], True),
        ([("svg", 1)], True),
        ([("png", 2), ("svg", 2)], False),  # an SVG at another scale is not the SVG a PNG is rasterised from
        ([("png", 2), ("pdf", 1)], False),  # a PDF is printed by the browser from a plot of its own
    ],
)
def test_one_plot_serves_svg_and_png_only_when_the_bytes_cannot_differ(images, shared):
    assert _plotly_page.shares_one_plot([_plotly_page.Image(f, 640, 560, s) for f, s in images]) is shared
    svg = {"data": [{"type": "scatter"}, {"type": "scattergeo"}, {"type": "choropleth"}, {}], "layout": {}}
    webgl = {"data": [{"type": "scatter"}, {"type": "scattergl"}], "layout": {}}  # sized by the image scale
    assert _plotly_page._svg_traces_only(svg) and not _plotly_page._svg_traces_only(webgl)


# --- files, limits, errors -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_files_follow_the_umask_and_reading_it_never_changes_it(tmp_path, monkeypatch, umask, mode):
    previous = os.umask(umask)
    try:

        def no_umask_flip(mask):
            raise AssertionError("os.umask called while exporting: another thread's files would get this mode")

        monkeypatch.setattr(os, "umask", no_umask_flip)
        paths = export.save(standin(), tmp_path, ("html",))
        monkeypatch.undo()
    finally:
        os.umask(previous)
    assert {p.stat().st_mode & 0o777 for p in paths} == {mode}


def test_time_limits_come_from_the_arguments_then_the_environment_then_the_defaults(monkeypatch):
    monkeypatch.delenv(export.START_TIMEOUT_ENV, raising=False)
    monkeypatch.delenv(export.IMAGE_TIMEOUT_ENV, raising=False)
    assert export._limits(None, None, None) == _export_batch.Limits(60.0, 60.0, None)
    monkeypatch.setenv(export.IMAGE_TIMEOUT_ENV, "2.5")
    monkeypatch.setenv(export.START_TIMEOUT_ENV, "0")  # 0: no limit
    assert export._limits(None, None, "/opt/chrome") == _export_batch.Limits(None, 2.5, "/opt/chrome")
    assert export._limits(10, 5, None) == _export_batch.Limits(10.0, 5.0, None)
    monkeypatch.setenv(export.IMAGE_TIMEOUT_ENV, "soon")
    with pytest.raises(ValueError, match=r"VIZLIB_IMAGE_TIMEOUT must be a number of seconds >= 0 .*not 'soon'"):
        export.save(standin(), "unused", ("png",))
    with pytest.raises(ValueError, match=r"start_timeout must be a number of seconds >= 0 .*not -1"):
        export.save(standin(), "unused", ("png",), start_timeout=-1, image_timeout=1)


def test_export_error_declares_what_was_written_what_failed_and_what_timed_out():
    error = ExportError("x")
    assert (error.written, error.failed, error.timeout, error.seconds) == ({}, {}, None, None)
    assert {"written", "failed", "timeout", "seconds"} <= set(ExportError.__annotations__)
    for attribute in ("written :", "failed :", "timeout :", "seconds :"):
        assert attribute in ExportError.__doc__


# --- time limits and process ends ------------------------------------------------------------------------------------

NEVER_ANSWERS = Path(__file__).parent / "fixtures" / "browser_never_answers.sh"


def live_in_group(pgid: int) -> list[str]:
    """The processes of process group ``pgid`` that are still alive (zombies are dead, only not yet reaped)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError):
            comm, rest = stat.read_text().rsplit(")", 1)
            state, _, group = rest.split()[:3]
            if int(group) == pgid and state not in "ZX":
                found.append(f"{stat.parent.name} {comm.split('(', 1)[1]} {state}")
    return found


@pytest.fixture
def browser_groups(monkeypatch) -> list[int]:
    """The process group of every browser the test starts (choreographer starts each in a session of its own)."""
    groups: list[int] = []
    real_start = _kaleido.Renderer.start

    async def start(self):
        try:
            await real_start(self)
        finally:
            if self.pid:
                groups.append(self.pid)

    monkeypatch.setattr(_kaleido.Renderer, "start", start)
    return groups


def assert_ended(groups: list[int]) -> None:
    deadline = time.monotonic() + 5
    while any(live_in_group(g) for g in groups) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert groups and not [live_in_group(g) for g in groups if live_in_group(g)]


@pytest.mark.browser
def test_a_browser_that_never_answers_is_ended_after_its_start_time_limit(tmp_path, monkeypatch, browser_groups):
    assert os.access(NEVER_ANSWERS, os.X_OK)
    monkeypatch.setenv("BROWSER_PATH", str(NEVER_ANSWERS))
    started = time.monotonic()
    with pytest.raises(ExportError) as caught:
        export.save_many(make_figs(), tmp_path, ("png", "html"), start_timeout=2, progress=False)
    assert time.monotonic() - started < 30
    error = caught.value
    assert (error.timeout, error.seconds, error.written) == ("start", 2, {})
    assert set(error.failed) == set(FIGS)
    message = str(error)
    assert "\n" not in message
    assert message.startswith(f"the browser ({NEVER_ANSWERS}) did not start within 2 s and was ended; nothing exported")
    assert "point BROWSER_PATH (vizlib figures --browser) at another Chrome/Chromium" in message
    assert "VIZLIB_START_TIMEOUT" in message
    assert_ended(browser_groups)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.browser
def test_an_image_over_its_time_limit_ends_the_browser_and_keeps_the_figures_before_it(
    tmp_path, monkeypatch, browser_groups
):
    real_render = _plotly_page.Tab.render

    async def render(self, spec, spec_json, images):
        if spec["data"][0]["uid"].startswith("third"):
            await asyncio.sleep(3600)  # a figure the browser never finishes
        return await real_render(self, spec, spec_json, images)

    monkeypatch.setattr(_plotly_page.Tab, "render", render)
    figs = {name: standin(name) for name in ("first", "second", "third", "fourth")}
    with pytest.raises(ExportError) as caught:
        export.save_many(figs, tmp_path, ("png", "svg"), image_timeout=1.5, progress=False)
    error = caught.value
    assert (error.timeout, error.seconds) == ("image", 3)  # 1.5 s for each of third's two images
    assert list(error.written) == ["first", "second"]
    assert error.failed == {"third": "timed out after 3 s", "fourth": "not rendered: the batch stopped before it"}
    assert re.fullmatch(
        r"the browser \(\S+\) did not finish rendering third \(PNG, SVG\) within 3 s \(1\.5 s per image\) and was "
        r"ended; 2 of 4 figure\(s\) exported, 2 not \(third, fourth\)\. Allow more time with VIZLIB_IMAGE_TIMEOUT "
        r"\(--image-timeout\), or point BROWSER_PATH \(vizlib figures --browser\) at another Chrome/Chromium",
        str(error),
    )
    assert_ended(browser_groups)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        f"{n}.{e}" for n in ("first", "second") for e in ("png", "svg", "csv", "json")
    )


# --- batches fed one figure at a time --------------------------------------------------------------------------------


def _wait_for(path: Path, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"{path.name} not written in {seconds} s"
        time.sleep(0.02)


@pytest.mark.browser
def test_a_batch_writes_each_figure_while_the_next_is_being_made(tmp_path):
    with export.Batch(tmp_path, ("png", "svg"), progress=False) as batch:
        batch.add("first", standin("first"))
        _wait_for(tmp_path / "first.json")  # rendered and written while we still make figures
        batch.add("second", standin("second"))
        with pytest.raises(ValueError, match="second: added twice to the batch"):
            batch.add("second", standin("second"))
    assert list(batch.written) == ["first", "second"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        f"{n}.{e}" for n in ("first", "second") for e in ("png", "svg", "csv", "json")
    )


@pytest.mark.browser
def test_an_error_while_making_figures_ends_the_browser_and_keeps_the_figures_written(tmp_path, browser_groups):
    with pytest.raises(RuntimeError, match="a builder broke"):
        with export.Batch(tmp_path, ("png", "svg"), progress=False) as batch:
            batch.add("first", standin("first"))
            _wait_for(tmp_path / "first.json")
            raise RuntimeError("a builder broke")
    assert_ended(browser_groups)
    assert list(batch.written) == ["first"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"first.{e}" for e in ("csv", "json", "png", "svg")]


@pytest.fixture
def python_ctrl_c():
    """Ctrl-C as Python sets it up, even where this run ignores it (a job started with & in a script)."""
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, before)


@pytest.mark.browser
@pytest.mark.parametrize("sig, raised", [(signal.SIGTERM, SystemExit), (signal.SIGINT, KeyboardInterrupt)])
def test_a_stop_signal_dropped_where_it_landed_still_ends_the_batch(tmp_path, browser_groups, sig, raised, python_ctrl_c):
    # C code that calls back into Python and clears errors can drop a handler's exception; so does this block
    with pytest.raises(raised) as stopped:
        with export.Batch(tmp_path, ("png", "svg"), progress=False) as batch:
            batch.add("first", standin("first"))
            _wait_for(tmp_path / "first.json")
            with contextlib.suppress(raised):
                signal.raise_signal(sig)
            batch.add("second", standin("second"))
    assert raised is KeyboardInterrupt or stopped.value.code == 128 + sig
    assert_ended(browser_groups)
    assert list(batch.written) == ["first"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"first.{e}" for e in ("csv", "json", "png", "svg")]
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


# --- responsive pages, embeds, language, fonts -----------------------------------------------------------------------

PAGE_LAYOUTS = [(size, name) for size in ("phone", "column", "wide") for name in ("light", "dark")]


def standin_layouts(slug: str = "troops-test", lang: str = "en") -> dict:
    return {(size, name): standin(slug, size=size, theme_name=name, lang=lang) for size, name in PAGE_LAYOUTS}


def test_a_responsive_page_carries_every_layout_and_is_the_same_bytes_twice(tmp_path):
    for folder in ("a", "b"):
        export.save(standin(), tmp_path / folder, ("html",), html="shared", layouts=standin_layouts())
    names = ["troops-test.html", "troops-test.embed.html", "troops-test.json"]
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    text = (tmp_path / "a" / "troops-test.html").read_text(encoding="utf-8")
    assert text.startswith('<!DOCTYPE html>\n<html lang="en">')
    payload = json.loads(re.search(r'<script type="application/json" id="troops-test-layouts">(.*?)</script>', text)[1])
    assert payload["sizes"] == [
        {"name": size, "width": theme.size(size).width, "height": theme.size(size).height}
        for size in ("phone", "column", "wide")
    ]
    assert payload["themes"] == ["light", "dark"] and sorted(payload["specs"]) == sorted(
        f"{s}/{t}" for s, t in PAGE_LAYOUTS
    )
    assert payload["specs"]["phone/dark"]["background"] == theme.colors("dark")["background"]
    assert payload["specs"]["wide/light"]["layout"]["width"] == theme.size("wide").width
    assert "<script>alert" not in text and "\\u003cscript\\u003e" in text  # the hostile title, as JSON text
    assert re.findall(r'<script[^>]*\bsrc="([^"]+)"', text) == [export.PLOTLYJS_NAME]
    m = manifest(tmp_path / "a", "troops-test")
    assert [(row["size"], row["theme"]) for row in m["layouts"]] == PAGE_LAYOUTS and m["lang"] == "en"
    snippet = (tmp_path / "a" / "troops-test.embed.html").read_text(encoding="utf-8")
    assert f"height: {theme.size('wide').height}px" in snippet  # the widest layout's, until the page says its own
    assert 'src="troops-test.html"' in snippet and '"vizlib:height"' in snippet and '"troops-test"' in snippet


def test_a_page_missing_a_layout_is_refused_in_one_line(tmp_path):
    layouts = standin_layouts()
    del layouts[("phone", "dark")]
    with pytest.raises(
        ExportError,
        match=r"troops-test \(ExportError: troops-test: layouts: every size needs every "
        r"theme; missing phone/dark\)",
    ):
        export.save(standin(), tmp_path, ("html",), layouts=layouts)
    assert not (tmp_path / "troops-test.html").exists()


def test_page_manifest_and_readme_speak_the_figures_language(tmp_path):
    fig = standin(lang="uk")
    export.save(fig, tmp_path, ("html",), html="shared", layouts=standin_layouts(lang="uk"))
    export.save(standin("solo", lang="uk"), tmp_path, ("html",), html="shared")  # one layout: its page too
    for name in ("troops-test", "solo"):
        assert (tmp_path / f"{name}.html").read_text(encoding="utf-8").startswith('<!DOCTYPE html>\n<html lang="uk">')
        assert manifest(tmp_path, name)["lang"] == "uk"
    readme = export.write_readme(tmp_path, ["troops-test", "solo"]).read_text(encoding="utf-8")
    lines = readme.splitlines()
    assert lines[0] == "# Графіка"
    assert "Створено командою `vizlib figures` (`make figures`); не редагуйте вручну." in lines
    assert any(line.startswith("*Альтернативний текст:* A line rising") for line in lines)
    assert "Станом на 11 листопада 2024" in readme and "As of" not in readme and "Alt text" not in readme
    assert "[маніфест](solo.json)" in readme
    snippet = (tmp_path / "solo.embed.html").read_text(encoding="utf-8").rstrip("\n")
    assert f"*Вбудовування* ([solo.embed.html](solo.embed.html)):\n\n```html\n{snippet}\n```" in readme
    english = export.write_readme(tmp_path, ["solo"], title="Figures", lang="en").read_text(encoding="utf-8")
    assert "*Alt text:*" in english and "As of 11 Nov 2024" in english and "*Embed*" in english


@pytest.mark.browser
def test_static_export_warns_of_characters_no_installed_font_draws(tmp_path):
    from vizlib import _fonts

    if not _fonts.can_check():
        pytest.skip("fontconfig's fc-list is not installed")
    boxed = "\U0010fffd"  # a private-use character of the last plane: no font draws it
    fig = standin(title=f"Troops {boxed}")
    with pytest.warns(UserWarning) as caught:
        export.save(fig, tmp_path, ("svg",))
    messages = [str(w.message) for w in caught if "font" in str(w.message)]
    assert messages == [
        f"troops-test: no installed font draws {boxed} (U+10FFFD) in {'Troops ' + boxed!r}; they print as empty boxes "
        "(install a font for that script, e.g. Debian's fonts-noto-cjk)"
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        export.save(fig, tmp_path / "html", ("html",))  # a web page: the reader's browser finds a font
        export.save(standin(title="Курська область"), tmp_path / "cyrillic", ("svg",))  # covered: no warning


@pytest.mark.parametrize(
    ("base", "src"),
    [
        (None, "troops-test.html"),
        ("https://example.org/graphics", "https://example.org/graphics/troops-test.html"),
        ("http://example.org/graphics/", "http://example.org/graphics/troops-test.html"),
    ],
)
def test_the_embed_snippet_points_at_the_page_under_the_base_url_if_given(tmp_path, base, src):
    written = export.save(standin(), tmp_path, ("html",), embed_base_url=base)
    snippet = next(p for p in written if p.name.endswith(".embed.html")).read_text(encoding="utf-8")
    assert f'<iframe id="troops-test-embed" src="{src}"' in snippet


@pytest.mark.parametrize("base", ["ftp://example.org/x", "example.org/graphics", "/graphics", "javascript:alert(1)"])
def test_an_embed_base_url_other_than_http_is_refused_before_anything_is_written(tmp_path, base):
    with pytest.raises(ValueError, match="http:// or https://"):
        export.Batch(tmp_path / "out", ("html",), embed_base_url=base)
    assert not (tmp_path / "out").exists()
