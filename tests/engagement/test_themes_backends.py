"""theme_frequency on every backend: the same counts as pandas (engagement/themes.py).

The respondents with a non-negated mention of each theme are counted where the data live
(polars, pyarrow, a polars LazyFrame, DuckDB, sqlframe); only the counts per group and
theme are collected, and the table (Wilson intervals, suppression) is pandas' own.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.backends import OTHER_BACKENDS, to_backend
from wellbeing_lib import datasets as ds
from wellbeing_lib import engagement as eng
from wellbeing_lib.errors import InvalidValueError, UnmatchedRecordsError

COMMITTED = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture(scope="module")
def people():
    table = ds.load_dataset("engagement_participants", data_dir=COMMITTED)
    # one missing group value: missing values form their own group, last
    return table.assign(stakeholder_type=table["stakeholder_type"].where(table.index != 3))


@pytest.fixture(scope="module")
def mentions(people):
    found = eng.apply_codebook(people, text="what_matters", unit="respondent")
    rng = np.random.default_rng(7)
    return found.assign(negated=rng.random(len(found)) < 0.2)  # some mentions negated


@pytest.mark.parametrize("backend", OTHER_BACKENDS)
@pytest.mark.parametrize("by,level,suppress", [("stakeholder_type", "theme", False),
                                               (["stakeholder_type", "sector"], "code", True)])
def test_theme_frequency_counts_the_same_respondents(people, mentions, backend, by, level,
                                                     suppress):
    ref = eng.theme_frequency(people, mentions, by=by, level=level, suppress=suppress)
    got = eng.theme_frequency(to_backend(people, backend), to_backend(mentions, backend),
                              by=by, level=level, suppress=suppress)
    pd.testing.assert_frame_equal(got, ref, check_dtype=False, rtol=0, atol=1e-12)
    assert (got["n"].fillna(0) <= got["N"].fillna(0)).all()


@pytest.mark.parametrize("backend", ["polars", "duckdb"])
def test_theme_frequency_names_unknown_themes_and_unmatched_respondents(people, mentions,
                                                                        backend):
    odd = mentions.assign(theme=mentions["theme"].where(mentions.index != 0, "Weather"))
    with pytest.raises(InvalidValueError, match="theme in mentions not in the codebook.*Weather"):
        eng.theme_frequency(to_backend(people, backend), to_backend(odd, backend))
    strangers = mentions.assign(respondent="X-" + mentions["respondent"].astype(str),
                                negated=False)
    with pytest.raises(UnmatchedRecordsError, match="no respondent in mentions is in data"):
        eng.theme_frequency(to_backend(people, backend), to_backend(strangers, backend))
    with pytest.raises(TypeError, match="same kind as data"):
        eng.theme_frequency(to_backend(people, backend), mentions)
