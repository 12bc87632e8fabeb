"""The monitoring workbook: icons, signals and monthly points for Excel users and boards.

:func:`write_monitoring_workbook` writes one formatted workbook (through the library's one
Excel styling path, :func:`wellbeing_lib.reporting.write_excel`): an *About* sheet (each
measure's definition and chart, and what every icon means in words), the *Icon summary* (one
row per measure with the reading), the *Signals* (every special-cause episode) and the
monthly *Points*, plus any reach tables passed in.  Variation and assurance cells are filled
with the Making Data Count colours *and* carry their meaning in words.

Published form by default: in the points, counts of 1-7 (clients behind a month's value)
are withheld and other counts rounded to 5, with the values computed from them withheld
too (:func:`wellbeing_lib.privacy.suppress_rows`); the means and limits, computed from many
months, are kept.

Example
-------
>>> import pandas as pd, tempfile, pathlib, openpyxl
>>> from wellbeing_lib.monitoring import programme_feeds, monitor
>>> clients = pd.DataFrame({"client_id": [f"c{i}" for i in range(90)],
...                         "referral_date": pd.date_range("2017-01-01", periods=90, freq="4D")})
>>> path = pathlib.Path(tempfile.mkdtemp()) / "monitoring.xlsx"
>>> _ = write_monitoring_workbook(monitor(programme_feeds(clients)), path)
>>> openpyxl.load_workbook(path).sheetnames
['About', 'Icon summary', 'Signals', 'Points']
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..reporting.excel import text_fill_rule, write_excel
from ..reporting.palette import MDC_COMMON_CAUSE, MDC_CONCERN, MDC_IMPROVEMENT, MDC_NEUTRAL, WHITE
from .icons import (
    ASSURANCE_DESCRIPTIONS,
    ASSURANCE_LABELS,
    ASSURANCE_SYMBOLS,
    VARIATION_DESCRIPTIONS,
    VARIATION_LABELS,
    VARIATION_SYMBOLS,
)

__all__ = ["write_monitoring_workbook", "icon_legend"]

_FILLS = {
    "common_cause": MDC_COMMON_CAUSE, "improvement_high": MDC_IMPROVEMENT,
    "improvement_low": MDC_IMPROVEMENT, "concern_high": MDC_CONCERN, "concern_low": MDC_CONCERN,
    "neutral_high": MDC_NEUTRAL, "neutral_low": MDC_NEUTRAL,
    "consistent_pass": MDC_IMPROVEMENT, "consistent_fail": MDC_CONCERN,
    "inconsistent": MDC_COMMON_CAUSE,
}


def icon_legend() -> pd.DataFrame:
    """Every variation and assurance icon: code, label, what the icon shows, what it means.

    Example
    -------
    >>> icon_legend().loc[0, ["icon", "code", "label"]].tolist()
    ['variation', 'common_cause', 'Common cause variation']
    """
    rows = [{"icon": "variation", "code": code, "label": VARIATION_LABELS[code],
             "symbol": VARIATION_SYMBOLS[code], "meaning": VARIATION_DESCRIPTIONS[code]}
            for code in VARIATION_LABELS]
    rows += [{"icon": "assurance", "code": code, "label": ASSURANCE_LABELS[code],
              "symbol": ASSURANCE_SYMBOLS[code], "meaning": ASSURANCE_DESCRIPTIONS[code]}
             for code in ASSURANCE_LABELS]
    return pd.DataFrame(rows)


def _published_points(points: pd.DataFrame, definitions: pd.DataFrame) -> pd.DataFrame:
    from ..privacy import suppress_rows

    parts = []
    for measure, part in points.groupby("measure", sort=False):
        chart = definitions.set_index("measure").loc[measure, "chart"] \
            if measure in set(definitions["measure"]) else "xmr"
        if chart in ("p", "u"):
            part = suppress_rows(part, counts=["numerator", "denominator"], derived=["value"])
        elif measure == "referrals":
            part = suppress_rows(part.assign(value=part["value"].fillna(0).round()),
                                 counts=["value"])
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def write_monitoring_workbook(monitoring, path, *, reach: dict | None = None,
                              suppress: bool = True, overwrite: bool = True) -> Path:
    """Write the monitoring results to an Excel workbook.

    Parameters
    ----------
    monitoring : Monitoring
        From :func:`~wellbeing_lib.monitoring.monitor`.
    path : path
        The ``.xlsx`` file (its folder is created; never the data folder).
    reach : dict of str to DataFrame, optional
        More sheets, e.g. ``{"Referral rates": rates, "Funnel": funnel.units,
        "Referred vs registered": representation_table}``.
    suppress : bool, default True
        Publish the points with small counts withheld (see the module notes).
    overwrite : bool, default True
        False refuses to replace an existing file.

    Returns
    -------
    Path
    """
    keep = ["measure", "label", "unit", "chart", "improvement_direction"]
    about = monitoring.definitions.copy()
    about = about[[c for c in [*keep, "definition"] if c in about]]
    legend = icon_legend()
    about_sheet = pd.concat([
        about.rename(columns={"definition": "meaning"}).assign(icon=""),
        pd.DataFrame([{}]),
        legend.rename(columns={"code": "measure", "label": "label"}),
    ], ignore_index=True)[["measure", "label", "chart", "unit", "improvement_direction",
                           "icon", "symbol", "meaning"]]
    points = monitoring.points
    cols = [c for c in ["measure", *[c for c in points.columns if c not in (
        "measure", "near_lpl", "near_upl", "relative_to_mean", "side")]] if c in points]
    points = points[cols]
    if suppress:
        points = _published_points(points, monitoring.definitions)
    sheets = {"About": about_sheet, "Icon summary": monitoring.icons,
              "Signals": monitoring.signals, "Points": points, **(reach or {})}
    path = write_excel(sheets, path, overwrite=overwrite, labels=True)  # human headers
    _colour_icons(path, sheets)
    return path


def _colour_icons(path: Path, sheets: dict) -> None:
    """Fill the icon codes with the Making Data Count colours (the words stay in the cell)."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    book = load_workbook(path)
    for name, frame in sheets.items():
        ws = book[name[:31]]
        for col in ("variation", "assurance", "point_type"):
            if col not in frame.columns or frame.empty:
                continue
            letter = get_column_letter(list(frame.columns).index(col) + 1)
            cells = f"{letter}2:{letter}{len(frame) + 1}"
            for code, colour in _FILLS.items():
                ws.conditional_formatting.add(cells, text_fill_rule(code, colour,
                                                                    font_colour=WHITE))
            for ptype, colour in (("special_cause_improvement", MDC_IMPROVEMENT),
                                  ("special_cause_concern", MDC_CONCERN)):
                ws.conditional_formatting.add(cells, text_fill_rule(ptype, colour,
                                                                    font_colour=WHITE))
    book.save(path)
