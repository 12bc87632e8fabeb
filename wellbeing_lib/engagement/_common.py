"""Private helpers shared by the engagement modules: column lists, labels, input tables,
categories matched as text, weights and the Wilson interval for an effective n."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from ..errors import InvalidValueError, MissingColumnError
from ..io import read_table
from ..validation import (
    as_columns,
    check_ci,
    check_numeric,
    error_location,
    require_columns,
    source_of,
)


def _frame_from(source, what: str, **read_kwargs) -> pd.DataFrame:
    """A DataFrame given as such (copied) or read from a file with read_table."""
    if isinstance(source, pd.DataFrame):
        return source.copy()
    if isinstance(source, str | os.PathLike):
        return read_table(source, dtype=str, keep_default_na=False, **read_kwargs)
    raise TypeError(f"{what} must be a DataFrame or a file path, not {type(source).__name__}")


def _active(mentions: pd.DataFrame) -> pd.DataFrame:
    """Mentions that count (negated ones removed when flagged)."""
    if "negated" in mentions.columns:
        return mentions[~mentions["negated"].astype(bool).to_numpy()]
    return mentions


# --------------------------------------------------------------------------- categories
def _as_text(values: pd.Series) -> pd.Series:
    """Category labels as text, so that 1, 1.0 and "1" are the same category."""
    if pd.api.types.is_bool_dtype(values):
        return values.astype("str")
    kind = pd.api.types.infer_dtype(values, skipna=True)
    if pd.api.types.is_numeric_dtype(values) or kind in ("integer", "floating",
                                                          "mixed-integer-float", "decimal"):
        v = values.astype("float64")
        whole = v.notna() & np.isfinite(v) & (v % 1 == 0)
        out = v.astype("str")
        out[whole] = v[whole].astype(np.int64).astype("str")
        return out.mask(v.isna())
    out = values.astype("str").str.strip()
    return out.mask(out.isna() | (out == ""))


def _wilson(p: np.ndarray, n: np.ndarray, ci: float) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for proportion p from n (possibly non-integer, e.g. Kish n_eff)."""
    from scipy.stats import norm

    z = norm.isf(check_ci(ci) / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        denom = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denom
        half = z / denom * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def _value_column(population: pd.DataFrame, value) -> str:
    if value is not None:
        require_columns(population, [value], what="population table")
        return value
    for candidate in ("share", "percent", "count", "population"):
        if candidate in population.columns:
            return candidate
    raise MissingColumnError("population table: no share or count column",
                             file=source_of(population), column="share",
                             expected="a share, percent, count or population column (or value=...)",
                             found=[", ".join(map(str, population.columns))])



def _categories(data: pd.DataFrame, variable: str, allowed: pd.Index, what: str) -> np.ndarray:
    """Index of each respondent's category in ``allowed`` (-1 = missing); error if unknown."""
    require_columns(data, [variable])
    cats = _as_text(data[variable])
    codes = allowed.get_indexer(cats)
    unknown = (codes < 0) & cats.notna().to_numpy()
    if unknown.any():
        raise InvalidValueError(
            f"respondent's category not in the {what}", column=variable,
            expected="one of " + ", ".join(map(str, allowed)),
            found=list(pd.unique(cats[unknown])),
            **error_location(data, data.index[unknown]),
        )
    return codes


def _weights(data: pd.DataFrame, weights, what: str = "weights") -> np.ndarray | None:
    if weights is None:
        return None
    if isinstance(weights, str):
        values = check_numeric(data, [weights], low=0, allow_missing=False)[weights]
        return values.to_numpy(dtype=float)
    values = pd.Series(weights.to_numpy() if isinstance(weights, pd.Series) else
                       np.asarray(weights), name=what)
    if isinstance(weights, pd.Series) and not weights.index.equals(data.index):
        values = pd.Series(weights.reindex(data.index).to_numpy(), name=what)
    if len(values) != len(data):
        raise InvalidValueError(f"{what} have the wrong length", column=what,
                                expected=f"{len(data)} values (one per row of data)",
                                found=[len(values)])
    checked = check_numeric(values.to_frame(), [what], low=0, allow_missing=False)[what]
    arr = checked.to_numpy(dtype=float)
    if not np.isfinite(arr).all() or arr.sum() <= 0:
        raise InvalidValueError(f"invalid {what}", column=what,
                                expected="finite weights of 0 or more, not all 0")
    return arr




def _unit_columns(data, unit) -> list[str]:
    """Columns identifying a text: ``unit``, else respondent and question (those present)."""
    if unit is None:
        return [c for c in ("respondent", "question") if c in data.columns] or ["respondent"]
    return as_columns(unit)
