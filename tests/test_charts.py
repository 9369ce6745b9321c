"""Specs of the four charts: every claim drawn once with its source, ranges, events, metadata."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest
from chart_boxes import annotation_boxes, point

from vizlib import DataError, charts, data, fmt, meta, registry, theme
from vizlib._labels import Box, Label, Spot, place

CLAIM_COLUMNS = list(data.claims().columns)
SUBJECTS = {
    "troops_kursk": ("ru_troops_kursk", "ru_nk_troops_kursk"),
    "north_korea": ("nk_troops_russia", "nk_troops_kursk"),
    "kursk_area": ("ua_held_area_kursk",),
}


@pytest.fixture(scope="module")
def built(built_figure) -> dict[str, go.Figure]:
    return {name: built_figure(name.replace("_", "-")) for name in ("troops_kursk", "north_korea", "kursk_area", "timeline")}


def claim_rows(fig: go.Figure) -> list[tuple[str, str, list]]:
    """Return (trace xaxis, claim id, customdata row) for every claim mark in the figure."""
    out = []
    for trace in fig.data:
        for row in trace.customdata if trace.customdata is not None else ():
            out.append((trace.xaxis or "x", row[0], list(row)))
    return out


def write_claims(path: Path, rows: list[dict]) -> Path:
    base = {
        "subject": "ru_troops_kursk",
        "unit": "troops",
        "basis": "count",
        "bound": "exact",
        "attribution": "stated",
        "claimant_side": "UA",
        "source_url": "https://example.org/claim",
        "note": "",
        "via": "",
    }
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=CLAIM_COLUMNS)
        writer.writeheader()
        for row in rows:
            row = {**base, **row}
            row.setdefault("refers_to", row["claim_date"])
            if row["low"] != row["high"] and row["bound"] == "exact":
                row["bound"] = "range"
            writer.writerow(row)
    return path


# ------------------------------------------------------------ claims drawn


@pytest.mark.parametrize("name", ["troops_kursk", "kursk_area"])
def test_every_claim_of_the_subject_is_drawn_once_with_its_claimant(built, name):
    fig = built[name]
    expected = data.claims(as_of=data.DEFAULT_AS_OF)
    expected = expected[expected["subject"].isin(SUBJECTS[name])]
    drawn = claim_rows(fig)
    ids = [claim_id for _, claim_id, _ in drawn]
    assert sorted(ids) == sorted(expected["id"])
    for _, claim_id, row in drawn:
        claim = expected.set_index("id").loc[claim_id]
        assert row[1] == meta.escape(claim["claimant"])
        via = f" (via {claim['via']})" if isinstance(claim["via"], str) else ""
        assert row[2] == meta.escape(claim["publication"] + via)
        assert row[3] == fmt.date(claim["claim_date"])


def test_north_korea_draws_each_claim_once_in_the_dated_panels(built):
    fig = built["north_korea"]
    expected = data.claims(as_of=data.DEFAULT_AS_OF)
    expected = expected[expected["subject"].isin(SUBJECTS["north_korea"])].set_index("id")
    dated = [(axis, claim_id, row) for axis, claim_id, row in claim_rows(fig) if axis in ("x", "x3")]
    assert sorted(claim_id for _, claim_id, _ in dated) == sorted(expected.index)
    for axis, claim_id, row in dated:
        assert row[1] == meta.escape(expected.loc[claim_id, "claimant"])
        assert axis == ("x" if expected.loc[claim_id, "subject"] == "nk_troops_russia" else "x3")
    assert "nk_casualties_nis_1219" not in {claim_id for _, claim_id, _ in claim_rows(fig)}
    # a claim published after the as-of date is left out
    assert "nk_russia_pentagon_1230" not in {claim_id for _, claim_id, _ in claim_rows(fig)}


def test_claims_are_marks_not_a_connected_series(built):
    for name in ("troops_kursk", "north_korea", "kursk_area"):
        for trace in built[name].data:
            if isinstance(trace, go.Scatter) and trace.customdata is not None:
                assert trace.mode == "markers", (name, trace.name)


def test_each_claim_is_drawn_as_it_was_said(built):
    """Ranges are bars from low to high; bounds are triangles at the bound (never a bar from 0); numbers are dots."""
    claims = data.claims().set_index("id")
    seen = {"range": 0, "at_least": 0, "up_to": 0, "point": 0}
    for name in ("troops_kursk", "north_korea"):
        for trace in built[name].data:
            if trace.customdata is None or trace.xaxis == "x2":
                continue
            for k, row in enumerate(trace.customdata):
                claim = claims.loc[row[0]]
                if claim["bound"] == "range":
                    assert isinstance(trace, go.Bar)
                    assert trace.base[k] == claim["low"] and trace.base[k] + trace.y[k] == claim["high"]
                    assert row[5] == fmt.count_range(claim["low"], claim["high"])
                    seen["range"] += 1
                elif claim["bound"] == "at_least":
                    assert isinstance(trace, go.Scatter) and trace.y[k] == claim["low"]
                    assert trace.marker.symbol[k] == "triangle-up" and row[5] == f"{fmt.count(claim['low'])}+"
                    seen["at_least"] += 1
                elif claim["bound"] == "up_to":
                    assert isinstance(trace, go.Scatter) and trace.y[k] == claim["high"]
                    assert trace.marker.symbol[k] == "triangle-down" and row[5] == f"up to {fmt.count(claim['high'])}"
                    seen["up_to"] += 1
                else:
                    assert isinstance(trace, go.Scatter) and trace.y[k] == claim["high"]
                    assert row[5] == ("~" if claim["bound"] == "about" else "") + fmt.count(claim["high"])
                    seen["point"] += 1
    # Pavliuk's "up to 4,000" and Blinken's "as many as 8,000" are upper bounds, not bars from 0
    assert seen["up_to"] == 2 and seen["at_least"] >= 3 and seen["range"] >= 3 and seen["point"] >= 10


@pytest.mark.parametrize("lang", ["en", "uk"])
@pytest.mark.parametrize("size", list(theme.SIZES))
@pytest.mark.parametrize("slug", ["troops-kursk", "north-korea"])
def test_a_ranges_bar_is_twice_as_tall_as_wide_where_its_range_allows(built_figure, slug, size, lang):
    # The Pentagon's 11,000-12,000 on the phone: a bar 8 px wide and 8 px tall read as a square, not as the key's bar.
    from vizlib._charts.marks import MARKER

    fig, bars = built_figure(slug, size=size, lang=lang), 0
    for trace in (t for t in fig.data if isinstance(t, go.Bar) and t.base is not None):  # a claim of a range
        for x, base, span, width in zip(trace.x, trace.base, trace.y, trace.width, strict=True):
            x0, top = point(fig, trace.xaxis or "x", trace.yaxis or "y", x, base + span)
            x1, bottom = point(fig, trace.xaxis or "x", trace.yaxis or "y", pd.Timestamp(x) + pd.Timedelta(
                milliseconds=width), base)
            # with its 2 px outline: at most half as tall as wide, unless at its thinnest
            drawn_wide, drawn_high = x1 - x0 + 2, bottom - top + 2
            assert 1.5 - 1e-6 <= x1 - x0 <= MARKER - 3 + 1e-6, (x, x1 - x0)
            assert drawn_wide <= max(3.5, drawn_high / 2) + 1e-6, (x, drawn_high, drawn_wide)
            bars += 1
    assert bars >= (2 if slug == "troops-kursk" else 1)  # 30,000-45,000 and 60,000-70,000; 11,000-12,000


def test_troop_claims_sit_at_the_date_they_describe(built):
    claims = data.claims().set_index("id")
    for trace in built["troops_kursk"].data:
        for x, row in zip(trace.x if trace.customdata is not None else (), trace.customdata or (), strict=True):
            refers_to = claims.loc[row[0], "refers_to"]
            # Claims about the same day may be spread side by side by at most a couple of days.
            assert abs(pd.Timestamp(x) - refers_to) <= pd.Timedelta(days=2)
    start = [
        row
        for trace in built["troops_kursk"].data
        for row in (trace.customdata or ())
        if row[0] == "ru_kursk_start_mysnyk"
    ]
    assert start[0][3] == "14 Sep 2024" and start[0][4] == "6 Aug 2024"


def test_overlapping_claims_on_one_day_are_drawn_apart(built):
    positions = {}
    for trace in built["troops_kursk"].data:
        for x, row in zip(trace.x if trace.customdata is not None else (), trace.customdata or (), strict=True):
            positions[row[0]] = pd.Timestamp(x)
    # 30,000-45,000 and 35,500 both describe 14 Sep and overlap in value.
    assert positions["ru_kursk_mysnyk_0914"] != positions["ru_kursk_mashovets_0914"]
    # 11,000 and up to 4,000 describe 6 Aug but do not overlap: both stay on the day.
    assert positions["ru_kursk_start_mysnyk"] == positions["ru_kursk_before_pavliuk"] == pd.Timestamp("2024-08-06")


# ------------------------------------------------------------------ events


def test_troop_chart_marks_the_key_events_at_their_dates(built):
    events = data.events().set_index("id")
    shapes = {s.name: s for s in built["troops_kursk"].layout.shapes if (s.name or "").startswith("event:")}
    assert set(shapes) == {f"event:{i}" for i in charts.TROOP_EVENTS}
    for name, shape in shapes.items():
        assert pd.Timestamp(shape.x0) == events.loc[name.removeprefix("event:"), "date"] == pd.Timestamp(shape.x1)
    labels = {
        a.name: a.text for a in built["troops_kursk"].layout.annotations if (a.name or "").startswith("event-label:")
    }
    assert labels["event-label:incursion_start"].startswith("6 Aug:")
    assert labels["event-label:us_election"].startswith("5 Nov:")


def test_timeline_draws_every_event_once_at_its_date(built):
    fig = built["timeline"]
    events = data.events(as_of=data.DEFAULT_AS_OF).set_index("id")
    drawn = {}
    for trace in fig.data:
        for x, row in zip(trace.x, trace.customdata, strict=True):
            assert row[0] not in drawn
            drawn[row[0]] = (pd.Timestamp(x), trace.name, row)
    assert set(drawn) == set(events.index) and "treaty_in_force" not in drawn  # 4 Dec: after the as-of date
    for event_id, (x, category, row) in drawn.items():
        assert x == events.loc[event_id, "date"]
        assert category == events.loc[event_id, "category"].capitalize()
        assert row[4] == meta.escape("Source: " + events.loc[event_id, "source"])
    labels = [a for a in fig.layout.annotations if (a.name or "").startswith("event-label:")]
    assert len(labels) == len(events)
    rows = sorted(trace_y for trace in fig.data for trace_y in trace.y)
    assert rows == list(range(len(events)))  # one row each: the four 11 Nov events never share a line
    later = charts.timeline(as_of="2024-12-31")
    assert "treaty_in_force" in {row[0] for t in later.data for row in t.customdata}


def test_a_timeline_label_never_breaks_a_number_from_its_word():
    # at 72 px, "Seoul: 3,000 / N. Koreans" broke after its number (the timeline wrapped words its own way)
    from vizlib._charts import timeline

    for width in range(60, 300, 2):
        for title in ("Seoul: 3,000 N. Koreans now in Russia", "NYT: 50,000 troops massed for Kursk"):
            lines = timeline.label_text("23 Oct", title, width).split("<br>")
            assert not any(line.endswith(",000") for line in lines), (width, lines)


@pytest.mark.parametrize("theme_name", ["light", "dark"])
def test_the_timelines_month_gridlines_stop_at_its_labels(built_figure, theme_name):
    # the gridlines ran through the words at every size (through "backs" of "Upper house backs treaty")
    fig = built_figure("timeline", size="phone", theme=theme_name)
    assert fig.layout.xaxis.showgrid
    labels = [a for a in fig.layout.annotations if (a.name or "").startswith("event-label:")]
    assert labels and {a.bgcolor for a in labels} == {fig.layout.template.layout.plot_bgcolor}


# ---------------------------------------------------------------- metadata


@pytest.mark.parametrize("name", ["troops_kursk", "north_korea", "kursk_area", "timeline"])
def test_meta_has_title_subtitle_source_line_and_the_set_s_date(built, name):
    info = meta.get(built[name])
    assert info["slug"] == name.replace("_", "-")
    assert info["title"] and info["subtitle"]
    drawn = meta.data_frame(built[name])
    assert info["as_of"] == data.DEFAULT_AS_OF.isoformat()
    date_column = "claim_date" if "claim_date" in drawn else "date"
    assert max(drawn[date_column]) <= info["as_of"]  # nothing published after the figure's date
    publications = set(drawn["publication"] if "publication" in drawn else drawn["source"])
    line = info["source_line"]
    assert len(line) <= meta.SOURCE_LINE_CHARS
    shown = [p for p in publications if p in line]
    assert shown and (len(shown) == len(publications) or line.endswith("(all sources in the data)"))
    assert {s["name"] for s in info["sources"]} >= publications  # the full list stays in the manifest
    footer = next(a.text for a in built[name].layout.annotations if a.name == "footer")
    assert f"As of {fmt.date(data.DEFAULT_AS_OF)}" in footer.replace("\u00a0", " ").replace("<br>", " ")


def test_as_of_leaves_out_later_claims_and_dates_the_figure():
    fig = charts.troops_kursk(as_of="2024-09-30")
    ids = {row[0] for t in fig.data for row in (t.customdata or ())}
    assert "ru_kursk_mysnyk_0914" in ids and "ru_kursk_zelensky_1111" not in ids
    assert "ru_kursk_before_pavliuk" not in ids  # said on 19 Nov, about 6 Aug: not known on 30 Sep
    assert meta.get(fig)["as_of"] == "2024-09-30"
    assert not any((s.name or "") == "event:zelensky_50k" for s in fig.layout.shapes)


def test_meta_data_holds_the_claims_drawn_with_their_sources(built):
    drawn = meta.data_frame(built["troops_kursk"])
    expected = data.claims(as_of=data.DEFAULT_AS_OF)
    expected = expected[expected["subject"].isin(SUBJECTS["troops_kursk"])]
    assert sorted(drawn["id"]) == sorted(expected["id"])
    assert drawn["source_url"].str.startswith("http").all()
    assert {"bound", "attribution", "via"} <= set(drawn.columns)


def test_alt_text_tells_the_news_from_the_data(built):
    alt = meta.get(built["troops_kursk"])["alt"]
    assert alt.startswith("Published claims of the Russian troops in Kursk oblast rose from")
    assert "~11,000 (Vadym Mysnyk" in alt and "up to 4,000 (Lt Gen Oleksandr Pavliuk" in alt
    assert "contradict" in alt  # two claims about the start disagree
    assert "~59,000" in alt and "moved in since the incursion" in alt
    assert "counts North Korean troops too" in alt

    nk_alt = meta.get(built["north_korea"])["alt"]
    assert "North Korean troops in Russia went from" in nk_alt and "In Kursk oblast, from" in nk_alt
    assert "New York Times reported 50,000 troops in Kursk oblast on 10 Nov 2024, 10,000+ of them" in nk_alt

    area_alt = meta.get(built["kursk_area"])["alt"]
    assert "Ukrainian claims:" in area_alt and "Russian claims:" in area_alt
    assert "computed by Online.ua" in area_alt and "without saying when" in area_alt

    timeline_alt = meta.get(built["timeline"])["alt"]
    for row in data.events(as_of=data.DEFAULT_AS_OF).itertuples():
        assert row.title in timeline_alt


# ------------------------------------------------------------ user's data


def test_a_user_claims_file_changes_the_chart(tmp_path):
    path = write_claims(
        tmp_path / "mine.csv",
        [
            dict(id="a", claim_date="2024-08-20", low=7000, high=7000, claimant="Analyst A", publication="Paper A"),
            dict(id="b", claim_date="2024-10-02", low=20000, high=26000, claimant="Analyst B", publication="Paper B"),
        ],
    )
    fig = charts.troops_kursk(claims=path)
    points = [t for t in fig.data if isinstance(t, go.Scatter) and t.customdata is not None]
    bars = [t for t in fig.data if isinstance(t, go.Bar)]
    assert [list(t.y) for t in points] == [[7000]]
    assert list(bars[0].base) == [20000] and list(bars[0].y) == [6000]
    info = meta.get(fig)
    assert "7,000" in info["alt"] and "20,000–26,000" in info["alt"]
    assert "59,000" not in info["alt"] and "11,000" not in info["alt"]
    assert "Paper A" in info["source_line"] and "Paper B" in info["source_line"]
    assert "Censor.NET" not in info["source_line"]
    assert info["as_of"] == data.DEFAULT_AS_OF.isoformat()


def test_a_user_dataframe_works_too_and_other_subjects_are_ignored():
    claims = data.claims()
    fewer = claims[claims["id"] != "ru_kursk_genstaff_1123"]
    fig = charts.troops_kursk(claims=fewer)
    ids = {row[0] for t in fig.data for row in (t.customdata or ())}
    assert "ru_kursk_genstaff_1123" not in ids and "ru_kursk_pavliuk_1119" in ids
    assert "59,000" not in meta.get(fig)["alt"]


def test_hostile_text_is_shown_as_text(tmp_path):
    hostile = "<script>alert(1)</script> & co"
    path = write_claims(
        tmp_path / "hostile.csv",
        [dict(id="x", claim_date="2024-09-01", low=9000, high=9000, claimant=hostile, publication="<b>Bold</b> News")],
    )
    fig = charts.troops_kursk(claims=path)
    rendered = [a.text for a in fig.layout.annotations] + [
        str(v) for t in fig.data for row in (t.customdata or ()) for v in row
    ]
    assert any("&lt;script&gt;" in text for text in rendered)
    assert not any("<script>" in text or "<b>Bold" in text for text in rendered)
    footer = next(a.text for a in fig.layout.annotations if a.name == "footer")
    assert "&lt;b&gt;Bold&lt;/b&gt; News" in footer.replace("\xa0", " ")  # a short name held on one line


def test_a_subject_missing_from_the_claims_is_a_clear_error(tmp_path):
    path = write_claims(
        tmp_path / "area_only.csv",
        [
            dict(
                id="a",
                subject="ua_held_area_kursk",
                unit="km2",
                claim_date="2024-08-20",
                low=500,
                high=500,
                claimant="X",
                publication="Y",
            )
        ],
    )
    with pytest.raises(DataError) as caught:
        charts.troops_kursk(claims=path)
    assert [(p.file, p.row, p.field) for p in caught.value.problems] == [("area_only.csv", None, "subject")]
    assert str(caught.value).startswith("area_only.csv: subject: no ru_troops_kursk or ru_nk_troops_kursk claims")
    with pytest.raises(DataError, match="<DataFrame>: subject: no nk_troops_russia or nk_troops_kursk claims"):
        charts.north_korea(claims=data.claims(path))
    assert len([t for t in charts.kursk_area(claims=path).data if t.customdata is not None]) == 1


# ------------------------------------------------------- chart-specific


def test_north_korea_nests_the_part_only_in_the_whole_of_the_same_report(built):
    fig = built["north_korea"]
    claims = data.claims().set_index("id")
    composition = [t for t in fig.data if t.xaxis == "x2"]
    assert composition[0].customdata[0][0] == charts.COMPOSITION_TOTAL
    assert composition[0].y[0] == claims.loc[charts.COMPOSITION_TOTAL, "high"]
    # the same New York Times report gave 50,000 in all and at least 10,000 North Koreans: one inside the other
    part = composition[1]
    assert part.customdata[0][0] == "nk_kursk_nyt_1110" and list(part.y) == [10000]
    assert part.x[0] == composition[0].x[0]
    labels = " ".join(a.text for a in fig.layout.annotations if a.name == "composition-label")
    assert "North Korean: 10,000+" in labels and "same report" in labels
    assert "Russian<br>(the rest, not<br>claimed separately)" in labels
    assert "40,000" not in labels and "40k" not in labels  # the rest is never computed


@pytest.mark.parametrize("theme_name", ["light", "dark"])
@pytest.mark.parametrize("size", ["phone", "column", "wide"])
def test_the_whole_is_a_filled_bar_not_a_hollow_one(built_figure, size, theme_name):
    """The editor's case: the whole's outline bar ("50,000 in all", a count) read as the key's "Hollow: expected or
    planned total". Filled in a neutral tint, none of the claimants' colours; a label inside it on the same tint."""
    c = theme.colors(theme_name)
    fig = built_figure("north-korea", size=size, theme=theme_name)
    (whole,) = [t for t in fig.data if t.name == "All troops in Kursk oblast (claim)"]
    claimants = {c[key] for key in theme.DATA_KEYS}
    assert whole.marker.color not in {c["background"], *claimants}, whole.marker.color
    inside = [a for a in fig.layout.annotations if a.name == "composition-label" and a.bgcolor is not None]
    assert inside and {a.bgcolor for a in inside} == {whole.marker.color}, [(a.text, a.bgcolor) for a in inside]


