"""Tests for wellbeing_lib.economics.sensitivity: scenarios, one-way sensitivity, breakeven."""

from __future__ import annotations

import numpy as np
import pytest

from tests.economics.impact_maps import make_map
from wellbeing_lib import economics as ec
from wellbeing_lib.errors import InvalidValueError


def test_scenarios_table():
    t = ec.sroi_scenarios(
        make_map(), 20_000,
        {"conservative": {"deadweight": 0.5, "proxy_value_scale": 0.8},
         "optimistic": {"attribution": 0.0, "discount_rate": 0.015}},
        discount_rate=0.035,
    )
    assert t["scenario"].tolist() == ["base", "conservative", "optimistic"]
    assert round(t.loc[0, "ratio"], 4) == 3.3923
    expected = ec.sroi(ec.apply_overrides(make_map(), {"deadweight": 0.5,
                                                       "proxy_value_scale": 0.8}), 20_000,
                       discount_rate=0.035)
    assert t.loc[1, "ratio"] == pytest.approx(expected.ratio, rel=1e-12)
    assert t.loc[2, "ratio"] > t.loc[0, "ratio"] > t.loc[1, "ratio"]
    assert t.loc[2, "changes"] == "attribution = 0.0; discount_rate = 0.015"


def test_scenario_changes_show_plain_numbers_for_numpy_values():
    # values computed with numpy/pandas (np.float64, np.int64) must not show as reprs
    t = ec.sroi_scenarios(
        make_map(), 20_000,
        {"mixed": {"attribution": {"Less lonely": np.float64(0.3),
                                   ("NHS", "Fewer GP visits"): np.float64(0.15)},
                   "duration": {"Less lonely": np.int64(3)},
                   "investment": np.float64(25_000.5), "deadweight": np.float64(0.2)}},
        discount_rate=0.035,
    )
    text = t.loc[1, "changes"]
    assert "np." not in text and "float64" not in text and "int64" not in text
    assert text == ("attribution = {'Less lonely': 0.3, ('NHS', 'Fewer GP visits'): 0.15}; "
                    "duration = {'Less lonely': 3}; investment = 25000.5; deadweight = 0.2")
    assert t.loc[1, "investment"] == 25_000.5


# ------------------------------------------------------------------ sensitivity and breakeven
def test_one_way_sensitivity_table():
    s = ec.sroi_sensitivity(make_map(), 20_000, discount_rate=0.035)
    assert set(s["parameter"]) == set(ec.SENSITIVITY_PARAMETERS)
    assert (s["outcome"] == "all").all()
    assert (np.diff(s["swing"]) <= 0).all()  # largest swing first
    assert s["ratio_base"].unique().tolist() == [pytest.approx(3.3923, abs=1e-4)]
    row = s.set_index("parameter").loc["deadweight"]
    assert (row["low"], row["high"]) == (0.8, 1.2)
    dw = make_map()["deadweight"].to_numpy()
    low = ec.sroi(make_map(deadweight=dw * 0.8), 20_000, discount_rate=0.035).ratio
    assert row["ratio_low"] == pytest.approx(low, rel=1e-12)
    assert row["ratio_low"] > row["ratio_base"] > row["ratio_high"]
    q = s.set_index("parameter").loc["quantity"]
    assert q["ratio_high"] == pytest.approx(1.2 * q["ratio_base"], rel=1e-12)
    rate = s.set_index("parameter").loc["discount_rate"]
    assert (rate["low"], rate["high"]) == pytest.approx((0.028, 0.042))
    dur = s.set_index("parameter").loc["duration"]
    longer = ec.sroi(make_map(duration=[4, 3, 3]), 20_000, discount_rate=0.035).ratio
    assert dur["ratio_high"] == pytest.approx(longer, rel=1e-12)
    # a schedule has every band's rate scaled: within 30 years 3.5% × 0.8 = 2.8%
    g = ec.sroi_sensitivity(make_map(), 20_000, parameters=["discount_rate"]).iloc[0]
    assert g["applied_as"] == "multiplier of every rate in the 'green_book' schedule"
    at_2_8 = ec.sroi(make_map(), 20_000, discount_rate=0.028).ratio
    assert g["ratio_low"] == pytest.approx(at_2_8, rel=1e-12)


def test_sensitivity_with_given_values_and_by_outcome():
    s = ec.sroi_sensitivity(
        make_map(), 20_000,
        parameters={"attribution": (0.0, 0.5), "drop_off": {"Less lonely": (0.0, 1.0)},
                    "investment": (10_000, 40_000)},
        discount_rate=0.035,
    ).set_index("parameter")
    at = s.loc["attribution"]
    assert at["applied_as"] == "value for every outcome"
    half = ec.sroi(make_map(attribution=0.5), 20_000, discount_rate=0.035).ratio
    assert at["ratio_high"] == pytest.approx(half, rel=1e-12)
    assert s.loc["drop_off", "outcome"] == "Less lonely"
    assert s.loc["investment", "ratio_low"] == pytest.approx(67846.1665 / 10_000, rel=1e-8)
    by = ec.sroi_sensitivity(make_map(), 20_000, parameters=["proxy_value"], by_outcome=True)
    assert sorted(by["outcome"]) == ["Fewer GP visits", "Improved wellbeing", "Less lonely"]
    gp = by.set_index("outcome").loc["Fewer GP visits"]
    assert (gp["low"], gp["high"]) == pytest.approx((36.0, 54.0))
    with pytest.raises(InvalidValueError, match="out of range"):
        ec.sroi_sensitivity(make_map(), 20_000, parameters={"deadweight": (0.0, 1.5)})
    with pytest.raises(InvalidValueError, match="unknown parameter"):
        ec.sroi_sensitivity(make_map(), 20_000, parameters=["happiness"])


