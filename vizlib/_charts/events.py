"""Dated events on a chart: dotted vertical lines, with short labels in lanes at the top."""

from __future__ import annotations

import pandas as pd

from vizlib import _text, meta
from vizlib._canvas import Canvas, Panel
from vizlib._frames import itertuples
from vizlib._labels import Box, Label, Spot, place
from vizlib.i18n import Words

#: Events whose lines stand closer than this (px) share one date label.
_TAG_GROUP_PX = 40
#: Type size of events' labels and of their list under a phone's chart.
LIST_FONT_PX = 11
#: Pixels kept between two events' dates in one lane, beyond their boxes (a phone's dated lines).
_DATES_GAP_PX = 8
#: Label lanes under the top of the plot, each on either side of its line, one annotation's height apart
#: (their clearance of -1 px lets the invisible border pads touch).
_LANES = tuple(
    Spot(anchor, "top", 4 if anchor == "left" else -4, 2 + 18 * lane)
    for lane in range(5)
    for anchor in ("left", "right")
)


def lines(panel: Panel, marks: pd.DataFrame) -> list[Box]:
    """Return the thin boxes of the events' lines (labels avoid crossing them)."""
    return [Box(panel.x(d) - 1, panel.box.y0, panel.x(d) + 1, panel.box.y1) for d in marks["date"]]


def _labels(
    t: Words, marks: pd.DataFrame, panel: Panel, titled: bool = True, short: bool = False
) -> list[tuple[list[str], Label]]:
    """Return the events' labels, each with the ids of the events it names.

    Titled: an event's date and title on one line, or over two or three where one has no room (``short``,
    a card's: its short title where it has one). Else its date only, and events whose lines stand closer
    than a date's width share one label (``5 Nov, 10 Nov, 11 Nov``, at the first line).
    """
    out: list[tuple[list[str], Label]] = []
    rows = list(itertuples(marks))
    groups: list[list] = []
    for row in rows:
        near = groups and not titled and panel.x(row.date) - panel.x(groups[-1][-1].date) < _TAG_GROUP_PX
        if near:
            groups[-1].append(row)
        else:
            groups.append([row])
    for group in groups:
        row = group[0]
        date, title = t.date(row.date, "day"), (short and t.field(row, "short_title")) or t.field(row, "title")
        if titled:
            wrapped = ("<br>".join(map(meta.escape, meta.wrap_chars(f"{date}: {title}", n))) for n in (30, 24))
            texts: tuple[str, ...] = tuple(dict.fromkeys((f"{date}: {meta.escape(title)}", *wrapped)))
        else:  # the months abbreviated where the whole word would take a lane more (``5, 10, 11 лист.``)
            dates = [r.date for r in group]
            texts = tuple(dict.fromkeys((_dates(t, dates), _dates(t, dates, "day_short"))))
        x, y = panel.x(row.date), panel.box.y0
        label = Label(
            x, y, texts, _LANES, size=LIST_FONT_PX, required=True, annotation=True, clearance=-1,
            # dates side by side in a lane stay a word apart, never read as one ("6 серпня 5, 11 листопада")
            spots_first=not titled, gap_x=0 if titled else _DATES_GAP_PX,
        )  # fmt: skip
        out.append(([r.id for r in group], label))
    return out


def _dates(t: Words, dates: list, form: str = "day") -> str:
    """Return ``5 Nov`` or ``5, 10, 11 Nov`` (``5, 10, 11 листопада``): days of one month share its name.

    ``form``: ``"day"``, or ``"day_short"`` for the month abbreviated in every language (``5, 10, 11 лист.``).
    """
    days = [t.date(d, form) for d in dates]
    last = pd.Timestamp(dates[-1])
    same_month = all(pd.Timestamp(d).to_period("M") == last.to_period("M") for d in dates)
    if len(dates) > 1 and same_month and all(day.startswith(f"{pd.Timestamp(d).day} ") for d, day in zip(dates, days)):
        return ", ".join(str(pd.Timestamp(d).day) for d in dates) + days[-1][len(str(last.day)) :]
    return ", ".join(days)


def label_boxes(t: Words, marks: pd.DataFrame, panel: Panel, titled: bool = True, short: bool = False) -> list[Box]:
    """Return where the events' labels go in a plot with nothing else in it (the room they need at its top)."""
    labels = [label for _, label in _labels(t, marks, panel, titled, short)]
    return [label.chosen[2] for label in place(labels, panel.box, try_orders=True)]


def listing(t: Words, marks: pd.DataFrame, width_px: float) -> list[str]:
    """Return the lines of a list of the events (``6 Aug`` in bold, then the title), wrapped to ``width_px``.

    A phone's chart marks its events' lines with their dates only and lists them under the key.
    """
    lines = []
    for row in itertuples(marks):
        date = t.date(row.date, "day").replace(" ", "\u00a0")
        wrapped = meta.wrap(f"{date}  {t.field(row, 'title')}", LIST_FONT_PX, width_px)
        lines += [f"<b>{meta.escape(date)}</b>{meta.escape(wrapped[0].removeprefix(date))}"]
        lines += [meta.escape(line) for line in wrapped[1:]]
    return lines


def listing_px(lines: list[str]) -> float:
    """Return the height of the list of events (0 for none), with a gap above it."""
    return _text.annotation_size("<br>".join(lines), LIST_FONT_PX)[1] + 4 if lines else 0


def draw_listing(cv: Canvas, lines: list[str], below_px: float) -> None:
    """Write the list of events under the plot, ``below_px`` pixels under its bottom edge, lined up with the notes."""
    left = meta.footer_x(cv.preset.width, cv.margin["l"])
    cv.annotate(
        name="event-list",
        text="<br>".join(lines),
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        xanchor="left",
        yanchor="top",
        xshift=left - cv.margin["l"],
        yshift=-below_px - 4,
        align="left",
        showarrow=False,
        font=dict(size=LIST_FONT_PX, color=cv.c["muted"]),
    )


def draw(cv: Canvas, marks: pd.DataFrame, panel: Panel, obstacles: list[Box], titled: bool = True) -> list[Box]:
    """Mark each event with a dotted line and a label (its date only, unless ``titled``); return the labels' boxes.

    A social card's labels give the events' short titles.
    """
    c, t = cv.c, cv.t
    for row in itertuples(marks):
        cv.shape(
            type="line",
            name=f"event:{row.id}",
            xref="x",
            yref="paper",
            x0=row.date,
            x1=row.date,
            y0=0,
            y1=1,
            line=dict(color=c["muted"], width=1, dash="dot"),
            layer="below",
        )
    named = _labels(t, marks, panel, titled, short=cv.preset.card)
    labels = place([label for _, label in named], panel.box, obstacles, try_orders=True)
    by_id = marks.set_index("id")["date"]
    for (ids, _), label in zip(named, labels, strict=True):
        text, spot, _ = label.chosen
        cv.annotate(
            name="event-label:" + "+".join(ids),
            text=text,
            x=by_id[ids[0]],
            xref="x",
            y=1,
            yref="paper",
            xanchor=spot.xanchor,
            yanchor="top",
            xshift=spot.dx,
            yshift=-spot.dy,
            align=spot.xanchor,
            showarrow=False,
            font=dict(size=11, color=c["muted"]),
            bgcolor=c["background"],
        )
    return [label.chosen[2] for label in labels]
