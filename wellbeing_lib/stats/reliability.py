"""Reliability of a scale: Cronbach's alpha with the Feldt interval.

Inter-rater agreement (percent agreement, kappa, Krippendorff's alpha) is in
:mod:`wellbeing_lib.stats.agreement`.
"""

from __future__ import annotations

import pandas as pd

from ..errors import InvalidValueError
from ..validation import DEFAULT_CI, check_ci, check_numeric

__all__ = ["cronbach_alpha"]


def cronbach_alpha(data: pd.DataFrame, *, items, ci: float = DEFAULT_CI) -> pd.DataFrame:
    """Cronbach's alpha of a set of items, with the Feldt (1965) confidence interval.

    .. math::

        \\alpha = \\frac{k}{k - 1}\\left(1 - \\frac{\\sum_j s_j^2}{s_X^2}\\right)

    with ``k`` items, item variances :math:`s_j^2` and the variance of the total
    :math:`s_X^2` (ddof = 1), over the respondents who answered every item (listwise
    deletion; the number used is reported).  The interval is Feldt's:
    :math:`1 - (1 - \\alpha) F_{1-a/2}` to :math:`1 - (1 - \\alpha) F_{a/2}` (:math:`a = 1 -` ``ci``) with
    :math:`F` the F distribution on ``n − 1`` and ``(n − 1)(k − 1)`` degrees of freedom
    (the interval pingouin and the R package psych report).

    Use it to take an instrument's reliability *from the data* for a reliable change
    index, e.g. ``outcomes.change(..., reliability={"wellbeing": (a, "alpha of the
    baseline items")})``.

    Parameters
    ----------
    data : DataFrame
        One row per respondent.
    items : list of str
        At least two numeric item columns.
    ci : float, default 0.95
        Confidence level of the interval.

    Returns
    -------
    DataFrame
        One row: ``n`` (complete respondents), ``n_excluded``, ``k``, ``alpha``,
        ``ci_low``, ``ci_high``.

    Example
    -------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"q1": [1, 2, 3, 4, 5], "q2": [2, 2, 3, 5, 5],
    ...                    "q3": [1, 3, 3, 4, 4]})
    >>> cronbach_alpha(df, items=["q1", "q2", "q3"]).round(3)
       n  n_excluded  k  alpha  ci_low  ci_high
    0  5           0  3  0.954   0.766    0.995
    """
    from scipy import stats as sps

    level = check_ci(ci)
    items = list(items)
    if len(items) < 2:
        raise InvalidValueError("Cronbach's alpha needs at least two items", column=items,
                                expected="two or more item columns", found=[len(items)])
    values = check_numeric(data, items)
    complete = values.dropna()
    n, k = len(complete), len(items)
    if n < 2:
        raise InvalidValueError("too few complete respondents for Cronbach's alpha",
                                column=items, expected="at least 2 respondents answering "
                                "every item", found=[f"{n} complete"])
    x = complete.to_numpy(dtype=float)
    total_var = x.sum(axis=1).var(ddof=1)
    if total_var == 0:
        raise InvalidValueError("the item totals do not vary, so alpha is undefined",
                                column=items, expected="totals that differ between people")
    a = k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / total_var)
    df1, df2 = n - 1, (n - 1) * (k - 1)
    low = 1 - (1 - a) * sps.f.ppf(1 - level / 2, df1, df2)
    high = 1 - (1 - a) * sps.f.ppf(level / 2, df1, df2)
    return pd.DataFrame({"n": [n], "n_excluded": [len(values) - n], "k": [k],
                         "alpha": [a], "ci_low": [low], "ci_high": [high]})
