"""Tests for wellbeing_lib.diagnostic: framework data, scale, loading, scoring, system view.

Every expected number below is worked out by hand in the comments next to it.
"""

from __future__ import annotations

import functools
import re
import tempfile
import warnings
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from wellbeing_lib import diagnostic as dg
from wellbeing_lib.errors import (
    DuplicateKeyError,
    InvalidValueError,
    MissingColumnError,
    SheetError,
    UnreadableFileError,
)
from wellbeing_lib.io import package_data_path

# element names exactly as in /work/shared/reference/facts.md, in framework order
ELEMENTS = [
    "Improving personal health and wellbeing",
    "Relationships",
    "Fulfilment at work",
    "Managers and leaders",
    "Environment",
    "Data insights",
    "Professional wellbeing support",
]
ENV, DAT, MGR = "Environment", "Data insights", "Managers and leaders"


# --------------------------------------------------------------- framework file
def test_framework_has_seven_elements_in_order_and_sixty_unique_ids():
    q = dg.framework()
    assert list(pd.unique(q["element"])) == ELEMENTS
    assert len(q) == 60
    assert q["question_id"].is_unique
    assert q["question"].is_unique
    counts = q.groupby("element", sort=False).size()
    assert counts.between(8, 9).all(), counts


def test_framework_ids_are_stable_and_follow_element_codes():
    q = dg.framework()
    assert q["question_id"].str.fullmatch(r"[A-Z]{3}-\d{2}").all()
    prefix = q["question_id"].str[:3]
    assert (prefix.groupby(q["element"]).nunique() == 1).all()  # one code per element
    assert prefix.nunique() == 7
    # numbering runs 01, 02, ... within each element
    numbers = q["question_id"].str[4:].astype(int)
    expected = q.groupby("element", sort=False).cumcount() + 1
    assert (numbers == expected).all()


def test_every_framework_row_has_source_year_and_text():
    q = dg.framework()
    for col in ("element", "sub_area", "question", "evidence_prompt", "source"):
        assert q[col].notna().all() and (q[col].str.strip() != "").all(), col
    assert (q["year"] == 2021).all()
    assert q["source"].str.contains("our own words").all()
    assert q["staff_group_evidence"].dtype == bool
    assert 0 < q["staff_group_evidence"].sum() < len(q)
    # published sub-areas only where verified; the others say so in the source
    published = q.loc[q["sub_area_published"], "element"].unique().tolist()
    assert sorted(published) == ["Improving personal health and wellbeing",
                                 "Managers and leaders"]
    own = q.loc[~q["sub_area_published"], "source"]
    assert own.str.contains("Sub-area named in our own plain words").all()
    assert set(q.loc[q["element"] == "Managers and leaders", "sub_area"]) == {
        "Senior leadership responsibilities", "Healthy leadership behaviours", "Skilled managers"}


def test_elements_table_matches_framework():
    e = dg.elements()
    assert e["element"].tolist() == ELEMENTS
    assert e["element_order"].tolist() == list(range(1, 8))
    assert e["code"].tolist() == ["PHW", "REL", "FUL", "MGR", "ENV", "DAT", "PWS"]
    assert e["n_questions"].sum() == 60
    phw = e.iloc[0]
    assert phw["sub_areas"] == "Mental and emotional health; Physical health; Healthy lifestyle"
    assert bool(phw["sub_areas_published"]) is True
    assert e["source"].notna().all() and (e["year"] == 2021).all()


# --------------------------------------------------------------- maturity scale
def test_default_scale_file():
    s = dg.maturity_scale()
    assert s["points"].tolist() == [0, 1, 2, 3, 4]
    assert s["label"].tolist() == ["Not started", "Planning", "Developing", "Embedded",
                                   "Exemplary"]
    assert (s["source"] == "wellbeing_lib default (the NHS tool's scale is not published here)"
            ).all()
    raw = pd.read_csv(package_data_path("maturity_scale.csv"))
    assert {"label", "points", "description", "source", "year"} <= set(raw.columns)
    assert raw["description"].notna().all()


def test_custom_scale_is_sorted_and_validated():
    s = dg.maturity_scale(pd.DataFrame({"label": ["Yes", "No", "Partly"],
                                        "points": [2, 0, 1]}))
    assert s["label"].tolist() == ["No", "Partly", "Yes"]
    assert s["points"].tolist() == [0, 1, 2]
    assert (s["source"] == "user-supplied").all()


@pytest.mark.parametrize("table, error, text", [
    ({"label": ["Yes", " yes "], "points": [1, 2]}, DuplicateKeyError, "label repeated"),
    ({"label": ["Yes", "No"], "points": [1, 1]}, DuplicateKeyError, "points repeated"),
    ({"label": ["Yes", "No"], "points": [1, "high"]}, InvalidValueError, "non-numeric"),
    ({"label": ["Yes", None], "points": [1, 0]}, InvalidValueError, "label missing"),
    ({"label": ["1", "2"], "points": [0, 1]}, InvalidValueError, "reads as a different"),
    ({"label": ["Not started", "not-started!"], "points": [0, 1]}, DuplicateKeyError,
     "same pct_ column"),
])
def test_bad_custom_scales_raise_named_errors(table, error, text):
    with pytest.raises(error, match=text):
        dg.maturity_scale(pd.DataFrame(table))


def test_scale_needs_label_and_points():
    with pytest.raises(MissingColumnError, match="points"):
        dg.maturity_scale(pd.DataFrame({"label": ["a"]}))


