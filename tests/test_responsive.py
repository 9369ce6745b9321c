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

import json
import re

import pytest
from click.testing import CliRunner
from helpers import drawn, looks_drawn

from vizlib import export, registry, theme
from vizlib.cli import main

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
def test_page_draws_the_layout_that_fits_in_the_readers_theme(tabs, site, local_server, slug, width, scheme):
    page = tabs[scheme]
    state = open_page(page, local_server.url(site / f"{slug}.html"), width)
    expected_size = WIDTHS[width]
    assert (state["layout"], state["theme"]) == (expected_size, scheme)
    assert state["background"] == state["rootBackground"] == rgb(theme.colors(scheme)["background"])
    assert state["svgWidth"] == registry.build(slug, size=expected_size).layout.width  # drawn at its design size

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


def test_a_resize_switches_the_layout_without_loading_plotlyjs_again(tabs, site, local_server):
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
        assert state["svgWidth"] == registry.build("troops-kursk", size="phone").layout.width
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
def test_embed_takes_the_pages_height_in_a_host_of_another_width(tabs, site, local_server, slug):
    snippet = (site / f"{slug}.embed.html").read_text(encoding="utf-8")
    host = site / f"host-{slug}.html"
    host.write_text(HOST.format(snippet=snippet), encoding="utf-8")
    wide = next(r for r in json.loads((site / f"{slug}.json").read_text())["layouts"] if r["size"] == "wide")
    column = registry.build(slug, size="column").layout.height
    phone = registry.build(slug, size="phone").layout.height
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


def test_a_single_layout_page_posts_its_height_too(tabs, site, local_server):
    """A figure saved without layouts (a user's own) scales to its frame; the embed still takes its height."""
    fig = registry.build("troops-kursk")
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

#: A social card is 1200 px wide but a feed shows it ~400 CSS px wide on a phone (a third). Type
#: reads from ~12 px, so the title must be drawn at >= 36 px: 3 % of the card's width.
SOCIAL_TITLE_SHARE = 0.03


@pytest.mark.xfail(
    strict=True,
    reason="the social preset keeps the article's 20 px title (1.7 % of 1200 px); feed-sized type is not built yet",
)
def test_social_card_title_is_large_enough_for_a_feed(tabs, local_server):
    fig = registry.build("kursk", size="social")
    out = local_server.root / "social"
    export.save(fig, out, ("html",), layouts={("social", "light"): fig})
    page = tabs["light"]
    open_page(page, local_server.url(out / "kursk.html"), fig.layout.width)
    title = page.evaluate(
        """() => { const t = document.querySelector('.gtitle');
          return {size: parseFloat(getComputedStyle(t).fontSize), height: t.getBoundingClientRect().height}; }"""
    )
    assert title["size"] / fig.layout.width >= SOCIAL_TITLE_SHARE, title
