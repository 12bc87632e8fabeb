"""Pairing: each client's baseline and follow-up records matched, every problem reported.

:func:`pair_measurements` pairs long data (one row per client and time point) and
:func:`pair_wide` checks wide data (one row per client); both return a frozen
:class:`Pairing` whose ``paired`` table (``<column>_baseline``, ``<column>_follow_up``)
is what :func:`~wellbeing_lib.outcomes.change` classifies, and whose ``problems`` table
lists every record that was not paired and every choice made.

Example
-------
>>> import pandas as pd
>>> long = pd.DataFrame({"client_id": ["a", "a", "b"],
...                      "time": ["baseline", "follow_up", "baseline"], "score": [20, 24, 18]})
>>> pair_measurements(long)
Pairing: 1 clients paired of 2; 1 no follow-up (duplicates='first')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import narwhals as nw
import numpy as np
import pandas as pd

from ..errors import DuplicateKeyError, InvalidValueError, MissingColumnError
from ..frames import (
    as_frame,
    column_names,
    count_rows,
    failing_rows,
    flag_counts,
    is_lazy,
    materialized,
    planned,
    with_group_values,
)
from ..validation import (
    LINE_COLUMN,
    SPACE,
    TOTAL_LABEL,
    check_allowed,
    check_identifiers,
    check_not_empty,
    check_rows,
    check_total_rows,
    error_location,
    failing_location,
    require_columns,
    source_of,
)

__all__ = [
    "Pairing",
    "pair_measurements",
    "pair_wide",
    "PAIRING_PROBLEMS",
    "DUPLICATE_RULES",
    "SUFFIXES",
]

#: problems :func:`pair_measurements` reports, in the order they are listed
PAIRING_PROBLEMS = ("no follow-up", "follow-up without baseline", "duplicated records",
                    "follow-up before baseline", "missing date")
#: how repeated records of one client and time point are resolved
DUPLICATE_RULES = ("first", "last", "drop", "raise")
#: suffixes of the baseline and follow-up columns of paired data
SUFFIXES = ("_baseline", "_follow_up")

_ACTIONS = {
    "no follow-up": "not paired (loss to follow-up: usual, report it)",
    "follow-up without baseline": "not paired",
    "follow-up before baseline": "excluded from pairing",
    "missing date": "paired; order of dates not checked",
}
_DUPLICATE_ACTIONS = {
    "first": "kept the earliest record (first in the file on equal or missing dates)",
    "last": "kept the latest record (last in the file on equal dates)",
    "drop": "client excluded from pairing",
}


@dataclass(frozen=True, eq=False)
class Pairing:
    """Baseline and follow-up records matched per client, with every problem found.

    Returned by :func:`pair_measurements` and :func:`pair_wide`; :meth:`to_frame` gives
    the paired table.  The id column and suffixes travel with it, so
    :func:`~wellbeing_lib.outcomes.change` needs neither argument for a Pairing.

    Attributes
    ----------
    paired : DataFrame
        One row per client with both time points: the id column, then for each
        measured column ``<column>_baseline`` and ``<column>_follow_up`` side by side
        (then, for wide data, the person-level columns that carry no suffix).
    problems : DataFrame
        Tidy: ``problem`` (ordered categorical, :data:`PAIRING_PROBLEMS`), the id
        column, ``detail`` and ``action`` (what was done about it).  One row per
        client and problem (per client and time point for duplicated records).
    id : str
        Name of the id column.
    suffixes : tuple of str
        Suffixes of the baseline and follow-up columns.
    duplicates : str
        The rule used for duplicated records.
    n_clients : int
        Distinct clients in the data.
    dated : bool
        Whether dates were given (so the order of the records was checked).
    """

    paired: pd.DataFrame
    problems: pd.DataFrame
    id: str
    suffixes: tuple[str, str]
    duplicates: str
    n_clients: int
    dated: bool

    def to_frame(self) -> pd.DataFrame:
        """The paired table (:attr:`paired`): one row per client with both time points.

        Example
        -------
        >>> import pandas as pd
        >>> long = pd.DataFrame({"client_id": ["a", "a"], "time": ["baseline", "follow_up"],
        ...                      "score": [20, 24]})
        >>> pair_measurements(long).to_frame()
          client_id  score_baseline  score_follow_up
        0         a              20               24
        """
        return self.paired

    def summary(self) -> pd.DataFrame:
        """Counts of clients paired and with each problem (``item``, ``n_clients``, ``action``).

        Every problem type is listed, with 0 where none was found ("missing date"
        only when dates were given).
        """
        counts = self.problems.groupby("problem", observed=False)[self.id].nunique()
        rows = [("clients in the data", self.n_clients, ""),
                ("paired (baseline and follow-up)", self._n_paired(), "analysed")]
        for problem in PAIRING_PROBLEMS[: 5 if self.dated else 4]:
            if problem == "follow-up before baseline" and not self.dated:
                action = "not checked: pass date= to check"
            elif problem == "duplicated records":
                action = _DUPLICATE_ACTIONS.get(self.duplicates, "")
            else:
                action = _ACTIONS[problem]
            rows.append((problem, int(counts.get(problem, 0)), action))
        return pd.DataFrame(rows, columns=["item", "n_clients", "action"])

    def _n_paired(self) -> int:
        return count_rows(self.paired)

    def ids(self, *problems: str) -> list:
        """Ids of the clients with any of ``problems`` (all problems when none is named)."""
        unknown = [p for p in problems if p not in PAIRING_PROBLEMS]
        if unknown:
            raise InvalidValueError("unknown pairing problem", column="problem",
                                    expected="one of " + ", ".join(PAIRING_PROBLEMS),
                                    found=unknown)
        table = self.problems
        if problems:
            table = table[table["problem"].isin(problems)]
        return list(pd.unique(table[self.id]))

    def __repr__(self) -> str:
        found = ", ".join(f"{n:,} {item}" for item, n, _ in
                          self.summary().iloc[2:].itertuples(index=False) if n)
        return (f"Pairing: {self._n_paired():,} clients paired of {self.n_clients:,}"
                + (f"; {found}" if found else "; no problems found")
                + f" (duplicates='{self.duplicates}')")


def _parse_dates(data: pd.DataFrame, column: str) -> pd.Series:
    values = data[column]
    if pd.api.types.is_datetime64_any_dtype(values):
        return values
    parsed = pd.to_datetime(values, format="ISO8601", errors="coerce")
    text = values.astype("str").str.strip()
    bad = parsed.isna() & values.notna() & (text != "")
    if bad.any():
        labels = list(data.index[bad])
        raise InvalidValueError(
            "unreadable date", column=column, found=list(values[bad]),
            expected="ISO dates YYYY-MM-DD, or a datetime column (convert UK dates with "
                     "pandas.to_datetime(..., dayfirst=True) first)",
            **error_location(data, labels),
        )
    return parsed


def _differing(frame: pd.DataFrame, keys: list[str], cols: list[str]) -> pd.Series:
    """For each key group of (duplicated) rows: 'identical' or 'differ in: a, b'."""
    if not cols:
        return frame.groupby(keys, sort=False).size().map(lambda _: "identical")
    varies = frame.groupby(keys, sort=False)[cols].nunique(dropna=False) > 1
    names = np.array(cols, dtype=object)
    return pd.Series(
        ["identical" if not row.any() else "differ in: " + ", ".join(names[row])
         for row in varies.to_numpy()],
        index=varies.index,
    )


def _problem_rows(problem: str, id: str, ids, detail, action: str) -> pd.DataFrame:
    ids = pd.Index(ids)
    return pd.DataFrame({
        "problem": [problem] * len(ids), id: ids.array,
        "detail": detail if not isinstance(detail, str) else [detail] * len(ids),
        "action": [action] * len(ids),
    })


def _empty_problems(id: str) -> pd.DataFrame:
    return pd.DataFrame({"problem": pd.Categorical([], categories=PAIRING_PROBLEMS,
                                                   ordered=True),
                         id: [], "detail": pd.Series([], dtype="str"),
                         "action": pd.Series([], dtype="str")})


def _finish_problems(parts: list[pd.DataFrame], id: str) -> pd.DataFrame:
    parts = [p for p in parts if len(p)]
    if not parts:
        return _empty_problems(id)
    table = pd.concat(parts, ignore_index=True)
    table["problem"] = pd.Categorical(table["problem"], categories=PAIRING_PROBLEMS,
                                      ordered=True)
    return table.sort_values("problem", kind="stable").reset_index(drop=True)


def _resolve_duplicates(data, *, keys, cols, dates, duplicates, id, unit, dup=None):
    """Apply the duplicates rule to repeated ``keys``; return (kept data, problem rows,
    positions of the kept rows or None when every row is kept).  ``dup``: the rows whose
    key is repeated, when already known."""
    if dup is None:
        dup = data.duplicated(keys, keep=False).to_numpy()
    if not dup.any():
        return data, None, None
    if duplicates == "raise":
        labels = list(data.index[dup])
        raise DuplicateKeyError(
            "duplicated records", column=keys if len(keys) > 1 else keys[0],
            found=list(pd.unique(data.loc[dup, id])),
            expected="one " + unit + "; or choose duplicates='first', 'last' or 'drop'",
            **error_location(data, labels),
        )
    repeated = data[dup]
    sizes = repeated.groupby(keys, sort=False).size()
    how = _differing(repeated, keys, [c for c in cols if c not in keys])
    what = (repeated.groupby(keys, sort=False)[keys[-1]].first().astype("str") + " records"
            if len(keys) > 1 else pd.Series("rows", index=sizes.index))
    detail = sizes.astype("str") + " " + what + " (" + how + ")"
    ids = sizes.index.get_level_values(id) if len(keys) > 1 else sizes.index
    rows = _problem_rows("duplicated records", id, ids, detail.to_numpy(),
                         _DUPLICATE_ACTIONS[duplicates])
    if duplicates == "drop":
        kept = np.flatnonzero(~data[id].isin(ids).to_numpy())
        return data.iloc[kept], rows, kept
    pos = np.arange(len(data))
    if dates is not None:
        stamp = dates.to_numpy(dtype="datetime64[ns]").astype(np.int64)
        missing = dates.isna().to_numpy()
        stamp[missing] = np.iinfo(np.int64).max if duplicates == "first" else np.iinfo(
            np.int64).min
    else:
        stamp = np.zeros(len(data), dtype=np.int64)
    order = np.lexsort((pos, stamp))
    ordered = data.iloc[order]
    keep = ~ordered.duplicated(keys, keep="first" if duplicates == "first" else "last")
    kept = np.sort(order[keep.to_numpy()])
    return data.iloc[kept], rows, kept


# ------------------------------------------------------- pairing on any backend (narwhals)
_LATEST, _EARLIEST = datetime(9999, 12, 31), datetime(1, 1, 1)


def _dates_frame(frame, date: str):
    """The date column as a Datetime expression (ISO text parsed; unreadable text named)."""
    dtype = frame.collect_schema()[date]
    if dtype == nw.Datetime or dtype == nw.Date:
        return nw.col(date).cast(nw.Datetime())
    text = nw.col(date).cast(nw.String()).str.strip_chars()
    iso = text.str.contains(r"^\d{4}-\d{2}-\d{2}$")
    check_rows(frame, ~nw.col(date).is_null() & (text != "") & ~iso,
               problem="unreadable date", column=date,
               expected="ISO dates YYYY-MM-DD, or a datetime column (convert UK dates "
                        "first)")
    return nw.when(iso).then(text).otherwise(None).str.to_datetime("%Y-%m-%d")


def _order_column(frame, id, time, cols, *, ties: bool = False):
    """(frame, name) with a column giving the order of the records: the row position of
    an eager table; for a lazy one ``file_line``, else (``ties``: to break ties between
    duplicated records) the records' values.  ``(frame, None)`` for a lazy table without
    ``file_line`` otherwise: its records are listed by id, the order their values give
    (and no sort of every record is needed)."""
    names = column_names(frame)
    if not is_lazy(frame):
        return frame.with_row_index("__pos"), "__pos"
    if LINE_COLUMN in names:
        return frame, LINE_COLUMN
    if not ties:
        return frame, None
    return frame.with_row_index("__pos", order_by=[id, time, *cols]), "__pos"


def _collected(frame, columns, order) -> pd.DataFrame:
    """Selected columns of (failing) rows as pandas, in the records' order."""
    out = frame.select(list(dict.fromkeys([*columns, order]))).lazy().collect().to_pandas()
    return out.sort_values(order, kind="stable").reset_index(drop=True)


