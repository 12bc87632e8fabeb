"""Outcome plots (outcomes/plots.py)."""

import numpy as np
import pandas as pd
import pytest

from wellbeing_lib import outcomes as oc
from wellbeing_lib.errors import InvalidValueError
from wellbeing_lib.outcomes import plot_score_distribution


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


def test_outcome_plots_return_labelled_axes(changes, scored, clients):
    import matplotlib.pyplot as plt

    referred = changes[changes["group"] == "referred"]
    ax = oc.plot_improved_on_n(oc.improved_on_n(referred))
    assert ax.get_title() == "Clients improved on at least k of 4 measures (N = 829)"
    assert ax.get_ylabel() == "% of clients (95% Wilson CI)"
    assert [t.get_text() for t in ax.texts] == ["85%", "54%", "38%", "15%"]

    ax = oc.plot_paired(referred, measure="wellbeing", sample=20, random_state=1)
    assert ax.get_title() == "wellbeing before and after (n = 845)"
    assert ax.get_ylabel() == "wellbeing score (points)"
    assert len(ax.get_lines()) >= 20  # the sampled clients
    with pytest.raises(InvalidValueError, match="choose one measure"):
        oc.plot_paired(referred)

    table = oc.subgroup_summary(referred, by="sex", clients=clients, statistic="mean_change",
                                measures="wellbeing")
    from wellbeing_lib.reporting.charts import plot_forest

    ax = plot_forest(table)
    assert ax.get_title() == "Mean change by subgroup"
    assert ax.get_xlabel() == "mean_change (95% CI)"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["All clients", "sex: Female",
                                                             "sex: Male"]
    base = scored[scored["time"] == "baseline"].drop_duplicates().merge(clients)
    ax = oc.plot_baseline_vs_norm(oc.baseline_vs_norm(base, value="swemwbs_metric",
                                                      by="group"))
    assert ax.get_title() == "Baseline compared with the population norm"
    assert ax.get_xlabel() == "SWEMWBS metric (mean and 95% CI)"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["comparison", "referred"]
    plt.close("all")


def test_plot_paired_random_state_and_ci():
    import matplotlib.pyplot as plt

    t = pd.DataFrame({"measure": "wellbeing", "baseline": np.arange(30, dtype=float),
                      "follow_up": np.arange(30, dtype=float) + 1})

    def sampled(**kwargs):
        ax = oc.plot_paired(t, sample=5, **kwargs)
        return [tuple(line.get_ydata()) for line in ax.get_lines()[:5]]

    assert sampled() == sampled(random_state=0)  # a fixed default: the same clients
    assert sampled(random_state=1) == sampled(random_state=np.random.default_rng(1))
    assert len(sampled(random_state=None)) == 5
    ax = oc.plot_paired(t, ci=0.9)
    assert ax.get_legend().get_texts()[0].get_text() == "mean, 90% CI"
    plt.close("all")


def test_importing_outcomes_loads_no_plotting_library():
    import subprocess
    import sys

    code = ("import sys, wellbeing_lib.outcomes; "
            "print(sorted(m for m in ('matplotlib', 'seaborn') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
