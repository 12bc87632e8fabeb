"""Checking finished reports: no small count, and no rate that undoes the suppression.

:func:`scan_reports` reads every table of the HTML and Excel files it is given (or finds
in a folder) and lists each published count of people from ``low`` to ``high`` and each
rate that gives away more than the counts beside it.  It is the last check before a
report leaves the building, and the test suite runs it on everything ``wellbeing demo``
writes.

What counts as a count of people is read from the column headers, as
:func:`~wellbeing_lib.privacy.publish` reads them: ``n``, ``N``, ``n_<what>``,
``responses``, ``respondents``... (:func:`~wellbeing_lib.privacy.is_count_column`), and
every number of a cross-tab with a ``Total`` row or column.  A rate is ``percent``,
``pct`` or ``proportion`` beside ``n`` and ``N`` (or ``pct_<what>`` beside ``n_<what>``):
it must be withheld where its count is, and elsewhere equal, to the precision shown, the
rate of the published counts.

Example
-------
>>> import tempfile, pathlib
>>> import pandas as pd
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> table = pd.DataFrame({"group": ["A", "B"], "n": [3, 10], "N": [40, 50],
...                       "percent": [7.5, 20.0]})
>>> _ = (folder / "report.html").write_text(table.to_html(index=False))
>>> scan_reports(folder)[["table", "row", "column", "value", "problem"]]
     table row column value                problem
0  table 1   A      n     3  small count published
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InvalidValueError
from .publishing import _RATE, RATE_SCALES, _decimals, is_count_column
from .suppression import ROUND_BASE, SUPPRESS_HIGH, SUPPRESS_LOW

__all__ = ["scan_reports", "SCAN_COLUMNS"]

#: columns of the table :func:`scan_reports` returns
SCAN_COLUMNS = ["file", "table", "row", "column", "value", "problem"]
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$")


class _Tables(HTMLParser):
    """The ``<table>`` elements of an HTML page as header rows and body rows of text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list = []
        self._table = self._row = self._cell = None
        self._head = False
        self._span = 1

    def handle_starttag(self, tag, attrs) -> None:
        if tag == "table":
            self._table = {"head": [], "body": []}
        elif self._table is None:
            return
        elif tag == "thead":
            self._head = True
        elif tag == "tbody":
            self._head = False
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = ""
            span = dict(attrs).get("colspan") or "1"
            self._span = int(span) if span.isdigit() else 1

    def handle_endtag(self, tag) -> None:
        if self._table is None:
            return
        if tag == "table":
            self.tables.append(self._table)
            self._table = None
        elif tag == "tr" and self._row is not None:
            self._table["head" if self._head else "body"].append(self._row)
            self._row = None
        elif tag in ("td", "th") and self._cell is not None:
            self._row.extend([self._cell.strip()] + [""] * (self._span - 1))
            self._cell = None

    def handle_data(self, data) -> None:
        if self._cell is not None:
            self._cell += data


def _html_tables(path: Path) -> list:
    parser = _Tables()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    out = []
    for k, table in enumerate(parser.tables, start=1):
        body = [r for r in table["body"] if r]
        head = table["head"] or ([table["body"][0]] if table["body"] else [])
        if not table["head"] and body:
            body = body[1:]
        if not body or not head:
            continue
        width = max(len(r) for r in body)
        header = [""] * width
        for row in head:  # a column's label: the last non-empty header text above it
            row = [""] * (width - len(row)) + row if len(row) < width else row[-width:]
            header = [h if h else old for h, old in zip(row, header)]
        out.append((f"table {k}", header, body))
    return out


def _xlsx_tables(path: Path) -> list:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    out = []
    try:
        for sheet in book.worksheets:
            rows = [list(r) for r in sheet.iter_rows(values_only=True)]
            rows = [r for r in rows if any(v is not None for v in r)]
            if len(rows) < 2:
                continue
            header = ["" if v is None else str(v) for v in rows[0]]
            out.append((sheet.title, header, rows[1:]))
    finally:
        book.close()
    return out


def _number(value) -> float:
    """A table value as a number (NaN for text, blanks, withheld markers and "< 0.001").

    Reads the library's display formats too (:mod:`wellbeing_lib.reporting.display`):
    thousands separators, a true minus sign, "£" and "%" ("85.1%" is 85.1).
    """
    if isinstance(value, bool) or value is None:
        return np.nan
    if isinstance(value, int | float | np.number):
        return float(value)
    text = (str(value).strip().replace(",", "").replace("\u2212", "-").replace("£", "")
            .removesuffix("%"))
    return float(text) if _NUMBER.match(text) else np.nan


def _rate_of(header: str):
    """(scale, suffix) of a rate column: ``percent``/``pct``/``proportion`` by name, or the
    display layer's "%" header (scale None: read from the values)."""
    match = _RATE.match(header)
    if match:
        return RATE_SCALES[match.group(1)], match.group(2)
    if header.strip() == "%":
        return None, None  # a percentage on a page ("85.1%"), a proportion in a workbook
    return None


