"""Diagnostic workbooks: the layout, the writer and the reader of one workbook per organisation.

Each organisation fills in one Excel workbook: a ``Cover`` sheet naming the
organisation, then one sheet per framework element with a row per question.
:func:`write_diagnostic_workbook` writes one (blank, or filled in from the tidy
answer form); :func:`load_diagnostic_workbooks` reads a folder of them into a
:class:`~wellbeing_lib.diagnostic.answers.Diagnostic`, listing every problem by
file, sheet and cell instead of stopping at the first.

Example
-------
>>> WORKBOOK_HEADER[:4]
('Question ID', 'Sub-area', 'Question', 'Maturity')
"""

from __future__ import annotations

import datetime
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DuplicateKeyError, InvalidValueError, SheetError, UnreadableFileError
from ..io import EXCEL_ERRORS
from ..reporting.excel import style_header
from ..reporting.files import write_xlsx
from ._common import _blank, _none, _text
from .answers import (
    Diagnostic,
    _answer_points,
    _completeness,
    _problem_table,
    _scale_expected,
    read_diagnostic_csv,
)
from .framework import _questions, _sheet_name, _staff_group_terms, maturity_scale, staff_groups

__all__ = [
    "write_diagnostic_workbook",
    "load_diagnostic_workbooks",
    "COVER_SHEET",
    "COVER_FIELDS",
    "WORKBOOK_HEADER",
    "TITLE_ROW",
    "HEADER_ROW",
    "FIRST_ANSWER_ROW",
]

#: name of the cover sheet of a diagnostic workbook
COVER_SHEET = "Cover"
#: rows of an element sheet: title, header, first answer row (1-based, as Excel shows them)
TITLE_ROW, HEADER_ROW, FIRST_ANSWER_ROW = 1, 2, 3
#: header of an element sheet, in the order the writer uses (the reader finds them by name)
WORKBOOK_HEADER = ("Question ID", "Sub-area", "Question", "Maturity", "Evidence",
                   "Staff groups covered", "Date completed")
#: header text (case and spacing ignored) -> tidy column; ``question_id`` and ``answer`` required
_HEADER_ALIASES = {
    "question id": "question_id", "question_id": "question_id", "id": "question_id",
    "maturity": "answer", "maturity level": "answer", "answer": "answer",
    "evidence": "evidence", "evidence note": "evidence",
    "staff groups covered": "staff_groups", "staff groups": "staff_groups",
    "staff_groups": "staff_groups",
    "date completed": "completed_on", "completed on": "completed_on",
    "completed_on": "completed_on",
}
_READ_COLUMNS = ("question_id", "answer", "evidence", "staff_groups", "completed_on")
#: cover sheet labels (column A, case ignored) -> field; the value is in column B
COVER_FIELDS = {
    "Organisation": "organisation",
    "Organisation code": "org_code",
    "Organisation type": "organisation_type",
    "Integrated care system": "ics",
    "Lead (role)": "lead_role",
    "Diagnostic started": "started_on",
    "Last updated": "last_updated",
}
_COVER_KEYS = {label.casefold(): key for label, key in COVER_FIELDS.items()}
#: how far down the loader looks for a misplaced header row, to say where it is
_HEADER_SEARCH_ROWS = 15


def _cell(column: int, row: int) -> str:
    """Spreadsheet reference of a 1-based column and row: ``_cell(1, 7) == 'A7'``."""
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(column)}{row}"