# --------------------------------------------------------------- two organisations
def two_organisations() -> pd.DataFrame:
    """North Trust and South Council on Environment (9 questions) and Data insights (8).

    North Trust, Environment: ENV-01..07 = Embedded, 3, Developing, 4, "exemplary ",
    blank, 1; ENV-08/09 absent  -> 6 answered: 3+3+2+4+4+1 = 17, mean 17/6.
    North Trust, Data insights: DAT-01 = 0, DAT-02 = "Not started" -> mean 0, 2 of 8.
    South Council, Environment: ENV-01..03 = 1, "Planning", 0 -> 1+1+0, mean 2/3, 3 of 9.
    South Council, Data insights: DAT-01..08 = 2, 2, 3, 3, 2, 1, 2, 3 -> mean 18/8 = 2.25.
    """
    north_env = ["Embedded", 3, "Developing", 4, "exemplary ", None, 1]
    south_dat = [2, 2, 3, 3, 2, 1, 2, 3]
    rows = (
        [("North Trust", f"ENV-0{i}", a) for i, a in enumerate(north_env, start=1)]
        + [("North Trust", "DAT-01", 0), ("North Trust", "DAT-02", "Not started")]
        + [("South Council", "env-01", 1), ("South Council", "ENV-02", "Planning"),
           ("South Council", "ENV-03", 0)]
        + [("South Council", f"DAT-0{i}", a) for i, a in enumerate(south_dat, start=1)]
    )
    return pd.DataFrame(rows, columns=["organisation", "question_id", "answer"])


def row(scores, org, element):
    hit = scores[(scores["organisation"] == org) & (scores["element"] == element)]
    assert len(hit) == 1
    return hit.iloc[0]


def test_scores_two_organisations_hand_computed():
    scores = dg.score_diagnostic(two_organisations())
    assert len(scores) == 2 * 7
    assert scores["organisation"].tolist()[::7] == ["North Trust", "South Council"]
    assert scores["element"].tolist()[:7] == ELEMENTS

    ne = row(scores, "North Trust", ENV)
    assert (ne["n_questions"], ne["n_answered"]) == (9, 6)
    assert ne["completeness_pct"] == pytest.approx(100 * 6 / 9)
    assert ne["mean_maturity"] == pytest.approx(17 / 6)
    assert ne["pct_not_started"] == 0
    assert ne["pct_planning"] == pytest.approx(100 / 6)
    assert ne["pct_developing"] == pytest.approx(100 / 6)
    assert ne["pct_embedded"] == pytest.approx(200 / 6)
    assert ne["pct_exemplary"] == pytest.approx(200 / 6)

    nd = row(scores, "North Trust", DAT)
    assert (nd["n_questions"], nd["n_answered"], nd["mean_maturity"]) == (8, 2, 0.0)
    assert nd["completeness_pct"] == 25.0
    assert nd["pct_not_started"] == 100.0

    se = row(scores, "South Council", ENV)
    assert se["n_answered"] == 3
    assert se["mean_maturity"] == pytest.approx(2 / 3)
    assert (se["pct_not_started"], se["pct_planning"]) == pytest.approx((100 / 3, 200 / 3))
    assert se["completeness_pct"] == pytest.approx(100 / 3)

    sd = row(scores, "South Council", DAT)
    assert (sd["n_answered"], sd["completeness_pct"], sd["mean_maturity"]) == (8, 100.0, 2.25)
    assert (sd["pct_planning"], sd["pct_developing"], sd["pct_embedded"]) == (12.5, 50.0, 37.5)

    # the level percentages sum to 100 wherever something was answered
    pct = scores.filter(like="pct_").sum(axis=1)
    answered = scores["n_answered"] > 0
    assert np.allclose(pct[answered], 100)
    # elements with nothing answered: completeness 0, no mean (nothing to average)
    empty = row(scores, "North Trust", "Relationships")
    assert empty["n_answered"] == 0 and empty["completeness_pct"] == 0
    assert np.isnan(empty["mean_maturity"]) and np.isnan(empty["pct_embedded"])


def test_missing_answers_are_reported_not_errors():
    d = dg.load_diagnostic_csv(two_organisations())
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
    d = dg.load_diagnostic_csv(as_points)
    assert d.answers["level"].tolist() == ["Not started", "Planning", "Developing",
                                           "Embedded", "Exemplary"]


def test_custom_scale_scores_in_its_own_points_and_columns():
    scale = {"No": 0, "Partly": 0.5, "Yes": 1}
    data = pd.DataFrame({"organisation": "GP federation",
                         "question_id": ["REL-01", "REL-02", "REL-03", "REL-04"],
                         "answer": ["yes", "Partly", 0, 1]})
    s = dg.score_diagnostic(data, scale=scale)
    rel = row(s, "GP federation", "Relationships")
    assert rel["mean_maturity"] == pytest.approx((1 + 0.5 + 0 + 1) / 4)
    assert (rel["pct_no"], rel["pct_partly"], rel["pct_yes"]) == (25.0, 25.0, 50.0)
    assert "pct_embedded" not in s.columns
    # a default-scale label is off this scale
    with pytest.raises(InvalidValueError, match="not on the maturity scale"):
        dg.score_diagnostic(data.assign(answer=["Embedded", 0, 0, 0]), scale=scale)


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
    a = dg.load_diagnostic_csv(data).answers
    assert a["organisation"].unique().tolist() == ["Ambulance Trust"]
    assert a["evidence"].iloc[0] == "rest audit 2021" and pd.isna(a["evidence"].iloc[1])
    assert a["staff_groups"].iloc[0] == "Band 2; Band 3; Bank/temporary"
    assert pd.isna(a["staff_groups"].iloc[1])
    # ISO is year-month-day; the UK form is day/month/year
    assert a["completed_on"].iloc[0] == pd.Timestamp("2021-11-05")
    assert a["completed_on"].iloc[1] == pd.Timestamp("2021-12-05")
    c = dg.load_diagnostic_csv(data).completeness.iloc[0]
    assert c["first_completed_on"] == pd.Timestamp("2021-11-05")
    assert c["last_completed_on"] == pd.Timestamp("2021-12-05")


