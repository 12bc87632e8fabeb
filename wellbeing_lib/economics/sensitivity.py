"""Deterministic sensitivity of the SROI ratio: scenarios, one-way sensitivity, breakeven.

* :func:`sroi_scenarios` — the SROI under named sets of overrides, with the base case;
* :func:`sroi_sensitivity` — one-way sensitivity, each parameter moved to a low and a high
  value (the table behind a tornado plot);
* :func:`breakeven` — the value of each parameter at which the ratio reaches 1:1, or any
  target ratio such as a published 2.3:1.

The probabilistic counterpart is :func:`wellbeing_lib.economics.sroi_monte_carlo`.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..errors import InvalidValueError
from ._common import _check_flag, _money
from ._model import (
    _GLOBAL_ONLY,
    SROI_FIRST_YEAR_DISCOUNTED,
    _build_model,
    _check_parameter,
    _evaluate,
    _outcome_label,
    _rate_text,
    _rows_for,
    _SroiModel,
)
from .costs import DEFAULT_INDEX
from .discounting import DEFAULT_SCHEDULE
from .impact_map import _FIELD_EXPECTED, _FIELD_LIMITS, _VALUE_FIELDS, SROI_FRACTIONS
from .sroi import apply_overrides, sroi

__all__ = [
    "SENSITIVITY_PARAMETERS",
    "BREAKEVEN_PARAMETERS",
    "sroi_scenarios",
    "sroi_sensitivity",
    "breakeven",
]


# ------------------------------------------------------------------ SROI: scenarios
def sroi_scenarios(
    impact_map: pd.DataFrame,
    investment,
    scenarios: Mapping[str, Mapping],
    *,
    discount_rate=DEFAULT_SCHEDULE,
    first_year_discounted: bool = SROI_FIRST_YEAR_DISCOUNTED,
    price_year=None,
    index=DEFAULT_INDEX,
) -> pd.DataFrame:
    """SROI under named sets of overrides ("conservative", "optimistic", …), with the base case.

    Parameters
    ----------
    scenarios : dict
        ``{name: overrides}``; overrides as in :func:`apply_overrides`, plus
        ``discount_rate``, ``first_year_discounted`` and ``investment`` to change those.
    Other parameters
        As :func:`sroi` (the base case).

    Returns
    -------
    DataFrame
        One row per scenario (``base`` first): ``scenario``, ``total_present_value``,
        ``investment``, ``net_present_value``, ``ratio``, ``net_ratio``, ``payback_years``,
        ``changes`` (the overrides as text).

    Example
    -------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"stakeholder": ["NHS"], "outcome": ["Fewer GP visits"],
    ...     "indicator": ["visits"], "quantity": [100], "proxy_value": [45.0],
    ...     "proxy_source": ["PSSRU 2013"], "proxy_price_year": ["2012/13"], "duration": [2],
    ...     "deadweight": [0.1], "displacement": [0.05], "attribution": [0.1],
    ...     "drop_off": [0.5]})
    >>> t = sroi_scenarios(m, 4000, {"conservative": {"deadweight": 0.3, "drop_off": 0.8},
    ...                              "optimistic": {"attribution": 0.0}}, discount_rate=0.035)
    >>> t[["scenario", "total_present_value", "ratio"]].round(2)
           scenario  total_present_value  ratio
    0          base              4961.91   1.24
    1  conservative              3105.01   0.78
    2    optimistic              5513.23   1.38
    """
    base = {"discount_rate": discount_rate, "first_year_discounted": first_year_discounted,
            "investment": investment}
    if not isinstance(scenarios, Mapping):
        raise InvalidValueError(
            "scenarios not understood", expected="a dict {name: {field: value, ...}}",
            found=[type(scenarios).__name__],
        )
    rows = []
    for name, spec in {"base": {}, **dict(scenarios)}.items():
        if not isinstance(spec, Mapping):
            raise InvalidValueError(
                "scenario not understood", expected="a dict of overrides", found=[name],
            )
        settings = {k: spec.get(k, v) for k, v in base.items()}
        changes = {k: v for k, v in spec.items() if k not in base}
        res = sroi(
            apply_overrides(impact_map, changes), settings["investment"],
            discount_rate=settings["discount_rate"],
            first_year_discounted=settings["first_year_discounted"],
            price_year=price_year, index=index,
        )
        rows.append({
            "scenario": str(name),
            "total_present_value": res.total_present_value,
            "investment": res.investment_total,
            "net_present_value": res.net_present_value,
            "ratio": res.ratio,
            "net_ratio": res.net_ratio,
            "payback_years": res.payback_years,
            "changes": "; ".join(f"{k} = {v if isinstance(v, str) else _override_text(v)}"
                                 for k, v in spec.items())
            or "as the impact map",
        })
    return pd.DataFrame(rows).astype({"scenario": "str", "changes": "str"})


def _override_text(value) -> str:
    """An override as plain text: numbers as written (``0.3``, not ``np.float64(0.3)``)."""
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_override_text(k)}: {_override_text(v)}"
                               for k, v in value.items()) + "}"
    if isinstance(value, tuple):
        return "(" + ", ".join(_override_text(v) for v in value) + ")"
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return repr(float(value))
    if isinstance(value, str):
        return repr(str(value))
    return str(value)


# ------------------------------------------------------------------ SROI: sensitivity
#: parameters :func:`sroi_sensitivity` varies by default
SENSITIVITY_PARAMETERS = (
    "deadweight", "displacement", "attribution", "drop_off", "quantity", "proxy_value",
    "duration", "discount_rate",
)
#: parameters :func:`breakeven` solves for by default
BREAKEVEN_PARAMETERS = (
    "deadweight", "displacement", "attribution", "drop_off", "quantity", "proxy_value",
    "discount_rate", "investment",
)
def _check_move_value(param: str, value, where: str) -> float:
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and np.isfinite(value)
    if param == "discount_rate":
        low, high, expected = 0.0, 1.0 - 1e-12, "a flat rate between 0 and 1 (3.5% is 0.035)"
    elif param == "investment":
        low, high, expected = 1e-300, np.inf, "a positive amount in £"
    else:
        (low, high), expected = _FIELD_LIMITS[param], _FIELD_EXPECTED[param]
    if not ok or not low <= value <= high or (param == "duration" and value % 1):
        raise InvalidValueError(
            f"sensitivity value out of range for {param} ({where})", column=param,
            expected=expected, found=[value],
        )
    return float(value)


def _sensitivity_cases(model: _SroiModel, parameters, pct: float, by_outcome: bool):
    """(parameter, stakeholder, outcome, applied_as, low, high, changes_low, changes_high)."""
    m = model.map
    allowed = SENSITIVITY_PARAMETERS + ("investment",)
    if parameters is None:
        spec = dict.fromkeys(SENSITIVITY_PARAMETERS)
    elif isinstance(parameters, str):
        spec = {parameters: None}
    elif isinstance(parameters, Mapping):
        spec = dict(parameters)
    else:
        spec = dict.fromkeys(parameters)
    cases = []
    for param, given in spec.items():
        _check_parameter(param, allowed)
        if param in _GLOBAL_ONLY and isinstance(given, Mapping):
            raise InvalidValueError(
                f"{param} applies to the whole analysis, not to one outcome", column=param,
                expected="(low, high) or None", found=[repr(given)],
            )
        if given is None:
            cases += _relative_cases(model, param, pct, by_outcome)
            continue
        if isinstance(given, Mapping):
            for key, pair in given.items():
                mask = _rows_for(m, key)
                for k in np.nonzero(mask)[0]:
                    lo, hi = (_check_move_value(param, v, f"outcome {key!r}") for v in _pair(pair, param))
                    who = _outcome_label(m, k)
                    cases.append((param, *who, "value for this outcome", lo, hi,
                                   _set_one(model, param, k, lo), _set_one(model, param, k, hi)))
            continue
        lo, hi = (_check_move_value(param, v, "all outcomes") for v in _pair(given, param))
        if param == "discount_rate":
            cases.append((param, "all", "all", "flat rate for every year", lo, hi,
                          {"rate": lo}, {"rate": hi}))
        elif param == "investment":
            cases.append((param, "all", "all", "total investment (£)", lo, hi,
                          {"investment": lo}, {"investment": hi}))
        else:
            cases.append((param, "all", "all", "value for every outcome", lo, hi,
                          _set_all(model, param, lo), _set_all(model, param, hi)))
    return cases


def _pair(given, param):
    if isinstance(given, tuple | list) and len(given) == 2:
        return given
    raise InvalidValueError(
        "sensitivity range not understood", column=param,
        expected="(low, high), {outcome: (low, high)}, or None for ± pct", found=[repr(given)],
    )


def _set_all(model, param, value):
    if param == "duration":
        return {"duration": np.full(len(model.duration), int(value))}
    return {"values": {param: np.full(len(model.map), value)}}


def _set_one(model, param, k, value):
    if param == "duration":
        dur = model.duration.copy()
        dur[k] = int(value)
        return {"duration": dur}
    arr = model.values[param].copy()
    arr[k] = value
    return {"values": {param: arr}}


def _relative_cases(model, param, pct, by_outcome):
    m = model.map
    lo_f, hi_f = 1.0 - pct, 1.0 + pct
    cases = []
    if param == "discount_rate":
        if isinstance(model.rate, str):
            return [(param, "all", "all", f"multiplier of every rate in the '{model.rate}' schedule",
                     lo_f, hi_f, {"multiplier": lo_f}, {"multiplier": hi_f})]
        lo, hi = model.rate * lo_f, model.rate * hi_f
        return [(param, "all", "all", "flat rate for every year", lo, hi, {"rate": lo},
                 {"rate": hi})]
    if param == "investment":
        lo, hi = model.investment * lo_f, model.investment * hi_f
        return [(param, "all", "all", "total investment (£)", lo, hi, {"investment": lo},
                 {"investment": hi})]
    if param == "duration":
        if not by_outcome:
            lo = {"duration": np.maximum(model.duration - 1, 0)}
            hi = {"duration": model.duration + 1}
            return [(param, "all", "all", "years added to each outcome's duration", -1.0, 1.0,
                     lo, hi)]
        for k in range(len(m)):
            d = int(model.duration[k])
            cases.append((param, *_outcome_label(m, k), "value for this outcome",
                          float(max(d - 1, 0)), float(d + 1),
                          _set_one(model, param, k, max(d - 1, 0)), _set_one(model, param, k, d + 1)))
        return cases
    base = model.values[param]
    cap = param in SROI_FRACTIONS
    if not by_outcome:
        low_values, high_values = base * lo_f, base * hi_f
        if cap:
            high_values = np.minimum(high_values, 1.0)
        how = "multiplier of each outcome's value" + (" (capped at 1)" if cap else "")
        return [(param, "all", "all", how, lo_f, hi_f, {"values": {param: low_values}},
                 {"values": {param: high_values}})]
    for k in range(len(m)):
        lo, hi = base[k] * lo_f, base[k] * hi_f
        if cap:
            hi = min(hi, 1.0)
        cases.append((param, *_outcome_label(m, k), "value for this outcome", lo, hi,
                      _set_one(model, param, k, lo), _set_one(model, param, k, hi)))
    return cases


def _check_pct(pct) -> float:
    ok = isinstance(pct, numbers.Real) and not isinstance(pct, bool)
    if not ok or not 0 < pct < 1:
        raise InvalidValueError(
            "pct out of range", expected="a fraction between 0 and 1 (20% is 0.2)", found=[pct]
        )
    return float(pct)


def sroi_sensitivity(
    impact_map: pd.DataFrame,
    investment,
    *,
    parameters=None,
    pct: float = 0.2,
    by_outcome: bool = False,
    discount_rate=DEFAULT_SCHEDULE,
    first_year_discounted: bool = SROI_FIRST_YEAR_DISCOUNTED,
    price_year=None,
    index=DEFAULT_INDEX,
) -> pd.DataFrame:
    """One-way sensitivity: the SROI ratio with each parameter moved to a low and a high value.

    Parameters
    ----------
    impact_map, investment
        As :func:`sroi`.
    parameters : list or dict, optional
        Which parameters to move, and how:

        * a list of names (default: ``deadweight``, ``displacement``, ``attribution``,
          ``drop_off``, ``quantity``, ``proxy_value``, ``duration``, ``discount_rate``;
          ``investment`` may be added): each moved by ± ``pct`` of its own value — for every
          outcome at once (``low``/``high`` are then the multipliers, e.g. 0.8 and 1.2;
          fractions are capped at 1) or, with ``by_outcome=True``, one outcome at a time
          (``low``/``high`` are that outcome's values). ``duration`` moves by ± 1 year, and
          a discount schedule has every band's rate multiplied.
        * a dict ``{name: (low, high)}`` sets the parameter to those values for every
          outcome (``discount_rate``: flat rates; ``investment``: amounts);
          ``{name: {outcome: (low, high)}}`` for named outcomes; ``{name: None}`` for ± pct.
    pct : float, default 0.2
        Relative move for parameters without given values.
    by_outcome : bool, default False
        Move each outcome's value separately (map parameters moved by ± pct).
    discount_rate, first_year_discounted, price_year, index
        As :func:`sroi`.

    Returns
    -------
    DataFrame
        One row per parameter × outcome (``"all"`` when moved together), sorted by
        ``swing`` (largest first, the order of a tornado plot): ``parameter``,
        ``stakeholder``, ``outcome``, ``applied_as`` (what ``low``/``high`` are), ``low``,
        ``high``, ``ratio_low`` and ``ratio_high`` (the SROI ratio with the parameter at
        low / high), ``ratio_base``, ``swing`` = \\|ratio_high − ratio_low\\|.

    Example
    -------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"stakeholder": ["NHS"], "outcome": ["Fewer GP visits"],
    ...     "indicator": ["visits"], "quantity": [100], "proxy_value": [45.0],
    ...     "proxy_source": ["PSSRU 2013"], "proxy_price_year": ["2012/13"], "duration": [2],
    ...     "deadweight": [0.1], "displacement": [0.05], "attribution": [0.1],
    ...     "drop_off": [0.5]})
    >>> t = sroi_sensitivity(m, 4000, parameters={"deadweight": (0.0, 0.5), "proxy_value": None},
    ...                      discount_rate=0.035)
    >>> t[["parameter", "low", "high", "ratio_low", "ratio_high"]].round(2)
         parameter  low  high  ratio_low  ratio_high
    0   deadweight  0.0   0.5       1.38        0.69
    1  proxy_value  0.8   1.2       0.99        1.49
    >>> t.loc[1, "applied_as"]
    "multiplier of each outcome's value"
    """
    pct = _check_pct(pct)
    by_outcome = _check_flag(by_outcome, "by_outcome")
    model = _build_model(impact_map, investment, discount_rate, first_year_discounted,
                         price_year, index)
    _, base_ratio = _evaluate(model)
    rows = []
    for param, stakeholder, outcome, how, lo, hi, ch_lo, ch_hi in _sensitivity_cases(
        model, parameters, pct, by_outcome
    ):
        r_lo = _evaluate(model, **ch_lo)[1]
        r_hi = _evaluate(model, **ch_hi)[1]
        rows.append({
            "parameter": param, "stakeholder": stakeholder, "outcome": outcome,
            "applied_as": how, "low": float(lo), "high": float(hi),
            "ratio_low": r_lo, "ratio_high": r_hi, "ratio_base": base_ratio,
            "swing": abs(r_hi - r_lo),
        })
    out = pd.DataFrame(rows)
    out = out.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)
    return out.astype({c: "str" for c in ("parameter", "stakeholder", "outcome", "applied_as")})


# ------------------------------------------------------------------ SROI: breakeven
def _solve(fun, lo: float, hi: float, linear: bool, xtol: float):
    """Root of fun(x) = ratio(x) − target in [lo, hi]: (x or None, f(lo), f(hi))."""
    from scipy.optimize import brentq

    if linear:
        f0, f1 = fun(0.0), fun(1.0)
        slope = f1 - f0
        if slope == 0:
            return None, f0, f0
        x = -f0 / slope
        f_lo = f0 + slope * lo
        f_hi = f0 + slope * hi if np.isfinite(hi) else np.sign(slope) * np.inf
        return (x if lo - 1e-12 <= x <= hi + 1e-12 else None), f_lo, f_hi
    f_lo, f_hi = fun(lo), fun(hi)
    if f_lo == 0:
        return lo, f_lo, f_hi
    if f_hi == 0:
        return hi, f_lo, f_hi
    if np.sign(f_lo) == np.sign(f_hi):
        return None, f_lo, f_hi
    return brentq(fun, lo, hi, xtol=xtol, rtol=4 * np.finfo(float).eps), f_lo, f_hi


def breakeven(
    impact_map: pd.DataFrame,
    investment,
    *,
    target: float = 1.0,
    parameters=None,
    by_outcome: bool = False,
    discount_rate=DEFAULT_SCHEDULE,
    first_year_discounted: bool = SROI_FIRST_YEAR_DISCOUNTED,
    price_year=None,
    index=DEFAULT_INDEX,
) -> pd.DataFrame:
    """The value of each parameter at which the SROI ratio reaches a target (1:1 by default).

    For each parameter *x* (the others as in the analysis) this solves
    ratio(*x*) = PV(*x*) / investment = ``target``. Present value is linear in quantity,
    proxy, deadweight, displacement and attribution (each enters as a factor x or 1 − x),
    so those are solved in closed form from two evaluations; the investment is
    PV / ``target``; drop-off and the discount rate are solved numerically
    (:func:`scipy.optimize.brentq`; the ratio is monotone in both when outcomes have
    positive value).

    Parameters
    ----------
    target : float, default 1.0
        The SROI ratio to reach (£ of value per £1 invested), e.g. ``2.3`` for "what would
        it take to reach a published 2.3:1". Must be positive.
    parameters : list of str, optional
        Default ``deadweight``, ``displacement``, ``attribution``, ``drop_off``,
        ``quantity``, ``proxy_value``, ``discount_rate``, ``investment``.
    by_outcome : bool, default False
        False: a fraction is set to the same value for every outcome; quantity and proxy
        are a multiplier of every outcome's value; ``discount_rate`` is a flat rate.
        True: map parameters are solved one outcome at a time (the others as in the map).
    Other parameters
        As :func:`sroi`.

    Returns
    -------
    DataFrame
        ``parameter``, ``stakeholder``, ``outcome``, ``applied_as``, ``target_ratio`` (the
        ``target`` used), ``base`` (the value in the analysis; missing for "all" when
        outcomes differ — see ``note``), ``breakeven`` (the value at which the ratio is
        ``target_ratio``; missing when not reachable), ``reachable`` and ``note``, which
        names the target (e.g. "the ratio reaches 2.3:1 at quantity = 1.85412" or "not
        reachable in [0, 1]: the ratio stays above 1:1 (lowest 1.33)").

    Raises
    ------
    InvalidValueError
        For a target that is not a positive number, an unknown parameter, or a bad impact
        map or investment (as :func:`sroi`).

    Example
    -------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"stakeholder": ["NHS"], "outcome": ["Fewer GP visits"],
    ...     "indicator": ["visits"], "quantity": [100], "proxy_value": [45.0],
    ...     "proxy_source": ["PSSRU 2013"], "proxy_price_year": ["2012/13"], "duration": [2],
    ...     "deadweight": [0.1], "displacement": [0.05], "attribution": [0.1],
    ...     "drop_off": [0.5]})
    >>> b = breakeven(m, 4000, parameters=["deadweight", "drop_off", "quantity"],
    ...               discount_rate=0.035)
    >>> b[["parameter", "base", "breakeven", "reachable"]].round(4)
        parameter  base  breakeven  reachable
    0  deadweight   0.1     0.2745       True
    1    drop_off   0.5     0.7976       True
    2    quantity   1.0     0.8061       True

    What would it take to reach 2.3:1? (The base ratio is 1.24.)

    >>> b = breakeven(m, 4000, target=2.3, parameters=["quantity", "investment"],
    ...               discount_rate=0.035)
    >>> b[["parameter", "target_ratio", "breakeven"]].round(4)
        parameter  target_ratio  breakeven
    0    quantity           2.3     1.8541
    1  investment           2.3  2157.3519
    >>> b.loc[0, "note"]
    "the ratio reaches 2.3:1 at quantity = 1.85412 (multiplier of each outcome's value)"
    """
    target = _check_target(target)
    by_outcome = _check_flag(by_outcome, "by_outcome")
    model = _build_model(impact_map, investment, discount_rate, first_year_discounted,
                         price_year, index)
    m = model.map
    params = list(BREAKEVEN_PARAMETERS if parameters is None else
                  ([parameters] if isinstance(parameters, str) else parameters))
    pv_base, _ = _evaluate(model)
    rows = []
    xtol = 1e-13
    for param in params:
        _check_parameter(param, BREAKEVEN_PARAMETERS)
        if param == "investment":
            ok = pv_base > 0
            needed = pv_base / target
            share = "the present value" if target == 1 else f"the present value ÷ {target:g}"
            rows.append(dict(
                parameter=param, stakeholder="all", outcome="all",
                applied_as="total investment (£)", target_ratio=target, base=model.investment,
                breakeven=needed if ok else np.nan, reachable=ok,
                note=(f"the ratio is {_ratio_label(target)} when the investment equals {share}, "
                      f"{_money(needed)}") if ok else (
                          f"not reachable: present value is not positive, so no investment "
                          f"gives {_ratio_label(target)}"),
            ))
            continue
        if param == "discount_rate":
            base = float(model.rate) if not isinstance(model.rate, str) else np.nan
            x, f_lo, f_hi = _solve(lambda r: _evaluate(model, rate=r)[1] - target, 0.0,
                                   1.0 - 1e-9, False, xtol)
            rows.append(_breakeven_row(param, "all", "all", "flat rate for every year", base, x,
                                       f_lo, f_hi, "[0, 1)", target, base_note=(
                                           f"the analysis uses the {_rate_text(model.rate)}"
                                           if isinstance(model.rate, str) else "")))
            continue
        linear = param != "drop_off"
        is_value = param in _VALUE_FIELDS
        limits = (0.0, np.inf) if is_value else (0.0, 1.0)
        interval = "[0, ∞)" if is_value else "[0, 1]"
        scopes = range(len(m)) if by_outcome else [None]
        for k in scopes:
            if k is None:
                if is_value:
                    def fun(x, param=param):
                        return (_evaluate(model, values={param: model.values[param] * x})[1]
                                - target)
                    how, base, base_note = "multiplier of each outcome's value", 1.0, ""
                else:
                    def fun(x, param=param):
                        return _evaluate(model, values={param: np.full(len(m), x)})[1] - target
                    how = "value for every outcome"
                    own = model.values[param]
                    same = bool(np.all(own == own[0]))
                    base = float(own[0]) if same else np.nan
                    base_note = "" if same else (
                        f"outcomes' own values range {own.min():g}–{own.max():g}")
                who = ("all", "all")
            else:
                def fun(x, param=param, k=k):
                    return _evaluate(model, **_set_one(model, param, k, x))[1] - target
                how, base, base_note = "value for this outcome", float(model.values[param][k]), ""
                who = _outcome_label(m, k)
            x, f_lo, f_hi = _solve(fun, *limits, linear, xtol)
            rows.append(_breakeven_row(param, *who, how, base, x, f_lo, f_hi, interval,
                                       target, base_note=base_note))
    out = pd.DataFrame(rows)
    out["reachable"] = out["reachable"].astype(bool)
    return out.astype({c: "str" for c in ("parameter", "stakeholder", "outcome", "applied_as",
                                          "note")})


def _check_target(target) -> float:
    ok = (isinstance(target, numbers.Real) and not isinstance(target, bool | np.bool_)
          and np.isfinite(target) and target > 0)
    if not ok:
        raise InvalidValueError(
            "target ratio out of range",
            expected="a positive SROI ratio, e.g. 1 for 1:1 or 2.3 for 2.3:1",
            found=[repr(target)],
        )
    return float(target)


def _ratio_label(target: float) -> str:
    return f"{target:g}:1"


def _breakeven_row(param, stakeholder, outcome, how, base, x, f_lo, f_hi, interval, target,
                   base_note=""):
    """One row of :func:`breakeven`; f_lo, f_hi are ratio − target at the interval's ends."""
    goal = _ratio_label(target)
    if x is not None:
        note = f"the ratio reaches {goal} at {param} = {x:.6g} ({how})"
    elif f_lo == f_hi:
        note = f"not reachable: the ratio does not depend on {param} here, so it cannot reach {goal}"
    elif min(f_lo, f_hi) > 0:
        note = (f"not reachable in {interval}: the ratio stays above {goal} "
                f"(lowest {target + min(f_lo, f_hi):.3g})")
    else:
        note = (f"not reachable in {interval}: the ratio stays below {goal} "
                f"(highest {target + max(f_lo, f_hi):.3g})")
    if base_note:
        note += f"; {base_note}"
    return dict(parameter=param, stakeholder=stakeholder, outcome=outcome, applied_as=how,
                target_ratio=target, base=base, breakeven=np.nan if x is None else float(x),
                reachable=x is not None, note=note)
