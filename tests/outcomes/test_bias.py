"""Regression to the mean and difference-in-differences (outcomes/bias.py)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from wellbeing_lib import outcomes as oc
from wellbeing_lib.datasets import social_prescribing_truth
from wellbeing_lib.errors import InvalidValueError, UnmatchedRecordsError


def test_expected_regression_formula():
    # (1 - r)(mu - x1) with mu = 23.5, r = 0.8: 0.2 * (23.5 - 18) = 1.1; 0.2 * (23.5 - 25) = -0.3
    out = oc.expected_regression(pd.Series([18.0, 25.0, np.nan], index=["a", "b", "c"]),
                                 mean=23.5, reliability=0.8)
    assert out.name == "expected_regression" and list(out.index) == ["a", "b", "c"]
    assert out.iloc[:2].tolist() == pytest.approx([1.1, -0.3])
    assert np.isnan(out["c"])
    assert oc.expected_regression(20.0, mean=20.0, reliability=0.5) == 0.0
    with pytest.raises(InvalidValueError, match="reliability"):
        oc.expected_regression([18.0], mean=23.5, reliability=1.2)


def did_table():
    # referred changes 3, 3, 2, 4 (mean 3, SD 0.8165); comparison 1, 0, 1, 1 (mean 0.75, SD 0.5)
    return pd.DataFrame({
        "client_id": range(8), "measure": "w",
        "baseline": [18.0, 20, 19, 21, 19, 20, 18, 21],
        "follow_up": [21.0, 23, 21, 25, 20, 20, 19, 22],
        "practice": ["A", "B", "A", "B", "A", "B", "A", "B"],
        "group": ["referred"] * 4 + ["comparison"] * 4})


def test_difference_in_differences_hand_made_two_groups():
    rows = oc.difference_in_differences(did_table()).set_index("estimate")
    assert rows.loc["before-after change, referred (uncontrolled)", "value"] == 3.0
    assert rows.loc["before-after change, comparison", "value"] == 0.75
    did = rows.loc["difference-in-differences"]
    assert did["value"] == pytest.approx(2.25)
    # HC3 with one binary regressor: SE^2 = s_1^2/(n_1 - 1) + s_0^2/(n_0 - 1)
    #                                    = 0.6667/3 + 0.25/3 = 0.30556
    assert did["se"] == pytest.approx(math.sqrt(0.6667 / 3 + 0.25 / 3), abs=1e-4)
    # ANCOVA: least squares of change on [1, referred, centred baseline]
    t = did_table()
    x = np.column_stack([np.ones(8), (t["group"] == "referred"), t["baseline"] - 19.5])
    coef = np.linalg.lstsq(x, t["follow_up"] - t["baseline"], rcond=None)[0]
    assert rows.loc["difference-in-differences, adjusted for baseline (ANCOVA)",
                    "value"] == pytest.approx(coef[1])
    rtm = rows.loc["expected change from regression to the mean, referred"]
    assert np.isnan(rtm["value"]) and "pass rtm_mean=" in rtm["method"]
    clustered = oc.difference_in_differences(did_table(), cov_type="cluster",
                                             cluster="practice").set_index("estimate")
    assert clustered.loc["difference-in-differences", "value"] == pytest.approx(2.25)
    assert "cluster-robust SE by practice" in clustered.loc["difference-in-differences",
                                                            "method"]


def test_difference_in_differences_takes_groups_from_a_clients_table():
    t = did_table()
    people = t[["client_id", "group"]]
    out = oc.difference_in_differences(t.drop(columns="group"), clients=people,
                                       adjust_baseline=False)
    assert out["value"].iloc[2] == pytest.approx(2.25)
    with pytest.raises(UnmatchedRecordsError, match="7"):
        oc.difference_in_differences(t.drop(columns="group"), clients=people.iloc[:7])
    with pytest.raises(InvalidValueError, match="value not allowed"):
        oc.difference_in_differences(t.assign(group=["referred"] * 4 + ["other"] * 4))


def test_bundled_difference_in_differences_is_near_the_truth(changes):
    truth = social_prescribing_truth().set_index("measure")
    did = oc.difference_in_differences(changes, measures="wellbeing",
                                       rtm_mean={"wellbeing": 23.4},
                                       rtm_reliability={"wellbeing": 0.83})
    rows = did.set_index("estimate")
    uncontrolled = rows.loc["before-after change, referred (uncontrolled)"]
    assert uncontrolled["n"] == truth.loc["SWEMWBS metric", "n_referred"] == 845
    assert uncontrolled["value"] == pytest.approx(truth.loc["SWEMWBS metric",
                                                            "change_referred"])
    assert rows.loc["before-after change, comparison", "value"] == pytest.approx(0.67, abs=0.01)
    est = rows.loc["difference-in-differences"]
    assert est["value"] == pytest.approx(1.45, abs=0.01)  # README: +1.45 (SE 0.21)
    assert est["se"] == pytest.approx(0.21, abs=0.01)
    true = truth.loc["SWEMWBS metric", "true_effect"]
    assert abs(est["value"] - true) < 2 * est["se"]
    assert est["ci_low"] < true < est["ci_high"]
    assert uncontrolled["value"] - true > 0.3  # the uncontrolled figure overstates
    rtm = rows.loc["expected change from regression to the mean, referred"]
    assert rtm["value"] > 0 and "r = 0.83" in rtm["method"]


def test_difference_in_differences_ci_and_id_are_arguments():
    from scipy import stats as sps

    t = did_table()
    narrow = oc.difference_in_differences(t, ci=0.9).set_index("estimate")
    row = narrow.loc["before-after change, referred (uncontrolled)"]
    interval = sps.ttest_1samp([3.0, 3, 2, 4], 0.0).confidence_interval(0.9)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((interval.low, interval.high))
    wide = oc.difference_in_differences(t).set_index("estimate")
    did, did90 = wide.loc["difference-in-differences"], narrow.loc["difference-in-differences"]
    assert did90["se"] == pytest.approx(did["se"])
    assert did["ci_low"] < did90["ci_low"] < did90["value"] < did90["ci_high"] < did["ci_high"]
    renamed = t.rename(columns={"client_id": "person"})
    people = renamed[["person", "group"]]
    out = oc.difference_in_differences(renamed.drop(columns="group"), clients=people,
                                       id="person")
    pd.testing.assert_frame_equal(out, oc.difference_in_differences(t))


def test_regression_to_the_mean_uses_the_instrument_column_of_the_change_table():
    # WEMWBS has a norm mean (49.4) and a test-retest reliability (0.83) in the registry
    paired = pd.DataFrame({"client_id": range(8),
                           "wemwbs_raw_baseline": [38.0, 40, 42, 44, 39, 41, 43, 45],
                           "wemwbs_raw_follow_up": [43.0, 44, 45, 47, 40, 41, 44, 45],
                           "group": ["referred"] * 4 + ["comparison"] * 4})
    changes = oc.change(paired, {"wellbeing": "wemwbs"}, keep=["group"])
    merged = changes.merge(paired[["client_id"]], on="client_id")  # as a notebook would
    rows = oc.difference_in_differences(merged).set_index("estimate")
    rtm = rows.loc["expected change from regression to the mean, referred"]
    expected = np.mean([(1 - 0.83) * (49.4 - x) for x in (38.0, 40, 42, 44)])
    assert rtm["value"] == pytest.approx(expected)
    assert "registry norm_mean" in rtm["method"] and "registry retest_reliability" in rtm["method"]
