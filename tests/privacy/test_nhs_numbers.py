"""NHS numbers: Modulus 11 against published examples and an independent reference."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wellbeing_lib.errors import (
    InvalidValueError,
)
from wellbeing_lib.privacy import (
    find_nhs_numbers,
    is_valid_nhs_number,
    nhs_number_check_digit,
)

# ===================================================================== NHS numbers
# 943 476 5919: the worked Modulus 11 example (NHS Data Dictionary method; weighted sum
# 299, remainder 2, check digit 9).  9876543210, 1234567881 valid and 1234567890 invalid,
# 123456789 -> check digit 10: examples of the nhsnumber R package (Sellors).
# 4010232137: test list of nhs_number_utils.
NA = pd.NA

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
