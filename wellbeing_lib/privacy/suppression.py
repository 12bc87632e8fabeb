"""Small-count suppression of published tables (NHS Digital rule by default).

:func:`suppress_small_counts` (wide cross-tabs, with secondary suppression that passes
:func:`~wellbeing_lib.privacy.audit` and optional margins), :func:`suppress_linked`
(several cross-tabs of the same data, protected together), :func:`suppress_rows` (tidy
tables with count and derived columns), :func:`suppressed_percentages` (from the
published counts), and :func:`suppression_flags` / :func:`row_suppression_flags` (why
each cell was withheld).  :func:`~wellbeing_lib.privacy.publish` is the gate every
published table goes through.

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
from ._protect import protect_grid, protect_linked
from ._tables import PRIMARY, SECONDARY, Rule, holder_grid, margin_links, small_counts, with_margins
from .counting import _not_counted

#: default suppression rule (NHS Digital HES/ECDS since 2018): suppress counts 1-7 ...
SUPPRESS_LOW = 1
SUPPRESS_HIGH = 7
#: ... and round every other count to the nearest 5
ROUND_BASE = 5
#: what :func:`publish` writes in place of a suppressed value
MARKER = "*"
#: pandas' default text dtype (labels of this type stay of it when a text label is added)
_TEXT = pd.Index(["x"]).dtype


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
    _not_counted(table, what)
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
    whole = _whole_counts(named)
    if whole is not None:
        return whole
    checked = check_numeric(named, list(named.columns), low=0, integer=True, allow_missing=False)
    return checked.to_numpy(dtype=np.int64)


def _whole_counts(table: pd.DataFrame) -> np.ndarray | None:
    """The counts as int64 in one pass when every column is a numpy integer column with
    nothing below 0 (the usual table of counts); None to check column by column, with
    the errors of :func:`~wellbeing_lib.validation.check_numeric`."""
    if not len(table.columns) or not all(
            isinstance(d, np.dtype) and (d.kind == "i" or (d.kind == "u" and d.itemsize < 8))
            for d in table.dtypes):
        return None
    values = table.to_numpy(dtype=np.int64)
    return values if not values.size or values.min() >= 0 else None


def _appended(values: pd.Index, label) -> np.ndarray:
    """The labels as Python objects with ``label`` last (as ``[*values, label]``)."""
    out = np.empty(len(values) + 1, dtype=object)
    out[:-1] = values.to_numpy(dtype=object)
    out[-1] = label
    return out


def _append_label(index: pd.Index, label: str) -> pd.Index:
    """``index`` with ``label`` appended, its type inferred from the labels as
    ``pd.Index([*index, label])`` would (one array, no loop over the labels)."""
    if isinstance(index, pd.MultiIndex):
        full = (label,) + ("",) * (index.nlevels - 1)
        arrays = [_appended(index.get_level_values(k), full[k]) for k in range(index.nlevels)]
        return pd.MultiIndex.from_arrays(arrays, names=index.names)
    if isinstance(label, str) and index.dtype == _TEXT:
        return index.append(pd.Index([label], dtype=index.dtype)).rename(index.name)  # text
    return pd.Index(_appended(index, label), name=index.name)


def _with_margins(raw: np.ndarray) -> np.ndarray:
    return with_margins(raw)


def _cell_names(cells, index: pd.Index, columns: pd.Index, n_cols: int) -> list[str]:
    names = []
    for cell in cells:
        i, j = divmod(int(cell), n_cols)
        names.append(f"row {index[i]!r}, column {columns[j]!r}")
    return names


def _warn_unprotected(names: list[str], margins: bool) -> None:
    shown = "; ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    hint = ("merge small categories, or publish the totals rounded and suppressed "
            "(margins=True)" if not margins else "merge small categories")
    warnings.warn(
        f"small-count suppression cannot protect {shown}: whatever else is suppressed, "
        "the published zeros and totals narrow it below the suppressed range (or pin it "
        f"to one value); publish() refuses such a table: {hint}",
        UserWarning,
        stacklevel=3,
    )


def _labels(table: pd.DataFrame, margins: bool, margins_name: str):
    """Row and column labels of the grid (totals last), checking for a name clash."""
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
    return _append_label(index, margins_name), _append_label(columns, margins_name)


def _suppress_table(table, *, low, high, base, secondary, margins, margins_name):
    """Shared core of the cross-tab functions: the grid with its cells' status.

    Returns the grid of unrounded counts with totals last, the primary and secondary
    masks, the grid's labels and the cells that could not be protected.
    """
    _check_settings(low, high, base)
    raw = _count_matrix(table, "small-count suppression")
    index, columns = _labels(table, margins, margins_name)
    rule = Rule(low, high, base)
    values = with_margins(raw)
    primary = small_counts(values, rule)
    if not margins:
        primary[-1, :] = primary[:, -1] = False
    if not (secondary and rule.suppresses):  # primary suppression only: nothing to choose
        return values, primary, np.zeros_like(primary), index, columns, []
    grid = holder_grid(values, primary, rule, margins=margins, index=index, columns=columns)
    failed = protect_grid(grid, rule)
    if failed:
        _warn_unprotected(_cell_names(failed, index, columns, values.shape[1]), margins)
    return values, grid.status == PRIMARY, grid.status == SECONDARY, index, columns, failed


def _trim(values: np.ndarray, margins: bool) -> np.ndarray:
    return values if margins else values[:-1, :-1]


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
    (``secondary=True``): further cells are withheld until the table passes
    :func:`~wellbeing_lib.privacy.audit` — given everything published (the rounded
    cells, the zeros, the totals and the rule itself), no small count can be narrowed
    below the suppressed range and no withheld cell can be recovered exactly.  The cells
    added are the cheapest cycles through each small count that still lacks room (cost =
    the counts newly hidden, so totals and large counts are kept where possible); the
    rounding of the published cells already gives most small counts room, so far fewer
    cells are withheld than by a rule on rows and columns.

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
        exactly when ``margins=False``, because they are usually published elsewhere
        (number of participants per area, per outcome).  If they truly are not
        known, pass ``secondary=False``.  A small count that cannot be protected
        whatever is withheld (e.g. the only non-zero cell of a row whose total is
        known) is named in a ``UserWarning``; :func:`~wellbeing_lib.privacy.publish`
        refuses such a table.
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
    The rule follows NHS Digital's HES/ECDS disclosure control (since 2018); the
    protection and the way secondary cells are chosen are those of
    :func:`~wellbeing_lib.privacy.audit` (cell suppression with a network-flow
    heuristic: Kelly, Golden & Assad 1992; Hundepool et al. 2012, ch. 4).  Tables
    published from the same data go through :func:`suppress_linked` together.

    Example
    -------
    Column b's two small counts are withheld.  With the totals known, the rounded
    cells would still pin x's b to 1-6 (x's total 53 less a and c, which round to 20
    and 30, and y's c, which rounds to 35): y's c is withheld too.

    >>> import pandas as pd
    >>> counts = pd.DataFrame({"a": [20, 25], "b": [3, 5], "c": [30, 36]},
    ...                       index=["x", "y"])
    >>> suppress_small_counts(counts)
        a     b     c
    x  20  <NA>    30
    y  25  <NA>  <NA>
    """
    values, primary, second, index, columns, _ = _suppress_table(
        table, low=low, high=high, base=base, secondary=secondary,
        margins=margins, margins_name=margins_name,
    )
    return _published(values, primary | second, index, columns, margins, base)


