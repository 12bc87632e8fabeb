"""The diagnostic on polars, pyarrow, DuckDB and PySpark: the checks of
:func:`~wellbeing_lib.diagnostic.read_diagnostic_csv` and the aggregation of
:func:`~wellbeing_lib.diagnostic.score_diagnostic` as narwhals expressions.

The rules and messages are those of the pandas path (``answers.py``, ``scoring.py``), which
stays the reference.  Every check is a flag column, and all of them are summed in one
aggregate where the data live; only when one fails are its rows collected, to name them
(0-based positions of an eager table, ``file_line`` when the table has it).  The answers
stay in the caller's backend (lazily for a lazy one); only the small tables (one row per
organisation, or per organisation x element) are collected, as pandas.

Text dates are read as ISO ``2021-11-15`` or UK ``15/11/2021``; a date or datetime column
is kept as it is.

Example
-------
>>> import polars as pl
>>> from wellbeing_lib.diagnostic import framework, maturity_scale
>>> answers, completeness, _ = read_frame(
...     pl.DataFrame({"organisation": "Hospice", "question_id": ["env-01", "ENV-02"],
...                   "answer": ["3", None]}), maturity_scale(), framework())
>>> answers.select("question_id", "points", "level").to_dicts()[0]
{'question_id': 'ENV-01', 'points': 3.0, 'level': 'Embedded'}
>>> completeness[["organisation", "n_answered", "n_missing"]]
  organisation  n_answered  n_missing
0      Hospice           1         59
"""

from __future__ import annotations

import narwhals as nw
import numpy as np
import pandas as pd

from ..errors import DuplicateKeyError, InvalidValueError
from ..frames import (
    ROW_COLUMN,
    any_rows,
    as_frame,
    failing_rows,
    finished,
    group_values,
    planned,
    to_pandas,
)
from ..validation import LINE_COLUMN, NUMBER_TEXT, failing_location
from ._common import _joined_missing, _scale_expected

__all__ = ["read_frame", "score_counts"]

_ISO_DATE = r"^\d{4}-\d{1,2}-\d{1,2}$"
_UK_DATE = r"^\d{1,2}/\d{1,2}/\d{4}$"
_BITS = 30  # questions per word of the answered-questions bitmask (exact in any backend)
_ORDER = "__order"


def _text(name: str, dtype):
    """A column as stripped text (a float NaN is a blank, as in pandas)."""
    col = nw.col(name)
    if dtype.is_float():
        col = nw.when(~col.is_nan()).then(col)
    return col.cast(nw.String()).str.strip_chars()


def _blank(expr):
    return expr.is_null() | (expr == "")


def _part(text, sep: str, i: int):
    return text.str.split(sep).list.get(i).cast(nw.Int64())


def _date(frame, name: str, dtype):
    """``(frame, date, unreadable flag)``: the ``completed_on`` column read as a date (its
    year, month and day first held as columns, so the query stays small)."""
    if dtype == nw.Date or isinstance(dtype, nw.Datetime):
        return frame, nw.col(name), None
    text = _text(name, dtype)
    iso, uk = text.str.contains(_ISO_DATE), text.str.contains(_UK_DATE)
    with_iso, with_uk = nw.when(iso).then(text), nw.when(uk).then(text)  # parts where they fit

    def either(i_iso, i_uk):
        return nw.when(iso).then(_part(with_iso, "-", i_iso)).otherwise(
            _part(with_uk, "/", i_uk))

    frame = frame.with_columns(text.alias("__dtext"), either(0, 2).alias("__y"),
                               either(1, 1).alias("__m"), either(2, 0).alias("__d"))
    year, month, day = nw.col("__y"), nw.col("__m"), nw.col("__d")
    leap = ((year % 4) == 0) & (((year % 100) != 0) | ((year % 400) == 0))
    days = nw.when(month == 2).then(nw.when(leap).then(29).otherwise(28)).otherwise(
        nw.when(month.is_in([4, 6, 9, 11])).then(30).otherwise(31))
    valid = ((month >= 1) & (month <= 12) & (day >= 1) & (day <= days)).fill_null(False)
    frame = frame.with_columns(valid.alias("__valid"))
    iso_text = nw.concat_str([year.cast(nw.String()).str.pad_start(4, "0"),
                              month.cast(nw.String()).str.pad_start(2, "0"),
                              day.cast(nw.String()).str.pad_start(2, "0")], separator="-")
    date = nw.when(nw.col("__valid")).then(iso_text).str.to_datetime(format="%Y-%m-%d")
    return frame, date, ~_blank(nw.col("__dtext")) & ~nw.col("__valid")


