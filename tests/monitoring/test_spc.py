"""XmR, p- and u-charts: NHSRplotthedots' own results on NHS England A&E data, and hand cases.

The expected results in ``data/nhsrplotthedots_*.csv`` were computed by NHSRplotthedots 0.2.2
(R) on the shipped extract, by ``data/nhsrplotthedots_oracle.R``: 13 scenarios covering the
package README, ``?ptd_spc`` examples and vignettes (one series, facets, rebasing, a fixed
baseline, no outlier screening, per-facet targets and rebases, a neutral direction).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from wellbeing_lib.errors import DuplicateKeyError, InvalidValueError, MissingColumnError
from wellbeing_lib.monitoring import ae_attendances, p_chart, u_chart, xmr_chart

DATA = Path(__file__).parent / "data"
PRE = "2018-04-01"
SIX = ["RRK", "RJC", "RJ7", "R1K", "R1H", "RQM"]
FIVE = ["RAS", "RJZ", "RR1", "RJC", "RQ1"]  # RQ1 has no type 1 rows: as in ?ptd_spc
TEN = ["RRK", "RJC", "RJ7", "R1K", "R1H", "RQM", "RJZ", "RAS", "RR1", "RQ1"]


def org(codes, before=None):
    ae = ae_attendances()
    ae = ae[ae["org_code"].isin(codes)]
    return ae[ae["period"] < before] if before else ae


SCENARIOS = {
    "readme_rqm_target": lambda: xmr_chart(
        org(["RQM"], PRE), value="breaches", date="period", improvement_direction="decrease",
        target=1200),
    "example_rjz": lambda: xmr_chart(
        org(["RJZ"]), value="breaches", date="period", improvement_direction="decrease"),
    "example_five_trusts": lambda: xmr_chart(
        org(FIVE), value="breaches", date="period", group="org_code",
        improvement_direction="decrease"),
    "vignette_rrk_stable": lambda: xmr_chart(
        org(["RRK"], PRE), value="breaches", date="period", improvement_direction="decrease"),
    "vignette_rrk_rebase": lambda: xmr_chart(
        org(["RRK"]), value="breaches", date="period", improvement_direction="decrease",
        rebase="2018-07-01"),
    "vignette_six_trusts": lambda: xmr_chart(
        org(SIX, PRE), value="breaches", date="period", group="org_code",
        improvement_direction="decrease"),
    "deviations_england_rebase": lambda: xmr_chart(
        org(["England"]), value="attendances", date="period",
        rebase=["2017-04-01", "2018-04-01"]),
    "england_attendances": lambda: xmr_chart(org(["England"]), value="attendances",
                                             date="period"),
    "rjz_no_screening": lambda: xmr_chart(
        org(["RJZ"]), value="breaches", date="period", improvement_direction="decrease",
        screen_outliers=False),
    "six_trusts_fixed_12": lambda: xmr_chart(
        org(SIX), value="breaches", date="period", group="org_code",
        improvement_direction="decrease", fix_after_n_points=12),
    "five_trusts_targets_rebase": lambda: xmr_chart(
        org(FIVE), value="attendances", date="period", group="org_code",
        target={"RAS": 9000, "RJZ": 11000, "RR1": 12000, "RJC": 5500},
        rebase={"RJZ": "2017-04-01", "RAS": ["2017-01-01", "2018-01-01"]}),
    "rrk_admissions_neutral": lambda: xmr_chart(
        org(["RRK"]), value="admissions", date="period", improvement_direction="neutral"),
    "ten_trusts_admissions": lambda: xmr_chart(
        org(TEN), value="admissions", date="period", group="org_code", target=3000),
}

#: NHSRplotthedots' special_cause_type -> (rule, side)
R_RULES = {
    "Above UCL": ("outside_limits", "high"), "Below LCL": ("outside_limits", "low"),
    "7 Point Trend (Increasing)": ("trend", "high"),
    "7 Point Trend (Decreasing)": ("trend", "low"),
    "2 in 3 Above CL": ("two_of_three", "high"), "2 in 3 Below CL": ("two_of_three", "low"),
    "7 Points Above CL": ("shift", "high"), "7 Points Below CL": ("shift", "low"),
    "Common Cause": ("none", ""),
}


@pytest.fixture(scope="module")
def expected_points():
    return pd.read_csv(DATA / "nhsrplotthedots_points.csv", keep_default_na=False,
                       na_values=[""])


@pytest.fixture(scope="module")
def expected_summary():
    return pd.read_csv(DATA / "nhsrplotthedots_summary.csv", keep_default_na=False,
                       na_values=[""])


def ours(chart):
    pts = chart.points.copy()
    pts["facet"] = pts[chart.group] if chart.group else "no facet"
    return pts


def test_every_scenario_is_checked(expected_points):
    assert set(expected_points["scenario"]) == set(SCENARIOS)
    assert len(expected_points) == 1209


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_points_equal_nhsrplotthedots(scenario, expected_points):
    chart = SCENARIOS[scenario]()
    exp = expected_points[expected_points["scenario"] == scenario].reset_index(drop=True)
    got = ours(chart).reset_index(drop=True)
    assert len(got) == len(exp)
    assert got["facet"].tolist() == exp["facet"].tolist()
    assert got["period"].dt.strftime("%Y-%m-%d").tolist() == exp["period"].tolist()
    np.testing.assert_array_equal(got["value"], exp["value"])
    assert got["baseline_period"].tolist() == exp["rebase_group"].tolist()
    for col in ("mean", "lpl", "upl"):
        np.testing.assert_allclose(got[col], exp[col], rtol=0, atol=1e-9, err_msg=col)
    for col in ("outside_limits", "close_to_limits", "special_cause_flag", "point_type"):
        assert got[col].tolist() == exp[col].tolist(), col
    assert got["relative_to_mean"].tolist() == exp["relative_to_mean"].tolist()
    assert list(zip(got["rule"], got["side"])) == [R_RULES[t] for t in exp["special_cause_type"]]
    np.testing.assert_array_equal(got["target"], exp["target"])


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_summary_and_icons_equal_nhsrplotthedots(scenario, expected_summary):
    chart = SCENARIOS[scenario]()
    exp = expected_summary[expected_summary["scenario"] == scenario].reset_index(drop=True)
    got = chart.summary.copy()
    got["facet"] = got[chart.group] if chart.group else "no facet"
    got = got.sort_values(["facet", "baseline_period"]).reset_index(drop=True)
    assert got["facet"].tolist() == exp["facet"].tolist()
    assert got["baseline_period"].tolist() == exp["rebase_group"].tolist()
    for col in ("mean", "lpl", "upl"):
        np.testing.assert_allclose(got[col], exp[col], rtol=0, atol=1e-9, err_msg=col)
    for col in ("n", "common_cause", "special_cause_improvement", "special_cause_concern",
                "variation_type"):
        assert got[col].tolist() == exp[col].tolist(), col
    # assurance: NHSRplotthedots gives it on each facet's latest rebase group only
    latest = exp.loc[exp.groupby("facet")["rebase_group"].idxmax()].set_index("facet")
    icons = chart.icons.assign(facet=chart.icons[chart.group] if chart.group else "no facet")
    icons = icons.set_index("facet").loc[latest.index]
    assert icons["assurance"].fillna("").tolist() == latest["assurance_type"].fillna("").tolist()


def test_documented_results():
    """What NHSRplotthedots' documentation says, in its own words."""
    # README: RQM 2016/17-2017/18, lower is better, target 1200 -> common cause, inconsistent
    icons = SCENARIOS["readme_rqm_target"]().icons
    assert icons.loc[0, "variation"] == "common_cause"
    assert icons.loc[0, "assurance"] == "inconsistent"
    # vignette: "8 sequential points coloured in blue ... >=7 points on one side of the mean"
    pts = SCENARIOS["vignette_rrk_stable"]().points
    blue = pts["point_type"].eq("special_cause_improvement").to_numpy()
    assert blue.sum() == 8
    first = int(np.argmax(blue))
    assert blue[first:first + 8].all() and set(pts["rule"][blue]) == {"shift"}
    # deviations vignette: three rebased sections of 12 common cause points each
    pts = SCENARIOS["deviations_england_rebase"]().points
    assert pts.groupby("baseline_period").size().tolist() == [12, 12, 12]
    assert (pts["point_type"] == "common_cause").all()


