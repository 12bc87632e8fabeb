"""Reach and representativeness (wellbeing_lib.engagement.reach).
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from wellbeing_lib import engagement as eng
from wellbeing_lib.engagement import (
    goodness_of_fit,
    rake,
    representation,
)
from wellbeing_lib.errors import (
    InvalidValueError,
)
from wellbeing_lib.stats import proportion_ci


# ============================================================ reach, representation
def test_representation_ratio_by_hand():
    sample = pd.DataFrame({"imd": [1] * 10 + [2] * 30 + [3] * 60 + [None] * 5})
    pop = pd.DataFrame({"variable": "imd", "category": ["1", "2", "3"],
                        "count": [40_000, 30_000, 30_000]})
    out = representation(sample, pop, seldom_heard={"imd": [1]}).set_index("category")
    # IMD 1: 10 of 100 known vs 40% of the population -> ratio 0.25
    assert (out.loc["1", "n"], out.loc["1", "N"], out.loc["1", "n_missing"]) == (10, 100, 5)
    assert out.loc["1", "ratio"] == pytest.approx(0.25)
    wil = proportion_ci(10, 100)
    assert out.loc["1", "ratio_ci_low"] == pytest.approx(wil["ci_low"].iloc[0] / 0.4)
    assert out.loc["1", "ratio_ci_high"] == pytest.approx(wil["ci_high"].iloc[0] / 0.4)
    assert out.loc["3", "ratio"] == pytest.approx(2.0)
    assert out["flag"].tolist() == ["under-represented seldom-heard group", "", ""]
    assert out.loc["2", "ratio"] == pytest.approx(1.0) and not out.loc["2", "under_represented"]
    stricter = representation(sample, pop, threshold=1.01).set_index("category")
    assert stricter.loc["2", "under_represented"]


def test_representation_errors_and_weights():
    pop = pd.DataFrame({"variable": "sex", "category": ["F", "M"], "share": [0.5, 0.5]})
    with pytest.raises(InvalidValueError, match="not in the population table.*row 2"):
        representation(pd.DataFrame({"sex": ["F", "M", "X"]}), pop)
    sample = pd.DataFrame({"sex": ["F"] * 3 + ["M"]})
    raked = rake(sample, {"sex": {"F": 0.5, "M": 0.5}})
    weights = raked.weights
    out = representation(sample, pop, weights=weights)
    assert out["ratio"].tolist() == pytest.approx([1.0, 1.0])


def test_goodness_of_fit_by_hand():
    sample = pd.DataFrame({"age": ["65+"] * 30 + ["16-64"] * 70})
    pop = pd.DataFrame({"variable": "age", "category": ["16-64", "65+"], "share": [0.5, 0.5]})
    res = goodness_of_fit(sample, pop).iloc[0]
    # (70 - 50)^2 / 50 + (30 - 50)^2 / 50 = 16, 1 df
    assert res["chi2"] == pytest.approx(16.0) and res["dof"] == 1
    assert res["p_value"] == pytest.approx(math.erfc(math.sqrt(16 / 2)))


def test_reach_counts_and_suppression():
    people = pd.DataFrame({"type": ["public"] * 9 + ["professional"] * 3,
                           "seldom_heard": [True] * 2 + [False] * 10})
    out = eng.reach(people, columns=["type", "seldom_heard"], suppress=True)
    t = out.set_index(["variable", "category"])
    assert t.loc[("type", "public"), "n"] == 10          # 9 rounded to 5
    assert pd.isna(t.loc[("type", "professional"), "n"])  # 3 withheld
    assert pd.isna(t.loc[("seldom_heard", "True"), "percent"])


def test_representation_keeps_no_state_and_the_plot_takes_the_threshold():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sample = pd.DataFrame({"age": ["65+"] * 30 + ["16-64"] * 70})
    pop = pd.DataFrame({"variable": "age", "category": ["16-64", "65+"], "share": [0.5, 0.5]})
    strict = representation(sample, pop, threshold=0.5)
    assert strict.attrs == {} and not strict["under_represented"].any()
    ax = eng.plot_representation(strict, threshold=0.5)
    assert [line.get_xdata()[0] for line in ax.get_lines()][-2:] == [1.0, 0.5]  # parity, 0.5
    assert ax.get_legend().get_texts()[0].get_text() == "under-represented (< 0.5)"
    default = eng.plot_representation(representation(sample, pop))
    assert default.get_lines()[-1].get_xdata()[0] == eng.UNDER_REPRESENTED == 0.8
    plt.close("all")


def test_published_representation_gives_back_no_unrounded_count():
    # 69 / 102 known: published as 70 of 100, share 70% (not 67.6%), ratio 1.4 (not 1.353)
    sample = pd.DataFrame({"age": ["65+"] * 33 + ["16-64"] * 69 + [None] * 2})
    pop = pd.DataFrame({"variable": "age", "category": ["16-64", "65+"], "share": [0.5, 0.5]})
    out = representation(sample, pop, suppress=True).set_index("category")
    assert out["n"].tolist() == [70, 35] and out["N"].tolist() == [100, 100]
    assert out["n_missing"].isna().all()  # 2 withheld
    assert out.loc["16-64", "sample_percent"] == pytest.approx(70.0)
    wilson = proportion_ci(35, 100)
    assert out.loc["65+", "ci_low"] == pytest.approx(100 * wilson["ci_low"].iloc[0])
    assert out.loc["65+", "ratio"] == pytest.approx(0.7)
    assert out.loc["65+", "ratio_ci_high"] == pytest.approx(2 * wilson["ci_high"].iloc[0])
    assert out.loc["65+", "flag"] == "under-represented"
    with pytest.raises(InvalidValueError, match="unweighted"):
        representation(sample.fillna("65+"), pop, weights=[1.0] * 104, suppress=True)
