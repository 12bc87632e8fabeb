"""Reliability of multi-code coding and the codebook as one more coder
(wellbeing_lib.engagement.reliability), by hand.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wellbeing_lib import engagement as eng
from wellbeing_lib.engagement import (
    apply_codebook,
    code_reliability,
    cohens_kappa,
    krippendorff_alpha,
    load_codebook,
)
from wellbeing_lib.errors import (
    InvalidValueError,
    MissingColumnError,
    UnmatchedRecordsError,
)


# ---------------------------------------------------------------- multi-code reliability
def make_codings() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two coders, six answers; B never saw answer 6; B coded 'lonely' twice in answer 2."""
    rows = [
        (1, "lonely", "A"), (1, "access", "A"), (2, "lonely", "A"), (4, "access", "A"),
        (5, "lonely", "A"), (5, "cost", "A"), (6, "lonely", "A"),
        (1, "lonely", "B"), (2, "lonely", "B"), (2, "lonely", "B"), (3, "access", "B"),
        (4, "access", "B"), (5, "lonely", "B"),
    ]
    codings = pd.DataFrame(rows, columns=["respondent", "code", "coder"]).assign(question="q1")
    seen = pd.DataFrame({"respondent": [1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5],
                         "question": "q1", "coder": ["A"] * 6 + ["B"] * 5})
    return codings, seen


def kappa_2x2(a, b, c, d):
    n = a + b + c + d
    p_o = (a + d) / n
    p_e = ((a + b) / n) * ((a + c) / n) + ((c + d) / n) * ((b + d) / n)
    return (p_o - p_e) / (1 - p_e)


def alpha_binary(n1, n0, disagreements):
    """Nominal alpha, two coders, no missing: 1 - (n - 1) * D / (n0 * n1)."""
    return 1 - (n1 + n0 - 1) * disagreements / (n1 * n0)


def test_code_reliability_by_hand():
    codings, seen = make_codings()
    out = code_reliability(codings, units_coded=seen, n_boot=0).set_index("code")
    assert list(out.index) == ["lonely", "access", "cost", eng.OVERALL]
    assert (out["n_units"] == 5).all() and (out["n_coders"] == 2).all()  # answer 6: A only
    assert list(out["n_any"]) == [3, 3, 1, 5]
    # lonely: A {1,2,5}, B {1,2,5}  -> perfect agreement
    # access: A {1,4},   B {3,4}    -> agree on 2, 4, 5; table a=1 b=1 c=1 d=2
    # cost:   A {5},     B {}       -> agree on 1-4;    table a=0 b=1 c=0 d=4
    np.testing.assert_allclose(out["percent_agreement"], [100, 60, 80, 100 * 12 / 15])
    expected_kappa = [kappa_2x2(3, 0, 0, 2), kappa_2x2(1, 1, 1, 2), kappa_2x2(0, 1, 0, 4),
                      kappa_2x2(4, 2, 1, 8)]
    np.testing.assert_allclose(out["kappa"], expected_kappa)
    np.testing.assert_allclose(expected_kappa, [1, 1 / 6, 0, 4 / 7])
    expected_alpha = [1.0, alpha_binary(4, 6, 2), alpha_binary(1, 9, 1), alpha_binary(11, 19, 3)]
    np.testing.assert_allclose(out["alpha"], expected_alpha)
    np.testing.assert_allclose(expected_alpha, [1, 0.25, 0, 1 - 87 / 209])
    assert (out["alpha_level"] == "nominal").all()
    assert out["kappa_se"].notna()[:3].all() and np.isnan(out.loc[eng.OVERALL, "kappa_se"])
    assert "not independent" in out.loc[eng.OVERALL, "note"]
    assert np.isnan(out["alpha_ci_low"]).all() and (out["n_boot"] == 0).all()


