"""vizlib's notebook renderer: when it is plotly's default, and what one figure output carries.

The default rules are checked in real Jupyter kernels (the renderer activates
only in one), one fresh kernel per case. The output's structure is checked
in-process with a stand-in image, the image itself with Debian's Chromium.
"""

from __future__ import annotations

import base64
import json
import os
import struct
import subprocess
import sys
import warnings

import plotly.graph_objects as go
import plotly.io as pio
import pytest
from jupyter_client.manager import KernelManager

from vizlib import charts, meta, notebook

PNG_1PX = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def run_in_kernel(code: str, tmp_path, displays: list | None = None, **env: str) -> str:
    """Run ``code`` in a fresh python3 kernel (PLOTLY_RENDERER unset unless given); return its stdout.

    The data of each output displayed is appended to ``displays``.
    """
    environ = {k: v for k, v in os.environ.items() if k != "PLOTLY_RENDERER"} | env
    km = KernelManager(kernel_name="python3")
    km.start_kernel(env=environ, cwd=str(tmp_path))
    client = km.client()
    client.start_channels()
    out: list[str] = []

    def hook(msg):
        content = msg["content"]
        if msg["msg_type"] == "stream":
            out.append(content["text"])
        elif msg["msg_type"] in ("display_data", "execute_result") and displays is not None:
            displays.append(content["data"])
        elif msg["msg_type"] == "error":
            out.append("ERROR " + content["ename"] + ": " + content["evalue"])

    try:
        client.wait_for_ready(timeout=120)
        client.execute_interactive(code, timeout=120, output_hook=hook)
    finally:
        client.stop_channels()
        km.shutdown_kernel(now=True)
    return "".join(out)


# --- which renderer is the default -----------------------------------------------------------------------------------

