"""Tests for wellbeing_lib.outcomes: registry, scoring, SWEMWBS conversion, bands."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wellbeing_lib import outcomes as oc
from wellbeing_lib.errors import InvalidValueError, MissingColumnError
from wellbeing_lib.io import package_data_path

# The published SWEMWBS raw -> metric table (Stewart-Brown et al. 2009), copied by hand
# from /work/shared/reference/swemwbs_raw_to_metric.csv: the ground truth for these tests.
SWEMWBS_TABLE = {
    7: 7.00, 8: 9.51, 9: 11.25, 10: 12.40, 11: 13.33, 12: 14.08, 13: 14.75, 14: 15.32,
    15: 15.84, 16: 16.36, 17: 16.88, 18: 17.43, 19: 17.98, 20: 18.59, 21: 19.25, 22: 19.98,
    23: 20.73, 24: 21.54, 25: 22.35, 26: 23.21, 27: 24.11, 28: 25.03, 29: 26.02, 30: 27.03,
    31: 28.13, 32: 29.31, 33: 30.70, 34: 32.55, 35: 35.00,
}
SHARED_REFERENCE = Path("/work/shared/reference/swemwbs_raw_to_metric.csv")

SWEMWBS_COLS = [f"swemwbs_{i}" for i in range(1, 8)]
UCLA_COLS = ["ucla_1", "ucla_2", "ucla_3"]
ONS_COLS = ["life_satisfaction", "worthwhile", "happiness", "anxiety"]


def swemwbs_frame(rows, index=None):
    return pd.DataFrame(rows, columns=SWEMWBS_COLS, index=index)


# ---------------------------------------------------------------- SWEMWBS table
def test_package_table_has_all_29_published_rows():
    table = pd.read_csv(package_data_path("swemwbs_raw_to_metric.csv"))
    assert len(table) == 29
    assert dict(zip(table["raw"], table["metric"])) == SWEMWBS_TABLE
    assert table["source"].str.contains("Stewart-Brown").all()
    assert (table["year"] == 2009).all()


@pytest.mark.skipif(not SHARED_REFERENCE.exists(), reason="shared reference folder not mounted")
def test_package_table_matches_shared_reference_file():
    ref = pd.read_csv(SHARED_REFERENCE)
    assert len(ref) == 29
    assert dict(zip(ref["raw"], ref["metric"])) == SWEMWBS_TABLE


def test_swemwbs_metric_reproduces_every_row_vectorised():
    raw = pd.Series(list(SWEMWBS_TABLE), index=[f"p{r}" for r in SWEMWBS_TABLE], name="raw")
    metric = oc.swemwbs_metric(raw)
    assert metric.name == "swemwbs_metric"
    assert list(metric.index) == list(raw.index)
    assert metric.tolist() == list(SWEMWBS_TABLE.values())


def test_swemwbs_metric_scalar_array_and_missing():
    assert oc.swemwbs_metric(21) == 19.25
    out = oc.swemwbs_metric([7, np.nan, 35])
    assert out[0] == 7.0 and np.isnan(out[1]) and out[2] == 35.0


@pytest.mark.parametrize("raw", [6, 36, 0, -7])
def test_swemwbs_metric_refuses_out_of_range(raw):
    with pytest.raises(InvalidValueError, match="out of range.*between 7 and 35"):
        oc.swemwbs_metric([20, raw])


def test_swemwbs_metric_non_integer_refused_unless_rounding_half_up():
    with pytest.raises(InvalidValueError, match="not a whole number"):
        oc.swemwbs_metric(24.5)
    assert oc.swemwbs_metric(24.5, rounding="half_up") == SWEMWBS_TABLE[25]
    assert oc.swemwbs_metric(24.4, rounding="half_up") == SWEMWBS_TABLE[24]
    assert oc.swemwbs_metric(26.8333333, rounding="half_up") == SWEMWBS_TABLE[27]
    with pytest.raises(ValueError, match="rounding"):
        oc.swemwbs_metric(24, rounding="nearest")


def test_swemwbs_metric_non_numeric_series_names_rows():
    with pytest.raises(InvalidValueError, match="non-numeric.*row b"):
        oc.swemwbs_metric(pd.Series([20, "x"], index=["a", "b"]))


def test_wemwbs_equivalent_is_metric_times_two():
    assert oc.wemwbs_equivalent(22.35) == pytest.approx(44.7)
    s = oc.wemwbs_equivalent(pd.Series([7.0, 35.0, np.nan], index=[3, 4, 5]))
    assert s.iloc[:2].tolist() == [14.0, 70.0] and np.isnan(s.iloc[2])
    assert list(s.index) == [3, 4, 5]
    with pytest.raises(InvalidValueError, match="between 7 and 35"):
        oc.wemwbs_equivalent([6.9])


# --------------------------------------------------------------------- registry
def test_registry_rows_and_required_columns():
    reg = oc.instruments()
    assert set(reg["instrument"]) == {
        "wemwbs", "swemwbs", "ons4", "ucla3", "pam", "mycaw", "social_inclusion"
    }
    for col in ["name", "n_items", "item_min", "item_max", "direction", "mid", "mid_source",
                "reliability", "reliability_type", "reliability_source", "norm_mean",
                "norm_sd", "norm_source", "item_columns", "response_labels", "source", "year"]:
        assert col in reg.columns
    assert reg["source"].notna().all() and reg["year"].between(2000, 2100).all()
    # a value without its source would be unusable
    for value, src in [("mid", "mid_source"), ("reliability", "reliability_source"),
                       ("retest_reliability", "retest_reliability_source"),
                       ("norm_mean", "norm_source"), ("norm_mean_men", "norm_source")]:
        assert (reg[value].isna() | reg[src].notna()).all(), value


def test_registry_published_values():
    wem = oc.get_instrument("wemwbs")
    assert (wem.n_items, wem.item_min, wem.item_max) == (14, 1, 5)
    assert (wem.score_min, wem.score_max) == (14, 70)
    assert wem.mid == 3 and "Maheswaran" in wem.mid_source
    assert wem.reliability == 0.91 and wem.reliability_type == "Cronbach's alpha"
    assert wem.retest_reliability == 0.83 and "Tennant" in wem.retest_reliability_source
    assert wem.item_labels[0] == "optimistic" and wem.item_labels[-1] == "cheerful"

    sw = oc.get_instrument("swemwbs")
    assert sw.items == tuple(SWEMWBS_COLS)
    assert sw.mid == 2.87 and "Shah" in sw.mid_source
    assert (sw.norm_mean_men, sw.norm_mean_women) == (23.7, 23.2)
    assert "Ng Fat" in sw.norm_source
    assert sw.conversion == "swemwbs_raw_to_metric.csv"
    # SWEMWBS items are WEMWBS items 1, 2, 3, 6, 7, 9, 11
    assert sw.item_labels == tuple(wem.item_labels[i - 1] for i in (1, 2, 3, 6, 7, 9, 11))

    ucla = oc.get_instrument("ucla3")
    assert ucla.items == tuple(UCLA_COLS) and ucla.direction == "lower_better"
    assert ucla.response_labels == ("Hardly ever or never", "Some of the time", "Often")

    ons = oc.get_instrument("ons4")
    assert ons.items == tuple(ONS_COLS) and ons.scoring == "items"
    assert ons.item_directions[-1] == "lower_better"

    pam = oc.get_instrument("pam")
    assert pam.items == ("pam_score",) and not pam.integer
    assert (pam.item_min, pam.item_max) == (0, 100)

    si = oc.get_instrument("social_inclusion")
    assert si.source == "wellbeing_lib synthetic local measure"
    assert (si.item_min, si.item_max, si.direction) == (1, 10, "higher_better")

    my = oc.get_instrument("mycaw")
    assert (my.item_min, my.item_max, my.direction) == (0, 6, "lower_better")


def test_get_instrument_names_and_errors():
    assert oc.get_instrument("UCLA-3").id == "ucla3"
    assert oc.get_instrument("ucla").id == "ucla3"  # the name the data generator uses
    assert oc.get_instrument(" ONS4 ").id == "ons4"
    assert oc.get_instrument("Social Inclusion").id == "social_inclusion"
    with pytest.raises(InvalidValueError, match="unknown instrument.*swemwbs"):
        oc.get_instrument("phq9")


def test_instrument_is_frozen_and_replace_validates():
    wem = oc.get_instrument("wemwbs")
    with pytest.raises(dataclasses.FrozenInstanceError):
        wem.mid = 8
    strict = wem.replace(mid=8, mid_source="2.77 x SEM")
    assert strict.mid == 8 and wem.mid == 3
    with pytest.raises(InvalidValueError, match="reliability"):
        wem.replace(reliability=1.5)


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


# ---------------------------------------------------------------------- scoring
def test_score_hand_computed_swemwbs_and_wemwbs():
    df = swemwbs_frame([[4, 4, 3, 3, 4, 5, 2], [1] * 7, [5] * 7], index=[10, 20, 30])
    out = oc.score(df, "swemwbs")
    assert list(out.columns) == ["swemwbs_raw", "swemwbs_metric", "n_answered", "prorated"]
    assert list(out.index) == [10, 20, 30]
    assert out["swemwbs_raw"].tolist() == [25.0, 7.0, 35.0]
    assert out["swemwbs_metric"].tolist() == [22.35, 7.00, 35.00]
    assert out["n_answered"].tolist() == [7, 7, 7]

    wem = pd.DataFrame([[3] * 14, list(range(1, 6)) * 2 + [1, 2, 3, 4]],
                       columns=[f"wemwbs_{i}" for i in range(1, 15)])
    out = oc.score(wem, "wemwbs")
    assert out["wemwbs_raw"].tolist() == [42.0, 40.0]  # 14*3; 2*(1+..+5) + 1+2+3+4
    assert "wemwbs_metric" not in out


def test_score_ucla_and_items_instruments():
    ucla = pd.DataFrame({"ucla_1": [1, 3], "ucla_2": [2, 3], "ucla_3": [3, 3]})
    assert oc.score(ucla, "ucla3")["ucla3_raw"].tolist() == [6.0, 9.0]

    ons = pd.DataFrame({"life_satisfaction": [7, 0], "worthwhile": [8, np.nan],
                        "happiness": [6, 10], "anxiety": [2, 9], "id": ["a", "b"]})
    out = oc.score(ons, "ons4")
    assert list(out.columns) == ONS_COLS + ["n_answered"]
    assert out["anxiety"].tolist() == [2.0, 9.0]
    assert np.isnan(out.loc[1, "worthwhile"]) and out["n_answered"].tolist() == [4, 3]

    pam = oc.score(pd.DataFrame({"pam_score": [47.1, 100.0]}), "pam")
    assert pam["pam_score"].tolist() == [47.1, 100.0]
    with pytest.raises(InvalidValueError, match="out of range"):
        oc.score(pd.DataFrame({"pam_score": [100.5]}), "pam")


def test_complete_versus_prorate():
    df = swemwbs_frame([
        [4, 4, 3, 3, 4, 5, 2],            # complete: 25
        [4, 4, 3, 3, 4, 5, np.nan],       # one missing: 23 / 6 * 7 = 26.8333
        [4, 4, 3, 3, 4, np.nan, np.nan],  # two missing
        [3, 3, 3, 3, 3, 3, np.nan],       # one missing: 18 / 6 * 7 = 21 exactly
    ])
    complete = oc.score(df, "swemwbs")
    assert complete["swemwbs_raw"].iloc[0] == 25
    assert complete["swemwbs_raw"].iloc[1:].isna().all()
    assert complete["swemwbs_metric"].iloc[1:].isna().all()
    assert complete["n_answered"].tolist() == [7, 6, 5, 6]
    assert not complete["prorated"].any()

    pro = oc.score(df, "swemwbs", missing="prorate")
    assert pro["swemwbs_raw"].iloc[1] == pytest.approx(23 / 6 * 7)
    assert pro["swemwbs_metric"].iloc[1] == SWEMWBS_TABLE[27]  # 26.83 rounds half up to 27
    assert np.isnan(pro["swemwbs_raw"].iloc[2])                 # more than max_missing=1
    assert pro["swemwbs_raw"].iloc[3] == 21 and pro["swemwbs_metric"].iloc[3] == 19.25
    assert pro["prorated"].tolist() == [False, True, False, True]

    two = oc.score(df, "swemwbs", missing="prorate", max_missing=2)
    assert two["swemwbs_raw"].iloc[2] == pytest.approx(18 / 5 * 7)  # 25.2 -> 25
    assert two["swemwbs_metric"].iloc[2] == SWEMWBS_TABLE[25]

    with pytest.raises(ValueError, match="max_missing"):
        oc.score(df, "swemwbs", missing="prorate", max_missing=7)
    with pytest.raises(ValueError, match="missing must be"):
        oc.score(df, "swemwbs", missing="mean")


def test_text_answers_are_mapped_case_and_space_insensitive():
    df = pd.DataFrame({
        "swemwbs_1": ["None of the time", "  often ", "ALL OF THE TIME"],
        "swemwbs_2": ["Some  of   the time", "Rarely", "rarely"],
        "swemwbs_3": ["3", 4, "5"],            # numbers stored as text
        "swemwbs_4": [1, 2, 3],
        "swemwbs_5": [1, 2, 3],
        "swemwbs_6": [1, 2, 3],
        "swemwbs_7": [1, 2, 3],
    })
    out = oc.score(df, "swemwbs")
    # 1+3+3+1+1+1+1 = 11; 4+2+4+2+2+2+2 = 18; 5+2+5+3+3+3+3 = 24
    assert out["swemwbs_raw"].tolist() == [11.0, 18.0, 24.0]
    ucla = pd.DataFrame({"ucla_1": ["Hardly ever or never", "often"],
                         "ucla_2": ["Some of the time", "Often"],
                         "ucla_3": ["hardly ever or never", " "]})  # blank = missing
    out = oc.score(ucla, "ucla3")
    assert out["ucla3_raw"].iloc[0] == 4.0 and np.isnan(out["ucla3_raw"].iloc[1])
    assert out["n_answered"].tolist() == [3, 2]


def test_unknown_text_raises_with_labels_column_and_row():
    df = swemwbs_frame([[1] * 7, [2] * 7], index=["anna", "ben"])
    df["swemwbs_4"] = ["Often", "Sometimes"]
    with pytest.raises(InvalidValueError) as err:
        oc.score(df, "swemwbs")
    msg = str(err.value)
    assert "unrecognised answer" in msg and "'swemwbs_4'" in msg and "row ben" in msg
    assert "'Sometimes'" in msg and "None of the time" in msg
    assert err.value.rows == ["ben"]


def test_out_of_range_message_names_columns_rows_and_values():
    df = swemwbs_frame([[1] * 7, [7, 2, 2, 2, 2, 2, 2], [3, 3, 0, 3, 3, 3, 3]],
                       index=["a", "b", "c"])
    with pytest.raises(InvalidValueError) as err:
        oc.score(df, "swemwbs")
    msg = str(err.value)
    assert msg.startswith("answer out of range")
    assert "columns 'swemwbs_1', 'swemwbs_3'" in msg and "rows b, c" in msg
    assert "swemwbs_1=7" in msg and "swemwbs_3=0" in msg
    assert "whole number between 1 and 5" in msg


def test_errors_give_file_and_line_numbers_for_data_read_from_a_file():
    df = swemwbs_frame([[1] * 7, [1] * 7, [9] + [1] * 6])
    df.attrs["source"] = "clients.csv"
    with pytest.raises(InvalidValueError, match=r"in clients\.csv, column 'swemwbs_1', "
                                                r"row 2 \(file line 4\)"):
        oc.score(df, "swemwbs")


def test_non_numeric_and_non_integer_answers():
    ons = pd.DataFrame({"life_satisfaction": [7, "ten"], "worthwhile": [1, 2],
                        "happiness": [3, 4], "anxiety": [1, 1]})
    with pytest.raises(InvalidValueError, match=r"non-numeric value.*'life_satisfaction'.*row 1.*"
                                                r"'ten'"):
        oc.score(ons, "ons4")
    ons["life_satisfaction"] = [7, 8]
    ons["anxiety"] = [2.5, 1]
    with pytest.raises(InvalidValueError, match=r"not a whole number.*'anxiety'.*row 0.*2\.5"):
        oc.score(ons, "ons4")
    ons["anxiety"] = [True, False]
    with pytest.raises(InvalidValueError, match="non-numeric"):
        oc.score(ons, "ons4")


def test_missing_columns_and_custom_item_names():
    df = pd.DataFrame({"q1": [1, 2], "q2": [2, 2], "q3": [3, 1]})
    with pytest.raises(MissingColumnError, match="ucla_1"):
        oc.score(df, "ucla3")
    assert oc.score(df, "ucla3", items=["q1", "q2", "q3"])["ucla3_raw"].tolist() == [6.0, 5.0]
    renamed = df.rename(columns={"q1": "ucla_1", "q2": "ucla_2"})
    out = oc.score(renamed, "ucla3", items={"ucla_3": "q3"})
    assert out["ucla3_raw"].tolist() == [6.0, 5.0]
    with pytest.raises(InvalidValueError, match="wrong number of item columns"):
        oc.score(df, "ucla3", items=["q1", "q2"])
    with pytest.raises(InvalidValueError, match="unknown item"):
        oc.score(df, "ucla3", items={"ucla_9": "q1"})


def test_score_does_not_modify_the_callers_frame():
    df = swemwbs_frame([[1, 2, 3, 4, 5, 4, np.nan]])
    df["swemwbs_1"] = df["swemwbs_1"].astype(object)
    df.loc[0, "swemwbs_1"] = "Rarely"
    before = df.copy()
    oc.score(df, "swemwbs", missing="prorate")
    pd.testing.assert_frame_equal(df, before)


def test_one_million_rows_scored_exactly():  # speed is measured in benchmarks/
    rng = np.random.default_rng(20260101)
    answers = rng.integers(1, 6, size=(1_000_000, 7))
    df = swemwbs_frame(answers)
    out = oc.score(df, "swemwbs")
    raw = answers.sum(axis=1)
    np.testing.assert_array_equal(out["swemwbs_raw"].to_numpy(), raw)
    table = np.array([SWEMWBS_TABLE[r] for r in range(7, 36)])
    np.testing.assert_array_equal(out["swemwbs_metric"].to_numpy(), table[raw - 7])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(1, 5), min_size=7, max_size=7), min_size=1, max_size=20))
def test_property_complete_rows_sum_and_lookup(rows):
    df = swemwbs_frame(rows)
    complete = oc.score(df, "swemwbs")
    prorate = oc.score(df, "swemwbs", missing="prorate")
    sums = [sum(r) for r in rows]
    assert complete["swemwbs_raw"].tolist() == sums
    assert complete["swemwbs_metric"].tolist() == [SWEMWBS_TABLE[s] for s in sums]
    pd.testing.assert_frame_equal(complete, prorate)  # nothing missing: same result


# ------------------------------------------------------------------------ bands
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


# ------------------------------------------------------------ user instruments
def test_define_instrument_scores_and_maps_labels():
    coping = oc.define_instrument(
        "coping", 3, 0, 4, "higher_better", mid=2, reliability=0.8,
        source="Local coping check (service design, 2025)",
        response_labels=["Never", "Rarely", "Sometimes", "Often", "Always"],
    )
    assert coping.items == ("coping_1", "coping_2", "coping_3")
    assert (coping.score_min, coping.score_max) == (0, 12)
    assert coping.mid_source == "user-supplied" and coping.reliability_type == "user-supplied"
    df = pd.DataFrame({"coping_1": [0, "always"], "coping_2": [4, "Never"],
                       "coping_3": [2, np.nan]})
    out = oc.score(df, coping, missing="prorate")
    assert out["coping_raw"].tolist() == [6.0, 6.0]  # (4 + 0) / 2 * 3 = 6
    assert out["prorated"].tolist() == [False, True]
    with pytest.raises(InvalidValueError, match="between 0 and 4"):
        oc.score(pd.DataFrame({"coping_1": [5], "coping_2": [1], "coping_3": [1]}), coping)


@pytest.mark.parametrize("kwargs, field", [
    (dict(item_min=5, item_max=1), "item_max"),
    (dict(direction="up"), "direction"),
    (dict(reliability=1.2), "reliability"),
    (dict(mid=-1), "mid"),
    (dict(norm_sd=0), "norm_sd"),
    (dict(norm_mean=99), "norm_mean"),
    (dict(response_labels=["a", "b"]), "response_labels"),
    (dict(source=" "), "source"),
    (dict(name="2bad"), "id"),
    (dict(items=["x", "x"]), "items"),
])
def test_define_instrument_validation_names_the_field(kwargs, field):
    args = dict(name="local", items=4, item_min=1, item_max=5, direction="higher_better",
                source="Local")
    args.update(kwargs)
    with pytest.raises(InvalidValueError) as err:
        oc.define_instrument(**args)
    assert err.value.column == field


def test_define_instrument_requires_a_source():
    with pytest.raises(TypeError, match="source"):
        oc.define_instrument("local", 4, 1, 5, "higher_better")


def test_population_norm_is_standardised_to_sex_mix():
    from wellbeing_lib.outcomes import population_norm

    people = pd.DataFrame({"sex": ["Female"] * 3 + ["Male"]})
    assert population_norm(people, "swemwbs") == pytest.approx(0.75 * 23.2 + 0.25 * 23.7)
    assert population_norm(people.iloc[3:], "swemwbs") == pytest.approx(23.7)
    with pytest.raises(InvalidValueError, match="column 'sex', row 1.*found Other"):
        population_norm(pd.DataFrame({"sex": ["Female", "Other"]}), "swemwbs")
    with pytest.raises(InvalidValueError, match="no all-adults norm"):
        population_norm(None, "swemwbs")
    assert population_norm(None, oc.get_instrument("swemwbs").replace(norm_mean=23.5)) == 23.5
