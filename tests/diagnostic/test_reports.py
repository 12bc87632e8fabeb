"""Tests of wellbeing_lib.diagnostic.reports: each organisation's workbook and HTML summary,
and the system themes report.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import openpyxl  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from tests.diagnostic.helpers import DATA, ENV, HV08, HV12, env_scores, hs_survey  # noqa: E402
from wellbeing_lib import diagnostic as dg  # noqa: E402
from wellbeing_lib.errors import InvalidValueError  # noqa: E402
from wellbeing_lib.reporting.html import html_page  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def org_reports(bundled, tmp_path_factory):
    out = tmp_path_factory.mktemp("org_reports")
    files = dg.write_org_reports(
        bundled["diag"], out, survey=bundled["survey"], networks=bundled["networks"],
        organisations=bundled["orgs"], only=[HV08, HV12], year=2021, start="2021-11",
        progress=False)
    return out, files


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


def test_html_page_escapes_text_and_tables():
    page = html_page("A <b> & C", [("Gaps", ["x < y", ["one & two"],
                                              pd.DataFrame({"v": ["<script>"]})])])
    assert "<title>A &lt;b&gt; &amp; C</title>" in page
    assert "<p>x &lt; y</p>" in page and "<li>one &amp; two</li>" in page
    assert "&lt;script&gt;" in page and "<script>" not in page
    with pytest.raises(TypeError):
        html_page("x", [("s", [object()])])


def test_reports_list_the_triangulation_rules_they_were_given(tmp_path):
    # the rules travel as an argument (not on the table): A's 3.5 is mixed with self_high 3.6
    scores = env_scores([3.5, 2.0])
    survey = hs_survey([5.2, 4.4], ["A", "B"])
    stricter = dg.triangulate(scores, survey=survey, self_high=3.6)
    dg.write_system_report(scores, tmp_path / "given", survey=survey, triangulation=stricter,
                           triangulation_rules={"self_high": 3.6})
    book = openpyxl.load_workbook(tmp_path / "given" / "diagnostic_system_themes.xlsx")
    about = dict(book["About"].iter_rows(min_row=2, values_only=True))
    assert about["triangulation rules"] == (
        "self_high=3.6, self_low=1.5, survey_high=3.5, survey_low=1.5, network_high=0.5, "
        "network_low=-0.5, min_completeness=50.0, min_sources=2, min_responses=8, "
        "quartile_rule=midpoints, year=None")
    # without a triangulation, the writer makes one with the rules given
    dg.write_org_reports(scores, tmp_path / "made", survey=survey,
                         triangulation_rules={"self_high": 3.6}, progress=False)
    book = openpyxl.load_workbook(tmp_path / "made" / "a_diagnostic_report.xlsx")
    tri = {r[0]: r for r in book["Triangulation"].iter_rows(min_row=2, values_only=True)}
    assert tri[ENV][1:3] == ("partial agreement", "mixed")
    about = dict(book["About"].iter_rows(min_row=2, values_only=True))
    assert about["triangulation rules"].startswith("self_high=3.6, self_low=1.5,")
    with pytest.raises(InvalidValueError, match="triangulation_rules takes self_high"):
        dg.write_system_report(scores, tmp_path / "bad", triangulation_rules={"alpha": 0.05})
    # a triangulation made with other rules than the ones listed is refused, not misreported
    with pytest.raises(InvalidValueError, match="not made with the rules this report lists"):
        dg.write_system_report(scores, tmp_path / "mismatch", survey=survey,
                               triangulation=stricter)
    assert not (tmp_path / "mismatch").exists()


def test_system_report_from_answers_in_polars_is_the_pandas_report(bundled, bundled_tri,
                                                                     tmp_path):
    pl = pytest.importorskip("polars")
    answers = pl.from_pandas(pd.read_csv(DATA / "workforce_diagnostic_answers.csv"))
    args = dict(triangulation=bundled_tri, survey=bundled["survey"],
                organisations=bundled["orgs"], year=2021, start="2021-11")
    dg.write_system_report(answers, tmp_path / "polars", **args)
    dg.write_system_report(bundled["diag"], tmp_path / "pandas", **args)
    for sheet in dg.SYSTEM_REPORT_SHEETS:
        got = pd.read_excel(tmp_path / "polars" / "diagnostic_system_themes.xlsx", sheet)
        ref = pd.read_excel(tmp_path / "pandas" / "diagnostic_system_themes.xlsx", sheet)
        pd.testing.assert_frame_equal(got, ref)
