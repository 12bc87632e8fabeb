"""Themes -> recommendations (wellbeing_lib.engagement.recommendations).
"""

from __future__ import annotations

import pandas as pd
import pytest

from wellbeing_lib.engagement import (
    apply_codebook,
    load_codebook,
    load_recommendation_map,
    recommendation_evidence,
)
from wellbeing_lib.errors import (
    InvalidValueError,
)


# ================================================================ recommendations
def test_recommendation_map_and_evidence(dialogue):
    mapping = load_recommendation_map()
    recs = list(pd.unique(mapping["recommendation"]))
    assert recs[:3] == ["Further enable self-care", "More conversations about wellbeing",
                        "Maximise the impact of prevention communications"]
    assert set(mapping["theme"]) <= set(load_codebook()["theme"])
    data = dialogue.copy()
    data.loc[7, "text"] = "An app would help, ring me on 07700 900123"
    ev = recommendation_evidence(data, apply_codebook(data), by="type", n_quotes=5)
    s = ev.summary.set_index("recommendation")
    # More conversations (mental health, loneliness, social inclusion, cost of living):
    # R1-R7 all mention one of them (R4 via "family") -> 7 of 8
    assert (s.loc["More conversations about wellbeing", "n"],
            s.loc["More conversations about wellbeing", "N"]) == (7, 8)
    assert s.loc["Maximise the impact of prevention communications", "n"] == 1  # the app
    assert "Digital and apps" in s.loc["Maximise the impact of prevention communications",
                                       "themes"]
    g = ev.by_group.set_index(["type", "recommendation"])
    assert g.loc[("public", "More conversations about wellbeing"), "n"] == 5
    q = ev.quotes
    assert "07700" not in " ".join(q["quote"]) and q["redacted"].any()
    bad = pd.DataFrame({"theme": ["Lonelyness"], "recommendation": ["X"]})
    with pytest.raises(InvalidValueError, match="not a codebook theme.*Lonelyness"):
        recommendation_evidence(data, apply_codebook(data), mapping=bad)


def test_read_your_own_map_and_evidence_is_a_frozen_result(dialogue, tmp_path):
    import dataclasses

    from wellbeing_lib.engagement import read_recommendation_map

    path = tmp_path / "map.csv"
    path.write_text("theme,recommendation\nLoneliness,Befriending\nSocial inclusion,Befriending\n"
                    "Cost of living,Advice on money\n", encoding="utf-8")
    mine = read_recommendation_map(path)
    assert mine["recommendation"].unique().tolist() == ["Befriending", "Advice on money"]
    texts = dialogue.assign(question="what_matters")
    mentions = apply_codebook(texts)  # unit: respondent and question
    ev = recommendation_evidence(dialogue.drop(columns="text"), mentions, mapping=path,
                                 texts=texts, n_quotes=1)
    assert ev.to_frame() is ev.summary
    assert ev.summary.set_index("recommendation").loc["Befriending", "n"] == 5  # R1 R3 R4 R6 R7
    # the quotes' unit columns default to those apply_codebook copied into mentions
    assert list(ev.quotes.columns) == ["recommendation", "rank", "respondent", "question",
                                       "quote", "match", "redacted"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        ev.summary = ev.by_group
