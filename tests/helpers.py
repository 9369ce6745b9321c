"""Helpers shared by test modules (fixtures live in conftest.py; plain functions here).

Import as ``from helpers import ...`` (pytest puts ``tests/`` on the path).
"""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from fixtures.frontline.make_fixtures import archive, square

from vizlib import _text
from vizlib._carto.geometry import EARTH_KM
from vizlib._carto.projection import Frame
from vizlib._labels import Box, distance_to, spot_at
from vizlib.frontline import ARCHIVE_START
from vizlib.frontline._read import ARCHIVE_NAME

#: The synthetic archive's last day (the story's autumn and a month more).
SYNTHETIC_END = dt.date(2024, 12, 31)
#: How far the synthetic occupied square grows east each day, in km.
SYNTHETIC_KM_PER_DAY = 0.03


def synthetic_archive(folder: Path, start: dt.date = ARCHIVE_START, end: dt.date = SYNTHETIC_END) -> Path:
    """Write a daily archive of made-up control areas near 48°N 37°E, one file a day; return ``folder``.

    Day ``k`` (from 8 Jul 2024) shows a rectangle [0, 10 + 0.03 k] x [0, 10] km and a square
    [20, 25] x [0, 5] km (local equal-area kilometres, as in ``fixtures/frontline/make_fixtures.py``)
    as occupied: 125 km² on 8 Jul, growing 0.3 km² a day. Not DeepStateMap's data: material for
    tests that need a layer for every date, offline.
    """
    folder.mkdir(parents=True, exist_ok=True)
    fixed = square(20, 0, 25, 5)
    day = start
    while day <= end:
        k = (day - ARCHIVE_START).days
        name = ARCHIVE_NAME.format(day)
        collection = archive(name.removesuffix(".geojson"), [square(0, 0, 10 + SYNTHETIC_KM_PER_DAY * k, 10), fixed])
        (folder / name).write_text(json.dumps(collection) + "\n", encoding="utf-8")
        day += dt.timedelta(days=1)
    return folder


# --- maps ---------------------------------------------------------------------------------------------------------


def by_meta(fig, name):
    """The first trace whose ``meta`` is ``name`` (fails, listing the metas, when none is)."""
    found = [t for t in fig.data if t.meta == name]
    assert found, f"no trace {name!r}; have {[t.meta for t in fig.data]}"
    return found[0]


def metas(fig) -> list:
    """The ``meta`` of every trace, in drawing order."""
    return [t.meta for t in fig.data]


def km_between(lon1, lat1, lon2, lat2) -> float:
    """Great-circle distance in km on vizlib's sphere."""
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    return EARTH_KM * math.acos(min(1, math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)))


def frame_of(fig) -> Frame:
    """The projection frame a map figure was drawn in (its geo ranges and parallels, its plot box in px)."""
    return frame_of_geo(fig, "geo")


def frame_of_geo(fig, geo_id: str) -> Frame:
    """The projection frame of one geo subplot: its ranges and parallels, its domain in figure px."""
    geo, mg = fig.layout[geo_id], fig.layout.margin
    w, h = fig.layout.width - mg.l - mg.r, fig.layout.height - mg.t - mg.b
    (dx0, dx1), (dy0, dy1) = geo.domain.x or (0, 1), geo.domain.y or (0, 1)
    box = (mg.l + dx0 * w, mg.t + (1 - dy1) * h, mg.l + dx1 * w, mg.t + (1 - dy0) * h)
    return Frame(tuple(geo.lonaxis.range), tuple(geo.lataxis.range), tuple(geo.projection.parallels), box)


def point_boxes(frame: Frame, trace) -> list[tuple[str, Box | None]]:
    """Each point's text on a geo trace with its box in figure pixels (None where it has none).

    A town's name stands half its dot and 2 px off its point (a ring drawn 1 px larger); another label 3 px off.
    """
    n = len(trace.text)
    positions = trace.textposition if isinstance(trace.textposition, tuple) else [trace.textposition] * n
    sizes = trace.textfont.size if isinstance(trace.textfont.size, tuple) else [trace.textfont.size or 12] * n
    gaps = [3.0] * n
    if trace.meta == "places":
        rings = [int(status == "contested") for status in trace.customdata]
        gaps = [(dot - ring) / 2 + 2 for dot, ring in zip(trace.marker.size, rings, strict=True)]
    out: list[tuple[str, Box | None]] = []
    for lon, lat, text, pos, size, gap in zip(trace.lon, trace.lat, trace.text, positions, sizes, gaps, strict=True):
        if not text:
            out.append((text, None))
            continue
        x, y = frame.to_px(lon, lat)
        w, h = _text.text_size(text, size)
        out.append((text, spot_at(pos, 0 if pos == "middle center" else gap).box(float(x), float(y), w, h)))
    return out


