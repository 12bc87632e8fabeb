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
:func:`plot_diagnostic_heatmap`     organisation x element heatmap with the system median
:func:`org_profile`                 an organisation's elements against the system median
:func:`plot_org_profile`            that profile as a chart
:func:`load_staff_survey`           staff survey results with ICS and national comparators
:func:`survey_position`             each result's national quartile and place vs the ICS
:func:`element_survey_map`          which survey indicators speak to which element (data)
:func:`load_staff_networks`         staff network leads' stance and comment per element
:func:`triangulate`                 self-assessment vs survey vs networks: convergence codes
:func:`convergence_code`            the coding rules (agreement ... dissonance) on stances
:func:`dissonances`                 ranked dissonances with a plain-English sentence
:func:`plot_convergence`            organisation x element matrix coloured by code
:func:`diagnostic_findings`         positives and gaps per organisation, with their basis
:func:`write_org_reports`           every organisation's XLSX workbook and HTML summary
:func:`write_system_report`         the system-wide themes report (XLSX and HTML)
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

from .errors import (
    DuplicateKeyError,
    InvalidValueError,
    SheetError,
    UnmatchedRecordsError,
    UnreadableFileError,
)
from .io import load_reference_table, read_table
from .validation import (
    check_allowed,
    check_numeric,
    error_location,
    line_numbers,
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
    "single_staff_groups",
    "evidence_coverage",
    "coverage_matrix",
    "evidence_gaps",
    "load_staff_survey",
    "survey_position",
    "element_survey_map",
    "load_staff_networks",
    "convergence_code",
    "triangulate",
    "dissonances",
    "plot_convergence",
    "plot_diagnostic_heatmap",
    "org_profile",
    "plot_org_profile",
    "diagnostic_findings",
    "write_org_reports",
    "write_system_report",
    "FRAMEWORK_FILE",
    "ELEMENT_SURVEY_MAP_FILE",
    "CONVERGENCE_CODES",
    "STANCES",
    "NETWORK_STANCES",
    "QUARTILE_RULES",
    "EVIDENCE_FOCUS",
    "ORG_REPORT_SHEETS",
    "SYSTEM_REPORT_SHEETS",
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
    return load_reference_table(FRAMEWORK_FILE)


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
        table = load_reference_table(SCALE_FILE)
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
        problem, column=column, **error_location(data, rows), expected=expected,
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

    from .reporting.files import write_xlsx

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
    return load_reference_table(STAFF_GROUPS_FILE)


def single_staff_groups(vocabulary: pd.DataFrame | None = None) -> list[str]:
    """The single staff groups (terms that cover only themselves), in vocabulary order.

    These are the columns of :func:`evidence_coverage`.

    Example
    -------
    >>> single_staff_groups()[:3]
    ['AfC 1', 'AfC 2', 'AfC 3']
    """
    vocabulary = staff_groups() if vocabulary is None else vocabulary
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
    base = single_staff_groups(vocabulary)
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


# ------------------------------------------------------------------ triangulation
#: package data file mapping framework elements to staff survey indicators
ELEMENT_SURVEY_MAP_FILE = "element_survey_map.csv"
#: the convergence codes of the triangulation protocol (Farmer et al. 2006; O'Cathain et al.
#: 2010), in display order
CONVERGENCE_CODES = ("agreement", "partial agreement", "silence", "dissonance")
#: what one source says about an organisation x element
STANCES = ("positive", "mixed", "negative", "silent")
#: the sources compared by :func:`triangulate`, and the column holding each one's stance
SOURCE_COLUMNS = {"self-assessment": "self_stance", "staff survey": "survey_stance",
                  "staff networks": "network_stance"}
#: default staff network stances -> score (1 best, -1 worst); "concerned" is a negative view
NETWORK_STANCES = {"positive": 1.0, "mixed": 0.0, "concerned": -1.0}
#: rules for placing a survey result within the national worst / average / best
QUARTILE_RULES = ("midpoints", "range")
QUARTILE_LABELS = ("bottom quartile", "second quartile", "third quartile", "top quartile")
#: columns :func:`load_staff_survey` requires
SURVEY_COLUMNS = ("organisation", "indicator", "year", "value", "responses", "national_worst",
                  "national_average", "national_best")
#: default thresholds of :func:`triangulate`
SELF_HIGH = 3.0  # mean maturity at or above "Embedded": the organisation rates itself mature
SELF_LOW = 1.5  # mean maturity at or below half-way from "Planning" to "Developing"
SURVEY_HIGH = 3.5  # weighted mean quartile: top quartile
SURVEY_LOW = 1.5  # weighted mean quartile: bottom quartile
NETWORK_HIGH = 0.5  # mean network score (positive 1, mixed 0, concerned -1)
NETWORK_LOW = -0.5
MIN_SOURCES = 2
#: fewest survey responses a result needs to be used (counts of 1-7 are suppressed)
MIN_RESPONSES = 8


def _clean_text(values: pd.Series) -> pd.Series:
    """Text with inner whitespace collapsed and ends trimmed (missing stays missing)."""
    return values.astype(str).str.replace(r"\s+", " ", regex=True).str.strip()


def _require_text(data: pd.DataFrame, column: str, what: str) -> pd.Series:
    text = _clean_text(data[column])
    blank = _blank(text)
    if blank.any():
        _fail(f"missing {column} in {what}", data, column, blank,
              expected=f"a {column} on every row", found=[])
    return text


def _as_bool(data: pd.DataFrame, column: str) -> pd.Series:
    raw = data[column]
    if pd.api.types.is_bool_dtype(raw):
        return raw.astype(bool)
    text = raw.astype(str).str.strip().str.casefold()
    mapping = {"true": True, "yes": True, "1": True, "1.0": True,
               "false": False, "no": False, "0": False, "0.0": False}
    out = text.map(mapping)
    bad = out.isna()
    if bad.any():
        _fail(f"{column} is not true/false", data, column, bad,
              expected="True or False (yes/no, 1/0)")
    return out.astype(bool)


def load_staff_survey(path_or_frame) -> pd.DataFrame:
    """Read and validate organisation-level staff survey results (tidy form).

    Parameters
    ----------
    path_or_frame : str, Path or DataFrame
        One row per organisation x indicator x year, as the bundled
        ``data/workforce_staff_survey.csv``: ``organisation``, ``indicator`` (a
        sub-score such as "Health and safety climate" or a question such as
        "Organisation takes positive action on health and wellbeing"), ``year``,
        ``value`` (the organisation's result), ``responses`` (respondents),
        ``national_worst``, ``national_average``, ``national_best`` (the national
        benchmark group's results, as in the published benchmark reports) -
        required; ``unit``, ``ics_average``, ``benchmark_group`` and
        ``higher_is_better`` (default True) - optional.

    Returns
    -------
    DataFrame
        A validated copy: the columns above (``unit`` and ``benchmark_group`` missing
        when not given), ``year`` and ``responses`` as integers.  When
        ``ics_average`` is absent (or blank on a row) it is the response-weighted
        mean of the organisations in the file for the same indicator and year:
        sum(value x responses) / sum(responses).

    Raises
    ------
    MissingColumnError
        A required column is absent.
    InvalidValueError
        A blank organisation or indicator, a missing or non-numeric value, responses
        that are not whole numbers of at least 0, or national comparators out of
        order (worst < average < best is required when higher is better; worst >
        average > best when lower is better) - naming file, column and rows.
    DuplicateKeyError
        The same organisation, indicator and year on more than one row.

    Example
    -------
    >>> import pandas as pd
    >>> s = load_staff_survey(pd.DataFrame({
    ...     "organisation": ["Trust A", "Trust B"], "indicator": "Burnout", "year": 2021,
    ...     "value": [4.0, 5.0], "responses": [100, 300], "national_worst": 3.8,
    ...     "national_average": 4.3, "national_best": 4.8}))
    >>> s[["organisation", "value", "ics_average", "higher_is_better"]]
      organisation  value  ics_average  higher_is_better
    0      Trust A    4.0         4.75              True
    1      Trust B    5.0         4.75              True
    """
    if isinstance(path_or_frame, pd.DataFrame):
        data = path_or_frame
    else:
        data = read_table(path_or_frame)
    require_columns(data, SURVEY_COLUMNS, what="staff survey results")
    out = data.copy()
    out.attrs = dict(data.attrs)
    out["organisation"] = _require_text(out, "organisation", "staff survey results")
    out["indicator"] = _require_text(out, "indicator", "staff survey results")
    comparators = ["national_worst", "national_average", "national_best"]
    values = check_numeric(out, ["value", *comparators], allow_missing=False)
    counts = check_numeric(out, ["responses"], low=0, integer=True, allow_missing=False)
    years = check_numeric(out, ["year"], low=1900, high=2200, integer=True, allow_missing=False)
    for col in ["value", *comparators]:
        out[col] = values[col]
    out["responses"] = counts["responses"].astype("int64")
    out["year"] = years["year"].astype("int64")
    out["higher_is_better"] = (_as_bool(out, "higher_is_better")
                               if "higher_is_better" in out.columns else True)
    for col in ("unit", "benchmark_group"):
        if col not in out.columns:
            out[col] = np.nan
    w, a, b = (values[c].to_numpy() for c in comparators)
    up = out["higher_is_better"].to_numpy()
    ordered = np.where(up, (w < a) & (a < b), (w > a) & (a > b))
    if not ordered.all():
        bad = ~ordered
        _fail("national comparators out of order", out, comparators, bad,
              expected="worst < average < best when higher is better (worst > average > best "
                       "when higher_is_better is False)",
              found=[f"{x:g} / {y:g} / {z:g}" for x, y, z in zip(w[bad], a[bad], b[bad])])
    dup = out.duplicated(["organisation", "indicator", "year"], keep=False)
    if dup.any():
        pairs = out.loc[dup, ["organisation", "indicator", "year"]].drop_duplicates()
        _fail("the same indicator and year appear more than once for an organisation", out,
              ["organisation", "indicator", "year"], dup,
              expected="one row per organisation x indicator x year",
              found=[f"{o} / {i} / {y}" for o, i, y in pairs.itertuples(index=False, name=None)],
              cls=DuplicateKeyError)
    weighted = (out["value"] * out["responses"]).groupby(
        [out["indicator"], out["year"]]).transform("sum")
    total = out.groupby(["indicator", "year"])["responses"].transform("sum")
    computed = weighted / total.where(total > 0)
    if "ics_average" in out.columns:
        given = check_numeric(out, ["ics_average"])["ics_average"]
        out["ics_average"] = given.fillna(computed)
    else:
        out["ics_average"] = computed
    first = ["organisation", "indicator", "year", "unit", "value", "responses", "ics_average",
             "benchmark_group", *comparators, "higher_is_better"]
    return out[first + [c for c in out.columns if c not in first]]


def survey_position(survey, *, year=None, rule: str = "midpoints",
                    min_responses: int = MIN_RESPONSES) -> pd.DataFrame:
    """Each organisation's staff survey results against the ICS average and the national range.

    Parameters
    ----------
    survey : DataFrame, str or Path
        Staff survey results (anything :func:`load_staff_survey` accepts).
    year : int or list of int, optional
        The survey year(s) to use; default each organisation's latest year.
    rule : {"midpoints", "range"}, default "midpoints"
        How the national quartile is found when only the benchmark group's worst,
        average and best are published (see Notes).
    min_responses : int, default 8
        Results from fewer responses are not placed (``usable`` False; position
        and quartile missing): counts of 1-7 are suppressed in this library
        (:mod:`wellbeing_lib.privacy`), and so are results based on them.

    Returns
    -------
    DataFrame
        One row per organisation x indicator x year, sorted that way:
        ``organisation``, ``indicator``, ``year``, ``unit``, ``value``,
        ``responses``, ``ics_average``, ``vs_ics`` ("better than the ICS
        average", "worse than ...", "same as ..."), ``national_worst``,
        ``national_average``, ``national_best``, ``position`` (0 = national
        worst, 1 = best), ``quartile`` (1 = bottom ... 4 = top), ``quartile_label``,
        ``outside_range`` (the value lies beyond worst or best: position clipped),
        ``usable`` and ``rule``.

    Notes
    -----
    Published staff survey benchmark tables give, for each benchmark group, the
    worst, average and best organisation results - not quartiles.  The rules:

    * ``"midpoints"`` (default): the average is taken as the middle of the
      group and each half is assumed evenly spread, so the quartile boundaries
      are (worst + average) / 2, average and (average + best) / 2.  Position
      p = 0.5 (v - worst) / (average - worst) below the average and
      0.5 + 0.5 (v - average) / (best - average) above it.
    * ``"range"``: four equal quarters of worst ... best; p = (v - worst) /
      (best - worst).

    Quartile = 1 + floor(4p), capped at 4 (a value on a boundary goes up).  When
    lower is better (``higher_is_better`` False) the same formulas apply, since
    worst and best swap sides.  Both rules are approximations: with the
    organisations' own results for the whole benchmark group, compute exact
    quartiles instead.

    Example
    -------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"organisation": ["A", "B", "C"], "indicator": "H&S climate",
    ...     "year": 2021, "value": [4.08, 4.25, 5.0], "responses": [1353, 900, 5],
    ...     "national_worst": 3.9, "national_average": 4.6, "national_best": 5.4})
    >>> survey_position(s)[["organisation", "position", "quartile", "quartile_label", "usable"]]
      organisation  position  quartile   quartile_label  usable
    0            A  0.128571         1  bottom quartile    True
    1            B  0.250000         2  second quartile    True
    2            C       NaN      <NA>              NaN   False
    """
    if rule not in QUARTILE_RULES:
        raise ValueError(f"rule must be one of {', '.join(QUARTILE_RULES)}; got {rule!r}")
    s = load_staff_survey(survey)
    if year is None:
        s = s[s["year"] == s.groupby("organisation")["year"].transform("max")]
    else:
        wanted = [int(y) for y in np.atleast_1d(year)]
        s = s[s["year"].isin(wanted)]
        if s.empty:
            raise InvalidValueError("no staff survey results for the year asked for",
                                    file=source_of(s), column="year",
                                    expected=f"results for {', '.join(map(str, wanted))}")
    v, w = s["value"], s["national_worst"]
    a, b = s["national_average"], s["national_best"]
    if rule == "midpoints":
        sign = np.where(s["higher_is_better"], 1.0, -1.0)
        below = (v - a) * sign <= 0
        p = np.where(below, 0.5 * (v - w) / (a - w), 0.5 + 0.5 * (v - a) / (b - a))
    else:
        p = ((v - w) / (b - w)).to_numpy()
    p = np.asarray(p, dtype="float64")
    outside = (p < -_EPS) | (p > 1 + _EPS)
    p = np.clip(p, 0.0, 1.0)
    quartile = np.minimum(np.floor(4 * p + 1e-9), 3).astype("int64") + 1
    usable = (s["responses"] >= min_responses).to_numpy()
    diff = ((v - s["ics_average"]) * np.where(s["higher_is_better"], 1.0, -1.0)).round(9)
    out = pd.DataFrame({
        "organisation": s["organisation"], "indicator": s["indicator"], "year": s["year"],
        "unit": s["unit"], "value": v, "responses": s["responses"],
        "ics_average": s["ics_average"],
        "vs_ics": np.select([diff > 0, diff < 0, diff == 0],
                            ["better than the ICS average", "worse than the ICS average",
                             "same as the ICS average"], default=""),
        "national_worst": w, "national_average": a, "national_best": b,
        "position": np.where(usable, p, np.nan),
        "quartile": pd.array(np.where(usable, quartile, 0), dtype="Int64"),
        "outside_range": outside,
        "usable": usable,
        "rule": rule,
    })
    out.loc[~usable, "quartile"] = pd.NA
    out.insert(out.columns.get_loc("quartile") + 1, "quartile_label",
               out["quartile"].map(dict(enumerate(QUARTILE_LABELS, start=1)),
                                   na_action="ignore").astype("str"))
    out["vs_ics"] = out["vs_ics"].where(s["ics_average"].notna(), "").astype("str")
    return out.sort_values(["organisation", "indicator", "year"], kind="stable"
                           ).reset_index(drop=True)


def element_survey_map(table=None, *, questions=None) -> pd.DataFrame:
    """Which staff survey indicators speak to which framework element (package data or yours).

    The bundled map (``data/element_survey_map.csv``) is wellbeing_lib's judgement,
    with the reasoning in its ``rationale`` column, for example: *Environment* ->
    "Health and safety climate" (whether staff feel the workplace is safe and
    resourced); *Improving personal health and wellbeing* -> "Organisation takes
    positive action on health and wellbeing"; *Managers and leaders* -> "Line
    management" and "Compassionate leadership" (NHS Staff Survey sub-scores not in
    the bundled sample) with "Health and safety climate" as a supporting
    indicator; *Data insights* -> none (no survey indicator measures whether an
    organisation uses wellbeing data, so the survey is silent there by design).

    Parameters
    ----------
    table : DataFrame, str or Path, optional
        Your own map with ``element`` and ``indicator`` columns (``weight``,
        default 1, and ``role``, default "primary", optional).  Rows with a blank
        indicator record an element with no indicator and are dropped.
    questions : DataFrame, optional
        An adapted question table, whose elements the map must use (default
        :func:`framework`).

    Returns
    -------
    DataFrame
        One row per element x indicator: ``element``, ``indicator``, ``role``,
        ``weight`` (primary 1, supporting 0.5 in the bundled map: the weight of the
        indicator's position in the element's survey signal), then any other
        columns (``rationale``, ``source``, ``year`` ...).

    Example
    -------
    >>> m = element_survey_map()
    >>> m.loc[m["element"] == "Environment", ["indicator", "role", "weight"]]
                        indicator     role  weight
    11  Health and safety climate  primary     1.0
    >>> "Data insights" in set(m["element"])
    False
    """
    if table is None:
        m = load_reference_table(ELEMENT_SURVEY_MAP_FILE)
    elif isinstance(table, pd.DataFrame):
        m = table.copy()
        m.attrs = dict(table.attrs)
    else:
        m = read_table(table)
    require_columns(m, ["element", "indicator"], what="element-survey map")
    m["element"] = _require_text(m, "element", "element-survey map")
    m["indicator"] = _clean_text(m["indicator"])
    known = list(pd.unique(_questions(questions)["element"]))
    bad = ~m["element"].isin(known)
    if bad.any():
        _fail("unknown element in the element-survey map", m, "element", bad,
              expected="one of " + "; ".join(known))
    if "role" not in m.columns:
        m["role"] = "primary"
    if "weight" not in m.columns:
        m["weight"] = 1.0
    m = m[~_blank(m["indicator"])]
    m["weight"] = check_numeric(m, ["weight"], allow_missing=False)["weight"]
    if (m["weight"] <= 0).any():
        _fail("weight must be above 0", m, "weight", (m["weight"] <= 0).to_numpy(),
              expected="a positive weight for every indicator row")
    dup = m.duplicated(["element", "indicator"], keep=False)
    if dup.any():
        _fail("indicator repeated for an element in the element-survey map", m,
              "indicator", dup, expected="each element x indicator once", cls=DuplicateKeyError)
    first = ["element", "indicator", "role", "weight"]
    return m[first + [c for c in m.columns if c not in first]].reset_index(drop=True)


def load_staff_networks(path_or_frame, *, stances=None, questions=None) -> pd.DataFrame:
    """Read and validate staff network leads' views, per organisation x element.

    Parameters
    ----------
    path_or_frame : str, Path or DataFrame
        One row per organisation x element x network, as the bundled
        ``data/workforce_staff_networks.csv``: ``organisation``, ``element`` (a
        framework element; case and spacing ignored), ``stance`` - required;
        ``network`` (the network whose lead spoke), ``comment`` and ``members``
        (the network's size, a staff count) - optional.
    stances : mapping, optional
        Stance -> score from -1 (worst) to 1 (best); default
        ``{"positive": 1, "mixed": 0, "concerned": -1}``.  Case is ignored.
    questions : DataFrame, optional
        An adapted question table (default :func:`framework`).

    Returns
    -------
    DataFrame
        A validated copy with ``element`` spelled as in the framework, ``stance``
        in lower case, ``stance_score`` and ``network``/``comment``/``members``
        (missing when not given).

    Raises
    ------
    MissingColumnError, InvalidValueError, DuplicateKeyError
        A required column absent; a blank organisation, unknown element or stance
        outside ``stances``; the same network speaking twice on an element of an
        organisation.

    Example
    -------
    >>> import pandas as pd
    >>> n = load_staff_networks(pd.DataFrame({
    ...     "organisation": "Trust A", "element": ["environment", "Relationships"],
    ...     "network": "Carers network", "stance": ["Concerned", "positive"]}))
    >>> n[["element", "stance", "stance_score"]]
             element     stance  stance_score
    0    Environment  concerned          -1.0
    1  Relationships   positive           1.0
    """
    if isinstance(path_or_frame, pd.DataFrame):
        data = path_or_frame
    else:
        data = read_table(path_or_frame)
    require_columns(data, ["organisation", "element", "stance"], what="staff network views")
    stances = NETWORK_STANCES if stances is None else stances
    scores_of = {str(k).strip().casefold(): float(v) for k, v in dict(stances).items()}
    if not scores_of or any(not -1 <= v <= 1 for v in scores_of.values()):
        raise ValueError("stances must map each stance to a score from -1 to 1; got "
                         f"{dict(stances)!r}")
    out = data.copy()
    out.attrs = dict(data.attrs)
    out["organisation"] = _require_text(out, "organisation", "staff network views")
    known = list(pd.unique(_questions(questions)["element"]))
    by_key = {e.casefold(): e for e in known}
    element = _require_text(out, "element", "staff network views").str.casefold().map(by_key)
    bad = element.isna()
    if bad.any():
        _fail("unknown element in staff network views", out, "element", bad,
              expected="one of " + "; ".join(known))
    out["element"] = element.astype("str")
    stance = _require_text(out, "stance", "staff network views").str.casefold()
    bad = ~stance.isin(list(scores_of))
    if bad.any():
        _fail("unknown stance in staff network views", out, "stance", bad,
              expected="one of " + ", ".join(scores_of))
    out["stance"] = stance
    out["stance_score"] = stance.map(scores_of).astype("float64")
    for col in ("network", "comment"):
        out[col] = (_clean_text(out[col]) if col in out.columns
                    else pd.Series(np.nan, index=out.index, dtype="str"))
    if "members" in out.columns:
        out["members"] = check_numeric(out, ["members"], low=0, integer=True)["members"]
    else:
        out["members"] = np.nan
    named = out["network"].notna()
    dup = named & out.duplicated(["organisation", "element", "network"], keep=False)
    if dup.any():
        _fail("a network gives more than one view on the same element", out,
              ["organisation", "element", "network"], dup,
              expected="one row per organisation x element x network",
              found=list(out.loc[dup, "network"]), cls=DuplicateKeyError)
    first = ["organisation", "element", "network", "stance", "stance_score", "comment",
             "members"]
    return out[first + [c for c in out.columns if c not in first]]


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
        if not isinstance(value, (int, float, np.integer, np.floating)) or not np.isfinite(value):
            raise ValueError(f"{name} must be a finite number; got {value!r}")
    if low >= high:
        raise ValueError(f"{name_low} ({low}) must be below {name_high} ({high})")


def _lower_first(text: pd.Series) -> pd.Series:
    return text.str[:1].str.lower() + text.str[1:]


def _fmt(values: pd.Series, digits: int = 2) -> pd.Series:
    return values.round(digits).map(lambda x: f"{x:.{digits}f}", na_action="ignore").astype("str")


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
        Staff survey results (:func:`load_staff_survey`).  Without it the survey
        is silent everywhere.
    networks : DataFrame, str or Path, optional
        Staff network views (:func:`load_staff_networks`).  Without it the
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
        Network stance -> score, as :func:`load_staff_networks`.
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
    choice reported.

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
    orgs = list(pd.unique(scores["organisation"].astype("str")))
    els = list(pd.unique(scores["element"].astype("str")))

    positions = (survey_position(survey, year=year, rule=quartile_rule,
                                 min_responses=min_responses) if survey is not None else None)
    views = load_staff_networks(networks, stances=stances) if networks is not None else None
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

    keys = ["organisation", "element"]
    grid = pd.DataFrame({"organisation": np.repeat(orgs, len(els)),
                         "element": np.tile(els, len(orgs))})
    index = pd.MultiIndex.from_frame(grid)

    # self-assessment
    own = pd.DataFrame({"organisation": scores["organisation"].astype("str"),
                        "element": scores["element"].astype("str"),
                        "mean": values["mean_maturity"], "done": values["completeness_pct"]})
    own = own.drop_duplicates(keys).set_index(keys).reindex(index)
    grid["self_mean"] = own["mean"].to_numpy()
    grid["self_completeness"] = own["done"].fillna(0.0).to_numpy()
    speaks = grid["self_mean"].notna() & (grid["self_completeness"] >= min_completeness - _EPS)
    m = grid["self_mean"]
    grid["self_stance"] = np.select(
        [~speaks, m >= self_high - _EPS, m <= self_low + _EPS],
        ["silent", "positive", "negative"], default="mixed")
    mid, half = (lo_pts + hi_pts) / 2, (hi_pts - lo_pts) / 2
    grid["self_score"] = ((m - mid) / half).where(speaks)

    # staff survey
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
        [q.isna(), q >= survey_high - _EPS, q <= survey_low + _EPS],
        ["silent", "positive", "negative"], default="mixed")
    grid["survey_score"] = 2 * grid["survey_position"] - 1

    # staff networks
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
        agg = agg.reindex(index)
        grid["n_networks"] = agg["n"].fillna(0).astype("int64").to_numpy()
        grid["network_views"] = agg["views"].to_numpy()
        grid["network_comments"] = agg["comments"].to_numpy()
        grid["network_score"] = agg["score"].to_numpy()
    ns = grid["network_score"]
    grid["network_stance"] = np.select(
        [ns.isna(), ns >= network_high - _EPS, ns <= network_low + _EPS],
        ["silent", "positive", "negative"], default="mixed")
    for col in ("self_stance", "survey_stance", "network_stance"):
        grid[col] = grid[col].astype("str")

    # convergence
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

    # the sentence
    el = grid["element"]
    mean_text = "(mean " + _fmt(m) + f" of {hi_pts:g})"
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
    grid["sentence"] = (grid["organisation"] + " " + self_phrase + ", " + survey_phrase + ", "
                        + network_phrase).astype("str")
    grid.attrs["rules"] = {
        "self_high": self_high, "self_low": self_low, "survey_high": survey_high,
        "survey_low": survey_low, "network_high": network_high, "network_low": network_low,
        "min_completeness": min_completeness, "min_sources": min_sources,
        "min_responses": min_responses, "quartile_rule": quartile_rule, "year": year,
    }
    return grid


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