def _duplicates_frame(data, frame, *, id, time, cols, order, stamp, duplicates):
    """The duplicates rule where the data live; only the repeated records are collected.
    ``data``: the caller's table, ``frame`` made from it row for row (to name the rows)."""
    keys = [id, time]
    flagged = with_group_values(frame, keys, {"__records": nw.len()})
    dup = nw.col("__records") > 1
    repeated = _collected(flagged.filter(dup), [*keys, *cols], order)
    if repeated.empty:
        return frame, None
    if duplicates == "raise":
        rows = failing_rows(flagged, dup, keys, line_column=LINE_COLUMN)
        raise DuplicateKeyError(
            "duplicated records", column=keys, found=list(pd.unique(repeated[id])),
            expected="one baseline and one follow-up record per client; or choose "
                     "duplicates='first', 'last' or 'drop'",
            **failing_location(data, rows))
    sizes = repeated.groupby(keys, sort=False).size()
    how = _differing(repeated, keys, [c for c in cols if c not in keys])
    what = repeated.groupby(keys, sort=False)[time].first().astype("str") + " records"
    detail = sizes.astype("str") + " " + what + " (" + how + ")"
    ids = sizes.index.get_level_values(id)
    rows = _problem_rows("duplicated records", id, ids, detail.to_numpy(),
                         _DUPLICATE_ACTIONS[duplicates])
    if duplicates == "drop":
        return frame.filter(~nw.col(id).is_in(list(pd.unique(ids)))), rows
    first = duplicates == "first"
    key = stamp.fill_null(_LATEST if first else _EARLIEST)  # undated: last for "first"
    best = nw.col("__key").min() if first else nw.col("__key").max()
    frame = with_group_values(frame.with_columns(key.alias("__key")), keys, {"__best": best})
    frame = frame.filter(nw.col("__key") == nw.col("__best")).drop("__best")
    pick = nw.col(order).min() if duplicates == "first" else nw.col(order).max()
    frame = with_group_values(frame, keys, {"__pick": pick})
    frame = frame.filter(nw.col(order) == nw.col("__pick")).drop("__pick")
    return frame, rows


