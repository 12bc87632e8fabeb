"""Charts of SROI results: waterfall, tornado and Monte Carlo histogram.

These functions only consume results (:class:`~wellbeing_lib.economics.SROIResult`, the
table of :func:`~wellbeing_lib.economics.sroi_sensitivity`,
:class:`~wellbeing_lib.economics.SROIMonteCarlo`). matplotlib is imported inside them, so
importing the package loads no plotting library. Each takes ``ax=`` and returns the Axes;
new figures come from :func:`wellbeing_lib.reporting.figures.get_axes` and colours from
:mod:`wellbeing_lib.reporting.palette`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..reporting.figures import get_axes, set_alt_text
from ..reporting.palette import NHS_BLACK, NHS_DARK_PINK, NHS_MID_GREY, NHS_PALETTE, NHS_PURPLE
from ..validation import require_columns
from .impact_map import SROI_FRACTIONS
from .monte_carlo import SROIMonteCarlo
from .sroi import SROIResult, waterfall_table

__all__ = ["plot_sroi_waterfall", "plot_sroi_tornado", "plot_sroi_monte_carlo"]

#: size of a new figure (inches) when no ``ax`` is given
_FIGSIZE = (7, 4)


# ------------------------------------------------------------------ SROI: plots
def _pounds(ax, axis: str = "y") -> None:
    from matplotlib.ticker import FuncFormatter

    fmt = FuncFormatter(lambda x, _: f"-£{-x:,.0f}" if x < 0 else f"£{x:,.0f}")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


#: two-line forms of the waterfall's step names, used when the one-line names do not fit
_STEP_WRAPPED = {"gross value": "gross\nvalue", "deadweight": "dead-\nweight",
                 "displacement": "displace-\nment", "attribution": "attri-\nbution",
                 "drop-off": "drop-\noff", "discounting": "discount-\ning",
                 "present value": "present\nvalue"}
_TICK_POINTS = (9.0, 8.0, 7.0)  # tried in turn until neighbouring step names do not touch
_LABEL_POINTS = (8.0, 7.0, 6.0)  # the same for the £ labels on the bars


def _money_short(x: float) -> str:
    """£ to the pound with thousands separators; £m with two decimals from £10 million."""
    sign, x = ("-" if x < 0 else ""), abs(x)
    return f"{sign}£{x / 1e6:,.2f}m" if x >= 1e7 else f"{sign}£{x:,.0f}"


def _text_width_points(text: str, size: float) -> float:
    """Width in points of (the longest line of) ``text`` in the default font."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    prop = FontProperties(size=size)
    return max(text_to_path.get_text_width_height_descent(line, prop, ismath=False)[0]
               for line in text.split("\n"))


def _fits(labels, slot: float, size: float, gap: float = 4.0) -> bool:
    """Whether neighbouring centred labels, ``slot`` points apart, leave ``gap`` between them."""
    widths = [_text_width_points(t, size) for t in labels]
    return all((a + b) / 2 + gap <= slot for a, b in zip(widths, widths[1:]))


def _axes_points(ax) -> tuple[float, float]:
    """Width and height of an Axes in points (from its position in the figure)."""
    box = ax.get_position()
    w, h = ax.figure.get_size_inches()
    return box.width * w * 72.0, box.height * h * 72.0


