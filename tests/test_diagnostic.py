"""Tests for wellbeing_lib.diagnostic: framework data, scale, loading, scoring, system view.

Every expected number below is worked out by hand in the comments next to it.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from wellbeing_lib import diagnostic as dg
from wellbeing_lib.errors import (
    DuplicateKeyError,
    InvalidValueError,
    MissingColumnError,
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
ENV, DAT = "Environment", "Data insights"


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
