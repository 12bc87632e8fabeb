"""Proportion and mean intervals against hand computation and statsmodels."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm
from statsmodels.stats.proportion import proportion_confint

from wellbeing_lib.errors import InvalidValueError
from wellbeing_lib.stats import proportion_ci


def wilson_by_hand(n, N, alpha=0.05):
    """Wilson (1927) score interval written out from the formula."""
    z = norm.ppf(1 - alpha / 2)
    p = n / N
    centre = (p + z**2 / (2 * N)) / (1 + z**2 / N)
    half = z * math.sqrt(p * (1 - p) / N + z**2 / (4 * N**2)) / (1 + z**2 / N)
    return centre - half, centre + half


def test_wilson_85_of_100_matches_hand_computation_and_published_digits():
    out = proportion_ci(85, 100)
    assert list(out.columns) == ["n", "N", "proportion", "ci_low", "ci_high"]
    row = out.iloc[0]
    assert (row["n"], row["N"], row["proportion"]) == (85, 100, 0.85)
    low, high = wilson_by_hand(85, 100)
    assert row["ci_low"] == pytest.approx(low, abs=1e-12)
    assert row["ci_high"] == pytest.approx(high, abs=1e-12)
    assert (round(row["ci_low"], 4), round(row["ci_high"], 4)) == (0.7672, 0.9069)


def test_vectorised_matches_statsmodels():
    count = np.array([0, 1, 12, 85, 40, 7])
    nobs = np.array([10, 1, 40, 100, 40, 1000])
    out = proportion_ci(count, nobs)
    low, high = proportion_confint(count, nobs, alpha=0.05, method="wilson")
    np.testing.assert_allclose(out["ci_low"], low, rtol=0, atol=1e-15)
    np.testing.assert_allclose(out["ci_high"], high, rtol=0, atol=1e-15)
    np.testing.assert_allclose(out["proportion"], count / nobs)
    assert out["n"].tolist() == count.tolist() and out["N"].tolist() == nobs.tolist()
    assert out["ci_low"].iloc[0] == 0 and out["ci_high"].iloc[1] == pytest.approx(1)
    for n, N, lo, hi in zip(count, nobs, out["ci_low"], out["ci_high"]):
        assert (lo, hi) == pytest.approx(wilson_by_hand(n, N), abs=1e-12)


@pytest.mark.parametrize("method", ["beta", "agresti_coull", "jeffreys", "normal"])
def test_other_methods_pass_through(method):
    out = proportion_ci([3, 30], [20, 200], method=method, ci=0.9)
    low, high = proportion_confint(np.array([3, 30]), np.array([20, 200]), alpha=0.1,
                                   method=method)
    np.testing.assert_allclose(out["ci_low"], low)
    np.testing.assert_allclose(out["ci_high"], high)


def test_narrower_at_lower_confidence_and_series_index_kept():
    counts = pd.Series([5, 50], index=["site A", "site B"])
    wide = proportion_ci(counts, 100)
    narrow = proportion_ci(counts, 100, ci=0.8)
    assert list(wide.index) == ["site A", "site B"]
    assert ((narrow["ci_high"] - narrow["ci_low"]) < (wide["ci_high"] - wide["ci_low"])).all()
    assert wide["N"].tolist() == [100, 100]


@pytest.mark.parametrize("count, nobs, message", [
    ([5, 90], [10, 80], r"count exceeds nobs.*row 1.*90/80"),
    (0, 0, "nobs must be positive"),
    (-1, 5, "count is negative"),
    (1.5, 5, "count is not a whole number"),
    (2, 4.5, "nobs is not a whole number"),
    ([1, np.nan], [5, 5], r"missing value.*'count'.*row 1"),
    (["a"], [5], "non-numeric value"),
    ([True], [5], "non-numeric value"),
    ([1, 2], [5, 5, 5], "different lengths"),
])
def test_invalid_counts_raise_named_errors(count, nobs, message):
    with pytest.raises(InvalidValueError, match=message):
        proportion_ci(count, nobs)


def test_series_labels_in_error():
    with pytest.raises(InvalidValueError, match="row site B"):
        proportion_ci(pd.Series([1, 9], index=["site A", "site B"]), pd.Series([5, 5]))


def test_bad_arguments():
    with pytest.raises(ValueError, match="method"):
        proportion_ci(1, 2, method="exact")
    with pytest.raises(InvalidValueError, match="confidence level"):
        proportion_ci(1, 2, ci=1.5)
    with pytest.raises(TypeError):
        proportion_ci(1, 2, alpha=0.05)  # one word for the interval level: ci


def test_interval_ends_are_exact_at_zero_and_all():
    from wellbeing_lib.stats import proportion_ci

    for method in ("wilson", "agresti_coull", "normal", "beta", "jeffreys"):
        t = proportion_ci([0, 20, 3], [20, 20, 20], method=method)
        assert t.loc[0, "ci_low"] == 0.0 and t.loc[1, "ci_high"] == 1.0, method
        assert ((t["ci_low"] >= 0) & (t["ci_high"] <= 1)).all(), method
        assert (t["ci_low"] <= t["proportion"]).all() and (t["proportion"] <= t["ci_high"]).all()
