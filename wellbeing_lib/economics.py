"""Discounting, unit costs and price-year restating: the costing layer under SROI.

The module reads top to bottom:

* **reference data** — :func:`discount_rates` (HM Treasury Green Book schedules) and
  :func:`unit_costs` (NHS reference costs, PSSRU unit costs), both shipped as CSV files with
  their source and year;
* **discounting** — :func:`discount_factors` (vectorised) and :func:`present_value` (a tidy
  table of a value stream with its discount factors and present values);
* **costing** — :func:`cost_service_use` (counts of service use × unit costs, one row per
  person × service), :func:`inflation_index` (the PSSRU NHS cost inflation index, shipped as
  data) and :func:`restate_costs` (moving costs between price years with that index or one
  you supply);
* **service use before and after** — :func:`service_use_change`: counts and costs per client
  before and after (e.g. referral), change per client and for the cohort, bootstrap
  intervals, and the difference in change between groups (difference-in-differences).

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
import re
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .errors import DataError, DuplicateKeyError, InvalidValueError, UnmatchedRecordsError
from .io import (
    check_allowed,
    check_numeric,
    check_unique,
    error_location,
    read_package_table,
    require_columns,
    source_of,
)

__all__ = [
    "discount_rates",
    "discount_factors",
    "present_value",
    "unit_costs",
    "cost_service_use",
    "inflation_index",
    "restate_costs",
    "service_use_change",
    "ServiceUseChange",
    "SERVICE_COLUMNS",
    "DEFAULT_SERVICE_ITEMS",
]

DISCOUNT_FILE = "discount_rates.csv"
UNIT_COST_FILE = "unit_costs.csv"
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
    return read_package_table(DISCOUNT_FILE)


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


def discount_factors(years, rate=DEFAULT_SCHEDULE, *, first_year_discounted: bool = False):
    """Discount factors for whole-numbered years, under a flat rate or a stepped schedule.

    Parameters
    ----------
    years : int, array-like or Series
        Year numbers (whole numbers). Year 1 is the first year of the stream; see
        ``first_year_discounted`` for whether it is discounted.
    rate : float or str, default "green_book"
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
    rate = _rate_name(rate)
    _, periods = _periods(years, first_year_discounted)
    factors = _factors_from_periods(periods, rate)
    if isinstance(years, pd.Series):
        return pd.Series(factors, index=years.index, name="discount_factor")
    if np.ndim(years) == 0:
        return float(factors)
    return factors


def present_value(
    data: pd.DataFrame,
    value: str = "value",
    year: str = "year",
    rate=DEFAULT_SCHEDULE,
    *,
    first_year_discounted: bool = False,
) -> pd.DataFrame:
    """Discount a stream of values: the table with ``discount_factor`` and ``present_value``.

    Parameters
    ----------
    data : DataFrame
        One row per value (e.g. per year, or per outcome × year). Not modified.
    value : str, default "value"
        Column of values in real terms (costs, benefits or net values; may be negative).
    year : str, default "year"
        Column of whole-numbered years (year 1 = the first year of the stream).
    rate : float or str, default "green_book"
        A flat rate as a fraction or a schedule name; see :func:`discount_factors`.
    first_year_discounted : bool, default False
        Whether year 1 is discounted; see :func:`discount_factors`.

    Returns
    -------
    DataFrame
        A copy of ``data`` with ``discount_factor`` and ``present_value`` (= value ×
        factor) columns. ``attrs["total_present_value"]`` holds Σ present_value, and
        ``attrs["rate"]`` / ``attrs["first_year_discounted"]`` record the convention used.

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
    >>> pv = present_value(stream, rate=0.035, first_year_discounted=True)
    >>> pv.round(2)
       year   value  discount_factor  present_value
    0     1  1000.0             0.97         966.18
    1     2  1000.0             0.93         933.51
    2     3  1000.0             0.90         901.94
    >>> round(pv.attrs["total_present_value"], 2)
    2801.64
    """
    require_columns(data, [value, year], what="present_value")
    values = check_numeric(data, [value], allow_missing=False)[value]
    check_numeric(data, [year], integer=True, allow_missing=False)
    rate = _rate_name(rate)
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
    out.attrs["total_present_value"] = float(out["present_value"].sum())
    out.attrs["rate"] = rate
    out.attrs["first_year_discounted"] = first_year_discounted
    return out


# ------------------------------------------------------------------ unit costs
UNIT_COST_COLUMNS = ["item", "unit", "cost", "price_year", "currency", "source", "source_year"]


def unit_costs() -> pd.DataFrame:
    """The shipped unit costs, one row per item, each with its price year and source.

    Columns: ``item`` (the key used by :func:`cost_service_use`), ``unit`` (what one unit
    is), ``cost``, ``price_year`` (financial year of the prices, e.g. ``"2013/14"``),
    ``currency``, ``source``, ``source_year`` (year of publication).

    Items: A&E attendance admitted £138 / not admitted £114, minor injury unit £67,
    walk-in centre £46 (NHS Reference Costs 2013-14); GP surgery consultation £45,
    telephone consultation £27, home visit £114 (PSSRU Unit Costs of Health and Social
    Care 2013); non-elective inpatient episode £1,590, outpatient attendance £120 and A&E
    attendance (all types) £148 (NHS Reference costs 2016/17); and, in 2024/25 prices from
    the PSSRU/CHE *Unit Costs of Health and Social Care 2025 Manual*: GP surgery
    consultation of 10 minutes £48 (£40 without qualification costs), social worker (adult
    services) £61 an hour (£54 without qualification costs), and from the National Cost
    Collection 2024/25 as tabulated there, emergency care attendance £280, non-elective
    short stay £824 and long stay £5,395 per stay. The 2025-manual values were taken from a
    published transcription of the manual's tables, not read from the PDF by us. No sourced
    cost per adult social care *contact* or per hour of home care is shipped.

    Costs are dated: restate them to one price year with :func:`restate_costs` before adding
    costs of different years. Use ``costs=`` in :func:`cost_service_use` or
    :func:`service_use_change` to supply local or more recent costs.

    Example
    -------
    >>> t = unit_costs()
    >>> t.loc[[0, 4], ["item", "cost", "price_year"]]
                         item  cost price_year
    0  ae_attendance_admitted   138    2013/14
    4        gp_surgery_visit    45    2012/13
    """
    return read_package_table(UNIT_COST_FILE)


