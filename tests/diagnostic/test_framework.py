"""Tests of wellbeing_lib.diagnostic.framework: the framework questions, elements and the
maturity scale.

Every expected number below is worked out by hand in the comments next to it.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests.diagnostic.helpers import ELEMENTS
from wellbeing_lib import diagnostic as dg
from wellbeing_lib.errors import DuplicateKeyError, InvalidValueError, MissingColumnError
from wellbeing_lib.io import package_data_path


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
