"""Tests for the change analysis in wellbeing_lib.outcomes: pairing, change definitions,
improved-on-N, effect sizes, baseline vs norm, regression to the mean, subgroups, plots.

Hand-worked values are written out in the tests; the bundled-data checks use the counts
and figures documented in data/README.md.
"""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wellbeing_lib import outcomes as oc
from wellbeing_lib.datasets import load_dataset, social_prescribing_truth
from wellbeing_lib.errors import (
    DuplicateKeyError,
    InvalidValueError,
    MissingColumnError,
    UnmatchedRecordsError,
)

MEASURES = {"wellbeing": "swemwbs", "loneliness": "ucla3", "inclusion": "social_inclusion",
            "activation": "pam"}
SW = [f"swemwbs_{i}" for i in range(1, 8)]
UCLA = ["ucla_1", "ucla_2", "ucla_3"]


# ------------------------------------------------------------------------ fixtures
@pytest.fixture(scope="module")
def clients():
    return load_dataset("social_prescribing_clients")


@pytest.fixture(scope="module")
def scored():
    m = load_dataset("social_prescribing_measures")
    return m.join(oc.score(m, "swemwbs")[["swemwbs_metric"]]).join(
        oc.score(m, "ucla3")[["ucla3_raw"]])


@pytest.fixture(scope="module")
def pairs(scored):
    return oc.pair_measurements(scored, date="assessment_date")


@pytest.fixture(scope="module")
def changes(scored, clients):
    """Any-change rows, the 8 problem clients left out (as in data/README.md), with group."""
    clean = oc.pair_measurements(scored, date="assessment_date", duplicates="drop")
    return oc.change(clean, MEASURES, keep=None).merge(clients[["client_id", "group"]],
                                                       on="client_id")


def hand_long():
    """A long table with one client of each pairing problem."""
    rows = [
        ("ok", "baseline", "2017-01-01", 20), ("ok", "follow_up", "2017-07-01", 23),
        ("lost", "baseline", "2017-01-02", 18),
        ("orphan", "follow_up", "2017-07-03", 25),
        ("twice", "baseline", "2017-02-01", 19), ("twice", "baseline", "2017-01-15", 17),
        ("twice", "follow_up", "2017-08-01", 22),
        ("early", "baseline", "2017-03-01", 21), ("early", "follow_up", "2017-01-30", 24),
        ("undated", "baseline", None, 16), ("undated", "follow_up", "2017-09-01", 18),
    ]
    return pd.DataFrame(rows, columns=["client_id", "time", "date", "score"])


# ------------------------------------------------------------------ reliable change
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
    crit = pd.DataFrame(out.attrs["change"]["criteria"]).iloc[0]
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


DEFS = ["any", "meaningful", "reliable"]


# -------------------------------------------------------------------- improved on N
def status_table(statuses: dict) -> pd.DataFrame:
    rows = [(cid, f"m{j}", s) for cid, sts in statuses.items() for j, s in enumerate(sts)]
    return pd.DataFrame(rows, columns=["client_id", "measure", "status"])


HAND = {  # 3 measures; I = improved, N = no change, D = deteriorated, None = missing
    "a": ["improved", "improved", "improved"],
    "b": ["improved", "no change", "deteriorated"],
    "c": ["no change", "improved", "improved"],
    "d": ["deteriorated", "no change", "no change"],
    "e": ["improved", None, "improved"],
    "f": [None, None, "no change"],
}


def test_improved_on_n_hand_table_complete_cases():
    # complete cases: a, b, c, d (N = 4); improved on 3, 1, 2, 0 measures
    t = oc.improved_on_n(status_table(HAND))
    at = t[t["summary"] == "at least"]
    assert at["label"].tolist() == ["≥1 of 3", "≥2 of 3", "all 3"]
    assert at["n"].tolist() == [3, 2, 1] and at["N"].tolist() == [4, 4, 4]
    assert at["proportion"].tolist() == [0.75, 0.5, 0.25]
    ex = t[t["summary"] == "exactly"]
    assert ex["k"].tolist() == [0, 1, 2, 3] and ex["n"].tolist() == [1, 1, 1, 1]
    per = t[t["summary"] == "measure"]
    assert per["measure"].tolist() == ["m0", "m1", "m2"]
    assert per["n"].tolist() == [2, 2, 2] and per["N"].tolist() == [4, 4, 4]
    assert (t["denominator"] == "clients with all 3 measures at both times").all()


