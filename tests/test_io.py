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


# ------------------------------------------------------------------ issue 15: real exports
def test_semicolon_tab_and_utf16_exports_are_read_as_tables(tmp_path):
    rows = [["client_id", "note"], ["C1", "Lonely, low; anxious"], ["C2", "£5 bus fare"]]
    semi = tmp_path / "semi.csv"
    semi.write_text("client_id;note\nC1;\"Lonely, low; anxious\"\nC2;£5 bus fare\n",
                    encoding="cp1252")
    unicode_text = tmp_path / "unicode.txt"  # Excel "Unicode Text": UTF-16, tabs
    unicode_text.write_bytes("\n".join("\t".join(r) for r in rows).encode("utf-16"))
    no_bom = tmp_path / "no_bom.csv"
    no_bom.write_bytes("\n".join(",".join(r).replace(",", "\t", 1) for r in rows)
                       .encode("utf-16-le"))
    for path in (semi, unicode_text):
        df = read_table(path)
        assert df.columns.tolist() == ["client_id", "note"], path
        assert df["note"].tolist() == ["Lonely, low; anxious", "£5 bus fare"]
    assert read_table(unicode_text).attrs["encoding"] == "utf-16"
    assert read_table(no_bom).attrs["encoding"] == "utf-16-le"


def test_first_visible_sheet_is_read_and_the_hidden_one_named(tmp_path):
    import openpyxl

    from wellbeing_lib.errors import DataWarning

    path = tmp_path / "book.xlsx"
    wb = openpyxl.Workbook()
    old = wb.active
    old.title = "Old version"
    old.append(["client_id", "visits"])
    old.append(["C1", 99])
    old.sheet_state = "veryHidden"
    new = wb.create_sheet("Current")
    new.append(["client_id", "visits"])
    new.append(["C1", 3])
    wb.save(path)
    with pytest.warns(DataWarning, match=r"hidden sheet skipped.*book\.xlsx, sheet 'Current'.*"
                                         r"found Old version \(hidden\)"):
        df = read_table(path)
    assert df["visits"].tolist() == [3]
    with pytest.warns(DataWarning, match="reading a veryHidden sheet"):
        assert read_table(path, sheet_name="Old version")["visits"].tolist() == [99]


def test_excel_error_values_are_named_by_cell(tmp_path):
    import openpyxl

    path = tmp_path / "costs.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Costs"
    ws.append(["item", "cost"])
    ws.append(["GP visit", 45])
    ws.append(["A&E", "#DIV/0!"])
    ws["B3"].data_type = "e"
    wb.save(path)
    with pytest.raises(errors.InvalidValueError) as info:
        read_table(path)
    assert str(info.value) == (
        "Excel error value (a formula that failed, not data) in costs.xlsx, sheet 'Costs', "
        "cell B3, column 'cost', file line 3: expected a value: fix the formula or type the "
        "value in; found #DIV/0!")
    assert read_table(path, excel_errors="blank")["cost"].isna().tolist() == [False, True]


def test_line_numbers_count_blank_rows_and_survive_sorting(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text('id,note\nA,"two\nlines"\n\nB,x\n,\nC,y\n')
    df = read_table(path, lines=True)
    assert df["id"].tolist() == ["A", "B", "C"]
    assert df["file_line"].tolist() == [2, 4, 6]  # spreadsheet rows: blank rows counted
    sorted_ = df.sort_values("id", ascending=False)
    from wellbeing_lib.validation import error_location

    assert error_location(sorted_, [2])["line_numbers"] == [6]


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("clients.csv", b"PK\x03\x04rest-of-a-zip", "Excel workbook (.xlsx) with a text-file name"),
    ("clients.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1junk", "old binary Excel workbook"),
    ("clients.xls", b"\xd0\xcf\x11\xe0", "old binary Excel workbooks (.xls) are not read"),
])
def test_workbooks_under_the_wrong_name_are_named(tmp_path, name, content, reason):
    import re

    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(errors.UnreadableFileError, match=re.escape(reason)):
        read_table(path)


def test_parquet_files_are_read_and_their_errors_name_records(tmp_path):
    pytest.importorskip("pyarrow")
    from wellbeing_lib.validation import check_numeric

    path = tmp_path / "measures.parquet"
    pd.DataFrame({"client_id": ["a", "b", "c"], "q1": [1.0, 9.0, 2.0]}).to_parquet(path)
    df = read_table(path)
    assert df.attrs["source"] == "measures.parquet"
    assert df["client_id"].tolist() == ["a", "b", "c"]
    with pytest.raises(errors.InvalidValueError) as info:
        check_numeric(df, ["q1"], high=5)
    assert info.value.rows == [1] and info.value.line_numbers == []  # records, not lines
    assert "measures.parquet" in str(info.value)
    numbered = read_table(path, lines=True, columns=["q1"])
    assert numbered.columns.tolist() == ["q1", "file_line"]
    assert numbered["file_line"].tolist() == [1, 2, 3]  # the record number
    (tmp_path / "fake.parquet").write_text("client_id,q1\na,1\n")
    with pytest.raises(errors.UnreadableFileError, match="not a readable Parquet file"):
        read_table(tmp_path / "fake.parquet")


def test_the_rows_as_read_do_not_get_in_the_way_of_parquet_or_pickle(tmp_path):
    """attrs["file_rows"] is written as its description only (JSON, pickle): no warning."""
    import pickle
    import warnings

    path = tmp_path / "a.csv"
    path.write_text("id,q\na,1\nb,9\n", encoding="utf-8")
    df = read_table(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        df.to_parquet(tmp_path / "a.parquet")
    assert pd.read_parquet(tmp_path / "a.parquet").attrs["file_rows"] == "2 rows read from a.csv, line 2 on"
    assert type(pickle.loads(pickle.dumps(df)).attrs["file_rows"]) is str