def test_deviations_vignette_hand_series():
    """UPL 4.6, mean 1.94, LPL -0.72 screened; 6.95, 1.94, -3.06 as the Excel tool."""
    df = pd.DataFrame({"day": pd.date_range("2021-03-22", periods=18),
                       "y": [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]})
    screened = xmr_chart(df, value="y", date="day").summary.iloc[0]
    assert screened[["upl", "mean", "lpl"]].tolist() == pytest.approx(
        [4.6044444444444448, 1.9444444444444444, -0.71555555555555572], abs=1e-12)
    excel = xmr_chart(df, value="y", date="day", screen_outliers=False).summary.iloc[0]
    assert excel[["upl", "mean", "lpl"]].tolist() == pytest.approx(
        [6.9515032679738562, 1.9444444444444444, -3.0626143790849669], abs=1e-12)
    assert excel["special_cause_improvement"] == 1  # the 10 is above the limit either way


# ------------------------------------------------------------------ each rule by hand
def chart(values, **kwargs):
    df = pd.DataFrame({"month": pd.date_range("2020-01-01", periods=len(values), freq="MS"),
                       "y": values})
    return xmr_chart(df, value="y", date="month", **kwargs)


def test_limits_by_hand():
    # mean 3, moving ranges 1,1,1,1 -> mean MR 1 -> limits 3 -/+ 2.66, near 3 -/+ 1.7733
    pts = chart([1.0, 2, 3, 4, 5]).points
    assert pts["mean"].iloc[0] == 3.0
    assert pts["lpl"].iloc[0] == pytest.approx(3 - 2.66)
    assert pts["upl"].iloc[0] == pytest.approx(3 + 2.66)
    assert pts["near_upl"].iloc[0] == pytest.approx(3 + 2 * 2.66 / 3)