def _validate_cost_table(costs: pd.DataFrame) -> pd.DataFrame:
    require_columns(costs, ["item", "cost", "price_year", "currency"], what="unit cost table")
    check_numeric(costs, ["cost"], low=0, allow_missing=False)
    check_unique(costs, "item")
    return costs


def cost_service_use(
    data: pd.DataFrame,
    counts: str | Iterable[str] | None = None,
    unit_cost_map: Mapping[str, str] | None = None,
    *,
    id: str | Iterable[str] | None = None,
    costs: pd.DataFrame | None = None,
    missing: str = "raise",
) -> pd.DataFrame:
    """Cost counts of service use with unit costs: one row per person × service.

    Parameters
    ----------
    data : DataFrame
        One row per person (or per person × period), with one column of counts per service
        (e.g. number of GP visits). Not modified.
    counts : str or list of str, optional
        The count columns. Defaults to the keys of ``unit_cost_map``.
    unit_cost_map : dict, optional
        ``{count column: item}`` naming the unit-cost item for each column (see
        :func:`unit_costs` for the shipped items). A column not in the map must itself be
        named after an item.
    id : str or list of str, optional
        Column(s) identifying the person, carried into the output. Without it the output
        has a ``row`` column holding the index labels of ``data``.
    costs : DataFrame, optional
        Your own unit-cost table (columns ``item``, ``cost``, ``price_year``, ``currency``;
        ``unit`` and ``source`` are carried if present). Defaults to :func:`unit_costs`.
    missing : {"raise", "propagate"}, default "raise"
        A missing count raises an error naming the rows; "propagate" keeps it as a missing
        count and a missing cost, never as zero.

    Returns
    -------
    DataFrame
        Columns: the ``id`` columns (or ``row``), ``service`` (the count column), ``item``,
        ``count``, ``unit_cost``, ``cost`` (= count × unit_cost), ``price_year``,
        ``currency``, in the order of ``data`` then of ``counts``.
        ``attrs["total_cost"]`` holds Σ cost (missing if any cost is missing) and
        ``attrs["price_years"]`` the price years involved.

    Raises
    ------
    MissingColumnError
        A count or id column is not in ``data``.
    InvalidValueError
        A count is negative, non-numeric or missing (with ``missing="raise"``); a column
        has no unit cost mapped; a mapped item is not in the cost table; the costs are in
        more than one currency.

    Warns
    -----
    UserWarning
        When the unit costs used come from more than one price year (restate them first
        with :func:`restate_costs` if the costs will be added together).

    Example
    -------
    >>> import pandas as pd
    >>> use = pd.DataFrame({"client": ["A", "B"], "visits": [2, 0], "calls": [1, 3]})
    >>> costed = cost_service_use(use, unit_cost_map={"visits": "gp_surgery_visit",
    ...                                               "calls": "gp_telephone_consultation"},
    ...                           id="client")
    >>> costed[["client", "service", "count", "unit_cost", "cost", "price_year"]]
      client service  count  unit_cost  cost price_year
    0      A  visits    2.0       45.0  90.0    2012/13
    1      A   calls    1.0       27.0  27.0    2012/13
    2      B  visits    0.0       45.0   0.0    2012/13
    3      B   calls    3.0       27.0  81.0    2012/13
    >>> costed.attrs["total_cost"]
    198.0
    """
    if missing not in {"raise", "propagate"}:
        raise InvalidValueError(
            "unknown missing-value policy", expected="'raise' or 'propagate'", found=[missing]
        )
    unit_cost_map = dict(unit_cost_map or {})
    if counts is None:
        if not unit_cost_map:
            raise InvalidValueError(
                "no count columns given",
                expected="counts=[...] or unit_cost_map={column: item}",
            )
        counts = list(unit_cost_map)
    counts = [counts] if isinstance(counts, str) else list(counts)
    ids = [] if id is None else ([id] if isinstance(id, str) else list(id))

    require_columns(data, counts + ids, what="cost_service_use")
    values = check_numeric(data, counts, low=0, allow_missing=missing != "raise")

    table = unit_costs() if costs is None else _validate_cost_table(costs)
    table_name = UNIT_COST_FILE if costs is None else (source_of(costs) or "the unit cost table")
    lookup = table.set_index("item")
    items = []
    for col in counts:
        item = unit_cost_map.get(col, col)
        if item not in lookup.index:
            problem = (
                f"unit_cost_map names an unknown item '{item}'"
                if col in unit_cost_map
                else "no unit cost mapped for this column"
            )
            raise InvalidValueError(
                problem,
                file=source_of(data),
                column=col,
                expected="an item of " + table_name + ": " + ", ".join(map(str, lookup.index)),
                found=[item],
            )
        items.append(item)
    used = lookup.loc[items]
    currencies = sorted(set(used["currency"].astype(str)))
    if len(currencies) > 1:
        raise InvalidValueError(
            "unit costs in more than one currency",
            column="currency",
            expected="one currency",
            found=currencies,
        )
    price_years = list(dict.fromkeys(used["price_year"].astype(str)))
    if len(price_years) > 1:
        warnings.warn(
            "unit costs come from different price years ("
            + ", ".join(price_years)
            + "); restate them to one price year with restate_costs before adding costs",
            UserWarning,
            stacklevel=2,
        )

    n_rows, n_services = len(data), len(counts)
    if ids:
        keys = data[ids].reset_index(drop=True)
    else:
        keys = pd.DataFrame({"row": data.index})
    # person-major order: each row of data, then each service in the order of counts
    out = keys.loc[keys.index.repeat(n_services)].reset_index(drop=True)
    count_values = values[counts].to_numpy(dtype=float).ravel()
    unit = np.tile(used["cost"].to_numpy(dtype=float), n_rows)
    out["service"] = np.tile(np.asarray(counts, dtype=object), n_rows)
    out["item"] = np.tile(np.asarray(items, dtype=object), n_rows)
    out["count"] = count_values
    out["unit_cost"] = unit
    out["cost"] = count_values * unit
    out["price_year"] = np.tile(used["price_year"].astype(str).to_numpy(dtype=object), n_rows)
    out["currency"] = currencies[0] if currencies else None
    out = out.astype({"service": "str", "item": "str", "price_year": "str"})
    # a missing count (missing="propagate") makes the total missing, never a silent zero
    out.attrs["total_cost"] = float(out["cost"].sum(skipna=False))
    out.attrs["price_years"] = price_years
    return out