def _published(values, hidden, index, columns, margins: bool, base: int) -> pd.DataFrame:
    values, hidden = _trim(values, margins), _trim(hidden, margins)
    if not margins:
        index, columns = index[:-1], columns[:-1]
    out = pd.DataFrame(round_counts(values, base), index=index, columns=columns)
    return out.astype("Int64").mask(hidden)


def suppress_linked(
    tables: list,
    *,
    low: int = SUPPRESS_LOW,
    high: int = SUPPRESS_HIGH,
    base: int = ROUND_BASE,
    margins: bool = True,
    margins_name: str = "Total",
) -> list:
    """Suppress several cross-tabs of the same data together, so that none gives away
    what another hides.

    Two tables of the same clients (say by practice and by age band, each with the
    outcome as columns) share their grand total and their outcome totals: a total
    withheld in one but published in the other is not withheld at all, and the totals
    one table publishes narrow the cells the other hides.  The tables become one model
    (every shared total is one value) and secondary cells are chosen for all of them at
    once by linear programming (HiGHS), until every small count of every table passes
    :func:`~wellbeing_lib.privacy.audit` of the tables together.

    Parameters
    ----------
    tables : list of DataFrame
        Cross-tabs of counts, as for :func:`suppress_small_counts`, from the same data
        (the same grand total).  Totals are linked where two tables have a category
        with the same label and the same total.
    low, high, base, margins, margins_name
        As for :func:`suppress_small_counts`; with ``margins=False`` the totals are
        taken as known exactly (so only the grand total and shared categories link the
        tables through their exact values).

    Returns
    -------
    list of DataFrame
        One suppressed table per input, as :func:`suppress_small_counts` returns.

    Raises
    ------
    InvalidValueError
        A table is not a table of counts, or the grand totals differ.

    Example
    -------
    >>> import pandas as pd
    >>> by_practice = pd.DataFrame({"improved": [40, 3], "same": [25, 12]},
    ...                            index=["P1", "P2"])
    >>> by_age = pd.DataFrame({"improved": [30, 13], "same": [17, 20]},
    ...                       index=["<65", "65+"])
    >>> first, second = suppress_linked([by_practice, by_age])
    >>> first
           improved  same  Total
    P1           40    25     65
    P2         <NA>    10     15
    Total        45    35     80
    """
    _check_settings(low, high, base)
    rule = Rule(low, high, base)
    if isinstance(tables, pd.DataFrame) or not len(tables):
        raise InvalidValueError("suppress_linked needs a list of tables",
                                expected="[table_1, table_2, ...]")
    grids = []
    for table in tables:
        raw = _count_matrix(table, "small-count suppression")
        index, columns = _labels(table, margins, margins_name)
        values = with_margins(raw)
        primary = small_counts(values, rule)
        if not margins:
            primary[-1, :] = primary[:, -1] = False
        grids.append(holder_grid(values, primary, rule, margins=margins, index=index,
                                 columns=columns))
    links = margin_links(grids)
    failed = protect_linked(grids, links, rule) if rule.suppresses else []
    if failed:
        _warn_unprotected([f"table {g + 1}, " + _cell_names(
            [cell], grids[g].index, grids[g].columns, grids[g].shape[1])[0]
            for g, cell in failed], margins)
    out = []
    for grid in grids:
        hidden = (grid.status == PRIMARY) | (grid.status == SECONDARY)
        out.append(_published(grid.value, hidden, grid.index, grid.columns, margins, base))
    return out


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
    >>> suppression_flags(counts).loc["y"].tolist()
    ['', 'primary', 'secondary']
    """
    _, primary, second, index, columns, _ = _suppress_table(
        table, low=low, high=high, base=base, secondary=secondary,
        margins=margins, margins_name=margins_name,
    )
    if not margins:
        primary, second = _trim(primary, False), _trim(second, False)
        index, columns = index[:-1], columns[:-1]
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
    """Percentages of a count cross-tab, from the counts as published.

    Each percentage is ``100 × n / total`` with both the count and its total as they are
    published: rounded, with the same suppression as :func:`suppress_small_counts` (same
    settings).  A percentage is withheld wherever its count is withheld, and wherever
    its total is withheld, is itself a small count (a percentage of 1–7 people
    discloses as much as the count) or is 0.

    Computed from the published counts, a percentage tells nothing the counts beside it
    do not: computed from the unrounded counts, a percentage shown to one decimal place
    gives back the unrounded count of every published cell, which undoes the rounding.
    This follows NHS Digital's disclosure control methodology for HES and ECDS (2018;
    adopted for SRHAD and the National Child Measurement Programme in 2020), which
    calculates percentages from the rounded numerator and denominator; they can differ
    from the unrounded percentages by several points when totals are small, so say so
    beside the table.

    Parameters
    ----------
    counts : DataFrame
        Wide cross-tab of counts, as for :func:`suppress_small_counts`.
    normalize : {"index", "columns", "all"}, default "index"
        As in ``pandas.crosstab``: ``"index"`` = row percentages (of the row total),
        ``"columns"`` = column percentages, ``"all"`` = percent of the grand total.
    decimals : int or None, default 1
        Round the percentages; None keeps full precision.
    low, high, base, secondary, margins, margins_name
        As for :func:`suppress_small_counts`.  Without margins the totals are the row,
        column and grand totals, rounded as they would be published.

    Returns
    -------
    DataFrame
        Nullable ``Float64`` percentages, ``<NA>`` where withheld.

    Example
    -------
    >>> import pandas as pd
    >>> counts = pd.DataFrame({"a": [21, 24], "b": [3, 5], "c": [31, 36]},
    ...                       index=["x", "y"])
    >>> suppress_small_counts(counts)
        a     b   c
    x  20  <NA>  30
    y  25  <NA>  35
    >>> suppressed_percentages(counts)  # of the totals 55 and 65, as they are published
          a     b     c
    x  36.4  <NA>  54.5
    y  38.5  <NA>  53.8
    """
    if normalize not in ("index", "columns", "all"):
        raise InvalidValueError(
            f"invalid normalize={normalize!r}", expected="'index', 'columns' or 'all'"
        )
    values, primary, second, index, columns, _ = _suppress_table(
        counts, low=low, high=high, base=base, secondary=secondary,
        margins=margins, margins_name=margins_name,
    )
    hidden = primary | second | small_counts(values, Rule(low, high, base))
    shown = np.where(hidden, np.nan, round_counts(values, base).astype(float))
    if normalize == "index":
        denom = np.broadcast_to(shown[:, -1:], shown.shape)
    elif normalize == "columns":
        denom = np.broadcast_to(shown[-1:, :], shown.shape)
    else:
        denom = np.full(shown.shape, shown[-1, -1])
    ok = np.isfinite(shown) & np.isfinite(denom) & (np.nan_to_num(denom) > 0)
    pct = np.divide(100.0 * np.nan_to_num(shown), denom, out=np.full(shown.shape, np.nan),
                    where=ok)
    if decimals is not None:
        pct = np.round(pct, decimals)
    if not margins:
        pct, index, columns = pct[:-1, :-1], index[:-1], columns[:-1]
    return pd.DataFrame(pct, index=index, columns=columns).astype("Float64")


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
    _not_counted(data, "small-count suppression")
    require_columns(data, counts + derived, what="small-count suppression")
    raw = _count_matrix(data[counts], "small-count suppression")
    primary = (raw >= low) & (raw <= high)
    return counts, derived, raw, primary
