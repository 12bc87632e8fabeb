"""Shared test data for tests/outcomes: the measures of the bundled data and hand-made tables."""

from __future__ import annotations

import pandas as pd

# The published SWEMWBS raw -> metric table (Stewart-Brown et al. 2009), copied by hand
# from /work/shared/reference/swemwbs_raw_to_metric.csv: the ground truth for these tests.
SWEMWBS_TABLE = {
    7: 7.00, 8: 9.51, 9: 11.25, 10: 12.40, 11: 13.33, 12: 14.08, 13: 14.75, 14: 15.32,
    15: 15.84, 16: 16.36, 17: 16.88, 18: 17.43, 19: 17.98, 20: 18.59, 21: 19.25, 22: 19.98,
    23: 20.73, 24: 21.54, 25: 22.35, 26: 23.21, 27: 24.11, 28: 25.03, 29: 26.02, 30: 27.03,
    31: 28.13, 32: 29.31, 33: 30.70, 34: 32.55, 35: 35.00,
}
SWEMWBS_COLS = [f"swemwbs_{i}" for i in range(1, 8)]
UCLA_COLS = ["ucla_1", "ucla_2", "ucla_3"]
ONS_COLS = ["life_satisfaction", "worthwhile", "happiness", "anxiety"]

MEASURES = {"wellbeing": "swemwbs", "loneliness": "ucla3", "inclusion": "social_inclusion",
            "activation": "pam"}
DEFS = ["any", "meaningful", "reliable"]


def hand_long():
    """A long table with one client of each pairing problem."""
    rows = [
        ("ok", "baseline", "2017-01-01", 20), ("ok", "follow_up", "2017-07-01", 23),
        ("lost", "baseline", "2017-01-02", 18),
        ("orphan", "follow_up", "2017-07-03", 25),
        ("twice", "baseline", "2017-02-01", 19), ("twice", "baseline", "2017-01-15", 17),
        ("twice", "follow_up", "2017-08-01", 22),
        ("early", "baseline", "2017-03-01", 21), ("early", "follow_up", "2017-01-30", 24),
        ("undated", "baseline", None, 16), ("undated", "follow_up", "2017-09-01", 18),
    ]
    return pd.DataFrame(rows, columns=["client_id", "time", "date", "score"])


def status_table(statuses: dict) -> pd.DataFrame:
    rows = [(cid, f"m{j}", s) for cid, sts in statuses.items() for j, s in enumerate(sts)]
    return pd.DataFrame(rows, columns=["client_id", "measure", "status"])


HAND = {  # 3 measures; I = improved, N = no change, D = deteriorated, None = missing
    "a": ["improved", "improved", "improved"],
    "b": ["improved", "no change", "deteriorated"],
    "c": ["no change", "improved", "improved"],
    "d": ["deteriorated", "no change", "no change"],
    "e": ["improved", None, "improved"],
    "f": [None, None, "no change"],
}


def swemwbs_frame(rows, index=None):
    return pd.DataFrame(rows, columns=SWEMWBS_COLS, index=index)
