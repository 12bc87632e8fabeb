"""The tidy answer form: read and validate completed diagnostics (:func:`read_diagnostic_csv`).

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

The result is a :class:`Diagnostic`, which is also what
:func:`~wellbeing_lib.diagnostic.load_diagnostic_workbooks` gives for a folder of
workbooks.

Example
-------
>>> import pandas as pd
>>> d = read_diagnostic_csv(pd.DataFrame({
...     "organisation": "Hospice", "question_id": ["ENV-01", "ENV-02"], "answer": [3, None]}))
>>> d.completeness[["organisation", "n_answered", "n_missing"]]
  organisation  n_answered  n_missing
0      Hospice           1         59
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import DuplicateKeyError
from ..io import read_table, with_source
from ..validation import require_columns, source_of
from ._common import _blank, _fail, _normalise_text
from .framework import _questions, maturity_scale

__all__ = ["Diagnostic", "read_diagnostic_csv", "ANSWER_COLUMNS", "REQUIRED_COLUMNS",
           "PROBLEM_COLUMNS"]

#: columns of the tidy answer form; the first three are required
ANSWER_COLUMNS = ("organisation", "question_id", "answer", "evidence", "staff_groups",
                  "completed_on")
REQUIRED_COLUMNS = ANSWER_COLUMNS[:3]


# ------------------------------------------------------------------ loading
@dataclass(frozen=True, eq=False)
class Diagnostic:
    """Validated diagnostic answers (the result of :func:`read_diagnostic_csv`).

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

    def to_frame(self) -> pd.DataFrame:
        """The answers in the tidy answer form, ready to save as one CSV.

        One row per answer row read: ``organisation``, ``question_id``, ``answer``
        (the scale label, blank when not answered), ``evidence``, ``staff_groups``
        and ``completed_on`` (ISO ``YYYY-MM-DD`` text).  Collating the workbooks of
        a folder into one file is ``load_diagnostic_workbooks(folder).to_frame().to_csv(...)``.

        Example
        -------
        >>> import pandas as pd
        >>> d = read_diagnostic_csv(pd.DataFrame({
        ...     "organisation": "Hospice", "question_id": ["env-01", "ENV-02"],
        ...     "answer": [3, "planning"], "completed_on": ["15/11/2021", None]}))
        >>> d.to_frame()
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


def read_diagnostic_csv(path_or_frame, *, scale=None, questions=None) -> Diagnostic:
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
    >>> d = read_diagnostic_csv(pd.DataFrame({
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

    work = with_source(data.copy(), source_of(data))

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



def _as_diagnostic(data, scale=None) -> Diagnostic:
    if isinstance(data, Diagnostic):
        return data
    return read_diagnostic_csv(data, scale=scale)
