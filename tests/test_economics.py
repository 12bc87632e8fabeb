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
)

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


def test_restate_requires_an_index():
    with pytest.raises(DataError, match="no price index supplied"):
        ec.restate_costs(45.0, "2012/13", "2016/17")


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
