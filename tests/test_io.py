"""Reading files: encodings, workbooks, unreadable files, package tables."""

import pandas as pd
import pytest

from wellbeing_lib import errors
from wellbeing_lib.io import detect_encoding, load_reference_table, read_table

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


def test_package_table_is_cached_but_returned_as_copy():
    a = load_reference_table("swemwbs_raw_to_metric.csv")
    a.loc[0, "metric"] = -1.0
    b = load_reference_table("swemwbs_raw_to_metric.csv")
    assert b.loc[0, "metric"] == 7.0
    assert set(b.columns) >= {"source", "year"}
