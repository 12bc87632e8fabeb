"""Loading engagement data: survey exports, interview and focus-group notes, manual coding.

:func:`read_surveymonkey` reads a SurveyMonkey export (two header rows) and
:func:`read_survey_csv` any survey file with one header row, both into a
:class:`SurveyExport` (``.responses``, ``.questions``, ``.status``; ``.to_frame()`` is the
tidy answers table :func:`~wellbeing_lib.engagement.apply_codebook` codes).
:func:`read_notes_table` reads telephone or focus-group notes and :func:`read_codings`
manual coding as from NVivo or QualCoder.  Every reader records the file it read
(:func:`wellbeing_lib.io.with_source`) so that errors name the file and line.

Example
-------
>>> clean_name("What works well? (£, “quotes”) – Café")
'what_works_well_quotes_cafe'
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import (
    DuplicateKeyError,
    InvalidValueError,
    MissingColumnError,
    SheetError,
)
from ..io import read_table, with_source
from ..validation import (
    TOTAL_LABEL,
    check_not_empty,
    check_total_rows,
    error_location,
    require_columns,
    source_of,
)
from ._common import _frame_from

__all__ = [
    "SINGLE_ANSWER_LABELS",
    "ANSWER_STATUSES",
    "SurveyExport",
    "clean_name",
    "read_surveymonkey",
    "read_survey_csv",
    "read_notes_table",
    "read_codings",
]

#: second-header labels SurveyMonkey writes under a question with one answer column
SINGLE_ANSWER_LABELS = ("response", "open-ended response")

#: answer statuses of :class:`SurveyExport` (see :func:`read_surveymonkey`)
ANSWER_STATUSES = ("answered", "blank", "skipped", "not_reached")

#: clean names of SurveyMonkey's date columns, parsed as dates
_DATE_COLUMNS = ("start_date", "end_date")

_MONTH_DAY = r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})"


def _column_letter(position: int) -> str:
    """Spreadsheet column letter of a 0-based position (0 -> A, 26 -> AA)."""
    letters = ""
    position += 1
    while position:
        position, rem = divmod(position - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def clean_name(text, *, max_length: int | None = 40) -> str:
    """A snake_case column name from a question or header text.

    Accents are removed, every run of characters other than letters and digits becomes
    one ``_``, and the result is lower case.  Long names are cut at a word boundary to
    at most ``max_length`` characters; a name that would start with a digit gets a
    ``q`` in front.  Uniqueness is the caller's business (the loaders add ``_2``, ...).

    Example
    -------
    >>> clean_name("What works well? (£, “quotes”) – Café")
    'what_works_well_quotes_cafe'
    >>> clean_name("1. Transparency on decision-making: ICS, local partnership/place", max_length=30)
    'q1_transparency_on_decision'
    """
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[A-Za-z0-9]+", text.lower())
    if max_length is not None and words:
        kept, size = [], 0
        for word in words:
            extra = len(word) + (1 if kept else 0)
            if kept and size + extra > max_length:
                break
            kept.append(word[:max_length])
            size += extra
        words = kept
    name = "_".join(words) or "column"
    return "q" + name if name[0].isdigit() else name


def _unique_names(names: Sequence[str]) -> list[str]:
    """Make names unique by appending _2, _3, ... to later repeats."""
    seen: set[str] = set()
    out = []
    for name in names:
        candidate, k = name, 1
        while candidate in seen:
            k += 1
            candidate = f"{name}_{k}"
        seen.add(candidate)
        out.append(candidate)
    return out


def _blank_to_na(frame: pd.DataFrame) -> pd.DataFrame:
    """Strip text cells; empty or whitespace-only cells become missing (column-wise)."""
    out = {}
    for col in frame.columns:
        values = frame[col].astype("str").str.strip()
        out[col] = values.mask(values.isna() | (values == ""))
    return pd.DataFrame(out, index=frame.index)


@dataclass(frozen=True, eq=False)
class SurveyExport:
    """A survey export read by :func:`read_surveymonkey` or :func:`read_survey_csv`.

    ``to_frame()`` gives the answers as a tidy table (one row per respondent x answer
    column), the input of :func:`~wellbeing_lib.engagement.apply_codebook`.

    Attributes
    ----------
    responses : DataFrame
        One row per respondent: metadata columns (``respondent_id``, ``collector_id``,
        ``start_date``, ``end_date`` ... as in the file) then one column per answer box,
        with clean unique snake_case names.  Answers are text (missing = no answer);
        convert numeric answers yourself.
    questions : DataFrame
        Lookup from each column back to the file: ``column`` (clean name),
        ``question`` (first header row), ``sub_question`` (second header row, missing for
        single-answer questions and metadata), ``question_number`` (1, 2, ... in file
        order; 0 for metadata), ``kind`` (``"metadata"`` or ``"answer"``) and
        ``file_column`` (spreadsheet letter).
    status : DataFrame
        Same rows and answer columns as ``responses``: ``"answered"``, ``"blank"``,
        ``"skipped"`` or ``"not_reached"`` (ordered categorical; rules in
        :func:`read_surveymonkey`).
    source : str or None
        The file name.
    """

    responses: pd.DataFrame
    questions: pd.DataFrame
    status: pd.DataFrame
    source: str | None = None

    @property
    def metadata_columns(self) -> list[str]:
        """Clean names of the metadata columns."""
        return list(self.questions.loc[self.questions["kind"] == "metadata", "column"])

    @property
    def answer_columns(self) -> list[str]:
        """Clean names of the answer columns."""
        return list(self.questions.loc[self.questions["kind"] == "answer", "column"])

    def to_frame(self, columns=None, *, statuses=("answered",), keep=()) -> pd.DataFrame:
        """Answers as a tidy table: one row per respondent x answer column.

        Parameters
        ----------
        columns : list of str, optional
            Answer columns to include (clean names; default all).
        statuses : sequence of str, default ("answered",)
            Statuses to keep; ``ANSWER_STATUSES`` keeps every cell.
        keep : sequence of str
            Metadata columns to carry along (e.g. ``["collector_id"]``).

        Returns
        -------
        DataFrame
            ``respondent``, the ``keep`` columns, ``question`` (clean column name),
            ``question_text``, ``sub_question``, ``text`` and ``status``; ordered by
            respondent, then column.  This is the input
            :func:`~wellbeing_lib.engagement.apply_codebook` expects.
        """
        answer = self.answer_columns
        columns = answer if columns is None else list(columns)
        unknown = [c for c in columns if c not in answer]
        if unknown:
            raise MissingColumnError("not an answer column of the export", file=self.source,
                                     column=unknown, expected="one of " + ", ".join(answer))
        keep = [keep] if isinstance(keep, str) else list(keep)
        bad_keep = [c for c in keep if c not in self.metadata_columns]
        if bad_keep:
            raise MissingColumnError("not a metadata column of the export", file=self.source,
                                     column=bad_keep,
                                     expected="one of " + ", ".join(self.metadata_columns))
        bad_status = [s for s in statuses if s not in ANSWER_STATUSES]
        if bad_status:
            raise ValueError(f"statuses must be among {ANSWER_STATUSES}, not {bad_status}")
        n_rows, n_cols = len(self.responses), len(columns)
        lookup = self.questions.set_index("column")
        text = self.responses[columns].to_numpy(dtype=object).ravel()
        status = np.asarray(self.status[columns].astype("str"), dtype=object).ravel()
        rows = np.repeat(np.arange(n_rows), n_cols)
        cols = np.tile(np.arange(n_cols), n_rows)
        out = pd.DataFrame({"respondent": self.responses["respondent_id"].to_numpy()[rows]})
        for col in keep:
            out[col] = self.responses[col].to_numpy()[rows]
        out["question"] = np.asarray(columns, dtype=object)[cols]
        out["question_text"] = lookup.loc[columns, "question"].to_numpy()[cols]
        out["sub_question"] = lookup.loc[columns, "sub_question"].to_numpy()[cols]
        out["text"] = pd.Series(text, dtype="str")
        out["status"] = pd.Categorical(status, categories=ANSWER_STATUSES, ordered=True)
        out = out[np.isin(status, list(statuses))].reset_index(drop=True)
        return with_source(out, self.source)


def _read_grid(path, sheet_name) -> pd.DataFrame:
    """Every cell of a CSV/XLSX file as text (no header), encoding detected by read_table."""
    grid = read_table(path, sheet_name=sheet_name, header=None, dtype=str,
                      keep_default_na=False)
    return grid.set_axis(range(grid.shape[1]), axis=1)


def _date_order(values: pd.Series, dayfirst):
    """Decide day/month order of d/m/y dates: (dayfirst, ambiguous)."""
    if dayfirst is not None:
        return bool(dayfirst), False
    parts = values.str.extract(_MONTH_DAY).astype("float64")
    first_big = bool((parts[0] > 12).any())
    second_big = bool((parts[1] > 12).any())
    if first_big and second_big:
        return None, False
    if first_big:
        return True, False
    if second_big:
        return False, False
    return False, bool(parts[0].notna().any())


def _parse_dates(responses: pd.DataFrame, columns, dayfirst, where) -> dict:
    """Parse SurveyMonkey Start/End dates; returns {column: datetime Series}."""
    if not columns:
        return {}
    stacked = pd.concat([responses[c] for c in columns], ignore_index=True).dropna()
    order, ambiguous = _date_order(stacked, dayfirst)
    if order is None:
        raise InvalidValueError(
            "dates mix day/month and month/day order", column=list(columns),
            expected="one date order (pass dayfirst=True or False)", **where(None),
        )
    if ambiguous:
        warnings.warn(
            "every date could be read either way (day and month both <= 12): read as "
            "month/day/year, SurveyMonkey's default export format; pass dayfirst=True if "
            "your account exports day/month/year", UserWarning, stacklevel=4,
        )
    out = {}
    for col in columns:
        raw = responses[col]
        iso = raw.str.match(r"^\s*\d{4}-\d{2}-\d{2}").fillna(False).astype(bool)
        parsed = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
        if iso.any():
            parsed[iso] = pd.to_datetime(raw[iso], format="ISO8601", errors="coerce")
        other = ~iso & raw.notna()
        if other.any():
            parsed[other] = pd.to_datetime(raw[other], format="mixed", dayfirst=order,
                                           errors="coerce")
        bad = (raw.notna() & parsed.isna()).to_numpy()
        if bad.any():
            raise InvalidValueError("unreadable date", column=col,
                                    expected="a date and time such as 10/15/2018 09:12:34 AM",
                                    found=list(raw[bad]), **where(bad))
        out[col] = parsed
    return out


def _answer_status(answered: np.ndarray, question_of: np.ndarray) -> np.ndarray:
    """Status codes (0 answered, 1 blank, 2 skipped, 3 not_reached) of a respondents x
    answer-columns matrix, given each column's question number (ascending in file order)."""
    questions = np.unique(question_of)
    q_index = np.searchsorted(questions, question_of)
    any_q = np.zeros((answered.shape[0], len(questions)), dtype=bool)
    np.logical_or.at(any_q.T, q_index, answered.T)
    # answered anything in a later question: reverse cumulative OR, shifted by one
    later = np.zeros_like(any_q)
    later[:, :-1] = np.logical_or.accumulate(any_q[:, ::-1], axis=1)[:, ::-1][:, 1:]
    in_q, after = any_q[:, q_index], later[:, q_index]
    return np.where(answered, 0, np.where(in_q, 1, np.where(after, 2, 3)))


