"""Reading files (encodings, formats, unreadable files) and boundary validation messages."""

import subprocess
import sys

import pandas as pd
import pytest

from wellbeing_lib import errors
from wellbeing_lib.io import (
    check_allowed,
    check_numeric,
    check_unique,
    detect_encoding,
    read_package_table,
    read_table,
    require_columns,
)

TEXT = "item,note\nGP visit,“£45” café\nA&E,‘£114’\n"


@pytest.mark.parametrize(
    ("encoded", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8-sig"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("cp1252"), "cp1252"),
    ],
)
def test_read_table_detects_encoding(tmp_path, encoded, encoding):
    path = tmp_path / "costs.csv"
    path.write_bytes(encoded)
    df = read_table(path)
    assert df.attrs["encoding"] == encoding
    assert df.attrs["source"] == "costs.csv"
    assert list(df.columns) == ["item", "note"]  # the BOM is not glued to the first header
    assert df.loc[0, "note"] == "“£45” café"
    assert df.loc[1, "note"] == "‘£114’"


def test_detect_encoding_falls_back_to_latin1_for_bytes_cp1252_lacks():
    assert detect_encoding(b"a\x81b") == "latin-1"


def test_read_table_xlsx_round_trip(tmp_path):
    path = tmp_path / "book.xlsx"
    pd.DataFrame({"a": [1, 2], "b": ["x", "£"]}).to_excel(path, index=False, sheet_name="S")
    df = read_table(path, sheet_name="S")
    assert df["a"].tolist() == [1, 2]
    assert df["b"].tolist() == ["x", "£"]
    assert df.attrs["source"] == "book.xlsx"


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("missing.csv", None, "no such file"),
        ("empty.csv", b"  \n", "the file is empty"),
        ("notes.docx", b"x", "unsupported file type '.docx'"),
        ("broken.xlsx", b"this is not a zip", "not a readable Excel workbook"),
        ("ragged.csv", b'a,b\n1,"unterminated\n', "not a well-formed CSV"),
    ],
)
def test_unreadable_files_raise_named_error(tmp_path, name, content, reason):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(errors.UnreadableFileError, match=reason) as info:
        read_table(path)
    assert name in str(info.value)
    assert isinstance(info.value, OSError)


def test_missing_sheet_is_named(tmp_path):
    path = tmp_path / "book.xlsx"
    pd.DataFrame({"a": [1]}).to_excel(path, index=False, sheet_name="Cover")
    with pytest.raises(errors.SheetError) as info:
        read_table(path, sheet_name="Element 1")
    assert str(info.value) == (
        "sheet missing in book.xlsx, sheet 'Element 1': expected a sheet of that name; found Cover"
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


def test_package_table_is_cached_but_returned_as_copy():
    a = read_package_table("swemwbs_raw_to_metric.csv")
    a.loc[0, "metric"] = -1.0
    b = read_package_table("swemwbs_raw_to_metric.csv")
    assert b.loc[0, "metric"] == 7.0
    assert set(b.columns) >= {"source", "year"}


def test_import_is_lazy():
    code = (
        "import sys, wellbeing_lib\n"
        "heavy = [m for m in ('pandas', 'numpy', 'matplotlib', 'seaborn', 'ipywidgets', 'scipy')"
        " if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_every_public_name_resolves():
    import wellbeing_lib as wb

    for name in wb.__all__:
        assert getattr(wb, name) is not None, name
    with pytest.raises(AttributeError):
        wb.no_such_thing  # noqa: B018
