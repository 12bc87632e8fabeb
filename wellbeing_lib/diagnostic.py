"""Workforce Health and Wellbeing Framework diagnostic: framework, loading, scoring, system view.

The NHS Health and Wellbeing Framework (NHS England, 2021 refresh) has seven
elements; its diagnostic tool lets an organisation assess itself against each
one.  An ICS that runs the diagnostic across its organisations (one used about
60 questions, 2-3 hours per organisation) needs, per organisation, what is
missing, a score per element, and a system view of shared strengths, shared gaps
and where one organisation could help others; staged one element a month, it
also needs who is behind; and it needs to see whose evidence leaves out which
staff groups (one ICS found nothing about Agenda for Change bands 2-4).  This
module does those steps:

==================================  =========================================================
:func:`framework`                   the 60 diagnostic questions (ids such as ``ENV-03``)
:func:`elements`                    the seven elements with their sub-areas and sheet names
:func:`maturity_scale`              the default maturity scale, or a validated user scale
:func:`staff_groups`                the controlled vocabulary of staff groups (AfC bands ...)
:func:`write_diagnostic_workbook`   one organisation's workbook (blank template or filled in)
:func:`load_diagnostic_workbooks`   read a folder of workbooks; problems by file/sheet/cell
:func:`load_diagnostic_csv`         read and validate completed diagnostics (tidy form)
:func:`score_diagnostic`            per organisation x element: completeness, mean, levels
:func:`system_summary`              per element: median, spread, strengths, gaps, pairings
:func:`staging_progress`            planned (one element a month) vs actual completion
:func:`staging_summary`             who is behind
:func:`plot_staging`                organisation x element grid coloured by status
:func:`evidence_coverage`           staff groups each organisation's evidence covers (tidy)
:func:`coverage_matrix`             the coverage as a matrix, one column per staff group
:func:`evidence_gaps`               groups nobody covers (system) and each organisation's gaps
==================================  =========================================================

The bundled sample (``data/workforce_diagnostic_answers.csv`` and
``data/diagnostic_workbooks/``, see ``data/README.md``) is a fictional ICS of 14
organisations with patterns to find.

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

``data/staff_groups.csv`` is the vocabulary of the staff groups that evidence can
cover (see :func:`staff_groups`).

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

import datetime
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import DuplicateKeyError, InvalidValueError, SheetError, UnreadableFileError
from .io import (
    check_allowed,
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
    "write_diagnostic_workbook",
    "load_diagnostic_workbooks",
    "staging_progress",
    "staging_summary",
    "plot_staging",
    "staff_groups",
    "evidence_coverage",
    "coverage_matrix",
    "evidence_gaps",
    "FRAMEWORK_FILE",
    "SCALE_FILE",
    "STAFF_GROUPS_FILE",
    "STAGING_STATUSES",
    "SHEET_NAMES",
    "COVER_SHEET",
    "WORKBOOK_HEADER",
    "ANSWER_COLUMNS",
    "STRENGTH_THRESHOLD",
    "GAP_THRESHOLD",
    "VARIATION_THRESHOLD",
    "MIN_COMPLETENESS",
]

FRAMEWORK_FILE = "hwb_framework_questions.csv"
SCALE_FILE = "maturity_scale.csv"
STAFF_GROUPS_FILE = "staff_groups.csv"

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

#: workbook sheet names of elements whose names are longer than Excel's 31 characters
SHEET_NAMES = {"Improving personal health and wellbeing": "Personal health and wellbeing"}


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
    framework's published ones), ``sheet_name`` (the element's sheet in a
    diagnostic workbook: the element name, shortened where it is longer than
    Excel's 31 characters), ``source`` and ``year``.

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
    out["sheet_name"] = out["element"].map(_sheet_name)
    out["source"] = ELEMENT_SOURCE
    out["year"] = 2021
    return out


def _sheet_name(element: str) -> str:
    """The workbook sheet of an element: its name, or a short name (Excel allows 31 characters)."""
    element = str(element)
    return SHEET_NAMES.get(element, element[:31])


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
        The file (or, for workbooks, the folder) the answers came from, if known.
    problems : DataFrame
        Problems found while loading workbooks, one row each: ``file``, ``sheet``,
        ``cell``, ``organisation``, ``error`` (the exception class that
        ``errors="raise"`` would raise), ``problem``, ``action`` (what the loader
        did about it) and ``message`` (the full error message).  Empty for the
        tidy form, which is all-or-nothing.
    cover : DataFrame or None
        For workbooks, one row per workbook read: ``file``, ``organisation``,
        ``org_code``, ``organisation_type``, ``ics``, ``lead_role``,
        ``started_on``, ``last_updated`` (from the cover sheets).
    """

    answers: pd.DataFrame
    completeness: pd.DataFrame
    scale: pd.DataFrame
    questions: pd.DataFrame
    source: str | None = None
    problems: pd.DataFrame = field(default_factory=lambda: _problem_table([]))
    cover: pd.DataFrame | None = None

    @property
    def organisations(self) -> list[str]:
        """Organisation names, in order of first appearance."""
        return self.completeness["organisation"].tolist()

    def tidy(self) -> pd.DataFrame:
        """The answers in the tidy form of the module docstring, ready to save as one CSV.

        One row per answer row read: ``organisation``, ``question_id``, ``answer``
        (the scale label, blank when not answered), ``evidence``, ``staff_groups``
        and ``completed_on`` (ISO ``YYYY-MM-DD`` text).  Collating the workbooks of
        a folder into one file is ``load_diagnostic_workbooks(folder).tidy().to_csv(...)``.

        Example
        -------
        >>> import pandas as pd
        >>> d = load_diagnostic_csv(pd.DataFrame({
        ...     "organisation": "Hospice", "question_id": ["env-01", "ENV-02"],
        ...     "answer": [3, "planning"], "completed_on": ["15/11/2021", None]}))
        >>> d.tidy()
          organisation question_id    answer evidence staff_groups completed_on
        0      Hospice      ENV-01  Embedded      NaN          NaN   2021-11-15
        1      Hospice      ENV-02  Planning      NaN          NaN          NaN
        """
        a = self.answers
        dates = a["completed_on"]
        text = dates.dt.strftime("%Y-%m-%d").astype("str").where(dates.notna())
        return pd.DataFrame({
            "organisation": a["organisation"].astype("str"),
            "question_id": a["question_id"].astype("str"),
            "answer": a["level"].astype("str"),
            "evidence": a["evidence"].astype("str"),
            "staff_groups": a["staff_groups"].astype("str"),
            "completed_on": text,
        }).reset_index(drop=True)


PROBLEM_COLUMNS = ("file", "sheet", "cell", "organisation", "error", "problem", "action",
                   "message")


def _problem_table(rows) -> pd.DataFrame:
    """The problems table of :class:`Diagnostic` from a list of dicts (or nothing)."""
    table = pd.DataFrame(list(rows), columns=[*PROBLEM_COLUMNS, "_exc", "_key"])
    return table[list(PROBLEM_COLUMNS)].astype("str").reset_index(drop=True)


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


def _answer_points(answers: pd.Series, scale: pd.DataFrame):
    """(stripped text, unanswered mask, points) of answers given as labels or points."""
    answer_text = answers.astype(str).str.strip()
    unanswered = _blank(answer_text)
    by_label = _normalise_text(answer_text).map(
        dict(zip(_normalise_text(scale["label"]), scale["points"]))
    )
    as_number = pd.to_numeric(answer_text, errors="coerce")
    by_points = as_number.where(as_number.isin(scale["points"]))
    points = by_label.fillna(by_points).astype("float64")
    return answer_text, unanswered, points


