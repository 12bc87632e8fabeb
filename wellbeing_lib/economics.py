"""Discounting, unit costs, price years and social return on investment (SROI).

The module reads top to bottom:

* **reference data** — :func:`discount_rates` (HM Treasury Green Book schedules),
  :func:`unit_costs` (NHS reference costs, PSSRU unit costs) and :func:`financial_proxies`
  (the HM Treasury WELLBY value), all shipped as CSV files with their source and year;
* **discounting** — :func:`discount_factors` (vectorised) and :func:`present_value` (a tidy
  table of a value stream with its discount factors and present values);
* **costing** — :func:`cost_service_use` (counts of service use × unit costs, one row per
  person × service), :func:`inflation_index` (the PSSRU NHS cost inflation index, shipped as
  data) and :func:`restate_costs` (moving costs between price years with that index or one
  you supply);
* **service use before and after** — :func:`service_use_change`: counts and costs per client
  before and after (e.g. referral), change per client and for the cohort, bootstrap
  intervals, and the difference in change between groups (difference-in-differences);
  :func:`impact_map_from_service_use` turns that difference into SROI impact-map rows,
  :func:`implied_deadweight` shows the deadweight an uncontrolled estimate would need, and
  :func:`quantity_distributions` / :func:`quantity_ranges` give the Monte Carlo and
  sensitivity inputs that match its bootstrap intervals;
* **social return on investment** — an impact map validated on load
  (:func:`read_impact_map`, :func:`validate_impact_map`), :func:`sroi` (per outcome × year
  table, totals, payback, summaries by stakeholder and GMCA value type, assumptions),
  :func:`apply_overrides` / :func:`sroi_scenarios`, one-way :func:`sroi_sensitivity` and
  :func:`breakeven` (the value of each parameter at which the ratio reaches 1:1, or any
  target ratio such as a published 2.3:1), a vectorised
  :func:`sroi_monte_carlo`, and plots (:func:`plot_sroi_waterfall`,
  :func:`plot_sroi_tornado`, :func:`plot_sroi_monte_carlo`). The live slider panel is
  :func:`wellbeing_lib.widgets.sroi_panel`.

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

The SROI functions (:func:`sroi` and the sensitivity and Monte Carlo functions built on it)
default to ``first_year_discounted=True`` instead, because they implement the SROI guide's
formula and should reproduce a ratio computed in an SROI spreadsheet; pass False for the
Green Book convention. Every result records which convention it used.

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
from .io import load_reference_table, read_table
from .validation import (
    check_allowed,
    check_numeric,
    check_unique,
    error_location,
    require_columns,
    source_of,
)

__all__ = [
    "discount_rates",
    "discount_factors",
    "present_value",
    "unit_costs",
    "financial_proxies",
    "cost_service_use",
    "inflation_index",
    "restate_costs",
    "service_use_change",
    "ServiceUseChange",
    "SERVICE_COLUMNS",
    "DEFAULT_SERVICE_ITEMS",
    "validate_impact_map",
    "read_impact_map",
    "impact_map_from_service_use",
    "implied_deadweight",
    "quantity_distributions",
    "quantity_ranges",
    "sroi",
    "SROIResult",
    "waterfall_table",
    "apply_overrides",
    "sroi_scenarios",
    "sroi_sensitivity",
    "breakeven",
    "sroi_monte_carlo",
    "SROIMonteCarlo",
    "plot_sroi_waterfall",
    "plot_sroi_tornado",
    "plot_sroi_monte_carlo",
    "IMPACT_MAP_COLUMNS",
    "VALUE_TYPES",
]

DISCOUNT_FILE = "discount_rates.csv"
UNIT_COST_FILE = "unit_costs.csv"
PROXY_FILE = "financial_proxies.csv"
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
    return load_reference_table(UNIT_COST_FILE)


def financial_proxies(name: str | None = None) -> pd.DataFrame:
    """The shipped financial proxies for outcomes that are not costs, with source and licence.

    Columns: ``proxy`` (key), ``unit`` (what one unit of the proxy is), ``value`` (central
    value), ``low`` and ``high`` (the published range, for sensitivity analysis),
    ``price_year``, ``currency``, ``value_type`` (the GMCA split: ``social`` here),
    ``source``, ``year`` (of publication) and ``licence``.

    Only values that are published under a licence that allows them to be bundled are
    shipped. Today that is one proxy:

    * ``wellby`` — HM Treasury's *Wellbeing Guidance for Appraisal* (Green Book
      supplementary guidance, 2021): one WELLBY, a one-point change in life satisfaction
      (0–10) for one person for one year, is valued at £13,000 in 2019 prices and values,
      with a range of £10,000 to £16,000 (Open Government Licence v3.0). The figures were
      taken from published accounts of the guidance, not read from its PDF by us.

    HACT's UK Social Value Bank values are licensed CC BY-NC-ND and are never shipped:
    supply such values yourself. No mapping from SWEMWBS/WEMWBS scores to life
    satisfaction is shipped either, because none could be verified; to use the WELLBY for
    a change measured on another scale, supply the conversion and its source.

    Parameters
    ----------
    name : str, optional
        One proxy (e.g. ``"wellby"``); all proxies when omitted.

    Raises
    ------
    InvalidValueError
        For an unknown proxy name.

    Example
    -------
    >>> t = financial_proxies("wellby")
    >>> t.loc[0, ["value", "low", "high", "price_year"]].tolist()
    [13000, 10000, 16000, 2019]
    >>> t.loc[0, "licence"]
    'Open Government Licence v3.0 (Crown copyright)'
    """
    table = load_reference_table(PROXY_FILE)
    if name is None:
        return table
    known = list(table["proxy"])
    if name not in known:
        raise InvalidValueError(
            "unknown financial proxy",
            file=PROXY_FILE,
            column="proxy",
            expected="one of " + ", ".join(known) + " (or supply your own value and source)",
            found=[name],
        )
    return table[table["proxy"] == name].reset_index(drop=True)


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
    table = load_reference_table(INFLATION_FILE)
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


# ==================================================================================
# Social return on investment (SROI)
# ==================================================================================
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
#: the SROI default for whether year 1 is discounted (see :func:`sroi`)
SROI_FIRST_YEAR_DISCOUNTED = True

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
        ``"2016/17"``). ``attrs["source"]`` (the file) is kept.

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
    out.attrs = dict(data.attrs)
    return out


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


# ------------------------------------------------------------------ SROI: from service use
#: the settings of an impact-map row built from service use that the caller chooses
_SERVICE_MAP_SETTINGS = ("duration", "displacement", "attribution", "drop_off")


def _service_difference(use, services, group, reference) -> pd.DataFrame:
    """One row per service of ``services``: the contacts a group avoided relative to the reference.

    Columns: ``service``, ``stakeholder``, ``outcome``, ``value_type``, ``n``, ``quantity``
    (= −total_difference of counts), ``quantity_ci_low``/``quantity_ci_high`` (the bootstrap
    interval of that quantity), ``unit_cost`` (restated) and ``proxy_source``. Raises a named
    error for anything that does not line up with the :class:`ServiceUseChange`.
    """
    if not isinstance(use, ServiceUseChange):
        raise InvalidValueError(
            "service use not understood",
            expected="the result of service_use_change(...)",
            found=[type(use).__name__],
        )
    if use.difference is None:
        raise InvalidValueError(
            "the service-use result has no comparison between groups",
            expected="service_use_change(..., group=<column of groups>) with a reference group "
            "(e.g. referred and comparison clients)",
        )
    used_reference = use.settings.get("reference")
    if reference != used_reference:
        raise InvalidValueError(
            "the differences were estimated against another reference group",
            column="reference",
            expected=f"reference={used_reference!r}, or rerun service_use_change(..., "
            f"reference={reference!r})",
            found=[reference],
        )
    groups = list(dict.fromkeys(use.difference["group"]))
    if group not in groups:
        raise InvalidValueError(
            "group not in the service-use result",
            column="group",
            expected="one of " + ", ".join(map(str, groups)) + " (compared with "
            f"{used_reference!r})",
            found=[group],
        )
    if not isinstance(services, Mapping) or not services:
        raise InvalidValueError(
            "services not understood",
            expected="a dict {service column: (stakeholder, outcome, value_type)}",
            found=[repr(services)],
        )
    known = list(use.assumptions["service"])
    unknown = [s for s in services if s not in known]
    if unknown:
        raise InvalidValueError(
            "service not in the service-use result",
            column=unknown,
            expected="services estimated by service_use_change: " + ", ".join(known),
            found=unknown,
        )
    labels = {}
    for service, spec in services.items():
        ok = isinstance(spec, tuple | list) and len(spec) == 3 and all(
            isinstance(v, str) and v.strip() for v in spec
        )
        if not ok:
            raise InvalidValueError(
                "service labels not understood",
                column=service,
                expected="a tuple (stakeholder, outcome, value_type) of non-empty text, "
                "value_type one of " + ", ".join(VALUE_TYPES),
                found=[repr(spec)],
            )
        labels[service] = tuple(v.strip() for v in spec)

    names = list(services)
    diff = use.difference
    rows = diff[(diff["group"] == group) & (diff["metric"] == "count")].set_index("service")
    rows = rows.loc[names]
    costs = use.assumptions.set_index("service").loc[names]
    # 0.0 - x rather than -x: no difference is a quantity of 0, not -0
    quantity = 0.0 - rows["total_difference"].to_numpy(dtype=float)
    rose = quantity < 0
    if rose.any():
        bad = [s for s, r in zip(names, rose) if r]
        raise InvalidValueError(
            f"{group} clients' use of this service rose relative to the {reference} group, so "
            "no contacts were avoided",
            column=bad,
            expected="a fall relative to the reference; leave the service out, or enter the "
            "rise as its own outcome with a negative proxy_value (a cost)",
            found=list(rows["difference"][rose].round(6)),
        )
    source = costs["source"].astype("str").to_numpy()
    restated = (costs["price_year"] != use.price_year).to_numpy()
    index_used = costs["index"].astype("str").to_numpy()
    source = np.where(
        restated,
        [f"{s} ({y} prices, restated to {use.price_year} with {i})"
         for s, y, i in zip(source, costs["price_year"], index_used)],
        source,
    )
    return pd.DataFrame(
        {
            "service": names,
            "stakeholder": [labels[s][0] for s in names],
            "outcome": [labels[s][1] for s in names],
            "value_type": [labels[s][2] for s in names],
            "n": rows["n"].to_numpy(dtype="int64"),
            "quantity": quantity,
            "quantity_ci_low": 0.0 - rows["total_ci_high"].to_numpy(dtype=float),
            "quantity_ci_high": 0.0 - rows["total_ci_low"].to_numpy(dtype=float),
            "unit_cost": costs["restated_unit_cost"].to_numpy(dtype=float),
            "proxy_source": source,
        }
    ).astype({"service": "str", "stakeholder": "str", "outcome": "str", "value_type": "str",
              "proxy_source": "str"})


def _per_service(value, name: str, services: list) -> list:
    """A setting given once (same for every service) or as {service: value}."""
    if not isinstance(value, Mapping):
        return [value] * len(services)
    unknown = [s for s in value if s not in services]
    absent = [s for s in services if s not in value]
    if unknown or absent:
        raise InvalidValueError(
            f"{name} given per service, but not for the same services as `services`",
            column=name,
            expected="one value, or {service: value} for each of " + ", ".join(services),
            found=[f"unknown {s!r}" for s in unknown] + [f"missing {s!r}" for s in absent],
        )
    return [value[s] for s in services]


def impact_map_from_service_use(
    use: ServiceUseChange,
    services: Mapping,
    *,
    duration,
    displacement,
    attribution,
    drop_off,
    group="referred",
    reference="comparison",
) -> pd.DataFrame:
    """SROI impact-map rows for the service use a programme avoided, beyond a comparison group.

    For each service (a count column of :func:`service_use_change`) one row: the quantity is
    the number of contacts the ``group`` avoided relative to the ``reference`` group — the
    difference-in-differences in mean counts per client × the clients in the group — and the
    financial proxy is the service's unit cost restated to the result's price year, so that
    quantity × proxy is the attributable saving in ``use.difference`` (metric ``"cost"``).

    Deadweight is set to **0** on every row: deadweight is the share of an outcome that would
    have happened anyway, and the reference group's change already measures (and removes)
    exactly that. A further deadweight would count it twice. Use :func:`implied_deadweight` to
    show the deadweight an uncontrolled before/after estimate would need.

    Parameters
    ----------
    use : ServiceUseChange
        The result of :func:`service_use_change` run with a ``group`` column.
    services : dict
        ``{service column: (stakeholder, outcome, value_type)}``: who pays for the service,
        the outcome's name (e.g. "Fewer GP appointments") and its GMCA value type (one of
        :data:`VALUE_TYPES`). Rows follow the order of this dict.
    duration : int or dict
        Years the saving lasts (whole number ≥ 0), or ``{service column: years}``.
    displacement, attribution, drop_off : float or dict
        Fractions in [0, 1] (25% is 0.25) for every service, or ``{service column: value}``.
    group, reference : default "referred", "comparison"
        The group credited with the change and the group it was compared with (the
        ``reference`` of :func:`service_use_change`).

    Returns
    -------
    DataFrame
        A validated impact map (see :func:`validate_impact_map`): ``stakeholder``,
        ``outcome``, ``indicator`` (what the quantity is: the difference-in-differences per
        client, *group* after − before minus *reference* after − before, × the clients in
        the group, with its sign turned so that a fall is positive), ``quantity``,
        ``proxy_value``,
        ``proxy_source`` (the unit cost's source, and its restating when it was restated),
        ``proxy_price_year``, ``duration``, ``deadweight`` (0), ``displacement``,
        ``attribution``, ``drop_off``, ``value_type``, ``start_year`` (1). Concatenate other
        outcomes (e.g. wellbeing) and validate the whole map again.

    Raises
    ------
    InvalidValueError
        ``use`` has no comparison between groups; ``group`` is not in it, or ``reference``
        is not the reference it was estimated against; a service is not one of its columns;
        a service's labels are not a (stakeholder, outcome, value_type) tuple; a per-service
        setting does not name the same services; the group's use of a service *rose*
        relative to the reference (nothing avoided: leave it out, or enter the rise as an
        outcome with a negative proxy); or a setting is out of range (as
        :func:`validate_impact_map`).

    Notes
    -----
    With :math:`D_s` the difference-in-differences in mean contacts per client for service
    *s* (group minus reference, after − before), :math:`n` the clients in the group and
    :math:`u_s` the unit cost: quantity :math:`= -n D_s`, proxy :math:`= u_s`. See
    Cabinet Office (2012), *A guide to Social Return on Investment*, on deadweight measured
    with a comparison group.

    Example
    -------
    Two referred and two comparison clients; GP appointments cost £48 (2024/25). Referred
    clients fall by 2 and 3 appointments (mean −2.5), comparison clients by 1 and 0
    (mean −0.5): D = −2, so 2 referred clients avoided 4 appointments worth £192.

    >>> import pandas as pd
    >>> visits = pd.DataFrame({
    ...     "client_id": ["a", "a", "b", "b", "c", "c", "d", "d"],
    ...     "period": ["before", "after"] * 4,
    ...     "group": ["referred"] * 4 + ["comparison"] * 4,
    ...     "gp": [5, 3, 4, 1, 3, 2, 2, 2]})
    >>> use = service_use_change(visits, services=["gp"], group="group", n_boot=200,
    ...                          unit_costs={"gp": "gp_surgery_consultation"})
    >>> m = impact_map_from_service_use(
    ...     use, {"gp": ("NHS", "Fewer GP appointments", "fiscal_non_cashable")},
    ...     duration=1, displacement=0.1, attribution=0.25, drop_off=0.5)
    >>> m[["outcome", "quantity", "proxy_value", "deadweight", "attribution"]]
                     outcome  quantity  proxy_value  deadweight  attribution
    0  Fewer GP appointments       4.0         48.0         0.0         0.25
    >>> print(m.loc[0, "indicator"])
    gp: contacts avoided = −(difference-in-differences per client, referred vs comparison) × 2 referred clients
    """
    rows = _service_difference(use, services, group, reference)
    names = list(rows["service"])
    settings = {
        name: _per_service(value, name, names)
        for name, value in zip(
            _SERVICE_MAP_SETTINGS, (duration, displacement, attribution, drop_off)
        )
    }
    table = pd.DataFrame(
        {
            "stakeholder": rows["stakeholder"],
            "outcome": rows["outcome"],
            "indicator": [
                f"{s}: contacts avoided = −(difference-in-differences per client, {group} vs "
                f"{reference}) × {n:,} {group} clients"
                for s, n in zip(names, rows["n"])
            ],
            "quantity": rows["quantity"],
            "proxy_value": rows["unit_cost"],
            "proxy_source": rows["proxy_source"],
            "proxy_price_year": use.price_year,
            "duration": settings["duration"],
            "deadweight": 0.0,
            "displacement": settings["displacement"],
            "attribution": settings["attribution"],
            "drop_off": settings["drop_off"],
            "value_type": rows["value_type"],
        }
    )
    return validate_impact_map(table)


def implied_deadweight(
    use: ServiceUseChange,
    *,
    group="referred",
    reference="comparison",
    metric: str = "cost",
) -> pd.DataFrame:
    """The deadweight an uncontrolled before/after estimate would need, per service.

    An evaluation without a comparison group credits the programme with the group's whole
    before/after fall. The difference-in-differences credits only the fall beyond the
    reference group's. The share of the raw fall that is *not* attributable — the share the
    reference group shows would have happened anyway — is the deadweight that the raw fall
    would need to give the same answer:

    .. math::

        \\text{implied deadweight} = 1 - \\frac{\\text{attributable fall}}{\\text{raw fall}}
        = 1 - \\frac{-D}{-\\Delta^{(g)}}

    with :math:`\\Delta^{(g)}` the group's mean change per client and :math:`D` the
    difference-in-differences (:func:`service_use_change`). A negative value means the
    reference group's use *rose*, so the raw fall understates the attributable one.

    Parameters
    ----------
    use : ServiceUseChange
        The result of :func:`service_use_change` run with a ``group`` column.
    group, reference : default "referred", "comparison"
        The group credited with the change and the group it was compared with.
    metric : {"cost", "count"}, default "cost"
        Falls in cost (with a ``total`` row over services) or in contacts.

    Returns
    -------
    DataFrame
        One row per service (and ``total`` for costs), in the order of ``use``:
        ``service``, ``metric``, ``group``, ``reference``, ``raw_fall_per_client`` (−mean
        change of the group), ``attributable_fall_per_client`` (−difference-in-differences),
        ``implied_deadweight`` and ``note``. When the raw fall is 0 the implied deadweight is
        undefined: it is NaN and ``note`` says why; a raw *rise* is flagged in ``note``.

    Raises
    ------
    InvalidValueError
        ``use`` has no comparison between groups, ``group`` is not in it, ``reference`` is
        not the reference it was estimated against, or ``metric`` is not cost or count.

    Example
    -------
    Referred clients fall by 2.5 GP appointments on average, comparison clients by 0.5: the
    attributable fall is 2, so 1 − 2/2.5 = 20% of the raw fall would have happened anyway.

    >>> import pandas as pd
    >>> visits = pd.DataFrame({
    ...     "client_id": ["a", "a", "b", "b", "c", "c", "d", "d"],
    ...     "period": ["before", "after"] * 4,
    ...     "group": ["referred"] * 4 + ["comparison"] * 4,
    ...     "gp": [5, 3, 4, 1, 3, 2, 2, 2]})
    >>> use = service_use_change(visits, services=["gp"], group="group", n_boot=200,
    ...                          unit_costs={"gp": "gp_surgery_consultation"})
    >>> dw = implied_deadweight(use, metric="count")
    >>> dw[["service", "raw_fall_per_client", "implied_deadweight"]]
      service  raw_fall_per_client  implied_deadweight
    0      gp                  2.5                 0.2
    >>> dw["attributable_fall_per_client"].tolist()
    [2.0]
    """
    if metric not in ("cost", "count"):
        raise InvalidValueError(
            "metric not understood", column="metric", expected="'cost' or 'count'",
            found=[metric],
        )
    services = list(use.assumptions["service"]) if isinstance(use, ServiceUseChange) else []
    # validates use, group and reference (the labels are not used here)
    _service_difference(use, dict.fromkeys(services, ("-", "-", "social")), group, reference)
    change = use.change[(use.change["group"] == group) & (use.change["metric"] == metric)]
    diff = use.difference[(use.difference["group"] == group)
                          & (use.difference["metric"] == metric)]
    change = change.set_index("service")
    order = list(diff["service"])
    raw = 0.0 - change.loc[order, "mean_change"].to_numpy(dtype=float)
    attributable = 0.0 - diff["difference"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        implied = np.where(raw == 0, np.nan, 1.0 - attributable / np.where(raw == 0, 1.0, raw))
    note = np.select(
        [raw == 0, raw < 0, implied < 0],
        [
            "no raw fall: a deadweight share of it is undefined",
            f"{group} use rose: the share is not a deadweight",
            f"{reference} use rose: the raw fall understates the attributable fall",
        ],
        default="",
    )
    return pd.DataFrame(
        {
            "service": order,
            "metric": metric,
            "group": str(group),
            "reference": str(reference),
            "raw_fall_per_client": raw,
            "attributable_fall_per_client": attributable,
            "implied_deadweight": implied,
            "note": note,
        }
    ).astype({"service": "str", "metric": "str", "group": "str", "reference": "str",
              "note": "str"})


def _z(use: ServiceUseChange) -> float:
    from scipy.special import ndtri

    return float(ndtri(1.0 - use.settings.get("alpha", 0.05) / 2))


def quantity_distributions(
    use: ServiceUseChange,
    services: Mapping,
    *,
    group="referred",
    reference="comparison",
) -> dict:
    """Monte Carlo distributions of the contacts avoided, matching their bootstrap intervals.

    For each service, a normal distribution centred on the quantity of
    :func:`impact_map_from_service_use` whose standard deviation matches the width of its
    bootstrap percentile interval, truncated at 0 (a quantity cannot be negative):

    .. math::

        \\text{sd} = \\frac{\\text{high} - \\text{low}}{2 z_{1-\\alpha/2}}

    with :math:`z_{0.975} = 1.96` for the 95% intervals of :func:`service_use_change`
    (``alpha`` is read from ``use``). A symmetric normal is an approximation: the
    percentile interval of a skewed cost or a rare event is not symmetric about the
    estimate. A service whose interval has no width gets a fixed value.

    Parameters
    ----------
    use, services, group, reference
        As :func:`impact_map_from_service_use`, so that the outcomes match its rows.

    Returns
    -------
    dict
        ``{"quantity": {(stakeholder, outcome): ("normal", quantity, sd)}}`` in the order
        of ``services`` — the form :func:`sroi_monte_carlo` accepts; merge it with the other
        parameters' distributions (``quantity_distributions(...) | {"attribution": ...}``).

    Raises
    ------
    InvalidValueError
        As :func:`impact_map_from_service_use`.

    Example
    -------
    >>> import pandas as pd
    >>> visits = pd.DataFrame({
    ...     "client_id": ["a", "a", "b", "b", "c", "c", "d", "d"],
    ...     "period": ["before", "after"] * 4,
    ...     "group": ["referred"] * 4 + ["comparison"] * 4,
    ...     "gp": [5, 3, 4, 1, 3, 2, 2, 2]})
    >>> use = service_use_change(visits, services=["gp"], group="group", n_boot=200,
    ...                          unit_costs={"gp": "gp_surgery_consultation"})
    >>> labels = {"gp": ("NHS", "Fewer GP appointments", "fiscal_non_cashable")}
    >>> use.difference.loc[0, ["total_ci_low", "total_ci_high"]].tolist()
    [-6.0, -2.0]
    >>> spec = quantity_distributions(use, labels)["quantity"]
    >>> kind, mean, sd = spec[("NHS", "Fewer GP appointments")]
    >>> kind, mean, round(sd, 4)  # (6 − 2) / (2 × 1.96)
    ('normal', 4.0, 1.0204)
    """
    rows = _service_difference(use, services, group, reference)
    sd = (rows["quantity_ci_high"] - rows["quantity_ci_low"]).to_numpy() / (2.0 * _z(use))
    return {
        "quantity": {
            (s, o): ("normal", float(q), float(d)) if d > 0 else ("fixed", float(q))
            for s, o, q, d in zip(rows["stakeholder"], rows["outcome"], rows["quantity"], sd)
        }
    }


def quantity_ranges(
    use: ServiceUseChange,
    services: Mapping,
    *,
    group="referred",
    reference="comparison",
) -> dict:
    """The bootstrap interval of the contacts avoided, per outcome, for one-way sensitivity.

    Parameters
    ----------
    use, services, group, reference
        As :func:`impact_map_from_service_use`, so that the outcomes match its rows.

    Returns
    -------
    dict
        ``{(stakeholder, outcome): (low, high)}``: the bootstrap interval of each quantity
        (−``total_ci_high``, −``total_ci_low`` of the count differences), with a bound
        below 0 raised to 0 (no contacts avoided). Pass it as
        ``sroi_sensitivity(..., parameters={"quantity": quantity_ranges(...)})``.

    Raises
    ------
    InvalidValueError
        As :func:`impact_map_from_service_use`.

    Example
    -------
    >>> import pandas as pd
    >>> visits = pd.DataFrame({
    ...     "client_id": ["a", "a", "b", "b", "c", "c", "d", "d"],
    ...     "period": ["before", "after"] * 4,
    ...     "group": ["referred"] * 4 + ["comparison"] * 4,
    ...     "gp": [5, 3, 4, 1, 3, 2, 2, 2]})
    >>> use = service_use_change(visits, services=["gp"], group="group", n_boot=200,
    ...                          unit_costs={"gp": "gp_surgery_consultation"})
    >>> quantity_ranges(use, {"gp": ("NHS", "Fewer GP appointments", "fiscal_non_cashable")})
    {('NHS', 'Fewer GP appointments'): (2.0, 6.0)}
    """
    rows = _service_difference(use, services, group, reference)
    low = rows["quantity_ci_low"].clip(lower=0.0)
    high = rows["quantity_ci_high"].clip(lower=0.0)
    return {
        (s, o): (float(lo), float(hi))
        for s, o, lo, hi in zip(rows["stakeholder"], rows["outcome"], low, high)
    }


# ------------------------------------------------------------------ SROI: investment
INVESTMENT_TYPES = ("cash", "in_kind")


def _investment(investment) -> tuple[float, pd.DataFrame]:
    """Total value of inputs and a tidy table of them (stakeholder, input, type, value)."""
    if isinstance(investment, pd.DataFrame):
        require_columns(investment, ["stakeholder", "value"], what="investment table")
        if len(investment) == 0:
            raise InvalidValueError(
                "investment table has no rows", file=source_of(investment),
                expected="one row per input (stakeholder, value)",
            )
        values = check_numeric(investment, ["value"], low=0, allow_missing=False)["value"]
        infinite = ~np.isfinite(values)
        if infinite.any():
            labels = list(investment.index[infinite])
            raise InvalidValueError(
                "investment value is not finite", column="value", expected="a finite amount in £",
                found=list(values[infinite]), **error_location(investment, labels),
            )
        if "type" in investment.columns:
            check_allowed(investment, "type", INVESTMENT_TYPES, allow_missing=False)
        table = pd.DataFrame(
            {
                "stakeholder": investment["stakeholder"].astype(str).to_numpy(),
                "input": (
                    investment["input"].astype(str).to_numpy()
                    if "input" in investment.columns
                    else np.full(len(investment), "not described", dtype=object)
                ),
                "type": (
                    investment["type"].astype(str).to_numpy()
                    if "type" in investment.columns
                    else np.full(len(investment), "cash", dtype=object)
                ),
                "value": values.to_numpy(),
            }
        ).astype({"stakeholder": "str", "input": "str", "type": "str"})
        total = float(table["value"].sum())
    elif isinstance(investment, numbers.Real) and not isinstance(investment, bool):
        total = float(investment)
        if not np.isfinite(total):
            total = -1.0
        table = pd.DataFrame(
            {"stakeholder": ["all"], "input": ["total investment"], "type": ["cash"],
             "value": [float(investment)]}
        ).astype({"stakeholder": "str", "input": "str", "type": "str"})
    else:
        raise InvalidValueError(
            "investment not understood",
            expected="a positive amount in £, or a table with columns stakeholder and value "
            "(optional: input, type = cash or in_kind)",
            found=[type(investment).__name__],
        )
    if not total > 0:
        raise InvalidValueError(
            "total investment must be more than £0 (the SROI ratio divides by it)",
            column="value" if isinstance(investment, pd.DataFrame) else None,
            expected="a positive, finite total value of inputs",
            found=[investment if not isinstance(investment, pd.DataFrame) else total],
        )
    return total, table


# ------------------------------------------------------------------ SROI: the model
@dataclass
class _SroiModel:
    """A validated impact map and settings, as arrays (one entry per row of the map)."""

    map: pd.DataFrame
    values: dict  # quantity, proxy_value, deadweight, displacement, attribution, drop_off
    start: np.ndarray
    duration: np.ndarray
    rate: str | float
    first_year_discounted: bool
    investment: float
    investment_table: pd.DataFrame
    price_year: str | None
    notes: list


def _check_flag(value, name: str) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise InvalidValueError(f"{name} must be True or False", found=[repr(value)])
    return bool(value)


def _build_model(impact_map, investment, discount_rate, first_year_discounted, price_year, index):
    m = validate_impact_map(impact_map)
    rate = _rate_name(discount_rate)
    fyd = _check_flag(first_year_discounted, "first_year_discounted")
    total, inv_table = _investment(investment)
    notes = []
    years = list(dict.fromkeys(m["proxy_price_year"]))
    m["proxy_value_as_given"] = m["proxy_value"]
    if price_year is not None:
        target = _year_label(price_year)
        move = (m["proxy_price_year"] != target).to_numpy()
        if move.any():
            restated = restate_costs(
                m.loc[move, "proxy_value"].to_numpy(), m.loc[move, "proxy_price_year"].to_numpy(),
                target, index=index,
            )
            m.loc[move, "proxy_value"] = restated
            notes.append(
                f"Proxy values restated to {target} prices with "
                f"{index if isinstance(index, str) else 'the index supplied'}."
            )
    else:
        target = years[0] if len(years) == 1 else None
        if len(years) > 1:
            message = (
                "proxy values are in different price years (" + ", ".join(years) + "); pass "
                "price_year= to restate them to one price year before adding them up"
            )
            warnings.warn(message, UserWarning, stacklevel=3)
            notes.append("Proxy values are in different price years (" + ", ".join(years)
                         + ") and were not restated.")
    values = {col: m[col].to_numpy(dtype=float) for col in _MAP_NUMBERS}
    start = m["start_year"].to_numpy(dtype=np.int64)
    duration = m["duration"].to_numpy(dtype=np.int64)
    return _SroiModel(m, values, start, duration, rate, fyd, total, inv_table, target, notes)


def _horizon(start: np.ndarray, duration: np.ndarray) -> int:
    """Last calendar year with an outcome (0 when every duration is 0)."""
    live = duration > 0
    return int((start[live] + duration[live] - 1).max()) if live.any() else 0


def _year_factors(horizon: int, rate, first_year_discounted: bool, multiplier: float = 1.0):
    """Discount factors of years 1..horizon; ``multiplier`` scales every rate (sensitivity)."""
    years = np.arange(1, horizon + 1)
    if multiplier == 1.0:
        return np.asarray(discount_factors(years, rate, first_year_discounted=first_year_discounted),
                          dtype=float).reshape(horizon)
    periods = years - (0 if first_year_discounted else 1)
    if not isinstance(rate, str):
        scaled = rate * multiplier
        if not 0 <= scaled < 1:
            raise InvalidValueError(
                "discount rate out of range after scaling", expected="a rate between 0 and 1",
                found=[scaled],
            )
        return 1.0 / (1.0 + scaled) ** periods
    first, last, r = _schedule_bands(rate)
    top = int(periods.max()) if horizon else 0
    if top > last[-1]:
        raise InvalidValueError(
            f"discounting horizon beyond the published '{rate}' schedule",
            expected=f"at most {last[-1]:g} years of discounting", found=[top],
        )
    s = np.arange(1, top + 1)
    band = np.searchsorted(last, s, side="left")
    per_period = r[band] * multiplier
    growth = np.concatenate([[1.0], np.cumprod(1.0 + per_period)])
    return 1.0 / growth[periods]


def _active(start: np.ndarray, duration: np.ndarray, horizon: int):
    """(outcome live in year t, year t is after the outcome's first year), each (K, T)."""
    t = np.arange(1, horizon + 1)
    s = start[:, np.newaxis]
    return (t >= s) & (t < s + duration[:, np.newaxis]), t > s


def _pv_matrix(q, p, dw, dp, at, do, start, duration, factors):
    """Impact (K,), impact after drop-off and present value (K, T) of one set of inputs.

    Used for the per outcome × year table; the totals come from :func:`_pv_totals`.
    Drop-off is applied by repeated multiplication: impact_t = impact_{t−1} × (1 − drop-off).
    """
    horizon = factors.shape[-1]
    impact = q * p * (1.0 - dw) * (1.0 - dp) * (1.0 - at)
    live, later = _active(start, duration, horizon)
    retention = np.cumprod(np.where(later, (1.0 - do)[:, np.newaxis], 1.0), axis=-1)
    after = np.where(live, impact[:, np.newaxis] * retention, 0.0)
    return impact, after, after * factors


def _pv_totals(q, p, dw, dp, at, do, start, duration, factors):
    """Total present value of each draw, vectorised over years × draws × outcomes.

    ``q`` … ``do`` are (n, K) arrays (n draws of K outcomes; n may be 1 and broadcast);
    ``factors`` (discount factors of years 1..T) is (n, T) or (1, T). With
    r_{k,t} = ∏ (1 − drop-off_k) over the outcome's years after its first (the retention),

    .. math:: PV = \\sum_k \\text{impact}_k \\sum_t \\text{live}_{k,t}\\, r_{k,t}\\, D_t

    Arrays are laid out years-first, (T, n, K), so the running products and sums over
    years work on whole slabs of draws × outcomes. Products and sums are sequential
    (cumprod, cumsum), so the same inputs give bit-identical totals however many draws are
    computed together — which is why :func:`sroi` and :func:`sroi_monte_carlo` agree exactly.
    """
    horizon = factors.shape[-1]
    impact = q * p * (1.0 - dw) * (1.0 - dp) * (1.0 - at)
    if horizon == 0:
        return np.zeros(impact.shape[0])
    live, later = _active(start, duration, horizon)
    step = np.where(later.T[:, np.newaxis, :], (1.0 - do)[np.newaxis], 1.0)  # (T, n|1, K)
    retention = np.cumprod(step, axis=0)
    live_discounted = live.T[:, np.newaxis, :] * factors.T[:, :, np.newaxis]  # (T, n|1, K)
    weight = np.cumsum(retention * live_discounted, axis=0)[-1]  # (n|1, K)
    by_outcome = impact * weight
    if by_outcome.shape[-1] == 0:
        return np.zeros(by_outcome.shape[0])
    return np.cumsum(by_outcome, axis=-1)[..., -1]


def _yearly_cumulative(matrix: np.ndarray) -> np.ndarray:
    """(T,) cumulative sums over years of a (K, T) matrix summed over outcomes."""
    return np.cumsum(matrix.sum(axis=0)) if matrix.shape[-1] else np.zeros(0)


def _model_arrays(model: _SroiModel, values: Mapping | None = None):
    vals = {**model.values, **(values or {})}
    return [np.atleast_2d(np.asarray(vals[c], dtype=float)) for c in _MAP_NUMBERS]


def _evaluate(model: _SroiModel, *, values=None, duration=None, rate=None, multiplier=1.0,
              investment=None) -> tuple[float, float]:
    """Total present value and SROI ratio of the model with some inputs changed."""
    dur = model.duration if duration is None else np.asarray(duration, dtype=np.int64)
    horizon = _horizon(model.start, dur)
    factors = _year_factors(horizon, model.rate if rate is None else rate,
                            model.first_year_discounted, multiplier)
    total = float(_pv_totals(*_model_arrays(model, values), model.start, dur,
                             factors[np.newaxis, :])[0])
    inv = model.investment if investment is None else float(investment)
    return total, total / inv


def _payback(cumulative: np.ndarray, investment: float) -> float:
    """Years (from the start of year 1) until cumulative value first covers the investment.

    Linear interpolation within the year in which it is covered; ``inf`` if never.
    """
    reached = np.nonzero(cumulative >= investment)[0]
    if len(reached) == 0:
        return float("inf")
    t = int(reached[0])
    before = 0.0 if t == 0 else float(cumulative[t - 1])
    gain = float(cumulative[t]) - before
    return float(t + (investment - before) / gain) if gain > 0 else float(t)


def _money(x: float) -> str:
    return f"-£{-x:,.2f}" if x < 0 else f"£{x:,.2f}"


def _rate_text(rate) -> str:
    if isinstance(rate, str):
        table = discount_rates()
        bands = table[table["schedule"] == rate].sort_values("from_year")
        parts = []
        for row in bands.head(2).itertuples():
            upper = "" if pd.isna(row.to_year) else f"–{int(row.to_year)}"
            parts.append(f"{row.rate * 100:g}% years {int(row.from_year)}{upper}")
        return f"'{rate}' schedule ({', '.join(parts)}, …)"
    return f"flat {rate * 100:g}% a year"


# ------------------------------------------------------------------ SROI: the calculation
@dataclass(repr=False)
class SROIResult:
    """Result of :func:`sroi`: tidy tables, the headline figures and the assumptions.

    Attributes
    ----------
    table : DataFrame
        One row per outcome × year in which the outcome lasts: ``stakeholder``, ``outcome``,
        ``indicator`` (and ``value_type``), ``year`` (year 1 = the first year of the
        programme), ``outcome_year`` (1 = the outcome's first year), ``quantity``,
        ``proxy_value``, ``gross_value`` (= quantity × proxy), ``deadweight_deduction``,
        ``displacement_deduction``, ``attribution_deduction``, ``impact`` (= gross ×
        (1 − deadweight)(1 − displacement)(1 − attribution)), ``drop_off_deduction``,
        ``impact_after_drop_off``, ``discount_factor``, ``discounting_deduction`` and
        ``present_value``. Every column is in £ except the counts, years and factor.
    totals : DataFrame
        One row per headline measure (``measure``, ``value``, ``unit``, ``definition``):
        total present value, investment, net present value, SROI ratio, net SROI ratio,
        payback period (discounted and undiscounted).
    by_outcome, by_stakeholder : DataFrame
        Gross value, impact, impact after drop-off and present value summed over years,
        with each row's share of the total present value.
    by_value_type : DataFrame or None
        The same by GMCA value type, when the impact map has a ``value_type`` column.
    assumptions : DataFrame
        Every assumption the ratio rests on, as text (``assumption``, ``applies_to``,
        ``value``, ``source``): formula, discounting, investment, and for each outcome its
        quantity, proxy (with source and price year), duration, start year and fractions.
    impact_map : DataFrame
        The validated impact map used (proxy values restated when ``price_year`` was given;
        ``proxy_value_as_given`` keeps the originals).
    investment : DataFrame
        The inputs (``stakeholder``, ``input``, ``type``, ``value``).
    total_present_value, investment_total, net_present_value, ratio, net_ratio : float
    payback_years, payback_years_undiscounted : float
        ``inf`` when the investment is not covered within the outcomes' durations.
    settings : dict
        ``discount_rate``, ``first_year_discounted``, ``price_year``.
    notes : list of str
        Caveats (price years not restated, …).
    """

    table: pd.DataFrame
    totals: pd.DataFrame
    by_outcome: pd.DataFrame
    by_stakeholder: pd.DataFrame
    by_value_type: pd.DataFrame | None
    assumptions: pd.DataFrame
    impact_map: pd.DataFrame
    investment: pd.DataFrame
    total_present_value: float
    investment_total: float
    net_present_value: float
    ratio: float
    net_ratio: float
    payback_years: float
    payback_years_undiscounted: float
    settings: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)

    def __repr__(self) -> str:
        fyd = "year 1 discounted" if self.settings.get("first_year_discounted") else (
            "year 1 not discounted")
        return (
            f"SROIResult(ratio {self.ratio:.2f} : 1, present value "
            f"{_money(self.total_present_value)}, investment {_money(self.investment_total)}, "
            f"{len(self.impact_map)} outcomes, {_rate_text(self.settings.get('discount_rate'))}, "
            f"{fyd})"
        )


def sroi(
    impact_map: pd.DataFrame,
    investment,
    *,
    discount_rate=DEFAULT_SCHEDULE,
    first_year_discounted: bool = SROI_FIRST_YEAR_DISCOUNTED,
    price_year=None,
    index=DEFAULT_INDEX,
) -> SROIResult:
    """Social return on investment of an impact map (Cabinet Office SROI guide, 2012).

    For each outcome *k* and each year *t* in which it lasts:

    .. math::

        \\text{gross}_k &= \\text{quantity}_k \\times \\text{proxy}_k \\\\
        \\text{impact}_k &= \\text{gross}_k (1 - \\text{deadweight}_k)
                            (1 - \\text{displacement}_k)(1 - \\text{attribution}_k) \\\\
        \\text{impact}_{k,t} &= \\text{impact}_{k,t-1} (1 - \\text{drop-off}_k)
            \\quad\\text{for years after the outcome's first} \\\\
        PV &= \\sum_k \\sum_t \\text{impact}_{k,t} \\, D_t, \\qquad
        D_t = 1 / (1 + r)^t \\\\
        \\text{SROI ratio} &= PV / \\text{investment}, \\qquad
        \\text{net SROI} = (PV - \\text{investment}) / \\text{investment}

    with a stepped schedule discounting each year at the rate of its band (see
    :func:`discount_factors`).

    Parameters
    ----------
    impact_map : DataFrame
        One row per stakeholder × outcome; see :func:`validate_impact_map` (checked here).
        Not modified.
    investment : float or DataFrame
        The value of inputs, in £: one amount, or a table of inputs with columns
        ``stakeholder`` and ``value`` (optional ``input``, and ``type`` = ``cash`` or
        ``in_kind`` — in-kind inputs such as volunteer time are valued and counted). Inputs
        are taken as already in present value (spent at the start).
    discount_rate : float or str, default "green_book"
        ``"green_book"`` (3.5% for years 0–30, 3.0% for 31–75, …: HM Treasury), the health
        schedule ``"green_book_health"`` (1.5%, for outcomes valued as health/wellbeing), or a
        flat rate as a fraction (``0.035``).
    first_year_discounted : bool, default True
        True (the default here) follows the SROI guide: PV = Σ impact_t / (1 + r)^t, so
        year 1 is discounted once — the formula in the guide and in Excel's ``NPV()``, so a
        ratio from a published SROI spreadsheet is reproduced. False follows the Green Book
        convention of :func:`discount_factors` (year 1 is "year 0" and not discounted), which
        gives a higher present value. Report which one you used (it is in ``assumptions``).
    price_year : str, optional
        Restate every proxy to this price year with ``index`` (see :func:`restate_costs`).
        Without it, proxies in different price years give a warning and a note.
    index : str or DataFrame, default "nhscii_pay_and_prices"
        Price index used when ``price_year`` is given.

    Returns
    -------
    SROIResult
        ``table`` (per outcome × year), ``totals``, ``by_outcome``, ``by_stakeholder``,
        ``by_value_type``, ``assumptions``, and the headline numbers as attributes.

    Notes
    -----
    *Payback period* is the time, in years from the start of year 1, at which the
    cumulative **discounted** impact (present value) first covers the investment, with the
    value of a year taken to accrue evenly through that year (linear interpolation):
    if :math:`C_{t-1} < I \\le C_t`, payback = :math:`t - 1 + (I - C_{t-1})/(C_t - C_{t-1})`.
    ``payback_years_undiscounted`` does the same with undiscounted impact. Both are ``inf``
    if the investment is never covered.

    References
    ----------
    Cabinet Office / Social Value UK (2012), *A guide to Social Return on Investment*;
    HM Treasury, *The Green Book* (2022), Annex A6 (discount rates).

    Example
    -------
    Two outcomes over three years, at a flat 3.5% (proxies illustrative):

    >>> import pandas as pd
    >>> impact_map = pd.DataFrame({
    ...     "stakeholder": ["Clients", "NHS"],
    ...     "outcome": ["Improved wellbeing", "Fewer GP visits"],
    ...     "indicator": ["SWEMWBS +3 points", "GP visits a year"],
    ...     "quantity": [40, 100], "proxy_value": [1000.0, 45.0],
    ...     "proxy_source": ["illustrative", "PSSRU 2013 GP visit"],
    ...     "proxy_price_year": ["2012/13", "2012/13"], "duration": [3, 2],
    ...     "deadweight": [0.25, 0.1], "displacement": [0.0, 0.05],
    ...     "attribution": [0.2, 0.1], "drop_off": [0.3, 0.5]})
    >>> res = sroi(impact_map, 20_000, discount_rate=0.035)
    >>> res.table[["outcome", "year", "impact_after_drop_off", "present_value"]].round(2)
                  outcome  year  impact_after_drop_off  present_value
    0  Improved wellbeing     1               24000.00       23188.41
    1  Improved wellbeing     2               16800.00       15682.98
    2  Improved wellbeing     3               11760.00       10606.85
    3     Fewer GP visits     1                3462.75        3345.65
    4     Fewer GP visits     2                1731.38        1616.26
    >>> round(res.total_present_value, 2), round(res.ratio, 2), round(res.payback_years, 2)
    (54440.14, 2.72, 0.75)
    """
    model = _build_model(impact_map, investment, discount_rate, first_year_discounted,
                         price_year, index)
    return _result(model)


def _result(model: _SroiModel) -> SROIResult:
    m = model.map
    horizon = _horizon(model.start, model.duration)
    factors = _year_factors(horizon, model.rate, model.first_year_discounted)
    arrays = _model_arrays(model)
    total = float(_pv_totals(*arrays, model.start, model.duration, factors[np.newaxis, :])[0])
    q, p, dw, dp, at, do = (a[0] for a in arrays)
    impact, after, pv = _pv_matrix(q, p, dw, dp, at, do, model.start, model.duration, factors)
    cumulative = _yearly_cumulative(pv)
    cumulative_undiscounted = _yearly_cumulative(after)
    inv = model.investment

    live, _ = _active(model.start, model.duration, horizon)
    k, t = np.nonzero(live)
    gross = q * p
    dwd = gross * dw
    dpd = (gross - dwd) * dp
    atd = (gross - dwd - dpd) * at
    after_kt = after[k, t]
    pv_kt = pv[k, t]
    has_type = "value_type" in m.columns
    text = ["stakeholder", "outcome", "indicator"] + (["value_type"] if has_type else [])
    columns = {c: pd.array(m[c].to_numpy()[k], dtype="str") for c in text}
    columns |= {
        "year": (t + 1).astype("int64"),
        "outcome_year": (t + 1 - model.start[k] + 1).astype("int64"),
        "quantity": q[k], "proxy_value": p[k], "gross_value": gross[k],
        "deadweight_deduction": dwd[k], "displacement_deduction": dpd[k],
        "attribution_deduction": atd[k], "impact": impact[k],
        "drop_off_deduction": impact[k] - after_kt, "impact_after_drop_off": after_kt,
        "discount_factor": factors[t], "discounting_deduction": after_kt - pv_kt,
        "present_value": pv_kt,
    }
    table = pd.DataFrame(columns)

    # ---- summaries (sums over years with bincount: one entry per row of the map)
    n_rows = len(m)
    sums = {
        "gross_value": np.bincount(k, gross[k], minlength=n_rows),
        "impact": np.bincount(k, impact[k], minlength=n_rows),
        "impact_after_drop_off": np.bincount(k, after_kt, minlength=n_rows),
        "present_value": np.bincount(k, pv_kt, minlength=n_rows),
    }
    keys = ["stakeholder", "outcome"] + (["value_type"] if has_type else [])
    by_outcome = pd.DataFrame(
        {c: pd.array(m[c].to_numpy(), dtype="str") for c in keys}
        | {"duration": model.duration.astype("int64")}
        | sums
        | {"share_of_present_value": sums["present_value"] / total if total
           else np.zeros(n_rows)}
    )

    def _by(key: str) -> pd.DataFrame:
        codes, levels = pd.factorize(by_outcome[key])
        grouped = {c: np.bincount(codes, v, minlength=len(levels)) for c, v in sums.items()}
        return pd.DataFrame(
            {key: pd.array(np.asarray(levels, dtype=object), dtype="str"),
             "n_outcomes": np.bincount(codes, minlength=len(levels)).astype("int64")}
            | grouped
            | {"share_of_present_value": grouped["present_value"] / total if total
               else np.zeros(len(levels))}
        )

    by_stakeholder = _by("stakeholder")
    by_value_type = _by("value_type") if has_type else None

    payback = _payback(cumulative, inv) if horizon else float("inf")
    payback_u = _payback(cumulative_undiscounted, inv) if horizon else float("inf")
    rate_text = _rate_text(model.rate)
    fyd_text = (
        "year t discounted over t years: PV = Σ impact_t / (1 + r)^t (SROI guide)"
        if model.first_year_discounted
        else "year t discounted over t − 1 years: year 1 not discounted (Green Book)"
    )
    totals = pd.DataFrame(
        {
            "measure": ["total_present_value", "investment", "net_present_value", "sroi_ratio",
                        "net_sroi_ratio", "payback_years", "payback_years_undiscounted"],
            "value": [total, inv, total - inv, total / inv, (total - inv) / inv, payback,
                      payback_u],
            "unit": ["£", "£", "£", "£ per £1 invested", "£ per £1 invested", "years", "years"],
            "definition": [
                "Σ over outcomes and years of impact after drop-off × discount factor",
                "value of inputs (cash and in-kind)",
                "total present value − investment",
                "total present value / investment",
                "(total present value − investment) / investment",
                "years from the start of year 1 until cumulative present value covers the "
                "investment (linear within the year; inf = never)",
                "the same with undiscounted impact",
            ],
        }
    ).astype({"measure": "str", "unit": "str", "definition": "str"})

    assumptions = _assumptions(model, rate_text, fyd_text)
    return SROIResult(
        table=table,
        totals=totals,
        by_outcome=by_outcome,
        by_stakeholder=by_stakeholder,
        by_value_type=by_value_type,
        assumptions=assumptions,
        impact_map=m,
        investment=model.investment_table,
        total_present_value=total,
        investment_total=inv,
        net_present_value=total - inv,
        ratio=total / inv,
        net_ratio=(total - inv) / inv,
        payback_years=payback,
        payback_years_undiscounted=payback_u,
        settings={
            "discount_rate": model.rate,
            "first_year_discounted": model.first_year_discounted,
            "price_year": model.price_year,
        },
        notes=list(model.notes),
    )


def _assumptions(model: _SroiModel, rate_text: str, fyd_text: str) -> pd.DataFrame:
    m = model.map
    rows = [
        ("formula", "all outcomes",
         "impact = quantity × proxy × (1 − deadweight)(1 − displacement)(1 − attribution); "
         "later years × (1 − drop-off) each year; PV = Σ impact_t × D_t; ratio = PV / investment",
         "Cabinet Office / Social Value UK (2012), A guide to Social Return on Investment"),
        ("discount rate", "all outcomes", rate_text,
         "HM Treasury, The Green Book (2022), Annex A6" if isinstance(model.rate, str)
         else "supplied by the user"),
        ("discounting of year 1", "all outcomes", fyd_text, "option first_year_discounted"),
        ("price year", "proxy values",
         model.price_year if model.price_year is not None else "mixed (not restated)",
         "restate_costs" if model.price_year is not None else "impact map"),
    ]
    for row in model.investment_table.itertuples(index=False):
        rows.append(("investment", f"{row.stakeholder}: {row.input} ({row.type})",
                     _money(row.value), "supplied by the user"))
    for i, r in enumerate(m.itertuples(index=False)):
        who = f"{r.stakeholder}: {r.outcome}"
        given = m["proxy_value_as_given"].iloc[i]
        proxy = f"{_money(given)} ({r.proxy_price_year} prices)"
        if model.price_year is not None and r.proxy_price_year != model.price_year:
            proxy += f" = {_money(r.proxy_value)} in {model.price_year} prices"
        rows += [
            ("quantity", who, f"{r.quantity:g} ({r.indicator})", "impact map"),
            ("financial proxy", who, proxy, r.proxy_source),
            ("duration", who, f"{r.duration} years from year {r.start_year}", "impact map"),
        ]
        rows += [(f, who, f"{getattr(r, f):.0%}", "impact map") for f in SROI_FRACTIONS]
        if "value_type" in m.columns:
            rows.append(("value type", who, r.value_type, "impact map (GMCA model)"))
    return pd.DataFrame(rows, columns=["assumption", "applies_to", "value", "source"]).astype("str")


def waterfall_table(result: SROIResult) -> pd.DataFrame:
    """The steps from gross value to present value, for a waterfall chart.

    Each deduction is summed over outcomes and years of ``result.table``: gross value,
    − deadweight, − displacement, − attribution, − drop-off, − discounting = present value.

    Returns
    -------
    DataFrame
        ``step``, ``change`` (£; negative for deductions, the total for the first and last
        rows) and ``running_total`` (£ after the step).

    Example
    -------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"stakeholder": ["NHS"], "outcome": ["Fewer GP visits"],
    ...     "indicator": ["visits"], "quantity": [100], "proxy_value": [45.0],
    ...     "proxy_source": ["PSSRU 2013"], "proxy_price_year": ["2012/13"], "duration": [2],
    ...     "deadweight": [0.1], "displacement": [0.05], "attribution": [0.1],
    ...     "drop_off": [0.5]})
    >>> waterfall_table(sroi(m, 4000, discount_rate=0.035)).round(2)
                step   change  running_total
    0    gross value  9000.00        9000.00
    1     deadweight  -900.00        8100.00
    2   displacement  -405.00        7695.00
    3    attribution  -769.50        6925.50
    4       drop-off -1731.38        5194.12
    5    discounting  -232.22        4961.91
    6  present value  4961.91        4961.91
    """
    t = result.table
    deductions = [
        ("deadweight", "deadweight_deduction"),
        ("displacement", "displacement_deduction"),
        ("attribution", "attribution_deduction"),
        ("drop-off", "drop_off_deduction"),
        ("discounting", "discounting_deduction"),
    ]
    gross = float(t["gross_value"].sum())
    changes = [gross] + [-float(t[c].sum()) for _, c in deductions]
    running = np.cumsum(changes)
    steps = ["gross value"] + [s for s, _ in deductions] + ["present value"]
    pv = result.total_present_value
    return pd.DataFrame(
        {"step": steps, "change": changes + [pv], "running_total": list(running) + [pv]}
    ).astype({"step": "str"})


# ------------------------------------------------------------------ SROI: overrides, scenarios
_OVERRIDABLE = _MAP_NUMBERS + ("duration", "start_year")
_SCALABLE = _MAP_NUMBERS


def _rows_for(m: pd.DataFrame, key) -> np.ndarray:
    """Boolean mask of the impact-map rows an override key names (outcome or (stakeholder, outcome))."""
    if isinstance(key, tuple) and len(key) == 2:
        mask = ((m["stakeholder"] == str(key[0])) & (m["outcome"] == str(key[1]))).to_numpy()
    else:
        mask = (m["outcome"] == str(key)).to_numpy()
    if not mask.any():
        known = list(dict.fromkeys(m["outcome"]))
        raise InvalidValueError(
            "override names an outcome that is not in the impact map",
            column="outcome",
            expected="an outcome name (or a (stakeholder, outcome) pair): " + ", ".join(known),
            found=[key],
        )
    return mask


def apply_overrides(impact_map: pd.DataFrame, overrides: Mapping | None) -> pd.DataFrame:
    """A validated copy of an impact map with some values changed (for scenarios and widgets).

    Parameters
    ----------
    impact_map : DataFrame
        Not modified.
    overrides : dict
        ``{field: value}`` sets the field for every outcome; ``{field: {outcome: value}}``
        for named outcomes (an outcome name, or a ``(stakeholder, outcome)`` pair).
        Fields: ``quantity``, ``proxy_value``, ``deadweight``, ``displacement``,
        ``attribution``, ``drop_off``, ``duration``, ``start_year``; and
        ``<field>_scale`` (e.g. ``proxy_value_scale: 0.8``) multiplies each outcome's own
        value. The changed map is validated again, so a value out of range is a named error.

    Example
    -------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"stakeholder": ["NHS", "Clients"], "outcome": ["Fewer GP visits",
    ...     "Less lonely"], "indicator": ["visits", "UCLA-3"], "quantity": [100, 25],
    ...     "proxy_value": [45.0, 600.0], "proxy_source": ["PSSRU 2013", "illustrative"],
    ...     "proxy_price_year": ["2012/13"] * 2, "duration": [2, 2],
    ...     "deadweight": [0.1, 0.2], "displacement": [0.05, 0.1],
    ...     "attribution": [0.1, 0.25], "drop_off": [0.5, 0.2]})
    >>> apply_overrides(m, {"deadweight": 0.4, "proxy_value_scale": {"Less lonely": 0.5}})[
    ...     ["outcome", "deadweight", "proxy_value"]]
               outcome  deadweight  proxy_value
    0  Fewer GP visits         0.4         45.0
    1      Less lonely         0.4        300.0
    """
    m = validate_impact_map(impact_map)
    out = m.copy()
    for name, value in dict(overrides or {}).items():
        scale = isinstance(name, str) and name.endswith("_scale") and name[:-6] in _SCALABLE
        column = name[:-6] if scale else name
        if column not in _OVERRIDABLE:
            raise InvalidValueError(
                "unknown override",
                expected="one of " + ", ".join(_OVERRIDABLE) + ", or "
                + ", ".join(f"{c}_scale" for c in _SCALABLE)
                + " (discount_rate and investment are arguments of sroi)",
                found=[name],
            )
        targets = value.items() if isinstance(value, Mapping) else [(None, value)]
        for key, v in targets:
            mask = np.ones(len(m), dtype=bool) if key is None else _rows_for(m, key)
            ok = isinstance(v, numbers.Real) and not isinstance(v, bool)
            if not ok:
                raise InvalidValueError(
                    "override value is not a number", column=column, found=[repr(v)],
                    expected=_FIELD_EXPECTED[column],
                )
            current = out[column].to_numpy(dtype=float)
            out[column] = np.where(mask, current * v if scale else float(v), current)
    return validate_impact_map(out)


def sroi_scenarios(
    impact_map: pd.DataFrame,
    investment,
    scenarios: Mapping[str, Mapping],
    *,
    discount_rate=DEFAULT_SCHEDULE,
    first_year_discounted: bool = SROI_FIRST_YEAR_DISCOUNTED,
    price_year=None,
    index=DEFAULT_INDEX,
) -> pd.DataFrame:
    """SROI under named sets of overrides ("conservative", "optimistic", …), with the base case.

    Parameters
    ----------
    scenarios : dict
        ``{name: overrides}``; overrides as in :func:`apply_overrides`, plus
        ``discount_rate``, ``first_year_discounted`` and ``investment`` to change those.
    Other parameters
        As :func:`sroi` (the base case).

    Returns
    -------
    DataFrame
        One row per scenario (``base`` first): ``scenario``, ``total_present_value``,
        ``investment``, ``net_present_value``, ``ratio``, ``net_ratio``, ``payback_years``,
        ``changes`` (the overrides as text).

    Example
    -------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"stakeholder": ["NHS"], "outcome": ["Fewer GP visits"],
    ...     "indicator": ["visits"], "quantity": [100], "proxy_value": [45.0],
    ...     "proxy_source": ["PSSRU 2013"], "proxy_price_year": ["2012/13"], "duration": [2],
    ...     "deadweight": [0.1], "displacement": [0.05], "attribution": [0.1],
    ...     "drop_off": [0.5]})
    >>> t = sroi_scenarios(m, 4000, {"conservative": {"deadweight": 0.3, "drop_off": 0.8},
    ...                              "optimistic": {"attribution": 0.0}}, discount_rate=0.035)
    >>> t[["scenario", "total_present_value", "ratio"]].round(2)
           scenario  total_present_value  ratio
    0          base              4961.91   1.24
    1  conservative              3105.01   0.78
    2    optimistic              5513.23   1.38
    """
    base = {"discount_rate": discount_rate, "first_year_discounted": first_year_discounted,
            "investment": investment}
    if not isinstance(scenarios, Mapping):
        raise InvalidValueError(
            "scenarios not understood", expected="a dict {name: {field: value, ...}}",
            found=[type(scenarios).__name__],
        )
    rows = []
    for name, spec in {"base": {}, **dict(scenarios)}.items():
        if not isinstance(spec, Mapping):
            raise InvalidValueError(
                "scenario not understood", expected="a dict of overrides", found=[name],
            )
        settings = {k: spec.get(k, v) for k, v in base.items()}
        changes = {k: v for k, v in spec.items() if k not in base}
        res = sroi(
            apply_overrides(impact_map, changes), settings["investment"],
            discount_rate=settings["discount_rate"],
            first_year_discounted=settings["first_year_discounted"],
            price_year=price_year, index=index,
        )
        rows.append({
            "scenario": str(name),
            "total_present_value": res.total_present_value,
            "investment": res.investment_total,
            "net_present_value": res.net_present_value,
            "ratio": res.ratio,
            "net_ratio": res.net_ratio,
            "payback_years": res.payback_years,
            "changes": "; ".join(f"{k} = {v if isinstance(v, str) else _override_text(v)}"
                                 for k, v in spec.items())
            or "as the impact map",
        })
    return pd.DataFrame(rows).astype({"scenario": "str", "changes": "str"})


def _override_text(value) -> str:
    """An override as plain text: numbers as written (``0.3``, not ``np.float64(0.3)``)."""
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_override_text(k)}: {_override_text(v)}"
                               for k, v in value.items()) + "}"
    if isinstance(value, tuple):
        return "(" + ", ".join(_override_text(v) for v in value) + ")"
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return repr(float(value))
    if isinstance(value, str):
        return repr(str(value))
    return str(value)


