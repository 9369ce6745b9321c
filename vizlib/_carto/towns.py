"""Towns and other points: markers that say who held each on the map's date, labels, noted places, distances.

A town held by its own country is a dark dot; a town of Ukraine held by Russia
is a dot in the occupied colour; a town of Russia held by Ukraine a dot in the
Ukrainian-held colour; a contested town a ring. The legend explains each, and
the hover says since when and who says so. Places whose events the map tells
(a dam) or whose position is approximate are drawn apart, with their events.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from vizlib._carto import geometry
from vizlib._frames import itertuples
from vizlib._labels import Box, Label, Spot, along, around, box_gap, spot_at
from vizlib.i18n import N_
from vizlib.meta import escape, wrap_chars

if TYPE_CHECKING:
    from vizlib._carto.mapcanvas import MapCanvas

_KIND_RANK = {"capital": 0, "city": 1, "town": 2, "village": 3, "dam": 4}
#: Towns whose names are bold: the places the story is about.
STORY_TOWNS = ("kursk", "sudzha", "pokrovsk", "kurakhove")
#: A noted place's label goes beside it, to the left first (the dam lies west of the story's towns).
_NOTED_POSITIONS = (
    "bottom left",
    "top left",
    "middle left",
    "bottom center",
    "top center",
    "bottom right",
    "top right",
)
#: Point labels may touch their neighbours by a pixel.
_TOUCH = -1
#: Pixels between two names side by side (a space at 12 px), so they never read as one.
_WORD_GAP_PX = 4
#: Pixels of a distance line, from its place, that the place's own name may cross.
_NAME_ROOM_PX = 12
#: Width of the background-coloured rim under a dotted distance line's dots (px): 1 px each side of its 1.5.
_CASING_PX = 3.5
#: A distance line's dashes, as plotly.js draws ``dash="dot"`` at 1.5 px, given in pixels so that the rims
#: under the dots (drawn wider, where "dot" would mean longer dashes) keep the same dashes.
_DOT_PX = 3
_DOTS = f"{_DOT_PX}px,{_DOT_PX}px"
#: Pixels short of a distance line's end where its dots' rims stop.
_RIM_SHORT_PX = 2
#: A distance line shorter than this (pixels, from its place's centre) is not drawn, and its words go under the
#: place's name ("Sudzha / 12 km to the border"). Beside the line they floated free (on the wide Kursk map, 19 px
#: long, they stood over Sumy's dot and read as Sumy's), and past the place's mark its two or three dots read as
#: a spur of the border or a tick on the mark (Sudzha's 9 px on the phone, Kurakhove's 17 px on the column).
SHORT_LINE_PX = 20
#: Legend words of each status (``own``: the town's own country holds it).
STATUS_WORDS = {
    "own": N_("City or town"),
    "occupied": N_("Town under Russian occupation"),
    "held": N_("Town held by Ukraine (in Russia)"),
    "contested": N_("Contested town (fighting inside)"),
}
#: What the hover says of who held a place.
_HELD_WORDS = {"ukraine": N_("held by Ukraine"), "russia": N_("held by Russia"), "contested": N_("contested")}


#: The ``own`` status's words where every such place on the map lies in one country: the key says who holds them.
_OWN_WORDS = {"UA": N_("Town held by Ukraine"), "RU": N_("Town held by Russia")}


def status_word(m: MapCanvas, status: str, own_in: Collection[str] = ()) -> str:
    """Return the legend words of a town's status (``own``, ``occupied``, ``held``, ``contested``).

    ``own_in``: the countries of the places of status ``own`` on the map; where that is Ukraine or Russia alone,
    the words say who holds them ("Town held by Ukraine" on the close-ups) rather than "City or town".
    """
    if status == "own" and len(set(own_in)) == 1 and (country := next(iter(own_in))) in _OWN_WORDS:
        return m.t(_OWN_WORDS[country])
    return m.t(STATUS_WORDS[status])


def held_every_day(m: MapCanvas, plain: pd.DataFrame) -> list[pd.DataFrame]:
    """Return ``plain`` as held on the map's date and on every date it draws (an animation's frames, panels)."""
    days = [layer["date"].iloc[0] for layer in m.layers] if len(m.layers) > 1 else []
    return [plain, *(m.held_on(plain, day) for day in days)]


def own_countries(m: MapCanvas, plain: pd.DataFrame) -> set[str]:
    """Return the countries of the places of ``plain`` held by their own country on any date the map draws."""
    return {r.country for rows in held_every_day(m, plain) for r in itertuples(rows) if status(r) == "own"}


def marker_style(m: MapCanvas, statuses: Sequence[str], sizes: Sequence[float]) -> dict[str, Any]:
    """Return the marker of each point by status: dots in the status colour, rings for contested towns."""
    c = m.c
    fill = {"own": c["text"], "occupied": c["occupied_town"], "held": c["held_town"], "contested": c["background"]}
    ring = {"contested": c["occupied_town"]}
    return dict(
        size=[s + (1 if st == "contested" else 0) for s, st in zip(sizes, statuses, strict=True)],
        color=[fill[st] for st in statuses],
        symbol=["circle"] * len(statuses),
        line=dict(
            color=[ring.get(st, c["background"]) for st in statuses],
            width=[2.4 if st == "contested" else 1.2 for st in statuses],
        ),
    )


#: A town's mark in the key, across (pixels): larger than on the map, to be told apart at a glance.
KEY_DOT_PX = 12


def key_marker(m: MapCanvas, status: str) -> dict[str, Any]:
    """Return the key's marker for a town of ``status``: its dot, or its ring, :data:`KEY_DOT_PX` across.

    A dot without the outline it has on the map (there, in the background colour, it parts the dot from
    the ground: in the key it would only make the dot look smaller); a ring of the map's stroke, as wide
    overall as a dot.
    """
    style = marker_style(m, [status], [KEY_DOT_PX])
    stroke = style["line"]["width"][0] if status == "contested" else 0
    return {**style, "size": [KEY_DOT_PX - stroke], "line": {**style["line"], "width": [stroke]}}


def hover(m: MapCanvas, row: Any) -> str:
    """Say who held a place on the map's date, since when, and who says so."""
    t, name = m.t, escape(m.place_name(row))
    by = getattr(row, "controlled_by", None)
    if not isinstance(by, str):
        return name
    since = getattr(row, "since", None)
    when = t("since {date}", date=t.date(since)) if pd.notna(since) else t("throughout")
    source = t("Source: {source}", source=t.field(row, "control_source"))
    return f"<b>{name}</b><br>{t(_HELD_WORDS[by])} {when}<br>{escape(source)}"


