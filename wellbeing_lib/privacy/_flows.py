"""Private: a two-way table with totals as a network, for fast exact cell intervals.

The cells of an (R + 1) x (C + 1) grid with its totals last are the flows on the arcs of
a bipartite network whose nodes are the grid's rows and columns: an interior cell is an
arc row -> column, a row total an arc from the totals column to the row, a column total
an arc from the column to the totals row and the grand total an arc from the totals row
to the totals column.  Every line of the table adding up to its total is then flow
conservation at a node, so a table consistent with what was published is a circulation
within the cells' bounds (Ford & Fulkerson 1962; the network view of cell suppression is
Cox 1980 and Kelly, Golden & Assad 1992).

Starting from one feasible table ``x``, the largest feasible increase of a cell is the
maximum flow that can return from the head of its arc to the tail through the residual
network (every other cell can rise to its upper bound or fall to its lower bound), and
likewise for a decrease.  The constraint matrix of a network is totally unimodular, so
these linear-programming bounds are also the bounds over whole-number tables: an exact
integer solver cannot do better (Schrijver 1986, ch. 19).
"""

from __future__ import annotations

import numpy as np

from ._tables import BIG

#: weight of an arc that costs nothing to use (shortest paths need positive weights)
FREE_WEIGHT = 1e-6


