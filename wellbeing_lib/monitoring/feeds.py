"""Monthly feeds: the programme's activity, experience and outcomes, month by month.

Wellbeing Exeter promised "real time feedback loops tracking activity, experience and
outcomes".  This module turns the records a social prescribing service keeps (clients with a
referral date, practice and route; questionnaires with their dates; service use before and
after) into one tidy table of monthly measures, ready for the charts of
:mod:`~wellbeing_lib.monitoring.spc`:

==========================  =======================================================  =======
measure                     definition (by month of referral)                        chart
==========================  =======================================================  =======
``referrals``               clients referred                                          XmR
``referrals_per_1000``      referrals per 1,000 patients registered at the practices  u
                            taking part that month
``days_to_first_contact``   mean days from referral to the first meeting (the date    XmR
                            of the baseline questionnaire, completed at the first
                            meeting)
``followed_up``             % of the month's referrals with a follow-up questionnaire p
``improved``                % improved, among the month's referrals with both         p
                            questionnaires, under a stated definition (computed by
                            the outcomes domain and passed in)
``service_use_change``      mean change per client in a service's use, 12 months      XmR
                            after minus 12 months before referral
==========================  =======================================================  =======

Months run from the first to the last month of referrals with no gaps: a month without
referrals counts 0 referrals and has no value for the other measures (a missing point).
Per practice, months start when the practice joined (``programme_start`` of the population
table, else its first referral).

Example
-------
>>> import pandas as pd
>>> clients = pd.DataFrame({"client_id": ["a", "b", "c"], "practice": ["P", "P", "Q"],
...                         "referral_date": ["2017-01-05", "2017-01-20", "2017-03-02"]})
>>> monthly_counts(clients, date="referral_date")
       month  count
0 2017-01-01      2
1 2017-02-01      0
2 2017-03-01      1
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import InvalidValueError
from ..validation import check_numeric, require_columns, rows_where
from .icons import IMPROVEMENT_DIRECTIONS

__all__ = [
    "FEED_MEASURES",
    "SERVICE_LABELS",
    "MonthlyFeeds",
    "month_of",
    "monthly_counts",
    "programme_feeds",
]

#: measure -> (label, chart, unit, improvement direction, definition)
FEED_MEASURES = {
    "referrals": ("Referrals a month", "xmr", "referrals", "neutral",
                  "clients referred in the month"),
    "referrals_per_1000": ("Referrals per 1,000 registered patients", "u", "per 1,000",
                           "neutral", "referrals in the month per 1,000 patients registered "
                                      "at the practices taking part that month"),
    "days_to_first_contact": ("Days from referral to first contact", "xmr", "days",
                              "decrease", "mean days from referral to the first meeting (the "
                                          "baseline questionnaire's date), clients referred in "
                                          "the month"),
    "followed_up": ("% followed up", "p", "%", "increase",
                    "% of the month's referrals with a follow-up questionnaire"),
    "improved": ("% improved", "p", "%", "increase",
                 "% improved among the month's referrals with both questionnaires"),
    "service_use_change": ("Change in service use per client", "xmr", "per client",
                           "decrease", "mean of (12 months after - 12 months before referral) "
                                       "per client referred in the month"),
}


#: how the bundled services read in a label
SERVICE_LABELS = {"gp_appointments": "GP appointments", "ae_attendances": "A&E attendances",
                  "emergency_admissions": "emergency admissions",
                  "outpatient_attendances": "outpatient attendances",
                  "social_care_contacts": "social care contacts"}


@dataclass(frozen=True)
class MonthlyFeeds:
    """The monthly measures of a programme.

    Attributes
    ----------
    feeds : DataFrame
        Long and tidy: ``measure, [practice,] month, value, numerator, denominator, n``.
        ``value`` is the count, mean or percentage; ``numerator``/``denominator`` the counts
        behind a percentage or rate (the p- and u-charts use them); ``n`` the clients behind
        a mean.
    definitions : DataFrame
        One row per measure: ``measure, label, chart, unit, improvement_direction,
        definition``.
    by : str or None
        The practice column when the feeds are per practice.
    """

    feeds: pd.DataFrame
    definitions: pd.DataFrame
    by: str | None

    def to_frame(self) -> pd.DataFrame:
        """The feeds table."""
        return self.feeds


def month_of(values, *, data: pd.DataFrame | None = None, column: str = "date") -> pd.Series:
    """The first day of each date's month (a missing date stays missing; junk is an error).

    Example
    -------
    >>> month_of(pd.Series(["2017-03-18", None])).dt.strftime("%Y-%m-%d").tolist()
    ['2017-03-01', nan]
    """
    values = pd.Series(values)
    parsed = pd.to_datetime(values, errors="coerce", format="mixed")
    bad = (parsed.isna() & values.notna()).to_numpy()
    if bad.any():
        location = rows_where(data, bad) if data is not None else {}
        raise InvalidValueError("unreadable date", column=column,
                                expected="a date such as 2017-04-01",
                                found=list(values[bad].astype(str)), **location)
    return parsed.dt.to_period("M").dt.to_timestamp()


def _month_grid(months: pd.Series, groups: pd.Series | None, starts: Mapping | None,
                end: pd.Timestamp | None) -> pd.DataFrame:
    """Every month from each group's start to the common end (no gaps)."""
    last = months.max() if end is None else end
    if groups is None:
        return pd.DataFrame({"month": pd.date_range(months.min(), last, freq="MS")})
    frames = []
    names = pd.unique(pd.concat([groups, pd.Series(list(starts or {}))]))
    for name in sorted(names, key=str):
        first = months[groups == name].min()
        if starts is not None and name in starts:
            first = pd.Timestamp(starts[name]).to_period("M").to_timestamp()
        if pd.isna(first):
            continue
        frames.append(pd.DataFrame({"practice": name,
                                    "month": pd.date_range(first, last, freq="MS")}))
    return pd.concat(frames, ignore_index=True)


