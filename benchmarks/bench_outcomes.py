"""Benchmark: score and classify the change of 1,000,000 clients on 4 measures.

Plain script (not collected by pytest)::

    .venv/bin/python benchmarks/bench_outcomes.py [--clients N] [--repeats R]

The data are generated with numpy (seeded): SWEMWBS items (7 × 1-5) and UCLA-3
items (3 × 1-3) before and after, a social inclusion rating (1-10) and a PAM score
(0-100, one decimal), each with about 1% of answers missing, held as float arrays
with NaN — the layout ``DataFrame.to_numpy()`` gives.

Timed (best of R runs), through the library's array path:

* scoring — :func:`wellbeing_lib.outcomes.score_array` for the 8 arrays: range
  and whole-number validation, totals with the complete-case rule, the SWEMWBS
  raw-to-metric lookup;
* classification — for each measure, the reliable change threshold from the
  baseline SD (Jacobson & Truax) and :func:`wellbeing_lib.outcomes.classify_change`
  (change, direction-adjusted improvement, status codes), then the number of
  measures each client improved on.

The floor: one numpy pass over the same item arrays — a single vectorised
subtraction and comparison, ``(after - before) > 0`` — which is about as fast as
memory allows.  The ratio says how far the library is from that floor.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from wellbeing_lib.outcomes import (
    classify_change,
    reliable_change_threshold,
    score_array,
)

TARGET_SECONDS = 0.3
MISSING_SHARE = 0.01

#: measure → (instrument, direction, reliability for the reliable change index)
MEASURES = {
    "wellbeing": ("swemwbs", "higher_better", 0.89),   # registry: Cronbach's alpha
    "loneliness": ("ucla3", "lower_better", 0.72),     # registry: Cronbach's alpha
    "inclusion": ("social_inclusion", "higher_better", 0.70),  # assumed for the benchmark
    "activation": ("pam", "higher_better", 0.85),      # assumed for the benchmark
}


def make_data(n: int, random_state=2019) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Before/after answer arrays per measure (float64, NaN = missing), seeded by ``random_state``."""
    rng = np.random.default_rng(random_state)

    def items(k, lo, hi):
        level = rng.normal(size=(n, 1))
        before = np.clip(np.rint((lo + hi) / 2 + level + rng.normal(0, 0.8, (n, k))), lo, hi)
        after = np.clip(np.rint(before + rng.normal(0.15, 0.9, (n, k))), lo, hi)
        for arr in (before, after):
            arr[rng.random((n, k)) < MISSING_SHARE] = np.nan
        return np.asfortranarray(before), np.asfortranarray(after)

    pam_before = np.clip(np.round(rng.normal(51, 11, n), 1), 0, 100)
    pam_after = np.clip(np.round(pam_before + rng.normal(0.5, 8, n), 1), 0, 100)
    for arr in (pam_before, pam_after):
        arr[rng.random(n) < MISSING_SHARE] = np.nan
    return {
        "wellbeing": items(7, 1, 5),
        "loneliness": items(3, 1, 3),
        "inclusion": items(1, 1, 10),
        "activation": (pam_before, pam_after),
    }


def score_and_classify(data) -> np.ndarray:
    """Score every measure at both times, classify reliable change; return #measures improved."""
    improved = None
    for name, (instrument, direction, reliability) in MEASURES.items():
        before, after = data[name]
        base = score_array(before, instrument)
        follow = score_array(after, instrument)
        sd = float(np.nanstd(base, ddof=1))
        threshold, _ = reliable_change_threshold(sd, reliability)
        _, _, codes = classify_change(base, follow, direction=direction, threshold=threshold)
        up = codes == 2
        improved = up.astype(np.int8) if improved is None else improved + up
    return improved


def single_pass(data) -> int:
    """The memory floor: one subtraction and comparison over every item array."""
    total = 0
    for before, after in data.values():
        total += int(np.count_nonzero((after - before) > 0))
    return total


def best_of(func, data, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        func(data)
        best = min(best, time.perf_counter() - start)
    return best


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    data = make_data(args.clients)
    score_and_classify(data)  # warm up (imports, package tables)
    t_lib = best_of(score_and_classify, data, args.repeats)
    t_floor = best_of(single_pass, data, args.repeats)
    k = score_and_classify(data)
    share = np.bincount(k, minlength=5)[1:].sum() / args.clients
    status = "OK" if t_lib < TARGET_SECONDS else "SLOWER THAN TARGET"
    print(f"score+classify {args.clients:,} clients x {len(MEASURES)} measures: {t_lib:.3f} s "
          f"(target < {TARGET_SECONDS} s, {status}) | numpy single pass: {t_floor:.3f} s | "
          f"ratio {t_lib / t_floor:.1f}x")
    print(f"(best of {args.repeats} runs; reliable change improved on >=1 measure: "
          f"{share:.1%} of clients)")


if __name__ == "__main__":
    main()
