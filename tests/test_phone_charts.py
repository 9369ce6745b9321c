"""Every chart publishable at every size preset, phone first: no text clipped, none over another.

Boxes come from :mod:`chart_boxes`: the placer's own measurement of text and plotly.js's
rules for where an annotation, a tick label, a legend entry or a title line goes.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pandas as pd
import pytest
from chart_boxes import AUTOMARGIN_PAD, Text, all_texts, annotation_boxes, legend_boxes, plot_box, point, title_boxes

from vizlib import charts, frontline, i18n, meta, theme
from vizlib._canvas import Canvas
from vizlib._charts import marks as charts_marks
from vizlib._charts import measured
from vizlib._charts.words import figure
from vizlib._labels import Box

SIZES = ("phone", "column", "wide", "social")
#: Builders and the inputs a published figure draws (kursk_area also with a measured export layer).
CHARTS = ("troops_kursk", "north_korea", "kursk_area", "kursk_area_measured", "occupied_area", "timeline")

EXPORT = Path(__file__).parent / "fixtures" / "frontline" / "deepstate_export_20240902.geojson"
#: The smallest type a chart may use, in pixels: labels, and the key.
MIN_LABEL_PX, MIN_KEY_PX = 11, 12


@pytest.fixture(scope="module")
def build(front_mirror, built_figure):
    """Build a chart at a size (and language), once per module; occupied_area reads the synthetic archive once."""
    cache: dict[tuple[str, str], object] = {}
    inputs: dict[str, object] = {}

    def get(name: str, size: str, lang: str = "en"):
        if (name, size, lang) not in cache:
            if name == "occupied_area":
                if "layers" not in inputs:
                    inputs["layers"] = frontline.history(frontline.ARCHIVE_START, "2024-11-23", freq="D")
                fig = charts.occupied_area(inputs["layers"], size=size, lang=lang)
            elif name == "kursk_area_measured":
                fig = charts.kursk_area(layer=frontline.read_frontline(EXPORT), size=size)
            else:
                fig = built_figure(name.replace("_", "-"), size=size, lang=lang)
            cache[name, size, lang] = fig
        return cache[name, size, lang]

    return get


def _figure(fig) -> Box:
    return Box(0, 0, fig.layout.width, fig.layout.height)


def _ink(text: Text) -> Box:
    """The box of the text itself: an annotation's border and pad (2 px a side) are not drawn."""
    return text.box.pad(-2) if text.kind == "annotation" else text.box


def _where(text: Text) -> str:
    return f"{text.kind} {text.name} {text.text[:60]!r} at {tuple(round(v) for v in vars(text.box).values())}"


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", CHARTS)
def test_every_text_lies_inside_the_figure(build, name, size):
    fig = build(name, size)
    figure = _figure(fig)
    outside = [_where(t) for t in all_texts(fig) if not t.box.inside(figure)]
    assert not outside, f"{name} {size}: clipped: {outside}"


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", CHARTS)
def test_no_two_texts_overlap(build, name, size):
    fig = build(name, size)
    texts = [t for t in all_texts(fig) if t.kind not in ("title", "subtitle")]  # the title block is the margin's
    clashes = [
        f"{_where(a)} / {_where(b)}" for a, b in itertools.combinations(texts, 2) if _ink(a).overlap(_ink(b)) > 0
    ]
    assert not clashes, f"{name} {size}: {clashes}"