def test_improved_on_n_hand_table_observed_policy():
    # observed measures per client: a3 b3 c3 d3 e2 f1; improved: a3 b1 c2 d0 e2 f0
    t = oc.improved_on_n(status_table(HAND), policy="observed")
    at = t[t["summary"] == "at least"]
    assert at["n"].tolist() == [4, 3, 1]  # >=1: a b c e; >=2: a c e; 3: a
    assert at["N"].tolist() == [6, 5, 4]  # clients with >=1, >=2, >=3 measures observed
    assert at["denominator"].tolist()[1] == "clients with ≥2 of 3 measures observed"
    ex = t[t["summary"] == "exactly"]
    assert ex["n"].tolist() == [2, 1, 2, 1] and (ex["N"] == 6).all()
    per = t[t["summary"] == "measure"]
    assert per["n"].tolist() == [3, 2, 3]  # m0: a b e; m1: a c; m2: a c e
    assert per["N"].tolist() == [5, 4, 6]


def test_improved_on_n_by_group_and_definition():
    t = status_table(HAND).assign(definition="any", team=lambda d: np.where(
        d["client_id"].isin(["a", "b"]), "x", "y"))
    out = oc.improved_on_n(t, by="team")
    first = out[(out["summary"] == "at least") & (out["k"] == 1)]
    assert first["team"].tolist() == ["x", "y"]
    assert first["n"].tolist() == [2, 1] and first["N"].tolist() == [2, 2]
    assert (out["definition"] == "any").all()


def test_wilson_intervals_match_statsmodels():
    from statsmodels.stats.proportion import proportion_confint

    t = oc.improved_on_n(status_table(HAND))
    low, high = proportion_confint(t["n"], t["N"], alpha=0.05, method="wilson")
    assert t["ci_low"].to_numpy() == pytest.approx(np.asarray(low))
    assert t["ci_high"].to_numpy() == pytest.approx(np.asarray(high))
    lo, hi = proportion_confint(705, 829, method="wilson")
    assert (lo, hi) == pytest.approx((0.824530, 0.873082), abs=1e-6)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["improved", "no change", "deteriorated", None]),
                         min_size=4, max_size=4), min_size=1, max_size=25),
       st.randoms(use_true_random=False), st.sampled_from(["complete", "observed"]))
def test_shuffling_and_relabelling_clients_changes_nothing(rows, rnd, policy):
    table = status_table({f"c{i}": r for i, r in enumerate(rows)})
    before = oc.improved_on_n(table, policy=policy, measures=["m0", "m1", "m2", "m3"])
    new_ids = {f"c{i}": f"z{j}" for i, j in enumerate(rnd.sample(range(1000), len(rows)))}
    shuffled = table.assign(client_id=table["client_id"].map(new_ids)).sample(
        frac=1, random_state=rnd.randrange(2**31))
    after = oc.improved_on_n(shuffled, policy=policy, measures=["m0", "m1", "m2", "m3"])
    pd.testing.assert_frame_equal(before, after)


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=1, max_value=6), st.data())
def test_client_improved_on_k_counts_in_at_least_1_to_k_only(m, data):
    statuses = data.draw(st.lists(st.sampled_from(["improved", "no change", "deteriorated"]),
                                  min_size=m, max_size=m))
    k = statuses.count("improved")
    out = oc.improved_on_n(status_table({"only": statuses}))
    at = out[out["summary"] == "at least"]
    assert at["n"].tolist() == [1] * k + [0] * (m - k)
    ex = out[out["summary"] == "exactly"]
    assert ex.loc[ex["n"] == 1, "k"].tolist() == [k]


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


