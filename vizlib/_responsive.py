"""The responsive HTML page of a figure, and the snippet a CMS pastes to embed it (private to vizlib.export).

One page carries the figure's layouts (phone, column, wide; light and dark) as JSON
and a small script that draws the one that fits: the widest layout no wider than the
page, in the reader's colour scheme (``prefers-color-scheme``, or ``?theme=dark`` /
``?theme=light`` in the URL, as embeds need). It switches on resize and when the scheme
changes with ``Plotly.react`` (plotly.js is loaded once), draws each layout at its design
size (text never scales below it), and posts its height to the embedding page
(``{"type": "vizlib:height", "id": ..., "height": ...}``) on load and whenever it changes.
The embed snippet is an iframe that listens for that message and takes the height.
"""

from __future__ import annotations

import html as htmlmod
import json
import urllib.parse
from collections.abc import Mapping
from typing import Any

__all__ = ["page", "embed", "embed_src", "base_url", "height_script", "HEIGHT_MESSAGE", "THEME_ORDER"]

#: The ``type`` of the message a page posts to its parent with its height in CSS pixels.
HEIGHT_MESSAGE = "vizlib:height"
#: Themes in the order a page lists them; the first one present is drawn unless the reader prefers dark.
THEME_ORDER = ("light", "dark")

_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"})

# Posts the document's height to the parent frame whenever it changes (ResizeObserver; load as a fallback).
_POSTER = """(function () {
  var id = %(id)s, last = 0;
  function post() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === last || window.parent === window) return;
    last = height;
    window.parent.postMessage({type: %(message)s, id: id, height: height}, "*");
  }
  if (window.ResizeObserver) new ResizeObserver(post).observe(document.documentElement);
  window.addEventListener("load", post);
  window.vizlibPostHeight = post;
})();"""

_PICKER = """(function () {
  var id = %(id)s, fig = document.getElementById(id);
  var plot = fig.querySelector(".vizlib-plot");
  var all = JSON.parse(document.getElementById(id + "-layouts").textContent);
  var params = new URLSearchParams(window.location.search);
  var scheme = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  var current = "", timer = 0;
  function theme() {
    var asked = params.get("theme");
    if (all.themes.indexOf(asked) >= 0) return asked;
    return scheme && scheme.matches && all.themes.indexOf("dark") >= 0 ? "dark" : all.themes[0];
  }
  function size() {
    var room = document.documentElement.clientWidth, chosen = all.sizes[0];
    all.sizes.forEach(function (s) { if (s.width <= room) chosen = s; });
    return chosen;
  }
  function draw() {
    var s = size(), t = theme(), key = s.name + "/" + t;
    if (key === current) return;
    current = key;
    var spec = all.specs[key];
    fig.setAttribute("data-layout", s.name);
    fig.setAttribute("data-theme", t);
    fig.style.maxWidth = s.width + "px";
    plot.style.width = s.width + "px";
    plot.style.height = s.height + "px";
    document.documentElement.style.background = document.body.style.background = spec.background;
    Plotly.react(plot, {data: spec.data, layout: spec.layout, frames: spec.frames, config: all.config})
      .then(function () { if (window.vizlibPostHeight) window.vizlibPostHeight(); });
  }
  window.addEventListener("resize", function () { clearTimeout(timer); timer = setTimeout(draw, 80); });
  if (scheme && scheme.addEventListener) scheme.addEventListener("change", draw);
  draw();
})();"""


def _escape(text: str) -> str:
    return htmlmod.escape(str(text), quote=True)


def _json(value: Any) -> str:
    """JSON that is safe inside a ``<script>`` element (keys sorted: the same value gives the same text)."""
    from plotly.utils import PlotlyJSONEncoder

    return json.dumps(value, cls=PlotlyJSONEncoder, sort_keys=True, separators=(",", ":")).translate(_SCRIPT_SAFE)


def height_script(ident: str) -> str:
    """Return the ``<script>`` element that posts the page's height to its parent frame (see :func:`embed`)."""
    return f"<script>{_POSTER % {'id': json.dumps(ident), 'message': json.dumps(HEIGHT_MESSAGE)}}</script>"


def _background(fig: Any) -> str:
    template = fig.layout.template
    return str(fig.layout.paper_bgcolor or (template.layout.paper_bgcolor if template else None) or "#FFFFFF")


