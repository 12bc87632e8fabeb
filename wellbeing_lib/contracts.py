"""Data contracts: what every input file of the notebooks must hold, kept as data.

One contract per input file, in two package tables (``wellbeing_lib/data/contracts/``):

* ``files.csv`` - one row per file: its kind (a ``table``, a ``workbook_folder`` of
  diagnostic workbooks, a ``surveymonkey_export``, NHS Digital ``gp_registrations``), what
  one row is, the key that must be unique, which notebooks and functions read it;
* ``columns.csv`` - one row per column: its type (``identifier``, ``text``, ``integer``,
  ``number``, ``date``, ``boolean``), whether it must be present and may be blank, the
  allowed values (a list, or ``table:<reference table>:<column>``), the range (``min``,
  ``max``, or the scale named in another column, ``scale_column``), and the source of the
  rule where there is one (an instrument's published item range, say).

:func:`check_table` checks a table against its contract and returns **every** problem
as one tidy table (file, sheet, column, lines, problem, expected, found, severity);
:func:`validate_table` raises the first error as the library's named error (so a loader
stops with a message naming file, column and line) and warns for the rest;
:func:`contracts_markdown` renders the contracts into ``data/README.md``.  Checking a
whole folder (with the diagnostic workbooks and the SurveyMonkey export, which need their
domain's reader) is :func:`wellbeing_lib.intake.check_data_folder`.

Why not pandera
    Every rule here is one vectorised pandas expression, and every problem must come out
    as the library's named error with file, sheet, spreadsheet line and what was expected;
    translating pandera's failure cases back into that is more code than the checks, and
    it would add pydantic, pydantic-core, typeguard and typing-inspect to every install
    (README, "Data contracts").

A new input file is a row in ``files.csv`` and its columns in ``columns.csv``; nothing
else (a file whose layout varies, such as NHS Digital's GP registration files, gets a kind
checked by its domain's reader in :mod:`wellbeing_lib.intake`).

Example
-------
>>> import pandas as pd
>>> codings = pd.DataFrame({"respondent": ["R1", "R1", "Total"], "question": "what_matters",
...                         "code": ["loneliness", "loneliness", "x"]})
>>> check_table(codings, "engagement_codings.csv")[["column", "problem", "found"]]
       column                  problem                       found
0       coder  required column missing  respondent, question, code
1  respondent                total row                       Total
2        code        value not allowed                           x
"""

from __future__ import annotations

import difflib
import functools
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import (
    DataError,
    DataWarning,
    DuplicateKeyError,
    InvalidValueError,
    MissingColumnError,
    UnreadableFileError,
    _listing,
)
from .io import load_reference_table, package_data_path, read_table
from .validation import (
    LINE_COLUMN,
    TOTAL_LABEL,
    error_location,
    scale_limits,
    sheet_of,
    source_of,
)

__all__ = [
    "Contract",
    "TYPES",
    "PROBLEM_COLUMNS",
    "contracts",
    "all_contracts",
    "get_contract",
    "rule_text",
    "check_table",
    "check_file",
    "validate_table",
    "problems_frame",
    "blank_table",
    "contracts_markdown",
    "readme_with_contracts",
    "README_BEGIN",
    "README_END",
]

#: the column types of a contract
TYPES = ("identifier", "text", "integer", "number", "date", "boolean")

#: the columns of every problems table
PROBLEM_COLUMNS = ["file", "sheet", "column", "lines", "n_rows", "problem", "expected",
                   "found", "severity", "error"]

_DATE_TEXT = "a date written YYYY-MM-DD (e.g. 2017-10-13)"


