"""Triangulation: the self-assessment beside the staff survey and staff networks.

Triangulation protocol (Farmer et al. 2006; O'Cathain et al. 2010): each source's
finding on an organisation x element is reduced to a stance, and the stances are
coded as agreement, partial agreement, silence or dissonance
(:func:`convergence_code`).  :func:`triangulate` does this for every organisation x
element and :func:`dissonances` ranks the dissonant ones.

Example
-------
>>> CONVERGENCE_CODES
('agreement', 'partial agreement', 'silence', 'dissonance')
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import UnmatchedRecordsError
from ..validation import check_allowed, check_numeric, require_columns
from ._common import _EPS, _check_number, _fmt, _lower_first
from .framework import maturity_scale
from .scoring import MIN_COMPLETENESS
from .survey import MIN_RESPONSES, element_survey_map, read_staff_networks, survey_position

__all__ = [
    "convergence_code",
    "triangulate",
    "dissonances",
    "CONVERGENCE_CODES",
    "STANCES",
    "SOURCE_COLUMNS",
    "SELF_HIGH",
    "SELF_LOW",
    "SURVEY_HIGH",
    "SURVEY_LOW",
    "NETWORK_HIGH",
    "NETWORK_LOW",
    "MIN_SOURCES",
]

#: the convergence codes of the triangulation protocol (Farmer et al. 2006; O'Cathain et al.
#: 2010), in display order
CONVERGENCE_CODES = ("agreement", "partial agreement", "silence", "dissonance")
#: what one source says about an organisation x element
STANCES = ("positive", "mixed", "negative", "silent")
#: the sources compared by :func:`triangulate`, and the column holding each one's stance
SOURCE_COLUMNS = {"self-assessment": "self_stance", "staff survey": "survey_stance",
                  "staff networks": "network_stance"}
#: default thresholds of :func:`triangulate`
SELF_HIGH = 3.0  # mean maturity at or above "Embedded": the organisation rates itself mature
SELF_LOW = 1.5  # mean maturity at or below half-way from "Planning" to "Developing"
SURVEY_HIGH = 3.5  # weighted mean quartile: top quartile
SURVEY_LOW = 1.5  # weighted mean quartile: bottom quartile
NETWORK_HIGH = 0.5  # mean network score (positive 1, mixed 0, concerned -1)
NETWORK_LOW = -0.5
MIN_SOURCES = 2


def _pair_code(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Convergence code of two sources' stances, element-wise."""
    silent = (a == "silent") | (b == "silent")
    opposite = ((a == "positive") & (b == "negative")) | ((a == "negative") & (b == "positive"))
    return np.select([silent, opposite, a == b],
                     ["silence", "dissonance", "agreement"], default="partial agreement")


def convergence_code(data: pd.DataFrame, *, columns=None, min_sources: int = MIN_SOURCES
                     ) -> pd.Series:
    """The convergence code of each row from the stances of its sources.

    Triangulation protocol (Farmer et al. 2006; O'Cathain et al. 2010): findings
    from each source are set side by side per theme and coded as agreement,
    partial agreement, silence or dissonance.  Here a theme is an organisation x
    framework element and each source's finding is a stance (``positive``,
    ``mixed``, ``negative`` or ``silent``).  The rules, in order:

    1. **dissonance** - one speaking source is positive and another negative;
    2. **silence** - fewer than ``min_sources`` sources speak (nothing to check
       the finding against);
    3. **agreement** - every speaking source takes the same stance;
    4. **partial agreement** - otherwise: they differ by one step (one says
       mixed, another positive or negative).

    Parameters
    ----------
    data : DataFrame
        One row per theme with a stance column per source.
    columns : list of str, optional
        The stance columns; default ``self_stance``, ``survey_stance``,
        ``network_stance``.
    min_sources : int, default 2
        Speaking sources needed for agreement or partial agreement; with 3 (and
        three sources) any silent source makes the code silence, unless there is
        dissonance.

    Example
    -------
    >>> import pandas as pd
    >>> stances = pd.DataFrame({
    ...     "self_stance": ["positive", "positive", "positive", "positive", "mixed"],
    ...     "survey_stance": ["positive", "mixed", "silent", "negative", "silent"],
    ...     "network_stance": ["positive", "positive", "silent", "silent", "mixed"]})
    >>> convergence_code(stances).tolist()
    ['agreement', 'partial agreement', 'silence', 'dissonance', 'agreement']
    >>> convergence_code(stances, min_sources=3).tolist()
    ['agreement', 'partial agreement', 'silence', 'dissonance', 'silence']
    """
    columns = list(SOURCE_COLUMNS.values()) if columns is None else list(columns)
    if len(columns) < 2:
        raise ValueError("convergence needs at least two sources' stance columns")
    if not isinstance(min_sources, (int, np.integer)) or not 2 <= min_sources <= len(columns):
        raise ValueError(f"min_sources must be a whole number from 2 to {len(columns)}; "
                         f"got {min_sources!r}")
    require_columns(data, columns, what="source stances")
    for col in columns:
        check_allowed(data, col, STANCES, allow_missing=False)
    st = data[columns].astype("str").to_numpy()
    positive = (st == "positive").any(axis=1)
    negative = (st == "negative").any(axis=1)
    mixed = (st == "mixed").any(axis=1)
    speaking = (st != "silent").sum(axis=1)
    distinct = positive.astype(int) + negative.astype(int) + mixed.astype(int)
    code = np.select([positive & negative, speaking < min_sources, distinct == 1],
                     ["dissonance", "silence", "agreement"], default="partial agreement")
    return pd.Series(code, index=data.index, name="code", dtype="str")


