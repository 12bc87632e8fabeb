"""Engagement analysis beyond reliability: loading, codebook coding, themes, reach, raking,
recommendations and the ten-area self-assessment (wellbeing_lib.engagement).

Every expected number is worked out by hand in the test (or checked against scipy /
statsmodels computing the same statistic directly).
"""

from __future__ import annotations

import csv
import io
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wellbeing_lib import engagement as eng
from wellbeing_lib.engagement import (
    apply_codebook,
    area_summary,
    compare_channels,
    compare_groups,
    engagement_areas,
    exemplar_quotes,
    goodness_of_fit,
    load_codebook,
    load_recommendation_map,
    mention_matrix,
    rake,
    read_codings,
    read_notes_table,
    read_survey_csv,
    read_surveymonkey,
    recommendation_evidence,
    representation,
    scope_for_improvement,
    self_assessment_responses,
    theme_cooccurrence,
    theme_frequency,
    weighted_prevalence,
)
from wellbeing_lib.errors import (
    ConvergenceError,
    DuplicateKeyError,
    InvalidValueError,
    MissingColumnError,
    SheetError,
    UnmatchedRecordsError,
)
from wellbeing_lib.io import load_reference_table
from wellbeing_lib.stats import proportion_ci

# ============================================================== SurveyMonkey exports
AREA1 = "Transparency on decision-making: ICS, local partnership/place, organisation level"
AREA2 = "Public information about vision, plan, progress and performance"
SM_ROWS = [
    ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", AREA1, "",
     AREA2, "", "Which organisation do you work for?", "How do you hear about plans?", "", ""],
    ["", "", "", "", "", "What works well", "What could be better", "What works well",
     "What could be better", "Response", "Newsletter", "Website", "Other (please specify)"],
    # answered both boxes of area 1; skipped area 2; ticked one option
    ["11447", "2001", "10/15/2018 09:12:34 AM", "10/15/2018 09:30:01 AM", "10.0.0.1",
     "Board papers are online – “open” meetings", "Parking costs £5", "", "", "Healthwatch",
     "Newsletter", "", ""],
    # skipped area 1, one box of area 2 (the other is whitespace only)
    ["11448", "2001", "10/16/2018 10:00:00 AM", "10/16/2018 10:05:00 AM", "10.0.0.2",
     "", "", "Clear five-year plan", "   ", "CCG", "", "Website", "Radio"],
    # answered one box of area 1, then stopped
    ["11449", "2002", "10/17/2018 11:00:00 AM", "10/17/2018 11:01:00 AM", "10.0.0.3",
     "Good", "", "", "", "", "", "", ""],
]


def write_csv(path, rows, encoding):
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


@pytest.fixture
def sm_cp1252(tmp_path):
    return write_csv(tmp_path / "export_cp1252.csv", SM_ROWS, "cp1252")


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


def test_to_long_is_tidy_and_filters_status(sm_cp1252):
    survey = read_surveymonkey(sm_cp1252)
    long = survey.to_long(keep=["collector_id"])
    assert list(long.columns) == ["respondent", "collector_id", "question", "question_text",
                                  "sub_question", "text", "status"]
    assert len(long) == 9  # answered cells: 4 + 4 + 1
    assert (long["status"] == "answered").all()
    full = survey.to_long(statuses=eng.ANSWER_STATUSES)
    assert len(full) == 3 * 8
    first = long.iloc[0]
    assert (first["respondent"], first["question_text"], first["sub_question"]) == (
        "11447", AREA1, "What works well")
    with pytest.raises(MissingColumnError, match="not an answer column"):
        survey.to_long(["respondent_id"])


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
    assert len(ok) == 2 and ok.attrs["repeats_dropped"] == 1
    assert list(ok.columns) == ["respondent", "question", "code", "coder"]


# ========================================================================= codebook
def test_bundled_codebooks_validate_with_source_and_year():
    wb = load_codebook()
    sa = load_codebook("self_assessment")
    assert (len(wb), len(sa)) == (25, 15)
    assert wb["code"].is_unique and not set(wb["code"]) & set(sa["code"])
    themes = set(wb["theme"])
    for theme in ("Social inclusion", "Being looked after", "Being healthy", "Self-care",
                  "Access to services", "Cost of living", "Loneliness", "Mental health",
                  "Physical activity", "Digital and apps"):
        assert theme in themes
    for name in ("wellbeing_codebook.csv", "self_assessment_codebook.csv",
                 "theme_recommendations.csv", "engagement_areas.csv"):
        table = load_reference_table(name)
        assert {"source", "year"} <= set(table.columns)
        assert table["source"].notna().all() and table["year"].between(2000, 2030).all()


def cb(**rows):
    """A one-theme codebook: cb(code=(include, exclude, negation))."""
    out = []
    for code, spec in rows.items():
        include, exclude, negation = (list(spec) + ["", "yes"])[:3]
        out.append({"theme": code.title(), "code": code, "include": include,
                    "exclude": exclude, "negation": negation})
    return pd.DataFrame(out)


def test_codebook_validation_errors_name_rows(tmp_path):
    dup = pd.DataFrame({"theme": ["A", "B"], "code": ["x", "x"], "include": ["a", "b"]})
    with pytest.raises(DuplicateKeyError, match="rows 0, 1"):
        load_codebook(dup)
    path = tmp_path / "codebook.csv"
    path.write_text("theme,code,include,include_regex\nA,a,apple,\nB,b,,(unclosed\n",
                    encoding="utf-8")
    with pytest.raises(InvalidValueError, match=r"does not compile.*row 1 \(file line 3\)"):
        load_codebook(path)
    with pytest.raises(InvalidValueError, match="without include terms"):
        load_codebook(pd.DataFrame({"theme": ["A"], "code": ["a"], "include": [" "]}))
    with pytest.raises(InvalidValueError, match="malformed term"):
        load_codebook(pd.DataFrame({"theme": ["A"], "code": ["a"], "include": ["is*lated"]}))
    with pytest.raises(InvalidValueError, match="malformed term"):
        load_codebook(pd.DataFrame({"theme": ["A"], "code": ["a"], "include": ["£"]}))
    with pytest.raises(InvalidValueError, match="invalid negation flag"):
        load_codebook(cb(a=("apple", "", "maybe")))
    with pytest.raises(MissingColumnError):
        load_codebook(pd.DataFrame({"theme": ["A"], "code": ["a"]}))


def coded(texts, codebook, **kw):
    data = pd.DataFrame({"respondent": range(1, len(texts) + 1), "text": texts})
    return apply_codebook(data, codebook, **kw)


def test_whole_words_case_and_wildcards():
    book = cb(app=("app",), lonely=("isolat*",), gym=("gym",))
    out = coded(["Happy with the APP", "apple pie; apps", "Isolation and ISOLATED",
                 "gymnastics", "the gym's hours"], book)
    assert out[["respondent", "code", "match"]].values.tolist() == [
        [1, "app", "APP"], [3, "lonely", "Isolation"], [3, "lonely", "ISOLATED"],
        [5, "gym", "gym's"]]  # possessive 's ignored; no match inside happy/apple/gymnastics


