"""Outcome instruments: the registry, scoring, the SWEMWBS conversion and bands.

The instruments an evaluator meets in NHS health and wellbeing programmes are
described *as data*, one row per instrument, in ``data/instruments.csv``
(items, response range, direction, meaningful-change threshold, reliability and
norms, each with its source).  Bands (ONS4 thresholds, PAM levels, the UCLA-3
loneliness cut-off) are in ``data/instrument_bands.csv`` and the SWEMWBS
raw-to-metric table in ``data/swemwbs_raw_to_metric.csv``.

========================  =====================================================
:func:`instruments`       the registry as a DataFrame
:func:`get_instrument`    one instrument as a frozen :class:`Instrument`
:func:`define_instrument` a validated user-defined instrument
:func:`score`             totals (or validated single items) per respondent
:func:`swemwbs_metric`    SWEMWBS raw total (7-35) to metric score
:func:`wemwbs_equivalent` SWEMWBS metric x 2, an approximate WEMWBS-range score
:func:`instrument_bands`  the bands table
:func:`band`              band one set of values (ONS4, PAM, UCLA-3)
:func:`classify`          band every banded column of a DataFrame
========================  =====================================================

Values that are not settled in the literature (the WEMWBS meaningful-change
threshold, the UCLA-3 cut-off, an instrument's reliability) are defaults with
their source: override them with :meth:`Instrument.replace`, ``cutoff=`` or
``table=``.

Example
-------
>>> import pandas as pd
>>> answers = pd.DataFrame({f"swemwbs_{i}": [4, 3] for i in range(1, 8)})
>>> score(answers, "swemwbs")
   swemwbs_raw  swemwbs_metric  n_answered  prorated
0         28.0           25.03           7     False
1         21.0           19.25           7     False
"""

from __future__ import annotations

import dataclasses
import functools
import math
import numbers
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import InvalidValueError
from .io import line_numbers, read_package_table, require_columns, source_of

__all__ = [
    "Instrument",
    "instruments",
    "get_instrument",
    "define_instrument",
    "score",
    "swemwbs_metric",
    "wemwbs_equivalent",
    "population_norm",
    "instrument_bands",
    "band",
    "classify",
]

REGISTRY_FILE = "instruments.csv"
BANDS_FILE = "instrument_bands.csv"
SWEMWBS_TABLE = "swemwbs_raw_to_metric.csv"

DIRECTIONS = ("higher_better", "lower_better", "mixed")
SCORINGS = ("sum", "items")
MISSING_POLICIES = ("complete", "prorate")

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


def _finite(v) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, bool) and math.isfinite(v)


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
    return read_package_table(REGISTRY_FILE)


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
    table = read_package_table(REGISTRY_FILE)
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


# ----------------------------------------------------------------------- scoring
def _item_columns(inst: Instrument, items) -> list[str]:
    if items is None:
        return list(inst.items)
    if isinstance(items, str):
        items = [items]
    if isinstance(items, Mapping):
        unknown = [k for k in items if k not in inst.items]
        if unknown:
            raise InvalidValueError(
                f"unknown item for {inst.id}", column=unknown,
                expected="keys among " + ", ".join(inst.items),
            )
        cols = [items.get(k, k) for k in inst.items]
    else:
        cols = list(items)
        if len(cols) != inst.n_items:
            raise InvalidValueError(
                f"wrong number of item columns for {inst.id}", column=cols,
                expected=f"{inst.n_items} columns in questionnaire order",
                found=[f"{len(cols)} columns"],
            )
    if len(set(cols)) != len(cols):
        raise InvalidValueError("item column named twice", column=cols,
                                expected="distinct columns")
    return cols


