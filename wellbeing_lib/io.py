"""Reading files and validating tables at the boundary.

Every loader in wellbeing_lib goes through :func:`read_table`, which

* reads CSV (any of UTF-8, UTF-8 with a byte-order mark, or cp1252 as Excel
  exports it — detected, not guessed from the platform) and XLSX;
* records where the data came from in ``DataFrame.attrs["source"]`` so that
  later validation errors can name the file and the line a person would see;
* raises :class:`~wellbeing_lib.errors.UnreadableFileError` for a missing,
  empty or unparseable file instead of a low-level traceback.

The ``check_*`` / ``require_columns`` helpers validate a DataFrame once, at the
boundary, and raise the named errors of :mod:`wellbeing_lib.errors`.

Example
-------
>>> import pandas as pd
>>> from wellbeing_lib.io import require_columns
>>> df = pd.DataFrame({"id": [1, 2]})
>>> require_columns(df, ["id", "score"])
Traceback (most recent call last):
...
wellbeing_lib.errors.MissingColumnError: required column missing in column 'score': expected columns id, score; found id
"""

from __future__ import annotations

import functools
import io as _stdio
import os
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import (
    DuplicateKeyError,
    InvalidValueError,
    MissingColumnError,
    SheetError,
    UnreadableFileError,
)

