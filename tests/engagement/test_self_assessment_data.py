"""Tests of the bundled engagement self-assessment data (data set ``engagement_self_assessment``).

The files in data/ (a SurveyMonkey-style export as CSV and XLSX, the telephone notes and the
generator's tidy record of the online answers) are made by the generator appended to
wellbeing_lib.datasets.  The tests check that they regenerate byte-identically, that the
loaders of wellbeing_lib.engagement read the export as the generator wrote it (texts and
answer statuses compared cell by cell with the generator's own record), and that the area
pattern the generator plants (data/README.md) is found by the self-assessment functions;
the counts are also recomputed with plain pandas.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from wellbeing_lib import datasets as ds
from wellbeing_lib import engagement as en
from wellbeing_lib.io import read_table
from wellbeing_lib.privacy import redact_pii

COMMITTED = Path(__file__).resolve().parents[2] / "data"


NAME = "engagement_self_assessment"


EXPORT_CSV = COMMITTED / "self_assessment_online.csv"


EXPORT_XLSX = COMMITTED / "self_assessment_online.xlsx"


NOTES_CSV = COMMITTED / "self_assessment_telephone.csv"


FILES = ["self_assessment_telephone.csv", "self_assessment_online_answers.csv",
         "self_assessment_online.csv", "self_assessment_online.xlsx"]


METADATA = ["respondent_id", "collector_id", "start_date", "end_date", "ip_address",
            "email_address", "first_name", "last_name", "custom_data_1"]


TYPE_COLUMN = "which_of_these_best_describes_the"


#: the area each area's comments should mostly be about (a theme of the codebook)
OWN_THEME = {"A1": "Transparency", "A2": "Public information", "A3": "Communication",
             "A4": "Dialogue with representatives", "A5": "Partners", "A6": "Using insight",
             "A7": "Co-design", "A8": "Reaching the unengaged", "A9": "Empowerment"}


@pytest.fixture(scope="module")
def key():
    """The generator's record of the online answers (one row per respondent x box)."""
    return ds.load_dataset("self_assessment_online_answers", data_dir=COMMITTED)


@pytest.fixture(scope="module")
def survey():
    return en.read_surveymonkey(EXPORT_CSV)


@pytest.fixture(scope="module")
def notes():
    return en.read_notes_table(NOTES_CSV, question="area")


@pytest.fixture(scope="module")
def responses(survey, notes):
    return en.self_assessment_responses(survey, notes)


def box_of(survey) -> dict:
    """Clean column name -> the generator's box name (stakeholder_type, A1_strength, ...)."""
    q = survey.questions[survey.questions["kind"] == "answer"].reset_index(drop=True)
    areas = [f"A{i}_{a}" for i in range(1, 10) for a in ("strength", "improvement")]
    return dict(zip(q["column"], ["stakeholder_type", *areas, "other_comments"]))


def export_cells(export, survey_key: pd.DataFrame):
    """(text, status) of the export and of the generator, both respondents x boxes."""
    boxes = box_of(export)
    text = export.responses.set_index("respondent_id")[list(boxes)].rename(columns=boxes)
    status = export.status.set_axis(export.responses["respondent_id"]).rename(columns=boxes)
    want_text = survey_key.pivot(index="respondent_id", columns="box", values="text")
    want_status = survey_key.pivot(index="respondent_id", columns="box", values="status")
    order = list(boxes.values())
    return (text[order], status.astype("str")[order],
            want_text.loc[text.index, order], want_status.loc[text.index, order])


# ------------------------------------------------------------------ reproducibility
def test_generation_is_byte_identical_to_the_committed_files(tmp_path):
    paths = ds.make_sample_data(tmp_path, names=[NAME])
    assert [p.name for p in paths] == FILES
    again = ds.make_sample_data(tmp_path / "again", names=[NAME])
    for p, q in zip(paths, again):
        assert p.read_bytes() == q.read_bytes()
        assert p.read_bytes() == (COMMITTED / p.name).read_bytes(), f"{p.name} differs"


def test_other_seed_gives_other_answers_in_the_same_layout():
    default, other = ds.generate(NAME), ds.generate(NAME, random_state=7)
    a, b = default["self_assessment_online_answers"], other["self_assessment_online_answers"]
    assert not a["text"].equals(b["text"])
    assert a["box"].tolist() == b["box"].tolist()
    assert len(other["self_assessment_telephone"]) == 11 * 9 * 2


def test_list_datasets_names_the_export_files():
    table = ds.list_datasets()
    assert table.loc[table["dataset"] == NAME, "file"].tolist() == FILES


# ------------------------------------------------------------------ the export file
def test_committed_export_is_utf8_with_bom_crlf_and_cp1252_compatible():
    raw = EXPORT_CSV.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # SurveyMonkey's UTF-8 byte-order mark
    text = raw.decode("utf-8-sig")
    assert text.count("\r\n") == 2 + 46 and "\n" not in text.replace("\r\n", "")
    for char in "£’‘“”–":  # pound sign, curly quotes, en dash in answers
        assert char in text
    text.encode("cp1252")  # every character survives an Excel re-save
    assert read_table(EXPORT_CSV, header=None).attrs["encoding"] == "utf-8-sig"


