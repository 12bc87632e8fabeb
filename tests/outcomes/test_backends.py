"""The outcomes core on every backend: what only the other backends have.

The behaviour tests of score, pair_measurements, change, improved_on_n and
subgroup_summary run on pandas, polars, pyarrow, a polars LazyFrame, DuckDB and sqlframe
(the PySpark API on DuckDB, standing in for Databricks) in tests/outcomes/test_scoring.py,
test_pairing.py, test_change.py and test_summaries.py (parametrized over
tests/backends.BACKENDS).  Here: rows named by ``file_line`` where the data live, a lazy
pipeline that stays lazy until the summary, and the pandas-only statistics refusing a
table of another backend (ARCHITECTURE.md, "Backends").
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests.backends import (
    BACKENDS,
    OTHER_BACKENDS,
    native_type,
    to_backend,
)
from tests.outcomes.helpers import MEASURES, hand_long
from wellbeing_lib import outcomes as oc
from wellbeing_lib.errors import DuplicateKeyError, InvalidValueError

RELIABILITY = {"inclusion": 0.70, "activation": 0.85}
KEYS = ["client_id", "time"]


@pytest.fixture(scope="module")
def measures():
    from wellbeing_lib.datasets import load_dataset

    return load_dataset("social_prescribing_measures")


@pytest.fixture(scope="module")
def scored(measures):
    return measures.join(oc.score(measures, "swemwbs")[["swemwbs_metric"]]).join(
        oc.score(measures, "ucla3")[["ucla3_raw"]])


# ------------------------------------------------------------------------ scoring
@pytest.mark.parametrize("backend", BACKENDS)
def test_score_maps_text_answers_and_names_the_bad_cell(backend):
    answers = pd.DataFrame({"ucla_1": ["1", "Often", " hardly ever OR  never "],
                            "ucla_2": ["2", "3", "1"], "ucla_3": ["1", "2", "3"],
                            "file_line": [2, 3, 4]})
    # (the text answers scored on every backend: tests/outcomes/test_scoring.py)
    bad = answers.assign(ucla_2=["2", "7", "1"])
    with pytest.raises(InvalidValueError, match=r"answer out of range .*column 'ucla_2'.*"
                                                r"line 3.*found ucla_2='7'"):
        oc.score(to_backend(bad, backend), "ucla3")
    odd = answers.assign(ucla_3=["1", "sometimes?", "3"])
    with pytest.raises(InvalidValueError, match="unrecognised answer.*ucla_3='sometimes\\?'"):
        oc.score(to_backend(odd, backend), "ucla3")


# ------------------------------------------------------------------------ pairing
@pytest.mark.parametrize("backend", OTHER_BACKENDS)
def test_pairing_errors_name_the_rows_on_every_backend(backend):
    long = hand_long().assign(file_line=range(2, 13))
    with pytest.raises(DuplicateKeyError, match="duplicated records.*lines 6, 7.*twice"):
        oc.pair_measurements(to_backend(long, backend), duplicates="raise")
    odd = long.assign(time=long["time"].where(long.index != 3, "week 6"))
    with pytest.raises(InvalidValueError, match="value not allowed.*line 5.*week 6"):
        oc.pair_measurements(to_backend(odd, backend))
    spaced = long.assign(client_id=long["client_id"].where(long.index != 1, "OK "))
    with pytest.raises(InvalidValueError, match="differ only in spaces.*lines 2, 3.*'OK ' / 'ok'"):
        oc.pair_measurements(to_backend(spaced, backend))
    totals = long.assign(client_id=long["client_id"].where(long.index != 10, "Total"))
    with pytest.raises(InvalidValueError, match="total row.*line 12"):
        oc.pair_measurements(to_backend(totals, backend))
    dated = long.assign(date=long["date"].where(long.index != 0, "01/01/2017"))
    with pytest.raises(InvalidValueError, match="unreadable date.*line 2.*01/01/2017"):
        oc.pair_measurements(to_backend(dated, backend), date="date")


def test_an_eager_table_names_rows_by_position_and_a_lazy_one_by_file_line():
    pl = pytest.importorskip("polars")
    long = hand_long()
    long.loc[2, "client_id"] = None
    with pytest.raises(InvalidValueError, match=r"missing client id in column 'client_id', "
                                                r"row 2: expected"):
        oc.pair_measurements(pl.from_pandas(long))
    with pytest.raises(InvalidValueError, match=r"missing client id in column 'client_id', "
                                                r"file line 4: expected"):
        oc.pair_measurements(pl.from_pandas(long.assign(file_line=range(2, 13))).lazy())


# -------------------------------------------------------------------- summaries
@pytest.mark.parametrize("backend", ["duckdb", "polars_lazy", "sqlframe"])
def test_the_whole_pipeline_stays_lazy_until_the_summary(measures, backend):
    data = to_backend(measures, backend)
    swemwbs = oc.score(data, "swemwbs", keep=[*KEYS, "assessment_date", "social_inclusion",
                                              "pam_score"])
    assert native_type(swemwbs) == native_type(data)  # nothing computed yet
    pairs = oc.pair_measurements(swemwbs, columns=["swemwbs_metric", "social_inclusion",
                                                   "pam_score"], date="assessment_date",
                                 duplicates="drop")
    changes = oc.change(pairs, {"wellbeing": "swemwbs", "inclusion": "social_inclusion",
                                "activation": "pam"})
    assert native_type(changes) == native_type(data)
    got = oc.improved_on_n(changes, measures=["wellbeing", "inclusion", "activation"])
    ref_scored = measures.join(oc.score(measures, "swemwbs")[["swemwbs_metric"]])
    ref_pairs = oc.pair_measurements(ref_scored, columns=["swemwbs_metric", "social_inclusion",
                                                          "pam_score"],
                                     date="assessment_date", duplicates="drop")
    ref = oc.improved_on_n(oc.change(ref_pairs, {"wellbeing": "swemwbs",
                                                 "inclusion": "social_inclusion",
                                                 "activation": "pam"}))
    pd.testing.assert_frame_equal(got, ref, check_dtype=False, check_categorical=False,
                                  rtol=0, atol=1e-12)


@pytest.mark.parametrize("backend", ["polars", "duckdb"])
def test_thresholds_from_the_data_and_pandas_only_statistics(scored, backend):
    pairs = oc.pair_measurements(scored, date="assessment_date", duplicates="drop")
    ref = oc.distribution_thresholds(pairs, {"activation": "pam", "inclusion":
                                             "social_inclusion"})
    got = oc.distribution_thresholds(to_backend(pairs.paired, backend),
                                     {"activation": "pam", "inclusion": "social_inclusion"})
    assert got.keys() == ref.keys()
    for name in ref:
        assert got[name][0] == pytest.approx(ref[name][0], abs=1e-12)
        assert got[name][1] == ref[name][1]
    criteria = oc.change_criteria(to_backend(pairs.paired, backend), MEASURES,
                                  definition="reliable", reliability=RELIABILITY)
    pd.testing.assert_frame_equal(
        criteria, oc.change_criteria(pairs, MEASURES, definition="reliable",
                                     reliability=RELIABILITY), rtol=0, atol=1e-12)
    changes = oc.change(to_backend(pairs.paired, backend), MEASURES)
    with pytest.raises(TypeError, match="pandas DataFrame.*collect the change table"):
        oc.paired_effects(changes)
    with pytest.raises(TypeError, match="pandas DataFrame.*collect the change table"):
        oc.difference_in_differences(changes)
    with pytest.raises(TypeError, match="pandas DataFrame.*collect the baseline scores"):
        oc.baseline_vs_norm(to_backend(scored, backend), value="swemwbs_metric")


# --------------------------------------- checks merged into one pass (lazy: computed once)
def _collected(table) -> pd.DataFrame:
    from tests.backends import to_pandas

    return to_pandas(table)


@pytest.mark.parametrize("backend", OTHER_BACKENDS)
def test_numeric_answers_out_of_range_or_not_whole_are_named(backend):
    answers = pd.DataFrame({"ucla_1": [1.0, 2.0, 3.0], "ucla_2": [2.0, 3.0, 1.0],
                            "ucla_3": [1.0, float('nan'), 3.0], "file_line": [2, 3, 4]})
    got = _collected(oc.score(to_backend(answers, backend), "ucla3", keep="file_line"))
    assert got.sort_values("file_line")["ucla3_raw"].tolist()[::2] == [4.0, 7.0]
    for bad, problem in ((2.5, "not a whole number"), (4.0, "answer out of range"),
                         (float('inf'), "answer out of range")):
        wrong = answers.assign(ucla_2=[2.0, bad, 1.0])
        with pytest.raises(InvalidValueError, match=f"{problem} .*column 'ucla_2'.*line 3"):
            oc.score(to_backend(wrong, backend), "ucla3")


@pytest.mark.parametrize("backend", ["polars_lazy", "duckdb", "sqlframe"])
def test_a_lazy_table_without_file_lines_lists_the_problems_by_id(backend):
    _same_pairing_listed_by_id(hand_long().drop(columns="date"), backend)


def _same_pairing_listed_by_id(long: pd.DataFrame, backend: str) -> None:
    """A lazy table paired (duplicates dropped) as pandas pairs it, its problems listed
    by problem and id (a lazy table has no row order)."""
    from tests.backends import same_rows

    ref = oc.pair_measurements(long, duplicates="drop")
    got = oc.pair_measurements(to_backend(long, backend), duplicates="drop")
    same_rows(got.paired, ref.paired, "client_id")
    expected = ref.problems.sort_values(["problem", "client_id"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(got.problems, expected, check_dtype=False)
    pd.testing.assert_frame_equal(got.summary(), ref.summary())


@pytest.mark.parametrize("backend", OTHER_BACKENDS)
def test_pairing_checks_on_the_clients_keep_their_order(backend):
    long = hand_long().assign(file_line=range(2, 13))
    both = long.assign(client_id=long["client_id"].where(long.index != 1, None),
                       time=long["time"].where(long.index != 3, "week 6"))
    with pytest.raises(InvalidValueError, match="missing client id.*line 3"):
        oc.pair_measurements(to_backend(both, backend))  # before the time point not allowed


@pytest.mark.parametrize("backend", OTHER_BACKENDS)
def test_improved_on_n_checks_in_the_pass_that_counts(scored, backend):
    pairs = oc.pair_measurements(scored, date="assessment_date", duplicates="drop")
    table = oc.change(pairs, MEASURES).astype({"measure": "str", "instrument": "str",
                                               "definition": "str", "status": "str"})
    with pytest.raises(InvalidValueError, match="measure not in the data.*mood"):
        oc.improved_on_n(to_backend(table, backend), measures=[*MEASURES, "mood"])
    wrong = table.assign(status=table["status"].where(table.index != 5, "better"))
    with pytest.raises(InvalidValueError, match="value not allowed.*better"):
        oc.improved_on_n(to_backend(wrong, backend), measures=["mood"])  # the status first


@pytest.mark.parametrize("backend", OTHER_BACKENDS)
@pytest.mark.parametrize("first,second", [("OK", "ok"), ("Élan", "élan"), ("C-1", "c-1")])
def test_ids_differing_only_in_capitals_are_named_without_spaces_around(backend, first,
                                                                        second):
    long = pd.DataFrame({"client_id": [first, first, second, "X-2", "X-2"],
                         "time": ["baseline", "follow_up"] * 2 + ["baseline"],
                         "score": [1, 2, 3, 4, 5], "file_line": range(2, 7)})
    long.loc[4, "time"] = "follow_up"
    long.loc[3, "time"] = "baseline"
    with pytest.raises(InvalidValueError, match=f"differ only in spaces or capitals.*{second}"):
        oc.pair_measurements(to_backend(long, backend))
    one_case = long.assign(client_id=[first.upper()] * 2 + ["Z-9", "X-2", "X-2"])
    assert oc.pair_measurements(to_backend(one_case, backend)).n_clients == 3


def _clean_long(ids) -> pd.DataFrame:
    """Each id with one baseline and one follow-up record (and a score)."""
    return pd.DataFrame({"client_id": [i for i in ids for _ in range(2)],
                         "time": ["baseline", "follow_up"] * len(ids),
                         "score": range(2 * len(ids))})


@pytest.mark.parametrize("backend", ["polars_lazy", "duckdb", "sqlframe"])
def test_a_lazy_table_with_no_problem_is_paired_by_a_join(backend):
    long = _clean_long(["a", "b", "C-3", "d"])
    ref = oc.pair_measurements(long)
    got = oc.pair_measurements(to_backend(long, backend))
    from tests.backends import same_rows

    assert native_type(got.paired) == native_type(to_backend(long, backend))
    same_rows(got.paired, ref.paired, "client_id")
    assert got.problems.empty and got.n_clients == 4
    pd.testing.assert_frame_equal(got.summary(), ref.summary())


@pytest.mark.parametrize("backend", ["polars_lazy", "duckdb", "sqlframe"])
def test_duplicates_balanced_to_as_many_pairs_as_records_are_still_found(backend):
    # a: 2 baselines and 2 follow-ups (4 pairs by a join), b: 2 baselines, c: 2 follow-ups:
    # as many pairs as baseline and as follow-up records, yet every client has a problem
    long = pd.concat([_clean_long(["ok"]), pd.DataFrame({
        "client_id": ["a", "a", "a", "a", "b", "b", "c", "c"],
        "time": ["baseline", "baseline", "follow_up", "follow_up", "baseline", "baseline",
                 "follow_up", "follow_up"], "score": [1, 1, 2, 2, 3, 3, 4, 4]})],
        ignore_index=True)
    _same_pairing_listed_by_id(long, backend)


@pytest.mark.parametrize("backend", ["polars_lazy", "duckdb", "sqlframe"])
@pytest.mark.parametrize("ids,error", [
    (["C-1", "c-1", "d"], "differ only in spaces or capitals.*c-1"),
    (["C-1", "C-1 ", "d"], "differ only in spaces or capitals.*C-1 "),
    (["a", "Total", "d"], "total row.*Total"),
])
def test_id_problems_of_clients_each_paired_are_named(backend, ids, error):
    with pytest.raises(InvalidValueError, match=error):
        oc.pair_measurements(to_backend(_clean_long(ids), backend))


@pytest.mark.parametrize("backend", ["polars_lazy", "duckdb", "sqlframe"])
def test_improved_on_n_of_a_lazy_change_table_counts_from_its_pairs(scored, backend):
    scored = scored.assign(group=scored["client_id"].str[-1].isin(list("01234567")))
    reliability = {"inclusion": 0.70, "activation": 0.85}
    args = dict(definition=["any", "meaningful", "reliable"], reliability=reliability,
                keep=["group_baseline"], thresholds={"activation": 4, "loneliness": 1,
                                                        "inclusion": 1})
    ref_pairs = oc.pair_measurements(scored, date="assessment_date", duplicates="drop")
    pairs = oc.pair_measurements(to_backend(scored, backend), date="assessment_date",
                                 duplicates="drop")
    ref, got = oc.change(ref_pairs, MEASURES, **args), oc.change(pairs, MEASURES, **args)
    picked = ["activation", "wellbeing", "loneliness"]
    for kwargs in ({"measures": list(MEASURES)}, {"measures": picked, "policy": "observed"},
                   {"measures": picked, "by": "group_baseline"}, {}):
        expected = oc.improved_on_n(ref, **kwargs)
        if "measures" not in kwargs:  # a lazy table lists its measures alphabetically
            expected = oc.improved_on_n(ref, measures=sorted(MEASURES))
        pd.testing.assert_frame_equal(oc.improved_on_n(got, **kwargs), expected,
                                      check_dtype=False, check_categorical=False)
    with pytest.raises(InvalidValueError, match="measure not in the data.*mood"):
        oc.improved_on_n(got, measures=[*MEASURES, "mood"])
