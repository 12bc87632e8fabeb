"""The SROI model shared by :func:`sroi`, the sensitivity functions and the Monte Carlo.

A validated impact map and its settings as arrays (:class:`_SroiModel`), the investment,
and the vectorised present-value kernels. Private: the public faces are in ``sroi``,
``sensitivity`` and ``monte_carlo``.
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import InvalidValueError
from ..validation import check_allowed, check_numeric, error_location, require_columns, source_of
from ._common import _check_flag, _year_label
from .costs import restate_costs
from .discounting import _rate_name, _schedule_bands, discount_factors, discount_rates
from .impact_map import _MAP_NUMBERS, validate_impact_map

#: the SROI default for whether year 1 is discounted (see :func:`sroi`)
SROI_FIRST_YEAR_DISCOUNTED = True

# ------------------------------------------------------------------ SROI: investment
INVESTMENT_TYPES = ("cash", "in_kind")


def _investment(investment) -> tuple[float, pd.DataFrame]:
    """Total value of inputs and a tidy table of them (stakeholder, input, type, value)."""
    if isinstance(investment, pd.DataFrame):
        require_columns(investment, ["stakeholder", "value"], what="investment table")
        if len(investment) == 0:
            raise InvalidValueError(
                "investment table has no rows", file=source_of(investment),
                expected="one row per input (stakeholder, value)",
            )
        values = check_numeric(investment, ["value"], low=0, allow_missing=False)["value"]
        infinite = ~np.isfinite(values)
        if infinite.any():
            labels = list(investment.index[infinite])
            raise InvalidValueError(
                "investment value is not finite", column="value", expected="a finite amount in £",
                found=list(values[infinite]), **error_location(investment, labels),
            )
        if "type" in investment.columns:
            check_allowed(investment, "type", INVESTMENT_TYPES, allow_missing=False)
        table = pd.DataFrame(
            {
                "stakeholder": investment["stakeholder"].astype(str).to_numpy(),
                "input": (
                    investment["input"].astype(str).to_numpy()
                    if "input" in investment.columns
                    else np.full(len(investment), "not described", dtype=object)
                ),
                "type": (
                    investment["type"].astype(str).to_numpy()
                    if "type" in investment.columns
                    else np.full(len(investment), "cash", dtype=object)
                ),
                "value": values.to_numpy(),
            }
        ).astype({"stakeholder": "str", "input": "str", "type": "str"})
        total = float(table["value"].sum())
    elif isinstance(investment, numbers.Real) and not isinstance(investment, bool):
        total = float(investment)
        if not np.isfinite(total):
            total = -1.0
        table = pd.DataFrame(
            {"stakeholder": ["all"], "input": ["total investment"], "type": ["cash"],
             "value": [float(investment)]}
        ).astype({"stakeholder": "str", "input": "str", "type": "str"})
    else:
        raise InvalidValueError(
            "investment not understood",
            expected="a positive amount in £, or a table with columns stakeholder and value "
            "(optional: input, type = cash or in_kind)",
            found=[type(investment).__name__],
        )
    if not total > 0:
        raise InvalidValueError(
            "total investment must be more than £0 (the SROI ratio divides by it)",
            column="value" if isinstance(investment, pd.DataFrame) else None,
            expected="a positive, finite total value of inputs",
            found=[investment if not isinstance(investment, pd.DataFrame) else total],
        )
    return total, table


# ------------------------------------------------------------------ SROI: the model
@dataclass(frozen=True, eq=False)
class _SroiModel:
    """A validated impact map and settings, as arrays (one entry per row of the map)."""

    map: pd.DataFrame
    values: dict  # quantity, proxy_value, deadweight, displacement, attribution, drop_off
    start: np.ndarray
    duration: np.ndarray
    rate: str | float
    first_year_discounted: bool
    investment: float
    investment_table: pd.DataFrame
    price_year: str | None
    notes: list


def _build_model(impact_map, investment, discount_rate, first_year_discounted, price_year, index):
    m = validate_impact_map(impact_map)
    rate = _rate_name(discount_rate)
    fyd = _check_flag(first_year_discounted, "first_year_discounted")
    total, inv_table = _investment(investment)
    notes = []
    years = list(dict.fromkeys(m["proxy_price_year"]))
    m["proxy_value_as_given"] = m["proxy_value"]
    if price_year is not None:
        target = _year_label(price_year)
        move = (m["proxy_price_year"] != target).to_numpy()
        if move.any():
            restated = restate_costs(
                m.loc[move, "proxy_value"].to_numpy(), m.loc[move, "proxy_price_year"].to_numpy(),
                target, index=index,
            )
            m.loc[move, "proxy_value"] = restated
            notes.append(
                f"Proxy values restated to {target} prices with "
                f"{index if isinstance(index, str) else 'the index supplied'}."
            )
    else:
        target = years[0] if len(years) == 1 else None
        if len(years) > 1:
            message = (
                "proxy values are in different price years (" + ", ".join(years) + "); pass "
                "price_year= to restate them to one price year before adding them up"
            )
            warnings.warn(message, UserWarning, stacklevel=3)
            notes.append("Proxy values are in different price years (" + ", ".join(years)
                         + ") and were not restated.")
    values = {col: m[col].to_numpy(dtype=float) for col in _MAP_NUMBERS}
    start = m["start_year"].to_numpy(dtype=np.int64)
    duration = m["duration"].to_numpy(dtype=np.int64)
    return _SroiModel(m, values, start, duration, rate, fyd, total, inv_table, target, notes)


def _horizon(start: np.ndarray, duration: np.ndarray) -> int:
    """Last calendar year with an outcome (0 when every duration is 0)."""
    live = duration > 0
    return int((start[live] + duration[live] - 1).max()) if live.any() else 0


def _year_factors(horizon: int, rate, first_year_discounted: bool, multiplier: float = 1.0):
    """Discount factors of years 1..horizon; ``multiplier`` scales every rate (sensitivity)."""
    years = np.arange(1, horizon + 1)
    if multiplier == 1.0:
        return np.asarray(discount_factors(years, rate, first_year_discounted=first_year_discounted),
                          dtype=float).reshape(horizon)
    periods = years - (0 if first_year_discounted else 1)
    if not isinstance(rate, str):
        scaled = rate * multiplier
        if not 0 <= scaled < 1:
            raise InvalidValueError(
                "discount rate out of range after scaling", expected="a rate between 0 and 1",
                found=[scaled],
            )
        return 1.0 / (1.0 + scaled) ** periods
    first, last, r = _schedule_bands(rate)
    top = int(periods.max()) if horizon else 0
    if top > last[-1]:
        raise InvalidValueError(
            f"discounting horizon beyond the published '{rate}' schedule",
            expected=f"at most {last[-1]:g} years of discounting", found=[top],
        )
    s = np.arange(1, top + 1)
    band = np.searchsorted(last, s, side="left")
    per_period = r[band] * multiplier
    growth = np.concatenate([[1.0], np.cumprod(1.0 + per_period)])
    return 1.0 / growth[periods]


def _active(start: np.ndarray, duration: np.ndarray, horizon: int):
    """(outcome live in year t, year t is after the outcome's first year), each (K, T)."""
    t = np.arange(1, horizon + 1)
    s = start[:, np.newaxis]
    return (t >= s) & (t < s + duration[:, np.newaxis]), t > s


def _pv_matrix(q, p, dw, dp, at, do, start, duration, factors):
    """Impact (K,), impact after drop-off and present value (K, T) of one set of inputs.

    Used for the per outcome × year table; the totals come from :func:`_pv_totals`.
    Drop-off is applied by repeated multiplication: impact_t = impact_{t−1} × (1 − drop-off).
    """
    horizon = factors.shape[-1]
    impact = q * p * (1.0 - dw) * (1.0 - dp) * (1.0 - at)
    live, later = _active(start, duration, horizon)
    retention = np.cumprod(np.where(later, (1.0 - do)[:, np.newaxis], 1.0), axis=-1)
    after = np.where(live, impact[:, np.newaxis] * retention, 0.0)
    return impact, after, after * factors


def _pv_totals(q, p, dw, dp, at, do, start, duration, factors):
    """Total present value of each draw, vectorised over years × draws × outcomes.

    ``q`` … ``do`` are (n, K) arrays (n draws of K outcomes; n may be 1 and broadcast);
    ``factors`` (discount factors of years 1..T) is (n, T) or (1, T). With
    r_{k,t} = ∏ (1 − drop-off_k) over the outcome's years after its first (the retention),

    .. math:: PV = \\sum_k \\text{impact}_k \\sum_t \\text{live}_{k,t}\\, r_{k,t}\\, D_t

    Arrays are laid out years-first, (T, n, K), so the running products and sums over
    years work on whole slabs of draws × outcomes. Products and sums are sequential
    (cumprod, cumsum), so the same inputs give bit-identical totals however many draws are
    computed together — which is why :func:`sroi` and :func:`sroi_monte_carlo` agree exactly.
    """
    horizon = factors.shape[-1]
    impact = q * p * (1.0 - dw) * (1.0 - dp) * (1.0 - at)
    if horizon == 0:
        return np.zeros(impact.shape[0])
    live, later = _active(start, duration, horizon)
    step = np.where(later.T[:, np.newaxis, :], (1.0 - do)[np.newaxis], 1.0)  # (T, n|1, K)
    retention = np.cumprod(step, axis=0)
    live_discounted = live.T[:, np.newaxis, :] * factors.T[:, :, np.newaxis]  # (T, n|1, K)
    weight = np.cumsum(retention * live_discounted, axis=0)[-1]  # (n|1, K)
    by_outcome = impact * weight
    if by_outcome.shape[-1] == 0:
        return np.zeros(by_outcome.shape[0])
    return np.cumsum(by_outcome, axis=-1)[..., -1]


def _yearly_cumulative(matrix: np.ndarray) -> np.ndarray:
    """(T,) cumulative sums over years of a (K, T) matrix summed over outcomes."""
    return np.cumsum(matrix.sum(axis=0)) if matrix.shape[-1] else np.zeros(0)


def _model_arrays(model: _SroiModel, values: Mapping | None = None):
    vals = {**model.values, **(values or {})}
    return [np.atleast_2d(np.asarray(vals[c], dtype=float)) for c in _MAP_NUMBERS]


def _evaluate(model: _SroiModel, *, values=None, duration=None, rate=None, multiplier=1.0,
              investment=None) -> tuple[float, float]:
    """Total present value and SROI ratio of the model with some inputs changed."""
    dur = model.duration if duration is None else np.asarray(duration, dtype=np.int64)
    horizon = _horizon(model.start, dur)
    factors = _year_factors(horizon, model.rate if rate is None else rate,
                            model.first_year_discounted, multiplier)
    total = float(_pv_totals(*_model_arrays(model, values), model.start, dur,
                             factors[np.newaxis, :])[0])
    inv = model.investment if investment is None else float(investment)
    return total, total / inv


def _payback(cumulative: np.ndarray, investment: float) -> float:
    """Years (from the start of year 1) until cumulative value first covers the investment.

    Linear interpolation within the year in which it is covered; ``inf`` if never.
    """
    reached = np.nonzero(cumulative >= investment)[0]
    if len(reached) == 0:
        return float("inf")
    t = int(reached[0])
    before = 0.0 if t == 0 else float(cumulative[t - 1])
    gain = float(cumulative[t]) - before
    return float(t + (investment - before) / gain) if gain > 0 else float(t)


def _rate_text(rate) -> str:
    if isinstance(rate, str):
        table = discount_rates()
        bands = table[table["schedule"] == rate].sort_values("from_year")
        parts = []
        for row in bands.head(2).itertuples():
            upper = "" if pd.isna(row.to_year) else f"–{int(row.to_year)}"
            parts.append(f"{row.rate * 100:g}% years {int(row.from_year)}{upper}")
        return f"'{rate}' schedule ({', '.join(parts)}, …)"
    return f"flat {rate * 100:g}% a year"


# ------------------------------------------------------------------ SROI: naming outcomes
#: parameters that apply to the whole analysis, never to one outcome
_GLOBAL_ONLY = ("discount_rate", "investment")


def _check_parameter(name, allowed) -> str:
    if name not in allowed:
        raise InvalidValueError(
            "unknown parameter", expected="one of " + ", ".join(allowed), found=[name]
        )
    return name


def _outcome_label(m: pd.DataFrame, k: int) -> tuple[str, str]:
    return str(m["stakeholder"].iloc[k]), str(m["outcome"].iloc[k])


def _rows_for(m: pd.DataFrame, key) -> np.ndarray:
    """Boolean mask of the impact-map rows an override key names (outcome or (stakeholder, outcome))."""
    if isinstance(key, tuple) and len(key) == 2:
        mask = ((m["stakeholder"] == str(key[0])) & (m["outcome"] == str(key[1]))).to_numpy()
    else:
        mask = (m["outcome"] == str(key)).to_numpy()
    if not mask.any():
        known = list(dict.fromkeys(m["outcome"]))
        raise InvalidValueError(
            "override names an outcome that is not in the impact map",
            column="outcome",
            expected="an outcome name (or a (stakeholder, outcome) pair): " + ", ".join(known),
            found=[key],
        )
    return mask