def draw(
    m: MapCanvas,
    shown: pd.DataFrame,
    priority: Sequence[str],
    max_labels: int | None = None,
    required: Sequence[str] = (),
    keep: Sequence[str] = (),
) -> None:
    """Mark the places shown by who held them, and request their labels (noted places drawn apart).

    Labels go to the places in ``priority`` order first; those of ``required`` are always placed.
    A town whose name finds no room, or only a spot where it ends by another town's dot, is taken off the
    map, but those of ``keep`` (the notes name them); so is a town for context (in none of the lists)
    whose dot a placed name ends by, or whose name a town placed before it bears.
    """
    noted_ids = set(m.drawn_events.place_id) | set(shown.loc[shown.approximate, "id"])
    towns = shown[~shown.id.isin(noted_ids)].reset_index(drop=True)
    sizes = [dot_size(k) for k in towns.kind]
    dots = dot_boxes(m, towns, sizes)
    statuses = [status(r) for r in itertuples(towns)]
    style = marker_style(m, statuses, sizes)
    px, py = m.to_px(towns.lon.to_numpy(), towns.lat.to_numpy())
    discs = [(x, y, (s + w) / 2) for x, y, s, w in zip(px, py, style["size"], style["line"]["width"], strict=True)]
    # a town's name by the dam's diamond reads as the dam's ("Kurakhove" under it, the town's ring beside)
    marks = noted(m, shown[shown.id.isin(noted_ids)], rivals=dots, discs=discs)
    if towns.empty:
        return
    order = {pid: i for i, pid in enumerate(priority)}
    population = towns["population"].fillna(0) if "population" in towns else pd.Series(0, index=towns.index)
    ranked = towns.assign(
        _r=[
            (order.get(i, len(order)), _KIND_RANK.get(k, 9), -p)
            for i, k, p in zip(towns.id, towns.kind, population, strict=True)
        ]
    ).sort_values("_r", kind="stable")
    own_in = own_countries(m, towns)
    index = m.trace(
        towns.lon.tolist(),
        towns.lat.tolist(),
        status_word(m, "own", own_in),
        mode="markers+text",
        marker=style,
        text=[""] * len(towns),
        hovertext=[hover(m, r) for r in itertuples(towns)],
        hoverinfo="text",
        customdata=statuses,  # each dot's status, for the key (lettering drops dots whose name found no room)
        legendrank=40,
        showlegend=False,
        meta="places",
    )
    for st in STATUS_WORDS:
        if st in statuses:  # legend entries that explain the marks (drawn on the one trace above)
            m.trace(
                [None],
                [None],
                status_word(m, st, own_in),
                mode="markers",
                marker=key_marker(m, st),
                legendrank=41,
                meta=f"legend:{st}",
                hoverinfo="skip",
            )
    context = set(towns.id) - set(priority) - set(required)
    label_points(m, towns, ranked, index, sizes, max_labels, required, keep, context, marks)


