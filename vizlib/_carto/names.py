"""Names of areas: oblasts and countries, centred on what is visible of them."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from vizlib import _text
from vizlib._carto import geometry
from vizlib._carto.credits import NATURAL_EARTH
from vizlib._labels import Box, Label, centred
from vizlib.meta import escape

if TYPE_CHECKING:
    from vizlib._carto.mapcanvas import MapCanvas

#: Priority level of area names: placed after towns and notes, which are the story.
LEVEL = 1
#: An oblast's name in capitals (pixels): a highlighted one; the others in English and in Ukrainian, whose
#: capitals run wider with "ОБЛ." (at 10.5 px the phone's "ЛУГАНСЬКА ОБЛ." found no room where "LUHANSK" did).
STRONG_PX, NAME_PX = 12.5, (10.5, 10.0)


def boundary(m: MapCanvas, codes: Sequence[str]) -> None:
    """Name the oblasts ``codes`` beside the boundary between them, each on its own side; record them as drawn.

    On a map that names no oblast (a close-up), the thin line between two oblasts otherwise goes
    unexplained (in the dark theme it could pass for a road). Each name, with the word oblast
    ("DONETSK OBLAST", "ДОНЕЦЬКА ОБЛ."), stands level with a point of the line, :data:`_BESIDE_PX` from
    it, wholly in its oblast; where none fits (the narrow side of a close-up), that side goes unnamed.
    """
    import shapely

    admin = m.regions[m.regions.level == "admin1"].set_index("iso_3166_2")
    frame = m.geo_frame
    view = shapely.box(*frame.visible_bounds())
    shapes = {code: admin.geometry[code].intersection(view) for code in codes if code in admin.index}
    # each stretch of boundary the map shows at length (a sliver at its edge, named, left the name floating)
    edges = {
        pair: shapely.transform(shapes[pair[0]].boundary.intersection(shapes[pair[1]].boundary).intersection(view),
                                functools.partial(_to_px, frame))
        for pair in itertools.combinations(shapes, 2)
    }  # fmt: skip
    edges = {pair: edge for pair, edge in edges.items() if edge.length >= _NAMED_FROM_PX}
    if not edges:
        return
    line_px = shapely.union_all(list(edges.values()))
    shapes = {code: shape for code, shape in shapes.items() if any(code in pair for pair in edges)}
    points = [line_px.interpolate(d) for d in np.arange(0, line_px.length, _ALONG_PX)]
    for code, shape in shapes.items():
        km_px = frame.km_per_px(shape.centroid.y) if not shape.is_empty else 1
        reach = shape.buffer(_NAME_REACH_PX * km_px / 111)
        if code[:2] in m.by_code:
            reach = reach.intersection(m.country_shape(code[:2]))
        shapely.prepare(shape)
        shapely.prepare(reach)
        lies_in = functools.partial(_lies_in, m, shape, reach)
        size = NAME_PX[m.lang == "uk"]
        centres: dict[str, list[tuple[float, float]]] = {}
        oblast = admin.loc[code, "name_uk"].endswith(" область")  # not a city, a republic or a krai
        for text in (escape(words) for words in _forms(m.region_name(code), m.lang, whole=oblast)):
            w, h = _text.text_size(text, size)
            tried = [(p.x + side * (w / 2 + _BESIDE_PX), p.y) for p in points for side in (1, -1)]
            centres[text] = [
                (cx, cy)
                for cx, cy in tried
                if lies_in(box := _box_at(cx, cy, w, h))
                and not line_px.intersects(shapely.box(box.x0 - 2, box.y0, box.x1 + 2, box.y1))
            ]
        texts = [text for text, found in centres.items() if found]
        if not texts:
            continue
        x, y = centres[texts[0]][0]
        shifts = {text: centred([(cx - x, cy - y) for cx, cy in centres[text]])[1:] for text in texts}
        lon, lat = frame.to_lonlat([x], [y])
        m.labels.append(
            Label(
                float(x),
                float(y),
                tuple(texts),
                shifts[texts[0]],
                size=size,
                own_spots={text: shifts[text] for text in texts[1:]},
                priority=LEVEL,
                key=dict(kind="region", strong=False, code=code, short=texts[-1] if len(texts) > 1 else None),
            )
        )
        _record(m, code, admin.loc[code, "name"], float(lon[0]), float(lat[0]))


#: Pixels between a boundary and the name beside it, and between the points of the line where names are tried.
_BESIDE_PX, _ALONG_PX = 6, 12
#: Pixels of a boundary a map must show for its oblasts to be named beside it.
_NAMED_FROM_PX = 60


def _record(m: MapCanvas, code: str, name: str, lon: float, lat: float) -> None:
    """Record an oblast's name as requested on the map, for its data (kept by lettering only if drawn)."""
    m.region_rows.append(
        dict(
            id=code,
            name=name,
            kind="region",
            lat=round(lat, 4),
            lon=round(lon, 4),
            approximate=False,
            source=NATURAL_EARTH.name,
        )
    )


