"""Monitoring plots: SPC charts as "Making Data Count" draws them, funnel plots, reach.

Conventions evaluators know from NHS England board papers: grey common-cause points, blue
improvement, orange concern, purple special cause of neither; a solid mean and dashed process
limits, broken at each rebase; a red dashed target.  Colour is never the only cue: each point
type has its own marker (circle, upward triangle, downward triangle, diamond), the legend
names them, and the variation and assurance icons are written out in a box on the chart.
matplotlib is imported inside the functions (through :mod:`wellbeing_lib.reporting`).

Example
-------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import pandas as pd
>>> from wellbeing_lib.monitoring import xmr_chart
>>> df = pd.DataFrame({"month": pd.date_range("2020-01-01", periods=14, freq="MS"),
...                    "y": [5, 6, 5, 7, 6, 5, 6, 7, 6, 5, 6, 5, 6, 15]})
>>> ax = plot_spc(xmr_chart(df, value="y", date="month", improvement_direction="decrease"))
>>> ax.get_legend_handles_labels()[1]  # doctest: +NORMALIZE_WHITESPACE
['Common cause (grey circle)', 'Special cause: concern (orange, triangle)', 'Mean',
 'Process limits']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..reporting.figures import get_axes, set_alt_text, whiskers
from ..reporting.palette import (
    MDC_COMMON_CAUSE,
    MDC_CONCERN,
    MDC_IMPROVEMENT,
    MDC_NEUTRAL,
    MDC_TARGET,
    NHS_BLACK,
    NHS_BLUE,
    NHS_DARK_GREY,
    OKABE_ITO,
)

__all__ = ["POINT_STYLES", "plot_spc", "plot_funnel", "plot_representation"]

#: point type -> (colour, marker, legend label)
POINT_STYLES = {
    "common_cause": (MDC_COMMON_CAUSE, "o", "Common cause (grey circle)"),
    "special_cause_improvement": (MDC_IMPROVEMENT, "^", "Special cause: improvement (blue, "
                                                        "triangle)"),
    "special_cause_concern": (MDC_CONCERN, "v", "Special cause: concern (orange, triangle)"),
    "special_cause_neutral_high": (MDC_NEUTRAL, "D", "Special cause: higher (purple diamond)"),
    "special_cause_neutral_low": (MDC_NEUTRAL, "d", "Special cause: lower (purple diamond)"),
}


def _series(chart, series):
    pts, icons = chart.points, chart.icons
    if chart.group is None:
        return pts, icons.iloc[0], None
    names = list(pd.unique(pts[chart.group]))
    if series is None:
        if len(names) > 1:
            raise ValueError(f"the chart has {len(names)} series ({chart.group}); pick one with "
                             f"series=, e.g. series={names[0]!r}")
        series = names[0]
    if series not in names:
        raise ValueError(f"no series {series!r} in column {chart.group!r}; series: "
                         + ", ".join(map(str, names[:10])))
    return (pts[pts[chart.group] == series], icons[icons[chart.group] == series].iloc[0],
            series)


def plot_spc(chart, *, series=None, ax=None, title: str | None = None,
             ylabel: str | None = None, icons: bool = True, percent_axis: bool | None = None):
    """Draw one series of an :class:`~wellbeing_lib.monitoring.SPCChart`.

    Parameters
    ----------
    chart : SPCChart
    series : optional
        The series to draw, for a chart with ``group=`` (required when it has several).
    ax : matplotlib Axes, optional
    title, ylabel : str, optional
    icons : bool, default True
        Write the variation and assurance icons, in words, in a box at the top left.
    percent_axis : bool, optional
        Label the axis in % (default: for p-charts).

    Returns
    -------
    matplotlib Axes
    """
    pts, icon, name = _series(chart, series)
    ax = get_axes(ax, figsize=(9, 4.5))
    x = pd.to_datetime(pts[chart.date]).to_numpy()
    y = pts["value"].to_numpy(float)
    ax.plot(x, y, color=MDC_COMMON_CAUSE, linewidth=1.2, zorder=1)
    for ptype, (colour, marker, label) in POINT_STYLES.items():
        sel = (pts["point_type"] == ptype).to_numpy()
        if sel.any():
            ax.scatter(x[sel], y[sel], color=colour, marker=marker, s=42, zorder=3,
                       edgecolor=NHS_BLACK if ptype != "common_cause" else colour,
                       linewidth=0.5, label=label)
    first = True
    for _, part in pts.groupby("baseline_period", sort=True):
        px = pd.to_datetime(part[chart.date]).to_numpy()
        step = "post" if chart.chart != "xmr" else None
        draw = (lambda xs, ys, **kw: ax.step(xs, ys, where="mid", **kw)) if step else ax.plot
        draw(px, part["mean"], color=NHS_BLACK, linewidth=1.2, label="Mean" if first else None)
        draw(px, part["upl"], color=NHS_DARK_GREY, linestyle="--", linewidth=1,
             label="Process limits" if first else None)
        draw(px, part["lpl"], color=NHS_DARK_GREY, linestyle="--", linewidth=1)
        first = False
    if pts["target"].notna().any():
        ax.plot(x, pts["target"], color=MDC_TARGET, linestyle="--", linewidth=1.2,
                label=f"Target ({pts['target'].dropna().iloc[-1]:g})")
    if "trajectory" in pts and pts["trajectory"].notna().any():
        ax.plot(x, pts["trajectory"], color=MDC_NEUTRAL, linestyle=":", label="Trajectory")
    if icons:
        text = f"Variation: {icon['variation_label']}"
        if icon["assurance"] is not None:
            text += f"\nAssurance: {icon['assurance_label']}"
        ax.text(0.01, 0.98, text, transform=ax.transAxes, va="top", ha="left", fontsize=9,
                bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": NHS_DARK_GREY})
    percent = chart.chart.startswith("p") if percent_axis is None else percent_axis
    ax.set_ylabel(ylabel or ("%" if percent else chart.value))
    ax.set_xlabel("")
    ax.set_title(title or (f"{chart.value}: {name}" if name is not None else chart.value))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), fontsize=8, frameon=False,
              ncol=3)
    low, high = ax.get_ylim()
    ax.set_ylim(low, high + 0.3 * (high - low))  # room for the icon box
    from matplotlib.dates import DateFormatter

    ax.xaxis.set_major_formatter(DateFormatter("%b %Y"))
    for tick in ax.get_xticklabels():
        tick.set_rotation(30)
        tick.set_horizontalalignment("right")
    dates = pd.to_datetime(pts[chart.date])
    special = int(pts["point_type"].ne("common_cause").sum())
    set_alt_text(ax, f"Statistical process control chart: {ax.get_title()}. {len(pts)} points "
                     f"from {dates.min():%b %Y} to {dates.max():%b %Y}, latest "
                     f"{y[-1]:.3g}, mean {float(pts['mean'].iloc[-1]):.3g}, process limits "
                     f"{float(pts['lpl'].iloc[-1]):.3g} to {float(pts['upl'].iloc[-1]):.3g}; "
                     f"{special} points show special cause variation. Variation: "
                     f"{icon['variation_label']}"
                     + (f"; assurance: {icon['assurance_label']}" if icon["assurance"] is not None
                        else "") + ".")
    return ax


def plot_funnel(funnel, *, ax=None, title: str | None = None, xlabel: str | None = None,
                ylabel: str | None = None, label: str = "outside"):
    """Draw a :class:`~wellbeing_lib.monitoring.Funnel`: units, target and 95%/99.8% limits.

    Parameters
    ----------
    funnel : Funnel
    ax : matplotlib Axes, optional
    title, xlabel, ylabel : str, optional
    label : {"outside", "all", "none"}, default "outside"
        Which units to name: those beyond the 95% limits, all, or none.

    Returns
    -------
    matplotlib Axes
    """
    ax = get_axes(ax, figsize=(8, 5))
    curve, units = funnel.curve, funnel.units
    cols = [c for c in curve.columns if c != "exposure"]
    ax.plot(curve["exposure"], curve[cols[1]], color=NHS_DARK_GREY, linestyle="--", linewidth=1,
            label="95% limits")
    ax.plot(curve["exposure"], curve[cols[0]], color=NHS_DARK_GREY, linestyle="--", linewidth=1)
    ax.plot(curve["exposure"], curve[cols[3]], color=NHS_BLACK, linestyle=":", linewidth=1.2,
            label="99.8% limits")
    ax.plot(curve["exposure"], curve[cols[2]], color=NHS_BLACK, linestyle=":", linewidth=1.2)
    ax.axhline(funnel.target, color=NHS_BLUE, linewidth=1.2, label=f"Target ({funnel.target:.2f})")
    # above or below is neither good nor bad for a referral rate: neutral colours, two shapes
    styles = {"within": (MDC_COMMON_CAUSE, "o"), "above": (OKABE_ITO[4], "^"),
              "below": (OKABE_ITO[0], "v")}
    for key, (colour, marker) in styles.items():
        sel = units["position"].str.startswith(key).to_numpy()
        if sel.any():
            ax.scatter(units.loc[sel, "exposure"], units.loc[sel, "value"], color=colour,
                       marker=marker, s=45, edgecolor=NHS_BLACK, linewidth=0.5, zorder=3,
                       label={"within": "Within 95% limits", "above": "Above 95% limits "
                              "(triangle up)", "below": "Below 95% limits (triangle down)"}[key])
    if label != "none":
        named = units if label == "all" else units[units["position"] != "within"]
        for rec in named.to_dict("records"):
            ax.annotate(str(rec[funnel.unit]), (rec["exposure"], rec["value"]),
                        xytext=(4, 4), textcoords="offset points", fontsize=8)
    note = "" if funnel.overdispersion is None else f", {funnel.overdispersion} overdispersion"
    scale = "per 1,000" if funnel.multiplier == 1000 else ("%" if funnel.multiplier == 100
                                                            else f"× {funnel.multiplier:g}")
    ax.set_xlabel(xlabel or "Exposure (registered patients or person-years)")
    ax.set_ylabel(ylabel or f"Rate ({scale})")
    ax.set_title(title or f"Funnel plot ({funnel.kind} limits{note})")
    ax.legend(fontsize=8, frameon=False)
    outside = units[units["position"] != "within"]
    set_alt_text(ax, f"Funnel plot of {len(units)} units' rates against their exposure with "
                     f"95% limits: {len(outside)} outside"
                     + (": " + ", ".join(f"{u} ({pos})" for u, pos in
                                        zip(outside[funnel.unit], outside["position"]))
                        if len(outside) else "") + ".")
    return ax


def plot_representation(data: pd.DataFrame, *, characteristic: str | None = None, ax=None,
                        title: str | None = None):
    """Referred against registered: the representation ratio and its interval by category.

    A vertical line at 1 (referred in proportion to the registered population); a log
    scale, so that half and double are equally far from it.

    Parameters
    ----------
    data : DataFrame
        From :func:`~wellbeing_lib.monitoring.representation`.
    characteristic : str, optional
        Draw one characteristic only.
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes
    """
    table = data if characteristic is None else data[data["characteristic"] == characteristic]
    ax = get_axes(ax, figsize=(7, max(2.5, 0.35 * len(table) + 1)))
    y = np.arange(len(table))[::-1]
    ratio = table["ratio"].to_numpy(float)
    low = table["ratio_ci_low"].to_numpy(float)
    high = table["ratio_ci_high"].to_numpy(float)
    shown = ratio > 0
    over = shown & (low > 1)
    under = shown & (high < 1)
    for sel, colour, marker, text in ((shown & ~over & ~under, MDC_COMMON_CAUSE, "o",
                                       "In proportion (interval includes 1)"),
                                      (over, OKABE_ITO[0], ">", "Over-represented (triangle "
                                                                "right)"),
                                      (under, OKABE_ITO[4], "<", "Under-represented (triangle "
                                                                 "left)")):
        if sel.any():
            ax.errorbar(ratio[sel], y[sel], xerr=whiskers(ratio[sel], low[sel], high[sel]),
                        fmt=marker, color=colour, ecolor=NHS_DARK_GREY, capsize=3, label=text)
    ax.axvline(1.0, color=NHS_BLACK, linestyle="--", linewidth=1)
    ax.set_xscale("log")
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter

    ends = np.concatenate([low[shown], high[shown], [1.0]])
    ticks = [t for t in (0.125, 0.25, 0.5, 1, 2, 4, 8)
             if ends.min() / 2 <= t <= ends.max() * 2]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.xaxis.set_minor_formatter(NullFormatter())
    labels = (table["characteristic"].astype(str) + ": " + table["category"].astype(str)
              if characteristic is None else table["category"].astype(str))
    ax.set_yticks(y, list(labels))
    ax.set_xlabel("Share of referrals ÷ share of registered population (95% CI, log scale)")
    ax.set_title(title or "Who is referred, against who is registered")
    ax.legend(fontsize=8, frameon=False, loc="best")
    return ax