def _build_export(body: pd.DataFrame, questions: pd.DataFrame, source, first_line: int,
                  respondent: str, dayfirst) -> SurveyExport:
    """Shared core of the survey readers: validate, parse dates, compute statuses."""
    responses = _blank_to_na(body).set_axis(list(questions["column"]), axis=1)
    responses = responses.reset_index(drop=True)

    def where(mask):
        if mask is None:
            return {"file": source}
        rows = list(np.flatnonzero(mask))
        return {"file": source, "rows": rows, "line_numbers": [r + first_line for r in rows]}

    if respondent not in responses.columns:
        raise MissingColumnError(
            "respondent identifier column missing", file=source, column=respondent,
            expected="a column of respondent identifiers (SurveyMonkey: 'Respondent ID')",
            found=[", ".join(questions["question"].astype(str))],
        )
    ids = responses[respondent]
    missing = ids.isna().to_numpy()
    if missing.any():
        raise InvalidValueError("missing respondent identifier", column=respondent,
                                expected="an identifier on every row", **where(missing))
    total = (ids.astype("str").str.match(TOTAL_LABEL).fillna(False)).to_numpy(dtype=bool)
    if total.any():  # an export's summary row would be counted as one more respondent
        raise InvalidValueError("total row", column=respondent,
                                expected="one row per respondent (delete total and summary "
                                         "rows: they would be counted as respondents)",
                                found=list(ids[total]), **where(total))
    dup = ids.duplicated(keep=False).to_numpy()
    if dup.any():
        raise DuplicateKeyError("respondent identifier repeated", column=respondent,
                                expected="one row per respondent",
                                found=list(pd.unique(ids[dup])), **where(dup))
    meta = list(questions.loc[questions["kind"] == "metadata", "column"])
    dates = _parse_dates(responses, [c for c in _DATE_COLUMNS if c in meta], dayfirst, where)
    for col, values in dates.items():
        responses[col] = values
    if respondent != "respondent_id":
        responses = responses.rename(columns={respondent: "respondent_id"})
        questions = questions.assign(column=questions["column"].replace(
            {respondent: "respondent_id"}))
    answer = questions["kind"].to_numpy() == "answer"
    answer_cols = list(questions.loc[answer, "column"])
    codes = _answer_status(responses[answer_cols].notna().to_numpy(),
                           questions.loc[answer, "question_number"].to_numpy())
    status = pd.DataFrame(
        {c: pd.Categorical.from_codes(codes[:, j], categories=ANSWER_STATUSES, ordered=True)
         for j, c in enumerate(answer_cols)}, index=responses.index)
    with_source(responses, source)
    return SurveyExport(responses=responses, questions=questions.reset_index(drop=True),
                        status=status, source=source)


