"""Reference data of the diagnostic: the framework's questions and elements, the maturity
scale and the staff-group vocabulary.

``data/hwb_framework_questions.csv`` holds one row per question: ``question_id``,
``element``, ``sub_area``, ``sub_area_published``, ``question``,
``evidence_prompt`` (what evidence would show it), ``staff_group_evidence``
(whether evidence about specific staff groups - bands, bank staff, night
workers - is expected), ``source`` and ``year``.  The element names are the
framework's.  **The questions are worded by wellbeing_lib, not copied from the
NHS tool.**  Sub-areas are the published ones where they could be verified
(Improving personal health and wellbeing; Managers and leaders) and otherwise
named in our own plain words; the ``source`` column says which.

``data/staff_groups.csv`` is the vocabulary of the staff groups that evidence can
cover (see :func:`staff_groups`).

``data/maturity_scale.csv`` is the default answer scale, 0 "Not started",
1 "Planning", 2 "Developing", 3 "Embedded", 4 "Exemplary".  The NHS tool's own
response scale is not published here and organisations adapt the tool, so every
function takes ``scale=``: a table with ``label`` and ``points`` columns (or a
``{label: points}`` mapping, or a CSV path).

Example
-------
>>> elements()["element"].tolist()[:2]
['Improving personal health and wellbeing', 'Relationships']
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DuplicateKeyError, InvalidValueError
from ..io import load_reference_table, read_table, with_source
from ..validation import check_numeric, line_numbers, require_columns, source_of
from ._common import _blank, _normalise_text, _slug

__all__ = [
    "framework",
    "elements",
    "maturity_scale",
    "staff_groups",
    "single_staff_groups",
    "FRAMEWORK_FILE",
    "SCALE_FILE",
    "STAFF_GROUPS_FILE",
    "SHEET_NAMES",
    "ELEMENT_SOURCE",
]

FRAMEWORK_FILE = "hwb_framework_questions.csv"
SCALE_FILE = "maturity_scale.csv"
STAFF_GROUPS_FILE = "staff_groups.csv"

ELEMENT_SOURCE = (
    "NHS England, NHS health and wellbeing framework (2021 refresh): the seven elements "
    "of health and wellbeing"
)

#: workbook sheet names of elements whose names are longer than Excel's 31 characters
SHEET_NAMES = {"Improving personal health and wellbeing": "Personal health and wellbeing"}


# ------------------------------------------------------------------ reference data
def framework() -> pd.DataFrame:
    """The bundled diagnostic questions, one row per question, in framework order.

    Columns: ``question_id`` (stable id ``<element code>-<nn>``, e.g. ``ENV-03``),
    ``element``, ``sub_area``, ``sub_area_published`` (True where the sub-area
    is the framework's published name, False where it is named in our own
    words), ``question`` (our own wording), ``evidence_prompt``,
    ``staff_group_evidence`` (True where evidence about specific staff groups
    is expected), ``source`` and ``year``.

    Reference: NHS England (2021) *NHS health and wellbeing framework*; the
    question wording is wellbeing_lib's own, not the NHS diagnostic tool's.

    Example
    -------
    >>> q = framework()
    >>> q.shape, q["element"].nunique(), q["question_id"].is_unique
    ((60, 9), 7, True)
    >>> q.loc[q["question_id"] == "ENV-03", ["element", "sub_area", "staff_group_evidence"]]
            element                   sub_area  staff_group_evidence
    37  Environment  Workspaces and facilities                  True
    """
    return load_reference_table(FRAMEWORK_FILE)


def elements() -> pd.DataFrame:
    """The seven framework elements, in framework order, with their sub-areas.

    Columns: ``element_order`` (1-7), ``element``, ``code`` (question id
    prefix), ``n_questions``, ``n_sub_areas``, ``sub_areas`` (``"; "``-joined in
    order), ``sub_areas_published`` (whether the sub-area names are the
    framework's published ones), ``sheet_name`` (the element's sheet in a
    diagnostic workbook: the element name, shortened where it is longer than
    Excel's 31 characters), ``source`` and ``year``.

    Example
    -------
    >>> elements()[["element", "code", "n_questions", "n_sub_areas"]]
                                       element code  n_questions  n_sub_areas
    0  Improving personal health and wellbeing  PHW            9            3
    1                            Relationships  REL            8            3
    2                       Fulfilment at work  FUL            9            3
    3                     Managers and leaders  MGR            9            3
    4                              Environment  ENV            9            3
    5                            Data insights  DAT            8            3
    6           Professional wellbeing support  PWS            8            3
    """
    q = framework()
    q["code"] = q["question_id"].str.split("-").str[0]
    g = q.groupby("element", sort=False)
    out = pd.DataFrame({
        "code": g["code"].first(),
        "n_questions": g.size(),
        "n_sub_areas": g["sub_area"].nunique(),
        "sub_areas": g["sub_area"].agg(lambda s: "; ".join(dict.fromkeys(s))),
        "sub_areas_published": g["sub_area_published"].all(),
    }).reset_index()
    out.insert(0, "element_order", np.arange(1, len(out) + 1))
    out["sheet_name"] = out["element"].map(_sheet_name)
    out["source"] = ELEMENT_SOURCE
    out["year"] = 2021
    return out


def _sheet_name(element: str) -> str:
    """The workbook sheet of an element: its name, or a short name (Excel allows 31 characters)."""
    element = str(element)
    return SHEET_NAMES.get(element, element[:31])


# ------------------------------------------------------------------ maturity scale
def maturity_scale(scale=None) -> pd.DataFrame:
    """The maturity scale: the documented default, or a validated user-supplied scale.

    Parameters
    ----------
    scale : DataFrame, mapping, str or Path, optional
        ``None`` for the default (``data/maturity_scale.csv``).  Otherwise a table
        with columns ``label`` and ``points`` (``description``, ``source``,
        ``year`` optional), a ``{label: points}`` mapping, or the path of a CSV/XLSX
        file holding such a table.

    Returns
    -------
    DataFrame
        ``points``, ``label``, ``description``, ``source``, ``year`` (plus any
        other columns supplied), sorted by points, lowest first.

    Raises
    ------
    MissingColumnError
        If ``label`` or ``points`` is absent.
    InvalidValueError
        A missing label, non-numeric or missing points, or a label that reads as a
        number other than its own points (``"1"`` worth 0 would be ambiguous).
    DuplicateKeyError
        Labels that repeat (ignoring case and spacing), repeated points, or labels
        that would give the same ``pct_<label>`` column in :func:`score_diagnostic`.

    Example
    -------
    >>> maturity_scale()[["points", "label"]]
       points        label
    0       0  Not started
    1       1     Planning
    2       2   Developing
    3       3     Embedded
    4       4    Exemplary
    >>> maturity_scale({"No": 0, "Partly": 0.5, "Yes": 1})[["points", "label", "source"]]
       points   label         source
    0     0.0      No  user-supplied
    1     0.5  Partly  user-supplied
    2     1.0     Yes  user-supplied
    """
    if scale is None:
        table = load_reference_table(SCALE_FILE)
    elif isinstance(scale, pd.DataFrame):
        table = with_source(scale.copy(), source_of(scale))
    elif isinstance(scale, Mapping):
        table = pd.DataFrame({"label": list(scale.keys()), "points": list(scale.values())})
    elif isinstance(scale, (str, Path)):
        table = read_table(scale)
    else:
        raise TypeError(
            "scale must be None, a DataFrame with 'label' and 'points' columns, a "
            f"{{label: points}} mapping or a file path; got {type(scale).__name__}"
        )
    return _validate_scale(table)


def _validate_scale(table: pd.DataFrame) -> pd.DataFrame:
    file = source_of(table)
    require_columns(table, ["label", "points"], what="maturity scale")
    labels = table["label"].astype(str).str.strip()
    empty = labels.isna() | (labels == "")
    if empty.any():
        rows = list(table.index[empty])
        raise InvalidValueError(
            "maturity scale label missing", file=file, column="label", rows=rows,
            line_numbers=line_numbers(table, rows), expected="a label on every scale row",
        )
    points = check_numeric(table, ["points"], allow_missing=False)["points"]
    if not np.isfinite(points).all():
        rows = list(table.index[~np.isfinite(points)])
        raise InvalidValueError(
            "maturity scale points must be finite", file=file, column="points", rows=rows,
            line_numbers=line_numbers(table, rows), expected="a finite number",
            found=list(table.loc[rows, "points"]),
        )
    for column, key, what in (
        ("label", _normalise_text(labels), "label repeated in the maturity scale"),
        ("points", points, "points repeated in the maturity scale"),
        ("label", labels.map(_slug), "labels give the same pct_ column name"),
    ):
        dup = key.duplicated(keep=False)
        if dup.any():
            rows = list(table.index[dup])
            raise DuplicateKeyError(
                what, file=file, column=column, rows=rows,
                line_numbers=line_numbers(table, rows),
                expected="distinct labels (case and spacing ignored) and distinct points",
                found=list(table.loc[rows, column]),
            )
    as_number = pd.to_numeric(labels, errors="coerce")
    clash = as_number.notna() & (as_number != points)
    if clash.any():
        rows = list(table.index[clash])
        raise InvalidValueError(
            "scale label reads as a different number of points", file=file, column="label",
            rows=rows, line_numbers=line_numbers(table, rows),
            expected="a numeric label to equal its own points", found=list(labels[clash]),
        )
    out = table.copy()
    out["label"] = labels
    out["points"] = points if (points % 1 != 0).any() else points.astype("int64")
    if "description" not in out.columns:
        out["description"] = np.nan
    if "source" not in out.columns:
        out["source"] = "user-supplied"
    if "year" not in out.columns:
        out["year"] = np.nan
    first = ["points", "label", "description", "source", "year"]
    out = out[first + [c for c in out.columns if c not in first]]
    out = out.sort_values("points", kind="stable").reset_index(drop=True)
    # a new table without the file's provenance: its rows are sorted, so the file's line
    # numbers no longer apply to them
    return pd.DataFrame(out)


def _questions(questions=None) -> pd.DataFrame:
    """The framework, or a validated user-adapted question table."""
    if questions is None:
        return framework()
    q = questions.copy()
    file = source_of(questions)
    require_columns(q, ["question_id", "element"], what="question table")
    q["question_id"] = q["question_id"].astype(str).str.strip().str.upper()
    q["element"] = q["element"].astype(str).str.strip()
    for col in ("question_id", "element"):
        bad = q[col].isna() | (q[col] == "")
        if bad.any():
            rows = list(q.index[bad])
            raise InvalidValueError(
                f"missing {col} in question table", file=file, column=col, rows=rows,
                line_numbers=line_numbers(questions, rows), expected="a value on every row",
            )
    dup = q["question_id"].duplicated(keep=False)
    if dup.any():
        rows = list(q.index[dup])
        raise DuplicateKeyError(
            "question id repeated in question table", file=file, column="question_id",
            rows=rows, line_numbers=line_numbers(questions, rows),
            expected="each question id once", found=list(q.loc[dup, "question_id"].unique()),
        )
    if "sub_area" not in q.columns:
        q["sub_area"] = np.nan
    return q.reset_index(drop=True)


# ------------------------------------------------------------------ staff groups
def staff_groups() -> pd.DataFrame:
    """The controlled vocabulary of staff groups that evidence can cover.

    Columns: ``staff_group`` (the term to write, e.g. ``"AfC 5"``), ``kind``
    (``AfC band``, ``staff group`` or ``AfC band range``), ``covers`` (the
    single groups a term stands for, ``"; "``-joined: ``"AfC 2-4"`` covers
    ``AfC 2; AfC 3; AfC 4``), ``aliases`` (other spellings accepted, such as
    ``Band 5``), ``description``, ``source``, ``year``.

    The *single* groups - the nine Agenda for Change bands (band 8 takes in
    8a-8d), Medical and dental, Social care, Bank/temporary and Other pay scales
    - are the columns of :func:`evidence_coverage`.  Besides the listed terms,
    any band range written ``AfC 5-6``, ``Bands 5 to 6`` or ``Band 8b`` is
    understood; case, spacing and en dashes do not matter.  In a workbook or
    CSV, separate terms with ``;`` (``,`` also works).

    Reference: NHS Employers, *NHS Terms and Conditions of Service (Agenda for
    Change)* pay bands 1-9; the grouping and the other terms are wellbeing_lib's.

    Example
    -------
    >>> g = staff_groups()
    >>> g.loc[g["kind"] != "AfC band", ["staff_group", "covers"]].head(5)
               staff_group               covers
    9   Medical and dental   Medical and dental
    10         Social care          Social care
    11      Bank/temporary       Bank/temporary
    12    Other pay scales     Other pay scales
    13             AfC 2-4  AfC 2; AfC 3; AfC 4
    """
    return load_reference_table(STAFF_GROUPS_FILE)


def single_staff_groups(vocabulary: pd.DataFrame | None = None) -> list[str]:
    """The single staff groups (terms that cover only themselves), in vocabulary order.

    These are the columns of :func:`evidence_coverage`.

    Example
    -------
    >>> single_staff_groups()[:3]
    ['AfC 1', 'AfC 2', 'AfC 3']
    """
    vocabulary = staff_groups() if vocabulary is None else vocabulary
    return vocabulary.loc[vocabulary["covers"] == vocabulary["staff_group"],
                          "staff_group"].tolist()


def _norm_group(terms: pd.Series) -> pd.Series:
    return (terms.astype("str").str.casefold()
            .str.replace(r"[\u2010-\u2015]", "-", regex=True)
            .str.replace(r"\s*-\s*", "-", regex=True)
            .str.replace(r"\s+", " ", regex=True).str.strip())


_BAND_RANGE = (r"^(?:(?:afc|agenda for change)(?: ?bands?)?|bands?) ?([1-9])[a-d]?"
               r"(?:(?:-| to )(?:band ?)?([1-9])[a-d]?)?$")


def _staff_group_terms(values: pd.Series, vocabulary: pd.DataFrame | None = None
                       ) -> pd.DataFrame:
    """One row per term written in ``values`` (index = the row's label): ``term`` and
    ``covers`` (tuple of single groups, or missing for a term not in the vocabulary)."""
    vocabulary = staff_groups() if vocabulary is None else vocabulary
    terms = values.dropna().astype("str").str.split(r"[;,\n]", regex=True).explode()
    terms = terms.str.strip()
    terms = terms[~_blank(terms)]
    names = vocabulary["staff_group"].astype("str")
    covers = vocabulary["covers"].astype("str").str.split(r"\s*;\s*", regex=True).map(tuple)
    lookup = dict(zip(_norm_group(names), covers))
    aliases = vocabulary["aliases"].fillna("").astype("str").str.split(";").explode().str.strip()
    aliases = aliases[aliases != ""]
    lookup.update({k: covers[i] for k, i in zip(_norm_group(aliases), aliases.index)
                   if k not in lookup})
    norm = _norm_group(terms)
    found = norm.map(lookup)
    bands = norm.str.extract(_BAND_RANGE)
    lo = pd.to_numeric(bands[0], errors="coerce")
    hi = pd.to_numeric(bands[1], errors="coerce").fillna(lo)
    ranged = found.isna() & lo.notna() & (hi >= lo)
    found[ranged] = [tuple(f"AfC {b}" for b in range(int(a), int(z) + 1))
                     for a, z in zip(lo[ranged], hi[ranged])]
    return pd.DataFrame({"term": terms, "covers": found})
