"""Tests of wellbeing_lib.diagnostic.triangulation: convergence codes, triangulate and
dissonances.

Hand-made examples carry their arithmetic in comments; the bundled data (data/README.md,
"Patterns planted") must give the planted dissonance of HV08 on Environment.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.diagnostic.helpers import ENV, HV08, HV12, env_scores, hs_survey
from wellbeing_lib import diagnostic as dg
from wellbeing_lib.errors import InvalidValueError, MissingColumnError, UnmatchedRecordsError


def stances(*rows):
    return pd.DataFrame(rows, columns=["self_stance", "survey_stance", "network_stance"])


@pytest.mark.parametrize("row, expected", [
    (("positive", "positive", "positive"), "agreement"),
    (("negative", "silent", "negative"), "agreement"),  # two speak and agree
    (("positive", "mixed", "positive"), "partial agreement"),
    (("mixed", "negative", "silent"), "partial agreement"),
    (("positive", "silent", "silent"), "silence"),  # one source: nothing to check against
    (("silent", "silent", "silent"), "silence"),
    (("positive", "negative", "positive"), "dissonance"),
    (("silent", "positive", "negative"), "dissonance"),  # survey vs networks
    (("negative", "mixed", "positive"), "dissonance"),
])
def test_convergence_code_each_rule(row, expected):
    assert dg.convergence_code(stances(row)).tolist() == [expected]


def test_convergence_min_sources_three_makes_any_silence_silence_but_not_dissonance():
    data = stances(("negative", "silent", "negative"), ("positive", "negative", "silent"),
                   ("mixed", "mixed", "mixed"))
    assert dg.convergence_code(data, min_sources=3).tolist() == [
        "silence", "dissonance", "agreement"]


def test_convergence_code_rejects_bad_stances_and_settings():
    with pytest.raises(InvalidValueError, match="network_stance"):
        dg.convergence_code(stances(("positive", "positive", "concerned")))
    with pytest.raises(ValueError, match="min_sources"):
        dg.convergence_code(stances(("positive", "positive", "positive")), min_sources=1)
    with pytest.raises(MissingColumnError):
        dg.convergence_code(pd.DataFrame({"self_stance": ["positive"]}))


def test_triangulate_gives_each_code_with_its_stances_and_scores():
    # A: self 3.5 (mature); survey 5.2 >= (4.6+5.4)/2 = 5.0 -> top quartile; network positive
    # B: self 3.5; survey 4.4: between 4.25 and 4.6 -> second quartile (mixed); network positive
    # C: self 2.0 (mixed); no survey result, no network view -> one source -> silence
    # D: self 3.5; survey 4.0 < 4.25 -> bottom quartile; network concerned -> dissonance
    scores = env_scores([3.5, 3.5, 2.0, 3.5])
    survey = hs_survey([5.2, 4.4, 4.0], ["A", "B", "D"])
    networks = pd.DataFrame({"organisation": ["A", "B", "D"], "element": ENV,
                             "network": "Carers network",
                             "stance": ["positive", "positive", "concerned"]})
    t = dg.triangulate(scores, survey=survey, networks=networks).set_index("organisation")
    env = t[t["element"] == ENV]
    assert env["code"].to_dict() == {"A": "agreement", "B": "partial agreement",
                                     "C": "silence", "D": "dissonance"}
    assert env["self_stance"].tolist() == ["positive", "positive", "mixed", "positive"]
    assert env["survey_stance"].tolist() == ["positive", "mixed", "silent", "negative"]
    assert env["network_stance"].tolist() == ["positive", "positive", "silent", "negative"]
    assert env.loc["B", "self_vs_survey"] == "partial agreement"
    assert env.loc["D", "self_vs_survey"] == "dissonance"
    assert env.loc["D", "survey_vs_networks"] == "agreement"
    assert env.loc["C", "silent_sources"] == "staff survey; staff networks"
    # self score (3.5 - 2) / 2 = 0.75; survey position 0.5 (4.0 - 3.9) / 0.7 = 0.0714286,
    # score 2 p - 1 = -0.857143; network -1: |0.75 + 0.857143| + |0.75 + 1| = 3.357143
    assert env.loc["D", "self_score"] == pytest.approx(0.75)
    assert env.loc["D", "survey_score"] == pytest.approx(2 * 0.5 * 0.1 / 0.7 - 1)
    assert env.loc["D", "dissonance_score"] == pytest.approx(1.75 + 0.75 + 0.857142857)
    assert env.loc["A", "dissonance_score"] == 0
    assert env.loc["C", "sentence"] == (
        "C rates itself part-way on Environment (mean 2.00 of 4), no staff survey results for "
        "this organisation, no staff network view")
    assert len(t) == 4  # one row per organisation x element of the scores


def test_triangulate_thresholds_are_keywords():
    scores = env_scores([3.5])
    survey = hs_survey([5.2], ["A"])
    base = dg.triangulate(scores, survey=survey)
    assert base.loc[0, "code"] == "agreement"
    stricter = dg.triangulate(scores, survey=survey, self_high=3.6)  # 3.5 is now mixed
    assert stricter.loc[0, "self_stance"] == "mixed"
    assert stricter.loc[0, "code"] == "partial agreement"
    # no state rides on the table: the report writers take the rules as triangulation_rules=
    assert "rules" not in stricter.attrs
    with pytest.raises(ValueError, match="self_low"):
        dg.triangulate(scores, self_low=3.0, self_high=2.0)


def test_triangulate_weights_mapped_indicators_and_leaves_out_small_samples():
    # Improving personal health and wellbeing: positive action (weight 1) in the top quartile
    # (4), negative experiences (weight 0.5) in the bottom (1): (1 x 4 + 0.5 x 1) / 1.5 = 3.0
    scores = pd.DataFrame({"organisation": "A", "element": dg.elements()["element"],
                           "completeness_pct": 100.0, "mean_maturity": 3.0})
    survey = pd.DataFrame({
        "organisation": "A", "year": 2021,
        "indicator": ["Organisation takes positive action on health and wellbeing",
                      "Negative experiences", "Health and safety climate"],
        "value": [69.0, 7.61, 5.3], "responses": [400, 400, 5],
        "national_worst": [42.0, 7.6, 4.9], "national_average": [56.0, 8.0, 5.9],
        "national_best": [70.0, 8.5, 6.9]})
    t = dg.triangulate(scores, survey=survey).set_index("element")
    phw = "Improving personal health and wellbeing"
    assert t.loc[phw, "survey_quartile"] == pytest.approx(3.0)
    assert t.loc[phw, "survey_stance"] == "mixed"
    # Environment's only indicator has 5 responses (< 8): not used, so the survey is silent
    assert t.loc[ENV, "survey_stance"] == "silent"
    assert t.loc["Data insights", "survey_stance"] == "silent"  # nothing mapped by design
    assert "no staff survey indicator is mapped" in t.loc["Data insights", "sentence"]


def test_triangulate_unmatched_organisation_is_an_error():
    with pytest.raises(UnmatchedRecordsError, match="Trust Z"):
        dg.triangulate(env_scores([3.0]), survey=hs_survey([5.0], ["Trust Z"]))


def test_bundled_dissonances_put_hv08_environment_first(bundled_tri):
    d = dg.dissonances(bundled_tri)
    top = d.iloc[0]
    assert (top["organisation"], top["element"]) == (HV08, ENV)
    assert (top["self_stance"], top["survey_stance"], top["network_stance"]) == (
        "positive", "negative", "negative")
    assert top["sentence"] == (
        f"{HV08} rates itself mature on Environment (mean 3.44 of 4), staff survey health and "
        "safety climate in the bottom quartile (2021), staff networks concerned (concerned 2)")
    assert d["rank"].tolist() == list(range(1, len(d) + 1))
    assert d["dissonance_score"].is_monotonic_decreasing
    # HV12 has no answers but its networks speak: never dissonant through the self-assessment
    hv12 = bundled_tri[bundled_tri["organisation"] == HV12]
    assert (hv12["self_stance"] == "silent").all()


def test_bundled_triangulation_default_year_keeps_hv08_first(bundled):
    t = dg.triangulate(bundled["scores"], survey=bundled["survey"],
                       networks=bundled["networks"])
    first = dg.dissonances(t, top=1)
    assert first[["organisation", "element"]].iloc[0].tolist() == [HV08, ENV]
    assert t["survey_year"].dropna().unique().tolist() == [2022]


def test_triangulation_columns_are_documented(bundled_tri):
    expected = ["organisation", "element", "self_mean", "self_completeness", "self_stance",
                "self_score", "survey_year", "survey_indicators", "survey_detail",
                "survey_quartile", "survey_position", "survey_stance", "survey_score",
                "n_networks", "network_views", "network_comments", "network_score",
                "network_stance", "n_sources", "silent_sources", "self_vs_survey",
                "self_vs_networks", "survey_vs_networks", "code", "dissonance_score",
                "sentence"]
    assert list(bundled_tri.columns) == expected
    assert len(bundled_tri) == 14 * 7
    assert set(bundled_tri["code"]) <= set(dg.CONVERGENCE_CODES)
    assert np.array_equal(bundled_tri["n_sources"],
                          (bundled_tri[["self_stance", "survey_stance", "network_stance"]]
                           != "silent").sum(axis=1))
