"""Tests for wellbeing_lib.economics.service_use: service use at baseline and follow-up."""

from __future__ import annotations

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
    assert ch.loc[("gp", "count"), ["mean_baseline", "mean_follow_up", "mean_change"]].tolist() == [
        4.0, 3.0, -1.0,
    ]
    assert ch.loc[("ae", "count"), "mean_change"] == pytest.approx(-2 / 3)
    # costs: GP 4 × £48 = £192 → 3 × £48 = £144; A&E £280 → £93.33
    assert ch.loc[("gp", "cost"), "mean_baseline"] == 192.0
    assert ch.loc[("ae", "cost"), "mean_follow_up"] == pytest.approx(280 / 3)
    # total per client: (192 + 280) → (144 + 93.33); cohort change = 3 × -234.67 = -704
    assert ch.loc[("total", "cost"), "mean_baseline"] == 472.0
    assert ch.loc[("total", "cost"), "mean_change"] == pytest.approx(-704 / 3)
    assert ch.loc[("total", "cost"), "total_change"] == pytest.approx(-704.0)
    assert (ch["n"] == 3).all() and (res.change["group"] == "all").all()
    # per client: client a saves 2 GP (£96) and 1 A&E (£280)
    pc = res.per_client.set_index(["client_id", "service"])
    assert pc.loc[("a", "gp"), ["count_change", "cost_change"]].tolist() == [-2, -96.0]
    assert pc.loc[("a", "ae"), "cost_baseline"] == 280.0
    assert res.per_client.groupby("client_id")["cost_change"].sum().to_dict() == {
        "a": -376.0, "b": 280.0, "c": -608.0,
    }
    # tidy baseline/follow-up table for plots
    bp = res.by_time.set_index(["service", "metric", "period"])
    assert bp.loc[("total", "cost", "after"), "mean"] == pytest.approx(144 + 280 / 3)
    assert list(res.by_time.columns) == [
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
    pd.testing.assert_frame_equal(one.by_time, two.by_time)
    assert not one.change["ci_low"].equals(other.change["ci_low"])
    ch = one.change
    assert (ch["ci_low"] <= ch["mean_change"]).all() and (ch["mean_change"] <= ch["ci_high"]).all()
    assert (ch["ci_low"] < ch["ci_high"]).all()
    np.testing.assert_allclose(ch["total_ci_low"], n * ch["ci_low"])
    bp = one.by_time
    assert ((bp["ci_low"] <= bp["mean"]) & (bp["mean"] <= bp["ci_high"])).all()
    # a wider interval at a lower confidence level is impossible
    narrow = _suc(data, random_state=11, n_boot=300, ci=0.5).change
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
    assert (res.by_time["ci_low"] == res.by_time["ci_high"]).all()


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
    assert res.unmatched["period"].tolist() == ["before", "after"]
    assert list(res.unmatched.columns) == ["client_id", "period", "row"]
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
    assert ch.loc[("ae", "cost"), "mean_baseline"] == pytest.approx(148.0)


def test_unit_costs_of_your_own():
    own = {"gp": {"cost": 30.0, "price_year": "2024/25", "source": "local audit"},
           "ae": "emergency_care_attendance"}
    res = _suc(unit_costs=own)
    a = res.assumptions.set_index("service")
    assert a.loc["gp", "source"] == "local audit" and a.loc["gp", "item"] == "supplied by the user"
    assert res.change.set_index(["service", "metric"]).loc[("gp", "cost"), "mean_baseline"] == 120.0
    table = pd.DataFrame({"item": ["gp", "ae"], "cost": [10.0, 100.0],
                          "price_year": ["2020/21", "2020/21"], "currency": ["GBP", "GBP"]})
    res = _suc(unit_costs={}, costs=table)  # columns named after items need no mapping
    assert res.price_year == "2020/21"
    # with your own table the shipped defaults do not apply
    bundled = THREE.rename(columns={"gp": "gp_appointments", "ae": "ae_attendances"})
    mine = table.assign(item=["gp_appointments", "ae_attendances"])
    res = _suc(bundled, services=["gp_appointments", "ae_attendances"], unit_costs=None, costs=mine)
    assert res.assumptions["item"].tolist() == ["gp_appointments", "ae_attendances"]
    assert res.change.set_index(["service", "metric"]).loc[("total", "cost"), "mean_baseline"] == 140.0


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
    with pytest.raises(InvalidValueError, match="confidence level"):
        _suc(ci=5)


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
    cols = ["mean_baseline", "mean_follow_up", "mean_change", "total_change"]
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
    bp = res.by_time[res.by_time["metric"] == "count"].set_index(["group", "service", "period"])
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


def test_time_points_are_named_as_in_outcomes():
    # the same data with the outcomes vocabulary: a "time" column holding baseline/follow_up
    renamed = THREE.rename(columns={"period": "time"}).replace(
        {"time": {"before": "baseline", "after": "follow_up"}})
    res = _suc(renamed, time="time", baseline="baseline", follow_up="follow_up")
    pd.testing.assert_frame_equal(res.change, _suc().change)
    assert list(res.by_time.columns) == [
        "group", "service", "metric", "time", "n", "mean", "ci_low", "ci_high",
    ]
    assert res.by_time["time"].unique().tolist() == ["baseline", "follow_up"]
    assert list(res.per_client.columns) == [
        "client_id", "service", "count_baseline", "count_follow_up", "count_change",
        "cost_baseline", "cost_follow_up", "cost_change",
    ]
    with pytest.raises(InvalidValueError, match="not allowed") as err:
        _suc(renamed, time="time")  # the default labels are the bundled data's before/after
    assert err.value.column == "time"
    with pytest.raises(InvalidValueError, match="baseline and follow_up labels are the same"):
        _suc(baseline="before", follow_up="before")


def test_result_is_frozen_with_the_change_as_its_frame_and_ci_in_its_settings():
    res = _suc(ci=0.9)
    assert res.to_frame() is res.change
    assert res.settings["ci"] == 0.9 and "alpha" not in res.settings
    with pytest.raises(AttributeError):
        res.change = res.change.head(1)
    wide = _suc()
    assert wide.settings["ci"] == 0.95
    assert ((wide.change["ci_high"] - wide.change["ci_low"])
            >= (res.change["ci_high"] - res.change["ci_low"]) - 1e-12).all()
