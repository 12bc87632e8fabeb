"""Tests of wellbeing_lib.privacy: suppression, pseudonyms, NHS numbers, redaction."""

from __future__ import annotations

import hashlib
import hmac
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wellbeing_lib import privacy
from wellbeing_lib.errors import (
    DuplicateKeyError,
    InvalidValueError,
    MissingColumnError,
    WellbeingError,
)
from wellbeing_lib.privacy import (
    find_nhs_numbers,
    is_valid_nhs_number,
    nhs_number_check_digit,
    pseudonymise,
    publish,
    redact_pii,
    round_counts,
    suppress_rows,
    suppress_small_counts,
    suppressed_percentages,
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
    out, flags = suppress_small_counts(table, return_flags=True)
    pd.testing.assert_frame_equal(out, expected({"x": [NA, NA, 30], "y": [NA, NA, 35]},
                                                list("abc")))
    assert flags.loc["x"].tolist() == ["secondary", "primary", ""]
    assert flags.loc["y"].tolist() == ["secondary", "primary", ""]


def test_column_with_one_small_cell_gets_a_second_suppressed_cell():
    table = frame({"x": [20, 3, 30], "y": [25, 5, 36]}, list("abc")).T
    out, flags = suppress_small_counts(table, return_flags=True)
    assert out["x"].tolist() == [NA, NA, 30]
    assert out["y"].tolist() == [NA, NA, 35]
    assert flags["x"].tolist() == ["secondary", "primary", ""]


def test_smallest_non_zero_cell_is_chosen_and_zeros_are_skipped():
    table = frame({"x": [0, 3, 50, 9], "y": [0, 4, 60, 8]}, list("abcd"))
    out, flags = suppress_small_counts(table, return_flags=True)
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
    out, flags = suppress_small_counts(table, return_flags=True)
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
    out, flags = suppress_small_counts(table, margins=True, return_flags=True)
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
    out, flags = suppress_small_counts(table, margins=True, return_flags=True)
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
    raw = privacy._with_margins(table.to_numpy())
    assert not np.any(np.isnan(values) & (raw == 0))  # zeros are never withheld
    assert np.all(np.isnan(values[(raw >= 1) & (raw <= 7)]))
    supp = np.isnan(values)
    assert 1 not in set(supp.sum(axis=0)) | set(supp.sum(axis=1))


def test_results_can_be_concatenated():
    # attrs must hold only comparable values (a DataFrame in attrs breaks pd.concat)
    table = frame({"x": [20, 3, 30], "y": [25, 5, 36]}, list("abc"))
    both = pd.concat([suppress_small_counts(table), suppress_small_counts(table)])
    assert both.shape == (4, 3)
    assert both.attrs["suppression"]["high"] == 7


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
    out, flags = suppress_rows(data, counts=["n", "N"], derived=["pct", "ci_low", "ci_high"],
                               return_flags=True)
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
    table = publish(out)
    assert table["n"].tolist() == ["*", 10, 0, 25]
    assert table["label"].tolist() == ["*", "12/52", "*", "23/40"]  # listed derived column
    assert table["group"].tolist() == ["A", "B", "C", "D"]
    path = tmp_path / "published.xlsx"
    table.to_excel(path, index=False)
    back = pd.read_excel(path)
    assert back["N"].tolist() == [40, 50, "*", 40]
    crosstab = suppress_small_counts(frame({"x": [20, 3, 30], "y": [25, 5, 36]}, list("abc")))
    assert publish(crosstab, marker="[c]").loc["x"].tolist() == ["[c]", "[c]", 30]


# ===================================================================== NHS numbers
# 943 476 5919: the worked Modulus 11 example (NHS Data Dictionary method; weighted sum
# 299, remainder 2, check digit 9).  9876543210, 1234567881 valid and 1234567890 invalid,
# 123456789 -> check digit 10: examples of the nhsnumber R package (Sellors).
# 4010232137: test list of nhs_number_utils.
VALID = ["9434765919", "9876543210", "1234567881", "4010232137"]


def reference_is_valid(number: str) -> bool:
    """Plain-Python Modulus 11, following the NHS Data Dictionary steps."""
    if len(number) != 10 or not number.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:9], range(10, 1, -1)))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(number[9]) and len(set(number)) > 1


