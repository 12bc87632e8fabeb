"""Who the programme reaches: referral rates, funnel plots, and referrals against the population.

* :func:`poisson_ci` — rates with exact Poisson intervals (Garwood 1936, *Biometrika*
  28:437-442): for a count O, the interval is χ²(α/2; 2O)/2 to χ²(1 − α/2; 2O + 2)/2,
  divided by the exposure (0 below for O = 0);
* :func:`referral_rates` — referrals per 1,000 registered patients (per year of the programme
  when ``years`` is given) for each practice, with those intervals;
* :func:`funnel` — a funnel plot's limits around a target rate or proportion (Spiegelhalter
  2005, *Statistics in Medicine* 24:1185-1202): exact Poisson or binomial quantiles of the
  expected count at each exposure, interpolated between integers as in the paper's
  appendix, at 95% and 99.8%; or, when the units vary more than chance allows, limits
  inflated for overdispersion — *multiplicative* (φ, estimated from winsorised z-scores) or
  *additive random effects* (τ², DerSimonian-Laird style);
* :func:`representation` — who is referred against who is registered: each category's share
  of referrals ÷ its share of the registered population, with an exact (Clopper-Pearson)
  interval for the share of referrals (the registered counts are a census, taken as known),
  and the referral rate per 1,000 with Garwood's interval;
* :func:`self_referral_profile` — how likely each group is to refer themselves: % of referrals
  that were self-referrals by category (Wilson intervals), and the profile of self-referred
  against other clients (difference in percentage points, Newcombe's hybrid score interval)
  with a χ² test per characteristic.

Example
-------
>>> poisson_ci([0, 10], [1000, 1000], multiplier=1000).round(3)
   count  exposure  rate  ci_low  ci_high
0      0      1000   0.0   0.000    3.689
1     10      1000  10.0   4.795   18.390
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import InvalidValueError
from ..validation import (
    DEFAULT_CI,
    as_columns,
    check_choice,
    check_ci,
    check_numeric,
    require_columns,
    rows_where,
)

__all__ = [
    "FUNNEL_LEVELS",
    "OVERDISPERSION",
    "poisson_ci",
    "referral_rates",
    "exact_funnel_limits",
    "Funnel",
    "funnel",
    "representation",
    "self_referral_profile",
]

#: the two funnel limits of Spiegelhalter (2005): about 2 and 3 standard deviations
FUNNEL_LEVELS = (0.95, 0.998)
#: ways of allowing for overdispersion in :func:`funnel`
OVERDISPERSION = (None, "multiplicative", "additive")


def _garwood(count: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    from scipy.stats import chi2

    low = np.where(count > 0, chi2.ppf(alpha / 2, 2 * np.maximum(count, 1)) / 2, 0.0)
    high = chi2.ppf(1 - alpha / 2, 2 * count + 2) / 2
    return low, high


def poisson_ci(count, exposure=1.0, *, ci: float = DEFAULT_CI,
               multiplier: float = 1.0) -> pd.DataFrame:
    """Rates count / exposure × multiplier with Garwood's exact Poisson interval.

    Parameters
    ----------
    count : int or array-like
        Events (whole numbers of 0 or more).
    exposure : float or array-like, default 1
        Patients, person-years (> 0); broadcast against ``count``.
    ci : float, default 0.95
    multiplier : float, default 1
        ``1000`` gives rates per 1,000.

    Returns
    -------
    DataFrame
        ``count, exposure, rate, ci_low, ci_high``.

    Example
    -------
    >>> poisson_ci(5).round(4)  # 5 events: 1.6235 to 11.6683 (Garwood)
       count  exposure  rate  ci_low  ci_high
    0      5         1   5.0  1.6235  11.6683
    """
    alpha = check_ci(ci)
    count, exposure = (np.atleast_1d(np.asarray(v, dtype=float)) for v in (count, exposure))
    count, exposure = np.broadcast_arrays(count, exposure)
    if np.isnan(count).any() or (count < 0).any() or (count % 1 != 0).any():
        raise InvalidValueError("count must be a whole number of 0 or more", column="count",
                                found=list(count[np.isnan(count) | (count < 0)
                                                 | (count % 1 != 0)]))
    if np.isnan(exposure).any() or (exposure <= 0).any():
        raise InvalidValueError("exposure must be positive", column="exposure",
                                found=list(exposure[np.isnan(exposure) | (exposure <= 0)]))
    low, high = _garwood(count, alpha)
    scale = multiplier / exposure
    out = pd.DataFrame({"count": count.astype(np.int64), "exposure": exposure,
                        "rate": count * scale, "ci_low": low * scale, "ci_high": high * scale})
    if np.all(exposure % 1 == 0):
        out["exposure"] = out["exposure"].astype(np.int64)
    return out


def referral_rates(referrals: pd.DataFrame, population: pd.DataFrame, *,
                   practice: str = "practice", registered: str = "registered",
                   years: str | float | None = None, multiplier: float = 1000.0,
                   ci: float = DEFAULT_CI) -> pd.DataFrame:
    """Referrals per 1,000 registered patients (per year) by practice, Garwood intervals.

    Parameters
    ----------
    referrals : DataFrame
        One row per referral, with a ``practice`` column.
    population : DataFrame
        One row per practice: ``practice`` and the ``registered`` count.  Every practice of
        the referrals must be in it; a practice with no referrals gets a rate of 0.
    years : str or float, optional
        Years each practice was in the programme: a column of ``population``, or one number
        for all; the exposure is then registered × years (person-years) and the rate is per
        1,000 per year.
    multiplier : float, default 1000
    ci : float, default 0.95

    Returns
    -------
    DataFrame
        ``practice, referrals, registered, [years,] exposure, rate, ci_low, ci_high``.

    Example
    -------
    >>> import pandas as pd
    >>> refs = pd.DataFrame({"practice": ["A"] * 30 + ["B"] * 5})
    >>> pop = pd.DataFrame({"practice": ["A", "B", "C"], "registered": [10000, 4000, 3000]})
    >>> referral_rates(refs, pop).round(2)
      practice  referrals  registered  exposure  rate  ci_low  ci_high
    0        A         30       10000     10000  3.00    2.02     4.28
    1        B          5        4000      4000  1.25    0.41     2.92
    2        C          0        3000      3000  0.00    0.00     1.23
    """
    require_columns(referrals, [practice])
    require_columns(population, [practice, registered])
    pop = population[[practice]].copy()
    pop[registered] = check_numeric(population, [registered], low=0, allow_missing=False)[
        registered]
    repeated = pop[practice].duplicated(keep=False).to_numpy()
    if repeated.any():
        raise InvalidValueError("practice listed more than once in the population",
                                column=practice, found=list(pop.loc[repeated, practice]),
                                **rows_where(population, repeated))
    counts = referrals[practice].value_counts()
    unknown = sorted(set(counts.index) - set(pop[practice]))
    if unknown:
        mask = referrals[practice].isin(unknown).to_numpy()
        raise InvalidValueError("referral from a practice with no registered population",
                                column=practice, found=unknown,
                                expected="a practice listed in the population table",
                                **rows_where(referrals, mask))
    table = pd.DataFrame({practice: pop[practice].to_numpy(),
                          "referrals": pop[practice].map(counts).fillna(0).astype("int64")
                          .to_numpy(), "registered": pop[registered].to_numpy()})
    if (table["registered"] % 1 == 0).all():
        table["registered"] = table["registered"].astype("int64")
    exposure = table["registered"].to_numpy(float)
    if years is not None:
        yrs = (check_numeric(population, [years], low=0, allow_missing=False)[years].to_numpy()
               if isinstance(years, str) else np.full(len(table), float(years)))
        table["years"] = yrs
        exposure = exposure * yrs
    rates = poisson_ci(table["referrals"], exposure, ci=ci, multiplier=multiplier)
    table["exposure"] = rates["exposure"].to_numpy()
    for col in ("rate", "ci_low", "ci_high"):
        table[col] = rates[col].to_numpy()
    return table


# ------------------------------------------------------------------ funnel plots
def exact_funnel_limits(exposure, *, target: float, kind: str = "poisson",
                        level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Exact funnel limits (lower, upper) on the rate/proportion scale at each exposure.

    For an exposure n (patients for a proportion; person-time for a rate) and target θ, the
    count Y is Binomial(n, θ) or Poisson(nθ).  For p = (1 − level)/2 and 1 − p, r_p is the
    smallest whole number with P(Y ≤ r_p) ≥ p; the limit is (r_p − a)/n with
    a = [P(Y ≤ r_p) − p] / [P(Y ≤ r_p) − P(Y ≤ r_p − 1)], which interpolates between whole
    counts so the funnel is smooth (Spiegelhalter 2005, appendix A.1.1).

    Example
    -------
    >>> low, high = exact_funnel_limits([1000], target=0.01, level=0.95)
    >>> [round(float(low[0]), 6), round(float(high[0]), 6)]
    [0.003775, 0.01616]
    """
    from scipy.stats import binom, poisson

    check_choice(kind, ("poisson", "binomial"), name="kind")
    n = np.atleast_1d(np.asarray(exposure, dtype=float))
    if kind == "binomial":
        dist = binom(np.round(n).astype(np.int64), target)
    else:
        dist = poisson(n * target)
    out = []
    for p in ((1 - level) / 2, 1 - (1 - level) / 2):
        r = dist.ppf(p)  # smallest r with P(Y <= r) >= p
        at = dist.cdf(r)
        below = dist.cdf(r - 1)
        with np.errstate(invalid="ignore", divide="ignore"):
            a = np.where(at > below, (at - p) / (at - below), 0.0)
        out.append(np.clip((r - a) / n, 0.0, 1.0 if kind == "binomial" else np.inf))
    return out[0], out[1]


