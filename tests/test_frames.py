"""Backend handling (wellbeing_lib/frames.py): what is accepted, what is collected."""

from __future__ import annotations

import narwhals as nw
import numpy as np
import pandas as pd
import pytest

from tests.backends import BACKENDS, LAZY, collect, to_backend
from wellbeing_lib import frames

TABLE = pd.DataFrame({"x": [1, 7, 3, 9], "file_line": [2, 3, 5, 6]})


@pytest.mark.parametrize("backend", BACKENDS)
def test_every_backend_is_read_and_its_kind_known(backend):
    data = to_backend(TABLE, backend)
    assert frames.column_names(data) == ["x", "file_line"]
    assert frames.is_lazy(data) == (backend in LAZY)
    assert frames.is_pandas(data) == (backend == "pandas")
    assert frames.count_rows(data) == 4
    assert frames.any_rows(data, nw.col("x") > 8) and not frames.any_rows(data, nw.col("x") > 9)
    failing = frames.failing_rows(data, nw.col("x") > 5, ["x"], line_column="file_line")
    assert failing["x"].tolist() == [7, 9] and failing["file_line"].tolist() == [3, 6]
    if backend in LAZY:  # no row order: named by file line only
        assert frames.ROW_COLUMN not in failing.columns
    else:
        assert failing[frames.ROW_COLUMN].tolist() == [1, 3]
    assert isinstance(frames.to_pandas(data), pd.DataFrame)


def test_anything_else_is_a_type_error_naming_what_is_accepted():
    with pytest.raises(TypeError, match="a DuckDB relation or a PySpark"):
        frames.as_frame({"x": [1]})
    assert frames.backend_name(to_backend(TABLE, "duckdb")) == "duckdb"


def test_an_eager_polars_table_is_planned_lazily_and_comes_back_eager():
    pl = pytest.importorskip("polars")
    plan, eager = frames.planned(pl.DataFrame({"x": [1, 2]}))
    assert eager and isinstance(plan, nw.LazyFrame)
    out = frames.finished(plan.with_columns(y=nw.col("x") * 2), eager)
    assert isinstance(out, pl.DataFrame) and out["y"].to_list() == [2, 4]
    plan, eager = frames.planned(pd.DataFrame({"x": [1]}))
    assert not eager and isinstance(plan, nw.DataFrame)


@pytest.mark.parametrize("backend", BACKENDS)
def test_several_checks_are_counted_in_one_aggregate(backend):
    data = to_backend(TABLE.assign(y=[None, 1.0, None, 2.0]), backend)
    counts = frames.flag_counts(data, {"big": nw.col("x") > 5, "none": nw.col("y").is_null(),
                                       "nothing": nw.col("x") > 100})
    assert counts == {"big": 2, "none": 2, "nothing": 0}


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_materialized_table_stays_of_its_kind_with_the_same_rows(backend):
    data = to_backend(TABLE, backend)
    held = frames.materialized(frames.as_frame(data).with_columns(y=nw.col("x") * 2))
    assert frames.is_lazy(held) == (backend in LAZY)
    out = frames.to_pandas(held).sort_values("x")
    assert out["y"].tolist() == [2, 6, 14, 18]


def test_a_materialized_duckdb_relation_is_computed_once():
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT * FROM range(5) r(x)")
    held = frames.materialized(frames.as_frame(con.table("t")).filter(nw.col("x") > 1))
    con.execute("DROP TABLE t")  # the rows were computed when it was made: still there
    assert sorted(frames.to_pandas(held)["x"].tolist()) == [2, 3, 4]


@pytest.mark.parametrize("backend", ["pandas", "polars", "pyarrow", "polars_lazy", "duckdb"])
def test_group_values_land_on_their_own_rows(backend):
    # 50,000 rows: large enough that a join which does not keep the row order (narwhals'
    # over() on pyarrow) puts the group sizes on other rows
    rng = np.random.default_rng(0)
    keys = rng.integers(0, 20_000, 50_000)
    table = pd.DataFrame({"k": keys.astype(float), "v": np.arange(50_000)})
    table.loc[::97, "k"] = np.nan  # missing keys form a group of their own
    frame, found = frames.group_values(to_backend(table, backend), ["k"],
                                       {"n": nw.len(), "first": nw.col("v").min()})
    out = collect(frame.select("v", found["n"], found["first"]).to_native())
    out = out.sort_values("v").reset_index(drop=True)
    groups = table.groupby("k", dropna=False)
    assert out["n"].tolist() == groups["v"].transform("size").tolist()
    assert out["first"].tolist() == groups["v"].transform("min").tolist()
