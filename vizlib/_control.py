"""The rules of ``control.csv`` across rows: per place one record, its changes in date order."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from vizlib import schemas
from vizlib._files import quote
from vizlib._tables import TableSource, load_rows, to_frame
from vizlib.errors import DataError, Problem

#: Places in these countries must have a holder in the bundled record.
CONTROLLED_COUNTRIES = ("UA", "RU")


def load_changes(source: TableSource, known: set[str] | None, record_start: dt.date) -> pd.DataFrame:
    """Validate a control table and return its changes sorted by place, in file order within a place.

    ``known`` place ids also bring the coverage rules: every ``place_id`` is one of them,
    and each of them has rows. ``record_start`` is the day the record is complete from.

    Raises
    ------
    vizlib.DataError
        One problem per broken rule: the row rules first, then the rules across rows.
    """
    name, rows = load_rows(source, schemas.Control, key=None)
    problems = _order_problems(name, rows, record_start)
    if known is not None:
        problems += _coverage_problems(name, rows, known)
    if problems:
        raise DataError(problems)
    frame = to_frame(rows, schemas.Control, ("date",))
    order = frame.groupby("place_id", sort=False).cumcount()
    return frame.assign(_order=order).sort_values(["place_id", "_order"]).drop(columns="_order").reset_index(drop=True)


def controlled_places(places: pd.DataFrame, settlements: pd.DataFrame) -> set[str]:
    """Ids of the places whose holder the record must give: those in Ukraine or Russia."""
    ids = set(places.loc[places["country"].isin(CONTROLLED_COUNTRIES), "id"])
    return ids | set(settlements.loc[settlements["country"].isin(CONTROLLED_COUNTRIES), "id"])


def _order_problems(name: str, rows: list[tuple[int, schemas.Control]], record_start: dt.date) -> list[Problem]:
    """Per place: a first row from before ``record_start``, then dated changes of holder, in order."""
    problems: list[Problem] = []
    last: dict[str, tuple[int, schemas.Control]] = {}
    for line, row in rows:
        place, day = quote(row.place_id), quote(row.date.isoformat()) if row.date else None
        previous = last.get(row.place_id)
        last[row.place_id] = (line, row)
        if previous is None:
            if row.date is not None and row.date > record_start:
                message = (
                    f"{day} is after {record_start.isoformat()}: the first row of {place} must be empty "
                    f"(held from before the record) or not after {record_start.isoformat()}"
                )
                problems.append(Problem(name, line, "date", message))
            continue
        before_line, before = previous
        if row.date is None:
            problems.append(Problem(name, line, "date", f"empty, but only the first row of {place} may be undated"))
        elif before.date is not None and row.date == before.date:
            message = f"{day} is the date of row {before_line} too: {place} has one row per day"
            problems.append(Problem(name, line, "date", message))
        elif before.date is not None and row.date < before.date:
            since = f"{before.date.isoformat()} on row {before_line}"
            message = f"{day} is before {since}: dates must increase within {place}"
            problems.append(Problem(name, line, "date", message))
        elif row.controlled_by == before.controlled_by:
            message = f"{quote(row.controlled_by)} is not a change: {place} is already so on row {before_line}"
            problems.append(Problem(name, line, "controlled_by", message))
    return problems


def _coverage_problems(name: str, rows: list[tuple[int, schemas.Control]], known: set[str]) -> list[Problem]:
    """Every ``place_id`` is a known place, and every known place has rows."""
    problems = [
        Problem(name, line, "place_id", f"{quote(row.place_id)} is not a place of places.csv or settlements.csv")
        for line, row in rows
        if row.place_id not in known
    ]
    missing = sorted(known - {row.place_id for _, row in rows})
    if missing:
        problems.append(Problem(name, None, "place_id", f"no row for {', '.join(missing)}"))
    return problems
