"""Redaction of personal details in free text before it is quoted."""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

from ..errors import InvalidValueError
from .nhs_numbers import _NHS_IN_TEXT

#: default placeholders of :func:`redact_pii`, in the order the patterns are applied
PII_PLACEHOLDERS = {
    "email": "[EMAIL]",
    "nhs_number": "[NHS NUMBER]",
    "phone": "[PHONE]",
    "postcode": "[POSTCODE]",
    "name": "[NAME]",
}

_PII_PATTERNS = {
    "email": re.compile(r"\b[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b"),
    # 10 digits (3-3-4 or plain), checked before phone numbers; not part of +44 numbers
    "nhs_number": _NHS_IN_TEXT,
    # UK numbers: +44 / 0044 [ (0) ] then 9-10 digits; (0xxxx) 6-8 digits; 0 then 9-10
    # digits; single spaces or hyphens anywhere between digits
    "phone": re.compile(
        r"(?<![\w+])(?<!\d[.,])"
        r"(?:"
        r"(?:\+44|\b0044)[ -]?(?:\(0\)[ -]?)?[1-9](?:[ -]?\d){8,9}"
        r"|\(0\d{2,4}\)[ -]?\d(?:[ -]?\d){5,7}"
        r"|\b0[1-9](?:[ -]?\d){8,9}"
        r")(?!\d|[.,]\d)"
    ),
    # full UK postcodes (outward + inward code), any case, space optional; a lower-case
    # ordinal ("B2 2nd") is not taken for an inward code
    "postcode": re.compile(
        r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?(?!(?-i:\d(?:st|nd|rd|th)\b))"
        r"\d[ABD-HJLNP-UW-Z]{2})\b",
        re.IGNORECASE,
    ),
    # honorific (title case) followed by one to three capitalised names or initials
    "name": re.compile(
        r"\b(?:Mrs|Mr|Ms|Miss|Mx|Dr|Prof|Professor|Sir|Dame|Lady|Lord|Rev|Revd|Reverend"
        r"|Cllr)\b\.?"
        r"(?:[ \t]+(?:[A-Z]\.|[A-Z][A-Za-z]*(?:['’-][A-Z][A-Za-z]*)*)){1,3}"
    ),
}


def redact_pii(text, *, placeholders: Mapping[str, str | None] | None = None):
    """Replace personal identifiers in free text by placeholders.

    Applied in this order: e-mail addresses → ``[EMAIL]``; NHS numbers (10 digits,
    plain or in 3-3-4 groups; looked for before phone numbers, whether or not they
    pass Modulus 11) → ``[NHS NUMBER]``; UK phone numbers (``+44``/``0044``/``0``
    prefixes, ``(0)``, bracketed area codes, spaces and hyphens) → ``[PHONE]``; full UK
    postcodes (any case, e.g. "EX1 2LB", "sw1a 1aa") → ``[POSTCODE]``; an honorific
    (Mr, Mrs, Ms, Miss, Mx, Dr, Prof, Sir, Dame, Rev, Cllr...) followed by capitalised
    names → ``[NAME]``.  Ordinary numbers (ages, years, money, counts) are left alone.

    Pattern matching misses names without an honorific, lower-case names and
    identifiers written in unusual ways: read redacted quotes before publishing them.

    Parameters
    ----------
    text : str or Series
        A Series is processed with vectorised ``Series.str.replace``; missing values
        stay missing; non-text values are converted to text.
    placeholders : mapping, optional
        Override the placeholder of a kind (``"email"``, ``"nhs_number"``,
        ``"phone"``, ``"postcode"``, ``"name"``); None switches that kind off.

    Returns
    -------
    str or Series
        Same kind as the input (a ``str`` Series with the same index and name).

    Example
    -------
    >>> redact_pii("Mrs Smith (EX1 2LB, 07700 900123) is 74 and saw 3 staff in 2019.")
    '[NAME] ([POSTCODE], [PHONE]) is 74 and saw 3 staff in 2019.'
    """
    labels = dict(PII_PLACEHOLDERS)
    if placeholders is not None:
        unknown = [k for k in placeholders if k not in labels]
        if unknown:
            raise InvalidValueError(
                f"unknown placeholder kind {', '.join(map(repr, unknown))}",
                expected="keys among " + ", ".join(labels),
            )
        labels.update(placeholders)
    steps = [
        (_PII_PATTERNS[kind], label.replace("\\", r"\\"))
        for kind, label in labels.items()
        if label is not None
    ]
    if isinstance(text, pd.Series):
        out = text.astype("str")
        for pattern, label in steps:
            out = out.str.replace(pattern, label, regex=True)
        return out
    if text is None or (pd.api.types.is_scalar(text) and pd.isna(text)):
        return text
    if not isinstance(text, str):
        raise InvalidValueError(
            "redact_pii needs text", expected="a str or a Series of text",
            found=[type(text).__name__],
        )
    for pattern, label in steps:
        text = pattern.sub(label, text)
    return text

