"""Diagnostic loading and scoring on every backend: the same cases give pandas' results.

``read_diagnostic_csv`` and ``score_diagnostic`` take polars, pyarrow, a polars LazyFrame,
DuckDB and sqlframe (the PySpark API on DuckDB).  The answers are checked where they live
and stay in the caller's backend (lazily for a lazy one); the completeness (one row per
organisation) and the scores (one row per organisation x element) come back as pandas and
must equal pandas' own: exact counts and text, numbers to 1e-12 (ARCHITECTURE.md,
"Backends").  The cases are those of test_scoring.py and test_answers.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.backends import (
    BACKENDS,
    LAZY,
    OTHER_BACKENDS,
    native_type,
    same_rows,
    to_backend,
    to_pandas,
)
from tests.diagnostic.helpers import DAT, DATA, ENV, row, staged, two_organisations
from wellbeing_lib import diagnostic as dg
from wellbeing_lib.errors import DuplicateKeyError, InvalidValueError, MissingColumnError
from wellbeing_lib.frames import SUPPORTED

KEYS = ["organisation", "element"]


def as_text(data: pd.DataFrame) -> pd.DataFrame:
    """The answers as another backend holds a CSV: text columns (3 -> "3", None stays)."""
    return data.astype({"answer": "str"})


def same_scores(got: pd.DataFrame, ref: pd.DataFrame, backend: str) -> None:
    """Scores equal pandas' (rows in the same order for an eager table: a lazy one has none)."""
    assert isinstance(got, pd.DataFrame)
    same_rows(got, ref, KEYS)
    if backend not in LAZY:
        assert got[KEYS].values.tolist() == ref[KEYS].values.tolist()


def same_diagnostic(data: pd.DataFrame, backend: str, **kwargs):
    """Load and score ``data`` on pandas and on ``backend``; assert the same results."""
    ref = dg.read_diagnostic_csv(data, **kwargs)
    got = dg.read_diagnostic_csv(to_backend(data, backend), **kwargs)
    assert native_type(got.answers) == native_type(to_backend(data.head(1), backend))
    assert isinstance(got.completeness, pd.DataFrame)
    same_rows(got.completeness, ref.completeness, "organisation")
    scores = dg.score_diagnostic(got)
    same_scores(scores, dg.score_diagnostic(ref), backend)
    return got, scores


@pytest.mark.parametrize("backend", BACKENDS)
def test_scores_two_organisations_as_pandas(backend):
    _, scores = same_diagnostic(as_text(two_organisations()), backend)
    ne = row(scores, "North Trust", ENV)
    assert (ne["n_questions"], ne["n_answered"]) == (9, 6)
    assert ne["mean_maturity"] == pytest.approx(17 / 6, abs=1e-12)
    sd = row(scores, "South Council", DAT)
    assert (sd["n_answered"], sd["completeness_pct"], sd["mean_maturity"]) == (8, 100.0, 2.25)
    # straight from the raw table too
    same_scores(dg.score_diagnostic(to_backend(as_text(two_organisations()), backend)),
                dg.score_diagnostic(two_organisations()), backend)


@pytest.mark.parametrize("backend", BACKENDS)
def test_custom_scale_on_every_backend(backend):
    scale = {"No": 0, "Partly": 0.5, "Yes": 1}
    data = pd.DataFrame({"organisation": "GP federation",
                         "question_id": ["REL-01", "REL-02", "REL-03", "REL-04"],
                         "answer": ["yes", "Partly", "0", "1"]})
    _, scores = same_diagnostic(data, backend, scale=scale)
    rel = row(scores, "GP federation", "Relationships")
    assert (rel["pct_no"], rel["pct_partly"], rel["pct_yes"]) == (25.0, 25.0, 50.0)
    with pytest.raises(InvalidValueError, match="not on the maturity scale"):
        dg.score_diagnostic(to_backend(data.assign(answer=["Embedded", "0", "0", "0"]),
                                       backend), scale=scale)


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_organisation_that_answered_nothing(backend):
    blank = pd.DataFrame({"organisation": ["Alliance"], "question_id": ["ENV-01"],
                          "answer": pd.array([None], dtype="str")})
    _, scores = same_diagnostic(blank, backend)
    assert len(scores) == 7 and (scores["n_answered"] == 0).all()
    assert scores["mean_maturity"].isna().all()


