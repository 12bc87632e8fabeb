"""The display layer: one way to show a number or a table, wherever it is shown.

Notebooks, board reports (HTML and Word), widgets and Excel all show results through this
module, so a proportion is "85.1%" everywhere, money is "£1,234" (negative "−£1,234"), a
p-value below 0.001 is "< 0.001", a count is "1,500", a column is headed "Mean change"
rather than ``mean_change``, and nothing shows ``NaN``, ``inf`` or a Python repr: a value
that could not be estimated says "not estimable", a withheld (suppressed) cell shows the
publishing marker ``*``.

:func:`present` turns a result table into a :class:`Table`: the numbers stay numbers in
``Table.data`` (for Excel, with matching number formats from :meth:`Table.excel_formats`),
and the table shows itself formatted, without the pandas index, in a notebook (HTML and
plain text) and in reports.

Column labels and kinds come from ``wellbeing_lib/data/column_labels.csv`` (one row per
column name the library produces), then from the column's name (``pct_*`` is a
percentage, ``p`` a p-value, ``*_cost`` money, ``n`` a count ...), and can be set per call.

Example
-------
>>> import pandas as pd
>>> t = present(pd.DataFrame({"group": ["referred", "comparison"], "n": [1500, 600],
...                           "proportion": [0.851, 0.4], "mean_change": [-348.2, None]}),
...             kinds={"mean_change": "money"})
>>> print(t)
Group           n      %    Mean change
referred    1,500  85.1%          −£348
comparison    600  40.0%  not estimable
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..io import load_reference_table

__all__ = [
    "KINDS",
    "NOT_ESTIMABLE",
    "Table",
    "present",
    "column_label",
    "column_kind",
    "format_values",
    "format_count",
    "format_number",
    "format_percent",
    "format_money",
    "format_p",
    "format_interval",
]

#: the kinds of value a column can hold, and how each is written
KINDS = ("count", "number", "percent", "proportion", "money", "p_value", "ratio", "text",
         "date", "yes_no")
#: kinds written as words (left-aligned; the others are numbers, right-aligned)
TEXT_KINDS = ("text", "date", "yes_no")
#: what a missing or infinite value that was not withheld says
NOT_ESTIMABLE = "not estimable"
#: default decimals of each kind
DEFAULT_DECIMALS = {"count": 0, "number": 2, "percent": 1, "proportion": 1, "money": 0,
                    "p_value": 3, "ratio": 2, "text": None, "date": None, "yes_no": None}
#: Excel number format of each kind (``{d}`` is replaced by the decimals)
EXCEL_FORMATS = {"count": "#,##0", "number": "#,##0{d}", "percent": '0{d}"%"',
                 "proportion": "0{d}%", "money": '"£"#,##0{d};-"£"#,##0{d}',
                 "p_value": "0{d}", "ratio": "0{d}", "text": "@", "date": "dd/mm/yyyy",
                 "yes_no": "@"}
MINUS = "\u2212"
LABELS_FILE = "column_labels.csv"


# ---------------------------------------------------------------- values, one kind each
def _numbers(values) -> np.ndarray:
    return pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)


def _finish(text: pd.Series, numbers: np.ndarray) -> pd.Series:
    return text.where(np.isfinite(numbers), NOT_ESTIMABLE)


def _grouped(numbers: np.ndarray, decimals: int) -> pd.Series:
    """Absolute values with thousands separators and fixed decimals (vectorised)."""
    shown = np.where(np.isfinite(numbers), np.abs(numbers), 0.0)
    return pd.Series([f"{v:,.{decimals}f}" for v in np.round(shown, decimals)])


def _signed(numbers: np.ndarray, body: pd.Series, decimals: int) -> pd.Series:
    """A true minus sign before negative values, but not before one that rounds to 0."""
    shown = np.where(np.isfinite(numbers), numbers, 0.0)
    negative = np.round(shown, decimals) < 0
    return pd.Series(np.where(negative, MINUS, "")) + body


def format_count(values) -> pd.Series:
    """Whole numbers with thousands separators: ``1500`` → ``"1,500"``.

    Example
    -------
    >>> format_count([1500, 7, None]).tolist()
    ['1,500', '7', 'not estimable']
    """
    x = _numbers(values)
    return _finish(_signed(x, _grouped(x, 0), 0), x)


def format_number(values, decimals: int = 2) -> pd.Series:
    """Numbers with thousands separators and ``decimals`` places; minus as a true minus sign.

    Example
    -------
    >>> format_number([0.7964094, -1234.5], decimals=3).tolist()
    ['0.796', '−1,234.500']
    """
    x = _numbers(values)
    return _finish(_signed(x, _grouped(x, decimals), decimals), x)


def format_percent(values, decimals: int = 1, *, proportion: bool = False) -> pd.Series:
    """Percentages: ``85.1`` → ``"85.1%"`` (``proportion=True``: ``0.851`` → ``"85.1%"``).

    Example
    -------
    >>> format_percent([0.851, 0.15], proportion=True).tolist()
    ['85.1%', '15.0%']
    """
    x = _numbers(values) * (100.0 if proportion else 1.0)
    return _finish(_signed(x, _grouped(x, decimals), decimals) + "%", x)


def format_money(values, decimals: int = 0) -> pd.Series:
    """Pounds with thousands separators: ``-109248`` → ``"−£109,248"``.

    Example
    -------
    >>> format_money([-109248.0, 2.3], decimals=0).tolist()
    ['−£109,248', '£2']
    """
    x = _numbers(values)
    return _finish(_signed(x, "£" + _grouped(x, decimals), decimals), x)


def format_p(values, decimals: int = 3) -> pd.Series:
    """p-values: ``"< 0.001"`` below 0.001, otherwise ``decimals`` places.

    Example
    -------
    >>> format_p([0.00002, 0.0321, 1.0]).tolist()
    ['< 0.001', '0.032', '1.000']
    """
    x = _numbers(values)
    floor = 10.0 ** -decimals
    body = _grouped(x, decimals)
    return _finish(pd.Series(np.where(x < floor, f"< {floor:.{decimals}f}", body)), x)


def format_interval(low, high, kind: str = "number", decimals: int | None = None) -> pd.Series:
    """Interval ends written as ``"82.5% to 87.4%"`` (either end missing: not estimable).

    Example
    -------
    >>> format_interval([0.825], [0.874], "proportion").tolist()
    ['82.5% to 87.4%']
    """
    lo = format_values(low, kind, decimals)
    hi = format_values(high, kind, decimals)
    both = (lo != NOT_ESTIMABLE) & (hi != NOT_ESTIMABLE)
    return (lo + " to " + hi).where(both, NOT_ESTIMABLE)


def format_values(values, kind: str, decimals: int | None = None) -> pd.Series:
    """Values of one ``kind`` (:data:`KINDS`) as text, the one way the library writes them.

    Example
    -------
    >>> format_values([0.0004, 0.2], "p_value").tolist()
    ['< 0.001', '0.200']
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    d = DEFAULT_DECIMALS[kind] if decimals is None else decimals
    if kind == "count":
        return format_count(values)
    if kind in ("number", "ratio"):
        return format_number(values, d)
    if kind in ("percent", "proportion"):
        return format_percent(values, d, proportion=kind == "proportion")
    if kind == "money":
        return format_money(values, d)
    if kind == "p_value":
        return format_p(values, d)
    series = pd.Series(values)
    if kind == "text" and len(series) and series.map(type).isin([bool, np.bool_]).all():
        kind = "yes_no"  # True/False is never shown as a Python value
    if kind == "yes_no":
        flags = series.astype(object)
        yes = flags.isin([True, 1, "True", "true", "yes", "Yes"])
        no = flags.isin([False, 0, "False", "false", "no", "No"])
        return pd.Series(np.where(yes, "yes", np.where(no, "no", "")), index=series.index,
                         dtype=object)
    if kind == "date":
        dates = pd.to_datetime(series, errors="coerce")
        return dates.dt.strftime("%d/%m/%Y").where(dates.notna(), "")
    return series.astype("string").fillna("").astype(object)


