"""Themes: who mentions what, overall and by group, which themes go together, and quotes.

Every function takes ``data`` (one row per respondent: who is counted, and the grouping
columns) and ``mentions`` (from :func:`~wellbeing_lib.engagement.apply_codebook`); a
respondent mentions a theme when any of their answers has a non-negated mention of any of
its codes.  ``codebook=`` is the codebook given to ``apply_codebook`` (default: the bundled
wellbeing codebook, as there): its themes are reported in its order, with zero counts.

Example
-------
>>> import pandas as pd
>>> answers = pd.DataFrame({"respondent": [1, 2, 3],
...                         "text": ["Lonely since my wife died", "Bills and debt", ""]})
>>> from wellbeing_lib.engagement import apply_codebook
>>> f = theme_frequency(answers, apply_codebook(answers))
>>> f[f["n"] > 0][["theme", "n", "N", "percent"]].round(1)
            theme  n  N  percent
1      Loneliness  1  3     33.3
8  Cost of living  1  3     33.3
"""

from __future__ import annotations

import narwhals as nw
import numpy as np
import pandas as pd

from ..errors import InvalidValueError, UnmatchedRecordsError
from ..frames import as_frame, is_lazy, to_pandas
from ..stats import proportion_ci
from ..validation import (
    DEFAULT_CI,
    as_columns,
    check_ci,
    check_labels,
    check_unique,
    require_columns,
)
from ._common import _active, _unit_columns
from ._mentions import (
    P_ADJUST_METHODS,
    _compare_counts,
    _group_counts,
    _groups,
    _long,
    _pick_quotes,
    _presence,
    _suppress,
)
from .codebook import theme_labels

__all__ = [
    "P_ADJUST_METHODS",
    "mention_matrix",
    "theme_frequency",
    "compare_groups",
    "theme_cooccurrence",
    "exemplar_quotes",
]


def mention_matrix(data: pd.DataFrame, mentions: pd.DataFrame, *, respondent: str = "respondent",
                   level: str = "theme", codebook=None) -> pd.DataFrame:
    """Respondent x theme (or code) table: True where the respondent mentions it.

    A respondent mentions a theme when any of their answers has a non-negated mention of
    any of its codes.  Rows are the respondents of ``data`` in order (respondents in
    ``mentions`` but not in ``data`` are left out: ``data`` says who is counted).

    Example
    -------
    >>> import pandas as pd
    >>> from wellbeing_lib.engagement import apply_codebook
    >>> answers = pd.DataFrame({"respondent": [1, 2, 3],
    ...                         "text": ["Lonely since my wife died", "Bills and debt", ""]})
    >>> m = apply_codebook(answers)
    >>> mention_matrix(answers, m)[["Loneliness", "Cost of living"]]  # doctest: +NORMALIZE_WHITESPACE
    theme       Loneliness  Cost of living
    respondent
    1                 True           False
    2                False            True
    3                False           False
    """
    matrix, labels = _presence(data, mentions, respondent=respondent, level=level,
                               codebook=codebook)
    return pd.DataFrame(matrix, index=pd.Index(data[respondent], name=respondent),
                        columns=pd.Index(labels, name=level))



