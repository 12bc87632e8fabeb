"""Small-count suppression: primary, secondary, margins, percentages, tidy rows, publish."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wellbeing_lib.errors import (
    InvalidValueError,
    MissingColumnError,
)
from wellbeing_lib.privacy import (
    publish,
    round_counts,
    row_suppression_flags,
    suppress_rows,
    suppress_small_counts,
    suppressed_percentages,
    suppression,
    suppression_flags,
)

NA = pd.NA


def frame(rows: dict, columns) -> pd.DataFrame:
    """Small helper: {row label: [counts]} → DataFrame."""
    return pd.DataFrame.from_dict(rows, orient="index", columns=columns)


def expected(rows: dict, columns) -> pd.DataFrame:
    return frame(rows, columns).astype("Int64")


# =============================================================== rounding and primary
def test_rounding_to_nearest_five_and_primary_suppression():
    table = frame({"r": [0, 8, 12, 13, 7, 1, 22, 23, 1000]}, list("abcdefghi"))
    out = suppress_small_counts(table, secondary=False)
    assert out.loc["r"].tolist() == [0, 10, 10, 15, NA, NA, 20, 25, 1000]
    assert out.dtypes.eq("Int64").all()


def test_round_counts_halves_round_up_and_base_one_is_identity():
    assert round_counts([5, 15, 14, 25], base=10).tolist() == [10, 20, 10, 30]
    assert round_counts([0, 8, 12, 13], base=1).tolist() == [0, 8, 12, 13]
    assert round_counts(12) == 10


def test_custom_threshold_suppress_under_ten_without_rounding():
    table = frame({"r": [9, 10, 1, 0, 23]}, list("abcde"))
    out = suppress_small_counts(table, low=1, high=9, base=1, secondary=False)
    assert out.loc["r"].tolist() == [NA, 10, NA, 0, 23]


def test_input_is_not_modified_and_labels_are_kept():
    df = pd.DataFrame({"area": ["E"] * 12 + ["T"] * 9, "sex": ["F"] * 10 + ["M"] * 11})
    table = pd.crosstab(df["area"], df["sex"])
    before = table.copy()
    # E: F=10, M=2 ; T: F=0, M=9.  Row E and column M have one small cell each; then
    # row T and column F have one suppressed cell and only a zero to go with it
    with pytest.warns(UserWarning, match="cannot protect row 'T', column 'F'"):
        out = suppress_small_counts(table)
    pd.testing.assert_frame_equal(table, before)
    assert out.index.name == "area" and out.columns.name == "sex"
    assert out.loc["E"].tolist() == [NA, NA]
    assert out.loc["T"].tolist() == [0, NA]


# ============================================================== secondary suppression
def test_row_with_one_small_cell_gets_a_second_suppressed_cell():
    # column b already has two small cells; each row has one -> suppress its smallest
    table = frame({"x": [20, 3, 30], "y": [25, 5, 36]}, list("abc"))
    out, flags = suppress_small_counts(table), suppression_flags(table)
    pd.testing.assert_frame_equal(out, expected({"x": [NA, NA, 30], "y": [NA, NA, 35]},
                                                list("abc")))
    assert flags.loc["x"].tolist() == ["secondary", "primary", ""]
    assert flags.loc["y"].tolist() == ["secondary", "primary", ""]


def test_column_with_one_small_cell_gets_a_second_suppressed_cell():
    table = frame({"x": [20, 3, 30], "y": [25, 5, 36]}, list("abc")).T
    out, flags = suppress_small_counts(table), suppression_flags(table)
    assert out["x"].tolist() == [NA, NA, 30]
    assert out["y"].tolist() == [NA, NA, 35]
    assert flags["x"].tolist() == ["secondary", "primary", ""]


def test_smallest_non_zero_cell_is_chosen_and_zeros_are_skipped():
    table = frame({"x": [0, 3, 50, 9], "y": [0, 4, 60, 8]}, list("abcd"))
    out, flags = suppress_small_counts(table), suppression_flags(table)
    # row x: smallest non-zero unsuppressed is 9 (not the 0); row y: 8
    assert flags.loc["x"].tolist() == ["", "primary", "", "secondary"]
    assert flags.loc["y"].tolist() == ["", "primary", "", "secondary"]
    # column d now has two, column c none: stable
    assert out.loc["x"].tolist() == [0, NA, 50, NA]
    assert out.loc["y"].tolist() == [0, NA, 60, NA]


def test_secondary_suppression_needs_a_second_iteration():
    table = frame({"x": [2, 4, 50], "y": [30, 40, 60], "z": [9, 45, 12]}, list("abc"))
    # pass 1 (columns): a -> z.a (9), b -> y.b (40)
    # pass 2 (rows): y -> y.a (30); z -> z.c (12); (columns) c -> x.c (50)
    out, flags = suppress_small_counts(table), suppression_flags(table)
    pd.testing.assert_frame_equal(
        out, expected({"x": [NA, NA, NA], "y": [NA, NA, 60], "z": [NA, 45, NA]}, list("abc"))
    )
    assert (flags == "primary").to_numpy().sum() == 2
    assert (flags == "secondary").to_numpy().sum() == 5
    assert flags.loc["x", "c"] == "secondary"  # only found in the second iteration


def test_secondary_false_keeps_only_primary():
    table = frame({"x": [20, 3, 30], "y": [25, 40, 36]}, list("abc"))
    out = suppress_small_counts(table, secondary=False)
    assert out.loc["x"].tolist() == [20, NA, 30]
    assert out.loc["y"].tolist() == [25, 40, 35]


def test_row_that_cannot_be_protected_warns_without_margins():
    table = frame({"x": [3, 0, 0], "y": [10, 30, 9], "z": [12, 14, 20]}, list("abc"))
    with pytest.warns(UserWarning, match="cannot protect row 'x'"):
        out = suppress_small_counts(table)
    assert out.loc["x"].tolist() == [NA, 0, 0]
    # with margins the row total is suppressed too, so nothing to warn about
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with_totals = suppress_small_counts(table, margins=True)
    assert with_totals.loc["x"].tolist() == [NA, 0, 0, NA]


def test_margins_totals_are_suppressed_and_secondary_suppressed():
    table = frame({"x": [3, 20], "y": [10, 30]}, ["a", "b"])
    out, flags = suppress_small_counts(table, margins=True), suppression_flags(table, margins=True)
    want = expected({"x": [NA, NA, 25], "y": [NA, NA, 40], "Total": [15, 50, 65]},
                    ["a", "b", "Total"])
    pd.testing.assert_frame_equal(out, want)
    assert flags.loc["x"].tolist() == ["primary", "secondary", ""]


def test_margins_are_computed_from_unrounded_counts():
    table = frame({"r": [12, 12], "s": [11, 11]}, ["a", "b"])
    out = suppress_small_counts(table, margins=True)
    # 12 + 12 = 24 -> 25 (the rounded cells would add to 20); grand total 46 -> 45
    assert out.loc["r"].tolist() == [10, 10, 25]
    assert out.loc["Total"].tolist() == [25, 25, 45]


def test_margins_total_can_be_the_secondary_cell():
    # row x: its only other non-zero "cell" is its total, which equals the small count
    table = frame({"x": [4, 0], "y": [30, 12], "z": [20, 40]}, ["a", "b"])
    out, flags = suppress_small_counts(table, margins=True), suppression_flags(table, margins=True)
    assert flags.loc["x", "Total"] == "primary"
    assert out.loc["x"].tolist() == [NA, 0, NA]
    # every line of the published table has 0 or >= 2 suppressed cells
    supp = out.isna().to_numpy()
    assert set(supp.sum(axis=0)) <= {0, 2, 3, 4} and set(supp.sum(axis=1)) <= {0, 2, 3}


def test_margins_with_multiindex_and_name_clash():
    df = pd.DataFrame({"area": ["E"] * 20 + ["T"] * 12,
                       "sex": ["F"] * 15 + ["M"] * 5 + ["F"] * 9 + ["M"] * 3,
                       "age": ["<65"] * 10 + ["65+"] * 10 + ["<65"] * 12})
    table = pd.crosstab([df["area"], df["sex"]], df["age"])
    out = suppress_small_counts(table, margins=True)
    assert out.index[-1] == ("Total", "")
    assert out.loc[("Total", ""), "Total"] == 30
    with pytest.raises(InvalidValueError, match="already has a row called 'Total'"):
        suppress_small_counts(pd.crosstab(df["area"], df["sex"], margins=True,
                                          margins_name="Total"), margins=True)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 5).flatmap(
        lambda r: st.integers(1, 5).flatmap(
            lambda c: st.lists(st.lists(st.integers(0, 40), min_size=c, max_size=c),
                               min_size=r, max_size=r)
        )
    )
)
def test_property_published_values_and_no_single_suppressed_cell(rows):
    table = pd.DataFrame(rows)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # with margins nothing is left unprotected
        out = suppress_small_counts(table, margins=True)
    values = out.to_numpy(dtype="float64", na_value=np.nan)
    published = values[~np.isnan(values)]
    assert np.all(published % 5 == 0)
    raw = suppression._with_margins(table.to_numpy())
    assert not np.any(np.isnan(values) & (raw == 0))  # zeros are never withheld
    assert np.all(np.isnan(values[(raw >= 1) & (raw <= 7)]))
    supp = np.isnan(values)
    assert 1 not in set(supp.sum(axis=0)) | set(supp.sum(axis=1))


def test_results_carry_no_attrs_and_can_be_concatenated():
    # nothing travels in DataFrame.attrs: the rule is in the arguments, not the result
    table = frame({"x": [20, 3, 30], "y": [25, 5, 36]}, list("abc"))
    both = pd.concat([suppress_small_counts(table), suppress_small_counts(table)])
    assert both.shape == (4, 3)
    assert both.attrs == {}


# ====================================================================== bad input
@pytest.mark.parametrize(
    ("cells", "problem", "found"),
    [
        ([12, -3, 40], "value out of range", "-3"),
        ([12, 2.5, 40], "not a whole number", "2.5"),
        ([12, "many", 40], "non-numeric value", "many"),
        ([12, None, 40], "missing value", "nan"),
    ],
)
def test_bad_cells_raise_naming_column_and_rows(cells, problem, found):
    table = pd.DataFrame({"improved": [10, 20, 30], "worse": cells},
                         index=["Exeter", "Torbay", "Plymouth"])
    with pytest.raises(InvalidValueError) as err:
        suppress_small_counts(table)
    msg = str(err.value)
    assert problem in msg and "column 'worse'" in msg and "row Torbay" in msg
    assert f"found {found}" in msg


def test_label_column_gets_a_hint_and_settings_are_checked():
    with pytest.raises(InvalidValueError, match="column 'area'.*set_index"):
        suppress_small_counts(pd.DataFrame({"area": ["x", "y"], "n": [2, 30]}))
    with pytest.raises(InvalidValueError, match="base=0"):
        suppress_small_counts(frame({"r": [1]}, ["a"]), base=0)
    with pytest.raises(InvalidValueError, match="DataFrame"):
        suppress_small_counts([[1, 2]])
    # integer column labels are named in messages too
    with pytest.raises(InvalidValueError, match="column '2', row 1"):
        suppress_small_counts(pd.DataFrame({1: [3, 4], 2: [5, -1]}))


# ==================================================================== percentages
def test_row_percentages_from_raw_counts_with_counts_suppression():
    table = frame({"x": [20, 3, 30], "y": [25, 5, 35]}, list("abc"))
    pct = suppressed_percentages(table)
    assert pct.loc["x"].tolist() == [NA, NA, 56.6]  # 30/53, from the raw counts
    assert pct.loc["y"].tolist() == [NA, NA, 53.8]  # 35/65
    assert pct.dtypes.eq("Float64").all()


def test_column_and_overall_percentages_and_margins():
    table = frame({"x": [20, 30], "y": [60, 10]}, ["a", "b"])
    col = suppressed_percentages(table, normalize="columns", decimals=2)
    assert col["a"].tolist() == [25.0, 75.0] and col["b"].tolist() == [75.0, 25.0]
    every = suppressed_percentages(table, normalize="all", margins=True)
    assert every.loc["Total"].tolist() == [66.7, 33.3, 100.0]
    assert every.loc["x"].tolist() == [16.7, 25.0, 41.7]


def test_percentages_with_small_or_zero_denominator_are_withheld():
    table = frame({"x": [3, 0, 0], "y": [10, 30, 9], "z": [0, 0, 0]}, list("abc"))
    with pytest.warns(UserWarning):
        pct = suppressed_percentages(table)
    assert pct.loc["x"].isna().all()  # 0 % of 3 people would show who the 3 are
    assert pct.loc["z"].isna().all()  # 0/0
    with pytest.raises(InvalidValueError, match="normalize"):
        suppressed_percentages(table, normalize="rows")


# ================================================================== tidy suppression
def tidy_summary() -> pd.DataFrame:
    return pd.DataFrame({
        "group": ["A", "B", "C", "D"],
        "n": [5, 12, 0, 23],
        "N": [40, 52, 6, 40],
        "pct": [12.5, 23.1, 0.0, 57.5],
        "ci_low": [5.5, 13.7, 0.0, 42.2],
        "ci_high": [26.1, 36.2, 39.0, 71.5],
    })


def test_suppress_rows_withholds_counts_and_derived_values():
    data = tidy_summary()
    before = data.copy()
    settings = {"counts": ["n", "N"], "derived": ["pct", "ci_low", "ci_high"]}
    out, flags = suppress_rows(data, **settings), row_suppression_flags(data, **settings)
    pd.testing.assert_frame_equal(data, before)
    assert out["n"].tolist() == [NA, 10, 0, 25]
    assert out["N"].tolist() == [40, 50, NA, 40]
    assert out["pct"].isna().tolist() == [True, False, True, False]
    assert out.loc[1, ["pct", "ci_low", "ci_high"]].tolist() == [23.1, 13.7, 36.2]
    assert out["group"].tolist() == ["A", "B", "C", "D"]
    assert flags.loc[0].tolist() == ["primary", "", "derived", "derived", "derived"]
    assert flags.loc[2].tolist() == ["", "primary", "derived", "derived", "derived"]
    assert flags.loc[3].tolist() == ["", "", "", "", ""]


def test_suppress_rows_errors_name_column_and_rows():
    data = tidy_summary()
    with pytest.raises(InvalidValueError, match=r"column 'n', row 1.*found 2.5"):
        suppress_rows(data.assign(n=[5, 2.5, 0, 23]))
    with pytest.raises(MissingColumnError, match="'mean'"):
        suppress_rows(data, derived=["mean"])
    with pytest.raises(InvalidValueError, match="both a count and a derived"):
        suppress_rows(data, counts=["n"], derived=["n"])


def test_publish_marks_withheld_cells_and_keeps_numbers(tmp_path):
    out = suppress_rows(tidy_summary().assign(label=["5/40", "12/52", "0/6", "23/40"]),
                        counts=["n", "N"], derived=["pct", "label"])
    table = publish(out, columns=["n", "N", "pct", "label"])
    assert table["n"].tolist() == ["*", 10, 0, 25]
    assert table["label"].tolist() == ["*", "12/52", "*", "23/40"]  # a text derived column
    assert table["group"].tolist() == ["A", "B", "C", "D"]
    # by default every numeric column is marked, and text columns are left as they are
    default = publish(out)
    assert default["pct"].tolist()[0] == "*" and pd.isna(default["label"].tolist()[0])
    path = tmp_path / "published.xlsx"
    table.to_excel(path, index=False)
    back = pd.read_excel(path)
    assert back["N"].tolist() == [40, 50, "*", 40]
    crosstab = suppress_small_counts(frame({"x": [20, 3, 30], "y": [25, 5, 36]}, list("abc")))
    assert publish(crosstab, marker="[c]").loc["x"].tolist() == ["[c]", "[c]", 30]
