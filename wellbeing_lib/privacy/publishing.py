"""The publishing gate: every table that leaves the library for a report goes through
:func:`publish`, which suppresses, audits and refuses what would disclose.

Two kinds of table:

* a **cross-tab** of counts (every column a count, categories in the index and columns):
  suppressed with :func:`~wellbeing_lib.privacy.suppress_small_counts` and audited with
  the data holder's audit (:func:`~wellbeing_lib.privacy.audit`); a cross-tab already
  suppressed elsewhere (withheld cells missing) is audited as an intruder sees it;
* a **tidy** summary (one row per group): its count columns (``n``, ``N``, ``n_<what>``
  or those named in ``counts=``) are suppressed row by row and everything derived from
  them (percentages, means, intervals) is withheld with them; a subgroup table whose
  groups add up to a total row is audited block by block (``within=``), each block as a
  cross-tab with that row as its total.

Rates beside the counts (``percent``, ``pct``, ``proportion`` next to ``n`` and ``N``,
``pct_<what>`` next to ``n_<what>``) must be the rate of the *published* counts, to the
precision shown (NHS Digital's disclosure control for HES/ECDS, 2018: percentages from
the rounded numerator and denominator): one computed from the unrounded counts gives
them back and undoes the rounding, so such a table is refused.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from ..errors import DisclosureError, InvalidValueError
from ..validation import require_columns, source_of
from ._protect import unprotected_cells
from ._tables import FREE, HIDDEN, PUBLISHED, SHOWN_SMALL, STATUS_NAMES, Grid, Rule, reveals_small
from .audit import _grid, audit
from .counting import _not_counted
from .suppression import (
    MARKER,
    ROUND_BASE,
    SUPPRESS_HIGH,
    SUPPRESS_LOW,
    _check_settings,
    _count_matrix,
    _suppress_table,
    round_counts,
    suppress_linked,
)

__all__ = ["publish", "publish_linked", "is_count_column", "RATE_SCALES",
           "NOT_PERSON_COUNTS"]

#: names of count columns that are not counts of people (no disclosure control needed:
#: NHS Digital's rule applies to values relating to individuals, not to e.g. providers)
NOT_PERSON_COUNTS = frozenset({
    "n_questions", "n_answered", "n_with_groups", "n_organisations", "n_excluded",
    "n_strong", "n_weak", "n_elements", "n_due", "n_finished", "n_on_time", "n_late",
    "n_overdue", "n_outcomes", "n_groups", "n_coders", "n_codes", "n_themes", "n_items",
    "n_measures", "n_units", "n_draws", "n_iterations", "n_trimmed",
    "n_resamples", "n_boot", "n_categories", "n_areas",
    "n_points",  # points of a control chart (months), not people
})
#: other names of columns holding counts of people
_PERSON_COUNT_NAMES = frozenset({"count", "people", "clients", "respondents", "responses",
                                 "members", "participants", "n_clients", "n_people"})
#: rate columns: prefix -> scale (100 for a percentage, 1 for a proportion)
RATE_SCALES = {"percent": 100.0, "pct": 100.0, "proportion": 1.0}
_RATE = re.compile(r"^(percent|pct|proportion)(?:_(.+))?$")


def is_count_column(name) -> bool:
    """Is ``name`` the name of a column of counts of people (``n``, ``N``, ``n_<what>``...)?

    Example
    -------
    >>> [is_count_column(c) for c in ["n", "N", "n_strength", "n_questions", "mean"]]
    [True, True, True, False, False]
    """
    if not isinstance(name, str):
        return False
    if name in NOT_PERSON_COUNTS:
        return False
    return name in ("n", "N") or name.startswith("n_") or name in _PERSON_COUNT_NAMES


def _rate_pairs(columns, counts: list) -> dict:
    """Rate columns found by name: ``{rate: (numerator, denominator)}``."""
    pairs = {}
    for col in columns:
        match = _RATE.match(str(col)) if isinstance(col, str) else None
        if not match:
            continue
        numerator = "n" if match.group(2) is None else f"n_{match.group(2)}"
        if numerator in counts and "N" in counts:
            pairs[col] = (numerator, "N")
    return pairs


def _interval_columns(rate: str, columns) -> list:
    """The interval that goes with a rate, by name: ``ci_low``/``ci_high`` beside a single
    ``percent``, ``<what>_ci_low``/``<what>_ci_high`` beside ``pct_<what>``."""
    match = _RATE.match(rate)
    stem = "" if match is None or match.group(2) is None else f"{match.group(2)}_"
    return [c for c in (f"{stem}ci_low", f"{stem}ci_high") if c in columns]


def _decimals(values: np.ndarray) -> np.ndarray:
    """How many decimal places each value shows (12 for values not rounded at all)."""
    out = np.full(values.shape, 12)
    for d in range(11, -1, -1):
        shown = np.isclose(np.round(values, d), values, rtol=0, atol=1e-12)
        out = np.where(shown, d, out)
    return out


def _check_rates(table: pd.DataFrame, out: pd.DataFrame, rates: Mapping) -> None:
    """Refuse rates that are not the rate of the published counts, to the precision shown."""
    for col, spec in rates.items():
        num, den = spec[0], spec[1]
        require_columns(table, [col, num, den], what="publish (rates)")
        if len(spec) > 2:
            scale = float(spec[2])
        else:
            match = _RATE.match(str(col))
            scale = RATE_SCALES[match.group(1)] if match else 100.0
        rate = pd.to_numeric(out[col], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        n = out[num].to_numpy(dtype=float, na_value=np.nan)
        d = out[den].to_numpy(dtype=float, na_value=np.nan)
        with np.errstate(divide="ignore", invalid="ignore"):
            expected = np.where(d > 0, scale * n / d, np.nan)
        shown = np.isfinite(rate)
        tolerance = 0.5 * 10.0 ** -_decimals(np.nan_to_num(rate)) + 1e-9
        wrong = shown & ~(np.abs(rate - expected) <= tolerance)
        if wrong.any():
            rows = list(table.index[wrong])
            raise DisclosureError(
                f"the rate {col!r} is not the rate of the published counts "
                f"{num!r} / {den!r}: computed from the unrounded counts it gives them back",
                file=source_of(table), column=str(col), rows=rows,
                expected=f"{scale:g} × {num} / {den} with both as published (rounded), "
                "or the rate withheld",
                found=[f"{rate[k]:g} beside {n[k]:g} / {d[k]:g}" for k in np.flatnonzero(wrong)],
            )


def _tidy(table: pd.DataFrame, counts, derived, rates, rule: Rule):
    """Suppress a tidy table's counts row by row (withheld values may already be missing)."""
    counts = [c for c in table.columns if is_count_column(c)] if counts is None else \
        ([counts] if isinstance(counts, str) else list(counts))
    require_columns(table, counts, what="publish")
    if derived is None:
        derived = [c for c in table.columns if c not in counts and
                   pd.api.types.is_numeric_dtype(table[c]) and
                   not pd.api.types.is_bool_dtype(table[c])]
    else:
        derived = [derived] if isinstance(derived, str) else list(derived)
        require_columns(table, derived, what="publish")
    out = table.copy()
    withheld = np.zeros(len(table), dtype=bool)
    for col in counts:
        values = pd.to_numeric(table[col], errors="coerce")
        missing = values.isna().to_numpy()
        bad = (table[col].notna().to_numpy() & missing) | \
            (~missing & ((values < 0) | (values != values.round())).to_numpy(dtype=bool,
                                                                          na_value=False))
        if bad.any():
            raise InvalidValueError(
                "not a count", file=source_of(table), column=str(col),
                rows=list(table.index[bad]), expected="whole numbers of at least 0, or "
                "missing where already withheld", found=list(table[col][bad].iloc[:5]))
        whole = values.fillna(0).to_numpy(dtype=np.int64)
        small = ~missing & (whole >= rule.low) & (whole <= rule.high) if rule.suppresses \
            else np.zeros(len(table), dtype=bool)
        hidden = missing | small
        rounded = pd.Series(round_counts(whole, rule.base), index=table.index, dtype="Int64")
        out[col] = rounded.mask(hidden)
        withheld |= hidden
    pairs = _rate_pairs(table.columns, counts)
    pairs.update(rates or {})
    pairs = {k: v for k, v in pairs.items() if k in out.columns}
    own = {}  # a rate and its interval depend on the rate's two counts only
    for rate, (num, den, *_) in pairs.items():
        for col in [rate, *_interval_columns(str(rate), table.columns)]:
            own[col] = (out[num].isna() | out[den].isna()).to_numpy()
    for col in derived:
        out[col] = out[col].mask(own.get(col, withheld))
    _check_rates(table, out, pairs)
    return out, counts + [c for c in derived if c not in counts]