def test_a_part_from_another_report_stands_beside_the_whole_as_a_separate_claim():
    claims = data.claims()
    claims = claims[claims["id"] != "nk_kursk_nyt_1110"]
    fig = charts.north_korea(claims=claims)
    whole, part = [t for t in fig.data if t.xaxis == "x2" and isinstance(t, go.Bar)]
    assert part.customdata[0][0] == "nk_kursk_pentagon_1118" and part.x[0] != whole.x[0]
    labels = " ".join(a.text for a in fig.layout.annotations if a.name == "composition-label")
    assert "separate claims" in labels and "the rest" not in labels


def test_a_claim_with_no_date_stands_apart_off_the_time_axis(built):
    fig = built["kursk_area"]
    undated = [t for t in fig.data if t.xaxis == "x2" and t.customdata is not None]
    assert [row[0] for t in undated for row in t.customdata] == ["area_peak_genstaff_1123"]
    assert undated[0].y[0] == 1376 and undated[0].customdata[0][4] == "date not given"
    dated = {row[0] for t in fig.data if t.xaxis in (None, "x") for row in (t.customdata or ())}
    assert "area_peak_genstaff_1123" not in dated
    headings = [a.text for a in fig.layout.annotations if a.name == "panel-heading"]
    assert "<b>Date not given</b>" in headings
    label = next(a.text for a in fig.layout.annotations if a.name == "undated-label")
    assert "1,376" in label and "said 23 Nov" in label


