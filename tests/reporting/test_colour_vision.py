"""Colour-vision checks: the CIEDE2000 formula against Sharma, Wu & Dalal's published test
data, the Machado et al. (2009) simulation, and every palette of the library under simulated
deuteranopia and protanopia."""

from __future__ import annotations

import numpy as np
import pytest

from wellbeing_lib.reporting import palette
from wellbeing_lib.reporting.colour_vision import (
    MIN_CATEGORY_DELTA_E,
    MIN_ENDS_DELTA_E,
    check_palette,
    delta_e_2000,
    palette_distances,
    simulate_cvd,
    srgb_to_lab,
)

# Sharma, Wu & Dalal (2005), Color Res. Appl. 30(1):21-30, Table 1: (Lab 1, Lab 2, ΔE00)
SHARMA = [
    ((50.0000, 2.6772, -79.7751), (50.0000, 0.0000, -82.7485), 2.0425),
    ((50.0000, 3.1571, -77.2803), (50.0000, 0.0000, -82.7485), 2.8615),
    ((50.0000, 2.8361, -74.0200), (50.0000, 0.0000, -82.7485), 3.4412),
    ((50.0000, -1.3802, -84.2814), (50.0000, 0.0000, -82.7485), 1.0000),
    ((50.0000, 0.0000, 0.0000), (50.0000, -1.0000, 2.0000), 2.3669),
    ((50.0000, 2.4900, -0.0010), (50.0000, -2.4900, 0.0009), 7.1792),
    ((50.0000, 2.5000, 0.0000), (73.0000, 25.0000, -18.0000), 27.1492),
    ((50.0000, 2.5000, 0.0000), (61.0000, -5.0000, 29.0000), 22.8977),
    ((50.0000, 2.5000, 0.0000), (56.0000, -27.0000, -3.0000), 31.9030),
    ((50.0000, 2.5000, 0.0000), (58.0000, 24.0000, 15.0000), 19.4535),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((63.0109, -31.0961, -5.8663), (62.8187, -29.7946, -4.0864), 1.2630),
    ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082),
]


@pytest.mark.parametrize(("lab1", "lab2", "expected"), SHARMA)
def test_ciede2000_matches_the_published_test_data(lab1, lab2, expected):
    assert delta_e_2000(lab1, lab2) == pytest.approx(expected, abs=1e-4)
    assert delta_e_2000(lab2, lab1) == pytest.approx(expected, abs=1e-4)  # symmetric


def test_ciede2000_is_vectorised():
    first = np.array([p[0] for p in SHARMA])
    second = np.array([p[1] for p in SHARMA])
    assert np.allclose(delta_e_2000(first, second), [p[2] for p in SHARMA], atol=1e-4)


def test_simulation_keeps_greys_and_merges_red_with_green():
    greys = ["#000000", "#777777", "#FFFFFF"]
    for kind in ("deuteranopia", "protanopia", "tritanopia"):
        assert simulate_cvd(greys, kind) == greys  # each matrix row sums to 1
    lab = srgb_to_lab(simulate_cvd(["#DA291C", "#009639"], "deuteranopia"))
    normal = srgb_to_lab(["#DA291C", "#009639"])
    assert delta_e_2000(lab[0], lab[1]) < 0.2 * delta_e_2000(normal[0], normal[1])
    with pytest.raises(ValueError, match="kind must be"):
        simulate_cvd(greys, "achromatopsia")


@pytest.mark.parametrize("name", sorted(palette.PALETTES))
def test_every_palette_stays_apart_under_deuteranopia_and_protanopia(name):
    colours, ordered = palette.PALETTES[name]
    colours = palette.cmap_colours(colours, 5) if isinstance(colours, str) else colours
    distances = check_palette(colours, ordered=ordered, name=name)
    assert set(distances["view"]) == {"normal", "deuteranopia", "protanopia"}


def test_the_old_red_green_scales_fail_the_check():
    with pytest.raises(ValueError, match="deuteranopia"):
        check_palette(["#F8696B", "#FFEB84", "#63BE7B"], ordered=True, name="old Excel")
    with pytest.raises(ValueError, match="deuteranopia"):
        check_palette(palette.cmap_colours("RdYlGn", 5), ordered=True, name="RdYlGn")
    with pytest.raises(ValueError):  # the NHS identity colours are for branding, not categories
        check_palette(palette.NHS_PALETTE, name="NHS identity")


def test_thresholds_are_stated_and_distances_are_tidy():
    assert (MIN_CATEGORY_DELTA_E, MIN_ENDS_DELTA_E) == (10.0, 20.0)
    d = palette_distances(palette.OKABE_ITO)
    assert len(d) == 3 * 21 and list(d.columns) == ["view", "first", "second", "delta_e"]


def test_text_on_a_fill_is_the_more_readable_of_black_and_white():
    assert palette.text_colour_on(palette.OI_BLUE) == palette.WHITE
    assert palette.text_colour_on(palette.NHS_PALE_GREY) == palette.NHS_BLACK
