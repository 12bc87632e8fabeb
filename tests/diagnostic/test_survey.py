"""Tests of wellbeing_lib.diagnostic.survey: staff survey positions, the element-survey map
and staff network views.

Hand-made examples carry their arithmetic in comments.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests.diagnostic.helpers import ENV, HV08, hs_survey
from wellbeing_lib import diagnostic as dg
from wellbeing_lib.errors import DuplicateKeyError, InvalidValueError, MissingColumnError
from wellbeing_lib.io import with_source


def test_quartile_midpoint_rule_by_hand():
    # boundaries: (3.9 + 4.6) / 2 = 4.25, 4.6, (4.6 + 5.4) / 2 = 5.0; a boundary goes up
    s = hs_survey([3.9, 4.08, 4.25, 4.5, 4.6, 4.99, 5.0, 5.4, 6.0],
                  list("ABCDEFGHI"))
    p = dg.survey_position(s)
    assert p["quartile"].tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 4]
    assert p["position"].tolist() == pytest.approx(
        [0, 0.5 * 0.18 / 0.7, 0.25, 0.5 * 0.6 / 0.7, 0.5, 0.5 + 0.5 * 0.39 / 0.8, 0.75, 1, 1])
    assert p["outside_range"].tolist() == [False] * 8 + [True]
    assert p.loc[1, "quartile_label"] == "bottom quartile"


def test_quartile_range_rule_and_lower_is_better():
    s = hs_survey([4.25, 4.3], ["A", "B"])
    # equal quarters of 3.9-5.4 (width 0.375): 4.25 < 4.275 -> 1; 4.3 -> 2
    assert dg.survey_position(s, quartile_rule="range")["quartile"].tolist() == [1, 2]
    lower = pd.DataFrame({"organisation": ["A", "B"], "indicator": "Sickness absence %",
                          "year": 2021, "value": [5.5, 3.0], "responses": 100,
                          "national_worst": 6.0, "national_average": 4.5,
                          "national_best": 3.0, "higher_is_better": False})
    # A: 0.5 (5.5 - 6) / (4.5 - 6) = 0.1667 -> bottom; B equals the best -> top
    p = dg.survey_position(lower)
    assert p["quartile"].tolist() == [1, 4]
    assert p["position"].tolist() == pytest.approx([1 / 6, 1.0])
    with pytest.raises(ValueError, match="rule"):
        dg.survey_position(s, quartile_rule="deciles")


def test_survey_position_vs_ics_year_and_small_samples():
    s = pd.concat([hs_survey([4.0, 5.0], ["A", "B"], responses=[100, 300]).assign(year=2021),
                   hs_survey([4.2], ["A"], responses=[5]).assign(year=2022)])
    # ICS 2021 = (4.0 x 100 + 5.0 x 300) / 400 = 4.75
    p = dg.survey_position(s, year=2021)
    assert p["ics_average"].tolist() == pytest.approx([4.75, 4.75])
    assert p["vs_ics"].tolist() == ["worse than the ICS average", "better than the ICS average"]
    latest = dg.survey_position(s).set_index("organisation")
    assert latest.loc["A", "year"] == 2022 and latest.loc["B", "year"] == 2021
    assert not latest.loc["A", "usable"] and pd.isna(latest.loc["A", "quartile"])
    with pytest.raises(InvalidValueError, match="year"):
        dg.survey_position(s, year=2019)


def test_read_staff_survey_names_the_problem():
    bad = hs_survey([4.0, 5.0], ["A", "B"])
    bad.loc[1, "national_best"] = 4.0
    with pytest.raises(InvalidValueError, match=r"out of order.*row 1.*3\.9 / 4\.6 / 4"):
        dg.read_staff_survey(bad)
    with pytest.raises(DuplicateKeyError, match="A / Health and safety climate / 2021"):
        dg.read_staff_survey(hs_survey([4.0, 5.0], ["A", "A"]))
    with pytest.raises(MissingColumnError, match="responses"):
        dg.read_staff_survey(hs_survey([4.0], ["A"]).drop(columns="responses"))
    with pytest.raises(InvalidValueError, match="responses"):
        dg.read_staff_survey(hs_survey([4.0], ["A"], responses=[10.5]))


def test_bundled_survey_loads_and_hv08_is_bottom_quartile(bundled):
    p = dg.survey_position(bundled["survey"], year=2021).set_index(["organisation",
                                                                     "indicator"])
    row = p.loc[(HV08, "Health and safety climate")]
    # 4.08 in the ambulance range 3.90-4.60-5.40: below 4.25 -> bottom quartile
    assert row["quartile"] == 1 and row["value"] == 4.08 and row["ics_average"] == 5.93
    assert p["usable"].all() and len(p) == 28


def test_element_survey_map_is_documented_data():
    m = dg.element_survey_map()
    assert {"rationale", "source", "year"} <= set(m.columns)
    assert set(m["element"]) <= set(dg.elements()["element"])
    assert "Data insights" not in set(m["element"])
    env = m[m["element"] == ENV]
    assert env["indicator"].tolist() == ["Health and safety climate"]
    phw = m[m["element"] == "Improving personal health and wellbeing"].set_index("indicator")
    assert phw.loc["Organisation takes positive action on health and wellbeing",
                   "role"] == "primary"
    assert m["rationale"].str.len().min() > 40
    with pytest.raises(InvalidValueError, match="unknown element"):
        dg.element_survey_map(pd.DataFrame({"element": ["Estates"], "indicator": ["X"]}))


def test_read_staff_networks_validates():
    n = dg.read_staff_networks(pd.DataFrame({
        "organisation": "A", "element": [" ENVIRONMENT ", "data insights"],
        "stance": ["Mixed", "concerned"]}))
    assert n["element"].tolist() == [ENV, "Data insights"]
    assert n["stance_score"].tolist() == [0.0, -1.0]
    with pytest.raises(InvalidValueError, match="unknown stance.*found angry"):
        dg.read_staff_networks(pd.DataFrame({"organisation": "A", "element": [ENV],
                                             "stance": ["angry"]}))
    with pytest.raises(InvalidValueError, match="unknown element"):
        dg.read_staff_networks(pd.DataFrame({"organisation": "A", "element": ["Estates"],
                                             "stance": ["mixed"]}))
    with pytest.raises(DuplicateKeyError):
        dg.read_staff_networks(pd.DataFrame({"organisation": "A", "element": [ENV, ENV],
                                             "network": "Carers", "stance": "mixed"}))
    scored = dg.read_staff_networks(
        pd.DataFrame({"organisation": "A", "element": [ENV], "stance": ["amber"]}),
        stances={"green": 1, "amber": 0.25, "red": -1})
    assert scored["stance_score"].tolist() == [0.25]


def test_survey_readers_keep_provenance_for_their_errors():
    survey = with_source(hs_survey([4.0, 5.0], ["A", "A"]), "survey.csv")
    with pytest.raises(DuplicateKeyError) as err:
        dg.read_staff_survey(survey)
    assert err.value.file == "survey.csv" and err.value.line_numbers == [2, 3]
    networks = with_source(pd.DataFrame({"organisation": "A", "element": ["Estates"],
                                         "stance": ["mixed"]}), "networks.csv")
    with pytest.raises(InvalidValueError) as err:
        dg.read_staff_networks(networks)
    assert err.value.file == "networks.csv"
    element_map = with_source(pd.DataFrame({"element": ["Estates"], "indicator": ["X"]}),
                              "map.csv")
    with pytest.raises(InvalidValueError) as err:
        dg.element_survey_map(element_map)
    assert err.value.file == "map.csv"


def test_survey_position_names_its_quartile_rule():
    p = dg.survey_position(hs_survey([4.25, 4.3], ["A", "B"]), quartile_rule="range")
    assert p["quartile_rule"].tolist() == ["range", "range"]