@dataclass(frozen=True)
class Funnel:
    """A funnel plot: the units against limits around a target.

    Attributes
    ----------
    units : DataFrame
        One row per unit: ``unit`` column, ``count``, ``exposure``, ``value`` (rate ×
        multiplier or %), ``z`` (standardised against the target), the limits at the unit's
        exposure (``low_95``, ``high_95``, ``low_998``, ``high_998``) and ``position``:
        ``above 99.8%``, ``above 95%``, ``within``, ``below 95%``, ``below 99.8%``.
    curve : DataFrame
        The limits over a grid of exposures, for drawing: ``exposure, low_95, high_95,
        low_998, high_998``.
    target : float
        The centre line (on the display scale).
    kind : str
        ``"poisson"`` or ``"binomial"``.
    overdispersion : str or None
        The adjustment applied (None when the data showed no overdispersion or none was
        asked for).
    phi : float
        The winsorised dispersion estimate (1 = as much spread as chance allows).
    tau2 : float
        The additive between-unit variance (0 unless ``overdispersion="additive"``).
    multiplier : float
        The display scale (1000 = per 1,000; 100 = percent).
    unit : str
        The unit column.
    """

    units: pd.DataFrame
    curve: pd.DataFrame
    target: float
    kind: str
    overdispersion: str | None
    phi: float
    tau2: float
    multiplier: float
    unit: str

    def to_frame(self) -> pd.DataFrame:
        """The units table."""
        return self.units


