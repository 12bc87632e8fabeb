"""Statistics shared by several domains: intervals and reliability.

==================  ===============================================================
``intervals``       proportions with Wilson (and other) intervals; means with t intervals
``reliability``     Cronbach's alpha with the Feldt interval
==================  ===============================================================

Every function that gives an interval takes ``ci=0.95`` (the confidence level).

Example
-------
>>> from wellbeing_lib.stats import proportion_ci
>>> proportion_ci([85, 12], [100, 40]).round(4)
    n    N  proportion  ci_low  ci_high
0  85  100        0.85  0.7672   0.9069
1  12   40        0.30  0.1807   0.4543
"""

from .intervals import CI_METHODS, mean_ci, proportion_ci
from .reliability import cronbach_alpha

__all__ = ["proportion_ci", "mean_ci", "cronbach_alpha", "CI_METHODS"]
