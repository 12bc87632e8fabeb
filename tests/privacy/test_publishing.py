"""The publishing gate: cross-tabs suppressed and audited, tidy tables row by row, rates from
the published counts, refusals named, dtypes kept."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wellbeing_lib.errors import DisclosureError, InvalidValueError
from wellbeing_lib.privacy import (
    audit,
    is_count_column,
    publish,
    publish_linked,
    suppress_small_counts,
)


def crosstab() -> pd.DataFrame:
    return pd.DataFrame({"improved": [12, 3, 25], "same": [23, 4, 31], "worse": [9, 14, 10]},
                        index=["Exeter", "Torbay", "Plymouth"])


# ======================================================================= cross-tabs
def test_a_crosstab_of_counts_is_suppressed_audited_and_marked():
    table = crosstab()
    published = publish(table, margins=True)
    assert published.loc["Torbay", "improved"] == "*" and published.loc["Torbay", "same"] == "*"
    assert published.loc["Total", "Total"] == 130  # 131 rounded
    # what was published passes the data holder's audit and the intruder's
    assert audit(published, counts=table)["protected"].all()
    assert audit(published)["protected"].all()
    # numbers stay numbers; the marker is the only text
    values = published.to_numpy().ravel()
    assert {type(v) for v in values if v != "*"} <= {int, np.int64}
    assert publish(table, margins=True, marker="[c]").loc["Torbay", "same"] == "[c]"


def test_an_already_suppressed_crosstab_is_audited_as_an_intruder_sees_it():
    table = crosstab()
    good = suppress_small_counts(table, margins=True)
    assert publish(good).equals(publish(table, margins=True))
    # hand-made suppression that leaves one withheld cell in a row with a published total
    leaky = good.astype(object)
    leaky.loc["Exeter", "Total"] = 45
    leaky.loc["Exeter", ["improved", "same", "worse"]] = [pd.NA, 25, 10]
    with pytest.raises(DisclosureError, match="row 'Exeter', column 'improved'"):
        publish(leaky)
    with pytest.raises(InvalidValueError, match="already suppressed"):
        publish(good, margins=True)


def test_a_table_that_cannot_be_protected_is_refused_with_the_cells_named():
    table = pd.DataFrame({"a": [3, 10, 12], "b": [0, 30, 14], "c": [0, 9, 20]},
                         index=["x", "y", "z"])
    with pytest.raises(DisclosureError) as err:
        publish(table)  # x's only count is its row total, which is known
    message = str(err.value)
    assert "row 'x', column 'a' (primary)" in message and "margins=True" in message
    assert publish(table, margins=True).loc["x", "Total"] == "*"


def test_linked_tables_are_published_together():
    outcome = pd.DataFrame({"improved": [11, 3], "same": [17, 3]}, index=["P1", "P2"])
    age = pd.DataFrame({"65+": [12, 1], "<65": [16, 5]}, index=["P1", "P2"])
    first, second = publish_linked([outcome, age])
    assert first.loc["P2", "Total"] == second.loc["P2", "Total"] == "*"
    assert first.loc["Total", "Total"] == second.loc["Total", "Total"] == 35


# ==================================================================== tidy tables
def summary() -> pd.DataFrame:
    return pd.DataFrame({"group": ["A", "B", "C", "D"], "n": [5, 12, 0, 23],
                         "N": [40, 52, 6, 40], "mean": [3.1, 2.9, 3.3, 2.5]})


def test_tidy_counts_are_suppressed_and_derived_values_withheld_with_them():
    out = publish(summary())
    assert out["n"].tolist() == ["*", 10, 0, 25]
    assert out["N"].tolist() == [40, 50, "*", 40]
    assert out["mean"].tolist() == ["*", 2.9, "*", 2.5]
    assert out["group"].tolist() == ["A", "B", "C", "D"]
    # already withheld values (missing) stay withheld; rounding is not applied twice
    again = publish(summary().assign(n=pd.array([pd.NA, 10, 0, 25], dtype="Int64")))
    assert again["n"].tolist() == ["*", 10, 0, 25]


def test_rates_must_be_those_of_the_published_counts():
    table = summary().assign(percent=100 * summary()["n"] / summary()["N"])
    with pytest.raises(DisclosureError, match="'percent' is not the rate of the published"):
        publish(table.round(1))  # 12 of 52 is 23.1%; published as 10 of 50 it is 20.0%
    fixed = table.assign(percent=[12.5, 20.0, 0.0, 62.5])
    out = publish(fixed)
    assert out["percent"].tolist() == ["*", 20.0, "*", 62.5]
    # shown to one decimal place, 100 * 25 / 40 = 62.5 within the rounding of the display
    assert publish(fixed.assign(percent=[12.5, 20.0, 0.0, 62.5]).round(0))["percent"].tolist()[1] \
        == 20.0
    # named rates: a proportion of other columns
    props = summary()[["group", "n", "N"]].assign(share=[0.125, 10 / 50, 0, 25 / 40])
    assert publish(props, rates={"share": ("n", "N", 1)})["share"].tolist()[3] == 0.625
    with pytest.raises(DisclosureError, match="'share'"):
        publish(props.assign(share=[0.125, 12 / 52, 0, 23 / 40]),
                rates={"share": ("n", "N", 1)})


def test_a_rate_and_its_interval_depend_on_their_own_counts_only():
    table = pd.DataFrame({"area": ["A1", "A2"], "N": [55, 55], "n_strength": [15, 25],
                          "pct_strength": [100 * 15 / 55, 100 * 25 / 55],
                          "strength_ci_low": [17.3, 33.0], "strength_ci_high": [40.2, 58.5],
                          "n_no_comment": [5, 15]})
    out = publish(table)
    assert out["n_no_comment"].tolist() == ["*", 15]
    # A1's strength figures do not depend on its (withheld) no-comment count
    assert out.loc[0, "pct_strength"] == pytest.approx(27.2727, abs=1e-3)
    assert out.loc[0, "strength_ci_low"] == 17.3


def test_columns_without_withheld_values_keep_their_dtype():
    out = publish(summary().assign(n=[15, 12, 20, 23]).drop(columns="N"))
    assert out["n"].dtype == "Int64" and out["mean"].dtype == "float64"
    series = publish(pd.Series([10, None, 0], dtype="Int64"))
    assert series.tolist() == [10, "*", 0]


def test_count_columns_are_found_by_name():
    assert [is_count_column(c) for c in ["n", "N", "n_clients", "responses", "n_questions",
                                         "n_organisations", "percent", 3]] == \
        [True, True, True, True, False, False, False, False]
    table = pd.DataFrame({"element": ["x"], "n_questions": [3], "responses": [4]})
    out = publish(table, derived=[])  # a count of questions: neither suppressed nor derived
    assert out["n_questions"].tolist() == [3] and out["responses"].tolist() == ["*"]


def test_bad_input_is_named():
    with pytest.raises(InvalidValueError, match="not a count.*column 'n'"):
        publish(summary().assign(n=[5, 2.5, 0, 23]))
    with pytest.raises(InvalidValueError, match="DataFrame"):
        publish([[1, 2]])
    with pytest.raises(InvalidValueError, match="base=0"):
        publish(summary(), base=0)


def test_groups_that_add_up_to_a_total_row_are_audited_as_a_crosstab():
    table = pd.DataFrame({"subgroup": ["all", "sex", "sex"], "group": ["All", "F", "M"],
                          "n": [43, 40, 3], "N": [90, 80, 10]})
    # rounded to 5, M's n is anything from 43-47 less 38-42 as far as anyone can tell
    assert publish(table, within="subgroup")["n"].tolist() == [45, 40, "*"]
    # unrounded, it is 43 - 40 = 3 exactly: refused, naming the row
    with pytest.raises(DisclosureError, match=r"subgroup 'sex'.*row 2"):
        publish(table, within="subgroup", base=1)
    # audited row by row only, the leak goes unseen (why within= exists)
    assert publish(table, base=1)["n"].tolist() == [43, 40, "*"]
    with pytest.raises(InvalidValueError, match="one total row"):
        publish(table.assign(subgroup="sex"), within="subgroup")