# ------------------------------------------------------------------ the contracts
@dataclass(frozen=True)
class Contract:
    """The contract of one input file (a row of ``files.csv`` and its columns).

    Attributes
    ----------
    file : str
        File name in the data folder (``diagnostic_workbooks/`` for the folder).
    kind : str
        ``table``, ``workbook_folder``, ``surveymonkey_export`` or ``gp_registrations``
        (NHS Digital's layout, whose column names vary between releases: checked by
        :func:`wellbeing_lib.monitoring.read_gp_registrations` as well).
    formats : tuple of str
        Accepted formats (``csv``, ``xlsx``).
    one_row_per, description, functions : str
        What a row is, what the file holds, the functions that read it.
    key : tuple of str
        Columns that identify a row.
    duplicates : str
        ``error`` (the key must be unique) or ``reported`` (a function reports them).
    notebooks : tuple of str
        Numbers of the notebooks that read the file (``"03"``).
    columns : DataFrame
        One row per column (``column``, ``type``, ``required``, ``blank``, ``allowed``,
        ``min``, ``max``, ``scale_column``, ``case``, ``description``, ``source``).
    """

    file: str
    kind: str
    formats: tuple
    one_row_per: str
    key: tuple
    duplicates: str
    notebooks: tuple
    functions: str
    description: str
    columns: pd.DataFrame

    @property
    def stem(self) -> str:
        """The file name without its extension (the name ``load_dataset`` takes)."""
        return self.file.rstrip("/").rsplit(".", 1)[0]

    def to_frame(self) -> pd.DataFrame:
        """The data dictionary: one row per column."""
        return self.columns.copy()

    def __repr__(self) -> str:
        return (f"Contract({self.file!r}: {len(self.columns)} columns, key "
                f"{'/'.join(self.key) or '-'}, notebooks {', '.join(self.notebooks) or '-'})")


def _split(text) -> tuple:
    if pd.isna(text) or not str(text).strip():
        return ()
    return tuple(part.strip() for part in str(text).split(";") if part.strip())


@functools.cache
def _load() -> dict:
    files = read_table(package_data_path("contracts/files.csv"), dtype=str,
                       keep_default_na=False)
    columns = read_table(package_data_path("contracts/columns.csv"), dtype=str,
                         keep_default_na=False)
    for col in ("min", "max"):
        columns[col] = pd.to_numeric(columns[col].replace("", np.nan)).astype("float64")
    if "case" not in columns.columns:
        columns["case"] = ""
    out = {}
    for row in files.itertuples(index=False):
        cols = columns[columns["file"] == row.file].drop(columns="file").reset_index(drop=True)
        out[row.file] = Contract(
            file=row.file, kind=row.kind, formats=_split(row.formats),
            one_row_per=row.one_row_per, key=_split(row.key), duplicates=row.duplicates,
            notebooks=_split(row.notebooks), functions=row.functions,
            description=row.description, columns=cols,
        )
    return out


def contracts() -> pd.DataFrame:
    """The contracts table: one row per input file (``files.csv``).

    Example
    -------
    >>> contracts().loc[0, ["file", "kind", "key", "notebooks"]].tolist()
    ['social_prescribing_clients.csv', 'table', 'client_id', '00;03;04;06']
    """
    return read_table(package_data_path("contracts/files.csv"), dtype=str,
                      keep_default_na=False)


def all_contracts() -> list[Contract]:
    """Every contract, in the order of ``files.csv``."""
    return list(_load().values())


def get_contract(name) -> Contract:
    """The contract of an input file, by file name or stem (``"engagement_codings"``).

    Example
    -------
    >>> get_contract("social_prescribing_measures")
    Contract('social_prescribing_measures.csv': 15 columns, key client_id/time, notebooks 00, 03, 04, 06)
    """
    if isinstance(name, Contract):
        return name
    found = _load()
    name = str(name)
    if name in found:
        return found[name]
    by_stem = {c.stem: c for c in found.values()}
    stem = name.rsplit(".", 1)[0] if "." in name else name.rstrip("/")
    if stem in by_stem:
        return by_stem[stem]
    raise KeyError(f"no data contract for '{name}'; contracts: {', '.join(found)}")


# ------------------------------------------------------------------ problems
def _problem(problems: list, cls, problem: str, *, severity: str = "error", **where) -> None:
    """Append one problem (the named error or warning it stands for, and its row)."""
    if severity == "error":
        exc = cls(problem, **where)
    else:
        exc = DataWarning(problem, **where)
    problems.append(exc)