def _audit_blocks(table: pd.DataFrame, out: pd.DataFrame, within: str, total, rule: Rule):
    """Audit the blocks of a tidy table whose rows add up to a total row (``n`` of ``N``).

    Each block (the rows with one value of ``within``) is the cross-tab categories x
    {n, N - n} with the ``total`` row as its totals: what an intruder gets from the
    published n and N of the block and of the total.  Refuses what the audit flags.
    """
    require_columns(table, [within, "n", "N"], what="publish (within)")
    is_total = (table[within] == total).to_numpy()
    if is_total.sum() != 1:
        raise InvalidValueError(
            f"publish(within={within!r}) needs one total row", column=within,
            expected=f"exactly one row with {within} = {total!r}",
            found=[f"{int(is_total.sum())} such rows"])
    last = np.flatnonzero(is_total)[0]
    for name, block in out[~is_total].groupby(within, sort=False):
        rows = [*block.index, out.index[last]]
        shown = np.full((len(rows), 3), np.nan)
        shown[:, 0] = out.loc[rows, "n"].to_numpy(dtype=float, na_value=np.nan)
        shown[:, 2] = out.loc[rows, "N"].to_numpy(dtype=float, na_value=np.nan)
        status = np.where(np.isnan(shown), HIDDEN, PUBLISHED).astype(np.int8)
        status[:, 1] = FREE  # N - n is not published (it follows from n and N)
        status[(status == PUBLISHED) & reveals_small(shown, rule)] = SHOWN_SMALL
        grid = Grid(shown=shown, value=None, status=status, index=pd.Index(rows),
                    columns=pd.Index(["n", "N - n", "N"]), margins=True)
        bad = unprotected_cells(grid, rule)
        if bad:
            i, j = np.divmod(np.asarray(bad), 3)
            raise DisclosureError(
                f"publishing this table would disclose small counts: the rows of {within} "
                f"{name!r} add up to the {total!r} row, and with its published counts they "
                "narrow a withheld count below the suppressed range",
                file=source_of(table), column=[grid.columns[k] for k in sorted(set(j))],
                rows=[grid.index[k] for k in i],
                expected="merge small categories, or withhold more of the block")


