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
    "DisclosureError",
    "ConvergenceError",
    "NotebookRunError",
    "OverwriteError",
    "DataWarning",
    "describe_location",
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
        super().__init__(_keep_location(
            self, problem, file=file, sheet=sheet, column=column, rows=rows,
            line_numbers=line_numbers, cell=cell, expected=expected, found=found))


def _keep_location(target, problem: str, *, file, sheet, column, rows, line_numbers, cell,
                   expected, found) -> str:
    """Keep the fields of a :class:`DataError` or :class:`DataWarning` on ``target`` and
    give its message (:func:`describe_location`)."""
    target.problem = problem
    target.file = None if file is None else str(file)
    target.sheet = sheet
    target.column = column
    target.rows = list(rows) if rows is not None else []
    target.line_numbers = list(line_numbers) if line_numbers is not None else []
    target.cell = cell
    target.expected = expected
    target.found = list(found) if found is not None else []
    return describe_location(
        problem, file=target.file, sheet=sheet, cell=cell, column=column, rows=target.rows,
        line_numbers=target.line_numbers, expected=expected, found=target.found)


def describe_location(problem: str, *, file=None, sheet=None, cell=None, column=None,
                      rows=None, line_numbers=None, expected=None, found=None) -> str:
    """The one message format of :class:`DataError` and :class:`DataWarning`.

    Example
    -------
    >>> describe_location("blank column", file="m.csv", column="ucla_2",
    ...                   expected="at least one answer")
    "blank column in m.csv, column 'ucla_2': expected at least one answer"
    """
    where = []
    if file:
        where.append(str(file))
    if sheet:
        where.append(f"sheet '{sheet}'")
    if cell:
        where.append(f"cell {cell}")
    if column is not None:
        if isinstance(column, str):
            where.append(f"column '{column}'")
        else:
            cols = [f"'{c}'" for c in column]
            where.append(("columns " if len(cols) > 1 else "column ") + _listing(cols, 10))
    rows = list(rows or [])
    line_numbers = list(line_numbers or [])
    if rows:
        label = "row" if len(rows) == 1 else "rows"
        text = f"{label} {_listing(rows)}"
        if line_numbers:
            lab = "line" if len(line_numbers) == 1 else "lines"
            text += f" (file {lab} {_listing(line_numbers)})"
        where.append(text)
    elif line_numbers:
        lab = "line" if len(line_numbers) == 1 else "lines"
        where.append(f"file {lab} {_listing(line_numbers)}")
    msg = problem
    if where:
        msg += " in " + ", ".join(where)
    tail = []
    if expected:
        tail.append(f"expected {expected}")
    if found:
        tail.append(f"found {_listing(found)}")
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


class DisclosureError(DataError):
    """A table would disclose what its small-count suppression should hide, so it is not
    published (raised by :func:`wellbeing_lib.privacy.publish`)."""


class UnreadableFileError(WellbeingError, OSError):
    """A file is missing, empty, or cannot be parsed in a supported format."""

    def __init__(self, file: str, reason: str) -> None:
        self.file = str(file)
        self.reason = reason
        super().__init__(f"cannot read {self.file}: {reason}")


class OverwriteError(WellbeingError, FileExistsError):
    """A command would replace files that differ from what it writes (nothing was written)."""

    def __init__(self, folder, files) -> None:
        self.folder = str(folder)
        self.files = list(files)
        super().__init__(
            f"not overwriting {len(self.files)} file(s) that differ from the sample data: "
            f"{_listing(self.files, 8)} (pass force=True, or --force, to replace them)")


class ConvergenceError(WellbeingError, RuntimeError):
    """An iterative method did not converge within its iteration cap."""


class NotebookRunError(WellbeingError, RuntimeError):
    """A notebook run by ``wellbeing demo`` failed, stalled or timed out (one plain line)."""


class DataWarning(UserWarning):
    """Something in the user's data that is handled but should be looked at.

    Raised through :func:`warnings.warn` (never as an exception) for what the library can
    handle without a wrong number but the user should know about: a hidden sheet skipped,
    a column with every value blank, numbers stored as text.  The message has the format
    of :class:`DataError`, and the same fields are kept on the warning.

    Example
    -------
    >>> w = DataWarning("every value is blank", file="m.csv", column="ucla_2",
    ...                 expected="answers in at least one row")
    >>> print(w)
    every value is blank in m.csv, column 'ucla_2': expected answers in at least one row
    """

    def __init__(self, problem: str, *, file=None, sheet=None, column=None, rows=None,
                 line_numbers=None, cell=None, expected=None, found=None) -> None:
        super().__init__(_keep_location(
            self, problem, file=file, sheet=sheet, column=column, rows=rows,
            line_numbers=line_numbers, cell=cell, expected=expected, found=found))
