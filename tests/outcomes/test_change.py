"""Change definitions, criteria and thresholds (outcomes/change.py)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.outcomes.helpers import DEFS, MEASURES
from wellbeing_lib import outcomes as oc
from wellbeing_lib.errors import DuplicateKeyError, InvalidValueError, MissingColumnError


# ------------------------------------------------------------------------- reliable change
def test_reliable_change_index_hand_worked_example():
    # Jacobson & Truax (1991) with S1 = 3.24 (baseline SD) and r_xx = 0.865:
    #   SE     = 3.24 * sqrt(1 - 0.865) = 3.24 * 0.3674235 = 1.1904520
    #   S_diff = sqrt(2) * 1.1904520    = 1.6835534
    #   minimum reliable change = 1.96 * 1.6835534 = 3.2997647
    # client a: 19.25 -> 22.35, change 3.10, RC = 3.10 / 1.6835534 = 1.8413 -> no reliable change
    # client b: 17.43 -> 21.54, change 4.11, RC = 4.11 / 1.6835534 = 2.4413 -> reliably improved
    # client c: 24.11 -> 19.98, change -4.13, RC = -4.13 / 1.6835534 = -2.4531 -> reliably deteriorated
    threshold, s_diff = oc.reliable_change_threshold(3.24, 0.865)
    assert s_diff == pytest.approx(1.6835534, abs=1e-7)
    assert threshold == pytest.approx(3.2997647, abs=1e-7)
    paired = pd.DataFrame({"client_id": ["a", "b", "c"],
                           "swemwbs_metric_baseline": [19.25, 17.43, 24.11],
                           "swemwbs_metric_follow_up": [22.35, 21.54, 19.98]})
    out = oc.change(paired, {"wellbeing": "swemwbs"}, definition="reliable", sd=3.24,
                    reliability=(0.865, "alpha in our sample"))
    assert out["rci"].to_numpy() == pytest.approx([1.8413, 2.4413, -2.4531], abs=1e-4)
    assert out["status"].tolist() == ["no change", "improved", "deteriorated"]
    assert out["threshold"].to_numpy() == pytest.approx([3.2997647] * 3)
    crit = oc.change_criteria(paired, {"wellbeing": "swemwbs"}, definition="reliable", sd=3.24,
                              reliability=(0.865, "alpha in our sample")).iloc[0]
    assert crit["threshold"] == out["threshold"].iloc[0]  # the rule change() applied
    assert crit["sd_source"] == "user-supplied"
    assert crit["reliability_source"] == "alpha in our sample"
    assert crit["rule"] == "improvement > 3.30 (|RC| > 1.96; S_diff 1.68)"


def test_reliable_change_defaults_come_from_registry_and_data():
    paired = pd.DataFrame({"client_id": ["a", "b", "c"],
                           "swemwbs_metric_baseline": [17.43, 19.25, 23.21],
                           "swemwbs_metric_follow_up": [19.98, 23.21, 22.35]})
    crit = oc.change_criteria(paired, {"wellbeing": "swemwbs"}, definition="reliable").iloc[0]
    sd = np.std([17.43, 19.25, 23.21], ddof=1)  # 2.9552
    assert crit["sd"] == pytest.approx(sd)
    assert crit["reliability"] == 0.89  # SWEMWBS alpha in the registry
    assert "Vaingankar" in crit["reliability_source"]
    assert crit["threshold"] == pytest.approx(1.96 * math.sqrt(2) * sd * math.sqrt(0.11))


def test_definitions_at_their_boundaries_and_direction():
    # UCLA-3 (lower = less lonely): 7 -> 4 improves by 3; 6 -> 6 no change; 5 -> 6 worse by 1
    paired = pd.DataFrame({"client_id": list("abcd"),
                           "ucla3_raw_baseline": [7, 6, 5, 8], "ucla3_raw_follow_up": [4, 6, 6, 6]})
    anyc = oc.change(paired, {"loneliness": "ucla3"})
    assert anyc["improvement"].tolist() == [3.0, 0.0, -1.0, 2.0]
    assert anyc["status"].tolist() == ["improved", "no change", "deteriorated", "improved"]
    # meaningful: a change of exactly the threshold counts (>=), one point less does not
    mean = oc.change(paired, {"loneliness": "ucla3"}, definition="meaningful",
                     thresholds={"loneliness": 2})
    assert mean["status"].tolist() == ["improved", "no change", "no change", "improved"]
    # SWEMWBS metric differences are not exact in binary: 22.35 - 19.25 = 3.1000000000000014
    sw = pd.DataFrame({"client_id": ["a"], "m_baseline": [19.25], "m_follow_up": [22.35]})
    out = oc.change(sw, {"wellbeing": ("m", "swemwbs")}, definition="meaningful",
                    thresholds={"wellbeing": 22.35 - 19.25})
    assert out["status"].tolist() == ["improved"]
    assert out["status"].cat.ordered
    assert list(out["status"].cat.categories) == ["deteriorated", "no change", "improved"]


def test_missing_scores_are_kept_with_missing_status():
    paired = pd.DataFrame({"client_id": ["a", "b"], "pam_score_baseline": [50.0, np.nan],
                           "pam_score_follow_up": [55.0, 60.0]})
    out = oc.change(paired, "pam")
    assert len(out) == 2
    assert out["status"].isna().tolist() == [False, True]
    assert out["measure"].tolist() == ["pam", "pam"]


def test_several_definitions_stack_and_keep_columns():
    paired = pd.DataFrame({"client_id": ["a", "b"], "grp": ["x", "y"],
                           "swemwbs_metric_baseline": [17.0, 20.0],
                           "swemwbs_metric_follow_up": [21.0, 21.0]})
    out = oc.change(paired, {"wellbeing": "swemwbs"}, definition=DEFS, sd=3.0, keep=["grp"])
    assert out["definition"].tolist() == ["any", "any", "meaningful", "meaningful",
                                          "reliable", "reliable"]
    assert out["grp"].tolist() == ["x", "y"] * 3
    assert out["status"].tolist() == ["improved", "improved", "improved", "no change",
                                      "improved", "no change"]
    assert np.isnan(out["rci"].iloc[0]) and not np.isnan(out["rci"].iloc[4])


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(7, 35), st.integers(7, 35)), min_size=3, max_size=40),
       st.floats(0.5, 5.0), st.floats(0.5, 0.95), st.floats(0.05, 1.0))
def test_any_meaningful_reliable_nest(scores, sd, r, share):
    # with the meaningful threshold at or below the reliable one, every client improved
    # under a stricter definition is improved under the looser one
    reliable_t, _ = oc.reliable_change_threshold(sd, r)
    paired = pd.DataFrame({"client_id": range(len(scores)),
                           "ucla3_raw_baseline": [float(a) for a, _ in scores],
                           "ucla3_raw_follow_up": [float(b) for _, b in scores]})
    out = oc.change(paired, {"x": ("ucla3_raw", "ucla3")}, definition=DEFS, sd=sd,
                    reliability=r, thresholds=reliable_t * share)
    imp = (out["status"] == "improved").to_numpy().reshape(3, -1)
    assert (imp[0] >= imp[1]).all() and (imp[1] >= imp[2]).all()
    props = oc.improved_on_n(out).query("summary == 'at least'")["proportion"].tolist()
    assert props[0] >= props[1] >= props[2]


def test_bundled_stricter_definitions_shrink(scored, clients):
    clean = oc.pair_measurements(scored, date="assessment_date", duplicates="drop")
    referred = clients.loc[clients["group"] == "referred", "client_id"]
    paired = clean.paired[clean.paired["client_id"].isin(referred)]
    sw = oc.change(paired, {"wellbeing": "swemwbs"}, definition=DEFS, reliability=0.865,
                   thresholds={"wellbeing": 3})
    per = oc.improved_on_n(sw, policy="observed")
    per = per[per["summary"] == "measure"].set_index("definition")
    assert (per["N"] == 845).all()
    # data/README.md: any 54.1%, meaningful (>= 3 points) 30.1%, reliable 27.6%.  The
    # reliable figure is 234/845 = 27.7% with S1 = the SD of the baselines of these paired
    # clients (3.28-3.30, criterion 3.34-3.36); with S1 = 3.24 (all 1,365 baselines) the
    # criterion is 3.30 and 241/845 = 28.5% improve reliably.
    assert per["n"].tolist() == [457, 254, 234]
    assert per["proportion"].round(3).tolist() == [0.541, 0.301, 0.277]
    crit = oc.change_criteria(paired, {"wellbeing": "swemwbs"}, definition=DEFS,
                              reliability=0.865, thresholds={"wellbeing": 3}
                              ).set_index("definition")
    assert crit["threshold"].tolist() == sw.groupby("definition", observed=True)[
        "threshold"].first().tolist()
    s1 = paired["swemwbs_metric_baseline"].std()  # every baseline score of the paired clients
    assert crit.loc["reliable", "sd"] == pytest.approx(s1)
    assert crit.loc["reliable", "threshold"] == pytest.approx(
        1.96 * math.sqrt(2) * s1 * math.sqrt(1 - 0.865))
    all_sd = oc.change(paired, {"wellbeing": "swemwbs"}, definition="reliable", sd=3.24,
                       reliability=0.865)
    assert (all_sd["status"] == "improved").sum() == 241
    # all four measures with the registry MIDs / reliabilities where they exist
    four = oc.change(clean, MEASURES, definition=DEFS,
                     thresholds={"loneliness": 2, "inclusion": 2, "activation": 4},
                     reliability={"inclusion": 0.7, "activation": 0.85})
    four = four.merge(clients[["client_id", "group"]], on="client_id")
    at = oc.improved_on_n(four[four["group"] == "referred"]).query("summary == 'at least'")
    first = at[at["k"] == 1].set_index("definition")["proportion"]
    assert first["any"] > first["meaningful"] > first["reliable"]


def test_distribution_thresholds_half_sd_only_where_no_mid():
    paired = pd.DataFrame({
        "client_id": ["a", "b", "c", "d"],
        "pam_score_baseline": [40.0, 44.0, 48.0, 52.0],  # SD = sqrt(80/3) = 5.164
        "pam_score_follow_up": [41.0, 47.0, 48.0, 50.0],
        "swemwbs_metric_baseline": [18.0, 20.0, 22.0, 24.0],
        "swemwbs_metric_follow_up": [19.0, 20.0, 25.0, 24.0],
    })
    spec = {"activation": "pam", "wellbeing": "swemwbs"}
    out = oc.distribution_thresholds(paired, spec)
    assert list(out) == ["activation"]  # SWEMWBS has a published MID (2.87)
    assert out["activation"][0] == pytest.approx(0.5 * np.sqrt(80 / 3))
    assert "Norman" in out["activation"][1]
    both = oc.distribution_thresholds(paired, spec, fraction=1.0, missing_only=False)
    assert both["wellbeing"][0] == pytest.approx(np.sqrt(20 / 3))  # SD of 18, 20, 22, 24
    classified = oc.change(paired, spec, definition="meaningful", thresholds=out)
    act = classified[classified["measure"] == "activation"].set_index("client_id")["status"]
    # PAM changes +1, +3, 0, -2 against a threshold of 2.58: only b's +3 counts
    assert act.astype(str).tolist() == ["no change", "improved", "no change", "no change"]
    with pytest.raises(InvalidValueError, match="fraction"):
        oc.distribution_thresholds(paired, spec, fraction=0)


# ---------------------------------------------------------------------------------- errors
@pytest.mark.parametrize("kwargs, error, match", [
    ({"definition": "meaningful"}, InvalidValueError, r"thresholds=\{'activation'"),
    ({"definition": "reliable", "reliability": {"wellbeing": 0.9}}, InvalidValueError,
     r"reliability=\{'inclusion'"),
    ({"definition": "reliable", "sd": "norm", "reliability": 0.9}, InvalidValueError,
     "no norm SD"),
    ({"definition": "improved"}, InvalidValueError, "unknown change definition"),
    ({"thresholds": {"activaton": 3}}, InvalidValueError, "unknown measures"),
])
def test_missing_parameters_raise_named_errors(kwargs, error, match):
    paired = pd.DataFrame({"client_id": ["a", "b"], "pam_score_baseline": [50.0, 40.0],
                           "pam_score_follow_up": [55.0, 41.0], "swemwbs_metric_baseline":
                           [20.0, 21.0], "swemwbs_metric_follow_up": [22.0, 21.0],
                           "social_inclusion_baseline": [4, 5], "social_inclusion_follow_up": [5, 5]})
    measures = {"wellbeing": "swemwbs", "activation": "pam", "inclusion": "social_inclusion"}
    with pytest.raises(error, match=match):
        oc.change(paired, measures, **kwargs)


def test_input_errors_name_what_is_wrong():
    paired = pd.DataFrame({"client_id": ["a", "a"], "pam_score_baseline": [50.0, 40.0],
                           "pam_score_follow_up": [55.0, "x"]})
    with pytest.raises(DuplicateKeyError, match="client_id"):
        oc.change(paired, "pam")
    with pytest.raises(InvalidValueError, match="non-numeric value in column "
                                                "'pam_score_follow_up', row 1"):
        oc.change(paired.assign(client_id=["a", "b"]), "pam")
    with pytest.raises(MissingColumnError, match="ucla3_raw_baseline"):
        oc.change(paired, "ucla3")
    with pytest.raises(InvalidValueError, match="direction"):
        oc.change(paired.rename(columns=lambda c: c.replace("pam_score", "anxiety")),
                  {"anxiety": ("anxiety", define_mixed())})
    # the pairing and improved-on-N parts of this test: tests/outcomes/test_pairing.py and
    # test_summaries.py (test_*_input_errors_name_what_is_wrong)


def define_mixed():
    return oc.define_instrument("mood", ["anxiety", "calm"], 0, 10, "mixed",
                                item_directions=["lower_better", "higher_better"],
                                source="test").replace(items=("worry", "calm"))


# ----------------------------------------------- what a later step needs, explicitly
def test_change_takes_id_and_suffixes_as_arguments():
    default = pd.DataFrame({"client_id": ["a", "b"], "ucla3_raw_baseline": [7, 5],
                            "ucla3_raw_follow_up": [4, 6]})
    custom = default.rename(columns={"client_id": "person",
                                     "ucla3_raw_baseline": "ucla3_raw_t0",
                                     "ucla3_raw_follow_up": "ucla3_raw_t1"})
    expected = oc.change(default, {"loneliness": "ucla3"}, definition=DEFS, sd=1.5,
                         reliability=0.8, thresholds=2)
    got = oc.change(custom, {"loneliness": "ucla3"}, definition=DEFS, sd=1.5, reliability=0.8,
                    thresholds=2, id="person", suffixes=("_t0", "_t1"))
    pd.testing.assert_frame_equal(got.drop(columns="person"),
                                  expected.drop(columns="client_id"))
    assert got["person"].tolist() == ["a", "b"] * 3
    assert got.attrs == {} and expected.attrs == {}  # no state is left in attrs
    crit = oc.change_criteria(custom, {"loneliness": "ucla3"}, definition="reliable",
                              reliability=0.8, id="person", suffixes=("_t0", "_t1"))
    assert crit["sd"].item() == pytest.approx(np.std([7, 5], ddof=1))
    half_sd = oc.distribution_thresholds(custom, {"loneliness": "ucla3"}, id="person",
                                         suffixes=("_t0", "_t1"))
    assert half_sd["loneliness"][0] == pytest.approx(0.5 * np.std([7, 5], ddof=1))
    with pytest.raises(MissingColumnError, match="ucla3_raw_baseline"):
        oc.change(custom, {"loneliness": "ucla3"}, id="person")  # default suffixes
    with pytest.raises(InvalidValueError, match="suffixes"):
        oc.change(custom, {"loneliness": "ucla3"}, id="person", suffixes=("_t0",))


def test_a_pairing_carries_its_own_id_and_suffixes():
    long = pd.DataFrame({"person": ["a", "a", "b", "b"],
                         "time": ["baseline", "follow_up"] * 2, "ucla3_raw": [7, 4, 5, 6]})
    pairing = oc.pair_measurements(long, id="person", suffixes=("_t0", "_t1"))
    out = oc.change(pairing, {"loneliness": "ucla3"})
    assert out["person"].tolist() == ["a", "b"]
    assert out["improvement"].tolist() == [3.0, -1.0]
    same = oc.change(pairing, {"loneliness": "ucla3"}, id="person", suffixes=("_t0", "_t1"))
    pd.testing.assert_frame_equal(out, same)
    with pytest.raises(InvalidValueError, match="id differs from the Pairing's"):
        oc.change(pairing, {"loneliness": "ucla3"}, id="client_id")
    with pytest.raises(InvalidValueError, match="suffixes differs from the Pairing's"):
        oc.change_criteria(pairing, {"loneliness": "ucla3"}, suffixes=("_baseline", "_follow_up"))
    # the paired table merged with other data (pandas keeps no attrs) needs the arguments
    merged = pairing.paired.merge(pd.DataFrame({"person": ["a", "b"], "group": ["x", "y"]}))
    again = oc.change(merged, {"loneliness": "ucla3"}, id="person", suffixes=("_t0", "_t1"),
                      keep=["group"])
    pd.testing.assert_frame_equal(again.drop(columns="group"), out)
