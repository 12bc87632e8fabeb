"""The instrument registry and user-defined instruments (outcomes/instruments.py)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from tests.outcomes.helpers import ONS_COLS, SWEMWBS_COLS, UCLA_COLS
from wellbeing_lib import outcomes as oc
from wellbeing_lib.errors import InvalidValueError


# -------------------------------------------------------------------------------- registry
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


# ------------------------------------------------------------------------ user instruments
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
