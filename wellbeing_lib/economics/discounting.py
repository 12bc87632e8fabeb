"""Discounting: the Green Book schedules, discount factors and present values.

* :func:`discount_rates` — the shipped HM Treasury Green Book schedules (CSV, with source
  and year);
* :func:`discount_factors` — vectorised factors under a flat rate or a stepped schedule;
* :func:`present_value` — a value stream with its discount factors, present values and
  total (a :class:`PresentValue`).

Year numbering and the first year
---------------------------------
Years are numbered as evaluators number them in a spreadsheet: year 1 is the first year of
the programme. Whether year 1 is itself discounted is a convention, so it is a named
argument, ``first_year_discounted``, everywhere:

* ``first_year_discounted=False`` (the default): year *t* is discounted over *t − 1*
  years, so year 1 is worth its face value. This is the HM Treasury Green Book convention,
  in which the first year of an appraisal is "year 0", the present, and is not discounted;
  the default therefore reproduces Green Book discount factors when year 1 is the current
  year.
* ``first_year_discounted=True``: year *t* is discounted over *t* years, so year 1 is
  divided by (1 + r). This is the formula in the Cabinet Office SROI guide (2012),
  PV = Σ value_t / (1 + r)^t, and what Excel's ``NPV()`` does. With this setting year 0 is
  allowed and means "now" (factor 1), so Green Book years 0, 1, 2, … can be passed as they
  are numbered in the Green Book tables.

The SROI functions (:func:`wellbeing_lib.economics.sroi` and the sensitivity and Monte
Carlo functions built on it) default to ``first_year_discounted=True`` instead, because they
implement the SROI guide's formula and should reproduce a ratio computed in an SROI
spreadsheet; pass False for the Green Book convention. Every result records which
convention it used.

Example
-------
>>> from wellbeing_lib.economics import discount_factors
>>> discount_factors([1, 2, 3], 0.035).round(6)
array([1.      , 0.966184, 0.933511])
>>> discount_factors([1, 2, 3], 0.035, first_year_discounted=True).round(6)
array([0.966184, 0.933511, 0.901943])
"""

from __future__ import annotations

import functools
import numbers
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import InvalidValueError
from ..io import load_reference_table
from ..validation import check_numeric, error_location, require_columns

__all__ = [
    "DISCOUNT_FILE",
    "DEFAULT_SCHEDULE",
    "discount_rates",
    "discount_factors",
    "present_value",
    "PresentValue",
]

DISCOUNT_FILE = "discount_rates.csv"
#: the default schedule: Green Book standard social time preference rate
DEFAULT_SCHEDULE = "green_book"


# ------------------------------------------------------------------ reference data
def discount_rates() -> pd.DataFrame:
    """The shipped discount-rate schedules, one row per schedule × band of years.

    Columns: ``schedule``, ``from_year``, ``to_year`` (blank = no upper limit), ``rate``
    (real, as a fraction), ``source``, ``year``.

    * ``green_book`` — HM Treasury Green Book standard rate: 3.5% for years 0–30, 3.0%
      31–75, 2.5% 76–125, 2.0% 126–200, 1.5% 201–300, 1.0% from year 301.
    * ``green_book_health`` — Green Book rate for health and life values (QALYs,
      wellbeing): 1.5% for years 0–30, 1.29% 31–75, 1.07% 76–125. Later bands are not
      shipped, so horizons beyond year 125 are refused.

    Years are numbered as in the Green Book: year 0 is the present, and the rate of a band
    applies to each year of discounting that ends in the band (see :func:`discount_factors`).

    Example
    -------
    >>> t = discount_rates()
    >>> t.loc[t["schedule"] == "green_book", ["from_year", "rate"]].head(2)
       from_year   rate
    0          0  0.035
    1         31  0.030
    """
    return load_reference_table(DISCOUNT_FILE)