def test_a_number_the_publication_computed_is_starred_and_explained(built):
    fig = built["kursk_area"]
    labels = " ".join(a.text for a in fig.layout.annotations if a.name == "claim-label")
    assert "~480\u00a0km²*" in labels
    assert "*Derived" in meta.get(fig)["notes"] and "12 km" in meta.get(fig)["notes"]


def test_axes_read_like_a_newsroom(built):
    troops = built["troops_kursk"].layout
    assert list(troops.yaxis.ticktext[:3]) == ["0", "20k", "40k"]
    assert troops.xaxis.ticktext[0] == "Aug 2024"
    area = built["kursk_area"].layout
    assert area.yaxis.ticktext[-1].endswith(" km²") and "1,000" in area.yaxis.ticktext


@pytest.mark.parametrize("name", ["troops_kursk", "north_korea", "kursk_area", "timeline"])
def test_dark_theme_uses_the_dark_template_and_palette(name):
    fig = getattr(charts, name)(theme="dark", size="column")
    dark = theme.colors("dark")
    assert fig.layout.template.layout.paper_bgcolor == dark["background"]
    assert fig.layout.width == theme.SIZES["column"].width
    colors = {t.marker.color for t in fig.data if t.customdata is not None}
    assert colors & {dark["ukraine"], dark["north_korea"], dark["background"]}
    assert not colors & {theme.colors("light")["ukraine"]}


