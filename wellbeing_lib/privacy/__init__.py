"""Privacy: small-count suppression, pseudonyms, NHS numbers and free-text redaction.

Every published table or report made with wellbeing_lib goes through this module.

Counting where the data live
    :func:`count_table` (a cross-tab, as ``pandas.crosstab``) and :func:`count_groups`
    (a tidy table with ``n``) count row-level data in any backend of
    :mod:`wellbeing_lib.frames` (pandas, polars, pyarrow, DuckDB, PySpark) with one
    ``group_by`` where it lives and return the small pandas table, every category
    present (zeros filled), that suppression and :func:`publish` take.  Missing values
    in a grouping column raise an error, or are counted as ``"(missing)"``.
Small-count suppression
    :func:`suppress_small_counts` (wide cross-tabs, with secondary suppression that
    passes the audit, and optional margins), :func:`suppress_linked` (cross-tabs of the
    same data, protected together), :func:`suppress_rows` (tidy tables with count and
    derived columns) and :func:`suppressed_percentages` (from the published counts).
    The default rule is NHS Digital's for HES/ECDS since 2018: below national level,
    counts of 1–7 are suppressed and all other counts rounded to the nearest 5; zero
    is published as 0.  Other services suppress counts below 10
    (``low=1, high=9, base=1``).
Audit and the publishing gate
    :func:`audit`: every withheld cell's feasible interval given everything published
    (linear programming), and whether it is protected.  :func:`publish` (and
    :func:`publish_linked`): suppress, audit, refuse (:class:`~wellbeing_lib.errors.DisclosureError`)
    and mark withheld cells ``"*"`` - the one way a table gets into a report.
    :func:`scan_reports` checks finished HTML and Excel reports.
Counts in prose
    :func:`published_count` ("fewer than 8", "1,505") and :func:`published_share` (from
    the published counts): how a sentence states a count of people.
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
>>> publish(counts)
         improved same  worse
Exeter         10   25     10
Torbay          *    *     15
Plymouth       25   30     10
"""

from .audit import AUDIT_COLUMNS, audit
from .counting import MISSING_LABEL, count_groups, count_table
from .nhs_numbers import find_nhs_numbers, is_valid_nhs_number, nhs_number_check_digit
from .prose import NOT_PUBLISHED, published_count, published_share
from .pseudonyms import KEY_ENV, pseudonymise
from .publishing import NOT_PERSON_COUNTS, is_count_column, publish, publish_linked
from .redaction import PII_PLACEHOLDERS, redact_pii
from .scan import SCAN_COLUMNS, scan_reports
from .suppression import (
    MARKER,
    ROUND_BASE,
    SUPPRESS_HIGH,
    SUPPRESS_LOW,
    round_counts,
    row_suppression_flags,
    suppress_linked,
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
    "AUDIT_COLUMNS",
    "SCAN_COLUMNS",
    "NOT_PERSON_COUNTS",
    "MISSING_LABEL",
    "count_table",
    "count_groups",
    "suppress_small_counts",
    "suppress_linked",
    "suppression_flags",
    "suppress_rows",
    "row_suppression_flags",
    "suppressed_percentages",
    "publish",
    "publish_linked",
    "audit",
    "is_count_column",
    "scan_reports",
    "round_counts",
    "pseudonymise",
    "published_count",
    "published_share",
    "NOT_PUBLISHED",
    "is_valid_nhs_number",
    "nhs_number_check_digit",
    "find_nhs_numbers",
    "redact_pii",
]