def dot_size(kind: str) -> float:
    """Return the diameter (pixels) of a town's dot by its kind: a capital's largest, a village's smallest."""
    return {"capital": 9, "city": 7, "town": 6}.get(kind, 5)


def dot_boxes(m: MapCanvas, towns: pd.DataFrame, sizes: Sequence[float]) -> list[Box]:
    """Return the pixel box of each town's dot (``sizes``: the dots' diameters, in pixels), 1 px clear."""
    px, py = m.to_px(towns.lon.to_numpy(), towns.lat.to_numpy())
    return [Box(x - s / 2, y - s / 2, x + s / 2, y + s / 2).pad(1) for x, y, s in zip(px, py, sizes, strict=True)]


#: Dots farther than this (pixels) from a name's own are never nearer its box (a name is narrower).
_RIVAL_PX = 300


def label_points(
    m: MapCanvas,
    shown: pd.DataFrame,
    ranked: pd.DataFrame,
    index: int,
    sizes: Sequence[float],
    max_labels: int | None = None,
    required: Sequence[str] = (),
    keep: Sequence[str] = (),
    context: Collection[str] = (),
    noted_marks: Sequence[Box] = (),
) -> None:
    """Keep labels off the markers of trace ``index`` and request a label per point, in ``ranked`` order.

    Only the first ``max_labels`` of ``ranked`` get a label request when given (a layer of thousands of points).
    The places of ``context`` (not the story's) give way to a country's name that finds no other room. A name
    stands nearer its own dot than the other dots and the ``noted_marks`` (a dam's diamond).
    """
    px, py = m.to_px(shown.lon.to_numpy(), shown.lat.to_numpy())
    dots = dot_boxes(m, shown, sizes)
    m.obstacle(*dots)
    position = {pid: i for i, pid in enumerate(shown.id)}
    # a town a distance line starts from is always named (the line's number is measured from it)
    measured = {str(t.meta).split(":")[1] for t in m.fig.data if str(t.meta).startswith("distance:")}
    abroad: dict[str | None, Any] = {}
    asked = ranked.head(max_labels) if max_labels is not None else ranked
    named = set(asked.id)
    m.unnamed += [(index, position[pid], dots[position[pid]].pad(-1)) for pid in ranked.id if pid not in named]
    for row in itertuples(asked):
        i = position[row.id]
        strong = row.kind == "capital" or row.id in STORY_TOWNS
        text = f"<b>{escape(m.place_name(row))}</b>" if strong else escape(m.place_name(row))
        label = Label(
            float(px[i]),
            float(py[i]),
            tuple(f"{text}<br>{note}" for note in m.name_notes.get(row.id, ())) or (text,),
            around(sizes[i] / 2 + 2),
            # a village's name a size smaller, but on a card (read in a feed)
            size=13 if row.kind == "capital" else 12 if row.kind in ("city", "town") or m.preset.card else 11,
            may_displace=True,
            required=row.id in required or row.id in measured,
            priority=-1 if row.id in measured else 0,  # named before the line's number takes room
            clearance=_TOUCH,
            gap_x=_WORD_GAP_PX,
            marks=(dots[i],),  # read as this dot's name: nearer it than any other dot
            rivals=tuple(dots[k] for k in np.flatnonzero(np.hypot(px - px[i], py - py[i]) < _RIVAL_PX) if k != i)
            + tuple(b for b in noted_marks if box_gap(b, dots[i]) < _RIVAL_PX),
            key=dict(
                kind="place",
                trace=index,
                index=i,
                id=row.id,
                village=row.kind == "village",
                name=m.place_name(row),
                keep=row.id in keep,
                context=row.id in context,
            ),
        )
        country = getattr(row, "country", None)  # a user's own points may not say
        if country not in abroad:
            abroad[country] = _abroad(m, country) if country else None
        label.spots = _home_spots(m, label, country, abroad[country], strong=strong)
        m.labels.append(label)