def test_registry_builds_the_chart_slugs(no_network):
    for slug in ("troops-kursk", "north-korea", "kursk-area", "timeline"):
        fig = registry.build(slug, size="column", theme="light")
        assert meta.get(fig)["slug"] == slug


def test_label_placer_keeps_labels_apart_and_off_the_marks():
    """Two labels anchored on the same point end up in different, non-overlapping spots."""
    around = (Spot("left", "middle", 9, 0), Spot("right", "middle", -9, 0), Spot("center", "bottom", 0, -9))
    labels = [
        Label(0, 0, (text,), around, required=True, annotation=True, clearance=2)
        for text in ("<b>11,000</b><br>Mysnyk", "<b>0–4,000</b><br>Pavliuk")
    ]
    place(labels, Box(-200, -200, 200, 200), [Box(-6, -6, 6, 6)])
    first, second = (label.box for label in labels)
    assert first.overlap(second) == 0
    assert first.overlap(Box(-6, -6, 6, 6)) == 0 and second.overlap(Box(-6, -6, 6, 6)) == 0


@pytest.mark.parametrize("size", ["wide", "column"])
def test_north_korea_top_panel_headings_keep_clear_of_the_subtitle(built_figure, size):
    fig = built_figure("north-korea", size=size)
    plot_height = theme.SIZES[size].height - fig.layout.margin.t - fig.layout.margin.b
    for axis in (fig.layout.yaxis, fig.layout.yaxis2):
        assert (1 - axis.domain[1]) * plot_height >= 16, axis.domain


