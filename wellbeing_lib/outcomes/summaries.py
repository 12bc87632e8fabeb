"""Summaries of change: % improved on ≥ k measures, the baseline against the population
norm, and the headline by subgroup with small counts suppressed.

Every proportion is reported as n/N with a Wilson interval and a stated denominator;
:func:`subgroup_summary` applies NHS Digital's small-number rule by default.

Example
-------
>>> import pandas as pd
>>> t = pd.DataFrame({"client_id": ["a", "b"], "measure": "w",
...                   "status": ["improved", "no change"]})
>>> improved_on_n(t)[["summary", "label", "n", "N", "proportion"]].head(1)
    summary  label  n  N  proportion
0  at least  all 1  1  2         0.5
"""

from __future__ import annotations

import functools
import operator

import narwhals as nw
import numpy as np
import pandas as pd

from ..errors import InvalidValueError
from ..frames import as_frame, column_names, is_lazy, nan_as_missing, planned, to_pandas
from ..validation import (
    DEFAULT_CI,
    check_allowed,
    check_ci,
    check_numeric,
    check_unique,
    require_columns,
)
from ._common import _as_list, _attach, _layout_of, _measure_names, _one_definition
from .change import DEFINITIONS, STATUS_LABELS
from .conversion import population_norm
from .instruments import _resolve

__all__ = ["improved_on_n", "baseline_vs_norm", "subgroup_summary", "IMPROVED_POLICIES"]


#: how :func:`improved_on_n` counts clients missing some measures
IMPROVED_POLICIES = ("complete", "observed")


