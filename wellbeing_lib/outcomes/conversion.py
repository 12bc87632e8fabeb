"""Scores on other scales and against the population: the SWEMWBS metric conversion,
the approximate WEMWBS-equivalent and population norms standardised to a sample's sex mix.

Example
-------
>>> swemwbs_metric(21), wemwbs_equivalent(19.25)
(19.25, 38.5)
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from ..errors import InvalidValueError
from ..io import load_reference_table
from ..validation import check_allowed
from ._common import _as_array
from .instruments import _resolve

__all__ = ["swemwbs_metric", "wemwbs_equivalent", "population_norm", "SWEMWBS_TABLE"]


#: the package table converting SWEMWBS raw totals to metric scores
SWEMWBS_TABLE = "swemwbs_raw_to_metric.csv"


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
