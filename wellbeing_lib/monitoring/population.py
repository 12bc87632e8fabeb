"""Registered populations: reading NHS Digital's "Patients registered at a GP practice" files.

NHS Digital publishes, every month, the number of patients registered at each GP practice in
England by sex and age (the "Patients Registered at a GP Practice" statistical series): one
CSV with single years of age (``AGE``: ``0`` … ``94``, ``95+``, ``ALL``) per sex, and one
with five-year groups (``AGE_GROUP_5``: ``0_4`` … ``90_94``, ``95+``, ``ALL``).  Columns::

    PUBLICATION, EXTRACT_DATE, TYPE, CCG_CODE (later SUB_ICB_LOCATION_CODE), ONS_CCG_CODE,
    CODE (later ORG_CODE), POSTCODE, SEX, AGE or AGE_GROUP_5, NUMBER_OF_PATIENTS

:func:`read_gp_registrations` reads either layout (a file, several files, or a table already
in memory), keeps the practice rows (``TYPE`` ``GP`` when the column is there), checks every
count and that the ``ALL`` rows equal the sum of the ages they total, and returns one tidy
row per practice × sex × age.  :func:`population_by_age_band` adds ages up into the bands a
programme records (the bundled clients' ``18-34`` … ``80+``), and
:func:`registered_population` stacks the bands, sexes and any other population profile
(deprivation quintile, ethnicity: not in the GP files, so supplied as a profile table) into
the one tidy table :mod:`~wellbeing_lib.monitoring.reach` compares referrals with.

Example
-------
>>> import pandas as pd
>>> raw = pd.DataFrame({
...     "PUBLICATION": "Patients Registered at a GP Practice", "EXTRACT_DATE": "01JAN2017",
...     "TYPE": "GP", "CODE": "A00001", "SEX": ["FEMALE", "FEMALE", "FEMALE", "MALE"],
...     "AGE": ["17", "18", "ALL", "18"], "NUMBER_OF_PATIENTS": [40, 45, 85, 50]})
>>> read_gp_registrations(raw)
  practice_code     sex  age_low  age_high age  registered
0        A00001  Female       17        17  17          40
1        A00001  Female       18        18  18          45
2        A00001    Male       18        18  18          50
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import InvalidValueError, MissingColumnError
from ..io import read_table
from ..validation import check_numeric, rows_where, source_of

__all__ = [
    "AGE_BANDS",
    "POPULATION_COLUMNS",
    "read_gp_registrations",
    "population_by_age_band",
    "registered_population",
]

#: the age bands of the bundled clients data: name -> (first age, last age); 200 = no limit
AGE_BANDS = {"18-34": (18, 34), "35-49": (35, 49), "50-64": (50, 64), "65-79": (65, 79),
             "80+": (80, 200)}

#: the tidy population table: one row per practice × characteristic × category
POPULATION_COLUMNS = ("practice", "characteristic", "category", "registered")

_CODE_COLUMNS = ("ORG_CODE", "CODE", "PRACTICE_CODE")
_SEXES = {"FEMALE": "Female", "MALE": "Male", "F": "Female", "M": "Male", "ALL": "ALL"}
_OPEN_END = 200  # the last age of an open group such as 95+


def _parse_ages(labels: pd.Series, column: str, data: pd.DataFrame):
    """First and last age of each label: ``34``, ``30_34`` / ``30-34``, ``95+``, ``ALL``."""
    text = labels.astype(str).str.strip().str.upper()
    low = pd.Series(np.nan, index=labels.index)
    high = pd.Series(np.nan, index=labels.index)
    single = text.str.fullmatch(r"\d+")
    low[single] = high[single] = text[single].astype(float)
    pair = text.str.extract(r"^(\d+)\s*[_\-]\s*(\d+)$").astype(float)
    ok = pair[0].notna()
    low[ok], high[ok] = pair[0][ok], pair[1][ok]
    plus = text.str.extract(r"^(\d+)\s*\+$")[0].astype(float)
    low[plus.notna()] = plus[plus.notna()]
    high[plus.notna()] = _OPEN_END
    total = text.eq("ALL")
    bad = low.isna() & ~total
    bad |= (low > high).fillna(False)
    if bad.any():
        raise InvalidValueError("unreadable age", column=column,
                                expected="an age (34), an age group (30_34), an open group (95+) "
                                         "or ALL", found=list(labels[bad]),
                                **rows_where(data, bad.to_numpy()))
    return low, high, total


def _find(data: pd.DataFrame, names: Sequence[str], what: str) -> str:
    upper = {str(c).strip().upper(): c for c in data.columns}
    for name in names:
        if name in upper:
            return upper[name]
    raise MissingColumnError(f"{what} column missing", file=source_of(data),
                             column=list(names), expected="one of " + ", ".join(names),
                             found=[", ".join(map(str, data.columns))])


def _read_one(source) -> pd.DataFrame:
    data = source if isinstance(source, pd.DataFrame) else read_table(source)
    code = _find(data, _CODE_COLUMNS, "practice code")
    sex = _find(data, ("SEX",), "sex")
    age = _find(data, ("AGE", "AGE_GROUP_5"), "age")
    count = _find(data, ("NUMBER_OF_PATIENTS",), "patient count")
    upper = {str(c).strip().upper(): c for c in data.columns}
    if "TYPE" in upper:
        data = data[data[upper["TYPE"]].astype(str).str.strip().str.upper().eq("GP")]
    sexes = data[sex].astype(str).str.strip().str.upper().map(_SEXES)
    bad = sexes.isna().to_numpy()
    if bad.any():
        raise InvalidValueError("unknown sex", column=sex, expected="FEMALE, MALE or ALL",
                                found=list(data.loc[bad, sex]), **rows_where(data, bad))
    counts = check_numeric(data, [count], low=0, integer=True, allow_missing=False)[count]
    low, high, total = _parse_ages(data[age], age, data)
    frame = pd.DataFrame({
        "practice_code": data[code].astype(str).str.strip(), "sex": sexes,
        "age_low": low, "age_high": high, "total": total,
        "age": data[age].astype(str).str.strip().str.replace("_", "-"),
        "registered": counts.astype("int64"),
    }, index=data.index)
    _check_totals(frame, data)
    return frame[(frame["sex"] != "ALL") & ~frame["total"]]


def _check_totals(frame: pd.DataFrame, data: pd.DataFrame) -> None:
    """Every ALL row (a sex's or both sexes' total) must equal the sum of what it totals."""
    parts = frame[(frame["sex"] != "ALL") & ~frame["total"]]
    sums = [
        (frame["total"] & (frame["sex"] != "ALL"), ["practice_code", "sex"]),
        (frame["total"] & (frame["sex"] == "ALL"), ["practice_code"]),
        (~frame["total"] & (frame["sex"] == "ALL"), ["practice_code", "age"]),
    ]
    for mask, keys in sums:
        totals = frame[mask]
        if totals.empty:
            continue
        expected = parts.groupby(keys)["registered"].sum().rename("expected")
        check = totals.join(expected, on=keys)
        wrong = check["registered"] != check["expected"].fillna(0)
        if wrong.any():
            first = check[wrong].iloc[0]
            raise InvalidValueError(
                "total does not equal the sum of the counts it totals",
                column="NUMBER_OF_PATIENTS",
                expected=f"{first['expected']:g} for practice {first['practice_code']}, "
                         f"sex {first['sex']}, age {first['age']}",
                found=list(check.loc[wrong, "registered"]),
                **rows_where(data, data.index.isin(check.index[wrong])))


def read_gp_registrations(source) -> pd.DataFrame:
    """Read NHS Digital "Patients registered at a GP practice" counts (any of its layouts).

    Parameters
    ----------
    source : path, DataFrame, or a list of them
        A CSV/XLSX file (or a table already read) in the published layout: single years
        (``AGE``) or five-year groups (``AGE_GROUP_5``), one sex per file or both; column
        names in any case.  A list is read file by file and stacked (e.g. the male and the
        female single-age files).

    Returns
    -------
    DataFrame
        One row per practice × sex × age: ``practice_code``, ``sex`` (``Female``/``Male``),
        ``age_low``, ``age_high`` (200 for an open group such as 95+), ``age`` (the label,
        ``30-34``), ``registered``.  ``ALL`` rows are checked, then left out.

    Raises
    ------
    MissingColumnError, InvalidValueError
        For a missing column, an unknown sex, an unreadable age, a count that is not a whole
        number of 0 or more, or a total that does not equal the sum of what it totals; the
        message names the file, column and file lines.
    """
    sources = source if isinstance(source, list | tuple) else [source]
    frames = [_read_one(s) for s in sources]
    out = pd.concat(frames, ignore_index=True).drop(columns=["total"])
    repeated = out.duplicated(["practice_code", "sex", "age"], keep=False)
    if repeated.any():
        first = out[repeated].iloc[0]
        raise InvalidValueError(
            "the same practice, sex and age appears twice (a file read twice?)",
            column=["CODE", "SEX", "AGE"], expected="one count per practice × sex × age",
            found=[f"{first['practice_code']}/{first['sex']}/{first['age']}"])
    out[["age_low", "age_high"]] = out[["age_low", "age_high"]].astype("int64")
    out = out.sort_values(["practice_code", "sex", "age_low"], kind="stable")
    return out.reset_index(drop=True)[["practice_code", "sex", "age_low", "age_high", "age",
                                       "registered"]]


def population_by_age_band(registrations: pd.DataFrame, *, bands: Mapping | None = None,
                           apportion: bool = False) -> pd.DataFrame:
    """Registered patients by practice, sex and age band (ages outside every band left out).

    Parameters
    ----------
    registrations : DataFrame
        From :func:`read_gp_registrations`.
    bands : mapping, default :data:`AGE_BANDS`
        ``{band name: (first age, last age)}``; 200 as the last age means "and over".
    apportion : bool, default False
        Five-year groups that straddle a band edge (``15-19`` for a band starting at 18) are
        an error unless True, when the group is shared out in proportion to the single years
        it covers in each band (an assumption: ages spread evenly within the group; counts
        then need not be whole).  Single-year files never need it.

    Example
    -------
    >>> import pandas as pd
    >>> reg = pd.DataFrame({"practice_code": "A00001", "sex": "Female", "age_low": [15, 20],
    ...                     "age_high": [19, 24], "age": ["15-19", "20-24"],
    ...                     "registered": [100, 80]})
    >>> population_by_age_band(reg, bands={"18-24": (18, 24)}, apportion=True)
      practice_code     sex age_band  registered
    0        A00001  Female    18-24       120.0
    """
    bands = dict(AGE_BANDS if bands is None else bands)
    low = registrations["age_low"].to_numpy()
    high = registrations["age_high"].to_numpy()
    rows = []
    for name, (b_low, b_high) in bands.items():
        overlap = np.clip(np.minimum(high, b_high) - np.maximum(low, b_low) + 1, 0, None)
        width = np.minimum(high, _OPEN_END) - low + 1
        partial = (overlap > 0) & (overlap < width)
        if partial.any() and not apportion:
            ages = registrations.loc[partial, "age"].unique().tolist()
            raise InvalidValueError(
                f"age groups straddle the edge of band {name!r}", column="age",
                expected=f"groups inside {b_low}-{b_high} (use the single-year file, or "
                         "apportion=True to share them out evenly)", found=ages)
        share = np.where(overlap > 0, overlap / width, 0.0)
        part = registrations.assign(age_band=name, registered=registrations["registered"] * share)
        rows.append(part[share > 0])
    out = pd.concat(rows, ignore_index=True)
    table = out.groupby(["practice_code", "sex", "age_band"], sort=False, as_index=False)[
        "registered"].sum()
    if not apportion:
        table["registered"] = table["registered"].round().astype("int64")
    order = {name: i for i, name in enumerate(bands)}
    table = table.sort_values(["practice_code", "sex", "age_band"],
                              key=lambda s: s.map(order) if s.name == "age_band" else s)
    return table.reset_index(drop=True)


def registered_population(registrations: pd.DataFrame, *, profile: pd.DataFrame | None = None,
                          practices: Mapping | None = None, bands: Mapping | None = None,
                          apportion: bool = False) -> pd.DataFrame:
    """The registered population as one tidy table: practice × characteristic × category.

    Parameters
    ----------
    registrations : DataFrame
        From :func:`read_gp_registrations`.
    profile : DataFrame, optional
        Other characteristics of the registered population (deprivation quintile, ethnicity),
        with columns ``practice_code``, ``characteristic``, ``category``, ``registered``
        (the bundled ``practice_population_profile.csv``).
    practices : mapping, optional
        ``{practice code: practice name}`` to label practices as the referral data do
        (e.g. from the bundled ``practice_register.csv``); codes not in it are an error.
    bands, apportion
        As :func:`population_by_age_band`.

    Returns
    -------
    DataFrame
        ``practice, characteristic, category, registered``: characteristic ``age_band``
        (adults in the bands), ``sex`` (adults in the bands), then the profile's.
    """
    by_band = population_by_age_band(registrations, bands=bands, apportion=apportion)
    parts = [
        by_band.groupby(["practice_code", "age_band"], sort=False, as_index=False)["registered"]
        .sum().rename(columns={"age_band": "category"}).assign(characteristic="age_band"),
        by_band.groupby(["practice_code", "sex"], sort=False, as_index=False)["registered"]
        .sum().rename(columns={"sex": "category"}).assign(characteristic="sex"),
    ]
    if profile is not None:
        needed = ["practice_code", "characteristic", "category", "registered"]
        missing = [c for c in needed if c not in profile.columns]
        if missing:
            raise MissingColumnError("population profile: required column missing",
                                     file=source_of(profile), column=missing,
                                     expected="columns " + ", ".join(needed))
        counts = check_numeric(profile, ["registered"], low=0, allow_missing=False)
        parts.append(profile[needed].assign(registered=counts["registered"],
                                            category=profile["category"].astype(str)))
    table = pd.concat(parts, ignore_index=True)
    table["category"] = table["category"].astype(str)
    if practices is not None:
        names = table["practice_code"].map(dict(practices))
        unknown = table.loc[names.isna(), "practice_code"].unique().tolist()
        if unknown:
            raise InvalidValueError("practice code not in the practice list",
                                    column="practice_code", found=unknown,
                                    expected="one of " + ", ".join(map(str, practices)))
        table["practice"] = names
    else:
        table["practice"] = table["practice_code"]
    return table[list(POPULATION_COLUMNS)].reset_index(drop=True)
