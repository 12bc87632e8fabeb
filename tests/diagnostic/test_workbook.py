"""Tests of wellbeing_lib.diagnostic.workbook: writing and reading diagnostic workbooks, and
the problems a malformed workbook gives (by file, sheet and cell).
"""

from __future__ import annotations

import functools
import tempfile
import warnings
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from tests.diagnostic.helpers import ENV, row
from wellbeing_lib import diagnostic as dg
from wellbeing_lib.errors import (
    DuplicateKeyError,
    InvalidValueError,
    SheetError,
    UnreadableFileError,
)


# The Environment sheet of a written workbook: row 1 title, row 2 header, ENV-01 in row 3,
# ENV-05 in row 7, ENV-09 in row 11; columns A Question ID ... D Maturity, E Evidence,
# F Staff groups covered, G Date completed.
def north_answers() -> pd.DataFrame:
    """North Trust: ENV-01..09 answered (3,3,2,2,4,1,0,3,2 = 20), DAT-01 Planning."""
    env = [3, "Embedded", "developing", 2, "Exemplary", 1, 0, 3, 2]
    return pd.DataFrame({
        "question_id": [f"ENV-0{i}" for i in range(1, 10)] + ["DAT-01"],
        "answer": env + ["Planning"],
        "evidence": ["Rest area audit"] * 9 + [None],
        "staff_groups": ["AfC 5-7; Medical"] + [None] * 8 + ["Band 3"],
        "completed_on": ["2022-03-14"] * 9 + ["15/04/2022"],
    })