def test_multi_word_terms_hyphens_and_any_word():
    book = cb(self_care=("self care; look after myself",),
              access=("can't get * appointment; can't get * * appointment",))
    out = coded(["Self-care matters", "I look  after myself", "self. care",
                 "I can’t get a GP appointment", "Can't get an appointment"], book)
    assert out[["respondent", "match"]].values.tolist() == [
        [1, "Self-care"], [2, "look  after myself"], [4, "can’t get a GP appointment"],
        [5, "Can't get an appointment"]]  # a full stop breaks "self. care"


def test_overlaps_within_a_code_keep_the_longest_and_multi_label_across_codes():
    book = cb(mental=("mental health; health",), healthy=("health; healthy",),
              access=("appointment; can't get an appointment",))
    out = coded(["My mental health", "Can't get an appointment"], book)
    got = out[["respondent", "code", "match", "start", "end"]].values.tolist()
    assert got == [[1, "mental", "mental health", 3, 16], [1, "healthy", "health", 10, 16],
                   [2, "access", "Can't get an appointment", 0, 24]]


def test_negation_window_rules():
    book = cb(lonely=("lonely; isolated; lonel*",), access=("access",),
              family=("family", "", "no"))
    texts = [
        "I am not lonely",                          # 1 negated (1 word before)
        "I never feel isolated",                    # 2 negated (2 words before)
        "no problems with access",                  # 3 negated (3 words before)
        "I don’t feel lonely",                      # 4 curly n't cue
        "not lonely, but isolated",                 # 5 comma and 'but' end the window
        "not at all really lonely",                 # 6 cue 4 words back: outside window
        "I never see my family",                    # 7 family has negation = no
        "Lonely. Not now",                          # 8 cue after the match
    ]
    out = coded(texts, book, keep_negated=True)
    neg = {(r, m.lower()): n for r, m, n in out[["respondent", "match", "negated"]].values}
    assert neg[(1, "lonely")] and neg[(2, "isolated")] and neg[(3, "access")]
    assert neg[(4, "lonely")]
    assert neg[(5, "lonely")] and not neg[(5, "isolated")]
    assert not neg[(6, "lonely")] and not neg[(7, "family")] and not neg[(8, "lonely")]
    kept = coded(texts, book)
    assert "negated" not in kept.columns
    assert sorted(set(kept["respondent"])) == [5, 6, 7, 8]
    wide = coded(texts, book, negation_window=4, keep_negated=True)
    assert wide.loc[wide["respondent"] == 6, "negated"].all()
    off = coded(texts, book, negation_window=0)
    assert len(off) == len(out)


def test_exclude_terms_and_regex():
    book = pd.DataFrame({
        "theme": ["Activity", "Money"], "code": ["walk", "money"],
        "include": ["walk; walking", ""], "exclude": ["walking stick*", ""],
        "include_regex": ["", r"£\s?\d+"], "exclude_regex": ["", r"£\s?0\b"],
    })
    out = coded(["My walking stick helps me walk", "Walking sticks", "costs £15, not £0",
                 "walking, and a walking stick"], book)
    assert out[["respondent", "code", "match"]].values.tolist() == [
        [1, "walk", "walk"], [3, "money", "£15"], [4, "walk", "walking"]]


def test_spans_point_into_the_text_and_missing_texts_are_skipped():
    texts = ["  Lonely… and anxious (stressed)", None, "", "Worried about bills"]
    data = pd.DataFrame({"respondent": [1, 2, 3, 4], "question": "q", "text": texts})
    out = apply_codebook(data)
    assert list(out.columns) == ["respondent", "question", "code", "theme", "start", "end",
                                 "match"]
    for r, s, e, m in out[["respondent", "start", "end", "match"]].values:
        assert texts[r - 1][s:e] == m
    assert set(out["respondent"]) == {1, 4}
    assert out.attrs["codes"][0] == "social_connection"


def test_series_input_and_non_text_error():
    s = pd.Series(["lonely", "bills"], index=pd.Index([10, 20], name="pid"))
    out = apply_codebook(s)
    assert out[["pid", "code"]].values.tolist() == [[10, "loneliness"], [20, "cost_of_living"]]
    with pytest.raises(InvalidValueError, match="non-text answer"):
        apply_codebook(pd.DataFrame({"respondent": [1, 2], "text": ["lonely", 5]}))


@settings(max_examples=30, deadline=None)
@given(st.lists(st.text(alphabet="abc lonely isolated not, .’'-", max_size=40), max_size=12))
def test_property_spans_and_negation_subset(texts):
    book = cb(lonely=("lonely; isolat*; not lonely",))
    data = pd.DataFrame({"respondent": range(len(texts)), "text": texts})
    everything = apply_codebook(data, book, keep_negated=True)
    kept = apply_codebook(data, book)
    assert len(kept) == int((~everything["negated"]).sum()) if len(everything) else True
    for r, s, e, m in everything[["respondent", "start", "end", "match"]].values:
        assert texts[r][s:e] == m


# ================================================================== theme summaries
@pytest.fixture
def dialogue():
    texts = ["I feel lonely and anxious", "Money worries, heating bills", "Lonely since my wife died",
             "Not lonely; I see my family", "Bills bills bills", "My job and my family",
             "Patients are lonely", "Workload and stress at work"]
    return pd.DataFrame({"respondent": [f"R{i}" for i in range(1, 9)],
                         "type": ["public"] * 5 + ["professional"] * 3, "text": texts})


def test_theme_frequency_by_hand(dialogue):
    m = apply_codebook(dialogue)
    f = theme_frequency(dialogue, m, by="type")
    lon = f[f["theme"] == "Loneliness"].set_index("type")
    # public: R1, R3 (R4 is negated) -> 2/5; professional: R7 -> 1/3
    assert (lon.loc["public", "n"], lon.loc["public", "N"]) == (2, 5)
    assert (lon.loc["professional", "n"], lon.loc["professional", "N"]) == (1, 3)
    ref = proportion_ci(2, 5)
    assert lon.loc["public", "ci_low"] == pytest.approx(100 * ref["ci_low"].iloc[0])
    overall = theme_frequency(dialogue, m)
    assert list(overall.columns) == ["theme", "n", "N", "percent", "ci_low", "ci_high"]
    cost = overall.set_index("theme").loc["Cost of living"]
    assert (cost["n"], cost["N"], cost["percent"]) == (2, 8, 25.0)
    assert len(overall) == load_codebook()["theme"].nunique()  # zero counts kept
    pub = suppressed = theme_frequency(dialogue, m, by="type", suppress=True)
    pub = suppressed.set_index(["type", "theme"])
    assert pd.isna(pub.loc[("public", "Loneliness"), "n"])       # 2 -> withheld
    assert pd.isna(pub.loc[("public", "Loneliness"), "percent"])
    assert pub.loc[("public", "Self-care"), "n"] == 0             # zero published


