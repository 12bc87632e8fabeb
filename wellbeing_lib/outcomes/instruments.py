"""The instrument registry: what each outcome instrument is, described as data.

The instruments an evaluator meets in NHS health and wellbeing programmes are described
*as data*, one row per instrument, in ``data/instruments.csv`` (items, response range,
direction, meaningful-change threshold, reliability and norms, each with its source).
:func:`get_instrument` gives one as a frozen :class:`Instrument`; :func:`define_instrument`
describes a local one so that scoring, change and norms can use it.

Example
-------
>>> get_instrument("swemwbs").mid
2.87
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import InvalidValueError
from ..io import load_reference_table
from ._common import _finite

__all__ = [
    "Instrument",
    "instruments",
    "get_instrument",
    "define_instrument",
    "ALIASES",
    "DIRECTIONS",
    "SCORINGS",
    "REGISTRY_FILE",
]

#: the package table of instruments
REGISTRY_FILE = "instruments.csv"

#: meanings of a higher score
DIRECTIONS = ("higher_better", "lower_better", "mixed")
#: how an instrument is scored: a total of the items, or each item on its own
SCORINGS = ("sum", "items")

_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


# ------------------------------------------------------------------ the instrument
@dataclass(frozen=True)
class Instrument:
    """One outcome instrument (a row of ``data/instruments.csv``).

    Attributes
    ----------
    id : str
        Short identifier, used to name output columns (``"swemwbs"``).
    name : str
        Full name.
    items : tuple of str
        Default column names of the items, in questionnaire order.
    item_min, item_max : float
        Range of each answer.
    direction : {"higher_better", "lower_better", "mixed"}
        Meaning of a higher score (``"mixed"``: see ``item_directions``).
    scoring : {"sum", "items"}
        ``"sum"``: a total of the items (``<id>_raw``); ``"items"``: each item
        is a score in its own right (ONS4, MYCaW, PAM score, single items).
    integer : bool
        Whether answers must be whole numbers.
    item_labels, item_directions, response_labels : tuple of str
        Short item wording, per-item direction (when ``direction="mixed"``) and
        the text of each response option from ``item_min`` upwards.
    conversion : str or None
        Package table converting the raw total (SWEMWBS only).
    mid, mid_source : float, str
        Meaningful-change threshold in score points, and where it comes from.
    reliability, reliability_type, reliability_source : float, str, str
        Default reliability (e.g. Cronbach's alpha) for reliable-change indices.
    retest_reliability, retest_reliability_source : float, str
        Test-retest reliability, used for regression-to-the-mean estimates.
    norm_mean, norm_sd, norm_mean_men, norm_mean_women, norm_source
        Population norms and their source (None where not bundled).
    notes, source, year
        Caveats; the instrument's reference and its year.

    Use :meth:`replace` to override a default, e.g.
    ``get_instrument("wemwbs").replace(mid=8, mid_source="2.77 x SEM")``.
    """

    id: str
    name: str
    items: tuple[str, ...]
    item_min: float
    item_max: float
    direction: str
    scoring: str = "sum"
    integer: bool = True
    item_labels: tuple[str, ...] = ()
    item_directions: tuple[str, ...] = ()
    response_labels: tuple[str, ...] = ()
    conversion: str | None = None
    mid: float | None = None
    mid_source: str | None = None
    reliability: float | None = None
    reliability_type: str | None = None
    reliability_source: str | None = None
    retest_reliability: float | None = None
    retest_reliability_source: str | None = None
    norm_mean: float | None = None
    norm_sd: float | None = None
    norm_mean_men: float | None = None
    norm_mean_women: float | None = None
    norm_source: str | None = None
    notes: str | None = None
    source: str | None = None
    year: int | None = None

    @property
    def n_items(self) -> int:
        """Number of item columns scored."""
        return len(self.items)

    @property
    def score_min(self) -> float:
        """Lowest possible score (total for ``"sum"``, item for ``"items"``)."""
        return self.item_min * (self.n_items if self.scoring == "sum" else 1)

    @property
    def score_max(self) -> float:
        """Highest possible score (total for ``"sum"``, item for ``"items"``)."""
        return self.item_max * (self.n_items if self.scoring == "sum" else 1)

    @property
    def total_column(self) -> str | None:
        """Name of the total column :func:`score` returns (``"<id>_raw"``), if any."""
        return f"{self.id}_raw" if self.scoring == "sum" else None

    def response_map(self) -> dict[str, int]:
        """Response text (normalised: trimmed, single spaces, case-folded) → value.

        Example
        -------
        >>> get_instrument("ucla3").response_map()
        {'hardly ever or never': 1, 'some of the time': 2, 'often': 3}
        """
        start = int(self.item_min)
        return {_normalise_text(lab): start + i for i, lab in enumerate(self.response_labels)}

    def replace(self, **changes) -> Instrument:
        """A copy with some fields changed, validated again.

        Example
        -------
        >>> get_instrument("wemwbs").replace(mid=8).mid
        8
        """
        new = dataclasses.replace(self, **changes)
        _validate(new)
        return new


def _normalise_text(value: str) -> str:
    return " ".join(str(value).split()).casefold()


def _problem(problem: str, field: str, expected: str, found, file: str | None = None):
    return InvalidValueError(problem, file=file, column=field, expected=expected, found=[found])


def _validate(inst: Instrument, file: str | None = None) -> None:
    """Raise InvalidValueError naming the first field of ``inst`` that is not valid."""

    def fail(problem, field, expected):
        raise _problem(f"{problem} (instrument '{inst.id}')", field, expected,
                       getattr(inst, field), file)

    if not isinstance(inst.id, str) or not _NAME_RE.match(inst.id):
        fail("invalid instrument id", "id", "letters, digits and _ starting with a letter")
    if not inst.items or len(set(inst.items)) != len(inst.items):
        fail("item columns missing or repeated", "items", "one or more distinct column names")
    if not all(isinstance(c, str) and c for c in inst.items):
        fail("item column names must be text", "items", "non-empty strings")
    for fld in ("item_min", "item_max"):
        v = getattr(inst, fld)
        if not _finite(v):
            fail("item range must be numbers", fld, "a finite number")
    if inst.item_min >= inst.item_max:
        fail("item_min must be below item_max", "item_max", f"a number above {inst.item_min}")
    if inst.direction not in DIRECTIONS:
        fail("unknown direction", "direction", "one of " + ", ".join(DIRECTIONS))
    if inst.scoring not in SCORINGS:
        fail("unknown scoring", "scoring", "one of " + ", ".join(SCORINGS))
    if inst.item_labels and len(inst.item_labels) != inst.n_items:
        fail("wrong number of item labels", "item_labels", f"{inst.n_items} labels")
    if inst.direction == "mixed":
        if len(inst.item_directions) != inst.n_items:
            fail("mixed direction needs one direction per item", "item_directions",
                 f"{inst.n_items} of higher_better/lower_better")
    if inst.item_directions:
        if len(inst.item_directions) != inst.n_items or not set(inst.item_directions) <= {
            "higher_better", "lower_better"
        }:
            fail("invalid item directions", "item_directions",
                 f"{inst.n_items} of higher_better/lower_better")
    if inst.response_labels:
        n_options = inst.item_max - inst.item_min + 1
        if not inst.integer or len(inst.response_labels) != n_options:
            fail("response labels must name every whole-number answer", "response_labels",
                 f"{n_options:g} labels for {inst.item_min:g}..{inst.item_max:g}")
        if len({_normalise_text(x) for x in inst.response_labels}) != len(inst.response_labels):
            fail("response labels repeat", "response_labels", "distinct labels")
    if inst.conversion is not None and inst.scoring != "sum":
        fail("a conversion table needs a summed total", "conversion", "scoring='sum'")
    if inst.mid is not None and not (_finite(inst.mid) and inst.mid > 0):
        fail("meaningful-change threshold must be positive", "mid", "a number above 0")
    for fld in ("reliability", "retest_reliability"):
        v = getattr(inst, fld)
        if v is not None and not (_finite(v) and 0 < v < 1):
            fail("reliability must be between 0 and 1", fld, "a number between 0 and 1")
    if inst.norm_sd is not None and not (_finite(inst.norm_sd) and inst.norm_sd > 0):
        fail("norm SD must be positive", "norm_sd", "a number above 0")
    for fld in ("norm_mean", "norm_mean_men", "norm_mean_women"):
        v = getattr(inst, fld)
        if v is not None and not (_finite(v) and inst.score_min <= v <= inst.score_max):
            fail("norm mean outside the score range", fld,
                 f"a number between {inst.score_min:g} and {inst.score_max:g}")
    if not inst.source or not str(inst.source).strip():
        fail("every instrument needs a source", "source", "a reference or description")


# ---------------------------------------------------------------------- registry
def instruments() -> pd.DataFrame:
    """The bundled instrument registry, one row per instrument.

    Columns include ``instrument`` (id), ``name``, ``scoring``, ``n_items``,
    ``item_min``, ``item_max``, ``direction``, ``item_columns`` (``|``-separated
    default column names), ``response_labels``, ``mid`` and ``mid_source``,
    ``reliability`` (with type and source), ``retest_reliability``, norms with
    ``norm_source``, ``notes``, ``source`` and ``year``.

    Example
    -------
    >>> reg = instruments()
    >>> reg[["instrument", "n_items", "item_min", "item_max", "mid"]].head(3)
      instrument  n_items  item_min  item_max   mid
    0     wemwbs       14         1         5  3.00
    1    swemwbs        7         1         5  2.87
    2       ons4        4         0        10   NaN
    """
    return load_reference_table(REGISTRY_FILE)


def _split(value) -> tuple[str, ...]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ()
    return tuple(part.strip() for part in str(value).split("|"))


def _opt(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    return value


@functools.lru_cache(maxsize=1)
def _registry() -> dict[str, Instrument]:
    table = load_reference_table(REGISTRY_FILE)
    out: dict[str, Instrument] = {}
    for rec in table.to_dict("records"):
        inst = Instrument(
            id=rec["instrument"],
            name=rec["name"],
            items=_split(rec["item_columns"]),
            item_min=_opt(rec["item_min"]),
            item_max=_opt(rec["item_max"]),
            direction=rec["direction"],
            scoring=rec["scoring"],
            integer=bool(rec["integer"]),
            item_labels=_split(rec["item_labels"]),
            item_directions=_split(rec["item_directions"]),
            response_labels=_split(rec["response_labels"]),
            conversion=_opt(rec["conversion"]),
            mid=_opt(rec["mid"]),
            mid_source=_opt(rec["mid_source"]),
            reliability=_opt(rec["reliability"]),
            reliability_type=_opt(rec["reliability_type"]),
            reliability_source=_opt(rec["reliability_source"]),
            retest_reliability=_opt(rec["retest_reliability"]),
            retest_reliability_source=_opt(rec["retest_reliability_source"]),
            norm_mean=_opt(rec["norm_mean"]),
            norm_sd=_opt(rec["norm_sd"]),
            norm_mean_men=_opt(rec["norm_mean_men"]),
            norm_mean_women=_opt(rec["norm_mean_women"]),
            norm_source=_opt(rec["norm_source"]),
            notes=_opt(rec["notes"]),
            source=_opt(rec["source"]),
            year=_opt(rec["year"]),
        )
        _validate(inst, file=REGISTRY_FILE)
        if len(inst.items) != rec["n_items"]:
            raise _problem(f"n_items does not match item_columns (instrument '{inst.id}')",
                           "n_items", f"{len(inst.items)}", rec["n_items"], REGISTRY_FILE)
        out[inst.id] = inst
    return out


#: other names accepted by :func:`get_instrument` (after normalising)
ALIASES = {"ucla": "ucla3", "ons": "ons4", "pam13": "pam"}


def _key(name: str) -> str:
    key = re.sub(r"[\s_\-]", "", str(name)).casefold()
    return ALIASES.get(key, key)


def get_instrument(name: str) -> Instrument:
    """One bundled instrument by id (case, spaces, ``-`` and ``_`` ignored).

    ``"ucla"`` and ``"ons"`` are accepted for ``"ucla3"`` and ``"ons4"``.

    Raises
    ------
    InvalidValueError
        For an unknown instrument, listing the known ones.

    Example
    -------
    >>> ucla = get_instrument("UCLA-3")
    >>> ucla.id, ucla.items, ucla.score_min, ucla.score_max
    ('ucla3', ('ucla_1', 'ucla_2', 'ucla_3'), 3, 9)
    """
    reg = _registry()
    lookup = {_key(k): v for k, v in reg.items()}
    try:
        return lookup[_key(name)]
    except KeyError:
        raise InvalidValueError(
            "unknown instrument", expected="one of " + ", ".join(reg), found=[name]
        ) from None


def _resolve(instrument) -> Instrument:
    if isinstance(instrument, Instrument):
        return instrument
    return get_instrument(instrument)


def define_instrument(
    name: str,
    items,
    item_min: float,
    item_max: float,
    direction: str,
    *,
    mid: float | None = None,
    reliability: float | None = None,
    norm_mean: float | None = None,
    norm_sd: float | None = None,
    source: str,
    year: int | None = None,
    scoring: str = "sum",
    integer: bool = True,
    response_labels: Sequence[str] | None = None,
    item_labels: Sequence[str] | None = None,
    item_directions: Sequence[str] | None = None,
    full_name: str | None = None,
    mid_source: str | None = None,
    reliability_type: str | None = None,
    reliability_source: str | None = None,
    norm_source: str | None = None,
    notes: str | None = None,
) -> Instrument:
    """Describe a local instrument so that :func:`score` and friends can use it.

    Parameters
    ----------
    name : str
        Identifier (letters, digits, ``_``); output columns are named after it.
    items : int or sequence of str
        Number of items (columns ``<name>_1`` … ``<name>_k``) or their names.
    item_min, item_max : number
        Range of each answer.
    direction : {"higher_better", "lower_better", "mixed"}
    mid, reliability, norm_mean, norm_sd : float, optional
        Meaningful-change threshold, reliability (0-1), population norm.
    source : str
        Required: where the instrument (or the local decision) comes from.
    scoring : {"sum", "items"}, default "sum"
    response_labels : sequence of str, optional
        Text of each answer from ``item_min`` upwards, for text answers.
    mid_source, reliability_type, reliability_source, norm_source : str, optional
        Default to ``"user-supplied"`` when the value is given.

    Raises
    ------
    InvalidValueError
        Naming the field that is not valid and what was expected.

    Example
    -------
    >>> coping = define_instrument("coping", 3, 0, 4, "higher_better",
    ...                            source="Local coping check, 2025")
    >>> coping.items, coping.score_max
    (('coping_1', 'coping_2', 'coping_3'), 12)
    """
    if isinstance(items, int) and not isinstance(items, bool):
        if items < 1:
            raise _problem("an instrument needs at least one item", "items", "1 or more", items)
        cols = tuple(f"{name}_{i}" for i in range(1, items + 1))
    elif isinstance(items, str):
        cols = (items,)
    else:
        cols = tuple(items)

    def given(value, label):
        return None if value is None else (label or "user-supplied")

    inst = Instrument(
        id=str(name),
        name=full_name or str(name),
        items=cols,
        item_min=item_min,
        item_max=item_max,
        direction=direction,
        scoring=scoring,
        integer=bool(integer),
        item_labels=tuple(item_labels or ()),
        item_directions=tuple(item_directions or ()),
        response_labels=tuple(response_labels or ()),
        mid=mid,
        mid_source=given(mid, mid_source),
        reliability=reliability,
        reliability_type=given(reliability, reliability_type),
        reliability_source=given(reliability, reliability_source),
        norm_mean=norm_mean,
        norm_sd=norm_sd,
        norm_source=given(norm_mean if norm_mean is not None else norm_sd, norm_source),
        notes=notes,
        source=source,
        year=year,
    )
    _validate(inst)
    return inst