def _numbers_only(values: pd.Series, marker: str) -> bool:
    """A column of numbers (withheld cells missing or shown as ``marker``)?"""
    if pd.api.types.is_bool_dtype(values):
        return False
    if pd.api.types.is_numeric_dtype(values):
        return True
    if pd.api.types.is_string_dtype(values) and values.dtype != object:  # text only
        return bool((values.isna() | (values == marker)).all())
    kind = pd.api.types.infer_dtype(values[values.notna() & (values != marker)], skipna=True)
    if kind in ("integer", "floating", "mixed-integer-float", "empty"):
        return True  # numbers (or nothing) besides the markers: not bool, not text
    if kind in ("string", "boolean", "mixed-integer", "bytes", "decimal"):
        return False
    return bool(values.map(lambda v: pd.isna(v) or (isinstance(v, str) and v == marker) or
                           (isinstance(v, int | float | np.number) and
                            not isinstance(v, bool))).all())


def _mark(table: pd.DataFrame, columns: Iterable, marker: str) -> pd.DataFrame:
    """Withheld cells of ``columns`` as ``marker``; a column with none keeps its dtype."""
    out = table.copy()
    for col in columns:
        values = out[col]
        if not values.isna().any():
            continue
        if isinstance(values.dtype, pd.Int64Dtype) or values.dtype == np.float64:
            # the same Python ints and floats as astype(object), in one pass
            out[col] = pd.Series(values.to_numpy(dtype=object, na_value=marker),
                                 index=values.index, name=values.name, dtype=object)
        else:
            out[col] = values.astype(object).where(values.notna(), marker)
    return out