def _scale_expected(scale: pd.DataFrame) -> str:
    levels = ", ".join(f"{p:g} {lab}" for p, lab in zip(scale["points"], scale["label"]))
    return f"a label or its points: {levels}; or blank if not answered"


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
    answer_text, unanswered, points = _answer_points(work["answer"], scale)
    off_scale = ~unanswered & points.isna()
    if off_scale.any():
        _fail("answer not on the maturity scale", work, "answer", off_scale,
              expected=_scale_expected(scale),
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


def _completeness(answers: pd.DataFrame, questions: pd.DataFrame, organisations=None
                  ) -> pd.DataFrame:
    orgs = pd.unique(answers["organisation"])
    if organisations is not None:  # organisations known from elsewhere (workbook covers)
        orgs = pd.unique(np.concatenate([np.asarray(organisations, dtype=object),
                                         np.asarray(orgs, dtype=object)]))
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


# ------------------------------------------------------------------ workbooks
#: name of the cover sheet of a diagnostic workbook
COVER_SHEET = "Cover"
#: rows of an element sheet: title, header, first answer row (1-based, as Excel shows them)
TITLE_ROW, HEADER_ROW, FIRST_ANSWER_ROW = 1, 2, 3
#: header of an element sheet, in the order the writer uses (the reader finds them by name)
WORKBOOK_HEADER = ("Question ID", "Sub-area", "Question", "Maturity", "Evidence",
                   "Staff groups covered", "Date completed")
#: header text (case and spacing ignored) -> tidy column; ``question_id`` and ``answer`` required
_HEADER_ALIASES = {
    "question id": "question_id", "question_id": "question_id", "id": "question_id",
    "maturity": "answer", "maturity level": "answer", "answer": "answer",
    "evidence": "evidence", "evidence note": "evidence",
    "staff groups covered": "staff_groups", "staff groups": "staff_groups",
    "staff_groups": "staff_groups",
    "date completed": "completed_on", "completed on": "completed_on",
    "completed_on": "completed_on",
}
_READ_COLUMNS = ("question_id", "answer", "evidence", "staff_groups", "completed_on")
#: cover sheet labels (column A, case ignored) -> field; the value is in column B
COVER_FIELDS = {
    "Organisation": "organisation",
    "Organisation code": "org_code",
    "Organisation type": "organisation_type",
    "Integrated care system": "ics",
    "Lead (role)": "lead_role",
    "Diagnostic started": "started_on",
    "Last updated": "last_updated",
}
_COVER_KEYS = {label.casefold(): key for label, key in COVER_FIELDS.items()}
#: how far down the loader looks for a misplaced header row, to say where it is
_HEADER_SEARCH_ROWS = 15


def _cell(column: int, row: int) -> str:
    """Spreadsheet reference of a 1-based column and row: ``_cell(1, 7) == 'A7'``."""
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(column)}{row}"


