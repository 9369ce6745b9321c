"""Direct labels of claims: the figure and who claimed it, placed clear of marks, key and each other."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import pandas as pd

from vizlib import meta
from vizlib._canvas import Canvas, Panel
from vizlib._charts.marks import dodge, extent
from vizlib._charts.words import SIDE_NAMES, figure, short_name, value
from vizlib._frames import itertuples
from vizlib._labels import Box, Label, Spot, XAnchor, YAnchor, misread, place
from vizlib._text import annotation_size
from vizlib.i18n import N_, Words

#: Candidates around a point marker, best first; the diagonal shifts keep the text's corner (and the
#: label's clearance) off the marker.
AROUND = (
    Spot("left", "middle", 9, 0),
    Spot("right", "middle", -9, 0),
    Spot("left", "bottom", 9, -9),
    Spot("left", "top", 9, 9),
    Spot("right", "bottom", -9, -9),
    Spot("right", "top", -9, 9),
    Spot("center", "bottom", 0, -9),
    Spot("center", "top", 0, 9),
    # a second ring, further off, for crowded days
    Spot("left", "bottom", 8, -24),
    Spot("left", "top", 8, 24),
    Spot("right", "bottom", -8, -24),
    Spot("right", "top", -8, 24),
    # beside, with the label's last or first line level with the marker (a two-line label on a crowded day)
    Spot("left", "bottom", 9, 7),
    Spot("right", "bottom", -9, 7),
    Spot("left", "top", 9, -7),
    Spot("right", "top", -9, -7),
    # right over or under the marker, clear of a neighbour's
    Spot("center", "bottom", 0, -24),
    Spot("center", "top", 0, 24),
    # over or under, a little to one side: away from a neighbour it would otherwise be as near
    Spot("center", "bottom", 8, -9),
    Spot("center", "bottom", -8, -9),
    Spot("center", "top", 8, 9),
    Spot("center", "top", -8, 9),
    Spot("center", "bottom", 8, -24),
    Spot("center", "bottom", -8, -24),
    Spot("center", "top", 8, 24),
    Spot("center", "top", -8, 24),
)
#: Candidates for a range bar's label, anchored at the top of the bar.
BESIDE_BAR = (
    Spot("left", "top", 8, -6),
    Spot("right", "top", -8, -6),
    Spot("left", "bottom", 8, 0),
    Spot("right", "bottom", -8, 0),
    *AROUND,
)
#: The spots where a label cannot be taken for a neighbour's: level with its mark, or centred over or under it.
_BY_THE_MARK = (*BESIDE_BAR[:4], AROUND[0], AROUND[1], AROUND[6], AROUND[7])
#: Where a crowded chart's essential label may go besides: by the corners of its mark, or further over or under it.
_NEAR = (*AROUND[2:6], *AROUND[12:])
#: Pixels kept between a chart label and anything else.
CLEARANCE = 2
#: Type size of claim labels: on a page, and on a social card (read in a feed at a glance).
LABEL_PX, CARD_LABEL_PX = 11, 13
#: What a phone's essential label read as another mark's counts as (square pixels of overlap): more
#: than its number alone touching a neighbour ("~800 km² / General Staff / source" over the measure's dotted
#: line on the English phone, its own dot 10 px aside, read as DeepStateMap's).
MISREAD_PX2 = 400
#: A card's label sizes, largest first: the first that leaves every label clear and by its own mark (else
#: the one with the fewest faults); never under 12 px, read in a feed.
CARD_LABEL_SIZES = (CARD_LABEL_PX, 12)


def groups(rows: pd.DataFrame, x_col: str, days: int = 10) -> list[pd.DataFrame]:
    """Group claims of the same figure, kind and subject made within ``days`` of each other (one label each)."""
    same_as = [
        (r.subject, r.basis, r.bound, r.low if pd.notna(r.low) else None, r.high if pd.notna(r.high) else None)
        for r in itertuples(rows)
    ]
    at = list(rows[x_col])
    out: list[list[int]] = []  # positions in rows
    for k in range(len(rows)):
        for group in out:
            if same_as[group[0]] == same_as[k] and abs((at[k] - at[group[-1]]).days) <= days:
                group.append(k)
                break
        else:
            out.append([k])
    return [rows.iloc[g] for g in out]


def claims(
    cv: Canvas,
    rows: pd.DataFrame,
    panel: Panel,
    obstacles: list[Box],
    x_col: str,
    xref: str = "x",
    yref: str = "y",
    compact: bool = False,
    event_lines: Sequence[Box] = (),
    others: Sequence[Label] = (),
    crowded: bool = False,
) -> None:
    """Label every claim (claims of the same figure close in time share one label).

    A label names the figure (as bounded: ``~11,000``, ``10,000+``, ``up to 4,000``),
    what it counts when that is not the strength present, and who claimed it,
    with dates when they differ from the mark's; shorter wordings (who only,
    narrower lines) are used where the full one has no room, and always when
    ``compact``. The hover keeps every detail. Event lines are kept clear of
    where possible; a label that must cross one is drawn on the background colour.
    ``others``: labels of other marks (measurements) placed with the essential claims' labels and
    drawn by the caller. ``crowded`` (a phone): labels of three lines at most, marks of one day
    closer together before they share one, and a label stands by its mark or is left out (an
    essential one by its mark's corners too), so that none reads as a neighbour's. A social card's
    plot, beside its key, is about as narrow as a phone's: its labels are crowded and compact too, in
    larger type, and only the first, the last and the largest claims are labelled, and the figure most claimants
    gave where it finds room (the others keep their hover).
    """
    card = cv.preset.card
    compact, crowded = compact or card, crowded or card
    drawn = dodge(rows, panel, x_col)
    spans = extent(rows)
    # each mark where a reader sees it: a dot's centre, a bar's vertical extent
    at = {
        i: Box(panel.x(x), panel.y(spans.loc[i, "y1"]), panel.x(x), panel.y(spans.loc[i, "y0"]))
        for i, x in drawn.items()
    }
    # every mark a label could be read as naming: the claims' and the other labels' (a measure's square)
    marks = [*at.values(), *(mark for other in others for mark in other.marks)]
    # a card labels a claim on its own: a claim of the same day keeps its hover
    apart_px = 0 if card else CROWDED_STACK_PX if crowded else STACK_PX
    clusters = _stacked(groups(rows, x_col), panel, x_col, apart_px)
    essential = _essential(clusters, x_col, fewer=crowded, smallest=not card)
    if card:  # and a number the card's notes explain ("*": derived by the publication)
        essential |= {k for k, c in enumerate(clusters) if any((g["attribution"] == "derived").any() for g in c)}
    # a card labels no other claim, but the figure most claimants agree on, where no label says it yet and it
    # finds room of its own
    giving = _agreed(clusters, x_col) if card else []
    agreed = set(giving[:1]) if not essential.intersection(giving) else set()

    def requests(size: float, must: set[int]) -> tuple[list[Label], list[tuple]]:
        """Return the labels to place in type of ``size`` pixels (those of ``must`` required), and their anchors."""
        labels, anchors = [], []
        for k, cluster in enumerate(clusters):
            if card and k not in must:
                continue
            first = cluster[0].iloc[0]
            if len(cluster) == 1:
                texts = wordings(cluster[0], x_col, cv.t, dates=not compact, narrow=card)
            else:
                texts = stacked_wordings(cluster, x_col, cv.t, dates=not compact)
            if crowded:  # three lines at most
                texts = [text for text in texts if text.count("<br>") < 3] or texts[-1:]
            x, y = drawn[cluster[0].index[0]], value(first)
            spots: tuple[Spot, ...] = BESIDE_BAR if first["bound"] == "range" or len(cluster) > 1 else AROUND
            if crowded:  # labels stand by their marks: the extra ones right by them
                spots = tuple(s for s in spots if s in _BY_THE_MARK) + (
                    tuple(s for s in spots if s in _NEAR) if k in must else ()
                )
            xs = [panel.x(drawn[i]) for group in cluster for i in group.index]
            spots = _beside(spots, panel.x(x) - min(xs), max(xs) - panel.x(x))
            if k in must:  # over or under a mark by the plot's edge, a label may end at the edge
                spots += _at_edges(panel.box, panel.x(x), max(annotation_size(text, size)[0] for text in texts))
            labels.append(
                Label(
                    panel.x(x),
                    panel.y(y),
                    tuple(texts),
                    spots,
                    size=size,
                    # on a phone or a card, an essential claim's number alone rather than its words over another's mark
                    last_resort=(bare_wording(cluster, cv.t),) if crowded and k in must else (),
                    # and the number alone, touching a neighbour, rather than its words read as another mark's
                    misread_px2=MISREAD_PX2 if crowded and not card and k in must else 0,
                    required=k in must,
                    priority=0 if k in must else 1,
                    annotation=True,
                    clearance=CLEARANCE,
                    spots_first=crowded,
                    marks=tuple(at[i] for group in cluster for i in group.index),
                    by_row=card,  # its few labels in large type, each the only words by its marks
                )
            )
            anchors.append((x, y))
        return labels, anchors

    placed_last: list[list[Label]] = [[]]  # the labels the measurements' were last placed beside

    def laid_out(must: set[int]) -> tuple[int, list[Label], list[tuple]]:
        """Return the fewest faults of a layout of the labels (those of ``must`` required), its labels and anchors.

        A card's type is as large as lets every label stand clear and by its own mark (or, where no size
        does, the largest of the fewest faults: smaller type that fixes nothing only reads worse).
        """
        best: tuple[int, list[Label], list[tuple]] | None = None
        for size in CARD_LABEL_SIZES if card else (LABEL_PX,):
            labels, anchors = requests(size, must)
            place([*labels, *others], panel.box, obstacles, lines=event_lines, marks=marks, try_orders=True)
            placed_last[0] = labels
            faults = _faults([*labels, *others], panel.box, obstacles, list(at.values()))
            if best is None or faults < best[0]:
                best = (faults, labels, anchors)
            if not faults:
                break
        assert best is not None
        return best

    best = laid_out(essential | agreed)
    if agreed and best[0]:  # the agreed figure left out where that clears a fault
        without = laid_out(essential)
        best = without if without[0] < best[0] else best
    _, labels, anchors = best
    if labels is not placed_last[0] and others:  # the measurements' labels were last placed beside another layout's
        place([*labels, *others], panel.box, obstacles, lines=event_lines, marks=marks, try_orders=True)
    for label, (x, y) in zip(labels, anchors, strict=True):
        if not label.placed:
            continue  # a crowded chart labels what matters most; the mark keeps its hover and its row of data
        text, spot, _ = label.chosen
        cv.annotate(
            name="claim-label",
            text=text,
            x=x,
            y=y,
            xref=xref,
            yref=yref,
            xanchor=spot.xanchor,
            yanchor=spot.yanchor,
            xshift=spot.dx,
            yshift=-spot.dy,
            align=align(label),
            showarrow=False,
            font=dict(size=label.size, color=cv.c["text"]),
            bgcolor=cv.c["background"] if label.crosses_line else None,
        )


def _faults(labels: Sequence[Label], bounds: Box, obstacles: Sequence[Box], marks: list[Box]) -> int:
    """Count the placed labels outside ``bounds``, over an obstacle or a later label, or nearer another's mark."""
    boxes = [label.box for label in labels if label.box is not None]
    faults = 0
    for i, label in enumerate(lb for lb in labels if lb.box is not None):
        box = label.box
        assert box is not None
        faults += not box.inside(bounds) or misread(label, box, marks)
        faults += any(box.overlap(o) > 0 for o in obstacles) or any(box.overlap(b) > 0 for b in boxes[i + 1 :])
    return faults


