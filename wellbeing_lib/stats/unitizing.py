"""Agreement on *where* coders put codes in a continuum (a text): character overlap and
Krippendorff's unitizing alpha.

The input is one row per coded range: the continuum (a source text), the coder, and
``start``/``end`` character positions (end exclusive), optionally per variable (``by``,
e.g. the code).  A coder's overlapping ranges of one variable in one continuum are merged
first (coding the same words twice counts once).

* :func:`character_overlap` - per variable x continuum, the characters coded by the first
  coder, the second, both, and the continuum's length: the counts behind NVivo's coding
  comparison (percentage agreement and kappa with characters as units).
* :func:`unitized_alpha` - Krippendorff's alpha for unitizing, uα (Krippendorff 1995, "On
  the reliability of unitizing continuous data", *Sociological Methodology* 25:47-76;
  2004, *Content Analysis*, 2nd ed., section 12.4): the coders' sections (coded units and
  the gaps between them) are compared pairwise with

  .. math::

      \\delta^2_{ij} = \\begin{cases}
        (b_i - b_j)^2 + (b_i + l_i - b_j - l_j)^2 & \\text{two overlapping units} \\\\
        l_i^2 & \\text{unit } i \\text{ inside gap } j \\text{ (or the reverse, } l_j^2) \\\\
        0 & \\text{otherwise}
      \\end{cases}

  :math:`D_o = \\sum_{c \\ne m} \\sum_{i,j} \\delta^2 / (m(m-1)L^2)` and the expected
  disagreement :math:`D_e` over every way of placing the same units in the continuum of
  length :math:`L`; :math:`u\\alpha = 1 - D_o / D_e`.  Checked against Krippendorff's
  (2004, p. 254) worked example: uα 0.7286 for category c (D_o 0.0144, D_e 0.0532) and
  1 for k.  Several continua (sources) of one variable are one continuum of their total
  length whose sections never cross a source boundary.

Example
-------
>>> import pandas as pd
>>> units = pd.DataFrame({"continuum": "s1", "coder": ["A", "A", "B", "B", "B"],
...                       "start": [75, 220, 70, 205, 250], "end": [145, 250, 150, 225, 270]})
>>> unitized_alpha(units, {"s1": 300}).round(4)[["u_alpha", "d_observed", "d_expected"]]
   u_alpha  d_observed  d_expected
0   0.7286      0.0144      0.0532
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InvalidValueError
from ..validation import as_columns, check_labels, require_columns, rows_where
from ._ratings import check_coders

__all__ = ["character_overlap", "unitized_alpha"]


def _prepared(units, lengths, by, continuum, coder, start, end, coders, pairs: bool):
    """Checked, merged units with integer group/continuum/coder numbers."""
    if not isinstance(units, pd.DataFrame):
        raise TypeError(f"units must be a pandas DataFrame, not {type(units).__name__}")
    by_cols = as_columns(by) if by is not None else []
    require_columns(units, [*by_cols, continuum, coder, start, end], what="units")
    check_labels(units, [*by_cols, continuum, coder], "unit")
    size = pd.Series(lengths, dtype="float64") if not isinstance(lengths, pd.Series) \
        else lengths.astype("float64")
    if coders is None:
        chosen = check_coders(units[coder], None, coder=coder)
    else:  # listed coders may have coded nothing (their continua are all gap)
        chosen = list(coders)
        if len(set(chosen)) != len(chosen):
            raise ValueError(f"coders lists a coder twice: {chosen!r}")
    if pairs and len(chosen) != 2:
        raise InvalidValueError("character agreement compares two coders", column=coder,
                                expected="two coders (pass coders=[first, second])",
                                found=chosen)
    if len(chosen) < 2:
        raise InvalidValueError("agreement needs two or more coders", column=coder,
                                expected="two or more coders", found=chosen)
    frame = units[units[coder].isin(chosen)]
    cont = size.index.get_indexer(frame[continuum])
    if (cont < 0).any():
        raise InvalidValueError("continuum without a length", column=continuum,
                                expected="every continuum among lengths",
                                found=list(pd.unique(frame[continuum][cont < 0]))[:3],
                                **rows_where(frame, cont < 0))
    b = pd.to_numeric(frame[start], errors="coerce").to_numpy(float)
    e = pd.to_numeric(frame[end], errors="coerce").to_numpy(float)
    bad = ~(np.isfinite(b) & np.isfinite(e) & (b >= 0) & (e > b)
            & (e <= size.to_numpy()[np.maximum(cont, 0)]) & (b % 1 == 0) & (e % 1 == 0))
    if bad.any():
        raise InvalidValueError("range outside its continuum or empty", column=[start, end],
                                expected="whole numbers 0 <= start < end <= length",
                                found=[f"{x:g}-{y:g}" for x, y in zip(b[bad], e[bad])][:3],
                                **rows_where(frame, bad))
    if by_cols:
        grp, groups = (pd.MultiIndex.from_frame(frame[by_cols]).factorize() if len(by_cols) > 1
                       else pd.factorize(frame[by_cols[0]]))
    else:
        grp, groups = np.zeros(len(frame), dtype=np.int64), pd.Index([0])
    own = None  # the continuum is a by column: each group is that one continuum
    if continuum in by_cols:
        first = pd.Series(np.arange(len(frame))).groupby(np.asarray(grp)).first().to_numpy()
        own = cont[first]
    table = pd.DataFrame({"g": np.asarray(grp, dtype=np.int64), "s": cont,
                          "c": pd.Index(chosen).get_indexer(frame[coder]),
                          "b": b.astype(np.int64), "e": e.astype(np.int64)})
    table = table.sort_values(["g", "s", "c", "b", "e"], kind="stable")
    # merge a coder's overlapping ranges of one variable in one continuum
    key = table[["g", "s", "c"]]
    reach = table.groupby(["g", "s", "c"], sort=False)["e"].cummax()
    prev = reach.groupby([table["g"], table["s"], table["c"]], sort=False).shift(1)
    new = (prev.isna() | (table["b"] >= prev)).to_numpy()
    merged = pd.DataFrame({"g": key["g"].to_numpy()[new], "s": key["s"].to_numpy()[new],
                           "c": key["c"].to_numpy()[new], "b": table["b"].to_numpy()[new],
                           "e": np.maximum.reduceat(table["e"].to_numpy(), np.flatnonzero(new))
                           if len(table) else np.empty(0, dtype=np.int64)})
    return merged, groups, by_cols, chosen, size, own


def _sections(merged: pd.DataFrame, size: pd.Series, n_groups: int, n_coders: int, own=None):
    """Every coder's partition of every (group, continuum) into units and gaps.

    Returns a DataFrame (g, s, c, b, e, unit) sorted by (g, s, c, b); a (group,
    continuum, coder) without units is one gap of the whole continuum.
    """
    length = size.to_numpy().astype(np.int64)
    n_cont = len(length)
    units = merged.assign(unit=True)
    # gaps before each unit and after the last, per (g, s, c)
    key = (merged["g"].to_numpy() * n_cont + merged["s"].to_numpy()) * n_coders \
        + merged["c"].to_numpy()
    first = np.r_[True, key[1:] != key[:-1]] if len(key) else np.empty(0, bool)
    last = np.r_[key[1:] != key[:-1], True] if len(key) else np.empty(0, bool)
    gap_b = np.where(first, 0, np.r_[0, merged["e"].to_numpy()[:-1]] if len(key) else 0)
    before = pd.DataFrame({"g": merged["g"], "s": merged["s"], "c": merged["c"],
                           "b": gap_b, "e": merged["b"], "unit": False})
    after = pd.DataFrame({"g": merged["g"][last], "s": merged["s"][last],
                          "c": merged["c"][last], "b": merged["e"][last],
                          "e": length[merged["s"].to_numpy()[last]], "unit": False})
    # continua a coder left uncoded for a group: one whole gap
    if own is None:
        all_keys = np.arange(n_groups * n_cont * n_coders)
    else:
        all_keys = ((np.arange(n_groups) * n_cont + own)[:, None] * n_coders
                    + np.arange(n_coders)[None, :]).ravel()
    empty = np.setdiff1d(all_keys, np.unique(key))
    g, rest = np.divmod(empty, n_cont * n_coders)
    s, c = np.divmod(rest, n_coders)
    whole = pd.DataFrame({"g": g, "s": s, "c": c, "b": 0, "e": length[s], "unit": False})
    out = pd.concat([units, before, after, whole], ignore_index=True)
    out = out[out["e"] > out["b"]]
    return out.sort_values(["g", "s", "c", "b"], kind="stable").reset_index(drop=True)


def _pair_pieces(sections: pd.DataFrame, first: int, second: int, n_cont: int):
    """The pairs of sections of two coders that overlap (each once), as index arrays."""
    a = sections[sections["c"] == first]
    b = sections[sections["c"] == second]
    big = int(max(sections["e"].max(), 1)) + 1
    ka = (a["g"].to_numpy() * n_cont + a["s"].to_numpy()) * big + a["b"].to_numpy()
    kb = (b["g"].to_numpy() * n_cont + b["s"].to_numpy()) * big + b["b"].to_numpy()
    bounds = np.union1d(ka, kb)           # piece starts: every section start of either
    ia = np.searchsorted(ka, bounds, side="right") - 1
    ib = np.searchsorted(kb, bounds, side="right") - 1
    return a.iloc[ia], b.iloc[ib]


def _delta2(sa: pd.DataFrame, sb: pd.DataFrame) -> np.ndarray:
    """Krippendorff's delta^2 of each overlapping pair of sections (see the module)."""
    bi, li, ui = sa["b"].to_numpy(), (sa["e"] - sa["b"]).to_numpy(), sa["unit"].to_numpy()
    bj, lj, uj = sb["b"].to_numpy(), (sb["e"] - sb["b"]).to_numpy(), sb["unit"].to_numpy()
    diff = bi - bj
    both = ui & uj & (-li < diff) & (diff < lj)
    in_gap_j = ui & ~uj & (diff >= 0) & (lj - li >= diff)
    in_gap_i = ~ui & uj & (diff <= 0) & (li - lj >= -diff)
    out = np.zeros(len(bi))
    out[both] = (diff**2 + (diff + li - lj) ** 2)[both]
    out[in_gap_j] = (li**2)[in_gap_j]
    out[in_gap_i] = (lj**2)[in_gap_i]
    return out.astype(float)