def label_boxes(fig, geo_id: str = "geo") -> list[tuple[str, Box]]:
    """Every text label of a map's geo traces with its box in figure pixels (measured as the placer measures)."""
    frame = frame_of_geo(fig, geo_id)
    traces = [t for t in fig.data if (t.geo or "geo") == geo_id and t.text and "text" in (t.mode or "")]
    return [(text, box) for t in traces for text, box in point_boxes(frame, t) if box is not None]


def said_with_the_name(fig, line) -> bool:
    """Tell whether a distance line's words stand under the name of the place it starts from (a line too short)."""
    start, number = (line.lon[0], line.lat[0]), line.name.split()[0]
    return any(
        (round(x, 4), round(y, 4)) == start and f"<br>{number} " in (text or "")
        for t in fig.data
        if t.meta in ("places", "noted") and (t.geo or "geo") == (line.geo or "geo")
        for x, y, text in zip(t.lon, t.lat, t.text, strict=True)
    )


def assert_distance_numbers_beside_their_lines(fig) -> None:
    """Check every distance line's number: clear of its own line, and nearer it than any other line of its map.

    Nearer from the number's centre and from its edge.

    A line too short to carry its words has them under its place's name instead (:func:`said_with_the_name`).
    """
    lines = [t for t in fig.data if str(t.meta).startswith("distance:") and not said_with_the_name(fig, t)]
    for geo in sorted({line.geo or "geo" for line in lines}):  # a small multiple's panels: one geo each
        frame = frame_of_geo(fig, geo)
        here = [line for line in lines if (line.geo or "geo") == geo]
        segments = {line.meta: _px_segment(frame, line) for line in here}  # "distance:<place>:<km>"
        # words beside a line float free where it barely shows past its place's dot (kursk's phone: 9 px, its
        # "12 km to the border" read as Sumy's; on the wide map, 19 px, they stood 50 px from it, over Sumy)
        short = {key: round(float(np.hypot(*(pts[-1] - pts[0]))), 1) for key, pts in segments.items()}
        assert all(px >= 20 for px in short.values()), short
        number_of = {line.meta: line.name.split()[0] for line in here}  # as printed: "7.3", "7,3"
        numbers = [(text, box) for text, box in label_boxes(fig, geo) if text.split()[0] in number_of.values()]
        numbers = [(text, box) for text, box in numbers if "km" in text or "км" in text]
        assert len(numbers) == len(here), (geo, numbers, list(segments))
        for text, box in numbers:
            inside = box.pad(-1)
            mine = [key for key, number in number_of.items() if number == text.split()[0]]
            for key in mine:  # two lines of the same length: neither may cross the number
                own = segments[key]
                assert not any(inside.x0 < x < inside.x1 and inside.y0 < y < inside.y1 for x, y in own), (text, box)
            cx, cy = box.center
            gaps = {key: np.hypot(pts[:, 0] - cx, pts[:, 1] - cy).min() for key, pts in segments.items()}
            assert min(gaps, key=gaps.get) in mine, (text, gaps)
            # and from its edge: words at the end of another line read as that line's (kurakhove's column)
            edges = {key: round(min(distance_to(p, box) for p in pts), 1) for key, pts in segments.items()}
            assert min(edges, key=edges.get) in mine, (text, edges)
        # two numbers one over the other read as a pair, either as either line's (Pokrovsk's phone: "7.3 km" right
        # over "10.0 km" where Myrnohrad's and Pokrovsk's lines end a few pixels apart)
        for k, (text, box) in enumerate(numbers):
            for other, near in numbers[k + 1 :]:
                level = box.x0 < near.x1 and near.x0 < box.x1
                gap = max(near.y0 - box.y1, box.y0 - near.y1)
                assert not (level and gap < box.y1 - box.y0), ("stacked", text, other, round(gap, 1))


