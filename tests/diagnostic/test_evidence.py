"""Tests of wellbeing_lib.diagnostic.evidence (and the staff-group vocabulary it reads).

Every expected number below is worked out by hand in the comments next to it.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests.diagnostic.helpers import DAT, ENV, MGR
from wellbeing_lib import diagnostic as dg
from wellbeing_lib.errors import InvalidValueError


def test_staff_group_terms_accept_aliases_and_ranges():
    data = pd.DataFrame({
        "organisation": "A",
        "question_id": ["MGR-01", "MGR-02", "MGR-03", "MGR-04"],
        "answer": [1, 1, 1, 1],
        "staff_groups": ["Band 5; bands 2 – 4", "AfC 8b, Medical & dental",
                         "agenda for change band 9;afc 6-7", "BANK"]})
    cov = dg.evidence_coverage(data)
    m = cov[cov["element"] == MGR].set_index("staff_group")["n_covering"]
    assert m[m > 0].index.tolist() == ["AfC 2", "AfC 3", "AfC 4", "AfC 5", "AfC 6", "AfC 7",
                                       "AfC 8", "AfC 9", "Medical and dental",
                                       "Bank/temporary"]
    assert (m[m > 0] == 1).all()
    assert dg.staff_groups()["staff_group"].is_unique


def test_evidence_coverage_hand_computed():
    data = pd.DataFrame({
        "organisation": ["A", "A", "A", "B", "B"],
        "question_id": ["ENV-01", "ENV-02", "ENV-03", "ENV-01", "DAT-01"],
        "answer": [3, 2, None, 1, 2],
        # ENV-03 unanswered but its evidence still counts; "AfC 5; Band 5" counts once
        "staff_groups": ["AfC 5; Band 5; AfC 2-4", "AfC 5", "Social care", None, "AfC 1-9"]})
    cov = dg.evidence_coverage(data)
    assert len(cov) == 2 * 7 * 13
    a = cov[(cov["organisation"] == "A") & (cov["element"] == ENV)].set_index("staff_group")
    assert a.loc["AfC 5", ["n_questions", "n_answered", "n_with_groups", "n_covering"]
                 ].tolist() == [9, 2, 3, 2]
    assert a.loc["AfC 5", "pct_covering"] == pytest.approx(200 / 9)
    assert a.loc["AfC 3", "n_covering"] == 1 and a.loc["Social care", "covered"]
    assert not a.loc["Medical and dental", "covered"]
    b = cov[(cov["organisation"] == "B") & (cov["element"] == DAT)].set_index("staff_group")
    assert b["covered"].sum() == 9 and b.loc[[f"AfC {i}" for i in range(1, 10)], "covered"].all()
    matrix = dg.coverage_matrix(cov, by="element")
    assert matrix.loc[ENV, "AfC 5"] == 1 and matrix.loc[ENV, "Social care"] == 1
    assert matrix.loc[DAT].sum() == 9
    wide = dg.coverage_matrix(cov, value="n_covering")
    assert wide.loc[("A", ENV), "AfC 5"] == 2
    assert wide.index.names == ["organisation", "element"] and wide.shape == (14, 13)
    with pytest.raises(ValueError, match="by must be"):
        dg.coverage_matrix(cov, by="group")


def test_unknown_staff_group_names_the_row():
    data = pd.DataFrame({"organisation": "A", "question_id": ["ENV-01", "ENV-02"],
                         "answer": [1, 1], "staff_groups": ["AfC 5", "Band 10; Porters"]},
                        index=["r1", "r2"])
    with pytest.raises(InvalidValueError) as err:
        dg.evidence_coverage(data)
    assert err.value.rows == ["r2"] and err.value.found == ["Band 10", "Porters"]
    cov = dg.evidence_coverage(data, unknown="ignore")
    assert cov["n_covering"].sum() == 1


def test_evidence_gaps_system_and_organisation():
    data = pd.DataFrame({
        "organisation": ["A", "A", "B", "C", "Council"],
        "question_id": ["MGR-01", "ENV-01", "MGR-01", "PWS-01", "MGR-01"],
        "answer": [3, 2, 2, None, 1],
        "staff_groups": ["AfC 5-9; Medical", "AfC 2-4", "AfC 1; AfC 5", None, "Social care"]})
    cov = dg.evidence_coverage(data)
    gaps = dg.evidence_gaps(cov)
    system = gaps[gaps["level"] == "system"].set_index("element")
    # MGR: A, B, Council answered; nobody covers AfC 2-4, Bank/temporary, Other pay scales
    assert system.loc[MGR, "missing_groups"] == "AfC 2-4; Bank/temporary; Other pay scales"
    assert system.loc[MGR, "n_organisations"] == 3 and system.loc[MGR, "n_missing"] == 5
    assert system.loc[ENV, "n_organisations"] == 1
    assert "Professional wellbeing support" not in system.index  # C answered nothing there
    org = gaps[gaps["level"] == "organisation"].set_index(["organisation", "element"])
    assert org.loc[("A", MGR), "missing_groups"] == (
        "AfC 1-4; Social care; Bank/temporary; Other pay scales")
    assert org.loc[("A", MGR), "message"] == (
        "A has no evidence about AfC 1-4; Social care; Bank/temporary; Other pay scales on "
        "Managers and leaders")
    assert ("C", "Professional wellbeing support") not in org.index
    # employed groups: the council is not asked about Agenda for Change bands
    employed = pd.DataFrame({"organisation": ["Council"],
                             "staff_groups_employed": ["Social care; Other pay scales"]})
    own = dg.evidence_gaps(cov, employed=employed).set_index(["organisation", "element"])
    assert own.loc[("Council", MGR), "missing_groups"] == "Other pay scales"
    assert own.loc[("A", MGR), "n_missing"] == 7  # not listed: every group checked
    only = dg.evidence_gaps(cov, groups=["AfC 2-4"])
    assert only.loc[only["level"] == "system", "element"].tolist() == [MGR]
    with pytest.raises(InvalidValueError, match="unknown staff group in groups="):
        dg.evidence_gaps(cov, groups=["Porters"])
