"""Ranges, ticks and axis styles of the charts."""

from __future__ import annotations

from typing import Any

import pandas as pd

from vizlib import _text, i18n, theme
from vizlib.i18n import Words

#: Figures narrower than this (CSS px) are laid out for a phone (:data:`vizlib.theme.PHONE_PX`).
PHONE_PX = theme.PHONE_PX
#: plotly.js grows a margin (and moves the whole plot) when a tick label comes closer than this to the
#: figure's edge; margins are set wide enough that it never does, so labels placed in pixels stay put.
AUTOMARGIN_PAD = 12
#: The side margins of a figure wider than a phone (room for a y tick label like ``80k``).
_SIDES = (56, 32)


def date_range(dates: Any, pad_days: tuple[int, int] = (5, 5)) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Return an x range around ``dates``, starting no later than the first of the first month."""
    dates = [d for d in dates if pd.notna(d)]
    low, high = pd.Timestamp(min(dates)), pd.Timestamp(max(dates))
    start = min(low - pd.Timedelta(days=pad_days[0]), low.to_period("M").to_timestamp())
    return start, high + pd.Timedelta(days=pad_days[1])


def nice_top(value: float) -> float:
    """Round ``value`` up to a multiple of a nice tick step."""
    step = nice_step(value)
    return step * -(-value // step)


def nice_step(span: float, ticks: int = 6) -> float:
    """Return a tick step of 1, 2, 2.5 or 5 times a power of ten giving about ``ticks`` ticks."""
    raw = span / ticks
    magnitude = 10 ** (len(str(int(raw))) - 1) if raw >= 1 else 1
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def y_ticks(
    top: float, limit: float, ticks: int = 6, short: bool = True, t: Words | None = None
) -> tuple[list[float], list[str]]:
    """Return tick values up to ``limit`` and their labels (``50k`` when ``short``)."""
    t = t or i18n.words("en")
    step = nice_step(top, ticks)
    values = [i * step for i in range(int(limit // step) + 1)]
    return values, [(t.short if short else t.number)(v) for v in values]


def month_ticks(
    x_range: tuple[pd.Timestamp, pd.Timestamp], t: Words | None = None, width_px: float | None = None
) -> tuple[list, list[str]]:
    """Return the first of each month in the range, labelled ``Aug 2024``, ``Sep``, ... in the figure's language.

    Given the axis's width in pixels, every second (third, sixth) month only when the labels of
    every month would crowd each other (plotly would turn them on their side).
    """
    t = t or i18n.words("en")
    months = pd.date_range(x_range[0].to_period("M").to_timestamp(), x_range[1], freq="MS")
    months = [m for m in months if m >= x_range[0]]
    for step in (1, 2, 3, 6):
        kept = months[::step]
        text = [
            t.date(m, "month_year_short") if i == 0 or m.month == 1 else t.date(m, "month") for i, m in enumerate(kept)
        ]
        if width_px is None or _apart(kept, text, x_range, width_px):
            break
    return kept, text


def _apart(ticks: list, text: list[str], x_range: tuple[pd.Timestamp, pd.Timestamp], width_px: float) -> bool:
    """Tell whether tick labels along an axis ``width_px`` wide keep 10 px apart."""
    per_day = width_px / ((x_range[1] - x_range[0]) / pd.Timedelta(days=1))
    widths = [_text.text_size(label, 12)[0] for label in text]
    return all(
        (b - a) / pd.Timedelta(days=1) * per_day >= (wa + wb) / 2 + 10
        for a, b, wa, wb in zip(ticks, ticks[1:], widths, widths[1:], strict=False)
    )


def style(
    cv: Any,
    x_range: Any,
    y_top: float,
    y_limit: float | None = None,
    unit: str = "",
    y_ticks_n: int = 6,
    short: bool = True,
    width_px: float | None = None,
    **where: Any,
) -> None:
    """Style a panel's axes: month ticks on x, nice ticks on y (the top one with the unit).

    Given the panel's width ``width_px``, months are labelled no closer than their labels allow.
    """
    ticks, text = month_ticks(x_range, cv.t, width_px)
    cv.fig.update_xaxes(range=list(x_range), tickvals=ticks, ticktext=text, showline=True, **where)
    values, labels = y_labels(y_top, y_limit, unit, y_ticks_n, short, cv.t)
    cv.fig.update_yaxes(range=[0, y_top], tickvals=values, ticktext=labels, showline=False, zeroline=True, **where)


def y_labels(
    y_top: float,
    y_limit: float | None = None,
    unit: str = "",
    y_ticks_n: int = 6,
    short: bool = True,
    t: Words | None = None,
) -> tuple[list[float], list[str]]:
    """Return the y ticks :func:`style` draws: nice values up to ``y_limit``, the top one with the unit."""
    values, labels = y_ticks(y_top, y_limit if y_limit is not None else y_top * 0.86, y_ticks_n, short, t)
    if unit:
        labels[-1] = f"{labels[-1]} {unit}"
    return values, labels


def sides(width: int, y_labels: Any = (), x_labels: Any = ()) -> tuple[int, int]:
    """Return the left and right margins (px) that hold a chart's tick labels.

    A phone's margins are just wide enough for the widest y tick label and for half the first
    and last x tick labels (centred on ticks near the plot's edges), plus plotly's pad; wider
    figures keep at least the house margins.

    Parameters
    ----------
    width : int
        The figure's width in CSS pixels.
    y_labels, x_labels : sequence of str
        Tick labels of the y axis (left of the plot) and of the x axis, in tick order (the last
        one at the plot's right edge; give the first only when none is).
    """
    widest = max((_text.text_size(label, 12)[0] for label in y_labels), default=0)
    first = _text.text_size(x_labels[0], 12)[0] / 2 if len(x_labels) else 0
    last = _text.text_size(x_labels[-1], 12)[0] / 2 if len(x_labels) > 1 else 0
    left, right = round(AUTOMARGIN_PAD + max(widest, first) + 1), round(AUTOMARGIN_PAD + last + 1)
    if width < PHONE_PX:
        return left, right
    return max(left, _SIDES[0]), max(right, _SIDES[1])
