"""What the reader sees on the ground is the key's swatch: maps with a control layer, in a real browser.

Each map is exported as an HTML page and opened in Chromium (Playwright). For every
control status the key lists, the colour of its swatch in the key is read from the
screenshot, and so are the colours at points spread over the ground of that status
(projected with the map's own frame). The ground must show the swatch's colour
exactly (opaque fills, nothing translucent over the highlight), in light and dark.
"""

from __future__ import annotations

import collections
import io
import warnings

import numpy as np
import pytest
import shapely
from conftest import REPO
from helpers import frame_of, label_boxes, metas

from vizlib import export, maps, theme
from vizlib._labels import Box
from vizlib.frontline import read_frontline

pytestmark = pytest.mark.browser

FRONTLINE = REPO / "tests" / "fixtures" / "frontline"
ARCHIVE = FRONTLINE / "deepstatemap_data_20240901.geojson"
FULL_EXPORT = FRONTLINE / "deepstate_export_20240902.geojson"


def _maps(theme_name: str) -> dict:
    archive, full = read_frontline(ARCHIVE), read_frontline(FULL_EXPORT)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the fixtures' dates are not the maps' default date
        return {
            "donetsk": maps.donetsk(layer=archive, as_of="2024-09-01", theme=theme_name),
            "pokrovsk": maps.pokrovsk(layer=archive, as_of="2024-09-01", theme=theme_name),
            "kursk": maps.kursk(layer=full, as_of="2024-09-02", theme=theme_name),
            "kursk-column": maps.kursk(layer=full, as_of="2024-09-02", theme=theme_name, size="column"),
        }


SWATCH = """(name) => {
  const items = Array.from(document.querySelectorAll('.legend .traces'));
  const item = items.find(g => g.querySelector('.legendtext').textContent === name);
  if (!item) return null;
  const fill = item.querySelector('.legendfill path') || item.querySelector('.legendpoints path');
  const r = fill.getBoundingClientRect();
  return [r.x + r.width / 2, r.y + r.height / 2];
}"""


def _pixel(image, x: float, y: float) -> tuple[int, int, int]:
    return image.getpixel((int(round(x)), int(round(y))))[:3]


def _covered(fig) -> list[Box]:
    """Boxes of what is drawn over the ground: text labels, annotations' anchors, markers, and the key's swatches."""
    frame = frame_of(fig)
    boxes = [box.pad(3) for _, box in label_boxes(fig)]
    for t in fig.data:
        if (t.geo or "geo") == "geo" and "markers" in (t.mode or "") and t.lon:
            for lon, lat in zip(t.lon, t.lat):
                if lon is not None:
                    x, y = frame.to_px(lon, lat)
                    boxes.append(Box(float(x) - 9, float(y) - 9, float(x) + 9, float(y) + 9))
    for a in fig.layout.annotations:  # labels drawn as annotations (distances, the dam): a wide berth
        if a.xref not in ("paper",) and a.x is not None and a.y is not None:
            x, y = frame.to_px(a.x, a.y)
            boxes.append(Box(float(x) - 120, float(y) - 40, float(x) + 120, float(y) + 40))
    return boxes


def _ground_points(fig, geometry, n: int = 400) -> list[tuple[float, float]]:
    """Points spread over ``geometry`` (lon/lat) inside the plot, in figure pixels, clear of labels and markers."""
    frame = frame_of(fig)
    covered = _covered(fig)
    x0, y0, x1, y1 = frame.box
    lon0, lat0, lon1, lat1 = geometry.bounds
    rng = np.random.default_rng(7)
    lon = rng.uniform(lon0, lon1, n * 4)
    lat = rng.uniform(lat0, lat1, n * 4)
    inside = shapely.contains_xy(geometry, lon, lat)
    px, py = frame.to_px(lon[inside], lat[inside])
    keep = (px > x0 + 2) & (px < x1 - 2) & (py > y0 + 2) & (py < y1 - 2)
    points = [(x, y) for x, y in zip(px[keep], py[keep], strict=True) if not any(b.x0 <= x <= b.x1 and b.y0 <= y <= b.y1 for b in covered)]
    return points[:n]