@pytest.mark.parametrize("name", ["troops_kursk", "north_korea", "kursk_area", "timeline"])
def test_the_ukrainian_phone_edition_keeps_its_text_apart_and_inside(name):
    """Ukrainian words run longer: the phone edition still has no two texts overlapping, none outside."""
    fig = getattr(charts, name)(size="phone", lang="uk")
    texts = [t for t in all_texts(fig) if t.kind not in ("title", "subtitle")]
    clashes = [
        f"{_where(a)} / {_where(b)}" for a, b in itertools.combinations(texts, 2) if _ink(a).overlap(_ink(b)) > 0
    ]
    assert not clashes, f"{name} phone uk: {clashes}"
    outside = [_where(t) for t in all_texts(fig) if not t.box.inside(_figure(fig))]
    assert not outside, outside


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", CHARTS)
def test_the_key_fits_the_width_and_keeps_off_the_labels(build, name, size):
    fig = build(name, size)
    box, entries = legend_boxes(fig)
    if box is None:
        return
    figure = _figure(fig)
    assert box.x1 <= figure.x1 - AUTOMARGIN_PAD, f"{name} {size}: the key runs to {box.x1:.0f} of {figure.x1}"
    assert box.y1 <= figure.y1 - AUTOMARGIN_PAD, f"{name} {size}: the key runs to {box.y1:.0f} of {figure.y1}"
    under = [a for a in annotation_boxes(fig) if _ink(a).overlap(box) > 0]
    assert not under, f"{name} {size}: the key covers {[_where(a) for a in under]}"
    if size == "phone":  # a phone's key goes under the chart
        assert box.y0 >= plot_box(fig).y1, f"{name} phone: the key is inside the plot"


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", CHARTS)
def test_tick_labels_leave_plotly_no_cause_to_move_the_plot(build, name, size):
    """A tick label closer to the edge than plotly's pad makes plotly grow the margin: every label would move."""
    fig = build(name, size)
    inner = _figure(fig).pad(-AUTOMARGIN_PAD)
    near = [_where(t) for t in all_texts(fig) if t.kind in ("xtick", "ytick") and not t.box.inside(inner)]
    assert not near, f"{name} {size}: {near}"


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", CHARTS)
def test_title_subtitle_and_footer_fit_the_width(build, name, size):
    fig = build(name, size)
    width = fig.layout.width
    lines = title_boxes(fig)
    # a card (social) draws its subtitle only where it fits one line; the manifest keeps it whole
    card = theme.SIZES[size].card and len(meta.wrap(meta.get(fig)["subtitle"], 14, width * 0.96 - 8)) > 1
    assert {t.kind for t in lines} >= ({"title"} if card else {"title", "subtitle"})
    assert card or len([t for t in lines if t.kind == "subtitle"]) >= 1
    assert all(t.box.x1 <= width for t in lines), [_where(t) for t in lines if t.box.x1 > width]
    footer = next(t for t in annotation_boxes(fig) if t.name == "footer")
    assert footer.box.inside(_figure(fig)), _where(footer)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", CHARTS)
def test_type_never_shrinks_below_its_design_size(build, name, size):
    fig = build(name, size)
    small = [a.text for a in fig.layout.annotations if a.font and a.font.size and a.font.size < MIN_LABEL_PX]
    assert not small, small
    if fig.layout.legend.font.size is not None:
        assert fig.layout.legend.font.size >= MIN_KEY_PX
    # the width is the preset's; a chart whose words leave too short a plot grows taller, never shorter, and so
    # does one with a key of two parts under their headings under the plot (it keeps the plot's height)
    preset = theme.SIZES[size]
    assert fig.layout.width == preset.width and fig.layout.height >= preset.height
    plot_px = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
    headed_key_under = "legend2" in fig.layout and (fig.layout.legend.y or 0) < 0
    grown = plot_px == Canvas.MIN_PLOT_PX.get(size) or name == "north_korea" or headed_key_under
    assert fig.layout.height == preset.height or grown
    assert plot_px >= Canvas.MIN_PLOT_PX.get(size, 0)


# ---------------------------------------------------------------- what a phone gets


