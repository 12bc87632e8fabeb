"""Tests for the shipped financial proxies (wellbeing_lib/data/financial_proxies.csv).

The expected values are the published ones: HM Treasury (2021) Wellbeing Guidance for
Appraisal, one WELLBY = £13,000 in 2019 prices, range £10,000 to £16,000.
"""

from __future__ import annotations

import pandas as pd
import pytest

from wellbeing_lib import economics as ec
from wellbeing_lib.errors import InvalidValueError

COLUMNS = {"proxy", "unit", "value", "low", "high", "price_year", "currency", "value_type",
           "source", "year", "licence"}


def test_wellby_value_range_and_price_year_are_the_published_ones():
    t = ec.financial_proxies("wellby")
    assert len(t) == 1
    row = t.iloc[0]
    assert (row["value"], row["low"], row["high"]) == (13000, 10000, 16000)
    assert row["price_year"] == 2019
    assert row["currency"] == "GBP"
    assert row["value_type"] == "social"
    assert "Wellbeing Guidance for Appraisal" in row["source"]
    assert row["year"] == 2021


def test_every_proxy_is_sourced_dated_licensed_and_inside_its_range():
    t = ec.financial_proxies()
    assert COLUMNS <= set(t.columns)
    assert t["proxy"].is_unique
    for col in ("unit", "source", "licence", "currency"):
        assert t[col].astype(str).str.strip().ne("").all(), col
    assert t[["value", "low", "high", "price_year", "year"]].notna().all().all()
    assert ((t["low"] <= t["value"]) & (t["value"] <= t["high"])).all()
    assert t["value_type"].isin(ec.VALUE_TYPES).all()


def test_no_licensed_social_value_bank_values_are_shipped():
    # HACT's UK Social Value Bank is CC BY-NC-ND: its values must never be bundled.
    t = ec.financial_proxies()
    text = (t["source"] + " " + t["licence"]).str.lower()
    assert not text.str.contains("hact|social value bank").any()
    assert not t["licence"].str.contains(r"\bNC\b|\bND\b|non-?commercial|no derivatives",
                                         case=False).any()


def test_table_is_a_copy_and_unknown_names_are_named_errors():
    a = ec.financial_proxies()
    a.loc[0, "value"] = -1
    assert ec.financial_proxies().loc[0, "value"] == 13000
    with pytest.raises(InvalidValueError, match="unknown financial proxy.*found qaly"):
        ec.financial_proxies("qaly")


def test_wellby_as_a_proxy_in_an_impact_map_gives_the_hand_computed_ratio():
    # 80 clients each gaining 0.1 life-satisfaction points for one year: 80 × 0.1 × £13,000 =
    # £104,000 gross; attribution 25% → £78,000; year 1 discounted at 3.5% → £75,362.32;
    # against £50,000 invested the ratio is 1.5072.
    w = ec.financial_proxies("wellby").iloc[0]
    m = pd.DataFrame({
        "stakeholder": ["Clients"], "outcome": ["Improved wellbeing"],
        "indicator": ["life satisfaction +0.1 (user-supplied conversion)"],
        "quantity": [80], "proxy_value": [0.1 * w["value"]], "proxy_source": [w["source"]],
        "proxy_price_year": [w["price_year"]], "duration": [1], "deadweight": [0.0],
        "displacement": [0.0], "attribution": [0.25], "drop_off": [0.0],
        "value_type": [w["value_type"]],
    })
    res = ec.sroi(m, 50_000, discount_rate=0.035)
    assert res.total_present_value == pytest.approx(78_000 / 1.035, abs=0.005)
    assert round(res.total_present_value, 2) == 75362.32
    assert res.ratio == pytest.approx(1.5072, abs=5e-5)
    assert res.impact_map.loc[0, "proxy_price_year"] == "2019"
