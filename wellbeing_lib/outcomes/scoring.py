"""Scoring: totals (or validated single items) per respondent, on DataFrames or arrays.

:func:`score` validates every answer (text labels, whole numbers, the range), names the
columns, rows and file lines of any that are wrong, and totals summed instruments
(SWEMWBS also gets its metric score); :func:`score_array` is the vectorised path for
numpy arrays of a million questionnaires.

Example
-------
>>> import pandas as pd
>>> answers = pd.DataFrame({f"swemwbs_{i}": [4, 3] for i in range(1, 8)})
>>> score(answers, "swemwbs")
   swemwbs_raw  swemwbs_metric  n_answered  prorated
0         28.0           25.03           7     False
1         21.0           19.25           7     False
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Mapping

import narwhals as nw
import numpy as np
import pandas as pd

from ..errors import InvalidValueError
from ..frames import any_rows, as_frame, failing_rows, finished, nan_as_missing, planned
from ..validation import (
    LINE_COLUMN,
    NUMBER_TEXT,
    check_not_empty,
    check_unique,
    failing_location,
    require_columns,
    warn_all_missing,
)
from .conversion import _conversion_table, _convert
from .instruments import Instrument, _resolve

__all__ = ["score", "score_array", "MISSING_POLICIES", "MAX_FOUND"]


#: how missing items are handled by :func:`score` and :func:`score_array`
MISSING_POLICIES = ("complete", "prorate")
#: how many offending values an error message from the array path collects
MAX_FOUND = 10


# ----------------------------------------------------------------------- scoring
def _item_columns(inst: Instrument, items) -> list[str]:
    if items is None:
        return list(inst.items)
    if isinstance(items, str):
        items = [items]
    if isinstance(items, Mapping):
        unknown = [k for k in items if k not in inst.items]
        if unknown:
            raise InvalidValueError(
                f"unknown item for {inst.id}", column=unknown,
                expected="keys among " + ", ".join(inst.items),
            )
        cols = [items.get(k, k) for k in inst.items]
    else:
        cols = list(items)
        if len(cols) != inst.n_items:
            raise InvalidValueError(
                f"wrong number of item columns for {inst.id}", column=cols,
                expected=f"{inst.n_items} columns in questionnaire order",
                found=[f"{len(cols)} columns"],
            )
    if len(set(cols)) != len(cols):
        raise InvalidValueError("item column named twice", column=cols,
                                expected="distinct columns")
    return cols


def _shown(value) -> str:
    if isinstance(value, np.generic):
        value = value.item()
    return repr(value) if isinstance(value, str) else f"{value}"


def _range_text(inst: Instrument) -> str:
    kind = "a whole number" if inst.integer else "a number"
    return f"{kind} between {inst.item_min:g} and {inst.item_max:g}"


def score(
    data: pd.DataFrame,
    instrument,
    items=None,
    missing: str = "complete",
    max_missing: int = 1,
    key=None,
    keep=None,
) -> pd.DataFrame:
    """Score an instrument for every respondent (one row per row of ``data``).

    For ``scoring="sum"`` instruments (WEMWBS, SWEMWBS, UCLA-3) the total is
    ``<id>_raw = Σ items``; for SWEMWBS ``swemwbs_metric`` is added from the
    published conversion table (:func:`swemwbs_metric`).  For ``scoring="items"``
    instruments (ONS4, MYCaW, PAM score, ``social_inclusion``) each item is
    validated and returned under its canonical name.

    Parameters
    ----------
    data : DataFrame
        One row per respondent (and time point); not modified.
    instrument : str or Instrument
        Registry id (``"swemwbs"``, ``"ucla3"``…) or a :func:`define_instrument`.
    items : list of str or dict, optional
        The item columns in questionnaire order, or ``{default_name: column}``
        for the ones named differently.  Default: the instrument's names
        (``swemwbs_1`` … ``swemwbs_7``, ``ucla_1`` … ``ucla_3``, ``pam_score``…).
    missing : {"complete", "prorate"}, default "complete"
        No official prorating rule has been published for these scales, so by
        default any missing item makes the total missing.  ``"prorate"`` allows
        up to ``max_missing`` missing items and scales the mean of the answered
        items: ``total = mean(answered) × n_items``.
    max_missing : int, default 1
        Used with ``missing="prorate"``.  ``missing`` and ``max_missing`` apply
        to summed instruments only: items scored separately are simply
        present or missing.
    key : str or list of str, optional
        The columns that identify one questionnaire (e.g. ``["client_id", "time"]``):
        checked to be unique, so that a client entered twice is not scored twice
        (:class:`~wellbeing_lib.errors.DuplicateKeyError` naming the rows).  Long data
        with repeats meant to be resolved later go through
        :func:`~wellbeing_lib.outcomes.pair_measurements`, which reports them.
    keep : str or list of str, optional
        Columns of ``data`` to repeat before the scores (e.g. ``["client_id", "time"]``).
        A lazy table (DuckDB, Spark) has no row order to line the scores up with, so
        there keep the columns that identify each questionnaire.

    Returns
    -------
    DataFrame
        A table of the kind of ``data`` (pandas, polars, pyarrow; lazily for DuckDB,
        Spark or a polars LazyFrame: :mod:`wellbeing_lib.frames`).  For pandas, indexed
        like ``data``.  ``<id>_raw`` (float; NaN when not scoreable),
        ``<id>_metric`` (SWEMWBS), ``n_answered`` and ``prorated`` for summed
        instruments; the item columns and ``n_answered`` otherwise.

    Raises
    ------
    MissingColumnError
        If an item column is absent.
    InvalidValueError
        For text that is not a response label, non-whole or out-of-range
        answers — naming the columns, rows (and file lines) and the values; for a
        table with no rows.
    DuplicateKeyError
        A ``key`` repeated.

    Warns
    -----
    DataWarning
        An item column with every answer blank (every total would be missing).

    Notes
    -----
    Text answers (e.g. ``"Some of the time"``) are mapped with the
    instrument's response labels, ignoring case and extra spaces; numbers
    stored as text are read as numbers and blank text is a missing answer.
    A prorated SWEMWBS total is generally not a whole number: its metric score
    is looked up after rounding the raw total half up (24.5 → 25), while
    ``swemwbs_raw`` keeps the unrounded value.

    Example
    -------
    >>> import numpy as np, pandas as pd
    >>> df = pd.DataFrame({"ucla_1": [1, 3, "Often"], "ucla_2": [2, 3, np.nan],
    ...                    "ucla_3": [1, "some of the time", 3]}, index=["a", "b", "c"])
    >>> score(df, "ucla3")
       ucla3_raw  n_answered  prorated
    a        4.0           3     False
    b        8.0           3     False
    c        NaN           2     False
    >>> score(df, "ucla3", missing="prorate").loc["c", "ucla3_raw"]
    np.float64(9.0)
    """
    inst = _resolve(instrument)
    if missing not in MISSING_POLICIES:
        raise ValueError(f"missing must be one of {MISSING_POLICIES}, not {missing!r}")
    cols = _item_columns(inst, items)
    keep = [keep] if isinstance(keep, str) else list(keep or [])
    require_columns(data, [*cols, *keep], what=f"{inst.id} items")
    check_not_empty(data, what=f"a {inst.id} questionnaire to score")
    if key is not None:
        check_unique(data, key)
    warn_all_missing(data, cols, what=f"{inst.id} answers", stacklevel=2)
    _check_max_missing(inst, missing, max_missing)
    return _score_frame(data, inst, cols, missing, max_missing, keep)


def _check_max_missing(inst: Instrument, missing: str, max_missing) -> None:
    k = inst.n_items
    if missing != "prorate" or inst.scoring == "items":
        return
    if (not isinstance(max_missing, int | np.integer) or isinstance(max_missing, bool)
            or not 0 <= max_missing < k):
        raise ValueError(f"max_missing must be a whole number from 0 to {k - 1} for "
                         f"{inst.id}, not {max_missing!r}")


# ---------------------------------------------- scoring on every backend (narwhals)


def _answer_exprs(frame, inst: Instrument, cols: list[str]):
    """Per item: the answer as Float64 and a flag for text that is not an answer."""
    schema = frame.collect_schema()
    labels = {text: float(v) for text, v in inst.response_map().items()}
    values, unknown = [], []
    for col in cols:
        dtype = schema[col]
        if dtype == nw.Boolean:
            values.append(nw.lit(None, nw.Float64()))
            unknown.append(~nw.col(col).is_null())
        elif dtype.is_numeric():
            values.append(nw.col(col).cast(nw.Float64()))
            unknown.append(None)  # a number is never an unrecognised answer
        else:
            text = (nw.col(col).cast(nw.String()).str.replace_all(r"\s+", " ")
                    .str.strip_chars().str.to_lowercase())
            number = text.str.contains(NUMBER_TEXT)
            label = (text.replace_strict(labels, default=None, return_dtype=nw.Float64())
                     if labels else nw.lit(None, nw.Float64()))
            as_number = nw.when(number).then(text).otherwise(None).cast(nw.Float64())
            values.append(nw.when(~label.is_null()).then(label).otherwise(as_number))
            unknown.append(~nw.col(col).is_null() & (text != "") & label.is_null() & ~number)
    return values, unknown


def _raise_cells_frame(data, frame, problem, cols, flags, expected) -> None:
    """One InvalidValueError for the cells flagged (a boolean expression per item): one
    aggregate, then only the offending rows are collected."""
    names = [f"__bad{j}" for j in range(len(cols))]
    flagged = frame.with_columns(*(f.fill_null(False).alias(n) for f, n in zip(flags, names)))
    anywhere = nw.any_horizontal(*(nw.col(n) for n in names), ignore_nulls=True)
    if not any_rows(flagged, anywhere):
        return
    rows = failing_rows(flagged, anywhere, [*cols, *names], line_column=LINE_COLUMN)
    bad = rows[names].to_numpy(dtype=bool)
    bad_cols = [c for c, m in zip(cols, bad.any(axis=0)) if m]
    found = [f"{cols[j]}={_shown(rows[cols[j]].iloc[i])}" for i, j in zip(*np.nonzero(bad[:10]))]
    raise InvalidValueError(problem, column=bad_cols if len(bad_cols) > 1 else bad_cols[0],
                            expected=expected, found=found, **failing_location(data, rows))


def _score_frame(data, inst: Instrument, cols: list[str], missing: str, max_missing, keep):
    """:func:`score` as narwhals expressions: validated where the data live, the scores
    (and ``keep``) returned in the caller's backend, lazily for a lazy table."""
    frame = as_frame(data)
    values, unknown = _answer_exprs(frame, inst, cols)
    expected = _range_text(inst)
    if inst.response_labels:
        expected += " or one of: " + ", ".join(inst.response_labels)
    problem = "unrecognised answer" if inst.response_labels else "non-numeric value"
    if any(flag is not None for flag in unknown):
        _raise_cells_frame(data, frame, problem, cols,
                           [nw.lit(False) if f is None else f for f in unknown], expected)
    names = [f"__v{j}" for j in range(len(cols))]
    plan, eager = planned(frame)
    answers = plan.with_columns(*(v.alias(n) for v, n in zip(values, names)))
    answers = answers.with_columns(*(nan_as_missing(nw.col(n), answers).alias(n)
                                     for n in names))  # NaN is a missing answer
    present = [~nw.col(n).is_null() for n in names]
    fractional = [p & (nw.col(n) != nw.col(n).round(0)) for p, n in zip(present, names)]
    outside = [p & ((nw.col(n) < inst.item_min) | (nw.col(n) > inst.item_max))
               for p, n in zip(present, names)]
    wrong = [(f | o) if inst.integer else o for f, o in zip(fractional, outside)]
    # a table in memory is checked cell by cell at once (a comparison costs less there
    # than the lowest and highest answers); a plan first by the answers' range
    in_memory = isinstance(answers, nw.DataFrame)
    if (in_memory or _may_be_wrong(answers, names, inst)) and any_rows(
            answers, nw.any_horizontal(*wrong, ignore_nulls=True)):  # cell by cell: to name
        # an eager table's rows are named by position: check the eager answers, not the plan
        checked = answers.collect() if eager else answers
        if inst.integer:
            _raise_cells_frame(data, checked, "not a whole number", cols, fractional,
                               _range_text(inst))
        _raise_cells_frame(data, checked, "answer out of range", cols, outside, _range_text(inst))
    k = len(cols)
    n_answered = nw.sum_horizontal(*(p.cast(nw.Int64()) for p in present))
    out = [nw.col(c) for c in keep]
    if inst.scoring == "items":
        out += [nw.col(n).alias(name) for n, name in zip(names, inst.items)]
        out.append(n_answered.alias("n_answered"))
        return finished(answers.select(out), eager)
    sums = nw.sum_horizontal(*(nw.col(n) for n in names))
    if missing == "complete":  # a plain sum is missing as soon as an item is
        total = functools.reduce(operator.add, (nw.col(n) for n in names))
        prorated = nw.lit(False)
    else:
        ok = (k - n_answered) <= max_missing
        total = nw.when(ok).then(sums / n_answered * k).otherwise(None)
        prorated = ok & (n_answered < k)
    raw_name = f"{inst.id}_raw"
    scored = answers.select(*out, total.alias(raw_name), n_answered.alias("n_answered"),
                            prorated.alias("prorated"))
    if inst.conversion is not None:
        metric = _metric_expr(nw.col(raw_name), inst.conversion, half_up=missing == "prorate",
                              lookup=answers.implementation in _LOOKUP_BACKENDS)
        scored = scored.with_columns(metric.alias(f"{inst.id}_metric")).select(
            *keep, raw_name, f"{inst.id}_metric", "n_answered", "prorated")
    return finished(scored, eager)


