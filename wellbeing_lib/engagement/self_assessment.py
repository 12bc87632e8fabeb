"""The ten-area public-engagement self-assessment of an integrated care system.

System partners say, for each NHS England engagement area, "what works well" and "what
could be better", online (a SurveyMonkey export) or by telephone (interviewer's notes).
:func:`self_assessment_responses` combines both into one tidy table; the summaries rank
the areas (:func:`area_summary`, :func:`scope_for_improvement`,
:func:`most_good_practice`), code the comments (:func:`area_themes`), pick redacted
quotes (:func:`area_quotes`) and compare the channels (:func:`compare_channels`).

Example
-------
>>> engagement_areas()[["area_id", "short_label"]].head(2)
  area_id                      short_label
0      A1  Transparency on decision-making
1      A2               Public information
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import DuplicateKeyError, InvalidValueError, MissingColumnError
from ..io import load_reference_table
from ..stats import proportion_ci
from ..validation import (
    DEFAULT_CI,
    as_columns,
    check_ci,
    check_labels,
    check_unique,
    error_location,
    require_columns,
)
from ._common import _frame_from
from ._mentions import (
    _compare_counts,
    _group_counts,
    _groups,
    _long,
    _pick_quotes,
    _presence,
    _suppress,
)
from .codebook import NEGATION_WINDOW, _as_codebook, apply_codebook
from .loading import ANSWER_STATUSES, SurveyExport

__all__ = [
    "AREAS_FILE",
    "ASPECTS",
    "NON_ANSWER",
    "engagement_areas",
    "self_assessment_responses",
    "area_summary",
    "scope_for_improvement",
    "most_good_practice",
    "area_themes",
    "area_quotes",
    "compare_channels",
]

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
    check_labels(table, ["area_id", "area"], "area")
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

    Online (``survey``, from :func:`~wellbeing_lib.engagement.read_surveymonkey`): each
    answer column whose question names an area and whose sub-question names an aspect
    becomes rows.  Areas are recognised when the question text (ignoring case, punctuation
    and leading numbering) equals an area's ``area``, ``short_label`` or ``area_id``, or
    contains its ``area`` or ``short_label``; ``area_of`` ({column or question text:
    area_id}) overrides.  Aspects: a sub-question containing a key of ``ASPECTS`` ("what
    works well" -> strength, "what could be better" -> improvement).  Other columns (about
    the respondent's organisation, say) are left out.

    Telephone (``notes``, from :func:`~wellbeing_lib.engagement.read_notes_table`):
    ``question`` names the area and the ``aspect`` column the box, by the same rules; every
    row must match.

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
        ``aspect``, ``text``, ``status`` (as in
        :class:`~wellbeing_lib.engagement.SurveyExport`; notes: answered or blank),
        ``substantive``, then the ``keep`` columns.

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
    >>> from wellbeing_lib.engagement import read_notes_table
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
        parts.append(_survey_part(survey, table, aspects, area_of, channels[0], keep))
    if notes is not None:
        parts.append(_notes_part(notes, table, aspects, area_of, aspect, channels[1], keep))
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


def _survey_part(survey: SurveyExport, table: pd.DataFrame, aspects: dict, area_of,
                 channel: str, keep: dict) -> pd.DataFrame:
    """Rows of :func:`self_assessment_responses` from the online export."""
    long = survey.to_frame(statuses=ANSWER_STATUSES)
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
        "channel": channel,
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
    return part


def _notes_part(notes: pd.DataFrame, table: pd.DataFrame, aspects: dict, area_of,
                aspect: str, channel: str, keep: dict) -> pd.DataFrame:
    """Rows of :func:`self_assessment_responses` from the telephone notes."""
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
        "channel": channel, "area_id": ids.to_numpy(), "aspect": asp.to_numpy(),
        "text": notes["text"].to_numpy(), "status": np.asarray(status, dtype=object),
    })
    require_columns(notes, [c for _, c in keep.values() if c is not None],
                    what="notes (keep)")
    for name, (_, col) in keep.items():
        values = (pd.Series(dtype=object) if col is None else _respondent_values(
            notes, "respondent", col))
        part[name] = part["respondent"].map(values).to_numpy()
    return part


def _check_responses(responses: pd.DataFrame) -> None:
    require_columns(responses, ["respondent", "area_id", "area", "area_order", "aspect",
                                "substantive"], what="self-assessment responses")


#: the published form of an area summary: counts, and the rates computed from them
_SUMMARY_COUNTS = ["N", "n_strength", "n_improvement", "n_no_comment"]
_SUMMARY_RATES = (("n_strength", "N", "pct_strength", "strength_ci_low", "strength_ci_high"),
                  ("n_improvement", "N", "pct_improvement", "improvement_ci_low",
                   "improvement_ci_high"))


def _published_summary(out: pd.DataFrame, suppress, ci: float) -> pd.DataFrame:
    """Counts suppressed and rounded, percentages and balance from the published counts."""
    if not suppress:
        return out
    derived = [c for rate in _SUMMARY_RATES for c in rate[2:]] + ["balance"]
    out = _suppress(out, suppress, _SUMMARY_COUNTS, derived, ci=ci, rates=_SUMMARY_RATES)
    out["balance"] = out["pct_strength"] - out["pct_improvement"]
    return out


def area_summary(responses: pd.DataFrame, *, by=None, ci: float = DEFAULT_CI,
                 suppress=False) -> pd.DataFrame:
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
    ci : float, default 0.95
    suppress : bool or dict, default False
        The published form (as :func:`~wellbeing_lib.engagement.theme_frequency`): the
        counts suppressed (1-7) and rounded (to 5), the percentages, intervals and
        balance computed from the rounded counts and withheld with a withheld count.

    Returns
    -------
    DataFrame
        The ``by`` columns, ``area_id``, ``area``, ``N``, ``n_strength``,
        ``pct_strength``, ``strength_ci_low``, ``strength_ci_high``, ``n_improvement``,
        ``pct_improvement``, ``improvement_ci_low``, ``improvement_ci_high``,
        ``n_no_comment`` (neither), ``balance``; in area order.
    """
    check_ci(ci)
    _check_responses(responses)
    by = [] if by is None else as_columns(by)
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
    return _published_summary(out.reset_index(drop=True), suppress, ci)


