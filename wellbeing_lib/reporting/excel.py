"""Formatted Excel workbooks, with one styling path for every workbook the library writes.

:func:`write_excel` writes tables as sheets: an NHS-blue bold header row that stays in
view, column widths fitted to the content, numbers kept as numbers with a number format
for their kind (``0.0%``, ``£#,##0``, ``0.00``, ``#,##0``... from the display layer,
:mod:`wellbeing_lib.reporting.display`), wrapped long text with rows tall enough to show
it, and a print setup (A4 landscape, fitted to one page wide, the header row repeated on
every page).  A sheet given as a :class:`~wellbeing_lib.reporting.display.Table` (from
:func:`~wellbeing_lib.reporting.display.present`) gets its human headers and formats; a
DataFrame keeps its column names (input templates need them) and gets formats from its
column names and values.  The styling helpers below are what it uses, and what the domain
report writers use for their own layouts, so that every workbook looks the same.

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

import numpy as np
import pandas as pd

from .display import EXCEL_FORMATS, Table, column_kind, present
from .palette import EXCEL_SCALE, NHS_BLUE, WHITE, excel_colour

__all__ = [
    "write_excel",
    "style_header",
    "fit_widths",
    "number_formats",
    "apply_number_formats",
    "print_setup",
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
    lines = np.ones(len(frame), dtype=int)
    for i, col in enumerate(frame.columns, start=1):
        letter = get_column_letter(i)
        lengths = frame[col].astype("string").str.len().fillna(0)
        values = lengths.tolist() if sample is None else lengths.tolist()[:sample]
        longest = int(max(values)) if values else 0
        width = min(max(len(str(col)), longest, 6) + 2, cap)
        ws.column_dimensions[letter].width = width
        if wrap_over is not None and longest > wrap_over:
            for cell in ws[letter][1:]:
                cell.alignment = wrap
            lines = np.maximum(lines, np.ceil(lengths.to_numpy(dtype=float) / (width - 2)))
    for row, n_lines in enumerate(lines, start=2):  # wrapped text: rows tall enough to show it
        if n_lines > 1:
            ws.row_dimensions[row].height = 15 * min(int(n_lines), 27)


def number_formats(frame: pd.DataFrame) -> dict:
    """Excel number format of each numeric column of ``frame`` (by its name and values).

    Example
    -------
    >>> import pandas as pd
    >>> number_formats(pd.DataFrame({"n": [3], "percent": [12.5], "total_cost": [10.0],
    ...                              "group": ["A"]}))
    {'n': '#,##0', 'percent': '0.0"%"', 'total_cost': '"£"#,##0;-"£"#,##0'}
    """
    out = {}
    for col in frame.columns:
        values = frame[col]
        if not (pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)):
            continue
        kind, dec = column_kind(col, values.dropna())
        if kind in ("text", "date", "yes_no"):
            kind, dec = "number", 2
        places = "." + "0" * dec if dec else ""
        out[col] = EXCEL_FORMATS[kind].replace("{d}", places)
    return out


def apply_number_formats(ws, frame: pd.DataFrame, formats: dict, *, first_row: int = 2) -> None:
    """Give the body cells of each column in ``formats`` (column name → format) its format."""
    from openpyxl.utils import get_column_letter

    last = first_row + len(frame) - 1
    for i, col in enumerate(frame.columns, start=1):
        fmt = formats.get(col)
        if fmt is None or last < first_row:
            continue
        letter = get_column_letter(i)
        for (cell,) in ws[f"{letter}{first_row}:{letter}{last}"]:
            if not isinstance(cell.value, str):
                cell.number_format = fmt


def print_setup(ws, *, header_rows: int = 1, landscape: bool = True) -> None:
    """Print setup: A4, landscape, fitted to one page wide, header rows on every page."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if header_rows:
        ws.print_title_rows = f"1:{header_rows}"
    ws.print_options.gridLines = False
    ws.oddFooter.center.text = "Page &P of &N"


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


def _sheet_frame(item, index: bool) -> tuple[pd.DataFrame, dict]:
    """The frame to write for a sheet (DataFrame or Table) and its number formats."""
    if isinstance(item, Table):
        data = item.data.astype(object).where(~item.withheld, item.marker)
        data = data.where(data.notna(), None)
        data.columns = list(item.labels)
        return data, item.excel_formats()
    if not isinstance(item, pd.DataFrame):
        raise TypeError(f"a sheet must be a DataFrame or a Table, not {type(item).__name__}")
    frame = item.reset_index() if index else item
    return frame, number_formats(frame)


def write_excel(
    sheets: dict,
    path,
    *,
    index: bool = False,
    overwrite: bool = True,
    landscape: bool = True,
    labels: bool = False,
) -> Path:
    """Write tables to a formatted workbook: bold frozen header, widths fitted, number
    formats, print setup.

    Parameters
    ----------
    sheets : dict of sheet name → DataFrame or Table
        Written in order; sheet names are cut to Excel's 31 characters.  A
        :class:`~wellbeing_lib.reporting.display.Table` is written with its human headers,
        numbers as numbers in its formats (``0.0%``, ``£#,##0``, ``0.00``...) and withheld
        cells as its marker; a DataFrame keeps its column names.
    path : path
        Output ``.xlsx`` file; its folder is created.
    index : bool
        Write the DataFrame index as the first column(s).
    overwrite : bool
        If False, refuse to replace an existing file (FileExistsError).
    landscape : bool, default True
        Print in landscape (always fitted to one page wide, header row repeated).
    labels : bool, default False
        Write every DataFrame sheet as the display layer shows it
        (:func:`~wellbeing_lib.reporting.display.present`): human headers ("Mean at
        baseline", "95% CI low") and the formats of each column's kind - for workbooks
        sent to boards and organisations.  Leave False for a workbook that is read back
        by name (templates, data exchange).

    Example
    -------
    >>> import pandas as pd, tempfile, pathlib, openpyxl
    >>> from wellbeing_lib.reporting.display import present
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "out.xlsx"
    >>> t = present(pd.DataFrame({"measure": ["SWEMWBS"], "n": [10], "proportion": [0.851]}))
    >>> _ = write_excel({"Summary": t}, p)
    >>> ws = openpyxl.load_workbook(p)["Summary"]
    >>> [c.value for c in ws[1]], ws["C2"].value, ws["C2"].number_format, ws.freeze_panes
    (['Measure', 'n', '%'], 0.851, '0.0%', 'A2')
    >>> ws.page_setup.orientation, ws.print_title_rows
    ('landscape', '$1:$1')
    """
    path = Path(path)
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} exists; pass overwrite=True to replace it")
    path.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, item in sheets.items():
            sheet = str(name)[:31]
            if labels and isinstance(item, pd.DataFrame):
                item = present(item.reset_index() if index else item)
            frame, formats = _sheet_frame(item, index)
            frame.to_excel(writer, sheet_name=sheet, index=False)
            ws = writer.sheets[sheet]
            ws.freeze_panes = "A2"
            style_header(ws[1])
            fit_widths(ws, frame, sample=1000, wrap_over=60)
            apply_number_formats(ws, frame, formats)
            print_setup(ws, landscape=landscape)
    return path