def _box_at(x: float, y: float, w: float, h: float) -> Box:
    return Box(x - w / 2, y - h / 2, x + w / 2, y + h / 2)


def regions(m: MapCanvas, codes: Sequence[str], emphasis: Sequence[str] = ()) -> None:
    """Request a label for each oblast in ``codes`` that shows enough of itself; record it as drawn."""
    import shapely

    admin = m.regions[m.regions.level == "admin1"].set_index("iso_3166_2")
    view = shapely.box(*m.geo_frame.visible_bounds())
    for code in codes:
        if code not in admin.index:
            continue
        shape = admin.geometry[code].intersection(view)
        if shape.is_empty or shape.area < 0.05:
            continue
        part = max(geometry.polygons(shape), key=lambda p: p.area)
        point = shapely.ops.polylabel(part, tolerance=0.01)
        name = m.region_name(code)
        strong = code in emphasis
        size = STRONG_PX if strong else NAME_PX[m.lang == "uk"]
        x, y = m.to_px(point.x, point.y)
        # a name reads as the area it lies in: its middle and both ends inside the oblast (a long name
        # centred on a small one ran over the next, "Орловська область" over Kursk oblast); where the
        # name is too long for that, its short form ("ОРЛОВСЬКА ОБЛ.")
        # the outline and its reach, made once for every wording and spot tried
        reach = shape.buffer(_NAME_REACH_PX * m.geo_frame.km_per_px(point.y) / 111)  # pixels as degrees, about
        # a wiggle of the oblast's outline, never across the state border ("BELGOROD" stood on Kharkiv oblast)
        if code[:2] in m.by_code:
            reach = reach.intersection(m.country_shape(code[:2]))
        shapely.prepare(shape)
        shapely.prepare(reach)
        outline = shapely.transform(shape, functools.partial(_to_px, m.geo_frame))
        lies_in = functools.partial(_lies_in, m, shape, reach)
        texts: list[str] = []
        spots: tuple = ()
        own: dict[str, tuple] = {}
        forms = [f"<b>{escape(words)}</b>" if strong else escape(words) for words in _forms(name, m.lang)]
        for text in forms:
            w, h = _text.text_size(text, size)
            if texts:
                # a shorter form: at the longer one's spots where it lies in too, then at its own (beside
                # towns, where the longer runs into their names: "КУРСЬКА ОБЛ." on the phone)
                mine = tuple(p for p in spots if lies_in(p.box(float(x), float(y), w, h)))
                mine += tuple(p for p in _spots_in(m, outline, lies_in, x, y, w, h) if p not in mine)
                if mine:
                    texts.append(text)
                    if mine != spots:
                        own[text] = mine
            elif spots := _spots_in(m, outline, lies_in, x, y, w, h):
                texts.append(text)
        if not texts:
            continue
        m.labels.append(
            Label(
                float(x),
                float(y),
                tuple(texts),
                spots,
                size=size,
                own_spots=own,
                priority=LEVEL,
                key=dict(kind="region", strong=strong, code=code, short=forms[-1] if len(forms) > 1 else None),
            )
        )
        _record(m, code, admin.loc[code, "name"], point.x, point.y)


def _spots_in(m: MapCanvas, outline: Any, lies_in: Any, x: float, y: float, w: float, h: float) -> tuple:
    """Return the spots, best first, where a ``w`` by ``h`` name of the area anchored at ``x``, ``y`` lies in it.

    Its pole, a line above and below it, a third of its width left and right, two lines above and
    below; then elsewhere in the area (``outline``, figure pixels), widest room first: a town's name
    or a control area at its pole.
    """
    shifts = [(0, -h), (0, h), (-w / 3, 0), (w / 3, 0), (0, -2 * h), (0, 2 * h)]
    inner = _inner(m.plot, w, h).intersection(outline.envelope)
    shifts += [(cx - x, cy - y) for cx, cy in _fitting_centres(outline, inner, w, h)]
    return tuple(spot for spot in centred(shifts) if lies_in(spot.box(float(x), float(y), w, h)))