def read_surveymonkey(path, *, sheet_name=0, max_length: int | None = 40,
                      dayfirst: bool | None = None) -> SurveyExport:
    """Read a SurveyMonkey export (CSV or XLSX, "all responses", expanded columns).

    SurveyMonkey writes two header rows: the first holds the question text in the
    first column of each question (blank, or a merged cell, over its other columns);
    the second holds the sub-question - ``Response`` or ``Open-Ended Response`` for a
    question with a single answer box, otherwise the box's label (a matrix row, a
    check-box option, ``Other (please specify)``, or "What works well" / "What could be
    better" under each of several questions).  Metadata columns (``Respondent ID``,
    ``Collector ID``, ``Start Date``, ``End Date``, ``IP Address``, ``Email Address``,
    ``First Name``, ``Last Name``, ``Custom Data 1``) have a blank second row.

    Column names: metadata -> ``clean_name(header)`` (``respondent_id``, ``start_date``
    ...); a single-answer question -> ``clean_name(question)``; a sub-question ->
    ``clean_name(question) + "_" + clean_name(sub_question)``, so the same label under
    different questions gives different columns; remaining repeats get ``_2``, ``_3``.
    ``questions`` maps every name back to the original texts.

    Text encoding (UTF-8 with or without BOM, or cp1252 as Excel saves it) is detected
    by :func:`wellbeing_lib.io.read_table`.  Cells are read as text; surrounding spaces
    are removed; an empty or whitespace-only cell is no answer.  ``Start Date`` and
    ``End Date`` are parsed: ISO dates (XLSX), or d/m/y with the order detected from
    the data (a first field above 12 means day first, a second above 12 month first;
    if every date is ambiguous, SurveyMonkey's month/day/year is used with a warning;
    ``dayfirst`` overrides).

    Blank vs skipped: the export leaves a cell empty both when a respondent left a box
    empty and when they never answered the question, so each answer cell gets a status:

    * ``"answered"`` - the cell holds text;
    * ``"blank"`` - empty, but the respondent answered another box of the *same*
      question (an empty text box beside a filled one; an unticked check-box option);
    * ``"skipped"`` - no box of this question answered, but a later question was: the
      respondent passed over the question (or its page);
    * ``"not_reached"`` - nothing answered in this or any later question: the
      respondent stopped before it (a partial response).

    A respondent who saw a question at the very end and left it empty is therefore
    "not_reached": SurveyMonkey does not export which pages were viewed.

    Parameters
    ----------
    path : str or Path
        The ``.csv`` or ``.xlsx`` export.
    sheet_name : str or int, default 0
        Sheet of a workbook.
    max_length : int or None, default 40
        Longest length of each part (question, sub-question) of a column name.
    dayfirst : bool or None
        Date order of ``Start Date``/``End Date`` (None: detect).

    Returns
    -------
    SurveyExport
        ``.responses``, ``.questions``, ``.status`` and ``.to_frame()`` (see
        :class:`SurveyExport`).

    Raises
    ------
    UnreadableFileError
        Missing, empty or unreadable file.
    SheetError
        Fewer than two header rows, no second header row, a column with no header.
    MissingColumnError
        No ``Respondent ID`` column.
    InvalidValueError, DuplicateKeyError
        Missing or repeated respondent IDs, unreadable dates (file lines are named;
        the first respondent is on line 3).

    Example
    -------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "export.csv"
    >>> _ = p.write_text(
    ...     "Respondent ID,Collector ID,Transparency,,Communication,\\n"
    ...     ",,What works well,What could be better,What works well,What could be better\\n"
    ...     "101,9,Open board meetings,,Newsletter,\\n"
    ...     "102,9,,,Regular updates,Jargon\\n", encoding="utf-8-sig")
    >>> survey = read_surveymonkey(p)
    >>> survey.answer_columns
    ['transparency_what_works_well', 'transparency_what_could_be_better', 'communication_what_works_well', 'communication_what_could_be_better']
    >>> survey.status.iloc[:, :2]
      transparency_what_works_well transparency_what_could_be_better
    0                     answered                             blank
    1                      skipped                           skipped
    """
    grid = _read_grid(path, sheet_name)
    source = source_of(grid) or str(path)
    if len(grid) < 2:
        raise SheetError("not a SurveyMonkey export", file=source, sheet=_sheet(sheet_name),
                         expected="two header rows (question; sub-question or 'Response')",
                         found=[f"{len(grid)} row(s)"])
    head = _blank_to_na(grid.iloc[:2]).set_axis(["h1", "h2"], axis=0)
    body = grid.iloc[2:]
    empty = head.isna().all(axis=0) & _blank_to_na(body).isna().all(axis=0)
    keep = ~empty.to_numpy()
    head, body = head.loc[:, keep], body.loc[:, keep]
    positions = np.flatnonzero(keep)
    h1, h2 = head.loc["h1"], head.loc["h2"]
    looks_like_data = pd.notna(h2.iloc[0]) and not h2.str.lower().isin(
        SINGLE_ANSWER_LABELS).any()
    if h2.isna().all() or looks_like_data:
        raise SheetError(
            "second header row is missing: not a SurveyMonkey export", file=source,
            sheet=_sheet(sheet_name), cell="A2",
            expected="sub-questions or 'Response' in row 2 (for a file with one header "
                     "row use read_survey_csv)",
        )
    if pd.isna(h1.iloc[0]):
        raise SheetError("first column has no question/header in row 1", file=source,
                         sheet=_sheet(sheet_name), cell="A1",
                         expected="'Respondent ID' or a question text")
    orphan = (h1.isna() & h2.isna()).to_numpy()
    if orphan.any():
        cells = [_column_letter(p) + "1" for p in positions[orphan]]
        raise SheetError("column without a header in either header row", file=source,
                         sheet=_sheet(sheet_name), cell=", ".join(cells),
                         expected="a question in row 1 or a sub-question in row 2")
    question = h1.ffill()
    starts = h1.notna().to_numpy()
    block = np.cumsum(starts)
    kind = np.where(h2.isna().to_numpy(), "metadata", "answer")
    single = h2.str.lower().isin(SINGLE_ANSWER_LABELS).to_numpy()
    names = []
    for q, sub, k, s in zip(question, h2, kind, single):
        if k == "metadata" or s:
            names.append(clean_name(q, max_length=max_length))
        else:
            names.append(clean_name(q, max_length=max_length) + "_"
                         + clean_name(sub, max_length=max_length))
    names = _unique_names(names)
    is_answer = kind == "answer"
    number = np.zeros(len(names), dtype=np.int64)
    number[is_answer] = pd.factorize(block[is_answer])[0] + 1
    questions = pd.DataFrame({
        "column": names,
        "question": question.to_numpy(dtype=object),
        "sub_question": h2.mask(pd.Series(single, index=h2.index)).to_numpy(dtype=object),
        "question_number": number,
        "kind": kind,
        "file_column": [_column_letter(p) for p in positions],
    }).astype({"column": "str", "question": "str", "sub_question": "str", "kind": "str"})
    return _build_export(body, questions, source, 3, "respondent_id", dayfirst)