# ------------------------------------------------------------------ SROI: sensitivity
#: parameters :func:`sroi_sensitivity` varies by default
SENSITIVITY_PARAMETERS = (
    "deadweight", "displacement", "attribution", "drop_off", "quantity", "proxy_value",
    "duration", "discount_rate",
)
#: parameters :func:`breakeven` solves for by default
BREAKEVEN_PARAMETERS = (
    "deadweight", "displacement", "attribution", "drop_off", "quantity", "proxy_value",
    "discount_rate", "investment",
)
_GLOBAL_ONLY = ("discount_rate", "investment")


def _check_parameter(name, allowed) -> str:
    if name not in allowed:
        raise InvalidValueError(
            "unknown parameter", expected="one of " + ", ".join(allowed), found=[name]
        )
    return name


def _outcome_label(m: pd.DataFrame, k: int) -> tuple[str, str]:
    return str(m["stakeholder"].iloc[k]), str(m["outcome"].iloc[k])


def _check_move_value(param: str, value, where: str) -> float:
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and np.isfinite(value)
    if param == "discount_rate":
        low, high, expected = 0.0, 1.0 - 1e-12, "a flat rate between 0 and 1 (3.5% is 0.035)"
    elif param == "investment":
        low, high, expected = 1e-300, np.inf, "a positive amount in £"
    else:
        (low, high), expected = _FIELD_LIMITS[param], _FIELD_EXPECTED[param]
    if not ok or not low <= value <= high or (param == "duration" and value % 1):
        raise InvalidValueError(
            f"sensitivity value out of range for {param} ({where})", column=param,
            expected=expected, found=[value],
        )
    return float(value)