#: colours of the convergence codes (NHS identity palette) and the letter shown in each cell
CODE_COLOURS = {"agreement": "#009639", "partial agreement": "#78BE20", "silence": "#E8EDEE",
                "dissonance": "#DA291C"}
CODE_LETTERS = {"agreement": "A", "partial agreement": "P", "silence": "S", "dissonance": "D"}


def _short_labels(names, labels) -> list[str]:
    if labels is None:
        return [str(n) for n in names]
    if callable(labels):
        return [str(labels(n)) for n in names]
    return [str(labels.get(n, n)) for n in names]


def plot_convergence(triangulation: pd.DataFrame, *, ax=None, labels=None,
                     title="Convergence of self-assessment, staff survey and staff networks",
                     annotate=True):
    """Organisation x element matrix coloured by convergence code (from :func:`triangulate`).

    Agreement green, partial agreement light green, silence grey, dissonance red;
    each cell also carries the code's letter (A, P, S, D) so the chart reads in
    black and white.

    Parameters
    ----------
    triangulation : DataFrame
        :func:`triangulate` output (``organisation``, ``element``, ``code``).
    ax : matplotlib Axes, optional
        Axes to draw on; default a new figure sized to the matrix.
    labels : mapping or callable, optional
        Short row labels for organisations (e.g. ``{name: org_code}``).
    title : str
    annotate : bool, default True
        Write the code's letter in each cell.

    Returns
    -------
    matplotlib.axes.Axes

    Example
    -------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> scores = pd.DataFrame({"organisation": ["A", "B"], "element": "Environment",
    ...     "completeness_pct": 100.0, "mean_maturity": [3.5, 0.5]})
    >>> ax = plot_convergence(triangulate(scores))
    >>> [t.get_text() for t in ax.get_yticklabels()], ax.texts[0].get_text()
    (['A', 'B'], 'S')
    """
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    require_columns(triangulation, ["organisation", "element", "code"], what="triangulation")
    check_allowed(triangulation, "code", CONVERGENCE_CODES, allow_missing=False)
    orgs = list(pd.unique(triangulation["organisation"]))
    els = list(pd.unique(triangulation["element"]))
    pos = {c: i for i, c in enumerate(CONVERGENCE_CODES)}
    grid = (triangulation.assign(_c=triangulation["code"].map(pos))
            .pivot(index="organisation", columns="element", values="_c")
            .reindex(index=orgs, columns=els))
    if ax is None:
        _, ax = plt.subplots(figsize=(1.25 * len(els) + 4, 0.38 * len(orgs) + 2.2))
    cmap = ListedColormap([CODE_COLOURS[c] for c in CONVERGENCE_CODES])
    ax.imshow(grid.to_numpy(dtype=float), cmap=cmap, vmin=-0.5,
              vmax=len(CONVERGENCE_CODES) - 0.5, aspect="auto")
    ax.set_xticks(range(len(els)))
    ax.set_xticklabels([_sheet_name(e) for e in els], rotation=30, ha="right", fontsize=8)
    ax.set_yticks(range(len(orgs)))
    ax.set_yticklabels(_short_labels(orgs, labels), fontsize=8)
    ax.set_xlabel("Framework element")
    ax.set_ylabel("Organisation")
    ax.set_title(title)
    if annotate:
        values = grid.to_numpy()
        for y in range(len(orgs)):
            for x in range(len(els)):
                if not np.isnan(values[y, x]):
                    code = CONVERGENCE_CODES[int(values[y, x])]
                    ax.text(x, y, CODE_LETTERS[code], ha="center", va="center", fontsize=7,
                            color="white" if code == "dissonance" else "#231f20")
    ax.legend(handles=[Patch(color=CODE_COLOURS[c], label=f"{CODE_LETTERS[c]} {c}")
                       for c in CONVERGENCE_CODES],
              loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False,
              title="code", title_fontsize=8)
    return ax