def test_a_phone_troop_chart_dates_its_event_lines_and_lists_the_events_under_the_key(build):
    from vizlib import data, i18n, meta

    day = i18n.words("en").date
    fig = build("troops_kursk", "phone")
    events = data.events(as_of=data.DEFAULT_AS_OF).set_index("id").loc[list(charts.TROOP_EVENTS)]
    tags = {a.name: a.text for a in fig.layout.annotations if (a.name or "").startswith("event-label:")}
    named = [i for name in tags for i in name.removeprefix("event-label:").split("+")]
    assert sorted(named) == sorted(events.index)  # every event's line is dated; close ones share a label
    for name, text in tags.items():  # "6 Aug"; events of one month share its name: "5, 10, 11 Nov"
        dates = events.loc[name.removeprefix("event-label:").split("+"), "date"]
        assert [int(part.split()[0]) for part in text.split(", ")] == [d.day for d in dates], text
        assert text.endswith(day(dates.iloc[-1], "day").split(" ", 1)[1]), text
    listing = next(a.text for a in fig.layout.annotations if a.name == "event-list")
    flat = listing.replace("<br>", " ").replace("\u00a0", " ")
    for row in events.itertuples():
        assert f"<b>{day(row.date, 'day')}</b> {meta.escape(row.title)}" in flat
    wide = build("troops_kursk", "wide")
    assert not any(a.name == "event-list" for a in wide.layout.annotations)


def test_a_phone_timeline_wraps_a_long_label_into_a_taller_row(build):
    fig = build("timeline", "phone")
    ys = {a.name: a.y for a in fig.layout.annotations if (a.name or "").startswith("event-label:")}
    texts = {a.name: a.text for a in fig.layout.annotations if (a.name or "").startswith("event-label:")}
    order = sorted(ys, key=ys.get, reverse=True)  # top to bottom
    steps = {name: ys[a] - ys[name] for a, name in zip(order, order[1:], strict=False)}
    wrapped = [name for name in order[1:] if "<br>" in texts[name]]
    single = [
        name for name in order[1:] if "<br>" not in texts[name] and "<br>" not in texts[order[order.index(name) - 1]]
    ]
    assert wrapped and single
    assert min(steps[name] for name in wrapped) > max(steps[name] for name in single)


def test_a_phone_timeline_gives_a_title_too_long_for_one_line_its_short_title(build):
    from vizlib import data

    events = data.events(as_of=data.DEFAULT_AS_OF).set_index("id")
    texts = {
        a.name.removeprefix("event-label:"): a.text
        for a in build("timeline", "phone").layout.annotations
        if (a.name or "").startswith("event-label:")
    }
    assert texts["treaty_signed"].endswith("  " + events.loc["treaty_signed", "short_title"])  # one line, short
    assert texts["kim_signs"] == "<b>11 Nov</b>  Kim signs decree"
    assert texts["us_election"].endswith("  US presidential election")  # the title fits: it stays
    wide = {
        a.name: a.text
        for a in build("timeline", "wide").layout.annotations
        if (a.name or "").startswith("event-label:")
    }
    assert wide["event-label:kim_signs"] == "<b>11 Nov</b>  Kim Jong Un signs ratification decree"


def test_a_ukrainian_phone_timeline_abbreviates_the_months_of_every_label_to_fit_its_rows(built_figure):
    fig = built_figure("timeline", size="phone", lang="uk")
    texts = [a.text for a in fig.layout.annotations if (a.name or "").startswith("event-label:")]
    dates = [text.split("</b>")[0].removeprefix("<b>") for text in texts]
    assert all(d.endswith(".") for d in dates), dates  # "11 лист.", never "11 листопада" beside "23 жовт."
    assert sum("<br>" in text for text in texts) <= 1


def test_a_timeline_without_short_titles_wraps_the_long_ones():
    from vizlib import data

    events = data.events(as_of=data.DEFAULT_AS_OF).drop(columns=["short_title", "short_title_uk"])
    texts = [
        a.text
        for a in charts.timeline(events, size="phone").layout.annotations
        if (a.name or "").startswith("event-label:")
    ]
    assert any("Kim Jong Un" in text and "<br>" in text for text in texts)