def test_screening_drops_a_moving_range_of_3267_times_the_mean():
    # MRs 1,1,1,1,1,1,1,1,1,11,11: mean 31/11 = 2.818; 11 >= 3.267 * 2.818 = 9.21 -> screened
    pts = chart([1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 13, 2]).points
    assert pts["upl"].iloc[0] - pts["mean"].iloc[0] == pytest.approx(2.66 * 1.0)
    unscreened = chart([1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 13, 2], screen_outliers=False).points
    assert unscreened["upl"].iloc[0] - unscreened["mean"].iloc[0] == pytest.approx(2.66 * 31 / 11)


def test_point_outside_limits():
    vals = [4, 8] * 6 + [20]
    pts = chart(vals).points
    assert pts["upl"].iloc[0] < 20  # mean 7.08, mean MR 4.67 (nothing screened): UPL 19.5
    assert pts["rule"].iloc[-1] == "outside_limits" and pts["side"].iloc[-1] == "high"
    assert pts["point_type"].iloc[-1] == "special_cause_improvement"
    assert (pts["rule"].iloc[:-1] == "none").all()
    low = chart([4, 8] * 6 + [-9]).points
    assert low["rule"].iloc[-1] == "outside_limits"
    assert low["point_type"].iloc[-1] == "special_cause_concern"
    lower_better = chart([4, 8] * 6 + [-9], improvement_direction="decrease").points
    assert lower_better["point_type"].iloc[-1] == "special_cause_improvement"


def test_shift_of_seven():
    base = [12, 10] * 6
    pts = chart(base + [12] * 7).points  # seven above the mean (11.37)
    assert pts["rule"].iloc[-7:].eq("shift").all() and pts["side"].iloc[-1] == "high"
    assert pts["rule"].iloc[:-7].eq("none").all()
    assert pts["special_cause_type"].iloc[-1] == "Shift: 7 or more points above the mean"
    pts = chart(base + [12] * 6).points  # six: no signal
    assert pts["rule"].eq("none").all()
    pts = chart(base + [12] * 6, shift=6).points  # unless the run length is 6
    assert pts["rule"].iloc[-6:].eq("shift").all()


