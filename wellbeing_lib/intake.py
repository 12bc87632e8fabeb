"""Your own data folder: check it against the data contracts; blank templates to fill in.

:func:`check_data_folder` (``wellbeing check --data DIR``) checks every input file of the
notebooks against its contract (:mod:`wellbeing_lib.contracts`) before anything runs and
returns **all** the problems of all the files in one table, with which notebooks can and
cannot run.  The diagnostic workbooks, the SurveyMonkey export and NHS Digital's GP
registration file are checked by their domain's own reader
(:func:`wellbeing_lib.diagnostic.load_diagnostic_workbooks`,
:func:`wellbeing_lib.engagement.read_surveymonkey`,
:func:`wellbeing_lib.monitoring.read_gp_registrations`), so the check and the analysis never
disagree.  Nothing in the folder is written.

:func:`write_templates` (``wellbeing templates --out DIR``) writes a blank CSV and an
XLSX (with a *data dictionary* sheet) for every input table, the blank diagnostic
workbook to send to organisations, and the two header rows of the SurveyMonkey export;
it never writes over an existing file.

This module combines domains (like the widgets), so it sits above them; the contracts
themselves are core (:mod:`wellbeing_lib.contracts`).

Example
-------
>>> import tempfile, pathlib, shutil
>>> from wellbeing_lib.io import bundled_data_dir
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = shutil.copy(bundled_data_dir() / "engagement_codings.csv", folder)
>>> check = check_data_folder(folder, progress=False)
>>> check.notebooks.loc[check.notebooks["notebook"].str.startswith("01"), "can_run"].item()
False
>>> "engagement_participants.csv" in check.problems["file"].tolist()
True
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .contracts import (
    PROBLEM_COLUMNS,
    Contract,
    all_contracts,
    check_file,
    get_contract,
    problems_frame,
    rule_text,
)
from .errors import DataError, DataWarning, SheetError, UnreadableFileError

__all__ = ["DataCheck", "check_data_folder", "notebook_inputs", "write_templates"]

#: kinds of contract that are one table (a blank template each)
_TABLE_KINDS = ("table", "gp_registrations")

#: other formats a user may have saved a table in (reported, and read if possible)
_OTHER_FORMATS = (".xlsx", ".xlsm", ".xls", ".txt", ".tsv", ".ods")


def _notebook_names() -> list[str]:
    from .reporting.notebooks import list_notebooks

    return [p.name for p in list_notebooks()]


def notebook_inputs() -> pd.DataFrame:
    """Which input files each curated notebook reads (from the contracts).

    Example
    -------
    >>> t = notebook_inputs()
    >>> sorted(t.loc[t["notebook"].str.startswith("03"), "file"])
    ['social_prescribing_clients.csv', 'social_prescribing_measures.csv', 'social_prescribing_service_use.csv']
    """
    rows = []
    names = _notebook_names()
    for contract in all_contracts():
        for number in contract.notebooks:
            for name in names:
                if name.startswith(number + "_"):
                    rows.append({"notebook": name, "file": contract.file})
    return pd.DataFrame(rows, columns=["notebook", "file"]).astype("str")


@dataclass(frozen=True)
class DataCheck:
    """The result of :func:`check_data_folder`.

    Attributes
    ----------
    folder : Path
        The folder checked.
    problems : DataFrame
        Every problem in every file (``contracts.PROBLEM_COLUMNS``), errors first in
        file order, then warnings.
    files : DataFrame
        One row per contract: ``file``, ``found`` (the file read, if any), ``status``
        (``ok``, ``warnings``, ``errors``, ``missing``, ``not needed``), ``n_errors``,
        ``n_warnings``, ``notebooks``.
    notebooks : DataFrame
        One row per curated notebook: ``notebook``, ``can_run``, ``blocked_by`` (the
        files with errors it needs), ``inputs``.
    """

    folder: Path
    problems: pd.DataFrame
    files: pd.DataFrame
    notebooks: pd.DataFrame

    @property
    def ok(self) -> bool:
        """True when no file has an error (warnings allowed)."""
        return not bool((self.problems["severity"] == "error").any())

    def runnable(self) -> list[str]:
        """The notebooks whose inputs are all valid."""
        return list(self.notebooks.loc[self.notebooks["can_run"], "notebook"])

    def to_frame(self) -> pd.DataFrame:
        """The problems table."""
        return self.problems.copy()

    def __repr__(self) -> str:
        n_err = int((self.problems["severity"] == "error").sum())
        n_warn = int((self.problems["severity"] == "warning").sum())
        return (f"DataCheck({self.folder}: {n_err} error(s), {n_warn} warning(s); "
                f"notebooks that can run: {', '.join(self.runnable()) or 'none'})")


# ------------------------------------------------------------------ one file each
def _capture(func, *args, **kwargs):
    """Run a reader; return (its result or None, the named problems it raised or warned)."""
    problems: list = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = func(*args, **kwargs)
        except (DataError, UnreadableFileError) as exc:
            problems.append(exc)
            result = None
    problems.extend(w.message for w in caught if isinstance(w.message, DataWarning))
    return result, problems


def _check_workbooks(folder: Path, contract: Contract, progress: bool) -> pd.DataFrame:
    from .diagnostic import load_diagnostic_workbooks

    diag, problems = _capture(load_diagnostic_workbooks, folder, progress=progress)
    table = problems_frame(problems)
    if diag is not None and len(diag.problems):
        p = diag.problems
        fatal = p["action"].isin(["file skipped", "sheet skipped"]).to_numpy()
        rows = pd.DataFrame({
            "file": contract.file + p["file"].fillna(""), "sheet": p["sheet"].fillna(""),
            "column": "", "lines": p["cell"].fillna(""), "n_rows": 1,
            "problem": p["problem"] + " (" + p["action"] + ")", "expected": "",
            "found": p["message"], "severity": ["error" if f else "warning" for f in fatal],
            "error": p["error"],
        })
        table = pd.concat([table, rows[PROBLEM_COLUMNS]], ignore_index=True)
    return table


def _check_export(path: Path, contract: Contract) -> pd.DataFrame:
    from .engagement import read_surveymonkey

    survey, problems = _capture(read_surveymonkey, path)
    if survey is not None:
        first = contract.columns["column"].iloc[0]
        if "respondent_id" not in survey.responses.columns:
            problems.append(SheetError("column missing", file=path.name, column=first,
                                       expected=f"'{first}' in row 1"))
    return problems_frame(problems)


def _check_registrations(path: Path, contract: Contract) -> pd.DataFrame:
    """NHS Digital's GP registration layout: the contract's column rules, then the reader
    the notebook uses (the code and age columns under any of their published names, every
    ``ALL`` row equal to the sum it totals, no practice, sex and age given twice)."""
    from .monitoring import read_gp_registrations

    table = check_file(path, contract)
    if (table["severity"] == "error").any():
        return table
    _, problems = _capture(read_gp_registrations, path)
    return pd.concat([table, problems_frame(problems)], ignore_index=True)


def _find(folder: Path, contract: Contract) -> tuple[Path | None, list[Path]]:
    """The file as named, or None and the near misses (other format, other case)."""
    exact = folder / contract.file
    if contract.kind == "workbook_folder":
        return (exact if exact.is_dir() else None), []
    if exact.is_file():
        return exact, []
    stem = contract.stem.casefold()
    near = sorted(p for p in folder.iterdir() if p.is_file() and p.stem.casefold() == stem
                  and (p.suffix.lower() in (*_OTHER_FORMATS, ".csv")))
    return None, near


def _check_one(folder: Path, contract: Contract, progress: bool) -> tuple[pd.DataFrame, str]:
    """Problems of one contract's file and the name of the file read ('' if none)."""
    path, near = _find(folder, contract)
    needed = bool(contract.notebooks)
    if path is None and not near:
        if not needed:
            return problems_frame([]), ""
        what = ("folder" if contract.kind == "workbook_folder" else "file")
        exc = UnreadableFileError(contract.file, f"no such {what} in the data folder (read by "
                                  f"notebook(s) {', '.join(contract.notebooks)}; a blank "
                                  "template: wellbeing templates --out DIR)")
        return problems_frame([exc]), ""
    if path is None:
        other = near[0]
        fix = ("set EXPORT in the notebook's parameters cell to read it, or save it as CSV "
               "under that name" if contract.kind == "surveymonkey_export"
               else "save it from Excel as 'CSV UTF-8' with that name")
        exc = UnreadableFileError(
            contract.file, f"not found; found {other.name} instead: the analyses read "
                           f"{contract.file} ({fix})")
        table = problems_frame([exc])
        if contract.kind == "surveymonkey_export":  # the notebook names the file it reads
            table = pd.concat([table, _check_export(other, contract)], ignore_index=True)
        elif other.suffix.lower() in (".xlsx", ".xlsm", ".csv", ".txt", ".tsv"):
            table = pd.concat([table, check_file(other, contract)], ignore_index=True)
        return table, other.name
    if contract.kind == "workbook_folder":
        return _check_workbooks(path, contract, progress), contract.file
    if contract.kind == "surveymonkey_export":
        return _check_export(path, contract), path.name
    if contract.kind == "gp_registrations":
        return _check_registrations(path, contract), path.name
    return check_file(path, contract), path.name