def problems_frame(problems) -> pd.DataFrame:
    """A tidy problems table from named errors and warnings (``PROBLEM_COLUMNS``).

    Example
    -------
    >>> from wellbeing_lib.errors import InvalidValueError
    >>> t = problems_frame([InvalidValueError("value out of range", file="m.csv",
    ...     column="ucla_1", rows=[4], line_numbers=[6], expected="1 to 3", found=[7])])
    >>> t.loc[0, ["file", "column", "lines", "problem", "found", "severity", "error"]].tolist()
    ['m.csv', 'ucla_1', '6', 'value out of range', '7', 'error', 'InvalidValueError']
    """
    rows = []
    for exc in problems:
        if isinstance(exc, UnreadableFileError):
            rows.append({"file": exc.file, "sheet": "", "column": "", "lines": "",
                         "n_rows": 0, "problem": f"cannot read the file: {exc.reason}",
                         "expected": "", "found": "", "severity": "error",
                         "error": type(exc).__name__})
            continue
        column = exc.column
        if column is not None and not isinstance(column, str):
            column = ", ".join(map(str, column))
        rows.append({
            "file": exc.file or "", "sheet": exc.sheet or "",
            "column": column or "",
            "lines": _listing(exc.line_numbers, 8) if exc.line_numbers else (exc.cell or ""),
            "n_rows": len(exc.rows) or len(exc.line_numbers),
            "problem": exc.problem, "expected": exc.expected or "",
            "found": _listing(exc.found), "severity": "warning" if isinstance(
                exc, DataWarning) else "error",
            "error": type(exc).__name__,
        })
    return pd.DataFrame(rows, columns=PROBLEM_COLUMNS).astype(
        {c: "str" for c in PROBLEM_COLUMNS if c != "n_rows"}).astype({"n_rows": "int64"})


# ------------------------------------------------------------------ checks
def _blank(values: pd.Series) -> pd.Series:
    if values.dtype == object or pd.api.types.is_string_dtype(values):
        return values.isna() | values.astype("str").str.strip().eq("")
    return values.isna()


def _allowed_values(rule) -> list:
    text = rule.allowed
    if not text:
        return []
    if text.startswith("table:"):
        _, table, column = text.split(":", 2)
        return list(pd.unique(load_reference_table(table)[column].astype("str")))
    return list(_split(text))


def _where(data, mask, file, sheet) -> dict:
    loc = error_location(data, list(data.index[np.asarray(mask, dtype=bool)]))
    loc["file"] = file
    if sheet:
        loc["sheet"] = sheet
    return loc


def _check_numbers(problems, data, rule, values, present, file, sheet, from_excel):
    col = rule.column
    numbers = pd.to_numeric(values.where(present), errors="coerce")
    bad = present & numbers.isna()
    kind = "a whole number" if rule.type == "integer" else "a number"
    if bad.any():
        _problem(problems, InvalidValueError, "not a number", column=col,
                 expected=kind + _range_words(rule), found=list(pd.unique(values[bad])),
                 **_where(data, bad, file, sheet))
    if from_excel:
        as_text = present & ~bad & values.map(lambda v: isinstance(v, str)).astype(bool)
        if as_text.any():
            _problem(problems, None, "numbers stored as text (read as numbers)",
                     severity="warning", column=col, expected="number cells",
                     found=list(pd.unique(values[as_text]))[:5],
                     **_where(data, as_text, file, sheet))
    ok = present & ~bad
    if rule.type == "integer":
        frac = ok & (numbers % 1 != 0)
        if frac.any():
            _problem(problems, InvalidValueError, "not a whole number", column=col,
                     expected=kind + _range_words(rule), found=list(values[frac]),
                     **_where(data, frac, file, sheet))
    low = pd.Series(rule.min, index=data.index, dtype="float64")
    high = pd.Series(rule.max, index=data.index, dtype="float64")
    scale_words = ""
    if rule.scale_column and rule.scale_column in data.columns:
        s_low, s_high = scale_limits(data[rule.scale_column])
        low, high = s_low.fillna(low), s_high.fillna(high)
        scale_words = f" on the scale named in '{rule.scale_column}'"
    out = ok & ((numbers < low) | (numbers > high))
    if out.any():
        if scale_words:
            found = [f"{v} ({u})" for v, u in zip(values[out], data.loc[out, rule.scale_column])]
            expected = "a value within its scale" + scale_words
        else:
            found, expected = list(values[out]), kind + _range_words(rule)
        _problem(problems, InvalidValueError, "value out of range", column=col,
                 expected=expected, found=found, **_where(data, out, file, sheet))


def _range_words(rule) -> str:
    low, high = rule.min, rule.max
    if pd.notna(low) and pd.notna(high):
        return f" from {low:g} to {high:g}"
    if pd.notna(low):
        return f" of at least {low:g}"
    if pd.notna(high):
        return f" of at most {high:g}"
    return ""


