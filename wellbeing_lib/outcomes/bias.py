"""Biases of uncontrolled before/after designs: regression to the mean, and the comparison
group's change beside the difference-in-differences.

People referred at a low point improve on average without any intervention; these
functions put a number on it (Bickerdike et al. 2017, BMJ Open 7:e013384).

Example
-------
>>> round(expected_regression(18.0, mean=23.5, reliability=0.8), 2)
1.1
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..errors import InvalidValueError
from ..validation import DEFAULT_CI, check_allowed, check_ci, require_columns
from ._common import (
    _as_array,
    _attach,
    _finite,
    _measure_names,
    _one_definition,
    _override,
    _unknown_keys,
)
from .instruments import _registry

__all__ = ["expected_regression", "difference_in_differences"]


def expected_regression(baseline, *, mean: float, reliability: float):
    """Change expected from regression to the mean alone: ``(1 − r)(μ − x1)``.

    People referred at a low point improve on average without any intervention.
    With population mean μ and test-retest reliability r, a person whose baseline
    is x1 is expected to move ``(1 − r)(μ − x1)`` towards the mean by the next
    measurement.  Average it over the group for the expected mean change
    (uncontrolled before/after studies of social prescribing are at high risk of
    this bias: Bickerdike et al. 2017, BMJ Open 7:e013384).

    Parameters
    ----------
    baseline : number, array-like or Series
        Baseline scores (NaN stays NaN).
    mean : float
        μ: the mean the scores regress to (e.g. the population norm).
    reliability : float
        r: test-retest reliability (0-1].

    Returns
    -------
    float, ndarray or Series
        Like ``baseline`` (a Series is named ``expected_regression``).

    Example
    -------
    >>> expected_regression([18.0, 20.0, 25.0], mean=23.5, reliability=0.8)
    array([ 1.1,  0.7, -0.3])
    >>> round(float(expected_regression([18.0, 20.0, 25.0], mean=23.5, reliability=0.8).mean()), 3)
    0.5
    """
    if not _finite(mean):
        raise InvalidValueError("mean must be a number", column="mean", expected="a number",
                                found=[mean])
    if not (_finite(reliability) and 0 < reliability <= 1):
        raise InvalidValueError("reliability must be in (0, 1]", column="reliability",
                                expected="a number above 0 and at most 1", found=[reliability])
    arr, _, wrap = _as_array(baseline, "baseline")
    return wrap((1.0 - reliability) * (mean - arr), "expected_regression")


def _ols(y: np.ndarray, x: np.ndarray, cov_type: str, groups=None):
    import statsmodels.api as sm

    if cov_type == "cluster":
        return sm.OLS(y, x).fit(cov_type="cluster", cov_kwds={"groups": groups})
    return sm.OLS(y, x).fit(cov_type=cov_type)


def difference_in_differences(
    data: pd.DataFrame,
    *,
    group: str = "group",
    treated="referred",
    control="comparison",
    clients: pd.DataFrame | None = None,
    measures=None,
    adjust_baseline: bool = True,
    cov_type: str = "HC3",
    cluster: str | None = None,
    rtm_mean=None,
    rtm_reliability=None,
    id: str = "client_id",
    ci: float = DEFAULT_CI,
) -> pd.DataFrame:
    """Uncontrolled before/after change beside the comparison group, the DiD and regression to the mean.

    Per measure, over clients with both scores (raw score points, follow-up − baseline):

    1. the before/after mean change of the treated group — the *uncontrolled*
       estimate most evaluations report (t interval);
    2. the same change in the comparison group (regression to the mean, secular
       change and measurement effects, without the programme);
    3. the difference-in-differences: OLS ``change ~ 1 + treated`` with
       heteroskedasticity-robust HC3 standard errors (or cluster-robust with
       ``cov_type="cluster"``, e.g. by practice) — statsmodels;
    4. (``adjust_baseline``) the same adjusted for the centred baseline score
       (ANCOVA on the change), which also corrects for a baseline imbalance;
    5. the change expected from regression to the mean alone in the treated group,
       mean of ``(1 − r)(μ − x1)`` (:func:`expected_regression`), when μ and r are
       known (from ``rtm_mean``/``rtm_reliability`` or the registry's ``norm_mean``
       and ``retest_reliability`` of the instrument named in the ``instrument`` column
       that :func:`change` writes); otherwise the row is kept with a missing value
       and a note saying what to pass.

    Parameters
    ----------
    data : DataFrame
        Output of :func:`change` for both groups (the first definition's rows are used).
    group : str, default "group"
        Column (in ``data`` or ``clients``) with the group of each client.
    treated, control : default "referred", "comparison"
        Its values; other values raise an error (select the rows first).
    clients : DataFrame, optional
        One row per client with ``group`` (and ``cluster``), merged on the id.
    measures : list, optional
    adjust_baseline : bool, default True
    cov_type : {"HC3", "HC1", "nonrobust", "cluster"}, default "HC3"
    cluster : str, optional
        Column with clusters for ``cov_type="cluster"``.
    rtm_mean, rtm_reliability : number or dict {measure: number}, optional
    id : str, default "client_id"
        Id column of ``data`` (and ``clients``).
    ci : float, default 0.95
        Confidence level of the intervals.

    Returns
    -------
    DataFrame
        ``measure, estimate, n, value, se, ci_low, ci_high, p, method``.

    Example
    -------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"client_id": range(8), "measure": "w",
    ...                   "baseline": [18.0, 20, 19, 21, 19, 20, 18, 21],
    ...                   "follow_up": [21.0, 23, 21, 25, 20, 20, 19, 22],
    ...                   "group": ["referred"] * 4 + ["comparison"] * 4})
    >>> t = t.assign(change=t["follow_up"] - t["baseline"],
    ...              improvement=t["follow_up"] - t["baseline"])
    >>> did = difference_in_differences(t, adjust_baseline=False)
    >>> did["estimate"].tolist()
    ['before-after change, referred (uncontrolled)', 'before-after change, comparison', 'difference-in-differences', 'expected change from regression to the mean, referred']
    >>> did[["n", "value", "se"]].round(3)
       n  value     se
    0  4   3.00  0.408
    1  4   0.75  0.250
    2  8   2.25  0.553
    3  4    NaN    NaN
    """
    if cov_type not in ("HC3", "HC1", "HC0", "HC2", "nonrobust", "cluster"):
        raise ValueError(f"unknown cov_type {cov_type!r}")
    if cov_type == "cluster" and cluster is None:
        raise InvalidValueError("cov_type='cluster' needs the cluster column", column="cluster",
                                expected="cluster='practice' (for example)")
    alpha = check_ci(ci)
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame, not {type(data).__module__}."
                        f"{type(data).__name__} (the regressions use statsmodels on pandas: "
                        "collect the change table first)")
    require_columns(data, [id, "measure", "baseline", "follow_up"], what="difference_in_differences")
    frame = _attach(_one_definition(data), clients, id,
                    [group] + ([cluster] if cluster else []))
    check_allowed(frame, group, [treated, control], allow_missing=False)
    names = _measure_names(frame, measures)
    _unknown_keys(rtm_mean, names, "rtm_mean")
    _unknown_keys(rtm_reliability, names, "rtm_reliability")
    rows = []
    for name in names:
        sub = frame[(frame["measure"] == name) & frame["baseline"].notna()
                    & frame["follow_up"].notna()]
        is_t = (sub[group] == treated).to_numpy()
        for flag, label in ((is_t, f"{treated}"), (~is_t, f"{control}")):
            if flag.sum() < 2:
                raise InvalidValueError(f"fewer than 2 clients with both scores in group "
                                        f"{label!r} for measure {name!r}", column=group,
                                        expected="at least 2 per group")
        rows += _before_after_rows(sub, is_t, name=name, treated=treated, control=control,
                                   ci=ci)
        rows += _did_rows(sub, is_t, name=name, treated=treated, adjust_baseline=adjust_baseline,
                          cov_type=cov_type, cluster=cluster, alpha=alpha)
        rows.append(_regression_to_mean_row(sub, is_t, name=name, treated=treated,
                                            rtm_mean=rtm_mean, rtm_reliability=rtm_reliability))
    out = pd.DataFrame(rows)
    out["measure"] = out["measure"].astype("str")
    return out


def _before_after_rows(sub: pd.DataFrame, is_t: np.ndarray, *, name, treated, control,
                       ci: float) -> list[dict]:
    """1-2. The mean change of each group with its t interval."""
    from scipy import stats as sps

    y = (sub["follow_up"] - sub["baseline"]).to_numpy(dtype=float)
    rows = []
    for flag, label in ((is_t, f"before-after change, {treated} (uncontrolled)"),
                        (~is_t, f"before-after change, {control}")):
        res = sps.ttest_1samp(y[flag], 0.0)
        interval = res.confidence_interval(ci)
        rows.append({"measure": name, "estimate": label, "n": int(flag.sum()),
                     "value": y[flag].mean(), "se": y[flag].std(ddof=1) / math.sqrt(
                         flag.sum()), "ci_low": interval.low, "ci_high": interval.high,
                     "p": float(res.pvalue), "method": "mean change, t interval"})
    return rows


def _did_rows(sub: pd.DataFrame, is_t: np.ndarray, *, name, treated, adjust_baseline: bool,
              cov_type: str, cluster: str | None, alpha: float) -> list[dict]:
    """3-4. The difference-in-differences by OLS, and adjusted for the baseline (ANCOVA)."""
    y = (sub["follow_up"] - sub["baseline"]).to_numpy(dtype=float)
    x1 = sub["baseline"].to_numpy(dtype=float)
    groups_ = None
    if cov_type == "cluster":
        if sub[cluster].isna().any():
            raise InvalidValueError("missing cluster", column=cluster,
                                    expected="a cluster for every client")
        groups_ = pd.factorize(sub[cluster])[0]
    se_text = ("cluster-robust SE by " + cluster) if cov_type == "cluster" else (
        f"{cov_type} SE")
    designs = [("difference-in-differences",
                np.column_stack([np.ones(len(y)), is_t.astype(float)]),
                f"OLS change ~ 1 + {treated}, {se_text}")]
    if adjust_baseline:
        designs.append(("difference-in-differences, adjusted for baseline (ANCOVA)",
                        np.column_stack([np.ones(len(y)), is_t.astype(float),
                                         x1 - x1.mean()]),
                        f"OLS change ~ 1 + {treated} + centred baseline, {se_text}"))
    rows = []
    for label, x, method in designs:
        fit = _ols(y, x, cov_type, groups_)
        lo, hi = fit.conf_int(alpha)[1]
        rows.append({"measure": name, "estimate": label, "n": len(y),
                     "value": float(fit.params[1]), "se": float(fit.bse[1]),
                     "ci_low": float(lo), "ci_high": float(hi),
                     "p": float(fit.pvalues[1]), "method": method})
    return rows


def _regression_to_mean_row(sub: pd.DataFrame, is_t: np.ndarray, *, name, treated,
                            rtm_mean, rtm_reliability) -> dict:
    """5. The change expected from regression to the mean alone in the treated group.

    μ and r come from ``rtm_mean``/``rtm_reliability``, else from the registry entry of
    the measure's instrument (the ``instrument`` column of the :func:`change` table).
    """
    x1 = sub["baseline"].to_numpy(dtype=float)
    inst = None
    if "instrument" in sub.columns and sub["instrument"].notna().any():
        inst = _registry().get(str(sub["instrument"].dropna().iloc[0]))
    mu, _ = _override(rtm_mean, name)
    r, _ = _override(rtm_reliability, name)
    mu_src = "given" if mu is not None else "registry norm_mean"
    r_src = "given" if r is not None else "registry retest_reliability"
    if mu is None and inst is not None:
        mu = inst.norm_mean
    if r is None and inst is not None:
        r = inst.retest_reliability
    if mu is None or r is None:
        value = np.nan
        method = ("not computed: pass rtm_mean= and rtm_reliability= (population mean and "
                  "test-retest reliability)")
    else:
        value = float(np.mean(expected_regression(x1[is_t], mean=mu, reliability=r)))
        method = f"mean of (1 − r)(μ − x1); μ = {mu:g} ({mu_src}), r = {r:g} ({r_src})"
    return {"measure": name, "estimate": f"expected change from regression to the "
            f"mean, {treated}", "n": int(is_t.sum()), "value": value, "se": np.nan,
            "ci_low": np.nan, "ci_high": np.nan, "p": np.nan, "method": method}
