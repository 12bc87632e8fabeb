"""Benchmark: vectorised SROI Monte Carlo against a per-draw Python loop.

Times 100,000 Monte Carlo draws on a 10-outcome, 10-year impact map with
:func:`wellbeing_lib.economics.sroi_monte_carlo` (target < 0.5 s), and the same
computation done the spreadsheet way — one deterministic :func:`~wellbeing_lib.economics.sroi`
call per draw, on the very same drawn inputs. The loop is timed on the first 1,000 draws
and scaled to 100,000 (the output says so), and its ratios are checked against the
vectorised ones.

Run: ``.venv/bin/python benchmarks/bench_economics.py``
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import pandas as pd

from wellbeing_lib import economics as ec
from wellbeing_lib.economics._model import _build_model, _evaluate

N_DRAWS = 100_000
N_LOOP = 1_000
N_CORE = 10_000
N_OUTCOMES = 10
N_YEARS = 10
TARGET_S = 0.5


def impact_map() -> pd.DataFrame:
    """A 10-outcome map, every outcome lasting 10 years (illustrative values)."""
    k = np.arange(N_OUTCOMES)
    return pd.DataFrame(
        {
            "stakeholder": np.where(k % 2 == 0, "Clients", "NHS"),
            "outcome": [f"outcome {i + 1}" for i in k],
            "indicator": [f"indicator {i + 1}" for i in k],
            "quantity": 20.0 + 10 * k,
            "proxy_value": 100.0 + 50 * k,
            "proxy_source": "illustrative",
            "proxy_price_year": "2024/25",
            "duration": N_YEARS,
            "deadweight": 0.2,
            "displacement": 0.05,
            "attribution": 0.25,
            "drop_off": 0.2,
        }
    )


def distributions(m: pd.DataFrame) -> dict:
    outcomes = list(m["outcome"])
    return {
        "proxy_value": {o: ("normal", p, 0.2 * p) for o, p in zip(outcomes, m["proxy_value"])},
        "deadweight": {o: ("triangular", 0.1, 0.2, 0.4) for o in outcomes},
        "attribution": {o: ("uniform", 0.1, 0.4) for o in outcomes},
        "drop_off": {o: ("beta", 2.0, 8.0) for o in outcomes},
        "displacement": ("uniform", 0.0, 0.1),
    }


def main() -> None:
    m = impact_map()
    investment = 200_000.0
    dist = distributions(m)
    kwargs = {"discount_rate": "green_book", "first_year_discounted": True}

    ec.sroi_monte_carlo(m, investment, dist, n=1_000, random_state=0, **kwargs)  # warm-up
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        mc = ec.sroi_monte_carlo(m, investment, dist, n=N_DRAWS, random_state=2024,
                                 keep_draws=True, **kwargs)
        times.append(time.perf_counter() - t0)
    vectorised = min(times)

    # the same draws, one deterministic sroi() per draw
    cols = [c for c in ("proxy_value", "deadweight", "attribution", "drop_off", "displacement")]
    loop_ratios = np.empty(N_LOOP)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t0 = time.perf_counter()
        for i in range(N_LOOP):
            draw = m.copy()
            for c in cols:
                draw[c] = mc.draws[c][i]
            loop_ratios[i] = ec.sroi(draw, investment, **kwargs).ratio
        per_draw = (time.perf_counter() - t0) / N_LOOP
    loop_scaled = per_draw * N_DRAWS

    # the same loop over the numpy core only (private helpers of economics/_model.py: no
    # validation, no tables)
    model = _build_model(m, investment, kwargs["discount_rate"],
                         kwargs["first_year_discounted"], None, ec.DEFAULT_INDEX)
    core_ratios = np.empty(N_CORE)
    t0 = time.perf_counter()
    for i in range(N_CORE):
        core_ratios[i] = _evaluate(model, values={c: mc.draws[c][i] for c in cols})[1]
    core_scaled = (time.perf_counter() - t0) / N_CORE * N_DRAWS
    core_same = np.array_equal(core_ratios, mc.ratios[:N_CORE])
    same = np.array_equal(loop_ratios, mc.ratios[:N_LOOP])
    close = np.allclose(loop_ratios, mc.ratios[:N_LOOP], rtol=1e-12, atol=0)

    status = "meets" if vectorised < TARGET_S else "MISSES"
    print(
        f"Monte Carlo {N_DRAWS:,} draws x {N_OUTCOMES} outcomes x {N_YEARS} years: "
        f"vectorised {vectorised:.3f} s (best of 3; target < {TARGET_S} s, {status}) | "
        f"per-draw loop {loop_scaled:.1f} s ({N_LOOP:,} draws timed, scaled x{N_DRAWS // N_LOOP}) "
        f"| {loop_scaled / vectorised:,.0f}x"
    )
    print(
        f"  per-draw loop over the numpy core only (no validation or tables): "
        f"{core_scaled:.1f} s ({N_CORE:,} draws timed, scaled x{N_DRAWS // N_CORE}) | "
        f"{core_scaled / vectorised:,.0f}x; equal bit-for-bit: {core_same}"
    )
    print(
        f"  loop ratios equal the vectorised ones for the {N_LOOP:,} draws compared: "
        f"{'bit-for-bit' if same else ('to 1e-12' if close else 'NO')}; "
        f"median ratio {np.median(mc.ratios):.3f}, "
        f"95% interval {mc.ci_low:.3f} to {mc.ci_high:.3f}, P(ratio > 1) = {mc.prob_above_1:.3f}"
    )


if __name__ == "__main__":
    main()
