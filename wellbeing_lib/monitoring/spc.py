"""Statistical process control charts as NHS England's "Making Data Count" draws them.

Three charts, one result object:

* :func:`xmr_chart` — the XmR (individuals) chart NHS England uses for almost every measure:
  centre line = mean of the baseline points, process limits = mean ± 2.66 × the mean moving
  range (2.66 = 3 / d2, d2 = 1.128 for ranges of two; Wheeler & Chambers 1992), "near a limit"
  = mean ± 2/3 of that.  Moving ranges of 3.267 × their mean or more (the D4 upper limit of a
  moving-range chart) are screened out before the limits are set (Nelson 1982; NHSRplotthedots'
  default; ``screen_outliers=False`` reproduces the Making Data Count Excel tools);
* :func:`p_chart` — proportions (e.g. % of clients followed up, % improved): centre p̄ =
  Σ numerators / Σ denominators over the baseline, limits p̄ ± 3 √(p̄(1 − p̄)/nᵢ), kept within
  [0, 1] (Montgomery 2019, *Introduction to Statistical Quality Control*, 8th ed., §7.2);
* :func:`u_chart` — rates (e.g. referrals per 1,000 registered patients): ū = Σ counts /
  Σ exposure, limits ū ± 3 √(ū/nᵢ), never below 0 (Montgomery §7.3.3).  ``laney=True`` on
  either gives Laney's p′/u′ chart (Laney 2002, *Quality Engineering* 14:531-537), which
  widens the limits by the between-month variation when denominators are large (NHS England's
  advice for large denominators).

Every chart then applies the four special-cause rules of :mod:`~wellbeing_lib.monitoring.rules`
to each series and baseline period, classifies each point by the improvement direction, and
gives the variation and assurance icons (:mod:`~wellbeing_lib.monitoring.icons`).

Baselines
    By default the limits of a period use all its points and are *recalculated* as points are
    added.  ``fix_after_n_points=n`` fixes them on the first n observed points of each period
    (a *fixed baseline*; NHS England advises at least 12, NHSRplotthedots insists on it; here
    2 or more is allowed).  ``rebase`` starts a new period — new mean and limits — at the
    first point on or after each stated date (one list for every series, or a mapping per
    series).  Limits resting on fewer than 12 points are *trial limits* (``trial_limits``).

Checked against NHSRplotthedots 0.2.2 (R) on NHS England A&E attendances (the extract
shipped as ``ae_attendances_extract.csv``): limits equal to 1e-9 and every point's rule and
type identical, in 13 scenarios (tests/monitoring/test_spc.py).

Example
-------
>>> import pandas as pd
>>> data = pd.DataFrame({"day": pd.date_range("2021-03-22", periods=18),
...                      "value": [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]})
>>> chart = xmr_chart(data, value="value", date="day")
>>> chart.summary[["mean", "lpl", "upl", "n", "special_cause_improvement"]].round(4)
     mean     lpl     upl   n  special_cause_improvement
0  1.9444 -0.7156  4.6044  18                          1
>>> xmr_chart(data, value="value", date="day", screen_outliers=False).summary["upl"].round(4)
0    6.9515
Name: upl, dtype: float64
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import DuplicateKeyError, InvalidValueError
from ..validation import (
    check_choice,
    check_labels,
    check_numeric,
    require_columns,
    rows_where,
)
from .icons import IMPROVEMENT_DIRECTIONS, icon_table, point_types
from .rules import SHIFT_LENGTH, TREND_LENGTH, detect_rules

__all__ = [
    "XMR_LIMIT",
    "MR_SCREEN",
    "TRIAL_LIMIT_POINTS",
    "SPCChart",
    "xmr_chart",
    "p_chart",
    "u_chart",
    "ae_attendances",
]

#: XmR process limits are the mean ± 2.66 × mean moving range (3 / 1.128, as NHS England rounds it)
XMR_LIMIT = 2.66
#: moving ranges at or above 3.267 × their mean are screened out (D4 for ranges of two)
MR_SCREEN = 3.267
#: limits resting on fewer baseline points than this are trial limits
TRIAL_LIMIT_POINTS = 12
#: d2 for moving ranges of two points (Laney's sigma of the z-scores)
_D2 = 1.128

#: columns of the points table that a date or series column may not be called
_RESULT_COLUMNS = ("value", "numerator", "denominator", "baseline_period", "baseline", "mean",
                   "lpl", "upl", "near_lpl", "near_upl", "outside_limits", "relative_to_mean",
                   "close_to_limits", "rule", "side", "special_cause_type",
                   "special_cause_flag", "point_type", "target", "trajectory", "trial_limits")

_SPECIAL_CAUSE_TEXT = {
    ("outside_limits", "high"): "Above the upper process limit",
    ("outside_limits", "low"): "Below the lower process limit",
    ("trend", "high"): "Trend: {trend} or more points rising",
    ("trend", "low"): "Trend: {trend} or more points falling",
    ("two_of_three", "high"): "2 of 3 points near the upper limit",
    ("two_of_three", "low"): "2 of 3 points near the lower limit",
    ("shift", "high"): "Shift: {shift} or more points above the mean",
    ("shift", "low"): "Shift: {shift} or more points below the mean",
    ("none", ""): "Common cause",
    ("no_data", ""): "No data",
}


@dataclass(frozen=True)
class SPCChart:
    """A statistical process control chart: its points, periods and icons.

    Attributes
    ----------
    chart : str
        ``"xmr"``, ``"p"``, ``"u"`` (``"p'"``, ``"u'"`` for Laney's charts).
    points : DataFrame
        One row per series × date, sorted by series then date: ``[group,] date, value,
        [numerator, denominator,] baseline_period, baseline, mean, lpl, upl, near_lpl, near_upl,
        outside_limits, relative_to_mean, close_to_limits, rule, side, special_cause_type,
        special_cause_flag, point_type, target, [trajectory,] trial_limits``.  ``baseline_period``
        counts baseline periods from 0 (a rebase starts the next); ``baseline`` marks the
        points the limits were computed from; ``rule`` is the special-cause rule that names
        the point (``"none"`` = common cause, ``"no_data"`` = a missing point).
    summary : DataFrame
        One row per series × period: dates, ``n`` points, ``n_baseline``, mean and limits
        (of the latest point, for p and u charts), counts of common-cause, improvement and
        concern points, and ``variation_type`` (the period's latest point type).
    icons : DataFrame
        One row per series: the latest point, the variation and assurance icons with their
        labels and descriptions (:func:`~wellbeing_lib.monitoring.icons.icon_table`).
    value, date, group : str
        Column names (``group`` None for one series).
    improvement_direction : str
    shift, trend : int
        The run lengths used.
    """

    chart: str
    points: pd.DataFrame
    summary: pd.DataFrame
    icons: pd.DataFrame
    value: str
    date: str
    group: str | None
    improvement_direction: str
    shift: int
    trend: int

    def to_frame(self) -> pd.DataFrame:
        """The points table."""
        return self.points


# ------------------------------------------------------------------ input checks and order
def _parse_dates(data: pd.DataFrame, date: str) -> pd.Series:
    raw = data[date]
    parsed = pd.to_datetime(raw, errors="coerce", format="mixed") if raw.dtype == object or \
        pd.api.types.is_string_dtype(raw) else pd.to_datetime(raw, errors="coerce")
    bad = parsed.isna().to_numpy()
    if bad.any():
        raise InvalidValueError("missing or unreadable date", column=date,
                                expected="a date such as 2017-04-01 in every row",
                                found=list(raw[bad].astype(str)), **rows_where(data, bad))
    return parsed.astype("datetime64[ns]")


def _prepare(data: pd.DataFrame, *, columns: list[str], date: str, group: str | None,
             extra: list[str]) -> pd.DataFrame:
    """The input columns, validated, with parsed dates, sorted by series then date."""
    keys = [group] if group else []
    clash = [c for c in [*keys, date] if c in _RESULT_COLUMNS]
    if clash:
        raise ValueError(f"rename column {clash[0]!r} first: the chart's points table has a "
                         "column of that name")
    require_columns(data, [*keys, date, *columns, *extra])
    if group:
        check_labels(data, [group], "series")
    numbers = check_numeric(data, columns)
    frame = pd.DataFrame({**{k: data[k] for k in keys}, date: _parse_dates(data, date)},
                         index=data.index)
    for col in columns:
        frame[col] = numbers[col]
    for col in extra:
        frame[col] = check_numeric(data, [col])[col]
    repeated = frame.duplicated([*keys, date], keep=False).to_numpy()
    if repeated.any():
        raise DuplicateKeyError("a date is repeated within a series", column=[*keys, date],
                                expected="one row per " + " × ".join([*keys, "date"]),
                                found=list(data.loc[repeated, date].astype(str)),
                                **rows_where(data, repeated))
    return frame.sort_values([*keys, date], kind="stable")


def _check_settings(improvement_direction, shift, trend, fix_after_n_points) -> None:
    check_choice(improvement_direction, IMPROVEMENT_DIRECTIONS, name="improvement_direction")
    for name, v, low in (("shift", shift, 2), ("trend", trend, 3)):
        if isinstance(v, bool) or not isinstance(v, int | np.integer) or v < low:
            raise ValueError(f"{name} must be a whole number of at least {low}, not {v!r}")
    if fix_after_n_points is not None and (
            isinstance(fix_after_n_points, bool) or not isinstance(fix_after_n_points, int | np.integer)
            or fix_after_n_points < 2):
        raise ValueError("fix_after_n_points must be a whole number of at least 2 (NHS England "
                         f"advises 12 or more), not {fix_after_n_points!r}")


# ------------------------------------------------------------------ periods and baselines
def _as_dates(value, what: str) -> np.ndarray:
    values = [value] if isinstance(value, str | pd.Timestamp) or not np.iterable(value) \
        else list(value)
    try:
        return pd.to_datetime(pd.Series(values)).to_numpy("datetime64[ns]")
    except (ValueError, TypeError):
        raise ValueError(f"{what}: expected dates such as '2017-04-01', got {value!r}") from None


def _periods(frame: pd.DataFrame, *, date: str, group: str | None, codes: np.ndarray,
             labels: list, rebase) -> np.ndarray:
    """Baseline period of each point: how many rebase dates are on or before it."""
    n = len(frame)
    period = np.zeros(n, dtype=np.int64)
    if rebase is None:
        return period
    dates = frame[date].to_numpy("datetime64[ns]")
    if isinstance(rebase, Mapping):
        if group is None:
            raise ValueError("rebase per series (a mapping) needs group=; give a list of dates")
        unknown = [k for k in rebase if k not in labels]
        if unknown:
            raise InvalidValueError("rebase names a series that is not in the data", column=group,
                                    expected="one of " + ", ".join(map(str, labels[:10])),
                                    found=unknown)
        plan = [(codes == labels.index(k), _as_dates(v, f"rebase[{k!r}]"), k)
                for k, v in rebase.items()]
    else:
        plan = [(np.ones(n, dtype=bool), _as_dates(rebase, "rebase"), None)]
    for mask, when, key in plan:
        first, last = dates[mask].min(), dates[mask].max()
        for r in np.unique(when):
            if not first < r <= last:
                series = "" if key is None else f" of series {key!r}"
                raise ValueError(
                    f"rebase date {np.datetime_as_string(r, 'D')} is not after the first point"
                    f"{series} ({np.datetime_as_string(first, 'D')}) and on or before the last "
                    f"({np.datetime_as_string(last, 'D')})")
            period += mask & (dates >= r)
    return period


def _segment_starts(segment: np.ndarray) -> np.ndarray:
    n = len(segment)
    start = np.ones(n, dtype=bool)
    start[1:] = segment[1:] != segment[:-1]
    return start


def _baseline(observed: np.ndarray, segment: np.ndarray, fix_after_n_points) -> np.ndarray:
    """Points the limits are computed from: all observed, or the first n observed per period."""
    if fix_after_n_points is None:
        return observed.copy()
    cum = np.cumsum(observed)
    start = _segment_starts(segment)
    before = (cum - observed)[start]  # observed points before each segment
    rank = cum - np.repeat(before, np.diff(np.r_[np.flatnonzero(start), len(segment)]))
    return observed & (rank <= fix_after_n_points)


def _segment_mean(values: np.ndarray, mask: np.ndarray, segment: np.ndarray, n_seg: int):
    count = np.bincount(segment, weights=mask, minlength=n_seg)
    total = np.bincount(segment, weights=np.where(mask, values, 0.0), minlength=n_seg)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.where(count > 0, count, 1), np.nan), count


def _moving_range_mean(y: np.ndarray, baseline: np.ndarray, segment: np.ndarray, n_seg: int,
                       screen: bool) -> np.ndarray:
    """Mean moving range per segment over consecutive baseline points (screened if asked)."""
    n = len(y)
    mr = np.full(n, np.nan)
    if n > 1:
        ok = baseline[1:] & baseline[:-1] & (segment[1:] == segment[:-1])
        mr[1:] = np.where(ok, np.abs(y[1:] - y[:-1]), np.nan)
    valid = ~np.isnan(mr)
    amr, _ = _segment_mean(mr, valid, segment, n_seg)
    if screen:
        with np.errstate(invalid="ignore"):
            keep = valid & (mr < MR_SCREEN * amr[segment])
        amr, _ = _segment_mean(mr, keep, segment, n_seg)
    return amr


# ------------------------------------------------------------------ the charts
def _segments(frame, *, date, group, rebase):
    if group:
        codes, uniques = pd.factorize(frame[group], sort=False)
        labels = list(uniques)
    else:
        codes, labels = np.zeros(len(frame), dtype=np.int64), [None]
    period = _periods(frame, date=date, group=group, codes=codes, labels=labels, rebase=rebase)
    start = np.ones(len(frame), dtype=bool)
    start[1:] = (codes[1:] != codes[:-1]) | (period[1:] != period[:-1])
    segment = np.cumsum(start) - 1
    return codes, labels, period, segment, int(segment.max()) + 1 if len(segment) else 0


def _targets(target, frame, group, labels, codes) -> np.ndarray:
    n = len(frame)
    if target is None:
        return np.full(n, np.nan)
    if isinstance(target, Mapping):
        if group is None:
            raise ValueError("target per series (a mapping) needs group=; give one number")
        unknown = [k for k in target if k not in labels]
        if unknown:
            raise InvalidValueError("target names a series that is not in the data",
                                    column=group, found=unknown,
                                    expected="one of " + ", ".join(map(str, labels[:10])))
        per_code = np.array([float(target.get(k, np.nan)) for k in labels])
        return per_code[codes]
    return np.full(n, float(target))


def _finish(chart: str, frame: pd.DataFrame, y: np.ndarray, limits: dict, *, value: str,
            date: str, group: str | None, counts: dict, period, baseline, segment, n_baseline,
            target, improvement_direction, shift, trend, trajectory) -> SPCChart:
    """Apply the rules, classify the points and assemble the result tables."""
    flags = detect_rules(y, segment=segment, shift=shift, trend=trend, **limits)
    rule, side = flags.rule, flags.side
    text = np.array([_SPECIAL_CAUSE_TEXT[(r, s)].format(shift=shift, trend=trend)
                     for r, s in zip(rule, side)], dtype=object) if len(rule) else rule
    ptype = point_types(rule, side, improvement_direction)
    points = pd.DataFrame({
        **({group: frame[group].to_numpy()} if group else {}),
        date: frame[date].to_numpy(),
        "value": y,
        **counts,
        "baseline_period": period,
        "baseline": baseline,
        **limits,
        "outside_limits": flags.outside_limits,
        "relative_to_mean": flags.relative_to_mean,
        "close_to_limits": flags.close_to_limits,
        "rule": rule,
        "side": side,
        "special_cause_type": text,
        "special_cause_flag": (rule != "none") & (rule != "no_data"),
        "point_type": ptype,
        "target": target,
        **({"trajectory": frame[trajectory].to_numpy(float)} if trajectory else {}),
        "trial_limits": n_baseline[segment] < TRIAL_LIMIT_POINTS,
    })
    for col in ("rule", "side", "special_cause_type", "point_type"):
        points[col] = points[col].astype(object)
    summary = _summary(points, group=group, date=date)
    icons = icon_table(points, group=group, date=date,
                       improvement_direction=improvement_direction)
    return SPCChart(chart, points, summary, icons, value, date, group, improvement_direction,
                    shift, trend)


def _summary(points: pd.DataFrame, *, group: str | None, date: str) -> pd.DataFrame:
    keys = [group, "baseline_period"] if group else ["baseline_period"]
    grouped = points.groupby(keys, sort=False)
    ptype = points["point_type"]
    summary = grouped.agg(
        start=(date, "min"), end=(date, "max"), n=("value", "size"),
        n_baseline=("baseline", "sum"), mean=("mean", "last"), lpl=("lpl", "last"),
        upl=("upl", "last"),
    )
    flags = pd.DataFrame({
        "common_cause": ptype.eq("common_cause"),
        "special_cause_improvement": ptype.eq("special_cause_improvement"),
        "special_cause_concern": ptype.eq("special_cause_concern"),
        "no_data": ptype.eq("no_data"),
    }, index=points.index).groupby([points[k] for k in keys], sort=False).sum()
    last = points[ptype != "no_data"].groupby(keys, sort=False)["point_type"].last()
    summary = summary.join(flags).join(last.rename("variation_type"))
    summary["n_baseline"] = summary["n_baseline"].astype("int64")
    return summary.reset_index()


def xmr_chart(
    data: pd.DataFrame,
    *,
    value: str,
    date: str,
    group: str | None = None,
    improvement_direction: str = "increase",
    target=None,
    rebase=None,
    fix_after_n_points: int | None = None,
    screen_outliers: bool = True,
    shift: int = SHIFT_LENGTH,
    trend: int = TREND_LENGTH,
    trajectory: str | None = None,
) -> SPCChart:
    """An XmR (individuals) chart with the Making Data Count rules and icons.

    Parameters
    ----------
    data : DataFrame
        One row per series × date (no repeated dates within a series).  A missing value is a
        missing point: it is kept, typed ``no_data``, and breaks runs and trends.
    value : str
        The measure.
    date : str
        Dates (any form pandas reads, e.g. ``2017-04-01``); the order of the points.
    group : str, optional
        A column splitting the data into series (practices, measures), each with its own
        limits and rules (NHSRplotthedots' ``facet_field``).
    improvement_direction : {"increase", "decrease", "neutral"}, default "increase"
        Which way is better; classifies special causes as improvement or concern.
    target : float or mapping, optional
        A target for every series, or ``{series: target}``; gives the assurance icon.
    rebase : date, list of dates or mapping, optional
        Start a new baseline period (new mean and limits) at the first point on or after each
        date; a mapping gives dates per series.
    fix_after_n_points : int, optional
        Fix each period's limits on its first n observed points (a fixed baseline); default:
        all the period's points.
    screen_outliers : bool, default True
        Leave moving ranges ≥ 3.267 × their mean out of the limits (Nelson 1982); False
        gives the Making Data Count Excel tools' limits.
    shift, trend : int, default 7
        Run lengths of the shift and trend rules (:mod:`~wellbeing_lib.monitoring.rules`).
    trajectory : str, optional
        A column with a planned trajectory, carried into the points table and drawn.

    Returns
    -------
    SPCChart

    Example
    -------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"month": pd.date_range("2020-01-01", periods=12, freq="MS"),
    ...                    "waits": [5, 6, 5, 7, 6, 5, 6, 7, 6, 5, 6, 15]})
    >>> chart = xmr_chart(df, value="waits", date="month", improvement_direction="decrease",
    ...                   target=8)
    >>> chart.points["point_type"].iloc[-1], chart.icons.loc[0, "variation"]
    ('special_cause_concern', 'concern_high')
    >>> chart.icons[["mean", "lpl", "upl", "assurance"]].round(4)
         mean     lpl     upl     assurance
    0  6.5833  3.6573  9.5093  inconsistent
    """
    _check_settings(improvement_direction, shift, trend, fix_after_n_points)
    frame = _prepare(data, columns=[value], date=date, group=group,
                     extra=[trajectory] if trajectory else [])
    codes, labels, period, segment, n_seg = _segments(frame, date=date, group=group,
                                                      rebase=rebase)
    y = frame[value].to_numpy(float)
    observed = ~np.isnan(y)
    baseline = _baseline(observed, segment, fix_after_n_points)
    mean, n_baseline = _segment_mean(y, baseline, segment, n_seg)
    amr = _moving_range_mean(y, baseline, segment, n_seg, screen_outliers)
    centre, spread = mean[segment], amr[segment]
    near = 2 * (XMR_LIMIT / 3)
    limits = {"mean": centre, "lpl": centre - XMR_LIMIT * spread,
              "upl": centre + XMR_LIMIT * spread, "near_lpl": centre - near * spread,
              "near_upl": centre + near * spread}
    return _finish("xmr", frame, y, limits, value=value, date=date, group=group, counts={},
                   period=period, baseline=baseline, segment=segment, n_baseline=n_baseline,
                   target=_targets(target, frame, group, labels, codes),
                   improvement_direction=improvement_direction, shift=shift, trend=trend,
                   trajectory=trajectory)


def _attribute_chart(kind: str, data, *, numerator, denominator, date, group,
                     improvement_direction, target, rebase, fix_after_n_points, shift, trend,
                     laney, multiplier) -> SPCChart:
    """The p- and u-charts: per-point limits from the binomial or Poisson variance."""
    _check_settings(improvement_direction, shift, trend, fix_after_n_points)
    frame = _prepare(data, columns=[numerator, denominator], date=date, group=group, extra=[])
    x = frame[numerator].to_numpy(float)
    n = frame[denominator].to_numpy(float)
    _check_counts(data, frame, numerator, denominator, kind)
    codes, labels, period, segment, n_seg = _segments(frame, date=date, group=group,
                                                      rebase=rebase)
    observed = ~np.isnan(x) & ~np.isnan(n) & (n > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(observed, x / np.where(observed, n, 1), np.nan)
    baseline = _baseline(observed, segment, fix_after_n_points)
    x_sum = np.bincount(segment, weights=np.where(baseline, x, 0.0), minlength=n_seg)
    n_sum = np.bincount(segment, weights=np.where(baseline, n, 0.0), minlength=n_seg)
    n_baseline = np.bincount(segment, weights=baseline, minlength=n_seg)
    with np.errstate(invalid="ignore", divide="ignore"):
        centre = np.where(n_sum > 0, x_sum / np.where(n_sum > 0, n_sum, 1), np.nan)[segment]
        variance = centre * (1 - centre) if kind == "p" else centre
        sigma = np.sqrt(variance / n)
        if laney:
            z = (rate - centre) / sigma
            sigma_z = _moving_range_mean(z, baseline & (sigma > 0), segment, n_seg,
                                         screen=False) / _D2
            sigma = sigma * sigma_z[segment]
    low, high = (0.0, 1.0) if kind == "p" else (0.0, np.inf)
    limits = {"mean": centre, "lpl": np.clip(centre - 3 * sigma, low, high),
              "upl": np.clip(centre + 3 * sigma, low, high),
              "near_lpl": np.clip(centre - 2 * sigma, low, high),
              "near_upl": np.clip(centre + 2 * sigma, low, high)}
    limits = {k: np.where(observed | np.isnan(v), v, np.nan) if k != "mean" else v
              for k, v in limits.items()}
    scaled = {k: v * multiplier for k, v in limits.items()}
    counts = {"numerator": x, "denominator": n}
    name = kind + ("'" if laney else "")
    return _finish(name, frame, rate * multiplier, scaled, value=numerator, date=date,
                   group=group, counts=counts, period=period, baseline=baseline,
                   segment=segment, n_baseline=n_baseline,
                   target=_targets(target, frame, group, labels, codes),
                   improvement_direction=improvement_direction, shift=shift, trend=trend,
                   trajectory=None)


def _check_counts(data, frame, numerator, denominator, kind) -> None:
    x = frame[numerator]
    n = frame[denominator]
    checks = [
        (numerator, x < 0, "a count of 0 or more"),
        (denominator, n < 0, "a denominator of 0 or more"),
    ]
    if kind == "p":
        checks += [(numerator, x % 1 != 0, "a whole number"),
                   (numerator, x > n, f"a count no larger than '{denominator}'")]
    for column, mask, expected in checks:
        mask = mask.fillna(False).reindex(data.index).to_numpy(bool)
        if mask.any():
            raise InvalidValueError("impossible count", column=column, expected=expected,
                                    found=list(data.loc[mask, column]), **rows_where(data, mask))


def p_chart(
    data: pd.DataFrame,
    *,
    numerator: str,
    denominator: str,
    date: str,
    group: str | None = None,
    improvement_direction: str = "increase",
    target=None,
    rebase=None,
    fix_after_n_points: int | None = None,
    shift: int = SHIFT_LENGTH,
    trend: int = TREND_LENGTH,
    laney: bool = False,
    percent: bool = True,
) -> SPCChart:
    """A p-chart of proportions (e.g. % of clients followed up each month).

    Parameters are those of :func:`xmr_chart`, with ``numerator`` (whole numbers, e.g.
    clients followed up) and ``denominator`` (e.g. clients referred) in place of ``value``.
    A month with a denominator of 0 has no proportion: it is a missing point (``no_data``).

    laney : bool, default False
        Laney's p′ chart: limits widened by the variation of the points' z-scores (mean moving
        range / 1.128), for large denominators.
    percent : bool, default True
        Values, mean, limits and ``target`` in percent (0-100); False: proportions (0-1).

    Example
    -------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"month": pd.date_range("2017-01-01", periods=4, freq="MS"),
    ...                    "followed_up": [30, 35, 28, 10], "referred": [50, 50, 40, 40]})
    >>> chart = p_chart(df, numerator="followed_up", denominator="referred", date="month")
    >>> chart.points[["value", "mean", "lpl", "upl", "special_cause_type"]].round(2)
       value   mean    lpl    upl             special_cause_type
    0   60.0  57.22  36.23  78.21                   Common cause
    1   70.0  57.22  36.23  78.21                   Common cause
    2   70.0  57.22  33.75  80.69                   Common cause
    3   25.0  57.22  33.75  80.69  Below the lower process limit
    """
    return _attribute_chart("p", data, numerator=numerator, denominator=denominator, date=date,
                            group=group, improvement_direction=improvement_direction,
                            target=target,
                            rebase=rebase, fix_after_n_points=fix_after_n_points, shift=shift,
                            trend=trend, laney=laney, multiplier=100.0 if percent else 1.0)


def u_chart(
    data: pd.DataFrame,
    *,
    numerator: str,
    denominator: str,
    date: str,
    group: str | None = None,
    improvement_direction: str = "increase",
    target=None,
    rebase=None,
    fix_after_n_points: int | None = None,
    shift: int = SHIFT_LENGTH,
    trend: int = TREND_LENGTH,
    laney: bool = False,
    multiplier: float = 1.0,
) -> SPCChart:
    """A u-chart of rates (e.g. referrals per 1,000 registered patients each month).

    Parameters are those of :func:`p_chart`, with ``numerator`` a count of events (0 or
    more) and ``denominator`` the exposure (patients, person-months; > 0 for a point).

    multiplier : float, default 1
        Scale of the rate: ``1000`` gives events per 1,000 of the denominator (values, mean,
        limits and ``target`` on that scale).

    Example
    -------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"month": pd.date_range("2017-01-01", periods=3, freq="MS"),
    ...                    "referrals": [12, 9, 30], "registered": [8000, 8000, 8100]})
    >>> chart = u_chart(df, numerator="referrals", denominator="registered", date="month",
    ...                 multiplier=1000)
    >>> chart.points[["value", "mean", "upl", "rule"]].round(3)
       value   mean    upl            rule
    0  1.500  2.116  3.659            none
    1  1.125  2.116  3.659            none
    2  3.704  2.116  3.650  outside_limits
    """
    if not (isinstance(multiplier, int | float) and multiplier > 0):
        raise ValueError(f"multiplier must be a positive number, not {multiplier!r}")
    return _attribute_chart("u", data, numerator=numerator, denominator=denominator, date=date,
                            group=group, improvement_direction=improvement_direction,
                            target=target, rebase=rebase, fix_after_n_points=fix_after_n_points,
                            shift=shift, trend=trend, laney=laney, multiplier=float(multiplier))


def ae_attendances() -> pd.DataFrame:
    """The shipped extract of NHS England's A&E attendances, the NHSRplotthedots example data.

    Monthly type 1 A&E attendances, 4-hour breaches and admissions, April 2016 to March 2019,
    for the ten trusts NHSRplotthedots' documentation and vignettes chart (RRK, RJC, RJ7, R1K,
    R1H, RQM, RJZ, RAS, RR1; RQ1 has no type 1 rows), plus England's monthly total over
    every organisation and department type (``org_code`` ``England``, ``type`` ``all``).
    From the R package NHSRdatasets 0.3.3 (``ae_attendances``), NHS England statistics
    under the Open Government Licence v3.0; ``source`` and ``source_year`` on every row.

    Example
    -------
    >>> ae = ae_attendances()
    >>> ae.groupby("org_code").size().loc[["England", "RQM", "RR1"]].tolist()
    [36, 36, 27]
    >>> rqm = ae[(ae["org_code"] == "RQM") & (ae["period"] < "2018-04-01")]
    >>> chart = xmr_chart(rqm, value="breaches", date="period",
    ...                   improvement_direction="decrease", target=1200)
    >>> chart.icons[["variation", "assurance"]]  # as NHSRplotthedots' README
          variation     assurance
    0  common_cause  inconsistent
    """
    from ..io import load_reference_table

    return load_reference_table("ae_attendances_extract.csv").copy()
