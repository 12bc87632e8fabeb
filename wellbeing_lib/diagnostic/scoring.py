"""Scoring and the system view: per organisation x element scores, then the system picture.

:func:`score_diagnostic` gives each organisation's completeness, mean maturity and
share at each level per element; :func:`system_summary` sets the organisations side
by side per element: the system median and spread, widespread strengths and gaps, and
which organisation could help which (peer learning).

Example
-------
>>> import pandas as pd
>>> answers = pd.DataFrame({
...     "organisation": ["Trust A", "Trust A", "Trust B"],
...     "question_id": ["ENV-01", "ENV-02", "ENV-01"],
...     "answer": ["Embedded", 4, "planning"]})
>>> scores = score_diagnostic(answers)
>>> scores.loc[scores["element"] == "Environment",
...            ["organisation", "n_questions", "n_answered", "mean_maturity"]]
   organisation  n_questions  n_answered  mean_maturity
4       Trust A            9           2            3.5
11      Trust B            9           1            1.0
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..validation import check_numeric, require_columns
from ._backend import score_counts
from ._common import _EPS, _check_number, _positions, _slug
from .answers import Diagnostic, read_diagnostic_csv

__all__ = [
    "score_diagnostic",
    "SystemSummary",
    "system_summary",
    "STRENGTH_THRESHOLD",
    "GAP_THRESHOLD",
    "VARIATION_THRESHOLD",
    "MIN_COMPLETENESS",
]

#: default thresholds of :func:`system_summary`, in points of the default scale
STRENGTH_THRESHOLD = 3.0  # system median at or above "Embedded"
GAP_THRESHOLD = 1.0  # system median at or below "Planning"
VARIATION_THRESHOLD = 2.0  # an organisation two levels above the system median
MIN_COMPLETENESS = 50.0  # % of an element's questions answered to count in the system view


# ------------------------------------------------------------------ scores
def score_diagnostic(data, *, scale=None) -> pd.DataFrame:
    """Score each organisation on each element: completeness, mean maturity, levels.

    Parameters
    ----------
    data : Diagnostic, table, str or Path
        The result of :func:`read_diagnostic_csv`, or anything it accepts (which
        is then validated first): a pandas, polars or pyarrow table, a polars LazyFrame,
        a DuckDB relation or a PySpark DataFrame.  The answers are aggregated where they
        live (one aggregate, the same on every backend); only the per organisation x
        element counts are collected.
    scale : optional
        The maturity scale, when ``data`` is not already a :class:`Diagnostic`
        (which carries its own).

    Returns
    -------
    DataFrame
        pandas, one row per organisation x element (organisations in order of first
        appearance - for a lazy table, of ``file_line``, else by name -, elements in
        framework order; every element appears even when
        nothing was answered): ``organisation``, ``element``, ``n_questions``,
        ``n_answered``, ``completeness_pct`` = 100 x n_answered / n_questions,
        ``mean_maturity`` = mean points of the answered questions, and
        ``pct_<label>`` for each scale level (``pct_not_started`` ...
        ``pct_exemplary``) = 100 x answered questions at that level / n_answered,
        so the levels sum to 100.  With nothing answered, ``mean_maturity`` and the
        ``pct_`` columns are NaN (there is nothing to average) and
        ``completeness_pct`` is 0.

    Notes
    -----
    The mean treats the levels as equally spaced points, as the default scale
    does; with a custom scale the points carry the spacing.  Read the mean next to
    the completeness: a mean from 2 of 9 questions says little.

    Example
    -------
    >>> import pandas as pd
    >>> answers = pd.DataFrame({
    ...     "organisation": ["Trust A"] * 3,
    ...     "question_id": ["DAT-01", "DAT-02", "DAT-03"],
    ...     "answer": ["Embedded", "Planning", 3]})
    >>> s = score_diagnostic(answers)
    >>> s.loc[s["element"] == "Data insights",
    ...       ["n_answered", "completeness_pct", "mean_maturity", "pct_planning", "pct_embedded"]]
       n_answered  completeness_pct  mean_maturity  pct_planning  pct_embedded
    5           3              37.5       2.333333     33.333333     66.666667
    """
    if isinstance(data, Diagnostic):
        if scale is not None:
            raise ValueError(
                "data is already a Diagnostic with its own scale; pass scale= to "
                "read_diagnostic_csv instead"
            )
        diag = data
    else:
        diag = read_diagnostic_csv(data, scale=scale)
    scale = diag.scale
    q = diag.questions
    orgs = diag.completeness["organisation"].to_numpy()
    element_order = pd.unique(q["element"])
    labels = scale["label"].tolist()
    # aggregated where the answers live (any backend); one row per organisation x element
    known = diag._counts[1] if diag._counts and diag._counts[0] is diag.answers else None
    sizes, answered, means, counts = _frame_counts(diag.answers, orgs, q, element_order,
                                                   scale, known)
    out = pd.DataFrame({
        "organisation": np.repeat(orgs, len(element_order)),
        "element": np.tile(np.asarray(element_order, dtype=object), len(orgs)),
        "n_questions": sizes,
        "n_answered": answered,
    })
    out["completeness_pct"] = 100 * out["n_answered"] / out["n_questions"]
    out["mean_maturity"] = means
    denom = out["n_answered"].where(out["n_answered"] > 0)
    for j, label in enumerate(labels):
        out[f"pct_{_slug(label)}"] = 100 * pd.Series(counts[:, j]).astype("float64") / denom
    out["organisation"] = out["organisation"].astype(str)
    out["element"] = out["element"].astype(str)
    return out


def _frame_counts(answers, orgs, q: pd.DataFrame, element_order, scale: pd.DataFrame,
                  known=None):
    """The counts behind :func:`score_diagnostic` from the answers (any backend): one
    aggregate where they live (:func:`~wellbeing_lib.diagnostic._backend.score_counts`),
    the grid filled here."""
    n_orgs, n_e, n_l = len(orgs), len(element_order), len(scale)
    per_element = q.groupby("element", sort=False).size().reindex(element_order).to_numpy()
    found = score_counts(answers, scale, q, known)
    at = (_positions(found["organisation"], orgs) * n_e
          + _positions(found["element"], element_order))
    answered = np.zeros(n_orgs * n_e, dtype=np.int64)
    answered[at] = found["n_answered"].to_numpy(dtype=np.int64)
    means = np.full(n_orgs * n_e, np.nan)
    means[at] = found["mean"].to_numpy(dtype="float64")
    counts = np.zeros((n_orgs * n_e, n_l), dtype=np.int64)
    counts[at] = found[[f"__l{j}" for j in range(n_l)]].to_numpy(dtype=np.int64)
    return np.tile(per_element, n_orgs).astype(np.int64), answered, means, counts


# ------------------------------------------------------------------ system view
@dataclass(frozen=True, eq=False)
class SystemSummary:
    """The system view of :func:`system_summary`.

    Attributes
    ----------
    elements : DataFrame
        One row per element (see :func:`system_summary`); the main table, also given
        by :meth:`to_frame`.
    pairings : DataFrame
        The peer-learning table: one row per element x strong organisation.
    strength_threshold, gap_threshold, variation_threshold, min_completeness : float
        The thresholds used; :attr:`thresholds` gives them as one mapping.

    Example
    -------
    >>> import pandas as pd
    >>> s = system_summary(pd.DataFrame({
    ...     "organisation": ["A", "B"], "element": "Environment",
    ...     "completeness_pct": 100.0, "mean_maturity": [3.0, 2.0]}), gap_threshold=0.5)
    >>> s.to_frame()[["element", "n_organisations", "median"]]
           element  n_organisations  median
    0  Environment                2     2.5
    >>> s.thresholds["gap_threshold"], s.strength_threshold
    (0.5, 3.0)
    """

    elements: pd.DataFrame
    pairings: pd.DataFrame
    strength_threshold: float = STRENGTH_THRESHOLD
    gap_threshold: float = GAP_THRESHOLD
    variation_threshold: float = VARIATION_THRESHOLD
    min_completeness: float = MIN_COMPLETENESS

    @property
    def thresholds(self) -> dict:
        """The thresholds used, by name (a new dict on each call)."""
        return {
            "strength_threshold": self.strength_threshold, "gap_threshold": self.gap_threshold,
            "variation_threshold": self.variation_threshold,
            "min_completeness": self.min_completeness,
        }

    def to_frame(self) -> pd.DataFrame:
        """The per-element system table (:attr:`elements`)."""
        return self.elements


def system_summary(
    scores: pd.DataFrame,
    *,
    strength_threshold: float = STRENGTH_THRESHOLD,
    gap_threshold: float = GAP_THRESHOLD,
    variation_threshold: float = VARIATION_THRESHOLD,
    min_completeness: float = MIN_COMPLETENESS,
) -> SystemSummary:
    """System picture per element: median and spread, shared strengths and gaps, peer learning.

    Parameters
    ----------
    scores : DataFrame
        The output of :func:`score_diagnostic` (columns ``organisation``,
        ``element``, ``completeness_pct``, ``mean_maturity``).
    strength_threshold : float, default 3.0
        Widespread strength when the system median is at or above it (3 =
        "Embedded" on the default scale).
    gap_threshold : float, default 1.0
        Widespread gap when the system median is at or below it (1 = "Planning").
    variation_threshold : float, default 2.0
        An organisation whose mean is at least this many points above the element's
        system median is *strong*; the element is flagged ``high_variation`` and
        the organisation is paired with the organisations at least this many points
        below it (its *weak* partners).
    min_completeness : float, default 50.0
        Organisation x element scores with less than this % of the element's
        questions answered are left out of the system view (and counted in
        ``n_excluded``), so a mean from one question does not move the picture.

    Returns
    -------
    SystemSummary
        ``.elements``: one row per element (order of ``scores``) with
        ``n_organisations`` (scores included), ``n_excluded``, ``median``, ``q1``,
        ``q3``, ``iqr``, ``min``, ``max``, ``widespread_strength``,
        ``widespread_gap``, ``high_variation``, ``n_strong``.
        ``.pairings``: ``element``, ``strong_organisation``, ``strong_mean``,
        ``system_median``, ``n_weak``, ``weak_organisations`` (``"; "``-joined,
        weakest first).

    Notes
    -----
    Quartiles use linear interpolation between order statistics (numpy's default,
    the same as Excel's ``QUARTILE.INC``).  The thresholds are in points of the
    scale used: with a custom scale, set them to match it.  Comparisons allow a
    tolerance of 1e-9 because means of whole numbers are not exact in binary.

    Example
    -------
    >>> import pandas as pd
    >>> scores = pd.DataFrame({
    ...     "organisation": ["A", "B", "C", "D"], "element": "Environment",
    ...     "completeness_pct": 100.0, "mean_maturity": [3.5, 1.0, 1.5, 0.5]})
    >>> s = system_summary(scores)
    >>> s.elements[["element", "n_organisations", "median", "iqr", "widespread_gap",
    ...             "high_variation"]]
           element  n_organisations  median    iqr  widespread_gap  high_variation
    0  Environment                4    1.25  1.125           False            True
    >>> s.pairings[["element", "strong_organisation", "strong_mean", "weak_organisations"]]
           element strong_organisation  strong_mean weak_organisations
    0  Environment                   A          3.5            D; B; C
    """
    require_columns(scores, ["organisation", "element", "completeness_pct", "mean_maturity"],
                    what="diagnostic scores")
    for name, value in (("strength_threshold", strength_threshold),
                        ("gap_threshold", gap_threshold),
                        ("variation_threshold", variation_threshold),
                        ("min_completeness", min_completeness)):
        _check_number(name, value)
    if gap_threshold >= strength_threshold:
        raise ValueError(
            f"gap_threshold ({gap_threshold}) must be below strength_threshold "
            f"({strength_threshold})"
        )
    if variation_threshold <= 0:
        raise ValueError(f"variation_threshold must be above 0; got {variation_threshold}")
    values = check_numeric(scores, ["completeness_pct", "mean_maturity"])

    element_order = pd.unique(scores["element"])
    frame = pd.DataFrame({
        "organisation": scores["organisation"],
        "element": pd.Categorical(scores["element"], categories=element_order),
        "completeness_pct": values["completeness_pct"],
        "mean_maturity": values["mean_maturity"],
    })
    keep = (frame["completeness_pct"] >= min_completeness - _EPS) & frame["mean_maturity"].notna()
    used = frame[keep]
    g = used.groupby("element", observed=False, sort=True)["mean_maturity"]
    out = pd.DataFrame({
        "n_organisations": g.count(),
        "n_excluded": frame[~keep].groupby("element", observed=False, sort=True).size(),
        "median": g.median(),
        "q1": g.quantile(0.25),
        "q3": g.quantile(0.75),
        "min": g.min(),
        "max": g.max(),
    })
    out.insert(4, "iqr", out["q3"] - out["q1"])
    out["widespread_strength"] = out["median"] >= strength_threshold - _EPS
    out["widespread_gap"] = out["median"] <= gap_threshold + _EPS

    medians = used["element"].map(out["median"]).astype("float64")
    strong = used[used["mean_maturity"] >= medians + variation_threshold - _EPS]
    out["n_strong"] = strong.groupby("element", observed=False, sort=True).size()
    out["high_variation"] = out["n_strong"] > 0
    out = out.reset_index()
    out["element"] = out["element"].astype(str)
    out = out[["element", "n_organisations", "n_excluded", "median", "q1", "q3", "iqr", "min",
               "max", "widespread_strength", "widespread_gap", "high_variation", "n_strong"]]

    pairs = strong.merge(used, on="element", suffixes=("_strong", "_weak"))
    pairs = pairs[pairs["mean_maturity_weak"]
                  <= pairs["mean_maturity_strong"] - variation_threshold + _EPS]
    pairs = pairs.sort_values(["element", "mean_maturity_strong", "mean_maturity_weak"],
                              ascending=[True, False, True], kind="stable")
    gp = pairs.groupby(["element", "organisation_strong"], observed=True, sort=False)
    pairings = pd.DataFrame({
        "strong_mean": gp["mean_maturity_strong"].first(),
        "n_weak": gp.size(),
        "weak_organisations": gp["organisation_weak"].agg(lambda s: "; ".join(map(str, s))),
    }).reset_index().rename(columns={"organisation_strong": "strong_organisation"})
    pairings["element"] = pairings["element"].astype(str)
    pairings.insert(3, "system_median", pairings["element"].map(
        out.set_index("element")["median"]).astype("float64"))
    pairings = pairings[["element", "strong_organisation", "strong_mean", "system_median",
                         "n_weak", "weak_organisations"]]
    return SystemSummary(elements=out, pairings=pairings,
                         strength_threshold=strength_threshold, gap_threshold=gap_threshold,
                         variation_threshold=variation_threshold,
                         min_completeness=min_completeness)


