"""One label engine for maps and charts: boxes, candidate spots, a placer with priorities.

plotly draws text where it is told and does not avoid overlaps, so builders
describe each label before plotly draws anything: an anchor point in figure
pixels (y down), its wordings (best first), the spots it may take around the
anchor, and a priority. :func:`place` picks, level by level, the first wording
and spot whose box lies inside the plot and clear of the obstacles (markers,
legend, inset, scale bar) and of the labels placed before. A required label
(a chart's claim) always gets the spot of least overlap; an optional one (a
map's town) is left out when nothing is free, and may then take the place of
one neighbour that can move elsewhere. A label that names marks (a chart's claim) stands
nearer them than any other mark, so that it cannot be read as a neighbour's.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from vizlib._text import annotation_size, text_size

XAnchor = Literal["left", "center", "right"]
YAnchor = Literal["top", "middle", "bottom"]


@dataclass(frozen=True)
class Box:
    """An axis-aligned box in figure pixels: x to the right, y down."""

    x0: float
    y0: float
    x1: float
    y1: float

    def overlap(self, other: Box) -> float:
        """Return the area shared with ``other`` (0 when apart)."""
        w = min(self.x1, other.x1) - max(self.x0, other.x0)
        h = min(self.y1, other.y1) - max(self.y0, other.y0)
        return w * h if w > 0 and h > 0 else 0.0

    def overlap_sum(self, others: Iterable[Box]) -> float:
        """Return the areas shared with each of ``others``, added left to right.

        Inlined, for speed: each spot a label tries is measured against every box already placed. The plain
        left-to-right sum (``sum`` on Python 3.11; 3.12's compensates) gives the same float on every Python.
        """
        x0, y0, x1, y1 = self.x0, self.y0, self.x1, self.y1
        total = 0.0
        for o in others:
            w = (o.x1 if o.x1 < x1 else x1) - (o.x0 if o.x0 > x0 else x0)  # min() and max(), as overlap has them
            if w > 0:
                h = (o.y1 if o.y1 < y1 else y1) - (o.y0 if o.y0 > y0 else y0)
                if h > 0:
                    total += w * h
        return total

    def overlaps(self, other: Box) -> bool:
        """Tell whether the boxes share any area."""
        return self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1

    def inside(self, other: Box) -> bool:
        """Tell whether this box lies within ``other``."""
        return self.x0 >= other.x0 and self.y0 >= other.y0 and self.x1 <= other.x1 and self.y1 <= other.y1

    def pad(self, px: float) -> Box:
        """Return the box grown by ``px`` on every side (shrunk when negative)."""
        return Box(self.x0 - px, self.y0 - px, self.x1 + px, self.y1 + px)

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def center(self) -> tuple[float, float]:
        return (self.x0 + self.x1) / 2, (self.y0 + self.y1) / 2

    def area_outside(self, bounds: Box) -> float:
        """Return the area of this box that lies outside ``bounds``."""
        return self.width * self.height - self.overlap(bounds)


@dataclass(frozen=True)
class Spot:
    """Where a label may go: which side of its text sits on the anchor, and a shift in pixels (y down)."""

    xanchor: XAnchor
    yanchor: YAnchor
    dx: float = 0
    dy: float = 0

    def box(self, x: float, y: float, w: float, h: float) -> Box:
        """Return the box a ``w`` by ``h`` text covers at this spot around anchor (x, y)."""
        left = x + self.dx - {"left": 0, "center": w / 2, "right": w}[self.xanchor]
        top = y + self.dy - {"top": 0, "middle": h / 2, "bottom": h}[self.yanchor]
        return Box(left, top, left + w, top + h)

    @property
    def textposition(self) -> str:
        """Plotly's ``textposition`` for a point label at this spot (text to the right: ``middle right``)."""
        vertical = {"bottom": "top", "middle": "middle", "top": "bottom"}[self.yanchor]
        horizontal = {"right": "left", "center": "center", "left": "right"}[self.xanchor]
        return f"{vertical} {horizontal}"


#: plotly ``textposition`` values of a point label, best first.
POSITIONS = (
    "middle right",
    "middle left",
    "top center",
    "bottom center",
    "top right",
    "bottom right",
    "top left",
    "bottom left",
)


def along(x0: float, y0: float, x1: float, y1: float, half_width: float = 1.5, step: float = 3) -> list[Box]:
    """Return small boxes covering the straight line from ``(x0, y0)`` to ``(x1, y1)`` (pixels).

    A slanted line's bounding box would cover the room beside it; boxes ``step`` pixels long cover
    only the line (each about ``2 * half_width`` across), for :func:`place`'s ``lines``.
    """
    n = max(1, int(max(abs(x1 - x0), abs(y1 - y0)) // step))
    boxes = []
    for i in range(n):
        xa, ya = x0 + (x1 - x0) * i / n, y0 + (y1 - y0) * i / n
        xb, yb = x0 + (x1 - x0) * (i + 1) / n, y0 + (y1 - y0) * (i + 1) / n
        boxes.append(Box(min(xa, xb), min(ya, yb), max(xa, xb), max(ya, yb)).pad(half_width))
    return boxes


def around(gap: float) -> tuple[Spot, ...]:
    """Return the eight spots around a point marker, best first, ``gap`` pixels from the anchor.

    The order (right, left, above, below, then the corners) is plotly's
    ``textposition`` vocabulary read as a cartographer would rank it.
    """
    return tuple(spot_at(position, gap) for position in POSITIONS)


def spot_at(textposition: str, gap: float) -> Spot:
    """Return the spot of a point label at a plotly ``textposition`` (e.g. ``"top left"``), ``gap`` px away."""
    vertical, horizontal = textposition.split()
    yanchor: YAnchor = {"top": "bottom", "middle": "middle", "bottom": "top"}[vertical]  # type: ignore[assignment]
    xanchor: XAnchor = {"left": "right", "center": "center", "right": "left"}[horizontal]  # type: ignore[assignment]
    dx = {"left": -gap, "center": 0, "right": gap}[horizontal]
    dy = {"top": -gap, "middle": 0, "bottom": gap}[vertical]
    return Spot(xanchor, yanchor, dx, dy)


def centred(shifts: Iterable[tuple[float, float]] = ()) -> tuple[Spot, ...]:
    """Return a centred spot, then the same nudged by each ``(dx, dy)`` (names of areas)."""
    return tuple(Spot("center", "middle", dx, dy) for dx, dy in [(0, 0), *shifts])


@dataclass
class Label:
    """A label to place, and (after :func:`place`) where it went.

    Attributes
    ----------
    x, y : float
        Anchor in figure pixels (y down).
    texts : tuple of str
        Wordings, best first; a shorter one is tried only when the first fits nowhere.
    last_resort : tuple of str
        Wordings tried only when every spot of every one of ``texts`` overlaps something or reads as
        another mark's (crossing a thin line is no reason), and taken only where they read as this
        label's: a required label's bare number on a crowded phone chart, rather than its words over
        a neighbour's mark.
    spots : tuple of Spot
        Candidate spots, best first.
    own_spots : dict of str to tuple of Spot
        A wording's own spots, best first, in place of ``spots``: where a shorter name fits that the
        first does not ("КУРСЬКА ОБЛ." beside towns where "КУРСЬКА ОБЛАСТЬ" runs into them).
    size : float
        Font size in pixels.
    priority : int
        Lower levels are placed first (a map's towns before its region names).
    required : bool
        Always place (at the spot of least overlap) rather than leave the label out.
    may_displace : bool
        When left out, may take the spot of one placed neighbour of its level that can move.
    clearance : float
        Pixels kept between this label and anything else; negative lets edges touch.
    gap_x : float
        Pixels kept, left and right, between this label and any label placed after it: two names
        on one line never run together into one.
    spots_first : bool
        Try every wording at a spot before the next spot (a longer label by its mark rather than a
        shorter one further off); by default every spot is tried with a wording before the next one.
    annotation : bool
        Drawn as a plotly annotation (a chart's), whose box has a border pad, rather than
        as trace text (a map's).
    marks : tuple of Box
        The marks the label names, in figure pixels (a dot: a box of no size at its centre; a bar:
        its vertical extent). Its box's centre must lie nearer one of them than any other mark
        given to :func:`place`, by :data:`NEARER_PX`.
    misread_px2 : float
        The overlap (square pixels) a spot that reads as another mark's counts as, on top of its
        own: a number that could name the wrong line is worse than one touching a village's name.
        0 (the default): a required label takes such a spot only when every other overlaps something.
    avoid : tuple of Box
        Thin lines of this label's own, kept off like :func:`place`'s ``lines`` (the border a
        distance is measured to: its number reads on one side of it, not across it).
    keep_off : tuple of Box
        Obstacles of this label's own, as hard as :func:`place`'s ``obstacles`` (an oblast's name keeps
        its room from the towns' dots, beside which it would read as a town's name).
    rivals : tuple of Box
        Marks this label must not read as naming, measured from its box rather than its centre (a
        town's name reads as the dot it stands by): its box stands nearer one of its ``marks`` than
        any rival, by :data:`NEARER_PX`. A label with rivals checks them instead of ``place``'s marks.
    by_edge : bool
        Also measured from its box: no other mark given to :func:`place` stands nearer its edge than
        its own marks do (a distance's words at the end of another distance's line read as that one's).
    by_row : bool
        Also read line by line: no other mark stands in a line's row, nearer it than its own marks (a
        card's "~11,000" over its dot, level with another claim's circle 8 px on).
    together : Hashable or None
        Labels given the same value (a town's name on each panel of small multiples) take one spot where
        it costs none of them more than the spot each took alone: the eye compares the panels, and a name
        that changes sides reads as a change on the ground.
    key : Any
        The caller's handle (a trace and point index, an id).
    """

    x: float
    y: float
    texts: tuple[str, ...]
    spots: tuple[Spot, ...]
    size: float = 12
    own_spots: dict[str, tuple[Spot, ...]] = field(default_factory=dict)
    last_resort: tuple[str, ...] = ()
    priority: int = 0
    required: bool = False
    may_displace: bool = False
    clearance: float = 0
    gap_x: float = 0
    spots_first: bool = False
    annotation: bool = False
    marks: tuple[Box, ...] = ()
    misread_px2: float = 0
    avoid: tuple[Box, ...] = ()
    keep_off: tuple[Box, ...] = ()
    rivals: tuple[Box, ...] = ()
    by_edge: bool = False
    by_row: bool = False
    together: Hashable | None = None
    key: Any = None
    text: str | None = field(default=None, init=False)
    spot: Spot | None = field(default=None, init=False)
    box: Box | None = field(default=None, init=False)
    crosses_line: bool = field(default=False, init=False)

    def box_at(self, spot: Spot, text: str | None = None) -> Box:
        """Return the box ``text`` (default: the chosen or first wording) covers at ``spot``."""
        measure = annotation_size if self.annotation else text_size
        w, h = measure(text or self.text or self.texts[0], self.size)
        return spot.box(self.x, self.y, w, h)

    def spots_for(self, text: str) -> tuple[Spot, ...]:
        """Return the spots ``text`` may take, best first: its own, if it has them, else every wording's."""
        return self.own_spots.get(text, self.spots)

    def kept_clear(self, box: Box) -> Box:
        """Return the room this label at ``box`` keeps from the labels placed after it."""
        kept = box.pad(max(self.clearance, 0))
        return Box(kept.x0 - self.gap_x, kept.y0, kept.x1 + self.gap_x, kept.y1) if self.gap_x else kept

    @property
    def placed(self) -> bool:
        return self.spot is not None

    @property
    def chosen(self) -> tuple[str, Spot, Box]:
        """Return the wording, spot and box chosen; raise if the label was left out."""
        if self.text is None or self.spot is None or self.box is None:
            raise RuntimeError(f"label {self.texts[0]!r} was not placed")
        return self.text, self.spot, self.box


def place(
    labels: Sequence[Label],
    bounds: Box,
    obstacles: Iterable[Box] = (),
    *,
    lines: Iterable[Box] = (),
    marks: Iterable[Box] = (),
    try_orders: bool = False,
) -> list[Label]:
    """Choose a wording and spot for each label, level by level of priority.

    Parameters
    ----------
    labels : sequence of Label
        Within a priority level, in order of importance.
    bounds : Box
        Every label must lie inside it (the plot area).
    obstacles : iterable of Box
        What labels must keep clear of.
    lines : iterable of Box
        Thin obstacles (a chart's dotted event lines): avoided where possible, at a quarter of
        the cost of other overlaps; a label that must cross one has ``crosses_line`` set so it
        can be drawn on the background colour.
    marks : iterable of Box
        Every mark a label could be read as naming (a chart's claims): a label with ``marks`` of
        its own never takes a spot whose centre is as near another mark (an optional one is left
        out; a required one takes such a spot only when every other overlaps something).
    try_orders : bool
        For required labels: also try each level in reverse and largest first, and keep the
        best order: the least total overlap, then the fewest labels read as another mark's,
        left out and on their last resort, then the least of the thin lines crossed.

    Returns
    -------
    list of Label
        ``labels``, with ``text``, ``spot`` and ``box`` set (``spot`` None when left out).
    """
    taken = list(obstacles)
    thin = list(lines)
    every_mark = list(marks)
    for level in sorted({label.priority for label in labels}):
        group = [label for label in labels if label.priority == level]
        orders = [group]
        if try_orders:
            orders += [group[::-1], sorted(group, key=lambda lb: -_area(lb.box_at(lb.spots[0])))]
        best: dict[int, tuple[str, Spot, Box] | None] = {}
        best_cost: tuple = (float("inf"), 0, 0, 0, float("inf"))
        for order in orders:
            # required labels first: an optional one never takes the room a required one then overlaps
            order = sorted(order, key=lambda lb: not lb.required)
            choice, cost = _greedy(order, bounds, taken, thin, every_mark)
            if _cheaper_order(cost, best_cost):
                best, best_cost = choice, cost
            if cost == (0, 0, 0, 0, 0):
                break
        for label in group:
            chosen = best[id(label)]
            label.text, label.spot, label.box = chosen if chosen else (None, None, None)
        _make_room([lb for lb in group if lb.may_displace], group, bounds, taken, every_mark, thin)
        _agree(group, bounds, taken, every_mark, thin)
        taken += [label.kept_clear(label.box) for label in group if label.box is not None]
    for label in labels:
        crossed = [*thin, *label.avoid]
        label.crosses_line = label.box is not None and any(label.box.overlap(line) > 0 for line in crossed)
    return list(labels)


def _area(box: Box) -> float:
    return box.width * box.height


def _cost(box: Box, bounds: Box, taken: list[Box], thin: list[Box], clearance: float) -> tuple[float, float]:
    """Return (hard cost: outside the plot or over something, soft cost: across thin lines) of a box."""
    padded = box.pad(clearance)
    hard = box.area_outside(bounds) * 10 + padded.overlap_sum(taken)
    return hard, padded.overlap_sum(thin) / 4


#: A label's centre lies at least this many pixels nearer its own mark than any other mark.
NEARER_PX = 3


def distance_to(point: tuple[float, float], box: Box) -> float:
    """Return the pixels from ``point`` to ``box`` (0 inside it)."""
    dx = max(box.x0 - point[0], 0, point[0] - box.x1)
    dy = max(box.y0 - point[1], 0, point[1] - box.y1)
    return (dx * dx + dy * dy) ** 0.5


def box_gap(a: Box, b: Box) -> float:
    """Return the pixels between two boxes (0 when they touch or overlap)."""
    dx = max(a.x0 - b.x1, 0, b.x0 - a.x1)
    dy = max(a.y0 - b.y1, 0, b.y0 - a.y1)
    return (dx * dx + dy * dy) ** 0.5


def misread(label: Label, box: Box, marks: Sequence[Box]) -> bool:
    """Tell whether ``label`` at ``box`` could be read as naming a mark not its own (see ``Label.marks``)."""
    if not label.marks:
        return False
    if label.rivals:
        own = min(box_gap(box, m) for m in label.marks)
        return any(box_gap(box, r) < own + NEARER_PX for r in label.rivals) or _a_line_reads_on(label, box)
    others = [m for m in marks if m not in label.marks]
    if label.by_row and _a_row_reads_on(label, box, others):
        return True
    if label.annotation and _level_beside(label, box, others):  # read from its start, by its mark: from its edges
        own = min(box_gap(box, m) for m in label.marks)
        return any(box_gap(box, m) < own + BESIDE_NEARER_PX for m in others) or _a_row_reads_on(label, box, others)
    if _nearer_other(label, box, others):
        return True
    if label.by_edge:
        own = min(box_gap(box, m) for m in label.marks)
        return any(box_gap(box, m) < own + NEARER_PX for m in others)
    return False


def _level_beside(label: Label, box: Box, others: Sequence[Box]) -> bool:
    """Tell whether a chart's label at ``box`` starts (or ends) just beside one of its marks, level with its first line.

    "~11 000 Мисник, заява від 14 вересня" right of its dot: its centre, far along the line, lay nearer a
    circle 90 px over it than its own dot, and the wording was dropped for a shorter one (such a label is
    measured from its edges: nearer its own mark than any other, and no line reading on). Not a block whose
    last line only is level with its mark (its first line, where reading starts, may stand by another's), nor
    one ending by its mark whose start is nearer another's ("608–885 км²" by a claim's dot, 200 px from its square).
    """
    first = _line_rows(label, box)[0].y1  # the bottom of its first line
    start = (box.x0, (box.y0 + first) / 2)
    own = min(distance_to(start, m) for m in label.marks)
    for m in label.marks:
        if not (m.y0 <= first and m.y1 >= box.y0):
            continue
        if 0 <= box.x0 - m.x1 <= BESIDE_PX:
            return True
        if 0 <= m.x0 - box.x1 <= BESIDE_PX and all(distance_to(start, o) >= own + NEARER_PX for o in others):
            return True
    return False


#: A chart label whose near end is this close (pixels) to its mark, level with it, stands beside it; another mark
#: must then be this much farther from its box than its own (2 px: "~11 000" beside its dot, the claim's triangle
#: 16 px under the dot 11.4 px from the words, reads as the dot's).
BESIDE_PX = 12
BESIDE_NEARER_PX = 2


def _nearer_other(label: Label, box: Box, others: Sequence[Box]) -> bool:
    """Tell whether the centre of ``label`` at ``box`` lies nearer another mark than its own (by :data:`NEARER_PX`)."""
    centre = box.center
    own = min(distance_to(centre, m) for m in label.marks)
    return any(distance_to(centre, m) < own + NEARER_PX for m in others)


def _a_row_reads_on(label: Label, box: Box, others: Sequence[Box]) -> bool:
    """Tell whether a line of a chart's label at ``box`` has another mark in its row, nearer than its own marks.

    "~11,000 ○": the first line of a label over its dot, level with another claim's circle 8 px after it,
    read as that claim's number (its centre was nearer its own dot).
    """
    return any(_row_reads_on(row, label.marks, others) for row in _line_rows(label, box))


def _line_rows(label: Label, box: Box) -> list[Box]:
    """Return the band of each line of a chart's label at ``box``: an annotation's lines, 1.3 em apart in a 2 px pad."""
    step = 1.3 * label.size
    return [Box(box.x0, box.y0 + 2 + k * step, box.x1, box.y0 + 2 + (k + 1) * step)
            for k in range(max(1, round((box.height - 4) / step)))]  # fmt: skip


def _row_reads_on(row: Box, own: Sequence[Box], others: Sequence[Box]) -> bool:
    """Tell whether a mark of ``others`` in the band of a label's line reads as the line's subject.

    Within :data:`ROW_READ_PX` of the line, and :data:`NEARER_PX` nearer it than any of ``own``.
    """
    near = min(box_gap(row, m) for m in own)
    return any(
        m.y0 <= row.y1 and m.y1 >= row.y0 and (gap := box_gap(row, m)) < ROW_READ_PX and gap + NEARER_PX < near
        for m in others
    )


#: A rival dot this near (pixels) the end of a label's line, in the line's row, reads as the line's subject.
ROW_READ_PX = 40


def _a_line_reads_on(label: Label, box: Box) -> bool:
    """Tell whether one line of a label of several leads along its row to a rival dot, nearer than its own mark.

    "11 Nov 2024 ● Vuhledar": the last line of a dam's note, level with a town's dot 24 px on, read as the town's.
    """
    lines = round((box.height / label.size - 1.15) / 1.3) + 1
    if label.annotation or lines < 2:
        return False
    rows = (Box(box.x0, top, box.x1, top + 1.15 * label.size)
            for top in (box.y0 + 1.3 * label.size * k for k in range(lines)))
    return any(_row_reads_on(row, label.marks, label.rivals) for row in rows)


#: A rival dot in a one-line name's row, this near (pixels) either of its ends, may be read as the name's own.
ROW_LEAD_PX = 12
#: What such a spot costs on top of its thin lines (a quarter of their square pixels): any spot clear of both
#: goes first; an optional name left with such a spot only is left out, a required one is drawn there.
ROW_LEAD_COST = 1000


def leads_into_rival(label: Label, box: Box) -> bool:
    """Tell whether a town's name at ``box`` has a rival dot in the row of one of its lines, just past one of its ends.

    In its row: the dot's centre within ``ROW_SLACK_PX`` of the name's box, up or down; just past: within
    ``ROW_LEAD_PX`` of it. Not where the name is level with its own dot.

    "Kharkiv ● Belgorod": Belgorod's name under its dot and right of Kharkiv's reads as naming that one. A name
    level with its own dot is read as that one's ("● Lgov ● Kursk": each name on one side of its dot).
    """
    return bool(rivals_led_into(label, box))


#: How far (pixels) past a name's top or bottom a rival dot's centre still counts as in its row: a dot touching
#: the name's bottom corner reads as on its baseline ("Dnipro ●Pokrovsk", the dot 2 px below the name's box).
ROW_SLACK_PX = 3


def _in_row(y: float, box: Box) -> bool:
    return box.y0 - ROW_SLACK_PX <= y <= box.y1 + ROW_SLACK_PX


def rivals_led_into(label: Label, box: Box) -> list[Box]:
    """Return the rival dots a town's name at ``box`` leads into (:func:`leads_into_rival`), nearest first.

    A label of several lines is read line by line: each line not level with its own mark is checked as a
    one-line name ("Damaged 11 Nov ● Pokrovsk": the first line of the dam's note by Pokrovsk's dot).
    """
    if not label.rivals or label.annotation:
        return []
    level = []
    for row in line_bands(box, label.size):
        if any(row.y0 <= m.center[1] <= row.y1 for m in label.marks):
            continue
        near = [r for r in label.rivals if _in_row(r.center[1], row) and box_gap(row, r) < ROW_LEAD_PX]
        level += [r for r in near if r not in level]
    return sorted(level, key=lambda r: box_gap(box, r))


def line_bands(box: Box, font_px: float) -> list[Box]:
    """Return the band of each line of a label's ``box``, top to bottom, together covering it.

    Lines are 1.3 em apart and 1.15 em tall (:func:`vizlib._text.text_size`); the bands meet halfway between.
    """
    n = max(1, round((box.height / font_px - 1.15) / 1.3) + 1)
    step, half_gap = 1.3 * font_px, 0.075 * font_px
    edges = [box.y0, *(box.y0 + k * step - half_gap for k in range(1, n)), box.y1]
    return [Box(box.x0, top, box.x1, bottom) for top, bottom in zip(edges, edges[1:])]


#: Costs closer than this are equal: the same overlap measured at two spots differs in float rounding.
_TIE = 1e-6


def _greedy(order, bounds, taken, thin, marks) -> tuple[dict[int, tuple[str, Spot, Box] | None], tuple]:
    """Place ``order`` one label after another; return the choices and their cost.

    The cost is (overlap, misread, left out, last resorts, lines): the labels' overlap, how many read as another
    mark's, how many optional ones were left out, how many fell back on their last resort (a number without its
    claimant), and the thin lines they cross.
    """
    taken = list(taken)
    chosen: dict[int, tuple[str, Spot, Box] | None] = {}
    overlap, wrong, left_out, resorts, lines_crossed = 0.0, 0, 0, 0, 0.0
    for label in order:
        lines = [*thin, *label.avoid]
        here = [*taken, *label.keep_off] if label.keep_off else taken
        best, best_cost = _cheapest(label, label.texts, bounds, here, lines, marks)
        # the last resort only where the words overlap something or read as another mark's, not where
        # they merely cross a thin line (drawn on the background); and only where it reads as its own
        resorted = False
        if label.last_resort and (best_cost[0] > _TIE or best_cost[1]):
            bare, bare_cost = _cheapest(label, label.last_resort, bounds, here, lines, marks, honest=True)
            if bare is not None and _cheaper(bare_cost, best_cost):
                best, best_cost, resorted = bare, bare_cost, True
        # an optional label may cross a thin line (drawn on the background), never overlap anything else,
        # read as another mark's nor lead into a rival's dot (left out, the town goes with its name)
        unfit = best is not None and (best_cost[0] > 0 or best_cost[1] or leads_into_rival(label, best[2]))
        if best is None or (unfit and not label.required):
            chosen[id(label)] = None
            left_out += 1
            continue
        chosen[id(label)] = best
        overlap, wrong, resorts = overlap + best_cost[0], wrong + best_cost[1], resorts + resorted
        lines_crossed += best_cost[2]
        taken.append(label.kept_clear(best[2]))  # a label that keeps clear is kept clear of
    return chosen, (overlap, wrong, left_out, resorts, lines_crossed)


def _cheapest(label, texts, bounds, taken, lines, marks, honest: bool = False) -> tuple:
    """Return the first cheapest (text, spot, box) of ``texts`` and its cost; ``honest``: never one misread."""
    best, best_cost = None, (float("inf"), 1, float("inf"))
    # a label short of room may touch its neighbours before it overlaps one
    if label.spots_first:
        tries = [(text, spot) for spot in label.spots for text in texts if spot in label.spots_for(text)]
        tries += [(text, spot) for text in texts for spot in label.spots_for(text) if spot not in label.spots]
    else:
        tries = [(text, spot) for text in texts for spot in label.spots_for(text)]
    for clearance in dict.fromkeys((label.clearance, min(label.clearance, 0))):
        for text, spot in tries:
            box = label.box_at(spot, text)
            hard, soft = _cost(box, bounds, taken, lines, clearance)
            wrong = misread(label, box, marks)
            if wrong and honest:
                continue
            soft += ROW_LEAD_COST * leads_into_rival(label, box)
            cost = (hard + wrong * label.misread_px2, int(wrong), soft)
            if _cheaper(cost, best_cost):  # a tie keeps the earlier (better) spot
                best, best_cost = (text, spot, box), cost
            if cost == (0, 0, 0):
                return best, best_cost
    return best, best_cost


def _cheaper(cost: tuple, than: tuple) -> bool:
    """Order costs (overlap, misread, lines): less overlap first, then honest before misread, then fewer lines."""
    if abs(cost[0] - than[0]) > _TIE:
        return cost[0] < than[0]
    if cost[1] != than[1]:
        return cost[1] < than[1]
    return cost[2] < than[2] - _TIE


def _cheaper_order(cost: tuple, than: tuple) -> bool:
    """Order the costs of whole orders (overlap, misread, left out, last resorts, lines) as :func:`_cheaper` does.

    A label left out, or losing its claimant to its last resort, is worse than more of the thin lines crossed
    (drawn on the background colour).
    """
    if abs(cost[0] - than[0]) > _TIE:
        return cost[0] < than[0]
    if cost[1:4] != than[1:4]:
        return cost[1:4] < than[1:4]
    return cost[4] < than[4] - _TIE


def _make_room(candidates, group, bounds, obstacles, marks, lines) -> None:
    """Let a label left out, or leading into a rival's dot, take a spot where placed neighbours can move aside.

    One neighbour in the way moves, or it and one in the way of its new spot (Sudzha's name for Belgorod's, and
    Kursk's for Sudzha's); each only to a spot as good: clear of everything (names keeping their ``gap_x``, both
    ways), across no more of the thin lines than before, and leading into no rival's dot where it did not.
    """
    for label in candidates:
        stuck = label.box is not None and leads_into_rival(label, label.box)
        if label.placed and not stuck:
            continue
        text = label.text or label.texts[0]
        for spot in label.spots:
            box = label.box_at(spot, text)
            if misread(label, box, marks) or leads_into_rival(label, box):
                continue
            moves = _moves_to_free(label, box, group, bounds, obstacles, marks, lines, depth=2)
            if moves is None:
                continue
            for other, other_spot, moved in moves:
                other.spot, other.box = other_spot, moved
            label.text, label.spot, label.box = text, spot, box
            break


def _agree(group, bounds, obstacles, marks, lines) -> None:
    """Move the labels of each ``together`` set of ``group`` to one spot, where one costs none of them more.

    The spots most of them took are tried first, then in the labels' order of spots. A spot is taken only where
    every label of the set is at least as well off there as where it stands: no more overlap (with ``obstacles``
    and the other labels placed, each keeping its room), read as its own mark's where it was, across no more of
    the thin ``lines``.
    """
    sets: dict[Hashable, list[Label]] = {}
    for label in group:
        if label.together is not None and label.placed:
            sets.setdefault(label.together, []).append(label)
    for members in sets.values():
        taken_spots = [label.spot for label in members]
        if len(members) < 2 or all(spot == taken_spots[0] for spot in taken_spots):
            continue
        spots = list(dict.fromkeys(spot for label in members for spot in label.spots))
        spots.sort(key=lambda spot: -taken_spots.count(spot))  # stable: the first label's order breaks ties
        for spot in spots:
            stood = [(label.spot, label.box) for label in members]
            for label in members:  # each clear of those moved before it
                box = _as_good_at(label, spot, group, bounds, obstacles, marks, lines)
                if box is None:
                    break
                label.spot, label.box = spot, box
            else:
                break
            for label, (was, box) in zip(members, stood, strict=True):
                label.spot, label.box = was, box


def _as_good_at(label, spot, group, bounds, obstacles, marks, lines) -> Box | None:
    """Return ``label``'s box at ``spot`` where it costs no more than its own (see :func:`_agree`), else None."""
    if spot not in label.spots_for(label.text):
        return None
    here = [*obstacles, *label.keep_off, *(o.kept_clear(o.box) for o in group if o is not label and o.box)]
    own_lines = [*lines, *label.avoid]
    box = label.box_at(spot, label.text)
    hard, soft = _cost(box, bounds, here, own_lines, label.clearance)
    was_hard, was_soft = _cost(label.box, bounds, here, own_lines, label.clearance)
    if hard > was_hard + _TIE or soft > was_soft + _TIE:
        return None
    if misread(label, box, marks) > misread(label, label.box, marks):
        return None
    if leads_into_rival(label, box) > leads_into_rival(label, label.box):
        return None
    return box


def _moves_to_free(label, box, group, bounds, taken, marks, lines, depth) -> list[tuple] | None:
    """Return the moves (label, spot, box), last first, that let ``label`` stand at ``box``; None where none do.

    Nothing in the way: no moves. One placed neighbour of ``group`` in the way, that may move: its move to a spot
    as good (:func:`move_aside`), ``depth`` neighbours deep at most.
    """
    padded = box.pad(label.clearance)
    if box.area_outside(bounds) or any(padded.overlaps(o) for o in [*taken, *label.keep_off]):
        return None
    in_way = [o for o in group if o is not label and o.box is not None and padded.overlaps(o.kept_clear(o.box))]
    if not in_way:
        return []
    if depth == 0 or len(in_way) != 1 or not in_way[0].may_displace:
        return None
    rest = [o for o in group if o is not in_way[0] and o is not label]
    return move_aside(in_way[0], padded, label.kept_clear(box), rest, bounds, taken, marks, lines, depth)


def move_aside(label, room, kept, group, bounds, taken, marks, lines, depth=1) -> list[tuple] | None:
    """Return the moves (label, spot, box), last first, that take a placed ``label`` off ``room`` to a spot as good.

    As good: off ``room`` and clear of ``kept`` (the room the label coming in keeps), across no more of the thin
    ``lines`` than before, read as its own mark's and leading into no rival's dot where it did not; clear of
    ``taken`` and of the placed labels of ``group``, or with ``depth - 1`` of them moving aside in turn. None where
    no spot is.
    """
    own_lines = [*lines, *label.avoid]
    crossed = label.box.overlap_sum(own_lines)
    for spot in label.spots:
        moved = label.box_at(spot, label.text)
        if label.kept_clear(moved).overlaps(room) or moved.overlap_sum(own_lines) > crossed:
            continue
        if misread(label, moved, marks) or (leads_into_rival(label, moved) and not leads_into_rival(label, label.box)):
            continue
        moves = _moves_to_free(label, moved, group, bounds, [*taken, kept], marks, lines, depth - 1)
        if moves is not None:
            return [*moves, (label, spot, moved)]
    return None
