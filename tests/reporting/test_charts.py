"""Shared charts."""

import numpy as np
import pandas as pd

from wellbeing_lib.reporting.charts import plot_proportions


def test_plot_proportions_marks_suppressed_bars():
    t = pd.DataFrame({"group": ["A", "B"], "proportion": [0.5, np.nan],
                      "ci_low": [0.4, np.nan], "ci_high": [0.6, np.nan]})
    ax = plot_proportions(t, x="group", title="Improved on ≥1 measure")
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["50%", "*"]
    assert [p.get_height() for p in ax.patches] == [50.0, 0.0]
    assert ax.get_title() == "Improved on ≥1 measure"