def _sheet(sheet_name):
    return sheet_name if isinstance(sheet_name, str) else None


def read_survey_csv(path, *, respondent: str = "respondent_id", metadata=(), sheet_name=0,
                    max_length: int | None = 40, dayfirst: bool | None = None) -> SurveyExport:
    """Read a generic survey file (CSV or XLSX) with one header row.

    Like :func:`read_surveymonkey` but each column is its own question: column names are
    ``clean_name(header)`` (made unique), the ``respondent`` column and any ``metadata``
    columns are kept as metadata (``respondent`` is renamed ``respondent_id``), every
    other column is an answer.  Statuses: ``"answered"``, ``"skipped"`` (empty, but a
    later column answered) or ``"not_reached"`` (nothing answered from this column on);
    with one box per question there is no ``"blank"``.

    Parameters
    ----------
    path : str or Path
    respondent : str, default "respondent_id"
        The identifier column, as the header or its clean name.
    metadata : sequence of str
        Other non-answer columns (headers or clean names), e.g. ``["channel", "locality"]``.
    sheet_name, max_length, dayfirst
        As in :func:`read_surveymonkey` (dates parsed in ``start_date``/``end_date``).

    Example
    -------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "survey.csv"
    >>> _ = p.write_text("ID,Channel,What matters to you?,Anything else?\\n"
    ...                  "1,online,My family,\\n2,phone,,\\n", encoding="cp1252")
    >>> s = read_survey_csv(p, respondent="ID", metadata=["Channel"])
    >>> s.questions[["column", "question", "kind"]]
                    column              question      kind
    0        respondent_id                    ID  metadata
    1              channel               Channel  metadata
    2  what_matters_to_you  What matters to you?    answer
    3        anything_else        Anything else?    answer
    >>> s.status.to_numpy().tolist()
    [['answered', 'not_reached'], ['not_reached', 'not_reached']]
    """
    grid = _read_grid(path, sheet_name)
    source = source_of(grid) or str(path)
    header = _blank_to_na(grid.iloc[:1]).iloc[0]
    body = grid.iloc[1:]
    empty = header.isna() & _blank_to_na(body).isna().all(axis=0)
    header, body = header[~empty], body.loc[:, ~empty.to_numpy()]
    if header.isna().any():
        cells = [_column_letter(p) + "1" for p in np.flatnonzero(~empty.to_numpy())[
            header.isna().to_numpy()]]
        raise SheetError("column without a header", file=source, sheet=_sheet(sheet_name),
                         cell=", ".join(cells), expected="a header in row 1")
    texts = list(header.astype(str))
    names = _unique_names([clean_name(t, max_length=max_length) for t in texts])

    def resolve(label):
        if label in texts:
            return names[texts.index(label)]
        if label in names:
            return label
        raise MissingColumnError("column not found", file=source, column=label,
                                 expected="a header or clean name among " + ", ".join(texts))

    resp = resolve(respondent)
    meta = {resolve(m) for m in ([metadata] if isinstance(metadata, str) else metadata)}
    meta.add(resp)
    kind = np.array(["metadata" if n in meta else "answer" for n in names])
    number = np.zeros(len(names), dtype=np.int64)
    number[kind == "answer"] = np.arange(1, int((kind == "answer").sum()) + 1)
    questions = pd.DataFrame({
        "column": names, "question": texts, "sub_question": pd.Series([None] * len(names),
                                                                     dtype="str"),
        "question_number": number, "kind": kind,
        "file_column": [_column_letter(p) for p in np.flatnonzero(~empty.to_numpy())],
    }).astype({"column": "str", "question": "str", "kind": "str"})
    return _build_export(body, questions, source, 2, resp, dayfirst)