def check_data_folder(folder, *, progress: bool = True) -> DataCheck:
    """Check every input file in ``folder`` against its data contract, before anything runs.

    Parameters
    ----------
    folder : str or Path
        Your data folder, laid out like the bundled ``data/`` (``data/README.md``).
    progress : bool, default True
        Show a progress bar.

    Returns
    -------
    DataCheck
        ``.problems`` (all of them, every file), ``.files``, ``.notebooks`` (which can
        run), ``.ok``.  Nothing in the folder is written.

    Raises
    ------
    UnreadableFileError
        If ``folder`` is not a folder.
    """
    from tqdm.auto import tqdm

    folder = Path(folder)
    if not folder.is_dir():
        raise UnreadableFileError(folder, "no such folder")
    contracts = list(all_contracts())
    tables, file_rows = [], []
    for contract in tqdm(contracts, desc="checking files", unit="file", disable=not progress):
        table, found = _check_one(folder, contract, progress=False)
        tables.append(table)
        n_err = int((table["severity"] == "error").sum())
        n_warn = int((table["severity"] == "warning").sum())
        if not found and not n_err:
            status = "not needed"
        elif not found or (found != contract.file and contract.kind in _TABLE_KINDS):
            status = "missing"
        else:
            status = "errors" if n_err else ("warnings" if n_warn else "ok")
        file_rows.append({"file": contract.file, "found": found, "status": status,
                          "n_errors": n_err, "n_warnings": n_warn,
                          "notebooks": ", ".join(contract.notebooks)})
    problems = pd.concat(tables, ignore_index=True) if tables else problems_frame([])
    order = (problems["severity"] != "error").to_numpy()
    problems = problems.iloc[order.argsort(kind="stable")].reset_index(drop=True)
    files = pd.DataFrame(file_rows)
    return DataCheck(folder, problems, files, _notebook_table(files))


