"""Discounting, unit costs, price years, service use and social return on investment (SROI).

The package reads top to bottom, one topic per file; every name below is available as
``wellbeing_lib.economics.<name>``:

=====================  ======================================================================
file                   what is in it
=====================  ======================================================================
``discounting.py``     :func:`discount_rates` (HM Treasury Green Book schedules),
                       :func:`discount_factors` (vectorised), :func:`present_value` →
                       :class:`PresentValue`; the year-numbering convention
                       (``first_year_discounted``)
``costs.py``           :func:`unit_costs` (NHS reference costs, PSSRU), :func:`financial_proxies`
                       (the WELLBY), :func:`cost_service_use` → :class:`ServiceUseCost`,
                       :func:`inflation_index` (PSSRU NHSCII), :func:`restate_costs`
``service_use.py``     :func:`service_use_change` → :class:`ServiceUseChange`: counts and costs
                       per client at baseline and follow-up, change for the cohort, bootstrap
                       intervals, difference-in-differences between groups
``impact_map.py``      :func:`validate_impact_map`, :func:`read_impact_map` (the SROI impact
                       map, validated on load)
``service_impact.py``  :func:`impact_map_from_service_use`, :func:`implied_deadweight`,
                       :func:`quantity_distributions`, :func:`quantity_ranges` (from service
                       use to impact-map rows and their uncertainty)
``sroi.py``            :func:`sroi` → :class:`SROIResult` (per outcome × year table, totals,
                       payback, summaries, assumptions), :func:`waterfall_table`,
                       :func:`apply_overrides`
``sensitivity.py``     :func:`sroi_scenarios`, one-way :func:`sroi_sensitivity`,
                       :func:`breakeven` (the value of each parameter at which the ratio
                       reaches 1:1 or a target ratio)
``monte_carlo.py``     :func:`sroi_monte_carlo` → :class:`SROIMonteCarlo` (vectorised)
``plots.py``           :func:`plot_sroi_waterfall`, :func:`plot_sroi_tornado`,
                       :func:`plot_sroi_monte_carlo`
``_model.py``          (private) the SROI model and present-value kernels shared by
                       ``sroi``, ``sensitivity`` and ``monte_carlo``
=====================  ======================================================================

The live slider panel is :func:`wellbeing_lib.widgets.sroi_panel`. Time points are named as
in :mod:`wellbeing_lib.outcomes`: ``service_use_change(time=, baseline=, follow_up=)`` and
result columns ``*_baseline`` / ``*_follow_up``. Every interval takes ``ci=0.95`` and every
random draw ``random_state`` (default 0, so a repeated call gives the same answer).

Example
-------
>>> from wellbeing_lib.economics import discount_factors
>>> discount_factors([1, 2, 3], 0.035).round(6)
array([1.      , 0.966184, 0.933511])
>>> discount_factors([1, 2, 3], 0.035, first_year_discounted=True).round(6)
array([0.966184, 0.933511, 0.901943])
"""

from __future__ import annotations

from .costs import (
    DEFAULT_INDEX,
    INFLATION_FILE,
    PROXY_FILE,
    UNIT_COST_COLUMNS,
    UNIT_COST_FILE,
    ServiceUseCost,
    cost_service_use,
    financial_proxies,
    inflation_index,
    restate_costs,
    unit_costs,
)
from .discounting import (
    DEFAULT_SCHEDULE,
    DISCOUNT_FILE,
    PresentValue,
    discount_factors,
    discount_rates,
    present_value,
)
from .impact_map import (
    IMPACT_MAP_COLUMNS,
    IMPACT_MAP_OPTIONAL,
    SROI_FRACTIONS,
    VALUE_TYPES,
    read_impact_map,
    validate_impact_map,
)
from .monte_carlo import MONTE_CARLO_PARAMETERS, SROIMonteCarlo, sroi_monte_carlo
from .plots import plot_sroi_monte_carlo, plot_sroi_tornado, plot_sroi_waterfall
from .sensitivity import (
    BREAKEVEN_PARAMETERS,
    SENSITIVITY_PARAMETERS,
    breakeven,
    sroi_scenarios,
    sroi_sensitivity,
)
from .service_impact import (
    impact_map_from_service_use,
    implied_deadweight,
    quantity_distributions,
    quantity_ranges,
)
from .service_use import (
    DEFAULT_SERVICE_ITEMS,
    SERVICE_COLUMNS,
    ServiceUseChange,
    service_use_change,
)
from .sroi import (
    INVESTMENT_TYPES,
    SROI_FIRST_YEAR_DISCOUNTED,
    SROIResult,
    apply_overrides,
    sroi,
    waterfall_table,
)

__all__ = [
    # discounting
    "discount_rates",
    "discount_factors",
    "present_value",
    "PresentValue",
    # costs and price years
    "unit_costs",
    "financial_proxies",
    "cost_service_use",
    "ServiceUseCost",
    "inflation_index",
    "restate_costs",
    # service use
    "service_use_change",
    "ServiceUseChange",
    # impact map
    "validate_impact_map",
    "read_impact_map",
    "impact_map_from_service_use",
    "implied_deadweight",
    "quantity_distributions",
    "quantity_ranges",
    # SROI
    "sroi",
    "SROIResult",
    "waterfall_table",
    "apply_overrides",
    "sroi_scenarios",
    "sroi_sensitivity",
    "breakeven",
    "sroi_monte_carlo",
    "SROIMonteCarlo",
    # plots
    "plot_sroi_waterfall",
    "plot_sroi_tornado",
    "plot_sroi_monte_carlo",
    # constants
    "SERVICE_COLUMNS",
    "DEFAULT_SERVICE_ITEMS",
    "IMPACT_MAP_COLUMNS",
    "IMPACT_MAP_OPTIONAL",
    "VALUE_TYPES",
    "SROI_FRACTIONS",
    "SROI_FIRST_YEAR_DISCOUNTED",
    "INVESTMENT_TYPES",
    "SENSITIVITY_PARAMETERS",
    "BREAKEVEN_PARAMETERS",
    "MONTE_CARLO_PARAMETERS",
    "UNIT_COST_COLUMNS",
    "DEFAULT_SCHEDULE",
    "DEFAULT_INDEX",
    "DISCOUNT_FILE",
    "UNIT_COST_FILE",
    "PROXY_FILE",
    "INFLATION_FILE",
]
