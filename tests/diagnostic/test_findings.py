"""Tests of wellbeing_lib.diagnostic.findings: organisation profiles and findings.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests.diagnostic.helpers import ENV, env_scores
from wellbeing_lib import diagnostic as dg
from wellbeing_lib.errors import InvalidValueError


def test_org_profile_rank_and_positions():
    scores = env_scores([3.5, 1.0, 2.0, 2.0, 4.0], completeness=[100, 100, 100, 100, 30])
    p = dg.org_profile(scores).set_index("organisation")
    # E (30% answered) is left out of the system view: median of 3.5, 1, 2, 2 = 2.0
    assert p["system_median"].iloc[0] == 2.0
    assert p["rank"].tolist()[:4] == [1, 4, 2, 2]
    assert p.loc["E", "position"] == "too few answers" and pd.isna(p.loc["E", "rank"])
    assert p.loc["C", "position"] == "at the system median"
    with pytest.raises(InvalidValueError, match="unknown organisation"):
        dg.org_profile(scores, "Z")


def test_diagnostic_findings_from_every_basis():
    scores = env_scores([3.5, 1.0, 2.0]).assign(n_answered=[9, 9, 6])
    tri = dg.triangulate(scores, networks=pd.DataFrame({
        "organisation": ["A", "B"], "element": ENV, "stance": ["positive", "positive"]}))
    gaps = pd.DataFrame({"level": ["organisation"], "organisation": ["B"], "element": [ENV],
                         "missing_groups": ["AfC 2-4"]})
    staging = pd.DataFrame({"organisation": ["C"], "element": [ENV], "status": ["in progress"],
                            "planned_month": ["2022-03"],
                            "days_late": pd.array([30], dtype="Int64")})
    f = dg.diagnostic_findings(scores, triangulation=tri, gaps=gaps, staging=staging)
    got = {(o, k, b) for o, k, b in f[["organisation", "finding", "basis"]].itertuples(
        index=False)}
    assert got == {
        ("A", "positive", "self-assessment"), ("A", "positive", "system comparison"),
        ("A", "positive", "triangulation"),
        ("B", "gap", "self-assessment"), ("B", "gap", "system comparison"),
        ("B", "gap", "evidence"), ("B", "gap", "triangulation"),
        ("C", "gap", "completeness"), ("C", "gap", "staging")}
    msg = f.set_index(["organisation", "basis"])["message"]
    assert msg[("B", "evidence")] == "No evidence about AfC 2-4 on Environment"
    assert msg[("C", "staging")] == ("Environment overdue: planned for 2022-03, in progress "
                                     "(30 days past due)")
    assert msg[("C", "completeness")] == "3 of 9 questions on Environment not answered"
    assert f["finding"].tolist()[:3] == ["positive"] * 3  # A's positives first
