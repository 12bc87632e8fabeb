"""Tests of wellbeing_lib.diagnostic.scoring: scores per organisation x element and the
system view.

Every expected number below is worked out by hand in the comments next to it.
"""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pandas as pd
import pytest

from tests.diagnostic.helpers import DAT, ELEMENTS, ENV, row, two_organisations
from wellbeing_lib import diagnostic as dg
from wellbeing_lib.errors import InvalidValueError, MissingColumnError


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


def test_scale_cannot_be_given_twice():
    d = dg.read_diagnostic_csv(two_organisations())
    with pytest.raises(ValueError, match="already a Diagnostic"):
        dg.score_diagnostic(d, scale={"No": 0, "Yes": 1})


def test_scoring_an_organisation_that_answered_nothing():
    blank = pd.DataFrame({"organisation": "Alliance", "question_id": ["ENV-01"],
                          "answer": [None]})
    s = dg.score_diagnostic(blank)
    assert len(s) == 7 and (s["n_answered"] == 0).all()
    assert s["mean_maturity"].isna().all() and s["pct_exemplary"].isna().all()


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


def test_system_summary_is_a_frozen_result_with_to_frame_and_thresholds():
    s = dg.system_summary(three_organisation_scores(), variation_threshold=2.5)
    pd.testing.assert_frame_equal(s.to_frame(), s.elements)
    assert (s.strength_threshold, s.gap_threshold, s.variation_threshold,
            s.min_completeness) == (3.0, 1.0, 2.5, 50.0)
    assert s.thresholds == {"strength_threshold": 3.0, "gap_threshold": 1.0,
                            "variation_threshold": 2.5, "min_completeness": 50.0}
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.gap_threshold = 2.0
