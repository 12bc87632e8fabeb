"""Bands of a score: ONS4 thresholds, PAM levels, the UCLA-3 loneliness cut-off.

The published limits are in ``data/instrument_bands.csv`` (:func:`instrument_bands`);
:func:`band` assigns values to them and :func:`classify` bands every banded score of an
instrument found in a table.

Example
-------
>>> band([5, 6], "ucla3").tolist()
['not lonely', 'lonely']
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..errors import InvalidValueError
from ..io import load_reference_table
from ..validation import require_columns
from ._common import _as_array, _finite
from .instruments import Instrument, _resolve

__all__ = ["instrument_bands", "band", "classify", "BANDS_FILE"]

#: the package table of bands
BANDS_FILE = "instrument_bands.csv"


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
