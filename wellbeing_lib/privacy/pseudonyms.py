"""Pseudonyms: keyed hashes (HMAC-SHA256) of identifiers, with no default key."""

from __future__ import annotations

import hashlib
import hmac
import os

import numpy as np
import pandas as pd

from ..errors import DuplicateKeyError, InvalidValueError
from .nhs_numbers import _NHS_FULL

#: environment variable holding the pseudonymisation key when ``key`` is not given
KEY_ENV = "WELLBEING_PSEUDONYM_KEY"
#: shortest pseudonym allowed: 8 hex characters = 32 bits
MIN_PSEUDONYM_LENGTH = 8


def _resolve_key(key) -> bytes:
    if key is None:
        key = os.environ.get(KEY_ENV)
        if not key:
            raise InvalidValueError(
                "no pseudonymisation key",
                expected=f"key=<secret> or the environment variable {KEY_ENV} set to a "
                "secret kept apart from the code and the data (there is no default key)",
            )
    if isinstance(key, str):
        key = key.encode("utf-8")
    if not isinstance(key, bytes | bytearray) or not key:
        raise InvalidValueError(
            "invalid pseudonymisation key", expected="a non-empty str or bytes"
        )
    return bytes(key)


def _normalise_identifier(value) -> str | None:
    """Text form of one identifier: stripped; whole floats without '.0'; NHS spaces removed."""
    if isinstance(value, float | np.floating):
        if np.isnan(value):
            return None
        value = int(value) if float(value).is_integer() else float(value)
    text = str(value).strip()
    if not text:
        return None
    if _NHS_FULL.fullmatch(text):
        text = text.replace(" ", "").replace("-", "")
    return text


def _keyed_hash(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def pseudonymise(values, *, key=None, prefix: str = "", length: int = 12):
    """Replace identifiers by keyed-hash pseudonyms (HMAC-SHA256).

    ``pseudonym = prefix + HMAC-SHA256(key, message=text)[:length]`` in hex, where
    ``text`` is the identifier's string form with surrounding whitespace stripped,
    whole floats written without ".0" (Excel stores 9434765919 as 9434765919.0) and
    NHS numbers in 3-3-4 groups written without spaces or hyphens; letter case is kept.
    The same key gives the same pseudonym in every run (so files can be linked);
    another key gives unrelated pseudonyms; without the key the pseudonyms cannot be
    reversed or recomputed.  Each unique value is hashed once.

    Pseudonymised data are still personal data (UK GDPR, ICO guidance): keep the key
    secret, separate from the data, and do not publish record-level pseudonyms.

    Parameters
    ----------
    values : scalar, or list / array / Index / Series
    key : str or bytes, optional
        The secret HMAC key (not a salt: it must stay secret).  If None, the
        environment variable ``WELLBEING_PSEUDONYM_KEY`` is used; if that is not set
        either, an error is raised (there is no default).
    prefix : str, default ""
        Put in front of every pseudonym, e.g. ``"P-"``.
    length : int, default 12
        Hex characters kept (8–64).  Collisions become likely at about
        ``16**(length/2)`` distinct values (65,000 for 8, 16.8 million for 12).

    Returns
    -------
    str or Series
        Scalar in → str out (None for a missing value).  Otherwise a ``str`` Series
        (index and name of a Series kept), missing where the input is missing or
        blank.

    Raises
    ------
    InvalidValueError
        No key, or ``length`` outside 8–64.
    DuplicateKeyError
        Two different identifiers received the same pseudonym (use a larger
        ``length``).

    References
    ----------
    Krawczyk, Bellare & Canetti (1997), RFC 2104: HMAC.

    Example
    -------
    >>> pseudonymise("943 476 5919", key="example-key", prefix="P-")
    'P-37bb60a03228'
    >>> pseudonymise([9434765919, None], key="example-key", prefix="P-").tolist()
    ['P-37bb60a03228', nan]
    """
    secret = _resolve_key(key)
    if (
        isinstance(length, bool)
        or not isinstance(length, int | np.integer)
        or not MIN_PSEUDONYM_LENGTH <= length <= 64
    ):
        raise InvalidValueError(
            f"invalid pseudonym length={length!r}",
            expected=f"a whole number from {MIN_PSEUDONYM_LENGTH} to 64 "
            "(shorter pseudonyms are likely to collide)",
        )
    scalar = pd.api.types.is_scalar(values)
    if scalar:
        series = pd.Series([values], dtype=object)
    elif isinstance(values, pd.Series):
        series = values
    elif isinstance(values, pd.DataFrame):
        raise InvalidValueError(
            "pseudonymise takes one column at a time",
            expected="a Series, list or array (e.g. data['id'])",
            found=["DataFrame"],
        )
    else:
        name = values.name if isinstance(values, pd.Index) else None
        series = pd.Series(np.asarray(values, dtype=object).ravel(), dtype=object, name=name)

    codes, uniques = pd.factorize(series)
    texts = pd.Series([_normalise_identifier(u) for u in uniques], dtype=object)
    text_codes, text_uniques = pd.factorize(texts)  # "943 476 5919" and 9434765919 meet
    hashes = np.array([_keyed_hash(secret, t)[:length] for t in text_uniques], dtype=object)

    value_code = np.full(len(series), -1, dtype=np.int64)
    seen = codes >= 0
    value_code[seen] = text_codes[codes[seen]]
    out = np.full(len(series), None, dtype=object)
    hit = value_code >= 0
    out[hit] = prefix + hashes[value_code[hit]].astype(str).astype(object)

    clash = pd.Series(hashes).duplicated(keep=False).to_numpy()
    if clash.any():
        bad = np.flatnonzero(clash)
        rows = series.index[np.isin(value_code, bad)]
        raise DuplicateKeyError(
            "pseudonym collision: different identifiers received the same pseudonym",
            column=series.name if isinstance(series.name, str) else None,
            rows=list(rows),
            expected=f"a larger length than {length}",
            found=sorted({prefix + h for h in hashes[bad]}),
        )
    result = pd.Series(out, index=series.index, name=series.name, dtype="str")
    if scalar:
        value = result.iloc[0]
        return None if pd.isna(value) else value
    return result