def _normalised(frame, scale: pd.DataFrame, questions: pd.DataFrame):
    """``frame`` with the normalised columns ``__org``, ``__qid``, ``__text``, ``__points``,
    ``__date`` and the check flags (a dict name -> boolean expression)."""
    schema = frame.collect_schema()
    org = _text("organisation", schema["organisation"])
    qid = _text("question_id", schema["question_id"]).str.to_uppercase()
    text = _text("answer", schema["answer"])
    labels = {" ".join(str(lab).split()).casefold(): float(p)
              for lab, p in zip(scale["label"], scale["points"])}
    # in steps, each a column, so no expression is computed twice (an eager table too)
    frame = frame.with_columns(org.alias("__org"), qid.alias("__qid"), text.alias("__text"))
    frame, answers = group_values(frame, ["__org", "__qid"], {"__answers": nw.len()})
    text = nw.col("__text")
    norm = text.str.replace_all(r"\s+", " ").str.strip_chars().str.to_lowercase()
    frame = frame.with_columns(
        norm.replace_strict(labels, default=None, return_dtype=nw.Float64()).alias("__label"),
        nw.when(text.str.contains(NUMBER_TEXT)).then(text).cast(nw.Float64()).alias("__number"))
    label, number = nw.col("__label"), nw.col("__number")
    by_points = nw.when(number.is_in([float(p) for p in scale["points"]])).then(number)
    columns = [nw.when(~label.is_null()).then(label).otherwise(by_points).alias("__points")]
    flags = {"org": _blank(nw.col("__org")), "qid": _blank(nw.col("__qid")),
             "unknown": ~nw.col("__qid").is_in(list(questions["question_id"])),
             "scale": ~_blank(nw.col("__text")) & nw.col("__points").is_null(),
             "dup": answers["__answers"] > 1}
    if "completed_on" in schema:
        frame, date, bad = _date(frame, "completed_on", schema["completed_on"])
        columns.append(date.alias("__date"))
        if bad is not None:
            columns.append(bad.alias("__bad_date"))
            flags["date"] = nw.col("__bad_date")
    return frame.with_columns(*columns), flags


def _check(work, flags: dict, scale: pd.DataFrame, questions: pd.DataFrame, *,
           failed=None) -> None:
    """The checks but the duplicates in one aggregate (the duplicates are found by
    :func:`_counts`); the first that fails, in the pandas path's order, is raised, naming
    its rows.  ``failed``: the checks known to fail."""
    if failed is None:
        plain = [k for k in flags if k != "dup"]
        counted = work.select(*(flags[k].fill_null(False).cast(nw.Int64()).alias(k)
                                for k in plain))
        counted = counted.select(*(nw.col(k).sum() for k in plain))
        if isinstance(counted, nw.LazyFrame):
            counted = counted.collect()
        failed = [k for k, n in zip(plain, counted.row(0)) if n]
        if failed == ["date"] and any_rows(work, flags["dup"]):
            failed = ["dup", "date"]  # the pandas path checks duplicates first
    if not failed:
        return
    known = questions["question_id"]
    cases = {
        "org": ("missing organisation", "organisation", "the organisation's name on every row"),
        "qid": ("missing question id", "question_id", "a framework question id on every row"),
        "unknown": ("unknown question id", "question_id",
                    f"one of the {len(known)} question ids {known.iloc[0]} ... "
                    f"{known.iloc[-1]} (see diagnostic.framework())"),
        "scale": ("answer not on the maturity scale", "answer", _scale_expected(scale)),
        "dup": ("the same question is answered more than once for an organisation",
                ["organisation", "question_id"], "one row per organisation x question_id"),
        "date": ("unreadable completion date", "completed_on",
                 "a date such as 2021-11-15 or 15/11/2021"),
    }
    key = failed[0]
    problem, column, expected = cases[key]
    rows = failing_rows(work, flags[key], ["__org", "__qid", "organisation", "question_id",
                                           "answer", "completed_on"], line_column=LINE_COLUMN)
    if key in ("org", "qid"):
        found = []
    elif key == "dup":
        pairs = rows[["__org", "__qid"]].drop_duplicates()
        found = [f"{o} / {q}" for o, q in pairs.itertuples(index=False, name=None)]
    else:
        found = list(rows[column])
    error = DuplicateKeyError if key == "dup" else InvalidValueError
    raise error(problem, column=column, expected=expected, found=found,
                **failing_location(work, rows))


