"""Characters no installed font covers are found (they would print as empty boxes in PNG and PDF)."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from vizlib import _fonts

pytestmark = pytest.mark.skipif(not _fonts.can_check(), reason="fontconfig's fc-list is not installed")

HIEROGLYPH = "\U00013000"  # Egyptian hieroglyph A001: in no font vizlib's set-up installs


def test_a_character_in_no_font_is_named_with_its_text():
    fig = go.Figure()
    fig.add_annotation(text=f"<b>NIS</b> and {HIEROGLYPH}", x=0, y=0)
    fig.update_layout(title=dict(text="Kursk and Курськ"))
    assert _fonts.missing_glyphs(fig) == [(HIEROGLYPH, f"NIS and {HIEROGLYPH}")]


def test_korean_is_covered_once_the_set_up_installed_noto_cjk():
    if not _fonts._covered("국"):
        pytest.fail("no font for Korean: run scripts/ensure_chromium.sh (make test does) to install fonts-noto-cjk")
    fig = go.Figure(go.Scatter(x=[0], y=[0], mode="text", text=["국가정보원 (NIS)"], name="국가정보원"))
    assert _fonts.missing_glyphs(fig) == []


def test_trace_text_key_names_and_tick_labels_are_read():
    fig = go.Figure(go.Scatter(x=[0], y=[0], mode="markers+text", text=[HIEROGLYPH], name="a"))
    fig.update_xaxes(tickvals=[0], ticktext=["x" + HIEROGLYPH])
    assert [c for c, _ in _fonts.missing_glyphs(fig)] == [HIEROGLYPH]
    texts = list(_fonts.figure_texts(fig))
    assert HIEROGLYPH in texts and "x" + HIEROGLYPH in texts and "a" in texts


@pytest.mark.parametrize("slug", ["troops-kursk", "north-korea", "timeline", "theatre"])
def test_every_character_of_the_article_figures_has_a_font(built_figure, slug):
    assert _fonts.missing_glyphs(built_figure(slug)) == []


def test_the_ukrainian_charts_have_fonts_too(built_figure):
    assert _fonts.missing_glyphs(built_figure("troops-kursk", lang="uk")) == []
