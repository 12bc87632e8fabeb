"""Notebook 06's inputs have contracts: the practice register, NHS Digital's GP registration
file (checked by the reader the notebook uses, in any of its published layouts) and the
practice population profile."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from wellbeing_lib import contracts as ct
from wellbeing_lib.intake import check_data_folder, notebook_inputs, write_templates
from wellbeing_lib.io import bundled_data_dir

NB06 = "06_monitoring_month_by_month.ipynb"
PRACTICE_FILES = ["practice_register.csv", "practice_population.csv",
                  "practice_population_profile.csv"]


@pytest.fixture
def folder(tmp_path):
    """A copy of the bundled data folder (the diagnostic workbooks left out: not needed)."""
    out = tmp_path / "data"
    out.mkdir()
    for path in bundled_data_dir().glob("*.csv"):
        shutil.copy(path, out / path.name)
    return out


def _blocked(check) -> dict:
    return check.notebooks.set_index("notebook")["can_run"].to_dict()


def test_notebook_06_reads_the_practice_files_and_the_social_prescribing_files():
    inputs = notebook_inputs()
    files = set(inputs.loc[inputs["notebook"] == NB06, "file"])
    assert files == {*PRACTICE_FILES, "social_prescribing_clients.csv",
                     "social_prescribing_measures.csv", "social_prescribing_service_use.csv"}


@pytest.mark.parametrize("name", ["practice_register.csv", "practice_population_profile.csv"])
def test_bundled_practice_tables_meet_their_contracts(name):
    problems = ct.check_file(bundled_data_dir() / name)
    assert problems.empty, problems.to_string()


def test_a_later_release_with_org_code_passes_as_the_reader_accepts_it(folder):
    """NHS Digital renamed CODE to ORG_CODE and CCG_CODE to SUB_ICB_LOCATION_CODE: the
    check must not refuse a file the analysis reads."""
    path = folder / "practice_population.csv"
    raw = pd.read_csv(path, dtype=str)
    raw.rename(columns={"CODE": "ORG_CODE", "CCG_CODE": "SUB_ICB_LOCATION_CODE"}).to_csv(
        path, index=False)
    check = check_data_folder(folder, progress=False)
    mine = check.problems[check.problems["file"].str.contains("practice_population.csv")]
    assert mine.empty, mine.to_string()
    assert _blocked(check)[NB06]


def test_a_total_that_is_not_its_sum_blocks_notebook_06_only_with_file_and_line(folder):
    path = folder / "practice_population.csv"
    lines = path.read_text().splitlines()
    k = next(i for i, line in enumerate(lines) if ",FEMALE,ALL," in line)
    head, _, count = lines[k].rpartition(",")
    lines[k] = f"{head},{int(count) + 1}"
    path.write_text("\n".join(lines) + "\n")
    check = check_data_folder(folder, progress=False)
    row = check.problems[check.problems["file"] == "practice_population.csv"].iloc[0]
    assert row["problem"] == "total does not equal the sum of the counts it totals"
    assert row["column"] == "NUMBER_OF_PATIENTS" and row["lines"] == str(k + 1)
    assert row["severity"] == "error"
    can_run = _blocked(check)
    assert not can_run[NB06]
    assert all(ok for name, ok in can_run.items() if name.startswith(("00", "03", "04")))


def test_no_practice_code_column_names_the_published_alternatives(folder):
    path = folder / "practice_population.csv"
    pd.read_csv(path, dtype=str).drop(columns="CODE").to_csv(path, index=False)
    check = check_data_folder(folder, progress=False)
    row = check.problems[check.problems["file"] == "practice_population.csv"].iloc[0]
    assert row["error"] == "MissingColumnError"
    assert "ORG_CODE" in row["expected"] and "CODE" in row["expected"]
    assert not _blocked(check)[NB06]


def test_bad_values_in_register_and_profile_are_listed_together(folder):
    register = folder / "practice_register.csv"
    text = register.read_text().replace("2016-04-01", "01/04/2016", 1)
    register.write_text(text)
    profile = folder / "practice_population_profile.csv"
    rows = profile.read_text().splitlines()
    rows[3] = rows[3].rsplit(",", 1)[0] + ",-5"
    profile.write_text("\n".join(rows) + "\n")
    check = check_data_folder(folder, progress=False)
    got = check.problems.set_index("file")[["column", "lines", "problem"]]
    assert got.loc["practice_register.csv"].tolist() == ["programme_start", "5", "not a date"]
    assert got.loc["practice_population_profile.csv"].tolist() == [
        "registered", "4", "value out of range"]
    assert not _blocked(check)[NB06]


def test_missing_register_says_which_notebook_and_templates_are_written(folder, tmp_path):
    (folder / "practice_register.csv").unlink()
    check = check_data_folder(folder, progress=False)
    row = check.problems[check.problems["file"] == "practice_register.csv"].iloc[0]
    assert "notebook(s) 06" in row["problem"] and "templates" in row["problem"]
    written = write_templates(tmp_path / "templates")
    names = set(written["file"])
    assert {"practice_register.csv", "practice_population.xlsx",
            "practice_population_profile.csv"} <= names
    header = (tmp_path / "templates" / "practice_population.csv").read_text().strip()
    assert header.split(",")[-3:] == ["SEX", "AGE", "NUMBER_OF_PATIENTS"]