def _forms(name: str, lang: str, whole: bool = False) -> list[str]:
    """Return an oblast's name as a map writes it, long form first: ``KURSK``; ``КУРСЬКА ОБЛАСТЬ``, ``КУРСЬКА ОБЛ.``.

    In capitals in either language: an area's name, never a town's (bold "Курська обл." beside
    Korenevo's dot read as a town's name). ``whole``: with the word oblast in English too (``KURSK OBLAST``).
    """
    if whole and lang != "uk" and not name.endswith(" Oblast"):  # "Kyiv Oblast" says it already
        return [f"{name} oblast".upper(), f"{name} obl.".upper()]
    if lang != "uk" or not name.endswith(" область"):
        return [name.upper()]
    return [name.upper(), name.removesuffix(" область").upper() + " ОБЛ."]


#: How far (pixels) a name's ends may reach past its area's outline: a wiggle of the border, not the next area.
_NAME_REACH_PX = 8


def _lies_in(m: MapCanvas, shape: Any, reach: Any, box: Any) -> bool:
    """Tell whether a name's box (figure pixels) has its middle inside ``shape``, its ends and corners in ``reach``.

    The corners too: "KURSK" at the oblast's narrow northern tip had its middle and ends inside, and
    read as standing on Oryol and Bryansk oblasts on either side.
    """
    import shapely

    y = (box.y0 + box.y1) / 2
    xs = [(box.x0 + box.x1) / 2, box.x0, box.x1, box.x0, box.x1, box.x0, box.x1]
    lon, lat = m.geo_frame.to_lonlat(xs, [y, y, y, box.y0, box.y0, box.y1, box.y1])
    return bool(shapely.contains_xy(shape, lon[0], lat[0]) and shapely.contains_xy(reach, lon, lat).all())


def countries(m: MapCanvas, codes: Sequence[str] = ("UA", "RU", "BY")) -> None:
    """Request a country name where it fits inside the country's visible part, on its own land colour.

    Clear of named and highlighted oblasts and of the control areas; a size smaller
    (:data:`COUNTRY_SIZES`) where the visible part is too small for the house size, left out where it is
    too small for both (or, later, where towns' names take every spot).
    """
    import shapely

    view = shapely.box(*m.geo_frame.visible_bounds())
    admin = m.regions[m.regions.level == "admin1"].set_index("iso_3166_2")
    named = shapely.union_all([admin.geometry[r["id"]] for r in m.region_rows]).buffer(0.3)
    # a country's name sits on its own land colour: off the highlighted oblasts and the control areas
    covered = [admin.geometry[code] for code in m.highlight if code in admin.index]
    covered += list(m.layer.geometry) if m.layer is not None else []
    colour = shapely.union_all(covered) if covered else shapely.Polygon()
    named = named.union(colour)
    if m.inset_box is not None:
        b = m.inset_box
        lon, lat = m.geo_frame.to_lonlat([b.x0, b.x1, b.x1, b.x0], [b.y0, b.y0, b.y1, b.y1])
        named = named.union(shapely.Polygon(zip(lon, lat)).buffer(0.2))
    for code in codes:
        visible = m.country_shape(code).intersection(view)
        shape = visible.difference(named).buffer(-0.2)
        if shape.is_empty:
            continue
        text = escape(m.region_name(code).upper())
        for size in COUNTRY_SIZES:  # a size smaller where the name does not fit ("БІЛОРУСЬ" on the phone)
            if (label := _country_label(m, text, size, shape, visible.difference(colour))) is not None:
                m.labels.insert(0, label)
                break


#: A country's name in the map's body (pixels): its usual size, and the one it takes where that does not fit.
COUNTRY_SIZES = (15, 13)


def _country_label(m: MapCanvas, text: str, size: float, shape: Any, land: Any) -> Label | None:
    """Return the label of a country's name in ``shape`` (its room, lon/lat) on ``land`` (its own colour); or None."""
    import shapely

    p = m.plot
    w, h = _text.text_size(text, size)
    # in pixels: the name must fit inside the country's visible part, clear of the plot's edge
    to_px = functools.partial(_to_px, m.geo_frame)
    room = shapely.transform(shape, to_px).intersection(shapely.box(p.x0, p.y0, p.x1, p.y1)).buffer(-h / 2 - 2)
    if room.is_empty:
        return None
    part = max(geometry.polygons(room), key=lambda q: q.area)
    pole = shapely.ops.polylabel(part, tolerance=0.5).coords[0]
    if (found := _name_spots(shapely.transform(land, to_px), _inner(p, w, h), pole, w, h)) is None:
        return None  # too little of the country in view to name it
    (x, y), spots = found
    return Label(x, y, (text,), centred(spots), size=size, priority=LEVEL, key=dict(kind="country"))