@pytest.mark.parametrize("backend", BACKENDS)
def test_text_labels_and_points_give_the_same_scores(backend):
    ids = ["PWS-01", "PWS-02", "PWS-03", "PWS-04", "PWS-05"]
    labels = pd.DataFrame({"organisation": "Hospice", "question_id": ids,
                           "answer": ["not started", "PLANNING", " Developing", "embedded",
                                      "Exemplary"]})
    points = labels.assign(answer=["0", "1.0", "2", "3.0", " 4 "])
    a = dg.score_diagnostic(to_backend(labels, backend))
    b = dg.score_diagnostic(to_backend(points, backend))
    pd.testing.assert_frame_equal(a, b)
    same_scores(a, dg.score_diagnostic(labels), backend)
    assert row(a, "Hospice", "Professional wellbeing support")["mean_maturity"] == 2.0


@pytest.mark.parametrize("backend", BACKENDS)
def test_system_summary_from_answers_on_every_backend(backend):
    ids = [f"ENV-0{i}" for i in range(1, 10)]
    answers = {"Strong Trust": [4] * 9, "Weak Council": [1] * 9,
               "Middle Hospice": [2, 2, 2, 1, 1, 1, 1, 1, 1]}
    data = pd.DataFrame([(org, q, str(a)) for org, vals in answers.items()
                         for q, a in zip(ids, vals)],
                        columns=["organisation", "question_id", "answer"])
    _, scores = same_diagnostic(data, backend)
    ref = dg.system_summary(dg.score_diagnostic(data))
    got = dg.system_summary(scores)
    pd.testing.assert_frame_equal(got.elements.sort_values("element").reset_index(drop=True),
                                  ref.elements.sort_values("element").reset_index(drop=True),
                                  check_exact=False, rtol=0, atol=1e-12)
    assert got.pairings.values.tolist() == [
        [ENV, "Strong Trust", 4.0, pytest.approx(12 / 9), 2, "Weak Council; Middle Hospice"]]


@pytest.mark.parametrize("backend", BACKENDS)
def test_adapted_question_table_on_every_backend(backend):
    questions = pd.DataFrame({"question_id": ["X-1", "X-2", "Y-1"],
                              "element": ["Ours", "Ours", "Theirs"]})
    data = pd.DataFrame({"organisation": "A", "question_id": ["x-1", "Y-1"],
                         "answer": ["4", "2"]})
    _, scores = same_diagnostic(data, backend, questions=questions)
    assert scores[["element", "n_questions", "n_answered", "mean_maturity"]].values.tolist() \
        == [["Ours", 2, 1, 4.0], ["Theirs", 1, 1, 2.0]]


