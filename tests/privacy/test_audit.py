"""The audit of published tables: the issue's three leaks as regression tests, hand-checked
intervals, linked tables, the intruder's view and bad input."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from wellbeing_lib.errors import DisclosureError, InvalidValueError
from wellbeing_lib.privacy import (
    AUDIT_COLUMNS,
    audit,
    publish,
    publish_linked,
    suppress_linked,
    suppress_small_counts,
    suppressed_percentages,
)

NA = pd.NA
#: the issue's second example: every line has two withheld cells
GRID = pd.DataFrame([[3, 4, 5, 0], [6, 2, 0, 0], [0, 0, 3, 4], [0, 0, 6, 2]],
                    index=list("ABCD"), columns=list("wxyz"))


def line_rule_publication(counts: pd.DataFrame) -> pd.DataFrame:
    """What the old rule published for GRID: every non-zero count is 1-7, so all withheld."""
    return counts.where(counts == 0).astype("Int64")


def cell(result: pd.DataFrame, row, column) -> pd.Series:
    return result.set_index(["row", "column"]).loc[(row, column)]


# ================================================= the three leaks of the issue
def test_leak_from_one_total_two_withheld_ones_in_a_column_of_two():
    # column b adds up to 2 and its two withheld cells are both at least 1 (zeros are
    # published): both must be 1.  The old rule published exactly this.
    counts = pd.DataFrame({"a": [20, 21, 30], "b": [1, 1, 0]}, index=["x", "y", "z"])
    old = pd.DataFrame({"a": [NA, NA, 30], "b": [NA, NA, 0]}, index=["x", "y", "z"],
                       dtype="Int64")
    result = audit(old, counts=counts)
    assert cell(result, "x", "b")[["feasible_low", "feasible_high"]].tolist() == [1.0, 1.0]
    assert cell(result, "x", "a")[["feasible_low", "feasible_high"]].tolist() == [20.0, 20.0]
    assert not result["protected"].any()
    # the pattern alone (zeros and the known total) gives both away: no suppression can
    # protect them, so the library warns and the gate refuses
    with pytest.warns(UserWarning, match="cannot protect row 'x', column 'b'"):
        suppress_small_counts(counts)
    with pytest.raises(DisclosureError, match="row 'x', column 'b'"):
        publish(counts)
    # with its totals rounded and withheld by the same rule the table can be published
    published = publish(counts, margins=True)
    assert audit(published, counts=counts)["protected"].all()
    assert published.loc["Total", "b"] == "*"


def test_leak_from_several_totals_cell_a_y_is_exactly_five():
    # (R_A + R_B) - (C_w + C_x) = (12 + 8) - (9 + 6) = 5: A's y, though every line has two
    # withheld cells.  The same with no rounding (base=1).
    for base in (5, 1):
        result = audit(line_rule_publication(GRID), counts=GRID, base=base)
        ay = cell(result, "A", "y")
        assert ay[["feasible_low", "feasible_high"]].tolist() == [5.0, 5.0]
        assert not ay["protected"]
        assert result["protected"].sum() == 8  # the other small counts keep some doubt
    # an intruder who does not know which cells are small gets the same 5
    intruder = audit(line_rule_publication(GRID).assign(Total=GRID.sum(axis=1)).pipe(
        lambda t: pd.concat([t, pd.DataFrame([[*GRID.sum(), GRID.to_numpy().sum()]],
                                             index=["Total"], columns=t.columns)])
    ).astype("Int64"), base=1)
    assert cell(intruder, "A", "y")[["feasible_low", "feasible_high"]].tolist() == [5.0, 5.0]
    with pytest.raises(DisclosureError, match="row 'A', column 'y'"):
        publish(GRID)
    for base in (5, 1):  # published with its totals, every cell is protected
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            protected = suppress_small_counts(GRID, margins=True, base=base)
        assert audit(protected, counts=GRID, base=base)["protected"].all()


def _unrounded_candidates(published: int, total: int, percent: float, base: int = 5):
    """Unrounded counts an intruder finds consistent with a cell, its total and its %."""
    half = base // 2
    cells = [c for c in range(max(published - half, 0), published + base - half)
             if published == 0 or c > 7]
    totals = range(max(total - half, 1), total + base - half)
    return {c for c in cells for t in totals if round(100 * c / t, 1) == percent}


def test_leak_from_percentages_of_unrounded_counts_is_closed():
    counts = pd.DataFrame({"a": [41, 23, 12], "b": [28, 44, 9], "c": [13, 17, 58]},
                          index=["x", "y", "z"])
    shown = suppress_small_counts(counts, margins=True)
    assert shown.notna().all().all()  # nothing small: every cell published, rounded
    totals = shown["Total"]
    # the old way: percentages of the unrounded counts, to 1 dp, beside the rounded ones
    old = (100 * counts.div(counts.sum(axis=1), axis=0)).round(1)
    revealed = [(r, c) for r in counts.index for c in counts.columns
                if _unrounded_candidates(int(shown.loc[r, c]), int(totals[r]),
                                         old.loc[r, c]) == {counts.loc[r, c]}]
    assert len(revealed) >= 6  # most unrounded counts come back exactly
    # now: percentages of the published counts, so a function of what is published
    new = suppressed_percentages(counts, margins=True)
    for r in counts.index:
        for c in counts.columns:
            assert new.loc[r, c] == round(100 * int(shown.loc[r, c]) / int(totals[r]), 1)


# ====================================================================== intervals
def test_audit_table_columns_and_hand_checked_interval():
    # x: 3 + 20 = 23, published as 25 (23-27) and 20 (18-22); column a: 3 + 10 = 13 (13-17)
    counts = pd.DataFrame({"a": [3, 10], "b": [20, 30]}, index=["x", "y"])
    published = suppress_small_counts(counts, margins=True)
    result = audit(published, counts=counts)
    assert list(result.columns) == AUDIT_COLUMNS
    row = result.iloc[0]
    assert (row["table"], row["row"], row["column"], row["status"]) == (0, "x", "a", "primary")
    # x's a = x's total - x's b lies in 23-22 .. 27-18 = 1..9, and in 1..7 as a small count
    assert row[["feasible_low", "feasible_high", "required_low", "required_high"]].tolist() \
        == [1.0, 7.0, 1.0, 7.0]
    # an intruder who does not know it is small sees 1..9
    seen = audit(published).iloc[0]
    assert seen["status"] == "suppressed"
    assert seen[["feasible_low", "feasible_high"]].tolist() == [1.0, 9.0]


def test_requirement_is_what_the_pattern_leaves_possible():
    # row x holds two small counts and nothing else, so its total (withheld, small) caps
    # them: with 2 + 3 = 5, neither can be above 6 whatever is published
    counts = pd.DataFrame({"a": [2, 40, 30], "b": [3, 25, 40]}, index=["x", "y", "z"])
    result = audit(suppress_small_counts(counts, margins=True), counts=counts)
    xa = cell(result, "x", "a")
    assert xa[["required_low", "required_high"]].tolist() == [1.0, 6.0]
    total = cell(result, "x", "Total")  # the total of two counts of at least 1
    assert total[["required_low", "required_high"]].tolist() == [2.0, 7.0]
    assert result["protected"].all()


def test_secondary_cells_must_not_be_recoverable_and_markers_are_read():
    counts = pd.DataFrame({"a": [20, 3, 30], "b": [25, 5, 36]}, index=["x", "y", "z"]).T
    published = publish(counts)
    assert (published == "*").to_numpy().sum() == 3
    result = audit(published, counts=counts)
    secondary = result[result["status"] == "secondary"]
    assert len(secondary) == 1 and secondary["required_low"].isna().all()
    assert (secondary["feasible_high"] > secondary["feasible_low"]).all()
    marked = audit(published.replace("*", "[c]"), counts=counts)
    pd.testing.assert_frame_equal(marked, result)


def test_a_published_small_count_fails_the_audit():
    counts = pd.DataFrame({"a": [12, 30], "b": [5, 40]}, index=["x", "y"])
    published = counts.copy()  # nothing withheld: the 5 is out in the open
    result = audit(published, counts=counts)
    assert result["status"].tolist() == ["published small count"]
    assert not result["protected"].any()
    seen = audit(published.astype("Int64"))  # an unrounded 5 gives itself away too
    assert seen["status"].tolist() == ["published small count"]


def test_unbounded_cells_without_totals():
    # published without totals and audited without the counts: nothing bounds the cells
    published = pd.DataFrame({"a": [NA, 20], "b": [NA, 40]}, index=["x", "y"], dtype="Int64")
    result = audit(published)
    assert np.isinf(result["feasible_high"]).all() and result["protected"].all()


# ======================================================================= linked
def test_linked_tables_are_audited_and_protected_together():
    # the same 34 clients by practice x outcome and by practice x age band (no rounding):
    # suppressed one at a time, each passes its own audit...
    outcome = pd.DataFrame({"improved": [11, 3], "same": [17, 3]}, index=["P1", "P2"])
    age = pd.DataFrame({"65+": [12, 1], "<65": [16, 5]}, index=["P1", "P2"])
    alone = [suppress_small_counts(t, margins=True, base=1) for t in (outcome, age)]
    for published, counts in zip(alone, (outcome, age)):
        assert audit(published, counts=counts, base=1)["protected"].all()
    # ...but the age table publishes P1's total (28), which the outcome table withholds,
    # and with the grand total 34 that gives P2's total away: 6
    joint = audit(alone, counts=[outcome, age], base=1)
    assert cell(joint[joint["table"] == 0], "P2", "Total")[
        ["feasible_low", "feasible_high"]].tolist() == [6.0, 6.0]
    assert not joint["protected"].all()
    # protected together, the shared totals are withheld in both or in neither
    together = suppress_linked([outcome, age], base=1)
    assert together[0].loc["P1", "Total"] is NA and together[1].loc["P1", "Total"] is NA
    assert audit(together, counts=[outcome, age], base=1)["protected"].all()
    published = publish_linked([outcome, age])  # default rule: rounded to 5
    assert [t.loc["Total", "Total"] for t in published] == [35, 35]
    assert audit(published, counts=[outcome, age])["protected"].all()


def test_linked_tables_need_the_same_grand_total():
    a = pd.DataFrame({"x": [10, 20]}, index=["p", "q"])
    b = pd.DataFrame({"x": [10, 21]}, index=["r", "s"])
    with pytest.raises(InvalidValueError, match="same data"):
        suppress_linked([a, b])


# ===================================================================== bad input
def test_bad_published_tables_are_named():
    counts = pd.DataFrame({"a": [12, 30], "b": [9, 40]}, index=["x", "y"])
    with pytest.raises(InvalidValueError, match="whole number.*column 'b', row x"):
        audit(pd.DataFrame({"a": [10, 30], "b": [2.5, 40]}, index=["x", "y"]))
    with pytest.raises(InvalidValueError, match="does not come from these counts.*row y"):
        audit(pd.DataFrame({"a": [10, 35], "b": [10, 40]}, index=["x", "y"]), counts=counts)
    with pytest.raises(InvalidValueError, match="shape"):
        audit(counts, counts=counts.iloc[:1])
    with pytest.raises(InvalidValueError, match="one table of counts"):
        audit([counts, counts], counts=[counts])
    with pytest.raises(InvalidValueError, match="a zero is withheld"):
        audit(pd.DataFrame({"a": [NA, 30]}, index=["x", "y"], dtype="Int64"),
              counts=pd.DataFrame({"a": [0, 30]}, index=["x", "y"]))
