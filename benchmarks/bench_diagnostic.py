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

Run::

    .venv/bin/python benchmarks/bench_diagnostic.py            # 200 organisations
    .venv/bin/python benchmarks/bench_diagnostic.py -n 50
    .venv/bin/python benchmarks/bench_diagnostic.py --report-orgs 20   # reports for 20 only

The exit status is 1 when load + score takes longer than its target (``--target``) or the
reports take longer per organisation than theirs (``--report-target``).
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
REPORT_TARGET_SECONDS = 1.0  # per organisation


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
    args = parser.parse_args(argv)
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
    ok = total < r["target"] and per_org < r["report_target"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
