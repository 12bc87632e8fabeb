"""Scoring questionnaires on DataFrames and arrays (outcomes/scoring.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.backends import BACKENDS, LAZY, collect, same_kind, to_backend
from tests.outcomes.helpers import (
    ONS_COLS,
    SWEMWBS_COLS,
    SWEMWBS_TABLE,
    UCLA_COLS,
    swemwbs_frame,
)
from wellbeing_lib import outcomes as oc
from wellbeing_lib.errors import InvalidValueError, MissingColumnError
from wellbeing_lib.io import with_source


# --------------------------------------------------------------------------------- scoring
# The behaviour tests run on every backend (tests/backends.py): the input is converted
# from the same pandas table, the result collected to pandas for the same assertions.
# Scores are row-level, so they come back in the caller's backend; a lazy table has no row
# order, so the rows are read back in the order of a ``row`` column kept beside them.
def score_on(backend, df, instrument, **kwargs) -> pd.DataFrame:
    """``oc.score`` on ``df`` in ``backend``, collected in the order of the rows of ``df``."""
    data = to_backend(df.assign(row=range(len(df))), backend)
    out = oc.score(data, instrument, keep="row", **kwargs)
    assert same_kind(out, data)  # row-level: the caller's backend, lazily for a lazy one
    return collect(out, by="row").drop(columns="row")


@pytest.mark.parametrize("backend", BACKENDS)
def test_score_hand_computed_swemwbs_and_wemwbs(backend):
    df = swemwbs_frame([[4, 4, 3, 3, 4, 5, 2], [1] * 7, [5] * 7], index=[10, 20, 30])
    out = score_on(backend, df, "swemwbs")
    assert list(out.columns) == ["swemwbs_raw", "swemwbs_metric", "n_answered", "prorated"]
    assert out["swemwbs_raw"].tolist() == [25.0, 7.0, 35.0]
    assert out["swemwbs_metric"].tolist() == [22.35, 7.00, 35.00]
    assert out["n_answered"].tolist() == [7, 7, 7]

    wem = pd.DataFrame([[3] * 14, list(range(1, 6)) * 2 + [1, 2, 3, 4]],
                       columns=[f"wemwbs_{i}" for i in range(1, 15)])
    out = score_on(backend, wem, "wemwbs")
    assert out["wemwbs_raw"].tolist() == [42.0, 40.0]  # 14*3; 2*(1+..+5) + 1+2+3+4
    assert "wemwbs_metric" not in out


def test_score_keeps_the_row_labels_of_a_pandas_frame():
    df = swemwbs_frame([[4, 4, 3, 3, 4, 5, 2], [1] * 7, [5] * 7], index=[10, 20, 30])
    out = oc.score(df, "swemwbs")
    assert list(out.columns) == ["swemwbs_raw", "swemwbs_metric", "n_answered", "prorated"]
    assert list(out.index) == [10, 20, 30]


@pytest.mark.parametrize("backend", BACKENDS)
def test_score_ucla_and_items_instruments(backend):
    ucla = pd.DataFrame({"ucla_1": [1, 3], "ucla_2": [2, 3], "ucla_3": [3, 3]})
    assert score_on(backend, ucla, "ucla3")["ucla3_raw"].tolist() == [6.0, 9.0]

    ons = pd.DataFrame({"life_satisfaction": [7, 0], "worthwhile": [8, np.nan],
                        "happiness": [6, 10], "anxiety": [2, 9], "id": ["a", "b"]})
    out = score_on(backend, ons, "ons4")
    assert list(out.columns) == ONS_COLS + ["n_answered"]
    assert out["anxiety"].tolist() == [2.0, 9.0]
    assert np.isnan(out.loc[1, "worthwhile"]) and out["n_answered"].tolist() == [4, 3]

    pam = score_on(backend, pd.DataFrame({"pam_score": [47.1, 100.0]}), "pam")
    assert pam["pam_score"].tolist() == [47.1, 100.0]
    with pytest.raises(InvalidValueError, match="out of range"):
        oc.score(to_backend(pd.DataFrame({"pam_score": [100.5]}), backend), "pam")


@pytest.mark.parametrize("backend", BACKENDS)
def test_complete_versus_prorate(backend):
    df = swemwbs_frame([
        [4, 4, 3, 3, 4, 5, 2],            # complete: 25
        [4, 4, 3, 3, 4, 5, np.nan],       # one missing: 23 / 6 * 7 = 26.8333
        [4, 4, 3, 3, 4, np.nan, np.nan],  # two missing
        [3, 3, 3, 3, 3, 3, np.nan],       # one missing: 18 / 6 * 7 = 21 exactly
    ])
    complete = score_on(backend, df, "swemwbs")
    assert complete["swemwbs_raw"].iloc[0] == 25
    assert complete["swemwbs_raw"].iloc[1:].isna().all()
    assert complete["swemwbs_metric"].iloc[1:].isna().all()
    assert complete["n_answered"].tolist() == [7, 6, 5, 6]
    assert not complete["prorated"].any()

    pro = score_on(backend, df, "swemwbs", missing="prorate")
    assert pro["swemwbs_raw"].iloc[1] == pytest.approx(23 / 6 * 7, abs=1e-12)
    assert pro["swemwbs_metric"].iloc[1] == SWEMWBS_TABLE[27]  # 26.83 rounds half up to 27
    assert np.isnan(pro["swemwbs_raw"].iloc[2])                 # more than max_missing=1
    assert pro["swemwbs_raw"].iloc[3] == 21 and pro["swemwbs_metric"].iloc[3] == 19.25
    assert pro["prorated"].tolist() == [False, True, False, True]

    two = score_on(backend, df, "swemwbs", missing="prorate", max_missing=2)
    assert two["swemwbs_raw"].iloc[2] == pytest.approx(18 / 5 * 7, abs=1e-12)  # 25.2 -> 25
    assert two["swemwbs_metric"].iloc[2] == SWEMWBS_TABLE[25]

    data = to_backend(df, backend)
    with pytest.raises(ValueError, match="max_missing"):
        oc.score(data, "swemwbs", missing="prorate", max_missing=7)
    with pytest.raises(ValueError, match="missing must be"):
        oc.score(data, "swemwbs", missing="mean")


@pytest.mark.parametrize("backend", BACKENDS)
def test_text_answers_are_mapped_case_and_space_insensitive(backend):
    df = pd.DataFrame({
        "swemwbs_1": ["None of the time", "  often ", "ALL OF THE TIME"],
        "swemwbs_2": ["Some  of   the time", "Rarely", "rarely"],
        # numbers stored as text (a pandas object column may mix them with numbers)
        "swemwbs_3": ["3", 4, "5"] if backend == "pandas" else ["3", "4", "5"],
        "swemwbs_4": [1, 2, 3],
        "swemwbs_5": [1, 2, 3],
        "swemwbs_6": [1, 2, 3],
        "swemwbs_7": [1, 2, 3],
    })
    out = score_on(backend, df, "swemwbs")
    # 1+3+3+1+1+1+1 = 11; 4+2+4+2+2+2+2 = 18; 5+2+5+3+3+3+3 = 24
    assert out["swemwbs_raw"].tolist() == [11.0, 18.0, 24.0]
    ucla = pd.DataFrame({"ucla_1": ["Hardly ever or never", "often"],
                         "ucla_2": ["Some of the time", "Often"],
                         "ucla_3": ["hardly ever or never", " "]})  # blank = missing
    out = score_on(backend, ucla, "ucla3")
    assert out["ucla3_raw"].iloc[0] == 4.0 and np.isnan(out["ucla3_raw"].iloc[1])
    assert out["n_answered"].tolist() == [3, 2]


@pytest.mark.parametrize("backend", BACKENDS)
def test_unknown_text_raises_with_labels_column_and_row(backend):
    df = swemwbs_frame([[1] * 7, [2] * 7], index=["anna", "ben"])
    df["swemwbs_4"] = ["Often", "Sometimes"]
    with pytest.raises(InvalidValueError) as err:
        oc.score(to_backend(df, backend), "swemwbs")
    msg = str(err.value)
    assert "unrecognised answer" in msg and "'swemwbs_4'" in msg
    assert "'Sometimes'" in msg and "None of the time" in msg
    if backend == "pandas":  # rows named by their pandas labels (see frames.failing_rows)
        assert "row ben" in msg and err.value.rows == ["ben"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_out_of_range_message_names_columns_rows_and_values(backend):
    df = swemwbs_frame([[1] * 7, [7, 2, 2, 2, 2, 2, 2], [3, 3, 0, 3, 3, 3, 3]],
                       index=["a", "b", "c"])
    with pytest.raises(InvalidValueError) as err:
        oc.score(to_backend(df, backend), "swemwbs")
    msg = str(err.value)
    assert msg.startswith("answer out of range")
    assert "columns 'swemwbs_1', 'swemwbs_3'" in msg
    assert "swemwbs_1=7" in msg and "swemwbs_3=0" in msg
    assert "whole number between 1 and 5" in msg
    if backend == "pandas":  # rows named by their pandas labels
        assert "rows b, c" in msg
    elif backend not in LAZY:  # an eager table's rows by position (polars too: issue 14)
        assert "rows 1, 2" in msg and err.value.rows == [1, 2]


def test_errors_give_file_and_line_numbers_for_data_read_from_a_file():
    df = swemwbs_frame([[1] * 7, [1] * 7, [9] + [1] * 6])
    with_source(df, "clients.csv")
    with pytest.raises(InvalidValueError, match=r"in clients\.csv, column 'swemwbs_1', "
                                                r"row 2 \(file line 4\)"):
        oc.score(df, "swemwbs")


@pytest.mark.parametrize("backend", BACKENDS)
def test_non_numeric_and_non_integer_answers(backend):
    # a pandas object column may mix numbers and text; another backend holds it as text
    answers = [7, "ten"] if backend == "pandas" else ["7", "ten"]
    ons = pd.DataFrame({"life_satisfaction": answers, "worthwhile": [1, 2],
                        "happiness": [3, 4], "anxiety": [1, 1]})
    row = r".*row {}" if backend == "pandas" else ""  # lazy tables name no row positions
    with pytest.raises(InvalidValueError, match=r"non-numeric value.*'life_satisfaction'"
                                                + row.format(1) + r".*'ten'"):
        oc.score(to_backend(ons, backend), "ons4")
    ons["life_satisfaction"] = [7, 8]
    ons["anxiety"] = [2.5, 1]
    with pytest.raises(InvalidValueError, match=r"not a whole number.*'anxiety'"
                                                + row.format(0) + r".*2\.5"):
        oc.score(to_backend(ons, backend), "ons4")
    ons["anxiety"] = [True, False]
    with pytest.raises(InvalidValueError, match="non-numeric"):
        oc.score(to_backend(ons, backend), "ons4")


@pytest.mark.parametrize("backend", BACKENDS)
def test_missing_columns_and_custom_item_names(backend):
    df = pd.DataFrame({"q1": [1, 2], "q2": [2, 2], "q3": [3, 1]})
    data = to_backend(df, backend)
    with pytest.raises(MissingColumnError, match="ucla_1"):
        oc.score(data, "ucla3")
    out = score_on(backend, df, "ucla3", items=["q1", "q2", "q3"])
    assert out["ucla3_raw"].tolist() == [6.0, 5.0]
    renamed = df.rename(columns={"q1": "ucla_1", "q2": "ucla_2"})
    out = score_on(backend, renamed, "ucla3", items={"ucla_3": "q3"})
    assert out["ucla3_raw"].tolist() == [6.0, 5.0]
    with pytest.raises(InvalidValueError, match="wrong number of item columns"):
        oc.score(data, "ucla3", items=["q1", "q2"])
    with pytest.raises(InvalidValueError, match="unknown item"):
        oc.score(data, "ucla3", items={"ucla_9": "q1"})


def test_score_does_not_modify_the_callers_frame():
    df = swemwbs_frame([[1, 2, 3, 4, 5, 4, np.nan]])
    df["swemwbs_1"] = df["swemwbs_1"].astype(object)
    df.loc[0, "swemwbs_1"] = "Rarely"
    before = df.copy()
    oc.score(df, "swemwbs", missing="prorate")
    pd.testing.assert_frame_equal(df, before)


def test_one_million_rows_scored_exactly():  # speed is measured in benchmarks/
    rng = np.random.default_rng(20260101)
    answers = rng.integers(1, 6, size=(1_000_000, 7))
    df = swemwbs_frame(answers)
    out = oc.score(df, "swemwbs")
    raw = answers.sum(axis=1)
    np.testing.assert_array_equal(out["swemwbs_raw"].to_numpy(), raw)
    table = np.array([SWEMWBS_TABLE[r] for r in range(7, 36)])
    np.testing.assert_array_equal(out["swemwbs_metric"].to_numpy(), table[raw - 7])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(1, 5), min_size=7, max_size=7), min_size=1, max_size=20))
def test_property_complete_rows_sum_and_lookup(rows):
    df = swemwbs_frame(rows)
    complete = oc.score(df, "swemwbs")
    prorate = oc.score(df, "swemwbs", missing="prorate")
    sums = [sum(r) for r in rows]
    assert complete["swemwbs_raw"].tolist() == sums
    assert complete["swemwbs_metric"].tolist() == [SWEMWBS_TABLE[s] for s in sums]
    pd.testing.assert_frame_equal(complete, prorate)  # nothing missing: same result


# ------------------------------------------------------------------------- fast array path
def test_score_array_matches_score_on_bundled_data(scored):
    for inst, cols, out in (("swemwbs", SWEMWBS_COLS, "swemwbs_metric"),
                            ("ucla3", UCLA_COLS, "ucla3_raw")):
        items = scored[cols].to_numpy(dtype=float, na_value=np.nan)
        np.testing.assert_array_equal(oc.score_array(items, inst), scored[out].to_numpy())
    prorated = oc.score(scored, "swemwbs", missing="prorate")["swemwbs_metric"].to_numpy()
    items = scored[SWEMWBS_COLS].to_numpy(dtype=float, na_value=np.nan)
    np.testing.assert_array_equal(oc.score_array(items, "swemwbs", missing="prorate"), prorated)


def test_score_array_names_bad_answers():
    with pytest.raises(InvalidValueError, match=r"out of range in column 'ucla_2', row 1"):
        oc.score_array(np.array([[1, 2, 3], [1, 4, 3]]), "ucla3")
    with pytest.raises(InvalidValueError, match="not a whole number"):
        oc.score_array(np.array([[1, 2.5, 3]]), "ucla3")
    with pytest.raises(InvalidValueError, match="shape"):
        oc.score_array(np.ones((2, 4)), "ucla3")
