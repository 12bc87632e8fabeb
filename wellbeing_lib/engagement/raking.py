"""Raking: respondent weights that reproduce population margins, and weighted prevalence.

:func:`rake` is iterative proportional fitting (Deming & Stephan 1940) with optional
trimming, returning a :class:`RakeResult` (``weights`` and :class:`RakeDiagnostics`: Kish
design effect, effective n, per-margin errors).  :func:`weighted_prevalence` uses the
weights for theme prevalence with Wilson intervals on the effective n.

Example
-------
>>> import pandas as pd
>>> df = pd.DataFrame({"sex": ["M", "M", "F"], "age": ["young", "old", "old"]})
>>> result = rake(df, {"sex": {"M": 0.5, "F": 0.5}})
>>> result.to_frame()
   weight
0    0.75
1    0.75
2    1.50
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import ConvergenceError, InvalidValueError
from ..validation import (
    DEFAULT_CI,
    check_ci,
    check_labels,
    check_numeric,
    check_unique,
    error_location,
    require_columns,
)
from ._common import _as_text, _categories, _value_column, _weights, _wilson
from ._mentions import _group_counts, _groups, _long, _presence, _suppress

__all__ = ["RakeDiagnostics", "RakeResult", "rake", "weighted_prevalence"]


@dataclass(frozen=True, eq=False)
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
    margins: pd.DataFrame = field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        """The scalar diagnostics as a one-row table."""
        return pd.DataFrame([{k: getattr(self, k) for k in (
            "iterations", "converged", "max_margin_error", "tol", "design_effect",
            "effective_n", "n", "n_trimmed", "weight_min", "weight_max")}])



@dataclass(frozen=True, eq=False)
class RakeResult:
    """What :func:`rake` returns: the ``weights`` and how raking went (``diagnostics``).

    ``to_frame()`` gives the weights as a table.

    Attributes
    ----------
    weights : Series
        Named ``weight``, aligned with (indexed like) the data.
    diagnostics : RakeDiagnostics
    """

    weights: pd.Series
    diagnostics: RakeDiagnostics

    def to_frame(self) -> pd.DataFrame:
        """The weights as a one-column table (``weight``), indexed like the data."""
        return self.weights.to_frame()


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



def _check_rake_args(data, max_iter, tol, trim) -> None:
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


def _checked_margins(margins, data: pd.DataFrame, normalize: bool) -> tuple[pd.DataFrame, list]:
    """The margins as a validated tidy table (variable, category as text, target) and the
    margin variables, which must be columns of ``data`` with equal totals."""
    table = _margins_table(margins)
    table["variable"] = table["variable"].astype("str")
    table["category"] = _as_text(table["category"].astype("object"))
    targets = check_numeric(table, ["target"], low=0, allow_missing=False)["target"]
    table["target"] = targets.to_numpy()
    check_labels(table, ["category"], "margin category")
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
    return table, variables


def _base_weights(data: pd.DataFrame, base_weight) -> np.ndarray:
    """The starting weights: 1 for everyone, or the positive ``base_weight``."""
    base = _weights(data, base_weight, "base_weight")
    if base is None:
        return np.ones(len(data))
    if (base <= 0).any():
        bad = base <= 0
        raise InvalidValueError("base weight must be positive", column="base_weight",
                                expected="weights > 0", found=list(base[bad][:5]),
                                **error_location(data, data.index[bad]))
    return base.copy()


def _margin_specs(data: pd.DataFrame, table: pd.DataFrame, variables: list) -> list[tuple]:
    """(variable, categories, each respondent's category code, target shares) per margin;
    every respondent needs a category, every category with a target some respondents."""
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
    return specs


def _fit(w: np.ndarray, specs: list, *, max_iter: int, tol: float, trim) -> tuple:
    """Iterative proportional fitting of ``w`` in place: (iterations, largest margin error,
    weights at a trimming bound); ConvergenceError if ``tol`` is not reached."""

    def margin_error(weights):
        grand = weights.sum()
        return max(float(np.abs(np.bincount(c, weights=weights, minlength=len(s)) / grand
                                - s).max()) for _, _, c, s in specs)

    converged, error, iteration = False, np.inf, 0
    at_bound = np.zeros(len(w), dtype=bool)
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
    return iteration, error, int(at_bound.sum())


def _margin_report(specs: list, start: np.ndarray, w: np.ndarray) -> pd.DataFrame:
    """Per variable and category: n, target, sample (base-weighted) and weighted percent."""
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
    return margin_table


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
        ``.weights`` (a Series named ``weight`` aligned with ``data``) and
        ``.diagnostics`` (a :class:`RakeDiagnostics`).

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
    >>> raked = rake(df, {"sex": {"M": 0.5, "F": 0.5}, "age": {"young": 0.3, "old": 0.7}})
    >>> raked.weights.round(2).tolist()
    [0.45, 0.45, 1.05, 1.05, 0.9, 2.1]
    >>> diag = raked.diagnostics
    >>> diag.iterations, diag.converged, round(diag.design_effect, 3)
    (1, True, 1.305)
    """
    _check_rake_args(data, max_iter, tol, trim)
    table, variables = _checked_margins(margins, data, normalize)
    w = _base_weights(data, base_weight)
    specs = _margin_specs(data, table, variables)
    start = w.copy()
    iteration, error, n_trimmed = _fit(w, specs, max_iter=max_iter, tol=tol, trim=trim)
    target_total = float(start.sum()) if total is None else float(total)
    w *= target_total / w.sum()
    deff = len(w) * (w**2).sum() / w.sum() ** 2
    diagnostics = RakeDiagnostics(
        iterations=iteration, converged=True, max_margin_error=float(error), tol=tol,
        design_effect=float(deff), effective_n=float(len(w) / deff), n=len(w),
        n_trimmed=n_trimmed, weight_min=float(w.min()), weight_max=float(w.max()),
        margins=_margin_report(specs, start, w),
    )
    return RakeResult(pd.Series(w, index=data.index, name="weight"), diagnostics)


def weighted_prevalence(data: pd.DataFrame, mentions: pd.DataFrame, *, weights, by=None,
                        respondent: str = "respondent", level: str = "theme", codebook=None,
                        ci: float = DEFAULT_CI, suppress=False) -> pd.DataFrame:
    """Theme prevalence with respondent weights (e.g. from :func:`rake`).

    ``data``, ``mentions``, ``by``, ``respondent``, ``level`` and ``codebook`` are as in
    :func:`~wellbeing_lib.engagement.theme_frequency`; ``weights`` is a column of
    ``data``, or one value per row of it.

    ``weighted_percent = 100 Σ_i w_i x_i / Σ_i w_i`` over the respondents of each group
    (x_i = 1 if respondent i mentions the theme).  The interval is the Wilson interval
    with Kish's effective sample size ``n_eff = (Σw)² / Σw²`` of the group in place of
    N - an approximation that ignores the estimation of the weights themselves.

    With ``suppress`` (True, or a dict of settings) the unweighted counts ``n`` and ``N``
    are published (:func:`wellbeing_lib.privacy.suppress_rows`: 1-7 withheld, others
    rounded to 5) and ``percent`` is recomputed from the rounded counts, so that it gives
    back no unrounded count; the weighted estimates are kept (they are not counts) except
    where ``n`` is withheld.

    Returns
    -------
    DataFrame
        The ``by`` columns, ``theme``, ``n`` (unweighted respondents mentioning), ``N``,
        ``percent`` (unweighted), ``weighted_percent``, ``effective_n``, ``ci_low``,
        ``ci_high`` (of the weighted percent).

    Example
    -------
    >>> import pandas as pd
    >>> from wellbeing_lib.engagement import apply_codebook
    >>> data = pd.DataFrame({"respondent": [1, 2, 3, 4],
    ...                      "text": ["lonely", "lonely", "my job", "my family"]})
    >>> out = weighted_prevalence(data, apply_codebook(data), weights=[0.5, 0.5, 1.5, 1.5])
    >>> out.loc[out["theme"] == "Loneliness",
    ...         ["theme", "n", "percent", "weighted_percent", "effective_n"]]
            theme  n  percent  weighted_percent  effective_n
    1  Loneliness  2     50.0              25.0          3.2
    """
    check_ci(ci)
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
    out = out.drop(columns=[c for c in out.columns if c == "index"])
    if not suppress:
        return out
    out = _suppress(out, suppress, ["n", "N"],
                    ["percent", "weighted_percent", "effective_n", "ci_low", "ci_high"])
    with np.errstate(invalid="ignore", divide="ignore"):
        return out.assign(percent=(100 * out["n"] / out["N"]).astype(float))