def monthly_counts(data: pd.DataFrame, *, date: str, by: str | None = None,
                   starts: Mapping | None = None, end=None) -> pd.DataFrame:
    """Rows per month (e.g. referrals), with months of none counted as 0.

    Parameters
    ----------
    data : DataFrame
        One row per event; rows with no ``date`` are left out (e.g. a comparison group).
    date : str
    by : str, optional
        Count per group (practice); each group's months start at ``starts[group]`` or its
        first event.
    starts : mapping, optional
        ``{group: first month}``.
    end : date, optional
        The last month; default the latest event's.

    Returns
    -------
    DataFrame
        ``[practice,] month, count``.
    """
    require_columns(data, [date, *([by] if by else [])])
    rows = data[data[date].notna()]
    months = month_of(rows[date], data=rows, column=date)
    groups = rows[by] if by else None
    end = None if end is None else pd.Timestamp(end).to_period("M").to_timestamp()
    grid = _month_grid(months, groups, starts, end)
    keys = ["practice", "month"] if by else ["month"]
    counts = pd.DataFrame({"month": months.to_numpy(),
                           **({"practice": groups.to_numpy()} if by else {})})
    counts = counts.groupby(keys).size().rename("count")
    out = grid.join(counts, on=keys)
    out["count"] = out["count"].fillna(0).astype("int64")
    return out


# ------------------------------------------------------------------ per-client results
def _first_contact(referred: pd.DataFrame, measures: pd.DataFrame, *, client_id: str,
                   date: str, time: str, assessment_date: str, baseline: str) -> pd.Series:
    """Days from referral to the earliest baseline questionnaire, per referred client."""
    require_columns(measures, [client_id, time, assessment_date])
    base = measures[measures[time] == baseline]
    when = pd.to_datetime(base[assessment_date], errors="coerce", format="mixed")
    bad = (when.isna() & base[assessment_date].notna()).to_numpy()
    if bad.any():
        raise InvalidValueError("unreadable date", column=assessment_date,
                                found=list(base.loc[bad, assessment_date]),
                                **rows_where(measures, measures.index.isin(base.index[bad])))
    first = when.groupby(base[client_id]).min()
    referral = pd.to_datetime(referred.set_index(client_id)[date], format="mixed")
    days = (first.reindex(referral.index) - referral).dt.days
    negative = days < 0
    if negative.any():
        who = days.index[negative.to_numpy()].tolist()
        mask = measures[client_id].isin(who) & (measures[time] == baseline)
        raise InvalidValueError("baseline questionnaire dated before the referral",
                                column=assessment_date,
                                expected="a first meeting on or after the referral date",
                                found=who, **rows_where(measures, mask.to_numpy()))
    return days


