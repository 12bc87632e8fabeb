"""Tests for wellbeing_lib.economics.service_impact: SROI inputs from service use.

``impact_map_from_service_use``, ``implied_deadweight``, ``quantity_distributions`` and
``quantity_ranges`` turn a :func:`service_use_change` result (referred vs comparison) into an
impact map, the deadweight check and the Monte Carlo / sensitivity inputs. Expected values
are worked out by hand on a four-client table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import wellbeing_lib as wb
from wellbeing_lib import economics as ec
from wellbeing_lib.errors import InvalidValueError

Z975 = 1.959963984540054  # 97.5th percentile of the standard normal


# Two referred clients (a, b) and two comparison clients (c, d).
#   GP:  referred 5→3, 4→1 (changes −2, −3, mean −2.5); comparison 3→2, 2→2 (−1, 0, mean −0.5)
#        difference-in-differences D = −2.5 − (−0.5) = −2 per client → 2 × 2 = 4 avoided
#   A&E: referred 1→0, 0→1 (−1, +1, mean 0);          comparison 1→1, 0→1 (0, +1, mean 0.5)
#        D = 0 − 0.5 = −0.5 per client → 2 × 0.5 = 1 avoided
# Bootstrap extremes (each 1/16 likely, well above 2.5%): GP D in [−3, −1] → totals [−6, −2];
# A&E D in [−2, 1] → totals [−4, 2].
USE = pd.DataFrame(
    {
        "client_id": ["a", "a", "b", "b", "c", "c", "d", "d"],
        "period": ["before", "after"] * 4,
        "group": ["referred"] * 4 + ["comparison"] * 4,
        "gp": [5, 3, 4, 1, 3, 2, 2, 2],
        "ae": [1, 0, 0, 1, 1, 1, 0, 1],
    }
)


COSTS = {
    "gp": {"cost": 50.0, "price_year": "2024/25", "source": "test: GP appointment"},
    "ae": {"cost": 200.0, "price_year": "2024/25", "source": "test: A&E attendance"},
}


LABELS = {
    "gp": ("NHS", "Fewer GP appointments", "fiscal_non_cashable"),
    "ae": ("NHS", "Fewer A&E attendances", "fiscal_cashable"),
}


SETTINGS = {"duration": 1, "displacement": 0.1, "attribution": 0.25, "drop_off": 0.5}


@pytest.fixture(scope="module")
def use():
    return ec.service_use_change(USE, services=["gp", "ae"], group="group", unit_costs=COSTS,
                                 n_boot=2000, random_state=1)


def test_impact_map_rows_are_the_hand_computed_avoided_contacts(use):
    m = ec.impact_map_from_service_use(use, LABELS, **SETTINGS)
    assert m["outcome"].tolist() == ["Fewer GP appointments", "Fewer A&E attendances"]
    assert m["stakeholder"].tolist() == ["NHS", "NHS"]
    assert m["quantity"].tolist() == [4.0, 1.0]
    assert m["proxy_value"].tolist() == [50.0, 200.0]
    assert m["proxy_source"].tolist() == ["test: GP appointment", "test: A&E attendance"]
    assert m["proxy_price_year"].tolist() == ["2024/25", "2024/25"]
    assert m["deadweight"].tolist() == [0.0, 0.0]  # already removed by the comparison group
    assert m["displacement"].tolist() == [0.1, 0.1]
    assert m["attribution"].tolist() == [0.25, 0.25]
    assert m["drop_off"].tolist() == [0.5, 0.5]
    assert m["duration"].tolist() == [1, 1]
    assert m["start_year"].tolist() == [1, 1]
    assert m["value_type"].tolist() == ["fiscal_non_cashable", "fiscal_cashable"]
    assert m.loc[0, "indicator"] == (
        "gp: contacts avoided = −(difference-in-differences per client, referred vs "
        "comparison) × 2 referred clients"
    )
    # the same map passes validation again (so it can be concatenated with other outcomes)
    pd.testing.assert_frame_equal(ec.validate_impact_map(m), m)


def test_impact_map_value_equals_the_attributable_saving(use):
    m = ec.impact_map_from_service_use(use, LABELS, **SETTINGS)
    # quantity × proxy = 4 × £50 + 1 × £200 = £400 = −(total cost difference of the cohort)
    total = use.difference.query("service == 'total'")["total_difference"].iloc[0]
    assert (m["quantity"] * m["proxy_value"]).sum() == pytest.approx(-total) == pytest.approx(400)
    # SROI at a 0% rate: £400 × (1 − 0.1) × (1 − 0.25) = £270 against £100 → 2.7
    res = ec.sroi(m, 100.0, discount_rate=0.0)
    assert res.ratio == pytest.approx(2.7)


def test_settings_per_service_and_row_order_follow_services(use):
    labels = {"ae": LABELS["ae"], "gp": LABELS["gp"]}
    m = ec.impact_map_from_service_use(
        use, labels, duration={"gp": 2, "ae": 1}, displacement={"gp": 0.1, "ae": 0.0},
        attribution=0.2, drop_off={"gp": 0.5, "ae": 0.0})
    assert m["outcome"].tolist() == ["Fewer A&E attendances", "Fewer GP appointments"]
    assert m["duration"].tolist() == [1, 2]
    assert m["displacement"].tolist() == [0.0, 0.1]
    assert m["drop_off"].tolist() == [0.0, 0.5]
    one = ec.impact_map_from_service_use(use, {"gp": LABELS["gp"]}, **SETTINGS)
    assert one["quantity"].tolist() == [4.0]


def test_restated_unit_costs_say_so_in_the_proxy_source():
    res = ec.service_use_change(USE, services=["gp"], group="group", n_boot=50,
                                unit_costs={"gp": {"cost": 40.0, "price_year": "2016/17",
                                                   "source": "old cost"}},
                                price_year="2024/25")
    m = ec.impact_map_from_service_use(res, {"gp": LABELS["gp"]}, **SETTINGS)
    factor = res.assumptions["factor"].iloc[0]
    assert factor > 1
    assert m["proxy_value"].iloc[0] == pytest.approx(40.0 * factor)
    assert m["proxy_source"].iloc[0] == (
        "old cost (2016/17 prices, restated to 2024/25 with nhscii_pay_and_prices)")


def test_implied_deadweight_by_hand(use):
    cost = ec.implied_deadweight(use)
    assert cost["service"].tolist() == ["gp", "ae", "total"]
    # GP: raw fall 2.5 × £50 = £125, attributable 2 × £50 = £100 → 1 − 100/125 = 0.2
    # A&E: no raw fall (mean change 0) → undefined, said in the note
    # total: raw £125, attributable £100 + 0.5 × £200 = £200 → 1 − 200/125 = −0.6
    np.testing.assert_allclose(cost["raw_fall_per_client"], [125.0, 0.0, 125.0])
    np.testing.assert_allclose(cost["attributable_fall_per_client"], [100.0, 100.0, 200.0])
    assert cost["implied_deadweight"].iloc[0] == pytest.approx(0.2)
    assert np.isnan(cost["implied_deadweight"].iloc[1])
    assert cost["implied_deadweight"].iloc[2] == pytest.approx(-0.6)
    assert cost["note"].tolist() == [
        "",
        "no raw fall: a deadweight share of it is undefined",
        "comparison use rose: the raw fall understates the attributable fall",
    ]
    assert set(cost["group"]) == {"referred"} and set(cost["reference"]) == {"comparison"}
    count = ec.implied_deadweight(use, metric="count")
    assert count["service"].tolist() == ["gp", "ae"]  # no total of counts
    np.testing.assert_allclose(count["raw_fall_per_client"], [2.5, 0.0])
    assert count["implied_deadweight"].iloc[0] == pytest.approx(0.2)


def test_implied_deadweight_flags_a_raw_rise():
    # referred GP use rises by 1 per client, comparison by 3: attributable fall 2, raw fall −1
    data = USE.assign(gp=[1, 2, 1, 2, 0, 3, 0, 3])
    res = ec.service_use_change(data, services=["gp"], group="group", n_boot=20,
                                unit_costs={"gp": COSTS["gp"]})
    out = ec.implied_deadweight(res, metric="count")
    assert out["raw_fall_per_client"].tolist() == [-1.0]
    assert out["attributable_fall_per_client"].tolist() == [2.0]
    assert out["implied_deadweight"].tolist() == [3.0]  # 1 − 2/(−1): not a share
    assert out["note"].tolist() == ["referred use rose: the share is not a deadweight"]


def test_quantity_distributions_match_the_bootstrap_intervals(use):
    d = use.difference.query("metric == 'count'").set_index("service")
    assert d.loc["gp", ["total_ci_low", "total_ci_high"]].tolist() == [-6.0, -2.0]
    assert d.loc["ae", ["total_ci_low", "total_ci_high"]].tolist() == [-4.0, 2.0]
    spec = ec.quantity_distributions(use, LABELS)
    assert list(spec) == ["quantity"]
    q = spec["quantity"]
    assert list(q) == [("NHS", "Fewer GP appointments"), ("NHS", "Fewer A&E attendances")]
    kind, mean, sd = q[("NHS", "Fewer GP appointments")]
    assert (kind, mean) == ("normal", 4.0)
    assert sd == pytest.approx(4.0 / (2 * Z975))  # (6 − 2) / (2 × 1.96) = 1.0204
    kind, mean, sd = q[("NHS", "Fewer A&E attendances")]
    assert (kind, mean) == ("normal", 1.0)
    assert sd == pytest.approx(6.0 / (2 * Z975))  # (4 − (−2)) / 3.92 = 1.5307


def test_quantity_distributions_use_the_results_confidence_level():
    res = ec.service_use_change(USE, services=["gp"], group="group", unit_costs=COSTS,
                                n_boot=2000, random_state=1, ci=0.5)
    d = res.difference.iloc[0]
    _, _, sd = ec.quantity_distributions(res, {"gp": LABELS["gp"]})["quantity"][
        ("NHS", "Fewer GP appointments")]
    z75 = 0.6744897501960817  # 75th percentile: a 50% interval is ± 0.674 sd
    assert sd == pytest.approx((d["total_ci_high"] - d["total_ci_low"]) / (2 * z75))


def test_an_interval_without_width_gives_a_fixed_quantity():
    # every referred client falls by 2, every comparison client by 1: D = −1 in every resample
    data = USE.assign(gp=[3, 1, 4, 2, 3, 2, 5, 4])
    res = ec.service_use_change(data, services=["gp"], group="group", n_boot=200,
                                unit_costs={"gp": COSTS["gp"]})
    q = ec.quantity_distributions(res, {"gp": LABELS["gp"]})["quantity"]
    assert q == {("NHS", "Fewer GP appointments"): ("fixed", 2.0)}
    assert ec.quantity_ranges(res, {"gp": LABELS["gp"]}) == {
        ("NHS", "Fewer GP appointments"): (2.0, 2.0)}


def test_quantity_ranges_are_the_intervals_floored_at_zero(use):
    assert ec.quantity_ranges(use, LABELS) == {
        ("NHS", "Fewer GP appointments"): (2.0, 6.0),
        ("NHS", "Fewer A&E attendances"): (0.0, 4.0),  # −2 (a rise) floored at 0
    }


def test_outputs_feed_monte_carlo_and_sensitivity(use):
    m = ec.impact_map_from_service_use(use, LABELS, **SETTINGS)
    mc = ec.sroi_monte_carlo(m, 100.0, ec.quantity_distributions(use, LABELS), n=2000,
                             random_state=3, discount_rate=0.0, keep_draws=True)
    assert mc.distributions["distribution"].tolist() == [
        f"normal({4.0:g}, {4.0 / (2 * Z975):g}, 0, inf)",
        f"normal({1.0:g}, {6.0 / (2 * Z975):g}, 0, inf)",
    ]
    assert (mc.draws["quantity"] >= 0).all()  # truncated at zero
    # each draw: (50 q_gp + 200 q_ae) × 0.9 × 0.75 / 100
    q = mc.draws["quantity"]
    np.testing.assert_allclose(mc.ratios, (50 * q[:, 0] + 200 * q[:, 1]) * 0.675 / 100)
    sens = ec.sroi_sensitivity(m, 100.0, parameters={"quantity": ec.quantity_ranges(use, LABELS)},
                               discount_rate=0.0)
    gp = sens.set_index("outcome").loc["Fewer GP appointments"]
    # GP quantity 2 and 6 with A&E at 1: (100 + 200) × 0.675 / 100 and (300 + 200) × 0.675 / 100
    assert (gp["ratio_low"], gp["ratio_high"]) == (pytest.approx(2.025), pytest.approx(3.375))


def test_inputs_are_not_modified(use):
    before = use.difference.copy(), use.change.copy(), use.assumptions.copy()
    labels = dict(LABELS)
    ec.impact_map_from_service_use(use, labels, **SETTINGS)
    ec.implied_deadweight(use)
    ec.quantity_distributions(use, labels)
    ec.quantity_ranges(use, labels)
    for a, b in zip(before, (use.difference, use.change, use.assumptions)):
        pd.testing.assert_frame_equal(a, b)
    assert labels == LABELS


@pytest.mark.parametrize(
    "call",
    [ec.impact_map_from_service_use, ec.quantity_distributions, ec.quantity_ranges],
)
@pytest.mark.parametrize(
    "services, kwargs, match",
    [
        ({"dentist": ("NHS", "Fewer dentist visits", "fiscal_cashable")}, {},
         r"service not in the service-use result in column 'dentist': expected services "
         r"estimated by service_use_change: gp, ae"),
        (LABELS, {"group": "treated"},
         r"group not in the service-use result in column 'group': expected one of referred"),
        (LABELS, {"reference": "waiting list"},
         r"another reference group in column 'reference': expected reference='comparison'"),
        ({"gp": ("NHS", "Fewer GP appointments")}, {},
         r"service labels not understood in column 'gp'"),
        ({}, {}, r"services not understood"),
    ],
)
def test_named_errors(use, call, services, kwargs, match):
    extra = SETTINGS if call is ec.impact_map_from_service_use else {}
    with pytest.raises(InvalidValueError, match=match):
        call(use, services, **kwargs, **extra)


def test_errors_for_results_without_groups_and_bad_settings(use):
    no_groups = ec.service_use_change(USE, services=["gp"], unit_costs=COSTS, n_boot=20)
    for call in (ec.quantity_distributions, ec.quantity_ranges):
        with pytest.raises(InvalidValueError, match="no comparison between groups"):
            call(no_groups, LABELS)
    with pytest.raises(InvalidValueError, match="no comparison between groups"):
        ec.implied_deadweight(no_groups)
    with pytest.raises(InvalidValueError, match="service use not understood"):
        ec.impact_map_from_service_use(use.difference, LABELS, **SETTINGS)
    with pytest.raises(InvalidValueError, match="group not in the service-use result"):
        ec.implied_deadweight(use, group="treated")
    with pytest.raises(InvalidValueError, match="metric not understood"):
        ec.implied_deadweight(use, metric="total")
    with pytest.raises(InvalidValueError, match=r"given per service.*found missing 'ae'"):
        ec.impact_map_from_service_use(use, LABELS, **{**SETTINGS, "displacement": {"gp": 0.1}})
    with pytest.raises(InvalidValueError, match=r"column 'attribution', rows 0, 1: .*found 25, 25"):
        ec.impact_map_from_service_use(use, LABELS, **{**SETTINGS, "attribution": 25})
    with pytest.raises(InvalidValueError, match=r"column 'value_type', row 1"):
        ec.impact_map_from_service_use(
            use, {**LABELS, "ae": ("NHS", "Fewer A&E attendances", "cashable")}, **SETTINGS)


def test_a_rise_relative_to_the_reference_is_an_error_not_a_negative_quantity():
    res = ec.service_use_change(USE, services=["gp", "ae"], group="group", unit_costs=COSTS,
                                reference="referred", n_boot=20)
    with pytest.raises(InvalidValueError, match=r"use of this service rose.*columns 'gp', 'ae'"):
        ec.impact_map_from_service_use(res, LABELS, group="comparison", reference="referred",
                                       **SETTINGS)


def test_bundled_data_value_equals_the_cost_difference():
    clients = wb.load_dataset("social_prescribing_clients")
    data = wb.load_dataset("social_prescribing_service_use").merge(
        clients[["client_id", "group"]], on="client_id")
    res = ec.service_use_change(
        data, group="group", n_boot=50, price_year="2024/25",
        unit_costs={"social_care_contacts": {"cost": 61.0, "price_year": "2024/25"}})
    labels = {s: ("NHS", f"Fewer {s}", "fiscal_cashable") for s in ec.SERVICE_COLUMNS}
    m = ec.impact_map_from_service_use(res, labels, **SETTINGS)
    counts = res.difference.query("metric == 'count'")
    np.testing.assert_allclose(m["quantity"], -counts["total_difference"])
    total = res.difference.query("service == 'total'")["total_difference"].iloc[0]
    assert (m["quantity"] * m["proxy_value"]).sum() == pytest.approx(-total, rel=1e-12)
