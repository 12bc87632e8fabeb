"""The outcomes explorer follows measure, definition and subgroup."""

import pandas as pd
import pytest


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
