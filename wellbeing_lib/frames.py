"""Backends: one core for pandas, polars, pyarrow, DuckDB and PySpark, through narwhals.

The computational core — the outcomes chain (:func:`~wellbeing_lib.outcomes.score`,
:func:`~wellbeing_lib.outcomes.pair_measurements`, :func:`~wellbeing_lib.outcomes.change`,
:func:`~wellbeing_lib.outcomes.improved_on_n`, :func:`~wellbeing_lib.outcomes.subgroup_summary`),
theme counting, service-use costing, diagnostic scoring and the counting under disclosure
control — is written once, in narwhals expressions, and pandas goes through it like every
other backend.  It and the checks of :mod:`wellbeing_lib.validation` accept any table that
`narwhals <https://narwhals-dev.github.io/narwhals/>`_ reads:

==========================  ======================  =========================================
backend                     kind                    row-level results come back as
==========================  ======================  =========================================
pandas ``DataFrame``        eager (the default)     pandas
polars ``DataFrame``        eager                   polars ``DataFrame``
pyarrow ``Table``           eager                   pyarrow ``Table``
polars ``LazyFrame``        lazy                    polars ``LazyFrame``
DuckDB relation             lazy                    DuckDB relation (nothing is computed)
PySpark / sqlframe          lazy                    the same kind of Spark ``DataFrame``
==========================  ======================  =========================================

The rule (ARCHITECTURE.md, "Backends"): a table with one row per record, client or
client × measure comes back in the caller's backend, lazily for a lazy one; a small table
of one row per group, rule or problem found (summaries, criteria, the pairing problems)
comes back as pandas, because it is small and feeds the statistics (Wilson intervals,
t intervals) and the reports.  Checks run where the data live: a lazy table is never
collected to check it; only the rows that fail a check are collected, to name them.

A lazy table is a plan, and each check that reads it runs the plan from the start.  So a
function that reads one table several times (the table of clients of a pairing) computes
it once with :func:`materialized`, where the data live (a DuckDB relation over rows held by
the connection, a polars ``DataFrame`` behind a ``LazyFrame``, a cached Spark
``DataFrame``), and several checks are made in one aggregate (:func:`flag_counts`; the
scores' ranges as each item's lowest and highest answer), the rows read again only when one
fails, to name them.  A lazy input is thus computed once per call to check it; the result
stays lazy.

Example
-------
>>> import pandas as pd
>>> backend_name(pd.DataFrame({"x": [1]}))
'pandas'
>>> frame = as_frame(pd.DataFrame({"x": [1, 2]}))
>>> column_names(frame), is_lazy(frame)
(['x'], False)
"""

from __future__ import annotations

import narwhals as nw
import pandas as pd

__all__ = [
    "as_frame",
    "backend_name",
    "is_pandas",
    "is_lazy",
    "column_names",
    "to_pandas",
    "to_native",
    "any_rows",
    "flag_counts",
    "count_rows",
    "failing_rows",
    "planned",
    "finished",
    "materialized",
    "row_names",
    "nan_as_missing",
    "group_values",
    "with_group_values",
    "ROW_COLUMN",
    "SUPPORTED",
]

#: what a table argument may be, for error messages
SUPPORTED = ("a pandas or polars DataFrame, a pyarrow Table, a polars LazyFrame, a DuckDB "
             "relation or a PySpark (or sqlframe) DataFrame")

#: the 0-based row position :func:`failing_rows` adds for an eager table
ROW_COLUMN = "__wellbeing_row"


def is_pandas(data) -> bool:
    """Whether ``data`` is a pandas DataFrame (the default backend)."""
    return isinstance(data, pd.DataFrame)


def as_frame(data, *, what: str = "data"):
    """``data`` as a narwhals ``DataFrame`` (eager) or ``LazyFrame`` (lazy).

    Raises
    ------
    TypeError
        For anything narwhals cannot read, naming what is accepted.

    Example
    -------
    >>> as_frame([1, 2])
    Traceback (most recent call last):
    ...
    TypeError: data must be a pandas or polars DataFrame, a pyarrow Table, a polars LazyFrame, a DuckDB relation or a PySpark (or sqlframe) DataFrame, not list
    """
    if isinstance(data, nw.DataFrame | nw.LazyFrame):
        return data
    try:
        return nw.from_native(data)
    except TypeError:
        raise TypeError(f"{what} must be {SUPPORTED}, not {type(data).__name__}") from None


def backend_name(data) -> str:
    """The backend of a table: ``pandas``, ``polars``, ``pyarrow``, ``duckdb``,
    ``sqlframe``, ``pyspark`` … (narwhals' name for it)."""
    frame = as_frame(data)
    return str(frame.implementation).lower().split(".")[-1]


def is_lazy(frame) -> bool:
    """Whether a (narwhals or native) table is lazy: DuckDB, Spark, a polars LazyFrame."""
    return isinstance(as_frame(frame), nw.LazyFrame)


