"""The coefficient family (wellbeing_lib.stats.coefficients) against published values.

Oracles:

* Gwet (2014), *Handbook of Inter-Rater Reliability*, 4th ed.: two abstractors x 100
  pregnancies, table [[13, 0, 0], [0, 20, 7], [0, 4, 56]] (irrCAC's ``cont3x3abstractors``):
  agreement 0.89, Cohen's kappa 0.7964094, Scott's pi 0.7962397, AC1 0.8493305,
  Brennan-Prediger 0.835, Krippendorff's alpha 0.7972585.
* Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability", 4 observers x 12 units:
  nominal 0.743, ordinal 0.815, interval 0.849, ratio 0.797.
* Fleiss (1971) / irrCAC ``distrib.6raters`` (6 raters x 15 subjects x 5 diagnoses):
  AC1 0.4448007, Fleiss' kappa 0.4139265.

Standard errors and intervals: the values printed by Gwet's R package irrCAC 1.4
(``*.raw`` functions; SE to 5 decimals, intervals to 3), run once on the same data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wellbeing_lib.errors import DuplicateKeyError, InvalidValueError
from wellbeing_lib.stats import (
    COEFFICIENTS,
    agreement_coefficients,
    agreement_weights,
    coefficients_from_counts,
    krippendorff_alpha,
)

GWET_TABLE = [[13, 0, 0], [0, 20, 7], [0, 4, 56]]
KRIPP_2011 = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
}
SIX_RATERS = [[0, 0, 0, 6, 0], [0, 3, 0, 0, 3], [0, 1, 4, 0, 1], [0, 0, 0, 0, 6],
              [0, 3, 0, 3, 0], [2, 0, 4, 0, 0], [0, 0, 4, 0, 2], [2, 0, 3, 1, 0],
              [2, 0, 0, 4, 0], [0, 0, 0, 0, 6], [1, 0, 0, 5, 0], [1, 1, 0, 4, 0],
              [0, 3, 3, 0, 0], [1, 0, 0, 5, 0], [0, 2, 0, 3, 1]]


def table_to_long(table) -> pd.DataFrame:
    table = np.asarray(table)
    rows, cols = np.indices(table.shape)
    pairs = pd.DataFrame({"A": np.repeat(rows.ravel(), table.ravel()),
                          "B": np.repeat(cols.ravel(), table.ravel())})
    return pairs.rename_axis("unit").reset_index().melt(id_vars="unit", var_name="coder",
                                                        value_name="value")


def kripp_long() -> pd.DataFrame:
    return pd.DataFrame(KRIPP_2011).rename_axis("unit").reset_index().melt(
        id_vars="unit", var_name="coder", value_name="value")


def distribution_to_long(rows) -> pd.DataFrame:
    """Give each unit's ratings to raters R1, R2, ... in category order."""
    records = []
    for unit, counts in enumerate(rows):
        values = np.repeat(np.arange(1, len(counts) + 1), counts)
        records += [(unit, f"R{g + 1}", v) for g, v in enumerate(values)]
    return pd.DataFrame(records, columns=["unit", "coder", "value"])


# ---------------------------------------------------------------- published point values
def test_gwet_three_by_three_table_all_published_values():
    out = agreement_coefficients(table_to_long(GWET_TABLE)).iloc[0]
    assert out["percent_agreement"] == pytest.approx(89.0)
    assert out["cohens_kappa"] == pytest.approx(0.7964094, abs=5e-8)
    assert out["scotts_pi"] == pytest.approx(0.7962397, abs=5e-8)
    assert out["gwet_ac"] == pytest.approx(0.8493305, abs=5e-8)
    assert out["brennan_prediger"] == pytest.approx(0.835, abs=1e-12)
    assert out["krippendorff_alpha"] == pytest.approx(0.7972585, abs=5e-8)
    assert out["fleiss_kappa"] == out["scotts_pi"]  # Fleiss' kappa is Scott's pi for two
    assert (out["n_units"], out["n_coders"], out["n_categories"]) == (100, 2, 3)


@pytest.mark.parametrize("level,published", [("nominal", 0.743), ("ordinal", 0.815),
                                             ("interval", 0.849), ("ratio", 0.797)])
def test_krippendorff_2011_all_levels(level, published):
    out = agreement_coefficients(kripp_long(), level=level, n_boot=200).iloc[0]
    assert round(out["krippendorff_alpha"], 3) == published
    same = krippendorff_alpha(kripp_long(), level=level, n_boot=0)["alpha"].iloc[0]
    assert out["krippendorff_alpha"] == pytest.approx(same, abs=1e-12)


