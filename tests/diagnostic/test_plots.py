"""Tests of wellbeing_lib.diagnostic.plots: each chart draws on the Axes it is given.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from tests.diagnostic.helpers import HV08, staged  # noqa: E402
from wellbeing_lib import diagnostic as dg  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_plot_staging_returns_axes():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    p = dg.staging_progress(staged(), start="2021-11", as_of="2022-03-10")
    fig, ax = plt.subplots()
    out = dg.plot_staging(p, ax=ax, title="Staging")
    assert out is ax and ax.get_title() == "Staging"
    assert ax.get_xlabel() == "Element (planned month)" and ax.get_ylabel() == "Organisation"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["A", "B"]
    assert ax.get_xticklabels()[0].get_text() == "Personal health and wellbeing\n2021-11"
    shown = sorted(t.get_text() for t in ax.texts)
    assert shown == ["10d", "10d", "38d", "38d", "5d", "69d"]  # A: 5, 38, 10; B: 69, 38, 10
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["on time", "late", "in progress", "not started", "not yet due", "no date"]
    plt.close(fig)


def test_plots_draw_on_the_given_axes(bundled, bundled_tri):
    codes = dict(zip(bundled["orgs"]["organisation"], bundled["orgs"]["org_code"]))
    fig, axes = plt.subplots(1, 3)
    ax = dg.plot_convergence(bundled_tri, ax=axes[0], labels=codes)
    assert ax is axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()][:2] == ["HV01", "HV02"]
    letters = [t.get_text() for t in ax.texts]
    assert len(letters) == 14 * 7 and letters.count("D") == 5
    ax = dg.plot_diagnostic_heatmap(bundled["scores"], ax=axes[1], labels=codes)
    assert ax is axes[1]
    assert ax.get_yticklabels()[-1].get_text() == "System median"
    assert ax.texts[-1].get_text() == "3.23"  # system median of Professional wellbeing support
    prof = dg.org_profile(bundled["scores"], HV08)
    ax = dg.plot_org_profile(prof, ax=axes[2])
    assert ax is axes[2]
    assert ax.get_yticklabels()[0].get_text() == "Personal health and wellbeing"
    with pytest.raises(ValueError, match="one organisation"):
        dg.plot_org_profile(dg.org_profile(bundled["scores"]))


def test_status_colours_are_colour_blind_safe_and_charts_are_described(bundled, bundled_tri):
    """Staging and convergence colours stay apart under simulated deuteranopia and protanopia
    (CIEDE2000 >= 10, reporting.colour_vision); the maturity scale is cividis; every chart
    has an alt text made from its data."""
    from wellbeing_lib.reporting.colour_vision import check_palette
    from wellbeing_lib.reporting.figures import alt_text

    check_palette(list(dg.CODE_COLOURS.values()), name="convergence codes")
    check_palette(list(dg.STAGING_COLOURS.values()), name="staging statuses")
    fig, axes = plt.subplots(1, 3)
    ax = dg.plot_diagnostic_heatmap(bundled["scores"], ax=axes[0])
    assert ax.images[0].get_cmap().name == "cividis"
    assert "system median is highest for" in alt_text(ax)
    ax = dg.plot_convergence(bundled_tri, ax=axes[1])
    text = alt_text(ax)
    assert text.startswith("Grid of 14 organisations by 7 framework elements")
    assert "5 dissonance" in text
    prof = dg.org_profile(bundled["scores"], HV08)
    assert "above the median in" in alt_text(dg.plot_org_profile(prof, ax=axes[2]))
