"""Validation at the boundary: column, range, allowed-value and key checks, error locations.

Every check raises one of the named errors of :mod:`wellbeing_lib.errors`, naming the file
(when the table was read by :func:`wellbeing_lib.io.read_table`), the column, the row labels
and spreadsheet line numbers, what was expected and what was found.  The shared argument
checks (:func:`check_ci`, :func:`check_choice`) keep the same setting meaning the same thing
in every domain.

Provenance
    :func:`wellbeing_lib.io.read_table` records the file a table came from in
    ``DataFrame.attrs["source"]``.  That is the one use of ``attrs`` in the library: it
    only labels error messages, and no result depends on it (a table that lost it on a
    merge still validates, its errors just do not name the file).

Backends
    Every check also takes a polars DataFrame, a pyarrow Table, a polars LazyFrame, a
    DuckDB relation or a PySpark DataFrame (:mod:`wellbeing_lib.frames`).  There the check
    is an expression that runs where the data live (one aggregate); only the rows that
    fail are collected, to name them: their 0-based positions for an eager table, and
    their ``file_line`` when the table has that column (a lazy table has no row order).

Line numbers
    ``read_table(..., lines=True)`` adds a ``file_line`` column (:data:`LINE_COLUMN`):
    the spreadsheet row of each record.  When a table has it, every error names those
    lines, so they stay right after the user filters, sorts, merges or melts the table
    (keep the column).  Without it, lines are only given while the table keeps the
    RangeIndex it was read with (header = line 1, first record = line 2).

Example
-------
>>> import pandas as pd
>>> from wellbeing_lib.validation import require_columns
>>> df = pd.DataFrame({"id": [1, 2]})
>>> require_columns(df, ["id", "score"])
Traceback (most recent call last):
...
wellbeing_lib.errors.MissingColumnError: required column missing in column 'score': expected columns id, score; found id
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Sequence

import narwhals as nw
import numpy as np
import pandas as pd

from .errors import DataWarning, DuplicateKeyError, InvalidValueError, MissingColumnError
from .frames import (
    ROW_COLUMN,
    any_rows,
    as_frame,
    column_names,
    failing_rows,
    is_pandas,
    planned,
    with_group_values,
)

__all__ = [
    "require_columns",
    "check_numeric",
    "check_allowed",
    "check_unique",
    "check_ci",
    "check_choice",
    "check_labels",
    "as_columns",
    "rows_where",
    "source_of",
    "sheet_of",
    "line_numbers",
    "error_location",
    "failing_location",
    "check_not_empty",
    "warn_all_missing",
    "check_total_rows",
    "near_duplicate_ids",
    "check_identifiers",
    "scale_limits",
    "check_within_scale",
    "check_rows",
    "total_row_mask",
    "DEFAULT_CI",
    "LINE_COLUMN",
    "NUMBER_TEXT",
    "TOTAL_LABEL",
    "SPACE",
]

#: the confidence level every interval in the library uses unless told otherwise
DEFAULT_CI = 0.95

#: the column ``read_table(..., lines=True)`` adds: each record's spreadsheet row
LINE_COLUMN = "file_line"

_SPACES = ("\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f"
           "\u205f\u3000")
#: the characters Python's ``\s`` matches, as a class of the characters themselves, which
#: every engine reads alike (pyarrow's RE2 then runs the pattern itself: with ``\s``, pandas
#: runs it row by row in Python)
SPACE = f"[{_SPACES}]"
#: a label that marks a total or subtotal row of an export (whole cell, any case)
TOTAL_LABEL = re.compile(f"^{SPACE}*(?:grand{SPACE}+|sub[{_SPACES}-]*)?totals?{SPACE}*:?"
                         f"{SPACE}*$|^{SPACE}*sum{SPACE}*$",
                         re.IGNORECASE)


def check_ci(ci) -> float:
    """Validate a confidence level ``ci`` (e.g. 0.95) and return ``alpha = 1 - ci``.

    Every function that gives an interval takes ``ci=0.95`` (as pingouin does); none takes
    ``alpha``, so that a result column called ``alpha`` (Cronbach's, Krippendorff's) never
    collides with a setting.  ``alpha`` is rounded to 12 decimals so that ``ci=0.95`` gives
    exactly ``0.05``.

    Example
    -------
    >>> check_ci(0.95), check_ci(0.9)
    (0.05, 0.1)
    >>> check_ci(95)
    Traceback (most recent call last):
    ...
    wellbeing_lib.errors.InvalidValueError: invalid confidence level: expected ci between 0 and 1 (e.g. 0.95); found 95
    """
    if isinstance(ci, bool) or not isinstance(ci, int | float | np.floating) or not 0 < ci < 1:
        raise InvalidValueError(
            "invalid confidence level", expected="ci between 0 and 1 (e.g. 0.95)", found=[ci]
        )
    return round(1.0 - float(ci), 12)


def check_choice(value, allowed: Iterable, *, name: str) -> None:
    """Raise :class:`InvalidValueError` unless the setting ``name=value`` is one of ``allowed``.

    Example
    -------
    >>> check_choice("prorate", ("complete", "prorate"), name="missing")
    >>> check_choice("mean", ("complete", "prorate"), name="missing")
    Traceback (most recent call last):
    ...
    wellbeing_lib.errors.InvalidValueError: invalid setting missing='mean': expected one of complete, prorate; found mean
    """
    allowed = list(allowed)
    if value not in allowed:
        raise InvalidValueError(
            f"invalid setting {name}={value!r}",
            expected="one of " + ", ".join(map(str, allowed)),
            found=[value],
        )


def as_columns(value) -> list:
    """A column argument as a list: ``None`` → ``[]``, one name → ``[name]``, names → list.

    Example
    -------
    >>> as_columns("sex"), as_columns(["sex", "age"]), as_columns(None)
    (['sex'], ['sex', 'age'], [])
    """
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


# ------------------------------------------------------------------ error locations
def source_of(data: pd.DataFrame) -> str | None:
    """The file a DataFrame was read from (``attrs["source"]``), if known (pandas only)."""
    return data.attrs.get("source") if is_pandas(data) else None


def sheet_of(data: pd.DataFrame) -> str | None:
    """The sheet of a workbook a DataFrame was read from (``attrs["sheet"]``), if known."""
    return data.attrs.get("sheet") if is_pandas(data) else None


class FileRows(str):
    """The rows of a table as read, to find the file line of a row after the table was
    filtered, sorted or renumbered (kept in ``attrs["file_rows"]`` by
    :func:`~wellbeing_lib.io.read_table`: file provenance, the one use of ``attrs``).

    A row is found by its values in the columns it was read with (hashed with
    :func:`pandas.util.hash_pandas_object`), so a row whose values were changed, or that
    is identical to another row, is not given a line: an error then names the row but no
    line, never a wrong one.  Shares the data of the table read (copy-on-write), and is
    not copied when pandas copies ``attrs``.  It is a ``str`` (its description) so that
    pandas and pyarrow can write ``attrs`` as JSON (``to_parquet``,
    ``pyarrow.Table.from_pandas``): only the description is written, not the rows.
    """

    def __new__(cls, data: pd.DataFrame, first_line: int, source: str = "the file"):
        return super().__new__(cls, f"{len(data)} rows read from {source}, line {first_line} on")

    def __init__(self, data: pd.DataFrame, first_line: int, source: str = "the file"):
        self.columns = list(data.columns)
        self.first_line = int(first_line)
        self.n_rows = len(data)
        self._rows = data.copy(deep=False)
        self._lookup = None

    def __deepcopy__(self, memo):  # pandas deep-copies attrs on every operation
        return self

    def __reduce__(self):  # pickled (e.g. to another process) as its description only
        return (str, (str(self),))

    def _hashes(self, data: pd.DataFrame) -> np.ndarray:
        return pd.util.hash_pandas_object(data[self.columns], index=False).to_numpy()

    def lines(self, data: pd.DataFrame, labels: list) -> list[int] | None:
        """File lines of the rows ``labels`` of ``data`` (None for a row not found)."""
        if not set(self.columns) <= set(data.columns):
            return None
        if self._lookup is None:
            hashes = self._hashes(self._rows)
            order = np.argsort(hashes, kind="stable")
            self._lookup = (hashes, hashes[order], order)
        hashes, ordered, order = self._lookup
        wanted = self._hashes(data.loc[labels] if data.index.is_unique else
                              data.iloc[data.index.get_indexer_for(labels)])
        position = pd.to_numeric(pd.Series(labels, dtype=object), errors="coerce").to_numpy()
        inside = np.isfinite(position) & (position >= 0) & (position < len(hashes)) & \
            (position == np.round(position))
        at = np.where(inside, position, 0).astype(np.int64)
        in_place = inside & (hashes[at] == wanted)  # still where it was read
        lo = np.searchsorted(ordered, wanted, "left")
        unique = np.searchsorted(ordered, wanted, "right") - lo == 1
        moved = order[np.minimum(lo, len(order) - 1)]
        line = np.where(in_place, at, moved) + self.first_line
        found = [int(v) if ok else None for v, ok in zip(line, in_place | unique)]
        seen = [line for line in found if line is not None]
        if len(seen) != len(set(seen)):  # one row read, shown twice: a copy made in memory
            return [None] * len(found)
        return found


def line_numbers(data: pd.DataFrame, labels: Sequence) -> list[int] | None:
    """File line numbers (header = line 1) of index labels.

    Taken from the ``file_line`` column when the table has one (``read_table(...,
    lines=True)``), so they survive filtering, sorting and reshaping.  Otherwise a table
    read by :func:`~wellbeing_lib.io.read_table` finds each row among the rows as read
    (:class:`FileRows`), so the lines stay right after filtering, sorting or renumbering
    the rows.  When a row is not found (its values were changed, or it is one of identical
    rows moved from their place), the lines are given only while the table keeps the
    RangeIndex and the number of rows it was read with; a table that was reshaped, or
    built in memory, has no lines (None): an error names its rows, never a wrong line.

    Example
    -------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"x": [5, 6, 7], "file_line": [2, 4, 5]}).sort_values("x",
    ...                                                                        ascending=False)
    >>> line_numbers(df, [2, 0])
    [5, 2]
    """
    labels = list(labels)
    if str(source_of(data)).lower().endswith(".parquet") and LINE_COLUMN not in data.columns:
        return None  # a Parquet file has records, not lines: its errors name the rows
    if LINE_COLUMN in data.columns:
        lines = data[LINE_COLUMN]
        if data.index.is_unique:
            values = lines.reindex(labels)
        else:
            values = lines.iloc[data.index.get_indexer_for(labels)]
        return [int(v) for v in values.dropna()]
    rows = data.attrs.get("file_rows") if is_pandas(data) else None
    found = rows.lines(data, labels) if isinstance(rows, FileRows) else None
    if found is not None and None not in found:
        return found
    if source_of(data) is None or not isinstance(data.index, pd.RangeIndex):
        return None
    if data.index.start != 0 or data.index.step != 1:
        return None
    if isinstance(rows, FileRows) and (len(data) != rows.n_rows or any(
            line is not None and line != label + rows.first_line
            for label, line in zip(labels, found or []))):
        return None  # renumbered or moved: no line rather than a wrong one
    # the rows as read, in their order (e.g. a converted copy made by a check)
    return [int(label) + (rows.first_line if isinstance(rows, FileRows) else 2)
            for label in labels]


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


def rows_where(data: pd.DataFrame, mask) -> dict:
    """:func:`error_location` of the rows of ``data`` selected by a boolean ``mask``.

    Example
    -------
    >>> import pandas as pd
    >>> rows_where(pd.DataFrame({"x": [1, None]}), [False, True])
    {'file': None, 'rows': [1], 'line_numbers': None}
    """
    return error_location(data, list(data.index[np.asarray(mask, dtype=bool)]))


# ------------------------------------------------------------------------ checks
def check_labels(data: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    """Raise :class:`InvalidValueError` if an identifier column (``what``: "unit", "coder")
    has a missing value, naming the column and rows.

    Example
    -------
    >>> import pandas as pd
    >>> check_labels(pd.DataFrame({"coder": ["A", None]}), ["coder"], "coder")
    Traceback (most recent call last):
    ...
    wellbeing_lib.errors.InvalidValueError: missing coder label in column 'coder', row 1: expected a coder identifier in every row
    """
    if not is_pandas(data):
        for col in columns:
            _raise_where(data, nw.col(col).is_null(), [col], InvalidValueError,
                         f"missing {what} label", column=col,
                         expected=f"a {what} identifier in every row", show=None)
        return
    for col in columns:
        missing = data[col].isna().to_numpy()
        if missing.any():
            raise InvalidValueError(
                f"missing {what} label", column=col,
                expected=f"a {what} identifier in every row", **rows_where(data, missing),
            )


def require_columns(data: pd.DataFrame, columns: Iterable[str], *, what: str | None = None) -> None:
    """Raise :class:`MissingColumnError` unless every one of ``columns`` is in ``data``."""
    columns = list(columns)
    present = data.columns if is_pandas(data) else column_names(data)
    missing = [c for c in columns if c not in present]
    if missing:
        problem = "required column missing" if what is None else f"{what}: required column missing"
        raise MissingColumnError(
            problem,
            file=source_of(data),
            column=missing if len(missing) > 1 else missing[0],
            expected="columns " + ", ".join(map(str, columns)),
            found=[", ".join(map(str, present))],
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

    Returns the columns converted to float64 (missing stays NaN): a pandas DataFrame for
    pandas data, else a table of the caller's kind (lazy for a lazy one).  Raises
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
    if not is_pandas(data):
        return _frame_numeric(data, columns, low=low, high=high, integer=integer,
                              allow_missing=allow_missing)
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
    if not is_pandas(data):
        bad = ~nw.col(column).is_in(allowed)
        bad = (bad & ~nw.col(column).is_null()) if allow_missing else (
            bad | nw.col(column).is_null())
        _raise_where(data, bad, [column], InvalidValueError, "value not allowed",
                     column=column, expected="one of " + ", ".join(map(str, allowed)))
        return
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
    if not is_pandas(data):
        _frame_unique(data, keys)
        return
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


# ------------------------------------------------------------ the silent classes
def check_not_empty(data: pd.DataFrame, *, what: str = "a data row") -> None:
    """Raise :class:`InvalidValueError` if ``data`` has no rows (e.g. a header-only file).

    Example
    -------
    >>> import pandas as pd
    >>> check_not_empty(pd.DataFrame({"client_id": []}), what="a client")
    Traceback (most recent call last):
    ...
    wellbeing_lib.errors.InvalidValueError: no data rows: expected at least one row below the header (a client); found 0 rows
    """
    if not is_pandas(data):
        frame = as_frame(data)
        empty = len(frame.head(1).lazy().collect()) == 0
    else:
        empty = len(data) == 0
    if empty:
        raise InvalidValueError(
            "no data rows", file=source_of(data),
            expected=f"at least one row below the header ({what})", found=["0 rows"],
        )


def warn_all_missing(data: pd.DataFrame, columns: Iterable[str], *, what: str = "values",
                     stacklevel: int = 2, min_rows: int = 2) -> list[str]:
    """Warn (:class:`~wellbeing_lib.errors.DataWarning`) for each column with every value blank.

    A column left blank throughout is usually a wrong export or a renamed question: its
    results would be all missing.  Tables of fewer than ``min_rows`` rows are not judged
    (one questionnaire with a skipped item is not a blank column).  Returns the blank
    columns (in the order given).

    Example
    -------
    >>> import warnings, pandas as pd
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_all_missing(pd.DataFrame({"a": [1, 2], "b": [None, None]}), ["a", "b"])
    ['b']
    >>> print(caught[0].message)
    every value is blank in column 'b': expected values in at least one row
    """
    if not is_pandas(data):
        return _frame_all_missing(data, list(columns), what=what, stacklevel=stacklevel + 1,
                                  min_rows=min_rows)
    if len(data) < max(min_rows, 1):
        return []
    blank = []
    for col in columns:
        values = data[col]
        if values.dtype == object or pd.api.types.is_string_dtype(values):
            empty = values.isna() | values.astype("str").str.strip().eq("")
        else:
            empty = values.isna()
        if bool(empty.all()):
            blank.append(col)
            warnings.warn(DataWarning(
                "every value is blank", file=source_of(data), column=col,
                expected=f"{what} in at least one row"), stacklevel=stacklevel + 1)
    return blank


def check_total_rows(data: pd.DataFrame, columns: Iterable[str], *, what: str = "record"
                     ) -> None:
    """Raise :class:`InvalidValueError` for a total or subtotal row in a label column.

    Exports and hand-made sheets often end with a ``Total`` row; read as data it would
    be counted as one more person (or its sums added twice).  A row whose label in any of
    ``columns`` is ``Total``, ``Totals``, ``Subtotal``, ``Sub-total``, ``Grand total``
    or ``Sum`` (any case, whole cell) is reported with its line.

    Example
    -------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"client_id": ["C1", "C2", "Total"], "visits": [2, 3, 5]})
    >>> check_total_rows(df, ["client_id"], what="client")
    Traceback (most recent call last):
    ...
    wellbeing_lib.errors.InvalidValueError: total row in column 'client_id', row 2: expected one row per client (delete total and subtotal rows: they would be counted as data); found Total
    """
    if not is_pandas(data):
        schema = as_frame(data).collect_schema()
        for col in columns:
            if schema[col] == nw.String:
                _raise_where(data, nw.col(col).str.contains("(?i)" + TOTAL_LABEL.pattern),
                             [col], InvalidValueError, "total row", column=col,
                             expected=f"one row per {what} (delete total and subtotal rows: "
                                      "they would be counted as data)")
        return
    for col in columns:
        values = data[col]
        if not (values.dtype == object or pd.api.types.is_string_dtype(values)):
            continue
        mask = total_row_mask(values)
        if mask.any():
            raise InvalidValueError(
                "total row", column=col,
                expected=f"one row per {what} (delete total and subtotal rows: they would "
                         "be counted as data)",
                found=list(values[mask]), **rows_where(data, mask),
            )


def total_row_mask(values: pd.Series, *, distinct: bool = False) -> np.ndarray:
    """Which labels mark a total or subtotal row (:data:`TOTAL_LABEL`), as a boolean array.

    The regular expression runs only on the distinct labels that contain "tot" or "sum"
    (a vectorised first pass), not on every row.  ``distinct=True``: the values are
    already distinct (e.g. the ids of a table once each), so they are not de-duplicated.

    Example
    -------
    >>> total_row_mask(pd.Series(["C1", "Total", "Summer", None])).tolist()
    [False, True, False, False]
    """
    uniques = pd.Series(values.dropna().array if distinct else pd.unique(values.dropna()))
    text = uniques.astype("str")
    candidates = text[text.str.contains("tot|sum", case=False, regex=True).to_numpy(bool)]
    hits = uniques[candidates.index][candidates.str.match(TOTAL_LABEL).to_numpy(bool)]
    if hits.empty:
        return np.zeros(len(values), dtype=bool)
    return (values.isin(list(hits)) & values.notna()).to_numpy(dtype=bool)


def near_duplicate_ids(values, *, distinct: bool = False) -> pd.DataFrame:
    """Groups of distinct identifiers that differ only in surrounding spaces or capitals.

    Such ids look the same to a person but never match in a join or a pairing
    (``"C-12 "`` vs ``"C-12"``, ``"c-12"`` vs ``"C-12"``).  ``distinct=True``: the
    values are already distinct (each id once), so they are not de-duplicated again.

    Returns
    -------
    DataFrame
        ``normalised`` (stripped, case-folded) and ``ids`` (the distinct spellings, as a
        ``" / "``-joined text with each id quoted), one row per group, sorted.

    Example
    -------
    >>> near_duplicate_ids(["C-1", "C-1 ", "c-2", "C-2", "C-3"])
      normalised             ids
    0        c-1  'C-1' / 'C-1 '
    1        c-2   'C-2' / 'c-2'
    """
    text = pd.Series(values).dropna().astype("str")
    series = pd.Series(text.array if distinct else pd.unique(text), dtype="str")
    norm = _normalised_ids(series)
    if len(pd.unique(norm.array)) == len(norm):  # the usual case: nothing clashes
        return pd.DataFrame({"normalised": [], "ids": []}, dtype="str")
    clash = norm.duplicated(keep=False).to_numpy()
    groups = series[clash].groupby(norm[clash])
    rows = [(key, " / ".join(repr(v) for v in sorted(group))) for key, group in groups]
    return pd.DataFrame(rows, columns=["normalised", "ids"]).astype("str")


def _normalised_ids(series: pd.Series) -> pd.Series:
    """Ids stripped and case-folded: ASCII text (nearly every id) by the vectorised
    ``lower`` (the same as ``casefold`` for ASCII), the rest by ``casefold``."""
    stripped = series.str.strip()
    ascii_ = series.str.isascii().fillna(True).to_numpy(dtype=bool)
    norm = stripped.str.lower()
    if not ascii_.all():
        norm = norm.where(ascii_, stripped.str.casefold())
    return norm


def check_identifiers(data: pd.DataFrame, column: str, *, what: str = "identifier",
                      distinct: bool = False) -> None:
    """Raise :class:`InvalidValueError` if ids in ``column`` differ only in spaces or case.

    ``distinct=True``: each id is in ``column`` once already (a table of clients), so the
    ids are not de-duplicated before they are compared.

    Example
    -------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"client_id": ["C-1", "C-2", "C-1 "]})
    >>> check_identifiers(df, "client_id", what="client id")
    Traceback (most recent call last):
    ...
    wellbeing_lib.errors.InvalidValueError: client ids that differ only in spaces or capitals in column 'client_id', rows 0, 2: expected the same spelling of each client id in every row (they would not be matched); found 'C-1' / 'C-1 '
    """
    require_columns(data, [column])
    if not is_pandas(data):
        _frame_identifiers(data, column, what, distinct=distinct)
        return
    groups = near_duplicate_ids(data[column], distinct=distinct)
    if len(groups):
        norm = _normalised_ids(data[column].astype("str"))
        mask = norm.isin(groups["normalised"]).to_numpy(dtype=bool) & data[column].notna(
        ).to_numpy(dtype=bool)
        raise InvalidValueError(
            f"{what}s that differ only in spaces or capitals", column=column,
            expected=f"the same spelling of each {what} in every row (they would not be "
                     "matched)",
            found=list(groups["ids"]), **rows_where(data, mask),
        )


def scale_limits(units) -> tuple[pd.Series, pd.Series]:
    """Lower and upper limit of each row's scale from a text naming it.

    ``"score 0-10"`` gives 0 and 10; any text with ``%`` (``"% agreeing"``) gives 0 and
    100; a text naming no scale gives missing limits.

    Example
    -------
    >>> low, high = scale_limits(pd.Series(["score 0-10", "% agreeing", "count"]))
    >>> low.tolist(), high.tolist()
    ([0.0, 0.0, nan], [10.0, 100.0, nan])
    """
    text = pd.Series(units).astype("str")
    parts = text.str.extract(r"(-?\d+(?:\.\d+)?)\s*[-–]\s*(-?\d+(?:\.\d+)?)").astype("float64")
    percent = text.str.contains("%", regex=False).fillna(False).astype(bool)
    return parts[0].where(~percent, 0.0), parts[1].where(~percent, 100.0)


def check_within_scale(data: pd.DataFrame, columns: Iterable[str], unit: str) -> None:
    """Raise :class:`InvalidValueError` for a value outside the scale its row states in the
    ``unit`` column (``"score 0-10"``, ``"% agreeing"``); rows whose unit names no scale
    are not judged.

    Example
    -------
    >>> df = pd.DataFrame({"unit": ["score 0-10", "% agreeing"], "value": [12.5, 61.0]})
    >>> check_within_scale(df, ["value"], "unit")
    Traceback (most recent call last):
    ...
    wellbeing_lib.errors.InvalidValueError: value outside its stated scale in column 'value', row 0: expected a value within the scale named in 'unit'; found 12.5 (score 0-10)
    """
    low, high = scale_limits(data[unit])
    for col in columns:
        values = pd.to_numeric(data[col], errors="coerce")
        out = (values.notna() & ((values < low) | (values > high))).to_numpy(dtype=bool)
        if out.any():
            raise InvalidValueError(
                "value outside its stated scale", column=col,
                expected=f"a value within the scale named in '{unit}'",
                found=[f"{v:g} ({u})" for v, u in zip(values[out], data[unit][out])],
                **rows_where(data, out),
            )


# --------------------------------------------- checks as expressions (other backends)
def check_rows(data, mask, *, problem: str, column: str, expected: str,
               error=InvalidValueError, show: bool = True) -> None:
    """Raise ``error`` naming the rows of ``data`` where ``mask`` holds (any backend).

    ``mask`` is a narwhals expression (any backend): it runs where the data live, and only
    the failing rows are collected.  For a pandas DataFrame it may also be a boolean array.
    ``show`` lists the values of ``column`` found in those rows.

    Example
    -------
    >>> import narwhals as nw, polars as pl
    >>> check_rows(pl.DataFrame({"id": ["a", None]}), nw.col("id").is_null(),
    ...            problem="missing client id", column="id", expected="an id on every row",
    ...            show=False)
    Traceback (most recent call last):
    ...
    wellbeing_lib.errors.InvalidValueError: missing client id in column 'id', row 1: expected an id on every row
    """
    if is_pandas(data) and not isinstance(mask, nw.Expr):
        flags = np.asarray(mask, dtype=bool)
        if flags.any():
            found = list(data[column][flags]) if show else None
            raise error(problem, column=column, expected=expected, found=found,
                        **rows_where(data, flags))
        return
    _raise_where(data, mask, [column], error, problem, show="first" if show else None,
                 column=column, expected=expected)


def failing_location(data, rows: pd.DataFrame) -> dict:
    """``file``/``rows``/``line_numbers`` of the failing rows that
    :func:`~wellbeing_lib.frames.failing_rows` collected from ``data`` (or from a table
    made from it row for row, in the same order).

    A pandas table's rows are named as everywhere else in the library: by their index
    labels, with the file and its lines (:func:`error_location`).  Another eager table's
    rows are named by their 0-based positions; a lazy table's by the file lines it carries.

    Example
    -------
    >>> import narwhals as nw, pandas as pd
    >>> from wellbeing_lib.frames import failing_rows
    >>> df = pd.DataFrame({"x": [1, 9]}, index=["a", "b"]); df.attrs["source"] = "x.csv"
    >>> failing_location(df, failing_rows(nw.from_native(df), nw.col("x") > 5, ["x"]))
    {'file': 'x.csv', 'rows': ['b'], 'line_numbers': None}
    """
    positions = [int(v) for v in rows[ROW_COLUMN]] if ROW_COLUMN in rows.columns else []
    native = data.to_native() if isinstance(data, nw.DataFrame | nw.LazyFrame) else data
    if is_pandas(native) and ROW_COLUMN in rows.columns:
        return error_location(native, list(native.index[positions]))
    lines = ([int(v) for v in rows[LINE_COLUMN].dropna()] if LINE_COLUMN in rows.columns
             else None)
    return {"file": None, "rows": positions, "line_numbers": lines}


def _raise_where(data, mask, columns, error, problem, *, show="first", **details) -> None:
    """Raise ``error`` naming the rows where ``mask`` holds: one aggregate, then only the
    failing rows are collected.  ``show``: the column whose values are ``found``."""
    if not any_rows(data, mask):
        return
    rows = failing_rows(data, mask, columns, line_column=LINE_COLUMN)
    if show == "first":
        details.setdefault("found", list(rows[columns[0]]))
    raise error(problem, **failing_location(data, rows), **details)


#: a number written as text (spaces around it allowed), as a regular expression that
#: every backend reads (no capturing groups)
NUMBER_TEXT = r"^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$"


def _frame_numeric(data, columns, *, low, high, integer, allow_missing):
    """:func:`check_numeric` as expressions: the checked columns cast to Float64 (lazily
    for a lazy table)."""
    frame = as_frame(data)
    schema = frame.collect_schema()
    rng = _range_text(low, high, integer)
    casts = []
    for col in columns:
        dtype = schema[col]
        if dtype.is_numeric() or dtype == nw.Boolean:
            value = nw.col(col).cast(nw.Float64())
        elif dtype == nw.String:
            text = nw.col(col).str.strip_chars()
            _raise_where(frame, ~nw.col(col).is_null() & (text != "")
                         & ~text.str.contains(NUMBER_TEXT), [col], InvalidValueError,
                         "non-numeric value", column=col, expected=rng)
            value = nw.when(text.str.contains(NUMBER_TEXT)).then(text).otherwise(
                None).cast(nw.Float64())
        else:
            _raise_where(frame, ~nw.col(col).is_null(), [col], InvalidValueError,
                         "non-numeric value", column=col, expected=rng)
            value = nw.col(col).cast(nw.Float64())
        checks = []
        if not allow_missing:
            checks.append(("missing value", value.is_null() | value.is_nan()))
        if integer:
            checks.append(("not a whole number", value != value.round(0)))
        if low is not None:
            checks.append(("value out of range", value < low))
        if high is not None:
            checks.append(("value out of range", value > high))
        for problem, mask in checks:
            _raise_where(frame, mask, [col], InvalidValueError, problem, column=col,
                         expected=rng)
        casts.append(value.alias(col))
    return frame.select(casts).to_native()


def _frame_unique(data, keys) -> None:
    frame = with_group_values(data, keys, {"__records": nw.len()})
    mask = nw.col("__records") > 1
    if not any_rows(frame, mask):
        return
    rows = failing_rows(frame, mask, keys, line_column=LINE_COLUMN)
    repeated = rows[keys].drop_duplicates()
    raise DuplicateKeyError(
        "duplicated key", column=keys if len(keys) > 1 else keys[0],
        expected="one row per " + " × ".join(keys),
        found=["/".join(map(str, row)) for row in repeated.itertuples(index=False, name=None)],
        **failing_location(data, rows),
    )


def _frame_all_missing(data, columns, *, what, stacklevel, min_rows) -> list[str]:
    frame = as_frame(data)
    schema = frame.collect_schema()
    counts = [nw.len().alias("__rows")]
    for i, col in enumerate(columns):
        filled = ~nw.col(col).is_null()
        if schema[col] == nw.String:
            filled = filled & (nw.col(col).str.strip_chars() != "")
        counts.append(filled.fill_null(False).cast(nw.Int64()).sum().alias(f"__{i}"))
    row = frame.select(counts).lazy().collect().rows(named=True)[0]
    if row["__rows"] < max(min_rows, 1):
        return []
    blank = [col for i, col in enumerate(columns) if not row[f"__{i}"]]
    for col in blank:
        warnings.warn(DataWarning("every value is blank", file=None, column=col,
                                  expected=f"{what} in at least one row"),
                      stacklevel=stacklevel + 1)
    return blank


def _frame_identifiers(data, column: str, what: str, *, distinct: bool = False) -> None:
    """Ids that differ only in spaces or capitals, found where the data live: only the
    distinct spellings that collide are collected."""
    frame, _ = planned(data)
    norm = nw.col(column).cast(nw.String()).str.strip_chars().str.to_lowercase()
    spellings = (frame.filter(~nw.col(column).is_null())
                 .select(nw.col(column).cast(nw.String()).alias("id")))
    if not distinct:
        spellings = spellings.unique()
    spellings = spellings.with_columns(
        nw.col("id").str.strip_chars().str.to_lowercase().alias("norm"))
    n, distinct = spellings.select(nw.len(), nw.col("norm").n_unique()).lazy().collect().row(0)
    if n == distinct:  # every spelling its own normalised id: nothing to name
        return
    clashes = with_group_values(spellings, ["norm"], {"__n": nw.len()}).filter(
        nw.col("__n") > 1)
    found = clashes.lazy().collect().to_pandas()
    if found.empty:
        return
    groups = [" / ".join(repr(v) for v in sorted(g["id"]))
              for _, g in found.groupby("norm", sort=True)]
    mask = norm.is_in(sorted(set(found["norm"])))
    rows = failing_rows(data, mask, [column], line_column=LINE_COLUMN)  # positions: eager
    raise InvalidValueError(
        f"{what}s that differ only in spaces or capitals", column=column,
        expected=f"the same spelling of each {what} in every row (they would not be "
                 "matched)", found=groups, **failing_location(data, rows))
