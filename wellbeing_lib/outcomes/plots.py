"""Outcome plots, seaborn style: ``data=`` first, column names as keywords, ``ax=``, return the Axes.

They draw the results of the computation modules (scores, :func:`improved_on_n`,
:func:`change`, :func:`baseline_vs_norm`) and compute nothing new.  Every plot has a
title and axis labels with units, because it will be pasted into a report.  matplotlib
and seaborn are imported inside the functions (through :mod:`wellbeing_lib.reporting`),
so importing wellbeing_lib stays fast.

Example
-------
>>> import pandas as pd
>>> scores = pd.DataFrame({"swemwbs_metric": [17.43, 19.25, 20.73, 22.35]})
>>> plot_score_distribution(scores, x="swemwbs_metric", norm=23.5).get_ylabel()
'% of respondents'
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InvalidValueError
from ..reporting.charts import plot_proportions
from ..reporting.figures import get_axes, whiskers
from ..reporting.palette import CATEGORICAL, NHS_BLUE, NHS_DARK_PINK, NHS_MID_GREY
from ..validation import DEFAULT_CI, check_ci, require_columns

__all__ = [
    "plot_score_distribution",
    "plot_improved_on_n",
    "plot_paired",
    "plot_baseline_vs_norm",
]


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

    Example
    -------
    >>> import pandas as pd
    >>> people = pd.DataFrame({"group": ["referred"] * 3 + ["comparison"] * 2,
    ...                        "swemwbs_metric": [17.43, 19.25, 20.73, 22.35, 23.21]})
    >>> ax = plot_score_distribution(people, x="swemwbs_metric", hue="group", norm=23.5)
    >>> ax.get_title(), ax.get_ylabel()
    ('Distribution of swemwbs_metric (n = 5)', '% of respondents in group')
    """
    import seaborn as sns

    require_columns(data, [x] + ([hue] if hue else []))
    ax = get_axes(ax)
    plotted = data.dropna(subset=[x])
    sns.histplot(
        data=plotted,
        x=x,
        hue=hue,
        stat="percent",
        common_norm=False,
        discrete=discrete,
        element="step" if hue else "bars",
        palette=CATEGORICAL[: plotted[hue].nunique()] if hue else None,
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


def plot_improved_on_n(
    data: pd.DataFrame,
    *,
    summary: str = "at least",
    hue: str | None = "definition",
    ax=None,
    title: str | None = None,
    xlabel: str = "number of measures improved",
    ylabel: str = "% of clients (95% Wilson CI)",
):
    """Bars of the % of clients improved on ≥1 … all M measures, one colour per definition.

    Parameters
    ----------
    data : DataFrame
        Output of :func:`wellbeing_lib.outcomes.improved_on_n` (one policy), possibly
        for several change definitions.
    summary : {"at least", "exactly", "measure"}, default "at least"
        Which rows to draw.
    hue : str or None, default "definition"
        Column giving the bar colour (ignored when absent or with a single value).
    ax : matplotlib Axes, optional
    title, xlabel, ylabel : str, optional

    Returns
    -------
    matplotlib Axes

    Example
    -------
    >>> import pandas as pd
    >>> from wellbeing_lib.outcomes import improved_on_n
    >>> t = pd.DataFrame({"client_id": list("aabb"), "measure": ["w", "l"] * 2,
    ...                   "status": ["improved", "improved", "improved", "no change"]})
    >>> plot_improved_on_n(improved_on_n(t)).get_title()
    'Clients improved on at least k of 2 measures (N = 2)'
    """
    require_columns(data, ["summary", "label", "proportion", "ci_low", "ci_high", "N"])
    rows = data[data["summary"] == summary]
    if rows.empty:
        raise InvalidValueError("no rows to plot", column="summary",
                                expected="one of " + ", ".join(map(str, pd.unique(data["summary"]))),
                                found=[summary])
    if "policy" in rows.columns and rows["policy"].nunique() > 1:
        raise InvalidValueError("several policies in one plot", column="policy",
                                expected="one policy: filter the rows first",
                                found=list(pd.unique(rows["policy"])))
    if hue is not None and (hue not in rows.columns or rows[hue].nunique() < 2):
        hue = None
    n_measures = rows["label"].nunique() if summary != "exactly" else rows["label"].nunique() - 1
    ax = plot_proportions(rows, x="label", hue=hue, order=list(pd.unique(rows["label"])), ax=ax,
                          xlabel=xlabel if summary != "measure" else "measure", ylabel=ylabel,
                          title="x")
    if title is None:
        sizes = pd.unique(rows["N"])
        n_text = f" (N = {int(sizes[0]):,})" if len(sizes) == 1 else ""
        what = {"at least": f"at least k of {n_measures} measures",
                "exactly": f"exactly k of {n_measures} measures",
                "measure": "each measure"}[summary]
        title = f"Clients improved on {what}{n_text}"
    ax.set_title(title)
    return ax


def plot_paired(
    data: pd.DataFrame,
    *,
    measure: str | None = None,
    sample: int = 0,
    random_state=0,
    ci: float = DEFAULT_CI,
    ax=None,
    title: str | None = None,
    ylabel: str | None = None,
):
    """Before/after plot of one measure: the mean with a t interval at each time point.

    Optionally, thin grey lines join the two scores of ``sample`` clients drawn at
    random (with ``random_state``, so the picture is reproducible).

    Parameters
    ----------
    data : DataFrame
        Output of :func:`wellbeing_lib.outcomes.change` (columns ``measure``,
        ``baseline``, ``follow_up``); clients with both scores are plotted.
    measure : str, optional
        Required when ``data`` holds several measures.
    sample : int, default 0
        Number of clients drawn as thin lines (0 = none).
    random_state : int, numpy Generator or None, default 0
        Seed (or generator) of the draw of the ``sample`` clients; the fixed default
        draws the same clients on every call, None draws fresh ones each time.
    ci : float, default 0.95
        Confidence level of the t intervals of the means.
    ax : matplotlib Axes, optional
    title, ylabel : str, optional

    Returns
    -------
    matplotlib Axes

    Example
    -------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"measure": "wellbeing", "baseline": [18.0, 20.0, 19.0],
    ...                   "follow_up": [21.0, 22.0, 19.0]})
    >>> plot_paired(t, sample=2).get_title()
    'wellbeing before and after (n = 3)'
    """
    from scipy import stats as sps

    alpha = check_ci(ci)
    require_columns(data, ["measure", "baseline", "follow_up"])
    if "definition" in data.columns and len(data):
        data = data[data["definition"] == data["definition"].iloc[0]]
    names = list(pd.unique(data["measure"].dropna()))
    if measure is None:
        if len(names) != 1:
            raise InvalidValueError("choose one measure to plot", column="measure",
                                    expected="measure= one of " + ", ".join(map(str, names)))
        measure = names[0]
    elif measure not in names:
        raise InvalidValueError("measure not in the data", column="measure", found=[measure],
                                expected="one of " + ", ".join(map(str, names)))
    rows = data[(data["measure"] == measure) & data["baseline"].notna()
                & data["follow_up"].notna()]
    pairs = rows[["baseline", "follow_up"]].to_numpy(dtype=float)
    n = len(pairs)
    ax = get_axes(ax)
    if sample and n:
        rng = np.random.default_rng(random_state)
        pick = rng.choice(n, size=min(sample, n), replace=False)
        ax.plot([0, 1], pairs[pick].T, color=NHS_MID_GREY, alpha=0.35, linewidth=0.6)
    means = pairs.mean(axis=0) if n else np.array([np.nan, np.nan])
    if n > 1:
        half = sps.t.ppf(1 - alpha / 2, n - 1) * pairs.std(axis=0, ddof=1) / np.sqrt(n)
    else:
        half = np.array([np.nan, np.nan])
    ax.errorbar([0, 1], means, yerr=half, color=NHS_BLUE, marker="o", markersize=7,
                linewidth=2, capsize=5, label=f"mean, {100 * (1 - alpha):g}% CI")
    ax.set_xticks([0, 1], ["Baseline", "Follow-up"])
    ax.set_xlim(-0.3, 1.3)
    ax.set_xlabel("time point")
    ax.set_ylabel(ylabel or f"{measure} score (points)")
    ax.legend(frameon=False, loc="best")
    ax.set_title(title or f"{measure} before and after (n = {n:,})")
    return ax


def plot_baseline_vs_norm(
    data: pd.DataFrame,
    *,
    scale: str | None = None,
    label: str | None = None,
    ax=None,
    title: str | None = None,
):
    """Baseline mean with its interval beside the population norm, per group.

    Parameters
    ----------
    data : DataFrame
        Output of :func:`wellbeing_lib.outcomes.baseline_vs_norm`.
    scale : str, optional
        Which scale's rows to draw (default: the first, e.g. ``"SWEMWBS metric"``).
    label : str, optional
        Column labelling the rows (default: the grouping column, if any).
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes

    Example
    -------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"scale": ["SWEMWBS metric"], "n": [100], "mean": [20.0],
    ...                   "norm": [23.4], "difference": [-3.4], "ci_low": [-4.0],
    ...                   "ci_high": [-2.8]})
    >>> plot_baseline_vs_norm(t).get_xlabel()
    'SWEMWBS metric (mean and 95% CI)'
    """
    require_columns(data, ["scale", "n", "mean", "norm", "difference", "ci_low", "ci_high"])
    scales = list(pd.unique(data["scale"]))
    scale = scales[0] if scale is None else scale
    if scale not in scales:
        raise InvalidValueError("scale not in the data", column="scale", found=[scale],
                                expected="one of " + ", ".join(map(str, scales)))
    rows = data[data["scale"] == scale]
    known = {"scale", "n", "n_missing", "mean", "sd", "norm", "difference", "ci_low", "ci_high",
             "t", "p", "norm_source", "conversion"}
    if label is None:
        extra = [c for c in rows.columns if c not in known]
        label = extra[0] if extra else None
    names = rows[label].astype("str").tolist() if label else ["sample"]
    mean = rows["mean"].to_numpy(dtype=float)
    norm = rows["norm"].to_numpy(dtype=float)
    lo = norm + rows["ci_low"].to_numpy(dtype=float)
    hi = norm + rows["ci_high"].to_numpy(dtype=float)
    diff = rows["difference"].to_numpy(dtype=float)
    n = rows["n"].to_numpy()
    ax = get_axes(ax)
    y = np.arange(len(rows))[::-1]
    ax.errorbar(mean, y, xerr=whiskers(mean, lo, hi), fmt="o", color=NHS_BLUE,
                ecolor="black", capsize=4, label="baseline mean (95% CI)")
    ax.scatter(norm, y, marker="|", s=400, color=NHS_DARK_PINK, linewidths=2,
               label="population norm", zorder=3)
    for yi, m, d, k in zip(y, mean, diff, n):
        ax.annotate(f"{d:+.2f} (n = {int(k):,})", xy=(m, yi), xytext=(0, 9),
                    textcoords="offset points", ha="center", fontsize=8)
    ax.set_yticks(y, names)
    ax.set_ylim(-0.7, len(rows) - 0.1)
    ax.set_ylabel(label or "")
    ax.set_xlabel(f"{scale} (mean and 95% CI)")
    ax.legend(frameon=False, loc="upper center", ncols=2, fontsize=8)
    ax.set_title(title or "Baseline compared with the population norm")
    return ax