@pytest.fixture
def placements(monkeypatch) -> list[tuple[list[Label], Box, list[Box], list[Box]]]:
    """Record every call of the label placer: its labels (after placing), plot box, obstacles and lines."""
    import vizlib._charts.events
    import vizlib._charts.labels
    import vizlib._labels

    calls = []

    def recording_place(labels, plot, obstacles=(), *, lines=(), marks=(), try_orders=False):
        placed = vizlib._labels.place(labels, plot, obstacles, lines=lines, marks=marks, try_orders=try_orders)
        calls.append((placed, plot, list(obstacles), list(lines)))
        return placed

    for module in (vizlib._charts.events, vizlib._charts.labels):
        monkeypatch.setattr(module, "place", recording_place)
    return calls


# The timeline lays its rows out itself (vizlib._charts.timeline); tests/test_phone_charts.py checks every chart's text.
@pytest.mark.parametrize(
    ("name", "size"),
    [
        (name, size)
        for name in ["troops_kursk", "north_korea", "kursk_area"]
        for size in sorted(theme.SIZES)
    ],
)
def test_placed_labels_keep_clear_of_each_other_marks_and_lines_at_every_size(placements, name, size):
    fig = getattr(charts, name)(size=size)
    assert placements, "the chart placed no labels"
    drawn = {a.text: a for a in fig.layout.annotations}
    for labels, plot, obstacles, lines in placements:
        assert all(label.placed for label in labels if label.required), "an essential label was left out"
        if theme.SIZES[size].width >= 800:  # only a narrow chart may leave a claim unlabelled (it keeps its hover)
            assert all(label.placed for label in labels), [lb.texts[0] for lb in labels if not lb.placed]
        labels = [label for label in labels if label.placed]
        boxes = [label.box for label in labels]
        for i, (label, box) in enumerate(zip(labels, boxes, strict=True)):
            assert label.text in drawn
            where = f"{name} {size}: {label.text!r}"
            assert box.inside(plot), where
            for other, other_box in zip(labels[i + 1 :], boxes[i + 1 :], strict=True):
                # a negative clearance lets edges (an annotation's invisible border pad) touch
                assert box.pad(min(label.clearance, 0)).overlap(other_box) == 0, f"{where} overlaps {other.text!r}"
            for obstacle in obstacles:
                assert box.overlap(obstacle) == 0, f"{where} overlaps {obstacle}"
            # An event line may pass behind a label only where there is no other room, and never through its text.
            if any(box.overlap(line) > 0 for line in lines):
                assert label.crosses_line and drawn[label.text].bgcolor == theme.colors("light")["background"]