def write_diagnostic_workbook(
    path,
    *,
    organisation: str,
    answers: pd.DataFrame | None = None,
    org_code: str | None = None,
    organisation_type: str | None = None,
    ics: str | None = None,
    lead_role: str | None = None,
    started_on=None,
    last_updated=None,
    scale=None,
    questions=None,
) -> Path:
    """Write one organisation's diagnostic workbook (blank template, or filled in).

    The layout is the one :func:`load_diagnostic_workbooks` reads:

    * sheet ``Cover``: a title in A1, then one field per row from row 3, its
      label in column A and its value in column B - ``Organisation`` (required
      by the reader), ``Organisation code``, ``Organisation type``,
      ``Integrated care system``, ``Lead (role)``, ``Diagnostic started``,
      ``Last updated``;
    * one sheet per framework element, named as in :func:`elements`
      (``sheet_name``), in framework order: row 1 the element's name (merged
      across the columns), row 2 the header ``Question ID | Sub-area | Question |
      Maturity | Evidence | Staff groups covered | Date completed``, then one
      row per question from row 3.  The Maturity cells offer the scale's labels
      in a drop-down list; dates are Excel dates shown as ``dd/mm/yyyy``.

    Parameters
    ----------
    path : str or Path
        The ``.xlsx`` file to write (its folder is created).
    organisation : str
        The organisation's name (cover sheet).
    answers : DataFrame, optional
        This organisation's answers in the tidy form (``question_id``,
        ``answer`` and optionally ``evidence``, ``staff_groups``,
        ``completed_on``; an ``organisation`` column, if present, is ignored).
        Validated like :func:`load_diagnostic_csv`; answers are written as scale
        labels.  ``None`` writes a blank template.
    org_code, organisation_type, ics, lead_role : str, optional
        Cover sheet fields.
    started_on, last_updated : date-like, optional
        Cover sheet dates.
    scale, questions : optional
        The maturity scale and question table (defaults: :func:`maturity_scale`,
        :func:`framework`).

    Returns
    -------
    Path
        The file written.  The bytes are reproducible: the same arguments give
        the same file (fixed document timestamps and zip entry dates, see
        :func:`wellbeing_lib.datasets.write_xlsx`).

    Example
    -------
    >>> import tempfile, pathlib, openpyxl
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "HV99.xlsx"
    >>> _ = write_diagnostic_workbook(p, organisation="Kestrel Hill Hospice", org_code="HV99")
    >>> book = openpyxl.load_workbook(p)
    >>> book.sheetnames[:3]
    ['Cover', 'Personal health and wellbeing', 'Relationships']
    >>> [c.value for c in book["Environment"][2]][:4]
    ['Question ID', 'Sub-area', 'Question', 'Maturity']
    >>> book["Environment"]["A3"].value, book["Cover"]["B3"].value
    ('ENV-01', 'Kestrel Hill Hospice')
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    from .datasets import write_xlsx

    scale = maturity_scale(scale)
    q = _questions(questions)
    rows = q[["question_id", "element", "sub_area"]].copy()
    rows["question"] = q["question"] if "question" in q.columns else ""
    rows["level"] = np.nan
    rows["evidence"] = np.nan
    rows["staff_groups"] = np.nan
    rows["completed_on"] = pd.NaT
    if answers is not None:
        given = answers.drop(columns=["organisation"], errors="ignore")
        given = given.assign(organisation=str(organisation))
        diag = load_diagnostic_csv(given, scale=scale, questions=q)
        a = diag.answers.drop_duplicates("question_id").set_index("question_id")
        for col in ("level", "evidence", "staff_groups", "completed_on"):
            rows[col] = rows["question_id"].map(a[col])

    book = Workbook()
    cover = book.active
    cover.title = COVER_SHEET
    bold = Font(bold=True)
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="005EB8")  # NHS blue
    wrap = Alignment(wrap_text=True, vertical="top")
    cover["A1"] = "Health and Wellbeing Framework diagnostic"
    cover["A1"].font = Font(bold=True, size=14)
    values = {
        "organisation": organisation, "org_code": org_code,
        "organisation_type": organisation_type, "ics": ics, "lead_role": lead_role,
        "started_on": _as_date(started_on), "last_updated": _as_date(last_updated),
    }
    for r, (label, key) in enumerate(COVER_FIELDS.items(), start=3):
        cover.cell(r, 1, label).font = bold
        cell = cover.cell(r, 2, values[key])
        if key in ("started_on", "last_updated"):
            cell.number_format = "dd/mm/yyyy"
    cover.column_dimensions["A"].width = 26
    cover.column_dimensions["B"].width = 60

    labels = [str(label) for label in scale["label"]]
    listing = ",".join(labels)
    widths = {"A": 12, "B": 28, "C": 60, "D": 14, "E": 60, "F": 30, "G": 16}
    for element, block in rows.groupby("element", sort=False):
        ws = book.create_sheet(_sheet_name(element))
        ws.cell(TITLE_ROW, 1, str(element)).font = Font(bold=True, size=13)
        ws.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW,
                       end_column=len(WORKBOOK_HEADER))
        for c, name in enumerate(WORKBOOK_HEADER, start=1):
            cell = ws.cell(HEADER_ROW, c, name)
            cell.font = header_font
            cell.fill = header_fill
        for r, rec in enumerate(block.itertuples(index=False), start=FIRST_ANSWER_ROW):
            cells = [rec.question_id, _none(rec.sub_area), _none(rec.question), _none(rec.level),
                     _none(rec.evidence), _none(rec.staff_groups), _as_date(rec.completed_on)]
            for c, value in enumerate(cells, start=1):
                ws.cell(r, c, value).alignment = wrap
            ws.cell(r, 7).number_format = "dd/mm/yyyy"
        last = FIRST_ANSWER_ROW + len(block) - 1
        if "," not in "".join(labels) and len(listing) <= 250:  # Excel's list-literal limits
            choose = DataValidation(type="list", formula1=f'"{listing}"', allow_blank=True,
                                    showErrorMessage=True, errorTitle="Maturity",
                                    error="Choose a level of the maturity scale")
            ws.add_data_validation(choose)
            choose.add(f"D{FIRST_ANSWER_ROW}:D{last}")
        for col, width in widths.items():
            ws.column_dimensions[col].width = width
        ws.freeze_panes = f"A{FIRST_ANSWER_ROW}"
    return write_xlsx(book, path)


def _none(value):
    """None for missing values (openpyxl writes None as an empty cell)."""
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


def _as_date(value):
    """A datetime.date for a date-like value, None for missing."""
    value = _none(value)
    if value is None:
        return None
    return pd.Timestamp(value).date()


def _workbook_files(folder_or_files) -> tuple[list[Path], str]:
    """The workbooks to read (sorted by name for a folder) and a description of the source."""
    if isinstance(folder_or_files, (str, Path)):
        path = Path(folder_or_files)
        if path.is_dir():
            files = sorted(p for p in path.iterdir()
                           if p.suffix.lower() in {".xlsx", ".xlsm"}
                           and not p.name.startswith(("~$", ".")))  # Excel lock files
            if not files:
                raise UnreadableFileError(path, "no .xlsx workbooks in this folder")
            return files, str(path)
        if not path.exists():
            raise UnreadableFileError(path, "no such file or folder")
        return [path], str(path)
    files = [Path(p) for p in folder_or_files]
    if not files:
        raise ValueError("no workbooks given: pass a folder or a list of .xlsx files")
    names = [p.name for p in files]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(f"workbooks with the same file name given twice: {', '.join(repeated)}")
    return files, f"{len(files)} workbooks"


def _open_workbook(path: Path):
    """Open a workbook for reading, or raise UnreadableFileError saying why not."""
    import zipfile

    from openpyxl import load_workbook

    if not path.exists():
        raise UnreadableFileError(path.name, "no such file")
    if path.stat().st_size == 0:
        raise UnreadableFileError(path.name, "the file is empty (0 bytes)")
    if not zipfile.is_zipfile(path):
        raise UnreadableFileError(
            path.name, "not an Excel .xlsx workbook (the file is not a zip archive; an old "
                       ".xls file or a CSV renamed .xlsx must be saved again from Excel as .xlsx)")
    try:
        return load_workbook(path, data_only=True)
    except Exception as exc:  # damaged archive, missing parts, bad XML
        raise UnreadableFileError(
            path.name, f"a damaged or incomplete Excel workbook ({type(exc).__name__}: {exc})"
        ) from exc


class _Problems:
    """Collects problems of a workbook load in reading order."""

    def __init__(self) -> None:
        self.rows: list[dict] = []

    def add(self, exc: Exception, *, action: str, key: tuple, organisation=None) -> None:
        self.rows.append({
            "file": getattr(exc, "file", None), "sheet": getattr(exc, "sheet", None),
            "cell": getattr(exc, "cell", None), "organisation": organisation,
            "error": type(exc).__name__,
            "problem": getattr(exc, "problem", None) or getattr(exc, "reason", str(exc)),
            "action": action, "message": str(exc), "_exc": exc, "_key": key,
        })

    def sorted(self) -> list[dict]:
        return sorted(self.rows, key=lambda row: row["_key"])


def _read_cover(book, name: str, problems: _Problems, file_no: int) -> dict | None:
    """The cover fields of a workbook, or None (problem recorded) if it has no organisation."""
    if COVER_SHEET not in book.sheetnames:
        problems.add(SheetError(
            "cover sheet missing", file=name, sheet=COVER_SHEET,
            expected=f"a sheet named '{COVER_SHEET}' with the organisation's name",
            found=book.sheetnames), action="file skipped", key=(file_no, -1, 0))
        return None
    ws = book[COVER_SHEET]
    found: dict = {}
    rows: dict = {}
    for r, row in enumerate(ws.iter_rows(min_row=1, max_col=2, values_only=True), start=1):
        label = row[0] if row else None
        if isinstance(label, str) and label.strip().casefold() in _COVER_KEYS:
            key = _COVER_KEYS[label.strip().casefold()]
            found.setdefault(key, row[1] if len(row) > 1 else None)
            rows.setdefault(key, r)
    organisation = found.get("organisation")
    if isinstance(organisation, str):
        organisation = " ".join(organisation.split())
    if organisation in (None, ""):
        where = f"B{rows['organisation']}" if "organisation" in rows else None
        problems.add(SheetError(
            "organisation name missing", file=name, sheet=COVER_SHEET, cell=where,
            expected="a row labelled 'Organisation' in column A with the name in column B"),
            action="file skipped", key=(file_no, -1, rows.get("organisation", 0)))
        return None
    out = {"file": name, "organisation": str(organisation), "_row": rows["organisation"]}
    for key in COVER_FIELDS.values():
        if key != "organisation":
            value = _none(found.get(key))
            out[key] = value.strip() if isinstance(value, str) else value
    return out


def _read_element_sheet(ws, name: str, sheet: str, problems: _Problems, key, organisation
                        ) -> tuple[dict | None, list]:
    """Column positions and answer rows of one element sheet (None if the sheet is skipped)."""
    fail = {"action": "sheet skipped: its questions count as missing",
            "organisation": organisation}
    values = list(ws.iter_rows(min_row=1, values_only=True))
    header = values[HEADER_ROW - 1] if len(values) >= HEADER_ROW else ()

    def columns_of(row) -> dict:
        cols = {}
        for c, text in enumerate(row, start=1):
            if isinstance(text, str):
                field_ = _HEADER_ALIASES.get(" ".join(text.split()).casefold())
                if field_ is not None:
                    cols.setdefault(field_, c)
        return cols

    merged = [m for m in ws.merged_cells.ranges if m.max_row >= HEADER_ROW]
    if merged:
        first = min(merged, key=lambda m: (m.min_row, m.min_col))
        in_header = first.min_row <= HEADER_ROW
        problems.add(SheetError(
            "merged cells in the header row" if in_header else "merged cells in the answer rows",
            file=name, sheet=sheet, cell=first.coord,
            expected=(f"one header name per cell in row {HEADER_ROW}" if in_header else
                      "one value per cell (a merged cell keeps only its first value)"),
            found=[m.coord for m in merged]), key=(*key, first.min_row), **fail)
        return None, []
    cols = columns_of(header)
    if "question_id" not in cols or "answer" not in cols:
        elsewhere = [r for r, row in enumerate(values[:_HEADER_SEARCH_ROWS], start=1)
                     if r != HEADER_ROW and {"question_id", "answer"} <= set(columns_of(row))]
        if elsewhere:
            problems.add(SheetError(
                "header row not where expected", file=name, sheet=sheet,
                cell=f"A{elsewhere[0]}",
                expected=f"the header ({' | '.join(WORKBOOK_HEADER)}) in row {HEADER_ROW}, "
                         f"answers from row {FIRST_ANSWER_ROW}",
                found=[f"a header in row {elsewhere[0]}"]), key=(*key, elsewhere[0]), **fail)
        else:
            needed = [n for f, n in (("question_id", "Question ID"), ("answer", "Maturity"))
                      if f not in cols]
            problems.add(SheetError(
                "header row missing required columns", file=name, sheet=sheet,
                cell=f"A{HEADER_ROW}",
                expected=f"{' and '.join(needed)} in row {HEADER_ROW} "
                         f"({' | '.join(WORKBOOK_HEADER)})",
                found=[" | ".join("" if v is None else str(v) for v in header) or "an empty row"]),
                key=(*key, HEADER_ROW), **fail)
        return None, []
    for field_, label in (("evidence", "Evidence"), ("staff_groups", "Staff groups covered"),
                          ("completed_on", "Date completed")):
        if field_ not in cols:
            problems.add(SheetError(
                "header column missing", file=name, sheet=sheet, cell=f"A{HEADER_ROW}",
                expected=f"a '{label}' column in row {HEADER_ROW}"),
                action=f"'{label}' treated as blank", organisation=organisation,
                key=(*key, HEADER_ROW))
    positions = [cols.get(f) for f in _READ_COLUMNS]
    records = []
    for r, row in enumerate(values[FIRST_ANSWER_ROW - 1:], start=FIRST_ANSWER_ROW):
        picked = [row[c - 1] if c is not None and c <= len(row) else None for c in positions]
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in picked):
            continue
        records.append((r, *picked))
    return cols, records


def load_diagnostic_workbooks(folder_or_files, *, scale=None, questions=None, errors="report",
                              progress=True) -> Diagnostic:
    """Read one diagnostic workbook per organisation, validate, and report what is wrong.

    Parameters
    ----------
    folder_or_files : str, Path or list of paths
        A folder (every ``.xlsx``/``.xlsm`` file in it, by file name; Excel's
        ``~$`` lock files are ignored), one workbook, or a list of workbooks.
    scale, questions : optional
        The maturity scale and question table, as for :func:`load_diagnostic_csv`.
    errors : {"report", "raise"}, default "report"
        ``"report"``: collect every problem in ``.problems`` (and warn once),
        load everything that can be loaded.  ``"raise"``: raise the first
        problem (in file, sheet and row order) as its named error.
    progress : bool, default True
        Show a tqdm progress bar over the files.

    Returns
    -------
    Diagnostic
        As :func:`load_diagnostic_csv`, with ``.answers`` carrying ``file``,
        ``sheet`` and ``row`` (where each answer was read), ``.completeness``
        with every organisation whose cover sheet was read (plus its ``file``
        and ``n_problems``), ``.problems`` and ``.cover``.

    Notes
    -----
    **Workbook layout** (as written by :func:`write_diagnostic_workbook`): a
    ``Cover`` sheet whose column A holds labels and column B values
    (``Organisation`` is required; ``Organisation code``, ``Organisation type``,
    ``Integrated care system``, ``Lead (role)``, ``Diagnostic started``, ``Last
    updated`` are read when present); one sheet per element named as
    ``elements()["sheet_name"]``, with the header in row 2 and one question per
    row from row 3.  Header cells are found by name, in any column order:
    ``Question ID`` and ``Maturity`` are required; ``Evidence``, ``Staff groups
    covered`` and ``Date completed`` are read when present.  Row 1 (a title)
    may be merged.  Blank rows are skipped; other sheets (instructions, notes)
    are ignored.  Maturity is a scale label or its points; dates are Excel
    dates, ``2021-11-15`` or ``15/11/2021`` (time of day ignored).

    **What a problem stops.**  Nothing stops the other files, and nothing is
    dropped without a row in ``.problems`` saying so (and, with
    ``errors="report"``, a warning).  Problem -> error -> what the loader does:

    * empty file, not a zip archive, damaged workbook -> UnreadableFileError ->
      file skipped;
    * no ``Cover`` sheet, or no organisation name on it -> SheetError -> file
      skipped (answers are never guessed onto an organisation);
    * organisation already read from another file -> DuplicateKeyError ->
      the later file skipped;
    * element sheet missing -> SheetError -> its questions count as missing;
    * merged cells in the header or answer rows, header not in row 2, or no
      ``Question ID``/``Maturity`` header -> SheetError -> sheet skipped, its
      questions count as missing;
    * ``Evidence``/``Staff groups covered``/``Date completed`` column missing
      -> SheetError -> that column read as blank;
    * answer row without a question id, unknown question id -> InvalidValueError
      -> row not used;
    * a question id repeated in a workbook -> DuplicateKeyError -> none of its
      rows used (which one is right cannot be told), the question counts as
      missing;
    * answer not on the scale -> InvalidValueError -> answer not used (the
      question counts as missing; the rest of the row is kept);
    * unreadable date -> InvalidValueError -> date left blank;
    * a staff group outside :func:`staff_groups` -> InvalidValueError -> kept as
      written (:func:`evidence_coverage` will refuse it until it is fixed);
    * a question on another element's sheet -> SheetError -> kept, scored under
      its own element.

    Questions not answered (blank Maturity) are not problems: they count as
    missing in ``.completeness``.

    Raises
    ------
    UnreadableFileError
        If the folder does not exist, holds no workbooks, or no workbook in it
        could be read at all (the message lists the first problems).
    SheetError, InvalidValueError, DuplicateKeyError, UnreadableFileError
        With ``errors="raise"``: the first problem (in file, sheet and row
        order) of those listed in the Notes.

    Example
    -------
    >>> import tempfile, pathlib, pandas as pd
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = write_diagnostic_workbook(folder / "HV13.xlsx", organisation="Kestrel Hill Hospice",
    ...     answers=pd.DataFrame({"question_id": ["ENV-01", "ENV-02"],
    ...                           "answer": ["Embedded", "Planning"]}))
    >>> _ = (folder / "HV14.xlsx").write_bytes(b"")
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     d = load_diagnostic_workbooks(folder, progress=False)
    >>> d.completeness[["organisation", "n_answered", "file"]]
               organisation  n_answered       file
    0  Kestrel Hill Hospice           2  HV13.xlsx
    >>> print(d.problems.loc[0, "message"])
    cannot read HV14.xlsx: the file is empty (0 bytes)
    """
    if errors not in ("report", "raise"):
        raise ValueError(f"errors must be 'report' or 'raise'; got {errors!r}")
    from tqdm.auto import tqdm

    files, source = _workbook_files(folder_or_files)
    scale = maturity_scale(scale)
    q = _questions(questions)
    element_order = list(pd.unique(q["element"]))
    sheets = {_sheet_name(e): e for e in element_order}
    problems = _Problems()
    covers: list[dict] = []
    records: list[tuple] = []
    seen: dict[str, str] = {}

    for file_no, path in enumerate(tqdm(files, desc="reading workbooks", unit="workbook",
                                        disable=not progress)):
        name = path.name
        try:
            book = _open_workbook(path)
        except UnreadableFileError as exc:
            problems.add(exc, action="file skipped", key=(file_no, -1, 0))
            continue
        try:
            cover = _read_cover(book, name, problems, file_no)
            if cover is None:
                continue
            org = cover["organisation"]
            if org in seen:
                problems.add(DuplicateKeyError(
                    f"organisation '{org}' already read from {seen[org]}", file=name,
                    sheet=COVER_SHEET, cell=f"B{cover['_row']}",
                    expected="one workbook per organisation"),
                    action="file skipped", organisation=org, key=(file_no, -1, cover["_row"]))
                continue
            seen[org] = name
            covers.append(cover)
            for sheet_no, (sheet, element) in enumerate(sheets.items()):
                key = (file_no, sheet_no)
                if sheet not in book.sheetnames:
                    problems.add(SheetError(
                        "element sheet missing", file=name, sheet=sheet,
                        expected=f"a sheet named '{sheet}' for the element '{element}'",
                        found=book.sheetnames),
                        action="its questions count as missing", organisation=org,
                        key=(*key, 0))
                    continue
                cols, rows = _read_element_sheet(book[sheet], name, sheet, problems, key, org)
                if cols is None:
                    continue
                letters = tuple(_cell(cols.get(f, 1), 1)[:-1] for f in _READ_COLUMNS)
                records.extend((file_no, sheet_no, name, sheet, org, *letters, *rec)
                               for rec in rows)
        finally:
            book.close()

    raw = pd.DataFrame(records, columns=[
        "_file_no", "_sheet_no", "file", "sheet", "organisation",
        *(f"_col_{f}" for f in _READ_COLUMNS), "row", *(f"_raw_{f}" for f in _READ_COLUMNS)])
    tidy = _validate_workbook_rows(raw, q, scale, sheets, problems)

    ordered = problems.sorted()
    if errors == "raise" and ordered:
        raise ordered[0]["_exc"]
    if not covers:
        listing = "; ".join(row["message"] for row in ordered[:3])
        more = f" and {len(ordered) - 3} more" if len(ordered) > 3 else ""
        raise UnreadableFileError(source, f"none of the {len(files)} workbook(s) could be "
                                          f"read: {listing}{more}")
    table = _problem_table(ordered)
    cover_table = pd.DataFrame(covers, columns=["file", *COVER_FIELDS.values()])
    for col in ("started_on", "last_updated"):
        cover_table[col] = pd.to_datetime(cover_table[col].map(_none), errors="coerce")
    diag = load_diagnostic_csv(tidy, scale=scale, questions=q)
    completeness = _completeness(diag.answers, q, organisations=cover_table["organisation"])
    completeness["file"] = completeness["organisation"].map(
        cover_table.set_index("organisation")["file"])
    completeness["n_problems"] = completeness["organisation"].map(
        table["organisation"].value_counts()).fillna(0).astype("int64")
    if len(table):
        skipped = int((table["action"] == "file skipped").sum())
        warnings.warn(
            f"{len(table)} problem(s) in {table['file'].nunique()} of {len(files)} workbooks"
            f" ({skipped} file(s) skipped); see the .problems table", UserWarning, stacklevel=2)
    return Diagnostic(answers=diag.answers, completeness=completeness, scale=scale,
                      questions=q, source=source, problems=table, cover=cover_table)


def _validate_workbook_rows(raw: pd.DataFrame, q: pd.DataFrame, scale: pd.DataFrame,
                            sheets: dict, problems: _Problems) -> pd.DataFrame:
    """Check the answer rows of every workbook at once; record problems; return the tidy form."""

    def cells(field_, mask) -> pd.Series:
        return raw.loc[mask, f"_col_{field_}"] + raw.loc[mask, "row"].astype(str)

    def report(mask, field_, make, action) -> None:
        sub = raw[mask]
        for (_, rec), cell in zip(sub.iterrows(), cells(field_, mask)):
            exc = make(rec, cell)
            problems.add(exc, action=action, organisation=rec["organisation"],
                         key=(rec["_file_no"], rec["_sheet_no"], rec["row"]))

    def where(rec, cell) -> dict:
        return {"file": rec["file"], "sheet": rec["sheet"], "cell": cell}

    text = {f: _text_cells(raw[f"_raw_{f}"]) for f in ("question_id", "answer", "evidence",
                                                       "staff_groups")}
    qid = text["question_id"].str.upper()
    keep = pd.Series(True, index=raw.index)

    no_id = _blank(qid)
    report(no_id, "question_id", lambda rec, cell: InvalidValueError(
        "answer row without a question id", **where(rec, cell),
        expected="the question id (e.g. ENV-01) in every answer row"), "row not used")
    keep &= ~no_id

    element_of = q.set_index("question_id")["element"]
    unknown = keep & ~qid.isin(element_of.index)
    ids = element_of.index
    report(unknown, "question_id", lambda rec, cell: InvalidValueError(
        f"unknown question id '{_text(rec['_raw_question_id'])}'", **where(rec, cell),
        expected=f"one of the {len(ids)} question ids {ids[0]} ... {ids[-1]} "
                 "(see diagnostic.framework())"), "row not used")
    keep &= ~unknown

    dup = keep & pd.DataFrame({"o": raw["organisation"], "q": qid}).duplicated(keep=False)
    first_cell = (raw["sheet"] + "!" + raw["_col_question_id"] + raw["row"].astype(str))
    where_dup = first_cell[dup].groupby([raw.loc[dup, "organisation"], qid[dup]]).agg(", ".join)
    report(dup, "question_id", lambda rec, cell: DuplicateKeyError(
        f"question id {qid[rec.name]} repeated in the workbook", **where(rec, cell),
        expected="each question once per organisation",
        found=[where_dup[(rec["organisation"], qid[rec.name])]]),
        "none of the repeated rows used; the question counts as missing")
    keep &= ~dup

    sheet_element = raw["sheet"].map(sheets)
    misplaced = keep & (qid.map(element_of) != sheet_element)
    report(misplaced, "question_id", lambda rec, cell: SheetError(
        f"question {qid[rec.name]} is on another element's sheet", **where(rec, cell),
        expected=f"it on the sheet '{_sheet_name(element_of[qid[rec.name]])}'"),
        "kept: scored under its own element")

    answer_text, unanswered, points = _answer_points(text["answer"], scale)
    off = keep & ~unanswered & points.isna()
    report(off, "answer", lambda rec, cell: InvalidValueError(
        f"answer not on the maturity scale: '{_text(rec['_raw_answer'])}'", **where(rec, cell),
        expected=_scale_expected(scale)), "answer not used: the question counts as missing")
    answer = answer_text.where(~off & ~unanswered)

    dates, bad_date = _workbook_dates(raw["_raw_completed_on"])
    bad_date &= keep
    report(bad_date, "completed_on", lambda rec, cell: InvalidValueError(
        f"unreadable date '{_text(rec['_raw_completed_on'])}'", **where(rec, cell),
        expected="an Excel date, 2021-11-15 or 15/11/2021"), "date not used")

    groups = text["staff_groups"]
    terms = _staff_group_terms(groups[keep & ~_blank(groups)])
    bad_terms = terms[terms["covers"].isna()]
    if len(bad_terms):
        listing = bad_terms.groupby(level=0)["term"].agg(list)
        unknown_groups = pd.Series(False, index=raw.index)
        unknown_groups[listing.index] = True
        vocab = ", ".join(staff_groups()["staff_group"])
        report(unknown_groups, "staff_groups", lambda rec, cell: InvalidValueError(
            "unknown staff group", **where(rec, cell),
            expected=f"terms of staff_groups(): {vocab} (or 'AfC 2-4', 'Band 5'), "
                     "separated by ';'", found=listing[rec.name]),
            "kept as written; evidence_coverage() will not accept it")

    tidy = pd.DataFrame({
        "organisation": raw["organisation"],
        "question_id": qid,
        "answer": answer,
        "evidence": text["evidence"],
        "staff_groups": groups,
        "completed_on": dates.dt.strftime("%Y-%m-%d").where(~bad_date & dates.notna()),
        "file": raw["file"],
        "sheet": raw["sheet"],
        "row": raw["row"].astype("int64"),
    })[keep.to_numpy()]
    return tidy.reset_index(drop=True)


def _text(value) -> str:
    return "" if _none(value) is None else str(value)


def _text_cells(values: pd.Series) -> pd.Series:
    """Cell values as stripped text (numbers as written: 3 -> '3'; blank -> missing)."""
    out = values.map(_text, na_action="ignore").astype("str").str.strip()
    return out.where(~_blank(out))


def _workbook_dates(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Dates from cells holding Excel dates, text dates or Excel serial numbers; bad mask."""
    kinds = values.map(type)
    present = values.notna()
    dated = kinds.map(lambda t: issubclass(t, (datetime.date, np.datetime64)))
    numeric = kinds.map(lambda t: issubclass(t, (int, float)) and not issubclass(t, bool))
    numeric &= present
    textual = kinds.map(lambda t: issubclass(t, str))
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")
    if dated.any():
        out[dated] = pd.to_datetime(values[dated].map(pd.Timestamp)).dt.normalize()
    if numeric.any():  # an Excel serial number in a cell without a date format
        serial = values[numeric].astype("float64")
        ok = serial.between(20_000, 80_000)  # 1954-2119
        out[numeric & ok.reindex(values.index, fill_value=False)] = (
            pd.Timestamp("1899-12-30") + pd.to_timedelta(serial[ok].round(), unit="D"))
    if textual.any():
        text = values[textual].astype("str").str.strip()
        given = text != ""
        present &= ~(textual & ~given.reindex(values.index, fill_value=True))
        parsed = pd.to_datetime(text.where(given), format="ISO8601", errors="coerce")
        retry = given & parsed.isna()
        if retry.any():
            parsed = parsed.where(~retry, pd.to_datetime(text.where(retry), format="%d/%m/%Y",
                                                         errors="coerce"))
        out[textual] = parsed.dt.normalize()
    return out, present & out.isna()


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
              .unstack("level").reindex(index=out.index, columns=labels, fill_value=0))
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