def read_frame(data, scale: pd.DataFrame, questions: pd.DataFrame):
    """``(answers, completeness, counts)`` of
    :func:`~wellbeing_lib.diagnostic.read_diagnostic_csv` for a table of another backend: the
    answers in the caller's backend (lazily for a lazy one), the completeness (one row per
    organisation) and the :func:`_counts` the scores are made from, as pandas.

    Raises the errors of :func:`~wellbeing_lib.diagnostic.read_diagnostic_csv`, naming the
    0-based rows of an eager table and the ``file_line`` of any table that has it.
    """
    frame = as_frame(data, what="diagnostic answers")
    plan, eager = planned(frame)  # a polars table: one optimised query, then held once
    work, flags = _normalised(plan, scale, questions)
    if eager:
        work = work.collect()
    _check(work, flags, scale, questions)
    names = work.collect_schema().names()
    by_id = questions.set_index("question_id")
    element = {q: str(e) for q, e in by_id["element"].items()}
    sub_area = {q: str(v) for q, v in by_id["sub_area"].items() if pd.notna(v)}
    levels = {float(p): str(lab) for p, lab in zip(scale["points"], scale["label"])}
    qid, points = nw.col("__qid"), nw.col("__points")
    evidence = (_text("evidence", work.collect_schema()["evidence"]) if "evidence" in names
                else nw.lit(None, nw.String()))
    groups = (_text("staff_groups", work.collect_schema()["staff_groups"])
              .str.replace_all(r"\s*;[\s;]*", "; ").str.strip_chars().str.strip_chars(";")
              .str.strip_chars() if "staff_groups" in names else nw.lit(None, nw.String()))
    own = ["organisation", "question_id", "element", "sub_area", "answer", "points", "level",
           "evidence", "staff_groups", "completed_on"]
    extra = [c for c in names if c not in own and not c.startswith("__")]
    plan, eager = planned(work)
    answers = plan.select(
        nw.col("__org").alias("organisation"), qid.alias("question_id"),
        qid.replace_strict(element, default=None, return_dtype=nw.String()).alias("element"),
        (qid.replace_strict(sub_area, default=None, return_dtype=nw.String()) if sub_area
         else nw.lit(None, nw.String())).alias("sub_area"),
        nw.when(~_blank(nw.col("__text"))).then(nw.col("__text")).alias("answer"),
        points.alias("points"),
        points.replace_strict(levels, default=None, return_dtype=nw.String()).alias("level"),
        nw.when(~_blank(evidence)).then(evidence).alias("evidence"),
        nw.when(~_blank(groups)).then(groups).alias("staff_groups"),
        (nw.col("__date") if "__date" in names
         else nw.lit(None, nw.Datetime())).alias("completed_on"),
        *(nw.col(c) for c in extra))
    native = finished(answers, eager)
    counts = _counts(as_frame(native), questions, scale)
    if _repeated(counts):
        _check(work, flags, scale, questions, failed=["dup"])
    return native, _completeness_frame(counts, questions), counts


def _repeated(counts: pd.DataFrame) -> bool:
    """Whether an organisation answers a question on more than one row: a sum of distinct
    powers of two has as many bits set as terms; a repeated one carries, leaving fewer."""
    words = [c for c in counts.columns if c.startswith("__r")]
    per_org = counts.groupby("organisation", sort=False)[["n_rows", *words]].sum()
    bits = sum(np.bitwise_count(per_org[c].to_numpy(dtype=np.int64)) for c in words)
    return bool((bits != per_org["n_rows"].to_numpy()).any())