def theme_frequency(data: pd.DataFrame, mentions: pd.DataFrame, *, by=None,
                    respondent: str = "respondent", level: str = "theme", codebook=None,
                    ci: float = DEFAULT_CI, suppress=False) -> pd.DataFrame:
    """How many respondents mention each theme, overall or by group, with Wilson CIs.

    ``n`` = respondents in the group with at least one non-negated mention of the theme
    (in any answer); ``N`` = respondents of ``data`` in the group - pass only those who
    answered the question(s) if non-responders should not count.  ``percent`` =
    100 n / N with a Wilson score interval (:func:`wellbeing_lib.stats.proportion_ci`).

    Parameters
    ----------
    data : DataFrame
        One row per respondent: the ``respondent`` column and the ``by`` columns.  Any
        backend of :mod:`wellbeing_lib.frames` (with ``mentions`` of the same one): the
        respondents are counted where the data live, and only the counts per group and
        theme are collected.
    mentions : DataFrame
        Output of :func:`~wellbeing_lib.engagement.apply_codebook`.
    by : str or list of str, optional
        Grouping columns (missing values form their own group).
    level : {"theme", "code"}
    codebook : str, path, DataFrame or None
        The codebook given to :func:`~wellbeing_lib.engagement.apply_codebook` (default:
        the bundled wellbeing codebook, as there); its themes with no mention are
        reported too (see :func:`~wellbeing_lib.engagement.theme_labels`).
    ci : float, default 0.95
    suppress : bool or dict, default False
        Apply :func:`wellbeing_lib.privacy.suppress_rows` to ``n`` and ``N`` (counts
        1-7 withheld, others rounded to 5, percent and CI withheld with them, and
        elsewhere computed from the rounded ``n`` and ``N`` so that they give back no
        unrounded count); a dict passes settings (``{"high": 9, "base": 1}``).  Use for
        published tables.

    Returns
    -------
    DataFrame
        The ``by`` columns, ``theme`` (or ``code``), ``n``, ``N``, ``percent``,
        ``ci_low``, ``ci_high`` (percentages).

    Example
    -------
    >>> import pandas as pd
    >>> from wellbeing_lib.engagement import apply_codebook
    >>> answers = pd.DataFrame({
    ...     "respondent": [1, 2, 3, 4, 5],
    ...     "group": ["public", "public", "public", "staff", "staff"],
    ...     "text": ["Feeling lonely", "Not lonely at all", "Isolated, no bus",
    ...              "Patients are lonely", "Workload"]})
    >>> m = apply_codebook(answers)
    >>> f = theme_frequency(answers, m, by="group")
    >>> f[f["theme"] == "Loneliness"].round(1)
         group       theme  n  N  percent  ci_low  ci_high
    1   public  Loneliness  2  3     66.7    20.8     93.9
    16   staff  Loneliness  1  2     50.0     9.5     90.5
    """
    check_ci(ci)
    keys, labels, n, size = _frequency_frame(data, mentions, by=by, respondent=respondent,
                                             level=level, codebook=codebook)
    wilson = proportion_ci(n.ravel(), np.broadcast_to(size, n.shape).ravel(), ci=ci)
    out = _long(keys, labels, level, {
        "n": n, "N": np.broadcast_to(size, n.shape),
        "percent": 100 * wilson["proportion"].to_numpy().reshape(n.shape),
        "ci_low": 100 * wilson["ci_low"].to_numpy().reshape(n.shape),
        "ci_high": 100 * wilson["ci_high"].to_numpy().reshape(n.shape),
    })
    if by is None:
        out = out.drop(columns=[c for c in out.columns if c == "index"])
    return _suppress(out, suppress, ["n", "N"], ["percent", "ci_low", "ci_high"], ci=ci)


