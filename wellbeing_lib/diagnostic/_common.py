"""Private helpers shared by the modules of :mod:`wellbeing_lib.diagnostic`."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..errors import InvalidValueError
from ..validation import error_location

#: tolerance for comparing means of points with thresholds (means of integers are inexact)
_EPS = 1e-9


def _blank(values: pd.Series) -> pd.Series:
    return values.isna() | (values == "")


def _normalise_text(values: pd.Series) -> pd.Series:
    """Trim, collapse inner whitespace and case-fold (missing stays missing)."""
    return values.astype(str).str.replace(r"\s+", " ", regex=True).str.strip().str.casefold()


def _clean_text(values: pd.Series) -> pd.Series:
    """Text with inner whitespace collapsed and ends trimmed (missing stays missing)."""
    return values.astype(str).str.replace(r"\s+", " ", regex=True).str.strip()


def _slug(label: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", str(label).casefold()).strip("_")


def _fail(problem, data, column, mask, *, expected, found=None, cls=InvalidValueError):
    mask = np.asarray(mask, dtype=bool)  # positional, so repeated index labels are safe
    rows = list(data.index[mask])
    raise cls(
        problem, column=column, **error_location(data, rows), expected=expected,
        found=list(data.loc[mask, column]) if found is None else found,
    )


def _require_text(data: pd.DataFrame, column: str, what: str) -> pd.Series:
    text = _clean_text(data[column])
    blank = _blank(text)
    if blank.any():
        _fail(f"missing {column} in {what}", data, column, blank,
              expected=f"a {column} on every row", found=[])
    return text


def _none(value):
    """None for missing values (openpyxl writes None as an empty cell)."""
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


def _text(value) -> str:
    return "" if _none(value) is None else str(value)


def _lower_first(text: pd.Series) -> pd.Series:
    return text.str[:1].str.lower() + text.str[1:]


def _fmt(values: pd.Series, digits: int = 2) -> pd.Series:
    return values.round(digits).map(lambda x: f"{x:.{digits}f}", na_action="ignore").astype("str")


def _check_number(name: str, value) -> None:
    """Raise ValueError unless ``value`` is a finite number."""
    if not isinstance(value, (int, float, np.integer, np.floating)) or not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number; got {value!r}")


def _scale_expected(scale: pd.DataFrame) -> str:
    levels = ", ".join(f"{p:g} {lab}" for p, lab in zip(scale["points"], scale["label"]))
    return f"a label or its points: {levels}; or blank if not answered"


def _joined_missing(done: np.ndarray, ids: pd.Series) -> np.ndarray:
    """Per organisation, the ids of the questions not answered, ``"; "``-joined in order
    (one step per question, each over every organisation)."""
    joined = np.full(done.shape[0], "", dtype=object)
    for j, qid in enumerate(ids.astype(str)):
        gap = ~done[:, j]
        first = gap & (joined == "")
        joined[first] = qid
        later = gap & ~first
        joined[later] = joined[later] + ("; " + qid)
    return joined


def _positions(values: pd.Series, targets) -> np.ndarray:
    """Position of each value in ``targets`` (-1 when absent), looked up once per distinct
    value."""
    codes, uniques = pd.factorize(values)
    at = np.append(pd.Index(targets).get_indexer(uniques), -1)  # code -1: missing
    return at[codes]