def _may_be_wrong(answers, names: list[str], inst: Instrument) -> bool:
    """Whether an answer may be out of range or (for whole-number items) not whole: one
    aggregate of each item's lowest, highest and largest fractional part, far cheaper
    where the data live than a flag per cell.  False means every answer is valid; True
    sends the caller to the check cell by cell, which names them."""
    parts = []
    for n in names:
        v = nw.col(n)
        parts += [v.min().alias(n + "_lo"), v.max().alias(n + "_hi")]
        if inst.integer:
            parts.append((v - v.floor()).abs().max().alias(n + "_frac"))
    found = answers.select(*parts).lazy().collect().rows(named=True)[0]
    for n in names:
        low, high, frac = found[n + "_lo"], found[n + "_hi"], found.get(n + "_frac")
        if low is None:  # no answer to this item
            continue
        if not inst.item_min <= low <= high <= inst.item_max or (frac is not None and frac != 0):
            return True
    return False


#: backends whose ``replace_strict`` is a lookup (elsewhere an IN list becomes a join that a
#: later query cannot prune, so the metric is a search over the raw totals instead)
_LOOKUP_BACKENDS = (nw.Implementation.POLARS, nw.Implementation.PANDAS,
                    nw.Implementation.PYARROW)


def _metric_expr(raw, table: str, *, half_up: bool, lookup: bool = True):
    """The raw-to-metric lookup of :func:`~wellbeing_lib.outcomes.swemwbs_metric` as an
    expression (prorated totals rounded half up first, as :func:`score` does).

    ``lookup=False``: a binary search over the whole raw totals (``when``/``then``, about
    five comparisons a row), a plain projection that SQL engines evaluate quickly and
    leave out of any later query that does not read the metric.

    Example
    -------
    >>> import narwhals as nw, polars as pl
    >>> raw = nw.from_native(pl.DataFrame({"raw": [7.0, 21.0, 35.0, 36.0, None]}))
    >>> [raw.select(_metric_expr(nw.col("raw"), "swemwbs_raw_to_metric.csv", half_up=False,
    ...                          lookup=way).alias("m")).to_native()["m"].to_list()
    ...  for way in (True, False)]
    [[7.0, 19.25, 35.0, None, None], [7.0, 19.25, 35.0, None, None]]
    """
    lo, _, metric = _conversion_table(table)
    if half_up:
        raw = (raw.round(9) + 0.5).floor()
    if lookup:
        mapping = {float(lo + i): float(v) for i, v in enumerate(metric)}
        return raw.replace_strict(mapping, default=None, return_dtype=nw.Float64())

    def search(first: int, last: int):  # the metric of raw totals lo + first … lo + last
        if first == last:
            return nw.when(raw == float(lo + first)).then(
                nw.lit(float(metric[first]), nw.Float64())).otherwise(None)
        middle = (first + last + 1) // 2
        return nw.when(raw < float(lo + middle)).then(search(first, middle - 1)).otherwise(
            search(middle, last))

    return search(0, len(metric) - 1)


