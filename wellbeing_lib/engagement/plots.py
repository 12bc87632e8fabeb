"""Charts of the engagement results: representation, theme heatmaps, diverging bars and
co-occurrence.

Every function takes the tidy table of a computation step first, draws on ``ax`` (or a
new figure from :func:`wellbeing_lib.reporting.figures.get_axes`) and returns the Axes.
matplotlib and seaborn are imported inside the functions, so importing the package does
not load them; colours come from :mod:`wellbeing_lib.reporting.palette`.

Example
-------
>>> import pandas as pd
>>> t = pd.DataFrame({"area": ["A", "B"], "pct_improvement": [40, 10],
...                   "pct_strength": [20, 60]})
>>> ax = plot_diverging_bars(t)
>>> ax.get_title()
'Strengths and improvements by area'
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..reporting.figures import get_axes
from ..reporting.palette import NHS_BLUE, NHS_DARK_PINK, NHS_MID_GREY, SEQUENTIAL_CMAP
from ..validation import require_columns
from .reach import UNDER_REPRESENTED

__all__ = ["plot_representation", "plot_theme_heatmap", "plot_diverging_bars",
           "plot_cooccurrence"]


def plot_representation(data: pd.DataFrame, *, y: str = "category", x: str = "ratio",
                        low: str = "ratio_ci_low", high: str = "ratio_ci_high",
                        threshold: float = UNDER_REPRESENTED, ax=None,
                        title: str = "Representation of the population in the sample"):
    """Dot plot of representation ratios with their CIs.

    ``data`` is the output of :func:`~wellbeing_lib.engagement.representation`.  A solid
    line marks parity (1) and a dashed line the under-representation ``threshold`` (default
    0.8, the default of ``representation``: pass the value given to it, if another).
    Categories below it are drawn in NHS dark pink.  Labels are "variable: category" when
    there is a ``variable`` column.

    Returns
    -------
    matplotlib Axes
    """
    require_columns(data, [y, x, low, high])
    ax = get_axes(ax, figsize=(7, max(3.0, 0.35 * len(data) + 1)))
    labels = (data["variable"].astype(str) + ": " + data[y].astype(str)
              if "variable" in data.columns and y != "variable" else data[y].astype(str))
    pos = np.arange(len(data))[::-1]
    under = data[x].to_numpy(dtype=float) < threshold
    colours = np.where(under, NHS_DARK_PINK, NHS_BLUE)
    xv = data[x].to_numpy(dtype=float)
    err = np.vstack([xv - data[low].to_numpy(dtype=float), data[high].to_numpy(dtype=float) - xv])
    ax.errorbar(xv, pos, xerr=err, fmt="none", ecolor=NHS_MID_GREY, capsize=3, zorder=1)
    ax.scatter(xv, pos, c=colours, zorder=2)
    ax.axvline(1.0, color="black", linewidth=1)
    ax.axvline(threshold, color=NHS_DARK_PINK, linestyle="--", linewidth=1,
               label=f"under-represented (< {threshold:g})")
    ax.set_yticks(pos, labels)
    ax.set_xlabel("Representation ratio (sample share / population share)")
    ax.set_title(title)
    ax.legend(loc="lower right", fontsize="small")
    return ax


def plot_theme_heatmap(data: pd.DataFrame, *, x: str, y: str = "theme", value: str = "percent",
                       annot: bool = True, fmt: str = ".0f", cmap: str = SEQUENTIAL_CMAP, ax=None,
                       title: str = "Themes by group", cbar_label: str = "% of respondents"):
    """Heatmap of theme x group percentages (``theme_frequency`` with ``by``).

    ``data`` is the output of :func:`~wellbeing_lib.engagement.theme_frequency` with ``by``.

    Suppressed (missing) cells are left blank.

    Returns
    -------
    matplotlib Axes
    """
    import seaborn as sns

    require_columns(data, [x, y, value])
    wide = data.pivot_table(index=y, columns=x, values=value, aggfunc="first", sort=False,
                            dropna=False).astype(float)
    ax = get_axes(ax, figsize=(1.2 * wide.shape[1] + 4, 0.35 * wide.shape[0] + 1.5))
    sns.heatmap(wide, annot=annot, fmt=fmt, cmap=cmap, ax=ax, vmin=0,
                cbar_kws={"label": cbar_label})
    ax.set_xlabel(x.replace("_", " ").capitalize())
    ax.set_ylabel(y.replace("_", " ").capitalize())
    ax.set_title(title)
    return ax


def plot_diverging_bars(data: pd.DataFrame, *, y: str = "area",
                        negative: str = "pct_improvement", positive: str = "pct_strength",
                        labels: tuple[str, str] = ("What could be better", "What works well"),
                        xlabel: str = "% of respondents", ax=None,
                        title: str = "Strengths and improvements by area"):
    """Diverging horizontal bars: ``negative`` to the left of zero, ``positive`` to the right.

    Made for :func:`~wellbeing_lib.engagement.area_summary` (improvement comments left,
    strengths right) but works for any two non-negative columns.  Rows are drawn top to
    bottom in the table's order.

    Returns
    -------
    matplotlib Axes

    Example
    -------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"area": ["A", "B"], "pct_improvement": [40, 10],
    ...                   "pct_strength": [20, 60]})
    >>> ax = plot_diverging_bars(t)
    >>> [round(p.get_width()) for p in ax.patches]
    [-40, -10, 20, 60]
    """
    require_columns(data, [y, negative, positive])
    ax = get_axes(ax, figsize=(8, max(3.0, 0.45 * len(data) + 1)))
    pos = np.arange(len(data))[::-1]
    neg = data[negative].to_numpy(dtype=float)
    pos_vals = data[positive].to_numpy(dtype=float)
    ax.barh(pos, -neg, color=NHS_DARK_PINK, label=labels[0])
    ax.barh(pos, pos_vals, color=NHS_BLUE, label=labels[1])
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(pos, data[y].astype(str))
    limit = np.nanmax(np.concatenate([neg, pos_vals, [1.0]])) * 1.1
    ax.set_xlim(-limit, limit)
    ticks = ax.get_xticks()
    ax.set_xticks(ticks, [f"{abs(t):g}" for t in ticks])
    ax.set_xlim(-limit, limit)
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    ax.legend(loc="lower right", fontsize="small")
    return ax


def plot_cooccurrence(data: pd.DataFrame, *, value: str = "jaccard", level: str = "theme",
                      mask_diagonal: bool = True, cmap: str = "Purples", ax=None,
                      title: str = "Themes mentioned together"):
    """Heatmap of theme co-occurrence (output of ``theme_cooccurrence``).

    ``data`` is the output of :func:`~wellbeing_lib.engagement.theme_cooccurrence`.

    ``value="jaccard"`` (default; 0-1) or ``"n_both"`` (respondents).  The diagonal is
    hidden by default (a theme always co-occurs with itself).

    Returns
    -------
    matplotlib Axes
    """
    import seaborn as sns

    a, b = f"{level}_a", f"{level}_b"
    require_columns(data, [a, b, value])
    wide = data.pivot_table(index=a, columns=b, values=value, aggfunc="first", sort=False)
    wide = wide.astype(float)
    mask = np.eye(len(wide), dtype=bool) if mask_diagonal and wide.shape[0] == wide.shape[1] \
        else None
    ax = get_axes(ax, figsize=(0.45 * len(wide) + 4, 0.4 * len(wide) + 2))
    label = "Jaccard index (both / either)" if value == "jaccard" else "Respondents (n)"
    sns.heatmap(wide, mask=mask, cmap=cmap, ax=ax, vmin=0, cbar_kws={"label": label},
                square=True)
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_title(title)
    return ax
