"""Inter-rater agreement: percent agreement, Cohen's kappa and Krippendorff's alpha.

The statistics take the tidy *one-variable* layout: one row per (unit, coder) with the
coder's ``value`` for that unit (each coder gives each unit at most one value).  A
missing value, or no row, is a missing coding.  :func:`reliability_matrix` shows the same
data as Krippendorff's coders x units "reliability data".

==========================  ===========================================================
:func:`reliability_matrix`  coders x units matrix of one coded variable
:func:`percent_agreement`   % of units on which the coders agree (Wilson CI)
:func:`cohens_kappa`        Cohen's kappa for two coders (statsmodels), SE and CI
:func:`krippendorff_alpha`  Krippendorff's alpha, any number of coders, missing codings,
                            nominal/ordinal/interval/ratio, bootstrap CI
:func:`cohens_kappa_table`  Cohen's kappa of ready-made coder x coder tables
:func:`binary_alpha`        alpha of several presence/absence variables coded on the same
                            units, each and pooled, with one shared unit bootstrap
==========================  ===========================================================

Multi-code coding (NVivo's coding comparison, the codebook as one more coder) builds on
these: :func:`wellbeing_lib.engagement.code_reliability`.  Every interval takes
``ci=0.95``; every bootstrap takes ``random_state`` (default 0, so a repeated call gives
the same interval; None draws fresh entropy).

Example
-------
>>> import pandas as pd
>>> codings = pd.DataFrame({"unit": [1, 1, 2, 2, 3, 3, 4, 4],
...                         "coder": ["A", "B"] * 4,
...                         "value": ["yes", "yes", "no", "no", "yes", "no", "no", "no"]})
>>> cols = ["n_units", "n_agree", "percent_agreement", "ci_low", "ci_high"]
>>> percent_agreement(codings)[cols].round(1)
   n_units  n_agree  percent_agreement  ci_low  ci_high
0        4        3               75.0    30.1     95.4
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..errors import InvalidValueError, UnmatchedRecordsError
from ..validation import DEFAULT_CI, check_ci
from ._ratings import (
    LEVELS,
    _check_args,
    _encode,
    _prepare,
    _ratings,
    check_coders,
    unit_index,
)
from .intervals import proportion_ci

__all__ = [
    "LEVELS",
    "KAPPA_WEIGHTS",
    "reliability_matrix",
    "percent_agreement",
    "cohens_kappa",
    "krippendorff_alpha",
    "cohens_kappa_table",
    "binary_alpha",
    "unit_index",
    "check_coders",
]

#: weighting schemes accepted by :func:`cohens_kappa`
KAPPA_WEIGHTS = (None, "linear", "quadratic")

#: largest number of float cells held at once by the bootstrap (about 32 MB)
_MAX_CELLS = 4_000_000


# --------------------------------------------------------------------------- helpers
def _distance(domain: np.ndarray, level: str) -> np.ndarray:
    """Krippendorff's difference function delta^2_ck for the levels with fixed distances."""
    if level == "nominal":
        return 1.0 - np.eye(len(domain))
    diff = domain[:, None] - domain[None, :]
    if level == "interval":
        return diff**2
    total = domain[:, None] + domain[None, :]
    return np.divide(diff, total, out=np.zeros_like(diff), where=total != 0) ** 2  # ratio


def _ordinal_distance(n_v: np.ndarray) -> np.ndarray:
    """Ordinal delta^2_ck = (sum_{g=c..k} n_g - (n_c + n_k)/2)^2 for marginals n_v (..., V)."""
    idx = np.arange(n_v.shape[-1])
    lo, hi = np.minimum.outer(idx, idx), np.maximum.outer(idx, idx)
    cum = np.cumsum(n_v, axis=-1)
    between = cum[..., hi] - cum[..., lo] + n_v[..., lo]
    return (between - (n_v[..., :, None] + n_v[..., None, :]) / 2) ** 2


def _alpha_from_sums(d_obs: np.ndarray, n_v: np.ndarray, dist: np.ndarray) -> np.ndarray:
    """alpha = 1 - (n - 1) sum_u D_u / sum_ck n_c n_k delta_ck (NaN where undefined)."""
    n = n_v.sum(axis=-1)
    expected = ((n_v @ dist) * n_v).sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        alpha = 1.0 - (n - 1.0) * d_obs / expected
    return np.where(expected > 0, alpha, np.nan)


def _unit_disagreement(counts: np.ndarray, dist: np.ndarray) -> np.ndarray:
    """Per-unit observed disagreement D_u = sum_ck n_uc n_uk delta_ck / (m_u - 1)."""
    m = counts.sum(axis=-1)
    return ((counts @ dist) * counts).sum(axis=-1) / (m - 1.0)


