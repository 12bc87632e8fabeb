"""Private: a published cross-tab (or several linked ones) as cells with known bounds.

Shared by :mod:`.audit` (which computes every hidden cell's feasible interval) and
:mod:`.suppression` (which chooses the secondary cells).  A table is always held as its
(R + 1) x (C + 1) grid with the totals in the last row and column, whether or not the
totals are published:

* published with the table (``margins=True``): rounded and suppressed like any cell;
* not published but known to an intruder (the default assumption when the unrounded
  counts are given): fixed at their exact values;
* not known at all (a published table audited without its counts): unbounded.

Each cell of the grid has a *status* and, from it, the bounds an intruder can place on it
before using the table's additivity (:func:`cell_bounds`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import InvalidValueError

#: cell status codes (SHOWN_SMALL: a count the rule withholds, published all the same)
PUBLISHED, PRIMARY, SECONDARY, HIDDEN, FIXED, FREE, SHOWN_SMALL = 0, 1, 2, 3, 4, 5, 6
#: status names used in result tables
STATUS_NAMES = {PRIMARY: "primary", SECONDARY: "secondary", HIDDEN: "suppressed",
                SHOWN_SMALL: "published small count"}
#: a finite stand-in for "no upper bound" (any count is far below it)
BIG = 2**30


@dataclass(frozen=True)
class Rule:
    """The suppression rule: counts in ``[low, high]`` withheld, others rounded to ``base``."""

    low: int
    high: int
    base: int

    @property
    def suppresses(self) -> bool:
        return self.low <= self.high

    def rounding_interval(self, published: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every whole number that rounds to ``published`` (halves up), as ``[lo, hi]``."""
        lo = np.maximum(published - self.base // 2, 0)
        hi = published + self.base - 1 - self.base // 2
        return lo, hi


@dataclass
class Grid:
    """One table: cells of the (R + 1) x (C + 1) grid with totals last.

    ``shown`` holds the published values (NaN where suppressed or not published);
    ``value`` a table consistent with them: the unrounded counts in the data holder's
    view; ``status`` the status code of each cell; ``index`` and ``columns`` the labels
    of the grid's rows and columns (totals included).
    """

    shown: np.ndarray
    value: np.ndarray | None
    status: np.ndarray
    index: pd.Index
    columns: pd.Index
    margins: bool

    @property
    def shape(self) -> tuple[int, int]:
        return self.status.shape


def cell_bounds(grid: Grid, rule: Rule) -> tuple[np.ndarray, np.ndarray]:
    """What an intruder knows about each cell before using the totals: ``[lo, hi]``.

    * published ``v``: the counts that round to ``v`` and are not suppressed by the rule
      (``v = 0`` is exactly 0 under the default rule);
    * primary (the intruder is assumed to know it is small): ``[low, high]``;
    * secondary (assumed known not to be small, and never a zero): ``[high + 1, inf)``;
    * suppressed, status unknown: ``[1, inf)`` (zeros are published);
    * a total known exactly: its value; a total not known: ``[0, inf)``;
    * a count in the suppressed range published all the same: what rounding leaves.

    A published value that is not a multiple of the rounding base is taken as exact.
    Where removing the suppressed range leaves two pieces the smallest interval holding
    both is used.  ``inf`` is :data:`BIG`.
    """
    status = grid.status
    lo = np.zeros(status.shape, dtype=np.int64)
    hi = np.full(status.shape, BIG, dtype=np.int64)
    pub = (status == PUBLISHED) | (status == SHOWN_SMALL)
    if pub.any():
        shown = np.where(pub, np.nan_to_num(grid.shown), 0).astype(np.int64)
        p_lo, p_hi = rule.rounding_interval(shown)
        unrounded = shown % rule.base != 0  # a value that was not rounded is exact
        p_lo = np.where(unrounded, shown, p_lo)
        p_hi = np.where(unrounded, shown, p_hi)
        if rule.suppresses:
            low_lo, low_hi = p_lo, np.minimum(p_hi, rule.low - 1)
            up_lo, up_hi = np.maximum(p_lo, rule.high + 1), p_hi
            has_low, has_up = low_lo <= low_hi, up_lo <= up_hi
            keep = (status == PUBLISHED) & (has_low | has_up)
            p_lo = np.where(keep, np.where(has_low, low_lo, up_lo), p_lo)
            p_hi = np.where(keep, np.where(has_up, up_hi, low_hi), p_hi)
        lo = np.where(pub, p_lo, lo)
        hi = np.where(pub, p_hi, hi)
    floor = 0 if rule.low <= 0 else 1
    lo = np.where(status == PRIMARY, max(rule.low, 0), lo)
    hi = np.where(status == PRIMARY, rule.high, hi)
    secondary_low = rule.high + 1 if rule.low <= 1 else 1
    lo = np.where(status == SECONDARY, secondary_low, lo)
    lo = np.where(status == HIDDEN, floor, lo)
    fixed = np.where(status == FIXED, np.nan_to_num(grid.shown), 0).astype(np.int64)
    lo = np.where(status == FIXED, fixed, lo)
    hi = np.where(status == FIXED, fixed, hi)
    return lo.astype(np.int64), hi.astype(np.int64)


def needs_protection(status: np.ndarray) -> np.ndarray:
    """Cells whose feasible interval must cover the suppression range."""
    return (status == PRIMARY) | (status == HIDDEN)


def pattern_bounds(grid: Grid, rule: Rule) -> tuple[np.ndarray, np.ndarray]:
    """Bounds from the suppression pattern alone, every published number blanked out.

    What the rule says about each cell whatever was published: a zero is 0, a small
    count is in ``[low, high]``, any other count (published or secondary) is above
    ``high``, a suppressed cell of unknown status is at least 1; totals known exactly
    keep their value.  The feasible interval of a small count over these bounds and the
    table's additivity is the most any suppression pattern could leave uncertain: the
    protection required of it (:func:`._protect.requirements`).
    """
    status = grid.status
    shown = np.nan_to_num(grid.shown, nan=-1)
    big_floor = rule.high + 1 if rule.low <= 1 else 1
    lo = np.full(status.shape, big_floor, dtype=np.int64)
    hi = np.full(status.shape, BIG, dtype=np.int64)
    zero = (status == PUBLISHED) & (shown == 0)
    lo[zero], hi[zero] = 0, 0
    small = status == PRIMARY
    lo[small], hi[small] = max(rule.low, 0), rule.high
    lo[status == HIDDEN] = 0 if rule.low <= 0 else 1
    fixed = status == FIXED
    lo[fixed] = hi[fixed] = shown[fixed].astype(np.int64)
    lo[status == FREE] = 0
    shown_small = status == SHOWN_SMALL
    lo[shown_small], hi[shown_small] = max(rule.low, 0), rule.high
    return lo, hi


def line_constraints(shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sparse ``A`` (rows, cols, values) of the grid's additivity, ``A @ cells = 0``.

    One equation per row (its interior cells minus its total), then one per column.
    Cells are numbered row by row.
    """
    n_rows, n_cols = shape
    cell = np.arange(n_rows * n_cols).reshape(shape)
    sign = np.ones(shape)
    row_sign = sign.copy()
    row_sign[:, -1] = -1.0
    col_sign = sign.copy()
    col_sign[-1, :] = -1.0
    row_eq = np.repeat(np.arange(n_rows), n_cols)
    col_eq = n_rows + np.tile(np.arange(n_cols), n_rows)
    return (np.r_[row_eq, col_eq], np.r_[cell.ravel(), cell.ravel()],
            np.r_[row_sign.ravel(), col_sign.ravel()])


def reveals_small(shown: np.ndarray, rule: Rule) -> np.ndarray:
    """Published values that give away a count the rule withholds.

    An unrounded value in ``[low, high]``, or a rounded one every count of which is in
    that range (5 under the default rule: only 3 to 7 round to it).
    """
    if not rule.suppresses:
        return np.zeros(np.shape(shown), dtype=bool)
    values = np.nan_to_num(np.asarray(shown, dtype=float), nan=-1).astype(np.int64)
    lo, hi = rule.rounding_interval(values)
    unrounded = values % rule.base != 0
    lo = np.where(unrounded, values, lo)
    hi = np.where(unrounded, values, hi)
    inside = (lo >= rule.low) & (hi <= rule.high)
    return (values >= 0) & inside


def with_margins(raw: np.ndarray) -> np.ndarray:
    """The (R + 1) x (C + 1) grid of a count matrix with its totals last."""
    n_rows, n_cols = raw.shape
    ext = np.zeros((n_rows + 1, n_cols + 1), dtype=np.int64)
    ext[:n_rows, :n_cols] = raw
    ext[:n_rows, n_cols] = raw.sum(axis=1)
    ext[n_rows, :n_cols] = raw.sum(axis=0)
    ext[n_rows, n_cols] = raw.sum()
    return ext


def small_counts(values: np.ndarray, rule: Rule) -> np.ndarray:
    """Cells the rule withholds (primary suppression)."""
    if not rule.suppresses:
        return np.zeros(np.shape(values), dtype=bool)
    return (values >= rule.low) & (values <= rule.high)


def holder_grid(grid_values: np.ndarray, hidden: np.ndarray, rule: Rule, *, margins: bool,
                index: pd.Index, columns: pd.Index) -> Grid:
    """The data holder's grid from the unrounded counts (totals last) and what is hidden.

    Published cells show their rounded value; hidden cells are primary (a small count) or
    secondary.  Without published margins (``margins=False``) the totals are known to an
    intruder exactly (the library's assumption: they are usually published elsewhere).
    """
    value = np.asarray(grid_values, dtype=np.int64)
    status = np.full(value.shape, PUBLISHED, dtype=np.int8)
    status[hidden] = SECONDARY
    status[hidden & small_counts(value, rule)] = PRIMARY
    shown = np.where(hidden, np.nan, (value + rule.base // 2) // rule.base * rule.base)
    if not margins:
        status[-1, :] = FIXED
        status[:, -1] = FIXED
        shown[-1, :] = value[-1, :]
        shown[:, -1] = value[:, -1]
    return Grid(shown=shown.astype(float), value=value, status=status, index=index,
                columns=columns, margins=margins)


def margin_links(grids: list) -> list:
    """The totals that linked tables share: pairs ``((g, cell), (h, cell))``.

    Tables published from the same data share their grand total, and a row or column
    total wherever two tables have a category with the same label (e.g. the practice
    totals of "practice x outcome" and "practice x age band").  When the unrounded
    counts are known, two totals are linked only if they are equal; grand totals that
    differ mean the tables do not come from the same data.
    """
    keyed: dict = {}
    for g, grid in enumerate(grids):
        n_rows, n_cols = grid.shape
        for i in range(n_rows - 1):
            keyed.setdefault(("total", grid.index[i]), []).append((g, i * n_cols + n_cols - 1))
        for j in range(n_cols - 1):
            keyed.setdefault(("total", grid.columns[j]), []).append((g, (n_rows - 1) * n_cols + j))
        keyed.setdefault(("grand",), []).append((g, n_rows * n_cols - 1))

    def value(g: int, cell: int):
        grid = grids[g]
        return None if grid.value is None else int(grid.value.ravel()[cell])

    grand = {value(g, c) for g, c in keyed[("grand",)]}
    if len(grand) > 1 and None not in grand:
        raise InvalidValueError(
            "linked tables must come from the same data", column="grand total",
            expected="the same grand total in every table", found=sorted(grand),
        )
    links = []
    for members in keyed.values():
        for a in range(len(members)):
            for b in range(a + 1, len(members)):
                (g, c), (h, d) = members[a], members[b]
                if g != h and value(g, c) == value(h, d):
                    links.append(((g, c), (h, d)))
    return links
