"""The outcomes core on every backend: the same cases give the same results as pandas.

score → pair_measurements → change → improved_on_n / subgroup_summary run on polars,
pyarrow, a polars LazyFrame, DuckDB and sqlframe (the PySpark API on DuckDB, standing in
for Databricks) and must give pandas' results: exact counts and text, numbers to 1e-12.
Row-level results come back in the caller's backend (lazily for a lazy one); summary
tables and the pairing problems as pandas (ARCHITECTURE.md, "Backends").
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.backends import (
    BACKENDS,
    LAZY,
    OTHER_BACKENDS,
    native_type,
    same_rows,
    to_backend,
    to_pandas,
)
from tests.outcomes.helpers import MEASURES, hand_long
from wellbeing_lib import outcomes as oc
from wellbeing_lib.errors import DuplicateKeyError, InvalidValueError, UnmatchedRecordsError

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


@pytest.fixture(scope="module")
def changes(scored):
    pairs = oc.pair_measurements(scored, date="assessment_date", duplicates="drop")
    return oc.change(pairs, MEASURES, definition=["any", "reliable"], reliability=RELIABILITY)


def text_change(table: pd.DataFrame) -> pd.DataFrame:
    """A pandas change table with text columns, as another backend would hold it."""
    return table.astype({"measure": "str", "instrument": "str", "definition": "str",
                         "status": "str"}).assign(status=table["status"].astype(object))


# ------------------------------------------------------------------------ scoring
@pytest.mark.parametrize("backend", OTHER_BACKENDS)
@pytest.mark.parametrize("instrument,missing", [("swemwbs", "complete"), ("swemwbs", "prorate"),
                                                ("ucla3", "complete"), ("pam", "complete"),
                                                ("ons4", "complete")])
def test_score_gives_pandas_scores_in_the_callers_backend(measures, backend, instrument,
                                                          missing):
    data = measures
    if instrument == "ons4":
        rng = np.random.default_rng(3)
        data = measures.assign(**{c: rng.integers(0, 11, len(measures)).astype(float)
                                  for c in ["life_satisfaction", "worthwhile", "happiness",
                                            "anxiety"]})
    ref = oc.score(data, instrument, missing=missing, keep=KEYS)
    got = oc.score(to_backend(data, backend), instrument, missing=missing, keep=KEYS)
    assert native_type(got) == native_type(to_backend(data.head(1), backend))
    same_rows(got, ref.reset_index(drop=True), KEYS)


@pytest.mark.parametrize("backend", BACKENDS)
def test_score_maps_text_answers_and_names_the_bad_cell(backend):
    answers = pd.DataFrame({"ucla_1": ["1", "Often", " hardly ever OR  never "],
                            "ucla_2": ["2", "3", "1"], "ucla_3": ["1", "2", "3"],
                            "file_line": [2, 3, 4]})
    got = to_pandas(oc.score(to_backend(answers, backend), "ucla3", keep="file_line"))
    assert got.sort_values("file_line")["ucla3_raw"].tolist() == [4.0, 8.0, 5.0]
    bad = answers.assign(ucla_2=["2", "7", "1"])
    with pytest.raises(InvalidValueError, match=r"answer out of range .*column 'ucla_2'.*"
                                                r"line 3.*found ucla_2='7'"):
        oc.score(to_backend(bad, backend), "ucla3")
    odd = answers.assign(ucla_3=["1", "sometimes?", "3"])
    with pytest.raises(InvalidValueError, match="unrecognised answer.*ucla_3='sometimes\\?'"):
        oc.score(to_backend(odd, backend), "ucla3")


# ------------------------------------------------------------------------ pairing
@pytest.mark.parametrize("backend", OTHER_BACKENDS)
@pytest.mark.parametrize("options", [{"date": "date"}, {"date": "date", "duplicates": "last"},
                                     {"duplicates": "drop"}, {}])
def test_pairing_gives_the_same_pairs_and_problems(backend, options):
    long = hand_long().assign(file_line=range(2, 13))  # a lazy table orders ties by line
    ref = oc.pair_measurements(long, **options)
    got = oc.pair_measurements(to_backend(long, backend), **options)
    assert native_type(got.paired) == native_type(to_backend(long.head(1), backend))
    if "date" in options:
        paired = to_pandas(got.paired)
        for col in ("date_baseline", "date_follow_up"):
            paired[col] = paired[col].astype(object).where(paired[col].notna(), None)
        same_rows(paired, ref.paired, "client_id")
    else:
        same_rows(got.paired, ref.paired, "client_id")
    pd.testing.assert_frame_equal(got.problems, ref.problems, check_dtype=False)
    pd.testing.assert_frame_equal(got.summary(), ref.summary())
    assert got.n_clients == ref.n_clients == 6
    if backend not in LAZY:  # an eager table keeps the order of the records
        assert to_pandas(got.paired)["client_id"].tolist() == ref.paired["client_id"].tolist()


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


# ------------------------------------------------------------------------- change
@pytest.mark.parametrize("backend", OTHER_BACKENDS)
def test_change_gives_the_same_rows_under_each_definition(scored, backend):
    pairs = oc.pair_measurements(scored, date="assessment_date", duplicates="drop")
    paired = pairs.paired.assign(group=lambda t: np.where(t.index % 3 == 0, "x", "y"))
    measures = {**MEASURES}
    options = dict(definition=["any", "meaningful", "reliable"], reliability=RELIABILITY,
                   thresholds={"loneliness": 1, "inclusion": 1, "activation": (4, "test")},
                   keep=["group"])
    ref = oc.change(paired, measures, **options)
    got = oc.change(to_backend(paired, backend), measures, **options)
    assert native_type(got) == native_type(to_backend(paired.head(1), backend))
    same_rows(got, ref, ["definition", "measure", "client_id"])
    counts = to_pandas(got).groupby(["definition", "status"]).size()
    assert counts.to_dict() == ref.astype({"definition": str, "status": str}).groupby(
        ["definition", "status"]).size().to_dict()


@pytest.mark.parametrize("backend", OTHER_BACKENDS)
def test_change_names_a_client_on_two_rows(backend):
    paired = pd.DataFrame({"client_id": ["a", "a"], "ucla3_raw_baseline": [7.0, 6.0],
                           "ucla3_raw_follow_up": [4.0, 6.0]})
    with pytest.raises(DuplicateKeyError, match="duplicated key.*client_id"):
        oc.change(to_backend(paired, backend), {"loneliness": "ucla3"})


# -------------------------------------------------------------------- summaries
@pytest.mark.parametrize("backend", OTHER_BACKENDS)
@pytest.mark.parametrize("policy", ["complete", "observed"])
def test_improved_on_n_gives_identical_counts(changes, backend, policy):
    table = text_change(changes).assign(
        sex=lambda t: np.where(t["client_id"].str[-1].isin(list("02468")), "F", "M"))
    for by, suppress in ((None, False), ("sex", True)):
        ref = oc.improved_on_n(table, policy=policy, by=by, suppress=suppress,
                               measures=list(MEASURES))
        got = oc.improved_on_n(to_backend(table, backend), policy=policy, by=by,
                               suppress=suppress, measures=list(MEASURES))
        assert isinstance(got, pd.DataFrame)  # a summary: pandas
        pd.testing.assert_frame_equal(got, ref, check_dtype=False, rtol=0, atol=1e-12)


@pytest.mark.parametrize("backend", OTHER_BACKENDS)
def test_improved_on_n_names_a_measure_recorded_twice(backend):
    table = pd.DataFrame({"client_id": ["a", "a", "b"], "measure": ["w", "w", "w"],
                          "status": ["improved", "no change", "improved"]})
    with pytest.raises(DuplicateKeyError, match="client_id.*measure"):
        oc.improved_on_n(to_backend(table, backend))
    wrong = table.assign(status=["improved", "better", None])
    with pytest.raises(InvalidValueError, match="value not allowed.*status.*better"):
        oc.improved_on_n(to_backend(wrong, backend))


@pytest.mark.parametrize("backend", OTHER_BACKENDS)
@pytest.mark.parametrize("statistic", ["improved_on_n", "mean_change"])
def test_subgroup_summary_matches_with_a_clients_table_in_the_same_backend(
        changes, backend, statistic):
    from wellbeing_lib.datasets import load_dataset

    clients = load_dataset("social_prescribing_clients")[["client_id", "group", "sex"]]
    table = text_change(changes)
    ref = oc.subgroup_summary(table, by=["group", "sex"], clients=clients,
                              statistic=statistic, measures=list(MEASURES))
    got = oc.subgroup_summary(to_backend(table, backend), by=["group", "sex"],
                              clients=to_backend(clients, backend), statistic=statistic,
                              measures=list(MEASURES))
    pd.testing.assert_frame_equal(got, ref, check_dtype=False, rtol=0, atol=1e-12)
    with pytest.raises(UnmatchedRecordsError, match="clients missing"):
        oc.subgroup_summary(to_backend(table, backend), by="group",
                            clients=to_backend(clients.iloc[5:], backend))


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
