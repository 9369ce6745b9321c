"""Every exported HTML page in a real browser: from disk and from 127.0.0.1, light and dark.

Playwright drives Debian's Chromium. Each page is opened twice (file:// and
http://127.0.0.1), and each visit must: log no console or page error, request
nothing beyond the machine (every request is recorded), render the plotly SVG,
draw the map's shapes and town labels (or the chart's labels), carry its title
and alt text, and look like something (a screenshot that is not blank).

Every page shares one ``plotly.min.js`` beside it (``shared``), which the browser
keeps compiled from page to page; a map, a chart and the animation are also
exported with plotly.js embedded (``self-contained``) and visited the same two
ways. (An embedded plotly.js is compiled afresh on every page: two seconds a
visit here, and nothing in it depends on the figure.)
"""

from __future__ import annotations

import html
import json
import re

import pytest
from helpers import drawn, looks_drawn, plain, visit

from vizlib import export, meta, registry

pytestmark = pytest.mark.browser

#: The exports, each a folder: (theme, HTML mode) and the figures it holds.
EXPORTS = {
    ("light", "shared"): tuple(registry.FIGURES),
    ("dark", "shared"): tuple(registry.FIGURES),
    ("light", "self-contained"): ("theatre", "troops-kursk", "front-animation"),
}
MAPS = ("theatre", "kursk", "donetsk")
PAGES = [(theme, mode, slug) for (theme, mode), slugs in EXPORTS.items() for slug in slugs]
#: Visits grouped by origin, so one renderer keeps plotly.js compiled between pages (as a reader's browser does).
VISITS = [(how, theme, mode, slug) for how in ("file", "http") for theme, mode, slug in PAGES]
#: Towns of the story each map must label (the data may add more).
STORY_TOWNS = {
    "theatre": {"Kyiv", "Kursk", "Sudzha", "Donetsk", "Pokrovsk", "Kurakhove"},
    "kursk": {"Kursk", "Sudzha", "Korenevo"},
    "donetsk": {"Donetsk", "Pokrovsk", "Kurakhove"},
}
VIEWPORT = {"width": 1000, "height": 720}
COUNTS = {"pages": 0, "checks": 0, "requests": 0, "remote": 0}


# --- the exports ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(built_figure, local_server, front_mirror):
    """Every article figure exported as HTML: light self-contained, dark shared; the figures kept for expectations."""
    figs = {}
    for (theme, mode), slugs in EXPORTS.items():
        built = dict(zip(slugs, built_figure.many([(slug, dict(theme=theme)) for slug in slugs]), strict=True))
        export.save_many(built, local_server.root / f"{theme}-{mode}", ("html",), html=mode, progress=False)
        figs.update({(theme, slug): fig for slug, fig in built.items()})
    return figs


@pytest.fixture(scope="module")
def page(browser):
    """One tab for all visits, as a reader's: plotly.js stays cached and compiled between pages."""
    context = browser.new_context(viewport=VIEWPORT)
    yield context.new_page()
    context.close()


DOM = """() => ({
  title: document.title,
  aria: document.querySelector('.vizlib-plot[role=img]')?.getAttribute('aria-label'),
  caption: document.querySelector('figcaption')?.textContent,
  description: document.querySelector('meta[name=description]')?.content,
  svgs: Array.from(document.querySelectorAll('.main-svg')).map(s => s.getBoundingClientRect().width),
  plotTitle: document.querySelector('.gtitle')?.textContent,
  texts: Array.from(document.querySelectorAll('svg text')).map(t => t.textContent),
  fills: Array.from(document.querySelectorAll('.geo .scattergeo path.js-line'))
    .filter(p => (p.style.fill || 'none') !== 'none' && (p.getAttribute('d') || '').length > 20).length,
  scripts: document.scripts.length,
})"""


def _fill_traces(fig) -> int:
    """Filled shapes (land, oblasts, layers) with at least one point inside their map's frame."""

    def in_frame(trace) -> bool:
        geo = fig.layout[trace.geo or "geo"]
        if geo.lonaxis.range is None or geo.lataxis.range is None:
            return True
        (x0, x1), (y0, y1) = geo.lonaxis.range, geo.lataxis.range
        return any(x is not None and x0 <= x <= x1 and y0 <= y <= y1 for x, y in zip(trace.lon, trace.lat, strict=True))

    return sum(1 for t in fig.data if t.fill == "toself" and in_frame(t))


def _labels(fig) -> list[str]:
    """Every label the figure draws as text: trace text and annotations."""
    texts = [t for trace in fig.data if "text" in (getattr(trace, "mode", None) or "") for t in (trace.text or ()) if t]
    return [*texts, *(a.text for a in fig.layout.annotations if a.text)]