def _check_pair(name_low, low, name_high, high):
    for name, value in ((name_low, low), (name_high, high)):
        _check_number(name, value)
    if low >= high:
        raise ValueError(f"{name_low} ({low}) must be below {name_high} ({high})")


def triangulate(
    scores: pd.DataFrame,
    *,
    survey=None,
    networks=None,
    element_map=None,
    year=None,
    quartile_rule: str = "midpoints",
    scale=None,
    stances=None,
    self_high: float = SELF_HIGH,
    self_low: float = SELF_LOW,
    survey_high: float = SURVEY_HIGH,
    survey_low: float = SURVEY_LOW,
    network_high: float = NETWORK_HIGH,
    network_low: float = NETWORK_LOW,
    min_completeness: float = MIN_COMPLETENESS,
    min_sources: int = MIN_SOURCES,
    min_responses: int = MIN_RESPONSES,
) -> pd.DataFrame:
    """Set the self-assessment beside the staff survey and staff networks; code convergence.

    Hertfordshire and West Essex triangulated each organisation's diagnostic with
    staff network leads' views and the staff survey.  For each organisation x
    element this reduces each source to a stance, then codes how the sources
    converge (:func:`convergence_code`), scores how far apart dissonant sources
    are, and writes one plain-English sentence.

    Parameters
    ----------
    scores : DataFrame
        :func:`score_diagnostic` output (``organisation``, ``element``,
        ``completeness_pct``, ``mean_maturity``).
    survey : DataFrame, str or Path, optional
        Staff survey results (:func:`read_staff_survey`).  Without it the survey
        is silent everywhere.
    networks : DataFrame, str or Path, optional
        Staff network views (:func:`read_staff_networks`).  Without it the
        networks are silent everywhere.
    element_map : DataFrame, str or Path, optional
        Element -> survey indicator map (default :func:`element_survey_map`).
    year : int, optional
        Survey year to use (default each organisation's latest).
    quartile_rule : {"midpoints", "range"}
        See :func:`survey_position`.
    scale : optional
        The maturity scale the scores use (default 0-4), for the self score.
    stances : mapping, optional
        Network stance -> score, as :func:`read_staff_networks`.
    self_high, self_low : float, default 3.0, 1.5
        Self-assessment stance from the element's mean maturity: positive ("rates
        itself mature") at or above ``self_high``, negative at or below
        ``self_low``, mixed between; silent when less than ``min_completeness`` %
        of the element's questions are answered.
    survey_high, survey_low : float, default 3.5, 1.5
        Survey stance from the weighted mean national quartile (1-4) of the
        indicators mapped to the element (weights from the map; results with
        fewer than ``min_responses`` responses left out): positive at or above
        ``survey_high`` (top quartile), negative at or below ``survey_low``
        (bottom quartile), mixed between; silent when no mapped indicator has a
        result.
    network_high, network_low : float, default 0.5, -0.5
        Network stance from the mean stance score of the networks that spoke:
        positive at or above ``network_high``, negative (concerned) at or below
        ``network_low``; silent when no network spoke about the element.
    min_completeness : float, default 50
        As :func:`system_summary`.
    min_sources : int, default 2
        See :func:`convergence_code`.
    min_responses : int, default 8
        See :func:`survey_position`.

    Returns
    -------
    DataFrame
        One row per organisation x element (organisations of ``scores`` first, in
        order, then any only in the survey or network files; elements in order):

        * self-assessment: ``self_mean``, ``self_completeness``, ``self_stance``,
          ``self_score`` = (mean - mid-point of the scale) / half its range, -1 to 1;
        * survey: ``survey_year``, ``survey_indicators``, ``survey_quartile``
          (weighted mean), ``survey_position`` (weighted mean, 0-1),
          ``survey_detail``, ``survey_stance``, ``survey_score`` = 2 x position - 1;
        * networks: ``n_networks``, ``network_views`` (e.g. "concerned 2"),
          ``network_comments``, ``network_stance``, ``network_score`` (mean);
        * convergence: ``n_sources`` (speaking), ``silent_sources``,
          ``self_vs_survey``, ``self_vs_networks``, ``survey_vs_networks`` (the
          pairwise codes), ``code``, ``dissonance_score`` = the sum, over pairs of
          speaking sources with opposite stances, of the distance between their
          scores (0 without dissonance; larger when more sources disagree and
          disagree more), and ``sentence``.

    Notes
    -----
    The three scores (self, survey, network) are put on one -1 ... 1 scale only
    to rank dissonances; the codes depend on the stances alone.  Each threshold
    is a keyword argument, so the rules can be tightened or loosened and the
    choice reported (the report writers take the same thresholds as
    ``triangulation_rules=`` and list them in their About sheet).

    Raises
    ------
    UnmatchedRecordsError
        An organisation in the survey or network file that is not in ``scores``
        (usually a spelling difference: the match is exact).

    Example
    -------
    >>> import pandas as pd
    >>> scores = pd.DataFrame({"organisation": "Trust A", "element": ["Environment"],
    ...     "completeness_pct": [100.0], "mean_maturity": [3.44]})
    >>> survey = pd.DataFrame({"organisation": ["Trust A"],
    ...     "indicator": "Health and safety climate", "year": 2021, "value": 4.08,
    ...     "responses": 1353, "national_worst": 3.9, "national_average": 4.6,
    ...     "national_best": 5.4})
    >>> networks = pd.DataFrame({"organisation": "Trust A", "element": "Environment",
    ...     "network": ["Carers network", "LGBTQ+ network"], "stance": "concerned"})
    >>> t = triangulate(scores, survey=survey, networks=networks)
    >>> t[["self_stance", "survey_stance", "network_stance", "code", "dissonance_score"]]
      self_stance survey_stance network_stance        code  dissonance_score
    0    positive      negative       negative  dissonance          3.182857
    >>> print(t.loc[0, "sentence"])
    Trust A rates itself mature on Environment (mean 3.44 of 4), staff survey health and safety climate in the bottom quartile (2021), staff networks concerned (concerned 2)
    """
    require_columns(scores, ["organisation", "element", "completeness_pct", "mean_maturity"],
                    what="diagnostic scores")
    _check_pair("self_low", self_low, "self_high", self_high)
    _check_pair("survey_low", survey_low, "survey_high", survey_high)
    _check_pair("network_low", network_low, "network_high", network_high)
    scale = maturity_scale(scale)
    lo_pts, hi_pts = float(scale["points"].min()), float(scale["points"].max())
    values = check_numeric(scores, ["completeness_pct", "mean_maturity"])
    positions = (survey_position(survey, year=year, quartile_rule=quartile_rule,
                                 min_responses=min_responses) if survey is not None else None)
    views = read_staff_networks(networks, stances=stances) if networks is not None else None
    grid = _triangulation_grid(scores, positions, views)
    _add_self_assessment(grid, scores, values, lo_pts=lo_pts, hi_pts=hi_pts, high=self_high,
                         low=self_low, min_completeness=min_completeness)
    phrase, note = _add_survey(grid, positions, element_map, high=survey_high, low=survey_low)
    _add_networks(grid, views, high=network_high, low=network_low)
    _add_convergence(grid, min_sources=min_sources)
    grid["sentence"] = _sentences(grid, phrase, note, hi_pts=hi_pts)
    return grid


