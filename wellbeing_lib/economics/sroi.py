"""Social return on investment (SROI) of an impact map (Cabinet Office SROI guide, 2012).

:func:`sroi` gives an :class:`SROIResult`: the per outcome × year table, the headline
totals (present value, ratio, payback), summaries by outcome, stakeholder and GMCA value
type, and every assumption as text. :func:`waterfall_table` gives the steps from gross value
to present value; :func:`apply_overrides` changes values of the impact map for scenarios and
the live panel (:func:`wellbeing_lib.widgets.sroi_panel`).
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import InvalidValueError
from ._common import _money
from ._model import (
    INVESTMENT_TYPES,
    SROI_FIRST_YEAR_DISCOUNTED,
    _active,
    _build_model,
    _horizon,
    _model_arrays,
    _payback,
    _pv_matrix,
    _pv_totals,
    _rate_text,
    _rows_for,
    _SroiModel,
    _year_factors,
    _yearly_cumulative,
)
from .costs import DEFAULT_INDEX
from .discounting import DEFAULT_SCHEDULE
from .impact_map import _FIELD_EXPECTED, _MAP_NUMBERS, SROI_FRACTIONS, validate_impact_map

__all__ = [
    "INVESTMENT_TYPES",
    "SROI_FIRST_YEAR_DISCOUNTED",
    "sroi",
    "SROIResult",
    "waterfall_table",
    "apply_overrides",
]


# ------------------------------------------------------------------ SROI: the calculation
@dataclass(frozen=True, eq=False, repr=False)
class SROIResult:
    """Result of :func:`sroi`: tidy tables, the headline figures and the assumptions.

    Attributes
    ----------
    table : DataFrame
        One row per outcome × year in which the outcome lasts: ``stakeholder``, ``outcome``,
        ``indicator`` (and ``value_type``), ``year`` (year 1 = the first year of the
        programme), ``outcome_year`` (1 = the outcome's first year), ``quantity``,
        ``proxy_value``, ``gross_value`` (= quantity × proxy), ``deadweight_deduction``,
        ``displacement_deduction``, ``attribution_deduction``, ``impact`` (= gross ×
        (1 − deadweight)(1 − displacement)(1 − attribution)), ``drop_off_deduction``,
        ``impact_after_drop_off``, ``discount_factor``, ``discounting_deduction`` and
        ``present_value``. Every column is in £ except the counts, years and factor. Also
        :meth:`to_frame`.
    totals : DataFrame
        One row per headline measure (``measure``, ``value``, ``unit``, ``definition``):
        total present value, investment, net present value, SROI ratio, net SROI ratio,
        payback period (discounted and undiscounted).
    by_outcome, by_stakeholder : DataFrame
        Gross value, impact, impact after drop-off and present value summed over years,
        with each row's share of the total present value.
    by_value_type : DataFrame or None
        The same by GMCA value type, when the impact map has a ``value_type`` column.
    assumptions : DataFrame
        Every assumption the ratio rests on, as text (``assumption``, ``applies_to``,
        ``value``, ``source``): formula, discounting, investment, and for each outcome its
        quantity, proxy (with source and price year), duration, start year and fractions.
    impact_map : DataFrame
        The validated impact map used (proxy values restated when ``price_year`` was given;
        ``proxy_value_as_given`` keeps the originals).
    investment : DataFrame
        The inputs (``stakeholder``, ``input``, ``type``, ``value``).
    total_present_value, investment_total, net_present_value, ratio, net_ratio : float
    payback_years, payback_years_undiscounted : float
        ``inf`` when the investment is not covered within the outcomes' durations.
    settings : dict
        ``discount_rate``, ``first_year_discounted``, ``price_year``.
    notes : list of str
        Caveats (price years not restated, …).
    """

    table: pd.DataFrame
    totals: pd.DataFrame
    by_outcome: pd.DataFrame
    by_stakeholder: pd.DataFrame
    by_value_type: pd.DataFrame | None
    assumptions: pd.DataFrame
    impact_map: pd.DataFrame
    investment: pd.DataFrame
    total_present_value: float
    investment_total: float
    net_present_value: float
    ratio: float
    net_ratio: float
    payback_years: float
    payback_years_undiscounted: float
    settings: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)

    def to_frame(self) -> pd.DataFrame:
        """The per outcome × year table (:attr:`table`)."""
        return self.table

    def __repr__(self) -> str:
        fyd = "year 1 discounted" if self.settings.get("first_year_discounted") else (
            "year 1 not discounted")
        return (
            f"SROIResult(ratio {self.ratio:.2f} : 1, present value "
            f"{_money(self.total_present_value)}, investment {_money(self.investment_total)}, "
            f"{len(self.impact_map)} outcomes, {_rate_text(self.settings.get('discount_rate'))}, "
            f"{fyd})"
        )


def sroi(
    impact_map: pd.DataFrame,
    investment,
    *,
    discount_rate=DEFAULT_SCHEDULE,
    first_year_discounted: bool = SROI_FIRST_YEAR_DISCOUNTED,
    price_year=None,
    index=DEFAULT_INDEX,
) -> SROIResult:
    """Social return on investment of an impact map (Cabinet Office SROI guide, 2012).

    For each outcome *k* and each year *t* in which it lasts:

    .. math::

        \\text{gross}_k &= \\text{quantity}_k \\times \\text{proxy}_k \\\\
        \\text{impact}_k &= \\text{gross}_k (1 - \\text{deadweight}_k)
                            (1 - \\text{displacement}_k)(1 - \\text{attribution}_k) \\\\
        \\text{impact}_{k,t} &= \\text{impact}_{k,t-1} (1 - \\text{drop-off}_k)
            \\quad\\text{for years after the outcome's first} \\\\
        PV &= \\sum_k \\sum_t \\text{impact}_{k,t} \\, D_t, \\qquad
        D_t = 1 / (1 + r)^t \\\\
        \\text{SROI ratio} &= PV / \\text{investment}, \\qquad
        \\text{net SROI} = (PV - \\text{investment}) / \\text{investment}

    with a stepped schedule discounting each year at the rate of its band (see
    :func:`discount_factors`).

    Parameters
    ----------
    impact_map : DataFrame
        One row per stakeholder × outcome; see :func:`validate_impact_map` (checked here).
        Not modified.
    investment : float or DataFrame
        The value of inputs, in £: one amount, or a table of inputs with columns
        ``stakeholder`` and ``value`` (optional ``input``, and ``type`` = ``cash`` or
        ``in_kind`` — in-kind inputs such as volunteer time are valued and counted). Inputs
        are taken as already in present value (spent at the start).
    discount_rate : float or str, default "green_book"
        ``"green_book"`` (3.5% for years 0–30, 3.0% for 31–75, …: HM Treasury), the health
        schedule ``"green_book_health"`` (1.5%, for outcomes valued as health/wellbeing), or a
        flat rate as a fraction (``0.035``).
    first_year_discounted : bool, default True
        True (the default here) follows the SROI guide: PV = Σ impact_t / (1 + r)^t, so
        year 1 is discounted once — the formula in the guide and in Excel's ``NPV()``, so a
        ratio from a published SROI spreadsheet is reproduced. False follows the Green Book
        convention of :func:`discount_factors` (year 1 is "year 0" and not discounted), which
        gives a higher present value. Report which one you used (it is in ``assumptions``).
    price_year : str, optional
        Restate every proxy to this price year with ``index`` (see :func:`restate_costs`).
        Without it, proxies in different price years give a warning and a note.
    index : str or DataFrame, default "nhscii_pay_and_prices"
        Price index used when ``price_year`` is given.

    Returns
    -------
    SROIResult
        ``table`` (per outcome × year), ``totals``, ``by_outcome``, ``by_stakeholder``,
        ``by_value_type``, ``assumptions``, and the headline numbers as attributes.

    Notes
    -----
    *Payback period* is the time, in years from the start of year 1, at which the
    cumulative **discounted** impact (present value) first covers the investment, with the
    value of a year taken to accrue evenly through that year (linear interpolation):
    if :math:`C_{t-1} < I \\le C_t`, payback = :math:`t - 1 + (I - C_{t-1})/(C_t - C_{t-1})`.
    ``payback_years_undiscounted`` does the same with undiscounted impact. Both are ``inf``
    if the investment is never covered.

    References
    ----------
    Cabinet Office / Social Value UK (2012), *A guide to Social Return on Investment*;
    HM Treasury, *The Green Book* (2022), Annex A6 (discount rates).

    Example
    -------
    Two outcomes over three years, at a flat 3.5% (proxies illustrative):

    >>> import pandas as pd
    >>> impact_map = pd.DataFrame({
    ...     "stakeholder": ["Clients", "NHS"],
    ...     "outcome": ["Improved wellbeing", "Fewer GP visits"],
    ...     "indicator": ["SWEMWBS +3 points", "GP visits a year"],
    ...     "quantity": [40, 100], "proxy_value": [1000.0, 45.0],
    ...     "proxy_source": ["illustrative", "PSSRU 2013 GP visit"],
    ...     "proxy_price_year": ["2012/13", "2012/13"], "duration": [3, 2],
    ...     "deadweight": [0.25, 0.1], "displacement": [0.0, 0.05],
    ...     "attribution": [0.2, 0.1], "drop_off": [0.3, 0.5]})
    >>> res = sroi(impact_map, 20_000, discount_rate=0.035)
    >>> res.table[["outcome", "year", "impact_after_drop_off", "present_value"]].round(2)
                  outcome  year  impact_after_drop_off  present_value
    0  Improved wellbeing     1               24000.00       23188.41
    1  Improved wellbeing     2               16800.00       15682.98
    2  Improved wellbeing     3               11760.00       10606.85
    3     Fewer GP visits     1                3462.75        3345.65
    4     Fewer GP visits     2                1731.38        1616.26
    >>> round(res.total_present_value, 2), round(res.ratio, 2), round(res.payback_years, 2)
    (54440.14, 2.72, 0.75)
    """
    model = _build_model(impact_map, investment, discount_rate, first_year_discounted,
                         price_year, index)
    return _result(model)


def _result(model: _SroiModel) -> SROIResult:
    m = model.map
    horizon = _horizon(model.start, model.duration)
    factors = _year_factors(horizon, model.rate, model.first_year_discounted)
    arrays = _model_arrays(model)
    total = float(_pv_totals(*arrays, model.start, model.duration, factors[np.newaxis, :])[0])
    q, p, dw, dp, at, do = (a[0] for a in arrays)
    impact, after, pv = _pv_matrix(q, p, dw, dp, at, do, model.start, model.duration, factors)
    cumulative = _yearly_cumulative(pv)
    cumulative_undiscounted = _yearly_cumulative(after)
    inv = model.investment

    live, _ = _active(model.start, model.duration, horizon)
    k, t = np.nonzero(live)
    gross = q * p
    dwd = gross * dw
    dpd = (gross - dwd) * dp
    atd = (gross - dwd - dpd) * at
    after_kt = after[k, t]
    pv_kt = pv[k, t]
    has_type = "value_type" in m.columns
    text = ["stakeholder", "outcome", "indicator"] + (["value_type"] if has_type else [])
    columns = {c: pd.array(m[c].to_numpy()[k], dtype="str") for c in text}
    columns |= {
        "year": (t + 1).astype("int64"),
        "outcome_year": (t + 1 - model.start[k] + 1).astype("int64"),
        "quantity": q[k], "proxy_value": p[k], "gross_value": gross[k],
        "deadweight_deduction": dwd[k], "displacement_deduction": dpd[k],
        "attribution_deduction": atd[k], "impact": impact[k],
        "drop_off_deduction": impact[k] - after_kt, "impact_after_drop_off": after_kt,
        "discount_factor": factors[t], "discounting_deduction": after_kt - pv_kt,
        "present_value": pv_kt,
    }
    table = pd.DataFrame(columns)

    # ---- summaries (sums over years with bincount: one entry per row of the map)
    n_rows = len(m)
    sums = {
        "gross_value": np.bincount(k, gross[k], minlength=n_rows),
        "impact": np.bincount(k, impact[k], minlength=n_rows),
        "impact_after_drop_off": np.bincount(k, after_kt, minlength=n_rows),
        "present_value": np.bincount(k, pv_kt, minlength=n_rows),
    }
    keys = ["stakeholder", "outcome"] + (["value_type"] if has_type else [])
    by_outcome = pd.DataFrame(
        {c: pd.array(m[c].to_numpy(), dtype="str") for c in keys}
        | {"duration": model.duration.astype("int64")}
        | sums
        | {"share_of_present_value": sums["present_value"] / total if total
           else np.zeros(n_rows)}
    )

    def _by(key: str) -> pd.DataFrame:
        codes, levels = pd.factorize(by_outcome[key])
        grouped = {c: np.bincount(codes, v, minlength=len(levels)) for c, v in sums.items()}
        return pd.DataFrame(
            {key: pd.array(np.asarray(levels, dtype=object), dtype="str"),
             "n_outcomes": np.bincount(codes, minlength=len(levels)).astype("int64")}
            | grouped
            | {"share_of_present_value": grouped["present_value"] / total if total
               else np.zeros(len(levels))}
        )

    by_stakeholder = _by("stakeholder")
    by_value_type = _by("value_type") if has_type else None

    payback = _payback(cumulative, inv) if horizon else float("inf")
    payback_u = _payback(cumulative_undiscounted, inv) if horizon else float("inf")
    rate_text = _rate_text(model.rate)
    fyd_text = (
        "year t discounted over t years: PV = Σ impact_t / (1 + r)^t (SROI guide)"
        if model.first_year_discounted
        else "year t discounted over t − 1 years: year 1 not discounted (Green Book)"
    )
    totals = pd.DataFrame(
        {
            "measure": ["total_present_value", "investment", "net_present_value", "sroi_ratio",
                        "net_sroi_ratio", "payback_years", "payback_years_undiscounted"],
            "value": [total, inv, total - inv, total / inv, (total - inv) / inv, payback,
                      payback_u],
            "unit": ["£", "£", "£", "£ per £1 invested", "£ per £1 invested", "years", "years"],
            "definition": [
                "Σ over outcomes and years of impact after drop-off × discount factor",
                "value of inputs (cash and in-kind)",
                "total present value − investment",
                "total present value / investment",
                "(total present value − investment) / investment",
                "years from the start of year 1 until cumulative present value covers the "
                "investment (linear within the year; inf = never)",
                "the same with undiscounted impact",
            ],
        }
    ).astype({"measure": "str", "unit": "str", "definition": "str"})

    assumptions = _assumptions(model, rate_text, fyd_text)
    return SROIResult(
        table=table,
        totals=totals,
        by_outcome=by_outcome,
        by_stakeholder=by_stakeholder,
        by_value_type=by_value_type,
        assumptions=assumptions,
        impact_map=m,
        investment=model.investment_table,
        total_present_value=total,
        investment_total=inv,
        net_present_value=total - inv,
        ratio=total / inv,
        net_ratio=(total - inv) / inv,
        payback_years=payback,
        payback_years_undiscounted=payback_u,
        settings={
            "discount_rate": model.rate,
            "first_year_discounted": model.first_year_discounted,
            "price_year": model.price_year,
        },
        notes=list(model.notes),
    )


def _assumptions(model: _SroiModel, rate_text: str, fyd_text: str) -> pd.DataFrame:
    m = model.map
    rows = [
        ("formula", "all outcomes",
         "impact = quantity × proxy × (1 − deadweight)(1 − displacement)(1 − attribution); "
         "later years × (1 − drop-off) each year; PV = Σ impact_t × D_t; ratio = PV / investment",
         "Cabinet Office / Social Value UK (2012), A guide to Social Return on Investment"),
        ("discount rate", "all outcomes", rate_text,
         "HM Treasury, The Green Book (2022), Annex A6" if isinstance(model.rate, str)
         else "supplied by the user"),
        ("discounting of year 1", "all outcomes", fyd_text, "option first_year_discounted"),
        ("price year", "proxy values",
         model.price_year if model.price_year is not None else "mixed (not restated)",
         "restate_costs" if model.price_year is not None else "impact map"),
    ]
    for row in model.investment_table.itertuples(index=False):
        rows.append(("investment", f"{row.stakeholder}: {row.input} ({row.type})",
                     _money(row.value), "supplied by the user"))
    for i, r in enumerate(m.itertuples(index=False)):
        who = f"{r.stakeholder}: {r.outcome}"
        given = m["proxy_value_as_given"].iloc[i]
        proxy = f"{_money(given)} ({r.proxy_price_year} prices)"
        if model.price_year is not None and r.proxy_price_year != model.price_year:
            proxy += f" = {_money(r.proxy_value)} in {model.price_year} prices"
        rows += [
            ("quantity", who, f"{r.quantity:g} ({r.indicator})", "impact map"),
            ("financial proxy", who, proxy, r.proxy_source),
            ("duration", who, f"{r.duration} years from year {r.start_year}", "impact map"),
        ]
        rows += [(f, who, f"{getattr(r, f):.0%}", "impact map") for f in SROI_FRACTIONS]
        if "value_type" in m.columns:
            rows.append(("value type", who, r.value_type, "impact map (GMCA model)"))
    return pd.DataFrame(rows, columns=["assumption", "applies_to", "value", "source"]).astype("str")


def waterfall_table(result: SROIResult) -> pd.DataFrame:
    """The steps from gross value to present value, for a waterfall chart.

    Each deduction is summed over outcomes and years of ``result.table``: gross value,
    − deadweight, − displacement, − attribution, − drop-off, − discounting = present value.

    Returns
    -------
    DataFrame
        ``step``, ``change`` (£; negative for deductions, the total for the first and last
        rows) and ``running_total`` (£ after the step).

    Example
    -------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"stakeholder": ["NHS"], "outcome": ["Fewer GP visits"],
    ...     "indicator": ["visits"], "quantity": [100], "proxy_value": [45.0],
    ...     "proxy_source": ["PSSRU 2013"], "proxy_price_year": ["2012/13"], "duration": [2],
    ...     "deadweight": [0.1], "displacement": [0.05], "attribution": [0.1],
    ...     "drop_off": [0.5]})
    >>> waterfall_table(sroi(m, 4000, discount_rate=0.035)).round(2)
                step   change  running_total
    0    gross value  9000.00        9000.00
    1     deadweight  -900.00        8100.00
    2   displacement  -405.00        7695.00
    3    attribution  -769.50        6925.50
    4       drop-off -1731.38        5194.12
    5    discounting  -232.22        4961.91
    6  present value  4961.91        4961.91
    """
    t = result.table
    deductions = [
        ("deadweight", "deadweight_deduction"),
        ("displacement", "displacement_deduction"),
        ("attribution", "attribution_deduction"),
        ("drop-off", "drop_off_deduction"),
        ("discounting", "discounting_deduction"),
    ]
    gross = float(t["gross_value"].sum())
    changes = [gross] + [-float(t[c].sum()) for _, c in deductions]
    running = np.cumsum(changes)
    steps = ["gross value"] + [s for s, _ in deductions] + ["present value"]
    pv = result.total_present_value
    return pd.DataFrame(
        {"step": steps, "change": changes + [pv], "running_total": list(running) + [pv]}
    ).astype({"step": "str"})


# ------------------------------------------------------------------ SROI: overrides, scenarios
_OVERRIDABLE = _MAP_NUMBERS + ("duration", "start_year")
_SCALABLE = _MAP_NUMBERS


def apply_overrides(impact_map: pd.DataFrame, overrides: Mapping | None) -> pd.DataFrame:
    """A validated copy of an impact map with some values changed (for scenarios and widgets).

    Parameters
    ----------
    impact_map : DataFrame
        Not modified.
    overrides : dict
        ``{field: value}`` sets the field for every outcome; ``{field: {outcome: value}}``
        for named outcomes (an outcome name, or a ``(stakeholder, outcome)`` pair).
        Fields: ``quantity``, ``proxy_value``, ``deadweight``, ``displacement``,
        ``attribution``, ``drop_off``, ``duration``, ``start_year``; and
        ``<field>_scale`` (e.g. ``proxy_value_scale: 0.8``) multiplies each outcome's own
        value. The changed map is validated again, so a value out of range is a named error.

    Example
    -------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"stakeholder": ["NHS", "Clients"], "outcome": ["Fewer GP visits",
    ...     "Less lonely"], "indicator": ["visits", "UCLA-3"], "quantity": [100, 25],
    ...     "proxy_value": [45.0, 600.0], "proxy_source": ["PSSRU 2013", "illustrative"],
    ...     "proxy_price_year": ["2012/13"] * 2, "duration": [2, 2],
    ...     "deadweight": [0.1, 0.2], "displacement": [0.05, 0.1],
    ...     "attribution": [0.1, 0.25], "drop_off": [0.5, 0.2]})
    >>> apply_overrides(m, {"deadweight": 0.4, "proxy_value_scale": {"Less lonely": 0.5}})[
    ...     ["outcome", "deadweight", "proxy_value"]]
               outcome  deadweight  proxy_value
    0  Fewer GP visits         0.4         45.0
    1      Less lonely         0.4        300.0
    """
    m = validate_impact_map(impact_map)
    out = m.copy()
    for name, value in dict(overrides or {}).items():
        scale = isinstance(name, str) and name.endswith("_scale") and name[:-6] in _SCALABLE
        column = name[:-6] if scale else name
        if column not in _OVERRIDABLE:
            raise InvalidValueError(
                "unknown override",
                expected="one of " + ", ".join(_OVERRIDABLE) + ", or "
                + ", ".join(f"{c}_scale" for c in _SCALABLE)
                + " (discount_rate and investment are arguments of sroi)",
                found=[name],
            )
        targets = value.items() if isinstance(value, Mapping) else [(None, value)]
        for key, v in targets:
            mask = np.ones(len(m), dtype=bool) if key is None else _rows_for(m, key)
            ok = isinstance(v, numbers.Real) and not isinstance(v, bool)
            if not ok:
                raise InvalidValueError(
                    "override value is not a number", column=column, found=[repr(v)],
                    expected=_FIELD_EXPECTED[column],
                )
            current = out[column].to_numpy(dtype=float)
            out[column] = np.where(mask, current * v if scale else float(v), current)
    return validate_impact_map(out)
