"""Data contracts: they hold for the bundled data, agree with the schemas and the instrument
registry, check every problem at once, and are rendered into data/README.md."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

from wellbeing_lib import contracts as ct
from wellbeing_lib.datasets import DATASETS, load_dataset
from wellbeing_lib.errors import (
    DataWarning,
    DuplicateKeyError,
    InvalidValueError,
    MissingColumnError,
)
from wellbeing_lib.io import bundled_data_dir, read_table, with_source
from wellbeing_lib.outcomes import get_instrument
from wellbeing_lib.reporting.notebooks import list_notebooks

README = Path(__file__).resolve().parents[2] / "data" / "README.md"
TABLES = [c for c in ct.all_contracts() if c.kind == "table"]


@pytest.mark.parametrize("contract", TABLES, ids=[c.file for c in TABLES])
def test_every_bundled_file_meets_its_contract(contract):
    problems = ct.check_file(bundled_data_dir() / contract.file)
    assert problems.empty, problems.to_string()


def test_contract_columns_are_the_bundled_schemas():
    schemas = {stem: list(d) for spec in DATASETS.values() for stem, d in spec.dtypes.items()}
    for contract in TABLES:
        assert list(contract.columns["column"]) == schemas[contract.stem], contract.file


def test_types_and_rules_are_known_words():
    for contract in ct.all_contracts():
        cols = contract.columns
        assert set(cols["type"]) <= set(ct.TYPES), contract.file
        assert set(cols["required"]) <= {"yes", "no"} and set(cols["blank"]) <= {"yes", "no"}
        assert set(contract.notebooks) <= {nb.name[:2] for nb in list_notebooks()}
        assert set(contract.key) <= set(cols["column"]), contract.file
        assert contract.duplicates in {"error", "reported"}


@pytest.mark.parametrize(("instrument", "columns"), [
    ("swemwbs", [f"swemwbs_{i}" for i in range(1, 8)]),
    ("ucla3", ["ucla_1", "ucla_2", "ucla_3"]),
    ("social_inclusion", ["social_inclusion"]),
    ("pam", ["pam_score"]),
])
def test_item_ranges_are_the_instrument_registrys(instrument, columns):
    """The contract's scales are the published ones the scoring uses (instruments.csv)."""
    inst = get_instrument(instrument)
    rules = ct.get_contract("social_prescribing_measures").columns.set_index("column")
    for col in columns:
        assert (rules.loc[col, "min"], rules.loc[col, "max"]) == (inst.item_min, inst.item_max)
        assert rules.loc[col, "type"] == ("integer" if inst.integer else "number")


def test_check_table_lists_every_problem_not_only_the_first():
    clients = read_table(bundled_data_dir() / "social_prescribing_clients.csv", dtype=str,
                         keep_default_na=False, na_values=[""], lines=True).head(6)
    clients.loc[1, "group"] = "Referred"
    clients.loc[2, "imd_quintile"] = "9"
    clients.loc[3, "client_id"] = clients.loc[4, "client_id"]
    clients.loc[5, "index_date"] = "13/10/2017"
    clients = clients.drop(columns="ethnicity").sort_values("client_id")  # lines still right
    problems = ct.check_table(clients, "social_prescribing_clients.csv")
    got = problems.set_index("column")[["lines", "problem", "severity"]]
    assert got.loc["ethnicity", "problem"] == "required column missing"
    assert got.loc["group"].tolist() == ["3", "value not allowed", "error"]
    assert got.loc["imd_quintile"].tolist() == ["4", "value out of range", "error"]
    assert got.loc["index_date"].tolist() == ["7", "not a date", "error"]
    assert got.loc["client_id"].tolist() == ["5, 6", "duplicated key", "error"]
    assert problems["file"].eq("social_prescribing_clients.csv").all()


def test_validate_table_raises_the_first_error_as_its_named_error():
    good = load_dataset("engagement_population")
    ct.validate_table(good, "engagement_population")  # no error, no warning
    renamed = with_source(good.rename(columns={"share": "percent"}), "population.csv")
    with pytest.raises(MissingColumnError, match=r"population\.csv, column 'share'.*found "
                                                 r"variable, category, percent, source"):
        ct.validate_table(renamed, "engagement_population")
    doubled = with_source(pd.concat([good, good.head(1)], ignore_index=True), "population.csv")
    # the copy of row 0 was made in memory: the rows are named, with no file lines
    with pytest.raises(DuplicateKeyError, match=r"rows 0, 19: expected one row"):
        ct.validate_table(doubled, "engagement_population")


def test_blank_optional_column_is_a_warning_naming_it():
    people = load_dataset("engagement_participants").iloc[::150].assign(sector=None)
    with pytest.warns(DataWarning, match="every value is blank.*column 'sector'"):
        ct.validate_table(people, "engagement_participants")


def test_scale_named_in_another_column_is_checked_row_by_row():
    survey = load_dataset("workforce_staff_survey").head(4).copy()
    survey.loc[0, "value"] = 12.0  # a 0-10 sub-score
    survey.loc[3, "value"] = 61.0  # a percentage: allowed on its own scale
    problems = ct.check_table(survey, "workforce_staff_survey.csv")
    assert problems["column"].tolist() == ["value"]
    assert problems.loc[0, "found"] == "12.0 (score 0-10)"


def test_identifier_surrounding_spaces_and_total_rows():
    codings = load_dataset("engagement_codings").head(4).copy()
    codings.loc[1, "respondent"] = "R0008 "
    codings.loc[3, "respondent"] = "Grand total"
    problems = ct.check_table(codings, "engagement_codings.csv")
    assert set(problems["problem"]) == {"identifier with spaces before or after it",
                                        "total row"}


def test_load_dataset_stops_on_a_contract_error(tmp_path):
    text = (bundled_data_dir() / "workforce_staff_networks.csv").read_text()
    (tmp_path / "workforce_staff_networks.csv").write_text(text.replace(",concerned,",
                                                                        ",worried,", 1))
    with pytest.raises(InvalidValueError, match=r"workforce_staff_networks\.csv, column "
                                                r"'stance', row 0 \(file line 2\)"):
        load_dataset("workforce_staff_networks", data_dir=tmp_path)


def test_bundled_loads_are_unchanged_and_silent():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clients = load_dataset("social_prescribing_clients")
    assert list(clients.columns)[:2] == ["client_id", "group"] and len(clients) == 2100
    assert "file_line" not in clients.columns


def test_contracts_table_and_data_dictionary():
    table = ct.contracts()
    assert table["file"].tolist() == [c.file for c in ct.all_contracts()]
    assert ct.get_contract("diagnostic_workbooks/").kind == "workbook_folder"
    assert ct.get_contract("self_assessment_online").formats == ("csv", "xlsx")
    blank = ct.blank_table("social_prescribing_measures")
    assert len(blank) == 0 and str(blank["swemwbs_1"].dtype) == "Int64"
    with pytest.raises(KeyError, match="no data contract"):
        ct.get_contract("nothing.csv")


def test_data_readme_holds_the_current_contracts():
    text = README.read_text(encoding="utf-8")
    assert ct.readme_with_contracts(text) == text, (
        "data/README.md is out of date with wellbeing_lib/data/contracts/: regenerate it "
        "(see wellbeing_lib.contracts.readme_with_contracts)")
    assert text.count(ct.README_BEGIN) == 1
    for contract in ct.all_contracts():
        assert f"### `{contract.file}`" in text
