"""Plot helpers return labelled Axes; the group explorer updates its suppressed table."""

import numpy as np
import pandas as pd
import pytest

from wellbeing_lib import errors
from wellbeing_lib.plots import plot_proportions, plot_score_distribution
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


def test_plot_score_distribution_labels_and_norm(people):
    ax = plot_score_distribution(people, x="score", hue="sex", norm=23.5, xlabel="SWEMWBS")
    assert ax.get_xlabel() == "SWEMWBS"
    assert ax.get_ylabel() == "% of respondents in group"
    assert [line.get_xdata()[0] for line in ax.get_lines()] == [23.5]
    assert ax.get_title() == "Distribution of score (n = 53)"


def test_plot_proportions_marks_suppressed_bars():
    t = pd.DataFrame({"group": ["A", "B"], "proportion": [0.5, np.nan],
                      "ci_low": [0.4, np.nan], "ci_high": [0.6, np.nan]})
    ax = plot_proportions(t, x="group", title="Improved on ≥1 measure")
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["50%", "*"]
    assert [p.get_height() for p in ax.patches] == [50.0, 0.0]
    assert ax.get_title() == "Improved on ≥1 measure"
