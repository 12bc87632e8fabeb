"""The ``practices`` data set: the registered populations of the 11 social prescribing practices.

Synthetic counts of the patients registered at the 11 fictional GP practices of the
``social_prescribing`` data set, laid out as NHS Digital publishes them ("Patients
Registered at a GP Practice", single years of age by sex, January 2017: the middle of the
programme), plus what the GP files do not hold — each practice's adults by deprivation
quintile (IMD 2015) and ethnic group (ONS 2011 five groups), as an evaluator would build
from the practice's patients by area (LSOA) and the census — and a register linking the
practice names the referral data use to their codes.  Consistent with the clients data:
every practice × age band × sex holds more registered patients than the data set has
clients.  The files are described in ``data/README.md``.

Example
-------
>>> from wellbeing_lib.datasets import generate
>>> frames = generate("practices")
>>> frames["practice_register"]["practice"].tolist()[:3]
['Practice A', 'Practice B', 'Practice C']
>>> pop = frames["practice_population"]
>>> int(pop.loc[pop["AGE"] != "ALL", "NUMBER_OF_PATIENTS"].sum())  # registered patients
113400
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .registry import register_dataset
from .social_prescribing import ETHNICITIES, PRACTICE_START, PRACTICES, STUDY_END

__all__ = []

#: fictional practice codes in the ODS layout (a letter and five digits)
PRACTICE_CODES = tuple(f"X990{i:02d}" for i in range(1, len(PRACTICES) + 1))
#: fictional practice postcodes (Exeter sectors, an unused unit)
PRACTICE_POSTCODES = ("EX1 9ZA", "EX2 9ZB", "EX4 9ZC", "EX1 9ZD", "EX2 9ZE", "EX4 9ZF",
                      "EX2 9ZG", "EX1 9ZH", "EX4 9ZJ", "EX2 9ZL", "EX1 9ZN")
#: patients registered at each practice (all ages), January 2017
LIST_SIZES = (15900, 14200, 11800, 11300, 10100, 12600, 7400, 8600, 6800, 7900, 6800)
#: the publication the file imitates, and its extract date
POPULATION_PUBLICATION = "Patients Registered at a GP Practice January 2017"
POPULATION_EXTRACT_DATE = "01JAN2017"
#: fictional commissioner codes
POPULATION_CCG = ("99X", "E38000999")

#: share of an Exeter-like registered population by five-year age group 0-4 ... 85-89, 90+
#: (shape of ONS mid-2016 estimates for a university city; rounded design values)
AGE_GROUP_SHARES = (0.052, 0.050, 0.044, 0.069, 0.115, 0.079, 0.065, 0.058, 0.056, 0.062,
                    0.062, 0.055, 0.050, 0.051, 0.041, 0.032, 0.026, 0.018, 0.013)
#: per practice, a tilt towards older (+) or younger (-) patients
AGE_TILT = (0.15, 0.25, 0.10, 0.20, 0.05, -0.35, 0.30, 0.00, 0.10, -0.10, 0.05)
#: practice F serves the university: extra patients aged 18-24 (multiplier of that share)
STUDENT_BOOST = {5: 2.5}
#: share of women by five-year age group (men outnumber women a little in childhood)
FEMALE_BY_AGE_GROUP = (0.488, 0.488, 0.488, 0.500, 0.505, 0.500, 0.500, 0.500, 0.505, 0.505,
                       0.510, 0.510, 0.515, 0.520, 0.530, 0.550, 0.580, 0.620, 0.690)
#: share of the 95+ within the open 90+ group
OVER_95_SHARE = 0.2

#: adults by deprivation quintile (1 = most deprived), per practice (rows sum to 1)
PRACTICE_IMD = (
    (0.10, 0.15, 0.25, 0.27, 0.23), (0.08, 0.14, 0.22, 0.28, 0.28), (0.14, 0.20, 0.22, 0.22, 0.22),
    (0.22, 0.24, 0.20, 0.18, 0.16), (0.12, 0.18, 0.24, 0.24, 0.22), (0.10, 0.22, 0.30, 0.22, 0.16),
    (0.06, 0.12, 0.22, 0.30, 0.30), (0.30, 0.26, 0.20, 0.14, 0.10), (0.28, 0.26, 0.20, 0.14, 0.12),
    (0.18, 0.22, 0.22, 0.20, 0.18), (0.12, 0.18, 0.24, 0.24, 0.22),
)
#: adults by ethnic group (order of the clients' ETHNICITIES), per practice (rows sum to 1)
PRACTICE_ETHNICITY = tuple(
    (0.85, 0.02, 0.08, 0.02, 0.03) if p == 5 else
    (0.91, 0.02, 0.04, 0.01, 0.02) if p in (7, 8) else (0.94, 0.013, 0.027, 0.007, 0.013)
    for p in range(len(PRACTICES)))

_REGISTER_DTYPES = {"practice_code": "str", "practice": "str", "postcode": "str",
                    "programme_start": "str", "programme_end": "str"}
_POPULATION_DTYPES = {"PUBLICATION": "str", "EXTRACT_DATE": "str", "TYPE": "str",
                      "CCG_CODE": "str", "ONS_CCG_CODE": "str", "CODE": "str", "POSTCODE": "str",
                      "SEX": "str", "AGE": "str", "NUMBER_OF_PATIENTS": "int64"}
_PROFILE_DTYPES = {"practice_code": "str", "characteristic": "str", "category": "str",
                   "registered": "int64"}


def _age_probabilities(practice: int) -> np.ndarray:
    """P(single year of age 0..95+) for one practice: group shares spread evenly, tilted."""
    shares = np.array(AGE_GROUP_SHARES, dtype=float)
    years = np.repeat(shares / np.r_[np.full(18, 5.0), 1.0], np.r_[np.full(18, 5), 1])
    years = np.r_[years[:90], np.repeat(shares[-1] * (1 - OVER_95_SHARE) / 5, 5),
                  shares[-1] * OVER_95_SHARE]  # 0..89, 90..94, 95+
    age = np.arange(96)
    years = years * np.exp(AGE_TILT[practice] * (np.minimum(age, 95) - 45) / 45)
    if practice in STUDENT_BOOST:
        years[18:25] *= STUDENT_BOOST[practice]
    return years / years.sum()


def _population(rng: np.random.Generator) -> pd.DataFrame:
    """Single-year counts by practice and sex, with the publication's ALL rows."""
    female_by_year = np.r_[np.repeat(FEMALE_BY_AGE_GROUP[:18], 5),
                           np.full(6, FEMALE_BY_AGE_GROUP[18])]
    labels = [str(a) for a in range(95)] + ["95+"]
    rows = []
    for p, (code, postcode) in enumerate(zip(PRACTICE_CODES, PRACTICE_POSTCODES)):
        cells = np.r_[_age_probabilities(p) * female_by_year,
                      _age_probabilities(p) * (1 - female_by_year)]
        counts = rng.multinomial(LIST_SIZES[p], cells / cells.sum())
        for s, sex in enumerate(("FEMALE", "MALE")):
            part = counts[s * 96:(s + 1) * 96]
            for label, n in [*zip(labels, part), ("ALL", part.sum())]:
                rows.append((code, postcode, sex, label, int(n)))
    frame = pd.DataFrame(rows, columns=["CODE", "POSTCODE", "SEX", "AGE", "NUMBER_OF_PATIENTS"])
    frame.insert(0, "PUBLICATION", POPULATION_PUBLICATION)
    frame.insert(1, "EXTRACT_DATE", POPULATION_EXTRACT_DATE)
    frame.insert(2, "TYPE", "GP")
    frame.insert(3, "CCG_CODE", POPULATION_CCG[0])
    frame.insert(4, "ONS_CCG_CODE", POPULATION_CCG[1])
    return frame