# ------------------------------------------------------------------------- pairing
def test_pairing_reports_each_problem_on_a_hand_made_table():
    p = oc.pair_measurements(hand_long(), date="date")
    assert p.paired["client_id"].tolist() == ["ok", "twice", "undated"]
    twice = p.paired.set_index("client_id").loc["twice"]
    assert (twice["score_baseline"], twice["date_baseline"]) == (17, "2017-01-15")  # earliest
    probs = p.problems.set_index("problem")["client_id"]
    assert probs["no follow-up"] == "lost"
    assert probs["follow-up without baseline"] == "orphan"
    assert probs["duplicated records"] == "twice"
    assert probs["follow-up before baseline"] == "early"
    assert probs["missing date"] == "undated"
    detail = p.problems.set_index("problem")["detail"]
    assert detail["duplicated records"] == "2 baseline records (differ in: date, score)"
    assert detail["follow-up before baseline"] == (
        "follow-up dated 2017-01-30 is 30 days before the baseline dated 2017-03-01")
    assert detail["missing date"] == "baseline date missing"
    summary = p.summary().set_index("item")["n_clients"]
    assert summary.to_dict() == {
        "clients in the data": 6, "paired (baseline and follow-up)": 3, "no follow-up": 1,
        "follow-up without baseline": 1, "duplicated records": 1,
        "follow-up before baseline": 1, "missing date": 1}
    assert p.ids("follow-up before baseline") == ["early"]
    assert "3 clients paired of 6" in repr(p)


def test_duplicate_rules_are_explicit():
    long = hand_long()
    last = oc.pair_measurements(long, date="date", duplicates="last")
    assert last.paired.set_index("client_id").loc["twice", "score_baseline"] == 19
    drop = oc.pair_measurements(long, date="date", duplicates="drop")
    assert "twice" not in set(drop.paired["client_id"])
    assert drop.ids("duplicated records") == ["twice"]
    undated = oc.pair_measurements(long)  # no dates: first in file order
    assert undated.paired.set_index("client_id").loc["twice", "score_baseline"] == 19
    assert "early" in set(undated.paired["client_id"])  # order cannot be checked
    assert undated.summary().set_index("item").loc["follow-up before baseline", "action"] == (
        "not checked: pass date= to check")
    with pytest.raises(DuplicateKeyError, match="twice"):
        oc.pair_measurements(long, duplicates="raise")
    assert long["score"].tolist()[4:6] == [19, 17]  # the caller's frame is untouched


def test_pair_wide_matches_the_long_checks():
    wide = pd.DataFrame({
        "client_id": ["ok", "lost", "orphan", "early", "twice", "twice"],
        "group": ["r", "r", "c", "c", "r", "r"],
        "score_baseline": [20, 18, np.nan, 21, 19, 17],
        "score_follow_up": [23, np.nan, 25, 24, 22, 23],
        "date_baseline": ["2017-01-01", "2017-01-02", None, "2017-03-01", "2017-02-01",
                          "2017-01-15"],
        "date_follow_up": ["2017-07-01", None, "2017-07-03", "2017-01-30", "2017-08-01",
                           "2017-07-01"],
    })
    p = oc.pair_wide(wide, date="date")
    assert p.paired["client_id"].tolist() == ["ok", "twice"]
    assert p.paired.set_index("client_id").loc["twice", "score_follow_up"] == 23  # earliest row
    assert list(p.paired.columns) == ["client_id", "score_baseline", "score_follow_up",
                                      "date_baseline", "date_follow_up", "group"]
    got = p.problems.set_index("client_id")["problem"].astype(str).to_dict()
    assert got == {"lost": "no follow-up", "orphan": "follow-up without baseline",
                   "twice": "duplicated records", "early": "follow-up before baseline"}
    assert p.n_clients == 5


def test_pairing_bundled_data_matches_readme(pairs, clients):
    summary = pairs.summary().set_index("item")["n_clients"]
    assert summary["no follow-up"] == 480 + 132  # referred + comparison lost to follow-up
    assert summary["follow-up without baseline"] == 3
    assert summary["duplicated records"] == 3
    assert summary["follow-up before baseline"] == 2
    assert summary["missing date"] == 0
    assert summary["clients in the data"] == 2100
    assert summary["paired (baseline and follow-up)"] == 1020 - 3 - 2 + 468
    lost = pairs.problems.loc[pairs.problems["problem"] == "no follow-up", ["client_id"]]
    by_group = lost.merge(clients, on="client_id")["group"].value_counts()
    assert by_group.to_dict() == {"referred": 480, "comparison": 132}
    flagged = set(pairs.ids("follow-up without baseline", "duplicated records",
                            "follow-up before baseline"))
    assert len(flagged) == 8
    assert set(clients.loc[clients["client_id"].isin(flagged), "group"]) == {"referred"}
    early = pairs.problems[pairs.problems["problem"] == "follow-up before baseline"]
    days = early["detail"].str.extract(r"is (\d+) days")[0].astype(int)
    assert days.between(20, 89).all()  # "20-89 days before" in the README