def test_the_key_under_a_phone_chart_wraps_its_entries_into_columns():
    from vizlib._charts import key as marks

    names = ["Ukrainian sources", "US and Ukrainian officials (joint)", "Up to", "Bar: a range"]
    one_column = marks.key_below(names, 300)
    assert one_column[0] == names and one_column[2] == 4 * 19 + 10
    drawn, entry, height = marks.key_below(names, 300, wrap=True)
    assert drawn[1] == "US and Ukrainian<br>officials (joint)" and height == 15.6 * 2 + 3 + 19 + 10
    assert 2 * (entry + 45) <= 300  # two columns fit the width as plotly lays them out
    wide_name = ["Measured on DeepStateMap (to the top of the dotted line: with the grey zone)"]
    assert "<br>" in marks.key_below(wide_name, 300)[0][0]  # wider than the chart: wrapped even unasked


def test_month_ticks_thin_out_where_their_labels_would_crowd():
    import pandas as pd

    from vizlib._charts import axes

    x_range = (pd.Timestamp("2024-07-28"), pd.Timestamp("2024-12-05"))
    assert axes.month_ticks(x_range, width_px=600)[1] == ["Aug 2024", "Sep", "Oct", "Nov", "Dec"]
    assert axes.month_ticks(x_range, width_px=150)[1] == ["Aug 2024", "Oct", "Dec"]


def test_a_phone_chart_s_margins_hold_its_tick_labels_and_no_more():
    from vizlib._charts import axes
    from vizlib._text import text_size

    left, right = axes.sides(360, ["0", "500", "1,500 km²"], ["Aug 2024", "Dec"])
    assert left == round(AUTOMARGIN_PAD + text_size("1,500 km²", 12)[0] + 1)
    assert right == round(AUTOMARGIN_PAD + text_size("Dec", 12)[0] / 2 + 1)
    assert axes.sides(360, ["0", "10k"], ["Oct 2024", "Dec"])[0] < 56  # a phone keeps no more room than it needs
    assert axes.sides(960, ["0", "10k"], ["Oct 2024", "Dec"]) == (56, 32)  # wider figures keep the house margins


# ---------------------------------------------------------------- what a social card gets


def test_a_troop_card_labels_its_first_last_largest_and_agreed_claims_in_large_type(build):
    from vizlib import data
    from vizlib._charts.labels import CARD_LABEL_PX

    fig = build("troops_kursk", "social")
    drawn = [a for a in fig.layout.annotations if a.name == "claim-label"]
    claims = data.claims().set_index("id")
    # 6 Aug (first), 23 Nov (last), the largest number (60,000–70,000, a range of the expected total) and the
    # 50,000 three claimants gave, as the first said it (10 Nov)
    wanted = {"ru_kursk_start_mysnyk", "ru_kursk_genstaff_1123", "ru_kursk_aim_zelensky_0913", "ru_kursk_nyt_1110"}
    figures = {f"<b>{meta.escape(figure(claims.loc[i], i18n.words('en')))}</b>" for i in wanted}
    assert len(drawn) == len(wanted) and all(any(f in a.text for a in drawn) for f in figures), [a.text for a in drawn]
    assert {a.font.size for a in drawn} == {CARD_LABEL_PX}
    assert not any((a.name or "").startswith("event-label") for a in fig.layout.annotations)  # no room for events


def test_the_north_korea_card_sets_its_dated_panels_side_by_side_and_says_the_whole_in_words(build):
    from vizlib import data

    fig = build("north_korea", "social")
    left, right = fig.layout.xaxis, fig.layout.xaxis2
    assert left.domain[1] < right.domain[0] and fig.layout.yaxis.domain == fig.layout.yaxis2.domain
    assert list(left.range) == list(right.range)  # one time axis, read across both panels
    headings = {a.text for a in fig.layout.annotations if a.name == "panel-heading"}
    assert headings == {"<b>In Russia</b>", "<b>In Kursk oblast</b>"}
    claims = data.claims().set_index("id")
    footer = next(a.text for a in fig.layout.annotations if a.name == "footer").replace("<br>", " ")
    whole, part = claims.loc[charts.COMPOSITION_TOTAL], claims.loc["nk_kursk_nyt_1110"]
    t = i18n.words("en")
    assert f"{figure(whole, t)} in all" in footer and f"North Korean: {figure(part, t)}" in footer, footer
    assert "New York Times, 10 Nov" in footer