def _country(m: MapCanvas, code: str) -> Any:
    """Return a country's outline, or None where the map's regions lack it."""
    try:
        return m.country_shape(code)
    except KeyError:
        return None


def _abroad(m: MapCanvas, country: str) -> Any:
    """Return the land of the countries on the map other than ``country`` (prepared), or None."""
    import shapely

    others = [row.geometry for code, row in m.by_code.items() if row.level == "country" and code != country]
    if not others:
        return None
    land = shapely.union_all(others)
    shapely.prepare(land)
    return land


def _home_spots(m: MapCanvas, label: Label, country: str | None, abroad: Any, strong: bool) -> tuple[Spot, ...]:
    """Return a town's ``label`` spots, those whose name reaches into no other country (``abroad``) first.

    A name across a state border reads as standing on the other side ("Bryansk" over Belarus, its dot
    in Russia): spots that cross go last, and a name the map may leave out takes one only where a corner
    at most crosses (Korenevo's ran half into Ukraine on the Kursk phone map: it is left out instead).
    A ``strong`` (story) town's name keeps only the spots with its middle in its own ``country``, where
    any has: Sudzha's over Ukraine, beside a dot in Russia, said which side holds it wrongly.
    """
    import shapely

    if country is None:
        return label.spots
    boxes = [label.box_at(spot) for spot in label.spots]
    lon, lat = m.geo_frame.to_lonlat([x for b in boxes for x in (b.x0, b.x1, b.x1, b.x0, b.center[0])],
                                     [y for b in boxes for y in (b.y0, b.y0, b.y1, b.y1, b.center[1])])  # fmt: skip
    points = np.column_stack([lon, lat]).reshape(len(boxes), 5, 2)  # each box's corners, then its centre
    spots = list(zip(label.spots, points, strict=True))
    if strong and (home := _country(m, country)) is not None:
        spots = [(spot, p) for spot, p in spots if shapely.contains_xy(home, *p[4])] or spots
    if abroad is not None:
        crosses = shapely.intersects(abroad, shapely.polygons(np.array([p[:4] for _, p in spots])))
        # a corner over the line may pass; a name with its middle or half its corners abroad only if required
        abroad_points = [shapely.contains_xy(abroad, p[:, 0], p[:, 1]) for _, p in spots]
        slight = [not inside[4] and inside[:4].sum() <= 1 for inside in abroad_points]
        spots = [s for s, c in zip(spots, crosses, strict=True) if not c] + [
            s for s, c, ok in zip(spots, crosses, slight, strict=True) if c and (ok or label.required)
        ]
    return tuple(spot for spot, _ in spots)


#: Half the room (pixels) an exact noted place's mark keeps (the dam's diamond): off it, and no town's name nearer it.
NOTED_MARK_PX = 6
#: Pixels from the centre of an exact noted place's diamond (size 10: 6.5 px to a tip, outline included) that it
#: covers, and pixels it keeps clear of a town's dot.
_DIAMOND_PX = 7.25
_MARK_GAP_PX = 2


def clear_of_dots(
    x: float, y: float, discs: Sequence[tuple[float, float, float]], plot: Box | None = None
) -> tuple[float, float]:
    """Return where a noted place's diamond stands clear of the towns' dots: at ``x, y`` (pixels), or moved.

    ``discs`` are the dots as drawn, ``(x, y, radius)`` in pixels, outline included. The Kurakhove dam lies
    6 km from the town: at oblast scale its diamond covered the town's ring. It moves straight away from the
    nearest dot it would touch until ``_MARK_GAP_PX`` clear (the cartographer's displacement: by at most
    its own reach and that dot's radius, 4-9 px on the Donetsk maps), its words with it. It stays where
    that move would bring it onto another dot, or its centre out of ``plot``.
    """

    def room(px: float, py: float, disc: tuple[float, float, float]) -> float:
        return float(np.hypot(px - disc[0], py - disc[1])) - _DIAMOND_PX - disc[2] - _MARK_GAP_PX

    touched = sorted((d for d in discs if room(x, y, d) < 0), key=lambda d: room(x, y, d))
    if not touched:
        return x, y
    cx, cy, radius = touched[0]
    far = float(np.hypot(x - cx, y - cy))
    ux, uy = ((x - cx) / far, (y - cy) / far) if far > 0 else (-1.0, 0.0)  # on it: left, as its words go
    need = _DIAMOND_PX + radius + _MARK_GAP_PX
    moved = (cx + ux * need, cy + uy * need)
    inside = plot is None or (plot.x0 <= moved[0] <= plot.x1 and plot.y0 <= moved[1] <= plot.y1)
    return moved if inside and all(room(*moved, other) >= -1e-9 for other in discs) else (x, y)


