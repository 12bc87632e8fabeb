"""The family of chance-corrected agreement coefficients, side by side, with intervals.

:func:`agreement_coefficients` takes the tidy one-variable layout of
:mod:`wellbeing_lib.stats.agreement` (one row per unit x coder with the coder's
``value``; missing codings allowed, any number of coders) and returns, for each variable
(``by=``, e.g. one per code of a codebook), seven coefficients with a standard error and
a confidence interval:

=======================  ===============================================================
``percent_agreement``    agreeing pairs of codings over all pairs, per unit then averaged
                         (%; weighted when ``weights`` are)
``cohens_kappa``         Cohen (1960); with more than two coders Conger's (1980)
                         generalisation, which keeps each coder's own marginals
``scotts_pi``            Scott (1955): chance from the pooled marginals; two coders only
``fleiss_kappa``         Fleiss (1971): Scott's pi for any number of coders
``gwet_ac``              Gwet's AC1 (2008), AC2 when weighted: chance agreement that
                         stays small when one category dominates
``brennan_prediger``     Brennan & Prediger (1981): chance = 1 / number of categories
``krippendorff_alpha``   Krippendorff's alpha at the ``level`` of measurement
=======================  ===============================================================

Every coefficient is ``(p_a - p_e) / (1 - p_e)`` with the same observed agreement
``p_a`` (Gwet 2014, *Handbook of Inter-Rater Reliability*, 4th ed., chapters 2-5, the
"raw ratings" formulas that allow missing codings) and its own chance agreement ``p_e``.
Standard errors are Gwet's linearisation variances (unit-level influence values; Gwet
2008, *Br J Math Stat Psychol* 61:29-48; 2014 ch. 5), as in Gwet's R package irrCAC,
and the interval is ``coefficient ± t(n-1) x SE`` with the upper bound capped at 1.  The
tests reproduce irrCAC to its printed precision.  Krippendorff's ordinal alpha has no
published variance (its distances depend on the marginals), so its interval is a
bootstrap over units (percentile; ``n_boot``, ``random_state``).

**Levels and weights.**  ``level`` says what the values are; ``weights`` (default from
the level) how near misses count for the kappa-type coefficients:

==========  ====================  ======================================================
level       default ``weights``   Krippendorff's alpha uses
==========  ====================  ======================================================
nominal     identity              1 - identity (no credit for near misses)
ordinal     ordinal               Krippendorff's ordinal distance (see below)
interval    quadratic             squared difference (= quadratic weights)
ratio       ratio                 ((c - k) / (c + k))^2 (= ratio weights)
==========  ====================  ======================================================

**Where "ordinal" differs between packages.**  Krippendorff's ordinal distance between
two values counts how often the values *between* them were used (Krippendorff 2011,
"Computing Krippendorff's Alpha-Reliability"): it is what Krippendorff's own macros, the
``krippendorff`` Python package and this library's alpha use, and it gives 0.815 on his
2011 example.  irrCAC's ``weights="ordinal"`` (Gwet 2014, ch. 3) depend on the ranks
only, ``1 - C(|k - l| + 1, 2) / C(q, 2)``; irrCAC's ``krippen.alpha.raw`` with them gives
0.834 on the same data.  Here the kappa-type coefficients (and AC2) use Gwet's ordinal
weights and alpha Krippendorff's distance, so ordinal alpha matches Krippendorff and the
other coefficients match irrCAC.  Ordinal categories are scored by rank (1..q) for the
weights; interval and ratio values by their numbers.

Example
-------
Gwet's (2014) table of two abstractors x 100 pregnancies (3 categories):

>>> import numpy as np, pandas as pd
>>> table = np.array([[13, 0, 0], [0, 20, 7], [0, 4, 56]])
>>> rows, cols = np.indices(table.shape)
>>> pairs = pd.DataFrame({"A": np.repeat(rows.ravel(), table.ravel()),
...                       "B": np.repeat(cols.ravel(), table.ravel())})
>>> long = pairs.rename_axis("unit").reset_index().melt(
...     id_vars="unit", var_name="coder", value_name="value")
>>> out = agreement_coefficients(long)
>>> out.loc[0, list(COEFFICIENTS)].astype(float).round(4)
percent_agreement     89.0000
cohens_kappa           0.7964
scotts_pi              0.7962
fleiss_kappa           0.7962
gwet_ac                0.8493
brennan_prediger       0.8350
krippendorff_alpha     0.7973
Name: 0, dtype: float64
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InvalidValueError
from ..validation import DEFAULT_CI, as_columns, check_ci, check_labels, require_columns
from ._ratings import LEVELS, _check_args, _ratings
from .agreement import _alpha_point, _bootstrap_alpha, _percentile_ci

__all__ = [
    "COEFFICIENTS",
    "AGREEMENT_WEIGHTS",
    "agreement_weights",
    "agreement_coefficients",
    "coefficients_from_counts",
]

#: the coefficients reported, in column order (each with ``_se``, ``_ci_low``, ``_ci_high``)
COEFFICIENTS = ("percent_agreement", "cohens_kappa", "scotts_pi", "fleiss_kappa", "gwet_ac",
                "brennan_prediger", "krippendorff_alpha")

#: weighting schemes (Gwet 2014, ch. 3; irrCAC's names)
AGREEMENT_WEIGHTS = ("identity", "linear", "quadratic", "ordinal", "radical", "ratio")

_DEFAULT_WEIGHTS = {"nominal": "identity", "ordinal": "ordinal", "interval": "quadratic",
                    "ratio": "ratio"}
_ALPHA_WEIGHTS = {"nominal": "identity", "interval": "quadratic", "ratio": "ratio"}


# --------------------------------------------------------------------------- weights
def agreement_weights(scores, weights: str = "identity") -> np.ndarray:
    """Agreement weights ``w[k, l]`` (1 on the diagonal) for categories scored ``scores``.

    ``identity`` (no partial credit), ``linear`` ``1 - |x_k - x_l| / (max - min)``,
    ``quadratic`` ``1 - (x_k - x_l)^2 / (max - min)^2``, ``radical`` (square root of the
    linear distance), ``ratio`` ``1 - ((x_k - x_l)/(x_k + x_l))^2 /
    ((max - min)/(max + min))^2`` and ``ordinal`` (rank distance
    ``C(|k - l| + 1, 2)``, scaled to 0..1; uses the order only).  Gwet (2014), chapter 3.

    Example
    -------
    >>> agreement_weights([1, 2, 3], "linear")
    array([[1. , 0.5, 0. ],
           [0.5, 1. , 0.5],
           [0. , 0.5, 1. ]])
    >>> agreement_weights([1, 2, 3, 4], "ordinal").round(3)[0]
    array([1.   , 0.833, 0.5  , 0.   ])
    """
    if weights not in AGREEMENT_WEIGHTS:
        raise ValueError(f"weights must be one of {AGREEMENT_WEIGHTS}, not {weights!r}")
    x = np.asarray(scores, dtype=float)
    q = len(x)
    if weights == "identity" or q < 2:
        return np.eye(q)
    if weights == "ordinal":
        rank = np.arange(q)
        steps = np.abs(rank[:, None] - rank[None, :]) + 1.0
        d = steps * (steps - 1) / 2
        return 1.0 - d / d.max()
    diff = x[:, None] - x[None, :]
    span = x.max() - x.min()
    if weights == "linear":
        return 1.0 - np.abs(diff) / span
    if weights == "quadratic":
        return 1.0 - diff**2 / span**2
    if weights == "radical":
        return 1.0 - np.sqrt(np.abs(diff)) / np.sqrt(span)
    total = x[:, None] + x[None, :]
    rel = np.divide(diff, total, out=np.zeros_like(diff), where=total != 0)
    return 1.0 - rel**2 / (span / (x.max() + x.min())) ** 2


# --------------------------------------------------------------------------- the formulas
def _interval(value: float, se: float, n: int, ci: float) -> tuple[float, float]:
    """coefficient ± t(n - 1) x SE, the upper bound capped at 1 (Gwet; irrCAC)."""
    from scipy.stats import t

    if not (np.isfinite(value) and np.isfinite(se)) or n < 2:
        return np.nan, np.nan
    half = se * t.ppf(1 - (1 - ci) / 2, n - 1)
    return value - half, min(1.0, value + half)


def _influence_se(values: np.ndarray, centre: float, n: int) -> float:
    """sqrt(sum (v_i - centre)^2 / (n (n - 1))): Gwet's linearisation standard error."""
    if n < 2 or not np.isfinite(centre):
        return np.nan
    return float(np.sqrt(((values - centre) ** 2).sum() / (n * (n - 1))))


