"""Small helpers shared by the economics modules (price-year labels, flags, money text)."""

from __future__ import annotations

import numbers
import re

import numpy as np

from ..errors import InvalidValueError


def _year_label(value) -> str:
    """A price-year label as text: 2016 → "2016", "2016-17" → "2016/17"."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool) and float(value).is_integer():
        return str(int(value))
    text = str(value).strip()
    match = re.fullmatch(r"(\d{4})\s*[-\u2013/]\s*(\d{2})", text)
    return f"{match.group(1)}/{match.group(2)}" if match else text


def _check_flag(value, name: str) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise InvalidValueError(f"{name} must be True or False", found=[repr(value)])
    return bool(value)


def _money(x: float) -> str:
    return f"-£{-x:,.2f}" if x < 0 else f"£{x:,.2f}"
