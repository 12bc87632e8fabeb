"""Raking and weighted prevalence (wellbeing_lib.engagement.raking), checked by hand.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wellbeing_lib.engagement import (
    apply_codebook,
    rake,
    weighted_prevalence,
)
from wellbeing_lib.engagement._common import _wilson
from wellbeing_lib.errors import (
    ConvergenceError,
    InvalidValueError,
    MissingColumnError,
)
from wellbeing_lib.stats import proportion_ci

# ======================================================================== raking
SIX = pd.DataFrame({"sex": ["M", "M", "M", "M", "F", "F"],
                    "age": ["young", "young", "old", "old", "young", "old"]})


def test_rake_two_margins_by_hand():
    # Sample: M young 2, M old 2, F young 1, F old 1 (n = 6); targets sex 50/50, age 30/70.
    # Cycle 1, sex: M total 4 -> target 3, factor 3/4; F total 2 -> target 3, factor 3/2.
    #   weights: M 0.75 each, F 1.5 each.
    # Cycle 1, age: young = 2 x 0.75 + 1.5 = 3 -> target 1.8, factor 0.6;
    #               old   = 2 x 0.75 + 1.5 = 3 -> target 4.2, factor 1.4.
    #   weights: M young 0.45, M old 1.05, F young 0.9, F old 2.1.
    # Check sex again: M = 2 x 0.45 + 2 x 1.05 = 3, F = 0.9 + 2.1 = 3: converged in 1 cycle.
    # Kish: sum w = 6, sum w^2 = 2(0.2025) + 2(1.1025) + 0.81 + 4.41 = 7.83,
    #   deff = 6 x 7.83 / 36 = 1.305, effective n = 36 / 7.83 = 4.5977.
    raked = rake(SIX, {"sex": {"M": 0.5, "F": 0.5}, "age": {"young": 0.3, "old": 0.7}})
    weights, diag = raked.weights, raked.diagnostics
    assert weights.tolist() == pytest.approx([0.45, 0.45, 1.05, 1.05, 0.9, 2.1])
    assert weights.name == "weight" and weights.index.equals(SIX.index)
    assert diag.iterations == 1 and diag.converged
    assert diag.max_margin_error < 1e-12
    assert diag.design_effect == pytest.approx(1.305)
    assert diag.effective_n == pytest.approx(36 / 7.83)
    m = diag.margins.set_index(["variable", "category"])
    assert m.loc[("age", "young"), "sample_percent"] == pytest.approx(50.0)
    assert m.loc[("age", "young"), "weighted_percent"] == pytest.approx(30.0)
    assert diag.to_frame()["design_effect"].iloc[0] == pytest.approx(1.305)
    # counts instead of shares, a tidy table instead of a dict, and grossing to a total
    counts = pd.DataFrame({"variable": ["sex", "sex", "age", "age"],
                           "category": ["M", "F", "young", "old"],
                           "count": [500, 500, 300, 700]})
    raked = rake(SIX, counts, total=1000)
    gross = raked.weights
    assert gross.tolist() == pytest.approx([75, 75, 175, 175, 150, 350])


def test_rake_dependent_sample_converges_to_the_odds_ratio_solution():
    # 2 x 2 sample counts n = [[2, 1], [1, 2]] (rows M, F; columns young, old), targets
    # rows 3, 3 and columns 1.8, 4.2 (of 6).  IPF keeps the odds ratio n11 n22 / n12 n21 = 4,
    # so the fitted M-young total x solves x(1.2 + x) = 4(3 - x)(1.8 - x), i.e.
    # x^2 - 6.8x + 7.2 = 0, x = (6.8 - sqrt(17.44)) / 2 = 1.311939.
    df = pd.DataFrame({"sex": ["M", "M", "M", "F", "F", "F"],
                       "age": ["young", "young", "old", "young", "old", "old"]})
    raked = rake(df, {"sex": {"M": 3, "F": 3}, "age": {"young": 1.8, "old": 4.2}},
                         tol=1e-12)
    weights, diag = raked.weights, raked.diagnostics
    x = (6.8 - math.sqrt(17.44)) / 2
    assert weights.tolist() == pytest.approx(
        [x / 2, x / 2, 3 - x, 1.8 - x, (1.2 + x) / 2, (1.2 + x) / 2], rel=1e-9)
    assert diag.iterations > 1
    with pytest.raises(ConvergenceError, match="did not converge in 2 iterations"):
        rake(df, {"sex": {"M": 3, "F": 3}, "age": {"young": 1.8, "old": 4.2}}, max_iter=2)


def test_rake_matches_categories_as_text():
    df = pd.DataFrame({"imd": [1, 1, 2, 2, 2, 2]})
    for keys in ({1: 0.5, 2: 0.5}, {"1": 0.5, "2": 0.5}, {1.0: 0.5, 2.0: 0.5}):
        raked = rake(df, {"imd": keys})
        w = raked.weights
        assert w.tolist() == pytest.approx([1.5, 1.5, 0.75, 0.75, 0.75, 0.75])


def test_rake_errors():
    margins = {"sex": {"M": 0.5, "F": 0.5}, "age": {"young": 0.3, "old": 0.7}}
    with pytest.raises(InvalidValueError, match="different totals.*sex: 1, age: 100"):
        rake(SIX, {"sex": {"M": 0.5, "F": 0.5}, "age": {"young": 30, "old": 70}})
    raked = rake(SIX, {"sex": {"M": 0.5, "F": 0.5}, "age": {"young": 30, "old": 70}},
                normalize=True)
    w = raked.weights
    assert w.tolist() == pytest.approx([0.45, 0.45, 1.05, 1.05, 0.9, 2.1])
    with pytest.raises(InvalidValueError, match="no respondents.*found mid"):
        rake(SIX, {**margins, "age": {"young": 0.3, "mid": 0.1, "old": 0.6}})
    odd = SIX.assign(age=["young", "young", "old", "old", "young", "very old"])
    with pytest.raises(InvalidValueError, match="not in the margins of 'age'.*row 5"):
        rake(odd, margins)
    gap = SIX.assign(age=["young", None, "old", "old", "young", "old"])
    with pytest.raises(InvalidValueError, match="missing value in a raking variable.*row 1"):
        rake(gap, margins)
    with pytest.raises(InvalidValueError, match="target is 0"):
        rake(SIX, {**margins, "age": {"young": 0.0, "old": 1.0}})
    with pytest.raises(MissingColumnError):
        rake(SIX, {"ethnicity": {"A": 1.0}})


def test_rake_trimming_and_base_weights():
    rng = np.random.default_rng(1)
    n = 2000
    df = pd.DataFrame({"a": rng.choice(["x", "y", "z"], n, p=[0.7, 0.2, 0.1]),
                       "b": rng.choice(["p", "q"], n, p=[0.8, 0.2]),
                       "base": rng.uniform(0.5, 2.0, n)})
    margins = {"a": {"x": 0.5, "y": 0.25, "z": 0.25}, "b": {"p": 0.6, "q": 0.4}}
    raked = rake(df, margins)
    free, d_free = raked.weights, raked.diagnostics
    assert free.max() / free.mean() > 4
    raked = rake(df, margins, trim=(0.4, 3.0), max_iter=500)
    trimmed, d_trim = raked.weights, raked.diagnostics
    ratio = trimmed / trimmed.mean()
    assert ratio.max() <= 3.0 * (1 + 1e-4) and ratio.min() >= 0.4 * (1 - 1e-4)
    assert ratio.max() == pytest.approx(3.0, rel=1e-4)
    assert d_trim.n_trimmed > 0 and d_trim.design_effect < d_free.design_effect
    with pytest.raises(ConvergenceError, match="trimming bounds"):
        rake(df, margins, trim=(0.9, 1.1), max_iter=50)
    raked = rake(df, margins, base_weight="base")
    based, d_based = raked.weights, raked.diagnostics
    assert based.sum() == pytest.approx(df["base"].sum())
    for var, cats in margins.items():
        for cat, share in cats.items():
            assert based[df[var] == cat].sum() / based.sum() == pytest.approx(share, abs=1e-6)
    assert d_based.n == n


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000))
def test_property_rake_meets_margins(seed):
    rng = np.random.default_rng(seed)
    n = 200
    df = pd.DataFrame({"a": rng.choice(list("xyz"), n), "b": rng.choice(list("pq"), n),
                       "c": rng.choice(list("uvw"), n)})
    margins = {}
    for col in df.columns:
        cats = sorted(df[col].unique())
        share = rng.dirichlet(np.full(len(cats), 5.0))
        margins[col] = dict(zip(cats, share))
    raked = rake(df, margins, max_iter=1000)
    w, diag = raked.weights, raked.diagnostics
    for col, cats in margins.items():
        for cat, share in cats.items():
            assert w[df[col] == cat].sum() / w.sum() == pytest.approx(share, abs=1e-6)
    assert diag.effective_n == pytest.approx(w.sum() ** 2 / (w**2).sum())
    assert w.sum() == pytest.approx(n)


def test_weighted_prevalence_by_hand():
    data = pd.DataFrame({"respondent": [1, 2, 3, 4], "g": ["a", "a", "b", "b"],
                         "text": ["lonely", "my job", "lonely", "lonely"]})
    out = weighted_prevalence(data, apply_codebook(data), weights=[3.0, 1.0, 1.0, 1.0], by="g")
    row = out[(out["g"] == "a") & (out["theme"] == "Loneliness")].iloc[0]
    # group a: weighted 3 / (3 + 1) = 75%; n_eff = 4^2 / (9 + 1) = 1.6
    assert row["weighted_percent"] == pytest.approx(75.0) and row["percent"] == 50.0
    assert row["effective_n"] == pytest.approx(1.6)
    lo, hi = _wilson(np.array(0.75), np.array(1.6), 0.95)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((100 * lo, 100 * hi))
    # with n_eff = N and unit weights the Wilson interval is statsmodels'
    plain = weighted_prevalence(data, apply_codebook(data), weights=[1.0] * 4)
    pr = plain[plain["theme"] == "Loneliness"].iloc[0]
    ref = proportion_ci(3, 4)
    assert pr["ci_low"] == pytest.approx(100 * ref["ci_low"].iloc[0])


def test_rake_result_is_a_frozen_dataclass_of_tables():
    import dataclasses

    result = rake(SIX, {"sex": {"M": 0.5, "F": 0.5}, "age": {"young": 0.3, "old": 0.7}})
    weights, diag = result.weights, result.diagnostics
    with pytest.raises(TypeError):
        iter(result)  # one style of result: fields, not tuple unpacking
    pd.testing.assert_frame_equal(result.to_frame(), weights.to_frame())
    assert list(result.to_frame().columns) == ["weight"]
    assert result.to_frame().index.equals(SIX.index)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.weights = weights
    with pytest.raises(dataclasses.FrozenInstanceError):
        diag.iterations = 2
    assert diag.to_frame()["iterations"].iloc[0] == 1


def test_published_weighted_prevalence():
    data = pd.DataFrame({"respondent": range(43),
                         "text": ["lonely"] * 21 + ["my job"] * 3 + ["my family"] * 19})
    out = weighted_prevalence(data, apply_codebook(data), weights=[1.0] * 43,
                              suppress=True).set_index("theme")
    lonely = out.loc["Loneliness"]
    assert (lonely["n"], lonely["N"]) == (20, 45)  # 21 and 43 rounded to 5
    assert lonely["percent"] == pytest.approx(100 * 20 / 45)  # from the published counts
    assert lonely["weighted_percent"] == pytest.approx(100 * 21 / 43)  # the estimate stays
    work = out.loc["Work and purpose"]
    assert pd.isna(work["n"]) and pd.isna(work["weighted_percent"])  # 3: withheld with it