def _chance_corrected(pa, pa_i, two, pe, pe_i, n, n2):
    """(coefficient, SE) of (pa - pe)/(1 - pe) with unit-level influence values."""
    if not 1.0 - pe > 1e-12:
        return np.nan, np.nan
    coef = (pa - pe) / (1.0 - pe)
    coef_i = (n / n2) * (pa_i - pe * two) / (1.0 - pe)
    if pe_i is not None:
        coef_i = coef_i - 2.0 * (1.0 - coef) * (pe_i - pe) / (1.0 - pe)
    return coef, _influence_se(coef_i, coef, n)


def _conger_pe(grid: np.ndarray, w: np.ndarray, n_units: int):
    """Conger's chance agreement and its unit influence values (Gwet 2014, 5.5)."""
    q = w.shape[0]
    rated = grid >= 0                                        # units x coders
    keep = rated.any(axis=0)
    grid, rated = grid[:, keep], rated[:, keep]
    r = grid.shape[1]
    if r < 2:
        return np.nan, None
    classif = np.zeros((r, q))
    g_idx, k_idx = np.nonzero(rated.T)
    np.add.at(classif, (g_idx, grid.T[rated.T]), 1.0)
    n_g = classif.sum(axis=1)
    p = classif / n_g[:, None]                               # coders x categories
    p_mean = p.mean(axis=0)
    s2 = (p.T @ p - r * np.outer(p_mean, p_mean)) / (r - 1)
    pe = float((w * (np.outer(p_mean, p_mean) - s2 / r)).sum())
    a = r * p_mean[None, :] - p                              # coders x categories
    m = a @ w                                                # m[g, c] = sum_k a_gk w_kc
    s = (a * (p @ w.T)).sum(axis=1)
    eps = rated.astype(float)
    first = np.where(rated, m[np.arange(r)[None, :], np.maximum(grid, 0)], 0.0)
    lam = (n_units / n_g)[None, :] * (eps * first - (eps - n_g[None, :] / n_units) * s[None, :])
    return pe, lam.sum(axis=1) / (r * (r - 1))


