"""Exceptions raised by wellbeing_lib.

Every problem with the data a user supplies is raised as a subclass of
:class:`DataError`, whose message names *where* the problem is (file, sheet,
column, rows) and *what was expected*, so that an evaluator can open the file
and fix it.  All exceptions derive from :class:`WellbeingError`; data errors are
also :class:`ValueError` so that generic ``except ValueError`` handlers work.

Row numbers
-----------
``rows`` holds the DataFrame index labels of the offending rows.  When the data
were read from a file by :func:`wellbeing_lib.io.read_table` the message also
gives the spreadsheet/line numbers a person would see (header = line 1).

Example
-------
>>> from wellbeing_lib.errors import InvalidValueError
>>> err = InvalidValueError("answer out of range", file="clients.csv",
...                         column="swemwbs_1", rows=[0, 4], expected="1-5",
...                         found=[7, 0], line_numbers=[2, 6])
>>> print(err)
answer out of range in clients.csv, column 'swemwbs_1', rows 0, 4 (file lines 2, 6): expected 1-5; found 7, 0
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

__all__ = [
    "WellbeingError",
    "DataError",
    "MissingColumnError",
    "InvalidValueError",
    "DuplicateKeyError",
    "UnmatchedRecordsError",
    "UnreadableFileError",
    "SheetError",
    "ConvergenceError",
]

#: how many row labels / values a message lists before saying "and N more"
MAX_LISTED = 5


def _listing(items: Sequence | None, limit: int = MAX_LISTED) -> str:
    items = list(items or [])
    shown = ", ".join(str(i) for i in items[:limit])
    if len(items) > limit:
        shown += f" and {len(items) - limit} more"
    return shown


class WellbeingError(Exception):
    """Base class of every exception raised by wellbeing_lib."""


class DataError(WellbeingError, ValueError):
    """A problem with data supplied by the user.

    Parameters
    ----------
    problem : str
        What is wrong, in plain words ("answer out of range").
    file, sheet : str, optional
        Where the data came from.
    column : str or list of str, optional
        The column(s) concerned.
    rows : sequence, optional
        Index labels of the rows concerned (the first few are listed).
    line_numbers : sequence of int, optional
        The matching line numbers in the file (header = 1), when known.
    cell : str, optional
        A spreadsheet cell reference such as ``"C7"``.
    expected : str, optional
        What was expected instead.
    found : sequence, optional
        The offending values (the first few are listed).
    """

    def __init__(
        self,
        problem: str,
        *,
        file: str | None = None,
        sheet: str | None = None,
        column: str | Iterable[str] | None = None,
        rows: Sequence | None = None,
        line_numbers: Sequence[int] | None = None,
        cell: str | None = None,
        expected: str | None = None,
        found: Sequence | None = None,
    ) -> None:
        self.problem = problem
        self.file = None if file is None else str(file)
        self.sheet = sheet
        self.column = column
        self.rows = list(rows) if rows is not None else []
        self.line_numbers = list(line_numbers) if line_numbers is not None else []
        self.cell = cell
        self.expected = expected
        self.found = list(found) if found is not None else []
        super().__init__(self._message())

    def _message(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.sheet:
            where.append(f"sheet '{self.sheet}'")
        if self.cell:
            where.append(f"cell {self.cell}")
        if self.column is not None:
            if isinstance(self.column, str):
                where.append(f"column '{self.column}'")
            else:
                cols = [f"'{c}'" for c in self.column]
                where.append(("columns " if len(cols) > 1 else "column ") + _listing(cols, 10))
        if self.rows:
            label = "row" if len(self.rows) == 1 else "rows"
            text = f"{label} {_listing(self.rows)}"
            if self.line_numbers:
                lab = "line" if len(self.line_numbers) == 1 else "lines"
                text += f" (file {lab} {_listing(self.line_numbers)})"
            where.append(text)
        msg = self.problem
        if where:
            msg += " in " + ", ".join(where)
        tail = []
        if self.expected:
            tail.append(f"expected {self.expected}")
        if self.found:
            tail.append(f"found {_listing(self.found)}")
        if tail:
            msg += ": " + "; ".join(tail)
        return msg


class MissingColumnError(DataError):
    """A required column is absent."""


class InvalidValueError(DataError):
    """Values are missing, non-numeric, out of range or not in the allowed set."""


class DuplicateKeyError(DataError):
    """Rows that should be unique on a key are repeated."""


class UnmatchedRecordsError(DataError):
    """Records that should pair up (e.g. baseline and follow-up) do not."""


class SheetError(DataError):
    """A workbook lacks a sheet, or a sheet is laid out differently from what was expected."""


class UnreadableFileError(WellbeingError, OSError):
    """A file is missing, empty, or cannot be parsed in a supported format."""

    def __init__(self, file: str, reason: str) -> None:
        self.file = str(file)
        self.reason = reason
        super().__init__(f"cannot read {self.file}: {reason}")


class ConvergenceError(WellbeingError, RuntimeError):
    """An iterative method did not converge within its iteration cap."""