def _dispersion(z: np.ndarray, winsorize: float) -> float:
    """Spiegelhalter's winsorised φ: the mean squared z-score after pulling in the tails."""
    low, high = np.quantile(z, [winsorize, 1 - winsorize])
    return float(np.mean(np.clip(z, low, high) ** 2))


def _normal_limits(exposure, target, variance, level, phi, tau2):
    from scipy.stats import norm

    z = norm.ppf(1 - (1 - level) / 2)
    s2 = variance / exposure
    spread = z * np.sqrt(phi * s2 + tau2)
    return target - spread, target + spread


def funnel(data: pd.DataFrame, *, count: str, exposure: str, unit: str, kind: str = "poisson",
           target: float | None = None, multiplier: float | None = None,
           levels: Sequence[float] = FUNNEL_LEVELS, overdispersion: str | None = None,
           winsorize: float = 0.1, grid: int = 200) -> Funnel:
    """A funnel plot of rates (Poisson) or proportions (binomial) around a target.

    Parameters
    ----------
    data : DataFrame
        One row per unit (practice): ``count`` events and ``exposure`` (registered patients
        or person-years for rates; the denominator for proportions).
    unit : str
        The unit's name column.
    kind : {"poisson", "binomial"}, default "poisson"
    target : float, optional
        The centre on the rate/proportion scale (events per unit of exposure); default the
        pooled Σ count / Σ exposure.
    multiplier : float, optional
        Display scale: default 1,000 for rates (per 1,000) and 100 for proportions (%).
    levels : two floats, default (0.95, 0.998)
    overdispersion : {None, "multiplicative", "additive"}
        None: exact limits.  Otherwise, when φ > 1 (the units vary more than chance), normal
        limits target ± z √(φ V/n) (multiplicative) or target ± z √(V/n + τ²) (additive
        random effects, τ² = (Iφ − (I − 1)) / (Σw − Σw²/Σw), w = n/V), V the target's
        variance (θ or θ(1 − θ)), from z-scores winsorised at ``winsorize`` in each tail
        (Spiegelhalter 2005, §3.4 and appendix).
    winsorize : float, default 0.1
    grid : int, default 200
        Points in the drawn curve.

    Returns
    -------
    Funnel

    Example
    -------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"practice": list("ABCD"), "referrals": [30, 12, 60, 9],
    ...                    "registered": [10000, 6000, 9000, 5000]})
    >>> f = funnel(df, count="referrals", exposure="registered", unit="practice")
    >>> round(f.target, 3)  # per 1,000
    3.7
    >>> f.units[["practice", "value", "low_998", "high_998", "position"]].round(2)
      practice  value  low_998  high_998     position
    0        A   3.00     1.92      5.67       within
    1        B   2.00     1.43      6.28    below 95%
    2        C   6.67     1.82      5.78  above 99.8%
    3        D   1.80     1.24      6.54    below 95%
    """
    check_choice(kind, ("poisson", "binomial"), name="kind")
    check_choice(overdispersion, OVERDISPERSION, name="overdispersion")
    levels = tuple(sorted(levels))
    if len(levels) != 2:
        raise ValueError(f"levels must be two confidence levels, e.g. (0.95, 0.998), not {levels}")
    require_columns(data, [unit, count, exposure])
    nums = check_numeric(data, [count, exposure], low=0, allow_missing=False)
    o, n = nums[count].to_numpy(), nums[exposure].to_numpy()
    bad = (n <= 0) | (o % 1 != 0) | ((o > n) if kind == "binomial" else False)
    if bad.any():
        raise InvalidValueError("impossible count or exposure", column=[count, exposure],
                                expected="whole counts, a positive exposure"
                                + (", count <= exposure" if kind == "binomial" else ""),
                                found=[f"{a:g}/{b:g}" for a, b in zip(o[bad], n[bad])],
                                **rows_where(data, bad))
    theta = float(o.sum() / n.sum()) if target is None else float(target)
    mult = float(multiplier if multiplier is not None else (1000 if kind == "poisson" else 100))
    variance = theta if kind == "poisson" else theta * (1 - theta)
    value = o / n
    z = (value - theta) / np.sqrt(variance / n)
    phi = _dispersion(z, winsorize)
    tau2 = 0.0
    applied = overdispersion if (overdispersion is not None and phi > 1) else None
    if applied == "additive":
        w = n / variance
        tau2 = max(0.0, (len(z) * phi - (len(z) - 1)) / (w.sum() - (w ** 2).sum() / w.sum()))

    def limits(expo):
        out = {}
        for level, tag in zip(levels, ("95", "998") if levels == FUNNEL_LEVELS else
                              (str(levels[0]), str(levels[1]))):
            if applied is None:
                lo, hi = exact_funnel_limits(expo, target=theta, kind=kind, level=level)
            elif applied == "multiplicative":
                lo, hi = _normal_limits(expo, theta, variance, level, phi, 0.0)
            else:
                lo, hi = _normal_limits(expo, theta, variance, level, 1.0, tau2)
            out[f"low_{tag}"], out[f"high_{tag}"] = lo * mult, hi * mult
        return out

    at_units = limits(n)
    keys = list(at_units)
    units = pd.DataFrame({unit: data[unit].to_numpy(), "count": o, "exposure": n,
                          "value": value * mult, "z": z, **at_units})
    v = units["value"].to_numpy()
    units["position"] = np.select(
        [v > units[keys[3]], v > units[keys[1]], v < units[keys[2]], v < units[keys[0]]],
        [f"above {levels[1]:.1%}".replace(".0%", "%"), f"above {levels[0]:.0%}",
         f"below {levels[1]:.1%}".replace(".0%", "%"), f"below {levels[0]:.0%}"], "within")
    lo_grid = max(n.min() * 0.5, 1.0)
    expo = np.geomspace(lo_grid, n.max() * 1.1, grid)
    curve = pd.DataFrame({"exposure": expo, **limits(expo)})
    return Funnel(units, curve, theta * mult, kind, applied, phi, tau2, mult, unit)