def _check_values(problems, data, rule, values, present, file, sheet, from_excel):
    """Type, allowed values and range of one column (blank cells are checked apart)."""
    col = rule.column
    if rule.type in ("integer", "number"):
        _check_numbers(problems, data, rule, values, present, file, sheet, from_excel)
    elif rule.type == "date":
        is_stamp = values.map(lambda v: hasattr(v, "year")).astype(bool)
        parsed = pd.to_datetime(values.where(present & ~is_stamp).astype("str"),
                                format="%Y-%m-%d", errors="coerce")
        bad = present & ~is_stamp & parsed.isna()
        if bad.any():
            _problem(problems, InvalidValueError, "not a date", column=col,
                     expected=_DATE_TEXT, found=list(pd.unique(values[bad])),
                     **_where(data, bad, file, sheet))
    elif rule.type == "identifier":
        text = values.astype("str")
        spaced = present & (text != text.str.strip())
        if spaced.any():
            _problem(problems, InvalidValueError, "identifier with spaces before or after it",
                     column=col, expected="no leading or trailing spaces (they stop records "
                     "from matching across files)", found=[repr(v) for v in values[spaced]],
                     **_where(data, spaced, file, sheet))
    allowed = _allowed_values(rule)
    if allowed:
        text = values.astype("str").str.strip()
        pool = pd.Series(allowed, dtype="str")
        if rule.type == "boolean" or rule.case == "ignore":
            text, pool = text.str.casefold(), pool.str.casefold()
        bad = present & ~text.isin(list(pool))
        if bad.any():
            shown = allowed if len(allowed) <= 12 else allowed[:12] + [
                f"... ({len(allowed)} values; see {rule.allowed.split(':')[1]})"]
            _problem(problems, InvalidValueError, "value not allowed", column=col,
                     expected="one of " + ", ".join(map(str, shown)),
                     found=list(pd.unique(values[bad])), **_where(data, bad, file, sheet))
    if rule.type == "identifier":
        text = values.astype("str")
        total = present & text.str.match(TOTAL_LABEL).fillna(False).astype(bool)
        if total.any():
            _problem(problems, InvalidValueError, "total row", column=col,
                     expected="one row per record (delete total and subtotal rows: they "
                              "would be counted as data)",
                     found=list(values[total]), **_where(data, total, file, sheet))


def _check_columns(problems, data, contract, file, sheet) -> list:
    """Missing and misnamed columns; returns the rules of the columns present."""
    rules = contract.columns
    present = []
    names = [str(c) for c in data.columns if c != LINE_COLUMN]  # not the reader's own column
    spare = [n for n in names if n not in set(rules["column"])]
    for rule in rules.itertuples(index=False):
        if rule.column in data.columns:
            present.append(rule)
        elif rule.required == "yes":
            close = difflib.get_close_matches(rule.column, spare, n=1, cutoff=0.6)
            loose = [n for n in spare if n.strip().casefold() == rule.column.casefold()]
            hint = loose or close
            _problem(problems, MissingColumnError, "required column missing", file=file,
                     sheet=sheet, column=rule.column,
                     expected=f"a column headed '{rule.column}' ({rule.description})",
                     found=[f"'{hint[0]}' (renamed?)"] if hint else
                     [", ".join(names[:12]) + (" ..." if len(names) > 12 else "")])
    return present


def check_table(data: pd.DataFrame, contract, *, file=None, sheet=None,
                from_excel: bool = False) -> pd.DataFrame:
    """Check a table against its contract and return every problem found.

    Parameters
    ----------
    data : DataFrame
        The table as read (text or typed columns).  A ``file_line`` column
        (``read_table(..., lines=True)``) gives the spreadsheet lines in the problems.
    contract : Contract or str
        The contract, or the file name it is registered under.
    file, sheet : str, optional
        Names for the messages (default: the file the table was read from).
    from_excel : bool, default False
        The table came from a workbook: numbers stored as text are reported (as a
        warning: they are still read as numbers).

    Returns
    -------
    DataFrame
        One row per problem (``PROBLEM_COLUMNS``): missing columns, blank required
        cells, values of the wrong type, outside the allowed values or the stated scale,
        identifiers with surrounding spaces, total rows, duplicated keys (``severity``
        ``error``); columns with every value blank, numbers stored as text
        (``warning``).  Empty when the table meets its contract.

    Example
    -------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"client_id": ["C1", "C2 "], "period": ["before", "after"],
    ...     "gp_appointments": [3, -1], "ae_attendances": [0, 1], "emergency_admissions": [0, 0],
    ...     "outpatient_attendances": [1, 1], "social_care_contacts": [0, 2]})
    >>> from wellbeing_lib.io import with_source
    >>> p = check_table(with_source(m, "use.csv"), "social_prescribing_service_use.csv")
    >>> p[["column", "lines", "problem", "found"]]
                column lines                                    problem  found
    0        client_id     3  identifier with spaces before or after it  'C2 '
    1  gp_appointments     3                         value out of range     -1
    """
    return problems_frame(_collect(data, get_contract(contract), file, sheet, from_excel))


