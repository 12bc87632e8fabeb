"""Outcome instruments and change: registry, scoring, pairing, change, summaries, biases.

The instruments an evaluator meets in NHS health and wellbeing programmes are
described *as data*, one row per instrument, in ``data/instruments.csv``
(items, response range, direction, meaningful-change threshold, reliability and
norms, each with its source).  Bands (ONS4 thresholds, PAM levels, the UCLA-3
loneliness cut-off) are in ``data/instrument_bands.csv`` and the SWEMWBS
raw-to-metric table in ``data/swemwbs_raw_to_metric.csv``.

The module reads top to bottom:

=================================  ============================================
**registry**
:func:`instruments`                the registry as a DataFrame
:func:`get_instrument`             one instrument as a frozen :class:`Instrument`
:func:`define_instrument`          a validated user-defined instrument
**scoring**
:func:`score`                      totals (or validated single items) per respondent
:func:`score_array`                the same on numpy arrays (the fast path)
:func:`swemwbs_metric`             SWEMWBS raw total (7-35) to metric score
:func:`wemwbs_equivalent`          SWEMWBS metric x 2, an approximate WEMWBS-range score
:func:`population_norm`            norm mean standardised to the sample's sex mix
:func:`instrument_bands`           the bands table
:func:`band`, :func:`classify`     band values (ONS4, PAM, UCLA-3)
**pairing**
:func:`pair_measurements`          baseline and follow-up from long data → :class:`Pairing`
:func:`pair_wide`                  the same checks for wide data
**change**
:func:`change_criteria`            the rule and parameters of each definition
:func:`change`                     change, improvement and status per client × measure
:func:`classify_change`            the same on numpy arrays (the fast path)
:func:`reliable_change_threshold`  Jacobson & Truax minimum reliable change
**summaries**
:func:`improved_on_n`              % improved on ≥ 1 … all M measures, Wilson CIs
:func:`paired_effects`             means, d_z, g_av with CIs, paired t and Wilcoxon
:func:`baseline_vs_norm`           baseline mean minus the population norm, t CI
:func:`subgroup_summary`           the headline by subgroup, small counts suppressed
**biases**
:func:`expected_regression`        change expected from regression to the mean
:func:`difference_in_differences`  uncontrolled vs comparison group vs DiD (statsmodels)
=================================  ============================================

A typical analysis: score the long questionnaire table, pair it, classify the
change under each definition and summarise::

    scored = measures.join(score(measures, "swemwbs")[["swemwbs_metric"]])
    pairs = pair_measurements(scored, date="assessment_date")   # pairs.summary()
    changes = change(pairs, {"wellbeing": "swemwbs"}, definition=["any", "reliable"])
    improved_on_n(changes)

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

from .errors import (
    DuplicateKeyError,
    InvalidValueError,
    MissingColumnError,
    UnmatchedRecordsError,
)
from .io import load_reference_table
from .validation import error_location, require_columns, source_of

__all__ = [
    "Instrument",
    "instruments",
    "get_instrument",
    "define_instrument",
    "score",
    "swemwbs_metric",
    "wemwbs_equivalent",
    "population_norm",
    "distribution_thresholds",
    "instrument_bands",
    "band",
    "classify",
    "score_array",
    "Pairing",
    "pair_measurements",
    "pair_wide",
    "classify_change",
    "reliable_change_threshold",
    "change_criteria",
    "change",
    "improved_on_n",
    "paired_effects",
    "baseline_vs_norm",
    "subgroup_summary",
    "expected_regression",
    "difference_in_differences",
    "DEFINITIONS",
    "STATUS_LABELS",
    "PAIRING_PROBLEMS",
]

REGISTRY_FILE = "instruments.csv"
BANDS_FILE = "instrument_bands.csv"
SWEMWBS_TABLE = "swemwbs_raw_to_metric.csv"

DIRECTIONS = ("higher_better", "lower_better", "mixed")
SCORINGS = ("sum", "items")
MISSING_POLICIES = ("complete", "prorate")

_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
#: how many offending values an error message from the array path collects
MAX_FOUND = 10


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
        column=bad_cols if len(bad_cols) > 1 else bad_cols[0],
        **error_location(data, labels),
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


def score_array(values, instrument, *, missing: str = "complete", max_missing: int = 1,
                convert: bool = True) -> np.ndarray:
    """Score a numeric array of item answers: the vectorised path under :func:`score`.

    For large data (a million questionnaires) held as numpy arrays rather than a
    DataFrame.  The answers are validated in a few passes over the whole array
    (range, whole numbers), summed and, for SWEMWBS, converted to metric scores by
    a table lookup.  Rules are those of :func:`score`.

    Parameters
    ----------
    values : array-like, shape (n, k) or (n,)
        Numeric answers, one column per item in questionnaire order (NaN = missing);
        a 1-D array for a single-item measure (PAM score, social inclusion).
    instrument : str or Instrument
    missing : {"complete", "prorate"}, default "complete"
        As for :func:`score`.
    max_missing : int, default 1
        As for :func:`score`.
    convert : bool, default True
        For SWEMWBS, return metric scores (the conversion table); False returns the
        raw total.

    Returns
    -------
    ndarray of float, shape (n,)
        The score (NaN when not scoreable).

    Raises
    ------
    InvalidValueError
        For a wrong number of columns, non-numeric values, non-whole or out-of-range
        answers (naming the item columns and the 0-based row positions).

    Example
    -------
    >>> import numpy as np
    >>> score_array(np.array([[4, 4, 4, 4, 4, 4, 4], [3, 3, 3, 3, 3, 3, np.nan]]), "swemwbs")
    array([25.03,   nan])
    >>> score_array([[1, 2, 3]], "ucla3")
    array([6.])
    """
    inst = _resolve(instrument)
    if missing not in MISSING_POLICIES:
        raise ValueError(f"missing must be one of {MISSING_POLICIES}, not {missing!r}")
    arr = np.asarray(values)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2 or arr.shape[1] != inst.n_items:
        raise InvalidValueError(
            f"wrong shape of the answers for {inst.id}", column=list(inst.items),
            expected=f"an array of shape (n, {inst.n_items})", found=[f"shape {arr.shape}"],
        )
    if inst.scoring == "items" and inst.n_items > 1:
        raise InvalidValueError(
            f"{inst.id} items are scored separately (there is no total)", column=list(inst.items),
            expected="one item column at a time, via a single-item instrument or score()",
        )
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.number):
        raise InvalidValueError(f"non-numeric answers for {inst.id}", column=list(inst.items),
                                expected=_range_text(inst), found=[f"dtype {arr.dtype}"])
    is_float = np.issubdtype(arr.dtype, np.floating)
    cols = list(inst.items)

    def fail(problem, mask):
        rows = np.flatnonzero(mask.any(axis=1))
        bad = [c for c, m in zip(cols, mask.any(axis=0)) if m]
        raise InvalidValueError(problem, column=bad if len(bad) > 1 else bad[0],
                                rows=list(rows), expected=_range_text(inst),
                                found=list(arr[mask][:MAX_FOUND]))

    if arr.size:
        lowest = np.fmin.reduce(arr, axis=None) if is_float else arr.min()
        highest = np.fmax.reduce(arr, axis=None) if is_float else arr.max()
        if lowest < inst.item_min or highest > inst.item_max:
            with np.errstate(invalid="ignore"):
                fail("answer out of range", (arr < inst.item_min) | (arr > inst.item_max))
        if inst.integer and is_float:
            frac = arr != np.rint(arr)  # also True for NaN: look closer only then
            if frac.any():
                frac &= ~np.isnan(arr)
                if frac.any():
                    fail("not a whole number", frac)
    k = inst.n_items
    if inst.scoring == "items":
        return arr[:, 0].astype(float)
    whole = inst.integer
    if missing == "complete":
        total = arr.sum(axis=1, dtype=float)
    else:
        if (not isinstance(max_missing, int | np.integer) or isinstance(max_missing, bool)
                or not 0 <= max_missing < k):
            raise ValueError(f"max_missing must be a whole number from 0 to {k - 1} for "
                             f"{inst.id}, not {max_missing!r}")
        answered = k - np.isnan(arr).sum(axis=1) if is_float else np.full(len(arr), k)
        with np.errstate(invalid="ignore", divide="ignore"):
            total = np.where(k - answered <= max_missing,
                             np.nansum(arr, axis=1) / answered * k, np.nan)
        whole = False
    if inst.conversion is None or not convert:
        return total
    if not whole:
        return _convert(total, inst.conversion, "half_up")
    lo, _, metric = _conversion_table(inst.conversion)
    present = ~np.isnan(total)
    idx = np.where(present, total, lo).astype(np.intp) - lo
    return np.where(present, metric[idx], np.nan)


# ------------------------------------------------------------- SWEMWBS conversion
@functools.cache
def _conversion_table(name: str) -> tuple[int, int, np.ndarray]:
    table = load_reference_table(name).sort_values("raw")
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
        from .validation import check_allowed

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
    table = load_reference_table(BANDS_FILE)
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


# ======================================================================= pairing
#: problems :func:`pair_measurements` reports, in the order they are listed
PAIRING_PROBLEMS = ("no follow-up", "follow-up without baseline", "duplicated records",
                    "follow-up before baseline", "missing date")
#: how repeated records of one client and time point are resolved
DUPLICATE_RULES = ("first", "last", "drop", "raise")
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

    Returned by :func:`pair_measurements` and :func:`pair_wide`.

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

    def summary(self) -> pd.DataFrame:
        """Counts of clients paired and with each problem (``item``, ``n_clients``, ``action``).

        Every problem type is listed, with 0 where none was found ("missing date"
        only when dates were given).
        """
        counts = self.problems.groupby("problem", observed=False)[self.id].nunique()
        rows = [("clients in the data", self.n_clients, ""),
                ("paired (baseline and follow-up)", len(self.paired), "analysed")]
        for problem in PAIRING_PROBLEMS[: 5 if self.dated else 4]:
            if problem == "follow-up before baseline" and not self.dated:
                action = "not checked: pass date= to check"
            elif problem == "duplicated records":
                action = _DUPLICATE_ACTIONS.get(self.duplicates, "")
            else:
                action = _ACTIONS[problem]
            rows.append((problem, int(counts.get(problem, 0)), action))
        return pd.DataFrame(rows, columns=["item", "n_clients", "action"])

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
        return (f"Pairing: {len(self.paired):,} clients paired of {self.n_clients:,}"
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


def _resolve_duplicates(data, *, keys, cols, dates, duplicates, id, unit):
    """Apply the duplicates rule to repeated ``keys``; return (kept data, problem rows)."""
    dup = data.duplicated(keys, keep=False).to_numpy()
    if not dup.any():
        return data, None
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
        return data[~data[id].isin(ids)], rows
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
    return data.iloc[np.sort(order[keep.to_numpy()])], rows


def _pair_core(data, *, id, time, baseline, follow_up, date, cols, duplicates, suffixes):
    """Shared pairing of validated long data (one problem table, one paired table)."""
    dates = _parse_dates(data, date) if date is not None else None
    parts = []
    data, dup_rows = _resolve_duplicates(
        data, keys=[id, time], cols=cols, dates=dates, duplicates=duplicates, id=id,
        unit="baseline and one follow-up record per client")
    if dup_rows is not None:
        parts.append(dup_rows)
        if dates is not None:
            dates = dates.loc[data.index]
    is_base = (data[time] == baseline).to_numpy()
    base = data.loc[is_base, [id, *cols]].set_index(id)
    fu = data.loc[~is_base, [id, *cols]].set_index(id)
    in_fu = base.index.isin(fu.index)
    in_base = fu.index.isin(base.index)
    parts.append(_problem_rows("no follow-up", id, base.index[~in_fu],
                               "baseline only", _ACTIONS["no follow-up"]))
    parts.append(_problem_rows("follow-up without baseline", id, fu.index[~in_base],
                               "follow-up record but no baseline",
                               _ACTIONS["follow-up without baseline"]))
    both = base.index[in_fu]
    keep = both
    if dates is not None:
        d_base = pd.Series(dates[is_base].to_numpy(), index=base.index).loc[both]
        d_fu = pd.Series(dates[~is_base].to_numpy(), index=fu.index).loc[both]
        early = (d_fu < d_base).to_numpy()
        if early.any():
            gap = (d_base[early] - d_fu[early]).dt.days.astype("str")
            detail = ("follow-up dated " + d_fu[early].dt.strftime("%Y-%m-%d") + " is " + gap
                      + " days before the baseline dated "
                      + d_base[early].dt.strftime("%Y-%m-%d"))
            parts.append(_problem_rows("follow-up before baseline", id, both[early],
                                       detail.to_numpy(), _ACTIONS["follow-up before baseline"]))
        undated = (d_base.isna() | d_fu.isna()).to_numpy()
        if undated.any():
            which = np.where(d_base.isna().to_numpy()[undated] & d_fu.isna().to_numpy()[undated],
                             "both dates", np.where(d_base.isna().to_numpy()[undated],
                                                    "baseline date", "follow-up date"))
            parts.append(_problem_rows("missing date", id, both[undated],
                                       np.char.add(which.astype(str), " missing"),
                                       _ACTIONS["missing date"]))
        keep = both[~early]
    b = base.loc[keep].add_suffix(suffixes[0])
    f = fu.loc[keep].add_suffix(suffixes[1])
    order = [name for c in cols for name in (c + suffixes[0], c + suffixes[1])]
    paired = pd.concat([b, f], axis=1)[order].rename_axis(id).reset_index()
    return paired, _finish_problems(parts, id)


def _check_rule(duplicates: str) -> None:
    if duplicates not in DUPLICATE_RULES:
        raise ValueError(f"duplicates must be one of {DUPLICATE_RULES}, not {duplicates!r}")


def _check_ids(data: pd.DataFrame, id: str) -> None:
    missing = data[id].isna()
    if missing.any():
        labels = list(data.index[missing])
        raise InvalidValueError("missing client id", column=id, expected="an id on every row",
                                **error_location(data, labels))


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
        Long data: one row per client and time point (not modified).
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
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame, not {type(data).__name__}")
    _check_rule(duplicates)
    require_columns(data, [id, time] + ([date] if date else []), what="pairing")
    cols = [c for c in data.columns if c not in (id, time)] if columns is None else list(columns)
    require_columns(data, cols, what="pairing")
    if date is not None and date not in cols:
        cols.append(date)
    if id in cols or time in cols:
        raise InvalidValueError("the id and time columns cannot be paired", column="columns",
                                expected="measured columns only")
    _check_ids(data, id)
    from .validation import check_allowed

    check_allowed(data, time, [baseline, follow_up], allow_missing=False)
    paired, problems = _pair_core(data, id=id, time=time, baseline=baseline,
                                  follow_up=follow_up, date=date, cols=cols,
                                  duplicates=duplicates, suffixes=tuple(suffixes))
    paired.attrs["pairing"] = {"id": id, "suffixes": list(suffixes)}
    return Pairing(paired=paired, problems=problems, id=id, suffixes=tuple(suffixes),
                   duplicates=duplicates, n_clients=int(data[id].nunique()),
                   dated=date is not None)


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
        raise TypeError(f"data must be a pandas DataFrame, not {type(data).__name__}")
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
    data, dup_rows = _resolve_duplicates(data, keys=[id], cols=list(data.columns), dates=dates,
                                         duplicates=duplicates, id=id, unit="row per client")
    measured = [s for s in stems if s != date]
    pieces = []
    for label, sfx in (("baseline", sb), ("follow_up", sf)):
        part = data[[id] + [s + sfx for s in stems]].set_axis([id, *stems], axis=1)
        present = part[measured].notna().any(axis=1)
        pieces.append(part[present].assign(_time=label))
    long = pd.concat(pieces)
    paired, problems = _pair_core(long, id=id, time="_time", baseline="baseline",
                                  follow_up="follow_up", date=date, cols=stems,
                                  duplicates="raise", suffixes=(sb, sf))
    if person:
        paired = paired.merge(data[[id, *person]], on=id, how="left", validate="one_to_one")
    if dup_rows is not None:
        problems = _finish_problems([dup_rows, problems], id)
    paired.attrs["pairing"] = {"id": id, "suffixes": [sb, sf]}
    return Pairing(paired=paired, problems=problems, id=id, suffixes=(sb, sf),
                   duplicates=duplicates, n_clients=int(data[id].nunique()) + (
                       0 if dup_rows is None or duplicates != "drop" else len(set(dup_rows[id]))),
                   dated=date is not None)


# ======================================================================== change
#: change definitions accepted by :func:`change`
DEFINITIONS = ("any", "meaningful", "reliable")
#: labels of the change status, from worst to best (an ordered categorical)
STATUS_LABELS = ("deteriorated", "no change", "improved")
#: tolerance for "change ≥ threshold" with floating-point scores (e.g. 22.35 - 19.25)
TOLERANCE = 1e-9
#: the Jacobson & Truax criterion: |RC| > 1.96 (two-sided 5%)
RC_CRITERION = 1.96

_SIGN = {"higher_better": 1.0, "lower_better": -1.0}


def classify_change(baseline, follow_up, *, direction: str = "higher_better",
                    threshold: float = 0.0, inclusive: bool = False):
    """Change, direction-adjusted improvement and status codes for arrays (the fast path).

    ``change = follow_up − baseline``; ``improvement = change`` for higher-is-better
    measures and ``−change`` for lower-is-better ones, so + is always better.
    Status codes index :data:`STATUS_LABELS`: 2 improved when
    ``improvement > threshold`` (``≥`` with ``inclusive=True``, within
    :data:`TOLERANCE`), 0 deteriorated when ``improvement < −threshold`` (``≤``),
    1 no change otherwise, and −1 where either score is missing.

    Parameters
    ----------
    baseline, follow_up : array-like of float
    direction : {"higher_better", "lower_better"}
    threshold : float, default 0
        The minimum change that counts (0 = any change).
    inclusive : bool, default False
        Whether a change of exactly ``threshold`` counts (meaningful change).

    Returns
    -------
    change, improvement : ndarray of float
    codes : ndarray of int8
        Use ``pandas.Categorical.from_codes(codes, STATUS_LABELS, ordered=True)``.

    Example
    -------
    >>> ch, imp, codes = classify_change([6, 6, 6, 6], [4, 6, 9, float("nan")],
    ...                                  direction="lower_better")
    >>> imp.tolist(), codes.tolist()
    ([2.0, 0.0, -3.0, nan], [2, 1, 0, -1])
    """
    if direction not in _SIGN:
        raise InvalidValueError("unknown direction", column="direction",
                                expected="higher_better or lower_better", found=[direction])
    if not (_finite(threshold) and threshold >= 0):
        raise InvalidValueError("threshold must be a number of 0 or more", column="threshold",
                                expected="a number ≥ 0", found=[threshold])
    b = np.asarray(baseline, dtype=float)
    f = np.asarray(follow_up, dtype=float)
    change = f - b
    improvement = change if direction == "higher_better" else b - f
    if inclusive:
        cut = threshold - TOLERANCE
        up, down = improvement >= cut, improvement <= -cut
    else:
        up, down = improvement > threshold, improvement < -threshold
    codes = up.view(np.int8) - down.view(np.int8)
    codes += 1
    codes[np.isnan(change)] = -1
    return change, improvement, codes


def reliable_change_threshold(sd: float, reliability: float, *,
                              criterion: float = RC_CRITERION) -> tuple[float, float]:
    """Minimum reliable change (Jacobson & Truax 1991) and the SE of a difference.

    .. math::

        SE = S_1\\sqrt{1 - r_{xx}}, \\qquad S_{diff} = \\sqrt{2 SE^2},
        \\qquad RC = (x_2 - x_1) / S_{diff}

    A change is reliable when ``|RC| > criterion`` (1.96), i.e. when
    ``|x2 − x1| > criterion × S_diff``.

    Parameters
    ----------
    sd : float
        :math:`S_1`: the SD of baseline scores (of the sample, or a norm SD).
    reliability : float
        :math:`r_{xx}`: e.g. Cronbach's alpha or test-retest reliability (0-1).
    criterion : float, default 1.96

    Returns
    -------
    (threshold, s_diff) : tuple of float

    Reference
    ---------
    Jacobson NS, Truax P (1991) J Consult Clin Psychol 59(1):12-19.

    Example
    -------
    >>> # SD 3.24, alpha 0.865: SE = 3.24 x sqrt(0.135) = 1.190; S_diff = 1.684
    >>> [round(v, 3) for v in reliable_change_threshold(3.24, 0.865)]
    [3.3, 1.684]
    """
    if not (_finite(sd) and sd > 0):
        raise InvalidValueError("SD must be a positive number", column="sd",
                                expected="a number above 0", found=[sd])
    if not (_finite(reliability) and 0 < reliability < 1):
        raise InvalidValueError("reliability must be between 0 and 1", column="reliability",
                                expected="a number between 0 and 1", found=[reliability])
    s_diff = math.sqrt(2.0) * sd * math.sqrt(1.0 - reliability)
    return criterion * s_diff, s_diff


@dataclass(frozen=True)
class _Measure:
    name: str
    column: str
    instrument: Instrument
    direction: str


def _default_column(inst: Instrument) -> str:
    if inst.conversion is not None:
        return f"{inst.id}_metric"
    if inst.scoring == "sum":
        return f"{inst.id}_raw"
    if inst.n_items == 1:
        return inst.items[0]
    raise InvalidValueError(
        f"{inst.id} has several items scored separately: name the column", column="measures",
        expected="{'name': ('column', '" + inst.id + "')}, e.g. ('anxiety', 'ons4')")


def _direction_of(inst: Instrument, column: str, name: str, override) -> str:
    if override is not None:
        if override not in _SIGN:
            raise InvalidValueError(f"unknown direction for measure {name!r}",
                                    column="directions",
                                    expected="higher_better or lower_better", found=[override])
        return override
    if inst.direction != "mixed":
        return inst.direction
    if column in inst.items and inst.item_directions:
        return inst.item_directions[inst.items.index(column)]
    raise InvalidValueError(
        f"the direction of measure {name!r} ({inst.id}, column {column!r}) is not known",
        column="directions", expected="directions={'" + name + "': 'higher_better'} "
        "or 'lower_better'")


def _measure_specs(measures, directions=None) -> list[_Measure]:
    if measures is None:
        raise InvalidValueError("no measures given", column="measures",
                                expected="e.g. {'wellbeing': ('swemwbs_metric', 'swemwbs')}")
    if isinstance(measures, str | Instrument):
        measures = [measures]
    if not isinstance(measures, Mapping):
        measures = {_resolve(m).id: m for m in measures}
    directions = dict(directions or {})
    _unknown_keys(directions, measures, "directions")
    out = []
    for name, spec in measures.items():
        if isinstance(spec, str | Instrument):
            inst = _resolve(spec)
            column = _default_column(inst)
        elif isinstance(spec, Mapping):
            if "instrument" not in spec:
                raise InvalidValueError(f"measure {name!r} has no instrument", column="measures",
                                        expected="{'column': ..., 'instrument': ...}")
            inst = _resolve(spec["instrument"])
            column = spec.get("column") or _default_column(inst)
        elif isinstance(spec, tuple | list) and len(spec) == 2:
            column, inst = spec[0], _resolve(spec[1])
        else:
            raise InvalidValueError(f"cannot read the spec of measure {name!r}",
                                    column="measures", found=[spec],
                                    expected="an instrument, (column, instrument) or "
                                             "{'column': ..., 'instrument': ...}")
        out.append(_Measure(str(name), str(column), inst,
                            _direction_of(inst, column, str(name), directions.get(name))))
    return out


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


def _frame_and_layout(data, id):
    """(paired frame, id column, suffixes) from a Pairing or a paired DataFrame."""
    if isinstance(data, Pairing):
        return data.paired, data.id, data.suffixes
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a Pairing or a DataFrame, not {type(data).__name__}")
    layout = data.attrs.get("pairing", {})
    return data, id or layout.get("id", "client_id"), tuple(layout.get("suffixes", SUFFIXES))


def _definitions(definition) -> list[str]:
    defs = [definition] if isinstance(definition, str) else list(definition)
    bad = [d for d in defs if d not in DEFINITIONS]
    if bad or not defs or len(set(defs)) != len(defs):
        raise InvalidValueError("unknown change definition", column="definition",
                                expected="one or more of " + ", ".join(DEFINITIONS),
                                found=bad or [definition])
    return defs


def change_criteria(
    data,
    measures,
    *,
    definition="any",
    thresholds=None,
    reliability=None,
    sd="baseline",
    directions=None,
    criterion: float = RC_CRITERION,
    id: str | None = None,
) -> pd.DataFrame:
    """The rule each measure is classified by, with every parameter and its source.

    One row per definition × measure; :func:`change` applies these rules and keeps
    them in ``attrs["change"]["criteria"]``.

    * ``"any"``: improved when the direction-adjusted change is > 0, deteriorated
      when < 0; equal scores are "no change".
    * ``"meaningful"``: improved when it is ≥ the instrument's minimal important
      difference (``mid`` in the registry, e.g. SWEMWBS 2.87 metric points, Shah et
      al. 2018), deteriorated when ≤ −MID.
    * ``"reliable"``: Jacobson & Truax (1991) reliable change index
      ``RC = (x2 − x1) / S_diff`` with ``S_diff = √2 · S1 · √(1 − r_xx)``; improved
      when RC (direction-adjusted) > 1.96.  ``S1`` is the SD of the baseline scores
      in ``data`` (``sd="baseline"``, the usual choice) or the instrument's norm SD
      (``sd="norm"``); ``r_xx`` is the registry's reliability (Cronbach's alpha)
      unless overridden.

    Parameters
    ----------
    data : Pairing or DataFrame
        Paired data (``<column>_baseline``, ``<column>_follow_up``).
    measures : dict, list or str
        ``{name: instrument}`` (the instrument's score column, e.g.
        ``swemwbs_metric``, ``ucla3_raw``, ``pam_score``), ``{name: (column,
        instrument)}`` or ``{name: {"column": ..., "instrument": ...}}``; a list of
        instruments names the measures after them.
    definition : str or list of str, default "any"
        ``"any"``, ``"meaningful"``, ``"reliable"``, or several.
    thresholds : number or dict, optional
        Meaningful-change thresholds in score points, overriding the registry:
        ``{"activation": 4}`` or ``{"activation": (4, "source")}``.
    reliability : number or dict, optional
        Reliabilities for the reliable change index, overriding the registry.
    sd : {"baseline", "norm"}, number or dict, default "baseline"
        ``S1`` of the reliable change index, for all measures or per measure.
    directions : dict, optional
        ``{name: "higher_better" | "lower_better"}`` where the registry has none.
    criterion : float, default 1.96
    id : str, optional
        Id column (default: from the pairing, else ``"client_id"``).

    Returns
    -------
    DataFrame
        ``definition, measure, instrument, column, direction, rule, threshold,
        threshold_source, sd, sd_source, reliability, reliability_source, s_diff``.

    Raises
    ------
    InvalidValueError
        When a definition's parameter is missing for a measure (no MID for PAM, no
        norm SD…): the message says which argument to pass.  There is no fallback.

    Example
    -------
    >>> import pandas as pd
    >>> paired = pd.DataFrame({"client_id": ["a", "b", "c"],
    ...                        "swemwbs_metric_baseline": [17.43, 19.25, 23.21],
    ...                        "swemwbs_metric_follow_up": [19.98, 23.21, 22.35]})
    >>> crit = change_criteria(paired, {"wellbeing": "swemwbs"}, definition="reliable")
    >>> crit[["measure", "rule", "sd", "reliability"]].round(3)
         measure                                           rule     sd  reliability
    0  wellbeing  improvement > 2.72 (|RC| > 1.96; S_diff 1.39)  2.955         0.89
    """
    frame, _, (sb, _) = _frame_and_layout(data, id)
    specs = _measure_specs(measures, directions)
    names = [m.name for m in specs]
    for what, value in (("thresholds", thresholds), ("reliability", reliability), ("sd", sd)):
        _unknown_keys(value, names, what)
    rows = []
    for definition_ in _definitions(definition):
        for m in specs:
            inst = m.instrument
            row = {"definition": definition_, "measure": m.name, "instrument": inst.id,
                   "column": m.column, "direction": m.direction, "rule": "",
                   "threshold": 0.0, "threshold_source": "", "sd": np.nan, "sd_source": "",
                   "reliability": np.nan, "reliability_source": "", "s_diff": np.nan}
            if definition_ == "any":
                row["rule"] = "improvement > 0"
                row["threshold_source"] = "any change (equal scores are no change)"
            elif definition_ == "meaningful":
                value, source = _override(thresholds, m.name)
                if value is None:
                    value, source = inst.mid, inst.mid_source or inst.source
                if value is None:
                    raise InvalidValueError(
                        f"no meaningful-change threshold for measure {m.name!r} "
                        f"(instrument {inst.id}); the registry has none", column="thresholds",
                        expected="thresholds={'" + m.name + "': <minimum important change "
                        "in score points>} (or (value, 'source'))")
                if not (_finite(value) and value > 0):
                    raise InvalidValueError(f"invalid threshold for measure {m.name!r}",
                                            column="thresholds", expected="a number above 0",
                                            found=[value])
                row.update(threshold=float(value), threshold_source=source,
                           rule=f"improvement ≥ {value:g}")
            else:
                r, r_source = _override(reliability, m.name)
                if r is None:
                    r = inst.reliability
                    r_source = (f"{inst.reliability_type}: {inst.reliability_source}"
                                if r is not None else None)
                if r is None:
                    raise InvalidValueError(
                        f"no reliability for measure {m.name!r} (instrument {inst.id}); the "
                        "registry has none", column="reliability",
                        expected="reliability={'" + m.name + "': <Cronbach's alpha or "
                        "test-retest r>} (or (value, 'source'))")
                s1, s_source = _sd_for(frame, m, sb, sd)
                threshold, s_diff = reliable_change_threshold(s1, r, criterion=criterion)
                row.update(threshold=threshold, sd=s1, sd_source=s_source, reliability=float(r),
                           reliability_source=r_source, s_diff=s_diff,
                           threshold_source=f"Jacobson & Truax (1991): {criterion:g} × S_diff",
                           rule=f"improvement > {threshold:.2f} (|RC| > {criterion:g}; "
                                f"S_diff {s_diff:.2f})")
            rows.append(row)
    return pd.DataFrame(rows)


def _sd_for(frame, m: _Measure, sb: str, sd) -> tuple[float, str]:
    value, source = _override(sd, m.name)
    if value == "baseline":
        col = m.column + sb
        require_columns(frame, [col], what=f"measure {m.name!r}")
        from .validation import check_numeric

        values = check_numeric(frame, [col])[col].dropna()
        if len(values) < 2:
            raise InvalidValueError(f"too few baseline scores to estimate the SD of {m.name!r}",
                                    column=col, expected="at least 2 scores, or pass sd=",
                                    found=[f"{len(values)} scores"])
        return float(values.std(ddof=1)), f"SD of the {len(values):,} baseline scores in the data"
    if value == "norm":
        if m.instrument.norm_sd is None:
            raise InvalidValueError(
                f"no norm SD for measure {m.name!r} (instrument {m.instrument.id})", column="sd",
                expected="sd='baseline', or sd={'" + m.name + "': <norm SD>}")
        return float(m.instrument.norm_sd), f"norm SD: {m.instrument.norm_source}"
    if isinstance(value, str) or value is None:
        raise InvalidValueError("unknown sd choice", column="sd",
                                expected="'baseline', 'norm', a number or a dict of them",
                                found=[value])
    if not (_finite(value) and value > 0):
        raise InvalidValueError(f"invalid SD for measure {m.name!r}", column="sd",
                                expected="a number above 0", found=[value])
    return float(value), source


def distribution_thresholds(data, measures, *, fraction: float = 0.5,
                            missing_only: bool = True, id: str | None = None) -> dict:
    """Meaningful-change thresholds from the spread of baseline scores (the half-SD rule).

    Where an instrument has no published minimal important difference, a common
    distribution-based substitute is half a standard deviation of the baseline
    scores (Norman, Sloan & Wyrwich 2003, Med Care 41:582-592, found published MIDs
    close to 0.5 SD).  Returns ``{measure: (threshold, source)}`` ready for the
    ``thresholds=`` argument of :func:`change`, so the source travels into the
    output's criteria table.

    Parameters
    ----------
    data : Pairing or DataFrame
        Paired data (``<column>_baseline`` columns).
    measures : dict, list or str
        As for :func:`change`.
    fraction : float, default 0.5
        Multiple of the baseline SD.
    missing_only : bool, default True
        Only for measures whose instrument has no MID in the registry.

    Example
    -------
    >>> import pandas as pd
    >>> paired = pd.DataFrame({"client_id": [1, 2, 3], "pam_score_baseline": [40.0, 50.0, 60.0],
    ...                        "pam_score_follow_up": [45.0, 50.0, 58.0]})
    >>> value, source = distribution_thresholds(paired, {"activation": "pam"})["activation"]
    >>> value, source.split(";")[0]
    (5.0, '0.5 x SD of the 3 baseline scores in the data')
    """
    frame, _, (sb, _) = _frame_and_layout(data, id)
    if not (_finite(fraction) and fraction > 0):
        raise InvalidValueError("invalid fraction of the SD", column="fraction",
                                expected="a number above 0", found=[fraction])
    out = {}
    for m in _measure_specs(measures):
        if missing_only and m.instrument.mid is not None:
            continue
        sd, where = _sd_for(frame, m, sb, "baseline")
        out[m.name] = (
            fraction * sd,
            f"{fraction:g} x {where}; distribution-based, no published MID "
            "(Norman, Sloan & Wyrwich 2003, Med Care 41:582-592)",
        )
    return out


def _take(series: pd.Series, positions: np.ndarray):
    """Values of ``series`` at ``positions``, keeping its dtype (string, Int64, category)."""
    return series.array.take(positions)


def change(
    data,
    measures,
    *,
    definition="any",
    thresholds=None,
    reliability=None,
    sd="baseline",
    directions=None,
    criterion: float = RC_CRITERION,
    id: str | None = None,
    keep: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Change per client and measure, classified as improved / no change / deteriorated.

    For each client and measure: ``change = follow-up − baseline`` in score points,
    ``improvement`` = change with its sign adjusted so that + is better (UCLA-3: a
    lower loneliness score is an improvement), and ``status`` under the chosen
    definition (rules and parameters: :func:`change_criteria`).  The work is done
    on numpy arrays by :func:`classify_change`.

    Parameters
    ----------
    data : Pairing or DataFrame
        From :func:`pair_measurements` / :func:`pair_wide` (or any frame with
        ``<column>_baseline`` and ``<column>_follow_up`` and one row per client).
    measures : dict, list or str
        See :func:`change_criteria`, e.g. ``{"wellbeing": "swemwbs", "loneliness":
        "ucla3", "inclusion": "social_inclusion", "activation": "pam"}``.
    definition : str or list of str, default "any"
        ``"any"``, ``"meaningful"`` or ``"reliable"`` (several stack their rows).
    thresholds, reliability, sd, directions, criterion
        Overrides of the registry; see :func:`change_criteria`.
    id : str, optional
    keep : sequence of str, optional
        Columns of ``data`` to repeat on every row (e.g. ``["group"]``).

    Returns
    -------
    DataFrame
        One row per definition × measure × client: the id, ``measure``,
        ``instrument``, ``baseline``, ``follow_up``, ``change``, ``improvement``,
        ``definition``, ``threshold`` (the minimum change that counts), ``status``
        (ordered categorical :data:`STATUS_LABELS`, missing when either score is
        missing — such rows are kept, not dropped) and, with ``"reliable"``, ``rci``
        (the reliable change index, direction-adjusted).  The rules with their
        sources are in ``attrs["change"]["criteria"]`` (``pd.DataFrame(...)`` it;
        pandas drops ``attrs`` on a merge, so :func:`change_criteria` gives the same
        table on its own).

    Raises
    ------
    MissingColumnError, InvalidValueError, DuplicateKeyError
        Missing score columns, non-numeric scores, a missing parameter (see
        :func:`change_criteria`), an id on more than one row.

    Example
    -------
    >>> import pandas as pd
    >>> paired = pd.DataFrame({"client_id": ["a", "b", "c"],
    ...                        "ucla3_raw_baseline": [7, 6, 5], "ucla3_raw_follow_up": [4, 6, 6]})
    >>> change(paired, {"loneliness": "ucla3"})[
    ...     ["client_id", "change", "improvement", "status"]]
      client_id  change  improvement        status
    0         a    -3.0          3.0      improved
    1         b     0.0          0.0     no change
    2         c     1.0         -1.0  deteriorated
    """
    frame, id, (sb, sf) = _frame_and_layout(data, id)
    specs = _measure_specs(measures, directions)
    defs = _definitions(definition)
    keep = [keep] if isinstance(keep, str) else list(keep or [])
    cols = [m.column + s for m in specs for s in (sb, sf)]
    require_columns(frame, [id, *cols, *keep], what="change")
    from .validation import check_numeric, check_unique

    _check_ids(frame, id)
    check_unique(frame, id)
    criteria = change_criteria(frame, {m.name: (m.column, m.instrument) for m in specs},
                               definition=defs, thresholds=thresholds, reliability=reliability,
                               sd=sd, directions={m.name: m.direction for m in specs},
                               criterion=criterion, id=id)
    n, n_m = len(frame), len(specs)
    scores = {}
    for m in specs:
        for s in (sb, sf):
            col = m.column + s
            series = frame[col]
            if pd.api.types.is_float_dtype(series.dtype) and not isinstance(
                    series.dtype, pd.api.types.CategoricalDtype):
                scores[col] = series.to_numpy(dtype=float, na_value=np.nan)
            else:
                scores[col] = check_numeric(frame, [col])[col].to_numpy()
    parts = {k: [] for k in ("baseline", "follow_up", "change", "improvement", "threshold",
                             "codes", "rci")}
    for crit in criteria.itertuples(index=False):
        m = specs[_names_index(specs, crit.measure)]
        b, f = scores[m.column + sb], scores[m.column + sf]
        ch, imp, codes = classify_change(b, f, direction=m.direction, threshold=crit.threshold,
                                         inclusive=crit.definition == "meaningful")
        parts["baseline"].append(b)
        parts["follow_up"].append(f)
        parts["change"].append(ch)
        parts["improvement"].append(imp)
        parts["threshold"].append(np.full(n, crit.threshold))
        parts["codes"].append(codes)
        parts["rci"].append(imp / crit.s_diff if crit.definition == "reliable"
                            else np.full(n, np.nan))
    rows = np.tile(np.arange(n), n_m * len(defs))
    out = {id: _take(frame[id], rows)}
    out["measure"] = pd.Categorical.from_codes(
        np.tile(np.repeat(np.arange(n_m), n), len(defs)), categories=[m.name for m in specs])
    instruments_ = list(dict.fromkeys(m.instrument.id for m in specs))
    out["instrument"] = pd.Categorical.from_codes(
        np.tile(np.repeat([instruments_.index(m.instrument.id) for m in specs], n), len(defs)),
        categories=instruments_)
    for k in ("baseline", "follow_up", "change", "improvement"):
        out[k] = np.concatenate(parts[k]) if parts[k] else np.array([])
    out["definition"] = pd.Categorical.from_codes(np.repeat(np.arange(len(defs)), n * n_m),
                                                  categories=defs)
    out["threshold"] = np.concatenate(parts["threshold"])
    out["status"] = pd.Categorical.from_codes(np.concatenate(parts["codes"]),
                                              categories=STATUS_LABELS, ordered=True)
    if "reliable" in defs:
        out["rci"] = np.concatenate(parts["rci"])
    for col in keep:
        out[col] = _take(frame[col], rows)
    result = pd.DataFrame(out)
    result.attrs["change"] = {"id": id, "criteria": criteria.to_dict("records")}
    return result


