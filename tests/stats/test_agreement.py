"""Inter-rater agreement (wellbeing_lib.stats.agreement) against published and hand-computed values.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wellbeing_lib.errors import (
    DuplicateKeyError,
    InvalidValueError,
    UnmatchedRecordsError,
)
from wellbeing_lib.stats import (
    agreement,
    binary_alpha,
    cohens_kappa,
    cohens_kappa_table,
    krippendorff_alpha,
    percent_agreement,
    proportion_ci,
    reliability_matrix,
)

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
    assert row["ci_level"] == 0.95 and row["n_boot"] == 200
    assert not first.equals(other)
    for level in ("ordinal", "interval", "ratio"):
        r = krippendorff_alpha(kripp, level=level, n_boot=200, random_state=3).iloc[0]
        assert r["ci_low"] < r["alpha"] <= r["ci_high"]
    narrow = krippendorff_alpha(kripp, n_boot=200, random_state=11, ci=0.5).iloc[0]
    assert row["ci_low"] <= narrow["ci_low"] <= narrow["ci_high"] <= row["ci_high"]


@pytest.mark.parametrize("level", list(KRIPP_2011_ALPHA))
@pytest.mark.parametrize("max_cells", [agreement._MAX_CELLS, 10])
def test_bootstrap_formulas_reproduce_alpha_without_resampling(kripp, monkeypatch, level,
                                                               max_cells):
    """With every unit drawn exactly once, each 'resample' must give the package's alpha."""
    monkeypatch.setattr(agreement, "_draw_weights", lambda rng, b, n: np.ones((b, n)))
    monkeypatch.setattr(agreement, "_MAX_CELLS", max_cells)  # 10 forces the per-resample paths
    out = krippendorff_alpha(kripp, level=level, n_boot=5, random_state=0).iloc[0]
    assert out["ci_low"] == pytest.approx(out["alpha"], abs=1e-12)
    assert out["ci_high"] == pytest.approx(out["alpha"], abs=1e-12)


@pytest.mark.parametrize("seed", [5, 6, 7])
@pytest.mark.parametrize("level", list(KRIPP_2011_ALPHA))
def test_alpha_matches_krippendorff_package(level, seed):
    """Many distinct values, missing codings, several coders: our numpy alpha equals the
    ``krippendorff`` package (a GPL test oracle in the dev extra, not a dependency)."""
    krippendorff = pytest.importorskip("krippendorff")
    rng = np.random.default_rng(seed)
    truth = rng.integers(5, 40, 60)
    n_coders = 2 + seed % 3
    mat = (truth + rng.integers(-3, 4, (n_coders, 60))).astype(float)
    mat[rng.random(mat.shape) < 0.15] = np.nan
    long = pd.DataFrame({"unit": np.tile(np.arange(60), n_coders),
                         "coder": np.repeat([f"C{i}" for i in range(n_coders)], 60),
                         "value": mat.ravel()})
    direct = krippendorff.alpha(mat, level_of_measurement=level)
    ours = krippendorff_alpha(long, level=level, n_boot=0)["alpha"].iloc[0]
    assert ours == pytest.approx(direct, rel=1e-10, abs=1e-12)


def test_alpha_does_not_import_the_gpl_package(monkeypatch, kripp):
    """krippendorff is GPL: the library computes alpha itself and never imports it."""
    import sys

    monkeypatch.setitem(sys.modules, "krippendorff", None)  # any import now fails
    assert round(krippendorff_alpha(kripp, n_boot=10)["alpha"].iloc[0], 3) == 0.743
    present = np.array([[2, 2, 0, 0, 2], [1, 0, 1, 2, 0]])
    assert binary_alpha(np.stack([2 - present, present], -1), n_boot=0)["alpha"].notna().all()


def test_factorising_by_runs_matches_pandas():
    """Text labels in long runs are factorised run by run: same codes as pd.factorize."""
    from wellbeing_lib.stats._ratings import _factorize

    rng = np.random.default_rng(0)
    labels = np.repeat(rng.choice(["A", "B", None, "C"], 400), rng.integers(1, 30, 400))
    for values in (labels, labels[::-1], rng.permutation(labels)):
        series = pd.Series(values, dtype=object)
        codes, uniques = _factorize(series)
        expected, exp_uniques = pd.factorize(series, use_na_sentinel=True)
        np.testing.assert_array_equal(codes, expected)
        assert list(uniques) == list(exp_uniques)


def test_alpha_default_random_state_is_a_fixed_seed(kripp):
    first = krippendorff_alpha(kripp, n_boot=100)
    pd.testing.assert_frame_equal(first, krippendorff_alpha(kripp, n_boot=100))
    pd.testing.assert_frame_equal(first, krippendorff_alpha(kripp, n_boot=100, random_state=0))
    with pytest.raises(InvalidValueError, match="confidence level"):
        krippendorff_alpha(kripp, ci=95)


