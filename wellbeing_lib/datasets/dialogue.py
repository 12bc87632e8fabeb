"""The ``engagement_dialogue`` data set: a TONIC-style "what matters to you?" dialogue (2019).

A dialogue about wellbeing with 3,256 people (2,320 public, 936 professional) of a
fictional ICS by telephone, outreach sessions, Healthwatch focus groups and online:
characteristics, seldom-heard flags, free-text answers on what matters for wellbeing, a
population table for the area and a second coder's coding of a 300-answer subsample.
:func:`engagement_dialogue_truth` gives what was planted (the codes a careful coder would
apply, the answers with personal details, the designed rates) and
:func:`dialogue_sentences` the sentence bank, whose templates are in ``_dialogue_text.py``.
The files are described in ``data/README.md`` (data dictionary, then the generator notes).

All names here start with ``DIALOGUE_`` / ``_dialogue_`` so that they never shadow the
constants of the other generators (``AGE_BANDS``, ``ETHNICITIES``, ... are theirs).

Example
-------
>>> truth = engagement_dialogue_truth()
>>> truth.planted["respondent"].nunique() <= 3256
True
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import WellbeingError
from ._common import _exact_counts, _iso
from ._dialogue_text import (
    DIALOGUE_CLOSERS,
    DIALOGUE_NON_ANSWERS,
    DIALOGUE_OPENERS,
    DIALOGUE_SENTENCES,
)
from .registry import DEFAULT_SEED, register_dataset

__all__ = ["DialogueTruth", "dialogue_sentences", "engagement_dialogue_truth"]

#: participants by stakeholder type.  TONIC (2019) reports "3,250 people ...; 2,320 members
#: of the public and 936 professional stakeholders" - the parts add up to 3,256, so the
#: headline figure is rounded; the synthetic data keep both parts (3,256 in all).
DIALOGUE_N = {"public": 2320, "professional": 936}

DIALOGUE_CHANNELS = ("telephone interview", "outreach session", "Healthwatch focus group",
                     "online")
#: participants per channel (exact counts) for the public and for professionals
DIALOGUE_CHANNEL_COUNTS = {"public": (880, 690, 90, 660), "professional": (240, 60, 0, 636)}

#: fictional localities of a North East and North Cumbria-like ICS: (name, rural,
#: IMD quintile weights of participants living there (1 = most deprived), share of
#: telephone/online participants)
DIALOGUE_LOCALITIES = (
    ("Tyneford", False, (0.30, 0.24, 0.18, 0.15, 0.13), 0.19),
    ("Wearhaven", False, (0.32, 0.24, 0.18, 0.14, 0.12), 0.15),
    ("Teesmouth", False, (0.38, 0.22, 0.17, 0.12, 0.11), 0.14),
    ("Castleholm", False, (0.08, 0.14, 0.22, 0.26, 0.30), 0.12),
    ("Brackenhurst", False, (0.07, 0.12, 0.20, 0.27, 0.34), 0.10),
    ("Hollinmoor", True, (0.14, 0.24, 0.26, 0.20, 0.16), 0.11),
    ("Fellbeck", True, (0.06, 0.16, 0.30, 0.26, 0.22), 0.10),
    ("Solway Marsh", True, (0.16, 0.26, 0.26, 0.18, 0.14), 0.09),
)

#: the 12 outreach sessions: (session id, locality, community setting, date)
DIALOGUE_OUTREACH = (
    ("OS01", "Tyneford", "community centre", "2019-09-12"),
    ("OS02", "Teesmouth", "food bank", "2019-09-19"),
    ("OS03", "Wearhaven", "library", "2019-09-26"),
    ("OS04", "Fellbeck", "market day stall", "2019-10-03"),
    ("OS05", "Tyneford", "mosque", "2019-10-10"),
    ("OS06", "Castleholm", "leisure centre", "2019-10-15"),
    ("OS07", "Hollinmoor", "village hall lunch club", "2019-10-22"),
    ("OS08", "Teesmouth", "children's centre", "2019-10-29"),
    ("OS09", "Solway Marsh", "church hall", "2019-11-05"),
    ("OS10", "Brackenhurst", "supermarket foyer", "2019-11-12"),
    ("OS11", "Wearhaven", "further education college", "2019-11-19"),
    ("OS12", "Tyneford", "GP practice waiting room", "2019-11-26"),
)
#: relative size of each outreach session (public participants; exact counts are used)
DIALOGUE_OUTREACH_WEIGHTS = (70, 75, 50, 45, 55, 60, 40, 65, 35, 70, 60, 65)

#: seldom-heard group flags (columns of the participants file) and their labels
DIALOGUE_SELDOM_HEARD = {
    "sh_refugee_asylum": "refugees and people seeking asylum",
    "sh_gypsy_roma_traveller": "Gypsy, Roma and Traveller communities",
    "sh_homeless": "people experiencing homelessness",
    "sh_learning_disability": "people with a learning disability",
    "sh_deaf_bsl": "Deaf British Sign Language users",
    "sh_recovery": "people in recovery from drug or alcohol use",
}
#: share of public participants outside the focus groups who belong to each group
DIALOGUE_SELDOM_HEARD_ELSEWHERE = (0.004, 0.002, 0.004, 0.010, 0.004, 0.008)

#: the Healthwatch focus groups: (session id, locality, seldom-heard flag, participants, date)
DIALOGUE_FOCUS_GROUPS = (
    ("FG01", "Tyneford", "sh_refugee_asylum", 11, "2019-09-17"),
    ("FG02", "Fellbeck", "sh_gypsy_roma_traveller", 7, "2019-09-24"),
    ("FG03", "Teesmouth", "sh_homeless", 9, "2019-10-01"),
    ("FG04", "Wearhaven", "sh_learning_disability", 10, "2019-10-08"),
    ("FG05", "Tyneford", "sh_deaf_bsl", 8, "2019-10-16"),
    ("FG06", "Teesmouth", "sh_recovery", 9, "2019-10-24"),
    ("FG07", "Wearhaven", "sh_refugee_asylum", 10, "2019-10-31"),
    ("FG08", "Solway Marsh", "sh_gypsy_roma_traveller", 6, "2019-11-07"),
    ("FG09", "Castleholm", "sh_learning_disability", 9, "2019-11-14"),
    ("FG10", "Tyneford", "sh_homeless", 11, "2019-11-21"),
)

DIALOGUE_AGE_BANDS = ("16-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+")
#: age mix of public participants by channel (telephone, outreach, focus group, online)
DIALOGUE_AGE_BY_CHANNEL = (
    (0.035, 0.075, 0.11, 0.16, 0.20, 0.23, 0.19),
    (0.08, 0.12, 0.14, 0.16, 0.18, 0.18, 0.14),
    (0.15, 0.22, 0.21, 0.17, 0.13, 0.08, 0.04),
    (0.07, 0.16, 0.19, 0.21, 0.19, 0.13, 0.05),
)
DIALOGUE_AGE_PROFESSIONAL = (0.05, 0.22, 0.26, 0.27, 0.18, 0.02, 0.0)
DIALOGUE_SEXES = ("Female", "Male")
DIALOGUE_FEMALE = {"public": 0.63, "professional": 0.74}
DIALOGUE_ETHNICITIES = ("White", "Mixed/Multiple ethnic groups", "Asian/Asian British",
                        "Black/African/Caribbean/Black British", "Other ethnic group")
DIALOGUE_ETHNICITY = {
    "public": (0.962, 0.009, 0.014, 0.006, 0.009),
    "professional": (0.935, 0.010, 0.030, 0.015, 0.010),
    "refugee": (0.05, 0.05, 0.25, 0.40, 0.25),
}
DIALOGUE_SECTORS = ("NHS", "Local authority", "Voluntary and community sector",
                    "Other public service")
DIALOGUE_SECTOR_WEIGHTS = (0.46, 0.20, 0.24, 0.10)
#: IMD quintile weights of professionals' home areas (they live in less deprived areas)
DIALOGUE_IMD_PROFESSIONAL = (0.14, 0.18, 0.22, 0.22, 0.24)
DIALOGUE_DISABILITY = {"public": 0.23, "professional": 0.08}
DIALOGUE_CARER = {"public": 0.12, "professional": 0.14}

#: synthetic population of the area, adults 16+ (invented, ONS-like shares)
DIALOGUE_POPULATION = {
    "age_band": dict(zip(DIALOGUE_AGE_BANDS,
                         (0.135, 0.155, 0.145, 0.165, 0.165, 0.130, 0.105))),
    "sex": {"Female": 0.512, "Male": 0.488},
    "ethnicity": dict(zip(DIALOGUE_ETHNICITIES, (0.934, 0.011, 0.033, 0.010, 0.012))),
    "imd_quintile": {1: 0.31, 2: 0.21, 3: 0.18, 4: 0.16, 5: 0.14},
}

#: chance that a participant raises each code of the bundled wellbeing codebook (public,
#: professional) before the group multipliers below; codebook order
DIALOGUE_CODE_RATES = {
    "social_connection": (0.34, 0.18),
    "community_groups": (0.13, 0.10),
    "loneliness": (0.15, 0.10),
    "looked_after": (0.19, 0.10),
    "support_available": (0.13, 0.15),
    "continuity_of_care": (0.06, 0.09),
    "general_health": (0.22, 0.13),
    "healthy_eating": (0.08, 0.05),
    "sleep": (0.07, 0.08),
    "smoking_alcohol": (0.04, 0.03),
    "mental_health": (0.16, 0.24),
    "mental_health_support": (0.05, 0.07),
    "physical_activity": (0.16, 0.12),
    "self_care": (0.07, 0.26),
    "gp_access": (0.15, 0.06),
    "service_access": (0.06, 0.07),
    "cost_of_living": (0.12, 0.10),
    "digital_apps": (0.05, 0.13),
    "information_advice": (0.06, 0.18),
    "prevention": (0.04, 0.17),
    "unpaid_carers": (0.01, 0.04),
    "work": (0.07, 0.24),
    "purpose_enjoyment": (0.10, 0.06),
    "housing": (0.05, 0.06),
    "green_space": (0.09, 0.04),
}
#: public participants: multipliers by IMD quintile 1..5
DIALOGUE_IMD_EFFECT = {
    "cost_of_living": (2.2, 1.4, 0.9, 0.55, 0.3),
    "housing": (1.8, 1.2, 0.9, 0.65, 0.45),
    "smoking_alcohol": (1.6, 1.2, 1.0, 0.75, 0.55),
    "gp_access": (1.25, 1.1, 1.0, 0.9, 0.8),
    "green_space": (0.7, 0.85, 1.0, 1.2, 1.35),
    "physical_activity": (0.8, 0.9, 1.0, 1.15, 1.25),
}
#: public participants: multipliers by age band (16-24 ... 75+)
DIALOGUE_AGE_EFFECT = {
    "loneliness": (1.3, 0.9, 0.7, 0.75, 1.0, 1.4, 2.1),
    "digital_apps": (1.8, 1.6, 1.3, 1.0, 0.7, 0.45, 0.3),
    "work": (1.6, 1.8, 1.8, 1.6, 1.2, 0.4, 0.1),
    "general_health": (0.6, 0.7, 0.8, 1.0, 1.2, 1.4, 1.5),
    "mental_health": (1.7, 1.4, 1.2, 1.0, 0.8, 0.6, 0.5),
    "continuity_of_care": (0.5, 0.6, 0.8, 1.0, 1.2, 1.5, 1.8),
}
#: public participants: multipliers by channel (telephone, outreach, focus group, online)
DIALOGUE_CHANNEL_EFFECT = {
    "loneliness": (1.2, 1.0, 1.5, 0.8),
    "community_groups": (0.8, 1.7, 1.0, 0.8),
    "social_connection": (1.0, 1.15, 1.0, 0.9),
    "looked_after": (1.0, 1.0, 1.8, 0.9),
    "gp_access": (1.0, 1.0, 1.6, 1.0),
    "service_access": (1.0, 1.0, 3.0, 1.0),
    "information_advice": (0.9, 1.0, 3.0, 1.2),
    "housing": (1.0, 1.0, 2.5, 1.0),
    "digital_apps": (0.6, 0.8, 0.5, 2.4),
}
#: everybody: multiplier for participants living in a rural locality
DIALOGUE_RURAL_EFFECT = {"service_access": 2.5, "green_space": 1.3}
#: public carers raise unpaid caring at this rate (non-carers at DIALOGUE_CODE_RATES)
DIALOGUE_CARER_RATE = 0.32
#: cap on any probability
DIALOGUE_MAX_RATE = 0.85

#: how many answers carry personal details (for redaction exercises)
DIALOGUE_N_PII = 10
DIALOGUE_SURNAMES = ("Armstrong", "Charlton", "Robson", "Milburn", "Hetherington", "Routledge",
                     "Dodd", "Elliott")
DIALOGUE_FIRST_NAMES = ("joan", "brenda", "alan", "ken", "maureen", "derek")

#: second-coder reliability sample and the two coders' behaviour
DIALOGUE_QUESTION = "what_matters"
DIALOGUE_N_RELIABILITY = 300
DIALOGUE_CODERS = ("Coder A", "Coder B")
#: P(coder applies a code the answer carries) for each coder; lower for fuzzier codes
DIALOGUE_CODER_SENSITIVITY = (0.92, 0.85)
DIALOGUE_FUZZY_CODES = {"support_available": 0.88, "looked_after": 0.9,
                        "purpose_enjoyment": 0.86, "general_health": 0.9,
                        "information_advice": 0.88, "community_groups": 0.92}
#: P(coder applies a code the answer does not carry): anywhere, when a neighbouring code
#: is present, and when the code is mentioned only in negated form ("I'm not lonely")
DIALOGUE_CODER_FALSE = (0.004, 0.008)
DIALOGUE_CODER_NEIGHBOUR = (0.03, 0.07)
DIALOGUE_CODER_NEGATED = (0.15, 0.45)
DIALOGUE_NEIGHBOURS = (("looked_after", "support_available"),
                       ("mental_health", "mental_health_support"),
                       ("social_connection", "community_groups"),
                       ("social_connection", "loneliness"),
                       ("general_health", "self_care"), ("gp_access", "service_access"),
                       ("purpose_enjoyment", "work"), ("information_advice", "prevention"))

_DIALOGUE_PARTICIPANT_DTYPES = {
    "respondent": "str", "stakeholder_type": "str", "sector": "str", "channel": "str",
    "session_id": "str", "date": "str", "locality": "str", "rural": "bool", "age_band": "str",
    "sex": "str", "ethnicity": "str", "imd_quintile": "int64", "disability": "bool",
    "carer": "bool", **{flag: "bool" for flag in DIALOGUE_SELDOM_HEARD},
    "seldom_heard": "bool", "reliability_sample": "bool", DIALOGUE_QUESTION: "str",
}
_DIALOGUE_POPULATION_DTYPES = {"variable": "str", "category": "str", "share": "float64",
                               "source": "str", "year": "int64"}
_DIALOGUE_CODING_DTYPES = {"respondent": "str", "question": "str", "code": "str",
                           "coder": "str"}
_DIALOGUE_ALTERNATIVES = re.compile(r"\{([^{}]*)\}")


def _dialogue_expand(template: str) -> list[str]:
    """Every sentence a template can make: ``"a {b|c}."`` -> ``["a b.", "a c."]``."""
    parts = _DIALOGUE_ALTERNATIVES.split(template)
    literals, choices = parts[0::2], [p.split("|") for p in parts[1::2]]
    out = []
    for combo in itertools.product(*choices):
        text = literals[0] + "".join(c + lit for c, lit in zip(combo, literals[1:]))
        out.append(re.sub(r" {2,}", " ", text).strip())
    return out


def dialogue_sentences() -> pd.DataFrame:
    """The sentence bank of the ``engagement_dialogue`` answers, one row per sentence.

    Columns: ``template`` (its number in ``DIALOGUE_SENTENCES``), ``primary_code`` (the
    code the sentence is chosen for), ``codes`` (space-separated codes a careful coder
    applies), ``who`` (public / professional), ``negated`` (a code mentioned only in
    negated form, e.g. "I'm not lonely"), ``sentence``.  Useful to check a codebook against
    known answers.

    Example
    -------
    >>> bank = dialogue_sentences()
    >>> bank.loc[bank["negated"] == "loneliness", "sentence"].iloc[0]
    "I'm not lonely, I've got good neighbours."
    """
    rows = []
    for t, (codes, who, template, negated) in enumerate(DIALOGUE_SENTENCES):
        for sentence in _dialogue_expand(template):
            rows.append((t, codes.split()[0], codes, who, negated, sentence))
    return pd.DataFrame(rows, columns=["template", "primary_code", "codes", "who", "negated",
                                       "sentence"])


def _dialogue_pick(rng, probs, n_rows: int) -> np.ndarray:
    """Category index per row from one probability vector."""
    return rng.choice(len(probs), size=n_rows, p=np.asarray(probs) / np.sum(probs))


def _dialogue_people(rng: np.random.Generator) -> pd.DataFrame:
    """Who took part: type, channel, session, locality, date and characteristics."""
    rows = []
    for kind in ("public", "professional"):
        counts = DIALOGUE_CHANNEL_COUNTS[kind]
        rows.append(pd.DataFrame({
            "stakeholder_type": kind,
            "channel": np.repeat(np.array(DIALOGUE_CHANNELS), counts),
        }))
    people = pd.concat(rows, ignore_index=True)
    n = len(people)
    public = (people["stakeholder_type"] == "public").to_numpy()
    channel = pd.Index(DIALOGUE_CHANNELS).get_indexer(people["channel"])
    loc_names = np.array([x[0] for x in DIALOGUE_LOCALITIES])
    loc_index = {name: i for i, name in enumerate(loc_names)}

    # sessions: outreach (public and professional) and Healthwatch focus groups (public)
    session = np.full(n, None, dtype=object)
    locality = _dialogue_pick(rng, [x[3] for x in DIALOGUE_LOCALITIES], n)
    day = rng.integers(0, 89, size=n)  # 2 September - 29 November 2019
    date = _iso("2019-09-02", day).astype(object)
    flag_of = np.full(n, None, dtype=object)
    for kind, weights in (("public", DIALOGUE_OUTREACH_WEIGHTS),
                          ("professional", np.ones(len(DIALOGUE_OUTREACH)))):
        who = np.flatnonzero((channel == 1) & (public == (kind == "public")))
        sizes = _exact_counts(np.asarray(weights) / np.sum(weights), len(who))
        sid = np.repeat(np.arange(len(DIALOGUE_OUTREACH)), sizes)
        session[who] = np.array([s[0] for s in DIALOGUE_OUTREACH], dtype=object)[sid]
        locality[who] = [loc_index[DIALOGUE_OUTREACH[k][1]] for k in sid]
        date[who] = np.array([s[3] for s in DIALOGUE_OUTREACH], dtype=object)[sid]
    who = np.flatnonzero(channel == 2)
    sizes = [g[3] for g in DIALOGUE_FOCUS_GROUPS]
    if sum(sizes) != len(who):  # pragma: no cover - constants out of step
        raise WellbeingError("focus group sizes do not add up to the focus-group count")
    gid = np.repeat(np.arange(len(DIALOGUE_FOCUS_GROUPS)), sizes)
    session[who] = np.array([g[0] for g in DIALOGUE_FOCUS_GROUPS], dtype=object)[gid]
    locality[who] = [loc_index[DIALOGUE_FOCUS_GROUPS[k][1]] for k in gid]
    date[who] = np.array([g[4] for g in DIALOGUE_FOCUS_GROUPS], dtype=object)[gid]
    flag_of[who] = np.array([g[2] for g in DIALOGUE_FOCUS_GROUPS], dtype=object)[gid]

    # characteristics
    age = np.empty(n, dtype=np.int64)
    for c in range(len(DIALOGUE_CHANNELS)):
        sel = np.flatnonzero(public & (channel == c))
        age[sel] = _dialogue_pick(rng, DIALOGUE_AGE_BY_CHANNEL[c], len(sel))
    age[~public] = _dialogue_pick(rng, DIALOGUE_AGE_PROFESSIONAL, int((~public).sum()))
    female = rng.random(n) < np.where(public, DIALOGUE_FEMALE["public"],
                                      DIALOGUE_FEMALE["professional"])
    ethnicity = np.where(public, _dialogue_pick(rng, DIALOGUE_ETHNICITY["public"], n),
                         _dialogue_pick(rng, DIALOGUE_ETHNICITY["professional"], n))
    imd_w = np.array([x[2] for x in DIALOGUE_LOCALITIES])[locality]
    imd = (imd_w.cumsum(axis=1) < rng.random((n, 1))).sum(axis=1) + 1
    imd = np.where(public, imd, _dialogue_pick(rng, DIALOGUE_IMD_PROFESSIONAL, n) + 1)
    disability = rng.random(n) < np.where(public, DIALOGUE_DISABILITY["public"],
                                          DIALOGUE_DISABILITY["professional"])
    carer = rng.random(n) < np.where(public, DIALOGUE_CARER["public"],
                                     DIALOGUE_CARER["professional"])
    sector = np.where(public, None, np.array(DIALOGUE_SECTORS, dtype=object)[
        _dialogue_pick(rng, DIALOGUE_SECTOR_WEIGHTS, n)])

    # seldom-heard groups: everyone in a focus group, a few elsewhere
    flags = {}
    draws = rng.random((n, len(DIALOGUE_SELDOM_HEARD)))
    for k, flag in enumerate(DIALOGUE_SELDOM_HEARD):
        flags[flag] = (flag_of == flag) | (public & (channel != 2)
                                           & (draws[:, k] < DIALOGUE_SELDOM_HEARD_ELSEWHERE[k]))
    refugee = flags["sh_refugee_asylum"]
    ethnicity[refugee] = _dialogue_pick(rng, DIALOGUE_ETHNICITY["refugee"], int(refugee.sum()))
    ethnicity[flags["sh_gypsy_roma_traveller"]] = 0  # recorded as White in the ONS groups
    disability |= flags["sh_learning_disability"] | flags["sh_deaf_bsl"]
    deprived = flags["sh_homeless"] | flags["sh_recovery"]
    imd[deprived] = np.where(rng.random(int(deprived.sum())) < 0.8, 1, 2)
    female[flags["sh_homeless"]] = rng.random(int(flags["sh_homeless"].sum())) < 0.3

    people["sector"] = sector
    people["session_id"] = session
    people["date"] = date
    people["locality"] = loc_names[locality]
    people["rural"] = np.array([x[1] for x in DIALOGUE_LOCALITIES])[locality]
    people["age_band"] = np.array(DIALOGUE_AGE_BANDS)[age]
    people["sex"] = np.where(female, "Female", "Male")
    people["ethnicity"] = np.array(DIALOGUE_ETHNICITIES)[ethnicity]
    people["imd_quintile"] = imd
    people["disability"] = disability
    people["carer"] = carer
    for flag, values in flags.items():
        people[flag] = values
    people["seldom_heard"] = np.column_stack(list(flags.values())).any(axis=1)
    # one row per participant in date order; identifiers follow that order
    people["_tie"] = rng.random(n)
    people = people.sort_values(["date", "_tie"], kind="stable").drop(columns="_tie")
    people = people.reset_index(drop=True)
    people.insert(0, "respondent", [f"R{i:04d}" for i in range(1, n + 1)])
    return people


def _dialogue_rates(people: pd.DataFrame) -> np.ndarray:
    """participants x codes probability of raising each code (the design)."""
    codes = list(DIALOGUE_CODE_RATES)
    public = (people["stakeholder_type"] == "public").to_numpy()
    base = np.array(list(DIALOGUE_CODE_RATES.values()))  # codes x (public, professional)
    p = np.where(public[:, None], base[:, 0], base[:, 1])
    imd = people["imd_quintile"].to_numpy() - 1
    age = pd.Index(DIALOGUE_AGE_BANDS).get_indexer(people["age_band"])
    channel = pd.Index(DIALOGUE_CHANNELS).get_indexer(people["channel"])
    rural = people["rural"].to_numpy()
    for table, index in ((DIALOGUE_IMD_EFFECT, imd), (DIALOGUE_AGE_EFFECT, age),
                         (DIALOGUE_CHANNEL_EFFECT, channel)):
        for code, mult in table.items():
            j = codes.index(code)
            p[:, j] *= np.where(public, np.asarray(mult)[index], 1.0)
    for code, mult in DIALOGUE_RURAL_EFFECT.items():
        p[:, codes.index(code)] *= np.where(rural, mult, 1.0)
    carer = public & people["carer"].to_numpy()
    p[carer, codes.index("unpaid_carers")] = DIALOGUE_CARER_RATE
    return np.minimum(p, DIALOGUE_MAX_RATE)


def _dialogue_answers(rng: np.random.Generator, people: pd.DataFrame):
    """Free-text answers and what a careful coder would code in each (truth, negated)."""
    codes = list(DIALOGUE_CODE_RATES)
    n, k = len(people), len(codes)
    code_pos = {c: j for j, c in enumerate(codes)}
    bank = dialogue_sentences()
    sentences = bank["sentence"].to_numpy(dtype=object)
    public = (people["stakeholder_type"] == "public").to_numpy()

    p = _dialogue_rates(people)
    raised = rng.random((n, k)) < p
    # about half of those who raised nothing get one code anyway
    none = ~raised.any(axis=1) & (rng.random(n) < 0.5)
    rows = np.flatnonzero(none)
    pick = (p[rows].cumsum(axis=1) / p[rows].sum(axis=1, keepdims=True)
            < rng.random((len(rows), 1))).sum(axis=1)
    raised[rows, pick] = True

    neg_code = np.array([code_pos.get(neg, -1) for _, _, _, neg in DIALOGUE_SENTENCES])
    first = bank.groupby("template")["sentence"].apply(lambda s: s.index[0])
    size = bank.groupby("template").size()
    chosen = np.full((n, k), -1, dtype=np.int64)  # sentence row in the bank
    for j, code in enumerate(codes):  # over codes, vectorised over participants
        for kind, sel in (("public", public), ("professional", ~public)):
            who = np.flatnonzero(raised[:, j] & sel)
            templates = np.sort(pd.unique(bank.loc[(bank["primary_code"] == code)
                                                   & (bank["who"] == kind), "template"]))
            if len(who) == 0:
                continue
            if len(templates) == 0:  # pragma: no cover - every code has both kinds
                raise WellbeingError(f"no {kind} sentence for code {code}")
            t = templates[rng.integers(0, len(templates), size=len(who))]
            # a negated mention ("I'm not lonely") only from people who do not raise it
            clash = raised[who, neg_code[t]] & (neg_code[t] >= 0)
            plain = templates[neg_code[templates] < 0]
            t[clash] = plain[rng.integers(0, len(plain), size=int(clash.sum()))]
            chosen[who, j] = first[t].to_numpy() + np.floor(
                rng.random(len(who)) * size[t].to_numpy()).astype(np.int64)

    truth = np.zeros((n, k), dtype=bool)
    negated = np.zeros((n, k), dtype=bool)
    code_sets = [[code_pos[c] for c in s.split()] for s in bank["codes"]]
    neg_of = np.array([code_pos.get(c, -1) for c in bank["negated"]])
    rr, jj = np.nonzero(chosen >= 0)
    for r, s in zip(rr, chosen[rr, jj]):  # over chosen sentences (about 3 per answer)
        truth[r, code_sets[s]] = True
    neg_rows = neg_of[chosen[rr, jj]] >= 0
    negated[rr[neg_rows], neg_of[chosen[rr, jj]][neg_rows]] = True
    negated &= ~truth

    # sentence order: random; then openers, closers and non-answers
    keys = np.where(chosen >= 0, rng.random((n, k)), np.inf)
    order = np.argsort(keys, axis=1, kind="stable")
    ordered = np.take_along_axis(chosen, order, axis=1)
    text = np.full(n, "", dtype=object)
    for col in range(k):
        s = ordered[:, col]
        text = np.where(s >= 0, text + " " + sentences[np.maximum(s, 0)], text)
    opener = rng.random(n) < 0.12
    closer = rng.random(n) < 0.08
    text = np.where(opener, np.array(DIALOGUE_OPENERS, dtype=object)[
        rng.integers(0, len(DIALOGUE_OPENERS), n)] + text, text)
    text = np.where(closer, text + " " + np.array(DIALOGUE_CLOSERS, dtype=object)[
        rng.integers(0, len(DIALOGUE_CLOSERS), n)], text)
    empty = ~truth.any(axis=1)
    text = np.where(empty, np.array(DIALOGUE_NON_ANSWERS, dtype=object)[
        rng.integers(0, len(DIALOGUE_NON_ANSWERS), n)], text)
    text = pd.Series(text, dtype="str").str.strip()
    # some online answers typed in lower case without the final full stop
    online = (people["channel"] == "online").to_numpy()
    lower = online & (rng.random(n) < 0.15)
    text[lower] = text[lower].str.lower().str.rstrip(".")
    return text, truth, negated


def _dialogue_pii(rng: np.random.Generator) -> list[str]:
    """Ten sentences carrying personal details (all invented; test ranges where they exist)."""
    from ..privacy import nhs_number_check_digit

    first_nine = pd.Series(rng.integers(0, 10**6, size=16)).map("999{:06d}".format)
    check = nhs_number_check_digit(first_nine)
    ok = check.notna()
    nhs = (first_nine[ok] + check[ok].astype(str)).tolist()[:2]
    surname = rng.choice(DIALOGUE_SURNAMES, size=5, replace=False)
    first = rng.choice(DIALOGUE_FIRST_NAMES, size=2, replace=False)
    mobile = [f"07700 900{x:03d}" for x in rng.choice(1000, size=2, replace=False)]
    landline = f"0191 498 0{rng.integers(0, 1000):03d}"  # Ofcom drama range, Tyneside
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    postcodes = [f"{area}{rng.integers(1, 10)} {rng.integers(1, 10)}"
                 f"{letters[rng.integers(0, 20)]}{letters[rng.integers(0, 20)]}"
                 for area in ("NE", "DH")]
    return [
        f"You can email me at {first[0]}.{surname[0].lower()}@example.com if you want more.",
        f"My NHS number is {nhs[0][:3]} {nhs[0][3:6]} {nhs[0][6:]} in case you need it.",
        f"Ring me on {mobile[0]}, I'm in most days.",
        f"Mrs {surname[1]} from across the road takes me shopping.",
        f"Post anything to me at {postcodes[0]} please.",
        f"Contact my daughter on {landline} if I don't answer.",
        f"My husband's NHS number is {nhs[1]} if you need it.",
        f"Dr {surname[2]} at the practice knows all about it.",
        f"Email {first[1]}{rng.integers(10, 100)}@example.com or text {mobile[1]}.",
        f"Mr {surname[3]} at {postcodes[1]} has my spare key.",
    ]


def _dialogue_codings(rng: np.random.Generator, people: pd.DataFrame, truth: np.ndarray,
                      negated: np.ndarray) -> tuple[np.ndarray, pd.DataFrame]:
    """Two coders' coding of a random sample of answers: a tidy coding table."""
    codes = np.array(list(DIALOGUE_CODE_RATES), dtype=object)
    n, k = truth.shape
    sample = np.sort(rng.choice(n, size=DIALOGUE_N_RELIABILITY, replace=False))
    t, neg = truth[sample], negated[sample]
    neighbour = np.zeros_like(t)
    pos = {c: j for j, c in enumerate(codes)}
    for a, b in DIALOGUE_NEIGHBOURS:
        neighbour[:, pos[a]] |= t[:, pos[b]]
        neighbour[:, pos[b]] |= t[:, pos[a]]
    fuzzy = np.array([DIALOGUE_FUZZY_CODES.get(c, 1.0) for c in codes])
    parts = []
    for c, coder in enumerate(DIALOGUE_CODERS):
        hit = rng.random(t.shape) < DIALOGUE_CODER_SENSITIVITY[c] * fuzzy
        false = np.where(neg, DIALOGUE_CODER_NEGATED[c],
                         np.where(neighbour, DIALOGUE_CODER_NEIGHBOUR[c],
                                  DIALOGUE_CODER_FALSE[c]))
        applied = np.where(t, hit, rng.random(t.shape) < false)
        r, j = np.nonzero(applied)
        parts.append(pd.DataFrame({"respondent": people["respondent"].to_numpy()[sample][r],
                                   "question": DIALOGUE_QUESTION, "code": codes[j],
                                   "coder": coder, "_j": j}))
    codings = pd.concat(parts, ignore_index=True)
    codings = codings.sort_values(["respondent", "coder", "_j"], kind="stable")
    return sample, codings.drop(columns="_j").reset_index(drop=True)


