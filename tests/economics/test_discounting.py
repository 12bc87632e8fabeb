"""Tests for wellbeing_lib.economics.discounting: Green Book schedules, factors, present value.

Expected values are hand-computed from the formulas (written out in each test).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wellbeing_lib import economics as ec
from wellbeing_lib.errors import InvalidValueError, MissingColumnError


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


def test_present_value_of_a_hand_made_stream_to_the_penny():
    stream = pd.DataFrame({"year": [1, 2, 3], "value": [1000.0, 1000.0, 1000.0]})
    pv = ec.present_value(stream, discount_rate=0.035, first_year_discounted=True)
    # 1000/1.035 = 966.18, 1000/1.035^2 = 933.51, 1000/1.035^3 = 901.94
    assert pv.table["present_value"].round(2).tolist() == [966.18, 933.51, 901.94]
    assert round(pv.total_present_value, 2) == 2801.64
    assert pv.discount_rate == 0.035 and pv.first_year_discounted is True


def test_present_value_green_book_default_cost_then_benefits():
    # year 1 cost £5,000 (not discounted), then £2,000 a year for three years
    stream = pd.DataFrame({"yr": [1, 2, 3, 4], "net": [-5000.0, 2000.0, 2000.0, 2000.0]})
    pv = ec.present_value(stream, value="net", year="yr")
    # -5000 + 2000/1.035 + 2000/1.035^2 + 2000/1.035^3 = 603.27
    assert round(pv.total_present_value, 2) == 603.27
    assert pv.table["present_value"].round(2).tolist() == [-5000.0, 1932.37, 1867.02, 1803.89]


def test_present_value_keeps_other_columns_and_does_not_mutate_input():
    stream = pd.DataFrame(
        {"outcome": ["a", "a", "b"], "year": [1, 2, 1], "value": [10.0, 10.0, 5.0]},
        index=[7, 8, 9],
    )
    before = stream.copy()
    pv = ec.present_value(stream, discount_rate=0.1).table
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
        ec.present_value(long, discount_rate="green_book_health")
    assert err.value.rows == [1]

    with pytest.raises(InvalidValueError, match="missing value") as err:
        ec.present_value(pd.DataFrame({"year": [1, 2], "value": [1.0, None]}))
    assert err.value.column == "value" and err.value.rows == [1]

    with pytest.raises(InvalidValueError, match="not a whole number"):
        ec.present_value(pd.DataFrame({"year": [1, 2.5], "value": [1.0, 1.0]}))

    with pytest.raises(MissingColumnError):
        ec.present_value(pd.DataFrame({"t": [1], "value": [1.0]}))


def test_present_value_is_a_frozen_result_with_the_table_as_its_frame():
    stream = pd.DataFrame({"year": [1, 2], "value": [100.0, 100.0]})
    pv = ec.present_value(stream, discount_rate="green_book_health")
    assert pv.to_frame() is pv.table
    assert pv.total_present_value == pytest.approx(100 + 100 / 1.015)
    assert pv.discount_rate == "green_book_health" and pv.first_year_discounted is False
    # the rate has one name across the package: discount_rate, as in sroi()
    assert ec.discount_factors(2, discount_rate=0.1) == pytest.approx(1 / 1.1)
    assert repr(pv) == ("PresentValue(total 198.52 over 2 values, 'green_book_health' schedule, "
                        "year 1 not discounted)")
    with pytest.raises(AttributeError):
        pv.total_present_value = 0.0
    # nothing travels in DataFrame.attrs: the table concatenates with another
    both = pd.concat([pv.table, ec.present_value(stream, discount_rate=0.035).table])
    assert len(both) == 4 and both.attrs == {}
