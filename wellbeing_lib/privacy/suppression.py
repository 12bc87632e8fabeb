"""Small-count suppression of published tables (NHS Digital rule by default).

:func:`suppress_small_counts` (wide cross-tabs, with secondary suppression and optional
margins), :func:`suppress_rows` (tidy tables with count and derived columns),
:func:`suppressed_percentages`, :func:`suppression_flags` / :func:`row_suppression_flags`
(why each cell was withheld) and :func:`publish` (withheld → ``"*"``).

The default rule is NHS Digital's for HES/ECDS since 2018: below national level, counts of
1–7 are suppressed and all other counts rounded to the nearest 5; zero is published as 0.
Other services suppress counts below 10 (``low=1, high=9, base=1``).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..errors import DuplicateKeyError, InvalidValueError
from ..validation import check_numeric, require_columns, source_of

#: default suppression rule (NHS Digital HES/ECDS since 2018): suppress counts 1-7 ...
SUPPRESS_LOW = 1
SUPPRESS_HIGH = 7
#: ... and round every other count to the nearest 5
ROUND_BASE = 5
#: what :func:`publish` writes in place of a suppressed value
MARKER = "*"


def _check_settings(low, high, base) -> None:
    for name, value, minimum in (("low", low, 0), ("high", high, 0), ("base", base, 1)):
        if (
            isinstance(value, bool)
            or not isinstance(value, int | np.integer)
            or value < minimum
        ):
            raise InvalidValueError(
                f"invalid suppression setting {name}={value!r}",
                expected=f"a whole number of at least {minimum}",
            )


def round_counts(values, base: int = ROUND_BASE):
    """Round whole-number counts to the nearest multiple of ``base`` (halves round up).

    ``round(n / base) * base`` in exact integer arithmetic:
    ``(n + base // 2) // base * base``.  With an odd base (the default 5) no count lies
    half-way; with an even base halves round up (``base=10``: 5 → 10, 15 → 20).
    ``base=1`` leaves counts as they are.

    Parameters
    ----------
    values : int, array-like of int
        Non-negative whole numbers (already validated).
    base : int, default 5

    Returns
    -------
    int or numpy.ndarray of int64

    Example
    -------
    >>> round_counts([0, 8, 12, 13, 22, 23]).tolist()
    [0, 10, 10, 15, 20, 25]
    """
    arr = np.asarray(values, dtype=np.int64)
    out = (arr + base // 2) // base * base
    return int(out) if out.ndim == 0 else out


def _label_text(label) -> str:
    return label if isinstance(label, str) else str(label)


def _count_matrix(table: pd.DataFrame, what: str) -> np.ndarray:
    """Validate a frame whose every column holds counts; return them as int64."""
    if not isinstance(table, pd.DataFrame):
        raise InvalidValueError(
            f"{what} needs a table of counts",
            expected="a pandas DataFrame (e.g. from pandas.crosstab)",
            found=[type(table).__name__],
        )
    if table.columns.duplicated().any():
        dup = table.columns[table.columns.duplicated()].unique()
        raise DuplicateKeyError(
            "repeated column label",
            file=source_of(table),
            column=[_label_text(c) for c in dup],
            expected="one column per category",
        )
    # DataError formats column labels as text: give check_numeric text labels
    named = table.set_axis([_label_text(c) for c in table.columns], axis=1)
    for col in named.columns:
        values = named[col]
        if (
            not pd.api.types.is_numeric_dtype(values)
            and len(values)
            and values.notna().all()
            and pd.to_numeric(values, errors="coerce").isna().all()
        ):
            raise InvalidValueError(
                "column holds labels, not counts",
                file=source_of(table),
                column=col,
                expected="only count columns; move label columns into the index "
                "(table.set_index(...))",
                found=list(values.iloc[:3]),
            )
    checked = check_numeric(named, list(named.columns), low=0, integer=True, allow_missing=False)
    return checked.to_numpy(dtype=np.int64)


def _append_label(index: pd.Index, label: str) -> pd.Index:
    if isinstance(index, pd.MultiIndex):
        full = (label,) + ("",) * (index.nlevels - 1)
        return pd.MultiIndex.from_tuples([*index, full], names=index.names)
    return pd.Index([*index, label], name=index.name)


def _with_margins(raw: np.ndarray) -> np.ndarray:
    n_rows, n_cols = raw.shape
    ext = np.zeros((n_rows + 1, n_cols + 1), dtype=np.int64)
    ext[:n_rows, :n_cols] = raw
    ext[:n_rows, n_cols] = raw.sum(axis=1)
    ext[n_rows, :n_cols] = raw.sum(axis=0)
    ext[n_rows, n_cols] = raw.sum()
    return ext


def _secondary_suppression(raw: np.ndarray, primary: np.ndarray) -> np.ndarray:
    """Cells to suppress so that no row or column has exactly one suppressed cell.

    Repeats until stable: for every row, then every column, with exactly one suppressed
    cell, suppress its smallest non-zero unsuppressed cell (ties: the first).  The loop
    runs over the lines of a cross-tab (its categories), not over data records.
    """
    suppressed = primary.copy()
    big = np.iinfo(np.int64).max
    changed = True
    while changed:
        changed = False
        for axis in (0, 1):
            for i in range(raw.shape[axis]):
                line = (i, slice(None)) if axis == 0 else (slice(None), i)
                in_line = suppressed[line]
                if in_line.sum() != 1:
                    continue
                values = raw[line]
                candidates = ~in_line & (values > 0)
                if not candidates.any():
                    continue  # reported by _exposed_lines
                j = int(np.argmin(np.where(candidates, values, big)))
                suppressed[(i, j) if axis == 0 else (j, i)] = True
                changed = True
    return suppressed & ~primary


def _exposed_lines(suppressed: np.ndarray, index: pd.Index, columns: pd.Index) -> list[str]:
    rows = [f"row {index[i]!r}" for i in np.flatnonzero(suppressed.sum(axis=1) == 1)]
    cols = [f"column {columns[j]!r}" for j in np.flatnonzero(suppressed.sum(axis=0) == 1)]
    return rows + cols


def _suppress_table(table, *, low, high, base, secondary, margins, margins_name):
    """Shared core of suppress_small_counts and suppressed_percentages."""
    _check_settings(low, high, base)
    raw = _count_matrix(table, "small-count suppression")
    index, columns = table.index, table.columns
    if margins:
        for axis_name, labels in (("row", index), ("column", columns)):
            flat = labels.get_level_values(0) if isinstance(labels, pd.MultiIndex) else labels
            if margins_name in list(flat):
                raise InvalidValueError(
                    f"the table already has a {axis_name} called {margins_name!r}",
                    file=source_of(table),
                    expected="a table without totals (pass margins=True to add them) "
                    "or another margins_name",
                )
        raw = _with_margins(raw)
        index = _append_label(index, margins_name)
        columns = _append_label(columns, margins_name)
    primary = (raw >= low) & (raw <= high)
    second = _secondary_suppression(raw, primary) if secondary else np.zeros_like(primary)
    if secondary:
        exposed = _exposed_lines(primary | second, index, columns)
        if exposed:
            warnings.warn(
                "small-count suppression cannot protect "
                + ", ".join(exposed)
                + ": each has one suppressed cell and no other non-zero cell to suppress "
                "with it, so anyone who knows its total can recover that cell; do not "
                "publish that total (or use margins=True so that it is suppressed too)",
                UserWarning,
                stacklevel=3,
            )
    return raw, primary, second, index, columns


def _flags(primary: np.ndarray, second: np.ndarray, index, columns) -> pd.DataFrame:
    text = np.where(primary, "primary", np.where(second, "secondary", ""))
    return pd.DataFrame(text, index=index, columns=columns, dtype="str")


def suppress_small_counts(
    table: pd.DataFrame,
    *,
    low: int = SUPPRESS_LOW,
    high: int = SUPPRESS_HIGH,
    base: int = ROUND_BASE,
    secondary: bool = True,
    margins: bool = False,
    margins_name: str = "Total",
) -> pd.DataFrame:
    """Suppress and round the counts of a cross-tab for publication.

    Primary suppression: counts from ``low`` to ``high`` (default 1–7) are withheld.
    Rounding: every other count is rounded to the nearest ``base`` (default 5; halves
    round up; 8 → 10, 12 → 10, 13 → 15); zero stays 0.  Secondary suppression
    (``secondary=True``): repeated until nothing changes — in every row and column
    that has exactly one suppressed cell, the smallest non-zero unsuppressed cell
    (by unrounded count; the first on ties) is suppressed too, so that no suppressed
    cell can be recovered by subtracting the others from a total.

    Parameters
    ----------
    table : DataFrame
        Wide cross-tab of counts (e.g. ``pandas.crosstab`` without margins): index =
        row categories, columns = column categories, cells = non-negative whole
        numbers.
    low, high : int, default 1, 7
        Counts in ``[low, high]`` are suppressed (``high < low`` suppresses nothing).
    base : int, default 5
        Rounding base; ``base=1`` means no rounding.
    secondary : bool, default True
        Apply secondary suppression.  Row and column totals are treated as known
        even when ``margins=False``, because they are usually published elsewhere
        (number of participants per area, per outcome).  If they truly are not
        known, pass ``secondary=False``.  A row/column whose only non-zero cell is
        suppressed cannot be protected without its total: a ``UserWarning`` names it.
    margins : bool, default False
        Append a row and a column of totals (``margins_name``) computed from the
        unrounded counts, then rounded, suppressed and secondary-suppressed like any
        other cell (the totals row and column are lines too).
    margins_name : str, default "Total"

    Returns
    -------
    DataFrame
        Counts as nullable ``Int64``, rounded, ``<NA>`` where suppressed (a new
        frame; the input is unchanged).  :func:`suppression_flags` (same settings)
        says why each cell was withheld.  Turn the result into a table for a report
        with :func:`publish`.

    Raises
    ------
    InvalidValueError
        A cell is missing, negative, not a whole number or not a number (naming the
        column and rows), or a setting is invalid.

    Notes
    -----
    The rule follows NHS Digital's HES/ECDS disclosure control (since 2018).
    Secondary suppression by this row/column heuristic protects against recovery from
    a single row or column total; it is not a full linear-programming audit (for
    large linked tables use tau-Argus or sdcTable).  Rounding the published counts
    further limits differencing between tables.

    Example
    -------
    >>> import pandas as pd
    >>> counts = pd.DataFrame({"a": [20, 25], "b": [3, 5], "c": [30, 36]},
    ...                       index=["x", "y"])
    >>> suppress_small_counts(counts)
          a     b   c
    x  <NA>  <NA>  30
    y  <NA>  <NA>  35
    """
    raw, primary, second, index, columns = _suppress_table(
        table, low=low, high=high, base=base, secondary=secondary,
        margins=margins, margins_name=margins_name,
    )
    out = pd.DataFrame(round_counts(raw, base), index=index, columns=columns).astype("Int64")
    return out.mask(primary | second)


def suppression_flags(
    table: pd.DataFrame,
    *,
    low: int = SUPPRESS_LOW,
    high: int = SUPPRESS_HIGH,
    base: int = ROUND_BASE,
    secondary: bool = True,
    margins: bool = False,
    margins_name: str = "Total",
) -> pd.DataFrame:
    """Why each cell of :func:`suppress_small_counts` (same settings) was withheld.

    Parameters
    ----------
    table, low, high, base, secondary, margins, margins_name
        As for :func:`suppress_small_counts`.

    Returns
    -------
    DataFrame
        The shape of the suppressed table: ``"primary"`` (a count in ``[low, high]``),
        ``"secondary"`` (withheld so that a primary cell cannot be recovered from a
        total) or ``""`` (published).

    Example
    -------
    >>> import pandas as pd
    >>> counts = pd.DataFrame({"a": [20, 25], "b": [3, 5], "c": [30, 36]},
    ...                       index=["x", "y"])
    >>> suppression_flags(counts).loc["x"].tolist()
    ['secondary', 'primary', '']
    """
    _, primary, second, index, columns = _suppress_table(
        table, low=low, high=high, base=base, secondary=secondary,
        margins=margins, margins_name=margins_name,
    )
    return _flags(primary, second, index, columns)


def suppressed_percentages(
    counts: pd.DataFrame,
    *,
    normalize: str = "index",
    decimals: int | None = 1,
    low: int = SUPPRESS_LOW,
    high: int = SUPPRESS_HIGH,
    base: int = ROUND_BASE,
    secondary: bool = True,
    margins: bool = False,
    margins_name: str = "Total",
) -> pd.DataFrame:
    """Percentages of a count cross-tab, with the cells suppressed in the counts withheld.

    Percentages are computed from the raw (unrounded) counts, ``100 × n / total``; a
    cell is withheld wherever :func:`suppress_small_counts` (same settings) withholds
    its count, and every percentage whose denominator is itself in ``[low, high]`` is
    withheld (a percentage of 1–7 people discloses as much as the count).

    Parameters
    ----------
    counts : DataFrame
        Wide cross-tab of counts, as for :func:`suppress_small_counts`.
    normalize : {"index", "columns", "all"}, default "index"
        As in ``pandas.crosstab``: ``"index"`` = row percentages (each row sums to
        100), ``"columns"`` = column percentages, ``"all"`` = percent of the grand total.
    decimals : int or None, default 1
        Round the percentages; None keeps full precision.
    low, high, base, secondary, margins, margins_name
        As for :func:`suppress_small_counts`.

    Returns
    -------
    DataFrame
        Nullable ``Float64`` percentages, ``<NA>`` where withheld or where the
        denominator is 0.

    Example
    -------
    >>> import pandas as pd
    >>> counts = pd.DataFrame({"a": [20, 25], "b": [3, 5], "c": [30, 35]},
    ...                       index=["x", "y"])
    >>> suppressed_percentages(counts)
          a     b     c
    x  <NA>  <NA>  56.6
    y  <NA>  <NA>  53.8
    """
    if normalize not in ("index", "columns", "all"):
        raise InvalidValueError(
            f"invalid normalize={normalize!r}", expected="'index', 'columns' or 'all'"
        )
    raw, primary, second, index, columns = _suppress_table(
        counts, low=low, high=high, base=base, secondary=secondary,
        margins=margins, margins_name=margins_name,
    )
    # totals of the interior cells (with margins they are the last row/column)
    interior = raw[:-1, :-1] if margins else raw
    row_tot = interior.sum(axis=1)
    col_tot = interior.sum(axis=0)
    grand = interior.sum()
    if margins:
        row_tot = np.append(row_tot, grand)
        col_tot = np.append(col_tot, grand)
    if normalize == "index":
        denom = np.broadcast_to(row_tot[:, None], raw.shape)
    elif normalize == "columns":
        denom = np.broadcast_to(col_tot[None, :], raw.shape)
    else:
        denom = np.full(raw.shape, grand)
    pct = np.divide(100.0 * raw, denom, out=np.full(raw.shape, np.nan), where=denom > 0)
    if decimals is not None:
        pct = np.round(pct, decimals)
    small_denominator = (denom >= low) & (denom <= high)
    out = pd.DataFrame(pct, index=index, columns=columns).astype("Float64")
    return out.mask(primary | second | small_denominator)


def suppress_rows(
    data: pd.DataFrame,
    *,
    counts: Iterable[str] = ("n",),
    derived: Iterable[str] = (),
    low: int = SUPPRESS_LOW,
    high: int = SUPPRESS_HIGH,
    base: int = ROUND_BASE,
) -> pd.DataFrame:
    """Suppress small counts in a tidy summary table, and the values derived from them.

    In each count column, counts from ``low`` to ``high`` (default 1–7) are withheld
    and the others rounded to the nearest ``base`` (default 5); zero stays 0.  In every
    row with any withheld count, every ``derived`` column (percentages, means, CIs...)
    is withheld too.  No secondary suppression is applied: tidy summary rows seldom
    sum to a published total; if they do, publish the cross-tab with
    :func:`suppress_small_counts` instead.

    Parameters
    ----------
    data : DataFrame
        One row per group, e.g. columns ``group, n, N, pct, ci_low, ci_high``.
    counts : sequence of str, default ("n",)
        Count columns: non-negative whole numbers, no missing values.
    derived : sequence of str, default ()
        Columns computed from the counts.  Compute them from the unrounded counts.
    low, high, base : int
        As for :func:`suppress_small_counts`.

    Returns
    -------
    DataFrame
        A copy of ``data``: count columns as rounded nullable ``Int64`` with ``<NA>``
        where withheld; derived columns keep their dtype, missing where withheld.
        :func:`row_suppression_flags` (same settings) says why each value was withheld.

    Example
    -------
    >>> import pandas as pd
    >>> summary = pd.DataFrame({"group": ["A", "B", "C"], "n": [5, 12, 0],
    ...                         "N": [40, 52, 6], "pct": [12.5, 23.1, 0.0]})
    >>> suppress_rows(summary, counts=["n", "N"], derived=["pct"])
      group     n     N   pct
    0     A  <NA>    40   NaN
    1     B    10    50  23.1
    2     C     0  <NA>   NaN
    """
    counts, derived, raw, primary = _row_suppression(data, counts, derived, low, high, base)
    out = data.copy()
    for k, col in enumerate(counts):
        rounded = pd.Series(round_counts(raw[:, k], base), index=data.index, dtype="Int64")
        out[col] = rounded.mask(primary[:, k])
    row_hit = primary.any(axis=1)
    for col in derived:
        out[col] = out[col].mask(row_hit)
    return out


def row_suppression_flags(
    data: pd.DataFrame,
    *,
    counts: Iterable[str] = ("n",),
    derived: Iterable[str] = (),
    low: int = SUPPRESS_LOW,
    high: int = SUPPRESS_HIGH,
    base: int = ROUND_BASE,
) -> pd.DataFrame:
    """Why each value of :func:`suppress_rows` (same settings) was withheld.

    Parameters
    ----------
    data, counts, derived, low, high, base
        As for :func:`suppress_rows`.

    Returns
    -------
    DataFrame
        Indexed like ``data``, one column per count and derived column: ``"primary"`` for a
        withheld count, ``"derived"`` for a derived value withheld with it, ``""`` otherwise.

    Example
    -------
    >>> import pandas as pd
    >>> summary = pd.DataFrame({"group": ["A", "B"], "n": [5, 12], "pct": [12.5, 23.1]})
    >>> row_suppression_flags(summary, derived=["pct"]).to_dict("list")
    {'n': ['primary', ''], 'pct': ['derived', '']}
    """
    counts, derived, _, primary = _row_suppression(data, counts, derived, low, high, base)
    flags = pd.DataFrame(
        np.where(primary, "primary", ""), index=data.index, columns=counts, dtype="str"
    )
    row_hit = primary.any(axis=1)
    for col in derived:
        flags[col] = pd.Series(np.where(row_hit, "derived", ""), index=data.index, dtype="str")
    return flags


def _row_suppression(data, counts, derived, low, high, base):
    """Shared core of suppress_rows and row_suppression_flags."""
    _check_settings(low, high, base)
    counts = [counts] if isinstance(counts, str) else list(counts)
    derived = [derived] if isinstance(derived, str) else list(derived)
    if not counts:
        raise InvalidValueError("no count columns given", expected="counts=['n', ...]")
    both = sorted(set(counts) & set(derived), key=str)
    if both:
        raise InvalidValueError(
            "a column is listed as both a count and a derived value", column=both
        )
    require_columns(data, counts + derived, what="small-count suppression")
    raw = _count_matrix(data[counts], "small-count suppression")
    primary = (raw >= low) & (raw <= high)
    return counts, derived, raw, primary


def publish(table, *, marker: str = MARKER, columns: Iterable | None = None):
    """Replace withheld (missing) values with a marker, for a published table or workbook.

    Parameters
    ----------
    table : DataFrame or Series
        Output of :func:`suppress_small_counts`, :func:`suppress_rows` or
        :func:`suppressed_percentages`.
    marker : str, default "*"
        NHS Digital's convention; some publications use ``"[c]"`` or ``"-"``.
    columns : sequence, optional
        Columns to mark.  Default: every numeric column (the count and derived columns
        of :func:`suppress_rows` and :func:`suppress_small_counts`); labels that happen
        to be missing are left as they are, not marked as suppressed.

    Returns
    -------
    DataFrame or Series
        ``object`` dtype: numbers stay numbers (so Excel sees numbers), withheld
        cells hold ``marker``.

    Example
    -------
    >>> import pandas as pd
    >>> publish(pd.Series([10, None, 0], dtype="Int64")).tolist()
    [10, '*', 0]
    """
    if isinstance(table, pd.Series):
        out = table.astype(object)
        return out.where(table.notna(), marker)
    if not isinstance(table, pd.DataFrame):
        raise InvalidValueError(
            "publish needs a table", expected="a DataFrame or Series",
            found=[type(table).__name__],
        )
    if columns is None:
        columns = [c for c in table.columns if pd.api.types.is_numeric_dtype(table[c])]
    else:
        columns = list(columns)
        require_columns(table, columns, what="publish")
    out = table.copy()
    for col in columns:
        out[col] = table[col].astype(object).where(table[col].notna(), marker)
    return out