def test_six_raters_distribution_published_values():
    out = coefficients_from_counts(SIX_RATERS).iloc[0]
    assert out["gwet_ac"] == pytest.approx(0.4448007, abs=5e-8)
    assert out["fleiss_kappa"] == pytest.approx(0.4139265, abs=5e-8)
    assert np.isnan(out["cohens_kappa"]) and np.isnan(out["scotts_pi"])
    assert "coders unknown" in out["note"]
    # the same ratings as a tidy table (raters assigned in category order) agree
    tidy = agreement_coefficients(distribution_to_long(SIX_RATERS)).iloc[0]
    for name in ("gwet_ac", "fleiss_kappa", "brennan_prediger", "krippendorff_alpha"):
        assert tidy[name] == pytest.approx(out[name], abs=1e-12)
    assert tidy["n_coders"] == 6 and "Conger" in tidy["note"]


# ---------------------------------------------------------------- irrCAC standard errors
IRRCAC_GWET_TABLE = {  # coefficient: (se, ci_low, ci_high) from irrCAC *.raw
    "cohens_kappa": (0.05921, 0.679, 0.914),
    "fleiss_kappa": (0.05935, 0.678, 0.914),
    "gwet_ac": (0.04344, 0.763, 0.936),
    "brennan_prediger": (0.04717, 0.741, 0.929),
    "krippendorff_alpha": (0.05935, 0.679, 0.915),
}


def test_standard_errors_and_intervals_match_irrcac_on_gwet_table():
    out = agreement_coefficients(table_to_long(GWET_TABLE)).iloc[0]
    for name, (se, low, high) in IRRCAC_GWET_TABLE.items():
        assert out[f"{name}_se"] == pytest.approx(se, abs=5e-6), name
        assert round(out[f"{name}_ci_low"], 3) == low, name
        assert round(out[f"{name}_ci_high"], 3) == high, name
    assert out["percent_agreement_se"] == pytest.approx(3.1445, abs=5e-4)  # 0.03145 x 100
    assert out["alpha_ci_method"] == "analytic"


IRRCAC_KRIPP = {  # weights: {coefficient: (estimate, se)} - irrCAC on Krippendorff 2011
    "identity": {"cohens_kappa": (0.76207, 0.15011), "fleiss_kappa": (0.76117, 0.15302),
                 "gwet_ac": (0.77544, 0.14295), "brennan_prediger": (0.77273, 0.14472),
                 "krippendorff_alpha": (0.74342, 0.14548)},
    "quadratic": {"cohens_kappa": (0.85717, 0.14436), "fleiss_kappa": (0.86494, 0.14603),
                  "gwet_ac": (0.91400, 0.10396), "brennan_prediger": (0.90152, 0.11089),
                  "krippendorff_alpha": (0.84911, 0.12905)},
    "ratio": {"cohens_kappa": (0.81101, 0.14961), "fleiss_kappa": (0.82134, 0.15239),
              "gwet_ac": (0.85737, 0.12207), "brennan_prediger": (0.84024, 0.13221),
              "krippendorff_alpha": (0.79740, 0.14036)},
    "ordinal": {"cohens_kappa": (0.84308, 0.14482), "fleiss_kappa": (0.85021, 0.14704),
                "gwet_ac": (0.89894, 0.10690), "brennan_prediger": (0.88636, 0.11391)},
    "linear": {"cohens_kappa": (0.81314, 0.14587), "fleiss_kappa": (0.81794, 0.14850),
               "gwet_ac": (0.85874, 0.11733), "brennan_prediger": (0.84848, 0.12336)},
}
LEVEL_OF = {"identity": "nominal", "quadratic": "interval", "ratio": "ratio",
            "ordinal": "ordinal", "linear": "interval"}


@pytest.mark.parametrize("weights", list(IRRCAC_KRIPP))
def test_weighted_coefficients_match_irrcac_with_missing_codings(weights):
    out = agreement_coefficients(kripp_long(), level=LEVEL_OF[weights], weights=weights,
                                 n_boot=50).iloc[0]
    assert out["weights"] == weights
    for name, (estimate, se) in IRRCAC_KRIPP[weights].items():
        assert out[name] == pytest.approx(estimate, abs=5e-6), name
        assert out[f"{name}_se"] == pytest.approx(se, abs=5e-6), name
    assert np.isnan(out["scotts_pi"])  # four coders


