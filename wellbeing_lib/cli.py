"""The ``wellbeing`` command.

Sub-commands
------------
``wellbeing demo [--data DIR] [--out DIR] [NOTEBOOK ...]``
    Execute the curated notebooks on the bundled data (or your own folder of files in the
    same formats) and write ``reports/<notebook>.html`` plus the Excel outputs.
``wellbeing make-sample-data [--out DIR] [--check]``
    Regenerate the bundled synthetic data byte-identically (``--check``: verify only).
``wellbeing refresh-notebooks [NOTEBOOK ...]``
    Re-execute the notebooks and save them in place with their outputs.
``wellbeing datasets``
    List the bundled data sets.
"""

from __future__ import annotations

import argparse
import filecmp
import sys
import tempfile
from pathlib import Path


def _cmd_demo(args) -> int:
    from .io import data_dir
    from .reporting.notebooks import reports_dir, run_notebooks

    data = data_dir(args.data)
    if not data.is_dir():
        print(f"error: data folder {data} does not exist", file=sys.stderr)
        return 2
    out = reports_dir(args.out)
    print(f"Data:    {data}")
    print(f"Reports: {out}")
    table = run_notebooks(args.notebooks or None, data_dir=data, out_dir=out, progress=True)
    for row in table.itertuples():
        where = row.html if row.status == "ok" else f"FAILED: {row.error}"
        print(f"  {row.notebook:<45} {row.seconds:6.1f} s  {where}")
    xlsx = sorted(out.rglob("*.xlsx"))
    if xlsx:
        print("Excel outputs:")
        for p in xlsx:
            print(f"  {p}")
    failed = int((table["status"] != "ok").sum())
    if failed:
        print(f"{failed} notebook(s) failed", file=sys.stderr)
        return 1
    print(f"Done: {len(table)} notebook(s) -> {out}")
    return 0


def _cmd_make_sample_data(args) -> int:
    from .datasets import make_sample_data
    from .io import data_dir

    target = data_dir(args.out)
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            fresh = make_sample_data(tmp, progress=True)
            relative = [p.relative_to(tmp) for p in fresh]
            differ = [
                str(rel) for p, rel in zip(fresh, relative)
                if not (target / rel).is_file()
                or not filecmp.cmp(p, target / rel, shallow=False)
            ]
        if differ:
            print("differ from a fresh generation: " + ", ".join(differ), file=sys.stderr)
            return 1
        print(f"all {len(fresh)} bundled files in {target} match a fresh generation")
        return 0
    paths = make_sample_data(target, progress=True)
    for p in paths:
        print(f"  wrote {p}")
    return 0


def _cmd_refresh(args) -> int:
    from .reporting.notebooks import refresh_notebooks

    for p in refresh_notebooks(args.notebooks or None):
        print(f"  saved {p}")
    return 0


def _cmd_datasets(args) -> int:
    from .datasets import list_datasets

    table = list_datasets()
    widths = {c: max(len(c), int(table[c].astype(str).str.len().max())) for c in
              ("dataset", "file")}
    print(f"{'dataset':<{widths['dataset']}}  {'file':<{widths['file']}}  description")
    for row in table.itertuples(index=False):
        print(f"{row.dataset:<{widths['dataset']}}  {row.file:<{widths['file']}}  "
              f"{row.description}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wellbeing", description="Evaluate health and wellbeing programmes (wellbeing_lib)."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="run the notebooks and write HTML/XLSX reports")
    demo.add_argument("--data", type=Path, help="folder of input files (default: bundled data/)")
    demo.add_argument("--out", type=Path, help="folder for reports (default: reports/)")
    demo.add_argument("notebooks", nargs="*", type=Path, help="notebooks to run (default: all)")
    demo.set_defaults(func=_cmd_demo)

    sample = sub.add_parser("make-sample-data", help="regenerate the bundled synthetic data")
    sample.add_argument("--out", type=Path, help="output folder (default: data/)")
    sample.add_argument("--check", action="store_true", help="only verify the files match")
    sample.set_defaults(func=_cmd_make_sample_data)

    refresh = sub.add_parser("refresh-notebooks", help="re-execute notebooks, save outputs")
    refresh.add_argument("notebooks", nargs="*", type=Path)
    refresh.set_defaults(func=_cmd_refresh)

    ds = sub.add_parser("datasets", help="list the bundled data sets")
    ds.set_defaults(func=_cmd_datasets)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