# --------------------------------------------------------------- named errors
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
        dg.load_diagnostic_csv(path)
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
        dg.load_diagnostic_csv(path)
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
        dg.load_diagnostic_csv(path)
    e = err.value
    assert e.rows == [0, 3] and e.line_numbers == [2, 5]
    assert e.column == ["organisation", "question_id"]
    assert e.found == ["North Trust / ENV-01"]
    assert "ics_diagnostic.csv" in str(e)


def test_missing_organisation_and_bad_date_are_named(tmp_path):
    with pytest.raises(InvalidValueError, match=r"missing organisation.*row 1 \(file line 3\)"):
        dg.load_diagnostic_csv(write_csv(tmp_path, "A,ENV-01,1,,,\n,ENV-02,1,,,\n"))
    with pytest.raises(InvalidValueError) as err:
        dg.load_diagnostic_csv(write_csv(tmp_path, "A,ENV-01,1,,,2021-13-45\n"))
    assert err.value.column == "completed_on" and err.value.line_numbers == [2]


def test_missing_columns_and_unreadable_files(tmp_path):
    with pytest.raises(MissingColumnError, match="answer"):
        dg.load_diagnostic_csv(pd.DataFrame({"organisation": ["A"], "question_id": ["ENV-01"]}))
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(UnreadableFileError, match="empty"):
        dg.load_diagnostic_csv(empty)


def test_errors_from_a_dataframe_name_index_labels():
    data = pd.DataFrame({"organisation": ["A", "A"], "question_id": ["ENV-01", "ENV-99"],
                         "answer": [1, 1]}, index=["r1", "r2"])
    with pytest.raises(InvalidValueError) as err:
        dg.load_diagnostic_csv(data)
    assert err.value.rows == ["r2"] and err.value.line_numbers == []


def test_adapted_question_table():
    questions = pd.DataFrame({"question_id": ["X-1", "X-2", "Y-1"],
                              "element": ["Ours", "Ours", "Theirs"]})
    data = pd.DataFrame({"organisation": "A", "question_id": ["x-1", "Y-1"], "answer": [4, 2]})
    d = dg.load_diagnostic_csv(data, questions=questions)
    s = dg.score_diagnostic(d)
    assert s[["element", "n_questions", "n_answered", "mean_maturity"]].values.tolist() == [
        ["Ours", 2, 1, 4.0], ["Theirs", 1, 1, 2.0]]
    with pytest.raises(InvalidValueError, match="unknown question id"):
        dg.load_diagnostic_csv(data.assign(question_id=["ENV-01", "Y-1"]), questions=questions)
    with pytest.raises(DuplicateKeyError, match="question id repeated"):
        dg.load_diagnostic_csv(data, questions=questions.assign(question_id=["X-1", "x-1", "Y"]))


def test_scale_cannot_be_given_twice():
    d = dg.load_diagnostic_csv(two_organisations())
    with pytest.raises(ValueError, match="already a Diagnostic"):
        dg.score_diagnostic(d, scale={"No": 0, "Yes": 1})


# --------------------------------------------------------------- system view
def three_organisation_scores() -> pd.DataFrame:
    """Hand-made scores for organisations A, B, C.

    Environment: A 3.5, B 1.0, C 1.5 -> median 1.5, q1 1.25, q3 2.5; A >= 1.5 + 2 is strong,
    partners at or below 3.5 - 2 = 1.5: B (1.0) then C (1.5).
    Relationships: 2, 2, 3 -> median 2, nobody 2 levels above; neither strength nor gap.
    Data insights: A 0.5, B 1.0, C 3.0 -> median 1.0 <= 1 (gap); C = 1.0 + 2 exactly is
    strong; partners A (0.5), B (1.0).
    Managers and leaders: A 4.0 but only 20% answered (excluded), B 3.0, C 3.5 -> median 3.25
    from two organisations: a widespread strength; no pairing.
    """
    rows = [
        ("A", ENV, 100.0, 3.5), ("B", ENV, 100.0, 1.0), ("C", ENV, 66.7, 1.5),
        ("A", "Relationships", 100.0, 2.0), ("B", "Relationships", 100.0, 2.0),
        ("C", "Relationships", 100.0, 3.0),
        ("A", DAT, 100.0, 0.5), ("B", DAT, 100.0, 1.0), ("C", DAT, 100.0, 3.0),
        ("A", "Managers and leaders", 20.0, 4.0), ("B", "Managers and leaders", 100.0, 3.0),
        ("C", "Managers and leaders", 100.0, 3.5),
    ]
    return pd.DataFrame(rows, columns=["organisation", "element", "completeness_pct",
                                       "mean_maturity"])


def test_system_summary_per_element_hand_computed():
    s = dg.system_summary(three_organisation_scores())
    e = s.elements.set_index("element")
    assert e.index.tolist() == [ENV, "Relationships", DAT, "Managers and leaders"]
    env = e.loc[ENV]
    assert (env["n_organisations"], env["median"], env["q1"], env["q3"]) == (3, 1.5, 1.25, 2.5)
    assert (env["iqr"], env["min"], env["max"]) == (1.25, 1.0, 3.5)
    assert env["high_variation"] and env["n_strong"] == 1
    assert not env["widespread_gap"] and not env["widespread_strength"]
    rel = e.loc["Relationships"]
    assert rel["median"] == 2.0
    assert not (rel["high_variation"] or rel["widespread_gap"] or rel["widespread_strength"])
    dat = e.loc[DAT]
    assert dat["widespread_gap"] and dat["high_variation"]
    mgr = e.loc["Managers and leaders"]
    assert (mgr["n_organisations"], mgr["n_excluded"], mgr["median"]) == (2, 1, 3.25)
    assert mgr["widespread_strength"] and not mgr["high_variation"]