def _sensitivity_cases(model: _SroiModel, parameters, pct: float, by_outcome: bool):
    """(parameter, stakeholder, outcome, applied_as, low, high, changes_low, changes_high)."""
    m = model.map
    allowed = SENSITIVITY_PARAMETERS + ("investment",)
    if parameters is None:
        spec = dict.fromkeys(SENSITIVITY_PARAMETERS)
    elif isinstance(parameters, str):
        spec = {parameters: None}
    elif isinstance(parameters, Mapping):
        spec = dict(parameters)
    else:
        spec = dict.fromkeys(parameters)
    cases = []
    for param, given in spec.items():
        _check_parameter(param, allowed)
        if param in _GLOBAL_ONLY and isinstance(given, Mapping):
            raise InvalidValueError(
                f"{param} applies to the whole analysis, not to one outcome", column=param,
                expected="(low, high) or None", found=[repr(given)],
            )
        if given is None:
            cases += _relative_cases(model, param, pct, by_outcome)
            continue
        if isinstance(given, Mapping):
            for key, pair in given.items():
                mask = _rows_for(m, key)
                for k in np.nonzero(mask)[0]:
                    lo, hi = (_check_move_value(param, v, f"outcome {key!r}") for v in _pair(pair, param))
                    who = _outcome_label(m, k)
                    cases.append((param, *who, "value for this outcome", lo, hi,
                                   _set_one(model, param, k, lo), _set_one(model, param, k, hi)))
            continue
        lo, hi = (_check_move_value(param, v, "all outcomes") for v in _pair(given, param))
        if param == "discount_rate":
            cases.append((param, "all", "all", "flat rate for every year", lo, hi,
                          {"rate": lo}, {"rate": hi}))
        elif param == "investment":
            cases.append((param, "all", "all", "total investment (£)", lo, hi,
                          {"investment": lo}, {"investment": hi}))
        else:
            cases.append((param, "all", "all", "value for every outcome", lo, hi,
                          _set_all(model, param, lo), _set_all(model, param, hi)))
    return cases