def test_ordinal_differs_between_packages_as_documented():
    """Krippendorff's ordinal alpha 0.815 (frequency-based distance); irrCAC's alpha with
    its rank-only ordinal weights is 0.834.  Ours is Krippendorff's, with a bootstrap CI."""
    out = agreement_coefficients(kripp_long(), level="ordinal", n_boot=300,
                                 random_state=1).iloc[0]
    assert round(out["krippendorff_alpha"], 3) == 0.815
    assert out["alpha_ci_method"] == "bootstrap"
    assert out["krippendorff_alpha_ci_low"] < 0.815 < out["krippendorff_alpha_ci_high"]
    again = agreement_coefficients(kripp_long(), level="ordinal", n_boot=300, random_state=1)
    assert again["krippendorff_alpha_ci_low"].iloc[0] == out["krippendorff_alpha_ci_low"]


# ---------------------------------------------------------------- behaviour
def test_one_row_per_code_with_by_and_value_domain():
    rng = np.random.default_rng(3)
    frames = []
    for code, p in (("lonely", 0.3), ("money", 0.1), ("rare", 0.0)):
        truth = rng.random(80) < p
        for coder in ("A", "B"):
            noise = rng.random(80) < 0.08
            frames.append(pd.DataFrame({"code": code, "unit": np.arange(80), "coder": coder,
                                        "value": (truth ^ noise).astype(int)}))
    data = pd.concat(frames, ignore_index=True)
    out = agreement_coefficients(data, by="code", value_domain=[0, 1])
    assert list(out["code"]) == ["lonely", "money", "rare"]
    assert (out["n_categories"] == 2).all()
    for _, row in out.iterrows():  # each row equals the code analysed on its own
        alone = agreement_coefficients(data[data["code"] == row["code"]], value_domain=[0, 1])
        for name in COEFFICIENTS:
            np.testing.assert_allclose(row[name], alone[name].iloc[0], equal_nan=True)


def test_kappa_paradox_rare_code_ac1_stays_high():
    """One code almost never applied: high agreement, kappa low, AC1 high (Gwet 2008)."""
    a = np.zeros(100, dtype=int)
    b = np.zeros(100, dtype=int)
    a[:2], b[1:3] = 1, 1   # both applied it once to the same answer, once each elsewhere
    data = pd.DataFrame({"unit": np.tile(np.arange(100), 2), "coder": np.repeat(["A", "B"], 100),
                         "value": np.concatenate([a, b])})
    out = agreement_coefficients(data, value_domain=[0, 1]).iloc[0]
    assert out["percent_agreement"] == pytest.approx(98.0)
    assert out["cohens_kappa"] < 0.5 < 0.95 < out["gwet_ac"]


def test_no_variation_gives_nan_kappa_but_defined_ac1_and_note():
    data = pd.DataFrame({"unit": [1, 1, 2, 2, 3, 3], "coder": ["A", "B"] * 3, "value": 0})
    out = agreement_coefficients(data, value_domain=[0, 1]).iloc[0]
    assert np.isnan(out["cohens_kappa"]) and np.isnan(out["krippendorff_alpha"])
    assert out["gwet_ac"] == pytest.approx(1.0) and out["brennan_prediger"] == pytest.approx(1.0)
    assert "undefined" in out["note"]


def test_errors_are_named():
    long = kripp_long()
    with pytest.raises(DuplicateKeyError):
        agreement_coefficients(pd.concat([long, long.iloc[[3]]], ignore_index=True))
    with pytest.raises(ValueError, match="no order"):
        agreement_coefficients(long, weights="linear")
    with pytest.raises(ValueError, match="weights must be"):
        agreement_coefficients(long, level="interval", weights="cubic")
    with pytest.raises(InvalidValueError, match="two or more coders"):
        agreement_coefficients(long[long["coder"] == "A"])
    with pytest.raises(InvalidValueError, match="confidence level"):
        agreement_coefficients(long, ci=95)
    with pytest.raises(ValueError, match="whole numbers"):
        coefficients_from_counts([[1.5, 0.5]])


def test_weights_are_gwets():
    w = agreement_weights([1, 2, 3, 4], "quadratic")
    assert w[0, 3] == 0 and w[0, 1] == pytest.approx(1 - 1 / 9)
    ratio = agreement_weights([1, 2, 4], "ratio")
    assert ratio[0, 2] == pytest.approx(0.0) and (np.diag(ratio) == 1).all()
    np.testing.assert_allclose(agreement_weights([0, 1], "ordinal"), np.eye(2))
    assert agreement_weights([1, 2, 3], "radical")[0, 1] == pytest.approx(1 - np.sqrt(0.5))