# ------------------------------------------------------------- bundled data figures
def test_bundled_any_change_reproduces_85_54_15(changes):
    t = oc.improved_on_n(changes[changes["group"] == "referred"])
    at = t[t["summary"] == "at least"].set_index("k")
    assert at["n"].tolist() == [705, 447, 314, 124] and (at["N"] == 829).all()
    assert at["proportion"].round(2).tolist() == [0.85, 0.54, 0.38, 0.15]
    per = t[t["summary"] == "measure"].set_index("measure")["n"]
    assert per.to_dict() == {"wellbeing": 447, "loneliness": 381, "inclusion": 389,
                             "activation": 373}


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
    crit = pd.DataFrame(sw.attrs["change"]["criteria"]).set_index("definition")
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


def test_bundled_difference_in_differences_is_near_the_truth(changes):
    truth = social_prescribing_truth().set_index("measure")
    did = oc.difference_in_differences(changes, measures="wellbeing",
                                       rtm_mean={"wellbeing": 23.4},
                                       rtm_reliability={"wellbeing": 0.83})
    rows = did.set_index("estimate")
    uncontrolled = rows.loc["before-after change, referred (uncontrolled)"]
    assert uncontrolled["n"] == truth.loc["SWEMWBS metric", "n_referred"] == 845
    assert uncontrolled["value"] == pytest.approx(truth.loc["SWEMWBS metric",
                                                            "change_referred"])
    assert rows.loc["before-after change, comparison", "value"] == pytest.approx(0.67, abs=0.01)
    est = rows.loc["difference-in-differences"]
    assert est["value"] == pytest.approx(1.45, abs=0.01)  # README: +1.45 (SE 0.21)
    assert est["se"] == pytest.approx(0.21, abs=0.01)
    true = truth.loc["SWEMWBS metric", "true_effect"]
    assert abs(est["value"] - true) < 2 * est["se"]
    assert est["ci_low"] < true < est["ci_high"]
    assert uncontrolled["value"] - true > 0.3  # the uncontrolled figure overstates
    rtm = rows.loc["expected change from regression to the mean, referred"]
    assert rtm["value"] > 0 and "r = 0.83" in rtm["method"]


def test_bundled_baseline_seven_wemwbs_points_below_norm(scored, clients):
    base = scored[scored["time"] == "baseline"].drop_duplicates().merge(
        clients[["client_id", "group", "sex"]])
    t = oc.baseline_vs_norm(base[base["group"] == "referred"], value="swemwbs_metric")
    metric, wemwbs = t.iloc[0], t.iloc[1]
    assert metric["n"] == 1365 and metric["mean"] == pytest.approx(20.01, abs=0.005)
    assert metric["sd"] == pytest.approx(3.24, abs=0.005)
    assert metric["ci_low"] < metric["difference"] < metric["ci_high"] < 0
    assert wemwbs["difference"] == pytest.approx(2 * metric["difference"])
    assert wemwbs["difference"] == pytest.approx(-7, abs=0.5)  # "7 points below"
    assert "× 2" in wemwbs["conversion"] and metric["conversion"] == "none"