def column_names(frame) -> list[str]:
    """The column names of a table, without computing anything."""
    return list(as_frame(frame).collect_schema().names())


def to_native(frame):
    """The caller's own object back from a narwhals frame."""
    return frame.to_native()


def to_pandas(frame) -> pd.DataFrame:
    """A (small) table as a pandas DataFrame: the way summary tables come back."""
    frame = as_frame(frame)
    if isinstance(frame, nw.LazyFrame):
        frame = frame.collect()
    out = frame.to_pandas()
    return out.reset_index(drop=True)


def count_rows(frame) -> int:
    """Number of rows (one aggregate on a lazy table)."""
    frame = as_frame(frame)
    if isinstance(frame, nw.DataFrame):
        return len(frame)
    return int(frame.select(nw.len()).collect().item())


def any_rows(frame, mask) -> bool:
    """Whether any row satisfies the boolean expression ``mask`` (a null counts as False).

    One aggregate where the data live; nothing else is collected.
    """
    return bool(flag_counts(frame, {"__flag": mask})["__flag"])


def flag_counts(frame, masks: dict) -> dict[str, int]:
    """How many rows satisfy each boolean expression of ``masks`` (a null counts as
    False): several checks in one aggregate where the data live (one pass over a lazy
    table, not one per check).  Only the counts are collected.

    Example
    -------
    >>> import narwhals as nw, pandas as pd
    >>> frame = as_frame(pd.DataFrame({"x": [1, 7, None, 9]}))
    >>> flag_counts(frame, {"big": nw.col("x") > 5, "missing": nw.col("x").is_null()})
    {'big': 2, 'missing': 1}
    """
    frame, _ = planned(frame)  # polars: one lazy aggregate, no column of flags held
    names = {name: f"__flag{i}" for i, name in enumerate(masks)}
    flags = frame.select(*(mask.fill_null(False).cast(nw.Int64()).alias(names[name])
                           for name, mask in masks.items()))
    counted = flags.select(*(nw.col(n).sum() for n in names.values()))  # window masks too
    if isinstance(counted, nw.LazyFrame):
        counted = counted.collect()
    row = counted.row(0)
    return {name: int(value or 0) for name, value in zip(names, row)}


def failing_rows(frame, mask, columns, *, line_column: str | None = None,
                 limit: int | None = None) -> pd.DataFrame:
    """The rows of ``frame`` where ``mask`` is true, as a small pandas table.

    Only those rows (and only ``columns``, the line column and, for an eager table, the
    0-based row position :data:`ROW_COLUMN`) are collected.  A lazy table has no row
    order, so its rows are named by ``line_column`` (``file_line``) when it has one.

    Example
    -------
    >>> import narwhals as nw, pandas as pd
    >>> frame = as_frame(pd.DataFrame({"x": [1, 7, 3, 9]}))
    >>> failing_rows(frame, nw.col("x") > 5, ["x"])
       __wellbeing_row  x
    0                1  7
    1                3  9
    """
    frame = as_frame(frame)
    names = column_names(frame)
    keep = list(dict.fromkeys(c for c in columns if c in names))
    if line_column is not None and line_column in names and line_column not in keep:
        keep.append(line_column)
    if isinstance(frame, nw.DataFrame):
        frame = frame.with_row_index(ROW_COLUMN)
        keep = [ROW_COLUMN, *keep]
    lazy = isinstance(frame, nw.LazyFrame)
    picked = frame.with_columns(mask.fill_null(False).alias("__flag")).filter(
        nw.col("__flag")).select(keep)
    if limit is not None:
        picked = picked.head(limit)
    out = to_pandas(picked)
    if lazy and line_column in out.columns:  # no row order: list them in file order
        out = out.sort_values(line_column, kind="stable").reset_index(drop=True)
    return out


def planned(frame):
    """``(frame, eager)``: an eager polars table as a LazyFrame, so that a chain of steps
    runs as one optimised query (no intermediate tables held in memory); any other table
    unchanged.  :func:`finished` turns the result back into the caller's kind."""
    frame = as_frame(frame)
    if isinstance(frame, nw.DataFrame) and frame.implementation is nw.Implementation.POLARS:
        return frame.lazy(), True
    return frame, False


def finished(frame, eager: bool):
    """The native result of a chain started by :func:`planned` (collected if the caller's
    table was eager)."""
    return (frame.collect() if eager else frame).to_native()