# ---------------------------------------------------------------- ready-made tables
def test_cohens_kappa_table_matches_cohens_kappa_and_takes_a_stack():
    one = cohens_kappa_table(ALTMAN_14_2)
    via_long = cohens_kappa(table_to_long(ALTMAN_14_2)).iloc[0]
    assert list(one.columns) == ["kappa", "se", "ci_low", "ci_high"] and len(one) == 1
    for col in one.columns:
        assert one[col].iloc[0] == pytest.approx(via_long[col])
    assert round(cohens_kappa_table(ALTMAN_14_2, weights="linear")["kappa"].iloc[0], 2) == 0.57
    # Altman Table 14.4 (a), (b); a table with one category only has no kappa
    stack = cohens_kappa_table([[[70, 10], [10, 10]], [[40, 10], [10, 40]], [[5, 0], [0, 0]]])
    assert stack["kappa"].tolist()[:2] == pytest.approx([0.375, 0.60])
    assert stack.iloc[2].isna().all()
    wide = cohens_kappa_table(ALTMAN_14_2, ci=0.99).iloc[0]
    assert wide["ci_high"] - wide["ci_low"] == pytest.approx(
        (one["ci_high"].iloc[0] - one["ci_low"].iloc[0]) * 2.5758293 / 1.9599640, rel=1e-6)
    with pytest.raises(ValueError, match="square"):
        cohens_kappa_table([[1, 2, 3]])
    with pytest.raises(ValueError, match="weights"):
        cohens_kappa_table(ALTMAN_14_2, weights="cubic")
    with pytest.raises(InvalidValueError, match="confidence level"):
        cohens_kappa_table(ALTMAN_14_2, ci=95)


def test_binary_alpha_matches_krippendorff_alpha_per_variable_and_pooled():
    rng = np.random.default_rng(8)
    truth = rng.random((3, 1, 30)) < [[[0.2]], [[0.5]], [[0.7]]]
    present = truth ^ (rng.random((3, 3, 30)) < 0.15)  # 3 variables x 3 coders x 30 units
    counts = np.stack([3 - present.sum(axis=1), present.sum(axis=1)], axis=-1)
    out = binary_alpha(counts, n_boot=0)
    assert list(out.columns) == ["alpha", "ci_low", "ci_high", "n_boot"] and len(out) == 4
    coder, unit = np.meshgrid(["A", "B", "C"], np.arange(30), indexing="ij")
    for v in range(3):
        long = pd.DataFrame({"unit": unit.ravel(), "coder": coder.ravel(),
                             "value": present[v].ravel().astype(int)})
        assert out["alpha"].iloc[v] == pytest.approx(
            krippendorff_alpha(long, n_boot=0)["alpha"].iloc[0])
    pooled = pd.DataFrame({"unit": np.repeat(np.arange(3), 90) * 100 + np.tile(unit.ravel(), 3),
                           "coder": np.tile(coder.ravel(), 3),
                           "value": present.ravel().astype(int)})
    assert out["alpha"].iloc[3] == pytest.approx(
        krippendorff_alpha(pooled, n_boot=0)["alpha"].iloc[0])
    assert out["ci_low"].isna().all() and (out["n_boot"] == 0).all()
    # one bootstrap for all variables: seeded (default 0), the estimate inside the interval
    boot = binary_alpha(counts, n_boot=300)
    pd.testing.assert_frame_equal(boot, binary_alpha(counts, n_boot=300, random_state=0))
    assert not boot.equals(binary_alpha(counts, n_boot=300, random_state=1))
    assert (boot["ci_low"] <= boot["alpha"]).all() and (boot["alpha"] <= boot["ci_high"]).all()
    assert binary_alpha(counts, ci=None)["ci_low"].isna().all()
    # a variable nobody marked present has no alpha
    none = binary_alpha(np.concatenate([counts, [[[3, 0]] * 30]]), n_boot=0)
    assert np.isnan(none["alpha"].iloc[3]) and none["alpha"].iloc[:3].notna().all()
    with pytest.raises(ValueError, match="shape"):
        binary_alpha(counts[..., :1])
    with pytest.raises(ValueError, match="two or more coders"):
        binary_alpha([[[1, 0], [1, 1]]])
    with pytest.raises(ValueError, match="n_boot"):
        binary_alpha(counts, n_boot=-1)


def test_kappa_interval_is_truncated_to_kappas_range():
    """A Wald interval past 1 (kappa ± z·SE) is cut at 1: kappa cannot exceed it."""
    from wellbeing_lib.stats import cohens_kappa_table

    res = cohens_kappa_table([[40, 1], [0, 9]]).iloc[0]
    assert res["kappa"] + 1.959964 * res["se"] > 1  # the untruncated upper limit
    assert res["ci_high"] == 1.0
    assert res["ci_low"] == pytest.approx(res["kappa"] - 1.959964 * res["se"], rel=1e-6)
