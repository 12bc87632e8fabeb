"""What every explorer shares: charts rendered to PNG with alt text (never pyplot inside an
Output widget), tables through the display layer, an "Export to Excel" button."""

from __future__ import annotations

import base64
import re

import matplotlib
import numpy as np
import openpyxl
import pandas as pd
import pytest

matplotlib.use("Agg")


@pytest.fixture
def people():
    rng = np.random.default_rng(3)
    return pd.DataFrame({"sex": ["Female"] * 30 + ["Male"] * 20 + ["Other"] * 3,
                         "age_band": (["18-44", "45-64", "65+"] * 18)[:53],
                         "swemwbs_metric": rng.normal(22, 4, 53).round(2)})


def _widgets(box):
    import ipywidgets as w

    found, todo = [], [box]
    while todo:
        item = todo.pop()
        found.append(item)
        if isinstance(item, w.Box):
            todo.extend(item.children)
    return found


def _chart(box) -> bytes:
    html = next(c.value for c in _widgets(box) if 'class="wb-chart"' in str(getattr(c, "value", "")))
    alt = re.search(r'alt="([^"]+)"', html).group(1)
    assert alt.strip() and alt != "Chart."
    return base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)", html).group(1))


def test_explorer_draws_to_png_without_pyplot_or_output_widgets(people):
    import ipywidgets as w
    import matplotlib.pyplot as plt

    from wellbeing_lib.widgets import group_explorer

    open_before = plt.get_fignums()
    box = group_explorer(people, values=["swemwbs_metric"], groups=["sex", "age_band"])
    assert not any(isinstance(c, w.Output) for c in _widgets(box))
    first = _chart(box)
    assert first[:4] == b"\x89PNG"
    box.children[0].children[1].value = "age_band"
    assert _chart(box) != first
    assert plt.get_fignums() == open_before  # no figure left open in pyplot
    table = next(c.value for c in _widgets(box) if 'class="wb-table"' in str(getattr(c, "value", "")))
    assert "<th>Age band</th>" in table and "SWEMWBS (metric score)" in table
    assert "NaN" not in table and "nan" not in table


def test_export_to_excel_writes_the_published_table(people, tmp_path, monkeypatch):
    from wellbeing_lib.widgets import group_explorer

    monkeypatch.setenv("WELLBEING_REPORTS", str(tmp_path / "reports"))
    box = group_explorer(people, values=["swemwbs_metric"], groups=["sex"])
    assert box.export_button.description == "Export to Excel"
    box.export_button.click()
    path = box.last_export
    assert path.parent == tmp_path / "reports" and path.name == "group-summary-swemwbs-metric-by-sex.xlsx"
    ws = openpyxl.load_workbook(path)["Table"]
    header = [c.value for c in ws[1]]
    assert header[:2] == ["Sex", "n"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows["Female"][1] == 30 and rows["Other"][1] == "*"  # withheld, as published
    assert isinstance(rows["Female"][2], float)  # numbers stay numbers
    assert ws.page_setup.orientation == "landscape"
    link = box.children[-1].children[1].value
    assert "download" in link and "base64," in link
    other = box.export(tmp_path / "mine.xlsx")
    assert other == tmp_path / "mine.xlsx" and other.exists()


def test_sroi_sliders_start_at_values_of_the_map():
    from tests.economics.impact_maps import make_map
    from wellbeing_lib.widgets import sroi_panel

    m = make_map()
    panel = sroi_panel(m, 20_000)
    for name in ("deadweight", "attribution", "drop_off"):
        assert panel.sliders[name].value in set(m[name].astype(float).round(6))
    assert panel.sliders["discount_rate"].value == pytest.approx(0.035)  # Green Book year 0
    assert "differ" not in panel.children[3].value