def _dialogue_population() -> pd.DataFrame:
    rows = [{"variable": var, "category": str(cat), "share": share,
             "source": "synthetic: invented ONS-like shares of adults (16+) for a North East "
                       "and North Cumbria-like ICS", "year": 2019}
            for var, cats in DIALOGUE_POPULATION.items() for cat, share in cats.items()]
    return pd.DataFrame(rows)


def _dialogue_simulate(rng: np.random.Generator) -> tuple[dict[str, pd.DataFrame], dict]:
    """The three tables, and what :func:`engagement_dialogue_truth` reports."""
    r_people, r_text, r_pii, r_coders = rng.spawn(4)
    people = _dialogue_people(r_people)
    text, planted, negated = _dialogue_answers(r_text, people)
    # personal details: appended to ten public answers that have something to say
    public = (people["stakeholder_type"] == "public").to_numpy() & planted.any(axis=1)
    pii_rows = np.sort(r_pii.choice(np.flatnonzero(public), DIALOGUE_N_PII, replace=False))
    details = pd.Series(_dialogue_pii(r_pii), index=pii_rows, dtype="str")
    text.iloc[pii_rows] = text.iloc[pii_rows].str.rstrip(".") + ". " + details.to_numpy()
    sample, codings = _dialogue_codings(r_coders, people, planted, negated)
    people["reliability_sample"] = np.isin(np.arange(len(people)), sample)
    people[DIALOGUE_QUESTION] = text.to_numpy()
    frames = {
        "engagement_participants": people,
        "engagement_population": _dialogue_population(),
        "engagement_codings": codings,
    }
    return frames, {"planted": planted, "pii_rows": pii_rows, "pii_details": details}


