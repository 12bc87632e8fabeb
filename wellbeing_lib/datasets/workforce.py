"""The ``workforce_diagnostic`` data set: the Health and Wellbeing Framework diagnostic in an ICS.

The diagnostic across a fictional ICS of 14 organisations (2021-2022): answers with
evidence notes and staff groups (a tidy CSV and one XLSX workbook per organisation in
``diagnostic_workbooks/``), staged one element a month; staff survey results with ICS and
national comparators; staff network leads' views.  Planted patterns: one organisation
strong where most are weak, an element with no evidence about AfC bands 2-4, organisations
behind schedule, and a self-assessment its staff survey and networks contradict.
:func:`workforce_diagnostic` makes it with more organisations (for benchmarks) and
:func:`write_workforce_workbooks` writes the workbooks.  The files are described in
``data/README.md`` (data dictionary, then the generator notes).

Example
-------
>>> frames = workforce_diagnostic()
>>> frames["workforce_organisations"]["org_code"].tolist()[:3]
['HV01', 'HV02', 'HV03']
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ._common import _cast_frames
from .registry import DEFAULT_SEED, register_dataset

__all__ = ["workforce_diagnostic", "write_workforce_workbooks"]

WORKFORCE_ICS = "Halden Vale Health and Care Partnership"
#: the first element is planned for November 2021 (as A Healthier Future started), then one a month
DIAGNOSTIC_START = "2021-11-01"
#: (code, name, type, lead role, headcount, takes part in the NHS Staff Survey)
WORKFORCE_ORGANISATIONS = (
    ("HV01", "Halden Vale Hospitals NHS Foundation Trust", "Acute trust",
     "Head of staff health and wellbeing", 8400, True),
    ("HV02", "Eastbrook General Hospital NHS Trust", "Acute trust",
     "Wellbeing lead, people directorate", 5200, True),
    ("HV03", "Northfold and Ormsby Hospitals NHS Trust", "Acute trust",
     "Deputy director of people", 6900, True),
    ("HV04", "Halden Vale Community Health NHS Trust", "Community trust",
     "Health and wellbeing manager", 2600, True),
    ("HV05", "Eastbrook Community Services CIC", "Community interest company",
     "People and culture partner", 1300, False),
    ("HV06", "Halden Vale Partnership NHS Foundation Trust", "Mental health trust",
     "Head of occupational health and wellbeing", 3700, True),
    ("HV07", "Ormsby Mental Health NHS Trust", "Mental health trust",
     "Staff wellbeing lead", 2900, True),
    ("HV08", "Vale and Fens Ambulance Service NHS Trust", "Ambulance trust",
     "Head of health, safety and wellbeing", 4100, True),
    ("HV09", "Haldenshire County Council", "County council",
     "Workforce wellbeing officer", 6200, False),
    ("HV10", "Ormsby County Council", "County council",
     "Organisational development manager", 4800, False),
    ("HV11", "Halden Vale GP Federation", "Primary care",
     "Federation wellbeing lead (practice manager)", 900, False),
    ("HV12", "Ormsby Primary Care Alliance", "Primary care",
     "Operations manager", 650, False),
    ("HV13", "Kestrel Hill Hospice", "Hospice", "HR business partner", 320, False),
    ("HV14", "Halden Vale Clinical Commissioning Group", "Commissioner",
     "Head of HR", 410, False),
)
#: staff groups each type of organisation employs (terms of diagnostic.staff_groups())
EMPLOYED_BY_TYPE = {
    "Acute trust": "AfC 1-9; Medical and dental; Bank/temporary",
    "Community trust": "AfC 1-9; Medical and dental; Bank/temporary",
    "Community interest company": "AfC 1-9; Bank/temporary",
    "Mental health trust": "AfC 1-9; Medical and dental; Social care; Bank/temporary",
    "Ambulance trust": "AfC 1-9; Bank/temporary",
    "County council": "Social care; Other pay scales; Bank/temporary",
    "Primary care": "Medical and dental; Other pay scales; Bank/temporary",
    "Hospice": "AfC 1-9; Medical and dental; Bank/temporary",
    "Commissioner": "AfC 1-9; Medical and dental",
}
#: mean maturity (0-4 points) of each element across the system, in framework order: Data
#: insights is a widespread gap, Professional wellbeing support a widespread strength
ELEMENT_MATURITY = (2.7, 2.0, 1.9, 1.8, 2.1, 0.85, 3.3)
ORG_SD, QUESTION_SD, ANSWER_SD = 0.35, 0.25, 0.55
#: planted patterns: (organisation code, element number 0-6) -> latent maturity
PLANTED_MATURITY = {
    ("HV06", 5): 3.5,  # strong on Data insights where most are weak (peer learning)
    ("HV08", 4): 3.5,  # rates itself mature on Environment; staff survey and networks disagree
}
#: the element on which no organisation's evidence covers AfC bands 2-4
NO_BANDS_2_4_ELEMENT = 3  # Managers and leaders
#: organisations that did not finish: code -> elements answered (None = all, with blanks)
PARTIAL = {"HV10": 4, "HV05": None, "HV12": 0}
#: HV05 leaves these questions blank
HV05_BLANKS = ("REL-03", "REL-06", "REL-08", "ENV-02", "ENV-05", "ENV-09", "PWS-02",
               "PWS-05", "PWS-07")
#: days added to the planned completion day (day 5-26 of the planned month): code ->
#: {element number: (low, high)}; 27 days or more always lands after the month's end
LATENESS = {
    "HV03": {3: (27, 40), 4: (27, 40)},
    "HV08": {k: (32, 45) for k in range(2, 7)},
    "HV10": {2: (27, 35), 3: (27, 35)},
    "HV13": {5: (27, 35)},
}
#: probability that a piece of evidence covers each single staff group, by kind of employer
#: columns: AfC 1..9, Medical and dental, Social care, Bank/temporary, Other pay scales
_NHS_GROUPS = (0.02, 0.06, 0.07, 0.07, 0.35, 0.35, 0.30, 0.18, 0.05, 0.30, 0.0, 0.08, 0.0)
GROUP_PROBS = {
    "Acute trust": _NHS_GROUPS,
    "Community trust": _NHS_GROUPS,
    "Community interest company": (0.02, 0.06, 0.07, 0.07, 0.4, 0.4, 0.3, 0.15, 0.03, 0.0,
                                   0.0, 0.1, 0.0),
    "Mental health trust": (0.02, 0.06, 0.07, 0.07, 0.35, 0.35, 0.30, 0.18, 0.05, 0.3, 0.08,
                            0.08, 0.0),
    "Ambulance trust": (0.02, 0.04, 0.08, 0.10, 0.4, 0.4, 0.25, 0.15, 0.04, 0.0, 0.0, 0.05,
                        0.0),
    "County council": (0.0,) * 9 + (0.0, 0.7, 0.12, 0.6),
    "Primary care": (0.0,) * 9 + (0.6, 0.0, 0.1, 0.6),
    "Hospice": (0.02, 0.06, 0.06, 0.06, 0.4, 0.4, 0.3, 0.15, 0.03, 0.2, 0.0, 0.15, 0.0),
    "Commissioner": (0.0, 0.03, 0.05, 0.06, 0.25, 0.3, 0.4, 0.4, 0.1, 0.2, 0.0, 0.0, 0.0),
}
EVIDENCE_SOURCES = (
    ("Employee assistance programme usage report", "Occupational health referral data",
     "Health and wellbeing campaign calendar", "Mental health first aider register",
     "Health check uptake figures"),
    ("Staff network terms of reference", "Civility and respect campaign materials",
     "Team away-day records", "Schwartz rounds attendance", "Freedom to speak up report"),
    ("Appraisal completion figures", "Flexible working policy and request log",
     "Career conversation records", "Exit interview themes", "Recognition scheme nominations"),
    ("Wellbeing conversation training records", "Board paper on staff wellbeing",
     "Leadership programme evaluation", "Manager toolkit and uptake", "Wellbeing guardian report"),
    ("Rest area audit", "Estates walkaround notes", "Staff catering review",
     "Violence and aggression incident data", "Travel and parking survey"),
    ("Sickness absence dashboard", "Staff survey action plan", "People committee workforce report",
     "Occupational health activity data", "Pulse survey results"),
    ("Occupational health service specification", "Psychological support service data",
     "Physiotherapy fast-track referral data", "Chaplaincy and pastoral support records",
     "Post-incident support log"),
)
EVIDENCE_QUALIFIERS = ("", " (reviewed quarterly)", " (2021 figures)", " (board report, 2021)",
                       " (pilot sites only)", " (not yet evaluated)", " (by staff group)")
#: NHS Staff Survey indicators of "We are safe and healthy" used here: (name, unit)
SURVEY_INDICATORS = (
    ("Health and safety climate", "score 0-10"),
    ("Burnout", "score 0-10"),
    ("Negative experiences", "score 0-10"),
    ("Organisation takes positive action on health and wellbeing", "% agreeing"),
)
#: benchmark group of each organisation type taking part in the survey
BENCHMARK_GROUP = {
    "Acute trust": "Acute and acute & community trusts",
    "Community trust": "Community trusts",
    "Mental health trust": "Mental health & learning disability trusts",
    "Ambulance trust": "Ambulance trusts",
}
#: invented national comparators for 2021, (worst, average, best) per indicator in the order of
#: SURVEY_INDICATORS; 2022 is 0.1 point / 2 percentage points lower.  NOT published figures.
SURVEY_NATIONAL_2021 = {
    "Acute and acute & community trusts": ((4.9, 5.9, 6.9), (4.3, 4.9, 5.5), (7.6, 8.0, 8.5),
                                           (42.0, 56.0, 70.0)),
    "Community trusts": ((5.8, 6.5, 7.3), (4.8, 5.3, 5.9), (8.0, 8.4, 8.8), (50.0, 63.0, 75.0)),
    "Mental health & learning disability trusts": ((5.5, 6.3, 7.1), (4.7, 5.2, 5.8),
                                                   (7.7, 8.1, 8.6), (46.0, 60.0, 73.0)),
    "Ambulance trusts": ((3.9, 4.6, 5.4), (3.8, 4.3, 4.8), (7.2, 7.6, 8.0), (28.0, 38.0, 52.0)),
}
#: HV08's position within its benchmark range (0 = worst, 1 = best): bottom quartile
DISSONANT_POSITION = 0.12
STAFF_NETWORKS = ("Race equality network", "Disability and long-term conditions network",
                  "LGBTQ+ network", "Women's network", "Armed forces network", "Carers network")
NETWORK_COMMENTS = (  # per element: (positive, mixed, concerned)
    ("Members value the employee assistance line and the fast physio referrals.",
     "The offer is good on paper but night staff find it hard to use.",
     "Members say they do not know where to go for help with stress."),
    ("Team huddles and the civility campaign have made a difference.",
     "Some teams are supportive, others still tolerate incivility.",
     "Members report bullying that is not dealt with."),
    ("Flexible working requests are usually agreed.",
     "Career conversations happen for some grades but not others.",
     "Members see few development opportunities and feel stuck."),
    ("Line managers ask about wellbeing in one-to-ones.",
     "Senior leaders talk about wellbeing but managers lack time.",
     "Members say managers are not trained to have wellbeing conversations."),
    ("The new rest areas are well used.",
     "Facilities are fine on the main site, poor on smaller sites.",
     "Members say there is nowhere to rest or eat on shift."),
    ("The wellbeing dashboard is shared with the network.",
     "Data are collected but rarely broken down by staff group.",
     "Members never see what happens to survey results."),
    ("Occupational health is responsive and confidential.",
     "Psychological support is good but the waiting list is long.",
     "Members wait weeks for occupational health appointments."),
)
#: what HV08's networks say about Environment (all concerned)
DISSONANT_COMMENTS = (
    "Crews rarely get a proper meal break; rest areas at stations are cramped and some "
    "have no hot water.",
    "Night shift members say there is nowhere to rest at the hospital handover points.",
    "Violence and aggression reports are not followed up; members feel unsafe on some jobs.",
)

_ORG_DTYPES = {"org_code": "str", "organisation": "str", "organisation_type": "str",
               "ics": "str", "lead_role": "str", "headcount": "int64",
               "staff_groups_employed": "str", "staff_survey": "bool", "workbook": "str"}
_ANSWER_DTYPES = {"organisation": "str", "question_id": "str", "answer": "str",
                  "evidence": "str", "staff_groups": "str", "completed_on": "str"}
_SURVEY_DTYPES = {"organisation": "str", "indicator": "str", "year": "int64", "unit": "str",
                  "value": "float64", "responses": "int64", "ics_average": "float64",
                  "benchmark_group": "str", "national_worst": "float64",
                  "national_average": "float64", "national_best": "float64",
                  "higher_is_better": "bool"}
_NETWORK_DTYPES = {"organisation": "str", "element": "str", "network": "str", "stance": "str",
                   "comment": "str"}
WORKBOOK_FOLDER = "diagnostic_workbooks"


def _organisations(n: int) -> pd.DataFrame:
    """The 14 organisations of the ICS, plus generated ones when ``n`` > 14 (benchmarks)."""
    base = list(WORKFORCE_ORGANISATIONS)
    types = [t for _, _, t, *_ in base]
    for i in range(len(base), n):
        kind = types[i % len(types)]
        base.append((None, f"Halden Vale {kind.lower()} {i + 1:03d}", kind, "Wellbeing lead",
                     1000 + 37 * i % 5000, kind in BENCHMARK_GROUP))
    base = base[:n]
    width = 2 if n < 100 else len(str(n))
    orgs = pd.DataFrame(base, columns=["org_code", "organisation", "organisation_type",
                                       "lead_role", "headcount", "staff_survey"])
    orgs["org_code"] = [f"HV{i:0{width}d}" for i in range(1, n + 1)]
    orgs.insert(3, "ics", WORKFORCE_ICS)
    orgs["staff_groups_employed"] = orgs["organisation_type"].map(EMPLOYED_BY_TYPE)
    orgs["workbook"] = WORKBOOK_FOLDER + "/" + orgs["org_code"] + ".xlsx"
    return orgs[list(_ORG_DTYPES)]


def _format_groups(chosen: np.ndarray, base: list[str]) -> np.ndarray:
    """Cell text of staff group choices (rows x single groups): listed ranges written as such."""
    ranges = [("AfC 1-9", list(range(9))), ("AfC 2-4", [1, 2, 3]), ("AfC 5-7", [4, 5, 6]),
              ("AfC 8-9", [7, 8])]
    out = []
    for row in chosen:
        row = row.copy()
        terms = []
        for term, cols in ranges:
            if row[cols].all():
                terms.append((cols[0], term))
                row[cols] = False
        terms += [(j, base[j]) for j in np.flatnonzero(row)]
        out.append("; ".join(t for _, t in sorted(terms)))
    return np.array(out, dtype=object)



#: the schema of each file, in the order the files are written
_WORKFORCE_DTYPES = {
    "workforce_organisations": _ORG_DTYPES,
    "workforce_diagnostic_answers": _ANSWER_DTYPES,
    "workforce_staff_survey": _SURVEY_DTYPES,
    "workforce_staff_networks": _NETWORK_DTYPES,
}


def workforce_diagnostic(n_organisations: int = 14, random_state=DEFAULT_SEED
                         ) -> dict[str, pd.DataFrame]:
    """The ``workforce_diagnostic`` data set in memory, optionally with more organisations.

    With the defaults this is exactly the bundled data (``generate("workforce_diagnostic")``).
    More organisations (for benchmarks) cycle through the organisation types; the planted
    patterns concern the first 14.

    Parameters
    ----------
    n_organisations : int, default 14
        Organisations in the ICS (at least 1).
    random_state : int, numpy.random.Generator or None, default DEFAULT_SEED
        Seed of :func:`numpy.random.default_rng`, or a generator to draw from; the default
        2019 reproduces the committed files, ``None`` draws fresh entropy.

    Returns
    -------
    dict of str to DataFrame
        ``workforce_organisations``, ``workforce_diagnostic_answers``,
        ``workforce_staff_survey``, ``workforce_staff_networks`` (columns in data/README.md).

    Example
    -------
    >>> frames = workforce_diagnostic()
    >>> {stem: len(df) for stem, df in frames.items()}  # doctest: +NORMALIZE_WHITESPACE
    {'workforce_organisations': 14, 'workforce_diagnostic_answers': 840,
     'workforce_staff_survey': 56, 'workforce_staff_networks': 94}
    >>> len(workforce_diagnostic(30)["workforce_organisations"])
    30
    """
    if n_organisations < 1:
        raise ValueError(f"n_organisations must be at least 1; got {n_organisations}")
    frames = _workforce_frames(np.random.default_rng(random_state), n_organisations)
    return _cast_frames(frames, _WORKFORCE_DTYPES)


# ------------------------------------------------------------------ the simulation, by phase
# Each phase draws from its own stream, spawned from the data set's generator in a fixed
# order (organisations, answers, dates, evidence, survey, networks).
def _draw_maturity(r_org: np.random.Generator, r_answer: np.random.Generator,
                   orgs: pd.DataFrame, q: pd.DataFrame, el_of_q: np.ndarray, n_el: int,
                   code_pos: dict[str, int]):
    """Organisation effects, latent maturity per element, points per answer, and which
    questions each organisation answered."""
    n, n_q = len(orgs), len(q)
    planted = {(code_pos[c], k): v for (c, k), v in PLANTED_MATURITY.items() if c in code_pos}
    org_effect = r_org.normal(0, ORG_SD, size=n)
    type_effect = np.where(orgs["organisation_type"].eq("County council").to_numpy()[:, None]
                           & (np.arange(n_el) == 6), -0.6, 0.0)  # councils: no in-house OH
    latent_el = np.asarray(ELEMENT_MATURITY)[None, :] + org_effect[:, None] + type_effect
    for (i, k), value in planted.items():
        latent_el[i, k] = value
    q_effect = r_answer.normal(0, QUESTION_SD, size=n_q)
    z = latent_el[:, el_of_q] + q_effect[None, :] + r_answer.normal(0, ANSWER_SD, size=(n, n_q))
    points = np.clip(np.rint(z), 0, 4).astype(int)

    answered = np.ones((n, n_q), dtype=bool)
    for code, k in PARTIAL.items():
        if code not in code_pos:
            continue
        i = code_pos[code]
        if k is None:
            answered[i] = ~q["question_id"].isin(HV05_BLANKS).to_numpy()
        else:
            answered[i] = el_of_q < k
    return org_effect, latent_el, points, answered


def _draw_completion_dates(rng: np.random.Generator, n: int, el_of_q: np.ndarray, n_el: int,
                           code_pos: dict[str, int]) -> np.ndarray:
    """Day each question was answered (organisations x questions, ``datetime64[D]``)."""
    n_q = len(el_of_q)
    months = pd.period_range(pd.Period(DIAGNOSTIC_START, freq="M"), periods=n_el, freq="M")
    month_start = months.start_time.to_numpy().astype("datetime64[D]")
    day = rng.integers(5, 27, size=(n, n_el))
    extra_late = np.zeros((n, n_el), dtype=int)
    for code, lags in LATENESS.items():
        if code in code_pos:
            for k, (lo, hi) in lags.items():
                extra_late[code_pos[code], k] = rng.integers(lo, hi + 1)
    if n > len(WORKFORCE_ORGANISATIONS):  # generated organisations: now and then late
        rest = slice(len(WORKFORCE_ORGANISATIONS), n)
        late = rng.random((n - len(WORKFORCE_ORGANISATIONS), n_el)) < 0.1
        extra_late[rest] = np.where(late, rng.integers(15, 41, size=late.shape), 0)
    element_day = month_start[None, :] + (day + extra_late).astype("timedelta64[D]")
    earlier = np.where(rng.random((n, n_q)) < 0.3, rng.integers(1, 11, size=(n, n_q)), 0)
    q_day = element_day[:, el_of_q] - earlier.astype("timedelta64[D]")
    return np.maximum(q_day, month_start[el_of_q][None, :])


def _draw_evidence(rng: np.random.Generator, orgs: pd.DataFrame, el_of_q: np.ndarray,
                   n_el: int, points: np.ndarray, answered: np.ndarray, base: list[str]):
    """Evidence notes and the staff groups they cover (organisations x questions).

    ``base`` lists the single staff groups (``diagnostic.single_staff_groups``).  Returns
    which answers have a note, the note texts, which notes name staff groups, and the
    staff groups' cell texts.
    """
    n, n_q = points.shape
    has_evidence = answered & np.where(points > 0, rng.random((n, n_q)) < 0.9,
                                       rng.random((n, n_q)) < 0.3)
    source_pick = rng.integers(0, 5, size=(n, n_q))
    qualifier = rng.integers(0, len(EVIDENCE_QUALIFIERS), size=(n, n_q))
    sources = np.array(EVIDENCE_SOURCES, dtype=object)[el_of_q[None, :], source_pick]
    notes = sources + np.array(EVIDENCE_QUALIFIERS, dtype=object)[qualifier]
    notes = np.where(points == 0, "Nothing in place yet; discussed at the wellbeing steering "
                                  "group", notes)
    probs = np.array([GROUP_PROBS[t] for t in orgs["organisation_type"]])  # org x group
    draw = rng.random((n, n_q, len(base))) < probs[:, None, :]
    draw[:, el_of_q == NO_BANDS_2_4_ELEMENT, 1:4] = False  # nobody: AfC 2-4 on this element
    with_groups = has_evidence & (rng.random((n, n_q)) < 0.85)
    none = with_groups & ~draw.any(axis=2)
    favourite = probs.argmax(axis=1)
    oi, qi = np.nonzero(none)
    draw[oi, qi, favourite[oi]] = True
    draw &= with_groups[:, :, None]
    # every other element: bands 2-4 evidence from at least one organisation
    nhs = np.flatnonzero(probs[:, 1:4].sum(axis=1) > 0)
    for k in range(n_el):
        cols = np.flatnonzero(el_of_q == k)
        if k == NO_BANDS_2_4_ELEMENT or draw[:, cols, 1:4].any() or not len(nhs):
            continue
        cand = np.argwhere(with_groups[np.ix_(nhs, cols)])
        i, j = cand[rng.integers(len(cand))]
        draw[nhs[i], cols[j], 1:4] = True
    groups_text = _format_groups(draw.reshape(n * n_q, len(base)), base).reshape(n, n_q)
    return has_evidence, notes, with_groups, groups_text


def _staff_survey(rng: np.random.Generator, orgs: pd.DataFrame, org_effect: np.ndarray,
                  code_pos: dict[str, int]) -> pd.DataFrame:
    """NHS Staff Survey-style results of the trusts, placed within the national ranges."""
    n = len(orgs)
    in_survey = orgs[orgs["staff_survey"]].reset_index(drop=True)
    rows = []
    m = len(in_survey)
    sd_org = np.std(org_effect) if n > 1 else 1.0
    org_z = org_effect[in_survey["org_code"].map(code_pos).to_numpy()] / sd_org
    rate = rng.uniform(0.38, 0.55, size=m)
    noise = rng.normal(0, 0.08, size=(m, 2, len(SURVEY_INDICATORS)))
    pct_share = rng.uniform(0.96, 0.99, size=(m, 2))
    for j, org in in_survey.iterrows():
        group = BENCHMARK_GROUP[org["organisation_type"]]
        dissonant = org["org_code"] == "HV08"
        rr = 0.33 if dissonant else rate[j]
        for y, year in enumerate((2021, 2022)):
            n_resp = int(round(org["headcount"] * (rr + 0.02 * y)))
            for ind, (indicator, unit) in enumerate(SURVEY_INDICATORS):
                worst, avg, best = SURVEY_NATIONAL_2021[group][ind]
                shift = (2.0 if unit.startswith("%") else 0.1) * y
                worst, avg, best = worst - shift, avg - shift, best - shift
                pos = (DISSONANT_POSITION + 0.03 * y if dissonant
                       else np.clip(0.5 + 0.2 * org_z[j] + noise[j, y, ind], 0.05, 0.95))
                value = worst + pos * (best - worst)
                digits = 1 if unit.startswith("%") else 2
                responses = int(round(n_resp * pct_share[j, y])) if unit.startswith("%") \
                    else n_resp
                rows.append({"organisation": org["organisation"], "indicator": indicator,
                             "year": year, "unit": unit, "value": round(float(value), digits),
                             "responses": responses, "benchmark_group": group,
                             "national_worst": worst, "national_average": avg,
                             "national_best": best, "higher_is_better": True})
    survey = pd.DataFrame(rows, columns=[c for c in _SURVEY_DTYPES if c != "ics_average"])
    weighted = (survey["value"] * survey["responses"]).groupby(
        [survey["indicator"], survey["year"]]).transform("sum")
    total = survey.groupby(["indicator", "year"])["responses"].transform("sum")
    survey.insert(6, "ics_average", (weighted / total).round(2))
    return survey


def _staff_networks(rng: np.random.Generator, orgs: pd.DataFrame, latent_el: np.ndarray,
                    element_names: list[str]) -> pd.DataFrame:
    """Staff network leads' stance and comment per organisation x element they speak about."""
    n, n_el = latent_el.shape
    codes = orgs["org_code"].to_numpy()
    small = orgs["headcount"].to_numpy() < 1000
    n_networks = np.where(small, rng.integers(1, 3, size=n), rng.integers(2, 5, size=n))
    net_rows = []
    for i in range(n):
        nets = rng.choice(len(STAFF_NETWORKS), size=n_networks[i], replace=False)
        for w in np.sort(nets):
            n_views = rng.integers(2, 5)
            els = np.sort(rng.choice(n_el, size=n_views, replace=False))
            if codes[i] == "HV08" and 4 not in els:
                els = np.sort(np.append(els[1:], 4))
            for k in els:
                feel = latent_el[i, k] + rng.normal(0, 0.6)
                stance = 0 if feel > 2.6 else (2 if feel < 1.6 else 1)
                comment = NETWORK_COMMENTS[k][stance]
                if codes[i] == "HV08" and k == 4:
                    stance, comment = 2, DISSONANT_COMMENTS[w % len(DISSONANT_COMMENTS)]
                net_rows.append({"organisation": orgs["organisation"].iloc[i],
                                 "element": element_names[k], "network": STAFF_NETWORKS[w],
                                 "stance": ("positive", "mixed", "concerned")[stance],
                                 "comment": comment})
    return pd.DataFrame(net_rows, columns=list(_NETWORK_DTYPES))