def test_labels_keep_off_the_event_lines_where_there_is_room(built_figure):
    fig = built_figure("troops-kursk", size="column")
    general_staff = next(a for a in fig.layout.annotations if "59,000" in (a.text or ""))
    assert "General" in general_staff.text and general_staff.bgcolor is None


def test_a_phone_troop_chart_labels_the_troops_moved_in_over_their_own_hollow_mark(built_figure):
    """Over or under the mark cost the same (both cross the event lines): the better spot, over it, wins a tie."""
    fig = built_figure("troops-kursk", size="phone")
    shown = [a for a in fig.layout.annotations if a.visible is not False and a.text]
    moved_in, box = next((a, t.box) for a, t in zip(shown, annotation_boxes(fig), strict=True) if "59,000" in a.text)
    assert (moved_in.yanchor, moved_in.yshift) == ("bottom", 9)  # over the mark: above it, the mark under its words
    assert box.x0 < point(fig, "x", "y", moved_in.x, moved_in.y)[0] < box.x1


@pytest.mark.parametrize("size", list(theme.SIZES))
@pytest.mark.parametrize("name", ["troops_kursk", "north_korea", "kursk_area"])
def test_every_hollow_mark_has_its_key_entry(built_figure, name, size):
    # the largest area held (kursk-area's undated panel) was drawn hollow with no key entry saying what hollow meant
    fig = built_figure(name.replace("_", "-"), size=size)
    drawn, unkeyed = _hollow_marks_unkeyed(fig)
    assert drawn and unkeyed == []