HEAVY = "('plotly', 'pandas', 'geopandas', 'kaleido')"
CASES = {
    # plotly's automatic choice in a kernel ("plotly_mimetype") becomes vizlib's, and importing vizlib stays cheap
    "automatic": (
        f"import sys, vizlib\nprint(sorted(m for m in {HEAVY} if m in sys.modules))\n"
        "import plotly.io as pio\nprint(pio.renderers.default)",
        "[]\nvizlib\n",
    ),
    # plotly (and its renderers) loaded before vizlib, untouched: vizlib's at once
    "plotly first": ("import plotly.io as pio\npio.renderers\nimport vizlib\nprint(pio.renderers.default)", "vizlib\n"),
    # the user's choice before importing vizlib wins
    "set before": (
        "import plotly.io as pio\npio.renderers.default = 'notebook'\nimport vizlib\nprint(pio.renderers.default)",
        "notebook\n",
    ),
    # ... and after, even plotly's own automatic value, even before plotly's renderers loaded
    "set after": (
        "import vizlib\nimport plotly.io as pio\npio.renderers.default = 'plotly_mimetype'\n"
        "from vizlib import charts\nfig = charts.timeline()\nprint(pio.renderers.default)",
        "plotly_mimetype\n",
    ),
    # ... and after vizlib's took over: vizlib never sets it again
    "set later": (
        "import vizlib\nimport plotly.io as pio\nprint(pio.renderers.default)\npio.renderers.default = 'png'\n"
        "from vizlib import charts, notebook\nfig = charts.timeline()\nprint(pio.renderers.default, notebook.activate())",
        "vizlib\npng False\n",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_default_renderer_in_a_kernel(case, tmp_path):
    code, expected = CASES[case]
    assert run_in_kernel(code, tmp_path) == expected


def test_plotly_renderer_environment_variable_wins(tmp_path):
    code = "import vizlib\nimport plotly.io as pio\nprint(pio.renderers.default)"
    assert run_in_kernel(code, tmp_path, PLOTLY_RENDERER="plotly_mimetype") == "plotly_mimetype\n"


def test_outside_a_kernel_nothing_changes():
    code = (
        "import plotly.io as pio\nbefore = pio.renderers.default\nimport vizlib\nfrom vizlib import charts\n"
        "charts.timeline()\nprint(pio.renderers.default == before, 'vizlib' in pio.renderers)"
    )
    env = {k: v for k, v in os.environ.items() if k != "PLOTLY_RENDERER"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env).stdout
    assert out == "True False\n"


@pytest.mark.browser
def test_a_figure_shown_in_a_kernel_carries_every_mimetype(tmp_path):
    displays: list[dict] = []
    code = "from vizlib import charts\nfig = charts.north_korea()\ndisplay(fig)\nfig"
    assert run_in_kernel(code, tmp_path, displays) == ""
    first, second = displays
    assert set(first) == set(second) == {notebook.PLOTLY_JSON, "image/png", "text/html", "text/plain"}
    assert "window.Plotly = Plotly" in first["text/html"] and "window.Plotly = Plotly" not in second["text/html"]
    assert 'id="vizlib-north-korea-1"' in first["text/html"] and 'id="vizlib-north-korea-2"' in second["text/html"]
    assert first["image/png"] == second["image/png"]


# --- what one output carries (in-process) ------------------------------------------------------------------------


class FixedImageSession(notebook.Session):
    """A session whose 'browser' returns a 1-pixel PNG, or none."""

    def __init__(self, image: bytes | None = PNG_1PX) -> None:
        super().__init__()
        self.image = image

    def png(self, spec, width, height):
        return self.image


@pytest.fixture(scope="module")
def timeline():
    return charts.timeline()


def bundles(figs, session=None):
    renderer = notebook.NotebookRenderer(session or FixedImageSession())
    return [renderer.to_mimebundle(fig.to_dict()) for fig in figs]


def test_plotlyjs_goes_with_the_first_figure_only_and_ids_count_per_slug(timeline):
    north_korea = charts.north_korea()
    first, second, third = bundles([timeline, north_korea, timeline])
    assert first["text/html"].startswith('<script type="text/plain" class="vizlib-plotlyjs">')
    assert "window.Plotly = Plotly" in first["text/html"]
    assert all("window.Plotly = Plotly" not in b["text/html"] for b in (second, third))
    assert 'id="vizlib-timeline-1"' in first["text/html"]
    assert 'id="vizlib-north-korea-1"' in second["text/html"]
    assert 'id="vizlib-timeline-2"' in third["text/html"]
    for bundle in (first, second, third):
        assert "<script src" not in bundle["text/html"].replace(" ", "")  # nothing loaded from anywhere


def test_output_is_deterministic_and_carries_the_metadata(timeline):
    one, two = bundles([timeline]), bundles([timeline])
    assert one == two
    bundle = one[0]
    info = meta.get(timeline)
    assert set(bundle) == {notebook.PLOTLY_JSON, "image/png", "text/html", "text/plain"}
    assert bundle["image/png"] == base64.b64encode(PNG_1PX).decode()
    assert bundle["text/plain"] == f"{info['title']}\n{info['alt']}"
    html_alt = info["alt"].replace("&", "&amp;").replace("'", "&#x27;").replace('"', "&quot;")
    assert f'alt="{html_alt}"' in bundle["text/html"] and f'aria-label="{html_alt}"' in bundle["text/html"]
    assert f'src="data:image/png;base64,{bundle["image/png"]}"' in bundle["text/html"]


def test_json_is_the_figure_with_whole_numbers_as_jupyterlab_writes_them(timeline):
    (bundle,) = bundles([timeline])
    spec = bundle[notebook.PLOTLY_JSON]
    assert spec == json.loads(pio.to_json(timeline, validate=False, remove_uids=False))  # 51.0 == 51
    floats = []

    def walk(value):
        if isinstance(value, float):
            floats.append(value)
        elif isinstance(value, dict):
            list(map(walk, value.values()))
        elif isinstance(value, list):
            list(map(walk, value))

    walk(spec)
    assert floats and not [f for f in floats if f.is_integer()]
    assert spec["layout"]["width"] == timeline.layout.width and isinstance(spec["layout"]["width"], int)


def test_as_jupyterlab_writes():
    value = {"a": [51.0, -0.0, 0.5, 1e21, 2.0**60, 3, "4.0", True, None], "b": {"c": 1e20}}
    assert json.dumps(notebook.as_jupyterlab_writes(value)) == json.dumps(
        {"a": [51, 0, 0.5, 1e21, 2**60, 3, "4.0", True, None], "b": {"c": 10**20}}
    )


def test_text_in_the_data_cannot_escape_the_script():
    fig = go.Figure(go.Scatter(x=[1], y=[2], text=["</script><script>alert(1)</script><!--"]))
    fig.update_layout(meta={"vizlib": {"slug": "x y/../z", "title": "T <b>", "alt": 'A "quoted" <img src=x>'}})
    (bundle,) = bundles([fig])
    figure_html = bundle["text/html"][bundle["text/html"].index('<div class="vizlib-figure">') :]  # after plotly.js
    assert figure_html.count("<script") == 1 and figure_html.count("</script>") == 1
    assert "<!--" not in figure_html and "<img src=x>" not in figure_html
    assert 'id="vizlib-x-y----z-1"' in figure_html
    assert 'alt="A &quot;quoted&quot; &lt;img src=x&gt;"' in figure_html


def test_a_figure_without_vizlib_metadata_still_shows():
    fig = go.Figure(go.Bar(x=["a"], y=[1]), layout={"title": {"text": "Plain"}})
    (bundle,) = bundles([fig])
    assert 'id="vizlib-figure-1"' in bundle["text/html"] and 'alt="Plain"' in bundle["text/html"]
    assert bundle["text/plain"] == "Plain\nPlain"


def test_without_a_browser_figures_show_without_image_and_say_why_once(timeline, monkeypatch):
    import kaleido
    from kaleido.errors import ChromeNotFoundError

    from vizlib.export import NO_BROWSER_HELP

    class NoChrome:
        def __init__(self, **kwargs):
            raise ChromeNotFoundError("no chrome here")

    monkeypatch.setattr(kaleido, "Kaleido", NoChrome)
    session = notebook.Session()
    with pytest.warns(UserWarning, match="without a static image") as caught:
        first = bundles([timeline], session)[0]
    assert NO_BROWSER_HELP in str(caught[0].message)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # said once: the second figure is quiet
        second = notebook.NotebookRenderer(session).to_mimebundle(timeline.to_dict())
    for bundle in (first, second):
        assert "image/png" not in bundle
        assert (
            f'<p id="vizlib-timeline-{1 if bundle is first else 2}-image" class="vizlib-image">' in bundle["text/html"]
        )


@pytest.mark.browser
def test_the_image_is_the_figure_at_its_size_and_the_same_from_any_session(timeline):
    spec = bundles([timeline])[0][notebook.PLOTLY_JSON]
    width, height = spec["layout"]["width"], spec["layout"]["height"]
    images = []
    for _ in range(2):
        session = notebook.Session()
        try:
            images.append(session.png(spec, width, height))
        finally:
            session.close()
    assert images[0] == images[1]
    assert images[0][:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", images[0][16:24]) == (width, height)
