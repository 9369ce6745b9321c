"""The standalone HTML page of an exported figure drawn in one layout (private to vizlib.export).

A figure drawn in several layouts gets the responsive page of :mod:`vizlib._responsive`.
"""

from __future__ import annotations

import html as htmlmod
from typing import Any

import plotly.graph_objects as go

from vizlib._responsive import height_script

#: The plotly.js file that ``shared`` pages load from their own folder.
PLOTLYJS_NAME = "plotly.min.js"


def escape(text: str) -> str:
    """Escape text for XML/HTML content and attributes."""
    return htmlmod.escape(str(text), quote=True)


def plotlyjs_tag(mode: str) -> str:
    """Return the ``<script>`` element that loads plotly.js: embedded (``self-contained``) or ``shared``."""
    if mode == "shared":
        return f'<script src="{PLOTLYJS_NAME}"></script>'
    from plotly.offline import get_plotlyjs

    return f'<script type="text/javascript">{get_plotlyjs()}</script>'


def html_page(
    fig: go.Figure, ident: str, info: dict[str, Any], mode: str, size: tuple[float, float], description: str
) -> bytes:
    """Return a standalone, offline HTML page for the figure, scaled to the page's width.

    ``mode`` is ``"self-contained"`` (plotly.js embedded) or ``"shared"`` (loads
    ``plotly.min.js`` from the page's folder); ``size`` is the figure's (width,
    height) in CSS pixels; ``description`` is the caption for screen readers.
    The page is in the figure's language (``info["lang"]``) and posts its height
    to an embedding page, as the responsive page does.
    """
    import plotly.io as pio

    width, height = size
    page_fig = fig.to_dict()  # a copy to fill the page (copying the Figure object costs ten times as much)
    for fixed in ("width", "height"):
        page_fig["layout"].pop(fixed, None)
    page_fig["layout"]["autosize"] = True
    plot = pio.to_html(
        page_fig,
        full_html=False,
        include_plotlyjs=True if mode == "self-contained" else "directory",
        include_mathjax=False,
        auto_play=False,  # an animated map waits for its reader's play
        div_id=ident,
        default_width="100%",
        default_height="100%",
        config={"responsive": True, "displayModeBar": False},
        validate=False,
    )
    template = fig.layout.template
    background = fig.layout.paper_bgcolor or (template.layout.paper_bgcolor if template else None) or "#FFFFFF"
    return f"""<!DOCTYPE html>
<html lang="{escape(info.get("lang") or "en")}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>{escape(info["title"])}</title>
<meta name="description" content="{escape(info["alt"])}">
<style>
body {{ margin: 0; padding: 8px; background: {background}; }}
.vizlib-figure {{ margin: 0 auto; max-width: {width}px; }}
.vizlib-plot {{ width: 100%; aspect-ratio: {width} / {height}; }}
.visually-hidden {{ position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden;
  clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap; border: 0; }}
</style>
</head>
<body>
<figure class="vizlib-figure">
<div class="vizlib-plot" role="img" aria-label="{escape(info["alt"])}">
{plot}
</div>
<figcaption class="visually-hidden">{escape(info["title"])}. {escape(description)}</figcaption>
</figure>
{height_script(ident)}
</body>
</html>
""".encode()