def score_array(values, instrument, *, missing: str = "complete", max_missing: int = 1,
                convert: bool = True) -> np.ndarray:
    """Score a numeric array of item answers: the vectorised path under :func:`score`.

    For large data (a million questionnaires) held as numpy arrays rather than a
    DataFrame.  The answers are validated in a few passes over the whole array
    (range, whole numbers), summed and, for SWEMWBS, converted to metric scores by
    a table lookup.  Rules are those of :func:`score`.

    Parameters
    ----------
    values : array-like, shape (n, k) or (n,)
        Numeric answers, one column per item in questionnaire order (NaN = missing);
        a 1-D array for a single-item measure (PAM score, social inclusion).
    instrument : str or Instrument
    missing : {"complete", "prorate"}, default "complete"
        As for :func:`score`.
    max_missing : int, default 1
        As for :func:`score`.
    convert : bool, default True
        For SWEMWBS, return metric scores (the conversion table); False returns the
        raw total.

    Returns
    -------
    ndarray of float, shape (n,)
        The score (NaN when not scoreable).

    Raises
    ------
    InvalidValueError
        For a wrong number of columns, non-numeric values, non-whole or out-of-range
        answers (naming the item columns and the 0-based row positions).

    Example
    -------
    >>> import numpy as np
    >>> score_array(np.array([[4, 4, 4, 4, 4, 4, 4], [3, 3, 3, 3, 3, 3, np.nan]]), "swemwbs")
    array([25.03,   nan])
    >>> score_array([[1, 2, 3]], "ucla3")
    array([6.])
    """
    inst = _resolve(instrument)
    if missing not in MISSING_POLICIES:
        raise ValueError(f"missing must be one of {MISSING_POLICIES}, not {missing!r}")
    arr = np.asarray(values)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2 or arr.shape[1] != inst.n_items:
        raise InvalidValueError(
            f"wrong shape of the answers for {inst.id}", column=list(inst.items),
            expected=f"an array of shape (n, {inst.n_items})", found=[f"shape {arr.shape}"],
        )
    if inst.scoring == "items" and inst.n_items > 1:
        raise InvalidValueError(
            f"{inst.id} items are scored separately (there is no total)", column=list(inst.items),
            expected="one item column at a time, via a single-item instrument or score()",
        )
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.number):
        raise InvalidValueError(f"non-numeric answers for {inst.id}", column=list(inst.items),
                                expected=_range_text(inst), found=[f"dtype {arr.dtype}"])
    is_float = np.issubdtype(arr.dtype, np.floating)
    cols = list(inst.items)

    def fail(problem, mask):
        rows = np.flatnonzero(mask.any(axis=1))
        bad = [c for c, m in zip(cols, mask.any(axis=0)) if m]
        raise InvalidValueError(problem, column=bad if len(bad) > 1 else bad[0],
                                rows=list(rows), expected=_range_text(inst),
                                found=list(arr[mask][:MAX_FOUND]))

    if arr.size:
        lowest = np.fmin.reduce(arr, axis=None) if is_float else arr.min()
        highest = np.fmax.reduce(arr, axis=None) if is_float else arr.max()
        if lowest < inst.item_min or highest > inst.item_max:
            with np.errstate(invalid="ignore"):
                fail("answer out of range", (arr < inst.item_min) | (arr > inst.item_max))
        if inst.integer and is_float:
            frac = arr != np.rint(arr)  # also True for NaN: look closer only then
            if frac.any():
                frac &= ~np.isnan(arr)
                if frac.any():
                    fail("not a whole number", frac)
    k = inst.n_items
    if inst.scoring == "items":
        return arr[:, 0].astype(float)
    whole = inst.integer
    if missing == "complete":
        total = arr.sum(axis=1, dtype=float)
    else:
        if (not isinstance(max_missing, int | np.integer) or isinstance(max_missing, bool)
                or not 0 <= max_missing < k):
            raise ValueError(f"max_missing must be a whole number from 0 to {k - 1} for "
                             f"{inst.id}, not {max_missing!r}")
        answered = k - np.isnan(arr).sum(axis=1) if is_float else np.full(len(arr), k)
        with np.errstate(invalid="ignore", divide="ignore"):
            total = np.where(k - answered <= max_missing,
                             np.nansum(arr, axis=1) / answered * k, np.nan)
        whole = False
    if inst.conversion is None or not convert:
        return total
    if not whole:
        return _convert(total, inst.conversion, "half_up")
    lo, _, metric = _conversion_table(inst.conversion)
    present = ~np.isnan(total)
    idx = np.where(present, total, lo).astype(np.intp) - lo
    return np.where(present, metric[idx], np.nan)
