"""Tests of the bundled engagement dialogue data and of the theme explorer widget.

The data (data/engagement_*.csv) come from the ``engagement_dialogue`` generator in
wellbeing_lib.datasets: a TONIC-style "what matters to you?" dialogue.  The design it
plants (data/README.md) must be found by the engagement functions: theme rates that differ
by group, negated mentions, personal details to redact, an unrepresentative sample that
raking can correct, and a second coder agreeing at realistic levels.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.independent_checks import mod11_ok
from wellbeing_lib import datasets as ds
from wellbeing_lib import engagement as eng
from wellbeing_lib.privacy import find_nhs_numbers, redact_pii

COMMITTED = Path(__file__).resolve().parents[2] / "data"


STEMS = ["engagement_participants", "engagement_population", "engagement_codings"]


TEXT = "what_matters"


@pytest.fixture(scope="module")
def data():
    return {stem: ds.load_dataset(stem, data_dir=COMMITTED) for stem in STEMS}


@pytest.fixture(scope="module")
def people(data):
    return data["engagement_participants"]


@pytest.fixture(scope="module")
def public(people):
    return people[people["stakeholder_type"] == "public"].reset_index(drop=True)


@pytest.fixture(scope="module")
def mentions(people):
    return eng.apply_codebook(people, text=TEXT, unit="respondent")


@pytest.fixture(scope="module")
def truth():
    return ds.engagement_dialogue_truth()


def percent(people, mentions, theme, by, level="theme"):
    """{category: % mentioning} from theme_frequency."""
    table = eng.theme_frequency(people, mentions, by=by, level=level)
    table = table[table[level] == theme]
    return dict(zip(table[by], table["percent"]))


# ----------------------------------------------------------------------- reproducibility
def test_regeneration_is_byte_identical_and_matches_committed_files(tmp_path):
    first = ds.make_sample_data(tmp_path / "a", names=["engagement_dialogue"])
    second = ds.make_sample_data(tmp_path / "b", names=["engagement_dialogue"])
    assert [p.name for p in first] == [f"{s}.csv" for s in STEMS]
    for a, b in zip(first, second):
        raw = a.read_bytes()
        assert raw == b.read_bytes()
        assert raw == (COMMITTED / a.name).read_bytes(), f"{a.name} differs from data/"
        assert b"\r" not in raw
        raw.decode("utf-8")


def test_other_seed_other_data_same_structure_and_global_state_untouched():
    np.random.seed(11)  # noqa: NPY002 - generators must not touch the legacy global state
    before = np.random.get_state()[1].copy()  # noqa: NPY002
    default = ds.generate("engagement_dialogue")
    other = ds.generate("engagement_dialogue", random_state=7)
    assert np.array_equal(np.random.get_state()[1], before)  # noqa: NPY002
    a, b = default["engagement_participants"], other["engagement_participants"]
    assert list(a.columns) == list(b.columns) and len(a) == len(b) == 3256
    assert not a[TEXT].equals(b[TEXT])
    assert default["engagement_population"].equals(other["engagement_population"])


# ---------------------------------------------------------------------------- who took part
def test_participants_match_the_published_breakdown(people):
    # TONIC: 2,320 public + 936 professional (= 3,256; the headline "3,250" is rounded)
    assert people["stakeholder_type"].value_counts().to_dict() == {"public": 2320,
                                                                    "professional": 936}
    assert people["respondent"].is_unique
    assert people["respondent"].str.fullmatch(r"R\d{4}").all()
    counts = people.groupby(["stakeholder_type", "channel"]).size().to_dict()
    assert counts == {
        ("professional", "online"): 636, ("professional", "outreach session"): 60,
        ("professional", "telephone interview"): 240,
        ("public", "Healthwatch focus group"): 90, ("public", "online"): 660,
        ("public", "outreach session"): 690, ("public", "telephone interview"): 880,
    }
    outreach = people[people["channel"] == "outreach session"]
    assert sorted(outreach["session_id"].unique()) == [f"OS{i:02d}" for i in range(1, 13)]
    assert outreach.groupby("session_id")["date"].nunique().eq(1).all()
    groups = people[people["channel"] == "Healthwatch focus group"]
    assert groups["session_id"].nunique() == 10 and groups["seldom_heard"].all()
    assert people.loc[people["channel"].isin(["online", "telephone interview"]),
                      "session_id"].isna().all()
    assert people["sector"].isna().eq(people["stakeholder_type"] == "public").all()
    assert people["date"].between("2019-09-02", "2019-11-29").all()
    flags = [c for c in people.columns if c.startswith("sh_")]
    assert len(flags) == 6
    assert people["seldom_heard"].equals(people[flags].any(axis=1))
    assert (people["sh_learning_disability"] <= people["disability"]).all()


def test_population_shares_sum_to_one_and_cover_every_sample_category(data, people):
    pop = data["engagement_population"]
    assert pop.groupby("variable")["share"].sum().sub(1).abs().max() < 1e-9
    assert set(pop["variable"]) == {"age_band", "sex", "ethnicity", "imd_quintile"}
    assert pop["source"].str.startswith("synthetic").all()
    for var, cats in pop.groupby("variable")["category"]:
        assert set(people[var].astype(str)) == set(cats), var


def test_some_groups_are_under_represented(data, public):
    rep = eng.representation(public, data["engagement_population"])
    ratio = rep.set_index(["variable", "category"])["ratio"]
    flagged = set(rep.loc[rep["under_represented"], "category"])
    assert {"16-24", "25-34", "Male", "Asian/Asian British", "1"} <= flagged
    assert ratio[("age_band", "16-24")] < 0.6
    assert ratio[("age_band", "65-74")] > 1.3
    assert 0.7 < ratio[("imd_quintile", "1")] < 0.8
    gof = eng.goodness_of_fit(public, data["engagement_population"]).set_index("variable")
    assert (gof["p_value"] < 0.01).all()


def test_raking_the_public_to_the_population_margins_converges(data, public):
    pop = data["engagement_population"]
    raked = eng.rake(public, pop)
    weights, diag = raked.weights, raked.diagnostics
    assert diag.converged and diag.iterations <= 10
    assert 1.1 < diag.design_effect < 1.4
    assert diag.effective_n == pytest.approx(len(public) / diag.design_effect)
    # weighted shares reproduce every margin
    rep = eng.representation(public, pop, weights=weights)
    assert np.allclose(rep["ratio"], 1, atol=1e-5)
    raked = eng.rake(public, pop, trim=(0.3, 3.0))
    trimmed, tdiag = raked.weights, raked.diagnostics
    assert tdiag.converged and tdiag.n_trimmed > 0
    assert trimmed.max() <= 3.0 * trimmed.mean() * (1 + 1e-4)


# ---------------------------------------------------------------------------------- themes
def test_theme_rates_differ_by_group_as_designed(people, public, mentions):
    by_type = {t: percent(people, mentions, t, "stakeholder_type") for t in
               ("Self-care", "Prevention", "Information and communication", "Work and purpose",
                "Social inclusion")}
    assert by_type["Self-care"]["professional"] - by_type["Self-care"]["public"] > 15
    assert by_type["Prevention"]["professional"] - by_type["Prevention"]["public"] > 6
    info = by_type["Information and communication"]
    assert info["professional"] > 2 * info["public"]
    assert by_type["Work and purpose"]["professional"] > by_type["Work and purpose"]["public"]
    assert by_type["Social inclusion"]["public"] - by_type["Social inclusion"][
        "professional"] > 8
    cost = percent(public, mentions, "Cost of living", "imd_quintile")
    assert cost[1] - cost[5] > 12 and cost[1] > 3 * cost[5]
    assert cost[1] > cost[2] > cost[4] > cost[5]
    lonely = percent(public, mentions, "Loneliness", "age_band")
    assert lonely["75+"] - lonely["35-44"] > 12
    digital = percent(public, mentions, "Digital and apps", "channel")
    assert digital["online"] > 2.5 * digital["telephone interview"]
    assert percent(public, mentions, "Information and communication", "channel")[
        "Healthwatch focus group"] > 12
    access = percent(public, mentions, "service_access", "rural", level="code")
    assert access[True] > 1.5 * access[False]


def test_group_differences_survive_holm_correction(people, mentions):
    out = eng.compare_groups(people, mentions, by="stakeholder_type").set_index("theme")
    assert (out["p_adjust_method"] == "holm").all()
    for theme in ("Self-care", "Prevention", "Social inclusion", "Information and communication"):
        assert out.loc[theme, "significant"], theme
    assert not out.loc["Being looked after", "significant"]  # a shared priority


def test_the_three_shared_priorities_are_common_in_both_groups(people, mentions):
    # TONIC: the public's and staff's views overlapped on being socially included, well
    # looked after and healthy
    freq = eng.theme_frequency(people, mentions, by="stakeholder_type")
    for kind, table in freq.groupby("stakeholder_type"):
        top = table.nlargest(6, "percent")["theme"].tolist()
        assert {"Social inclusion", "Being looked after", "Being healthy"} <= set(top), kind


def test_negated_mentions_are_planted_and_not_counted(people, truth):
    text = people[TEXT]
    negated = people[text.str.contains(r"(?i)\bI'm not lonely,|\bI never feel (?:isolated|"
                                       r"lonely)\b")]
    assert len(negated) > 20
    found = eng.apply_codebook(negated, text=TEXT, unit="respondent", keep_negated=True)
    lonely = found[found["code"] == "loneliness"]
    assert lonely["negated"].any()
    # people whose only loneliness words are negated: not coded, and not planted
    only_negated = set(lonely["respondent"]) - set(lonely.loc[~lonely["negated"], "respondent"])
    planted = truth.planted
    planted_lonely = set(planted.loc[planted["code"] == "loneliness", "respondent"])
    assert only_negated and not only_negated & planted_lonely


def test_codebook_recovers_the_planted_codes_with_known_gaps(people, mentions, truth):
    coded = set(map(tuple, mentions[["respondent", "code"]].drop_duplicates().to_numpy()))
    planted = set(map(tuple, truth.planted[["respondent", "code"]].to_numpy()))
    both = len(coded & planted)
    assert 0.88 < both / len(planted) < 0.95  # sensitivity: 9,146 of 10,027
    assert both / len(coded) > 0.97  # precision: 9,146 of 9,286
    # a careful reader codes what the codebook misses ...
    missed = pd.DataFrame(sorted(planted - coded), columns=["respondent", "code"])
    text = people.set_index("respondent").loc[missed["respondent"], TEXT]
    assert text.str.contains("Nobody ever calls round|Making ends meet|Feeling useful").any()
    # ... and the codebook codes a heart condition as unpaid caring ("looking after my")
    extra = pd.DataFrame(sorted(coded - planted), columns=["respondent", "code"])
    carers = extra.loc[extra["code"] == "unpaid_carers", "respondent"]
    assert people.set_index("respondent").loc[carers, TEXT].str.contains(
        "(?i)looking after my heart").all()


# ------------------------------------------------------------------------------- redaction
def test_redaction_catches_every_planted_detail(people, truth):
    text = people[TEXT]
    redacted = redact_pii(text)
    changed = np.flatnonzero((redacted != text).to_numpy())
    assert changed.tolist() == list(truth.pii_rows)
    assert len(changed) == 10
    details = " ".join(truth.pii_details)
    emails = re.findall(r"\S+@example\.com", details)
    phones = re.findall(r"07700 900\d{3}|0191 498 0\d{3}", details)
    nhs = [n.replace(" ", "") for n in re.findall(r"999 ?\d{3} ?\d{4}", details)]
    postcodes = re.findall(r"\b(?:NE|DH)\d \d[A-Z]{2}\b", details)
    names = re.findall(r"\b(?:Mrs|Mr|Dr) [A-Z][a-z]+", details)
    assert (len(emails), len(phones), len(nhs), len(postcodes), len(names)) == (2, 3, 2, 2, 3)
    assert all(mod11_ok(n) for n in nhs)
    joined = " ".join(redacted)
    for item in [*emails, *phones, *postcodes, *names]:
        assert item in " ".join(text) and item not in joined
    assert not re.search(r"999 ?\d{3} ?\d{4}", joined)
    assert find_nhs_numbers(people[["respondent", TEXT]])["row"].tolist() == [
        r for r in changed if re.search(r"999 ?\d{3} ?\d{4}", text.iloc[r])]


def test_exemplar_quotes_never_show_the_planted_details(people, mentions):
    quotes = eng.exemplar_quotes(people, mentions, text=TEXT, n_quotes=3000)
    pii_people = set(people.loc[redact_pii(people[TEXT]) != people[TEXT], "respondent"])
    shown = quotes[quotes["respondent"].isin(pii_people)]
    assert len(shown) > 10 and shown["redacted"].all()
    assert not quotes["quote"].str.contains(r"@|\d{3} ?\d{3} ?\d{4}|07700|Mrs [A-Z]").any()


# ------------------------------------------------------------------------- second coder
def test_two_coders_agree_at_realistic_levels(data, people):
    codings = data["engagement_codings"]
    sample = people.loc[people["reliability_sample"], ["respondent"]].assign(
        question="what_matters")
    assert len(sample) == 300
    assert set(codings["respondent"]) <= set(sample["respondent"])
    assert set(codings["coder"]) == {"Coder A", "Coder B"}
    codes = list(eng.load_codebook()["code"])
    assert set(codings["code"]) <= set(codes)
    assert not codings.duplicated().any()
    rel = eng.code_reliability(codings, units_coded=sample, codes=codes, n_boot=200,
                               random_state=1).set_index("code")
    per_code = rel.drop(index=eng.OVERALL)
    common = per_code[per_code["n_any"] >= 15]
    assert len(common) >= 20
    assert common["kappa"].between(0.55, 0.92).all()
    assert common["kappa"].median() == pytest.approx(0.75, abs=0.08)
    overall = rel.loc[eng.OVERALL]
    assert 0.7 < overall["alpha"] < 0.85
    assert overall["alpha_ci_low"] < overall["alpha"] < overall["alpha_ci_high"]


# ------------------------------------------------------------- figures quoted in the README
def test_figures_quoted_in_data_readme(data, people, public, mentions, truth):
    def pct(mask):
        return round(100 * float(np.mean(mask)), 1)

    pro = people[people["stakeholder_type"] == "professional"]
    assert [pct(public["sex"] == "Female"), pct(pro["sex"] == "Female")] == [61.8, 73.9]
    assert [pct(public["age_band"] == "16-24"), pct(pro["age_band"] == "16-24")] == [6.9, 4.2]
    old = ["65-74", "75+"]
    assert [pct(public["age_band"].isin(old)), pct(pro["age_band"].isin(old))] == [31.2, 1.4]
    assert [pct(public["ethnicity"] == "White"), pct(pro["ethnicity"] == "White")] == [95.3, 92.5]
    assert [pct(public["imd_quintile"] == 1), pct(pro["imd_quintile"] == 1)] == [23.2, 12.6]
    assert [round(pct(g["disability"])) for g in (public, pro)] == [25, 7]
    assert [round(pct(g["carer"])) for g in (public, pro)] == [12, 12]
    assert people["seldom_heard"].sum() == 160
    assert (people["seldom_heard"] & (people["channel"] != "Healthwatch focus group")).sum() == 70
    length = people[TEXT].str.len()
    assert (length.min(), length.max(), length.median()) == (9, 359, 105)
    assert people[TEXT].isin(ds.DIALOGUE_NON_ANSWERS).sum() == 58

    pop = data["engagement_population"]
    rep = eng.representation(public, pop).set_index("category")
    quoted = {"16-24": (0.51, 0.44, 0.59), "25-34": (0.75, 0.67, 0.84),
              "65-74": (1.45, 1.33, 1.58), "Male": (0.78, 0.74, 0.82),
              "Asian/Asian British": (0.60, 0.45, 0.80),
              "Mixed/Multiple ethnic groups": (0.63, 0.39, 1.02), "1": (0.75, 0.69, 0.80),
              "5": (1.22, 1.12, 1.34)}
    for cat, values in quoted.items():
        got = rep.loc[cat, ["ratio", "ratio_ci_low", "ratio_ci_high"]].astype(float).round(2)
        assert tuple(got) == values, cat
    assert (eng.goodness_of_fit(public, pop)["p_value"] < 0.003).all()
    diag = eng.rake(public, pop).diagnostics
    assert (diag.iterations, round(diag.weight_min, 2), round(diag.weight_max, 2),
            round(diag.design_effect, 2), round(diag.effective_n)) == (4, 0.47, 3.71, 1.21, 1923)
    tdiag = eng.rake(public, pop, trim=(0.3, 3.0)).diagnostics
    assert (tdiag.iterations, tdiag.n_trimmed) == (6, 15)

    codings = data["engagement_codings"]
    assert codings["coder"].value_counts().to_dict() == {"Coder B": 878, "Coder A": 866}
    assert codings["respondent"].nunique() == 297
    coded = set(map(tuple, mentions[["respondent", "code"]].drop_duplicates().to_numpy()))
    planted = set(map(tuple, truth.planted[["respondent", "code"]].to_numpy()))
    assert (len(coded & planted), len(planted), len(coded)) == (9146, 10027, 9286)
    bank = ds.dialogue_sentences()
    assert (bank["template"].nunique(), len(bank)) == (187, 715)

    freq = eng.theme_frequency(people, mentions, by="stakeholder_type")
    freq = freq.set_index(["stakeholder_type", "theme"])["percent"].round(1)
    assert [freq[("public", t)] for t in ("Social inclusion", "Being healthy",
                                          "Being looked after")] == [40.9, 39.0, 33.5]
    pairs = {"Self-care": (31.0, 5.5), "Prevention": (12.6, 3.5),
             "Information and communication": (18.1, 5.6), "Work and purpose": (29.3, 16.5)}
    for theme, values in pairs.items():
        assert (freq[("professional", theme)], freq[("public", theme)]) == values, theme
    cost = percent(public, mentions, "Cost of living", "imd_quintile")
    assert [round(cost[q], 1) for q in range(1, 6)] == [24.3, 11.7, 10.6, 6.7, 2.8]
    lonely = percent(public, mentions, "Loneliness", "age_band")
    assert [round(lonely[a], 1) for a in ("75+", "35-44", "45-54")] == [29.4, 8.6, 8.3]
    digital = percent(public, mentions, "Digital and apps", "channel")
    assert (round(digital["online"], 1), round(digital["telephone interview"], 1)) == (13.5, 2.3)
    fg = "Healthwatch focus group"
    assert round(percent(public, mentions, "Access to services", "channel")[fg], 1) == 44.4
    assert round(percent(public, mentions, "Information and communication", "channel")[fg],
                 1) == 14.4
    access = percent(public, mentions, "service_access", "rural", level="code")
    assert (round(access[True], 1), round(access[False], 1)) == (17.0, 8.4)
    negated = eng.apply_codebook(people, text=TEXT, unit="respondent", keep_negated=True)
    assert negated.loc[negated["negated"], "code"].value_counts().to_dict() == {
        "loneliness": 243, "mental_health": 62}

    sample = people.loc[people["reliability_sample"], ["respondent"]].assign(
        question="what_matters")
    rel = eng.code_reliability(codings, units_coded=sample, codes=list(eng.load_codebook()[
        "code"]), n_boot=1000, random_state=1).set_index("code")
    kappa = rel["kappa"].drop(index=eng.OVERALL)
    assert (round(kappa.min(), 2), round(kappa.max(), 2), round(kappa.median(), 2)) == (
        0.60, 0.89, 0.76)
    overall = rel.loc[eng.OVERALL]
    assert round(overall["percent_agreement"], 1) == 95.3
    assert [round(overall[c], 3) for c in ("alpha", "alpha_ci_low", "alpha_ci_high")] == [
        0.770, 0.747, 0.794]
    assert truth.pii_details[0] == ("You can email me at alan.hetherington@example.com if "
                                       "you want more.")
    assert truth.pii_details[-1] == "Mr Dodd at DH6 2ES has my spare key."