def _workforce_frames(rng: np.random.Generator, n: int) -> dict[str, pd.DataFrame]:
    """The four tables for ``n`` organisations (not yet cast to the schema)."""
    from ..diagnostic import framework, maturity_scale, single_staff_groups, staff_groups

    r_org, r_answer, r_date, r_evidence, r_survey, r_network = rng.spawn(6)
    orgs = _organisations(n)
    q = framework()
    element_names = list(pd.unique(q["element"]))
    n_el, n_q = len(element_names), len(q)
    el_of_q = q["element"].map({e: i for i, e in enumerate(element_names)}).to_numpy()
    code_pos = {c: i for i, c in enumerate(orgs["org_code"].to_numpy())}

    org_effect, latent_el, points, answered = _draw_maturity(r_org, r_answer, orgs, q, el_of_q,
                                                             n_el, code_pos)
    q_day = _draw_completion_dates(r_date, n, el_of_q, n_el, code_pos)
    base = single_staff_groups(staff_groups())
    has_evidence, notes, with_groups, groups_text = _draw_evidence(
        r_evidence, orgs, el_of_q, n_el, points, answered, base)
    labels = maturity_scale()["label"].to_numpy()
    answers = pd.DataFrame({
        "organisation": np.repeat(orgs["organisation"].to_numpy(), n_q),
        "question_id": np.tile(q["question_id"].to_numpy(), n),
        "answer": np.where(answered, labels[points], None).ravel(),
        "evidence": np.where(has_evidence, notes, None).ravel(),
        "staff_groups": np.where(with_groups, groups_text, None).ravel(),
        "completed_on": np.where(answered, np.datetime_as_string(q_day, unit="D"),
                                 None).ravel(),
    })
    return {
        "workforce_organisations": orgs,
        "workforce_diagnostic_answers": answers,
        "workforce_staff_survey": _staff_survey(r_survey, orgs, org_effect, code_pos),
        "workforce_staff_networks": _staff_networks(r_network, orgs, latent_el, element_names),
    }


