"""Tests for triangulation, findings, plots, reports and the explorer of wellbeing_lib.diagnostic.

Hand-made examples carry their arithmetic in comments; the bundled data (data/README.md,
"Patterns planted") must give the planted dissonance of HV08 on Environment.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import openpyxl  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from wellbeing_lib import diagnostic as dg  # noqa: E402
from wellbeing_lib.errors import (  # noqa: E402
    DuplicateKeyError,
    InvalidValueError,
    MissingColumnError,
    UnmatchedRecordsError,
)
from wellbeing_lib.reporting.html import html_page  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "data"
ENV = "Environment"
HV08 = "Vale and Fens Ambulance Service NHS Trust"
HV12 = "Ormsby Primary Care Alliance"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def bundled():
    diag = dg.load_diagnostic_csv(DATA / "workforce_diagnostic_answers.csv")
    return {
        "diag": diag,
        "scores": dg.score_diagnostic(diag),
        "survey": pd.read_csv(DATA / "workforce_staff_survey.csv"),
        "networks": pd.read_csv(DATA / "workforce_staff_networks.csv"),
        "orgs": pd.read_csv(DATA / "workforce_organisations.csv"),
    }


@pytest.fixture(scope="module")
def bundled_tri(bundled):
    return dg.triangulate(bundled["scores"], survey=bundled["survey"],
                          networks=bundled["networks"], year=2021)


@pytest.fixture(scope="module")
def org_reports(bundled, tmp_path_factory):
    out = tmp_path_factory.mktemp("org_reports")
    files = dg.write_org_reports(
        bundled["diag"], out, survey=bundled["survey"], networks=bundled["networks"],
        organisations=bundled["orgs"], only=[HV08, HV12], year=2021, start="2021-11",
        progress=False)
    return out, files


def env_scores(means, completeness=None):
    """Scores of organisations A, B, ... on Environment only."""
    n = len(means)
    return pd.DataFrame({"organisation": [chr(65 + i) for i in range(n)], "element": ENV,
                         "n_questions": 9, "n_answered": 9,
                         "completeness_pct": completeness or [100.0] * n,
                         "mean_maturity": means})


def hs_survey(values, orgs, responses=None):
    """Health and safety climate results in a benchmark group worst 3.9, average 4.6, best 5.4."""
    return pd.DataFrame({"organisation": orgs, "indicator": "Health and safety climate",
                         "year": 2021, "value": values,
                         "responses": responses or [500] * len(orgs),
                         "national_worst": 3.9, "national_average": 4.6,
                         "national_best": 5.4})


# ------------------------------------------------------------------ convergence rules
def stances(*rows):
    return pd.DataFrame(rows, columns=["self_stance", "survey_stance", "network_stance"])


@pytest.mark.parametrize("row, expected", [
    (("positive", "positive", "positive"), "agreement"),
    (("negative", "silent", "negative"), "agreement"),  # two speak and agree
    (("positive", "mixed", "positive"), "partial agreement"),
    (("mixed", "negative", "silent"), "partial agreement"),
    (("positive", "silent", "silent"), "silence"),  # one source: nothing to check against
    (("silent", "silent", "silent"), "silence"),
    (("positive", "negative", "positive"), "dissonance"),
    (("silent", "positive", "negative"), "dissonance"),  # survey vs networks
    (("negative", "mixed", "positive"), "dissonance"),
])
def test_convergence_code_each_rule(row, expected):
    assert dg.convergence_code(stances(row)).tolist() == [expected]


def test_convergence_min_sources_three_makes_any_silence_silence_but_not_dissonance():
    data = stances(("negative", "silent", "negative"), ("positive", "negative", "silent"),
                   ("mixed", "mixed", "mixed"))
    assert dg.convergence_code(data, min_sources=3).tolist() == [
        "silence", "dissonance", "agreement"]


def test_convergence_code_rejects_bad_stances_and_settings():
    with pytest.raises(InvalidValueError, match="network_stance"):
        dg.convergence_code(stances(("positive", "positive", "concerned")))
    with pytest.raises(ValueError, match="min_sources"):
        dg.convergence_code(stances(("positive", "positive", "positive")), min_sources=1)
    with pytest.raises(MissingColumnError):
        dg.convergence_code(pd.DataFrame({"self_stance": ["positive"]}))


def test_triangulate_gives_each_code_with_its_stances_and_scores():
    # A: self 3.5 (mature); survey 5.2 >= (4.6+5.4)/2 = 5.0 -> top quartile; network positive
    # B: self 3.5; survey 4.4: between 4.25 and 4.6 -> second quartile (mixed); network positive
    # C: self 2.0 (mixed); no survey result, no network view -> one source -> silence
    # D: self 3.5; survey 4.0 < 4.25 -> bottom quartile; network concerned -> dissonance
    scores = env_scores([3.5, 3.5, 2.0, 3.5])
    survey = hs_survey([5.2, 4.4, 4.0], ["A", "B", "D"])
    networks = pd.DataFrame({"organisation": ["A", "B", "D"], "element": ENV,
                             "network": "Carers network",
                             "stance": ["positive", "positive", "concerned"]})
    t = dg.triangulate(scores, survey=survey, networks=networks).set_index("organisation")
    env = t[t["element"] == ENV]
    assert env["code"].to_dict() == {"A": "agreement", "B": "partial agreement",
                                     "C": "silence", "D": "dissonance"}
    assert env["self_stance"].tolist() == ["positive", "positive", "mixed", "positive"]
    assert env["survey_stance"].tolist() == ["positive", "mixed", "silent", "negative"]
    assert env["network_stance"].tolist() == ["positive", "positive", "silent", "negative"]
    assert env.loc["B", "self_vs_survey"] == "partial agreement"
    assert env.loc["D", "self_vs_survey"] == "dissonance"
    assert env.loc["D", "survey_vs_networks"] == "agreement"
    assert env.loc["C", "silent_sources"] == "staff survey; staff networks"
    # self score (3.5 - 2) / 2 = 0.75; survey position 0.5 (4.0 - 3.9) / 0.7 = 0.0714286,
    # score 2 p - 1 = -0.857143; network -1: |0.75 + 0.857143| + |0.75 + 1| = 3.357143
    assert env.loc["D", "self_score"] == pytest.approx(0.75)
    assert env.loc["D", "survey_score"] == pytest.approx(2 * 0.5 * 0.1 / 0.7 - 1)
    assert env.loc["D", "dissonance_score"] == pytest.approx(1.75 + 0.75 + 0.857142857)
    assert env.loc["A", "dissonance_score"] == 0
    assert env.loc["C", "sentence"] == (
        "C rates itself part-way on Environment (mean 2.00 of 4), no staff survey results for "
        "this organisation, no staff network view")
    assert len(t) == 4  # one row per organisation x element of the scores


def test_triangulate_thresholds_are_keywords():
    scores = env_scores([3.5])
    survey = hs_survey([5.2], ["A"])
    base = dg.triangulate(scores, survey=survey)
    assert base.loc[0, "code"] == "agreement"
    stricter = dg.triangulate(scores, survey=survey, self_high=3.6)  # 3.5 is now mixed
    assert stricter.loc[0, "self_stance"] == "mixed"
    assert stricter.loc[0, "code"] == "partial agreement"
    assert stricter.attrs["rules"]["self_high"] == 3.6
    with pytest.raises(ValueError, match="self_low"):
        dg.triangulate(scores, self_low=3.0, self_high=2.0)


def test_triangulate_weights_mapped_indicators_and_leaves_out_small_samples():
    # Improving personal health and wellbeing: positive action (weight 1) in the top quartile
    # (4), negative experiences (weight 0.5) in the bottom (1): (1 x 4 + 0.5 x 1) / 1.5 = 3.0
    scores = pd.DataFrame({"organisation": "A", "element": dg.elements()["element"],
                           "completeness_pct": 100.0, "mean_maturity": 3.0})
    survey = pd.DataFrame({
        "organisation": "A", "year": 2021,
        "indicator": ["Organisation takes positive action on health and wellbeing",
                      "Negative experiences", "Health and safety climate"],
        "value": [69.0, 7.61, 5.3], "responses": [400, 400, 5],
        "national_worst": [42.0, 7.6, 4.9], "national_average": [56.0, 8.0, 5.9],
        "national_best": [70.0, 8.5, 6.9]})
    t = dg.triangulate(scores, survey=survey).set_index("element")
    phw = "Improving personal health and wellbeing"
    assert t.loc[phw, "survey_quartile"] == pytest.approx(3.0)
    assert t.loc[phw, "survey_stance"] == "mixed"
    # Environment's only indicator has 5 responses (< 8): not used, so the survey is silent
    assert t.loc[ENV, "survey_stance"] == "silent"
    assert t.loc["Data insights", "survey_stance"] == "silent"  # nothing mapped by design
    assert "no staff survey indicator is mapped" in t.loc["Data insights", "sentence"]


def test_triangulate_unmatched_organisation_is_an_error():
    with pytest.raises(UnmatchedRecordsError, match="Trust Z"):
        dg.triangulate(env_scores([3.0]), survey=hs_survey([5.0], ["Trust Z"]))


# ------------------------------------------------------------------ survey and networks
def test_quartile_midpoint_rule_by_hand():
    # boundaries: (3.9 + 4.6) / 2 = 4.25, 4.6, (4.6 + 5.4) / 2 = 5.0; a boundary goes up
    s = hs_survey([3.9, 4.08, 4.25, 4.5, 4.6, 4.99, 5.0, 5.4, 6.0],
                  list("ABCDEFGHI"))
    p = dg.survey_position(s)
    assert p["quartile"].tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 4]
    assert p["position"].tolist() == pytest.approx(
        [0, 0.5 * 0.18 / 0.7, 0.25, 0.5 * 0.6 / 0.7, 0.5, 0.5 + 0.5 * 0.39 / 0.8, 0.75, 1, 1])
    assert p["outside_range"].tolist() == [False] * 8 + [True]
    assert p.loc[1, "quartile_label"] == "bottom quartile"


def test_quartile_range_rule_and_lower_is_better():
    s = hs_survey([4.25, 4.3], ["A", "B"])
    # equal quarters of 3.9-5.4 (width 0.375): 4.25 < 4.275 -> 1; 4.3 -> 2
    assert dg.survey_position(s, rule="range")["quartile"].tolist() == [1, 2]
    lower = pd.DataFrame({"organisation": ["A", "B"], "indicator": "Sickness absence %",
                          "year": 2021, "value": [5.5, 3.0], "responses": 100,
                          "national_worst": 6.0, "national_average": 4.5,
                          "national_best": 3.0, "higher_is_better": False})
    # A: 0.5 (5.5 - 6) / (4.5 - 6) = 0.1667 -> bottom; B equals the best -> top
    p = dg.survey_position(lower)
    assert p["quartile"].tolist() == [1, 4]
    assert p["position"].tolist() == pytest.approx([1 / 6, 1.0])
    with pytest.raises(ValueError, match="rule"):
        dg.survey_position(s, rule="deciles")


def test_survey_position_vs_ics_year_and_small_samples():
    s = pd.concat([hs_survey([4.0, 5.0], ["A", "B"], responses=[100, 300]).assign(year=2021),
                   hs_survey([4.2], ["A"], responses=[5]).assign(year=2022)])
    # ICS 2021 = (4.0 x 100 + 5.0 x 300) / 400 = 4.75
    p = dg.survey_position(s, year=2021)
    assert p["ics_average"].tolist() == pytest.approx([4.75, 4.75])
    assert p["vs_ics"].tolist() == ["worse than the ICS average", "better than the ICS average"]
    latest = dg.survey_position(s).set_index("organisation")
    assert latest.loc["A", "year"] == 2022 and latest.loc["B", "year"] == 2021
    assert not latest.loc["A", "usable"] and pd.isna(latest.loc["A", "quartile"])
    with pytest.raises(InvalidValueError, match="year"):
        dg.survey_position(s, year=2019)


def test_load_staff_survey_names_the_problem():
    bad = hs_survey([4.0, 5.0], ["A", "B"])
    bad.loc[1, "national_best"] = 4.0
    with pytest.raises(InvalidValueError, match=r"out of order.*row 1.*3\.9 / 4\.6 / 4"):
        dg.load_staff_survey(bad)
    with pytest.raises(DuplicateKeyError, match="A / Health and safety climate / 2021"):
        dg.load_staff_survey(hs_survey([4.0, 5.0], ["A", "A"]))
    with pytest.raises(MissingColumnError, match="responses"):
        dg.load_staff_survey(hs_survey([4.0], ["A"]).drop(columns="responses"))
    with pytest.raises(InvalidValueError, match="responses"):
        dg.load_staff_survey(hs_survey([4.0], ["A"], responses=[10.5]))


def test_bundled_survey_loads_and_hv08_is_bottom_quartile(bundled):
    p = dg.survey_position(bundled["survey"], year=2021).set_index(["organisation",
                                                                     "indicator"])
    row = p.loc[(HV08, "Health and safety climate")]
    # 4.08 in the ambulance range 3.90-4.60-5.40: below 4.25 -> bottom quartile
    assert row["quartile"] == 1 and row["value"] == 4.08 and row["ics_average"] == 5.93
    assert p["usable"].all() and len(p) == 28


def test_element_survey_map_is_documented_data():
    m = dg.element_survey_map()
    assert {"rationale", "source", "year"} <= set(m.columns)
    assert set(m["element"]) <= set(dg.elements()["element"])
    assert "Data insights" not in set(m["element"])
    env = m[m["element"] == ENV]
    assert env["indicator"].tolist() == ["Health and safety climate"]
    phw = m[m["element"] == "Improving personal health and wellbeing"].set_index("indicator")
    assert phw.loc["Organisation takes positive action on health and wellbeing",
                   "role"] == "primary"
    assert m["rationale"].str.len().min() > 40
    with pytest.raises(InvalidValueError, match="unknown element"):
        dg.element_survey_map(pd.DataFrame({"element": ["Estates"], "indicator": ["X"]}))


def test_load_staff_networks_validates():
    n = dg.load_staff_networks(pd.DataFrame({
        "organisation": "A", "element": [" ENVIRONMENT ", "data insights"],
        "stance": ["Mixed", "concerned"]}))
    assert n["element"].tolist() == [ENV, "Data insights"]
    assert n["stance_score"].tolist() == [0.0, -1.0]
    with pytest.raises(InvalidValueError, match="unknown stance.*found angry"):
        dg.load_staff_networks(pd.DataFrame({"organisation": "A", "element": [ENV],
                                             "stance": ["angry"]}))
    with pytest.raises(InvalidValueError, match="unknown element"):
        dg.load_staff_networks(pd.DataFrame({"organisation": "A", "element": ["Estates"],
                                             "stance": ["mixed"]}))
    with pytest.raises(DuplicateKeyError):
        dg.load_staff_networks(pd.DataFrame({"organisation": "A", "element": [ENV, ENV],
                                             "network": "Carers", "stance": "mixed"}))
    scored = dg.load_staff_networks(
        pd.DataFrame({"organisation": "A", "element": [ENV], "stance": ["amber"]}),
        stances={"green": 1, "amber": 0.25, "red": -1})
    assert scored["stance_score"].tolist() == [0.25]


# ------------------------------------------------------------------ bundled dissonances
def test_bundled_dissonances_put_hv08_environment_first(bundled_tri):
    d = dg.dissonances(bundled_tri)
    top = d.iloc[0]
    assert (top["organisation"], top["element"]) == (HV08, ENV)
    assert (top["self_stance"], top["survey_stance"], top["network_stance"]) == (
        "positive", "negative", "negative")
    assert top["sentence"] == (
        f"{HV08} rates itself mature on Environment (mean 3.44 of 4), staff survey health and "
        "safety climate in the bottom quartile (2021), staff networks concerned (concerned 2)")
    assert d["rank"].tolist() == list(range(1, len(d) + 1))
    assert d["dissonance_score"].is_monotonic_decreasing
    # HV12 has no answers but its networks speak: never dissonant through the self-assessment
    hv12 = bundled_tri[bundled_tri["organisation"] == HV12]
    assert (hv12["self_stance"] == "silent").all()


def test_bundled_triangulation_default_year_keeps_hv08_first(bundled):
    t = dg.triangulate(bundled["scores"], survey=bundled["survey"],
                       networks=bundled["networks"])
    first = dg.dissonances(t, top=1)
    assert first[["organisation", "element"]].iloc[0].tolist() == [HV08, ENV]
    assert t["survey_year"].dropna().unique().tolist() == [2022]


# ------------------------------------------------------------------ profile and findings
def test_org_profile_rank_and_positions():
    scores = env_scores([3.5, 1.0, 2.0, 2.0, 4.0], completeness=[100, 100, 100, 100, 30])
    p = dg.org_profile(scores).set_index("organisation")
    # E (30% answered) is left out of the system view: median of 3.5, 1, 2, 2 = 2.0
    assert p["system_median"].iloc[0] == 2.0
    assert p["rank"].tolist()[:4] == [1, 4, 2, 2]
    assert p.loc["E", "position"] == "too few answers" and pd.isna(p.loc["E", "rank"])
    assert p.loc["C", "position"] == "at the system median"
    with pytest.raises(InvalidValueError, match="unknown organisation"):
        dg.org_profile(scores, "Z")


def test_diagnostic_findings_from_every_basis():
    scores = env_scores([3.5, 1.0, 2.0]).assign(n_answered=[9, 9, 6])
    tri = dg.triangulate(scores, networks=pd.DataFrame({
        "organisation": ["A", "B"], "element": ENV, "stance": ["positive", "positive"]}))
    gaps = pd.DataFrame({"level": ["organisation"], "organisation": ["B"], "element": [ENV],
                         "missing_groups": ["AfC 2-4"]})
    staging = pd.DataFrame({"organisation": ["C"], "element": [ENV], "status": ["in progress"],
                            "planned_month": ["2022-03"],
                            "days_late": pd.array([30], dtype="Int64")})
    f = dg.diagnostic_findings(scores, triangulation=tri, gaps=gaps, staging=staging)
    got = {(o, k, b) for o, k, b in f[["organisation", "finding", "basis"]].itertuples(
        index=False)}
    assert got == {
        ("A", "positive", "self-assessment"), ("A", "positive", "system comparison"),
        ("A", "positive", "triangulation"),
        ("B", "gap", "self-assessment"), ("B", "gap", "system comparison"),
        ("B", "gap", "evidence"), ("B", "gap", "triangulation"),
        ("C", "gap", "completeness"), ("C", "gap", "staging")}
    msg = f.set_index(["organisation", "basis"])["message"]
    assert msg[("B", "evidence")] == "No evidence about AfC 2-4 on Environment"
    assert msg[("C", "staging")] == ("Environment overdue: planned for 2022-03, in progress "
                                     "(30 days past due)")
    assert msg[("C", "completeness")] == "3 of 9 questions on Environment not answered"
    assert f["finding"].tolist()[:3] == ["positive"] * 3  # A's positives first


# ------------------------------------------------------------------ plots
def test_plots_draw_on_the_given_axes(bundled, bundled_tri):
    codes = dict(zip(bundled["orgs"]["organisation"], bundled["orgs"]["org_code"]))
    fig, axes = plt.subplots(1, 3)
    ax = dg.plot_convergence(bundled_tri, ax=axes[0], labels=codes)
    assert ax is axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()][:2] == ["HV01", "HV02"]
    letters = [t.get_text() for t in ax.texts]
    assert len(letters) == 14 * 7 and letters.count("D") == 5
    ax = dg.plot_diagnostic_heatmap(bundled["scores"], ax=axes[1], labels=codes)
    assert ax is axes[1]
    assert ax.get_yticklabels()[-1].get_text() == "System median"
    assert ax.texts[-1].get_text() == "3.23"  # system median of Professional wellbeing support
    prof = dg.org_profile(bundled["scores"], HV08)
    ax = dg.plot_org_profile(prof, ax=axes[2])
    assert ax is axes[2]
    assert ax.get_yticklabels()[0].get_text() == "Personal health and wellbeing"
    with pytest.raises(ValueError, match="one organisation"):
        dg.plot_org_profile(dg.org_profile(bundled["scores"]))


# ------------------------------------------------------------------ reports
def test_org_reports_files_and_workbook(org_reports):
    out, files = org_reports
    assert files["file"].tolist() == ["HV08_diagnostic_report.xlsx",
                                      "HV08_diagnostic_report.html",
                                      "HV12_diagnostic_report.xlsx",
                                      "HV12_diagnostic_report.html"]
    assert all(Path(p).parent == out for p in files["path"])
    book = openpyxl.load_workbook(out / "HV08_diagnostic_report.xlsx")
    assert book.sheetnames == list(dg.ORG_REPORT_SHEETS)
    ws = book["Scores vs system"]
    header = [c.value for c in ws[1]]
    assert header[:8] == ["element", "n_questions", "n_answered", "completeness_pct",
                          "mean_maturity", "system_median", "system_q1", "system_q3"]
    assert ws.freeze_panes == "A2"
    rows = {r[0]: dict(zip(header, r)) for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows[ENV]["mean_maturity"] == 3.44 and rows[ENV]["system_median"] == 2.25
    assert rows[ENV]["rank"] == 1 and rows[ENV]["position"] == "above the system median"
    assert "E2:E8" in {str(cf.sqref) for cf in ws.conditional_formatting}  # mean_maturity
    answers = book["Answers"]
    assert [c.value for c in answers[1]][:5] == ["question_id", "element", "sub_area",
                                                 "question", "answer"]
    assert answers.max_row == 61 and answers["A2"].value == "PHW-01"
    tri = {r[0]: r for r in book["Triangulation"].iter_rows(min_row=2, values_only=True)}
    assert tri[ENV][1] == "dissonance"
    gaps = [r[2] for r in book["Gaps"].iter_rows(min_row=2, values_only=True)]
    assert f"Sources disagree: {HV08} rates itself mature on Environment (mean 3.44 of 4), " \
        "staff survey health and safety climate in the bottom quartile (2021), staff " \
        "networks concerned (concerned 2)" in gaps
    positives = [r[2] for r in book["Positives"].iter_rows(min_row=2, values_only=True)]
    assert "Above the system median on Environment (3.44 vs 2.25)" in positives
    widths = book["Answers"].column_dimensions["D"].width
    assert 20 < widths <= 72


def test_org_report_for_an_organisation_that_has_not_started(org_reports):
    out, _ = org_reports
    book = openpyxl.load_workbook(out / "HV12_diagnostic_report.xlsx")
    answers = list(book["Answers"].iter_rows(min_row=2, values_only=True))
    assert len(answers) == 60 and all(r[4] is None for r in answers)
    gaps = [r[2] for r in book["Gaps"].iter_rows(min_row=2, values_only=True)]
    assert "Environment not started (none of 9 questions answered)" in gaps
    assert [c.value for c in book["Staff survey"][2]] == [
        "no staff survey results for this organisation"]


def test_org_report_html(org_reports):
    out, _ = org_reports
    text = (out / "HV08_diagnostic_report.html").read_text(encoding="utf-8")
    positions = [text.index(f'id="{s}"') for s in ("positives", "gaps",
                                                     "profile-against-the-system", "answers")]
    assert positions == sorted(positions)  # positives and gaps first, then the detail
    assert len(re.findall(r'<img [^>]*src="data:image/png;base64,[A-Za-z0-9+/=]{1000,}"',
                          text)) == 1
    assert "<li>Above the system median on Environment (3.44 vs 2.25)</li>" in text
    assert "staff survey health and safety climate in the bottom quartile" in text


def test_reports_suppress_small_staff_counts(tmp_path):
    scores = env_scores([3.5, 2.0])
    survey = hs_survey([5.2, 4.4], ["A", "B"], responses=[5, 1353])
    networks = pd.DataFrame({"organisation": ["A", "B"], "element": ENV,
                             "network": "Carers network", "stance": "positive",
                             "members": [3, 12]})
    files = dg.write_org_reports(scores, tmp_path, survey=survey, networks=networks,
                                 progress=False)
    book_a = openpyxl.load_workbook(tmp_path / "a_diagnostic_report.xlsx")
    survey_a = dict(zip([c.value for c in book_a["Staff survey"][1]],
                        [c.value for c in book_a["Staff survey"][2]]))
    # 5 responses: withheld, and so is the result and its quartile
    assert survey_a["responses"] == "*" and survey_a["value"] == "*"
    assert survey_a["quartile_label"] == "*"
    nets_a = dict(zip([c.value for c in book_a["Staff networks"][1]],
                      [c.value for c in book_a["Staff networks"][2]]))
    assert nets_a["members"] == "*"
    book_b = openpyxl.load_workbook(tmp_path / "b_diagnostic_report.xlsx")
    survey_b = dict(zip([c.value for c in book_b["Staff survey"][1]],
                        [c.value for c in book_b["Staff survey"][2]]))
    assert survey_b["responses"] == 1355 and survey_b["value"] == 4.4  # rounded to 5
    assert [c.value for c in book_b["Staff networks"][2]][-1] == 10
    # the answers were not given (scores only): the sheet says so
    assert book_b["Answers"]["A2"].value == "the answers were not given (scores only)"
    # the withheld result is not used in the triangulation either
    tri = {r[0]: r for r in book_a["Triangulation"].iter_rows(min_row=2, values_only=True)}
    assert tri[ENV][4] == "silent"
    assert len(files) == 4


def test_reports_never_overwrite_inputs(tmp_path, bundled):
    folder = tmp_path / "workbooks"
    folder.mkdir()
    for name in ("HV08.xlsx", "HV13.xlsx"):
        shutil.copy(DATA / "diagnostic_workbooks" / name, folder / name)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    diag = dg.load_diagnostic_workbooks(folder, progress=False)
    with pytest.raises(ValueError, match="input folder"):
        dg.write_org_reports(diag, folder, progress=False)
    answers = tmp_path / "answers.csv"
    answers.write_bytes((DATA / "workforce_diagnostic_answers.csv").read_bytes())
    with pytest.raises(ValueError, match="input"):
        dg.write_system_report(answers, answers)
    out = tmp_path / "out"
    dg.write_org_reports(diag, out, only="Kestrel Hill Hospice", progress=False)
    with pytest.raises(FileExistsError):
        dg.write_org_reports(diag, out, only="Kestrel Hill Hospice", progress=False,
                             overwrite=False)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert sorted(p.name for p in out.iterdir()) == ["HV13_diagnostic_report.html",
                                                     "HV13_diagnostic_report.xlsx"]
    with pytest.raises(InvalidValueError, match="not in the diagnostic"):
        dg.write_org_reports(diag, out, only=["Nowhere Trust"], progress=False)


def test_system_report(bundled, bundled_tri, tmp_path):
    files = dg.write_system_report(bundled["diag"], tmp_path, triangulation=bundled_tri,
                                   survey=bundled["survey"], organisations=bundled["orgs"],
                                   year=2021, start="2021-11")
    assert files["file"].tolist() == ["diagnostic_system_themes.xlsx",
                                      "diagnostic_system_themes.html"]
    book = openpyxl.load_workbook(tmp_path / "diagnostic_system_themes.xlsx")
    assert book.sheetnames == list(dg.SYSTEM_REPORT_SHEETS)
    themes = list(book["Themes"].iter_rows(min_row=2, values_only=True))
    assert ("widespread gap", "Data insights") in {t[:2] for t in themes}
    assert ("widespread strength", "Professional wellbeing support") in {t[:2] for t in themes}
    assert any(t[0] == "evidence gap" and t[1] == "Managers and leaders" and "AfC 1-4" in t[2]
               for t in themes)
    assert any(t[0] == "peer learning" and t[1] == "Data insights"
               and t[2].startswith("Halden Vale Partnership NHS Foundation Trust (3.50")
               for t in themes)
    behind = {t[2].split(":")[0] for t in themes if t[0] == "behind schedule"}
    assert behind == {HV12, "Eastbrook Community Services CIC", "Ormsby County Council"}
    diss = book["Dissonances"]
    assert [c.value for c in diss[2]][:3] == [1, HV08, ENV]
    coverage = list(book["Coverage by element"].iter_rows(values_only=True))
    header = coverage[0]
    mgr = next(r for r in coverage if r[0] == "Managers and leaders")
    assert [mgr[header.index(g)] for g in ("AfC 2", "AfC 3", "AfC 4")] == [0, 0, 0]
    assert book["Staff survey"]["F2"].value % 5 == 0  # responses rounded
    text = (tmp_path / "diagnostic_system_themes.html").read_text(encoding="utf-8")
    for anchor in ("widespread-strengths", "widespread-gaps", "peer-learning",
                   "evidence-gaps", "staging", "dissonances"):
        assert f'id="{anchor}"' in text
    assert text.count("data:image/png;base64,") == 3  # staging, convergence, heatmap


# ------------------------------------------------------------------ explorer and HTML
def test_diagnostic_explorer_updates_on_selection(bundled):
    from wellbeing_lib.widgets import diagnostic_explorer

    explorer = diagnostic_explorer(bundled["scores"])
    first = explorer.current_table
    assert first["organisation"].unique().tolist() == [
        "Halden Vale Hospitals NHS Foundation Trust"]
    explorer.dropdown.value = HV08
    table = explorer.current_table.set_index("element")
    assert explorer.current_organisation == HV08
    assert table.loc[ENV, "mean_maturity"] == pytest.approx(31 / 9)
    assert table.loc[ENV, "rank"] == 1
    assert len(explorer.children[2].value) > 1000  # the chart's PNG bytes


def test_html_page_escapes_text_and_tables():
    page = html_page("A <b> & C", [("Gaps", ["x < y", ["one & two"],
                                              pd.DataFrame({"v": ["<script>"]})])])
    assert "<title>A &lt;b&gt; &amp; C</title>" in page
    assert "<p>x &lt; y</p>" in page and "<li>one &amp; two</li>" in page
    assert "&lt;script&gt;" in page and "<script>" not in page
    with pytest.raises(TypeError):
        html_page("x", [("s", [object()])])


def test_triangulation_columns_are_documented(bundled_tri):
    expected = ["organisation", "element", "self_mean", "self_completeness", "self_stance",
                "self_score", "survey_year", "survey_indicators", "survey_detail",
                "survey_quartile", "survey_position", "survey_stance", "survey_score",
                "n_networks", "network_views", "network_comments", "network_score",
                "network_stance", "n_sources", "silent_sources", "self_vs_survey",
                "self_vs_networks", "survey_vs_networks", "code", "dissonance_score",
                "sentence"]
    assert list(bundled_tri.columns) == expected
    assert len(bundled_tri) == 14 * 7
    assert set(bundled_tri["code"]) <= set(dg.CONVERGENCE_CODES)
    assert np.array_equal(bundled_tri["n_sources"],
                          (bundled_tri[["self_stance", "survey_stance", "network_stance"]]
                           != "silent").sum(axis=1))
