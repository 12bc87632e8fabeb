"""Change definitions, criteria and thresholds (outcomes/change.py)."""

from __future__ import annotations

import math

import narwhals as nw
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.backends import BACKENDS, FAST_BACKENDS, collect, same_kind, to_backend
from tests.outcomes.helpers import DEFS, MEASURES
from wellbeing_lib import outcomes as oc
from wellbeing_lib.errors import DuplicateKeyError, InvalidValueError, MissingColumnError


# The behaviour tests of change, change_criteria and distribution_thresholds run on every
# backend (tests/backends.py): the input is converted from the same pandas table; the
# change table is row-level (the caller's backend, collected here sorted by definition and
# client, as pandas orders it), the criteria and thresholds are small (pandas / a dict).
def change_on(backend, paired, measures, **kwargs) -> pd.DataFrame:
    """``oc.change`` on ``paired`` in ``backend``, as pandas in pandas' order of the rows
    (definition, then measure, then the order of the clients in ``paired``)."""
    data = to_backend(paired, backend)
    out = oc.change(data, measures, **kwargs)
    assert same_kind(out, data)  # row-level: the caller's backend, lazily for a lazy one
    return order_like(collect(out), paired, kwargs.get("id", "client_id"), measures)


def order_like(out: pd.DataFrame, paired: pd.DataFrame, id: str, measures) -> pd.DataFrame:
    """The change rows in pandas' order: by definition (as given), measure (as given),
    then client (as in ``paired``)."""
    def rank(values):
        return {v: i for i, v in enumerate(dict.fromkeys(values))}
    names = [measures] if isinstance(measures, str) else list(measures)
    clients = rank(paired[id])
    keys = pd.DataFrame({"d": out["definition"].astype(str).map(rank(DEFS)),
                         "m": out["measure"].astype(str).map(rank(names)),
                         "c": out[id].map(clients)})
    return out.loc[keys.sort_values(["d", "m", "c"], kind="stable").index].reset_index(
        drop=True)


# ------------------------------------------------------------------------- reliable change
@pytest.mark.parametrize("backend", BACKENDS)
def test_reliable_change_index_hand_worked_example(backend):
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
    out = change_on(backend, paired, {"wellbeing": "swemwbs"}, definition="reliable",
                    sd=3.24, reliability=(0.865, "alpha in our sample"))
    assert out["rci"].to_numpy() == pytest.approx([1.8413, 2.4413, -2.4531], abs=1e-4)
    assert out["status"].tolist() == ["no change", "improved", "deteriorated"]
    assert out["threshold"].to_numpy() == pytest.approx([3.2997647] * 3)
    crit = oc.change_criteria(to_backend(paired, backend), {"wellbeing": "swemwbs"},
                              definition="reliable", sd=3.24,
                              reliability=(0.865, "alpha in our sample")).iloc[0]
    assert crit["threshold"] == out["threshold"].iloc[0]  # the rule change() applied
    assert crit["sd_source"] == "user-supplied"
    assert crit["reliability_source"] == "alpha in our sample"
    assert crit["rule"] == "improvement > 3.30 (|RC| > 1.96; S_diff 1.68)"


@pytest.mark.parametrize("backend", BACKENDS)
def test_reliable_change_defaults_come_from_registry_and_data(backend):
    paired = pd.DataFrame({"client_id": ["a", "b", "c"],
                           "swemwbs_metric_baseline": [17.43, 19.25, 23.21],
                           "swemwbs_metric_follow_up": [19.98, 23.21, 22.35]})
    crit = oc.change_criteria(to_backend(paired, backend), {"wellbeing": "swemwbs"},
                              definition="reliable").iloc[0]
    sd = np.std([17.43, 19.25, 23.21], ddof=1)  # 2.9552
    assert crit["sd"] == pytest.approx(sd, abs=1e-12)
    assert crit["reliability"] == 0.89  # SWEMWBS alpha in the registry
    assert "Vaingankar" in crit["reliability_source"]
    assert crit["threshold"] == pytest.approx(1.96 * math.sqrt(2) * sd * math.sqrt(0.11),
                                              abs=1e-12)


