"""The ``wellbeing`` command.

Sub-commands
------------
``wellbeing check --data DIR``
    Check every input file in DIR against its data contract before anything runs: one
    table of all the problems in all the files, which notebooks can and cannot run; exit
    code 1 if there is an error.  Nothing in DIR is written.
``wellbeing templates --out DIR``
    Blank input templates (CSV, and XLSX with a data dictionary sheet) for every input,
    the diagnostic workbook to send to organisations and the SurveyMonkey export's header
    rows.  Never writes over an existing file.
``wellbeing demo [--data DIR] [--out DIR] [NOTEBOOK ...]``
    Check the data folder, then execute the curated notebooks whose inputs are valid on
    the bundled data (or your own folder of files in the same formats) and write the HTML
    and Excel outputs into a fresh run folder ``reports/run-YYYYMMDD-HHMMSS/``.  Lists only
    this run's files; exits 1 if a notebook failed or was skipped, with a one-line reason.
``wellbeing make-sample-data [--out DIR] [--check] [--force]``
    Regenerate the bundled synthetic data byte-identically (``--check``: verify only).  It
    refuses to replace a file that differs from what it would write unless ``--force``.
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


def _short(text, width: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _print_table(frame, widths: dict, last: str, file=None) -> None:
    """A plain fixed-width table (no colour codes): the ``widths`` columns cut to their
    width, then ``last`` in full (the terminal wraps it)."""
    cols = list(widths)
    print("  ".join(f"{c:<{widths[c]}}" for c in cols) + "  " + last, file=file)
    print("  ".join("-" * widths[c] for c in cols) + "  " + "-" * len(last), file=file)
    for row in frame[[*cols, last]].itertuples(index=False):
        cells = [f"{_short(v, widths[c]):<{widths[c]}}" for c, v in zip(cols, row)]
        print("  ".join(cells) + "  " + " ".join(str(row[-1]).split()), file=file)


def _report_check(check, *, quiet_ok: bool = False) -> None:
    problems = check.problems
    n_err = int((problems["severity"] == "error").sum())
    n_warn = int((problems["severity"] == "warning").sum())
    if len(problems):
        shown = problems.assign(problem=[
            p + (": " if e or f else "")
            + "; ".join(x for x in (f"expected {e}" if e else "", f"found {f}" if f else "") if x)
            for p, e, f in zip(problems["problem"], problems["expected"], problems["found"])])
        _print_table(shown, {"severity": 7, "file": 34, "column": 20, "lines": 12}, "problem")
        print()
    if n_err or n_warn or not quiet_ok:
        files = check.files[check.files["status"] != "not needed"]
        print(f"{n_err} error(s) and {n_warn} warning(s) in "
              f"{int((files['n_errors'] + files['n_warnings'] > 0).sum())} of {len(files)} "
              f"input file(s) in {check.folder}")
    nb = check.notebooks
    can = list(nb.loc[nb["can_run"], "notebook"])
    cannot = nb.loc[~nb["can_run"]]
    print("Notebooks that can run: " + (", ".join(can) if can else "none"))
    for row in cannot.itertuples(index=False):
        print(f"Cannot run {row.notebook}: errors in {row.blocked_by}")


def _cmd_check(args) -> int:
    from .intake import check_data_folder
    from .io import data_dir

    folder = data_dir(args.data)
    if not folder.is_dir():
        print(f"error: data folder {folder} does not exist", file=sys.stderr)
        return 2
    check = check_data_folder(folder, progress=False)
    _report_check(check)
    return 0 if check.ok else 1


def _cmd_templates(args) -> int:
    from .intake import write_templates

    table = write_templates(args.out)
    for row in table.itertuples(index=False):
        verb = "wrote" if row.status == "written" else "kept (exists, not overwritten)"
        print(f"  {verb:<31} {args.out / row.file}  - {row.template}")
    print(f"{int((table['status'] == 'written').sum())} template(s) written to {args.out}; "
          "the columns, types and allowed values are on each workbook's 'data dictionary' "
          "sheet and in data/README.md ('Data contracts')")
    return 0


def _inside(path: Path, folder: Path) -> bool:
    path, folder = path.resolve(), folder.resolve()
    return path == folder or folder in path.parents


def _cmd_demo(args) -> int:
    from .intake import check_data_folder
    from .io import data_dir
    from .reporting.notebooks import list_notebooks, new_run_folder, reports_dir, run_notebooks

    data = data_dir(args.data)
    if not data.is_dir():
        print(f"error: data folder {data} does not exist", file=sys.stderr)
        return 2
    base = Path(args.out) if args.out is not None else reports_dir()
    if _inside(base, data):
        print(f"error: the reports folder {base} is inside the data folder {data}; "
              "choose another --out (your data folder is only read)", file=sys.stderr)
        return 2
    print(f"Data:    {data}")
    check = check_data_folder(data, progress=False)
    _report_check(check, quiet_ok=True)
    notebooks = [Path(p) for p in (args.notebooks or list_notebooks())]
    blocked = dict(zip(check.notebooks["notebook"], check.notebooks["blocked_by"]))
    skip = {p.name: f"its inputs have errors ({blocked[p.name]})" for p in notebooks
            if blocked.get(p.name)}
    out = new_run_folder(base)
    print(f"Reports: {out}")
    print("  per notebook: NAME.html (board report: no code, key findings first), NAME.docx "
          "(the same in Word), NAME-analyst.html (the whole notebook with its code)")
    table = run_notebooks(notebooks, data_dir=data, out_dir=out, progress=True, skip=skip)
    for row in table.itertuples():
        if row.status == "skipped":
            print(f"  {row.notebook:<45}          not run: {row.error}")
            continue
        label = "ok" if row.status == "ok" else "FAILED"
        print(f"  {row.notebook:<45} {row.seconds:6.1f} s  {label}"
              + (f": {row.error}" if isinstance(row.error, str) else ""))
        for rel in row.outputs:
            print(f"  {'':<45}           {out / rel}")
    n_ok = int((table["status"] == "ok").sum())
    n_failed = int((table["status"] == "failed").sum())
    n_skipped = int((table["status"] == "skipped").sum())
    print(f"Done: {n_ok} ok, {n_failed} failed, {n_skipped} not run -> {out}")
    if n_failed or n_skipped:
        first = table.loc[table["status"] != "ok"].iloc[0]
        print(f"error: {first['notebook']}: {first['error']}", file=sys.stderr)
        return 1
    return 0


def _cmd_make_sample_data(args) -> int:
    from .datasets import make_sample_data
    from .errors import OverwriteError
    from .io import bundled_data_dir

    target = Path(args.out) if args.out is not None else bundled_data_dir()
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
    try:
        paths = make_sample_data(target, progress=True, force=args.force)
    except OverwriteError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for p in paths:
        print(f"  {p}")
    print(f"{len(paths)} sample file(s) in {target} (synthetic data, not real people)")
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

    check = sub.add_parser("check", help="check a data folder against the data contracts")
    check.add_argument("--data", type=Path, help="folder of input files (default: bundled data/)")
    check.set_defaults(func=_cmd_check)

    templates = sub.add_parser("templates", help="write blank input templates (never overwrites)")
    templates.add_argument("--out", type=Path, required=True, help="folder for the templates")
    templates.set_defaults(func=_cmd_templates)

    demo = sub.add_parser("demo", help="check the data, run the notebooks, write HTML/XLSX reports")
    demo.add_argument("--data", type=Path, help="folder of input files (default: bundled data/)")
    demo.add_argument("--out", type=Path,
                      help="folder for run folders of reports (default: reports/)")
    demo.add_argument("notebooks", nargs="*", type=Path, help="notebooks to run (default: all)")
    demo.set_defaults(func=_cmd_demo)

    sample = sub.add_parser("make-sample-data", help="regenerate the bundled synthetic data")
    sample.add_argument("--out", type=Path, help="output folder (default: the bundled data/)")
    sample.add_argument("--check", action="store_true", help="only verify the files match")
    sample.add_argument("--force", action="store_true",
                        help="replace files that differ from the sample data")
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
