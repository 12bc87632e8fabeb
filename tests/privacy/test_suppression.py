"""Small-count suppression: primary, secondary, margins, percentages, tidy rows, publish."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wellbeing_lib.errors import (
    DisclosureError,
    InvalidValueError,
    MissingColumnError,
)
from wellbeing_lib.privacy import (
    audit,
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
    # E: F=10, M=2 ; T: F=0, M=9.  With the totals known exactly, T's only count is its
    # total (F is 0), so M's total gives E's 2 away whatever else is withheld
    with pytest.warns(UserWarning, match="cannot protect row 'E', column 'M'"):
        out = suppress_small_counts(table)
    pd.testing.assert_frame_equal(table, before)
    assert out.index.name == "area" and out.columns.name == "sex"
    assert out.loc["E"].tolist() == [10, NA]
    assert out.loc["T"].tolist() == [0, 10]
    # published with its totals rounded and suppressed, it can be protected
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with_totals = suppress_small_counts(table, margins=True)
    assert with_totals.loc["E"].tolist() == [10, NA, NA]
    assert with_totals.loc["Total"].tolist() == [10, NA, NA]
    assert audit(with_totals, counts=table)["protected"].all()


# ============================================================== secondary suppression
def test_rounding_alone_can_protect_a_small_count():
    # x's 3: its row total 23 is published as 25 (23-27) and its 20 as 20 (18-22), so x's
    # first cell can be anything from 1 to 9 as far as an intruder can tell
    table = frame({"x": [3, 20], "y": [10, 30]}, ["a", "b"])
    out, flags = suppress_small_counts(table, margins=True), suppression_flags(table, margins=True)
    want = expected({"x": [NA, 20, 25], "y": [10, 30, 40], "Total": [15, 50, 65]},
                    ["a", "b", "Total"])
    pd.testing.assert_frame_equal(out, want)
    assert (flags == "secondary").to_numpy().sum() == 0
    result = audit(out, counts=table)
    assert result[["feasible_low", "feasible_high"]].values.tolist() == [[1.0, 7.0]]


def test_a_secondary_cell_is_added_where_rounding_is_not_enough():
    # with the totals known, the rounded cells would pin x's b to 1-6: y's c (36, the
    # cheapest cell that opens a cycle through it) is withheld too
    table = frame({"x": [20, 3, 30], "y": [25, 5, 36]}, list("abc"))
    out, flags = suppress_small_counts(table), suppression_flags(table)
    pd.testing.assert_frame_equal(out, expected({"x": [20, NA, 30], "y": [25, NA, NA]},
                                                list("abc")))
    assert flags.loc["x"].tolist() == ["", "primary", ""]
    assert flags.loc["y"].tolist() == ["", "primary", "secondary"]
    primary_only = suppress_small_counts(table, secondary=False)
    leaky = audit(primary_only, counts=table).set_index(["row", "column"])
    assert leaky.loc[("x", "b"), ["feasible_low", "feasible_high"]].tolist() == [1.0, 6.0]
    assert not leaky["protected"].all()
    assert audit(out, counts=table)["protected"].all()


def test_zeros_are_never_suppressed_and_totals_can_be_secondary():
    table = frame({"x": [0, 3, 50, 9], "y": [0, 4, 60, 8]}, list("abcd"))
    out, flags = suppress_small_counts(table, margins=True), suppression_flags(table, margins=True)
    assert out["a"].tolist() == [0, 0, 0]  # zeros are published as 0
    assert flags.loc["Total"].tolist() == ["", "primary", "", "secondary", ""]
    assert out.loc["Total"].tolist() == [0, NA, 110, NA, 135]
    assert audit(out, counts=table)["protected"].all()


def test_secondary_false_keeps_only_primary():
    table = frame({"x": [20, 3, 30], "y": [25, 40, 36]}, list("abc"))
    out = suppress_small_counts(table, secondary=False)
    assert out.loc["x"].tolist() == [20, NA, 30]
    assert out.loc["y"].tolist() == [25, 40, 35]


def test_row_that_cannot_be_protected_warns_without_margins():
    table = frame({"x": [3, 0, 0], "y": [10, 30, 9], "z": [12, 14, 20]}, list("abc"))
    with pytest.warns(UserWarning, match="cannot protect row 'x', column 'a'.*margins=True"):
        out = suppress_small_counts(table)
    assert out.loc["x"].tolist() == [NA, 0, 0]
    # with margins the row total is suppressed too, so nothing to warn about
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with_totals = suppress_small_counts(table, margins=True)
    assert with_totals.loc["x"].tolist() == [NA, 0, 0, NA]
    assert audit(with_totals, counts=table)["protected"].all()


def test_margins_are_computed_from_unrounded_counts():
    table = frame({"r": [12, 12], "s": [11, 11]}, ["a", "b"])
    out = suppress_small_counts(table, margins=True)
    # 12 + 12 = 24 -> 25 (the rounded cells would add to 20); grand total 46 -> 45
    assert out.loc["r"].tolist() == [10, 10, 25]
    assert out.loc["Total"].tolist() == [25, 25, 45]


def test_a_small_total_is_withheld_and_protected_by_rounding():
    # row x: 4 and a zero, so its total is 4 as well (both withheld); the column total a
    # (55, published as 55) less y's and z's rounded a leaves x's a anywhere in 1-7
    table = frame({"x": [4, 0], "y": [30, 12], "z": [20, 40]}, ["a", "b"])
    out, flags = suppress_small_counts(table, margins=True), suppression_flags(table, margins=True)
    assert flags.loc["x", "Total"] == "primary"
    assert out.loc["x"].tolist() == [NA, 0, NA]
    assert audit(out, counts=table)["protected"].all()


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
def test_property_published_values_follow_the_rule(rows):
    table = pd.DataFrame(rows)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tiny tables may be unprotectable (tested elsewhere)
        out = suppress_small_counts(table, margins=True)
    values = out.to_numpy(dtype="float64", na_value=np.nan)
    published = values[~np.isnan(values)]
    assert np.all(published % 5 == 0)
    raw = suppression._with_margins(table.to_numpy())
    assert not np.any(np.isnan(values) & (raw == 0))  # zeros are never withheld
    assert np.all(np.isnan(values[(raw >= 1) & (raw <= 7)]))
    assert np.all(values[~np.isnan(values)] == suppression.round_counts(raw)[~np.isnan(values)])


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
def test_row_percentages_are_those_of_the_published_counts():
    table = frame({"x": [20, 3, 30], "y": [25, 5, 35]}, list("abc"))
    pct = suppressed_percentages(table)
    # row totals 53 and 65 are published as 55 and 65: 20 / 55, 30 / 55, 25 / 65, 35 / 65
    assert pct.loc["x"].tolist() == [36.4, NA, 54.5]
    assert pct.loc["y"].tolist() == [38.5, NA, 53.8]
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


def test_suppress_rows_output_goes_through_publish(tmp_path):
    out = suppress_rows(tidy_summary().assign(label=["5/40", "12/52", "0/6", "23/40"]),
                        counts=["n", "N"], derived=["pct", "label"])
    # pct was computed from the unrounded counts (12 of 52 = 23.1%, published as 10 of 50)
    with pytest.raises(DisclosureError, match="'pct' is not the rate of the published"):
        publish(out, counts=["n", "N"], derived=["pct", "label"])
    table = publish(out.drop(columns=["pct"]), counts=["n", "N"],
                    derived=["ci_low", "ci_high", "label"])
    assert table["n"].tolist() == ["*", 10, 0, 25]
    assert table["label"].tolist() == ["*", "12/52", "*", "23/40"]  # a text derived column
    assert table["group"].tolist() == ["A", "B", "C", "D"]
    path = tmp_path / "published.xlsx"
    table.to_excel(path, index=False)
    back = pd.read_excel(path)
    assert back["N"].tolist() == [40, 50, "*", 40]