@pytest.mark.parametrize("top", [None, 18_200, 19_312])
def test_the_measured_areas_axis_labels_its_base(top):
    # The axis does not start at zero, so its base is labelled and the ticks go up from it evenly: the Ukrainian
    # phone's events raised its top to 19,312 km², the step became 2,000 and it read 16 000, 18 000 over a bare 15 000.
    rows = pd.DataFrame({"km2": [15_749.0, 17_357.0]})  # the occupied area of Donetsk oblast, 8 Jul and 23 Nov 2024
    low, high, values, labels = measured.area_ticks(rows, i18n.words("uk"), top)
    assert 0 < low == values[0] < 15_749 and values[-1] <= high
    assert len({b - a for a, b in zip(values, values[1:])}) == 1 and len(values) >= 3
    assert labels[0] == "15\u00a0000"


def test_a_phone_dates_the_measured_areas_event_lines_and_lists_the_events_under_it(build):
    # The events' titles over a plot this narrow crossed each other's lines and hid them (drawn on the background).
    from vizlib import data

    fig, wide = build("occupied_area", "phone"), build("occupied_area", "wide")
    events = data.events().set_index("id")
    on_lines = [a for a in fig.layout.annotations if (a.name or "").startswith("event-label:")]
    assert on_lines and all(":" not in a.text and "<br>" not in a.text for a in on_lines)  # dates only
    named = [i for a in on_lines for i in a.name.removeprefix("event-label:").split("+")]
    (listed,) = [a for a in fig.layout.annotations if a.name == "event-list"]
    for ident in named:  # every event dated on a line is listed with its title
        assert meta.escape(events.loc[ident, "title"]).split()[0] in listed.text
    assert not any(a.name == "event-list" for a in wide.layout.annotations)  # a wide chart titles its lines


def _end_labels_across_event_lines(fig) -> list[tuple[str, int]]:
    """The measured area's end labels, each with the x (pixels) of an event line it stands across."""
    lines = [point(fig, "x", "y", s.x0, fig.layout.yaxis.range[0])[0] for s in fig.layout.shapes
             if (s.name or "").startswith("event:")]  # fmt: skip
    ends = [t for t in annotation_boxes(fig) if t.name == "area-label"]
    assert lines and len(ends) == 2
    return [(t.text, round(x)) for t in ends for x in lines if _ink(t).x0 < x < _ink(t).x1]


@pytest.mark.parametrize("size", SIZES)
def test_the_ukrainian_measured_areas_end_labels_cross_no_event_line_the_english_do_not(build, size):
    # "17 357 км² / 23 листопада 2024" stood over the 5 and 11 Nov lines, away from the line's end, where the
    # shorter English stood right of them: the month is now short where that keeps it clear ("23 лист. 2024")
    english = _end_labels_across_event_lines(build("occupied_area", size, "en"))
    ukrainian = _end_labels_across_event_lines(build("occupied_area", size, "uk"))
    assert len(ukrainian) <= len(english), (ukrainian, english)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", ["troops_kursk", "north_korea", "kursk_area", "kursk_area_measured"])
def test_no_claim_mark_hides_another(build, name, size):
    # On the phone, the 11,000 dot stood 9 px over the 10,000+ triangle and hid its point
    fig = build(name, size)
    marks = []
    for trace in fig.data:
        if trace.type != "scatter" or trace.customdata is None or trace.marker.size is None:
            continue
        for x, y, row in zip(trace.x, trace.y, trace.customdata, strict=True):
            centre = point(fig, trace.xaxis or "x", trace.yaxis or "y", x, y)
            marks.append(
                (
                    row[0],
                    Box(*(v - charts_marks.MARKER / 2 for v in centre), *(v + charts_marks.MARKER / 2 for v in centre)),
                )
            )
    assert len(marks) > 3
    hidden = [(a, b) for (a, box_a), (b, box_b) in itertools.combinations(marks, 2) if box_a.overlap(box_b) > 0]
    assert not hidden, f"{name} {size}: {hidden}"


