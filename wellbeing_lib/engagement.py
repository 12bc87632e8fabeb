"""Engagement analysis: loading, reach and representativeness, raking, codebook-driven
thematic analysis, inter-coder reliability and the ten-area engagement self-assessment.

Engagement programmes (a dialogue with thousands of public and professional
stakeholders; a self-assessment by a few dozen system partners) produce free text that
evaluators code in NVivo and summarise in Excel.  This module makes each step
reproducible and quantified, reading top to bottom as load -> code -> summarise -> plot.

Loading
    :func:`read_surveymonkey` (CSV/XLSX, two header rows), :func:`read_survey_csv`
    (one header row), :class:`SurveyExport` (``.responses``, ``.questions``,
    ``.status``, ``.to_long()``), :func:`read_notes_table` (telephone / focus-group
    notes), :func:`read_codings` (manual coding, as from NVivo or QualCoder).
Codebook
    :func:`load_codebook` (bundled wellbeing and self-assessment codebooks, or yours),
    :func:`apply_codebook` (whole-word, multi-label, exclude terms, negation window),
    :func:`mention_matrix`.
Themes
    :func:`theme_frequency` (n, %, Wilson CI, suppression), :func:`compare_groups`
    (chi-square / Fisher, Holm or BH correction), :func:`theme_cooccurrence`
    (counts, Jaccard), :func:`exemplar_quotes` (seeded, redacted).
Reach and weighting
    :func:`reach`, :func:`representation` (ratio with CI, flags),
    :func:`goodness_of_fit`, :func:`rake` (IPF with trimming, Kish design effect),
    :func:`weighted_prevalence`.
Recommendations
    :func:`load_recommendation_map`, :func:`recommendation_evidence`.
Ten-area self-assessment
    :func:`engagement_areas`, :func:`self_assessment_responses`, :func:`area_summary`,
    :func:`scope_for_improvement`, :func:`most_good_practice`, :func:`area_themes`,
    :func:`area_quotes`, :func:`compare_channels`.
Inter-coder reliability

    =============================  ===================================================
    :func:`reliability_matrix`     coders x units matrix of one coded variable
    :func:`percent_agreement`      % of units on which the coders agree (Wilson CI)
    :func:`cohens_kappa`           Cohen's kappa for two coders (statsmodels)
    :func:`krippendorff_alpha`     Krippendorff's alpha, any number of coders, missing
                                   codings, nominal/ordinal/interval/ratio, bootstrap CI
    :func:`code_reliability`       multi-code presence/absence coding: n, % agreement,
                                   kappa and alpha per code and overall
    :func:`codebook_agreement`     the codebook as one more coder: code_reliability for
                                   every pair (coder-coder and codebook-coder)
    =============================  ===================================================
Plots
    :func:`plot_representation`, :func:`plot_theme_heatmap`,
    :func:`plot_diverging_bars`, :func:`plot_cooccurrence`.

Reliability input layouts
-------------------------
*One variable* (each coder gives each unit at most one value): one row per
(unit, coder) with a ``value``.  A missing value, or no row, is a missing coding.

*Multi-code coding* (each coder applies any number of codes to each unit): one
row per (respondent, question, code, coder) saying the coder applied the code.
An NVivo coding export (or a QualCoder "coded text" export) maps onto it as:
the case/file name (or respondent ID) -> ``respondent``; the question (survey
column or node of the answer) -> ``question``; the node/code name -> ``code``;
the user (NVivo user initials, QualCoder coder name) -> ``coder``.  Several coded
references of one code in one answer count once (presence).  :func:`read_codings`
reads and checks such a table.

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
>>> answers = pd.DataFrame({"respondent": [1, 2, 3],
...                         "text": ["Not lonely, I see friends", "Lonely", "Money worries"]})
>>> apply_codebook(answers)[["respondent", "code", "match"]]
   respondent               code    match
0           1  social_connection  friends
1           2         loneliness   Lonely
2           3     cost_of_living    Money
3           3      mental_health  worries
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd

from .errors import (
    ConvergenceError,
    DuplicateKeyError,
    InvalidValueError,
    MissingColumnError,
    SheetError,
    UnmatchedRecordsError,
)
from .io import load_reference_table, read_table
from .privacy import redact_pii, suppress_rows
from .stats import proportion_ci
from .validation import check_numeric, check_unique, error_location, require_columns, source_of

__all__ = [
    "LEVELS",
    # loading
    "SurveyExport",
    "clean_name",
    "read_surveymonkey",
    "read_survey_csv",
    "read_notes_table",
    "read_codings",
    # codebook and themes
    "load_codebook",
    "apply_codebook",
    "mention_matrix",
    "theme_frequency",
    "compare_groups",
    "theme_cooccurrence",
    "exemplar_quotes",
    # reach, representation, raking
    "reach",
    "representation",
    "goodness_of_fit",
    "RakeDiagnostics",
    "RakeResult",
    "rake",
    "weighted_prevalence",
    # recommendations
    "load_recommendation_map",
    "RecommendationEvidence",
    "recommendation_evidence",
    # ten-area self-assessment
    "engagement_areas",
    "self_assessment_responses",
    "area_summary",
    "scope_for_improvement",
    "most_good_practice",
    "area_themes",
    "area_quotes",
    "compare_channels",
    # inter-coder reliability
    "reliability_matrix",
    "percent_agreement",
    "cohens_kappa",
    "krippendorff_alpha",
    "code_reliability",
    "codebook_agreement",
    # plots
    "plot_representation",
    "plot_theme_heatmap",
    "plot_diverging_bars",
    "plot_cooccurrence",
]

#: levels of measurement accepted by :func:`krippendorff_alpha`
LEVELS = ("nominal", "ordinal", "interval", "ratio")

#: weighting schemes accepted by :func:`cohens_kappa`
KAPPA_WEIGHTS = (None, "linear", "quadratic")

#: label of the pooled row of :func:`code_reliability`
OVERALL = "(all codes)"

#: largest number of float cells held at once by the bootstrap (about 32 MB)
_MAX_CELLS = 4_000_000

#: above units x values^2 cells, alpha is computed here rather than by the ``krippendorff``
#: package, whose arrays of that size would need more than about 80 MB each
_PACKAGE_CELLS = 10_000_000


# --------------------------------------------------------------------------- helpers
def _columns(cols) -> list[str]:
    return [cols] if isinstance(cols, str) else list(cols)


def _where(data: pd.DataFrame, mask) -> dict:
    """:func:`wellbeing_lib.io.error_location` of the rows selected by a boolean mask."""
    return error_location(data, list(data.index[np.asarray(mask, dtype=bool)]))


def _check_labels(data: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    for col in columns:
        missing = data[col].isna().to_numpy()
        if missing.any():
            raise InvalidValueError(
                f"missing {what} label", column=col,
                expected=f"a {what} identifier in every row", **_where(data, missing),
            )


def _row_keys(frame: pd.DataFrame, unit_cols: Sequence[str]) -> pd.Index:
    """The unit of every row, as an Index (a MultiIndex for several unit columns)."""
    if len(unit_cols) == 1:
        return pd.Index(frame[unit_cols[0]], name=unit_cols[0])
    return pd.MultiIndex.from_frame(frame[list(unit_cols)])


def _choose_coders(found, coders, coder: str, hint: str = "") -> list:
    found = list(pd.unique(pd.Series(list(found), dtype=object)))
    if coders is None:
        return found
    coders = list(coders)
    absent = [c for c in coders if c not in set(found)]
    if absent:
        raise InvalidValueError(
            "coder not found", column=coder,
            expected="coders among " + ", ".join(map(str, found)) + hint, found=absent,
        )
    if len(set(coders)) != len(coders):
        raise ValueError(f"coders lists a coder twice: {coders!r}")
    return coders


def _prepare(data, unit, coder, value, coders):
    """Validate a one-variable coding table; return (rows, unit columns, coders)."""
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame, not {type(data).__name__}")
    unit_cols = _columns(unit)
    require_columns(data, [*unit_cols, coder, value])
    _check_labels(data, unit_cols, "unit")
    _check_labels(data, [coder], "coder")
    check_unique(data, [*unit_cols, coder])
    chosen = _choose_coders(data[coder], coders, coder)
    frame = data[[*unit_cols, coder, value]]
    if coders is not None:
        frame = frame[frame[coder].isin(chosen)]
    return frame, unit_cols, chosen


def _check_args(level=None, ci=0.95, n_boot=0) -> None:
    if level is not None and level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    if ci is not None and not (isinstance(ci, float | int) and not isinstance(ci, bool)
                               and 0 < ci < 1):
        raise ValueError(f"ci must be a confidence level between 0 and 1 (e.g. 0.95), not {ci!r}")
    if not (isinstance(n_boot, int | np.integer) and not isinstance(n_boot, bool) and n_boot >= 0):
        raise ValueError(f"n_boot must be a whole number of 0 or more, not {n_boot!r}")


def _encode(frame: pd.DataFrame, value: str, level: str, value_domain):
    """Integer codes of the values (-1 = missing) and the value domain given to ``krippendorff``.

    nominal: any values; ordinal: numbers, or labels listed in order in ``value_domain``;
    interval and ratio: numbers (ratio: 0 or more).
    """
    raw = frame[value]
    present = raw.notna().to_numpy()
    if value_domain is not None and level in ("nominal", "ordinal"):
        domain = pd.Index(list(value_domain))
        if len(domain) < 2 or not domain.is_unique:
            raise ValueError("value_domain must list at least two distinct values, in order")
        codes = domain.get_indexer(raw)
        bad = present & (codes < 0)
        if bad.any():
            raise InvalidValueError(
                "value not in value_domain", column=value,
                expected="one of " + ", ".join(map(str, domain)),
                found=list(pd.unique(raw[bad])), **_where(frame, bad),
            )
        return codes, np.arange(len(domain), dtype=float)
    if level == "nominal":
        codes, uniques = pd.factorize(raw, use_na_sentinel=True)
        return np.asarray(codes), np.arange(len(uniques), dtype=float)
    numbers = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
    bad = present & np.isnan(numbers)
    if bad.any():
        how = " (or pass value_domain=[...] listing the categories in order)" \
            if level == "ordinal" else ""
        raise InvalidValueError(
            f"non-numeric value for level '{level}'", column=value,
            expected=f"numbers{how}", found=list(pd.unique(raw[bad])), **_where(frame, bad),
        )
    if level == "ratio":
        neg = present & (numbers < 0)
        if neg.any():
            raise InvalidValueError(
                "negative value for level 'ratio'", column=value,
                expected="numbers of 0 or more", found=list(raw[neg]), **_where(frame, neg),
            )
    if value_domain is not None:
        allowed = pd.to_numeric(pd.Series(list(value_domain)), errors="coerce").to_numpy(float)
        if np.isnan(allowed).any():
            raise ValueError(f"value_domain must hold numbers for level '{level}'")
        bad = present & ~np.isin(numbers, allowed)
        if bad.any():
            raise InvalidValueError(
                "value not in value_domain", column=value,
                expected="one of " + ", ".join(f"{a:g}" for a in allowed),
                found=list(raw[bad]), **_where(frame, bad),
            )
    domain = np.unique(numbers[present])
    codes = np.full(len(numbers), -1, dtype=np.int64)
    codes[present] = np.searchsorted(domain, numbers[present])
    return codes, domain


def _value_counts(unit_codes, value_codes, n_units: int, n_values: int) -> np.ndarray:
    """Units x values matrix: how many coders gave each value to each unit (vectorised)."""
    ok = value_codes >= 0
    flat = unit_codes[ok] * n_values + value_codes[ok]
    counts = np.bincount(flat, minlength=n_units * n_values)
    return counts.reshape(n_units, n_values).astype(float)


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


def _percentile_ci(replicates: np.ndarray, ci: float) -> tuple[float, float, int]:
    ok = replicates[np.isfinite(replicates)]
    if ok.size == 0:
        return np.nan, np.nan, 0
    low, high = np.quantile(ok, [(1 - ci) / 2, (1 + ci) / 2])
    return float(low), float(high), int(ok.size)


def _kappa_table(table: np.ndarray, weights, ci: float) -> dict:
    """Cohen's kappa of a square table with statsmodels; NaN where kappa is undefined."""
    from scipy.stats import norm
    from statsmodels.stats.inter_rater import cohens_kappa as sm_kappa

    table = np.asarray(table, dtype=float)
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
    half = norm.isf((1 - ci) / 2) * se
    return {"kappa": float(res.kappa), "se": float(se),
            "ci_low": float(res.kappa - half), "ci_high": float(res.kappa + half)}


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
    units = _row_keys(frame, unit_cols).unique()
    key = unit_cols[0] if len(unit_cols) == 1 else unit_cols
    wide = frame.pivot(index=coder, columns=key, values=value)
    wide = wide.reindex(index=pd.Index(chosen, name=coder), columns=units)
    wide.columns.names = unit_cols
    return wide


def percent_agreement(data: pd.DataFrame, *, unit="unit", coder: str = "coder",
                      value: str = "value", coders=None, ci: float = 0.95) -> pd.DataFrame:
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
    _check_args(ci=ci)
    frame, unit_cols, chosen = _prepare(data, unit, coder, value, coders)
    unit_codes, units = _row_keys(frame, unit_cols).factorize()
    value_codes, domain = _encode(frame, value, "nominal", None)
    counts = _value_counts(np.asarray(unit_codes), value_codes, len(units), len(domain))
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
    from .stats import proportion_ci

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
                 ci: float = 0.95) -> pd.DataFrame:
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
        ``se``, ``ci_low``, ``ci_high``.

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
    _check_args(ci=ci)
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
    unit_codes, units = _row_keys(frame, unit_cols).factorize()
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
    res = _kappa_table(table, weights, ci)
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
        **{k: [v] for k, v in res.items()},
    })


