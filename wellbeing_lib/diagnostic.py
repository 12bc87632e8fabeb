"""Workforce Health and Wellbeing Framework diagnostic: framework, loading, scoring, system view.

The NHS Health and Wellbeing Framework (NHS England, 2021 refresh) has seven
elements; its diagnostic tool lets an organisation assess itself against each
one.  An ICS that runs the diagnostic across its organisations (one used about
60 questions, 2-3 hours per organisation) needs, per organisation, what is
missing, a score per element, and a system view of shared strengths, shared gaps
and where one organisation could help others.  This module does those steps:

=============================  ==============================================================
:func:`framework`              the 60 diagnostic questions (ids such as ``ENV-03``) as data
:func:`elements`               the seven elements with their sub-areas
:func:`maturity_scale`         the default maturity scale, or a validated user scale
:func:`load_diagnostic_csv`    read and validate completed diagnostics (tidy form)
:func:`score_diagnostic`       per organisation x element: completeness, mean maturity, levels
:func:`system_summary`         per element: median, spread, strengths, gaps, peer learning
=============================  ==============================================================

Reference data
--------------
``data/hwb_framework_questions.csv`` holds one row per question: ``question_id``,
``element``, ``sub_area``, ``sub_area_published``, ``question``,
``evidence_prompt`` (what evidence would show it), ``staff_group_evidence``
(whether evidence about specific staff groups - bands, bank staff, night
workers - is expected), ``source`` and ``year``.  The element names are the
framework's.  **The questions are worded by wellbeing_lib, not copied from the
NHS tool.**  Sub-areas are the published ones where they could be verified
(Improving personal health and wellbeing; Managers and leaders) and otherwise
named in our own plain words; the ``source`` column says which.

``data/maturity_scale.csv`` is the default answer scale, 0 "Not started",
1 "Planning", 2 "Developing", 3 "Embedded", 4 "Exemplary".  The NHS tool's own
response scale is not published here and organisations adapt the tool, so every
function takes ``scale=``: a table with ``label`` and ``points`` columns (or a
``{label: points}`` mapping, or a CSV path).

The tidy answer form
--------------------
One row per organisation x question:

==============  ==========================================================================
organisation    required; the organisation's name
question_id     required; a framework id (case and surrounding spaces ignored)
answer          required column; a scale label ("Embedded", any case) or its points (3);
                blank = not answered (reported in the completeness table, not an error)
evidence        optional; free text
staff_groups    optional; semicolon-separated staff groups the evidence covers
completed_on    optional; date (ISO ``2021-11-15`` or UK ``15/11/2021``)
==============  ==========================================================================

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

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import DuplicateKeyError, InvalidValueError
from .io import (
    check_numeric,
    line_numbers,
    read_package_table,
    read_table,
    require_columns,
    source_of,
)

__all__ = [
    "Diagnostic",
    "SystemSummary",
    "framework",
    "elements",
    "maturity_scale",
    "load_diagnostic_csv",
    "score_diagnostic",
    "system_summary",
    "FRAMEWORK_FILE",
    "SCALE_FILE",
    "ANSWER_COLUMNS",
    "STRENGTH_THRESHOLD",
    "GAP_THRESHOLD",
    "VARIATION_THRESHOLD",
    "MIN_COMPLETENESS",
]

FRAMEWORK_FILE = "hwb_framework_questions.csv"
SCALE_FILE = "maturity_scale.csv"

#: columns of the tidy answer form; the first three are required
ANSWER_COLUMNS = ("organisation", "question_id", "answer", "evidence", "staff_groups",
                  "completed_on")
REQUIRED_COLUMNS = ANSWER_COLUMNS[:3]

#: default thresholds of :func:`system_summary`, in points of the default scale
STRENGTH_THRESHOLD = 3.0  # system median at or above "Embedded"
GAP_THRESHOLD = 1.0  # system median at or below "Planning"
VARIATION_THRESHOLD = 2.0  # an organisation two levels above the system median
MIN_COMPLETENESS = 50.0  # % of an element's questions answered to count in the system view

ELEMENT_SOURCE = (
    "NHS England, NHS health and wellbeing framework (2021 refresh): the seven elements "
    "of health and wellbeing"
)

#: tolerance for comparing means of points with thresholds (means of integers are inexact)
_EPS = 1e-9


# ------------------------------------------------------------------ reference data
def framework() -> pd.DataFrame:
    """The bundled diagnostic questions, one row per question, in framework order.

    Columns: ``question_id`` (stable id ``<element code>-<nn>``, e.g. ``ENV-03``),
    ``element``, ``sub_area``, ``sub_area_published`` (True where the sub-area
    is the framework's published name, False where it is named in our own
    words), ``question`` (our own wording), ``evidence_prompt``,
    ``staff_group_evidence`` (True where evidence about specific staff groups
    is expected), ``source`` and ``year``.

    Reference: NHS England (2021) *NHS health and wellbeing framework*; the
    question wording is wellbeing_lib's own, not the NHS diagnostic tool's.

    Example
    -------
    >>> q = framework()
    >>> q.shape, q["element"].nunique(), q["question_id"].is_unique
    ((60, 9), 7, True)
    >>> q.loc[q["question_id"] == "ENV-03", ["element", "sub_area", "staff_group_evidence"]]
            element                   sub_area  staff_group_evidence
    37  Environment  Workspaces and facilities                  True
    """
    return read_package_table(FRAMEWORK_FILE)


def elements() -> pd.DataFrame:
    """The seven framework elements, in framework order, with their sub-areas.

    Columns: ``element_order`` (1-7), ``element``, ``code`` (question id
    prefix), ``n_questions``, ``n_sub_areas``, ``sub_areas`` (``"; "``-joined in
    order), ``sub_areas_published`` (whether the sub-area names are the
    framework's published ones), ``source`` and ``year``.

    Example
    -------
    >>> elements()[["element", "code", "n_questions", "n_sub_areas"]]
                                       element code  n_questions  n_sub_areas
    0  Improving personal health and wellbeing  PHW            9            3
    1                            Relationships  REL            8            3
    2                       Fulfilment at work  FUL            9            3
    3                     Managers and leaders  MGR            9            3
    4                              Environment  ENV            9            3
    5                            Data insights  DAT            8            3
    6           Professional wellbeing support  PWS            8            3
    """
    q = framework()
    q["code"] = q["question_id"].str.split("-").str[0]
    g = q.groupby("element", sort=False)
    out = pd.DataFrame({
        "code": g["code"].first(),
        "n_questions": g.size(),
        "n_sub_areas": g["sub_area"].nunique(),
        "sub_areas": g["sub_area"].agg(lambda s: "; ".join(dict.fromkeys(s))),
        "sub_areas_published": g["sub_area_published"].all(),
    }).reset_index()
    out.insert(0, "element_order", np.arange(1, len(out) + 1))
    out["source"] = ELEMENT_SOURCE
    out["year"] = 2021
    return out


# ------------------------------------------------------------------ maturity scale
def _normalise_text(values: pd.Series) -> pd.Series:
    """Trim, collapse inner whitespace and case-fold (missing stays missing)."""
    return values.astype(str).str.replace(r"\s+", " ", regex=True).str.strip().str.casefold()


def _slug(label: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", str(label).casefold()).strip("_")


def maturity_scale(scale=None) -> pd.DataFrame:
    """The maturity scale: the documented default, or a validated user-supplied scale.

    Parameters
    ----------
    scale : DataFrame, mapping, str or Path, optional
        ``None`` for the default (``data/maturity_scale.csv``).  Otherwise a table
        with columns ``label`` and ``points`` (``description``, ``source``,
        ``year`` optional), a ``{label: points}`` mapping, or the path of a CSV/XLSX
        file holding such a table.

    Returns
    -------
    DataFrame
        ``points``, ``label``, ``description``, ``source``, ``year`` (plus any
        other columns supplied), sorted by points, lowest first.

    Raises
    ------
    MissingColumnError
        If ``label`` or ``points`` is absent.
    InvalidValueError
        A missing label, non-numeric or missing points, or a label that reads as a
        number other than its own points (``"1"`` worth 0 would be ambiguous).
    DuplicateKeyError
        Labels that repeat (ignoring case and spacing), repeated points, or labels
        that would give the same ``pct_<label>`` column in :func:`score_diagnostic`.

    Example
    -------
    >>> maturity_scale()[["points", "label"]]
       points        label
    0       0  Not started
    1       1     Planning
    2       2   Developing
    3       3     Embedded
    4       4    Exemplary
    >>> maturity_scale({"No": 0, "Partly": 0.5, "Yes": 1})[["points", "label", "source"]]
       points   label         source
    0     0.0      No  user-supplied
    1     0.5  Partly  user-supplied
    2     1.0     Yes  user-supplied
    """
    if scale is None:
        table = read_package_table(SCALE_FILE)
    elif isinstance(scale, pd.DataFrame):
        table = scale.copy()
        table.attrs = dict(scale.attrs)
    elif isinstance(scale, Mapping):
        table = pd.DataFrame({"label": list(scale.keys()), "points": list(scale.values())})
    elif isinstance(scale, (str, Path)):
        table = read_table(scale)
    else:
        raise TypeError(
            "scale must be None, a DataFrame with 'label' and 'points' columns, a "
            f"{{label: points}} mapping or a file path; got {type(scale).__name__}"
        )
    return _validate_scale(table)


def _validate_scale(table: pd.DataFrame) -> pd.DataFrame:
    file = source_of(table)
    require_columns(table, ["label", "points"], what="maturity scale")
    labels = table["label"].astype(str).str.strip()
    empty = labels.isna() | (labels == "")
    if empty.any():
        rows = list(table.index[empty])
        raise InvalidValueError(
            "maturity scale label missing", file=file, column="label", rows=rows,
            line_numbers=line_numbers(table, rows), expected="a label on every scale row",
        )
    points = check_numeric(table, ["points"], allow_missing=False)["points"]
    if not np.isfinite(points).all():
        rows = list(table.index[~np.isfinite(points)])
        raise InvalidValueError(
            "maturity scale points must be finite", file=file, column="points", rows=rows,
            line_numbers=line_numbers(table, rows), expected="a finite number",
            found=list(table.loc[rows, "points"]),
        )
    for column, key, what in (
        ("label", _normalise_text(labels), "label repeated in the maturity scale"),
        ("points", points, "points repeated in the maturity scale"),
        ("label", labels.map(_slug), "labels give the same pct_ column name"),
    ):
        dup = key.duplicated(keep=False)
        if dup.any():
            rows = list(table.index[dup])
            raise DuplicateKeyError(
                what, file=file, column=column, rows=rows,
                line_numbers=line_numbers(table, rows),
                expected="distinct labels (case and spacing ignored) and distinct points",
                found=list(table.loc[rows, column]),
            )
    as_number = pd.to_numeric(labels, errors="coerce")
    clash = as_number.notna() & (as_number != points)
    if clash.any():
        rows = list(table.index[clash])
        raise InvalidValueError(
            "scale label reads as a different number of points", file=file, column="label",
            rows=rows, line_numbers=line_numbers(table, rows),
            expected="a numeric label to equal its own points", found=list(labels[clash]),
        )
    out = table.copy()
    out["label"] = labels
    out["points"] = points if (points % 1 != 0).any() else points.astype("int64")
    if "description" not in out.columns:
        out["description"] = np.nan
    if "source" not in out.columns:
        out["source"] = "user-supplied"
    if "year" not in out.columns:
        out["year"] = np.nan
    first = ["points", "label", "description", "source", "year"]
    out = out[first + [c for c in out.columns if c not in first]]
    out = out.sort_values("points", kind="stable").reset_index(drop=True)
    out.attrs = {}
    return out


def _questions(questions=None) -> pd.DataFrame:
    """The framework, or a validated user-adapted question table."""
    if questions is None:
        return framework()
    q = questions.copy()
    file = source_of(questions)
    require_columns(q, ["question_id", "element"], what="question table")
    q["question_id"] = q["question_id"].astype(str).str.strip().str.upper()
    q["element"] = q["element"].astype(str).str.strip()
    for col in ("question_id", "element"):
        bad = q[col].isna() | (q[col] == "")
        if bad.any():
            rows = list(q.index[bad])
            raise InvalidValueError(
                f"missing {col} in question table", file=file, column=col, rows=rows,
                line_numbers=line_numbers(questions, rows), expected="a value on every row",
            )
    dup = q["question_id"].duplicated(keep=False)
    if dup.any():
        rows = list(q.index[dup])
        raise DuplicateKeyError(
            "question id repeated in question table", file=file, column="question_id",
            rows=rows, line_numbers=line_numbers(questions, rows),
            expected="each question id once", found=list(q.loc[dup, "question_id"].unique()),
        )
    if "sub_area" not in q.columns:
        q["sub_area"] = np.nan
    return q.reset_index(drop=True)


# ------------------------------------------------------------------ loading
@dataclass(frozen=True, eq=False)
class Diagnostic:
    """Validated diagnostic answers (the result of :func:`load_diagnostic_csv`).

    Attributes
    ----------
    answers : DataFrame
        One row per input row (original index kept, so rows can be traced back to
        the file): ``organisation``, ``question_id`` (normalised), ``element``,
        ``sub_area``, ``answer`` (as given, text), ``points`` (NaN when not
        answered), ``level`` (scale label), ``evidence``, ``staff_groups``
        (normalised to ``"a; b"``), ``completed_on`` (datetime), then any other
        columns supplied.
    completeness : DataFrame
        One row per organisation (in order of first appearance):
        ``n_questions``, ``n_answered``, ``n_missing``, ``completeness_pct``,
        ``complete``, ``missing_questions`` (``"; "``-joined ids; questions left
        blank *and* questions absent from the file both count as missing),
        ``first_completed_on``, ``last_completed_on``.
    scale, questions : DataFrame
        The maturity scale and the question table used.
    source : str or None
        The file the answers came from, if known.
    """

    answers: pd.DataFrame
    completeness: pd.DataFrame
    scale: pd.DataFrame
    questions: pd.DataFrame
    source: str | None = None

    @property
    def organisations(self) -> list[str]:
        """Organisation names, in order of first appearance."""
        return self.completeness["organisation"].tolist()


def _fail(problem, data, column, mask, *, expected, found=None, cls=InvalidValueError):
    mask = np.asarray(mask, dtype=bool)  # positional, so repeated index labels are safe
    rows = list(data.index[mask])
    raise cls(
        problem, file=source_of(data), column=column, rows=rows,
        line_numbers=line_numbers(data, rows), expected=expected,
        found=list(data.loc[mask, column]) if found is None else found,
    )


def _blank(values: pd.Series) -> pd.Series:
    return values.isna() | (values == "")


def _parse_dates(data: pd.DataFrame) -> pd.Series:
    raw = data["completed_on"]
    if pd.api.types.is_datetime64_any_dtype(raw):
        return raw
    text = raw.astype(str).str.strip()
    given = ~_blank(text)
    parsed = pd.to_datetime(text.where(given), format="ISO8601", errors="coerce")
    retry = given & parsed.isna()
    if retry.any():
        parsed = parsed.where(
            ~retry, pd.to_datetime(text.where(retry), format="%d/%m/%Y", errors="coerce")
        )
    bad = given & parsed.isna()
    if bad.any():
        _fail("unreadable completion date", data, "completed_on", bad,
              expected="a date such as 2021-11-15 or 15/11/2021")
    return parsed


def load_diagnostic_csv(path_or_frame, *, scale=None, questions=None) -> Diagnostic:
    """Read and validate completed diagnostics in the tidy form (one row per answer).

    Parameters
    ----------
    path_or_frame : str, Path or DataFrame
        A CSV/XLSX file (read with :func:`wellbeing_lib.io.read_table`) or a
        DataFrame with the columns described in the module docstring:
        ``organisation``, ``question_id``, ``answer`` (required), ``evidence``,
        ``staff_groups``, ``completed_on`` (optional; filled with missing values
        when absent).  The caller's DataFrame is not changed.
    scale : optional
        The maturity scale (see :func:`maturity_scale`); default 0-4.
    questions : DataFrame, optional
        An adapted question table (``question_id``, ``element``, optional
        ``sub_area``); default :func:`framework`.

    Returns
    -------
    Diagnostic
        ``.answers`` (validated, with points and levels) and ``.completeness``
        (what each organisation has not answered).

    Raises
    ------
    UnreadableFileError
        If the file is missing, empty or not a table.
    MissingColumnError
        If a required column is absent.
    InvalidValueError
        A row without an organisation or question id, an unknown question id, an
        answer that is neither a label nor the points of the scale, or an
        unreadable date - naming file, column and rows (and file lines).
    DuplicateKeyError
        If an organisation answers the same question on more than one row.

    Notes
    -----
    Missing answers are not errors: a blank answer, or a question absent from the
    file, is listed for its organisation in ``.completeness``.  Labels are matched
    ignoring case and extra spaces; numeric answers must equal one of the scale's
    points (``3`` or ``"3.0"`` for "Embedded").

    Example
    -------
    >>> import pandas as pd
    >>> d = load_diagnostic_csv(pd.DataFrame({
    ...     "organisation": ["Hospice", "Hospice", "Council"],
    ...     "question_id": ["env-01", "ENV-02", "ENV-01"],
    ...     "answer": [" developing ", None, 3],
    ...     "staff_groups": ["Band 2;Band 3 ;", None, "Social care"]}))
    >>> d.answers[["organisation", "question_id", "points", "level", "staff_groups"]]
      organisation question_id  points       level    staff_groups
    0      Hospice      ENV-01     2.0  Developing  Band 2; Band 3
    1      Hospice      ENV-02     NaN         NaN             NaN
    2      Council      ENV-01     3.0    Embedded     Social care
    >>> d.completeness[["organisation", "n_questions", "n_answered", "completeness_pct"]]
      organisation  n_questions  n_answered  completeness_pct
    0      Hospice           60           1          1.666667
    1      Council           60           1          1.666667
    """
    if isinstance(path_or_frame, pd.DataFrame):
        data = path_or_frame
    else:
        data = read_table(path_or_frame, dtype={"organisation": str, "question_id": str})
    scale = maturity_scale(scale)
    questions = _questions(questions)
    require_columns(data, REQUIRED_COLUMNS, what="diagnostic answers")

    work = data.copy()
    work.attrs = dict(data.attrs)

    # organisation and question id
    work["organisation"] = work["organisation"].astype(str).str.strip()
    missing = _blank(work["organisation"])
    if missing.any():
        _fail("missing organisation", work, "organisation", missing,
              expected="the organisation's name on every row", found=[])
    work["question_id"] = work["question_id"].astype(str).str.strip().str.upper()
    missing = _blank(work["question_id"])
    if missing.any():
        _fail("missing question id", work, "question_id", missing,
              expected="a framework question id on every row", found=[])
    known = questions["question_id"]
    unknown = ~work["question_id"].isin(known)
    if unknown.any():
        _fail("unknown question id", work, "question_id", unknown,
              expected=f"one of the {len(known)} question ids {known.iloc[0]} ... "
                       f"{known.iloc[-1]} (see diagnostic.framework())",
              found=list(data["question_id"].to_numpy()[unknown.to_numpy()]))

    # answers: a label (any case/spacing) or the points of a level; blank = not answered
    answer_text = work["answer"].astype(str).str.strip()
    unanswered = _blank(answer_text)
    by_label = _normalise_text(answer_text).map(
        dict(zip(_normalise_text(scale["label"]), scale["points"]))
    )
    as_number = pd.to_numeric(answer_text, errors="coerce")
    by_points = as_number.where(as_number.isin(scale["points"]))
    points = by_label.fillna(by_points).astype("float64")
    off_scale = ~unanswered & points.isna()
    if off_scale.any():
        levels = ", ".join(f"{p:g} {lab}" for p, lab in zip(scale["points"], scale["label"]))
        _fail("answer not on the maturity scale", work, "answer", off_scale,
              expected=f"a label or its points: {levels}; or blank if not answered",
              found=list(data["answer"].to_numpy()[off_scale.to_numpy()]))

    dup = work.duplicated(["organisation", "question_id"], keep=False)
    if dup.any():
        pairs = work.loc[dup.to_numpy(), ["organisation", "question_id"]].drop_duplicates()
        _fail("the same question is answered more than once for an organisation", work,
              ["organisation", "question_id"], dup,
              expected="one row per organisation x question_id",
              found=[f"{o} / {q}" for o, q in pairs.itertuples(index=False, name=None)],
              cls=DuplicateKeyError)

    # optional columns
    for col in ("evidence", "staff_groups", "completed_on"):
        if col not in work.columns:
            work[col] = np.nan
    evidence = work["evidence"].astype(str).str.strip()
    groups = (work["staff_groups"].astype(str)
              .str.replace(r"\s*;[\s;]*", "; ", regex=True).str.strip().str.strip(";").str.strip())
    completed = _parse_dates(work)

    by_id = questions.set_index("question_id")
    answers = pd.DataFrame({
        "organisation": work["organisation"],
        "question_id": work["question_id"],
        "element": work["question_id"].map(by_id["element"]),
        "sub_area": work["question_id"].map(by_id["sub_area"]),
        "answer": answer_text.where(~unanswered),
        "points": points,
        "level": points.map(dict(zip(scale["points"], scale["label"]))),
        "evidence": evidence.where(~_blank(evidence)),
        "staff_groups": groups.where(~_blank(groups)),
        "completed_on": completed,
    }, index=work.index)
    extra = [c for c in work.columns if c not in answers.columns]
    answers = pd.concat([answers, work[extra]], axis=1)

    completeness = _completeness(answers, questions)
    return Diagnostic(answers=answers, completeness=completeness, scale=scale,
                      questions=questions, source=source_of(data))


def _completeness(answers: pd.DataFrame, questions: pd.DataFrame) -> pd.DataFrame:
    orgs = pd.unique(answers["organisation"])
    ids = questions["question_id"]
    answered = answers[answers["points"].notna()]
    n_answered = answered.groupby("organisation").size().reindex(orgs, fill_value=0)
    grid = pd.MultiIndex.from_product([orgs, ids], names=["organisation", "question_id"])
    done = pd.MultiIndex.from_frame(answered[["organisation", "question_id"]])
    gaps = grid[~grid.isin(done)].to_frame(index=False)
    missing = (gaps.groupby("organisation", sort=False)["question_id"].agg("; ".join)
               .reindex(orgs, fill_value=""))
    dates = answers.groupby("organisation")["completed_on"]
    out = pd.DataFrame({
        "organisation": orgs,
        "n_questions": len(ids),
        "n_answered": n_answered.to_numpy(),
    })
    out["n_missing"] = out["n_questions"] - out["n_answered"]
    out["completeness_pct"] = 100 * out["n_answered"] / out["n_questions"]
    out["complete"] = out["n_missing"] == 0
    out["missing_questions"] = missing.to_numpy()
    out["first_completed_on"] = dates.min().reindex(orgs).to_numpy()
    out["last_completed_on"] = dates.max().reindex(orgs).to_numpy()
    return out


# ------------------------------------------------------------------ scoring
def score_diagnostic(data, *, scale=None) -> pd.DataFrame:
    """Score each organisation on each element: completeness, mean maturity, levels.

    Parameters
    ----------
    data : Diagnostic, DataFrame, str or Path
        The result of :func:`load_diagnostic_csv`, or anything it accepts (which
        is then validated first).
    scale : optional
        The maturity scale, when ``data`` is not already a :class:`Diagnostic`
        (which carries its own).

    Returns
    -------
    DataFrame
        One row per organisation x element (organisations in order of first
        appearance, elements in framework order; every element appears even when
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
                "load_diagnostic_csv instead"
            )
        diag = data
    else:
        diag = load_diagnostic_csv(data, scale=scale)
    scale = diag.scale
    q = diag.questions
    orgs = diag.completeness["organisation"].to_numpy()
    element_order = pd.unique(q["element"])

    n_q = len(q)
    grid = pd.DataFrame({
        "organisation": np.repeat(orgs, n_q),
        "question_id": np.tile(q["question_id"].to_numpy(), len(orgs)),
        "element": np.tile(q["element"].to_numpy(), len(orgs)),
    })
    grid = grid.merge(diag.answers[["organisation", "question_id", "points", "level"]],
                      on=["organisation", "question_id"], how="left", validate="one_to_one")
    grid["organisation"] = pd.Categorical(grid["organisation"], categories=orgs)
    grid["element"] = pd.Categorical(grid["element"], categories=element_order)
    keys = ["organisation", "element"]
    g = grid.groupby(keys, observed=True, sort=True)["points"]
    out = pd.DataFrame({
        "n_questions": g.size(),
        "n_answered": g.count(),
        "mean_maturity": g.mean(),
    })
    out.insert(2, "completeness_pct", 100 * out["n_answered"] / out["n_questions"])

    labels = scale["label"].tolist()
    grid["level"] = pd.Categorical(grid["level"], categories=labels)
    counts = (grid.dropna(subset=["points"])
              .groupby(keys + ["level"], observed=False, sort=True).size()
              .unstack("level").reindex(out.index, fill_value=0))
    denom = out["n_answered"].where(out["n_answered"] > 0)
    for label in labels:
        out[f"pct_{_slug(label)}"] = 100 * counts[label].astype("float64") / denom
    out = out.reset_index()
    out["organisation"] = out["organisation"].astype(str)
    out["element"] = out["element"].astype(str)
    return out


# ------------------------------------------------------------------ system view
@dataclass(frozen=True, eq=False)
class SystemSummary:
    """The system view of :func:`system_summary`.

    Attributes
    ----------
    elements : DataFrame
        One row per element (see :func:`system_summary`).
    pairings : DataFrame
        The peer-learning table: one row per element x strong organisation.
    thresholds : dict
        The thresholds used.
    """

    elements: pd.DataFrame
    pairings: pd.DataFrame
    thresholds: dict = field(default_factory=dict)


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
        if not isinstance(value, (int, float, np.integer, np.floating)) or not np.isfinite(value):
            raise ValueError(f"{name} must be a finite number; got {value!r}")
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
    thresholds = {
        "strength_threshold": strength_threshold, "gap_threshold": gap_threshold,
        "variation_threshold": variation_threshold, "min_completeness": min_completeness,
    }
    return SystemSummary(elements=out, pairings=pairings, thresholds=thresholds)