def _client_table(frame, *, id, time, baseline, follow_up, order, eager, values=(),
                  suffixes=SUFFIXES):
    """One row per client, computed once (:func:`~wellbeing_lib.frames.materialized`):
    records at baseline (``__nb``) and after (``__nf``), records at another time point
    (``__odd``), with an order column the position of the first of each (``__pb``,
    ``__pf``), and each column of ``values`` at each time point (``<column><suffix>``,
    meaningful once each client has at most one record per time point).  One grouping pass
    over the records finds the clients, the missing ids, the time points not allowed, the
    duplicates, the unpaired, the distinct ids and the pairs at once."""
    is_base = nw.col(time) == baseline  # a missing time point: neither (and odd)
    is_after = nw.col(time) != baseline
    # comparisons, not is_in: an SQL engine may make a list a join no later query prunes
    odd = ((nw.col(time) != baseline) & (nw.col(time) != follow_up)) | nw.col(time).is_null()
    sides = [(is_base, suffixes[0]), (is_after, suffixes[1])]
    spread = [nw.when(on).then(nw.col(c)).otherwise(None).alias(c + sfx)
              for c in values for on, sfx in sides]
    counted = [(is_base, "__nb"), (is_after, "__nf"), (odd, "__odd")]
    flags = [nw.when(on).then(nw.lit(1)).otherwise(None).alias(name) for on, name in counted]
    firsts = []
    if order is not None:
        flags += [nw.when(is_base).then(nw.col(order)).otherwise(None).alias("__pb"),
                  nw.when(is_after).then(nw.col(order)).otherwise(None).alias("__pf")]
        firsts = [nw.col("__pb").min(), nw.col("__pf").min()]
    clients = frame.with_columns(*flags, *spread).group_by(id).agg(
        *(nw.col(name).count() for _, name in counted), *firsts,
        *(nw.col(c + sfx).max() for c in values for _, sfx in sides))
    return clients.collect() if eager else materialized(clients)