def test_mention_matrix_respects_data_rows(dialogue):
    m = apply_codebook(dialogue)
    sub = dialogue[dialogue["type"] == "professional"]
    mat = mention_matrix(sub, m)
    assert list(mat.index) == ["R6", "R7", "R8"]
    assert mat.loc["R7", "Loneliness"] and not mat.loc["R6", "Loneliness"]


def test_compare_groups_matches_scipy_and_statsmodels():
    from scipy.stats import chi2_contingency, fisher_exact
    from statsmodels.stats.multitest import multipletests

    rng = np.random.default_rng(3)
    groups = np.repeat(["a", "b", "c"], [60, 50, 40])
    lonely = rng.random(150) < np.repeat([0.5, 0.3, 0.2], [60, 50, 40])
    money = rng.random(150) < 0.3
    texts = np.where(lonely & money, "lonely, bills", np.where(lonely, "lonely",
                     np.where(money, "bills", "fine")))
    data = pd.DataFrame({"respondent": range(150), "g": groups, "text": texts})
    m = apply_codebook(data)
    out = compare_groups(data, m, by="g", test="chi2").set_index("theme")
    ps = []
    for theme, flag in (("Loneliness", lonely), ("Cost of living", money)):
        table = pd.crosstab(groups, flag).to_numpy()
        chi2, p, dof, _ = chi2_contingency(table, correction=False)
        assert out.loc[theme, "chi2"] == pytest.approx(chi2)
        assert out.loc[theme, "p_value"] == pytest.approx(p)
        assert out.loc[theme, "dof"] == dof == 2
        ps.append(p)
    # only the two themes with variation are tested and corrected together
    assert out["p_value"].notna().sum() == 2
    holm = multipletests(ps, method="holm")[1]
    assert out.loc[["Loneliness", "Cost of living"], "p_adjusted"].tolist() == pytest.approx(holm)
    bh = compare_groups(data, m, by="g", test="chi2", p_adjust="bh").set_index("theme")
    assert bh.loc[["Loneliness", "Cost of living"], "p_adjusted"].tolist() == pytest.approx(
        multipletests(ps, method="fdr_bh")[1])
    assert set(bh["p_adjust_method"]) == {"fdr_bh"}
    # two groups with small expected counts: Fisher's exact test
    two = pd.concat([data[data["g"] == "a"].iloc[:6], data[data["g"] == "b"].iloc[:6]])
    res = compare_groups(two, m, by="g").set_index("theme").loc["Loneliness"]
    t = pd.crosstab(two["g"], two["text"].str.contains("lonely")).to_numpy()[:, ::-1]
    assert res["test"] == "fisher"
    assert res["p_value"] == pytest.approx(fisher_exact(t).pvalue)
    assert res["difference"] == pytest.approx(100 * (t[0, 0] / t[0].sum() - t[1, 0] / t[1].sum()))


def test_cooccurrence_by_hand():
    data = pd.DataFrame({"respondent": [1, 2, 3, 4],
                         "text": ["lonely and anxious", "anxious", "lonely", "lonely, stressed"]})
    co = theme_cooccurrence(data, apply_codebook(data)).set_index(["theme_a", "theme_b"])
    pair = co.loc[("Loneliness", "Mental health")]
    # lonely: 1, 3, 4; mental health: 1, 2, 4; both: 1, 4 -> Jaccard 2 / (3 + 3 - 2)
    assert (pair["n_a"], pair["n_b"], pair["n_both"]) == (3, 3, 2)
    assert pair["jaccard"] == pytest.approx(0.5)
    assert co.loc[("Loneliness", "Loneliness"), "jaccard"] == 1.0
    assert np.isnan(co.loc[("Self-care", "Prevention"), "jaccard"])  # neither mentioned


def test_exemplar_quotes_redacted_deterministic_distinct():
    texts = ["Mrs Smith at EX1 2LB is lonely", "lonely, call 07700 900123", "Lonely",
             "Lonely", "lonely evenings", "No longer lonely at all", "bills",
             "Email jo.bloggs@example.com about bills"]
    data = pd.DataFrame({"respondent": range(1, 9), "text": texts})
    m = apply_codebook(data)
    q = exemplar_quotes(data, m, n=10)
    lonely = q[q["theme"] == "Loneliness"]
    assert len(lonely) == 4  # "Lonely" twice counts once; "No longer lonely" is negated
    assert lonely["rank"].tolist() == [1, 2, 3, 4]
    joined = " ".join(q["quote"])
    for secret in ("Smith", "EX1 2LB", "07700", "jo.bloggs"):
        assert secret not in joined
    assert "[NAME] at [POSTCODE] is lonely" in set(lonely["quote"])
    assert q.loc[q["quote"].str.contains(r"\[EMAIL\]"), "redacted"].all()
    again = exemplar_quotes(data, m, n=2, random_state=0)
    assert again.equals(exemplar_quotes(data, m, n=2, random_state=0))
    assert (again.groupby("theme").size() <= 2).all()
    orders = {tuple(exemplar_quotes(data, m, n=5, random_state=s)["respondent"]) for s in range(6)}
    assert len(orders) > 1  # the seed changes the choice
    short = exemplar_quotes(data, m, n=10, max_chars=12)
    assert short["quote"].str.len().max() <= 14


# ============================================================ reach, representation
def test_representation_ratio_by_hand():
    sample = pd.DataFrame({"imd": [1] * 10 + [2] * 30 + [3] * 60 + [None] * 5})
    pop = pd.DataFrame({"variable": "imd", "category": ["1", "2", "3"],
                        "count": [40_000, 30_000, 30_000]})
    out = representation(sample, pop, seldom_heard={"imd": [1]}).set_index("category")
    # IMD 1: 10 of 100 known vs 40% of the population -> ratio 0.25
    assert (out.loc["1", "n"], out.loc["1", "N"], out.loc["1", "n_missing"]) == (10, 100, 5)
    assert out.loc["1", "ratio"] == pytest.approx(0.25)
    wil = proportion_ci(10, 100)
    assert out.loc["1", "ratio_ci_low"] == pytest.approx(wil["ci_low"].iloc[0] / 0.4)
    assert out.loc["1", "ratio_ci_high"] == pytest.approx(wil["ci_high"].iloc[0] / 0.4)
    assert out.loc["3", "ratio"] == pytest.approx(2.0)
    assert out["flag"].tolist() == ["under-represented seldom-heard group", "", ""]
    assert out.loc["2", "ratio"] == pytest.approx(1.0) and not out.loc["2", "under_represented"]
    stricter = representation(sample, pop, threshold=1.01).set_index("category")
    assert stricter.loc["2", "under_represented"]