def read_notes_table(source, *, respondent: str = "respondent", question: str = "question",
                     text: str = "text", sheet_name=0) -> pd.DataFrame:
    """Read telephone-interview or focus-group notes: one row per respondent x question.

    The notes table is tidy: a respondent (or group) identifier, the question or area
    the note answers, and the note text; any other columns (``aspect``, ``channel``,
    ``interviewer``, ``date`` ...) are kept.  Several rows for the same respondent and
    question are allowed (several notes).

    Parameters
    ----------
    source : str, Path or DataFrame
        CSV/XLSX file (encoding detected) or a DataFrame (copied, not changed).
    respondent, question, text : str
        The columns holding them; renamed ``respondent``, ``question``, ``text``.
    sheet_name : str or int
        Sheet of a workbook.

    Returns
    -------
    DataFrame
        ``respondent``, ``question``, ``text`` (stripped; empty = missing), the other
        columns, and ``status`` (``"answered"`` or ``"blank"``).

    Raises
    ------
    MissingColumnError
        A named column is absent.
    InvalidValueError
        A missing respondent or question label (rows named).

    Example
    -------
    >>> import pandas as pd
    >>> notes = pd.DataFrame({"id": ["T1", "T1", "T2"], "area": ["A1", "A2", "A1"],
    ...                       "note": ["  Clear board papers ", "", "More updates"]})
    >>> read_notes_table(notes, respondent="id", question="area", text="note")
      respondent question                text    status
    0         T1       A1  Clear board papers  answered
    1         T1       A2                 NaN     blank
    2         T2       A1        More updates  answered
    """
    kwargs = {} if isinstance(source, pd.DataFrame) else {"sheet_name": sheet_name}
    frame = _frame_from(source, "source", **kwargs)
    require_columns(frame, [respondent, question, text], what="notes table")
    check_not_empty(frame, what="a note")
    check_total_rows(frame, [respondent], what="respondent and question")
    for col, what in ((respondent, "respondent"), (question, "question")):
        values = frame[col].astype("str").str.strip()
        bad = (values.isna() | (values == "")).to_numpy()
        if bad.any():
            raise InvalidValueError(f"missing {what} label", column=col,
                                    expected=f"a {what} on every row",
                                    **error_location(frame, frame.index[bad]))
    renamed = frame.rename(columns={respondent: "respondent", question: "question",
                                    text: "text"})
    out = renamed[["respondent", "question", "text"]].copy()
    out["respondent"] = renamed["respondent"].astype("str").str.strip()
    out["question"] = renamed["question"].astype("str").str.strip()
    out["text"] = _blank_to_na(renamed[["text"]])["text"]
    for col in renamed.columns:
        if col not in out.columns:
            out[col] = renamed[col]
    out["status"] = np.where(out["text"].notna(), "answered", "blank")
    return with_source(out.reset_index(drop=True), source_of(frame))


