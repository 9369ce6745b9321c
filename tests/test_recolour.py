"""A page's dark layouts are its light ones recoloured (theme.recolour): the same figure a dark build makes."""

from __future__ import annotations

import json

import numpy as np
import plotly.graph_objects as go
import pytest

from vizlib import registry, theme


def canonical(fig: go.Figure) -> str:
    """The figure's whole spec, template included, with its keys sorted (plotly's constructor orders them)."""
    return json.dumps(json.loads(fig.to_json()), sort_keys=True)


def test_a_light_colour_becomes_its_dark_counterpart_in_every_property_and_string():
    light, dark = theme.colors("light"), theme.colors("dark")
    fig = go.Figure(
        go.Scatter(x=[1, 2], y=[1, 2], marker=dict(color=[light["ukraine"], light["russia"]]), text=["a", "b"]),
        layout=dict(template=theme.TEMPLATES["light"], title=dict(text=f"<span style='color:{light['muted']}'>t</span>")),
    )
    fig.add_annotation(text="x", font=dict(shadow=f"0 0 2px {light['background']}"))
    fig.add_scattergeo(lon=[30], lat=[50], marker=dict(color=np.array([light["held_town"]])))  # per-point, as numpy
    out = theme.recolour(fig, "dark")
    assert list(out.data[1].marker.color) == [dark["held_town"]]
    assert list(out.data[0].marker.color) == [dark["ukraine"], dark["russia"]]
    assert out.layout.title.text == f"<span style='color:{dark['muted']}'>t</span>"
    assert out.layout.annotations[0].font.shadow == f"0 0 2px {dark['background']}"
    assert out.layout.template.layout.paper_bgcolor == dark["background"]
    assert fig.data[0].marker.color == (light["ukraine"], light["russia"])  # the figure given is left as it was


def test_a_colour_that_would_stand_for_two_is_refused(monkeypatch):
    # a dark palette drawing retaken ground and held towns in one blue: from it, that blue has no single light colour
    dark = {**theme.PALETTES["dark"], "held_town": theme.PALETTES["dark"]["retaken"]}
    monkeypatch.setitem(theme.PALETTES, "dark", dark)
    theme._swap.cache_clear()
    try:
        with pytest.raises(ValueError, match=r"#7CC2F5 of the dark theme is both"):
            theme.recolour(go.Figure(), "light", drawn_in="dark")
    finally:
        theme._swap.cache_clear()


@pytest.mark.slow
@pytest.mark.parametrize("slug", list(registry.FIGURES))
def test_every_article_figure_recoloured_is_its_dark_build(front_mirror, built_figure, slug):
    # the default size (built once per run, shared with the browser and offline tests) and the phone's in Ukrainian
    light, dark = built_figure.many([(slug, dict(theme="light")), (slug, dict(theme="dark"))])
    assert canonical(theme.recolour(light, "dark")) == canonical(dark)
    phone = {t: registry.build(slug, size="phone", lang="uk", theme=t) for t in ("light", "dark")}
    assert canonical(theme.recolour(phone["light"], "dark")) == canonical(phone["dark"])


def test_a_page_draws_each_size_once_and_recolours_it_for_dark(monkeypatch):
    drawn = []
    build = registry.build
    monkeypatch.setattr(registry, "build", lambda slug, data=None, **o: drawn.append(o) or build(slug, data, **o))
    pages = registry.layouts("timeline", sizes=("phone", "wide"))
    assert [(o["size"], o["theme"]) for o in drawn] == [("phone", "light"), ("wide", "light")]
    assert set(pages) == {(s, t) for s in ("phone", "wide") for t in ("light", "dark")}
    assert canonical(pages["wide", "dark"]) == canonical(build("timeline", size="wide", theme="dark"))
    drawn.clear()
    registry.layouts("timeline", themes=("dark",), sizes=("phone",))  # no light layout to recolour
    assert [(o["size"], o["theme"]) for o in drawn] == [("phone", "dark")]