# --------------------------------------------------------------- effects and tests
def test_paired_effects_against_a_hand_computation():
    # differences 4, 3, 0, 6, -1, 5: mean 17/6 = 2.8333, SD 2.7869 -> d_z = 1.0167
    # SD baseline 7.1181, SD follow-up 8.1343 -> s_av = 7.6262, d_av = 0.37153
    # J(5) = Gamma(2.5) / (sqrt(2.5) Gamma(2)) = 1.32934 / 1.58114 = 0.84075 -> g_av = 0.31236
    paired = pd.DataFrame({"client_id": list("abcdef"),
                           "pam_score_baseline": [40.0, 50, 45, 60, 55, 52],
                           "pam_score_follow_up": [44.0, 53, 45, 66, 54, 57]})
    e = oc.paired_effects(paired, measures={"activation": "pam"}).iloc[0]
    assert e["n"] == 6 and e["mean_change"] == pytest.approx(17 / 6)
    assert e["d_z"] == pytest.approx(1.0167, abs=1e-4)
    assert e["g_av"] == pytest.approx(0.31236, abs=1e-5)
    assert e["t"] == pytest.approx(1.0167 * math.sqrt(6), abs=1e-3)
    from scipy import stats as sps

    assert e["p_t"] == pytest.approx(sps.ttest_rel(paired.iloc[:, 2], paired.iloc[:, 1]).pvalue)
    assert e["n_zero"] == 1  # one zero difference, dropped by Wilcoxon
    assert e["p_wilcoxon"] == pytest.approx(sps.wilcoxon([4, 3, 6, -1, 5]).pvalue)
    # the d_z limits invert the noncentral t: P(T <= t | ncp = lower * sqrt(n)) = 0.975
    for limit, target in ((e["d_z_ci_low"], 0.975), (e["d_z_ci_high"], 0.025)):
        assert sps.nct.cdf(e["t"], 5, limit * math.sqrt(6)) == pytest.approx(target, abs=1e-7)
    # g_av limits: the same noncentrality limits rescaled by J s_D / (s_av sqrt(n))
    scale = 0.84075 * 2.7869 / (7.6262 * math.sqrt(6))
    assert e["g_av_ci_low"] == pytest.approx(e["d_z_ci_low"] * math.sqrt(6) * scale, rel=1e-3)
    # mean change t interval: 2.8333 +- t(0.975, 5) * 2.7869 / sqrt(6)
    half = sps.t.ppf(0.975, 5) * 2.7869 / math.sqrt(6)
    assert (e["change_ci_low"], e["change_ci_high"]) == pytest.approx(
        (17 / 6 - half, 17 / 6 + half), abs=1e-3)


def test_paired_effects_are_direction_adjusted():
    paired = pd.DataFrame({"client_id": list("abcd"), "ucla3_raw_baseline": [8.0, 7, 9, 6],
                           "ucla3_raw_follow_up": [6.0, 6, 7, 6]})
    e = oc.paired_effects(oc.change(paired, {"loneliness": "ucla3"})).iloc[0]
    assert e["mean_change"] == pytest.approx(-1.25)  # raw points: loneliness fell
    assert e["d_z"] > 0 and e["t"] > 0  # + = better
    assert e["direction"] == "lower_better"


# ---------------------------------------------------------------- regression biases
def test_expected_regression_formula():
    # (1 - r)(mu - x1) with mu = 23.5, r = 0.8: 0.2 * (23.5 - 18) = 1.1; 0.2 * (23.5 - 25) = -0.3
    out = oc.expected_regression(pd.Series([18.0, 25.0, np.nan], index=["a", "b", "c"]),
                                 mean=23.5, reliability=0.8)
    assert out.name == "expected_regression" and list(out.index) == ["a", "b", "c"]
    assert out.iloc[:2].tolist() == pytest.approx([1.1, -0.3])
    assert np.isnan(out["c"])
    assert oc.expected_regression(20.0, mean=20.0, reliability=0.5) == 0.0
    with pytest.raises(InvalidValueError, match="reliability"):
        oc.expected_regression([18.0], mean=23.5, reliability=1.2)


def did_table():
    # referred changes 3, 3, 2, 4 (mean 3, SD 0.8165); comparison 1, 0, 1, 1 (mean 0.75, SD 0.5)
    return pd.DataFrame({
        "client_id": range(8), "measure": "w",
        "baseline": [18.0, 20, 19, 21, 19, 20, 18, 21],
        "follow_up": [21.0, 23, 21, 25, 20, 20, 19, 22],
        "practice": ["A", "B", "A", "B", "A", "B", "A", "B"],
        "group": ["referred"] * 4 + ["comparison"] * 4})


def test_difference_in_differences_hand_made_two_groups():
    rows = oc.difference_in_differences(did_table()).set_index("estimate")
    assert rows.loc["before-after change, referred (uncontrolled)", "value"] == 3.0
    assert rows.loc["before-after change, comparison", "value"] == 0.75
    did = rows.loc["difference-in-differences"]
    assert did["value"] == pytest.approx(2.25)
    # HC3 with one binary regressor: SE^2 = s_1^2/(n_1 - 1) + s_0^2/(n_0 - 1)
    #                                    = 0.6667/3 + 0.25/3 = 0.30556
    assert did["se"] == pytest.approx(math.sqrt(0.6667 / 3 + 0.25 / 3), abs=1e-4)
    # ANCOVA: least squares of change on [1, referred, centred baseline]
    t = did_table()
    x = np.column_stack([np.ones(8), (t["group"] == "referred"), t["baseline"] - 19.5])
    coef = np.linalg.lstsq(x, t["follow_up"] - t["baseline"], rcond=None)[0]
    assert rows.loc["difference-in-differences, adjusted for baseline (ANCOVA)",
                    "value"] == pytest.approx(coef[1])
    rtm = rows.loc["expected change from regression to the mean, referred"]
    assert np.isnan(rtm["value"]) and "pass rtm_mean=" in rtm["method"]
    clustered = oc.difference_in_differences(did_table(), cov_type="cluster",
                                             cluster="practice").set_index("estimate")
    assert clustered.loc["difference-in-differences", "value"] == pytest.approx(2.25)
    assert "cluster-robust SE by practice" in clustered.loc["difference-in-differences",
                                                            "method"]


