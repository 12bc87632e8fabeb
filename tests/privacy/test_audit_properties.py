"""Property tests: on random tables and pairs of linked tables, every withheld cell the
library says it protects is protected - checked by an exact integer solver written here,
independently of the library's network and linear models.

The oracle builds the intruder's integer program from scratch: one variable per cell of
each table's grid (totals last), every line adding up to its total, shared totals equal,
a published ``v`` rounded to 5 somewhere in ``v-2..v+2`` and not 1-7 (0 exactly), a
withheld small count in 1..7, any other withheld count at least 8, totals not printed
known exactly.  HiGHS branch and bound (:func:`scipy.optimize.milp`) then gives each
withheld cell's smallest and largest whole-number value.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from wellbeing_lib.errors import DisclosureError
from wellbeing_lib.privacy import audit, publish, suppress_linked, suppress_small_counts

LOW, HIGH, BASE = 1, 7, 5
INF = np.inf
FAR = 1e6  # stands in for no upper bound in the oracle

#: a cell: a zero, a small count or a larger one, each a third of the time
CELL = st.one_of(st.just(0), st.integers(1, 7), st.integers(8, 60))


def tables(min_size: int = 2, max_size: int = 10):
    return st.integers(min_size, max_size).flatmap(
        lambda r: st.integers(min_size, max_size).flatmap(
            lambda c: st.lists(st.lists(CELL, min_size=c, max_size=c),
                               min_size=r, max_size=r)))


def grid_of(counts: np.ndarray) -> np.ndarray:
    r, c = counts.shape
    g = np.zeros((r + 1, c + 1), dtype=np.int64)
    g[:r, :c] = counts
    g[:r, c] = counts.sum(axis=1)
    g[r, :c] = counts.sum(axis=0)
    g[r, c] = counts.sum()
    return g


def shown_grid(published: pd.DataFrame, counts: np.ndarray, margins: bool) -> np.ndarray:
    """Published values on the grid (NaN withheld); totals not printed are known exactly."""
    values = published.to_numpy(dtype=float, na_value=np.nan)
    if margins:
        return values
    g = grid_of(counts).astype(float)
    g[:-1, :-1] = values
    return g


def bounds(shown: np.ndarray, truth: np.ndarray, pattern: bool = False):
    """The intruder's bounds on each cell (``pattern``: what the rule alone says)."""
    lo = np.zeros(shown.shape)
    hi = np.full(shown.shape, INF)
    hidden = np.isnan(shown)
    small = hidden & (truth >= LOW) & (truth <= HIGH)
    lo[hidden], lo[small], hi[small] = HIGH + 1, LOW, HIGH
    zero = ~hidden & (shown == 0)
    lo[zero] = hi[zero] = 0
    rest = ~hidden & (shown > 0)
    if pattern:
        lo[rest] = HIGH + 1
    else:
        exact = rest & (shown % BASE != 0)  # a total known exactly
        lo[rest] = np.maximum(shown[rest] - 2, HIGH + 1)
        hi[rest] = shown[rest] + 2
        lo[exact] = hi[exact] = shown[exact]
    return lo, hi


def oracle(grids: list, links: list, pattern: bool = False) -> list:
    """Whole-number min and max of every withheld cell: one ``{(i, j): (lo, hi)}`` per grid.

    ``grids``: ``(shown, truth, exact_totals)``; ``links``: ``((g, i, j), (h, k, l))``.
    """
    offsets = np.cumsum([0] + [s.size for s, _, _ in grids])
    n = offsets[-1]
    rows, lo_all, hi_all = [], [], []
    for k, (shown, truth, exact) in enumerate(grids):
        shown = shown.copy()
        if exact:
            shown[-1, :], shown[:, -1] = truth[-1, :], truth[:, -1]
        lo, hi = bounds(shown, truth, pattern)
        if exact:  # totals not printed: known exactly, whatever their value
            for part in (np.s_[-1, :], np.s_[:, -1]):
                lo[part] = hi[part] = truth[part]
        lo_all.append(lo.ravel())
        hi_all.append(hi.ravel())
        r, c = shown.shape
        idx = offsets[k] + np.arange(r * c).reshape(r, c)
        for i in range(r):
            row = np.zeros(n)
            row[idx[i, :-1]], row[idx[i, -1]] = 1, -1
            rows.append(row)
        for j in range(c):
            col = np.zeros(n)
            col[idx[:-1, j]], col[idx[-1, j]] = 1, -1
            rows.append(col)
    for (g, i, j), (h, k, m) in links:
        eq = np.zeros(n)
        eq[offsets[g] + i * grids[g][0].shape[1] + j] = 1
        eq[offsets[h] + k * grids[h][0].shape[1] + m] = -1
        rows.append(eq)
    constraint = LinearConstraint(np.array(rows), 0, 0)
    # HiGHS cannot always tell unbounded from infeasible: a large finite bound stands in
    box = Bounds(np.concatenate(lo_all), np.minimum(np.concatenate(hi_all), FAR))
    out = []
    for k, (shown, _, _) in enumerate(grids):
        found = {}
        for i, j in zip(*np.nonzero(np.isnan(shown))):
            v = offsets[k] + i * shown.shape[1] + j
            ends = []
            for sign in (1.0, -1.0):
                c = np.zeros(n)
                c[v] = sign
                res = milp(c, constraints=constraint, bounds=box, integrality=np.ones(n))
                assert res.status == 0, res.message
                ends.append(INF if sign * res.fun >= FAR / 2 else round(sign * res.fun))
            found[(int(i), int(j))] = tuple(ends)
        out.append(found)
    return out