def test_peer_learning_pairings_hand_computed():
    p = dg.system_summary(three_organisation_scores()).pairings
    assert p.columns.tolist() == ["element", "strong_organisation", "strong_mean",
                                  "system_median", "n_weak", "weak_organisations"]
    assert p.values.tolist() == [
        [ENV, "A", 3.5, 1.5, 2, "B; C"],
        [DAT, "C", 3.0, 1.0, 2, "A; B"],
    ]


def test_thresholds_are_keyword_arguments():
    scores = three_organisation_scores()
    # counting every score, A's 4.0 on Managers and leaders enters: median 3.5, no gap of 2
    s = dg.system_summary(scores, min_completeness=0)
    mgr = s.elements.set_index("element").loc["Managers and leaders"]
    assert (mgr["n_organisations"], mgr["median"]) == (3, 3.5)
    # a stricter variation rule (3 levels) leaves nobody strong
    s = dg.system_summary(scores, variation_threshold=3)
    assert s.pairings.empty and not s.elements["high_variation"].any()
    # a looser gap threshold flags Environment (median 1.5) too
    s = dg.system_summary(scores, gap_threshold=1.5)
    assert s.elements.set_index("element")["widespread_gap"].to_dict() == {
        ENV: True, "Relationships": False, DAT: True, "Managers and leaders": False}
    assert s.thresholds["gap_threshold"] == 1.5
    with pytest.raises(ValueError, match="gap_threshold"):
        dg.system_summary(scores, gap_threshold=3, strength_threshold=3)


def test_system_summary_from_loaded_answers_end_to_end():
    # three organisations answer the 9 Environment questions; the strong one is 2+ above
    ids = [f"ENV-0{i}" for i in range(1, 10)]
    answers = {"Strong Trust": [4] * 9, "Weak Council": [1] * 9,
               "Middle Hospice": [2, 2, 2, 1, 1, 1, 1, 1, 1]}  # mean 12/9
    data = pd.DataFrame([(org, q, a) for org, vals in answers.items()
                         for q, a in zip(ids, vals)],
                        columns=["organisation", "question_id", "answer"])
    scores = dg.score_diagnostic(data)
    s = dg.system_summary(scores)
    env = s.elements.set_index("element").loc[ENV]
    assert env["median"] == pytest.approx(12 / 9) and env["n_organisations"] == 3
    # other elements: nothing answered by anyone -> no organisations, no flags
    rel = s.elements.set_index("element").loc["Relationships"]
    assert rel["n_organisations"] == 0 and rel["n_excluded"] == 3 and np.isnan(rel["median"])
    assert not rel["widespread_gap"] and not rel["high_variation"]
    assert s.pairings.values.tolist() == [
        [ENV, "Strong Trust", 4.0, pytest.approx(12 / 9), 2, "Weak Council; Middle Hospice"]]


def test_system_summary_checks_its_input():
    with pytest.raises(MissingColumnError, match="mean_maturity"):
        dg.system_summary(pd.DataFrame({"organisation": ["A"], "element": [ENV],
                                        "completeness_pct": [100.0]}))
    bad = three_organisation_scores().astype({"mean_maturity": object})
    bad.loc[4, "mean_maturity"] = "high"
    with pytest.raises(InvalidValueError, match=re.escape("row 4")):
        dg.system_summary(bad)


# =============================================================== workbooks
# The Environment sheet of a written workbook: row 1 title, row 2 header, ENV-01 in row 3,
# ENV-05 in row 7, ENV-09 in row 11; columns A Question ID ... D Maturity, E Evidence,
# F Staff groups covered, G Date completed.
def north_answers() -> pd.DataFrame:
    """North Trust: ENV-01..09 answered (3,3,2,2,4,1,0,3,2 = 20), DAT-01 Planning."""
    env = [3, "Embedded", "developing", 2, "Exemplary", 1, 0, 3, 2]
    return pd.DataFrame({
        "question_id": [f"ENV-0{i}" for i in range(1, 10)] + ["DAT-01"],
        "answer": env + ["Planning"],
        "evidence": ["Rest area audit"] * 9 + [None],
        "staff_groups": ["AfC 5-7; Medical"] + [None] * 8 + ["Band 3"],
        "completed_on": ["2022-03-14"] * 9 + ["15/04/2022"],
    })