@pytest.mark.parametrize("backend", BACKENDS)
def test_dates_and_optional_columns_on_every_backend(backend):
    got, _ = same_diagnostic(staged(), backend)  # ISO dates, blanks, dates after as_of
    data = pd.DataFrame({
        "organisation": [" Ambulance Trust ", "Ambulance Trust", "Ambulance Trust"],
        "question_id": ["ENV-01", "ENV-02", "ENV-03"], "answer": ["2", "3", None],
        "evidence": ["  rest audit 2021 ", "", None],
        "staff_groups": ["Band 2 ;Band 3;; Bank/temporary;", " ", None],
        "completed_on": ["2021-11-05", "05/12/2021", None]})
    got, _ = same_diagnostic(data, backend)
    ref = dg.read_diagnostic_csv(data).answers.reset_index(drop=True)
    cols = ["organisation", "question_id", "element", "sub_area", "points", "level",
            "evidence", "staff_groups"]
    same_rows(to_pandas(got.answers)[cols], ref[cols], "question_id")
    answers = got.to_frame()
    assert answers["staff_groups"].tolist()[0] == "Band 2; Band 3; Bank/temporary"
    assert answers["completed_on"].tolist()[:2] == ["2021-11-05", "2021-12-05"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_bundled_sample_on_every_backend(backend):
    data = pd.read_csv(DATA / "workforce_diagnostic_answers.csv", dtype=str)
    got, scores = same_diagnostic(data, backend)
    assert len(scores) == 14 * 7
    assert got.organisations == dg.read_diagnostic_csv(data).organisations or backend in LAZY


@pytest.mark.parametrize("backend", OTHER_BACKENDS)
def test_answers_stay_in_the_callers_backend_and_pandas_steps_collect_them(backend):
    got = dg.read_diagnostic_csv(to_backend(as_text(two_organisations()), backend))
    ref = dg.read_diagnostic_csv(two_organisations())
    assert native_type(got.answers) == native_type(to_backend(two_organisations().head(1)
                                                              .astype(str), backend))
    # staging and evidence are computed in pandas: they collect the checked answers
    pd.testing.assert_frame_equal(dg.evidence_coverage(got).sort_index(axis=1),
                                  dg.evidence_coverage(ref).sort_index(axis=1),
                                  check_dtype=False)


# ------------------------------------------------------------------ named errors
@pytest.mark.parametrize("backend", OTHER_BACKENDS)
def test_bad_rows_are_named_where_the_data_live(backend):
    data = as_text(two_organisations())
    lined = data.assign(file_line=np.arange(len(data)) + 2)
    unknown = lined.assign(question_id=lined["question_id"].where(lined.index != 3, "XYZ-99"))
    with pytest.raises(InvalidValueError) as err:
        dg.score_diagnostic(to_backend(unknown, backend))
    e = err.value
    assert e.problem == "unknown question id" and e.column == "question_id"
    assert e.found == ["XYZ-99"] and e.line_numbers == [5]
    assert e.rows == ([] if backend in LAZY else [3])
    assert "PHW-01" in str(e) and "PWS-08" in str(e)

    off = lined.assign(answer=lined["answer"].where(~lined.index.isin([2, 9]), "Mature"))
    with pytest.raises(InvalidValueError, match="not on the maturity scale") as err:
        dg.read_diagnostic_csv(to_backend(off, backend))
    assert err.value.found == ["Mature", "Mature"] and err.value.line_numbers == [4, 11]

    twice = pd.concat([lined, lined.iloc[[1]].assign(question_id="env-02 ", file_line=99)],
                      ignore_index=True)
    with pytest.raises(DuplicateKeyError) as err:
        dg.read_diagnostic_csv(to_backend(twice, backend))
    assert err.value.found == ["North Trust / ENV-02"] and err.value.line_numbers == [3, 99]
    assert err.value.column == ["organisation", "question_id"]

    nameless = lined.assign(organisation=lined["organisation"].where(lined.index != 4, " "))
    with pytest.raises(InvalidValueError, match="missing organisation") as err:
        dg.read_diagnostic_csv(to_backend(nameless, backend))
    assert err.value.line_numbers == [6] and err.value.found == []

    dated = lined.assign(completed_on=np.where(lined.index == 1, "2021-13-45", "15/11/2021"))
    with pytest.raises(InvalidValueError, match="unreadable completion date") as err:
        dg.read_diagnostic_csv(to_backend(dated, backend))
    assert err.value.found == ["2021-13-45"] and err.value.line_numbers == [3]

    with pytest.raises(MissingColumnError, match="answer"):
        dg.score_diagnostic(to_backend(data.drop(columns="answer"), backend))


@pytest.mark.parametrize("backend", OTHER_BACKENDS)
def test_errors_match_pandas_on_an_eager_table(backend):
    data = as_text(two_organisations())
    bad = data.assign(answer=data["answer"].where(data.index != 2, "5"))
    with pytest.raises(InvalidValueError) as ref:
        dg.read_diagnostic_csv(bad)
    with pytest.raises(InvalidValueError) as got:
        dg.read_diagnostic_csv(to_backend(bad, backend))
    assert got.value.found == ref.value.found and got.value.problem == ref.value.problem
    if backend not in LAZY:
        assert str(got.value) == str(ref.value)


def test_a_table_of_no_supported_kind_is_named():
    with pytest.raises(TypeError) as err:
        dg.score_diagnostic([("Trust A", "ENV-01", "Embedded")])
    assert SUPPORTED in str(err.value) and "not list" in str(err.value)