def _pair(given, param):
    if isinstance(given, tuple | list) and len(given) == 2:
        return given
    raise InvalidValueError(
        "sensitivity range not understood", column=param,
        expected="(low, high), {outcome: (low, high)}, or None for ± pct", found=[repr(given)],
    )


def _set_all(model, param, value):
    if param == "duration":
        return {"duration": np.full(len(model.duration), int(value))}
    return {"values": {param: np.full(len(model.map), value)}}


def _set_one(model, param, k, value):
    if param == "duration":
        dur = model.duration.copy()
        dur[k] = int(value)
        return {"duration": dur}
    arr = model.values[param].copy()
    arr[k] = value
    return {"values": {param: arr}}


def _relative_cases(model, param, pct, by_outcome):
    m = model.map
    lo_f, hi_f = 1.0 - pct, 1.0 + pct
    cases = []
    if param == "discount_rate":
        if isinstance(model.rate, str):
            return [(param, "all", "all", f"multiplier of every rate in the '{model.rate}' schedule",
                     lo_f, hi_f, {"multiplier": lo_f}, {"multiplier": hi_f})]
        lo, hi = model.rate * lo_f, model.rate * hi_f
        return [(param, "all", "all", "flat rate for every year", lo, hi, {"rate": lo},
                 {"rate": hi})]
    if param == "investment":
        lo, hi = model.investment * lo_f, model.investment * hi_f
        return [(param, "all", "all", "total investment (£)", lo, hi, {"investment": lo},
                 {"investment": hi})]
    if param == "duration":
        if not by_outcome:
            lo = {"duration": np.maximum(model.duration - 1, 0)}
            hi = {"duration": model.duration + 1}
            return [(param, "all", "all", "years added to each outcome's duration", -1.0, 1.0,
                     lo, hi)]
        for k in range(len(m)):
            d = int(model.duration[k])
            cases.append((param, *_outcome_label(m, k), "value for this outcome",
                          float(max(d - 1, 0)), float(d + 1),
                          _set_one(model, param, k, max(d - 1, 0)), _set_one(model, param, k, d + 1)))
        return cases
    base = model.values[param]
    cap = param in SROI_FRACTIONS
    if not by_outcome:
        low_values, high_values = base * lo_f, base * hi_f
        if cap:
            high_values = np.minimum(high_values, 1.0)
        how = "multiplier of each outcome's value" + (" (capped at 1)" if cap else "")
        return [(param, "all", "all", how, lo_f, hi_f, {"values": {param: low_values}},
                 {"values": {param: high_values}})]
    for k in range(len(m)):
        lo, hi = base[k] * lo_f, base[k] * hi_f
        if cap:
            hi = min(hi, 1.0)
        cases.append((param, *_outcome_label(m, k), "value for this outcome", lo, hi,
                      _set_one(model, param, k, lo), _set_one(model, param, k, hi)))
    return cases


