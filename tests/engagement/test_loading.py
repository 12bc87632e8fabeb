"""Loading survey exports, notes and manual coding (wellbeing_lib.engagement.loading).
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests.engagement.helpers import AREA1, AREA2, SM_ROWS, write_csv
from wellbeing_lib import engagement as eng
from wellbeing_lib.engagement import (
    load_codebook,
    read_codings,
    read_notes_table,
    read_survey_csv,
    read_surveymonkey,
)
from wellbeing_lib.errors import (
    DuplicateKeyError,
    InvalidValueError,
    MissingColumnError,
    SheetError,
)

EXPECTED_COLUMNS = [
    "respondent_id", "collector_id", "start_date", "end_date", "ip_address",
    "transparency_on_decision_making_ics_what_works_well",
    "transparency_on_decision_making_ics_what_could_be_better",
    "public_information_about_vision_plan_what_works_well",
    "public_information_about_vision_plan_what_could_be_better",
    "which_organisation_do_you_work_for",
    "how_do_you_hear_about_plans_newsletter",
    "how_do_you_hear_about_plans_website",
    "how_do_you_hear_about_plans_other_please_specify",
]


def check_export(survey):
    assert list(survey.responses.columns) == EXPECTED_COLUMNS
    # same sub-question label under two questions -> two distinct, traceable columns
    q = survey.questions.set_index("column")
    assert q.loc["transparency_on_decision_making_ics_what_works_well", "question"] == AREA1
    assert q.loc["public_information_about_vision_plan_what_works_well", "question"] == AREA2
    assert q.loc["public_information_about_vision_plan_what_works_well",
                 "sub_question"] == "What works well"
    assert pd.isna(q.loc["which_organisation_do_you_work_for", "sub_question"])  # "Response"
    assert list(q["question_number"]) == [0] * 5 + [1, 1, 2, 2, 3, 4, 4, 4]
    assert survey.metadata_columns == EXPECTED_COLUMNS[:5]
    assert list(q["file_column"])[:3] == ["A", "B", "C"] and q["file_column"].iloc[-1] == "M"
    r = survey.responses
    # cp1252 / UTF-8 characters survive: en dash, curly quotes, pound sign
    assert r.loc[0, EXPECTED_COLUMNS[5]] == "Board papers are online – “open” meetings"
    assert r.loc[0, EXPECTED_COLUMNS[6]] == "Parking costs £5"
    assert list(r["respondent_id"]) == ["11447", "11448", "11449"]
    assert r.loc[0, "start_date"] == pd.Timestamp("2018-10-15 09:12:34")
    assert r.loc[1, "end_date"] == pd.Timestamp("2018-10-16 10:05:00")
    st_ = survey.status.astype(str)
    assert st_.iloc[0].tolist() == ["answered", "answered", "skipped", "skipped", "answered",
                                    "answered", "blank", "blank"]
    assert st_.iloc[1].tolist() == ["skipped", "skipped", "answered", "blank", "answered",
                                    "blank", "answered", "answered"]
    assert st_.iloc[2].tolist() == ["answered", "blank"] + ["not_reached"] * 6
    assert pd.isna(r.loc[1, EXPECTED_COLUMNS[8]])  # whitespace-only box = no answer


def test_surveymonkey_cp1252_two_header_rows(sm_cp1252):
    check_export(read_surveymonkey(sm_cp1252))


def test_surveymonkey_utf8_with_bom(tmp_path):
    path = write_csv(tmp_path / "bom.csv", SM_ROWS, "utf-8-sig")
    assert path.read_bytes()[:3] == b"\xef\xbb\xbf"
    survey = read_surveymonkey(path)
    check_export(survey)
    assert survey.responses.columns[0] == "respondent_id"  # BOM not glued to the name


def test_surveymonkey_xlsx(tmp_path):
    rows = [list(r) for r in SM_ROWS]
    for r in rows[2:]:
        r[0] = int(r[0])  # IDs stored as numbers, as SurveyMonkey's XLSX does
        r[1] = int(r[1])
    path = tmp_path / "export.xlsx"
    pd.DataFrame(rows).to_excel(path, header=False, index=False)
    check_export(read_surveymonkey(path))


def test_to_frame_is_tidy_and_filters_status(sm_cp1252):
    survey = read_surveymonkey(sm_cp1252)
    long = survey.to_frame(keep=["collector_id"])
    assert list(long.columns) == ["respondent", "collector_id", "question", "question_text",
                                  "sub_question", "text", "status"]
    assert len(long) == 9  # answered cells: 4 + 4 + 1
    assert (long["status"] == "answered").all()
    full = survey.to_frame(statuses=eng.ANSWER_STATUSES)
    assert len(full) == 3 * 8
    first = long.iloc[0]
    assert (first["respondent"], first["question_text"], first["sub_question"]) == (
        "11447", AREA1, "What works well")
    with pytest.raises(MissingColumnError, match="not an answer column"):
        survey.to_frame(["respondent_id"])


def test_surveymonkey_day_first_dates_detected(tmp_path):
    rows = [list(r) for r in SM_ROWS]
    rows[2][2], rows[2][3] = "15/10/2018 09:12:34", "15/10/2018 09:30:01"
    rows[3][2], rows[3][3] = "03/11/2018 10:00:00", "03/11/2018 10:05:00"
    rows[4][2], rows[4][3] = "04/11/2018 11:00:00", "04/11/2018 11:01:00"
    survey = read_surveymonkey(write_csv(tmp_path / "uk.csv", rows, "utf-8"))
    assert survey.responses.loc[1, "start_date"] == pd.Timestamp("2018-11-03 10:00:00")


def test_surveymonkey_ambiguous_dates_warn_and_can_be_overridden(tmp_path):
    rows = [list(r) for r in SM_ROWS]
    for r, d in zip(rows[2:], ["03/11/2018 09:00:00", "04/11/2018 09:00:00",
                               "05/11/2018 09:00:00"]):
        r[2] = r[3] = d
    path = write_csv(tmp_path / "ambiguous.csv", rows, "utf-8")
    with pytest.warns(UserWarning, match="month/day/year"):
        us = read_surveymonkey(path)
    assert us.responses.loc[0, "start_date"] == pd.Timestamp("2018-03-11 09:00:00")
    uk = read_surveymonkey(path, dayfirst=True)
    assert uk.responses.loc[0, "start_date"] == pd.Timestamp("2018-11-03 09:00:00")


def test_surveymonkey_repeated_question_text_gets_suffix(tmp_path):
    rows = [["Respondent ID", "Any other comments?", "Any other comments?"],
            ["", "Open-Ended Response", "Open-Ended Response"],
            ["1", "a", "b"]]
    survey = read_surveymonkey(write_csv(tmp_path / "dup.csv", rows, "utf-8"))
    assert survey.answer_columns == ["any_other_comments", "any_other_comments_2"]
    assert list(survey.questions["question_number"]) == [0, 1, 2]


def test_surveymonkey_errors_name_the_problem(tmp_path):
    one_header = write_csv(tmp_path / "one.csv", [["Respondent ID", "Q1"], ["1", "x"]], "utf-8")
    with pytest.raises(SheetError, match="second header row is missing"):
        read_surveymonkey(one_header)
    rows = [list(r) for r in SM_ROWS]
    rows[4][0] = "11447"
    with pytest.raises(DuplicateKeyError, match=r"file lines 3, 5"):
        read_surveymonkey(write_csv(tmp_path / "dupid.csv", rows, "utf-8"))
    rows = [r[1:] for r in SM_ROWS]
    with pytest.raises(MissingColumnError, match="respondent identifier"):
        read_surveymonkey(write_csv(tmp_path / "noid.csv", rows, "utf-8"))


def test_read_survey_csv_one_header_row(tmp_path):
    path = tmp_path / "generic.csv"
    path.write_bytes("ID,Channel,What matters to you?,Anything else?\r\n"
                     "P1,phone,“Family” – and £ for heating,\r\nP2,online,,More buses\r\n"
                     "P3,online,,\r\n".encode("cp1252"))
    survey = read_survey_csv(path, respondent="ID", metadata=["channel"])
    assert survey.answer_columns == ["what_matters_to_you", "anything_else"]
    assert survey.responses.loc[0, "what_matters_to_you"] == "“Family” – and £ for heating"
    assert survey.status.astype(str).to_numpy().tolist() == [
        ["answered", "not_reached"], ["skipped", "answered"], ["not_reached", "not_reached"]]


def test_clean_name():
    assert eng.clean_name("Café – “Other” (please specify)") == "cafe_other_please_specify"
    assert eng.clean_name("2019 plan") == "q2019_plan"
    assert eng.clean_name("£") == "column"


# ================================================================ notes and codings
def test_read_notes_table_from_file(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_bytes("Caller,Area,Box,Note\r\nT1,A1,what works well,“Open” meetings\r\n"
                     "T1,A2,could be better,\r\n".encode("cp1252"))
    notes = read_notes_table(path, respondent="Caller", question="Area", text="Note")
    assert list(notes.columns) == ["respondent", "question", "text", "Box", "status"]
    assert notes["text"].tolist()[0] == "“Open” meetings" and pd.isna(notes["text"][1])
    assert notes["status"].tolist() == ["answered", "blank"]
    bad = pd.DataFrame({"respondent": ["T1", None], "question": ["A1", "A1"], "text": "x"})
    with pytest.raises(InvalidValueError, match="missing respondent label.*row 1"):
        read_notes_table(bad)


def test_read_codings_dedupes_and_checks_codes():
    raw = pd.DataFrame({"Case": ["R1", "R1", "R1", "R2"], "Node": ["loneliness"] * 3 + ["x"],
                        "Q": "q1", "User": ["AB", "AB", "CD", "AB"]})
    with pytest.raises(InvalidValueError, match="code not in the codebook.*row 3"):
        read_codings(raw, respondent="Case", question="Q", code="Node", coder="User",
                     codes=load_codebook())
    ok = read_codings(raw.iloc[:3], respondent="Case", question="Q", code="Node", coder="User")
    assert len(ok) == 2 and len(raw.iloc[:3]) - len(ok) == 1  # one exact repeat dropped
    assert list(ok.columns) == ["respondent", "question", "code", "coder"]


def test_survey_export_is_frozen_and_readers_record_their_file(sm_cp1252, tmp_path):
    import dataclasses

    from wellbeing_lib.validation import source_of

    survey = read_surveymonkey(sm_cp1252)
    with pytest.raises(dataclasses.FrozenInstanceError):
        survey.source = "other.csv"
    assert survey.source == "export_cp1252.csv"
    assert source_of(survey.responses) == source_of(survey.to_frame()) == "export_cp1252.csv"
    path = tmp_path / "notes.csv"
    path.write_text("respondent,question,text\nT1,A1,Open meetings\n", encoding="utf-8")
    assert source_of(read_notes_table(path)) == "notes.csv"
    codings = tmp_path / "codings.csv"
    codings.write_text("respondent,question,code,coder\nR1,q1,lonely,AB\nR1,q1,lonely,AB\n",
                       encoding="utf-8")
    read = read_codings(codings)
    assert source_of(read) == "codings.csv" and len(read) == 1
    assert "repeats_dropped" not in read.attrs  # provenance only (io: source, encoding)
