"""Our page for the batch browser, and a tab that renders figures on it (private to vizlib.export).

The page is kaleido's own (plotly.js, then kaleido_scopes.js) with one script of
ours before plotly.js and one after it. :class:`Tab` drives it over the DevTools
protocol (choreographer):

* before each figure it empties plotly.js's text-size cache (``Drawing.savedBBoxes``):
  a size remembered from an earlier plot changes the attribute order of later
  SVGs, which is why kaleido reloads its page after every image. If the cache
  overflows during a figure (plotly.js then empties it itself), the figure is
  rendered again on a fresh page, where it would have overflowed alike;
* it renders a figure once for both its SVG and its PNG: the PNG is rasterised,
  as ``Plotly.toImage`` does it, from the same SVG text ``toImage`` would produce;
* PDFs, and figures with WebGL traces, are rendered one image at a time by
  kaleido_scopes.js, as kaleido does (WebGL ones on a fresh page each); a PDF is
  printed edge to edge (:data:`PDF_PRINT`), without kaleido's margins.

The bytes are kaleido's, figure by figure, but for the PDFs' margins: tests/test_export.py
compares them.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
from dataclasses import dataclass
from typing import Any

log = logging.getLogger("vizlib.export")

#: How Chromium prints a PDF: kaleido's settings but for its 0.1 in margins, which framed the figure
#: in white and shrank it to fit (2-6 %), cutting the foot of a wide one: the page is the figure's size.
PDF_PRINT = {
    "printBackground": True,
    **{f"margin{side}": 0 for side in ("Top", "Bottom", "Left", "Right")},
    "preferCSSPageSize": True,
    "pageRanges": "1",
}
#: plotly.js releases whose ``Plotly.toImage`` the page reproduces (version prefixes).
TESTED_PLOTLYJS = ("4.1.",)
#: Trace types drawn in SVG only. A figure made of other types (WebGL: plotly.js sizes those
#: drawings by the image scale) is rendered one image per plot, on a fresh page, as kaleido does.
SVG_TRACES = frozenset(
    "bar barpolar box candlestick carpet choropleth contour contourcarpet funnel funnelarea heatmap histogram "
    "histogram2d histogram2dcontour icicle image indicator ohlc pie sankey scatter scattercarpet scattergeo "
    "scatterpolar scattersmith scatterternary sunburst table treemap violin waterfall".split()
)

# Runs before plotly.js: keeps a handle on plotly.js's Drawing module when it creates its text-size
# cache (``Drawing.savedBBoxes = {}``), so that the cache can be emptied between figures.
_BEFORE_PLOTLY = """
Object.defineProperty(Object.prototype, "savedBBoxes", {
  configurable: true,
  set(value) {
    Object.defineProperty(this, "savedBBoxes", {value, writable: true, enumerable: true, configurable: true});
    window.vizlibDrawing = this;
  },
});
"""

# Runs after plotly.js. ``render`` does what kaleido_scopes.plotly and Plotly.toImage (plotly.js 4.1) do
# for one image, once for a figure's SVG and PNG; it never throws (errors come back as ``error``).
_AFTER_PLOTLY = """
delete Object.prototype.savedBBoxes;
window.vizlib = {
  problem(tested) {
    if (!window.Plotly) return "plotly.js did not load";
    if (!tested.some((prefix) => String(Plotly.version).startsWith(prefix)))
      return "plotly.js " + Plotly.version + " is not a tested version";
    const snapshot = Plotly.Snapshot || {};
    if (!["toSVG", "svgToImg", "getRedrawFunc", "getDelay"].every((f) => typeof snapshot[f] === "function"))
      return "plotly.js has no Snapshot.toSVG/svgToImg";
    const drawing = window.vizlibDrawing;
    if (!drawing || typeof drawing.savedBBoxes !== "object" || typeof drawing.bBox !== "function")
      return "plotly.js's text-size cache was not found";
    return "";
  },
  async alone(request) {
    const drawing = window.vizlibDrawing;
    const cache = {};
    drawing.savedBBoxes = cache;  // as on a fresh page
    const response = await kaleido_scopes.plotly(JSON.parse(request));
    return {response: JSON.stringify(response), cacheEmptied: drawing.savedBBoxes !== cache};
  },
  async render(json, images) {
    const drawing = window.vizlibDrawing;
    const cache = {};
    drawing.savedBBoxes = cache;  // as on a fresh page
    try {
      const figure = JSON.parse(json);
      const first = images[0];
      const config = Object.assign({mapboxAccessToken: null, plotGlPixelRatio: first.scale * 2}, figure.config);
      const gd = document.createElement("div");
      gd.style.position = "absolute";
      gd.style.left = "-5000px";
      document.body.appendChild(gd);
      const layout = Object.assign({}, figure.layout || {}, {width: first.width, height: first.height});
      const options = Object.assign({}, config, {_exportedPlot: true, staticPlot: true, setBackground: ""});
      await Plotly.newPlot(gd, figure.data || [], layout, options);
      Plotly.Snapshot.getRedrawFunc(gd)();
      await new Promise((resolve) => setTimeout(resolve, Plotly.Snapshot.getDelay(gd._fullLayout)));
      const svg = Plotly.Snapshot.toSVG(gd, "svg", 1);
      const width = gd._fullLayout.width, height = gd._fullLayout.height;
      Plotly.purge(gd);
      document.body.removeChild(gd);
      const out = {cacheEmptied: drawing.savedBBoxes !== cache};
      for (const image of images) {
        if (image.format === "svg") {
          out.svg = svg;
          continue;
        }
        // What toSVG(gd, "png") returns: the same text without the viewBox that the "svg" format adds.
        const root = svg.slice(0, svg.indexOf(">") + 1);
        const viewBox = ' viewBox="0 0 ' + width + " " + height + '"';
        if (!root.endsWith(viewBox + ">")) return {unshared: "unexpected SVG root " + root};
        const canvas = document.createElement("canvas");
        const url = await Plotly.Snapshot.svgToImg({
          format: "png", width, height, scale: image.scale, canvas, promise: true,
          svg: root.slice(0, -viewBox.length - 1) + ">" + svg.slice(root.length),
        });
        out.png = url.replace(/^data:image\\/\\w+;base64,/, "");
      }
      return out;
    } catch (err) {
      return {error: (err && err.message) || "plotly.js error"};
    }
  },
};
"""


@dataclass(frozen=True)
class Image:
    """One image of a figure: format (``png``, ``svg`` or ``pdf``), size in CSS pixels, scale."""

    format: str
    width: float
    height: float
    scale: float

    def opts(self) -> dict[str, Any]:
        return {"format": self.format, "width": self.width, "height": self.height, "scale": self.scale}


def fast_page() -> str | None:
    """Return kaleido's page with our script before plotly.js and another before kaleido_scopes.js.

    None if kaleido's page is not shaped as expected.
    """
    from kaleido._page_generator import KJS_PATH, PageGenerator

    page = PageGenerator(mathjax=False).generate_index()  # MathJax would be fetched from a CDN
    first = page.find("<script")
    scopes = page.find(f'<script src="{KJS_PATH.as_uri()}"')
    if first < 0 or scopes <= first:
        return None
    return (
        f"{page[:first]}<script>{_BEFORE_PLOTLY}</script>\n{page[first:scopes]}"
        f"<script>{_AFTER_PLOTLY}</script>\n{page[scopes:]}"
    )


class Tab:
    """A browser tab (choreographer's) with our page, rendering one figure at a time.

    ``shared`` False renders every image alone on a fresh page: kaleido's way,
    for a page whose plotly.js was not tested here.
    """

    def __init__(self, tab: Any):
        self.tab = tab
        self.shared = True
        self.cache_used = False  # plotly.js's text-size cache holds sizes from an earlier plot
        self.page_used = False  # the page changed otherwise (a failed plot's leftovers, WebGL)

    async def open(self, url: str) -> None:
        """Load the page (events enabled first: a fast page must not fire its load event unseen)."""
        for domain in ("Page.enable", "Runtime.enable"):
            _check(await self.tab.send_command(domain))
        await self._load("Page.navigate", {"url": url})
        # a new tab's own about:blank may fire its load event late, after ours was awaited (seen under load:
        # the page then had no vizlib script and the batch fell back to the stock path): wait for our page
        while True:
            with contextlib.suppress(RuntimeError):  # the blank page went away mid-question
                if await self._call("location.protocol !== 'about:' && document.readyState === 'complete'"):
                    return
            await asyncio.sleep(0.01)

    async def problem(self) -> str:
        """Return what keeps this page from sharing plots ('' if nothing)."""
        answer = await self._call(
            "window.vizlib ? vizlib.problem(%s) : 'the page has no vizlib script'", list(TESTED_PLOTLYJS)
        )
        return answer if isinstance(answer, str) else f"unexpected answer from the page: {answer!r}"

    async def render(self, spec: dict[str, Any], spec_json: str, images: list[Image]) -> dict[str, bytes]:
        """Render one figure's images: one plot for its SVG and PNG where the bytes allow it."""
        svg_only = self.shared and _svg_traces_only(spec)
        together = [i for i in images if i.format in ("png", "svg")]
        if not (svg_only and shares_one_plot(together)):
            together = []
        out = {i.format: await self._render_alone(spec_json, i, svg_only) for i in images if i not in together}
        if together:
            answer = await self._run("vizlib.render(%s, %s)", spec_json, [i.opts() for i in together])
            if "error" in answer:
                self.page_used = True
                raise _kaleido_error(525, answer["error"])  # as kaleido_scopes reports plotly.js errors
            if "unshared" in answer:
                log.info("static export: one plot per image (%s)", answer["unshared"])
                out |= {i.format: await self._render_alone(spec_json, i, svg_only) for i in together}
            else:
                out["svg"] = answer.get("svg", "").encode()
                out["png"] = base64.b64decode(answer.get("png", ""))
        return {i.format: out[i.format] for i in images}

    async def _render_alone(self, spec_json: str, image: Image, emptied_cache_will_do: bool) -> bytes:
        """Render one image with kaleido_scopes.plotly, as kaleido does; the browser prints PDFs."""
        if not emptied_cache_will_do and (self.cache_used or self.page_used):
            await self._load("Page.reload")
        request = json.dumps(image.opts())[:-1] + ', "data": ' + spec_json + "}"
        answer = await self._run("vizlib.alone(%s)", request)
        if not emptied_cache_will_do:
            self.page_used = True
        response = json.loads(answer["response"])
        if response.get("code") != 0:
            self.page_used = True
            raise _kaleido_error(response.get("code"), response.get("message"))
        raw = await self._print_pdf() if response.get("format") == "pdf" else response["result"]
        return raw.encode() if image.format == "svg" else base64.b64decode(raw)

    async def _print_pdf(self) -> str:
        """Print the page kaleido_scopes.js laid out (one page the figure's size) edge to edge, as base64."""
        return str(_check(await self.tab.send_command("Page.printToPDF", params=PDF_PRINT))["data"])

    async def _run(self, expression: str, *args: Any) -> dict[str, Any]:
        """Run one of our page functions on a figure; again on a fresh page if the text-size cache overflowed."""
        if self.page_used:
            await self._load("Page.reload")
        try:
            answer = await self._call(expression, *args)
        except RuntimeError as exc:  # our page functions never throw: the page was not (or no longer) whole
            log.info("static export: %s; again on a fresh page", exc)
            await self._load("Page.reload")
            answer = await self._call(expression, *args)
        self.cache_used = True
        if answer.get("cacheEmptied"):  # plotly.js emptied the cache mid-plot: do it as a fresh page would
            await self._load("Page.reload")
            answer = await self._call(expression, *args)
            self.cache_used = True
        return answer

    async def reload(self) -> None:
        await self._load("Page.reload")

    async def _load(self, command: str, params: dict[str, Any] | None = None) -> None:
        loaded = self.tab.subscribe_once("Page.loadEventFired")
        _check(await self.tab.send_command(command, params=params))
        await loaded
        self.cache_used = self.page_used = False

    async def _call(self, expression: str, *args: Any) -> Any:
        """Evaluate ``expression`` (``%s`` take ``args`` as JSON) in the page's main world; await its promise."""
        result = _check(
            await self.tab.send_command(
                "Runtime.evaluate",
                params={
                    "expression": expression % tuple(json.dumps(a) for a in args),
                    "returnByValue": True,
                    "awaitPromise": True,
                },
            )
        )
        return result.get("result", {}).get("value")


def _check(response: dict[str, Any]) -> dict[str, Any]:
    """Return a DevTools answer's result, or raise what went wrong (our page functions do not throw)."""
    if "error" in response:
        raise RuntimeError(f"DevTools error: {response['error']}")
    result = response.get("result", {})
    if "exceptionDetails" in result:
        raise RuntimeError(f"JavaScript error: {result['exceptionDetails']}")
    return result


def _svg_traces_only(spec: dict[str, Any]) -> bool:
    """Whether every trace of the figure is drawn in SVG (no WebGL)."""
    return all(trace.get("type", "scatter") in SVG_TRACES for trace in spec.get("data", []))


def shares_one_plot(images: list[Image]) -> bool:
    """Whether one plot of an SVG-only figure gives ``images`` the bytes of one plot per image."""
    formats = [i.format for i in images]
    return (
        bool(images)
        and set(formats) <= {"png", "svg"}
        and len(set(formats)) == len(formats)
        and all(i.scale == 1 for i in images if i.format == "svg")
        and len({(i.width, i.height) for i in images}) == 1
    )


def _kaleido_error(code: Any, message: Any) -> Exception:
    from kaleido.errors import KaleidoError

    return KaleidoError(code, message)
