"""Privacy: small-count suppression, pseudonyms, NHS numbers and free-text redaction.

Every published table or report made with wellbeing_lib goes through this module.

Small-count suppression
    :func:`suppress_small_counts` (wide cross-tabs, with secondary suppression and
    optional margins), :func:`suppress_rows` (tidy tables with count and derived
    columns), :func:`suppressed_percentages` and :func:`publish` (NA → ``"*"``).
    The default rule is NHS Digital's for HES/ECDS since 2018: below national level,
    counts of 1–7 are suppressed and all other counts rounded to the nearest 5; zero
    is published as 0.  Other services suppress counts below 10
    (``low=1, high=9, base=1``).
Pseudonyms
    :func:`pseudonymise`: keyed hash (HMAC-SHA256) of identifiers.
NHS numbers
    :func:`is_valid_nhs_number`, :func:`nhs_number_check_digit` (Modulus 11) and
    :func:`find_nhs_numbers`, to catch identifiers before publishing.
Free text
    :func:`redact_pii`: e-mails, UK phone numbers, NHS numbers, postcodes, names with
    an honorific.

Suppression and redaction reduce, not remove, the risk of disclosure; a person who
knows the data still has to check the output before it is published.

Example
-------
>>> import pandas as pd
>>> from wellbeing_lib.privacy import suppress_small_counts, publish
>>> counts = pd.DataFrame({"improved": [12, 3, 25], "same": [23, 4, 31],
...                        "worse": [9, 14, 10]}, index=["Exeter", "Torbay", "Plymouth"])
>>> publish(suppress_small_counts(counts))
         improved same worse
Exeter          *    *    10
Torbay          *    *    15
Plymouth       25   30    10
"""

from .nhs_numbers import find_nhs_numbers, is_valid_nhs_number, nhs_number_check_digit
from .pseudonyms import KEY_ENV, pseudonymise
from .redaction import PII_PLACEHOLDERS, redact_pii
from .suppression import (
    MARKER,
    ROUND_BASE,
    SUPPRESS_HIGH,
    SUPPRESS_LOW,
    publish,
    round_counts,
    row_suppression_flags,
    suppress_rows,
    suppress_small_counts,
    suppressed_percentages,
    suppression_flags,
)

__all__ = [
    "SUPPRESS_LOW",
    "SUPPRESS_HIGH",
    "ROUND_BASE",
    "MARKER",
    "KEY_ENV",
    "PII_PLACEHOLDERS",
    "suppress_small_counts",
    "suppression_flags",
    "suppress_rows",
    "row_suppression_flags",
    "suppressed_percentages",
    "publish",
    "round_counts",
    "pseudonymise",
    "is_valid_nhs_number",
    "nhs_number_check_digit",
    "find_nhs_numbers",
    "redact_pii",
]
