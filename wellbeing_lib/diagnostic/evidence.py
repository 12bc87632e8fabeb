"""Evidence coverage: which staff groups each organisation's evidence covers, and the gaps.

One ICS found no evidence at all about Agenda for Change bands 2-4.  Each answer's
``staff_groups`` names the groups its evidence covers (terms of
:func:`~wellbeing_lib.diagnostic.framework.staff_groups`); these functions count
them per organisation x element x single staff group and list the groups nobody's
evidence covers.

Example
-------
>>> import pandas as pd
>>> cov = evidence_coverage(pd.DataFrame({
...     "organisation": ["A"], "question_id": ["MGR-01"], "answer": [3],
...     "staff_groups": ["AfC 2-4"]}))
>>> int(cov["covered"].sum())
3
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..errors import InvalidValueError
from ..validation import require_columns
from .answers import _as_diagnostic
from .framework import _staff_group_terms, single_staff_groups, staff_groups

__all__ = ["evidence_coverage", "coverage_matrix", "evidence_gaps"]


def evidence_coverage(data, *, vocabulary=None, unknown="raise") -> pd.DataFrame:
    """Which staff groups each organisation's evidence covers, per element (tidy).

    Parameters
    ----------
    data : Diagnostic, DataFrame, str or Path
        Loaded diagnostics (:func:`load_diagnostic_workbooks`,
        :func:`read_diagnostic_csv`) or anything :func:`read_diagnostic_csv`
        accepts.  Uses the ``staff_groups`` column: the groups the evidence for
        each question covers, ``;``-separated terms of :func:`staff_groups`.
    vocabulary : DataFrame, optional
        A staff group table like :func:`staff_groups` (default the bundled one).
    unknown : {"raise", "ignore"}, default "raise"
        What to do with a term outside the vocabulary: raise
        :class:`InvalidValueError` naming the rows, or leave it out.

    Returns
    -------
    DataFrame
        One row per organisation x element x single staff group (organisations
        in order of first appearance, elements in framework order, groups in
        vocabulary order): ``organisation``, ``element``, ``staff_group``,
        ``n_questions`` (in the element), ``n_answered``, ``n_with_groups``
        (question rows naming any staff group), ``n_covering`` (question rows
        whose evidence covers this group), ``covered`` (``n_covering > 0``) and
        ``pct_covering`` = 100 x n_covering / n_questions.

    Notes
    -----
    A range counts for each band in it (``AfC 2-4`` covers AfC 2, 3 and 4).
    Evidence is counted whether or not the question's maturity was answered.

    Example
    -------
    >>> import pandas as pd
    >>> cov = evidence_coverage(pd.DataFrame({
    ...     "organisation": "Trust A", "question_id": ["MGR-01", "MGR-02", "MGR-03"],
    ...     "answer": [3, 2, None],
    ...     "staff_groups": ["AfC 7; AfC 8-9", "Band 8a; Medical", None]}))
    >>> m = cov[cov["element"] == "Managers and leaders"].set_index("staff_group")
    >>> m.loc[["AfC 2", "AfC 7", "AfC 8", "AfC 9", "Medical and dental"],
    ...       ["n_answered", "n_with_groups", "n_covering", "pct_covering"]]
    ... # doctest: +NORMALIZE_WHITESPACE
                        n_answered  n_with_groups  n_covering  pct_covering
    staff_group
    AfC 2                        2              2           0      0.000000
    AfC 7                        2              2           1     11.111111
    AfC 8                        2              2           2     22.222222
    AfC 9                        2              2           1     11.111111
    Medical and dental           2              2           1     11.111111
    """
    if unknown not in ("raise", "ignore"):
        raise ValueError(f"unknown must be 'raise' or 'ignore'; got {unknown!r}")
    diag = _as_diagnostic(data)
    vocabulary = staff_groups() if vocabulary is None else vocabulary
    require_columns(vocabulary, ["staff_group", "covers"], what="staff group vocabulary")
    if "aliases" not in vocabulary.columns:
        vocabulary = vocabulary.assign(aliases="")
    base = single_staff_groups(vocabulary)
    q = diag.questions
    a = diag.answers.reset_index(drop=True)
    terms = _staff_group_terms(a["staff_groups"], vocabulary)
    bad = terms["covers"].isna()
    if bad.any() and unknown == "raise":
        rows = sorted(set(terms.index[bad]))
        src = diag.answers.index[rows]
        located = ("file" in a.columns and "sheet" in a.columns)
        found = [f"{t} ({a.loc[i, 'file']}, sheet '{a.loc[i, 'sheet']}', row {a.loc[i, 'row']})"
                 if located else t for i, t in terms.loc[bad, "term"].items()]
        raise InvalidValueError(
            "unknown staff group", file=diag.source if not located else None,
            column="staff_groups", rows=list(src),
            expected="terms of staff_groups() such as " + ", ".join(base[:5]) + ", AfC 2-4 ...; "
                     "or pass unknown='ignore'",
            found=found)
    groups = terms.loc[~bad, "covers"].explode().rename("staff_group")
    groups = groups[groups.isin(base)]
    hits = pd.DataFrame({"organisation": a["organisation"].reindex(groups.index).to_numpy(),
                         "question_id": a["question_id"].reindex(groups.index).to_numpy(),
                         "staff_group": groups.to_numpy()}).drop_duplicates()
    element_of = q.set_index("question_id")["element"]
    hits["element"] = hits["question_id"].map(element_of)
    orgs = diag.completeness["organisation"].tolist()
    element_order = list(pd.unique(q["element"]))
    keys = ["organisation", "element"]
    index = pd.MultiIndex.from_product([orgs, element_order, base],
                                       names=[*keys, "staff_group"])
    n_covering = hits.groupby([*keys, "staff_group"]).size().reindex(index, fill_value=0)
    pair = pd.MultiIndex.from_product([orgs, element_order], names=keys)
    a_el = a.assign(element=a["question_id"].map(element_of))
    n_answered = (a_el[a_el["points"].notna()].groupby(keys).size().reindex(pair, fill_value=0))
    with_groups = a_el.loc[sorted(set(groups.index))]
    n_with = with_groups.groupby(keys)["question_id"].nunique().reindex(pair, fill_value=0)
    n_questions = q.groupby("element").size()
    out = n_covering.rename("n_covering").reset_index()
    out.insert(3, "n_questions", out["element"].map(n_questions).astype("int64"))
    pair_pos = pd.MultiIndex.from_frame(out[keys])
    out.insert(4, "n_answered", n_answered.reindex(pair_pos).to_numpy())
    out.insert(5, "n_with_groups", n_with.reindex(pair_pos).to_numpy())
    out["covered"] = out["n_covering"] > 0
    out["pct_covering"] = 100 * out["n_covering"] / out["n_questions"]
    return out


def coverage_matrix(coverage: pd.DataFrame, *, value="covered", by="organisation"
                    ) -> pd.DataFrame:
    """Pivot :func:`evidence_coverage` into a matrix with one column per staff group.

    Parameters
    ----------
    coverage : DataFrame
        The output of :func:`evidence_coverage`.
    value : str, default "covered"
        The column shown in the cells (``covered``, ``n_covering`` or
        ``pct_covering``) when ``by="organisation"``.
    by : {"organisation", "element"}, default "organisation"
        ``"organisation"``: rows are organisation x element.  ``"element"``:
        rows are elements and each cell counts the organisations whose evidence
        covers the group there (0 = a system-wide gap).

    Example
    -------
    >>> import pandas as pd
    >>> cov = evidence_coverage(pd.DataFrame({
    ...     "organisation": ["A", "B"], "question_id": ["MGR-01", "MGR-01"],
    ...     "answer": [3, 2], "staff_groups": ["AfC 7; Medical", "AfC 7"]}))
    >>> coverage_matrix(cov, by="element").loc[["Managers and leaders"],
    ...     ["AfC 3", "AfC 7", "Medical and dental"]]  # doctest: +NORMALIZE_WHITESPACE
    staff_group           AfC 3  AfC 7  Medical and dental
    element
    Managers and leaders      0      2                   1
    """
    require_columns(coverage, ["organisation", "element", "staff_group", "covered"],
                    what="evidence coverage")
    groups = list(pd.unique(coverage["staff_group"]))
    elements_ = list(pd.unique(coverage["element"]))
    if by == "element":
        table = coverage.pivot_table(index="element", columns="staff_group", values="covered",
                                     aggfunc="sum", sort=False).astype("int64")
        return table.reindex(index=elements_, columns=groups)
    if by != "organisation":
        raise ValueError(f"by must be 'organisation' or 'element'; got {by!r}")
    require_columns(coverage, [value], what="evidence coverage")
    table = coverage.pivot(index=["organisation", "element"], columns="staff_group",
                           values=value)
    pairs = pd.MultiIndex.from_frame(coverage[["organisation", "element"]].drop_duplicates())
    return table.reindex(index=pairs, columns=groups)


def _collapse_groups(groups, order: list[str]) -> str:
    """Join single groups in vocabulary order, runs of 2+ adjacent AfC bands as 'AfC a-b'."""
    groups = sorted(set(groups), key=order.index)
    out, run = [], []

    def flush():
        if len(run) >= 2:
            out.append(f"AfC {run[0]}-{run[-1]}")
        elif run:
            out.append(f"AfC {run[0]}")
        run.clear()

    for g in groups:
        m = re.fullmatch(r"AfC ([1-9])", g)
        if m and (not run or int(m.group(1)) == run[-1] + 1):
            run.append(int(m.group(1)))
            continue
        flush()
        if m:
            run.append(int(m.group(1)))
        else:
            out.append(g)
    flush()
    return "; ".join(out)


def evidence_gaps(coverage: pd.DataFrame, *, groups=None, employed=None,
                  vocabulary=None) -> pd.DataFrame:
    """Staff groups nobody's evidence covers (system) and each organisation's own gaps.

    Parameters
    ----------
    coverage : DataFrame
        The output of :func:`evidence_coverage`.
    groups : list of str, optional
        Staff group terms to check (``["AfC 2-4", "Bank/temporary"]``); default
        every single group.
    employed : DataFrame or mapping, optional
        The staff groups each organisation employs, so that a council is not told
        it lacks evidence about AfC bands it does not have: a mapping
        ``{organisation: "AfC 1-9; Medical and dental"}`` or a table with
        ``organisation`` and ``staff_groups_employed`` columns (as in the bundled
        ``workforce_organisations.csv``).  Organisations not listed are checked
        for every group.  Applies to the organisation rows only.
    vocabulary : DataFrame, optional
        The staff group table (default :func:`staff_groups`).

    Returns
    -------
    DataFrame
        One row per gap, system rows first: ``level`` (``system`` or
        ``organisation``), ``organisation`` (missing for system rows),
        ``element``, ``n_organisations`` (system: organisations with answers or
        evidence on the element; organisation: 1), ``missing_groups``
        (adjacent AfC bands joined as ``AfC 2-4``), ``n_missing`` (single
        groups) and ``message``.  Only organisation x element pairs with answers
        or evidence are judged: an element nobody has started is a completeness
        problem (see ``.completeness``), not an evidence gap.

    Example
    -------
    >>> import pandas as pd
    >>> cov = evidence_coverage(pd.DataFrame({
    ...     "organisation": ["A", "A", "B"], "question_id": ["MGR-01", "MGR-02", "MGR-01"],
    ...     "answer": [3, 2, 2], "staff_groups": ["AfC 5-9", "Medical", "AfC 1; AfC 5"]}))
    >>> gaps = evidence_gaps(cov, groups=["AfC 1-9", "Medical and dental"])
    >>> print(gaps.loc[0, "message"])
    no organisation has evidence about AfC 2-4 on Managers and leaders (2 organisations answered)
    >>> gaps[["level", "organisation", "missing_groups"]]
              level organisation                        missing_groups
    0        system          NaN                               AfC 2-4
    1  organisation            A                               AfC 1-4
    2  organisation            B  AfC 2-4; AfC 6-9; Medical and dental
    """
    require_columns(coverage, ["organisation", "element", "staff_group", "covered",
                               "n_answered", "n_with_groups"], what="evidence coverage")
    vocabulary = staff_groups() if vocabulary is None else vocabulary
    order = list(pd.unique(coverage["staff_group"]))
    checked = order
    if groups is not None:
        terms = _staff_group_terms(pd.Series(["; ".join(map(str, groups))]), vocabulary)
        if terms["covers"].isna().any():
            raise InvalidValueError(
                "unknown staff group in groups=", expected="terms of staff_groups()",
                found=terms.loc[terms["covers"].isna(), "term"].tolist())
        wanted = set(terms["covers"].explode())
        checked = [g for g in order if g in wanted]
    cov = coverage[coverage["staff_group"].isin(checked)]
    active = (cov["n_answered"] > 0) | (cov["n_with_groups"] > 0)
    cov = cov[active]

    # system: groups covered by nobody among the organisations active on the element
    by_el = cov.groupby(["element", "staff_group"], sort=False)["covered"].any()
    n_orgs = cov.groupby("element", sort=False)["organisation"].nunique()
    system_missing = by_el[~by_el].reset_index()
    system = (system_missing.groupby("element", sort=False)["staff_group"]
              .agg(list).reset_index())
    system["level"] = "system"
    system["organisation"] = np.nan
    system["n_organisations"] = system["element"].map(n_orgs).astype("int64")

    # organisation: groups the organisation (employing them) does not cover
    own = cov[~cov["covered"]]
    if employed is not None:
        if isinstance(employed, pd.DataFrame):
            require_columns(employed, ["organisation", "staff_groups_employed"],
                            what="employed staff groups")
            employed = dict(zip(employed["organisation"], employed["staff_groups_employed"]))
        emp_terms = _staff_group_terms(pd.Series(employed, dtype="str"), vocabulary)
        if emp_terms["covers"].isna().any():
            raise InvalidValueError(
                "unknown staff group in employed=", expected="terms of staff_groups()",
                found=emp_terms.loc[emp_terms["covers"].isna(), "term"].tolist())
        pairs = emp_terms["covers"].explode()
        allowed = pd.MultiIndex.from_arrays([pairs.index.astype("str"), pairs.to_numpy()])
        listed = own["organisation"].isin(list(employed))
        mask = pd.MultiIndex.from_frame(own[["organisation", "staff_group"]]).isin(allowed)
        own = own[~listed.to_numpy() | mask]
    orgs_ = (own.groupby(["organisation", "element"], sort=False)["staff_group"]
             .agg(list).reset_index())
    orgs_["level"] = "organisation"
    orgs_["n_organisations"] = 1

    out = pd.concat([system, orgs_], ignore_index=True)
    out["missing_groups"] = out["staff_group"].map(lambda g: _collapse_groups(g, order))
    out["n_missing"] = out["staff_group"].map(len).astype("int64")
    plural = np.where(out["n_organisations"] == 1, "organisation", "organisations")
    system_msg = ("no organisation has evidence about " + out["missing_groups"] + " on "
                  + out["element"] + " (" + out["n_organisations"].astype(str) + " "
                  + plural + " answered)")
    org_msg = (out["organisation"].astype("str") + " has no evidence about "
               + out["missing_groups"] + " on " + out["element"])
    out["message"] = np.where(out["level"] == "system", system_msg, org_msg)
    cols = ["level", "organisation", "element", "n_organisations", "missing_groups",
            "n_missing", "message"]
    return out[cols]


