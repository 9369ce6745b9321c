"""Place direct labels on a chart so that they neither collide nor leave the plot.

plotly draws annotations where it is told and does not avoid overlaps, so
the chart builders describe each label (anchor point in pixels, text, a few
candidate positions in order of preference, and optionally shorter
wordings) and :func:`place` picks, label by label, the first wording and
position whose box is inside the plot and clear of everything placed before
(markers, bars, the legend, event lines are passed as obstacles).
Text size is estimated from the character count, which is close enough for
the house font at 11–12 px.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Average advance of one character of the house font, as a share of its size.
_CHAR_EM = 0.56
_LINE_EM = 1.3


@dataclass(frozen=True)
class Box:
    """An axis-aligned box in plot pixels (origin bottom-left, y up)."""

    left: float
    bottom: float
    right: float
    top: float

    def overlap(self, other: Box) -> float:
        """Return the area shared with ``other`` (0 when apart)."""
        w = min(self.right, other.right) - max(self.left, other.left)
        h = min(self.top, other.top) - max(self.bottom, other.bottom)
        return w * h if w > 0 and h > 0 else 0.0

    def pad(self, px: float) -> Box:
        """Return the box grown by ``px`` on every side."""
        return Box(self.left - px, self.bottom - px, self.right + px, self.top + px)


@dataclass(frozen=True)
class Spot:
    """One candidate position: plotly anchors and a pixel shift from the anchor point."""

    xanchor: str
    yanchor: str
    xshift: float = 0
    yshift: float = 0


#: Candidates around a point marker, best first. The diagonal shifts keep the
#: corner of the text off the marker (half of 11 px) and the 2 px padding.
AROUND = (
    Spot("left", "middle", 9, 0),
    Spot("right", "middle", -9, 0),
    Spot("left", "bottom", 8, 8),
    Spot("left", "top", 8, -8),
    Spot("right", "bottom", -8, 8),
    Spot("right", "top", -8, -8),
    Spot("center", "bottom", 0, 9),
    Spot("center", "top", 0, -9),
)


@dataclass
class Label:
    """A label to place: its anchor (pixels), its text and where it may go.

    ``shorter`` holds other wordings of the same label (fewer or narrower
    lines), tried in order only when ``text`` fits nowhere.
    """

    x_px: float
    y_px: float
    text: str
    spots: tuple[Spot, ...] = AROUND
    font_size: float = 12
    shorter: tuple[str, ...] = ()
    chosen: Spot | None = field(default=None, init=False)
    chosen_text: str | None = field(default=None, init=False)
    crosses_line: bool = field(default=False, init=False)

    def size(self, text: str | None = None) -> tuple[float, float]:
        """Return the estimated (width, height) of ``text`` (default: the chosen wording) in pixels."""
        lines = (text or self.chosen_text or self.text).split("<br>")
        longest = max(len(_visible(line)) for line in lines)
        return longest * self.font_size * _CHAR_EM, len(lines) * self.font_size * _LINE_EM

    def box(self, spot: Spot, text: str | None = None) -> Box:
        """Return the box ``text`` (default: the chosen wording) covers when drawn at ``spot``."""
        width, height = self.size(text)
        x = self.x_px + spot.xshift
        y = self.y_px + spot.yshift
        left = {"left": x, "right": x - width, "center": x - width / 2}[spot.xanchor]
        bottom = {"bottom": y, "top": y - height, "middle": y - height / 2}[spot.yanchor]
        return Box(left, bottom, left + width, bottom + height)


def _visible(text: str) -> str:
    """Return the text as drawn: markup tags dropped, entities counted as one character."""
    out, inside = [], False
    for char in text:
        if char == "<":
            inside = True
        elif char == ">":
            inside = False
        elif not inside:
            out.append(char)
    visible = "".join(out)
    for entity in ("&amp;", "&lt;", "&gt;"):
        visible = visible.replace(entity, "&")
    return visible


def place(labels: list[Label], plot: Box, obstacles: list[Box] = (), lines: list[Box] = ()) -> list[Label]:
    """Choose a spot for each label; return the labels.

    Labels are placed one by one, each at the first (wording, spot) that
    stays inside ``plot`` and clear of the obstacles and of the labels
    already placed (or, if none is clear, at the one with the least overlap);
    a shorter wording is tried only when the full text fits nowhere. Three
    orders are tried (as given, reversed, largest first) and the one with the
    least total overlap is kept. The result is in ``label.chosen`` and
    ``label.chosen_text``; ``label.box(label.chosen)`` is the box it covers.

    ``lines`` are thin obstacles (dotted event lines): kept clear of when
    possible, at a quarter of the cost of other overlaps; a label that has
    to cross one gets ``label.crosses_line`` so that it can be drawn on a
    background that hides the line.
    """
    orders = [labels, labels[::-1], sorted(labels, key=lambda lb: -lb.size()[0] * lb.size()[1])]
    best_choice, best_cost = None, float("inf")
    for order in orders:
        choice, cost = _greedy(order, plot, obstacles, lines)
        if cost < best_cost:
            best_choice, best_cost = choice, cost
        if cost == 0:
            break
    for label in labels:
        label.chosen_text, label.chosen = best_choice[id(label)]
        box = label.box(label.chosen)
        label.crosses_line = any(box.overlap(line) > 0 for line in lines)
    return labels


def _greedy(order: list[Label], plot: Box, obstacles, lines) -> tuple[dict[int, tuple[str, Spot]], float]:
    taken = [o.pad(2) for o in obstacles]
    thin = [line.pad(2) for line in lines]
    chosen, total = {}, 0.0
    for label in order:
        best, best_cost = (label.text, label.spots[0]), float("inf")
        for text in (label.text, *label.shorter):
            for spot in label.spots:
                box = label.box(spot, text)
                cost = (
                    _outside(box, plot) * 10
                    + sum(box.overlap(t) for t in taken)
                    + sum(box.overlap(t) for t in thin) / 4
                )
                if cost < best_cost:
                    best, best_cost = (text, spot), cost
                if cost == 0:
                    break
            if best_cost == 0:
                break
        chosen[id(label)] = best
        total += best_cost
        taken.append(label.box(best[1], best[0]).pad(2))
    return chosen, total


def _outside(box: Box, plot: Box) -> float:
    whole = (box.right - box.left) * (box.top - box.bottom)
    return whole - box.overlap(plot)