def write_workforce_workbooks(frames: dict[str, pd.DataFrame], out_dir) -> list[Path]:
    """Write one diagnostic workbook per organisation (``<org_code>.xlsx``) from the frames.

    ``frames`` is :func:`workforce_diagnostic` (or ``generate("workforce_diagnostic")``); the
    workbooks go into ``out_dir/diagnostic_workbooks/`` in the layout read by
    :func:`wellbeing_lib.diagnostic.load_diagnostic_workbooks`, byte-reproducibly.

    Example
    -------
    >>> import tempfile
    >>> paths = write_workforce_workbooks(workforce_diagnostic(), tempfile.mkdtemp())
    >>> len(paths), paths[0].name, paths[0].parent.name
    (14, 'HV01.xlsx', 'diagnostic_workbooks')
    """
    from ..diagnostic import write_diagnostic_workbook

    orgs = frames["workforce_organisations"]
    answers = frames["workforce_diagnostic_answers"]
    folder = Path(out_dir) / WORKBOOK_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    by_org = dict(list(answers.groupby("organisation", sort=False)))
    paths = []
    for org in orgs.itertuples(index=False):
        mine = by_org[org.organisation]
        dates = pd.to_datetime(mine["completed_on"])
        paths.append(write_diagnostic_workbook(
            Path(out_dir) / org.workbook, organisation=org.organisation, answers=mine,
            org_code=org.org_code, organisation_type=org.organisation_type, ics=org.ics,
            lead_role=org.lead_role, started_on=DIAGNOSTIC_START,
            last_updated=dates.max() if dates.notna().any() else None))
    return paths