@dataclass(frozen=True, eq=False)
class DialogueTruth:
    """What was planted in the ``engagement_dialogue`` data (:func:`engagement_dialogue_truth`).

    Attributes
    ----------
    planted : DataFrame
        ``respondent``, ``code``: the codes a careful coder would apply to each answer,
        one row per participant x code (respondent order, then codebook order).
    pii : DataFrame
        ``row`` (position in the participants file), ``respondent``, ``detail``: the ten
        answers carrying personal details and the sentence appended to each.
    rates : DataFrame
        ``respondent``, ``code``, ``rate``: the designed probability that the participant
        raises the code, one row per participant x code.

    ``truth["planted"]``, ``truth["pii_rows"]``, ``truth["pii_details"]`` and
    ``truth["rates"]`` (a participants x codes array) give what the mapping this function
    returned before had under those keys.
    """

    planted: pd.DataFrame
    pii: pd.DataFrame
    rates: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """The planted codes: ``respondent``, ``code``."""
        return self.planted

    @property
    def pii_rows(self) -> np.ndarray:
        """Positions (rows of the participants file) of the answers with personal details."""
        return self.pii["row"].to_numpy()

    @property
    def pii_details(self) -> list[str]:
        """The sentences with personal details, in the order of :attr:`pii_rows`."""
        return self.pii["detail"].tolist()