def align(label: Label) -> str:
    """Return how a placed label's lines align: the side its spot sets, unless another stands them nearer its marks.

    A label ending at the plot's edge, over marks well inside it, stood its lines flush with the edge: "11 000
    Зеленський" stood over the wrong claims, its own dot 190 px to the left.
    """
    text, spot, box = label.chosen
    marks = (sum(m.x0 + m.x1 for m in label.marks) / (2 * len(label.marks))) if label.marks else label.x
    widths = [annotation_size(line, label.size)[0] for line in text.split("<br>")]

    def off(side: str) -> float:
        """Pixels from the marks to each line's centre, summed, with the lines aligned to ``side``."""
        centres = [{"left": box.x0 + w / 2, "right": box.x1 - w / 2}.get(side, box.center[0]) for w in widths]
        return round(sum(abs(c - marks) for c in centres), 6)

    given = {"left": "left", "right": "right"}.get(spot.xanchor, "center")
    return min(("left", "center", "right"), key=lambda side: (off(side), side != given))


def _at_edges(box: Box, x: float, width: float) -> tuple[Spot, ...]:
    """Return spots over and under an anchor at ``x`` whose labels end at the left or right edge of ``box``.

    Only at an edge that a label ``width`` pixels wide, centred over the anchor, would cross.
    """
    edges: list[tuple[XAnchor, float]] = [("right", box.x1), ("left", box.x0)]
    sides: list[tuple[YAnchor, float]] = [("bottom", -9), ("top", 9)]
    return tuple(
        Spot(xanchor, yanchor, edge - x, dy)
        for xanchor, edge in edges
        if abs(edge - x) < width / 2
        for yanchor, dy in sides
    )


