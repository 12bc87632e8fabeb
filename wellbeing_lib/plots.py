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

__all__ = [
    "plot_score_distribution",
    "plot_proportions",
    "plot_improved_on_n",
    "plot_paired",
    "plot_forest",
    "plot_baseline_vs_norm",
    "NHS_BLUE",
    "NHS_PALETTE",
]

#: NHS identity colours (NHS England brand guidelines): blue, dark blue, aqua green,
#: warm yellow, grey, dark pink, purple
NHS_BLUE = "#005EB8"
NHS_PALETTE = ["#005EB8", "#003087", "#00A499", "#FFB81C", "#768692", "#7C2855", "#330072"]


def _whiskers(estimate, low, high):
    """Error-bar lengths below/above an estimate, never negative.

    Interval ends computed in floating point can sit a hair inside the estimate (a
    Wilson upper limit of 0.9999999999999999 for 20/20); matplotlib refuses negative
    lengths, so they are clipped to zero.
    """
    estimate, low, high = (np.asarray(v, dtype=float) for v in (estimate, low, high))
    return [np.clip(estimate - low, 0, None), np.clip(high - estimate, 0, None)]


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
                xs[ok], values[ok], yerr=_whiskers(values[ok], lo[ok], hi[ok]),
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


# ------------------------------------------------------------------ outcome plots
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
    from .errors import InvalidValueError

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
    seed: int = 0,
    alpha: float = 0.05,
    ax=None,
    title: str | None = None,
    ylabel: str | None = None,
):
    """Before/after plot of one measure: the mean with a t interval at each time point.

    Optionally, thin grey lines join the two scores of ``sample`` clients drawn at
    random (seeded with ``seed``, so the picture is reproducible).

    Parameters
    ----------
    data : DataFrame
        Output of :func:`wellbeing_lib.outcomes.change` (columns ``measure``,
        ``baseline``, ``follow_up``); clients with both scores are plotted.
    measure : str, optional
        Required when ``data`` holds several measures.
    sample : int, default 0
        Number of clients drawn as thin lines (0 = none).
    seed : int, default 0
    alpha : float, default 0.05
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

    from .errors import InvalidValueError

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
    ax = _axes(ax)
    if sample and n:
        rng = np.random.default_rng(seed)
        pick = rng.choice(n, size=min(sample, n), replace=False)
        ax.plot([0, 1], pairs[pick].T, color="#768692", alpha=0.35, linewidth=0.6)
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
    ax = _axes(ax)
    y = np.arange(len(data))[::-1]
    ok = ~np.isnan(est)
    ax.errorbar(est[ok], y[ok], xerr=_whiskers(est[ok], lo[ok], hi[ok]), fmt="s",
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
    from .errors import InvalidValueError

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
    ax = _axes(ax)
    y = np.arange(len(rows))[::-1]
    ax.errorbar(mean, y, xerr=_whiskers(mean, lo, hi), fmt="o", color=NHS_BLUE,
                ecolor="black", capsize=4, label="baseline mean (95% CI)")
    ax.scatter(norm, y, marker="|", s=400, color="#7C2855", linewidths=2,
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