@pytest.mark.parametrize("theme_name", ["light", "dark"])
def test_the_ground_shows_the_colour_of_its_swatch(browser, local_server, theme_name):
    from PIL import Image

    figs = _maps(theme_name)
    out = local_server.root / f"colours-{theme_name}"
    export.save_many(figs, out, ("html",), html="shared", progress=False)  # plotly.js compiled once for every map
    page = browser.new_page(viewport={"width": 1300, "height": 1000})
    checked = collections.Counter()
    try:
        for name, fig in figs.items():
            page.goto(local_server.url(out / f"{name}.html"), wait_until="load")
            page.wait_for_selector(".main-svg", state="attached")
            page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
            plot = page.eval_on_selector(".main-svg", "el => { const r = el.getBoundingClientRect(); return [r.x, r.y]; }")
            image = Image.open(io.BytesIO(page.screenshot(full_page=True))).convert("RGB")
            layer_traces = [t for t in fig.data if isinstance(t.meta, str) and t.meta.startswith("layer:")]
            assert layer_traces, (name, metas(fig))
            source = read_frontline(FULL_EXPORT if name.startswith("kursk") else ARCHIVE)
            for trace in layer_traces:
                status = trace.meta.split(":", 1)[1]
                swatch_at = page.evaluate(SWATCH, trace.name)
                assert swatch_at, (name, trace.name, "not in the key")
                swatch = _pixel(image, *swatch_at)
                expected = theme.colors(theme_name)[status]
                assert swatch == tuple(int(expected[i : i + 2], 16) for i in (1, 3, 5)), (name, status, swatch)
                ground = shapely.union_all(list(source[source.status == status].geometry))
                points = _ground_points(fig, ground)
                if len(points) < 20:
                    continue  # the status is in the layer but hardly in the frame
                seen = collections.Counter(_pixel(image, plot[0] + x, plot[1] + y) for x, y in points)
                colour, _ = seen.most_common(1)[0]
                assert colour == swatch, (name, status, seen.most_common(4))
                # within 3 levels a channel: the seams where a polygon is cut around its holes blend by one level
                alike = sum(n for c, n in seen.items() if max(abs(a - b) for a, b in zip(c, swatch)) <= 3)
                # the rest: borders and lines drawn over the ground
                assert alike / len(points) > 0.85, (name, status, seen.most_common(4))
                checked[status] += 1
    finally:
        page.close()
    # the occupied ground of the Donetsk maps and the Ukrainian-held ground of the Kursk maps were read
    # (the full export's occupied and grey-zone squares lie near Donetsk, outside the Kursk frames)
    assert checked == {"occupied": 2, "ukrainian_held": 2}, checked


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


@pytest.mark.parametrize("theme_name", ["light", "dark"])
def test_every_towns_dot_and_its_key_swatch_show_the_palettes_colour(browser, local_server, theme_name):
    # dots sized one by one made plotly.js draw them as bubbles, at 0.7 opacity: a dot showed its colour mixed
    # with the ground under it (the Kurakhove dam's diamond #C4C570 on the map, #B9A947 in the key, for #FFE85C)
    from PIL import Image

    fig = _maps(theme_name)["donetsk"]
    out = local_server.root / f"dots-{theme_name}"
    export.save_many({"donetsk": fig}, out, ("html",), html="shared", progress=False)
    page = browser.new_page(viewport={"width": 1300, "height": 1000})
    try:
        page.goto(local_server.url(out / "donetsk.html"), wait_until="load")
        page.wait_for_selector(".main-svg", state="attached")
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        plot = page.eval_on_selector(".main-svg", "el => { const r = el.getBoundingClientRect(); return [r.x, r.y]; }")
        image = Image.open(io.BytesIO(page.screenshot(full_page=True))).convert("RGB")
        keyed = [t for t in fig.data if str(t.meta).startswith("legend:") and t.marker.symbol[0] == "circle"]
        assert len(keyed) >= 2, metas(fig)
        for entry in keyed:
            swatch_at = page.evaluate(SWATCH, entry.name)
            assert swatch_at, (entry.name, "not in the key")
            assert _pixel(image, *swatch_at) == _rgb(entry.marker.color[0]), entry.name
        places, frame = next(t for t in fig.data if t.meta == "places"), frame_of(fig)
        dots = [(lon, lat, c) for lon, lat, c, s in zip(places.lon, places.lat, places.marker.color, places.marker.symbol) if s == "circle"]
        assert len(dots) >= 5
        for lon, lat, colour in dots:
            x, y = frame.to_px(lon, lat)
            assert _pixel(image, plot[0] + float(x), plot[1] + float(y)) == _rgb(colour), (lon, lat, colour)
    finally:
        page.close()


