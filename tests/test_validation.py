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


# ----------------------------------------------------- the same checks on other backends
BAD = pd.DataFrame({"id": ["C1", "C2", "c1 ", "Total", None], "x": [1.0, 7.0, None, 3.0, 2.0],
                    "s": ["1", "x", None, "2.5", "4"], "file_line": [2, 3, 4, 5, 6]})


@pytest.mark.parametrize("backend", ["polars", "pyarrow", "polars_lazy", "duckdb", "sqlframe"])
def test_checks_run_where_the_data_live_and_name_only_the_failing_rows(backend):
    """Every check gives pandas' error on each backend; an eager table names the row
    positions, any table its file lines (a lazy one only those)."""
    from tests.backends import LAZY, to_backend
    from wellbeing_lib.validation import (
        check_allowed,
        check_identifiers,
        check_labels,
        check_not_empty,
        check_numeric,
        check_total_rows,
        check_unique,
        require_columns,
        warn_all_missing,
    )

    data = to_backend(BAD, backend)
    row = (lambda r: "file ") if backend in LAZY else (lambda r: f"{r} \\(file ")
    cases = [
        (lambda: require_columns(data, ["id", "zz"]), errors.MissingColumnError,
         "column 'zz': expected columns id, zz; found id, x, s, file_line"),
        (lambda: check_numeric(data, ["x"], low=1, high=5), errors.InvalidValueError,
         f"value out of range in column 'x', {row('row 1')}line 3\\)?: .* found 7.0"),
        (lambda: check_numeric(data, ["s"]), errors.InvalidValueError,
         f"non-numeric value in column 's', {row('row 1')}line 3\\)?: .*found x"),
        (lambda: check_allowed(data, "id", ["C1", "C2"]), errors.InvalidValueError,
         f"value not allowed in column 'id', {row('rows 2, 3')}lines 4, 5\\)?: .*found c1 , Total"),
        (lambda: check_total_rows(data, ["id"]), errors.InvalidValueError,
         f"total row in column 'id', {row('row 3')}line 5\\)?: .*found Total"),
        (lambda: check_identifiers(data, "id", what="client id"), errors.InvalidValueError,
         f"client ids that differ only .* {row('rows 0, 2')}lines 2, 4\\)?: .*'C1' / 'c1 '"),
        (lambda: check_labels(data, ["id"], "client"), errors.InvalidValueError,
         f"missing client label in column 'id', {row('row 4')}line 6"),
    ]
    for call, error, message in cases:
        with pytest.raises(error, match=message):
            call()
    check_unique(data, "id")  # no repeated id: passes
    dup = to_backend(BAD.assign(id=["A", "B", "A", "C", "D"]), backend)
    with pytest.raises(errors.DuplicateKeyError, match="duplicated key in column 'id'.*found A"):
        check_unique(dup, "id")
    check_not_empty(data)
    empty = to_backend(BAD.iloc[:0], backend)
    with pytest.raises(errors.InvalidValueError, match="no data rows"):
        check_not_empty(empty)
    blank = to_backend(pd.DataFrame({"a": [1.0, 2.0], "b": [" ", None]}), backend)
    with pytest.warns(errors.DataWarning, match="column 'b'"):
        assert warn_all_missing(blank, ["a", "b"]) == ["b"]
    numbers = check_numeric(to_backend(BAD.iloc[[0, 2, 3]], backend), ["s", "x"])
    from tests.backends import to_pandas

    got = to_pandas(numbers)
    assert got["s"].tolist()[0] == 1.0 and got["s"].tolist()[2] == 2.5
    assert pd.isna(got["s"].tolist()[1]) and got["x"].tolist()[0] == 1.0


def test_a_lazy_table_is_not_collected_to_check_it():
    """The check is one aggregate: a DuckDB relation of a million rows is checked without
    fetching them; only the one failing row comes back."""
    duckdb = pytest.importorskip("duckdb")
    from wellbeing_lib.validation import check_numeric

    con = duckdb.connect()
    rel = con.sql("SELECT i AS id, CASE WHEN i = 777777 THEN 9 ELSE i % 5 END AS q1, "
                  "i + 2 AS file_line FROM range(1000000) t(i)")
    with pytest.raises(errors.InvalidValueError) as info:
        check_numeric(rel, ["q1"], low=0, high=5)
    assert info.value.line_numbers == [777779] and info.value.found == [9.0]
    assert type(check_numeric(rel, ["id"])).__name__ == "DuckDBPyRelation"  # still lazy


def test_lines_of_a_table_read_without_the_line_column_survive_sorting_and_renumbering(
        tmp_path):
    """read_table keeps the rows as read: a row is found by its values, never given a
    wrong line (issue: messages pointed to the wrong line after filtering or sorting)."""
    from wellbeing_lib.io import read_table

    path = tmp_path / "answers.csv"
    path.write_text("id,q\na,1\nb,9\nc,2\nd,8\ne,1\n", encoding="utf-8")
    df = read_table(path)

    def lines(data):
        with pytest.raises(errors.InvalidValueError) as info:
            check_numeric(data, ["q"], high=5)
        return info.value.line_numbers

    assert lines(df) == [3, 5]
    assert lines(df.sort_values("q").reset_index(drop=True)) == [5, 3]  # 8 (d), then 9 (b)
    assert lines(df[df["id"] != "b"].reset_index(drop=True)) == [5]
    assert lines(df.sort_values("id", ascending=False)) == [5, 3]
    moved = df.sort_values("q").reset_index(drop=True)
    moved.loc[3, "q"] = 10  # a changed row cannot be found: no lines rather than wrong ones
    assert lines(moved) == []
    assert lines(df.assign(q=df["q"] * 10)) == [2, 3, 4, 5, 6]  # converted in place, in order