def _symbols(trace) -> set[str]:
    symbol = trace.marker.symbol
    return {symbol} if isinstance(symbol, str) else set(symbol)


def _hollow_marks_unkeyed(fig) -> tuple[list[str], list[str]]:
    """The names of the marks drawn hollow (filled with the background), and of those no "Hollow" key entry draws."""
    background = theme.colors("light")["background"]
    scatter = [t for t in fig.data if isinstance(t, go.Scatter) and t.marker.color == background]
    drawn = [t for t in scatter if t.customdata is not None]
    keyed = [t for t in scatter if t.showlegend is not False and t.name.startswith("Hollow")]
    return [t.name for t in drawn], [t.name for t in drawn if not any(_symbols(t) & _symbols(k) for k in keyed)]


@pytest.mark.parametrize("size", list(theme.SIZES))
def test_deepstatemaps_measure_is_drawn_as_its_key_entry_and_never_hollow(shared_frontline, size):
    """The editor's case: the measure's square was hollow, and the key's "Hollow: largest value reached" named it."""
    from vizlib.frontline import read_frontline

    path = shared_frontline / "deepstate_export_20241114.geojson"  # the article figures' layer
    if not path.is_file():
        pytest.skip("DeepStateMap's export of 14 Nov 2024 is not in ../shared")
    fig = charts.kursk_area(layer=read_frontline(path), size=size)
    (measure,) = [t for t in fig.data if t.name == "Measured on DeepStateMap"]
    (entry,) = [t for t in fig.data if t.showlegend is not False and (t.name or "").startswith("Measured on")]
    drawn, unkeyed = _hollow_marks_unkeyed(fig)
    assert "Measured on DeepStateMap" not in drawn and unkeyed == []
    for prop in ("symbol", "color", "size"):
        assert measure.marker[prop] == entry.marker[prop], prop


@pytest.mark.parametrize("lang", ["en", "uk"])
@pytest.mark.parametrize("size", sorted(theme.SIZES))
@pytest.mark.parametrize("name", ["troops_kursk", "north_korea", "kursk_area"])
def test_the_key_says_colour_and_shape_apart_so_a_shape_in_the_text_colour_is_not_read_as_a_joint_claim(
    name, size, lang
):
    """Colour (who) and shape (what kind of number) are two legends; the shapes' legend is headed "any colour"."""
    from chart_boxes import _one_legend

    from vizlib import i18n

    fig = getattr(charts, name)(size=size, lang=lang)
    keyed = [t for t in fig.data if t.showlegend is not False and t.name]
    who = [t for t in keyed if (t.legend or "legend") == "legend"]
    how = [t for t in keyed if t.legend == "legend2"]
    assert who and how and len(who) + len(how) == len(keyed)
    assert all(t.marker.symbol == "circle" and t.marker.line.width == 0 for t in who), "colour: plain dots only"
    text = theme.colors("light")["text"]
    assert all(t.marker.color != text for t in who) or any("joint" in t.name or "спільно" in t.name for t in who)
    # every shape drawn in the text colour stands under the heading that says a mark's colour does not matter
    assert all(t.marker.color in (text, theme.colors("light")["background"], None) for t in how)
    words = i18n.words(lang)
    heading = fig.layout.legend2.title.text.replace("<b>", "").replace("</b>", "").replace("<br>", " ")
    assert heading == words("Mark (any colour)")
    # a card without room for both headings keeps the shapes' (its dots and names say who)
    who_heading = f"<b>{words('Claimed by (colour)')}</b>"
    assert (fig.layout.legend.title.text or "") in (("", who_heading) if theme.SIZES[size].card else (who_heading,))
    # the two legends, as plotly.js lays them out, stand apart: side by side or one over the other
    (a, _), (b, _) = _one_legend(fig, "legend"), _one_legend(fig, "legend2")
    assert round(a.overlap(b), 6) == 0, (a, b)
    assert b.x0 >= a.x1 or b.y0 >= a.y1 - 1e-6, (a, b)



