"""The house palette is checked, not trusted: contrast, colour blindness, greyscale."""

from itertools import combinations

import numpy as np
import plotly.io as pio
import pytest
from colorspacious import cspace_convert, deltaE

from vizlib import theme

THEMES = sorted(theme.PALETTES)
DATA_KEYS = ("ukraine", "russia", "north_korea", "south_korea", "highlight", "context", "several_sides")
#: CAM02-UCS distance below which two categorical colours are hard to tell apart; the palette's closest
#: pairs are 16.4 (light) and 16.7 (dark), as the comment in vizlib/theme.py says
#: (a just-noticeable difference is about 1-2 units; categorical palettes aim far higher).
MIN_DELTA_E = 15
#: CIELAB L* difference that keeps two fills apart when printed in greyscale.
MIN_GREY_DELTA_L = 8
#: Dichromat simulation (severity 100) of the two common red-green deficiencies.
CVD = {
    "deuteranopia": {"name": "sRGB1+CVD", "cvd_type": "deuteranomaly", "severity": 100},
    "protanopia": {"name": "sRGB1+CVD", "cvd_type": "protanomaly", "severity": 100},
    "normal vision": "sRGB1",
}


def _rgb1(hex_colour: str) -> np.ndarray:
    return np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255


def _relative_luminance(hex_colour: str) -> float:
    """WCAG 2.x relative luminance."""
    c = _rgb1(hex_colour)
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return float(linear @ [0.2126, 0.7152, 0.0722])