def test_read_surveymonkey_merges_the_two_header_rows(survey):
    q = survey.questions
    assert len(survey.responses) == 46 and survey.responses["respondent_id"].is_unique
    assert survey.metadata_columns == METADATA
    answers = q[q["kind"] == "answer"]
    assert len(answers) == 1 + 2 * 9 + 1
    # the same sub-question label under nine questions gives eighteen distinct names
    area_cols = answers.iloc[1:-1]
    assert area_cols["sub_question"].tolist() == ["What works well", "What could be better"] * 9
    assert area_cols["column"].is_unique
    assert area_cols["column"].iloc[0] == "q1_transparency_on_decision_making_ics_what_works_well"
    assert area_cols["question_number"].tolist() == list(np.repeat(np.arange(2, 11), 2))
    # single-answer questions: "Response" and "Open-Ended Response" give no sub-question
    assert answers["column"].iloc[0] == TYPE_COLUMN
    assert answers["sub_question"].iloc[[0, -1]].isna().all()
    assert answers["question"].iloc[1].startswith("1. Transparency on decision-making")
    assert answers["file_column"].iloc[[0, -1]].tolist() == ["J", "AC"]


def test_metadata_blanked_and_dates_parsed_month_first(survey):
    r = survey.responses
    assert r[["ip_address", "email_address", "first_name", "last_name"]].isna().all().all()
    assert set(r["collector_id"]) == {"224781456", "224781903"}
    by_email = r["collector_id"] == "224781903"
    assert r.loc[by_email, "custom_data_1"].notna().all()
    assert r.loc[~by_email, "custom_data_1"].isna().all()
    assert r["start_date"].dt.month.eq(10).all() and r["start_date"].dt.year.eq(2018).all()
    assert (r["end_date"] > r["start_date"]).all()
    assert r["start_date"].is_monotonic_increasing


def test_export_texts_and_statuses_match_the_generator_cell_by_cell(survey, key):
    text, status, want_text, want_status = export_cells(survey, key)
    pd.testing.assert_frame_equal(text, want_text, check_names=False, check_dtype=False)
    assert (status == want_status).all().all()
    counts = status.stack().value_counts().to_dict()
    assert counts == {"answered": 521, "blank": 204, "skipped": 124, "not_reached": 71}


