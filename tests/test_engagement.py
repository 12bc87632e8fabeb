"""Inter-coder reliability (wellbeing_lib.engagement) against published and hand-computed values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wellbeing_lib import engagement as eng
from wellbeing_lib.engagement import (
    code_reliability,
    cohens_kappa,
    krippendorff_alpha,
    percent_agreement,
    reliability_matrix,
)
from wellbeing_lib.errors import DuplicateKeyError, InvalidValueError, UnmatchedRecordsError

# Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability", section C (4 observers x
# 12 units, missing values).  The same matrix is in the krippendorff package's docstring
# ("page 8") and the irr/DescTools kripp.alpha example "nmm".
KRIPP_2011 = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
}
# published: nominal .743, ordinal .815, interval .849; ratio .797 (krippendorff package docs)
KRIPP_2011_ALPHA = {"nominal": 0.743, "ordinal": 0.815, "interval": 0.849, "ratio": 0.797}


def to_long(matrix: dict, *, unit="unit", value="value", dropna=False) -> pd.DataFrame:
    n = len(next(iter(matrix.values())))
    wide = pd.DataFrame(matrix, index=range(1, n + 1)).rename_axis(unit).reset_index()
    long = wide.melt(id_vars=unit, var_name="coder", value_name=value)
    return long.dropna(subset=[value]).reset_index(drop=True) if dropna else long


def table_to_long(table, coders=("A", "B")) -> pd.DataFrame:
    """Expand a coder-1 x coder-2 contingency table into one row per (unit, coder)."""
    table = np.asarray(table)
    rows, cols = np.indices(table.shape)
    counts = table.ravel()
    wide = pd.DataFrame({
        "unit": np.arange(counts.sum()),
        coders[0]: np.repeat(rows.ravel(), counts),
        coders[1]: np.repeat(cols.ravel(), counts),
    })
    return wide.melt(id_vars="unit", var_name="coder", value_name="value")


@pytest.fixture
def kripp():
    return to_long(KRIPP_2011)


# ---------------------------------------------------------------- reliability_matrix
def test_reliability_matrix_layout_and_missing(kripp):
    mat = reliability_matrix(kripp)
    assert list(mat.index) == ["A", "B", "C", "D"]
    assert list(mat.columns) == list(range(1, 13))
    np.testing.assert_array_equal(
        mat.loc["C"].to_numpy(), [np.nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, np.nan]
    )
    # rows that are absent (not just NaN) are missing codings too (units in order of
    # appearance: without the NaN rows unit 12 is met before unit 11)
    sparse = reliability_matrix(to_long(KRIPP_2011, dropna=True))
    assert list(sparse.columns[-2:]) == [12, 11]
    pd.testing.assert_frame_equal(sparse.sort_index(axis=1), mat)


def test_reliability_matrix_several_unit_columns_and_coder_order():
    df = pd.DataFrame({"respondent": [1, 1, 2, 1], "question": ["q1", "q1", "q1", "q2"],
                       "coder": ["B", "A", "A", "B"], "value": ["x", "y", "x", "z"]})
    mat = reliability_matrix(df, unit=["respondent", "question"], coders=["A", "B"])
    assert list(mat.index) == ["A", "B"]
    assert list(mat.columns) == [(1, "q1"), (2, "q1"), (1, "q2")]
    assert mat.loc["A", (1, "q1")] == "y" and pd.isna(mat.loc["B", (2, "q1")])


def test_duplicate_coding_raises_naming_rows(kripp):
    dup = pd.concat([kripp, kripp.iloc[[5]]], ignore_index=True)
    with pytest.raises(DuplicateKeyError) as err:
        reliability_matrix(dup)
    assert err.value.rows == [5, len(dup) - 1]
    assert "unit" in str(err.value) and "coder" in str(err.value)
    for fn in (percent_agreement, krippendorff_alpha):
        with pytest.raises(DuplicateKeyError):
            fn(dup)


def test_missing_labels_and_unknown_coder(kripp):
    bad = kripp.copy()
    bad.loc[3, "coder"] = None
    with pytest.raises(InvalidValueError, match="missing coder label") as err:
        krippendorff_alpha(bad, n_boot=0)
    assert err.value.rows == [3]
    with pytest.raises(InvalidValueError, match="coder not found"):
        reliability_matrix(kripp, coders=["A", "Z"])


def test_input_not_mutated(kripp):
    before = kripp.copy()
    reliability_matrix(kripp)
    percent_agreement(kripp)
    krippendorff_alpha(kripp, level="ordinal", n_boot=20, random_state=0)
    cohens_kappa(kripp, coders=["B", "D"])
    pd.testing.assert_frame_equal(kripp, before)


# ---------------------------------------------------------------- percent agreement
def test_percent_agreement_by_hand_kripp(kripp):
    out = percent_agreement(kripp).iloc[0]
    # pairable units 1-11; all coders agree on units 1, 3, 4, 5, 7, 9, 10, 11
    assert out["n_units"] == 11 and out["n_agree"] == 8 and out["n_coders"] == 4
    assert out["percent_agreement"] == pytest.approx(100 * 8 / 11)
    # coder pairs: 3 + 8 x 6 + 3 + 1 = 55; agreeing: 3+3+6+6+6+0+6+3+6+3+1 = 43
    assert out["pairwise_agreement"] == pytest.approx(100 * 43 / 55)
    from wellbeing_lib.stats import proportion_ci

    wilson = proportion_ci(8, 11).iloc[0]
    assert out["ci_low"] == pytest.approx(100 * wilson["ci_low"])
    assert out["ci_high"] == pytest.approx(100 * wilson["ci_high"])


def test_percent_agreement_two_coders_by_hand():
    df = pd.DataFrame({"unit": [1, 1, 2, 2, 3, 3, 4, 4, 5],
                       "coder": ["A", "B"] * 4 + ["A"],
                       "value": ["x", "x", "y", "z", "z", "z", "y", "y", "x"]})
    out = percent_agreement(df).iloc[0]
    assert (out["n_units"], out["n_agree"]) == (4, 3)  # unit 5 has one coding only
    assert out["percent_agreement"] == out["pairwise_agreement"] == 75.0


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), min_size=2, max_size=40))
def test_two_coder_agreement_and_kappa_match_direct_formulas(pairs):
    a, b = (np.array(x) for x in zip(*pairs))
    df = pd.DataFrame({"unit": np.tile(np.arange(len(a)), 2), "coder": np.repeat(["A", "B"], len(a)),
                       "value": np.concatenate([a, b])})
    assert percent_agreement(df)["percent_agreement"].iloc[0] == pytest.approx(100 * np.mean(a == b))
    cats = np.union1d(a, b)
    p_o = np.mean(a == b)
    p_e = sum(np.mean(a == c) * np.mean(b == c) for c in cats)
    if np.isclose(p_e, 1):
        with pytest.raises(InvalidValueError, match="undefined"):
            cohens_kappa(df)
    else:
        assert cohens_kappa(df)["kappa"].iloc[0] == pytest.approx((p_o - p_e) / (1 - p_e))


# ---------------------------------------------------------------- Cohen's kappa
# Altman DG (1991) Practical Statistics for Medical Research, Chapman & Hall, section 14.3:
# Table 14.2, two radiologists x 85 xeromammograms (Boyd et al. 1982): kappa 0.47,
# se 0.07, weighted kappa 0.57.  Table 14.3, MAST (rows) x RAST (columns), 363 sera:
# kappa 0.32 (95% CI 0.26 to 0.38), weighted kappa 0.56.  Table 14.4: kappa 0.38, 0.60.
ALTMAN_14_2 = [[21, 12, 0, 0], [4, 17, 1, 0], [3, 9, 15, 2], [0, 0, 0, 1]]
ALTMAN_14_3 = [[86, 3, 14, 0, 2], [26, 0, 10, 4, 0], [20, 2, 22, 4, 1],
               [11, 1, 37, 16, 14], [3, 0, 15, 24, 48]]


def test_cohens_kappa_altman_radiologists():
    out = cohens_kappa(table_to_long(ALTMAN_14_2)).iloc[0]
    assert (out["coder_1"], out["coder_2"], out["n_units"], out["n_excluded"]) == ("A", "B", 85, 0)
    assert out["percent_agreement"] == pytest.approx(100 * 54 / 85)  # "54/85 = 0.64"
    assert round(out["kappa"], 2) == 0.47
    assert out["kappa"] == pytest.approx(0.4728, abs=5e-5)  # Stata kap on the same data
    assert round(out["se"], 2) == 0.07
    from statsmodels.stats.inter_rater import cohens_kappa as sm_kappa

    ref = sm_kappa(np.array(ALTMAN_14_2))
    assert out["se"] == pytest.approx(ref.std_kappa)
    assert (out["ci_low"], out["ci_high"]) == pytest.approx((ref.kappa_low, ref.kappa_upp))
    weighted = cohens_kappa(table_to_long(ALTMAN_14_2), weights="linear").iloc[0]
    assert round(weighted["kappa"], 2) == 0.57 and weighted["weights"] == "linear"


def test_cohens_kappa_altman_mast_rast_and_ci_level():
    long = table_to_long(ALTMAN_14_3)
    out = cohens_kappa(long).iloc[0]
    assert round(out["kappa"], 2) == 0.32
    assert (round(out["ci_low"], 2), round(out["ci_high"], 2)) == (0.26, 0.38)
    assert round(cohens_kappa(long, weights="linear")["kappa"].iloc[0], 2) == 0.56
    wide = cohens_kappa(long, ci=0.99).iloc[0]
    assert wide["ci_high"] - wide["ci_low"] == pytest.approx(
        (out["ci_high"] - out["ci_low"]) * 2.5758293 / 1.9599640, rel=1e-6)


def test_cohens_kappa_altman_two_by_two():
    # Table 14.4 (a): kappa printed as 0.38 (= 0.375 exactly); (b): 0.60
    assert cohens_kappa(table_to_long([[70, 10], [10, 10]]))["kappa"].iloc[0] == pytest.approx(0.375)
    assert cohens_kappa(table_to_long([[40, 10], [10, 40]]))["kappa"].iloc[0] == pytest.approx(0.60)


def test_cohens_kappa_labels_and_value_domain():
    labels = np.array(["normal", "benign", "suspected", "cancer"])
    long = table_to_long(ALTMAN_14_2)
    named = long.assign(value=labels[long["value"]])
    assert cohens_kappa(named)["kappa"].iloc[0] == pytest.approx(0.4727891)
    with pytest.raises(InvalidValueError, match="non-numeric value"):
        cohens_kappa(named, weights="linear")
    weighted = cohens_kappa(named, weights="linear", value_domain=list(labels))
    assert weighted["kappa"].iloc[0] == pytest.approx(0.5683990)


def test_cohens_kappa_coder_choice_and_errors(kripp):
    with pytest.raises(InvalidValueError, match="exactly two coders"):
        cohens_kappa(kripp)
    out = cohens_kappa(kripp, coders=["A", "C"]).iloc[0]
    # units coded by both A and C: 2-9 (8 units); unit 1 by A only, units 10, 11 by C only
    assert (out["n_units"], out["n_excluded"]) == (8, 3)
    # A vs C on units 2-9: agree on 3, 4, 5, 7, 9
    assert out["percent_agreement"] == pytest.approx(100 * 5 / 8)
    apart = pd.DataFrame({"unit": [1, 2], "coder": ["A", "B"], "value": [1, 2]})
    with pytest.raises(UnmatchedRecordsError, match="both coders"):
        cohens_kappa(apart)
    with pytest.raises(ValueError, match="weights"):
        cohens_kappa(kripp, coders=["A", "B"], weights="cubic")


# ---------------------------------------------------------------- Krippendorff's alpha
@pytest.mark.parametrize("level", list(KRIPP_2011_ALPHA))
def test_alpha_reproduces_krippendorff_2011(kripp, level):
    out = krippendorff_alpha(kripp, level=level, n_boot=0).iloc[0]
    assert round(out["alpha"], 3) == KRIPP_2011_ALPHA[level]
    assert out["level"] == level
    assert (out["n_units"], out["n_coders"], out["n_values"]) == (11, 4, 40)  # n.. = 40
    assert np.isnan(out["ci_low"]) and out["n_boot"] == 0


def test_alpha_ordinal_labels_with_value_domain(kripp):
    names = {1: "very low", 2: "low", 3: "mid", 4: "high", 5: "very high"}
    labelled = kripp.assign(value=kripp["value"].map(names))
    order = list(names.values())
    out = krippendorff_alpha(labelled, level="ordinal", value_domain=order, n_boot=0)
    assert round(out["alpha"].iloc[0], 3) == 0.815
    assert round(krippendorff_alpha(labelled, n_boot=0)["alpha"].iloc[0], 3) == 0.743
    # numeric value_domain with unused values leaves alpha unchanged
    wide = krippendorff_alpha(kripp, level="ordinal", value_domain=range(0, 8), n_boot=0)
    assert round(wide["alpha"].iloc[0], 3) == 0.815


def test_alpha_needs_numbers_for_ordered_levels(kripp):
    labelled = kripp.assign(value=kripp["value"].map({1: "one", 2: "two", 3: "three",
                                                      4: "four", 5: "five"}))
    for level in ("ordinal", "interval", "ratio"):
        with pytest.raises(InvalidValueError, match=f"non-numeric value for level '{level}'") as err:
            krippendorff_alpha(labelled, level=level, n_boot=0)
        assert err.value.column == "value" and len(err.value.rows) == 41  # every coding
    with pytest.raises(InvalidValueError, match="value not in value_domain") as err:
        krippendorff_alpha(kripp, level="ordinal", value_domain=[1, 2, 3, 4], n_boot=0)
    assert err.value.found == [5.0]
    with pytest.raises(InvalidValueError, match="negative value for level 'ratio'"):
        krippendorff_alpha(kripp.assign(value=kripp["value"] - 3), level="ratio", n_boot=0)
    with pytest.raises(ValueError, match="level must be one of"):
        krippendorff_alpha(kripp, level="Nominal")


def test_alpha_undefined_or_unpairable():
    same = pd.DataFrame({"unit": [1, 1, 2, 2], "coder": ["A", "B"] * 2, "value": [3, 3, 3, 3]})
    with pytest.raises(InvalidValueError, match="undefined"):
        krippendorff_alpha(same, n_boot=0)
    lonely = pd.DataFrame({"unit": [1, 2], "coder": ["A", "B"], "value": [1, 2]})
    with pytest.raises(InvalidValueError, match="two or more coders"):
        krippendorff_alpha(lonely, n_boot=0)


def test_alpha_bootstrap_ci_contains_estimate_and_is_seeded(kripp):
    first = krippendorff_alpha(kripp, n_boot=200, random_state=11)
    again = krippendorff_alpha(kripp, n_boot=200, random_state=11)
    other = krippendorff_alpha(kripp, n_boot=200, random_state=12)
    pd.testing.assert_frame_equal(first, again)
    row = first.iloc[0]
    assert row["ci_low"] < row["alpha"] <= row["ci_high"] <= 1.0
    assert row["ci"] == 0.95 and row["n_boot"] == 200
    assert not first.equals(other)
    for level in ("ordinal", "interval", "ratio"):
        r = krippendorff_alpha(kripp, level=level, n_boot=200, random_state=3).iloc[0]
        assert r["ci_low"] < r["alpha"] <= r["ci_high"]
    narrow = krippendorff_alpha(kripp, n_boot=200, random_state=11, ci=0.5).iloc[0]
    assert row["ci_low"] <= narrow["ci_low"] <= narrow["ci_high"] <= row["ci_high"]


@pytest.mark.parametrize("level", list(KRIPP_2011_ALPHA))
@pytest.mark.parametrize("max_cells", [eng._MAX_CELLS, 10])
def test_bootstrap_formulas_reproduce_alpha_without_resampling(kripp, monkeypatch, level,
                                                               max_cells):
    """With every unit drawn exactly once, each 'resample' must give the package's alpha."""
    monkeypatch.setattr(eng, "_draw_weights", lambda rng, b, n: np.ones((b, n)))
    monkeypatch.setattr(eng, "_MAX_CELLS", max_cells)  # 10 forces the per-resample paths
    out = krippendorff_alpha(kripp, level=level, n_boot=5, random_state=0).iloc[0]
    assert out["ci_low"] == pytest.approx(out["alpha"], abs=1e-12)
    assert out["ci_high"] == pytest.approx(out["alpha"], abs=1e-12)


@pytest.mark.parametrize("level", list(KRIPP_2011_ALPHA))
def test_memory_light_point_estimate_matches_package(monkeypatch, level):
    """Many distinct values: our coincidence-matrix alpha equals a direct package call."""
    import krippendorff

    rng = np.random.default_rng(5)
    truth = rng.integers(5, 40, 60)
    mat = (truth + rng.integers(-3, 4, (3, 60))).astype(float)
    mat[rng.random(mat.shape) < 0.15] = np.nan
    long = pd.DataFrame({"unit": np.tile(np.arange(60), 3), "coder": np.repeat([0, 1, 2], 60),
                         "value": mat.ravel()})
    direct = krippendorff.alpha(mat, level_of_measurement=level)
    assert krippendorff_alpha(long, level=level, n_boot=0)["alpha"].iloc[0] == pytest.approx(direct)
    monkeypatch.setattr(eng, "_PACKAGE_CELLS", 0)  # force the memory-light path
    assert krippendorff_alpha(long, level=level, n_boot=0)["alpha"].iloc[0] == pytest.approx(direct)


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
