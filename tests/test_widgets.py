"""Widgets: explorers update their tables and charts on every choice."""

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


def test_outcomes_explorer_follows_measure_definition_and_subgroup():
    from wellbeing_lib.widgets import outcomes_explorer

    ids = [f"c{i}" for i in range(40)]
    clients = pd.DataFrame({"client_id": ids, "sex": ["Female"] * 20 + ["Male"] * 20,
                            "practice": ["A"] * 40})
    rows = []
    for definition, improved_first in (("any", 30), ("reliable", 10)):
        for measure in ("wellbeing", "loneliness"):
            for i, cid in enumerate(ids):
                better = i < improved_first if measure == "wellbeing" else i % 2 == 0
                rows.append({"client_id": cid, "measure": measure, "definition": definition,
                             "status": "improved" if better else "no change"})
    changes = pd.DataFrame(rows)
    box = outcomes_explorer(changes, clients=clients, groups=["sex", "practice"])
    first = box.current_table.set_index("group")
    # any of 2 measures, any change: women 20/20 improved; men: wellbeing for 10, loneliness evens
    assert first.loc["Female", "n"] == 20 and first.loc["Female", "proportion"] == 1.0
    assert first.loc["Male", "proportion"] == pytest.approx(15 / 20)
    controls = box.children[0].children
    controls[0].value = "wellbeing"
    controls[1].value = "reliable"
    table = box.current_table.set_index("group")
    assert table.loc["Female", "proportion"] == pytest.approx(10 / 20)
    # 0 of 20 men reliably improved: a zero count is published (NHS Digital), not suppressed
    assert table.loc["Male", "n"] == 0 and table.loc["Male", "proportion"] == 0.0