KEY_ITEMS = """() => Array.from(document.querySelectorAll('.legend .traces')).map(g => {
  const line = g.querySelector('.legendlines path'), fill = g.querySelector('.legendfill path');
  const point = g.querySelector('.legendpoints path');
  const box = el => { const r = el.getBoundingClientRect(); return [r.width, r.height]; };
  return {
    name: g.querySelector('.legendtext').textContent,
    stroke: line ? parseFloat(getComputedStyle(line).strokeWidth) : null,
    fill: fill ? box(fill) : null,
    point: point ? box(point) : null,
    // a marker's outline, half inside its shape and half out: in the background colour it eats into the dot
    outline: point ? [parseFloat(getComputedStyle(point).strokeWidth) || 0, getComputedStyle(point).stroke] : null,
  };
})"""


def test_the_keys_swatches_are_drawn_as_the_map_draws_them(browser, local_server):
    # plotly.js draws every line of a key 5 px wide unless told to size swatches by their traces: the distance's
    # fine dotted line (1.5 px on the map) showed as heavy squares, and the occupied area's swatch, outlined,
    # stood taller than Ukraine's
    from vizlib._carto.towns import KEY_DOT_PX

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the fixture's layer is older than the map's date (a contested town then)
        fig = maps.kurakhove(layer=read_frontline(ARCHIVE), as_of="2024-11-23")
    out = local_server.root / "key-swatches"
    export.save_many({"kurakhove": fig}, out, ("html",), html="shared", progress=False)
    page = browser.new_page(viewport={"width": 1300, "height": 1000})
    try:
        page.goto(local_server.url(out / "kurakhove.html"), wait_until="load")
        page.wait_for_selector(".legend .traces", state="attached")
        items = {item["name"]: item for item in page.evaluate(KEY_ITEMS)}
    finally:
        page.close()
    [distance] = [t for t in fig.data if t.meta == "key:distance"]
    assert items[distance.name]["stroke"] == distance.line.width == 1.5, items[distance.name]
    lines = [t for t in fig.data if str(t.meta).startswith("distance:")]
    assert lines and all(t.line.width == distance.line.width for t in lines)
    # every line in the key as wide as its trace's: an area's outline too (0.6 px, not 5 over its 6 px fill)
    keyed = {t.name: t for t in fig.data if t.showlegend is not False and t.name in items}
    stroked = {name: (items[name]["stroke"], t.line.width) for name, t in keyed.items() if items[name]["stroke"]}
    assert len(stroked) >= 2 and all(got == want for got, want in stroked.values()), stroked
    assert any(items[name]["fill"] for name in stroked), stroked  # an outlined area among them
    # every town's mark in the key as wide as it looks, a ring as a dot (it stood at 14 px, the dots at 10)
    background = "rgb(255, 255, 255)"
    towns = {t.meta.split(":")[1]: t.name for t in fig.data if str(t.meta).startswith("legend:")}
    seen = {}
    for status, name in towns.items():
        (width, _), (stroke, colour) = items[name]["point"], items[name]["outline"]
        seen[status] = width - stroke if colour == background else width + stroke
    assert {"own", "occupied", "contested"} <= set(seen), seen
    assert all(abs(px - KEY_DOT_PX) < 0.5 for px in seen.values()), seen


def _hex(rgb) -> str:
    return "#" + "".join(f"{int(v):02X}" for v in rgb[:3])


#: Pixels per CSS pixel of the screenshots that read a dotted line's dots and gaps apart.
DOT_SCALE = 3


def _along(image: np.ndarray, start, end, along, aside: float = 0.0) -> np.ndarray:
    """RGB of ``image`` (shot at :data:`DOT_SCALE`) at fractions ``along`` of the segment ``start``-``end``
    (page CSS px), ``aside`` CSS px off it to its left."""
    (x0, y0), (x1, y1) = start, end
    length = float(np.hypot(x1 - x0, y1 - y0))
    x = (x0 + along * (x1 - x0) - aside * (y1 - y0) / length) * DOT_SCALE
    y = (y0 + along * (y1 - y0) + aside * (x1 - x0) / length) * DOT_SCALE
    return image[np.round(y).astype(int), np.round(x).astype(int)]