# --------------------------------------------------------------------- labels and kinds
@functools.cache
def _label_table() -> dict:
    table = load_reference_table(LABELS_FILE)
    return {row.column: (row.label, row.kind, None if pd.isna(row.decimals) else int(row.decimals))
            for row in table.itertuples()}


_PATTERNS = (
    (r"^(n|N|count|n_.*|.*_n|.*_count)$", "count"),
    (r"^(p|p_value|p_.*|.*_p)$", "p_value"),
    (r"^(pct|percent)(_.*)?$|.*_(pct|percent)$", "percent"),
    (r"^(proportion|prop)(_.*)?$|.*_proportion$", "proportion"),
    # money: costs, investment, savings and present values (not "value", "price_year")
    (r"^(.*_)?(costs?|investment|savings?|npv|pv|present_value|proxy_value|net_value)"
     r"(_(per_[a-z_]+|total|mean|change|baseline|follow_up|low|high))?$", "money"),
    (r".*ratio.*", "ratio"),
    (r".*date$|^month$", "date"),
)


#: words written their own way in a header made from a column name
_WORDS = {"ci": "CI", "pct": "%", "imd": "IMD", "sd": "SD", "q1": "Q1", "q3": "Q3",
          "pam": "PAM", "swemwbs": "SWEMWBS", "wemwbs": "WEMWBS", "ucla3": "UCLA-3",
          "nhs": "NHS", "gp": "GP", "afc": "AfC", "id": "ID", "ics": "ICS", "sroi": "SROI",
          "npv": "NPV", "upl": "UPL", "lpl": "LPL", "dof": "degrees of freedom",
          "tol": "tolerance", "chi2": "χ²", "mdc": "MDC", "qdpx": "QDPX", "ac": "AC"}