def _alpha_fixed(counts: np.ndarray, w: np.ndarray, n_rated: int):
    """Krippendorff's alpha with fixed weights and Gwet's variance (irrCAC's krippen.alpha.raw)."""
    r_i = counts.sum(axis=1)
    counts, r_i = counts[r_i >= 2], r_i[r_i >= 2]
    n = len(r_i)
    r_mean = r_i.mean()
    eps = 1.0 / r_i.sum()
    sum_q = (counts * (counts @ w.T - 1.0)).sum(axis=1)
    pa_prime = (sum_q / (r_mean * (r_i - 1.0))).sum() / n
    pa = (1.0 - eps) * pa_prime + eps
    pi = counts.sum(axis=0) / (n * r_mean)
    pe = float(pi @ w @ pi)
    if not 1.0 - pe > 1e-12:
        return np.nan, np.nan
    alpha = (pa - pe) / (1.0 - pe)
    alpha_prime = (pa_prime - pe) / (1.0 - pe)
    pa_i = sum_q / (r_mean * (r_i - 1.0)) - pa_prime * (r_i - r_mean) / r_mean
    pi_w = (w @ pi + w.T @ pi) / 2
    pe_i = counts @ pi_w / r_mean - pe * (r_i - r_mean) / r_mean
    x = (pa_i - pe) / (1.0 - pe) - 2.0 * (1.0 - alpha_prime) * (pe_i - pe) / (1.0 - pe)
    del n_rated  # the interval uses n_rated - 1 degrees of freedom (see caller)
    return float(alpha), _influence_se(x, alpha_prime, n)