def _per_client(referred: pd.DataFrame, measures, service_use, improved, *, client_id, date,
                by, time, assessment_date, baseline, follow_up, service) -> pd.DataFrame:
    """One row per referred client: month, practice and the per-client results."""
    frame = pd.DataFrame({client_id: referred[client_id].to_numpy(),
                          "month": month_of(referred[date], data=referred, column=date)
                          .to_numpy()})
    if by:
        frame["practice"] = referred[by].to_numpy()
    if measures is not None:
        days = _first_contact(referred, measures, client_id=client_id, date=date, time=time,
                              assessment_date=assessment_date, baseline=baseline)
        frame["days_to_first_contact"] = days.reindex(frame[client_id]).to_numpy(float)
        has_fu = set(measures.loc[measures[time] == follow_up, client_id])
        frame["followed_up"] = frame[client_id].isin(has_fu).astype(float)
    if improved is not None:
        require_columns(improved, [client_id, "improved"])
        flag = improved.set_index(client_id)["improved"]
        if flag.index.duplicated().any():
            raise InvalidValueError("client listed twice in the improvement results",
                                    column=client_id,
                                    found=flag.index[flag.index.duplicated()].tolist()[:5])
        values = flag.reindex(frame[client_id])
        frame["improved"] = pd.to_numeric(values.astype(object).where(values.notna()),
                                          errors="coerce").to_numpy(float)
    if service_use is not None:
        require_columns(service_use, [client_id, "period", service])
        use = check_numeric(service_use, [service], low=0)[service]
        wide = pd.DataFrame({"id": service_use[client_id], "period": service_use["period"],
                             "use": use}).pivot_table(index="id", columns="period",
                                                      values="use", aggfunc="sum")
        change = wide.get("after") - wide.get("before")
        frame["service_use_change"] = change.reindex(frame[client_id]).to_numpy(float)
    return frame