@pytest.mark.parametrize("number", VALID)
def test_published_valid_examples(number):
    assert is_valid_nhs_number(number) is True
    assert is_valid_nhs_number(int(number)) is True


@pytest.mark.parametrize(
    "text", ["943 476 5919", "943-476-5919", " 9434765919 ", "943 4765919", 9434765919.0]
)
def test_accepted_formats(text):
    assert is_valid_nhs_number(text)


@pytest.mark.parametrize(
    "value",
    ["9434765918", "9434765910", "1234567890", "94347659191", "943476591", "943 476 591 9",
     "94347 65919", "943.476.5919", "A434765919", "", None, np.nan, 9434765919.5],
)
def test_invalid_numbers(value):
    assert is_valid_nhs_number(value) is False


def test_check_digit_ten_means_no_valid_number():
    # 123456789: weighted sum 210, remainder 1, 11 - 1 = 10 -> no check digit works
    assert nhs_number_check_digit("123456789") is None
    assert not is_valid_nhs_number([f"123456789{d}" for d in range(10)]).any()


def test_repeated_digit_numbers_are_not_valid_identifiers():
    numbers = [str(d) * 10 for d in range(10)]
    # they all pass Modulus 11 ...
    assert all(
        nhs_number_check_digit(n[:9]) == int(n[9]) for n in numbers
    )
    # ... but are placeholders, not identifiers
    assert not is_valid_nhs_number(numbers).any()


def test_check_digit_examples_and_vectorised_form():
    assert nhs_number_check_digit("943476591") == 9
    assert nhs_number_check_digit(123456788) == 1
    assert nhs_number_check_digit("987 654 321") == 0
    out = nhs_number_check_digit(pd.Series(["943476591", "123456789"], index=["p", "q"]))
    assert out.dtype == "Int64" and out.tolist() == [9, NA]
    with pytest.raises(InvalidValueError, match=r"column 'first9', row 1.*nine digits"):
        nhs_number_check_digit(pd.Series(["943476591", "94347659"], name="first9"))


def test_series_in_series_out_and_array_in_array_out():
    s = pd.Series(["943 476 5919", None, "9434765918", 9876543210], index=[10, 20, 30, 40],
                  name="nhs_no", dtype=object)
    out = is_valid_nhs_number(s)
    assert isinstance(out, pd.Series) and out.name == "nhs_no"
    assert out.index.tolist() == [10, 20, 30, 40]
    assert out.tolist() == [True, False, False, True]
    arr = is_valid_nhs_number(np.array([9434765919, 9434765918]))
    assert isinstance(arr, np.ndarray) and arr.tolist() == [True, False]
    floats = pd.Series([9434765919.0, np.nan])  # Excel column with a blank cell
    assert is_valid_nhs_number(floats).tolist() == [True, False]


def test_vectorised_agrees_with_plain_python_reference():
    rng = np.random.default_rng(2024)
    numbers = [f"{n:010d}" for n in rng.integers(0, 10**10, size=3000)]
    checks = nhs_number_check_digit(pd.Series([n[:9] for n in numbers[:1000]])).fillna(0)
    numbers += [n[:9] + str(c) for n, c in zip(numbers[:1000], checks)]
    got = is_valid_nhs_number(pd.Series(numbers)).tolist()
    assert got == [reference_is_valid(n) for n in numbers]
    assert sum(got) > 900  # the completed numbers are mostly valid


@settings(max_examples=200, deadline=None)
@given(st.text("0123456789", min_size=9, max_size=9), st.integers(0, 9), st.integers(1, 9))
def test_property_single_digit_errors_are_detected(first_nine, position, shift):
    check = nhs_number_check_digit(first_nine)
    if check is None or len(set(first_nine + str(check))) == 1:
        return
    number = first_nine + str(check)
    assert is_valid_nhs_number(number)
    digits = list(number)
    digits[position] = str((int(digits[position]) + shift) % 10)
    assert not is_valid_nhs_number("".join(digits))
    if position < 9 and number[position] != number[position + 1]:
        swapped = list(number)
        swapped[position], swapped[position + 1] = swapped[position + 1], swapped[position]
        assert not is_valid_nhs_number("".join(swapped))