def test_difference_in_differences_takes_groups_from_a_clients_table():
    t = did_table()
    people = t[["client_id", "group"]]
    out = oc.difference_in_differences(t.drop(columns="group"), clients=people,
                                       adjust_baseline=False)
    assert out["value"].iloc[2] == pytest.approx(2.25)
    with pytest.raises(UnmatchedRecordsError, match="7"):
        oc.difference_in_differences(t.drop(columns="group"), clients=people.iloc[:7])
    with pytest.raises(InvalidValueError, match="value not allowed"):
        oc.difference_in_differences(t.assign(group=["referred"] * 4 + ["other"] * 4))


# -------------------------------------------------------------- subgroups, norms
def test_subgroup_summary_suppresses_small_counts_and_derived_values():
    t = pd.DataFrame({"client_id": range(40), "measure": "w",
                      "status": (["improved"] * 3 + ["no change"]) * 10,
                      "change": np.arange(40, dtype=float),
                      "sex": ["Female"] * 34 + ["Male"] * 6})
    out = oc.subgroup_summary(t, by="sex")
    female = out[out["group"] == "Female"].iloc[0]
    assert (female["n"], female["N"]) == (25, 35)  # 26 of 34 improved, rounded to 5
    assert female["proportion"] == pytest.approx(26 / 34)  # from the unrounded counts
    male = out[out["group"] == "Male"].iloc[0]  # 4 of 6: both counts withheld
    assert pd.isna(male["n"]) and pd.isna(male["N"])
    assert pd.isna(male["proportion"]) and pd.isna(male["ci_low"]) and pd.isna(male["ci_high"])
    assert out["subgroup"].tolist()[0] == "all"
    raw = oc.subgroup_summary(t, by="sex", suppress=False)
    assert raw.loc[raw["group"] == "Male", "n"].item() == 4
    means = oc.subgroup_summary(t, by="sex", statistic="mean_change")
    assert pd.isna(means.loc[means["group"] == "Male", "mean_change"]).all()
    assert means.loc[means["group"] == "Female", "mean_change"].item() == pytest.approx(16.5)


def test_subgroup_summary_on_bundled_data_hides_small_ethnic_groups(changes, clients):
    referred = changes[changes["group"] == "referred"]
    out = oc.subgroup_summary(referred, by="ethnicity", clients=clients, at_least=1)
    black = out[out["group"] == "Black/African/Caribbean/Black British"].iloc[0]
    assert pd.isna(black["n"]) and pd.isna(black["proportion"])
    assert out.iloc[0]["group"] == "All clients" and out.iloc[0]["N"] == 830  # 829 -> 830


def test_baseline_vs_norm_hand_example():
    # mean of 19.25, 20.73, 17.43, 22.35 = 19.94; norm 0.75 * 23.2 + 0.25 * 23.7 = 23.325
    # SD 2.0983, SE 1.0491, t(0.975, 3) = 3.1824: difference -3.385 +- 3.339
    people = pd.DataFrame({"sex": ["Female"] * 3 + ["Male"],
                           "swemwbs_metric": [19.25, 20.73, 17.43, 22.35]})
    row = oc.baseline_vs_norm(people, value="swemwbs_metric").iloc[0]
    assert row["norm"] == pytest.approx(23.325)
    assert row["difference"] == pytest.approx(19.94 - 23.325)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((-6.724, -0.046), abs=1e-3)
    assert "75% women" in row["norm_source"]
    own = oc.baseline_vs_norm(people, value="swemwbs_metric", norm=25.0, sex=None).iloc[0]
    assert own["difference"] == pytest.approx(-5.06) and own["norm_source"] == "user-supplied"


