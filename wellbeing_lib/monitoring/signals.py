"""Signals in words: the special-cause episodes of a chart, and a plain-English reading.

A board paper needs more than coloured dots: which months signalled, by which rule, in which
direction, and what the latest month says.  :func:`signal_episodes` groups consecutive points
flagged by the same rule on the same side into episodes; :func:`describe_chart` writes the
reading of each series, every figure taken from the chart.

Example
-------
>>> import pandas as pd
>>> from wellbeing_lib.monitoring import xmr_chart
>>> df = pd.DataFrame({"month": pd.date_range("2020-01-01", periods=20, freq="MS"),
...                    "y": [10, 12] * 6 + [12] * 8})
>>> chart = xmr_chart(df, value="y", date="month")
>>> signal_episodes(chart)[["side", "start", "end", "n_points", "rules"]]
   side      start        end  n_points  rules
0  high 2020-12-01 2021-08-01         9  shift
>>> print(describe_chart(chart, label="Referrals a month", decimals=1))
Referrals a month: mean 11.4 (process limits 8.3 to 14.5), 20 months, Jan 2020 to Aug 2021. Latest month (Aug 2021: 12.0): special cause variation: improvement (higher values). Signals: 9 points above the mean (shift), Dec 2020 to Aug 2021.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .rules import RULE_ORDER
from .spc import SPCChart

__all__ = ["signal_episodes", "describe_chart", "RULE_WORDS"]

#: how each rule reads in a sentence: (high, low)
RULE_WORDS = {
    "outside_limits": ("above the upper process limit", "below the lower process limit"),
    "trend": ("rising in a row (trend)", "falling in a row (trend)"),
    "two_of_three": ("near the upper limit (2 of 3)", "near the lower limit (2 of 3)"),
    "shift": ("above the mean (shift)", "below the mean (shift)"),
}


def signal_episodes(chart: SPCChart) -> pd.DataFrame:
    """Runs of consecutive special-cause points on the same side, one row per episode.

    An episode is a stretch of consecutive flagged points of one series and baseline period
    on the same side (above the mean or rising: ``high``; ``low``), whatever rules flagged
    them: a shift often contains a point beyond the limit or two near it.

    Returns
    -------
    DataFrame
        ``[group,] baseline_period, side, point_type, start, end, n_points, rules`` (the
        rules that flagged its points, in the order that names a point) and one count column
        per rule (``outside_limits``, ``trend``, ``two_of_three``, ``shift``); in date order
        within each series; empty when nothing signals.
    """
    pts = chart.points
    keys = [chart.group] if chart.group else []
    columns = [*keys, "baseline_period", "side", "point_type", "start", "end", "n_points",
               "rules", *RULE_ORDER]
    flagged = pts["special_cause_flag"].to_numpy()
    if not flagged.any():
        return pd.DataFrame(columns=columns)
    same = np.ones(len(pts), dtype=bool)
    same[0] = False
    for col in [*keys, "baseline_period", "side"]:
        values = pts[col].to_numpy()
        same[1:] &= values[1:] == values[:-1]
    same[1:] &= flagged[:-1]
    episode = np.cumsum(~same)
    sel = pts[flagged].assign(_episode=episode[flagged])
    for rule in RULE_ORDER:
        sel[rule] = (sel["rule"] == rule).astype("int64")
    out = sel.groupby("_episode", sort=True).agg(
        **{k: (k, "first") for k in [*keys, "baseline_period", "side", "point_type"]},
        start=(chart.date, "min"), end=(chart.date, "max"), n_points=(chart.date, "size"),
        **{rule: (rule, "sum") for rule in RULE_ORDER})
    out["rules"] = [", ".join(r for r in RULE_ORDER if row[r]) for _, row in out.iterrows()]
    return out.reset_index(drop=True)[columns]


def _episode_words(e: dict) -> str:
    """'9 points above the mean (shift), Jun 2017 to Feb 2018' and the like."""
    high = e["side"] == "high"
    when = (_month(e["start"]) if e["n_points"] == 1 else
            f"{_month(e['start'])} to {_month(e['end'])}")
    used = [r for r in RULE_ORDER if e[r]]
    noun = "point" if e["n_points"] == 1 else "points"
    if len(used) == 1:
        return f"{e['n_points']} {noun} {RULE_WORDS[used[0]][0 if high else 1]}, {when}"
    parts = [f"{e[r]} {RULE_WORDS[r][0 if high else 1]}" for r in used]
    direction = "higher" if high else "lower"
    return f"{e['n_points']} {noun} of {direction} values, {when}: " + ", ".join(parts)


def _month(value) -> str:
    return pd.Timestamp(value).strftime("%b %Y")


def _number(value, decimals: int, unit: str) -> str:
    text = f"{value:,.{decimals}f}"
    return f"{text}{unit}" if unit == "%" else (f"{text} {unit}" if unit else text)


def describe_chart(chart: SPCChart, *, label: str, unit: str = "", decimals: int = 1,
                   episodes: int = 3) -> str:
    """A plain-English reading of each series of a chart, one paragraph per series.

    Gives the mean and the process limits (at the latest point, for p- and u-charts), the
    period covered, the latest point and its variation icon in words, the last ``episodes``
    signals (rule, direction, months), and the assurance against the target when there is one.

    Parameters
    ----------
    chart : SPCChart
    label : str
        The measure's name ("Referrals a month").
    unit : str, optional
        Unit after each number (``"%"``, ``"days"``).
    decimals : int, default 1
    episodes : int, default 3
        How many of the latest signal episodes to name.
    """
    keys = [chart.group] if chart.group else []
    episodes_table = signal_episodes(chart)
    paragraphs = []
    for rec in chart.icons.to_dict("records"):
        pts = chart.points
        if keys:
            pts = pts[pts[chart.group] == rec[chart.group]]
        name = f"{label}, {rec[chart.group]}" if keys else label
        observed = pts[pts["point_type"] != "no_data"]
        num = lambda v: _number(v, decimals, unit)  # noqa: E731
        bare = (lambda v: _number(v, decimals, "%")) if unit == "%" else \
            (lambda v: _number(v, decimals, ""))
        limits = "process limits" if chart.chart == "xmr" else "latest process limits"
        span = (f"{len(observed)} months, {_month(pts[chart.date].min())} to "
                f"{_month(pts[chart.date].max())}")
        centre = f"mean {num(rec['mean'])} ({limits} {bare(rec['lpl'])} to {bare(rec['upl'])})"
        starts = pts.groupby("baseline_period")[chart.date].min()
        if len(starts) > 1:
            rebased = ", ".join(_month(d) for d in starts.iloc[1:])
            text = (f"{name}: {span}, rebased from {rebased}; since {_month(starts.iloc[-1])}: "
                    f"{centre}.")
        else:
            text = f"{name}: {centre}, {span}."
        if len(observed) < len(pts):
            text += f" {len(pts) - len(observed)} months without data."
        text += (f" Latest month ({_month(rec['latest_date'])}: {num(rec['latest_value'])}): "
                 f"{rec['variation_label'][0].lower()}{rec['variation_label'][1:]}.")
        eps = episodes_table
        if keys and len(eps):
            eps = eps[eps[chart.group] == rec[chart.group]]
        if len(eps):
            items = [_episode_words(e) for e in eps.tail(episodes).to_dict("records")]
            more = (f" (and {len(eps) - episodes} earlier)" if len(eps) > episodes else "")
            text += " Signals" + more + ": " + "; ".join(items) + "."
        else:
            text += " No special cause signals."
        if not pd.isna(rec["target"]):
            text += f" Target {num(rec['target'])}: {rec['assurance_label'].lower()}"
            text += f" ({rec['assurance_description']})." if rec["assurance_description"] else "."
        paragraphs.append(text)
    return "\n".join(paragraphs)