def _monthly(frame: pd.DataFrame, grid: pd.DataFrame, keys: list[str], measure: str,
             kind: str) -> pd.DataFrame:
    values = frame[measure]
    grouped = frame.assign(v=values).groupby(keys)["v"]
    stats = pd.DataFrame({"numerator": grouped.sum(), "denominator": grouped.count()})
    out = grid.join(stats, on=keys)
    out["denominator"] = out["denominator"].fillna(0)
    out["numerator"] = out["numerator"].fillna(0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(out["denominator"] > 0, out["numerator"] / out["denominator"], np.nan)
    if kind == "p":
        out["value"] = 100 * mean
        out["n"] = out["denominator"]
    else:
        out["value"] = mean
        out["n"] = out["denominator"]
        out["numerator"] = np.nan
        out["denominator"] = np.nan
    return out.assign(measure=measure)


def programme_feeds(
    clients: pd.DataFrame,
    *,
    measures: pd.DataFrame | None = None,
    service_use: pd.DataFrame | None = None,
    improved: pd.DataFrame | None = None,
    population: pd.DataFrame | None = None,
    by: str | None = None,
    client_id: str = "client_id",
    date: str = "referral_date",
    practice: str = "practice",
    time: str = "time",
    assessment_date: str = "assessment_date",
    baseline: str = "baseline",
    follow_up: str = "follow_up",
    service: str = "gp_appointments",
    complete_before=None,
    improved_definition: str | None = None,
) -> MonthlyFeeds:
    """The monthly measures of a social prescribing programme, from its records.

    Parameters
    ----------
    clients : DataFrame
        One row per person; the referred are those with a ``date`` (referral date), so a
        comparison group in the same table is left out.
    measures : DataFrame, optional
        Questionnaires, long (``client_id, time, assessment_date``): gives
        ``days_to_first_contact`` and ``followed_up``.
    service_use : DataFrame, optional
        ``client_id, period`` (``before``/``after``) and the ``service`` column: gives
        ``service_use_change``.
    improved : DataFrame, optional
        One row per client with a boolean ``improved`` (missing = not assessable), e.g.
        from the outcomes domain's change table; gives ``improved``.
    population : DataFrame, optional
        One row per practice: ``practice``, ``registered`` and optionally
        ``programme_start`` (the bundled ``practice_register`` joined to the registered
        counts): gives ``referrals_per_1000`` and starts each practice's months when it joined.
    by : str, optional
        The practice column, for feeds per practice (else the whole programme).
    client_id, date, practice, time, assessment_date, baseline, follow_up : str
        Column names and the two time-point values.
    service : str, default "gp_appointments"
        The service of ``service_use_change``.
    complete_before : date, optional
        Follow-up and improvement are known only some months after referral: months from
        this one on are left out of ``followed_up`` and ``improved`` (e.g. the data's end
        minus the longest follow-up interval).
    improved_definition : str, optional
        The definition of improvement, recorded in ``definitions``.

    Returns
    -------
    MonthlyFeeds
    """
    require_columns(clients, [client_id, date, *([by] if by else []),
                              *([practice] if population is not None else [])])
    referred = clients[clients[date].notna()]
    if referred.empty:
        raise InvalidValueError("no referrals: no client has a referral date", column=date)
    starts = None
    if population is not None:
        require_columns(population, [practice, "registered"])
        if "programme_start" in population.columns:
            starts = dict(zip(population[practice], population["programme_start"]))
    months = month_of(referred[date], data=referred, column=date)
    grid = _month_grid(months, referred[by] if by else None, starts if by else None, None)
    keys = ["practice", "month"] if by else ["month"]
    per_client = _per_client(referred, measures, service_use, improved, client_id=client_id,
                             date=date, by=by, time=time, assessment_date=assessment_date,
                             baseline=baseline, follow_up=follow_up, service=service)
    parts = []
    counts = per_client.groupby(keys).size().rename("numerator")
    ref = grid.join(counts, on=keys).fillna({"numerator": 0})
    parts.append(ref.assign(measure="referrals", value=ref["numerator"], n=np.nan,
                            numerator=np.nan, denominator=np.nan))
    if population is not None:
        parts.append(_per_1000(ref, population, practice=practice, by=by, starts=starts))
    complete = grid["month"] < (pd.Timestamp(complete_before).to_period("M").to_timestamp()
                                if complete_before is not None else pd.Timestamp.max)
    for measure, kind in (("days_to_first_contact", "xmr"), ("followed_up", "p"),
                          ("improved", "p"), ("service_use_change", "xmr")):
        if measure in per_client:
            grid_m = grid[complete] if measure in ("followed_up", "improved") else grid
            parts.append(_monthly(per_client, grid_m, keys, measure, kind))
    feeds = pd.concat(parts, ignore_index=True)
    feeds = feeds[["measure", *keys, "value", "numerator", "denominator", "n"]]
    if by:
        feeds = feeds.rename(columns={"practice": by})
    order = {m: i for i, m in enumerate(FEED_MEASURES)}
    feeds = feeds.sort_values(["measure", *([by] if by else []), "month"],
                              key=lambda s: s.map(order) if s.name == "measure" else s,
                              kind="stable").reset_index(drop=True)
    return MonthlyFeeds(feeds, _definitions(feeds, service, improved_definition), by)


def _per_1000(ref: pd.DataFrame, population: pd.DataFrame, *, practice: str, by, starts
              ) -> pd.DataFrame:
    registered = check_numeric(population, ["registered"], low=0, allow_missing=False)
    reg = dict(zip(population[practice], registered["registered"]))
    first = {k: pd.Timestamp(v).to_period("M").to_timestamp() for k, v in (starts or {}).items()}
    if by:
        missing = sorted(set(ref["practice"]) - set(reg), key=str)
        if missing:
            raise InvalidValueError("practice with referrals but no registered population",
                                    column=practice, found=missing)
        denominator = ref["practice"].map(reg).to_numpy(float)
    else:
        active = [ref["month"] >= first.get(p, pd.Timestamp.min) for p in reg]
        denominator = np.sum([a.to_numpy() * reg[p] for a, p in zip(active, reg)], axis=0)
    out = ref.assign(measure="referrals_per_1000", numerator=ref["numerator"],
                     denominator=denominator, n=np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["value"] = 1000 * out["numerator"] / out["denominator"]
    return out


def _definitions(feeds: pd.DataFrame, service: str, improved_definition) -> pd.DataFrame:
    rows = []
    for measure in pd.unique(feeds["measure"]):
        label, chart, unit, direction, text = FEED_MEASURES[measure]
        assert direction in IMPROVEMENT_DIRECTIONS
        if measure == "service_use_change":
            name = SERVICE_LABELS.get(service, service.replace("_", " "))
            label = f"Change in {name} per client"
            text = text.replace("per client", f"per client ({name})")
        if measure == "improved" and improved_definition:
            text = f"{text}: {improved_definition}"
        rows.append({"measure": measure, "label": label, "chart": chart, "unit": unit,
                     "improvement_direction": direction, "definition": text})
    return pd.DataFrame(rows)
