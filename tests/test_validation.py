"""Validation at the boundary: named errors with file, column, rows and lines."""

import pandas as pd
import pytest

from wellbeing_lib import errors
from wellbeing_lib.io import read_table
from wellbeing_lib.validation import (
    check_allowed,
    check_numeric,
    check_unique,
    require_columns,
)


def test_require_columns_lists_missing_and_available(tmp_path):
    path = tmp_path / "clients.csv"
    path.write_text("client_id,age\n1,30\n")
    df = read_table(path)
    with pytest.raises(errors.MissingColumnError) as info:
        require_columns(df, ["client_id", "sex", "ethnicity"])
    msg = str(info.value)
    assert "clients.csv" in msg
    assert "'sex', 'ethnicity'" in msg
    assert "found client_id, age" in msg


def test_check_numeric_names_file_column_rows_and_lines(tmp_path):
    path = tmp_path / "measures.csv"
    path.write_text("q1,q2\n1,3\n2,9\n5,0\n4,2\n")
    df = read_table(path)
    with pytest.raises(errors.InvalidValueError) as info:
        check_numeric(df, ["q1", "q2"], low=1, high=5, integer=True)
    err = info.value
    assert err.file == "measures.csv"
    assert err.column == "q2"
    assert err.rows == [1, 2]
    assert err.line_numbers == [3, 4]  # header is line 1
    assert err.found == [9, 0]
    assert str(err) == (
        "value out of range in measures.csv, column 'q2', rows 1, 2 (file lines 3, 4): "
        "expected a whole number between 1 and 5; found 9, 0"
    )


def test_check_numeric_returns_floats_and_keeps_missing():
    df = pd.DataFrame({"q": ["1", None, 3]}, index=["a", "b", "c"])
    out = check_numeric(df, ["q"], low=1, high=5)
    assert out["q"].tolist()[0] == 1.0 and pd.isna(out.loc["b", "q"]) and out.loc["c", "q"] == 3.0
    with pytest.raises(errors.InvalidValueError, match="missing value.*row b"):
        check_numeric(df, ["q"], allow_missing=False)


def test_check_numeric_non_integer():
    with pytest.raises(errors.InvalidValueError, match="not a whole number.*found 2.5"):
        check_numeric(pd.DataFrame({"q": [1, 2.5]}), ["q"], integer=True)


def test_long_row_lists_are_truncated():
    df = pd.DataFrame({"q": list(range(20))})
    with pytest.raises(errors.InvalidValueError) as info:
        check_numeric(df, ["q"], high=2)
    assert "rows 3, 4, 5, 6, 7 and 12 more" in str(info.value)
    assert len(info.value.rows) == 17  # all kept on the exception for programmatic use


def test_check_allowed_and_unique():
    df = pd.DataFrame({"id": [1, 2, 2, 3], "time": ["baseline", "followup", "follow_up", "x"]})
    with pytest.raises(errors.InvalidValueError, match="'time', rows 1, 3.*found followup, x"):
        check_allowed(df, "time", ["baseline", "follow_up"])
    with pytest.raises(errors.DuplicateKeyError, match="column 'id', rows 1, 2.*found 2"):
        check_unique(df, "id")
    check_unique(df, ["id", "time"])  # unique on the pair: no error


def test_error_hierarchy():
    assert issubclass(errors.InvalidValueError, errors.DataError)
    assert issubclass(errors.DataError, ValueError)
    assert issubclass(errors.DataError, errors.WellbeingError)
    err = errors.SheetError("sheet missing", file="org.xlsx", sheet="Environment", cell="B4")
    assert str(err) == "sheet missing in org.xlsx, sheet 'Environment', cell B4"


# ------------------------------------------------------------------ issue 15
def test_errors_use_the_file_line_column_after_filtering_and_melting():
    df = pd.DataFrame({"id": ["a", "b", "c"], "q1": [1, 2, 9], "q2": [3, 7, 2],
                       "file_line": [2, 5, 9]})
    kept = df[df["id"] != "a"]
    with pytest.raises(errors.InvalidValueError) as info:
        check_numeric(kept, ["q1"], high=5)
    assert info.value.line_numbers == [9]
    long = df.melt(id_vars=["id", "file_line"], value_vars=["q1", "q2"], value_name="answer")
    with pytest.raises(errors.InvalidValueError) as info:
        check_numeric(long, ["answer"], high=5)
    assert info.value.line_numbers == [9, 5]


def test_total_rows_identifiers_and_empty_tables():
    from wellbeing_lib.validation import (
        check_identifiers,
        check_not_empty,
        check_total_rows,
        near_duplicate_ids,
        warn_all_missing,
    )

    df = pd.DataFrame({"id": ["C1", "c1", "C2 ", "C2", "Sub-total", "C3"]})
    with pytest.raises(errors.InvalidValueError, match="total row.*row 4.*found Sub-total"):
        check_total_rows(df, ["id"])
    groups = near_duplicate_ids(df["id"])
    assert groups["ids"].tolist() == ["'C1' / 'c1'", "'C2' / 'C2 '"]
    with pytest.raises(errors.InvalidValueError, match="rows 0, 1, 2, 3"):
        check_identifiers(df, "id")
    check_identifiers(pd.DataFrame({"id": ["A", "B"]}), "id")
    with pytest.raises(errors.InvalidValueError, match="no data rows"):
        check_not_empty(df.iloc[:0])
    with pytest.warns(errors.DataWarning, match="column 'b'"):
        assert warn_all_missing(pd.DataFrame({"a": [1, 2], "b": ["", " "]}), ["a", "b"]) == ["b"]