def _coincidences(counts: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """Coincidence matrix o_ck = sum_u w_u (n_uc n_uk - [c = k] n_uc) / (m_u - 1)."""
    scaled = counts / (counts.sum(axis=1) - 1.0)[:, None]
    if weights is not None:
        scaled = scaled * weights[:, None]
    return scaled.T @ counts - np.diag(scaled.sum(axis=0))


def _alpha_point(counts: np.ndarray, domain: np.ndarray, level: str) -> float:
    """Alpha from the coincidence matrix (memory units x values, not units x values^2)."""
    o = _coincidences(counts)
    n_v = o.sum(axis=0)
    dist = _ordinal_distance(n_v) if level == "ordinal" else _distance(domain, level)
    n = n_v.sum()
    return float(1.0 - (n - 1.0) * (o * dist).sum() / ((n_v @ dist) @ n_v))


def _resampled_sums(stats: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """Sums of per-unit statistics (U, P) over ``n_boot`` resamples of the U units.

    Each replicate draws U units with replacement; its sums are ``W @ stats`` where ``W``
    holds how often each unit was drawn.  Replicates are processed in blocks so memory
    stays bounded.
    """
    n_units = stats.shape[0]
    block = int(max(1, min(n_boot, _MAX_CELLS // max(n_units, 1))))
    out = np.empty((n_boot, stats.shape[1]))
    for start in range(0, n_boot, block):
        b = min(block, n_boot - start)
        draws = _draw_weights(rng, b, n_units)
        out[start:start + b] = draws @ stats
    return out


def _draw_weights(rng: np.random.Generator, b: int, n_units: int) -> np.ndarray:
    """b x U matrix: how often each of U units is drawn in each of b resamples of size U."""
    draws = rng.integers(0, n_units, size=(b, n_units))
    draws += (np.arange(b) * n_units)[:, None]
    return np.bincount(draws.ravel(), minlength=b * n_units).reshape(b, n_units).astype(float)


def _bootstrap_alpha(counts: np.ndarray, domain: np.ndarray, level: str, n_boot: int,
                     rng: np.random.Generator) -> np.ndarray:
    """Alpha in ``n_boot`` resamples of the pairable units (counts: units x values).

    Alpha is a ratio of sums over units, so each resample needs only the sums of a few
    per-unit statistics: D_u and the value counts (nominal, ratio); D_u, m_u and the
    first two moments of the unit's values (interval, so any number of distinct values
    is cheap); the per-unit coincidence matrices (ordinal, whose distances depend on
    each resample's marginals).
    """
    m = counts.sum(axis=1)
    n_vals = counts.shape[1]
    if level == "interval":
        # sum_ck n_c n_k (x_c - x_k)^2 = 2 (n sum x^2 - (sum x)^2); centred for accuracy
        x = domain - (counts.sum(axis=0) @ domain) / m.sum()
        s1, s2 = counts @ x, counts @ x**2
        d_u = 2.0 * (m * s2 - s1**2) / (m - 1.0)
        sums = _resampled_sums(np.column_stack([d_u, m, s1, s2]), n_boot, rng)
        d_obs, n, t1, t2 = sums.T
        expected = 2.0 * (n * t2 - t1**2)
        defined = expected > 1e-12 * 2.0 * n * t2
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(defined, 1.0 - (n - 1.0) * d_obs / expected, np.nan)
    if level != "ordinal":
        dist = _distance(domain, level)
        stats = np.column_stack([_unit_disagreement(counts, dist), counts])
        sums = _resampled_sums(stats, n_boot, rng)
        return _alpha_from_sums(sums[:, 0], sums[:, 1:], dist)
    # ordinal: distances depend on each resample's marginals, so resample coincidences
    if len(counts) * n_vals * n_vals <= _MAX_CELLS:
        coinc = counts[:, :, None] * counts[:, None, :]
        coinc[:, np.arange(n_vals), np.arange(n_vals)] -= counts
        coinc /= (m - 1.0)[:, None, None]
        o = _resampled_sums(coinc.reshape(len(counts), -1), n_boot, rng)
        o = o.reshape(n_boot, n_vals, n_vals)
    else:  # many distinct values: one (values x units) @ (units x values) product a resample
        alpha = np.empty(n_boot)
        for b in range(n_boot):
            weights = _draw_weights(rng, 1, len(counts))[0]
            o = _coincidences(counts, weights)
            n_v = o.sum(axis=0)
            if (n_v > 0).sum() < 2:
                alpha[b] = np.nan
                continue
            dist = _ordinal_distance(n_v)
            alpha[b] = 1.0 - (n_v.sum() - 1.0) * (o * dist).sum() / ((n_v @ dist) @ n_v)
        return alpha
    n_v = o.sum(axis=1)
    dist = _ordinal_distance(n_v)
    observed = (o * dist).sum(axis=(1, 2))
    n = n_v.sum(axis=1)
    expected = np.einsum("bc,bck,bk->b", n_v, dist, n_v)
    with np.errstate(invalid="ignore", divide="ignore"):
        alpha = 1.0 - (n - 1.0) * observed / expected
    return np.where(expected > 0, alpha, np.nan)


def _percentile_ci(replicates: np.ndarray, alpha: float) -> tuple[float, float, int]:
    """Percentile interval (alpha = 1 - ci) of the finite replicates, and their number."""
    ok = replicates[np.isfinite(replicates)]
    if ok.size == 0:
        return np.nan, np.nan, 0
    low, high = np.quantile(ok, [alpha / 2, 1 - alpha / 2])
    return float(low), float(high), int(ok.size)


def _kappa_one(table: np.ndarray, weights, z: float) -> dict:
    """Cohen's kappa of one square table with statsmodels; NaN where kappa is undefined."""
    from statsmodels.stats.inter_rater import cohens_kappa as sm_kappa

    n = table.sum()
    p_exp = (table.sum(axis=0) * table.sum(axis=1)).sum() / n**2
    nan = {"kappa": np.nan, "se": np.nan, "ci_low": np.nan, "ci_high": np.nan}
    if np.isclose(p_exp, 1.0):
        return nan
    # statsmodels also tests kappa = 0, dividing by a null SE that is 0 for some tables
    # (e.g. one coder used one category): that test is not reported, so silence it
    with np.errstate(divide="ignore", invalid="ignore"):
        if weights is None:
            res = sm_kappa(table)
        else:
            res = sm_kappa(table, weights=np.arange(table.shape[0]), wt=weights)
    var = float(res.var_kappa)
    se = np.sqrt(max(var, 0.0)) if var > -1e-12 else np.nan  # 0 (not -1e-17) if perfect
    half = z * se
    # the Wald interval kappa ± z·SE, truncated to kappa's range [-1, 1]: kappa cannot
    # exceed 1 (perfect agreement), so an upper limit of 1.013 says nothing more than 1
    return {"kappa": float(res.kappa), "se": float(se),
            "ci_low": float(max(res.kappa - half, -1.0)),
            "ci_high": float(min(res.kappa + half, 1.0))}


# --------------------------------------------------------------------------- one variable
def reliability_matrix(data: pd.DataFrame, *, unit="unit", coder: str = "coder",
                       value: str = "value", coders=None) -> pd.DataFrame:
    """Coders x units matrix of one coded variable (Krippendorff's "reliability data").

    Parameters
    ----------
    data : DataFrame
        One row per (unit, coder) with the coder's ``value`` for that unit.
    unit : str or list of str, default "unit"
        Column(s) identifying a unit (several columns give MultiIndex columns).
    coder, value : str
        Columns naming the coder and holding the value.
    coders : list, optional
        Coders to keep, in this order (default: all, in order of appearance).

    Returns
    -------
    DataFrame
        One row per coder, one column per unit (in order of appearance); a unit a coder
        did not code, or coded with a missing value, is NaN.

    Raises
    ------
    MissingColumnError, InvalidValueError
        A column is absent; a unit or coder label is missing; a coder in ``coders`` is
        absent.
    DuplicateKeyError
        A coder has two rows for the same unit (the rows are named).

    Example
    -------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"unit": [1, 1, 2, 3], "coder": ["A", "B", "A", "B"],
    ...                    "value": [1, 2, 3, 3]})
    >>> reliability_matrix(df)  # doctest: +NORMALIZE_WHITESPACE
    unit     1    2    3
    coder
    A      1.0  3.0  NaN
    B      2.0  NaN  3.0
    """
    frame, unit_cols, chosen = _prepare(data, unit, coder, value, coders)
    units = unit_index(frame, unit_cols).unique()
    key = unit_cols[0] if len(unit_cols) == 1 else unit_cols
    wide = frame.pivot(index=coder, columns=key, values=value)
    wide = wide.reindex(index=pd.Index(chosen, name=coder), columns=units)
    wide.columns.names = unit_cols
    return wide


def percent_agreement(data: pd.DataFrame, *, unit="unit", coder: str = "coder",
                      value: str = "value", coders=None, ci: float = DEFAULT_CI) -> pd.DataFrame:
    """Percentage agreement of coders on one nominal variable, with a Wilson interval.

    Only units coded by at least two coders count.  A unit *agrees* when every coder
    who coded it gave the same value::

        percent_agreement = 100 x n_agree / n_units

    With more than two coders the ``pairwise_agreement`` (agreeing coder pairs over all
    coder pairs, summed over units) is also given; for two coders the two are equal.
    The interval is the Wilson score interval for n_agree / n_units (Wilson 1927) via
    :func:`wellbeing_lib.stats.proportion_ci`.  Percentage agreement ignores agreement
    by chance: report it beside kappa or alpha, as NVivo does.

    Parameters
    ----------
    data : DataFrame
        One row per (unit, coder) with a ``value``; see :func:`reliability_matrix`.
    unit, coder, value, coders
        As in :func:`reliability_matrix`.
    ci : float, default 0.95
        Confidence level of the interval.

    Returns
    -------
    DataFrame
        One row: ``n_units``, ``n_coders``, ``n_agree``, ``percent_agreement``,
        ``ci_low``, ``ci_high`` (percentages) and ``pairwise_agreement`` (%).

    Example
    -------
    Krippendorff's (2011) four coders x 12 units (unit 12 has one coding only):

    >>> import numpy as np, pandas as pd
    >>> m = {"A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    ...      "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    ...      "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    ...      "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None]}
    >>> df = pd.DataFrame(m, index=range(1, 13)).rename_axis("unit").reset_index()
    >>> long = df.melt(id_vars="unit", var_name="coder", value_name="value").dropna()
    >>> cols = ["n_units", "n_agree", "percent_agreement", "pairwise_agreement"]
    >>> percent_agreement(long)[cols].round(2)
       n_units  n_agree  percent_agreement  pairwise_agreement
    0       11        8              72.73               78.18
    """
    check_ci(ci)
    ratings = _ratings(data, unit, coder, value, coders)
    unit_cols, chosen = ratings.unit_cols, ratings.coders
    counts = ratings.counts()
    m = counts.sum(axis=1)
    pairable = m >= 2
    if not pairable.any():
        raise InvalidValueError(
            "no unit was coded by two or more coders", column=unit_cols,
            expected="at least one unit with two or more codings",
        )
    counts, m = counts[pairable], m[pairable]
    n_units = int(pairable.sum())
    n_agree = int((counts.max(axis=1) == m).sum())
    pairs = (m * (m - 1) / 2).sum()
    agreeing_pairs = (counts * (counts - 1) / 2).sum()
    wilson = proportion_ci(n_agree, n_units, ci=ci)
    return pd.DataFrame({
        "n_units": [n_units],
        "n_coders": [len(chosen)],
        "n_agree": [n_agree],
        "percent_agreement": [100.0 * n_agree / n_units],
        "ci_low": [100.0 * float(wilson["ci_low"].iloc[0])],
        "ci_high": [100.0 * float(wilson["ci_high"].iloc[0])],
        "pairwise_agreement": [100.0 * agreeing_pairs / pairs],
    })


def cohens_kappa(data: pd.DataFrame, *, unit="unit", coder: str = "coder", value: str = "value",
                 coders=None, weights: str | None = None, value_domain=None,
                 ci: float = DEFAULT_CI) -> pd.DataFrame:
    """Cohen's kappa for two coders, with its standard error and confidence interval.

    .. math::

        \\kappa = \\frac{p_o - p_e}{1 - p_e}, \\qquad
        p_o = \\sum_i f_{ii} / n, \\quad p_e = \\sum_i r_i c_i / n^2

    (Cohen 1960), computed by :func:`statsmodels.stats.inter_rater.cohens_kappa` on the
    coder 1 x coder 2 contingency table of the units both coders coded.  The standard
    error is statsmodels' asymptotic one (Fleiss, Cohen & Everitt 1969) and the interval
    is kappa ± z x SE, as statsmodels gives it.  Weighted kappa (``weights="linear"`` or
    ``"quadratic"``) scores the categories 0, 1, ..., g-1 in order, so disagreement
    weights are ``|i - j| / (g - 1)`` (Cicchetti-Allison) or its square (Fleiss-Cohen).

    Checked against Altman (1991), *Practical Statistics for Medical Research*,
    Table 14.2 (two radiologists, 85 xeromammograms): kappa 0.47, SE 0.07, weighted
    (linear) kappa 0.57.

    Parameters
    ----------
    data : DataFrame
        One row per (unit, coder) with a ``value``; see :func:`reliability_matrix`.
    unit, coder, value : str
        Column names (``unit`` may be a list of columns).
    coders : list of two, optional
        The two coders to compare (required when the data hold more than two); the first
        is the row coder of the table.
    weights : {None, "linear", "quadratic"}
        Unweighted (default) or weighted kappa for ordered categories.
    value_domain : list, optional
        All categories, in order.  Needed for weighted kappa when the values are not
        numbers, and to count categories neither coder used in the weights.
    ci : float, default 0.95
        Confidence level.

    Returns
    -------
    DataFrame
        One row: ``coder_1``, ``coder_2``, ``weights``, ``n_units`` (coded by both),
        ``n_excluded`` (coded by only one of them), ``percent_agreement``, ``kappa``,
        ``se``, ``ci_low``, ``ci_high``.  The interval is the Wald interval
        kappa ± z·SE (SE from statsmodels, Fleiss, Cohen & Everitt 1969) truncated to
        kappa's range [−1, 1]: the method allows it because kappa cannot exceed 1, and
        truncating keeps the coverage (a near-perfect kappa of 0.98 ± 0.033 reads
        0.947 to 1, not 0.947 to 1.013).

    Raises
    ------
    InvalidValueError
        Not exactly two coders; non-numeric values for weighted kappa without
        ``value_domain``; kappa undefined because both coders used one category only.
    UnmatchedRecordsError
        No unit was coded by both coders.
    DuplicateKeyError
        A coder has two rows for the same unit.

    Example
    -------
    Altman (1991) Table 14.2, radiologist A (rows) x B (columns):

    >>> import numpy as np, pandas as pd
    >>> table = [[21, 12, 0, 0], [4, 17, 1, 0], [3, 9, 15, 2], [0, 0, 0, 1]]
    >>> a, b = np.nonzero(np.ones((4, 4)))
    >>> counts = np.ravel(table)
    >>> films = pd.DataFrame({"film": np.arange(counts.sum()),
    ...                       "A": np.repeat(a, counts), "B": np.repeat(b, counts)})
    >>> long = films.melt(id_vars="film", var_name="coder", value_name="grade")
    >>> res = cohens_kappa(long, unit="film", value="grade")
    >>> res[["coder_1", "coder_2", "n_units", "kappa", "se", "ci_low", "ci_high"]].round(4)
      coder_1 coder_2  n_units   kappa      se  ci_low  ci_high
    0       A       B       85  0.4728  0.0727  0.3303   0.6153
    >>> cohens_kappa(long, unit="film", value="grade", weights="linear")["kappa"].round(4)
    0    0.5684
    Name: kappa, dtype: float64
    """
    check_ci(ci)
    if weights not in KAPPA_WEIGHTS:
        raise ValueError(f"weights must be one of {KAPPA_WEIGHTS}, not {weights!r}")
    frame, unit_cols, chosen = _prepare(data, unit, coder, value, coders)
    if len(chosen) != 2:
        raise InvalidValueError(
            "Cohen's kappa needs exactly two coders", column=coder,
            expected="two coders (pass coders=[first, second] to choose them)", found=chosen,
        )
    level = "nominal" if weights is None else "ordinal"
    value_codes, domain = _encode(frame, value, level, value_domain)
    unit_codes, units = unit_index(frame, unit_cols).factorize()
    first = (frame[coder] == chosen[0]).to_numpy()
    grid = np.full((2, len(units)), -1, dtype=np.int64)
    grid[0, unit_codes[first]] = value_codes[first]
    grid[1, unit_codes[~first]] = value_codes[~first]
    coded = grid >= 0
    both = coded.all(axis=0)
    n_units = int(both.sum())
    if n_units == 0:
        raise UnmatchedRecordsError(
            "no unit was coded by both coders", column=unit_cols,
            expected=f"units coded by both {chosen[0]} and {chosen[1]}",
        )
    n_vals = len(domain)
    table = np.bincount(grid[0, both] * n_vals + grid[1, both],
                        minlength=n_vals * n_vals).reshape(n_vals, n_vals)
    res = cohens_kappa_table(table, weights=weights, ci=ci).iloc[0]
    if np.isnan(res["kappa"]):
        raise InvalidValueError(
            "Cohen's kappa is undefined: both coders gave every unit the same single value",
            column=value, expected="at least two different values",
        )
    return pd.DataFrame({
        "coder_1": [chosen[0]], "coder_2": [chosen[1]],
        "weights": ["unweighted" if weights is None else weights],
        "n_units": [n_units], "n_excluded": [int((coded.any(axis=0) & ~both).sum())],
        "percent_agreement": [100.0 * np.trace(table) / n_units],
        **{k: [float(v)] for k, v in res.items()},
    })


def krippendorff_alpha(data: pd.DataFrame, *, unit="unit", coder: str = "coder",
                       value: str = "value", level: str = "nominal", value_domain=None,
                       coders=None, ci: float | None = DEFAULT_CI, n_boot: int = 1000,
                       random_state=0) -> pd.DataFrame:
    """Krippendorff's alpha for any number of coders and missing codings, with a bootstrap CI.

    .. math::

        \\alpha = 1 - \\frac{D_o}{D_e}
              = 1 - (n_{\\cdot\\cdot} - 1)
                \\frac{\\sum_c \\sum_k o_{ck}\\, \\delta^2_{ck}}
                      {\\sum_c \\sum_k n_c n_k\\, \\delta^2_{ck}}

    where ``o`` is the coincidence matrix of pairable values (units coded by two or more
    coders), ``n_c`` its marginals, ``n..`` the number of pairable values and
    ``delta^2`` the difference function of the level of measurement (Krippendorff 2011,
    "Computing Krippendorff's Alpha-Reliability").  It is computed here with numpy from
    the coincidence matrix, in memory of units x values (never units x values^2), so
    interval ratings with hundreds of distinct values are cheap too.  The tests check it
    against Krippendorff's published values and, where installed, against the
    `krippendorff <https://github.com/pln-fing-udelar/fast-krippendorff>`_ package (a
    test oracle only: it is GPL-licensed and not a dependency).  The tidy table is
    checked and encoded on integer codes, so 1,000,000 codings take well under a second
    (``benchmarks/bench_engagement.py``).

    Bootstrap: the pairable units are resampled with replacement ``n_boot`` times and
    alpha recomputed on each resample (ordinal distances from the resample's own
    marginals); the interval is the percentile interval.  This non-parametric unit
    bootstrap keeps the codings of a unit together; it differs from Hayes & Krippendorff
    (2007, *Communication Methods and Measures* 1:77-89), who resample pairs of values
    from the coincidence matrix, so intervals will not match their SPSS/SAS macro
    exactly.  Resamples in which alpha is undefined (every value the same) are dropped,
    with a warning; ``n_boot`` in the output counts those used.  The resampling is
    vectorised: each block of replicates is one matrix product of resample counts by
    per-unit sums.

    Parameters
    ----------
    data : DataFrame
        One row per (unit, coder) with a ``value``; missing values are missing codings.
    unit, coder, value : str
        Column names (``unit`` may be a list of columns).
    level : {"nominal", "ordinal", "interval", "ratio"}, default "nominal"
        Level of measurement; always reported in the output.  Ordinal needs numbers or an
        ordered ``value_domain``; interval and ratio need numbers (ratio: 0 or more).
    value_domain : list, optional
        All possible values in order (ordinal labels such as ``["low", "mid", "high"]``);
        values outside it raise an error.
    coders : list, optional
        Coders to include (default all).
    ci : float or None, default 0.95
        Confidence level of the bootstrap interval; None (or ``n_boot=0``) skips the
        bootstrap and leaves ``ci_low``/``ci_high`` NaN.
    n_boot : int, default 1000
        Number of bootstrap resamples.
    random_state : int, numpy Generator or None, default 0
        Seed of the bootstrap: the default 0 gives the same interval every call (pass
        another int to see another set of resamples); None draws fresh entropy.

    Returns
    -------
    DataFrame
        One row: ``level``, ``alpha``, ``ci_low``, ``ci_high``, ``ci_level`` (the ``ci``
        used), ``n_units`` (pairable units), ``n_coders``, ``n_values`` (pairable values
        n..), ``n_boot``.

    Raises
    ------
    InvalidValueError
        Non-numeric values for ordinal/interval/ratio (the rows are named); a value
        outside ``value_domain``; no unit coded by two coders; alpha undefined because
        every pairable value is the same.
    DuplicateKeyError
        A coder has two rows for the same unit.

    Example
    -------
    Krippendorff's (2011) example, four coders x 12 units with missing codings:

    >>> import pandas as pd
    >>> m = {"A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    ...      "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    ...      "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    ...      "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None]}
    >>> df = pd.DataFrame(m, index=range(1, 13)).rename_axis("unit").reset_index()
    >>> long = df.melt(id_vars="unit", var_name="coder", value_name="value")
    >>> res = krippendorff_alpha(long, n_boot=200, random_state=1)
    >>> res[["level", "alpha", "ci_low", "ci_high", "n_units", "n_values"]].round(3)
         level  alpha  ci_low  ci_high  n_units  n_values
    0  nominal  0.743   0.392      1.0       11        40
    >>> krippendorff_alpha(long, level="interval", n_boot=0)[["level", "alpha"]].round(3)
          level  alpha
    0  interval  0.849
    """
    _check_args(level, n_boot)
    alpha_level = None if ci is None else check_ci(ci)
    ratings = _ratings(data, unit, coder, value, coders, level, value_domain)
    unit_cols, chosen, domain = ratings.unit_cols, ratings.coders, ratings.domain
    counts = ratings.counts()
    counts = counts[counts.sum(axis=1) >= 2]
    if len(counts) == 0:
        raise InvalidValueError(
            "Krippendorff's alpha needs a unit coded by two or more coders",
            column=unit_cols, expected="at least one unit with two or more codings",
        )
    if (counts.sum(axis=0) > 0).sum() < 2:
        raise InvalidValueError(
            "Krippendorff's alpha is undefined: every pairable coding has the same value",
            column=value, expected="at least two different values among units coded twice",
        )
    alpha = _alpha_point(counts, domain, level)
    low = high = np.nan
    used = 0
    if ci is not None and n_boot > 0:
        rng = np.random.default_rng(random_state)
        reps = _bootstrap_alpha(counts, domain, level, n_boot, rng)
        low, high, used = _percentile_ci(reps, alpha_level)
        if used < n_boot:
            warnings.warn(
                f"{n_boot - used} of {n_boot} bootstrap resamples had a single value "
                "(alpha undefined) and were dropped", RuntimeWarning, stacklevel=2,
            )
    return pd.DataFrame({
        "level": [level], "alpha": [alpha], "ci_low": [low], "ci_high": [high],
        "ci_level": [np.nan if ci is None else float(ci)], "n_units": [len(counts)],
        "n_coders": [len(chosen)], "n_values": [int(counts.sum())], "n_boot": [used],
    })




# --------------------------------------------------------------------------- ready-made tables
def cohens_kappa_table(table, *, weights: str | None = None,
                       ci: float = DEFAULT_CI) -> pd.DataFrame:
    """Cohen's kappa of coder 1 x coder 2 contingency tables, with SE and CI (statsmodels).

    The statistic of :func:`cohens_kappa` for counts already tabulated: ``table[i, j]``
    is the number of units the first coder put in category i and the second in category
    j.  A stack of tables (shape ``(k, g, g)``) gives one row per table, e.g. one
    (present, absent) x (present, absent) table per code of a codebook.  Kappa, its
    standard error and interval come from
    :func:`statsmodels.stats.inter_rater.cohens_kappa` (asymptotic SE of Fleiss, Cohen &
    Everitt 1969; interval kappa ± z x SE); they are NaN where kappa is undefined (both
    coders used the same single category, so p_e = 1).  Weighted kappa scores the
    categories 0, 1, ..., g-1 in order, as in :func:`cohens_kappa`.

    Parameters
    ----------
    table : array-like of counts, shape (g, g) or (k, g, g)
        Square contingency table(s).
    weights : {None, "linear", "quadratic"}
        Unweighted (default) or weighted kappa.
    ci : float, default 0.95
        Confidence level of the interval.

    Returns
    -------
    DataFrame
        One row per table: ``kappa``, ``se``, ``ci_low``, ``ci_high``.

    Raises
    ------
    ValueError
        Not a square table (or stack of them); negative or missing counts.

    Example
    -------
    Altman (1991) Table 14.4 (a) and (b): kappa 0.38 (0.375 exactly) and 0.60.

    >>> cohens_kappa_table([[[70, 10], [10, 10]], [[40, 10], [10, 40]]]).round(4)
       kappa      se  ci_low  ci_high
    0  0.375  0.1135  0.1526   0.5974
    1  0.600  0.0800  0.4432   0.7568
    """
    from scipy.stats import norm

    alpha = check_ci(ci)
    if weights not in KAPPA_WEIGHTS:
        raise ValueError(f"weights must be one of {KAPPA_WEIGHTS}, not {weights!r}")
    tables = np.asarray(table, dtype=float)
    if tables.ndim == 2:
        tables = tables[None]
    if (tables.ndim != 3 or tables.shape[1] != tables.shape[2] or tables.shape[1] < 1
            or not np.isfinite(tables).all() or (tables < 0).any()):
        raise ValueError("table must be a square table of counts (g x g) or a stack of "
                         f"them (k x g x g); got shape {np.shape(table)}")
    z = norm.isf(alpha / 2)
    rows = [_kappa_one(t, weights, z) for t in tables]  # statsmodels takes one table a call
    return pd.DataFrame(rows, columns=["kappa", "se", "ci_low", "ci_high"])


def binary_alpha(counts, *, ci: float | None = DEFAULT_CI, n_boot: int = 1000,
                 random_state=0) -> pd.DataFrame:
    """Krippendorff's alpha of presence/absence variables coded on the same units, and pooled.

    ``counts[v, u]`` holds, for variable v (e.g. a code of a codebook) and unit u (e.g.
    an answer), how many coders marked the variable *absent* and how many *present*;
    every unit needs two or more coders.  For each variable alpha is nominal alpha
    (from the coincidence matrix, as :func:`krippendorff_alpha`); the last
    row pools every variable x unit decision into one binary variable (alpha of the
    pooled coincidences).  A variable with no variation (absent everywhere, or present
    everywhere) has no alpha (NaN).

    Bootstrap: the units are resampled with replacement ``n_boot`` times and every
    variable and the pooled row are recomputed on the same resamples, so a unit's
    decisions stay together; the interval is the percentile interval.  Resamples in
    which a variable has no variation are dropped for it; ``n_boot`` counts the
    resamples used.  Alpha is a ratio of sums over units, so each block of resamples is
    one matrix product (no loop over resamples).

    Parameters
    ----------
    counts : array-like, shape (variables, units, 2)
        (absent, present) counts of coders.
    ci : float or None, default 0.95
        Confidence level of the bootstrap interval; None (or ``n_boot=0``) skips it.
    n_boot : int, default 1000
        Bootstrap resamples.
    random_state : int, numpy Generator or None, default 0
        Seed of the bootstrap: the default 0 gives the same interval every call; None
        draws fresh entropy.

    Returns
    -------
    DataFrame
        One row per variable, then the pooled row: ``alpha``, ``ci_low``, ``ci_high``,
        ``n_boot`` (resamples with alpha defined).

    Raises
    ------
    ValueError
        ``counts`` not of shape (variables, units, 2), negative, or a unit with fewer
        than two coders.

    Example
    -------
    Two coders, five answers: code 1 applied by both to answers 1, 2 and 5; code 2 by
    the first coder to answers 1 and 4, by the second to answers 3 and 4:

    >>> import numpy as np
    >>> present = np.array([[2, 2, 0, 0, 2], [1, 0, 1, 2, 0]])
    >>> counts = np.stack([2 - present, present], axis=-1)
    >>> binary_alpha(counts, n_boot=0)["alpha"].round(4).tolist()
    [1.0, 0.25, 0.62]
    """
    if ci is not None:
        alpha_level = check_ci(ci)
    _check_args(None, n_boot)
    counts = np.asarray(counts, dtype=float)
    if counts.ndim != 3 or counts.shape[2] != 2 or not np.isfinite(counts).all() \
            or (counts < 0).any():
        raise ValueError("counts must hold (absent, present) counts of coders, shape "
                         f"(variables, units, 2); got shape {np.shape(counts)}")
    if (counts.sum(axis=2) < 2).any():
        raise ValueError("every unit needs two or more coders (pairable units only)")
    n_vars, n_units = counts.shape[:2]
    alpha = np.full(n_vars + 1, np.nan)
    varied = np.append((counts.sum(axis=1) > 0).all(axis=-1),
                       (counts.sum(axis=(0, 1)) > 0).all())
    binary = np.array([0.0, 1.0])
    for i in range(n_vars + 1):  # over variables (codes), not units
        if varied[i]:
            vc = counts[i] if i < n_vars else counts.reshape(-1, 2)
            alpha[i] = _alpha_point(vc, binary, "nominal")
    low = np.full(n_vars + 1, np.nan)
    high = np.full(n_vars + 1, np.nan)
    used = np.zeros(n_vars + 1, dtype=int)
    if ci is not None and n_boot > 0:
        dist = _distance(np.array([0.0, 1.0]), "nominal")
        d_unit = _unit_disagreement(counts, dist).T               # units x variables
        d_unit = np.column_stack([d_unit, d_unit.sum(axis=1)])
        n_unit = np.concatenate([counts, counts.sum(axis=0, keepdims=True)]).transpose(1, 0, 2)
        stats = np.column_stack([d_unit, n_unit.reshape(n_units, -1)])
        sums = _resampled_sums(stats, n_boot, np.random.default_rng(random_state))
        reps = _alpha_from_sums(sums[:, :n_vars + 1],
                                sums[:, n_vars + 1:].reshape(n_boot, n_vars + 1, 2), dist)
        for i in range(n_vars + 1):
            if varied[i]:
                low[i], high[i], used[i] = _percentile_ci(reps[:, i], alpha_level)
    return pd.DataFrame({"alpha": alpha, "ci_low": low, "ci_high": high, "n_boot": used})
