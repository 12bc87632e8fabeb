"""Referral rates, funnel limits and representation against hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from wellbeing_lib.errors import InvalidValueError
from wellbeing_lib.monitoring import (
    exact_funnel_limits,
    funnel,
    poisson_ci,
    referral_rates,
    representation,
    self_referral_profile,
)


def poisson_cdf(k: int, mu: float) -> float:
    return sum(math.exp(-mu) * mu**j / math.factorial(j) for j in range(k + 1)) if k >= 0 else 0.0


def binom_cdf(k: int, n: int, p: float) -> float:
    return sum(math.comb(n, j) * p**j * (1 - p) ** (n - j) for j in range(k + 1)) if k >= 0 else 0.0


def spiegelhalter(cdf, prob: float) -> float:
    """The interpolated quantile of Spiegelhalter (2005), by hand: r_p - a."""
    r = 0
    while cdf(r) < prob:
        r += 1
    a = (cdf(r) - prob) / (cdf(r) - cdf(r - 1))
    return r - a


# ------------------------------------------------------------------ Garwood intervals
@pytest.mark.parametrize("count, low, high", [
    (0, 0.0, 3.689), (1, 0.0253, 5.572), (5, 1.6235, 11.668), (10, 4.795, 18.390),
    (20, 12.217, 30.888),
])
def test_garwood_exact_poisson_intervals_match_published_tables(count, low, high):
    # exact 95% limits for a Poisson count, as tabulated (e.g. Ulm 1990, Am J Epidemiol)
    ci = poisson_ci(count).iloc[0]
    assert ci["ci_low"] == pytest.approx(low, abs=6e-4)
    assert ci["ci_high"] == pytest.approx(high, abs=6e-4)


def test_poisson_ci_scales_by_exposure_and_rejects_bad_counts():
    ci = poisson_ci(10, 2000, multiplier=1000).iloc[0]
    assert ci["rate"] == 5.0 and ci["ci_high"] == pytest.approx(18.390 / 2, abs=1e-3)
    with pytest.raises(InvalidValueError, match="whole number"):
        poisson_ci(2.5)
    with pytest.raises(InvalidValueError, match="exposure must be positive"):
        poisson_ci(3, 0)


def test_referral_rates_per_1000_per_year():
    refs = pd.DataFrame({"practice": ["A"] * 30 + ["B"] * 5})
    pop = pd.DataFrame({"practice": ["A", "B"], "registered": [10000, 4000], "years": [2, 0.5]})
    rates = referral_rates(refs, pop, years="years")
    assert rates["exposure"].tolist() == [20000, 2000]
    assert rates["rate"].tolist() == pytest.approx([1.5, 2.5])
    assert rates.loc[1, "ci_high"] == pytest.approx(11.668 / 2000 * 1000, abs=1e-3)
    with pytest.raises(InvalidValueError, match="no registered population"):
        referral_rates(pd.DataFrame({"practice": ["Z"]}), pop)


# ------------------------------------------------------------------ funnel limits
def test_exact_poisson_funnel_limits_by_hand():
    # target 1 referral per 100 patients, 1,000 patients: Y ~ Poisson(10)
    for level in (0.95, 0.998):
        p = (1 - level) / 2
        low, high = exact_funnel_limits([1000], target=0.01, level=level)
        assert low[0] == pytest.approx(spiegelhalter(lambda r: poisson_cdf(r, 10), p) / 1000)
        assert high[0] == pytest.approx(spiegelhalter(lambda r: poisson_cdf(r, 10), 1 - p) / 1000)
    # the 95% upper limit: P(Y<=16)=0.97296 < 0.975 <= P(Y<=17)=0.98572 -> 17 - 0.8400
    low, high = exact_funnel_limits([1000], target=0.01)
    assert high[0] * 1000 == pytest.approx(17 - (0.985722 - 0.975) / (0.985722 - 0.972958),
                                           abs=1e-4)


def test_exact_binomial_funnel_limits_by_hand():
    low, high = exact_funnel_limits([50], target=0.2, kind="binomial", level=0.998)
    assert low[0] == pytest.approx(spiegelhalter(lambda r: binom_cdf(r, 50, 0.2), 0.001) / 50)
    assert high[0] == pytest.approx(spiegelhalter(lambda r: binom_cdf(r, 50, 0.2), 0.999) / 50)


def test_funnel_units_positions_and_curve():
    df = pd.DataFrame({"practice": list("ABCD"), "referrals": [30, 12, 60, 9],
                       "registered": [10000, 6000, 9000, 5000]})
    f = funnel(df, count="referrals", exposure="registered", unit="practice")
    assert f.target == pytest.approx(111 / 30000 * 1000)
    assert f.units.loc[2, "position"] == "above 99.8%"
    assert f.units["z"].iloc[0] == pytest.approx((30 / 10000 - 111 / 30000)
                                                 / math.sqrt(111 / 30000 / 10000))
    low, high = exact_funnel_limits([6000], target=111 / 30000, level=0.95)
    assert f.units.loc[1, "low_95"] == pytest.approx(low[0] * 1000)
    assert f.curve["exposure"].is_monotonic_increasing
    assert (f.curve["high_998"] >= f.curve["high_95"]).all()
    assert f.overdispersion is None and f.tau2 == 0.0


def test_funnel_overdispersion_by_hand():
    rng = np.random.default_rng(4)
    n = np.full(20, 5000.0)
    counts = rng.poisson(n * 0.01 * rng.gamma(5, 1 / 5, 20))
    df = pd.DataFrame({"unit": [f"u{i}" for i in range(20)], "o": counts, "n": n})
    theta = counts.sum() / n.sum()
    z = (counts / n - theta) / np.sqrt(theta / n)
    lo, hi = np.quantile(z, [0.1, 0.9])
    phi = np.mean(np.clip(z, lo, hi) ** 2)
    assert phi > 1
    mult = funnel(df, count="o", exposure="n", unit="unit", overdispersion="multiplicative")
    assert mult.phi == pytest.approx(phi)
    assert mult.units.loc[0, "high_95"] == pytest.approx(
        (theta + 1.959963985 * np.sqrt(phi * theta / 5000)) * 1000)
    add = funnel(df, count="o", exposure="n", unit="unit", overdispersion="additive")
    w = n / theta
    tau2 = (20 * phi - 19) / (w.sum() - (w**2).sum() / w.sum())
    assert add.tau2 == pytest.approx(tau2)
    assert add.units.loc[0, "low_998"] == pytest.approx(
        (theta - 3.090232306 * np.sqrt(theta / 5000 + tau2)) * 1000)
    # no overdispersion: exact limits whatever was asked for
    calm = df.assign(o=(n * theta).round())
    assert funnel(calm, count="o", exposure="n", unit="unit",
                  overdispersion="additive").overdispersion is None


def test_funnel_rejects_impossible_proportions():
    df = pd.DataFrame({"unit": ["a"], "x": [12], "n": [10]})
    with pytest.raises(InvalidValueError, match="impossible"):
        funnel(df, count="x", exposure="n", unit="unit", kind="binomial")


# ------------------------------------------------------------------ who is referred
def test_representation_ratio_and_exact_interval():
    from scipy.stats import binomtest

    refs = pd.DataFrame({"imd": [1] * 30 + [2] * 20 + [3] * 10})
    pop = pd.DataFrame({"characteristic": "imd", "category": ["1", "2", "3", "4"],
                        "registered": [1000, 2000, 3000, 4000]})
    table = representation(refs, pop, by="imd")
    row = table.set_index("category").loc["1"]
    assert row["ratio"] == pytest.approx((30 / 60) / (1000 / 10000))
    ci = binomtest(30, 60).proportion_ci(method="exact")
    assert row["ratio_ci_low"] == pytest.approx(ci.low / 0.1)
    assert row["ratio_ci_high"] == pytest.approx(ci.high / 0.1)
    assert row["rate"] == pytest.approx(30.0)
    never = table.set_index("category").loc["4"]
    assert never["referred"] == 0 and never["ratio"] == 0
    with pytest.raises(InvalidValueError, match="no registered population"):
        representation(pd.DataFrame({"imd": [9]}), pop, by="imd")
    with pytest.raises(InvalidValueError, match="not in the population"):
        representation(refs.assign(sex="F"), pop, by="sex")


def test_self_referral_profile_newcombe_by_hand():
    from statsmodels.stats.proportion import proportion_confint

    df = pd.DataFrame({"referral_route": ["Self-referral"] * 20 + ["GP"] * 80,
                       "imd_quintile": [5] * 15 + [1] * 5 + [5] * 30 + [1] * 50})
    table = self_referral_profile(df, by="imd_quintile").set_index("category")
    five = table.loc["5"]
    assert five["proportion"] == pytest.approx(15 / 45)
    p1, p2 = 15 / 20, 30 / 80
    l1, u1 = proportion_confint(15, 20, method="wilson")
    l2, u2 = proportion_confint(30, 80, method="wilson")
    assert five["difference"] == pytest.approx(100 * (p1 - p2))
    assert five["difference_ci_low"] == pytest.approx(
        100 * (p1 - p2 - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)))
    assert five["difference_ci_high"] == pytest.approx(
        100 * (p1 - p2 + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)))
    assert 0 < five["p_chi2"] < 0.05
    with pytest.raises(InvalidValueError, match="route missing"):
        self_referral_profile(df.assign(referral_route=None), by="imd_quintile")
