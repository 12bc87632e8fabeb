"""Monitoring over time and reach: NHS "Making Data Count" charts, and who the programme reaches.

The package reads top to bottom, one topic per file; every name below is available as
``wellbeing_lib.monitoring.<name>``:

=================  ======================================================================
file               what is in it
=================  ======================================================================
``rules.py``       the four special-cause rules (outside the limits, trend, two of three
                   near a limit, shift), vectorised: :func:`detect_rules`; the default run
                   lengths :data:`SHIFT_LENGTH`, :data:`TREND_LENGTH` (7, as NHS England)
``icons.py``       the variation and assurance icons with their words:
                   :func:`point_types`, :func:`variation_code`, :func:`assurance_code`,
                   :func:`icon_table`
``spc.py``         :func:`xmr_chart`, :func:`p_chart`, :func:`u_chart` → :class:`SPCChart`
                   (fixed and recalculated baselines, rebasing, targets, Laney's p′/u′);
                   :func:`ae_attendances` (the NHSRplotthedots example data they match)
``signals.py``     :func:`signal_episodes`, :func:`describe_chart` (a plain-English reading)
``feeds.py``       :func:`programme_feeds` → :class:`MonthlyFeeds` (referrals, per 1,000
                   registered, days to first contact, % followed up, % improved, change in
                   service use), :func:`monthly_counts`, :func:`month_of`
``overview.py``    :func:`monitor` → :class:`Monitoring`: every feed charted, the icon
                   summary table
``population.py``  :func:`read_gp_registrations` (NHS Digital "Patients registered at a GP
                   practice"), :func:`population_by_age_band`, :func:`registered_population`
``reach.py``       :func:`poisson_ci` (Garwood), :func:`referral_rates`, :func:`funnel` →
                   :class:`Funnel` (exact Poisson/binomial limits, overdispersion),
                   :func:`representation` (referred vs registered),
                   :func:`self_referral_profile`
``plots.py``       :func:`plot_spc`, :func:`plot_funnel`, :func:`plot_representation`
``reports.py``     :func:`write_monitoring_workbook`, :func:`icon_legend`
=================  ======================================================================

The explorer is :func:`wellbeing_lib.widgets.monitoring_explorer`.  Settings follow the
library's words: ``ci=0.95`` for intervals; the improvement direction, target and rebase
dates as NHSRplotthedots names them.  The charts take a tidy table (one row per series ×
month), so outcomes computed elsewhere (e.g. who improved) come in as a column or a table.

Example
-------
>>> import pandas as pd
>>> from wellbeing_lib.monitoring import xmr_chart
>>> df = pd.DataFrame({"month": pd.date_range("2017-01-01", periods=15, freq="MS"),
...                    "referrals": [40, 44, 38, 41, 45, 39, 43, 42, 40, 44, 41, 43, 52, 55, 58]})
>>> chart = xmr_chart(df, value="referrals", date="month")
>>> chart.icons.loc[0, "variation"], chart.points["rule"].tail(3).tolist()
('improvement_high', ['none', 'outside_limits', 'outside_limits'])
"""

from __future__ import annotations

from .feeds import (
    FEED_MEASURES,
    SERVICE_LABELS,
    MonthlyFeeds,
    month_of,
    monthly_counts,
    programme_feeds,
)
from .icons import (
    ASSURANCE_DESCRIPTIONS,
    ASSURANCE_ICONS,
    ASSURANCE_LABELS,
    ASSURANCE_SYMBOLS,
    IMPROVEMENT_DIRECTIONS,
    POINT_TYPES,
    VARIATION_DESCRIPTIONS,
    VARIATION_ICONS,
    VARIATION_LABELS,
    VARIATION_SYMBOLS,
    assurance_code,
    icon_table,
    point_types,
    variation_code,
)
from .overview import Monitoring, monitor
from .plots import POINT_STYLES, plot_funnel, plot_representation, plot_spc
from .population import (
    AGE_BANDS,
    POPULATION_COLUMNS,
    population_by_age_band,
    read_gp_registrations,
    registered_population,
)
from .reach import (
    FUNNEL_LEVELS,
    OVERDISPERSION,
    Funnel,
    exact_funnel_limits,
    funnel,
    poisson_ci,
    referral_rates,
    representation,
    self_referral_profile,
)
from .reports import icon_legend, write_monitoring_workbook
from .rules import (
    LIMIT_SIGMA,
    RULE_ORDER,
    SHIFT_LENGTH,
    TREND_LENGTH,
    RuleFlags,
    detect_rules,
    run_membership,
)
from .signals import RULE_WORDS, describe_chart, signal_episodes
from .spc import (
    MR_SCREEN,
    TRIAL_LIMIT_POINTS,
    XMR_LIMIT,
    SPCChart,
    ae_attendances,
    p_chart,
    u_chart,
    xmr_chart,
)

__all__ = [
    # rules
    "SHIFT_LENGTH",
    "TREND_LENGTH",
    "LIMIT_SIGMA",
    "RULE_ORDER",
    "RuleFlags",
    "detect_rules",
    "run_membership",
    # icons
    "IMPROVEMENT_DIRECTIONS",
    "POINT_TYPES",
    "VARIATION_ICONS",
    "VARIATION_LABELS",
    "VARIATION_DESCRIPTIONS",
    "VARIATION_SYMBOLS",
    "ASSURANCE_ICONS",
    "ASSURANCE_LABELS",
    "ASSURANCE_DESCRIPTIONS",
    "ASSURANCE_SYMBOLS",
    "point_types",
    "variation_code",
    "assurance_code",
    "icon_table",
    # charts
    "XMR_LIMIT",
    "MR_SCREEN",
    "TRIAL_LIMIT_POINTS",
    "SPCChart",
    "xmr_chart",
    "p_chart",
    "u_chart",
    "ae_attendances",
    # signals
    "RULE_WORDS",
    "signal_episodes",
    "describe_chart",
    # feeds and overview
    "FEED_MEASURES",
    "SERVICE_LABELS",
    "MonthlyFeeds",
    "month_of",
    "monthly_counts",
    "programme_feeds",
    "Monitoring",
    "monitor",
    # population and reach
    "AGE_BANDS",
    "POPULATION_COLUMNS",
    "read_gp_registrations",
    "population_by_age_band",
    "registered_population",
    "FUNNEL_LEVELS",
    "OVERDISPERSION",
    "poisson_ci",
    "referral_rates",
    "exact_funnel_limits",
    "Funnel",
    "funnel",
    "representation",
    "self_referral_profile",
    # presentation
    "POINT_STYLES",
    "plot_spc",
    "plot_funnel",
    "plot_representation",
    "icon_legend",
    "write_monitoring_workbook",
]