def unitized_alpha(units: pd.DataFrame, lengths, *, by=None, continuum: str = "continuum",
                   coder: str = "coder", start: str = "start", end: str = "end",
                   coders=None) -> pd.DataFrame:
    """Krippendorff's unitizing alpha (uα) of coded ranges, per variable.

    Parameters
    ----------
    units : DataFrame
        One row per coded range: ``continuum``, ``coder``, ``start``, ``end`` (whole
        numbers, end exclusive) and the ``by`` columns.
    lengths : mapping or Series
        The length of every continuum (e.g. the number of characters of each text);
        continua nobody coded count too (as gaps).
    by : str or list of str, optional
        Variables analysed separately (e.g. ``"code"``; each is uα for one category).
        With ``continuum`` among them each continuum is analysed on its own; otherwise a
        variable's continua are pooled into one.
    continuum, coder, start, end : str
        Column names.
    coders : list, optional
        The coders compared (default all); two or more.

    Returns
    -------
    DataFrame
        One row per variable: the ``by`` columns, ``u_alpha``, ``d_observed``,
        ``d_expected``, ``n_units`` (merged ranges, all coders), ``length`` (of the
        continua: all of them, or the group's own when ``continuum`` is a ``by``
        column).  uα is NaN when nobody coded the variable (D_e = 0).

    Example
    -------
    Krippendorff (2004, p. 254), categories c and k on a continuum of 300:

    >>> import pandas as pd
    >>> rows = [("c", "A", 75, 145), ("c", "A", 220, 250), ("c", "B", 70, 150),
    ...         ("c", "B", 205, 225), ("c", "B", 250, 270), ("k", "A", 30, 90),
    ...         ("k", "A", 150, 200), ("k", "B", 30, 90), ("k", "B", 150, 200)]
    >>> units = pd.DataFrame(rows, columns=["category", "coder", "start", "end"])
    >>> out = unitized_alpha(units.assign(continuum="s"), {"s": 300}, by="category")
    >>> out.round(4)[["category", "u_alpha", "d_observed", "d_expected"]]
      category  u_alpha  d_observed  d_expected
    0        c   0.7286      0.0144      0.0532
    1        k   1.0000      0.0000      0.0490
    """
    merged, groups, by_cols, chosen, size, own = _prepared(units, lengths, by, continuum,
                                                           coder, start, end, coders, pairs=False)
    n_groups, n_cont, r = len(groups), len(size), len(chosen)
    if own is None:
        total = np.full(n_groups, float(size.sum()))
    else:
        total = size.to_numpy(float)[own]
    sections = _sections(merged, size, n_groups, r, own)
    # observed: every pair of coders, every overlapping pair of their sections
    observed = np.zeros(n_groups)
    for first in range(r):  # over coder pairs (a handful)
        for second in range(first + 1, r):
            sa, sb = _pair_pieces(sections, first, second, n_cont)
            observed += np.bincount(sa["g"].to_numpy(), weights=_delta2(sa, sb),
                                    minlength=n_groups)
    d_obs = 2.0 * observed / (r * (r - 1) * total**2)
    # expected: the same units placed anywhere among the gaps (Krippendorff 1995, eq. 14)
    is_unit = sections["unit"].to_numpy()
    length = (sections["e"] - sections["b"]).to_numpy().astype(float)
    g = sections["g"].to_numpy()
    n_c = np.bincount(g[is_unit], minlength=n_groups).astype(float)
    sq = np.bincount(g[is_unit], weights=(length * (length - 1))[is_unit], minlength=n_groups)
    gap_g, gap_l = g[~is_unit], length[~is_unit]
    order = np.lexsort((gap_l, gap_g))
    gap_g, gap_l = gap_g[order], gap_l[order]
    big = float(total.max()) + 2.0
    gap_key = gap_g * big + gap_l
    cum = np.r_[0.0, np.cumsum(gap_l)]
    grp_end = np.searchsorted(gap_g, np.arange(n_groups), side="right")
    ug, ul = g[is_unit], length[is_unit]
    lo = np.searchsorted(gap_key, ug * big + ul, side="left")   # first gap >= l
    hi = grp_end[ug]
    count, gap_sum = hi - lo, cum[hi] - cum[lo]
    term = (n_c[ug] - 1.0) * (2 * ul**3 - 3 * ul**2 + ul) / 3.0 \
        + ul**2 * (gap_sum - count * (ul - 1.0))
    numerator = 2.0 / total * np.bincount(ug, weights=term, minlength=n_groups)
    d_exp = numerator / (r * total * (r * total - 1.0) - sq)
    with np.errstate(invalid="ignore", divide="ignore"):
        u_alpha = np.where(d_exp > 0, 1.0 - d_obs / d_exp, np.nan)
    out = pd.DataFrame({"u_alpha": u_alpha, "d_observed": d_obs, "d_expected": d_exp,
                        "n_units": n_c.astype(np.int64), "length": total})
    if by_cols:
        keys = groups.to_frame(index=False) if len(by_cols) > 1 else \
            pd.DataFrame({by_cols[0]: groups})
        keys.columns = by_cols
        out = pd.concat([keys, out], axis=1)
    return out