def contrast_ratio(a: str, b: str) -> float:
    hi, lo = sorted((_relative_luminance(a), _relative_luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def seen_delta_e(a: str, b: str, vision) -> float:
    """CAM02-UCS distance between two colours as seen with ``vision``."""
    seen = [np.clip(cspace_convert(_rgb1(c), vision, "sRGB1"), 0, 1) for c in (a, b)]
    return float(deltaE(*seen, input_space="sRGB1", uniform_space="CAM02-UCS"))


def test_contrast_helper_matches_wcag_reference_values():
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("name", THEMES)
@pytest.mark.parametrize("key", ["text", "muted"])
def test_text_is_readable_on_the_background(name, key):
    c = theme.colors(name)
    assert contrast_ratio(c[key], c["background"]) >= 4.5, (name, key, c[key])


@pytest.mark.parametrize("name", THEMES)
@pytest.mark.parametrize(
    "fill", ["ukraine_land", "ukraine_land_highlight", "russia_land", "russia_land_highlight", "other_land", "occupied"]
)
def test_country_and_oblast_names_read_on_every_land_fill(name, fill):
    # the dark theme's grey oblast names stood at 2.1:1 on occupied ground (LUHANSK, ZAPORIZHZHIA)
    c = theme.colors(name)
    assert contrast_ratio(c["map_label"], c[fill]) >= 3, (name, fill, c["map_label"], c[fill])


@pytest.mark.parametrize("name", THEMES)
@pytest.mark.parametrize(
    ("dot", "ground"), [("occupied_town", "occupied"), ("occupied_town", "taken"), ("held_town", "ukrainian_held")]
)
def test_a_towns_dot_stands_out_from_the_ground_its_status_puts_it_on(name, dot, ground):
    # front-change's Selydove: a #A8321A dot on #A3230F ground (1.1:1) showed only its ring, read as contested
    c = theme.colors(name)
    assert contrast_ratio(c[dot], c[ground]) >= 1.7, (name, dot, ground, c[dot], c[ground])


@pytest.mark.parametrize("name", THEMES)
@pytest.mark.parametrize("key", DATA_KEYS)
def test_data_colours_stand_out_from_the_background(name, key):
    c = theme.colors(name)
    assert contrast_ratio(c[key], c["background"]) >= 3, (name, key, c[key])


@pytest.mark.parametrize("name", THEMES)
@pytest.mark.parametrize("vision", list(CVD))
def test_data_colours_stay_apart_with_colour_blindness(name, vision):
    c = theme.colors(name)
    pairs = [*combinations(DATA_KEYS, 2), ("occupied", "ukrainian_held")]
    too_close = {(a, b): round(d, 1) for a, b in pairs if (d := seen_delta_e(c[a], c[b], CVD[vision])) < MIN_DELTA_E}
    assert not too_close, f"{name} theme, {vision}: pairs closer than {MIN_DELTA_E} CAM02-UCS: {too_close}"


def test_cvd_check_catches_a_classic_red_green_pair():
    # Pure-ish red and green are far apart to normal eyes and close for a deuteranope.
    red, green = "#D62728", "#2CA02C"
    assert seen_delta_e(red, green, CVD["normal vision"]) > 40
    assert seen_delta_e(red, green, CVD["deuteranopia"]) < MIN_DELTA_E


@pytest.mark.parametrize("name", THEMES)
def test_ukraine_and_russia_land_differ_in_greyscale(name):
    c = theme.colors(name)
    lightness = {k: cspace_convert(_rgb1(c[k]), "sRGB1", "CIELab")[0] for k in ("ukraine_land", "russia_land")}
    assert abs(lightness["ukraine_land"] - lightness["russia_land"]) >= MIN_GREY_DELTA_L, lightness


@pytest.mark.parametrize("name", THEMES)
def test_template_is_registered_with_the_palette(name):
    c = theme.colors(name)
    template = pio.templates[theme.TEMPLATES[name]]
    assert template.layout.paper_bgcolor == c["background"]
    assert template.layout.font.color == c["text"]
    assert list(template.layout.colorway) == [c[k] for k in DATA_KEYS]


def test_every_claimant_side_has_a_palette_colour():
    for name in THEMES:
        assert set(theme.SIDE_COLOR_KEYS.values()) <= set(theme.colors(name))


def test_claimant_sides_and_chart_categories_use_checked_data_colours():
    # Every colour that tells claimant sides apart is in the colour-blindness check above.
    assert set(theme.SIDE_COLOR_KEYS.values()) <= set(DATA_KEYS)
    assert DATA_KEYS == theme.DATA_KEYS


def test_unknown_theme_and_size_are_clear_errors():
    with pytest.raises(ValueError, match="theme must be one of"):
        theme.colors("sepia")
    with pytest.raises(ValueError, match="size must be one of"):
        theme.size("poster")


#: Map fills that can touch on a map: each pair must stay apart with colour blindness (vizlib/theme.py).
MAP_FILLS = [
    ("ukraine_land", "occupied"),
    ("ukraine_land_highlight", "occupied"),
    ("russia_land", "occupied"),
    ("russia_land", "ukrainian_held"),
    ("russia_land_highlight", "ukrainian_held"),
    ("russia_land_highlight", "unknown"),
    ("ukraine_land_highlight", "unknown"),
    ("ukrainian_held", "unknown"),
    ("occupied", "unknown"),
    ("occupied", "ukrainian_held"),
    ("ukraine_land", "russia_land"),
    ("russia_land", "other_land"),  # Russia and its neighbours (Belarus, Georgia, Kazakhstan)
    ("ukraine_land_highlight", "russia_land_highlight"),
    ("ukraine_land", "ukraine_land_highlight"),
    ("russia_land", "russia_land_highlight"),
]
MIN_FILL_DELTA_E = 11


@pytest.mark.parametrize("name", THEMES)
@pytest.mark.parametrize("vision", list(CVD))
def test_map_fills_that_touch_stay_apart_with_colour_blindness(name, vision):
    c = theme.colors(name)
    too_close = {
        (a, b): round(d, 1) for a, b in MAP_FILLS if (d := seen_delta_e(c[a], c[b], CVD[vision])) < MIN_FILL_DELTA_E
    }
    assert not too_close, f"{name} theme, {vision}: {too_close}"


@pytest.mark.parametrize("name", THEMES)
@pytest.mark.parametrize("vision", list(CVD))
def test_town_markers_tell_who_holds_the_town_with_colour_blindness(name, vision):
    # markers carry a ring of the background colour, so they stand out on any fill; their fills must
    # tell the statuses apart (own country, occupied by Russia, held by Ukraine)
    c = theme.colors(name)
    pairs = [("text", "occupied_town"), ("text", "held_town"), ("occupied_town", "held_town")]
    too_close = {p: round(d, 1) for p in pairs if (d := seen_delta_e(c[p[0]], c[p[1]], CVD[vision])) < MIN_DELTA_E}
    assert not too_close, f"{name} theme, {vision}: {too_close}"
