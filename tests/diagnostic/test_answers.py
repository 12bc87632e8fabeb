"""Tests of wellbeing_lib.diagnostic.answers: reading and validating the tidy answer form.

Every expected number below is worked out by hand in the comments next to it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.diagnostic.helpers import row, two_organisations
from wellbeing_lib import diagnostic as dg
from wellbeing_lib.errors import (
    DuplicateKeyError,
    InvalidValueError,
    MissingColumnError,
    UnreadableFileError,
)
from wellbeing_lib.io import with_source
from wellbeing_lib.validation import source_of


def test_missing_answers_are_reported_not_errors():
    d = dg.read_diagnostic_csv(two_organisations())
    c = d.completeness.set_index("organisation")
    assert c.loc["North Trust", "n_answered"] == 8  # 6 Environment + 2 Data insights
    assert c.loc["North Trust", "completeness_pct"] == pytest.approx(100 * 8 / 60)
    assert c.loc["South Council", "n_answered"] == 11
    assert c.loc["South Council", "n_missing"] == 49
    assert not c["complete"].any()
    north_missing = c.loc["North Trust", "missing_questions"].split("; ")
    # blank answer (ENV-06) and questions absent from the file (ENV-08) both count
    assert "ENV-06" in north_missing and "ENV-08" in north_missing
    assert "ENV-05" not in north_missing and len(north_missing) == 52
    a = d.answers
    blank = a[(a["organisation"] == "North Trust") & (a["question_id"] == "ENV-06")].iloc[0]
    assert np.isnan(blank["points"]) and pd.isna(blank["level"]) and pd.isna(blank["answer"])


def test_text_labels_and_numeric_answers_give_the_same_scores():
    ids = ["PWS-01", "PWS-02", "PWS-03", "PWS-04", "PWS-05"]
    as_text = pd.DataFrame({"organisation": "Hospice", "question_id": ids,
                            "answer": ["not started", "PLANNING", " Developing", "embedded",
                                       "Exemplary"]})
    as_points = as_text.assign(answer=[0, 1.0, "2", "3.0", 4])
    a = dg.score_diagnostic(as_text)
    b = dg.score_diagnostic(as_points)
    pd.testing.assert_frame_equal(a, b)
    pws = row(a, "Hospice", "Professional wellbeing support")
    assert pws["mean_maturity"] == 2.0  # (0+1+2+3+4)/5
    assert pws["n_answered"] == 5 and pws["completeness_pct"] == 62.5
    d = dg.read_diagnostic_csv(as_points)
    assert d.answers["level"].tolist() == ["Not started", "Planning", "Developing",
                                           "Embedded", "Exemplary"]


def test_loading_does_not_change_the_callers_frame():
    data = two_organisations()
    before = data.copy()
    dg.score_diagnostic(data)
    pd.testing.assert_frame_equal(data, before)


def test_optional_columns_are_normalised():
    data = pd.DataFrame({
        "organisation": [" Ambulance Trust ", "Ambulance Trust", "Ambulance Trust"],
        "question_id": ["ENV-01", "ENV-02", "ENV-03"],
        "answer": [2, 3, None],
        "evidence": ["  rest audit 2021 ", "", None],
        "staff_groups": ["Band 2 ;Band 3;; Bank/temporary;", " ", None],
        "completed_on": ["2021-11-05", "05/12/2021", None],
    })
    a = dg.read_diagnostic_csv(data).answers
    assert a["organisation"].unique().tolist() == ["Ambulance Trust"]
    assert a["evidence"].iloc[0] == "rest audit 2021" and pd.isna(a["evidence"].iloc[1])
    assert a["staff_groups"].iloc[0] == "Band 2; Band 3; Bank/temporary"
    assert pd.isna(a["staff_groups"].iloc[1])
    # ISO is year-month-day; the UK form is day/month/year
    assert a["completed_on"].iloc[0] == pd.Timestamp("2021-11-05")
    assert a["completed_on"].iloc[1] == pd.Timestamp("2021-12-05")
    c = dg.read_diagnostic_csv(data).completeness.iloc[0]
    assert c["first_completed_on"] == pd.Timestamp("2021-11-05")
    assert c["last_completed_on"] == pd.Timestamp("2021-12-05")


CSV_HEADER = "organisation,question_id,answer,evidence,staff_groups,completed_on\n"


def write_csv(tmp_path, body: str):
    path = tmp_path / "ics_diagnostic.csv"
    path.write_text(CSV_HEADER + body, encoding="utf-8")
    return path


def test_unknown_question_id_names_file_column_and_row(tmp_path):
    path = write_csv(tmp_path, (
        "North Trust,ENV-01,Embedded,,,2021-11-15\n"
        "North Trust,ENV-02,3,,,2021-11-15\n"
        "North Trust,ENV-3,2,,,2021-11-15\n"      # index 2, file line 4: not zero-padded
        "North Trust,XYZ-99,2,,,2021-11-15\n"))   # index 3, file line 5
    with pytest.raises(InvalidValueError) as err:
        dg.read_diagnostic_csv(path)
    e = err.value
    assert e.problem == "unknown question id"
    assert e.file == "ics_diagnostic.csv" and e.column == "question_id"
    assert e.rows == [2, 3] and e.line_numbers == [4, 5]
    assert e.found == ["ENV-3", "XYZ-99"]
    msg = str(e)
    assert "ics_diagnostic.csv" in msg and "rows 2, 3 (file lines 4, 5)" in msg
    assert "PHW-01" in msg and "PWS-08" in msg


def test_off_scale_answer_names_the_row(tmp_path):
    path = write_csv(tmp_path, (
        "South Council,DAT-01,Planning,,,\n"
        "South Council,DAT-02,5,,,\n"             # index 1, line 3: above the scale
        "South Council,DAT-03,Mature,,,\n"        # index 2, line 4: not a label
        "South Council,DAT-04,2.5,,,\n"))         # index 3, line 5: between levels
    with pytest.raises(InvalidValueError) as err:
        dg.read_diagnostic_csv(path)
    e = err.value
    assert e.problem == "answer not on the maturity scale"
    assert e.column == "answer" and e.rows == [1, 2, 3] and e.line_numbers == [3, 4, 5]
    assert [str(v) for v in e.found] == ["5", "Mature", "2.5"]
    assert "0 Not started" in str(e) and "4 Exemplary" in str(e)


def test_duplicate_organisation_question_names_both_rows(tmp_path):
    path = write_csv(tmp_path, (
        "North Trust,ENV-01,Embedded,,,\n"
        "North Trust,ENV-02,3,,,\n"
        "South Council,ENV-01,1,,,\n"
        "North Trust,env-01 ,2,,,\n"))            # index 3: same as index 0 once normalised
    with pytest.raises(DuplicateKeyError) as err:
        dg.read_diagnostic_csv(path)
    e = err.value
    assert e.rows == [0, 3] and e.line_numbers == [2, 5]
    assert e.column == ["organisation", "question_id"]
    assert e.found == ["North Trust / ENV-01"]
    assert "ics_diagnostic.csv" in str(e)


def test_missing_organisation_and_bad_date_are_named(tmp_path):
    with pytest.raises(InvalidValueError, match=r"missing organisation.*row 1 \(file line 3\)"):
        dg.read_diagnostic_csv(write_csv(tmp_path, "A,ENV-01,1,,,\n,ENV-02,1,,,\n"))
    with pytest.raises(InvalidValueError) as err:
        dg.read_diagnostic_csv(write_csv(tmp_path, "A,ENV-01,1,,,2021-13-45\n"))
    assert err.value.column == "completed_on" and err.value.line_numbers == [2]


def test_missing_columns_and_unreadable_files(tmp_path):
    with pytest.raises(MissingColumnError, match="answer"):
        dg.read_diagnostic_csv(pd.DataFrame({"organisation": ["A"], "question_id": ["ENV-01"]}))
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(UnreadableFileError, match="empty"):
        dg.read_diagnostic_csv(empty)


def test_errors_from_a_dataframe_name_index_labels():
    data = pd.DataFrame({"organisation": ["A", "A"], "question_id": ["ENV-01", "ENV-99"],
                         "answer": [1, 1]}, index=["r1", "r2"])
    with pytest.raises(InvalidValueError) as err:
        dg.read_diagnostic_csv(data)
    assert err.value.rows == ["r2"] and err.value.line_numbers == []


def test_adapted_question_table():
    questions = pd.DataFrame({"question_id": ["X-1", "X-2", "Y-1"],
                              "element": ["Ours", "Ours", "Theirs"]})
    data = pd.DataFrame({"organisation": "A", "question_id": ["x-1", "Y-1"], "answer": [4, 2]})
    d = dg.read_diagnostic_csv(data, questions=questions)
    s = dg.score_diagnostic(d)
    assert s[["element", "n_questions", "n_answered", "mean_maturity"]].values.tolist() == [
        ["Ours", 2, 1, 4.0], ["Theirs", 1, 1, 2.0]]
    with pytest.raises(InvalidValueError, match="unknown question id"):
        dg.read_diagnostic_csv(data.assign(question_id=["ENV-01", "Y-1"]), questions=questions)
    with pytest.raises(DuplicateKeyError, match="question id repeated"):
        dg.read_diagnostic_csv(data, questions=questions.assign(question_id=["X-1", "x-1", "Y"]))


def test_a_frame_with_provenance_names_its_file_in_errors():
    # io.with_source records where a table came from; the readers keep it for their errors
    data = with_source(pd.DataFrame({"organisation": ["A", "A"],
                                     "question_id": ["ENV-01", "ENV-99"],
                                     "answer": [1, 2]}), "answers.csv")
    with pytest.raises(InvalidValueError) as err:
        dg.read_diagnostic_csv(data)
    assert err.value.file == "answers.csv" and err.value.line_numbers == [3]
    assert data.attrs == {"source": "answers.csv"}  # the caller's frame is unchanged
    scale = with_source(pd.DataFrame({"label": ["No", "no"], "points": [0, 1]}), "scale.csv")
    with pytest.raises(DuplicateKeyError) as err:
        dg.maturity_scale(scale)
    assert err.value.file == "scale.csv"
    # a validated scale is a new table (sorted): the file's line numbers no longer apply
    ok = with_source(pd.DataFrame({"label": ["Yes", "No"], "points": [1, 0]}), "scale.csv")
    assert source_of(dg.maturity_scale(ok)) is None


def test_diagnostic_to_frame_is_the_tidy_answer_form():
    d = dg.read_diagnostic_csv(two_organisations())
    tidy = d.to_frame()
    assert tidy.columns.tolist() == list(dg.ANSWER_COLUMNS)
    assert len(tidy) == len(two_organisations())
    again = dg.read_diagnostic_csv(tidy)
    pd.testing.assert_frame_equal(dg.score_diagnostic(again), dg.score_diagnostic(d))
