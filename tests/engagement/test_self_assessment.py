"""The ten-area engagement self-assessment (wellbeing_lib.engagement.self_assessment).
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests.engagement.helpers import AREA1, AREA2
from wellbeing_lib import engagement as eng
from wellbeing_lib.engagement import (
    area_summary,
    compare_channels,
    engagement_areas,
    read_notes_table,
    read_surveymonkey,
    scope_for_improvement,
    self_assessment_responses,
)
from wellbeing_lib.engagement.self_assessment import _RESPONSE_COLUMNS
from wellbeing_lib.errors import (
    DuplicateKeyError,
    InvalidValueError,
    MissingColumnError,
)


# ====================================================== ten-area self-assessment
def test_engagement_areas_file_records_the_nine_listed():
    areas = engagement_areas()
    assert len(areas) == 9
    assert areas["area"].iloc[0] == AREA1
    assert areas["area"].iloc[-1] == "Focus on patient and community empowerment."
    assert areas["notes"].str.contains("ten areas").all()
    assert areas["notes"].str.contains("nine").all()
    assert areas["source"].str.contains("Dorset").all()


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
        _RESPONSE_COLUMNS)


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
    every = eng.area_quotes(responses, n_quotes=5)
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
    one = eng.area_quotes(responses, n_quotes=1, random_state=3)
    assert len(one) == 3 and (one["rank"] == 1).all()
    pd.testing.assert_frame_equal(one, eng.area_quotes(responses, n_quotes=1, random_state=3))
    picked = {eng.area_quotes(responses, random_state=s).iloc[1]["quote"] for s in range(30)}
    assert picked == set(a1["quote"])


def test_area_quotes_shortens_after_redaction_and_checks_areas(area_notes):
    responses = self_assessment_responses(notes=area_notes)
    short = eng.area_quotes(responses, n_quotes=5, max_chars=20)
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
    with pytest.raises(ValueError, match="n_quotes must be"):
        eng.area_quotes(responses, n_quotes=0)
    with pytest.raises(MissingColumnError):
        eng.area_quotes(responses.drop(columns="text"))
