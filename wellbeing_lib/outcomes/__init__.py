"""Outcome instruments and change: registry, scoring, pairing, change, summaries, biases, plots.

The instruments an evaluator meets in NHS health and wellbeing programmes are
described *as data*, one row per instrument, in ``data/instruments.csv``
(items, response range, direction, meaningful-change threshold, reliability and
norms, each with its source).  Bands (ONS4 thresholds, PAM levels, the UCLA-3
loneliness cut-off) are in ``data/instrument_bands.csv`` and the SWEMWBS
raw-to-metric table in ``data/swemwbs_raw_to_metric.csv``.

The package reads top to bottom, one topic per file; every name below is available as
``wellbeing_lib.outcomes.<name>``:

==================  ==========================================================================
file                what is in it
==================  ==========================================================================
``instruments.py``  :class:`Instrument`, :func:`instruments` (the registry),
                    :func:`get_instrument`, :func:`define_instrument`
``scoring.py``      :func:`score` (totals or validated items per respondent),
                    :func:`score_array` (the same on numpy arrays, the fast path)
``conversion.py``   :func:`swemwbs_metric` (raw 7-35 → metric), :func:`wemwbs_equivalent`
                    (metric × 2, approximate), :func:`population_norm` (sex-standardised)
``bands.py``        :func:`instrument_bands`, :func:`band`, :func:`classify` (ONS4, PAM, UCLA-3)
``pairing.py``      :func:`pair_measurements` (long data), :func:`pair_wide` → :class:`Pairing`
``change.py``       :func:`change_criteria`, :func:`change`, :func:`classify_change` (arrays),
                    :func:`reliable_change_threshold`, :func:`distribution_thresholds`
``summaries.py``    :func:`improved_on_n` (% improved on ≥ 1 … all M measures, Wilson CIs),
                    :func:`baseline_vs_norm`, :func:`subgroup_summary` (suppressed)
``effects.py``      :func:`paired_effects` (means, d_z, g_av with CIs, paired t, Wilcoxon)
``bias.py``         :func:`expected_regression` (regression to the mean),
                    :func:`difference_in_differences` (uncontrolled vs comparison vs DiD)
``plots.py``        :func:`plot_score_distribution`, :func:`plot_improved_on_n`,
                    :func:`plot_paired`, :func:`plot_baseline_vs_norm`
==================  ==========================================================================

A typical analysis: score the long questionnaire table, pair it, classify the
change under each definition and summarise::

    scored = measures.join(score(measures, "swemwbs")[["swemwbs_metric"]])
    pairs = pair_measurements(scored, date="assessment_date")   # pairs.summary()
    changes = change(pairs, {"wellbeing": "swemwbs"}, definition=["any", "reliable"])
    improved_on_n(changes)                  # change_criteria(pairs, ...) gives the rules

The same calls take a polars DataFrame, a pyarrow Table, a polars LazyFrame, a DuckDB
relation or a PySpark DataFrame (:mod:`wellbeing_lib.frames`): :func:`score`,
:attr:`Pairing.paired` and :func:`change` come back in that backend (lazily for a lazy
one), the summaries (:func:`improved_on_n`, :func:`subgroup_summary`, the pairing
problems) as pandas; checks run where the data live.

What one step needs from an earlier one is passed explicitly: the id column (``id=``,
default ``"client_id"``), the suffixes of paired columns (``suffixes=``, default
``("_baseline", "_follow_up")``; a :class:`Pairing` carries its own), the rules of a
change table (:func:`change_criteria` with the arguments :func:`change` was given).

Values that are not settled in the literature (the WEMWBS meaningful-change
threshold, the UCLA-3 cut-off, an instrument's reliability) are defaults with
their source: override them with :meth:`Instrument.replace`, ``cutoff=`` or
``table=``.

Example
-------
>>> import pandas as pd
>>> answers = pd.DataFrame({f"swemwbs_{i}": [4, 3] for i in range(1, 8)})
>>> score(answers, "swemwbs")
   swemwbs_raw  swemwbs_metric  n_answered  prorated
0         28.0           25.03           7     False
1         21.0           19.25           7     False
"""

from __future__ import annotations

from .bands import BANDS_FILE, band, classify, instrument_bands
from .bias import difference_in_differences, expected_regression
from .change import (
    DEFINITIONS,
    RC_CRITERION,
    STATUS_LABELS,
    TOLERANCE,
    change,
    change_criteria,
    classify_change,
    distribution_thresholds,
    reliable_change_threshold,
)
from .conversion import SWEMWBS_TABLE, population_norm, swemwbs_metric, wemwbs_equivalent
from .effects import paired_effects
from .instruments import (
    ALIASES,
    DIRECTIONS,
    REGISTRY_FILE,
    SCORINGS,
    Instrument,
    define_instrument,
    get_instrument,
    instruments,
)
from .pairing import (
    DUPLICATE_RULES,
    PAIRING_PROBLEMS,
    SUFFIXES,
    Pairing,
    pair_measurements,
    pair_wide,
)
from .plots import (
    plot_baseline_vs_norm,
    plot_improved_on_n,
    plot_paired,
    plot_score_distribution,
)
from .scoring import MAX_FOUND, MISSING_POLICIES, score, score_array
from .summaries import IMPROVED_POLICIES, baseline_vs_norm, improved_on_n, subgroup_summary

__all__ = [
    # instruments
    "Instrument",
    "instruments",
    "get_instrument",
    "define_instrument",
    # scoring and conversion
    "score",
    "score_array",
    "swemwbs_metric",
    "wemwbs_equivalent",
    "population_norm",
    # bands
    "instrument_bands",
    "band",
    "classify",
    # pairing
    "Pairing",
    "pair_measurements",
    "pair_wide",
    # change
    "classify_change",
    "reliable_change_threshold",
    "change_criteria",
    "distribution_thresholds",
    "change",
    # summaries, effects, biases
    "improved_on_n",
    "paired_effects",
    "baseline_vs_norm",
    "subgroup_summary",
    "expected_regression",
    "difference_in_differences",
    # plots
    "plot_score_distribution",
    "plot_improved_on_n",
    "plot_paired",
    "plot_baseline_vs_norm",
    # constants
    "DEFINITIONS",
    "STATUS_LABELS",
    "PAIRING_PROBLEMS",
    "DUPLICATE_RULES",
    "SUFFIXES",
    "TOLERANCE",
    "RC_CRITERION",
    "IMPROVED_POLICIES",
    "MISSING_POLICIES",
    "MAX_FOUND",
    "DIRECTIONS",
    "SCORINGS",
    "ALIASES",
    "REGISTRY_FILE",
    "BANDS_FILE",
    "SWEMWBS_TABLE",
]
