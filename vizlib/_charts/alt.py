"""Alt text written from the data: what the chart shows, claim by claim, with who says so."""

from __future__ import annotations

import pandas as pd

from vizlib import fmt
from vizlib._charts.words import BASIS_KEYS, SIDE_NAMES, figure, who


def north_korea(rows, total, parts) -> str:
    """Describe the north-korea chart: claims in Russia and in Kursk, first to last, and the composition."""
    parts_text = []
    for subject, where in (("nk_troops_russia", "in Russia"), ("nk_troops_kursk", "in Kursk oblast")):
        panel = rows[(rows["subject"] == subject) & (rows["basis"] == "count")].sort_values("claim_date")
        if panel.empty:
            continue
        first, last = panel.iloc[0], panel.iloc[-1]
        parts_text.append(
            f"Claims of North Korean troops {where} went from {figure(first)} ({who(first['claimant'])}, "
            f"{fmt.date(first['claim_date'])}) to {figure(last)} ({who(last['claimant'])}, "
            f"{fmt.date(last['claim_date'])})."
        )
    expected = rows[rows["basis"] == "expected"]
    if not expected.empty:
        parts_text.append("Expected totals: " + _listing_by_claim(expected) + ".")
    if total is not None:
        whole = total.iloc[0]
        parts_text.append(
            f"Of the {figure(whole)} troops in Kursk oblast claimed on {fmt.date(whole['claim_date'])} by "
            f"{who(whole['claimant'])}, North Korean troops in Kursk were put at " + _listing_by_claim(parts) + "."
        )
    return " ".join(parts_text)


def _listing_by_claim(rows: pd.DataFrame) -> str:
    return "; ".join(f"{figure(r)} ({who(r.claimant)}, {fmt.date(r.claim_date)})" for r in rows.itertuples())


def kursk_area(dated: pd.DataFrame, peaks: pd.DataFrame) -> str:
    """Describe the kursk-area chart: every dated claim, and any undated peak."""
    text = "Claims of the area of Kursk oblast held by Ukrainian forces, by date: "
    text += (
        "; ".join(
            f"{figure(r)} ({who(r.claimant)}, {SIDE_NAMES[r.claimant_side].split()[0]}, {fmt.date(r.refers_to)})"
            for r in dated.itertuples()
        )
        + "."
    )
    for r in peaks.itertuples():
        text += (
            f" A peak of {figure(r)} was claimed by {who(r.claimant)} on {fmt.date(r.claim_date)},"
            " without the date of the peak."
        )
    return text


def timeline(rows: pd.DataFrame) -> str:
    """Describe the timeline: every event with its date."""
    first, last = rows.iloc[0], rows.iloc[-1]
    return (
        f"Timeline of {len(rows)} events from {fmt.date(first['date'])} ({first['title']}) to "
        f"{fmt.date(last['date'])} ({last['title']}): "
        + "; ".join(f"{fmt.date(r.date)}, {r.title}" for r in rows.itertuples())
        + "."
    )


def troops_kursk(rows: pd.DataFrame) -> str:
    """Describe the troops-kursk chart: first, highest and latest claims with who made them."""
    first_date = rows["refers_to"].min()
    first = rows[rows["refers_to"] == first_date]
    last = rows[rows["refers_to"] == rows["refers_to"].max()]
    counts = rows[rows["basis"] == "count"]
    parts = [
        f"Chart of {len(rows)} published claims of the number of Russian troops in Kursk oblast, "
        f"by {rows['claimant'].map(who).nunique()} claimants, placed at the date each number describes.",
        f"For {fmt.date(first_date)}: " + _listing(first) + ".",
    ]
    if not counts.empty:
        top = counts[counts["high"] == counts["high"].max()]
        dates = ", ".join(fmt.date(d) for d in top["refers_to"])
        parts.append(f"The highest number at one date is {figure(top.iloc[0])}, claimed for {dates}.")
    parts.append(f"The latest, for {fmt.date(last['refers_to'].iloc[0])}: " + _listing(last) + ".")
    return " ".join(parts)


def _listing(rows: pd.DataFrame) -> str:
    items = []
    for row in rows.itertuples():
        kind = "" if row.basis == "count" else f", {BASIS_KEYS[row.basis]}"
        said = "" if row.claim_date == row.refers_to else f", said on {fmt.date(row.claim_date)}"
        items.append(f"{figure(row)} ({who(row.claimant)}{said}{kind})")
    return "; ".join(items)