def test_point_on_the_mean_breaks_a_shift():
    # 19 whole numbers summing to 95: the mean is exactly 5; the 5 in the middle of the
    # run of 6s is on the mean and splits 8 points above into 3 + 4
    vals = [2, 8] * 4 + [6, 6, 6, 5, 6, 6, 6, 6] + [2, 3, 3]
    pts = chart(vals).points
    assert pts["mean"].iloc[0] == 5.0 and pts["relative_to_mean"].iloc[11] == 0
    assert not pts["rule"].eq("shift").any()
    vals[11] = 6  # without it: 8 above the mean
    assert chart(vals).points["rule"].iloc[8:16].eq("shift").all()


def test_trend_of_seven_and_ties_break_it():
    rising = [1, 2, 3, 4, 5, 6, 7]
    pts = chart([4, 3, 4, 3] + rising + [4, 3]).points
    assert pts["rule"].iloc[4:11].eq("trend").all()
    assert pts["side"].iloc[4:11].eq("high").all()
    assert pts["special_cause_type"].iloc[4] == "Trend: 7 or more points rising"
    assert pts["rule"].iloc[[0, 1, 2, 3, 11, 12]].eq("none").all()
    # a repeated value (a tie) breaks the trend: 1 2 3 3 4 5 6 7 has no 7 rising points
    pts = chart([4, 3, 4, 3, 1, 2, 3, 3, 4, 5, 6, 7, 4, 3]).points
    assert not pts["rule"].eq("trend").any()
    # falling, with trend=6 (Health Care Data Guide); not a trend with the default 7
    pts = chart([4, 3, 4, 3, 7, 6, 5, 4, 3, 2, 4, 3], trend=6).points
    assert pts["rule"].iloc[4:10].eq("trend").all() and pts["side"].iloc[4] == "low"
    assert not chart([4, 3, 4, 3, 7, 6, 5, 4, 3, 2, 4, 3]).points["rule"].eq("trend").any()


def test_two_of_three_near_a_limit_on_the_same_side():
    # NHSRplotthedots' own test: two near-limit points on opposite sides are common cause
    vals = [1, -1] * 8
    vals[14], vals[15] = 5.5, -5.5
    pts = chart(vals).points
    assert pts["close_to_limits"].iloc[14] and pts["close_to_limits"].iloc[15]
    assert pts["point_type"].iloc[-2:].eq("common_cause").all()
    # two near the upper limit with the point between them above the mean too: both flagged
    vals = [1, -1] * 8 + [5.5, 2.0, 5.5, -1]
    pts = chart(vals).points
    assert pts["upl"].iloc[0] > 5.5 > pts["near_upl"].iloc[0] and pts["mean"].iloc[0] < 2.0
    assert pts["rule"].iloc[16] == "two_of_three" and pts["rule"].iloc[18] == "two_of_three"
    assert pts["side"].iloc[16] == "high"
    assert pts["rule"].iloc[17] == "none"  # the middle point is not near the limit
    vals[17] = 0.0  # the middle point below the mean: no signal
    assert not chart(vals).points["rule"].eq("two_of_three").any()


def test_priority_outside_before_trend_before_two_of_three_before_shift():
    from wellbeing_lib.monitoring import detect_rules

    # 8 points rising, all above the mean, the last two beyond the limit, the 5th and 6th
    # near it: outside names the last two, trend the rest (not two-of-three, not shift)
    y = np.array([1.0, 2, 3, 4, 5, 6, 7, 8])
    flags = detect_rules(y, mean=np.zeros(8), lpl=np.full(8, -6.5), upl=np.full(8, 6.5),
                         near_lpl=np.full(8, -4.5), near_upl=np.full(8, 4.5),
                         segment=np.zeros(8, dtype=int))
    assert flags.shift.all() and flags.trend.all() and flags.two_of_three[4:6].all()
    assert flags.rule.tolist() == ["trend"] * 6 + ["outside_limits"] * 2
    # no trend: two of three beats the shift
    y = np.array([1.0, 2, 1, 5, 5, 1, 2])
    flags = detect_rules(y, mean=np.zeros(7), lpl=np.full(7, -6.5), upl=np.full(7, 6.5),
                         near_lpl=np.full(7, -4.5), near_upl=np.full(7, 4.5),
                         segment=np.zeros(7, dtype=int))
    assert flags.rule.tolist() == ["shift"] * 3 + ["two_of_three"] * 2 + ["shift"] * 2
    # a new segment (series or baseline period) breaks every run
    flags = detect_rules(y, mean=np.zeros(7), lpl=np.full(7, -6.5), upl=np.full(7, 6.5),
                         near_lpl=np.full(7, -4.5), near_upl=np.full(7, 4.5),
                         segment=np.array([0, 0, 0, 0, 1, 1, 1]))
    assert flags.rule.tolist() == ["none"] * 7