#: Step (pixels) of the grid of centres searched for a country's name, and how many it offers at most.
_SEARCH_PX, _SEARCH_SPOTS = 6, 12
#: How far (pixels) a name found by that search keeps from the plot's edge.
_EDGE_PX = 6


def _fitting_centres(land: Any, inner: Any, w: float, h: float) -> list[tuple[float, float]]:
    """Return centres in ``inner`` whose ``w`` by ``h`` name box lies on ``land``, farthest from its edge first.

    All in figure pixels, on a grid of ``_SEARCH_PX``; at most ``_SEARCH_SPOTS``, each a name's height
    from those before it (where the room's pole is too narrow, or a town's name stands there).
    """
    import shapely

    if inner.is_empty:
        return []
    x0, y0, x1, y1 = inner.bounds
    xs, ys = (a.ravel() for a in np.meshgrid(np.arange(x0, x1, _SEARCH_PX), np.arange(y0, y1, _SEARCH_PX)))
    shapely.prepare(land)
    # a box lies on the land only if its centre does: boxes are made for those centres alone
    inside = shapely.contains_xy(inner, xs, ys) & shapely.contains_xy(land, xs, ys)
    xs, ys = xs[inside], ys[inside]
    boxes = shapely.box(xs - w / 2 - 4, ys - h / 2, xs + w / 2 + 4, ys + h / 2)
    fits = shapely.contains(land, boxes)
    xs, ys, boxes = xs[fits], ys[fits], boxes[fits]
    out: list[tuple[float, float]] = []
    for i in np.argsort(-shapely.distance(land.boundary, boxes), kind="stable"):
        if all(abs(xs[i] - x) > h or abs(ys[i] - y) > h for x, y in out):
            out.append((float(xs[i]), float(ys[i])))
            if len(out) == _SEARCH_SPOTS:
                break
    return out


def _name_spots(
    land: Any, inner: Any, pole: tuple[float, float], w: float, h: float
) -> tuple[tuple[float, float], list[tuple[float, float]]] | None:
    """Return where a country's ``w`` by ``h`` name stands and its other spots (shifts from there), in pixels.

    The pole of its room first, then nudged (clear of a town's name there), then elsewhere on its land
    (where the pole is too narrow for the name or too near the plot's edge); always on the land's own
    colour, its centre in ``inner``. None where no spot fits.
    """
    import shapely

    def fits(x: float, y: float) -> bool:
        return bool(land.contains(_box(x, y, w, h)) and inner.contains(shapely.Point(x, y)))

    centres = _fitting_centres(land, inner, w, h)
    if fits(*pole):
        x, y = pole
    elif centres:
        x, y = centres[0]
    else:
        return None
    shifts = [(0, -h), (0, h), (-w / 2, 0), (w / 2, 0), (0, -2 * h), (0, 2 * h)]
    spots = [(dx, dy) for dx, dy in shifts if fits(x + dx, y + dy)]
    return (x, y), spots + [(cx - x, cy - y) for cx, cy in centres if (cx, cy) != (x, y)]


def _inner(p: Any, w: float, h: float) -> Any:
    """Return where a ``w`` by ``h`` name's centre keeps its box ``_EDGE_PX`` inside the plot ``p``."""
    import shapely

    dx, dy = _EDGE_PX + w / 2 + 4, _EDGE_PX + h / 2
    return shapely.box(p.x0 + dx, p.y0 + dy, p.x1 - dx, p.y1 - dy)


def _box(x: float, y: float, w: float, h: float) -> Any:
    """Return the room a country's name of ``w`` by ``h`` pixels takes centred on ``(x, y)``, with a little air."""
    import shapely

    return shapely.box(x - w / 2 - 4, y - h / 2, x + w / 2 + 4, y + h / 2)


def _to_px(frame, lonlat):
    return np.column_stack(frame.to_px(lonlat[:, 0], lonlat[:, 1]))
