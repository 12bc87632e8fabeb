"""Bands of scores: ONS4, PAM levels, the UCLA-3 cut-off (outcomes/bands.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.outcomes.helpers import ONS_COLS
from wellbeing_lib import outcomes as oc
from wellbeing_lib.errors import InvalidValueError


def test_bands_table_covers_each_range():
    bands = oc.instrument_bands()
    assert bands["source"].notna().all() and bands["year"].notna().all()
    for (inst_id, target), grp in bands.groupby(["instrument", "applies_to"]):
        inst = oc.get_instrument(inst_id)
        grp = grp.sort_values("order")
        lo, hi = (inst.score_min, inst.score_max) if target == "total" else (
            inst.item_min, inst.item_max)
        assert grp["lower"].iloc[0] == lo and grp["upper"].iloc[-1] == hi
        assert (grp["lower"].diff().dropna() > 0).all()
        assert (grp["upper"].to_numpy()[:-1] < grp["lower"].to_numpy()[1:]).all()


@pytest.mark.parametrize("item", ["life_satisfaction", "worthwhile", "happiness"])
def test_ons4_positive_item_band_edges(item):
    values = [0, 4, 5, 6, 7, 8, 9, 10]
    expected = ["low", "low", "medium", "medium", "high", "high", "very high", "very high"]
    assert oc.band(values, "ons4", item=item).tolist() == expected


def test_ons4_anxiety_band_edges():
    values = [0, 1, 2, 3, 4, 5, 6, 10]
    expected = ["very low", "very low", "low", "low", "medium", "medium", "high", "high"]
    out = oc.band(values, "ons4", item="anxiety")
    assert out.tolist() == expected
    assert out.cat.ordered and list(out.cat.categories) == ["very low", "low", "medium", "high"]


def test_classify_ons4_frame_keeps_index_and_missing():
    ons = pd.DataFrame({"life_satisfaction": [4, 5, np.nan], "worthwhile": [6, 7, 9],
                        "happiness": [8, 9, 0], "anxiety": [1, 2, 6]}, index=["x", "y", "z"])
    out = oc.classify(ons, "ons4")
    assert list(out.columns) == [f"{c}_band" for c in ONS_COLS]
    assert list(out.index) == ["x", "y", "z"]
    assert out.loc["x"].tolist() == ["low", "medium", "high", "very low"]
    assert out.loc["y"].tolist() == ["medium", "high", "very high", "low"]
    assert pd.isna(out.loc["z", "life_satisfaction_band"])
    with pytest.raises(InvalidValueError, match="item"):
        oc.band([1, 2], "ons4")  # which ONS4 item?


def test_pam_level_edges():
    scores = [0.0, 47.0, 47.1, 55.1, 55.2, 67.0, 67.1, 100.0]
    expected = ["level 1", "level 1", "level 2", "level 2", "level 3", "level 3",
                "level 4", "level 4"]
    assert oc.band(scores, "pam").tolist() == expected
    out = oc.classify(pd.DataFrame({"pam_score": scores}), "pam")
    assert out["pam_score_band"].tolist() == expected
    with pytest.raises(InvalidValueError, match=r"out of range.*row 1.*100\.1"):
        oc.band(pd.Series([50, 100.1], name="pam_score"), "pam")


def test_pam_custom_thresholds_table():
    later = pd.DataFrame({"band": ["level 1", "level 2", "level 3", "level 4"],
                          "lower": [0, 47.1, 55.2, 72.5]})
    out = oc.band(pd.Series([67.1, 72.4, 72.5], name="pam_score"), "pam", table=later)
    assert out.tolist() == ["level 3", "level 3", "level 4"] and out.name == "pam_score_band"
    frame = oc.classify(pd.DataFrame({"pam_score": [72.5]}), "pam", table=later)
    assert frame["pam_score_band"].tolist() == ["level 4"]


def test_ucla_cutoff_default_and_configurable():
    totals = pd.DataFrame({"ucla3_raw": [3, 5, 5.5, 6, 9, np.nan]})
    out = oc.classify(totals, "ucla3")["ucla3_band"]
    assert out.iloc[:5].tolist() == ["not lonely", "not lonely", "not lonely", "lonely", "lonely"]
    assert pd.isna(out.iloc[5])
    seven = oc.classify(totals, "ucla3", cutoff=7)["ucla3_band"]
    assert seven.iloc[:5].tolist() == ["not lonely"] * 4 + ["lonely"]
    for bad in (3, 10):
        with pytest.raises(InvalidValueError, match="cutoff"):
            oc.classify(totals, "ucla3", cutoff=bad)
    with pytest.raises(ValueError, match="two-band"):
        oc.band([50], "pam", cutoff=60)
    with pytest.raises(InvalidValueError, match="out of range"):
        oc.band([2], "ucla3")


def test_classify_scores_from_score_output_and_named_column():
    answers = pd.DataFrame({"ucla_1": [1, 2, 3], "ucla_2": [2, 2, 3], "ucla_3": [2, 2, 3]})
    scores = oc.score(answers, "ucla3")
    assert oc.classify(scores, "ucla3")["ucla3_band"].tolist() == [
        "not lonely", "lonely", "lonely"]
    renamed = scores.rename(columns={"ucla3_raw": "loneliness"})
    assert oc.classify(renamed, "ucla3", columns="loneliness")["ucla3_band"].tolist() == [
        "not lonely", "lonely", "lonely"]
    with pytest.raises(InvalidValueError, match="no bands"):
        oc.classify(answers, "wemwbs")