def _ranked(summary: pd.DataFrame, column: str, by) -> pd.DataFrame:
    by = [] if by is None else as_columns(by)
    count = column.replace("pct_", "n_")
    out = summary.sort_values([*by, column, count], ascending=[True] * len(by) + [False, False],
                              kind="stable").reset_index(drop=True)
    if by:
        out.insert(len(by), "rank", out.groupby(by, dropna=False)[column].rank(
            method="min", ascending=False).astype(np.int64))
    else:
        out.insert(0, "rank", out[column].rank(method="min", ascending=False).astype(np.int64))
    return out


def scope_for_improvement(responses: pd.DataFrame, *, by=None,
                          ci: float = DEFAULT_CI, suppress=False) -> pd.DataFrame:
    """Areas ranked by where there is most scope for improvement.

    Rule: areas ordered by the percentage of respondents making a substantive "what
    could be better" comment (``pct_improvement``, ties broken by the count); rank 1 =
    most scope.  Read with ``balance`` (strengths minus improvements).  Columns as in
    :func:`area_summary`, with ``rank`` first; ``suppress`` gives the published form,
    ranked on the unrounded counts.

    Example
    -------
    >>> import pandas as pd
    >>> from wellbeing_lib.engagement import read_notes_table
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
    ranked = _ranked(area_summary(responses, by=by, ci=ci), "pct_improvement", by)
    return _published_summary(ranked, suppress, ci)


def most_good_practice(responses: pd.DataFrame, *, by=None,
                       ci: float = DEFAULT_CI, suppress=False) -> pd.DataFrame:
    """Areas ranked by where there is most good practice (``pct_strength``; rank 1 = most).

    The mirror of :func:`scope_for_improvement`.
    """
    ranked = _ranked(area_summary(responses, by=by, ci=ci), "pct_strength", by)
    return _published_summary(ranked, suppress, ci)


def area_themes(responses: pd.DataFrame, codebook="self_assessment", *, top: int | None = None,
                negation_window: int = NEGATION_WINDOW, suppress=False) -> pd.DataFrame:
    """Themes within each area's strengths and improvements.

    The substantive comments are coded with
    :func:`~wellbeing_lib.engagement.apply_codebook` (default: the bundled
    self-assessment codebook); ``n`` = respondents mentioning the theme in that area and
    aspect, ``N`` = respondents with a substantive comment there, percent with a Wilson
    interval; sorted by area, aspect, then ``n`` (largest first).  A respondent with
    several notes on the same area and aspect is coded on all of them and counted once.

    Parameters
    ----------
    responses : DataFrame
        From :func:`self_assessment_responses`.
    codebook : optional
        A bundled codebook's name (:func:`~wellbeing_lib.engagement.load_codebook`),
        or your own as a path or table (:func:`~wellbeing_lib.engagement.read_codebook`).
    top : int, optional
        Keep the ``top`` themes per area and aspect (themes with n = 0 are dropped).
    suppress : bool or dict, default False
        The published form, as in :func:`area_summary` (chosen and sorted on the
        unrounded counts).

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
    book = _as_codebook(codebook)
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
    out = out.drop(columns="area_order").reset_index(drop=True)
    return _suppress(out, suppress, ["n", "N"], ["percent", "ci_low", "ci_high"],
                     ci=DEFAULT_CI)