__all__ = [
    "read_table",
    "detect_encoding",
    "read_package_table",
    "package_data_path",
    "data_dir",
    "require_columns",
    "check_numeric",
    "check_allowed",
    "check_unique",
    "source_of",
    "line_numbers",
    "error_location",
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
    df.attrs["source"] = path.name
    if encoding is not None:
        df.attrs["encoding"] = encoding
    return df


def package_data_path(name: str) -> Path:
    """Path of a reference file shipped inside the package (``wellbeing_lib/data``)."""
    return Path(str(resources.files("wellbeing_lib") / "data" / name))


@functools.cache
def _read_package_table_cached(name: str) -> pd.DataFrame:
    return read_table(package_data_path(name))


def read_package_table(name: str) -> pd.DataFrame:
    """Read a reference table shipped with the package (read once, returned as a copy).

    Example
    -------
    >>> t = read_package_table("swemwbs_raw_to_metric.csv")
    >>> t.shape
    (29, 4)
    """
    return _read_package_table_cached(name).copy()


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


# ---------------------------------------------------------------------- validation
def source_of(data: pd.DataFrame) -> str | None:
    """The file a DataFrame was read from (``attrs["source"]``), if known."""
    return data.attrs.get("source") if hasattr(data, "attrs") else None


def line_numbers(data: pd.DataFrame, labels: Sequence) -> list[int] | None:
    """File line numbers (header = line 1) of index labels, for data read from a file.

    Only meaningful while the frame keeps the default RangeIndex that
    :func:`read_table` gives it; returns None otherwise.
    """
    if source_of(data) is None or not isinstance(data.index, pd.RangeIndex):
        return None
    if data.index.start != 0 or data.index.step != 1:
        return None
    return [int(label) + 2 for label in labels]


def error_location(data: pd.DataFrame, labels: Sequence) -> dict:
    """Keyword arguments for a :class:`~wellbeing_lib.errors.DataError` locating rows of ``data``.

    Gives ``file`` (from ``attrs["source"]``), ``rows`` (the index labels) and
    ``line_numbers`` (file lines, when known), so every error names the same things.

    Example
    -------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"x": [1, 2]}); df.attrs["source"] = "x.csv"
    >>> error_location(df, [1])
    {'file': 'x.csv', 'rows': [1], 'line_numbers': [3]}
    """
    return {"file": source_of(data), "rows": list(labels), "line_numbers": line_numbers(data, labels)}




def require_columns(data: pd.DataFrame, columns: Iterable[str], *, what: str | None = None) -> None:
    """Raise :class:`MissingColumnError` unless every one of ``columns`` is in ``data``."""
    columns = list(columns)
    missing = [c for c in columns if c not in data.columns]
    if missing:
        problem = "required column missing" if what is None else f"{what}: required column missing"
        raise MissingColumnError(
            problem,
            file=source_of(data),
            column=missing if len(missing) > 1 else missing[0],
            expected="columns " + ", ".join(map(str, columns)),
            found=[", ".join(map(str, data.columns))],
        )


def check_numeric(
    data: pd.DataFrame,
    columns: Iterable[str],
    *,
    low: float | None = None,
    high: float | None = None,
    integer: bool = False,
    allow_missing: bool = True,
) -> pd.DataFrame:
    """Check that columns hold numbers (optionally whole numbers within ``[low, high]``).

    Returns the columns converted to float64 (missing stays NaN).  Raises
    :class:`InvalidValueError` naming the first offending column, its rows and values.

    Example
    -------
    >>> import pandas as pd
    >>> check_numeric(pd.DataFrame({"q1": [1, "x"]}), ["q1"], low=1, high=5)
    Traceback (most recent call last):
    ...
    wellbeing_lib.errors.InvalidValueError: non-numeric value in column 'q1', row 1: expected a number between 1 and 5; found x
    """
    columns = list(columns)
    require_columns(data, columns)
    out = {}
    rng = _range_text(low, high, integer)
    for col in columns:
        raw = data[col]
        values = pd.to_numeric(raw, errors="coerce").astype("float64")
        bad_type = values.isna() & raw.notna()
        if bad_type.any():
            labels = list(raw.index[bad_type])
            raise InvalidValueError(
                "non-numeric value",
                column=col,
                expected=rng,
                found=list(raw[bad_type]),
                **error_location(data, labels),
            )
        checks = []
        if not allow_missing:
            checks.append(("missing value", values.isna()))
        if integer:
            checks.append(("not a whole number", values.notna() & (values % 1 != 0)))
        if low is not None or high is not None:
            lo = -np.inf if low is None else low
            hi = np.inf if high is None else high
            checks.append(("value out of range", values.notna() & ~values.between(lo, hi)))
        for problem, mask in checks:
            if mask.any():
                labels = list(raw.index[mask])
                raise InvalidValueError(
                    problem, column=col, expected=rng, found=list(raw[mask]),
                    **error_location(data, labels),
                )
        out[col] = values
    return pd.DataFrame(out, index=data.index)


def _range_text(low, high, integer) -> str:
    kind = "a whole number" if integer else "a number"
    if low is not None and high is not None:
        return f"{kind} between {low:g} and {high:g}"
    if low is not None:
        return f"{kind} of at least {low:g}"
    if high is not None:
        return f"{kind} of at most {high:g}"
    return kind


def check_allowed(
    data: pd.DataFrame, column: str, allowed: Iterable, *, allow_missing: bool = True
) -> None:
    """Raise :class:`InvalidValueError` if ``column`` holds values outside ``allowed``."""
    require_columns(data, [column])
    allowed = list(allowed)
    values = data[column]
    bad = ~values.isin(allowed)
    if allow_missing:
        bad &= values.notna()
    if bad.any():
        labels = list(values.index[bad])
        raise InvalidValueError(
            "value not allowed",
            column=column,
            expected="one of " + ", ".join(map(str, allowed)),
            found=list(values[bad]),
            **error_location(data, labels),
        )


def check_unique(data: pd.DataFrame, keys: str | Sequence[str]) -> None:
    """Raise :class:`DuplicateKeyError` listing rows that repeat the key ``keys``."""
    keys = [keys] if isinstance(keys, str) else list(keys)
    require_columns(data, keys)
    dup = data.duplicated(subset=keys, keep=False)
    if dup.any():
        labels = list(data.index[dup])
        repeated = data.loc[dup, keys].drop_duplicates()
        found = [
            "/".join(map(str, row)) for row in repeated.itertuples(index=False, name=None)
        ]
        raise DuplicateKeyError(
            "duplicated key",
            column=keys if len(keys) > 1 else keys[0],
            expected="one row per " + " × ".join(keys),
            found=found,
            **error_location(data, labels),
        )