def test_missing_month_is_kept_and_breaks_runs():
    vals = [10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 12, 12, 12, np.nan, 12, 12, 12, 12]
    pts = chart(vals).points
    assert len(pts) == 20 and pts["point_type"].iloc[15] == "no_data"
    assert pts["rule"].iloc[15] == "no_data" and not pts["special_cause_flag"].iloc[15]
    assert not pts["rule"].eq("shift").any()  # 4 + 4 around the gap, not 8
    # the mean and moving ranges skip the gap: no range across it
    observed = [v for v in vals if not np.isnan(v)]
    assert pts["mean"].iloc[0] == pytest.approx(np.mean(observed))
    ranges = [abs(b - a) for a, b in zip(vals[:-1], vals[1:]) if not np.isnan(a + b)]
    assert pts["upl"].iloc[0] == pytest.approx(np.mean(observed) + 2.66 * np.mean(ranges))
    # the icon is that of the latest observed point
    pts = chart([1, 2, 1, 2, np.nan]).icons
    assert pts.loc[0, "latest_value"] == 2


def test_rebase_at_a_stated_date_starts_a_new_period():
    vals = [5, 6] * 6 + [15, 16] * 6
    c = chart(vals, rebase="2021-01-01")
    pts = c.points
    assert pts["baseline_period"].tolist() == [0] * 12 + [1] * 12
    assert pts["mean"].iloc[0] == 5.5 and pts["mean"].iloc[-1] == 15.5
    assert (pts["point_type"] == "common_cause").all()
    # a rebase date between months starts the period at the next point
    assert chart(vals, rebase="2020-12-15").points["baseline_period"].tolist() == [0] * 12 + [1] * 12
    # without rebasing, the step is a special cause
    assert chart(vals).points["special_cause_flag"].any()
    with pytest.raises(ValueError, match="rebase date 2019-01-01"):
        chart(vals, rebase="2019-01-01")


def test_fixed_baseline_uses_the_first_n_points():
    vals = [5, 6] * 6 + [9, 9, 9, 9]
    pts = chart(vals, fix_after_n_points=12).points
    assert pts["mean"].iloc[-1] == 5.5
    assert pts["baseline"].tolist() == [True] * 12 + [False] * 4
    assert (pts["rule"].iloc[-4:] == "outside_limits").all()
    assert not pts["trial_limits"].any()
    assert chart(vals[:8]).points["trial_limits"].all()  # fewer than 12 points: trial limits
    with pytest.raises(ValueError, match="fix_after_n_points"):
        chart(vals, fix_after_n_points=1)


def test_assurance_icons():
    vals = [90, 92] * 8
    assert chart(vals, target=80).icons.loc[0, "assurance"] == "consistent_pass"
    assert chart(vals, target=91).icons.loc[0, "assurance"] == "inconsistent"
    assert chart(vals, target=99).icons.loc[0, "assurance"] == "consistent_fail"
    lower = chart(vals, target=99, improvement_direction="decrease").icons
    assert lower.loc[0, "assurance"] == "consistent_pass"
    assert lower.loc[0, "assurance_label"] == "Target consistently met"
    assert chart(vals).icons.loc[0, "assurance_label"] == "No target"
    assert chart(vals, target=80, improvement_direction="neutral").icons.loc[0, "assurance"] is None


