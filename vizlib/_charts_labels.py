"""Place direct labels on a chart so that they neither collide nor leave the plot.

plotly draws annotations where it is told and does not avoid overlaps, so
the chart builders describe each label (anchor point in pixels, text, a few
candidate positions in order of preference) and :func:`place` picks, label
by label, the first candidate whose box is inside the plot and clear of
everything placed before (markers, bars, the legend are passed as obstacles).
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


#: Candidates around a point marker, best first.
AROUND = (
    Spot("left", "middle", 9, 0),
    Spot("right", "middle", -9, 0),
    Spot("left", "bottom", 5, 5),
    Spot("left", "top", 5, -5),
    Spot("right", "bottom", -5, 5),
    Spot("right", "top", -5, -5),
    Spot("center", "bottom", 0, 9),
    Spot("center", "top", 0, -9),
)


@dataclass
class Label:
    """A label to place: its anchor (pixels), its text and where it may go."""

    x_px: float
    y_px: float
    text: str
    spots: tuple[Spot, ...] = AROUND
    font_size: float = 12
    chosen: Spot | None = field(default=None, init=False)

    def size(self) -> tuple[float, float]:
        """Return the estimated (width, height) of the text in pixels."""
        lines = self.text.split("<br>")
        longest = max(len(_visible(line)) for line in lines)
        return longest * self.font_size * _CHAR_EM, len(lines) * self.font_size * _LINE_EM

    def box(self, spot: Spot) -> Box:
        """Return the box the text covers when drawn at ``spot``."""
        width, height = self.size()
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


def place(labels: list[Label], plot: Box, obstacles: list[Box] = ()) -> list[Label]:
    """Choose a spot for each label; return the labels.

    Labels are placed one by one, each at its first spot that stays inside
    ``plot`` and clear of the obstacles and of the labels already placed (or,
    if none is clear, at the spot with the least overlap). Three orders are
    tried (as given, reversed, largest first) and the one with the least
    total overlap is kept.
    """
    orders = [labels, labels[::-1], sorted(labels, key=lambda lb: -lb.size()[0] * lb.size()[1])]
    best_spots, best_cost = None, float("inf")
    for order in orders:
        spots, cost = _greedy(order, plot, obstacles)
        if cost < best_cost:
            best_spots, best_cost = spots, cost
        if cost == 0:
            break
    for label in labels:
        label.chosen = best_spots[id(label)]
    return labels


def _greedy(order: list[Label], plot: Box, obstacles) -> tuple[dict[int, Spot], float]:
    taken = [o.pad(2) for o in obstacles]
    chosen, total = {}, 0.0
    for label in order:
        best, best_cost = label.spots[0], float("inf")
        for spot in label.spots:
            box = label.box(spot)
            cost = _outside(box, plot) * 10 + sum(box.overlap(t) for t in taken)
            if cost < best_cost:
                best, best_cost = spot, cost
            if cost == 0:
                break
        chosen[id(label)] = best
        total += best_cost
        taken.append(label.box(best).pad(2))
    return chosen, total


def _outside(box: Box, plot: Box) -> float:
    whole = (box.right - box.left) * (box.top - box.bottom)
    return whole - box.overlap(plot)