def plot_diagnostic_heatmap(scores: pd.DataFrame, *, ax=None, labels=None, scale=None,
                            min_completeness: float = MIN_COMPLETENESS, annotate=True,
                            title="Mean maturity by organisation and element"):
    """Heatmap of mean maturity, organisation x element, with the system median as a last row.

    Cells with less than ``min_completeness`` % of the element's questions answered
    are shown grey with a dash (the system view leaves them out too, see
    :func:`system_summary`).  Colours run from red (lowest level of the scale)
    through yellow to green (highest).

    Parameters
    ----------
    scores : DataFrame
        :func:`score_diagnostic` output.
    ax : matplotlib Axes, optional
    labels : mapping or callable, optional
        Short row labels for organisations (e.g. ``{name: org_code}``).
    scale : optional
        The maturity scale (default 0-4), for the colour range and colour bar.
    min_completeness : float, default 50
    annotate : bool, default True
        Write each mean in its cell.
    title : str

    Returns
    -------
    matplotlib.axes.Axes

    Example
    -------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> scores = pd.DataFrame({"organisation": ["A", "B"], "element": "Environment",
    ...     "completeness_pct": [100.0, 20.0], "mean_maturity": [3.5, 1.0]})
    >>> ax = plot_diagnostic_heatmap(scores)
    >>> [t.get_text() for t in ax.get_yticklabels()], [t.get_text() for t in ax.texts]
    (['A', 'B', 'System median'], ['3.50', '–', '3.50'])
    """
    import matplotlib.pyplot as plt

    require_columns(scores, ["organisation", "element", "completeness_pct", "mean_maturity"],
                    what="diagnostic scores")
    scale = maturity_scale(scale)
    lo, hi = float(scale["points"].min()), float(scale["points"].max())
    values = check_numeric(scores, ["completeness_pct", "mean_maturity"])
    orgs = list(pd.unique(scores["organisation"]))
    els = list(pd.unique(scores["element"]))
    shown = values["mean_maturity"].where(
        values["completeness_pct"] >= min_completeness - _EPS)
    frame = pd.DataFrame({"o": scores["organisation"], "e": scores["element"], "v": shown})
    grid = frame.pivot(index="o", columns="e", values="v").reindex(index=orgs, columns=els)
    summary = system_summary(scores, min_completeness=min_completeness)
    median = summary.elements.set_index("element")["median"].reindex(els)
    matrix = np.vstack([grid.to_numpy(dtype=float), median.to_numpy(dtype=float)])
    if ax is None:
        _, ax = plt.subplots(figsize=(1.25 * len(els) + 4.5, 0.38 * len(orgs) + 2.6))
    cmap = plt.get_cmap("RdYlGn").with_extremes(bad="#E8EDEE")
    image = ax.imshow(np.ma.masked_invalid(matrix), cmap=cmap, vmin=lo, vmax=hi, aspect="auto")
    ax.axhline(len(orgs) - 0.5, color="#231f20", linewidth=1.5)
    ax.set_xticks(range(len(els)))
    ax.set_xticklabels([_sheet_name(e) for e in els], rotation=30, ha="right", fontsize=8)
    ax.set_yticks(range(len(orgs) + 1))
    ax.set_yticklabels([*_short_labels(orgs, labels), "System median"], fontsize=8)
    ax.get_yticklabels()[-1].set_fontweight("bold")
    ax.set_xlabel("Framework element")
    ax.set_ylabel("Organisation")
    ax.set_title(title)
    bar = ax.figure.colorbar(image, ax=ax, fraction=0.04, pad=0.02)
    bar.set_ticks(scale["points"].astype(float).tolist())
    bar.set_ticklabels([f"{p:g} {lab}" for p, lab in zip(scale["points"], scale["label"])])
    bar.ax.tick_params(labelsize=7)
    bar.set_label("mean maturity", fontsize=8)
    if annotate:
        span = hi - lo
        for y in range(matrix.shape[0]):
            for x in range(matrix.shape[1]):
                v = matrix[y, x]
                dark = not np.isnan(v) and (v < lo + 0.15 * span or v > hi - 0.2 * span)
                ax.text(x, y, "–" if np.isnan(v) else f"{v:.2f}", ha="center",
                        va="center", fontsize=7, color="white" if dark else "#231f20")
    return ax


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


