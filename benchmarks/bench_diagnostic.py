"""Benchmark: load and score 200 organisations' diagnostic workbooks, then write their reports.

Targets: load + score under 10 s; reports under 1 s per organisation.

The workbooks are made first, in a temporary folder, by the bundled data generator with
more organisations (``wellbeing_lib.datasets.workforce_diagnostic(n)``); making them is not
timed.  Then this times:

* loading every workbook (``diagnostic.load_diagnostic_workbooks``, no progress bar),
* scoring (``score_diagnostic``) and the system view (``system_summary``),
* staging and evidence coverage, for information;
* writing every organisation's reports (``write_org_reports``: an XLSX workbook and an HTML
  summary each, with the staff survey and network views of the generated data), reported
  per organisation, and the system themes report (``write_system_report``).

Then, beside a hand-written floor in the same run (ours and the floor in turns, best of
``--repeats``), **loading + scoring of 1M answers** in the tidy form (``--answers``; text
columns as a CSV gives them: labels in any case, points as text, 5% blank):
``score_diagnostic(read_diagnostic_csv(table))`` - every check on (blank and unknown ids,
answers off the scale, duplicates), completeness, scores per organisation x element.  The
floor is the same aggregation written by hand in the same library with no checks: answers
mapped to points, questions to elements, then a groupby per organisation x element for
the count, the mean and the count at each level.  Target: within 3x of the floor, for
pandas and, when polars is installed, for a polars table against a polars floor.

Run::

    .venv/bin/python benchmarks/bench_diagnostic.py            # 200 organisations
    .venv/bin/python benchmarks/bench_diagnostic.py -n 50
    .venv/bin/python benchmarks/bench_diagnostic.py --report-orgs 20   # reports for 20 only
    .venv/bin/python benchmarks/bench_diagnostic.py --answers-only     # the 1M answers only

The exit status is 1 when load + score takes longer than its target (``--target``), the
reports take longer per organisation than theirs (``--report-target``) or the 1M answers
take longer than 3x their floor.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from wellbeing_lib import datasets as ds
from wellbeing_lib import diagnostic as dg

TARGET_SECONDS = 10.0
REPORT_TARGET_SECONDS = 1.0  # per organisation
TARGET_RATIO = 3.0  # 1M answers: load + score within 3x of the hand-written floor
BLANK_SHARE = 0.05


# ------------------------------------------------------------------ 1M answers
def make_answers(n: int, random_state: int = 2021) -> pd.DataFrame:
    """``n`` answers in the tidy form, as text (seeded): every organisation answers the 60
    questions in order; answers are scale labels in mixed case, or points as text, or blank."""
    rng = np.random.default_rng(random_state)
    ids = dg.framework()["question_id"].to_numpy()
    n_orgs = -(-n // len(ids))
    orgs = np.char.add("Organisation ", np.arange(n_orgs).astype("U7"))
    points = rng.integers(0, 5, n)
    labels = np.array(["Not started", "planning", "Developing", "EMBEDDED", " Exemplary"],
                      dtype=object)
    answer = np.where(rng.random(n) < 0.3, points.astype("U1").astype(object), labels[points])
    answer[rng.random(n) < BLANK_SHARE] = None
    return pd.DataFrame({"organisation": pd.array(np.repeat(orgs, len(ids))[:n], dtype="str"),
                         "question_id": pd.array(np.tile(ids, n_orgs)[:n], dtype="str"),
                         "answer": pd.array(answer, dtype="str")})


def _reference():
    scale, q = dg.maturity_scale(), dg.framework()
    labels = {str(lab).casefold(): float(p) for lab, p in zip(scale["label"], scale["points"])}
    return labels, dict(zip(q["question_id"], q["element"])), [float(p) for p in scale["points"]]


def pandas_floor(table: pd.DataFrame) -> pd.DataFrame:
    """The aggregation by hand in pandas: points, element, one groupby; no checks."""
    labels, element, levels = _reference()
    text = table["answer"].str.strip().str.casefold()
    points = text.map(labels).fillna(pd.to_numeric(text, errors="coerce"))
    frame = pd.DataFrame({"organisation": table["organisation"],
                          "element": table["question_id"].map(element), "points": points})
    for i, p in enumerate(levels):
        frame[f"l{i}"] = (points == p).astype("int64")
    g = frame.groupby(["organisation", "element"], sort=False)
    return g.agg(n_answered=("points", "count"), mean=("points", "mean"),
                 **{f"l{i}": (f"l{i}", "sum") for i in range(len(levels))})


def polars_floor(table):
    """The same by hand in polars (one lazy query)."""
    import polars as pl

    labels, element, levels = _reference()
    text = pl.col("answer").str.strip_chars().str.to_lowercase()
    points = text.replace_strict(labels, default=None, return_dtype=pl.Float64).fill_null(
        text.cast(pl.Float64, strict=False))
    return (table.lazy().with_columns(points.alias("points"),
                                      pl.col("question_id").replace_strict(element)
                                      .alias("element"))
            .group_by("organisation", "element")
            .agg(pl.col("points").count().alias("n_answered"), pl.col("points").mean(),
                 *((pl.col("points") == p).sum().alias(f"l{i}") for i, p in enumerate(levels)))
            .collect())


def load_and_score(table) -> pd.DataFrame:
    """Ours: every check, the completeness and the scores."""
    return dg.score_diagnostic(dg.read_diagnostic_csv(table))


def in_turns(ours, floor, table, repeats: int) -> tuple[float, float]:
    """Best of ``repeats`` for ours and the floor, run in turns (same load on the machine)."""
    best = [float("inf"), float("inf")]
    for _ in range(repeats):
        for i, func in enumerate((ours, floor)):
            start = time.perf_counter()
            func(table)
            best[i] = min(best[i], time.perf_counter() - start)
    return best[0], best[1]


def million(n: int = 1_000_000, repeats: int = 3) -> list[dict]:
    """Time load + score of ``n`` answers beside the floors (pandas; polars if installed)."""
    table = make_answers(n)
    load_and_score(table.head(1000))  # warm up (reference tables, imports)
    runs = [("pandas", table, pandas_floor)]
    try:
        import polars as pl
    except ImportError:
        pl = None
    if pl is not None:
        runs.append(("polars", pl.from_pandas(table), polars_floor))
    out = []
    for name, data, floor in runs:
        ours, base = in_turns(load_and_score, floor, data, repeats)
        out.append({"backend": name, "n": n, "ours": ours, "floor": base,
                    "ratio": ours / base})
    if pl is None:
        out.append({"backend": "polars", "n": n, "ours": None})
    return out


def print_million(rows: list[dict], repeats: int) -> bool:
    ok = True
    for r in rows:
        if r["ours"] is None:
            print(f"load + score {r['n']:,} answers ({r['backend']}): not installed")
            continue
        met = r["ratio"] <= TARGET_RATIO
        ok &= met
        print(f"load + score {r['n']:,} answers ({r['backend']}): {r['ours']:6.2f} s | "
              f"hand-written {r['backend']} groupby floor: {r['floor']:6.2f} s | ratio "
              f"{r['ratio']:.1f}x (target <= {TARGET_RATIO:g}x: {'met' if met else 'MISSED'})")
    print(f"(best of {repeats} runs each, in turns)")
    return ok


def run(n: int = 200, *, target: float = TARGET_SECONDS, report_orgs: int | None = None,
        report_target: float = REPORT_TARGET_SECONDS) -> dict:
    """Make ``n`` workbooks, then time loading, scoring and report writing; return the timings."""
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        frames = ds.workforce_diagnostic(n)
        paths = ds.write_workforce_workbooks(frames, tmp)
        made = time.perf_counter() - start
        folder = Path(tmp) / ds.WORKBOOK_FOLDER

        start = time.perf_counter()
        diag = dg.load_diagnostic_workbooks(folder, progress=False)
        loaded = time.perf_counter() - start

        start = time.perf_counter()
        scores = dg.score_diagnostic(diag)
        summary = dg.system_summary(scores)
        scored = time.perf_counter() - start

        start = time.perf_counter()
        dg.staging_summary(dg.staging_progress(diag, start=ds.DIAGNOSTIC_START))
        dg.evidence_gaps(dg.evidence_coverage(diag))
        extra = time.perf_counter() - start

        names = diag.organisations[:report_orgs] if report_orgs else None
        out = Path(tmp) / "reports"
        start = time.perf_counter()
        files = dg.write_org_reports(
            diag, out, survey=frames["workforce_staff_survey"],
            networks=frames["workforce_staff_networks"],
            organisations=frames["workforce_organisations"], only=names,
            start=ds.DIAGNOSTIC_START, progress=False)
        reports = time.perf_counter() - start
        n_reported = files["organisation"].nunique()

        start = time.perf_counter()
        dg.write_system_report(
            diag, out, survey=frames["workforce_staff_survey"],
            networks=frames["workforce_staff_networks"],
            organisations=frames["workforce_organisations"], start=ds.DIAGNOSTIC_START)
        system = time.perf_counter() - start

    return {"n": n, "files": len(paths), "made": made, "load": loaded, "score": scored,
            "staging_coverage": extra, "problems": len(diag.problems),
            "rows": len(diag.answers), "elements": len(summary.elements), "target": target,
            "reports": reports, "n_reported": n_reported, "report_files": len(files),
            "system_report": system, "report_target": report_target}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200, help="organisations (default 200)")
    parser.add_argument("--target", type=float, default=TARGET_SECONDS,
                        help="seconds allowed for load + score (default 10)")
    parser.add_argument("--report-orgs", type=int, default=None,
                        help="write reports for the first N organisations only (default all)")
    parser.add_argument("--report-target", type=float, default=REPORT_TARGET_SECONDS,
                        help="seconds allowed per organisation's reports (default 1)")
    parser.add_argument("--answers", type=int, default=1_000_000,
                        help="answers for the load + score line beside its floor (default 1M)")
    parser.add_argument("--repeats", type=int, default=3,
                        help="runs of the 1M answers line, best taken (default 3)")
    parser.add_argument("--answers-only", action="store_true",
                        help="time only the 1M answers beside their floor")
    args = parser.parse_args(argv)
    answers_ok = print_million(million(args.answers, args.repeats), args.repeats)
    if args.answers_only:
        return 0 if answers_ok else 1
    r = run(args.n, target=args.target, report_orgs=args.report_orgs,
            report_target=args.report_target)
    total = r["load"] + r["score"]
    print(f"made {r['files']} workbooks in {r['made']:.1f} s (not timed)")
    print(f"load   {r['files']} workbooks: {r['load']:6.2f} s "
          f"({1000 * r['load'] / r['files']:.0f} ms per workbook; {r['rows']} answer rows, "
          f"{r['problems']} problems)")
    print(f"score  + system summary: {r['score']:6.2f} s")
    print(f"load + score:            {total:6.2f} s  (target < {r['target']:g} s: "
          f"{'met' if total < r['target'] else 'MISSED'})")
    print(f"staging + evidence gaps: {r['staging_coverage']:6.2f} s")
    per_org = r["reports"] / r["n_reported"]
    print(f"reports {r['n_reported']} organisations ({r['report_files']} files): "
          f"{r['reports']:6.2f} s  ({per_org:.2f} s per organisation; target < "
          f"{r['report_target']:g} s: {'met' if per_org < r['report_target'] else 'MISSED'})")
    print(f"system themes report:    {r['system_report']:6.2f} s")
    ok = total < r["target"] and per_org < r["report_target"] and answers_ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