def test_code_reliability_matches_single_variable_functions():
    codings, seen = make_codings()
    out = code_reliability(codings, units_coded=seen, n_boot=0).set_index("code")
    # the 'access' decisions as a one-variable table (1 applied, 0 not) over answers 1-5
    a = [1, 0, 0, 1, 0]
    b = [0, 0, 1, 1, 0]
    long = pd.DataFrame({"unit": list(range(1, 6)) * 2, "coder": ["A"] * 5 + ["B"] * 5,
                         "value": a + b})
    assert out.loc["access", "alpha"] == pytest.approx(
        krippendorff_alpha(long, n_boot=0)["alpha"].iloc[0])
    single = cohens_kappa(long).iloc[0]
    assert out.loc["access", "kappa"] == pytest.approx(single["kappa"])
    assert out.loc["access", "kappa_se"] == pytest.approx(single["se"])


def test_code_reliability_default_assumes_every_coder_saw_every_unit():
    codings, _ = make_codings()
    out = code_reliability(codings, n_boot=0).set_index("code")
    # answer 6 now counts as seen by B with no codes: lonely A {1,2,5,6} vs B {1,2,5}
    assert (out["n_units"] == 6).all()
    assert out.loc["lonely", "percent_agreement"] == pytest.approx(100 * 5 / 6)
    assert out.loc["lonely", "kappa"] == pytest.approx(kappa_2x2(3, 1, 0, 2))
    # a table of all answers without a coder column: every coder saw them all (adds answer 7)
    answers = pd.DataFrame({"respondent": range(1, 8), "question": "q1"})
    more = code_reliability(codings, units_coded=answers, n_boot=0).set_index("code")
    assert (more["n_units"] == 7).all()
    assert more.loc["cost", "percent_agreement"] == pytest.approx(100 * 6 / 7)


def test_code_reliability_codebook_codes_and_three_coders():
    codings, seen = make_codings()
    extra = pd.DataFrame({"respondent": [1, 2, 5], "code": ["lonely"] * 3, "coder": "C",
                          "question": "q1"})
    three = pd.concat([codings, extra], ignore_index=True)
    seen3 = pd.concat([seen, pd.DataFrame({"respondent": range(1, 6), "question": "q1",
                                           "coder": "C"})], ignore_index=True)
    out = code_reliability(three, units_coded=seen3, codes=["lonely", "access", "cost", "self-care"],
                           n_boot=0).set_index("code")
    assert out["kappa"].isna().all()
    assert out["note"].str.contains("exactly two coders").all()
    assert (out["n_coders"] == 3).all()
    # C never applied 'access': all three agree only on answers 2 and 5 (4: A, B yes, C no)
    assert out.loc["access", "percent_agreement"] == pytest.approx(40)
    assert out.loc["lonely", "alpha"] == pytest.approx(1.0)
    # three-coder alpha for 'access' equals the one-variable alpha on the same decisions
    long = pd.DataFrame({"unit": list(range(1, 6)) * 3, "coder": np.repeat(["A", "B", "C"], 5),
                         "value": [1, 0, 0, 1, 0] + [0, 0, 1, 1, 0] + [0] * 5})
    assert out.loc["access", "alpha"] == pytest.approx(
        krippendorff_alpha(long, n_boot=0)["alpha"].iloc[0])
    # a codebook code nobody used: 100% agreement, no kappa/alpha, and a note saying why
    unused = out.loc["self-care"]
    assert unused["n_any"] == 0 and unused["percent_agreement"] == 100
    assert np.isnan(unused["alpha"]) and "no variation" in unused["note"]


def test_code_reliability_bootstrap_seeded():
    codings, seen = make_codings()
    first = code_reliability(codings, units_coded=seen, n_boot=200, random_state=4)
    again = code_reliability(codings, units_coded=seen, n_boot=200, random_state=4)
    pd.testing.assert_frame_equal(first, again)
    out = first.set_index("code")
    for code in ("access", eng.OVERALL):
        row = out.loc[code]
        assert row["alpha_ci_low"] <= row["alpha"] <= row["alpha_ci_high"]
        assert 0 < row["n_boot"] <= 200
    # lonely agrees perfectly: every defined resample gives 1; resamples without variation
    # are dropped and reported
    assert out.loc["lonely", "alpha_ci_low"] == out.loc["lonely", "alpha_ci_high"] == 1.0
    dropped = 200 - out.loc["cost", "n_boot"]
    assert dropped > 0 and f"{dropped} of 200" in out.loc["cost", "note"]


