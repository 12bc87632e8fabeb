"""Checking a whole data folder and writing templates (wellbeing_lib.intake)."""

from __future__ import annotations

import shutil

import openpyxl
import pandas as pd
import pytest

from wellbeing_lib.contracts import all_contracts
from wellbeing_lib.errors import UnreadableFileError
from wellbeing_lib.intake import check_data_folder, notebook_inputs, write_templates
from wellbeing_lib.io import bundled_data_dir


def test_bundled_folder_passes_and_every_notebook_can_run():
    check = check_data_folder(bundled_data_dir(), progress=False)
    assert check.ok and check.problems.empty
    assert check.notebooks["can_run"].all()
    needed = check.files[check.files["notebooks"] != ""]
    assert (needed["status"] == "ok").all()


def test_a_broken_workbook_blocks_only_the_diagnostic_notebook(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(bundled_data_dir(), folder)
    book = folder / "diagnostic_workbooks" / "HV03.xlsx"
    wb = openpyxl.load_workbook(book)
    wb.remove(wb["Cover"])
    wb.save(book)
    check = check_data_folder(folder, progress=False)
    errors = check.problems[check.problems["severity"] == "error"]
    assert errors["file"].tolist() == ["diagnostic_workbooks/HV03.xlsx"]
    assert "cover sheet missing (file skipped)" in errors["problem"].iloc[0]
    blocked = check.notebooks.set_index("notebook")["can_run"]
    assert not blocked["02_diagnostic_triangulation.ipynb"]
    assert blocked.drop("02_diagnostic_triangulation.ipynb").all()


def test_export_read_by_its_own_reader(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "self_assessment_online.csv").write_text("Respondent ID,Q1\n1,yes\n")
    check = check_data_folder(folder, progress=False)
    export = check.problems[check.problems["file"] == "self_assessment_online.csv"]
    assert export["problem"].tolist() == ["second header row is missing: not a SurveyMonkey "
                                          "export"]


def test_missing_folder_is_a_named_error(tmp_path):
    with pytest.raises(UnreadableFileError, match="no such folder"):
        check_data_folder(tmp_path / "nope", progress=False)


def test_notebook_inputs_cover_every_contract_with_notebooks():
    inputs = notebook_inputs()
    used = {c.file for c in all_contracts() if c.notebooks}
    assert set(inputs["file"]) == used
    assert set(inputs.loc[inputs["notebook"].str.startswith("02"), "file"]) == {
        "workforce_organisations.csv", "diagnostic_workbooks/", "workforce_staff_survey.csv",
        "workforce_staff_networks.csv"}


def test_templates_are_blank_have_a_dictionary_and_are_what_check_expects(tmp_path):
    written = write_templates(tmp_path)
    assert (written["status"] == "written").all()
    dictionary = pd.read_excel(tmp_path / "social_prescribing_measures.xlsx",
                               sheet_name="data dictionary")
    row = dictionary.set_index("column").loc["swemwbs_1"]
    assert row["type"] == "integer" and row["allowed values / range"] == "from 1 to 5"
    assert "Stewart-Brown" in row["source"]
    data = pd.read_excel(tmp_path / "social_prescribing_measures.xlsx", sheet_name="data")
    assert len(data) == 0 and data.columns[0] == "client_id"
    # a folder of blank templates: every table is there, only "no data rows" is wrong
    check = check_data_folder(tmp_path, progress=False)
    tables = check.problems[check.problems["file"].str.endswith(".csv")
                            & (check.problems["file"] != "self_assessment_online.csv")]
    assert set(tables["problem"]) == {"no data rows"}
    from wellbeing_lib.diagnostic import load_diagnostic_workbooks

    diag = load_diagnostic_workbooks(tmp_path / "diagnostic_workbook_template.xlsx",
                                     progress=False)
    assert diag.completeness["n_answered"].tolist() == [0]


def test_an_export_given_as_xlsx_only_is_reported_and_still_checked(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(bundled_data_dir() / "self_assessment_online.xlsx", folder)
    check = check_data_folder(folder, progress=False)
    rows = check.problems[check.problems["file"] == "self_assessment_online.csv"]
    assert len(rows) == 1 and "found self_assessment_online.xlsx instead" in rows["problem"].item()
    assert "set EXPORT" in rows["problem"].item()
    blocked = check.notebooks.set_index("notebook").loc["05_engagement_self_assessment.ipynb"]
    assert not blocked["can_run"]
