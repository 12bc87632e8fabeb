"""Counting where the data live: the small table of counts that suppression publishes.

Small-count suppression (:func:`~wellbeing_lib.privacy.suppress_small_counts`,
:func:`~wellbeing_lib.privacy.suppress_rows`) and the publishing gate
(:func:`~wellbeing_lib.privacy.publish`) work on a small pandas table of counts.  The
row-level data it is counted from may be in any backend of :mod:`wellbeing_lib.frames`
(pandas, polars, pyarrow, a polars LazyFrame, DuckDB, PySpark): :func:`count_table` (a
wide cross-tab, as ``pandas.crosstab`` gives) and :func:`count_groups` (a tidy table with
``n``) count them with one ``group_by`` where they live (a lazy table is computed in
place; only the counts per group are collected) and return pandas, with every
combination of categories present and a zero where no row has it, ready to publish.

Missing values in a grouping column are never dropped silently: by default they raise
an error naming the rows (``missing="raise"``); ``missing="category"`` counts them as
their own category, :data:`MISSING_LABEL` (``"(missing)"``), listed last.

Example
-------
>>> import polars as pl
>>> from wellbeing_lib.privacy import count_table, publish
>>> people = pl.DataFrame({"area": ["Exeter"] * 40 + ["Torbay"] * 30,
...                        "outcome": ["improved"] * 25 + ["same"] * 15
...                                   + ["improved"] * 12 + ["same"] * 18})
>>> counts = count_table(people, rows="area", columns="outcome")
>>> counts  # doctest: +NORMALIZE_WHITESPACE
outcome  improved  same
area
Exeter         25    15
Torbay         12    18
>>> publish(counts)  # doctest: +NORMALIZE_WHITESPACE
outcome  improved  same
area
Exeter         25    15
Torbay         10    20
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import narwhals as nw
import numpy as np
import pandas as pd

from ..errors import InvalidValueError
from ..frames import SUPPORTED, as_frame, backend_name, to_pandas
from ..validation import as_columns, check_choice, check_rows, require_columns

__all__ = ["count_table", "count_groups", "MISSING_LABEL"]

#: the category that missing values of a grouping column are counted in (missing="category")
MISSING_LABEL = "(missing)"
#: the column of counts in the tidy table of :func:`count_groups`
_N = "n"


def _not_counted(table, what: str) -> None:
    """Raise a named error for a table that is not the small pandas table of counts.

    Shared inside the package by the suppression functions and :func:`publish`: a table
    of another backend (row-level data, usually) is to be counted first.
    """
    if isinstance(table, pd.DataFrame):
        return
    try:
        kind = f"a {backend_name(table)} {type(table).__name__}"
    except TypeError:  # not a table at all
        raise InvalidValueError(
            f"{what} needs a pandas table of counts",
            expected="a pandas DataFrame (e.g. from privacy.count_table or pandas.crosstab)",
            found=[type(table).__name__]) from None
    raise InvalidValueError(
        f"{what} needs the small pandas table of counts, not the data it is counted from",
        expected="row-level data counted first where it lives with privacy.count_table(data, "
        "rows=..., columns=...) (a cross-tab) or privacy.count_groups(data, by=...) (a tidy "
        f"table with n), which take {SUPPORTED}; a summary table already small converted "
        "with wellbeing_lib.frames.to_pandas(table)",
        found=[kind])


def _checked_keys(data, keys: list, categories, missing: str):
    """Validate the grouping columns and the settings; the narwhals frame to count."""
    check_choice(missing, ("raise", "category"), name="missing")
    frame = as_frame(data, what="data")
    if not keys:
        raise InvalidValueError("no grouping column given", expected="at least one column")
    repeated = sorted({k for k in keys if keys.count(k) > 1}, key=str)
    if repeated:
        raise InvalidValueError("a column is given twice", column=repeated,
                                expected="each grouping column once")
    require_columns(data, keys, what="counting")
    unknown = sorted(set(categories or {}) - set(keys), key=str)
    if unknown:
        raise InvalidValueError("categories given for a column that is not counted",
                                column=unknown, expected="one of " + ", ".join(map(str, keys)))
    schema = frame.collect_schema()
    floats = [k for k in keys if schema[k].is_float()]
    if floats:  # NaN is a missing value, as in pandas, on every backend
        frame = frame.with_columns(nw.col(k).fill_nan(None) for k in floats)
    if missing == "raise":
        for key in keys:
            mask = nw.col(key).is_null()
            if key in floats:
                mask = mask | nw.col(key).is_nan()
            check_rows(data, mask,
                       problem="missing value in a grouping column", column=key,
                       expected="a category on every row, or missing='category' to count "
                       f"missing values as {MISSING_LABEL!r}", show=False)
    return frame


def _as_labels(values: pd.Series) -> pd.Series:
    """Key values collected from any backend as one pandas type (text as ``str``)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype(object)
    if pd.api.types.infer_dtype(values, skipna=True) == "string":
        return values.astype("str")
    return values


