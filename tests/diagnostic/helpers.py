"""Shared hand-made inputs of the diagnostic tests (their arithmetic is in the docstrings)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

DATA = Path(__file__).resolve().parents[2] / "data"
# element names exactly as in /work/shared/reference/facts.md, in framework order
ELEMENTS = [
    "Improving personal health and wellbeing",
    "Relationships",
    "Fulfilment at work",
    "Managers and leaders",
    "Environment",
    "Data insights",
    "Professional wellbeing support",
]
ENV, DAT, MGR = "Environment", "Data insights", "Managers and leaders"
HV08 = "Vale and Fens Ambulance Service NHS Trust"
HV12 = "Ormsby Primary Care Alliance"


def two_organisations() -> pd.DataFrame:
    """North Trust and South Council on Environment (9 questions) and Data insights (8).

    North Trust, Environment: ENV-01..07 = Embedded, 3, Developing, 4, "exemplary ",
    blank, 1; ENV-08/09 absent  -> 6 answered: 3+3+2+4+4+1 = 17, mean 17/6.
    North Trust, Data insights: DAT-01 = 0, DAT-02 = "Not started" -> mean 0, 2 of 8.
    South Council, Environment: ENV-01..03 = 1, "Planning", 0 -> 1+1+0, mean 2/3, 3 of 9.
    South Council, Data insights: DAT-01..08 = 2, 2, 3, 3, 2, 1, 2, 3 -> mean 18/8 = 2.25.
    """
    north_env = ["Embedded", 3, "Developing", 4, "exemplary ", None, 1]
    south_dat = [2, 2, 3, 3, 2, 1, 2, 3]
    rows = (
        [("North Trust", f"ENV-0{i}", a) for i, a in enumerate(north_env, start=1)]
        + [("North Trust", "DAT-01", 0), ("North Trust", "DAT-02", "Not started")]
        + [("South Council", "env-01", 1), ("South Council", "ENV-02", "Planning"),
           ("South Council", "ENV-03", 0)]
        + [("South Council", f"DAT-0{i}", a) for i, a in enumerate(south_dat, start=1)]
    )
    return pd.DataFrame(rows, columns=["organisation", "question_id", "answer"])


def row(scores, org, element):
    hit = scores[(scores["organisation"] == org) & (scores["element"] == element)]
    assert len(hit) == 1
    return hit.iloc[0]


def staged() -> pd.DataFrame:
    """Two organisations, start November 2021, judged at 10 March 2022.

    Due dates: PHW 30 Nov, REL 31 Dec, FUL 31 Jan, MGR 28 Feb, ENV 31 Mar ...
    Org A: PHW 9/9 by 10 Nov (on time); REL 8/8, last 5 Jan (late 5 days); FUL 3/9
    (in progress, 10 Mar - 31 Jan = 38 days); MGR nothing (not started, 10 days);
    ENV 9/9 on 1 Mar (finished before its due date: on time); DAT, PWS not yet due.
    Org B: PHW 9/9 without dates (no date); REL 8/8 dated 1 April, after as_of (not given
    yet: not started, 10 Mar - 31 Dec = 69 days); FUL and MGR nothing (not started).
    """
    def block(org, prefix, n, answered, dates):
        return pd.DataFrame({"organisation": org,
                             "question_id": [f"{prefix}-0{i}" for i in range(1, n + 1)],
                             "answer": [2] * answered + [None] * (n - answered),
                             "completed_on": dates})
    return pd.concat([
        block("A", "PHW", 9, 9, ["2021-11-02"] * 8 + ["2021-11-10"]),
        block("A", "REL", 8, 8, ["2021-12-20"] * 7 + ["2022-01-05"]),
        block("A", "FUL", 9, 3, ["2022-01-20"] * 3 + [None] * 6),
        block("A", "ENV", 9, 9, ["2022-03-01"] * 9),
        block("B", "PHW", 9, 9, [None] * 9),
        block("B", "REL", 8, 8, ["2022-04-01"] * 8),
    ], ignore_index=True)


def env_scores(means, completeness=None):
    """Scores of organisations A, B, ... on Environment only."""
    n = len(means)
    return pd.DataFrame({"organisation": [chr(65 + i) for i in range(n)], "element": ENV,
                         "n_questions": 9, "n_answered": 9,
                         "completeness_pct": completeness or [100.0] * n,
                         "mean_maturity": means})


def hs_survey(values, orgs, responses=None):
    """Health and safety climate results in a benchmark group worst 3.9, average 4.6, best 5.4."""
    return pd.DataFrame({"organisation": orgs, "indicator": "Health and safety climate",
                         "year": 2021, "value": values,
                         "responses": responses or [500] * len(orgs),
                         "national_worst": 3.9, "national_average": 4.6,
                         "national_best": 5.4})