# ------------------------------------------------------------------ staging
#: status of an organisation x element in :func:`staging_progress`, in display order
STAGING_STATUSES = ("on time", "late", "in progress", "not started", "not yet due", "no date")


def staging_progress(data, *, start, as_of=None, element_order=None) -> pd.DataFrame:
    """Planned vs actual completion, one element a month, per organisation x element.

    Mid and South Essex asked organisations to complete one element of the
    diagnostic a month, then discuss it before moving on.  Element *k* (1, 2,
    ...) of ``element_order`` is planned for the *k*-th month from ``start`` and
    due on that month's last day.

    Parameters
    ----------
    data : Diagnostic, DataFrame, str or Path
        Loaded diagnostics, or anything :func:`load_diagnostic_csv` accepts; the
        ``completed_on`` dates are used.
    start : date-like
        Any day of the month in which the first element is planned
        (``"2021-11"`` or ``"2021-11-01"``).
    as_of : date-like, optional
        The date the progress is judged at; default the latest completion date
        in the data (so the result does not depend on today's date).  Answers
        dated after ``as_of`` are treated as not yet given.
    element_order : list of str, optional
        The order elements are tackled in; default the framework order.  Must
        name every element once.

    Returns
    -------
    DataFrame
        One row per organisation x element (elements in the planned order):
        ``organisation``, ``element``, ``step`` (1, 2, ...), ``planned_month``
        (``"2021-11"``), ``due_on`` (last day of the planned month),
        ``n_questions``, ``n_answered`` (by ``as_of``), ``completed_on`` (the
        latest completion date of the element's questions, once all are
        answered), ``days_late`` (see below), ``status`` and ``as_of``.

    Notes
    -----
    ``status`` is one of :data:`STAGING_STATUSES`:

    * ``on time`` / ``late`` - every question answered, the last one on or
      before / after the due date; ``days_late`` = completed_on - due_on in
      days (0 when on time);
    * ``in progress`` / ``not started`` - due by ``as_of`` but some / none of
      its questions answered; ``days_late`` = as_of - due_on (still counting);
    * ``not yet due`` - unfinished and due after ``as_of``; ``days_late`` missing;
    * ``no date`` - every question answered but none has a completion date.

    Example
    -------
    >>> import pandas as pd
    >>> ids = [f"PHW-0{i}" for i in range(1, 10)]
    >>> data = pd.DataFrame({"organisation": "Trust A", "question_id": ids, "answer": 2,
    ...                      "completed_on": ["2021-11-20"] * 8 + ["2021-12-06"]})
    >>> p = staging_progress(data, start="2021-11", as_of="2022-01-15")
    >>> p[["step", "due_on", "completed_on", "days_late", "status"]].head(3)
       step     due_on completed_on  days_late       status
    0     1 2021-11-30   2021-12-06          6         late
    1     2 2021-12-31          NaT         15  not started
    2     3 2022-01-31          NaT       <NA>  not yet due
    """
    diag = _as_diagnostic(data)
    q = diag.questions
    framework_order = list(pd.unique(q["element"]))
    if element_order is None:
        order = framework_order
    else:
        order = [str(e) for e in element_order]
        if sorted(order) != sorted(framework_order) or len(set(order)) != len(order):
            raise ValueError(
                "element_order must name every element once; expected "
                f"{', '.join(framework_order)}; got {', '.join(order)}")
    try:
        first = pd.Period(pd.Timestamp(start), freq="M")
    except (ValueError, TypeError) as exc:
        raise ValueError(f"start must be a date such as '2021-11-01'; got {start!r}") from exc
    a = diag.answers
    if as_of is None:
        as_of = a["completed_on"].max()
        if pd.isna(as_of):
            raise ValueError("no completion dates in the data: pass as_of= explicitly")
    as_of = pd.Timestamp(as_of).normalize()
    orgs = diag.completeness["organisation"].tolist()
    months = pd.period_range(first, periods=len(order), freq="M")
    plan = pd.DataFrame({
        "element": order,
        "step": np.arange(1, len(order) + 1),
        "planned_month": months.strftime("%Y-%m"),
        "due_on": months.end_time.normalize().astype("datetime64[us]"),
        "n_questions": q.groupby("element").size().reindex(order).to_numpy(),
    })
    grid = pd.DataFrame({"organisation": np.repeat(orgs, len(order)),
                         "element": np.tile(order, len(orgs))}).merge(plan, on="element",
                                                                      how="left")
    done = a[a["points"].notna() & ~(a["completed_on"] > as_of)]
    done = done.assign(element=done["question_id"].map(q.set_index("question_id")["element"]))
    g = done.groupby(["organisation", "element"])
    stats = pd.DataFrame({"n_answered": g.size(), "last": g["completed_on"].max()})
    stats = stats.reindex(pd.MultiIndex.from_frame(grid[["organisation", "element"]]))
    grid["n_answered"] = stats["n_answered"].fillna(0).astype("int64").to_numpy()
    finished = grid["n_answered"].to_numpy() >= grid["n_questions"].to_numpy()
    last = pd.Series(stats["last"].to_numpy(), index=grid.index).astype("datetime64[us]")
    grid["completed_on"] = last.where(finished)
    due = grid["due_on"]
    overdue = ~finished & (due < as_of)
    status = np.select(
        [finished & grid["completed_on"].isna(), finished & (grid["completed_on"] <= due),
         finished, overdue & (grid["n_answered"] > 0), overdue],
        ["no date", "on time", "late", "in progress", "not started"], default="not yet due")
    late_days = (grid["completed_on"] - due).dt.days.clip(lower=0)
    open_days = (as_of - due).dt.days
    days = pd.Series(pd.NA, index=grid.index, dtype="Int64")
    days[finished & grid["completed_on"].notna()] = late_days[finished
                                                              & grid["completed_on"].notna()]
    days[overdue] = open_days[overdue]
    grid["days_late"] = days
    grid["status"] = pd.Series(status, index=grid.index, dtype="str")
    grid["as_of"] = as_of
    cols = ["organisation", "element", "step", "planned_month", "due_on", "n_questions",
            "n_answered", "completed_on", "days_late", "status", "as_of"]
    return grid[cols]


