"""The display layer: one way to write each kind of value, tables without index or NaN."""

import numpy as np
import pandas as pd
import pytest

from wellbeing_lib.reporting.display import (
    NOT_ESTIMABLE,
    column_kind,
    column_label,
    format_interval,
    format_money,
    format_p,
    format_percent,
    format_values,
    present,
)
from wellbeing_lib.reporting.story import key_findings, say


def test_each_kind_is_written_one_way():
    assert format_money([-109248.0, 1234.56, 0.4]).tolist() == ["−£109,248", "£1,235", "£0"]
    assert format_money([-0.2]).tolist() == ["£0"]  # no minus on a value that rounds to 0
    assert format_percent([0.8513], proportion=True).tolist() == ["85.1%"]
    assert format_percent([54.0]).tolist() == ["54.0%"]
    assert format_p([0.0009999, 0.001, 0.04999]).tolist() == ["< 0.001", "0.001", "0.050"]
    assert format_values([1500.0, 12], "count").tolist() == ["1,500", "12"]
    assert format_values(["2021-11-05"], "date").tolist() == ["05/11/2021"]
    assert format_interval([0.825], [np.nan], "proportion").tolist() == [NOT_ESTIMABLE]
    with pytest.raises(ValueError, match="kind must be one of"):
        format_values([1], "currency")


def test_nan_and_inf_are_never_shown():
    shown = format_values([np.nan, np.inf, -np.inf, None, 1.0], "number").tolist()
    assert shown == [NOT_ESTIMABLE] * 4 + ["1.00"]


def test_labels_and_kinds_from_the_table_then_the_name():
    assert column_label("swemwbs_metric") == "SWEMWBS (metric score)"
    assert column_label("mean_follow_up") == "Mean at follow-up"
    assert column_label("total_difference") == "Total difference"
    assert column_kind("N") == ("count", 0)
    assert column_kind("pct_strength") == ("percent", 1)
    assert column_kind("proportion") == ("proportion", 1)
    assert column_kind("p_wilcoxon") == ("p_value", 3)
    assert column_kind("present_value") == ("money", 0)
    assert column_kind("organisation", pd.Series(["A"])) == ("text", None)
    assert column_kind("score", pd.Series([1.5, 2.0])) == ("number", 2)


def test_present_keeps_numbers_marks_withheld_cells_and_drops_the_index():
    published = pd.DataFrame({"group": ["A", "B", "C"], "n": [10, "*", 0],
                              "proportion": [0.25, "*", np.nan]}, index=[7, 8, 9])
    table = present(published, caption="Improved", note="* withheld: 1-7 people")
    assert table.data["n"].tolist()[0] == 10 and pd.isna(table.data["n"].tolist()[1])
    shown = table.to_frame()
    assert list(shown.columns) == ["Group", "n", "%"]
    assert shown["n"].tolist() == ["10", "*", "0"]
    assert shown["%"].tolist() == ["25.0%", "*", NOT_ESTIMABLE]
    assert list(shown.index) == [0, 1, 2]
    text = repr(table)
    assert text.splitlines()[0] == "Improved" and text.splitlines()[-1].startswith("* withheld")
    assert "nan" not in text.lower() and "NaN" not in table._repr_html_()
    html = table._repr_html_()
    assert html.startswith('<table class="wb-table"><caption>Improved</caption>')
    assert "<th>Group</th>" in html and '<td class="num">25.0%</td>' in html
    assert table.excel_formats() == {"Group": "@", "n": "#,##0", "%": "0.0%"}


def test_present_overrides_and_checks_kinds():
    t = present(pd.DataFrame({"x": [0.5]}), kinds={"x": "proportion"}, labels={"x": "Share"},
                decimals={"x": 0})
    assert t.to_frame().to_dict("list") == {"Share": ["50%"]}
    with pytest.raises(ValueError, match="kind of 'x'"):
        present(pd.DataFrame({"x": [1]}), kinds={"x": "pounds"})


def test_prose_and_key_findings_print_and_render():
    s = say("**85.1%** improved")
    assert repr(s) == "**85.1%** improved" and s._repr_markdown_() == "**85.1%** improved"
    k = key_findings(["A & B *rose*", "C"])
    assert repr(k) == "Key findings\n- A & B *rose*\n- C"
    assert k._repr_html_() == ('<div class="wb-key-findings"><h2>Key findings</h2><ul>'
                               "<li>A &amp; B <em>rose</em></li><li>C</li></ul></div>")
    with pytest.raises(ValueError):
        key_findings([])
    with pytest.raises(TypeError):
        say(3)


def test_intervals_read_like_their_estimate_and_booleans_as_yes_no():
    t = present(pd.DataFrame({"group": ["A"], "n": [17], "N": [20], "proportion": [0.85],
                              "ci_low": [0.64], "ci_high": [0.95], "kappa": [0.8],
                              "kappa_ci_low": [0.6], "kappa_ci_high": [1.0],
                              "significant": [True]}))
    shown = t.to_frame().iloc[0].tolist()
    assert shown == ["A", "17", "20", "85.0%", "64.0%", "95.0%", "0.800", "0.600", "1.000",
                     "yes"]


def test_money_is_costs_and_values_of_money_not_every_value():
    assert column_kind("cost_per_client") == ("money", 0)
    assert column_kind("present_value") == ("money", 0)
    assert column_kind("price_year", pd.Series(["2024/25"])) == ("text", None)
    assert column_kind("latest_value", pd.Series([12.5]))[0] == "number"
    assert column_kind("value", pd.Series([3, 4]))[0] == "count"


def test_one_figure_for_a_sentence():
    from wellbeing_lib.reporting.story import interval, money, number, percent

    assert number(-1234.5) == "−1,234.50" and number(0.7964, 3) == "0.796"
    assert percent(0.851) == "85.1%" and percent(54.0, proportion=False) == "54.0%"
    assert money(-109248.0) == "−£109,248"
    assert interval(0.825, 0.874, "proportion") == "82.5% to 87.4%"