@pytest.mark.parametrize("theme_name", ["light", "dark"])
def test_every_distance_lines_dots_stand_out_from_the_ground_beside_them(browser, local_server, theme_name):
    # In the dark theme, Sudzha's dotted line to the border ran over the Ukrainian-held blue: the text-coloured
    # dots stood at 2.4:1 on it, and the line all but vanished. What is seen beside each dot must set it off at
    # 3:1 (WCAG's contrast for graphics) on whatever ground the line crosses, while the gaps between the dots
    # still show the ground: a line cased all along read as a band (a road, a strip of Ukraine to Sudzha).
    # Lines shorter than towns.SHORT_LINE_PX are not drawn: Sudzha's, on every Kursk map, is not.
    from PIL import Image
    from test_theme import contrast_ratio

    figs = {name: fig for name, fig in _maps(theme_name).items() if name == "pokrovsk"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the fixture's date is not the map's default date
        figs["kurakhove"] = maps.kurakhove(layer=read_frontline(ARCHIVE), as_of="2024-09-01", theme=theme_name)
    out = local_server.root / f"lines-{theme_name}"
    export.save_many(figs, out, ("html",), html="shared", progress=False)
    context = browser.new_context(viewport={"width": 1300, "height": 1000}, device_scale_factor=DOT_SCALE)
    page = context.new_page()
    text = _rgb(theme.colors(theme_name)["text"])
    background = _rgb(theme.colors(theme_name)["background"])
    measured, faint, banded, notched = [], [], [], []
    try:
        for name, fig in figs.items():
            page.goto(local_server.url(out / f"{name}.html"), wait_until="load")
            page.wait_for_selector(".main-svg", state="attached")
            plot = page.eval_on_selector(".main-svg", "el => { const r = el.getBoundingClientRect(); return [r.x, r.y]; }")
            image = np.asarray(Image.open(io.BytesIO(page.screenshot(full_page=True))).convert("RGB")).astype(int)
            frame = frame_of(fig)
            for line in (t for t in fig.data if str(t.meta).startswith("distance:")):
                (x0, x1), (y0, y1) = frame.to_px(np.array(line.lon), np.array(line.lat))
                ends = (plot[0] + x0, plot[1] + y0), (plot[0] + x1, plot[1] + y1)
                steps = np.linspace(0.2, 0.8, 240)  # the line's middle: clear of its place's dot and of the border
                centre = _along(image, *ends, steps)
                on_dot = np.abs(centre - text).max(axis=1) <= 40
                assert 0.2 < on_dot.mean() < 0.8, (name, line.meta, on_dot.mean())
                # beside a dot, 1.25 px off its centre line (the dot is 1.5 px wide), on both sides
                beside = np.concatenate([_along(image, *ends, steps[on_dot], side) for side in (-1.25, 1.25)])
                rim = _hex(np.median(beside, axis=0))
                gaps = centre[~on_dot]
                ground = _hex(np.median(gaps, axis=0))
                measured.append((name, line.meta, rim, ground, round(contrast_ratio(_hex(text), rim), 2)))
                if contrast_ratio(_hex(text), rim) < 3:
                    faint.append(measured[-1])
                # the gaps show what the line crosses, not a band drawn under it: as the ground just off the line
                off = _hex(np.median(_along(image, *ends, steps, 4.0), axis=0))
                if max(abs(int(ground[i : i + 2], 16) - int(off[i : i + 2], 16)) for i in (1, 3, 5)) > 12:
                    banded.append((name, line.meta, ground, off))
                # where the line meets the border or the front, that edge shows whole: no rim of the background
                # colour bites into it (Sudzha's last dot notched the state border where the incursion crossed)
                last = 1 - 0.75 / float(np.hypot(x1 - x0, y1 - y0))
                edge = np.concatenate([_along(image, *ends, np.array([last]), side) for side in (-1.25, 1.25)])
                if (np.abs(edge - background).max(axis=1) <= 12).any():
                    notched.append((name, line.meta, [_hex(c) for c in edge]))
    finally:
        context.close()
    lines = {(m[0], m[1].split(":")[1]) for m in measured}
    assert lines == {("pokrovsk", t) for t in ("pokrovsk", "myrnohrad", "selydove")} | {
        ("kurakhove", "kurakhove"), ("kurakhove", "kurakhove_dam")}, lines  # fmt: skip
    assert not faint, faint
    assert not banded, banded
    assert not notched, notched