def assert_no_name_stacked_on_a_note(fig) -> None:
    """Check that no town's name stands just over or under a note (a distance's number, the dam's words).

    Less than a line apart and across a third of the narrower at least, the two read as one label, the way
    a town's own distance is said under its name ("Курахівка" over "3,9 км", Kurakhove's Ukrainian phone map).
    """
    notes = {text for t in fig.data if t.meta == "labels:note" for text in t.text if text}
    boxes = [(text, box) for text, box in label_boxes(fig) if text in notes]
    # a town's own number may stand under its name: it says what it is said to say
    own = {(round(t.lon[0], 4), round(t.lat[0], 4)): t.name for t in fig.data if str(t.meta).startswith("distance:")}
    frame = frame_of(fig)
    for trace in (t for t in fig.data if t.meta == "places"):
        for (name, box), lon, lat in zip(point_boxes(frame, trace), trace.lon, trace.lat, strict=True):
            if box is None:
                continue
            for note, near in boxes:
                if own.get((round(lon, 4), round(lat, 4))) == note:
                    continue
                across = min(box.x1, near.x1) - max(box.x0, near.x0)
                gap = max(near.y0 - box.y1, box.y0 - near.y1)
                line = (box.y1 - box.y0) / (name.count("<br>") + 1)
                stacked = across >= min(box.x1 - box.x0, near.x1 - near.x0) / 3 and gap < line
                assert not stacked, (name, note, round(gap, 1))


def assert_no_name_across_a_distance_line(fig, start_px: float = 12) -> None:
    """Check that no town's name stands across a distance line, past its first ``start_px`` (its own town's name's room).

    A dotted line through a village's name reads as striking it out, or as leading to it (Leontovychi, Pokrovsk's phone).
    """
    names = [
        (text, box)
        for t in fig.data
        if t.meta in ("places", "noted")
        for text, box in point_boxes(frame_of_geo(fig, t.geo or "geo"), t)
        if box is not None
    ]
    for line in (t for t in fig.data if str(t.meta).startswith("distance:")):
        pts = _px_segment(frame_of_geo(fig, line.geo or "geo"), line)
        pts = pts[np.hypot(*(pts - pts[0]).T) > start_px]
        for text, box in names:
            inside = box.pad(-1)
            crossed = [(x, y) for x, y in pts if inside.x0 < x < inside.x1 and inside.y0 < y < inside.y1]
            assert not crossed, (line.meta, text, box, crossed[:2])


def assert_names_by_their_own_dots(fig) -> None:
    """Check that every town's name (a geo's ``places`` trace) stands nearer its own dot than any other of its trace.

    Measured from the name's box, as a reader does: a name reads as the dot it stands by. Each geo
    subplot (a small multiple's panel) on its own. A town always named (a story's, its name in bold; one
    a distance is measured from) may, where its dot is crowded (Kurakhove 11 px from Donetsk on the
    theatre map), stand as near a neighbour's: it is checked to touch its own dot, and to stand nearer it than a noted
    place's mark (the dam's diamond: "Kurakhove" under it read as the dam's); any other name, by ``NEARER_PX``.
    """
    from vizlib._carto.towns import NOTED_MARK_PX
    from vizlib._labels import NEARER_PX, Box, box_gap

    measured = {(t.lon[0], t.lat[0]) for t in fig.data if str(t.meta).startswith("distance:")}
    for trace in (t for t in fig.data if t.meta == "places"):
        geo = trace.geo or "geo"
        frame = frame_of_geo(fig, geo)
        sizes = trace.marker.size if isinstance(trace.marker.size, tuple) else [trace.marker.size] * len(trace.lon)
        xs, ys = frame.to_px(list(trace.lon), list(trace.lat))
        dots = [Box(x - s / 2, y - s / 2, x + s / 2, y + s / 2).pad(1) for x, y, s in zip(xs, ys, sizes)]
        noted = [  # the marks of exact places, as the map keeps names off them (an approximate one is a disc)
            Box(x - NOTED_MARK_PX, y - NOTED_MARK_PX, x + NOTED_MARK_PX, y + NOTED_MARK_PX)
            for t in fig.data
            if t.meta == "noted" and (t.geo or "geo") == geo
            for x, y, symbol in zip(*frame.to_px(list(t.lon), list(t.lat)), t.marker.symbol, strict=True)
            if symbol != "circle-open"
        ]
        for i, (name, box) in enumerate(point_boxes(frame, trace)):
            if not name:
                continue
            own = box_gap(box, dots[i])
            by_mark = min((box_gap(box, n) for n in noted), default=np.inf)
            if name.startswith("<b>") or (round(trace.lon[i], 4), round(trace.lat[i], 4)) in measured:
                assert own <= 2 and own < by_mark, (name, own, "a noted place's mark", by_mark)
                continue
            assert own + NEARER_PX <= by_mark + 0.5, (name, own, "a noted place's mark", by_mark)
            nearest = min((box_gap(box, d), k) for k, d in enumerate(dots) if k != i) if len(dots) > 1 else (np.inf, i)
            assert own + NEARER_PX <= nearest[0] + 0.5, (name, own, trace.text[nearest[1]], nearest[0])


