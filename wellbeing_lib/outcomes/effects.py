"""Paired effect sizes and tests: mean change with its interval, Cohen's d_z and Hedges'
g_av with noncentral-t intervals, the paired t-test and the Wilcoxon signed-rank test.

Example
-------
>>> import pandas as pd
>>> paired = pd.DataFrame({"client_id": ["a", "b", "c"], "pam_score_baseline": [40.0, 50, 45],
...                        "pam_score_follow_up": [44.0, 53, 47]})
>>> paired_effects(paired, measures={"activation": "pam"})[["n", "mean_change"]]
   n  mean_change
0  3          3.0
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..validation import DEFAULT_CI, check_ci, require_columns
from ._common import _as_list, _measure_names, _one_definition
from .change import change
from .pairing import Pairing

__all__ = ["paired_effects"]


def _hedges_j(df: float) -> float:
    """Hedges' (1981) exact small-sample correction J(df) = Γ(df/2) / (√(df/2) Γ((df−1)/2))."""
    from scipy.special import gammaln

    if df <= 1:
        return np.nan
    return float(np.exp(gammaln(df / 2) - 0.5 * np.log(df / 2) - gammaln((df - 1) / 2)))


def _nct_limits(t: float, df: float, alpha: float) -> tuple[float, float]:
    """Confidence limits for the noncentrality parameter of a t statistic (inverting the CDF)."""
    from scipy import optimize
    from scipy import stats as sps

    if not (np.isfinite(t) and df >= 1):
        return np.nan, np.nan

    def solve(target, direction):
        width = 2.0 + abs(t)
        for _ in range(60):
            edge = t + direction * width
            if direction * (sps.nct.cdf(t, df, edge) - target) < 0:
                return optimize.brentq(lambda ncp: sps.nct.cdf(t, df, ncp) - target,
                                       min(t, edge), max(t, edge), xtol=1e-10)
            width *= 2
        return np.nan  # pragma: no cover - the CDF is monotone in the noncentrality

    return solve(1 - alpha / 2, -1.0), solve(alpha / 2, 1.0)


def paired_effects(
    data,
    *,
    measures=None,
    by=None,
    id: str | None = None,
    suffixes: tuple[str, str] | None = None,
    ci: float = DEFAULT_CI,
) -> pd.DataFrame:
    """Before/after means, mean change with CI, paired effect sizes and tests, per measure.

    For each measure, over clients with both scores:

    * mean change ``x2 − x1`` (raw score points) with a t interval;
    * Cohen's :math:`d_z = \\bar D / s_D` (:math:`D` = direction-adjusted change,
      + = better), with an exact interval from the noncentral t distribution
      (limits of the noncentrality of :math:`t = d_z\\sqrt n`, divided by
      :math:`\\sqrt n`; Steiger & Fouladi 1997, Cumming 2012);
    * Hedges' :math:`g_{av} = J \\cdot \\bar D / ((s_1 + s_2)/2)` (Lakens 2013,
      eq. 10), :math:`J` Hedges' exact correction with df = n − 1
      (≈ 1 − 3/(4 df − 1)); its interval is the Algina & Keselman (2003)
      approximation: the noncentral-t limits for t rescaled by
      :math:`s_D / (s_{av}\\sqrt n)`, times :math:`J`;
    * paired t-test (:func:`scipy.stats.ttest_rel`) and Wilcoxon signed-rank test
      (:func:`scipy.stats.wilcoxon`, zero differences dropped — their number is
      reported), two-sided.

    Effect sizes and ``t`` are direction-adjusted (+ = better); ``mean_change`` and
    its interval are in raw score points (for UCLA-3 a fall is an improvement).

    Parameters
    ----------
    data : DataFrame, Pairing
        Output of :func:`change`; or paired data, in which case ``measures`` is the
        measure spec of :func:`change` (the any-change rows are computed).
    measures : list or dict, optional
        Measures to report (default: all).
    by : str or list of str, optional
        Grouping columns of ``data``.
    id, suffixes : optional
        For paired data: as for :func:`change`.
    ci : float, default 0.95
        Confidence level of the intervals.

    Returns
    -------
    DataFrame
        ``[by…], measure, direction, n, mean_baseline, sd_baseline, mean_follow_up,
        sd_follow_up, mean_change, change_ci_low, change_ci_high, sd_change, d_z,
        d_z_ci_low, d_z_ci_high, g_av, g_av_ci_low, g_av_ci_high, t, df, p_t,
        wilcoxon_w, p_wilcoxon, n_zero``.

    References
    ----------
    Lakens D (2013) Front Psychol 4:863.  Algina J, Keselman HJ (2003) Educ Psychol
    Meas 63(4):537-553.  Hedges LV (1981) J Educ Stat 6(2):107-128.

    Example
    -------
    >>> import pandas as pd
    >>> paired = pd.DataFrame({"client_id": list("abcdef"),
    ...                        "pam_score_baseline": [40.0, 50, 45, 60, 55, 52],
    ...                        "pam_score_follow_up": [44.0, 53, 45, 66, 54, 57]})
    >>> eff = paired_effects(paired, measures={"activation": "pam"})
    >>> eff[["n", "mean_change", "d_z", "g_av", "p_t"]].round(3)
       n  mean_change    d_z   g_av    p_t
    0  6        2.833  1.017  0.312  0.055
    """
    if isinstance(data, Pairing) or (isinstance(data, pd.DataFrame)
                                     and "measure" not in data.columns):
        data = change(data, measures, id=id, suffixes=suffixes)
        measures = None
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame, not {type(data).__module__}."
                        f"{type(data).__name__} (effect sizes are computed with scipy on "
                        "pandas: collect the change table first)")
    alpha = check_ci(ci)
    by = _as_list(by)
    require_columns(data, ["measure", "baseline", "follow_up", "improvement", *by],
                    what="paired_effects")
    frame = _one_definition(data)
    names = _measure_names(frame, list(measures) if isinstance(measures, Mapping) else measures)
    frame = frame[frame["measure"].isin(names)]
    rows = []
    grouped = (frame.groupby([*by, "measure"], observed=True, sort=True, dropna=False)
               if by else frame.groupby("measure", observed=True, sort=False))
    for key, sub in grouped:
        key = key if isinstance(key, tuple) else (key,)
        x1 = sub["baseline"].to_numpy(dtype=float)
        x2 = sub["follow_up"].to_numpy(dtype=float)
        d = sub["improvement"].to_numpy(dtype=float)
        ok = ~(np.isnan(x1) | np.isnan(x2))
        x1, x2, d = x1[ok], x2[ok], d[ok]
        n = len(d)
        row = dict(zip([*by, "measure"], key))
        sign = np.nan
        nonzero = np.flatnonzero((x2 - x1) != 0)
        if len(nonzero):
            sign = float(np.sign(d[nonzero[0]] / (x2 - x1)[nonzero[0]]))
        row["direction"] = {1.0: "higher_better", -1.0: "lower_better"}.get(sign, "")
        row["n"] = n
        row.update(_paired_statistics(x1, x2, d, alpha))
        rows.append(row)
    out = pd.DataFrame(rows)
    out["measure"] = out["measure"].astype("str")
    return out