def _levels(key: str, values: pd.Series, given, missing: bool) -> pd.Index:
    """The categories of one grouping column, in order, ``(missing)`` last when present."""
    present = values[values.notna()]
    observed = pd.Index(pd.unique(present))
    if given is None:
        levels = observed.sort_values()
    else:
        levels = pd.Index(list(given))
        if levels.has_duplicates:
            raise InvalidValueError("a category is listed twice", column=key,
                                    found=list(levels[levels.duplicated()].unique()))
        extra = observed[~observed.isin(levels)]
        if len(extra):
            raise InvalidValueError(
                "value not among the categories given", column=key,
                expected="one of " + ", ".join(map(str, levels)),
                found=sorted(map(str, extra)))
    if missing:
        if MISSING_LABEL in observed:  # would be counted with the missing values
            raise InvalidValueError(
                f"a category is written {MISSING_LABEL!r}, the label of missing values",
                column=key, expected="another name for that category, or missing='raise'",
                found=[MISSING_LABEL])
        levels = levels.append(pd.Index([MISSING_LABEL]))
    return levels.rename(key)


def _codes(counted: pd.DataFrame, keys: list, levels: list) -> np.ndarray:
    """Each counted group's position in the product of the keys' categories."""
    codes = []
    for key, level in zip(keys, levels):
        values = counted[key]
        code = level.get_indexer(values.where(values.notna(), MISSING_LABEL)
                                 if MISSING_LABEL in level else values)
        codes.append(code)
    sizes = tuple(len(level) for level in levels)
    return np.ravel_multi_index(tuple(codes), sizes) if codes else np.zeros(0, np.int64)


def _grouped(data, keys: list, categories, missing: str):
    """Count the rows of each combination of ``keys`` where the data live.

    Returns the categories of each key (a ``pandas.Index`` each) and the counts over their
    product, as a flat ``int64`` array in row-major order.
    """
    categories = dict(categories or {})
    frame = _checked_keys(data, keys, categories, missing)
    counted = to_pandas(frame.group_by(*keys, drop_null_keys=False).agg(nw.len().alias(_N)))
    levels = []
    for key in keys:
        counted[key] = _as_labels(counted[key])
        levels.append(_levels(key, counted[key], categories.get(key),
                              bool(counted[key].isna().any())))
    sizes = [len(level) for level in levels]
    flat = np.zeros(int(np.prod(sizes, dtype=np.int64)), dtype=np.int64)
    if len(counted):
        flat[_codes(counted, keys, levels)] = counted[_N].to_numpy(dtype=np.int64)
    return levels, flat


def _axis(levels: list) -> pd.Index:
    if len(levels) == 1:
        return levels[0]
    return pd.MultiIndex.from_product(levels, names=[level.name for level in levels])


