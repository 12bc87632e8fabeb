"""Tests for wellbeing_lib.economics.sroi: the SROI model, its summaries and overrides.

Expected values are hand-computed from the SROI guide's formula (Cabinet Office / Social
Value UK 2012, as in /work/shared/reference/facts.md), with the arithmetic written out, or
are invariants that must hold whatever the inputs.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.economics.impact_maps import make_map
from wellbeing_lib import economics as ec
from wellbeing_lib.errors import InvalidValueError, MissingColumnError


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


def test_result_is_frozen_with_the_table_as_its_frame():
    res = ec.sroi(make_map(), 20_000, discount_rate=0.035)
    assert res.to_frame() is res.table
    with pytest.raises(AttributeError):
        res.ratio = 0.0
    assert repr(res).startswith("SROIResult(ratio ")