def write_diagnostic_workbook(
    path,
    *,
    organisation: str,
    answers: pd.DataFrame | None = None,
    org_code: str | None = None,
    organisation_type: str | None = None,
    ics: str | None = None,
    lead_role: str | None = None,
    started_on=None,
    last_updated=None,
    scale=None,
    questions=None,
) -> Path:
    """Write one organisation's diagnostic workbook (blank template, or filled in).

    The layout is the one :func:`load_diagnostic_workbooks` reads:

    * sheet ``Cover``: a title in A1, then one field per row from row 3, its
      label in column A and its value in column B - ``Organisation`` (required
      by the reader), ``Organisation code``, ``Organisation type``,
      ``Integrated care system``, ``Lead (role)``, ``Diagnostic started``,
      ``Last updated``;
    * one sheet per framework element, named as in :func:`elements`
      (``sheet_name``), in framework order: row 1 the element's name (merged
      across the columns), row 2 the header ``Question ID | Sub-area | Question |
      Maturity | Evidence | Staff groups covered | Date completed``, then one
      row per question from row 3.  The Maturity cells offer the scale's labels
      in a drop-down list; dates are Excel dates shown as ``dd/mm/yyyy``.

    Parameters
    ----------
    path : str or Path
        The ``.xlsx`` file to write (its folder is created).
    organisation : str
        The organisation's name (cover sheet).
    answers : DataFrame, optional
        This organisation's answers in the tidy form (``question_id``,
        ``answer`` and optionally ``evidence``, ``staff_groups``,
        ``completed_on``; an ``organisation`` column, if present, is ignored).
        Validated like :func:`read_diagnostic_csv`; answers are written as scale
        labels.  ``None`` writes a blank template.
    org_code, organisation_type, ics, lead_role : str, optional
        Cover sheet fields.
    started_on, last_updated : date-like, optional
        Cover sheet dates.
    scale, questions : optional
        The maturity scale and question table (defaults: :func:`maturity_scale`,
        :func:`framework`).

    Returns
    -------
    Path
        The file written.  The bytes are reproducible: the same arguments give
        the same file (fixed document timestamps and zip entry dates, see
        :func:`wellbeing_lib.reporting.files.write_xlsx`).

    Example
    -------
    >>> import tempfile, pathlib, openpyxl
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "HV99.xlsx"
    >>> _ = write_diagnostic_workbook(p, organisation="Kestrel Hill Hospice", org_code="HV99")
    >>> book = openpyxl.load_workbook(p)
    >>> book.sheetnames[:3]
    ['Cover', 'Personal health and wellbeing', 'Relationships']
    >>> [c.value for c in book["Environment"][2]][:4]
    ['Question ID', 'Sub-area', 'Question', 'Maturity']
    >>> book["Environment"]["A3"].value, book["Cover"]["B3"].value
    ('ENV-01', 'Kestrel Hill Hospice')
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    scale = maturity_scale(scale)
    q = _questions(questions)
    rows = q[["question_id", "element", "sub_area"]].copy()
    rows["question"] = q["question"] if "question" in q.columns else ""
    rows["level"] = np.nan
    rows["evidence"] = np.nan
    rows["staff_groups"] = np.nan
    rows["completed_on"] = pd.NaT
    if answers is not None:
        given = answers.drop(columns=["organisation"], errors="ignore")
        given = given.assign(organisation=str(organisation))
        diag = read_diagnostic_csv(given, scale=scale, questions=q)
        a = diag.answers.drop_duplicates("question_id").set_index("question_id")
        for col in ("level", "evidence", "staff_groups", "completed_on"):
            rows[col] = rows["question_id"].map(a[col])

    book = Workbook()
    cover = book.active
    cover.title = COVER_SHEET
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    cover["A1"] = "Health and Wellbeing Framework diagnostic"
    cover["A1"].font = Font(bold=True, size=14)
    values = {
        "organisation": organisation, "org_code": org_code,
        "organisation_type": organisation_type, "ics": ics, "lead_role": lead_role,
        "started_on": _as_date(started_on), "last_updated": _as_date(last_updated),
    }
    for r, (label, key) in enumerate(COVER_FIELDS.items(), start=3):
        cover.cell(r, 1, label).font = bold
        cell = cover.cell(r, 2, values[key])
        if key in ("started_on", "last_updated"):
            cell.number_format = "dd/mm/yyyy"
    cover.column_dimensions["A"].width = 26
    cover.column_dimensions["B"].width = 60

    labels = [str(label) for label in scale["label"]]
    listing = ",".join(labels)
    widths = {"A": 12, "B": 28, "C": 60, "D": 14, "E": 60, "F": 30, "G": 16}
    for element, block in rows.groupby("element", sort=False):
        ws = book.create_sheet(_sheet_name(element))
        ws.cell(TITLE_ROW, 1, str(element)).font = Font(bold=True, size=13)
        ws.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW,
                       end_column=len(WORKBOOK_HEADER))
        style_header([ws.cell(HEADER_ROW, c, name)
                      for c, name in enumerate(WORKBOOK_HEADER, start=1)])
        for r, rec in enumerate(block.itertuples(index=False), start=FIRST_ANSWER_ROW):
            cells = [rec.question_id, _none(rec.sub_area), _none(rec.question), _none(rec.level),
                     _none(rec.evidence), _none(rec.staff_groups), _as_date(rec.completed_on)]
            for c, value in enumerate(cells, start=1):
                ws.cell(r, c, value).alignment = wrap
            ws.cell(r, 7).number_format = "dd/mm/yyyy"
        last = FIRST_ANSWER_ROW + len(block) - 1
        if "," not in "".join(labels) and len(listing) <= 250:  # Excel's list-literal limits
            choose = DataValidation(type="list", formula1=f'"{listing}"', allow_blank=True,
                                    showErrorMessage=True, errorTitle="Maturity",
                                    error="Choose a level of the maturity scale")
            ws.add_data_validation(choose)
            choose.add(f"D{FIRST_ANSWER_ROW}:D{last}")
        for col, width in widths.items():
            ws.column_dimensions[col].width = width
        ws.freeze_panes = f"A{FIRST_ANSWER_ROW}"
    return write_xlsx(book, path)


def _as_date(value):
    """A datetime.date for a date-like value, None for missing."""
    value = _none(value)
    if value is None:
        return None
    return pd.Timestamp(value).date()


def _workbook_files(folder_or_files) -> tuple[list[Path], str]:
    """The workbooks to read (sorted by name for a folder) and a description of the source."""
    if isinstance(folder_or_files, (str, Path)):
        path = Path(folder_or_files)
        if path.is_dir():
            files = sorted(p for p in path.iterdir()
                           if p.suffix.lower() in {".xlsx", ".xlsm"}
                           and not p.name.startswith(("~$", ".")))  # Excel lock files
            if not files:
                raise UnreadableFileError(path, "no .xlsx workbooks in this folder")
            return files, str(path)
        if not path.exists():
            raise UnreadableFileError(path, "no such file or folder")
        return [path], str(path)
    files = [Path(p) for p in folder_or_files]
    if not files:
        raise ValueError("no workbooks given: pass a folder or a list of .xlsx files")
    names = [p.name for p in files]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(f"workbooks with the same file name given twice: {', '.join(repeated)}")
    return files, f"{len(files)} workbooks"


def _open_workbook(path: Path):
    """Open a workbook for reading, or raise UnreadableFileError saying why not."""
    import zipfile

    from openpyxl import load_workbook

    if not path.exists():
        raise UnreadableFileError(path.name, "no such file")
    if path.stat().st_size == 0:
        raise UnreadableFileError(path.name, "the file is empty (0 bytes)")
    if not zipfile.is_zipfile(path):
        raise UnreadableFileError(
            path.name, "not an Excel .xlsx workbook (the file is not a zip archive; an old "
                       ".xls file or a CSV renamed .xlsx must be saved again from Excel as .xlsx)")
    try:
        return load_workbook(path, data_only=True)
    except Exception as exc:  # damaged archive, missing parts, bad XML
        raise UnreadableFileError(
            path.name, f"a damaged or incomplete Excel workbook ({type(exc).__name__}: {exc})"
        ) from exc


class _Problems:
    """Collects problems of a workbook load in reading order."""

    def __init__(self) -> None:
        self.rows: list[dict] = []

    def add(self, exc: Exception, *, action: str, key: tuple, organisation=None) -> None:
        self.rows.append({
            "file": getattr(exc, "file", None), "sheet": getattr(exc, "sheet", None),
            "cell": getattr(exc, "cell", None), "organisation": organisation,
            "error": type(exc).__name__,
            "problem": getattr(exc, "problem", None) or getattr(exc, "reason", str(exc)),
            "action": action, "message": str(exc), "_exc": exc, "_key": key,
        })

    def sorted(self) -> list[dict]:
        return sorted(self.rows, key=lambda row: row["_key"])


def _read_cover(book, name: str, problems: _Problems, file_no: int) -> dict | None:
    """The cover fields of a workbook, or None (problem recorded) if it has no organisation."""
    if COVER_SHEET not in book.sheetnames:
        problems.add(SheetError(
            "cover sheet missing", file=name, sheet=COVER_SHEET,
            expected=f"a sheet named '{COVER_SHEET}' with the organisation's name",
            found=book.sheetnames), action="file skipped", key=(file_no, -1, 0))
        return None
    ws = book[COVER_SHEET]
    found: dict = {}
    rows: dict = {}
    for r, row in enumerate(ws.iter_rows(min_row=1, max_col=2, values_only=True), start=1):
        label = row[0] if row else None
        if isinstance(label, str) and label.strip().casefold() in _COVER_KEYS:
            key = _COVER_KEYS[label.strip().casefold()]
            found.setdefault(key, row[1] if len(row) > 1 else None)
            rows.setdefault(key, r)
    organisation = found.get("organisation")
    if isinstance(organisation, str):
        organisation = " ".join(organisation.split())
    if organisation in (None, ""):
        where = f"B{rows['organisation']}" if "organisation" in rows else None
        problems.add(SheetError(
            "organisation name missing", file=name, sheet=COVER_SHEET, cell=where,
            expected="a row labelled 'Organisation' in column A with the name in column B"),
            action="file skipped", key=(file_no, -1, rows.get("organisation", 0)))
        return None
    out = {"file": name, "organisation": str(organisation), "_row": rows["organisation"]}
    for key in COVER_FIELDS.values():
        if key != "organisation":
            value = _none(found.get(key))
            out[key] = value.strip() if isinstance(value, str) else value
    return out


def _read_element_sheet(ws, name: str, sheet: str, problems: _Problems, key, organisation
                        ) -> tuple[dict | None, list]:
    """Column positions and answer rows of one element sheet (None if the sheet is skipped)."""
    fail = {"action": "sheet skipped: its questions count as missing",
            "organisation": organisation}
    values = list(ws.iter_rows(min_row=1, values_only=True))
    header = values[HEADER_ROW - 1] if len(values) >= HEADER_ROW else ()

    def columns_of(row) -> dict:
        cols = {}
        for c, text in enumerate(row, start=1):
            if isinstance(text, str):
                field_ = _HEADER_ALIASES.get(" ".join(text.split()).casefold())
                if field_ is not None:
                    cols.setdefault(field_, c)
        return cols

    merged = [m for m in ws.merged_cells.ranges if m.max_row >= HEADER_ROW]
    if merged:
        first = min(merged, key=lambda m: (m.min_row, m.min_col))
        in_header = first.min_row <= HEADER_ROW
        problems.add(SheetError(
            "merged cells in the header row" if in_header else "merged cells in the answer rows",
            file=name, sheet=sheet, cell=first.coord,
            expected=(f"one header name per cell in row {HEADER_ROW}" if in_header else
                      "one value per cell (a merged cell keeps only its first value)"),
            found=[m.coord for m in merged]), key=(*key, first.min_row), **fail)
        return None, []
    cols = columns_of(header)
    if "question_id" not in cols or "answer" not in cols:
        elsewhere = [r for r, row in enumerate(values[:_HEADER_SEARCH_ROWS], start=1)
                     if r != HEADER_ROW and {"question_id", "answer"} <= set(columns_of(row))]
        if elsewhere:
            problems.add(SheetError(
                "header row not where expected", file=name, sheet=sheet,
                cell=f"A{elsewhere[0]}",
                expected=f"the header ({' | '.join(WORKBOOK_HEADER)}) in row {HEADER_ROW}, "
                         f"answers from row {FIRST_ANSWER_ROW}",
                found=[f"a header in row {elsewhere[0]}"]), key=(*key, elsewhere[0]), **fail)
        else:
            needed = [n for f, n in (("question_id", "Question ID"), ("answer", "Maturity"))
                      if f not in cols]
            problems.add(SheetError(
                "header row missing required columns", file=name, sheet=sheet,
                cell=f"A{HEADER_ROW}",
                expected=f"{' and '.join(needed)} in row {HEADER_ROW} "
                         f"({' | '.join(WORKBOOK_HEADER)})",
                found=[" | ".join("" if v is None else str(v) for v in header) or "an empty row"]),
                key=(*key, HEADER_ROW), **fail)
        return None, []
    for field_, label in (("evidence", "Evidence"), ("staff_groups", "Staff groups covered"),
                          ("completed_on", "Date completed")):
        if field_ not in cols:
            problems.add(SheetError(
                "header column missing", file=name, sheet=sheet, cell=f"A{HEADER_ROW}",
                expected=f"a '{label}' column in row {HEADER_ROW}"),
                action=f"'{label}' treated as blank", organisation=organisation,
                key=(*key, HEADER_ROW))
    positions = [cols.get(f) for f in _READ_COLUMNS]
    records = []
    for r, row in enumerate(values[FIRST_ANSWER_ROW - 1:], start=FIRST_ANSWER_ROW):
        picked = [row[c - 1] if c is not None and c <= len(row) else None for c in positions]
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in picked):
            continue
        records.append((r, *picked))
    return cols, records


def load_diagnostic_workbooks(folder_or_files, *, scale=None, questions=None, errors="report",
                              progress=True) -> Diagnostic:
    """Read one diagnostic workbook per organisation, validate, and report what is wrong.

    Parameters
    ----------
    folder_or_files : str, Path or list of paths
        A folder (every ``.xlsx``/``.xlsm`` file in it, by file name; Excel's
        ``~$`` lock files are ignored), one workbook, or a list of workbooks.
    scale, questions : optional
        The maturity scale and question table, as for :func:`read_diagnostic_csv`.
    errors : {"report", "raise"}, default "report"
        ``"report"``: collect every problem in ``.problems`` (and warn once),
        load everything that can be loaded.  ``"raise"``: raise the first
        problem (in file, sheet and row order) as its named error.
    progress : bool, default True
        Show a tqdm progress bar over the files.

    Returns
    -------
    Diagnostic
        As :func:`read_diagnostic_csv`, with ``.answers`` carrying ``file``,
        ``sheet`` and ``row`` (where each answer was read), ``.completeness``
        with every organisation whose cover sheet was read (plus its ``file``
        and ``n_problems``), ``.problems`` and ``.cover``.

    Notes
    -----
    **Workbook layout** (as written by :func:`write_diagnostic_workbook`): a
    ``Cover`` sheet whose column A holds labels and column B values
    (``Organisation`` is required; ``Organisation code``, ``Organisation type``,
    ``Integrated care system``, ``Lead (role)``, ``Diagnostic started``, ``Last
    updated`` are read when present); one sheet per element named as
    ``elements()["sheet_name"]``, with the header in row 2 and one question per
    row from row 3.  Header cells are found by name, in any column order:
    ``Question ID`` and ``Maturity`` are required; ``Evidence``, ``Staff groups
    covered`` and ``Date completed`` are read when present.  Row 1 (a title)
    may be merged.  Blank rows are skipped; other sheets (instructions, notes)
    are ignored.  Maturity is a scale label or its points; dates are Excel
    dates, ``2021-11-15`` or ``15/11/2021`` (time of day ignored).

    **What a problem stops.**  Nothing stops the other files, and nothing is
    dropped without a row in ``.problems`` saying so (and, with
    ``errors="report"``, a warning).  Problem -> error -> what the loader does:

    * empty file, not a zip archive, damaged workbook -> UnreadableFileError ->
      file skipped;
    * no ``Cover`` sheet, or no organisation name on it -> SheetError -> file
      skipped (answers are never guessed onto an organisation);
    * organisation already read from another file -> DuplicateKeyError ->
      the later file skipped;
    * element sheet missing -> SheetError -> its questions count as missing;
    * merged cells in the header or answer rows, header not in row 2, or no
      ``Question ID``/``Maturity`` header -> SheetError -> sheet skipped, its
      questions count as missing;
    * ``Evidence``/``Staff groups covered``/``Date completed`` column missing
      -> SheetError -> that column read as blank;
    * answer row without a question id, unknown question id -> InvalidValueError
      -> row not used;
    * a question id repeated in a workbook -> DuplicateKeyError -> none of its
      rows used (which one is right cannot be told), the question counts as
      missing;
    * answer not on the scale -> InvalidValueError -> answer not used (the
      question counts as missing; the rest of the row is kept);
    * unreadable date -> InvalidValueError -> date left blank;
    * a staff group outside :func:`staff_groups` -> InvalidValueError -> kept as
      written (:func:`evidence_coverage` will refuse it until it is fixed);
    * a question on another element's sheet -> SheetError -> kept, scored under
      its own element.

    Questions not answered (blank Maturity) are not problems: they count as
    missing in ``.completeness``.

    Raises
    ------
    UnreadableFileError
        If the folder does not exist, holds no workbooks, or no workbook in it
        could be read at all (the message lists the first problems).
    SheetError, InvalidValueError, DuplicateKeyError, UnreadableFileError
        With ``errors="raise"``: the first problem (in file, sheet and row
        order) of those listed in the Notes.

    Example
    -------
    >>> import tempfile, pathlib, pandas as pd
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = write_diagnostic_workbook(folder / "HV13.xlsx", organisation="Kestrel Hill Hospice",
    ...     answers=pd.DataFrame({"question_id": ["ENV-01", "ENV-02"],
    ...                           "answer": ["Embedded", "Planning"]}))
    >>> _ = (folder / "HV14.xlsx").write_bytes(b"")
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     d = load_diagnostic_workbooks(folder, progress=False)
    >>> d.completeness[["organisation", "n_answered", "file"]]
               organisation  n_answered       file
    0  Kestrel Hill Hospice           2  HV13.xlsx
    >>> print(d.problems.loc[0, "message"])
    cannot read HV14.xlsx: the file is empty (0 bytes)
    """
    if errors not in ("report", "raise"):
        raise ValueError(f"errors must be 'report' or 'raise'; got {errors!r}")
    from tqdm.auto import tqdm

    files, source = _workbook_files(folder_or_files)
    scale = maturity_scale(scale)
    q = _questions(questions)
    element_order = list(pd.unique(q["element"]))
    sheets = {_sheet_name(e): e for e in element_order}
    problems = _Problems()
    covers, raw = _read_workbooks(
        tqdm(files, desc="reading workbooks", unit="workbook", disable=not progress),
        sheets, problems)
    tidy = _validate_workbook_rows(raw, q, scale, sheets, problems)

    ordered = problems.sorted()
    if errors == "raise" and ordered:
        raise ordered[0]["_exc"]
    if not covers:
        listing = "; ".join(row["message"] for row in ordered[:3])
        more = f" and {len(ordered) - 3} more" if len(ordered) > 3 else ""
        raise UnreadableFileError(source, f"none of the {len(files)} workbook(s) could be "
                                          f"read: {listing}{more}")
    table = _problem_table(ordered)
    diag = _workbook_diagnostic(tidy, covers, table, scale=scale, questions=q, source=source)
    if len(table):
        skipped = int((table["action"] == "file skipped").sum())
        warnings.warn(
            f"{len(table)} problem(s) in {table['file'].nunique()} of {len(files)} workbooks"
            f" ({skipped} file(s) skipped); see the .problems table", UserWarning, stacklevel=2)
    return diag


def _read_workbooks(files, sheets: dict, problems: _Problems) -> tuple[list[dict], pd.DataFrame]:
    """The cover fields of each workbook read, and every answer row with its raw cell values.

    A file that cannot be opened, has no organisation on its cover or repeats an
    organisation already read is skipped (its problem recorded).  The answer rows carry
    where they were read (file, sheet, row and the column letters of each field), for
    :func:`_validate_workbook_rows` to check all at once.
    """
    covers: list[dict] = []
    records: list[tuple] = []
    seen: dict[str, str] = {}
    for file_no, path in enumerate(files):
        name = path.name
        try:
            book = _open_workbook(path)
        except UnreadableFileError as exc:
            problems.add(exc, action="file skipped", key=(file_no, -1, 0))
            continue
        try:
            cover = _read_cover(book, name, problems, file_no)
            if cover is None:
                continue
            org = cover["organisation"]
            if org in seen:
                problems.add(DuplicateKeyError(
                    f"organisation '{org}' already read from {seen[org]}", file=name,
                    sheet=COVER_SHEET, cell=f"B{cover['_row']}",
                    expected="one workbook per organisation"),
                    action="file skipped", organisation=org, key=(file_no, -1, cover["_row"]))
                continue
            seen[org] = name
            covers.append(cover)
            records.extend(_read_element_sheets(book, name, org, file_no, sheets, problems))
        finally:
            book.close()
    raw = pd.DataFrame(records, columns=[
        "_file_no", "_sheet_no", "file", "sheet", "organisation",
        *(f"_col_{f}" for f in _READ_COLUMNS), "row", *(f"_raw_{f}" for f in _READ_COLUMNS)])
    return covers, raw


def _read_element_sheets(book, name: str, org: str, file_no: int, sheets: dict,
                         problems: _Problems) -> list[tuple]:
    """The answer rows of every element sheet of one workbook (a missing sheet recorded)."""
    records = []
    for sheet_no, (sheet, element) in enumerate(sheets.items()):
        key = (file_no, sheet_no)
        if sheet not in book.sheetnames:
            problems.add(SheetError(
                "element sheet missing", file=name, sheet=sheet,
                expected=f"a sheet named '{sheet}' for the element '{element}'",
                found=book.sheetnames),
                action="its questions count as missing", organisation=org,
                key=(*key, 0))
            continue
        if book[sheet].sheet_state != "visible":  # answers nobody can see are still answers
            problems.add(SheetError(
                f"element sheet is {book[sheet].sheet_state} in Excel", file=name, sheet=sheet,
                expected="a visible sheet (unhide it to check its answers)"),
                action="read as usual", organisation=org, key=(*key, 0))
        cols, rows = _read_element_sheet(book[sheet], name, sheet, problems, key, org)
        if cols is None:
            continue
        letters = tuple(_cell(cols.get(f, 1), 1)[:-1] for f in _READ_COLUMNS)
        records.extend((file_no, sheet_no, name, sheet, org, *letters, *rec) for rec in rows)
    return records


def _workbook_diagnostic(tidy: pd.DataFrame, covers: list[dict], problems: pd.DataFrame, *,
                         scale: pd.DataFrame, questions: pd.DataFrame, source: str
                         ) -> Diagnostic:
    """The :class:`Diagnostic` of the workbooks read: answers, completeness, problems, covers."""
    cover_table = pd.DataFrame(covers, columns=["file", *COVER_FIELDS.values()])
    for col in ("started_on", "last_updated"):
        cover_table[col] = pd.to_datetime(cover_table[col].map(_none), errors="coerce")
    diag = read_diagnostic_csv(tidy, scale=scale, questions=questions)
    completeness = _completeness(diag.answers, questions,
                                 organisations=cover_table["organisation"])
    completeness["file"] = completeness["organisation"].map(
        cover_table.set_index("organisation")["file"])
    completeness["n_problems"] = completeness["organisation"].map(
        problems["organisation"].value_counts()).fillna(0).astype("int64")
    return Diagnostic(answers=diag.answers, completeness=completeness, scale=scale,
                      questions=questions, source=source, problems=problems,
                      cover=cover_table)


def _not_read(problem: str, value) -> str:
    """The problem of a cell that could not be used, naming an Excel error value as such."""
    text = _text(value)
    if text.strip() in EXCEL_ERRORS:
        return f"Excel error value '{text.strip()}' (a formula that failed, not an answer)"
    return f"{problem}: '{text}'" if problem.startswith("answer") else f"{problem} '{text}'"


def _validate_workbook_rows(raw: pd.DataFrame, q: pd.DataFrame, scale: pd.DataFrame,
                            sheets: dict, problems: _Problems) -> pd.DataFrame:
    """Check the answer rows of every workbook at once; record problems; return the tidy form."""

    def cells(field_, mask) -> pd.Series:
        return raw.loc[mask, f"_col_{field_}"] + raw.loc[mask, "row"].astype(str)

    def report(mask, field_, make, action) -> None:
        sub = raw[mask]
        for (_, rec), cell in zip(sub.iterrows(), cells(field_, mask)):
            exc = make(rec, cell)
            problems.add(exc, action=action, organisation=rec["organisation"],
                         key=(rec["_file_no"], rec["_sheet_no"], rec["row"]))

    def where(rec, cell) -> dict:
        return {"file": rec["file"], "sheet": rec["sheet"], "cell": cell}

    text = {f: _text_cells(raw[f"_raw_{f}"]) for f in ("question_id", "answer", "evidence",
                                                       "staff_groups")}
    qid = text["question_id"].str.upper()
    keep = pd.Series(True, index=raw.index)

    no_id = _blank(qid)
    report(no_id, "question_id", lambda rec, cell: InvalidValueError(
        "answer row without a question id", **where(rec, cell),
        expected="the question id (e.g. ENV-01) in every answer row"), "row not used")
    keep &= ~no_id

    element_of = q.set_index("question_id")["element"]
    unknown = keep & ~qid.isin(element_of.index)
    ids = element_of.index
    report(unknown, "question_id", lambda rec, cell: InvalidValueError(
        f"unknown question id '{_text(rec['_raw_question_id'])}'", **where(rec, cell),
        expected=f"one of the {len(ids)} question ids {ids[0]} ... {ids[-1]} "
                 "(see diagnostic.framework())"), "row not used")
    keep &= ~unknown

    dup = keep & pd.DataFrame({"o": raw["organisation"], "q": qid}).duplicated(keep=False)
    first_cell = (raw["sheet"] + "!" + raw["_col_question_id"] + raw["row"].astype(str))
    where_dup = first_cell[dup].groupby([raw.loc[dup, "organisation"], qid[dup]]).agg(", ".join)
    report(dup, "question_id", lambda rec, cell: DuplicateKeyError(
        f"question id {qid[rec.name]} repeated in the workbook", **where(rec, cell),
        expected="each question once per organisation",
        found=[where_dup[(rec["organisation"], qid[rec.name])]]),
        "none of the repeated rows used; the question counts as missing")
    keep &= ~dup

    sheet_element = raw["sheet"].map(sheets)
    misplaced = keep & (qid.map(element_of) != sheet_element)
    report(misplaced, "question_id", lambda rec, cell: SheetError(
        f"question {qid[rec.name]} is on another element's sheet", **where(rec, cell),
        expected=f"it on the sheet '{_sheet_name(element_of[qid[rec.name]])}'"),
        "kept: scored under its own element")

    answer_text, unanswered, points = _answer_points(text["answer"], scale)
    off = keep & ~unanswered & points.isna()
    report(off, "answer", lambda rec, cell: InvalidValueError(
        _not_read("answer not on the maturity scale", rec["_raw_answer"]), **where(rec, cell),
        expected=_scale_expected(scale)), "answer not used: the question counts as missing")
    answer = answer_text.where(~off & ~unanswered)

    dates, bad_date = _workbook_dates(raw["_raw_completed_on"])
    bad_date &= keep
    report(bad_date, "completed_on", lambda rec, cell: InvalidValueError(
        _not_read("unreadable date", rec["_raw_completed_on"]), **where(rec, cell),
        expected="an Excel date, 2021-11-15 or 15/11/2021"), "date not used")

    groups = text["staff_groups"]
    terms = _staff_group_terms(groups[keep & ~_blank(groups)])
    bad_terms = terms[terms["covers"].isna()]
    if len(bad_terms):
        listing = bad_terms.groupby(level=0)["term"].agg(list)
        unknown_groups = pd.Series(False, index=raw.index)
        unknown_groups[listing.index] = True
        vocab = ", ".join(staff_groups()["staff_group"])
        report(unknown_groups, "staff_groups", lambda rec, cell: InvalidValueError(
            "unknown staff group", **where(rec, cell),
            expected=f"terms of staff_groups(): {vocab} (or 'AfC 2-4', 'Band 5'), "
                     "separated by ';'", found=listing[rec.name]),
            "kept as written; evidence_coverage() will not accept it")

    tidy = pd.DataFrame({
        "organisation": raw["organisation"],
        "question_id": qid,
        "answer": answer,
        "evidence": text["evidence"],
        "staff_groups": groups,
        "completed_on": dates.dt.strftime("%Y-%m-%d").where(~bad_date & dates.notna()),
        "file": raw["file"],
        "sheet": raw["sheet"],
        "row": raw["row"].astype("int64"),
    })[keep.to_numpy()]
    return tidy.reset_index(drop=True)


def _text_cells(values: pd.Series) -> pd.Series:
    """Cell values as stripped text (numbers as written: 3 -> '3'; blank -> missing)."""
    out = values.map(_text, na_action="ignore").astype("str").str.strip()
    return out.where(~_blank(out))


def _workbook_dates(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Dates from cells holding Excel dates, text dates or Excel serial numbers; bad mask."""
    kinds = values.map(type)
    present = values.notna()
    dated = kinds.map(lambda t: issubclass(t, (datetime.date, np.datetime64)))
    numeric = kinds.map(lambda t: issubclass(t, (int, float)) and not issubclass(t, bool))
    numeric &= present
    textual = kinds.map(lambda t: issubclass(t, str))
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")
    if dated.any():
        out[dated] = pd.to_datetime(values[dated].map(pd.Timestamp)).dt.normalize()
    if numeric.any():  # an Excel serial number in a cell without a date format
        serial = values[numeric].astype("float64")
        ok = serial.between(20_000, 80_000)  # 1954-2119
        out[numeric & ok.reindex(values.index, fill_value=False)] = (
            pd.Timestamp("1899-12-30") + pd.to_timedelta(serial[ok].round(), unit="D"))
    if textual.any():
        text = values[textual].astype("str").str.strip()
        given = text != ""
        present &= ~(textual & ~given.reindex(values.index, fill_value=True))
        parsed = pd.to_datetime(text.where(given), format="ISO8601", errors="coerce")
        retry = given & parsed.isna()
        if retry.any():
            parsed = parsed.where(~retry, pd.to_datetime(text.where(retry), format="%d/%m/%Y",
                                                         errors="coerce"))
        out[textual] = parsed.dt.normalize()
    return out, present & out.isna()