def _frequency_frame(data, mentions, *, by, respondent: str, level: str, codebook):
    """The counts of :func:`theme_frequency` (any backend): the respondents with a
    non-negated mention of each label, per group, and the size of each group, computed
    where the data live (joins and group counts); only those small tables are collected.
    Returns (group keys, labels, n: groups x labels, N: groups x 1)."""
    people, said = as_frame(data), as_frame(mentions, what="mentions")
    if said.implementation != people.implementation or is_lazy(said) != is_lazy(people):
        raise TypeError(f"mentions must be a table of the same kind as data "
                        f"({people.implementation}), not {type(mentions).__name__}")
    by = as_columns(by)
    require_columns(data, [respondent, *by], what="data")
    check_labels(data, [respondent], "respondent")
    check_unique(data, respondent)
    require_columns(mentions, [respondent, level], what="mentions")
    if level not in ("theme", "code"):
        raise InvalidValueError("unknown codebook level", column="level",
                                expected="'theme' or 'code'",
                                found=[level])
    labels = theme_labels(pd.DataFrame(columns=[respondent, level]), level, codebook)
    if "negated" in said.collect_schema().names():
        said = said.filter(~nw.col("negated").cast(nw.Boolean()))
    unknown = to_pandas(said.filter(~nw.col(level).is_in(labels)).select(level).unique())
    if len(unknown):
        raise InvalidValueError(f"{level} in mentions not in the codebook", column=level,
                                expected="one of " + ", ".join(map(str, labels))
                                + " (pass codebook=, the codebook given to apply_codebook)",
                                found=sorted(map(str, unknown[level])))
    pairs = said.select(respondent, level).unique().join(
        people.select(respondent, *by), on=respondent, how="inner")
    found = to_pandas(pairs.group_by(*by, level, drop_null_keys=False).agg(
        nw.len().alias("__mentioned")))
    sizes = to_pandas(people.group_by(*by, drop_null_keys=False).agg(nw.len().alias("__size"))
                      if by else people.select(nw.len().alias("__size")))
    if found.empty and len(said.select(respondent).head(1).lazy().collect()) and \
            int(sizes["__size"].sum()):
        first = [to_pandas(t.select(respondent).head(1))[respondent].iloc[0]
                 for t in (people, said)]
        raise UnmatchedRecordsError(
            "no respondent in mentions is in data", column=respondent,
            expected="the same identifiers (and type) in both tables",
            found=[f"data: {first[0]!r}", f"mentions: {first[1]!r}"])
    keys = (sizes.sort_values(by, kind="stable", na_position="last")[by]
            .reset_index(drop=True) if by else pd.DataFrame(index=[0]))
    keys.columns = pd.Index(list(keys.columns), dtype=object)  # as pandas' groupby gives
    size = (keys.merge(sizes, on=by, how="left")["__size"] if by else sizes["__size"]
            ).to_numpy(dtype=np.int64)[:, None]
    n = np.zeros((len(keys), len(labels)), dtype=np.int64)
    if len(found):
        group = (keys.reset_index().merge(found, on=by, how="inner") if by
                 else found.assign(index=0))
        column = pd.Index(labels).get_indexer(group[level])
        n[group["index"].to_numpy(), column] = group["__mentioned"].to_numpy(dtype=np.int64)
    return keys, labels, n, size


def compare_groups(data: pd.DataFrame, mentions: pd.DataFrame, *, by: str,
                   respondent: str = "respondent", level: str = "theme", codebook=None,
                   test: str = "auto", p_adjust: str = "holm", significance: float = 0.05,
                   ci: float = DEFAULT_CI) -> pd.DataFrame:
    """Does the share of respondents mentioning each theme differ between groups?

    For every theme, the groups x (mentions, does not mention) table is tested:

    * ``"chi2"`` - Pearson's chi-square test of independence without continuity
      correction, ``X² = Σ (O - E)² / E`` with G - 1 degrees of freedom (for two groups
      this equals the pooled two-proportion z test, z² = X²);
    * ``"fisher"`` - Fisher's exact test (two groups only; scipy);
    * ``"auto"`` (default) - Fisher when there are two groups and an expected count is
      below 5, otherwise chi-square (the ``test`` column says which was used).

    p-values are then corrected for testing many themes with
    :func:`statsmodels.stats.multitest.multipletests`: Holm's step-down method by
    default (controls the family-wise error rate), ``"bh"``/``"fdr_bh"``
    (Benjamini-Hochberg false discovery rate) or any other statsmodels method.  The
    method is in ``p_adjust_method``.  Themes with no variation are not tested and do
    not count in the correction.  For two groups the difference in percentage points
    has a Newcombe hybrid-score interval (statsmodels ``confint_proportions_2indep``).

    Parameters
    ----------
    data, mentions, respondent, level, codebook
        As in :func:`theme_frequency`.
    by : str
        The grouping column (e.g. ``"stakeholder_type"``); missing values are a group.
    test : {"auto", "chi2", "fisher"}
    p_adjust : str, default "holm"
    significance : float, default 0.05
        Significance level of the ``significant`` column: family-wise (Holm) or
        false-discovery (BH) error rate.  A test's level, not an interval's: the
        interval of the difference is set by ``ci``.
    ci : float, default 0.95
        Confidence level of the interval of the difference (two groups).

    Returns
    -------
    DataFrame
        One row per theme: ``theme``, ``n_groups``, ``test``, ``chi2``, ``dof``,
        ``p_value``, ``p_adjusted``, ``significant``, ``p_adjust_method``,
        ``min_expected``, ``note``; for two groups also ``group_1``, ``group_2``,
        ``percent_1``, ``percent_2``, ``difference`` (points) and its CI.

    Example
    -------
    >>> import pandas as pd
    >>> from wellbeing_lib.engagement import apply_codebook
    >>> data = pd.DataFrame({"respondent": range(8),
    ...                      "type": ["public"] * 4 + ["professional"] * 4,
    ...                      "text": ["lonely", "lonely", "isolated", "fine",
    ...                               "workload", "lonely", "shifts", "job"]})
    >>> out = compare_groups(data, apply_codebook(data), by="type")
    >>> out.loc[out["theme"].isin(["Loneliness", "Work and purpose"]),
    ...         ["theme", "test", "p_value", "p_adjusted", "difference"]].round(3)
                   theme    test  p_value  p_adjusted  difference
    1         Loneliness  fisher    0.486       0.486       -50.0
    13  Work and purpose  fisher    0.143       0.286        75.0
    """
    check_ci(ci)
    if not isinstance(by, str):
        raise ValueError("by must be one column name")
    matrix, labels = _presence(data, mentions, respondent=respondent, level=level,
                               codebook=codebook)
    codes, keys = _groups(data, by)
    n = _group_counts(matrix, codes, len(keys))
    size = np.bincount(codes, minlength=len(keys))
    out = _compare_counts(n, size, list(keys[by]), test=test, p_adjust=p_adjust,
                          significance=significance, ci=ci)
    out.insert(0, level, pd.Series(labels, dtype="str"))
    return out


