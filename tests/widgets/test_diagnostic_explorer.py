"""The diagnostic explorer."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from tests.diagnostic.helpers import DATA, ENV, HV08  # noqa: E402
from wellbeing_lib import diagnostic as dg  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def bundled():
    diag = dg.read_diagnostic_csv(DATA / "workforce_diagnostic_answers.csv")
    return {"scores": dg.score_diagnostic(diag)}


def test_diagnostic_explorer_updates_on_selection(bundled):
    from wellbeing_lib.widgets import diagnostic_explorer

    explorer = diagnostic_explorer(bundled["scores"])
    first = explorer.current_table
    assert first["organisation"].unique().tolist() == [
        "Halden Vale Hospitals NHS Foundation Trust"]
    explorer.dropdown.value = HV08
    table = explorer.current_table.set_index("element")
    assert explorer.current_organisation == HV08
    assert table.loc[ENV, "mean_maturity"] == pytest.approx(31 / 9)
    assert table.loc[ENV, "rank"] == 1
    assert len(explorer.children[2].value) > 1000  # the chart's PNG bytes