def _notebook_table(files: pd.DataFrame) -> pd.DataFrame:
    inputs = notebook_inputs()
    bad = set(files.loc[files["n_errors"] > 0, "file"])
    rows = []
    for name in _notebook_names():
        needs = list(inputs.loc[inputs["notebook"] == name, "file"])
        blocked = [f for f in needs if f in bad]
        rows.append({"notebook": name, "can_run": not blocked,
                     "blocked_by": ", ".join(blocked),
                     "inputs": ", ".join(needs) if needs else "(no contracted input)"})
    return pd.DataFrame(rows, columns=["notebook", "can_run", "blocked_by", "inputs"])


# ------------------------------------------------------------------ templates
def _dictionary(contract: Contract) -> pd.DataFrame:
    cols = contract.columns
    return pd.DataFrame({
        "column": cols["column"], "type": cols["type"],
        "required": cols["required"], "blank allowed": cols["blank"],
        "allowed values / range": [rule_text(r).replace("`", "")
                                   for r in cols.itertuples(index=False)],
        "meaning": cols["description"], "source": cols["source"],
    })


def _export_header() -> list[list[str]]:
    """The two header rows of the SurveyMonkey export the self-assessment notebook reads."""
    from .engagement import engagement_areas

    contract = get_contract("self_assessment_online.csv")
    meta = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address",
            "Email Address", "First Name", "Last Name", "Custom Data 1"]
    type_question = contract.columns["column"].iloc[4]
    row1, row2 = [*meta, type_question], [""] * len(meta) + ["Response"]
    for area in engagement_areas().itertuples(index=False):
        row1 += [f"{area.order}. {area.area} – what works well, and what could be better?", ""]
        row2 += ["What works well", "What could be better"]
    row1.append("Is there anything else you would like to tell us about public engagement "
                "across the ICS?")
    row2.append("Open-Ended Response")
    return [row1, row2]


