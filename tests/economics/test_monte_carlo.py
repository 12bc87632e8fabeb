"""Tests for wellbeing_lib.economics.monte_carlo: the vectorised SROI Monte Carlo."""

from __future__ import annotations

import numpy as np
import pytest

from tests.economics.impact_maps import make_map
from wellbeing_lib import economics as ec
from wellbeing_lib.economics import monte_carlo
from wellbeing_lib.errors import InvalidValueError


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
    monkeypatch.setattr(monte_carlo, "_MC_CELLS", 7)  # the block size
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


def test_default_random_state_is_fixed_and_none_draws_fresh_entropy():
    m = make_map()
    spec = {"deadweight": ("uniform", 0.0, 0.5)}
    a = ec.sroi_monte_carlo(m, 20_000, spec, n=500)
    b = ec.sroi_monte_carlo(m, 20_000, spec, n=500)
    assert a.random_state == 0 and np.array_equal(a.ratios, b.ratios)
    assert np.array_equal(a.ratios, ec.sroi_monte_carlo(m, 20_000, spec, n=500,
                                                        random_state=0).ratios)
    fresh = [ec.sroi_monte_carlo(m, 20_000, spec, n=500, random_state=None) for _ in range(2)]
    assert not np.array_equal(fresh[0].ratios, fresh[1].ratios)


def test_result_is_frozen_with_the_summary_as_its_frame_and_its_level_as_ci():
    m = make_map()
    spec = {"attribution": ("uniform", 0.1, 0.4)}
    mc = ec.sroi_monte_carlo(m, 20_000, spec, n=2000, random_state=5, ci=0.9)
    assert mc.to_frame() is mc.summary and mc.ci == 0.9
    assert (mc.ci_low, mc.ci_high) == tuple(np.quantile(mc.ratios, [0.05, 0.95]))
    assert "90% interval" in repr(mc)
    assert "95% interval" in repr(ec.sroi_monte_carlo(m, 20_000, spec, n=200))
    with pytest.raises(AttributeError):
        mc.ci = 0.5
    with pytest.raises(InvalidValueError, match="confidence level"):
        ec.sroi_monte_carlo(m, 20_000, spec, n=10, ci=95)