def _beside(spots: tuple[Spot, ...], left: float, right: float) -> tuple[Spot, ...]:
    """Return ``spots`` moved out past marks drawn ``left``/``right`` pixels either side of the anchor.

    Spots over and under the marks are centred on them all, not on the anchor (the first).
    """
    shift = {"left": right, "right": -left, "center": (right - left) / 2}
    return tuple(Spot(s.xanchor, s.yanchor, s.dx + shift[s.xanchor], s.dy) for s in spots)


def _stacked(base: list[pd.DataFrame], panel: Panel, x_col: str, apart_px: float) -> list[list[pd.DataFrame]]:
    """Merge label groups whose marks stand one above the other at the same date (one label lists them all).

    Two claims about the same day less than ``apart_px`` (:data:`STACK_PX`) apart would get labels that crowd each
    other or read as the other mark's; one label listing both, top to bottom, shows they disagree.
    """
    out: list[list[pd.DataFrame]] = []
    for group in sorted(base, key=lambda g: -value(g.iloc[0])):
        row = group.iloc[0]
        for cluster in out:
            other = cluster[-1].iloc[0]
            same_day = row[x_col] == other[x_col]
            if same_day and abs(panel.y(value(row)) - panel.y(value(other))) < apart_px:
                cluster.append(group)
                break
        else:
            out.append([group])
    return out


