"""Counting row-level data into the table that is published (privacy/counting.py).

Hand-computed cases on pandas; every backend gives the same tables
(tests/privacy/test_counting_backends.py).  Missing values in a grouping column are never
dropped: they raise an error naming the rows, or are counted as "(missing)".
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wellbeing_lib.errors import InvalidValueError, MissingColumnError
from wellbeing_lib.privacy import (
    MISSING_LABEL,
    count_groups,
    count_table,
    publish,
    suppress_rows,
    suppress_small_counts,
    suppressed_percentages,
    suppression_flags,
)
from wellbeing_lib.privacy.publishing import _numbers_only
from wellbeing_lib.privacy.suppression import _append_label


@pytest.fixture
def people() -> pd.DataFrame:
    # Exeter: 3 improved, 1 same; Torbay: 0 improved, 2 same; Plymouth: 1 worse
    return pd.DataFrame({
        "area": ["Exeter", "Exeter", "Torbay", "Exeter", "Torbay", "Exeter", "Plymouth"],
        "outcome": ["improved", "improved", "same", "same", "same", "improved", "worse"],
        "sex": ["F", "M", "F", "F", "M", "F", "M"],
    })


# ================================================================ count_table
def test_count_table_hand_computed_with_zeros(people):
    got = count_table(people, rows="area", columns="outcome")
    ref = pd.DataFrame({"improved": [3, 0, 0], "same": [1, 0, 2], "worse": [0, 1, 0]},
                       index=pd.Index(["Exeter", "Plymouth", "Torbay"], name="area"))
    ref.columns.name = "outcome"
    pd.testing.assert_frame_equal(got, ref, check_index_type=False, check_column_type=False)
    assert (got.dtypes == np.int64).all()
    assert int(got.to_numpy().sum()) == len(people)


def test_count_table_matches_pandas_crosstab(people):
    got = count_table(people, "area", ["outcome", "sex"])
    ref = pd.crosstab(people["area"], [people["outcome"], people["sex"]])
    # every combination is present: crosstab leaves out (worse, F), which no row has
    ref = ref.reindex(columns=got.columns, fill_value=0)
    assert ("worse", "F") in got.columns and got[("worse", "F")].eq(0).all()
    np.testing.assert_array_equal(got.to_numpy(), ref.to_numpy())
    assert list(got.columns.names) == ["outcome", "sex"]


def test_count_table_with_several_row_columns_is_every_combination(people):
    got = count_table(people, ["area", "sex"], "outcome")
    assert isinstance(got.index, pd.MultiIndex) and len(got) == 3 * 2
    assert got.loc[("Torbay", "M")].tolist() == [0, 1, 0]
    assert got.loc[("Plymouth", "F")].tolist() == [0, 0, 0]


def test_categories_add_empty_categories_in_the_order_given(people):
    got = count_table(people, "area", "outcome",
                      categories={"outcome": ["worse", "same", "improved", "unknown"]})
    assert list(got.columns) == ["worse", "same", "improved", "unknown"]
    assert got["unknown"].eq(0).all()
    with pytest.raises(InvalidValueError, match="not among the categories given.*worse"):
        count_table(people, "area", "outcome", categories={"outcome": ["improved", "same"]})
    with pytest.raises(InvalidValueError, match="not counted"):
        count_table(people, "area", "outcome", categories={"age": ["18-24"]})
    with pytest.raises(InvalidValueError, match="listed twice"):
        count_table(people, "area", "outcome", categories={"outcome": ["same", "same"]})


def test_missing_values_raise_naming_the_rows_by_default(people):
    people.loc[[2, 5], "area"] = None
    with pytest.raises(InvalidValueError, match=r"missing value in a grouping column in "
                       r"column 'area', rows 2, 5.*missing='category'"):
        count_table(people, "area", "outcome")
    with pytest.raises(InvalidValueError, match="missing value"):
        count_groups(people, "area")


def test_missing_values_counted_as_their_own_category_last(people):
    people.loc[[2, 5], "area"] = None  # a Torbay "same" and an Exeter "improved"
    got = count_table(people, "area", "outcome", missing="category")
    assert list(got.index) == ["Exeter", "Plymouth", "Torbay", MISSING_LABEL]
    assert got.loc[MISSING_LABEL].tolist() == [1, 1, 0]
    assert got.loc["Exeter"].tolist() == [2, 1, 0]
    assert int(got.to_numpy().sum()) == len(people)  # nothing dropped
    people.loc[0, "area"] = MISSING_LABEL  # a real category of that name would be merged
    with pytest.raises(InvalidValueError, match="label of missing values"):
        count_table(people, "area", "outcome", missing="category")


def test_nan_in_a_number_column_is_missing():
    data = pd.DataFrame({"band": [1.0, 2.0, np.nan, 1.0], "y": ["a", "b", "a", "a"]})
    with pytest.raises(InvalidValueError, match="row 2"):
        count_groups(data, "band")
    got = count_groups(data, "band", missing="category")
    assert got["band"].tolist() == [1.0, 2.0, MISSING_LABEL]
    assert got["n"].tolist() == [2, 1, 1]


def test_bad_arguments_are_named(people):
    with pytest.raises(MissingColumnError, match="age"):
        count_table(people, "age", "outcome")
    with pytest.raises(InvalidValueError, match="given twice"):
        count_table(people, "area", "area")
    with pytest.raises(InvalidValueError, match="missing='drop'"):
        count_groups(people, "area", missing="drop")
    with pytest.raises(InvalidValueError, match="needs rows and columns"):
        count_table(people, "area", [])
    with pytest.raises(TypeError, match="data must be a pandas or polars DataFrame"):
        count_groups([1, 2], "area")


# ================================================================ count_groups
def test_count_groups_tidy_every_combination(people):
    got = count_groups(people, ["area", "sex"])
    assert list(got.columns) == ["area", "sex", "n"]
    assert got.to_dict("list") == {
        "area": ["Exeter", "Exeter", "Plymouth", "Plymouth", "Torbay", "Torbay"],
        "sex": ["F", "M", "F", "M", "F", "M"],
        "n": [3, 1, 0, 1, 1, 1]}
    one = count_groups(people, "outcome")
    assert one.to_dict("list") == {"outcome": ["improved", "same", "worse"], "n": [3, 3, 1]}


def test_empty_data_with_categories_is_all_zeros():
    empty = pd.DataFrame({"area": pd.Series([], dtype="str"), "y": pd.Series([], dtype="str")})
    got = count_table(empty, "area", "y", categories={"area": ["A", "B"], "y": ["u"]})
    assert got.to_numpy().tolist() == [[0], [0]]


# ================================================================ then published
def test_counted_tables_go_through_publish_and_suppression():
    rng = np.random.default_rng(3)
    data = pd.DataFrame({"area": rng.choice(["A", "B", "C"], 400, p=[0.6, 0.38, 0.02]),
                         "outcome": rng.choice(["improved", "same"], 400)})
    counts = count_table(data, "area", "outcome")
    ref = pd.crosstab(data["area"], data["outcome"])
    pd.testing.assert_frame_equal(publish(counts), publish(ref), check_names=False,
                                  check_index_type=False, check_column_type=False)
    assert suppress_small_counts(counts).isna().to_numpy().any()  # C's small counts
    tidy = count_groups(data, "area")
    assert suppress_rows(tidy)["n"].tolist()[:2] == [int(round(n / 5)) * 5 for n in
                                                     tidy["n"][:2]]
    assert publish(tidy)["n"].iloc[2] == "*"


def test_a_table_of_another_backend_is_refused_with_what_to_do():
    pl = pytest.importorskip("polars")
    counts = pl.DataFrame({"a": [10, 3], "b": [20, 30]})
    for func in (publish, suppress_small_counts, suppression_flags, suppressed_percentages):
        with pytest.raises(InvalidValueError, match=r"not the data it is counted from.*"
                           r"count_table.*count_groups.*polars DataFrame"):
            func(counts)
    with pytest.raises(InvalidValueError, match="found polars DataFrame|a polars DataFrame"):
        suppress_rows(pl.DataFrame({"n": [3]}))
    with pytest.raises(InvalidValueError, match="needs a pandas table of counts.*list"):
        publish([1, 2])


# ======================================================= fast paths, same answers
@pytest.mark.parametrize("index", [
    pd.Index(["a", "b"], name="x"), pd.Index([1, 2]), pd.RangeIndex(3),
    pd.CategoricalIndex(["x", "y"]), pd.date_range("2020", periods=2), pd.Index([1.5, 2.0]),
    pd.Index(["a", "b"], dtype=object), pd.Index(["a", None]), pd.Index([1, "a"]),
    pd.Index(["a", "b"], dtype="string"), pd.Index([], dtype=object),
    pd.MultiIndex.from_product([["a", "b"], [1, 2]], names=["p", "q"]),
])
def test_total_label_appended_as_before(index):
    def before(index, label):  # the labels as a list, and their type inferred
        if isinstance(index, pd.MultiIndex):
            full = (label,) + ("",) * (index.nlevels - 1)
            return pd.MultiIndex.from_tuples([*index, full], names=index.names)
        return pd.Index([*index, label], name=index.name)

    got, ref = _append_label(index, "Total"), before(index, "Total")
    pd.testing.assert_index_equal(got, ref, exact=True)


@pytest.mark.parametrize("values", [
    ["a", "*"], ["*", None], [1, "*", 2.5], [1, True], [True, "*"], [None, None], [1, "5"],
    [np.int64(3), "*", np.nan], [1 + 2j, "*"], [pd.Timestamp("2020"), "*"], [pd.NA, "*", 3],
])
@pytest.mark.parametrize("dtype", [object, None])
def test_numbers_only_as_before(values, dtype):
    series = pd.Series(values, dtype=dtype)
    before = pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series) \
        or (not pd.api.types.is_bool_dtype(series) and bool(series.map(
            lambda v: pd.isna(v) or (isinstance(v, str) and v == "*") or
            (isinstance(v, int | float | np.number) and not isinstance(v, bool))).all()))
    assert _numbers_only(series, "*") == before
