"""Reading files: the user's tables, the package's reference tables, the data folder.

Every loader in wellbeing_lib goes through :func:`read_table`, which

* reads CSV exports as they come: UTF-8 (with or without a byte-order mark), cp1252 as
  Excel saves "CSV (Comma delimited)", and UTF-16 as Excel saves "Unicode Text"; comma,
  semicolon or tab separated (detected from the header line, not guessed from the
  platform);
* reads Parquet files (large tables; needs pyarrow: ``pip install wellbeing_lib[parquet]``);
* reads XLSX workbooks: by default the first *visible* sheet (a hidden or very hidden
  sheet before it is skipped with a :class:`~wellbeing_lib.errors.DataWarning` naming
  it), and reports Excel error values (``#DIV/0!``, ``#N/A`` ...) by cell instead of
  reading them as blanks;
* records where the data came from in ``DataFrame.attrs["source"]`` so that later
  validation errors can name the file, and with ``lines=True`` adds a ``file_line``
  column (the spreadsheet row of each record) so that errors name the right line even
  after the table is filtered, sorted or reshaped;
* raises :class:`~wellbeing_lib.errors.UnreadableFileError` for a missing, empty or
  unparseable file (an old binary ``.xls``, a workbook saved under a ``.csv`` name)
  instead of a low-level traceback.

Checks of the tables' contents live in :mod:`wellbeing_lib.validation`.

Naming rule across the library: ``read_*`` reads one file the user names; ``load_*`` loads
a bundled data set or reference table by name, or a folder of files.

Example
-------
>>> from wellbeing_lib.io import load_reference_table
>>> load_reference_table("discount_rates.csv").columns[:2].tolist()
['schedule', 'from_year']
"""

from __future__ import annotations

import functools
import io as _stdio
import os
import warnings
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import DataWarning, InvalidValueError, SheetError, UnreadableFileError
from .validation import LINE_COLUMN, FileRows

__all__ = [
    "read_table",
    "detect_encoding",
    "detect_delimiter",
    "excel_sheets",
    "load_reference_table",
    "package_data_path",
    "data_dir",
    "bundled_data_dir",
    "is_bundled_data",
    "with_source",
    "DATA_ENV",
    "LINE_COLUMN",
    "EXCEL_ERRORS",
]

#: encodings tried in order; utf-8-sig also reads plain UTF-8 and strips a BOM.
ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")

#: environment variable naming the folder the notebooks and loaders read from
DATA_ENV = "WELLBEING_DATA"

#: the values Excel shows for a formula that failed (read as text they are not data)
EXCEL_ERRORS = ("#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!",
                "#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!",
                "#BUSY!", "#UNKNOWN!")

#: separators a CSV export may use, in order of preference on a tie
DELIMITERS = (",", ";", "\t", "|")

_XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE2: an old binary .xls workbook
_ZIP_MAGIC = b"PK\x03\x04"  # an .xlsx workbook (or any zip)


