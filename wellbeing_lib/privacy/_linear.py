"""Private: several tables published from the same data, as one linear program.

The cells of every table (its grid with totals last, see :mod:`._tables`) become
variables; a total that two tables share (the grand total, or a row or column total with
the same label and value) is one variable.  Each line of each table adds up to its total:
``A @ cells = 0``.  With the bounds of :func:`._tables.cell_bounds` this is the intruder's
model of everything published; the smallest and largest value of a cell over it is that
cell's feasible interval (Dobra & Fienberg 2000; Hundepool et al. 2012, section 4.2),
found with HiGHS through :func:`scipy.optimize.linprog`, or over whole-number tables
with :func:`scipy.optimize.milp`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._tables import BIG, line_constraints


@dataclass
class LinearModel:
    """Variables, additivity equations and bounds of linked tables."""

    var_of: list  # per grid: the variable of each (flattened) cell
    n_vars: int
    rows: np.ndarray  # sparse A: equation, variable, coefficient
    cols: np.ndarray
    vals: np.ndarray
    n_eq: int

    def matrix(self):
        from scipy.sparse import csr_array

        return csr_array((self.vals, (self.rows, self.cols)), shape=(self.n_eq, self.n_vars))


def _union(parent: np.ndarray, a: int, b: int) -> None:
    def find(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    ra, rb = find(a), find(b)
    if ra != rb:
        parent[max(ra, rb)] = min(ra, rb)


def build(grids: list, links: list) -> LinearModel:
    """One model for ``grids``; ``links`` pairs ``((g, cell), (h, cell))`` that are one total."""
    sizes = [g.status.size for g in grids]
    offsets = np.r_[0, np.cumsum(sizes)]
    parent = np.arange(offsets[-1])
    for (g, a), (h, b) in links:
        _union(parent, int(offsets[g] + a), int(offsets[h] + b))
    for k in range(parent.size):  # compress
        root = k
        while parent[root] != root:
            root = parent[root]
        parent[k] = root
    roots, var = np.unique(parent, return_inverse=True)
    var_of = [var[offsets[k]:offsets[k + 1]] for k in range(len(grids))]
    rows, cols, vals, n_eq = [], [], [], 0
    for grid, vo in zip(grids, var_of):
        r, c, v = line_constraints(grid.shape)
        rows.append(r + n_eq)
        cols.append(vo[c])
        vals.append(v)
        n_eq += grid.shape[0] + grid.shape[1]
    return LinearModel(var_of=var_of, n_vars=roots.size, rows=np.concatenate(rows),
                       cols=np.concatenate(cols), vals=np.concatenate(vals), n_eq=n_eq)


def combine(model: LinearModel, per_grid: list, how: str) -> np.ndarray:
    """Per-variable values from per-grid cell arrays: ``"max"`` or ``"min"`` over copies."""
    fill = -np.inf if how == "max" else np.inf
    out = np.full(model.n_vars, fill)
    for vo, values in zip(model.var_of, per_grid):
        ufunc = np.maximum if how == "max" else np.minimum
        ufunc.at(out, vo, np.asarray(values, dtype=float).ravel())
    return out


def _bounds(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    upper = np.where(hi >= BIG, np.inf, hi).astype(float)
    return np.column_stack([lo.astype(float), upper])


def feasible_point(model: LinearModel, lo: np.ndarray, hi: np.ndarray) -> np.ndarray | None:
    """One whole-number table consistent with everything published (None if there is none)."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    a = model.matrix()
    upper = np.where(hi >= BIG, np.inf, hi).astype(float)
    res = milp(np.zeros(model.n_vars), constraints=LinearConstraint(a, 0, 0),
               bounds=Bounds(lo.astype(float), upper), integrality=np.ones(model.n_vars))
    if res.status != 0:
        return None
    return np.round(res.x).astype(np.int64)


def intervals(model: LinearModel, lo: np.ndarray, hi: np.ndarray, variables,
              *, integer: bool) -> tuple[np.ndarray, np.ndarray]:
    """Smallest and largest feasible value of each of ``variables`` (inf if unbounded)."""
    from scipy.optimize import Bounds, LinearConstraint, linprog, milp

    a = model.matrix()
    variables = np.asarray(variables, dtype=np.int64)
    low = np.empty(variables.size)
    high = np.empty(variables.size)
    bounds = _bounds(lo, hi)
    for k, v in enumerate(variables):
        for sign, out in ((1.0, low), (-1.0, high)):
            c = np.zeros(model.n_vars)
            c[v] = sign
            if integer:
                res = milp(c, constraints=LinearConstraint(a, 0, 0),
                           bounds=Bounds(bounds[:, 0], bounds[:, 1]),
                           integrality=np.ones(model.n_vars))
            else:
                res = linprog(c, A_eq=a, b_eq=np.zeros(model.n_eq), bounds=bounds,
                              method="highs")
            if res.status == 3:  # unbounded (above: lower bounds are at least 0)
                out[k] = np.inf
            elif res.status != 0:
                raise RuntimeError(f"the audit's linear program failed: {res.message}")
            else:
                out[k] = sign * res.fun
                if out[k] >= BIG // 2:  # bounded only by the stand-in for "no bound"
                    out[k] = np.inf
    return low, high


def protecting_cells(model: LinearModel, x: np.ndarray, lo: np.ndarray, hi: np.ndarray,
                     variable: int, change: int, candidate: np.ndarray, cost: np.ndarray,
                     lo_if: np.ndarray, hi_if: np.ndarray) -> np.ndarray | None:
    """Cells to suppress so that ``variable`` can move by ``change`` (signed) from ``x``.

    The linear relaxation of the fixed-charge problem (Kelly, Golden & Assad 1992;
    Fischetti & Salazar-Gonzalez 2000): a change ``y`` of the table with ``A y = 0`` and
    ``y[variable] = change`` is split into the room each cell already has (free) and the
    extra room a ``candidate`` gets once suppressed (bounds ``lo_if``/``hi_if``), priced
    at ``cost / |change|`` per unit.  Candidates the cheapest ``y`` uses are returned;
    suppressing them makes ``x + y`` feasible, so ``variable`` reaches ``x + change``.
    None when no such change exists.
    """
    from scipy.optimize import linprog
    from scipy.sparse import hstack

    n = model.n_vars
    a = model.matrix()
    free_lo = (lo - x).astype(float)
    free_hi = np.where(hi >= BIG, np.inf, hi - x).astype(float)
    extra_up = np.where(candidate, np.where(hi_if >= BIG, np.inf, hi_if - hi), 0.0)
    extra_down = np.where(candidate, np.maximum(lo - lo_if, 0), 0.0).astype(float)
    extra_up = np.maximum(extra_up, 0.0)
    free_lo[variable] = free_hi[variable] = float(change)
    extra_up[variable] = extra_down[variable] = 0.0
    price = np.where(candidate, cost / abs(change), 0.0)
    objective = np.r_[np.zeros(n), price, price]
    bounds = np.column_stack([np.r_[free_lo, np.zeros(2 * n)],
                              np.r_[free_hi, extra_up, extra_down]])
    a_eq = hstack([a, a, -a]).tocsr()
    res = linprog(objective, A_eq=a_eq, b_eq=np.zeros(model.n_eq), bounds=bounds,
                  method="highs")
    if res.status != 0:
        return None
    used = (res.x[n:2 * n] + res.x[2 * n:]) > 1e-7
    return np.flatnonzero(used & candidate)