# ------------------------------------------------------------------ price years
INFLATION_FILE = "inflation_index.csv"
#: the price index :func:`restate_costs` and :func:`service_use_change` use unless told otherwise
DEFAULT_INDEX = "nhscii_pay_and_prices"


def inflation_index(name: str | None = None) -> pd.DataFrame:
    """The shipped price indices for restating costs, one row per index × financial year.

    Columns: ``index`` (name), ``financial_year`` (``"2016/17"``), ``percent_change`` (the
    published annual % change *into* that year; blank for the first year), ``value`` (index
    level), ``status`` (``base``, ``final``, ``revised`` or ``provisional``), ``source``,
    ``year`` (publication year of the source).

    Shipped indices: the PSSRU NHS cost inflation index (NHSCII) — ``nhscii_pay_and_prices``
    (the one to use for NHS unit costs; the default), ``nhscii_pay`` and ``nhscii_prices`` —
    for 2014/15 to 2024/25, from *Unit Costs of Health and Social Care 2025 Manual* (Jones
    et al. 2026). The manual publishes annual percentage changes; the level is derived here by
    chaining them from 2014/15 = 100:

    .. math:: I_t = I_{t-1} \\times (1 + p_t / 100), \\qquad I_{2014/15} = 100

    so only ratios of levels are meaningful. The 2015/16–2022/23 changes are the same in the
    2024 and 2025 editions ("final"); 2023/24 was revised in the 2025 edition (the 2024
    edition's provisional pay-and-prices figure was 4.31%, the 2025 edition gives 2.47%) and
    2024/25 is provisional. The values were taken from two independent transcriptions of the
    manuals (NICE's COSTmos and the dmdprices R package), not read from the PDF by us. The
    older HCHS pay and prices index (before 2014/15) could not be verified and is not shipped,
    so costs priced before 2014/15 need an index you supply.

    Parameters
    ----------
    name : str, optional
        One index; all indices when omitted.

    Raises
    ------
    InvalidValueError
        For an unknown index name.

    Example
    -------
    >>> t = inflation_index("nhscii_pay_and_prices")
    >>> t.loc[t["financial_year"].isin(["2016/17", "2022/23"]),
    ...       ["financial_year", "percent_change", "value", "status"]]
      financial_year  percent_change       value status
    2        2016/17            2.09  102.498360  final
    8        2022/23            7.32  121.502011  final
    """
    table = read_package_table(INFLATION_FILE)
    if name is None:
        return table
    known = list(dict.fromkeys(table["index"]))
    if name not in known:
        raise InvalidValueError(
            "unknown price index",
            file=INFLATION_FILE,
            column="index",
            expected="one of " + ", ".join(known) + ", or a DataFrame with columns year and index",
            found=[name],
        )
    return table[table["index"] == name].reset_index(drop=True)


