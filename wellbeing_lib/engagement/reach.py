"""Reach and representativeness: who took part, against whom they should stand for.

:func:`reach` counts participants by stakeholder type, channel, locality or seldom-heard
group; :func:`representation` compares the sample's make-up with the population's
(ratios with Wilson-based intervals, flags for under-represented and seldom-heard
groups); :func:`goodness_of_fit` tests it.  Weights that correct the make-up come from
:func:`~wellbeing_lib.engagement.rake`.

Example
-------
>>> import pandas as pd
>>> sample = pd.DataFrame({"age": ["65+"] * 30 + ["16-64"] * 70})
>>> pop = pd.DataFrame({"variable": "age", "category": ["16-64", "65+"],
...                     "share": [0.5, 0.5]})
>>> representation(sample, pop)[["category", "ratio", "flag"]]  # doctest: +NORMALIZE_WHITESPACE
  category  ratio               flag
0    16-64    1.4
1      65+    0.6  under-represented
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InvalidValueError
from ..io import with_source
from ..stats import proportion_ci
from ..validation import (
    DEFAULT_CI,
    as_columns,
    check_ci,
    check_labels,
    check_numeric,
    check_unique,
    require_columns,
    source_of,
)
from ._common import _as_text, _categories, _value_column, _weights, _wilson
from ._mentions import _suppress

__all__ = ["UNDER_REPRESENTED", "MISSING_LABEL", "reach", "representation", "goodness_of_fit"]

#: representation ratio below which a group is flagged as under-represented
UNDER_REPRESENTED = 0.8

MISSING_LABEL = "(missing)"



def _population(population: pd.DataFrame, value, variables=None) -> pd.DataFrame:
    """Validated tidy population table: variable, category (text), target, share."""
    if not isinstance(population, pd.DataFrame):
        raise TypeError("population must be a DataFrame with variable, category and share "
                        "(or count) columns")
    require_columns(population, ["variable", "category"], what="population table")
    value = _value_column(population, value)
    targets = check_numeric(population, [value], low=0, allow_missing=False)[value]
    pop = pd.DataFrame({"variable": population["variable"].astype("str"),
                        "category": _as_text(population["category"]),
                        "target": targets.to_numpy()}, index=population.index)
    with_source(pop, source_of(population))  # errors below name the population file
    check_labels(pop, ["variable", "category"], "category")
    check_unique(pop, ["variable", "category"])
    if variables is not None:
        variables = as_columns(variables)
        absent = [v for v in variables if v not in set(pop["variable"])]
        if absent:
            raise InvalidValueError("variable not in the population table", column="variable",
                                    expected="one of " + ", ".join(pd.unique(pop["variable"])),
                                    found=absent)
        pop = pop[pop["variable"].isin(variables)]
    totals = pop.groupby("variable", sort=False)["target"].transform("sum")
    if (totals <= 0).any():
        raise InvalidValueError("population shares of a variable are all zero",
                                column=value, expected="some positive share",
                                found=list(pd.unique(pop.loc[totals <= 0, "variable"])))
    pop["share"] = pop["target"] / totals
    return pop



def reach(data: pd.DataFrame, *, columns, ci: float = DEFAULT_CI,
          suppress=False) -> pd.DataFrame:
    """Who took part: counts and percentages by stakeholder type, channel, locality, ...

    Parameters
    ----------
    data : DataFrame
        One row per participant.
    columns : str or list of str
        Characteristics to count (categorical or True/False flag columns such as
        seldom-heard group flags).  Missing values are counted as ``"(missing)"``.
    ci : float, default 0.95
        Wilson interval for each percentage.
    suppress : bool or dict
        Apply :func:`wellbeing_lib.privacy.suppress_rows` (see
        :func:`~wellbeing_lib.engagement.theme_frequency`).

    Returns
    -------
    DataFrame
        ``variable``, ``category`` (text), ``n``, ``N`` (all participants), ``percent``,
        ``ci_low``, ``ci_high``; categories in sorted order within each variable.

    Example
    -------
    >>> import pandas as pd
    >>> people = pd.DataFrame({"type": ["public"] * 3 + ["professional"],
    ...                        "channel": ["telephone", "outreach", None, "online"]})
    >>> reach(people, columns=["type", "channel"]).round(1)
      variable      category  n  N  percent  ci_low  ci_high
    0     type  professional  1  4     25.0     4.6     69.9
    1     type        public  3  4     75.0    30.1     95.4
    2  channel     (missing)  1  4     25.0     4.6     69.9
    3  channel        online  1  4     25.0     4.6     69.9
    4  channel      outreach  1  4     25.0     4.6     69.9
    5  channel     telephone  1  4     25.0     4.6     69.9
    """
    check_ci(ci)
    columns = as_columns(columns)
    require_columns(data, columns)
    parts = []
    for col in columns:  # over characteristics
        counts = _as_text(data[col]).fillna(MISSING_LABEL).value_counts().sort_index()
        parts.append(pd.DataFrame({"variable": col, "category": counts.index.astype("str"),
                                   "n": counts.to_numpy(), "N": len(data)}))
    out = pd.concat(parts, ignore_index=True)
    wilson = proportion_ci(out["n"].to_numpy(), out["N"].to_numpy(), ci=ci)
    out["percent"] = 100 * wilson["proportion"].to_numpy()
    out["ci_low"] = 100 * wilson["ci_low"].to_numpy()
    out["ci_high"] = 100 * wilson["ci_high"].to_numpy()
    return _suppress(out, suppress, ["n", "N"], ["percent", "ci_low", "ci_high"], ci=ci)


def representation(data: pd.DataFrame, population: pd.DataFrame, *, variables=None,
                   value: str | None = None, weights=None, threshold: float = UNDER_REPRESENTED,
                   ci: float = DEFAULT_CI, seldom_heard=None, suppress=False) -> pd.DataFrame:
    """Compare the sample with the population: representation ratios with CIs and flags.

    For each category c of each variable::

        ratio_c = sample share_c / population share_c

    1 = represented in proportion, below 1 = under-represented.  The CI of the ratio is
    the Wilson interval of the sample share divided by the population share (the
    population share is treated as known, e.g. census counts).  A category is flagged
    ``under_represented`` when its ratio is below ``threshold`` (default 0.8: fewer than
    four-fifths of the expected number of participants - a convention, not a standard;
    change it and say so).  ``seldom_heard`` marks categories that are seldom-heard
    groups so the flag can say "under-represented seldom-heard group".

    With ``weights`` (e.g. from :func:`~wellbeing_lib.engagement.rake`) the sample share is
    weighted and its Wilson interval uses Kish's effective sample size (Σw)² / Σw² - a check
    that the weights reproduce the population.

    Parameters
    ----------
    data : DataFrame
        One row per participant with the ``variables`` as columns.
    population : DataFrame
        Tidy: ``variable``, ``category`` and a ``share`` (or ``percent``, ``count``,
        ``population``; or name it with ``value``) column; shares are normalised within
        each variable.  Categories are matched as text (1 = "1").
    variables : str or list, optional
        Variables to compare (default: all in ``population``).
    weights : str, Series or array, optional
    threshold : float, default 0.8
        Ratio below which a category is under-represented (give the same value to
        :func:`~wellbeing_lib.engagement.plot_representation`).
    ci : float, default 0.95
    seldom_heard : dict, optional
        ``{variable: [categories]}`` that are seldom-heard groups.
    suppress : bool or dict, default False
        Publish the counts (unweighted only): :func:`wellbeing_lib.privacy.suppress_rows`
        on ``n``, ``N`` and ``n_missing`` (1-7 withheld, others rounded to 5; a dict
        passes settings), then the sample share, its Wilson interval, the ratios and the
        flags recomputed from the rounded counts, so that no published figure gives back
        an unrounded count.

    Returns
    -------
    DataFrame
        ``variable``, ``category``, ``n``, ``N`` (participants with a known value),
        ``n_missing``, ``sample_percent``, ``ci_low``, ``ci_high``,
        ``population_percent``, ``ratio``, ``ratio_ci_low``, ``ratio_ci_high``,
        ``under_represented``, ``seldom_heard``, ``flag``.

    Raises
    ------
    InvalidValueError
        A participant's category is not in the population table (rows named); bad
        population shares.

    Example
    -------
    30 of 100 participants are aged 65+, who are 50% of the population: ratio 0.6 with
    CI 0.2189/0.5 to 0.3958/0.5 (Wilson 95%).

    >>> import pandas as pd
    >>> sample = pd.DataFrame({"age": ["65+"] * 30 + ["16-64"] * 70})
    >>> pop = pd.DataFrame({"variable": "age", "category": ["16-64", "65+"],
    ...                     "share": [0.5, 0.5]})
    >>> representation(sample, pop)[["category", "n", "ratio", "ratio_ci_low",
    ...                              "ratio_ci_high", "flag"]].round(4)  # doctest: +NORMALIZE_WHITESPACE
      category   n  ratio  ratio_ci_low  ratio_ci_high               flag
    0    16-64  70    1.4        1.2083         1.5621
    1      65+  30    0.6        0.4379         0.7917  under-represented
    """
    check_ci(ci)
    if not (isinstance(threshold, float | int) and threshold > 0):
        raise ValueError(f"threshold must be a positive number, not {threshold!r}")
    pop = _population(population, value, variables)
    w = _weights(data, weights)
    seldom = {k: set(_as_text(pd.Series(list(v))).astype(str))
              for k, v in (seldom_heard or {}).items()}
    parts = []
    for var, table in pop.groupby("variable", sort=False):  # over variables
        cats = pd.Index(table["category"])
        codes = _categories(data, var, cats, "population table")
        known = codes >= 0
        k = len(cats)
        n = np.bincount(codes[known], minlength=k)
        if w is None:
            share = n / max(n.sum(), 1)
            eff = np.full(k, float(n.sum()))
        else:
            wk = w[known]
            share = np.bincount(codes[known], weights=wk, minlength=k) / wk.sum()
            eff = np.full(k, wk.sum() ** 2 / (wk**2).sum())
        low, high = _wilson(share, eff, ci)
        target = table["share"].to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(target > 0, share / target, np.nan)
            r_low = np.where(target > 0, low / target, np.nan)
            r_high = np.where(target > 0, high / target, np.nan)
        parts.append(pd.DataFrame({
            "variable": var, "category": cats.astype("str"), "n": n, "N": int(known.sum()),
            "n_missing": int((~known).sum()), "sample_percent": 100 * share,
            "ci_low": 100 * low, "ci_high": 100 * high, "population_percent": 100 * target,
            "ratio": ratio, "ratio_ci_low": r_low, "ratio_ci_high": r_high,
        }))
    out = pd.concat(parts, ignore_index=True)
    if suppress:
        if w is not None:
            raise InvalidValueError("suppress applies to unweighted counts",
                                    expected="weights=None with suppress")
        out = _suppress(out, suppress, ["n", "N", "n_missing"],
                        ["sample_percent", "ci_low", "ci_high", "ratio", "ratio_ci_low",
                         "ratio_ci_high"], ci=ci,
                        rates=(("n", "N", "sample_percent", "ci_low", "ci_high"),))
        target = out["population_percent"].where(out["population_percent"] > 0)
        out = out.assign(ratio=out["sample_percent"] / target,
                         ratio_ci_low=out["ci_low"] / target,
                         ratio_ci_high=out["ci_high"] / target)
    out["under_represented"] = (out["ratio"] < threshold).to_numpy()
    out["seldom_heard"] = [c in seldom.get(v, ()) for v, c in zip(out["variable"],
                                                                  out["category"])]
    flag = np.where(out["under_represented"] & out["seldom_heard"],
                    "under-represented seldom-heard group",
                    np.where(out["under_represented"], "under-represented",
                             np.where(out["seldom_heard"], "seldom-heard group", "")))
    out["flag"] = pd.Series(flag, dtype="str")
    return out


def goodness_of_fit(data: pd.DataFrame, population: pd.DataFrame, *, variables=None,
                    value: str | None = None) -> pd.DataFrame:
    """Chi-square goodness of fit of the sample's make-up to the population, per variable.

    ``X² = Σ (n_c - N P_c)² / (N P_c)`` with k - 1 degrees of freedom
    (:func:`scipy.stats.chisquare`), over the categories with a positive population
    share; participants with a missing value are left out.  A small p-value says the
    sample's mix differs from the population's; with thousands of participants even
    small differences are "significant", so read it beside the ratios of
    :func:`representation`.  Expected counts below 5 make the test approximate (noted).

    Returns
    -------
    DataFrame
        ``variable``, ``N``, ``k``, ``chi2``, ``dof``, ``p_value``, ``min_expected``,
        ``note``.

    Example
    -------
    >>> import pandas as pd
    >>> sample = pd.DataFrame({"age": ["65+"] * 30 + ["16-64"] * 70})
    >>> pop = pd.DataFrame({"variable": "age", "category": ["16-64", "65+"],
    ...                     "share": [0.5, 0.5]})
    >>> goodness_of_fit(sample, pop).drop(columns="note").round(4)
      variable    N  k  chi2  dof  p_value  min_expected
    0      age  100  2  16.0    1   0.0001          50.0
    """
    from scipy.stats import chisquare

    pop = _population(population, value, variables)
    rows = []
    for var, table in pop.groupby("variable", sort=False):  # over variables
        cats = pd.Index(table["category"])
        codes = _categories(data, var, cats, "population table")
        n = np.bincount(codes[codes >= 0], minlength=len(cats))
        share = table["share"].to_numpy()
        keep = share > 0
        total = int(n.sum())
        expected = share[keep] * total
        if total == 0 or keep.sum() < 2:
            rows.append({"variable": var, "N": total, "k": int(keep.sum()), "chi2": np.nan,
                         "dof": int(keep.sum()) - 1, "p_value": np.nan,
                         "min_expected": np.nan, "note": "needs participants and two categories"})
            continue
        res = chisquare(n[keep], expected)
        small = int((expected < 5).sum())
        rows.append({"variable": var, "N": total, "k": int(keep.sum()),
                     "chi2": float(res.statistic), "dof": int(keep.sum()) - 1,
                     "p_value": float(res.pvalue), "min_expected": float(expected.min()),
                     "note": f"{small} expected count(s) below 5: approximate" if small else ""})
    return pd.DataFrame(rows).astype({"variable": "str", "note": "str"})