def _profile(rng: np.random.Generator, population: pd.DataFrame) -> pd.DataFrame:
    """Adults (18+) by deprivation quintile and by ethnic group, summing to each practice's adults."""
    ages = population[population["AGE"] != "ALL"]
    adult = ages["AGE"].str.rstrip("+").astype(int) >= 18
    adults = ages[adult].groupby("CODE", sort=False)["NUMBER_OF_PATIENTS"].sum()
    rows = []
    for p, code in enumerate(PRACTICE_CODES):
        for char, cats, probs in (("imd_quintile", [str(q) for q in range(1, 6)],
                                   PRACTICE_IMD[p]),
                                  ("ethnicity", list(ETHNICITIES), PRACTICE_ETHNICITY[p])):
            counts = rng.multinomial(int(adults[code]), np.array(probs) / np.sum(probs))
            rows += [(code, char, cat, int(n)) for cat, n in zip(cats, counts)]
    return pd.DataFrame(rows, columns=list(_PROFILE_DTYPES))


@register_dataset(
    "practices",
    files={
        "practice_register": "one row per GP practice: code, name (as in the clients data), "
                             "programme dates",
        "practice_population": "registered patients by practice, sex and single year of age "
                               "(NHS Digital's published layout)",
        "practice_population_profile": "registered adults by practice and deprivation quintile "
                                       "or ethnic group",
    },
    description="Registered populations of the 11 social prescribing practices (synthetic, "
                "January 2017)",
    dtypes={"practice_register": _REGISTER_DTYPES, "practice_population": _POPULATION_DTYPES,
            "practice_population_profile": _PROFILE_DTYPES},
)
def _generate_practices(rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """Registered populations (the full story: data/README.md).

    1. Register: the 11 practices of ``social_prescribing`` with fictional codes, and the
       dates each took part (its ``PRACTICE_START`` to ``STUDY_END``).
    2. Population: for each practice, a multinomial draw of ``LIST_SIZES`` patients over
       sex × single year of age, from an Exeter-like age profile tilted older or younger per
       practice (practice F serves students), with the publication's ``ALL`` rows.
    3. Profile: the practice's adults (18+) drawn over deprivation quintiles and ethnic
       groups from practice-specific shares.
    """
    r_population, r_profile = rng.spawn(2)
    register = pd.DataFrame({
        "practice_code": PRACTICE_CODES, "practice": PRACTICES, "postcode": PRACTICE_POSTCODES,
        "programme_start": PRACTICE_START, "programme_end": STUDY_END,
    })
    population = _population(r_population)
    return {
        "practice_register": register,
        "practice_population": population,
        "practice_population_profile": _profile(r_profile, population),
    }