def _names_index(specs, name) -> int:
    return [m.name for m in specs].index(name)


# ===================================================================== summaries
IMPROVED_POLICIES = ("complete", "observed")


def _id_of(data: pd.DataFrame, id: str | None) -> str:
    return id or data.attrs.get("change", {}).get("id", "client_id")


def _as_list(value) -> list:
    if value is None:
        return []
    if isinstance(value, str) or not isinstance(value, Sequence | np.ndarray | pd.Index):
        return [value]
    return list(value)


def _attach(data: pd.DataFrame, clients, id: str, needed: Sequence[str]) -> pd.DataFrame:
    """``data`` with the person-level columns it lacks merged from ``clients`` on ``id``."""
    lacking = [c for c in needed if c not in data.columns]
    if not lacking:
        return data
    if clients is None:
        require_columns(data, needed)
    from .validation import check_unique

    require_columns(clients, [id, *lacking], what="clients table")
    check_unique(clients, id)
    found = data[id].isin(clients[id])
    if not found.all():
        missing_ids = list(pd.unique(data.loc[~found, id]))
        raise UnmatchedRecordsError("clients missing from the clients table", column=id,
                                    expected="every client id in the clients table",
                                    found=missing_ids)
    return data.merge(clients[[id, *lacking]], on=id, how="left", validate="many_to_one")


