"""The backends every core test runs on, and their results back as pandas to compare.

pandas is the reference; polars, pyarrow (eager), a polars LazyFrame, DuckDB and
sqlframe (the PySpark DataFrame API on DuckDB, the stand-in for Databricks/PySpark) are
converted from the same pandas table.
"""

from __future__ import annotations

import itertools
import warnings

import pandas as pd
import pytest

BACKENDS = ["pandas", "polars", "pyarrow", "polars_lazy", "duckdb", "sqlframe"]
OTHER_BACKENDS = BACKENDS[1:]
LAZY = {"polars_lazy", "duckdb", "sqlframe"}
#: every backend but sqlframe, for the few tests on the whole bundled data set whose chain of
#: steps makes sqlframe (which builds its SQL in Python, with sqlglot) take tens of seconds;
#: sqlframe runs the same functions in the hand-computed tests and the lazy pipeline test
FAST_BACKENDS = [b for b in BACKENDS if b != "sqlframe"]

_names = itertools.count()
_spark = None
_duckdb = None


def _session():
    global _spark
    if _spark is None:
        from sqlframe.duckdb import DuckDBSession

        _spark = DuckDBSession()
    return _spark


def to_backend(df: pd.DataFrame, backend: str):
    """The pandas table ``df`` as a table of ``backend``.

    Categorical columns become text for sqlframe (Spark has no categorical type; the DuckDB
    ENUM they would become is a type sqlframe cannot read); pandas ``attrs`` (a file's
    lines) are not carried to the other backends.
    """
    if backend == "pandas":
        return df.copy()
    df = df.copy()
    df.attrs = {}
    if backend in ("polars", "polars_lazy"):
        pl = pytest.importorskip("polars")
        out = pl.from_pandas(df)
        return out.lazy() if backend == "polars_lazy" else out
    if backend == "pyarrow":
        pa = pytest.importorskip("pyarrow")
        return pa.Table.from_pandas(df, preserve_index=False)
    if backend == "duckdb":
        global _duckdb
        duckdb = pytest.importorskip("duckdb")
        if _duckdb is None:
            _duckdb = duckdb.connect()  # one connection: its tables can be joined
        return _duckdb.from_df(df)
    if backend == "sqlframe":
        pytest.importorskip("sqlframe")
        spark = _session()
        df = df.astype({c: object for c in df.columns
                        if isinstance(df[c].dtype, pd.CategoricalDtype)})
        name = f"t{next(_names)}"
        spark._conn.register(f"{name}_df", df)
        spark._conn.execute(f"create table {name} as select * from {name}_df")
        return spark.table(name)
    raise ValueError(backend)


def native_type(obj) -> str:
    """The library and eager/lazy kind of a native table (a sqlframe table and the
    DataFrames made from it are one kind)."""
    from wellbeing_lib.frames import backend_name, is_lazy

    return f"{type(obj).__module__.split('.')[0]}:{backend_name(obj)}:{is_lazy(obj)}"


def to_pandas(obj) -> pd.DataFrame:
    """Any backend's table, collected, as pandas (for comparing with the reference)."""
    if isinstance(obj, pd.DataFrame):
        return obj
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sqlframe's pandas DBAPI notice
        if hasattr(obj, "toPandas"):
            return obj.toPandas()
        if hasattr(obj, "df") and callable(obj.df):
            return obj.df()
        if hasattr(obj, "collect") and not hasattr(obj, "to_pandas"):
            return obj.collect().to_pandas()
        return obj.to_pandas()


def same_rows(result, reference: pd.DataFrame, by, *, atol: float = 1e-12) -> None:
    """Assert ``result`` (any backend) holds the rows of ``reference``: same columns, exact
    counts and text, numbers within ``atol``; categorical columns compared as text."""
    got = to_pandas(result)
    ref = reference.copy()
    assert list(got.columns) == list(ref.columns)
    for frame in (got, ref):
        for col in frame.columns:
            if isinstance(frame[col].dtype, pd.CategoricalDtype) or frame[col].dtype == object \
                    or pd.api.types.is_string_dtype(frame[col]):
                frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
                frame[col] = frame[col].map(lambda v: v if v is None else str(v))
    by = [by] if isinstance(by, str) else list(by)
    got = got.sort_values(by, kind="stable").reset_index(drop=True)
    ref = ref.sort_values(by, kind="stable").reset_index(drop=True)
    pd.testing.assert_frame_equal(got, ref, check_dtype=False, check_exact=False, rtol=0,
                                  atol=atol)


def collect(result, by=None) -> pd.DataFrame:
    """A result of any backend as pandas, for the assertions written for pandas.

    A lazy table has no row order, so give ``by`` (a column or list of columns) wherever
    the assertions read the rows in order: the rows come back sorted by it (stable) with a
    fresh 0, 1, … index.  Without ``by`` the rows keep the order the backend gives them
    (a pandas result is returned as it is, index and all).
    """
    out = to_pandas(result)
    if by is None:
        return out
    by = [by] if isinstance(by, str) else list(by)
    return out.sort_values(by, kind="stable").reset_index(drop=True)


def same_kind(result, data) -> bool:
    """Whether a row-level result is the caller's kind of table (lazy stays lazy)."""
    return native_type(result) == native_type(data)
