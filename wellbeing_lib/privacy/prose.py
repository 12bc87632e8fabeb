"""Counts of people in prose, written as published tables write them.

A sentence that says "1,503 clients" beside a table that shows 1,505 gives the rounding
away, and "three respondents" discloses what the table withholds.  Prose therefore writes a
count of people as it is published: 1–7 as "fewer than 8", others rounded to the nearest 5,
and a percentage of people from the published (rounded) counts, the way
:func:`~wellbeing_lib.privacy.publish` requires of tables.

Example
-------
>>> published_count(1503), published_count(4), published_count(0)
('1,505', 'fewer than 8', '0')
>>> published_share(851, 1000), published_share(3, 40)
('85.0%', 'not published (small numbers)')
"""

from __future__ import annotations

import math

import numpy as np

from ..errors import InvalidValueError
from .suppression import ROUND_BASE, SUPPRESS_HIGH, SUPPRESS_LOW, round_counts

__all__ = ["published_count", "published_share", "NOT_PUBLISHED"]

#: what a share of people says when either count is withheld
NOT_PUBLISHED = "not published (small numbers)"


def _count(n, what: str) -> int:
    if isinstance(n, bool) or not isinstance(n, int | float) or not math.isfinite(n) \
            or n < 0 or n % 1:
        raise InvalidValueError(f"{what} must be a whole number of people",
                                expected="0, 1, 2, ...", found=[n])
    return int(n)


def published_count(n, *, low: int = SUPPRESS_LOW, high: int = SUPPRESS_HIGH,
                    base: int = ROUND_BASE) -> str:
    """A count of people as a published table shows it, in words for a sentence.

    Parameters
    ----------
    n : int
        The count (whole, 0 or more; numpy integers are fine).
    low, high, base : int
        The suppression rule (default NHS Digital's: 1–7 withheld, others to the nearest 5).

    Returns
    -------
    str
        ``"fewer than 8"`` for a withheld count, else the rounded count with thousands
        separators.
    """
    n = _count(float(n) if not isinstance(n, int | float) else n, "the count")
    if low <= n <= high:
        return f"fewer than {high + 1}"
    return f"{int(round_counts(n, base)):,}"


def published_share(n, N, *, decimals: int = 1, low: int = SUPPRESS_LOW,
                    high: int = SUPPRESS_HIGH, base: int = ROUND_BASE) -> str:
    """``n`` as a percentage of ``N``, both as published, so it gives no exact count back.

    Returns :data:`NOT_PUBLISHED` when either count is withheld (1–7), and
    ``"not estimable"`` when the published ``N`` is 0.
    """
    n = _count(float(n) if not isinstance(n, int | float) else n, "n")
    N = _count(float(N) if not isinstance(N, int | float) else N, "N")
    if low <= n <= high or low <= N <= high:
        return NOT_PUBLISHED
    rn, rN = (int(v) for v in round_counts([n, N], base))
    if rN == 0:
        return "not estimable"
    share = float(np.round(100.0 * rn / rN, decimals))  # as reporting.format_percent rounds
    return f"{share:,.{decimals}f}%"