def _collect(data, contract, file, sheet, from_excel) -> list:
    """The problems of :func:`check_table` as named errors and warnings, in order."""
    file = file if file is not None else (source_of(data) or contract.file)
    problems: list = []
    rules = _check_columns(problems, data, contract, file, sheet)
    if len(data) == 0:
        _problem(problems, InvalidValueError, "no data rows", file=file, sheet=sheet,
                 expected=f"one row per {contract.one_row_per} below the header",
                 found=["0 rows"])
        return problems
    for rule in rules:
        values = data[rule.column]
        blank = _blank(values)
        if bool(blank.all()):
            if rule.blank == "yes":
                _problem(problems, None, "every value is blank", severity="warning",
                         column=rule.column, file=file, sheet=sheet,
                         expected=f"values in at least one row ({rule.description})")
                continue
        if rule.blank != "yes" and blank.any():
            _problem(problems, InvalidValueError, "missing value", column=rule.column,
                     expected=f"a value in every row ({rule.description})",
                     **_where(data, blank, file, sheet))
        _check_values(problems, data, rule, values, ~blank, file, sheet, from_excel)
    key = [k for k in contract.key if k in data.columns]
    if contract.duplicates == "error" and key and len(key) == len(contract.key):
        dup = data.duplicated(subset=key, keep=False).to_numpy()
        if dup.any():
            repeated = data.loc[dup, key].drop_duplicates()
            _problem(problems, DuplicateKeyError, "duplicated key", column=key if len(key) > 1
                     else key[0], expected="one row per " + " × ".join(key)
                     + f" ({contract.one_row_per})",
                     found=["/".join(map(str, r)) for r in repeated.itertuples(
                         index=False, name=None)], **_where(data, dup, file, sheet))
    return problems


def validate_table(data: pd.DataFrame, contract, *, file=None, stacklevel: int = 2) -> None:
    """Raise the first error of :func:`check_table` as its named error; warn the rest.

    Loaders call this so that a table that breaks its contract stops the analysis with a
    message naming the file, column, spreadsheet lines and what was expected (all the
    problems at once: ``wellbeing check --data DIR``).

    Example
    -------
    >>> import pandas as pd
    >>> validate_table(pd.DataFrame({"variable": ["sex"], "category": ["Female"],
    ...     "share": [1.2], "source": ["x"], "year": [2019]}), "engagement_population",
    ...     file="population.csv")
    Traceback (most recent call last):
    ...
    wellbeing_lib.errors.InvalidValueError: value out of range in population.csv, column 'share', row 0: expected a number from 0 to 1; found 1.2
    """
    errors = _collect(data, get_contract(contract), file, None, False)
    for exc in errors:
        if isinstance(exc, DataWarning):
            warnings.warn(exc, stacklevel=stacklevel + 1)
    for exc in errors:
        if isinstance(exc, DataError):
            raise exc


def check_file(path, contract=None) -> pd.DataFrame:
    """Read one file and check it against its contract; every problem in one table.

    Unreadable files, hidden sheets and Excel error values are problems like any other
    (the file is then read on, with error cells as blanks, to find the rest).

    Parameters
    ----------
    path : str or Path
        The file (CSV or XLSX).
    contract : Contract or str, optional
        Default: the contract registered under the file's stem.

    Example
    -------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "engagement_codings.csv"
    >>> _ = p.write_text("respondent;question;code;coder\\nR1;what_matters;lonelines;A\\n")
    >>> check_file(p)[["column", "lines", "problem", "found"]]
      column lines            problem      found
    0   code     2  value not allowed  lonelines
    """
    from pathlib import Path

    path = Path(path)
    contract = get_contract(contract if contract is not None else path.stem)
    from_excel = path.suffix.lower() in (".xlsx", ".xlsm")
    kwargs = {} if from_excel else {"dtype": str, "keep_default_na": False, "na_values": [""]}
    problems: list = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DataWarning)
        try:
            data = read_table(path, lines=True, **kwargs)
        except InvalidValueError as exc:  # Excel error values: list them, read on
            problems.append(exc)
            data = read_table(path, lines=True, excel_errors="blank", **kwargs)
        except (UnreadableFileError, DataError) as exc:
            return problems_frame([exc])
    problems.extend(w.message for w in caught if isinstance(w.message, DataWarning))
    sheet = sheet_of(data) if from_excel else None
    table = check_table(data, contract, file=path.name, sheet=sheet, from_excel=from_excel)
    return pd.concat([problems_frame(problems), table], ignore_index=True)