def _check_pct(pct) -> float:
    ok = isinstance(pct, numbers.Real) and not isinstance(pct, bool)
    if not ok or not 0 < pct < 1:
        raise InvalidValueError(
            "pct out of range", expected="a fraction between 0 and 1 (20% is 0.2)", found=[pct]
        )
    return float(pct)


def sroi_sensitivity(
    impact_map: pd.DataFrame,
    investment,
    *,
    parameters=None,
    pct: float = 0.2,
    by_outcome: bool = False,
    discount_rate=DEFAULT_SCHEDULE,
    first_year_discounted: bool = SROI_FIRST_YEAR_DISCOUNTED,
    price_year=None,
    index=DEFAULT_INDEX,
) -> pd.DataFrame:
    """One-way sensitivity: the SROI ratio with each parameter moved to a low and a high value.

    Parameters
    ----------
    impact_map, investment
        As :func:`sroi`.
    parameters : list or dict, optional
        Which parameters to move, and how:

        * a list of names (default: ``deadweight``, ``displacement``, ``attribution``,
          ``drop_off``, ``quantity``, ``proxy_value``, ``duration``, ``discount_rate``;
          ``investment`` may be added): each moved by ± ``pct`` of its own value — for every
          outcome at once (``low``/``high`` are then the multipliers, e.g. 0.8 and 1.2;
          fractions are capped at 1) or, with ``by_outcome=True``, one outcome at a time
          (``low``/``high`` are that outcome's values). ``duration`` moves by ± 1 year, and
          a discount schedule has every band's rate multiplied.
        * a dict ``{name: (low, high)}`` sets the parameter to those values for every
          outcome (``discount_rate``: flat rates; ``investment``: amounts);
          ``{name: {outcome: (low, high)}}`` for named outcomes; ``{name: None}`` for ± pct.
    pct : float, default 0.2
        Relative move for parameters without given values.
    by_outcome : bool, default False
        Move each outcome's value separately (map parameters moved by ± pct).
    discount_rate, first_year_discounted, price_year, index
        As :func:`sroi`.

    Returns
    -------
    DataFrame
        One row per parameter × outcome (``"all"`` when moved together), sorted by
        ``swing`` (largest first, the order of a tornado plot): ``parameter``,
        ``stakeholder``, ``outcome``, ``applied_as`` (what ``low``/``high`` are), ``low``,
        ``high``, ``ratio_low`` and ``ratio_high`` (the SROI ratio with the parameter at
        low / high), ``ratio_base``, ``swing`` = \\|ratio_high − ratio_low\\|.

    Example
    -------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"stakeholder": ["NHS"], "outcome": ["Fewer GP visits"],
    ...     "indicator": ["visits"], "quantity": [100], "proxy_value": [45.0],
    ...     "proxy_source": ["PSSRU 2013"], "proxy_price_year": ["2012/13"], "duration": [2],
    ...     "deadweight": [0.1], "displacement": [0.05], "attribution": [0.1],
    ...     "drop_off": [0.5]})
    >>> t = sroi_sensitivity(m, 4000, parameters={"deadweight": (0.0, 0.5), "proxy_value": None},
    ...                      discount_rate=0.035)
    >>> t[["parameter", "low", "high", "ratio_low", "ratio_high"]].round(2)
         parameter  low  high  ratio_low  ratio_high
    0   deadweight  0.0   0.5       1.38        0.69
    1  proxy_value  0.8   1.2       0.99        1.49
    >>> t.loc[1, "applied_as"]
    "multiplier of each outcome's value"
    """
    pct = _check_pct(pct)
    by_outcome = _check_flag(by_outcome, "by_outcome")
    model = _build_model(impact_map, investment, discount_rate, first_year_discounted,
                         price_year, index)
    _, base_ratio = _evaluate(model)
    rows = []
    for param, stakeholder, outcome, how, lo, hi, ch_lo, ch_hi in _sensitivity_cases(
        model, parameters, pct, by_outcome
    ):
        r_lo = _evaluate(model, **ch_lo)[1]
        r_hi = _evaluate(model, **ch_hi)[1]
        rows.append({
            "parameter": param, "stakeholder": stakeholder, "outcome": outcome,
            "applied_as": how, "low": float(lo), "high": float(hi),
            "ratio_low": r_lo, "ratio_high": r_hi, "ratio_base": base_ratio,
            "swing": abs(r_hi - r_lo),
        })
    out = pd.DataFrame(rows)
    out = out.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)
    return out.astype({c: "str" for c in ("parameter", "stakeholder", "outcome", "applied_as")})