def _year_label(value) -> str:
    """A price-year label as text: 2016 → "2016", "2016-17" → "2016/17"."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool) and float(value).is_integer():
        return str(int(value))
    text = str(value).strip()
    match = re.fullmatch(r"(\d{4})\s*[-\u2013/]\s*(\d{2})", text)
    return f"{match.group(1)}/{match.group(2)}" if match else text


def _index_levels(index) -> tuple[pd.Series, str, pd.Series | None]:
    """(level by year label, name for messages, status by year label or None) of an index."""
    if index is None:
        raise DataError(
            "no price index supplied",
            expected="index= the name of a shipped index (see inflation_index(), e.g. "
            f"'{DEFAULT_INDEX}') or a table with columns year and index",
        )
    if isinstance(index, str):
        table = inflation_index(index)
        keys = table["financial_year"].map(_year_label).to_numpy()
        level = pd.Series(table["value"].to_numpy(dtype=float), index=keys)
        status = pd.Series(table["status"].astype(str).to_numpy(), index=keys)
        return level, f"{INFLATION_FILE} ({index})", status
    if not isinstance(index, pd.DataFrame):
        raise InvalidValueError(
            "price index not understood",
            expected=f"a shipped index name such as '{DEFAULT_INDEX}' or a DataFrame with "
            "columns year and index",
            found=[type(index).__name__],
        )
    if {"financial_year", "value"} <= set(index.columns):
        ycol, vcol = "financial_year", "value"
    else:
        require_columns(index, ["year", "index"], what="price index")
        ycol, vcol = "year", "index"
    check_numeric(index, [vcol], allow_missing=False)
    values = pd.to_numeric(index[vcol]).astype(float)
    positive = values <= 0
    if positive.any():
        labels = list(index.index[positive])
        raise InvalidValueError(
            "price index value not positive",
            column=vcol,
            expected="index values greater than 0",
            found=list(index.loc[positive, vcol]),
            **error_location(index, labels),
        )
    keys = index[ycol].map(_year_label)
    if keys.duplicated().any():
        dup = keys.duplicated(keep=False)
        raise DuplicateKeyError(
            "price year repeated in the index",
            file=source_of(index),
            column=ycol,
            expected="one row per year",
            found=sorted(set(keys[dup])),
            rows=list(index.index[dup]),
        )
    status = None
    if "status" in index.columns:
        status = pd.Series(index["status"].astype(str).to_numpy(), index=keys.to_numpy())
    level = pd.Series(values.to_numpy(), index=keys.to_numpy())
    return level, source_of(index) or "the price index supplied", status


def restate_costs(cost, from_year, to_year, index=DEFAULT_INDEX):
    """Restate costs from their price year to another with a price index.

    .. math:: \\text{cost}_{\\text{to}} = \\text{cost} \\times I_{\\text{to}} / I_{\\text{from}}

    By default the index is the PSSRU NHS cost inflation index, pay and prices
    (``"nhscii_pay_and_prices"``, 2014/15–2024/25; see :func:`inflation_index`), the index
    the *Unit Costs of Health and Social Care* manuals recommend for NHS costs.

    Parameters
    ----------
    cost : float, array-like or Series
        Costs in the price year(s) ``from_year``.
    from_year : str, int, array-like or Series
        Price year of each cost (one for all, or one per cost — e.g. the ``price_year``
        column of :func:`cost_service_use` output). Matched to the index as text, so
        ``"2013/14"`` and ``2013`` are both fine if the index uses the same labels;
        ``"2016-17"`` is read as ``"2016/17"``.
    to_year : str or int
        The price year to restate to.
    index : str or DataFrame, default "nhscii_pay_and_prices"
        The name of a shipped index (``"nhscii_pay_and_prices"``, ``"nhscii_pay"``,
        ``"nhscii_prices"``), or your own table with columns ``year`` and ``index``
        (positive numbers; a ``source`` column is recommended) — or ``financial_year`` and
        ``value`` as in :func:`inflation_index`.

    Returns
    -------
    float, ndarray or Series
        The restated costs, in the shape of ``cost``.

    Raises
    ------
    DataError
        If ``index=None``.
    MissingColumnError, DuplicateKeyError, InvalidValueError
        If the index table lacks columns, repeats a year, has non-positive values, or lacks
        a year that is needed (naming the years), if the index name is unknown, or a cost is
        not a number.

    Example
    -------
    A 2016/17 outpatient attendance (£120) in 2024/25 prices with the shipped NHSCII:

    >>> round(restate_costs(120.0, "2016/17", "2024/25"), 2)
    151.62

    With an index you supply (the values below are illustrative, not published figures):

    >>> import pandas as pd
    >>> idx = pd.DataFrame({"year": ["2013/14", "2016/17"], "index": [100.0, 104.0]})
    >>> restate_costs(45.0, "2013/14", "2016/17", index=idx)
    46.8
    >>> restate_costs([138, 114], ["2013/14", "2013/14"], "2016/17", index=idx).round(2)
    array([143.52, 118.56])
    """
    level, where, _ = _index_levels(index)

    def _levels(years) -> np.ndarray:
        labels = np.asarray([_year_label(y) for y in np.atleast_1d(np.asarray(years, dtype=object))])
        absent = sorted(set(labels) - set(level.index))
        if absent:
            raise InvalidValueError(
                "price year not in the index",
                file=where,
                column="year",
                expected="one of " + ", ".join(level.index),
                found=absent,
            )
        return level.reindex(labels).to_numpy()

    try:
        amount = np.asarray(cost, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InvalidValueError(
            "cost is not a number", expected="numbers", found=list(np.ravel(cost))
        ) from exc
    from_level = _levels(from_year)
    to_level = _levels(to_year)
    if np.ndim(from_year) > 0 and np.shape(from_year) != np.shape(amount):
        raise InvalidValueError(
            "from_year must be one year or one per cost",
            expected=f"{np.size(amount)} price years",
            found=[f"{np.size(from_year)} given"],
        )
    from_level = from_level.reshape(np.shape(from_year)) if np.ndim(from_year) else from_level[0]
    restated = amount * to_level[0] / from_level
    if isinstance(cost, pd.Series):
        return pd.Series(restated, index=cost.index, name=cost.name)
    if np.ndim(restated) == 0:
        return float(restated)
    return restated


# ------------------------------------------------------------------ service use before/after
#: the service columns of the bundled social prescribing data (``data/README.md``)
SERVICE_COLUMNS = (
    "gp_appointments",
    "ae_attendances",
    "emergency_admissions",
    "outpatient_attendances",
    "social_care_contacts",
)

#: default unit-cost item for each service column of the bundled data. No sourced cost per
#: adult social care *contact* was found, so ``social_care_contacts`` has none: pass one.
DEFAULT_SERVICE_ITEMS = {
    "gp_appointments": "gp_surgery_consultation",
    "ae_attendances": "emergency_care_attendance",
    "emergency_admissions": "non_elective_inpatient_episode",
    "outpatient_attendances": "outpatient_attendance",
}

#: bootstrap draws × clients held in memory at once (the draws are made in chunks of this size)
_BOOT_CELLS = 4_000_000


@dataclass(repr=False)
class ServiceUseChange:
    """Result of :func:`service_use_change`: tidy tables and the assumptions behind them.

    Attributes
    ----------
    change : DataFrame
        One row per group × service × metric: ``n``, ``mean_before``, ``mean_after``,
        ``mean_change`` (per client, after − before) with ``ci_low``/``ci_high``, and
        ``total_change`` (n × mean_change: the change for the whole cohort) with
        ``total_ci_low``/``total_ci_high``. ``metric`` is ``"count"`` (contacts) or
        ``"cost"`` (in ``price_year`` prices); ``service == "total"`` is the cost summed
        over services.
    by_period : DataFrame
        One row per group × service × metric × period: ``mean`` per client with
        ``ci_low``/``ci_high`` — the table for a before/after plot.
    difference : DataFrame or None
        With a group column: each group's mean change minus the reference group's
        (difference-in-differences), with CI, and ``total_difference`` = n of the group ×
        difference.
    assumptions : DataFrame
        One row per service: unit-cost item, unit, cost, price year, source, the restated
        cost, the index used and the factor applied.
    per_client : DataFrame
        One row per client × service: counts and costs before, after and change.
    unmatched : DataFrame
        Clients with only one of the two periods (empty when all pair up).
    price_year, currency : str
        The prices all costs are in.
    notes : list of str
        Plain-language caveats (provisional index years, excluded clients).
    settings : dict
        ``n_boot``, ``alpha``, ``random_state``, ``index``, ``reference``.
    """

    change: pd.DataFrame
    by_period: pd.DataFrame
    difference: pd.DataFrame | None
    assumptions: pd.DataFrame
    per_client: pd.DataFrame
    unmatched: pd.DataFrame
    price_year: str
    currency: str
    notes: list = field(default_factory=list)
    settings: dict = field(default_factory=dict)

    def __repr__(self) -> str:
        groups = list(dict.fromkeys(self.change["group"]))
        return (
            f"ServiceUseChange({len(self.per_client['service'].unique())} services, "
            f"groups {groups}, costs in {self.currency} {self.price_year} prices, "
            f"{self.settings.get('n_boot')} bootstrap draws, "
            f"{len(self.unmatched)} unmatched clients)"
        )


def _check_cost_value(service: str, value) -> float:
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if not ok or not np.isfinite(value) or value < 0:
        raise InvalidValueError(
            "unit cost is not a non-negative number",
            column=service,
            expected="a cost of at least 0",
            found=[value],
        )
    return float(value)


def _resolve_unit_costs(services, spec, costs, price_year, index):
    """Unit cost of each service restated to one price year, and the assumptions table."""
    table = unit_costs() if costs is None else _validate_cost_table(costs)
    table_name = UNIT_COST_FILE if costs is None else (source_of(costs) or "the unit cost table")
    lookup = table.set_index("item")
    if spec is not None and not isinstance(spec, Mapping):
        raise InvalidValueError(
            "unit_costs not understood",
            expected="a dict {service column: item name or {'cost': ..., 'price_year': ...}}",
            found=[type(spec).__name__],
        )
    # the defaults name shipped items, so they apply only with the shipped table
    merged = {**(DEFAULT_SERVICE_ITEMS if costs is None else {}), **dict(spec or {})}
    how = (
        "unit_costs={'%s': item} naming an item of " + table_name + " (see unit_costs()), or "
        "unit_costs={'%s': {'cost': ..., 'price_year': 'YYYY/YY', 'source': ...}}"
    )
    rows = []
    for service in services:
        entry = merged.get(service, service if service in lookup.index else None)
        if entry is None:
            raise InvalidValueError(
                "no unit cost for this service",
                column=service,
                expected=how % (service, service),
                found=[service],
            )
        if isinstance(entry, str):
            if entry not in lookup.index:
                raise InvalidValueError(
                    f"unit_costs names an unknown item '{entry}'",
                    column=service,
                    expected="an item of " + table_name + ": " + ", ".join(map(str, lookup.index)),
                    found=[entry],
                )
            row = lookup.loc[entry]
            rows.append(
                {
                    "service": service,
                    "item": entry,
                    "unit": row.get("unit"),
                    "unit_cost": float(row["cost"]),
                    "price_year": _year_label(row["price_year"]),
                    "currency": str(row["currency"]),
                    "source": row.get("source"),
                }
            )
        elif isinstance(entry, Mapping):
            absent = [k for k in ("cost", "price_year") if k not in entry]
            if absent:
                raise InvalidValueError(
                    "unit cost given without " + " and ".join(absent),
                    column=service,
                    expected="a dict with keys cost and price_year (unit, source, currency "
                    "optional)",
                    found=sorted(entry),
                )
            rows.append(
                {
                    "service": service,
                    "item": entry.get("item", "supplied by the user"),
                    "unit": entry.get("unit"),
                    "unit_cost": _check_cost_value(service, entry["cost"]),
                    "price_year": _year_label(entry["price_year"]),
                    "currency": str(entry.get("currency", "GBP")),
                    "source": entry.get("source", "supplied by the user"),
                }
            )
        else:
            raise InvalidValueError(
                "unit cost not understood",
                column=service,
                expected=how % (service, service),
                found=[repr(entry)],
            )
    out = pd.DataFrame(rows)
    currencies = sorted(set(out["currency"]))
    if len(currencies) > 1:
        raise InvalidValueError(
            "unit costs in more than one currency",
            column=list(out["service"]),
            expected="one currency",
            found=currencies,
        )

    years = list(dict.fromkeys(out["price_year"]))
    if price_year is None:
        target = max(years, key=lambda y: (y[:4].isdigit(), y[:4], y))
    else:
        target = _year_label(price_year)
    needs_index = any(y != target for y in years)
    notes = []
    if needs_index:
        level, where, status = _index_levels(index)
        absent = sorted(set(years + [target]) - set(level.index))
        if absent:
            affected = [s for s, y in zip(out["service"], out["price_year"]) if y in absent]
            raise InvalidValueError(
                "price year not in the index, so the unit costs cannot be restated to "
                f"{target} prices",
                file=where,
                column=affected or list(out["service"]),
                expected="price years " + ", ".join(level.index) + " (pass index= a table "
                "that covers them, or unit costs priced in those years)",
                found=absent,
            )
        factor = level[target] / level.reindex(out["price_year"]).to_numpy()
        index_name = index if isinstance(index, str) else where
        if status is not None:
            # a ratio of levels rests on the % changes of every year after the earliest one used
            pos = [level.index.get_loc(y) for y in set(years + [target])]
            span = level.index[min(pos) + 1 : max(pos) + 1]
            shaky = [f"{y} ({status[y]})" for y in span if status[y] in {"provisional", "revised"}]
            if shaky:
                notes.append(
                    f"Costs restated to {target} prices with {index_name}, using index values "
                    "that the source marks as not final: " + ", ".join(shaky) + "."
                )
    else:
        factor = np.ones(len(out))
        index_name = None
    out["restated_unit_cost"] = out["unit_cost"].to_numpy() * factor
    out["restated_price_year"] = target
    out["index"] = index_name
    out["factor"] = factor
    return out, target, currencies[0], notes


def _boot_means(values: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """Column means of ``n_boot`` bootstrap resamples of the rows of ``values``.

    Each resample is a multinomial count vector w (how often each row is drawn, Σw = n), so
    the resampled means are w @ values / n: one matrix product per chunk of draws.
    """
    n = values.shape[0]
    out = np.empty((n_boot, values.shape[1]))
    pvals = np.full(n, 1.0 / n)
    step = max(1, _BOOT_CELLS // n)
    for start in range(0, n_boot, step):
        stop = min(n_boot, start + step)
        weights = rng.multinomial(n, pvals, size=stop - start)
        out[start:stop] = (weights @ values) / n
    return out


def _metric_columns(means: np.ndarray, unit: np.ndarray) -> np.ndarray:
    """[counts per service, costs per service, total cost] from mean counts (rows = draws)."""
    cost = means * unit
    return np.hstack([means, cost, cost.sum(axis=1, keepdims=True)])


def service_use_change(
    data: pd.DataFrame,
    *,
    id: str = "client_id",
    period: str = "period",
    before: str = "before",
    after: str = "after",
    services: str | Iterable[str] | None = None,
    unit_costs: Mapping | None = None,
    costs: pd.DataFrame | None = None,
    price_year=None,
    index=DEFAULT_INDEX,
    group: str | None = None,
    reference=None,
    unmatched: str = "raise",
    n_boot: int = 2000,
    alpha: float = 0.05,
    random_state=0,
) -> ServiceUseChange:
    """Change in service use and its cost from before to after, per client and for the cohort.

    Each client has one row per period (``before``/``after``, e.g. the 12 months before and
    after referral) with a count per service. Counts are costed with unit costs restated to
    one price year, and summarised per service and in total: the mean per client before,
    after and the change, and the total change for the cohort, each with a bootstrap
    percentile confidence interval. With a ``group`` column the same is done for each group,
    and the difference in change between each group and the reference group
    (difference-in-differences on counts and costs) is estimated with its own interval.

    Parameters
    ----------
    data : DataFrame
        Long data: one row per client × period. Not modified.
    id, period : str
        Columns holding the client identifier and the period label.
    before, after : str
        The two period labels.
    services : str or list of str, optional
        Count columns (whole numbers ≥ 0). Defaults to the five services of the bundled
        social prescribing data (:data:`SERVICE_COLUMNS`).
    unit_costs : dict, optional
        ``{service column: item}`` naming a unit-cost item (see :func:`unit_costs`), or
        ``{service column: {"cost": 50.0, "price_year": "2024/25", "source": "...",
        "unit": "..."}}`` for a cost of your own. Entries are added to, and override, the
        defaults in :data:`DEFAULT_SERVICE_ITEMS` (used only with the shipped table); a
        column named after an item needs no entry. A service with no unit cost raises an
        error naming the column.
    costs : DataFrame, optional
        Your own unit-cost table (columns ``item``, ``cost``, ``price_year``,
        ``currency``) instead of the shipped one.
    price_year : str, optional
        The prices to report costs in, e.g. ``"2024/25"``. Defaults to the most recent price
        year among the unit costs used. Costs of other years are restated with ``index``.
    index : str or DataFrame, default "nhscii_pay_and_prices"
        Price index for restating (see :func:`restate_costs`); only needed when the unit
        costs come from more than one price year or differ from ``price_year``.
    group : str, optional
        Column of group labels (e.g. ``referred``/``comparison``), constant within client.
    reference : optional
        The group the others are compared with. Defaults to ``"comparison"`` when that is a
        group label; with other labels and more than one group it must be given.
    unmatched : {"raise", "exclude"}, default "raise"
        Clients with only one of the two periods raise :class:`UnmatchedRecordsError`
        listing them; ``"exclude"`` leaves them out of the estimates, lists them in
        ``result.unmatched`` and warns.
    n_boot : int, default 2000
        Bootstrap resamples of clients (within each group).
    alpha : float, default 0.05
        1 − confidence level of the percentile intervals.
    random_state : int, numpy Generator or None, default 0
        Seed for the bootstrap, fixed by default so that reruns give the same intervals;
        ``None`` draws fresh randomness.

    Returns
    -------
    ServiceUseChange
        Tables ``change``, ``by_period``, ``difference``, ``assumptions``, ``per_client``
        and ``unmatched``; see :class:`ServiceUseChange`.

    Notes
    -----
    For client *i* and service *s* with counts :math:`b_{is}` and :math:`a_{is}` and unit
    cost :math:`u_s` (restated to the chosen price year, see :func:`restate_costs`):

    .. math::

        \\bar b_s = \\tfrac1n \\sum_i b_{is}, \\quad \\bar a_s = \\tfrac1n \\sum_i a_{is},
        \\quad \\Delta_s = \\bar a_s - \\bar b_s, \\quad
        \\Delta_{\\text{cost}} = \\sum_s u_s \\Delta_s, \\quad
        T = n \\, \\Delta

    and, for a group *g* against the reference *r*, :math:`D = \\Delta^{(g)} - \\Delta^{(r)}`.
    Intervals are bootstrap percentile intervals (Efron & Tibshirani 1993, ch. 13): clients
    are resampled with replacement within each group (keeping each client's before and after
    together), every statistic is recomputed on each resample, and the α/2 and 1 − α/2
    quantiles are reported. Resampling is vectorised: each resample is a multinomial weight
    vector, so the resampled means are one matrix product. Percentile intervals of skewed
    cost data can be too narrow with few clients or rare events (admissions); the
    difference-in-differences assumes the groups would have changed alike without the
    programme (parallel trends).

    Raises
    ------
    MissingColumnError
        A named column is absent.
    InvalidValueError
        A period label other than ``before``/``after``, a missing id, period or group, a
        group that differs between a client's two rows, a count that is missing, negative
        or not whole (naming column and rows), a service without a unit cost (naming the
        column), a price year missing from the index, or bad settings.
    DuplicateKeyError
        A client with two rows for the same period.
    UnmatchedRecordsError
        Clients with only one period (``unmatched="raise"``), listing them.

    Example
    -------
    Three clients, GP appointments costed at £48 and A&E attendances at £280 (2024/25):

    >>> import pandas as pd
    >>> use = pd.DataFrame({
    ...     "client_id": ["a", "a", "b", "b", "c", "c"],
    ...     "period": ["before", "after"] * 3,
    ...     "gp": [4, 2, 6, 6, 2, 1], "ae": [1, 0, 0, 1, 2, 0]})
    >>> res = service_use_change(use, services=["gp", "ae"], n_boot=200,
    ...     unit_costs={"gp": "gp_surgery_consultation", "ae": "emergency_care_attendance"})
    >>> res.change[["service", "metric", "mean_before", "mean_after", "mean_change",
    ...             "total_change"]].round(2)
      service metric  mean_before  mean_after  mean_change  total_change
    0      gp  count          4.0        3.00        -1.00          -3.0
    1      ae  count          1.0        0.33        -0.67          -2.0
    2      gp   cost        192.0      144.00       -48.00        -144.0
    3      ae   cost        280.0       93.33      -186.67        -560.0
    4   total   cost        472.0      237.33      -234.67        -704.0
    >>> res.price_year, res.assumptions["restated_unit_cost"].tolist()
    ('2024/25', [48.0, 280.0])
    """
    # ---- settings
    if services is None:
        services = list(SERVICE_COLUMNS)
    services = [services] if isinstance(services, str) else list(services)
    if not services:
        raise InvalidValueError("no service columns given", expected="services=[column, ...]")
    if len(set(services)) < len(services):
        dup = sorted({s for s in services if services.count(s) > 1})
        raise InvalidValueError("service column listed twice", column=dup, found=dup)
    if unmatched not in {"raise", "exclude"}:
        raise InvalidValueError(
            "unknown unmatched-client policy", expected="'raise' or 'exclude'", found=[unmatched]
        )
    if isinstance(n_boot, bool) or not isinstance(n_boot, numbers.Integral) or n_boot < 1:
        raise InvalidValueError(
            "n_boot must be a whole number of at least 1", expected="e.g. 2000", found=[n_boot]
        )
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real) or not 0 < alpha < 1:
        raise InvalidValueError(
            "alpha out of range", expected="a number between 0 and 1, e.g. 0.05", found=[alpha]
        )
    if before == after:
        raise InvalidValueError(
            "before and after labels are the same", expected="two different labels",
            found=[before],
        )

    # ---- validate the data, once
    keys = [id, period] + ([group] if group is not None else [])
    require_columns(data, keys + services, what="service_use_change")
    for col in keys:
        gap = data[col].isna()
        if gap.any():
            labels = list(data.index[gap])
            raise InvalidValueError(
                "missing value", column=col, expected="a value on every row",
                found=["(blank)"], **error_location(data, labels),
            )
    check_allowed(data, period, [before, after], allow_missing=False)
    check_unique(data, [id, period])
    counts = check_numeric(data, services, low=0, integer=True, allow_missing=False)

    # ---- pair the two periods of each client
    is_before = (data[period] == before).to_numpy()
    ids = data[id]
    before_ids = pd.Index(ids[is_before])
    after_ids = pd.Index(ids[~is_before])
    only_before = before_ids.difference(after_ids, sort=False)
    only_after = after_ids.difference(before_ids, sort=False)
    lonely = ids.isin(only_before) | ids.isin(only_after)
    unmatched_table = pd.DataFrame(
        {
            id: ids[lonely].to_numpy(),
            "period_present": data.loc[lonely, period].to_numpy(),
            "row": list(data.index[lonely]),
        }
    )
    notes: list[str] = []
    if len(unmatched_table):
        lonely_ids = list(unmatched_table[id])
        if unmatched == "raise":
            raise UnmatchedRecordsError(
                f"{len(lonely_ids)} client(s) without both a '{before}' and an '{after}' row",
                column=id,
                expected=f"one '{before}' and one '{after}' row per client; pass "
                "unmatched='exclude' to leave them out (they are then listed in the result)",
                found=lonely_ids,
                **error_location(data, list(unmatched_table["row"])),
            )
        message = (
            f"{len(lonely_ids)} client(s) without both periods were left out: "
            + ", ".join(map(str, lonely_ids[:5]))
            + (f" and {len(lonely_ids) - 5} more" if len(lonely_ids) > 5 else "")
            + " (see result.unmatched)"
        )
        warnings.warn(message, UserWarning, stacklevel=2)
        notes.append(message[0].upper() + message[1:] + ".")
    matched = before_ids.intersection(after_ids, sort=False)
    if len(matched) == 0:
        raise UnmatchedRecordsError(
            "no client has both periods", column=id,
            expected=f"clients with one '{before}' and one '{after}' row", found=[],
        )
    b_counts = counts[is_before].set_axis(ids[is_before].to_numpy()).loc[matched]
    a_counts = counts[~is_before].set_axis(ids[~is_before].to_numpy()).loc[matched]
    B = b_counts.to_numpy(dtype=float)
    A = a_counts.to_numpy(dtype=float)

    if group is not None:
        g_before = data.loc[is_before, group].set_axis(ids[is_before].to_numpy()).loc[matched]
        g_after = data.loc[~is_before, group].set_axis(ids[~is_before].to_numpy()).loc[matched]
        differs = (g_before.to_numpy() != g_after.to_numpy())
        if differs.any():
            bad = set(matched[differs])
            labels = list(data.index[ids.isin(bad)])
            raise InvalidValueError(
                "group differs between a client's two periods",
                column=group,
                expected="the same group on both rows of a client",
                found=sorted(map(str, bad)),
                **error_location(data, labels),
            )
        member = g_before.to_numpy()
        levels = list(pd.unique(member))
    else:
        member = np.full(len(matched), "all", dtype=object)
        levels = ["all"]

    if group is not None and len(levels) > 1:
        if reference is None:
            if "comparison" not in levels:
                raise InvalidValueError(
                    "reference group not given",
                    column=group,
                    expected="reference= one of " + ", ".join(map(str, levels)),
                    found=levels,
                )
            reference = "comparison"
        elif reference not in levels:
            raise InvalidValueError(
                "reference group not in the data",
                column=group,
                expected="one of " + ", ".join(map(str, levels)),
                found=[reference],
            )
    elif reference is not None and group is None:
        raise InvalidValueError(
            "reference given without a group column", expected="group= the column of groups",
            found=[reference],
        )

    # ---- unit costs in one price year
    assumptions, target, currency, cost_notes = _resolve_unit_costs(
        services, unit_costs, costs, price_year, index
    )
    notes = cost_notes + notes
    unit = assumptions["restated_unit_cost"].to_numpy(dtype=float)

    # ---- estimates and bootstrap, per group
    rng = np.random.default_rng(random_state)
    n_services = len(services)
    col_service = services + services + ["total"]
    col_metric = ["count"] * n_services + ["cost"] * (n_services + 1)
    lo_q, hi_q = alpha / 2, 1 - alpha / 2
    point, draws, sizes = {}, {}, {}
    for level in levels:
        rows = member == level
        n = int(rows.sum())
        # before, after and the per-client change (so that equal changes give exact means)
        values = np.hstack([B[rows], A[rows], A[rows] - B[rows]])
        mean = values.sum(axis=0, keepdims=True) / n
        boot = _boot_means(values, n_boot, rng)
        parts = [slice(k * n_services, (k + 1) * n_services) for k in range(3)]
        point[level] = tuple(_metric_columns(mean[:, p], unit)[0] for p in parts)
        draws[level] = tuple(_metric_columns(boot[:, p], unit) for p in parts)
        sizes[level] = n

    change_parts, period_parts = [], []
    for level in levels:
        n = sizes[level]
        pb, pa, pc = point[level]
        db, da, dc = draws[level]
        c_lo, c_hi = np.quantile(dc, [lo_q, hi_q], axis=0)
        change_parts.append(
            pd.DataFrame(
                {
                    "group": level,
                    "service": col_service,
                    "metric": col_metric,
                    "n": n,
                    "mean_before": pb,
                    "mean_after": pa,
                    "mean_change": pc,
                    "ci_low": c_lo,
                    "ci_high": c_hi,
                    "total_change": n * pc,
                    "total_ci_low": n * c_lo,
                    "total_ci_high": n * c_hi,
                }
            )
        )
        for label, p, d in ((before, pb, db), (after, pa, da)):
            q_lo, q_hi = np.quantile(d, [lo_q, hi_q], axis=0)
            period_parts.append(
                pd.DataFrame(
                    {
                        "group": level,
                        "service": col_service,
                        "metric": col_metric,
                        "period": label,
                        "n": n,
                        "mean": p,
                        "ci_low": q_lo,
                        "ci_high": q_hi,
                    }
                )
            )
    change = pd.concat(change_parts, ignore_index=True)
    by_period = pd.concat(period_parts, ignore_index=True)

    difference = None
    if group is not None and len(levels) > 1:
        ref_point = point[reference][2]
        ref_draws = draws[reference][2]
        parts = []
        for level in levels:
            if level == reference:
                continue
            n = sizes[level]
            est = point[level][2] - ref_point
            dd = draws[level][2] - ref_draws
            d_lo, d_hi = np.quantile(dd, [lo_q, hi_q], axis=0)
            parts.append(
                pd.DataFrame(
                    {
                        "group": level,
                        "reference": reference,
                        "service": col_service,
                        "metric": col_metric,
                        "n": n,
                        "n_reference": sizes[reference],
                        "difference": est,
                        "ci_low": d_lo,
                        "ci_high": d_hi,
                        "total_difference": n * est,
                        "total_ci_low": n * d_lo,
                        "total_ci_high": n * d_hi,
                    }
                )
            )
        difference = pd.concat(parts, ignore_index=True)

    # ---- per-client table (client-major, then service)
    n_clients = len(matched)
    per_client = pd.DataFrame({id: np.repeat(matched.to_numpy(), n_services)})
    if group is not None:
        per_client[group] = np.repeat(member, n_services)
    per_client["service"] = np.tile(np.asarray(services, dtype=object), n_clients)
    per_client["count_before"] = B.ravel().astype("int64")
    per_client["count_after"] = A.ravel().astype("int64")
    per_client["count_change"] = (A - B).ravel().astype("int64")
    per_client["cost_before"] = (B * unit).ravel()
    per_client["cost_after"] = (A * unit).ravel()
    per_client["cost_change"] = ((A - B) * unit).ravel()

    for table in (change, by_period, per_client) + (() if difference is None else (difference,)):
        for col in ("service", "metric", "period"):
            if col in table.columns:
                table[col] = table[col].astype("str")

    return ServiceUseChange(
        change=change,
        by_period=by_period,
        difference=difference,
        assumptions=assumptions,
        per_client=per_client,
        unmatched=unmatched_table,
        price_year=target,
        currency=currency,
        notes=notes,
        settings={
            "n_boot": int(n_boot),
            "alpha": float(alpha),
            "random_state": random_state,
            "index": assumptions["index"].iloc[0],
            "reference": reference,
        },
    )