def materialized(frame):
    """A lazy table computed once and held where it lives, still lazy; an eager one as it is.

    For a table that a function reads several times (each read of a lazy table runs its
    whole plan again): a DuckDB relation over the rows it returned, held by its connection
    for as long as a relation reads them (``DuckDBPyRelation.materialize``); a polars
    ``LazyFrame`` over the collected ``DataFrame``; a PySpark ``DataFrame`` cached
    (``.cache()``, computed at the first action).  Other backends (sqlframe, whose cache
    is a temporary table written at every query) are returned unchanged.

    Example
    -------
    >>> import narwhals as nw, polars as pl
    >>> plan = as_frame(pl.LazyFrame({"x": [1, 2]})).with_columns(y=nw.col("x") * 2)
    >>> held = materialized(plan)
    >>> is_lazy(held), held.collect()["y"].to_list()
    (True, [2, 4])
    """
    frame = as_frame(frame)
    if not isinstance(frame, nw.LazyFrame):
        return frame
    impl = frame.implementation
    if impl is nw.Implementation.POLARS:
        return frame.collect().lazy()
    native = frame.to_native()
    if impl is nw.Implementation.DUCKDB and hasattr(native, "materialize"):
        return nw.from_native(native.materialize())
    if impl in (nw.Implementation.PYSPARK, nw.Implementation.PYSPARK_CONNECT):
        return nw.from_native(native.cache())
    return frame


def row_names(data, positions):
    """The names of rows of the caller's eager table ``data`` at 0-based ``positions``: a
    pandas DataFrame's index labels (the way pandas names a row), the positions themselves
    for another backend.

    Example
    -------
    >>> import pandas as pd, polars as pl
    >>> row_names(pd.DataFrame({"x": [1, 2, 3]}, index=[10, 11, 12]), [2, 0])
    [12, 10]
    >>> row_names(pl.DataFrame({"x": [1, 2, 3]}), [2, 0])
    [2, 0]
    """
    positions = [int(p) for p in positions]
    native = data.to_native() if isinstance(data, nw.DataFrame | nw.LazyFrame) else data
    if is_pandas(native):
        return list(native.index[positions])
    return positions


def nan_as_missing(value, frame):
    """The float expression ``value`` with NaN made a missing value (null), as pandas reads
    NaN: unchanged on pandas (there NaN already is the missing value), ``when``/``then``
    elsewhere (polars, pyarrow and SQL engines keep NaN apart from null).

    Example
    -------
    >>> import narwhals as nw, polars as pl
    >>> frame = as_frame(pl.DataFrame({"x": [1.0, float("nan"), None]}))
    >>> frame.select(nan_as_missing(nw.col("x"), frame).alias("x")).to_native()["x"].to_list()
    [1.0, None, None]
    """
    if as_frame(frame).implementation.is_pandas_like():
        return value
    return nw.when(value.is_nan()).then(nw.lit(None, nw.Float64())).otherwise(value)


def group_values(frame, keys, values: dict):
    """``(frame, expressions)``: for each ``{name: aggregate expression}`` of ``values``,
    an expression giving on each row the aggregate over its group of ``keys``
    (``value.over(*keys)``), to use on the ``frame`` returned.

    On a pyarrow table narwhals computes ``over`` by a join that does not keep the order
    of the rows, so the values would land on other rows: there the groups' values are
    joined on the keys (each key as text and whether it is missing, so missing keys form
    a group, as elsewhere), the rows put back in their order, and the expressions read
    those columns.  Elsewhere the frame is unchanged and nothing is computed yet.

    Example
    -------
    >>> import narwhals as nw, pyarrow as pa
    >>> frame = as_frame(pa.table({"k": ["a", "b", "a", None, None]}))
    >>> frame, found = group_values(frame, ["k"], {"n": nw.len()})
    >>> frame.select(found["n"]).get_column("n").to_list()
    [2, 1, 2, 2, 2]
    """
    frame = as_frame(frame)
    if frame.implementation is not nw.Implementation.PYARROW:
        return frame, {name: value.over(*keys).alias(name) for name, value in values.items()}
    coded = {}
    for j, key in enumerate(keys):
        coded[f"__key{j}"] = nw.col(key).cast(nw.String()).fill_null("")
        coded[f"__null{j}"] = nw.col(key).is_null()
    indexed = frame.with_row_index("__position").with_columns(
        *(expr.alias(name) for name, expr in coded.items()))
    groups = indexed.group_by(*coded).agg(*(value.alias(name)
                                            for name, value in values.items()))
    joined = indexed.join(groups, on=list(coded), how="left").sort("__position")
    return joined.drop("__position", *coded), {name: nw.col(name) for name in values}


def with_group_values(frame, keys, values: dict):
    """``frame`` with a column per ``{name: aggregate expression}`` of ``values``: on
    each row the aggregate over its group of ``keys`` (:func:`group_values`).

    Example
    -------
    >>> import narwhals as nw, pyarrow as pa
    >>> frame = as_frame(pa.table({"k": ["a", "b", "a"]}))
    >>> with_group_values(frame, ["k"], {"n": nw.len()}).get_column("n").to_list()
    [2, 1, 2]
    """
    frame, found = group_values(frame, keys, values)
    return frame.with_columns(*found.values())