def column_label(name) -> str:
    """The human header of a column: from the labels table, else its name in words
    (``_`` as spaces, acronyms in capitals, ``ci`` as CI, ``pct`` as %).

    Example
    -------
    >>> column_label("mean_change"), column_label("swemwbs_metric")
    ('Mean change', 'SWEMWBS (metric score)')
    >>> column_label("kappa_ci_low"), column_label("imd_quintile"), column_label("pct_strength")
    ('Kappa CI low', 'IMD quintile', '% strength')
    >>> column_label("chi2"), column_label("dof")
    ('χ²', 'Degrees of freedom')
    """
    known = _label_table().get(str(name))
    if known:
        return known[0]
    words = [w for w in str(name).strip().split("_") if w]
    if not words:
        return str(name)
    text = " ".join(_WORDS.get(w.lower(), w) for w in words)
    first = text[:1]  # "χ²" and "% strength" keep their first character
    return first.upper() + text[1:] if first.isascii() and first.isalpha() else text


def column_kind(name, values=None) -> tuple[str, int | None]:
    """The kind of a column (:data:`KINDS`) and its decimals: labels table, name, values.

    Example
    -------
    >>> column_kind("pct_improved"), column_kind("p"), column_kind("total_cost")
    (('percent', 1), ('p_value', 3), ('money', 0))
    """
    known = _label_table().get(str(name))
    if known:
        kind, decimals = known[1], known[2]
        return kind, DEFAULT_DECIMALS[kind] if decimals is None else decimals
    for pattern, kind in _PATTERNS:
        if re.fullmatch(pattern, str(name)):
            return kind, DEFAULT_DECIMALS[kind]
    if values is not None:
        numeric = pd.to_numeric(pd.Series(values), errors="coerce")
        if pd.api.types.is_datetime64_any_dtype(values):
            return "date", None
        if numeric.notna().sum() and numeric.notna().sum() == pd.Series(values).notna().sum():
            whole = bool((numeric.dropna() % 1 == 0).all())
            return ("count", 0) if whole else ("number", DEFAULT_DECIMALS["number"])
    return "text", None


# ------------------------------------------------------------------------------ tables
@dataclass(frozen=True, eq=False)
class Table:
    """A result table ready to show: numbers kept, human headers, one format per column.

    Attributes
    ----------
    data : DataFrame
        The values, numbers as numbers (withheld cells missing), RangeIndex.
    labels, kinds, decimals : tuple
        Per column: the header shown, the kind (:data:`KINDS`), the decimals.
    withheld : DataFrame of bool
        Cells withheld by disclosure control (shown as ``marker``).
    caption, note : str or None
        A title above and a note below the table.
    marker : str
        What a withheld cell shows (the publishing marker, ``*``).
    """

    data: pd.DataFrame
    labels: tuple
    kinds: tuple
    decimals: tuple
    withheld: pd.DataFrame
    caption: str | None = None
    note: str | None = None
    marker: str = "*"

    def to_frame(self) -> pd.DataFrame:
        """The table as text, with human headers: what a reader sees."""
        shown = {}
        for col, label, kind, dec in zip(self.data.columns, self.labels, self.kinds,
                                          self.decimals):
            text = format_values(self.data[col].to_numpy(), kind, dec)
            text.index = self.data.index
            shown[label] = text.where(~self.withheld[col], self.marker)
        return pd.DataFrame(shown, index=self.data.index)

    def excel_formats(self) -> dict:
        """Excel number format per shown header (numbers stay numbers in a workbook)."""
        out = {}
        for label, kind, dec in zip(self.labels, self.kinds, self.decimals):
            places = "." + "0" * dec if dec else ""
            out[label] = EXCEL_FORMATS[kind].replace("{d}", places)
        return out

    def __repr__(self) -> str:
        frame = self.to_frame()
        lines = [self.caption] if self.caption else []
        cells = [[str(c) for c in frame.columns]]
        cells += [[str(v) for v in row] for row in frame.itertuples(index=False, name=None)]
        widths = [max(len(r[j]) for r in cells) for j in range(len(frame.columns))]
        left = [k in TEXT_KINDS for k in self.kinds]
        for r in cells:
            lines.append("  ".join(v.ljust(w) if lft else v.rjust(w)
                                   for v, w, lft in zip(r, widths, left)).rstrip())
        if self.note:
            lines.append(self.note)
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        frame = self.to_frame()
        num = ['class="num"' if k not in TEXT_KINDS else "" for k in self.kinds]
        head = "".join(f"<th {a}>{html.escape(str(c))}</th>".replace("<th >", "<th>")
                       for c, a in zip(frame.columns, num))
        body = "".join(
            "<tr>" + "".join(f"<td {a}>{html.escape(str(v))}</td>".replace("<td >", "<td>")
                             for v, a in zip(row, num)) + "</tr>"
            for row in frame.itertuples(index=False, name=None))
        caption = f"<caption>{html.escape(self.caption)}</caption>" if self.caption else ""
        note = f'<p class="wb-note">{html.escape(self.note)}</p>' if self.note else ""
        return (f'<table class="wb-table">{caption}<thead><tr>{head}</tr></thead>'
                f"<tbody>{body}</tbody></table>{note}")


