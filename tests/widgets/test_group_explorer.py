"""The group explorer: suppressed summary table and mean ± CI plot."""

import numpy as np
import pandas as pd
import pytest

from wellbeing_lib import errors
from wellbeing_lib.widgets import group_explorer, group_summary


@pytest.fixture
def people():
    rng = np.random.default_rng(1)
    return pd.DataFrame(
        {
            "sex": ["Female"] * 30 + ["Male"] * 20 + ["Other"] * 3,
            "practice": ["A", "B"] * 26 + ["A"],
            "score": rng.integers(7, 36, 53).astype(float),
        }
    )


def test_group_summary_suppresses_small_groups_and_their_means(people):
    table = group_summary(people, value="score", by="sex")
    assert table["sex"].tolist() == ["Female", "Male", "Other"]
    assert table["n"].tolist()[:2] == [30, 20]
    assert pd.isna(table.loc[2, "n"]) and pd.isna(table.loc[2, "mean"])
    female = people.loc[people["sex"] == "Female", "score"]
    assert table.loc[0, "mean"] == pytest.approx(female.mean())
    raw = group_summary(people, value="score", by="sex", suppress=False)
    assert raw.loc[2, "n"] == 3


def test_group_explorer_updates_on_choice(people):
    box = group_explorer(people, values=["score"], groups=["sex", "practice"])
    assert box.current_table["sex"].tolist() == ["Female", "Male", "Other"]
    group_dropdown = box.children[0].children[1]
    group_dropdown.value = "practice"
    assert box.current_table["practice"].tolist() == ["A", "B"]
    assert box.current_table["n"].tolist() == [25, 25]  # 27 and 26 rounded to the nearest 5


def test_group_explorer_rejects_unknown_columns(people):
    with pytest.raises(errors.MissingColumnError, match="'ethnicity'"):
        group_explorer(people, values=["score"], groups=["ethnicity"])