def staging_summary(progress: pd.DataFrame) -> pd.DataFrame:
    """Who is behind: one row per organisation from :func:`staging_progress`.

    Returns
    -------
    DataFrame
        ``organisation``, ``n_elements``, ``n_due`` (due by ``as_of``),
        ``n_finished``, ``n_on_time``, ``n_late`` (finished after the due date),
        ``n_overdue`` (due, unfinished: in progress or not started),
        ``max_days_late`` (largest ``days_late``, 0 if none), ``behind`` (True
        when something is overdue) and ``overdue_elements`` (``"; "``-joined).
        Sorted with those behind first (most overdue elements, then most days
        late), otherwise in the order of ``progress``.

    Example
    -------
    >>> import pandas as pd
    >>> progress = pd.DataFrame({
    ...     "organisation": ["A", "A", "B", "B"], "element": ["E1", "E2", "E1", "E2"],
    ...     "due_on": pd.to_datetime(["2021-11-30", "2021-12-31"] * 2),
    ...     "days_late": pd.array([0, 3, 20, 45], dtype="Int64"),
    ...     "status": ["on time", "late", "late", "not started"],
    ...     "as_of": pd.Timestamp("2022-02-14")})
    >>> staging_summary(progress)[["organisation", "n_late", "n_overdue", "max_days_late",
    ...                            "behind", "overdue_elements"]]  # doctest: +NORMALIZE_WHITESPACE
      organisation  n_late  n_overdue  max_days_late  behind overdue_elements
    0            B       1          1             45    True               E2
    1            A       1          0              3   False
    """
    require_columns(progress, ["organisation", "element", "due_on", "days_late", "status",
                               "as_of"], what="staging progress")
    check_allowed(progress, "status", STAGING_STATUSES, allow_missing=False)
    p = progress.assign(
        _due=progress["due_on"] <= progress["as_of"],
        _finished=progress["status"].isin(["on time", "late", "no date"]),
        _on_time=progress["status"] == "on time",
        _late=progress["status"] == "late",
        _overdue=progress["status"].isin(["in progress", "not started"]),
        _days=pd.to_numeric(progress["days_late"]).fillna(0),
    )
    g = p.groupby("organisation", sort=False)
    out = pd.DataFrame({
        "n_elements": g.size(),
        "n_due": g["_due"].sum(),
        "n_finished": g["_finished"].sum(),
        "n_on_time": g["_on_time"].sum(),
        "n_late": g["_late"].sum(),
        "n_overdue": g["_overdue"].sum(),
        "max_days_late": g["_days"].max(),
    }).astype("int64")
    out["behind"] = out["n_overdue"] > 0
    overdue = p[p["_overdue"]].groupby("organisation", sort=False)["element"].agg("; ".join)
    out["overdue_elements"] = overdue.reindex(out.index).fillna("").astype("str")
    out["_pos"] = np.arange(len(out))
    out = out.sort_values(["behind", "n_overdue", "max_days_late", "_pos"],
                          ascending=[False, False, False, True], kind="stable")
    return out.drop(columns="_pos").reset_index()