def plot_sroi_waterfall(result: SROIResult, *, ax=None, title: str | None = None,
                        show_investment: bool = True):
    """Waterfall from gross value to present value: each deduction as a falling bar.

    Bars: gross value; − deadweight, − displacement, − attribution, − drop-off,
    − discounting; present value. A dashed line marks the investment, so the final bar
    standing above it means a ratio above 1:1. Values from :func:`waterfall_table`; each
    bar is labelled in whole pounds.

    The plot is laid out to be readable at the default size (7 × 4 inches) and on a
    given ``ax``: step names go on two lines (hyphenated if the Axes is narrow) and the
    y axis leaves room above the tallest bar for its label, below the title.

    Parameters
    ----------
    result : SROIResult
        From :func:`sroi`.
    ax : matplotlib Axes, optional
        Draw on this Axes; by default a new 7 × 4 inch figure.
    title : str, optional
        Default "From gross value to present value (SROI ratio x.xx : 1)".
    show_investment : bool, default True

    Returns
    -------
    matplotlib Axes

    Example
    -------
    >>> import pandas as pd
    >>> from wellbeing_lib.economics import sroi
    >>> m = pd.DataFrame({"stakeholder": ["NHS"], "outcome": ["Fewer GP visits"],
    ...     "indicator": ["visits"], "quantity": [100], "proxy_value": [45.0],
    ...     "proxy_source": ["PSSRU 2013"], "proxy_price_year": ["2012/13"], "duration": [2],
    ...     "deadweight": [0.1], "displacement": [0.05], "attribution": [0.1],
    ...     "drop_off": [0.5]})
    >>> ax = plot_sroi_waterfall(sroi(m, 4000, discount_rate=0.035))
    >>> ax.get_title(), ax.get_ylabel()
    ('From gross value to present value (SROI ratio 1.24 : 1)', 'value (£)')
    >>> [t.get_text() for t in ax.texts][:2]
    ['£9,000', '−£900']
    """
    steps = waterfall_table(result)
    own_figure = ax is None
    ax = get_axes(ax, figsize=_FIGSIZE)
    n = len(steps)
    change = steps["change"].to_numpy(dtype=float)
    running = steps["running_total"].to_numpy(dtype=float)
    ends = np.zeros(n, dtype=bool)
    ends[[0, -1]] = True
    # totals stand on zero; a deduction hangs from the running total before it
    bottoms = np.where(ends, 0.0, running)
    heights = np.where(ends, change, -change)
    colours = [NHS_PALETTE[0]] + [NHS_PALETTE[5]] * (n - 2) + [NHS_PALETTE[2]]
    x = np.arange(n)
    ax.bar(x, heights, bottom=bottoms, color=colours, width=0.7)
    for i in range(n - 1):
        ax.plot([i + 0.35, i + 0.65], [running[i], running[i]], color=NHS_MID_GREY, lw=0.8)
    if show_investment:
        ax.axhline(result.investment_total, ls="--", color=NHS_PURPLE, lw=1,
                   label=f"investment {_money_short(result.investment_total)}")
    ax.set_xlim(-0.6, n - 0.4)
    ax.set_ylabel("value (£)")
    _pounds(ax)
    ax.set_title(title or f"From gross value to present value (SROI ratio {result.ratio:.2f} : 1)")
    if own_figure:
        ax.figure.tight_layout()

    # x labels on two lines, hyphenated or smaller only if neighbours would still touch
    width_pt, height_pt = _axes_points(ax)
    slot = width_pt / (n + 0.2)
    plain = [s.replace(" ", "\n") for s in steps["step"]]
    hyphenated = [_STEP_WRAPPED.get(s, s.replace(" ", "\n")) for s in steps["step"]]
    tick_size, names = _TICK_POINTS[-1], hyphenated
    for size in _TICK_POINTS:
        fitting = [v for v in (plain, hyphenated) if _fits(v, slot, size)]
        if fitting:
            tick_size, names = size, fitting[0]
            break
    ax.set_xticks(x, names, fontsize=tick_size)
    if own_figure:
        ax.figure.tight_layout()  # again, for the two-line names

    tops = bottoms + np.maximum(heights, 0)
    labels = [_money_short(c) if end else "−" + _money_short(-c) if round(abs(c)) else "£0"
              for c, end in zip(change, ends)]
    label_size = next((size for size in _LABEL_POINTS if _fits(labels, slot, size, gap=2.0)),
                      _LABEL_POINTS[-1])
    for i, label in enumerate(labels):
        ax.annotate(label, (i, tops[i]), textcoords="offset points", xytext=(0, 3),
                    ha="center", va="bottom", fontsize=label_size)

    # headroom: the highest label (3 pt offset + one line of text) and a margin stay inside
    # the Axes, so it never reaches the title
    low = min(0.0, float(bottoms.min()), float((bottoms + heights).min()))
    high = float(tops.max())
    if show_investment:
        high = max(high, float(result.investment_total))
    if high <= low:
        high = low + 1.0
    room = min(0.5, max(0.08, (3.0 + 1.6 * label_size + 6.0) / max(height_pt, 1.0)))
    ax.set_ylim(low, high + (high - low) * room / (1.0 - room))
    if show_investment:
        ax.legend(loc="best", frameon=False, fontsize=label_size + 1)
    said = "; ".join(f"{step} {text}" for step, text in zip(steps["step"], labels))
    set_alt_text(ax, f"Waterfall chart from gross value to present value: {said}. "
                     + (f"Investment {_money_short(result.investment_total)}; " if
                        show_investment else "")
                     + f"SROI ratio {result.ratio:.2f} : 1.")
    return ax


