"""Discounting, unit costs and price-year restating: the costing layer under SROI.

The module reads top to bottom:

* **reference data** — :func:`discount_rates` (HM Treasury Green Book schedules) and
  :func:`unit_costs` (NHS reference costs, PSSRU unit costs), both shipped as CSV files with
  their source and year;
* **discounting** — :func:`discount_factors` (vectorised) and :func:`present_value` (a tidy
  table of a value stream with its discount factors and present values);
* **costing** — :func:`cost_service_use` (counts of service use × unit costs, one row per
  person × service) and :func:`restate_costs` (moving costs between price years with a
  published index that the user supplies; none is shipped, see its docstring).

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
import warnings
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from .errors import DataError, DuplicateKeyError, InvalidValueError
from .io import (
    _error_kwargs,
    check_numeric,
    check_unique,
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
    "restate_costs",
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
                **_error_kwargs(data, labels),
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
    Care 2013); non-elective inpatient episode £1,590 and outpatient attendance £120 (NHS
    Reference costs 2016/17). Costs are dated: restate them to one price year with
    :func:`restate_costs` before adding costs of different years. Use ``costs=`` in
    :func:`cost_service_use` to supply local or more recent costs.

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
def restate_costs(cost, from_year, to_year, index: pd.DataFrame | None = None):
    """Restate costs from their price year to another with a published price index.

    cost_in_to_year = cost × index[to_year] / index[from_year]

    No NHS cost inflation index is shipped with wellbeing_lib: the published values (the
    PSSRU "NHS cost inflation index" or the older HCHS pay and prices index, in *Unit Costs
    of Health and Social Care*) could not be verified for this release, and the library
    never ships numbers it cannot source. Pass the index you use as ``index``.

    Parameters
    ----------
    cost : float, array-like or Series
        Costs in the price year(s) ``from_year``.
    from_year : str, int, array-like or Series
        Price year of each cost (one for all, or one per cost — e.g. the ``price_year``
        column of :func:`cost_service_use` output). Matched to ``index["year"]`` as text,
        so ``"2013/14"`` and ``2013`` are both fine if the index uses the same labels.
    to_year : str or int
        The price year to restate to.
    index : DataFrame
        Columns ``year`` (unique labels) and ``index`` (positive numbers); a ``source``
        column is recommended.

    Returns
    -------
    float, ndarray or Series
        The restated costs, in the shape of ``cost``.

    Raises
    ------
    DataError
        If no index is given.
    MissingColumnError, DuplicateKeyError, InvalidValueError
        If the index table lacks columns, repeats a year, has non-positive values, or lacks
        a year that is needed (naming the years), or a cost is not a number.

    Example
    -------
    With an index you supply (the values below are illustrative, not published figures):

    >>> import pandas as pd
    >>> idx = pd.DataFrame({"year": ["2013/14", "2016/17"], "index": [100.0, 104.0]})
    >>> restate_costs(45.0, "2013/14", "2016/17", index=idx)
    46.8
    >>> restate_costs([138, 114], ["2013/14", "2013/14"], "2016/17", index=idx).round(2)
    array([143.52, 118.56])
    """
    if index is None:
        raise DataError(
            "no price index supplied (wellbeing_lib ships none: published NHS cost inflation "
            "index values could not be verified)",
            expected="index=a table with columns year and index, e.g. the PSSRU NHS cost "
            "inflation index from Unit Costs of Health and Social Care",
        )
    require_columns(index, ["year", "index"], what="price index")
    check_numeric(index, ["index"], allow_missing=False)
    positive = pd.to_numeric(index["index"]) <= 0
    if positive.any():
        labels = list(index.index[positive])
        raise InvalidValueError(
            "price index value not positive",
            column="index",
            expected="index values greater than 0",
            found=list(index.loc[positive, "index"]),
            **_error_kwargs(index, labels),
        )
    keys = index["year"].astype(str).str.strip()
    if keys.duplicated().any():
        dup = keys.duplicated(keep=False)
        raise DuplicateKeyError(
            "price year repeated in the index",
            file=source_of(index),
            column="year",
            expected="one row per year",
            found=sorted(set(keys[dup])),
            rows=list(index.index[dup]),
        )
    level = pd.Series(pd.to_numeric(index["index"]).to_numpy(dtype=float), index=keys)

    def _levels(years) -> np.ndarray:
        labels = np.asarray([str(y).strip() for y in np.atleast_1d(np.asarray(years))])
        absent = sorted(set(labels) - set(level.index))
        if absent:
            raise InvalidValueError(
                "price year not in the index",
                file=source_of(index),
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
