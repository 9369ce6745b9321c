"""Alt text written from the data: the news a chart tells — what rose to what, who says so, what is contested."""

from __future__ import annotations

import pandas as pd

from vizlib._charts.words import claimant, figure, who
from vizlib._frames import itertuples
from vizlib.i18n import N_, Words


def _claim(row, t: Words, *, date: bool = True) -> str:
    """``about 11,000 (Vadym Mysnyk, 14 Sep 2024)``: a claim with its claimant (and date)."""
    said = f", {t.date(row.claim_date)}" if date else ""
    return f"{figure(row, t).rstrip('*')} ({who(claimant(row, t))}{said})"


def _listing(rows: pd.DataFrame, t: Words, date: bool = True) -> str:
    items = [_claim(r, t, date=date) for r in itertuples(rows)]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + t(" and ") + items[-1]


def _differ(rows: pd.DataFrame) -> bool:
    return rows[["low", "high", "bound"]].astype(str).drop_duplicates().shape[0] > 1


def troops_kursk(rows: pd.DataFrame, t: Words) -> str:
    """Describe the troops-kursk chart: the rise from the first to the latest claims, who says so, what differs."""
    present = rows[(rows["basis"] == "count") & rows["refers_to"].notna()].sort_values(["refers_to", "claim_date"])
    parts = []
    if not present.empty:
        first = present[present["refers_to"] == present["refers_to"].min()]
        last = present[present["refers_to"] == present["refers_to"].max()]
        parts.append(
            t(
                "Published claims of the Russian troops in Kursk oblast rose from {first} for {start} "
                "to {last} by {end}.",
                first=_listing(first, t),
                start=t.date(first["refers_to"].iloc[0]),
                last=_listing(last, t),
                end=t.date(last["refers_to"].iloc[0]),
            )
        )
        if _differ(first):
            parts.append(t("The claims for the start of the incursion contradict each other."))
    for basis, words in (
        ("cumulative", N_("Troops moved in since the incursion, a different number: {claims}.")),
        ("expected", N_("Russia's aim, as claimed: {claims}.")),
    ):
        kind = rows[rows["basis"] == basis]
        if not kind.empty:
            parts.append(t(words, claims=_listing(kind, t)))
    both = rows[rows["subject"] == "ru_nk_troops_kursk"]
    if not both.empty:
        parts.append(t("{claims} counts North Korean troops too.", claims=_listing(both, t)))
    return " ".join(parts)


def north_korea(
    rows: pd.DataFrame, total: pd.DataFrame | None, parts: pd.DataFrame | None, nested: bool, t: Words
) -> str:
    """Describe the north-korea chart: claims in Russia and in Kursk from first to last, and the whole."""
    text = []
    for subject, words in (
        ("nk_troops_russia", N_("Claims of North Korean troops in Russia went from {first} to {last}.")),
        ("nk_troops_kursk", N_("In Kursk oblast, from {first} to {last}.")),
    ):
        panel = rows[(rows["subject"] == subject) & (rows["basis"] == "count")].sort_values(["claim_date", "id"])
        if not panel.empty:
            first = panel[panel["claim_date"] == panel["claim_date"].min()]
            last = panel[panel["claim_date"] == panel["claim_date"].max()]
            text.append(t(words, first=_listing(first, t), last=_listing(last, t)))
    expected = rows[rows["basis"] == "expected"]
    if not expected.empty:
        text.append(t("Totals expected: {claims}.", claims=_listing(expected, t)))
    if total is not None and parts is not None:
        whole, part = total.iloc[0], parts.iloc[0]
        words = (
            N_(
                "{publication} reported {whole} troops in Kursk oblast on {date}, {part} of them North Korean, "
                "citing {who}."
            )
            if nested
            else N_(
                "{publication} reported {whole} troops in Kursk oblast on {date}; a separate claim put the North "
                "Korean troops there at {part}."
            )
        )
        text.append(
            t(
                words,
                publication=whole["publication"],
                whole=figure(whole, t),
                date=t.date(whole["claim_date"]),
                part=figure(part, t),
                who=who(claimant(whole, t)),
            )
        )
    return " ".join(text)


def kursk_area(dated: pd.DataFrame, undated: pd.DataFrame, t: Words, measured: pd.DataFrame | None = None) -> str:
    """Describe the kursk-area chart: each side's claims with dates, any claim with no date, the measurements."""
    text = [t("Claims of the area of Kursk oblast held by Ukrainian forces.")]
    for side, words in (("UA", N_("Ukrainian claims: {claims}.")), ("RU", N_("Russian claims: {claims}."))):
        mine = dated[dated["claimant_side"] == side].sort_values("refers_to")
        if not mine.empty:
            text.append(t(words, claims=_listing(mine, t)))
    derived = dated[dated["attribution"] == "derived"]
    for r in itertuples(derived):
        text.append(
            t(
                "{figure} was computed by {publication} from the claimant's own numbers.",
                figure=figure(r, t).rstrip("*"),
                publication=r.publication,
            )
        )
    for r in itertuples(undated):
        text.append(
            t(
                "{who} put the largest area held at {figure} without saying when (said {date}).",
                who=who(claimant(r, t)),
                figure=figure(r, t),
                date=t.date(r.claim_date),
            )
        )
    for r in itertuples(measured if measured is not None else pd.DataFrame()):
        text.append(
            t(
                "Measured on DeepStateMap's map of {date}: {low} km² Ukrainian-held, {high} km² with the grey zone.",
                date=t.date(r.refers_to),
                low=t.number(r.low),
                high=t.number(r.high),
            )
        )
    return " ".join(text)


def timeline(rows: pd.DataFrame, t: Words) -> str:
    """Describe the timeline: from the first to the last event, then every event with its date."""
    first, last = rows.iloc[0], rows.iloc[-1]
    return t(
        "{n} events from {first_date} ({first}) to {last_date} ({last}): {events}.",
        n=len(rows),
        first_date=t.date(first["date"]),
        first=t.field(first, "title"),
        last_date=t.date(last["date"]),
        last=t.field(last, "title"),
        events="; ".join(f"{t.date(r['date'])}, {t.field(r, 'title')}" for _, r in rows.iterrows()),
    )


def occupied_area(rows: pd.DataFrame, region: str, t: Words) -> str:
    """Describe the occupied-area chart: the first and last measured areas and the difference."""
    first, last = rows.iloc[0], rows.iloc[-1]
    return t(
        "The area of {region} oblast shown as Russian-occupied on DeepStateMap grew from {a} km² on {d1} to {b} km² "
        "on {d2}: {gain} km² more.",
        region=region,
        a=t.number(first["km2"]),
        d1=t.date(first["date"]),
        b=t.number(last["km2"]),
        d2=t.date(last["date"]),
        gain=t.number(last["km2"] - first["km2"]),
    )