class Network:
    """The residual network of a grid of cells with bounds ``[lo, hi]`` at the point ``x``."""

    def __init__(self, shape: tuple[int, int], x: np.ndarray, lo: np.ndarray,
                 hi: np.ndarray) -> None:
        n_rows, n_cols = shape
        i, j = np.indices(shape)
        forward = ((i < n_rows - 1) & (j < n_cols - 1)) | ((i == n_rows - 1) & (j == n_cols - 1))
        row_node, col_node = i, n_rows + j
        self.tail = np.where(forward, row_node, col_node).ravel()
        self.head = np.where(forward, col_node, row_node).ravel()
        self.n_cells = n_rows * n_cols
        self.n_nodes = n_rows + n_cols
        self.n_rows = n_rows
        self.source = self.n_nodes  # a super source feeding the start node (a flow limit)
        size = self.n_nodes + 1
        cells = np.arange(self.n_cells)
        starts = np.arange(self.n_nodes)
        arc_from = np.r_[self.tail, self.head, np.full(self.n_nodes, self.source)]
        arc_to = np.r_[self.head, self.tail, starts]
        order = np.lexsort((arc_to, arc_from))
        self.indices = arc_to[order].astype(np.int32)
        self.indptr = np.searchsorted(arc_from[order], np.arange(size + 1)).astype(np.int32)
        position = np.empty(order.size, dtype=np.int64)
        position[order] = np.arange(order.size)
        self.pos_up = position[cells]  # tail -> head: the cell rises
        self.pos_down = position[self.n_cells + cells]  # head -> tail: the cell falls
        self.pos_start = position[2 * self.n_cells + starts]
        self.size = size
        self.x = np.asarray(x, dtype=np.int64).ravel().copy()
        self.lo = np.asarray(lo, dtype=np.int64).ravel().copy()
        self.hi = np.asarray(hi, dtype=np.int64).ravel().copy()
        self.data = np.zeros(order.size, dtype=np.int32)
        self._refresh()

    def _refresh(self, cells=None) -> None:
        cells = slice(None) if cells is None else cells
        up = np.clip(self.hi[cells] - self.x[cells], 0, BIG)
        down = np.clip(self.x[cells] - self.lo[cells], 0, BIG)
        self.data[self.pos_up[cells]] = up
        self.data[self.pos_down[cells]] = down

    def set_bounds(self, cells: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> None:
        """Change the bounds of some cells (e.g. a cell newly suppressed)."""
        self.lo[cells] = lo
        self.hi[cells] = hi
        self._refresh(cells)

    def _flow(self, cell: int, up: bool, limit: int):
        from scipy.sparse import csr_array
        from scipy.sparse.csgraph import maximum_flow

        start, end = (self.head[cell], self.tail[cell]) if up else \
            (self.tail[cell], self.head[cell])
        data = self.data.copy()
        data[self.pos_up[cell]] = 0
        data[self.pos_down[cell]] = 0
        data[self.pos_start[start]] = limit
        graph = csr_array((data, self.indices.copy(), self.indptr.copy()),
                          shape=(self.size, self.size))
        return maximum_flow(graph, self.source, int(end), method="edmonds_karp")

    def push(self, cell: int, up: bool, limit: int) -> int:
        """How far ``cell`` can move up (or down) from ``x``, up to ``limit``."""
        own = (self.hi[cell] - self.x[cell]) if up else (self.x[cell] - self.lo[cell])
        limit = int(min(limit, own, BIG))
        if limit <= 0:
            return 0
        return int(self._flow(cell, up, limit).flow_value)

    def interval(self, cell: int) -> tuple[int, int]:
        """The feasible ``[low, high]`` of one cell (``high`` is :data:`BIG` if unbounded)."""
        rise = self.push(cell, True, BIG)
        fall = self.push(cell, False, BIG)
        high = self.x[cell] + rise
        return int(self.x[cell] - fall), int(BIG if high >= BIG // 2 else high)

    def cheapest_path(self, cell: int, up: bool, need: int, cost: np.ndarray,
                      candidate: np.ndarray, lo_if: np.ndarray, hi_if: np.ndarray):
        """Cells to suppress so that ``cell`` can move ``need`` further up (or down).

        The largest move the table allows now is a maximum flow; what is missing has to
        come through cells not yet suppressed.  In the residual network left by that
        flow, a path from the head of the cell's arc back to its tail (for a rise; tail
        to head for a fall) closes a cycle along which the table can change while every
        line keeps its total.  An arc with room left is free; a ``candidate`` cell with
        no room now but room once suppressed (bounds ``lo_if``, ``hi_if``) costs
        ``cost``.  The cheapest such path (Dijkstra) is suppressed, and the search is
        repeated until the cell can move ``need``.  Returns the candidate cells chosen,
        or None when no path exists.
        """
        from scipy.sparse import csr_array
        from scipy.sparse.csgraph import dijkstra

        chosen: list = []
        start, end = (self.head[cell], self.tail[cell]) if up else \
            (self.tail[cell], self.head[cell])
        own = (self.hi[cell] - self.x[cell]) if up else (self.x[cell] - self.lo[cell])
        if own < need:
            return None
        while True:
            result = self._flow(cell, up, need)
            if result.flow_value >= need:
                return chosen
            through = np.asarray(result.flow[self.tail, self.head]).ravel()
            room_up = np.clip(self.hi - self.x, 0, BIG) - through
            room_down = np.clip(self.x - self.lo, 0, BIG) + through
            w_up = np.where(room_up > 0, FREE_WEIGHT,
                            np.where(candidate & (hi_if - self.x - through > 0), cost, 0.0))
            w_down = np.where(room_down > 0, FREE_WEIGHT,
                              np.where(candidate & (self.x - lo_if + through > 0), cost, 0.0))
            w_up[cell] = w_down[cell] = 0.0
            weights = np.zeros(self.data.size)
            weights[self.pos_up] = w_up
            weights[self.pos_down] = w_down
            graph = csr_array((weights, self.indices.copy(), self.indptr.copy()),
                              shape=(self.size, self.size))
            graph.eliminate_zeros()  # in place: hence the copies of the structure
            dist, pred = dijkstra(graph, indices=int(start), return_predecessors=True)
            if not np.isfinite(dist[end]):
                return None
            added = []
            node = int(end)
            while node != start:
                prev = int(pred[node])
                c = self.cell_between(prev, node)
                room = room_up[c] if self.tail[c] == prev else room_down[c]
                if room <= 0:
                    added.append(c)
                node = prev
            added = np.asarray(added, dtype=np.int64)
            self.set_bounds(added, lo_if[added], hi_if[added])
            candidate[added] = False
            chosen.extend(added.tolist())

    def cell_between(self, a: int, b: int) -> int:
        """The cell whose arc joins nodes ``a`` and ``b`` (one is a row, one a column)."""
        row, col = min(a, b), max(a, b)
        return row * (self.n_nodes - self.n_rows) + (col - self.n_rows)


def rectangle_room(shape: tuple[int, int], x: np.ndarray, lo: np.ndarray, hi: np.ndarray,
                   cells: np.ndarray, up: bool, need: np.ndarray) -> np.ndarray:
    """Can each cell move ``need`` up (or down) along one rectangle of the table?

    A quick, sufficient check done for many cells at once before any maximum flow: cell
    ``(i, j)`` changes by ``d``, two more cells of its row and column and the cell where
    their row and column cross change by ``d`` the other way or the same way, so that
    every line keeps its total (a total moves with its line's cells, an interior cell
    against them).  True if some rectangle has room; False means "ask the flow".
    """
    n_rows, n_cols = shape
    cells = np.asarray(cells, dtype=np.int64)
    need = np.asarray(need, dtype=np.int64)
    out = np.zeros(cells.size, dtype=bool)
    if cells.size == 0:
        return out
    x2, lo2, hi2 = (np.asarray(a, dtype=np.int64).reshape(shape) for a in (x, lo, hi))
    room_up, room_down = hi2 - x2, x2 - lo2
    r = np.where(np.arange(n_rows) < n_rows - 1, 1, -1)  # totals row moves with its column
    c = np.where(np.arange(n_cols) < n_cols - 1, 1, -1)
    sigma = 1 if up else -1
    i_all, j_all = np.divmod(cells, n_cols)
    for d in np.unique(need[need > 0]):
        pick = np.flatnonzero(need == d)
        i, j = i_all[pick], j_all[pick]

        def ok(sign: np.ndarray, d=d) -> np.ndarray:  # room d in direction sign (+1 up)
            return np.where(sign > 0, room_up >= d, room_down >= d)

        xx = {a: ok(a * c[None, :]) for a in (1, -1)}
        yy = {b: ok(b * r[:, None]) for b in (1, -1)}
        zz = {e: ok(e * r[:, None] * c[None, :]) for e in (1, -1)}
        a = -sigma * c[j]
        b = -sigma * r[i]
        e = sigma * c[j] * r[i]
        result = np.zeros(pick.size, dtype=bool)
        for av in (1, -1):
            for bv in (1, -1):
                for ev in (1, -1):
                    sel = np.flatnonzero((a == av) & (b == bv) & (e == ev))
                    if sel.size == 0:
                        continue
                    w = yy[bv].T.astype(np.int64) @ zz[ev].astype(np.int64)  # [j, k]
                    ii, jj = i[sel], j[sel]
                    count = w[jj, :] - (yy[bv][ii, jj][:, None] & zz[ev][ii, :])
                    hit = xx[av][ii, :] & (count > 0)
                    hit[np.arange(sel.size), jj] = False
                    result[sel] = hit.any(axis=1)
        own = (room_up if up else room_down)[i, j] >= d
        out[pick] = result & own
    return out
