"""Tests for wellbeing_lib.economics: discounting, unit costs, restating price years.

Expected values are hand-computed from the formulas (written out in each test) or are the
published figures in /work/shared/reference/facts.md.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wellbeing_lib import economics as ec
from wellbeing_lib.errors import (
    DataError,
    DuplicateKeyError,
    InvalidValueError,
    MissingColumnError,
    UnmatchedRecordsError,
)
from wellbeing_lib.io import data_dir

# ------------------------------------------------------------------ discount rates


def test_discount_rate_table_holds_the_green_book_schedules():
    t = ec.discount_rates()
    assert {"schedule", "from_year", "to_year", "rate", "source", "year"} <= set(t.columns)
    gb = t[t["schedule"] == "green_book"].sort_values("from_year")
    assert gb["from_year"].tolist() == [0, 31, 76, 126, 201, 301]
    assert gb["to_year"].iloc[:-1].tolist() == [30, 75, 125, 200, 300]
    assert np.isnan(gb["to_year"].iloc[-1])  # 301+ has no upper limit
    assert gb["rate"].tolist() == [0.035, 0.030, 0.025, 0.020, 0.015, 0.010]
    health = t[t["schedule"] == "green_book_health"].sort_values("from_year")
    assert health["rate"].iloc[0] == 0.015  # facts.md: 1.5% for health effects
    assert health["to_year"].max() == 125  # later bands are not shipped
    assert t["source"].str.contains("Green Book").all()


# ------------------------------------------------------------------ discount factors


def test_flat_rate_first_year_discounted_matches_hand_computation():
    f = ec.discount_factors([1, 2, 3], 0.035, first_year_discounted=True)
    # 1/1.035, 1/1.035^2, 1/1.035^3
    np.testing.assert_allclose(f, [0.966183574879227, 0.933510700366403, 0.901942705668022])


def test_flat_rate_default_leaves_year_one_undiscounted():
    f = ec.discount_factors([1, 2, 3], 0.035)
    np.testing.assert_allclose(f, [1.0, 0.966183574879227, 0.933510700366403])


def test_the_two_conventions_differ_by_exactly_one_year():
    years = np.arange(1, 41)
    shifted = ec.discount_factors(years + 1, "green_book")
    np.testing.assert_allclose(
        ec.discount_factors(years, "green_book", first_year_discounted=True), shifted
    )


def test_flat_rate_other_values():
    assert ec.discount_factors(10, 0.05) == pytest.approx(1 / 1.05**9)
    assert ec.discount_factors(4, 0.0, first_year_discounted=True) == 1.0
    assert ec.discount_factors(0, 0.035, first_year_discounted=True) == 1.0


def test_green_book_schedule_steps_at_year_31_without_a_jump():
    f30, f31, f32 = ec.discount_factors([30, 31, 32], "green_book", first_year_discounted=True)
    assert f30 == pytest.approx(1 / 1.035**30, rel=1e-13)
    assert f31 == pytest.approx(1 / (1.035**30 * 1.03), rel=1e-13)
    assert f32 == pytest.approx(1 / (1.035**30 * 1.03**2), rel=1e-13)
    # the one-year ratio is 1 + the rate of that year: 3.5% up to year 30, 3.0% after
    f29 = ec.discount_factors(29, "green_book", first_year_discounted=True)
    assert f29 / f30 == pytest.approx(1.035)
    assert f30 / f31 == pytest.approx(1.03)


def test_green_book_default_convention_moves_the_step_to_year_32():
    f = ec.discount_factors([31, 32], "green_book")
    assert f[0] == pytest.approx(1 / 1.035**30, rel=1e-13)
    assert f[1] == pytest.approx(1 / (1.035**30 * 1.03), rel=1e-13)


def test_green_book_later_bands():
    f75, f76 = ec.discount_factors([75, 76], "green_book", first_year_discounted=True)
    assert f75 == pytest.approx(1 / (1.035**30 * 1.03**45), rel=1e-12)
    assert f76 == pytest.approx(1 / (1.035**30 * 1.03**45 * 1.025), rel=1e-12)
    f301 = ec.discount_factors(301, "green_book", first_year_discounted=True)
    expected = 1 / (1.035**30 * 1.03**45 * 1.025**50 * 1.02**75 * 1.015**100 * 1.01)
    assert f301 == pytest.approx(expected, rel=1e-12)


def test_green_book_is_the_default_schedule():
    np.testing.assert_array_equal(
        ec.discount_factors([1, 10, 40]), ec.discount_factors([1, 10, 40], "green_book")
    )


def test_health_schedule_and_its_horizon():
    f30, f31 = ec.discount_factors([30, 31], "green_book_health", first_year_discounted=True)
    assert f30 == pytest.approx(1 / 1.015**30, rel=1e-13)
    assert f31 == pytest.approx(1 / (1.015**30 * 1.0129), rel=1e-13)
    ec.discount_factors(125, "green_book_health", first_year_discounted=True)  # last band
    with pytest.raises(InvalidValueError, match="beyond the published 'green_book_health'"):
        ec.discount_factors([10, 126], "green_book_health", first_year_discounted=True)


def test_shapes_scalar_array_series():
    assert isinstance(ec.discount_factors(3, 0.035), float)
    s = pd.Series([1, 2], index=["a", "b"])
    out = ec.discount_factors(s, 0.035)
    assert isinstance(out, pd.Series) and out.name == "discount_factor"
    assert list(out.index) == ["a", "b"]
    grid = ec.discount_factors(np.array([[1, 2], [3, 4]]), 0.035)
    assert grid.shape == (2, 2)
    assert grid[1, 1] == pytest.approx(1 / 1.035**3)


@pytest.mark.parametrize(
    ("years", "rate", "kwargs", "match"),
    [
        ([1, 2], 3.5, {}, "out of range"),
        ([1, 2], -0.01, {}, "out of range"),
        ([1, 2], "greenbook", {}, "unknown discount schedule"),
        ([1, 2], None, {}, "not understood"),
        ([0, 1], 0.035, {}, "before the start"),
        ([-1], 0.035, {"first_year_discounted": True}, "before the start"),
        ([1.5], 0.035, {}, "not a whole number"),
        ([1, np.nan], 0.035, {}, "not a whole number"),
        (["x"], 0.035, {}, "not a number"),
    ],
)
def test_discount_factor_errors(years, rate, kwargs, match):
    with pytest.raises(InvalidValueError, match=match):
        ec.discount_factors(years, rate, **kwargs)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=400), min_size=1, max_size=30),
    st.sampled_from(["green_book", 0.035, 0.015]),
)
def test_factors_are_in_0_1_and_never_increase(years, rate):
    years = np.sort(np.asarray(years))
    f = ec.discount_factors(years, rate, first_year_discounted=True)
    assert ((f > 0) & (f <= 1)).all()
    assert (np.diff(f) <= 0).all()


# ------------------------------------------------------------------ present value


def test_present_value_of_a_hand_made_stream_to_the_penny():
    stream = pd.DataFrame({"year": [1, 2, 3], "value": [1000.0, 1000.0, 1000.0]})
    pv = ec.present_value(stream, rate=0.035, first_year_discounted=True)
    # 1000/1.035 = 966.18, 1000/1.035^2 = 933.51, 1000/1.035^3 = 901.94
    assert pv["present_value"].round(2).tolist() == [966.18, 933.51, 901.94]
    assert round(pv.attrs["total_present_value"], 2) == 2801.64
    assert pv.attrs["rate"] == 0.035 and pv.attrs["first_year_discounted"] is True


def test_present_value_green_book_default_cost_then_benefits():
    # year 1 cost £5,000 (not discounted), then £2,000 a year for three years
    stream = pd.DataFrame({"yr": [1, 2, 3, 4], "net": [-5000.0, 2000.0, 2000.0, 2000.0]})
    pv = ec.present_value(stream, value="net", year="yr")
    # -5000 + 2000/1.035 + 2000/1.035^2 + 2000/1.035^3 = 603.27
    assert round(pv.attrs["total_present_value"], 2) == 603.27
    assert pv["present_value"].round(2).tolist() == [-5000.0, 1932.37, 1867.02, 1803.89]


def test_present_value_keeps_other_columns_and_does_not_mutate_input():
    stream = pd.DataFrame(
        {"outcome": ["a", "a", "b"], "year": [1, 2, 1], "value": [10.0, 10.0, 5.0]},
        index=[7, 8, 9],
    )
    before = stream.copy()
    pv = ec.present_value(stream, rate=0.1)
    pd.testing.assert_frame_equal(stream, before)
    assert list(pv.columns) == ["outcome", "year", "value", "discount_factor", "present_value"]
    assert list(pv.index) == [7, 8, 9]
    assert pv.loc[8, "present_value"] == pytest.approx(10 / 1.1)
    by_outcome = pv.groupby("outcome")["present_value"].sum()
    assert by_outcome["a"] == pytest.approx(10 + 10 / 1.1)


def test_present_value_errors_name_column_and_rows():
    stream = pd.DataFrame({"year": [1, 0, 2], "value": [1.0, 2.0, 3.0]})
    with pytest.raises(InvalidValueError, match="before the start") as err:
        ec.present_value(stream)
    assert err.value.column == "year" and err.value.rows == [1]

    long = pd.DataFrame({"year": [1, 127], "value": [1.0, 1.0]})
    with pytest.raises(InvalidValueError, match="horizon") as err:
        ec.present_value(long, rate="green_book_health")
    assert err.value.rows == [1]

    with pytest.raises(InvalidValueError, match="missing value") as err:
        ec.present_value(pd.DataFrame({"year": [1, 2], "value": [1.0, None]}))
    assert err.value.column == "value" and err.value.rows == [1]

    with pytest.raises(InvalidValueError, match="not a whole number"):
        ec.present_value(pd.DataFrame({"year": [1, 2.5], "value": [1.0, 1.0]}))

    with pytest.raises(MissingColumnError):
        ec.present_value(pd.DataFrame({"t": [1], "value": [1.0]}))


# ------------------------------------------------------------------ unit costs

FACTS_COSTS = {  # facts.md, "Example unit costs"
    "ae_attendance_admitted": (138, "NHS Reference Costs 2013-14"),
    "ae_attendance_not_admitted": (114, "NHS Reference Costs 2013-14"),
    "minor_injury_unit_attendance": (67, "NHS Reference Costs 2013-14"),
    "walk_in_centre_attendance": (46, "NHS Reference Costs 2013-14"),
    "gp_surgery_visit": (45, "Unit Costs of Health and Social Care 2013"),
    "gp_telephone_consultation": (27, "Unit Costs of Health and Social Care 2013"),
    "gp_home_visit": (114, "Unit Costs of Health and Social Care 2013"),
}


def test_unit_costs_reproduce_facts_exactly():
    t = ec.unit_costs()
    assert list(t.columns) == ec.UNIT_COST_COLUMNS
    assert t["item"].is_unique
    t = t.set_index("item")
    for item, (cost, source) in FACTS_COSTS.items():
        assert t.loc[item, "cost"] == cost, item
        assert source in t.loc[item, "source"], item
        assert t.loc[item, "currency"] == "GBP"
    assert (
        t.loc[[k for k in FACTS_COSTS if k.startswith(("ae", "minor", "walk"))], "price_year"]
        == "2013/14"
    ).all()


def test_every_unit_cost_is_dated_and_sourced():
    t = ec.unit_costs()
    assert t[["unit", "price_year", "source", "source_year"]].notna().all().all()
    assert (t["cost"] > 0).all()
    assert t["price_year"].str.fullmatch(r"\d{4}/\d{2}").all()


USE = pd.DataFrame(
    {"client": ["A", "B", "C"], "gp": [2, 0, 1], "ae": [1, 3, 0], "age": [70, 80, 90]},
    index=[10, 11, 12],
)
MAP = {"gp": "gp_surgery_visit", "ae": "ae_attendance_not_admitted"}


def _cost(data=USE, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # mixed price years, tested separately
        return ec.cost_service_use(data, **kwargs)


def test_cost_service_use_small_table():
    out = _cost(unit_cost_map=MAP, id="client")
    assert list(out.columns) == [
        "client",
        "service",
        "item",
        "count",
        "unit_cost",
        "cost",
        "price_year",
        "currency",
    ]
    assert out["client"].tolist() == ["A", "A", "B", "B", "C", "C"]
    assert out["service"].tolist() == ["gp", "ae"] * 3
    # A: 2×45 + 1×114; B: 0×45 + 3×114; C: 1×45 + 0×114
    assert out["cost"].tolist() == [90.0, 114.0, 0.0, 342.0, 45.0, 0.0]
    assert out.attrs["total_cost"] == 591.0
    assert out["price_year"].tolist() == ["2012/13", "2013/14"] * 3
    assert (out["currency"] == "GBP").all()
    per_client = out.groupby("client")["cost"].sum()
    assert per_client.to_dict() == {"A": 204.0, "B": 342.0, "C": 45.0}


def test_cost_service_use_without_id_keeps_row_labels_and_input_untouched():
    before = USE.copy()
    out = _cost(counts=["gp"], unit_cost_map={"gp": "gp_home_visit"})
    pd.testing.assert_frame_equal(USE, before)
    assert out["row"].tolist() == [10, 11, 12]
    assert out["cost"].tolist() == [228.0, 0.0, 114.0]


def test_columns_named_after_items_need_no_map():
    data = pd.DataFrame({"gp_surgery_visit": [1, 2], "gp_telephone_consultation": [3, 0]})
    out = ec.cost_service_use(data, counts=list(data.columns))  # one price year: no warning
    assert out["cost"].tolist() == [45.0, 81.0, 90.0, 0.0]


def test_mixed_price_years_warn():
    with pytest.warns(UserWarning, match="different price years"):
        ec.cost_service_use(USE, unit_cost_map=MAP)


def test_unknown_item_and_unmapped_column_name_the_column():
    with pytest.raises(InvalidValueError, match="unknown item 'gp_visit'") as err:
        _cost(unit_cost_map={"gp": "gp_visit"})
    assert err.value.column == "gp"
    with pytest.raises(InvalidValueError, match="no unit cost mapped") as err:
        _cost(counts=["gp", "ae"], unit_cost_map={"gp": "gp_surgery_visit"})
    assert err.value.column == "ae"


def test_negative_non_numeric_and_missing_counts():
    bad = USE.assign(ae=[1, -2, 0])
    with pytest.raises(InvalidValueError, match="out of range") as err:
        _cost(bad, unit_cost_map=MAP)
    assert err.value.column == "ae" and err.value.rows == [11]

    with pytest.raises(InvalidValueError, match="non-numeric"):
        _cost(USE.assign(gp=["1", "two", "3"]), unit_cost_map=MAP)

    gap = USE.assign(gp=[2.0, None, 1.0])
    with pytest.raises(InvalidValueError, match="missing value") as err:
        _cost(gap, unit_cost_map=MAP)
    assert err.value.column == "gp" and err.value.rows == [11]

    out = _cost(gap, unit_cost_map=MAP, missing="propagate")
    assert np.isnan(out.loc[2, "cost"]) and out.loc[3, "cost"] == 342.0
    assert np.isnan(out.attrs["total_cost"])  # never a silent zero


def test_missing_count_column_and_bad_arguments():
    with pytest.raises(MissingColumnError):
        _cost(unit_cost_map={"nurse": "gp_surgery_visit"})
    with pytest.raises(MissingColumnError):
        _cost(unit_cost_map=MAP, id="person")
    with pytest.raises(InvalidValueError, match="no count columns"):
        _cost()
    with pytest.raises(InvalidValueError, match="missing-value policy"):
        _cost(unit_cost_map=MAP, missing="zero")


def test_own_cost_table():
    local = pd.DataFrame(
        {
            "item": ["social_worker_hour", "home_care_hour"],
            "cost": [50.0, 20.0],
            "price_year": ["2023/24", "2023/24"],
            "currency": ["GBP", "GBP"],
        }
    )
    data = pd.DataFrame({"sw": [1.5, 0.0], "hc": [10.0, 4.0]})
    out = ec.cost_service_use(
        data, unit_cost_map={"sw": "social_worker_hour", "hc": "home_care_hour"}, costs=local
    )
    assert out["cost"].tolist() == [75.0, 200.0, 0.0, 80.0]

    with pytest.raises(DuplicateKeyError):
        ec.cost_service_use(
            data, unit_cost_map={"sw": "social_worker_hour"}, costs=pd.concat([local, local])
        )
    with pytest.raises(InvalidValueError, match="out of range"):
        ec.cost_service_use(
            data, unit_cost_map={"sw": "social_worker_hour"}, costs=local.assign(cost=[-1.0, 20.0])
        )
    with pytest.raises(InvalidValueError, match="more than one currency"):
        ec.cost_service_use(
            data,
            unit_cost_map={"sw": "social_worker_hour", "hc": "home_care_hour"},
            costs=local.assign(currency=["GBP", "EUR"]),
        )
    with pytest.raises(MissingColumnError):
        ec.cost_service_use(data, unit_cost_map={"sw": "x"}, costs=local.drop(columns="currency"))


# ------------------------------------------------------------------ restating costs

INDEX = pd.DataFrame({"year": ["2012/13", "2013/14", "2016/17"], "index": [100.0, 102.0, 110.0]})


def test_restate_refuses_an_explicit_none_index():
    with pytest.raises(DataError, match="no price index supplied"):
        ec.restate_costs(45.0, "2012/13", "2016/17", index=None)


def test_restate_arithmetic_scalar_vector_and_series():
    assert ec.restate_costs(45.0, "2012/13", "2016/17", index=INDEX) == pytest.approx(49.5)
    np.testing.assert_allclose(
        ec.restate_costs([45.0, 138.0], ["2012/13", "2013/14"], "2016/17", index=INDEX),
        [45 * 1.10, 138 * 110 / 102],
    )
    s = pd.Series([102.0, 51.0], index=["x", "y"], name="cost")
    out = ec.restate_costs(s, "2013/14", "2012/13", index=INDEX)
    assert out.to_dict() == pytest.approx({"x": 100.0, "y": 50.0})
    assert out.name == "cost"
    # same year: unchanged
    assert ec.restate_costs(27.0, "2013/14", "2013/14", index=INDEX) == 27.0
    # integer years match labels written as text and vice versa
    by_int = pd.DataFrame({"year": [2013, 2016], "index": [1.0, 1.5]})
    assert ec.restate_costs(10.0, "2013", 2016, index=by_int) == pytest.approx(15.0)


def test_restate_service_use_output_to_one_price_year():
    out = _cost(unit_cost_map=MAP, id="client")
    restated = ec.restate_costs(out["cost"], out["price_year"], "2016/17", index=INDEX)
    # A's GP visits: 90 × 110/100; A's A&E attendance: 114 × 110/102
    assert restated.iloc[0] == pytest.approx(99.0)
    assert restated.iloc[1] == pytest.approx(114 * 110 / 102)


def test_restate_errors():
    with pytest.raises(InvalidValueError, match="not in the index") as err:
        ec.restate_costs(45.0, "2010/11", "2016/17", index=INDEX)
    assert err.value.found == ["2010/11"]
    with pytest.raises(InvalidValueError, match="not in the index"):
        ec.restate_costs(45.0, "2012/13", "2030/31", index=INDEX)
    with pytest.raises(DuplicateKeyError):
        ec.restate_costs(45.0, "2012/13", "2016/17", index=pd.concat([INDEX, INDEX.iloc[:1]]))
    with pytest.raises(InvalidValueError, match="not positive"):
        ec.restate_costs(45.0, "2012/13", "2016/17", index=INDEX.assign(index=[0.0, 1, 2]))
    with pytest.raises(MissingColumnError):
        ec.restate_costs(45.0, "2012/13", "2016/17", index=INDEX.rename(columns={"index": "i"}))
    with pytest.raises(InvalidValueError, match="one per cost"):
        ec.restate_costs([1.0, 2.0, 3.0], ["2012/13", "2013/14"], "2016/17", index=INDEX)
    with pytest.raises(InvalidValueError, match="not a number"):
        ec.restate_costs(["a"], "2012/13", "2016/17", index=INDEX)


# ------------------------------------------------------------------ shipped NHS cost inflation index

# Annual % changes published in PSSRU Unit Costs of Health and Social Care 2025 Manual
# (2015/16 ... 2024/25); the 2015/16-2022/23 figures are the same in the 2024 Manual.
NHSCII = {
    "nhscii_pay_and_prices": [0.40, 2.09, 1.24, 1.60, 2.14, 2.49, 2.58, 7.32, 2.47, 4.02],
    "nhscii_pay": [0.30, 2.10, 1.21, 1.60, 2.58, 3.41, 3.07, 7.41, 2.18, 5.11],
    "nhscii_prices": [0.56, 2.06, 1.30, 1.59, 1.30, 0.84, 1.72, 7.15, 2.98, 2.04],
}
FIN_YEARS = [f"{y}/{(y + 1) % 100:02d}" for y in range(2014, 2025)]


def test_inflation_index_holds_the_published_changes_and_chains_them():
    t = ec.inflation_index()
    assert {"index", "financial_year", "value", "source", "year"} <= set(t.columns)
    for name, changes in NHSCII.items():
        one = ec.inflation_index(name)
        assert one["financial_year"].tolist() == FIN_YEARS
        assert one["percent_change"].iloc[1:].tolist() == changes
        assert np.isnan(one["percent_change"].iloc[0]) and one["value"].iloc[0] == 100.0
        chained = 100 * np.cumprod(1 + np.array(changes) / 100)
        np.testing.assert_allclose(one["value"].iloc[1:], chained, rtol=1e-8)
        assert one["status"].tolist() == ["base"] + ["final"] * 8 + ["revised", "provisional"]
        assert one["source"].str.contains("Unit Costs of Health and Social Care 2025").all()


def test_restate_uses_the_shipped_index_values_exactly():
    t = ec.inflation_index("nhscii_pay_and_prices").set_index("financial_year")["value"]
    got = ec.restate_costs(120.0, "2016/17", "2024/25")
    assert got == 120.0 * t["2024/25"] / t["2016/17"]
    # = 120 × Π(1 + p/100) over 2017/18 ... 2024/25
    assert got == pytest.approx(120 * np.prod(1 + np.array(NHSCII["nhscii_pay_and_prices"][2:]) / 100))
    assert round(got, 2) == 151.62
    # one year: the published change exactly
    assert ec.restate_costs(100.0, "2021/22", "2022/23") == pytest.approx(107.32, rel=1e-9)
    assert ec.restate_costs(100.0, "2021/22", "2022/23", index="nhscii_pay") == pytest.approx(
        107.41, rel=1e-9
    )
    # "2016-17" is read as "2016/17"; the shipped table itself works as a DataFrame index
    assert ec.restate_costs(120.0, "2016-17", "2024/25") == got
    table = ec.inflation_index("nhscii_pay_and_prices")
    assert ec.restate_costs(120.0, "2016/17", "2024/25", index=table) == got


def test_restate_with_the_shipped_index_names_missing_years_and_unknown_names():
    with pytest.raises(InvalidValueError, match="not in the index") as err:
        ec.restate_costs(45.0, "2012/13", "2024/25")  # before 2014/15: not shipped
    assert err.value.found == ["2012/13"]
    assert "inflation_index.csv" in str(err.value)
    with pytest.raises(InvalidValueError, match="unknown price index"):
        ec.restate_costs(45.0, "2016/17", "2024/25", index="gdp_deflator")
    with pytest.raises(InvalidValueError, match="not understood"):
        ec.restate_costs(45.0, "2016/17", "2024/25", index=1.02)


NEW_COSTS = {  # item: (cost, price year, words the source must contain)
    "gp_surgery_consultation": (48, "2024/25", "Table 9.4.2"),
    "gp_surgery_consultation_excl_qualifications": (40, "2024/25", "Table 9.4.2"),
    "social_worker_adult_hour": (61, "2024/25", "Table 10.1.1"),
    "social_worker_adult_hour_excl_qualifications": (54, "2024/25", "Table 10.1.1"),
    "emergency_care_attendance": (280, "2024/25", "National Cost Collection 2024/25"),
    "non_elective_short_stay": (824, "2024/25", "National Cost Collection 2024/25"),
    "non_elective_long_stay": (5395, "2024/25", "National Cost Collection 2024/25"),
    "ae_attendance_all_types": (148, "2016/17", "Reference costs 2016/17"),
}


def test_added_unit_costs_are_dated_and_sourced():
    t = ec.unit_costs().set_index("item")
    for item, (cost, year, words) in NEW_COSTS.items():
        assert t.loc[item, "cost"] == cost, item
        assert t.loc[item, "price_year"] == year, item
        assert words in t.loc[item, "source"], item
    # every default mapping names a shipped item; social care contacts have none on purpose
    assert set(ec.DEFAULT_SERVICE_ITEMS.values()) <= set(t.index)
    assert "social_care_contacts" not in ec.DEFAULT_SERVICE_ITEMS


# ------------------------------------------------------------------ service use before/after


def _use(rows, group=None):
    """Long data from {client: (before counts, after counts)} for services gp and ae."""
    out = []
    for client, (b, a) in rows.items():
        out.append({"client_id": client, "period": "before", "gp": b[0], "ae": b[1]})
        out.append({"client_id": client, "period": "after", "gp": a[0], "ae": a[1]})
    df = pd.DataFrame(out)
    if group is not None:
        df["arm"] = df["client_id"].map(group)
    return df


THREE = _use({"a": ((4, 1), (2, 0)), "b": ((6, 0), (6, 1)), "c": ((2, 2), (1, 0))})
COSTS_2024 = {"gp": "gp_surgery_consultation", "ae": "emergency_care_attendance"}  # £48, £280


def _suc(data=THREE, **kwargs):
    kwargs.setdefault("services", ["gp", "ae"])
    kwargs.setdefault("unit_costs", COSTS_2024)
    kwargs.setdefault("n_boot", 200)
    return ec.service_use_change(data, **kwargs)


def test_three_clients_costed_by_hand():
    before = THREE.copy()
    res = _suc()
    pd.testing.assert_frame_equal(THREE, before)  # input untouched
    ch = res.change.set_index(["service", "metric"])
    # GP: before (4+6+2)/3 = 4, after (2+6+1)/3 = 3; A&E: before 1, after 1/3
    assert ch.loc[("gp", "count"), ["mean_before", "mean_after", "mean_change"]].tolist() == [
        4.0, 3.0, -1.0,
    ]
    assert ch.loc[("ae", "count"), "mean_change"] == pytest.approx(-2 / 3)
    # costs: GP 4 × £48 = £192 → 3 × £48 = £144; A&E £280 → £93.33
    assert ch.loc[("gp", "cost"), "mean_before"] == 192.0
    assert ch.loc[("ae", "cost"), "mean_after"] == pytest.approx(280 / 3)
    # total per client: (192 + 280) → (144 + 93.33); cohort change = 3 × -234.67 = -704
    assert ch.loc[("total", "cost"), "mean_before"] == 472.0
    assert ch.loc[("total", "cost"), "mean_change"] == pytest.approx(-704 / 3)
    assert ch.loc[("total", "cost"), "total_change"] == pytest.approx(-704.0)
    assert (ch["n"] == 3).all() and (res.change["group"] == "all").all()
    # per client: client a saves 2 GP (£96) and 1 A&E (£280)
    pc = res.per_client.set_index(["client_id", "service"])
    assert pc.loc[("a", "gp"), ["count_change", "cost_change"]].tolist() == [-2, -96.0]
    assert pc.loc[("a", "ae"), "cost_before"] == 280.0
    assert res.per_client.groupby("client_id")["cost_change"].sum().to_dict() == {
        "a": -376.0, "b": 280.0, "c": -608.0,
    }
    # tidy before/after table for plots
    bp = res.by_period.set_index(["service", "metric", "period"])
    assert bp.loc[("total", "cost", "after"), "mean"] == pytest.approx(144 + 280 / 3)
    assert list(res.by_period.columns) == [
        "group", "service", "metric", "period", "n", "mean", "ci_low", "ci_high",
    ]
    # assumptions: both costs already 2024/25, nothing restated
    a = res.assumptions.set_index("service")
    assert a.loc["gp", "unit_cost"] == 48.0 and a.loc["ae", "restated_unit_cost"] == 280.0
    assert (a["factor"] == 1.0).all() and res.price_year == "2024/25" and res.currency == "GBP"
    assert a["source"].str.contains("Unit Costs of Health and Social Care 2025").all()
    assert res.difference is None and res.unmatched.empty


def test_bootstrap_is_seeded_reproducible_and_contains_the_estimate():
    rng = np.random.default_rng(5)
    n = 40
    data = _use(
        {f"c{i}": (tuple(rng.poisson([6, 1])), tuple(rng.poisson([5, 1]))) for i in range(n)}
    )
    one = _suc(data, random_state=11, n_boot=300)
    two = _suc(data, random_state=11, n_boot=300)
    other = _suc(data, random_state=12, n_boot=300)
    pd.testing.assert_frame_equal(one.change, two.change)
    pd.testing.assert_frame_equal(one.by_period, two.by_period)
    assert not one.change["ci_low"].equals(other.change["ci_low"])
    ch = one.change
    assert (ch["ci_low"] <= ch["mean_change"]).all() and (ch["mean_change"] <= ch["ci_high"]).all()
    assert (ch["ci_low"] < ch["ci_high"]).all()
    np.testing.assert_allclose(ch["total_ci_low"], n * ch["ci_low"])
    bp = one.by_period
    assert ((bp["ci_low"] <= bp["mean"]) & (bp["mean"] <= bp["ci_high"])).all()
    # a wider interval at a lower confidence level is impossible
    narrow = _suc(data, random_state=11, n_boot=300, alpha=0.5).change
    assert (narrow["ci_high"] - narrow["ci_low"] <= ch["ci_high"] - ch["ci_low"] + 1e-12).all()


def test_identical_clients_give_zero_width_intervals():
    data = _use({f"c{i}": ((5, 2), (3, 1)) for i in range(25)})
    res = _suc(data, n_boot=100)
    ch = res.change
    assert (ch["ci_low"] == ch["ci_high"]).all()
    assert (ch["ci_low"] == ch["mean_change"]).all()
    assert ch.set_index(["service", "metric"]).loc[("total", "cost"), "mean_change"] == (
        -2 * 48.0 - 280.0
    )
    assert (res.by_period["ci_low"] == res.by_period["ci_high"]).all()


def test_difference_in_differences_on_a_hand_made_two_group_example():
    groups = {"r1": "referred", "r2": "referred", "k1": "comparison", "k2": "comparison"}
    data = _use(
        {
            "r1": ((5, 1), (2, 0)),  # GP -3, A&E -1
            "r2": ((3, 1), (1, 1)),  # GP -2, A&E  0
            "k1": ((4, 0), (4, 1)),  # GP  0, A&E +1
            "k2": ((4, 2), (3, 1)),  # GP -1, A&E -1
        },
        group=groups,
    )
    res = _suc(data, group="arm", n_boot=300)
    ch = res.change.set_index(["group", "service", "metric"])
    assert ch.loc[("referred", "gp", "count"), "mean_change"] == -2.5
    assert ch.loc[("comparison", "gp", "count"), "mean_change"] == -0.5
    d = res.difference.set_index(["service", "metric"])
    assert (res.difference["group"] == "referred").all()
    assert (res.difference["reference"] == "comparison").all()
    # GP: -2.5 - (-0.5) = -2; A&E: -0.5 - 0 = -0.5
    assert d.loc[("gp", "count"), "difference"] == -2.0
    assert d.loc[("ae", "count"), "difference"] == -0.5
    # cost: -2 × £48 - 0.5 × £280 = -£236 per referred client; × 2 referred clients
    assert d.loc[("total", "cost"), "difference"] == pytest.approx(-236.0)
    assert d.loc[("total", "cost"), "total_difference"] == pytest.approx(-472.0)
    assert ((d["ci_low"] <= d["difference"]) & (d["difference"] <= d["ci_high"])).all()
    assert (d["n"] == 2).all() and (d["n_reference"] == 2).all()


def test_difference_interval_collapses_when_every_client_in_a_group_changes_alike():
    groups = {f"r{i}": "treated" for i in range(6)} | {f"k{i}": "control" for i in range(6)}
    rows = {f"r{i}": ((i + 3, 1), (i + 1, 1)) for i in range(6)}  # GP -2 each
    rows |= {f"k{i}": ((i + 2, 0), (i + 1, 0)) for i in range(6)}  # GP -1 each
    res = _suc(_use(rows, group=groups), group="arm", reference="control", n_boot=100)
    d = res.difference.set_index(["service", "metric"]).loc[("gp", "count")]
    assert d["difference"] == -1.0 and d["ci_low"] == d["ci_high"] == -1.0


def test_unmatched_clients_are_reported_never_dropped_silently():
    data = pd.concat(
        [THREE, pd.DataFrame({"client_id": ["d", "e"], "period": ["before", "after"],
                              "gp": [1, 2], "ae": [0, 0]})],
        ignore_index=True,
    )
    with pytest.raises(UnmatchedRecordsError, match="2 client") as err:
        _suc(data)
    assert err.value.found == ["d", "e"] and err.value.rows == [6, 7]
    assert err.value.column == "client_id"
    with pytest.warns(UserWarning, match="2 client.*left out"):
        res = _suc(data, unmatched="exclude")
    assert res.unmatched["client_id"].tolist() == ["d", "e"]
    assert res.unmatched["period_present"].tolist() == ["before", "after"]
    pd.testing.assert_frame_equal(res.change, _suc().change)  # estimates from a, b, c only
    assert any("left out" in note for note in res.notes)
    with pytest.raises(InvalidValueError, match="unknown unmatched"):
        _suc(data, unmatched="drop")


def test_costs_are_restated_to_the_chosen_price_year_with_the_shipped_index():
    res = _suc(unit_costs={"gp": "gp_surgery_consultation", "ae": "ae_attendance_all_types"})
    a = res.assumptions.set_index("service")
    # default price year = the latest one used (2024/25); A&E £148 in 2016/17 prices restated
    assert res.price_year == "2024/25"
    assert a.loc["ae", "restated_unit_cost"] == pytest.approx(
        ec.restate_costs(148.0, "2016/17", "2024/25")
    )
    assert a.loc["ae", "index"] == "nhscii_pay_and_prices"
    assert any("2024/25 (provisional)" in note for note in res.notes)
    # to 2016/17 prices instead: GP £48 deflated, A&E unchanged
    back = _suc(
        unit_costs={"gp": "gp_surgery_consultation", "ae": "ae_attendance_all_types"},
        price_year="2016/17",
    )
    b = back.assumptions.set_index("service")
    assert b.loc["ae", "restated_unit_cost"] == 148.0
    assert b.loc["gp", "restated_unit_cost"] == pytest.approx(
        ec.restate_costs(48.0, "2024/25", "2016/17")
    )
    ch = back.change.set_index(["service", "metric"])
    assert ch.loc[("ae", "cost"), "mean_before"] == pytest.approx(148.0)


def test_unit_costs_of_your_own():
    own = {"gp": {"cost": 30.0, "price_year": "2024/25", "source": "local audit"},
           "ae": "emergency_care_attendance"}
    res = _suc(unit_costs=own)
    a = res.assumptions.set_index("service")
    assert a.loc["gp", "source"] == "local audit" and a.loc["gp", "item"] == "supplied by the user"
    assert res.change.set_index(["service", "metric"]).loc[("gp", "cost"), "mean_before"] == 120.0
    table = pd.DataFrame({"item": ["gp", "ae"], "cost": [10.0, 100.0],
                          "price_year": ["2020/21", "2020/21"], "currency": ["GBP", "GBP"]})
    res = _suc(unit_costs={}, costs=table)  # columns named after items need no mapping
    assert res.price_year == "2020/21"
    # with your own table the shipped defaults do not apply
    bundled = THREE.rename(columns={"gp": "gp_appointments", "ae": "ae_attendances"})
    mine = table.assign(item=["gp_appointments", "ae_attendances"])
    res = _suc(bundled, services=["gp_appointments", "ae_attendances"], unit_costs=None, costs=mine)
    assert res.assumptions["item"].tolist() == ["gp_appointments", "ae_attendances"]
    assert res.change.set_index(["service", "metric"]).loc[("total", "cost"), "mean_before"] == 140.0


def test_missing_unit_cost_is_a_named_error_naming_the_service():
    with pytest.raises(InvalidValueError, match="no unit cost for this service") as err:
        _suc(unit_costs={"gp": "gp_surgery_consultation"})
    assert err.value.column == "ae"
    assert "unit_costs={'ae'" in str(err.value)
    with pytest.raises(InvalidValueError, match="unknown item 'gp_visit'") as err:
        _suc(unit_costs={"gp": "gp_visit", "ae": "emergency_care_attendance"})
    assert err.value.column == "gp"
    with pytest.raises(InvalidValueError, match="without price_year") as err:
        _suc(unit_costs={"gp": {"cost": 30.0}, "ae": "emergency_care_attendance"})
    assert err.value.column == "gp"
    with pytest.raises(InvalidValueError, match="not a non-negative number"):
        _suc(unit_costs={"gp": {"cost": -1, "price_year": "2024/25"},
                         "ae": "emergency_care_attendance"})
    # a cost priced before the shipped index starts cannot be restated: name the service
    with pytest.raises(InvalidValueError, match="price year not in the index") as err:
        _suc(unit_costs={"gp": "gp_surgery_visit", "ae": "emergency_care_attendance"})
    assert err.value.column == ["gp"] and err.value.found == ["2012/13"]
    with pytest.raises(DataError, match="no price index supplied"):
        _suc(unit_costs={"gp": "gp_surgery_visit", "ae": "ae_attendance_all_types"}, index=None)


def test_bad_service_use_data_raise_named_errors():
    with pytest.raises(InvalidValueError, match="out of range") as err:
        _suc(THREE.assign(ae=[1, 0, 0, -1, 2, 0]))
    assert err.value.column == "ae" and err.value.rows == [3]
    with pytest.raises(InvalidValueError, match="not a whole number") as err:
        _suc(THREE.assign(gp=[4, 2.5, 6, 6, 2, 1]))
    assert err.value.column == "gp" and err.value.rows == [1]
    with pytest.raises(InvalidValueError, match="missing value") as err:
        _suc(THREE.assign(gp=[4, None, 6, 6, 2, 1]))
    assert err.value.rows == [1]
    with pytest.raises(InvalidValueError, match="not allowed") as err:
        _suc(THREE.assign(period=["before", "after", "pre", "after", "before", "after"]))
    assert err.value.column == "period" and err.value.rows == [2]
    with pytest.raises(DuplicateKeyError):
        _suc(THREE.assign(period=["before", "before", "before", "after", "before", "after"]))
    with pytest.raises(MissingColumnError):
        _suc(services=["gp", "nurse"])
    with pytest.raises(MissingColumnError):
        _suc(id="person")
    with pytest.raises(InvalidValueError, match="n_boot"):
        _suc(n_boot=0)
    with pytest.raises(InvalidValueError, match="alpha"):
        _suc(alpha=5)


def test_group_errors():
    bad = THREE.assign(arm=["x", "y", "x", "x", "y", "y"])  # client a switches group
    with pytest.raises(InvalidValueError, match="group differs") as err:
        _suc(bad, group="arm")
    assert err.value.found == ["a"] and err.value.rows == [0, 1]
    two = THREE.assign(arm=["x", "x", "y", "y", "y", "y"])
    with pytest.raises(InvalidValueError, match="reference group not given"):
        _suc(two, group="arm")
    with pytest.raises(InvalidValueError, match="not in the data"):
        _suc(two, group="arm", reference="z")
    res = _suc(two, group="arm", reference="x")
    assert res.difference["group"].tolist() == ["y"] * 5
    with pytest.raises(InvalidValueError, match="missing value"):
        _suc(two.assign(arm=["x", "x", None, None, "y", "y"]), group="arm", reference="x")


@settings(max_examples=20, deadline=None)
@given(st.permutations(range(6)))
def test_row_order_does_not_change_the_estimates(order):
    shuffled = THREE.iloc[list(order)]
    a = _suc().change.set_index(["service", "metric"])
    b = _suc(shuffled).change.set_index(["service", "metric"])
    cols = ["mean_before", "mean_after", "mean_change", "total_change"]
    pd.testing.assert_frame_equal(a[cols], b[cols], check_exact=False, rtol=1e-12)


def test_bundled_social_prescribing_data_reproduce_the_readme_means():
    folder = data_dir()
    use = pd.read_csv(folder / "social_prescribing_service_use.csv")
    groups = pd.read_csv(folder / "social_prescribing_clients.csv")[["client_id", "group"]]
    data = use.merge(groups, on="client_id")
    with pytest.raises(InvalidValueError, match="no unit cost") as err:
        ec.service_use_change(data, group="group", n_boot=20)
    assert err.value.column == "social_care_contacts"
    res = ec.service_use_change(
        data, group="group", n_boot=50,
        unit_costs={"social_care_contacts": "social_worker_adult_hour"},
    )
    bp = res.by_period[res.by_period["metric"] == "count"].set_index(["group", "service", "period"])
    # data/README.md, "Service use (mean per client per 12 months)"
    readme = {
        ("referred", "before"): [9.93, 0.59, 0.32, 2.89, 3.07],
        ("referred", "after"): [7.96, 0.47, 0.25, 2.50, 2.52],
        ("comparison", "before"): [9.30, 0.55, 0.31, 2.54, 3.10],
        ("comparison", "after"): [8.85, 0.56, 0.26, 2.45, 2.75],
    }
    for (grp, per), means in readme.items():
        got = [round(bp.loc[(grp, s, per), "mean"], 2) for s in ec.SERVICE_COLUMNS]
        assert got == means, (grp, per)
    assert res.change.groupby("group")["n"].first().to_dict() == {"comparison": 600, "referred": 1500}
    total = res.difference.set_index(["service", "metric"]).loc[("total", "cost")]
    assert total["difference"] < 0 and total["ci_low"] < total["difference"] < total["ci_high"]