def _refuse(grid, cells: list, table) -> None:
    i, j = np.divmod(np.asarray(cells), grid.shape[1])
    status = grid.status.ravel()[cells]
    found = [f"row {grid.index[a]!r}, column {grid.columns[b]!r} "
             f"({STATUS_NAMES.get(s, 'withheld')})" for a, b, s in zip(i, j, status)]
    raise DisclosureError(
        "publishing this table would disclose small counts: given the published cells, "
        "zeros and totals, these withheld cells can be narrowed below the suppressed range "
        "or recovered exactly", file=source_of(table),
        expected=f"every withheld cell protected (privacy.audit shows the intervals); "
        f"merge small categories{'' if grid.margins else ' or publish with margins=True'}",
        found=found)


def _crosstab(table, rule: Rule, margins: bool, margins_name: str, secondary: bool):
    """Suppress (when given the unrounded counts) and audit a cross-tab; the published frame."""
    numbers = table.apply(pd.to_numeric, errors="coerce")
    if numbers.isna().to_numpy().any():  # already suppressed: audit what an intruder sees
        if margins:
            raise InvalidValueError(
                "this table is already suppressed (it has missing cells)", file=source_of(table),
                expected="the unrounded counts with margins=True, or margins=False for a "
                "table that already has its totals")
        grid = _grid(table, None, rule, margins_name)
        bad = unprotected_cells(grid, rule)
        if bad:
            _refuse(grid, bad, table)
        return numbers.astype("Int64")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # refused below, with the cells named
        values, primary, second, index, columns, failed = _suppress_table(
            table, low=rule.low, high=rule.high, base=rule.base, secondary=secondary,
            margins=margins, margins_name=margins_name)
    published = pd.DataFrame(round_counts(values, rule.base), index=index, columns=columns)
    published = published.astype("Int64").mask(primary | second)
    if not margins:
        published = published.iloc[:-1, :-1]
    grid = _grid(published, table, rule, margins_name)
    bad = unprotected_cells(grid, rule)
    if bad:
        _refuse(grid, bad, table)
    return published


def publish(
    table,
    *,
    counts=None,
    derived=None,
    rates: Mapping | None = None,
    margins: bool = False,
    margins_name: str = "Total",
    low: int = SUPPRESS_LOW,
    high: int = SUPPRESS_HIGH,
    base: int = ROUND_BASE,
    secondary: bool = True,
    within: str | None = None,
    total="all",
    marker: str = MARKER,
    columns: Iterable | None = None,
):
    """The one gate for a published table: suppress, audit, refuse, mark withheld cells.

    Parameters
    ----------
    table : DataFrame or Series
        A cross-tab of counts (every column a count: unrounded, or already suppressed
        with withheld cells missing), or a tidy summary with count columns.
    counts : list of str, optional
        Count columns of a tidy table.  Default: columns named like counts of people
        (:func:`is_count_column`: ``n``, ``N``, ``n_<what>``, ``responses``...).  When
        no column is named like that and every column is numeric, the table is a
        cross-tab.
    derived : list of str, optional
        Columns of a tidy table computed from its counts, withheld in every row with a
        withheld count - except a rate and its interval (found by name, as below, or in
        ``rates``), withheld only where one of the rate's own two counts is.  Default:
        every other numeric column.
    rates : dict, optional
        ``{rate column: (numerator, denominator)}`` or ``(numerator, denominator,
        scale)`` checked against the published counts, in addition to those found by
        name (``percent``/``pct``/``proportion`` with ``n`` and ``N``, ``pct_<what>``
        with ``n_<what>``).  The scale is 1 for a column named ``proportion...``, else 100
        unless given.
    margins, margins_name, secondary : as for :func:`suppress_small_counts` (cross-tabs).
    within, total : str, optional
        For a tidy table of ``n`` of ``N`` whose groups add up to a total row (a subgroup
        table: practices, then age bands... each adding up to "all clients"): the column
        naming each block of groups, and its value on the total row.  Each block is then
        audited as a cross-tab with that row as its totals, so that a withheld ``n`` cannot
        be worked out as the total less the others.
    low, high, base : int
        The rule: counts of 1-7 withheld, others rounded to 5 (NHS Digital) by default.
    marker : str, default "*"
        NHS Digital's convention; some publications use ``"[c]"`` or ``"-"``.
    columns : list, optional
        Further columns in which to mark missing values as withheld (the count and
        derived columns always are).

    Returns
    -------
    DataFrame or Series
        The published table: counts rounded, withheld cells as ``marker`` (in ``object``
        columns, numbers staying numbers so Excel sees numbers); a column with nothing
        withheld keeps its dtype.

    Raises
    ------
    DisclosureError
        The audit fails: a withheld cell of a cross-tab can be narrowed below the
        suppressed range or recovered exactly (the cells are named), or a rate is not the
        rate of the published counts.
    InvalidValueError
        A count is not a whole number of at least 0, or a setting is invalid.

    Example
    -------
    >>> import pandas as pd
    >>> counts = pd.DataFrame({"improved": [12, 3, 25], "same": [23, 4, 31]},
    ...                       index=["Exeter", "Torbay", "Plymouth"])
    >>> publish(counts, margins=True)
             improved same Total
    Exeter         10   25     *
    Torbay          *    *     *
    Plymouth       25   30    55
    Total          40   60   100
    """
    _check_settings(low, high, base)
    rule = Rule(low, high, base)
    if isinstance(table, pd.Series):
        return table.astype(object).where(table.notna(), marker)
    _not_counted(table, "publish")
    crosstab = counts is None and len(table.columns) > 0 and \
        all(_numbers_only(table[c], marker) for c in table.columns) and \
        not any(is_count_column(c) for c in table.columns)
    if crosstab:
        cleaned = table.replace(marker, np.nan) if marker else table
        published = _crosstab(cleaned, rule, margins, margins_name, secondary)
        return _mark(published, published.columns, marker)
    out, checked = _tidy(table, counts, derived, rates, rule)
    if within is not None:
        _audit_blocks(table, out, within, total, rule)
    mark = list(dict.fromkeys(checked + ([] if columns is None else list(columns))))
    require_columns(out, mark, what="publish")
    return _mark(out, mark, marker)


