"""Tests for wellbeing_lib.economics.plots: waterfall, tornado and Monte Carlo charts."""

from __future__ import annotations

import pytest

from tests.economics.impact_maps import make_map
from wellbeing_lib import economics as ec


# ------------------------------------------------------------------ plots and panel
def _overlaps(boxes) -> list[tuple[int, int]]:
    return [(i, j) for i in range(len(boxes)) for j in range(i + 1, len(boxes))
            if boxes[i].overlaps(boxes[j])]


@pytest.mark.parametrize("investment", [20_000, 150_000])
def test_waterfall_is_readable_at_its_default_size(investment):
    import matplotlib.pyplot as plt

    res = ec.sroi(make_map(), investment, discount_rate=0.035)
    ax = ec.plot_sroi_waterfall(res)
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ticks = [t for t in ax.get_xticklabels() if t.get_text()]
    assert len(ticks) == 7
    assert _overlaps([t.get_window_extent(renderer) for t in ticks]) == []
    # every value label (and the legend) sits inside the axes, below its top edge, so none
    # can touch the title
    top = ax.get_window_extent(renderer).y1
    texts = [t for t in ax.texts if t.get_text()]
    assert len(texts) == 7
    highest = max(t.get_window_extent(renderer).y1 for t in texts)
    assert highest < top
    assert ax.get_legend().get_window_extent(renderer).y1 <= top
    # value labels do not overlap each other
    assert _overlaps([t.get_window_extent(renderer) for t in texts]) == []
    # on a given, short Axes it returns that Axes and still leaves room for the top label
    # (a fixed 5% margin is ~7 pt here, less than the 3 pt offset + 8 pt text)
    fig2, ax2 = plt.subplots(figsize=(7, 2.5))
    assert ec.plot_sroi_waterfall(res, ax=ax2) is ax2
    fig2.canvas.draw()
    renderer2 = fig2.canvas.get_renderer()
    top2 = ax2.get_window_extent(renderer2).y1
    assert max(t.get_window_extent(renderer2).y1 for t in ax2.texts) < top2
    plt.close(fig)
    plt.close(fig2)


def test_tornado_labels_money_and_fractions_readably():
    import matplotlib.pyplot as plt

    sens = ec.sroi_sensitivity(
        make_map(), 20_000,
        parameters={"investment": (246_155.533, 461_541.624), "attribution": (0.1, 0.5),
                    "discount_rate": (0.015, 0.06), "proxy_value": {"Less lonely": (500, 1250)},
                    "quantity": {"Fewer GP visits": (52.0, 2345.5)}, "drop_off": None,
                    "duration": (1, 3)},
        discount_rate=0.035,
    )
    ax = ec.plot_sroi_tornado(sens)
    labels = {t.get_text() for t in ax.get_yticklabels()}
    assert "investment £246,156 / £461,542" in labels
    assert "attribution 10% / 50%" in labels
    assert "discount_rate 1.5% / 6%" in labels
    assert "proxy_value (Less lonely) £500 / £1,250" in labels
    assert "quantity (Fewer GP visits) 52 / 2,346" in labels
    assert "drop_off ×0.8 / ×1.2" in labels
    assert "duration 1 / 3 years" in labels
    assert not any("e+" in t for t in labels)
    plt.close(ax.figure)


def test_plots_return_labelled_axes():
    import matplotlib.pyplot as plt

    res = ec.sroi(make_map(), 20_000, discount_rate=0.035)
    ax = ec.plot_sroi_waterfall(res)
    assert len(ax.patches) == 7
    assert ax.get_title() == "From gross value to present value (SROI ratio 3.39 : 1)"
    assert ax.get_ylabel() == "value (£)"
    assert ax.patches[0].get_height() == 159000.0
    assert ax.patches[-1].get_height() == pytest.approx(res.total_present_value)
    assert ax.get_lines()[-1].get_ydata()[0] == 20_000  # the investment line
    plt.close(ax.figure)

    sens = ec.sroi_sensitivity(make_map(), 20_000, discount_rate=0.035)
    ax = ec.plot_sroi_tornado(sens)
    assert len(ax.patches) == 2 * len(sens)
    assert ax.get_yticklabels()[-1].get_text().startswith(sens.loc[0, "parameter"])
    plt.close(ax.figure)

    mc = ec.sroi_monte_carlo(make_map(), 20_000, {"deadweight": ("uniform", 0, 0.6)}, n=500,
                             random_state=0)
    ax = ec.plot_sroi_monte_carlo(mc)
    assert [line.get_xdata()[0] for line in ax.get_lines()] == [1.0, mc.base_ratio]
    assert ax.get_title() == "Monte Carlo SROI ratio (n = 500 draws)"
    plt.close(ax.figure)