@functools.cache
def north_book() -> bytes:
    """North Trust's workbook, written once (writing is the slow part of these tests)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = dg.write_diagnostic_workbook(Path(tmp) / "north.xlsx", organisation="North Trust",
                                            answers=north_answers())
        return path.read_bytes()


def write_book(folder, name="org03.xlsx", organisation="North Trust", **cover):
    path = Path(folder) / name
    if organisation == "North Trust" and not cover:
        path.write_bytes(north_book())
        return path
    return dg.write_diagnostic_workbook(path, organisation=organisation,
                                        answers=north_answers(), **cover)


def edit_book(path, change):
    book = openpyxl.load_workbook(path)
    change(book)
    book.save(path)
    return path


def load_quietly(folder, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return dg.load_diagnostic_workbooks(folder, progress=False, **kwargs)


def test_workbook_round_trip(tmp_path):
    write_book(tmp_path, org_code="NT1", organisation_type="Acute trust", lead_role="Lead",
               started_on="2021-11-01", last_updated="2022-04-15")
    d = dg.load_diagnostic_workbooks(tmp_path, progress=False)
    assert d.problems.empty
    a = d.answers.set_index("question_id")
    assert len(d.answers) == 60  # every question has a row; 50 of them blank
    assert a.loc["ENV-02", "level"] == "Embedded" and a.loc["ENV-03", "points"] == 2
    assert a.loc["ENV-01", "staff_groups"] == "AfC 5-7; Medical"
    assert a.loc["DAT-01", "completed_on"] == pd.Timestamp("2022-04-15")
    assert (a.loc["ENV-01", "file"], a.loc["ENV-01", "sheet"], a.loc["ENV-01", "row"]) == (
        "org03.xlsx", "Environment", 3)
    assert a.loc["PWS-08", "sheet"] == "Professional wellbeing support"
    c = d.completeness.iloc[0]
    assert (c["organisation"], c["n_answered"], c["file"]) == ("North Trust", 10, "org03.xlsx")
    s = dg.score_diagnostic(d)
    assert row(s, "North Trust", ENV)["mean_maturity"] == pytest.approx(20 / 9)
    cover = d.cover.iloc[0]
    assert (cover["org_code"], cover["organisation_type"], cover["lead_role"]) == (
        "NT1", "Acute trust", "Lead")
    assert cover["last_updated"] == pd.Timestamp("2022-04-15")
    tidy = d.tidy()
    assert tidy.loc[tidy["question_id"] == "ENV-01", "answer"].item() == "Embedded"
    assert tidy.loc[tidy["question_id"] == "DAT-01", "completed_on"].item() == "2022-04-15"


def test_blank_template_loads_as_nothing_answered(tmp_path):
    dg.write_diagnostic_workbook(tmp_path / "t.xlsx", organisation="Kestrel Hill Hospice")
    book = openpyxl.load_workbook(tmp_path / "t.xlsx")
    assert book.sheetnames == ["Cover", *dg.elements()["sheet_name"]]
    assert [c.value for c in book["Environment"][2]] == list(dg.WORKBOOK_HEADER)
    assert book["Environment"]["A11"].value == "ENV-09"
    d = dg.load_diagnostic_workbooks(tmp_path / "t.xlsx", progress=False)
    assert d.completeness["n_answered"].tolist() == [0] and len(d.answers) == 60


def _del_env(book):
    del book["Environment"]


def _set(sheet, cell, value):
    def change(book):
        book[sheet][cell] = value
    return change


def _merge(sheet, cells):
    def change(book):
        book[sheet].merge_cells(cells)
    return change


def _insert_row(book):
    book["Environment"].insert_rows(1)


def _move_question(book):
    rel = book["Relationships"]
    for col in "ABCDEFG":
        rel[f"{col}10"] = None  # REL-08's row emptied ...
    book["Environment"]["A12"] = "REL-08"  # ... and REL-08 answered on the Environment sheet
    book["Environment"]["D12"] = "Embedded"


MALFORMED = {
    # name: (change, error, problem starts with, sheet, cell, action starts with)
    "missing sheet": (_del_env, SheetError, "element sheet missing", ENV, None,
                      "its questions count as missing"),
    "unknown question id": (_set(ENV, "A7", "ENV-99"), InvalidValueError,
                            "unknown question id 'ENV-99'", ENV, "A7", "row not used"),
    "answer off the scale": (_set(ENV, "D5", "Mature"), InvalidValueError,
                             "answer not on the maturity scale: 'Mature'", ENV, "D5",
                             "answer not used"),
    "answer between levels": (_set(ENV, "D4", 2.5), InvalidValueError,
                              "answer not on the maturity scale: '2.5'", ENV, "D4",
                              "answer not used"),
    "merged header cells": (_merge(ENV, "B2:C2"), SheetError, "merged cells in the header row",
                            ENV, "B2:C2", "sheet skipped"),
    "merged answer cells": (_merge(ENV, "E5:E6"), SheetError, "merged cells in the answer rows",
                            ENV, "E5:E6", "sheet skipped"),
    "header row moved": (_insert_row, SheetError, "header row not where expected", ENV, "A3",
                         "sheet skipped"),
    "header row lacks question id": (_set(ENV, "A2", "Ref"), SheetError,
                                     "header row missing required columns", ENV, "A2",
                                     "sheet skipped"),
    "unreadable date": (_set(ENV, "G3", "31/02/2022"), InvalidValueError,
                        "unreadable date '31/02/2022'", ENV, "G3", "date not used"),
    "unknown staff group": (_set(ENV, "F3", "Nurses; AfC 5"), InvalidValueError,
                            "unknown staff group", ENV, "F3", "kept as written"),
    "repeated question id": (_set(ENV, "A4", "ENV-01"), DuplicateKeyError,
                             "question id ENV-01 repeated", ENV, "A3", "none of the repeated"),
    "question on another sheet": (_move_question, SheetError,
                                  "question REL-08 is on another element's sheet", ENV, "A12",
                                  "kept"),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_workbook_problems_name_file_sheet_and_cell(tmp_path, case):
    change, error, problem, sheet, cell, action = MALFORMED[case]
    path = edit_book(write_book(tmp_path), change)
    with pytest.warns(UserWarning, match=r"problem\(s\) in 1 of 1 workbooks"):
        d = dg.load_diagnostic_workbooks(tmp_path, progress=False)
    p = d.problems
    first = p.iloc[0]
    assert (first["file"], first["sheet"], first["error"]) == ("org03.xlsx", sheet,
                                                                error.__name__)
    assert first["cell"] == cell or (cell is None and pd.isna(first["cell"]))
    assert first["problem"].startswith(problem) and first["action"].startswith(action)
    assert first["organisation"] == "North Trust"
    assert d.completeness["n_problems"].item() == len(p)
    with pytest.raises(error) as err:
        dg.load_diagnostic_workbooks(path, progress=False, errors="raise")
    e = err.value
    assert (e.file, e.sheet, e.cell) == ("org03.xlsx", sheet, cell)
    where = f" in org03.xlsx, sheet '{sheet}'" + (f", cell {cell}" if cell else "")
    assert where in str(e) and str(e) == first["message"]


def test_unknown_question_id_message_reads_like_the_spreadsheet(tmp_path):
    edit_book(write_book(tmp_path), _set(ENV, "A7", "ENV-99"))
    with pytest.raises(InvalidValueError) as err:
        dg.load_diagnostic_workbooks(tmp_path, progress=False, errors="raise")
    assert str(err.value).startswith(
        "unknown question id 'ENV-99' in org03.xlsx, sheet 'Environment', cell A7: "
        "expected one of the 60 question ids PHW-01 ... PWS-08")


def test_what_a_problem_does_to_the_answers(tmp_path):
    def change(book):
        env = book["Environment"]
        env["D5"] = "Mature"        # ENV-03's answer (2) not used
        env["G6"] = "soon"          # ENV-04 still answered, date not used
        env["A7"] = "ENV-99"        # ENV-05's row (4) not used
        env["F3"] = "Nurses"        # ENV-01 kept, staff groups as written
    edit_book(write_book(tmp_path), change)
    d = load_quietly(tmp_path)
    a = d.answers.set_index("question_id")
    assert "ENV-03" in a.index and np.isnan(a.loc["ENV-03", "points"])
    assert a.loc["ENV-03", "evidence"] == "Rest area audit"  # the rest of the row is kept
    assert a.loc["ENV-04", "points"] == 2 and pd.isna(a.loc["ENV-04", "completed_on"])
    assert "ENV-05" not in a.index
    assert a.loc["ENV-01", "staff_groups"] == "Nurses"
    c = d.completeness.iloc[0]
    assert c["n_answered"] == 8 and "ENV-03" in c["missing_questions"]
    assert "ENV-05" in c["missing_questions"] and c["n_problems"] == 4
    # an unknown staff group is not silently dropped from the coverage either
    with pytest.raises(InvalidValueError, match=r"unknown staff group.*Nurses \(org03.xlsx"):
        dg.evidence_coverage(d)
    cov = dg.evidence_coverage(d, unknown="ignore")
    assert cov["n_covering"].sum() == 1  # only DAT-01's Band 3 is left


def test_a_bad_file_does_not_stop_the_others(tmp_path):
    write_book(tmp_path, "a_good.xlsx")
    (tmp_path / "b_empty.xlsx").write_bytes(b"")
    (tmp_path / "c_text.xlsx").write_text("organisation,question_id\nX,ENV-01\n")
    with zipfile.ZipFile(tmp_path / "d_damaged.xlsx", "w") as z:
        z.writestr("hello.txt", "not a workbook")
    edit_book(write_book(tmp_path, "e_nocover.xlsx", organisation="Other"),
              lambda book: setattr(book["Cover"], "title", "Front page"))
    write_book(tmp_path, "f_again.xlsx")  # North Trust a second time
    edit_book(write_book(tmp_path, "g_noname.xlsx", organisation="Tmp"),
              _set("Cover", "B3", None))
    (tmp_path / "~$a_good.xlsx").write_bytes(b"lock")  # Excel lock file: ignored
    with pytest.warns(UserWarning, match=r"6 problem\(s\) in 6 of 7 workbooks \(6 file"):
        d = dg.load_diagnostic_workbooks(tmp_path, progress=False)
    assert d.completeness["organisation"].tolist() == ["North Trust"]
    assert d.completeness["n_answered"].item() == 10
    p = d.problems.set_index("file")
    assert p.loc["b_empty.xlsx", "message"] == "cannot read b_empty.xlsx: the file is empty (0 bytes)"
    assert p.loc["c_text.xlsx", "error"] == "UnreadableFileError"
    assert "not a zip archive" in p.loc["c_text.xlsx", "message"]
    assert "damaged or incomplete" in p.loc["d_damaged.xlsx", "message"]
    assert p.loc["e_nocover.xlsx", "problem"] == "cover sheet missing"
    assert p.loc["f_again.xlsx", "error"] == "DuplicateKeyError"
    assert "already read from a_good.xlsx" in p.loc["f_again.xlsx", "message"]
    assert (p.loc["g_noname.xlsx", "problem"], p.loc["g_noname.xlsx", "cell"]) == (
        "organisation name missing", "B3")
    assert (p["action"] == "file skipped").all() and "a_good.xlsx" not in p.index
    with pytest.raises(UnreadableFileError, match="b_empty.xlsx: the file is empty"):
        dg.load_diagnostic_workbooks(tmp_path, progress=False, errors="raise")


def test_no_workbooks_and_bad_arguments(tmp_path):
    with pytest.raises(UnreadableFileError, match="no .xlsx workbooks"):
        dg.load_diagnostic_workbooks(tmp_path, progress=False)
    with pytest.raises(UnreadableFileError, match="no such file or folder"):
        dg.load_diagnostic_workbooks(tmp_path / "nowhere", progress=False)
    with pytest.raises(ValueError, match="errors must be"):
        dg.load_diagnostic_workbooks(tmp_path, errors="ignore")
    (tmp_path / "only.xlsx").write_bytes(b"")
    with pytest.raises(UnreadableFileError, match=r"none of the 1 workbook\(s\) could be read: "
                                                  "cannot read only.xlsx: the file is empty"):
        load_quietly(tmp_path)


def test_scoring_an_organisation_that_answered_nothing():
    blank = pd.DataFrame({"organisation": "Alliance", "question_id": ["ENV-01"],
                          "answer": [None]})
    s = dg.score_diagnostic(blank)
    assert len(s) == 7 and (s["n_answered"] == 0).all()
    assert s["mean_maturity"].isna().all() and s["pct_exemplary"].isna().all()


# =============================================================== staging
def staged() -> pd.DataFrame:
    """Two organisations, start November 2021, judged at 10 March 2022.

    Due dates: PHW 30 Nov, REL 31 Dec, FUL 31 Jan, MGR 28 Feb, ENV 31 Mar ...
    Org A: PHW 9/9 by 10 Nov (on time); REL 8/8, last 5 Jan (late 5 days); FUL 3/9
    (in progress, 10 Mar - 31 Jan = 38 days); MGR nothing (not started, 10 days);
    ENV 9/9 on 1 Mar (finished before its due date: on time); DAT, PWS not yet due.
    Org B: PHW 9/9 without dates (no date); REL 8/8 dated 1 April, after as_of (not given
    yet: not started, 10 Mar - 31 Dec = 69 days); FUL and MGR nothing (not started).
    """
    def block(org, prefix, n, answered, dates):
        return pd.DataFrame({"organisation": org,
                             "question_id": [f"{prefix}-0{i}" for i in range(1, n + 1)],
                             "answer": [2] * answered + [None] * (n - answered),
                             "completed_on": dates})
    return pd.concat([
        block("A", "PHW", 9, 9, ["2021-11-02"] * 8 + ["2021-11-10"]),
        block("A", "REL", 8, 8, ["2021-12-20"] * 7 + ["2022-01-05"]),
        block("A", "FUL", 9, 3, ["2022-01-20"] * 3 + [None] * 6),
        block("A", "ENV", 9, 9, ["2022-03-01"] * 9),
        block("B", "PHW", 9, 9, [None] * 9),
        block("B", "REL", 8, 8, ["2022-04-01"] * 8),
    ], ignore_index=True)


def test_staging_progress_hand_computed():
    p = dg.staging_progress(staged(), start="2021-11-15", as_of="2022-03-10")
    assert len(p) == 14 and p["element"].tolist()[:7] == ELEMENTS
    assert p["planned_month"].tolist()[:7] == ["2021-11", "2021-12", "2022-01", "2022-02",
                                               "2022-03", "2022-04", "2022-05"]
    assert p["due_on"].iloc[3] == pd.Timestamp("2022-02-28")
    a = p[p["organisation"] == "A"].set_index("element")
    assert a["status"].tolist() == ["on time", "late", "in progress", "not started",
                                    "on time", "not yet due", "not yet due"]
    assert a["days_late"].tolist()[:5] == [0, 5, 38, 10, 0]
    assert pd.isna(a.loc[DAT, "days_late"])
    assert a.loc["Relationships", "completed_on"] == pd.Timestamp("2022-01-05")
    assert pd.isna(a.loc["Fulfilment at work", "completed_on"])
    assert a.loc["Fulfilment at work", "n_answered"] == 3
    b = p[p["organisation"] == "B"].set_index("element")
    assert b["status"].tolist()[:2] == ["no date", "not started"]
    assert b.loc["Relationships", "days_late"] == 69 and b.loc["Relationships", "n_answered"] == 0
    # default as_of: the latest date in the data (1 April 2022)
    later = dg.staging_progress(staged(), start="2021-11")
    assert (later["as_of"] == pd.Timestamp("2022-04-01")).all()
    assert later.set_index(["organisation", "element"]).loc[("B", "Relationships"),
                                                            "status"] == "late"


def test_staging_summary_and_custom_order():
    p = dg.staging_progress(staged(), start="2021-11", as_of="2022-03-10")
    s = dg.staging_summary(p).set_index("organisation")
    # both behind: B has 3 overdue elements (REL, FUL, MGR), A 2 (FUL, MGR); due by 10 March:
    # PHW ... MGR (ENV is due 31 March, so A's early ENV is finished but not yet due)
    assert s.index.tolist() == ["B", "A"]
    assert s.loc["A"][["n_due", "n_finished", "n_on_time", "n_late", "n_overdue",
                       "max_days_late"]].tolist() == [4, 3, 2, 1, 2, 38]
    assert s.loc["A", "overdue_elements"] == "Fulfilment at work; Managers and leaders"
    assert s.loc["B"][["n_finished", "n_overdue", "max_days_late"]].tolist() == [1, 3, 69]
    assert s["behind"].all()
    order = [ENV, *[e for e in ELEMENTS if e != ENV]]
    q = dg.staging_progress(staged(), start="2021-11", as_of="2022-03-10", element_order=order)
    a = q[q["organisation"] == "A"].set_index("element")
    assert a.loc[ENV, "planned_month"] == "2021-11" and a.loc[ENV, "status"] == "late"
    assert a.loc[ENV, "days_late"] == 91  # 1 March 2022 - 30 November 2021
    with pytest.raises(ValueError, match="element_order must name every element once"):
        dg.staging_progress(staged(), start="2021-11", element_order=order[:-1])
    with pytest.raises(ValueError, match="no completion dates"):
        dg.staging_progress(staged().assign(completed_on=None), start="2021-11")
    with pytest.raises(InvalidValueError, match="status"):
        dg.staging_summary(p.assign(status="done"))


def test_plot_staging_returns_axes():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    p = dg.staging_progress(staged(), start="2021-11", as_of="2022-03-10")
    fig, ax = plt.subplots()
    out = dg.plot_staging(p, ax=ax, title="Staging")
    assert out is ax and ax.get_title() == "Staging"
    assert ax.get_xlabel() == "Element (planned month)" and ax.get_ylabel() == "Organisation"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["A", "B"]
    assert ax.get_xticklabels()[0].get_text() == "Personal health and wellbeing\n2021-11"
    shown = sorted(t.get_text() for t in ax.texts)
    assert shown == ["10d", "10d", "38d", "38d", "5d", "69d"]  # A: 5, 38, 10; B: 69, 38, 10
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["on time", "late", "in progress", "not started", "not yet due", "no date"]
    plt.close(fig)


# =============================================================== evidence coverage
def test_staff_group_terms_accept_aliases_and_ranges():
    data = pd.DataFrame({
        "organisation": "A",
        "question_id": ["MGR-01", "MGR-02", "MGR-03", "MGR-04"],
        "answer": [1, 1, 1, 1],
        "staff_groups": ["Band 5; bands 2 – 4", "AfC 8b, Medical & dental",
                         "agenda for change band 9;afc 6-7", "BANK"]})
    cov = dg.evidence_coverage(data)
    m = cov[cov["element"] == MGR].set_index("staff_group")["n_covering"]
    assert m[m > 0].index.tolist() == ["AfC 2", "AfC 3", "AfC 4", "AfC 5", "AfC 6", "AfC 7",
                                       "AfC 8", "AfC 9", "Medical and dental",
                                       "Bank/temporary"]
    assert (m[m > 0] == 1).all()
    assert dg.staff_groups()["staff_group"].is_unique


def test_evidence_coverage_hand_computed():
    data = pd.DataFrame({
        "organisation": ["A", "A", "A", "B", "B"],
        "question_id": ["ENV-01", "ENV-02", "ENV-03", "ENV-01", "DAT-01"],
        "answer": [3, 2, None, 1, 2],
        # ENV-03 unanswered but its evidence still counts; "AfC 5; Band 5" counts once
        "staff_groups": ["AfC 5; Band 5; AfC 2-4", "AfC 5", "Social care", None, "AfC 1-9"]})
    cov = dg.evidence_coverage(data)
    assert len(cov) == 2 * 7 * 13
    a = cov[(cov["organisation"] == "A") & (cov["element"] == ENV)].set_index("staff_group")
    assert a.loc["AfC 5", ["n_questions", "n_answered", "n_with_groups", "n_covering"]
                 ].tolist() == [9, 2, 3, 2]
    assert a.loc["AfC 5", "pct_covering"] == pytest.approx(200 / 9)
    assert a.loc["AfC 3", "n_covering"] == 1 and a.loc["Social care", "covered"]
    assert not a.loc["Medical and dental", "covered"]
    b = cov[(cov["organisation"] == "B") & (cov["element"] == DAT)].set_index("staff_group")
    assert b["covered"].sum() == 9 and b.loc[[f"AfC {i}" for i in range(1, 10)], "covered"].all()
    matrix = dg.coverage_matrix(cov, by="element")
    assert matrix.loc[ENV, "AfC 5"] == 1 and matrix.loc[ENV, "Social care"] == 1
    assert matrix.loc[DAT].sum() == 9
    wide = dg.coverage_matrix(cov, value="n_covering")
    assert wide.loc[("A", ENV), "AfC 5"] == 2
    assert wide.index.names == ["organisation", "element"] and wide.shape == (14, 13)
    with pytest.raises(ValueError, match="by must be"):
        dg.coverage_matrix(cov, by="group")


def test_unknown_staff_group_names_the_row():
    data = pd.DataFrame({"organisation": "A", "question_id": ["ENV-01", "ENV-02"],
                         "answer": [1, 1], "staff_groups": ["AfC 5", "Band 10; Porters"]},
                        index=["r1", "r2"])
    with pytest.raises(InvalidValueError) as err:
        dg.evidence_coverage(data)
    assert err.value.rows == ["r2"] and err.value.found == ["Band 10", "Porters"]
    cov = dg.evidence_coverage(data, unknown="ignore")
    assert cov["n_covering"].sum() == 1


def test_evidence_gaps_system_and_organisation():
    data = pd.DataFrame({
        "organisation": ["A", "A", "B", "C", "Council"],
        "question_id": ["MGR-01", "ENV-01", "MGR-01", "PWS-01", "MGR-01"],
        "answer": [3, 2, 2, None, 1],
        "staff_groups": ["AfC 5-9; Medical", "AfC 2-4", "AfC 1; AfC 5", None, "Social care"]})
    cov = dg.evidence_coverage(data)
    gaps = dg.evidence_gaps(cov)
    system = gaps[gaps["level"] == "system"].set_index("element")
    # MGR: A, B, Council answered; nobody covers AfC 2-4, Bank/temporary, Other pay scales
    assert system.loc[MGR, "missing_groups"] == "AfC 2-4; Bank/temporary; Other pay scales"
    assert system.loc[MGR, "n_organisations"] == 3 and system.loc[MGR, "n_missing"] == 5
    assert system.loc[ENV, "n_organisations"] == 1
    assert "Professional wellbeing support" not in system.index  # C answered nothing there
    org = gaps[gaps["level"] == "organisation"].set_index(["organisation", "element"])
    assert org.loc[("A", MGR), "missing_groups"] == (
        "AfC 1-4; Social care; Bank/temporary; Other pay scales")
    assert org.loc[("A", MGR), "message"] == (
        "A has no evidence about AfC 1-4; Social care; Bank/temporary; Other pay scales on "
        "Managers and leaders")
    assert ("C", "Professional wellbeing support") not in org.index
    # employed groups: the council is not asked about Agenda for Change bands
    employed = pd.DataFrame({"organisation": ["Council"],
                             "staff_groups_employed": ["Social care; Other pay scales"]})
    own = dg.evidence_gaps(cov, employed=employed).set_index(["organisation", "element"])
    assert own.loc[("Council", MGR), "missing_groups"] == "Other pay scales"
    assert own.loc[("A", MGR), "n_missing"] == 7  # not listed: every group checked
    only = dg.evidence_gaps(cov, groups=["AfC 2-4"])
    assert only.loc[only["level"] == "system", "element"].tolist() == [MGR]
    with pytest.raises(InvalidValueError, match="unknown staff group in groups="):
        dg.evidence_gaps(cov, groups=["Porters"])