def _triangulation_grid(scores: pd.DataFrame, positions: pd.DataFrame | None,
                        views: pd.DataFrame | None) -> pd.DataFrame:
    """One row per organisation x element: those of ``scores``, then any only in the others.

    Raises UnmatchedRecordsError for an organisation of the survey or network views that
    has no scores.
    """
    orgs = list(pd.unique(scores["organisation"].astype("str")))
    els = list(pd.unique(scores["element"].astype("str")))
    extra = []
    for frame, what in ((positions, "staff survey"), (views, "staff network")):
        if frame is None:
            continue
        unknown = [o for o in pd.unique(frame["organisation"]) if o not in orgs]
        if unknown:
            raise UnmatchedRecordsError(
                f"organisations in the {what} file have no diagnostic scores",
                column="organisation", found=unknown,
                expected="the same organisation names as the diagnostic (exact spelling); "
                         "an organisation that has not started the diagnostic still has score "
                         "rows (with no answers) when loaded with its cover sheet")
        extra += [e for e in pd.unique(frame.get("element", pd.Series(dtype="str")))
                  if e not in els and e not in extra]
    els += extra
    return pd.DataFrame({"organisation": np.repeat(orgs, len(els)),
                         "element": np.tile(els, len(orgs))})


def _add_self_assessment(grid: pd.DataFrame, scores: pd.DataFrame, values: pd.DataFrame, *,
                         lo_pts: float, hi_pts: float, high: float, low: float,
                         min_completeness: float) -> None:
    """Add the self-assessment's mean, completeness, stance and score to ``grid``.

    ``values`` holds the scores' ``completeness_pct`` and ``mean_maturity`` as numbers.
    """
    keys = ["organisation", "element"]
    own = pd.DataFrame({"organisation": scores["organisation"].astype("str"),
                        "element": scores["element"].astype("str"),
                        "mean": values["mean_maturity"], "done": values["completeness_pct"]})
    own = own.drop_duplicates(keys).set_index(keys).reindex(pd.MultiIndex.from_frame(grid[keys]))
    grid["self_mean"] = own["mean"].to_numpy()
    grid["self_completeness"] = own["done"].fillna(0.0).to_numpy()
    speaks = grid["self_mean"].notna() & (grid["self_completeness"] >= min_completeness - _EPS)
    m = grid["self_mean"]
    grid["self_stance"] = np.select(
        [~speaks, m >= high - _EPS, m <= low + _EPS],
        ["silent", "positive", "negative"], default="mixed")
    mid, half = (lo_pts + hi_pts) / 2, (hi_pts - lo_pts) / 2
    grid["self_score"] = ((m - mid) / half).where(speaks)


