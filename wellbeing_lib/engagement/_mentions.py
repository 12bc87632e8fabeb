"""Private helpers shared by the modules that summarise mentions (themes, raking,
recommendations, self-assessment): the respondent x label presence matrix, group counts,
tidy group x label tables, suppression, tests of equal proportions across groups and the
seeded choice of redacted quotes."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..errors import InvalidValueError, UnmatchedRecordsError
from ..privacy import redact_pii, suppress_rows
from ..validation import as_columns, check_ci, check_labels, check_unique, require_columns
from ._common import _active
from .codebook import theme_labels

#: multiple-comparison corrections accepted (statsmodels ``multipletests`` names);
#: "bh" is short for "fdr_bh" (Benjamini-Hochberg)
P_ADJUST_METHODS = ("holm", "fdr_bh", "bonferroni", "hommel", "fdr_by", "sidak", "holm-sidak")


def _respondent_frame(data: pd.DataFrame, respondent: str, what: str = "data") -> None:
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"{what} must be a pandas DataFrame, not {type(data).__name__}")
    require_columns(data, [respondent], what=what)
    check_labels(data, [respondent], "respondent")
    check_unique(data, respondent)


def _presence(data: pd.DataFrame, mentions: pd.DataFrame, *, respondent: str, level,
              codebook=None) -> tuple[np.ndarray, list]:
    """Respondents (rows of ``data``) x labels boolean matrix of non-negated mentions.

    ``level`` is "theme", "code" or a column of ``mentions``.  Mentions of respondents
    not in ``data`` are ignored: ``data`` defines who is counted.
    """
    _respondent_frame(data, respondent)
    if not isinstance(mentions, pd.DataFrame):
        raise TypeError("mentions must be the DataFrame returned by apply_codebook")
    require_columns(mentions, [respondent, level], what="mentions")
    labels = theme_labels(mentions, level, codebook)
    active = _active(mentions)
    label_index = pd.Index(labels)
    col = label_index.get_indexer(active[level])
    if (col < 0).any():
        raise InvalidValueError(f"{level} in mentions not in the codebook", column=level,
                                expected="one of " + ", ".join(map(str, labels))
                                + " (pass codebook=, the codebook given to apply_codebook)",
                                found=list(pd.unique(active[level][col < 0])))
    row = pd.Index(data[respondent]).get_indexer(active[respondent])
    if len(active) and len(data) and (row < 0).all():
        raise UnmatchedRecordsError(
            "no respondent in mentions is in data", column=respondent,
            expected="the same identifiers (and type) in both tables",
            found=[f"data: {data[respondent].iloc[0]!r}", f"mentions: "
                   f"{active[respondent].iloc[0]!r}"],
        )
    ok = row >= 0
    matrix = np.zeros((len(data), len(labels)), dtype=bool)
    matrix[row[ok], col[ok]] = True
    return matrix, labels


def _groups(data: pd.DataFrame, by) -> tuple[np.ndarray, pd.DataFrame]:
    """Group number of every row and the group keys (sorted; missing is its own group)."""
    if by is None:
        return np.zeros(len(data), dtype=np.int64), pd.DataFrame(index=[0])
    by = as_columns(by)
    require_columns(data, by)
    grouped = data.groupby(by, dropna=False, sort=True, observed=True)
    codes = grouped.ngroup().to_numpy()
    keys = grouped.size().reset_index()[by]
    return codes, keys


def _group_counts(matrix: np.ndarray, codes: np.ndarray, n_groups: int,
                  weights: np.ndarray | None = None) -> np.ndarray:
    """groups x labels sums of a boolean matrix (one bincount per label)."""
    w = np.ones(len(codes)) if weights is None else weights
    return np.column_stack([np.bincount(codes, weights=w * matrix[:, j], minlength=n_groups)
                            for j in range(matrix.shape[1])]).reshape(n_groups, -1)


def _long(keys: pd.DataFrame, labels: list, level: str, columns: dict) -> pd.DataFrame:
    """Tidy groups x labels table from (groups, labels) arrays."""
    n_groups, n_labels = len(keys), len(labels)
    out = keys.iloc[np.repeat(np.arange(n_groups), n_labels)].reset_index(drop=True)
    out[level] = np.tile(np.asarray(labels, dtype=object), n_groups)
    out[level] = out[level].astype("str")
    for name, values in columns.items():
        out[name] = np.broadcast_to(np.asarray(values), (n_groups, n_labels)).ravel()
    return out


def _suppress(table: pd.DataFrame, suppress, counts, derived, ci=None,
              rates=(("n", "N", "percent", "ci_low", "ci_high"),)) -> pd.DataFrame:
    """Suppress small counts; with ``ci``, each rate (``numerator, denominator, percent,
    ci_low, ci_high``) and its Wilson interval are then recomputed from the published
    (rounded) counts, so that they give back no unrounded count (NHS Digital: percentages
    from the rounded numerator and denominator)."""
    if not suppress:
        return table
    settings = dict(suppress) if isinstance(suppress, Mapping) else {}
    out = suppress_rows(table, counts=counts, derived=derived, **settings)
    if ci is None:
        return out
    from ..stats import proportion_ci

    for num, den, pct, low, high in rates:  # each rate depends on its own two counts
        shown = (out[num].notna() & out[den].notna() & (out[den].fillna(0) > 0)).to_numpy()
        values = {col: np.full(len(out), np.nan) for col in (pct, low, high)}
        if shown.any():
            wilson = proportion_ci(out[num][shown].to_numpy(dtype=np.int64),
                                   out[den][shown].to_numpy(dtype=np.int64), ci=ci)
            for col, source in ((pct, "proportion"), (low, "ci_low"), (high, "ci_high")):
                values[col][shown] = 100 * wilson[source].to_numpy()
        for col, column in values.items():
            out[col] = column
    return out


def _p_adjust(p: np.ndarray, method: str,
              significance: float) -> tuple[np.ndarray, np.ndarray]:
    """Adjusted p-values and rejections at ``significance`` over the finite p-values (NaN
    kept as NaN)."""
    from statsmodels.stats.multitest import multipletests

    adjusted = np.full(len(p), np.nan)
    reject = np.zeros(len(p), dtype=bool)
    ok = np.isfinite(p)
    if ok.any():
        rej, adj, _, _ = multipletests(p[ok], alpha=significance, method=method)
        adjusted[ok], reject[ok] = adj, rej
    return adjusted, reject


def _check_p_adjust(p_adjust: str) -> str:
    method = "fdr_bh" if p_adjust in ("bh", "BH", "fdr") else p_adjust
    if method not in P_ADJUST_METHODS:
        raise ValueError(f"p_adjust must be one of {P_ADJUST_METHODS} (or 'bh'), "
                         f"not {p_adjust!r}")
    return method


def _compare_counts(n: np.ndarray, size: np.ndarray, group_labels: list, *, test: str,
                    p_adjust: str, significance: float, ci: float) -> pd.DataFrame:
    """Tests of "same proportion in every group" for each column of n (groups x items);
    ``significance`` is the level of the ``significant`` column, ``ci`` the level of the
    difference's interval."""
    from scipy.stats import chi2 as chi2_dist
    from scipy.stats import fisher_exact
    from statsmodels.stats.proportion import confint_proportions_2indep

    if test not in ("auto", "chi2", "fisher"):
        raise ValueError(f"test must be 'auto', 'chi2' or 'fisher', not {test!r}")
    method = _check_p_adjust(p_adjust)
    n_groups, n_items = n.shape
    if n_groups < 2:
        raise InvalidValueError("group comparison needs at least two groups",
                                expected="two or more groups", found=group_labels)
    if test == "fisher" and n_groups != 2:
        raise ValueError("Fisher's exact test here compares exactly two groups; use "
                         "test='chi2' for more")
    size = size.reshape(-1, 1).astype(float)
    total = size.sum()
    with_theme = n.sum(axis=0)
    without = total - with_theme
    e1 = size * with_theme / total
    e0 = size * without / total
    varied = (with_theme > 0) & (without > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = (((n - e1) ** 2 / e1) + (((size - n) - e0) ** 2 / e0)).sum(axis=0)
    stat = np.where(varied, stat, np.nan)
    min_expected = np.minimum(e1.min(axis=0), e0.min(axis=0))
    p = np.where(varied, chi2_dist.sf(stat, n_groups - 1), np.nan)
    used = np.full(n_items, "chi2", dtype=object)
    if n_groups == 2:
        fisher = np.full(n_items, test == "fisher") | ((test == "auto") & (min_expected < 5))
        fisher &= varied
        for j in np.flatnonzero(fisher):  # over themes, not respondents
            table = np.array([[n[0, j], size[0, 0] - n[0, j]], [n[1, j], size[1, 0] - n[1, j]]])
            p[j] = fisher_exact(table).pvalue
            stat[j] = np.nan
        used[fisher] = "fisher"
    adjusted, reject = _p_adjust(p, method, significance)
    notes = np.where(~varied, "no variation: every group 0% or every group 100%",
                     np.where((used == "chi2") & (min_expected < 5),
                              "expected count below 5: chi-square approximate", ""))
    out = {
        "n_groups": n_groups,
        "test": np.where(varied, used, "none"),
        "chi2": stat,
        "dof": n_groups - 1,
        "p_value": p,
        "p_adjusted": adjusted,
        "significant": reject,
        "p_adjust_method": method,
        "min_expected": min_expected,
        "note": notes,
    }
    if n_groups == 2:
        pct = 100 * n / size
        low, high = confint_proportions_2indep(n[0], size[0, 0], n[1], size[1, 0],
                                               method="newcomb", compare="diff",
                                               alpha=check_ci(ci))
        out.update({"group_1": str(group_labels[0]), "group_2": str(group_labels[1]),
                    "percent_1": pct[0], "percent_2": pct[1],
                    "difference": pct[0] - pct[1],
                    "diff_ci_low": 100 * np.asarray(low), "diff_ci_high": 100 * np.asarray(high)})
    return pd.DataFrame(out)


def _shorten(quote: str, match: str, max_chars: int | None) -> str:
    if max_chars is None or len(quote) <= max_chars:
        return quote
    pos = max(quote.find(match), 0)
    start = max(0, min(pos - max_chars // 3, len(quote) - max_chars))
    piece = quote[start:start + max_chars]
    return ("…" if start > 0 else "") + piece + ("…" if start + max_chars < len(quote) else "")


def _pick_quotes(texts: pd.DataFrame, active: pd.DataFrame, *, unit_cols, label: str, order,
                 text: str, n: int, random_state, max_chars, placeholders) -> pd.DataFrame:
    """Seeded choice of up to n distinct answers per label; redacted, then shortened."""
    require_columns(texts, [*unit_cols, text], what="texts")
    require_columns(active, [*unit_cols, label, "match"], what="mentions")
    check_unique(texts, unit_cols)
    first = active.drop_duplicates([*unit_cols, label])[[*unit_cols, label, "match"]]
    cand = first.merge(texts[[*unit_cols, text]], on=unit_cols, how="inner")
    cand = cand[cand[text].notna()]
    cand = cand.drop_duplicates([label, text]).reset_index(drop=True)
    rank_of = {lab: i for i, lab in enumerate(order)}
    rng = np.random.default_rng(random_state)
    cand["_key"] = rng.random(len(cand))
    cand["_order"] = cand[label].map(rank_of)
    cand = cand.sort_values(["_order", "_key"], kind="stable")
    chosen = cand.groupby(label, sort=False).head(n).reset_index(drop=True)
    original = chosen[text].astype("str")
    redacted = redact_pii(original, placeholders=placeholders)
    quotes = [_shorten(q, m, max_chars) for q, m in zip(redacted, chosen["match"])]
    out = chosen[[label]].astype("str")
    out["rank"] = chosen.groupby(label, sort=False).cumcount() + 1
    for col in unit_cols:
        out[col] = chosen[col]
    out["quote"] = pd.Series(quotes, dtype="str")
    out["match"] = chosen["match"].astype("str")
    out["redacted"] = (redacted != original).to_numpy()
    return out