def plot_org_profile(profile: pd.DataFrame, *, ax=None, scale=None, title=None):
    """An organisation's mean maturity per element against the system median and middle half.

    Parameters
    ----------
    profile : DataFrame
        :func:`org_profile` output for one organisation.
    ax : matplotlib Axes, optional
    scale : optional
        The maturity scale (default 0-4), for the axis labels.
    title : str, optional
        Default "<organisation>: element profile against the system".

    Returns
    -------
    matplotlib.axes.Axes

    Example
    -------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> scores = pd.DataFrame({"organisation": ["A", "B", "C"], "element": "Environment",
    ...     "completeness_pct": 100.0, "mean_maturity": [3.5, 1.0, 2.0]})
    >>> ax = plot_org_profile(org_profile(scores, "A"))
    >>> ax.get_title(), ax.get_xlabel()
    ('A: element profile against the system', 'Mean maturity (0-4)')
    """
    import matplotlib.pyplot as plt

    require_columns(profile, ["organisation", "element", "mean_maturity", "system_median",
                              "system_q1", "system_q3", "position"], what="organisation profile")
    orgs = pd.unique(profile["organisation"])
    if len(orgs) != 1:
        raise ValueError(f"plot_org_profile draws one organisation; the profile has {len(orgs)}"
                         " - pass org_profile(scores, organisation)")
    scale = maturity_scale(scale)
    lo, hi = float(scale["points"].min()), float(scale["points"].max())
    p = profile.reset_index(drop=True)
    y = np.arange(len(p))[::-1]
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.45 * len(p) + 1.6))
    ax.hlines(y, p["system_q1"], p["system_q3"], color="#AEB7BD", linewidth=7,
              label="system middle half (Q1-Q3)")
    ax.scatter(p["system_median"], y, marker="|", s=260, color="#231f20", linewidths=2,
               label="system median", zorder=3)
    full = p["position"] != "too few answers"
    ax.scatter(p.loc[full, "mean_maturity"], y[full.to_numpy()], s=60, color="#005EB8",
               zorder=4, label=str(orgs[0]) if len(str(orgs[0])) <= 40 else "this organisation")
    if (~full & p["mean_maturity"].notna()).any():
        part = ~full & p["mean_maturity"].notna()
        ax.scatter(p.loc[part, "mean_maturity"], y[part.to_numpy()], s=60, facecolors="none",
                   edgecolors="#005EB8", zorder=4, label="too few answers to compare")
    ax.set_yticks(y)
    ax.set_yticklabels([_sheet_name(e) for e in p["element"]], fontsize=8)
    ax.set_xlim(lo - 0.15, hi + 0.15)
    ax.set_xticks(scale["points"].astype(float).tolist())
    ax.set_xticklabels([f"{pt:g}\n{lab}" for pt, lab in zip(scale["points"], scale["label"])],
                       fontsize=8)
    ax.set_xlabel(f"Mean maturity ({lo:g}-{hi:g})")
    ax.set_title(title or f"{orgs[0]}: element profile against the system", fontsize=10)
    ax.grid(axis="x", color="#E8EDEE")
    ax.set_axisbelow(True)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=3, fontsize=7,
              frameon=False)
    return ax