def count_table(
    data,
    rows: str | Sequence[str],
    columns: str | Sequence[str],
    *,
    categories: Mapping[str, Sequence] | None = None,
    missing: str = "raise",
) -> pd.DataFrame:
    """Count row-level data into a cross-tab (as ``pandas.crosstab``), where it lives.

    One ``group_by`` over ``rows`` and ``columns`` is computed by the data's own backend
    (lazily for DuckDB, PySpark or a polars LazyFrame); only the counts per group are
    collected.  Every combination of categories is present, with 0 where no row has it,
    so the table can go straight to :func:`~wellbeing_lib.privacy.publish` or
    :func:`~wellbeing_lib.privacy.suppress_small_counts`.

    Parameters
    ----------
    data : table
        One row per person (or record), in any backend of :mod:`wellbeing_lib.frames`:
        a pandas or polars DataFrame, a pyarrow Table, a polars LazyFrame, a DuckDB
        relation or a PySpark (or sqlframe) DataFrame.  Not modified.
    rows, columns : str or list of str
        The grouping columns whose categories become the table's rows and columns (a
        ``MultiIndex`` for several).
    categories : dict, optional
        ``{column: categories in order}`` for any grouping column: categories no row has
        (an age band with nobody in it) appear as zeros, and a value not listed raises
        an error.  Other columns: the values found, sorted.
    missing : {"raise", "category"}, default "raise"
        A missing value in a grouping column raises an error naming the rows; with
        ``"category"`` missing values are counted as their own category,
        :data:`MISSING_LABEL` (``"(missing)"``), last.  They are never dropped.

    Returns
    -------
    DataFrame
        pandas, ``int64`` counts: index = the categories of ``rows``, columns = the
        categories of ``columns`` (named after them, as ``pandas.crosstab``).

    Raises
    ------
    MissingColumnError
        A grouping column is not in ``data``.
    InvalidValueError
        A missing value (``missing="raise"``), a value not among ``categories``, a
        column given twice or an invalid setting.
    TypeError
        ``data`` is not a table of a supported backend.

    See Also
    --------
    count_groups : the same counts as a tidy table with ``n``.

    Example
    -------
    >>> import pandas as pd
    >>> people = pd.DataFrame({"area": ["Exeter", "Exeter", "Torbay", None],
    ...                        "outcome": ["same", "improved", "same", "same"]})
    >>> count_table(people, "area", "outcome", missing="category",  # doctest: +NORMALIZE_WHITESPACE
    ...             categories={"outcome": ["improved", "same", "worse"]})
    outcome    improved  same  worse
    area
    Exeter            1     1      0
    Torbay            0     1      0
    (missing)         0     1      0
    """
    rows, columns = as_columns(rows), as_columns(columns)
    if not rows or not columns:
        raise InvalidValueError("count_table needs rows and columns",
                                expected="rows=... and columns=... (or count_groups(by=...))")
    levels, flat = _grouped(data, rows + columns, categories, missing)
    index, cols = _axis(levels[:len(rows)]), _axis(levels[len(rows):])
    return pd.DataFrame(flat.reshape(len(index), len(cols)), index=index, columns=cols)


def count_groups(
    data,
    by: str | Sequence[str],
    *,
    categories: Mapping[str, Sequence] | None = None,
    missing: str = "raise",
) -> pd.DataFrame:
    """Count row-level data by group into a tidy table with ``n``, where it lives.

    The tidy view of :func:`count_table`: one row per combination of the categories of
    ``by`` (every combination, 0 where no row has it), counted by one ``group_by`` in the
    data's own backend.  :func:`~wellbeing_lib.privacy.publish` and
    :func:`~wellbeing_lib.privacy.suppress_rows` take it as it is.

    Parameters
    ----------
    data : table
        As for :func:`count_table`: any backend of :mod:`wellbeing_lib.frames`.
    by : str or list of str
        The grouping columns.
    categories, missing
        As for :func:`count_table`.

    Returns
    -------
    DataFrame
        pandas: the ``by`` columns, then ``n`` (``int64``), one row per combination in
        the order of the categories (the first column slowest).

    Raises
    ------
    MissingColumnError, InvalidValueError, TypeError
        As for :func:`count_table`.

    Example
    -------
    >>> import pandas as pd
    >>> people = pd.DataFrame({"area": ["Exeter", "Exeter", "Torbay"],
    ...                        "sex": ["F", "M", "F"]})
    >>> count_groups(people, ["area", "sex"])
         area sex  n
    0  Exeter   F  1
    1  Exeter   M  1
    2  Torbay   F  1
    3  Torbay   M  0
    """
    by = as_columns(by)
    levels, flat = _grouped(data, by, categories, missing)
    keys = _axis(levels)
    if not isinstance(keys, pd.MultiIndex):
        keys = pd.MultiIndex.from_arrays([keys], names=[keys.name])
    out = keys.to_frame(index=False)
    out[_N] = flat
    return out