def plot_staging(progress: pd.DataFrame, *, ax=None, title="Diagnostic staging: one element a "
                 "month", annotate=True):
    """Organisation x element grid coloured by staging status (from :func:`staging_progress`).

    Each cell is one element of one organisation, coloured by ``status``
    (on time green, late amber, in progress yellow, not started red, not yet due
    grey); late and overdue cells show their ``days_late``.  Columns are the
    elements in planned order, labelled with their planned month.

    Parameters
    ----------
    progress : DataFrame
        The output of :func:`staging_progress`.
    ax : matplotlib Axes, optional
        Axes to draw on; default a new figure sized to the grid.
    title : str
        Axes title.
    annotate : bool, default True
        Write the days late in late and overdue cells.

    Returns
    -------
    matplotlib.axes.Axes

    Example
    -------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> data = pd.DataFrame({"organisation": "Trust A", "question_id": ["PHW-01"],
    ...                      "answer": [2], "completed_on": ["2021-11-20"]})
    >>> ax = plot_staging(staging_progress(data, start="2021-11", as_of="2022-01-15"))
    >>> ax.get_xlabel(), len(ax.get_yticklabels())
    ('Element (planned month)', 1)
    """
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    require_columns(progress, ["organisation", "element", "planned_month", "status",
                               "days_late"], what="staging progress")
    check_allowed(progress, "status", STAGING_STATUSES, allow_missing=False)
    colours = {"on time": "#009639", "late": "#ED8B00", "in progress": "#FFB81C",
               "not started": "#DA291C", "not yet due": "#E8EDEE", "no date": "#768692"}
    orgs = list(pd.unique(progress["organisation"]))
    els = list(pd.unique(progress["element"]))
    codes = progress["status"].map({s: i for i, s in enumerate(STAGING_STATUSES)})
    grid = (pd.DataFrame({"o": progress["organisation"], "e": progress["element"], "c": codes})
            .pivot(index="o", columns="e", values="c").reindex(index=orgs, columns=els))
    if ax is None:
        _, ax = plt.subplots(figsize=(1.3 * len(els) + 3.5, 0.35 * len(orgs) + 2))
    cmap = ListedColormap([colours[s] for s in STAGING_STATUSES])
    ax.imshow(grid.to_numpy(dtype=float), cmap=cmap, vmin=-0.5,
              vmax=len(STAGING_STATUSES) - 0.5, aspect="auto")
    months = progress.drop_duplicates("element").set_index("element")["planned_month"]
    ax.set_xticks(range(len(els)))
    ax.set_xticklabels([f"{_sheet_name(e)}\n{months[e]}" for e in els], rotation=30,
                       ha="right", fontsize=8)
    ax.set_yticks(range(len(orgs)))
    ax.set_yticklabels(orgs, fontsize=8)
    ax.set_xlabel("Element (planned month)")
    ax.set_ylabel("Organisation")
    ax.set_title(title)
    if annotate:
        show = progress["status"].isin(["late", "in progress", "not started"])
        show &= progress["days_late"].notna()
        pos_o = progress["organisation"].map({o: i for i, o in enumerate(orgs)})
        pos_e = progress["element"].map({e: i for i, e in enumerate(els)})
        for y, x, d in zip(pos_o[show], pos_e[show], progress.loc[show, "days_late"]):
            ax.text(x, y, f"{int(d)}d", ha="center", va="center", fontsize=7)
    present = [s for s in STAGING_STATUSES if (progress["status"] == s).any()]
    ax.legend(handles=[Patch(color=colours[s], label=s) for s in present],
              loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False,
              title="status", title_fontsize=8)
    return ax


