"""Ranges, ticks and axis styles of the charts."""

from __future__ import annotations

from typing import Any

import pandas as pd

from vizlib import i18n
from vizlib.i18n import Words


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


def month_ticks(x_range: tuple[pd.Timestamp, pd.Timestamp], t: Words | None = None) -> tuple[list, list[str]]:
    """Return the first of each month in the range, labelled ``Aug 2024``, ``Sep``, ... in the figure's language."""
    t = t or i18n.words("en")
    months = pd.date_range(x_range[0].to_period("M").to_timestamp(), x_range[1], freq="MS")
    months = [m for m in months if m >= x_range[0]]
    text = [t.date(m, "month_year") if i == 0 or m.month == 1 else t.date(m, "month") for i, m in enumerate(months)]
    return months, text


def style(
    cv: Any,
    x_range: Any,
    y_top: float,
    y_limit: float | None = None,
    unit: str = "",
    y_ticks_n: int = 6,
    short: bool = True,
    **where: Any,
) -> None:
    """Style a panel's axes: month ticks on x, nice ticks on y (the top one with the unit)."""
    ticks, text = month_ticks(x_range, cv.t)
    cv.fig.update_xaxes(range=list(x_range), tickvals=ticks, ticktext=text, showline=True, **where)
    values, labels = y_ticks(y_top, y_limit if y_limit is not None else y_top * 0.86, y_ticks_n, short, cv.t)
    if unit:
        labels[-1] = f"{labels[-1]} {unit}"
    cv.fig.update_yaxes(range=[0, y_top], tickvals=values, ticktext=labels, showline=False, zeroline=True, **where)
