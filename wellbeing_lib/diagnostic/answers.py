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

import dataclasses
import os
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import DuplicateKeyError
from ..frames import SUPPORTED, as_frame, is_pandas, to_pandas
from ..io import read_table, with_source
from ..validation import require_columns, source_of
from ._backend import read_frame
from ._common import (
    _blank,
    _fail,
    _joined_missing,
    _normalise_text,
    _positions,
    _scale_expected,
)
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
        columns supplied.  Read from another backend (polars, pyarrow, DuckDB,
        PySpark), a table of that kind, lazily for a lazy one (no index).
    completeness : DataFrame
        One row per organisation (in order of first appearance; for a lazy table,
        which has no row order, in order of ``file_line`` when it has that column,
        else by name), always pandas:
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
    #: (answers, per organisation x element counts) computed with answers of another
    #: backend, so that scoring them does not aggregate them again (used only while
    #: ``answers`` is that very table)
    _counts: tuple | None = field(default=None, repr=False)

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
        Answers held in another backend are collected first.

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
        a = self.answers if is_pandas(self.answers) else to_pandas(self.answers)
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


def _by_value(values: pd.Series):
    """``(codes, uniques)`` of ``values`` as text: ``values.astype(str)`` is
    ``uniques.take(codes)``, so a step applied to each value runs once per distinct value
    (an organisation's name, a question id and a scale label repeat on many rows)."""
    codes, uniques = pd.factorize(values.astype(str), use_na_sentinel=False)
    return codes, pd.Series(uniques)


def _spread(values: pd.Series, codes, index) -> pd.Series:
    """Per-distinct-value results (:func:`_by_value`) back on every row."""
    return pd.Series(values.array.take(codes), index=index)


def _answer_points_by_value(answers: pd.Series, scale: pd.DataFrame):
    """``(codes, text, unanswered, points)`` per distinct answer (see :func:`_by_value`)."""
    codes, text = _by_value(answers)
    answer_text = text.str.strip()
    unanswered = _blank(answer_text)
    by_label = _normalise_text(answer_text).map(
        dict(zip(_normalise_text(scale["label"]), scale["points"]))
    )
    as_number = pd.to_numeric(answer_text, errors="coerce")
    by_points = as_number.where(as_number.isin(scale["points"]))
    points = by_label.fillna(by_points).astype("float64")
    return codes, answer_text, unanswered, points


def _answer_points(answers: pd.Series, scale: pd.DataFrame):
    """(stripped text, unanswered mask, points) of answers given as labels or points."""
    codes, answer_text, unanswered, points = _answer_points_by_value(answers, scale)
    return (_spread(answer_text, codes, answers.index), _spread(unanswered, codes, answers.index),
            _spread(points, codes, answers.index))


def _parse_dates(data: pd.DataFrame) -> pd.Series:
    if "completed_on" not in data.columns:
        codes, text = np.zeros(len(data), dtype=np.intp), pd.Series([np.nan]).astype(str)
    else:
        raw = data["completed_on"]
        if pd.api.types.is_datetime64_any_dtype(raw):
            return raw
        codes, text = _by_value(raw)  # each distinct date text is parsed once
    text = text.str.strip()
    given = ~_blank(text)
    parsed = pd.to_datetime(text.where(given), format="ISO8601", errors="coerce")
    retry = given & parsed.isna()
    if retry.any():
        parsed = parsed.where(
            ~retry, pd.to_datetime(text.where(retry), format="%d/%m/%Y", errors="coerce")
        )
    bad = (given & parsed.isna()).to_numpy()[codes]
    if bad.any():
        _fail("unreadable completion date", data, "completed_on", bad,
              expected="a date such as 2021-11-15 or 15/11/2021")
    return _spread(parsed, codes, data.index)


