"""Theme frequency, group comparisons, co-occurrence and quotes (wellbeing_lib.engagement.themes).

Every expected number is worked out by hand in the test (or checked against scipy /
statsmodels computing the same statistic directly).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.backends import BACKENDS, to_backend
from wellbeing_lib.engagement import (
    apply_codebook,
    compare_groups,
    exemplar_quotes,
    load_codebook,
    mention_matrix,
    theme_cooccurrence,
    theme_frequency,
)
from wellbeing_lib.stats import proportion_ci


@pytest.mark.parametrize("backend", BACKENDS)  # the data and mentions in one backend
def test_theme_frequency_by_hand(dialogue, backend):
    m = apply_codebook(dialogue)
    data, mentions = to_backend(dialogue, backend), to_backend(m, backend)
    f = theme_frequency(data, mentions, by="type")
    assert isinstance(f, pd.DataFrame)  # a small table: pandas on every backend
    lon = f[f["theme"] == "Loneliness"].set_index("type")
    # public: R1, R3 (R4 is negated) -> 2/5; professional: R7 -> 1/3
    assert (lon.loc["public", "n"], lon.loc["public", "N"]) == (2, 5)
    assert (lon.loc["professional", "n"], lon.loc["professional", "N"]) == (1, 3)
    ref = proportion_ci(2, 5)
    assert lon.loc["public", "ci_low"] == pytest.approx(100 * ref["ci_low"].iloc[0], abs=1e-12)
    overall = theme_frequency(data, mentions)
    assert list(overall.columns) == ["theme", "n", "N", "percent", "ci_low", "ci_high"]
    cost = overall.set_index("theme").loc["Cost of living"]
    assert (cost["n"], cost["N"], cost["percent"]) == (2, 8, 25.0)
    assert len(overall) == load_codebook()["theme"].nunique()  # zero counts kept
    suppressed = theme_frequency(data, mentions, by="type", suppress=True)
    pub = suppressed.set_index(["type", "theme"])
    assert pd.isna(pub.loc[("public", "Loneliness"), "n"])       # 2 -> withheld
    assert pd.isna(pub.loc[("public", "Loneliness"), "percent"])
    assert pub.loc[("public", "Self-care"), "n"] == 0             # zero published


def test_mention_matrix_respects_data_rows(dialogue):
    m = apply_codebook(dialogue)
    sub = dialogue[dialogue["type"] == "professional"]
    mat = mention_matrix(sub, m)
    assert list(mat.index) == ["R6", "R7", "R8"]
    assert mat.loc["R7", "Loneliness"] and not mat.loc["R6", "Loneliness"]


def test_compare_groups_matches_scipy_and_statsmodels():
    from scipy.stats import chi2_contingency, fisher_exact
    from statsmodels.stats.multitest import multipletests

    rng = np.random.default_rng(3)
    groups = np.repeat(["a", "b", "c"], [60, 50, 40])
    lonely = rng.random(150) < np.repeat([0.5, 0.3, 0.2], [60, 50, 40])
    money = rng.random(150) < 0.3
    texts = np.where(lonely & money, "lonely, bills", np.where(lonely, "lonely",
                     np.where(money, "bills", "fine")))
    data = pd.DataFrame({"respondent": range(150), "g": groups, "text": texts})
    m = apply_codebook(data)
    out = compare_groups(data, m, by="g", test="chi2").set_index("theme")
    ps = []
    for theme, flag in (("Loneliness", lonely), ("Cost of living", money)):
        table = pd.crosstab(groups, flag).to_numpy()
        chi2, p, dof, _ = chi2_contingency(table, correction=False)
        assert out.loc[theme, "chi2"] == pytest.approx(chi2)
        assert out.loc[theme, "p_value"] == pytest.approx(p)
        assert out.loc[theme, "dof"] == dof == 2
        ps.append(p)
    # only the two themes with variation are tested and corrected together
    assert out["p_value"].notna().sum() == 2
    holm = multipletests(ps, method="holm")[1]
    assert out.loc[["Loneliness", "Cost of living"], "p_adjusted"].tolist() == pytest.approx(holm)
    bh = compare_groups(data, m, by="g", test="chi2", p_adjust="bh").set_index("theme")
    assert bh.loc[["Loneliness", "Cost of living"], "p_adjusted"].tolist() == pytest.approx(
        multipletests(ps, method="fdr_bh")[1])
    assert set(bh["p_adjust_method"]) == {"fdr_bh"}
    # two groups with small expected counts: Fisher's exact test
    two = pd.concat([data[data["g"] == "a"].iloc[:6], data[data["g"] == "b"].iloc[:6]])
    res = compare_groups(two, m, by="g").set_index("theme").loc["Loneliness"]
    t = pd.crosstab(two["g"], two["text"].str.contains("lonely")).to_numpy()[:, ::-1]
    assert res["test"] == "fisher"
    assert res["p_value"] == pytest.approx(fisher_exact(t).pvalue)
    assert res["difference"] == pytest.approx(100 * (t[0, 0] / t[0].sum() - t[1, 0] / t[1].sum()))


def test_cooccurrence_by_hand():
    data = pd.DataFrame({"respondent": [1, 2, 3, 4],
                         "text": ["lonely and anxious", "anxious", "lonely", "lonely, stressed"]})
    co = theme_cooccurrence(data, apply_codebook(data)).set_index(["theme_a", "theme_b"])
    pair = co.loc[("Loneliness", "Mental health")]
    # lonely: 1, 3, 4; mental health: 1, 2, 4; both: 1, 4 -> Jaccard 2 / (3 + 3 - 2)
    assert (pair["n_a"], pair["n_b"], pair["n_both"]) == (3, 3, 2)
    assert pair["jaccard"] == pytest.approx(0.5)
    assert co.loc[("Loneliness", "Loneliness"), "jaccard"] == 1.0
    assert np.isnan(co.loc[("Self-care", "Prevention"), "jaccard"])  # neither mentioned


def test_exemplar_quotes_redacted_deterministic_distinct():
    texts = ["Mrs Smith at EX1 2LB is lonely", "lonely, call 07700 900123", "Lonely",
             "Lonely", "lonely evenings", "No longer lonely at all", "bills",
             "Email jo.bloggs@example.com about bills"]
    data = pd.DataFrame({"respondent": range(1, 9), "text": texts})
    m = apply_codebook(data)
    q = exemplar_quotes(data, m, n_quotes=10)
    lonely = q[q["theme"] == "Loneliness"]
    assert len(lonely) == 4  # "Lonely" twice counts once; "No longer lonely" is negated
    assert lonely["rank"].tolist() == [1, 2, 3, 4]
    joined = " ".join(q["quote"])
    for secret in ("Smith", "EX1 2LB", "07700", "jo.bloggs"):
        assert secret not in joined
    assert "[NAME] at [POSTCODE] is lonely" in set(lonely["quote"])
    assert q.loc[q["quote"].str.contains(r"\[EMAIL\]"), "redacted"].all()
    again = exemplar_quotes(data, m, n_quotes=2, random_state=0)
    assert again.equals(exemplar_quotes(data, m, n_quotes=2, random_state=0))
    assert (again.groupby("theme").size() <= 2).all()
    orders = {tuple(exemplar_quotes(data, m, n_quotes=5, random_state=s)["respondent"]) for s in range(6)}
    assert len(orders) > 1  # the seed changes the choice
    short = exemplar_quotes(data, m, n_quotes=10, max_chars=12)
    assert short["quote"].str.len().max() <= 14


def test_exemplar_quotes_unit_defaults_to_the_mentions_columns():
    texts = pd.DataFrame({"respondent": [1, 1, 2], "question": ["q1", "q2", "q1"],
                          "text": ["Lonely", "Lonely at night", "Bills"]})
    mentions = apply_codebook(texts)
    q = exemplar_quotes(texts, mentions, n_quotes=5)
    assert list(q.columns) == ["theme", "rank", "respondent", "question", "quote", "match",
                               "redacted"]
    assert q.loc[q["theme"] == "Loneliness", "question"].sort_values().tolist() == ["q1", "q2"]
    by_respondent = apply_codebook(texts.drop(columns="question").iloc[[0, 2]])
    q = exemplar_quotes(texts.iloc[[0, 2]], by_respondent)
    assert "question" not in q.columns


def test_published_cooccurrence_recomputes_jaccard_from_the_rounded_counts():
    data = pd.DataFrame({"respondent": range(43),
                         "text": ["lonely and anxious"] * 12 + ["anxious"] * 21 + ["lonely"] * 8
                         + ["my job"] * 2})
    co = theme_cooccurrence(data, apply_codebook(data), suppress=True)
    pair = co.set_index(["theme_a", "theme_b"])
    both = pair.loc[("Loneliness", "Mental health")]
    # 20 lonely, 33 anxious -> 35, 12 both -> 10: Jaccard 10 / (20 + 35 - 10), not 12 / 41
    assert (both["n_a"], both["n_b"], both["n_both"]) == (20, 35, 10)
    assert both["jaccard"] == pytest.approx(10 / 45)
    work = pair.loc[("Work and purpose", "Loneliness")]
    assert pd.isna(work["n_a"]) and pd.isna(work["jaccard"])  # 2 withheld, Jaccard with it