def _essential(
    clusters: list[list[pd.DataFrame]], x_col: str, fewer: bool = False, smallest: bool = True
) -> set[int]:
    """Return the labels a chart must show: the first and last claims in time, the largest and smallest numbers.

    The others are shown where they find room of their own. ``fewer``: where several share the
    largest or smallest number, one already shown for its date is enough. Without ``smallest`` (a
    card): the first, the last and the largest only.
    """
    dates = [c[0][x_col].iloc[0] for c in clusters]
    values = [value(c[0].iloc[0]) for c in clusters]
    if not clusters:
        return set()
    last = len(dates) - 1 - dates[::-1].index(max(dates))
    chosen = {dates.index(min(dates)), last}
    for extreme in (max(values), min(values)) if smallest else (max(values),):
        tied = [k for k, v in enumerate(values) if v == extreme]
        chosen.add(next((k for k in tied if k in chosen and fewer), tied[0]))
    return chosen


def _agreed(clusters: list[list[pd.DataFrame]], x_col: str) -> list[int]:
    """Return the labels, first said first, of the figure most claimants gave, where two or more gave it; else none.

    The 50,000 troops massed in Kursk: the joint US and Ukrainian officials' (10 Nov), Zelensky's and Pavliuk's.
    """
    said_by: dict[float, set[str]] = {}
    for cluster in clusters:
        for group in cluster:
            said_by.setdefault(value(group.iloc[0]), set()).update(group["claimant"])
    if not said_by:
        return []
    most = max(said_by, key=lambda v: (len(said_by[v]), v))
    giving = [k for k, cluster in enumerate(clusters) if any(value(g.iloc[0]) == most for g in cluster)]
    return sorted(giving, key=lambda k: clusters[k][0][x_col].iloc[0]) if len(said_by[most]) >= 2 else []


#: Marks of one day closer than this (pixels) share one label.
STACK_PX = 60
#: The same on a crowded chart, whose labels are short (who only, three lines at most).
CROWDED_STACK_PX = 40


def stacked_wordings(cluster: list[pd.DataFrame], x_col: str, t: Words, dates: bool = True) -> list[str]:
    """Return the wordings of a label listing several claims of one day, top mark first (``dates``: when said)."""
    full, short, narrow = [], [], []
    for group in cluster:
        first = group.iloc[0]
        number = bare_wording([group], t)
        names = ", ".join(dict.fromkeys(short_name(r, t) for r in itertuples(group)))
        # where one said it on another day than the mark's, each claimant with its own days: "Pentagon, said 4 Nov;
        # US and Ukrainian officials, said 10 Nov" (with commas only, "said 10 Nov" read as the Pentagon's too)
        said_by: dict[str, dict[str, None]] = {}
        for r in itertuples(group):
            said_by.setdefault(short_name(r, t), {})[t.date(r.claim_date, "day")] = None
        if dates and (group["claim_date"] != first[x_col]).any():
            full.append(f"{number} " + "; ".join(
                f"{meta.escape(name)}, {t('said {date}', date=', '.join(days))}" for name, days in said_by.items()
            ))  # fmt: skip
        else:
            full.append(f"{number} {meta.escape(names)}")
        short.append(f"{number} {meta.escape(names)}")
        narrow += [number, *map(meta.escape, _wrap(names, 22))]
    return list(dict.fromkeys(["<br>".join(full), "<br>".join(short), "<br>".join(narrow), ", ".join(short)]))