# ------------------------------------------------------------------ referred vs registered
def _clopper_pearson(k: np.ndarray, n: np.ndarray, alpha: float):
    from scipy.stats import beta

    low = np.where(k > 0, beta.ppf(alpha / 2, k, n - k + 1), 0.0)
    high = np.where(k < n, beta.ppf(1 - alpha / 2, k + 1, n - k), 1.0)
    return low, high


def representation(referrals: pd.DataFrame, population: pd.DataFrame, *, by,
                   practice: str | None = None, registered: str = "registered",
                   multiplier: float = 1000.0, ci: float = DEFAULT_CI) -> pd.DataFrame:
    """Who is referred against who is registered, for each characteristic and category.

    Parameters
    ----------
    referrals : DataFrame
        One row per referred person, with the ``by`` columns (e.g. ``imd_quintile``,
        ``age_band``, ``sex``, ``ethnicity``).
    population : DataFrame
        The tidy registered population (:func:`registered_population`): ``characteristic``,
        ``category``, ``registered`` (and ``practice``, summed over unless ``practice`` is
        given).
    by : str or list of str
        Characteristics to compare; each must appear in the population table.
    practice : str, optional
        Compare within each practice (the referrals' and population's practice column).
    multiplier : float, default 1000
    ci : float, default 0.95

    Returns
    -------
    DataFrame
        ``[practice,] characteristic, category, referred, referred_share, registered,
        registered_share, ratio, ratio_ci_low, ratio_ci_high, rate, rate_ci_low,
        rate_ci_high``.  ``ratio`` = share of referrals ÷ share of the registered population:
        1 = referred in proportion, above 1 = over-represented.  A category with people
        referred but none registered is an error; categories registered but never referred
        have a ratio of 0.

    Example
    -------
    >>> import pandas as pd
    >>> refs = pd.DataFrame({"sex": ["Female"] * 63 + ["Male"] * 37})
    >>> pop = pd.DataFrame({"characteristic": "sex", "category": ["Female", "Male"],
    ...                     "registered": [5100, 4900]})
    >>> representation(refs, pop, by="sex")[["category", "referred", "ratio",
    ...                                      "ratio_ci_low", "ratio_ci_high"]].round(3)
      category  referred  ratio  ratio_ci_low  ratio_ci_high
    0   Female        63  1.235         1.035          1.420
    1     Male        37  0.755         0.562          0.964
    """
    alpha = check_ci(ci)
    by = as_columns(by)
    require_columns(referrals, [*by, *([practice] if practice else [])])
    require_columns(population, ["characteristic", "category", registered,
                                 *([practice] if practice else [])])
    keys = [practice] if practice else []
    rows = []
    for char in by:
        pop = population[population["characteristic"] == char]
        if pop.empty:
            raise InvalidValueError("characteristic not in the population table",
                                    column="characteristic", found=[char],
                                    expected="one of " + ", ".join(
                                        map(str, population["characteristic"].unique())))
        pop = pop.groupby([*keys, "category"], as_index=False)[registered].sum()
        missing = referrals[char].isna().to_numpy()
        if missing.any():
            raise InvalidValueError(f"missing {char}", column=char,
                                    expected="a category for every referral (record unknowns "
                                             "as a category, e.g. 'Not stated')",
                                    **rows_where(referrals, missing))
        refs = referrals.assign(category=referrals[char].astype(str))
        counts = refs.groupby([*keys, "category"]).size().rename("referred").reset_index()
        merged = pop.merge(counts, on=[*keys, "category"], how="outer")
        orphan = merged[registered].isna()
        if orphan.any():
            raise InvalidValueError(
                f"people referred in a {char} category with no registered population",
                column=char, found=merged.loc[orphan, "category"].unique().tolist(),
                expected="categories of the population table: "
                + ", ".join(pop["category"].unique()))
        merged["referred"] = merged["referred"].fillna(0).astype("int64")
        merged.insert(len(keys), "characteristic", char)
        rows.append(merged)
    table = pd.concat(rows, ignore_index=True).rename(columns={registered: "registered"})
    if (table["registered"] % 1 == 0).all():
        table["registered"] = table["registered"].astype("int64")
    group = [*keys, "characteristic"]
    total_ref = table.groupby(group)["referred"].transform("sum").to_numpy(float)
    total_pop = table.groupby(group)["registered"].transform("sum").to_numpy(float)
    k, reg = table["referred"].to_numpy(float), table["registered"].to_numpy(float)
    table["referred_share"] = k / total_ref
    table["registered_share"] = reg / total_pop
    low, high = _clopper_pearson(k, total_ref, alpha)
    table["ratio"] = table["referred_share"] / table["registered_share"]
    table["ratio_ci_low"] = low / table["registered_share"]
    table["ratio_ci_high"] = high / table["registered_share"]
    rates = poisson_ci(k, np.maximum(reg, 1e-300), ci=ci, multiplier=multiplier)
    for col in ("rate", "ci_low", "ci_high"):
        table[col if col == "rate" else f"rate_{col}"] = rates[col].to_numpy()
    return table.reset_index(drop=True)