def _one_definition(data: pd.DataFrame) -> pd.DataFrame:
    """Rows of the first definition (scores and changes are the same under every one)."""
    if "definition" not in data.columns or data.empty:
        return data
    first = data["definition"].iloc[0]
    return data[data["definition"] == first]


def _measure_names(data: pd.DataFrame, measures) -> list:
    present = list(pd.unique(data["measure"].dropna()))
    if isinstance(data["measure"].dtype, pd.CategoricalDtype):
        present = [c for c in data["measure"].cat.categories if c in set(present)]
    if measures is None:
        return present
    measures = _as_list(measures)
    unknown = [m for m in measures if m not in present]
    if unknown:
        raise InvalidValueError("measure not in the data", column="measure", found=unknown,
                                expected="one of " + ", ".join(map(str, present)))
    return measures


def _ci(n: np.ndarray, N: np.ndarray, alpha: float):
    from .stats import proportion_ci

    low = np.full(n.shape, np.nan)
    high = np.full(n.shape, np.nan)
    ok = N > 0
    if ok.any():
        table = proportion_ci(n[ok], N[ok], ci=1 - alpha)
        low[ok], high[ok] = table["ci_low"].to_numpy(), table["ci_high"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        prop = np.where(ok, n / np.where(ok, N, 1), np.nan)
    return prop, low, high


def improved_on_n(
    data: pd.DataFrame,
    *,
    policy: str = "complete",
    measures=None,
    by=None,
    id: str | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Clients improved on at least 1, 2, …, all M measures, with n/N and Wilson intervals.

    The headline of many social prescribing evaluations ("85% improved on at least
    1 of 4 measures, 54% on at least 2, 15% on all 4"), reported honestly: every
    figure as n/N with a Wilson score 95% interval (:func:`wellbeing_lib.stats.proportion_ci`),
    with a stated denominator.

    Parameters
    ----------
    data : DataFrame
        Output of :func:`change` (columns id, ``measure``, ``status`` and, if present,
        ``definition``: each definition is summarised separately).
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
    id : str, optional
        Id column (default: the one :func:`change` used).
    alpha : float, default 0.05

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
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a DataFrame (from change()), not {type(data).__name__}")
    id = _id_of(data, id)
    by = _as_list(by)
    require_columns(data, [id, "measure", "status", *by], what="improved_on_n")
    from .validation import check_allowed, check_unique

    check_allowed(data, "status", STATUS_LABELS)
    keys = [*by] + (["definition"] if "definition" in data.columns else [])
    names = _measure_names(data, measures)
    n_m = len(names)
    frame = data.loc[data["measure"].isin(names), [*keys, id, "measure", "status"]]
    improved_row = (frame["status"] == "improved").to_numpy()
    observed_row = frame["status"].notna().to_numpy()
    measure_row = pd.Index(names).get_indexer(frame["measure"])
    # one code per client (within its by-group and definition), one per by-group
    client_row = frame.groupby([*keys, id], observed=True, sort=False,
                               dropna=False).ngroup().to_numpy()
    n_clients = int(client_row.max()) + 1 if len(client_row) else 0
    pair = client_row.astype(np.int64) * n_m + measure_row
    if len(pair) and np.bincount(pair, minlength=n_clients * n_m).max() > 1:
        check_unique(frame, [*keys, id, "measure"])  # raises, naming the rows
    if keys:
        key_groups = frame.groupby(keys, observed=True, sort=True, dropna=False)
        group_row = key_groups.ngroup().to_numpy()
        groups = key_groups.size().index.to_frame(index=False)
        groups.columns = keys
    else:
        group_row = np.zeros(len(frame), dtype=np.int64)
        groups = pd.DataFrame(index=range(1))
    g = len(groups)
    imp = np.bincount(client_row, weights=improved_row, minlength=n_clients).astype(np.int64)
    obs = np.bincount(client_row, weights=observed_row, minlength=n_clients).astype(np.int64)
    client_group = np.zeros(n_clients, dtype=np.int64)
    client_group[client_row] = group_row
    complete = obs == n_m
    ks = np.arange(1, n_m + 1)
    ks0 = np.arange(0, n_m + 1)
    if policy == "complete":
        at_n = (imp[:, None] >= ks) & complete[:, None]
        at_N = np.repeat(complete[:, None], n_m, axis=1)
        ex_n = (imp[:, None] == ks0) & complete[:, None]
        ex_N = np.repeat(complete[:, None], n_m + 1, axis=1)
    else:
        at_n = imp[:, None] >= ks
        at_N = obs[:, None] >= ks
        ex_n = (imp[:, None] == ks0) & (obs >= 1)[:, None]
        ex_N = np.repeat((obs >= 1)[:, None], n_m + 1, axis=1)

    def by_group(columns: np.ndarray) -> np.ndarray:
        """Sum each column of a (clients, c) array within the by-groups → (g, c)."""
        return np.column_stack([np.bincount(client_group, weights=col, minlength=g)
                                for col in columns.T]).astype(np.int64)

    at_n, at_N, ex_n, ex_N = (by_group(x) for x in (at_n, at_N, ex_n, ex_N))
    # per measure: improved among complete clients, or among those observed on it
    cell = group_row * n_m + measure_row
    if policy == "complete":
        counted_n, counted_N = improved_row & complete[client_row], complete[client_row]
    else:
        counted_n, counted_N = improved_row, observed_row
    me_n = np.bincount(cell, weights=counted_n, minlength=g * n_m).astype(np.int64)
    me_N = np.bincount(cell, weights=counted_N, minlength=g * n_m).astype(np.int64)
    me_n, me_N = me_n.reshape(g, n_m), me_N.reshape(g, n_m)

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
              at_n, at_N, den_at),
        block("exactly", ks0, [f"exactly {k} {of}" for k in ks0], ex_n, ex_N, den_ex),
        block("measure", np.arange(n_m), [str(x) for x in names], me_n, me_N, den_me),
    ], ignore_index=True)
    table = table.sort_values("_group", kind="stable").drop(columns="_group")
    table = table.reset_index(drop=True)
    n_arr = table["n"].to_numpy(dtype=np.int64)
    N_arr = table["N"].to_numpy(dtype=np.int64)
    prop, low, high = _ci(n_arr, N_arr, alpha)
    table["n"], table["N"] = n_arr, N_arr
    table.insert(table.columns.get_loc("denominator"), "proportion", prop)
    table.insert(table.columns.get_loc("denominator"), "ci_low", low)
    table.insert(table.columns.get_loc("denominator"), "ci_high", high)
    table["label"] = table["label"].astype("str")
    table["denominator"] = table["denominator"].astype("str")
    return table