# ------------------------------------------------------------------ findings
#: staff groups whose absence from the evidence is reported as a gap by default (Mid and South
#: Essex found little evidence about Agenda for Change bands 2-4)
EVIDENCE_FOCUS = ("AfC 2-4", "Bank/temporary")
#: how far from the system median (in points) an element counts as above or below it
MEDIAN_MARGIN = 0.5
FINDING_BASES = ("self-assessment", "system comparison", "peer learning", "triangulation",
                 "completeness", "evidence", "staging")


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
    profile = org_profile(scores, min_completeness=th.get("min_completeness", MIN_COMPLETENESS))
    full = profile["position"] != "too few answers"
    mean, med = profile["mean_maturity"], profile["system_median"]
    parts = []

    def add(mask, finding, basis, message, frame=profile):
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            parts.append(pd.DataFrame({
                "organisation": frame.loc[mask, "organisation"].to_numpy(),
                "finding": finding,
                "element": frame.loc[mask, "element"].to_numpy(),
                "basis": basis,
                "message": pd.Series(message, index=frame.index)[mask].to_numpy(),
            }))

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


# ------------------------------------------------------------------ reports
#: sheets of each organisation's workbook written by :func:`write_org_reports`, in order
ORG_REPORT_SHEETS = ("Answers", "Scores vs system", "Positives", "Gaps", "Evidence coverage",
                     "Triangulation", "Staff survey", "Staff networks", "About")
#: sheets of the workbook written by :func:`write_system_report`, in order
SYSTEM_REPORT_SHEETS = ("Themes", "Element summary", "Scores matrix", "Peer learning",
                        "Evidence gaps", "Coverage by element", "Staging", "Dissonances",
                        "Convergence", "Completeness", "Staff survey", "About")
REPORT_CAVEATS = (
    "A self-assessment is subjective: the answers are the view of the people who completed the "
    "diagnostic. The staff survey and staff network leads are used to check it where they "
    "speak; silence is not agreement.",
    "Mean maturity treats the levels of the scale as equally spaced; read it beside the "
    "completeness (a mean from few questions says little).",
    "Staff survey quartiles are placed from the national worst, average and best of the "
    "benchmark group with a stated rule, not from the full national distribution; check the "
    "source and year of the comparators you use.",
    "Staff counts (survey responses, network members) of 1-7 are suppressed ('*') and other "
    "counts rounded to the nearest 5 (NHS Digital convention); results based on 1-7 "
    "responses are not used.",
)
_TRIANGULATION_SOURCE = ("Triangulation protocol: Farmer T et al. (2006) Qual Health Res "
                         "16(3):377-394; O'Cathain A, Murphy E, Nicholl J (2010) BMJ 341:c4587")


def _xlsx_rows(frame: pd.DataFrame) -> list[list]:
    """Rows of plain Python values for openpyxl (missing values as None)."""
    if frame.empty:
        return []
    shown = frame.astype(object).where(frame.notna(), None)
    return shown.to_numpy().tolist()


def _write_report_xlsx(sheets: dict, path: Path, *, maturity=None, codes=None, flags=None,
                       scale_range=(0.0, 4.0)) -> Path:
    """Write report sheets: NHS-blue frozen header, fitted widths, filters, conditional colour.

    ``maturity``: {sheet: [columns]} coloured red-yellow-green over ``scale_range``;
    ``codes``: {sheet: [columns]} coloured by convergence code; ``flags``: {sheet:
    {text: colour}} applied to every cell of the sheet's body that equals the text.
    """
    from openpyxl import Workbook
    from openpyxl.formatting.rule import CellIsRule, ColorScaleRule
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    maturity, codes, flags = maturity or {}, codes or {}, flags or {}
    lo, hi = scale_range
    book = Workbook()
    book.remove(book.active)
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="005EB8")
    wrap = Alignment(wrap_text=True, vertical="top")
    for name, frame in sheets.items():
        ws = book.create_sheet(str(name)[:31])
        columns = [str(c) for c in frame.columns]
        ws.append(columns)
        for row in _xlsx_rows(frame):
            ws.append(row)
        for cell in ws[1]:
            cell.font = header_font
            cell.fill = header_fill
        ws.freeze_panes = "A2"
        n = len(frame)
        last = n + 1
        for i, col in enumerate(frame.columns, start=1):
            letter = get_column_letter(i)
            lengths = frame[col].astype("str").str.len().fillna(0)
            longest = int(lengths.max()) if n else 0
            width = min(max(len(str(col)), longest, 6) + 2, 70)
            ws.column_dimensions[letter].width = width
            if longest > 70 and n:
                for cell in ws[letter][1:]:
                    cell.alignment = wrap
        if n:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{last}"
            for col in maturity.get(name, ()):
                if col in columns:
                    letter = get_column_letter(columns.index(col) + 1)
                    ws.conditional_formatting.add(f"{letter}2:{letter}{last}", ColorScaleRule(
                        start_type="num", start_value=lo, start_color="F8696B",
                        mid_type="num", mid_value=(lo + hi) / 2, mid_color="FFEB84",
                        end_type="num", end_value=hi, end_color="63BE7B"))
            for col in codes.get(name, ()):
                if col in columns:
                    letter = get_column_letter(columns.index(col) + 1)
                    for code, colour in CODE_COLOURS.items():
                        ws.conditional_formatting.add(f"{letter}2:{letter}{last}", CellIsRule(
                            operator="equal", formula=[f'"{code}"'],
                            fill=PatternFill("solid", fgColor=colour.lstrip("#")),
                            font=Font(color="FFFFFF" if code == "dissonance" else "231F20")))
            for text, colour in flags.get(name, {}).items():
                ws.conditional_formatting.add(
                    f"A2:{get_column_letter(len(columns))}{last}", CellIsRule(
                        operator="equal", formula=[f'"{text}"'],
                        fill=PatternFill("solid", fgColor=colour.lstrip("#"))))
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _note(text: str) -> pd.DataFrame:
    return pd.DataFrame({"note": [text]})


def _published_survey(positions: pd.DataFrame) -> pd.DataFrame:
    """Survey positions for a report: responses suppressed/rounded, values of 1-7 withheld."""
    from .privacy import publish, suppress_rows

    cols = ["organisation", "indicator", "year", "unit", "value", "responses", "ics_average",
            "vs_ics", "national_worst", "national_average", "national_best", "quartile_label"]
    table = positions[cols].reset_index(drop=True)
    table = suppress_rows(table, counts=["responses"], derived=["value", "vs_ics",
                                                                "quartile_label"])
    return publish(table, columns=["responses", "value", "vs_ics", "quartile_label"])


def _published_networks(views: pd.DataFrame) -> pd.DataFrame:
    """Network views for a report; a ``members`` count, where given, suppressed/rounded."""
    from .privacy import publish, suppress_rows

    table = views[["organisation", "network", "element", "stance", "comment",
                   "members"]].reset_index(drop=True)
    given = table["members"].notna()
    if not given.any():
        return table.drop(columns="members")
    part = suppress_rows(table[given].astype({"members": "int64"}), counts=["members"])
    members = pd.Series(pd.NA, index=table.index, dtype="Int64")
    members[given] = part["members"]
    published = publish(members)
    table["members"] = published.where(given, None)
    return table


@dataclass(frozen=True, eq=False)
class _ReportInputs:
    diag: Diagnostic | None
    scores: pd.DataFrame
    scale: pd.DataFrame
    summary: SystemSummary
    profile: pd.DataFrame
    coverage: pd.DataFrame | None
    gaps: pd.DataFrame | None
    focus_gaps: pd.DataFrame | None
    staging: pd.DataFrame | None
    triangulation: pd.DataFrame
    positions: pd.DataFrame | None
    views: pd.DataFrame | None
    findings: pd.DataFrame
    codes: dict
    stems: dict
    inputs: set
    settings: dict


def _input_paths(*items) -> set:
    """Resolved paths of every input given as a file or folder (to protect them)."""
    found = set()
    for item in items:
        if isinstance(item, (str, Path)):
            found.add(Path(item).resolve())
        elif isinstance(item, Diagnostic) and item.source:
            src = Path(item.source)
            if src.exists():
                found.add(src.resolve())
                if src.is_dir() and "file" in item.answers.columns:
                    found.update((src / f).resolve() for f in pd.unique(item.answers["file"]))
    return found


def _organisation_codes(organisations, diag, orgs: list[str]) -> tuple[dict, pd.DataFrame | None]:
    """{organisation: code} from an organisation table or the workbook covers; employed groups."""
    codes: dict = {}
    employed = None
    if diag is not None and diag.cover is not None and "org_code" in diag.cover.columns:
        c = diag.cover.dropna(subset=["org_code"])
        codes.update(zip(c["organisation"], c["org_code"].astype("str")))
    if organisations is not None:
        table = (organisations if isinstance(organisations, pd.DataFrame)
                 else read_table(organisations))
        require_columns(table, ["organisation"], what="organisation table")
        if "org_code" in table.columns:
            c = table.dropna(subset=["org_code"])
            codes.update(zip(c["organisation"].astype("str"), c["org_code"].astype("str")))
        if "staff_groups_employed" in table.columns:
            employed = table[["organisation", "staff_groups_employed"]].dropna()
            employed = employed[employed["organisation"].isin(orgs)]
    return {o: codes[o] for o in orgs if o in codes}, employed


def _file_stems(orgs: list[str], codes: dict) -> dict:
    """A file name stem per organisation: its code, else its name made safe; made unique."""
    stems, used = {}, set()
    for org in orgs:
        base = codes.get(org) or _slug(org)[:60] or "organisation"
        base = re.sub(r"[^0-9A-Za-z_.-]+", "_", str(base)).strip("._") or "organisation"
        stem, k = f"{base}_diagnostic_report", 2
        while stem.casefold() in used:
            stem, k = f"{base}_{k}_diagnostic_report", k + 1
        used.add(stem.casefold())
        stems[org] = stem
    return stems