def _pounds_text(x: float) -> str:
    """£ with thousands separators: whole pounds, or pence when the amount has them."""
    sign, x = ("-" if x < 0 else ""), abs(x)
    return f"{sign}£{x:,.0f}" if abs(x - round(x)) < 0.005 or x >= 1000 else f"{sign}£{x:,.2f}"


def _sensitivity_range_text(param: str, applied: str, low: float, high: float) -> str:
    """'low / high' of a sensitivity row in the parameter's own units (£, %, ×, years)."""
    applied = str(applied)
    if applied.startswith("multiplier"):
        return f"×{low:.3g} / ×{high:.3g}"
    if applied.startswith("years added"):
        return f"{low:+.0f} / {high:+.0f} years"
    if param == "investment" or "(£)" in applied:
        return f"{_pounds_text(low)} / {_pounds_text(high)}"
    if param == "proxy_value":
        return f"{_pounds_text(low)} / {_pounds_text(high)}"
    if param in SROI_FRACTIONS or param == "discount_rate":
        return f"{100 * low:.3g}% / {100 * high:.3g}%"
    if param == "duration":
        return f"{low:g} / {high:g} years"

    def number(x: float) -> str:
        return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"

    return f"{number(low)} / {number(high)}"


def plot_sroi_tornado(sensitivity: pd.DataFrame, *, ax=None, title: str | None = None,
                      max_bars: int | None = 15):
    """Tornado plot of a one-way sensitivity table (:func:`sroi_sensitivity`).

    One horizontal bar per row, from the ratio at the parameter's low value to the ratio at
    its high value, largest swing at the top; a solid line at the base ratio and a dashed
    line at 1:1. Each bar is labelled with the parameter (and outcome) and its low / high
    values in their own units: £ with thousands separators for the investment and proxy
    values, % for fractions and discount rates, × for multipliers, years for durations.

    Parameters
    ----------
    sensitivity : DataFrame
        From :func:`sroi_sensitivity` (columns ``parameter``, ``outcome``, ``low``,
        ``high``, ``ratio_low``, ``ratio_high``, ``ratio_base``).
    ax : matplotlib Axes, optional
    title : str, optional
    max_bars : int, optional
        Show the largest swings only (default 15).

    Returns
    -------
    matplotlib Axes

    Example
    -------
    >>> import pandas as pd
    >>> from wellbeing_lib.economics import sroi_sensitivity
    >>> m = pd.DataFrame({"stakeholder": ["NHS"], "outcome": ["Fewer GP visits"],
    ...     "indicator": ["visits"], "quantity": [100], "proxy_value": [45.0],
    ...     "proxy_source": ["PSSRU 2013"], "proxy_price_year": ["2012/13"], "duration": [2],
    ...     "deadweight": [0.1], "displacement": [0.05], "attribution": [0.1],
    ...     "drop_off": [0.5]})
    >>> ax = plot_sroi_tornado(sroi_sensitivity(m, 4000, discount_rate=0.035))
    >>> len(ax.get_yticklabels()), ax.get_xlabel()
    (8, 'SROI ratio (£ of value per £1 invested)')
    >>> ax = plot_sroi_tornado(sroi_sensitivity(
    ...     m, 4000, parameters={"investment": (3000, 250_000), "attribution": (0.05, 0.3)},
    ...     discount_rate=0.035))
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['attribution 5% / 30%', 'investment £3,000 / £250,000']
    """
    require_columns(sensitivity, ["parameter", "outcome", "low", "high", "ratio_low",
                                  "ratio_high", "ratio_base"], what="sensitivity table")
    t = sensitivity.copy()
    t["swing_"] = (t["ratio_high"] - t["ratio_low"]).abs()
    t = t.sort_values("swing_", ascending=False, kind="stable")
    if max_bars is not None:
        t = t.head(max_bars)
    t = t.iloc[::-1]
    ax = get_axes(ax, figsize=_FIGSIZE)
    base = float(t["ratio_base"].iloc[0]) if len(t) else np.nan
    y = np.arange(len(t))
    for col, colour, label in (("ratio_low", NHS_PALETTE[0], "parameter at low value"),
                               ("ratio_high", NHS_PALETTE[3], "parameter at high value")):
        ax.barh(y, t[col] - base, left=base, color=colour, height=0.6, label=label)
    how = t["applied_as"] if "applied_as" in t.columns else pd.Series("", index=t.index)

    def label(p, o, lo, hi, applied):
        name = p if o == "all" else f"{p} ({o})"
        return f"{name} {_sensitivity_range_text(p, applied, lo, hi)}"

    labels = [label(*row) for row in zip(t["parameter"], t["outcome"], t["low"], t["high"], how)]
    ax.set_yticks(y, labels)
    ax.axvline(base, color=NHS_BLACK, lw=1)
    ax.axvline(1.0, color=NHS_DARK_PINK, ls="--", lw=1, label="1:1")
    ax.set_xlabel("SROI ratio (£ of value per £1 invested)")
    ax.legend(loc="lower right", frameon=False, fontsize=9)
    ax.set_title(title or f"One-way sensitivity of the SROI ratio (base {base:.2f} : 1)")
    widest = [f"{lab}: ratio {lo:.2f} to {hi:.2f}" for lab, lo, hi in
              zip(labels[::-1][:3], t["ratio_low"][::-1][:3], t["ratio_high"][::-1][:3])]
    set_alt_text(ax, f"Tornado chart of the SROI ratio (base {base:.2f} : 1) as each of "
                     f"{len(t)} parameters moves between its low and high value; the widest: "
                     + "; ".join(widest) + ".")
    return ax


