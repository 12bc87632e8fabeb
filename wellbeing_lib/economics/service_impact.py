"""From service use to SROI: impact-map rows and their uncertainty, beyond a comparison group.

The bridge between :func:`~wellbeing_lib.economics.service_use_change` and the SROI
functions:

* :func:`impact_map_from_service_use` turns the difference-in-differences of a
  :class:`~wellbeing_lib.economics.ServiceUseChange` into impact-map rows (contacts
  avoided × restated unit cost, deadweight 0);
* :func:`implied_deadweight` shows the deadweight an uncontrolled baseline/follow-up
  estimate would need;
* :func:`quantity_distributions` / :func:`quantity_ranges` give the Monte Carlo and
  sensitivity inputs that match its bootstrap intervals.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..errors import InvalidValueError
from ..validation import DEFAULT_CI, check_ci
from .impact_map import VALUE_TYPES, validate_impact_map
from .service_use import ServiceUseChange

__all__ = [
    "impact_map_from_service_use",
    "implied_deadweight",
    "quantity_distributions",
    "quantity_ranges",
]

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
    show the deadweight an uncontrolled baseline/follow-up estimate would need.

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
        client, *group* follow-up − baseline minus *reference* follow-up − baseline, × the
        clients in the group, with its sign turned so that a fall is positive),
        ``quantity``, ``proxy_value``,
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
    *s* (group minus reference, follow-up − baseline), :math:`n` the clients in the group and
    :math:`u_s` the unit cost: quantity :math:`= -n D_s`, proxy :math:`= u_s`. See
    Cabinet Office (2012), *A guide to Social Return on Investment*, on deadweight measured
    with a comparison group.

    Example
    -------
    Two referred and two comparison clients; GP appointments cost £48 (2024/25). Referred
    clients fall by 2 and 3 appointments (mean −2.5), comparison clients by 1 and 0
    (mean −0.5): D = −2, so 2 referred clients avoided 4 appointments worth £192.

    >>> import pandas as pd
    >>> from wellbeing_lib.economics import service_use_change
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
    """The deadweight an uncontrolled baseline/follow-up estimate would need, per service.

    An evaluation without a comparison group credits the programme with the group's whole
    baseline/follow-up fall. The difference-in-differences credits only the fall beyond the
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
    >>> from wellbeing_lib.economics import service_use_change
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

    return float(ndtri(1.0 - check_ci(use.settings.get("ci", DEFAULT_CI)) / 2))


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

    with :math:`\\alpha = 1 - \\text{ci}` and :math:`z_{0.975} = 1.96` for the 95% intervals
    of :func:`service_use_change` (the level ``ci`` is read from ``use.settings``). A
    symmetric normal is an approximation: the percentile interval of a skewed cost or a rare
    event is not symmetric about the estimate. A service whose interval has no width gets a
    fixed value.

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
    >>> from wellbeing_lib.economics import service_use_change
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
    >>> from wellbeing_lib.economics import service_use_change
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