def test_code_reliability_errors():
    codings, seen = make_codings()
    with pytest.raises(UnmatchedRecordsError, match="did not see") as err:
        code_reliability(codings, units_coded=seen[seen["respondent"] != 4], n_boot=0)
    assert sorted(err.value.rows) == [3, 11]  # answer 4 coded by A (row 3) and B (row 11)
    with pytest.raises(InvalidValueError, match="code not in codes"):
        code_reliability(codings, codes=["lonely", "access"], n_boot=0)
    with pytest.raises(InvalidValueError, match="missing unit label"):
        code_reliability(codings.assign(question=None), n_boot=0)
    with pytest.raises(InvalidValueError, match="coder not found"):
        code_reliability(codings, coders=["A", "Z"], n_boot=0)
    solo = codings[codings["coder"] == "A"]
    with pytest.raises(InvalidValueError, match="two or more coders"):
        code_reliability(solo, n_boot=0)


def test_code_reliability_coder_who_applied_nothing():
    codings, seen = make_codings()
    only_a = codings[codings["coder"] == "A"]
    with pytest.raises(InvalidValueError, match="units_coded"):
        code_reliability(only_a, coders=["A", "B"], n_boot=0)
    out = code_reliability(only_a, units_coded=seen, n_boot=0).set_index("code")
    # B saw answers 1-5 and applied nothing: cost A {5} vs B {} as before; lonely A {1,2,5}
    assert (out["n_coders"] == 2).all() and (out["n_units"] == 5).all()
    assert out.loc["lonely", "percent_agreement"] == pytest.approx(40)
    assert out.loc["lonely", "kappa"] == pytest.approx(kappa_2x2(0, 3, 0, 2))


# ====================================================== the codebook as one more coder
AGREE_ANSWERS = pd.DataFrame({"respondent": [1, 2, 3, 4], "question": "q1",
                              "text": ["Lonely", "Lonely and skint", "Money is tight", "Fine"]})


# Codebook: loneliness {1, 2}, cost_of_living {2, 3}.  A: loneliness {1, 2}.
# B: loneliness {1}, cost_of_living {3}.
AGREE_CODINGS = pd.DataFrame({
    "respondent": [1, 2, 1, 3], "question": "q1",
    "code": ["loneliness", "loneliness", "loneliness", "cost_of_living"],
    "coder": ["A", "A", "B", "B"]})


AGREE_CODES = ["loneliness", "cost_of_living"]


