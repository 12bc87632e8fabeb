"""Reading files: the user's tables, the package's reference tables, the data folder.

Every loader in wellbeing_lib goes through :func:`read_table`, which

* reads CSV (any of UTF-8, UTF-8 with a byte-order mark, or cp1252 as Excel
  exports it — detected, not guessed from the platform) and XLSX;
* records where the data came from in ``DataFrame.attrs["source"]`` so that
  later validation errors can name the file and the line a person would see;
* raises :class:`~wellbeing_lib.errors.UnreadableFileError` for a missing,
  empty or unparseable file instead of a low-level traceback.

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
from importlib import resources
from pathlib import Path

import pandas as pd

from .errors import SheetError, UnreadableFileError

__all__ = [
    "read_table",
    "detect_encoding",
    "load_reference_table",
    "package_data_path",
    "data_dir",
    "with_source",
    "DATA_ENV",
]

#: encodings tried in order; utf-8-sig also reads plain UTF-8 and strips a BOM.
ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")

#: environment variable naming the folder the notebooks and loaders read from
DATA_ENV = "WELLBEING_DATA"


# --------------------------------------------------------------------------- files
def detect_encoding(raw: bytes) -> str:
    """Return the first of UTF-8 (with or without BOM), cp1252 or latin-1 that decodes ``raw``.

    Example
    -------
    >>> detect_encoding("£5 “quoted”".encode("cp1252"))
    'cp1252'
    >>> detect_encoding("£5".encode("utf-8"))
    'utf-8-sig'
    """
    for enc in ENCODINGS:
        try:
            raw.decode(enc)
        except UnicodeDecodeError:
            continue
        return enc
    return "latin-1"  # pragma: no cover - latin-1 decodes every byte string


def read_table(path, *, sheet_name=0, **kwargs) -> pd.DataFrame:
    """Read a CSV or XLSX file into a DataFrame, detecting the text encoding.

    Parameters
    ----------
    path : str or Path
        A ``.csv``/``.txt`` or ``.xlsx``/``.xlsm`` file.
    sheet_name : str or int, default 0
        Sheet to read from a workbook.
    **kwargs
        Passed to :func:`pandas.read_csv` or :func:`pandas.read_excel`.

    Returns
    -------
    DataFrame
        With ``attrs["source"]`` (the file name) and, for CSV,
        ``attrs["encoding"]`` (the encoding that was detected).

    Raises
    ------
    UnreadableFileError
        If the file is missing, empty, or not a readable table.

    Example
    -------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "costs.csv"
    >>> _ = p.write_bytes("item,cost\\nGP visit,£45\\n".encode("cp1252"))
    >>> df = read_table(p)
    >>> df.attrs["encoding"], df.loc[0, "cost"]
    ('cp1252', '£45')
    """
    path = Path(path)
    if not path.exists():
        raise UnreadableFileError(path, "no such file")
    if path.is_dir():
        raise UnreadableFileError(path, "this is a folder, expected a file")
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        try:
            book = pd.ExcelFile(path, engine="openpyxl")
        except Exception as exc:  # zipfile.BadZipFile, openpyxl errors
            raise UnreadableFileError(path, f"not a readable Excel workbook ({exc})") from exc
        with book:
            if isinstance(sheet_name, str) and sheet_name not in book.sheet_names:
                raise SheetError(
                    "sheet missing", file=path.name, sheet=sheet_name,
                    expected="a sheet of that name", found=book.sheet_names,
                )
            df = pd.read_excel(book, sheet_name=sheet_name, **kwargs)
        encoding = None
    elif suffix in {".csv", ".txt", ".tsv"}:
        raw = path.read_bytes()
        if not raw.strip():
            raise UnreadableFileError(path, "the file is empty")
        encoding = detect_encoding(raw)
        text = raw.decode(encoding)
        if suffix == ".tsv":
            kwargs.setdefault("sep", "\t")
        try:
            df = pd.read_csv(_stdio.StringIO(text), **kwargs)
        except pd.errors.ParserError as exc:
            raise UnreadableFileError(path, f"not a well-formed CSV table ({exc})") from exc
        except pd.errors.EmptyDataError as exc:
            raise UnreadableFileError(path, "the file has no columns") from exc
    else:
        raise UnreadableFileError(
            path, f"unsupported file type '{suffix}'; expected .csv, .tsv, .txt or .xlsx"
        )
    with_source(df, path.name)
    if encoding is not None:
        df.attrs["encoding"] = encoding
    return df


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
    return Path(__file__).resolve().parent.parent / "data"