# ------------------------------------------------------------------ SROI: breakeven
def _solve(fun, lo: float, hi: float, linear: bool, xtol: float):
    """Root of fun(x) = ratio(x) − target in [lo, hi]: (x or None, f(lo), f(hi))."""
    from scipy.optimize import brentq

    if linear:
        f0, f1 = fun(0.0), fun(1.0)
        slope = f1 - f0
        if slope == 0:
            return None, f0, f0
        x = -f0 / slope
        f_lo = f0 + slope * lo
        f_hi = f0 + slope * hi if np.isfinite(hi) else np.sign(slope) * np.inf
        return (x if lo - 1e-12 <= x <= hi + 1e-12 else None), f_lo, f_hi
    f_lo, f_hi = fun(lo), fun(hi)
    if f_lo == 0:
        return lo, f_lo, f_hi
    if f_hi == 0:
        return hi, f_lo, f_hi
    if np.sign(f_lo) == np.sign(f_hi):
        return None, f_lo, f_hi
    return brentq(fun, lo, hi, xtol=xtol, rtol=4 * np.finfo(float).eps), f_lo, f_hi


def breakeven(
    impact_map: pd.DataFrame,
    investment,
    *,
    target: float = 1.0,
    parameters=None,
    by_outcome: bool = False,
    discount_rate=DEFAULT_SCHEDULE,
    first_year_discounted: bool = SROI_FIRST_YEAR_DISCOUNTED,
    price_year=None,
    index=DEFAULT_INDEX,
) -> pd.DataFrame:
    """The value of each parameter at which the SROI ratio reaches a target (1:1 by default).

    For each parameter *x* (the others as in the analysis) this solves
    ratio(*x*) = PV(*x*) / investment = ``target``. Present value is linear in quantity,
    proxy, deadweight, displacement and attribution (each enters as a factor x or 1 − x),
    so those are solved in closed form from two evaluations; the investment is
    PV / ``target``; drop-off and the discount rate are solved numerically
    (:func:`scipy.optimize.brentq`; the ratio is monotone in both when outcomes have
    positive value).

    Parameters
    ----------
    target : float, default 1.0
        The SROI ratio to reach (£ of value per £1 invested), e.g. ``2.3`` for "what would
        it take to reach a published 2.3:1". Must be positive.
    parameters : list of str, optional
        Default ``deadweight``, ``displacement``, ``attribution``, ``drop_off``,
        ``quantity``, ``proxy_value``, ``discount_rate``, ``investment``.
    by_outcome : bool, default False
        False: a fraction is set to the same value for every outcome; quantity and proxy
        are a multiplier of every outcome's value; ``discount_rate`` is a flat rate.
        True: map parameters are solved one outcome at a time (the others as in the map).
    Other parameters
        As :func:`sroi`.

    Returns
    -------
    DataFrame
        ``parameter``, ``stakeholder``, ``outcome``, ``applied_as``, ``target_ratio`` (the
        ``target`` used), ``base`` (the value in the analysis; missing for "all" when
        outcomes differ — see ``note``), ``breakeven`` (the value at which the ratio is
        ``target_ratio``; missing when not reachable), ``reachable`` and ``note``, which
        names the target (e.g. "the ratio reaches 2.3:1 at quantity = 1.85412" or "not
        reachable in [0, 1]: the ratio stays above 1:1 (lowest 1.33)").

    Raises
    ------
    InvalidValueError
        For a target that is not a positive number, an unknown parameter, or a bad impact
        map or investment (as :func:`sroi`).

    Example
    -------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"stakeholder": ["NHS"], "outcome": ["Fewer GP visits"],
    ...     "indicator": ["visits"], "quantity": [100], "proxy_value": [45.0],
    ...     "proxy_source": ["PSSRU 2013"], "proxy_price_year": ["2012/13"], "duration": [2],
    ...     "deadweight": [0.1], "displacement": [0.05], "attribution": [0.1],
    ...     "drop_off": [0.5]})
    >>> b = breakeven(m, 4000, parameters=["deadweight", "drop_off", "quantity"],
    ...               discount_rate=0.035)
    >>> b[["parameter", "base", "breakeven", "reachable"]].round(4)
        parameter  base  breakeven  reachable
    0  deadweight   0.1     0.2745       True
    1    drop_off   0.5     0.7976       True
    2    quantity   1.0     0.8061       True

    What would it take to reach 2.3:1? (The base ratio is 1.24.)

    >>> b = breakeven(m, 4000, target=2.3, parameters=["quantity", "investment"],
    ...               discount_rate=0.035)
    >>> b[["parameter", "target_ratio", "breakeven"]].round(4)
        parameter  target_ratio  breakeven
    0    quantity           2.3     1.8541
    1  investment           2.3  2157.3519
    >>> b.loc[0, "note"]
    "the ratio reaches 2.3:1 at quantity = 1.85412 (multiplier of each outcome's value)"
    """
    target = _check_target(target)
    by_outcome = _check_flag(by_outcome, "by_outcome")
    model = _build_model(impact_map, investment, discount_rate, first_year_discounted,
                         price_year, index)
    m = model.map
    params = list(BREAKEVEN_PARAMETERS if parameters is None else
                  ([parameters] if isinstance(parameters, str) else parameters))
    pv_base, _ = _evaluate(model)
    rows = []
    xtol = 1e-13
    for param in params:
        _check_parameter(param, BREAKEVEN_PARAMETERS)
        if param == "investment":
            ok = pv_base > 0
            needed = pv_base / target
            share = "the present value" if target == 1 else f"the present value ÷ {target:g}"
            rows.append(dict(
                parameter=param, stakeholder="all", outcome="all",
                applied_as="total investment (£)", target_ratio=target, base=model.investment,
                breakeven=needed if ok else np.nan, reachable=ok,
                note=(f"the ratio is {_ratio_label(target)} when the investment equals {share}, "
                      f"{_money(needed)}") if ok else (
                          f"not reachable: present value is not positive, so no investment "
                          f"gives {_ratio_label(target)}"),
            ))
            continue
        if param == "discount_rate":
            base = float(model.rate) if not isinstance(model.rate, str) else np.nan
            x, f_lo, f_hi = _solve(lambda r: _evaluate(model, rate=r)[1] - target, 0.0,
                                   1.0 - 1e-9, False, xtol)
            rows.append(_breakeven_row(param, "all", "all", "flat rate for every year", base, x,
                                       f_lo, f_hi, "[0, 1)", target, base_note=(
                                           f"the analysis uses the {_rate_text(model.rate)}"
                                           if isinstance(model.rate, str) else "")))
            continue
        linear = param != "drop_off"
        is_value = param in _VALUE_FIELDS
        limits = (0.0, np.inf) if is_value else (0.0, 1.0)
        interval = "[0, ∞)" if is_value else "[0, 1]"
        scopes = range(len(m)) if by_outcome else [None]
        for k in scopes:
            if k is None:
                if is_value:
                    def fun(x, param=param):
                        return (_evaluate(model, values={param: model.values[param] * x})[1]
                                - target)
                    how, base, base_note = "multiplier of each outcome's value", 1.0, ""
                else:
                    def fun(x, param=param):
                        return _evaluate(model, values={param: np.full(len(m), x)})[1] - target
                    how = "value for every outcome"
                    own = model.values[param]
                    same = bool(np.all(own == own[0]))
                    base = float(own[0]) if same else np.nan
                    base_note = "" if same else (
                        f"outcomes' own values range {own.min():g}–{own.max():g}")
                who = ("all", "all")
            else:
                def fun(x, param=param, k=k):
                    return _evaluate(model, **_set_one(model, param, k, x))[1] - target
                how, base, base_note = "value for this outcome", float(model.values[param][k]), ""
                who = _outcome_label(m, k)
            x, f_lo, f_hi = _solve(fun, *limits, linear, xtol)
            rows.append(_breakeven_row(param, *who, how, base, x, f_lo, f_hi, interval,
                                       target, base_note=base_note))
    out = pd.DataFrame(rows)
    out["reachable"] = out["reachable"].astype(bool)
    return out.astype({c: "str" for c in ("parameter", "stakeholder", "outcome", "applied_as",
                                          "note")})


def _check_target(target) -> float:
    ok = (isinstance(target, numbers.Real) and not isinstance(target, bool | np.bool_)
          and np.isfinite(target) and target > 0)
    if not ok:
        raise InvalidValueError(
            "target ratio out of range",
            expected="a positive SROI ratio, e.g. 1 for 1:1 or 2.3 for 2.3:1",
            found=[repr(target)],
        )
    return float(target)


def _ratio_label(target: float) -> str:
    return f"{target:g}:1"


def _breakeven_row(param, stakeholder, outcome, how, base, x, f_lo, f_hi, interval, target,
                   base_note=""):
    """One row of :func:`breakeven`; f_lo, f_hi are ratio − target at the interval's ends."""
    goal = _ratio_label(target)
    if x is not None:
        note = f"the ratio reaches {goal} at {param} = {x:.6g} ({how})"
    elif f_lo == f_hi:
        note = f"not reachable: the ratio does not depend on {param} here, so it cannot reach {goal}"
    elif min(f_lo, f_hi) > 0:
        note = (f"not reachable in {interval}: the ratio stays above {goal} "
                f"(lowest {target + min(f_lo, f_hi):.3g})")
    else:
        note = (f"not reachable in {interval}: the ratio stays below {goal} "
                f"(highest {target + max(f_lo, f_hi):.3g})")
    if base_note:
        note += f"; {base_note}"
    return dict(parameter=param, stakeholder=stakeholder, outcome=outcome, applied_as=how,
                target_ratio=target, base=base, breakeven=np.nan if x is None else float(x),
                reachable=x is not None, note=note)


# ------------------------------------------------------------------ SROI: Monte Carlo
#: parameters :func:`sroi_monte_carlo` can draw
MONTE_CARLO_PARAMETERS = (
    "quantity", "proxy_value", "deadweight", "displacement", "attribution", "drop_off",
    "discount_rate", "investment",
)
_DISTRIBUTIONS = {"fixed": (1,), "uniform": (2,), "triangular": (3,), "normal": (2, 4),
                  "beta": (2, 4)}
_PARAM_RANGE = {
    **{p: _FIELD_LIMITS[p] for p in _MAP_NUMBERS},
    "discount_rate": (0.0, 1.0),
    "investment": (0.0, np.inf),
}
#: draws × outcomes × years computed at once (memory bound of the vectorised Monte Carlo)
_MC_CELLS = 200_000  # ~1.6 MB per temporary: stays in cache


@dataclass(frozen=True)
class _Spec:
    kind: str
    args: tuple

    def text(self) -> str:
        return f"{self.kind}(" + ", ".join(f"{a:g}" for a in self.args) + ")"