@pytest.mark.parametrize("lang", ["en", "uk"])
@pytest.mark.parametrize("size", ["phone", "column"])
def test_the_whole_s_figure_stands_under_its_panel_heading_with_who_said_it(built_figure, size, lang):
    """The editor's case: on the English phone chart "50,000 in all" ended the heading's line ("All troops in Kursk
    oblast ... 50,000 in all"), read as part of the heading, its source on the line under it."""
    t = i18n.words(lang)
    fig = built_figure("north-korea", size=size, lang=lang)
    shown = [a for a in fig.layout.annotations if a.visible is not False and a.text]
    boxes = [(a, text.box) for a, text in zip(shown, annotation_boxes(fig), strict=True)]
    heading = f"<b>{t('All troops in Kursk oblast')}</b>"
    ((heading_box),) = [box for a, box in boxes if a.name == "panel-heading" and a.text == heading]
    in_all = t("{figure} in all", figure="")
    ((label, box),) = [(a, box) for a, box in boxes if a.name == "composition-label" and in_all in a.text]
    assert box.y0 >= heading_box.y1 - 2, (heading_box, box)  # the annotations' 2 px pads may touch
    assert "New York Times" in label.text and label.text.index("<b>") == 0, label.text



def test_the_north_korea_card_names_who_claimed_10000_plus_in_russia(build):
    # "10,000+" stood alone on the English card: "US State Department" is as wide as the panel's room; grey, keyed
    # "US officials", "State Department" says it
    fig = build("north_korea", "social")
    labels = [a.text.replace("\u00a0", " ") for a in fig.layout.annotations if a.name == "claim-label"]
    assert any(text.startswith("<b>10,000+</b><br>") and "State Department" in text for text in labels), labels


def test_the_troop_card_labels_the_50000_most_claimants_agree_on_where_it_has_room(build):
    # the card labelled the first (~11,000), the last (~59,000) and the largest (60,000-70,000) claims only: the
    # 50,000 three sources gave (the story's figure) was three unlabelled marks
    labels = {
        lang: [a.text.replace("\u00a0", " ") for a in build("troops_kursk", "social", lang).layout.annotations
               if a.name == "claim-label"]
        for lang in ("en", "uk")
    }  # fmt: skip
    assert any(text.startswith("<b>50,000</b> incl. North Koreans") for text in labels["en"]), labels["en"]
    assert len(labels["en"]) == 4
    # the Ukrainian qualifier is longer: there the label would stand over the 60,000-70,000 bar, and is left out
    assert not any(text.startswith("<b>50 000</b>") for text in labels["uk"]) and len(labels["uk"]) == 3


def test_the_figure_most_claimants_agree_on_is_found_across_subjects_and_bounds():
    import pandas as pd

    from vizlib._charts.labels import _agreed

    def claim(day, high, who, bound="exact"):
        return pd.DataFrame({"refers_to": [pd.Timestamp(day)], "low": [high], "high": [high], "bound": [bound],
                             "claimant": [who]})  # fmt: skip

    clusters = [[claim("2024-11-19", 50_000, "Pavliuk", "about")], [claim("2024-08-10", 11_000, "Mysnyk")],
                [claim("2024-11-10", 50_000, "US and Ukrainian officials")], [claim("2024-11-11", 50_000, "Zelensky")]]  # fmt: skip
    assert _agreed(clusters, "refers_to") == [2, 3, 0]  # first said first
    assert _agreed(clusters[:2], "refers_to") == []  # no figure given by two
    assert _agreed([[claim("2024-11-10", 9, "A")], [claim("2024-11-12", 9, "A")]], "refers_to") == []  # one claimant
