"""Charts that several domains draw: proportions with intervals, and forest plots.

seaborn style: ``data=`` first, column names as keywords, ``ax=``, return the Axes.  Every
chart has a title and axis labels with units, because it will be pasted into a report.

Example
-------
>>> import pandas as pd
>>> from wellbeing_lib.reporting.charts import plot_proportions
>>> t = pd.DataFrame({"group": ["A", "B"], "proportion": [0.5, 0.7],
...                   "ci_low": [0.4, 0.6], "ci_high": [0.6, 0.8]})
>>> ax = plot_proportions(t, x="group", title="Improved")
>>> ax.get_ylabel()
'% of clients'
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..validation import require_columns
from .figures import get_axes, set_alt_text, whiskers
from .palette import CATEGORICAL, NHS_BLUE

__all__ = ["plot_proportions", "plot_forest"]


def plot_proportions(
    data: pd.DataFrame,
    *,
    x: str,
    y: str = "proportion",
    ci_low: str | None = "ci_low",
    ci_high: str | None = "ci_high",
    hue: str | None = None,
    order=None,
    ax=None,
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str = "% of clients",
    label_bars: bool = True,
):
    """Bar chart of proportions (0–1, shown as %) with confidence-interval whiskers.

    Designed for the tidy output of :func:`wellbeing_lib.stats.proportion_ci` and of the
    domain summaries: one row per bar, with ``proportion``, ``ci_low``, ``ci_high``.
    Suppressed rows (missing proportion) are drawn as an empty slot labelled "*".  Each
    bar's label sits above the top of its interval whisker (never on it); one series is
    NHS blue, several (``hue``) take the colour-blind-safe Okabe–Ito colours.  The chart's
    alternative text lists every bar's value.

    Returns
    -------
    matplotlib Axes
    """
    cols = [x, y] + [c for c in (ci_low, ci_high, hue) if c]
    require_columns(data, cols)
    ax = get_axes(ax)
    table = data.copy()
    cats = list(order) if order is not None else list(pd.unique(table[x]))
    groups = list(pd.unique(table[hue])) if hue else [None]
    width = 0.8 / len(groups)
    positions = np.arange(len(cats))
    said = []
    for g_i, group in enumerate(groups):
        sub = table if group is None else table[table[hue] == group]
        sub = sub.set_index(x).reindex(cats)
        values = pd.to_numeric(sub[y], errors="coerce").to_numpy(dtype=float) * 100
        xs = positions + (g_i - (len(groups) - 1) / 2) * width
        ax.bar(
            xs, np.nan_to_num(values), width=width * 0.95,
            color=NHS_BLUE if hue is None else CATEGORICAL[g_i % len(CATEGORICAL)],
            label=None if group is None else str(group),
        )
        top = values.copy()
        if ci_low and ci_high:
            lo = pd.to_numeric(sub[ci_low], errors="coerce").to_numpy(dtype=float) * 100
            hi = pd.to_numeric(sub[ci_high], errors="coerce").to_numpy(dtype=float) * 100
            ok = ~np.isnan(values) & ~np.isnan(lo) & ~np.isnan(hi)
            ax.errorbar(
                xs[ok], values[ok], yerr=whiskers(values[ok], lo[ok], hi[ok]),
                fmt="none", ecolor="black", capsize=3, linewidth=1,
            )
            top = np.where(ok, np.fmax(values, hi), values)
        labels = ["*" if np.isnan(v) else f"{v:.0f}%" for v in values]
        if label_bars:
            for x_i, y_i, text in zip(xs, np.nan_to_num(top), labels):
                ax.annotate(text, xy=(x_i, y_i), xytext=(0, 3), textcoords="offset points",
                            ha="center", va="bottom", fontsize=9)
        prefix = "" if group is None else f"{group}: "
        said += [f"{prefix}{c} {t}" for c, t in zip(cats, labels)]
    ax.set_xticks(positions, [str(c) for c in cats])
    ax.set_ylim(0, 112 if label_bars else 105)
    ax.set_ylabel(ylabel)
    ax.set_xlabel(xlabel or x)
    if hue:
        ax.legend(title=hue, frameon=False)
    ax.set_title(title or f"{y} by {x}")
    set_alt_text(ax, f"Bar chart: {ax.get_title()}. {ylabel} with 95% confidence intervals"
                     f" by {xlabel or x}: " + "; ".join(said) + "."
                     + (" * means withheld (small numbers)." if "*" in " ".join(said) else ""))
    return ax


def plot_forest(
    data: pd.DataFrame,
    *,
    estimate: str = "mean_change",
    ci_low: str = "ci_low",
    ci_high: str = "ci_high",
    label: str = "group",
    subgroup: str | None = "subgroup",
    reference="overall",
    percent: bool | None = None,
    ax=None,
    title: str | None = None,
    xlabel: str | None = None,
):
    """Forest plot: an estimate with its interval for each subgroup, and a reference line.

    Designed for :func:`wellbeing_lib.outcomes.subgroup_summary` (one measure or one
    k at a time).  Suppressed rows (missing estimate) are listed with "*".

    Parameters
    ----------
    data : DataFrame
        One row per subgroup.
    estimate, ci_low, ci_high : str
        Columns of the estimate and its interval.
    label : str, default "group"
        Row labels.
    subgroup : str or None, default "subgroup"
        Column naming the grouping variable; prefixed to the labels when present.
    reference : "overall", number or None, default "overall"
        Dashed vertical line: the estimate of the ``subgroup == "all"`` row (0 when
        there is none), a number, or no line.
    percent : bool, optional
        Show proportions as %; default: when ``estimate == "proportion"``.
    ax : matplotlib Axes, optional
    title, xlabel : str, optional

    Returns
    -------
    matplotlib Axes

    Example
    -------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"subgroup": ["all", "sex", "sex"],
    ...                   "group": ["All clients", "Female", "Male"],
    ...                   "mean_change": [2.1, 2.4, 1.6], "ci_low": [1.8, 2.0, 1.1],
    ...                   "ci_high": [2.4, 2.8, 2.1]})
    >>> plot_forest(t).get_xlabel()
    'mean_change (95% CI)'
    """
    cols = [estimate, ci_low, ci_high, label] + ([subgroup] if subgroup in data.columns else [])
    require_columns(data, cols)
    percent = (estimate == "proportion") if percent is None else percent
    scale = 100.0 if percent else 1.0
    est = pd.to_numeric(data[estimate], errors="coerce").to_numpy(dtype=float) * scale
    lo = pd.to_numeric(data[ci_low], errors="coerce").to_numpy(dtype=float) * scale
    hi = pd.to_numeric(data[ci_high], errors="coerce").to_numpy(dtype=float) * scale
    labels = data[label].astype("str").to_numpy(dtype=object)
    if subgroup in data.columns:
        sub = data[subgroup].astype("str").to_numpy(dtype=object)
        labels = np.where(sub == "all", labels, sub + ": " + labels)
    ax = get_axes(ax)
    y = np.arange(len(data))[::-1]
    ok = ~np.isnan(est)
    ax.errorbar(est[ok], y[ok], xerr=whiskers(est[ok], lo[ok], hi[ok]), fmt="s",
                color=NHS_BLUE, ecolor="black", capsize=3, markersize=5, linewidth=1)
    ref = None
    if isinstance(reference, str) and reference == "overall":
        is_all = (data[subgroup].astype("str") == "all").to_numpy() if subgroup in data.columns \
            else np.zeros(len(data), dtype=bool)
        ref = float(est[is_all & ok][0]) if (is_all & ok).any() else 0.0
    elif reference is not None:
        ref = float(reference) * scale
    if ref is not None:
        ax.axvline(ref, color="black", linestyle="--", linewidth=1)
    x_text = ref if ref is not None else (np.nanmin(lo) if ok.any() else 0.0)
    for yi in y[~ok]:
        ax.annotate("* (suppressed)", xy=(x_text, yi), xytext=(4, 0), textcoords="offset points",
                    va="center", fontsize=8)
    ax.set_yticks(y, list(labels))
    ax.set_ylabel(subgroup if subgroup in data.columns else label)
    unit = "% (95% CI)" if percent else "(95% CI)"
    ax.set_xlabel(xlabel or f"{estimate} {unit}")
    ax.set_title(title or f"{estimate.replace('_', ' ').capitalize()} by subgroup")
    unit_text = "%" if percent else ""
    said = [f"{lab} {'withheld' if np.isnan(e) else f'{e:.1f}{unit_text}'}"
            for lab, e in zip(labels, est)]
    set_alt_text(ax, f"Forest plot: {ax.get_title()}. Estimate and 95% confidence interval for "
                     f"each row: " + "; ".join(said) + "."
                     + ("" if ref is None else f" Dashed reference line at {ref:.1f}{unit_text}."))
    return ax
