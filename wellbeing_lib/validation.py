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

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from .errors import DuplicateKeyError, InvalidValueError, MissingColumnError

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
    "line_numbers",
    "error_location",
    "DEFAULT_CI",
]

#: the confidence level every interval in the library uses unless told otherwise
DEFAULT_CI = 0.95


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