def test_find_nhs_numbers_reports_masked_hits():
    data = pd.DataFrame(
        {
            "client": [9434765919, 17, 9876543210],
            "legacy_id": [np.nan, 4010232137.0, 12.0],
            "note": ["seen by GP", "NHS no 943 476 5919, tel 07700 900123",
                     "wrong number 9434765918"],
            "flag": [True, False, True],
        },
        index=["r1", "r2", "r3"],
    )
    hits = find_nhs_numbers(data)
    assert hits.to_dict("list") == {
        "column": ["client", "client", "legacy_id", "note"],
        "row": ["r1", "r3", "r2", "r2"],
        "value_masked": ["*** *** 5919", "*** *** 3210", "*** *** 2137", "*** *** 5919"],
    }
    empty = find_nhs_numbers(data, columns=["flag"])
    assert empty.empty and list(empty.columns) == ["column", "row", "value_masked"]


# ================================================================ pseudonymisation
def hmac_hex(key: str, text: str) -> str:
    return hmac.new(key.encode(), text.encode(), hashlib.sha256).hexdigest()


def test_pseudonym_is_hmac_sha256_of_the_normalised_text():
    assert pseudonymise("943 476 5919", salt="k1") == hmac_hex("k1", "9434765919")[:12]
    assert pseudonymise("  AB12 ", salt="k1", prefix="P-", length=16) == (
        "P-" + hmac_hex("k1", "AB12")[:16]
    )


def test_pseudonyms_are_stable_and_key_dependent():
    ids = pd.Series(["c1", "c2", "c3", "c1"])
    first = pseudonymise(ids, salt="secret-a")
    again = pseudonymise(ids, salt="secret-a")
    other = pseudonymise(ids, salt="secret-b")
    pd.testing.assert_series_equal(first, again)
    assert first[0] == first[3] and first.nunique() == 3
    assert not set(first) & set(other)


def test_missing_stays_missing_and_index_name_kept():
    s = pd.Series(["c1", None, " ", "c2", np.nan], index=list("vwxyz"), name="client_id")
    out = pseudonymise(s, salt="k")
    assert out.name == "client_id" and out.index.tolist() == list("vwxyz")
    assert out.isna().tolist() == [False, True, True, False, True]
    assert pseudonymise(None, salt="k") is None


def test_equivalent_forms_of_one_identifier_get_one_pseudonym():
    forms = pd.Series(["943 476 5919", 9434765919, 9434765919.0, "943-476-5919", "9434765919 "],
                      dtype=object)
    assert pseudonymise(forms, salt="k").nunique() == 1
    # letter case is part of an identifier
    assert pseudonymise("ab1", salt="k") != pseudonymise("AB1", salt="k")


def test_each_unique_value_is_hashed_once(monkeypatch):
    calls = []
    real = privacy._keyed_hash

    def counting(key, text):
        calls.append(text)
        return real(key, text)

    monkeypatch.setattr(privacy, "_keyed_hash", counting)
    values = pd.Series(["a", "b", "a", "c", "b", "a"] * 1000)
    out = pseudonymise(values, salt="k")
    assert sorted(calls) == ["a", "b", "c"]
    assert out.nunique() == 3 and len(out) == 6000


def test_key_from_environment_and_no_default_key(monkeypatch):
    monkeypatch.setenv("WELLBEING_PSEUDONYM_KEY", "from-env")
    assert pseudonymise("x") == pseudonymise("x", salt="from-env")
    monkeypatch.delenv("WELLBEING_PSEUDONYM_KEY")
    with pytest.raises(InvalidValueError, match="WELLBEING_PSEUDONYM_KEY"):
        pseudonymise("x")
    with pytest.raises(WellbeingError, match="key"):
        pseudonymise("x", salt="")


def test_short_lengths_and_collisions_are_refused():
    with pytest.raises(InvalidValueError, match="from 8 to 64"):
        pseudonymise("x", salt="k", length=6)
    # found by search: these two ids share the first 8 hex characters under this key
    ids = pd.Series(["client-1", "client-42074", "client-60666"], name="client_id")
    with pytest.raises(DuplicateKeyError, match=r"collision.*column 'client_id', rows 1, 2"):
        pseudonymise(ids, salt="collision-test", length=8)
    assert pseudonymise(ids, salt="collision-test", length=9).nunique() == 3


