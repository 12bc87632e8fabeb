"""Statistics shared by several domains: intervals, reliability and inter-rater agreement.

==================  ===============================================================
``intervals``       proportions with Wilson (and other) intervals; means with t intervals
``reliability``     Cronbach's alpha with the Feldt interval
``agreement``       inter-rater agreement on a units x coders table: percent agreement,
                    Cohen's kappa, Krippendorff's alpha (bootstrap CI), computed in numpy
``coefficients``    the coefficient family side by side, one row per variable: percent
                    agreement, Cohen's (Conger's) kappa, Scott's pi, Fleiss' kappa,
                    Gwet's AC1/AC2, Brennan-Prediger, Krippendorff's alpha, each with
                    Gwet's standard error and interval
``unitizing``       agreement on where codes were put in a text: character overlap and
                    Krippendorff's unitizing alpha
==================  ===============================================================

Every function that gives an interval takes ``ci=0.95`` (the confidence level); every
bootstrap takes ``random_state`` (default 0).

Example
-------
>>> from wellbeing_lib.stats import proportion_ci
>>> proportion_ci([85, 12], [100, 40]).round(4)
    n    N  proportion  ci_low  ci_high
0  85  100        0.85  0.7672   0.9069
1  12   40        0.30  0.1807   0.4543
"""

from .agreement import (
    KAPPA_WEIGHTS,
    LEVELS,
    binary_alpha,
    cohens_kappa,
    cohens_kappa_table,
    krippendorff_alpha,
    percent_agreement,
    reliability_matrix,
)
from .coefficients import (
    AGREEMENT_WEIGHTS,
    COEFFICIENTS,
    agreement_coefficients,
    agreement_weights,
    coefficients_from_counts,
)
from .intervals import CI_METHODS, mean_ci, proportion_ci
from .reliability import cronbach_alpha
from .unitizing import character_overlap, unitized_alpha

__all__ = [
    "proportion_ci",
    "mean_ci",
    "cronbach_alpha",
    "CI_METHODS",
    "reliability_matrix",
    "percent_agreement",
    "cohens_kappa",
    "krippendorff_alpha",
    "cohens_kappa_table",
    "binary_alpha",
    "agreement_coefficients",
    "unitized_alpha",
    "character_overlap",
    "coefficients_from_counts",
    "agreement_weights",
    "COEFFICIENTS",
    "AGREEMENT_WEIGHTS",
    "LEVELS",
    "KAPPA_WEIGHTS",
]
