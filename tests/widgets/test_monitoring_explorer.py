"""The monitoring explorer: pick a measure and a practice."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

import wellbeing_lib as wb  # noqa: E402
from wellbeing_lib import monitoring as mo  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_monitoring_explorer_follows_the_dropdowns():
    from wellbeing_lib.widgets import monitoring_explorer

    clients = wb.load_dataset("social_prescribing_clients")
    measures = wb.load_dataset("social_prescribing_measures")
    overall = mo.monitor(mo.programme_feeds(clients, measures=measures))
    per_practice = mo.monitor(mo.programme_feeds(clients, measures=measures, by="practice"))
    explorer = monitoring_explorer(overall, by_practice=per_practice)
    assert list(explorer.practice.options)[:2] == ["All practices", "Practice A"]
    assert explorer.current_table["measure"].tolist() == ["referrals"]
    assert explorer.current_reading.startswith("Referrals a month: mean 62")
    explorer.measure.value = "followed_up"
    explorer.practice.value = "Practice K"
    table = explorer.current_table
    assert table[["measure", "practice"]].values.tolist() == [["followed_up", "Practice K"]]
    expected = per_practice.icons.set_index(["measure", "practice"]).loc[
        ("followed_up", "Practice K"), "latest_value"]
    assert table.loc[0, "latest_value"] == expected
    assert explorer.current_reading.startswith("% followed up, Practice K: mean")
    assert len(explorer.children[2].value) > 1000  # the chart's PNG bytes


def test_a_measure_charted_for_all_practices_only_switches_the_practice_choice_off():
    from wellbeing_lib.widgets import monitoring_explorer

    clients = wb.load_dataset("social_prescribing_clients")
    measures = wb.load_dataset("social_prescribing_measures")
    service = wb.load_dataset("social_prescribing_service_use")
    overall = mo.monitor(mo.programme_feeds(clients, measures=measures, service_use=service))
    per_practice = mo.monitor(mo.programme_feeds(clients, measures=measures, by="practice"))
    only_overall = sorted(set(overall.charts) - set(per_practice.charts))
    assert only_overall  # e.g. the change in GP appointments
    explorer = monitoring_explorer(overall, by_practice=per_practice)
    explorer.practice.value = "Practice K"
    explorer.measure.value = only_overall[0]
    assert explorer.practice.disabled
    assert explorer.current_reading.endswith("(This measure is charted for all practices only.)")
    explorer.measure.value = "referrals"
    assert not explorer.practice.disabled
    assert explorer.current_table["practice"].tolist() == ["Practice K"]