def theme_cooccurrence(data: pd.DataFrame, mentions: pd.DataFrame, *,
                       respondent: str = "respondent", level: str = "theme",
                       codebook=None, suppress=False) -> pd.DataFrame:
    """How often two themes are mentioned by the same respondent, with the Jaccard index.

    From the respondent x theme matrix X (1 = mentions), ``n_both = XᵀX`` and
    ``jaccard = n_both / (n_a + n_b - n_both)`` (respondents mentioning both over those
    mentioning either; NaN when neither is mentioned).  The diagonal (a theme with
    itself) has ``n_both = n_a`` and Jaccard 1.

    Parameters
    ----------
    data, mentions, respondent, level, codebook
        As for :func:`theme_frequency`.
    suppress : bool or dict, default False
        Publish the counts: :func:`wellbeing_lib.privacy.suppress_rows` on ``n_a``,
        ``n_b`` and ``n_both`` (1-7 withheld, others rounded to 5; a dict passes settings),
        and the Jaccard index recomputed from the rounded counts - withheld with any of
        them - so that it gives back no unrounded count.

    Returns
    -------
    DataFrame
        One row per ordered pair: ``theme_a``, ``theme_b``, ``n_a``, ``n_b``, ``n_both``,
        ``jaccard``.

    Example
    -------
    >>> import pandas as pd
    >>> from wellbeing_lib.engagement import apply_codebook
    >>> data = pd.DataFrame({"respondent": [1, 2, 3],
    ...                      "text": ["lonely and anxious", "anxious", "lonely"]})
    >>> co = theme_cooccurrence(data, apply_codebook(data))
    >>> co[(co["theme_a"] == "Loneliness") & (co["theme_b"] == "Mental health")]
           theme_a        theme_b  n_a  n_b  n_both   jaccard
    19  Loneliness  Mental health    2    2       1  0.333333
    """
    matrix, labels = _presence(data, mentions, respondent=respondent, level=level,
                               codebook=codebook)
    x = matrix.astype(np.int64)
    both = x.T @ x
    single = np.diag(both)
    union = single[:, None] + single[None, :] - both
    with np.errstate(invalid="ignore", divide="ignore"):
        jaccard = np.where(union > 0, both / union, np.nan)
    k = len(labels)
    lab = np.asarray(labels, dtype=object)
    out = pd.DataFrame({
        f"{level}_a": pd.Series(np.repeat(lab, k), dtype="str"),
        f"{level}_b": pd.Series(np.tile(lab, k), dtype="str"),
        "n_a": np.repeat(single, k), "n_b": np.tile(single, k),
        "n_both": both.ravel(), "jaccard": jaccard.ravel(),
    })
    if not suppress:
        return out
    out = _suppress(out, suppress, ["n_a", "n_b", "n_both"], ["jaccard"])
    union = out["n_a"] + out["n_b"] - out["n_both"]
    shown = (out[["n_a", "n_b", "n_both"]].notna().all(axis=1) & (union > 0)).to_numpy()
    jaccard = np.full(len(out), np.nan)
    jaccard[shown] = (out["n_both"][shown] / union[shown]).to_numpy(dtype=float)
    return out.assign(jaccard=jaccard)


