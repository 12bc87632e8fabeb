"""From themes to recommendations: which themes support which recommendation, and the
evidence behind each (how many people, which groups, in whose words).

:func:`load_recommendation_map` loads the bundled theme -> recommendation table (TONIC's
2019 recommendation areas and four more); :func:`read_recommendation_map` reads yours.
:func:`recommendation_evidence` counts supporters with Wilson intervals, by group, and
picks redacted quotes, returning a :class:`RecommendationEvidence`.

Example
-------
>>> load_recommendation_map()["recommendation"].nunique()
7
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import InvalidValueError
from ..io import load_reference_table, with_source
from ..stats import proportion_ci
from ..validation import (
    DEFAULT_CI,
    as_columns,
    check_ci,
    check_unique,
    error_location,
    require_columns,
)
from ._common import _active, _frame_from, _unit_columns
from ._mentions import _group_counts, _groups, _long, _pick_quotes, _presence, _suppress
from .codebook import theme_labels

__all__ = [
    "RECOMMENDATIONS_FILE",
    "load_recommendation_map",
    "read_recommendation_map",
    "RecommendationEvidence",
    "recommendation_evidence",
]

RECOMMENDATIONS_FILE = "theme_recommendations.csv"


def load_recommendation_map() -> pd.DataFrame:
    """The bundled theme -> recommendation mapping, validated.

    Bundled ``theme_recommendations.csv`` links the default codebook's themes to the
    three recommendation areas of TONIC's (2019) *A Conversation about Wellbeing* -
    "Further enable self-care", "More conversations about wellbeing", "Maximise the
    impact of prevention communications" - and to four further areas added by
    wellbeing_lib (``source`` says which).  A theme may feed several recommendations.
    Columns ``theme``, ``recommendation``, ``detail``, ``source``, ``year``.  To use your
    own mapping, read it with :func:`read_recommendation_map`.

    Example
    -------
    >>> m = load_recommendation_map()
    >>> m.groupby("recommendation", sort=False).size().head(3)
    recommendation
    Further enable self-care                            4
    More conversations about wellbeing                  4
    Maximise the impact of prevention communications    3
    dtype: int64
    """
    table = load_reference_table(RECOMMENDATIONS_FILE)
    return _validated_map(with_source(table, RECOMMENDATIONS_FILE))


def read_recommendation_map(path_or_frame) -> pd.DataFrame:
    """Read and validate your own theme -> recommendation mapping (a file or a table).

    Parameters
    ----------
    path_or_frame : str, Path or DataFrame
        A CSV/XLSX file (encoding detected) or a DataFrame (copied, not changed) with
        columns ``theme`` and ``recommendation`` (others such as ``detail``, ``source``
        and ``year`` kept).  A theme may feed several recommendations.

    Raises
    ------
    MissingColumnError, InvalidValueError, DuplicateKeyError
        A column missing; a missing theme or recommendation; a pair listed twice (rows
        and file lines named).

    Example
    -------
    >>> import pandas as pd
    >>> read_recommendation_map(pd.DataFrame({"theme": [" Loneliness"],
    ...                                       "recommendation": ["Befriending"]}))
            theme recommendation
    0  Loneliness    Befriending
    """
    return _validated_map(_frame_from(path_or_frame, "path_or_frame"))


def _validated_map(table: pd.DataFrame) -> pd.DataFrame:
    require_columns(table, ["theme", "recommendation"], what="recommendation map")
    for col in ("theme", "recommendation"):
        values = table[col].astype("str").str.strip()
        bad = (values.isna() | (values == "")).to_numpy()
        if bad.any():
            raise InvalidValueError(f"missing {col}", column=col, expected=f"a {col} on every row",
                                    **error_location(table, table.index[bad]))
        table[col] = values
    check_unique(table, ["theme", "recommendation"])
    return table


@dataclass(frozen=True, eq=False)
class RecommendationEvidence:
    """Evidence behind each recommendation (see :func:`recommendation_evidence`).

    Attributes
    ----------
    summary : DataFrame
        ``recommendation``, ``themes``, ``n``, ``N``, ``percent``, ``ci_low``, ``ci_high``.
    by_group : DataFrame
        The same by group (empty without ``by``).
    quotes : DataFrame
        ``recommendation``, ``rank``, unit columns, ``quote`` (redacted), ``match``,
        ``redacted`` (empty without texts).
    """

    summary: pd.DataFrame
    by_group: pd.DataFrame
    quotes: pd.DataFrame


    def to_frame(self) -> pd.DataFrame:
        """The summary: one row per recommendation."""
        return self.summary


def recommendation_evidence(data: pd.DataFrame, mentions: pd.DataFrame, *, mapping=None,
                            by=None, texts: pd.DataFrame | None = None,
                            respondent: str = "respondent", text: str = "text", unit=None,
                            codebook=None, n_quotes: int = 2, random_state=0,
                            max_chars: int | None = 300, ci: float = DEFAULT_CI,
                            suppress=False) -> RecommendationEvidence:
    """How many people, which groups and which words support each recommendation.

    A respondent supports a recommendation when they mention (non-negated) any theme
    mapped to it.  ``n`` / ``N`` are respondents of ``data`` with a Wilson interval;
    ``by_group`` repeats this per group; quotes are chosen and redacted as in
    :func:`~wellbeing_lib.engagement.exemplar_quotes` (among answers mentioning any of
    the recommendation's themes).

    Parameters
    ----------
    data : DataFrame
        One row per respondent (the ``by`` columns; also ``text`` if each respondent gave
        one answer and no ``texts`` table is given).
    mentions : DataFrame
        Output of :func:`~wellbeing_lib.engagement.apply_codebook`.
    mapping : DataFrame or path, optional
        Theme -> recommendation (default :func:`load_recommendation_map`; a file or table
        of yours is read with :func:`read_recommendation_map`).  Every mapped theme must
        be a theme of the codebook (catches spelling slips).
    by : str or list, optional
    texts : DataFrame, optional
        The answers given to :func:`~wellbeing_lib.engagement.apply_codebook`, for quotes.
    unit : str or list, optional
        Columns identifying an answer in ``texts``, as given to ``apply_codebook``
        (default: ``respondent`` and ``question``, those in ``mentions``; the
        ``respondent`` column when the quotes come from ``data``).
    codebook : str, path, DataFrame or None
        The codebook given to ``apply_codebook`` (default: the bundled wellbeing
        codebook, as there).
    n_quotes, random_state, max_chars
        As in :func:`~wellbeing_lib.engagement.exemplar_quotes`.
    ci, suppress
        As in :func:`~wellbeing_lib.engagement.theme_frequency` (``suppress`` applies to
        summary and by_group).

    Returns
    -------
    RecommendationEvidence
        ``.summary``, ``.by_group``, ``.quotes``.

    Example
    -------
    >>> import pandas as pd
    >>> from wellbeing_lib.engagement import apply_codebook
    >>> data = pd.DataFrame({"respondent": [1, 2, 3, 4],
    ...     "text": ["An app to remind me", "Looking after myself", "Lonely", "Nothing"]})
    >>> ev = recommendation_evidence(data, apply_codebook(data), n_quotes=1)
    >>> ev.summary[["recommendation", "n", "N", "percent"]].head(3)
                                         recommendation  n  N  percent
    0                          Further enable self-care  1  4     25.0
    1                More conversations about wellbeing  1  4     25.0
    2  Maximise the impact of prevention communications  1  4     25.0
    """
    check_ci(ci)
    mapping = load_recommendation_map() if mapping is None else read_recommendation_map(mapping)
    themes = theme_labels(mentions, "theme", codebook)
    unknown = ~mapping["theme"].isin(themes).to_numpy()
    if unknown.any():
        raise InvalidValueError("theme in the recommendation map is not a codebook theme",
                                column="theme", expected="one of " + ", ".join(themes),
                                found=list(mapping["theme"][unknown]),
                                **error_location(mapping, mapping.index[unknown]))
    matrix, labels = _presence(data, mentions, respondent=respondent, level="theme",
                               codebook=codebook)
    recs = list(pd.unique(mapping["recommendation"]))
    link = np.zeros((len(labels), len(recs)), dtype=np.int64)
    link[pd.Index(labels).get_indexer(mapping["theme"]),
         pd.Index(recs).get_indexer(mapping["recommendation"])] = 1
    support = (matrix.astype(np.int64) @ link) > 0
    theme_list = mapping.groupby("recommendation", sort=False)["theme"].agg("; ".join)

    def table(codes, keys):
        n = _group_counts(support, codes, len(keys)).astype(np.int64)
        size = np.bincount(codes, minlength=len(keys))[:, None]
        wil = proportion_ci(n.ravel(), np.broadcast_to(size, n.shape).ravel(), ci=ci)
        out = _long(keys, recs, "recommendation", {
            "n": n, "N": np.broadcast_to(size, n.shape),
            "percent": 100 * wil["proportion"].to_numpy().reshape(n.shape),
            "ci_low": 100 * wil["ci_low"].to_numpy().reshape(n.shape),
            "ci_high": 100 * wil["ci_high"].to_numpy().reshape(n.shape)})
        return _suppress(out, suppress, ["n", "N"], ["percent", "ci_low", "ci_high"], ci=ci)

    summary = table(*_groups(data, None))
    summary.insert(1, "themes", summary["recommendation"].map(theme_list).astype("str"))
    by_group = table(*_groups(data, by)) if by is not None else pd.DataFrame()
    if texts is None and text in data.columns:
        texts, unit_cols = data, [respondent]
    else:
        unit_cols = as_columns(unit) if unit is not None else _unit_columns(mentions, None)
    if texts is not None:
        relabel = mapping[["theme", "recommendation"]]
        active = _active(mentions).merge(relabel, on="theme", how="inner")
        quotes = _pick_quotes(texts, active, unit_cols=unit_cols, label="recommendation",
                              order=recs, text=text, n=n_quotes, random_state=random_state,
                              max_chars=max_chars, placeholders=None)
    else:
        quotes = pd.DataFrame(columns=["recommendation", "rank", *unit_cols, "quote",
                                       "match", "redacted"])
    return RecommendationEvidence(summary=summary, by_group=by_group, quotes=quotes)