def test_blank_skipped_and_not_reached_follow_the_rules(survey):
    status = survey.status.astype("str")
    boxes = box_of(survey)
    cols = {v: k for k, v in boxes.items()}
    # blank: the other box of the same area answered
    for i in range(1, 10):
        s, m = status[cols[f"A{i}_strength"]], status[cols[f"A{i}_improvement"]]
        assert ((s == "blank") == ((m == "answered") & (s != "answered"))).all()
    # "not_reached": nothing answered from there on; three partial respondents stopped
    # after areas 3, 5 and 7 (everyone else answered area 8 or 9)
    answered = status.iloc[:, 1:-1].eq("answered").to_numpy()  # the 18 area boxes
    last_area = np.array([np.flatnonzero(row).max() // 2 + 1 for row in answered])
    assert sorted(last_area[last_area < 8]) == [3, 5, 7]
    question = np.append(np.arange(18) // 2, 9)  # area boxes 0-8, closing question 9
    boxes = status.iloc[:, 1:]
    last_q = np.array([question[np.flatnonzero(row)].max()
                       for row in boxes.eq("answered").to_numpy()])
    assert (boxes.eq("not_reached").to_numpy() == (question[None, :] > last_q[:, None])).all()
    # everyone answered the stakeholder-type question
    assert status[TYPE_COLUMN].eq("answered").all()


def test_cp1252_resave_and_xlsx_read_the_same(survey, key, tmp_path):
    path = ds.write_self_assessment_export(key, tmp_path / "resaved.csv", encoding="cp1252")
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert "£" in raw.decode("cp1252")
    for other in (en.read_surveymonkey(path), en.read_surveymonkey(EXPORT_XLSX)):
        pd.testing.assert_frame_equal(other.responses, survey.responses, check_dtype=False)
        pd.testing.assert_frame_equal(other.status, survey.status)
        pd.testing.assert_frame_equal(other.questions, survey.questions)
    sheet = openpyxl.load_workbook(EXPORT_XLSX).active
    merged = sorted(str(r) for r in sheet.merged_cells.ranges)
    assert len(merged) == 9 and "K1:L1" in merged  # one question over its two boxes


def test_write_export_rejects_unknown_encoding_or_suffix(key, tmp_path):
    with pytest.raises(ValueError, match="encoding"):
        ds.write_self_assessment_export(key, tmp_path / "a.csv", encoding="latin-1")
    with pytest.raises(ValueError, match=r"\.csv or \.xlsx"):
        ds.write_self_assessment_export(key, tmp_path / "a.txt")


# ------------------------------------------------------------------ telephone and combined
def test_telephone_notes_layout(notes):
    assert len(notes) == 11 * 9 * 2
    assert sorted(notes["respondent"].unique()) == [f"T{i:02d}" for i in range(1, 12)]
    assert notes.groupby("respondent").size().eq(18).all()
    assert set(notes["aspect"]) == {"works well", "could be better"}
    assert notes["question"].iloc[0] == "1. Transparency on decision-making"
    assert notes.groupby("respondent")["stakeholder_type"].nunique().eq(1).all()


def test_57_stakeholders_of_five_types(survey, notes, responses):
    people = responses.drop_duplicates("respondent")
    assert people["channel"].value_counts().to_dict() == {"online": 46, "telephone": 11}
    types = pd.concat([survey.responses[TYPE_COLUMN],
                       notes.drop_duplicates("respondent")["stakeholder_type"]])
    assert types.value_counts().to_dict() == {
        "NHS": 19, "Voluntary sector": 13, "Local authority": 12, "Public representative": 9,
        "Healthwatch": 4}


def test_answers_for_the_nine_areas_listed_not_ten(survey, responses):
    assert len(en.engagement_areas()) == 9
    assert responses["area_id"].nunique() == 9
    assert survey.questions["question"].str.contains("what works well, and").sum() == 9 * 2


# ------------------------------------------------------------------ the planted pattern
def substantive_counts(key, notes):
    """Respondents with a substantive comment per area and aspect, recomputed with pandas."""
    non = en.NON_ANSWER
    online = key[key["area_id"].notna() & key["text"].notna()]
    online = online[~online["text"].str.fullmatch(non, case=False)]
    online = online.assign(aspect=online["aspect"])[["respondent_id", "area_id", "aspect"]]
    tel = notes[notes["text"].notna() & ~notes["text"].str.fullmatch(non, case=False)]
    tel = pd.DataFrame({"respondent_id": tel["respondent"],
                        "area_id": "A" + tel["question"].str.extract(r"^(\d)")[0],
                        "aspect": tel["aspect"].map({"works well": "strength",
                                                     "could be better": "improvement"})})
    both = pd.concat([online, tel]).drop_duplicates()
    return both.groupby(["area_id", "aspect"]).size().unstack()


def test_area_counts_match_a_plain_pandas_count(key, notes, responses):
    by_hand = substantive_counts(key, notes)
    summary = en.area_summary(responses).set_index("area_id")
    assert summary["N"].eq(57).all()
    assert summary["n_strength"].tolist() == by_hand["strength"].tolist()
    assert summary["n_improvement"].tolist() == by_hand["improvement"].tolist()
    # the achieved counts documented in data/README.md
    assert by_hand["strength"].tolist() == [17, 26, 35, 31, 47, 30, 22, 11, 22]
    assert by_hand["improvement"].tolist() == [45, 31, 25, 28, 16, 25, 34, 47, 28]


def test_most_scope_for_improvement_and_most_good_practice(responses):
    scope = en.scope_for_improvement(responses)
    good = en.most_good_practice(responses)
    assert scope["area_id"].head(2).tolist() == ["A8", "A1"]  # unengaged, transparency
    assert scope["area_id"].iloc[-1] == "A5"
    assert good["area_id"].head(2).tolist() == ["A5", "A3"]  # VCS/Healthwatch, comms
    assert good["area_id"].tail(2).tolist() == ["A1", "A8"]
    # the extremes are far apart: the Wilson intervals of first and last do not overlap
    assert scope["improvement_ci_low"].iloc[0] > scope["improvement_ci_high"].iloc[-1]
    assert good["strength_ci_low"].iloc[0] > good["strength_ci_high"].iloc[-1]


def test_telephone_differs_from_online_but_not_detectably(responses):
    by = en.area_summary(responses, by="channel").set_index(["channel", "area_id"])
    cols = ["pct_strength", "pct_improvement"]
    diff = by.loc["telephone", cols] - by.loc["online", cols]
    assert diff.loc["A3", "pct_improvement"] > 20  # communication: more criticism by phone
    assert diff.loc["A4", "pct_strength"] > 20  # dialogue with representatives: more praise
    tests = en.compare_channels(responses)
    assert len(tests) == 18 and not tests["significant"].any()  # n = 11: too few to tell


def test_each_area_is_mostly_about_its_own_theme(responses):
    themes = en.area_themes(responses, top=1)
    top = themes.set_index(["area_id", "aspect"])["theme"]
    assert top.to_dict() == {(a, asp): t for a, t in OWN_THEME.items()
                             for asp in ("strength", "improvement")}


def test_three_online_answers_carry_personal_details_that_redaction_removes(key):
    texts = key["text"].dropna()
    pii = texts[texts.str.contains(r"01632|example\.com|Cllr", regex=True)]
    assert len(pii) == 3
    redacted = redact_pii(pii)
    assert not redacted.str.contains(r"01632|example\.com|Trewin", regex=True).any()
    assert redacted.str.contains(r"\[PHONE\]|\[EMAIL\]|\[NAME\]", regex=True).all()