#: What a label adds after the number when the number is not the strength present at the date (the Ukrainian
#: in brackets: "очікується / Зеленський", its claimant on the next line, read as "Zelensky is expected").
QUALIFIERS = {
    "cumulative": N_("moved in"),
    "expected": N_("expected"),
    "ru_nk_troops_kursk": N_("incl. North Koreans"),
}


def _wrap(text: str, width: int) -> list[str]:
    """Break ``text`` into lines of ``width`` characters, never inside a word (``Kim Yong-hyun`` stays whole)."""
    # (not meta.wrap_chars: "джерело / в Генштабі ЗСУ", kept whole, took the kursk-area chart's "~800 km²" over the
    # measure's dotted line in the Ukrainian column and card, where "джерело в / Генштабі ЗСУ" stood by its dot)
    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)


def bare_wording(cluster: list[pd.DataFrame], t: Words) -> str:
    """Return a label's numbers alone, one line each, with what they count: ``~59,000 moved in`` (no who)."""
    lines = []
    for group in cluster:
        first = group.iloc[0]
        qualifier = QUALIFIERS.get(first["subject"]) or QUALIFIERS.get(first["basis"])
        lines.append(f"<b>{meta.escape(figure(first, t))}</b>" + (f" {t(qualifier)}" if qualifier else ""))
    return "<br>".join(lines)


def wordings(group: pd.DataFrame, x_col: str, t: Words, dates: bool = True, narrow: bool = False) -> list[str]:
    """Return a claim label's wordings, longest first: with dates (unless not ``dates``), then who only, narrower.

    ``narrow`` (a card's large type): last, who in lines of ten characters where they break there.
    """
    number = bare_wording([group], t)
    names = []
    for row in itertuples(group):
        who = short_name(row, t)
        if dates and len(group) > 1:
            who += f" {t.date(row.claim_date, 'day')}"
        elif dates and pd.notna(getattr(row, x_col)) and row.claim_date != getattr(row, x_col):
            who += ", " + t("said {date}", date=t.date(row.claim_date, "day"))
        names.append(who)
    if len(group) > 1 and dates:
        full = [n.replace(" ", "\u00a0") for n in names]
    else:
        full = _wrap(", ".join(dict.fromkeys(names)), 30)
    who_only = ", ".join(dict.fromkeys(short_name(r, t) for r in itertuples(group)))
    options = [[number, *map(meta.escape, full)]]
    for width in (22, 14):
        options.append([number, *map(meta.escape, _wrap(who_only, width))])
    claimants = list(dict.fromkeys(short_name(r, t) for r in itertuples(group)))
    more = t("{who} and {n} more", who=claimants[0], n=len(claimants) - 1)
    if len(claimants) == 1 and (unsaid := _without_side(claimants[0], group, t)):
        for width in (22, 14):  # "General Staff / source": blue says whose
            options.append([number, *map(meta.escape, _wrap(unsaid, width))])
    if len(claimants) > 2:  # "Pentagon and 2 more": the hover names them all
        options.append([number, meta.escape(more)])
    if len(who_only) <= 16:  # one line, where two do not fit: "~10,000 Pentagon"
        options.append([f"{number} {meta.escape(who_only)}"])
    if narrow:  # "~11,000 / Pentagon / and 2 more"
        options.append([number, *map(meta.escape, _wrap(more if len(claimants) > 2 else who_only, 10))])
    return list(dict.fromkeys("<br>".join(lines) for lines in options))


def _without_side(name: str, group: pd.DataFrame, t: Words) -> str:
    """Return a claimant's ``name`` without the side its colour's key entry names, or "" where it does not start so.

    "Ukrainian General Staff source", drawn in blue, keyed "Ukrainian sources": "General Staff source".
    """
    sides = set(group["claimant_side"])
    if len(sides) != 1 or (side := sides.pop()) not in SIDE_NAMES:
        return ""
    adjective = t(SIDE_NAMES[side]).rsplit(" ", 1)[0] + " "  # "Ukrainian sources": "Ukrainian "
    return name[len(adjective) :] if name.startswith(adjective) and len(name) > len(adjective) else ""
