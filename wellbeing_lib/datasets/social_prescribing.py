"""The ``social_prescribing`` data set: a Wellbeing Exeter-style evaluation (2016-2017).

1,500 referred clients and 600 matched, unreferred comparison clients of 11 GP practices;
SWEMWBS, UCLA-3, social inclusion and PAM at baseline and follow-up; health and care
service use 12 months before and after.  Calibrated to the published results (85% improved
on at least 1 of 4 measures, 54% on at least 2, 15% on all 4; entry wellbeing 7 WEMWBS
points below the national average).  The files are described in ``data/README.md`` (data
dictionary, then the generator notes); :func:`social_prescribing_truth` gives the true
programme effects an evaluation should recover.

Example
-------
>>> from wellbeing_lib.datasets import generate
>>> clients = generate("social_prescribing")["social_prescribing_clients"]
>>> clients["group"].value_counts().to_dict()
{'referred': 1500, 'comparison': 600}
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from ..io import load_reference_table
from ._common import _exact_counts, _iso
from .registry import DEFAULT_SEED, DEMO_KEY, register_dataset

__all__ = ["social_prescribing_truth"]

N_REFERRED = 1500
N_COMPARISON = 600
#: share of each group with no follow-up questionnaire (exact counts are used)
LOSS_TO_FOLLOW_UP = {"referred": 0.32, "comparison": 0.22}

PRACTICES = tuple(f"Practice {c}" for c in "ABCDEFGHIJK")
# Unequal list sizes; A-C were the 2015 pilot practices, the rest joined in 2016-2017.
PRACTICE_WEIGHTS = (0.16, 0.14, 0.13, 0.11, 0.10, 0.09, 0.07, 0.06, 0.05, 0.05, 0.04)
PRACTICE_START = ("2016-01-01",) * 3 + ("2016-04-01", "2016-04-01", "2016-07-01", "2016-10-01",
                                        "2017-01-01", "2017-01-01", "2017-04-01", "2017-07-01")
STUDY_END = "2017-12-31"

ROUTES = ("GP", "Practice nurse", "Link-worker outreach", "Self-referral", "Voluntary sector")
ROUTE_WEIGHTS = (0.42, 0.13, 0.22, 0.10, 0.13)
AGE_BANDS = ("18-34", "35-49", "50-64", "65-79", "80+")
AGE_WEIGHTS = (0.10, 0.14, 0.22, 0.30, 0.24)
SEXES = ("Female", "Male")
FEMALE_SHARE = 0.63
# ONS 2011 five-group ethnicity; Exeter was ~93% White.
ETHNICITIES = ("White", "Mixed/Multiple ethnic groups", "Asian/Asian British",
               "Black/African/Caribbean/Black British", "Other ethnic group")
ETHNICITY_WEIGHTS = (0.930, 0.015, 0.030, 0.008, 0.017)
IMD_WEIGHTS = (0.24, 0.24, 0.20, 0.17, 0.15)  # quintile 1 = most deprived

MEASURE_KEYS = ("swemwbs", "ucla", "social_inclusion", "pam")
SWEMWBS_ITEMS = tuple(f"swemwbs_{i}" for i in range(1, 8))
UCLA_ITEMS = tuple(f"ucla_{i}" for i in range(1, 4))

# --- published calibration targets (Wellbeing Exeter, HSJ Awards 2019 entry) -------------
#: P(number of the 4 measures improved = k), k = 0..4: >=1 85%, >=2 54%, all 4 15%
K_PROBS = (0.15, 0.31, 0.16, 0.23, 0.15)
#: tilt of which measures improve, given how many (SWEMWBS, UCLA, social inclusion, PAM); gives
#: marginal improvement 54% SWEMWBS, 46% UCLA, 47% social inclusion, 45% PAM
PATTERN_WEIGHTS = (1.0, 0.6550, 0.6913, 0.6204)
#: P(client is a "responder" (engaged with activities, larger effect) | k measures improved)
RESPONDER_BY_K = (0.0, 0.0, 0.10, 0.40, 0.80)

# --- latent model (z scale: higher = better on every measure) -----------------------------
LOADING_GENERAL = np.array([0.80, 0.60, 0.65, 0.50])  # trait correlation via a general factor
DIP_LOADING = np.array([0.90, 0.50, 0.50, 0.30])  # transient low point at referral
DIP_SHAPE, DIP_MEAN = 2.0, 0.45  # gamma-distributed depth of the low point
OCCASION_SD = 0.55  # occasion-to-occasion fluctuation
SECULAR = np.array([-0.15, -0.10, -0.15, -0.35])  # change over ~6 months without referral
EFFECT = np.array([2.50, 0.75, 0.80, 0.60])  # mean programme effect for responders (z units)
EFFECT_SD = np.array([0.40, 0.35, 0.35, 0.30])
# mapping of z to answers
SW_CENTRE, SW_SCALE, SW_ITEM_SD = 3.28, 0.52, 0.55
SW_OFFSETS = np.array([0.05, 0.05, -0.20, 0.00, 0.10, 0.10, -0.10])
UCLA_CENTRE, UCLA_SCALE, UCLA_ITEM_SD = 2.15, 0.55, 0.45
SI_CENTRE, SI_SCALE, SI_SD = 5.0, 1.6, 0.9
PAM_CENTRE, PAM_SCALE, PAM_SD = 52.0, 9.0, 5.0
#: item answers: share of questionnaires with gaps, and share of items blank in those
PARTIAL_ROW_SHARE, ITEM_BLANK_IN_PARTIAL = 0.10, 0.25
MAX_RESAMPLING_ROUNDS = 300

# --- health and care service use per client-year ------------------------------------------
SERVICES = ("gp_appointments", "ae_attendances", "emergency_admissions",
            "outpatient_attendances", "social_care_contacts")
#: comparison group, 12 months before the index date
BASE_RATE = np.array([9.0, 0.55, 0.28, 2.8, 3.0])
#: gamma shape of person x service heterogeneity (smaller = more overdispersed)
HETEROGENEITY_SHAPE = np.array([2.5, 0.8, 0.6, 1.0, 0.4])
#: referred clients' use before referral relative to the comparison group
REFERRED_EXCESS = np.array([1.12, 1.10, 1.10, 1.05, 1.15])
#: after/before ratio without the programme (regression to the mean after a crisis)
UNTREATED_AFTER = np.array([0.93, 0.92, 0.90, 0.96, 0.95])
#: true programme effect, rate ratio after/before referred vs comparison
SERVICE_EFFECT = np.array([0.85, 0.85, 0.88, 0.92, 0.85])
AGE_RATE = np.array([  # by age band (rows) for each service (columns)
    [0.80, 1.10, 0.55, 0.60, 0.25],
    [0.90, 1.00, 0.65, 0.80, 0.40],
    [0.95, 0.90, 0.85, 1.00, 0.60],
    [1.05, 0.90, 1.05, 1.15, 1.00],
    [1.15, 1.10, 1.45, 1.10, 1.90],
])
FRAILTY_SHAPE = 3.0  # person-level gamma frailty shared by all services and both periods

# --- referral notes -------------------------------------------------------------------------
NOTE_REASONS = (
    "Lonely since bereavement", "Socially isolated after moving to Exeter",
    "Low mood and anxiety", "Carer for husband with dementia, no time for herself",
    "Recently retired, lost sense of purpose", "Housing worries and rent arrears",
    "Struggling after hip operation", "Frequent GP attender, wants to meet people",
    "Lives alone, family abroad", "Long-term pain affecting mood",
    "Lost confidence after a fall", "Money worries since losing job",
)
NOTE_REASON_WEIGHTS = (0.16, 0.09, 0.14, 0.06, 0.07, 0.06, 0.05, 0.08, 0.08, 0.09, 0.07, 0.05)
NOTE_DETAILS = (
    "struggling with mobility", "no family nearby", "would like to get out more",
    "interested in a walking group", "finding it hard to manage money",
    "not leaving the house much", "wants help with benefit forms", "sleeping badly",
    "keen to volunteer", "misses going to church", "hard of hearing", "no longer driving",
)
NOTE_SURNAMES = ("Pengelly", "Trewin", "Chudleigh", "Northcott", "Hext", "Vosper", "Luxton")
NOTE_FIRST_NAMES = ("jane", "sue", "mary", "linda", "carol", "ann", "pat")
#: number of referral notes carrying personal details (for redaction exercises)
N_NOTES_WITH_PII = 6

# --- deliberate data-quality problems in the measures file (referred clients) ----------------
N_DUPLICATED_BASELINE = 3
N_FOLLOW_UP_BEFORE_BASELINE = 2
N_FOLLOW_UP_WITHOUT_BASELINE = 3

_CLIENT_DTYPES = {
    "client_id": "str", "group": "str", "practice": "str", "referral_route": "str",
    "referral_date": "str", "index_date": "str", "age_band": "str", "sex": "str",
    "ethnicity": "str", "imd_quintile": "int64", "referral_note": "str",
}
_MEASURE_DTYPES = {
    "client_id": "str", "time": "str", "assessment_date": "str",
    **{c: "Int64" for c in (*SWEMWBS_ITEMS, *UCLA_ITEMS, "social_inclusion")},
    "pam_score": "float64",
}
_SERVICE_DTYPES = {"client_id": "str", "period": "str", **{s: "int64" for s in SERVICES}}


def _pattern_table() -> tuple[np.ndarray, np.ndarray]:
    """The 16 improvement patterns (rows of 4 booleans) and their target probabilities.

    P(pattern) = P(k) * prod(w_m for improved m) / sum over patterns with k improved.
    """
    patterns = np.array(list(itertools.product((0, 1), repeat=4)), dtype=bool)[:, ::-1]
    k = patterns.sum(axis=1)
    tilt = np.prod(np.where(patterns, np.array(PATTERN_WEIGHTS), 1.0), axis=1)
    probs = np.zeros(len(patterns))
    for j in range(5):
        sel = k == j
        probs[sel] = K_PROBS[j] * tilt[sel] / tilt[sel].sum()
    return patterns, probs


def _assign_patterns(rng, feasible: np.ndarray) -> np.ndarray:
    """Give each client a pattern, with exact target counts, never asking for the impossible.

    ``feasible[i, m]`` is False when client i's baseline is at the best possible value of
    measure m, so m cannot improve; such clients get patterns that leave m unimproved.
    """
    n = len(feasible)
    patterns, probs = _pattern_table()
    pool = np.repeat(np.arange(len(patterns)), _exact_counts(probs, n))
    pool = rng.permutation(pool)
    assigned = np.full(n, -1)
    free = np.ones(n, dtype=bool)
    code = feasible @ (1 << np.arange(4))
    for c in np.unique(code[code != 15]):  # at most 15 classes, processed in a fixed order
        who = np.flatnonzero(code == c)
        ok = free & ~(patterns[pool] & ~feasible[who[0]]).any(axis=1)
        take = rng.choice(np.flatnonzero(ok), size=len(who), replace=False)
        assigned[who] = pool[take]
        free[take] = False
    assigned[code == 15] = pool[free]
    return patterns[assigned]


def _answers(rng, key: str, z: np.ndarray) -> np.ndarray:
    """Questionnaire answers (n x items) for latent z (higher = better)."""
    n = len(z)
    if key == "swemwbs":
        theta = SW_CENTRE + SW_SCALE * z
        eps = rng.normal(0.0, SW_ITEM_SD, size=(n, 7))
        return np.clip(np.rint(theta[:, None] + SW_OFFSETS + eps), 1, 5)
    if key == "ucla":
        phi = UCLA_CENTRE - UCLA_SCALE * z
        eps = rng.normal(0.0, UCLA_ITEM_SD, size=(n, 3))
        return np.clip(np.rint(phi[:, None] + eps), 1, 3)
    if key == "social_inclusion":
        x = SI_CENTRE + SI_SCALE * z + rng.normal(0.0, SI_SD, size=n)
        return np.clip(np.rint(x), 1, 10)[:, None]
    x = PAM_CENTRE + PAM_SCALE * z + rng.normal(0.0, PAM_SD, size=n)
    return np.round(np.clip(x, 0.0, 100.0), 1)[:, None]


#: direction of improvement of each measure's total (UCLA: lower = less lonely)
_DIRECTION = {"swemwbs": 1, "ucla": -1, "social_inclusion": 1, "pam": 1}
_BEST = {"swemwbs": 35, "ucla": 3, "social_inclusion": 10, "pam": 100}
#: range of one answer (for the fallback that nudges a single answer)
_WORST = {"swemwbs": 1, "ucla": 1, "social_inclusion": 1, "pam": 0}
_BEST_ANSWER = {"swemwbs": 5, "ucla": 3, "social_inclusion": 10, "pam": 100}


def _metric_table() -> np.ndarray:
    table = load_reference_table("swemwbs_raw_to_metric.csv")
    lookup = np.full(36, np.nan)
    lookup[table["raw"].to_numpy(int)] = table["metric"].to_numpy(float)
    return lookup



# ------------------------------------------------------------------ the simulation, by phase
# Each phase draws from its own stream, spawned from the data set's generator in a fixed
# order (clients, latent, follow-up, missing, service use, notes, truth).  Within a stream
# the phases run in the order below; changing that order changes the committed files.
def _draw_clients(rng: np.random.Generator, referred: np.ndarray) -> dict[str, np.ndarray]:
    """Practice, index day (days since 2016-01-01), route, age band, sex, ethnicity, IMD."""
    n = len(referred)
    practice = rng.choice(len(PRACTICES), size=n, p=PRACTICE_WEIGHTS)
    start = np.array(PRACTICE_START, dtype="datetime64[D]")[practice]
    span = (np.datetime64(STUDY_END) - start).astype(int) + 1
    ref_offset = (start - np.datetime64("2016-01-01")).astype(int) + np.floor(
        rng.random(n) * span).astype(int)
    idx_offset = rng.integers(0, 731, size=n)  # comparison index date, 2016-2017
    return {
        "practice": practice,
        "index_day": np.where(referred, ref_offset, idx_offset),
        "route": rng.choice(len(ROUTES), size=n, p=ROUTE_WEIGHTS),
        "age": rng.choice(len(AGE_BANDS), size=n, p=AGE_WEIGHTS),
        "female": rng.random(n) < FEMALE_SHARE,
        "ethnicity": rng.choice(len(ETHNICITIES), size=n, p=ETHNICITY_WEIGHTS),
        "imd": rng.choice(5, size=n, p=IMD_WEIGHTS) + 1,
    }


def _draw_baseline(rng: np.random.Generator, imd: np.ndarray, age: np.ndarray):
    """Latent wellbeing (trait, baseline z) and the baseline answers and totals."""
    n = len(imd)
    general = rng.normal(size=n) + 0.08 * (imd - 3)
    specific = rng.normal(size=(n, 4))
    trait = LOADING_GENERAL * general[:, None] + np.sqrt(1 - LOADING_GENERAL**2) * specific
    trait[:, 1] -= np.array([0.0, 0.0, 0.10, 0.15, 0.35])[age]  # loneliness rises with age
    dip = rng.gamma(DIP_SHAPE, DIP_MEAN / DIP_SHAPE, size=n)
    z_base = trait - DIP_LOADING * dip[:, None] + rng.normal(0, OCCASION_SD, size=(n, 4))
    base = {k: _answers(rng, k, z_base[:, j]) for j, k in enumerate(MEASURE_KEYS)}
    base_total = np.column_stack([base[k].sum(axis=1) for k in MEASURE_KEYS])
    return trait, z_base, base, base_total


def _draw_follow_up_plan(r_follow: np.random.Generator, r_missing: np.random.Generator,
                         referred: np.ndarray, imd: np.ndarray, age: np.ndarray,
                         z_base: np.ndarray) -> dict[str, np.ndarray]:
    """Who is followed up, the deliberate data-quality problems, and blank item answers."""
    n = len(referred)
    has_fu = np.ones(n, dtype=bool)
    for grp, sel in (("referred", referred), ("comparison", ~referred)):
        who = np.flatnonzero(sel)
        weight = np.exp(0.3 * (imd[who] <= 2) + 0.4 * (age[who] == 4) - 0.3 * z_base[who, 0])
        lost = r_follow.choice(who, size=round(LOSS_TO_FOLLOW_UP[grp] * len(who)),
                               replace=False, p=weight / weight.sum())
        has_fu[lost] = False
    both = np.flatnonzero(referred & has_fu)
    problems = r_follow.choice(
        both, size=N_FOLLOW_UP_WITHOUT_BASELINE + N_FOLLOW_UP_BEFORE_BASELINE
        + N_DUPLICATED_BASELINE, replace=False)
    has_base = np.ones(n, dtype=bool)
    has_base[problems[:N_FOLLOW_UP_WITHOUT_BASELINE]] = False

    # blank item answers: 12 answers per questionnaire (7 + 3 + 1 + 1)
    def blanks(size):
        partial = r_missing.random(size) < PARTIAL_ROW_SHARE
        return partial[:, None] & (r_missing.random((size, 12)) < ITEM_BLANK_IN_PARTIAL)

    blank_base, blank_fu = blanks(n), blanks(n)
    complete = ~blank_base.any(axis=1) & ~blank_fu.any(axis=1)
    clean = np.ones(n, dtype=bool)
    clean[problems] = False
    fu_ref = np.flatnonzero(referred & has_fu)
    return {
        "has_fu": has_fu, "has_base": has_base, "clean": clean,
        "fu_early": problems[N_FOLLOW_UP_WITHOUT_BASELINE:-N_DUPLICATED_BASELINE],
        "dup_base": problems[-N_DUPLICATED_BASELINE:],
        "blank_base": blank_base, "blank_fu": blank_fu,
        "fu_ref": fu_ref, "in_analysis": complete[fu_ref] & clean[fu_ref],
    }


def _draw_follow_up(rng: np.random.Generator, referred: np.ndarray, plan: dict,
                    trait: np.ndarray, base: dict, base_total: np.ndarray):
    """Follow-up answers matching each referred client's improvement pattern.

    Returns the answers by measure and, per measure, how many referred follow-ups were set
    by the fallback (the pattern was very unlikely for the client after
    ``MAX_RESAMPLING_ROUNDS`` rounds of rejection sampling).
    """
    n = len(referred)
    has_fu, fu_ref, in_analysis = plan["has_fu"], plan["fu_ref"], plan["in_analysis"]
    best = np.array([_BEST[k] for k in MEASURE_KEYS])
    feasible = base_total != best
    target = np.zeros((n, 4), dtype=bool)
    for stratum in (fu_ref[in_analysis], fu_ref[~in_analysis]):
        target[stratum] = _assign_patterns(rng, feasible[stratum])
    k_improved = target.sum(axis=1)
    responder = referred & (rng.random(n) < np.array(RESPONDER_BY_K)[k_improved])

    def follow_up(rows, j, treated):
        helped = treated & responder[rows] & target[rows, j]
        eff = helped * (EFFECT[j] + EFFECT_SD[j] * rng.normal(size=len(rows)))
        z = trait[rows, j] + SECULAR[j] + eff + rng.normal(0, OCCASION_SD, size=len(rows))
        return _answers(rng, MEASURE_KEYS[j], z)

    fu = {}
    fallback = {}
    for j, key in enumerate(MEASURE_KEYS):
        answers = follow_up(np.arange(n), j, referred)
        sign = _DIRECTION[key]
        fallback[key] = 0
        for _ in range(MAX_RESAMPLING_ROUNDS):
            improved = sign * (answers.sum(axis=1) - base_total[:, j]) > 0
            bad = np.flatnonzero(referred & has_fu & (improved != target[:, j]))
            if len(bad) == 0:
                break
            answers[bad] = follow_up(bad, j, True)
        else:  # patterns very unlikely for the client: nearest answers that fit (rare)
            improved = sign * (answers.sum(axis=1) - base_total[:, j]) > 0
            bad = np.flatnonzero(referred & has_fu & (improved != target[:, j]))
            fallback[key] = len(bad)
            answers[bad] = base[key][bad]  # tie = not improved
            up = bad[target[bad, j]]
            col = np.argmin(sign * base[key][up], axis=1)
            answers[up, col] = np.clip(base[key][up, col] + sign, _WORST[key], _BEST_ANSWER[key])
        fu[key] = answers
    return fu, fallback


def _measures_table(rng: np.random.Generator, referred: np.ndarray, client_id: np.ndarray,
                    index_day: np.ndarray, plan: dict, base: dict, fu: dict) -> pd.DataFrame:
    """The long measures table: assessment dates, blanks and the deliberate problems."""
    n = len(referred)
    base_day = index_day + np.where(referred, rng.integers(0, 29, size=n),
                                    rng.integers(0, 15, size=n))
    fu_day = base_day + rng.integers(140, 231, size=n)
    fu_early = plan["fu_early"]
    fu_day[fu_early] = base_day[fu_early] - rng.integers(20, 90, size=len(fu_early))

    def block(rows, answers, blank, days, time):
        values = np.column_stack([answers[k][rows] for k in MEASURE_KEYS])
        values = np.where(blank[rows], np.nan, values)
        df = pd.DataFrame(values, columns=[*SWEMWBS_ITEMS, *UCLA_ITEMS, "social_inclusion",
                                           "pam_score"])
        df.insert(0, "client_id", client_id[rows])
        df.insert(1, "time", time)
        df.insert(2, "assessment_date", _iso("2016-01-01", days[rows]))
        df["_order"] = rows
        return df

    base_rows = np.flatnonzero(plan["has_base"])
    fu_rows = np.flatnonzero(plan["has_fu"])
    blank_base, blank_fu = plan["blank_base"], plan["blank_fu"]
    measures = pd.concat([
        block(base_rows, base, blank_base, base_day, "baseline"),
        block(np.sort(plan["dup_base"]), base, blank_base, base_day, "baseline"),
        block(fu_rows, fu, blank_fu, fu_day, "follow_up"),
    ], ignore_index=True)
    measures = measures.sort_values(["_order", "time"], kind="stable").drop(columns="_order")
    return measures.reset_index(drop=True)


def _referral_notes(rng: np.random.Generator, referred: np.ndarray,
                    female: np.ndarray) -> np.ndarray:
    """Free-text referral notes (referred clients only), six with personal details."""
    n = len(referred)
    notes = np.array(NOTE_REASONS, dtype=object)[
        rng.choice(len(NOTE_REASONS), size=n, p=NOTE_REASON_WEIGHTS)]
    detail = np.array(NOTE_DETAILS, dtype=object)[rng.integers(0, len(NOTE_DETAILS), n)]
    notes = np.where(rng.random(n) < 0.7, notes + ", " + detail, notes)
    notes = np.where(referred, notes, None)
    pii_rows = rng.choice(np.flatnonzero(referred & female), N_NOTES_WITH_PII, replace=False)
    notes[pii_rows] = _notes_with_pii(rng)
    return notes


def _clients_table(referred: np.ndarray, client_id: np.ndarray, people: dict,
                   notes: np.ndarray) -> pd.DataFrame:
    index_day = people["index_day"]
    return pd.DataFrame({
        "client_id": client_id,
        "group": np.where(referred, "referred", "comparison"),
        "practice": np.array(PRACTICES)[people["practice"]],
        "referral_route": np.where(referred, np.array(ROUTES, dtype=object)[people["route"]],
                                   None),
        "referral_date": np.where(referred, _iso("2016-01-01", index_day).astype(object), None),
        "index_date": _iso("2016-01-01", index_day),
        "age_band": np.array(AGE_BANDS)[people["age"]],
        "sex": np.where(people["female"], SEXES[0], SEXES[1]),
        "ethnicity": np.array(ETHNICITIES)[people["ethnicity"]],
        "imd_quintile": people["imd"],
        "referral_note": notes,
    })


def _service_use_table(rng: np.random.Generator, referred: np.ndarray, age: np.ndarray,
                       client_id: np.ndarray) -> pd.DataFrame:
    """Service use 12 months before and after the index date (negative binomial counts).

    Poisson counts whose rate carries a person-level frailty (all services) and a person x
    service gamma heterogeneity, both shared by the two periods: each count is negative
    binomial (overdispersed) and a client's use before and after is correlated.
    """
    n = len(referred)
    frailty = rng.gamma(FRAILTY_SHAPE, 1 / FRAILTY_SHAPE, size=(n, 1))
    hetero = rng.gamma(HETEROGENEITY_SHAPE, 1 / HETEROGENEITY_SHAPE, size=(n, len(SERVICES)))
    rate_before = (BASE_RATE * AGE_RATE[age] * frailty * hetero
                   * np.where(referred[:, None], REFERRED_EXCESS, 1.0))
    rate_after = rate_before * UNTREATED_AFTER * np.where(referred[:, None], SERVICE_EFFECT, 1.0)
    counts = rng.poisson(np.stack([rate_before, rate_after], axis=1))  # client, period
    service = pd.DataFrame(counts.reshape(2 * n, len(SERVICES)), columns=list(SERVICES))
    service.insert(0, "client_id", np.repeat(client_id, 2))
    service.insert(1, "period", np.tile(["before", "after"], n))
    return service


def _simulate(rng: np.random.Generator) -> tuple[dict[str, pd.DataFrame], dict]:
    """The three tables, and the simulation state :func:`social_prescribing_truth` needs."""
    from ..privacy import pseudonymise

    r_clients, r_latent, r_follow, r_missing, r_service, r_notes, r_truth = rng.spawn(7)
    n_ref, n_cmp = N_REFERRED, N_COMPARISON
    referred = np.arange(n_ref + n_cmp) < n_ref

    people = _draw_clients(r_clients, referred)
    trait, z_base, base, base_total = _draw_baseline(r_latent, people["imd"], people["age"])
    plan = _draw_follow_up_plan(r_follow, r_missing, referred, people["imd"], people["age"],
                                z_base)
    fu, fallback = _draw_follow_up(r_follow, referred, plan, trait, base, base_total)

    serial = np.char.zfill(np.r_[1:n_ref + 1, 1:n_cmp + 1].astype(str), 5)
    local = np.char.add(np.where(referred, "WE", "CMP"), serial)  # local ids WE00001, CMP00001
    client_id = np.asarray(pseudonymise(local, key=DEMO_KEY, prefix="C-"), dtype=object)
    measures = _measures_table(r_follow, referred, client_id, people["index_day"], plan, base,
                               fu)
    notes = _referral_notes(r_notes, referred, people["female"])
    frames = {
        "social_prescribing_clients": _clients_table(referred, client_id, people, notes),
        "social_prescribing_measures": measures,
        "social_prescribing_service_use": _service_use_table(r_service, referred,
                                                             people["age"], client_id),
    }
    state = {
        "rng": r_truth, "referred": referred, "has_fu": plan["has_fu"],
        "has_base": plan["has_base"], "clean": plan["clean"],
        "blank_base": plan["blank_base"], "blank_fu": plan["blank_fu"], "trait": trait,
        "fu": fu, "base_total": base_total, "fallback": fallback,
    }
    return frames, state


def _notes_with_pii(rng) -> list[str]:
    """Six referral notes carrying personal details a redaction step must remove."""
    from ..privacy import nhs_number_check_digit

    # NHS Digital reserves 999 000 0000-999 999 9999 for test numbers
    first_nine = pd.Series(rng.integers(0, 10**6, size=16)).map("999{:06d}".format)
    check = nhs_number_check_digit(first_nine)  # <NA> where no valid number exists
    ok = check.notna()
    nhs = (first_nine[ok] + check[ok].astype(str)).tolist()[:2]
    surname = rng.choice(NOTE_SURNAMES, size=3, replace=False)
    first = rng.choice(NOTE_FIRST_NAMES)
    phone = f"07700 900{rng.integers(0, 1000):03d}"  # Ofcom range reserved for drama
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    postcode = (f"EX{rng.choice([1, 2, 4, 5, 6])} {rng.integers(1, 10)}"
                f"{letters[rng.integers(0, 20)]}{letters[rng.integers(0, 20)]}")
    return [
        f"Lonely since bereavement, NHS number {nhs[0][:3]} {nhs[0][3:6]} {nhs[0][6:]} "
        "on the referral form",
        f"Mrs {surname[0]} rang on behalf of her neighbour, isolated since a fall",
        f"Please ring her son on {phone} before visiting, hard of hearing",
        f"New to Exeter, lives alone at {postcode}, would like to meet people",
        f"Wants help with benefit forms, email {first}.{surname[1].lower()}@example.com",
        f"Carer for husband with dementia (NHS no {nhs[1]}), no time for herself",
    ]


def _truth_table(state: dict) -> pd.DataFrame:
    """Realised true effects: observed follow-up minus the expected untreated follow-up."""
    reps = 64
    rng = state["rng"]
    metric = _metric_table()
    referred, has_fu, has_base = state["referred"], state["has_fu"], state["has_base"]
    blank_base, blank_fu, clean = state["blank_base"], state["blank_fu"], state["clean"]
    trait, fu, base_total = state["trait"], state["fu"], state["base_total"]
    spans = {"swemwbs": slice(0, 7), "ucla": slice(7, 10), "social_inclusion": slice(10, 11),
             "pam": slice(11, 12)}
    rows = []
    for j, key in enumerate(MEASURE_KEYS):
        ok = (has_fu & has_base & clean & ~blank_base[:, spans[key]].any(axis=1)
              & ~blank_fu[:, spans[key]].any(axis=1))
        sel = np.flatnonzero(referred & ok)
        z0 = (trait[np.repeat(sel, reps), j] + SECULAR[j]
              + rng.normal(0, OCCASION_SD, size=len(sel) * reps))
        untreated = _answers(rng, key, z0).sum(axis=1).reshape(len(sel), reps)
        observed = fu[key][sel].sum(axis=1)
        baseline = base_total[sel, j]
        if key == "swemwbs":
            untreated, observed, baseline = (metric[untreated.astype(int)],
                                             metric[observed.astype(int)],
                                             metric[baseline.astype(int)])
        label = {"swemwbs": "SWEMWBS metric", "ucla": "UCLA-3 total",
                 "social_inclusion": "social inclusion", "pam": "PAM score"}[key]
        rows.append({
            "measure": label, "n_referred": len(sel),
            "change_referred": float(np.mean(observed - baseline)),
            "expected_change_untreated": float(np.mean(untreated.mean(axis=1) - baseline)),
            "true_effect": float(np.mean(observed - untreated.mean(axis=1))),
            "fallback_follow_ups": state["fallback"][key],
        })
    return pd.DataFrame(rows)


def social_prescribing_truth(random_state=DEFAULT_SEED) -> pd.DataFrame:
    """What an evaluation of the ``social_prescribing`` data should recover.

    For referred clients with both questionnaires complete on a measure (and no deliberate
    data-quality problem), the realised true effect is the mean of (observed follow-up
    score - expected follow-up score had the client not been referred), the expectation
    taken over the untreated model with 64 replicate draws.  ``expected_change_untreated``
    is the part of the before/after change due to regression to the mean and secular change.

    Parameters
    ----------
    random_state : int, numpy.random.Generator or None, default DEFAULT_SEED
        The seed (or generator) the data set was generated with: the default 2019 gives
        the truth of the committed files; ``generate("social_prescribing", random_state=s)``
        and ``social_prescribing_truth(s)`` describe the same data for the same int ``s``.
        ``None`` draws fresh entropy (the truth of a data set nobody else has).

    Returns
    -------
    DataFrame
        One row per measure: ``measure``, ``n_referred``, ``change_referred`` (uncontrolled
        before/after mean change), ``expected_change_untreated``, ``true_effect``, and
        ``fallback_follow_ups``: how many of the referred clients' follow-ups on the
        measure (all referred clients followed up, not only the complete pairs counted in
        ``n_referred``) were set to the nearest answers that fit their improvement pattern
        because redrawing them ``MAX_RESAMPLING_ROUNDS`` times did not.

    Example
    -------
    >>> truth = social_prescribing_truth().round(2)
    >>> truth[["measure", "change_referred", "expected_change_untreated", "true_effect"]]
                measure  change_referred  expected_change_untreated  true_effect
    0    SWEMWBS metric             2.12                       0.57         1.55
    1      UCLA-3 total            -0.42                      -0.15        -0.27
    2  social inclusion             0.36                       0.07         0.29
    3         PAM score            -0.49                      -1.52         1.03
    >>> int(truth["fallback_follow_ups"].sum())  # of 4 x 1,020 referred follow-ups
    16
    """
    _, state = _simulate(np.random.default_rng(random_state))
    return _truth_table(state)


@register_dataset(
    "social_prescribing",
    files={
        "social_prescribing_clients":
            "one row per person: group, GP practice, referral, demographics, referral note",
        "social_prescribing_measures":
            "SWEMWBS, UCLA-3, social inclusion and PAM at baseline and follow-up (long)",
        "social_prescribing_service_use":
            "GP, A&E, admissions, outpatient and social care use 12 months before/after",
    },
    description="Wellbeing Exeter-style social prescribing evaluation (synthetic, 2016-2017)",
    dtypes={
        "social_prescribing_clients": _CLIENT_DTYPES,
        "social_prescribing_measures": _MEASURE_DTYPES,
        "social_prescribing_service_use": _SERVICE_DTYPES,
    },
    float_format="%.1f",
)
def _generate_social_prescribing(rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """Wellbeing Exeter-style social prescribing evaluation (the full story: data/README.md).

    1. Clients: 1,500 referred (2016-2017, practices joining in stages) and 600 matched
       comparison clients from the same 11 practices, identified at a comparable low point.
    2. Latent wellbeing per client and measure = stable trait (a general factor plus a
       measure-specific part) - a transient dip at the index date (so regression to the mean
       is real) + occasion noise; answers are rounded, clipped item responses.
    3. Referred clients are first given a pattern of which of the 4 measures improve, with
       exact counts matching the published 85% / 54% / 15%; "responders" (likelier the more
       measures improve) gain a programme effect on the measures they improve on; follow-up
       answers are redrawn (vectorised rejection sampling) until they match the pattern.
    4. Comparison follow-up comes from the same model without any effect, so a
       difference-in-differences recovers :func:`social_prescribing_truth`.
    5. Service use: Poisson-gamma (negative binomial) counts, 12 months before and after.
    """
    return _simulate(rng)[0]