def test_representation_errors_and_weights():
    pop = pd.DataFrame({"variable": "sex", "category": ["F", "M"], "share": [0.5, 0.5]})
    with pytest.raises(InvalidValueError, match="not in the population table.*row 2"):
        representation(pd.DataFrame({"sex": ["F", "M", "X"]}), pop)
    sample = pd.DataFrame({"sex": ["F"] * 3 + ["M"]})
    weights, _ = rake(sample, {"sex": {"F": 0.5, "M": 0.5}})
    out = representation(sample, pop, weights=weights)
    assert out["ratio"].tolist() == pytest.approx([1.0, 1.0])


def test_goodness_of_fit_by_hand():
    sample = pd.DataFrame({"age": ["65+"] * 30 + ["16-64"] * 70})
    pop = pd.DataFrame({"variable": "age", "category": ["16-64", "65+"], "share": [0.5, 0.5]})
    res = goodness_of_fit(sample, pop).iloc[0]
    # (70 - 50)^2 / 50 + (30 - 50)^2 / 50 = 16, 1 df
    assert res["chi2"] == pytest.approx(16.0) and res["dof"] == 1
    assert res["p_value"] == pytest.approx(math.erfc(math.sqrt(16 / 2)))


def test_reach_counts_and_suppression():
    people = pd.DataFrame({"type": ["public"] * 9 + ["professional"] * 3,
                           "seldom_heard": [True] * 2 + [False] * 10})
    out = eng.reach(people, columns=["type", "seldom_heard"], suppress=True)
    t = out.set_index(["variable", "category"])
    assert t.loc[("type", "public"), "n"] == 10          # 9 rounded to 5
    assert pd.isna(t.loc[("type", "professional"), "n"])  # 3 withheld
    assert pd.isna(t.loc[("seldom_heard", "True"), "percent"])


# ======================================================================== raking
SIX = pd.DataFrame({"sex": ["M", "M", "M", "M", "F", "F"],
                    "age": ["young", "young", "old", "old", "young", "old"]})


def test_rake_two_margins_by_hand():
    # Sample: M young 2, M old 2, F young 1, F old 1 (n = 6); targets sex 50/50, age 30/70.
    # Cycle 1, sex: M total 4 -> target 3, factor 3/4; F total 2 -> target 3, factor 3/2.
    #   weights: M 0.75 each, F 1.5 each.
    # Cycle 1, age: young = 2 x 0.75 + 1.5 = 3 -> target 1.8, factor 0.6;
    #               old   = 2 x 0.75 + 1.5 = 3 -> target 4.2, factor 1.4.
    #   weights: M young 0.45, M old 1.05, F young 0.9, F old 2.1.
    # Check sex again: M = 2 x 0.45 + 2 x 1.05 = 3, F = 0.9 + 2.1 = 3: converged in 1 cycle.
    # Kish: sum w = 6, sum w^2 = 2(0.2025) + 2(1.1025) + 0.81 + 4.41 = 7.83,
    #   deff = 6 x 7.83 / 36 = 1.305, effective n = 36 / 7.83 = 4.5977.
    weights, diag = rake(SIX, {"sex": {"M": 0.5, "F": 0.5}, "age": {"young": 0.3, "old": 0.7}})
    assert weights.tolist() == pytest.approx([0.45, 0.45, 1.05, 1.05, 0.9, 2.1])
    assert weights.name == "weight" and weights.index.equals(SIX.index)
    assert diag.iterations == 1 and diag.converged
    assert diag.max_margin_error < 1e-12
    assert diag.design_effect == pytest.approx(1.305)
    assert diag.effective_n == pytest.approx(36 / 7.83)
    m = diag.margins.set_index(["variable", "category"])
    assert m.loc[("age", "young"), "sample_percent"] == pytest.approx(50.0)
    assert m.loc[("age", "young"), "weighted_percent"] == pytest.approx(30.0)
    assert diag.to_frame()["design_effect"].iloc[0] == pytest.approx(1.305)
    # counts instead of shares, a tidy table instead of a dict, and grossing to a total
    counts = pd.DataFrame({"variable": ["sex", "sex", "age", "age"],
                           "category": ["M", "F", "young", "old"],
                           "count": [500, 500, 300, 700]})
    gross, _ = rake(SIX, counts, total=1000)
    assert gross.tolist() == pytest.approx([75, 75, 175, 175, 150, 350])


def test_rake_dependent_sample_converges_to_the_odds_ratio_solution():
    # 2 x 2 sample counts n = [[2, 1], [1, 2]] (rows M, F; columns young, old), targets
    # rows 3, 3 and columns 1.8, 4.2 (of 6).  IPF keeps the odds ratio n11 n22 / n12 n21 = 4,
    # so the fitted M-young total x solves x(1.2 + x) = 4(3 - x)(1.8 - x), i.e.
    # x^2 - 6.8x + 7.2 = 0, x = (6.8 - sqrt(17.44)) / 2 = 1.311939.
    df = pd.DataFrame({"sex": ["M", "M", "M", "F", "F", "F"],
                       "age": ["young", "young", "old", "young", "old", "old"]})
    weights, diag = rake(df, {"sex": {"M": 3, "F": 3}, "age": {"young": 1.8, "old": 4.2}},
                         tol=1e-12)
    x = (6.8 - math.sqrt(17.44)) / 2
    assert weights.tolist() == pytest.approx(
        [x / 2, x / 2, 3 - x, 1.8 - x, (1.2 + x) / 2, (1.2 + x) / 2], rel=1e-9)
    assert diag.iterations > 1
    with pytest.raises(ConvergenceError, match="did not converge in 2 iterations"):
        rake(df, {"sex": {"M": 3, "F": 3}, "age": {"young": 1.8, "old": 4.2}}, max_iter=2)


def test_rake_matches_categories_as_text():
    df = pd.DataFrame({"imd": [1, 1, 2, 2, 2, 2]})
    for keys in ({1: 0.5, 2: 0.5}, {"1": 0.5, "2": 0.5}, {1.0: 0.5, 2.0: 0.5}):
        w, _ = rake(df, {"imd": keys})
        assert w.tolist() == pytest.approx([1.5, 1.5, 0.75, 0.75, 0.75, 0.75])


