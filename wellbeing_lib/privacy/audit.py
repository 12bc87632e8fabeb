"""Audit of published tables: can anything hidden be worked out from what is shown?

:func:`audit` computes, for every withheld cell of a published cross-tab (or of several
cross-tabs published from the same data), the smallest and largest value it can take
given everything published, and says whether that interval is wide enough.

The intruder's model (Dobra & Fienberg 2000; Hundepool et al. 2012, *Statistical
Disclosure Control*, Wiley, ch. 4): the table's lines add up to their totals; a
published count ``v`` is one of the counts that round to ``v`` and that the rule does
not withhold (a published 0 is exactly 0 under the default rule); a withheld small count
is in ``[low, high]`` and any other withheld cell is above ``high`` (the intruder is
assumed to know which withheld cells are small: the strictest reading, used whenever the
unrounded counts are given); totals not printed in the table are known exactly
(published elsewhere).  Every cell's interval is then a linear program; for one table it
is solved as a maximum flow (the table is a network, so the interval is also the one
over whole-number tables), for linked tables by integer programming with HiGHS
(:func:`scipy.optimize.milp`).

The protection rule (the "protection interval" of tau-Argus and sdcTable, set so that
an intruder learns nothing the rule does not already say): a small count's interval must
contain ``[low, high]``, or as much of it as the suppression pattern alone leaves
possible (which cells are zero, small or not, and the totals known exactly: in a row
whose total is itself a small count of two cells, neither can be above ``high - low``),
and that much must be more than one value; any other withheld cell must not be
recoverable exactly.  Percentages published beside the counts are a separate channel:
compute them from the published counts (:func:`~wellbeing_lib.privacy.suppressed_percentages`)
and :func:`~wellbeing_lib.privacy.publish` checks they were.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InvalidValueError
from ..validation import source_of
from ._protect import grid_intervals, linked_intervals, meets
from ._tables import (
    FIXED,
    FREE,
    HIDDEN,
    PRIMARY,
    PUBLISHED,
    SECONDARY,
    SHOWN_SMALL,
    STATUS_NAMES,
    Grid,
    Rule,
    margin_links,
    reveals_small,
    small_counts,
    with_margins,
)
from .suppression import (
    ROUND_BASE,
    SUPPRESS_HIGH,
    SUPPRESS_LOW,
    _append_label,
    _check_settings,
    _count_matrix,
    round_counts,
)

__all__ = ["audit", "AUDIT_COLUMNS"]

#: columns of the table :func:`audit` returns
AUDIT_COLUMNS = ["table", "row", "column", "status", "feasible_low", "feasible_high",
                 "required_low", "required_high", "protected"]


def _has_margins(table: pd.DataFrame, margins_name: str) -> bool:
    def last(labels: pd.Index):
        if not len(labels):
            return None
        value = labels[-1]
        return value[0] if isinstance(value, tuple) else value

    return last(table.index) == margins_name and last(table.columns) == margins_name


def _shown_values(table: pd.DataFrame) -> np.ndarray:
    """Published values as floats, NaN where withheld (a marker such as "*" or missing)."""
    if not isinstance(table, pd.DataFrame):
        raise InvalidValueError("audit needs a published table", expected="a DataFrame",
                                found=[type(table).__name__])
    columns = [pd.to_numeric(table.iloc[:, k].astype(object).where(table.iloc[:, k].notna()),
                             errors="coerce") for k in range(table.shape[1])]
    shown = np.column_stack([c.to_numpy(dtype=float) for c in columns]) if columns else \
        np.empty((len(table), 0))
    bad = np.isfinite(shown) & ((shown < 0) | (shown != np.round(shown)))
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise InvalidValueError("published count is not a whole number of at least 0",
                                file=source_of(table), column=str(table.columns[j]),
                                rows=[table.index[i]], found=[shown[i, j]])
    return shown


def _grid(published: pd.DataFrame, counts, rule: Rule, margins_name: str) -> Grid:
    """One published table (with its unrounded counts, if given) as an audit grid."""
    shown = _shown_values(published)
    margins = _has_margins(published, margins_name)
    if margins:
        index, columns = published.index, published.columns
    else:
        index = _append_label(published.index, margins_name)
        columns = _append_label(published.columns, margins_name)
        grid_shown = np.full((shown.shape[0] + 1, shown.shape[1] + 1), np.nan)
        grid_shown[:-1, :-1] = shown
        shown = grid_shown
    hidden = np.isnan(shown)
    if counts is None:  # what an intruder sees
        status = np.where(hidden, HIDDEN, PUBLISHED).astype(np.int8)
        status[~hidden & reveals_small(shown, rule)] = SHOWN_SMALL
        if not margins:
            status[-1, :] = status[:, -1] = FREE
        return Grid(shown=shown, value=None, status=status, index=index, columns=columns,
                    margins=margins)
    raw = _count_matrix(counts, "audit")
    inner = (slice(0, -1), slice(0, -1))
    if raw.shape != shown[inner].shape:
        raise InvalidValueError(
            "the counts do not have the published table's shape", file=source_of(counts),
            expected=f"{shown[inner].shape[0]} rows and {shown[inner].shape[1]} columns "
            "(the published table without its totals)", found=[f"{raw.shape}"])
    value = with_margins(raw)
    if not margins:
        shown[-1, :], shown[:, -1] = value[-1, :], value[:, -1]
        hidden[-1, :] = hidden[:, -1] = False
    consistent = hidden | (shown == value) | (shown == round_counts(value, rule.base))
    if not consistent.all():
        i, j = np.argwhere(~consistent)[0]
        raise InvalidValueError(
            "the published table does not come from these counts",
            column=str(columns[j]), rows=[index[i]],
            expected=f"the count or the count rounded to {rule.base}",
            found=[f"published {shown[i, j]:g}, count {value[i, j]}"])
    if (hidden & (value == 0) & (rule.low >= 1)).any():
        i, j = np.argwhere(hidden & (value == 0))[0]
        raise InvalidValueError(
            "a zero is withheld", column=str(columns[j]), rows=[index[i]],
            expected="zeros published as 0 (the rule withholds counts of "
            f"{rule.low} to {rule.high})")
    small = small_counts(value, rule)
    status = np.where(hidden, np.where(small, PRIMARY, SECONDARY),
                      np.where(small, SHOWN_SMALL, PUBLISHED)).astype(np.int8)
    if not margins:
        status[-1, :] = status[:, -1] = FIXED
    return Grid(shown=shown, value=value, status=status, index=index, columns=columns,
                margins=margins)


def _rows(k: int, grid: Grid, found, rule: Rule) -> pd.DataFrame:
    cells, low, high, req_low, req_high = found
    status = grid.status.ravel()[cells]
    ok = meets(status, low, high, req_low, req_high, rule)
    small = np.isin(status, (PRIMARY, HIDDEN, SHOWN_SMALL)) & \
        ~((status == HIDDEN) & (low > rule.high))
    i, j = np.divmod(cells, grid.shape[1])
    return pd.DataFrame({
        "table": np.full(cells.size, k, dtype=np.int64),
        "row": pd.Series(list(grid.index[i]), dtype=object),
        "column": pd.Series(list(grid.columns[j]), dtype=object),
        "status": pd.Series([STATUS_NAMES[s] for s in status], dtype="str"),
        "feasible_low": low.astype(float),
        "feasible_high": high.astype(float),
        "required_low": np.where(small, req_low, np.nan).astype(float),
        "required_high": np.where(small, req_high, np.nan).astype(float),
        "protected": ok.astype(bool),
    })


def audit(
    published,
    *,
    counts=None,
    low: int = SUPPRESS_LOW,
    high: int = SUPPRESS_HIGH,
    base: int = ROUND_BASE,
    margins_name: str = "Total",
) -> pd.DataFrame:
    """Every withheld cell's feasible interval, given everything published, and whether
    it is protected.

    Parameters
    ----------
    published : DataFrame or list of DataFrame
        A published cross-tab as :func:`~wellbeing_lib.privacy.suppress_small_counts`
        or :func:`~wellbeing_lib.privacy.publish` return it: counts, with withheld cells
        missing or shown as a marker (``"*"``, ``"[c]"``...).  If its last row and last
        column are called ``margins_name`` they are its totals.  A list: tables
        published from the same data, audited together (their grand totals, and totals
        of categories with the same label, are one value).
    counts : DataFrame or list of DataFrame, optional
        The unrounded counts the table was made from (without totals), for the data
        holder's audit: the intruder is then assumed to know which withheld cells are
        small, and the totals of a table published without them are known exactly.
        Without ``counts`` the audit sees only what is published: withheld cells are at
        least 1 and totals not printed are unknown.
    low, high, base : int
        The rule the table was published with (default: 1-7 withheld, rounded to 5).
    margins_name : str, default "Total"

    Returns
    -------
    DataFrame
        One row per withheld cell (and per small count published all the same):
        ``table`` (0 for the first), ``row``, ``column``, ``status`` ("primary",
        "secondary", "suppressed" when the counts are not given, "published small
        count"), ``feasible_low``, ``feasible_high`` (inf if unbounded),
        ``required_low``, ``required_high`` (the protection interval of a small count;
        missing for other cells) and ``protected``.  The table shows only what can be
        worked out from the publication, so it may be shared with whoever checks it.

    Raises
    ------
    InvalidValueError
        A published value is not a whole number, the counts do not match the table, or
        no table of whole numbers is consistent with what is published.

    Example
    -------
    Two withheld cells in a column whose known total is 2: both must be 1, because
    zeros are published as 0.

    >>> import pandas as pd
    >>> published = pd.DataFrame({"a": [None, None, 30], "b": [None, None, 0]},
    ...                          index=["x", "y", "z"], dtype="Int64")
    >>> counts = pd.DataFrame({"a": [20, 21, 30], "b": [1, 1, 0]}, index=["x", "y", "z"])
    >>> audit(published, counts=counts)[["row", "column", "status", "feasible_low",
    ...                                  "feasible_high", "protected"]]
      row column     status  feasible_low  feasible_high  protected
    0   x      a  secondary          20.0           20.0      False
    1   x      b    primary           1.0            1.0      False
    2   y      a  secondary          21.0           21.0      False
    3   y      b    primary           1.0            1.0      False
    """
    _check_settings(low, high, base)
    rule = Rule(low, high, base)
    tables = [published] if isinstance(published, pd.DataFrame) else list(published)
    if counts is None:
        raw = [None] * len(tables)
    else:
        raw = [counts] if isinstance(counts, pd.DataFrame) else list(counts)
        if len(raw) != len(tables):
            raise InvalidValueError("one table of counts is needed per published table",
                                    expected=f"{len(tables)} tables of counts",
                                    found=[f"{len(raw)} given"])
    if not tables:
        raise InvalidValueError("nothing to audit", expected="a published table")
    grids = [_grid(t, c, rule, margins_name) for t, c in zip(tables, raw)]
    if len(grids) == 1:
        found = [grid_intervals(grids[0], rule)]
    else:
        found = linked_intervals(grids, margin_links(grids), rule, integer=True)
    parts = [_rows(k, g, f, rule) for k, (g, f) in enumerate(zip(grids, found))]
    return pd.concat(parts, ignore_index=True)[AUDIT_COLUMNS]
