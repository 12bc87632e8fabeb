"""Krippendorff's unitizing alpha and character overlap (wellbeing_lib.stats.unitizing).

Oracle: Krippendorff (2004), *Content Analysis*, 2nd ed., p. 254 - two observers unitize a
continuum of 300 (positions 150-450) into categories c and k: uα(c) = 0.7286 with
D_o = 0.0144 and D_e = 0.0532; uα(k) = 1 (D_e = 0.0490); his distances between sections
(the same example's delta^2 values, also tested by DKPro Statistics) are checked too.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wellbeing_lib.errors import InvalidValueError
from wellbeing_lib.stats import character_overlap, unitized_alpha
from wellbeing_lib.stats.unitizing import _delta2

# Krippendorff (2004, p. 254), shifted so the continuum starts at 0 (150 -> 0)
KRIPP_2004 = [("c", "i", 225, 295), ("c", "i", 370, 400), ("c", "j", 220, 300),
              ("c", "j", 355, 375), ("c", "j", 400, 420), ("k", "i", 180, 240),
              ("k", "i", 300, 350), ("k", "j", 180, 240), ("k", "j", 300, 350)]


def kripp_units() -> pd.DataFrame:
    units = pd.DataFrame(KRIPP_2004, columns=["category", "coder", "start", "end"])
    units[["start", "end"]] -= 150
    return units.assign(continuum="text")


def sections(rows):
    return pd.DataFrame(rows, columns=["b", "e", "unit"])


def test_krippendorff_2004_worked_example():
    out = unitized_alpha(kripp_units(), {"text": 300}, by="category").set_index("category")
    assert out.loc["c", "u_alpha"] == pytest.approx(0.7286, abs=5e-5)
    assert out.loc["c", "d_observed"] == pytest.approx(0.0144, abs=5e-5)
    assert out.loc["c", "d_expected"] == pytest.approx(0.0532, abs=5e-5)
    assert out.loc["k", "u_alpha"] == pytest.approx(1.0)
    assert out.loc["k", "d_expected"] == pytest.approx(0.0490, abs=5e-5)
    assert list(out["n_units"]) == [5, 4]


def test_section_distances_of_the_worked_example():
    """delta^2 of pairs of sections (begin, end, unit?) from Krippendorff's example."""
    a = sections([(225, 295, True), (370, 400, True), (400, 450, False), (5, 11, True)])
    b = sections([(220, 300, True), (355, 375, True), (400, 420, True), (4, 6, True)])
    np.testing.assert_array_equal(_delta2(a, b), [50.0, 850.0, 400.0, 26.0])
    same = sections([(5, 11, True)])
    np.testing.assert_array_equal(_delta2(same, same), [0.0])
    inside = sections([(2, 4, False), (5, 11, True)])
    unit = sections([(2, 4, True), (4, 11, False)])
    np.testing.assert_array_equal(_delta2(unit, inside), [4.0, 36.0])


def test_pooled_continua_and_per_continuum():
    units = kripp_units()
    twice = pd.concat([units, units.assign(continuum="other")], ignore_index=True)
    pooled = unitized_alpha(twice, {"text": 300, "other": 300}, by="category")
    alone = unitized_alpha(twice, {"text": 300, "other": 300}, by=["category", "continuum"])
    assert len(alone) == 4
    np.testing.assert_allclose(alone["u_alpha"], [0.7286, 1, 0.7286, 1], atol=5e-5)
    assert pooled["length"].iloc[0] == 600 and (alone["length"] == 300).all()
    # an uncoded continuum adds gaps: alpha changes but stays defined
    extra = unitized_alpha(units, {"text": 300, "blank": 100}, by="category")
    assert extra["u_alpha"].notna().all() and extra["length"].iloc[0] == 400


def test_overlapping_ranges_of_one_coder_are_merged():
    units = kripp_units()
    split = pd.concat([units, pd.DataFrame([("c", "i", 80, 120, "text")],
                                           columns=units.columns)], ignore_index=True)
    np.testing.assert_allclose(unitized_alpha(split, {"text": 300}, by="category")["u_alpha"],
                               unitized_alpha(units, {"text": 300}, by="category")["u_alpha"])


def test_perfect_agreement_and_nobody_coded():
    units = pd.DataFrame({"continuum": "t", "coder": ["A", "B"], "start": [3, 3],
                          "end": [9, 9]})
    assert unitized_alpha(units, {"t": 20})["u_alpha"].iloc[0] == pytest.approx(1.0)
    shifted = units.assign(start=[3, 4], end=[9, 10])
    assert unitized_alpha(shifted, {"t": 20})["u_alpha"].iloc[0] < 1.0


def test_character_overlap_counts():
    units = pd.DataFrame({"code": ["x", "x", "x", "y"], "continuum": ["s1", "s1", "s1", "s2"],
                          "coder": ["A", "A", "B", "B"], "start": [0, 2, 3, 0],
                          "end": [4, 6, 8, 5]})
    out = character_overlap(units, {"s1": 10, "s2": 6}, by="code").set_index(["code",
                                                                              "continuum"])
    assert tuple(out.loc[("x", "s1"), ["length", "a", "b", "both"]]) == (10, 6, 5, 3)
    assert tuple(out.loc[("y", "s2"), ["a", "b", "both"]]) == (0, 5, 0)
    assert tuple(out.loc[("x", "s2"), ["a", "b", "both"]]) == (0, 0, 0)


def test_errors():
    units = kripp_units()
    with pytest.raises(InvalidValueError, match="outside its continuum"):
        unitized_alpha(units.assign(end=units["end"] + 200), {"text": 300})
    with pytest.raises(InvalidValueError, match="without a length"):
        unitized_alpha(units, {"other": 300})
    with pytest.raises(InvalidValueError, match="two coders"):
        character_overlap(units.assign(coder=["i", "j", "k"] * 3), {"text": 300})
