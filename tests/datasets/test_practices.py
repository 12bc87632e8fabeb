"""The ``practices`` data set: registered populations consistent with the clients data."""

from __future__ import annotations

import filecmp

import pandas as pd

import wellbeing_lib.datasets as ds
from wellbeing_lib.io import data_dir
from wellbeing_lib.monitoring import population_by_age_band, read_gp_registrations


def test_practices_match_the_clients_practices():
    register = ds.load_dataset("practice_register")
    clients = ds.load_dataset("social_prescribing_clients")
    assert register["practice"].tolist() == list(ds.PRACTICES)
    assert set(clients["practice"]) == set(register["practice"])
    assert register["programme_start"].tolist() == list(ds.PRACTICE_START)
    # nobody was referred before their practice joined
    starts = clients.merge(register, on="practice")
    referred = starts[starts["referral_date"].notna()]
    assert (referred["referral_date"] >= referred["programme_start"]).all()


def test_population_is_the_published_layout_and_adds_up():
    pop = ds.load_dataset("practice_population")
    assert list(pop) == ["PUBLICATION", "EXTRACT_DATE", "TYPE", "CCG_CODE", "ONS_CCG_CODE",
                         "CODE", "POSTCODE", "SEX", "AGE", "NUMBER_OF_PATIENTS"]
    ages = pop[pop["AGE"] != "ALL"]
    assert ages.groupby("CODE")["NUMBER_OF_PATIENTS"].sum().tolist() == list(ds.LIST_SIZES)
    assert set(ages["AGE"]) == {str(a) for a in range(95)} | {"95+"}
    reg = read_gp_registrations(pop)  # checks every ALL row against its ages
    assert reg["registered"].sum() == sum(ds.LIST_SIZES)


def test_every_cell_has_more_registered_patients_than_clients():
    register = ds.load_dataset("practice_register")
    clients = ds.load_dataset("social_prescribing_clients")
    bands = population_by_age_band(read_gp_registrations(ds.load_dataset("practice_population")))
    bands["practice"] = bands["practice_code"].map(dict(zip(register["practice_code"],
                                                            register["practice"])))
    cells = clients.groupby(["practice", "age_band", "sex"]).size().rename("clients")
    joined = bands.join(cells, on=["practice", "age_band", "sex"])
    assert joined["clients"].notna().all()
    assert (joined["clients"] < joined["registered"] / 5).all()


def test_profile_counts_every_adult_once_per_characteristic():
    pop = ds.load_dataset("practice_population")
    profile = ds.load_dataset("practice_population_profile")
    ages = pop[pop["AGE"] != "ALL"]
    adults = ages[ages["AGE"].str.rstrip("+").astype(int) >= 18].groupby("CODE")[
        "NUMBER_OF_PATIENTS"].sum()
    for char, cats in (("imd_quintile", {"1", "2", "3", "4", "5"}),
                       ("ethnicity", set(ds.ETHNICITIES))):
        part = profile[profile["characteristic"] == char]
        assert set(part["category"]) == cats
        assert part.groupby("practice_code")["registered"].sum().equals(
            adults.rename_axis("practice_code").rename("registered"))


def test_practice_files_are_byte_reproducible(tmp_path):
    paths = ds.make_sample_data(tmp_path, names=["practices"])
    assert [p.name for p in paths] == ["practice_register.csv", "practice_population.csv",
                                      "practice_population_profile.csv"]
    committed = data_dir()
    for p in paths:
        assert filecmp.cmp(p, committed / p.name, shallow=False), p.name
    again = ds.generate("practices")
    assert again["practice_population"].equals(ds.generate("practices")["practice_population"])
    other = ds.generate("practices", random_state=1)["practice_population"]
    assert not other["NUMBER_OF_PATIENTS"].equals(again["practice_population"]
                                                  ["NUMBER_OF_PATIENTS"])
    assert isinstance(again["practice_register"], pd.DataFrame)