def noted(
    m: MapCanvas,
    rows: pd.DataFrame,
    rivals: Sequence[Box] = (),
    discs: Sequence[tuple[float, float, float]] = (),
) -> list[Box]:
    """Draw places the map tells about (a dam, an approximate place) with their events up to the map's date.

    An approximate place is an open marker in a shaded disc of its uncertainty radius. Its words
    stand nearer its mark than any of the ``rivals`` (the towns' dots) where they can. An exact place's mark
    that would touch one of the ``discs`` (the dots as drawn: x, y, radius in pixels) moves off it
    (:func:`clear_of_dots`); the trace's customdata keeps each place's own lon/lat. Returns the pixel boxes
    of the marks of exact places (a town's name must not read as one's).
    """
    if rows.empty:
        return []
    exact: list[Box] = []
    c, t = m.c, m.t
    approx = rows[rows.approximate]
    if not approx.empty:
        ring_lon: list[Any] = []
        ring_lat: list[Any] = []
        for row in itertuples(approx):
            lon, lat = geometry.circle(row.lon, row.lat, row.precision_m / 1000)
            ring_lon += [*lon, None]
            ring_lat += [*lat, None]
        m.trace(
            ring_lon[:-1],
            ring_lat[:-1],
            m.word("approx"),
            line=dict(color=c["highlight"], width=1),
            fill=_rgba(c["highlight"], 0.18),
            legendgroup="approx",
            showlegend=False,
            meta="approx:circle",
            hoverinfo="skip",
        )
    # an exact place's mark moved off a town's dot it would cover; its data's position stays in customdata
    places = [m.to_px(row.lon, row.lat) for row in itertuples(rows)]
    spots = [p if a else clear_of_dots(*p, discs, m.plot) for p, a in zip(places, rows.approximate, strict=True)]
    drawn = [
        (lon, lat) if spot == place else tuple(float(v) for v in m.geo_frame.to_lonlat(*spot))
        for lon, lat, place, spot in zip(rows.lon.tolist(), rows.lat.tolist(), places, spots, strict=True)
    ]
    index = m.trace(
        [lon for lon, _ in drawn],
        [lat for _, lat in drawn],
        m.word("approx") if rows.approximate.all() else t("Dam"),
        mode="markers+text",
        marker=dict(
            size=[8 if a else 10 for a in rows.approximate],
            symbol=["circle-open" if a else "diamond" for a in rows.approximate],
            color=c["highlight"],
            line=dict(
                width=[2 if a else 1.5 for a in rows.approximate],
                color=[c["highlight"] if a else c["background"] for a in rows.approximate],
            ),
        ),
        text=[""] * len(rows),
        customdata=[[lon, lat] for lon, lat in zip(rows.lon.tolist(), rows.lat.tolist(), strict=True)],
        legendgroup="approx",
        legendrank=50,
        meta="approx" if rows.approximate.all() else "noted",
        hovertext=[hover(m, r) for r in itertuples(rows)],
        hoverinfo="text",
    )
    for i, row in enumerate(itertuples(rows)):
        happened = m.drawn_events[m.drawn_events.place_id == row.id]
        lines = [
            "<br>".join(wrap_chars(escape(t.field(e, "title")), 24)) + "<br>" + t.date(e.date)
            for _, e in happened.iterrows()
        ]
        # where the whole title would crowd the map (a phone, a card), what happened in the event's few words for
        # a map ("Dam damaged"), else the kind of place, and the dates, by the mark
        brief = [
            escape(t.field(e, "place_label")) + "<br>" + t.date(e.date, "full_short")
            for _, e in happened.iterrows() if t.field(e, "place_label")
        ]
        brief = brief if len(brief) == len(happened) else []
        short = [t("Dam") if row.kind == "dam" else escape(m.place_name(row))]
        short += [t.date(e.date, "full_short") for _, e in happened.iterrows()]
        lines = lines or [escape(m.place_name(row))]
        for wording in (lines, brief, short) if brief else (lines, short):
            if row.id in m.name_notes:  # a distance too short to draw its words beside
                wording.append(m.name_notes[row.id][0 if wording is lines else -1])
            if row.approximate:
                wording.append("<i>" + m.word("approx_label", km=t.number(row.precision_m / 1000, None)) + "</i>")
        texts = [wording for wording in (brief, short) if wording]
        texts = texts if m.size == "phone" else [lines, *texts]
        px, py = spots[i]
        r_px = row.precision_m / 1000 / m.geo_frame.km_per_px(row.lat) if row.approximate else NOTED_MARK_PX
        mark = Box(px - r_px, py - r_px, px + r_px, py + r_px)
        m.obstacle(mark)
        if not row.approximate:
            exact.append(mark)
        m.labels.insert(
            0,
            Label(
                float(px),
                float(py),
                tuple(dict.fromkeys("<br>".join(wording) for wording in texts)),
                tuple(spot_at(p, r_px + 3) for p in _NOTED_POSITIONS),
                size=12,
                may_displace=True,
                required=True,  # what the map tells about (the dam and its damage) is always said
                clearance=3,  # a block of lines: kept off its neighbours' words
                marks=(mark,),  # "Dam, 11 Nov" beside a town's dot would read as the town's
                misread_px2=400,  # as bad as words over a 20 x 20 px patch of another's
                rivals=tuple(d for d in rivals if box_gap(d, mark) < _RIVAL_PX),
                key=dict(kind="place", trace=index, index=i),
            ),
        )
    return exact


