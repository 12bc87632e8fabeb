"""Tests for wellbeing_lib.economics.impact_map: validating and reading impact maps."""

from __future__ import annotations

import numpy as np
import pytest

from tests.economics.impact_maps import make_map
from wellbeing_lib import economics as ec
from wellbeing_lib.errors import DuplicateKeyError, InvalidValueError, MissingColumnError
from wellbeing_lib.io import with_source
from wellbeing_lib.validation import source_of


# ------------------------------------------------------------------ bad impact maps
@pytest.mark.parametrize(
    ("column", "value", "row", "problem"),
    [
        ("deadweight", 1.5, 1, "value out of range"),
        ("attribution", -0.1, 2, "value out of range"),
        ("drop_off", 30, 0, "value out of range"),
        ("displacement", "10%", 1, "non-numeric value"),
        ("quantity", np.nan, 2, "missing value"),
        ("quantity", -3, 0, "value out of range"),
        ("proxy_value", "£45", 1, "non-numeric value"),
        ("proxy_value", np.inf, 1, "value is not finite"),
        ("duration", 2.5, 0, "not a whole number"),
        ("start_year", 0, 2, "value out of range"),
        ("proxy_source", " ", 1, "missing value"),
        ("outcome", None, 0, "missing value"),
        ("value_type", "health", 2, "value not allowed"),
    ],
)
def test_bad_impact_map_names_row_and_field(column, value, row, problem):
    m = make_map().astype({column: "object"})
    m.loc[row, column] = value
    with pytest.raises(InvalidValueError, match=f"impact map: {problem}") as err:
        ec.validate_impact_map(m)
    assert err.value.column == column
    assert err.value.rows == [row]
    with pytest.raises(InvalidValueError, match=problem):
        ec.sroi(m, 20_000)


def test_missing_columns_duplicates_and_empty_maps():
    with pytest.raises(MissingColumnError, match="'drop_off'"):
        ec.validate_impact_map(make_map().drop(columns="drop_off"))
    dup = make_map()
    dup.loc[2, ["stakeholder", "outcome"]] = ["Clients", "Improved wellbeing"]
    with pytest.raises(DuplicateKeyError) as err:
        ec.validate_impact_map(dup)
    assert err.value.rows == [0, 2]
    with pytest.raises(InvalidValueError, match="no rows"):
        ec.validate_impact_map(make_map().iloc[0:0])
    with pytest.raises(InvalidValueError, match="not understood"):
        ec.validate_impact_map([1, 2])


def test_read_impact_map_from_csv_and_xlsx(tmp_path):
    m = make_map()
    headings = {c: c.replace("_", " ").title() for c in m.columns}
    headings["drop_off"] = "Drop-off"
    csv = tmp_path / "impact_map.csv"
    m.rename(columns=headings).to_csv(csv, index=False)
    read = ec.read_impact_map(csv)
    assert list(read.columns[:13]) == list(m.columns[:13])
    assert source_of(read) == "impact_map.csv"
    assert ec.sroi(read, 20_000).ratio == ec.sroi(m, 20_000).ratio
    xlsx = tmp_path / "impact_map.xlsx"
    m.to_excel(xlsx, index=False, sheet_name="Impact map")
    assert ec.read_impact_map(xlsx, sheet_name="Impact map")["quantity"].tolist() == [40, 100, 25]
    bad = m.astype({"deadweight": "object"})
    bad.loc[2, "deadweight"] = "a lot"
    bad.to_csv(csv, index=False)
    with pytest.raises(InvalidValueError) as err:
        ec.read_impact_map(csv)
    message = str(err.value)
    assert "impact_map.csv" in message and "column 'deadweight'" in message
    assert "row 2 (file line 4)" in message and "found a lot" in message


def test_validated_copy_keeps_the_provenance_so_later_errors_name_the_file():
    m = with_source(make_map(), "impact_map.xlsx")
    clean = ec.validate_impact_map(m)
    assert source_of(clean) == "impact_map.xlsx"
    assert source_of(ec.validate_impact_map(make_map())) is None
    bad = with_source(make_map(attribution=[0.2, 1.5, 0.25]), "impact_map.xlsx")
    with pytest.raises(InvalidValueError) as err:
        ec.sroi(bad, 20_000)
    assert err.value.file == "impact_map.xlsx" and err.value.rows == [1]
