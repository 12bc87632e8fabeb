"""Private helpers of the agreement statistics: tidy coding tables -> integer arrays.

Shared inside ``stats`` only (``agreement`` and ``coefficients``).  The public names
``unit_index`` and ``check_coders`` are re-exported by :mod:`wellbeing_lib.stats.agreement`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import InvalidValueError
from ..validation import as_columns, check_labels, check_unique, require_columns, rows_where

#: levels of measurement accepted by the agreement statistics
LEVELS = ("nominal", "ordinal", "interval", "ratio")


def unit_index(frame: pd.DataFrame, units: Sequence[str]) -> pd.Index:
    """The unit of every row of a coding table, as an Index (a MultiIndex for several columns).

    Example
    -------
    >>> import pandas as pd
    >>> unit_index(pd.DataFrame({"r": [1, 2], "q": ["a", "b"]}), ["r", "q"]).tolist()
    [(1, 'a'), (2, 'b')]
    """
    if len(units) == 1:
        return pd.Index(frame[units[0]], name=units[0])
    return pd.MultiIndex.from_frame(frame[list(units)])


def check_coders(found, coders, *, coder: str, hint: str = "") -> list:
    """The coders to compare: all of ``found`` (in order) or the listed ``coders``.

    Raises :class:`InvalidValueError` naming a listed coder that is not in the data (``hint``
    is added to what was expected) and ``ValueError`` for a coder listed twice.

    Example
    -------
    >>> check_coders(["A", "B", "A"], None, coder="coder")
    ['A', 'B']
    """
    found = list(pd.unique(pd.Series(list(found), dtype=object)))
    if coders is None:
        return found
    coders = list(coders)
    absent = [c for c in coders if c not in set(found)]
    if absent:
        raise InvalidValueError(
            "coder not found", column=coder,
            expected="coders among " + ", ".join(map(str, found)) + hint, found=absent,
        )
    if len(set(coders)) != len(coders):
        raise ValueError(f"coders lists a coder twice: {coders!r}")
    return coders


def _prepare(data, unit, coder, value, coders):
    """Validate a one-variable coding table; return (rows, unit columns, coders)."""
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame, not {type(data).__name__}")
    unit_cols = as_columns(unit)
    require_columns(data, [*unit_cols, coder, value])
    check_labels(data, unit_cols, "unit")
    check_labels(data, [coder], "coder")
    check_unique(data, [*unit_cols, coder])
    chosen = check_coders(data[coder], coders, coder=coder)
    frame = data[[*unit_cols, coder, value]]
    if coders is not None:
        frame = frame[frame[coder].isin(chosen)]
    return frame, unit_cols, chosen


def _check_args(level=None, n_boot=0) -> None:
    if level is not None and level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    if not (isinstance(n_boot, int | np.integer) and not isinstance(n_boot, bool) and n_boot >= 0):
        raise ValueError(f"n_boot must be a whole number of 0 or more, not {n_boot!r}")


def _encode(frame: pd.DataFrame, value: str, level: str, value_domain):
    """Integer codes of the values (-1 = missing) and the sorted value domain.

    nominal: any values; ordinal: numbers, or labels listed in order in ``value_domain``;
    interval and ratio: numbers (ratio: 0 or more).
    """
    raw = frame[value]
    present = raw.notna().to_numpy()
    if value_domain is not None and level in ("nominal", "ordinal"):
        domain = pd.Index(list(value_domain))
        if len(domain) < 2 or not domain.is_unique:
            raise ValueError("value_domain must list at least two distinct values, in order")
        codes = domain.get_indexer(raw)
        bad = present & (codes < 0)
        if bad.any():
            raise InvalidValueError(
                "value not in value_domain", column=value,
                expected="one of " + ", ".join(map(str, domain)),
                found=list(pd.unique(raw[bad])), **rows_where(frame, bad),
            )
        return codes, np.arange(len(domain), dtype=float)
    if level == "nominal":
        codes, uniques = pd.factorize(raw, use_na_sentinel=True)
        return np.asarray(codes), np.arange(len(uniques), dtype=float)
    numbers = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
    bad = present & np.isnan(numbers)
    if bad.any():
        how = " (or pass value_domain=[...] listing the categories in order)" \
            if level == "ordinal" else ""
        raise InvalidValueError(
            f"non-numeric value for level '{level}'", column=value,
            expected=f"numbers{how}", found=list(pd.unique(raw[bad])), **rows_where(frame, bad),
        )
    if level == "ratio":
        neg = present & (numbers < 0)
        if neg.any():
            raise InvalidValueError(
                "negative value for level 'ratio'", column=value,
                expected="numbers of 0 or more", found=list(raw[neg]), **rows_where(frame, neg),
            )
    if value_domain is not None:
        allowed = pd.to_numeric(pd.Series(list(value_domain)), errors="coerce").to_numpy(float)
        if np.isnan(allowed).any():
            raise ValueError(f"value_domain must hold numbers for level '{level}'")
        bad = present & ~np.isin(numbers, allowed)
        if bad.any():
            raise InvalidValueError(
                "value not in value_domain", column=value,
                expected="one of " + ", ".join(f"{a:g}" for a in allowed),
                found=list(raw[bad]), **rows_where(frame, bad),
            )
    domain = np.unique(numbers[present])
    codes = np.full(len(numbers), -1, dtype=np.int64)
    codes[present] = np.searchsorted(domain, numbers[present])
    return codes, domain


def _value_counts(unit_codes, value_codes, n_units: int, n_values: int) -> np.ndarray:
    """Units x values matrix: how many coders gave each value to each unit (vectorised)."""
    ok = value_codes >= 0
    flat = unit_codes[ok] * n_values + value_codes[ok]
    counts = np.bincount(flat, minlength=n_units * n_values)
    return counts.reshape(n_units, n_values).astype(float)


# --------------------------------------------------------------------------- fast path
class Ratings:
    """A coding table as integer arrays, one entry per row kept (see :func:`_ratings`).

    ``unit`` and ``coder`` number the units (in order of appearance) and the chosen
    coders; ``value`` numbers the value in ``domain`` (-1: a missing value).
    """

    __slots__ = ("unit_cols", "coders", "units", "unit", "coder", "value", "domain", "frame")

    def __init__(self, unit_cols, coders, units, unit, coder, value, domain, frame):
        self.unit_cols, self.coders, self.units = unit_cols, coders, units
        self.unit, self.coder, self.value, self.domain = unit, coder, value, domain
        self.frame = frame

    def counts(self) -> np.ndarray:
        """Units x values matrix: how many coders gave each value to each unit."""
        return _value_counts(self.unit, self.value, len(self.units), len(self.domain))

    def grid(self) -> np.ndarray:
        """Units x coders matrix of value numbers (-1: not coded or missing)."""
        out = np.full((len(self.units), len(self.coders)), -1, dtype=np.int64)
        out[self.unit, self.coder] = self.value
        return out


def _factorize(series: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Codes (-1: missing) and uniques in order of appearance, as ``pd.factorize``.

    Labels held as Python objects (text) are slow to hash, and coding tables are usually
    sorted by coder or unit, so a column made of long runs of one label is factorised
    by its runs: one comparison per row, then one hash per run.
    """
    values = series.to_numpy()
    if values.dtype == object and len(values) > 1000:
        head = values[:1000]
        if (head[1:] != head[:-1]).sum() < 100:       # long runs in the first rows
            starts = np.flatnonzero(np.concatenate([[True], values[1:] != values[:-1]]))
            if len(starts) <= len(values) // 8:
                run_codes, uniques = pd.factorize(values[starts], use_na_sentinel=True)
                lengths = np.diff(np.append(starts, len(values)))
                return np.repeat(run_codes.astype(np.int64), lengths), pd.Index(uniques)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return np.asarray(codes, dtype=np.int64), pd.Index(uniques)