def check_with_oracle(grids: list, links: list, unprotected: set) -> None:
    """Every withheld cell not reported as unprotected is protected, by the oracle."""
    feasible = oracle(grids, links)
    allowed = oracle(grids, links, pattern=True)
    for k, (_, truth, _) in enumerate(grids):
        for (i, j), (low, high) in feasible[k].items():
            if (k, i, j) in unprotected:
                continue
            assert low < high, f"table {k}, cell {(i, j)} recovered exactly: {low}"
            if LOW <= truth[i, j] <= HIGH:
                req_low = max(allowed[k][(i, j)][0], LOW)
                req_high = min(allowed[k][(i, j)][1], HIGH)
                assert req_low < req_high
                assert low <= req_low and high >= req_high, (
                    f"table {k}, cell {(i, j)}: {low}-{high} narrower than {req_low}-{req_high}")


def unprotected_cells(result: pd.DataFrame, grids_index: list) -> set:
    bad = result[~result["protected"]]
    out = set()
    for t, r, c in bad[["table", "row", "column"]].itertuples(index=False):
        index, columns = grids_index[t]
        out.add((int(t), index.get_loc(r), columns.get_loc(c)))
    return out


def labels(published: pd.DataFrame, margins: bool):
    if margins:
        return published.index, published.columns
    return (published.index.append(pd.Index(["Total"])),
            published.columns.append(pd.Index(["Total"])))


# ================================================== many tables, audited by the library
@settings(max_examples=1200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(), st.booleans())
def test_every_table_is_protected_or_refused(rows, margins):
    table = pd.DataFrame(rows)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        published = suppress_small_counts(table, margins=margins)
    result = audit(published, counts=table)
    counts = table.to_numpy()
    # the rule: zeros published, small counts withheld, everything published rounded
    shown = published.to_numpy(dtype=float, na_value=np.nan)
    raw = grid_of(counts) if margins else counts
    assert not (np.isnan(shown) & (raw == 0)).any()
    assert np.isnan(shown[(raw >= LOW) & (raw <= HIGH)]).all()
    assert (shown[~np.isnan(shown)] % BASE == 0).all()
    if result["protected"].all():
        assert not caught
    else:
        # what cannot be protected is said, and the gate refuses the table
        assert any("cannot protect" in str(w.message) for w in caught)
        with pytest.raises(DisclosureError):
            publish(table, margins=margins)
    protected = result[result["protected"]]
    small = protected["status"] == "primary"
    assert (protected.loc[small, "feasible_low"] <= protected.loc[small, "required_low"]).all()
    assert (protected.loc[small, "feasible_high"]
            >= protected.loc[small, "required_high"]).all()
    assert (protected["feasible_low"] < protected["feasible_high"]).all()


# ============================================= an exact integer solver as the judge
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(2, 6), st.booleans())
def test_an_integer_solver_recovers_no_protected_cell(rows, margins):
    table = pd.DataFrame(rows)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        published = suppress_small_counts(table, margins=margins)
    result = audit(published, counts=table)
    counts = table.to_numpy()
    grids = [(shown_grid(published, counts, margins), grid_of(counts), not margins)]
    bad = unprotected_cells(result, [labels(published, margins)])
    check_with_oracle(grids, [], bad)
    # and the library's intervals are the solver's
    feasible = oracle(grids, [])[0]
    index, columns = labels(published, margins)
    for row in result.itertuples(index=False):
        key = (index.get_loc(row.row), columns.get_loc(row.column))
        assert (row.feasible_low, row.feasible_high) == feasible[key]


@st.composite
def linked_pairs(draw):
    """Two tables of the same people: practice x outcome and practice x age band."""
    rows, cols = draw(st.integers(2, 5)), draw(st.integers(2, 4))
    first = np.array(draw(st.lists(st.lists(CELL, min_size=cols, max_size=cols),
                                   min_size=rows, max_size=rows)))
    n_second = draw(st.integers(2, 4))
    second = []
    for total in first.sum(axis=1):
        cuts = sorted(draw(st.lists(st.integers(0, int(total)), min_size=n_second - 1,
                                    max_size=n_second - 1)))
        second.append(np.diff([0, *cuts, int(total)]))
    index = [f"P{i}" for i in range(rows)]
    a = pd.DataFrame(first, index=index, columns=[f"outcome {j}" for j in range(first.shape[1])])
    b = pd.DataFrame(np.array(second), index=index,
                     columns=[f"age {j}" for j in range(n_second)])
    return a, b


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(linked_pairs())
def test_linked_pairs_are_protected_together(pair):
    a, b = pair
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        published = suppress_linked([a, b])
    result = audit(published, counts=[a, b])
    grids = [(p.to_numpy(dtype=float, na_value=np.nan), grid_of(t.to_numpy()), False)
             for p, t in zip(published, (a, b))]
    r = len(a)
    links = [((0, i, a.shape[1]), (1, i, b.shape[1])) for i in range(r + 1)]  # row totals
    bad = unprotected_cells(result, [(p.index, p.columns) for p in published])
    check_with_oracle(grids, links, bad)
    # the shared totals are withheld in both tables or in neither
    assert (published[0]["Total"].isna() == published[1]["Total"].isna()).all()