@pytest.mark.parametrize("how, theme, mode, slug", VISITS)
def test_page_renders_offline_with_its_content(page, local_server, site, how, theme, mode, slug):
    fig = site[(theme, slug)]
    info = meta.get(fig)
    path = local_server.root / f"{theme}-{mode}" / f"{slug}.html"
    url = path.as_uri() if how == "file" else local_server.url(path)

    dom: dict = {}
    checks: list[tuple[bool, str]] = []

    def check(ok: bool, what: str) -> None:
        checks.append((ok, what))

    record, shot = visit(page, url, lambda p: dom.update(p.evaluate(DOM)))
    COUNTS["pages"] += 1
    COUNTS["requests"] += len(record.requests)
    COUNTS["remote"] += len(record.remote_requests(local_server.origin))

    check(record.console_errors == [], f"console errors: {record.console_errors}")
    check(record.page_errors == [], f"page errors: {record.page_errors}")
    check(record.remote_requests(local_server.origin) == [], f"requests leaving the machine: {record.requests}")
    check(url in record.requests, "the page itself was recorded (the recorder works)")
    loaded = any(r.endswith(f"/{export.PLOTLYJS_NAME}") for r in record.requests)
    check(loaded == (mode == "shared"), f"plotly.js {'loaded from beside the page' if loaded else 'embedded'}")
    check(len(dom["svgs"]) >= 1 and min(dom["svgs"]) > 300, f"plotly SVG rendered: widths {dom['svgs']}")
    check(dom["title"] == info["title"], f"document title {dom['title']!r}")
    check(dom["plotTitle"] == info["title"], f"plot title {dom['plotTitle']!r}")
    check(dom["aria"] == info["alt"] == dom["description"], "alt text in aria-label and meta description")
    check(info["title"] in dom["caption"] and info["alt"] in dom["caption"], "figcaption holds title and alt text")
    check(info["source_line"] in dom["caption"], "figcaption names the sources")
    shown = "".join(plain(t) for t in dom["texts"])
    missing = [label for label in _labels(fig) if plain(label) not in shown]
    check(missing == [], f"labels missing from the DOM: {missing}")
    if slug in MAPS:
        check(dom["fills"] == _fill_traces(fig) >= 3, f"{dom['fills']} filled shapes, {_fill_traces(fig)} in the spec")
        # a name's first line (a short distance line's words stand under it: "Sudzha<br>12 km to the border")
        towns = {
            html.unescape(re.sub("<[^>]+>", "", t.split("<br>")[0])) for tr in fig.data if tr.meta == "places" for t in tr.text
        }
        towns.discard("")
        names = set(meta.data_frame(fig).name)
        check(STORY_TOWNS[slug] <= towns <= names, f"town labels {sorted(towns)} come from the data")
        unseen = sorted(town for town in towns if not any(text.startswith(town) for text in dom["texts"]))
        check(unseen == [], f"town labels missing: {unseen}")
    check(looks_drawn(shot), "screenshot looks blank: {} colours, {:.1%} off the background".format(*drawn(shot)))

    COUNTS["checks"] += len(checks)
    failed = [what for ok, what in checks if not ok]
    assert not failed, "\n".join(failed)


# --- the checks can fail ---------------------------------------------------------------------------------------------


def test_the_recorder_sees_a_request_that_would_leave_the_machine(page, local_server):
    leaky = local_server.root / "leaky.html"
    leaky.write_text(
        '<!DOCTYPE html><title>leaky</title><div class="main-svg">x</div>'
        '<img src="https://example.invalid/pixel.png"><script>console.error("boom")</script>'
    )
    record, shot = visit(page, local_server.url(leaky))
    assert record.remote_requests(local_server.origin) == ["https://example.invalid/pixel.png"]
    assert any("boom" in e for e in record.console_errors)
    assert not looks_drawn(shot), drawn(shot)  # a near-empty page fails the screenshot check


def test_a_blank_screenshot_is_recognised_as_blank(page):
    page.set_content("<body style='background:#1d1d1f'></body>")
    shot = page.screenshot(full_page=True)
    assert drawn(shot) == (1, 0.0) and not looks_drawn(shot)


def test_every_page_was_checked_both_ways(site, local_server):
    found = local_server.root.glob("*/*.html")
    pages = sorted(p.relative_to(local_server.root).as_posix() for p in found if not p.name.endswith(".embed.html"))
    assert pages == sorted(f"{theme}-{mode}/{slug}.html" for theme, mode, slug in PAGES)
    for (theme, mode), slugs in EXPORTS.items():
        manifest = json.loads((local_server.root / f"{theme}-{mode}" / f"{slugs[0]}.json").read_text())
        assert (manifest["html"] == export.PLOTLYJS_NAME) == (mode == "shared"), manifest["html"]
