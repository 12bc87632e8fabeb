"""Private helpers shared by the outcomes modules: numbers, lists, overrides, change tables."""

from __future__ import annotations

import math
import numbers
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import narwhals as nw
import numpy as np
import pandas as pd

from ..errors import InvalidValueError, UnmatchedRecordsError
from ..frames import as_frame, is_lazy
from ..validation import check_unique, require_columns


def _finite(v) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, bool) and math.isfinite(v)


def _as_array(values, what: str):
    """Float array of ``values`` plus a function wrapping results like the input."""
    if isinstance(values, pd.Series):
        index = values.index
        num = pd.to_numeric(values, errors="coerce")
        bad = num.isna() & values.notna()
        if bad.any():
            raise InvalidValueError("non-numeric value", column=values.name or what,
                                    rows=list(index[bad]), expected="a number",
                                    found=list(values[bad]))
        return num.to_numpy(dtype=float), index, lambda a, name: pd.Series(a, index=index,
                                                                          name=name)
    scalar = np.ndim(values) == 0
    try:
        arr = np.atleast_1d(np.asarray(values, dtype=float))
    except (TypeError, ValueError):
        found = list(np.atleast_1d(np.asarray(values, dtype=object)))
        raise InvalidValueError("non-numeric value", column=what, expected="numbers",
                                found=found) from None
    index = pd.RangeIndex(len(arr))
    if scalar:
        return arr, index, lambda a, name: float(a[0])
    return arr, index, lambda a, name: a


def _as_list(value) -> list:
    if value is None:
        return []
    if isinstance(value, str) or not isinstance(value, Sequence | np.ndarray | pd.Index):
        return [value]
    return list(value)


def _unknown_keys(overrides, measures, what: str) -> None:
    if isinstance(overrides, Mapping):
        names = set(measures) if isinstance(measures, Mapping) else set(measures)
        unknown = [k for k in overrides if k not in names]
        if unknown:
            raise InvalidValueError(f"{what} names unknown measures", column=what,
                                    expected="measure names among " + ", ".join(map(str, names)),
                                    found=unknown)


def _override(value, name: str):
    """(value, source) from a per-call override (a number, a (number, source) pair, or a dict)."""
    if isinstance(value, Mapping):
        value = value.get(name)
    if value is None or isinstance(value, str):
        return value, None
    if isinstance(value, tuple | list) and len(value) == 2:
        return value[0], str(value[1])
    return value, "user-supplied"


def _attach(data, clients, id: str, needed: Sequence[str]):
    """``data`` with the person-level columns it lacks joined from ``clients`` on ``id``
    (where the data live: ``clients`` must be of the same backend)."""
    frame = as_frame(data)
    lacking = [c for c in needed if c not in frame.collect_schema().names()]
    if not lacking:
        return data
    if clients is None:
        require_columns(data, needed)
    require_columns(clients, [id, *lacking], what="clients table")
    check_unique(clients, id)
    people = as_frame(clients, what="clients")
    if frame.implementation != people.implementation or is_lazy(frame) != is_lazy(people):
        raise TypeError(f"clients must be a table of the same kind as data "
                        f"({frame.implementation}), not {type(clients).__name__}")
    unmatched = frame.select(id).unique().join(people.select(id), on=id, how="anti")
    missing_ids = unmatched.lazy().collect().get_column(id).to_list()
    if missing_ids:
        raise UnmatchedRecordsError("clients missing from the clients table", column=id,
                                    expected="every client id in the clients table",
                                    found=sorted(missing_ids, key=str))
    joined = frame.join(people.select(id, *lacking), on=id, how="left")
    return nw.maybe_reset_index(joined).to_native()


def _one_definition(data):
    """Rows of the first definition (scores and changes are the same under every one)."""
    frame = as_frame(data)
    if "definition" not in frame.collect_schema().names():
        return data
    head = frame.select("definition").head(1).lazy().collect()
    if not len(head):
        return data
    return frame.filter(nw.col("definition") == head.item()).to_native()


def _present_measures(data) -> list:
    """The measures of a change table: an ordered categorical's (Enum's) in their order; else in
    order of first appearance for an eager table, sorted for a lazy one (it has no row
    order: pass ``measures=``)."""
    frame = as_frame(data)
    if is_lazy(frame):
        found = frame.select("measure").unique().collect().get_column("measure").to_list()
        return sorted(m for m in found if m is not None)
    column = frame.get_column("measure")
    found = [m for m in column.unique(maintain_order=True).to_list() if m is not None and m == m]
    if isinstance(column.dtype, nw.Enum):  # (pandas: an ordered categorical)
        seen = set(found)
        return [m for m in column.dtype.categories if m in seen]
    return found


def _measure_names(data, measures) -> list:
    present = _present_measures(data)
    measures = present if measures is None else _as_list(measures)
    unknown = [m for m in measures if m not in present]
    if unknown:
        raise InvalidValueError("measure not in the data", column="measure", found=unknown,
                                expected="one of " + ", ".join(map(str, present)))
    return measures


@dataclass(frozen=True, eq=False)
class _ChangeLayout:
    """How a lazy change table was made (:func:`~wellbeing_lib.outcomes.change`): from
    ``table`` (one row per client: the pairs), one block of rows per criterion, each a
    tuple ``(definition, label, measure, status)``: the definition, its label as an
    expression, the measure and a function giving the status of each row as an
    expression from a function that writes a status's label (``change._status_expr``)."""

    table: object
    id: str
    keep: tuple
    criteria: tuple


#: the layouts of the lazy change tables alive, by ``id()`` (with a weak reference)
_LAYOUTS: dict = {}


def _remember_layout(result, layout: _ChangeLayout) -> None:
    """Note how the lazy change table ``result`` was made, for as long as it lives (a lazy
    table is a plan, never changed in place: the same object gives the same rows)."""
    try:
        ref = weakref.ref(result)
    except TypeError:  # pragma: no cover - every lazy table of the backends can be
        return
    key = id(result)
    _LAYOUTS[key] = (ref, layout)
    weakref.finalize(result, _LAYOUTS.pop, key, None)


def _layout_of(data) -> _ChangeLayout | None:
    """The layout of a change table noted by :func:`_remember_layout`, or None."""
    entry = _LAYOUTS.get(id(data))
    if entry is None or entry[0]() is not data:
        return None
    return entry[1]