_INTERVAL_END = re.compile(r"^(?:(?P<stem>.+)_)?ci_(?:low|high)$")


def _estimate_of(col, columns: list, done: dict) -> int | None:
    """Position of the estimate an interval column belongs to, among the columns done.

    ``kappa_ci_low`` belongs to ``kappa``; a bare ``ci_low`` to the nearest column before it
    that is not itself an interval end or a count (``proportion``, ``mean_change`` ...).
    """
    m = _INTERVAL_END.match(str(col))
    if not m:
        return None
    names = list(done)
    if m.group("stem"):
        return names.index(m.group("stem")) if m.group("stem") in names else None
    for k in range(len(names) - 1, -1, -1):
        name = str(names[k])
        if not _INTERVAL_END.match(name) and column_kind(name)[0] not in ("count", "text"):
            return k
    return None


def present(data: pd.DataFrame, *, columns=None, labels=None, kinds=None, decimals=None,
            caption: str | None = None, note: str | None = None,
            marker: str = "*") -> Table:
    """A result table as a :class:`Table`: human headers, one format per column, no index.

    Parameters
    ----------
    data : DataFrame
        A result table, published or not (cells holding ``marker`` are withheld cells).
        The index is dropped; make a column of it first (``reset_index()``) if it matters.
    columns : list of str, optional
        The columns to show, in order (default: all).
    labels, kinds, decimals : dict, optional
        Per column overrides of the header, the kind (:data:`KINDS`) and the decimals.
    caption, note : str, optional
        A title above the table and a note below it.
    marker : str, default "*"
        The publishing marker of withheld cells.

    Returns
    -------
    Table

    Example
    -------
    >>> import pandas as pd
    >>> t = present(pd.DataFrame({"n": [12, "*"], "p": [0.0004, 0.21]}))
    >>> t.to_frame().to_dict("list")
    {'n': ['12', '*'], 'p-value': ['< 0.001', '0.210']}
    """
    frame = data if columns is None else data[list(columns)]
    frame = frame.reset_index(drop=True)
    labels, kinds, decimals = labels or {}, kinds or {}, decimals or {}
    withheld = pd.DataFrame({c: frame[c].astype(object).eq(marker) for c in frame.columns})
    values, shown_labels, shown_kinds, shown_decimals = {}, [], [], []
    for col in frame.columns:
        raw = frame[col].where(~withheld[col])
        kind, dec = column_kind(col, raw.dropna())
        if pd.api.types.is_bool_dtype(frame[col]):
            kind, dec = "yes_no", None
        estimate = _estimate_of(col, list(frame.columns), values)
        if estimate is not None and col not in kinds:  # an interval end reads like its estimate
            kind, dec = shown_kinds[estimate], shown_decimals[estimate]
        kind = kinds.get(col, kind)
        if kind not in KINDS:
            raise ValueError(f"kind of {col!r} must be one of {KINDS}, not {kind!r}")
        dec = decimals.get(col, dec if col not in kinds else DEFAULT_DECIMALS[kind])
        if kind not in ("text", "date", "yes_no"):
            raw = pd.to_numeric(raw, errors="coerce")
        values[col] = raw
        shown_labels.append(labels.get(col, column_label(col)))
        shown_kinds.append(kind)
        shown_decimals.append(dec)
    return Table(data=pd.DataFrame(values, index=frame.index), labels=tuple(shown_labels),
                 kinds=tuple(shown_kinds), decimals=tuple(shown_decimals), withheld=withheld,
                 caption=caption, note=note, marker=marker)