def test_rake_errors():
    margins = {"sex": {"M": 0.5, "F": 0.5}, "age": {"young": 0.3, "old": 0.7}}
    with pytest.raises(InvalidValueError, match="different totals.*sex: 1, age: 100"):
        rake(SIX, {"sex": {"M": 0.5, "F": 0.5}, "age": {"young": 30, "old": 70}})
    w, _ = rake(SIX, {"sex": {"M": 0.5, "F": 0.5}, "age": {"young": 30, "old": 70}},
                normalize=True)
    assert w.tolist() == pytest.approx([0.45, 0.45, 1.05, 1.05, 0.9, 2.1])
    with pytest.raises(InvalidValueError, match="no respondents.*found mid"):
        rake(SIX, {**margins, "age": {"young": 0.3, "mid": 0.1, "old": 0.6}})
    odd = SIX.assign(age=["young", "young", "old", "old", "young", "very old"])
    with pytest.raises(InvalidValueError, match="not in the margins of 'age'.*row 5"):
        rake(odd, margins)
    gap = SIX.assign(age=["young", None, "old", "old", "young", "old"])
    with pytest.raises(InvalidValueError, match="missing value in a raking variable.*row 1"):
        rake(gap, margins)
    with pytest.raises(InvalidValueError, match="target is 0"):
        rake(SIX, {**margins, "age": {"young": 0.0, "old": 1.0}})
    with pytest.raises(MissingColumnError):
        rake(SIX, {"ethnicity": {"A": 1.0}})


def test_rake_trimming_and_base_weights():
    rng = np.random.default_rng(1)
    n = 2000
    df = pd.DataFrame({"a": rng.choice(["x", "y", "z"], n, p=[0.7, 0.2, 0.1]),
                       "b": rng.choice(["p", "q"], n, p=[0.8, 0.2]),
                       "base": rng.uniform(0.5, 2.0, n)})
    margins = {"a": {"x": 0.5, "y": 0.25, "z": 0.25}, "b": {"p": 0.6, "q": 0.4}}
    free, d_free = rake(df, margins)
    assert free.max() / free.mean() > 4
    trimmed, d_trim = rake(df, margins, trim=(0.4, 3.0), max_iter=500)
    ratio = trimmed / trimmed.mean()
    assert ratio.max() <= 3.0 * (1 + 1e-4) and ratio.min() >= 0.4 * (1 - 1e-4)
    assert ratio.max() == pytest.approx(3.0, rel=1e-4)
    assert d_trim.n_trimmed > 0 and d_trim.design_effect < d_free.design_effect
    with pytest.raises(ConvergenceError, match="trimming bounds"):
        rake(df, margins, trim=(0.9, 1.1), max_iter=50)
    based, d_based = rake(df, margins, base_weight="base")
    assert based.sum() == pytest.approx(df["base"].sum())
    for var, cats in margins.items():
        for cat, share in cats.items():
            assert based[df[var] == cat].sum() / based.sum() == pytest.approx(share, abs=1e-6)
    assert d_based.n == n


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000))
def test_property_rake_meets_margins(seed):
    rng = np.random.default_rng(seed)
    n = 200
    df = pd.DataFrame({"a": rng.choice(list("xyz"), n), "b": rng.choice(list("pq"), n),
                       "c": rng.choice(list("uvw"), n)})
    margins = {}
    for col in df.columns:
        cats = sorted(df[col].unique())
        share = rng.dirichlet(np.full(len(cats), 5.0))
        margins[col] = dict(zip(cats, share))
    w, diag = rake(df, margins, max_iter=1000)
    for col, cats in margins.items():
        for cat, share in cats.items():
            assert w[df[col] == cat].sum() / w.sum() == pytest.approx(share, abs=1e-6)
    assert diag.effective_n == pytest.approx(w.sum() ** 2 / (w**2).sum())
    assert w.sum() == pytest.approx(n)


def test_weighted_prevalence_by_hand():
    data = pd.DataFrame({"respondent": [1, 2, 3, 4], "g": ["a", "a", "b", "b"],
                         "text": ["lonely", "my job", "lonely", "lonely"]})
    out = weighted_prevalence(data, apply_codebook(data), weights=[3.0, 1.0, 1.0, 1.0], by="g")
    row = out[(out["g"] == "a") & (out["theme"] == "Loneliness")].iloc[0]
    # group a: weighted 3 / (3 + 1) = 75%; n_eff = 4^2 / (9 + 1) = 1.6
    assert row["weighted_percent"] == pytest.approx(75.0) and row["percent"] == 50.0
    assert row["effective_n"] == pytest.approx(1.6)
    lo, hi = eng._wilson(np.array(0.75), np.array(1.6), 0.95)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((100 * lo, 100 * hi))
    # with n_eff = N and unit weights the Wilson interval is statsmodels'
    plain = weighted_prevalence(data, apply_codebook(data), weights=[1.0] * 4)
    pr = plain[plain["theme"] == "Loneliness"].iloc[0]
    ref = proportion_ci(3, 4)
    assert pr["ci_low"] == pytest.approx(100 * ref["ci_low"].iloc[0])


# ================================================================ recommendations
def test_recommendation_map_and_evidence(dialogue):
    mapping = load_recommendation_map()
    recs = list(pd.unique(mapping["recommendation"]))
    assert recs[:3] == ["Further enable self-care", "More conversations about wellbeing",
                        "Maximise the impact of prevention communications"]
    assert set(mapping["theme"]) <= set(load_codebook()["theme"])
    data = dialogue.copy()
    data.loc[7, "text"] = "An app would help, ring me on 07700 900123"
    ev = recommendation_evidence(data, apply_codebook(data), by="type", n_quotes=5)
    s = ev.summary.set_index("recommendation")
    # More conversations (mental health, loneliness, social inclusion, cost of living):
    # R1-R7 all mention one of them (R4 via "family") -> 7 of 8
    assert (s.loc["More conversations about wellbeing", "n"],
            s.loc["More conversations about wellbeing", "N"]) == (7, 8)
    assert s.loc["Maximise the impact of prevention communications", "n"] == 1  # the app
    assert "Digital and apps" in s.loc["Maximise the impact of prevention communications",
                                       "themes"]
    g = ev.by_group.set_index(["type", "recommendation"])
    assert g.loc[("public", "More conversations about wellbeing"), "n"] == 5
    q = ev.quotes
    assert "07700" not in " ".join(q["quote"]) and q["redacted"].any()
    bad = pd.DataFrame({"theme": ["Lonelyness"], "recommendation": ["X"]})
    with pytest.raises(InvalidValueError, match="not a codebook theme.*Lonelyness"):
        recommendation_evidence(data, apply_codebook(data), mapping=bad)


# ====================================================== ten-area self-assessment
def test_engagement_areas_file_records_the_nine_listed():
    areas = engagement_areas()
    assert len(areas) == 9
    assert areas["area"].iloc[0] == AREA1
    assert areas["area"].iloc[-1] == "Focus on patient and community empowerment."
    assert areas["notes"].str.contains("ten areas").all()
    assert areas["notes"].str.contains("nine").all()
    assert areas["source"].str.contains("Dorset").all()


@pytest.fixture
def self_assessment(sm_cp1252):
    survey = read_surveymonkey(sm_cp1252)
    notes = read_notes_table(pd.DataFrame({
        "respondent": ["T1", "T1", "T2", "T2"],
        "question": ["A1", "Public information", "1. Transparency on decision-making", "A2"],
        "aspect": ["What works well", "What could be better", "could be better", "works well"],
        "text": ["Open meetings with the public", "Too much jargon", "n/a", "Clear website"]}))
    return self_assessment_responses(survey, notes)