def _add_survey(grid: pd.DataFrame, positions: pd.DataFrame | None, element_map, *,
                high: float, low: float) -> tuple[pd.Series, pd.Series]:
    """Add the staff survey's year, indicators, quartile, position, stance and score.

    Returns the phrase naming each row's indicators and quartiles, and the note saying why
    the survey is silent, for the sentence.
    """
    keys = ["organisation", "element"]
    index = pd.MultiIndex.from_frame(grid[keys])
    grid["survey_year"] = pd.array([pd.NA] * len(grid), dtype="Int64")
    for col in ("survey_indicators", "survey_detail"):
        grid[col] = pd.Series(np.nan, index=grid.index, dtype="str")
    grid["survey_quartile"] = np.nan
    grid["survey_position"] = np.nan
    note = pd.Series("no staff survey results were given", index=grid.index, dtype="str")
    if positions is not None:
        emap = element_survey_map(element_map)
        emap = emap.assign(_key=emap["indicator"].str.casefold())
        pos = positions.assign(_key=positions["indicator"].str.casefold())
        linked = emap[["element", "weight", "_key"]].merge(pos, on="_key", how="inner")
        in_survey = grid["organisation"].isin(set(positions["organisation"]))
        mapped = grid["element"].isin(set(emap["element"]))
        note = pd.Series(np.select(
            [~in_survey, ~mapped],
            ["no staff survey results for this organisation",
             "no staff survey indicator is mapped to this element"],
            default="no usable staff survey result for the indicators mapped to this "
                    "element"), index=grid.index, dtype="str")
        used = linked[linked["usable"]].copy()
        used["_wq"] = used["weight"] * used["quartile"].astype("float64")
        used["_wp"] = used["weight"] * used["position"]
        used["_phrase"] = (_lower_first(used["indicator"]) + " in the " + used["quartile_label"])
        used["_detail"] = (used["indicator"] + " " + used["value"].map("{:g}".format)
                           + " (" + used["quartile_label"] + "; national "
                           + used["national_worst"].map("{:g}".format) + "-"
                           + used["national_best"].map("{:g}".format)
                           + (", ICS " + _fmt(used["ics_average"])).fillna("") + ")")
        used = used.sort_values(["organisation", "element", "weight", "indicator"],
                                ascending=[True, True, False, True], kind="stable")
        g = used.groupby(keys, sort=False)
        agg = pd.DataFrame({
            "year": g["year"].max(),
            "indicators": g["indicator"].agg("; ".join),
            "phrase": g["_phrase"].agg(" and ".join),
            "detail": g["_detail"].agg("; ".join),
            "quartile": g["_wq"].sum() / g["weight"].sum(),
            "position": g["_wp"].sum() / g["weight"].sum(),
        }).reindex(index)
        grid["survey_year"] = pd.array(agg["year"].to_numpy(), dtype="Int64")
        grid["survey_indicators"] = agg["indicators"].to_numpy()
        grid["survey_detail"] = agg["detail"].to_numpy()
        grid["survey_quartile"] = agg["quartile"].to_numpy()
        grid["survey_position"] = agg["position"].to_numpy()
        phrase = pd.Series(agg["phrase"].to_numpy(), index=grid.index, dtype="str")
    else:
        phrase = pd.Series(np.nan, index=grid.index, dtype="str")
    q = grid["survey_quartile"]
    grid["survey_stance"] = np.select(
        [q.isna(), q >= high - _EPS, q <= low + _EPS],
        ["silent", "positive", "negative"], default="mixed")
    grid["survey_score"] = 2 * grid["survey_position"] - 1
    return phrase, note