def _ratings(data, unit, coder: str, value: str, coders, level: str = "nominal",
             value_domain=None) -> Ratings:
    """Validate a one-variable coding table and encode it as integer arrays.

    The same checks as :func:`_prepare` (missing labels, a coder listed twice for a unit,
    unknown coders), done on integer codes: the slow, row-naming checks run only when
    something is wrong, to raise the named error.
    """
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame, not {type(data).__name__}")
    unit_cols = as_columns(unit)
    require_columns(data, [*unit_cols, coder, value])
    if len(unit_cols) == 1:
        unit_code, units = _factorize(data[unit_cols[0]])
        units = units.rename(unit_cols[0])
        if (unit_code < 0).any():
            check_labels(data, unit_cols, "unit")
    else:
        check_labels(data, unit_cols, "unit")
        unit_code, units = unit_index(data, unit_cols).factorize()
        unit_code = np.asarray(unit_code, dtype=np.int64)
    coder_code, found = _factorize(data[coder])
    if (coder_code < 0).any():
        check_labels(data, [coder], "coder")
    key = unit_code * len(found) + coder_code
    if len(key) and np.bincount(key).max() > 1:
        check_unique(data, [*unit_cols, coder])
    chosen = check_coders(found, coders, coder=coder)
    frame = data
    if coders is not None:
        position = pd.Index(chosen).get_indexer(found)
        coder_code = position[coder_code]
        keep = coder_code >= 0
        frame, unit_code, coder_code = data[keep], unit_code[keep], coder_code[keep]
    value_code, domain = _encode(frame, value, level, value_domain)
    return Ratings(unit_cols, chosen, units, unit_code, coder_code,
                   np.asarray(value_code, dtype=np.int64), np.asarray(domain, dtype=float),
                   frame)