def publish_linked(
    tables: list,
    *,
    margins: bool = True,
    margins_name: str = "Total",
    low: int = SUPPRESS_LOW,
    high: int = SUPPRESS_HIGH,
    base: int = ROUND_BASE,
    marker: str = MARKER,
) -> list:
    """:func:`publish` for cross-tabs of the same data, protected and audited together.

    Parameters
    ----------
    tables : list of DataFrame
        Cross-tabs of unrounded counts with the same grand total (see
        :func:`~wellbeing_lib.privacy.suppress_linked`).
    margins, margins_name, low, high, base, marker
        As for :func:`publish`.

    Returns
    -------
    list of DataFrame
        The published tables, withheld cells as ``marker``.

    Raises
    ------
    DisclosureError
        The joint audit fails (cells named with their table's number, from 1).

    Example
    -------
    >>> import pandas as pd
    >>> by_practice = pd.DataFrame({"improved": [40, 3], "same": [25, 12]},
    ...                            index=["P1", "P2"])
    >>> by_age = pd.DataFrame({"improved": [30, 13], "same": [17, 20]},
    ...                       index=["<65", "65+"])
    >>> publish_linked([by_practice, by_age])[0]
          improved  same  Total
    P1          40    25     65
    P2           *    10     15
    Total       45    35     80
    """
    _check_settings(low, high, base)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # refused below, with the cells named
        published = suppress_linked(tables, low=low, high=high, base=base, margins=margins,
                                    margins_name=margins_name)
    for table in tables:
        _count_matrix(table, "publish_linked")
    result = audit(published, counts=list(tables), low=low, high=high, base=base,
                   margins_name=margins_name)
    bad = result[~result["protected"]]
    if len(bad):
        raise DisclosureError(
            "publishing these tables together would disclose small counts",
            expected="every withheld cell protected (privacy.audit shows the intervals); "
            "merge small categories",
            found=[f"table {t + 1}, row {r!r}, column {c!r} ({s})" for t, r, c, s in
                   bad[["table", "row", "column", "status"]].itertuples(index=False)])
    return [_mark(p, p.columns, marker) for p in published]