def _add_networks(grid: pd.DataFrame, views: pd.DataFrame | None, *, high: float,
                  low: float) -> None:
    """Add the staff networks' count, views, comments, score and stance to ``grid``."""
    keys = ["organisation", "element"]
    grid["n_networks"] = 0
    grid["network_views"] = pd.Series(np.nan, index=grid.index, dtype="str")
    grid["network_comments"] = pd.Series(np.nan, index=grid.index, dtype="str")
    grid["network_score"] = np.nan
    if views is not None:
        v = views.copy()
        stance_order = {s: i for i, s in enumerate(sorted(
            pd.unique(v["stance"]), key=lambda s: -v.loc[v["stance"] == s,
                                                          "stance_score"].iloc[0]))}
        counts = v.groupby([*keys, "stance"], sort=False).size().rename("n").reset_index()
        counts["_order"] = counts["stance"].map(stance_order)
        counts = counts.sort_values([*keys, "_order"], kind="stable")
        counts["_text"] = counts["stance"] + " " + counts["n"].astype("str")
        who = v["network"].fillna("network")
        v["_comment"] = (who + ": " + v["comment"].fillna("(no comment)"))
        g = v.groupby(keys, sort=False)
        agg = pd.DataFrame({
            "n": g.size(),
            "score": g["stance_score"].mean(),
            "comments": g["_comment"].agg(" | ".join),
        })
        agg["views"] = counts.groupby(keys, sort=False)["_text"].agg(", ".join)
        agg = agg.reindex(pd.MultiIndex.from_frame(grid[keys]))
        grid["n_networks"] = agg["n"].fillna(0).astype("int64").to_numpy()
        grid["network_views"] = agg["views"].to_numpy()
        grid["network_comments"] = agg["comments"].to_numpy()
        grid["network_score"] = agg["score"].to_numpy()
    ns = grid["network_score"]
    grid["network_stance"] = np.select(
        [ns.isna(), ns >= high - _EPS, ns <= low + _EPS],
        ["silent", "positive", "negative"], default="mixed")
    for col in ("self_stance", "survey_stance", "network_stance"):
        grid[col] = grid[col].astype("str")


def _add_convergence(grid: pd.DataFrame, *, min_sources: int) -> None:
    """Add the sources speaking, the pairwise codes, the code and the dissonance score."""
    stance_cols = list(SOURCE_COLUMNS.values())
    st = grid[stance_cols].to_numpy(dtype=str)
    grid["n_sources"] = (st != "silent").sum(axis=1)
    silent_text = pd.Series("", index=grid.index, dtype="str")
    for k, name in enumerate(SOURCE_COLUMNS):
        silent_text = silent_text + np.where(st[:, k] == "silent", name + "; ", "")
    grid["silent_sources"] = silent_text.str.removesuffix("; ")
    score_cols = ["self_score", "survey_score", "network_score"]
    pair_names = {(0, 1): "self_vs_survey", (0, 2): "self_vs_networks",
                  (1, 2): "survey_vs_networks"}
    total = np.zeros(len(grid))
    for (i, j), name in pair_names.items():
        code = _pair_code(st[:, i], st[:, j])
        grid[name] = pd.Series(code, index=grid.index, dtype="str")
        gap = (grid[score_cols[i]] - grid[score_cols[j]]).abs().to_numpy()
        total += np.where(code == "dissonance", np.nan_to_num(gap), 0.0)
    grid["code"] = convergence_code(grid, min_sources=min_sources)
    grid["dissonance_score"] = np.where(grid["code"] == "dissonance", total, 0.0)