def write_templates(out_dir) -> pd.DataFrame:
    """Write blank input templates for every input file; never write over an existing file.

    For each input table: ``<file>.csv`` (the header line, UTF-8) and ``<file>.xlsx`` (a
    ``data`` sheet with the header and a ``data dictionary`` sheet: type, required, blank
    allowed, allowed values or range, meaning, source).  Also
    ``diagnostic_workbook_template.xlsx`` (the blank workbook to send to each organisation:
    save each returned one as ``diagnostic_workbooks/<org_code>.xlsx``) and
    ``self_assessment_online.csv`` with the export's two header rows.

    Returns
    -------
    DataFrame
        ``file``, ``status`` (``written`` or ``kept``: a file of that name existed and was
        left as it was), ``template`` (what it is).

    Example
    -------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp())
    >>> first = write_templates(out)
    >>> first["status"].unique().tolist(), len(first) > 25
    (['written'], True)
    >>> write_templates(out)["status"].unique().tolist()
    ['kept']
    """
    from .diagnostic import write_diagnostic_workbook
    from .reporting.excel import write_excel

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows = []

    def emit(name: str, what: str, write) -> None:
        path = out / name
        if path.exists():
            rows.append({"file": name, "status": "kept", "template": what})
            return
        write(path)
        rows.append({"file": name, "status": "written", "template": what})

    for contract in all_contracts():
        if contract.kind not in _TABLE_KINDS:
            continue
        header = ",".join(_csv_cell(c) for c in contract.columns["column"]) + "\n"
        emit(contract.file, f"blank {contract.file} (header only)",
             lambda p, h=header: p.write_text(h, encoding="utf-8"))
        blank = pd.DataFrame(columns=list(contract.columns["column"]))
        emit(contract.stem + ".xlsx", "the same with its data dictionary",
             lambda p, c=contract, b=blank: write_excel(
                 {"data": b, "data dictionary": _dictionary(c)}, p, overwrite=False))
    emit("diagnostic_workbook_template.xlsx",
         "blank diagnostic workbook to send to each organisation",
         lambda p: write_diagnostic_workbook(p, organisation="(organisation name)"))
    emit("self_assessment_online.csv", "SurveyMonkey export: the two header rows",
         lambda p: p.write_text("\r\n".join(",".join(_csv_cell(c) for c in row)
                                            for row in _export_header()) + "\r\n",
                                encoding="utf-8-sig"))
    emit("self_assessment_online.xlsx", "the same as a workbook, with its data dictionary",
         _write_export_xlsx)
    return pd.DataFrame(rows, columns=["file", "status", "template"])


def _write_export_xlsx(path: Path) -> None:
    """The export's two header rows as SurveyMonkey writes an XLSX (each question merged
    over its answer columns), and a data dictionary sheet."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    from .reporting.excel import fit_widths, style_header, table_rows

    row1, row2 = _export_header()
    book = Workbook()
    ws = book.active
    ws.title = "Sheet"
    ws.append([c or None for c in row1])
    ws.append([c or None for c in row2])
    for col, text in enumerate(row1, start=1):
        if text and col < len(row1) and not row1[col] and row2[col]:
            ws.merge_cells(f"{get_column_letter(col)}1:{get_column_letter(col + 1)}1")
    style_header(ws[1])
    style_header(ws[2])
    dictionary = _dictionary(get_contract("self_assessment_online.csv"))
    sheet = book.create_sheet("data dictionary")
    sheet.append(list(dictionary.columns))
    for row in table_rows(dictionary):
        sheet.append(row)
    style_header(sheet[1])
    fit_widths(sheet, dictionary)
    book.save(path)


def _csv_cell(text: str) -> str:
    text = str(text)
    return f'"{text}"' if any(c in text for c in ',"\n') else text
