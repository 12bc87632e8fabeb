"""Findings: each organisation against the system, and its positives and gaps in plain words.

:func:`org_profile` sets an organisation's element scores beside the system median
and quartiles; :func:`diagnostic_findings` turns the scores, the system view, the
triangulation, the evidence gaps and the staging into the list of positives and
gaps one ICS lead wrote by hand for each organisation.

Example
-------
>>> FINDING_BASES[:3]
('self-assessment', 'system comparison', 'peer learning')
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InvalidValueError
from ..validation import check_numeric, require_columns
from ._common import _EPS, _fmt
from .framework import maturity_scale
from .scoring import MIN_COMPLETENESS, SystemSummary, system_summary

__all__ = [
    "org_profile",
    "diagnostic_findings",
    "EVIDENCE_FOCUS",
    "MEDIAN_MARGIN",
    "FINDING_BASES",
]

#: staff groups whose absence from the evidence is reported as a gap by default (Mid and South
#: Essex found little evidence about Agenda for Change bands 2-4)
EVIDENCE_FOCUS = ("AfC 2-4", "Bank/temporary")
#: how far from the system median (in points) an element counts as above or below it
MEDIAN_MARGIN = 0.5
FINDING_BASES = ("self-assessment", "system comparison", "peer learning", "triangulation",
                 "completeness", "evidence", "staging")


def org_profile(scores: pd.DataFrame, organisation=None, *,
                min_completeness: float = MIN_COMPLETENESS) -> pd.DataFrame:
    """An organisation's element profile against the system (or every organisation's).

    Parameters
    ----------
    scores : DataFrame
        :func:`score_diagnostic` output.
    organisation : str, optional
        One organisation; default all of them (one block per organisation).
    min_completeness : float, default 50
        As :func:`system_summary`: the system statistics use only organisation x
        element scores at least this complete, and an organisation's own score
        below it is shown but marked ``too few answers``.

    Returns
    -------
    DataFrame
        One row per organisation x element: ``organisation``, ``element``,
        ``n_answered``, ``completeness_pct``, ``mean_maturity``, ``system_median``,
        ``system_q1``, ``system_q3``, ``n_organisations`` (in the system view),
        ``difference`` = mean - system median, ``rank`` (1 = highest mean among the
        organisations in the system view; ties share the best rank) and
        ``position`` ("above the system median", "below ...", "at ...", or "too
        few answers").

    Example
    -------
    >>> import pandas as pd
    >>> scores = pd.DataFrame({"organisation": ["A", "B", "C"], "element": "Environment",
    ...     "n_answered": 9, "completeness_pct": 100.0, "mean_maturity": [3.5, 1.0, 2.0]})
    >>> org_profile(scores, "A")[["mean_maturity", "system_median", "difference", "rank",
    ...                           "position"]]
       mean_maturity  system_median  difference  rank                 position
    0            3.5            2.0         1.5     1  above the system median
    """
    require_columns(scores, ["organisation", "element", "completeness_pct", "mean_maturity"],
                    what="diagnostic scores")
    summary = system_summary(scores, min_completeness=min_completeness)
    values = check_numeric(scores, ["completeness_pct", "mean_maturity"])
    out = pd.DataFrame({
        "organisation": scores["organisation"].astype("str"),
        "element": scores["element"].astype("str"),
        "n_answered": (scores["n_answered"] if "n_answered" in scores.columns
                       else pd.Series(pd.NA, index=scores.index, dtype="Int64")),
        "completeness_pct": values["completeness_pct"],
        "mean_maturity": values["mean_maturity"],
    })
    el = summary.elements.set_index("element")
    out["system_median"] = out["element"].map(el["median"]).astype("float64")
    out["system_q1"] = out["element"].map(el["q1"]).astype("float64")
    out["system_q3"] = out["element"].map(el["q3"]).astype("float64")
    out["n_organisations"] = out["element"].map(el["n_organisations"]).astype("int64")
    included = (out["completeness_pct"] >= min_completeness - _EPS) & out["mean_maturity"].notna()
    out["difference"] = (out["mean_maturity"] - out["system_median"]).where(included)
    ranks = out["mean_maturity"].where(included).groupby(out["element"]).rank(
        ascending=False, method="min")
    out["rank"] = pd.array(ranks.round().to_numpy(), dtype="Int64")
    d = out["difference"].round(9)
    out["position"] = pd.Series(np.select(
        [~included, d > 0, d < 0], ["too few answers", "above the system median",
                                    "below the system median"],
        default="at the system median"), index=out.index, dtype="str")
    if organisation is not None:
        mine = out["organisation"] == str(organisation)
        if not mine.any():
            raise InvalidValueError(
                "unknown organisation", column="organisation", found=[organisation],
                expected="one of " + "; ".join(pd.unique(out["organisation"])[:10]))
        out = out[mine]
    return out.reset_index(drop=True)


def _threshold_text(value: float, scale: pd.DataFrame) -> str:
    hit = scale.loc[np.isclose(scale["points"].astype(float), value), "label"]
    return str(hit.iloc[0]) if len(hit) else f"{value:g} points"


def diagnostic_findings(
    scores: pd.DataFrame,
    *,
    summary: SystemSummary | None = None,
    triangulation: pd.DataFrame | None = None,
    gaps: pd.DataFrame | None = None,
    staging: pd.DataFrame | None = None,
    margin: float = MEDIAN_MARGIN,
    scale=None,
) -> pd.DataFrame:
    """Positives and gaps for every organisation, each with its basis, in plain words.

    This is the summary one ICS lead wrote by hand for each organisation.  Rules
    (thresholds from ``summary.thresholds``, default :func:`system_summary`):

    Positives
        *self-assessment*: element mean at or above the strength threshold (3,
        "Embedded"); *system comparison*: at least ``margin`` above the system
        median; *peer learning*: a strong organisation in ``summary.pairings``;
        *triangulation*: the self-assessment is positive and the other sources
        agree (code agreement).
    Gaps
        *self-assessment*: element mean at or below the gap threshold (1,
        "Planning"); *system comparison*: at least ``margin`` below the median;
        *completeness*: questions not answered; *evidence*: organisation rows of
        ``gaps`` (:func:`evidence_gaps`); *triangulation*: code dissonance (the
        sentence says who disagrees); *staging*: an element due and unfinished
        (``staging`` from :func:`staging_progress`).

    Parameters
    ----------
    scores : DataFrame
        :func:`score_diagnostic` output.
    summary : SystemSummary, optional
        Default ``system_summary(scores)``.
    triangulation, gaps, staging : DataFrame, optional
        :func:`triangulate`, :func:`evidence_gaps` and :func:`staging_progress`
        outputs; their findings are left out when not given.
    margin : float, default 0.5
        Points from the system median that count as above or below it.
    scale : optional
        The maturity scale (default 0-4), for naming the thresholds.

    Returns
    -------
    DataFrame
        ``organisation``, ``finding`` ("positive" or "gap"), ``element``,
        ``basis`` (one of :data:`FINDING_BASES`) and ``message``; sorted by
        organisation (order of ``scores``), positives first, element and basis.

    Example
    -------
    >>> import pandas as pd
    >>> scores = pd.DataFrame({"organisation": ["A", "B", "C"], "element": "Environment",
    ...     "n_questions": 9, "n_answered": [9, 9, 6], "completeness_pct": [100, 100, 66.7],
    ...     "mean_maturity": [3.5, 1.0, 2.0]})
    >>> f = diagnostic_findings(scores)
    >>> f[["organisation", "finding", "basis"]]
      organisation   finding              basis
    0            A  positive    self-assessment
    1            A  positive  system comparison
    2            B       gap    self-assessment
    3            B       gap  system comparison
    4            C       gap       completeness
    >>> print(f.loc[1, "message"])
    Above the system median on Environment (3.50 vs 2.00)
    """
    require_columns(scores, ["organisation", "element", "completeness_pct", "mean_maturity"],
                    what="diagnostic scores")
    summary = system_summary(scores) if summary is None else summary
    scale = maturity_scale(scale)
    th = summary.thresholds
    profile = org_profile(scores, min_completeness=summary.min_completeness)
    full = profile["position"] != "too few answers"
    mean, med = profile["mean_maturity"], profile["system_median"]
    parts = []

    def add(mask, finding, basis, message, frame=profile):
        _add_findings(parts, frame, mask, finding, basis, message)

    el = profile["element"]
    strong_label = _threshold_text(th["strength_threshold"], scale)
    gap_label = _threshold_text(th["gap_threshold"], scale)
    add(full & (mean >= th["strength_threshold"] - _EPS), "positive", "self-assessment",
        f"{strong_label} or better on " + el + " (mean " + _fmt(mean) + ")")
    add(full & (profile["difference"] >= margin - _EPS), "positive", "system comparison",
        "Above the system median on " + el + " (" + _fmt(mean) + " vs " + _fmt(med) + ")")
    pair = summary.pairings
    if len(pair):
        add(np.ones(len(pair), dtype=bool), "positive", "peer learning",
            "Could support peers on " + pair["element"] + ": " + pair["n_weak"].astype("str")
            + " organisations are at least " + f"{th['variation_threshold']:g}"
            + " levels lower (" + pair["weak_organisations"] + ")",
            frame=pair.rename(columns={"strong_organisation": "organisation"}))
    if triangulation is not None:
        require_columns(triangulation, ["organisation", "element", "code", "self_stance",
                                        "sentence"], what="triangulation")
        t = triangulation.reset_index(drop=True)
        add((t["code"] == "agreement") & (t["self_stance"] == "positive"), "positive",
            "triangulation", "Sources agree: " + t["sentence"], frame=t)
        add(t["code"] == "dissonance", "gap", "triangulation",
            "Sources disagree: " + t["sentence"], frame=t)
    add(full & (mean <= th["gap_threshold"] + _EPS), "gap", "self-assessment",
        f"{gap_label} or earlier on " + el + " (mean " + _fmt(mean) + ")")
    add(full & (profile["difference"] <= -margin + _EPS), "gap", "system comparison",
        "Below the system median on " + el + " (" + _fmt(mean) + " vs " + _fmt(med) + ")")
    if "n_questions" in scores.columns and "n_answered" in scores.columns:
        s = scores.reset_index(drop=True)
        missing = (s["n_questions"] - s["n_answered"]).astype("int64")
        add((missing > 0) & (s["n_answered"] > 0), "gap", "completeness",
            missing.astype("str") + " of " + s["n_questions"].astype("str")
            + " questions on " + s["element"] + " not answered", frame=s)
        add(s["n_answered"] == 0, "gap", "completeness",
            s["element"] + " not started (none of " + s["n_questions"].astype("str")
            + " questions answered)", frame=s)
    if gaps is not None:
        require_columns(gaps, ["level", "organisation", "element", "missing_groups"],
                        what="evidence gaps")
        g = gaps[gaps["level"] == "organisation"].reset_index(drop=True)
        add(np.ones(len(g), dtype=bool), "gap", "evidence",
            "No evidence about " + g["missing_groups"] + " on " + g["element"], frame=g)
    if staging is not None:
        require_columns(staging, ["organisation", "element", "status", "planned_month",
                                  "days_late"], what="staging progress")
        p = staging.reset_index(drop=True)
        add(p["status"].isin(["in progress", "not started"]), "gap", "staging",
            p["element"] + " overdue: planned for " + p["planned_month"] + ", "
            + p["status"] + " (" + p["days_late"].astype("str") + " days past due)", frame=p)
    return _sorted_findings(parts, scores)


def _add_findings(parts: list, frame: pd.DataFrame, mask, finding: str, basis: str,
                  message) -> None:
    """Append a table of the findings on the rows of ``frame`` that ``mask`` picks."""
    mask = np.asarray(mask, dtype=bool)
    if mask.any():
        parts.append(pd.DataFrame({
            "organisation": frame.loc[mask, "organisation"].to_numpy(),
            "finding": finding,
            "element": frame.loc[mask, "element"].to_numpy(),
            "basis": basis,
            "message": pd.Series(message, index=frame.index)[mask].to_numpy(),
        }))


def _sorted_findings(parts: list, scores: pd.DataFrame) -> pd.DataFrame:
    """The findings as one table: organisations in order, positives first, elements, bases."""
    columns = ["organisation", "finding", "element", "basis", "message"]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="str") for c in columns})
    out = pd.concat(parts, ignore_index=True)
    orgs = list(pd.unique(scores["organisation"].astype("str")))
    orgs += [o for o in pd.unique(out["organisation"]) if o not in orgs]
    els = list(pd.unique(scores["element"].astype("str")))
    out["_o"] = out["organisation"].map({o: i for i, o in enumerate(orgs)})
    out["_f"] = out["finding"].map({"positive": 0, "gap": 1})
    out["_e"] = out["element"].map({e: i for i, e in enumerate(els)}).fillna(len(els))
    out["_b"] = out["basis"].map({b: i for i, b in enumerate(FINDING_BASES)})
    out = out.sort_values(["_o", "_f", "_e", "_b"], kind="stable")
    out = out[columns].reset_index(drop=True)
    for c in columns:
        out[c] = out[c].astype("str")
    return out