def _hedges_j(df: float) -> float:
    """Hedges' (1981) exact small-sample correction J(df) = Γ(df/2) / (√(df/2) Γ((df−1)/2))."""
    from scipy.special import gammaln

    if df <= 1:
        return np.nan
    return float(np.exp(gammaln(df / 2) - 0.5 * np.log(df / 2) - gammaln((df - 1) / 2)))


def _nct_limits(t: float, df: float, alpha: float) -> tuple[float, float]:
    """Confidence limits for the noncentrality parameter of a t statistic (inverting the CDF)."""
    from scipy import optimize
    from scipy import stats as sps

    if not (np.isfinite(t) and df >= 1):
        return np.nan, np.nan

    def solve(target, direction):
        width = 2.0 + abs(t)
        for _ in range(60):
            edge = t + direction * width
            if direction * (sps.nct.cdf(t, df, edge) - target) < 0:
                return optimize.brentq(lambda ncp: sps.nct.cdf(t, df, ncp) - target,
                                       min(t, edge), max(t, edge), xtol=1e-10)
            width *= 2
        return np.nan  # pragma: no cover - the CDF is monotone in the noncentrality

    return solve(1 - alpha / 2, -1.0), solve(alpha / 2, 1.0)


def paired_effects(
    data,
    *,
    measures=None,
    by=None,
    id: str | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Before/after means, mean change with CI, paired effect sizes and tests, per measure.

    For each measure, over clients with both scores:

    * mean change ``x2 − x1`` (raw score points) with a t interval;
    * Cohen's :math:`d_z = \\bar D / s_D` (:math:`D` = direction-adjusted change,
      + = better), with an exact interval from the noncentral t distribution
      (limits of the noncentrality of :math:`t = d_z\\sqrt n`, divided by
      :math:`\\sqrt n`; Steiger & Fouladi 1997, Cumming 2012);
    * Hedges' :math:`g_{av} = J \\cdot \\bar D / ((s_1 + s_2)/2)` (Lakens 2013,
      eq. 10), :math:`J` Hedges' exact correction with df = n − 1
      (≈ 1 − 3/(4 df − 1)); its interval is the Algina & Keselman (2003)
      approximation: the noncentral-t limits for t rescaled by
      :math:`s_D / (s_{av}\\sqrt n)`, times :math:`J`;
    * paired t-test (:func:`scipy.stats.ttest_rel`) and Wilcoxon signed-rank test
      (:func:`scipy.stats.wilcoxon`, zero differences dropped — their number is
      reported), two-sided.

    Effect sizes and ``t`` are direction-adjusted (+ = better); ``mean_change`` and
    its interval are in raw score points (for UCLA-3 a fall is an improvement).

    Parameters
    ----------
    data : DataFrame, Pairing
        Output of :func:`change`; or paired data, in which case ``measures`` is the
        measure spec of :func:`change` (the any-change rows are computed).
    measures : list or dict, optional
        Measures to report (default: all).
    by : str or list of str, optional
        Grouping columns of ``data``.
    id : str, optional
    alpha : float, default 0.05

    Returns
    -------
    DataFrame
        ``[by…], measure, direction, n, mean_baseline, sd_baseline, mean_follow_up,
        sd_follow_up, mean_change, change_ci_low, change_ci_high, sd_change, d_z,
        d_z_ci_low, d_z_ci_high, g_av, g_av_ci_low, g_av_ci_high, t, df, p_t,
        wilcoxon_w, p_wilcoxon, n_zero``.

    References
    ----------
    Lakens D (2013) Front Psychol 4:863.  Algina J, Keselman HJ (2003) Educ Psychol
    Meas 63(4):537-553.  Hedges LV (1981) J Educ Stat 6(2):107-128.

    Example
    -------
    >>> import pandas as pd
    >>> paired = pd.DataFrame({"client_id": list("abcdef"),
    ...                        "pam_score_baseline": [40.0, 50, 45, 60, 55, 52],
    ...                        "pam_score_follow_up": [44.0, 53, 45, 66, 54, 57]})
    >>> eff = paired_effects(paired, measures={"activation": "pam"})
    >>> eff[["n", "mean_change", "d_z", "g_av", "p_t"]].round(3)
       n  mean_change    d_z   g_av    p_t
    0  6        2.833  1.017  0.312  0.055
    """
    if isinstance(data, Pairing) or (isinstance(data, pd.DataFrame)
                                     and "measure" not in data.columns):
        data = change(data, measures, id=id)
        measures = None
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a DataFrame, not {type(data).__name__}")
    from scipy import stats as sps

    by = _as_list(by)
    require_columns(data, ["measure", "baseline", "follow_up", "improvement", *by],
                    what="paired_effects")
    frame = _one_definition(data)
    names = _measure_names(frame, list(measures) if isinstance(measures, Mapping) else measures)
    frame = frame[frame["measure"].isin(names)]
    rows = []
    grouped = (frame.groupby([*by, "measure"], observed=True, sort=True, dropna=False)
               if by else frame.groupby("measure", observed=True, sort=False))
    for key, sub in grouped:
        key = key if isinstance(key, tuple) else (key,)
        x1 = sub["baseline"].to_numpy(dtype=float)
        x2 = sub["follow_up"].to_numpy(dtype=float)
        d = sub["improvement"].to_numpy(dtype=float)
        ok = ~(np.isnan(x1) | np.isnan(x2))
        x1, x2, d = x1[ok], x2[ok], d[ok]
        n = len(d)
        row = dict(zip([*by, "measure"], key))
        sign = np.nan
        nonzero = np.flatnonzero((x2 - x1) != 0)
        if len(nonzero):
            sign = float(np.sign(d[nonzero[0]] / (x2 - x1)[nonzero[0]]))
        row["direction"] = {1.0: "higher_better", -1.0: "lower_better"}.get(sign, "")
        row["n"] = n
        nan = float("nan")
        stats_ = dict.fromkeys(
            ["mean_baseline", "sd_baseline", "mean_follow_up", "sd_follow_up", "mean_change",
             "change_ci_low", "change_ci_high", "sd_change", "d_z", "d_z_ci_low", "d_z_ci_high",
             "g_av", "g_av_ci_low", "g_av_ci_high", "t", "df", "p_t", "wilcoxon_w",
             "p_wilcoxon"], nan)
        stats_["n_zero"] = int(np.sum(d == 0))
        if n >= 1:
            stats_.update(mean_baseline=x1.mean(), mean_follow_up=x2.mean(),
                          mean_change=(x2 - x1).mean())
        if n >= 2:
            s1, s2, sd_d = x1.std(ddof=1), x2.std(ddof=1), d.std(ddof=1)
            df = n - 1
            half = sps.t.ppf(1 - alpha / 2, df) * sd_d / math.sqrt(n)
            mc = stats_["mean_change"]
            stats_.update(sd_baseline=s1, sd_follow_up=s2, sd_change=sd_d, df=df,
                          change_ci_low=mc - half, change_ci_high=mc + half)
            if sd_d > 0:
                t = d.mean() / (sd_d / math.sqrt(n))
                lo, hi = _nct_limits(t, df, alpha)
                j = _hedges_j(df)
                s_av = (s1 + s2) / 2
                test = sps.ttest_rel(x2, x1)
                stats_.update(d_z=d.mean() / sd_d, d_z_ci_low=lo / math.sqrt(n),
                              d_z_ci_high=hi / math.sqrt(n), t=t, p_t=float(test.pvalue))
                if s_av > 0:
                    scale = j * sd_d / (s_av * math.sqrt(n))
                    stats_.update(g_av=j * d.mean() / s_av, g_av_ci_low=lo * scale,
                                  g_av_ci_high=hi * scale)
            if n - stats_["n_zero"] >= 1:
                w = sps.wilcoxon(d)
                stats_.update(wilcoxon_w=float(w.statistic), p_wilcoxon=float(w.pvalue))
        row.update(stats_)
        rows.append(row)
    out = pd.DataFrame(rows)
    out["measure"] = out["measure"].astype("str")
    return out


def baseline_vs_norm(
    data: pd.DataFrame,
    *,
    value: str,
    instrument="swemwbs",
    sex: str | None = "sex",
    norm: float | None = None,
    by=None,
    alpha: float = 0.05,
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
    alpha : float, default 0.05

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

    from .validation import check_numeric

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
            ci = res.confidence_interval(1 - alpha)
            lo, hi, t, p = ci.low - mu, ci.high - mu, float(res.statistic), float(res.pvalue)
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
    id: str | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """The headline figures by practice, referral route, age band, sex, ethnicity, IMD…

    Small counts are suppressed by default (:func:`wellbeing_lib.privacy.suppress_rows`:
    counts 1–7 withheld, others rounded to the nearest 5, and every percentage, mean
    and interval of a row with a withheld count withheld too).  Proportions and
    means are computed from the unrounded counts.

    Parameters
    ----------
    data : DataFrame
        Output of :func:`change`.
    by : str or list of str
        Person-level columns (in ``data`` or in ``clients``).
    clients : DataFrame, optional
        One row per client with the ``by`` columns, merged on the id.
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
    id : str, optional
    alpha : float, default 0.05

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
    >>> subgroup_summary(t, by="practice")[["subgroup", "group", "n", "N", "proportion"]]
       subgroup        group   n     N  proportion
    0       all  All clients  20    30        0.60
    1  practice            A  20    25        0.75
    2  practice            B   0  <NA>         NaN
    """
    from .privacy import ROUND_BASE, SUPPRESS_HIGH, SUPPRESS_LOW, suppress_rows
    from .stats import mean_ci

    if statistic not in ("improved_on_n", "mean_change"):
        raise ValueError(f"statistic must be 'improved_on_n' or 'mean_change', not {statistic!r}")
    id = _id_of(data, id)
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
                                  id=id, alpha=alpha)
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
            sub = sub[sub["measure"].isin(names)]
            table = mean_ci(sub, value="change", by=[*keys, "measure"], ci=1 - alpha)
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
            out = suppress_rows(out, counts=["n", "N"],
                                derived=["proportion", "ci_low", "ci_high"], **settings)
        else:
            out = suppress_rows(out, counts=["n"],
                                derived=["mean_change", "sd_change", "ci_low", "ci_high"],
                                **settings)
    return out


# ======================================================================== biases
def expected_regression(baseline, *, mean: float, reliability: float):
    """Change expected from regression to the mean alone: ``(1 − r)(μ − x1)``.

    People referred at a low point improve on average without any intervention.
    With population mean μ and test-retest reliability r, a person whose baseline
    is x1 is expected to move ``(1 − r)(μ − x1)`` towards the mean by the next
    measurement.  Average it over the group for the expected mean change
    (uncontrolled before/after studies of social prescribing are at high risk of
    this bias: Bickerdike et al. 2017, BMJ Open 7:e013384).

    Parameters
    ----------
    baseline : number, array-like or Series
        Baseline scores (NaN stays NaN).
    mean : float
        μ: the mean the scores regress to (e.g. the population norm).
    reliability : float
        r: test-retest reliability (0-1].

    Returns
    -------
    float, ndarray or Series
        Like ``baseline`` (a Series is named ``expected_regression``).

    Example
    -------
    >>> expected_regression([18.0, 20.0, 25.0], mean=23.5, reliability=0.8)
    array([ 1.1,  0.7, -0.3])
    >>> round(float(expected_regression([18.0, 20.0, 25.0], mean=23.5, reliability=0.8).mean()), 3)
    0.5
    """
    if not _finite(mean):
        raise InvalidValueError("mean must be a number", column="mean", expected="a number",
                                found=[mean])
    if not (_finite(reliability) and 0 < reliability <= 1):
        raise InvalidValueError("reliability must be in (0, 1]", column="reliability",
                                expected="a number above 0 and at most 1", found=[reliability])
    arr, _, wrap = _as_array(baseline, "baseline")
    return wrap((1.0 - reliability) * (mean - arr), "expected_regression")


def _ols(y: np.ndarray, x: np.ndarray, cov_type: str, groups=None):
    import statsmodels.api as sm

    if cov_type == "cluster":
        return sm.OLS(y, x).fit(cov_type="cluster", cov_kwds={"groups": groups})
    return sm.OLS(y, x).fit(cov_type=cov_type)


def difference_in_differences(
    data: pd.DataFrame,
    *,
    group: str = "group",
    treated="referred",
    control="comparison",
    clients: pd.DataFrame | None = None,
    measures=None,
    adjust_baseline: bool = True,
    cov_type: str = "HC3",
    cluster: str | None = None,
    rtm_mean=None,
    rtm_reliability=None,
    id: str | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Uncontrolled before/after change beside the comparison group, the DiD and regression to the mean.

    Per measure, over clients with both scores (raw score points, follow-up − baseline):

    1. the before/after mean change of the treated group — the *uncontrolled*
       estimate most evaluations report (t interval);
    2. the same change in the comparison group (regression to the mean, secular
       change and measurement effects, without the programme);
    3. the difference-in-differences: OLS ``change ~ 1 + treated`` with
       heteroskedasticity-robust HC3 standard errors (or cluster-robust with
       ``cov_type="cluster"``, e.g. by practice) — statsmodels;
    4. (``adjust_baseline``) the same adjusted for the centred baseline score
       (ANCOVA on the change), which also corrects for a baseline imbalance;
    5. the change expected from regression to the mean alone in the treated group,
       mean of ``(1 − r)(μ − x1)`` (:func:`expected_regression`), when μ and r are
       known (from ``rtm_mean``/``rtm_reliability`` or the registry's ``norm_mean``
       and ``retest_reliability``); otherwise the row is kept with a missing value
       and a note saying what to pass.

    Parameters
    ----------
    data : DataFrame
        Output of :func:`change` for both groups (the first definition's rows are used).
    group : str, default "group"
        Column (in ``data`` or ``clients``) with the group of each client.
    treated, control : default "referred", "comparison"
        Its values; other values raise an error (select the rows first).
    clients : DataFrame, optional
        One row per client with ``group`` (and ``cluster``), merged on the id.
    measures : list, optional
    adjust_baseline : bool, default True
    cov_type : {"HC3", "HC1", "nonrobust", "cluster"}, default "HC3"
    cluster : str, optional
        Column with clusters for ``cov_type="cluster"``.
    rtm_mean, rtm_reliability : number or dict {measure: number}, optional
    id : str, optional
    alpha : float, default 0.05

    Returns
    -------
    DataFrame
        ``measure, estimate, n, value, se, ci_low, ci_high, p, method``.

    Example
    -------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"client_id": range(8), "measure": "w",
    ...                   "baseline": [18.0, 20, 19, 21, 19, 20, 18, 21],
    ...                   "follow_up": [21.0, 23, 21, 25, 20, 20, 19, 22],
    ...                   "group": ["referred"] * 4 + ["comparison"] * 4})
    >>> t = t.assign(change=t["follow_up"] - t["baseline"],
    ...              improvement=t["follow_up"] - t["baseline"])
    >>> did = difference_in_differences(t, adjust_baseline=False)
    >>> did["estimate"].tolist()
    ['before-after change, referred (uncontrolled)', 'before-after change, comparison', 'difference-in-differences', 'expected change from regression to the mean, referred']
    >>> did[["n", "value", "se"]].round(3)
       n  value     se
    0  4   3.00  0.408
    1  4   0.75  0.250
    2  8   2.25  0.553
    3  4    NaN    NaN
    """
    from scipy import stats as sps

    if cov_type not in ("HC3", "HC1", "HC0", "HC2", "nonrobust", "cluster"):
        raise ValueError(f"unknown cov_type {cov_type!r}")
    if cov_type == "cluster" and cluster is None:
        raise InvalidValueError("cov_type='cluster' needs the cluster column", column="cluster",
                                expected="cluster='practice' (for example)")
    id = _id_of(data, id)
    require_columns(data, [id, "measure", "baseline", "follow_up"], what="difference_in_differences")
    frame = _attach(_one_definition(data), clients, id,
                    [group] + ([cluster] if cluster else []))
    from .validation import check_allowed

    check_allowed(frame, group, [treated, control], allow_missing=False)
    names = _measure_names(frame, measures)
    _unknown_keys(rtm_mean, names, "rtm_mean")
    _unknown_keys(rtm_reliability, names, "rtm_reliability")
    criteria = {c["measure"]: c for c in data.attrs.get("change", {}).get("criteria", [])}
    rows = []
    for name in names:
        sub = frame[(frame["measure"] == name) & frame["baseline"].notna()
                    & frame["follow_up"].notna()]
        y = (sub["follow_up"] - sub["baseline"]).to_numpy(dtype=float)
        x1 = sub["baseline"].to_numpy(dtype=float)
        is_t = (sub[group] == treated).to_numpy()
        for flag, label in ((is_t, f"{treated}"), (~is_t, f"{control}")):
            if flag.sum() < 2:
                raise InvalidValueError(f"fewer than 2 clients with both scores in group "
                                        f"{label!r} for measure {name!r}", column=group,
                                        expected="at least 2 per group")
        for flag, label in ((is_t, f"before-after change, {treated} (uncontrolled)"),
                            (~is_t, f"before-after change, {control}")):
            res = sps.ttest_1samp(y[flag], 0.0)
            ci = res.confidence_interval(1 - alpha)
            rows.append({"measure": name, "estimate": label, "n": int(flag.sum()),
                         "value": y[flag].mean(), "se": y[flag].std(ddof=1) / math.sqrt(
                             flag.sum()), "ci_low": ci.low, "ci_high": ci.high,
                         "p": float(res.pvalue), "method": "mean change, t interval"})
        groups_ = None
        if cov_type == "cluster":
            if sub[cluster].isna().any():
                raise InvalidValueError("missing cluster", column=cluster,
                                        expected="a cluster for every client")
            groups_ = pd.factorize(sub[cluster])[0]
        se_text = ("cluster-robust SE by " + cluster) if cov_type == "cluster" else (
            f"{cov_type} SE")
        designs = [("difference-in-differences",
                    np.column_stack([np.ones(len(y)), is_t.astype(float)]),
                    f"OLS change ~ 1 + {treated}, {se_text}")]
        if adjust_baseline:
            designs.append(("difference-in-differences, adjusted for baseline (ANCOVA)",
                            np.column_stack([np.ones(len(y)), is_t.astype(float),
                                             x1 - x1.mean()]),
                            f"OLS change ~ 1 + {treated} + centred baseline, {se_text}"))
        for label, x, method in designs:
            fit = _ols(y, x, cov_type, groups_)
            lo, hi = fit.conf_int(alpha)[1]
            rows.append({"measure": name, "estimate": label, "n": len(y),
                         "value": float(fit.params[1]), "se": float(fit.bse[1]),
                         "ci_low": float(lo), "ci_high": float(hi),
                         "p": float(fit.pvalues[1]), "method": method})
        crit = criteria.get(name)
        inst = None
        if crit is not None:
            inst = _registry().get(crit["instrument"])
        elif "instrument" in sub.columns and sub["instrument"].notna().any():
            inst = _registry().get(str(sub["instrument"].dropna().iloc[0]))
        mu, _ = _override(rtm_mean, name)
        r, _ = _override(rtm_reliability, name)
        mu_src = "given" if mu is not None else "registry norm_mean"
        r_src = "given" if r is not None else "registry retest_reliability"
        if mu is None and inst is not None:
            mu = inst.norm_mean
        if r is None and inst is not None:
            r = inst.retest_reliability
        if mu is None or r is None:
            value = np.nan
            method = ("not computed: pass rtm_mean= and rtm_reliability= (population mean and "
                      "test-retest reliability)")
        else:
            value = float(np.mean(expected_regression(x1[is_t], mean=mu, reliability=r)))
            method = f"mean of (1 − r)(μ − x1); μ = {mu:g} ({mu_src}), r = {r:g} ({r_src})"
        rows.append({"measure": name, "estimate": f"expected change from regression to the "
                     f"mean, {treated}", "n": int(is_t.sum()), "value": value, "se": np.nan,
                     "ci_low": np.nan, "ci_high": np.nan, "p": np.nan, "method": method})
    out = pd.DataFrame(rows)
    out["measure"] = out["measure"].astype("str")
    return out
