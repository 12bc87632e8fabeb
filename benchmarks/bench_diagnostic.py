"""Benchmark: load and score 200 organisations' diagnostic workbooks (target: under 10 s).

The workbooks are made first, in a temporary folder, by the bundled data generator with
more organisations (``wellbeing_lib.datasets.workforce_diagnostic(n)``); making them is not
timed.  Then this times:

* loading every workbook (``diagnostic.load_diagnostic_workbooks``, no progress bar),
* scoring (``score_diagnostic``) and the system view (``system_summary``),
* staging and evidence coverage, for information.

Run::

    .venv/bin/python benchmarks/bench_diagnostic.py            # 200 organisations
    .venv/bin/python benchmarks/bench_diagnostic.py -n 50

The exit status is 1 when load + score takes longer than the target (``--target``).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from wellbeing_lib import datasets as ds
from wellbeing_lib import diagnostic as dg

TARGET_SECONDS = 10.0


def run(n: int = 200, *, target: float = TARGET_SECONDS) -> dict:
    """Make ``n`` workbooks, then time loading and scoring them; return the timings."""
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

    return {"n": n, "files": len(paths), "made": made, "load": loaded, "score": scored,
            "staging_coverage": extra, "problems": len(diag.problems),
            "rows": len(diag.answers), "elements": len(summary.elements), "target": target}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200, help="organisations (default 200)")
    parser.add_argument("--target", type=float, default=TARGET_SECONDS,
                        help="seconds allowed for load + score (default 10)")
    args = parser.parse_args(argv)
    r = run(args.n, target=args.target)
    total = r["load"] + r["score"]
    print(f"made {r['files']} workbooks in {r['made']:.1f} s (not timed)")
    print(f"load   {r['files']} workbooks: {r['load']:6.2f} s "
          f"({1000 * r['load'] / r['files']:.0f} ms per workbook; {r['rows']} answer rows, "
          f"{r['problems']} problems)")
    print(f"score  + system summary: {r['score']:6.2f} s")
    print(f"load + score:            {total:6.2f} s  (target < {r['target']:g} s: "
          f"{'met' if total < r['target'] else 'MISSED'})")
    print(f"staging + evidence gaps: {r['staging_coverage']:6.2f} s")
    return 0 if total < r["target"] else 1


if __name__ == "__main__":
    sys.exit(main())