def test_pseudonymise_input_kinds():
    assert isinstance(pseudonymise(12345, salt="k"), str)
    out = pseudonymise(np.array([1, 2]), salt="k")
    assert isinstance(out, pd.Series) and out.index.tolist() == [0, 1]
    assert pseudonymise(pd.Index(["a"], name="id"), salt="k").name == "id"
    with pytest.raises(InvalidValueError, match="one column"):
        pseudonymise(pd.DataFrame({"a": [1]}), salt="k")


# ========================================================================= redaction
@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Mrs Smith (EX1 2LB) phoned on 01392 123456 about NHS number 943 476 5919.",
         "[NAME] ([POSTCODE]) phoned on [PHONE] about NHS number [NHS NUMBER]."),
        ("Email jane.doe@nhs.net or j.o'neil+test@example.co.uk.",
         "Email [EMAIL] or [EMAIL]."),
        ("Call +44 (0)20 7946 0000, +44 7700 900123 or 0044 1392 123456.",
         "Call [PHONE], [PHONE] or [PHONE]."),
        ("Mobile 07700-900-123, office (01392) 123456, freephone 0800 123 4567.",
         "Mobile [PHONE], office [PHONE], freephone [PHONE]."),
        ("Dr. Jane Patel met Mr O'Brien and Prof J. R. Smith-Jones.",
         "[NAME] met [NAME] and [NAME]."),
        ("Lives at sw1a 1aa, then W1A 0AX and ex12lb.",
         "Lives at [POSTCODE], then [POSTCODE] and [POSTCODE]."),
        ("NHS no: 9434765919; old ref 943-476-5918.",
         "NHS no: [NHS NUMBER]; old ref [NHS NUMBER]."),
        ("Dr Patel's clinic", "[NAME]'s clinic"),
    ],
)
def test_redaction_positives(text, want):
    assert redact_pii(text) == want


def test_nhs_numbers_are_not_mistaken_for_phone_numbers_and_vice_versa():
    # a 3-3-4 group after +44 is a phone number; a bare 3-3-4 group is an NHS number
    assert redact_pii("+44 161 496 0000") == "[PHONE]"
    assert redact_pii("0161 496 0000 / 401 023 2137") == "[PHONE] / [NHS NUMBER]"


@pytest.mark.parametrize(
    "text",
    [
        "In 2019, 3,250 people aged 65+ attended 12 sessions; funding was £2.3m (£2,300,000).",
        "WEMWBS rose by 3.5 points (from 41.2 to 44.7) between 2019-2020 and 2021/22.",
        "Call NHS 111 or 999; the NHS Long Term Plan covers 42 ICSs.",
        "MS Teams meeting about her Dr appointment on 01/02/2019 at 10:30 for 10-12 weeks.",
        "Covid-19 2nd wave; B2 2nd cohort; ratio 1:10; ISBN 978-0-19-852663-6.",
        "Reference 1234567890.5 and ID 20190412; 0.1234567890 of a percent.",
    ],
)
def test_redaction_leaves_ordinary_text_unchanged(text):
    assert redact_pii(text) == text


def test_redact_series_keeps_missing_index_and_name():
    s = pd.Series(["Mr Jones rang 07700 900123", None, "aged 74 in 2019"],
                  index=[5, 6, 7], name="quote")
    out = redact_pii(s)
    assert out.tolist()[0] == "[NAME] rang [PHONE]"
    assert pd.isna(out[6]) and out[7] == "aged 74 in 2019"
    assert out.name == "quote" and out.index.tolist() == [5, 6, 7]
    assert s[5] == "Mr Jones rang 07700 900123"  # input unchanged


def test_placeholders_can_be_changed_or_switched_off():
    text = "Mrs Smith, EX1 2LB"
    assert redact_pii(text, placeholders={"name": None}) == "Mrs Smith, [POSTCODE]"
    assert redact_pii(text, placeholders={"postcode": r"<PC\1>"}) == r"[NAME], <PC\1>"
    with pytest.raises(InvalidValueError, match="'address'"):
        redact_pii(text, placeholders={"address": "[ADDRESS]"})
    with pytest.raises(InvalidValueError, match="text"):
        redact_pii(12345)
    assert redact_pii(None) is None
