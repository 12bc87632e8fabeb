"""The impact map the SROI tests share: three outcomes over three years."""

from __future__ import annotations

import pandas as pd


def make_map(**changes) -> pd.DataFrame:
    """Three outcomes, three years: the worked example of the first test of test_sroi.py."""
    m = pd.DataFrame(
        {
            "stakeholder": ["Clients", "NHS", "Clients"],
            "outcome": ["Improved wellbeing", "Fewer GP visits", "Less lonely"],
            "indicator": ["SWEMWBS +3", "GP visits a year", "UCLA-3 below 6"],
            "quantity": [40, 100, 25],
            "proxy_value": [1000.0, 45.0, 600.0],
            "proxy_source": ["illustrative", "PSSRU 2013 GP surgery visit", "illustrative"],
            "proxy_price_year": ["2012/13"] * 3,
            "duration": [3, 2, 2],
            "start_year": [1, 1, 2],
            "deadweight": [0.25, 0.10, 0.20],
            "displacement": [0.0, 0.05, 0.10],
            "attribution": [0.20, 0.10, 0.25],
            "drop_off": [0.30, 0.50, 0.20],
            "value_type": ["social", "fiscal_non_cashable", "social"],
        }
    )
    for column, value in changes.items():
        m[column] = value
    return m
