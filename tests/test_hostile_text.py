"""Hostile text in user data: markup in claimants, notes, sites quoted via, event titles and place names.

Charts and a map are built from user DataFrames whose text holds ``<script>``,
``<img onerror=...>`` and ``javascript:`` links (the places keep their real
coordinates, so each stays inside its oblast), and exported to every format
once (the troops chart also as a responsive page carrying four layouts). The
markup must come out as text everywhere: literal characters in the SVG, HTML
(the page, its layouts' JSON, the embed snippet), CSV, JSON and PDF, never an
element; and in a real browser nothing runs, not even when every mark is
hovered (hover labels show the text too).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pandas as pd
import pytest
from helpers import drawn, looks_drawn, plain, visit

from vizlib import charts, data, export, maps

pytestmark = pytest.mark.browser

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
LINK = '<a href="javascript:alert(1)">click</a>'
PUBLICATION = "<b onmouseover=alert`1`>The Herald</b>"  # one publication: no brackets, commas or semicolons
PAYLOADS = (SCRIPT, IMG, LINK, PUBLICATION)
#: What the payloads must never become: markup that runs or loads (as text, ``javascript:`` is harmless).
MARKUP = re.compile(r"<\s*(script|img|a|iframe|svg)\b", re.IGNORECASE)


def hostile_claims() -> pd.DataFrame:
    """The bundled claims with a payload as one claimant, one "via" and one note of every subject group.

    The last two rows drawn of each group carry them (the first rows share their day with other claims,
    so their markers sit under others'); one North Korean claim's publication is hostile too.
    """
    claims = data.claims()
    drawn = pd.to_datetime(claims.claim_date) <= pd.Timestamp(data.DEFAULT_AS_OF)
    groups = {
        SCRIPT: drawn & (claims.subject == "ru_troops_kursk"),
        IMG: drawn & claims.subject.isin(["nk_troops_russia", "nk_troops_kursk"]),
        LINK: drawn & (claims.subject == "ua_held_area_kursk"),
    }
    for payload, rows in groups.items():
        first, second = claims.index[rows][-2:]
        claims.loc[first, "claimant"] = payload
        claims.loc[second, ["via", "note"]] = payload
    claims.loc[claims.index[groups[IMG]][0], "publication"] = PUBLICATION
    return claims


def hostile_places() -> pd.DataFrame:
    places = data.places()
    for place_id, payload in (("sudzha", IMG), ("korenevo", SCRIPT), ("kursk", LINK)):
        places.loc[places.id == place_id, "name"] = payload
    return places


def hostile_events() -> pd.DataFrame:
    events = data.events()
    events.loc[events.id == "incursion_start", "title"] = LINK
    events.loc[events.id == "sudzha_taken", "description"] = SCRIPT + " " + IMG
    return events


def build() -> dict:
    claims, events = hostile_claims(), hostile_events()
    return {
        "troops": charts.troops_kursk(claims, events),
        "north-korea": charts.north_korea(claims),
        "area": charts.kursk_area(claims),
        "timeline": charts.timeline(events),
        "map": maps.kursk(places=hostile_places()),
    }


def troops_layouts() -> dict:
    """The troops chart in the phone and wide layouts, light and dark, for a responsive page."""
    claims, events = hostile_claims(), hostile_events()
    sizes, themes = ("phone", "wide"), ("light", "dark")
    return {(s, t): charts.troops_kursk(claims, events, size=s, theme=t) for s in sizes for t in themes}


@pytest.fixture(scope="module")
def exported(local_server):
    figs = build()
    out = local_server.root / "hostile"
    written = export.save_many(
        figs, out, export.FORMATS, html="shared", progress=False, layouts={"troops": troops_layouts()}
    )
    # each format, the embed snippet beside the page, the CSV and the manifest
    assert sum(len(files) for files in written.values()) == len(figs) * (len(export.FORMATS) + 3)
    assert len(json.loads((out / "troops.json").read_text(encoding="utf-8"))["layouts"]) == 4
    return figs, out


def hostile_labels(fig) -> list[str]:
    """The figure's labels (trace text, annotations) that carry escaped markup."""
    texts = [t for tr in fig.data if "text" in (getattr(tr, "mode", None) or "") for t in (tr.text or ()) if t]
    return [t for t in [*texts, *(a.text for a in fig.layout.annotations if a.text)] if "&lt;" in t]


def test_the_data_is_valid_and_the_places_stay_in_their_oblast():
    places = data.places(hostile_places())  # validation includes the town-in-oblast check
    assert set(places.loc[places.id.isin(["sudzha", "korenevo", "kursk"]), "iso_3166_2"]) == {"RU-KRS"}
    assert (data.claims(hostile_claims()).claimant == SCRIPT).sum() == 1


def test_builders_escape_the_markup_in_every_label(exported):
    figs, _ = exported
    for name, fig in figs.items():
        labels = hostile_labels(fig)
        assert labels, f"{name}: no payload reached a label; the test would prove nothing"
        for trace in fig.data:
            for value in (
                trace.name,
                *(getattr(trace, "text", None) or ()),
                *(getattr(trace, "hovertext", None) or ()),
            ):
                assert not MARKUP.search(str(value)), (name, value)


# --- files -----------------------------------------------------------------------------------------------------------


def test_svg_shows_the_markup_as_text_and_holds_no_active_element(exported):
    figs, out = exported
    for name, fig in figs.items():
        root = ET.parse(out / f"{name}.svg").getroot()
        tags = {el.tag.rsplit("}", 1)[-1] for el in root.iter()}
        assert not tags & {"script", "img", "image", "a", "foreignObject", "iframe"}, (name, tags)
        for el in root.iter():
            for attr, value in el.attrib.items():
                assert not attr.startswith("on") and "javascript:" not in value, (name, el.tag, attr)
        text = "".join("".join(root.itertext()).split())
        missing = [label for label in hostile_labels(fig) if plain(label) not in text]
        assert missing == [], (name, missing)
        assert hostile_labels(fig), name  # the payload reached the drawing, so the check above means something


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_html_page_has_only_its_own_markup(exported):
    figs, out = exported
    for name, fig in figs.items():
        text = (out / f"{name}.html").read_text(encoding="utf-8")
        elements = MARKUP.findall(text)
        # a single-layout page: plotly's config, plotly.js, the figure and the height it posts to an embedding
        # page; a responsive page (troops): its layouts (JSON), plotly.js, the height and the layout picker
        assert elements == ["script"] * 4, (name, elements)
        page = _Tags()
        page.feed(text)
        assert {tag for tag, _ in page.tags} <= {
            "html",
            "head",
            "link",  # the empty favicon, so browsers ask for none
            "meta",
            "title",
            "style",
            "body",
            "figure",
            "div",
            "script",
            "figcaption",
        }, name
        assert [a.get("src") for tag, a in page.tags if tag == "script"] == [None, export.PLOTLYJS_NAME, None, None]
        assert not any(k.startswith("on") for _, attrs in page.tags for k in attrs), name
        snippet = (out / f"{name}.embed.html").read_text(encoding="utf-8")
        assert MARKUP.findall(snippet) == ["iframe", "script"], (name, snippet)
        embed = _Tags()
        embed.feed(snippet)
        assert [tag for tag, _ in embed.tags] == ["iframe", "script"], name
        assert embed.tags[0][1]["title"] == fig.layout.meta["vizlib"]["title"], name  # the title, as text
    assert "data-layout" not in (out / "map.html").read_text(encoding="utf-8")
    assert '"themes":["light","dark"]' in (out / "troops.html").read_text(encoding="utf-8")


def test_csv_and_manifest_keep_the_text_exactly(exported):
    figs, out = exported
    expected = {"troops": SCRIPT, "north-korea": IMG, "area": LINK, "map": IMG}
    for name, payload in expected.items():
        table = pd.read_csv(out / f"{name}.csv", keep_default_na=False)
        assert (table.values == payload).any(), (name, payload)
        manifest = json.loads((out / f"{name}.json").read_text(encoding="utf-8"))
        cells = [cell for row in manifest["data"]["rows"] for cell in row]
        assert payload in cells, (name, payload)
    sources = json.loads((out / "north-korea.json").read_text(encoding="utf-8"))["sources"]
    assert {
        "name": PUBLICATION,
        "url": sources[[s["name"] for s in sources].index(PUBLICATION)]["url"],
        "licence": None,
    } in sources


def test_pdf_text_holds_the_markup_as_text(exported):
    pypdf = pytest.importorskip("pypdf")
    _, out = exported
    text = "".join(pypdf.PdfReader(out / "map.pdf").pages[0].extract_text().split())
    assert SCRIPT in text and IMG.replace(" ", "") in text


# --- a real browser ------------------------------------------------------------------------------------------------

INSPECT = """() => {
  const active = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      if (a.name.startsWith('on') || /^\\s*javascript:/i.test(a.value)) active.push(`${el.tagName} ${a.name}`);
    }
  }
  return {
    injected: Array.from(document.querySelectorAll('img, image, iframe, object, embed, a, foreignObject'))
      .map(e => e.outerHTML.slice(0, 120)),
    scripts: Array.from(document.scripts).map(s => s.src ? 'src:' + s.src.split('/').pop() : 'inline'),
    active,
    texts: Array.from(document.querySelectorAll('svg text')).map(t => t.textContent).join(''),
    aria: document.querySelector('[role=img]').getAttribute('aria-label'),
    caption: document.querySelector('figcaption').textContent,
    layout: document.querySelector('.vizlib-figure').getAttribute('data-layout'),
  };
}"""


def hover_every_mark(page) -> list[str]:
    """Move the mouse over every marker and bar; return the hover labels shown."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    boxes = page.eval_on_selector_all(
        ".point", "els => els.map(e => e.getBoundingClientRect()).map(r => [r.x + r.width / 2, r.y + r.height / 2])"
    )
    labels = []
    shown = "() => document.querySelector('.hoverlayer').textContent"
    for x, y in boxes:
        page.mouse.move(0, 0)  # the last mark's label goes first, so that the next one read is this mark's own
        page.wait_for_function(f"() => !({shown})()", timeout=2000)
        page.mouse.move(x, y)
        try:  # plotly draws the hover label on its next frame; a busy machine takes a while
            page.wait_for_function(shown, timeout=1000)
        except PlaywrightTimeout:  # a mark with no hover label
            pass
        labels.append(page.eval_on_selector(".hoverlayer", "el => el.textContent"))
    page.mouse.move(0, 0)
    return [label for label in labels if label]


@pytest.mark.parametrize("how", ["file", "http"])
def test_nothing_runs_in_the_browser(browser, local_server, exported, how):
    figs, out = exported
    context = browser.new_context(viewport={"width": 1000, "height": 720})
    page = context.new_page()
    hovered: dict[str, list[str]] = {}
    try:
        for name, fig in figs.items():
            path = out / f"{name}.html"
            url = path.as_uri() if how == "file" else local_server.url(path)
            found: dict = {}

            def act(p, name=name, found=found):
                hovered[name] = hover_every_mark(p)
                found.update(p.evaluate(INSPECT))

            record, shot = visit(page, url, act)
            assert record.dialogs == [], (name, record.dialogs)
            assert record.page_errors == [] and record.console_errors == [], name
            assert record.remote_requests(local_server.origin) == [], (name, record.requests)
            assert found["injected"] == [] and found["active"] == [], (name, found)
            scripts = ["inline", "src:" + export.PLOTLYJS_NAME, "inline", "inline"]
            assert found["scripts"] == scripts, (name, found["scripts"])
            assert found["layout"] == ("wide" if name == "troops" else None), (name, found["layout"])
            missing = [label for label in hostile_labels(fig) if plain(label) not in "".join(found["texts"].split())]
            assert missing == [], (name, missing)
            info = fig.layout.meta["vizlib"]
            assert found["aria"] == info["alt"] and info["source_line"] in found["caption"], name
            assert looks_drawn(shot), (name, drawn(shot))
    finally:
        context.close()
    # hovering really showed the payloads, as text
    shown = "".join("".join(label for labels in hovered.values() for label in labels).split())
    assert SCRIPT in shown and IMG.replace(" ", "") in shown, {k: v[:3] for k, v in hovered.items()}
    assert all(hovered[name] for name in figs), {name: len(labels) for name, labels in hovered.items()}