def test_bad_input_gets_named_errors():
    df = pd.DataFrame({"month": ["2020-01-01", "2020-02-01", "2020-02-01"], "y": [1, 2, 3]})
    with pytest.raises(DuplicateKeyError, match="rows 1, 2"):
        xmr_chart(df, value="y", date="month")
    df = pd.DataFrame({"month": ["2020-01-01", "not a date"], "y": [1, 2]})
    with pytest.raises(InvalidValueError, match="unreadable date.*row 1"):
        xmr_chart(df, value="y", date="month")
    df = pd.DataFrame({"month": ["2020-01-01", "2020-02-01"], "y": [1, "x"]})
    with pytest.raises(InvalidValueError, match="non-numeric"):
        xmr_chart(df, value="y", date="month")
    with pytest.raises(MissingColumnError):
        xmr_chart(df, value="waits", date="month")
    with pytest.raises(ValueError, match="improvement_direction"):
        xmr_chart(df.assign(y=[1, 2]), value="y", date="month", improvement_direction="up")


# ------------------------------------------------------------------ p- and u-charts
def test_p_chart_limits_by_hand():
    df = pd.DataFrame({"month": pd.date_range("2020-01-01", periods=4, freq="MS"),
                       "x": [30, 35, 28, 10], "n": [50, 50, 40, 40]})
    pts = p_chart(df, numerator="x", denominator="n", date="month", percent=False).points
    p = 103 / 180
    assert pts["mean"].iloc[0] == pytest.approx(p)
    assert pts["upl"].iloc[0] == pytest.approx(p + 3 * np.sqrt(p * (1 - p) / 50))
    assert pts["lpl"].iloc[2] == pytest.approx(p - 3 * np.sqrt(p * (1 - p) / 40))
    assert pts["rule"].iloc[3] == "outside_limits"


def test_p_chart_limits_stay_within_0_and_1_and_zero_denominator_is_no_data():
    df = pd.DataFrame({"month": pd.date_range("2020-01-01", periods=4, freq="MS"),
                       "x": [9, 10, 0, 10], "n": [10, 10, 0, 10]})
    pts = p_chart(df, numerator="x", denominator="n", date="month").points
    assert pts["upl"].max() <= 100 and pts["lpl"].min() >= 0
    assert pts["point_type"].iloc[2] == "no_data"
    with pytest.raises(InvalidValueError, match="no larger than"):
        p_chart(df.assign(x=[11, 1, 0, 1]), numerator="x", denominator="n", date="month")


def test_laney_p_prime_widens_limits_for_large_denominators():
    rng = np.random.default_rng(1)
    true = 0.3 + rng.normal(0, 0.03, 24)  # real month-to-month variation
    n = np.full(24, 20000)
    df = pd.DataFrame({"month": pd.date_range("2019-01-01", periods=24, freq="MS"),
                       "x": rng.binomial(n, true), "n": n})
    plain = p_chart(df, numerator="x", denominator="n", date="month", percent=False)
    laney = p_chart(df, numerator="x", denominator="n", date="month", percent=False, laney=True)
    assert plain.points["outside_limits"].sum() > 10  # over-dispersed: far too many signals
    assert laney.points["outside_limits"].sum() <= 1
    # sigma_z by hand: mean moving range of the z-scores / 1.128
    p = df["x"].sum() / df["n"].sum()
    z = (df["x"] / df["n"] - p) / np.sqrt(p * (1 - p) / n)
    sigma_z = np.mean(np.abs(np.diff(z))) / 1.128
    assert laney.points["upl"].iloc[0] == pytest.approx(
        p + 3 * np.sqrt(p * (1 - p) / 20000) * sigma_z)
    assert laney.chart == "p'"


def test_u_chart_per_1000():
    df = pd.DataFrame({"month": pd.date_range("2017-01-01", periods=3, freq="MS"),
                       "referrals": [12, 9, 30], "registered": [8000, 8000, 8100]})
    pts = u_chart(df, numerator="referrals", denominator="registered", date="month",
                  multiplier=1000).points
    u = 51 / 24100
    assert pts["mean"].iloc[0] == pytest.approx(u * 1000)
    assert pts["upl"].iloc[2] == pytest.approx((u + 3 * np.sqrt(u / 8100)) * 1000)
    assert pts["lpl"].min() >= 0
    with pytest.raises(InvalidValueError, match="impossible count"):
        u_chart(df.assign(referrals=[-1, 0, 1]), numerator="referrals",
                denominator="registered", date="month")