def _one_variable(counts, grid, scores, level, weights, ci, n_boot, rng) -> dict:
    """All coefficients of one variable: counts (units x categories, units rated at least
    once), grid (units x coders category numbers, -1 missing; None: coders unknown)."""
    out: dict = {}
    n, q = counts.shape
    r_i = counts.sum(axis=1)
    two = (r_i >= 2).astype(float)
    n2 = int(two.sum())
    w = agreement_weights(scores, weights)
    sum_q = (counts * (counts @ w.T - 1.0)).sum(axis=1)
    den = r_i * (r_i - 1.0)
    pa_i = np.divide(sum_q, den, out=np.zeros(n), where=den > 0)
    pa = float(pa_i.sum() / n2)
    pi = (counts / r_i[:, None]).mean(axis=0)
    pa_se = _influence_se((n / n2) * pa_i, pa, n)
    out["percent_agreement"] = (100 * pa, 100 * pa_se)
    # Cohen (two coders) / Conger (more): each coder's own marginals
    if grid is not None:
        pe_c, pe_c_i = _conger_pe(grid, w, n)
        out["cohens_kappa"] = (_chance_corrected(pa, pa_i, two, pe_c, pe_c_i, n, n2)
                               if pe_c_i is not None else (np.nan, np.nan))
    else:
        out["cohens_kappa"] = (np.nan, np.nan)
    # Fleiss (Scott's pi for two coders): pooled marginals
    pe_f = float(pi @ w @ pi)
    pi_w = (w @ pi + w.T @ pi) / 2
    out["fleiss_kappa"] = _chance_corrected(pa, pa_i, two, pe_f, counts @ pi_w / r_i, n, n2)
    n_coders = (grid >= 0).any(axis=0).sum() if grid is not None else 0
    out["scotts_pi"] = out["fleiss_kappa"] if n_coders == 2 else (np.nan, np.nan)
    # Gwet's AC1 / AC2
    t_w = w.sum()
    pe_g = t_w * float((pi * (1 - pi)).sum()) / (q * (q - 1)) if q >= 2 else np.nan
    pe_g_i = t_w / (q * (q - 1)) * (counts @ (1 - pi)) / r_i if q >= 2 else None
    out["gwet_ac"] = (_chance_corrected(pa, pa_i, two, pe_g, pe_g_i, n, n2)
                      if q >= 2 else (np.nan, np.nan))
    # Brennan-Prediger: chance = sum of weights / q^2
    out["brennan_prediger"] = (_chance_corrected(pa, pa_i, two, t_w / q**2, None, n, n2)
                               if q >= 2 else (np.nan, np.nan))
    # Krippendorff's alpha at the level of measurement
    out["krippendorff_alpha"] = _alpha(counts, scores, level, n, ci, n_boot, rng)
    return out


def _alpha(counts, scores, level, n_rated, ci, n_boot, rng):
    """(alpha, SE, ci_low, ci_high, method) of one variable."""
    pairable = counts[counts.sum(axis=1) >= 2]
    if len(pairable) == 0 or (pairable.sum(axis=0) > 0).sum() < 2:
        return np.nan, np.nan, np.nan, np.nan, "undefined"
    if level != "ordinal":
        w = agreement_weights(scores, _ALPHA_WEIGHTS[level])
        alpha, se = _alpha_fixed(pairable, w, n_rated)
        low, high = _interval(alpha, se, n_rated, ci)
        return alpha, se, low, high, "analytic"
    alpha = _alpha_point(pairable, np.asarray(scores, dtype=float), "ordinal")
    if n_boot == 0:
        return alpha, np.nan, np.nan, np.nan, "none"
    reps = _bootstrap_alpha(pairable, np.asarray(scores, dtype=float), "ordinal", n_boot, rng)
    low, high, _ = _percentile_ci(reps, 1 - ci)
    ok = reps[np.isfinite(reps)]
    se = float(ok.std(ddof=1)) if len(ok) > 1 else np.nan
    return alpha, se, low, high, "bootstrap"


