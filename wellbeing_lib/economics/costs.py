"""Unit costs, financial proxies and price years: costing service use in one price year.

* :func:`unit_costs` (NHS reference costs, PSSRU unit costs) and :func:`financial_proxies`
  (the HM Treasury WELLBY value), shipped as CSV files with their source and year;
* :func:`cost_service_use` — counts of service use × unit costs, one row per person ×
  service (a :class:`ServiceUseCost` with the total);
* :func:`inflation_index` (the PSSRU NHS cost inflation index, shipped as data) and
  :func:`restate_costs` (moving costs between price years with that index or one you
  supply).

Example
-------
>>> from wellbeing_lib.economics import restate_costs
>>> round(restate_costs(120.0, "2016/17", "2024/25"), 2)
151.62
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import narwhals as nw
import numpy as np
import pandas as pd

from ..errors import DataError, DuplicateKeyError, InvalidValueError
from ..frames import as_frame, is_lazy, nan_as_missing, planned, row_names
from ..io import load_reference_table
from ..validation import (
    check_not_empty,
    check_numeric,
    check_total_rows,
    check_unique,
    error_location,
    require_columns,
    source_of,
    warn_all_missing,
)
from ._common import _year_label

__all__ = [
    "UNIT_COST_FILE",
    "PROXY_FILE",
    "INFLATION_FILE",
    "DEFAULT_INDEX",
    "UNIT_COST_COLUMNS",
    "unit_costs",
    "financial_proxies",
    "cost_service_use",
    "ServiceUseCost",
    "inflation_index",
    "restate_costs",
]

UNIT_COST_FILE = "unit_costs.csv"
PROXY_FILE = "financial_proxies.csv"

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


@dataclass(frozen=True, eq=False, repr=False)
class ServiceUseCost:
    """Result of :func:`cost_service_use`: the costed table and its total.

    Attributes
    ----------
    table : DataFrame
        One row per person × service (see :func:`cost_service_use`); also :meth:`to_frame`.
    total_cost : float
        Σ cost; missing (NaN) if any cost is missing, never a silent zero.
    price_years : tuple of str
        The price years of the unit costs used, in order of first use.
    """

    table: pd.DataFrame
    total_cost: float
    price_years: tuple

    def to_frame(self) -> pd.DataFrame:
        """The costed table (:attr:`table`)."""
        return self.table

    def __repr__(self) -> str:
        rows = "a lazy table" if is_lazy(self.table) else f"{len(self.table)} rows"
        return (f"ServiceUseCost(total {self.total_cost:,.2f} over {rows}, "
                f"price years {', '.join(self.price_years)})")


def _checked_counts(data, services: list, ids: list, missing: str) -> None:
    """The checks that keep a cost from being wrong (where the data live): no rows, a
    total row, an id given twice (costed twice), a count that is not a number of at least
    0, an all-blank count column."""
    require_columns(data, services + ids, what="cost_service_use")
    check_not_empty(data, what="a row of service use to cost")
    if ids:
        check_total_rows(data, ids, what=" x ".join(ids))
        check_unique(data, ids)
    check_numeric(data, services, low=0, allow_missing=missing != "raise")
    if missing == "propagate":
        warn_all_missing(data, services, what="counts", stacklevel=4)


def _mapped_items(data, services: list, unit_costs: dict, costs) -> tuple[list, pd.DataFrame]:
    """The unit-cost item of each count column and their rows of the cost table."""
    table = load_reference_table(UNIT_COST_FILE) if costs is None else _validate_cost_table(costs)
    table_name = UNIT_COST_FILE if costs is None else (source_of(costs) or "the unit cost table")
    lookup = table.set_index("item")
    items = []
    for col in services:
        item = unit_costs.get(col, col)
        if item not in lookup.index:
            problem = (
                f"unit_costs names an unknown item '{item}'"
                if col in unit_costs
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
    return items, lookup.loc[items]


def cost_service_use(
    data: pd.DataFrame,
    services: str | Iterable[str] | None = None,
    unit_costs: Mapping[str, str] | None = None,
    *,
    id: str | Iterable[str] | None = None,
    costs: pd.DataFrame | None = None,
    missing: str = "raise",
) -> ServiceUseCost:
    """Cost counts of service use with unit costs: one row per person × service.

    Parameters
    ----------
    data : DataFrame
        One row per person (or per person × period), with one column of counts per service
        (e.g. number of GP visits). Not modified.  Any backend of
        :mod:`wellbeing_lib.frames`: the costed table comes back in it (lazily for a lazy
        one; there ``id`` is needed, and the rows are in no particular order), the total
        is one aggregate.
    services : str or list of str, optional
        The count columns (one per service). Defaults to the keys of ``unit_costs``.
    unit_costs : dict, optional
        ``{count column: item}`` naming the unit-cost item for each column (see
        :func:`unit_costs` for the shipped items), as in :func:`service_use_change`. A
        column not in the map must itself be named after an item.
    id : str or list of str, optional
        Column(s) identifying a row (the person, or person and period), carried into the
        output and checked to be unique (a row given twice would be costed twice). Without
        it the output has a ``row`` column holding the index labels of ``data``.
    costs : DataFrame, optional
        Your own unit-cost table (columns ``item``, ``cost``, ``price_year``, ``currency``;
        ``unit`` and ``source`` are carried if present). Defaults to :func:`unit_costs`.
    missing : {"raise", "propagate"}, default "raise"
        A missing count raises an error naming the rows; "propagate" keeps it as a missing
        count and a missing cost, never as zero.

    Returns
    -------
    ServiceUseCost
        ``table`` (also ``to_frame()``) with columns: the ``id`` columns (or ``row``),
        ``service`` (the count column), ``item``, ``count``, ``unit_cost``, ``cost`` (=
        count × unit_cost), ``price_year``, ``currency``, in the order of ``data`` then of
        ``services``; ``total_cost`` (Σ cost, missing if any cost is missing) and
        ``price_years`` (the price years involved).

    Raises
    ------
    MissingColumnError
        A count or id column is not in ``data``.
    InvalidValueError
        A count is negative, non-numeric or missing (with ``missing="raise"``); a column
        has no unit cost mapped; a mapped item is not in the cost table; the costs are in
        more than one currency; no rows; a total row among the ``id`` values.
    DuplicateKeyError
        An ``id`` repeated.

    Warns
    -----
    UserWarning
        When the unit costs used come from more than one price year (restate them first
        with :func:`restate_costs` if the costs will be added together).

    Example
    -------
    >>> import pandas as pd
    >>> use = pd.DataFrame({"client": ["A", "B"], "visits": [2, 0], "calls": [1, 3]})
    >>> costed = cost_service_use(use, unit_costs={"visits": "gp_surgery_visit",
    ...                                            "calls": "gp_telephone_consultation"},
    ...                           id="client")
    >>> costed.table[["client", "service", "count", "unit_cost", "cost", "price_year"]]
      client service  count  unit_cost  cost price_year
    0      A  visits    2.0       45.0  90.0    2012/13
    1      A   calls    1.0       27.0  27.0    2012/13
    2      B  visits    0.0       45.0   0.0    2012/13
    3      B   calls    3.0       27.0  81.0    2012/13
    >>> costed.total_cost
    198.0
    """
    if missing not in {"raise", "propagate"}:
        raise InvalidValueError(
            "unknown missing-value policy", expected="'raise' or 'propagate'", found=[missing]
        )
    unit_costs = dict(unit_costs or {})
    if services is None:
        if not unit_costs:
            raise InvalidValueError(
                "no count columns given",
                expected="services=[...] or unit_costs={column: item}",
            )
        services = list(unit_costs)
    services = [services] if isinstance(services, str) else list(services)
    ids = [] if id is None else ([id] if isinstance(id, str) else list(id))

    as_frame(data)  # a TypeError naming what is accepted
    if ids == [] and is_lazy(data):
        raise InvalidValueError(
            "a lazy table has no row numbers", column="id",
            expected="id= naming the column(s) that identify a row")
    _checked_counts(data, services, ids, missing)

    items, used = _mapped_items(data, services, unit_costs, costs)
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

    return _costed_frame(data, services=services, items=items, used=used, ids=ids,
                         currency=currencies[0] if currencies else None,
                         price_years=tuple(price_years))


def _costed_frame(data, *, services, items, used, ids, currency, price_years):
    """:func:`cost_service_use` on any backend: one select per service, stacked where
    the data live (in the order of the rows, then of the services, for an eager table);
    the total is one aggregate (missing if any cost is missing)."""
    frame = as_frame(data)
    lazy = is_lazy(frame)
    if not lazy:  # the position of each row: the order of the output, or its "row"
        frame = frame.with_row_index("__row")
    frame, eager = planned(frame)
    schema = frame.collect_schema()
    keys = ids or ["__row"]
    parts = []
    for j, (col, item) in enumerate(zip(services, items)):
        count = nw.col(col)
        if schema[col] == nw.String:  # numbers as text, checked by check_numeric
            count = count.str.strip_chars()
        count = count.cast(nw.Float64())
        count = nan_as_missing(count, frame)
        unit = float(used["cost"].iloc[j])
        parts.append(frame.select(
            *keys, *([] if lazy or not ids else ["__row"]), nw.lit(col).alias("service"),
            nw.lit(str(item)).alias("item"), count.alias("count"),
            nw.lit(unit).alias("unit_cost"), (count * unit).alias("cost"),
            nw.lit(str(used["price_year"].iloc[j])).alias("price_year"),
            nw.lit(currency, nw.String()).alias("currency"),
            nw.lit(j, nw.Int64()).alias("__service")))
    table = nw.concat(parts, how="vertical")
    if not lazy:
        table = table.sort("__row", "__service")
    totals = table.select(nw.col("cost").sum().alias("total"),
                          nw.col("cost").is_null().sum().alias("missing"))
    total, gaps = totals.lazy().collect().row(0)
    total_cost = float("nan") if gaps else float(total or 0.0)
    table = table.drop("__service", *([] if lazy or not ids else ["__row"]))
    out = nw.maybe_reset_index(table.collect() if eager else table)  # pandas: 0, 1, …
    if not ids:  # each row named as the caller's table names it (pandas: its label)
        names = nw.new_series("row", row_names(data, out.get_column("__row").to_list()),
                              backend=out.implementation)
        out = out.with_columns(names).select("row", *out.columns[1:])
    return ServiceUseCost(out.to_native(), total_cost, price_years)


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