@functools.cache
def _schedule_bands(name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(first period, last period, rate) of each band of a shipped schedule, validated."""
    table = discount_rates()
    known = list(dict.fromkeys(table["schedule"]))
    if name not in known:
        raise InvalidValueError(
            "unknown discount schedule",
            expected="a rate such as 0.035 or one of " + ", ".join(known),
            found=[name],
        )
    bands = table[table["schedule"] == name].sort_values("from_year")
    start = bands["from_year"].to_numpy(dtype=float)
    end = bands["to_year"].to_numpy(dtype=float)
    rate = bands["rate"].to_numpy(dtype=float)
    contiguous = start[0] == 0 and np.array_equal(start[1:], end[:-1] + 1)
    if not contiguous or np.isnan(end[:-1]).any() or ((rate < 0) | (rate >= 1)).any():
        raise InvalidValueError(  # pragma: no cover - guards the shipped file
            "discount schedule bands must start at year 0, follow on without gaps and have "
            "rates between 0 and 1",
            file=DISCOUNT_FILE,
            column=["from_year", "to_year", "rate"],
            found=[name],
        )
    # A band "from_year–to_year" holds the discounting periods s = max(from_year, 1) … to_year
    # (the period s runs from year s − 1 to year s; year 0 itself is not a period).
    first = np.maximum(start, 1.0)
    last = np.where(np.isnan(end), np.inf, end)
    return first, last, rate


# ------------------------------------------------------------------ discounting
def _periods(years, first_year_discounted: bool) -> tuple[np.ndarray, np.ndarray]:
    """Validated years (as given) and the number of discounting periods for each."""
    raw = np.asarray(years)
    try:
        values = raw.astype(float)
    except (TypeError, ValueError) as exc:
        raise InvalidValueError(
            "year is not a number", expected="whole numbers of years", found=list(raw.ravel())
        ) from exc
    bad = ~np.isfinite(values) | (values % 1 != 0)
    if bad.any():
        raise InvalidValueError(
            "year is missing or not a whole number",
            expected="whole numbers of years",
            found=list(raw[bad]),
        )
    shift = 0 if first_year_discounted else 1
    periods = values - shift
    if (periods < 0).any():
        expected = (
            "years of at least 0 (year 0 = now)"
            if first_year_discounted
            else "years of at least 1 (year 1 = the first year, not discounted); pass "
            "first_year_discounted=True to number years from 0 as the Green Book does"
        )
        raise InvalidValueError(
            "year before the start of the stream", expected=expected, found=list(raw[periods < 0])
        )
    return values, periods


def _rate_name(rate) -> str | float:
    """Validate ``rate``: a flat rate as a fraction, or the name of a shipped schedule."""
    if isinstance(rate, str):
        _schedule_bands(rate)  # raises for an unknown name
        return rate
    if isinstance(rate, numbers.Real) and not isinstance(rate, bool):
        rate = float(rate)
        if not 0 <= rate < 1:
            raise InvalidValueError(
                "discount rate out of range",
                expected="a rate between 0 and 1 as a fraction (3.5% is 0.035)",
                found=[rate],
            )
        return rate
    raise InvalidValueError(
        "discount rate not understood",
        expected="a number such as 0.035 or a schedule name such as 'green_book'",
        found=[repr(rate)],
    )


def _factors_from_periods(periods: np.ndarray, rate) -> np.ndarray:
    """1 / ∏_{s=1..n} (1 + r_s) for each number of periods n (validated, n ≥ 0)."""
    if not isinstance(rate, str):
        return 1.0 / (1.0 + rate) ** periods
    first, last, r = _schedule_bands(rate)
    horizon = last[-1]
    beyond = periods > horizon
    if beyond.any():
        raise InvalidValueError(
            f"discounting horizon beyond the published '{rate}' schedule",
            expected=f"at most {horizon:g} years of discounting (the last band shipped)",
            found=sorted(set(periods[beyond].astype(int).tolist())),
        )
    # years of discounting that fall in each band: clip(n, first - 1, last) - (first - 1)
    n = periods[..., np.newaxis]
    in_band = np.clip(n, first - 1, last) - (first - 1)
    return 1.0 / np.prod((1.0 + r) ** in_band, axis=-1)


def discount_factors(years, discount_rate=DEFAULT_SCHEDULE, *,
                     first_year_discounted: bool = False):
    """Discount factors for whole-numbered years, under a flat rate or a stepped schedule.

    Parameters
    ----------
    years : int, array-like or Series
        Year numbers (whole numbers). Year 1 is the first year of the stream; see
        ``first_year_discounted`` for whether it is discounted.
    discount_rate : float or str, default "green_book"
        A flat real rate as a fraction (``0.035`` for 3.5%), or a shipped schedule:
        ``"green_book"`` (3.5% for years 0–30, 3.0% for 31–75, … 1.0% from year 301) or
        ``"green_book_health"`` (1.5% for years 0–30, 1.29% for 31–75, 1.07% for 76–125;
        longer horizons raise an error because later bands are not shipped).
    first_year_discounted : bool, default False
        False: year *t* is discounted over *n = t − 1* years, so year 1 keeps its face
        value (the Green Book convention, in which the first year is the present, "year 0").
        True: year *t* is discounted over *n = t* years (the SROI guide formula
        PV = Σ v_t / (1 + r)^t and Excel's ``NPV()``); year 0 is then allowed and means now.

    Returns
    -------
    float, ndarray or Series
        The factor for each year, in the shape of ``years`` (a Series keeps its index and is
        named ``discount_factor``).

    Notes
    -----
    With *n* years of discounting and the rate *r_s* that applies to the *s*-th year,

    .. math:: D(n) = \\frac{1}{\\prod_{s=1}^{n} (1 + r_s)}

    For a flat rate this is :math:`1/(1+r)^n`. For a stepped schedule the rate of a band
    applies to each year of discounting that ends inside it, so under the Green Book
    schedule :math:`D(30) = 1/1.035^{30}`, :math:`D(31) = 1/(1.035^{30} \\times 1.03)` and
    :math:`D(32) = 1/(1.035^{30} \\times 1.03^2)`: the rate steps down at year 31 but the
    factor never jumps. This is the Green Book's method for its declining long-term rate
    (HM Treasury, The Green Book 2003, Annex 6; 2022, Annex A6).

    Raises
    ------
    InvalidValueError
        For years that are missing, not whole, before the start of the stream, beyond the
        shipped schedule, or a rate that is not a fraction in [0, 1) or a known schedule.

    Example
    -------
    >>> discount_factors([1, 2, 3], 0.035, first_year_discounted=True).round(6)
    array([0.966184, 0.933511, 0.901943])
    >>> f = discount_factors([30, 31, 32], "green_book", first_year_discounted=True)
    >>> bool(np.isclose(f[1], 1 / (1.035**30 * 1.03)))
    True
    """
    rate = _rate_name(discount_rate)
    _, periods = _periods(years, first_year_discounted)
    factors = _factors_from_periods(periods, rate)
    if isinstance(years, pd.Series):
        return pd.Series(factors, index=years.index, name="discount_factor")
    if np.ndim(years) == 0:
        return float(factors)
    return factors


@dataclass(frozen=True, eq=False, repr=False)
class PresentValue:
    """Result of :func:`present_value`: the discounted stream, its total and the convention.

    Attributes
    ----------
    table : DataFrame
        A copy of the stream with ``discount_factor`` and ``present_value`` (= value ×
        factor) columns; also :meth:`to_frame`.
    total_present_value : float
        Σ present_value.
    discount_rate : float or str
        The flat rate or the name of the schedule used.
    first_year_discounted : bool
        Whether year 1 was discounted (see :func:`discount_factors`).
    """

    table: pd.DataFrame
    total_present_value: float
    discount_rate: float | str
    first_year_discounted: bool

    def to_frame(self) -> pd.DataFrame:
        """The discounted stream (:attr:`table`)."""
        return self.table

    def __repr__(self) -> str:
        rate = self.discount_rate
        rate = f"'{rate}' schedule" if isinstance(rate, str) else f"rate {rate:g}"
        year1 = "year 1 discounted" if self.first_year_discounted else "year 1 not discounted"
        return (f"PresentValue(total {self.total_present_value:,.2f} over {len(self.table)} "
                f"values, {rate}, {year1})")


def present_value(
    data: pd.DataFrame,
    value: str = "value",
    year: str = "year",
    discount_rate=DEFAULT_SCHEDULE,
    *,
    first_year_discounted: bool = False,
) -> PresentValue:
    """Discount a stream of values: the table with ``discount_factor`` and ``present_value``.

    Parameters
    ----------
    data : DataFrame
        One row per value (e.g. per year, or per outcome × year). Not modified.
    value : str, default "value"
        Column of values in real terms (costs, benefits or net values; may be negative).
    year : str, default "year"
        Column of whole-numbered years (year 1 = the first year of the stream).
    discount_rate : float or str, default "green_book"
        A flat rate as a fraction or a schedule name; see :func:`discount_factors`.
    first_year_discounted : bool, default False
        Whether year 1 is discounted; see :func:`discount_factors`.

    Returns
    -------
    PresentValue
        ``table`` (also ``to_frame()``): a copy of ``data`` with ``discount_factor`` and
        ``present_value`` (= value × factor) columns; ``total_present_value`` (Σ
        present_value), and ``discount_rate`` / ``first_year_discounted``, the convention
        used.

    Raises
    ------
    MissingColumnError, InvalidValueError
        Naming the column and rows of a missing/non-numeric value, a year that is not a
        whole number, before the start of the stream or beyond the schedule.

    Example
    -------
    Three years of £1,000 at 3.5%, the SROI-guide convention (year 1 discounted):

    >>> import pandas as pd
    >>> stream = pd.DataFrame({"year": [1, 2, 3], "value": [1000.0, 1000.0, 1000.0]})
    >>> pv = present_value(stream, discount_rate=0.035, first_year_discounted=True)
    >>> pv.table.round(2)
       year   value  discount_factor  present_value
    0     1  1000.0             0.97         966.18
    1     2  1000.0             0.93         933.51
    2     3  1000.0             0.90         901.94
    >>> round(pv.total_present_value, 2)
    2801.64
    """
    require_columns(data, [value, year], what="present_value")
    values = check_numeric(data, [value], allow_missing=False)[value]
    check_numeric(data, [year], integer=True, allow_missing=False)
    rate = _rate_name(discount_rate)
    periods = data[year].to_numpy(dtype=float) - (0 if first_year_discounted else 1)
    horizon = _schedule_bands(rate)[1][-1] if isinstance(rate, str) else np.inf
    for mask, problem, expected in (
        (
            periods < 0,
            "year before the start of the stream",
            "years of at least 0 (year 0 = now)"
            if first_year_discounted
            else "years of at least 1 (year 1 = the first year, not discounted); pass "
            "first_year_discounted=True to number years from 0 as the Green Book does",
        ),
        (
            periods > horizon,
            f"discounting horizon beyond the published '{rate}' schedule",
            f"at most {horizon:g} years of discounting (the last band shipped)",
        ),
    ):
        if mask.any():
            labels = list(data.index[mask])
            raise InvalidValueError(
                problem,
                column=year,
                expected=expected,
                found=list(data.loc[mask, year]),
                **error_location(data, labels),
            )
    out = data.copy()
    out["discount_factor"] = _factors_from_periods(periods, rate)
    out["present_value"] = values.to_numpy() * out["discount_factor"].to_numpy()
    return PresentValue(
        table=out,
        total_present_value=float(out["present_value"].sum()),
        discount_rate=rate,
        first_year_discounted=first_year_discounted,
    )