# ------------------------------------------------------------------ evidence coverage
def staff_groups() -> pd.DataFrame:
    """The controlled vocabulary of staff groups that evidence can cover.

    Columns: ``staff_group`` (the term to write, e.g. ``"AfC 5"``), ``kind``
    (``AfC band``, ``staff group`` or ``AfC band range``), ``covers`` (the
    single groups a term stands for, ``"; "``-joined: ``"AfC 2-4"`` covers
    ``AfC 2; AfC 3; AfC 4``), ``aliases`` (other spellings accepted, such as
    ``Band 5``), ``description``, ``source``, ``year``.

    The *single* groups - the nine Agenda for Change bands (band 8 takes in
    8a-8d), Medical and dental, Social care, Bank/temporary and Other pay scales
    - are the columns of :func:`evidence_coverage`.  Besides the listed terms,
    any band range written ``AfC 5-6``, ``Bands 5 to 6`` or ``Band 8b`` is
    understood; case, spacing and en dashes do not matter.  In a workbook or
    CSV, separate terms with ``;`` (``,`` also works).

    Reference: NHS Employers, *NHS Terms and Conditions of Service (Agenda for
    Change)* pay bands 1-9; the grouping and the other terms are wellbeing_lib's.

    Example
    -------
    >>> g = staff_groups()
    >>> g.loc[g["kind"] != "AfC band", ["staff_group", "covers"]].head(5)
               staff_group               covers
    9   Medical and dental   Medical and dental
    10         Social care          Social care
    11      Bank/temporary       Bank/temporary
    12    Other pay scales     Other pay scales
    13             AfC 2-4  AfC 2; AfC 3; AfC 4
    """
    return read_package_table(STAFF_GROUPS_FILE)


def _base_groups(vocabulary: pd.DataFrame) -> list[str]:
    """The single groups (terms that cover only themselves), in vocabulary order."""
    return vocabulary.loc[vocabulary["covers"] == vocabulary["staff_group"],
                          "staff_group"].tolist()


def _norm_group(terms: pd.Series) -> pd.Series:
    return (terms.astype("str").str.casefold()
            .str.replace(r"[\u2010-\u2015]", "-", regex=True)
            .str.replace(r"\s*-\s*", "-", regex=True)
            .str.replace(r"\s+", " ", regex=True).str.strip())


_BAND_RANGE = (r"^(?:(?:afc|agenda for change)(?: ?bands?)?|bands?) ?([1-9])[a-d]?"
               r"(?:(?:-| to )(?:band ?)?([1-9])[a-d]?)?$")


def _staff_group_terms(values: pd.Series, vocabulary: pd.DataFrame | None = None
                       ) -> pd.DataFrame:
    """One row per term written in ``values`` (index = the row's label): ``term`` and
    ``covers`` (tuple of single groups, or missing for a term not in the vocabulary)."""
    vocabulary = staff_groups() if vocabulary is None else vocabulary
    terms = values.dropna().astype("str").str.split(r"[;,\n]", regex=True).explode()
    terms = terms.str.strip()
    terms = terms[~_blank(terms)]
    names = vocabulary["staff_group"].astype("str")
    covers = vocabulary["covers"].astype("str").str.split(r"\s*;\s*", regex=True).map(tuple)
    lookup = dict(zip(_norm_group(names), covers))
    aliases = vocabulary["aliases"].fillna("").astype("str").str.split(";").explode().str.strip()
    aliases = aliases[aliases != ""]
    lookup.update({k: covers[i] for k, i in zip(_norm_group(aliases), aliases.index)
                   if k not in lookup})
    norm = _norm_group(terms)
    found = norm.map(lookup)
    bands = norm.str.extract(_BAND_RANGE)
    lo = pd.to_numeric(bands[0], errors="coerce")
    hi = pd.to_numeric(bands[1], errors="coerce").fillna(lo)
    ranged = found.isna() & lo.notna() & (hi >= lo)
    found[ranged] = [tuple(f"AfC {b}" for b in range(int(a), int(z) + 1))
                     for a, z in zip(lo[ranged], hi[ranged])]
    return pd.DataFrame({"term": terms, "covers": found})


def _as_diagnostic(data, scale=None) -> Diagnostic:
    if isinstance(data, Diagnostic):
        return data
    return load_diagnostic_csv(data, scale=scale)


def evidence_coverage(data, *, vocabulary=None, unknown="raise") -> pd.DataFrame:
    """Which staff groups each organisation's evidence covers, per element (tidy).

    Parameters
    ----------
    data : Diagnostic, DataFrame, str or Path
        Loaded diagnostics (:func:`load_diagnostic_workbooks`,
        :func:`load_diagnostic_csv`) or anything :func:`load_diagnostic_csv`
        accepts.  Uses the ``staff_groups`` column: the groups the evidence for
        each question covers, ``;``-separated terms of :func:`staff_groups`.
    vocabulary : DataFrame, optional
        A staff group table like :func:`staff_groups` (default the bundled one).
    unknown : {"raise", "ignore"}, default "raise"
        What to do with a term outside the vocabulary: raise
        :class:`InvalidValueError` naming the rows, or leave it out.

    Returns
    -------
    DataFrame
        One row per organisation x element x single staff group (organisations
        in order of first appearance, elements in framework order, groups in
        vocabulary order): ``organisation``, ``element``, ``staff_group``,
        ``n_questions`` (in the element), ``n_answered``, ``n_with_groups``
        (question rows naming any staff group), ``n_covering`` (question rows
        whose evidence covers this group), ``covered`` (``n_covering > 0``) and
        ``pct_covering`` = 100 x n_covering / n_questions.

    Notes
    -----
    A range counts for each band in it (``AfC 2-4`` covers AfC 2, 3 and 4).
    Evidence is counted whether or not the question's maturity was answered.

    Example
    -------
    >>> import pandas as pd
    >>> cov = evidence_coverage(pd.DataFrame({
    ...     "organisation": "Trust A", "question_id": ["MGR-01", "MGR-02", "MGR-03"],
    ...     "answer": [3, 2, None],
    ...     "staff_groups": ["AfC 7; AfC 8-9", "Band 8a; Medical", None]}))
    >>> m = cov[cov["element"] == "Managers and leaders"].set_index("staff_group")
    >>> m.loc[["AfC 2", "AfC 7", "AfC 8", "AfC 9", "Medical and dental"],
    ...       ["n_answered", "n_with_groups", "n_covering", "pct_covering"]]
    ... # doctest: +NORMALIZE_WHITESPACE
                        n_answered  n_with_groups  n_covering  pct_covering
    staff_group
    AfC 2                        2              2           0      0.000000
    AfC 7                        2              2           1     11.111111
    AfC 8                        2              2           2     22.222222
    AfC 9                        2              2           1     11.111111
    Medical and dental           2              2           1     11.111111
    """
    if unknown not in ("raise", "ignore"):
        raise ValueError(f"unknown must be 'raise' or 'ignore'; got {unknown!r}")
    diag = _as_diagnostic(data)
    vocabulary = staff_groups() if vocabulary is None else vocabulary
    require_columns(vocabulary, ["staff_group", "covers"], what="staff group vocabulary")
    if "aliases" not in vocabulary.columns:
        vocabulary = vocabulary.assign(aliases="")
    base = _base_groups(vocabulary)
    q = diag.questions
    a = diag.answers.reset_index(drop=True)
    terms = _staff_group_terms(a["staff_groups"], vocabulary)
    bad = terms["covers"].isna()
    if bad.any() and unknown == "raise":
        rows = sorted(set(terms.index[bad]))
        src = diag.answers.index[rows]
        located = ("file" in a.columns and "sheet" in a.columns)
        found = [f"{t} ({a.loc[i, 'file']}, sheet '{a.loc[i, 'sheet']}', row {a.loc[i, 'row']})"
                 if located else t for i, t in terms.loc[bad, "term"].items()]
        raise InvalidValueError(
            "unknown staff group", file=diag.source if not located else None,
            column="staff_groups", rows=list(src),
            expected="terms of staff_groups() such as " + ", ".join(base[:5]) + ", AfC 2-4 ...; "
                     "or pass unknown='ignore'",
            found=found)
    groups = terms.loc[~bad, "covers"].explode().rename("staff_group")
    groups = groups[groups.isin(base)]
    hits = pd.DataFrame({"organisation": a["organisation"].reindex(groups.index).to_numpy(),
                         "question_id": a["question_id"].reindex(groups.index).to_numpy(),
                         "staff_group": groups.to_numpy()}).drop_duplicates()
    element_of = q.set_index("question_id")["element"]
    hits["element"] = hits["question_id"].map(element_of)
    orgs = diag.completeness["organisation"].tolist()
    element_order = list(pd.unique(q["element"]))
    keys = ["organisation", "element"]
    index = pd.MultiIndex.from_product([orgs, element_order, base],
                                       names=[*keys, "staff_group"])
    n_covering = hits.groupby([*keys, "staff_group"]).size().reindex(index, fill_value=0)
    pair = pd.MultiIndex.from_product([orgs, element_order], names=keys)
    a_el = a.assign(element=a["question_id"].map(element_of))
    n_answered = (a_el[a_el["points"].notna()].groupby(keys).size().reindex(pair, fill_value=0))
    with_groups = a_el.loc[sorted(set(groups.index))]
    n_with = with_groups.groupby(keys)["question_id"].nunique().reindex(pair, fill_value=0)
    n_questions = q.groupby("element").size()
    out = n_covering.rename("n_covering").reset_index()
    out.insert(3, "n_questions", out["element"].map(n_questions).astype("int64"))
    pair_pos = pd.MultiIndex.from_frame(out[keys])
    out.insert(4, "n_answered", n_answered.reindex(pair_pos).to_numpy())
    out.insert(5, "n_with_groups", n_with.reindex(pair_pos).to_numpy())
    out["covered"] = out["n_covering"] > 0
    out["pct_covering"] = 100 * out["n_covering"] / out["n_questions"]
    return out