def engagement_dialogue_truth(random_state=DEFAULT_SEED) -> DialogueTruth:
    """What was planted in the ``engagement_dialogue`` data: to check an analysis against.

    Parameters
    ----------
    random_state : int, numpy.random.Generator or None, default DEFAULT_SEED
        The seed (or generator) the data set was generated with: the default 2019 gives
        the truth of the committed files; ``generate("engagement_dialogue",
        random_state=s)`` and ``engagement_dialogue_truth(s)`` describe the same data for
        the same int ``s``.  ``None`` draws fresh entropy.

    Returns
    -------
    DialogueTruth
        ``planted`` (respondent, code: the codes a careful coder would apply to each
        answer; also ``to_frame()``), ``pii`` (row, respondent, detail: the answers
        carrying personal details) and ``rates`` (respondent, code, rate: the designed
        probabilities).

    Example
    -------
    >>> truth = engagement_dialogue_truth()
    >>> len(truth.pii), truth.planted["code"].nunique()
    (10, 25)
    >>> truth.pii.loc[0, "detail"]
    'You can email me at alan.hetherington@example.com if you want more.'
    """
    frames, planted = _dialogue_simulate(np.random.default_rng(random_state))
    people = frames["engagement_participants"]
    respondent = people["respondent"].to_numpy()
    codes = np.array(list(DIALOGUE_CODE_RATES), dtype=object)
    r, j = np.nonzero(planted["planted"])
    rows = planted["pii_rows"]
    rates = _dialogue_rates(people)
    return DialogueTruth(
        planted=pd.DataFrame({"respondent": respondent[r], "code": codes[j]}),
        pii=pd.DataFrame({"row": rows, "respondent": respondent[rows],
                          "detail": planted["pii_details"].to_numpy()}),
        rates=pd.DataFrame({"respondent": np.repeat(respondent, len(codes)),
                            "code": np.tile(codes, len(respondent)),
                            "rate": rates.ravel()}),
    )