def character_overlap(units: pd.DataFrame, lengths, *, by=None, continuum: str = "continuum",
                      coder: str = "coder", start: str = "start", end: str = "end",
                      coders=None) -> pd.DataFrame:
    """Characters coded by each of two coders and by both, per variable x continuum.

    Every (variable, continuum) pair is listed, coded or not, so that a continuum neither
    coder coded counts as agreement on absence.

    Returns
    -------
    DataFrame
        The ``by`` columns, ``continuum``, ``length``, ``a`` (characters coded by the
        first coder), ``b`` (by the second), ``both``.

    Example
    -------
    >>> import pandas as pd
    >>> units = pd.DataFrame({"continuum": ["s1", "s1", "s1"], "coder": ["A", "A", "B"],
    ...                       "start": [0, 5, 3], "end": [4, 9, 8]})
    >>> character_overlap(units, {"s1": 10, "s2": 6})
      continuum  length  a  b  both
    0        s1      10  8  5     4
    1        s2       6  0  0     0
    """
    merged, groups, by_cols, chosen, size, _ = _prepared(units, lengths, by, continuum, coder,
                                                         start, end, coders, pairs=True)
    n_groups, n_cont = len(groups), len(size)
    cells = n_groups * n_cont
    span = (merged["e"] - merged["b"]).to_numpy().astype(float)
    cell = merged["g"].to_numpy() * n_cont + merged["s"].to_numpy()
    is_a = merged["c"].to_numpy() == 0
    a = np.bincount(cell[is_a], weights=span[is_a], minlength=cells)
    b = np.bincount(cell[~is_a], weights=span[~is_a], minlength=cells)
    sections = _sections(merged, size, n_groups, 2)
    sa, sb = _pair_pieces(sections, 0, 1, n_cont)
    overlap = (np.minimum(sa["e"].to_numpy(), sb["e"].to_numpy())
               - np.maximum(sa["b"].to_numpy(), sb["b"].to_numpy()))
    both_units = sa["unit"].to_numpy() & sb["unit"].to_numpy() & (overlap > 0)
    piece_cell = sa["g"].to_numpy() * n_cont + sa["s"].to_numpy()
    both = np.bincount(piece_cell[both_units], weights=overlap[both_units], minlength=cells)
    g, s = np.divmod(np.arange(cells), n_cont)
    out = pd.DataFrame({continuum: size.index[s], "length": size.to_numpy()[s].astype(np.int64),
                        "a": a.astype(np.int64), "b": b.astype(np.int64),
                        "both": both.astype(np.int64)})
    if by_cols:
        keys = groups.to_frame(index=False) if len(by_cols) > 1 else \
            pd.DataFrame({by_cols[0]: groups})
        keys.columns = by_cols
        out = pd.concat([keys.iloc[g].reset_index(drop=True), out], axis=1)
    return out