def test_codebook_agreement_by_hand():
    mentions = apply_codebook(AGREE_ANSWERS, unit=["respondent", "question"])
    out = eng.codebook_agreement(mentions, AGREE_CODINGS, units_coded=AGREE_ANSWERS,
                                 codes=AGREE_CODES, n_boot=0)
    assert out["pair"].unique().tolist() == ["A vs B", "codebook vs A", "codebook vs B"]
    assert out[["coder_1", "coder_2"]].drop_duplicates().values.tolist() == [
        ["A", "B"], ["codebook", "A"], ["codebook", "B"]]
    got = out.set_index(["pair", "code"])
    # 2 x 2 tables over the 4 answers; kappa = (po - pe) / (1 - pe)
    expected = {
        # A [1,1,0,0] vs B [1,0,0,0]: po 3/4, pe .5*.25 + .5*.75 = .5
        ("A vs B", "loneliness"): (75.0, 0.5),
        # A [0,0,0,0] vs B [0,0,1,0]: po 3/4 = pe
        ("A vs B", "cost_of_living"): (75.0, 0.0),
        # pooled 8 cells, each coder 2 of 8 applied: po 6/8, pe 1/16 + 9/16
        ("A vs B", "(all codes)"): (75.0, (0.75 - 0.625) / 0.375),
        ("codebook vs A", "loneliness"): (100.0, 1.0),
        # codebook [0,1,1,0] vs A [0,0,0,0]: po .5 = pe
        ("codebook vs A", "cost_of_living"): (50.0, 0.0),
        # codebook 4 of 8, A 2 of 8: po 6/8, pe .5*.25 + .5*.75 = .5
        ("codebook vs A", "(all codes)"): (75.0, 0.5),
        ("codebook vs B", "loneliness"): (75.0, 0.5),
        # codebook [0,1,1,0] vs B [0,0,1,0]: po 3/4, pe .5
        ("codebook vs B", "cost_of_living"): (75.0, 0.5),
        ("codebook vs B", "(all codes)"): (75.0, 0.5),
    }
    for key, (pct, kappa) in expected.items():
        assert got.loc[key, "percent_agreement"] == pytest.approx(pct), key
        assert got.loc[key, "kappa"] == pytest.approx(kappa), key
    assert (out["n_units"] == 4).all() and (out["n_coders"] == 2).all()
    # the human pair is exactly code_reliability of the human coding
    human = eng.code_reliability(AGREE_CODINGS, units_coded=AGREE_ANSWERS, codes=AGREE_CODES,
                                 n_boot=0)
    pd.testing.assert_frame_equal(
        out[out["pair"] == "A vs B"].drop(columns=["pair", "coder_1", "coder_2"])
        .reset_index(drop=True), human)
    # codes default to the codebook's (codebook=, the bundled one), so every code is reported
    every = eng.codebook_agreement(mentions, AGREE_CODINGS, units_coded=AGREE_ANSWERS,
                                   n_boot=0)
    assert every["code"].nunique() == len(load_codebook()) + 1
    # one human coder chosen: only the codebook pair
    only_b = eng.codebook_agreement(mentions, AGREE_CODINGS, units_coded=AGREE_ANSWERS,
                                    codes=AGREE_CODES, coders=["B"], n_boot=0)
    assert only_b["pair"].unique().tolist() == ["codebook vs B"]


def test_codebook_agreement_counts_only_sampled_non_negated_mentions():
    base = eng.codebook_agreement(
        apply_codebook(AGREE_ANSWERS, unit=["respondent", "question"]), AGREE_CODINGS,
        units_coded=AGREE_ANSWERS, codes=AGREE_CODES, n_boot=0)
    more = pd.concat([AGREE_ANSWERS, pd.DataFrame({
        "respondent": [5], "question": "q1", "text": ["So lonely, money worries"]})],
        ignore_index=True)
    more.loc[3, "text"] = "Fine, not lonely"  # a negated mention: not a coding
    mentions = apply_codebook(more, unit=["respondent", "question"], keep_negated=True)
    assert mentions["negated"].any() and (mentions["respondent"] == 5).any()
    same = eng.codebook_agreement(mentions, AGREE_CODINGS, units_coded=AGREE_ANSWERS,
                                  codes=AGREE_CODES, n_boot=0)
    pd.testing.assert_frame_equal(same, base)


def test_codebook_agreement_units_seen_per_coder_and_errors():
    mentions = apply_codebook(AGREE_ANSWERS, unit=["respondent", "question"])
    # B saw answers 1-3 only; the codebook saw every sampled answer
    seen = pd.concat([AGREE_ANSWERS[["respondent", "question"]].assign(coder="A"),
                      AGREE_ANSWERS[["respondent", "question"]].iloc[:3].assign(coder="B")])
    out = eng.codebook_agreement(mentions, AGREE_CODINGS, units_coded=seen, codes=AGREE_CODES,
                                 n_boot=0).set_index(["pair", "code"])
    assert out.loc[("A vs B", "loneliness"), "n_units"] == 3
    assert out.loc[("codebook vs A", "loneliness"), "n_units"] == 4
    # codebook [1,1,0] vs B [1,0,0] on answers 1-3
    assert out.loc[("codebook vs B", "loneliness"), "percent_agreement"] == pytest.approx(
        200 / 3)
    with pytest.raises(InvalidValueError, match="human coder has the codebook's name"):
        eng.codebook_agreement(mentions, AGREE_CODINGS.replace({"coder": {"A": "codebook"}}),
                               units_coded=AGREE_ANSWERS, codes=AGREE_CODES, n_boot=0)
    text_ids = mentions.assign(respondent=mentions["respondent"].astype(str))
    with pytest.raises(UnmatchedRecordsError, match="no mention is of a unit"):
        eng.codebook_agreement(text_ids, AGREE_CODINGS, units_coded=AGREE_ANSWERS,
                               codes=AGREE_CODES, n_boot=0)
    with pytest.raises(MissingColumnError, match="mentions: required column missing"):
        eng.codebook_agreement(mentions.drop(columns="question"), AGREE_CODINGS,
                               units_coded=AGREE_ANSWERS, codes=AGREE_CODES, n_boot=0)
    with pytest.raises(InvalidValueError, match="coder not found"):
        eng.codebook_agreement(mentions, AGREE_CODINGS, units_coded=AGREE_ANSWERS,
                               codes=AGREE_CODES, coders=["Z"], n_boot=0)


