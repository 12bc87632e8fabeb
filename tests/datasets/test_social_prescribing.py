"""Tests of the ``social_prescribing`` data: calibration, planted problems, schema, truth.

The calibration checks score the questionnaires here with plain pandas (not with
wellbeing_lib.outcomes) so that the data and the scoring code are checked independently.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.independent_checks import mod11_ok
from wellbeing_lib import datasets as ds
from wellbeing_lib.io import load_reference_table

COMMITTED = Path(__file__).resolve().parents[2] / "data"
STEMS = ["social_prescribing_clients", "social_prescribing_measures",
         "social_prescribing_service_use"]
SW = [f"swemwbs_{i}" for i in range(1, 8)]
UCLA = ["ucla_1", "ucla_2", "ucla_3"]
ITEMS = [*SW, *UCLA, "social_inclusion", "pam_score"]
SCHEMA = ds.DATASETS["social_prescribing"].dtypes


# ----------------------------------------------------------------------------- helpers
@pytest.fixture(scope="module")
def committed():
    return {stem: ds.load_dataset(stem, data_dir=COMMITTED) for stem in STEMS}


@pytest.fixture(scope="module")
def problems(committed):
    """Client ids with each deliberate data-quality problem, found with plain pandas."""
    m = committed["social_prescribing_measures"]
    dup = m[m.duplicated(["client_id", "time"], keep=False)]
    dates = m.drop_duplicates().pivot(index="client_id", columns="time",
                                      values="assessment_date")
    return {
        "duplicated": dup,
        "early": dates.index[dates["follow_up"] < dates["baseline"]],
        "no_baseline": dates.index[dates["follow_up"].notna() & dates["baseline"].isna()],
    }


@pytest.fixture(scope="module")
def paired(committed, problems):
    """One row per client with baseline (_b) and follow-up (_f) scores; problem clients out."""
    clients, m = committed["social_prescribing_clients"], committed["social_prescribing_measures"]
    metric = load_reference_table("swemwbs_raw_to_metric.csv").set_index("raw")["metric"]
    bad = (set(problems["duplicated"]["client_id"]) | set(problems["early"])
           | set(problems["no_baseline"]))
    m = m[~m["client_id"].isin(bad)].copy()
    m["sw"] = m[SW].sum(axis=1, min_count=7).map(metric)  # NaN unless all 7 answered
    m["ucla"] = m[UCLA].sum(axis=1, min_count=3)
    cols = ["client_id", "sw", "ucla", "social_inclusion", "pam_score"]
    wide = m.loc[m["time"] == "baseline", cols].merge(
        m.loc[m["time"] == "follow_up", cols], on="client_id", suffixes=("_b", "_f"))
    return wide.merge(clients[["client_id", "group"]], on="client_id")


# --------------------------------------------------------------------------- calibration
def test_any_change_improvement_matches_published_figures(paired):
    cols = [f"{c}_{t}" for c in ("sw", "ucla", "social_inclusion", "pam_score") for t in "bf"]
    cc = paired[(paired["group"] == "referred")].dropna(subset=cols)
    improved = pd.DataFrame({
        "swemwbs": cc["sw_f"] > cc["sw_b"],
        "ucla": cc["ucla_f"] < cc["ucla_b"],  # lower = less lonely
        "social_inclusion": cc["social_inclusion_f"] > cc["social_inclusion_b"],
        "pam": cc["pam_score_f"] > cc["pam_score_b"],
    })
    k = improved.sum(axis=1)
    assert 800 <= len(cc) <= 900
    assert abs((k >= 1).mean() - 0.85) <= 0.02
    assert abs((k >= 2).mean() - 0.54) <= 0.02
    assert abs((k == 4).mean() - 0.15) <= 0.02
    share = improved.mean()
    assert share.idxmax() == "swemwbs" and share.idxmin() == "pam"
    assert abs(share["pam"] - 0.46) <= 0.02
    assert abs(share["swemwbs"] - 0.54) <= 0.02


def baseline_alpha(committed) -> float:
    """Cronbach's alpha of the referred clients' complete baseline SWEMWBS answers."""
    m, c = committed["social_prescribing_measures"], committed["social_prescribing_clients"]
    base = m[m["time"] == "baseline"].drop_duplicates().merge(c[["client_id", "group"]])
    items = base.loc[base["group"] == "referred", SW].dropna().astype(float)
    k = len(SW)
    return k / (k - 1) * (1 - items.var().sum() / items.sum(axis=1).var())


def test_swemwbs_internal_consistency_is_realistic(committed):
    assert 0.82 < baseline_alpha(committed) < 0.90  # published SWEMWBS alpha ~0.85


def test_stricter_definitions_give_clearly_lower_proportions(committed, paired):
    ref = paired[paired["group"] == "referred"].dropna(subset=["sw_b", "sw_f"])
    change = ref["sw_f"] - ref["sw_b"]
    any_change = (change > 0).mean()
    meaningful = (change >= 3).mean()  # Shah et al. 2018: 2.77 x SEM ~ 3 metric points
    # Jacobson & Truax (1991): SE = SD1 sqrt(1 - alpha), S_diff = sqrt(2) SE, RC > 1.96
    se = ref["sw_b"].std() * np.sqrt(1 - baseline_alpha(committed))
    reliable = (change / (np.sqrt(2) * se) > 1.96).mean()
    assert any_change - meaningful > 0.15
    assert any_change - reliable > 0.15
    assert 0.2 < reliable <= meaningful < 0.4


def test_baseline_wellbeing_seven_wemwbs_points_below_england(committed):
    m, c = committed["social_prescribing_measures"], committed["social_prescribing_clients"]
    metric = load_reference_table("swemwbs_raw_to_metric.csv").set_index("raw")["metric"]
    base = m[m["time"] == "baseline"].drop_duplicates().merge(c[["client_id", "group"]])
    base["sw"] = base[SW].sum(axis=1, min_count=7).map(metric)
    means = base.groupby("group")["sw"].mean()
    assert abs(means["referred"] - 20.0) <= 0.4
    # England norm ~23.5 (Ng Fat et al. 2017); x2 for WEMWBS: ~7 points below
    assert 2 * (23.5 - means["referred"]) == pytest.approx(7, abs=0.8)
    assert abs(means["comparison"] - means["referred"]) < 1.0  # matched at a low point


def test_difference_in_differences_recovers_the_true_effect(paired):
    truth = ds.social_prescribing_truth().set_index("measure")
    sw = paired.dropna(subset=["sw_b", "sw_f"])
    change = (sw["sw_f"] - sw["sw_b"]).groupby(sw["group"])
    mean, var, n = change.mean(), change.var(), change.size()
    did = mean["referred"] - mean["comparison"]
    se = np.sqrt(var["referred"] / n["referred"] + var["comparison"] / n["comparison"])
    true = truth.loc["SWEMWBS metric", "true_effect"]
    assert n["referred"] == truth.loc["SWEMWBS metric", "n_referred"]
    assert mean["referred"] == pytest.approx(truth.loc["SWEMWBS metric", "change_referred"])
    assert 1.2 < true < 1.9
    assert abs(did - true) < 2 * se
    # the uncontrolled before/after change overstates the effect (regression to the mean)
    assert mean["referred"] - true > 0.3
    assert 0 < mean["comparison"] < mean["referred"]


def test_service_use_falls_more_after_referral(committed):
    s, c = committed["social_prescribing_service_use"], committed["social_prescribing_clients"]
    rates = s.merge(c[["client_id", "group"]]).groupby(["group", "period"])[
        list(ds.SERVICES)].mean()
    ratio = rates.xs("after", level="period") / rates.xs("before", level="period")
    assert (ratio.loc["referred"] < 1).all()
    assert (ratio.loc["referred"] < ratio.loc["comparison"]).all()
    counts = s[list(ds.SERVICES)]
    assert (counts.var() > 1.5 * counts.mean()).all()  # overdispersed
    # GP use of an older, lonelier population: ~8-11 appointments a year
    assert 8 < rates.loc[("referred", "before"), "gp_appointments"] < 11


# ------------------------------------------------------------- planted problems and gaps
def test_deliberate_data_quality_problems_are_exactly_as_documented(committed, problems):
    dup = problems["duplicated"]
    assert dup["client_id"].nunique() == 3 and len(dup) == 6
    assert (dup["time"] == "baseline").all()
    m = committed["social_prescribing_measures"]
    assert m.duplicated().sum() == 3  # exact copies
    assert len(problems["early"]) == 2
    assert len(problems["no_baseline"]) == 3
    clients = committed["social_prescribing_clients"].set_index("client_id")
    flagged = set(dup["client_id"]) | set(problems["early"]) | set(problems["no_baseline"])
    assert len(flagged) == 8
    assert (clients.loc[sorted(flagged), "group"] == "referred").all()


def test_loss_to_follow_up_and_blank_answers(committed):
    c, m = committed["social_prescribing_clients"], committed["social_prescribing_measures"]
    followed = c["client_id"].isin(m.loc[m["time"] == "follow_up", "client_id"])
    lost = 1 - followed.groupby(c["group"]).mean()
    assert 0.30 <= lost["referred"] <= 0.35
    assert lost["comparison"] < lost["referred"]
    blank = m[ITEMS].isna().to_numpy().mean()
    assert 0.02 <= blank <= 0.03


def test_nhs_numbers_in_notes_are_valid_test_numbers(committed):
    from wellbeing_lib.privacy import is_valid_nhs_number

    notes = committed["social_prescribing_clients"]["referral_note"].dropna()
    found = notes.str.extractall(r"(?<!\d)(\d{3} ?\d{3} ?\d{4})(?!\d)")[0].str.replace(" ", "")
    assert len(found) == 2
    assert found.str.startswith("999").all()  # NHS Digital test range
    assert all(mod11_ok(x) for x in found)
    assert is_valid_nhs_number(found).all()


def test_six_referral_notes_carry_personal_details(committed):
    from wellbeing_lib.privacy import redact_pii

    notes = committed["social_prescribing_clients"]["referral_note"].dropna()
    redacted = redact_pii(notes)
    changed = redacted[redacted != notes]
    assert len(changed) == 6
    text = " ".join(changed)
    for tag in ("[NAME]", "[EMAIL]", "[POSTCODE]", "[PHONE]", "[NHS NUMBER]"):
        assert tag in text
    assert notes.str.contains(r"\bMrs [A-Z][a-z]+").sum() == 1
    assert notes.str.contains("@example.com").sum() == 1


# ------------------------------------------------------------------------ schema, ranges
def test_clients_columns_and_values(committed):
    c = committed["social_prescribing_clients"]
    assert list(c) == list(SCHEMA["social_prescribing_clients"])
    assert c["client_id"].str.fullmatch(r"C-[0-9a-f]{12}").all() and c["client_id"].is_unique
    assert c["group"].value_counts().to_dict() == {"referred": 1500, "comparison": 600}
    assert sorted(c["practice"].unique()) == [f"Practice {x}" for x in "ABCDEFGHIJK"]
    sizes = c["practice"].value_counts()
    assert sizes.max() > 3 * sizes.min()  # unequal practice sizes
    referred = c["group"] == "referred"
    assert c["referral_route"].notna().eq(referred).all()
    assert c["referral_date"].notna().eq(referred).all()
    assert c["referral_note"].notna().eq(referred).all()
    assert set(c["referral_route"].dropna()) == set(ds.ROUTES)
    for col in ("referral_date", "index_date"):
        dates = c[col].dropna()
        assert dates.str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
        assert dates.min() >= "2016-01-01" and dates.max() <= "2017-12-31"
    assert (c.loc[referred, "referral_date"] == c.loc[referred, "index_date"]).all()
    assert set(c["age_band"]) == {"18-34", "35-49", "50-64", "65-79", "80+"}
    assert set(c["sex"]) == {"Female", "Male"}
    assert set(c["ethnicity"]) == set(ds.ETHNICITIES)
    white = (c["ethnicity"] == "White").mean()
    assert 0.91 < white < 0.95
    assert pd.crosstab(c["ethnicity"], c["group"]).min().min() < 8  # small cells exist
    assert set(c["imd_quintile"]) == {1, 2, 3, 4, 5}


def test_measures_columns_and_ranges(committed):
    m = committed["social_prescribing_measures"]
    assert list(m) == list(SCHEMA["social_prescribing_measures"])
    assert set(m["time"]) == {"baseline", "follow_up"}
    assert m["assessment_date"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    assert m["client_id"].isin(committed["social_prescribing_clients"]["client_id"]).all()
    for cols, low, high in ((SW, 1, 5), (UCLA, 1, 3), (["social_inclusion"], 1, 10)):
        values = m[cols].stack()
        assert values.min() == low and values.max() == high
    pam = m["pam_score"].dropna()
    assert pam.between(0, 100).all()
    assert np.allclose(pam * 10, np.round(pam * 10))  # one decimal


def test_service_use_shape(committed):
    s, c = committed["social_prescribing_service_use"], committed["social_prescribing_clients"]
    assert list(s) == ["client_id", "period", *ds.SERVICES]
    assert len(s) == 2 * len(c)
    # both periods for every client, in client order
    assert (s["period"].to_numpy() == np.tile(["before", "after"], len(c))).all()
    assert s["client_id"].iloc[::2].tolist() == c["client_id"].tolist()
    assert s["client_id"].iloc[1::2].tolist() == c["client_id"].tolist()
    assert (s[list(ds.SERVICES)] >= 0).all().all()
    assert all(str(t) == "int64" for t in s[list(ds.SERVICES)].dtypes)


# ------------------------------------------------------------------------------- truth
def test_truth_reports_fallback_follow_ups_as_a_column():
    truth = ds.social_prescribing_truth()
    assert list(truth) == ["measure", "n_referred", "change_referred",
                           "expected_change_untreated", "true_effect", "fallback_follow_ups"]
    # data/README.md: 16 of the 4,080 referred measure x client follow-ups
    assert truth["fallback_follow_ups"].tolist() == [9, 0, 4, 3]
    assert str(truth["fallback_follow_ups"].dtype) == "int64"
    assert not truth.attrs  # the count is a column, not state in DataFrame.attrs


def test_truth_random_state_matches_generate():
    """The truth of a seed describes the data generate() makes with the same seed."""
    default = ds.social_prescribing_truth()
    pd.testing.assert_frame_equal(
        ds.social_prescribing_truth(np.random.default_rng(ds.DEFAULT_SEED)), default)
    other = ds.social_prescribing_truth(random_state=7)
    assert not other["true_effect"].equals(default["true_effect"])
    # n_referred: referred clients complete on SWEMWBS at both times, no planted problem
    frames = ds.generate("social_prescribing", random_state=7)
    m, clients = frames["social_prescribing_measures"], frames["social_prescribing_clients"]
    dates = m.drop_duplicates().pivot(index="client_id", columns="time",
                                      values="assessment_date")
    bad = (set(m.loc[m.duplicated(["client_id", "time"], keep=False), "client_id"])
           | set(dates.index[dates["follow_up"] < dates["baseline"]]))
    ok = m[m[SW].notna().all(axis=1) & ~m["client_id"].isin(bad)].merge(
        clients[["client_id", "group"]])
    pairs = ok[ok["group"] == "referred"].groupby("client_id")["time"].nunique()
    assert (pairs == 2).sum() == other.loc[0, "n_referred"]