def test_self_assessment_responses_combine_channels(self_assessment):
    r = self_assessment
    assert set(r["channel"]) == {"online", "telephone"}
    assert set(r["area_id"]) == {"A1", "A2"}  # organisation/channel questions left out
    assert len(r) == 3 * 4 + 4                 # 3 online x 2 areas x 2 boxes + 4 notes
    t2 = r[(r["respondent"] == "T2") & (r["area_id"] == "A1")].iloc[0]
    assert t2["aspect"] == "improvement" and not t2["substantive"]  # "n/a"
    s = area_summary(r).set_index("area_id")
    # A1 strengths: 11447, 11449, T1 -> 3 of 5 respondents; improvements: 11447 only
    assert (s.loc["A1", "n_strength"], s.loc["A1", "n_improvement"], s.loc["A1", "N"]) == (3, 1, 5)
    # A2 strengths: 11448, T2; improvements: T1
    assert (s.loc["A2", "n_strength"], s.loc["A2", "n_improvement"]) == (2, 1)
    assert s.loc["A2", "n_no_comment"] == 5 - 3
    scope = scope_for_improvement(r)
    assert scope["rank"].tolist() == [1, 1]
    good = eng.most_good_practice(r)
    assert good["area_id"].tolist() == ["A1", "A2"] and good["rank"].tolist() == [1, 2]
    by = area_summary(r, by="channel").set_index(["channel", "area_id"])
    assert by.loc[("telephone", "A1"), "N"] == 2 and by.loc[("online", "A1"), "n_strength"] == 2


def test_area_of_overrides_matching(sm_cp1252):
    survey = read_surveymonkey(sm_cp1252)
    r = self_assessment_responses(survey, area_of={AREA2: "A7"})
    assert set(r["area_id"]) == {"A1", "A7"}
    assert set(r.loc[r["area_id"] == "A7", "area"]) == {"Co-designed services"}


def test_compare_channels_uses_fisher(self_assessment):
    from scipy.stats import fisher_exact

    out = compare_channels(self_assessment)
    a1 = out[(out["area_id"] == "A1") & (out["aspect"] == "strength")].iloc[0]
    # online 2 of 3, telephone 1 of 2
    assert (a1["group_1"], a1["group_2"]) == ("online", "telephone")
    assert a1["p_value"] == pytest.approx(fisher_exact([[2, 1], [1, 1]]).pvalue)
    assert a1["difference"] == pytest.approx(100 * (2 / 3 - 1 / 2))


def test_area_themes_and_errors(self_assessment, sm_cp1252):
    th = eng.area_themes(self_assessment)
    row = th[(th["area_id"] == "A2") & (th["aspect"] == "improvement")
             & (th["theme"] == "Accessible language")].iloc[0]
    assert (row["n"], row["N"]) == (1, 1)  # "Too much jargon"
    top = eng.area_themes(self_assessment, top=1)
    assert top.groupby(["area_id", "aspect"]).size().max() == 1 and (top["n"] > 0).all()
    survey = read_surveymonkey(sm_cp1252)
    clash = read_notes_table(pd.DataFrame({"respondent": ["11447"], "question": ["A1"],
                                           "aspect": ["works well"], "text": ["x"]}))
    with pytest.raises(DuplicateKeyError, match="both online and by telephone"):
        self_assessment_responses(survey, clash)
    unknown = read_notes_table(pd.DataFrame({"respondent": ["T9"], "question": ["Parking"],
                                             "aspect": ["works well"], "text": ["x"]}))
    with pytest.raises(InvalidValueError, match="does not name an engagement area.*row 0"):
        self_assessment_responses(notes=unknown)


# ========================================================================== plots
def test_plots_return_axes_with_titles(dialogue, self_assessment):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    m = apply_codebook(dialogue)
    pop = pd.DataFrame({"variable": "type", "category": ["public", "professional"],
                        "share": [0.9, 0.1]})
    rep = representation(dialogue, pop)
    ax = eng.plot_representation(rep)
    assert "Representation ratio" in ax.get_xlabel() and ax.get_title()
    assert [t.get_text() for t in ax.get_yticklabels()] == ["type: public", "type: professional"]
    ax = eng.plot_theme_heatmap(theme_frequency(dialogue, m, by="type"), x="type")
    assert ax.get_title() == "Themes by group"
    ax = eng.plot_diverging_bars(area_summary(self_assessment))
    widths = [p.get_width() for p in ax.patches]
    assert widths[:2] == pytest.approx([-20.0, -20.0]) and widths[2:] == pytest.approx([60, 40])
    ax = eng.plot_cooccurrence(theme_cooccurrence(dialogue, m))
    assert ax.get_title() == "Themes mentioned together"
    fig, given_ax = plt.subplots()
    assert eng.plot_diverging_bars(area_summary(self_assessment), ax=given_ax) is given_ax
    plt.close("all")


def test_area_themes_codes_every_note_but_counts_the_person_once(sm_cp1252):
    survey = read_surveymonkey(sm_cp1252)
    notes = read_notes_table(pd.DataFrame({
        "respondent": ["T1", "T1", "T2"],
        "question": ["A2", "A2", "A2"],
        "aspect": ["could be better", "could be better", "could be better"],
        # T1's interviewer wrote two notes on the same box: both themes must count
        "text": ["Too much jargon", "Board papers are not published", "Too much jargon"]}))
    th = eng.area_themes(self_assessment_responses(survey, notes))
    a2 = th[(th["area_id"] == "A2") & (th["aspect"] == "improvement")].set_index("theme")
    assert a2.loc["Accessible language", "n"] == 2            # T1 and T2, T1 once
    assert a2.loc["Transparency", "n"] == 1                   # T1's second note is not lost
    assert a2["N"].unique().tolist() == [2]                   # two people, not three notes


