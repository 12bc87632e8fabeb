"""Staging: planned (one element a month) against actual completion, and who is behind.

Example
-------
>>> STAGING_STATUSES[:3]
('on time', 'late', 'in progress')
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..validation import check_allowed, require_columns
from .answers import _as_diagnostic

__all__ = ["staging_progress", "staging_summary", "STAGING_STATUSES"]

#: status of an organisation x element in :func:`staging_progress`, in display order
STAGING_STATUSES = ("on time", "late", "in progress", "not started", "not yet due", "no date")


def staging_progress(data, *, start, as_of=None, element_order=None) -> pd.DataFrame:
    """Planned vs actual completion, one element a month, per organisation x element.

    Mid and South Essex asked organisations to complete one element of the
    diagnostic a month, then discuss it before moving on.  Element *k* (1, 2,
    ...) of ``element_order`` is planned for the *k*-th month from ``start`` and
    due on that month's last day.

    Parameters
    ----------
    data : Diagnostic, DataFrame, str or Path
        Loaded diagnostics, or anything :func:`read_diagnostic_csv` accepts; the
        ``completed_on`` dates are used.
    start : date-like
        Any day of the month in which the first element is planned
        (``"2021-11"`` or ``"2021-11-01"``).
    as_of : date-like, optional
        The date the progress is judged at; default the latest completion date
        in the data (so the result does not depend on today's date).  Answers
        dated after ``as_of`` are treated as not yet given.
    element_order : list of str, optional
        The order elements are tackled in; default the framework order.  Must
        name every element once.

    Returns
    -------
    DataFrame
        One row per organisation x element (elements in the planned order):
        ``organisation``, ``element``, ``step`` (1, 2, ...), ``planned_month``
        (``"2021-11"``), ``due_on`` (last day of the planned month),
        ``n_questions``, ``n_answered`` (by ``as_of``), ``completed_on`` (the
        latest completion date of the element's questions, once all are
        answered), ``days_late`` (see below), ``status`` and ``as_of``.

    Notes
    -----
    ``status`` is one of :data:`STAGING_STATUSES`:

    * ``on time`` / ``late`` - every question answered, the last one on or
      before / after the due date; ``days_late`` = completed_on - due_on in
      days (0 when on time);
    * ``in progress`` / ``not started`` - due by ``as_of`` but some / none of
      its questions answered; ``days_late`` = as_of - due_on (still counting);
    * ``not yet due`` - unfinished and due after ``as_of``; ``days_late`` missing;
    * ``no date`` - every question answered but none has a completion date.

    Example
    -------
    >>> import pandas as pd
    >>> ids = [f"PHW-0{i}" for i in range(1, 10)]
    >>> data = pd.DataFrame({"organisation": "Trust A", "question_id": ids, "answer": 2,
    ...                      "completed_on": ["2021-11-20"] * 8 + ["2021-12-06"]})
    >>> p = staging_progress(data, start="2021-11", as_of="2022-01-15")
    >>> p[["step", "due_on", "completed_on", "days_late", "status"]].head(3)
       step     due_on completed_on  days_late       status
    0     1 2021-11-30   2021-12-06          6         late
    1     2 2021-12-31          NaT         15  not started
    2     3 2022-01-31          NaT       <NA>  not yet due
    """
    diag = _as_diagnostic(data)
    q = diag.questions
    framework_order = list(pd.unique(q["element"]))
    if element_order is None:
        order = framework_order
    else:
        order = [str(e) for e in element_order]
        if sorted(order) != sorted(framework_order) or len(set(order)) != len(order):
            raise ValueError(
                "element_order must name every element once; expected "
                f"{', '.join(framework_order)}; got {', '.join(order)}")
    try:
        first = pd.Period(pd.Timestamp(start), freq="M")
    except (ValueError, TypeError) as exc:
        raise ValueError(f"start must be a date such as '2021-11-01'; got {start!r}") from exc
    a = diag.answers
    if as_of is None:
        as_of = a["completed_on"].max()
        if pd.isna(as_of):
            raise ValueError("no completion dates in the data: pass as_of= explicitly")
    as_of = pd.Timestamp(as_of).normalize()
    orgs = diag.completeness["organisation"].tolist()
    months = pd.period_range(first, periods=len(order), freq="M")
    plan = pd.DataFrame({
        "element": order,
        "step": np.arange(1, len(order) + 1),
        "planned_month": months.strftime("%Y-%m"),
        "due_on": months.end_time.normalize().astype("datetime64[us]"),
        "n_questions": q.groupby("element").size().reindex(order).to_numpy(),
    })
    grid = pd.DataFrame({"organisation": np.repeat(orgs, len(order)),
                         "element": np.tile(order, len(orgs))}).merge(plan, on="element",
                                                                      how="left")
    done = a[a["points"].notna() & ~(a["completed_on"] > as_of)]
    done = done.assign(element=done["question_id"].map(q.set_index("question_id")["element"]))
    g = done.groupby(["organisation", "element"])
    stats = pd.DataFrame({"n_answered": g.size(), "last": g["completed_on"].max()})
    stats = stats.reindex(pd.MultiIndex.from_frame(grid[["organisation", "element"]]))
    grid["n_answered"] = stats["n_answered"].fillna(0).astype("int64").to_numpy()
    finished = grid["n_answered"].to_numpy() >= grid["n_questions"].to_numpy()
    last = pd.Series(stats["last"].to_numpy(), index=grid.index).astype("datetime64[us]")
    grid["completed_on"] = last.where(finished)
    due = grid["due_on"]
    overdue = ~finished & (due < as_of)
    status = np.select(
        [finished & grid["completed_on"].isna(), finished & (grid["completed_on"] <= due),
         finished, overdue & (grid["n_answered"] > 0), overdue],
        ["no date", "on time", "late", "in progress", "not started"], default="not yet due")
    late_days = (grid["completed_on"] - due).dt.days.clip(lower=0)
    open_days = (as_of - due).dt.days
    days = pd.Series(pd.NA, index=grid.index, dtype="Int64")
    days[finished & grid["completed_on"].notna()] = late_days[finished
                                                              & grid["completed_on"].notna()]
    days[overdue] = open_days[overdue]
    grid["days_late"] = days
    grid["status"] = pd.Series(status, index=grid.index, dtype="str")
    grid["as_of"] = as_of
    cols = ["organisation", "element", "step", "planned_month", "due_on", "n_questions",
            "n_answered", "completed_on", "days_late", "status", "as_of"]
    return grid[cols]


def staging_summary(progress: pd.DataFrame) -> pd.DataFrame:
    """Who is behind: one row per organisation from :func:`staging_progress`.

    Returns
    -------
    DataFrame
        ``organisation``, ``n_elements``, ``n_due`` (due by ``as_of``),
        ``n_finished``, ``n_on_time``, ``n_late`` (finished after the due date),
        ``n_overdue`` (due, unfinished: in progress or not started),
        ``max_days_late`` (largest ``days_late``, 0 if none), ``behind`` (True
        when something is overdue) and ``overdue_elements`` (``"; "``-joined).
        Sorted with those behind first (most overdue elements, then most days
        late), otherwise in the order of ``progress``.

    Example
    -------
    >>> import pandas as pd
    >>> progress = pd.DataFrame({
    ...     "organisation": ["A", "A", "B", "B"], "element": ["E1", "E2", "E1", "E2"],
    ...     "due_on": pd.to_datetime(["2021-11-30", "2021-12-31"] * 2),
    ...     "days_late": pd.array([0, 3, 20, 45], dtype="Int64"),
    ...     "status": ["on time", "late", "late", "not started"],
    ...     "as_of": pd.Timestamp("2022-02-14")})
    >>> staging_summary(progress)[["organisation", "n_late", "n_overdue", "max_days_late",
    ...                            "behind", "overdue_elements"]]  # doctest: +NORMALIZE_WHITESPACE
      organisation  n_late  n_overdue  max_days_late  behind overdue_elements
    0            B       1          1             45    True               E2
    1            A       1          0              3   False
    """
    require_columns(progress, ["organisation", "element", "due_on", "days_late", "status",
                               "as_of"], what="staging progress")
    check_allowed(progress, "status", STAGING_STATUSES, allow_missing=False)
    p = progress.assign(
        _due=progress["due_on"] <= progress["as_of"],
        _finished=progress["status"].isin(["on time", "late", "no date"]),
        _on_time=progress["status"] == "on time",
        _late=progress["status"] == "late",
        _overdue=progress["status"].isin(["in progress", "not started"]),
        _days=pd.to_numeric(progress["days_late"]).fillna(0),
    )
    g = p.groupby("organisation", sort=False)
    out = pd.DataFrame({
        "n_elements": g.size(),
        "n_due": g["_due"].sum(),
        "n_finished": g["_finished"].sum(),
        "n_on_time": g["_on_time"].sum(),
        "n_late": g["_late"].sum(),
        "n_overdue": g["_overdue"].sum(),
        "max_days_late": g["_days"].max(),
    }).astype("int64")
    out["behind"] = out["n_overdue"] > 0
    overdue = p[p["_overdue"]].groupby("organisation", sort=False)["element"].agg("; ".join)
    out["overdue_elements"] = overdue.reindex(out.index).fillna("").astype("str")
    out["_pos"] = np.arange(len(out))
    out = out.sort_values(["behind", "n_overdue", "max_days_late", "_pos"],
                          ascending=[False, False, False, True], kind="stable")
    return out.drop(columns="_pos").reset_index()