@pytest.mark.parametrize("at", ["start", "end"])
def test_marks_spread_side_by_side_at_a_panels_end_stay_whole_inside_it(at):
    """Four claims of one number on the last (or first) days: spread a mark's width apart, none cut at the edge."""
    from vizlib._canvas import Panel
    from vizlib._charts.marks import MARKER, dodge

    start, end = pd.Timestamp("2024-10-01"), pd.Timestamp("2024-11-30")
    panel = Panel((start, end), (0, 20_000), Box(100, 0, 250, 100))  # a card's narrow panel: 150 px for 60 days
    days = [end - pd.Timedelta(days=d) for d in (0, 1, 2, 3)] if at == "end" else [start + pd.Timedelta(days=d) for d in range(4)]
    rows = pd.DataFrame({"claim_date": days, "low": 10_000.0, "high": 10_000.0, "bound": "exact"})
    xs = sorted(panel.x(d) for d in dodge(rows, panel, "claim_date"))
    assert all(b - a >= MARKER for a, b in zip(xs, xs[1:])), xs  # side by side, not over each other
    assert xs[0] - MARKER / 2 >= panel.box.x0 and xs[-1] + MARKER / 2 <= panel.box.x1, xs



@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "Pentagon, said 4 Nov; US and Ukrainian officials, said 10 Nov"),
        ("uk", "Пентагон, заява від 4 листопада; посадовці США та України, заява від 10 листопада"),
    ],
)
def test_a_label_of_several_claimants_says_which_said_it_on_another_day(lang, said):
    """With commas only, "Pentagon, US and Ukrainian officials, said 10 Nov" read as the Pentagon's (it said 4 Nov)."""
    fig = charts.north_korea(size="wide", lang=lang)
    texts = [a.text for a in fig.layout.annotations if a.name == "claim-label"]
    assert any(said in text for text in texts), texts


@pytest.mark.parametrize("size", sorted(theme.SIZES))
@pytest.mark.parametrize("name", ["troops_kursk", "north_korea", "kursk_area"])
def test_no_backing_drawn_over_the_plot_hides_a_claims_mark(name, size):
    """The key's backing (a rectangle over the marks' layer) stood where the key was first put, not where it went."""
    from chart_boxes import point

    fig = getattr(charts, name)(size=size)
    backings = [
        s for s in fig.layout.shapes if s.layer == "above" and s.fillcolor == theme.colors("light")["background"]
    ]
    marks = [
        (t.name, point(fig, t.xaxis or "x", t.yaxis or "y", x, y))
        for t in fig.data
        if t.type == "scatter" and t.customdata is not None and t.x is not None
        for x, y in zip(t.x, t.y, strict=True)
    ]
    assert marks
    for s in backings:
        x0, y0 = point(fig, "paper", "paper", s.x0, s.y0)
        x1, y1 = point(fig, "paper", "paper", s.x1, s.y1)
        box = Box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
        hidden = [mark for mark, (x, y) in marks if box.x0 < x < box.x1 and box.y0 < y < box.y1]
        assert not hidden, (name, size, hidden)


@pytest.mark.parametrize(
    ("claimant", "side", "lang", "short"),
    [
        ("Ukrainian General Staff source", "UA", "en", "General Staff source"),
        ("Russian Defence Ministry", "RU", "en", "Defence Ministry"),
        ("South Korea's Joint Chiefs of Staff", "KR", "en", ""),  # "South Korean officials": not its start
        ("Ukrainian General Staff source", "RU", "en", ""),  # keyed in another colour: the name says whose
        ("US and Ukrainian officials", "multi", "en", ""),
        ("Ukrainian", "UA", "en", ""),  # nothing left
        ("джерело в Генштабі ЗСУ", "UA", "uk", ""),
    ],
)
def test_a_claimants_side_is_dropped_from_a_label_only_where_its_colours_key_entry_says_it(
    claimant, side, lang, short
):
    from vizlib import i18n
    from vizlib._charts.labels import _without_side

    group = pd.DataFrame({"claimant": [claimant], "claimant_side": [side]})
    assert _without_side(claimant, group, i18n.words(lang)) == short