@functools.cache
def north_book() -> bytes:
    """North Trust's workbook, written once (writing is the slow part of these tests)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = dg.write_diagnostic_workbook(Path(tmp) / "north.xlsx", organisation="North Trust",
                                            answers=north_answers())
        return path.read_bytes()


def write_book(folder, name="org03.xlsx", organisation="North Trust", **cover):
    path = Path(folder) / name
    if organisation == "North Trust" and not cover:
        path.write_bytes(north_book())
        return path
    return dg.write_diagnostic_workbook(path, organisation=organisation,
                                        answers=north_answers(), **cover)


def edit_book(path, change):
    book = openpyxl.load_workbook(path)
    change(book)
    book.save(path)
    return path


def load_quietly(folder, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return dg.load_diagnostic_workbooks(folder, progress=False, **kwargs)


def test_workbook_round_trip(tmp_path):
    write_book(tmp_path, org_code="NT1", organisation_type="Acute trust", lead_role="Lead",
               started_on="2021-11-01", last_updated="2022-04-15")
    d = dg.load_diagnostic_workbooks(tmp_path, progress=False)
    assert d.problems.empty
    a = d.answers.set_index("question_id")
    assert len(d.answers) == 60  # every question has a row; 50 of them blank
    assert a.loc["ENV-02", "level"] == "Embedded" and a.loc["ENV-03", "points"] == 2
    assert a.loc["ENV-01", "staff_groups"] == "AfC 5-7; Medical"
    assert a.loc["DAT-01", "completed_on"] == pd.Timestamp("2022-04-15")
    assert (a.loc["ENV-01", "file"], a.loc["ENV-01", "sheet"], a.loc["ENV-01", "row"]) == (
        "org03.xlsx", "Environment", 3)
    assert a.loc["PWS-08", "sheet"] == "Professional wellbeing support"
    c = d.completeness.iloc[0]
    assert (c["organisation"], c["n_answered"], c["file"]) == ("North Trust", 10, "org03.xlsx")
    s = dg.score_diagnostic(d)
    assert row(s, "North Trust", ENV)["mean_maturity"] == pytest.approx(20 / 9)
    cover = d.cover.iloc[0]
    assert (cover["org_code"], cover["organisation_type"], cover["lead_role"]) == (
        "NT1", "Acute trust", "Lead")
    assert cover["last_updated"] == pd.Timestamp("2022-04-15")
    tidy = d.to_frame()
    assert tidy.loc[tidy["question_id"] == "ENV-01", "answer"].item() == "Embedded"
    assert tidy.loc[tidy["question_id"] == "DAT-01", "completed_on"].item() == "2022-04-15"


def test_blank_template_loads_as_nothing_answered(tmp_path):
    dg.write_diagnostic_workbook(tmp_path / "t.xlsx", organisation="Kestrel Hill Hospice")
    book = openpyxl.load_workbook(tmp_path / "t.xlsx")
    assert book.sheetnames == ["Cover", *dg.elements()["sheet_name"]]
    assert [c.value for c in book["Environment"][2]] == list(dg.WORKBOOK_HEADER)
    assert book["Environment"]["A11"].value == "ENV-09"
    d = dg.load_diagnostic_workbooks(tmp_path / "t.xlsx", progress=False)
    assert d.completeness["n_answered"].tolist() == [0] and len(d.answers) == 60


def _del_env(book):
    del book["Environment"]


def _set(sheet, cell, value):
    def change(book):
        book[sheet][cell] = value
    return change


def _merge(sheet, cells):
    def change(book):
        book[sheet].merge_cells(cells)
    return change


def _insert_row(book):
    book["Environment"].insert_rows(1)


def _move_question(book):
    rel = book["Relationships"]
    for col in "ABCDEFG":
        rel[f"{col}10"] = None  # REL-08's row emptied ...
    book["Environment"]["A12"] = "REL-08"  # ... and REL-08 answered on the Environment sheet
    book["Environment"]["D12"] = "Embedded"


MALFORMED = {
    # name: (change, error, problem starts with, sheet, cell, action starts with)
    "missing sheet": (_del_env, SheetError, "element sheet missing", ENV, None,
                      "its questions count as missing"),
    "unknown question id": (_set(ENV, "A7", "ENV-99"), InvalidValueError,
                            "unknown question id 'ENV-99'", ENV, "A7", "row not used"),
    "answer off the scale": (_set(ENV, "D5", "Mature"), InvalidValueError,
                             "answer not on the maturity scale: 'Mature'", ENV, "D5",
                             "answer not used"),
    "answer between levels": (_set(ENV, "D4", 2.5), InvalidValueError,
                              "answer not on the maturity scale: '2.5'", ENV, "D4",
                              "answer not used"),
    "merged header cells": (_merge(ENV, "B2:C2"), SheetError, "merged cells in the header row",
                            ENV, "B2:C2", "sheet skipped"),
    "merged answer cells": (_merge(ENV, "E5:E6"), SheetError, "merged cells in the answer rows",
                            ENV, "E5:E6", "sheet skipped"),
    "header row moved": (_insert_row, SheetError, "header row not where expected", ENV, "A3",
                         "sheet skipped"),
    "header row lacks question id": (_set(ENV, "A2", "Ref"), SheetError,
                                     "header row missing required columns", ENV, "A2",
                                     "sheet skipped"),
    "unreadable date": (_set(ENV, "G3", "31/02/2022"), InvalidValueError,
                        "unreadable date '31/02/2022'", ENV, "G3", "date not used"),
    "unknown staff group": (_set(ENV, "F3", "Nurses; AfC 5"), InvalidValueError,
                            "unknown staff group", ENV, "F3", "kept as written"),
    "repeated question id": (_set(ENV, "A4", "ENV-01"), DuplicateKeyError,
                             "question id ENV-01 repeated", ENV, "A3", "none of the repeated"),
    "question on another sheet": (_move_question, SheetError,
                                  "question REL-08 is on another element's sheet", ENV, "A12",
                                  "kept"),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_workbook_problems_name_file_sheet_and_cell(tmp_path, case):
    change, error, problem, sheet, cell, action = MALFORMED[case]
    path = edit_book(write_book(tmp_path), change)
    with pytest.warns(UserWarning, match=r"problem\(s\) in 1 of 1 workbooks"):
        d = dg.load_diagnostic_workbooks(tmp_path, progress=False)
    p = d.problems
    first = p.iloc[0]
    assert (first["file"], first["sheet"], first["error"]) == ("org03.xlsx", sheet,
                                                                error.__name__)
    assert first["cell"] == cell or (cell is None and pd.isna(first["cell"]))
    assert first["problem"].startswith(problem) and first["action"].startswith(action)
    assert first["organisation"] == "North Trust"
    assert d.completeness["n_problems"].item() == len(p)
    with pytest.raises(error) as err:
        dg.load_diagnostic_workbooks(path, progress=False, errors="raise")
    e = err.value
    assert (e.file, e.sheet, e.cell) == ("org03.xlsx", sheet, cell)
    where = f" in org03.xlsx, sheet '{sheet}'" + (f", cell {cell}" if cell else "")
    assert where in str(e) and str(e) == first["message"]


def test_unknown_question_id_message_reads_like_the_spreadsheet(tmp_path):
    edit_book(write_book(tmp_path), _set(ENV, "A7", "ENV-99"))
    with pytest.raises(InvalidValueError) as err:
        dg.load_diagnostic_workbooks(tmp_path, progress=False, errors="raise")
    assert str(err.value).startswith(
        "unknown question id 'ENV-99' in org03.xlsx, sheet 'Environment', cell A7: "
        "expected one of the 60 question ids PHW-01 ... PWS-08")


def test_what_a_problem_does_to_the_answers(tmp_path):
    def change(book):
        env = book["Environment"]
        env["D5"] = "Mature"        # ENV-03's answer (2) not used
        env["G6"] = "soon"          # ENV-04 still answered, date not used
        env["A7"] = "ENV-99"        # ENV-05's row (4) not used
        env["F3"] = "Nurses"        # ENV-01 kept, staff groups as written
    edit_book(write_book(tmp_path), change)
    d = load_quietly(tmp_path)
    a = d.answers.set_index("question_id")
    assert "ENV-03" in a.index and np.isnan(a.loc["ENV-03", "points"])
    assert a.loc["ENV-03", "evidence"] == "Rest area audit"  # the rest of the row is kept
    assert a.loc["ENV-04", "points"] == 2 and pd.isna(a.loc["ENV-04", "completed_on"])
    assert "ENV-05" not in a.index
    assert a.loc["ENV-01", "staff_groups"] == "Nurses"
    c = d.completeness.iloc[0]
    assert c["n_answered"] == 8 and "ENV-03" in c["missing_questions"]
    assert "ENV-05" in c["missing_questions"] and c["n_problems"] == 4
    # an unknown staff group is not silently dropped from the coverage either
    with pytest.raises(InvalidValueError, match=r"unknown staff group.*Nurses \(org03.xlsx"):
        dg.evidence_coverage(d)
    cov = dg.evidence_coverage(d, unknown="ignore")
    assert cov["n_covering"].sum() == 1  # only DAT-01's Band 3 is left


def test_a_bad_file_does_not_stop_the_others(tmp_path):
    write_book(tmp_path, "a_good.xlsx")
    (tmp_path / "b_empty.xlsx").write_bytes(b"")
    (tmp_path / "c_text.xlsx").write_text("organisation,question_id\nX,ENV-01\n")
    with zipfile.ZipFile(tmp_path / "d_damaged.xlsx", "w") as z:
        z.writestr("hello.txt", "not a workbook")
    edit_book(write_book(tmp_path, "e_nocover.xlsx", organisation="Other"),
              lambda book: setattr(book["Cover"], "title", "Front page"))
    write_book(tmp_path, "f_again.xlsx")  # North Trust a second time
    edit_book(write_book(tmp_path, "g_noname.xlsx", organisation="Tmp"),
              _set("Cover", "B3", None))
    (tmp_path / "~$a_good.xlsx").write_bytes(b"lock")  # Excel lock file: ignored
    with pytest.warns(UserWarning, match=r"6 problem\(s\) in 6 of 7 workbooks \(6 file"):
        d = dg.load_diagnostic_workbooks(tmp_path, progress=False)
    assert d.completeness["organisation"].tolist() == ["North Trust"]
    assert d.completeness["n_answered"].item() == 10
    p = d.problems.set_index("file")
    assert p.loc["b_empty.xlsx", "message"] == "cannot read b_empty.xlsx: the file is empty (0 bytes)"
    assert p.loc["c_text.xlsx", "error"] == "UnreadableFileError"
    assert "not a zip archive" in p.loc["c_text.xlsx", "message"]
    assert "damaged or incomplete" in p.loc["d_damaged.xlsx", "message"]
    assert p.loc["e_nocover.xlsx", "problem"] == "cover sheet missing"
    assert p.loc["f_again.xlsx", "error"] == "DuplicateKeyError"
    assert "already read from a_good.xlsx" in p.loc["f_again.xlsx", "message"]
    assert (p.loc["g_noname.xlsx", "problem"], p.loc["g_noname.xlsx", "cell"]) == (
        "organisation name missing", "B3")
    assert (p["action"] == "file skipped").all() and "a_good.xlsx" not in p.index
    with pytest.raises(UnreadableFileError, match="b_empty.xlsx: the file is empty"):
        dg.load_diagnostic_workbooks(tmp_path, progress=False, errors="raise")


def test_no_workbooks_and_bad_arguments(tmp_path):
    with pytest.raises(UnreadableFileError, match="no .xlsx workbooks"):
        dg.load_diagnostic_workbooks(tmp_path, progress=False)
    with pytest.raises(UnreadableFileError, match="no such file or folder"):
        dg.load_diagnostic_workbooks(tmp_path / "nowhere", progress=False)
    with pytest.raises(ValueError, match="errors must be"):
        dg.load_diagnostic_workbooks(tmp_path, errors="ignore")
    (tmp_path / "only.xlsx").write_bytes(b"")
    with pytest.raises(UnreadableFileError, match=r"none of the 1 workbook\(s\) could be read: "
                                                  "cannot read only.xlsx: the file is empty"):
        load_quietly(tmp_path)