def coverage_matrix(coverage: pd.DataFrame, *, value="covered", by="organisation"
                    ) -> pd.DataFrame:
    """Pivot :func:`evidence_coverage` into a matrix with one column per staff group.

    Parameters
    ----------
    coverage : DataFrame
        The output of :func:`evidence_coverage`.
    value : str, default "covered"
        The column shown in the cells (``covered``, ``n_covering`` or
        ``pct_covering``) when ``by="organisation"``.
    by : {"organisation", "element"}, default "organisation"
        ``"organisation"``: rows are organisation x element.  ``"element"``:
        rows are elements and each cell counts the organisations whose evidence
        covers the group there (0 = a system-wide gap).

    Example
    -------
    >>> import pandas as pd
    >>> cov = evidence_coverage(pd.DataFrame({
    ...     "organisation": ["A", "B"], "question_id": ["MGR-01", "MGR-01"],
    ...     "answer": [3, 2], "staff_groups": ["AfC 7; Medical", "AfC 7"]}))
    >>> coverage_matrix(cov, by="element").loc[["Managers and leaders"],
    ...     ["AfC 3", "AfC 7", "Medical and dental"]]  # doctest: +NORMALIZE_WHITESPACE
    staff_group           AfC 3  AfC 7  Medical and dental
    element
    Managers and leaders      0      2                   1
    """
    require_columns(coverage, ["organisation", "element", "staff_group", "covered"],
                    what="evidence coverage")
    groups = list(pd.unique(coverage["staff_group"]))
    elements_ = list(pd.unique(coverage["element"]))
    if by == "element":
        table = coverage.pivot_table(index="element", columns="staff_group", values="covered",
                                     aggfunc="sum", sort=False).astype("int64")
        return table.reindex(index=elements_, columns=groups)
    if by != "organisation":
        raise ValueError(f"by must be 'organisation' or 'element'; got {by!r}")
    require_columns(coverage, [value], what="evidence coverage")
    table = coverage.pivot(index=["organisation", "element"], columns="staff_group",
                           values=value)
    pairs = pd.MultiIndex.from_frame(coverage[["organisation", "element"]].drop_duplicates())
    return table.reindex(index=pairs, columns=groups)


def _collapse_groups(groups, order: list[str]) -> str:
    """Join single groups in vocabulary order, runs of 2+ adjacent AfC bands as 'AfC a-b'."""
    groups = sorted(set(groups), key=order.index)
    out, run = [], []

    def flush():
        if len(run) >= 2:
            out.append(f"AfC {run[0]}-{run[-1]}")
        elif run:
            out.append(f"AfC {run[0]}")
        run.clear()

    for g in groups:
        m = re.fullmatch(r"AfC ([1-9])", g)
        if m and (not run or int(m.group(1)) == run[-1] + 1):
            run.append(int(m.group(1)))
            continue
        flush()
        if m:
            run.append(int(m.group(1)))
        else:
            out.append(g)
    flush()
    return "; ".join(out)


def evidence_gaps(coverage: pd.DataFrame, *, groups=None, employed=None,
                  vocabulary=None) -> pd.DataFrame:
    """Staff groups nobody's evidence covers (system) and each organisation's own gaps.

    Parameters
    ----------
    coverage : DataFrame
        The output of :func:`evidence_coverage`.
    groups : list of str, optional
        Staff group terms to check (``["AfC 2-4", "Bank/temporary"]``); default
        every single group.
    employed : DataFrame or mapping, optional
        The staff groups each organisation employs, so that a council is not told
        it lacks evidence about AfC bands it does not have: a mapping
        ``{organisation: "AfC 1-9; Medical and dental"}`` or a table with
        ``organisation`` and ``staff_groups_employed`` columns (as in the bundled
        ``workforce_organisations.csv``).  Organisations not listed are checked
        for every group.  Applies to the organisation rows only.
    vocabulary : DataFrame, optional
        The staff group table (default :func:`staff_groups`).

    Returns
    -------
    DataFrame
        One row per gap, system rows first: ``level`` (``system`` or
        ``organisation``), ``organisation`` (missing for system rows),
        ``element``, ``n_organisations`` (system: organisations with answers or
        evidence on the element; organisation: 1), ``missing_groups``
        (adjacent AfC bands joined as ``AfC 2-4``), ``n_missing`` (single
        groups) and ``message``.  Only organisation x element pairs with answers
        or evidence are judged: an element nobody has started is a completeness
        problem (see ``.completeness``), not an evidence gap.

    Example
    -------
    >>> import pandas as pd
    >>> cov = evidence_coverage(pd.DataFrame({
    ...     "organisation": ["A", "A", "B"], "question_id": ["MGR-01", "MGR-02", "MGR-01"],
    ...     "answer": [3, 2, 2], "staff_groups": ["AfC 5-9", "Medical", "AfC 1; AfC 5"]}))
    >>> gaps = evidence_gaps(cov, groups=["AfC 1-9", "Medical and dental"])
    >>> print(gaps.loc[0, "message"])
    no organisation has evidence about AfC 2-4 on Managers and leaders (2 organisations answered)
    >>> gaps[["level", "organisation", "missing_groups"]]
              level organisation                        missing_groups
    0        system          NaN                               AfC 2-4
    1  organisation            A                               AfC 1-4
    2  organisation            B  AfC 2-4; AfC 6-9; Medical and dental
    """
    require_columns(coverage, ["organisation", "element", "staff_group", "covered",
                               "n_answered", "n_with_groups"], what="evidence coverage")
    vocabulary = staff_groups() if vocabulary is None else vocabulary
    order = list(pd.unique(coverage["staff_group"]))
    checked = order
    if groups is not None:
        terms = _staff_group_terms(pd.Series(["; ".join(map(str, groups))]), vocabulary)
        if terms["covers"].isna().any():
            raise InvalidValueError(
                "unknown staff group in groups=", expected="terms of staff_groups()",
                found=terms.loc[terms["covers"].isna(), "term"].tolist())
        wanted = set(terms["covers"].explode())
        checked = [g for g in order if g in wanted]
    cov = coverage[coverage["staff_group"].isin(checked)]
    active = (cov["n_answered"] > 0) | (cov["n_with_groups"] > 0)
    cov = cov[active]

    # system: groups covered by nobody among the organisations active on the element
    by_el = cov.groupby(["element", "staff_group"], sort=False)["covered"].any()
    n_orgs = cov.groupby("element", sort=False)["organisation"].nunique()
    system_missing = by_el[~by_el].reset_index()
    system = (system_missing.groupby("element", sort=False)["staff_group"]
              .agg(list).reset_index())
    system["level"] = "system"
    system["organisation"] = np.nan
    system["n_organisations"] = system["element"].map(n_orgs).astype("int64")

    # organisation: groups the organisation (employing them) does not cover
    own = cov[~cov["covered"]]
    if employed is not None:
        if isinstance(employed, pd.DataFrame):
            require_columns(employed, ["organisation", "staff_groups_employed"],
                            what="employed staff groups")
            employed = dict(zip(employed["organisation"], employed["staff_groups_employed"]))
        emp_terms = _staff_group_terms(pd.Series(employed, dtype="str"), vocabulary)
        if emp_terms["covers"].isna().any():
            raise InvalidValueError(
                "unknown staff group in employed=", expected="terms of staff_groups()",
                found=emp_terms.loc[emp_terms["covers"].isna(), "term"].tolist())
        pairs = emp_terms["covers"].explode()
        allowed = pd.MultiIndex.from_arrays([pairs.index.astype("str"), pairs.to_numpy()])
        listed = own["organisation"].isin(list(employed))
        mask = pd.MultiIndex.from_frame(own[["organisation", "staff_group"]]).isin(allowed)
        own = own[~listed.to_numpy() | mask]
    orgs_ = (own.groupby(["organisation", "element"], sort=False)["staff_group"]
             .agg(list).reset_index())
    orgs_["level"] = "organisation"
    orgs_["n_organisations"] = 1

    out = pd.concat([system, orgs_], ignore_index=True)
    out["missing_groups"] = out["staff_group"].map(lambda g: _collapse_groups(g, order))
    out["n_missing"] = out["staff_group"].map(len).astype("int64")
    plural = np.where(out["n_organisations"] == 1, "organisation", "organisations")
    system_msg = ("no organisation has evidence about " + out["missing_groups"] + " on "
                  + out["element"] + " (" + out["n_organisations"].astype(str) + " "
                  + plural + " answered)")
    org_msg = (out["organisation"].astype("str") + " has no evidence about "
               + out["missing_groups"] + " on " + out["element"])
    out["message"] = np.where(out["level"] == "system", system_msg, org_msg)
    cols = ["level", "organisation", "element", "n_organisations", "missing_groups",
            "n_missing", "message"]
    return out[cols]