# ============================================== respondent columns carried through (keep=)
def test_self_assessment_responses_keep_carries_respondent_columns(sm_cp1252):
    survey = read_surveymonkey(sm_cp1252)
    raw = pd.DataFrame({
        "respondent": ["T1", "T1", "T2", "T2"], "question": ["A1", "A2", "A1", "A2"],
        "aspect": ["works well", "could be better", "works well", "works well"],
        "text": ["Open meetings", "Too much jargon", "Clear papers", "Clear website"],
        # T2's first row has no organisation: the other row supplies it
        "org": ["Voluntary sector", "Voluntary sector", None, "NHS"]})
    notes = read_notes_table(raw)
    before = notes.copy()
    r = self_assessment_responses(
        survey, notes, keep={"organisation": ("which_organisation_do_you_work_for", "org")})
    assert list(r.columns)[-2:] == ["substantive", "organisation"]
    per_person = r.groupby("respondent")["organisation"].agg(lambda s: set(s.dropna()))
    assert per_person.to_dict() == {"11447": {"Healthwatch"}, "11448": {"CCG"},
                                    "11449": set(),  # left the question empty
                                    "T1": {"Voluntary sector"}, "T2": {"NHS"}}
    assert r.loc[r["respondent"] == "11449", "organisation"].isna().all()
    assert len(r) == 3 * 4 + 4  # no rows added or lost
    pd.testing.assert_frame_equal(notes, before)  # caller's notes untouched
    # None: that source has no such column -> missing for its respondents
    only_notes = self_assessment_responses(survey, notes, keep={"org": (None, "org")})
    assert only_notes.loc[only_notes["channel"] == "online", "org"].isna().all()
    assert set(only_notes.loc[only_notes["channel"] == "telephone", "org"]) == {
        "Voluntary sector", "NHS"}
    # without keep, the columns are exactly as before
    assert list(self_assessment_responses(survey, notes).columns) == list(
        eng._RESPONSE_COLUMNS)


def test_self_assessment_responses_keep_errors(sm_cp1252):
    survey = read_surveymonkey(sm_cp1252)
    raw = pd.DataFrame({"respondent": ["T1", "T1", "T2"], "question": ["A1", "A2", "A1"],
                        "aspect": ["works well"] * 3, "text": ["a", "b", "c"],
                        "org": ["Voluntary sector", "NHS", "NHS"]})
    notes = read_notes_table(raw)
    with pytest.raises(InvalidValueError, match=r"conflicting values in column 'org', "
                       r"rows 0, 1: .*T1: 'Voluntary sector', T1: 'NHS'"):
        self_assessment_responses(notes=notes, keep={"org": (None, "org")})
    with pytest.raises(MissingColumnError, match="keep: column not in the survey export in "
                       "export_cp1252.csv, column 'organisation'"):
        self_assessment_responses(survey, keep={"org": ("organisation", None)})
    with pytest.raises(MissingColumnError, match="notes .keep.: required column missing.*"
                       "'sector'"):
        self_assessment_responses(notes=notes, keep={"org": (None, "sector")})
    with pytest.raises(ValueError, match="cannot name the output column 'channel'"):
        self_assessment_responses(notes=notes, keep={"channel": (None, "org")})
    with pytest.raises(TypeError, match="must be a pair"):
        self_assessment_responses(notes=notes, keep={"org": "org"})


# ============================================================ quotes per area and aspect
@pytest.fixture
def area_notes():
    return read_notes_table(pd.DataFrame({
        "respondent": ["T1", "T1", "T2", "T2", "T2", "T3", "T3", "T2"],
        "question": ["A1", "A1", "A1", "A1", "A1", "A1", "A2", "A2"],
        "aspect": ["works well", "could be better", "could be better", "could be better",
                   "could be better", "could be better", "works well", "works well"],
        "text": ["Open board meetings",
                 "Mr Smith says there is too much jargon",
                 "n/a",                              # not substantive
                 "Papers are not published",
                 "Budget is stretched",              # T2's second note on the same box
                 "Nothing works for me at all",      # substantive but not coded
                 "The website is clear",
                 "The website is clear"]}))          # identical text: one candidate


def test_area_quotes_candidates_order_and_redaction(area_notes):
    responses = self_assessment_responses(notes=area_notes)
    before = responses.copy()
    every = eng.area_quotes(responses, n=5)
    assert list(every.columns) == ["area_id", "area", "short_label", "aspect", "rank",
                                   "respondent", "quote", "match", "redacted"]
    pd.testing.assert_frame_equal(responses, before)
    # area order, strengths before improvements; A2 has no improvement comment -> no row
    assert every[["area_id", "aspect"]].drop_duplicates().values.tolist() == [
        ["A1", "strength"], ["A1", "improvement"], ["A2", "strength"]]
    a1 = every[(every["area_id"] == "A1") & (every["aspect"] == "improvement")]
    assert a1["rank"].tolist() == [1, 2, 3]
    assert set(a1["quote"]) == {"[NAME] says there is too much jargon",
                                "Papers are not published", "Budget is stretched"}
    assert sorted(a1["respondent"]) == ["T1", "T2", "T2"]  # each note is a candidate
    assert a1.set_index("quote").loc["[NAME] says there is too much jargon", "redacted"]
    assert (~a1.loc[a1["respondent"] == "T2", "redacted"]).all()
    assert set(a1["match"]) == {"jargon", "published", "Budget"}  # first match of each
    a2 = every[every["area_id"] == "A2"]
    assert a2["quote"].tolist() == ["The website is clear"]  # counted once
    assert every["area"].iloc[0] == AREA1 and every["short_label"].iloc[0] == (
        "Transparency on decision-making")
    # n = 1: one quote per area x aspect; the seed fixes it, other seeds reach every note
    one = eng.area_quotes(responses, n=1, random_state=3)
    assert len(one) == 3 and (one["rank"] == 1).all()
    pd.testing.assert_frame_equal(one, eng.area_quotes(responses, n=1, random_state=3))
    picked = {eng.area_quotes(responses, random_state=s).iloc[1]["quote"] for s in range(30)}
    assert picked == set(a1["quote"])


def test_area_quotes_shortens_after_redaction_and_checks_areas(area_notes):
    responses = self_assessment_responses(notes=area_notes)
    short = eng.area_quotes(responses, n=5, max_chars=20)
    jargon = short[short["match"] == "jargon"].iloc[0]["quote"]
    # "[NAME] says there is too much jargon" has 36 characters and "jargon" starts at 30:
    # the window starts at min(30 - 20 // 3, 36 - 20) = 16 and runs to the end
    assert jargon == "…e is too much jargon"
    assert "Mr Smith" not in " ".join(short["quote"])
    renamed = engagement_areas().assign(area=lambda a: "Area " + a["area_id"])
    assert set(eng.area_quotes(responses, areas=renamed)["area"]) == {"Area A1", "Area A2"}
    relabelled = engagement_areas().assign(short_label="Other")
    with pytest.raises(InvalidValueError, match="area label differs from the areas table"):
        eng.area_quotes(responses, areas=relabelled)
    with pytest.raises(InvalidValueError, match="area_id not in the areas table.*A2"):
        eng.area_quotes(responses, areas=engagement_areas().iloc[:1])
    with pytest.raises(ValueError, match="n must be"):
        eng.area_quotes(responses, n=0)
    with pytest.raises(MissingColumnError):
        eng.area_quotes(responses.drop(columns="text"))


# ====================================================== the codebook as one more coder
AGREE_ANSWERS = pd.DataFrame({"respondent": [1, 2, 3, 4], "question": "q1",
                              "text": ["Lonely", "Lonely and skint", "Money is tight", "Fine"]})
