"""NHS numbers: the Modulus 11 check, check digits, and finding NHS numbers in data and text."""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..errors import InvalidValueError
from ..validation import require_columns

#: 10 digits, optionally in 3-3-4 groups separated by a space or hyphen
_NHS_GROUPS = r"\d{3}[ -]?\d{3}[ -]?\d{4}"
_NHS_FULL = re.compile(_NHS_GROUPS)
_WEIGHTS = np.arange(10, 1, -1, dtype=np.int64)  # 10, 9, ..., 2
_POWERS = 10 ** np.arange(9, -1, -1, dtype=np.int64)  # 10^9 ... 10^0


def _as_text(values: pd.Series) -> pd.Series:
    """Values as stripped text (missing stays missing); whole floats lose their '.0'."""
    text = values.astype("str").str.strip()
    return text.str.replace(r"^(\d+)\.0+$", r"\1", regex=True)


def _modulus11(numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Digits of 10-digit int64 numbers → (expected check digit (10 = none), actual)."""
    digits = (numbers[:, None] // _POWERS) % 10
    remainder = (digits[:, :9] @ _WEIGHTS) % 11
    check = 11 - remainder
    check = np.where(check == 11, 0, check)
    return check, digits[:, 9]


def _valid_mask(text: pd.Series) -> np.ndarray:
    """Vectorised Modulus 11 test of stripped text values (missing → False)."""
    shaped = text.str.fullmatch(_NHS_GROUPS).fillna(False).to_numpy(dtype=bool)
    valid = np.zeros(len(text), dtype=bool)
    if shaped.any():
        digits_text = text[shaped].str.replace(r"[ -]", "", regex=True)
        numbers = digits_text.astype("int64").to_numpy()
        check, last = _modulus11(numbers)
        repdigit = numbers % 1111111111 == 0  # 0000000000, 1111111111, ..., 9999999999
        valid[shaped] = (check != 10) & (check == last) & ~repdigit
    return valid


def is_valid_nhs_number(values):
    """Check NHS numbers with the Modulus 11 algorithm (vectorised).

    An NHS number is 10 digits, written plain or in 3-3-4 groups separated by spaces
    or hyphens ("943 476 5919", "943-476-5919").  Weights 10, 9, ..., 2 multiply the
    first nine digits; ``r = Σ wᵢdᵢ mod 11``; the check digit is ``11 − r``, with 11
    written as 0; if it is 10 the number is not valid; a number is valid when the
    check digit equals the tenth digit.  Numbers of one repeated digit
    (0000000000, 1111111111, ...) pass Modulus 11 but are placeholders, not
    identifiers, so they are reported as not valid here.

    Parameters
    ----------
    values : str, int, or Series / array-like of them
        Integers are not zero-padded; whole floats (as Excel stores numbers) are
        accepted.

    Returns
    -------
    bool, Series of bool or numpy array of bool
        Scalar in → bool out; Series in → boolean Series (same index, missing →
        False); other array-likes → numpy bool array.

    References
    ----------
    NHS Data Dictionary, "NHS NUMBER" data element (Modulus 11 check digit).

    Example
    -------
    >>> is_valid_nhs_number("943 476 5919")
    True
    >>> is_valid_nhs_number([9434765919, "9434765918", "1111111111", None]).tolist()
    [True, False, False, False]
    """
    if pd.api.types.is_scalar(values):
        return bool(_valid_mask(_as_text(pd.Series([values], dtype=object)))[0])
    if isinstance(values, pd.Series):
        return pd.Series(_valid_mask(_as_text(values)), index=values.index, name=values.name)
    series = pd.Series(np.asarray(values, dtype=object).ravel(), dtype=object)
    return _valid_mask(_as_text(series))


def nhs_number_check_digit(first_nine):
    """The Modulus 11 check digit that completes the first nine digits of an NHS number.

    ``r = Σ wᵢdᵢ mod 11`` with weights 10, 9, ..., 2; check digit ``11 − r`` (11 → 0).
    When it would be 10, no valid NHS number starts with these nine digits.

    Parameters
    ----------
    first_nine : str, int, or Series / array-like of them
        Nine digits (spaces or hyphens are ignored).

    Returns
    -------
    int or None, or Series of Int64
        None (``<NA>`` in a Series) where the check digit would be 10.

    Raises
    ------
    InvalidValueError
        If a value is not nine digits (naming the rows).

    Example
    -------
    >>> nhs_number_check_digit("943476591")
    9
    >>> nhs_number_check_digit(123456789) is None
    True
    """
    scalar = pd.api.types.is_scalar(first_nine)
    if scalar:
        series = pd.Series([first_nine], dtype=object)
    elif isinstance(first_nine, pd.Series):
        series = first_nine
    else:
        series = pd.Series(np.asarray(first_nine, dtype=object).ravel(), dtype=object)
    text = _as_text(series).str.replace(r"[ -]", "", regex=True)
    ok = text.str.fullmatch(r"\d{9}").fillna(False).to_numpy(dtype=bool)
    if not ok.all():
        raise InvalidValueError(
            "not the first nine digits of an NHS number",
            column=series.name if isinstance(series.name, str) else None,
            rows=list(series.index[~ok]),
            expected="nine digits",
            found=list(series[~ok]),
        )
    numbers = text.astype("int64").to_numpy() * 10  # append a dummy tenth digit
    check, _ = _modulus11(numbers)
    result = pd.Series(check, index=series.index, name=series.name, dtype="Int64")
    result = result.mask(check == 10)
    if scalar:
        value = result.iloc[0]
        return None if pd.isna(value) else int(value)
    return result


#: an NHS-number-shaped sequence inside text (not part of a longer number)
_NHS_IN_TEXT = re.compile(
    r"(?<![\d+.,])(?<!\+44 )(?<!\+44-)(?<!0044 )(?<!\(0\))(?<!\(0\) )"
    r"(" + _NHS_GROUPS + r")(?!\d|[.,]\d)"
)


def _mask_nhs(digits: pd.Series) -> pd.Series:
    return "*** *** " + digits.str[-4:]


def find_nhs_numbers(data: pd.DataFrame, *, columns: Iterable | None = None) -> pd.DataFrame:
    """Find cells that hold a valid NHS number, to catch identifiers before publishing.

    Text columns are searched for NHS-number-shaped sequences anywhere in the text
    (plain 10 digits or 3-3-4 groups); integer and float columns are checked as whole
    values.  Only sequences that pass Modulus 11 (:func:`is_valid_nhs_number`) are
    reported.

    Parameters
    ----------
    data : DataFrame
    columns : sequence, optional
        Columns to scan; default every text, integer and float column (not booleans
        or dates).

    Returns
    -------
    DataFrame
        One row per hit: ``column``, ``row`` (index label) and ``value_masked``
        (only the last four digits shown, e.g. ``"*** *** 5919"``).  Empty when
        nothing is found.

    Example
    -------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"id": [9434765919, 12],
    ...                    "note": ["ok", "NHS no 943 476 5919 in notes"]})
    >>> find_nhs_numbers(df)
      column  row  value_masked
    0     id    0  *** *** 5919
    1   note    1  *** *** 5919
    """
    if columns is None:
        columns = [
            c for c in data.columns
            if not pd.api.types.is_bool_dtype(data[c])
            and not pd.api.types.is_datetime64_any_dtype(data[c])
            and not isinstance(data[c].dtype, pd.PeriodDtype | pd.IntervalDtype)
        ]
    else:
        columns = list(columns)
        require_columns(data, columns, what="find_nhs_numbers")
    pieces = []
    for col in columns:  # loop over columns; each column is scanned vectorised
        values = data[col]
        if pd.api.types.is_numeric_dtype(values):
            text = _as_text(values)
            hit = _valid_mask(text)
            rows, digits = values.index[hit], text[hit]
        else:
            found = _as_text(values).str.extractall(_NHS_IN_TEXT)[0]
            found = found.str.replace(r"[ -]", "", regex=True)
            hit = _valid_mask(found)
            rows, digits = found.index.get_level_values(0)[hit], found[hit]
        if len(rows):
            pieces.append(pd.DataFrame({
                "column": col,
                "row": list(rows),
                "value_masked": _mask_nhs(pd.Series(digits.to_numpy(), dtype="str")),
            }))
    if not pieces:
        return pd.DataFrame({"column": pd.Series(dtype="str"), "row": pd.Series(dtype=object),
                             "value_masked": pd.Series(dtype="str")})
    return pd.concat(pieces, ignore_index=True).drop_duplicates(ignore_index=True)


