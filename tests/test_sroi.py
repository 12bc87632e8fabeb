"""Tests for the SROI model in wellbeing_lib.economics (and widgets.sroi_panel).

Expected values are hand-computed from the SROI guide's formula (Cabinet Office / Social
Value UK 2012, as in /work/shared/reference/facts.md), with the arithmetic written out, or
are invariants that must hold whatever the inputs.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wellbeing_lib import economics as ec
from wellbeing_lib.errors import DuplicateKeyError, InvalidValueError, MissingColumnError


def make_map(**changes) -> pd.DataFrame:
    """Three outcomes, three years: the worked example of the first test."""
    m = pd.DataFrame(
        {
            "stakeholder": ["Clients", "NHS", "Clients"],
            "outcome": ["Improved wellbeing", "Fewer GP visits", "Less lonely"],
            "indicator": ["SWEMWBS +3", "GP visits a year", "UCLA-3 below 6"],
            "quantity": [40, 100, 25],
            "proxy_value": [1000.0, 45.0, 600.0],
            "proxy_source": ["illustrative", "PSSRU 2013 GP surgery visit", "illustrative"],
            "proxy_price_year": ["2012/13"] * 3,
            "duration": [3, 2, 2],
            "start_year": [1, 1, 2],
            "deadweight": [0.25, 0.10, 0.20],
            "displacement": [0.0, 0.05, 0.10],
            "attribution": [0.20, 0.10, 0.25],
            "drop_off": [0.30, 0.50, 0.20],
            "value_type": ["social", "fiscal_non_cashable", "social"],
        }
    )
    for column, value in changes.items():
        m[column] = value
    return m


# ------------------------------------------------------------------ the worked example
def test_hand_computed_three_outcomes_three_years_to_the_penny():
    res = ec.sroi(make_map(), 20_000, discount_rate=0.035, first_year_discounted=True)
    t = res.table
    # Improved wellbeing: gross 40 × £1,000 = £40,000; deadweight 25% = £10,000;
    #   displacement 0% = £0; attribution 20% of £30,000 = £6,000 → impact £24,000.
    #   Drop-off 30%: year 2 = 24,000 × 0.7 = £16,800; year 3 = 16,800 × 0.7 = £11,760.
    # Fewer GP visits: gross 100 × £45 = £4,500; deadweight 10% = £450; displacement 5% of
    #   £4,050 = £202.50; attribution 10% of £3,847.50 = £384.75 → impact £3,462.75;
    #   year 2 = 3,462.75 × 0.5 = £1,731.375.
    # Less lonely (starts in year 2): gross 25 × £600 = £15,000; deadweight 20% = £3,000;
    #   displacement 10% of £12,000 = £1,200; attribution 25% of £10,800 = £2,700 →
    #   impact £8,100 in year 2; year 3 = 8,100 × 0.8 = £6,480.
    assert t["outcome"].tolist() == ["Improved wellbeing"] * 3 + ["Fewer GP visits"] * 2 + [
        "Less lonely"
    ] * 2
    assert t["year"].tolist() == [1, 2, 3, 1, 2, 2, 3]
    assert t["outcome_year"].tolist() == [1, 2, 3, 1, 2, 1, 2]
    assert t["gross_value"].tolist() == [40000.0] * 3 + [4500.0] * 2 + [15000.0] * 2
    assert t["deadweight_deduction"].round(2).tolist() == [10000.0] * 3 + [450.0] * 2 + [3000.0] * 2
    assert t["displacement_deduction"].round(2).tolist() == [0.0] * 3 + [202.5] * 2 + [1200.0] * 2
    assert t["attribution_deduction"].round(2).tolist() == [6000.0] * 3 + [384.75] * 2 + [2700.0] * 2
    assert t["impact"].round(2).tolist() == [24000.0] * 3 + [3462.75] * 2 + [8100.0] * 2
    assert t["impact_after_drop_off"].round(3).tolist() == [
        24000.0, 16800.0, 11760.0, 3462.75, 1731.375, 8100.0, 6480.0
    ]
    assert t["drop_off_deduction"].round(3).tolist() == [0.0, 7200.0, 12240.0, 0.0, 1731.375,
                                                          0.0, 1620.0]
    # discounting, year 1 discounted (SROI guide): 24,000/1.035 = 23,188.41;
    # 16,800/1.035² = 15,682.98; 11,760/1.035³ = 10,606.85; 3,462.75/1.035 = 3,345.65;
    # 1,731.375/1.035² = 1,616.26; 8,100/1.035² = 7,561.44; 6,480/1.035³ = 5,844.59
    assert t["present_value"].round(2).tolist() == [
        23188.41, 15682.98, 10606.85, 3345.65, 1616.26, 7561.44, 5844.59
    ]
    # totals by year: 27,462.75/1.035 + 26,631.375/1.035² + 18,240/1.035³
    #               = 26,534.06 + 24,860.67 + 16,451.44 = £67,846.17
    assert round(res.total_present_value, 2) == 67846.17
    assert res.investment_total == 20000.0
    assert round(res.net_present_value, 2) == 47846.17
    assert round(res.ratio, 4) == 3.3923  # 67,846.17 / 20,000
    assert round(res.net_ratio, 4) == 2.3923  # (67,846.17 − 20,000) / 20,000
    # payback: year 1 alone brings £26,534.06 ≥ £20,000 → 20,000 / 26,534.06 = 0.7537 years
    assert round(res.payback_years, 4) == 0.7537
    # undiscounted: 20,000 / 27,462.75 = 0.7283 years
    assert round(res.payback_years_undiscounted, 4) == 0.7283
    totals = res.totals.set_index("measure")["value"]
    assert round(totals["sroi_ratio"], 4) == 3.3923
    assert round(totals["payback_years"], 4) == 0.7537
    # the table's present values add up to the total
    assert t["present_value"].sum() == pytest.approx(res.total_present_value, rel=1e-12)


def test_payback_interpolates_within_a_later_year():
    res = ec.sroi(make_map(), 40_000, discount_rate=0.035)
    # cumulative PV: year 1 £26,534.06, year 2 £51,394.73 → 1 + (40,000 − 26,534.06)/24,860.67
    assert round(res.payback_years, 4) == 1.5417
    never = ec.sroi(make_map(), 1e6, discount_rate=0.035)
    assert never.payback_years == float("inf") and never.ratio < 1


def test_green_book_convention_leaves_year_one_undiscounted():
    res = ec.sroi(make_map(), 20_000, discount_rate=0.035, first_year_discounted=False)
    # 27,462.75 + 26,631.375/1.035 + 18,240/1.035² = £70,220.78
    assert round(res.total_present_value, 2) == 70220.78
    assert res.table.loc[0, "discount_factor"] == 1.0
    assumptions = res.assumptions.set_index("assumption")["value"]
    assert "year 1 not discounted" in assumptions["discounting of year 1"]


def test_default_is_green_book_schedule_with_year_one_discounted():
    default = ec.sroi(make_map(), 20_000)
    flat = ec.sroi(make_map(), 20_000, discount_rate=0.035, first_year_discounted=True)
    # within 30 years the Green Book schedule is a flat 3.5%
    assert default.total_present_value == pytest.approx(flat.total_present_value, rel=1e-12)
    assert default.settings == {"discount_rate": "green_book", "first_year_discounted": True,
                                "price_year": "2012/13"}


def test_green_book_schedule_steps_at_year_31_inside_sroi():
    m = make_map().iloc[[0]].reset_index(drop=True)
    m[["quantity", "proxy_value", "duration"]] = [1, 1000.0, 32]
    m[list(ec.SROI_FRACTIONS)] = 0.0
    t = ec.sroi(m, 1000, discount_rate="green_book").table.set_index("year")
    assert t.loc[30, "discount_factor"] == pytest.approx(1 / 1.035**30, rel=1e-13)
    assert t.loc[31, "discount_factor"] == pytest.approx(1 / (1.035**30 * 1.03), rel=1e-13)
    assert t.loc[32, "discount_factor"] == pytest.approx(1 / (1.035**30 * 1.03**2), rel=1e-13)
    assert t.loc[31, "present_value"] == pytest.approx(1000 / (1.035**30 * 1.03), rel=1e-13)
    # Green Book convention: the step moves one year later
    g = ec.sroi(m, 1000, first_year_discounted=False).table.set_index("year")
    assert g.loc[31, "discount_factor"] == pytest.approx(1 / 1.035**30, rel=1e-13)
    assert g.loc[32, "discount_factor"] == pytest.approx(1 / (1.035**30 * 1.03), rel=1e-13)
    # health schedule: 1.5% to year 30, then 1.29%
    h = ec.sroi(m, 1000, discount_rate="green_book_health").table.set_index("year")
    assert h.loc[31, "discount_factor"] == pytest.approx(1 / (1.015**30 * 1.0129), rel=1e-13)


# ------------------------------------------------------------------ summaries and assumptions
def test_summaries_by_outcome_stakeholder_and_value_type():
    res = ec.sroi(make_map(), 20_000, discount_rate=0.035)
    by_s = res.by_stakeholder.set_index("stakeholder")
    # Clients: wellbeing 49,478.24 + lonely 13,406.03; NHS: 4,961.91
    assert round(by_s.loc["NHS", "present_value"], 2) == 4961.91
    assert round(by_s.loc["Clients", "present_value"], 2) == 62884.26
    assert by_s.loc["Clients", "n_outcomes"] == 2
    assert by_s["share_of_present_value"].sum() == pytest.approx(1.0)
    by_t = res.by_value_type.set_index("value_type")
    assert round(by_t.loc["fiscal_non_cashable", "present_value"], 2) == 4961.91
    by_o = res.by_outcome.set_index("outcome")
    assert by_o.loc["Fewer GP visits", "gross_value"] == 9000.0  # 2 years × £4,500
    no_type = ec.sroi(make_map().drop(columns="value_type"), 20_000)
    assert no_type.by_value_type is None


def test_assumptions_table_lists_every_assumption_with_its_source():
    res = ec.sroi(make_map(), 20_000)
    a = res.assumptions
    assert list(a.columns) == ["assumption", "applies_to", "value", "source"]
    proxy = a[(a["assumption"] == "financial proxy") & a["applies_to"].str.contains("GP")]
    assert proxy["value"].tolist() == ["£45.00 (2012/13 prices)"]
    assert proxy["source"].tolist() == ["PSSRU 2013 GP surgery visit"]
    rate = a.loc[a["assumption"] == "discount rate", "value"].iloc[0]
    assert "3.5% years 0–30" in rate and "3% years 31–75" in rate
    assert (a["assumption"] == "deadweight").sum() == 3
    assert a.loc[a["applies_to"] == "Clients: Less lonely", "value"].tolist()[:3] == [
        "25 (UCLA-3 below 6)", "£600.00 (2012/13 prices)", "2 years from year 2"
    ]


def test_waterfall_table_runs_from_gross_to_present_value():
    res = ec.sroi(make_map(), 20_000, discount_rate=0.035)
    w = ec.waterfall_table(res)
    assert w["step"].tolist() == ["gross value", "deadweight", "displacement", "attribution",
                                  "drop-off", "discounting", "present value"]
    # gross over all outcome-years: 3 × 40,000 + 2 × 4,500 + 2 × 15,000 = 159,000
    assert w.loc[0, "change"] == 159000.0
    assert w.loc[1, "change"] == pytest.approx(-(3 * 10000 + 2 * 450 + 2 * 3000))
    assert w.loc[4, "change"] == pytest.approx(-(7200 + 12240 + 1731.375 + 1620))
    assert w.loc[5, "running_total"] == pytest.approx(res.total_present_value, rel=1e-12)
    assert w.loc[6, "change"] == res.total_present_value


def test_investment_table_with_in_kind_inputs():
    inputs = pd.DataFrame(
        {
            "stakeholder": ["CCG", "City Council", "Volunteers"],
            "input": ["grant", "grant", "500 hours at £20"],
            "type": ["cash", "cash", "in_kind"],
            "value": [12_000, 5_000, 10_000],
        }
    )
    res = ec.sroi(make_map(), inputs, discount_rate=0.035)
    assert res.investment_total == 27_000.0
    assert res.ratio == pytest.approx(67846.1665 / 27_000, rel=1e-8)
    assert res.investment["type"].tolist() == ["cash", "cash", "in_kind"]
    inv_rows = res.assumptions[res.assumptions["assumption"] == "investment"]
    assert inv_rows["value"].tolist() == ["£12,000.00", "£5,000.00", "£10,000.00"]


@pytest.mark.parametrize(
    ("investment", "match"),
    [
        (0, "more than £0"),
        (-5, "more than £0"),
        (float("nan"), "more than £0"),
        ("20000", "not understood"),
        (pd.DataFrame({"stakeholder": ["a"], "value": [-1.0]}), "out of range"),
        (pd.DataFrame({"stakeholder": ["a"], "value": [0.0]}), "more than £0"),
        (pd.DataFrame({"stakeholder": ["a"], "value": [1.0], "type": ["loan"]}), "not allowed"),
        (pd.DataFrame({"who": ["a"], "value": [1.0]}), "required column"),
    ],
)
def test_bad_investment_is_a_named_error(investment, match):
    with pytest.raises((InvalidValueError, MissingColumnError), match=match):
        ec.sroi(make_map(), investment)


def test_proxies_restated_to_one_price_year():
    m = make_map(proxy_price_year=["2016/17", "2024/25", "2024/25"])
    with pytest.warns(UserWarning, match="different price years"):
        mixed = ec.sroi(m, 20_000)
    assert any("not restated" in note for note in mixed.notes)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = ec.sroi(m, 20_000, price_year="2024/25")
    factor = ec.restate_costs(1.0, "2016/17", "2024/25")
    assert res.impact_map["proxy_value"].tolist() == pytest.approx([1000 * factor, 45.0, 600.0])
    assert res.impact_map["proxy_value_as_given"].tolist() == [1000.0, 45.0, 600.0]
    assert res.settings["price_year"] == "2024/25"
    proxy = res.assumptions[res.assumptions["assumption"] == "financial proxy"]["value"]
    assert proxy.iloc[0].startswith("£1,000.00 (2016/17 prices) = £1,26")


def test_caller_frame_is_not_modified():
    m = make_map()
    before = m.copy()
    ec.sroi(m, 20_000, price_year="2012/13")
    ec.apply_overrides(m, {"deadweight": 0.5})
    ec.sroi_monte_carlo(m, 20_000, {"deadweight": ("uniform", 0, 0.5)}, n=10, random_state=0)
    pd.testing.assert_frame_equal(m, before)


# ------------------------------------------------------------------ invariants
maps = st.integers(min_value=1, max_value=3).flatmap(
    lambda k: st.fixed_dictionaries(
        {
            "quantity": st.lists(st.integers(1, 500), min_size=k, max_size=k),
            "proxy_value": st.lists(st.floats(1, 5000), min_size=k, max_size=k),
            "duration": st.lists(st.integers(1, 6), min_size=k, max_size=k),
            "start_year": st.lists(st.integers(1, 3), min_size=k, max_size=k),
            **{
                f: st.lists(st.floats(0, 0.9), min_size=k, max_size=k)
                for f in ec.SROI_FRACTIONS
            },
        }
    )
)


def _random_map(values: dict) -> pd.DataFrame:
    k = len(values["quantity"])
    m = pd.DataFrame(values)
    m.insert(0, "stakeholder", "S")
    m.insert(1, "outcome", [f"o{i}" for i in range(k)])
    m.insert(2, "indicator", "i")
    m["proxy_source"] = "test"
    m["proxy_price_year"] = "2024/25"
    return m


@settings(max_examples=15, deadline=None)
@given(maps, st.sampled_from(ec.SROI_FRACTIONS), st.integers(0, 2), st.floats(0.01, 0.1))
def test_ratio_never_increases_with_a_fraction(values, fraction, which, delta):
    m = _random_map(values)
    k = which % len(m)
    base = ec.sroi(m, 10_000).ratio
    more = m.copy()
    more.loc[k, fraction] = m.loc[k, fraction] + delta
    assert ec.sroi(more, 10_000).ratio <= base * (1 + 1e-12)
    everywhere = ec.apply_overrides(m, {f"{fraction}_scale": 1.1})
    assert ec.sroi(everywhere, 10_000).ratio <= base * (1 + 1e-12)


@settings(max_examples=20, deadline=None)
@given(maps, st.floats(0.0, 0.2), st.floats(0.001, 0.1))
def test_ratio_never_increases_with_the_discount_rate(values, rate, delta):
    m = _random_map(values)
    low = ec.sroi(m, 10_000, discount_rate=rate).ratio
    high = ec.sroi(m, 10_000, discount_rate=rate + delta).ratio
    assert high <= low * (1 + 1e-12)


@settings(max_examples=15, deadline=None)
@given(maps)
def test_doubling_every_quantity_doubles_present_value(values):
    m = _random_map(values)
    one = ec.sroi(m, 10_000)
    two = ec.sroi(ec.apply_overrides(m, {"quantity_scale": 2}), 10_000)
    assert two.total_present_value == pytest.approx(2 * one.total_present_value, rel=1e-12)
    assert two.ratio == pytest.approx(2 * one.ratio, rel=1e-12)


def test_zero_duration_gives_zero_value():
    none = ec.sroi(make_map(duration=0), 20_000)
    assert none.total_present_value == 0.0 and none.ratio == 0.0
    assert len(none.table) == 0
    assert none.payback_years == float("inf")
    assert none.by_outcome["present_value"].tolist() == [0.0, 0.0, 0.0]
    # one outcome lasting 0 years adds nothing
    m = make_map(duration=[3, 0, 2])
    without = make_map().drop(index=1).reset_index(drop=True)
    assert ec.sroi(m, 20_000).total_present_value == pytest.approx(
        ec.sroi(without, 20_000).total_present_value, rel=1e-12
    )


# ------------------------------------------------------------------ overrides and scenarios
def test_apply_overrides_global_per_outcome_and_scaled():
    m = make_map()
    out = ec.apply_overrides(
        m, {"deadweight": 0.4, "drop_off": {"Less lonely": 0.6},
            "proxy_value_scale": {("NHS", "Fewer GP visits"): 2}}
    )
    assert out["deadweight"].tolist() == [0.4, 0.4, 0.4]
    assert out["drop_off"].tolist() == [0.3, 0.5, 0.6]
    assert out["proxy_value"].tolist() == [1000.0, 90.0, 600.0]
    with pytest.raises(InvalidValueError, match="not in the impact map"):
        ec.apply_overrides(m, {"deadweight": {"Happier cats": 0.1}})
    with pytest.raises(InvalidValueError, match="value out of range") as err:
        ec.apply_overrides(m, {"attribution_scale": 5})
    assert err.value.column == "attribution"
    with pytest.raises(InvalidValueError, match="unknown override"):
        ec.apply_overrides(m, {"discount_rate": 0.01})


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


# ------------------------------------------------------------------ Monte Carlo
def test_monte_carlo_with_every_parameter_fixed_equals_sroi_exactly():
    m = make_map()
    for kwargs in ({}, {"discount_rate": 0.035, "first_year_discounted": False}):
        base = ec.sroi(m, 20_000, **kwargs)
        fixed = {
            p: {o: ("fixed", v) for o, v in zip(m["outcome"], m[p])}
            for p in ("quantity", "proxy_value", *ec.SROI_FRACTIONS)
        }
        fixed["investment"] = 20_000
        mc = ec.sroi_monte_carlo(m, 20_000, fixed, n=500, random_state=1, **kwargs)
        assert np.array_equal(mc.ratios, np.full(500, base.ratio))
        assert np.array_equal(mc.present_values, np.full(500, base.total_present_value))
        assert mc.base_ratio == base.ratio
        nothing = ec.sroi_monte_carlo(m, 20_000, {}, n=50, random_state=1, **kwargs)
        assert np.array_equal(nothing.ratios, np.full(50, base.ratio))
    global_fixed = ec.sroi_monte_carlo(m, 20_000, {"deadweight": 0.3, "discount_rate": 0.015},
                                       n=10, random_state=0)
    expected = ec.sroi(make_map(deadweight=0.3), 20_000, discount_rate=0.015).ratio
    assert np.array_equal(global_fixed.ratios, np.full(10, expected))


def test_each_monte_carlo_draw_equals_sroi_on_that_draw():
    m = make_map()
    mc = ec.sroi_monte_carlo(
        m, 20_000,
        {"deadweight": ("uniform", 0.1, 0.4),
         "drop_off": {"Improved wellbeing": ("beta", 2, 5), "Less lonely": ("normal", 0.2, 0.1)},
         "proxy_value": {"Fewer GP visits": ("triangular", 30, 45, 60)}},
        n=2000, random_state=7, keep_draws=True,
    )
    for i in (0, 1, 1999):
        draw = m.copy()
        for p in ("deadweight", "drop_off", "proxy_value"):
            draw[p] = mc.draws[p][i]
        assert ec.sroi(draw, 20_000).ratio == mc.ratios[i]
    assert np.unique(mc.draws["deadweight"][0]).size == 1  # one shared draw for all outcomes
    assert mc.draws["drop_off"][:, 1].tolist() == [0.5] * 2000  # GP visits keeps its value


def test_monte_carlo_is_seeded_and_independent_of_block_size(monkeypatch):
    m = make_map()
    spec = {"attribution": ("triangular", 0.1, 0.2, 0.5), "drop_off": ("uniform", 0.1, 0.6),
            "discount_rate": ("uniform", 0.0, 0.06), "investment": ("normal", 20_000, 3_000)}
    a = ec.sroi_monte_carlo(m, 20_000, spec, n=3000, random_state=42)
    b = ec.sroi_monte_carlo(m, 20_000, spec, n=3000, random_state=42)
    c = ec.sroi_monte_carlo(m, 20_000, spec, n=3000, random_state=43)
    assert np.array_equal(a.ratios, b.ratios) and not np.array_equal(a.ratios, c.ratios)
    monkeypatch.setattr(ec, "_MC_CELLS", 7)
    d = ec.sroi_monte_carlo(m, 20_000, spec, n=3000, random_state=42)
    assert np.array_equal(a.ratios, d.ratios)
    # summary agrees with the draws
    assert (a.ci_low, a.ci_high) == tuple(np.quantile(a.ratios, [0.025, 0.975]))
    assert a.prob_above_1 == np.mean(a.ratios > 1)
    s = a.summary.set_index("measure")
    assert s.loc["sroi_ratio", "median"] == np.median(a.ratios)
    assert s.loc["present_value", "mean"] == pytest.approx(a.present_values.mean())
    assert list(a.distributions["distribution"]) == [
        "triangular(0.1, 0.2, 0.5)", "uniform(0.1, 0.6)", "uniform(0, 0.06)",
        "normal(20000, 3000, 0, inf)",
    ]


def test_distributions_have_the_right_shape():
    m = make_map()
    kinds = {
        "uniform": (("uniform", 0.1, 0.5), 0.3),
        "triangular": (("triangular", 0.1, 0.2, 0.6), 0.3),  # (lo + mode + hi) / 3
        "beta": (("beta", 2, 6), 0.25),  # a / (a + b)
        "beta_scaled": (("beta", 2, 2, 0.2, 0.4), 0.3),
        # normal(0.1, 0.2) truncated to [0, 1]: mean 0.1 + 0.2 × (φ(−0.5) − φ(4.5)) /
        # (Φ(4.5) − Φ(−0.5)) = 0.1 + 0.2 × 0.352065 / 0.691459 = 0.201834
        "normal": (("normal", 0.1, 0.2), 0.201834),
    }
    for spec, mean in kinds.values():
        mc = ec.sroi_monte_carlo(m, 20_000, {"deadweight": spec}, n=40_000, random_state=3,
                                 keep_draws=True)
        x = mc.draws["deadweight"][:, 0]
        assert x.mean() == pytest.approx(mean, abs=0.004), spec
        assert 0 <= x.min() and x.max() <= 1
    upper_tail = ec.sroi_monte_carlo(m, 20_000, {"deadweight": ("normal", 0.0, 0.01, 0.05, 0.06)},
                                     n=1000, random_state=3, keep_draws=True)
    x = upper_tail.draws["deadweight"][:, 0]
    assert 0.05 <= x.min() and x.max() <= 0.06 and x.mean() < 0.052


@pytest.mark.parametrize(
    ("distributions", "match"),
    [
        ({"deadweight": ("uniform", 0.5, 1.5)}, "outside the allowed range"),
        ({"deadweight": ("uniform", 0.5, 0.2)}, "low must be below high"),
        ({"deadweight": ("triangular", 0.1, 0.7, 0.5)}, "low ≤ mode ≤ high"),
        ({"deadweight": ("normal", 0.2, 0.0)}, "standard deviation"),
        ({"deadweight": ("beta", 0, 2)}, "shape parameters"),
        ({"deadweight": ("gamma", 1, 2)}, "not understood"),
        ({"deadweight": ("uniform", 0.1)}, "not understood"),
        ({"quantity": ("uniform", 1, 2)}, "one distribution per outcome"),
        ({"discount_rate": {"Less lonely": 0.01}}, "whole analysis"),
        ({"duration": ("uniform", 1, 2)}, "unknown parameter"),
        ({"drop_off": {"Happier cats": 0.1}}, "not in the impact map"),
    ],
)
def test_bad_distributions_are_named_errors(distributions, match):
    with pytest.raises(InvalidValueError, match=match):
        ec.sroi_monte_carlo(make_map(), 20_000, distributions, n=10)


# ------------------------------------------------------------------ bad impact maps
@pytest.mark.parametrize(
    ("column", "value", "row", "problem"),
    [
        ("deadweight", 1.5, 1, "value out of range"),
        ("attribution", -0.1, 2, "value out of range"),
        ("drop_off", 30, 0, "value out of range"),
        ("displacement", "10%", 1, "non-numeric value"),
        ("quantity", np.nan, 2, "missing value"),
        ("quantity", -3, 0, "value out of range"),
        ("proxy_value", "£45", 1, "non-numeric value"),
        ("proxy_value", np.inf, 1, "value is not finite"),
        ("duration", 2.5, 0, "not a whole number"),
        ("start_year", 0, 2, "value out of range"),
        ("proxy_source", " ", 1, "missing value"),
        ("outcome", None, 0, "missing value"),
        ("value_type", "health", 2, "value not allowed"),
    ],
)
def test_bad_impact_map_names_row_and_field(column, value, row, problem):
    m = make_map().astype({column: "object"})
    m.loc[row, column] = value
    with pytest.raises(InvalidValueError, match=f"impact map: {problem}") as err:
        ec.validate_impact_map(m)
    assert err.value.column == column
    assert err.value.rows == [row]
    with pytest.raises(InvalidValueError, match=problem):
        ec.sroi(m, 20_000)


def test_missing_columns_duplicates_and_empty_maps():
    with pytest.raises(MissingColumnError, match="'drop_off'"):
        ec.validate_impact_map(make_map().drop(columns="drop_off"))
    dup = make_map()
    dup.loc[2, ["stakeholder", "outcome"]] = ["Clients", "Improved wellbeing"]
    with pytest.raises(DuplicateKeyError) as err:
        ec.validate_impact_map(dup)
    assert err.value.rows == [0, 2]
    with pytest.raises(InvalidValueError, match="no rows"):
        ec.validate_impact_map(make_map().iloc[0:0])
    with pytest.raises(InvalidValueError, match="not understood"):
        ec.validate_impact_map([1, 2])


def test_read_impact_map_from_csv_and_xlsx(tmp_path):
    m = make_map()
    headings = {c: c.replace("_", " ").title() for c in m.columns}
    headings["drop_off"] = "Drop-off"
    csv = tmp_path / "impact_map.csv"
    m.rename(columns=headings).to_csv(csv, index=False)
    read = ec.read_impact_map(csv)
    assert list(read.columns[:13]) == list(m.columns[:13])
    assert read.attrs["source"] == "impact_map.csv"
    assert ec.sroi(read, 20_000).ratio == ec.sroi(m, 20_000).ratio
    xlsx = tmp_path / "impact_map.xlsx"
    m.to_excel(xlsx, index=False, sheet_name="Impact map")
    assert ec.read_impact_map(xlsx, sheet_name="Impact map")["quantity"].tolist() == [40, 100, 25]
    bad = m.astype({"deadweight": "object"})
    bad.loc[2, "deadweight"] = "a lot"
    bad.to_csv(csv, index=False)
    with pytest.raises(InvalidValueError) as err:
        ec.read_impact_map(csv)
    message = str(err.value)
    assert "impact_map.csv" in message and "column 'deadweight'" in message
    assert "row 2 (file line 4)" in message and "found a lot" in message


# ------------------------------------------------------------------ plots and panel
def _overlaps(boxes) -> list[tuple[int, int]]:
    return [(i, j) for i in range(len(boxes)) for j in range(i + 1, len(boxes))
            if boxes[i].overlaps(boxes[j])]


@pytest.mark.parametrize("investment", [20_000, 150_000])
def test_waterfall_is_readable_at_its_default_size(investment):
    import matplotlib.pyplot as plt

    res = ec.sroi(make_map(), investment, discount_rate=0.035)
    ax = ec.plot_sroi_waterfall(res)
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ticks = [t for t in ax.get_xticklabels() if t.get_text()]
    assert len(ticks) == 7
    assert _overlaps([t.get_window_extent(renderer) for t in ticks]) == []
    # every value label (and the legend) sits inside the axes, below its top edge, so none
    # can touch the title
    top = ax.get_window_extent(renderer).y1
    texts = [t for t in ax.texts if t.get_text()]
    assert len(texts) == 7
    highest = max(t.get_window_extent(renderer).y1 for t in texts)
    assert highest < top
    assert ax.get_legend().get_window_extent(renderer).y1 <= top
    # value labels do not overlap each other
    assert _overlaps([t.get_window_extent(renderer) for t in texts]) == []
    # on a given, short Axes it returns that Axes and still leaves room for the top label
    # (a fixed 5% margin is ~7 pt here, less than the 3 pt offset + 8 pt text)
    fig2, ax2 = plt.subplots(figsize=(7, 2.5))
    assert ec.plot_sroi_waterfall(res, ax=ax2) is ax2
    fig2.canvas.draw()
    renderer2 = fig2.canvas.get_renderer()
    top2 = ax2.get_window_extent(renderer2).y1
    assert max(t.get_window_extent(renderer2).y1 for t in ax2.texts) < top2
    plt.close(fig)
    plt.close(fig2)


def test_tornado_labels_money_and_fractions_readably():
    import matplotlib.pyplot as plt

    sens = ec.sroi_sensitivity(
        make_map(), 20_000,
        parameters={"investment": (246_155.533, 461_541.624), "attribution": (0.1, 0.5),
                    "discount_rate": (0.015, 0.06), "proxy_value": {"Less lonely": (500, 1250)},
                    "quantity": {"Fewer GP visits": (52.0, 2345.5)}, "drop_off": None,
                    "duration": (1, 3)},
        discount_rate=0.035,
    )
    ax = ec.plot_sroi_tornado(sens)
    labels = {t.get_text() for t in ax.get_yticklabels()}
    assert "investment £246,156 / £461,542" in labels
    assert "attribution 10% / 50%" in labels
    assert "discount_rate 1.5% / 6%" in labels
    assert "proxy_value (Less lonely) £500 / £1,250" in labels
    assert "quantity (Fewer GP visits) 52 / 2,346" in labels
    assert "drop_off ×0.8 / ×1.2" in labels
    assert "duration 1 / 3 years" in labels
    assert not any("e+" in t for t in labels)
    plt.close(ax.figure)


def test_plots_return_labelled_axes():
    import matplotlib.pyplot as plt

    res = ec.sroi(make_map(), 20_000, discount_rate=0.035)
    ax = ec.plot_sroi_waterfall(res)
    assert len(ax.patches) == 7
    assert ax.get_title() == "From gross value to present value (SROI ratio 3.39 : 1)"
    assert ax.get_ylabel() == "value (£)"
    assert ax.patches[0].get_height() == 159000.0
    assert ax.patches[-1].get_height() == pytest.approx(res.total_present_value)
    assert ax.get_lines()[-1].get_ydata()[0] == 20_000  # the investment line
    plt.close(ax.figure)

    sens = ec.sroi_sensitivity(make_map(), 20_000, discount_rate=0.035)
    ax = ec.plot_sroi_tornado(sens)
    assert len(ax.patches) == 2 * len(sens)
    assert ax.get_yticklabels()[-1].get_text().startswith(sens.loc[0, "parameter"])
    plt.close(ax.figure)

    mc = ec.sroi_monte_carlo(make_map(), 20_000, {"deadweight": ("uniform", 0, 0.6)}, n=500,
                             random_state=0)
    ax = ec.plot_sroi_monte_carlo(mc)
    assert [line.get_xdata()[0] for line in ax.get_lines()] == [1.0, mc.base_ratio]
    assert ax.get_title() == "Monte Carlo SROI ratio (n = 500 draws)"
    plt.close(ax.figure)


def test_panel_updates_when_a_slider_moves():
    from wellbeing_lib.widgets import sroi_panel

    m = make_map()
    panel = sroi_panel(m, 20_000, discount_rate="green_book")
    base = ec.sroi(m, 20_000)
    assert panel.current_result.ratio == base.ratio
    assert panel.overrides == {}
    assert "3.39 : £1" in panel.children[3].value
    panel.sliders["deadweight"].value = 0.5
    expected = ec.sroi(ec.apply_overrides(m, {"deadweight": 0.5}), 20_000).ratio
    assert panel.current_result.ratio == expected
    panel.sliders["discount_rate"].value = 0.015
    expected = ec.sroi(ec.apply_overrides(m, {"deadweight": 0.5}), 20_000,
                       discount_rate=0.015).ratio
    assert panel.current_result.ratio == expected
    assert panel.overrides == {"deadweight": 0.5, "discount_rate": 0.015}
    assert f"{expected:.2f} : £1" in panel.children[3].value
    panel.reset()
    assert panel.current_result.ratio == base.ratio and panel.overrides == {}
    assert panel.sliders["drop_off"].value == pytest.approx(np.mean([0.3, 0.5, 0.2]))