def _counts(answers, questions: pd.DataFrame, scale: pd.DataFrame) -> pd.DataFrame:
    """One aggregate per organisation x element where the answers live, as a small pandas
    table: ``n_answered``, ``mean``, the count at each level (``__l0`` ...), the answered
    questions as bitmask words of :data:`_BITS` questions (``__w0`` ...), the first and
    last completion dates and the organisation's first row (eager) or ``file_line``."""
    ids = list(questions["question_id"])
    names = answers.collect_schema().names()
    order = None  # a lazy table has no row order: file lines, else names
    if isinstance(answers, nw.DataFrame):
        answers = answers.with_row_index(ROW_COLUMN)
        order = ROW_COLUMN
    elif LINE_COLUMN in names:
        order = LINE_COLUMN
    points = nw.col("points")
    answered = ~points.is_null()
    flags, sums = [answered.cast(nw.Int64()).alias("n_answered")], ["n_answered"]
    for i, p in enumerate(scale["points"]):
        sums.append(f"__l{i}")
        flags.append((points == float(p)).fill_null(False).cast(nw.Int64()).alias(sums[-1]))
    flags.append(nw.lit(1, nw.Int64()).alias("n_rows"))
    sums.append("n_rows")
    for w in range(0, len(ids), _BITS):
        bits = {q: 2 ** (i - w) for i, q in enumerate(ids) if w <= i < w + _BITS}
        word = nw.col("question_id").replace_strict(bits, default=0, return_dtype=nw.Int64())
        sums += [f"__w{w // _BITS}", f"__r{w // _BITS}"]  # answered questions; every row's
        flags += [nw.when(answered).then(word).otherwise(0).alias(sums[-2]), word.alias(sums[-1])]
    plan, _ = planned(answers)
    agg = [*(nw.col(c).sum() for c in sums),  # plain aggregations: every backend has them
           points.mean().alias("mean"),
           nw.col("completed_on").min().alias("first_completed_on"),
           nw.col("completed_on").max().alias("last_completed_on")]
    if order is not None:
        agg.append(nw.col(order).min().alias(_ORDER))
    table = (plan.with_columns(*flags).group_by("organisation", "element").agg(*agg)
             .with_columns(*(nw.col(c).cast(nw.Int64()) for c in sums)))
    return to_pandas(table)


def _completeness_frame(counts: pd.DataFrame, questions: pd.DataFrame) -> pd.DataFrame:
    """The completeness table (one row per organisation) from :func:`_counts`."""
    ids = list(questions["question_id"])
    words = [c for c in counts.columns if c.startswith("__w")]
    order = _ORDER if _ORDER in counts.columns else "organisation"
    g = counts.groupby("organisation", sort=False)
    per_org = pd.concat([g[["n_answered", *words]].sum(),  # disjoint bits: the sum is the OR
                         g["first_completed_on"].min(), g["last_completed_on"].max(),
                         g[order].min().rename("__sort")], axis=1).reset_index()
    per_org = per_org.sort_values("__sort", kind="stable").reset_index(drop=True)
    done = np.zeros((len(per_org), len(ids)), dtype=bool)
    for i in range(len(ids)):  # one step per question, over every organisation
        word = per_org[f"__w{i // _BITS}"].to_numpy(dtype=np.int64)
        done[:, i] = (word >> (i % _BITS)) & 1
    out = pd.DataFrame({"organisation": per_org["organisation"].astype("str"),
                        "n_questions": len(ids),
                        "n_answered": per_org["n_answered"].to_numpy(dtype=np.int64)})
    out["n_missing"] = out["n_questions"] - out["n_answered"]
    out["completeness_pct"] = 100 * out["n_answered"] / out["n_questions"]
    out["complete"] = out["n_missing"] == 0
    out["missing_questions"] = _joined_missing(done, pd.Series(ids))
    out["first_completed_on"] = pd.to_datetime(per_org["first_completed_on"]).to_numpy()
    out["last_completed_on"] = pd.to_datetime(per_org["last_completed_on"]).to_numpy()
    return out


def score_counts(answers, scale: pd.DataFrame, questions: pd.DataFrame,
                 counts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per organisation x element with something answered: ``n_answered``, ``mean`` and
    the count at each scale level (``__l0`` ...), as a small pandas table (``counts``:
    the :func:`_counts` of these answers, when already computed).

    Example
    -------
    >>> import polars as pl
    >>> score_counts(pl.DataFrame({"organisation": ["A", "A"], "question_id": "ENV-01",
    ...                            "element": "Environment", "points": [1.0, 3.0],
    ...                            "completed_on": None}),
    ...              pd.DataFrame({"points": [1, 3]}), pd.DataFrame({"question_id": ["ENV-01"]}))
      organisation      element  n_answered  mean  __l0  __l1
    0            A  Environment           2   2.0     1     1
    """
    if counts is None:
        counts = _counts(as_frame(answers), questions, scale)
    levels = [f"__l{i}" for i in range(len(scale))]
    table = counts.loc[counts["n_answered"] > 0,
                       ["organisation", "element", "n_answered", "mean", *levels]]
    return table.sort_values(["organisation", "element"]).reset_index(drop=True)
