"""Paired effect sizes and tests (outcomes/effects.py)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from wellbeing_lib import outcomes as oc


def test_paired_effects_against_a_hand_computation():
    # differences 4, 3, 0, 6, -1, 5: mean 17/6 = 2.8333, SD 2.7869 -> d_z = 1.0167
    # SD baseline 7.1181, SD follow-up 8.1343 -> s_av = 7.6262, d_av = 0.37153
    # J(5) = Gamma(2.5) / (sqrt(2.5) Gamma(2)) = 1.32934 / 1.58114 = 0.84075 -> g_av = 0.31236
    paired = pd.DataFrame({"client_id": list("abcdef"),
                           "pam_score_baseline": [40.0, 50, 45, 60, 55, 52],
                           "pam_score_follow_up": [44.0, 53, 45, 66, 54, 57]})
    e = oc.paired_effects(paired, measures={"activation": "pam"}).iloc[0]
    assert e["n"] == 6 and e["mean_change"] == pytest.approx(17 / 6)
    assert e["d_z"] == pytest.approx(1.0167, abs=1e-4)
    assert e["g_av"] == pytest.approx(0.31236, abs=1e-5)
    assert e["t"] == pytest.approx(1.0167 * math.sqrt(6), abs=1e-3)
    from scipy import stats as sps

    assert e["p_t"] == pytest.approx(sps.ttest_rel(paired.iloc[:, 2], paired.iloc[:, 1]).pvalue)
    assert e["n_zero"] == 1  # one zero difference, dropped by Wilcoxon
    assert e["p_wilcoxon"] == pytest.approx(sps.wilcoxon([4, 3, 6, -1, 5]).pvalue)
    # the d_z limits invert the noncentral t: P(T <= t | ncp = lower * sqrt(n)) = 0.975
    for limit, target in ((e["d_z_ci_low"], 0.975), (e["d_z_ci_high"], 0.025)):
        assert sps.nct.cdf(e["t"], 5, limit * math.sqrt(6)) == pytest.approx(target, abs=1e-7)
    # g_av limits: the same noncentrality limits rescaled by J s_D / (s_av sqrt(n))
    scale = 0.84075 * 2.7869 / (7.6262 * math.sqrt(6))
    assert e["g_av_ci_low"] == pytest.approx(e["d_z_ci_low"] * math.sqrt(6) * scale, rel=1e-3)
    # mean change t interval: 2.8333 +- t(0.975, 5) * 2.7869 / sqrt(6)
    half = sps.t.ppf(0.975, 5) * 2.7869 / math.sqrt(6)
    assert (e["change_ci_low"], e["change_ci_high"]) == pytest.approx(
        (17 / 6 - half, 17 / 6 + half), abs=1e-3)


def test_paired_effects_are_direction_adjusted():
    paired = pd.DataFrame({"client_id": list("abcd"), "ucla3_raw_baseline": [8.0, 7, 9, 6],
                           "ucla3_raw_follow_up": [6.0, 6, 7, 6]})
    e = oc.paired_effects(oc.change(paired, {"loneliness": "ucla3"})).iloc[0]
    assert e["mean_change"] == pytest.approx(-1.25)  # raw points: loneliness fell
    assert e["d_z"] > 0 and e["t"] > 0  # + = better
    assert e["direction"] == "lower_better"


def test_paired_effects_ci_level_and_suffixes():
    from scipy import stats as sps

    paired = pd.DataFrame({"person": list("abcdef"),
                           "pam_score_t0": [40.0, 50, 45, 60, 55, 52],
                           "pam_score_t1": [44.0, 53, 45, 66, 54, 57]})
    e = oc.paired_effects(paired, measures={"activation": "pam"}, id="person",
                          suffixes=("_t0", "_t1"), ci=0.9).iloc[0]
    assert e["mean_change"] == pytest.approx(17 / 6)
    half = sps.t.ppf(0.95, 5) * 2.7869 / math.sqrt(6)
    assert (e["change_ci_low"], e["change_ci_high"]) == pytest.approx(
        (17 / 6 - half, 17 / 6 + half), abs=1e-3)
    for limit, target in ((e["d_z_ci_low"], 0.95), (e["d_z_ci_high"], 0.05)):
        assert sps.nct.cdf(e["t"], 5, limit * math.sqrt(6)) == pytest.approx(target, abs=1e-7)