def self_referral_profile(clients: pd.DataFrame, *, route: str = "referral_route", by,
                          self_referral=("Self-referral",), ci: float = DEFAULT_CI
                          ) -> pd.DataFrame:
    """Who refers themselves: % self-referred by category, and the two groups' profiles.

    Parameters
    ----------
    clients : DataFrame
        One row per referred person, with the ``route`` and ``by`` columns (rows without a
        route, e.g. a comparison group, are an error: pass referred clients only).
    route : str, default "referral_route"
    by : str or list of str
        Characteristics (``imd_quintile``, ``age_band``, ``sex``, ``ethnicity``).
    self_referral : str or sequence, default ("Self-referral",)
        The route value(s) that mean the person referred themselves; every other route
        (GP, practice nurse, link-worker outreach, voluntary sector) is "referred by someone".
    ci : float, default 0.95

    Returns
    -------
    DataFrame
        One row per characteristic × category: ``n`` clients, ``self_referred``,
        ``proportion`` self-referred with its Wilson interval (``ci_low``, ``ci_high``),
        ``share_self`` and ``share_other`` (the category's share of self-referred and of other
        clients), ``difference`` (percentage points, self − other) with Newcombe's interval
        (``difference_ci_low``, ``difference_ci_high``), and ``p_chi2`` — the χ² test of
        independence of route and the characteristic (one value per characteristic).

    Example
    -------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"referral_route": ["Self-referral"] * 20 + ["GP"] * 80,
    ...                    "imd_quintile": [5] * 15 + [1] * 5 + [5] * 30 + [1] * 50})
    >>> self_referral_profile(df, by="imd_quintile")[["category", "n", "self_referred",
    ...                                               "proportion", "difference"]].round(3)
      category   n  self_referred  proportion  difference
    0        1  55              5       0.091       -37.5
    1        5  45             15       0.333        37.5
    """
    from scipy.stats import chi2_contingency
    from statsmodels.stats.proportion import confint_proportions_2indep

    from ..stats import proportion_ci

    alpha = check_ci(ci)
    by = as_columns(by)
    require_columns(clients, [route, *by])
    missing = clients[route].isna().to_numpy()
    if missing.any():
        raise InvalidValueError("referral route missing", column=route,
                                expected="a route for every referred client (leave out the "
                                         "comparison group)", **rows_where(clients, missing))
    selfs = [self_referral] if isinstance(self_referral, str) else list(self_referral)
    is_self = clients[route].isin(selfs).to_numpy()
    if not is_self.any():
        raise InvalidValueError("no self-referrals found", column=route, found=selfs,
                                expected="route values among: " + ", ".join(
                                    map(str, clients[route].unique())))
    rows = []
    for char in by:
        cat = clients[char].astype(str).to_numpy()
        table = pd.crosstab(cat, is_self)
        table = table.reindex(columns=[False, True], fill_value=0)
        n = table.sum(axis=1).to_numpy()
        k = table[True].to_numpy()
        props = proportion_ci(k, n, ci=ci)
        n_self, n_other = k.sum(), (n - k).sum()
        low, high = confint_proportions_2indep(k, n_self, n - k, n_other, method="newcomb",
                                               compare="diff", alpha=alpha)
        p = chi2_contingency(table.to_numpy())[1] if len(table) > 1 else np.nan
        rows.append(pd.DataFrame({
            "characteristic": char, "category": table.index.astype(str), "n": n,
            "self_referred": k, "proportion": props["proportion"].to_numpy(),
            "ci_low": props["ci_low"].to_numpy(), "ci_high": props["ci_high"].to_numpy(),
            "share_self": k / n_self, "share_other": (n - k) / n_other,
            "difference": 100 * (k / n_self - (n - k) / n_other),
            "difference_ci_low": 100 * np.asarray(low), "difference_ci_high": 100 * np.asarray(high),
            "p_chi2": p,
        }))
    return pd.concat(rows, ignore_index=True)
