"""Pairing baseline and follow-up records, every problem reported (outcomes/pairing.py)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from tests.backends import BACKENDS, LAZY, collect, same_kind, to_backend
from tests.outcomes.helpers import hand_long
from wellbeing_lib import outcomes as oc
from wellbeing_lib.errors import DuplicateKeyError, InvalidValueError, MissingColumnError


# The behaviour tests of pair_measurements run on every backend (tests/backends.py): the
# paired table comes back in the caller's backend (lazily for a lazy one, with no row
# order: read back sorted by client), the problems and the summary as pandas.
def pair_on(backend, long, **kwargs):
    """``oc.pair_measurements`` on ``long`` in ``backend``: the Pairing and its paired table
    as pandas (sorted by client for a lazy backend; in the order of the records otherwise)."""
    data = to_backend(long, backend)
    pairs = oc.pair_measurements(data, **kwargs)
    assert same_kind(pairs.paired, data)  # row-level: the caller's backend
    assert isinstance(pairs.problems, pd.DataFrame)  # a small table: pandas
    return pairs, collect(pairs.paired, by="client_id" if backend in LAZY else None)


@pytest.mark.parametrize("backend", BACKENDS)
def test_pairing_reports_each_problem_on_a_hand_made_table(backend):
    p, paired = pair_on(backend, hand_long(), date="date")
    assert paired["client_id"].tolist() == ["ok", "twice", "undated"]
    twice = paired.set_index("client_id").loc["twice"]
    assert (twice["score_baseline"], twice["date_baseline"]) == (17, "2017-01-15")  # earliest
    probs = p.problems.set_index("problem")["client_id"]
    assert probs["no follow-up"] == "lost"
    assert probs["follow-up without baseline"] == "orphan"
    assert probs["duplicated records"] == "twice"
    assert probs["follow-up before baseline"] == "early"
    assert probs["missing date"] == "undated"
    detail = p.problems.set_index("problem")["detail"]
    assert detail["duplicated records"] == "2 baseline records (differ in: date, score)"
    assert detail["follow-up before baseline"] == (
        "follow-up dated 2017-01-30 is 30 days before the baseline dated 2017-03-01")
    assert detail["missing date"] == "baseline date missing"
    summary = p.summary().set_index("item")["n_clients"]
    assert summary.to_dict() == {
        "clients in the data": 6, "paired (baseline and follow-up)": 3, "no follow-up": 1,
        "follow-up without baseline": 1, "duplicated records": 1,
        "follow-up before baseline": 1, "missing date": 1}
    assert p.ids("follow-up before baseline") == ["early"]
    assert p.n_clients == 6
    assert "3 clients paired of 6" in repr(p)


@pytest.mark.parametrize("backend", BACKENDS)
def test_duplicate_rules_are_explicit(backend):
    long = hand_long()
    _, last = pair_on(backend, long, date="date", duplicates="last")
    assert last.set_index("client_id").loc["twice", "score_baseline"] == 19
    drop, paired = pair_on(backend, long, date="date", duplicates="drop")
    assert "twice" not in set(paired["client_id"])
    assert drop.ids("duplicated records") == ["twice"]
    # no dates: first in file order (a lazy table has no order of its own: the library
    # orders the records by file_line when there is one)
    if backend in LAZY:
        long = long.assign(file_line=range(2, 2 + len(long)))
    undated, paired = pair_on(backend, long)
    assert paired.set_index("client_id").loc["twice", "score_baseline"] == 19
    assert "early" in set(paired["client_id"])  # order cannot be checked
    assert undated.summary().set_index("item").loc["follow-up before baseline", "action"] == (
        "not checked: pass date= to check")
    with pytest.raises(DuplicateKeyError, match="twice"):
        oc.pair_measurements(to_backend(long, backend), duplicates="raise")
    assert long["score"].tolist()[4:6] == [19, 17]  # the caller's frame is untouched


def test_pair_wide_matches_the_long_checks():
    wide = pd.DataFrame({
        "client_id": ["ok", "lost", "orphan", "early", "twice", "twice"],
        "group": ["r", "r", "c", "c", "r", "r"],
        "score_baseline": [20, 18, np.nan, 21, 19, 17],
        "score_follow_up": [23, np.nan, 25, 24, 22, 23],
        "date_baseline": ["2017-01-01", "2017-01-02", None, "2017-03-01", "2017-02-01",
                          "2017-01-15"],
        "date_follow_up": ["2017-07-01", None, "2017-07-03", "2017-01-30", "2017-08-01",
                           "2017-07-01"],
    })
    p = oc.pair_wide(wide, date="date")
    assert p.paired["client_id"].tolist() == ["ok", "twice"]
    assert p.paired.set_index("client_id").loc["twice", "score_follow_up"] == 23  # earliest row
    assert list(p.paired.columns) == ["client_id", "score_baseline", "score_follow_up",
                                      "date_baseline", "date_follow_up", "group"]
    got = p.problems.set_index("client_id")["problem"].astype(str).to_dict()
    assert got == {"lost": "no follow-up", "orphan": "follow-up without baseline",
                   "twice": "duplicated records", "early": "follow-up before baseline"}
    assert p.n_clients == 5


@pytest.mark.parametrize("backend", BACKENDS)
def test_pairing_bundled_data_matches_readme(scored, clients, backend):
    # the records' keys and dates (the measures play no part in pairing; fewer columns keep
    # the generated SQL of a lazy backend small)
    records = scored[["client_id", "time", "assessment_date", "swemwbs_metric"]]
    pairs = oc.pair_measurements(to_backend(records, backend), date="assessment_date")
    summary = pairs.summary().set_index("item")["n_clients"]
    assert summary["no follow-up"] == 480 + 132  # referred + comparison lost to follow-up
    assert summary["follow-up without baseline"] == 3
    assert summary["duplicated records"] == 3
    assert summary["follow-up before baseline"] == 2
    assert summary["missing date"] == 0
    assert summary["clients in the data"] == 2100
    assert summary["paired (baseline and follow-up)"] == 1020 - 3 - 2 + 468
    lost = pairs.problems.loc[pairs.problems["problem"] == "no follow-up", ["client_id"]]
    by_group = lost.merge(clients, on="client_id")["group"].value_counts()
    assert by_group.to_dict() == {"referred": 480, "comparison": 132}
    flagged = set(pairs.ids("follow-up without baseline", "duplicated records",
                            "follow-up before baseline"))
    assert len(flagged) == 8
    assert set(clients.loc[clients["client_id"].isin(flagged), "group"]) == {"referred"}
    early = pairs.problems[pairs.problems["problem"] == "follow-up before baseline"]
    days = early["detail"].str.extract(r"is (\d+) days")[0].astype(int)
    assert days.between(20, 89).all()  # "20-89 days before" in the README


@pytest.mark.parametrize("backend", BACKENDS)
def test_pairing_input_errors_name_what_is_wrong(backend):
    long = hand_long()
    with pytest.raises(InvalidValueError, match="value not allowed in column 'time'"):
        oc.pair_measurements(to_backend(
            long.assign(time=long["time"].replace("follow_up", "6 months")), backend))
    with pytest.raises(InvalidValueError, match="unreadable date"):
        oc.pair_measurements(to_backend(long.assign(date="14/10/2017"), backend), date="date")
    with pytest.raises(InvalidValueError, match="missing client id"):
        oc.pair_measurements(to_backend(
            long.assign(client_id=[None] + list(long["client_id"][1:])), backend))


def test_pair_wide_input_errors_name_what_is_wrong():  # pair_wide: pandas only
    with pytest.raises(MissingColumnError, match="no paired columns"):
        oc.pair_wide(pd.DataFrame({"client_id": ["a"], "score": [1]}))


# ------------------------------------------------------------- the Pairing result
def test_pairing_to_frame_is_the_paired_table_and_carries_no_attrs():
    p = oc.pair_measurements(hand_long(), date="date")
    assert p.to_frame() is p.paired
    assert p.paired.attrs == {}  # the layout travels as the Pairing's id and suffixes
    assert (p.id, p.suffixes) == ("client_id", ("_baseline", "_follow_up"))
    wide = oc.pair_wide(pd.DataFrame({"person": ["a", "b"], "score_t0": [1.0, 2.0],
                                      "score_t1": [3.0, np.nan]}),
                        id="person", suffixes=("_t0", "_t1"))
    assert wide.to_frame()["person"].tolist() == ["a"]
    assert (wide.id, wide.suffixes) == ("person", ("_t0", "_t1"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.id = "other"
