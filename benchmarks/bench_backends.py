"""Benchmark: the outcomes pipeline on pandas, polars and DuckDB beside hand-written floors.

Plain script (not collected by pytest)::

    .venv/bin/python benchmarks/bench_backends.py [--clients N] [--repeats R]
                                                  [--big-clients M] [--skip-big]

The data (seeded numpy): N clients, each with a baseline and a follow-up questionnaire
(long table, 2N rows): SWEMWBS items (7 × 1-5), UCLA-3 items (3 × 1-3), a social
inclusion rating (1-10) and a PAM score (0-100), about 1% of answers missing.

Timed, best of R runs (ours and the floor in turns, so that both meet the same load on a
shared machine), each figure printed beside its floor in the same run:

* **pipeline** - the library, every check on: ``score`` SWEMWBS and UCLA-3 (items
  validated, totals, the SWEMWBS metric) → ``pair_measurements`` (ids, total rows,
  near-duplicate ids, duplicates) → ``change`` (any change, 4 measures) →
  ``improved_on_n`` (≥ k of 4, Wilson intervals).  The floor is the same computation
  written by hand in the same library with no checks: sums, a metric lookup, a
  baseline/follow-up join, the clients by the number of measures improved and the
  clients improved on each measure (the "at least", "exactly" and "measure" rows).  Target: within 3× (pandas
  against pandas, polars against polars, DuckDB against DuckDB SQL).
* **pairing** on pandas - ``pair_measurements`` against ``DataFrame.merge`` of the
  baseline and follow-up rows.  Target: ≤ 1 s at 1M clients.
* **memory at scale** (``--big-clients``, default 10M) - in a fresh process each, the
  pipeline on polars and on DuckDB (a table in an in-memory database); the peak resident
  memory added by the pipeline against the input's own size.  Target: within 3×.

A peer that is not installed prints "not installed"; ours is still timed.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

import numpy as np
import pandas as pd

from wellbeing_lib import outcomes as oc

ID, TIME = "client_id", "time"
SWEMWBS = [f"swemwbs_{i}" for i in range(1, 8)]
UCLA = ["ucla_1", "ucla_2", "ucla_3"]
MEASURES = {"wellbeing": "swemwbs", "loneliness": "ucla3", "inclusion": "social_inclusion",
            "activation": "pam"}
SCORES = ["swemwbs_metric", "ucla3_raw", "social_inclusion", "pam_score"]
SIGNS = [1, -1, 1, 1]  # UCLA-3: lower is better
TARGET_RATIO = 3.0
TARGET_PAIRING = 1.0
MISSING_SHARE = 0.01


# ------------------------------------------------------------------------- data
def make_long(n: int, random_state: int = 2019) -> pd.DataFrame:
    """2n rows: a baseline and a follow-up per client (floats, NaN = missing)."""
    rng = np.random.default_rng(random_state)
    ids = pd.array(np.char.add("C", np.arange(n).astype("U8")), dtype="str")
    cols = {ID: pd.array(np.concatenate([ids, ids]), dtype="str"),
            TIME: pd.array(np.repeat(["baseline", "follow_up"], n), dtype="str")}

    def items(k, lo, hi):
        level = rng.normal(size=(n, 1))
        before = np.clip(np.rint((lo + hi) / 2 + level + rng.normal(0, 0.8, (n, k))), lo, hi)
        after = np.clip(np.rint(before + rng.normal(0.15, 0.9, (n, k))), lo, hi)
        both = np.concatenate([before, after])
        both[rng.random(both.shape) < MISSING_SHARE] = np.nan
        return both

    for names, (lo, hi) in ((SWEMWBS, (1, 5)), (UCLA, (1, 3)), (["social_inclusion"], (1, 10))):
        values = items(len(names), lo, hi)
        cols.update({c: values[:, j] for j, c in enumerate(names)})
    pam = np.clip(np.round(rng.normal(51, 11, n), 1), 0, 100)
    pam = np.concatenate([pam, np.clip(np.round(pam + rng.normal(0.5, 8, n), 1), 0, 100)])
    pam[rng.random(2 * n) < MISSING_SHARE] = np.nan
    cols["pam_score"] = pam
    return pd.DataFrame(cols)


# ------------------------------------------------------------------ the library
def library(data) -> pd.DataFrame:
    """The whole pipeline through the library, on whatever backend ``data`` is."""
    rest = [ID, TIME, "social_inclusion", "pam_score"]
    swemwbs = oc.score(data, "swemwbs", keep=[*rest, *UCLA])
    both = oc.score(swemwbs, "ucla3", keep=[*rest, "swemwbs_metric"])
    pairs = oc.pair_measurements(both, columns=SCORES)
    changes = oc.change(pairs, MEASURES)
    return oc.improved_on_n(changes, measures=list(MEASURES))


def improved_share(table: pd.DataFrame) -> float:
    row = table[(table["summary"] == "at least") & (table["k"] == 1)]
    return float(row["proportion"].iloc[0])


# --------------------------------------------------------------- the floors
def _metric_lookup() -> np.ndarray:
    from wellbeing_lib.io import load_reference_table

    table = load_reference_table("swemwbs_raw_to_metric.csv").sort_values("raw")
    lookup = np.full(36, np.nan)
    lookup[table["raw"].to_numpy()] = table["metric"].to_numpy()
    return lookup


def by_hand_pandas(data: pd.DataFrame) -> np.ndarray:
    """Hand-written pandas: sums, lookup, merge, count improved (no checks)."""
    lookup = _metric_lookup()
    raw = data[SWEMWBS].sum(axis=1, skipna=False).to_numpy()
    metric = np.where(np.isnan(raw), np.nan, lookup[np.nan_to_num(raw).astype(int)])
    frame = pd.DataFrame({ID: data[ID], TIME: data[TIME], "swemwbs_metric": metric,
                          "ucla3_raw": data[UCLA].sum(axis=1, skipna=False),
                          "social_inclusion": data["social_inclusion"],
                          "pam_score": data["pam_score"]})
    base = frame[frame[TIME] == "baseline"].drop(columns=TIME)
    follow = frame[frame[TIME] == "follow_up"].drop(columns=TIME)
    paired = base.merge(follow, on=ID, suffixes=("_b", "_f"))
    flags = np.column_stack([((paired[c + "_f"] - paired[c + "_b"]) * s > 0).to_numpy()
                             for c, s in zip(SCORES, SIGNS)])
    complete = paired[[c + x for c in SCORES for x in ("_b", "_f")]].notna().all(
        axis=1).to_numpy()
    flags = flags[complete]
    return np.bincount(flags.sum(axis=1), minlength=5), flags.sum(axis=0)


def by_hand_polars(data):
    """Hand-written polars: the same query."""
    import polars as pl

    lookup = _metric_lookup()
    mapping = {float(i): float(v) for i, v in enumerate(lookup) if not np.isnan(v)}
    raw = pl.sum_horizontal(SWEMWBS)
    null_any = pl.any_horizontal([pl.col(c).is_null() for c in SWEMWBS])
    frame = data.select(
        ID, TIME,
        pl.when(null_any).then(None).otherwise(raw).replace_strict(
            mapping, default=None, return_dtype=pl.Float64).alias("swemwbs_metric"),
        pl.when(pl.any_horizontal([pl.col(c).is_null() for c in UCLA])).then(None)
        .otherwise(pl.sum_horizontal(UCLA)).alias("ucla3_raw"),
        "social_inclusion", "pam_score")
    base = frame.filter(pl.col(TIME) == "baseline").drop(TIME)
    follow = frame.filter(pl.col(TIME) == "follow_up").drop(TIME)
    paired = base.join(follow, on=ID, suffix="_f")
    flags = [((pl.col(c + "_f") - pl.col(c)) * s > 0).cast(pl.Int32).alias(f"i{j}")
             for j, (c, s) in enumerate(zip(SCORES, SIGNS))]
    complete = pl.all_horizontal([pl.col(c).is_not_null() & pl.col(c + "_f").is_not_null()
                                  for c in SCORES])
    names = [f"i{j}" for j in range(len(SCORES))]
    return (paired.filter(complete).select(flags).with_columns(k=pl.sum_horizontal(names))
            .group_by("k").agg(pl.len(), *(pl.col(n).sum() for n in names)).sort("k"))


def by_hand_duckdb(con) -> list:
    """Hand-written DuckDB SQL over the table ``long``: the same query."""
    lookup = _metric_lookup()
    cases = " ".join(f"WHEN {i} THEN {v}" for i, v in enumerate(lookup) if not np.isnan(v))
    sw = " + ".join(SWEMWBS)
    uc = " + ".join(UCLA)
    flags = ", ".join(f"CAST((f.{c} - b.{c}) * {s} > 0 AS INTEGER) AS i{j}"
                      for j, (c, s) in enumerate(zip(SCORES, SIGNS)))
    names = [f"i{j}" for j in range(len(SCORES))]
    complete = " AND ".join(f"b.{c} IS NOT NULL AND f.{c} IS NOT NULL" for c in SCORES)
    sql = f"""
    WITH scored AS (
        SELECT {ID}, {TIME}, CASE CAST({sw} AS INTEGER) {cases} END AS swemwbs_metric,
               {uc} AS ucla3_raw, social_inclusion, pam_score FROM long),
    b AS (SELECT * FROM scored WHERE {TIME} = 'baseline'),
    f AS (SELECT * FROM scored WHERE {TIME} = 'follow_up')
    SELECT {" + ".join(names)} AS k, count(*) AS n, {", ".join(f"sum({n})" for n in names)}
    FROM (SELECT {flags} FROM b JOIN f USING ({ID}) WHERE {complete})
    GROUP BY k ORDER BY k"""
    return con.sql(sql).fetchall()


def pairing_floor(data: pd.DataFrame) -> pd.DataFrame:
    base = data.loc[data[TIME] == "baseline", [ID, *SCORES]]
    follow = data.loc[data[TIME] == "follow_up", [ID, *SCORES]]
    return base.merge(follow, on=ID, suffixes=("_baseline", "_follow_up"))


# ---------------------------------------------------------------------- timing
def best_pair(ours, floor, repeats: int) -> tuple[float, float]:
    """Best times of ``ours`` and ``floor``, run in turns so that both meet the same load
    on a shared machine (a ratio of two runs minutes apart would mislead)."""
    best = [float("inf"), float("inf")]
    for _ in range(repeats):
        for i, func in enumerate((ours, floor)):
            start = time.perf_counter()
            func()
            best[i] = min(best[i], time.perf_counter() - start)
    return best[0], best[1]


def verdict(ours: float, floor: float, target: float = TARGET_RATIO) -> str:
    ratio = ours / floor
    status = "OK" if ratio <= target else "SLOWER THAN TARGET"
    return f"ratio {ratio:.1f}x (target <= {target:g}x, {status})"


def line(label: str, ours: float, floor_label: str, floor: float | None) -> None:
    if floor is None:
        print(f"{label}: {ours:.2f} s | {floor_label}: not installed")
    else:
        print(f"{label}: {ours:.2f} s | {floor_label}: {floor:.2f} s | {verdict(ours, floor)}")


def run_pandas(data: pd.DataFrame, repeats: int) -> None:
    n = len(data) // 2
    ours, floor = best_pair(lambda: library(data), lambda: by_hand_pandas(data), repeats)
    line(f"pipeline, pandas, {n:,} clients", ours, "hand-written pandas", floor)
    scored = data.assign(swemwbs_metric=0.0, ucla3_raw=0.0)
    t_pair, t_merge = best_pair(lambda: oc.pair_measurements(scored, columns=SCORES),
                                lambda: pairing_floor(scored), repeats)
    status = "OK" if t_pair <= TARGET_PAIRING else "SLOWER THAN TARGET"
    print(f"pairing, pandas, {n:,} clients: {t_pair:.2f} s (target <= {TARGET_PAIRING:g} s, "
          f"{status}) | pandas merge: {t_merge:.2f} s | ratio {t_pair / t_merge:.1f}x")
    return improved_share(library(data))


def run_polars(data: pd.DataFrame, repeats: int):
    try:
        import polars as pl
    except ImportError:
        print("pipeline, polars: not installed")
        return None
    frame = pl.from_pandas(data)
    ours, floor = best_pair(lambda: library(frame), lambda: by_hand_polars(frame), repeats)
    line(f"pipeline, polars, {len(data) // 2:,} clients", ours, "hand-written polars", floor)
    return improved_share(library(frame))


def run_duckdb(data: pd.DataFrame, repeats: int):
    try:
        import duckdb
    except ImportError:
        print("pipeline, duckdb: not installed")
        return None
    con = duckdb.connect()
    con.execute("CREATE TABLE long AS SELECT * FROM data")
    ours, floor = best_pair(lambda: library(con.table("long")), lambda: by_hand_duckdb(con),
                            repeats)
    line(f"pipeline, DuckDB, {len(data) // 2:,} clients", ours, "hand-written DuckDB SQL",
         floor)
    return improved_share(library(con.table("long")))


# --------------------------------------------------------------- memory at scale
def _resident() -> tuple[int, int]:
    """(current, peak) resident memory of this process in bytes (Linux /proc)."""
    fields = {}
    with open("/proc/self/status") as status:
        for text in status:
            key, _, value = text.partition(":")
            fields[key] = value.strip()
    return (int(fields["VmRSS"].split()[0]) * 1024, int(fields["VmHWM"].split()[0]) * 1024)


def _peak_child(backend: str, n: int) -> None:
    """In a fresh process: build the input, reset the peak, run the pipeline, report the
    memory as JSON.  The input's size: polars' own estimate; for DuckDB the resident
    memory the table added when it was created."""
    import gc

    data = make_long(n)
    if backend == "polars":
        import polars as pl

        table = pl.from_pandas(data)
        size = table.estimated_size()
    else:
        import duckdb

        con = duckdb.connect()
        con.execute("SET threads TO 2")
        start_rss = _resident()[0]
        con.execute("CREATE TABLE long AS SELECT * FROM data")
        table = con.table("long")
        size = max(_resident()[0] - start_rss, int(data.memory_usage(deep=True).sum()))
    del data
    gc.collect()
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")  # reset the peak resident memory (VmHWM) to the current
    before = _resident()[0]
    start = time.perf_counter()
    result = library(table)
    seconds = time.perf_counter() - start
    peak = _resident()[1]
    print(json.dumps({"backend": backend, "input": size, "before": before, "peak": peak,
                      "seconds": seconds, "share": improved_share(result)}))


def run_big(n: int) -> None:
    for backend in ("polars", "duckdb"):
        try:
            __import__(backend)
        except ImportError:
            print(f"memory, {backend}, {n:,} clients: not installed")
            continue
        out = subprocess.run([sys.executable, __file__, "--child", backend, "--clients",
                              str(n)], capture_output=True, text=True, check=False)
        if out.returncode != 0:
            print(f"memory, {backend}, {n:,} clients: FAILED ({out.stderr.strip()[-300:]})")
            continue
        r = json.loads(out.stdout.strip().splitlines()[-1])
        added = max(r["peak"] - r["before"], 0)
        ratio = added / r["input"]
        status = "OK" if ratio <= TARGET_RATIO else "ABOVE TARGET"
        print(f"memory, {backend}, {n:,} clients: completed in {r['seconds']:.1f} s; peak "
              f"added {added / 2**30:.2f} GiB | input {r['input'] / 2**30:.2f} GiB | ratio "
              f"{ratio:.1f}x (target <= {TARGET_RATIO:g}x, {status})")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--big-clients", type=int, default=10_000_000)
    parser.add_argument("--skip-big", action="store_true")
    parser.add_argument("--child", choices=["polars", "duckdb"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _peak_child(args.child, args.clients)
        return
    data = make_long(args.clients)
    shares = {"pandas": run_pandas(data, args.repeats), "polars": run_polars(data, args.repeats),
              "duckdb": run_duckdb(data, args.repeats)}
    found = {k: round(v, 12) for k, v in shares.items() if v is not None}
    print(f"(best of {args.repeats} runs; improved on >=1 of 4 measures: "
          + ", ".join(f"{k} {v:.4%}" for k, v in found.items())
          + ("; identical on every backend)" if len(set(found.values())) == 1
             else "; BACKENDS DISAGREE)"))
    if not args.skip_big:
        run_big(args.big_clients)


if __name__ == "__main__":
    main()