def _report_inputs(data, *, survey, networks, triangulation, organisations, year, start,
                   as_of, element_map, focus_groups, min_completeness, quartile_rule,
                   scale) -> _ReportInputs:
    diag = None
    is_scores = (isinstance(data, pd.DataFrame) and "question_id" not in data.columns
                 and {"mean_maturity", "completeness_pct"} <= set(data.columns))
    if isinstance(data, Diagnostic):
        diag = data
        scores = score_diagnostic(diag)
    elif is_scores:
        scores = data.copy()
    else:
        diag = load_diagnostic_csv(data, scale=scale)
        scores = score_diagnostic(diag)
    scale = diag.scale if diag is not None else maturity_scale(scale)
    summary = system_summary(scores, min_completeness=min_completeness)
    profile = org_profile(scores, min_completeness=min_completeness)
    orgs = list(pd.unique(scores["organisation"].astype("str")))
    codes, employed = _organisation_codes(organisations, diag, orgs)
    coverage = gaps = focus_gaps = staging = None
    if diag is not None:
        coverage = evidence_coverage(diag)
        gaps = evidence_gaps(coverage, employed=employed)
        if focus_groups:
            focus_gaps = evidence_gaps(coverage, groups=list(focus_groups), employed=employed)
        if start is not None:
            staging = staging_progress(diag, start=start, as_of=as_of)
    positions = (survey_position(survey, year=year, rule=quartile_rule)
                 if survey is not None else None)
    views = load_staff_networks(networks) if networks is not None else None
    if triangulation is None:
        triangulation = triangulate(
            scores, survey=survey, networks=networks, element_map=element_map, year=year,
            quartile_rule=quartile_rule, scale=scale, min_completeness=min_completeness)
    findings = diagnostic_findings(scores, summary=summary, triangulation=triangulation,
                                   gaps=focus_gaps, staging=staging, scale=scale)
    settings = {"year": year, "start": start, "quartile_rule": quartile_rule,
                "focus_groups": list(focus_groups or ()), "min_completeness": min_completeness}
    return _ReportInputs(
        diag=diag, scores=scores, scale=scale, summary=summary, profile=profile,
        coverage=coverage, gaps=gaps, focus_gaps=focus_gaps, staging=staging,
        triangulation=triangulation, positions=positions, views=views, findings=findings,
        codes=codes, stems=_file_stems(orgs, codes),
        inputs=_input_paths(data, survey, networks, organisations, element_map),
        settings=settings)


def _check_out_dir(out_dir, inputs: set) -> Path:
    out = Path(out_dir)
    resolved = out.resolve()
    if resolved in inputs:
        raise ValueError(
            f"out_dir is an input folder or file ({out.name}); write reports to a folder of "
            "their own so that no input file can be overwritten")
    out.mkdir(parents=True, exist_ok=True)
    return out


def _check_target(path: Path, inputs: set, overwrite: bool) -> Path:
    if path.resolve() in inputs:
        raise ValueError(f"refusing to overwrite the input file {path.name}")
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path.name} exists in the output folder; pass overwrite=True "
                              "to replace it")
    return path


def _by_org(frame: pd.DataFrame | None) -> dict:
    if frame is None or frame.empty:
        return {}
    return {str(k): g for k, g in frame.groupby("organisation", sort=False)}


def _about(ctx: _ReportInputs, organisation: str | None) -> pd.DataFrame:
    th = ctx.summary.thresholds
    rules = ctx.triangulation.attrs.get("rules", {})
    items = []
    if organisation is not None:
        items += [("organisation", organisation),
                  ("organisation code", ctx.codes.get(organisation, ""))]
    n_orgs = ctx.scores["organisation"].nunique()
    items += [
        ("organisations in the system view", str(n_orgs)),
        ("maturity scale", "; ".join(f"{p:g} {lab}" for p, lab in
                                     zip(ctx.scale["points"], ctx.scale["label"]))),
        ("system view", f"element scores with at least {th['min_completeness']:g}% of questions "
                        "answered; median and quartiles by linear interpolation"),
        ("widespread strength / gap", f"system median >= {th['strength_threshold']:g} / <= "
                                      f"{th['gap_threshold']:g}"),
        ("peer learning", f"an organisation at least {th['variation_threshold']:g} points above "
                          "the median, paired with those that far below it"),
        ("triangulation rules", ", ".join(f"{k}={v}" for k, v in rules.items()) or
         "as supplied"),
        ("staff survey year", str(ctx.settings["year"] or "each organisation's latest")),
        ("survey quartile rule", ctx.settings["quartile_rule"]),
        ("evidence focus groups", "; ".join(ctx.settings["focus_groups"]) or "none"),
        ("sources", ELEMENT_SOURCE + ". " + _TRIANGULATION_SOURCE + ". Element-survey map: "
                    "wellbeing_lib/data/element_survey_map.csv (wellbeing_lib's judgement)"),
    ]
    items += [(f"caveat {i}", text) for i, text in enumerate(REPORT_CAVEATS, start=1)]
    return pd.DataFrame(items, columns=["item", "value"])


def _answer_grid(ctx: _ReportInputs) -> pd.DataFrame | None:
    """Every question for every organisation, with its answer where given."""
    if ctx.diag is None:
        return None
    q = ctx.diag.questions
    orgs = ctx.diag.organisations
    qcols = ["question_id", "element", "sub_area"] + (["question"] if "question" in q.columns
                                                      else [])
    grid = pd.DataFrame({"organisation": np.repeat(orgs, len(q))})
    for col in qcols:
        grid[col] = np.tile(q[col].to_numpy(), len(orgs))
    a = ctx.diag.answers[["organisation", "question_id", "level", "points", "evidence",
                          "staff_groups", "completed_on"]]
    grid = grid.merge(a, on=["organisation", "question_id"], how="left", validate="one_to_one")
    grid["completed_on"] = grid["completed_on"].dt.date
    return grid.rename(columns={"level": "answer"})


def _coverage_table(ctx: _ReportInputs) -> pd.DataFrame | None:
    if ctx.coverage is None:
        return None
    cov = ctx.coverage
    covered = coverage_matrix(cov, value="covered")
    wide = pd.DataFrame(np.where(covered.to_numpy(dtype=bool), "yes", "no"),
                        index=covered.index, columns=covered.columns).reset_index()
    wide.columns.name = None
    counts = cov.drop_duplicates(["organisation", "element"])[
        ["organisation", "element", "n_answered", "n_with_groups"]]
    return counts.merge(wide, on=["organisation", "element"], how="left")


def _org_sheets(ctx: _ReportInputs, org: str, parts: dict) -> dict:
    def part(key, columns=None):
        frame = parts[key].get(org)
        if frame is None:
            return None
        frame = frame.drop(columns="organisation")
        return frame if columns is None else frame[columns]

    sheets = {}
    answers = part("answers")
    sheets["Answers"] = (answers.reset_index(drop=True) if answers is not None else
                         _note("the answers were not given (scores only)"))
    table = part("profile").reset_index(drop=True)
    s = part("scores").reset_index(drop=True)
    if "n_questions" in s.columns:
        table.insert(1, "n_questions", s["n_questions"].to_numpy())
    for col in (c for c in s.columns if c.startswith("pct_")):
        table[col] = s[col].to_numpy()
    sheets["Scores vs system"] = table.round(2)
    f = part("findings")
    cols = ["element", "basis", "message"]
    for finding, name in (("positive", "Positives"), ("gap", "Gaps")):
        rows = None if f is None else f[f["finding"] == finding][cols]
        sheets[name] = (rows.reset_index(drop=True) if rows is not None and len(rows)
                        else _note(f"no {name.lower()} found by the rules (see About)"))
    cov = part("coverage")
    sheets["Evidence coverage"] = (cov.reset_index(drop=True) if cov is not None else
                                   _note("evidence coverage needs the answers"))
    t = part("triangulation", ["element", "code", "self_stance", "self_mean", "survey_stance",
                               "survey_detail", "network_stance", "network_views",
                               "network_comments", "dissonance_score", "sentence"])
    sheets["Triangulation"] = t.round(2).reset_index(drop=True)
    sv = part("survey")
    sheets["Staff survey"] = (sv.reset_index(drop=True) if sv is not None else _note(
        "no staff survey results for this organisation" if ctx.positions is not None
        else "no staff survey results were given"))
    nv = part("networks")
    sheets["Staff networks"] = (nv.reset_index(drop=True) if nv is not None else _note(
        "no staff network views for this organisation" if ctx.views is not None
        else "no staff network views were given"))
    sheets["About"] = _about(ctx, org)
    return sheets


