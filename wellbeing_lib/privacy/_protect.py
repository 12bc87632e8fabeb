"""Private: secondary suppression that passes the audit, and the audit's intervals.

The protection rule (the "protection interval" of cell suppression: Hundepool et al.
2012, *Statistical Disclosure Control*, Wiley, section 4.2; tau-Argus and sdcTable):
given everything published, a small count's feasible interval must contain the whole
suppressed range ``[low, high]`` - an intruder who knows the rule, the published cells,
zeros, rounding and totals, and even which hidden cells are small, cannot narrow it
below "some number from 1 to 7".  Where the suppression pattern itself (which cells are
zero, small or not, and the totals known exactly) already rules part of that range out,
only the rest is required, and a small count that the pattern alone pins to one value
cannot be protected at all.  A secondary cell must not be recoverable exactly.

One table: the network of :mod:`._flows` (maximum flows for the checks, shortest paths
for the cheapest cells to add).  Linked tables: the linear programs of :mod:`._linear`.
"""

from __future__ import annotations

import numpy as np

from ..errors import InvalidValueError
from . import _linear
from ._flows import Network, rectangle_room
from ._tables import (
    BIG,
    HIDDEN,
    PRIMARY,
    PUBLISHED,
    SECONDARY,
    SHOWN_SMALL,
    Grid,
    Rule,
    cell_bounds,
    needs_protection,
    pattern_bounds,
)

#: statuses of cells an intruder does not see (and that the audit reports)
UNSEEN = (PRIMARY, SECONDARY, HIDDEN, SHOWN_SMALL)


def _secondary_bounds(rule: Rule) -> tuple[int, int]:
    return (rule.high + 1 if rule.low <= 1 else 1), BIG


def _candidates(grid: Grid) -> np.ndarray:
    """Cells that may be suppressed as secondary: published, non-zero counts."""
    return ((grid.status == PUBLISHED) & (grid.value > 0)).ravel()


def _start(grid: Grid, rule: Rule):
    """Bounds and one feasible table (the unrounded counts when known)."""
    lo, hi = cell_bounds(grid, rule)
    x = grid.value if grid.value is not None else _feasible(grid, lo, hi)
    return lo, hi, np.asarray(x, dtype=np.int64).ravel()