def _raise_cells(data, problem, cols, mask, raw_cells, expected):
    """Raise one InvalidValueError for every offending cell in ``mask`` (n x k)."""
    rows_bad = mask.any(axis=1)
    labels = list(data.index[rows_bad])
    bad_cols = [c for c, m in zip(cols, mask.any(axis=0)) if m]
    rr, cc = np.nonzero(mask[rows_bad][:10])
    pos = np.flatnonzero(rows_bad)[:10]
    found = [f"{cols[c]}={_shown(raw_cells(pos[r], c))}" for r, c in zip(rr, cc)]
    raise InvalidValueError(
        problem,
        file=source_of(data),
        column=bad_cols if len(bad_cols) > 1 else bad_cols[0],
        rows=labels,
        line_numbers=line_numbers(data, labels),
        expected=expected,
        found=found,
    )


def _shown(value) -> str:
    if isinstance(value, np.generic):
        value = value.item()
    return repr(value) if isinstance(value, str) else f"{value}"


def _range_text(inst: Instrument) -> str:
    kind = "a whole number" if inst.integer else "a number"
    return f"{kind} between {inst.item_min:g} and {inst.item_max:g}"


def _text_to_numbers(series: pd.Series, labels: dict[str, int]):
    """Map a non-numeric column to floats; return (values, unrecognised mask)."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    mapped = np.full(len(uniques), np.nan)
    unknown = np.zeros(len(uniques), dtype=bool)
    for i, u in enumerate(uniques):
        if isinstance(u, bool | np.bool_):
            unknown[i] = True
        elif isinstance(u, int | float | np.integer | np.floating):
            mapped[i] = float(u)
        else:
            text = _normalise_text(u)
            if text == "":
                continue  # a blank cell is a missing answer
            if text in labels:
                mapped[i] = labels[text]
                continue
            try:
                mapped[i] = float(text)
            except ValueError:
                unknown[i] = True
    values = np.where(codes >= 0, mapped[np.maximum(codes, 0)], np.nan)
    bad = np.where(codes >= 0, unknown[np.maximum(codes, 0)], False)
    return values, bad


def _item_values(data: pd.DataFrame, inst: Instrument, cols: list[str]) -> np.ndarray:
    """Validated answers as an (n, k) float array (NaN = missing)."""
    n, k = len(data), len(cols)
    values = np.empty((n, k), dtype=float)
    unknown = np.zeros((n, k), dtype=bool)
    labels = inst.response_map()
    for j, col in enumerate(cols):
        s = data[col]
        if pd.api.types.is_bool_dtype(s):
            unknown[:, j] = s.notna().to_numpy()
            values[:, j] = np.nan
        elif pd.api.types.is_numeric_dtype(s):
            values[:, j] = s.to_numpy(dtype=float, na_value=np.nan)
        else:
            values[:, j], unknown[:, j] = _text_to_numbers(s, labels)

    def raw_cell(i, j):
        return data[cols[j]].iloc[i]

    if unknown.any():
        expected = _range_text(inst)
        if inst.response_labels:
            expected += " or one of: " + ", ".join(inst.response_labels)
        problem = "unrecognised answer" if inst.response_labels else "non-numeric value"
        _raise_cells(data, problem, cols, unknown, raw_cell, expected)
    present = ~np.isnan(values)
    if inst.integer:
        frac = present & (values % 1 != 0)
        if frac.any():
            _raise_cells(data, "not a whole number", cols, frac, raw_cell, _range_text(inst))
    with np.errstate(invalid="ignore"):
        out = present & ((values < inst.item_min) | (values > inst.item_max))
    if out.any():
        _raise_cells(data, "answer out of range", cols, out, raw_cell, _range_text(inst))
    return values


def score(
    data: pd.DataFrame,
    instrument,
    items=None,
    missing: str = "complete",
    max_missing: int = 1,
) -> pd.DataFrame:
    """Score an instrument for every respondent (one row per row of ``data``).

    For ``scoring="sum"`` instruments (WEMWBS, SWEMWBS, UCLA-3) the total is
    ``<id>_raw = Σ items``; for SWEMWBS ``swemwbs_metric`` is added from the
    published conversion table (:func:`swemwbs_metric`).  For ``scoring="items"``
    instruments (ONS4, MYCaW, PAM score, ``social_inclusion``) each item is
    validated and returned under its canonical name.

    Parameters
    ----------
    data : DataFrame
        One row per respondent (and time point); not modified.
    instrument : str or Instrument
        Registry id (``"swemwbs"``, ``"ucla3"``…) or a :func:`define_instrument`.
    items : list of str or dict, optional
        The item columns in questionnaire order, or ``{default_name: column}``
        for the ones named differently.  Default: the instrument's names
        (``swemwbs_1`` … ``swemwbs_7``, ``ucla_1`` … ``ucla_3``, ``pam_score``…).
    missing : {"complete", "prorate"}, default "complete"
        No official prorating rule has been published for these scales, so by
        default any missing item makes the total missing.  ``"prorate"`` allows
        up to ``max_missing`` missing items and scales the mean of the answered
        items: ``total = mean(answered) × n_items``.
    max_missing : int, default 1
        Used with ``missing="prorate"``.  ``missing`` and ``max_missing`` apply
        to summed instruments only: items scored separately are simply
        present or missing.

    Returns
    -------
    DataFrame
        Indexed like ``data``: ``<id>_raw`` (float; NaN when not scoreable),
        ``<id>_metric`` (SWEMWBS), ``n_answered`` and ``prorated`` for summed
        instruments; the item columns and ``n_answered`` otherwise.

    Raises
    ------
    MissingColumnError
        If an item column is absent.
    InvalidValueError
        For text that is not a response label, non-whole or out-of-range
        answers — naming the columns, rows (and file lines) and the values.

    Notes
    -----
    Text answers (e.g. ``"Some of the time"``) are mapped with the
    instrument's response labels, ignoring case and extra spaces; numbers
    stored as text are read as numbers and blank text is a missing answer.
    A prorated SWEMWBS total is generally not a whole number: its metric score
    is looked up after rounding the raw total half up (24.5 → 25), while
    ``swemwbs_raw`` keeps the unrounded value.

    Example
    -------
    >>> import numpy as np, pandas as pd
    >>> df = pd.DataFrame({"ucla_1": [1, 3, "Often"], "ucla_2": [2, 3, np.nan],
    ...                    "ucla_3": [1, "some of the time", 3]}, index=["a", "b", "c"])
    >>> score(df, "ucla3")
       ucla3_raw  n_answered  prorated
    a        4.0           3     False
    b        8.0           3     False
    c        NaN           2     False
    >>> score(df, "ucla3", missing="prorate").loc["c", "ucla3_raw"]
    np.float64(9.0)
    """
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame, not {type(data).__name__}")
    inst = _resolve(instrument)
    if missing not in MISSING_POLICIES:
        raise ValueError(f"missing must be one of {MISSING_POLICIES}, not {missing!r}")
    cols = _item_columns(inst, items)
    require_columns(data, cols, what=f"{inst.id} items")
    values = _item_values(data, inst, cols)
    k = len(cols)
    n_answered = (~np.isnan(values)).sum(axis=1)
    out: dict[str, np.ndarray] = {}
    if inst.scoring == "items":
        for j, name in enumerate(inst.items):
            out[name] = values[:, j]
        out["n_answered"] = n_answered
        return pd.DataFrame(out, index=data.index)

    if missing == "complete":
        total = values.sum(axis=1)  # NaN whenever any item is missing
        prorated = np.zeros(len(data), dtype=bool)
    else:
        if (
            not isinstance(max_missing, int | np.integer)
            or isinstance(max_missing, bool)
            or not 0 <= max_missing < k
        ):
            raise ValueError(f"max_missing must be a whole number from 0 to {k - 1} for "
                             f"{inst.id}, not {max_missing!r}")
        ok = (k - n_answered) <= max_missing
        sums = np.nansum(values, axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            total = np.where(ok, sums / n_answered * k, np.nan)
        prorated = ok & (n_answered < k)
    out[f"{inst.id}_raw"] = total
    if inst.conversion is not None:
        rounding = "half_up" if missing == "prorate" else None
        out[f"{inst.id}_metric"] = _convert(total, inst.conversion, rounding)
    out["n_answered"] = n_answered
    out["prorated"] = prorated
    return pd.DataFrame(out, index=data.index)


# ------------------------------------------------------------- SWEMWBS conversion
@functools.cache
def _conversion_table(name: str) -> tuple[int, int, np.ndarray]:
    table = read_package_table(name).sort_values("raw")
    raw = table["raw"].to_numpy()
    lo, hi = int(raw[0]), int(raw[-1])
    if not np.array_equal(raw, np.arange(lo, hi + 1)):
        raise InvalidValueError("conversion table must list every raw total once", file=name,
                                column="raw", expected=f"{lo}..{hi}")
    return lo, hi, table["metric"].to_numpy(dtype=float)


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


def _convert(raw: np.ndarray, table_name: str, rounding: str | None,
             index=None, what: str = "raw") -> np.ndarray:
    lo, hi, metric = _conversion_table(table_name)
    raw = np.asarray(raw, dtype=float)
    present = ~np.isnan(raw)
    if rounding == "half_up":
        raw = np.floor(np.round(raw, 9) + 0.5)
    elif rounding is not None:
        raise ValueError(f"rounding must be None or 'half_up', not {rounding!r}")
    index = pd.RangeIndex(len(raw)) if index is None else index
    frac = present & (raw % 1 != 0)
    if frac.any():
        raise InvalidValueError(
            "raw total is not a whole number", column=what, rows=list(index[frac]),
            expected=f"a whole number between {lo} and {hi} (or rounding='half_up')",
            found=list(raw[frac]),
        )
    out_of_range = present & ((raw < lo) | (raw > hi))
    if out_of_range.any():
        raise InvalidValueError(
            "raw total out of range", column=what, rows=list(index[out_of_range]),
            expected=f"a whole number between {lo} and {hi}", found=list(raw[out_of_range]),
        )
    result = np.full(raw.shape, np.nan)
    result[present] = metric[raw[present].astype(np.int64) - lo]
    return result


def swemwbs_metric(raw, *, rounding: str | None = None):
    """Convert SWEMWBS raw totals (7-35) to metric scores with the published table.

    The conversion is an exact lookup in ``data/swemwbs_raw_to_metric.csv``
    (Rasch transformation; Stewart-Brown et al. 2009, Health Qual Life
    Outcomes 7:15), e.g. raw 7 → 7.00, 21 → 19.25, 35 → 35.00.

    Parameters
    ----------
    raw : number, array-like or Series
        Raw totals; NaN stays NaN.
    rounding : {None, "half_up"}, default None
        ``None`` refuses a raw total that is not a whole number (for example a
        prorated total); ``"half_up"`` rounds it half up first (24.5 → 25).

    Returns
    -------
    float, ndarray or Series
        Like the input (a Series keeps its index and is named ``swemwbs_metric``).

    Raises
    ------
    InvalidValueError
        For non-numeric, non-whole (without ``rounding``) or out-of-range totals.

    Example
    -------
    >>> swemwbs_metric(21)
    19.25
    >>> swemwbs_metric([7, 24.5, 35], rounding="half_up")
    array([ 7.  , 22.35, 35.  ])
    """
    arr, index, wrap = _as_array(raw, "raw")
    name = getattr(raw, "name", None) or "raw"
    return wrap(_convert(arr, SWEMWBS_TABLE, rounding, index=index, what=name),
                "swemwbs_metric")


def wemwbs_equivalent(swemwbs_metric):
    """Put SWEMWBS metric scores on the 14-70 WEMWBS range: ``metric × 2``.

    This is a linear rescaling of the 7-35 SWEMWBS range onto the 14-70 WEMWBS
    range (both ends map exactly).  It is an **approximation** for rough
    comparison with WEMWBS figures, not a published equating of the two scales:
    report SWEMWBS metric scores as the result and label any doubled value as
    "approximate WEMWBS-equivalent".

    Parameters
    ----------
    swemwbs_metric : number, array-like or Series
        Metric scores between 7 and 35.

    Example
    -------
    >>> wemwbs_equivalent(22.35)
    44.7
    """
    arr, index, wrap = _as_array(swemwbs_metric, "swemwbs_metric")
    present = ~np.isnan(arr)
    bad = present & ((arr < 7) | (arr > 35))
    if bad.any():
        raise InvalidValueError(
            "SWEMWBS metric score out of range", column="swemwbs_metric",
            rows=list(index[bad]), expected="a number between 7 and 35", found=list(arr[bad]),
        )
    return wrap(arr * 2, "wemwbs_equivalent")


def population_norm(data=None, instrument="swemwbs", *, sex: str | None = "sex",
                    female: str = "Female", male: str = "Male") -> float:
    """Population norm mean to compare a sample with, standardised to the sample's sex mix.

    Where the instrument's registry entry has sex-specific norms (SWEMWBS: HSE 2010-13,
    men 23.7, women 23.2; Ng Fat et al. 2017) and ``data`` is given, the norm is the
    mean the population would have with the sample's mix of women and men:

    .. math:: \\bar x_{norm} = p_{women} \\cdot \\mu_{women} + (1 - p_{women}) \\cdot \\mu_{men}

    Otherwise the all-adults ``norm_mean`` is returned.  Rows whose ``sex`` is neither
    ``female`` nor ``male`` raise an error (the norms exist only for those two groups):
    filter them out explicitly, and say so in the report.

    Parameters
    ----------
    data : DataFrame, optional
        The sample (one row per person).
    instrument : str or Instrument
    sex : str or None
        Column holding sex; None to use the all-adults norm.
    female, male : str
        The values of ``sex`` for women and men.

    Returns
    -------
    float

    Example
    -------
    >>> import pandas as pd
    >>> people = pd.DataFrame({"sex": ["Female", "Female", "Female", "Male"]})
    >>> round(population_norm(people, "swemwbs"), 3)   # 0.75 x 23.2 + 0.25 x 23.7
    23.325
    """
    inst = _resolve(instrument)
    has_sex_norms = inst.norm_mean_men is not None and inst.norm_mean_women is not None
    if data is not None and sex is not None and has_sex_norms:
        from .io import check_allowed

        check_allowed(data, sex, [female, male], allow_missing=False)
        share_women = float((data[sex] == female).mean())
        return share_women * inst.norm_mean_women + (1 - share_women) * inst.norm_mean_men
    if inst.norm_mean is None:
        raise InvalidValueError(
            f"no all-adults norm is bundled for {inst.id}", column="norm_mean",
            expected="data with a sex column (sex-specific norms are bundled)"
            if has_sex_norms else "a norm: use get_instrument(...).replace(norm_mean=...)",
        )
    return float(inst.norm_mean)


# ------------------------------------------------------------------------- bands
def instrument_bands(instrument=None) -> pd.DataFrame:
    """The bands table (ONS4 thresholds, PAM levels, UCLA-3 cut-off).

    Columns: ``instrument``, ``applies_to`` (an item such as ``"anxiety"`` or
    ``"pam_score"``, or ``"total"`` for a summed score), ``order``, ``band``,
    ``lower`` and ``upper`` (published inclusive limits), ``source``, ``year``.

    Example
    -------
    >>> instrument_bands("pam")[["band", "lower", "upper"]]
          band  lower  upper
    0  level 1    0.0   47.0
    1  level 2   47.1   55.1
    2  level 3   55.2   67.0
    3  level 4   67.1  100.0
    """
    table = read_package_table(BANDS_FILE)
    if instrument is not None:
        inst = _resolve(instrument)
        table = table[table["instrument"] == inst.id].reset_index(drop=True)
    return table


def _band_set(inst: Instrument, item: str | None, table) -> tuple[str, pd.DataFrame]:
    if table is not None:
        if not isinstance(table, pd.DataFrame):
            raise TypeError("table must be a DataFrame with columns band and lower")
        require_columns(table, ["band", "lower"], what="bands table")
        if item is None:
            if inst.scoring == "sum":
                item = "total"
            elif inst.n_items == 1:
                item = inst.items[0]
            else:
                raise InvalidValueError(f"{inst.id} has several items; choose one",
                                        column="item", expected="one of " + ", ".join(inst.items))
        sub = table
        if "applies_to" in table.columns:
            sub = table[table["applies_to"] == item]
        return item, sub.sort_values("lower").reset_index(drop=True)
    bands = instrument_bands(inst)
    if bands.empty:
        raise InvalidValueError(f"no bands are defined for {inst.id}", column="instrument",
                                expected="ons4, pam or ucla3, or pass table=")
    targets = list(dict.fromkeys(bands["applies_to"]))
    if item is None:
        if len(targets) > 1:
            raise InvalidValueError(f"{inst.id} has bands for several items; choose one",
                                    column="item", expected="one of " + ", ".join(targets))
        item = targets[0]
    if item not in targets:
        raise InvalidValueError(f"no bands for this item of {inst.id}", column="item",
                                expected="one of " + ", ".join(targets), found=[item])
    sub = bands[bands["applies_to"] == item].sort_values("order").reset_index(drop=True)
    return item, sub


def _value_range(inst: Instrument, item: str) -> tuple[float, float]:
    if item == "total" and inst.scoring == "sum":
        return inst.score_min, inst.score_max
    return inst.item_min, inst.item_max


def _output_name(inst: Instrument, item: str) -> str:
    return f"{inst.id}_band" if item == "total" else f"{item}_band"


def band(values, instrument, *, item: str | None = None, cutoff: float | None = None,
         table: pd.DataFrame | None = None) -> pd.Series:
    """Assign each value to a band of ``instrument`` (ONS4, PAM level, UCLA-3 loneliness).

    A value belongs to the band with the greatest published lower limit not
    above it, so published edges reproduce exactly — PAM 47.0 is level 1 and
    47.1 level 2; ONS life satisfaction 4 is low and 5 medium; anxiety 1 is
    very low and 2 low — and a value between published limits (a prorated
    UCLA total of 5.5, a PAM score of 47.05) falls in the lower band.

    Parameters
    ----------
    values : array-like or Series
        Scores on the instrument's scale; NaN stays missing.
    instrument : str or Instrument
    item : str, optional
        Which banded item (ONS4: ``"life_satisfaction"``, ``"worthwhile"``,
        ``"happiness"``, ``"anxiety"``); not needed when there is one band set.
    cutoff : float, optional
        For two-band sets (UCLA-3): the lowest score of the upper band
        (default 6, i.e. "lonely" at a total of 6 or more).
    table : DataFrame, optional
        Your own bands (columns ``band`` and ``lower``), e.g. other PAM limits.

    Returns
    -------
    Series
        Ordered categorical of band labels, indexed like ``values``.

    Raises
    ------
    InvalidValueError
        For non-numeric values or values outside the instrument's range.

    Example
    -------
    >>> band([47.0, 47.1, 67.1], "pam").tolist()
    ['level 1', 'level 2', 'level 4']
    >>> band([5, 6], "ucla3").tolist(), band([5, 6], "ucla3", cutoff=7).tolist()
    (['not lonely', 'lonely'], ['not lonely', 'not lonely'])
    """
    inst = _resolve(instrument)
    item, bands = _band_set(inst, item, table)
    lowers = bands["lower"].to_numpy(dtype=float)
    labels = [str(b) for b in bands["band"]]
    lo, hi = _value_range(inst, item)
    if cutoff is not None:
        if len(lowers) != 2:
            raise ValueError(f"cutoff= needs a two-band set; {inst.id} has {len(lowers)} bands "
                             "(pass table= instead)")
        if not (_finite(cutoff) and lo < cutoff <= hi):
            raise InvalidValueError("cutoff outside the score range", column="cutoff",
                                    expected=f"a number above {lo:g} and at most {hi:g}",
                                    found=[cutoff])
        lowers = np.array([lowers[0], float(cutoff)])
    if np.any(np.diff(lowers) <= 0):
        raise InvalidValueError("band lower limits must increase", column="lower",
                                expected="increasing limits", found=list(lowers))
    arr, index, _ = _as_array(values, item)
    present = ~np.isnan(arr)
    out_of_range = present & ((arr < lo) | (arr > hi))
    if out_of_range.any():
        raise InvalidValueError(
            f"{inst.id} value out of range", column=getattr(values, "name", None) or item,
            rows=list(index[out_of_range]), expected=f"a number between {lo:g} and {hi:g}",
            found=list(arr[out_of_range]),
        )
    codes = np.searchsorted(lowers, arr, side="right") - 1
    below = present & (codes < 0)
    if below.any():
        raise InvalidValueError(
            "value below the lowest band", column=getattr(values, "name", None) or item,
            rows=list(index[below]), expected=f"at least {lowers[0]:g}", found=list(arr[below]),
        )
    codes = np.where(present, codes, -1)
    cat = pd.Categorical.from_codes(codes, categories=labels, ordered=True)
    return pd.Series(cat, index=index, name=_output_name(inst, item))


def classify(data, instrument, *, columns=None, cutoff: float | None = None,
             table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Band every banded score of ``instrument`` found in ``data``.

    ONS4 gives ``life_satisfaction_band``, ``worthwhile_band``,
    ``happiness_band`` and ``anxiety_band``; PAM gives ``pam_score_band``
    (``"level 1"`` … ``"level 4"``); UCLA-3 gives ``ucla3_band`` (``"lonely"``
    at a total ≥ ``cutoff``, default 6) from the ``ucla3_raw`` column that
    :func:`score` returns.  See :func:`band` for the rule at the edges.

    Parameters
    ----------
    data : DataFrame or Series
        Raw answers (ONS4, PAM) or :func:`score` output (UCLA-3 totals).
    instrument : str or Instrument
    columns : str or dict, optional
        The column holding the values when it is not the default name, as
        ``{"anxiety": "q4"}`` (``"total"`` for a summed score), or one name.
    cutoff, table
        Passed to :func:`band`.

    Returns
    -------
    DataFrame
        Indexed like ``data``, one ordered categorical column per band set.

    Example
    -------
    >>> import pandas as pd
    >>> ons = pd.DataFrame({"life_satisfaction": [4, 9], "worthwhile": [7, 6],
    ...                     "happiness": [5, 10], "anxiety": [1, 6]})
    >>> classify(ons, "ons4")
      life_satisfaction_band worthwhile_band happiness_band anxiety_band
    0                    low            high         medium     very low
    1              very high          medium      very high         high
    """
    inst = _resolve(instrument)
    if isinstance(data, pd.Series):
        item = columns if isinstance(columns, str) else None
        return band(data, inst, item=item, cutoff=cutoff, table=table).to_frame()
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a DataFrame or Series, not {type(data).__name__}")
    if table is not None:
        targets = list(dict.fromkeys(table["applies_to"])) if "applies_to" in table else [
            "total" if inst.scoring == "sum" else inst.items[0]
        ]
    else:
        targets = list(dict.fromkeys(instrument_bands(inst)["applies_to"]))
        if not targets:
            _band_set(inst, None, None)  # raises "no bands are defined"
    mapping = {t: (inst.total_column if t == "total" else t) for t in targets}
    if isinstance(columns, str):
        if len(targets) != 1:
            raise ValueError(f"{inst.id} has several band sets; pass columns as a dict")
        mapping[targets[0]] = columns
    elif isinstance(columns, Mapping):
        mapping.update(columns)
    require_columns(data, list(mapping.values()), what=f"{inst.id} bands")
    out = {}
    for target, col in mapping.items():
        s = band(data[col], inst, item=target, cutoff=cutoff, table=table)
        out[s.name] = s
    return pd.DataFrame(out, index=data.index)
