"""Engagement charts (wellbeing_lib.engagement.plots): data first, ax=, the Axes returned.
"""

from __future__ import annotations

import pandas as pd
import pytest

from wellbeing_lib import engagement as eng
from wellbeing_lib.engagement import (
    apply_codebook,
    area_summary,
    representation,
    theme_cooccurrence,
    theme_frequency,
)


# ========================================================================== plots
def test_plots_return_axes_with_titles(dialogue, self_assessment):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    m = apply_codebook(dialogue)
    pop = pd.DataFrame({"variable": "type", "category": ["public", "professional"],
                        "share": [0.9, 0.1]})
    rep = representation(dialogue, pop)
    ax = eng.plot_representation(rep)
    assert "Representation ratio" in ax.get_xlabel() and ax.get_title()
    assert [t.get_text() for t in ax.get_yticklabels()] == ["type: public", "type: professional"]
    ax = eng.plot_theme_heatmap(theme_frequency(dialogue, m, by="type"), x="type")
    assert ax.get_title() == "Themes by group"
    ax = eng.plot_diverging_bars(area_summary(self_assessment))
    widths = [p.get_width() for p in ax.patches]
    assert widths[:2] == pytest.approx([-20.0, -20.0]) and widths[2:] == pytest.approx([60, 40])
    ax = eng.plot_cooccurrence(theme_cooccurrence(dialogue, m))
    assert ax.get_title() == "Themes mentioned together"
    fig, given_ax = plt.subplots()
    assert eng.plot_diverging_bars(area_summary(self_assessment), ax=given_ax) is given_ax
    plt.close("all")