def plot_sroi_monte_carlo(result: SROIMonteCarlo, *, ax=None, bins: int = 60,
                          title: str | None = None):
    """Histogram of the Monte Carlo SROI ratios with the 1:1 line and the percentile interval.

    Parameters
    ----------
    result : SROIMonteCarlo
        From :func:`sroi_monte_carlo`.
    ax : matplotlib Axes, optional
    bins : int, default 60
    title : str, optional

    Returns
    -------
    matplotlib Axes

    Example
    -------
    >>> import pandas as pd
    >>> from wellbeing_lib.economics import sroi_monte_carlo
    >>> m = pd.DataFrame({"stakeholder": ["NHS"], "outcome": ["Fewer GP visits"],
    ...     "indicator": ["visits"], "quantity": [100], "proxy_value": [45.0],
    ...     "proxy_source": ["PSSRU 2013"], "proxy_price_year": ["2012/13"], "duration": [2],
    ...     "deadweight": [0.1], "displacement": [0.05], "attribution": [0.1],
    ...     "drop_off": [0.5]})
    >>> mc = sroi_monte_carlo(m, 4000, {"deadweight": ("uniform", 0.0, 0.4)}, n=1000,
    ...                       random_state=1, discount_rate=0.035)
    >>> plot_sroi_monte_carlo(mc).get_xlabel()
    'SROI ratio (£ of value per £1 invested)'
    """
    ax = get_axes(ax, figsize=_FIGSIZE)
    ax.hist(result.ratios, bins=bins, color=NHS_PALETTE[0], alpha=0.8)
    level = 100 * result.ci
    ax.axvspan(result.ci_low, result.ci_high, color=NHS_PALETTE[3], alpha=0.2,
               label=f"{level:g}% interval {result.ci_low:.2f} to {result.ci_high:.2f}")
    ax.axvline(1.0, color=NHS_DARK_PINK, ls="--", lw=1.2,
               label=f"1:1 (P(ratio > 1) = {result.prob_above_1:.0%})")
    ax.axvline(result.base_ratio, color=NHS_BLACK, lw=1,
               label=f"deterministic ratio {result.base_ratio:.2f}")
    ax.set_xlabel("SROI ratio (£ of value per £1 invested)")
    ax.set_ylabel("number of draws")
    ax.legend(loc="upper right", frameon=False, fontsize=9)
    ax.set_title(title or f"Monte Carlo SROI ratio (n = {result.n:,} draws)")
    set_alt_text(ax, f"Histogram of {result.n:,} simulated SROI ratios: {level:g}% of them "
                     f"between {result.ci_low:.2f} and {result.ci_high:.2f}; the ratio is above "
                     f"1 in {result.prob_above_1:.0%} of draws; deterministic ratio "
                     f"{result.base_ratio:.2f}.")
    return ax