def _counts_people(header: str) -> bool:
    """A column of counts of people, by its name or its human header ("N missing" is
    ``n_missing``, "Clients" is ``clients``: the display layer's labels, read back)."""
    name = str(header).strip()
    return is_count_column(name) or is_count_column(name.lower().replace(" ", "_"))


def _scan_table(file: str, name: str, header: list, rows: list, low: int, high: int,
                base: int, margins_name: str) -> list:
    width = len(header)
    rows = [list(r) + [None] * (width - len(r)) for r in rows]
    values = np.array([[_number(v) for v in r[:width]] for r in rows], dtype=float)
    labels = [str(r[0]) if r and r[0] is not None else "" for r in rows]
    crosstab = margins_name in header or margins_name in labels
    counts = [j for j, h in enumerate(header) if _counts_people(h)]
    if crosstab:
        counts = sorted(set(counts) | set(range(1, width)))
    found = []
    for j in counts:
        col = values[:, j]
        small = np.isfinite(col) & (col == np.round(col)) & (col >= low) & (col <= high)
        for i in np.flatnonzero(small):
            found.append((file, name, labels[i], header[j], rows[i][j], "small count published"))
        unrounded = np.isfinite(col) & (col > high) & (col % base != 0)
        for i in np.flatnonzero(unrounded):
            found.append((file, name, labels[i], header[j], rows[i][j],
                          "unrounded count published"))
    position = {h: j for j, h in enumerate(header)}
    for j, h in enumerate(header):
        rate_of = _rate_of(h)
        if rate_of is None:
            continue
        scale, suffix = rate_of
        if scale is None:  # "%": 0.851 formatted 0.0% in a workbook, "85.1%" on a page
            finite = values[:, j][np.isfinite(values[:, j])]
            scale = 1.0 if finite.size and np.abs(finite).max() <= 1 else 100.0
        numerator = "n" if suffix is None else f"n_{suffix}"
        if numerator not in position or "N" not in position:
            continue
        rate, n, d = values[:, j], values[:, position[numerator]], values[:, position["N"]]
        shown = np.isfinite(rate)
        beside_withheld = shown & ~(np.isfinite(n) & np.isfinite(d))
        with np.errstate(divide="ignore", invalid="ignore"):
            expected = np.where(d > 0, scale * n / d, np.nan)
        tolerance = 0.5 * 10.0 ** -_decimals(np.nan_to_num(rate)) + 1e-9
        off = shown & ~beside_withheld & ~(np.abs(rate - expected) <= tolerance)
        for i in np.flatnonzero(beside_withheld):
            found.append((file, name, labels[i], h, rows[i][j], "rate beside a withheld count"))
        for i in np.flatnonzero(off):
            found.append((file, name, labels[i], h, rows[i][j],
                          f"rate is not {numerator}/N as published (gives back the "
                          "unrounded counts)"))
    return found


def scan_reports(paths, *, low: int = SUPPRESS_LOW, high: int = SUPPRESS_HIGH,
                 base: int = ROUND_BASE, margins_name: str = "Total") -> pd.DataFrame:
    """Small counts and revealing rates in finished HTML and Excel reports.

    Parameters
    ----------
    paths : path or list of paths
        Files (``.html``, ``.xlsx``) or folders (searched recursively for both).
    low, high : int, default 1, 7
        The range of counts that must not be published.
    base : int, default 5
        Published counts above ``high`` are multiples of ``base`` (``base=1``: no check).
    margins_name : str, default "Total"
        A table with a row or column of this name is a cross-tab: all its numbers are
        counts.

    Returns
    -------
    DataFrame
        One row per problem: ``file``, ``table`` (the sheet name, or "table k" for the
        k-th table of a page), ``row`` (the row's first cell), ``column``, ``value`` and
        ``problem`` ("small count published", "unrounded count published", "rate beside a
        withheld count", or a rate that is not the rate of the published counts).  Empty when the reports are clean.

    Raises
    ------
    InvalidValueError
        A path does not exist.
    """
    paths = [paths] if isinstance(paths, str | Path) else list(paths)
    files = []
    for path in map(Path, paths):
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.suffix.lower() in (".html", ".xlsx"))
        elif path.exists():
            files.append(path)
        else:
            raise InvalidValueError("no such report", file=str(path),
                                    expected="an .html or .xlsx file, or a folder")
    found = []
    for path in files:
        if path.suffix.lower() == ".xlsx":
            tables = _xlsx_tables(path)
        elif path.suffix.lower() == ".html":
            tables = _html_tables(path)
        else:
            continue
        for name, header, rows in tables:
            found += _scan_table(str(path), name, header, rows, low, high, base, margins_name)
    return pd.DataFrame(found, columns=SCAN_COLUMNS)