def _org_html(ctx: _ReportInputs, org: str, sheets: dict, *, dpi: int) -> str:
    import matplotlib.pyplot as plt

    from .reporting.figures import figure_to_base64
    from .reporting.html import RawHTML, html_page

    f = sheets
    positives = (f["Positives"]["message"].tolist() if "message" in f["Positives"].columns
                 else [])
    gaps = f["Gaps"]["message"].tolist() if "message" in f["Gaps"].columns else []
    prof = ctx.profile[ctx.profile["organisation"] == org]
    n_q = int(ctx.scores.loc[ctx.scores["organisation"] == org, "n_questions"].sum()) \
        if "n_questions" in ctx.scores.columns else None
    n_a = int(prof["n_answered"].fillna(0).sum()) if prof["n_answered"].notna().any() else None
    subtitle = (f"{n_a} of {n_q} questions answered. Compared with "
                f"{ctx.scores['organisation'].nunique()} organisations in the system."
                if n_a is not None and n_q else None)
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(prof) + 1.6))
    plot_org_profile(prof, ax=ax, scale=ctx.scale)
    image = RawHTML(f'<figure><img alt="element profile against the system median" '
                    f'src="data:image/png;base64,{figure_to_base64(fig, dpi=dpi)}"></figure>')
    tri = f["Triangulation"][["element", "code", "sentence"]]
    scores_table = f["Scores vs system"][["element", "completeness_pct", "mean_maturity",
                                          "system_median", "difference", "position"]]
    sections = [
        ("Positives", [positives or ["None found by the rules."]]),
        ("Gaps", [gaps or ["None found by the rules."]]),
        ("Profile against the system", [image, scores_table]),
        ("Triangulation", ["Each element's self-assessment set beside the staff survey and "
                           "staff network leads (" + _TRIANGULATION_SOURCE + ").", tri]),
    ]
    if "indicator" in f["Staff survey"].columns:
        sections.append(("Staff survey", [f["Staff survey"].drop(columns=["unit"])]))
    if "missing_groups" in (ctx.gaps.columns if ctx.gaps is not None else []):
        mine = ctx.gaps[(ctx.gaps["level"] == "organisation") & (ctx.gaps["organisation"] == org)]
        sections.append(("Evidence coverage", [
            "Staff groups the evidence does not cover, per element (the workbook's Evidence "
            "coverage sheet has the full matrix).", mine[["element", "missing_groups"]]]))
    if "question_id" in f["Answers"].columns:
        cols = [c for c in ("question_id", "element", "question", "answer", "evidence",
                            "staff_groups") if c in f["Answers"].columns]
        sections.append(("Answers", [f["Answers"][cols]]))
    sections.append(("About this report", [list(REPORT_CAVEATS)]))
    return html_page(f"{org}: Health and Wellbeing Framework diagnostic", sections,
                     subtitle=subtitle)


def write_org_reports(
    data,
    out_dir,
    *,
    survey=None,
    networks=None,
    triangulation=None,
    organisations=None,
    only=None,
    year=None,
    start=None,
    as_of=None,
    element_map=None,
    focus_groups=EVIDENCE_FOCUS,
    min_completeness: float = MIN_COMPLETENESS,
    quartile_rule: str = "midpoints",
    scale=None,
    progress: bool = True,
    overwrite: bool = True,
    dpi: int = 80,
) -> pd.DataFrame:
    """Write each organisation's workbook (XLSX) and short summary report (HTML), in one call.

    In Hertfordshire and West Essex each organisation got a spreadsheet of its own
    data and a summary report of positives and potential gaps; this writes both
    for every organisation, with a progress bar.

    **Workbook** (``<code>_diagnostic_report.xlsx``), sheets
    :data:`ORG_REPORT_SHEETS`: *Answers* (every question with its answer,
    evidence and staff groups), *Scores vs system* (per element: completeness,
    mean, % at each level, system median and quartiles, difference, rank),
    *Positives* and *Gaps* (:func:`diagnostic_findings`), *Evidence coverage*
    (staff groups covered per element), *Triangulation* (:func:`triangulate`),
    *Staff survey* (:func:`survey_position`, responses suppressed), *Staff
    networks* and *About* (rules, sources, caveats).  Every sheet has a frozen
    NHS-blue header, fitted column widths and a filter; maturity columns are
    coloured red-yellow-green by conditional formatting, convergence codes by
    code, and "no" cells of the coverage sheet light red.

    **HTML** (``<code>_diagnostic_report.html``): positives and gaps first,
    then the element profile against the system median (chart embedded as a
    base64 PNG) and its table, triangulation, staff survey, evidence gaps,
    answers and caveats.  One self-contained file, fit to e-mail.

    Parameters
    ----------
    data : Diagnostic, DataFrame, str or Path
        Loaded diagnostics (:func:`load_diagnostic_workbooks` or
        :func:`load_diagnostic_csv`), anything :func:`load_diagnostic_csv` accepts,
        or a :func:`score_diagnostic` table (then the answer and evidence sheets
        say they were not given).
    out_dir : str or Path
        Folder to write into (created).  Files are written only here, named from
        the organisation code (``organisations`` or the workbook cover) or the
        organisation's name; an input file or folder is never written to.
    survey, networks : DataFrame, str or Path, optional
        Staff survey results and staff network views (see :func:`triangulate`).
    triangulation : DataFrame, optional
        A :func:`triangulate` table made with your own rules (otherwise made with
        the defaults from ``survey`` and ``networks``).
    organisations : DataFrame, str or Path, optional
        A table with ``organisation`` and optionally ``org_code`` (file names) and
        ``staff_groups_employed`` (so evidence gaps ignore groups not employed), as
        the bundled ``workforce_organisations.csv``.
    only : list of str, optional
        Write these organisations only (the system view still uses everyone).
    year, quartile_rule, element_map
        Passed to :func:`triangulate` / :func:`survey_position`.
    start, as_of : date-like, optional
        With ``start``, staging (:func:`staging_progress`) adds overdue elements to
        the gaps.
    focus_groups : sequence of str, default ("AfC 2-4", "Bank/temporary")
        Staff groups whose absence from an element's evidence is listed as a gap.
    min_completeness : float, default 50
    scale : optional
        The maturity scale, when ``data`` is not a :class:`Diagnostic`.
    progress : bool, default True
        Show a tqdm progress bar.
    overwrite : bool, default True
        Replace earlier reports of the same name in ``out_dir``; False raises
        FileExistsError instead.
    dpi : int, default 80
        Resolution of the embedded chart.

    Returns
    -------
    DataFrame
        One row per file written: ``organisation``, ``report``
        ("organisation"), ``format`` ("xlsx" or "html"), ``file`` (name) and
        ``path``.

    Raises
    ------
    ValueError
        ``out_dir`` is an input folder (such as the workbooks' folder) or a
        report would replace an input file.
    InvalidValueError
        An organisation in ``only`` that is not in the data.

    Example
    -------
    >>> import tempfile, warnings
    >>> from wellbeing_lib.io import data_dir
    >>> folder = data_dir()
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     files = write_org_reports(folder / "workforce_diagnostic_answers.csv",
    ...         tempfile.mkdtemp(), survey=folder / "workforce_staff_survey.csv",
    ...         networks=folder / "workforce_staff_networks.csv",
    ...         organisations=folder / "workforce_organisations.csv",
    ...         only=["Kestrel Hill Hospice"], progress=False)
    >>> files[["organisation", "format", "file"]]
               organisation format                         file
    0  Kestrel Hill Hospice   xlsx  HV13_diagnostic_report.xlsx
    1  Kestrel Hill Hospice   html  HV13_diagnostic_report.html
    """
    from tqdm.auto import tqdm

    from .reporting.html import write_html

    out = _check_out_dir(out_dir, _input_paths(data, survey, networks, organisations,
                                               element_map))
    ctx = _report_inputs(data, survey=survey, networks=networks, triangulation=triangulation,
                         organisations=organisations, year=year, start=start, as_of=as_of,
                         element_map=element_map, focus_groups=focus_groups,
                         min_completeness=min_completeness, quartile_rule=quartile_rule,
                         scale=scale)
    orgs = list(ctx.stems)
    if only is not None:
        wanted = [str(o) for o in ([only] if isinstance(only, str) else only)]
        unknown = [o for o in wanted if o not in ctx.stems]
        if unknown:
            raise InvalidValueError("organisation not in the diagnostic", column="organisation",
                                    found=unknown, expected="one of " + "; ".join(orgs[:10]))
        orgs = [o for o in orgs if o in wanted]
    findings = ctx.findings
    parts = {
        "answers": _by_org(_answer_grid(ctx)),
        "profile": _by_org(ctx.profile),
        "scores": _by_org(ctx.scores.assign(organisation=ctx.scores["organisation"]
                                            .astype("str"))),
        "findings": _by_org(findings),
        "coverage": _by_org(_coverage_table(ctx)),
        "triangulation": _by_org(ctx.triangulation),
        "survey": _by_org(_published_survey(ctx.positions) if ctx.positions is not None
                          else None),
        "networks": _by_org(_published_networks(ctx.views) if ctx.views is not None else None),
    }
    lo, hi = float(ctx.scale["points"].min()), float(ctx.scale["points"].max())
    rows = []
    for org in tqdm(orgs, desc="writing reports", unit="organisation", disable=not progress):
        stem = ctx.stems[org]
        sheets = _org_sheets(ctx, org, parts)
        xlsx = _check_target(out / f"{stem}.xlsx", ctx.inputs, overwrite)
        _write_report_xlsx(
            sheets, xlsx, scale_range=(lo, hi),
            maturity={"Answers": ["points"],
                      "Scores vs system": ["mean_maturity", "system_median", "system_q1",
                                           "system_q3"],
                      "Triangulation": ["self_mean"]},
            codes={"Triangulation": ["code"]},
            flags={"Evidence coverage": {"no": "#F4C7C3"}})
        html = _check_target(out / f"{stem}.html", ctx.inputs, overwrite)
        write_html(_org_html(ctx, org, sheets, dpi=dpi), html)
        rows += [(org, "organisation", "xlsx", xlsx.name, xlsx),
                 (org, "organisation", "html", html.name, html)]
    return pd.DataFrame(rows, columns=["organisation", "report", "format", "file", "path"])


