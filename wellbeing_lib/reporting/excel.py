"""Formatted Excel workbooks, with one styling path for every workbook the library writes.

:func:`write_excel` writes tables as sheets: an NHS-blue bold header row that stays in
view, and column widths fitted to the content.  The styling helpers below are what it
uses, and what the domain report writers use for their own layouts, so that every
workbook looks the same.

Example
-------
>>> import pandas as pd, tempfile, pathlib, openpyxl
>>> p = pathlib.Path(tempfile.mkdtemp()) / "out.xlsx"
>>> _ = write_excel({"Summary": pd.DataFrame({"measure": ["SWEMWBS"], "n": [10]})}, p)
>>> ws = openpyxl.load_workbook(p)["Summary"]
>>> ws["A1"].fill.fgColor.rgb, ws["A1"].font.bold
('00005EB8', True)
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .palette import EXCEL_SCALE, NHS_BLUE, WHITE, excel_colour

__all__ = [
    "write_excel",
    "style_header",
    "fit_widths",
    "colour_scale_rule",
    "text_fill_rule",
    "table_rows",
]


def style_header(cells) -> None:
    """Give header cells the library's look: bold white text on NHS blue."""
    from openpyxl.styles import Font, PatternFill

    font = Font(bold=True, color=excel_colour(WHITE))
    fill = PatternFill("solid", fgColor=excel_colour(NHS_BLUE))
    for cell in cells:
        cell.font = font
        cell.fill = fill


def fit_widths(ws, frame: pd.DataFrame, *, cap: int = 60, sample: int | None = None,
               wrap_over: int | None = None) -> None:
    """Set each column's width to its longest text (header included) + 2, at most ``cap``.

    Parameters
    ----------
    ws : openpyxl worksheet
        Holding ``frame`` from cell A1 (header in row 1).
    frame : DataFrame
        The table written to the sheet (one sheet column per frame column).
    cap : int, default 60
        Widest column, in characters.
    sample : int, optional
        Only the first ``sample`` values are measured (quick on long sheets).
    wrap_over : int, optional
        Wrap the body cells of columns whose longest text is longer than this.
    """
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    wrap = Alignment(wrap_text=True, vertical="top")
    for i, col in enumerate(frame.columns, start=1):
        letter = get_column_letter(i)
        lengths = frame[col].astype("string").str.len().fillna(0)
        values = lengths.tolist() if sample is None else lengths.tolist()[:sample]
        longest = int(max(values)) if values else 0
        ws.column_dimensions[letter].width = min(max(len(str(col)), longest, 6) + 2, cap)
        if wrap_over is not None and longest > wrap_over:
            for cell in ws[letter][1:]:
                cell.alignment = wrap


def colour_scale_rule(low: float, high: float):
    """An Excel three-colour scale from ``low`` to ``high`` (colours from the palette)."""
    from openpyxl.formatting.rule import ColorScaleRule

    start, mid, end = (excel_colour(c) for c in EXCEL_SCALE)
    return ColorScaleRule(start_type="num", start_value=low, start_color=start,
                          mid_type="num", mid_value=(low + high) / 2, mid_color=mid,
                          end_type="num", end_value=high, end_color=end)


def text_fill_rule(text: str, colour: str, *, font_colour: str | None = None):
    """A conditional format filling cells whose value equals ``text`` with ``colour``."""
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import Font, PatternFill

    font = None if font_colour is None else Font(color=excel_colour(font_colour))
    return CellIsRule(operator="equal", formula=[f'"{text}"'],
                      fill=PatternFill("solid", fgColor=excel_colour(colour)), font=font)


def table_rows(frame: pd.DataFrame) -> list[list]:
    """Rows of plain Python values for openpyxl (missing values as None)."""
    if frame.empty:
        return []
    shown = frame.astype(object).where(frame.notna(), None)
    return shown.to_numpy().tolist()


def write_excel(
    sheets: dict[str, pd.DataFrame],
    path,
    *,
    index: bool = False,
    overwrite: bool = True,
) -> Path:
    """Write DataFrames to a formatted workbook: bold frozen header, widths fitted to content.

    Parameters
    ----------
    sheets : dict of sheet name → DataFrame
        Written in order; sheet names are cut to Excel's 31 characters.
    path : path
        Output ``.xlsx`` file; its folder is created.
    index : bool
        Write the DataFrame index as the first column(s).
    overwrite : bool
        If False, refuse to replace an existing file (FileExistsError).

    Example
    -------
    >>> import pandas as pd, tempfile, pathlib, openpyxl
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "out.xlsx"
    >>> _ = write_excel({"Summary": pd.DataFrame({"measure": ["SWEMWBS"], "n": [10]})}, p)
    >>> ws = openpyxl.load_workbook(p)["Summary"]
    >>> ws["A1"].value, ws["B2"].value, ws.freeze_panes
    ('measure', 10, 'A2')
    """
    path = Path(path)
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} exists; pass overwrite=True to replace it")
    path.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            sheet = str(name)[:31]
            frame.to_excel(writer, sheet_name=sheet, index=index)
            ws = writer.sheets[sheet]
            ws.freeze_panes = "A2"
            style_header(ws[1])
            fit_widths(ws, frame.reset_index() if index else frame, sample=1000)
    return path
