"""Formatted Excel output."""

import openpyxl
import pandas as pd
import pytest

from wellbeing_lib.reporting import write_excel


def test_write_excel_formats_and_refuses_overwrite_when_asked(tmp_path):
    path = tmp_path / "sub" / "report.xlsx"
    frame = pd.DataFrame({"measure": ["SWEMWBS", "UCLA-3"], "n": [850, 720], "pct": [0.85, 0.54]})
    write_excel({"Headline figures": frame, "A" * 40: frame}, path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Headline figures", "A" * 31]
    ws = book["Headline figures"]
    assert [c.value for c in ws[1]] == ["measure", "n", "pct"]
    assert [c.value for c in ws[3]] == ["UCLA-3", 720, 0.54]
    assert ws.freeze_panes == "A2"
    assert ws["A1"].font.bold
    assert ws.column_dimensions["A"].width >= len("SWEMWBS")
    with pytest.raises(FileExistsError):
        write_excel({"x": frame}, path, overwrite=False)