def _row(values: dict, n_units: int, ci: float) -> dict:
    """Flatten {coefficient: (value, se[, low, high, method])} into columns."""
    row: dict = {}
    for name in COEFFICIENTS:
        v = values[name]
        if len(v) == 2:
            scale = 100.0 if name == "percent_agreement" else 1.0
            low, high = _interval(v[0] / scale, v[1] / scale, n_units, ci)
            v = (v[0], v[1], low * scale, min(high * scale, scale) if np.isfinite(high)
                 else np.nan)
        row[name], row[f"{name}_se"], row[f"{name}_ci_low"], row[f"{name}_ci_high"] = v[:4]
    row["alpha_ci_method"] = values["krippendorff_alpha"][4]
    return row


def _notes(row: dict, n_coders: int, q: int) -> str:
    notes = []
    if q < 2:
        notes.append("a single category: chance-corrected coefficients undefined")
    elif np.isnan(row["fleiss_kappa"]):
        notes.append("every coding in one category: kappa, pi and alpha undefined "
                     "(AC1 and Brennan-Prediger stay defined)")
    if n_coders == 2:
        notes.append("two coders: cohens_kappa is Cohen's kappa, scotts_pi Fleiss' kappa")
    elif n_coders > 2:
        notes.append(f"{n_coders} coders: cohens_kappa is Conger's kappa; no Scott's pi")
    return "; ".join(notes)


# --------------------------------------------------------------------------- public
def _scores(domain: np.ndarray, level: str, value_domain) -> np.ndarray:
    """The numbers the weights use: ranks 1..q (nominal, ordinal), else the values."""
    if level in ("nominal", "ordinal"):
        return np.arange(1.0, len(domain) + 1.0)
    return np.asarray(domain, dtype=float)


def _check_weights(level: str, weights) -> str:
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    if weights is None:
        return _DEFAULT_WEIGHTS[level]
    if weights not in AGREEMENT_WEIGHTS:
        raise ValueError(f"weights must be one of {AGREEMENT_WEIGHTS}, not {weights!r}")
    if level == "nominal" and weights != "identity":
        raise ValueError("nominal values have no order: weights other than 'identity' need "
                         "level='ordinal', 'interval' or 'ratio'")
    return weights