def _unpaired(clients, *, id, first) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Ids of the clients with no follow-up and of those with no baseline (one query),
    each in the order of their records (``first``: their first position, or the id)."""
    sides = [nw.col(c) for c in dict.fromkeys([id, "__nb", "__nf", *first])]
    out = clients.filter((nw.col("__nb") == 0) | (nw.col("__nf") == 0)).select(
        *sides).lazy().collect().to_pandas()
    lost = out[out["__nf"] == 0].sort_values(first[0], kind="stable")
    orphans = out[out["__nb"] == 0].sort_values(first[1], kind="stable")
    return lost.reset_index(drop=True), orphans.reset_index(drop=True)


def _checked_clients(data, clients, *, id, time, baseline, follow_up) -> tuple[int, int]:
    """The checks of the records made on the table of clients, in one aggregate, in this
    order: missing ids, total rows, ids differing only in spaces or
    capitals, time points not allowed.  Only when one may fail are the ids, then the
    records, read again, to name the rows.  Returns (clients, most records of a client at
    one time point).

    Ids differ only in spaces or capitals when one has spaces around it (found by a
    pattern: stripping every id costs more than finding the few that need it) or when
    there are fewer ids in lower case than ids."""
    counts = clients.select(
        nw.col(id).is_null().cast(nw.Int64()).sum().alias("null"), *_id_counts(clients, id),
        nw.col("__odd").sum().alias("odd"),
        nw.max_horizontal(nw.col("__nb"), nw.col("__nf")).max().alias("most"))
    found = dict(zip(["null", *_ID_COUNTS, "odd", "most"], counts.lazy().collect().row(0)))
    if found["null"]:
        _check_missing_ids(data, id)
    if found["suspect"] or found["folded"] != found["n"]:
        try:  # the id checks on the distinct ids; on every row only to name the rows
            check_total_rows(clients, [id], what="client and time point")
            check_identifiers(clients, id, what="client id", distinct=True)
        except InvalidValueError:
            check_total_rows(data, [id], what="client and time point")
            check_identifiers(data, id, what="client id")
            raise  # pragma: no cover - the checks on every row raise first
    if found["odd"]:
        check_allowed(data, time, [baseline, follow_up], allow_missing=False)
    return int(found["n"]), int(found["most"] or 0)


#: the names of the counts :func:`_id_counts` gives, in order
_ID_COUNTS = ("n", "suspect", "folded")


def _id_counts(frame, id: str) -> list:
    """Aggregates over a table with each id once (clients or pairs): its rows, the ids
    with spaces around them or that may be total rows (one pattern), and the distinct ids
    in lower case (fewer than the rows when two ids differ only in capitals)."""
    label = nw.col(id).cast(nw.String())
    pattern = f"^{SPACE}|{SPACE}$"
    if frame.collect_schema()[id] == nw.String:
        pattern += "|(?i:" + TOTAL_LABEL.pattern + ")"
    return [nw.len().alias("n"),
            label.str.contains(pattern).fill_null(False).cast(nw.Int64()).sum().alias(
                "suspect"),
            label.str.to_lowercase().n_unique().alias("folded")]


def _pair_joined(frame, *, id, time, baseline, follow_up, cols, suffixes):
    """The pairs of a table in which no problem can be found, by a join of its baseline
    and follow-up records (:func:`_joined_records`): ``(paired, n_clients)``, or None when
    a problem may exist (then the records are grouped per client, to report every
    problem).

    Aggregates prove that there is none: over the records, no missing id and no time
    point but the two; over the pairs (held where the data live), as many pairs as
    baseline records, as follow-up records and distinct ids in lower case (so no client
    has two records at a time point or lacks one, and no two ids differ only in
    capitals), no id with spaces around it and none that may be a total row.  Each
    finding of the records grouped per client is then empty, so the results are theirs.
    """
    eager = not is_lazy(frame)  # the pairs in the order of the baseline records
    layout = dict(id=id, time=time, baseline=baseline, follow_up=follow_up, cols=cols,
                  suffixes=suffixes, order="__pos" if eager else None, dated=False)
    if eager:  # the records at each time point, counted as they are selected
        sides = _sides(frame.with_row_index("__pos"), **layout)
        found = {"base": len(sides[0]), "fu": len(sides[1])}
        if (len(frame) != found["base"] + found["fu"]  # another time point, or none
                or frame.select(nw.col(id).is_null().sum()).item()):
            return None
    else:  # one aggregate where the data live
        is_base, is_fu = nw.col(time) == baseline, nw.col(time) == follow_up
        found = flag_counts(frame, {"null": nw.col(id).is_null(), "base": is_base,
                                    "fu": is_fu, "other": ~(is_base | is_fu).fill_null(False)})
        if found["null"] or found["other"]:
            return None
        sides = None
    paired = _joined_records(frame, **layout, eager=eager, sides=sides)
    counts = _id_counts(paired, id)
    if eager:  # one pass over the pairs in memory
        n, suspect, folded = paired.select(*counts).row(0)
    else:  # the distinct ids in lower case by themselves: an engine counts them faster alone
        n, suspect = paired.select(*counts[:2]).collect().row(0)
        folded = None if suspect else paired.select(counts[2]).collect().item()
    if suspect or not n == found["base"] == found["fu"] == folded:
        return None
    return paired.to_native(), int(n)


def _check_missing_ids(data, id: str) -> None:
    check_rows(data, nw.col(id).is_null(), problem="missing client id", column=id,
               expected="an id on every row", show=False)


def _pair_frame(data, *, id, time, baseline, follow_up, date, cols, duplicates, suffixes):
    """:func:`pair_measurements` on any backend (one path: pandas too).  A table without
    dates and with no problem is paired by a join (:func:`_pair_joined`);
    otherwise one grouping pass over the records into a table of clients, computed once
    where the data live and checked there, then the duplicates rule; the pairs are the
    baseline records joined to the follow-up records (:func:`_joined_records`, in the
    caller's backend); the problem records collected as pandas."""
    sb, sf = suffixes
    check_not_empty(data, what="a record to pair")
    if date is not None:  # the dates are read below: a missing id is named first
        _check_missing_ids(data, id)
    if date is None and baseline != follow_up:  # the usual case: a join
        joined = _pair_joined(as_frame(data), id=id, time=time, baseline=baseline,
                              follow_up=follow_up, cols=cols, suffixes=suffixes)
        if joined is not None:
            return joined[0], _empty_problems(id), joined[1]
    frame, order = _order_column(as_frame(data), id, time, cols)
    frame, eager = planned(frame)  # an eager polars table: the steps below as one query
    stamp = None
    if date is not None:
        frame = frame.with_columns(_dates_frame(frame, date).alias("__date"))
        stamp = nw.col("__date")
    values = ["__date"] if date else []
    layout = dict(id=id, time=time, baseline=baseline, follow_up=follow_up, eager=eager,
                  values=values, suffixes=suffixes)
    clients = _client_table(frame, order=order, **layout)
    n_clients, most = _checked_clients(data, clients, id=id, time=time, baseline=baseline,
                                       follow_up=follow_up)
    parts = []
    if most > 1:
        if order is None:  # ties between the repeated records broken by their values
            frame, order = _order_column(frame, id, time, cols, ties=True)
        frame, dup_rows = _duplicates_frame(
            data, frame, id=id, time=time, cols=cols, order=order,
            stamp=stamp if stamp is not None else nw.lit(_EARLIEST), duplicates=duplicates)
        parts.append(dup_rows)
        clients = _client_table(frame, order=order, **layout)
    first = ["__pb", "__pf"] if order is not None else [id, id]
    lost, orphans = _unpaired(clients, id=id, first=first)
    parts.append(_problem_rows("no follow-up", id, lost[id].array, "baseline only",
                               _ACTIONS["no follow-up"]))
    parts.append(_problem_rows("follow-up without baseline", id, orphans[id].array,
                               "follow-up record but no baseline",
                               _ACTIONS["follow-up without baseline"]))
    if date is not None:
        both = clients.filter((nw.col("__nb") > 0) & (nw.col("__nf") > 0))
        _order_problems_frame(both, parts, id=id, sb=sb, sf=sf, order=first[0])
    in_order = eager or not is_lazy(frame)  # the caller's table was eager
    paired = _joined_records(frame, id=id, time=time, baseline=baseline, follow_up=follow_up,
                             cols=cols, suffixes=suffixes, order=order, dated=date is not None,
                             eager=in_order)
    if eager:
        paired = paired.collect()
    return paired.to_native(), _finish_problems(parts, id), n_clients


def _sides(frame, *, id, time, baseline, follow_up, cols, suffixes, order, dated):
    """The baseline records (with their position ``__pb`` when ``order`` is given) and the
    follow-up records, each column renamed with its time point's suffix."""
    sb, sf = suffixes
    carried = [*cols, *(["__date"] if dated else [])]
    base = frame.filter(nw.col(time) == baseline).select(
        id, *([nw.col(order).alias("__pb")] if order is not None else []),
        *(nw.col(c).alias(c + sb) for c in carried))
    follow = frame.filter(nw.col(time) == follow_up).select(
        id, *(nw.col(c).alias(c + sf) for c in carried))
    return base, follow


def _joined_records(frame, *, id, time, baseline, follow_up, cols, suffixes, order, dated,
                    eager, sides=None):
    """The pairs: each client's baseline record joined to its follow-up record (one of
    each once the duplicates rule has been applied), every column keeping its type; with
    dates, not those dated in the wrong order.  An eager table keeps the order of the
    baseline records (``eager``: the caller's table was eager, ``order`` its row positions);
    a lazy one is held where the data live (:func:`~wellbeing_lib.frames.materialized`), so
    that later steps read the pairs and do not pair again.  ``sides``: the records of
    :func:`_sides`, when already selected."""
    sb, sf = suffixes
    base, follow = sides or _sides(frame, id=id, time=time, baseline=baseline,
                                   follow_up=follow_up, cols=cols, suffixes=suffixes,
                                   order=order, dated=dated)
    joined = base.join(follow, on=id, how="inner")
    if dated:  # a follow-up dated before its baseline is reported, not paired
        joined = joined.filter(~(nw.col("__date" + sf) < nw.col("__date" + sb)).fill_null(False))
    pairs = [name for c in cols for name in (c + sb, c + sf)]
    if not eager:  # held by itself: each later query reads the pairs, not the records
        return materialized(joined.select(id, *pairs))
    if isinstance(joined, nw.LazyFrame) or not joined.get_column("__pb").is_sorted():
        joined = joined.sort("__pb")  # (a join that kept the baseline order needs none)
    return nw.maybe_reset_index(joined.select(id, *pairs))  # pandas: 0, 1, …


def _order_problems_frame(both, parts, *, id, sb, sf, order):
    """Follow-ups dated before the baseline (excluded, reported) and missing dates."""
    d_base, d_fu = nw.col("__date" + sb), nw.col("__date" + sf)
    early = d_fu < d_base
    undated = d_base.is_null() | d_fu.is_null()
    flagged = both.with_columns(early.fill_null(False).alias("__early"),
                                undated.alias("__undated"))
    odd = _collected(flagged.filter(nw.col("__early") | nw.col("__undated")),
                     [id, "__date" + sb, "__date" + sf, "__early", "__undated"], order)
    first = odd[odd["__early"]]
    if len(first):
        b = pd.to_datetime(first["__date" + sb])
        f = pd.to_datetime(first["__date" + sf])
        detail = ("follow-up dated " + f.dt.strftime("%Y-%m-%d") + " is "
                  + (b - f).dt.days.astype("str") + " days before the baseline dated "
                  + b.dt.strftime("%Y-%m-%d"))
        parts.append(_problem_rows("follow-up before baseline", id, first[id].array,
                                   detail.to_numpy(), _ACTIONS["follow-up before baseline"]))
    gaps = odd[odd["__undated"]]
    if len(gaps):
        nb = gaps["__date" + sb].isna().to_numpy()
        nf = gaps["__date" + sf].isna().to_numpy()
        which = np.where(nb & nf, "both dates", np.where(nb, "baseline date", "follow-up date"))
        parts.append(_problem_rows("missing date", id, gaps[id].array,
                                   np.char.add(which.astype(str), " missing"),
                                   _ACTIONS["missing date"]))
    return flagged.filter(~nw.col("__early"))


def _check_rule(duplicates: str) -> None:
    if duplicates not in DUPLICATE_RULES:
        raise ValueError(f"duplicates must be one of {DUPLICATE_RULES}, not {duplicates!r}")


def _check_ids(data, id: str) -> None:
    """No rows, missing ids, a total row, or ids that differ only in spaces or capitals
    (which would silently fail to pair) are named errors.  The checks run on the distinct
    ids, and only when one fails again on every row, to name the rows."""
    check_not_empty(data, what="a record to pair")
    _check_missing_ids(data, id)
    distinct = as_frame(data).select(id).unique()
    try:
        check_total_rows(distinct, [id], what="client and time point")
        check_identifiers(distinct, id, what="client id")
    except InvalidValueError:
        check_total_rows(data, [id], what="client and time point")
        check_identifiers(data, id, what="client id")
        raise  # pragma: no cover - the checks on every row raise first


def pair_measurements(
    data: pd.DataFrame,
    *,
    id: str = "client_id",
    time: str = "time",
    baseline="baseline",
    follow_up="follow_up",
    date: str | None = None,
    columns: Sequence[str] | None = None,
    duplicates: str = "first",
    suffixes: tuple[str, str] = SUFFIXES,
) -> Pairing:
    """Match each client's baseline and follow-up records from long data, reporting every problem.

    Nothing is dropped silently: each record that is not paired, and each choice
    made, is listed in :attr:`Pairing.problems` and counted by :meth:`Pairing.summary`:

    ``no follow-up``
        A baseline with no follow-up (loss to follow-up — normal, but report it).
    ``follow-up without baseline``
        Not paired.
    ``duplicated records``
        A client with more than one record at a time point.  Resolved by
        ``duplicates`` (below); the detail says whether the records were identical.
    ``follow-up before baseline``
        (with ``date``) the follow-up is dated before the baseline — a keying error;
        the client is excluded from the pairs.
    ``missing date``
        (with ``date``) a paired record has no date, so its order was not checked.

    Parameters
    ----------
    data : DataFrame
        Long data: one row per client and time point (not modified).  Any backend of
        :mod:`wellbeing_lib.frames`: the paired table comes back in it (lazily for a lazy
        one); the problems, being the records that failed, are collected as pandas.  On a
        lazy table (no row order) ties between duplicated records are broken by the
        ``file_line`` column when there is one, else by the records' values, and the
        problems are listed in the order of ``file_line``, else of the ids.  Without
        ``date``, a table is paired by a join of its baseline and follow-up records (held
        where the data live for a lazy one, :func:`~wellbeing_lib.frames.materialized`),
        and a few aggregates prove that no problem exists; when one may, and with
        ``date``, it is read once into a table of clients, checked there and every
        problem reported.  The paired table of a lazy input stays lazy, over the pairs
        held there (so later steps do not run the pairing again); an eager one keeps the
        order of the baseline records.
    id, time : str
        Columns holding the client id and the time point.
    baseline, follow_up : default "baseline", "follow_up"
        The values of ``time`` for the two time points.  Other values raise an
        error: select the two time points first.
    date : str, optional
        Column with the assessment date (ISO text or datetime) used to check the
        order of the records and to choose among duplicates.
    columns : sequence of str, optional
        Columns to pair (default: every column except ``id`` and ``time``).
    duplicates : {"first", "last", "drop", "raise"}, default "first"
        ``"first"``: keep the earliest record (by ``date``, then file order);
        ``"last"``: keep the latest; ``"drop"``: exclude the client altogether;
        ``"raise"``: raise :class:`~wellbeing_lib.errors.DuplicateKeyError`.
        Whichever rule is used, the duplicated clients are reported.
    suffixes : tuple of str, default ("_baseline", "_follow_up")

    Returns
    -------
    Pairing
        ``.paired`` (one row per paired client; columns ``<column>_baseline`` and
        ``<column>_follow_up`` side by side), ``.problems``, ``.summary()``.

    Raises
    ------
    MissingColumnError, InvalidValueError, DuplicateKeyError
        Missing columns, missing ids, unknown time points or unreadable dates;
        duplicated records with ``duplicates="raise"``.

    Example
    -------
    >>> import pandas as pd
    >>> long = pd.DataFrame({
    ...     "client_id": ["a", "a", "b", "c", "c", "d", "d", "d"],
    ...     "time": ["baseline", "follow_up", "baseline", "follow_up", "baseline",
    ...              "baseline", "baseline", "follow_up"],
    ...     "date": ["2017-01-05", "2017-07-01", "2017-02-01", "2016-12-01", "2017-01-10",
    ...              "2017-03-01", "2017-03-01", "2017-09-01"],
    ...     "score": [20, 24, 18, 25, 22, 19, 19, 21]})
    >>> pairs = pair_measurements(long, date="date")
    >>> pairs.paired[["client_id", "score_baseline", "score_follow_up"]]
      client_id  score_baseline  score_follow_up
    0         a              20               24
    1         d              19               21
    >>> pairs.problems[["problem", "client_id"]]
                         problem client_id
    0               no follow-up         b
    1         duplicated records         d
    2  follow-up before baseline         c
    >>> pairs.problems["detail"].tolist()[1:]
    ['2 baseline records (identical)', 'follow-up dated 2016-12-01 is 40 days before the baseline dated 2017-01-10']
    """
    _check_rule(duplicates)
    require_columns(data, [id, time] + ([date] if date else []), what="pairing")
    names = column_names(data)
    cols = [c for c in names if c not in (id, time)] if columns is None else list(columns)
    require_columns(data, cols, what="pairing")
    if date is not None and date not in cols:
        cols.append(date)
    if id in cols or time in cols:
        raise InvalidValueError("the id and time columns cannot be paired", column="columns",
                                expected="measured columns only")
    paired, problems, n_clients = _pair_frame(
        data, id=id, time=time, baseline=baseline, follow_up=follow_up, date=date,
        cols=cols, duplicates=duplicates, suffixes=tuple(suffixes))
    return Pairing(paired=paired, problems=problems, id=id, suffixes=tuple(suffixes),
                   duplicates=duplicates, n_clients=n_clients, dated=date is not None)


def pair_wide(
    data: pd.DataFrame,
    *,
    id: str = "client_id",
    suffixes: tuple[str, str] = SUFFIXES,
    date: str | None = None,
    columns: Sequence[str] | None = None,
    duplicates: str = "first",
) -> Pairing:
    """Check and pair wide data (one row per client, ``<column><suffix>`` per time point).

    The same problems as :func:`pair_measurements` are reported: a time point is
    *absent* when all its measured columns are empty (so a row with only baseline
    values is "no follow-up"); a client id on several rows is "duplicated records",
    resolved row by row (``"first"``/``"last"`` by the baseline date, then the order
    of the rows).  Columns without a suffix (group, practice…) are carried into
    ``.paired`` unchanged.

    Parameters
    ----------
    data : DataFrame
    id : str
    suffixes : tuple of str, default ("_baseline", "_follow_up")
        Suffixes marking the two time points.
    date : str, optional
        Stem of the date columns (``date + suffixes[0]`` and ``date + suffixes[1]``).
    columns : sequence of str, optional
        Stems to pair (default: every stem found with both suffixes).
    duplicates : {"first", "last", "drop", "raise"}, default "first"

    Returns
    -------
    Pairing

    Example
    -------
    >>> import numpy as np, pandas as pd
    >>> wide = pd.DataFrame({"client_id": ["a", "b", "c"], "group": ["x", "x", "y"],
    ...                      "score_baseline": [20, 18, np.nan],
    ...                      "score_follow_up": [24, np.nan, 25]})
    >>> pairs = pair_wide(wide)
    >>> pairs.paired
      client_id  score_baseline  score_follow_up group
    0         a            20.0             24.0     x
    >>> pairs.summary()[["item", "n_clients"]]
                                  item  n_clients
    0              clients in the data          3
    1  paired (baseline and follow-up)          1
    2                     no follow-up          1
    3       follow-up without baseline          1
    4               duplicated records          0
    5        follow-up before baseline          0
    """
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame, not {type(data).__name__} (wide "
                        "data on other backends: pair_measurements on the long table)")
    _check_rule(duplicates)
    sb, sf = suffixes
    require_columns(data, [id], what="pairing")
    if columns is None:
        stems = [c[: -len(sb)] for c in data.columns
                 if isinstance(c, str) and c.endswith(sb) and c[: -len(sb)] + sf in data.columns]
    else:
        stems = list(columns)
        require_columns(data, [s + x for s in stems for x in suffixes], what="pairing")
    if date is not None:
        require_columns(data, [date + sb, date + sf], what="pairing dates")
        if date not in stems:
            stems.append(date)
    if not stems:
        raise MissingColumnError("no paired columns found", file=source_of(data),
                                 column=list(map(str, data.columns)),
                                 expected=f"columns ending in {sb!r} and {sf!r}")
    _check_ids(data, id)
    timed = {s + x for s in stems for x in suffixes}
    person = [c for c in data.columns if c != id and c not in timed]
    dates = _parse_dates(data, date + sb) if date is not None else None
    data, dup_rows, _ = _resolve_duplicates(data, keys=[id], cols=list(data.columns),
                                            dates=dates, duplicates=duplicates, id=id,
                                            unit="row per client")
    measured = [s for s in stems if s != date]
    pieces = []
    for label, sfx in (("baseline", sb), ("follow_up", sf)):
        part = data[[id] + [s + sfx for s in stems]].set_axis([id, *stems], axis=1)
        present = part[measured].notna().any(axis=1)
        pieces.append(part[present].assign(_time=label))
    long = pd.concat(pieces)
    paired, problems, _ = _pair_frame(long, id=id, time="_time", baseline="baseline",
                                      follow_up="follow_up", date=date, cols=stems,
                                      duplicates="raise", suffixes=(sb, sf))
    if person:
        paired = paired.merge(data[[id, *person]], on=id, how="left", validate="one_to_one")
    if dup_rows is not None:
        problems = _finish_problems([dup_rows, problems], id)
    return Pairing(paired=paired, problems=problems, id=id, suffixes=(sb, sf),
                   duplicates=duplicates, n_clients=int(data[id].nunique()) + (
                       0 if dup_rows is None or duplicates != "drop" else len(set(dup_rows[id]))),
                   dated=date is not None)