def _ratio_with(param, row, m, investment, **kw):
    """SROI ratio with a breakeven value plugged back in."""
    x = row["breakeven"]
    if param == "investment":
        return ec.sroi(m, x, **kw).ratio
    if param == "discount_rate":
        return ec.sroi(m, investment, **{**kw, "discount_rate": x}).ratio
    if row["outcome"] == "all":
        key = f"{param}_scale" if param in ("quantity", "proxy_value") else param
        return ec.sroi(ec.apply_overrides(m, {key: x}), investment, **kw).ratio
    return ec.sroi(ec.apply_overrides(m, {param: {(row["stakeholder"], row["outcome"]): x}}),
                   investment, **kw).ratio


@pytest.mark.parametrize("by_outcome", [False, True])
def test_breakeven_values_give_a_ratio_of_one_when_plugged_back(by_outcome):
    m, investment = make_map(), 40_000
    b = ec.breakeven(m, investment, by_outcome=by_outcome)
    reachable = b[b["reachable"]]
    assert len(reachable) >= 6
    for _, row in reachable.iterrows():
        ratio = _ratio_with(row["parameter"], row, m, investment)
        assert ratio == pytest.approx(1.0, rel=1e-9), (row["parameter"], row["outcome"])
    assert b["breakeven"][~b["reachable"]].isna().all()


@pytest.mark.parametrize(("target", "by_outcome"),
                         [(2.3, False), (2.3, True), (0.5, False), (0.5, True), (1.0, False)])
def test_breakeven_values_give_the_target_ratio_when_plugged_back(target, by_outcome):
    # base ratio 67,846.17 / 40,000 = 1.70: 2.3 needs better values, 0.5 worse ones
    m, investment = make_map(), 40_000
    b = ec.breakeven(m, investment, target=target, by_outcome=by_outcome, discount_rate=0.035)
    reachable = b[b["reachable"]]
    assert len(reachable) >= (3 if target == 2.3 and not by_outcome else 6)
    for _, row in reachable.iterrows():
        ratio = _ratio_with(row["parameter"], row, m, investment, discount_rate=0.035)
        assert ratio == pytest.approx(target, rel=1e-9), (row["parameter"], row["outcome"])
    assert (b["target_ratio"] == target).all()
    label = f"{target:g}:1"
    assert b["note"].str.contains(label, regex=False).all(), label
    if target != 1.0:
        assert not b["note"].str.contains(" 1:1", regex=False).any()
    # the investment that gives the target is PV / target
    inv = b.set_index("parameter").loc["investment"]
    assert inv["breakeven"] == pytest.approx(67846.1665 / target, rel=1e-9)


def test_breakeven_target_notes_and_validation():
    m = make_map()
    b = ec.breakeven(m, 20_000, target=2.3, parameters=["quantity", "drop_off"],
                     discount_rate=0.035).set_index("parameter")
    # quantity is proportional: multiplier = 2.3 × 20,000 / 67,846.17 = 0.6780
    assert round(b.loc["quantity", "breakeven"], 4) == 0.6780
    assert b.loc["quantity", "note"].startswith("the ratio reaches 2.3:1 at quantity = 0.678")
    # year 1 alone is worth £26,534 / 20,000 = 1.33 < 2.3: drop-off 100% takes it below 2.3
    assert b.loc["drop_off", "reachable"]
    # at 3.39:1 even the best drop-off (0) cannot reach 5:1
    far = ec.breakeven(m, 20_000, target=5, parameters="drop_off", discount_rate=0.035)
    assert not far.loc[0, "reachable"]
    assert "stays below 5:1 (highest" in far.loc[0, "note"]
    for bad in (0, -1.0, float("nan"), float("inf"), "2.3", True, None):
        with pytest.raises(InvalidValueError, match="target"):
            ec.breakeven(m, 20_000, target=bad)


def test_breakeven_closed_form_and_unreachable_cases():
    m = make_map()
    b = ec.breakeven(m, 20_000, discount_rate=0.035).set_index("parameter")
    # deadweight set for every outcome: PV(d) = (1 − d) × PV(0); PV(0) is the map with no
    # deadweight, so d* = 1 − 20,000 / PV(0)
    pv0 = ec.sroi(make_map(deadweight=0.0), 20_000, discount_rate=0.035).total_present_value
    assert b.loc["deadweight", "breakeven"] == pytest.approx(1 - 20_000 / pv0, rel=1e-10)
    assert np.isnan(b.loc["deadweight", "base"])  # the outcomes' own deadweights differ
    assert "range 0.1–0.25" in b.loc["deadweight", "note"]
    # quantity multiplier: PV is proportional, so m* = 20,000 / 67,846.17 = 0.2948
    assert round(b.loc["quantity", "breakeven"], 4) == 0.2948
    assert b.loc["investment", "breakeven"] == pytest.approx(67846.1665, rel=1e-9)
    # year 1 alone (£26,534) covers £20,000: even 100% drop-off keeps the ratio above 1:1
    assert not b.loc["drop_off", "reachable"]
    assert b.loc["drop_off", "note"].startswith("not reachable in [0, 1]: the ratio stays above")
    # under the Green Book convention year 1 is not discounted: no rate brings it to 1:1
    g = ec.breakeven(m, 25_000, parameters="discount_rate", first_year_discounted=False)
    assert not g.loc[0, "reachable"] and "[0, 1)" in g.loc[0, "note"]
    low = ec.breakeven(m, 1e6, parameters=["attribution"])
    assert not low.loc[0, "reachable"] and "stays below 1:1" in low.loc[0, "note"]