# Codebook: loneliness {1, 2}, cost_of_living {2, 3}.  A: loneliness {1, 2}.
# B: loneliness {1}, cost_of_living {3}.
AGREE_CODINGS = pd.DataFrame({
    "respondent": [1, 2, 1, 3], "question": "q1",
    "code": ["loneliness", "loneliness", "loneliness", "cost_of_living"],
    "coder": ["A", "A", "B", "B"]})
AGREE_CODES = ["loneliness", "cost_of_living"]


def test_codebook_agreement_by_hand():
    mentions = apply_codebook(AGREE_ANSWERS, unit=["respondent", "question"])
    out = eng.codebook_agreement(mentions, AGREE_CODINGS, units_coded=AGREE_ANSWERS,
                                 codes=AGREE_CODES, n_boot=0)
    assert out["pair"].unique().tolist() == ["A vs B", "codebook vs A", "codebook vs B"]
    assert out[["coder_1", "coder_2"]].drop_duplicates().values.tolist() == [
        ["A", "B"], ["codebook", "A"], ["codebook", "B"]]
    got = out.set_index(["pair", "code"])
    # 2 x 2 tables over the 4 answers; kappa = (po - pe) / (1 - pe)
    expected = {
        # A [1,1,0,0] vs B [1,0,0,0]: po 3/4, pe .5*.25 + .5*.75 = .5
        ("A vs B", "loneliness"): (75.0, 0.5),
        # A [0,0,0,0] vs B [0,0,1,0]: po 3/4 = pe
        ("A vs B", "cost_of_living"): (75.0, 0.0),
        # pooled 8 cells, each coder 2 of 8 applied: po 6/8, pe 1/16 + 9/16
        ("A vs B", "(all codes)"): (75.0, (0.75 - 0.625) / 0.375),
        ("codebook vs A", "loneliness"): (100.0, 1.0),
        # codebook [0,1,1,0] vs A [0,0,0,0]: po .5 = pe
        ("codebook vs A", "cost_of_living"): (50.0, 0.0),
        # codebook 4 of 8, A 2 of 8: po 6/8, pe .5*.25 + .5*.75 = .5
        ("codebook vs A", "(all codes)"): (75.0, 0.5),
        ("codebook vs B", "loneliness"): (75.0, 0.5),
        # codebook [0,1,1,0] vs B [0,0,1,0]: po 3/4, pe .5
        ("codebook vs B", "cost_of_living"): (75.0, 0.5),
        ("codebook vs B", "(all codes)"): (75.0, 0.5),
    }
    for key, (pct, kappa) in expected.items():
        assert got.loc[key, "percent_agreement"] == pytest.approx(pct), key
        assert got.loc[key, "kappa"] == pytest.approx(kappa), key
    assert (out["n_units"] == 4).all() and (out["n_coders"] == 2).all()
    # the human pair is exactly code_reliability of the human coding
    human = eng.code_reliability(AGREE_CODINGS, units_coded=AGREE_ANSWERS, codes=AGREE_CODES,
                                 n_boot=0)
    pd.testing.assert_frame_equal(
        out[out["pair"] == "A vs B"].drop(columns=["pair", "coder_1", "coder_2"])
        .reset_index(drop=True), human)
    # codes default to the codebook's (mentions.attrs), so the output has every code
    every = eng.codebook_agreement(mentions, AGREE_CODINGS, units_coded=AGREE_ANSWERS,
                                   n_boot=0)
    assert every["code"].nunique() == len(load_codebook()) + 1
    # one human coder chosen: only the codebook pair
    only_b = eng.codebook_agreement(mentions, AGREE_CODINGS, units_coded=AGREE_ANSWERS,
                                    codes=AGREE_CODES, coders=["B"], n_boot=0)
    assert only_b["pair"].unique().tolist() == ["codebook vs B"]


def test_codebook_agreement_counts_only_sampled_non_negated_mentions():
    base = eng.codebook_agreement(
        apply_codebook(AGREE_ANSWERS, unit=["respondent", "question"]), AGREE_CODINGS,
        units_coded=AGREE_ANSWERS, codes=AGREE_CODES, n_boot=0)
    more = pd.concat([AGREE_ANSWERS, pd.DataFrame({
        "respondent": [5], "question": "q1", "text": ["So lonely, money worries"]})],
        ignore_index=True)
    more.loc[3, "text"] = "Fine, not lonely"  # a negated mention: not a coding
    mentions = apply_codebook(more, unit=["respondent", "question"], keep_negated=True)
    assert mentions["negated"].any() and (mentions["respondent"] == 5).any()
    same = eng.codebook_agreement(mentions, AGREE_CODINGS, units_coded=AGREE_ANSWERS,
                                  codes=AGREE_CODES, n_boot=0)
    pd.testing.assert_frame_equal(same, base)


def test_codebook_agreement_units_seen_per_coder_and_errors():
    mentions = apply_codebook(AGREE_ANSWERS, unit=["respondent", "question"])
    # B saw answers 1-3 only; the codebook saw every sampled answer
    seen = pd.concat([AGREE_ANSWERS[["respondent", "question"]].assign(coder="A"),
                      AGREE_ANSWERS[["respondent", "question"]].iloc[:3].assign(coder="B")])
    out = eng.codebook_agreement(mentions, AGREE_CODINGS, units_coded=seen, codes=AGREE_CODES,
                                 n_boot=0).set_index(["pair", "code"])
    assert out.loc[("A vs B", "loneliness"), "n_units"] == 3
    assert out.loc[("codebook vs A", "loneliness"), "n_units"] == 4
    # codebook [1,1,0] vs B [1,0,0] on answers 1-3
    assert out.loc[("codebook vs B", "loneliness"), "percent_agreement"] == pytest.approx(
        200 / 3)
    with pytest.raises(InvalidValueError, match="human coder has the codebook's name"):
        eng.codebook_agreement(mentions, AGREE_CODINGS.replace({"coder": {"A": "codebook"}}),
                               units_coded=AGREE_ANSWERS, codes=AGREE_CODES, n_boot=0)
    text_ids = mentions.assign(respondent=mentions["respondent"].astype(str))
    with pytest.raises(UnmatchedRecordsError, match="no mention is of a unit"):
        eng.codebook_agreement(text_ids, AGREE_CODINGS, units_coded=AGREE_ANSWERS,
                               codes=AGREE_CODES, n_boot=0)
    with pytest.raises(MissingColumnError, match="mentions: required column missing"):
        eng.codebook_agreement(mentions.drop(columns="question"), AGREE_CODINGS,
                               units_coded=AGREE_ANSWERS, codes=AGREE_CODES, n_boot=0)
    with pytest.raises(InvalidValueError, match="coder not found"):
        eng.codebook_agreement(mentions, AGREE_CODINGS, units_coded=AGREE_ANSWERS,
                               codes=AGREE_CODES, coders=["Z"], n_boot=0)