def _paired_statistics(x1: np.ndarray, x2: np.ndarray, d: np.ndarray, alpha: float) -> dict:
    """Means, mean change with its t interval, d_z, g_av and the two tests of one measure.

    ``x1``, ``x2`` are the complete pairs of scores and ``d`` the direction-adjusted
    changes; statistics that need more clients (or some spread) are NaN.
    """
    from scipy import stats as sps

    n = len(d)
    nan = float("nan")
    stats_ = dict.fromkeys(
        ["mean_baseline", "sd_baseline", "mean_follow_up", "sd_follow_up", "mean_change",
         "change_ci_low", "change_ci_high", "sd_change", "d_z", "d_z_ci_low", "d_z_ci_high",
         "g_av", "g_av_ci_low", "g_av_ci_high", "t", "df", "p_t", "wilcoxon_w",
         "p_wilcoxon"], nan)
    stats_["n_zero"] = int(np.sum(d == 0))
    if n >= 1:
        stats_.update(mean_baseline=x1.mean(), mean_follow_up=x2.mean(),
                      mean_change=(x2 - x1).mean())
    if n >= 2:
        s1, s2, sd_d = x1.std(ddof=1), x2.std(ddof=1), d.std(ddof=1)
        df = n - 1
        half = sps.t.ppf(1 - alpha / 2, df) * sd_d / math.sqrt(n)
        mc = stats_["mean_change"]
        stats_.update(sd_baseline=s1, sd_follow_up=s2, sd_change=sd_d, df=df,
                      change_ci_low=mc - half, change_ci_high=mc + half)
        if sd_d > 0:
            t = d.mean() / (sd_d / math.sqrt(n))
            lo, hi = _nct_limits(t, df, alpha)
            j = _hedges_j(df)
            s_av = (s1 + s2) / 2
            test = sps.ttest_rel(x2, x1)
            stats_.update(d_z=d.mean() / sd_d, d_z_ci_low=lo / math.sqrt(n),
                          d_z_ci_high=hi / math.sqrt(n), t=t, p_t=float(test.pvalue))
            if s_av > 0:
                scale = j * sd_d / (s_av * math.sqrt(n))
                stats_.update(g_av=j * d.mean() / s_av, g_av_ci_low=lo * scale,
                              g_av_ci_high=hi * scale)
        if n - stats_["n_zero"] >= 1:
            w = sps.wilcoxon(d)
            stats_.update(wilcoxon_w=float(w.statistic), p_wilcoxon=float(w.pvalue))
    return stats_
