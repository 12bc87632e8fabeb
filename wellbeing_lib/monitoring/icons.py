"""The "Making Data Count" variation and assurance icons, as a tidy table with words.

NHS England's "Making Data Count" summarises each chart with two icons (NHS England,
"Making Data Count: strengthening your decisions", 2019; the icon files and their logic in
NHSRplotthedots 0.2.2):

* **variation** — what the latest point says: *common cause* (no significant change), *special
  cause of an improving nature* (higher or lower values, by the measure's improvement
  direction), *special cause of a concerning nature*, or *special cause, neither improvement
  nor concern* (a measure without a direction);
* **assurance** — whether the process will meet a target, from where the target sits against
  the latest process limits: *consistently met* (both limits on the good side of the target),
  *hit and miss* (the target lies between the limits) or *consistently not met*.

The icons are colours and letters; every code here comes with a label and a sentence, so a
table, a screen reader or a printed board paper carries the same meaning without colour.

Example
-------
>>> variation_code("special_cause_improvement", "decrease")
'improvement_low'
>>> VARIATION_LABELS["improvement_low"]
'Special cause variation: improvement (lower values)'
>>> assurance_code(target=90.0, lpl=80.0, upl=95.0, improvement_direction="increase")
'inconsistent'
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "IMPROVEMENT_DIRECTIONS",
    "POINT_TYPES",
    "VARIATION_ICONS",
    "VARIATION_LABELS",
    "VARIATION_DESCRIPTIONS",
    "VARIATION_SYMBOLS",
    "ASSURANCE_ICONS",
    "ASSURANCE_LABELS",
    "ASSURANCE_DESCRIPTIONS",
    "ASSURANCE_SYMBOLS",
    "point_types",
    "variation_code",
    "assurance_code",
    "icon_table",
]

#: which way is better: higher values, lower values, or neither
IMPROVEMENT_DIRECTIONS = ("increase", "decrease", "neutral")

#: the type of each point, as NHSRplotthedots names them ("no_data": a missing point)
POINT_TYPES = ("common_cause", "special_cause_improvement", "special_cause_concern",
               "special_cause_neutral_high", "special_cause_neutral_low", "no_data")

#: the variation icon codes (the NHS England icon file names)
VARIATION_ICONS = ("common_cause", "improvement_high", "improvement_low", "concern_high",
                   "concern_low", "neutral_high", "neutral_low")

VARIATION_LABELS = {
    "common_cause": "Common cause variation",
    "improvement_high": "Special cause variation: improvement (higher values)",
    "improvement_low": "Special cause variation: improvement (lower values)",
    "concern_high": "Special cause variation: concern (higher values)",
    "concern_low": "Special cause variation: concern (lower values)",
    "neutral_high": "Special cause variation: higher values (no direction of improvement)",
    "neutral_low": "Special cause variation: lower values (no direction of improvement)",
}

VARIATION_DESCRIPTIONS = {
    "common_cause": "no significant change: the latest point is within the normal variation "
                    "of the process",
    "improvement_high": "the latest point is part of a signal of improvement: higher values, "
                        "and higher is better",
    "improvement_low": "the latest point is part of a signal of improvement: lower values, "
                       "and lower is better",
    "concern_high": "the latest point is part of a signal of concern: higher values, and "
                    "higher is worse",
    "concern_low": "the latest point is part of a signal of concern: lower values, and lower "
                   "is worse",
    "neutral_high": "the latest point is part of a signal of higher values (the measure has no "
                    "direction of improvement)",
    "neutral_low": "the latest point is part of a signal of lower values (the measure has no "
                   "direction of improvement)",
}

#: what the NHS England icon shows, in words (for readers who cannot see the colours)
VARIATION_SYMBOLS = {
    "common_cause": "grey circle with a flat line of grey dots",
    "improvement_high": "blue circle with an H and rising dots",
    "improvement_low": "blue circle with an L and falling dots",
    "concern_high": "orange circle with an H and rising dots",
    "concern_low": "orange circle with an L and falling dots",
    "neutral_high": "purple circle with an H and rising dots",
    "neutral_low": "purple circle with an L and falling dots",
}

#: the assurance icon codes (NHSRplotthedots' assurance types)
ASSURANCE_ICONS = ("consistent_pass", "inconsistent", "consistent_fail")

ASSURANCE_LABELS = {
    "consistent_pass": "Target consistently met",
    "inconsistent": "Hit and miss: target sometimes met",
    "consistent_fail": "Target consistently not met",
}

ASSURANCE_DESCRIPTIONS = {
    "consistent_pass": "both process limits are on the good side of the target: the process "
                       "will meet the target month after month unless something changes",
    "inconsistent": "the target lies between the process limits: the process will meet it in "
                    "some months and miss it in others by chance alone",
    "consistent_fail": "both process limits are on the wrong side of the target: the process "
                       "will not meet the target unless it is changed",
}

ASSURANCE_SYMBOLS = {
    "consistent_pass": "blue circle with a P",
    "inconsistent": "grey circle with a question mark",
    "consistent_fail": "orange circle with an F",
}


def point_types(rule, side, improvement_direction: str) -> np.ndarray:
    """Point types from the rule that named each point and its side.

    Example
    -------
    >>> point_types(["none", "shift", "trend", "no_data"], ["", "low", "high", ""],
    ...             "increase").tolist()
    ['common_cause', 'special_cause_concern', 'special_cause_improvement', 'no_data']
    """
    rule = np.asarray(rule, dtype=object)
    side = np.asarray(side, dtype=object)
    flagged = (rule != "none") & (rule != "no_data")
    sign = np.where(side == "high", 1, -1)
    if improvement_direction == "neutral":
        special = np.where(sign > 0, "special_cause_neutral_high", "special_cause_neutral_low")
    else:
        oriented = sign * (1 if improvement_direction == "increase" else -1)
        special = np.where(oriented > 0, "special_cause_improvement", "special_cause_concern")
    out = np.where(flagged, special, np.where(rule == "no_data", "no_data", "common_cause"))
    return out.astype(object)


def variation_code(point_type: str, improvement_direction: str) -> str:
    """The variation icon of a point type (the latest point's), as NHS England names them.

    Example
    -------
    >>> variation_code("special_cause_concern", "increase")
    'concern_low'
    """
    high = "high" if improvement_direction == "increase" else "low"
    low = "low" if improvement_direction == "increase" else "high"
    return {
        "common_cause": "common_cause",
        "special_cause_improvement": f"improvement_{high}",
        "special_cause_concern": f"concern_{low}",
        "special_cause_neutral_high": "neutral_high",
        "special_cause_neutral_low": "neutral_low",
    }[point_type]


def assurance_code(*, target, lpl, upl, improvement_direction: str):
    """The assurance icon: where the target sits against the process limits.

    As NHSRplotthedots: with higher values better, a target above the upper limit is
    consistently not met and one below the lower limit consistently met (the reverse when lower
    is better); otherwise hit and miss.  No assurance (None) without a target, for a measure
    without a direction of improvement, or without limits.

    Example
    -------
    >>> assurance_code(target=1200, lpl=740.4, upl=2349.9, improvement_direction="decrease")
    'inconsistent'
    >>> assurance_code(target=95, lpl=96, upl=99, improvement_direction="increase")
    'consistent_pass'
    """
    if improvement_direction == "neutral" or any(
            v is None or pd.isna(v) for v in (target, lpl, upl)):
        return None
    increasing = improvement_direction == "increase"
    if target > upl:
        return "consistent_fail" if increasing else "consistent_pass"
    if target < lpl:
        return "consistent_pass" if increasing else "consistent_fail"
    return "inconsistent"


def icon_table(points: pd.DataFrame, *, group: str | None, date: str,
               improvement_direction: str) -> pd.DataFrame:
    """One row per series: the latest point, its limits, and the two icons with words.

    The variation icon is that of the latest observed point (as NHSRplotthedots: the point
    at the series' last date); the assurance icon compares the target with the limits at that
    point, so after a rebase only the latest baseline period counts.

    Parameters
    ----------
    points : DataFrame
        The ``points`` table of an :class:`~wellbeing_lib.monitoring.SPCChart`.
    group : str or None
        The series column (None: one series).
    date : str
        The date column.
    improvement_direction : {"increase", "decrease", "neutral"}

    Returns
    -------
    DataFrame
        ``[group,] latest_date, latest_value, mean, lpl, upl, target, variation,
        variation_label, variation_description, variation_symbol, assurance,
        assurance_label, assurance_description, assurance_symbol``.
    """
    observed = points[points["point_type"] != "no_data"]
    keys = [group] if group else []
    latest = observed.groupby(keys, sort=False).tail(1) if keys else observed.tail(1)
    rows = []
    for rec in latest.to_dict("records"):
        var = variation_code(rec["point_type"], improvement_direction)
        ass = assurance_code(target=rec["target"], lpl=rec["lpl"], upl=rec["upl"],
                             improvement_direction=improvement_direction)
        rows.append({
            **({group: rec[group]} if group else {}),
            "latest_date": rec[date], "latest_value": rec["value"], "mean": rec["mean"],
            "lpl": rec["lpl"], "upl": rec["upl"], "target": rec["target"],
            "variation": var, "variation_label": VARIATION_LABELS[var],
            "variation_description": VARIATION_DESCRIPTIONS[var],
            "variation_symbol": VARIATION_SYMBOLS[var],
            "assurance": ass,
            "assurance_label": ASSURANCE_LABELS.get(ass, "No target"
                                                    if pd.isna(rec["target"]) else
                                                    "No assurance (no direction or no limits)"),
            "assurance_description": ASSURANCE_DESCRIPTIONS.get(ass, ""),
            "assurance_symbol": ASSURANCE_SYMBOLS.get(ass, ""),
        })
    columns = [*keys, "latest_date", "latest_value", "mean", "lpl", "upl", "target",
               "variation", "variation_label", "variation_description", "variation_symbol",
               "assurance", "assurance_label", "assurance_description", "assurance_symbol"]
    table = pd.DataFrame(rows, columns=columns)
    table["assurance"] = table["assurance"].astype(object)
    return table
