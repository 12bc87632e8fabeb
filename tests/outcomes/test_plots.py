"""Outcome plots."""

import numpy as np
import pandas as pd
import pytest

from wellbeing_lib.plots import plot_score_distribution


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


def test_plot_score_distribution_labels_and_norm(people):
    ax = plot_score_distribution(people, x="score", hue="sex", norm=23.5, xlabel="SWEMWBS")
    assert ax.get_xlabel() == "SWEMWBS"
    assert ax.get_ylabel() == "% of respondents in group"
    assert [line.get_xdata()[0] for line in ax.get_lines()] == [23.5]
    assert ax.get_title() == "Distribution of score (n = 53)"
