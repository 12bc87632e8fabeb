"""Improved on N, subgroups and the baseline against the norm (outcomes/summaries.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.backends import BACKENDS, LAZY, to_backend
from tests.outcomes.helpers import HAND, status_table
from wellbeing_lib import outcomes as oc
from wellbeing_lib.errors import (
    DuplicateKeyError,
    InvalidValueError,
    MissingColumnError,
    UnmatchedRecordsError,
)


# The behaviour tests of improved_on_n and subgroup_summary run on every backend
# (tests/backends.py): the change table (and the clients table) converted from the same
# pandas table; the result is a small summary, pandas on every backend.
def improved_on(backend, table, **kwargs) -> pd.DataFrame:
    out = oc.improved_on_n(to_backend(table, backend), **kwargs)
    assert isinstance(out, pd.DataFrame)  # a summary: pandas on every backend
    return out


# --------------------------------------------------------------------------- improved on N
@pytest.mark.parametrize("backend", BACKENDS)
def test_improved_on_n_hand_table_complete_cases(backend):
    # complete cases: a, b, c, d (N = 4); improved on 3, 1, 2, 0 measures
    t = improved_on(backend, status_table(HAND))
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


@pytest.mark.parametrize("backend", BACKENDS)
def test_improved_on_n_hand_table_observed_policy(backend):
    # observed measures per client: a3 b3 c3 d3 e2 f1; improved: a3 b1 c2 d0 e2 f0
    t = improved_on(backend, status_table(HAND), policy="observed")
    at = t[t["summary"] == "at least"]
    assert at["n"].tolist() == [4, 3, 1]  # >=1: a b c e; >=2: a c e; 3: a
    assert at["N"].tolist() == [6, 5, 4]  # clients with >=1, >=2, >=3 measures observed
    assert at["denominator"].tolist()[1] == "clients with ≥2 of 3 measures observed"
    ex = t[t["summary"] == "exactly"]
    assert ex["n"].tolist() == [2, 1, 2, 1] and (ex["N"] == 6).all()
    per = t[t["summary"] == "measure"]
    assert per["n"].tolist() == [3, 2, 3]  # m0: a b e; m1: a c; m2: a c e
    assert per["N"].tolist() == [5, 4, 6]


@pytest.mark.parametrize("backend", BACKENDS)
def test_improved_on_n_by_group_and_definition(backend):
    t = status_table(HAND).assign(definition="any", team=lambda d: np.where(
        d["client_id"].isin(["a", "b"]), "x", "y"))
    out = improved_on(backend, t, by="team")
    first = out[(out["summary"] == "at least") & (out["k"] == 1)]
    assert first["team"].tolist() == ["x", "y"]
    assert first["n"].tolist() == [2, 1] and first["N"].tolist() == [2, 2]
    assert (out["definition"] == "any").all()


@pytest.mark.parametrize("backend", BACKENDS)
def test_wilson_intervals_match_statsmodels(backend):
    from statsmodels.stats.proportion import proportion_confint

    t = improved_on(backend, status_table(HAND))
    low, high = proportion_confint(t["n"], t["N"], alpha=0.05, method="wilson")
    assert t["ci_low"].to_numpy() == pytest.approx(np.asarray(low), abs=1e-12)
    assert t["ci_high"].to_numpy() == pytest.approx(np.asarray(high), abs=1e-12)
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


@pytest.mark.parametrize("backend", BACKENDS)
def test_bundled_any_change_reproduces_85_54_15(changes, backend):
    t = improved_on(backend, changes[changes["group"] == "referred"])
    at = t[t["summary"] == "at least"].set_index("k")
    assert at["n"].tolist() == [705, 447, 314, 124] and (at["N"] == 829).all()
    assert at["proportion"].round(2).tolist() == [0.85, 0.54, 0.38, 0.15]
    per = t[t["summary"] == "measure"].set_index("measure")["n"]
    assert per.to_dict() == {"wellbeing": 447, "loneliness": 381, "inclusion": 389,
                             "activation": 373}


# ------------------------------------------------------------------------ subgroups, norms
@pytest.mark.parametrize("backend", BACKENDS)
def test_subgroup_summary_suppresses_small_counts_and_derived_values(backend):
    t = to_backend(pd.DataFrame({"client_id": range(40), "measure": "w",
                                 "status": (["improved"] * 3 + ["no change"]) * 10,
                                 "change": np.arange(40, dtype=float),
                                 "sex": ["Female"] * 34 + ["Male"] * 6}), backend)
    out = oc.subgroup_summary(t, by="sex")
    assert isinstance(out, pd.DataFrame)  # a summary: pandas on every backend
    female = out[out["group"] == "Female"].iloc[0]
    assert (female["n"], female["N"]) == (25, 35)  # 26 of 34 improved, rounded to 5
    assert female["proportion"] == pytest.approx(25 / 35)  # of the published counts
    male = out[out["group"] == "Male"].iloc[0]  # 4 of 6: both counts withheld
    assert pd.isna(male["n"]) and pd.isna(male["N"])
    assert pd.isna(male["proportion"]) and pd.isna(male["ci_low"]) and pd.isna(male["ci_high"])
    assert out["subgroup"].tolist()[0] == "all"
    raw = oc.subgroup_summary(t, by="sex", suppress=False)
    assert raw.loc[raw["group"] == "Male", "n"].item() == 4
    means = oc.subgroup_summary(t, by="sex", statistic="mean_change")
    assert pd.isna(means.loc[means["group"] == "Male", "mean_change"]).all()
    assert means.loc[means["group"] == "Female", "mean_change"].item() == pytest.approx(
        16.5, abs=1e-12)


@pytest.mark.parametrize("backend", BACKENDS)
def test_subgroup_summary_on_bundled_data_hides_small_ethnic_groups(changes, clients,
                                                                    backend):
    referred = changes[changes["group"] == "referred"]
    out = oc.subgroup_summary(to_backend(referred, backend), by="ethnicity",
                              clients=to_backend(clients, backend), at_least=1)
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


@pytest.mark.parametrize("backend", BACKENDS)
def test_subgroup_summary_names_clients_missing_from_the_clients_table(backend):
    table = status_table(HAND)
    people = pd.DataFrame({"client_id": list("abcd"), "team": ["x", "x", "y", "y"]})
    with pytest.raises(UnmatchedRecordsError, match="clients missing"):
        oc.subgroup_summary(to_backend(table, backend), by="team",
                            clients=to_backend(people, backend))


@pytest.mark.parametrize("backend", BACKENDS)
def test_improved_on_n_input_errors_name_what_is_wrong(backend):
    with pytest.raises(InvalidValueError, match="value not allowed in column 'status'"):
        oc.improved_on_n(to_backend(status_table({"a": ["better"]}), backend))
    with pytest.raises(DuplicateKeyError):
        oc.improved_on_n(to_backend(
            status_table({"a": ["improved"]}).pipe(lambda d: pd.concat([d, d])), backend))


# ------------------------------------------------- the id and the confidence level
@pytest.mark.parametrize("backend", BACKENDS)
def test_improved_on_n_and_subgroups_take_the_id_as_an_argument(backend):
    table = status_table(HAND)
    renamed = to_backend(table.rename(columns={"client_id": "person"}), backend)
    pd.testing.assert_frame_equal(oc.improved_on_n(renamed, id="person"),
                                  improved_on(backend, table))
    with pytest.raises(MissingColumnError, match="client_id"):
        oc.improved_on_n(renamed)  # the default id; no state is read from attrs
    people = pd.DataFrame({"person": list("abcdef"), "team": ["x"] * 3 + ["y"] * 3})
    out = oc.subgroup_summary(renamed, by="team", clients=to_backend(people, backend),
                              id="person", suppress=False)
    assert out["group"].tolist()[:2] == ["All clients", "All clients"]
    assert out.loc[out["group"] == "x", "N"].tolist() == [3, 3, 3]


@pytest.mark.parametrize("backend", BACKENDS)
def test_ci_sets_the_level_of_every_interval(backend):
    from scipy import stats as sps
    from statsmodels.stats.proportion import proportion_confint

    t = improved_on(backend, status_table(HAND), ci=0.9)
    low, high = proportion_confint(t["n"], t["N"], alpha=0.1, method="wilson")
    assert t["ci_low"].to_numpy() == pytest.approx(np.asarray(low), abs=1e-12)
    assert t["ci_high"].to_numpy() == pytest.approx(np.asarray(high), abs=1e-12)
    with pytest.raises(InvalidValueError, match="confidence level"):
        improved_on(backend, status_table(HAND), ci=95)

    changes = pd.DataFrame({"client_id": range(40), "measure": "w",
                            "status": "improved", "change": np.arange(40, dtype=float),
                            "sex": ["Female"] * 20 + ["Male"] * 20})
    means = oc.subgroup_summary(to_backend(changes, backend), by="sex",
                                statistic="mean_change", ci=0.9, suppress=False)
    female = np.arange(20, dtype=float)
    half = sps.t.ppf(0.95, 19) * female.std(ddof=1) / np.sqrt(20)
    got = means[means["group"] == "Female"].iloc[0]
    assert (got["ci_low"], got["ci_high"]) == pytest.approx((9.5 - half, 9.5 + half),
                                                            abs=1e-12)


def test_ci_sets_the_level_of_the_interval_against_the_norm():  # baseline_vs_norm: pandas
    from scipy import stats as sps

    values = [19.25, 20.73, 17.43, 22.35]
    people = pd.DataFrame({"sex": ["Female"] * 3 + ["Male"], "swemwbs_metric": values})
    row = oc.baseline_vs_norm(people, value="swemwbs_metric", ci=0.9).iloc[0]
    interval = sps.ttest_1samp(values, row["norm"]).confidence_interval(0.9)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(
        (interval.low - row["norm"], interval.high - row["norm"]))


# ------------------------------------------- an eager change table counted by its blocks
def _block_table() -> pd.DataFrame:
    """A change table laid out as change() writes it: a block of the same 6 clients per
    definition × measure, with a group carried on every row and some statuses missing."""
    rng = np.random.default_rng(7)
    clients = [f"c{i}" for i in range(6)]
    blocks = []
    for definition in ("any", "reliable"):
        for measure in ("wellbeing", "loneliness", "activation"):
            status = rng.choice(["improved", "no change", "deteriorated", None], size=6)
            blocks.append(pd.DataFrame({
                "client_id": clients, "measure": measure, "definition": definition,
                "status": status, "practice": ["A", "A", "B", "B", "B", "A"]}))
    return pd.concat(blocks, ignore_index=True)


@pytest.mark.parametrize("backend", [b for b in BACKENDS if b not in LAZY])
@pytest.mark.parametrize("policy", ["complete", "observed"])
def test_a_table_in_blocks_counts_as_the_same_rows_in_any_order(backend, policy):
    from wellbeing_lib.outcomes import summaries

    table = _block_table()
    data = to_backend(table, backend)
    names = ["wellbeing", "loneliness", "activation"]
    # the layout is recognised from the rows (no grouping by client) ...
    assert summaries._block_patterns(data, keys=["practice", "definition"], id="client_id",
                                     names=names) is not None
    by_blocks = oc.improved_on_n(data, by="practice", policy=policy)
    # ... and counts exactly what the general path counts on the rows shuffled
    shuffled = table.sample(frac=1, random_state=3).reset_index(drop=True)
    assert summaries._block_patterns(to_backend(shuffled, backend),
                                     keys=["practice", "definition"], id="client_id",
                                     names=names) is None
    by_rows = oc.improved_on_n(to_backend(shuffled, backend), by="practice", policy=policy)
    pd.testing.assert_frame_equal(by_blocks, by_rows)
    # hand count: practice A, "any", clients improved on >= 1 of the 3 measures
    first = table[(table["definition"] == "any") & (table["practice"] == "A")]
    complete = first.groupby("client_id")["status"].apply(lambda s: s.notna().all())
    improved = first.groupby("client_id")["status"].apply(lambda s: (s == "improved").any())
    row = by_blocks[(by_blocks["practice"] == "A") & (by_blocks["definition"] == "any")
                    & (by_blocks["label"] == "≥1 of 3")]
    if policy == "complete":
        assert row["n"].item() == int((improved & complete).sum())
        assert row["N"].item() == int(complete.sum())


@pytest.mark.parametrize("backend", [b for b in BACKENDS if b not in LAZY])
def test_a_table_in_blocks_with_a_client_twice_is_still_refused(backend):
    table = _block_table()
    table.loc[table.index % 6 == 1, "client_id"] = "c0"  # c0 twice in every block
    with pytest.raises(DuplicateKeyError, match="duplicated key"):
        oc.improved_on_n(to_backend(table, backend))
    odd = _block_table()
    odd.loc[7, "status"] = "better"
    with pytest.raises(InvalidValueError, match="value not allowed") as err:
        oc.improved_on_n(to_backend(odd, backend))
    assert err.value.rows == [7]


def test_the_summary_is_the_same_table_on_every_backend_whatever_the_order_given():
    # definitions given out of their usual order: text on a SQL engine, an Enum on polars,
    # a categorical on pandas; the summary is one type and one order on all of them
    paired = pd.DataFrame({"client_id": ["a", "b", "c"],
                           "pam_score_baseline": [40.0, 50.0, 60.0],
                           "pam_score_follow_up": [45.0, 50.0, 58.0]})
    outs = []
    for backend in BACKENDS:
        changes = oc.change(to_backend(paired, backend), {"activation": "pam"},
                            definition=["meaningful", "any"],
                            thresholds={"activation": 3.0})
        outs.append(oc.improved_on_n(changes, measures=["activation"]))
    first = outs[0]
    assert list(first["definition"].cat.categories) == ["any", "meaningful"]
    assert first["definition"].cat.ordered
    # any change: a improved, c deteriorated (2 of 3 observed, 1 improved); meaningful
    # (>= 3 points): a improved only
    at = first[first["summary"] == "at least"]
    assert at["n"].tolist() == [1, 1] and at["N"].tolist() == [3, 3]
    for out in outs[1:]:
        pd.testing.assert_frame_equal(first, out)
