"""Reading NHS Digital's GP registration files and building the population table."""

from __future__ import annotations

import pandas as pd
import pytest

import wellbeing_lib as wb
from wellbeing_lib.errors import InvalidValueError, MissingColumnError
from wellbeing_lib.monitoring import (
    population_by_age_band,
    read_gp_registrations,
    registered_population,
)

HEADER = ("PUBLICATION,EXTRACT_DATE,TYPE,CCG_CODE,ONS_CCG_CODE,CODE,POSTCODE,SEX,AGE,"
          "NUMBER_OF_PATIENTS\n")


def row(code, sex, age, n, kind="GP"):
    return f"Patients Registered,01JAN2017,{kind},99X,E38000999,{code},EX1 1AA,{sex},{age},{n}\n"


def test_reads_the_single_age_layout_and_checks_totals(tmp_path):
    path = tmp_path / "gp-reg-pat-prac-sing-age-female.csv"
    path.write_text(HEADER + row("A1", "FEMALE", 17, 40) + row("A1", "FEMALE", 18, 45)
                    + row("A1", "FEMALE", "95+", 3) + row("A1", "FEMALE", "ALL", 88)
                    + row("99X", "FEMALE", "ALL", 88, kind="CCG"), encoding="utf-8")
    reg = read_gp_registrations(path)
    assert reg["registered"].tolist() == [40, 45, 3]
    assert reg["age_high"].tolist() == [17, 18, 200]  # 95+ is open-ended
    assert set(reg["practice_code"]) == {"A1"}  # the CCG row is not a practice
    path.write_text(HEADER + row("A1", "FEMALE", 17, 40) + row("A1", "FEMALE", "ALL", 41),
                    encoding="utf-8")
    with pytest.raises(InvalidValueError, match=r"total does not equal.*line 3"):
        read_gp_registrations(path)


def test_reads_male_and_female_files_together_and_five_year_groups(tmp_path):
    female = pd.DataFrame({"ORG_CODE": "A1", "SEX": "FEMALE", "AGE_GROUP_5": ["15_19", "20_24"],
                           "NUMBER_OF_PATIENTS": [100, 80]})
    male = female.assign(SEX="MALE", NUMBER_OF_PATIENTS=[90, 70])
    reg = read_gp_registrations([female, male])
    assert reg["age"].tolist() == ["15-19", "20-24", "15-19", "20-24"]
    with pytest.raises(InvalidValueError, match="straddle the edge of band '18-34'"):
        population_by_age_band(reg)
    bands = population_by_age_band(reg, bands={"18-24": (18, 24)}, apportion=True)
    assert bands["registered"].tolist() == pytest.approx([100 * 2 / 5 + 80, 90 * 2 / 5 + 70])
    with pytest.raises(InvalidValueError, match="twice"):
        read_gp_registrations([female, female])


def test_bad_rows_are_named():
    bad = pd.DataFrame({"CODE": "A1", "SEX": ["FEMALE", "X"], "AGE": ["1", "2"],
                        "NUMBER_OF_PATIENTS": [1, 2]})
    with pytest.raises(InvalidValueError, match="unknown sex.*row 1"):
        read_gp_registrations(bad)
    with pytest.raises(InvalidValueError, match="unreadable age"):
        read_gp_registrations(bad.assign(SEX="MALE", AGE=["1", "old"]))
    with pytest.raises(InvalidValueError, match="whole number"):
        read_gp_registrations(bad.assign(SEX="MALE", NUMBER_OF_PATIENTS=[1, 2.5]))
    with pytest.raises(MissingColumnError, match="practice code"):
        read_gp_registrations(bad.drop(columns="CODE"))


def test_bundled_population_as_a_tidy_table():
    register = wb.load_dataset("practice_register")
    reg = read_gp_registrations(wb.load_dataset("practice_population"))
    profile = wb.load_dataset("practice_population_profile")
    table = registered_population(reg, profile=profile,
                                  practices=dict(zip(register["practice_code"],
                                                     register["practice"])))
    assert list(table) == ["practice", "characteristic", "category", "registered"]
    adults = table[table["characteristic"] == "age_band"].groupby("practice")["registered"].sum()
    for char in ("sex", "imd_quintile", "ethnicity"):  # every characteristic counts all adults
        sums = table[table["characteristic"] == char].groupby("practice")["registered"].sum()
        assert sums.equals(adults), char
    single = reg[reg["age_low"] >= 18].groupby("practice_code")["registered"].sum()
    assert adults.sum() == single.sum()
    with pytest.raises(InvalidValueError, match="not in the practice list"):
        registered_population(reg, practices={"X99001": "Practice A"})
