"""Tests for the SROI panel (wellbeing_lib.widgets.sroi_panel)."""

from __future__ import annotations

import pytest

from tests.economics.impact_maps import make_map
from wellbeing_lib import economics as ec


def test_panel_updates_when_a_slider_moves():
    from wellbeing_lib.widgets import sroi_panel

    m = make_map()
    panel = sroi_panel(m, 20_000, discount_rate="green_book")
    base = ec.sroi(m, 20_000)
    assert panel.current_result.ratio == base.ratio
    assert panel.overrides == {}
    assert "3.39 : £1" in panel.children[3].value
    panel.sliders["deadweight"].value = 0.5
    expected = ec.sroi(ec.apply_overrides(m, {"deadweight": 0.5}), 20_000).ratio
    assert panel.current_result.ratio == expected
    panel.sliders["discount_rate"].value = 0.015
    expected = ec.sroi(ec.apply_overrides(m, {"deadweight": 0.5}), 20_000,
                       discount_rate=0.015).ratio
    assert panel.current_result.ratio == expected
    assert panel.overrides == {"deadweight": 0.5, "discount_rate": 0.015}
    assert f"{expected:.2f} : £1" in panel.children[3].value
    panel.reset()
    assert panel.current_result.ratio == base.ratio and panel.overrides == {}
    # outcomes differ (0.3, 0.5, 0.2): the slider starts at a value of the map, not a mean
    assert panel.sliders["drop_off"].value == pytest.approx(0.3)
    assert "drop-off 20%–50%" in panel.children[5].value
