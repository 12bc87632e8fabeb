"""Checking finished reports: hand-made reports with each kind of problem, then every HTML and
Excel report the demo writes."""

from __future__ import annotations

import pandas as pd
import pytest

from wellbeing_lib.errors import InvalidValueError
from wellbeing_lib.privacy import SCAN_COLUMNS, publish, scan_reports
from wellbeing_lib.reporting import write_excel
from wellbeing_lib.reporting.notebooks import list_notebooks


def problems(found: pd.DataFrame) -> list:
    return sorted(zip(found["column"], found["problem"]))


# ==================================================================== hand-made reports
def test_a_small_count_in_an_html_table_is_found(tmp_path):
    table = pd.DataFrame({"group": ["A", "B"], "n": [3, 10], "N": [40, 50],
                          "n_questions": [2, 2]})
    (tmp_path / "report.html").write_text("<h1>Report</h1>" + table.to_html(index=False))
    found = scan_reports(tmp_path / "report.html")
    assert list(found.columns) == SCAN_COLUMNS
    assert found[["table", "row", "column", "problem"]].values.tolist() == [
        ["table 1", "A", "n", "small count published"]]  # n_questions counts no people


def test_rates_that_give_counts_back_are_found_in_a_workbook(tmp_path):
    table = pd.DataFrame({"group": ["A", "B", "C"], "n": ["*", 10, 25], "N": [40, 50, 40],
                          "percent": [12.5, 23.1, 62.5]})
    path = write_excel({"Summary": table}, tmp_path / "report.xlsx")
    found = scan_reports(path)
    assert problems(found) == [
        ("percent", "rate beside a withheld count"),
        ("percent", "rate is not n/N as published (gives back the unrounded counts)")]
    assert found["row"].tolist() == ["A", "B"]


def test_every_number_of_a_crosstab_with_totals_is_a_count(tmp_path):
    counts = pd.DataFrame({"a": [12, 3], "b": [20, 30]}, index=["x", "y"])
    raw = counts.assign(Total=counts.sum(axis=1))
    (tmp_path / "raw.html").write_text(raw.to_html())
    (tmp_path / "published.html").write_text(publish(counts, margins=True).to_html())
    found = scan_reports(tmp_path)
    assert found["file"].str.endswith("raw.html").all()
    # 3 is small; 12 and the totals 32 and 33 are counts that were not rounded to 5
    assert problems(found) == [("Total", "unrounded count published")] * 2 + [
        ("a", "small count published"), ("a", "unrounded count published")]


def test_a_missing_path_is_named(tmp_path):
    with pytest.raises(InvalidValueError, match="no such report"):
        scan_reports(tmp_path / "nowhere.html")
    assert scan_reports(tmp_path).empty  # an empty folder is clean


# ============================================================= what the demo writes
# demo_reports: every notebook run once, as ``wellbeing demo`` runs them (tests/conftest.py,
# shared with the board-report checks in tests/reporting/test_demo_reports.py)


def test_no_report_the_demo_writes_publishes_a_small_count(demo_reports):
    pages = sorted(demo_reports.rglob("*.html"))
    books = sorted(demo_reports.rglob("*.xlsx"))
    assert len(pages) >= len(list_notebooks()) and len(books) >= 5
    found = scan_reports(demo_reports)
    assert found.empty, found.to_string()


def test_not_for_publication_outputs_stay_out_of_the_reports(demo_reports):
    analyst = (demo_reports / "03_social_prescribing_outcomes-analyst.html").read_text(
        encoding="utf-8")
    assert "NOT FOR PUBLICATION" in analyst  # the code says what was left out...
    board = (demo_reports / "03_social_prescribing_outcomes.html").read_text(encoding="utf-8")
    for page in (analyst, board):
        assert "C-f8fc108cbce9" not in page  # ...and the client it lists is not in a report
        assert "follow-up without baseline" not in page


def test_scan_reads_the_display_formats_of_board_reports(tmp_path):
    """A board table is text ("1,505", "85.1%"): the scan reads it as the numbers it shows."""
    from wellbeing_lib.reporting import present

    leaky = pd.DataFrame({"group": ["A", "B", "C", "D"], "n": [3, 1505, 20, 22],
                          "N": [40, 2000, 25, 30], "proportion": [3 / 40, 1505 / 2000, 20 / 27,
                                                                   22 / 30]})
    page = tmp_path / "board.html"
    page.write_text(present(leaky)._repr_html_(), encoding="utf-8")
    found = scan_reports(page)
    assert found["problem"].tolist()[0] == "small count published"
    assert found["value"].tolist()[0] == "3"
    # C: 20/27 = 74.1% is not 20/25 = 80.0%, the published counts: a rate of unrounded ones
    assert any(found["value"] == "74.1%")
    # D: 22 is not a published count under the default rule (counts are rounded to 5)
    assert found.loc[found["value"] == "22", "problem"].tolist() == ["unrounded count published"]
    clean = pd.DataFrame({"group": ["B"], "n": [1505], "N": [2000], "proportion": [0.7525]})
    page.write_text(present(clean)._repr_html_(), encoding="utf-8")
    assert scan_reports(page).empty


def test_a_workbook_with_human_headers_is_read_as_its_columns(tmp_path):
    """Board workbooks carry the display layer's headers ("N missing"): still counts."""
    table = pd.DataFrame({"group": ["A", "B"], "n": [10, 20], "N": [40, 50],
                          "n_missing": [3, 0], "clients": [12, 15]})
    path = write_excel({"Summary": table}, tmp_path / "board.xlsx", labels=True)
    found = scan_reports(path)
    assert sorted(zip(found["column"], found["value"], found["problem"])) == [
        ("Clients", 12, "unrounded count published"),
        ("N missing", 3, "small count published")]


def test_a_percent_header_is_read_on_either_scale(tmp_path):
    """"%" is a proportion formatted 0.0% in a workbook and "85.1%" text on a page."""
    table = pd.DataFrame({"group": ["A", "B"], "n": [710, 20], "N": [830, 25],
                          "proportion": [710 / 830, 0.8]})
    path = write_excel({"Summary": table}, tmp_path / "board.xlsx", labels=True)
    assert scan_reports(path).empty
    leaky = table.assign(proportion=[708 / 832, 0.8])  # the unrounded counts' rate
    path = write_excel({"Summary": leaky}, tmp_path / "leaky.xlsx", labels=True)
    assert scan_reports(path)["row"].tolist() == ["A"]