def _system_themes(ctx: _ReportInputs, top: int) -> pd.DataFrame:
    """One row per theme of the system report: strengths, gaps, variation, evidence, ..."""
    el = ctx.summary.elements
    rows = [("widespread strength", e, f"system median {m:.2f} across {n} organisations")
            for e, m, n in el.loc[el["widespread_strength"],
                                  ["element", "median", "n_organisations"]].itertuples(
                                      index=False)]
    rows += [("widespread gap", e, f"system median {m:.2f} across {n} organisations")
             for e, m, n in el.loc[el["widespread_gap"],
                                   ["element", "median", "n_organisations"]].itertuples(
                                       index=False)]
    p = ctx.summary.pairings
    rows += [("peer learning", e, f"{s} ({sm:.2f}, system median {md:.2f}) could support "
                                  f"{n} organisations: {w}")
             for e, s, sm, md, n, w in p.itertuples(index=False)]
    if ctx.gaps is not None:
        g = ctx.gaps[ctx.gaps["level"] == "system"]
        rows += [("evidence gap", e, msg) for e, msg in
                 g[["element", "message"]].itertuples(index=False)]
    if ctx.staging is not None:
        behind = staging_summary(ctx.staging)
        behind = behind[behind["behind"]]
        rows += [("behind schedule", "", f"{o}: {n} element(s) overdue ({els})")
                 for o, n, els in behind[["organisation", "n_overdue", "overdue_elements"]]
                 .itertuples(index=False)]
    d = dissonances(ctx.triangulation, top=top)
    rows += [("dissonance", e, s) for e, s in d[["element", "sentence"]].itertuples(index=False)]
    return pd.DataFrame(rows, columns=["theme", "element", "detail"])


def write_system_report(
    data,
    out_dir,
    *,
    survey=None,
    networks=None,
    triangulation=None,
    organisations=None,
    year=None,
    start=None,
    as_of=None,
    element_map=None,
    focus_groups=EVIDENCE_FOCUS,
    min_completeness: float = MIN_COMPLETENESS,
    quartile_rule: str = "midpoints",
    scale=None,
    name: str = "diagnostic_system_themes",
    top: int = 10,
    overwrite: bool = True,
    dpi: int = 80,
) -> pd.DataFrame:
    """Write the system-wide themes report (HTML and XLSX) across every organisation.

    The report one ICS drew up across its organisations and presented to wellbeing
    leads: widespread strengths and gaps (:func:`system_summary`), high-variation
    elements with peer-learning pairings, evidence gaps (for example no
    organisation with evidence about AfC bands 2-4 on an element,
    :func:`evidence_gaps`), staging (who is behind, with ``start``), the ranked
    dissonances (:func:`dissonances`), the organisation x element heatmap and the
    convergence matrix.

    Parameters
    ----------
    data, survey, networks, triangulation, organisations, year, start, as_of,
    element_map, focus_groups, min_completeness, quartile_rule, scale, overwrite, dpi
        As :func:`write_org_reports`.
    name : str, default "diagnostic_system_themes"
        File name stem of the two files.
    top : int, default 10
        Dissonances listed in the themes (the workbook's Dissonances sheet has all).

    Returns
    -------
    DataFrame
        Two rows (xlsx, html): ``organisation`` ("(system)"), ``report``
        ("system"), ``format``, ``file``, ``path``.  The workbook's sheets are
        :data:`SYSTEM_REPORT_SHEETS`; survey responses are suppressed.

    Example
    -------
    >>> import tempfile, warnings
    >>> from wellbeing_lib.io import data_dir
    >>> folder = data_dir()
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     files = write_system_report(folder / "workforce_diagnostic_answers.csv",
    ...                                 tempfile.mkdtemp(), start="2021-11")
    >>> files["file"].tolist()
    ['diagnostic_system_themes.xlsx', 'diagnostic_system_themes.html']
    """
    import matplotlib.pyplot as plt

    from .reporting.html import html_page, write_html

    out = _check_out_dir(out_dir, _input_paths(data, survey, networks, organisations,
                                               element_map))
    ctx = _report_inputs(data, survey=survey, networks=networks, triangulation=triangulation,
                         organisations=organisations, year=year, start=start, as_of=as_of,
                         element_map=element_map, focus_groups=focus_groups,
                         min_completeness=min_completeness, quartile_rule=quartile_rule,
                         scale=scale)
    stem = re.sub(r"[^0-9A-Za-z_.-]+", "_", str(name)).strip("._") or "diagnostic_system_themes"
    themes = _system_themes(ctx, top)
    summary = ctx.summary
    prof = ctx.profile
    matrix = (prof.assign(mean=prof["mean_maturity"].where(prof["position"]
                                                            != "too few answers"))
              .pivot(index="organisation", columns="element", values="mean")
              .reindex(index=list(ctx.stems), columns=list(pd.unique(prof["element"]))))
    matrix.loc["System median"] = summary.elements.set_index("element")["median"]
    matrix = matrix.round(2).reset_index().rename(columns={"index": "organisation"})
    matrix.columns.name = None
    codes_matrix = (ctx.triangulation.pivot(index="organisation", columns="element",
                                            values="code")
                    .reindex(index=list(pd.unique(ctx.triangulation["organisation"])),
                             columns=list(pd.unique(ctx.triangulation["element"])))
                    .reset_index())
    codes_matrix.columns.name = None
    diss = dissonances(ctx.triangulation)
    if ctx.gaps is not None:
        gap_table = pd.concat([ctx.gaps[ctx.gaps["level"] == "system"],
                               ctx.focus_gaps if ctx.focus_gaps is not None else None],
                              ignore_index=True)
        gap_table = gap_table[["level", "organisation", "element", "missing_groups", "message"]]
        by_element = coverage_matrix(ctx.coverage, by="element").reset_index()
        by_element.columns.name = None
    else:
        gap_table = by_element = _note("evidence coverage needs the answers")
    staging = (staging_summary(ctx.staging) if ctx.staging is not None
               else _note("staging needs start= (the month of the first element)"))
    completeness = (ctx.diag.completeness[["organisation", "n_questions", "n_answered",
                                           "completeness_pct", "complete",
                                           "missing_questions"]].round(2)
                    if ctx.diag is not None else _note("completeness needs the answers"))
    sheets = {
        "Themes": themes,
        "Element summary": summary.elements.round(3),
        "Scores matrix": matrix,
        "Peer learning": summary.pairings.round(3) if len(summary.pairings)
        else _note("no organisation is far enough above the median on any element"),
        "Evidence gaps": gap_table,
        "Coverage by element": by_element,
        "Staging": staging,
        "Dissonances": diss.round(3) if len(diss) else _note("no dissonance found"),
        "Convergence": codes_matrix,
        "Completeness": completeness,
        "Staff survey": (_published_survey(ctx.positions) if ctx.positions is not None
                         else _note("no staff survey results were given")),
        "About": _about(ctx, None),
    }
    lo, hi = float(ctx.scale["points"].min()), float(ctx.scale["points"].max())
    elements_ = list(pd.unique(prof["element"]))
    xlsx = _check_target(out / f"{stem}.xlsx", ctx.inputs, overwrite)
    _write_report_xlsx(sheets, xlsx, scale_range=(lo, hi),
                       maturity={"Scores matrix": elements_,
                                 "Element summary": ["median", "q1", "q3", "min", "max"]},
                       codes={"Convergence": list(pd.unique(ctx.triangulation["element"]))},
                       flags={"Coverage by element": {"0": "#F4C7C3"}})

    labels = ctx.codes or None
    n_orgs = len(ctx.stems)
    fig, ax = plt.subplots(figsize=(1.25 * len(elements_) + 4.5, 0.38 * n_orgs + 2.6))
    plot_diagnostic_heatmap(ctx.scores, ax=ax, labels=labels, scale=ctx.scale,
                            min_completeness=min_completeness)
    heatmap = fig
    fig2, ax2 = plt.subplots(figsize=(1.25 * len(elements_) + 4, 0.38 * n_orgs + 2.2))
    plot_convergence(ctx.triangulation, ax=ax2, labels=labels)
    convergence = fig2

    def listing(theme):
        t = themes[themes["theme"] == theme]
        text = np.where(t["element"] != "", t["element"] + ": " + t["detail"], t["detail"])
        return [list(text) or ["None."]]

    sections = [
        ("Widespread strengths", listing("widespread strength")),
        ("Widespread gaps", listing("widespread gap")),
        ("Peer learning", ["Elements where one organisation is far above the system median: "
                           "it could support the organisations far below it."]
         + listing("peer learning")),
        ("Evidence gaps", ["Staff groups that no organisation's evidence covers, per element "
                           "(focus: " + ", ".join(ctx.settings["focus_groups"]) + ")."]
         + listing("evidence gap")
         + ([by_element[["element"] + [c for c in by_element.columns
                                       if c in {"AfC 2", "AfC 3", "AfC 4", "Bank/temporary"}]]]
            if "element" in by_element.columns else [])),
    ]
    if ctx.staging is not None:
        fig3, ax3 = plt.subplots(figsize=(1.3 * len(elements_) + 3.5, 0.35 * n_orgs + 2))
        plot_staging(ctx.staging.assign(organisation=ctx.staging["organisation"].map(
            lambda o: ctx.codes.get(o, o))), ax=ax3)
        sections.append(("Staging", listing("behind schedule") + [fig3]))
    sections += [
        ("Dissonances", [f"The {min(top, len(diss))} most dissonant organisation x elements "
                         "(self-assessment, staff survey and staff networks disagree); "
                         + _TRIANGULATION_SOURCE + ".",
                         diss.head(top)[["rank", "organisation", "element", "sentence"]],
                         convergence]),
        ("System picture", [heatmap, summary.elements.round(2)]),
        ("About this report", [list(REPORT_CAVEATS)]),
    ]
    html = _check_target(out / f"{stem}.html", ctx.inputs, overwrite)
    subtitle = f"{n_orgs} organisations"
    if ctx.diag is not None:
        done = int(ctx.diag.completeness["complete"].sum())
        subtitle += f"; {done} completed every question"
    write_html(html_page("Health and Wellbeing Framework diagnostic: system themes", sections,
                         subtitle=subtitle), html)
    return pd.DataFrame([("(system)", "system", "xlsx", xlsx.name, xlsx),
                         ("(system)", "system", "html", html.name, html)],
                        columns=["organisation", "report", "format", "file", "path"])