def agreement_coefficients(data: pd.DataFrame, *, unit="unit", coder: str = "coder",
                           value: str = "value", by=None, level: str = "nominal",
                           weights: str | None = None, value_domain=None, coders=None,
                           ci: float = DEFAULT_CI, n_boot: int = 1000,
                           random_state=0) -> pd.DataFrame:
    """Seven agreement coefficients with standard errors and intervals, one row per variable.

    See the module description for the coefficients, their standard errors and the
    levels and weights.  A unit counts when at least one coder coded it (the chance
    agreement of Fleiss, AC1 and Conger uses every coded unit, as Gwet's formulas for
    missing codings do); observed agreement uses the units coded by two or more coders.

    Parameters
    ----------
    data : DataFrame
        One row per (unit, coder) - per ``by`` group - with a ``value``; a missing value
        or no row is a missing coding.
    unit : str or list of str, default "unit"
    coder, value : str
        Column names.
    by : str or list of str, optional
        Columns naming separate variables (e.g. ``"code"``): one output row each, in
        order of appearance.
    level : {"nominal", "ordinal", "interval", "ratio"}, default "nominal"
    weights : {"identity", "linear", "quadratic", "ordinal", "radical", "ratio"}, optional
        Weights of the kappa-type coefficients; default from ``level`` (table above).
    value_domain : list, optional
        Every category, in order.  The number of categories enters Brennan-Prediger and
        AC1, so list categories nobody used (e.g. ``[0, 1]`` for absent/present).
    coders : list, optional
        Coders to include (default all, in order of appearance).
    ci : float, default 0.95
    n_boot : int, default 1000
        Bootstrap resamples for ordinal alpha (the only bootstrap interval).
    random_state : int, numpy Generator or None, default 0

    Returns
    -------
    DataFrame
        One row per variable: the ``by`` columns, ``level``, ``weights``, ``n_units``
        (coded by two or more coders), ``n_coders``, ``n_categories``, then for each of
        ``COEFFICIENTS`` the estimate and ``_se``, ``_ci_low``, ``_ci_high``;
        ``alpha_ci_method`` ("analytic", "bootstrap") and ``note``.

    Raises
    ------
    InvalidValueError
        Missing labels, values outside ``value_domain``, non-numbers for interval/ratio,
        no unit coded by two coders.
    DuplicateKeyError
        A coder with two rows for one unit (of one variable).

    Example
    -------
    Krippendorff's (2011) 4 coders x 12 units; his published alphas are 0.743 (nominal)
    and 0.849 (interval):

    >>> import pandas as pd
    >>> m = {"A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    ...      "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    ...      "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    ...      "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None]}
    >>> long = pd.DataFrame(m).rename_axis("unit").reset_index().melt(
    ...     id_vars="unit", var_name="coder", value_name="value")
    >>> out = agreement_coefficients(long)
    >>> out[["n_units", "fleiss_kappa", "gwet_ac", "krippendorff_alpha"]].round(3)
       n_units  fleiss_kappa  gwet_ac  krippendorff_alpha
    0       11         0.761    0.775               0.743
    >>> agreement_coefficients(long, level="interval")["krippendorff_alpha"].round(3)
    0    0.849
    Name: krippendorff_alpha, dtype: float64
    """
    _check_args(level, n_boot)
    check_ci(ci)
    weights = _check_weights(level, weights)
    by_cols = as_columns(by) if by is not None else []
    if by_cols:
        require_columns(data, by_cols)
        check_labels(data, by_cols, "variable")
    unit_cols = as_columns(unit)
    ratings = _ratings(data, [*by_cols, *unit_cols], coder, value, coders, level, value_domain)
    domain = ratings.domain
    if value_domain is not None and level in ("interval", "ratio"):
        full = np.unique(pd.to_numeric(pd.Series(list(value_domain))).to_numpy(float))
        ratings.value = np.where(ratings.value >= 0,
                                 np.searchsorted(full, domain)[ratings.value], -1)
        domain = full
    scores = _scores(domain, level, value_domain)
    present = ratings.value >= 0
    if by_cols:
        keys = ratings.frame[by_cols]
        group, groups = pd.MultiIndex.from_frame(keys).factorize() \
            if len(by_cols) > 1 else pd.factorize(keys[by_cols[0]])
        group = np.asarray(group)
    else:
        groups, group = [None], np.zeros(len(ratings.unit), dtype=np.int64)
    rng = np.random.default_rng(random_state)
    rows = []
    for g in range(len(groups)):  # over variables (codes), not units
        sel = present & (group == g)
        units, unit_code = np.unique(ratings.unit[sel], return_inverse=True)
        grid = np.full((len(units), len(ratings.coders)), -1, dtype=np.int64)
        grid[unit_code, ratings.coder[sel]] = ratings.value[sel]
        counts = np.zeros((len(units), len(domain)))
        np.add.at(counts, (unit_code, ratings.value[sel]), 1.0)
        n_pair = int((counts.sum(axis=1) >= 2).sum())
        if n_pair == 0:
            raise InvalidValueError(
                "agreement needs a unit coded by two or more coders", column=unit_cols,
                expected="at least one unit with two or more codings"
                + (f" (variable {groups[g]!r})" if by_cols else ""))
        values = _one_variable(counts, grid, scores, level, weights, ci, n_boot, rng)
        row = _row(values, len(units), ci)
        n_coders = int((grid >= 0).any(axis=0).sum())
        head = {"level": level, "weights": weights, "n_units": n_pair, "n_coders": n_coders,
                "n_categories": len(domain)}
        if by_cols:
            key = groups[g] if len(by_cols) > 1 else (groups[g],)
            head = dict(zip(by_cols, key)) | head
        rows.append(head | row | {"note": _notes(row, n_coders, len(domain))})
    return pd.DataFrame(rows)