def read_codings(source, *, respondent: str = "respondent", question: str | None = "question",
                 code: str = "code", coder: str = "coder", codes=None,
                 sheet_name=0) -> pd.DataFrame:
    """Read manual coding as the tidy table (respondent, question, code, coder).

    Every coding tool can be reduced to one row per coded answer x code x coder:

    * **NVivo** - run a *Coding Summary by Code* (or export each node's references) with
      cases = respondents: case or file name -> ``respondent``; the survey question
      (the dataset column, or a node per question) -> ``question``; node name ->
      ``code``; the user's initials -> ``coder``.  For a *dataset* imported from a survey
      the case is the respondent ID.
    * **QualCoder** - *Reports > Coding* exported to CSV: file or case name ->
      ``respondent``; the question (file name when each answer is its own file, or an
      attribute) -> ``question``; ``codename`` -> ``code``; ``coder`` -> ``coder``.

    Several coded passages of one code in one answer are one row here: exact repeats
    are dropped (nothing else drops rows, so their number is the number of rows read
    minus the rows returned).  The result feeds
    :func:`~wellbeing_lib.engagement.code_reliability`.

    Parameters
    ----------
    source : str, Path or DataFrame
    respondent, question, code, coder : str
        Source columns, renamed to these names; ``question=None`` when there is one
        question (a ``question`` column holding ``"all"`` is added).
    codes : list or DataFrame, optional
        Allowed codes, or a codebook (its ``code`` column); other codes raise an error.

    Raises
    ------
    MissingColumnError, InvalidValueError
        Absent columns, missing labels, a code not in ``codes`` (rows named).

    Example
    -------
    >>> import pandas as pd
    >>> nvivo = pd.DataFrame({"Case": ["R1", "R1", "R1"], "Node": ["lonely", "lonely", "cost"],
    ...                       "User": ["AB", "AB", "CD"]})
    >>> read_codings(nvivo, respondent="Case", question=None, code="Node", coder="User")
      respondent question    code coder
    0         R1      all  lonely    AB
    1         R1      all    cost    CD
    """
    kwargs = {} if isinstance(source, pd.DataFrame) else {"sheet_name": sheet_name}
    frame = _frame_from(source, "source", **kwargs)
    cols = [respondent, code, coder] + ([question] if question is not None else [])
    require_columns(frame, cols, what="coding table")
    check_not_empty(frame, what="a coded answer")
    check_total_rows(frame, [respondent, code], what="coded answer")
    rename = {respondent: "respondent", code: "code", coder: "coder"}
    if question is not None:
        rename[question] = "question"
    out = frame[cols].rename(columns=rename)
    for col in out.columns:
        out[col] = out[col].astype("str").str.strip()
        bad = (out[col].isna() | (out[col] == "")).to_numpy()
        if bad.any():
            raise InvalidValueError(f"missing {col} label", column=[k for k, v in rename.items()
                                                                    if v == col][0],
                                    expected=f"a {col} on every row",
                                    **error_location(frame, frame.index[bad]))
    if question is None:
        out["question"] = "all"
    if codes is not None:
        allowed = list(codes["code"]) if isinstance(codes, pd.DataFrame) else list(codes)
        bad = ~out["code"].isin(allowed).to_numpy()
        if bad.any():
            raise InvalidValueError("code not in the codebook", column=code,
                                    expected="one of " + ", ".join(map(str, allowed)),
                                    found=list(pd.unique(out["code"][bad])),
                                    **error_location(frame, frame.index[bad]))
    out = out[["respondent", "question", "code", "coder"]]
    repeats = out.duplicated()
    return with_source(out[~repeats].reset_index(drop=True), source_of(frame))

