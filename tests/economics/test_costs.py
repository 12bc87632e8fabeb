"""Tests for wellbeing_lib.economics.costs: unit costs, financial proxies, restating price years.

Expected values are hand-computed from the formulas (written out in each test) or are the
published figures in /work/shared/reference/facts.md.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from tests.backends import BACKENDS, LAZY, collect, same_kind, to_backend
from wellbeing_lib import economics as ec
from wellbeing_lib.errors import DataError, DuplicateKeyError, InvalidValueError, MissingColumnError

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
        return ec.cost_service_use(data, **kwargs).table


def _total(data=USE, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return ec.cost_service_use(data, **kwargs).total_cost


# The behaviour tests of cost_service_use run on every backend (tests/backends.py): the
# counts converted from the same pandas table; the costed table is row-level (the caller's
# backend, person-major for an eager table; a lazy one has no row order and is read back
# sorted by person and service), the total a Python number.  A lazy table has no row
# numbers either, so it is costed by its person column (``by_person``).
def on(backend, data=USE):
    return to_backend(data, backend)


def by_person(backend) -> dict:
    """``id="client"`` for a lazy table (it has no row numbers to cost by); else nothing."""
    return {"id": "client"} if backend in LAZY else {}


def rows(table, backend, services=("gp", "ae")) -> pd.DataFrame:
    """The costed table as pandas, person-major (sorted so for a lazy backend)."""
    out = collect(table)
    if backend not in LAZY:
        return out
    key = "client" if "client" in out else "row"
    rank = out["service"].map({s: i for i, s in enumerate(services)})
    return out.assign(_rank=rank).sort_values([key, "_rank"], kind="stable").drop(
        columns="_rank").reset_index(drop=True)


@pytest.mark.parametrize("backend", BACKENDS)
def test_cost_service_use_small_table(backend):
    data = on(backend)
    table = _cost(data, unit_costs=MAP, id="client")
    assert same_kind(table, data)  # row-level: the caller's backend
    out = rows(table, backend)
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
    assert _total(data, unit_costs=MAP, id="client") == 591.0
    assert out["price_year"].tolist() == ["2012/13", "2013/14"] * 3
    assert (out["currency"] == "GBP").all()
    per_client = out.groupby("client")["cost"].sum()
    assert per_client.to_dict() == {"A": 204.0, "B": 342.0, "C": 45.0}


@pytest.mark.parametrize("backend", BACKENDS)
def test_cost_service_use_without_id_keeps_row_labels_and_input_untouched(backend):
    before = USE.copy()
    data = on(backend)
    if backend in LAZY:  # no row order, so no row numbers: the person column is needed
        with pytest.raises(InvalidValueError, match="a lazy table has no row numbers"):
            _cost(data, services=["gp"], unit_costs={"gp": "gp_home_visit"})
        return
    out = collect(_cost(data, services=["gp"], unit_costs={"gp": "gp_home_visit"}))
    pd.testing.assert_frame_equal(USE, before)
    # pandas: the row labels; another eager table: the row positions
    assert out["row"].tolist() == ([10, 11, 12] if backend == "pandas" else [0, 1, 2])
    assert out["cost"].tolist() == [228.0, 0.0, 114.0]


@pytest.mark.parametrize("backend", BACKENDS)
def test_cost_service_use_result_carries_the_total_and_price_years(backend):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        costed = ec.cost_service_use(on(backend), unit_costs=MAP, id="client")
    assert costed.to_frame() is costed.table
    assert costed.total_cost == 591.0 and costed.price_years == ("2012/13", "2013/14")
    with pytest.raises(AttributeError):
        costed.total_cost = 0.0
    if backend == "pandas":
        assert costed.table.attrs == {}  # the total travels as a field, not in DataFrame.attrs
    rows = "a lazy table" if backend in LAZY else "6 rows"  # a lazy table is not counted
    assert repr(costed) == f"ServiceUseCost(total 591.00 over {rows}, price years 2012/13, 2013/14)"


@pytest.mark.parametrize("backend", BACKENDS)
def test_columns_named_after_items_need_no_map(backend):
    data = pd.DataFrame({"gp_surgery_visit": [1, 2], "gp_telephone_consultation": [3, 0]})
    services = list(data.columns)
    data["client"] = ["A", "B"]
    out = ec.cost_service_use(on(backend, data), services=services, **by_person(backend)
                              ).table  # one price year: no warning
    assert rows(out, backend, services)["cost"].tolist() == [45.0, 81.0, 90.0, 0.0]


@pytest.mark.parametrize("backend", BACKENDS)
def test_mixed_price_years_warn(backend):
    with pytest.warns(UserWarning, match="different price years"):
        ec.cost_service_use(on(backend), unit_costs=MAP, **by_person(backend))


@pytest.mark.parametrize("backend", BACKENDS)
def test_unknown_item_and_unmapped_column_name_the_column(backend):
    data, ids = on(backend), by_person(backend)
    with pytest.raises(InvalidValueError, match="unknown item 'gp_visit'") as err:
        _cost(data, unit_costs={"gp": "gp_visit"}, **ids)
    assert err.value.column == "gp"
    with pytest.raises(InvalidValueError, match="no unit cost mapped") as err:
        _cost(data, services=["gp", "ae"], unit_costs={"gp": "gp_surgery_visit"}, **ids)
    assert err.value.column == "ae"


@pytest.mark.parametrize("backend", BACKENDS)
def test_negative_non_numeric_and_missing_counts(backend):
    ids = by_person(backend)
    bad = USE.assign(ae=[1, -2, 0])
    with pytest.raises(InvalidValueError, match="out of range") as err:
        _cost(on(backend, bad), unit_costs=MAP, **ids)
    assert err.value.column == "ae"
    if backend == "pandas":  # rows named by their pandas labels
        assert err.value.rows == [11]

    with pytest.raises(InvalidValueError, match="non-numeric"):
        _cost(on(backend, USE.assign(gp=["1", "two", "3"])), unit_costs=MAP, **ids)

    gap = USE.assign(gp=[2.0, None, 1.0])
    with pytest.raises(InvalidValueError, match="missing value") as err:
        _cost(on(backend, gap), unit_costs=MAP, **ids)
    assert err.value.column == "gp"
    if backend == "pandas":
        assert err.value.rows == [11]

    out = rows(_cost(on(backend, gap), unit_costs=MAP, missing="propagate", **ids), backend)
    assert np.isnan(out.loc[2, "cost"]) and out.loc[3, "cost"] == 342.0
    assert np.isnan(_total(on(backend, gap), unit_costs=MAP, missing="propagate", **ids))
    # never a silent zero


@pytest.mark.parametrize("backend", BACKENDS)
def test_missing_count_column_and_bad_arguments(backend):
    data, ids = on(backend), by_person(backend)
    with pytest.raises(MissingColumnError):
        _cost(data, unit_costs={"nurse": "gp_surgery_visit"}, **ids)
    with pytest.raises(MissingColumnError):
        _cost(data, unit_costs=MAP, id="person")
    with pytest.raises(InvalidValueError, match="no count columns"):
        _cost(data, **ids)
    with pytest.raises(InvalidValueError, match="missing-value policy"):
        _cost(data, unit_costs=MAP, missing="zero", **ids)


@pytest.mark.parametrize("backend", BACKENDS)  # the counts in each backend, the costs pandas
def test_own_cost_table(backend):
    local = pd.DataFrame(
        {
            "item": ["social_worker_hour", "home_care_hour"],
            "cost": [50.0, 20.0],
            "price_year": ["2023/24", "2023/24"],
            "currency": ["GBP", "GBP"],
        }
    )
    data = on(backend, pd.DataFrame({"sw": [1.5, 0.0], "hc": [10.0, 4.0], "client": ["A", "B"]}))
    ids = by_person(backend)
    out = ec.cost_service_use(
        data, unit_costs={"sw": "social_worker_hour", "hc": "home_care_hour"}, costs=local, **ids
    ).table
    assert rows(out, backend, ["sw", "hc"])["cost"].tolist() == [75.0, 200.0, 0.0, 80.0]

    with pytest.raises(DuplicateKeyError):
        ec.cost_service_use(
            data, unit_costs={"sw": "social_worker_hour"}, costs=pd.concat([local, local]), **ids
        )
    with pytest.raises(InvalidValueError, match="out of range"):
        ec.cost_service_use(
            data, unit_costs={"sw": "social_worker_hour"}, costs=local.assign(cost=[-1.0, 20.0]), **ids
        )
    with pytest.raises(InvalidValueError, match="more than one currency"):
        ec.cost_service_use(
            data,
            unit_costs={"sw": "social_worker_hour", "hc": "home_care_hour"},
            costs=local.assign(currency=["GBP", "EUR"]),
            **ids,
        )
    with pytest.raises(MissingColumnError):
        ec.cost_service_use(data, unit_costs={"sw": "x"}, costs=local.drop(columns="currency"),
                             **ids)


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
    out = _cost(unit_costs=MAP, id="client")
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


COLUMNS = {"proxy", "unit", "value", "low", "high", "price_year", "currency", "value_type",
           "source", "year", "licence"}


def test_wellby_value_range_and_price_year_are_the_published_ones():
    t = ec.financial_proxies("wellby")
    assert len(t) == 1
    row = t.iloc[0]
    assert (row["value"], row["low"], row["high"]) == (13000, 10000, 16000)
    assert row["price_year"] == 2019
    assert row["currency"] == "GBP"
    assert row["value_type"] == "social"
    assert "Wellbeing Guidance for Appraisal" in row["source"]
    assert row["year"] == 2021


def test_every_proxy_is_sourced_dated_licensed_and_inside_its_range():
    t = ec.financial_proxies()
    assert COLUMNS <= set(t.columns)
    assert t["proxy"].is_unique
    for col in ("unit", "source", "licence", "currency"):
        assert t[col].astype(str).str.strip().ne("").all(), col
    assert t[["value", "low", "high", "price_year", "year"]].notna().all().all()
    assert ((t["low"] <= t["value"]) & (t["value"] <= t["high"])).all()
    assert t["value_type"].isin(ec.VALUE_TYPES).all()


def test_no_licensed_social_value_bank_values_are_shipped():
    # HACT's UK Social Value Bank is CC BY-NC-ND: its values must never be bundled.
    t = ec.financial_proxies()
    text = (t["source"] + " " + t["licence"]).str.lower()
    assert not text.str.contains("hact|social value bank").any()
    assert not t["licence"].str.contains(r"\bNC\b|\bND\b|non-?commercial|no derivatives",
                                         case=False).any()


def test_table_is_a_copy_and_unknown_names_are_named_errors():
    a = ec.financial_proxies()
    a.loc[0, "value"] = -1
    assert ec.financial_proxies().loc[0, "value"] == 13000
    with pytest.raises(InvalidValueError, match="unknown financial proxy.*found qaly"):
        ec.financial_proxies("qaly")


def test_wellby_as_a_proxy_in_an_impact_map_gives_the_hand_computed_ratio():
    # 80 clients each gaining 0.1 life-satisfaction points for one year: 80 × 0.1 × £13,000 =
    # £104,000 gross; attribution 25% → £78,000; year 1 discounted at 3.5% → £75,362.32;
    # against £50,000 invested the ratio is 1.5072.
    w = ec.financial_proxies("wellby").iloc[0]
    m = pd.DataFrame({
        "stakeholder": ["Clients"], "outcome": ["Improved wellbeing"],
        "indicator": ["life satisfaction +0.1 (user-supplied conversion)"],
        "quantity": [80], "proxy_value": [0.1 * w["value"]], "proxy_source": [w["source"]],
        "proxy_price_year": [w["price_year"]], "duration": [1], "deadweight": [0.0],
        "displacement": [0.0], "attribution": [0.25], "drop_off": [0.0],
        "value_type": [w["value_type"]],
    })
    res = ec.sroi(m, 50_000, discount_rate=0.035)
    assert res.total_present_value == pytest.approx(78_000 / 1.035, abs=0.005)
    assert round(res.total_present_value, 2) == 75362.32
    assert res.ratio == pytest.approx(1.5072, abs=5e-5)
    assert res.impact_map.loc[0, "proxy_price_year"] == "2019"
