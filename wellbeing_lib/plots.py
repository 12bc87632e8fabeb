"""Plotting helpers, seaborn style: ``data=`` first, column names as keywords, ``ax=``, return the Axes.

Every plot has a title and axis labels with units, because it will be pasted into a
report. matplotlib and seaborn are imported inside the functions, so importing
wellbeing_lib stays fast.

Example
-------
>>> import pandas as pd
>>> from wellbeing_lib.plots import plot_proportions
>>> t = pd.DataFrame({"group": ["A", "B"], "proportion": [0.5, 0.7],
...                   "ci_low": [0.4, 0.6], "ci_high": [0.6, 0.8]})
>>> ax = plot_proportions(t, x="group", title="Improved")
>>> ax.get_ylabel()
'% of clients'
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .io import require_columns

__all__ = ["plot_score_distribution", "plot_proportions", "NHS_BLUE", "NHS_PALETTE"]

#: NHS identity colours (NHS England brand guidelines): blue, dark blue, aqua green,
#: warm yellow, grey, dark pink, purple
NHS_BLUE = "#005EB8"
NHS_PALETTE = ["#005EB8", "#003087", "#00A499", "#FFB81C", "#768692", "#7C2855", "#330072"]


def _axes(ax):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    return ax


def plot_score_distribution(
    data: pd.DataFrame,
    *,
    x: str,
    hue: str | None = None,
    norm: float | None = None,
    norm_label: str = "population norm",
    discrete: bool = False,
    ax=None,
    title: str | None = None,
    xlabel: str | None = None,
):
    """Histogram of a score, optionally by group, with a vertical line at a population norm.

    Parameters
    ----------
    data : DataFrame
    x : str
        Score column.
    hue : str, optional
        Grouping column (one colour per group; counts are shown as % within group).
    norm : float, optional
        Population norm drawn as a dashed line, labelled ``norm_label``.
    discrete : bool
        One bar per integer value (for raw totals).
    ax : matplotlib Axes, optional
    title, xlabel : str, optional

    Returns
    -------
    matplotlib Axes
    """
    import seaborn as sns

    require_columns(data, [x] + ([hue] if hue else []))
    ax = _axes(ax)
    plotted = data.dropna(subset=[x])
    sns.histplot(
        data=plotted,
        x=x,
        hue=hue,
        stat="percent",
        common_norm=False,
        discrete=discrete,
        element="step" if hue else "bars",
        palette=NHS_PALETTE[: plotted[hue].nunique()] if hue else None,
        color=None if hue else NHS_BLUE,
        ax=ax,
    )
    if norm is not None:
        ax.axvline(norm, color="black", linestyle="--", linewidth=1.2)
        ax.annotate(
            f"{norm_label} ({norm:g})",
            xy=(norm, 1),
            xycoords=("data", "axes fraction"),
            xytext=(4, -14),
            textcoords="offset points",
            fontsize=9,
        )
    ax.set_xlabel(xlabel or x)
    ax.set_ylabel("% of respondents" + (" in group" if hue else ""))
    ax.set_title(title or f"Distribution of {x} (n = {len(plotted):,})")
    return ax


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
    Suppressed rows (missing proportion) are drawn as an empty slot labelled "*".

    Returns
    -------
    matplotlib Axes
    """
    cols = [x, y] + [c for c in (ci_low, ci_high, hue) if c]
    require_columns(data, cols)
    ax = _axes(ax)
    table = data.copy()
    cats = list(order) if order is not None else list(pd.unique(table[x]))
    groups = list(pd.unique(table[hue])) if hue else [None]
    width = 0.8 / len(groups)
    positions = np.arange(len(cats))
    for g_i, group in enumerate(groups):
        sub = table if group is None else table[table[hue] == group]
        sub = sub.set_index(x).reindex(cats)
        values = pd.to_numeric(sub[y], errors="coerce").to_numpy(dtype=float) * 100
        xs = positions + (g_i - (len(groups) - 1) / 2) * width
        bars = ax.bar(
            xs, np.nan_to_num(values), width=width * 0.95,
            color=NHS_PALETTE[g_i % len(NHS_PALETTE)], label=None if group is None else str(group),
        )
        if ci_low and ci_high:
            lo = pd.to_numeric(sub[ci_low], errors="coerce").to_numpy(dtype=float) * 100
            hi = pd.to_numeric(sub[ci_high], errors="coerce").to_numpy(dtype=float) * 100
            ok = ~np.isnan(values) & ~np.isnan(lo) & ~np.isnan(hi)
            ax.errorbar(
                xs[ok], values[ok], yerr=[values[ok] - lo[ok], hi[ok] - values[ok]],
                fmt="none", ecolor="black", capsize=3, linewidth=1,
            )
        if label_bars:
            labels = ["*" if np.isnan(v) else f"{v:.0f}%" for v in values]
            ax.bar_label(bars, labels=labels, padding=2, fontsize=8)
    ax.set_xticks(positions, [str(c) for c in cats])
    ax.set_ylim(0, 105)
    ax.set_ylabel(ylabel)
    ax.set_xlabel(xlabel or x)
    if hue:
        ax.legend(title=hue, frameon=False)
    ax.set_title(title or f"{y} by {x}")
    return ax
