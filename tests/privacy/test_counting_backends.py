"""count_table and count_groups on every backend: the same tables as pandas.

The rows are counted where they live (polars, pyarrow, a polars LazyFrame, DuckDB,
sqlframe: the PySpark API on DuckDB); only the counts per group are collected, and the
table that comes back is pandas, identical to the one counted from the pandas table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.backends import BACKENDS, LAZY, to_backend
from wellbeing_lib.errors import InvalidValueError
from wellbeing_lib.privacy import MISSING_LABEL, count_groups, count_table, publish


@pytest.fixture(scope="module")
def people() -> pd.DataFrame:
    rng = np.random.default_rng(14)
    n = 600
    return pd.DataFrame({
        "practice": rng.choice(["P1", "P2", "P3", "P4"], n, p=[0.5, 0.3, 0.18, 0.02]),
        "age_band": rng.choice(["18-34", "35-64", "65+"], n),
        "outcome": rng.choice(["improved", "same", "worse"], n, p=[0.5, 0.4, 0.1]),
        "visits": rng.integers(0, 4, n),
    })


@pytest.fixture(scope="module")
def with_missing(people) -> pd.DataFrame:
    out = people.copy()
    out.loc[[3, 77, 400], "age_band"] = None
    return out


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("rows,columns", [("practice", "outcome"),
                                          (["practice", "age_band"], "outcome"),
                                          ("visits", ["age_band", "outcome"])])
def test_count_table_is_pandas_and_the_same_on_every_backend(people, backend, rows, columns):
    ref = count_table(people, rows, columns)
    got = count_table(to_backend(people, backend), rows, columns)
    assert isinstance(got, pd.DataFrame)
    pd.testing.assert_frame_equal(got, ref)
    assert int(got.to_numpy().sum()) == len(people)


@pytest.mark.parametrize("backend", BACKENDS)
def test_count_groups_the_same_on_every_backend(people, backend):
    cats = {"outcome": ["improved", "same", "worse", "moved away"]}
    ref = count_groups(people, ["practice", "outcome"], categories=cats)
    got = count_groups(to_backend(people, backend), ["practice", "outcome"], categories=cats)
    pd.testing.assert_frame_equal(got, ref)
    assert len(got) == 4 * 4 and got.loc[got["outcome"] == "moved away", "n"].eq(0).all()


@pytest.mark.parametrize("backend", BACKENDS)
def test_missing_values_the_same_on_every_backend(with_missing, backend):
    data = to_backend(with_missing, backend)
    with pytest.raises(InvalidValueError, match="missing value in a grouping column in "
                       "column 'age_band'"):
        count_table(data, "practice", "age_band")
    got = count_table(data, "practice", "age_band", missing="category")
    ref = count_table(with_missing, "practice", "age_band", missing="category")
    pd.testing.assert_frame_equal(got, ref)
    assert list(got.columns)[-1] == MISSING_LABEL and int(got[MISSING_LABEL].sum()) == 3


@pytest.mark.parametrize("backend", [b for b in BACKENDS if b not in LAZY])
def test_eager_tables_name_the_rows_with_missing_values(with_missing, backend):
    with pytest.raises(InvalidValueError, match="rows 3, 77, 400"):
        count_groups(to_backend(with_missing, backend), "age_band")


@pytest.mark.parametrize("backend", BACKENDS)
def test_published_from_any_backend_as_from_pandas(people, backend):
    ref = publish(count_table(people, "practice", "outcome"))
    got = publish(count_table(to_backend(people, backend), "practice", "outcome"))
    pd.testing.assert_frame_equal(got, ref)
    tidy = publish(count_groups(to_backend(people, backend), "practice"))
    pd.testing.assert_frame_equal(tidy, publish(count_groups(people, "practice")))


@pytest.mark.parametrize("backend", [b for b in BACKENDS if b != "pandas"])
def test_publish_refuses_the_row_level_table_itself(people, backend):
    with pytest.raises(InvalidValueError, match="count it first|count_table"):
        publish(to_backend(people, backend))