# ------------------------------------------------------------------ templates, docs
_PANDAS_TYPES = {"identifier": "str", "text": "str", "integer": "Int64", "number": "float64",
                 "date": "str", "boolean": "boolean"}


def blank_table(contract) -> pd.DataFrame:
    """An empty table with the contract's columns, in order, typed (a template's header).

    Example
    -------
    >>> blank_table("engagement_codings").dtypes.astype(str).tolist()
    ['str', 'str', 'str', 'str']
    """
    contract = get_contract(contract)
    return pd.DataFrame({r.column: pd.Series([], dtype=_PANDAS_TYPES[r.type])
                         for r in contract.columns.itertuples(index=False)})


def rule_text(rule) -> str:
    """The allowed values and range of a column rule, in words (Markdown code marks)."""
    parts = []
    if rule.allowed:
        if rule.allowed.startswith("table:"):
            _, table, column = rule.allowed.split(":", 2)
            parts.append(f"a `{column}` of `wellbeing_lib/data/{table}`")
        else:
            parts.append(", ".join(f"`{v}`" for v in _split(rule.allowed)))
    words = _range_words(rule).strip()
    if words:
        parts.append(words)
    if rule.scale_column:
        parts.append(f"within the scale named in `{rule.scale_column}`")
    if rule.case == "ignore":
        parts.append("case ignored")
    return "; ".join(parts)


def contracts_markdown() -> str:
    """The contracts as Markdown: the generated section of ``data/README.md``.

    Example
    -------
    >>> contracts_markdown().splitlines()[0]
    '## Data contracts (generated from `wellbeing_lib/data/contracts/`)'
    """
    out = [
        "## Data contracts (generated from `wellbeing_lib/data/contracts/`)", "",
        "What `wellbeing check --data DIR` checks in each of your files before the notebooks "
        "run. *Required*: the column must be there; *blank*: empty cells are allowed. Key "
        "columns must together be unique (one row per what is named). Blank templates of "
        "every file: `wellbeing templates --out DIR`.", "",
        "| file | one row per | key | notebooks | read by |", "|---|---|---|---|---|",
    ]
    found = _load()
    for c in found.values():
        key = " × ".join(f"`{k}`" for k in c.key) or "-"
        if c.duplicates == "reported":
            key += " (repeats reported by the reader)"
        out.append(f"| `{c.file}` | {c.one_row_per} | {key} | {', '.join(c.notebooks) or '-'}"
                   f" | {c.functions} |")
    for c in found.values():
        out += ["", f"### `{c.file}`", "", c.description, "",
                "| column | type | required | blank | allowed values / range | meaning | source |",
                "|---|---|---|---|---|---|---|"]
        for r in c.columns.itertuples(index=False):
            out.append(f"| `{r.column}` | {r.type} | {r.required} | {r.blank} | "
                       f"{rule_text(r)} | {r.description} | {r.source} |")
    return "\n".join(out) + "\n"


#: the markers around the generated section of ``data/README.md``
README_BEGIN = "<!-- data contracts: generated by wellbeing_lib.contracts.contracts_markdown -->"
README_END = "<!-- end of the generated data contracts -->"


def readme_with_contracts(text: str) -> str:
    """``text`` (a README) with the section between the markers replaced by
    :func:`contracts_markdown` (appended with its markers if there is none yet).

    Regenerate ``data/README.md`` after changing a contract::

        python -c "from pathlib import Path; from wellbeing_lib.contracts import \\
        readme_with_contracts as r; p = Path('data/README.md'); \\
        p.write_text(r(p.read_text(encoding='utf-8')), encoding='utf-8')"

    Example
    -------
    >>> out = readme_with_contracts("# Data\\n")
    >>> out.count(README_BEGIN), out.count(README_END), readme_with_contracts(out) == out
    (1, 1, True)
    """
    section = f"{README_BEGIN}\n{contracts_markdown()}{README_END}"
    if README_BEGIN in text and README_END in text:
        head, rest = text.split(README_BEGIN, 1)
        _, tail = rest.split(README_END, 1)
        return head + section + tail
    return text.rstrip("\n") + "\n\n" + section + "\n"
