"""Privacy core: small-count suppression, pseudonyms, NHS numbers and free-text redaction.

Every published table or report made with wellbeing_lib goes through this module.

Small-count suppression
    :func:`suppress_small_counts` (wide cross-tabs, with secondary suppression and
    optional margins), :func:`suppress_rows` (tidy tables with count and derived
    columns), :func:`suppressed_percentages` and :func:`publish` (NA → ``"*"``).
    The default rule is NHS Digital's for HES/ECDS since 2018: below national level,
    counts of 1–7 are suppressed and all other counts rounded to the nearest 5; zero
    is published as 0.  Other services suppress counts below 10
    (``low=1, high=9, base=1``).
Pseudonyms
    :func:`pseudonymise`: keyed hash (HMAC-SHA256) of identifiers.
NHS numbers
    :func:`is_valid_nhs_number`, :func:`nhs_number_check_digit` (Modulus 11) and
    :func:`find_nhs_numbers`, to catch identifiers before publishing.
Free text
    :func:`redact_pii`: e-mails, UK phone numbers, NHS numbers, postcodes, names with
    an honorific.

Suppression and redaction reduce, not remove, the risk of disclosure; a person who
knows the data still has to check the output before it is published.

Example
-------
>>> import pandas as pd
>>> from wellbeing_lib.privacy import suppress_small_counts, publish
>>> counts = pd.DataFrame({"improved": [12, 3, 25], "same": [23, 4, 31],
...                        "worse": [9, 14, 10]}, index=["Exeter", "Torbay", "Plymouth"])
>>> publish(suppress_small_counts(counts))
         improved same worse
Exeter          *    *    10
Torbay          *    *    15
Plymouth       25   30    10
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import warnings
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from .errors import DuplicateKeyError, InvalidValueError
from .io import check_numeric, require_columns, source_of

__all__ = [
    "SUPPRESS_LOW",
    "SUPPRESS_HIGH",
    "ROUND_BASE",
    "KEY_ENV",
    "suppress_small_counts",
    "suppress_rows",
    "suppressed_percentages",
    "publish",
    "round_counts",
    "pseudonymise",
    "is_valid_nhs_number",
    "nhs_number_check_digit",
    "find_nhs_numbers",
    "redact_pii",
]

#: default suppression rule (NHS Digital HES/ECDS since 2018): suppress counts 1-7 ...
SUPPRESS_LOW = 1
SUPPRESS_HIGH = 7
#: ... and round every other count to the nearest 5
ROUND_BASE = 5
#: what :func:`publish` writes in place of a suppressed value
MARKER = "*"
#: environment variable holding the pseudonymisation key when ``salt`` is not given
KEY_ENV = "WELLBEING_PSEUDONYM_KEY"
#: shortest pseudonym allowed: 8 hex characters = 32 bits
MIN_PSEUDONYM_LENGTH = 8


# ============================================================ small-count suppression
def _check_settings(low, high, base) -> None:
    for name, value, minimum in (("low", low, 0), ("high", high, 0), ("base", base, 1)):
        if (
            isinstance(value, bool)
            or not isinstance(value, int | np.integer)
            or value < minimum
        ):
            raise InvalidValueError(
                f"invalid suppression setting {name}={value!r}",
                expected=f"a whole number of at least {minimum}",
            )


def round_counts(values, base: int = ROUND_BASE):
    """Round whole-number counts to the nearest multiple of ``base`` (halves round up).

    ``round(n / base) * base`` in exact integer arithmetic:
    ``(n + base // 2) // base * base``.  With an odd base (the default 5) no count lies
    half-way; with an even base halves round up (``base=10``: 5 → 10, 15 → 20).
    ``base=1`` leaves counts as they are.

    Parameters
    ----------
    values : int, array-like of int
        Non-negative whole numbers (already validated).
    base : int, default 5

    Returns
    -------
    int or numpy.ndarray of int64

    Example
    -------
    >>> round_counts([0, 8, 12, 13, 22, 23]).tolist()
    [0, 10, 10, 15, 20, 25]
    """
    arr = np.asarray(values, dtype=np.int64)
    out = (arr + base // 2) // base * base
    return int(out) if out.ndim == 0 else out


def _label_text(label) -> str:
    return label if isinstance(label, str) else str(label)


def _count_matrix(table: pd.DataFrame, what: str) -> np.ndarray:
    """Validate a frame whose every column holds counts; return them as int64."""
    if not isinstance(table, pd.DataFrame):
        raise InvalidValueError(
            f"{what} needs a table of counts",
            expected="a pandas DataFrame (e.g. from pandas.crosstab)",
            found=[type(table).__name__],
        )
    if table.columns.duplicated().any():
        dup = table.columns[table.columns.duplicated()].unique()
        raise DuplicateKeyError(
            "repeated column label",
            file=source_of(table),
            column=[_label_text(c) for c in dup],
            expected="one column per category",
        )
    # DataError formats column labels as text: give check_numeric text labels
    named = table.set_axis([_label_text(c) for c in table.columns], axis=1)
    for col in named.columns:
        values = named[col]
        if (
            not pd.api.types.is_numeric_dtype(values)
            and len(values)
            and values.notna().all()
            and pd.to_numeric(values, errors="coerce").isna().all()
        ):
            raise InvalidValueError(
                "column holds labels, not counts",
                file=source_of(table),
                column=col,
                expected="only count columns; move label columns into the index "
                "(table.set_index(...))",
                found=list(values.iloc[:3]),
            )
    checked = check_numeric(named, list(named.columns), low=0, integer=True, allow_missing=False)
    return checked.to_numpy(dtype=np.int64)


def _append_label(index: pd.Index, label: str) -> pd.Index:
    if isinstance(index, pd.MultiIndex):
        full = (label,) + ("",) * (index.nlevels - 1)
        return pd.MultiIndex.from_tuples([*index, full], names=index.names)
    return pd.Index([*index, label], name=index.name)


def _with_margins(raw: np.ndarray) -> np.ndarray:
    n_rows, n_cols = raw.shape
    ext = np.zeros((n_rows + 1, n_cols + 1), dtype=np.int64)
    ext[:n_rows, :n_cols] = raw
    ext[:n_rows, n_cols] = raw.sum(axis=1)
    ext[n_rows, :n_cols] = raw.sum(axis=0)
    ext[n_rows, n_cols] = raw.sum()
    return ext


def _secondary_suppression(raw: np.ndarray, primary: np.ndarray) -> np.ndarray:
    """Cells to suppress so that no row or column has exactly one suppressed cell.

    Repeats until stable: for every row, then every column, with exactly one suppressed
    cell, suppress its smallest non-zero unsuppressed cell (ties: the first).  The loop
    runs over the lines of a cross-tab (its categories), not over data records.
    """
    suppressed = primary.copy()
    big = np.iinfo(np.int64).max
    changed = True
    while changed:
        changed = False
        for axis in (0, 1):
            for i in range(raw.shape[axis]):
                line = (i, slice(None)) if axis == 0 else (slice(None), i)
                in_line = suppressed[line]
                if in_line.sum() != 1:
                    continue
                values = raw[line]
                candidates = ~in_line & (values > 0)
                if not candidates.any():
                    continue  # reported by _exposed_lines
                j = int(np.argmin(np.where(candidates, values, big)))
                suppressed[(i, j) if axis == 0 else (j, i)] = True
                changed = True
    return suppressed & ~primary


def _exposed_lines(suppressed: np.ndarray, index: pd.Index, columns: pd.Index) -> list[str]:
    rows = [f"row {index[i]!r}" for i in np.flatnonzero(suppressed.sum(axis=1) == 1)]
    cols = [f"column {columns[j]!r}" for j in np.flatnonzero(suppressed.sum(axis=0) == 1)]
    return rows + cols


def _suppress_table(table, *, low, high, base, secondary, margins, margins_name):
    """Shared core of suppress_small_counts and suppressed_percentages."""
    _check_settings(low, high, base)
    raw = _count_matrix(table, "small-count suppression")
    index, columns = table.index, table.columns
    if margins:
        for axis_name, labels in (("row", index), ("column", columns)):
            flat = labels.get_level_values(0) if isinstance(labels, pd.MultiIndex) else labels
            if margins_name in list(flat):
                raise InvalidValueError(
                    f"the table already has a {axis_name} called {margins_name!r}",
                    file=source_of(table),
                    expected="a table without totals (pass margins=True to add them) "
                    "or another margins_name",
                )
        raw = _with_margins(raw)
        index = _append_label(index, margins_name)
        columns = _append_label(columns, margins_name)
    primary = (raw >= low) & (raw <= high)
    second = _secondary_suppression(raw, primary) if secondary else np.zeros_like(primary)
    if secondary:
        exposed = _exposed_lines(primary | second, index, columns)
        if exposed:
            warnings.warn(
                "small-count suppression cannot protect "
                + ", ".join(exposed)
                + ": each has one suppressed cell and no other non-zero cell to suppress "
                "with it, so anyone who knows its total can recover that cell; do not "
                "publish that total (or use margins=True so that it is suppressed too)",
                UserWarning,
                stacklevel=3,
            )
    return raw, primary, second, index, columns


def _flags(primary: np.ndarray, second: np.ndarray, index, columns) -> pd.DataFrame:
    text = np.where(primary, "primary", np.where(second, "secondary", ""))
    return pd.DataFrame(text, index=index, columns=columns, dtype="str")


def suppress_small_counts(
    table: pd.DataFrame,
    *,
    low: int = SUPPRESS_LOW,
    high: int = SUPPRESS_HIGH,
    base: int = ROUND_BASE,
    secondary: bool = True,
    margins: bool = False,
    margins_name: str = "Total",
    return_flags: bool = False,
):
    """Suppress and round the counts of a cross-tab for publication.

    Primary suppression: counts from ``low`` to ``high`` (default 1–7) are withheld.
    Rounding: every other count is rounded to the nearest ``base`` (default 5; halves
    round up; 8 → 10, 12 → 10, 13 → 15); zero stays 0.  Secondary suppression
    (``secondary=True``): repeated until nothing changes — in every row and column
    that has exactly one suppressed cell, the smallest non-zero unsuppressed cell
    (by unrounded count; the first on ties) is suppressed too, so that no suppressed
    cell can be recovered by subtracting the others from a total.

    Parameters
    ----------
    table : DataFrame
        Wide cross-tab of counts (e.g. ``pandas.crosstab`` without margins): index =
        row categories, columns = column categories, cells = non-negative whole
        numbers.
    low, high : int, default 1, 7
        Counts in ``[low, high]`` are suppressed (``high < low`` suppresses nothing).
    base : int, default 5
        Rounding base; ``base=1`` means no rounding.
    secondary : bool, default True
        Apply secondary suppression.  Row and column totals are treated as known
        even when ``margins=False``, because they are usually published elsewhere
        (number of participants per area, per outcome).  If they truly are not
        known, pass ``secondary=False``.  A row/column whose only non-zero cell is
        suppressed cannot be protected without its total: a ``UserWarning`` names it.
    margins : bool, default False
        Append a row and a column of totals (``margins_name``) computed from the
        unrounded counts, then rounded, suppressed and secondary-suppressed like any
        other cell (the totals row and column are lines too).
    margins_name : str, default "Total"
    return_flags : bool, default False
        Also return a frame of the same shape saying why each cell was withheld:
        ``"primary"``, ``"secondary"`` or ``""`` (published).

    Returns
    -------
    DataFrame or (DataFrame, DataFrame)
        Counts as nullable ``Int64``, rounded, ``<NA>`` where suppressed (a new
        frame; the input is unchanged).  ``attrs["suppression"]`` records the rule
        (``low``, ``high``, ``base``, ``secondary``, ``margins``).  With
        ``return_flags=True``, also the flags frame described above.  Turn the
        result into a table for a report with :func:`publish`.

    Raises
    ------
    InvalidValueError
        A cell is missing, negative, not a whole number or not a number (naming the
        column and rows), or a setting is invalid.

    Notes
    -----
    The rule follows NHS Digital's HES/ECDS disclosure control (since 2018).
    Secondary suppression by this row/column heuristic protects against recovery from
    a single row or column total; it is not a full linear-programming audit (for
    large linked tables use tau-Argus or sdcTable).  Rounding the published counts
    further limits differencing between tables.

    Example
    -------
    >>> import pandas as pd
    >>> counts = pd.DataFrame({"a": [20, 25], "b": [3, 5], "c": [30, 36]},
    ...                       index=["x", "y"])
    >>> out, flags = suppress_small_counts(counts, return_flags=True)
    >>> out
          a     b   c
    x  <NA>  <NA>  30
    y  <NA>  <NA>  35
    >>> flags.loc["x"].tolist()
    ['secondary', 'primary', '']
    """
    raw, primary, second, index, columns = _suppress_table(
        table, low=low, high=high, base=base, secondary=secondary,
        margins=margins, margins_name=margins_name,
    )
    out = pd.DataFrame(round_counts(raw, base), index=index, columns=columns).astype("Int64")
    out = out.mask(primary | second)
    out.attrs = {
        **table.attrs,
        "suppression": {
            "low": int(low),
            "high": int(high),
            "base": int(base),
            "secondary": bool(secondary),
            "margins": bool(margins),
        }
    }
    if return_flags:
        return out, _flags(primary, second, index, columns)
    return out


def suppressed_percentages(
    counts: pd.DataFrame,
    *,
    normalize: str = "index",
    decimals: int | None = 1,
    low: int = SUPPRESS_LOW,
    high: int = SUPPRESS_HIGH,
    base: int = ROUND_BASE,
    secondary: bool = True,
    margins: bool = False,
    margins_name: str = "Total",
) -> pd.DataFrame:
    """Percentages of a count cross-tab, with the cells suppressed in the counts withheld.

    Percentages are computed from the raw (unrounded) counts, ``100 × n / total``; a
    cell is withheld wherever :func:`suppress_small_counts` (same settings) withholds
    its count, and every percentage whose denominator is itself in ``[low, high]`` is
    withheld (a percentage of 1–7 people discloses as much as the count).

    Parameters
    ----------
    counts : DataFrame
        Wide cross-tab of counts, as for :func:`suppress_small_counts`.
    normalize : {"index", "columns", "all"}, default "index"
        As in ``pandas.crosstab``: ``"index"`` = row percentages (each row sums to
        100), ``"columns"`` = column percentages, ``"all"`` = percent of the grand total.
    decimals : int or None, default 1
        Round the percentages; None keeps full precision.
    low, high, base, secondary, margins, margins_name
        As for :func:`suppress_small_counts`.

    Returns
    -------
    DataFrame
        Nullable ``Float64`` percentages, ``<NA>`` where withheld or where the
        denominator is 0.

    Example
    -------
    >>> import pandas as pd
    >>> counts = pd.DataFrame({"a": [20, 25], "b": [3, 5], "c": [30, 35]},
    ...                       index=["x", "y"])
    >>> suppressed_percentages(counts)
          a     b     c
    x  <NA>  <NA>  56.6
    y  <NA>  <NA>  53.8
    """
    if normalize not in ("index", "columns", "all"):
        raise InvalidValueError(
            f"invalid normalize={normalize!r}", expected="'index', 'columns' or 'all'"
        )
    raw, primary, second, index, columns = _suppress_table(
        counts, low=low, high=high, base=base, secondary=secondary,
        margins=margins, margins_name=margins_name,
    )
    # totals of the interior cells (with margins they are the last row/column)
    interior = raw[:-1, :-1] if margins else raw
    row_tot = interior.sum(axis=1)
    col_tot = interior.sum(axis=0)
    grand = interior.sum()
    if margins:
        row_tot = np.append(row_tot, grand)
        col_tot = np.append(col_tot, grand)
    if normalize == "index":
        denom = np.broadcast_to(row_tot[:, None], raw.shape)
    elif normalize == "columns":
        denom = np.broadcast_to(col_tot[None, :], raw.shape)
    else:
        denom = np.full(raw.shape, grand)
    pct = np.divide(100.0 * raw, denom, out=np.full(raw.shape, np.nan), where=denom > 0)
    if decimals is not None:
        pct = np.round(pct, decimals)
    small_denominator = (denom >= low) & (denom <= high)
    out = pd.DataFrame(pct, index=index, columns=columns).astype("Float64")
    out = out.mask(primary | second | small_denominator)
    out.attrs = {
        **counts.attrs,
        "suppression": {
            "low": int(low), "high": int(high), "base": int(base),
            "secondary": bool(secondary), "margins": bool(margins), "normalize": normalize,
        }
    }
    return out


def suppress_rows(
    data: pd.DataFrame,
    *,
    counts: Iterable[str] = ("n",),
    derived: Iterable[str] = (),
    low: int = SUPPRESS_LOW,
    high: int = SUPPRESS_HIGH,
    base: int = ROUND_BASE,
    return_flags: bool = False,
):
    """Suppress small counts in a tidy summary table, and the values derived from them.

    In each count column, counts from ``low`` to ``high`` (default 1–7) are withheld
    and the others rounded to the nearest ``base`` (default 5); zero stays 0.  In every
    row with any withheld count, every ``derived`` column (percentages, means, CIs...)
    is withheld too.  No secondary suppression is applied: tidy summary rows seldom
    sum to a published total; if they do, publish the cross-tab with
    :func:`suppress_small_counts` instead.

    Parameters
    ----------
    data : DataFrame
        One row per group, e.g. columns ``group, n, N, pct, ci_low, ci_high``.
    counts : sequence of str, default ("n",)
        Count columns: non-negative whole numbers, no missing values.
    derived : sequence of str, default ()
        Columns computed from the counts.  Compute them from the unrounded counts.
    low, high, base : int
        As for :func:`suppress_small_counts`.
    return_flags : bool, default False
        Also return a frame (counts and derived columns) saying ``"primary"`` for a
        withheld count, ``"derived"`` for a derived value withheld with it, ``""``
        otherwise.

    Returns
    -------
    DataFrame or (DataFrame, DataFrame)
        A copy of ``data``: count columns as rounded nullable ``Int64`` with ``<NA>``
        where withheld; derived columns keep their dtype, missing where withheld.

    Example
    -------
    >>> import pandas as pd
    >>> summary = pd.DataFrame({"group": ["A", "B", "C"], "n": [5, 12, 0],
    ...                         "N": [40, 52, 6], "pct": [12.5, 23.1, 0.0]})
    >>> suppress_rows(summary, counts=["n", "N"], derived=["pct"])
      group     n     N   pct
    0     A  <NA>    40   NaN
    1     B    10    50  23.1
    2     C     0  <NA>   NaN
    """
    _check_settings(low, high, base)
    counts = [counts] if isinstance(counts, str) else list(counts)
    derived = [derived] if isinstance(derived, str) else list(derived)
    if not counts:
        raise InvalidValueError("no count columns given", expected="counts=['n', ...]")
    both = sorted(set(counts) & set(derived), key=str)
    if both:
        raise InvalidValueError(
            "a column is listed as both a count and a derived value", column=both
        )
    require_columns(data, counts + derived, what="small-count suppression")
    raw = _count_matrix(data[counts], "small-count suppression")
    primary = (raw >= low) & (raw <= high)
    out = data.copy()
    for k, col in enumerate(counts):
        rounded = pd.Series(round_counts(raw[:, k], base), index=data.index, dtype="Int64")
        out[col] = rounded.mask(primary[:, k])
    row_hit = primary.any(axis=1)
    for col in derived:
        out[col] = out[col].mask(row_hit)
    out.attrs["suppression"] = {
        "low": int(low), "high": int(high), "base": int(base),
        "counts": counts, "derived": derived,
    }
    if return_flags:
        flags = pd.DataFrame(
            np.where(primary, "primary", ""), index=data.index, columns=counts, dtype="str"
        )
        for col in derived:
            flags[col] = pd.Series(np.where(row_hit, "derived", ""), index=data.index,
                                   dtype="str")
        return out, flags
    return out


def publish(table, *, marker: str = MARKER, columns: Iterable | None = None):
    """Replace withheld (missing) values with a marker, for a published table or workbook.

    Parameters
    ----------
    table : DataFrame or Series
        Output of :func:`suppress_small_counts`, :func:`suppress_rows` or
        :func:`suppressed_percentages`.
    marker : str, default "*"
        NHS Digital's convention; some publications use ``"[c]"`` or ``"-"``.
    columns : sequence, optional
        Columns to mark.  Default: every numeric column, and the count and derived
        columns of a :func:`suppress_rows` result (recorded in
        ``attrs["suppression"]``); labels that happen to be missing are left as they
        are, not marked as suppressed.

    Returns
    -------
    DataFrame or Series
        ``object`` dtype: numbers stay numbers (so Excel sees numbers), withheld
        cells hold ``marker``.

    Example
    -------
    >>> import pandas as pd
    >>> publish(pd.Series([10, None, 0], dtype="Int64")).tolist()
    [10, '*', 0]
    """
    if isinstance(table, pd.Series):
        out = table.astype(object)
        return out.where(table.notna(), marker)
    if not isinstance(table, pd.DataFrame):
        raise InvalidValueError(
            "publish needs a table", expected="a DataFrame or Series",
            found=[type(table).__name__],
        )
    if columns is None:
        rule = table.attrs.get("suppression", {})
        listed = {*rule.get("counts", ()), *rule.get("derived", ())}
        columns = [
            c for c in table.columns
            if c in listed or pd.api.types.is_numeric_dtype(table[c])
        ]
    else:
        columns = list(columns)
        require_columns(table, columns, what="publish")
    out = table.copy()
    for col in columns:
        out[col] = table[col].astype(object).where(table[col].notna(), marker)
    return out


# ==================================================================== NHS numbers
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


# ================================================================= pseudonymisation
def _resolve_key(salt) -> bytes:
    if salt is None:
        salt = os.environ.get(KEY_ENV)
        if not salt:
            raise InvalidValueError(
                "no pseudonymisation key",
                expected=f"salt=<secret> or the environment variable {KEY_ENV} set to a "
                "secret kept apart from the code and the data (there is no default key)",
            )
    if isinstance(salt, str):
        salt = salt.encode("utf-8")
    if not isinstance(salt, bytes | bytearray) or not salt:
        raise InvalidValueError(
            "invalid pseudonymisation key", expected="a non-empty str or bytes"
        )
    return bytes(salt)


def _normalise_identifier(value) -> str | None:
    """Text form of one identifier: stripped; whole floats without '.0'; NHS spaces removed."""
    if isinstance(value, float | np.floating):
        if np.isnan(value):
            return None
        value = int(value) if float(value).is_integer() else float(value)
    text = str(value).strip()
    if not text:
        return None
    if _NHS_FULL.fullmatch(text):
        text = text.replace(" ", "").replace("-", "")
    return text


def _keyed_hash(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def pseudonymise(values, *, salt=None, prefix: str = "", length: int = 12):
    """Replace identifiers by keyed-hash pseudonyms (HMAC-SHA256).

    ``pseudonym = prefix + HMAC-SHA256(key=salt, message=text)[:length]`` in hex, where
    ``text`` is the identifier's string form with surrounding whitespace stripped,
    whole floats written without ".0" (Excel stores 9434765919 as 9434765919.0) and
    NHS numbers in 3-3-4 groups written without spaces or hyphens; letter case is kept.
    The same key gives the same pseudonym in every run (so files can be linked);
    another key gives unrelated pseudonyms; without the key the pseudonyms cannot be
    reversed or recomputed.  Each unique value is hashed once.

    Pseudonymised data are still personal data (UK GDPR, ICO guidance): keep the key
    secret, separate from the data, and do not publish record-level pseudonyms.

    Parameters
    ----------
    values : scalar, or list / array / Index / Series
    salt : str or bytes, optional
        The secret key.  If None, the environment variable ``WELLBEING_PSEUDONYM_KEY``
        is used; if that is not set either, an error is raised (there is no default).
    prefix : str, default ""
        Put in front of every pseudonym, e.g. ``"P-"``.
    length : int, default 12
        Hex characters kept (8–64).  Collisions become likely at about
        ``16**(length/2)`` distinct values (65,000 for 8, 16.8 million for 12).

    Returns
    -------
    str or Series
        Scalar in → str out (None for a missing value).  Otherwise a ``str`` Series
        (index and name of a Series kept), missing where the input is missing or
        blank.

    Raises
    ------
    InvalidValueError
        No key, or ``length`` outside 8–64.
    DuplicateKeyError
        Two different identifiers received the same pseudonym (use a larger
        ``length``).

    References
    ----------
    Krawczyk, Bellare & Canetti (1997), RFC 2104: HMAC.

    Example
    -------
    >>> pseudonymise("943 476 5919", salt="example-key", prefix="P-")
    'P-37bb60a03228'
    >>> pseudonymise([9434765919, None], salt="example-key", prefix="P-").tolist()
    ['P-37bb60a03228', nan]
    """
    key = _resolve_key(salt)
    if (
        isinstance(length, bool)
        or not isinstance(length, int | np.integer)
        or not MIN_PSEUDONYM_LENGTH <= length <= 64
    ):
        raise InvalidValueError(
            f"invalid pseudonym length={length!r}",
            expected=f"a whole number from {MIN_PSEUDONYM_LENGTH} to 64 "
            "(shorter pseudonyms are likely to collide)",
        )
    scalar = pd.api.types.is_scalar(values)
    if scalar:
        series = pd.Series([values], dtype=object)
    elif isinstance(values, pd.Series):
        series = values
    elif isinstance(values, pd.DataFrame):
        raise InvalidValueError(
            "pseudonymise takes one column at a time",
            expected="a Series, list or array (e.g. data['id'])",
            found=["DataFrame"],
        )
    else:
        name = values.name if isinstance(values, pd.Index) else None
        series = pd.Series(np.asarray(values, dtype=object).ravel(), dtype=object, name=name)

    codes, uniques = pd.factorize(series)
    texts = pd.Series([_normalise_identifier(u) for u in uniques], dtype=object)
    text_codes, text_uniques = pd.factorize(texts)  # "943 476 5919" and 9434765919 meet
    hashes = np.array([_keyed_hash(key, t)[:length] for t in text_uniques], dtype=object)

    value_code = np.full(len(series), -1, dtype=np.int64)
    seen = codes >= 0
    value_code[seen] = text_codes[codes[seen]]
    out = np.full(len(series), None, dtype=object)
    hit = value_code >= 0
    out[hit] = prefix + hashes[value_code[hit]].astype(str).astype(object)

    clash = pd.Series(hashes).duplicated(keep=False).to_numpy()
    if clash.any():
        bad = np.flatnonzero(clash)
        rows = series.index[np.isin(value_code, bad)]
        raise DuplicateKeyError(
            "pseudonym collision: different identifiers received the same pseudonym",
            column=series.name if isinstance(series.name, str) else None,
            rows=list(rows),
            expected=f"a larger length than {length}",
            found=sorted({prefix + h for h in hashes[bad]}),
        )
    result = pd.Series(out, index=series.index, name=series.name, dtype="str")
    if scalar:
        value = result.iloc[0]
        return None if pd.isna(value) else value
    return result


# ======================================================================= redaction
#: default placeholders of :func:`redact_pii`, in the order the patterns are applied
PII_PLACEHOLDERS = {
    "email": "[EMAIL]",
    "nhs_number": "[NHS NUMBER]",
    "phone": "[PHONE]",
    "postcode": "[POSTCODE]",
    "name": "[NAME]",
}

_PII_PATTERNS = {
    "email": re.compile(r"\b[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b"),
    # 10 digits (3-3-4 or plain), checked before phone numbers; not part of +44 numbers
    "nhs_number": _NHS_IN_TEXT,
    # UK numbers: +44 / 0044 [ (0) ] then 9-10 digits; (0xxxx) 6-8 digits; 0 then 9-10
    # digits; single spaces or hyphens anywhere between digits
    "phone": re.compile(
        r"(?<![\w+])(?<!\d[.,])"
        r"(?:"
        r"(?:\+44|\b0044)[ -]?(?:\(0\)[ -]?)?[1-9](?:[ -]?\d){8,9}"
        r"|\(0\d{2,4}\)[ -]?\d(?:[ -]?\d){5,7}"
        r"|\b0[1-9](?:[ -]?\d){8,9}"
        r")(?!\d|[.,]\d)"
    ),
    # full UK postcodes (outward + inward code), any case, space optional; a lower-case
    # ordinal ("B2 2nd") is not taken for an inward code
    "postcode": re.compile(
        r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?(?!(?-i:\d(?:st|nd|rd|th)\b))"
        r"\d[ABD-HJLNP-UW-Z]{2})\b",
        re.IGNORECASE,
    ),
    # honorific (title case) followed by one to three capitalised names or initials
    "name": re.compile(
        r"\b(?:Mrs|Mr|Ms|Miss|Mx|Dr|Prof|Professor|Sir|Dame|Lady|Lord|Rev|Revd|Reverend"
        r"|Cllr)\b\.?"
        r"(?:[ \t]+(?:[A-Z]\.|[A-Z][A-Za-z]*(?:['’-][A-Z][A-Za-z]*)*)){1,3}"
    ),
}


def redact_pii(text, *, placeholders: Mapping[str, str | None] | None = None):
    """Replace personal identifiers in free text by placeholders.

    Applied in this order: e-mail addresses → ``[EMAIL]``; NHS numbers (10 digits,
    plain or in 3-3-4 groups; looked for before phone numbers, whether or not they
    pass Modulus 11) → ``[NHS NUMBER]``; UK phone numbers (``+44``/``0044``/``0``
    prefixes, ``(0)``, bracketed area codes, spaces and hyphens) → ``[PHONE]``; full UK
    postcodes (any case, e.g. "EX1 2LB", "sw1a 1aa") → ``[POSTCODE]``; an honorific
    (Mr, Mrs, Ms, Miss, Mx, Dr, Prof, Sir, Dame, Rev, Cllr...) followed by capitalised
    names → ``[NAME]``.  Ordinary numbers (ages, years, money, counts) are left alone.

    Pattern matching misses names without an honorific, lower-case names and
    identifiers written in unusual ways: read redacted quotes before publishing them.

    Parameters
    ----------
    text : str or Series
        A Series is processed with vectorised ``Series.str.replace``; missing values
        stay missing; non-text values are converted to text.
    placeholders : mapping, optional
        Override the placeholder of a kind (``"email"``, ``"nhs_number"``,
        ``"phone"``, ``"postcode"``, ``"name"``); None switches that kind off.

    Returns
    -------
    str or Series
        Same kind as the input (a ``str`` Series with the same index and name).

    Example
    -------
    >>> redact_pii("Mrs Smith (EX1 2LB, 07700 900123) is 74 and saw 3 staff in 2019.")
    '[NAME] ([POSTCODE], [PHONE]) is 74 and saw 3 staff in 2019.'
    """
    labels = dict(PII_PLACEHOLDERS)
    if placeholders is not None:
        unknown = [k for k in placeholders if k not in labels]
        if unknown:
            raise InvalidValueError(
                f"unknown placeholder kind {', '.join(map(repr, unknown))}",
                expected="keys among " + ", ".join(labels),
            )
        labels.update(placeholders)
    steps = [
        (_PII_PATTERNS[kind], label.replace("\\", r"\\"))
        for kind, label in labels.items()
        if label is not None
    ]
    if isinstance(text, pd.Series):
        out = text.astype("str")
        for pattern, label in steps:
            out = out.str.replace(pattern, label, regex=True)
        return out
    if text is None or (pd.api.types.is_scalar(text) and pd.isna(text)):
        return text
    if not isinstance(text, str):
        raise InvalidValueError(
            "redact_pii needs text", expected="a str or a Series of text",
            found=[type(text).__name__],
        )
    for pattern, label in steps:
        text = pattern.sub(label, text)
    return text

