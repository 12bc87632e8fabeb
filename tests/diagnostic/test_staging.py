"""Tests of wellbeing_lib.diagnostic.staging: planned against actual completion.

Every expected number below is worked out by hand in the comments next to it.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests.diagnostic.helpers import DAT, ELEMENTS, ENV, staged
from wellbeing_lib import diagnostic as dg
from wellbeing_lib.errors import InvalidValueError


def test_staging_progress_hand_computed():
    p = dg.staging_progress(staged(), start="2021-11-15", as_of="2022-03-10")
    assert len(p) == 14 and p["element"].tolist()[:7] == ELEMENTS
    assert p["planned_month"].tolist()[:7] == ["2021-11", "2021-12", "2022-01", "2022-02",
                                               "2022-03", "2022-04", "2022-05"]
    assert p["due_on"].iloc[3] == pd.Timestamp("2022-02-28")
    a = p[p["organisation"] == "A"].set_index("element")
    assert a["status"].tolist() == ["on time", "late", "in progress", "not started",
                                    "on time", "not yet due", "not yet due"]
    assert a["days_late"].tolist()[:5] == [0, 5, 38, 10, 0]
    assert pd.isna(a.loc[DAT, "days_late"])
    assert a.loc["Relationships", "completed_on"] == pd.Timestamp("2022-01-05")
    assert pd.isna(a.loc["Fulfilment at work", "completed_on"])
    assert a.loc["Fulfilment at work", "n_answered"] == 3
    b = p[p["organisation"] == "B"].set_index("element")
    assert b["status"].tolist()[:2] == ["no date", "not started"]
    assert b.loc["Relationships", "days_late"] == 69 and b.loc["Relationships", "n_answered"] == 0
    # default as_of: the latest date in the data (1 April 2022)
    later = dg.staging_progress(staged(), start="2021-11")
    assert (later["as_of"] == pd.Timestamp("2022-04-01")).all()
    assert later.set_index(["organisation", "element"]).loc[("B", "Relationships"),
                                                            "status"] == "late"


def test_staging_summary_and_custom_order():
    p = dg.staging_progress(staged(), start="2021-11", as_of="2022-03-10")
    s = dg.staging_summary(p).set_index("organisation")
    # both behind: B has 3 overdue elements (REL, FUL, MGR), A 2 (FUL, MGR); due by 10 March:
    # PHW ... MGR (ENV is due 31 March, so A's early ENV is finished but not yet due)
    assert s.index.tolist() == ["B", "A"]
    assert s.loc["A"][["n_due", "n_finished", "n_on_time", "n_late", "n_overdue",
                       "max_days_late"]].tolist() == [4, 3, 2, 1, 2, 38]
    assert s.loc["A", "overdue_elements"] == "Fulfilment at work; Managers and leaders"
    assert s.loc["B"][["n_finished", "n_overdue", "max_days_late"]].tolist() == [1, 3, 69]
    assert s["behind"].all()
    order = [ENV, *[e for e in ELEMENTS if e != ENV]]
    q = dg.staging_progress(staged(), start="2021-11", as_of="2022-03-10", element_order=order)
    a = q[q["organisation"] == "A"].set_index("element")
    assert a.loc[ENV, "planned_month"] == "2021-11" and a.loc[ENV, "status"] == "late"
    assert a.loc[ENV, "days_late"] == 91  # 1 March 2022 - 30 November 2021
    with pytest.raises(ValueError, match="element_order must name every element once"):
        dg.staging_progress(staged(), start="2021-11", element_order=order[:-1])
    with pytest.raises(ValueError, match="no completion dates"):
        dg.staging_progress(staged().assign(completed_on=None), start="2021-11")
    with pytest.raises(InvalidValueError, match="status"):
        dg.staging_summary(p.assign(status="done"))