def krippendorff_alpha(data: pd.DataFrame, *, unit="unit", coder: str = "coder",
                       value: str = "value", level: str = "nominal", value_domain=None,
                       coders=None, ci: float | None = 0.95, n_boot: int = 1000,
                       random_state=None) -> pd.DataFrame:
    """Krippendorff's alpha for any number of coders and missing codings, with a bootstrap CI.

    .. math::

        \\alpha = 1 - \\frac{D_o}{D_e}
              = 1 - (n_{\\cdot\\cdot} - 1)
                \\frac{\\sum_c \\sum_k o_{ck}\\, \\delta^2_{ck}}
                      {\\sum_c \\sum_k n_c n_k\\, \\delta^2_{ck}}

    where ``o`` is the coincidence matrix of pairable values (units coded by two or more
    coders), ``n_c`` its marginals, ``n..`` the number of pairable values and
    ``delta^2`` the difference function of the level of measurement (Krippendorff 2011,
    "Computing Krippendorff's Alpha-Reliability").  The point estimate is computed by the
    `krippendorff <https://github.com/pln-fing-udelar/fast-krippendorff>`_ package; when
    units x distinct values^2 exceeds 10^7 (e.g. interval ratings with hundreds of
    distinct values), where the package would need gigabytes, the same formula is
    evaluated here from the coincidence matrix (the tests check both agree).

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
    random_state : int, numpy Generator or None
        Seed of the bootstrap (pass an int for reproducible intervals).

    Returns
    -------
    DataFrame
        One row: ``level``, ``alpha``, ``ci_low``, ``ci_high``, ``ci``, ``n_units``
        (pairable units), ``n_coders``, ``n_values`` (pairable values n..), ``n_boot``.

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
    _check_args(level, ci, n_boot)
    import krippendorff

    frame, unit_cols, chosen = _prepare(data, unit, coder, value, coders)
    value_codes, domain = _encode(frame, value, level, value_domain)
    unit_codes, units = _row_keys(frame, unit_cols).factorize()
    counts = _value_counts(np.asarray(unit_codes), value_codes, len(units), len(domain))
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
    if len(counts) * len(domain) ** 2 <= _PACKAGE_CELLS:
        alpha = float(krippendorff.alpha(value_counts=counts, value_domain=domain,
                                         level_of_measurement=level))
    else:  # the package holds units x values^2 arrays: same formula, less memory
        alpha = _alpha_point(counts, domain, level)
    low = high = np.nan
    used = 0
    if ci is not None and n_boot > 0:
        rng = np.random.default_rng(random_state)
        reps = _bootstrap_alpha(counts, domain, level, n_boot, rng)
        low, high, used = _percentile_ci(reps, ci)
        if used < n_boot:
            warnings.warn(
                f"{n_boot - used} of {n_boot} bootstrap resamples had a single value "
                "(alpha undefined) and were dropped", RuntimeWarning, stacklevel=2,
            )
    return pd.DataFrame({
        "level": [level], "alpha": [alpha], "ci_low": [low], "ci_high": [high],
        "ci": [np.nan if ci is None else float(ci)], "n_units": [len(counts)],
        "n_coders": [len(chosen)], "n_values": [int(counts.sum())], "n_boot": [used],
    })


# --------------------------------------------------------------------------- multi-code
def code_reliability(codings: pd.DataFrame, *, unit=("respondent", "question"),
                     code: str = "code", coder: str = "coder", coders=None, codes=None,
                     units_coded: pd.DataFrame | None = None, ci: float | None = 0.95,
                     n_boot: int = 1000, random_state=None) -> pd.DataFrame:
    """Reliability of multi-code coding, per code and overall (NVivo's coding comparison).

    Each coder either applied a code to a unit (an answer: respondent x question) or did
    not, so every code is a binary nominal variable over the units.  For each code:

    * ``n_units`` - units seen by two or more coders (the units compared);
    * ``n_any`` - units to which at least one coder applied the code;
    * ``percent_agreement`` - % of units on which every coder who saw the unit made the
      same decision (applied / not applied);
    * Cohen's kappa with SE and CI (statsmodels; only with exactly two coders);
    * Krippendorff's alpha, nominal (``alpha_level``), from the ``krippendorff`` package,
      with a bootstrap CI resampling units (as in :func:`krippendorff_alpha`; the same
      resamples are used for every code).

    The last row, ``code == "(all codes)"``, pools every unit x code decision into one
    binary variable: percentage agreement over cells, kappa of the pooled 2 x 2 table and
    alpha of the pooled coincidences, with the bootstrap resampling whole units (their
    codes together).  The pooled kappa has no SE because the cells of one unit are not
    independent.  (NVivo's overall figure is instead an average of per-code values.)

    Which units each coder saw matters: a unit a coder saw but gave no code counts as
    *absent* for every code; a unit a coder never saw is *missing* for that coder.
    Give ``units_coded`` to say which units were seen: a table with the ``unit``
    columns and, optionally, the ``coder`` column (without it every listed unit was seen
    by every coder).  Without ``units_coded`` every unit appearing in ``codings`` is
    assumed to have been seen by every coder, and units to which no coder applied any
    code are unknown and left out - which understates agreement on absence.  Pass the
    full list of answers in the reliability sample to count them.

    Parameters
    ----------
    codings : DataFrame
        One row per (unit, code, coder) application; repeated rows (several coded
        references of one code in one answer) count once.
    unit : str or sequence of str, default ("respondent", "question")
        Column(s) identifying a unit.
    code, coder : str
        Columns naming the code and the coder.
    coders : list, optional
        Coders to compare (default: all in ``codings`` and ``units_coded``).
    codes : list, optional
        The codebook's codes, in output order; codes nobody applied are then reported
        too.  Default: the codes in ``codings``, in order of appearance.
    units_coded : DataFrame, optional
        Which units were seen (see above).
    ci : float or None, default 0.95
        Confidence level of the kappa and bootstrap alpha intervals (None: no bootstrap).
    n_boot : int, default 1000
        Bootstrap resamples for alpha (0: none).
    random_state : int, numpy Generator or None
        Seed of the bootstrap.

    Returns
    -------
    DataFrame
        One row per code plus ``"(all codes)"``; columns ``code``, ``n_units``,
        ``n_coders``, ``n_any``, ``percent_agreement``, ``kappa``, ``kappa_se``,
        ``kappa_ci_low``, ``kappa_ci_high``, ``alpha``, ``alpha_ci_low``,
        ``alpha_ci_high``, ``n_boot`` (resamples with alpha defined), ``alpha_level``,
        ``note`` (why a value is missing).

    Raises
    ------
    MissingColumnError, InvalidValueError
        Missing columns or labels; a coder in ``coders`` or a code outside ``codes``; no
        unit seen by two coders.
    UnmatchedRecordsError
        A coding for a unit that ``units_coded`` says the coder did not see.

    Example
    -------
    >>> import pandas as pd
    >>> codings = pd.DataFrame({
    ...     "respondent": [1, 1, 2, 2, 3, 4, 4],
    ...     "question": "q1",
    ...     "code": ["lonely", "lonely", "access", "lonely", "access", "lonely", "access"],
    ...     "coder": ["A", "B", "A", "B", "B", "A", "A"]})
    >>> answers = pd.DataFrame({"respondent": [1, 2, 3, 4, 5], "question": "q1"})
    >>> out = code_reliability(codings, units_coded=answers, n_boot=200, random_state=0)
    >>> out[["code", "n_units", "percent_agreement", "kappa", "alpha"]].round(3)
              code  n_units  percent_agreement  kappa  alpha
    0       lonely        5               60.0  0.167  0.250
    1       access        5               40.0 -0.364 -0.286
    2  (all codes)        5               50.0 -0.087 -0.044
    """
    _check_args(None, ci, n_boot)
    if not isinstance(codings, pd.DataFrame):
        raise TypeError(f"codings must be a pandas DataFrame, not {type(codings).__name__}")
    unit_cols = _columns(unit)
    require_columns(codings, [*unit_cols, code, coder], what="codings")
    _check_labels(codings, unit_cols, "unit")
    _check_labels(codings, [code], "code")
    _check_labels(codings, [coder], "coder")

    # ---- coders and units seen
    seen_by_coder = units_coded is not None and coder in units_coded.columns
    found = list(codings[coder])
    if seen_by_coder:
        found += list(units_coded[coder])
    chosen = _choose_coders(found, coders, coder, hint=" (a coder who applied no code at "
                            "all must be listed in the coder column of units_coded)")
    n_coders = len(chosen)
    coder_index = pd.Index(chosen)
    if units_coded is None:
        unit_index = _row_keys(codings, unit_cols).unique()
        seen = np.ones((n_coders, len(unit_index)), dtype=bool)
    else:
        require_columns(units_coded, unit_cols, what="units_coded")
        _check_labels(units_coded, unit_cols, "unit")
        unit_index = _row_keys(units_coded, unit_cols).unique()
        if seen_by_coder:
            _check_labels(units_coded, [coder], "coder")
            kept = units_coded[units_coded[coder].isin(chosen)]
            seen = np.zeros((n_coders, len(unit_index)), dtype=bool)
            seen[coder_index.get_indexer(kept[coder]),
                 unit_index.get_indexer(_row_keys(kept, unit_cols))] = True
        else:
            seen = np.ones((n_coders, len(unit_index)), dtype=bool)

    rows = codings[codings[coder].isin(chosen)]
    row_unit = unit_index.get_indexer(_row_keys(rows, unit_cols))
    row_coder = coder_index.get_indexer(rows[coder])
    unseen = row_unit < 0
    unseen[~unseen] = ~seen[row_coder[~unseen], row_unit[~unseen]]
    if unseen.any():
        raise UnmatchedRecordsError(
            "coding for a unit the coder did not see (not in units_coded)",
            column=[*unit_cols, coder], expected="units listed in units_coded for that coder",
            found=["/".join(map(str, r)) for r in
                   rows.loc[unseen, [*unit_cols, coder]].itertuples(index=False, name=None)],
            **_where(rows, unseen),
        )

    # ---- codes
    if codes is None:
        code_index = pd.Index(pd.unique(rows[code]))
    else:
        code_index = pd.Index(list(codes))
        if not code_index.is_unique:
            raise ValueError("codes lists a code twice")
        other = ~rows[code].isin(code_index).to_numpy()
        if other.any():
            raise InvalidValueError(
                "code not in codes", column=code, expected="one of " + ", ".join(
                    map(str, code_index)), found=list(pd.unique(rows[code][other])),
                **_where(rows, other),
            )
    n_codes = len(code_index)
    if n_codes == 0:
        raise InvalidValueError("no codes to compare", column=code,
                                expected="at least one coding row (or codes=[...])")
    row_code = code_index.get_indexer(rows[code])

    # ---- presence (codes x coders x units), vectorised
    applied = np.zeros((n_codes, n_coders, len(unit_index)), dtype=bool)
    applied[row_code, row_coder, row_unit] = True
    m = seen.sum(axis=0)
    pairable = m >= 2
    if not pairable.any():
        raise InvalidValueError(
            "no unit was seen by two or more coders", column=unit_cols,
            expected="units coded by at least two coders",
        )
    applied, m = applied[:, :, pairable], m[pairable].astype(float)
    n_units = int(pairable.sum())
    ones = applied.sum(axis=1).astype(float)          # codes x units: coders applying
    zeros = m[None, :] - ones
    agree = (ones == 0) | (zeros == 0)

    # per code, then pooled over codes (last column)
    percent = np.append(100.0 * agree.mean(axis=1), 100.0 * agree.mean())
    n_any = np.append((ones > 0).sum(axis=1), (ones > 0).any(axis=0).sum())

    # ---- Cohen's kappa: 2 x 2 tables (present, absent) x (present, absent)
    kappa_cols = {k: np.full(n_codes + 1, np.nan) for k in ("kappa", "se", "ci_low", "ci_high")}
    if n_coders == 2:
        a_on, b_on = applied[:, 0, :], applied[:, 1, :]
        cells = np.stack([(a_on & b_on).sum(1), (a_on & ~b_on).sum(1),
                          (~a_on & b_on).sum(1), (~a_on & ~b_on).sum(1)], axis=1)
        tables = np.vstack([cells, cells.sum(axis=0)]).reshape(-1, 2, 2)
        for i, table in enumerate(tables):
            res = _kappa_table(table, None, 0.95 if ci is None else ci)
            for k, v in res.items():
                kappa_cols[k][i] = v
        for k in ("se", "ci_low", "ci_high"):
            kappa_cols[k][-1] = np.nan

    # ---- Krippendorff's alpha (nominal, binary): package point estimates, unit bootstrap
    import krippendorff

    counts = np.stack([zeros, ones], axis=-1)         # codes x units x (absent, present)
    alpha = np.full(n_codes + 1, np.nan)
    varied = np.append((counts.sum(axis=1) > 0).all(axis=-1),
                       (counts.sum(axis=(0, 1)) > 0).all())
    for i in range(n_codes + 1):
        if varied[i]:
            vc = counts[i] if i < n_codes else counts.reshape(-1, 2)
            alpha[i] = krippendorff.alpha(value_counts=vc, value_domain=[0, 1],
                                          level_of_measurement="nominal")
    low = np.full(n_codes + 1, np.nan)
    high = np.full(n_codes + 1, np.nan)
    used = np.zeros(n_codes + 1, dtype=int)
    if ci is not None and n_boot > 0:
        dist = _distance(np.array([0.0, 1.0]), "nominal")
        d_unit = _unit_disagreement(counts, dist).T               # units x codes
        d_unit = np.column_stack([d_unit, d_unit.sum(axis=1)])
        n_unit = np.concatenate([counts, counts.sum(axis=0, keepdims=True)]).transpose(1, 0, 2)
        stats = np.column_stack([d_unit, n_unit.reshape(n_units, -1)])
        sums = _resampled_sums(stats, n_boot, np.random.default_rng(random_state))
        reps = _alpha_from_sums(sums[:, :n_codes + 1],
                                sums[:, n_codes + 1:].reshape(n_boot, n_codes + 1, 2), dist)
        for i in range(n_codes + 1):
            if varied[i]:
                low[i], high[i], used[i] = _percentile_ci(reps[:, i], ci)

    # ---- notes
    notes = []
    for i in range(n_codes + 1):
        note = []
        if not varied[i]:
            what = "applied by no coder" if n_any[i] == 0 else "applied to every unit by every coder"
            note.append(f"no variation ({what}): kappa and alpha undefined")
        if n_coders != 2:
            note.append("Cohen's kappa needs exactly two coders")
        elif i == n_codes and varied[i]:
            note.append("pooled over unit x code cells; no kappa SE (cells within a unit "
                        "are not independent)")
        if varied[i] and ci is not None and 0 < n_boot and used[i] < n_boot:
            note.append(f"{n_boot - used[i]} of {n_boot} bootstrap resamples had no variation "
                        "and were dropped")
        notes.append("; ".join(note))

    return pd.DataFrame({
        "code": list(code_index) + [OVERALL],
        "n_units": n_units,
        "n_coders": n_coders,
        "n_any": n_any.astype(int),
        "percent_agreement": percent,
        "kappa": kappa_cols["kappa"],
        "kappa_se": kappa_cols["se"],
        "kappa_ci_low": kappa_cols["ci_low"],
        "kappa_ci_high": kappa_cols["ci_high"],
        "alpha": alpha,
        "alpha_ci_low": low,
        "alpha_ci_high": high,
        "n_boot": used,
        "alpha_level": "nominal",
        "note": notes,
    })


def codebook_agreement(mentions: pd.DataFrame, codings: pd.DataFrame, *,
                       units_coded: pd.DataFrame, codes=None, coders=None,
                       unit=("respondent", "question"), code: str = "code",
                       coder: str = "coder", name: str = "codebook", ci: float | None = 0.95,
                       n_boot: int = 1000, random_state=None) -> pd.DataFrame:
    """Is the codebook as good as a human coder?  Reliability of every pair of coders.

    The automatic coding (``mentions`` from :func:`apply_codebook`) is treated as one
    more coder, called ``name``, who saw every unit in ``units_coded``: a unit the
    codebook gave no (non-negated) mention of a code counts as *absent*.  Then
    :func:`code_reliability` is run for each pair of coders - every pair of human coders
    first, then the codebook against each human coder - so kappa and alpha of the
    codebook against a person can be read beside the two people's agreement with each
    other.

    Parameters
    ----------
    mentions : DataFrame
        From :func:`apply_codebook`; needs the ``unit`` columns and ``code`` (add a
        constant column, e.g. ``mentions.assign(question="what_matters")``, if the
        answers were coded with a shorter unit).  Negated mentions do not count;
        mentions of units outside ``units_coded`` are ignored.
    codings : DataFrame
        The human coding, one row per (unit, code, coder), as for
        :func:`code_reliability`.
    units_coded : DataFrame
        The units in the reliability sample (``unit`` columns and, optionally,
        ``coder``), as for :func:`code_reliability`.  Required: the codebook's
        decisions count only on these units.
    codes : list, optional
        The codebook's codes, in output order.  Default: ``mentions.attrs["codes"]``
        (set by :func:`apply_codebook`), else the codes in order of appearance.
    coders : list, optional
        The human coders to compare, in order (default: all in ``codings`` and
        ``units_coded``).
    unit : str or sequence of str, default ("respondent", "question")
    code, coder : str
        Columns naming the code and the coder.
    name : str, default "codebook"
        The codebook's coder label; must not be a human coder's name.
    ci, n_boot, random_state
        As in :func:`code_reliability` (the same seed is used for every pair).

    Returns
    -------
    DataFrame
        One block per pair, in the order above: ``pair`` (``"A vs B"``), ``coder_1``,
        ``coder_2``, then the columns of :func:`code_reliability` (``code``,
        ``n_units``, ``n_coders``, ``n_any``, ``percent_agreement``, ``kappa`` ...,
        ``note``), one row per code plus ``"(all codes)"``.  For a wide table of kappa,
        in this order: ``out.pivot_table(index="code", columns="pair", values="kappa",
        sort=False, dropna=False)`` (``dropna=False`` keeps codes whose kappa is undefined).

    Raises
    ------
    MissingColumnError
        A ``unit``, ``code`` or ``coder`` column missing from an input.
    InvalidValueError
        A human coder called ``name``; a coder in ``coders`` not found; a code outside
        ``codes``.
    UnmatchedRecordsError
        No mention is of a unit in ``units_coded`` (e.g. IDs of different types), or a
        human coding of a unit not in ``units_coded``.

    Example
    -------
    >>> import pandas as pd
    >>> answers = pd.DataFrame({"respondent": [1, 2, 3, 4], "question": "q1",
    ...     "text": ["Lonely", "Lonely and skint", "Money is tight", "Fine"]})
    >>> mentions = apply_codebook(answers, unit=["respondent", "question"])
    >>> codings = pd.DataFrame({"respondent": [1, 2, 1, 3], "question": "q1",
    ...     "code": ["loneliness", "loneliness", "loneliness", "cost_of_living"],
    ...     "coder": ["A", "A", "B", "B"]})
    >>> out = codebook_agreement(mentions, codings, units_coded=answers,
    ...                          codes=["loneliness", "cost_of_living"], n_boot=0)
    >>> out[["pair", "code", "percent_agreement", "kappa"]].round(3)
                pair            code  percent_agreement  kappa
    0         A vs B      loneliness               75.0  0.500
    1         A vs B  cost_of_living               75.0  0.000
    2         A vs B     (all codes)               75.0  0.333
    3  codebook vs A      loneliness              100.0  1.000
    4  codebook vs A  cost_of_living               50.0  0.000
    5  codebook vs A     (all codes)               75.0  0.500
    6  codebook vs B      loneliness               75.0  0.500
    7  codebook vs B  cost_of_living               75.0  0.500
    8  codebook vs B     (all codes)               75.0  0.500
    """
    from itertools import combinations

    if not isinstance(mentions, pd.DataFrame):
        raise TypeError("mentions must be the DataFrame returned by apply_codebook, not "
                        f"{type(mentions).__name__}")
    for frame, what in ((codings, "codings"), (units_coded, "units_coded")):
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"{what} must be a pandas DataFrame, not {type(frame).__name__}")
    unit_cols = _columns(unit)
    require_columns(mentions, [*unit_cols, code], what="mentions")
    require_columns(codings, [*unit_cols, code, coder], what="codings")
    require_columns(units_coded, unit_cols, what="units_coded")
    _check_labels(codings, [coder], "coder")
    seen_by_coder = coder in units_coded.columns
    found = list(codings[coder]) + (list(units_coded[coder]) if seen_by_coder else [])
    if name in set(found):
        raise InvalidValueError("a human coder has the codebook's name", column=coder,
                                expected=f"no coder called {name!r} (or pass name=...)",
                                found=[name])
    humans = _choose_coders(found, coders, coder)
    if codes is None:
        codes = mentions.attrs.get("codes")

    # the codebook's decisions on the sampled units
    active = _active(mentions)
    _check_labels(active, unit_cols, "unit")
    _check_labels(units_coded, unit_cols, "unit")
    sampled = _row_keys(units_coded, unit_cols).unique()
    inside = _row_keys(active, unit_cols).isin(sampled)
    if len(active) and not inside.any():
        raise UnmatchedRecordsError(
            "no mention is of a unit in units_coded", column=unit_cols,
            expected="the same identifiers (and types) in mentions and units_coded",
            found=[f"mentions: {tuple(active[unit_cols].iloc[0])!r}",
                   f"units_coded: {tuple(units_coded[unit_cols].iloc[0])!r}"])
    automatic = active.loc[inside, [*unit_cols, code]].drop_duplicates().assign(
        **{coder: name})
    combined = pd.concat([codings[[*unit_cols, code, coder]], automatic], ignore_index=True)
    seen = units_coded[unit_cols]
    if seen_by_coder:
        seen = pd.concat([units_coded[[*unit_cols, coder]],
                          seen.drop_duplicates().assign(**{coder: name})], ignore_index=True)

    pairs = [*combinations(humans, 2), *((name, h) for h in humans)]
    tables = []
    for first, second in pairs:  # a handful of pairs: one code_reliability call each
        table = code_reliability(combined, unit=unit_cols, code=code, coder=coder,
                                 coders=[first, second], codes=codes, units_coded=seen,
                                 ci=ci, n_boot=n_boot, random_state=random_state)
        table.insert(0, "pair", f"{first} vs {second}")
        table.insert(1, "coder_1", first)
        table.insert(2, "coder_2", second)
        tables.append(table)
    out = pd.concat(tables, ignore_index=True)
    for col in ("pair", "coder_1", "coder_2"):
        out[col] = out[col].astype("str")
    return out


# =====================================================================================
# Loading: survey exports, notes tables, manual coding
# =====================================================================================
#: second-header labels SurveyMonkey writes under a question with one answer column
SINGLE_ANSWER_LABELS = ("response", "open-ended response")

#: answer statuses of :class:`SurveyExport` (see :func:`read_surveymonkey`)
ANSWER_STATUSES = ("answered", "blank", "skipped", "not_reached")

#: clean names of SurveyMonkey's date columns, parsed as dates
_DATE_COLUMNS = ("start_date", "end_date")

_MONTH_DAY = r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})"


def _column_letter(position: int) -> str:
    """Spreadsheet column letter of a 0-based position (0 -> A, 26 -> AA)."""
    letters = ""
    position += 1
    while position:
        position, rem = divmod(position - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def clean_name(text, *, max_length: int | None = 40) -> str:
    """A snake_case column name from a question or header text.

    Accents are removed, every run of characters other than letters and digits becomes
    one ``_``, and the result is lower case.  Long names are cut at a word boundary to
    at most ``max_length`` characters; a name that would start with a digit gets a
    ``q`` in front.  Uniqueness is the caller's business (the loaders add ``_2``, ...).

    Example
    -------
    >>> clean_name("What works well? (£, “quotes”) – Café")
    'what_works_well_quotes_cafe'
    >>> clean_name("1. Transparency on decision-making: ICS, local partnership/place", max_length=30)
    'q1_transparency_on_decision'
    """
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[A-Za-z0-9]+", text.lower())
    if max_length is not None and words:
        kept, size = [], 0
        for word in words:
            extra = len(word) + (1 if kept else 0)
            if kept and size + extra > max_length:
                break
            kept.append(word[:max_length])
            size += extra
        words = kept
    name = "_".join(words) or "column"
    return "q" + name if name[0].isdigit() else name


def _unique_names(names: Sequence[str]) -> list[str]:
    """Make names unique by appending _2, _3, ... to later repeats."""
    seen: set[str] = set()
    out = []
    for name in names:
        candidate, k = name, 1
        while candidate in seen:
            k += 1
            candidate = f"{name}_{k}"
        seen.add(candidate)
        out.append(candidate)
    return out


def _blank_to_na(frame: pd.DataFrame) -> pd.DataFrame:
    """Strip text cells; empty or whitespace-only cells become missing (column-wise)."""
    out = {}
    for col in frame.columns:
        values = frame[col].astype("str").str.strip()
        out[col] = values.mask(values.isna() | (values == ""))
    return pd.DataFrame(out, index=frame.index)


@dataclass
class SurveyExport:
    """A survey export read by :func:`read_surveymonkey` or :func:`read_survey_csv`.

    Attributes
    ----------
    responses : DataFrame
        One row per respondent: metadata columns (``respondent_id``, ``collector_id``,
        ``start_date``, ``end_date`` ... as in the file) then one column per answer box,
        with clean unique snake_case names.  Answers are text (missing = no answer);
        convert numeric answers yourself.
    questions : DataFrame
        Lookup from each column back to the file: ``column`` (clean name),
        ``question`` (first header row), ``sub_question`` (second header row, missing for
        single-answer questions and metadata), ``question_number`` (1, 2, ... in file
        order; 0 for metadata), ``kind`` (``"metadata"`` or ``"answer"``) and
        ``file_column`` (spreadsheet letter).
    status : DataFrame
        Same rows and answer columns as ``responses``: ``"answered"``, ``"blank"``,
        ``"skipped"`` or ``"not_reached"`` (ordered categorical; rules in
        :func:`read_surveymonkey`).
    source : str or None
        The file name.
    """

    responses: pd.DataFrame
    questions: pd.DataFrame
    status: pd.DataFrame
    source: str | None = None

    @property
    def metadata_columns(self) -> list[str]:
        """Clean names of the metadata columns."""
        return list(self.questions.loc[self.questions["kind"] == "metadata", "column"])

    @property
    def answer_columns(self) -> list[str]:
        """Clean names of the answer columns."""
        return list(self.questions.loc[self.questions["kind"] == "answer", "column"])

    def to_long(self, columns=None, *, statuses=("answered",), keep=()) -> pd.DataFrame:
        """Answers as a tidy table: one row per respondent x answer column.

        Parameters
        ----------
        columns : list of str, optional
            Answer columns to include (clean names; default all).
        statuses : sequence of str, default ("answered",)
            Statuses to keep; ``ANSWER_STATUSES`` keeps every cell.
        keep : sequence of str
            Metadata columns to carry along (e.g. ``["collector_id"]``).

        Returns
        -------
        DataFrame
            ``respondent``, the ``keep`` columns, ``question`` (clean column name),
            ``question_text``, ``sub_question``, ``text`` and ``status``; ordered by
            respondent, then column.  This is the input :func:`apply_codebook` expects.
        """
        answer = self.answer_columns
        columns = answer if columns is None else list(columns)
        unknown = [c for c in columns if c not in answer]
        if unknown:
            raise MissingColumnError("not an answer column of the export", file=self.source,
                                     column=unknown, expected="one of " + ", ".join(answer))
        keep = [keep] if isinstance(keep, str) else list(keep)
        bad_keep = [c for c in keep if c not in self.metadata_columns]
        if bad_keep:
            raise MissingColumnError("not a metadata column of the export", file=self.source,
                                     column=bad_keep,
                                     expected="one of " + ", ".join(self.metadata_columns))
        bad_status = [s for s in statuses if s not in ANSWER_STATUSES]
        if bad_status:
            raise ValueError(f"statuses must be among {ANSWER_STATUSES}, not {bad_status}")
        n_rows, n_cols = len(self.responses), len(columns)
        lookup = self.questions.set_index("column")
        text = self.responses[columns].to_numpy(dtype=object).ravel()
        status = np.asarray(self.status[columns].astype("str"), dtype=object).ravel()
        rows = np.repeat(np.arange(n_rows), n_cols)
        cols = np.tile(np.arange(n_cols), n_rows)
        out = pd.DataFrame({"respondent": self.responses["respondent_id"].to_numpy()[rows]})
        for col in keep:
            out[col] = self.responses[col].to_numpy()[rows]
        out["question"] = np.asarray(columns, dtype=object)[cols]
        out["question_text"] = lookup.loc[columns, "question"].to_numpy()[cols]
        out["sub_question"] = lookup.loc[columns, "sub_question"].to_numpy()[cols]
        out["text"] = pd.Series(text, dtype="str")
        out["status"] = pd.Categorical(status, categories=ANSWER_STATUSES, ordered=True)
        out = out[np.isin(status, list(statuses))].reset_index(drop=True)
        out.attrs["source"] = self.source
        return out


def _read_grid(path, sheet_name) -> pd.DataFrame:
    """Every cell of a CSV/XLSX file as text (no header), encoding detected by read_table."""
    grid = read_table(path, sheet_name=sheet_name, header=None, dtype=str,
                      keep_default_na=False)
    return grid.set_axis(range(grid.shape[1]), axis=1)


def _date_order(values: pd.Series, dayfirst):
    """Decide day/month order of d/m/y dates: (dayfirst, ambiguous)."""
    if dayfirst is not None:
        return bool(dayfirst), False
    parts = values.str.extract(_MONTH_DAY).astype("float64")
    first_big = bool((parts[0] > 12).any())
    second_big = bool((parts[1] > 12).any())
    if first_big and second_big:
        return None, False
    if first_big:
        return True, False
    if second_big:
        return False, False
    return False, bool(parts[0].notna().any())


def _parse_dates(responses: pd.DataFrame, columns, dayfirst, where) -> dict:
    """Parse SurveyMonkey Start/End dates; returns {column: datetime Series}."""
    if not columns:
        return {}
    stacked = pd.concat([responses[c] for c in columns], ignore_index=True).dropna()
    order, ambiguous = _date_order(stacked, dayfirst)
    if order is None:
        raise InvalidValueError(
            "dates mix day/month and month/day order", column=list(columns),
            expected="one date order (pass dayfirst=True or False)", **where(None),
        )
    if ambiguous:
        warnings.warn(
            "every date could be read either way (day and month both <= 12): read as "
            "month/day/year, SurveyMonkey's default export format; pass dayfirst=True if "
            "your account exports day/month/year", UserWarning, stacklevel=4,
        )
    out = {}
    for col in columns:
        raw = responses[col]
        iso = raw.str.match(r"^\s*\d{4}-\d{2}-\d{2}").fillna(False).astype(bool)
        parsed = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
        if iso.any():
            parsed[iso] = pd.to_datetime(raw[iso], format="ISO8601", errors="coerce")
        other = ~iso & raw.notna()
        if other.any():
            parsed[other] = pd.to_datetime(raw[other], format="mixed", dayfirst=order,
                                           errors="coerce")
        bad = (raw.notna() & parsed.isna()).to_numpy()
        if bad.any():
            raise InvalidValueError("unreadable date", column=col,
                                    expected="a date and time such as 10/15/2018 09:12:34 AM",
                                    found=list(raw[bad]), **where(bad))
        out[col] = parsed
    return out


def _answer_status(answered: np.ndarray, question_of: np.ndarray) -> np.ndarray:
    """Status codes (0 answered, 1 blank, 2 skipped, 3 not_reached) of a respondents x
    answer-columns matrix, given each column's question number (ascending in file order)."""
    questions = np.unique(question_of)
    q_index = np.searchsorted(questions, question_of)
    any_q = np.zeros((answered.shape[0], len(questions)), dtype=bool)
    np.logical_or.at(any_q.T, q_index, answered.T)
    # answered anything in a later question: reverse cumulative OR, shifted by one
    later = np.zeros_like(any_q)
    later[:, :-1] = np.logical_or.accumulate(any_q[:, ::-1], axis=1)[:, ::-1][:, 1:]
    in_q, after = any_q[:, q_index], later[:, q_index]
    return np.where(answered, 0, np.where(in_q, 1, np.where(after, 2, 3)))


def _build_export(body: pd.DataFrame, questions: pd.DataFrame, source, first_line: int,
                  respondent: str, dayfirst) -> SurveyExport:
    """Shared core of the survey readers: validate, parse dates, compute statuses."""
    responses = _blank_to_na(body).set_axis(list(questions["column"]), axis=1)
    responses = responses.reset_index(drop=True)

    def where(mask):
        if mask is None:
            return {"file": source}
        rows = list(np.flatnonzero(mask))
        return {"file": source, "rows": rows, "line_numbers": [r + first_line for r in rows]}

    if respondent not in responses.columns:
        raise MissingColumnError(
            "respondent identifier column missing", file=source, column=respondent,
            expected="a column of respondent identifiers (SurveyMonkey: 'Respondent ID')",
            found=[", ".join(questions["question"].astype(str))],
        )
    ids = responses[respondent]
    missing = ids.isna().to_numpy()
    if missing.any():
        raise InvalidValueError("missing respondent identifier", column=respondent,
                                expected="an identifier on every row", **where(missing))
    dup = ids.duplicated(keep=False).to_numpy()
    if dup.any():
        raise DuplicateKeyError("respondent identifier repeated", column=respondent,
                                expected="one row per respondent",
                                found=list(pd.unique(ids[dup])), **where(dup))
    meta = list(questions.loc[questions["kind"] == "metadata", "column"])
    dates = _parse_dates(responses, [c for c in _DATE_COLUMNS if c in meta], dayfirst, where)
    for col, values in dates.items():
        responses[col] = values
    if respondent != "respondent_id":
        responses = responses.rename(columns={respondent: "respondent_id"})
        questions = questions.assign(column=questions["column"].replace(
            {respondent: "respondent_id"}))
    answer = questions["kind"].to_numpy() == "answer"
    answer_cols = list(questions.loc[answer, "column"])
    codes = _answer_status(responses[answer_cols].notna().to_numpy(),
                           questions.loc[answer, "question_number"].to_numpy())
    status = pd.DataFrame(
        {c: pd.Categorical.from_codes(codes[:, j], categories=ANSWER_STATUSES, ordered=True)
         for j, c in enumerate(answer_cols)}, index=responses.index)
    responses.attrs["source"] = source
    return SurveyExport(responses=responses, questions=questions.reset_index(drop=True),
                        status=status, source=source)


def read_surveymonkey(path, *, sheet_name=0, max_length: int | None = 40,
                      dayfirst: bool | None = None) -> SurveyExport:
    """Read a SurveyMonkey export (CSV or XLSX, "all responses", expanded columns).

    SurveyMonkey writes two header rows: the first holds the question text in the
    first column of each question (blank, or a merged cell, over its other columns);
    the second holds the sub-question - ``Response`` or ``Open-Ended Response`` for a
    question with a single answer box, otherwise the box's label (a matrix row, a
    check-box option, ``Other (please specify)``, or "What works well" / "What could be
    better" under each of several questions).  Metadata columns (``Respondent ID``,
    ``Collector ID``, ``Start Date``, ``End Date``, ``IP Address``, ``Email Address``,
    ``First Name``, ``Last Name``, ``Custom Data 1``) have a blank second row.

    Column names: metadata -> ``clean_name(header)`` (``respondent_id``, ``start_date``
    ...); a single-answer question -> ``clean_name(question)``; a sub-question ->
    ``clean_name(question) + "_" + clean_name(sub_question)``, so the same label under
    different questions gives different columns; remaining repeats get ``_2``, ``_3``.
    ``questions`` maps every name back to the original texts.

    Text encoding (UTF-8 with or without BOM, or cp1252 as Excel saves it) is detected
    by :func:`wellbeing_lib.io.read_table`.  Cells are read as text; surrounding spaces
    are removed; an empty or whitespace-only cell is no answer.  ``Start Date`` and
    ``End Date`` are parsed: ISO dates (XLSX), or d/m/y with the order detected from
    the data (a first field above 12 means day first, a second above 12 month first;
    if every date is ambiguous, SurveyMonkey's month/day/year is used with a warning;
    ``dayfirst`` overrides).

    Blank vs skipped: the export leaves a cell empty both when a respondent left a box
    empty and when they never answered the question, so each answer cell gets a status:

    * ``"answered"`` - the cell holds text;
    * ``"blank"`` - empty, but the respondent answered another box of the *same*
      question (an empty text box beside a filled one; an unticked check-box option);
    * ``"skipped"`` - no box of this question answered, but a later question was: the
      respondent passed over the question (or its page);
    * ``"not_reached"`` - nothing answered in this or any later question: the
      respondent stopped before it (a partial response).

    A respondent who saw a question at the very end and left it empty is therefore
    "not_reached": SurveyMonkey does not export which pages were viewed.

    Parameters
    ----------
    path : str or Path
        The ``.csv`` or ``.xlsx`` export.
    sheet_name : str or int, default 0
        Sheet of a workbook.
    max_length : int or None, default 40
        Longest length of each part (question, sub-question) of a column name.
    dayfirst : bool or None
        Date order of ``Start Date``/``End Date`` (None: detect).

    Returns
    -------
    SurveyExport
        ``.responses``, ``.questions``, ``.status`` (see :class:`SurveyExport`).

    Raises
    ------
    UnreadableFileError
        Missing, empty or unreadable file.
    SheetError
        Fewer than two header rows, no second header row, a column with no header.
    MissingColumnError
        No ``Respondent ID`` column.
    InvalidValueError, DuplicateKeyError
        Missing or repeated respondent IDs, unreadable dates (file lines are named;
        the first respondent is on line 3).

    Example
    -------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "export.csv"
    >>> _ = p.write_text(
    ...     "Respondent ID,Collector ID,Transparency,,Communication,\\n"
    ...     ",,What works well,What could be better,What works well,What could be better\\n"
    ...     "101,9,Open board meetings,,Newsletter,\\n"
    ...     "102,9,,,Regular updates,Jargon\\n", encoding="utf-8-sig")
    >>> survey = read_surveymonkey(p)
    >>> survey.answer_columns
    ['transparency_what_works_well', 'transparency_what_could_be_better', 'communication_what_works_well', 'communication_what_could_be_better']
    >>> survey.status.iloc[:, :2]
      transparency_what_works_well transparency_what_could_be_better
    0                     answered                             blank
    1                      skipped                           skipped
    """
    grid = _read_grid(path, sheet_name)
    source = grid.attrs.get("source", str(path))
    if len(grid) < 2:
        raise SheetError("not a SurveyMonkey export", file=source, sheet=_sheet(sheet_name),
                         expected="two header rows (question; sub-question or 'Response')",
                         found=[f"{len(grid)} row(s)"])
    head = _blank_to_na(grid.iloc[:2]).set_axis(["h1", "h2"], axis=0)
    body = grid.iloc[2:]
    empty = head.isna().all(axis=0) & _blank_to_na(body).isna().all(axis=0)
    keep = ~empty.to_numpy()
    head, body = head.loc[:, keep], body.loc[:, keep]
    positions = np.flatnonzero(keep)
    h1, h2 = head.loc["h1"], head.loc["h2"]
    looks_like_data = pd.notna(h2.iloc[0]) and not h2.str.lower().isin(
        SINGLE_ANSWER_LABELS).any()
    if h2.isna().all() or looks_like_data:
        raise SheetError(
            "second header row is missing: not a SurveyMonkey export", file=source,
            sheet=_sheet(sheet_name), cell="A2",
            expected="sub-questions or 'Response' in row 2 (for a file with one header "
                     "row use read_survey_csv)",
        )
    if pd.isna(h1.iloc[0]):
        raise SheetError("first column has no question/header in row 1", file=source,
                         sheet=_sheet(sheet_name), cell="A1",
                         expected="'Respondent ID' or a question text")
    orphan = (h1.isna() & h2.isna()).to_numpy()
    if orphan.any():
        cells = [_column_letter(p) + "1" for p in positions[orphan]]
        raise SheetError("column without a header in either header row", file=source,
                         sheet=_sheet(sheet_name), cell=", ".join(cells),
                         expected="a question in row 1 or a sub-question in row 2")
    question = h1.ffill()
    starts = h1.notna().to_numpy()
    block = np.cumsum(starts)
    kind = np.where(h2.isna().to_numpy(), "metadata", "answer")
    single = h2.str.lower().isin(SINGLE_ANSWER_LABELS).to_numpy()
    names = []
    for q, sub, k, s in zip(question, h2, kind, single):
        if k == "metadata" or s:
            names.append(clean_name(q, max_length=max_length))
        else:
            names.append(clean_name(q, max_length=max_length) + "_"
                         + clean_name(sub, max_length=max_length))
    names = _unique_names(names)
    is_answer = kind == "answer"
    number = np.zeros(len(names), dtype=np.int64)
    number[is_answer] = pd.factorize(block[is_answer])[0] + 1
    questions = pd.DataFrame({
        "column": names,
        "question": question.to_numpy(dtype=object),
        "sub_question": h2.mask(pd.Series(single, index=h2.index)).to_numpy(dtype=object),
        "question_number": number,
        "kind": kind,
        "file_column": [_column_letter(p) for p in positions],
    }).astype({"column": "str", "question": "str", "sub_question": "str", "kind": "str"})
    return _build_export(body, questions, source, 3, "respondent_id", dayfirst)


def _sheet(sheet_name):
    return sheet_name if isinstance(sheet_name, str) else None


def read_survey_csv(path, *, respondent: str = "respondent_id", metadata=(), sheet_name=0,
                    max_length: int | None = 40, dayfirst: bool | None = None) -> SurveyExport:
    """Read a generic survey file (CSV or XLSX) with one header row.

    Like :func:`read_surveymonkey` but each column is its own question: column names are
    ``clean_name(header)`` (made unique), the ``respondent`` column and any ``metadata``
    columns are kept as metadata (``respondent`` is renamed ``respondent_id``), every
    other column is an answer.  Statuses: ``"answered"``, ``"skipped"`` (empty, but a
    later column answered) or ``"not_reached"`` (nothing answered from this column on);
    with one box per question there is no ``"blank"``.

    Parameters
    ----------
    path : str or Path
    respondent : str, default "respondent_id"
        The identifier column, as the header or its clean name.
    metadata : sequence of str
        Other non-answer columns (headers or clean names), e.g. ``["channel", "locality"]``.
    sheet_name, max_length, dayfirst
        As in :func:`read_surveymonkey` (dates parsed in ``start_date``/``end_date``).

    Example
    -------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "survey.csv"
    >>> _ = p.write_text("ID,Channel,What matters to you?,Anything else?\\n"
    ...                  "1,online,My family,\\n2,phone,,\\n", encoding="cp1252")
    >>> s = read_survey_csv(p, respondent="ID", metadata=["Channel"])
    >>> s.questions[["column", "question", "kind"]]
                    column              question      kind
    0        respondent_id                    ID  metadata
    1              channel               Channel  metadata
    2  what_matters_to_you  What matters to you?    answer
    3        anything_else        Anything else?    answer
    >>> s.status.to_numpy().tolist()
    [['answered', 'not_reached'], ['not_reached', 'not_reached']]
    """
    grid = _read_grid(path, sheet_name)
    source = grid.attrs.get("source", str(path))
    header = _blank_to_na(grid.iloc[:1]).iloc[0]
    body = grid.iloc[1:]
    empty = header.isna() & _blank_to_na(body).isna().all(axis=0)
    header, body = header[~empty], body.loc[:, ~empty.to_numpy()]
    if header.isna().any():
        cells = [_column_letter(p) + "1" for p in np.flatnonzero(~empty.to_numpy())[
            header.isna().to_numpy()]]
        raise SheetError("column without a header", file=source, sheet=_sheet(sheet_name),
                         cell=", ".join(cells), expected="a header in row 1")
    texts = list(header.astype(str))
    names = _unique_names([clean_name(t, max_length=max_length) for t in texts])

    def resolve(label):
        if label in texts:
            return names[texts.index(label)]
        if label in names:
            return label
        raise MissingColumnError("column not found", file=source, column=label,
                                 expected="a header or clean name among " + ", ".join(texts))

    resp = resolve(respondent)
    meta = {resolve(m) for m in ([metadata] if isinstance(metadata, str) else metadata)}
    meta.add(resp)
    kind = np.array(["metadata" if n in meta else "answer" for n in names])
    number = np.zeros(len(names), dtype=np.int64)
    number[kind == "answer"] = np.arange(1, int((kind == "answer").sum()) + 1)
    questions = pd.DataFrame({
        "column": names, "question": texts, "sub_question": pd.Series([None] * len(names),
                                                                     dtype="str"),
        "question_number": number, "kind": kind,
        "file_column": [_column_letter(p) for p in np.flatnonzero(~empty.to_numpy())],
    }).astype({"column": "str", "question": "str", "kind": "str"})
    return _build_export(body, questions, source, 2, resp, dayfirst)


def _frame_from(source, what: str, **read_kwargs) -> pd.DataFrame:
    """A DataFrame given as such (copied) or read from a file with read_table."""
    if isinstance(source, pd.DataFrame):
        return source.copy()
    if isinstance(source, str | os.PathLike):
        return read_table(source, dtype=str, keep_default_na=False, **read_kwargs)
    raise TypeError(f"{what} must be a DataFrame or a file path, not {type(source).__name__}")


def read_notes_table(source, *, respondent: str = "respondent", question: str = "question",
                     text: str = "text", sheet_name=0) -> pd.DataFrame:
    """Read telephone-interview or focus-group notes: one row per respondent x question.

    The notes table is tidy: a respondent (or group) identifier, the question or area
    the note answers, and the note text; any other columns (``aspect``, ``channel``,
    ``interviewer``, ``date`` ...) are kept.  Several rows for the same respondent and
    question are allowed (several notes).

    Parameters
    ----------
    source : str, Path or DataFrame
        CSV/XLSX file (encoding detected) or a DataFrame (copied, not changed).
    respondent, question, text : str
        The columns holding them; renamed ``respondent``, ``question``, ``text``.
    sheet_name : str or int
        Sheet of a workbook.

    Returns
    -------
    DataFrame
        ``respondent``, ``question``, ``text`` (stripped; empty = missing), the other
        columns, and ``status`` (``"answered"`` or ``"blank"``).

    Raises
    ------
    MissingColumnError
        A named column is absent.
    InvalidValueError
        A missing respondent or question label (rows named).

    Example
    -------
    >>> import pandas as pd
    >>> notes = pd.DataFrame({"id": ["T1", "T1", "T2"], "area": ["A1", "A2", "A1"],
    ...                       "note": ["  Clear board papers ", "", "More updates"]})
    >>> read_notes_table(notes, respondent="id", question="area", text="note")
      respondent question                text    status
    0         T1       A1  Clear board papers  answered
    1         T1       A2                 NaN     blank
    2         T2       A1        More updates  answered
    """
    kwargs = {} if isinstance(source, pd.DataFrame) else {"sheet_name": sheet_name}
    frame = _frame_from(source, "source", **kwargs)
    require_columns(frame, [respondent, question, text], what="notes table")
    for col, what in ((respondent, "respondent"), (question, "question")):
        values = frame[col].astype("str").str.strip()
        bad = (values.isna() | (values == "")).to_numpy()
        if bad.any():
            raise InvalidValueError(f"missing {what} label", column=col,
                                    expected=f"a {what} on every row",
                                    **error_location(frame, frame.index[bad]))
    renamed = frame.rename(columns={respondent: "respondent", question: "question",
                                    text: "text"})
    out = renamed[["respondent", "question", "text"]].copy()
    out["respondent"] = renamed["respondent"].astype("str").str.strip()
    out["question"] = renamed["question"].astype("str").str.strip()
    out["text"] = _blank_to_na(renamed[["text"]])["text"]
    for col in renamed.columns:
        if col not in out.columns:
            out[col] = renamed[col]
    out["status"] = np.where(out["text"].notna(), "answered", "blank")
    out = out.reset_index(drop=True)
    out.attrs["source"] = source_of(frame)
    return out


def read_codings(source, *, respondent: str = "respondent", question: str | None = "question",
                 code: str = "code", coder: str = "coder", codes=None,
                 sheet_name=0) -> pd.DataFrame:
    """Read manual coding as the tidy table (respondent, question, code, coder).

    Every coding tool can be reduced to one row per coded answer x code x coder:

    * **NVivo** - run a *Coding Summary by Code* (or export each node's references) with
      cases = respondents: case or file name -> ``respondent``; the survey question
      (the dataset column, or a node per question) -> ``question``; node name ->
      ``code``; the user's initials -> ``coder``.  For a *dataset* imported from a survey
      the case is the respondent ID.
    * **QualCoder** - *Reports > Coding* exported to CSV: file or case name ->
      ``respondent``; the question (file name when each answer is its own file, or an
      attribute) -> ``question``; ``codename`` -> ``code``; ``coder`` -> ``coder``.

    Several coded passages of one code in one answer are one row here: exact repeats
    are dropped (their number is in ``attrs["repeats_dropped"]``).  The result feeds
    :func:`code_reliability`.

    Parameters
    ----------
    source : str, Path or DataFrame
    respondent, question, code, coder : str
        Source columns, renamed to these names; ``question=None`` when there is one
        question (a ``question`` column holding ``"all"`` is added).
    codes : list or DataFrame, optional
        Allowed codes, or a codebook (its ``code`` column); other codes raise an error.

    Raises
    ------
    MissingColumnError, InvalidValueError
        Absent columns, missing labels, a code not in ``codes`` (rows named).

    Example
    -------
    >>> import pandas as pd
    >>> nvivo = pd.DataFrame({"Case": ["R1", "R1", "R1"], "Node": ["lonely", "lonely", "cost"],
    ...                       "User": ["AB", "AB", "CD"]})
    >>> read_codings(nvivo, respondent="Case", question=None, code="Node", coder="User")
      respondent question    code coder
    0         R1      all  lonely    AB
    1         R1      all    cost    CD
    """
    kwargs = {} if isinstance(source, pd.DataFrame) else {"sheet_name": sheet_name}
    frame = _frame_from(source, "source", **kwargs)
    cols = [respondent, code, coder] + ([question] if question is not None else [])
    require_columns(frame, cols, what="coding table")
    rename = {respondent: "respondent", code: "code", coder: "coder"}
    if question is not None:
        rename[question] = "question"
    out = frame[cols].rename(columns=rename)
    for col in out.columns:
        out[col] = out[col].astype("str").str.strip()
        bad = (out[col].isna() | (out[col] == "")).to_numpy()
        if bad.any():
            raise InvalidValueError(f"missing {col} label", column=[k for k, v in rename.items()
                                                                    if v == col][0],
                                    expected=f"a {col} on every row",
                                    **error_location(frame, frame.index[bad]))
    if question is None:
        out["question"] = "all"
    if codes is not None:
        allowed = list(codes["code"]) if isinstance(codes, pd.DataFrame) else list(codes)
        bad = ~out["code"].isin(allowed).to_numpy()
        if bad.any():
            raise InvalidValueError("code not in the codebook", column=code,
                                    expected="one of " + ", ".join(map(str, allowed)),
                                    found=list(pd.unique(out["code"][bad])),
                                    **error_location(frame, frame.index[bad]))
    out = out[["respondent", "question", "code", "coder"]]
    repeats = out.duplicated()
    out = out[~repeats].reset_index(drop=True)
    out.attrs["source"] = source_of(frame)
    out.attrs["repeats_dropped"] = int(repeats.sum())
    return out


# =====================================================================================
# Codebook: load and validate, apply to free text
# =====================================================================================
#: the default wellbeing codebook and the engagement self-assessment codebook
CODEBOOK_FILE = "wellbeing_codebook.csv"
SELF_ASSESSMENT_CODEBOOK_FILE = "self_assessment_codebook.csv"

#: separator of the terms in a codebook's ``include`` and ``exclude`` cells
TERM_SEPARATOR = ";"

#: words that negate a following mention ("not lonely"); contractions ending in n't
#: ("don't", "isn't", "can't") and their apostrophe-less spellings count too
NEGATION_CUES = (
    "no", "not", "never", "nor", "neither", "none", "nothing", "cannot",
    "dont", "doesnt", "didnt", "isnt", "arent", "wasnt", "werent", "havent", "hasnt",
    "hadnt", "cant", "couldnt", "wont", "wouldnt", "shouldnt",
)

#: words that end the negation window, like punctuation does ("not lonely but isolated")
CLAUSE_BREAK_WORDS = ("but", "however", "although", "though", "except", "whereas")

#: default number of words before a mention searched for a negation cue
NEGATION_WINDOW = 3

# a word: letters/digits with inner apostrophes ("don't", "GP's"); texts are split the
# same way by _Corpus (character classes), terms by this pattern
_WORD = re.compile(r"\w+(?:['’]\w+)*")
_BREAK_CHARS = set(".,;:!?()[]\n\r…–—")
_YES = ("yes", "y", "true", "1", "")
_NO = ("no", "n", "false", "0")


def _normalise_words(words: pd.Series) -> pd.Series:
    """Lower case, curly apostrophe -> straight, possessive 's dropped ("GP's" -> "gp")."""
    out = words.str.lower().str.replace("’", "'", regex=False)
    return out.str.replace(r"'s$", "", regex=True)


def _parse_terms(cell) -> list[str]:
    if cell is None or (not isinstance(cell, str) and pd.isna(cell)):
        return []
    return [t.strip() for t in str(cell).split(TERM_SEPARATOR) if t.strip()]


def _normalise_word(word: str) -> str:
    """The scalar form of :func:`_normalise_words`."""
    word = word.lower().replace("’", "'")
    return word[:-2] if word.endswith("'s") else word


@functools.lru_cache(maxsize=4096)
def _term_words(term: str) -> tuple[str, ...] | str:
    """Words of a plain term (normalised), or an error message (cached: terms repeat)."""
    pieces = term.replace("’", "'").split()
    words: list[str] = []
    for piece in pieces:
        if piece == "*":
            words.append("*")
            continue
        star = piece.endswith("*")
        core = piece[:-1] if star else piece
        if "*" in core:
            return f"'*' only at the end of a word or as a whole word, in {term!r}"
        found = [_normalise_word(w) for w in _WORD.findall(core)]
        if not found:
            continue
        if star:
            found[-1] += "*"
        words.extend(found)
    if not [w for w in words if w != "*"]:
        return f"term {term!r} has no words (use include_regex for symbols)"
    if words[0] == "*" or words[-1] == "*":
        return f"term {term!r} starts or ends with a '*' word"
    return tuple(words)


def load_codebook(source=None) -> pd.DataFrame:
    """Load and validate a codebook (default: the bundled wellbeing codebook).

    A codebook is a table with one row per code:

    ===============  =================================================================
    theme            required; the theme the code belongs to (several codes per theme)
    code             required, unique; the code's identifier
    include          terms that signal the code, separated by ``;``
    include_regex    optional; one Python regular expression (case-insensitive)
    exclude          optional; terms whose matches are not mentions (see below)
    exclude_regex    optional; one regular expression, same role
    negation         optional; "yes" (default) or "no": apply the negation window of
                     :func:`apply_codebook` to this code.  Use "yes" for codes whose
                     terms name a problem that can be denied ("not lonely", "no
                     problems with access"); "no" for topics where a negative still
                     concerns the theme ("never see my family", "I don't exercise")
    definition       optional; what the code means, for coders and reports
    source, year     where the code comes from (bundled codebooks always have them)
    ===============  =================================================================

    Every row needs ``include`` or ``include_regex``.  A plain term is one or more
    words matched as whole words, case-insensitive, with any punctuation-free spacing
    ("self care" matches "Self-care" and "self  care"); ``word*`` matches words
    starting with ``word`` ("isolat*": isolated, isolation); a ``*`` on its own
    matches any one word ("can't get * appointment").  Curly and straight apostrophes
    are the same and a possessive 's is ignored ("GP's" matches "gp").

    Bundled: ``wellbeing_codebook.csv`` (25 codes in 15 themes; the default) and
    ``self_assessment_codebook.csv`` (15 codes for the ICS engagement self-assessment,
    ``load_codebook("self_assessment")``).

    Parameters
    ----------
    source : None, "wellbeing", "self_assessment", path or DataFrame
        None or "wellbeing": the bundled default.  A CSV/XLSX path or a DataFrame: a
        user codebook, validated the same way.

    Returns
    -------
    DataFrame
        The codebook (a copy), columns as above; missing optional columns added empty.

    Raises
    ------
    MissingColumnError
        No ``theme``/``code`` column, or neither ``include`` nor ``include_regex``.
    InvalidValueError
        A missing theme or code, a row with no include terms, a malformed term or a
        regular expression that does not compile (the row and file line are named).
    DuplicateKeyError
        A code listed twice.

    Example
    -------
    >>> cb = load_codebook()
    >>> len(cb), cb["theme"].nunique()
    (25, 15)
    >>> import pandas as pd
    >>> load_codebook(pd.DataFrame({"theme": ["Loneliness"], "code": ["lonely"],
    ...                             "include_regex": ["lonel(y|iness"]}))
    Traceback (most recent call last):
    ...
    wellbeing_lib.errors.InvalidValueError: regular expression does not compile in column 'include_regex', row 0: expected a valid Python regular expression; found lonel(y|iness (missing ), unterminated subpattern at position 5)
    """
    if source is None or (isinstance(source, str) and source in ("wellbeing",
                                                                  "self_assessment")):
        name = SELF_ASSESSMENT_CODEBOOK_FILE if source == "self_assessment" else CODEBOOK_FILE
        table = load_reference_table(name)
        table.attrs["source"] = name
    elif isinstance(source, pd.DataFrame):
        table = source.copy()
    else:
        table = read_table(source, dtype=str, keep_default_na=False)
    require_columns(table, ["theme", "code"], what="codebook")
    if "include" not in table.columns and "include_regex" not in table.columns:
        raise MissingColumnError("codebook: no include terms", file=source_of(table),
                                 column="include", expected="an include or include_regex column")
    for col in ("include", "exclude", "include_regex", "exclude_regex", "definition"):
        if col not in table.columns:
            table[col] = ""
    for col in ("theme", "code"):
        values = table[col].astype("str").str.strip()
        bad = (values.isna() | (values == "")).to_numpy()
        if bad.any():
            raise InvalidValueError(f"missing {col}", column=col, expected=f"a {col} on every row",
                                    **error_location(table, table.index[bad]))
        table[col] = values
    check_unique(table, "code")
    if "negation" not in table.columns:
        table["negation"] = True
    flag = table["negation"].astype("str").str.strip().str.lower().fillna("")
    bad = ~flag.isin(list(_YES) + list(_NO)).to_numpy()
    if bad.any():
        raise InvalidValueError("invalid negation flag", column="negation",
                                expected="yes or no (blank = yes)",
                                found=list(table["negation"][bad]),
                                **error_location(table, table.index[bad]))
    table["negation"] = flag.isin(_YES).to_numpy()
    for col in ("include", "exclude", "include_regex", "exclude_regex"):
        table[col] = table[col].astype("str").fillna("").str.strip()
    no_terms = ((table["include"] == "") & (table["include_regex"] == "")).to_numpy()
    if no_terms.any():
        raise InvalidValueError("code without include terms", column="include",
                                expected="include terms or an include_regex",
                                found=list(table["code"][no_terms]),
                                **error_location(table, table.index[no_terms]))
    for label, row in table.iterrows():  # one pass over the codebook's rows (not data)
        for col in ("include", "exclude"):
            for term in _parse_terms(row[col]):
                words = _term_words(term)
                if isinstance(words, str):
                    raise InvalidValueError("malformed term", column=col,
                                            expected="words, 'word*' or '*' separated by "
                                                     "spaces; terms separated by ';'",
                                            found=[words], **error_location(table, [label]))
        for col in ("include_regex", "exclude_regex"):
            if row[col]:
                try:
                    re.compile(row[col])
                except re.error as exc:
                    raise InvalidValueError(
                        "regular expression does not compile", column=col,
                        expected="a valid Python regular expression",
                        found=[f"{row[col]} ({exc})"], **error_location(table, [label]),
                    ) from None
    return table


_WORD_CHAR, _APOSTROPHE, _BREAK_CHAR = 1, 2, 3
_IS_WORD_CHAR = re.compile(r"\w")


def _char_classes(chars: np.ndarray) -> np.ndarray:
    """Class of every code point: 1 word character (``\\w``), 2 apostrophe (' or ’),
    3 clause break (``_BREAK_CHARS``), 0 anything else.  A lookup table over the
    distinct code points present; no loop over the text."""
    if len(chars) == 0:
        return np.zeros(0, dtype=np.uint8)
    present = np.flatnonzero(np.bincount(chars))
    table = np.zeros(int(present[-1]) + 1, dtype=np.uint8)
    for code in present:  # over distinct characters (at most a few hundred)
        ch = chr(int(code))
        if ch in "'’":
            table[code] = _APOSTROPHE
        elif ch in _BREAK_CHARS:
            table[code] = _BREAK_CHAR
        elif _IS_WORD_CHAR.match(ch):
            table[code] = _WORD_CHAR
    return table[chars]


class _Corpus:
    """Texts tokenised once: every word and clause break with its position, an index
    from each distinct (normalised) word to where it occurs, and a negation flag per
    token.  All steps are whole-array operations; nothing loops over texts."""

    def __init__(self, texts: pd.Series, window: int):
        self.joined = "\n".join(texts.tolist())
        lengths = texts.str.len().to_numpy(dtype=np.int64)
        self.text_start = np.concatenate([[0], np.cumsum(lengths + 1)[:-1]]).astype(np.int64)
        # characters as code points; classes looked up in a table (no per-character Python)
        chars = np.frombuffer(self.joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        kind = _char_classes(chars)
        word = kind == _WORD_CHAR
        inner = kind == _APOSTROPHE  # an apostrophe between two word characters is a letter
        inner[1:-1] &= word[:-2] & word[2:]
        if len(inner):
            inner[0] = inner[-1] = False
        word |= inner
        brk = kind == _BREAK_CHAR
        before = np.zeros_like(word)
        before[1:] = word[:-1]
        after = np.zeros_like(word)
        after[:-1] = word[1:]
        word_start = word & ~before
        word_end = np.flatnonzero(word & ~after) + 1
        self.tok_start = np.flatnonzero(word_start | brk)
        is_brk = brk[self.tok_start]
        word_no = np.cumsum(~is_brk) - 1
        padded = np.append(word_end, 0)  # break tokens index it harmlessly
        self.tok_end = np.where(is_brk, self.tok_start + 1, padded[np.maximum(word_no, 0)])
        # the words themselves: blank out everything else and split on spaces (C speed)
        self.chars = chars
        clean = np.where(word, chars, np.uint32(32))
        words = clean.tobytes().decode("utf-32-le", "surrogatepass").split()
        raw_codes, raw_uniques = pd.factorize(np.asarray(words, dtype=object))
        norm = _normalise_words(pd.Series(raw_uniques, dtype="str"))
        word_vid, word_vocab = pd.factorize(norm)
        brk_codes, brk_uniques = np.unique(chars[self.tok_start[is_brk]], return_inverse=True)
        self.vocab = pd.Index(list(word_vocab) + [chr(c) for c in brk_codes], dtype="str")
        self.vid = np.empty(len(self.tok_start), dtype=np.int64)
        self.vid[~is_brk] = np.asarray(word_vid, dtype=np.int64)[raw_codes]
        self.vid[is_brk] = len(word_vocab) + brk_uniques.ravel()
        self.n_tokens = len(self.vid)
        vocab_s = pd.Series(self.vocab, dtype="str")
        self.vocab_str = vocab_s
        self._masks: dict[str, np.ndarray] = {}
        self.is_break_v = (vocab_s.isin(list(_BREAK_CHARS) + list(CLAUSE_BREAK_WORDS))
                           .to_numpy())
        self.is_word_v = ~vocab_s.isin(list(_BREAK_CHARS)).to_numpy()
        cue = vocab_s.isin(NEGATION_CUES) | vocab_s.str.endswith("n't")
        self.is_cue_v = cue.to_numpy()
        # inverted index: positions of vocabulary word v are order[bounds[v]:bounds[v + 1]]
        self.order = np.argsort(self.vid, kind="stable")
        self.bounds = np.concatenate([[0], np.cumsum(np.bincount(self.vid,
                                                                 minlength=len(self.vocab)))])
        # negated[i]: a cue among the `window` tokens before i, in the same clause
        brk = self.is_break_v[self.vid]
        clause = np.cumsum(brk)
        is_cue = self.is_cue_v[self.vid]
        self.negated = np.zeros(self.n_tokens, dtype=bool)
        for d in range(1, window + 1):
            if d >= self.n_tokens:
                break
            self.negated[d:] |= is_cue[:-d] & (clause[:-d] == clause[d:])

    def substrings(self, start: np.ndarray, end: np.ndarray) -> list[str]:
        """joined[start:end] for many spans at once: gather the characters with a
        separator after each span, decode once, split (no per-span Python slicing)."""
        sep = 0x1F
        if len(start) == 0:
            return []
        if (self.chars == sep).any():  # the separator occurs in the texts: slice instead
            return [self.joined[a:b] for a, b in zip(start, end)]
        size = end - start + 1
        first = np.cumsum(size) - size
        offset = np.arange(size.sum()) - np.repeat(first, size)
        gathered = self.chars[np.minimum(np.repeat(start, size) + offset, len(self.chars) - 1)]
        gathered[first + size - 1] = sep
        return gathered.tobytes().decode("utf-32-le", "surrogatepass").split("\x1f")[:-1]

    def vocab_mask(self, word: str) -> np.ndarray:
        """Which vocabulary entries a term word matches (cached per word)."""
        mask = self._masks.get(word)
        if mask is not None:
            return mask
        if word == "*":
            mask = self.is_word_v
        elif word.endswith("*"):
            mask = self.vocab_str.str.startswith(word[:-1]).to_numpy() & self.is_word_v
        else:
            mask = np.zeros(len(self.vocab), dtype=bool)
            try:
                mask[self.vocab.get_loc(word)] = True
            except KeyError:
                pass
        self._masks[word] = mask
        return mask

    def positions(self, mask: np.ndarray) -> np.ndarray:
        ids = np.flatnonzero(mask)
        if len(ids) == 0:
            return np.empty(0, dtype=np.int64)
        if len(ids) == 1:
            return self.order[self.bounds[ids[0]]:self.bounds[ids[0] + 1]]
        return np.concatenate([self.order[self.bounds[v]:self.bounds[v + 1]] for v in ids])

    def term_spans(self, words: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
        """(first token, last token) of every occurrence of a multi-word term."""
        start = self.positions(self.vocab_mask(words[0]))
        for j, word in enumerate(words[1:], start=1):
            start = start[start + j < self.n_tokens]
            start = start[self.vocab_mask(word)[self.vid[start + j]]]
        return start, start + len(words) - 1

    def regex_spans(self, pattern: re.Pattern) -> tuple[np.ndarray, np.ndarray]:
        """Character spans of a regex's matches that stay within one text."""
        spans = np.array([m.span() for m in pattern.finditer(self.joined)
                          if m.end() > m.start()], dtype=np.int64).reshape(-1, 2)
        text_a = np.searchsorted(self.text_start, spans[:, 0], side="right")
        text_b = np.searchsorted(self.text_start, spans[:, 1] - 1, side="right")
        spans = spans[text_a == text_b]
        return spans[:, 0], spans[:, 1]

    def spans(self, terms, regex) -> tuple[np.ndarray, np.ndarray]:
        """Character spans (start, end) of every match of terms and a regex."""
        starts, ends = [], []
        for words in terms:
            a, b = self.term_spans(words)
            starts.append(self.tok_start[a])
            ends.append(self.tok_end[b])
        if regex is not None:
            a, b = self.regex_spans(regex)
            starts.append(a)
            ends.append(b)
        if not starts:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
        return np.concatenate(starts), np.concatenate(ends)


def _compiled_codebook(codebook: pd.DataFrame) -> list[dict]:
    rules = []
    for row in codebook.itertuples(index=False):  # over codes, not over texts
        rules.append({
            "code": row.code, "theme": row.theme,
            "include": [_term_words(t) for t in _parse_terms(row.include)],
            "exclude": [_term_words(t) for t in _parse_terms(row.exclude)],
            "include_regex": re.compile(row.include_regex, re.IGNORECASE)
            if row.include_regex else None,
            "exclude_regex": re.compile(row.exclude_regex, re.IGNORECASE)
            if row.exclude_regex else None,
            "negation": bool(row.negation),
        })
    return rules


def _unit_columns(data, unit) -> list[str]:
    if unit is None:
        return [c for c in ("respondent", "question") if c in data.columns] or ["respondent"]
    return _columns(unit)


def apply_codebook(data, codebook=None, *, text: str = "text", unit=None,
                   negation_window: int = NEGATION_WINDOW,
                   keep_negated: bool = False) -> pd.DataFrame:
    """Code free-text answers with a codebook: one row per mention of a code.

    Matching rules (documented, deterministic):

    * **Whole words, any case.**  Texts and terms are split into words (letters and
      digits; apostrophes inside a word kept: "don't"); a term matches a run of
      consecutive words.  Punctuation other than clause breaks is ignored, so
      "self-care" and "self care" are the same two words.
    * **Multi-label.**  Every code is matched independently; one answer can mention
      many codes, and one passage can count for two codes ("mental health" for
      ``mental_health`` and, through "health", for another code whose terms include it).
    * **Overlaps within a code.**  When two matches of the same code overlap, the one
      contained in the other is dropped (the longest wins), so "can't get an
      appointment" is one mention, not two.  This happens before negation, so a
      negative phrase written as a term keeps its meaning.
    * **Exclude terms.**  A match that overlaps any match of the code's exclude terms
      (or ``exclude_regex``) is not a mention ("walking stick" is not walking).
    * **Negation window** (codes with ``negation`` = yes in the codebook; in the
      bundled wellbeing codebook: loneliness, mental_health, gp_access and
      service_access).  A match is *negated* when one of the ``negation_window``
      (default 3) words before its first word is a negation cue (``NEGATION_CUES``:
      no, not, never, none, nothing, cannot, and any word ending in n't, with or
      without apostrophe) in the same clause: the window stops at . , ; : ! ? ( ) line
      breaks, dashes and ``CLAUSE_BREAK_WORDS`` (but, however, although ...).  "not
      lonely", "never feel isolated" and "no problems with access" are negated;
      "not lonely, but isolated" keeps "isolated"; "no one to talk to" written as a
      term is not negated by its own "no".  Negated matches are dropped unless
      ``keep_negated=True``.  A cue further back ("I do not think that I am lonely")
      is missed and double negatives are not resolved: check exemplar quotes.
    * ``include_regex`` / ``exclude_regex`` are applied to each answer as written
      (case-insensitive); add ``\\b`` yourself for whole words.

    The texts are tokenised once into arrays; each code's terms are looked up in an
    index from word to positions, so the work grows with the number of matches, not
    texts x codes (about 100,000 answers x 40 codes in a few seconds).

    Parameters
    ----------
    data : DataFrame or Series
        Answers, one row per text (e.g. :meth:`SurveyExport.to_long`).  A Series is
        treated as texts indexed by respondent.
    codebook : DataFrame, str or None
        Anything :func:`load_codebook` accepts (default: the bundled wellbeing codebook).
    text : str, default "text"
        Column holding the text (missing = no text).
    unit : str or list of str, optional
        Columns identifying a text, copied to the output.  Default: ``respondent`` and
        ``question`` (those present).
    negation_window : int, default 3
        Words searched before a match for a negation cue (0 switches negation off).
    keep_negated : bool, default False
        Keep negated matches, flagged in a ``negated`` column.

    Returns
    -------
    DataFrame
        One row per mention: the unit columns, ``code``, ``theme``, ``start``, ``end``
        (character offsets in the text, so ``text[start:end] == match``), ``match``, and
        ``negated`` when ``keep_negated``; in text order.  ``attrs["codes"]`` and
        ``attrs["themes"]`` list the codebook's codes and themes (for zero counts).

    Example
    -------
    >>> import pandas as pd
    >>> answers = pd.DataFrame({"respondent": [1, 2, 3],
    ...     "text": ["I am not lonely but I never see my family.",
    ...              "Can't get an appointment; the bus is a problem.",
    ...              "Walking stick helps; I love walking and my GP's advice."]})
    >>> apply_codebook(answers)[["respondent", "code", "match"]]
       respondent                code                     match
    0           1   social_connection                    family
    1           2           gp_access  Can't get an appointment
    2           2      service_access                       bus
    3           3   physical_activity                   walking
    4           3           gp_access                      GP's
    5           3  information_advice                    advice
    """
    if isinstance(data, pd.Series):
        names = [n if n is not None else "respondent" for n in data.index.names]
        frame = data.rename(text).to_frame()
        frame.index = frame.index.set_names(names)
        frame = frame.reset_index()
        unit_cols = names if unit is None else _columns(unit)
    elif isinstance(data, pd.DataFrame):
        frame = data
        unit_cols = _unit_columns(data, unit)
    else:
        raise TypeError(f"data must be a DataFrame or Series, not {type(data).__name__}")
    require_columns(frame, [*unit_cols, text], what="apply_codebook")
    if not (isinstance(negation_window, int | np.integer) and negation_window >= 0):
        raise ValueError(f"negation_window must be a whole number >= 0, not {negation_window!r}")
    codebook = load_codebook(codebook)
    rules = _compiled_codebook(codebook)
    texts = frame[text]
    if pd.api.types.infer_dtype(texts, skipna=True) not in ("string", "empty"):
        # mixed column: find the non-text cells (only on this slow path)
        non_text = (texts.notna() & ~texts.map(lambda v: isinstance(v, str),
                                                na_action="ignore").astype(bool)).to_numpy()
        if non_text.any():
            raise InvalidValueError("non-text answer", column=text, expected="text",
                                    found=list(texts[non_text][:3]),
                                    **error_location(frame, frame.index[non_text]))
    corpus = _Corpus(texts.fillna("").astype("str"), int(negation_window))

    parts = []
    for k, rule in enumerate(rules):  # over codes
        start, end = corpus.spans(rule["include"], rule["include_regex"])
        if len(start) == 0:
            continue
        ex_start, ex_end = corpus.spans(rule["exclude"], rule["exclude_regex"])
        if len(ex_start):
            order = np.argsort(ex_start, kind="stable")
            ex_start, reach = ex_start[order], np.maximum.accumulate(ex_end[order])
            last = np.searchsorted(ex_start, end, side="left") - 1
            hit = (last >= 0) & (reach[np.maximum(last, 0)] > start)
            start, end = start[~hit], end[~hit]
        order = np.lexsort((-end, start))
        start, end = start[order], end[order]
        prev_reach = np.concatenate([[-1], np.maximum.accumulate(end)[:-1]])
        inner = end <= prev_reach
        start, end = start[~inner], end[~inner]
        first_tok = np.minimum(np.searchsorted(corpus.tok_end, start, side="right"),
                               corpus.n_tokens - 1)
        if rule["negation"] and corpus.n_tokens:
            negated = corpus.negated[first_tok]
        else:
            negated = np.zeros(len(start), dtype=bool)
        parts.append((np.full(len(start), k), start, end, negated))
    codes = [r["code"] for r in rules]
    themes = list(pd.unique(pd.Series([r["theme"] for r in rules], dtype=object)))
    if parts:
        code_k, start, end, negated = (np.concatenate(x) for x in zip(*parts))
    else:
        code_k = start = end = np.empty(0, dtype=np.int64)
        negated = np.empty(0, dtype=bool)
    if not keep_negated:
        code_k, start, end, negated = (x[~negated] for x in (code_k, start, end, negated))
    row = np.searchsorted(corpus.text_start, start, side="right") - 1
    order = np.lexsort((code_k, start))
    code_k, start, end, negated, row = (x[order] for x in (code_k, start, end, negated, row))
    out = frame[unit_cols].iloc[row].reset_index(drop=True)
    out["code"] = pd.Series(np.asarray(codes, dtype=object)[code_k], dtype="str")
    out["theme"] = pd.Series(np.asarray([r["theme"] for r in rules], dtype=object)[code_k],
                             dtype="str")
    offset = corpus.text_start[row]
    out["start"] = start - offset
    out["end"] = end - offset
    out["match"] = pd.Series(corpus.substrings(start, end), dtype="str")
    if keep_negated:
        out["negated"] = negated
    out.attrs = {"codes": codes, "themes": themes, "unit": unit_cols}
    return out



# =====================================================================================
# Theme frequency, group comparisons, co-occurrence, exemplar quotes
# =====================================================================================
#: multiple-comparison corrections accepted (statsmodels ``multipletests`` names);
#: "bh" is short for "fdr_bh" (Benjamini-Hochberg)
P_ADJUST_METHODS = ("holm", "fdr_bh", "bonferroni", "hommel", "fdr_by", "sidak", "holm-sidak")

LEVEL_COLUMNS = ("theme", "code")


def _respondent_frame(data: pd.DataFrame, respondent: str, what: str = "data") -> None:
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"{what} must be a pandas DataFrame, not {type(data).__name__}")
    require_columns(data, [respondent], what=what)
    _check_labels(data, [respondent], "respondent")
    check_unique(data, respondent)


def _all_labels(mentions: pd.DataFrame, level: str, codebook) -> list:
    """Every theme/code label to report (zero counts included), in codebook order."""
    if codebook is not None:
        return list(pd.unique(load_codebook(codebook)[level]))
    listed = mentions.attrs.get("themes" if level == "theme" else "codes")
    if listed:
        return list(listed)
    return list(pd.unique(mentions[level]))


def _active(mentions: pd.DataFrame) -> pd.DataFrame:
    """Mentions that count (negated ones removed when flagged)."""
    if "negated" in mentions.columns:
        return mentions[~mentions["negated"].astype(bool).to_numpy()]
    return mentions


def _presence(data: pd.DataFrame, mentions: pd.DataFrame, *, respondent: str, level,
              codebook=None, labels=None) -> tuple[np.ndarray, list]:
    """Respondents (rows of ``data``) x labels boolean matrix of non-negated mentions.

    ``level`` is "theme", "code" or a column of ``mentions``.  Mentions of respondents
    not in ``data`` are ignored: ``data`` defines who is counted.
    """
    _respondent_frame(data, respondent)
    if not isinstance(mentions, pd.DataFrame):
        raise TypeError("mentions must be the DataFrame returned by apply_codebook")
    require_columns(mentions, [respondent, level], what="mentions")
    labels = _all_labels(mentions, level, codebook) if labels is None else list(labels)
    active = _active(mentions)
    label_index = pd.Index(labels)
    col = label_index.get_indexer(active[level])
    if (col < 0).any():
        raise InvalidValueError(f"{level} in mentions not in the codebook", column=level,
                                expected="one of " + ", ".join(map(str, labels)),
                                found=list(pd.unique(active[level][col < 0])))
    row = pd.Index(data[respondent]).get_indexer(active[respondent])
    if len(active) and len(data) and (row < 0).all():
        raise UnmatchedRecordsError(
            "no respondent in mentions is in data", column=respondent,
            expected="the same identifiers (and type) in both tables",
            found=[f"data: {data[respondent].iloc[0]!r}", f"mentions: "
                   f"{active[respondent].iloc[0]!r}"],
        )
    ok = row >= 0
    matrix = np.zeros((len(data), len(labels)), dtype=bool)
    matrix[row[ok], col[ok]] = True
    return matrix, labels


def mention_matrix(data: pd.DataFrame, mentions: pd.DataFrame, *, respondent: str = "respondent",
                   level: str = "theme", codebook=None) -> pd.DataFrame:
    """Respondent x theme (or code) table: True where the respondent mentions it.

    A respondent mentions a theme when any of their answers has a non-negated mention of
    any of its codes.  Rows are the respondents of ``data`` in order (respondents in
    ``mentions`` but not in ``data`` are left out: ``data`` says who is counted).

    Example
    -------
    >>> import pandas as pd
    >>> answers = pd.DataFrame({"respondent": [1, 2, 3],
    ...                         "text": ["Lonely since my wife died", "Bills and debt", ""]})
    >>> m = apply_codebook(answers)
    >>> mention_matrix(answers, m)[["Loneliness", "Cost of living"]]  # doctest: +NORMALIZE_WHITESPACE
    theme       Loneliness  Cost of living
    respondent
    1                 True           False
    2                False            True
    3                False           False
    """
    matrix, labels = _presence(data, mentions, respondent=respondent, level=level,
                               codebook=codebook)
    return pd.DataFrame(matrix, index=pd.Index(data[respondent], name=respondent),
                        columns=pd.Index(labels, name=level))


def _groups(data: pd.DataFrame, by) -> tuple[np.ndarray, pd.DataFrame]:
    """Group number of every row and the group keys (sorted; missing is its own group)."""
    if by is None:
        return np.zeros(len(data), dtype=np.int64), pd.DataFrame(index=[0])
    by = _columns(by)
    require_columns(data, by)
    grouped = data.groupby(by, dropna=False, sort=True, observed=True)
    codes = grouped.ngroup().to_numpy()
    keys = grouped.size().reset_index()[by]
    return codes, keys


def _group_counts(matrix: np.ndarray, codes: np.ndarray, n_groups: int,
                  weights: np.ndarray | None = None) -> np.ndarray:
    """groups x labels sums of a boolean matrix (one bincount per label)."""
    w = np.ones(len(codes)) if weights is None else weights
    return np.column_stack([np.bincount(codes, weights=w * matrix[:, j], minlength=n_groups)
                            for j in range(matrix.shape[1])]).reshape(n_groups, -1)


def _long(keys: pd.DataFrame, labels: list, level: str, columns: dict) -> pd.DataFrame:
    """Tidy groups x labels table from (groups, labels) arrays."""
    n_groups, n_labels = len(keys), len(labels)
    out = keys.iloc[np.repeat(np.arange(n_groups), n_labels)].reset_index(drop=True)
    out[level] = np.tile(np.asarray(labels, dtype=object), n_groups)
    out[level] = out[level].astype("str")
    for name, values in columns.items():
        out[name] = np.broadcast_to(np.asarray(values), (n_groups, n_labels)).ravel()
    return out


def _suppress(table: pd.DataFrame, suppress, counts, derived) -> pd.DataFrame:
    if not suppress:
        return table
    settings = dict(suppress) if isinstance(suppress, Mapping) else {}
    return suppress_rows(table, counts=counts, derived=derived, **settings)


def theme_frequency(data: pd.DataFrame, mentions: pd.DataFrame, *, by=None,
                    respondent: str = "respondent", level: str = "theme", codebook=None,
                    ci: float = 0.95, suppress=False) -> pd.DataFrame:
    """How many respondents mention each theme, overall or by group, with Wilson CIs.

    ``n`` = respondents in the group with at least one non-negated mention of the theme
    (in any answer); ``N`` = respondents of ``data`` in the group - pass only those who
    answered the question(s) if non-responders should not count.  ``percent`` =
    100 n / N with a Wilson score interval (:func:`wellbeing_lib.stats.proportion_ci`).

    Parameters
    ----------
    data : DataFrame
        One row per respondent: the ``respondent`` column and the ``by`` columns.
    mentions : DataFrame
        Output of :func:`apply_codebook`.
    by : str or list of str, optional
        Grouping columns (missing values form their own group).
    level : {"theme", "code"}
    codebook : optional
        The codebook used (for themes with no mention; default: the list
        :func:`apply_codebook` stored in ``mentions.attrs``).
    ci : float, default 0.95
    suppress : bool or dict, default False
        Apply :func:`wellbeing_lib.privacy.suppress_rows` to ``n`` and ``N`` (counts
        1-7 withheld, others rounded to 5, percent and CI withheld with them); a dict
        passes settings (``{"high": 9, "base": 1}``).  Use for published tables.

    Returns
    -------
    DataFrame
        The ``by`` columns, ``theme`` (or ``code``), ``n``, ``N``, ``percent``,
        ``ci_low``, ``ci_high`` (percentages).

    Example
    -------
    >>> import pandas as pd
    >>> answers = pd.DataFrame({
    ...     "respondent": [1, 2, 3, 4, 5],
    ...     "group": ["public", "public", "public", "staff", "staff"],
    ...     "text": ["Feeling lonely", "Not lonely at all", "Isolated, no bus",
    ...              "Patients are lonely", "Workload"]})
    >>> m = apply_codebook(answers)
    >>> f = theme_frequency(answers, m, by="group")
    >>> f[f["theme"] == "Loneliness"].round(1)
         group       theme  n  N  percent  ci_low  ci_high
    1   public  Loneliness  2  3     66.7    20.8     93.9
    16   staff  Loneliness  1  2     50.0     9.5     90.5
    """
    _check_args(ci=ci)
    matrix, labels = _presence(data, mentions, respondent=respondent, level=level,
                               codebook=codebook)
    codes, keys = _groups(data, by)
    n = _group_counts(matrix, codes, len(keys)).astype(np.int64)
    size = np.bincount(codes, minlength=len(keys))[:, None]
    wilson = proportion_ci(n.ravel(), np.broadcast_to(size, n.shape).ravel(), ci=ci)
    out = _long(keys, labels, level, {
        "n": n, "N": np.broadcast_to(size, n.shape),
        "percent": 100 * wilson["proportion"].to_numpy().reshape(n.shape),
        "ci_low": 100 * wilson["ci_low"].to_numpy().reshape(n.shape),
        "ci_high": 100 * wilson["ci_high"].to_numpy().reshape(n.shape),
    })
    if by is None:
        out = out.drop(columns=[c for c in out.columns if c == "index"])
    return _suppress(out, suppress, ["n", "N"], ["percent", "ci_low", "ci_high"])


def _p_adjust(p: np.ndarray, method: str, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Adjusted p-values and rejections over the finite p-values (NaN kept as NaN)."""
    from statsmodels.stats.multitest import multipletests

    adjusted = np.full(len(p), np.nan)
    reject = np.zeros(len(p), dtype=bool)
    ok = np.isfinite(p)
    if ok.any():
        rej, adj, _, _ = multipletests(p[ok], alpha=alpha, method=method)
        adjusted[ok], reject[ok] = adj, rej
    return adjusted, reject


def _check_p_adjust(p_adjust: str) -> str:
    method = "fdr_bh" if p_adjust in ("bh", "BH", "fdr") else p_adjust
    if method not in P_ADJUST_METHODS:
        raise ValueError(f"p_adjust must be one of {P_ADJUST_METHODS} (or 'bh'), "
                         f"not {p_adjust!r}")
    return method


def _compare_counts(n: np.ndarray, size: np.ndarray, group_labels: list, *, test: str,
                    p_adjust: str, alpha: float, ci: float) -> pd.DataFrame:
    """Tests of "same proportion in every group" for each column of n (groups x items)."""
    from scipy.stats import chi2 as chi2_dist
    from scipy.stats import fisher_exact
    from statsmodels.stats.proportion import confint_proportions_2indep

    if test not in ("auto", "chi2", "fisher"):
        raise ValueError(f"test must be 'auto', 'chi2' or 'fisher', not {test!r}")
    method = _check_p_adjust(p_adjust)
    n_groups, n_items = n.shape
    if n_groups < 2:
        raise InvalidValueError("group comparison needs at least two groups",
                                expected="two or more groups", found=group_labels)
    if test == "fisher" and n_groups != 2:
        raise ValueError("Fisher's exact test here compares exactly two groups; use "
                         "test='chi2' for more")
    size = size.reshape(-1, 1).astype(float)
    total = size.sum()
    with_theme = n.sum(axis=0)
    without = total - with_theme
    e1 = size * with_theme / total
    e0 = size * without / total
    varied = (with_theme > 0) & (without > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = (((n - e1) ** 2 / e1) + (((size - n) - e0) ** 2 / e0)).sum(axis=0)
    stat = np.where(varied, stat, np.nan)
    min_expected = np.minimum(e1.min(axis=0), e0.min(axis=0))
    p = np.where(varied, chi2_dist.sf(stat, n_groups - 1), np.nan)
    used = np.full(n_items, "chi2", dtype=object)
    if n_groups == 2:
        fisher = np.full(n_items, test == "fisher") | ((test == "auto") & (min_expected < 5))
        fisher &= varied
        for j in np.flatnonzero(fisher):  # over themes, not respondents
            table = np.array([[n[0, j], size[0, 0] - n[0, j]], [n[1, j], size[1, 0] - n[1, j]]])
            p[j] = fisher_exact(table).pvalue
            stat[j] = np.nan
        used[fisher] = "fisher"
    adjusted, reject = _p_adjust(p, method, alpha)
    notes = np.where(~varied, "no variation: every group 0% or every group 100%",
                     np.where((used == "chi2") & (min_expected < 5),
                              "expected count below 5: chi-square approximate", ""))
    out = {
        "n_groups": n_groups,
        "test": np.where(varied, used, "none"),
        "chi2": stat,
        "dof": n_groups - 1,
        "p_value": p,
        "p_adjusted": adjusted,
        "significant": reject,
        "p_adjust_method": method,
        "min_expected": min_expected,
        "note": notes,
    }
    if n_groups == 2:
        pct = 100 * n / size
        low, high = confint_proportions_2indep(n[0], size[0, 0], n[1], size[1, 0],
                                               method="newcomb", compare="diff",
                                               alpha=1 - ci)
        out.update({"group_1": str(group_labels[0]), "group_2": str(group_labels[1]),
                    "percent_1": pct[0], "percent_2": pct[1],
                    "difference": pct[0] - pct[1],
                    "diff_ci_low": 100 * np.asarray(low), "diff_ci_high": 100 * np.asarray(high)})
    return pd.DataFrame(out)


def compare_groups(data: pd.DataFrame, mentions: pd.DataFrame, *, by: str,
                   respondent: str = "respondent", level: str = "theme", codebook=None,
                   test: str = "auto", p_adjust: str = "holm", alpha: float = 0.05,
                   ci: float = 0.95) -> pd.DataFrame:
    """Does the share of respondents mentioning each theme differ between groups?

    For every theme, the groups x (mentions, does not mention) table is tested:

    * ``"chi2"`` - Pearson's chi-square test of independence without continuity
      correction, ``X² = Σ (O - E)² / E`` with G - 1 degrees of freedom (for two groups
      this equals the pooled two-proportion z test, z² = X²);
    * ``"fisher"`` - Fisher's exact test (two groups only; scipy);
    * ``"auto"`` (default) - Fisher when there are two groups and an expected count is
      below 5, otherwise chi-square (the ``test`` column says which was used).

    p-values are then corrected for testing many themes with
    :func:`statsmodels.stats.multitest.multipletests`: Holm's step-down method by
    default (controls the family-wise error rate), ``"bh"``/``"fdr_bh"``
    (Benjamini-Hochberg false discovery rate) or any other statsmodels method.  The
    method is in ``p_adjust_method``.  Themes with no variation are not tested and do
    not count in the correction.  For two groups the difference in percentage points
    has a Newcombe hybrid-score interval (statsmodels ``confint_proportions_2indep``).

    Parameters
    ----------
    data, mentions, respondent, level, codebook
        As in :func:`theme_frequency`.
    by : str
        The grouping column (e.g. ``"stakeholder_type"``); missing values are a group.
    test : {"auto", "chi2", "fisher"}
    p_adjust : str, default "holm"
    alpha : float, default 0.05
        Family-wise (Holm) or false-discovery (BH) level for ``significant``.
    ci : float, default 0.95

    Returns
    -------
    DataFrame
        One row per theme: ``theme``, ``n_groups``, ``test``, ``chi2``, ``dof``,
        ``p_value``, ``p_adjusted``, ``significant``, ``p_adjust_method``,
        ``min_expected``, ``note``; for two groups also ``group_1``, ``group_2``,
        ``percent_1``, ``percent_2``, ``difference`` (points) and its CI.

    Example
    -------
    >>> import pandas as pd
    >>> data = pd.DataFrame({"respondent": range(8),
    ...                      "type": ["public"] * 4 + ["professional"] * 4,
    ...                      "text": ["lonely", "lonely", "isolated", "fine",
    ...                               "workload", "lonely", "shifts", "job"]})
    >>> out = compare_groups(data, apply_codebook(data), by="type")
    >>> out.loc[out["theme"].isin(["Loneliness", "Work and purpose"]),
    ...         ["theme", "test", "p_value", "p_adjusted", "difference"]].round(3)
                   theme    test  p_value  p_adjusted  difference
    1         Loneliness  fisher    0.486       0.486       -50.0
    13  Work and purpose  fisher    0.143       0.286        75.0
    """
    _check_args(ci=ci)
    if not isinstance(by, str):
        raise ValueError("by must be one column name")
    matrix, labels = _presence(data, mentions, respondent=respondent, level=level,
                               codebook=codebook)
    codes, keys = _groups(data, by)
    n = _group_counts(matrix, codes, len(keys))
    size = np.bincount(codes, minlength=len(keys))
    out = _compare_counts(n, size, list(keys[by]), test=test, p_adjust=p_adjust,
                          alpha=alpha, ci=ci)
    out.insert(0, level, pd.Series(labels, dtype="str"))
    return out


def theme_cooccurrence(data: pd.DataFrame, mentions: pd.DataFrame, *,
                       respondent: str = "respondent", level: str = "theme",
                       codebook=None) -> pd.DataFrame:
    """How often two themes are mentioned by the same respondent, with the Jaccard index.

    From the respondent x theme matrix X (1 = mentions), ``n_both = XᵀX`` and
    ``jaccard = n_both / (n_a + n_b - n_both)`` (respondents mentioning both over those
    mentioning either; NaN when neither is mentioned).  The diagonal (a theme with
    itself) has ``n_both = n_a`` and Jaccard 1.

    Returns
    -------
    DataFrame
        One row per ordered pair: ``theme_a``, ``theme_b``, ``n_a``, ``n_b``, ``n_both``,
        ``jaccard``.

    Example
    -------
    >>> import pandas as pd
    >>> data = pd.DataFrame({"respondent": [1, 2, 3],
    ...                      "text": ["lonely and anxious", "anxious", "lonely"]})
    >>> co = theme_cooccurrence(data, apply_codebook(data))
    >>> co[(co["theme_a"] == "Loneliness") & (co["theme_b"] == "Mental health")]
           theme_a        theme_b  n_a  n_b  n_both   jaccard
    19  Loneliness  Mental health    2    2       1  0.333333
    """
    matrix, labels = _presence(data, mentions, respondent=respondent, level=level,
                               codebook=codebook)
    x = matrix.astype(np.int64)
    both = x.T @ x
    single = np.diag(both)
    union = single[:, None] + single[None, :] - both
    with np.errstate(invalid="ignore", divide="ignore"):
        jaccard = np.where(union > 0, both / union, np.nan)
    k = len(labels)
    lab = np.asarray(labels, dtype=object)
    return pd.DataFrame({
        f"{level}_a": pd.Series(np.repeat(lab, k), dtype="str"),
        f"{level}_b": pd.Series(np.tile(lab, k), dtype="str"),
        "n_a": np.repeat(single, k), "n_b": np.tile(single, k),
        "n_both": both.ravel(), "jaccard": jaccard.ravel(),
    })


def _shorten(quote: str, match: str, max_chars: int | None) -> str:
    if max_chars is None or len(quote) <= max_chars:
        return quote
    pos = max(quote.find(match), 0)
    start = max(0, min(pos - max_chars // 3, len(quote) - max_chars))
    piece = quote[start:start + max_chars]
    return ("…" if start > 0 else "") + piece + ("…" if start + max_chars < len(quote) else "")


def _pick_quotes(texts: pd.DataFrame, active: pd.DataFrame, *, unit_cols, label: str, order,
                 text: str, n: int, random_state, max_chars, placeholders) -> pd.DataFrame:
    """Seeded choice of up to n distinct answers per label; redacted, then shortened."""
    require_columns(texts, [*unit_cols, text], what="texts")
    require_columns(active, [*unit_cols, label, "match"], what="mentions")
    check_unique(texts, unit_cols)
    first = active.drop_duplicates([*unit_cols, label])[[*unit_cols, label, "match"]]
    cand = first.merge(texts[[*unit_cols, text]], on=unit_cols, how="inner")
    cand = cand[cand[text].notna()]
    cand = cand.drop_duplicates([label, text]).reset_index(drop=True)
    rank_of = {lab: i for i, lab in enumerate(order)}
    rng = np.random.default_rng(random_state)
    cand["_key"] = rng.random(len(cand))
    cand["_order"] = cand[label].map(rank_of)
    cand = cand.sort_values(["_order", "_key"], kind="stable")
    chosen = cand.groupby(label, sort=False).head(n).reset_index(drop=True)
    original = chosen[text].astype("str")
    redacted = redact_pii(original, placeholders=placeholders)
    quotes = [_shorten(q, m, max_chars) for q, m in zip(redacted, chosen["match"])]
    out = chosen[[label]].astype("str")
    out["rank"] = chosen.groupby(label, sort=False).cumcount() + 1
    for col in unit_cols:
        out[col] = chosen[col]
    out["quote"] = pd.Series(quotes, dtype="str")
    out["match"] = chosen["match"].astype("str")
    out["redacted"] = (redacted != original).to_numpy()
    return out


def exemplar_quotes(texts: pd.DataFrame, mentions: pd.DataFrame, *, text: str = "text",
                    unit=None, level: str = "theme", n: int = 3, random_state=0,
                    max_chars: int | None = None, codebook=None,
                    placeholders=None) -> pd.DataFrame:
    """Example quotes per theme, with personal details redacted, chosen reproducibly.

    Rule: for each theme, the distinct answers (identical texts counted once) with a
    non-negated mention are put in a random order drawn with
    ``numpy.random.default_rng(random_state)``, and the first ``n`` are taken - the same
    seed always gives the same quotes; change it to see others.  Each quote is passed
    through :func:`wellbeing_lib.privacy.redact_pii` (e-mails, phone and NHS numbers,
    postcodes, names after a title) *before* it is shortened to ``max_chars`` around
    the matched words.  Redaction is pattern-based: read quotes before publishing.

    Parameters
    ----------
    texts : DataFrame
        The answers given to :func:`apply_codebook` (unit columns and ``text``).
    mentions : DataFrame
        Its output.
    text : str, default "text"
    unit : str or list, optional
        Columns identifying an answer (default: as used by :func:`apply_codebook`).
    level : {"theme", "code"}
    n : int, default 3
        Quotes per theme (fewer if fewer answers mention it).
    random_state : int or numpy Generator, default 0
    max_chars : int, optional
        Shorten longer quotes (with "…") to a window around the match.
    codebook : optional
        Orders the themes as in the codebook (default: as in ``mentions.attrs``).
    placeholders : dict, optional
        Passed to :func:`~wellbeing_lib.privacy.redact_pii`.

    Returns
    -------
    DataFrame
        ``theme``, ``rank`` (1..n), the unit columns, ``quote`` (redacted), ``match``
        (the words that matched) and ``redacted`` (True if anything was replaced).

    Example
    -------
    >>> import pandas as pd
    >>> data = pd.DataFrame({"respondent": [1, 2],
    ...     "text": ["Mrs Jones (07700 900123) is lonely", "Lonely since the move"]})
    >>> q = exemplar_quotes(data, apply_codebook(data), n=2)
    >>> q[["theme", "rank", "respondent", "quote", "redacted"]]
            theme  rank  respondent                       quote  redacted
    0  Loneliness     1           2       Lonely since the move     False
    1  Loneliness     2           1  [NAME] ([PHONE]) is lonely      True
    """
    if not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"n must be a whole number >= 1, not {n!r}")
    unit_cols = _columns(unit) if unit is not None else list(
        mentions.attrs.get("unit") or _unit_columns(texts, None))
    return _pick_quotes(texts, _active(mentions), unit_cols=unit_cols, label=level,
                        order=_all_labels(mentions, level, codebook), text=text, n=n,
                        random_state=random_state, max_chars=max_chars,
                        placeholders=placeholders)


# =====================================================================================
# Reach and representativeness
# =====================================================================================
#: representation ratio below which a group is flagged as under-represented
UNDER_REPRESENTED = 0.8

MISSING_LABEL = "(missing)"


def _as_text(values: pd.Series) -> pd.Series:
    """Category labels as text, so that 1, 1.0 and "1" are the same category."""
    if pd.api.types.is_bool_dtype(values):
        return values.astype("str")
    kind = pd.api.types.infer_dtype(values, skipna=True)
    if pd.api.types.is_numeric_dtype(values) or kind in ("integer", "floating",
                                                          "mixed-integer-float", "decimal"):
        v = values.astype("float64")
        whole = v.notna() & np.isfinite(v) & (v % 1 == 0)
        out = v.astype("str")
        out[whole] = v[whole].astype(np.int64).astype("str")
        return out.mask(v.isna())
    out = values.astype("str").str.strip()
    return out.mask(out.isna() | (out == ""))


def _wilson(p: np.ndarray, n: np.ndarray, ci: float) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for proportion p from n (possibly non-integer, e.g. Kish n_eff)."""
    from scipy.stats import norm

    z = norm.isf((1 - ci) / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        denom = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denom
        half = z / denom * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def _value_column(population: pd.DataFrame, value) -> str:
    if value is not None:
        require_columns(population, [value], what="population table")
        return value
    for candidate in ("share", "percent", "count", "population"):
        if candidate in population.columns:
            return candidate
    raise MissingColumnError("population table: no share or count column",
                             file=source_of(population), column="share",
                             expected="a share, percent, count or population column (or value=...)",
                             found=[", ".join(map(str, population.columns))])


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
    pop.attrs = population.attrs
    _check_labels(pop, ["variable", "category"], "category")
    check_unique(pop, ["variable", "category"])
    if variables is not None:
        variables = _columns(variables)
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


def _categories(data: pd.DataFrame, variable: str, allowed: pd.Index, what: str) -> np.ndarray:
    """Index of each respondent's category in ``allowed`` (-1 = missing); error if unknown."""
    require_columns(data, [variable])
    cats = _as_text(data[variable])
    codes = allowed.get_indexer(cats)
    unknown = (codes < 0) & cats.notna().to_numpy()
    if unknown.any():
        raise InvalidValueError(
            f"respondent's category not in the {what}", column=variable,
            expected="one of " + ", ".join(map(str, allowed)),
            found=list(pd.unique(cats[unknown])),
            **error_location(data, data.index[unknown]),
        )
    return codes


def _weights(data: pd.DataFrame, weights, what: str = "weights") -> np.ndarray | None:
    if weights is None:
        return None
    if isinstance(weights, str):
        values = check_numeric(data, [weights], low=0, allow_missing=False)[weights]
        return values.to_numpy(dtype=float)
    values = pd.Series(weights.to_numpy() if isinstance(weights, pd.Series) else
                       np.asarray(weights), name=what)
    if isinstance(weights, pd.Series) and not weights.index.equals(data.index):
        values = pd.Series(weights.reindex(data.index).to_numpy(), name=what)
    if len(values) != len(data):
        raise InvalidValueError(f"{what} have the wrong length", column=what,
                                expected=f"{len(data)} values (one per row of data)",
                                found=[len(values)])
    checked = check_numeric(values.to_frame(), [what], low=0, allow_missing=False)[what]
    arr = checked.to_numpy(dtype=float)
    if not np.isfinite(arr).all() or arr.sum() <= 0:
        raise InvalidValueError(f"invalid {what}", column=what,
                                expected="finite weights of 0 or more, not all 0")
    return arr


def reach(data: pd.DataFrame, *, columns, ci: float = 0.95, suppress=False) -> pd.DataFrame:
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
        Apply :func:`wellbeing_lib.privacy.suppress_rows` (see :func:`theme_frequency`).

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
    _check_args(ci=ci)
    columns = _columns(columns)
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
    return _suppress(out, suppress, ["n", "N"], ["percent", "ci_low", "ci_high"])


def representation(data: pd.DataFrame, population: pd.DataFrame, *, variables=None,
                   value: str | None = None, weights=None, threshold: float = UNDER_REPRESENTED,
                   ci: float = 0.95, seldom_heard=None) -> pd.DataFrame:
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

    With ``weights`` (e.g. from :func:`rake`) the sample share is weighted and its
    Wilson interval uses Kish's effective sample size (Σw)² / Σw² - a check that the
    weights reproduce the population.

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
    ci : float, default 0.95
    seldom_heard : dict, optional
        ``{variable: [categories]}`` that are seldom-heard groups.

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
    _check_args(ci=ci)
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
    out["under_represented"] = (out["ratio"] < threshold).to_numpy()
    out["seldom_heard"] = [c in seldom.get(v, ()) for v, c in zip(out["variable"],
                                                                  out["category"])]
    flag = np.where(out["under_represented"] & out["seldom_heard"],
                    "under-represented seldom-heard group",
                    np.where(out["under_represented"], "under-represented",
                             np.where(out["seldom_heard"], "seldom-heard group", "")))
    out["flag"] = pd.Series(flag, dtype="str")
    out.attrs["threshold"] = threshold
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


# =====================================================================================
# Raking (iterative proportional fitting)
# =====================================================================================
@dataclass(frozen=True)
class RakeDiagnostics:
    """How raking went (see :func:`rake`).

    Attributes
    ----------
    iterations : int
        Full cycles over the margins.
    converged : bool
    max_margin_error : float
        Largest |weighted share - target share| over all categories (a proportion).
    tol : float
    design_effect : float
        Kish's design effect from unequal weights, 1 + CV² = n Σw² / (Σw)².
    effective_n : float
        (Σw)² / Σw² = n / design_effect.
    n : int
        Respondents.
    n_trimmed : int
        Weights at a trimming bound.
    weight_min, weight_max : float
    margins : DataFrame
        Per variable and category: ``n``, ``target_percent``, ``sample_percent`` (with
        base weights), ``weighted_percent``, ``error`` (points).
    """

    iterations: int
    converged: bool
    max_margin_error: float
    tol: float
    design_effect: float
    effective_n: float
    n: int
    n_trimmed: int
    weight_min: float
    weight_max: float
    margins: pd.DataFrame = field(repr=False, compare=False)

    def to_frame(self) -> pd.DataFrame:
        """The scalar diagnostics as a one-row table."""
        return pd.DataFrame([{k: getattr(self, k) for k in (
            "iterations", "converged", "max_margin_error", "tol", "design_effect",
            "effective_n", "n", "n_trimmed", "weight_min", "weight_max")}])


class RakeResult(NamedTuple):
    """``weights`` (a Series aligned with the data) and ``diagnostics``."""

    weights: pd.Series
    diagnostics: RakeDiagnostics


def _margins_table(margins) -> pd.DataFrame:
    """{var: {category: value}} or a tidy DataFrame -> tidy variable/category/target."""
    if isinstance(margins, pd.DataFrame):
        value = _value_column(margins, None)
        return pd.DataFrame({"variable": margins["variable"], "category": margins["category"],
                             "target": margins[value]})
    if not isinstance(margins, Mapping) or not margins:
        raise TypeError("margins must be {variable: {category: share or count}} or a tidy "
                        "DataFrame (variable, category, share)")
    rows = []
    for var, cats in margins.items():
        if isinstance(cats, pd.Series):
            cats = cats.to_dict()
        if not isinstance(cats, Mapping) or not cats:
            raise TypeError(f"margin {var!r} must map categories to shares or counts")
        rows.extend({"variable": var, "category": c, "target": t} for c, t in cats.items())
    return pd.DataFrame(rows)


def rake(data: pd.DataFrame, margins, *, max_iter: int = 100, tol: float = 1e-6,
         trim: tuple[float, float] | None = None, base_weight=None, normalize: bool = False,
         total: float | None = None) -> RakeResult:
    """Rake respondent weights to population margins (iterative proportional fitting).

    Starting from the base weights (1 for everyone by default), each cycle adjusts the
    weights to each margin in turn, multiplying every respondent's weight by
    ``target_c / current_c`` for their category c of that variable (Deming & Stephan
    1940; the "raking" of survey packages such as R ``survey::rake``).  After each cycle:

    * with ``trim=(lo, hi)``, weights are clipped to ``[lo × mean, hi × mean]`` of the
      current weights (raking then continues, so margins and bounds are met together
      when possible; at convergence the final weights are within the bounds up to the
      tolerance, since clipping moves the mean slightly);
    * the error is the largest |weighted share - target share| over every category of
      every margin; the weights have converged when it is below ``tol``.

    Each step is one ``numpy.bincount`` per margin (vectorised over respondents).  The
    final weights are scaled to sum to ``total`` (default: the sum of the base weights,
    i.e. n, so the mean weight is 1).  Kish's design effect ``1 + CV² = n Σw² / (Σw)²``
    and effective sample size ``(Σw)² / Σw²`` are reported.

    Parameters
    ----------
    data : DataFrame
        One row per respondent with a column per margin variable.
    margins : dict or DataFrame
        ``{variable: {category: share or count}}`` or a tidy table (``variable``,
        ``category``, ``share``/``count``) such as the population table of
        :func:`representation`.  Categories are matched as text (1 = "1").  Every margin
        must have the same total (shares summing to 1, percentages to 100, or counts of
        the same population) unless ``normalize=True``.
    max_iter : int, default 100
    tol : float, default 1e-6
        Largest allowed margin error (a proportion).
    trim : (float, float), optional
        Bounds relative to the mean weight, e.g. ``(0.3, 3.0)``; ``lo <= 1 <= hi``.
    base_weight : str, Series or array, optional
        Design (base) weights: a column of ``data`` or values, positive.
    normalize : bool, default False
        Rescale each margin to shares (allows margins with different totals, e.g.
        rounded published percentages).
    total : float, optional
        Sum of the final weights (e.g. the population size for grossing weights).

    Returns
    -------
    RakeResult
        ``(weights, diagnostics)``: a Series named ``weight`` aligned with ``data`` and
        a :class:`RakeDiagnostics`.

    Raises
    ------
    MissingColumnError
        A margin variable is not a column.
    InvalidValueError
        Margins with different totals; a negative/missing target; a respondent with a
        missing value or a category absent from the margins (rows named); a margin
        category with a positive target and no respondents (raking cannot create them:
        merge categories); a zero target for a category that has respondents.
    ConvergenceError
        ``max_iter`` cycles without reaching ``tol`` (the message gives the error).

    Example
    -------
    Six respondents, two margins (the arithmetic is in the test-suite):

    >>> import pandas as pd
    >>> df = pd.DataFrame({"sex": ["M", "M", "M", "M", "F", "F"],
    ...                    "age": ["young", "young", "old", "old", "young", "old"]})
    >>> weights, diag = rake(df, {"sex": {"M": 0.5, "F": 0.5},
    ...                           "age": {"young": 0.3, "old": 0.7}})
    >>> weights.round(2).tolist()
    [0.45, 0.45, 1.05, 1.05, 0.9, 2.1]
    >>> diag.iterations, diag.converged, round(diag.design_effect, 3)
    (1, True, 1.305)
    """
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame, not {type(data).__name__}")
    if not (isinstance(max_iter, int | np.integer) and max_iter >= 1):
        raise ValueError(f"max_iter must be a whole number >= 1, not {max_iter!r}")
    if not (isinstance(tol, float | int) and tol > 0):
        raise ValueError(f"tol must be a positive number, not {tol!r}")
    if trim is not None:
        lo, hi = trim
        if not (0 <= lo <= 1 <= hi):
            raise ValueError(f"trim must be (lo, hi) with 0 <= lo <= 1 <= hi, not {trim!r}")
    table = _margins_table(margins)
    table["variable"] = table["variable"].astype("str")
    table["category"] = _as_text(table["category"].astype("object"))
    targets = check_numeric(table, ["target"], low=0, allow_missing=False)["target"]
    table["target"] = targets.to_numpy()
    _check_labels(table, ["category"], "margin category")
    check_unique(table, ["variable", "category"])
    variables = list(pd.unique(table["variable"]))
    require_columns(data, variables, what="raking")
    sums = table.groupby("variable", sort=False)["target"].sum()
    if (sums <= 0).any():
        raise InvalidValueError("margin with no positive target", column="target",
                                expected="some positive share or count",
                                found=list(sums.index[sums <= 0]))
    if not normalize and not np.allclose(sums.to_numpy(), sums.iloc[0], rtol=1e-6, atol=0):
        raise InvalidValueError(
            "margins have different totals", column=variables,
            expected="the same total in every margin (shares summing to 1, percentages to "
                     "100 or counts of one population), or normalize=True to rescale each",
            found=[f"{v}: {t:g}" for v, t in sums.items()],
        )
    base = _weights(data, base_weight, "base_weight")
    w = np.ones(len(data)) if base is None else base.copy()
    if base is not None and (w <= 0).any():
        bad = w <= 0
        raise InvalidValueError("base weight must be positive", column="base_weight",
                                expected="weights > 0", found=list(w[bad][:5]),
                                **error_location(data, data.index[bad]))
    specs = []
    for var in variables:  # over margins
        part = table[table["variable"] == var]
        cats = pd.Index(part["category"])
        codes = _categories(data, var, cats, f"margins of {var!r}")
        missing = codes < 0
        if missing.any():
            raise InvalidValueError("missing value in a raking variable", column=var,
                                    expected="a category for every respondent (impute or "
                                             "drop these respondents first)",
                                    **error_location(data, data.index[missing]))
        share = part["target"].to_numpy() / part["target"].sum()
        present = np.bincount(codes, minlength=len(cats)) > 0
        empty = ~present & (share > 0)
        if empty.any():
            raise InvalidValueError(
                "margin category has no respondents", column=var,
                expected="at least one respondent in every category with a positive target "
                         "(merge it with a neighbouring category)", found=list(cats[empty]),
            )
        zero = present & (share == 0)
        if zero.any():
            raise InvalidValueError(
                "margin target is 0 for a category that has respondents", column=var,
                expected="a positive target, or drop those respondents",
                found=list(cats[zero]),
            )
        specs.append((var, cats, codes, share))

    def margin_error(weights):
        grand = weights.sum()
        return max(float(np.abs(np.bincount(c, weights=weights, minlength=len(s)) / grand
                                - s).max()) for _, _, c, s in specs)

    start = w.copy()
    converged, error, iteration = False, np.inf, 0
    while iteration < max_iter:  # cycles, each vectorised over respondents
        iteration += 1
        for _, _, codes, share in specs:
            current = np.bincount(codes, weights=w, minlength=len(share))
            factor = np.divide(share * w.sum(), current, out=np.ones_like(current),
                               where=current > 0)
            w *= factor[codes]
        if trim is not None:
            mean = w.mean()
            at_bound = (w <= trim[0] * mean) | (w >= trim[1] * mean)
            np.clip(w, trim[0] * mean, trim[1] * mean, out=w)
        error = margin_error(w)
        if error < tol:
            converged = True
            break
    if not converged:
        hint = " (the trimming bounds may be too tight)" if trim is not None else \
            " (margins may conflict, e.g. a combination of categories nobody has)"
        raise ConvergenceError(
            f"raking did not converge in {max_iter} iterations: largest margin error "
            f"{error:.3g} (as a proportion) is above tol={tol:g}{hint}; raise max_iter, "
            "loosen tol or trim, or merge sparse categories"
        )
    target_total = float(start.sum()) if total is None else float(total)
    n_trimmed = int(at_bound.sum()) if trim is not None else 0
    w *= target_total / w.sum()
    deff = len(w) * (w**2).sum() / w.sum() ** 2
    rows = []
    for var, cats, codes, share in specs:
        rows.append(pd.DataFrame({
            "variable": var, "category": cats.astype("str"),
            "n": np.bincount(codes, minlength=len(cats)),
            "target_percent": 100 * share,
            "sample_percent": 100 * np.bincount(codes, weights=start, minlength=len(cats))
            / start.sum(),
            "weighted_percent": 100 * np.bincount(codes, weights=w, minlength=len(cats))
            / w.sum(),
        }))
    margin_table = pd.concat(rows, ignore_index=True)
    margin_table["error"] = margin_table["weighted_percent"] - margin_table["target_percent"]
    diagnostics = RakeDiagnostics(
        iterations=iteration, converged=converged, max_margin_error=float(error), tol=tol,
        design_effect=float(deff), effective_n=float(len(w) / deff), n=len(w),
        n_trimmed=n_trimmed, weight_min=float(w.min()), weight_max=float(w.max()),
        margins=margin_table,
    )
    return RakeResult(pd.Series(w, index=data.index, name="weight"), diagnostics)


def weighted_prevalence(data: pd.DataFrame, mentions: pd.DataFrame, *, weights, by=None,
                        respondent: str = "respondent", level: str = "theme", codebook=None,
                        ci: float = 0.95) -> pd.DataFrame:
    """Theme prevalence with respondent weights (e.g. from :func:`rake`).

    ``weighted_percent = 100 Σ_i w_i x_i / Σ_i w_i`` over the respondents of each group
    (x_i = 1 if respondent i mentions the theme).  The interval is the Wilson interval
    with Kish's effective sample size ``n_eff = (Σw)² / Σw²`` of the group in place of
    N - an approximation that ignores the estimation of the weights themselves.

    Returns
    -------
    DataFrame
        The ``by`` columns, ``theme``, ``n`` (unweighted respondents mentioning), ``N``,
        ``percent`` (unweighted), ``weighted_percent``, ``effective_n``, ``ci_low``,
        ``ci_high`` (of the weighted percent).

    Example
    -------
    >>> import pandas as pd
    >>> data = pd.DataFrame({"respondent": [1, 2, 3, 4],
    ...                      "text": ["lonely", "lonely", "my job", "my family"]})
    >>> out = weighted_prevalence(data, apply_codebook(data), weights=[0.5, 0.5, 1.5, 1.5])
    >>> out.loc[out["theme"] == "Loneliness",
    ...         ["theme", "n", "percent", "weighted_percent", "effective_n"]]
            theme  n  percent  weighted_percent  effective_n
    1  Loneliness  2     50.0              25.0          3.2
    """
    _check_args(ci=ci)
    matrix, labels = _presence(data, mentions, respondent=respondent, level=level,
                               codebook=codebook)
    w = _weights(data, weights)
    codes, keys = _groups(data, by)
    g = len(keys)
    n = _group_counts(matrix, codes, g)
    size = np.bincount(codes, minlength=g)[:, None]
    wsum = np.bincount(codes, weights=w, minlength=g)[:, None]
    w2 = np.bincount(codes, weights=w**2, minlength=g)[:, None]
    wx = _group_counts(matrix, codes, g, weights=w)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = wx / wsum
        eff = np.broadcast_to(wsum**2 / w2, p.shape)
    low, high = _wilson(p, eff, ci)
    out = _long(keys, labels, level, {
        "n": n.astype(np.int64), "N": np.broadcast_to(size, n.shape),
        "percent": 100 * n / size, "weighted_percent": 100 * p,
        "effective_n": eff, "ci_low": 100 * low, "ci_high": 100 * high,
    })
    return out.drop(columns=[c for c in out.columns if c == "index"])


# =====================================================================================
# Themes -> recommendations
# =====================================================================================
RECOMMENDATIONS_FILE = "theme_recommendations.csv"


def load_recommendation_map(source=None) -> pd.DataFrame:
    """The theme -> recommendation mapping (default: the bundled one), validated.

    Bundled ``theme_recommendations.csv`` links the default codebook's themes to the
    three recommendation areas of TONIC's (2019) *A Conversation about Wellbeing* -
    "Further enable self-care", "More conversations about wellbeing", "Maximise the
    impact of prevention communications" - and to four further areas added by
    wellbeing_lib (``source`` says which).  A theme may feed several recommendations.

    Parameters
    ----------
    source : None, path or DataFrame
        Columns ``theme`` and ``recommendation`` (others such as ``detail``, ``source``
        and ``year`` kept).

    Example
    -------
    >>> m = load_recommendation_map()
    >>> m.groupby("recommendation", sort=False).size().head(3)
    recommendation
    Further enable self-care                            4
    More conversations about wellbeing                  4
    Maximise the impact of prevention communications    3
    dtype: int64
    """
    if source is None:
        table = load_reference_table(RECOMMENDATIONS_FILE)
        table.attrs["source"] = RECOMMENDATIONS_FILE
    else:
        table = _frame_from(source, "source")
    require_columns(table, ["theme", "recommendation"], what="recommendation map")
    for col in ("theme", "recommendation"):
        values = table[col].astype("str").str.strip()
        bad = (values.isna() | (values == "")).to_numpy()
        if bad.any():
            raise InvalidValueError(f"missing {col}", column=col, expected=f"a {col} on every row",
                                    **error_location(table, table.index[bad]))
        table[col] = values
    check_unique(table, ["theme", "recommendation"])
    return table


@dataclass
class RecommendationEvidence:
    """Evidence behind each recommendation (see :func:`recommendation_evidence`).

    Attributes
    ----------
    summary : DataFrame
        ``recommendation``, ``themes``, ``n``, ``N``, ``percent``, ``ci_low``, ``ci_high``.
    by_group : DataFrame
        The same by group (empty without ``by``).
    quotes : DataFrame
        ``recommendation``, ``rank``, unit columns, ``quote`` (redacted), ``match``,
        ``redacted`` (empty without texts).
    """

    summary: pd.DataFrame
    by_group: pd.DataFrame
    quotes: pd.DataFrame


def recommendation_evidence(data: pd.DataFrame, mentions: pd.DataFrame, *, mapping=None,
                            by=None, texts: pd.DataFrame | None = None,
                            respondent: str = "respondent", text: str = "text",
                            codebook=None, n_quotes: int = 2, random_state=0,
                            max_chars: int | None = 300, ci: float = 0.95,
                            suppress=False) -> RecommendationEvidence:
    """How many people, which groups and which words support each recommendation.

    A respondent supports a recommendation when they mention (non-negated) any theme
    mapped to it.  ``n`` / ``N`` are respondents of ``data`` with a Wilson interval;
    ``by_group`` repeats this per group; quotes are chosen and redacted as in
    :func:`exemplar_quotes` (among answers mentioning any of the recommendation's themes).

    Parameters
    ----------
    data : DataFrame
        One row per respondent (the ``by`` columns; also ``text`` if each respondent gave
        one answer and no ``texts`` table is given).
    mentions : DataFrame
        Output of :func:`apply_codebook`.
    mapping : DataFrame or path, optional
        Theme -> recommendation (default :func:`load_recommendation_map`).  Every mapped
        theme must be a theme of the codebook (catches spelling slips).
    by : str or list, optional
    texts : DataFrame, optional
        The answers given to :func:`apply_codebook`, for quotes.
    n_quotes, random_state, max_chars
        As in :func:`exemplar_quotes`.
    ci, suppress
        As in :func:`theme_frequency` (``suppress`` applies to summary and by_group).

    Returns
    -------
    RecommendationEvidence
        ``.summary``, ``.by_group``, ``.quotes``.

    Example
    -------
    >>> import pandas as pd
    >>> data = pd.DataFrame({"respondent": [1, 2, 3, 4],
    ...     "text": ["An app to remind me", "Looking after myself", "Lonely", "Nothing"]})
    >>> ev = recommendation_evidence(data, apply_codebook(data), n_quotes=1)
    >>> ev.summary[["recommendation", "n", "N", "percent"]].head(3)
                                         recommendation  n  N  percent
    0                          Further enable self-care  1  4     25.0
    1                More conversations about wellbeing  1  4     25.0
    2  Maximise the impact of prevention communications  1  4     25.0
    """
    _check_args(ci=ci)
    mapping = load_recommendation_map(mapping)
    themes = _all_labels(mentions, "theme", codebook)
    unknown = ~mapping["theme"].isin(themes).to_numpy()
    if unknown.any():
        raise InvalidValueError("theme in the recommendation map is not a codebook theme",
                                column="theme", expected="one of " + ", ".join(themes),
                                found=list(mapping["theme"][unknown]),
                                **error_location(mapping, mapping.index[unknown]))
    matrix, labels = _presence(data, mentions, respondent=respondent, level="theme",
                               codebook=codebook)
    recs = list(pd.unique(mapping["recommendation"]))
    link = np.zeros((len(labels), len(recs)), dtype=np.int64)
    link[pd.Index(labels).get_indexer(mapping["theme"]),
         pd.Index(recs).get_indexer(mapping["recommendation"])] = 1
    support = (matrix.astype(np.int64) @ link) > 0
    theme_list = mapping.groupby("recommendation", sort=False)["theme"].agg("; ".join)

    def table(codes, keys):
        n = _group_counts(support, codes, len(keys)).astype(np.int64)
        size = np.bincount(codes, minlength=len(keys))[:, None]
        wil = proportion_ci(n.ravel(), np.broadcast_to(size, n.shape).ravel(), ci=ci)
        out = _long(keys, recs, "recommendation", {
            "n": n, "N": np.broadcast_to(size, n.shape),
            "percent": 100 * wil["proportion"].to_numpy().reshape(n.shape),
            "ci_low": 100 * wil["ci_low"].to_numpy().reshape(n.shape),
            "ci_high": 100 * wil["ci_high"].to_numpy().reshape(n.shape)})
        return _suppress(out, suppress, ["n", "N"], ["percent", "ci_low", "ci_high"])

    summary = table(*_groups(data, None))
    summary.insert(1, "themes", summary["recommendation"].map(theme_list).astype("str"))
    by_group = table(*_groups(data, by)) if by is not None else pd.DataFrame()
    if texts is None and text in data.columns:
        texts, unit_cols = data, [respondent]
    else:
        unit_cols = list(mentions.attrs.get("unit") or [respondent])
    if texts is not None:
        relabel = mapping[["theme", "recommendation"]]
        active = _active(mentions).merge(relabel, on="theme", how="inner")
        quotes = _pick_quotes(texts, active, unit_cols=unit_cols, label="recommendation",
                              order=recs, text=text, n=n_quotes, random_state=random_state,
                              max_chars=max_chars, placeholders=None)
    else:
        quotes = pd.DataFrame(columns=["recommendation", "rank", *unit_cols, "quote",
                                       "match", "redacted"])
    return RecommendationEvidence(summary=summary, by_group=by_group, quotes=quotes)


# =====================================================================================
# Ten-area engagement self-assessment
# =====================================================================================
AREAS_FILE = "engagement_areas.csv"

#: how the two self-assessment boxes are recognised (a label containing the key, after
#: lower-casing and removing punctuation) -> aspect
ASPECTS = {
    "what works well": "strength", "works well": "strength", "working well": "strength",
    "strengths": "strength", "strength": "strength", "good practice": "strength",
    "what could be better": "improvement", "could be better": "improvement",
    "could be improved": "improvement", "done better": "improvement",
    "improvements": "improvement", "improvement": "improvement", "weakness": "improvement",
}

#: answers that say nothing ("n/a", "none", "don't know", "-"): not a substantive comment
NON_ANSWER = (r"^\W*(?:n\W?a|none|nothing|nil|no|no comments?|nothing to add|not applicable|"
              r"don'?t know|do not know|dk|not sure|unsure|no idea|tbc)?\W*$")


def engagement_areas() -> pd.DataFrame:
    """The NHS England public-engagement areas for ICSs, as data.

    From the System Transformation Group's overview of a good public engagement
    approach, as listed in the Dorset ICS self-assessment summary (October 2018):
    ``area_id`` (A1...), ``order``, ``area`` (the published wording), ``short_label``,
    ``notes``, ``source``, ``year``.  The source announces *ten* areas but lists *nine*
    bullet points; the nine are recorded exactly as published (see ``notes``).  A
    self-assessment that used ten areas can pass its own table as ``areas=``.

    Example
    -------
    >>> a = engagement_areas()
    >>> len(a), a.loc[0, "short_label"]
    (9, 'Transparency on decision-making')
    """
    return load_reference_table(AREAS_FILE)


def _norm_label(values: pd.Series) -> pd.Series:
    """Lower case, numbering ("1.", "Q3:") removed, punctuation -> space, squeezed."""
    out = values.astype("str").str.lower().str.replace("’", "'", regex=False)
    out = out.str.replace(r"^\s*(?:q(?:uestion)?\s*)?\d+\s*[.):-]?\s*", "", regex=True)
    out = out.str.replace(r"[^a-z0-9']+", " ", regex=True).str.strip()
    return out


def _validated_areas(areas) -> pd.DataFrame:
    table = engagement_areas() if areas is None else _frame_from(areas, "areas")
    require_columns(table, ["area_id", "area"], what="areas table")
    if "short_label" not in table.columns:
        table["short_label"] = table["area"]
    _check_labels(table, ["area_id", "area"], "area")
    check_unique(table, "area_id")
    return table.reset_index(drop=True)


def _match_areas(labels: pd.Series, areas: pd.DataFrame) -> pd.Series:
    """area_id for each label: equal to an area's id, text or short label (normalised),
    else containing its text or short label; NaN if none; error if several."""
    keys = {
        "id": _norm_label(areas["area_id"]), "area": _norm_label(areas["area"]),
        "short": _norm_label(areas["short_label"]),
    }
    uniq = pd.Series(pd.unique(labels.dropna()), dtype="str")
    norm = _norm_label(uniq)
    found = {}
    for raw, lab in zip(uniq, norm):  # over distinct question labels, not respondents
        hits = [i for i in range(len(areas)) if lab in (keys["id"][i], keys["area"][i],
                                                         keys["short"][i])]
        if not hits:
            hits = [i for i in range(len(areas)) if keys["area"][i] and keys["area"][i] in lab]
        if not hits:
            hits = [i for i in range(len(areas)) if keys["short"][i] and keys["short"][i] in lab]
        if len(hits) > 1:
            raise InvalidValueError("question matches several areas", column="question",
                                    expected="a label naming one area (or pass area_of=...)",
                                    found=[raw])
        found[raw] = areas["area_id"][hits[0]] if hits else None
    return labels.map(found)


def _match_aspects(labels: pd.Series, aspects: Mapping) -> pd.Series:
    norm = _norm_label(labels)
    out = pd.Series(np.nan, index=labels.index, dtype="str")
    for key in sorted(aspects, key=len, reverse=True):  # over aspect keys
        key_norm = _norm_label(pd.Series([key])).iloc[0]
        hit = out.isna() & norm.str.contains(key_norm, regex=False).fillna(False).astype(bool)
        out[hit] = aspects[key]
    return out


def _respondent_values(frame: pd.DataFrame, respondent: str, column: str,
                       file: str | None = None) -> pd.Series:
    """One value of ``column`` per respondent (index: respondent ID as text).

    Missing values are ignored; two different non-missing values for one respondent raise
    :class:`InvalidValueError` naming the respondents and rows.
    """
    pairs = pd.DataFrame({"respondent": frame[respondent].astype("str").to_numpy(),
                          "value": frame[column].to_numpy()}, index=frame.index)
    pairs = pairs[pairs["value"].notna().to_numpy()]
    distinct = pairs.drop_duplicates()
    clash = distinct["respondent"].duplicated(keep=False).to_numpy()
    if clash.any():
        shown = distinct[clash]
        bad = pairs["respondent"].isin(shown["respondent"]).to_numpy()
        where = error_location(frame, list(pairs.index[bad]))
        where["file"] = where["file"] or file
        raise InvalidValueError(
            "respondent has conflicting values", column=column,
            expected="one value per respondent",
            found=[f"{r}: {v!r}" for r, v in shown.itertuples(index=False, name=None)],
            **where)
    return distinct.set_index("respondent")["value"]


def _check_keep(keep) -> dict:
    """Validate ``keep`` of :func:`self_assessment_responses`: {output: (survey, notes)}."""
    if keep is None:
        return {}
    if not isinstance(keep, Mapping):
        raise TypeError("keep must be a dict {output column: (survey column, notes column)}, "
                        f"not {type(keep).__name__}")
    out = {}
    for name, pair in keep.items():
        if (isinstance(pair, str) or not isinstance(pair, Sequence) or len(pair) != 2
                or not all(c is None or isinstance(c, str) for c in pair)):
            raise TypeError(f"keep[{name!r}] must be a pair (survey column, notes column), "
                            f"each a column name or None, not {pair!r}")
        if name in _RESPONSE_COLUMNS:
            raise ValueError(f"keep cannot name the output column {name!r}: it is one of "
                             + ", ".join(_RESPONSE_COLUMNS))
        out[name] = tuple(pair)
    return out


#: columns of :func:`self_assessment_responses` (before any ``keep`` columns)
_RESPONSE_COLUMNS = ("respondent", "channel", "area_id", "area", "area_order", "aspect", "text",
                     "status", "substantive")


def self_assessment_responses(survey: SurveyExport | None = None, notes=None, *, areas=None,
                              aspects: Mapping | None = None, area_of: Mapping | None = None,
                              aspect: str = "aspect",
                              channels: tuple[str, str] = ("online", "telephone"),
                              non_answer: str = NON_ANSWER,
                              keep: Mapping | None = None) -> pd.DataFrame:
    """Combine the online export and telephone notes into one tidy self-assessment table.

    Online (``survey``, from :func:`read_surveymonkey`): each answer column whose
    question names an area and whose sub-question names an aspect becomes rows.  Areas
    are recognised when the question text (ignoring case, punctuation and leading
    numbering) equals an area's ``area``, ``short_label`` or ``area_id``, or contains
    its ``area`` or ``short_label``; ``area_of`` ({column or question text: area_id})
    overrides.  Aspects: a sub-question containing a key of ``ASPECTS`` ("what works
    well" -> strength, "what could be better" -> improvement).  Other columns (about the
    respondent's organisation, say) are left out.

    Telephone (``notes``, from :func:`read_notes_table`): ``question`` names the area
    and the ``aspect`` column the box, by the same rules; every row must match.

    Parameters
    ----------
    survey : SurveyExport, optional
    notes : DataFrame, optional
        Tidy notes with ``respondent``, ``question``, ``text`` and ``aspect``.
    areas : DataFrame or path, optional
        Default :func:`engagement_areas`.
    aspects : dict, optional
        Label key -> ``"strength"``/``"improvement"`` (default ``ASPECTS``).
    area_of : dict, optional
    aspect : str, default "aspect"
        The notes column naming the box.
    channels : (str, str), default ("online", "telephone")
        Channel labels of the survey and the notes.
    non_answer : str
        Regular expression of answers that say nothing ("n/a", "none", "don't know");
        such answers are kept but are not ``substantive``.
    keep : dict, optional
        Respondent-level columns to carry through, as ``{output column: (survey column,
        notes column)}``, e.g. ``{"stakeholder_type": ("which_of_these_best_describes_the",
        "stakeholder_type")}``.  The survey column is a clean column name of
        ``survey.responses``; the notes column a column of ``notes``.  ``None`` in place
        of a column means that source has none: its respondents get a missing value.
        Each respondent must have one value: missing values are ignored, two different
        values (in two notes rows, say) are an error.  The columns come last, in the
        order given.

    Returns
    -------
    DataFrame
        ``respondent``, ``channel``, ``area_id``, ``area`` (short label), ``area_order``,
        ``aspect``, ``text``, ``status`` (as in :class:`SurveyExport`; notes: answered or
        blank), ``substantive``, then the ``keep`` columns.

    Raises
    ------
    InvalidValueError
        No survey column names an area and aspect; a notes row names no area or aspect;
        a respondent with conflicting values in a ``keep`` column.
    MissingColumnError
        A ``keep`` column is not in the export or the notes.
    DuplicateKeyError
        A respondent ID used both online and by telephone.

    Example
    -------
    >>> import pandas as pd
    >>> notes = read_notes_table(pd.DataFrame({
    ...     "respondent": ["T1", "T1"], "question": ["A1", "Transparency on decision-making"],
    ...     "aspect": ["What works well", "What could be better"],
    ...     "text": ["Open board meetings", "n/a"]}))
    >>> self_assessment_responses(notes=notes)[["respondent", "area_id", "aspect",
    ...                                          "substantive"]]
      respondent area_id       aspect  substantive
    0         T1      A1     strength         True
    1         T1      A1  improvement        False

    Carry a respondent-level column through (here only from the notes):

    >>> notes["organisation"] = "Healthwatch"
    >>> self_assessment_responses(notes=notes, keep={"organisation": (None, "organisation")})[
    ...     ["respondent", "aspect", "organisation"]]
      respondent       aspect organisation
    0         T1     strength  Healthwatch
    1         T1  improvement  Healthwatch
    """
    if survey is None and notes is None:
        raise ValueError("give survey=, notes= or both")
    keep = _check_keep(keep)
    table = _validated_areas(areas)
    aspects = dict(ASPECTS if aspects is None else aspects)
    bad_aspects = {v for v in aspects.values() if v not in ("strength", "improvement")}
    if bad_aspects:
        raise ValueError(f"aspects must map to 'strength' or 'improvement', not {bad_aspects}")
    parts = []
    if survey is not None:
        long = survey.to_long(statuses=ANSWER_STATUSES)
        q = survey.questions[survey.questions["kind"] == "answer"].set_index("column")
        area_id = _match_areas(q["question"], table)
        if area_of:
            override = q.index.map(lambda c: area_of.get(c)).to_series(index=q.index)
            by_text = q["question"].map(lambda t: area_of.get(t))
            area_id = override.fillna(by_text).fillna(area_id)
        asp = _match_aspects(q["sub_question"].fillna(""), aspects)
        usable = area_id.notna() & asp.notna()
        if not usable.any():
            raise InvalidValueError(
                "no survey column names an engagement area and an aspect",
                file=survey.source, column="question",
                expected="questions naming areas (" + "; ".join(table["short_label"]) +
                         ") with 'What works well' / 'What could be better' boxes, "
                         "or area_of={column: area_id}",
                found=list(pd.unique(q["question"]))[:5])
        long = long[long["question"].isin(q.index[usable])]
        part = pd.DataFrame({
            "respondent": long["respondent"].astype("str").to_numpy(),
            "channel": channels[0],
            "area_id": long["question"].map(area_id).to_numpy(),
            "aspect": long["question"].map(asp).to_numpy(),
            "text": long["text"].to_numpy(),
            "status": long["status"].astype("str").to_numpy(),
        })
        wanted = [c for c, _ in keep.values() if c is not None]
        absent = [c for c in wanted if c not in survey.responses.columns]
        if absent:
            raise MissingColumnError(
                "keep: column not in the survey export", file=survey.source, column=absent,
                expected="clean column names of survey.responses, e.g. "
                         + ", ".join(survey.responses.columns[:3]))
        for name, (col, _) in keep.items():
            values = (pd.Series(dtype=object) if col is None else _respondent_values(
                survey.responses, "respondent_id", col, survey.source))
            part[name] = part["respondent"].map(values).to_numpy()
        parts.append(part)
    if notes is not None:
        require_columns(notes, ["respondent", "question", "text", aspect], what="notes")
        ids = _match_areas(notes["question"], table)
        if area_of:
            ids = notes["question"].map(lambda t: area_of.get(t)).fillna(ids)
        asp = _match_aspects(notes[aspect].astype("str").fillna(""), aspects)
        for values, col, what in ((ids, "question", "an engagement area"),
                                  (asp, aspect, "an aspect (what works well / could be better)")):
            bad = values.isna().to_numpy()
            if bad.any():
                raise InvalidValueError(f"notes row does not name {what}", column=col,
                                        expected=what, found=list(pd.unique(notes[col][bad])),
                                        **error_location(notes, notes.index[bad]))
        status = notes["status"] if "status" in notes.columns else np.where(
            notes["text"].notna(), "answered", "blank")
        part = pd.DataFrame({
            "respondent": notes["respondent"].astype("str").to_numpy(),
            "channel": channels[1], "area_id": ids.to_numpy(), "aspect": asp.to_numpy(),
            "text": notes["text"].to_numpy(), "status": np.asarray(status, dtype=object),
        })
        require_columns(notes, [c for _, c in keep.values() if c is not None],
                        what="notes (keep)")
        for name, (_, col) in keep.items():
            values = (pd.Series(dtype=object) if col is None else _respondent_values(
                notes, "respondent", col))
            part[name] = part["respondent"].map(values).to_numpy()
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    if len(parts) == 2:
        both = set(parts[0]["respondent"]) & set(parts[1]["respondent"])
        if both:
            raise DuplicateKeyError("respondent ID used both online and by telephone",
                                    column="respondent",
                                    expected="distinct IDs per channel (e.g. prefix 'T')",
                                    found=sorted(both))
    area_pos = pd.Index(table["area_id"]).get_indexer(out["area_id"])
    out.insert(3, "area", table["short_label"].to_numpy()[area_pos])
    out.insert(4, "area_order", area_pos + 1)
    out["text"] = out["text"].astype("str")
    said_nothing = out["text"].str.fullmatch(non_answer, case=False).fillna(False)
    out["substantive"] = ((out["status"] == "answered") & ~said_nothing.astype(bool)).to_numpy()
    for col in ("respondent", "channel", "area_id", "area", "aspect", "status"):
        out[col] = out[col].astype("str")
    return out[[*_RESPONSE_COLUMNS, *keep]]


def _check_responses(responses: pd.DataFrame) -> None:
    require_columns(responses, ["respondent", "area_id", "area", "area_order", "aspect",
                                "substantive"], what="self-assessment responses")


def area_summary(responses: pd.DataFrame, *, by=None, ci: float = 0.95) -> pd.DataFrame:
    """Strength and improvement comments per engagement area (optionally by channel).

    ``n_strength`` = respondents with a substantive "what works well" comment on the
    area; ``n_improvement`` likewise for "what could be better"; ``N`` = respondents in
    the group (everyone who took part, so a skipped area lowers both percentages);
    percentages have Wilson intervals; ``balance = pct_strength - pct_improvement``.

    Parameters
    ----------
    responses : DataFrame
        From :func:`self_assessment_responses`.
    by : str or list, optional
        E.g. ``"channel"``.

    Returns
    -------
    DataFrame
        The ``by`` columns, ``area_id``, ``area``, ``N``, ``n_strength``,
        ``pct_strength``, ``strength_ci_low``, ``strength_ci_high``, ``n_improvement``,
        ``pct_improvement``, ``improvement_ci_low``, ``improvement_ci_high``,
        ``n_no_comment`` (neither), ``balance``; in area order.
    """
    _check_args(ci=ci)
    _check_responses(responses)
    by = [] if by is None else _columns(by)
    require_columns(responses, by)
    people = responses.drop_duplicates(["respondent"])
    N = people.groupby(by, dropna=False).size() if by else pd.Series({(): len(people)})
    said = responses[responses["substantive"]]
    per = said.drop_duplicates(["respondent", "area_id", "aspect"])
    counts = per.groupby([*by, "area_id", "aspect"], dropna=False).size().unstack(
        "aspect", fill_value=0)
    for col in ("strength", "improvement"):
        if col not in counts.columns:
            counts[col] = 0
    either = said.drop_duplicates(["respondent", "area_id"]).groupby(
        [*by, "area_id"], dropna=False).size()
    areas = responses.drop_duplicates("area_id").sort_values("area_order")[
        ["area_id", "area", "area_order"]]
    groups = (N.index.to_frame(index=False) if by else pd.DataFrame(index=[0]))
    grid = groups.merge(areas, how="cross")
    key = [*by, "area_id"]
    grid = grid.merge(counts[["strength", "improvement"]].reset_index(), on=key, how="left")
    grid = grid.merge(either.rename("n_either").reset_index(), on=key, how="left")
    grid[["strength", "improvement", "n_either"]] = grid[
        ["strength", "improvement", "n_either"]].fillna(0).astype(np.int64)
    if by:
        grid = grid.merge(N.rename("N").reset_index(), on=by, how="left")
    else:
        grid["N"] = len(people)
    out = grid[[*by, "area_id", "area"]].copy()
    out["N"] = grid["N"].to_numpy()
    for col in ("strength", "improvement"):
        wil = proportion_ci(grid[col].to_numpy(), grid["N"].to_numpy(), ci=ci)
        out[f"n_{col}"] = grid[col].to_numpy()
        out[f"pct_{col}"] = 100 * wil["proportion"].to_numpy()
        out[f"{col}_ci_low"] = 100 * wil["ci_low"].to_numpy()
        out[f"{col}_ci_high"] = 100 * wil["ci_high"].to_numpy()
    out["n_no_comment"] = (grid["N"] - grid["n_either"]).to_numpy()
    out["balance"] = out["pct_strength"] - out["pct_improvement"]
    return out.reset_index(drop=True)


def _ranked(summary: pd.DataFrame, column: str, by) -> pd.DataFrame:
    by = [] if by is None else _columns(by)
    count = column.replace("pct_", "n_")
    out = summary.sort_values([*by, column, count], ascending=[True] * len(by) + [False, False],
                              kind="stable").reset_index(drop=True)
    if by:
        out.insert(len(by), "rank", out.groupby(by, dropna=False)[column].rank(
            method="min", ascending=False).astype(np.int64))
    else:
        out.insert(0, "rank", out[column].rank(method="min", ascending=False).astype(np.int64))
    return out


def scope_for_improvement(responses: pd.DataFrame, *, by=None, ci: float = 0.95) -> pd.DataFrame:
    """Areas ranked by where there is most scope for improvement.

    Rule: areas ordered by the percentage of respondents making a substantive "what
    could be better" comment (``pct_improvement``, ties broken by the count); rank 1 =
    most scope.  Read with ``balance`` (strengths minus improvements).  Columns as in
    :func:`area_summary`, with ``rank`` first.

    Example
    -------
    >>> import pandas as pd
    >>> notes = read_notes_table(pd.DataFrame({
    ...     "respondent": ["T1", "T1", "T2", "T2"], "question": ["A1", "A2", "A1", "A2"],
    ...     "aspect": ["could be better"] * 3 + ["works well"],
    ...     "text": ["More openness", "Jargon", "Papers late", "Clear website"]}))
    >>> scope_for_improvement(self_assessment_responses(notes=notes))[
    ...     ["rank", "area_id", "n_improvement", "pct_improvement"]]
       rank area_id  n_improvement  pct_improvement
    0     1      A1              2            100.0
    1     2      A2              1             50.0
    """
    return _ranked(area_summary(responses, by=by, ci=ci), "pct_improvement", by)


def most_good_practice(responses: pd.DataFrame, *, by=None, ci: float = 0.95) -> pd.DataFrame:
    """Areas ranked by where there is most good practice (``pct_strength``; rank 1 = most).

    The mirror of :func:`scope_for_improvement`.
    """
    return _ranked(area_summary(responses, by=by, ci=ci), "pct_strength", by)


def area_themes(responses: pd.DataFrame, codebook="self_assessment", *, top: int | None = None,
                negation_window: int = NEGATION_WINDOW) -> pd.DataFrame:
    """Themes within each area's strengths and improvements.

    The substantive comments are coded with :func:`apply_codebook` (default: the bundled
    self-assessment codebook); ``n`` = respondents mentioning the theme in that area and
    aspect, ``N`` = respondents with a substantive comment there, percent with a Wilson
    interval; sorted by area, aspect, then ``n`` (largest first).  A respondent with
    several notes on the same area and aspect is coded on all of them and counted once.

    Parameters
    ----------
    responses : DataFrame
        From :func:`self_assessment_responses`.
    codebook : optional
        Anything :func:`load_codebook` accepts.
    top : int, optional
        Keep the ``top`` themes per area and aspect (themes with n = 0 are dropped).

    Returns
    -------
    DataFrame
        ``area_id``, ``area``, ``aspect``, ``theme``, ``n``, ``N``, ``percent``,
        ``ci_low``, ``ci_high``.
    """
    _check_responses(responses)
    require_columns(responses, ["text"], what="self-assessment responses")
    said = responses[responses["substantive"]].reset_index(drop=True)
    said = said.assign(_unit=said["respondent"] + "\x1f" + said["area_id"] + "\x1f"
                       + said["aspect"])
    # Several notes from one respondent on one area and aspect (an interviewer's notes often
    # come in pieces): code all of their text, but count the person once.
    joined = said.groupby("_unit", sort=False)["text"].agg(". ".join)
    said = said.drop_duplicates("_unit").reset_index(drop=True)
    said = said.assign(text=said["_unit"].map(joined))
    book = load_codebook(codebook)
    mentions = apply_codebook(said, book, unit=["_unit"], negation_window=negation_window)
    matrix, labels = _presence(said, mentions, respondent="_unit", level="theme",
                               codebook=book)
    codes, keys = _groups(said, ["area_order", "area_id", "area", "aspect"])
    n = _group_counts(matrix, codes, len(keys)).astype(np.int64)
    size = np.broadcast_to(np.bincount(codes, minlength=len(keys))[:, None], n.shape)
    wil = proportion_ci(n.ravel(), size.ravel())
    out = _long(keys, labels, "theme", {
        "n": n, "N": size, "percent": 100 * wil["proportion"].to_numpy().reshape(n.shape),
        "ci_low": 100 * wil["ci_low"].to_numpy().reshape(n.shape),
        "ci_high": 100 * wil["ci_high"].to_numpy().reshape(n.shape)})
    out = out.sort_values(["area_order", "aspect", "n"], ascending=[True, False, False],
                          kind="stable")
    if top is not None:
        out = out[out["n"] > 0].groupby(["area_id", "aspect"], sort=False).head(top)
    return out.drop(columns="area_order").reset_index(drop=True)


def area_quotes(responses: pd.DataFrame, *, codebook="self_assessment", areas=None, n: int = 1,
                random_state=0, max_chars: int | None = None,
                negation_window: int = NEGATION_WINDOW, placeholders=None) -> pd.DataFrame:
    """Example quotes for each engagement area and aspect, with personal details redacted.

    Rule: the substantive comments are coded with :func:`apply_codebook` (as in
    :func:`area_themes`); the comments with at least one non-negated mention are the
    candidates, so that a long quote can be shortened around words that matched.  For
    each area x aspect the distinct candidate texts are put in a random order drawn with
    ``numpy.random.default_rng(random_state)`` and the first ``n`` are taken, exactly as
    :func:`exemplar_quotes` does for themes: the same seed always gives the same quotes.
    Each note is a candidate of its own, so a respondent with two notes on one box has
    two.  Quotes pass through :func:`wellbeing_lib.privacy.redact_pii` (e-mails, phone
    and NHS numbers, postcodes, names after a title) *before* they are shortened to
    ``max_chars``.  Redaction is pattern-based: read quotes before publishing.

    Parameters
    ----------
    responses : DataFrame
        From :func:`self_assessment_responses`.
    codebook : optional, default "self_assessment"
        Anything :func:`load_codebook` accepts.
    areas : DataFrame or path, optional
        The areas table given to :func:`self_assessment_responses` (default
        :func:`engagement_areas`); supplies the published wording of each area.
    n : int, default 1
        Quotes per area and aspect (fewer if fewer comments were coded).
    random_state : int or numpy Generator, default 0
    max_chars : int, optional
        Shorten longer quotes (with "…") to a window around the first match.
    negation_window : int
        Passed to :func:`apply_codebook`.
    placeholders : dict, optional
        Passed to :func:`~wellbeing_lib.privacy.redact_pii`.

    Returns
    -------
    DataFrame
        ``area_id``, ``area`` (published wording), ``short_label``, ``aspect``, ``rank``
        (1..n), ``respondent``, ``quote`` (redacted), ``match`` (the words that matched)
        and ``redacted`` (True if anything was replaced); in area order, strengths before
        improvements.  An area x aspect with no coded comment has no row.

    Raises
    ------
    MissingColumnError
        ``responses`` lacks a column of :func:`self_assessment_responses`.
    InvalidValueError
        An ``area_id`` of ``responses`` not in ``areas``, or with another short label
        (pass the ``areas=`` used by :func:`self_assessment_responses`).

    Example
    -------
    >>> import pandas as pd
    >>> notes = read_notes_table(pd.DataFrame({
    ...     "respondent": ["T1", "T2", "T2"], "question": ["A1", "A1", "A2"],
    ...     "aspect": ["could be better", "could be better", "works well"],
    ...     "text": ["Ask Cllr Smith: too much jargon", "Papers are not published",
    ...              "The website is clear"]}))
    >>> q = area_quotes(self_assessment_responses(notes=notes), n=2)
    >>> q[["area_id", "aspect", "rank", "quote", "redacted"]]
      area_id       aspect  rank                        quote  redacted
    0      A1  improvement     1     Papers are not published     False
    1      A1  improvement     2  Ask [NAME]: too much jargon      True
    2      A2     strength     1         The website is clear     False
    """
    if not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"n must be a whole number >= 1, not {n!r}")
    _check_responses(responses)
    require_columns(responses, ["text"], what="self-assessment responses")
    table = _validated_areas(areas).set_index("area_id")
    said = responses[responses["substantive"].astype(bool).to_numpy()].reset_index(drop=True)
    ids = said["area_id"].astype("str")
    unknown = ~ids.isin(table.index).to_numpy()
    relabelled = np.zeros(len(said), dtype=bool)
    relabelled[~unknown] = (table["short_label"].reindex(ids[~unknown]).to_numpy()
                            != said["area"].to_numpy()[~unknown])
    for bad, problem in ((unknown, "area_id not in the areas table"),
                         (relabelled, "area label differs from the areas table")):
        if bad.any():
            raise InvalidValueError(
                problem, column="area_id" if bad is unknown else "area",
                expected="the areas= table given to self_assessment_responses",
                found=list(pd.unique(said.loc[bad, "area_id"])))
    said = said.assign(_row=np.arange(len(said)),
                       _label=ids + "\x1f" + said["aspect"].astype("str"))
    mentions = apply_codebook(said, load_codebook(codebook), unit=["_row"],
                              negation_window=negation_window)
    mentions["_label"] = said["_label"].to_numpy()[mentions["_row"].to_numpy()]
    aspect_rank = said["aspect"].map({"strength": 0, "improvement": 1}).fillna(2)
    order = said.assign(_a=aspect_rank).sort_values(["area_order", "_a"], kind="stable")[
        "_label"].unique()
    picked = _pick_quotes(said, mentions, unit_cols=["_row"], label="_label", order=order,
                          text="text", n=n, random_state=random_state, max_chars=max_chars,
                          placeholders=placeholders)
    rows = said.iloc[picked["_row"].to_numpy()].reset_index(drop=True)
    out = pd.DataFrame({
        "area_id": rows["area_id"].astype("str"),
        "area": table["area"].reindex(rows["area_id"]).astype("str").to_numpy(),
        "short_label": rows["area"].astype("str"),
        "aspect": rows["aspect"].astype("str"),
        "rank": picked["rank"].to_numpy(),
        "respondent": rows["respondent"],
        "quote": picked["quote"].to_numpy(),
        "match": picked["match"].to_numpy(),
        "redacted": picked["redacted"].to_numpy(),
    })
    out["_order"] = pd.Index(order).get_indexer(rows["_label"])
    return out.sort_values(["_order", "rank"], kind="stable").drop(columns="_order")\
        .reset_index(drop=True)


def compare_channels(responses: pd.DataFrame, *, channel: str = "channel", test: str = "auto",
                     p_adjust: str = "holm", alpha: float = 0.05,
                     ci: float = 0.95) -> pd.DataFrame:
    """Telephone vs online (or any channels): do they comment on areas at different rates?

    For every area and aspect, the share of respondents in each channel making a
    substantive comment is compared with the tests of :func:`compare_groups` (default
    ``"auto"``: Fisher's exact test for two channels when an expected count is below 5,
    as with 11 telephone interviews; otherwise chi-square), Holm-corrected over all
    area x aspect comparisons by default.

    Returns
    -------
    DataFrame
        ``area_id``, ``area``, ``aspect`` then the columns of :func:`compare_groups`
        (``percent_1``/``percent_2`` and the difference for two channels).
    """
    _check_responses(responses)
    require_columns(responses, [channel])
    people = responses.drop_duplicates("respondent")
    chan = pd.Index(sorted(pd.unique(people[channel].astype("str"))))
    size = people[channel].astype("str").value_counts().reindex(chan).to_numpy()
    said = responses[responses["substantive"]].drop_duplicates(
        ["respondent", "area_id", "aspect"])
    items = responses.drop_duplicates(["area_id", "aspect"]).sort_values(
        ["area_order", "aspect"], ascending=[True, False])[["area_id", "area", "aspect"]]
    item_index = pd.MultiIndex.from_frame(items[["area_id", "aspect"]])
    n = np.zeros((len(chan), len(items)))
    col = item_index.get_indexer(pd.MultiIndex.from_frame(said[["area_id", "aspect"]]))
    np.add.at(n, (chan.get_indexer(said[channel].astype("str")), col), 1)
    tests = _compare_counts(n, size, list(chan), test=test, p_adjust=p_adjust, alpha=alpha,
                            ci=ci)
    return pd.concat([items.reset_index(drop=True), tests], axis=1)


# =====================================================================================
# Plots (matplotlib/seaborn imported inside; data first, ax=, return the Axes)
# =====================================================================================
def _new_axes(ax, size=(7, 4)):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


def plot_representation(data: pd.DataFrame, *, y: str = "category", x: str = "ratio",
                        low: str = "ratio_ci_low", high: str = "ratio_ci_high",
                        threshold: float | None = None, ax=None,
                        title: str = "Representation of the population in the sample"):
    """Dot plot of representation ratios with their CIs (output of :func:`representation`).

    A solid line marks parity (1) and a dashed line the under-representation threshold
    (default: the one used by :func:`representation`).  Under-represented categories are
    drawn in NHS dark pink.  Labels are "variable: category" when there is a
    ``variable`` column.

    Returns
    -------
    matplotlib Axes
    """
    from .reporting.palette import NHS_BLUE, NHS_PALETTE

    require_columns(data, [y, x, low, high])
    ax = _new_axes(ax, (7, max(3.0, 0.35 * len(data) + 1)))
    labels = (data["variable"].astype(str) + ": " + data[y].astype(str)
              if "variable" in data.columns and y != "variable" else data[y].astype(str))
    pos = np.arange(len(data))[::-1]
    threshold = data.attrs.get("threshold", UNDER_REPRESENTED) if threshold is None \
        else threshold
    under = data[x].to_numpy(dtype=float) < threshold
    colours = np.where(under, NHS_PALETTE[5], NHS_BLUE)
    xv = data[x].to_numpy(dtype=float)
    err = np.vstack([xv - data[low].to_numpy(dtype=float), data[high].to_numpy(dtype=float) - xv])
    ax.errorbar(xv, pos, xerr=err, fmt="none", ecolor="#768692", capsize=3, zorder=1)
    ax.scatter(xv, pos, c=colours, zorder=2)
    ax.axvline(1.0, color="black", linewidth=1)
    ax.axvline(threshold, color=NHS_PALETTE[5], linestyle="--", linewidth=1,
               label=f"under-represented (< {threshold:g})")
    ax.set_yticks(pos, labels)
    ax.set_xlabel("Representation ratio (sample share / population share)")
    ax.set_title(title)
    ax.legend(loc="lower right", fontsize="small")
    return ax


def plot_theme_heatmap(data: pd.DataFrame, *, x: str, y: str = "theme", value: str = "percent",
                       annot: bool = True, fmt: str = ".0f", cmap: str = "Blues", ax=None,
                       title: str = "Themes by group", cbar_label: str = "% of respondents"):
    """Heatmap of theme x group percentages (output of :func:`theme_frequency` with ``by``).

    Suppressed (missing) cells are left blank.

    Returns
    -------
    matplotlib Axes
    """
    import seaborn as sns

    require_columns(data, [x, y, value])
    wide = data.pivot_table(index=y, columns=x, values=value, aggfunc="first", sort=False,
                            dropna=False).astype(float)
    ax = _new_axes(ax, (1.2 * wide.shape[1] + 4, 0.35 * wide.shape[0] + 1.5))
    sns.heatmap(wide, annot=annot, fmt=fmt, cmap=cmap, ax=ax, vmin=0,
                cbar_kws={"label": cbar_label})
    ax.set_xlabel(x.replace("_", " ").capitalize())
    ax.set_ylabel(y.replace("_", " ").capitalize())
    ax.set_title(title)
    return ax


def plot_diverging_bars(data: pd.DataFrame, *, y: str = "area",
                        negative: str = "pct_improvement", positive: str = "pct_strength",
                        labels: tuple[str, str] = ("What could be better", "What works well"),
                        xlabel: str = "% of respondents", ax=None,
                        title: str = "Strengths and improvements by area"):
    """Diverging horizontal bars: ``negative`` to the left of zero, ``positive`` to the right.

    Made for :func:`area_summary` (improvement comments left, strengths right) but works
    for any two non-negative columns.  Rows are drawn top to bottom in the table's order.

    Returns
    -------
    matplotlib Axes

    Example
    -------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"area": ["A", "B"], "pct_improvement": [40, 10],
    ...                   "pct_strength": [20, 60]})
    >>> ax = plot_diverging_bars(t)
    >>> [round(p.get_width()) for p in ax.patches]
    [-40, -10, 20, 60]
    """
    from .reporting.palette import NHS_BLUE, NHS_PALETTE

    require_columns(data, [y, negative, positive])
    ax = _new_axes(ax, (8, max(3.0, 0.45 * len(data) + 1)))
    pos = np.arange(len(data))[::-1]
    neg = data[negative].to_numpy(dtype=float)
    pos_vals = data[positive].to_numpy(dtype=float)
    ax.barh(pos, -neg, color=NHS_PALETTE[5], label=labels[0])
    ax.barh(pos, pos_vals, color=NHS_BLUE, label=labels[1])
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(pos, data[y].astype(str))
    limit = np.nanmax(np.concatenate([neg, pos_vals, [1.0]])) * 1.1
    ax.set_xlim(-limit, limit)
    ticks = ax.get_xticks()
    ax.set_xticks(ticks, [f"{abs(t):g}" for t in ticks])
    ax.set_xlim(-limit, limit)
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    ax.legend(loc="lower right", fontsize="small")
    return ax


def plot_cooccurrence(data: pd.DataFrame, *, value: str = "jaccard", level: str = "theme",
                      mask_diagonal: bool = True, cmap: str = "Purples", ax=None,
                      title: str = "Themes mentioned together"):
    """Heatmap of theme co-occurrence (output of :func:`theme_cooccurrence`).

    ``value="jaccard"`` (default; 0-1) or ``"n_both"`` (respondents).  The diagonal is
    hidden by default (a theme always co-occurs with itself).

    Returns
    -------
    matplotlib Axes
    """
    import seaborn as sns

    a, b = f"{level}_a", f"{level}_b"
    require_columns(data, [a, b, value])
    wide = data.pivot_table(index=a, columns=b, values=value, aggfunc="first", sort=False)
    wide = wide.astype(float)
    mask = np.eye(len(wide), dtype=bool) if mask_diagonal and wide.shape[0] == wide.shape[1] \
        else None
    ax = _new_axes(ax, (0.45 * len(wide) + 4, 0.4 * len(wide) + 2))
    label = "Jaccard index (both / either)" if value == "jaccard" else "Respondents (n)"
    sns.heatmap(wide, mask=mask, cmap=cmap, ax=ax, vmin=0, cbar_kws={"label": label},
                square=True)
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_title(title)
    return ax