@register_dataset(
    "workforce_diagnostic",
    files={
        "workforce_organisations":
            "one row per organisation of the fictional ICS: type, diagnostic lead, staff groups",
        "workforce_diagnostic_answers":
            "Health and Wellbeing Framework diagnostic: one row per organisation x question",
        "workforce_staff_survey":
            "NHS Staff Survey-style 'We are safe and healthy' results with ICS and national "
            "comparators",
        "workforce_staff_networks":
            "staff network leads' stance and comment per organisation x element",
    },
    description="Workforce wellbeing diagnostic across a fictional ICS (synthetic, 2021-2022)",
    dtypes=_WORKFORCE_DTYPES,
    float_format="%.2f",
    extras=write_workforce_workbooks,
    extra_files={f"{WORKBOOK_FOLDER}/": "one diagnostic workbook per organisation "
                                        "(<org_code>.xlsx): cover sheet, a sheet per element"},
)
def _generate_workforce_diagnostic(rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """Workforce wellbeing diagnostic across a fictional ICS (the full story: data/README.md).

    1. 14 organisations; maturity per question = element mean + organisation effect +
       question effect + noise, rounded to the 0-4 scale; two planted organisation x element
       levels (HV06 strong on Data insights, HV08 high on Environment).
    2. 11 organisations answer everything, HV05 leaves 9 questions blank, HV10 stops after 4
       elements, HV12 has not started; element k is finished in month k from November 2021,
       some organisations later (LATENESS).
    3. Evidence notes and the staff groups they cover, by type of employer; nobody covers
       AfC 2-4 on Managers and leaders.
    4. Staff survey (trusts only) placed within invented national ranges, tracking the
       organisation effect, except HV08 (bottom quartile); staff network views follow the
       latent maturity, except HV08's on Environment (concerned).
    """
    return _workforce_frames(rng, len(WORKFORCE_ORGANISATIONS))
