"""Benchmark: XmR charts with the Making Data Count rules for 1,000 practices × 60 months.

Plain script (not collected by pytest)::

    .venv/bin/python benchmarks/bench_monitoring.py [--practices N] [--months M] [--repeats R]

The data are generated with numpy (seeded): monthly referral counts per practice (Poisson
around a practice-level rate, with a step up in some practices and a gentle trend in others,
so every rule has something to find), about 1% of months missing, one row per practice ×
month in a tidy DataFrame — the table :func:`wellbeing_lib.monitoring.programme_feeds` gives.

Timed (best of R runs): :func:`wellbeing_lib.monitoring.xmr_chart` with ``group=`` — input
checks, sorting, per-series means and screened moving ranges, the four special-cause rules,
point types, the per-period summary and the icon table — against

* the floor: one numpy pass giving each series' mean and mean moving range (the limits
  alone, no rules, no checks, no tables) on data already sorted;
* the peer: the same library charting one series at a time in a Python loop (how a
  per-chart tool such as NHSRplotthedots' ``ptd_spc`` is used without facets), timed on
  the first 100 series and scaled to all.

Target: under 1 second on the project's 2-core machine.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from wellbeing_lib.monitoring import xmr_chart

TARGET_SECONDS = 1.0


def make_data(practices: int, months: int, random_state=2019) -> pd.DataFrame:
    rng = np.random.default_rng(random_state)
    base = rng.gamma(4.0, 5.0, size=practices)
    step = np.where(rng.random(practices) < 0.2, 1.4, 1.0)  # 20% of practices step up
    slope = np.where(rng.random(practices) < 0.1, 0.01, 0.0)  # 10% drift upwards
    t = np.arange(months)
    rate = base[:, None] * (1 + slope[:, None] * t) * np.where(t >= months // 2, step[:, None], 1)
    counts = rng.poisson(rate).astype(float)
    counts[rng.random(counts.shape) < 0.01] = np.nan
    return pd.DataFrame({
        "practice": np.repeat([f"P{i:04d}" for i in range(practices)], months),
        "month": np.tile(pd.date_range("2019-01-01", periods=months, freq="MS"), practices),
        "referrals": counts.ravel(),
    })


def floor(values: np.ndarray, codes: np.ndarray, n_groups: int) -> np.ndarray:
    """Means and mean moving ranges per series: the least any XmR chart must compute."""
    ok = ~np.isnan(values)
    mean = np.bincount(codes, np.where(ok, values, 0), n_groups) / np.bincount(codes, ok, n_groups)
    mr = np.abs(np.diff(values))
    same = codes[1:] == codes[:-1]
    good = same & ~np.isnan(mr)
    amr = np.bincount(codes[1:][good], mr[good], n_groups) / np.bincount(codes[1:][good],
                                                                       minlength=n_groups)
    return mean + 2.66 * amr


def best_of(func, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--practices", type=int, default=1000)
    parser.add_argument("--months", type=int, default=60)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    data = make_data(args.practices, args.months)

    def library():
        return xmr_chart(data, value="referrals", date="month", group="practice",
                         improvement_direction="increase")

    chart = library()  # warm up (imports)
    t_lib = best_of(library, args.repeats)
    values = data["referrals"].to_numpy()
    codes = np.repeat(np.arange(args.practices), args.months)
    t_floor = best_of(lambda: floor(values, codes, args.practices), args.repeats)
    sample = min(100, args.practices)
    first = data[data["practice"].isin(data["practice"].unique()[:sample])]
    groups = [part for _, part in first.groupby("practice", sort=False)]

    def loop():
        for part in groups:
            xmr_chart(part, value="referrals", date="month")

    t_loop = best_of(loop, 1) * args.practices / sample
    n_points = len(data)
    flagged = int(chart.points["special_cause_flag"].sum())
    status = "OK" if t_lib < TARGET_SECONDS else "SLOWER THAN TARGET"
    print(f"XmR + rules, {args.practices:,} practices x {args.months} months "
          f"({n_points:,} points): {t_lib:.3f} s (target < {TARGET_SECONDS} s, {status}) | "
          f"numpy floor (limits only): {t_floor:.3f} s, ratio {t_lib / t_floor:.0f}x | "
          f"one chart per practice in a loop: {t_loop:.1f} s (scaled from {sample}), "
          f"{t_loop / t_lib:.0f}x slower")
    print(f"(best of {args.repeats} runs; {flagged:,} special-cause points; "
          f"{(chart.icons['variation'] != 'common_cause').sum():,} practices whose latest "
          "month signals)")


if __name__ == "__main__":
    main()