# --------------------------------------------------------------------------- files
def detect_encoding(raw: bytes) -> str:
    """The text encoding of a CSV export: UTF-16 (Excel's "Unicode Text"), UTF-8 (with or
    without BOM), cp1252 (Excel's "CSV (Comma delimited)" on a UK PC) or latin-1.

    UTF-16 is recognised by its byte-order mark, or without one by the zero bytes every
    other byte of mostly-ASCII text; otherwise the first of UTF-8, cp1252 and latin-1
    that decodes the bytes is used.

    Example
    -------
    >>> detect_encoding("£5 “quoted”".encode("cp1252"))
    'cp1252'
    >>> detect_encoding("£5".encode("utf-8"))
    'utf-8-sig'
    >>> detect_encoding("id\\tscore".encode("utf-16"))
    'utf-16'
    >>> detect_encoding("id,score".encode("utf-16-le"))
    'utf-16-le'
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    sample = raw[:4096]
    if len(sample) >= 4 and sample.count(0) >= len(sample) // 4:
        odd_zeros = sample[1::2].count(0)
        even_zeros = sample[0::2].count(0)
        guess = "utf-16-le" if odd_zeros >= even_zeros else "utf-16-be"
        try:
            raw.decode(guess)
        except UnicodeDecodeError:
            pass
        else:
            return guess
    for enc in ENCODINGS:
        try:
            raw.decode(enc)
        except UnicodeDecodeError:
            continue
        return enc
    return "latin-1"  # pragma: no cover - latin-1 decodes every byte string


def detect_delimiter(text: str) -> str:
    """The separator of a CSV export: comma, semicolon, tab or pipe.

    The candidate that splits the first records (up to 20) into the same number of fields,
    more than one, wins; among several, the one giving the most fields.  A European Excel
    export (semicolons, with unquoted commas inside the text) is therefore read right.  If
    none is consistent, the most frequent in the header line outside quotes is taken (a
    comma on a tie or when there is none), so a one-column file is read as it is.

    Example
    -------
    >>> detect_delimiter("client_id;time;swemwbs_1\\nC1;baseline;3\\n")
    ';'
    >>> detect_delimiter('"Name, full",age\\n')
    ','
    >>> detect_delimiter("id\\tscore\\n")
    '\\t'
    >>> detect_delimiter("area;note\\nA1;Good, clear, short\\nA2;Fine\\n")
    ';'
    """
    import csv

    sample = text[:65536]
    consistent = {}
    for delimiter in DELIMITERS:
        try:
            records = [len(r) for r, _ in zip(
                csv.reader(_stdio.StringIO(sample), delimiter=delimiter), range(21)) if r]
        except csv.Error:
            continue
        if len(sample) == len(text) or len(records) < 21:
            lengths = records
        else:
            lengths = records[:-1]  # the last record of a cut sample may be cut too
        if lengths and lengths[0] > 1 and len(set(lengths)) == 1:
            consistent[delimiter] = lengths[0]
    if consistent:
        return max(DELIMITERS, key=lambda d: (consistent.get(d, 0), -DELIMITERS.index(d)))
    header = next((line for line in text.splitlines() if line.strip()), "")
    outside, quoted = [], False
    for char in header:
        if char == '"':
            quoted = not quoted
        elif not quoted:
            outside.append(char)
    counts = {d: outside.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: (counts[d], -DELIMITERS.index(d)))
    return best if counts[best] > 0 else ","


def excel_sheets(path) -> pd.DataFrame:
    """The sheets of a workbook in order, with their visibility.

    Returns
    -------
    DataFrame
        ``sheet``, ``state`` (``visible``, ``hidden`` or ``veryHidden``; a very hidden
        sheet can only be shown from the VBA editor), ``position`` (0-based).

    Example
    -------
    >>> import tempfile, pathlib, openpyxl
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "book.xlsx"
    >>> wb = openpyxl.Workbook(); wb.active.title = "Old"; wb.active.sheet_state = "hidden"
    >>> _ = wb.create_sheet("Current"); wb.save(p)
    >>> excel_sheets(p)
         sheet    state  position
    0      Old   hidden         0
    1  Current  visible         1
    """
    book = _open_book(Path(path))
    try:
        rows = [(ws.title, ws.sheet_state, i) for i, ws in enumerate(book.worksheets)]
    finally:
        book.close()
    return pd.DataFrame(rows, columns=["sheet", "state", "position"])


def _open_book(path: Path):
    import openpyxl

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # zipfile.BadZipFile, openpyxl errors
        raise UnreadableFileError(path, f"not a readable Excel workbook ({exc})") from exc


def _choose_sheet(book, path: Path, sheet_name):
    """The worksheet to read: a name, or the n-th *visible* sheet (warning if hidden
    sheets were passed over)."""
    sheets = book.worksheets
    visible = [ws for ws in sheets if ws.sheet_state == "visible"]
    if isinstance(sheet_name, str):
        names = [ws.title for ws in sheets]
        if sheet_name not in names:
            raise SheetError(
                "sheet missing", file=path.name, sheet=sheet_name,
                expected="a sheet of that name", found=names,
            )
        ws = sheets[names.index(sheet_name)]
        if ws.sheet_state != "visible":
            warnings.warn(DataWarning(
                f"reading a {ws.sheet_state} sheet (as asked)", file=path.name, sheet=ws.title,
                expected="a visible sheet: is this the current version of the data?"),
                stacklevel=4)
        return ws
    position = 0 if sheet_name is None else int(sheet_name)
    if not 0 <= position < len(visible):
        raise SheetError(
            "sheet missing", file=path.name, sheet=None,
            expected=f"at least {position + 1} visible sheet(s)",
            found=[f"{ws.title} ({ws.sheet_state})" for ws in sheets],
        )
    ws = visible[position]
    skipped = [w.title for w in sheets[: sheets.index(ws)] if w.sheet_state != "visible"]
    if skipped:
        warnings.warn(DataWarning(
            "hidden sheet skipped: read the first visible sheet", file=path.name,
            sheet=ws.title, expected="the visible sheet (pass sheet_name= to read another)",
            found=[f"{name} (hidden)" for name in skipped]), stacklevel=4)
    return ws


def _excel_errors(ws, path: Path, header) -> None:
    """Raise :class:`InvalidValueError` naming every cell holding an Excel error value."""
    from openpyxl.utils import get_column_letter

    cells, found, columns, lines = [], [], [], []
    head = {}
    header_row = None if header is None else int(header) + 1
    for row in ws.iter_rows():
        for cell in row:
            if getattr(cell, "row", None) is None:
                continue
            if cell.row == header_row and cell.value is not None:
                head[cell.column] = str(cell.value)
            if cell.data_type == "e" or (isinstance(cell.value, str)
                                         and cell.value in EXCEL_ERRORS):
                cells.append(f"{get_column_letter(cell.column)}{cell.row}")
                found.append(cell.value)
                columns.append(cell.column)
                lines.append(cell.row)
    if cells:
        names = list(dict.fromkeys(head.get(c, get_column_letter(c)) for c in columns))
        raise InvalidValueError(
            "Excel error value (a formula that failed, not data)", file=path.name,
            sheet=ws.title, cell=", ".join(cells[:5]) + (f" and {len(cells) - 5} more"
                                                        if len(cells) > 5 else ""),
            column=names if len(names) > 1 else names[0], line_numbers=lines,
            expected="a value: fix the formula or type the value in",
            found=found,
        )


def _read_xlsx(path: Path, sheet_name, excel_errors: str, kwargs) -> tuple[pd.DataFrame, str]:
    book = _open_book(path)
    try:
        ws = _choose_sheet(book, path, sheet_name)
        if excel_errors == "raise":
            _excel_errors(ws, path, kwargs.get("header", 0))
        title = ws.title
    finally:
        book.close()
    try:
        df = pd.read_excel(path, sheet_name=title, engine="openpyxl", **kwargs)
    except ValueError as exc:
        if "dtype" in kwargs or "converters" in kwargs:
            raise
        raise UnreadableFileError(path, f"sheet '{title}' is not a readable table ({exc})"
                                  ) from exc
    return df, title


def _decode(path: Path, raw: bytes) -> tuple[str, str]:
    if raw.startswith(_XLS_MAGIC):
        raise UnreadableFileError(
            path, "this is an old binary Excel workbook (.xls) saved under another name; "
                  "open it in Excel and save it as .xlsx or as 'CSV UTF-8'")
    if raw.startswith(_ZIP_MAGIC):
        raise UnreadableFileError(
            path, "this is an Excel workbook (.xlsx) with a text-file name; rename it to "
                  ".xlsx or save it from Excel as 'CSV UTF-8'")
    encoding = detect_encoding(raw)
    text = raw.decode(encoding)
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, encoding


def _read_csv(path: Path, suffix: str, lines: bool, kwargs) -> tuple[pd.DataFrame, str]:
    raw = path.read_bytes()
    if not raw.strip():
        raise UnreadableFileError(path, "the file is empty")
    text, encoding = _decode(path, raw)
    if not text.strip("\x00 \r\n\t"):
        raise UnreadableFileError(path, "the file is empty")
    if "sep" not in kwargs and "delimiter" not in kwargs:
        kwargs["sep"] = "\t" if suffix == ".tsv" else detect_delimiter(text)
    if lines:
        kwargs["skip_blank_lines"] = False
    try:
        df = pd.read_csv(_stdio.StringIO(text), **kwargs)
    except pd.errors.ParserError as exc:
        raise UnreadableFileError(path, f"not a well-formed CSV table ({exc})") from exc
    except pd.errors.EmptyDataError as exc:
        raise UnreadableFileError(path, "the file has no columns") from exc
    return df, encoding


def _add_lines(df: pd.DataFrame, header) -> pd.DataFrame:
    """Add the spreadsheet row of every record (header row(s) counted, blank rows too) and
    drop the rows with every cell blank (they are not records)."""
    first = 1 if header is None else int(header) + 2
    line = np.arange(first, first + len(df), dtype="int64")
    if LINE_COLUMN in df.columns:
        raise InvalidValueError(
            "the table already has a column of the reserved name", column=LINE_COLUMN,
            expected=f"no column named '{LINE_COLUMN}' (rename it)")
    blank = df.isna().all(axis=1).to_numpy()
    out = df.assign(**{LINE_COLUMN: line})
    if blank.any():
        out = out.loc[~blank].reset_index(drop=True)
    return out


def read_table(path, *, sheet_name=None, lines: bool = False, excel_errors: str = "raise",
               **kwargs) -> pd.DataFrame:
    """Read a CSV or XLSX file into a DataFrame, detecting the encoding and separator.

    Parameters
    ----------
    path : str or Path
        A ``.csv``/``.txt``/``.tsv``, ``.xlsx``/``.xlsm`` or ``.parquet`` file.
    sheet_name : str or int, optional
        Sheet of a workbook: a name, or a position among the *visible* sheets.  Default:
        the first visible sheet (a hidden sheet before it is skipped with a
        :class:`~wellbeing_lib.errors.DataWarning`; a named hidden sheet is read with one).
    lines : bool, default False
        Add a ``file_line`` column: the spreadsheet row of each record, counting the
        header row and any blank rows, as Excel numbers them when the file is opened.
        Rows with every cell blank are then dropped (they are not records).  Errors of
        :mod:`wellbeing_lib.validation` name these lines, so they stay right after the
        table is filtered, sorted or reshaped (keep the column).  A Parquet file has
        records, not lines: there ``file_line`` is the record number (1 = the first).
    excel_errors : {"raise", "blank"}, default "raise"
        A cell holding an Excel error value (``#DIV/0!``, ``#N/A`` ...) raises
        :class:`~wellbeing_lib.errors.InvalidValueError` naming the cells; ``"blank"``
        reads it as a blank cell, as pandas does.
    **kwargs
        Passed to :func:`pandas.read_csv`, :func:`pandas.read_excel` or
        :func:`pandas.read_parquet` (a ``sep`` given here overrides the detected
        separator; ``columns=`` reads only those columns of a Parquet file).

    Returns
    -------
    DataFrame
        With ``attrs["source"]`` (the file name) and, for CSV, ``attrs["encoding"]`` and
        ``attrs["delimiter"]`` (what was detected); for XLSX ``attrs["sheet"]``.

    Raises
    ------
    UnreadableFileError
        If the file is missing, empty, or not a readable table.
    SheetError
        A named sheet is missing, or there is no visible sheet at that position.
    InvalidValueError
        Excel error values (with ``excel_errors="raise"``).

    Example
    -------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "costs.csv"
    >>> _ = p.write_bytes("item;cost\\nGP visit;£45\\n\\nA&E;£114\\n".encode("cp1252"))
    >>> df = read_table(p, lines=True)
    >>> df.attrs["encoding"], df.attrs["delimiter"]
    ('cp1252', ';')
    >>> df
           item  cost  file_line
    0  GP visit   £45          2
    1       A&E  £114          4
    """
    path = Path(path)
    if not path.exists():
        raise UnreadableFileError(path, "no such file")
    if path.is_dir():
        raise UnreadableFileError(path, "this is a folder, expected a file")
    if excel_errors not in ("raise", "blank"):
        raise ValueError(f"excel_errors must be 'raise' or 'blank', not {excel_errors!r}")
    renumbered = any(k in kwargs for k in ("skiprows", "nrows", "index_col", "skipfooter"))
    if lines and renumbered:
        raise TypeError("lines=True cannot be combined with skiprows, nrows, index_col or "
                        "skipfooter (the line numbers would not match the file)")
    suffix = path.suffix.lower()
    encoding = sheet = None
    if suffix in {".xlsx", ".xlsm"}:
        df, sheet = _read_xlsx(path, sheet_name, excel_errors, kwargs)
    elif suffix in {".csv", ".txt", ".tsv"}:
        df, encoding = _read_csv(path, suffix, lines, kwargs)
    elif suffix == ".parquet":
        df = _read_parquet(path, kwargs)
    elif suffix == ".xls":
        raise UnreadableFileError(
            path, "old binary Excel workbooks (.xls) are not read; open it in Excel and "
                  "save it as .xlsx or as 'CSV UTF-8'")
    else:
        raise UnreadableFileError(
            path, f"unsupported file type '{suffix}'; expected .csv, .tsv, .txt, .xlsx or "
                  ".parquet"
        )
    header = kwargs.get("header", 0)
    if lines:
        df = _add_lines(df, None if suffix == ".parquet" else header)
    with_source(df, path.name)
    if not lines and suffix != ".parquet" and isinstance(header, int) and not renumbered:
        # the rows as read: errors find a row's line after filtering or sorting
        df.attrs["file_rows"] = FileRows(df, first_line=header + 2, source=path.name)
    if encoding is not None:
        df.attrs["encoding"] = encoding
        df.attrs["delimiter"] = kwargs["sep"] if "sep" in kwargs else kwargs.get("delimiter")
    if sheet is not None:
        df.attrs["sheet"] = sheet
    return df


def _read_parquet(path: Path, kwargs) -> pd.DataFrame:
    """A Parquet file through pyarrow, with its errors as :class:`UnreadableFileError`."""
    try:
        import pyarrow.parquet as pq
    except ImportError as exc:  # pragma: no cover - pyarrow is in the dev extra
        raise UnreadableFileError(path, "reading Parquet needs pyarrow: pip install "
                                        "wellbeing_lib[parquet]") from exc
    try:
        pq.ParquetFile(path).close()
    except Exception as exc:  # pyarrow.ArrowInvalid and OSError: not a Parquet file
        raise UnreadableFileError(path, f"not a readable Parquet file ({exc})") from exc
    return pd.read_parquet(path, engine="pyarrow", **kwargs)


def with_source(data: pd.DataFrame, source) -> pd.DataFrame:
    """Record the file a table was read or built from, so that errors can name it.

    This is the library's one use of ``DataFrame.attrs``: provenance for error messages
    (read back by :func:`wellbeing_lib.validation.source_of`).  No result depends on it;
    a table that loses it on a merge still validates, its errors just do not name the file.
    Returns ``data`` itself (set in place), for chaining.

    Example
    -------
    >>> from wellbeing_lib.validation import source_of
    >>> source_of(with_source(pd.DataFrame({"x": [1]}), "answers.csv"))
    'answers.csv'
    """
    if source is not None:
        data.attrs["source"] = str(source)
    return data


def package_data_path(name: str) -> Path:
    """Path of a reference file shipped inside the package (``wellbeing_lib/data``)."""
    return Path(str(resources.files("wellbeing_lib") / "data" / name))


@functools.cache
def _load_reference_table_cached(name: str) -> pd.DataFrame:
    return read_table(package_data_path(name))


def load_reference_table(name: str) -> pd.DataFrame:
    """Load a reference table shipped with the package by name (read once, returned as a copy).

    Example
    -------
    >>> t = load_reference_table("swemwbs_raw_to_metric.csv")
    >>> t.shape
    (29, 4)
    """
    return _load_reference_table_cached(name).copy()


def bundled_data_dir() -> Path:
    """The ``data/`` folder of the source checkout: the bundled sample data."""
    return Path(__file__).resolve().parent.parent / "data"


def data_dir(path=None) -> Path:
    """Resolve the folder of input data files.

    Order: the ``path`` argument; the ``WELLBEING_DATA`` environment variable (set by
    ``wellbeing demo --data DIR``); the ``data/`` folder of the source checkout.
    """
    if path is not None:
        return Path(path)
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env)
    return bundled_data_dir()


def is_bundled_data(path=None) -> bool:
    """Is ``path`` (default: :func:`data_dir`) the bundled synthetic ``data/`` folder?

    Notebooks use it to say "the data are synthetic" only about the bundled data, so a
    report run on your own folder describes your data.  A copy of ``data/`` elsewhere is
    your folder, not the bundled one.

    Example
    -------
    >>> is_bundled_data(bundled_data_dir()), is_bundled_data("/my/own/folder")
    (True, False)
    """
    folder = data_dir(path)
    try:
        return folder.resolve() == bundled_data_dir().resolve()
    except OSError:  # pragma: no cover - an unreadable path is not the bundled folder
        return False