def names_leading_into_another_dot(fig) -> list[tuple[str, str]]:
    """Return (name, other town) where a one-line town's name, not level with its own dot, has another's dot level
    with it just past one of its ends: "Kharkiv ● Belgorod", Belgorod's name under its dot, reads as Kharkiv's.

    Measured as :func:`vizlib._labels.leads_into_rival` does, from the figure as drawn (each geo on its own).
    """
    from vizlib._labels import ROW_LEAD_PX, ROW_SLACK_PX, box_gap

    found = []
    for trace in (t for t in fig.data if t.meta == "places"):
        frame = frame_of_geo(fig, trace.geo or "geo")
        sizes = trace.marker.size if isinstance(trace.marker.size, tuple) else [trace.marker.size] * len(trace.lon)
        xs, ys = frame.to_px(list(trace.lon), list(trace.lat))
        dots = [Box(x - s / 2, y - s / 2, x + s / 2, y + s / 2).pad(1) for x, y, s in zip(xs, ys, sizes)]
        for i, (name, box) in enumerate(point_boxes(frame, trace)):
            if not name or "<br>" in name or box.y0 <= ys[i] <= box.y1:
                continue
            found += [
                (name, trace.text[k] or f"dot {k}")
                for k, d in enumerate(dots)
                if k != i and box.y0 - ROW_SLACK_PX <= ys[k] <= box.y1 + ROW_SLACK_PX and box_gap(box, d) < ROW_LEAD_PX
            ]
    return found


def assert_no_village_dot_beside_a_note(fig) -> None:
    """Check that no village's dot stands by a note (a distance's number, the dam's words): it would read as its own."""
    from vizlib import meta
    from vizlib._carto import lettering

    notes = {text for t in fig.data if t.meta in ("labels:note", "noted", "approx") for text in t.text if text}
    numbers = [box for text, box in label_boxes(fig) if text in notes]
    # a note's first line, where reading starts: a dot in that row, just before or after it, reads as its name's
    first_rows = [
        Box(box.x0, box.y0, box.x1, box.y0 + (box.y1 - box.y0) / (text.count("<br>") + 1))
        for text, box in label_boxes(fig)
        if text in notes
    ]
    drawn = meta.get(fig)["data"]
    rows = [dict(zip(drawn["columns"], row)) for row in drawn["rows"]]
    villages = {(round(r["lon"], 4), round(r["lat"], 4)) for r in rows if r.get("kind") == "village"}
    frame = frame_of(fig)
    for trace in (t for t in fig.data if t.meta == "places"):
        sizes = trace.marker.size if isinstance(trace.marker.size, tuple) else [trace.marker.size] * len(trace.lon)
        for lon, lat, name, dot in zip(trace.lon, trace.lat, trace.text, sizes):
            if (round(lon, 4), round(lat, 4)) in villages:
                x, y = frame.to_px(lon, lat)
                near = min(distance_to((float(x), float(y)), box) for box in numbers)
                assert near >= dot / 2 + lettering.NOTE_CLEAR_PX, (name, near)
                level = [round(distance_to((float(x), float(y)), r), 1) for r in first_rows if r.y0 <= y <= r.y1]
                assert all(gap > lettering.NOTE_BESIDE_PX for gap in level), (name, "in a note's row", level)


def _px_segment(frame, line) -> np.ndarray:
    """The pixels (x, y) along a two-point line trace, one per pixel of its length."""
    (x0, x1), (y0, y1) = (np.asarray(v, dtype=float) for v in frame.to_px(list(line.lon), list(line.lat)))
    n = max(2, int(np.hypot(x1 - x0, y1 - y0)) + 1)
    return np.column_stack([np.linspace(x0, x1, n), np.linspace(y0, y1, n)])


