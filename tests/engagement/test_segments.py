"""Segment-level agreement (wellbeing_lib.engagement.segments): NVivo's character-based
comparison, Krippendorff's uα and the disagreements table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wellbeing_lib.engagement import ALL_SOURCES, segment_agreement, segment_disagreements
from wellbeing_lib.errors import InvalidValueError

TEXT = "I feel lonely and short of money since I lost my job last year"


@pytest.fixture
def sources():
    return pd.DataFrame({"source": ["R1", "R2"], "text": [TEXT, "x" * 40]})


@pytest.fixture
def segments():
    return pd.DataFrame({
        "source": ["R1", "R1", "R1", "R1", "R2"],
        "code": ["lonely", "lonely", "money", "work", "work"],
        "coder": ["A", "B", "A", "B", "A"],
        "start": [7, 2, 27, 41, 0], "end": [13, 13, 32, 51, 10]})


def test_nvivo_character_percentages_and_kappa(segments, sources):
    out = segment_agreement(segments, sources).set_index(["code", "source"])
    n = len(TEXT)
    row = out.loc[("lonely", "R1")]
    # A codes 6 characters, B 11 (A's inside B's): both 6, B only 5, neither n - 11
    assert row["source_size"] == n
    assert row["a_and_b"] == pytest.approx(100 * 6 / n)
    assert row["b_not_a"] == pytest.approx(100 * 5 / n) and row["a_not_b"] == 0
    assert row["agreement"] == pytest.approx(100 * (n - 5) / n)
    p_o, p_e = (n - 5) / n, (6 * 11 + (n - 6) * (n - 11)) / n**2
    assert row["kappa"] == pytest.approx((p_o - p_e) / (1 - p_e))
    assert row["agreement"] + row["disagreement"] == pytest.approx(100)
    # a source neither coder coded with a code: complete agreement, NVivo's kappa 1
    assert out.loc[("lonely", "R2"), "kappa"] == 1 and out.loc[("lonely", "R2"), "agreement"] == 100
    assert np.isnan(out.loc[("lonely", "R2"), "u_alpha"])


def test_pooled_row_weights_sources_by_length(segments, sources):
    out = segment_agreement(segments, sources).set_index(["code", "source"])
    per = out.loc["work"].drop(ALL_SOURCES)
    pooled = out.loc[("work", ALL_SOURCES)]
    weights = per["source_size"] / per["source_size"].sum()
    assert pooled["agreement"] == pytest.approx((per["agreement"] * weights).sum())
    assert pooled["source_size"] == per["source_size"].sum()
    assert list(out.index.get_level_values(0).unique()) == ["lonely", "money", "work"]


def test_u_alpha_reproduces_krippendorff_2004_through_segments():
    sources = pd.DataFrame({"source": ["doc"], "text": ["." * 300]})
    rows = [("c", "i", 75, 145), ("c", "i", 220, 250), ("c", "j", 70, 150),
            ("c", "j", 205, 225), ("c", "j", 250, 270)]
    seg = pd.DataFrame(rows, columns=["code", "coder", "start", "end"]).assign(source="doc")
    out = segment_agreement(seg, sources)
    assert out["u_alpha"].round(4).tolist() == [0.7286, 0.7286]


def test_disagreements_table(segments, sources):
    out = segment_disagreements(segments, sources)
    assert list(out.columns) == ["source", "start", "end", "codes_a", "codes_b", "only_a",
                                 "only_b", "text"]
    rows = list(out[["source", "start", "end", "only_a", "only_b"]].itertuples(index=False,
                                                                                 name=None))
    assert rows == [("R1", 2, 7, "", "lonely"), ("R1", 27, 32, "money", ""),
                    ("R1", 41, 51, "", "work"), ("R2", 0, 10, "work", "")]
    assert out["text"].tolist()[2] == TEXT[41:51]


def test_disagreements_join_pieces_and_list_both_sets():
    sources = pd.DataFrame({"source": ["s"], "text": ["abcdefghijklmnopqrst"]})
    seg = pd.DataFrame({"source": "s", "code": ["x", "y", "x", "z"],
                        "coder": ["A", "A", "B", "B"], "start": [0, 5, 0, 5],
                        "end": [10, 8, 10, 8]})
    out = segment_disagreements(seg, sources)
    assert out[["start", "end", "codes_a", "codes_b", "only_a", "only_b"]].to_numpy().tolist() \
        == [[5, 8, "x; y", "x; z", "y", "z"]]


def test_errors(segments, sources):
    with pytest.raises(InvalidValueError, match="two coders"):
        segment_agreement(segments.assign(coder=["A", "B", "C", "A", "B"]), sources)
    bad = segments.assign(end=[7, 13, 32, 51, 99])
    with pytest.raises(InvalidValueError, match="outside"):
        segment_disagreements(bad, sources)
    with pytest.raises(InvalidValueError, match="outside"):
        segment_agreement(bad, sources)
