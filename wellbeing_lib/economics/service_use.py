"""Service use at baseline and follow-up: counts and costs per client and for the cohort.

:func:`service_use_change` takes long data (one row per client × time point, e.g. the 12
months before and after referral, with a count per service), costs the counts with unit
costs restated to one price year, and gives the mean per client at baseline, at follow-up
and the change, the change for the whole cohort, bootstrap intervals, and the difference in
change between groups (difference-in-differences). The result is a
:class:`ServiceUseChange`; :mod:`wellbeing_lib.economics.service_impact` turns its
differences into SROI impact-map rows.

The time points are named as in :mod:`wellbeing_lib.outcomes`: ``time=`` names the column
and ``baseline=`` / ``follow_up=`` its two values (``"period"``, ``"before"`` and
``"after"`` in the bundled social prescribing data), and result columns end in
``_baseline`` / ``_follow_up``.
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import InvalidValueError, UnmatchedRecordsError
from ..validation import (
    DEFAULT_CI,
    check_allowed,
    check_ci,
    check_identifiers,
    check_numeric,
    check_total_rows,
    check_unique,
    error_location,
    require_columns,
    source_of,
)
from ._common import _year_label
from .costs import DEFAULT_INDEX, UNIT_COST_FILE, _index_levels, _validate_cost_table, unit_costs

__all__ = [
    "SERVICE_COLUMNS",
    "DEFAULT_SERVICE_ITEMS",
    "service_use_change",
    "ServiceUseChange",
]

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


@dataclass(frozen=True, eq=False, repr=False)
class ServiceUseChange:
    """Result of :func:`service_use_change`: tidy tables and the assumptions behind them.

    Attributes
    ----------
    change : DataFrame
        One row per group × service × metric: ``n``, ``mean_baseline``, ``mean_follow_up``,
        ``mean_change`` (per client, follow-up − baseline) with ``ci_low``/``ci_high``, and
        ``total_change`` (n × mean_change: the change for the whole cohort) with
        ``total_ci_low``/``total_ci_high``. ``metric`` is ``"count"`` (contacts) or
        ``"cost"`` (in ``price_year`` prices); ``service == "total"`` is the cost summed
        over services. Also :meth:`to_frame`.
    by_time : DataFrame
        One row per group × service × metric × time point: the time point's label (in a
        column named as the ``time`` column of the data, ``period`` by default), ``n``,
        ``mean`` per client with ``ci_low``/``ci_high`` — the table for a baseline/follow-up
        plot.
    difference : DataFrame or None
        With a group column: each group's mean change minus the reference group's
        (difference-in-differences), with CI, and ``total_difference`` = n of the group ×
        difference.
    assumptions : DataFrame
        One row per service: unit-cost item, unit, cost, price year, source, the restated
        cost, the index used and the factor applied.
    per_client : DataFrame
        One row per client × service: ``count_baseline``, ``count_follow_up``,
        ``count_change``, ``cost_baseline``, ``cost_follow_up`` and ``cost_change``.
    unmatched : DataFrame
        Clients with only one of the two time points (empty when all pair up): the id, the
        time point present (in a column named as the ``time`` column) and the ``row`` of
        the data.
    price_year, currency : str
        The prices all costs are in.
    notes : list of str
        Plain-language caveats (provisional index years, excluded clients).
    settings : dict
        ``n_boot``, ``ci``, ``random_state``, ``index``, ``reference``.
    """

    change: pd.DataFrame
    by_time: pd.DataFrame
    difference: pd.DataFrame | None
    assumptions: pd.DataFrame
    per_client: pd.DataFrame
    unmatched: pd.DataFrame
    price_year: str
    currency: str
    notes: list = field(default_factory=list)
    settings: dict = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """The change per group × service × metric (:attr:`change`)."""
        return self.change

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


def _check_settings(services, unmatched, n_boot, ci, baseline, follow_up) -> tuple[list, float]:
    """The service columns as a list and ``alpha = 1 − ci``, or a named error for a bad setting."""
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
    alpha = check_ci(ci)
    if baseline == follow_up:
        raise InvalidValueError(
            "baseline and follow_up labels are the same", expected="two different labels",
            found=[baseline],
        )
    return services, alpha


def _validate_use(data, services, *, id, time, baseline, follow_up, group) -> pd.DataFrame:
    """The count columns as numbers, after checking every column of the data once."""
    keys = [id, time] + ([group] if group is not None else [])
    require_columns(data, keys + services, what="service_use_change")
    for col in keys:
        gap = data[col].isna()
        if gap.any():
            labels = list(data.index[gap])
            raise InvalidValueError(
                "missing value", column=col, expected="a value on every row",
                found=["(blank)"], **error_location(data, labels),
            )
    check_allowed(data, time, [baseline, follow_up], allow_missing=False)
    check_total_rows(data, [id], what="client and period")
    check_identifiers(data, id, what="client id")
    check_unique(data, [id, time])
    return check_numeric(data, services, low=0, integer=True, allow_missing=False)


@dataclass(frozen=True, eq=False)
class _Pairs:
    """Clients with both time points: ids, counts (clients × services) and group labels."""

    matched: pd.Index
    baseline: np.ndarray
    follow_up: np.ndarray
    member: np.ndarray
    levels: list
    unmatched: pd.DataFrame
    notes: list


def _pair_clients(data, counts, *, id, time, baseline, follow_up, group, unmatched) -> _Pairs:
    """Pair each client's two time points; unmatched clients raise or are listed and left out."""
    is_baseline = (data[time] == baseline).to_numpy()
    ids = data[id]
    baseline_ids = pd.Index(ids[is_baseline])
    follow_up_ids = pd.Index(ids[~is_baseline])
    only_baseline = baseline_ids.difference(follow_up_ids, sort=False)
    only_follow_up = follow_up_ids.difference(baseline_ids, sort=False)
    lonely = ids.isin(only_baseline) | ids.isin(only_follow_up)
    unmatched_table = pd.DataFrame(
        {
            id: ids[lonely].to_numpy(),
            time: data.loc[lonely, time].to_numpy(),
            "row": list(data.index[lonely]),
        }
    )
    notes: list[str] = []
    if len(unmatched_table):
        lonely_ids = list(unmatched_table[id])
        if unmatched == "raise":
            raise UnmatchedRecordsError(
                f"{len(lonely_ids)} client(s) without both a '{baseline}' and an '{follow_up}' "
                "row",
                column=id,
                expected=f"one '{baseline}' and one '{follow_up}' row per client; pass "
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
        warnings.warn(message, UserWarning, stacklevel=3)
        notes.append(message[0].upper() + message[1:] + ".")
    matched = baseline_ids.intersection(follow_up_ids, sort=False)
    if len(matched) == 0:
        raise UnmatchedRecordsError(
            "no client has both periods", column=id,
            expected=f"clients with one '{baseline}' and one '{follow_up}' row", found=[],
        )

    def by_client(rows: np.ndarray, table):
        return table[rows].set_axis(ids[rows].to_numpy()).loc[matched]

    counts_baseline = by_client(is_baseline, counts).to_numpy(dtype=float)
    counts_follow_up = by_client(~is_baseline, counts).to_numpy(dtype=float)
    if group is None:
        member = np.full(len(matched), "all", dtype=object)
        return _Pairs(matched, counts_baseline, counts_follow_up, member, ["all"],
                      unmatched_table, notes)
    g_baseline = by_client(is_baseline, data[group])
    g_follow_up = by_client(~is_baseline, data[group])
    differs = g_baseline.to_numpy() != g_follow_up.to_numpy()
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
    member = g_baseline.to_numpy()
    return _Pairs(matched, counts_baseline, counts_follow_up, member, list(pd.unique(member)),
                  unmatched_table, notes)


def _reference_group(levels: list, group, reference):
    """The group the others are compared with (``"comparison"`` by default), checked."""
    if group is not None and len(levels) > 1:
        if reference is None:
            if "comparison" not in levels:
                raise InvalidValueError(
                    "reference group not given",
                    column=group,
                    expected="reference= one of " + ", ".join(map(str, levels)),
                    found=levels,
                )
            return "comparison"
        if reference not in levels:
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
    return reference


def _bootstrap(pairs: _Pairs, unit: np.ndarray, n_boot: int, random_state):
    """Point estimates, bootstrap draws and sizes per group.

    Each is keyed by group; estimates and draws are (baseline, follow-up, change) triples of
    [counts per service, costs per service, total cost] columns (rows = draws).
    """
    rng = np.random.default_rng(random_state)
    n_services = pairs.baseline.shape[1]
    parts = [slice(k * n_services, (k + 1) * n_services) for k in range(3)]
    point, draws, sizes = {}, {}, {}
    for level in pairs.levels:
        rows = pairs.member == level
        n = int(rows.sum())
        b, a = pairs.baseline[rows], pairs.follow_up[rows]
        # baseline, follow-up and the per-client change (so that equal changes give exact means)
        values = np.hstack([b, a, a - b])
        mean = values.sum(axis=0, keepdims=True) / n
        boot = _boot_means(values, n_boot, rng)
        point[level] = tuple(_metric_columns(mean[:, p], unit)[0] for p in parts)
        draws[level] = tuple(_metric_columns(boot[:, p], unit) for p in parts)
        sizes[level] = n
    return point, draws, sizes


def _labels(services: list) -> dict:
    """The service and metric of each estimate column: counts, costs, then the total cost."""
    return {"service": services + services + ["total"],
            "metric": ["count"] * len(services) + ["cost"] * (len(services) + 1)}


def _change_tables(estimates, services, levels, *, time, baseline, follow_up, alpha):
    """The ``change`` and ``by_time`` tables from the estimates of :func:`_bootstrap`."""
    point, draws, sizes = estimates
    labels = _labels(services)
    lo_q, hi_q = alpha / 2, 1 - alpha / 2
    change_parts, time_parts = [], []
    for level in levels:
        n = sizes[level]
        pb, pa, pc = point[level]
        db, da, dc = draws[level]
        c_lo, c_hi = np.quantile(dc, [lo_q, hi_q], axis=0)
        change_parts.append(
            pd.DataFrame(
                {
                    "group": level,
                    **labels,
                    "n": n,
                    "mean_baseline": pb,
                    "mean_follow_up": pa,
                    "mean_change": pc,
                    "ci_low": c_lo,
                    "ci_high": c_hi,
                    "total_change": n * pc,
                    "total_ci_low": n * c_lo,
                    "total_ci_high": n * c_hi,
                }
            )
        )
        for label, p, d in ((baseline, pb, db), (follow_up, pa, da)):
            q_lo, q_hi = np.quantile(d, [lo_q, hi_q], axis=0)
            time_parts.append(
                pd.DataFrame(
                    {
                        "group": level,
                        **labels,
                        time: label,
                        "n": n,
                        "mean": p,
                        "ci_low": q_lo,
                        "ci_high": q_hi,
                    }
                )
            )
    change = _text_columns(pd.concat(change_parts, ignore_index=True), ("service", "metric"))
    by_time = _text_columns(pd.concat(time_parts, ignore_index=True), ("service", "metric", time))
    return change, by_time


def _difference_table(estimates, services, levels, reference, alpha) -> pd.DataFrame:
    """Each group's mean change minus the reference group's, with bootstrap intervals."""
    point, draws, sizes = estimates
    labels = _labels(services)
    lo_q, hi_q = alpha / 2, 1 - alpha / 2
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
                    **labels,
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
    return _text_columns(pd.concat(parts, ignore_index=True), ("service", "metric"))


def _per_client_table(pairs: _Pairs, services: list, unit: np.ndarray, *, id, group):
    """One row per client × service (client-major): counts and costs at both time points."""
    n_services = len(services)
    B, A = pairs.baseline, pairs.follow_up
    per_client = pd.DataFrame({id: np.repeat(pairs.matched.to_numpy(), n_services)})
    if group is not None:
        per_client[group] = np.repeat(pairs.member, n_services)
    per_client["service"] = np.tile(np.asarray(services, dtype=object), len(pairs.matched))
    per_client["count_baseline"] = B.ravel().astype("int64")
    per_client["count_follow_up"] = A.ravel().astype("int64")
    per_client["count_change"] = (A - B).ravel().astype("int64")
    per_client["cost_baseline"] = (B * unit).ravel()
    per_client["cost_follow_up"] = (A * unit).ravel()
    per_client["cost_change"] = ((A - B) * unit).ravel()
    return _text_columns(per_client, ("service",))


def _text_columns(table: pd.DataFrame, columns) -> pd.DataFrame:
    """``table`` with its label columns as the string dtype (set in place; it was just built)."""
    for col in columns:
        table[col] = table[col].astype("str")
    return table


def service_use_change(
    data: pd.DataFrame,
    *,
    id: str = "client_id", time: str = "period", baseline="before", follow_up="after",
    services: str | Iterable[str] | None = None, unit_costs: Mapping | None = None,
    costs: pd.DataFrame | None = None, price_year=None, index=DEFAULT_INDEX,
    group: str | None = None, reference=None, unmatched: str = "raise",
    n_boot: int = 2000, ci: float = DEFAULT_CI, random_state=0,
) -> ServiceUseChange:
    """Change in service use and its cost from baseline to follow-up, per client and cohort.

    Each client has one row per time point (``baseline``/``follow_up``, e.g. the 12 months
    before and after referral) with a count per service. Counts are costed with unit costs
    restated to one price year, and summarised per service and in total: the mean per client
    at baseline, at follow-up and the change, and the total change for the cohort, each with
    a bootstrap percentile confidence interval. With a ``group`` column the same is done for
    each group, and the difference in change between each group and the reference group
    (difference-in-differences on counts and costs) is estimated with its own interval.

    Parameters
    ----------
    data : DataFrame
        Long data: one row per client × time point. Not modified.
    id, time : str, default "client_id", "period"
        Columns holding the client identifier and the time point.
    baseline, follow_up : default "before", "after"
        The values of ``time`` for the two time points (as in the bundled data).
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
        Clients with only one of the two time points raise :class:`UnmatchedRecordsError`
        listing them; ``"exclude"`` leaves them out of the estimates, lists them in
        ``result.unmatched`` and warns.
    n_boot : int, default 2000
        Bootstrap resamples of clients (within each group).
    ci : float, default 0.95
        Confidence level of the percentile intervals.
    random_state : int, numpy Generator or None, default 0
        Seed for the bootstrap, fixed by default so that reruns give the same intervals;
        ``None`` draws fresh randomness.

    Returns
    -------
    ServiceUseChange
        Tables ``change`` (also ``to_frame()``), ``by_time``, ``difference``,
        ``assumptions``, ``per_client`` and ``unmatched``; see :class:`ServiceUseChange`.

    Notes
    -----
    For client *i* and service *s* with counts :math:`b_{is}` (baseline) and :math:`a_{is}`
    (follow-up) and unit cost :math:`u_s` (restated to the chosen price year, see
    :func:`restate_costs`):

    .. math::

        \\bar b_s = \\tfrac1n \\sum_i b_{is}, \\quad \\bar a_s = \\tfrac1n \\sum_i a_{is},
        \\quad \\Delta_s = \\bar a_s - \\bar b_s, \\quad
        \\Delta_{\\text{cost}} = \\sum_s u_s \\Delta_s, \\quad
        T = n \\, \\Delta

    and, for a group *g* against the reference *r*, :math:`D = \\Delta^{(g)} - \\Delta^{(r)}`.
    Intervals are bootstrap percentile intervals (Efron & Tibshirani 1993, ch. 13): clients
    are resampled with replacement within each group (keeping each client's two time points
    together), every statistic is recomputed on each resample, and the α/2 and 1 − α/2
    quantiles (α = 1 − ci) are reported. Resampling is vectorised: each resample is a
    multinomial weight vector, so the resampled means are one matrix product. Percentile
    intervals of skewed cost data can be too narrow with few clients or rare events
    (admissions); the difference-in-differences assumes the groups would have changed alike
    without the programme (parallel trends).

    Raises
    ------
    MissingColumnError
        A named column is absent.
    InvalidValueError
        A time label other than ``baseline``/``follow_up``, a missing id, time or group, a
        group that differs between a client's two rows, a count that is missing, negative
        or not whole (naming column and rows), a service without a unit cost (naming the
        column), a price year missing from the index, or bad settings.
    DuplicateKeyError
        A client with two rows for the same time point.
    UnmatchedRecordsError
        Clients with only one time point (``unmatched="raise"``), listing them.

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
    >>> res.change[["service", "metric", "mean_baseline", "mean_follow_up", "mean_change",
    ...             "total_change"]].round(2)
      service metric  mean_baseline  mean_follow_up  mean_change  total_change
    0      gp  count            4.0            3.00        -1.00          -3.0
    1      ae  count            1.0            0.33        -0.67          -2.0
    2      gp   cost          192.0          144.00       -48.00        -144.0
    3      ae   cost          280.0           93.33      -186.67        -560.0
    4   total   cost          472.0          237.33      -234.67        -704.0
    >>> res.price_year, res.assumptions["restated_unit_cost"].tolist()
    ('2024/25', [48.0, 280.0])
    """
    services, alpha = _check_settings(services, unmatched, n_boot, ci, baseline, follow_up)
    times = {"time": time, "baseline": baseline, "follow_up": follow_up}
    counts = _validate_use(data, services, id=id, group=group, **times)
    pairs = _pair_clients(data, counts, id=id, group=group, unmatched=unmatched, **times)
    reference = _reference_group(pairs.levels, group, reference)
    assumptions, target, currency, cost_notes = _resolve_unit_costs(
        services, unit_costs, costs, price_year, index
    )
    unit = assumptions["restated_unit_cost"].to_numpy(dtype=float)
    estimates = _bootstrap(pairs, unit, n_boot, random_state)
    change, by_time = _change_tables(estimates, services, pairs.levels, alpha=alpha, **times)
    difference = None if group is None or len(pairs.levels) < 2 else _difference_table(
        estimates, services, pairs.levels, reference, alpha)
    return ServiceUseChange(
        change=change, by_time=by_time, difference=difference, assumptions=assumptions,
        per_client=_per_client_table(pairs, services, unit, id=id, group=group),
        unmatched=pairs.unmatched, price_year=target, currency=currency,
        notes=cost_notes + pairs.notes,
        settings={"n_boot": int(n_boot), "ci": float(ci), "random_state": random_state,
                  "index": assumptions["index"].iloc[0], "reference": reference},
    )