def test_default_random_state_is_a_fixed_seed_and_codebook_is_an_argument():
    codings, seen = make_codings()
    first = code_reliability(codings, units_coded=seen, n_boot=100)
    pd.testing.assert_frame_equal(first, code_reliability(codings, units_coded=seen, n_boot=100))
    pd.testing.assert_frame_equal(first, code_reliability(codings, units_coded=seen, n_boot=100,
                                                          random_state=0))
    # your own codebook: its codes are reported, in its order
    book = pd.DataFrame({"theme": ["Feelings", "Money"], "code": ["loneliness", "cost_of_living"],
                         "include": ["lonely", "skint; money"]})
    mentions = apply_codebook(AGREE_ANSWERS, book, unit=["respondent", "question"])
    out = eng.codebook_agreement(mentions, AGREE_CODINGS, units_coded=AGREE_ANSWERS,
                                 codebook=book, n_boot=50)
    assert out["code"].unique().tolist() == ["loneliness", "cost_of_living", eng.OVERALL]
    pd.testing.assert_frame_equal(out, eng.codebook_agreement(
        mentions, AGREE_CODINGS, units_coded=AGREE_ANSWERS, codebook=book, n_boot=50))


# ---------------------------------------------------------------- every coefficient per code
def test_code_agreement_matches_code_reliability_and_the_stats_family():
    codings, seen = make_codings()
    family = eng.code_agreement(codings, units_coded=seen, codes=["lonely", "access", "cost"])
    classic = code_reliability(codings, units_coded=seen, codes=["lonely", "access", "cost"],
                               n_boot=0)
    assert list(family["code"]) == ["lonely", "access", "cost"]
    np.testing.assert_allclose(family["krippendorff_alpha"], classic["alpha"][:3])
    np.testing.assert_allclose(family["n_any"], classic["n_any"][:3])
    # Cohen's kappa: answer 6 (seen by A only) leaves Gwet's chance agreement, not the
    # 2 x 2 table of answers both saw, so compare on the answers both coders saw
    both = seen[seen["respondent"] != 6]
    family5 = eng.code_agreement(codings[codings["respondent"] != 6], units_coded=both,
                                 codes=["lonely", "access", "cost"])
    np.testing.assert_allclose(family5["cohens_kappa"], classic["kappa"][:3], atol=1e-12)
    # by hand for 'cost': only A applied it, to answer 5 of the 5 both saw
    cost = family5.set_index("code").loc["cost"]
    assert cost["percent_agreement"] == pytest.approx(80.0)
    assert cost["brennan_prediger"] == pytest.approx((0.8 - 0.5) / 0.5)
    assert cost["gwet_ac"] == pytest.approx((0.8 - 0.1 * 0.9 * 2) / (1 - 0.18))


def test_code_agreement_rare_code_shows_the_kappa_paradox():
    units = pd.DataFrame({"respondent": range(200), "question": "q"})
    codings = pd.DataFrame({"respondent": [0, 0, 1, 2], "question": "q",
                            "code": "rare", "coder": ["A", "B", "A", "B"]})
    row = eng.code_agreement(codings, units_coded=units).iloc[0]
    assert row["percent_agreement"] == pytest.approx(99.0)
    assert row["krippendorff_alpha"] < 0.5 < 0.98 < row["gwet_ac"]