def read_diagnostic_csv(path_or_frame, *, scale=None, questions=None) -> Diagnostic:
    """Read and validate completed diagnostics in the tidy form (one row per answer).

    Parameters
    ----------
    path_or_frame : str, Path or table
        A CSV/XLSX file (read with :func:`wellbeing_lib.io.read_table`) or a table -
        pandas, or polars, pyarrow, a polars LazyFrame, DuckDB or PySpark
        (:mod:`wellbeing_lib.frames`), checked where the data live - with the columns
        described in the module docstring:
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
        ``.answers`` (validated, with points and levels; in the caller's backend, lazily
        for a lazy one) and ``.completeness`` (what each organisation has not answered;
        pandas).

    Raises
    ------
    TypeError
        For something that is neither a path nor a table of a supported kind, naming the
        kinds accepted.
    UnreadableFileError
        If the file is missing, empty or not a table.
    MissingColumnError
        If a required column is absent.
    InvalidValueError
        A row without an organisation or question id, an unknown question id, an
        answer that is neither a label nor the points of the scale, or an
        unreadable date - naming file, column and rows (and file lines).  For another
        backend every check is one aggregate there and only failing rows are collected:
        rows are 0-based positions of an eager table, lines its ``file_line`` column.
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
    if is_pandas(path_or_frame):
        data = path_or_frame
    elif isinstance(path_or_frame, str | os.PathLike):
        data = read_table(path_or_frame, dtype={"organisation": str, "question_id": str})
    else:  # another backend: checked where the data live (diagnostic/_backend.py)
        try:
            frame = as_frame(path_or_frame, what="diagnostic answers")
        except TypeError:
            raise TypeError(f"diagnostic answers must be a CSV/XLSX path or {SUPPORTED}, not "
                            f"{type(path_or_frame).__name__}") from None
        scale, questions = maturity_scale(scale), _questions(questions)
        require_columns(frame, REQUIRED_COLUMNS, what="diagnostic answers")
        answers, completeness, counts = read_frame(frame, scale, questions)
        return Diagnostic(answers=answers, completeness=completeness, scale=scale,
                          questions=questions, _counts=(answers, counts))
    scale = maturity_scale(scale)
    questions = _questions(questions)
    require_columns(data, REQUIRED_COLUMNS, what="diagnostic answers")
    answers = _read_pandas(data, scale, questions)
    completeness = _completeness(answers, questions)
    return Diagnostic(answers=answers, completeness=completeness, scale=scale,
                      questions=questions, source=source_of(data))


def _read_pandas(data: pd.DataFrame, scale: pd.DataFrame, questions: pd.DataFrame
                 ) -> pd.DataFrame:
    """The answers of :func:`read_diagnostic_csv` from a pandas table: each step on the
    distinct values of a column (:func:`_by_value`), then spread back on the rows."""
    work = with_source(data.copy(), source_of(data))
    index = work.index

    # organisation and question id
    org_codes, orgs = _by_value(work["organisation"])
    orgs = orgs.str.strip()
    work["organisation"] = _spread(orgs, org_codes, index)
    missing = _blank(orgs).to_numpy()[org_codes]
    if missing.any():
        _fail("missing organisation", work, "organisation", missing,
              expected="the organisation's name on every row", found=[])
    q_codes, ids = _by_value(work["question_id"])
    ids = ids.str.strip().str.upper()
    work["question_id"] = _spread(ids, q_codes, index)
    missing = _blank(ids).to_numpy()[q_codes]
    if missing.any():
        _fail("missing question id", work, "question_id", missing,
              expected="a framework question id on every row", found=[])
    known = questions["question_id"]
    unknown = (~ids.isin(known)).to_numpy()[q_codes]
    if unknown.any():
        _fail("unknown question id", work, "question_id", unknown,
              expected=f"one of the {len(known)} question ids {known.iloc[0]} ... "
                       f"{known.iloc[-1]} (see diagnostic.framework())",
              found=list(data["question_id"].to_numpy()[unknown]))

    # answers: a label (any case/spacing) or the points of a level; blank = not answered
    a_codes, answer_text, unanswered, points = _answer_points_by_value(work["answer"], scale)
    off_scale = (~unanswered & points.isna()).to_numpy()[a_codes]
    if off_scale.any():
        _fail("answer not on the maturity scale", work, "answer", off_scale,
              expected=_scale_expected(scale),
              found=list(data["answer"].to_numpy()[off_scale]))

    # one organisation x question per row: codes of the normalised values, as integers
    org_key = pd.factorize(orgs)[0][org_codes]
    q_key = pd.factorize(ids)[0][q_codes]
    dup = pd.Series(org_key * (int(q_key.max(initial=0)) + 1) + q_key).duplicated(
        keep=False).to_numpy()
    if dup.any():
        pairs = work.loc[dup, ["organisation", "question_id"]].drop_duplicates()
        _fail("the same question is answered more than once for an organisation", work,
              ["organisation", "question_id"], dup,
              expected="one row per organisation x question_id",
              found=[f"{o} / {q}" for o, q in pairs.itertuples(index=False, name=None)],
              cls=DuplicateKeyError)

    # optional columns
    e_codes, evidence = _optional_text(work, "evidence")
    evidence = evidence.str.strip()
    g_codes, groups = _optional_text(work, "staff_groups")
    groups = (groups.str.replace(r"\s*;[\s;]*", "; ", regex=True)
              .str.strip().str.strip(";").str.strip())
    completed = _parse_dates(work)

    by_id = questions.set_index("question_id")
    answers = pd.DataFrame({
        "organisation": work["organisation"],
        "question_id": work["question_id"],
        "element": _spread(ids.map(by_id["element"]), q_codes, index),
        "sub_area": _spread(ids.map(by_id["sub_area"]), q_codes, index),
        "answer": _spread(answer_text.where(~unanswered), a_codes, index),
        "points": _spread(points, a_codes, index),
        "level": _spread(points.map(dict(zip(scale["points"], scale["label"]))), a_codes, index),
        "evidence": _spread(evidence.where(~_blank(evidence)), e_codes, index),
        "staff_groups": _spread(groups.where(~_blank(groups)), g_codes, index),
        "completed_on": completed,
    }, index=index)
    extra = [c for c in work.columns if c not in answers.columns]
    return pd.concat([answers, work[extra]], axis=1)


def _optional_text(work: pd.DataFrame, column: str):
    """:func:`_by_value` of an optional column (all missing when absent)."""
    if column in work.columns:
        return _by_value(work[column])
    return np.zeros(len(work), dtype=np.intp), pd.Series([np.nan]).astype(str)


def _completeness(answers: pd.DataFrame, questions: pd.DataFrame, organisations=None
                  ) -> pd.DataFrame:
    orgs = pd.unique(answers["organisation"])
    if organisations is not None:  # organisations known from elsewhere (workbook covers)
        orgs = pd.unique(np.concatenate([np.asarray(organisations, dtype=object),
                                         np.asarray(orgs, dtype=object)]))
    ids = questions["question_id"]
    org_at = _positions(answers["organisation"], orgs)
    q_at = _positions(answers["question_id"], ids)
    answered = answers["points"].notna().to_numpy() & (org_at >= 0)
    n_answered = np.bincount(org_at[answered], minlength=len(orgs))
    done = np.zeros((len(orgs), len(ids)), dtype=bool)  # organisation x question answered
    on_grid = answered & (q_at >= 0)
    done[org_at[on_grid], q_at[on_grid]] = True
    dates = answers["completed_on"].groupby(org_at)  # integer keys: cheaper than names
    out = pd.DataFrame({
        "organisation": orgs,
        "n_questions": len(ids),
        "n_answered": n_answered,
    })
    out["n_missing"] = out["n_questions"] - out["n_answered"]
    out["completeness_pct"] = 100 * out["n_answered"] / out["n_questions"]
    out["complete"] = out["n_missing"] == 0
    out["missing_questions"] = _joined_missing(done, ids)
    every = range(len(orgs))
    out["first_completed_on"] = dates.min().reindex(every).to_numpy()
    out["last_completed_on"] = dates.max().reindex(every).to_numpy()
    return out


def _as_diagnostic(data, scale=None) -> Diagnostic:
    """A :class:`Diagnostic` for the steps computed in pandas (staging, evidence, reports):
    answers of another backend are validated there, then collected."""
    diag = data if isinstance(data, Diagnostic) else read_diagnostic_csv(data, scale=scale)
    if not is_pandas(diag.answers):
        diag = dataclasses.replace(diag, answers=to_pandas(diag.answers))
    return diag
