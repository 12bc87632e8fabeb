"""Probabilistic sensitivity: the distribution of the SROI ratio when inputs are uncertain.

:func:`sroi_monte_carlo` draws the uncertain inputs of an impact map (fixed, uniform,
triangular, truncated normal or beta distributions) and computes the SROI of every draw
exactly as :func:`wellbeing_lib.economics.sroi` does, vectorised over draws × outcomes ×
years. The result is an :class:`SROIMonteCarlo`.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import InvalidValueError
from ..validation import DEFAULT_CI, check_ci
from ._common import _check_flag
from ._model import (
    _GLOBAL_ONLY,
    SROI_FIRST_YEAR_DISCOUNTED,
    _build_model,
    _check_parameter,
    _evaluate,
    _horizon,
    _outcome_label,
    _pv_totals,
    _rows_for,
    _SroiModel,
    _year_factors,
)
from .costs import DEFAULT_INDEX
from .discounting import DEFAULT_SCHEDULE, _rate_name
from .impact_map import _FIELD_LIMITS, _MAP_NUMBERS, _VALUE_FIELDS

__all__ = ["MONTE_CARLO_PARAMETERS", "sroi_monte_carlo", "SROIMonteCarlo"]

#: parameters :func:`sroi_monte_carlo` can draw
MONTE_CARLO_PARAMETERS = (
    "quantity", "proxy_value", "deadweight", "displacement", "attribution", "drop_off",
    "discount_rate", "investment",
)
_DISTRIBUTIONS = {"fixed": (1,), "uniform": (2,), "triangular": (3,), "normal": (2, 4),
                  "beta": (2, 4)}
_PARAM_RANGE = {
    **{p: _FIELD_LIMITS[p] for p in _MAP_NUMBERS},
    "discount_rate": (0.0, 1.0),
    "investment": (0.0, np.inf),
}
#: draws × outcomes × years computed at once (memory bound of the vectorised Monte Carlo)
_MC_CELLS = 200_000  # ~1.6 MB per temporary: stays in cache


@dataclass(frozen=True)
class _Spec:
    kind: str
    args: tuple

    def text(self) -> str:
        return f"{self.kind}(" + ", ".join(f"{a:g}" for a in self.args) + ")"


def _parse_spec(spec, param: str, where: str) -> _Spec:
    """Validate a distribution spec: a number (fixed) or a tuple (kind, *args)."""
    low, high = _PARAM_RANGE[param]
    problem = f"distribution for {param} ({where}) not understood"
    expected = ("a number, or ('fixed', v), ('uniform', lo, hi), ('triangular', lo, mode, hi), "
                "('normal', mean, sd[, lo, hi]) or ('beta', a, b[, lo, hi])")
    if param == "discount_rate" and isinstance(spec, str):
        _rate_name(spec)
        return _Spec("schedule", (spec,))
    if isinstance(spec, numbers.Real) and not isinstance(spec, bool):
        spec = ("fixed", spec)
    if not isinstance(spec, tuple | list) or not spec or spec[0] not in _DISTRIBUTIONS:
        raise InvalidValueError(problem, column=param, expected=expected, found=[repr(spec)])
    kind, args = spec[0], tuple(spec[1:])
    if len(args) not in _DISTRIBUTIONS[kind] or not all(
        isinstance(a, numbers.Real) and not isinstance(a, bool) for a in args
    ):
        raise InvalidValueError(problem, column=param, expected=expected, found=[repr(spec)])
    args = tuple(float(a) for a in args)
    rng_text = f"values between {low:g} and {high:g} for {param}"

    def fail(why):
        raise InvalidValueError(
            f"distribution for {param} ({where}): {why}", column=param,
            expected=rng_text, found=[repr(spec)],
        )

    if kind in ("normal", "beta") and len(args) == 2:
        args = args + ((low, high) if kind == "normal" else (0.0, 1.0))
    finite = np.isfinite(args[:2] if kind == "normal" else args).all()
    if not finite:
        fail("parameters must be finite numbers")
    if kind == "fixed":
        support = (args[0], args[0])
    elif kind == "uniform":
        if not args[0] < args[1]:
            fail("low must be below high")
        support = args
    elif kind == "triangular":
        if not (args[0] <= args[1] <= args[2] and args[0] < args[2]):
            fail("expected low ≤ mode ≤ high with low < high")
        support = (args[0], args[2])
    elif kind == "normal":
        if not args[1] > 0:
            fail("the standard deviation must be positive")
        if not args[2] < args[3]:
            fail("the truncation bounds must have low below high")
        support = (args[2], args[3])
    else:  # beta
        if not (args[0] > 0 and args[1] > 0):
            fail("the shape parameters a and b must be positive")
        if not args[2] < args[3]:
            fail("the bounds must have low below high")
        support = (args[2], args[3])
    if support[0] < low or support[1] > high or (
        param == "discount_rate" and kind == "fixed" and support[1] >= 1
    ) or (param == "investment" and support[0] <= 0 and kind in ("fixed", "uniform", "triangular")):
        fail("the distribution goes outside the allowed range")
    return _Spec(kind, args)


def _draw(spec: _Spec, size: int, rng: np.random.Generator) -> np.ndarray:
    a = spec.args
    if spec.kind == "fixed":
        return np.full(size, a[0])
    if spec.kind == "uniform":
        return rng.uniform(a[0], a[1], size)
    if spec.kind == "triangular":
        return rng.triangular(a[0], a[1], a[2], size)
    if spec.kind == "beta":
        return a[2] + (a[3] - a[2]) * rng.beta(a[0], a[1], size)
    return _truncated_normal(*a, size, rng)


def _truncated_normal(mean, sd, lo, hi, size, rng):
    """Normal(mean, sd) truncated to [lo, hi], by inverting the normal CDF.

    z = Φ⁻¹(Φ(a) + U (Φ(b) − Φ(a))) with a, b the standardised bounds; an interval in the
    upper tail is mirrored into the lower tail first, where Φ keeps its precision. Bounds so
    far out that Φ(b) − Φ(a) underflows fall back to :data:`scipy.stats.truncnorm`.
    """
    from scipy.special import ndtr, ndtri

    a, b = (lo - mean) / sd, (hi - mean) / sd
    flip = a > 0
    if flip:
        a, b = -b, -a
    pa, pb = ndtr(a), ndtr(b)
    if not pb - pa > 1e-12:
        from scipy.stats import truncnorm

        z = truncnorm.rvs(a, b, size=size, random_state=rng)
    else:
        z = np.clip(ndtri(pa + rng.random(size) * (pb - pa)), a, b)
    return mean + sd * (-z if flip else z)



@dataclass(frozen=True, eq=False, repr=False)
class SROIMonteCarlo:
    """Result of :func:`sroi_monte_carlo`.

    Attributes
    ----------
    ratios, present_values : ndarray
        The SROI ratio and total present value of each draw.
    summary : DataFrame
        One row per measure (``sroi_ratio``, ``present_value``, ``net_present_value``):
        ``mean``, ``sd``, ``median``, ``ci_low``, ``ci_high`` (percentile interval). Also
        :meth:`to_frame`.
    ci_low, ci_high : float
        Percentile interval of the ratio (2.5th and 97.5th percentiles for ``ci=0.95``).
    prob_above_1 : float
        Share of draws with a ratio above 1 (strictly).
    base_ratio : float
        The deterministic ratio (:func:`sroi` with the impact map as given).
    distributions : DataFrame
        What was drawn: ``parameter``, ``stakeholder``, ``outcome`` (``"all"`` for one draw
        shared by every outcome), ``distribution``.
    draws : dict or None
        With ``keep_draws=True``: ``{parameter: array}`` of the values drawn — (n, outcomes)
        for the impact-map parameters, (n,) for ``discount_rate`` and ``investment``.
    n, ci, random_state : settings used (``ci`` is the level of the percentile interval).
    settings : dict
        ``discount_rate``, ``first_year_discounted``, ``price_year``, ``investment``.
    """

    ratios: np.ndarray
    present_values: np.ndarray
    summary: pd.DataFrame
    ci_low: float
    ci_high: float
    prob_above_1: float
    base_ratio: float
    distributions: pd.DataFrame
    draws: dict | None
    n: int
    ci: float
    random_state: object = 0
    settings: dict = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """The summary per measure (:attr:`summary`)."""
        return self.summary

    def __repr__(self) -> str:
        level = 100 * self.ci
        return (
            f"SROIMonteCarlo(n={self.n:,}, median ratio {np.median(self.ratios):.2f}, "
            f"{level:g}% interval {self.ci_low:.2f} to {self.ci_high:.2f}, "
            f"P(ratio > 1) = {self.prob_above_1:.3f}, deterministic ratio {self.base_ratio:.2f})"
        )


def _plan(distributions: Mapping, m: pd.DataFrame) -> list:
    """(parameter, row index or None, spec) for every draw, all parsed before any drawing."""
    for name in distributions:
        _check_parameter(name, MONTE_CARLO_PARAMETERS)
    plan = []
    for param in MONTE_CARLO_PARAMETERS:
        if param not in distributions:
            continue
        given = distributions[param]
        if isinstance(given, Mapping):
            if param in _GLOBAL_ONLY:
                raise InvalidValueError(
                    f"{param} applies to the whole analysis: give one distribution, not one per "
                    "outcome", column=param, found=[repr(given)],
                )
            chosen = np.zeros(len(m), dtype=bool)
            for key, spec in given.items():
                mask = _rows_for(m, key)
                for k in np.nonzero(mask)[0]:
                    if chosen[k]:
                        raise InvalidValueError(
                            f"two distributions for the same outcome of {param}", column=param,
                            found=[key],
                        )
                    chosen[k] = True
                    plan.append((param, int(k), _parse_spec(spec, param, f"outcome {key!r}")))
        else:
            if param in _VALUE_FIELDS:
                raise InvalidValueError(
                    f"{param} differs between outcomes: give one distribution per outcome",
                    column=param,
                    expected="{'" + param + "': {outcome: spec, ...}}", found=[repr(given)],
                )
            plan.append((param, None, _parse_spec(given, param, "all outcomes")))
    return plan


@dataclass(frozen=True, eq=False)
class _Draws:
    """The inputs of every draw: impact-map arrays ((n|1, K) each), the rate and investment."""

    arrays: dict
    rate: str | float
    rate_draws: np.ndarray | None
    investment_draws: np.ndarray | None
    described: list
    kept: dict


def _draw_inputs(model: _SroiModel, plan: list, n: int, rng: np.random.Generator) -> _Draws:
    """Draw, in a fixed order, all at once (so results do not depend on block size)."""
    m = model.map
    arrays = {p: np.broadcast_to(model.values[p], (1, len(m))) for p in _MAP_NUMBERS}
    rate_draws = investment_draws = None
    rate = model.rate
    described = []
    kept = {}
    for param, k, spec in plan:
        who = ("all", "all") if k is None else _outcome_label(m, k)
        described.append((param, *who, spec.text() if spec.kind != "schedule"
                          else f"schedule '{spec.args[0]}'"))
        if param == "discount_rate":
            if spec.kind == "schedule":
                rate = spec.args[0]
            elif spec.kind == "fixed":
                rate = _rate_name(spec.args[0])
            else:
                rate_draws = _draw(spec, n, rng)
                kept[param] = rate_draws
            continue
        values = _draw(spec, n, rng)
        if param == "investment":
            investment_draws = values
            kept[param] = values
            continue
        if arrays[param].shape[0] == 1:
            arrays[param] = np.repeat(arrays[param], n, axis=0)
        if k is None:
            arrays[param][:, :] = values[:, np.newaxis]
        else:
            arrays[param][:, k] = values
        kept[param] = arrays[param]
    return _Draws(arrays, rate, rate_draws, investment_draws, described, kept)


def _present_values(model: _SroiModel, draws: _Draws, n: int) -> np.ndarray:
    """Total present value of each draw, evaluated in blocks of draws."""
    horizon = _horizon(model.start, model.duration)
    periods = np.arange(1, horizon + 1) - (0 if model.first_year_discounted else 1)
    fixed_factors = None if draws.rate_draws is not None else _year_factors(
        horizon, draws.rate, model.first_year_discounted)[np.newaxis, :]
    totals = np.zeros(n)
    block = max(1, _MC_CELLS // max(1, len(model.map) * horizon))
    if horizon:
        for lo in range(0, n, block):
            hi = min(n, lo + block)
            part = [a[lo:hi] if a.shape[0] > 1 else a
                    for a in (draws.arrays[p] for p in _MAP_NUMBERS)]
            if draws.rate_draws is None:
                factors = fixed_factors
            else:
                factors = 1.0 / (1.0 + draws.rate_draws[lo:hi, np.newaxis]) ** periods
            totals[lo:hi] = _pv_totals(*part, model.start, model.duration, factors)
    return totals


def _summary(ratios: np.ndarray, totals: np.ndarray, inv, alpha: float) -> pd.DataFrame:
    """Mean, sd, median and percentile interval of the ratio, present value and NPV."""
    n = len(ratios)
    q = [alpha / 2, 1 - alpha / 2]
    rows = []
    for measure, x in (("sroi_ratio", ratios), ("present_value", totals),
                       ("net_present_value", totals - inv)):
        lo_, hi_ = np.quantile(x, q)
        rows.append({"measure": measure, "mean": float(x.mean()), "sd": float(x.std(ddof=1))
                     if n > 1 else 0.0, "median": float(np.median(x)), "ci_low": float(lo_),
                     "ci_high": float(hi_)})
    return pd.DataFrame(rows).astype({"measure": "str"})


def sroi_monte_carlo(
    impact_map: pd.DataFrame,
    investment,
    distributions: Mapping,
    *,
    n: int = 10_000,
    random_state=0,
    ci: float = DEFAULT_CI,
    discount_rate=DEFAULT_SCHEDULE,
    first_year_discounted: bool = SROI_FIRST_YEAR_DISCOUNTED,
    price_year=None,
    index=DEFAULT_INDEX,
    keep_draws: bool = False,
) -> SROIMonteCarlo:
    """Probabilistic sensitivity: the distribution of the SROI ratio when inputs are uncertain.

    Each draw sets the uncertain inputs to random values and computes the SROI exactly as
    :func:`sroi` does; the computation is vectorised over draws × outcomes × years (in
    blocks of draws to bound memory), with no Python loop per draw.

    Parameters
    ----------
    impact_map, investment
        As :func:`sroi`; parameters without a distribution keep their map value.
    distributions : dict
        ``{parameter: spec}`` — one draw per simulation shared by every outcome (fractions),
        or the whole analysis (``discount_rate``: a flat rate; ``investment``: the total) —
        or ``{parameter: {outcome: spec}}`` — one independent draw per named outcome
        (``quantity`` and ``proxy_value`` must be given per outcome). Parameters:
        ``quantity``, ``proxy_value``, ``deadweight``, ``displacement``, ``attribution``,
        ``drop_off``, ``discount_rate``, ``investment``. A spec is a number (fixed) or

        * ``("fixed", value)``
        * ``("uniform", low, high)``
        * ``("triangular", low, mode, high)``
        * ``("normal", mean, sd)`` truncated to the parameter's range (fractions [0, 1],
          quantity ≥ 0 …) or ``("normal", mean, sd, low, high)`` truncated to [low, high]
        * ``("beta", a, b)`` on [0, 1], or ``("beta", a, b, low, high)`` rescaled.
    n : int, default 10_000
        Number of draws.
    random_state : int, numpy Generator or None, default 0
        Seed, fixed by default so that a repeated call gives the same draws (parameters are
        drawn in the order of ``MONTE_CARLO_PARAMETERS``, then of the impact map's rows);
        ``None`` draws fresh randomness.
    ci : float, default 0.95
        Level of the percentile interval: (α/2, 1 − α/2) with α = 1 − ci.
    keep_draws : bool, default False
        Keep the drawn inputs in ``result.draws``.
    Other parameters
        As :func:`sroi`.

    Returns
    -------
    SROIMonteCarlo
        Ratios of every draw, summary table (also ``to_frame()``), percentile interval and
        P(ratio > 1).
        With every parameter fixed at its map value the ratios equal :func:`sroi`'s
        exactly.

    Example
    -------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"stakeholder": ["NHS"], "outcome": ["Fewer GP visits"],
    ...     "indicator": ["visits"], "quantity": [100], "proxy_value": [45.0],
    ...     "proxy_source": ["PSSRU 2013"], "proxy_price_year": ["2012/13"], "duration": [2],
    ...     "deadweight": [0.1], "displacement": [0.05], "attribution": [0.1],
    ...     "drop_off": [0.5]})
    >>> mc = sroi_monte_carlo(m, 4000, {"deadweight": ("uniform", 0.0, 0.4),
    ...                                 "drop_off": ("triangular", 0.3, 0.5, 0.8)},
    ...                       n=20_000, random_state=1, discount_rate=0.035)
    >>> round(mc.base_ratio, 2), round(mc.prob_above_1, 2)
    (1.24, 0.64)
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise InvalidValueError("n must be a whole number of at least 1", found=[n])
    alpha = check_ci(ci)
    if not isinstance(distributions, Mapping):
        raise InvalidValueError(
            "distributions not understood", expected="a dict {parameter: spec}",
            found=[type(distributions).__name__],
        )
    keep_draws = _check_flag(keep_draws, "keep_draws")
    model = _build_model(impact_map, investment, discount_rate, first_year_discounted,
                         price_year, index)
    n = int(n)
    plan = _plan(distributions, model.map)
    draws = _draw_inputs(model, plan, n, np.random.default_rng(random_state))
    totals = _present_values(model, draws, n)
    inv = model.investment if draws.investment_draws is None else draws.investment_draws
    ratios = totals / inv
    _, base_ratio = _evaluate(model)
    summary = _summary(ratios, totals, inv, alpha)
    dist_table = pd.DataFrame(
        draws.described, columns=["parameter", "stakeholder", "outcome", "distribution"]
    ).astype("str")
    return SROIMonteCarlo(
        ratios=ratios,
        present_values=totals,
        summary=summary,
        ci_low=float(summary.loc[0, "ci_low"]),
        ci_high=float(summary.loc[0, "ci_high"]),
        prob_above_1=float(np.mean(ratios > 1)),
        base_ratio=base_ratio,
        distributions=dist_table,
        draws=draws.kept if keep_draws else None,
        n=n,
        ci=float(ci),
        random_state=random_state,
        settings={"discount_rate": model.rate, "first_year_discounted": model.first_year_discounted,
                  "price_year": model.price_year, "investment": model.investment},
    )
