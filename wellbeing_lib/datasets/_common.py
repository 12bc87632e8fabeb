"""Helpers shared by the generator modules of :mod:`wellbeing_lib.datasets` (private)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd


def _cast_frames(frames: Mapping[str, pd.DataFrame],
                 dtypes: Mapping[str, Mapping[str, str]]) -> dict[str, pd.DataFrame]:
    """Cast generated frames to their schema: columns in schema order, dtypes, a fresh index.

    Frames whose stem has no schema in ``dtypes`` keep their columns and dtypes.

    Example
    -------
    >>> out = _cast_frames({"t": pd.DataFrame({"b": [1.0], "a": ["x"]}, index=[7])},
    ...                    {"t": {"a": "str", "b": "int64"}})
    >>> out["t"]
       a  b
    0  x  1
    """
    out = {}
    for stem, df in frames.items():
        schema = dtypes.get(stem)
        if schema:
            df = df.loc[:, list(schema)].astype(dict(schema))
        out[stem] = df.reset_index(drop=True)
    return out


def _iso(start: str, offsets) -> np.ndarray:
    """ISO date strings ``start + offsets`` days.

    Example
    -------
    >>> _iso("2016-01-01", [0, 31]).tolist()
    ['2016-01-01', '2016-02-01']
    """
    days = np.datetime64(start, "D") + np.asarray(offsets, dtype="int64").astype("timedelta64[D]")
    return np.datetime_as_string(days, unit="D")


def _exact_counts(probs, n: int) -> np.ndarray:
    """Integer counts summing to ``n`` closest to ``n * probs`` (largest remainder).

    Example
    -------
    >>> _exact_counts([0.5, 0.3, 0.2], 7).tolist()
    [4, 2, 1]
    """
    raw = np.asarray(probs, dtype=float) * n
    counts = np.floor(raw).astype(np.int64)
    short = n - counts.sum()
    order = np.argsort(-(raw - counts), kind="stable")
    counts[order[:short]] += 1
    return counts