def distance_line(
    m: MapCanvas,
    place: Any,
    near: tuple[float, float],
    km: float,
    text: str,
    short: str | None = None,
    *,
    to: Any = None,
    under: str | None = None,
) -> None:
    """Draw a dotted line from a place to the nearest point of something (a border, the front), labelled.

    The label is always placed (a dotted line without its number says nothing), in ``short`` words
    (``7.3 km``) where ``text`` fits nowhere. ``to``, the shapely geometry measured to (a country's
    outline), keeps the label off that geometry's edge where it can: the words read on one side of
    the border they measure to, not across it. A line shorter than :data:`SHORT_LINE_PX` is not drawn: its
    words go under the place's name, ``under`` where given (what is measured, which the number alone left to
    the line and the key).
    """
    (x0, x1), (y0, y1) = m.to_px([place.lon, near[0]], [place.lat, near[1]])
    length = _length_px(m, place, near)
    if length >= SHORT_LINE_PX:
        # each dot keeps a rim of the background colour, as the names keep their halo, so that it reads on any
        # ground (in the dark theme the dots stood at 2.4:1 on the Ukrainian-held blue). The rims follow the
        # dots' own dashes, so the gaps still show the ground and the line never reads as a band (a road, a
        # corridor). They end with the last whole dot _RIM_SHORT_PX short of the line's end: a rim there notched
        # the border or the front the line meets, and a rim cut across a dot drew a hard edge over it.
        whole = int((length - _RIM_SHORT_PX - _DOT_PX) // (2 * _DOT_PX))  # dots before the last rimmed one
        end = (2 * _DOT_PX * whole + 1.5 * _DOT_PX) / length  # in the gap after it: nothing drawn there
        rim_end = (place.lon + end * (near[0] - place.lon), place.lat + end * (near[1] - place.lat))
        m.trace([round(place.lon, 4), round(rim_end[0], 4)], [round(place.lat, 4), round(rim_end[1], 4)], "",
                line=dict(color=m.c["background"], width=_CASING_PX, dash=_DOTS), showlegend=False,
                meta=f"casing:{place.id}", hoverinfo="skip")  # fmt: skip
        m.trace(
            [round(place.lon, 4), round(near[0], 4)],
            [round(place.lat, 4), round(near[1], 4)],
            text.replace("<br>", " "),
            line=dict(color=m.c["text"], width=1.5, dash=_DOTS),
            showlegend=False,
            meta=f"distance:{place.id}:{km:.1f}",
            hoverinfo="skip",
        )
    px, py = (x0 + x1) / 2, (y0 + y1) / 2
    dx, dy = float(x1 - x0), float(y1 - y0)
    # other labels keep off the line, except where it leaves the place (its own name sits there)
    trim = min(_NAME_ROOM_PX / max(length, 1e-9), 0.5)
    m.obstacle(*along(float(x0 + trim * dx), float(y0 + trim * dy), float(x1), float(y1)))
    if length < SHORT_LINE_PX:  # words beside a line this short float free: said under the name
        # the shorter words first where they still say what is measured ("12 km to the border", not "1.3 km")
        says = short is not None and len(short.split()) > 2
        wordings = (under, text) if under else (short, text) if says else (text, short)
        m.name_notes[place.id] = tuple(dict.fromkeys(w for w in wordings if w))
        return
    line = tuple(along(float(x0), float(y0), float(x1), float(y1), half_width=0))
    # placed after the names of the towns measured from, before the other towns' (which make way)
    m.labels.insert(
        0,
        Label(
            float(px),
            float(py),
            (text, short) if short else (text,),
            _line_label_spots(dx, dy, corners=to is not None, number=short is None),
            marks=line,  # read as this line's: nearer it than any other line, centre and edge
            misread_px2=400,
            by_edge=True,
            avoid=tuple(_edge_near(m, to, (float(x1), float(y1)))) if to is not None else (),
            gap_x=_WORD_GAP_PX,
            size=11.5,
            may_displace=True,
            required=True,
            clearance=_TOUCH,
            key=dict(kind="note"),
        ),
    )


def _line_label_spots(dx: float, dy: float, corners: bool = False, number: bool = False) -> tuple[Spot, ...]:
    """Return the spots of a line's label, about the line's middle, for a line of ``(dx, dy)`` pixels (y down).

    Past the far end first, as the line's continuation; then beside it, on the sides it does not
    cross, near its middle first; with ``corners``, last, past the far end with a corner on it.
    A ``number`` alone (``7.3 km``) by a line steeper than about 27 degrees (rising more than half its
    run) reads as a dimension line's, beside the middle first: under the line's end it would float, and
    stack with the number of a line ending nearby.
    """
    length = max(float(np.hypot(dx, dy)), 1e-9)
    ux, uy = dx / length, dy / length
    end = (dx / 2 + 6 * ux, dy / 2 + 6 * uy)
    if abs(ux) >= abs(uy):
        spots = [Spot("left" if ux > 0 else "right", "middle", *end)]
    else:
        spots = [Spot("center", "top" if uy > 0 else "bottom", *end)]
    if abs(dy) < abs(dx) / 3:
        sides = ("bottom center", "top center")
    elif abs(dx) < abs(dy) / 3:
        sides = ("middle right", "middle left")
    elif dx * dy > 0:
        sides = ("top right", "bottom left")
    else:
        sides = ("bottom right", "top left")
    for f in (0.65, 0.8, 0.5, 0.35, 0.2):
        for side in sides:
            spot = spot_at(side, 6)
            spots.append(dataclasses.replace(spot, dx=spot.dx + (f - 0.5) * dx, dy=spot.dy + (f - 0.5) * dy))
    if number and abs(dy) > abs(dx) / 2:
        spots = [*spots[1:3], spots[0], *spots[3:]]
    # past the far end with a corner on it, above or below (beside, for an upright line): where the
    # border measured to runs on across the line's end, the words clear it on its far side
    if corners and abs(ux) >= abs(uy):
        xanchor = spots[0].xanchor
        spots += [Spot(xanchor, "top", end[0], end[1] + 2), Spot(xanchor, "bottom", end[0], end[1] - 2)]
    elif corners:
        yanchor = spots[0].yanchor
        spots += [Spot("left", yanchor, end[0] + 2, end[1]), Spot("right", yanchor, end[0] - 2, end[1])]
    return tuple(spots)


#: How far from a distance line's end (pixels) the edge it measures to is kept off by its label.
_EDGE_REACH_PX = 250


def _edge_near(m: MapCanvas, geom: Any, end: tuple[float, float]) -> list[Box]:
    """Return boxes along ``geom``'s edge (figure pixels) within :data:`_EDGE_REACH_PX` of ``end``."""
    import shapely

    boxes: list[Box] = []
    for part in shapely.get_parts(geom.boundary):
        lon_lat = shapely.get_coordinates(part)
        xs, ys = m.to_px(lon_lat[:, 0], lon_lat[:, 1])
        close = np.hypot(xs - end[0], ys - end[1]) < _EDGE_REACH_PX
        for i in np.flatnonzero(close[:-1] | close[1:]):
            boxes += along(float(xs[i]), float(ys[i]), float(xs[i + 1]), float(ys[i + 1]))
    return boxes


def _rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def control_alt(m: MapCanvas, shown: pd.DataFrame) -> str:
    """Say, for the alt text, which towns shown were occupied, held or contested on the map's date."""
    t = m.t
    groups: dict[str, list[str]] = {st: [] for st in STATUS_WORDS}
    for r in itertuples(shown):
        groups[status(r)].append(m.place_name(r))
    parts = []
    for st, words in (
        ("occupied", N_("Under Russian occupation on {date}: {towns}.")),
        ("held", N_("Held by Ukraine in Russia: {towns}.")),
        ("contested", N_("Contested: {towns}.")),
    ):
        if groups[st]:
            parts.append(t(words, date=t.date(m.as_of), towns=", ".join(groups[st])))
    return " ".join(parts)


#: The key's words for a distance line to the front (its label is then the number alone).
DISTANCE_KEY = N_("Distance to the occupied area")
#: A distance to the front said under its town's name, where its line is too short for the number beside it.
DISTANCE_NOTE = N_("{km} km to the occupied area")


def front_km(m: MapCanvas, shown: pd.DataFrame, ids: Sequence[str]) -> dict[str, tuple[float, tuple[float, float]]]:
    """Measure how far Russian-held ground (the layer's occupied area) is from the centres of ``ids``.

    Returns
    -------
    dict
        By the id of each of ``ids`` in ``shown``: the distance in km (1 decimal; 0 for a town inside
        the occupied area) and the nearest occupied point (lon, lat). Empty without a layer or
        occupied ground.
    """
    import shapely

    if m.layer is None or not (m.layer.status == "occupied").any():
        return {}
    occupied = shapely.union_all(list(m.layer[m.layer.status == "occupied"].geometry))
    out = {}
    for pid in ids:
        rows = shown[shown.id == pid]
        if rows.empty:
            continue
        row = rows.iloc[0]
        km, near = geometry.distance_km(row.lon, row.lat, occupied)
        out[pid] = (0.0 if occupied.contains(shapely.Point(row.lon, row.lat)) else round(km, 1), near)
    return out


def draws_distances(m: MapCanvas) -> bool:
    """Tell whether the map draws a distance line to the front (:data:`SHORT_LINE_PX` long or more)."""
    places = m.places.set_index("id")
    lengths = [_length_px(m, places.loc[pid], near) for pid, (km, near) in m.measured.items() if km > 0]
    return any(px >= SHORT_LINE_PX for px in lengths)


def _length_px(m: MapCanvas, place: Any, near: tuple[float, float]) -> float:
    (x0, x1), (y0, y1) = m.to_px([place.lon, near[0]], [place.lat, near[1]])
    return float(np.hypot(x1 - x0, y1 - y0))


def front_distances(m: MapCanvas, shown: pd.DataFrame) -> dict[str, float]:
    """Draw the distances :attr:`MapCanvas.measured` holds: a dotted line to the front from each town outside it.

    Each line is labelled with its distance (``7.3 km``), and the key names the dotted line once
    (:data:`DISTANCE_KEY`); ``km_to_occupied`` is recorded on the shown places. Returns km by place id.
    """
    for pid, (km, near) in m.measured.items():
        if km > 0:
            row = shown[shown.id == pid].iloc[0]
            number = m.t.number(km, 1)
            distance_line(m, row, near, km, m.t("{km} km", km=number), under=m.t(DISTANCE_NOTE, km=number))
    if draws_distances(m):
        m.trace(
            [None],
            [None],
            m.t(DISTANCE_KEY),
            line=dict(color=m.c["text"], width=1.5, dash="dot"),
            legendrank=55,
            meta="key:distance",
            hoverinfo="skip",
        )
    out = {pid: km for pid, (km, _) in m.measured.items()}
    shown["km_to_occupied"] = shown.id.map(out)
    return out


def status(row: Any) -> str:
    """Return who holds a place relative to its country: ``own``, ``occupied``, ``held`` or ``contested``.

    ``occupied``: a place in Ukraine held by Russia; ``held``: a place in Russia held by Ukraine.
    """
    by = getattr(row, "controlled_by", None)
    if by == "contested":
        return "contested"
    if row.country == "UA" and by == "russia":
        return "occupied"
    if row.country == "RU" and by == "ukraine":
        return "held"
    return "own"
