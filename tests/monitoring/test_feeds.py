"""Monthly feeds from client records, checked on small hand-made tables and the bundled data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import wellbeing_lib as wb
from wellbeing_lib.errors import InvalidValueError
from wellbeing_lib.monitoring import monthly_counts, programme_feeds


@pytest.fixture
def records():
    clients = pd.DataFrame({
        "client_id": ["a", "b", "c", "d", "e", "x"],
        "group": ["referred"] * 5 + ["comparison"],
        "practice": ["P", "P", "Q", "Q", "P", "P"],
        "referral_date": ["2017-01-05", "2017-01-20", "2017-03-02", "2017-03-30", "2017-04-01",
                          None],
    })
    measures = pd.DataFrame({
        "client_id": ["a", "a", "a", "b", "c", "c", "d", "x"],
        "time": ["baseline", "baseline", "follow_up", "baseline", "baseline", "follow_up",
                 "baseline", "baseline"],
        "assessment_date": ["2017-01-15", "2017-01-25", "2017-06-01", "2017-01-21",
                            "2017-03-12", "2017-08-01", "2017-04-09", "2017-02-01"],
    })
    use = pd.DataFrame({"client_id": np.repeat(["a", "b", "c", "d", "e"], 2),
                        "period": ["before", "after"] * 5,
                        "gp_appointments": [10, 6, 4, 4, 8, 9, 2, 0, 5, 5]})
    return clients, measures, use


def feed(result, measure):
    return result.feeds[result.feeds["measure"] == measure].reset_index(drop=True)


def test_monthly_counts_fill_empty_months_with_zero(records):
    clients, _, _ = records
    counts = monthly_counts(clients, date="referral_date")
    assert counts["count"].tolist() == [2, 0, 2, 1]  # the comparison client is left out
    by = monthly_counts(clients, date="referral_date", by="practice",
                        starts={"Q": "2017-02-10"})
    assert by[by["practice"] == "Q"]["count"].tolist() == [0, 2, 0]  # Feb (joined), Mar, Apr


def test_feeds_by_hand(records):
    clients, measures, use = records
    improved = pd.DataFrame({"client_id": ["a", "c", "d"], "improved": [True, False, None]})
    result = programme_feeds(clients, measures=measures, service_use=use, improved=improved,
                             improved_definition="SWEMWBS up by 3 or more")
    assert feed(result, "referrals")["value"].tolist() == [2, 0, 2, 1]
    days = feed(result, "days_to_first_contact")
    # a: earliest of two baselines (10 days); b: 1 day; c: 10; d: 10; e: none
    assert days["value"].tolist()[0] == pytest.approx(5.5)
    assert np.isnan(days["value"].iloc[1]) and days["n"].tolist() == [2, 0, 2, 0]
    assert days["value"].iloc[2] == pytest.approx(10.0)
    fu = feed(result, "followed_up")
    assert fu["numerator"].tolist() == [1, 0, 1, 0] and fu["denominator"].tolist() == [2, 0, 2, 1]
    assert fu["value"].iloc[0] == 50.0
    imp = feed(result, "improved")
    assert imp["numerator"].tolist() == [1, 0, 0, 0]
    assert imp["denominator"].tolist() == [1, 0, 1, 0]  # d is not assessable
    svc = feed(result, "service_use_change")
    assert svc["value"].tolist()[0] == pytest.approx(-2.0) and svc["value"].iloc[3] == 0
    definitions = result.definitions.set_index("measure")
    assert definitions.loc["improved", "definition"].endswith("SWEMWBS up by 3 or more")
    assert definitions.loc["service_use_change", "label"] == \
        "Change in GP appointments per client"
    late = programme_feeds(clients, measures=measures, complete_before="2017-03-15")
    assert feed(late, "followed_up")["month"].dt.month.tolist() == [1, 2]


def test_rates_per_1000_use_the_practices_taking_part(records):
    clients, _, _ = records
    population = pd.DataFrame({"practice": ["P", "Q"], "registered": [4000, 1000],
                               "programme_start": ["2017-01-01", "2017-03-01"]})
    result = programme_feeds(clients, population=population)
    rate = feed(result, "referrals_per_1000")
    assert rate["denominator"].tolist() == [4000, 4000, 5000, 5000]
    assert rate["value"].tolist() == pytest.approx([0.5, 0.0, 0.4, 0.2])
    per_practice = programme_feeds(clients, population=population, by="practice")
    q = per_practice.feeds[(per_practice.feeds["practice"] == "Q")
                           & (per_practice.feeds["measure"] == "referrals")]
    assert q["month"].dt.month.tolist() == [3, 4]  # Q's months start when it joined


def test_bad_records_get_named_errors(records):
    clients, measures, _ = records
    early = measures.assign(assessment_date=measures["assessment_date"].where(
        measures["client_id"] != "c", "2017-02-01"))
    with pytest.raises(InvalidValueError, match="before the referral.*row 4:.*found c"):
        programme_feeds(clients, measures=early)
    with pytest.raises(InvalidValueError, match="unreadable date"):
        programme_feeds(clients.assign(referral_date="soon"))
    with pytest.raises(InvalidValueError, match="twice"):
        programme_feeds(clients, improved=pd.DataFrame({"client_id": ["a", "a"],
                                                        "improved": [True, False]}))


def test_bundled_feeds_cover_the_programme():
    clients = wb.load_dataset("social_prescribing_clients")
    measures = wb.load_dataset("social_prescribing_measures")
    result = programme_feeds(clients, measures=measures)
    referrals = feed(result, "referrals")
    assert len(referrals) == 24 and referrals["value"].sum() == 1500
    fu = feed(result, "followed_up")
    referred = set(clients.loc[clients["group"] == "referred", "client_id"])
    followed = measures[(measures["time"] == "follow_up") & measures["client_id"].isin(referred)]
    assert fu["numerator"].sum() == followed["client_id"].nunique() == 1020
    assert fu["denominator"].sum() == 1500
