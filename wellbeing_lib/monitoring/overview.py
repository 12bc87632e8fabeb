"""Every monthly feed charted at once: the icon summary a board reads first.

:func:`monitor` draws the right chart for each measure of a
:class:`~wellbeing_lib.monitoring.MonthlyFeeds` (XmR for counts and means, p for
percentages, u for rates), with one set of settings, and returns the summary NHS England's
"Making Data Count" board papers open with: one row per measure with its latest value, mean,
limits, the variation and assurance icons in words, and a plain-English reading.

Example
-------
>>> import pandas as pd
>>> clients = pd.DataFrame({"client_id": [f"c{i}" for i in range(60)],
...                         "referral_date": pd.date_range("2017-01-01", periods=60, freq="6D")})
>>> from wellbeing_lib.monitoring import programme_feeds
>>> summary = monitor(programme_feeds(clients))
>>> summary.icons[["measure", "latest_value", "variation"]]
     measure  latest_value     variation
0  referrals           4.0  common_cause
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from .feeds import MonthlyFeeds
from .rules import SHIFT_LENGTH, TREND_LENGTH
from .signals import describe_chart, signal_episodes
from .spc import SPCChart, p_chart, u_chart, xmr_chart

__all__ = ["Monitoring", "monitor"]


@dataclass(frozen=True)
class Monitoring:
    """All the feeds' charts, and their summary.

    Attributes
    ----------
    icons : DataFrame
        One row per measure (× practice): ``measure, label, unit, chart,
        improvement_direction, [practice,] latest_date, latest_value, mean, lpl, upl,
        target, variation, variation_label, variation_symbol, assurance, assurance_label,
        assurance_symbol, reading``.
    points : DataFrame
        Every chart's points, stacked, with a ``measure`` column.
    signals : DataFrame
        Every signal episode (:func:`~wellbeing_lib.monitoring.signal_episodes`), with
        ``measure``.
    definitions : DataFrame
        The feeds' definitions.
    charts : dict of str to SPCChart
        The chart of each measure (draw one with ``plot_spc(result.chart("referrals"))``).
    """

    icons: pd.DataFrame
    points: pd.DataFrame
    signals: pd.DataFrame
    definitions: pd.DataFrame
    charts: dict = field(repr=False)

    def chart(self, measure: str) -> SPCChart:
        """The chart of one measure."""
        if measure not in self.charts:
            raise KeyError(f"no chart for {measure!r}; measures: {', '.join(self.charts)}")
        return self.charts[measure]

    def to_frame(self) -> pd.DataFrame:
        """The icon summary."""
        return self.icons


def _setting(value, measure: str, measures: list[str]):
    """A setting for every measure, or per measure (a mapping keyed by measure names)."""
    if isinstance(value, Mapping) and value and set(value) <= set(measures):
        return value.get(measure)
    return value


def monitor(feeds: MonthlyFeeds, *, targets: Mapping | None = None, rebase=None,
            fix_after_n_points: int | None = None, laney: bool = False,
            screen_outliers: bool = True, shift: int = SHIFT_LENGTH,
            trend: int = TREND_LENGTH) -> Monitoring:
    """Chart every measure of the feeds with the Making Data Count rules and summarise them.

    Parameters
    ----------
    feeds : MonthlyFeeds
        From :func:`~wellbeing_lib.monitoring.programme_feeds`.
    targets : mapping, optional
        ``{measure: target}`` (a number, or ``{practice: number}`` for feeds per practice),
        on the measure's scale (% for percentages, per 1,000 for rates).
    rebase : date, list of dates, or mapping, optional
        New baseline periods from these dates: for every measure, or ``{measure: dates}``.
    fix_after_n_points : int, optional
        Fixed baselines (see :func:`~wellbeing_lib.monitoring.xmr_chart`).
    laney : bool, default False
        Laney's p′/u′ charts for the percentages and rates.
    screen_outliers, shift, trend
        As :func:`~wellbeing_lib.monitoring.xmr_chart`.

    Returns
    -------
    Monitoring
    """
    targets = dict(targets or {})
    unknown = sorted(set(targets) - set(feeds.definitions["measure"]))
    if unknown:
        raise ValueError(f"targets for measures not in the feeds: {unknown}")
    by = feeds.by
    measures = feeds.definitions["measure"].tolist()
    charts, icons, points, signals = {}, [], [], []
    for d in feeds.definitions.to_dict("records"):
        measure = d["measure"]
        data = feeds.feeds[feeds.feeds["measure"] == measure]
        common = dict(date="month", group=by, improvement_direction=d["improvement_direction"],
                      target=targets.get(measure), rebase=_setting(rebase, measure, measures),
                      fix_after_n_points=fix_after_n_points, shift=shift, trend=trend)
        if d["chart"] == "p":
            chart = p_chart(data, numerator="numerator", denominator="denominator",
                            laney=laney, **common)
        elif d["chart"] == "u":
            chart = u_chart(data, numerator="numerator", denominator="denominator",
                            laney=laney, multiplier=1000, **common)
        else:
            chart = xmr_chart(data, value="value", screen_outliers=screen_outliers, **common)
        charts[measure] = chart
        unit = {"per 1,000": "", "referrals": ""}.get(d["unit"], d["unit"])
        decimals = 0 if measure == "referrals" else (2 if measure == "referrals_per_1000" else 1)
        reading = describe_chart(chart, label=d["label"], unit=unit, decimals=decimals)
        icon = chart.icons.assign(reading=reading.split("\n"))
        for col in ("label", "unit", "chart", "improvement_direction"):
            icon.insert(0, col, d[col])
        icon.insert(0, "measure", measure)
        icons.append(icon)
        points.append(chart.points.assign(measure=measure))
        signals.append(signal_episodes(chart).assign(measure=measure))
    keep = ["measure", "label", "unit", "chart", "improvement_direction",
            *([by] if by else []), "latest_date", "latest_value", "mean", "lpl", "upl",
            "target", "variation", "variation_label", "variation_symbol", "assurance",
            "assurance_label", "assurance_symbol", "reading"]
    icon_table = pd.concat(icons, ignore_index=True)[keep]
    point_table = pd.concat(points, ignore_index=True)
    point_table = point_table[["measure", *[c for c in point_table if c != "measure"]]]
    signal_table = pd.concat(signals, ignore_index=True)
    signal_table = signal_table[["measure", *[c for c in signal_table if c != "measure"]]]
    return Monitoring(icon_table, point_table, signal_table, feeds.definitions, charts)