def exemplar_quotes(texts: pd.DataFrame, mentions: pd.DataFrame, *, text: str = "text",
                    unit=None, level: str = "theme", n_quotes: int = 3, random_state=0,
                    max_chars: int | None = None, codebook=None,
                    placeholders=None) -> pd.DataFrame:
    """Example quotes per theme, with personal details redacted, chosen reproducibly.

    Rule: for each theme, the distinct answers (identical texts counted once) with a
    non-negated mention are put in a random order drawn with
    ``numpy.random.default_rng(random_state)``, and the first ``n_quotes`` are taken - the
    same seed always gives the same quotes; change it to see others.  Each quote is passed
    through :func:`wellbeing_lib.privacy.redact_pii` (e-mails, phone and NHS numbers,
    postcodes, names after a title) *before* it is shortened to ``max_chars`` around
    the matched words.  Redaction is pattern-based: read quotes before publishing.

    Parameters
    ----------
    texts : DataFrame
        The answers given to :func:`apply_codebook` (unit columns and ``text``).
    mentions : DataFrame
        Its output.
    text : str, default "text"
    unit : str or list, optional
        Columns identifying an answer, as given to
        :func:`~wellbeing_lib.engagement.apply_codebook` (default: ``respondent`` and
        ``question``, those in ``mentions``, as the default there).
    level : {"theme", "code"}
    n_quotes : int, default 3
        Quotes per theme (fewer if fewer answers mention it).
    random_state : int or numpy Generator, default 0
    max_chars : int, optional
        Shorten longer quotes (with "…") to a window around the match.
    codebook : str, path, DataFrame or None
        The codebook given to :func:`~wellbeing_lib.engagement.apply_codebook` (default:
        the bundled wellbeing codebook, as there); orders the themes.
    placeholders : dict, optional
        Passed to :func:`~wellbeing_lib.privacy.redact_pii`.

    Returns
    -------
    DataFrame
        ``theme``, ``rank`` (1..n_quotes), the unit columns, ``quote`` (redacted), ``match``
        (the words that matched) and ``redacted`` (True if anything was replaced).

    Example
    -------
    >>> import pandas as pd
    >>> from wellbeing_lib.engagement import apply_codebook
    >>> data = pd.DataFrame({"respondent": [1, 2],
    ...     "text": ["Mrs Jones (07700 900123) is lonely", "Lonely since the move"]})
    >>> q = exemplar_quotes(data, apply_codebook(data), n_quotes=2)
    >>> q[["theme", "rank", "respondent", "quote", "redacted"]]
            theme  rank  respondent                       quote  redacted
    0  Loneliness     1           2       Lonely since the move     False
    1  Loneliness     2           1  [NAME] ([PHONE]) is lonely      True
    """
    if not isinstance(n_quotes, int | np.integer) or n_quotes < 1:
        raise ValueError(f"n_quotes must be a whole number >= 1, not {n_quotes!r}")
    unit_cols = as_columns(unit) if unit is not None else _unit_columns(mentions, None)
    return _pick_quotes(texts, _active(mentions), unit_cols=unit_cols, label=level,
                        order=theme_labels(mentions, level, codebook), text=text, n=n_quotes,
                        random_state=random_state, max_chars=max_chars,
                        placeholders=placeholders)