def _sentences(grid: pd.DataFrame, phrase: pd.Series, note: pd.Series, *, hi_pts: float
               ) -> pd.Series:
    """One plain-English sentence per row: what each source says."""
    el = grid["element"]
    mean_text = "(mean " + _fmt(grid["self_mean"]) + f" of {hi_pts:g})"
    self_phrase = pd.Series(np.select(
        [grid["self_stance"] == "positive", grid["self_stance"] == "mixed",
         grid["self_stance"] == "negative", grid["self_completeness"] > 0],
        ["rates itself mature on " + el + " " + mean_text,
         "rates itself part-way on " + el + " " + mean_text,
         "rates itself early on " + el + " " + mean_text,
         "has answered too few questions on " + el + " to judge ("
         + grid["self_completeness"].round(0).map("{:.0f}".format) + "% answered)"],
        default="has not assessed " + el), index=grid.index, dtype="str")
    survey_phrase = ("staff survey " + phrase + " ("
                     + grid["survey_year"].astype("str") + ")").where(
        grid["survey_stance"] != "silent", note)
    word = grid["network_stance"].map({"positive": "positive", "mixed": "mixed",
                                       "negative": "concerned", "silent": ""})
    plural = pd.Series(np.where(grid["n_networks"] == 1, "staff network ", "staff networks "),
                       index=grid.index, dtype="str")
    network_phrase = (plural + word + " (" + grid["network_views"].fillna("") + ")").where(
        grid["network_stance"] != "silent", "no staff network view")
    return (grid["organisation"] + " " + self_phrase + ", " + survey_phrase + ", "
            + network_phrase).astype("str")


def dissonances(triangulation: pd.DataFrame, *, top: int | None = None) -> pd.DataFrame:
    """The dissonant organisation x elements of :func:`triangulate`, most dissonant first.

    Ranked by ``dissonance_score`` (how far apart the disagreeing sources are,
    summed over the pairs that disagree, so a self-assessment contradicted by both
    the survey and the networks ranks above one contradicted by one source), then
    by the number of sources speaking, then by name.

    Returns
    -------
    DataFrame
        ``rank``, ``organisation``, ``element``, ``dissonance_score``,
        ``self_stance``, ``survey_stance``, ``network_stance``, ``self_vs_survey``,
        ``self_vs_networks``, ``survey_vs_networks``, ``sentence``.

    Example
    -------
    >>> import pandas as pd
    >>> scores = pd.DataFrame({"organisation": ["A", "B"], "element": "Environment",
    ...     "completeness_pct": 100.0, "mean_maturity": [3.5, 0.5]})
    >>> networks = pd.DataFrame({"organisation": ["A", "B"], "element": "Environment",
    ...     "stance": ["concerned", "positive"]})
    >>> dissonances(triangulate(scores, networks=networks))[["rank", "organisation",
    ...     "dissonance_score"]]
       rank organisation  dissonance_score
    0     1            A              1.75
    1     2            B              1.75
    """
    need = ["organisation", "element", "code", "dissonance_score", "n_sources", "sentence",
            "self_stance", "survey_stance", "network_stance", "self_vs_survey",
            "self_vs_networks", "survey_vs_networks"]
    require_columns(triangulation, need, what="triangulation")
    d = triangulation[triangulation["code"] == "dissonance"]
    d = d.sort_values(["dissonance_score", "n_sources", "organisation", "element"],
                      ascending=[False, False, True, True], kind="stable")
    d = d.reset_index(drop=True)
    d.insert(0, "rank", np.arange(1, len(d) + 1))
    cols = ["rank", "organisation", "element", "dissonance_score", "self_stance",
            "survey_stance", "network_stance", "self_vs_survey", "self_vs_networks",
            "survey_vs_networks", "sentence"]
    out = d[cols]
    return out if top is None else out.head(int(top))