@pytest.mark.parametrize("backend", BACKENDS)
def test_definitions_at_their_boundaries_and_direction(backend):
    # UCLA-3 (lower = less lonely): 7 -> 4 improves by 3; 6 -> 6 no change; 5 -> 6 worse by 1
    paired = pd.DataFrame({"client_id": list("abcd"),
                           "ucla3_raw_baseline": [7, 6, 5, 8], "ucla3_raw_follow_up": [4, 6, 6, 6]})
    anyc = change_on(backend, paired, {"loneliness": "ucla3"})
    assert anyc["improvement"].tolist() == [3.0, 0.0, -1.0, 2.0]
    assert anyc["status"].tolist() == ["improved", "no change", "deteriorated", "improved"]
    # meaningful: a change of exactly the threshold counts (>=), one point less does not
    mean = change_on(backend, paired, {"loneliness": "ucla3"}, definition="meaningful",
                     thresholds={"loneliness": 2})
    assert mean["status"].tolist() == ["improved", "no change", "no change", "improved"]
    # SWEMWBS metric differences are not exact in binary: 22.35 - 19.25 = 3.1000000000000014
    sw = pd.DataFrame({"client_id": ["a"], "m_baseline": [19.25], "m_follow_up": [22.35]})
    out = change_on(backend, sw, {"wellbeing": ("m", "swemwbs")}, definition="meaningful",
                    thresholds={"wellbeing": 22.35 - 19.25})
    assert out["status"].tolist() == ["improved"]
    if backend != "pandas":
        return  # the categorical status below is pandas' (other backends: text)
    assert out["status"].cat.ordered
    assert list(out["status"].cat.categories) == ["deteriorated", "no change", "improved"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_missing_scores_are_kept_with_missing_status(backend):
    paired = pd.DataFrame({"client_id": ["a", "b"], "pam_score_baseline": [50.0, np.nan],
                           "pam_score_follow_up": [55.0, 60.0]})
    out = change_on(backend, paired, "pam")
    assert len(out) == 2
    assert out["status"].isna().tolist() == [False, True]
    assert out["measure"].tolist() == ["pam", "pam"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_several_definitions_stack_and_keep_columns(backend):
    paired = pd.DataFrame({"client_id": ["a", "b"], "grp": ["x", "y"],
                           "swemwbs_metric_baseline": [17.0, 20.0],
                           "swemwbs_metric_follow_up": [21.0, 21.0]})
    out = change_on(backend, paired, {"wellbeing": "swemwbs"}, definition=DEFS, sd=3.0,
                    keep=["grp"])
    assert out["definition"].astype(str).tolist() == ["any", "any", "meaningful",
                                                      "meaningful", "reliable", "reliable"]
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


@pytest.mark.parametrize("backend", FAST_BACKENDS)
def test_bundled_stricter_definitions_shrink(scored, clients, backend):
    clean = oc.pair_measurements(scored, date="assessment_date", duplicates="drop")
    referred = clients.loc[clients["group"] == "referred", "client_id"]
    paired = clean.paired[clean.paired["client_id"].isin(referred)]
    data = to_backend(paired, backend)
    sw = oc.change(data, {"wellbeing": "swemwbs"}, definition=DEFS, reliability=0.865,
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
    crit = oc.change_criteria(data, {"wellbeing": "swemwbs"}, definition=DEFS,
                              reliability=0.865, thresholds={"wellbeing": 3}
                              ).set_index("definition")
    assert crit["threshold"].tolist() == collect(sw).groupby("definition", observed=True)[
        "threshold"].first().tolist()
    s1 = paired["swemwbs_metric_baseline"].std()  # every baseline score of the paired clients
    assert crit.loc["reliable", "sd"] == pytest.approx(s1, abs=1e-12)
    assert crit.loc["reliable", "threshold"] == pytest.approx(
        1.96 * math.sqrt(2) * s1 * math.sqrt(1 - 0.865), abs=1e-12)
    all_sd = collect(oc.change(data, {"wellbeing": "swemwbs"}, definition="reliable",
                               sd=3.24, reliability=0.865))
    assert (all_sd["status"] == "improved").sum() == 241
    # all four measures with the registry MIDs / reliabilities where they exist (the SDs
    # from both groups, the proportions of the referred clients)
    grouped = clean.paired.merge(clients[["client_id", "group"]], on="client_id")
    four = oc.change(to_backend(grouped, backend), MEASURES, definition=DEFS,
                     thresholds={"loneliness": 2, "inclusion": 2, "activation": 4},
                     reliability={"inclusion": 0.7, "activation": 0.85}, keep=["group"])
    four = nw.from_native(four).filter(nw.col("group") == "referred").to_native()
    at = oc.improved_on_n(four).query("summary == 'at least'")
    first = at[at["k"] == 1].set_index("definition")["proportion"]
    assert first["any"] > first["meaningful"] > first["reliable"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_distribution_thresholds_half_sd_only_where_no_mid(backend):
    paired = pd.DataFrame({
        "client_id": ["a", "b", "c", "d"],
        "pam_score_baseline": [40.0, 44.0, 48.0, 52.0],  # SD = sqrt(80/3) = 5.164
        "pam_score_follow_up": [41.0, 47.0, 48.0, 50.0],
        "swemwbs_metric_baseline": [18.0, 20.0, 22.0, 24.0],
        "swemwbs_metric_follow_up": [19.0, 20.0, 25.0, 24.0],
    })
    spec = {"activation": "pam", "wellbeing": "swemwbs"}
    data = to_backend(paired, backend)
    out = oc.distribution_thresholds(data, spec)
    assert list(out) == ["activation"]  # SWEMWBS has a published MID (2.87)
    assert out["activation"][0] == pytest.approx(0.5 * np.sqrt(80 / 3), abs=1e-12)
    assert "Norman" in out["activation"][1]
    both = oc.distribution_thresholds(data, spec, fraction=1.0, missing_only=False)
    assert both["wellbeing"][0] == pytest.approx(np.sqrt(20 / 3), abs=1e-12)  # SD of 18..24
    classified = change_on(backend, paired, spec, definition="meaningful", thresholds=out)
    act = classified[classified["measure"] == "activation"].set_index("client_id")["status"]
    # PAM changes +1, +3, 0, -2 against a threshold of 2.58: only b's +3 counts
    assert act.astype(str).tolist() == ["no change", "improved", "no change", "no change"]
    with pytest.raises(InvalidValueError, match="fraction"):
        oc.distribution_thresholds(data, spec, fraction=0)


# ---------------------------------------------------------------------------------- errors
@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("kwargs, error, match", [
    ({"definition": "meaningful"}, InvalidValueError, r"thresholds=\{'activation'"),
    ({"definition": "reliable", "reliability": {"wellbeing": 0.9}}, InvalidValueError,
     r"reliability=\{'inclusion'"),
    ({"definition": "reliable", "sd": "norm", "reliability": 0.9}, InvalidValueError,
     "no norm SD"),
    ({"definition": "improved"}, InvalidValueError, "unknown change definition"),
    ({"thresholds": {"activaton": 3}}, InvalidValueError, "unknown measures"),
])
def test_missing_parameters_raise_named_errors(kwargs, error, match, backend):
    paired = pd.DataFrame({"client_id": ["a", "b"], "pam_score_baseline": [50.0, 40.0],
                           "pam_score_follow_up": [55.0, 41.0], "swemwbs_metric_baseline":
                           [20.0, 21.0], "swemwbs_metric_follow_up": [22.0, 21.0],
                           "social_inclusion_baseline": [4, 5], "social_inclusion_follow_up": [5, 5]})
    measures = {"wellbeing": "swemwbs", "activation": "pam", "inclusion": "social_inclusion"}
    with pytest.raises(error, match=match):
        oc.change(to_backend(paired, backend), measures, **kwargs)


@pytest.mark.parametrize("backend", BACKENDS)
def test_input_errors_name_what_is_wrong(backend):
    # a pandas object column may mix numbers and text; another backend holds it as text
    follow_up = [55.0, "x"] if backend == "pandas" else ["55.0", "x"]
    paired = pd.DataFrame({"client_id": ["a", "a"], "pam_score_baseline": [50.0, 40.0],
                           "pam_score_follow_up": follow_up})
    with pytest.raises(DuplicateKeyError, match="client_id"):
        oc.change(to_backend(paired, backend), "pam")
    row = ", row 1" if backend == "pandas" else ""  # lazy tables name no row positions
    with pytest.raises(InvalidValueError, match="non-numeric value in column "
                                                "'pam_score_follow_up'" + row):
        oc.change(to_backend(paired.assign(client_id=["a", "b"]), backend), "pam")
    with pytest.raises(MissingColumnError, match="ucla3_raw_baseline"):
        oc.change(to_backend(paired, backend), "ucla3")
    with pytest.raises(InvalidValueError, match="direction"):
        oc.change(to_backend(paired.rename(columns=lambda c: c.replace("pam_score", "anxiety")),
                             backend),
                  {"anxiety": ("anxiety", define_mixed())})
    # the pairing and improved-on-N parts of this test: tests/outcomes/test_pairing.py and
    # test_summaries.py (test_*_input_errors_name_what_is_wrong)


def define_mixed():
    return oc.define_instrument("mood", ["anxiety", "calm"], 0, 10, "mixed",
                                item_directions=["lower_better", "higher_better"],
                                source="test").replace(items=("worry", "calm"))


# ----------------------------------------------- what a later step needs, explicitly
@pytest.mark.parametrize("backend", BACKENDS)
def test_change_takes_id_and_suffixes_as_arguments(backend):
    default = pd.DataFrame({"client_id": ["a", "b"], "ucla3_raw_baseline": [7, 5],
                            "ucla3_raw_follow_up": [4, 6]})
    custom = default.rename(columns={"client_id": "person",
                                     "ucla3_raw_baseline": "ucla3_raw_t0",
                                     "ucla3_raw_follow_up": "ucla3_raw_t1"})
    expected = change_on(backend, default, {"loneliness": "ucla3"}, definition=DEFS, sd=1.5,
                         reliability=0.8, thresholds=2)
    got = change_on(backend, custom, {"loneliness": "ucla3"}, definition=DEFS, sd=1.5,
                    reliability=0.8, thresholds=2, id="person", suffixes=("_t0", "_t1"))
    pd.testing.assert_frame_equal(got.drop(columns="person"),
                                  expected.drop(columns="client_id"))
    assert got["person"].tolist() == ["a", "b"] * 3
    if backend == "pandas":
        assert got.attrs == {} and expected.attrs == {}  # no state is left in attrs
    data = to_backend(custom, backend)
    crit = oc.change_criteria(data, {"loneliness": "ucla3"}, definition="reliable",
                              reliability=0.8, id="person", suffixes=("_t0", "_t1"))
    assert crit["sd"].item() == pytest.approx(np.std([7, 5], ddof=1), abs=1e-12)
    half_sd = oc.distribution_thresholds(data, {"loneliness": "ucla3"}, id="person",
                                         suffixes=("_t0", "_t1"))
    assert half_sd["loneliness"][0] == pytest.approx(0.5 * np.std([7, 5], ddof=1), abs=1e-12)
    with pytest.raises(MissingColumnError, match="ucla3_raw_baseline"):
        oc.change(data, {"loneliness": "ucla3"}, id="person")  # default suffixes
    with pytest.raises(InvalidValueError, match="suffixes"):
        oc.change(data, {"loneliness": "ucla3"}, id="person", suffixes=("_t0",))


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_pairing_carries_its_own_id_and_suffixes(backend):
    long = pd.DataFrame({"person": ["a", "a", "b", "b"],
                         "time": ["baseline", "follow_up"] * 2, "ucla3_raw": [7, 4, 5, 6]})
    data = to_backend(long, backend)
    pairing = oc.pair_measurements(data, id="person", suffixes=("_t0", "_t1"))
    out = oc.change(pairing, {"loneliness": "ucla3"})
    assert same_kind(out, data)
    out = collect(out, by="person")
    assert out["person"].tolist() == ["a", "b"]
    assert out["improvement"].tolist() == [3.0, -1.0]
    same = oc.change(pairing, {"loneliness": "ucla3"}, id="person", suffixes=("_t0", "_t1"))
    pd.testing.assert_frame_equal(out, collect(same, by="person"))
    with pytest.raises(InvalidValueError, match="id differs from the Pairing's"):
        oc.change(pairing, {"loneliness": "ucla3"}, id="client_id")
    with pytest.raises(InvalidValueError, match="suffixes differs from the Pairing's"):
        oc.change_criteria(pairing, {"loneliness": "ucla3"}, suffixes=("_baseline", "_follow_up"))
    if backend != "pandas":
        return
    # the paired table merged with other data (pandas keeps no attrs) needs the arguments
    merged = pairing.paired.merge(pd.DataFrame({"person": ["a", "b"], "group": ["x", "y"]}))
    again = oc.change(merged, {"loneliness": "ucla3"}, id="person", suffixes=("_t0", "_t1"),
                      keep=["group"])
    pd.testing.assert_frame_equal(again.drop(columns="group"), out)