def slider_boxes(fig) -> dict[str, Box]:
    """The boxes, in figure px, of an animated map's play/pause buttons, its current date and its labelled dates.

    Worked out from the figure's spec with plotly.js's own layout rules (``sliders`` and
    ``updatemenus`` constants): a button is its text plus 24 px, at least 30 px wide, buttons 2 px
    apart; a slider's ticks run from 10 px inside its rail's ends (``stepInset``), a date is centred
    on every ``labelStride``-th tick, the stride making room for the widest date plus 8 px; the
    current date starts at the rail's left end (``xanchor='left'``). Keys: ``'buttons'``,
    ``'current'``, and ``'tick <label>'`` for each labelled date.
    """
    slider, menu, mg = fig.layout.sliders[0], fig.layout.updatemenus[0], fig.layout.margin
    w = fig.layout.width - mg.l - mg.r
    buttons = sum(max(30.0, _text.text_size(b.label, menu.font.size)[0] - 4 + 24) for b in menu.buttons)
    bx = mg.l + menu.x * w + (menu.pad.l or 0)
    boxes = {"buttons": Box(bx, 0, bx + buttons + 2 * (len(menu.buttons) - 1), 0)}
    x0 = mg.l + slider.x * w + slider.pad.l
    rail = round(slider.len * w - slider.pad.l - slider.pad.r) - 2 * 10
    labels = [s.label for s in slider.steps]
    sizes = [_text.text_size(label, slider.font.size)[0] - 4 for label in labels]
    stride = max(1, math.ceil((max(sizes) + 8) / (rail / (len(labels) - 1))))
    current = max(_text.text_size(label, slider.currentvalue.font.size)[0] for label in labels)
    boxes["current"] = Box(x0, 0, x0 + current, 0)
    for i in range(0, len(labels), stride):
        centre = x0 + 10 + rail * i / (len(labels) - 1)
        boxes[f"tick {labels[i]}"] = Box(centre - sizes[i] / 2, 0, centre + sizes[i] / 2, 0)
    return boxes


# --- a real browser ---------------------------------------------------------------------------------------------


@dataclass
class Visit:
    """What happened while a page was open."""

    url: str
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def remote_requests(self, origin: str | None = None) -> list[str]:
        """Requests that would leave the machine: anything but file:, data: and the local server."""
        local = ("file://", "data:", "blob:", *([f"{origin}/"] if origin else []))
        return [url for url in self.requests if not url.startswith(local)]


def visit(page, url: str, action=None) -> tuple[Visit, bytes]:
    """Open ``url`` in ``page``, wait for plotly's SVG, run ``action(page)``.

    Returns the record of the visit and a full-page screenshot (PNG).
    """
    record = Visit(url)

    def on_dialog(dialog):
        record.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    listeners = {
        "request": lambda request: record.requests.append(request.url),
        "console": lambda msg: msg.type == "error" and record.console_errors.append(msg.text),
        "pageerror": lambda error: record.page_errors.append(str(error)),
        "dialog": on_dialog,
    }
    for event, listener in listeners.items():
        page.on(event, listener)
    try:
        page.goto(url, wait_until="load")
        page.wait_for_selector(".main-svg", state="attached", timeout=20_000)
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        if action is not None:
            action(page)
        shot = page.screenshot(full_page=True)
    finally:
        for event, listener in listeners.items():
            page.remove_listener(event, listener)
    return record, shot


def drawn(png: bytes) -> tuple[int, float]:
    """Return (distinct colours, share of pixels unlike the most common colour) of a screenshot."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    colours = image.getcolors(maxcolors=image.width * image.height)
    background = max(colours)[0]
    return len(colours), 1 - background / (image.width * image.height)


def looks_drawn(png: bytes) -> bool:
    """A figure, not an empty or near-empty page: many colours, and >1.5 % of pixels off the background.

    (The sparsest figure, a chart of a few bars, measures ~2.8 %; a page holding one word ~0.1 %.)
    """
    colours, share = drawn(png)
    return colours >= 200 and share > 0.015


def plain(text: str) -> str:
    """Plotly label markup as the DOM shows it: tags dropped, entities decoded, no whitespace."""
    return re.sub(r"\s+", "", html.unescape(re.sub(r"<[^>]+>", "", text)))