@register_dataset(
    "engagement_dialogue",
    files={
        "engagement_participants":
            "one row per participant of a 'what matters to you?' dialogue: stakeholder type, "
            "channel, session, locality, characteristics, seldom-heard flags, free-text answer",
        "engagement_population":
            "synthetic population shares of the same area (age band, sex, ethnicity, IMD)",
        "engagement_codings":
            "two coders' coding of a 300-answer subsample (respondent, question, code, coder)",
    },
    description="Public and professional wellbeing dialogue in a fictional ICS (synthetic, "
                "autumn 2019)",
    dtypes={
        "engagement_participants": _DIALOGUE_PARTICIPANT_DTYPES,
        "engagement_population": _DIALOGUE_POPULATION_DTYPES,
        "engagement_codings": _DIALOGUE_CODING_DTYPES,
    },
    float_format="%.4f",
)
def _generate_engagement_dialogue(rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """A TONIC-style dialogue about wellbeing (the full story: data/README.md).

    1. 2,320 public and 936 professional participants by channel (telephone, 12 outreach
       sessions, 10 Healthwatch focus groups with seldom-heard groups, online), with
       locality, characteristics and seldom-heard flags.
    2. Each participant raises each codebook code with a probability set by stakeholder
       type and, for the public, deprivation, age, channel, rurality and caring
       (``DIALOGUE_CODE_RATES`` and the ``*_EFFECT`` tables); a sentence is drawn for
       each from ``DIALOGUE_SENTENCES`` (templates with alternatives, negated mentions).
    3. Ten public answers get a sentence with personal details; two coders code a random
       300 answers with realistic slips.
    """
    return _dialogue_simulate(rng)[0]