def page(
    layouts: Mapping[tuple[str, str], Any],
    *,
    ident: str,
    title: str,
    alt: str,
    caption: str,
    plotlyjs: str,
    lang: str = "en",
) -> bytes:
    """Return the responsive page of a figure drawn in several layouts.

    Parameters
    ----------
    layouts : mapping of (size, theme) to plotly.graph_objects.Figure
        The same figure in each size preset and theme; each figure's ``layout.width`` and
        ``layout.height`` are its design size in CSS pixels. Every size must come in
        every theme.
    ident : str
        The id of the page's figure element (unique on a page that holds several).
    title, alt, caption : str
        The page title, the alt text (``aria-label`` and meta description) and the
        caption read to screen readers (plain text; escaped here).
    plotlyjs : str
        The ``<script>`` element that loads plotly.js (inline or from a shared file).
    lang : str
        The page's language (``<html lang>``).

    Returns
    -------
    bytes
        UTF-8 HTML; the same inputs give the same bytes.

    Raises
    ------
    ValueError
        No layouts, a layout without a width and height, a size missing in one of the
        themes, or two sizes of the same width.
    """
    if not layouts:
        raise ValueError("a page needs at least one layout")
    sizes: dict[str, tuple[int, int]] = {}
    specs: dict[str, dict[str, Any]] = {}
    for (size, theme), fig in layouts.items():
        spec = fig.to_plotly_json()
        layout = spec["layout"]
        if not layout.get("width") or not layout.get("height"):
            raise ValueError(f"layout {size}/{theme} has no width and height (its design size)")
        width, height = int(layout["width"]), int(layout["height"])
        if sizes.setdefault(size, (width, height)) != (width, height):
            raise ValueError(f"size {size} is {sizes[size]} in one theme and {(width, height)} in another")
        specs[f"{size}/{theme}"] = {
            "data": spec["data"],
            "layout": layout,
            "frames": spec.get("frames", []),
            "background": _background(fig),
        }
    order = {theme: i for i, theme in enumerate(THEME_ORDER)}
    themes = sorted({theme for _, theme in layouts}, key=lambda t: (order.get(t, len(order)), t))
    missing = [f"{s}/{t}" for s in sizes for t in themes if f"{s}/{t}" not in specs]
    if missing:
        raise ValueError(f"every size needs every theme; missing {', '.join(missing)}")
    ordered = sorted(sizes.items(), key=lambda item: item[1])
    widths = [w for _, (w, _) in ordered]
    if len(set(widths)) != len(widths):
        raise ValueError(f"two sizes have the same width: {dict(ordered)}")
    first = specs[f"{ordered[0][0]}/{themes[0]}"]["background"]
    dark = specs[f"{ordered[0][0]}/dark"]["background"] if "dark" in themes else first
    payload = {
        "sizes": [{"name": name, "width": w, "height": h} for name, (w, h) in ordered],
        "themes": themes,
        "specs": specs,
        "config": {"displayModeBar": False, "responsive": False},
    }
    picker = _PICKER % {"id": json.dumps(ident)}
    return f"""<!DOCTYPE html>
<html lang="{_escape(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>{_escape(title)}</title>
<meta name="description" content="{_escape(alt)}">
<style>
html, body {{ margin: 0; padding: 0; background: {_escape(first)}; }}
@media (prefers-color-scheme: dark) {{ html, body {{ background: {_escape(dark)}; }} }}
.vizlib-figure {{ margin: 0 auto; overflow: hidden; }}
.visually-hidden {{ position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden;
  clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap; border: 0; }}
</style>
</head>
<body>
<figure class="vizlib-figure" id="{_escape(ident)}">
<div class="vizlib-plot" role="img" aria-label="{_escape(alt)}"></div>
<figcaption class="visually-hidden">{_escape(title)}. {_escape(caption)}</figcaption>
</figure>
<script type="application/json" id="{_escape(ident)}-layouts">{_json(payload)}</script>
{plotlyjs}
{height_script(ident)}
<script>{picker}</script>
</body>
</html>
""".encode()


def embed(*, src: str, ident: str, title: str, height: int) -> bytes:
    """Return the snippet a CMS pastes to embed a page: an iframe that takes the height the page posts.

    Parameters
    ----------
    src : str
        The page's URL (relative to where the snippet is pasted, or absolute).
    ident : str
        The page figure's id (the messages carry it).
    title : str
        The iframe's accessible title.
    height : int
        The height in CSS pixels before the page says its own.

    Returns
    -------
    bytes
        UTF-8 HTML: an ``<iframe>`` (full width, no border, ``id="<ident>-embed"``) and the
        ``<script>`` that sets its height from the page's messages.
    """
    frame_id = f"{ident}-embed"
    script = (
        "(function () {\n"
        f"  var frame = document.getElementById({json.dumps(frame_id)});\n"
        '  window.addEventListener("message", function (event) {\n'
        "    var m = event.data;\n"
        f"    if (!m || m.type !== {json.dumps(HEIGHT_MESSAGE)} || m.id !== {json.dumps(ident)}) return;\n"
        '    if (event.source !== frame.contentWindow || typeof m.height !== "number" || !(m.height > 0)) return;\n'
        '    frame.style.height = m.height + "px";\n'
        "  });\n"
        "})();"
    )
    return (
        f'<iframe id="{_escape(frame_id)}" src="{_escape(src)}" title="{_escape(title)}" '
        f'style="width: 100%; height: {int(height)}px; border: 0; display: block;" '
        'loading="lazy" scrolling="no"></iframe>\n'
        f"<script>\n{script}\n</script>\n"
    ).encode()


def base_url(url: str) -> str:
    """Return ``url`` without its trailing slash, checked: an absolute http or https URL with a host.

    Raises
    ------
    ValueError
        Any other URL (relative, another scheme, no host), in one line that quotes it.
    """
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"the embed base URL must be an http:// or https:// address of a folder, not {url!r}")
    return url.strip().rstrip("/")


def embed_src(name: str, base: str | None = None) -> str:
    """Return the ``src`` of a page's embed snippet: ``<name>.html``, under ``base`` (see :func:`base_url`) if given."""
    page = urllib.parse.quote(f"{name}.html")
    return page if base is None else f"{base_url(base)}/{page}"
