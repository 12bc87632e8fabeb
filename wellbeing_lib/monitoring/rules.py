"""The "Making Data Count" special-cause rules, vectorised over many series at once.

Four rules flag a point as *special cause* variation (NHS England, "Making Data Count:
strengthening your decisions", 2019; implemented as in the NHS-R Community's
NHSRplotthedots 0.2.2, whose results these functions reproduce exactly):

1. **a point outside the process limits** (above the upper or below the lower limit);
2. **a trend**: ``trend`` (default 7) or more consecutive points each higher than the one
   before (or each lower); a repeated value breaks the trend;
3. **two of three near a limit**: two or more of three consecutive points in the outer third
   between the mean and a process limit (beyond 2 sigma), all three on the same side of the
   mean (a point beyond the limit is "outside", not "near");
4. **a shift**: ``shift`` (default 7) or more consecutive points on the same side of the mean;
   a point exactly on the mean breaks the run.

When a point meets several rules, the first in the order above names it (outside the limits,
then trend, then two of three, then shift), as NHSRplotthedots does.

The rules never look across a *segment* boundary: a segment is one series (a practice, a
measure) in one baseline period (a rebase starts a new one).  A missing point (no value) has no
side and no near-limit flag, and breaks shifts, trends and two-of-three windows: a signal needs
consecutive observed points.  (NHSRplotthedots requires series without gaps.)

Other run lengths are a setting: ``trend=6`` gives the trend rule of the Health Care Data Guide
(Provost & Murray 2011, p. 116) and of NHS Improvement's 2017 guidance; ``shift=8`` the
Western Electric run of eight.

Example
-------
>>> import numpy as np
>>> y = np.array([1., 2, 3, 4, 5, 6, 7, 3, 4])
>>> flags = detect_rules(y, mean=np.full(9, 4.0), lpl=np.full(9, -10.0), upl=np.full(9, 20.0),
...                      near_lpl=np.full(9, -5.0), near_upl=np.full(9, 13.0),
...                      segment=np.zeros(9, dtype=int))
>>> flags.rule.tolist()  # doctest: +NORMALIZE_WHITESPACE
['trend', 'trend', 'trend', 'trend', 'trend', 'trend', 'trend', 'none', 'none']
>>> flags.side.tolist()[:2]
['high', 'high']
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "SHIFT_LENGTH",
    "TREND_LENGTH",
    "LIMIT_SIGMA",
    "RULE_ORDER",
    "RuleFlags",
    "detect_rules",
    "run_membership",
]

#: default shift length: 7 points on one side of the mean (NHS England Making Data Count;
#: NHSRplotthedots)
SHIFT_LENGTH = 7
#: default trend length: 7 points each rising or each falling (NHS England Making Data Count;
#: NHSRplotthedots)
TREND_LENGTH = 7
#: process limits at 3 sigma; "near a limit" is beyond 2 sigma (two thirds of the way)
LIMIT_SIGMA = 3.0
#: the rules in the order that names a point meeting several
RULE_ORDER = ("outside_limits", "trend", "two_of_three", "shift")


@dataclass(frozen=True)
class RuleFlags:
    """Per-point results of :func:`detect_rules` (arrays of the input's length).

    Attributes
    ----------
    outside_limits, close_to_limits : ndarray of bool
        Above the upper / below the lower process limit; in the outer third (beyond 2 sigma)
        but within the limits.
    relative_to_mean : ndarray of int
        +1 above the mean, -1 below, 0 on it or missing.
    shift, trend, two_of_three : ndarray of bool
        Part of a shift, of a trend, of two-of-three near a limit.
    trend_direction : ndarray of int
        +1 rising, -1 falling (only meaningful where ``trend``).
    rule : ndarray of str
        The rule that names the point: ``"outside_limits"``, ``"trend"``, ``"two_of_three"``,
        ``"shift"`` or ``"none"`` (common cause); ``"no_data"`` for a missing point.
    side : ndarray of str
        ``"high"`` (above the mean, or rising) or ``"low"``; ``""`` when ``rule`` is
        ``"none"`` or ``"no_data"``.
    """

    outside_limits: np.ndarray
    close_to_limits: np.ndarray
    relative_to_mean: np.ndarray
    shift: np.ndarray
    trend: np.ndarray
    trend_direction: np.ndarray
    two_of_three: np.ndarray
    rule: np.ndarray
    side: np.ndarray


def run_membership(values: np.ndarray, segment: np.ndarray, min_length: int) -> np.ndarray:
    """True where a point belongs to a run of ``min_length`` or more equal, non-zero values.

    Runs never cross a change of ``segment``.  Vectorised: run starts are where the value or
    the segment changes, run lengths come from one ``bincount``.

    Example
    -------
    >>> v = np.array([1, 1, 1, 0, -1, -1, -1, -1])
    >>> run_membership(v, np.zeros(8, dtype=int), 3).astype(int).tolist()
    [1, 1, 1, 0, 1, 1, 1, 1]
    >>> run_membership(v, np.array([0, 0, 1, 1, 1, 1, 1, 1]), 3).astype(int).tolist()
    [0, 0, 0, 0, 1, 1, 1, 1]
    """
    values = np.asarray(values)
    segment = np.asarray(segment)
    n = len(values)
    if n == 0:
        return np.zeros(0, dtype=bool)
    start = np.ones(n, dtype=bool)
    start[1:] = (values[1:] != values[:-1]) | (segment[1:] != segment[:-1])
    run_id = np.cumsum(start) - 1
    length = np.bincount(run_id)
    return (values != 0) & (length[run_id] >= min_length)


def _same_segment_next(segment: np.ndarray, k: int) -> np.ndarray:
    """``out[i]`` is True when point ``i + k`` exists and is in the same segment as ``i``."""
    n = len(segment)
    out = np.zeros(n, dtype=bool)
    if n > k:
        out[: n - k] = segment[k:] == segment[: n - k]
    return out


def _shifted(values: np.ndarray, k: int, fill) -> np.ndarray:
    """``values[i + k]`` (``fill`` past either end)."""
    out = np.full(len(values), fill, dtype=values.dtype)
    if k > 0:
        out[:-k] = values[k:]
    elif k < 0:
        out[-k:] = values[:k]
    else:
        out[:] = values
    return out


def _trend(y: np.ndarray, segment: np.ndarray, length: int) -> tuple[np.ndarray, np.ndarray]:
    """Points in a trend of ``length`` or more, and the direction that names each one."""
    n = len(y)
    step = np.zeros(n, dtype=np.int64)  # sign(y[i] - y[i-1]) within a segment, else 0
    if n > 1:
        same = segment[1:] == segment[:-1]
        with np.errstate(invalid="ignore"):
            diff = np.sign(y[1:] - y[:-1])
        step[1:] = np.where(same & ~np.isnan(diff), diff, 0).astype(np.int64)
    # a trend of L points is L - 1 equal, non-zero steps in a row; the steps' segment is the
    # step's right-hand point's, and a step is 0 at every segment start, so runs stay inside
    in_run = run_membership(step, segment, max(length - 1, 1))
    next_in_run = _shifted(in_run, 1, False) & _same_segment_next(segment, 1)
    trend = in_run | next_in_run
    # direction as NHSRplotthedots names it: a point whose next point is also in a trend takes
    # the step to the right, otherwise the step from the left
    next_trend = _shifted(trend, 1, False) & _same_segment_next(segment, 1)
    direction = np.where(trend & next_trend, _shifted(step, 1, 0), step)
    return trend, direction


def _two_of_three(close: np.ndarray, side: np.ndarray, segment: np.ndarray) -> np.ndarray:
    """Near-limit points that are two (or three) of three consecutive on the same side."""
    c = close.astype(np.int64)
    window_ok = _same_segment_next(segment, 2)  # points i, i+1, i+2 in one segment
    n_close = c + _shifted(c, 1, 0) + _shifted(c, 2, 0)
    same_side = np.abs(side + _shifted(side, 1, 0) + _shifted(side, 2, 0)) == 3
    window = window_ok & (n_close >= 2) & same_side  # the window starting at i qualifies
    covered = window | _shifted(window, -1, False) | _shifted(window, -2, False)
    return close & covered


def detect_rules(
    y,
    *,
    mean,
    lpl,
    upl,
    near_lpl,
    near_upl,
    segment,
    shift: int = SHIFT_LENGTH,
    trend: int = TREND_LENGTH,
) -> RuleFlags:
    """Apply the four special-cause rules to points sorted by segment then date.

    Parameters
    ----------
    y : array of float
        The values, NaN for a missing point, sorted by segment then date.
    mean, lpl, upl, near_lpl, near_upl : array of float
        Per point: the centre line, the process limits and the near-limit lines (2 sigma);
        NaN where the segment has no limits (fewer than two baseline points).
    segment : array of int
        Segment code of each point (series x baseline period); points of one segment are
        contiguous.
    shift, trend : int, default 7
        Run lengths of the shift and trend rules.

    Returns
    -------
    RuleFlags
    """
    y = np.asarray(y, dtype=float)
    segment = np.asarray(segment)
    mean, lpl, upl, near_lpl, near_upl = (np.asarray(a, dtype=float)
                                          for a in (mean, lpl, upl, near_lpl, near_upl))
    observed = ~np.isnan(y)
    has_limits = observed & ~np.isnan(lpl) & ~np.isnan(upl)
    outside = has_limits & ((y > upl) | (y < lpl))
    with np.errstate(invalid="ignore"):
        side = np.where(observed & ~np.isnan(mean), np.sign(y - mean), 0).astype(np.int64)
        close = has_limits & ~outside & ((y < near_lpl) | (y > near_upl))
    in_shift = run_membership(side, segment, shift)
    in_trend, direction = _trend(y, segment, trend)
    in_two = _two_of_three(close, side, segment)

    rule = np.select([~observed, outside, in_trend, in_two, in_shift],
                     ["no_data", *RULE_ORDER], "none")
    high = np.where(rule == "trend", direction == 1, side == 1)
    flagged = (rule != "none") & (rule != "no_data")
    side_text = np.where(flagged, np.where(high, "high", "low"), "")
    return RuleFlags(outside, close, side, in_shift, in_trend, direction, in_two,
                     rule.astype(object), side_text.astype(object))