def coefficients_from_counts(counts, *, categories=None, level: str = "nominal",
                             weights: str | None = None, ci: float = DEFAULT_CI,
                             n_boot: int = 1000, random_state=0) -> pd.DataFrame:
    """The coefficients of :func:`agreement_coefficients` from a units x categories table.

    ``counts[i, k]`` is how many coders put unit i in category k (Fleiss's layout, and
    irrCAC's "distribution of raters").  Who coded what is not known, so Cohen's kappa
    and Scott's pi are not given (NaN); the others are.

    Parameters
    ----------
    counts : array-like or DataFrame, shape (units, categories)
        Non-negative whole numbers; a DataFrame's columns name the categories.
    categories : list, optional
        Category values, in order (default: 1..q, or a DataFrame's column names); numbers
        are needed for ``level="interval"`` or ``"ratio"``.
    level, weights, ci, n_boot, random_state
        As in :func:`agreement_coefficients`.

    Example
    -------
    Fleiss's (1971) psychiatric diagnoses, 6 raters x 15 subjects x 5 categories (irrCAC's
    ``distrib.6raters``): AC1 0.4448, Fleiss' kappa 0.4139.

    >>> rows = [[0, 0, 0, 6, 0], [0, 3, 0, 0, 3], [0, 1, 4, 0, 1], [0, 0, 0, 0, 6],
    ...         [0, 3, 0, 3, 0], [2, 0, 4, 0, 0], [0, 0, 4, 0, 2], [2, 0, 3, 1, 0],
    ...         [2, 0, 0, 4, 0], [0, 0, 0, 0, 6], [1, 0, 0, 5, 0], [1, 1, 0, 4, 0],
    ...         [0, 3, 3, 0, 0], [1, 0, 0, 5, 0], [0, 2, 0, 3, 1]]
    >>> out = coefficients_from_counts(rows)
    >>> out[["gwet_ac", "gwet_ac_se", "fleiss_kappa", "fleiss_kappa_se"]].round(5)
       gwet_ac  gwet_ac_se  fleiss_kappa  fleiss_kappa_se
    0   0.4448     0.08419       0.41393          0.08119
    """
    _check_args(level, n_boot)
    check_ci(ci)
    weights = _check_weights(level, weights)
    if isinstance(counts, pd.DataFrame) and categories is None:
        categories = list(counts.columns)
    table = np.asarray(counts, dtype=float)
    if table.ndim != 2 or not np.isfinite(table).all() or (table < 0).any() \
            or (table % 1 != 0).any():
        raise ValueError("counts must be a units x categories table of whole numbers >= 0; "
                         f"got shape {np.shape(counts)}")
    q = table.shape[1]
    if categories is None:
        scores = np.arange(1.0, q + 1.0)
    elif len(categories) != q:
        raise ValueError(f"categories lists {len(categories)} values for {q} columns")
    elif level in ("interval", "ratio"):
        scores = pd.to_numeric(pd.Series(list(categories))).to_numpy(float)
    else:
        scores = np.arange(1.0, q + 1.0)
    table = table[table.sum(axis=1) > 0]
    if not (table.sum(axis=1) >= 2).any():
        raise InvalidValueError("agreement needs a unit coded by two or more coders",
                                expected="a row of counts adding up to 2 or more")
    values = _one_variable(table, None, scores, level, weights, ci, n_boot,
                           np.random.default_rng(random_state))
    row = _row(values, len(table), ci)
    head = {"level": level, "weights": weights,
            "n_units": int((table.sum(axis=1) >= 2).sum()), "n_coders": np.nan,
            "n_categories": q}
    note = _notes(row, 0, q)
    note = "; ".join(filter(None, [note, "coders unknown: no Cohen's kappa or Scott's pi"]))
    return pd.DataFrame([head | row | {"note": note}])