def requirements(grid: Grid, rule: Rule, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The protection interval of each small count: the part of ``[low, high]`` that the
    suppression pattern alone leaves possible (``[0, 0]`` for other cells)."""
    lo, hi = pattern_bounds(grid, rule)
    status = grid.status.ravel()
    req_low = np.zeros(status.size, dtype=np.int64)
    req_high = np.zeros(status.size, dtype=np.int64)
    cells = np.flatnonzero(needs_protection(status) | (status == SHOWN_SMALL))
    floor = max(rule.low, 0)
    value = x[cells]
    rise, fall = np.maximum(rule.high - value, 0), np.maximum(value - floor, 0)
    req_high[cells] = np.where(rectangle_room(grid.shape, x, lo, hi, cells, True, rise),
                               value + rise, -1)
    req_low[cells] = np.where(rectangle_room(grid.shape, x, lo, hi, cells, False, fall),
                              value - fall, -1)
    pattern = None
    for k, cell in enumerate(cells.tolist()):
        if req_high[cell] >= 0 and req_low[cell] >= 0:
            continue
        pattern = pattern or Network(grid.shape, x, lo, hi)
        if req_high[cell] < 0:
            req_high[cell] = value[k] + pattern.push(cell, True, int(rise[k]))
        if req_low[cell] < 0:
            req_low[cell] = value[k] - pattern.push(cell, False, int(fall[k]))
    return req_low, req_high


def _moves(grid: Grid, x, lo, hi, cells, rise, fall) -> tuple[np.ndarray, np.ndarray]:
    """Quick check that each cell can rise ``rise`` and fall ``fall`` (rectangles only)."""
    up = rectangle_room(grid.shape, x, lo, hi, cells, True, rise) | (rise <= 0)
    down = rectangle_room(grid.shape, x, lo, hi, cells, False, fall) | (fall <= 0)
    return up, down


def protect_grid(grid: Grid, rule: Rule) -> list:
    """Add secondary cells to ``grid`` (in place) until every hidden cell is protected.

    For each small count in turn (row by row), and each direction it must be able to
    move, a maximum flow says whether the table already lets it move far enough; if not,
    the cheapest cycles through it (cost = the counts newly hidden) are suppressed.
    Hiding a cell only widens every interval, so cells protected earlier stay protected.
    Then any secondary cell that could be recovered exactly gets a cycle of its own.
    Returns the cells (flat indices) that cannot be protected.
    """
    lo, hi, x = _start(grid, rule)
    net = Network(grid.shape, x, lo, hi)
    candidate = _candidates(grid)
    cost = x.astype(float)
    lo_if, hi_if = _secondary_bounds(rule)
    lo_if_arr = np.full(x.size, lo_if, dtype=np.int64)
    hi_if_arr = np.full(x.size, hi_if, dtype=np.int64)
    status = grid.status.ravel()
    req_low, req_high = requirements(grid, rule, x)
    failed = []

    def make_room(cell: int, up: bool, need: int) -> bool:
        if need <= 0 or net.push(cell, up, need) >= need:
            return True
        path = net.cheapest_path(cell, up, need, cost, candidate, lo_if_arr, hi_if_arr)
        if path is None:
            return False
        status[np.asarray(path, dtype=np.int64)] = SECONDARY
        return True

    primary = np.flatnonzero(status == PRIMARY)
    rise, fall = req_high[primary] - x[primary], x[primary] - req_low[primary]
    fine_up, fine_down = _moves(grid, x, lo, hi, primary, rise, fall)
    for k, cell in enumerate(primary.tolist()):
        if req_low[cell] == req_high[cell]:  # the pattern alone gives it away
            failed.append(cell)
        elif not ((fine_up[k] or make_room(cell, True, int(rise[k])))
                  & (fine_down[k] or make_room(cell, False, int(fall[k])))):
            failed.append(cell)
    checked: set = set()
    while todo := [int(c) for c in np.flatnonzero(status == SECONDARY) if c not in checked]:
        todo = np.asarray(todo, dtype=np.int64)
        ones = np.ones(todo.size, dtype=np.int64)
        fine_up, fine_down = _moves(grid, net.x, net.lo, net.hi, todo, ones, ones)
        for k, cell in enumerate(todo.tolist()):
            checked.add(cell)
            if not (fine_up[k] or fine_down[k] or make_room(cell, True, 1)
                    or make_room(cell, False, 1)):
                failed.append(cell)
    grid.status = status.reshape(grid.shape)
    return sorted(failed)


def meets(status, low, high, req_low, req_high, rule: Rule) -> np.ndarray:
    """Does each hidden cell's feasible interval ``[low, high]`` pass the protection rule?

    A small count (or a suppressed cell that could be one): its requirement is not a
    single value and the interval contains it; a secondary cell (or one that cannot be
    small): the interval is not a single value; a small count published: never.
    """
    small = needs_protection(status) & ~((status == HIDDEN) & (low > rule.high))
    covers = (low <= req_low) & (high >= req_high) & (req_low < req_high)
    return np.where(status == SHOWN_SMALL, False, np.where(small, covers, low < high))


def unprotected_cells(grid: Grid, rule: Rule) -> list:
    """Unseen cells of one table that fail the protection rule (flows capped at the need)."""
    lo, hi, x = _start(grid, rule)
    net = None
    status = grid.status.ravel()
    req_low, req_high = requirements(grid, rule, x)
    cells = np.flatnonzero(np.isin(status, UNSEEN))
    small = np.isin(status[cells], (PRIMARY, HIDDEN))
    rise = np.where(small, req_high[cells] - x[cells], 1)
    fall = np.where(small, x[cells] - req_low[cells], 1)
    fine_up, fine_down = _moves(grid, x, lo, hi, cells, rise, fall)
    bad = []
    for k, cell in enumerate(cells.tolist()):
        code, value = status[cell], int(x[cell])
        if code == SHOWN_SMALL or (code == PRIMARY and req_low[cell] == req_high[cell]):
            bad.append(cell)
            continue
        if (fine_up[k] and fine_down[k]) or (code == SECONDARY and (fine_up[k] or fine_down[k])):
            continue
        net = net or Network(grid.shape, x, lo, hi)
        if code == SECONDARY:
            ok = net.push(cell, True, 1) > 0 or net.push(cell, False, 1) > 0
        else:  # reach req_low and req_high, unless it cannot be a small count at all
            fall_k = net.push(cell, False, max(value - int(req_low[cell]), 0))
            if code == HIDDEN and value - fall_k > rule.high:
                ok = fall_k > 0 or net.push(cell, True, 1) > 0
            else:
                ok = value - fall_k <= req_low[cell] and req_low[cell] < req_high[cell] \
                    and (fine_up[k] or net.push(cell, True, int(rise[k])) >= rise[k])
        if not ok:
            bad.append(cell)
    return bad


def _feasible(grid: Grid, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    model = _linear.build([grid], [])
    point = _linear.feasible_point(model, lo.ravel(), hi.ravel())
    if point is None:
        raise InvalidValueError(
            "the published table is not consistent: no table of whole numbers has these "
            "rounded cells and totals",
            expected="a table published with this rule (check low, high and base)",
        )
    return point.reshape(grid.shape)


def grid_intervals(grid: Grid, rule: Rule):
    """Exact feasible intervals and requirements of every unseen cell of one table.

    Returns flat cell indices, then ``low``, ``high`` (inf if unbounded), ``req_low`` and
    ``req_high``.
    """
    lo, hi, x = _start(grid, rule)
    net = Network(grid.shape, x, lo, hi)
    req_low, req_high = requirements(grid, rule, x)
    cells = np.flatnonzero(np.isin(grid.status.ravel(), UNSEEN))
    low = np.empty(cells.size)
    high = np.empty(cells.size)
    for k, cell in enumerate(cells):
        a, b = net.interval(int(cell))
        low[k], high[k] = a, (np.inf if b >= BIG // 2 else b)
    return cells, low, high, req_low[cells], req_high[cells]


# ------------------------------------------------------------------ linked tables
class _Linked:
    """Linked tables as one model: per-variable bounds, pattern bounds and status."""

    def __init__(self, grids: list, links: list, rule: Rule) -> None:
        self.grids, self.rule = grids, rule
        self.model = model = _linear.build(grids, links)
        bounds = [cell_bounds(g, rule) for g in grids]
        self.lo = _linear.combine(model, [b[0] for b in bounds], "max").astype(np.int64)
        self.hi = _linear.combine(model, [b[1] for b in bounds], "min").astype(np.int64)
        pattern = [pattern_bounds(g, rule) for g in grids]
        self.plo = _linear.combine(model, [p[0] for p in pattern], "max").astype(np.int64)
        self.phi = _linear.combine(model, [p[1] for p in pattern], "min").astype(np.int64)
        # a total hidden in one table and published in another counts as unseen
        self.status = _linear.combine(model, [g.status for g in grids], "max").astype(np.int8)
        values = [g.value for g in grids]
        self.x = None if any(v is None for v in values) else \
            _linear.combine(model, values, "max").astype(np.int64)

    def requirements(self, variables) -> tuple[np.ndarray, np.ndarray]:
        low, high = _linear.intervals(self.model, self.plo, self.phi, variables,
                                      integer=False)
        floor = max(self.rule.low, 0)
        return np.maximum(low, floor), np.minimum(high, self.rule.high)


def protect_linked(grids: list, links: list, rule: Rule) -> list:
    """:func:`protect_grid` for tables that share totals (linear programs; in place).

    Returns the cells that cannot be protected, as ``(table number, flat cell)``.
    """
    state = _Linked(grids, links, rule)
    model, lo, hi, status, x = state.model, state.lo, state.hi, state.status, state.x
    candidate = _linear.combine(model, [_candidates(g) for g in grids], "min") > 0
    cost = x.astype(float)
    lo_if, hi_if = _secondary_bounds(rule)
    lo_if_arr = np.full(model.n_vars, lo_if, dtype=np.int64)
    hi_if_arr = np.full(model.n_vars, hi_if, dtype=np.int64)
    failed = []

    def make_room(var: int, change: int) -> bool:
        if change == 0:
            return True
        low, high = _linear.intervals(model, lo, hi, [var], integer=False)
        if (change > 0 and high[0] >= x[var] + change) or \
                (change < 0 and low[0] <= x[var] + change):
            return True
        cells = _linear.protecting_cells(model, x, lo, hi, var, change, candidate, cost,
                                         lo_if_arr, hi_if_arr)
        if cells is None:
            return False
        status[cells] = SECONDARY
        candidate[cells] = False
        lo[cells], hi[cells] = lo_if, hi_if
        return True

    primary = np.flatnonzero(status == PRIMARY)
    req_low, req_high = state.requirements(primary)
    for var, r_low, r_high in zip(primary, req_low, req_high):
        var = int(var)
        ok = r_low < r_high
        ok = ok and make_room(var, int(r_high - x[var])) & make_room(var, int(r_low - x[var]))
        if not ok:
            failed.append(var)
    checked: set = set()
    while todo := [int(v) for v in np.flatnonzero(status == SECONDARY) if v not in checked]:
        for var in todo:
            checked.add(var)
            if not (make_room(var, 1) or make_room(var, -1)):
                failed.append(var)
    for grid, vo in zip(grids, model.var_of):
        grid.status = np.where(grid.status == PUBLISHED, status[vo].reshape(grid.shape),
                               grid.status).astype(np.int8)
    cells = []
    for var in failed:
        g = next(k for k, vo in enumerate(model.var_of) if (vo == var).any())
        cells.append((g, int(np.flatnonzero(model.var_of[g] == var)[0])))
    return cells


def linked_intervals(grids: list, links: list, rule: Rule, *, integer: bool = True) -> list:
    """Feasible intervals and requirements of the unseen cells of linked tables.

    One ``(cells, low, high, req_low, req_high)`` per grid, as :func:`grid_intervals`.
    Over whole-number tables (``integer=True``, HiGHS branch and bound): the joint model
    of several tables need not be a network.
    """
    state = _Linked(grids, links, rule)
    unseen = np.unique(np.concatenate([
        vo[np.isin(g.status.ravel(), UNSEEN)] for g, vo in zip(grids, state.model.var_of)]))
    low, high = _linear.intervals(state.model, state.lo, state.hi, unseen, integer=integer)
    req_low, req_high = state.requirements(unseen)
    row_of = {int(v): k for k, v in enumerate(unseen)}
    out = []
    for grid, vo in zip(grids, state.model.var_of):
        cells = np.flatnonzero(np.isin(grid.status.ravel(), UNSEEN))
        rows = np.array([row_of[int(vo[c])] for c in cells], dtype=np.int64)
        out.append((cells, low[rows], high[rows], req_low[rows], req_high[rows]))
    return out
