"""The SROI impact map: its columns, validated on load, read from CSV or XLSX.

An impact map has one row per stakeholder × outcome, as in the Cabinet Office SROI guide
(2012): quantity, financial proxy (with source and price year), duration, deadweight,
displacement, attribution and drop-off. :func:`validate_impact_map` checks one and returns a
clean copy; :func:`read_impact_map` reads one from a file the user names, with errors that
name the file, column and spreadsheet line.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..errors import InvalidValueError
from ..io import read_table, with_source
from ..validation import (
    check_total_rows,
    check_unique,
    error_location,
    require_columns,
    source_of,
)
from ._common import _year_label

__all__ = [
    "SROI_FRACTIONS",
    "VALUE_TYPES",
    "IMPACT_MAP_COLUMNS",
    "IMPACT_MAP_OPTIONAL",
    "validate_impact_map",
    "read_impact_map",
]

#: the four fractions of an impact map, each in [0, 1], in the order they are applied
SROI_FRACTIONS = ("deadweight", "displacement", "attribution", "drop_off")
#: value types of the GMCA cost-benefit model (fiscal cashable / non-cashable, economic, social)
VALUE_TYPES = ("fiscal_cashable", "fiscal_non_cashable", "economic", "social")
#: required columns of an impact map, in the order of a spreadsheet impact map
IMPACT_MAP_COLUMNS = (
    "stakeholder",
    "outcome",
    "indicator",
    "quantity",
    "proxy_value",
    "proxy_source",
    "proxy_price_year",
    "duration",
    "deadweight",
    "displacement",
    "attribution",
    "drop_off",
)
#: optional columns: ``start_year`` (default 1) and ``value_type`` (one of VALUE_TYPES)
IMPACT_MAP_OPTIONAL = ("start_year", "value_type")

_TEXT_FIELDS = ("stakeholder", "outcome", "indicator", "proxy_source", "proxy_price_year")
_VALUE_FIELDS = ("quantity", "proxy_value")
_MAP_NUMBERS = _VALUE_FIELDS + SROI_FRACTIONS
_FRACTION_TEXT = "a fraction between 0 and 1 (25% is 0.25)"
_FIELD_EXPECTED = {
    "quantity": "a number of at least 0 (how many people or units have the outcome)",
    "proxy_value": "a finite number (the financial proxy, £ per unit of the outcome)",
    "duration": "a whole number of years of at least 0",
    "start_year": "a whole number of at least 1 (year 1 = the first year of the programme)",
    **dict.fromkeys(SROI_FRACTIONS, _FRACTION_TEXT),
}
_FIELD_LIMITS = {
    "quantity": (0.0, np.inf),
    "proxy_value": (-np.inf, np.inf),
    "duration": (0.0, np.inf),
    "start_year": (1.0, np.inf),
    **dict.fromkeys(SROI_FRACTIONS, (0.0, 1.0)),
}


def _blank(values: pd.Series) -> pd.Series:
    """Missing or empty/whitespace-only cells."""
    missing = values.isna()
    if values.dtype.kind in "biufc":
        return missing
    return missing | values.astype("str").str.strip().eq("").fillna(False).astype(bool)


def _raise_rows(data, column, mask, problem, expected, found=None):
    labels = list(data.index[mask])
    if found is None:
        found = ["(blank)" if _blank(pd.Series([v])).iloc[0] else v for v in data.loc[mask, column]]
    raise InvalidValueError(
        f"impact map: {problem}",
        column=column,
        expected=expected,
        found=found,
        **error_location(data, labels),
    )


def _map_field(data: pd.DataFrame, column: str, *, integer: bool = False) -> pd.Series:
    """One numeric field of an impact map as float, or a named error naming the rows."""
    raw = data[column]
    expected = _FIELD_EXPECTED[column]
    blank = _blank(raw)
    if blank.any():
        _raise_rows(data, column, blank, "missing value", expected)
    values = pd.to_numeric(raw, errors="coerce").astype("float64")
    bad = values.isna()
    if bad.any():
        _raise_rows(data, column, bad, "non-numeric value", expected)
    checks = [("value is not finite", ~np.isfinite(values))]
    if integer:
        checks.append(("not a whole number", np.isfinite(values) & (values % 1 != 0)))
    low, high = _FIELD_LIMITS[column]
    checks.append(("value out of range", (values < low) | (values > high)))
    for problem, mask in checks:
        if mask.any():
            _raise_rows(data, column, mask, problem, expected)
    return values


def validate_impact_map(data: pd.DataFrame) -> pd.DataFrame:
    """Check an impact map and return a clean copy (numbers as numbers, text as text).

    An impact map has one row per stakeholder × outcome, as in the Cabinet Office SROI
    guide (2012), with the columns

    ==================  ===============================================================
    stakeholder         who experiences the outcome (e.g. "Clients", "NHS")
    outcome             what changes for them (unique within a stakeholder)
    indicator           how the change is measured
    quantity            how many people or units have the outcome (≥ 0)
    proxy_value         financial proxy, £ per unit (negative for a negative outcome)
    proxy_source        where the proxy comes from (never blank: assumptions are shown)
    proxy_price_year    price year of the proxy (e.g. "2023/24")
    duration            years the outcome lasts (whole number ≥ 0)
    deadweight          share that would have happened anyway (fraction in [0, 1])
    displacement        share that displaces outcomes elsewhere (fraction in [0, 1])
    attribution         share due to the contribution of others (fraction in [0, 1])
    drop_off            share of the remaining impact lost each later year ([0, 1])
    start_year          optional: year the outcome starts (default 1)
    value_type          optional: fiscal_cashable, fiscal_non_cashable, economic or social
                        (the GMCA cost–benefit model's split of value)
    ==================  ===============================================================

    Other columns (notes, references) are kept as they are.

    Parameters
    ----------
    data : DataFrame
        The impact map. Not modified.

    Returns
    -------
    DataFrame
        A copy with float ``quantity``, ``proxy_value`` and fractions, int ``duration`` and
        ``start_year`` (added, = 1, when absent), text fields as strings and
        ``proxy_price_year`` written as a label (``2016`` → ``"2016"``, ``"2016-17"`` →
        ``"2016/17"``). The file it was read from is kept as its provenance
        (:func:`wellbeing_lib.validation.source_of`), so later errors name the file.

    Raises
    ------
    MissingColumnError
        A required column is absent (listing what is expected).
    InvalidValueError
        A value that is missing, non-numeric, not finite, not whole (duration, start year)
        or out of range (e.g. a fraction of 1.5 or 25 meaning 25%), or a value type outside
        the four allowed — naming the column, the row (and the file line, for a map read
        with :func:`read_impact_map`) and the value found.
    DuplicateKeyError
        The same stakeholder × outcome on two rows.

    Example
    -------
    >>> import pandas as pd
    >>> bad = pd.DataFrame({
    ...     "stakeholder": ["Clients"], "outcome": ["Improved wellbeing"],
    ...     "indicator": ["SWEMWBS +3"], "quantity": [40], "proxy_value": [1000.0],
    ...     "proxy_source": ["illustrative"], "proxy_price_year": ["2024/25"],
    ...     "duration": [3], "deadweight": [25], "displacement": [0.0],
    ...     "attribution": [0.2], "drop_off": [0.3]})
    >>> validate_impact_map(bad)
    Traceback (most recent call last):
    ...
    wellbeing_lib.errors.InvalidValueError: impact map: value out of range in column 'deadweight', row 0: expected a fraction between 0 and 1 (25% is 0.25); found 25
    """
    if not isinstance(data, pd.DataFrame):
        raise InvalidValueError(
            "impact map not understood",
            expected="a DataFrame with columns " + ", ".join(IMPACT_MAP_COLUMNS),
            found=[type(data).__name__],
        )
    require_columns(data, IMPACT_MAP_COLUMNS, what="impact map")
    if len(data) == 0:
        raise InvalidValueError(
            "impact map has no rows", file=source_of(data),
            expected="one row per stakeholder × outcome",
        )
    check_total_rows(data, ["stakeholder", "outcome"], what="stakeholder × outcome")
    for col in _TEXT_FIELDS:
        blank = _blank(data[col])
        if blank.any():
            _raise_rows(data, col, blank, "missing value", "a value on every row")
    numbers_ = {col: _map_field(data, col) for col in _MAP_NUMBERS}
    duration = _map_field(data, "duration", integer=True)
    if "start_year" in data.columns:
        start = _map_field(data, "start_year", integer=True)
    else:
        start = pd.Series(1.0, index=data.index)
    if "value_type" in data.columns:
        blank = _blank(data["value_type"])
        if blank.any():
            _raise_rows(data, "value_type", blank, "missing value", "one of " + ", ".join(VALUE_TYPES))
        bad = ~data["value_type"].astype(str).str.strip().isin(VALUE_TYPES)
        if bad.any():
            _raise_rows(data, "value_type", bad, "value not allowed", "one of " + ", ".join(VALUE_TYPES))
    check_unique(data, ["stakeholder", "outcome"])
    # "Clients " and "clients" are the same stakeholder: its outcome must not count twice
    keys = data[["stakeholder", "outcome"]].apply(
        lambda c: c.astype("str").str.strip().str.casefold())
    check_unique(with_source(keys, source_of(data)), ["stakeholder", "outcome"])

    out = data.copy()
    for col in _TEXT_FIELDS:
        out[col] = out[col].map(_year_label if col == "proxy_price_year" else lambda v: str(v).strip())
        out[col] = out[col].astype("str")
    for col, values in numbers_.items():
        out[col] = values
    out["duration"] = duration.astype("int64")
    out["start_year"] = start.astype("int64")
    if "value_type" in out.columns:
        out["value_type"] = out["value_type"].astype(str).str.strip().astype("str")
    return with_source(out, source_of(data))


def read_impact_map(path, *, sheet_name=0) -> pd.DataFrame:
    """Read an impact map from a CSV or XLSX file and validate it.

    Column headings are matched after trimming, lower-casing and turning spaces and hyphens
    into underscores, so a spreadsheet heading "Drop-off" or "Proxy value" is read as
    ``drop_off`` / ``proxy_value``. See :func:`validate_impact_map` for the columns; errors
    name the file, the column and the spreadsheet line.

    Parameters
    ----------
    path : str or Path
        A ``.csv`` or ``.xlsx`` file (read with :func:`wellbeing_lib.io.read_table`).
    sheet_name : str or int, default 0
        Sheet of a workbook.

    Example
    -------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "impact_map.csv"
    >>> _ = p.write_text(
    ...     "Stakeholder,Outcome,Indicator,Quantity,Proxy value,Proxy source,"
    ...     "Proxy price year,Duration,Deadweight,Displacement,Attribution,Drop-off\\n"
    ...     "NHS,Fewer GP visits,GP visits,100,45,PSSRU 2013,2012/13,2,0.1,0.05,0.1,0.5\\n"
    ...     "Clients,Less lonely,UCLA-3,25,600,illustrative,2012/13,2,0.2,0.1,1.25,0.2\\n")
    >>> read_impact_map(p)
    Traceback (most recent call last):
    ...
    wellbeing_lib.errors.InvalidValueError: impact map: value out of range in impact_map.csv, column 'attribution', row 1 (file line 3): expected a fraction between 0 and 1 (25% is 0.25); found 1.25
    """
    table = read_table(path, sheet_name=sheet_name)
    table = table.rename(columns=lambda c: re.sub(r"[\s\-]+", "_", str(c).strip().lower()))
    return validate_impact_map(table)