# ------------------------------------------------------------------ fast array path
def test_score_array_matches_score_on_bundled_data(scored):
    for inst, cols, out in (("swemwbs", SW, "swemwbs_metric"), ("ucla3", UCLA, "ucla3_raw")):
        items = scored[cols].to_numpy(dtype=float, na_value=np.nan)
        np.testing.assert_array_equal(oc.score_array(items, inst), scored[out].to_numpy())
    prorated = oc.score(scored, "swemwbs", missing="prorate")["swemwbs_metric"].to_numpy()
    items = scored[SW].to_numpy(dtype=float, na_value=np.nan)
    np.testing.assert_array_equal(oc.score_array(items, "swemwbs", missing="prorate"), prorated)


def test_score_array_names_bad_answers():
    with pytest.raises(InvalidValueError, match=r"out of range in column 'ucla_2', row 1"):
        oc.score_array(np.array([[1, 2, 3], [1, 4, 3]]), "ucla3")
    with pytest.raises(InvalidValueError, match="not a whole number"):
        oc.score_array(np.array([[1, 2.5, 3]]), "ucla3")
    with pytest.raises(InvalidValueError, match="shape"):
        oc.score_array(np.ones((2, 4)), "ucla3")


# --------------------------------------------------------------------------- errors
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
    long = hand_long()
    with pytest.raises(InvalidValueError, match="value not allowed in column 'time'"):
        oc.pair_measurements(long.assign(time=long["time"].replace("follow_up", "6 months")))
    with pytest.raises(InvalidValueError, match="unreadable date"):
        oc.pair_measurements(long.assign(date="14/10/2017"), date="date")
    with pytest.raises(InvalidValueError, match="missing client id"):
        oc.pair_measurements(long.assign(client_id=[None] + list(long["client_id"][1:])))
    with pytest.raises(MissingColumnError, match="no paired columns"):
        oc.pair_wide(pd.DataFrame({"client_id": ["a"], "score": [1]}))
    with pytest.raises(InvalidValueError, match="value not allowed in column 'status'"):
        oc.improved_on_n(status_table({"a": ["better"]}))
    with pytest.raises(DuplicateKeyError):
        oc.improved_on_n(status_table({"a": ["improved"]}).pipe(lambda d: pd.concat([d, d])))


def define_mixed():
    return oc.define_instrument("mood", ["anxiety", "calm"], 0, 10, "mixed",
                                item_directions=["lower_better", "higher_better"],
                                source="test").replace(items=("worry", "calm"))


# ---------------------------------------------------------------------------- plots
def test_outcome_plots_return_labelled_axes(changes, scored, clients):
    import matplotlib.pyplot as plt

    from wellbeing_lib import plots

    referred = changes[changes["group"] == "referred"]
    ax = plots.plot_improved_on_n(oc.improved_on_n(referred))
    assert ax.get_title() == "Clients improved on at least k of 4 measures (N = 829)"
    assert ax.get_ylabel() == "% of clients (95% Wilson CI)"
    assert [t.get_text() for t in ax.texts] == ["85%", "54%", "38%", "15%"]

    ax = plots.plot_paired(referred, measure="wellbeing", sample=20, seed=1)
    assert ax.get_title() == "wellbeing before and after (n = 845)"
    assert ax.get_ylabel() == "wellbeing score (points)"
    assert len(ax.get_lines()) >= 20  # the sampled clients
    with pytest.raises(InvalidValueError, match="choose one measure"):
        plots.plot_paired(referred)

    table = oc.subgroup_summary(referred, by="sex", clients=clients, statistic="mean_change",
                                measures="wellbeing")
    from wellbeing_lib.reporting.charts import plot_forest

    ax = plot_forest(table)
    assert ax.get_title() == "Mean change by subgroup"
    assert ax.get_xlabel() == "mean_change (95% CI)"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["All clients", "sex: Female",
                                                             "sex: Male"]
    base = scored[scored["time"] == "baseline"].drop_duplicates().merge(clients)
    ax = plots.plot_baseline_vs_norm(oc.baseline_vs_norm(base, value="swemwbs_metric",
                                                         by="group"))
    assert ax.get_title() == "Baseline compared with the population norm"
    assert ax.get_xlabel() == "SWEMWBS metric (mean and 95% CI)"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["comparison", "referred"]
    plt.close("all")


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