def _parse_spec(spec, param: str, where: str) -> _Spec:
    """Validate a distribution spec: a number (fixed) or a tuple (kind, *args)."""
    low, high = _PARAM_RANGE[param]
    problem = f"distribution for {param} ({where}) not understood"
    expected = ("a number, or ('fixed', v), ('uniform', lo, hi), ('triangular', lo, mode, hi), "
                "('normal', mean, sd[, lo, hi]) or ('beta', a, b[, lo, hi])")
    if param == "discount_rate" and isinstance(spec, str):
        _rate_name(spec)
        return _Spec("schedule", (spec,))
    if isinstance(spec, numbers.Real) and not isinstance(spec, bool):
        spec = ("fixed", spec)
    if not isinstance(spec, tuple | list) or not spec or spec[0] not in _DISTRIBUTIONS:
        raise InvalidValueError(problem, column=param, expected=expected, found=[repr(spec)])
    kind, args = spec[0], tuple(spec[1:])
    if len(args) not in _DISTRIBUTIONS[kind] or not all(
        isinstance(a, numbers.Real) and not isinstance(a, bool) for a in args
    ):
        raise InvalidValueError(problem, column=param, expected=expected, found=[repr(spec)])
    args = tuple(float(a) for a in args)
    rng_text = f"values between {low:g} and {high:g} for {param}"

    def fail(why):
        raise InvalidValueError(
            f"distribution for {param} ({where}): {why}", column=param,
            expected=rng_text, found=[repr(spec)],
        )

    if kind in ("normal", "beta") and len(args) == 2:
        args = args + ((low, high) if kind == "normal" else (0.0, 1.0))
    finite = np.isfinite(args[:2] if kind == "normal" else args).all()
    if not finite:
        fail("parameters must be finite numbers")
    if kind == "fixed":
        support = (args[0], args[0])
    elif kind == "uniform":
        if not args[0] < args[1]:
            fail("low must be below high")
        support = args
    elif kind == "triangular":
        if not (args[0] <= args[1] <= args[2] and args[0] < args[2]):
            fail("expected low ≤ mode ≤ high with low < high")
        support = (args[0], args[2])
    elif kind == "normal":
        if not args[1] > 0:
            fail("the standard deviation must be positive")
        if not args[2] < args[3]:
            fail("the truncation bounds must have low below high")
        support = (args[2], args[3])
    else:  # beta
        if not (args[0] > 0 and args[1] > 0):
            fail("the shape parameters a and b must be positive")
        if not args[2] < args[3]:
            fail("the bounds must have low below high")
        support = (args[2], args[3])
    if support[0] < low or support[1] > high or (
        param == "discount_rate" and kind == "fixed" and support[1] >= 1
    ) or (param == "investment" and support[0] <= 0 and kind in ("fixed", "uniform", "triangular")):
        fail("the distribution goes outside the allowed range")
    return _Spec(kind, args)


def _draw(spec: _Spec, size: int, rng: np.random.Generator) -> np.ndarray:
    a = spec.args
    if spec.kind == "fixed":
        return np.full(size, a[0])
    if spec.kind == "uniform":
        return rng.uniform(a[0], a[1], size)
    if spec.kind == "triangular":
        return rng.triangular(a[0], a[1], a[2], size)
    if spec.kind == "beta":
        return a[2] + (a[3] - a[2]) * rng.beta(a[0], a[1], size)
    return _truncated_normal(*a, size, rng)


def _truncated_normal(mean, sd, lo, hi, size, rng):
    """Normal(mean, sd) truncated to [lo, hi], by inverting the normal CDF.

    z = Φ⁻¹(Φ(a) + U (Φ(b) − Φ(a))) with a, b the standardised bounds; an interval in the
    upper tail is mirrored into the lower tail first, where Φ keeps its precision. Bounds so
    far out that Φ(b) − Φ(a) underflows fall back to :data:`scipy.stats.truncnorm`.
    """
    from scipy.special import ndtr, ndtri

    a, b = (lo - mean) / sd, (hi - mean) / sd
    flip = a > 0
    if flip:
        a, b = -b, -a
    pa, pb = ndtr(a), ndtr(b)
    if not pb - pa > 1e-12:
        from scipy.stats import truncnorm

        z = truncnorm.rvs(a, b, size=size, random_state=rng)
    else:
        z = np.clip(ndtri(pa + rng.random(size) * (pb - pa)), a, b)
    return mean + sd * (-z if flip else z)


@dataclass(repr=False)
class SROIMonteCarlo:
    """Result of :func:`sroi_monte_carlo`.

    Attributes
    ----------
    ratios, present_values : ndarray
        The SROI ratio and total present value of each draw.
    summary : DataFrame
        One row per measure (``sroi_ratio``, ``present_value``, ``net_present_value``):
        ``mean``, ``sd``, ``median``, ``ci_low``, ``ci_high`` (percentile interval).
    ci_low, ci_high : float
        Percentile interval of the ratio (2.5th and 97.5th percentiles for ``alpha=0.05``).
    prob_above_1 : float
        Share of draws with a ratio above 1 (strictly).
    base_ratio : float
        The deterministic ratio (:func:`sroi` with the impact map as given).
    distributions : DataFrame
        What was drawn: ``parameter``, ``stakeholder``, ``outcome`` (``"all"`` for one draw
        shared by every outcome), ``distribution``.
    draws : dict or None
        With ``keep_draws=True``: ``{parameter: array}`` of the values drawn — (n, outcomes)
        for the impact-map parameters, (n,) for ``discount_rate`` and ``investment``.
    n, alpha, random_state : settings used.
    """

    ratios: np.ndarray
    present_values: np.ndarray
    summary: pd.DataFrame
    ci_low: float
    ci_high: float
    prob_above_1: float
    base_ratio: float
    distributions: pd.DataFrame
    draws: dict | None
    n: int
    alpha: float
    random_state: object = None
    settings: dict = field(default_factory=dict)

    def __repr__(self) -> str:
        level = 100 * (1 - self.alpha)
        return (
            f"SROIMonteCarlo(n={self.n:,}, median ratio {np.median(self.ratios):.2f}, "
            f"{level:g}% interval {self.ci_low:.2f} to {self.ci_high:.2f}, "
            f"P(ratio > 1) = {self.prob_above_1:.3f}, deterministic ratio {self.base_ratio:.2f})"
        )


def sroi_monte_carlo(
    impact_map: pd.DataFrame,
    investment,
    distributions: Mapping,
    *,
    n: int = 10_000,
    random_state=None,
    alpha: float = 0.05,
    discount_rate=DEFAULT_SCHEDULE,
    first_year_discounted: bool = SROI_FIRST_YEAR_DISCOUNTED,
    price_year=None,
    index=DEFAULT_INDEX,
    keep_draws: bool = False,
) -> SROIMonteCarlo:
    """Probabilistic sensitivity: the distribution of the SROI ratio when inputs are uncertain.

    Each draw sets the uncertain inputs to random values and computes the SROI exactly as
    :func:`sroi` does; the computation is vectorised over draws × outcomes × years (in
    blocks of draws to bound memory), with no Python loop per draw.

    Parameters
    ----------
    impact_map, investment
        As :func:`sroi`; parameters without a distribution keep their map value.
    distributions : dict
        ``{parameter: spec}`` — one draw per simulation shared by every outcome (fractions),
        or the whole analysis (``discount_rate``: a flat rate; ``investment``: the total) —
        or ``{parameter: {outcome: spec}}`` — one independent draw per named outcome
        (``quantity`` and ``proxy_value`` must be given per outcome). Parameters:
        ``quantity``, ``proxy_value``, ``deadweight``, ``displacement``, ``attribution``,
        ``drop_off``, ``discount_rate``, ``investment``. A spec is a number (fixed) or

        * ``("fixed", value)``
        * ``("uniform", low, high)``
        * ``("triangular", low, mode, high)``
        * ``("normal", mean, sd)`` truncated to the parameter's range (fractions [0, 1],
          quantity ≥ 0 …) or ``("normal", mean, sd, low, high)`` truncated to [low, high]
        * ``("beta", a, b)`` on [0, 1], or ``("beta", a, b, low, high)`` rescaled.
    n : int, default 10_000
        Number of draws.
    random_state : int or numpy Generator, optional
        Seed: the same seed gives the same draws (parameters are drawn in the order of
        ``MONTE_CARLO_PARAMETERS``, then of the impact map's rows).
    alpha : float, default 0.05
        The percentile interval is (alpha/2, 1 − alpha/2).
    keep_draws : bool, default False
        Keep the drawn inputs in ``result.draws``.
    Other parameters
        As :func:`sroi`.

    Returns
    -------
    SROIMonteCarlo
        Ratios of every draw, summary table, percentile interval and P(ratio > 1).
        With every parameter fixed at its map value the ratios equal :func:`sroi`'s
        exactly.

    Example
    -------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"stakeholder": ["NHS"], "outcome": ["Fewer GP visits"],
    ...     "indicator": ["visits"], "quantity": [100], "proxy_value": [45.0],
    ...     "proxy_source": ["PSSRU 2013"], "proxy_price_year": ["2012/13"], "duration": [2],
    ...     "deadweight": [0.1], "displacement": [0.05], "attribution": [0.1],
    ...     "drop_off": [0.5]})
    >>> mc = sroi_monte_carlo(m, 4000, {"deadweight": ("uniform", 0.0, 0.4),
    ...                                 "drop_off": ("triangular", 0.3, 0.5, 0.8)},
    ...                       n=20_000, random_state=1, discount_rate=0.035)
    >>> round(mc.base_ratio, 2), round(mc.prob_above_1, 2)
    (1.24, 0.64)
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise InvalidValueError("n must be a whole number of at least 1", found=[n])
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real) or not 0 < alpha < 1:
        raise InvalidValueError("alpha out of range", expected="between 0 and 1", found=[alpha])
    if not isinstance(distributions, Mapping):
        raise InvalidValueError(
            "distributions not understood", expected="a dict {parameter: spec}",
            found=[type(distributions).__name__],
        )
    keep_draws = _check_flag(keep_draws, "keep_draws")
    model = _build_model(impact_map, investment, discount_rate, first_year_discounted,
                         price_year, index)
    m = model.map
    n, K = int(n), len(m)

    # ---- parse every spec first (errors before any drawing)
    for name in distributions:
        _check_parameter(name, MONTE_CARLO_PARAMETERS)
    plan = []  # (param, row index or None, spec)
    for param in MONTE_CARLO_PARAMETERS:
        if param not in distributions:
            continue
        given = distributions[param]
        if isinstance(given, Mapping):
            if param in _GLOBAL_ONLY:
                raise InvalidValueError(
                    f"{param} applies to the whole analysis: give one distribution, not one per "
                    "outcome", column=param, found=[repr(given)],
                )
            chosen = np.zeros(K, dtype=bool)
            for key, spec in given.items():
                mask = _rows_for(m, key)
                for k in np.nonzero(mask)[0]:
                    if chosen[k]:
                        raise InvalidValueError(
                            f"two distributions for the same outcome of {param}", column=param,
                            found=[key],
                        )
                    chosen[k] = True
                    plan.append((param, int(k), _parse_spec(spec, param, f"outcome {key!r}")))
        else:
            if param in _VALUE_FIELDS:
                raise InvalidValueError(
                    f"{param} differs between outcomes: give one distribution per outcome",
                    column=param,
                    expected="{'" + param + "': {outcome: spec, ...}}", found=[repr(given)],
                )
            plan.append((param, None, _parse_spec(given, param, "all outcomes")))

    # ---- draw, in a fixed order, all at once (so results do not depend on block size)
    rng = np.random.default_rng(random_state)
    arrays = {p: np.broadcast_to(model.values[p], (1, K)) for p in _MAP_NUMBERS}
    rate_draws = investment_draws = None
    rate = model.rate
    described = []
    kept = {}
    for param, k, spec in plan:
        who = ("all", "all") if k is None else _outcome_label(m, k)
        described.append((param, *who, spec.text() if spec.kind != "schedule"
                          else f"schedule '{spec.args[0]}'"))
        if param == "discount_rate":
            if spec.kind == "schedule":
                rate = spec.args[0]
            elif spec.kind == "fixed":
                rate = _rate_name(spec.args[0])
            else:
                rate_draws = _draw(spec, n, rng)
                kept[param] = rate_draws
            continue
        values = _draw(spec, n, rng)
        if param == "investment":
            investment_draws = values
            kept[param] = values
            continue
        if arrays[param].shape[0] == 1:
            arrays[param] = np.repeat(arrays[param], n, axis=0)
        if k is None:
            arrays[param][:, :] = values[:, np.newaxis]
        else:
            arrays[param][:, k] = values
        kept[param] = arrays[param]

    # ---- evaluate in blocks of draws
    horizon = _horizon(model.start, model.duration)
    periods = np.arange(1, horizon + 1) - (0 if model.first_year_discounted else 1)
    fixed_factors = None if rate_draws is not None else _year_factors(
        horizon, rate, model.first_year_discounted)[np.newaxis, :]
    totals = np.zeros(n)
    block = max(1, _MC_CELLS // max(1, K * horizon))
    if horizon:
        for lo in range(0, n, block):
            hi = min(n, lo + block)
            part = [a[lo:hi] if a.shape[0] > 1 else a for a in (arrays[p] for p in _MAP_NUMBERS)]
            if rate_draws is None:
                factors = fixed_factors
            else:
                factors = 1.0 / (1.0 + rate_draws[lo:hi, np.newaxis]) ** periods
            totals[lo:hi] = _pv_totals(*part, model.start, model.duration, factors)
    inv = model.investment if investment_draws is None else investment_draws
    ratios = totals / inv
    _, base_ratio = _evaluate(model)

    q = [alpha / 2, 1 - alpha / 2]
    rows = []
    for measure, x in (("sroi_ratio", ratios), ("present_value", totals),
                       ("net_present_value", totals - inv)):
        lo_, hi_ = np.quantile(x, q)
        rows.append({"measure": measure, "mean": float(x.mean()), "sd": float(x.std(ddof=1))
                     if n > 1 else 0.0, "median": float(np.median(x)), "ci_low": float(lo_),
                     "ci_high": float(hi_)})
    summary = pd.DataFrame(rows).astype({"measure": "str"})
    dist_table = pd.DataFrame(
        described, columns=["parameter", "stakeholder", "outcome", "distribution"]
    ).astype("str")
    return SROIMonteCarlo(
        ratios=ratios,
        present_values=totals,
        summary=summary,
        ci_low=float(summary.loc[0, "ci_low"]),
        ci_high=float(summary.loc[0, "ci_high"]),
        prob_above_1=float(np.mean(ratios > 1)),
        base_ratio=base_ratio,
        distributions=dist_table,
        draws=kept if keep_draws else None,
        n=n,
        alpha=float(alpha),
        random_state=random_state,
        settings={"discount_rate": model.rate, "first_year_discounted": model.first_year_discounted,
                  "price_year": model.price_year, "investment": model.investment},
    )


# ------------------------------------------------------------------ SROI: plots
def _pounds(ax, axis: str = "y") -> None:
    from matplotlib.ticker import FuncFormatter

    fmt = FuncFormatter(lambda x, _: f"-£{-x:,.0f}" if x < 0 else f"£{x:,.0f}")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


#: two-line forms of the waterfall's step names, used when the one-line names do not fit
_STEP_WRAPPED = {"gross value": "gross\nvalue", "deadweight": "dead-\nweight",
                 "displacement": "displace-\nment", "attribution": "attri-\nbution",
                 "drop-off": "drop-\noff", "discounting": "discount-\ning",
                 "present value": "present\nvalue"}
_TICK_POINTS = (9.0, 8.0, 7.0)  # tried in turn until neighbouring step names do not touch
_LABEL_POINTS = (8.0, 7.0, 6.0)  # the same for the £ labels on the bars


def _money_short(x: float) -> str:
    """£ to the pound with thousands separators; £m with two decimals from £10 million."""
    sign, x = ("-" if x < 0 else ""), abs(x)
    return f"{sign}£{x / 1e6:,.2f}m" if x >= 1e7 else f"{sign}£{x:,.0f}"


def _text_width_points(text: str, size: float) -> float:
    """Width in points of (the longest line of) ``text`` in the default font."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    prop = FontProperties(size=size)
    return max(text_to_path.get_text_width_height_descent(line, prop, ismath=False)[0]
               for line in text.split("\n"))