def area_quotes(responses: pd.DataFrame, *, codebook="self_assessment", areas=None,
                n_quotes: int = 1, random_state=0, max_chars: int | None = None,
                negation_window: int = NEGATION_WINDOW, placeholders=None) -> pd.DataFrame:
    """Example quotes for each engagement area and aspect, with personal details redacted.

    Rule: the substantive comments are coded with
    :func:`~wellbeing_lib.engagement.apply_codebook` (as in :func:`area_themes`); the
    comments with at least one non-negated mention are the candidates, so that a long quote
    can be shortened around words that matched.  For each area x aspect the distinct
    candidate texts are put in a random order drawn with
    ``numpy.random.default_rng(random_state)`` and the first ``n_quotes`` are taken, as
    :func:`~wellbeing_lib.engagement.exemplar_quotes` does for themes: the same seed always
    gives the same quotes. Each note is a candidate of its own, so a respondent with two
    notes on one box has two.  Quotes pass through :func:`wellbeing_lib.privacy.redact_pii`
    (e-mails, phone and NHS numbers, postcodes, names after a title) *before* they are
    shortened to ``max_chars``.  Redaction is pattern-based: read quotes before publishing.

    Parameters
    ----------
    responses : DataFrame
        From :func:`self_assessment_responses`.
    codebook : optional, default "self_assessment"
        A bundled codebook's name (:func:`~wellbeing_lib.engagement.load_codebook`),
        or your own as a path or table (:func:`~wellbeing_lib.engagement.read_codebook`).
    areas : DataFrame or path, optional
        The areas table given to :func:`self_assessment_responses` (default
        :func:`engagement_areas`); supplies the published wording of each area.
    n_quotes : int, default 1
        Quotes per area and aspect (fewer if fewer comments were coded).
    random_state : int or numpy Generator, default 0
    max_chars : int, optional
        Shorten longer quotes (with "…") to a window around the first match.
    negation_window : int
        Passed to :func:`~wellbeing_lib.engagement.apply_codebook`.
    placeholders : dict, optional
        Passed to :func:`~wellbeing_lib.privacy.redact_pii`.

    Returns
    -------
    DataFrame
        ``area_id``, ``area`` (published wording), ``short_label``, ``aspect``, ``rank``
        (1..n_quotes), ``respondent``, ``quote`` (redacted), ``match`` (the words that matched)
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
    >>> from wellbeing_lib.engagement import read_notes_table
    >>> notes = read_notes_table(pd.DataFrame({
    ...     "respondent": ["T1", "T2", "T2"], "question": ["A1", "A1", "A2"],
    ...     "aspect": ["could be better", "could be better", "works well"],
    ...     "text": ["Ask Cllr Smith: too much jargon", "Papers are not published",
    ...              "The website is clear"]}))
    >>> q = area_quotes(self_assessment_responses(notes=notes), n_quotes=2)
    >>> q[["area_id", "aspect", "rank", "quote", "redacted"]]
      area_id       aspect  rank                        quote  redacted
    0      A1  improvement     1     Papers are not published     False
    1      A1  improvement     2  Ask [NAME]: too much jargon      True
    2      A2     strength     1         The website is clear     False
    """
    if not isinstance(n_quotes, int | np.integer) or n_quotes < 1:
        raise ValueError(f"n_quotes must be a whole number >= 1, not {n_quotes!r}")
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
    mentions = apply_codebook(said, _as_codebook(codebook), unit=["_row"],
                              negation_window=negation_window)
    mentions["_label"] = said["_label"].to_numpy()[mentions["_row"].to_numpy()]
    aspect_rank = said["aspect"].map({"strength": 0, "improvement": 1}).fillna(2)
    order = said.assign(_a=aspect_rank).sort_values(["area_order", "_a"], kind="stable")[
        "_label"].unique()
    picked = _pick_quotes(said, mentions, unit_cols=["_row"], label="_label", order=order,
                          text="text", n=n_quotes, random_state=random_state, max_chars=max_chars,
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
                     p_adjust: str = "holm", significance: float = 0.05,
                     ci: float = DEFAULT_CI) -> pd.DataFrame:
    """Telephone vs online (or any channels): do they comment on areas at different rates?

    For every area and aspect, the share of respondents in each channel making a
    substantive comment is compared with the tests of
    :func:`~wellbeing_lib.engagement.compare_groups` (default ``"auto"``: Fisher's exact
    test for two channels when an expected count is below 5, as with 11 telephone
    interviews; otherwise chi-square), Holm-corrected over all area x aspect comparisons
    by default.  ``test``, ``p_adjust``, ``significance`` (the significance level of
    ``significant``) and ``ci`` (the level of the difference's interval) are as in
    ``compare_groups``.

    Returns
    -------
    DataFrame
        ``area_id``, ``area``, ``aspect`` then the columns of ``compare_groups``
        (``percent_1``/``percent_2`` and the difference for two channels).
    """
    check_ci(ci)
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
    tests = _compare_counts(n, size, list(chan), test=test, p_adjust=p_adjust,
                            significance=significance, ci=ci)
    return pd.concat([items.reset_index(drop=True), tests], axis=1)

