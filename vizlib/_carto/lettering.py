"""Lettering: place every label a map requested, then draw it (on its point's trace, or as text).

A town whose name finds no room is taken off the map (a dot without its name says nothing a reader
can use), and a key entry whose status no dot left shows goes with it; so is a village whose dot
stands by a note the map must say (a distance's number, the dam's words would read as its own), and a
town given for context whose dot another town's name ends by (it would read as that town's).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from vizlib._labels import Box, Label, distance_to, line_bands, move_aside, rivals_led_into

if TYPE_CHECKING:
    from vizlib._carto.mapcanvas import MapCanvas


#: Pixels an oblast's name keeps from a town's dot, across and up or down: in the dot's row, a name that
#: starts 11 px past it still read as the town's (a town's own stands 2 px off).
_AREA_NAME_FROM_DOT_PX = (14, 4)
#: Pixels of a label's halo (its text shadow in the background colour) beyond its letters.
_HALO_PX = 2


def draw(m: MapCanvas) -> None:
    """Place the labels clear of each other, the markers, the legend, inset and scale bar; draw them."""
    c = m.c
    # an oblast's name beside a town's dot reads as the town's ("KURSK" by Korenevo's, a town called Kursk):
    # it keeps its room from every dot, or is left out (the key names a highlighted oblast)
    dx, dy = _AREA_NAME_FROM_DOT_PX
    dots = tuple(
        Box(d.x0 - dx, d.y0 - dy, d.x1 + dx, d.y1 + dy)
        for label in m.labels
        if label.key["kind"] == "place"
        for d in label.marks
    )
    # nor on the state border, whose line its halo would erase (under "Харківська обл.", the Kursk card)
    border = tuple(b.pad(_HALO_PX) for b in m.state_border)
    for label in m.labels:
        if label.key["kind"] == "region":
            label.keep_off = dots + border
    m.place_labels()
    _one_form_of_oblast_names(m)
    _clear_notes(m)
    _make_way_for_countries(m)
    _clear_leads(m)  # a name moved aside for a country's may lead into a dot it did not
    _clear_namesakes(m)  # last: only names that stay on the map count
    by_trace: dict[int, dict[int, tuple[str, str, float]]] = {}
    free: dict[str, list[tuple[str, Box, Label]]] = {}
    for label in m.labels:
        if not label.placed:
            continue
        text, spot, box = label.chosen
        if label.key["kind"] == "place":
            by_trace.setdefault(label.key["trace"], {})[label.key["index"]] = (text, spot.textposition, label.size)
        else:
            free.setdefault(label.key["kind"], []).append((text, box, label))
    for index, items in by_trace.items():
        trace = m.fig.data[index]
        texts, positions, sizes = list(trace.text), ["middle right"] * len(trace.text), [12.0] * len(trace.text)
        for i, (text, position, size) in items.items():
            texts[i], positions[i], sizes[i] = text, position, size
        # each name in the type it was measured in (a village's smaller than a city's)
        font = dict(size=sizes if len(set(sizes)) > 1 else sizes[0], color=c["text"], shadow=halo(c))
        trace.update(text=texts, textposition=positions, textfont=font)
    _drop_nameless(m)
    # the data lists the oblasts named on the map, as it lists the towns drawn
    named = {label.key["code"] for label in m.labels if label.key["kind"] == "region" and label.placed}
    m.region_rows = [row for row in m.region_rows if row["id"] in named]
    for kind in ("country", "region", "note"):
        labels = free.get(kind, [])
        if not labels:
            continue
        lon, lat = m.geo_frame.to_lonlat(
            [box.center[0] for _, box, _ in labels], [box.center[1] for _, box, _ in labels]
        )
        colour = c["map_label"] if kind != "note" else c["text"]
        m.trace(
            [round(float(v), 4) for v in lon],
            [round(float(v), 4) for v in lat],
            f"{kind} labels",
            mode="text",
            text=[text for text, _, _ in labels],
            textposition="middle center",
            showlegend=False,
            hoverinfo="skip",
            textfont=dict(
                size=[lb.size for _, _, lb in labels],
                color=[c["text"] if lb.key.get("strong") else colour for _, _, lb in labels],
                shadow=halo(c),
            ),
            meta=f"labels:{kind}",
        )


#: A village whose dot comes this near a note's words (pixels beyond the dot) is left out.
NOTE_CLEAR_PX = 6
#: Nor may a village's dot stand in a note's first row this near its start or end (pixels): "Shevchenko •"
#: 12 px before "10.0 km", and "Sontsivka •" 20 px before "Dam", read as those villages' words.
NOTE_BESIDE_PX = 24


def _one_form_of_oblast_names(m: MapCanvas) -> None:
    """Write every oblast's name in its short form (``ЛУГАНСЬКА ОБЛ.``) where one had to be: one style per map.

    A name shortened where its long form found no room stood beside others written in full ("ХАРКІВСЬКА
    ОБЛАСТЬ" over "ЛУГАНСЬКА ОБЛ."). The short form takes the long one's spot where it lies in the area there
    too: a narrower box at the same centre, clear of whatever the long one was clear of.
    """
    named = [label for label in m.labels if label.key["kind"] == "region" and label.placed and label.key["short"]]
    if not any(label.text == label.key["short"] for label in named):
        return
    for label in named:
        text, spot, _ = label.chosen
        short = label.key["short"]
        if text != short and short in label.texts and spot in label.spots_for(short):
            label.text, label.box = short, label.box_at(spot, short)


def _clear_notes(m: MapCanvas) -> None:
    """Leave out a village whose dot stands by a note, in its first row, or whose name stands just over or under it.

    Each would read as the village's: a dot in a note's row as a name's would ("Shevchenko •" 12 px
    before "10.0 km"), and "Курахівка" a line over "3,9 км" as a town's own distance is said, under its
    name ("Курахове / 1,3 км"). The notes are a distance's number and a noted place's words (the dam and
    its damage), always placed. Only a village that may be left out goes (never a town, a story's place,
    or one a line is measured from), as a village whose name finds no room does.
    """
    noted = [label for label in m.labels if label.placed and _is_note(m, label)]
    notes = [label.chosen[2] for label in noted]
    rows = [line_bands(label.chosen[2], label.size)[0] for label in noted]  # where reading starts
    for label in m.labels if notes else ():
        if not label.key.get("village") or label.required or not label.placed:
            continue
        trace = m.fig.data[label.key["trace"]]
        if trace.meta != "places":  # the towns' dots (_drop_nameless takes them off)
            continue
        size = trace.marker.size
        radius = (size[label.key["index"]] if isinstance(size, (list, tuple)) else size) / 2
        dot, name = (label.x, label.y), label.chosen[2]
        by_dot = any(distance_to(dot, box) < radius + NOTE_CLEAR_PX for box in notes)
        in_row = any(row.y0 <= label.y <= row.y1 and distance_to(dot, row) <= NOTE_BESIDE_PX for row in rows)
        line = line_bands(name, label.size)[0].height
        if by_dot or in_row or any(_stacked(name, box, line) for box in notes):
            label.text, label.spot, label.box = None, None, None


def _stacked(name: Box, note: Box, line: float) -> bool:
    """Tell whether a name stands over or under a note, less than one of its lines (``line`` px) apart: read as one.

    Over or under: across a third of the narrower of the two at least (a name that only starts by the
    note's end reads on its own).
    """
    across = min(name.x1, note.x1) - max(name.x0, note.x0)
    level = across >= min(name.x1 - name.x0, note.x1 - note.x0) / 3
    return level and max(note.y0 - name.y1, name.y0 - note.y1) < line


def _clear_leads(m: MapCanvas) -> None:
    """Leave out a town named for context whose dot a placed name leads into, with its name.

    "Pokrovsk ● Luhansk" on the theatre's phone map: the story's town had no other room, and Luhansk's dot, level
    with the end of its name, read as Pokrovsk. Only a town given for context goes (never one of the story's).
    """
    context = {mark: lab for lab in m.labels if lab.key["kind"] == "place" and _may_go(lab) for mark in lab.marks}
    for label in m.labels:
        if label.box is not None and label.key["kind"] == "place":
            for dot in rivals_led_into(label, label.box):
                if dot in context:
                    gone = context[dot]
                    gone.text = gone.spot = gone.box = None


def _clear_namesakes(m: MapCanvas) -> None:
    """Leave out a town named for context whose name a town placed before it in the same map already bears.

    Two Svitle and two Shevchenko around Pokrovsk are real, distinct villages, but one name written twice reads as
    one place drawn twice. The labels were placed in rank order (the story's towns, then by kind and population):
    of each name the first placed stays, or the one the story needs (required, measured from or kept). Two the
    story needs both stay; so do namesakes in different panels.
    """
    groups: dict[tuple[Any, str], list[Label]] = {}
    for label in m.labels:
        if label.placed and label.key["kind"] == "place" and label.key.get("name"):
            panel = m.fig.data[label.key["trace"]].geo
            groups.setdefault((panel, label.key["name"]), []).append(label)
    for labels in groups.values():
        needed = [label for label in labels if not _may_go(label)]
        for label in labels[1:] if not needed else labels:
            if _may_go(label):
                label.text = label.spot = label.box = None


def _may_go(label: Label) -> bool:
    """Whether a town's name may be left out for a reading fault: one given for context, not one the story needs."""
    return bool(label.key.get("context")) and not (label.required or label.key.get("keep"))


def _make_way_for_countries(m: MapCanvas) -> None:
    """Name a country left out where only towns stand that can give way: those for context go, others move aside.

    Which side of a border is which matters more than a town named for orientation (on the theatre's phone
    map, "RUSSIA" had room only where Bryansk and Oryol were named), or than Kyiv's name on the right of its dot
    rather than under it. The country takes its first spot inside the plot that no other label, dot or key overlaps.
    """
    placed = [label for label in m.labels if label.placed]
    for country in [label for label in m.labels if label.key["kind"] == "country" and not label.placed]:
        for spot in country.spots:
            box = country.box_at(spot)
            if not box.inside(m.plot):
                continue
            hit = [label for label in placed if label.kept_clear(label.chosen[2]).overlaps(box)]
            if not all(label.key["kind"] == "place" for label in hit):
                continue
            dropped = [label for label in hit if label.key.get("context")]
            dots = {mark for label in dropped for mark in label.marks}
            if any(o.overlaps(box) and o not in dots for o in m.obstacles):
                continue
            gone = {id(label) for label in hit}
            stay = [label for label in placed if id(label) not in gone]
            moves = _moves_aside([label for label in hit if not label.key.get("context")], box, stay, m)
            if moves is None:
                continue
            for label, other, other_box in moves:
                label.spot, label.box = other, other_box
            for label in dropped:
                label.text = label.spot = label.box = None
                placed.remove(label)
            country.text, country.spot, country.box = country.texts[0], spot, box
            placed.append(country)
            break


def _moves_aside(labels: list[Label], room: Box, others: list[Label], m: MapCanvas) -> list[tuple] | None:
    """Return a spot as good for each of ``labels`` (towns' names) off ``room``, or None where one has none.

    Clear of ``others`` and of the names moved before, as :func:`vizlib._labels.move_aside` says.
    """
    moves: list[tuple] = []
    for label in labels:
        taken = [*m.obstacles, *(moved.kept_clear(box) for moved, _, box in moves)]
        found = move_aside(label, room, room, others, m.plot, taken, [], [])
        if found is None:
            return None
        moves += found
    return moves


def _is_note(m: MapCanvas, label: Label) -> bool:
    """Tell whether ``label`` is a note the map must say: a distance's number, a noted place's words."""
    kind = label.key["kind"]
    return kind == "note" or (kind == "place" and m.fig.data[label.key["trace"]].meta in ("noted", "approx"))


def _drop_nameless(m: MapCanvas) -> None:
    """Take the towns whose name was left out, or whose dot a name covers, off their traces; and unused key entries.

    A key entry goes when no dot left shows its status.
    """
    nameless: dict[int, set[int]] = {}
    for label in m.labels:
        if label.placed or label.key["kind"] != "place" or label.key.get("keep"):
            continue
        if m.fig.data[label.key["trace"]].meta == "places":
            nameless.setdefault(label.key["trace"], set()).add(label.key["index"])
    # a dot no name was asked for, under a placed name, reads as that name's ("Pokrovsk" over a village's dot
    # on the small multiples' social card, where every spot of the name touched one): it goes too
    names = [label.box for label in m.labels if label.key["kind"] == "place" and label.box is not None]
    for index, i, dot in m.unnamed:
        if m.fig.data[index].meta == "places" and any(name.overlaps(dot) for name in names):
            nameless.setdefault(index, set()).add(i)
    if not nameless:
        return
    dropped = set()
    for index, out in nameless.items():
        trace = m.fig.data[index]
        dropped |= {(trace.lon[i], trace.lat[i]) for i in out}
        keep = [i for i in range(len(trace.lon)) if i not in out]
        trace.update({name: [values[i] for i in keep] for name, values in _per_point(trace).items()})
    # the data lists the places drawn (a small multiple's town may still be drawn in another panel)
    drawn = {(x, y) for t in m.fig.data if t.meta in ("places", "noted", "approx") for x, y in zip(t.lon, t.lat)}
    gone = dropped - drawn
    m.shown = m.shown[[(x, y) not in gone for x, y in zip(m.shown.lon, m.shown.lat)]].reset_index(drop=True)
    shown = {s for t in m.fig.data if t.meta == "places" for s in t.customdata or ()}
    for trace in m.fig.data:
        if isinstance(trace.meta, str) and trace.meta.startswith("legend:") and trace.meta[7:] not in shown:
            trace.showlegend = False


def _per_point(trace: Any) -> dict[str, Sequence[Any]]:
    """Return a point trace's per-point arrays by their (dotted) property names."""
    n = len(trace.lon)
    names = ["lon", "lat", "text", "textposition", "hovertext", "customdata"]
    names += ["textfont.size", "marker.size", "marker.color", "marker.symbol", "marker.line.color", "marker.line.width"]
    out: dict[str, Sequence[Any]] = {}
    for name in names:
        values: Any = trace
        for part in name.split("."):
            values = values[part]
        if isinstance(values, (list, tuple)) and len(values) == n:
            out[name.replace(".", "_")] = values
    return out


def halo(c: dict[str, str]) -> str:
    """Return the CSS text shadow that rings a map's words in the background colour of palette ``c``."""
    background = c["background"]
    return f"0 0 2px {background}, 0 0 2px {background}, 0 0 3px {background}"