def _fits(labels, slot: float, size: float, gap: float = 4.0) -> bool:
    """Whether neighbouring centred labels, ``slot`` points apart, leave ``gap`` between them."""
    widths = [_text_width_points(t, size) for t in labels]
    return all((a + b) / 2 + gap <= slot for a, b in zip(widths, widths[1:]))


def _axes_points(ax) -> tuple[float, float]:
    """Width and height of an Axes in points (from its position in the figure)."""
    box = ax.get_position()
    w, h = ax.figure.get_size_inches()
    return box.width * w * 72.0, box.height * h * 72.0


def plot_sroi_waterfall(result: SROIResult, *, ax=None, title: str | None = None,
                        show_investment: bool = True):
    """Waterfall from gross value to present value: each deduction as a falling bar.

    Bars: gross value; − deadweight, − displacement, − attribution, − drop-off,
    − discounting; present value. A dashed line marks the investment, so the final bar
    standing above it means a ratio above 1:1. Values from :func:`waterfall_table`; each
    bar is labelled in whole pounds.

    The plot is laid out to be readable at the default size (7 × 4 inches) and on a
    given ``ax``: step names go on two lines (hyphenated if the Axes is narrow) and the
    y axis leaves room above the tallest bar for its label, below the title.

    Parameters
    ----------
    result : SROIResult
        From :func:`sroi`.
    ax : matplotlib Axes, optional
        Draw on this Axes; by default a new 7 × 4 inch figure.
    title : str, optional
        Default "From gross value to present value (SROI ratio x.xx : 1)".
    show_investment : bool, default True

    Returns
    -------
    matplotlib Axes

    Example
    -------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"stakeholder": ["NHS"], "outcome": ["Fewer GP visits"],
    ...     "indicator": ["visits"], "quantity": [100], "proxy_value": [45.0],
    ...     "proxy_source": ["PSSRU 2013"], "proxy_price_year": ["2012/13"], "duration": [2],
    ...     "deadweight": [0.1], "displacement": [0.05], "attribution": [0.1],
    ...     "drop_off": [0.5]})
    >>> ax = plot_sroi_waterfall(sroi(m, 4000, discount_rate=0.035))
    >>> ax.get_title(), ax.get_ylabel()
    ('From gross value to present value (SROI ratio 1.24 : 1)', 'value (£)')
    >>> [t.get_text() for t in ax.texts][:2]
    ['£9,000', '−£900']
    """
    from .reporting.figures import get_axes
    from .reporting.palette import NHS_PALETTE

    steps = waterfall_table(result)
    own_figure = ax is None
    ax = get_axes(ax)
    n = len(steps)
    change = steps["change"].to_numpy(dtype=float)
    running = steps["running_total"].to_numpy(dtype=float)
    ends = np.zeros(n, dtype=bool)
    ends[[0, -1]] = True
    # totals stand on zero; a deduction hangs from the running total before it
    bottoms = np.where(ends, 0.0, running)
    heights = np.where(ends, change, -change)
    colours = [NHS_PALETTE[0]] + [NHS_PALETTE[5]] * (n - 2) + [NHS_PALETTE[2]]
    x = np.arange(n)
    ax.bar(x, heights, bottom=bottoms, color=colours, width=0.7)
    for i in range(n - 1):
        ax.plot([i + 0.35, i + 0.65], [running[i], running[i]], color="#768692", lw=0.8)
    if show_investment:
        ax.axhline(result.investment_total, ls="--", color="#330072", lw=1,
                   label=f"investment {_money_short(result.investment_total)}")
    ax.set_xlim(-0.6, n - 0.4)
    ax.set_ylabel("value (£)")
    _pounds(ax)
    ax.set_title(title or f"From gross value to present value (SROI ratio {result.ratio:.2f} : 1)")
    if own_figure:
        ax.figure.tight_layout()

    # x labels on two lines, hyphenated or smaller only if neighbours would still touch
    width_pt, height_pt = _axes_points(ax)
    slot = width_pt / (n + 0.2)
    plain = [s.replace(" ", "\n") for s in steps["step"]]
    hyphenated = [_STEP_WRAPPED.get(s, s.replace(" ", "\n")) for s in steps["step"]]
    tick_size, names = _TICK_POINTS[-1], hyphenated
    for size in _TICK_POINTS:
        fitting = [v for v in (plain, hyphenated) if _fits(v, slot, size)]
        if fitting:
            tick_size, names = size, fitting[0]
            break
    ax.set_xticks(x, names, fontsize=tick_size)
    if own_figure:
        ax.figure.tight_layout()  # again, for the two-line names

    tops = bottoms + np.maximum(heights, 0)
    labels = [_money_short(c) if end else "−" + _money_short(-c) if round(abs(c)) else "£0"
              for c, end in zip(change, ends)]
    label_size = next((size for size in _LABEL_POINTS if _fits(labels, slot, size, gap=2.0)),
                      _LABEL_POINTS[-1])
    for i, label in enumerate(labels):
        ax.annotate(label, (i, tops[i]), textcoords="offset points", xytext=(0, 3),
                    ha="center", va="bottom", fontsize=label_size)

    # headroom: the highest label (3 pt offset + one line of text) and a margin stay inside
    # the Axes, so it never reaches the title
    low = min(0.0, float(bottoms.min()), float((bottoms + heights).min()))
    high = float(tops.max())
    if show_investment:
        high = max(high, float(result.investment_total))
    if high <= low:
        high = low + 1.0
    room = min(0.5, max(0.08, (3.0 + 1.6 * label_size + 6.0) / max(height_pt, 1.0)))
    ax.set_ylim(low, high + (high - low) * room / (1.0 - room))
    if show_investment:
        ax.legend(loc="best", frameon=False, fontsize=label_size + 1)
    return ax


def _pounds_text(x: float) -> str:
    """£ with thousands separators: whole pounds, or pence when the amount has them."""
    sign, x = ("-" if x < 0 else ""), abs(x)
    return f"{sign}£{x:,.0f}" if abs(x - round(x)) < 0.005 or x >= 1000 else f"{sign}£{x:,.2f}"


def _sensitivity_range_text(param: str, applied: str, low: float, high: float) -> str:
    """'low / high' of a sensitivity row in the parameter's own units (£, %, ×, years)."""
    applied = str(applied)
    if applied.startswith("multiplier"):
        return f"×{low:.3g} / ×{high:.3g}"
    if applied.startswith("years added"):
        return f"{low:+.0f} / {high:+.0f} years"
    if param == "investment" or "(£)" in applied:
        return f"{_pounds_text(low)} / {_pounds_text(high)}"
    if param == "proxy_value":
        return f"{_pounds_text(low)} / {_pounds_text(high)}"
    if param in SROI_FRACTIONS or param == "discount_rate":
        return f"{100 * low:.3g}% / {100 * high:.3g}%"
    if param == "duration":
        return f"{low:g} / {high:g} years"

    def number(x: float) -> str:
        return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"

    return f"{number(low)} / {number(high)}"


def plot_sroi_tornado(sensitivity: pd.DataFrame, *, ax=None, title: str | None = None,
                      max_bars: int | None = 15):
    """Tornado plot of a one-way sensitivity table (:func:`sroi_sensitivity`).

    One horizontal bar per row, from the ratio at the parameter's low value to the ratio at
    its high value, largest swing at the top; a solid line at the base ratio and a dashed
    line at 1:1. Each bar is labelled with the parameter (and outcome) and its low / high
    values in their own units: £ with thousands separators for the investment and proxy
    values, % for fractions and discount rates, × for multipliers, years for durations.

    Parameters
    ----------
    sensitivity : DataFrame
        From :func:`sroi_sensitivity` (columns ``parameter``, ``outcome``, ``low``,
        ``high``, ``ratio_low``, ``ratio_high``, ``ratio_base``).
    ax : matplotlib Axes, optional
    title : str, optional
    max_bars : int, optional
        Show the largest swings only (default 15).

    Returns
    -------
    matplotlib Axes

    Example
    -------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"stakeholder": ["NHS"], "outcome": ["Fewer GP visits"],
    ...     "indicator": ["visits"], "quantity": [100], "proxy_value": [45.0],
    ...     "proxy_source": ["PSSRU 2013"], "proxy_price_year": ["2012/13"], "duration": [2],
    ...     "deadweight": [0.1], "displacement": [0.05], "attribution": [0.1],
    ...     "drop_off": [0.5]})
    >>> ax = plot_sroi_tornado(sroi_sensitivity(m, 4000, discount_rate=0.035))
    >>> len(ax.get_yticklabels()), ax.get_xlabel()
    (8, 'SROI ratio (£ of value per £1 invested)')
    >>> ax = plot_sroi_tornado(sroi_sensitivity(
    ...     m, 4000, parameters={"investment": (3000, 250_000), "attribution": (0.05, 0.3)},
    ...     discount_rate=0.035))
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['attribution 5% / 30%', 'investment £3,000 / £250,000']
    """
    from .reporting.figures import get_axes
    from .reporting.palette import NHS_PALETTE

    require_columns(sensitivity, ["parameter", "outcome", "low", "high", "ratio_low",
                                  "ratio_high", "ratio_base"], what="sensitivity table")
    t = sensitivity.copy()
    t["swing_"] = (t["ratio_high"] - t["ratio_low"]).abs()
    t = t.sort_values("swing_", ascending=False, kind="stable")
    if max_bars is not None:
        t = t.head(max_bars)
    t = t.iloc[::-1]
    ax = get_axes(ax)
    base = float(t["ratio_base"].iloc[0]) if len(t) else np.nan
    y = np.arange(len(t))
    for col, colour, label in (("ratio_low", NHS_PALETTE[0], "parameter at low value"),
                               ("ratio_high", NHS_PALETTE[3], "parameter at high value")):
        ax.barh(y, t[col] - base, left=base, color=colour, height=0.6, label=label)
    how = t["applied_as"] if "applied_as" in t.columns else pd.Series("", index=t.index)

    def label(p, o, lo, hi, applied):
        name = p if o == "all" else f"{p} ({o})"
        return f"{name} {_sensitivity_range_text(p, applied, lo, hi)}"

    labels = [label(*row) for row in zip(t["parameter"], t["outcome"], t["low"], t["high"], how)]
    ax.set_yticks(y, labels)
    ax.axvline(base, color="#231f20", lw=1)
    ax.axvline(1.0, color="#7C2855", ls="--", lw=1, label="1:1")
    ax.set_xlabel("SROI ratio (£ of value per £1 invested)")
    ax.legend(loc="lower right", frameon=False, fontsize=8)
    ax.set_title(title or f"One-way sensitivity of the SROI ratio (base {base:.2f} : 1)")
    return ax


def plot_sroi_monte_carlo(result: SROIMonteCarlo, *, ax=None, bins: int = 60,
                          title: str | None = None):
    """Histogram of the Monte Carlo SROI ratios with the 1:1 line and the percentile interval.

    Parameters
    ----------
    result : SROIMonteCarlo
        From :func:`sroi_monte_carlo`.
    ax : matplotlib Axes, optional
    bins : int, default 60
    title : str, optional

    Returns
    -------
    matplotlib Axes

    Example
    -------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"stakeholder": ["NHS"], "outcome": ["Fewer GP visits"],
    ...     "indicator": ["visits"], "quantity": [100], "proxy_value": [45.0],
    ...     "proxy_source": ["PSSRU 2013"], "proxy_price_year": ["2012/13"], "duration": [2],
    ...     "deadweight": [0.1], "displacement": [0.05], "attribution": [0.1],
    ...     "drop_off": [0.5]})
    >>> mc = sroi_monte_carlo(m, 4000, {"deadweight": ("uniform", 0.0, 0.4)}, n=1000,
    ...                       random_state=1, discount_rate=0.035)
    >>> plot_sroi_monte_carlo(mc).get_xlabel()
    'SROI ratio (£ of value per £1 invested)'
    """
    from .reporting.figures import get_axes
    from .reporting.palette import NHS_PALETTE

    ax = get_axes(ax)
    ax.hist(result.ratios, bins=bins, color=NHS_PALETTE[0], alpha=0.8)
    level = 100 * (1 - result.alpha)
    ax.axvspan(result.ci_low, result.ci_high, color=NHS_PALETTE[3], alpha=0.2,
               label=f"{level:g}% interval {result.ci_low:.2f} to {result.ci_high:.2f}")
    ax.axvline(1.0, color="#7C2855", ls="--", lw=1.2,
               label=f"1:1 (P(ratio > 1) = {result.prob_above_1:.0%})")
    ax.axvline(result.base_ratio, color="#231f20", lw=1,
               label=f"deterministic ratio {result.base_ratio:.2f}")
    ax.set_xlabel("SROI ratio (£ of value per £1 invested)")
    ax.set_ylabel("number of draws")
    ax.legend(loc="upper right", frameon=False, fontsize=8)
    ax.set_title(title or f"Monte Carlo SROI ratio (n = {result.n:,} draws)")
    return ax