def _ci(n: np.ndarray, N: np.ndarray, ci: float):
    from ..stats import proportion_ci

    low = np.full(n.shape, np.nan)
    high = np.full(n.shape, np.nan)
    ok = N > 0
    if ok.any():
        table = proportion_ci(n[ok], N[ok], ci=ci)
        low[ok], high[ok] = table["ci_low"].to_numpy(), table["ci_high"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        prop = np.where(ok, n / np.where(ok, N, 1), np.nan)
    return prop, low, high


def _published(out: pd.DataFrame, ci: float, low=None, high=None, base=None) -> pd.DataFrame:
    """n and N suppressed (1-7) and rounded (to 5); the proportion and its Wilson interval
    those of the published counts, withheld with them."""
    from ..privacy import ROUND_BASE, SUPPRESS_HIGH, SUPPRESS_LOW, suppress_rows

    settings = {"low": SUPPRESS_LOW if low is None else low,
                "high": SUPPRESS_HIGH if high is None else high,
                "base": ROUND_BASE if base is None else base}
    out = suppress_rows(out, counts=["n", "N"], derived=["proportion", "ci_low", "ci_high"],
                        **settings)
    shown = (out["n"].notna() & out["N"].notna()).to_numpy()
    prop, low_ci, high_ci = _ci(out["n"].to_numpy(dtype=float, na_value=0),
                                out["N"].to_numpy(dtype=float, na_value=0), ci)
    for col, values in (("proportion", prop), ("ci_low", low_ci), ("ci_high", high_ci)):
        out[col] = np.where(shown, values, np.nan)
    return out


def improved_on_n(
    data: pd.DataFrame,
    *,
    policy: str = "complete",
    measures=None,
    by=None,
    id: str = "client_id",
    ci: float = DEFAULT_CI,
    suppress: bool = False,
) -> pd.DataFrame:
    """Clients improved on at least 1, 2, …, all M measures, with n/N and Wilson intervals.

    The headline of many social prescribing evaluations ("85% improved on at least
    1 of 4 measures, 54% on at least 2, 15% on all 4"), reported honestly: every
    figure as n/N with a Wilson score interval (95% by default) (:func:`wellbeing_lib.stats.proportion_ci`),
    with a stated denominator.

    Parameters
    ----------
    data : DataFrame
        Output of :func:`change` (columns id, ``measure``, ``status`` and, if present,
        ``definition``: each definition is summarised separately), of any backend of
        :mod:`wellbeing_lib.frames`: the clients are counted where the data live and only
        the counts (one row per pattern of measures improved) are collected, the checks
        of the statuses, of the measures named and of a measure recorded twice made in
        that same pass (the table read again only to name failing rows).  A lazy table
        just as :func:`change` returned it is counted from the pairs it was made from (one
        row per client: no grouping per client), its checks holding by construction.  The
        result is a small pandas table.  A lazy table lists its measures alphabetically unless
        ``measures=`` gives their order (then it is not read to find them).
    policy : {"complete", "observed"}, default "complete"
        Clients missing some measures.  ``"complete"``: only clients with all M
        measures at both times count, in every row (N is the same throughout).
        ``"observed"``: among the measures observed — for "≥ k", N is the clients
        with at least k measures observed (those who could improve on k); for
        "exactly k", the clients with at least one; for one measure, the clients
        observed on it.  The ``denominator`` column says which.
    measures : list, optional
        The M measures (default: all in ``data``).
    by : str or list of str, optional
        Grouping columns (one set of rows per group).
    id : str, default "client_id"
        Id column (the one :func:`change` was given or took from the Pairing).
    ci : float, default 0.95
        Confidence level of the Wilson intervals.
    suppress : bool, default False
        The published form: n and N of 1-7 withheld and the others rounded to 5 (NHS
        Digital), the proportion and interval those of the rounded counts and withheld
        with them (as :func:`subgroup_summary`).

    Returns
    -------
    DataFrame
        ``[by…], [definition], policy, summary, k, measure, label, n, N, proportion,
        ci_low, ci_high, denominator`` where ``summary`` is ``"at least"`` (k = 1…M),
        ``"exactly"`` (k = 0…M, the distribution) or ``"measure"`` (% improved on
        each measure).  A row with N = 0 has missing proportion and interval.

    Raises
    ------
    MissingColumnError, InvalidValueError, DuplicateKeyError

    Example
    -------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"client_id": list("aabbcc"), "measure": ["w", "l"] * 3,
    ...                   "status": ["improved", "improved", "improved", "no change",
    ...                              "deteriorated", None]})
    >>> improved_on_n(t)[["summary", "label", "n", "N", "proportion"]]
        summary           label  n  N  proportion
    0  at least         ≥1 of 2  2  2         1.0
    1  at least           all 2  1  2         0.5
    2   exactly  exactly 0 of 2  0  2         0.0
    3   exactly  exactly 1 of 2  1  2         0.5
    4   exactly  exactly 2 of 2  1  2         0.5
    5   measure               w  2  2         1.0
    6   measure               l  1  2         0.5
    """
    if policy not in IMPROVED_POLICIES:
        raise ValueError(f"policy must be one of {IMPROVED_POLICIES}, not {policy!r}")
    as_frame(data, what="data (from change())")
    check_ci(ci)
    by = _as_list(by)
    require_columns(data, [id, "measure", "status", *by], what="improved_on_n")
    keys = [*by] + (["definition"] if "definition" in column_names(data) else [])
    # the checks made in the pass that counts the clients
    names = _as_list(measures) if measures is not None else _measure_names(data, None)
    patterns = _layout_patterns(data, keys=keys, id=id, names=names, given=measures)
    if patterns is None:  # an eager table as change() writes it: no grouping by client
        patterns = _block_patterns(data, keys=keys, id=id, names=names, given=measures)
    if patterns is None:  # any other change table: the clients counted row by row
        patterns = _client_patterns(data, keys=keys, id=id, names=names, given=measures)
    if "definition" in keys:  # one type and order on every backend
        patterns["definition"] = _definition_labels(patterns["definition"])
    groups, counts = _pattern_counts(patterns, keys=keys, names=names, policy=policy)
    table = _improvement_blocks(groups, counts, names=names, policy=policy)
    n_arr = table["n"].to_numpy(dtype=np.int64)
    N_arr = table["N"].to_numpy(dtype=np.int64)
    prop, low, high = _ci(n_arr, N_arr, ci)
    table["n"], table["N"] = n_arr, N_arr
    table.insert(table.columns.get_loc("denominator"), "proportion", prop)
    table.insert(table.columns.get_loc("denominator"), "ci_low", low)
    table.insert(table.columns.get_loc("denominator"), "ci_high", high)
    table["label"] = table["label"].astype("str")
    table["denominator"] = table["denominator"].astype("str")
    return _published(table, ci) if suppress else table


def _definition_labels(values: pd.Series) -> pd.Categorical:
    """The definitions of a summary as an ordered categorical in the order of
    :data:`~wellbeing_lib.outcomes.DEFINITIONS` (any others after them, sorted): the same
    type and order whatever backend the change table was on (text on a SQL engine, an
    Enum on polars, a categorical on pandas)."""
    text = values.astype("str").where(values.notna())
    present = set(text.dropna())
    order = [d for d in DEFINITIONS if d in present] + sorted(present - set(DEFINITIONS))
    return pd.Categorical(text, categories=order, ordered=True)


def _key_groups(frame: pd.DataFrame, keys: list) -> tuple[np.ndarray, pd.DataFrame]:
    """Each row's group number and the table of groups (one row per combination of
    ``keys``, sorted, missing values a group of their own; one group when no keys)."""
    if not keys:
        return np.zeros(len(frame), dtype=np.int64), pd.DataFrame(index=range(1))
    key_groups = frame.groupby(keys, observed=True, sort=True, dropna=False)
    groups = key_groups.size().index.to_frame(index=False)
    groups.columns = keys
    return key_groups.ngroup().to_numpy(), groups


def _histogram_counts(histogram: np.ndarray, *, n_m: int, policy: str) -> dict:
    """``at_n, at_N, ex_n, ex_N`` (groups × k) from the numbers of clients per group with
    i measures improved and j observed (``histogram[g, i, j]``)."""
    ks = np.arange(1, n_m + 1)
    if policy == "complete":  # only clients observed on all M measures
        full = histogram[:, :, n_m]  # (g, improved 0…M)
        total = full.sum(axis=1)
        at_least = np.cumsum(full[:, ::-1], axis=1)[:, ::-1]  # improved ≥ i
        return {"at_n": at_least[:, ks], "at_N": np.repeat(total[:, None], n_m, axis=1),
                "ex_n": full, "ex_N": np.repeat(total[:, None], n_m + 1, axis=1)}
    improved = histogram.sum(axis=2)  # (g, improved 0…M), every client
    observed = histogram.sum(axis=1)  # (g, observed 0…M)
    at_least_imp = np.cumsum(improved[:, ::-1], axis=1)[:, ::-1]
    at_least_obs = np.cumsum(observed[:, ::-1], axis=1)[:, ::-1]
    some = histogram[:, :, 1:].sum(axis=2)  # (g, improved 0…M) among those observed on ≥1
    some_total = some.sum(axis=1)
    return {"at_n": at_least_imp[:, ks], "at_N": at_least_obs[:, ks], "ex_n": some,
            "ex_N": np.repeat(some_total[:, None], n_m + 1, axis=1)}


def _mean_change_frame(data, *, keys: list, names: list, ci: float) -> pd.DataFrame:
    """:func:`~wellbeing_lib.stats.mean_ci` of ``change`` by ``keys``, aggregated where the
    data live (n, mean, SD per group); the t intervals from that small table."""
    from scipy import stats as sps

    alpha = check_ci(ci)
    frame = as_frame(data).filter(nw.col("measure").is_in(names))
    value = nw.col("change").cast(nw.Float64())
    frame = frame.with_columns(nan_as_missing(value, frame).alias("__change"))
    out = to_pandas(frame.group_by(*keys, drop_null_keys=False).agg(
        nw.col("__change").count().alias("n"), nw.col("__change").mean().alias("mean"),
        nw.col("__change").std(ddof=1).alias("sd")))
    out = out.sort_values(keys, kind="stable").reset_index(drop=True)  # as mean_ci
    n = out["n"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        half = sps.t.ppf(1 - alpha / 2, n - 1) * out["sd"].to_numpy(dtype=float) / np.sqrt(n)
    out["mean"] = out["mean"].astype("float64")
    out["sd"] = out["sd"].astype("float64")
    out["ci_low"] = out["mean"] - half
    out["ci_high"] = out["mean"] + half
    out["n"] = out["n"].astype("int64")
    return out


def _not_a_status():
    """A status present and not one of :data:`STATUS_LABELS` (a missing status is allowed;
    the test of missing comes first, as pandas compares a missing category as unequal)."""
    return ~nw.col("status").is_null() & functools.reduce(
        operator.and_, (nw.col("status") != label for label in STATUS_LABELS))


def _client_patterns(data, *, keys: list, id: str, names: list, given=None) -> pd.DataFrame:
    """How many clients share each pattern of improved/observed measures, per group.

    Where the data live, in one pass that also checks the table: each row's measure
    becomes a bit (2^j), and one pass sums, per client, the bits of the measures improved,
    of those observed and of every row, counts the rows and the statuses not allowed; then
    one row per distinct pattern.  Only that small table is collected.  A status not
    allowed, a measure ``given`` that no row has, or a measure recorded twice for a client
    (it carries into another bit, so the bits set are then fewer than the rows) is then a
    named error, the table read again only to name the rows.
    """
    frame, _ = planned(data)
    bit = nw.lit(0, nw.Int64())  # comparisons, not a lookup an SQL engine makes a join
    for j, m in reversed(list(enumerate(names))):
        bit = nw.when(nw.col("measure") == m).then(nw.lit(2**j, nw.Int64())).otherwise(bit)
    improved = (nw.col("status") == "improved").fill_null(False)
    odd = _not_a_status()
    per_row = frame.select(*keys, id, bit.alias("__bit"), improved.alias("__improved"),
                           nw.col("status").is_null().alias("__missing"),
                           odd.fill_null(False).alias("__odd")).filter(
        (nw.col("__bit") > 0) | nw.col("__odd"))
    zero = nw.lit(0, nw.Int64())
    per_row = per_row.select(
        *keys, id, nw.col("__bit"),
        nw.when(nw.col("__improved")).then(nw.col("__bit")).otherwise(zero).alias("__imp"),
        nw.when(nw.col("__missing")).then(zero).otherwise(nw.col("__bit")).alias("__obs"),
        (nw.col("__bit") > 0).cast(nw.Int64()).alias("__wanted"),
        nw.col("__odd").cast(nw.Int64()))
    clients = per_row.group_by(*keys, id, drop_null_keys=False).agg(
        nw.col("__imp").sum(), nw.col("__obs").sum(), nw.col("__bit").sum().alias("__all"),
        nw.col("__wanted").sum().alias("__rows"), nw.col("__odd").sum())
    table = to_pandas(clients.group_by(*keys, "__imp", "__obs", "__all", "__rows", "__odd",
                                       drop_null_keys=False).agg(nw.len().alias("__clients")))
    if table["__odd"].to_numpy(dtype=np.int64).any():
        check_allowed(data, "status", STATUS_LABELS)  # raises, naming the rows
    every = table["__all"].to_numpy(dtype=np.int64)
    exact = np.bitwise_count(every) == table["__rows"].to_numpy(dtype=np.int64)
    seen = int(np.bitwise_or.reduce(every[exact])) if exact.any() else 0
    if given is not None and seen != 2 ** len(names) - 1:
        _measure_names(data, given)  # names a measure given that no row has
    if not exact.all():
        check_unique(as_frame(data).filter(nw.col("measure").is_in(names)),
                     [*keys, id, "measure"])  # raises, naming the rows
    imp = table["__imp"].to_numpy(dtype=np.int64)
    obs = table["__obs"].to_numpy(dtype=np.int64)
    for j in range(len(names)):
        table[f"__imp{j}"] = (imp >> j) & 1
        table[f"__obs{j}"] = (obs >> j) & 1
    return table


#: the status of a row as a digit of :func:`_layout_patterns`: 0 missing, 1 observed, 3 improved
_STATUS_DIGITS = {None: 0, STATUS_LABELS[0]: 1, STATUS_LABELS[1]: 1, STATUS_LABELS[2]: 3}


def _layout_patterns(data, *, keys: list, id: str, names: list, given=None):
    """:func:`_client_patterns` for a lazy change table as :func:`change` made it, from the
    table it was made from (one row per client, so no grouping per client); None for any
    other table.

    Such a table has one row per client, definition and measure, with a status allowed:
    its checks hold by construction.  Each client's statuses under one definition become
    one number (two bits per measure: observed, improved), and one aggregate counts the
    clients per group and number; only that small table is collected.
    """
    layout = _layout_of(data)
    by = [k for k in keys if k != "definition"]
    known = {block[2] for block in layout.criteria} if layout is not None else set()
    if (layout is None or layout.id != id or "definition" not in keys or not names
            or len(names) > 30 or any(m not in known for m in names)
            or any(k not in layout.keep or k == id for k in by)):
        return None

    def digit(label):
        return nw.lit(_STATUS_DIGITS[label], nw.Int64())

    numbers = {}
    for definition, label, measure, status in layout.criteria:
        if measure in names:
            term = status(digit) * (4 ** names.index(measure))
            past = numbers.get(definition, (label, None))[1]
            numbers[definition] = (label, term if past is None else past + term)
    parts = [layout.table.select(*(nw.col(k) for k in by), label.alias("definition"),
                                 number.alias("__pattern"))
             for label, number in numbers.values()]
    table = to_pandas(nw.concat(parts, how="vertical").group_by(
        *by, "definition", "__pattern", drop_null_keys=False).agg(nw.len().alias("__clients")))
    if given is not None and table.empty:
        _measure_names(data, given)  # names a measure given that no row has
    return _decoded(table, keys=keys, names=names)


def _decoded(table: pd.DataFrame, *, keys: list, names: list) -> pd.DataFrame:
    """A table of client patterns (``__pattern``: two bits per measure, observed and
    improved) with each measure's bits as columns ``__imp<j>``, ``__obs<j>``."""
    pattern = table["__pattern"].to_numpy(dtype=np.int64)
    for j in range(len(names)):
        table[f"__imp{j}"] = ((pattern >> (2 * j)) & 3 == 3).astype(np.int64)
        table[f"__obs{j}"] = ((pattern >> (2 * j)) & 3 > 0).astype(np.int64)
    return table[[*keys, "__clients", *table.columns[-2 * len(names):]]]


#: most blocks (definitions × measures) an eager change table is looked at as blocks
_MOST_BLOCKS = 4096


def _block_patterns(data, *, keys: list, id: str, names: list, given=None):
    """:func:`_client_patterns` for an eager change table laid out as :func:`change` writes
    it, found from the rows themselves (no grouping by client); None for any other table.

    That layout is one block of n rows per definition × measure, each listing the same n
    distinct clients in the same order.  Aggregates check it: the rows where the measure
    or definition changes are the block starts 0, n, 2n …, each block a different
    definition × measure; each id (and ``by`` value) is that of the row n rows before;
    the first n ids are distinct and none is missing.  Then the client at position i of
    every block is the same, so each client's statuses under one definition become one
    number (two bits per measure) by adding the blocks' digits position by position, and
    one aggregate counts the clients per group and number; only that small table is
    collected.  A status not allowed is a named error.
    """
    frame = as_frame(data)
    if is_lazy(frame) or not names or len(names) > 30 or len(frame) < 2:
        return None
    rows = len(frame)
    by = [k for k in keys if k != "definition"]
    block = ["measure", *(["definition"] if "definition" in keys else [])]
    changed = functools.reduce(operator.or_, (
        (nw.col(c) != nw.col(c).shift(1)).fill_null(True) for c in block))
    status = frame.collect_schema()["status"]
    counts = [changed.cast(nw.Int64()).sum().alias("starts")]  # eager: in row order
    if not (isinstance(status, nw.Enum) and set(status.categories) <= set(STATUS_LABELS)):
        counts.append(_not_a_status().fill_null(False).cast(nw.Int64()).sum().alias("odd"))
    # (an Enum of the statuses, as change() writes it, can hold no other value)
    n_blocks, n_odd = (*frame.select(*counts).row(0), 0)[:2]
    if n_odd:
        check_allowed(data, "status", STATUS_LABELS)  # raises, naming the rows
    if not 0 < n_blocks <= _MOST_BLOCKS or rows % n_blocks:
        return None
    n = rows // n_blocks
    starts = to_pandas(frame.with_row_index("__row").filter(changed).select("__row", *block))
    if (not np.array_equal(starts["__row"].to_numpy(), np.arange(n_blocks) * n)
            or starts[block].isna().any(axis=None) or starts.duplicated(block).any()):
        return None
    for c in [id, *by]:  # each row's value that of the row n rows before (by position)
        if not (frame[n:].get_column(c) == frame[:-n].get_column(c)).fill_null(False).all():
            return None
    first = frame.head(n).select(nw.col(id).n_unique().alias("distinct"),
                                 nw.col(id).null_count().alias("missing")).row(0)
    if first != (n, 0):
        return None
    measures = list(starts["measure"].astype("str"))
    if given is not None and not set(names) <= set(measures):
        _measure_names(data, given)  # names a measure given that no row has
    # 3 improved, 1 observed (not improved), 0 missing
    digit = ((nw.col("status") == STATUS_LABELS[2]).fill_null(False).cast(nw.Int64()) * 2
             + (~nw.col("status").is_null()).cast(nw.Int64()))
    digits = frame.select(digit.alias("d")).get_column("d").to_numpy().reshape(n_blocks, n)
    of_block = list(starts["definition"].astype("str")) if "definition" in block else None
    parts = []
    for d in dict.fromkeys(of_block) if of_block else [None]:
        mine = [b for b in range(n_blocks) if d is None or of_block[b] == d]
        pattern = np.zeros(n, dtype=np.int64)
        for b in mine:
            if measures[b] in names:
                pattern += digits[b] * 4 ** names.index(measures[b])
        at = mine[0] * n
        numbers = nw.new_series("__pattern", pattern, nw.Int64(), backend=frame.implementation)
        parts.append(nw.maybe_reset_index(frame[at:at + n].select(*keys)).with_columns(numbers)
                     if keys else numbers.to_frame())
    table = to_pandas(nw.concat(parts, how="vertical").group_by(
        *keys, "__pattern", drop_null_keys=False).agg(nw.len().alias("__clients")))
    return _decoded(table, keys=keys, names=names)


def _pattern_counts(patterns: pd.DataFrame, *, keys: list, names: list, policy: str):
    """The counts behind :func:`improved_on_n` (per group: ``at_n, at_N`` for ≥ k,
    ``ex_n, ex_N`` for exactly k, ``me_n, me_N`` per measure) from a table of client
    patterns, each pattern weighted by its number of clients."""
    n_m = len(names)
    imp_m = patterns[[f"__imp{j}" for j in range(n_m)]].to_numpy(dtype=np.int64)
    obs_m = patterns[[f"__obs{j}" for j in range(n_m)]].to_numpy(dtype=np.int64)
    weight = patterns["__clients"].to_numpy(dtype=np.int64)
    group_of, groups = _key_groups(patterns, keys)
    g = len(groups)
    imp, obs = imp_m.sum(axis=1), obs_m.sum(axis=1)
    complete = obs == n_m
    histogram = np.zeros((g, n_m + 1, n_m + 1), dtype=np.int64)
    np.add.at(histogram, (group_of, imp, obs), weight)
    counts = _histogram_counts(histogram, n_m=n_m, policy=policy)
    if policy == "complete":
        me_n, me_N = imp_m * complete[:, None], np.repeat(complete[:, None], n_m, axis=1)
    else:
        me_n, me_N = imp_m, obs_m
    for name, x in (("me_n", me_n), ("me_N", me_N)):
        out = np.zeros((g, n_m), dtype=np.int64)
        np.add.at(out, group_of, x.astype(np.int64) * weight[:, None])
        counts[name] = out
    return groups, counts


def _improvement_blocks(groups: pd.DataFrame, counts: dict[str, np.ndarray], *,
                        names: list, policy: str) -> pd.DataFrame:
    """The rows of :func:`improved_on_n` ("at least", "exactly", "measure") per group."""
    g, n_m = len(groups), len(names)
    ks = np.arange(1, n_m + 1)
    ks0 = np.arange(0, n_m + 1)

    def block(summary, kvals, labels, n, N, denominators):
        size = len(kvals)
        part = groups.loc[np.repeat(np.arange(g), size)].reset_index(drop=True)
        part["policy"] = policy
        part["summary"] = summary
        part["k"] = pd.array(np.tile(kvals, g) if summary != "measure" else [pd.NA] * g * size,
                             dtype="Int64")
        part["measure"] = pd.array([pd.NA] * g * size if summary != "measure"
                                   else np.tile(np.array(names, dtype=object), g), dtype="str")
        part["label"] = np.tile(np.array(labels, dtype=object), g)
        part["n"] = n.reshape(-1)
        part["N"] = N.reshape(-1)
        part["denominator"] = np.tile(np.array(denominators, dtype=object), g)
        part["_group"] = np.repeat(np.arange(g), size)
        return part

    of = f"of {n_m}"
    if policy == "complete":
        den_at = [f"clients with all {n_m} measures at both times"] * n_m
        den_ex = [den_at[0]] * (n_m + 1)
        den_me = [den_at[0]] * n_m
    else:
        den_at = [f"clients with ≥{k} {of} measures observed" for k in ks]
        den_ex = [f"clients with ≥1 {of} measures observed"] * (n_m + 1)
        den_me = [f"clients with {name} observed" for name in names]
    table = pd.concat([
        block("at least", ks, [f"≥{k} {of}" if k < n_m else f"all {n_m}" for k in ks],
              counts["at_n"], counts["at_N"], den_at),
        block("exactly", ks0, [f"exactly {k} {of}" for k in ks0], counts["ex_n"],
              counts["ex_N"], den_ex),
        block("measure", np.arange(n_m), [str(x) for x in names], counts["me_n"],
              counts["me_N"], den_me),
    ], ignore_index=True)
    table = table.sort_values("_group", kind="stable").drop(columns="_group")
    return table.reset_index(drop=True)


def baseline_vs_norm(
    data: pd.DataFrame,
    *,
    value: str,
    instrument="swemwbs",
    sex: str | None = "sex",
    norm: float | None = None,
    by=None,
    ci: float = DEFAULT_CI,
) -> pd.DataFrame:
    """Mean baseline score against the population norm: difference with a one-sample t interval.

    ``difference = mean − norm`` with the t interval of the mean
    (:func:`scipy.stats.ttest_1samp`); the norm is treated as a known constant, so
    the interval reflects only the sample.  By default the norm is
    :func:`population_norm` standardised to the sample's sex mix (SWEMWBS: Health
    Survey for England 2010-13, men 23.7, women 23.2; Ng Fat et al. 2017).
    For SWEMWBS a second row gives the figures on the approximate WEMWBS-equivalent
    scale (metric × 2, :func:`wemwbs_equivalent`), the scale of "7 points below the
    national average"; the ``conversion`` column states it.

    Parameters
    ----------
    data : DataFrame
        One row per person (e.g. baseline questionnaires with a ``sex`` column).
    value : str
        Score column (e.g. ``swemwbs_metric``); missing values are excluded and counted.
    instrument : str or Instrument, default "swemwbs"
    sex : str or None, default "sex"
        Column used to standardise the norm; None uses the all-adults norm.
    norm : float, optional
        Your own norm (overrides the registry).
    by : str or list of str, optional
        One comparison per group (each with its own sex-standardised norm).
    ci : float, default 0.95
        Confidence level of the t intervals.

    Returns
    -------
    DataFrame
        ``[by…], scale, n, n_missing, mean, sd, norm, difference, ci_low, ci_high, t,
        p, norm_source, conversion``.

    Example
    -------
    >>> import pandas as pd
    >>> people = pd.DataFrame({"sex": ["Female"] * 3 + ["Male"],
    ...                        "swemwbs_metric": [19.25, 20.73, 17.43, 22.35]})
    >>> t = baseline_vs_norm(people, value="swemwbs_metric")
    >>> t[["scale", "mean", "norm", "difference", "ci_low", "ci_high"]].round(2)
                                 scale   mean   norm  difference  ci_low  ci_high
    0                   SWEMWBS metric  19.94  23.32       -3.38   -6.72    -0.05
    1  WEMWBS-equivalent (approximate)  39.88  46.65       -6.77  -13.45    -0.09
    """
    from scipy import stats as sps

    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame, not {type(data).__module__}."
                        f"{type(data).__name__} (one-sample t tests with scipy on pandas: "
                        "collect the baseline scores first)")
    check_ci(ci)
    inst = _resolve(instrument)
    by = _as_list(by)
    require_columns(data, [value, *by] + ([sex] if sex and norm is None else []),
                    what="baseline_vs_norm")
    values = check_numeric(data, [value])[value]
    frame = data[by + ([sex] if sex and norm is None else [])].assign(_v=values)
    groups = frame.groupby(by, observed=True, sort=True, dropna=False) if by else [((), frame)]
    rows = []
    for key, sub in groups:
        key = key if isinstance(key, tuple) else (key,)
        present = sub[sub["_v"].notna()]
        x = present["_v"].to_numpy()
        if norm is not None:
            mu, source = float(norm), "user-supplied"
        else:
            mu = population_norm(present if sex else None, inst, sex=sex)
            source = inst.norm_source or ""
            if sex and inst.norm_mean_women is not None:
                share = float((present[sex] == "Female").mean()) if len(present) else np.nan
                source += f"; standardised to the sample's sex mix ({share:.0%} women)"
        n = len(x)
        mean = x.mean() if n else np.nan
        sd = x.std(ddof=1) if n > 1 else np.nan
        lo = hi = t = p = np.nan
        if n > 1 and sd > 0:
            res = sps.ttest_1samp(x, mu)
            interval = res.confidence_interval(ci)
            lo, hi = interval.low - mu, interval.high - mu
            t, p = float(res.statistic), float(res.pvalue)
        base = dict(zip(by, key))
        row = {**base, "scale": f"{inst.name.split(' (')[0]} score" if inst.id != "swemwbs"
               else "SWEMWBS metric", "n": n, "n_missing": int(len(sub) - n), "mean": mean,
               "sd": sd, "norm": mu, "difference": mean - mu, "ci_low": lo, "ci_high": hi,
               "t": t, "p": p, "norm_source": source, "conversion": "none"}
        rows.append(row)
        if inst.id == "swemwbs":
            rows.append({**row, "scale": "WEMWBS-equivalent (approximate)", "mean": 2 * mean,
                         "sd": 2 * sd, "norm": 2 * mu, "difference": 2 * (mean - mu),
                         "ci_low": 2 * lo, "ci_high": 2 * hi,
                         "conversion": "SWEMWBS metric × 2: linear rescaling of 7-35 onto 14-70 "
                                       "(approximate, not a published equating)"})
    return pd.DataFrame(rows)


def subgroup_summary(
    data: pd.DataFrame,
    *,
    by,
    clients: pd.DataFrame | None = None,
    statistic: str = "improved_on_n",
    at_least=None,
    measures=None,
    policy: str = "complete",
    overall: bool = True,
    suppress: bool = True,
    low: int | None = None,
    high: int | None = None,
    base: int | None = None,
    id: str = "client_id",
    ci: float = DEFAULT_CI,
) -> pd.DataFrame:
    """The headline figures by practice, referral route, age band, sex, ethnicity, IMD…

    Small counts are suppressed by default (:func:`wellbeing_lib.privacy.suppress_rows`:
    counts 1–7 withheld, others rounded to the nearest 5, and every percentage, mean
    and interval of a row with a withheld count withheld too).  The proportions and
    their intervals are then those of the published (rounded) ``n`` and ``N``, so that
    they give back no unrounded count (NHS Digital: percentages from the rounded
    numerator and denominator); means are computed from the unrounded data.

    Parameters
    ----------
    data : DataFrame
        Output of :func:`change`, of any backend of :mod:`wellbeing_lib.frames` (counts,
        means and SDs are computed where the data live; the table is pandas).
    by : str or list of str
        Person-level columns (in ``data`` or in ``clients``).
    clients : DataFrame, optional
        One row per client with the ``by`` columns, merged on the id (a table of the same
        backend as ``data``).
    statistic : {"improved_on_n", "mean_change"}, default "improved_on_n"
        ``"improved_on_n"``: % improved on ≥ k measures (:func:`improved_on_n`);
        ``"mean_change"``: mean change per measure with a t interval.
    at_least : int or list of int, optional
        The k to report (default all, 1…M).
    measures : list, optional
    policy : {"complete", "observed"}
        For ``"improved_on_n"``.
    overall : bool, default True
        Add the all-clients row(s) first (``subgroup = "all"``).
    suppress : bool, default True
    low, high, base : int, optional
        Suppression settings (default NHS Digital's 1-7 and 5).
    id : str, default "client_id"
        Id column of ``data`` (and ``clients``).
    ci : float, default 0.95
        Confidence level of the intervals.

    Returns
    -------
    DataFrame
        ``subgroup`` (the grouping column), ``group`` (its value, as text), then for
        ``"improved_on_n"``: ``[definition], label, k, n, N, proportion, ci_low,
        ci_high``; for ``"mean_change"``: ``[definition], measure, n, mean_change,
        sd_change, ci_low, ci_high``.

    Example
    -------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"client_id": range(30), "measure": "w",
    ...                   "status": ["improved"] * 18 + ["no change"] * 12,
    ...                   "practice": ["A"] * 24 + ["B"] * 6})

    18 of 30 improved; as published, 20 of 30 (0.667, not 0.600: a proportion of the
    unrounded counts would give the 18 back):

    >>> subgroup_summary(t, by="practice")[["subgroup", "group", "n", "N",
    ...                                     "proportion"]].round(3)
       subgroup        group   n     N  proportion
    0       all  All clients  20    30       0.667
    1  practice            A  20    25       0.800
    2  practice            B   0  <NA>         NaN
    """
    from ..privacy import ROUND_BASE, SUPPRESS_HIGH, SUPPRESS_LOW, suppress_rows

    if statistic not in ("improved_on_n", "mean_change"):
        raise ValueError(f"statistic must be 'improved_on_n' or 'mean_change', not {statistic!r}")
    check_ci(ci)
    by = _as_list(by)
    if not by:
        raise InvalidValueError("no subgroup columns given", column="by",
                                expected="e.g. by=['practice', 'sex']")
    require_columns(data, [id], what="subgroup_summary")
    frame = _attach(data, clients, id, by)
    variables = ([None] if overall else []) + by
    parts = []
    for var in variables:
        keys = [] if var is None else [var]
        if statistic == "improved_on_n":
            table = improved_on_n(frame, policy=policy, measures=measures, by=keys or None,
                                  id=id, ci=ci)
            table = table[table["summary"] == "at least"]
            if at_least is not None:
                wanted = _as_list(at_least)
                table = table[table["k"].isin(wanted)]
            cols = ["definition"] if "definition" in table.columns else []
            table = table[[*keys, *cols, "label", "k", "n", "N", "proportion", "ci_low",
                           "ci_high"]]
        else:
            sub = _one_definition(frame)
            names = _measure_names(sub, measures)
            table = _mean_change_frame(sub, keys=[*keys, "measure"], names=names, ci=ci)
            table = table.rename(columns={"mean": "mean_change", "sd": "sd_change"})
        if var is None:
            table.insert(0, "group", "All clients")
        else:
            table = table.rename(columns={var: "group"})
            table["group"] = table["group"].astype("str")
        table.insert(0, "subgroup", "all" if var is None else var)
        parts.append(table)
    out = pd.concat(parts, ignore_index=True)
    out["group"] = out["group"].astype("str")
    if suppress:
        settings = {"low": SUPPRESS_LOW if low is None else low,
                    "high": SUPPRESS_HIGH if high is None else high,
                    "base": ROUND_BASE if base is None else base}
        if statistic == "improved_on_n":
            out = _published(out, ci, **settings)
        else:
            out = suppress_rows(out, counts=["n"],
                                derived=["mean_change", "sd_change", "ci_low", "ci_high"],
                                **settings)
    return out
