"""The icon summary, signal episodes and readings; plots and the workbook."""

from __future__ import annotations

import matplotlib
import numpy as np
import openpyxl
import pandas as pd
import pytest

from wellbeing_lib.monitoring import (
    describe_chart,
    funnel,
    icon_legend,
    monitor,
    plot_funnel,
    plot_representation,
    plot_spc,
    programme_feeds,
    representation,
    signal_episodes,
    write_monitoring_workbook,
    xmr_chart,
)

matplotlib.use("Agg")


@pytest.fixture
def feeds():
    rng = np.random.default_rng(3)
    dates = pd.to_datetime("2016-01-01") + pd.to_timedelta(rng.integers(0, 730, 1500), "D")
    clients = pd.DataFrame({"client_id": [f"c{i}" for i in range(1500)],
                            "practice": rng.choice(["A", "B"], 1500),
                            "referral_date": dates.strftime("%Y-%m-%d")})
    days = rng.integers(0, 29, 1500)
    measures = pd.DataFrame({"client_id": clients["client_id"], "time": "baseline",
                             "assessment_date": (dates + pd.to_timedelta(days, "D"))
                             .strftime("%Y-%m-%d")})
    population = pd.DataFrame({"practice": ["A", "B"], "registered": [20000, 15000]})
    return programme_feeds(clients, measures=measures, population=population)


def test_monitor_charts_every_feed(feeds):
    result = monitor(feeds, targets={"days_to_first_contact": 21, "followed_up": 60})
    assert result.icons["measure"].tolist() == ["referrals", "referrals_per_1000",
                                                "days_to_first_contact", "followed_up"]
    assert result.icons["chart"].tolist() == ["xmr", "u", "xmr", "p"]
    icon = result.icons.set_index("measure")
    assert icon.loc["days_to_first_contact", "assurance"] == "consistent_pass"  # ~14 < 21
    assert icon.loc["followed_up", "assurance"] == "consistent_fail"  # nobody followed up
    assert icon.loc["referrals", "assurance"] is None
    chart = result.chart("referrals_per_1000")
    assert chart.points["mean"].iloc[0] == pytest.approx(1500 / (35000 * 24) * 1000)
    assert set(result.points["measure"]) == set(result.icons["measure"])
    assert result.icons["reading"].str.startswith(tuple(result.icons["label"])).all()
    with pytest.raises(ValueError, match="not in the feeds"):
        monitor(feeds, targets={"improved": 80})
    with pytest.raises(KeyError, match="no chart"):
        result.chart("improved")


def test_rebase_per_measure(feeds):
    result = monitor(feeds, rebase={"referrals": "2017-01-01"})
    assert result.chart("referrals").points["baseline_period"].max() == 1
    assert result.chart("followed_up").points["baseline_period"].max() == 0


def test_signal_episodes_merge_rules_on_one_side():
    df = pd.DataFrame({"month": pd.date_range("2020-01-01", periods=24, freq="MS"),
                       "y": [16, 10] * 8 + [16, 16, 17, 16, 16, 40, 16, 16]})
    chart = xmr_chart(df, value="y", date="month")
    episodes = signal_episodes(chart)
    assert len(episodes) == 1
    e = episodes.iloc[0]
    assert e["n_points"] == 8 and e["side"] == "high"
    assert e["outside_limits"] == 1 and e["shift"] == 7 and e["rules"] == "outside_limits, shift"
    text = describe_chart(chart, label="Waits", unit="days", decimals=1)
    assert ("8 points of higher values, May 2021 to Dec 2021: 1 above the upper process limit, "
            "7 above the mean (shift)") in text
    assert text.startswith(f"Waits: mean {chart.points['mean'].iloc[0]:.1f} days")
    assert signal_episodes(xmr_chart(df.iloc[:16], value="y", date="month")).empty


def test_plots_draw_with_words_and_shapes(feeds):
    result = monitor(feeds)
    ax = plot_spc(result.chart("followed_up"), title="% followed up")
    assert ax.get_ylabel() == "%"
    assert any("Variation:" in t.get_text() for t in ax.texts)
    grouped = xmr_chart(feeds.feeds[feeds.feeds["measure"] == "referrals"].assign(
        practice=["A", "B"] * 12), value="value", date="month", group="practice")
    with pytest.raises(ValueError, match="pick one with series="):
        plot_spc(grouped)
    assert plot_spc(grouped, series="B").get_title() == "value: B"
    df = pd.DataFrame({"practice": list("ABCD"), "referrals": [30, 12, 60, 9],
                       "registered": [10000, 6000, 9000, 5000]})
    ax = plot_funnel(funnel(df, count="referrals", exposure="registered", unit="practice"))
    assert [t.get_text() for t in ax.texts] == ["B", "C", "D"]  # outside the 95% limits
    pop = pd.DataFrame({"characteristic": "sex", "category": ["Female", "Male"],
                        "registered": [5100, 4900]})
    refs = pd.DataFrame({"sex": ["Female"] * 63 + ["Male"] * 37})
    ax = plot_representation(representation(refs, pop, by="sex"))
    assert ax.get_legend_handles_labels()[1] == ["Over-represented (triangle right)",
                                                  "Under-represented (triangle left)"]
    matplotlib.pyplot.close("all")


def test_workbook_publishes_the_points_and_colours_the_icons(feeds, tmp_path):
    result = monitor(feeds)
    path = write_monitoring_workbook(result, tmp_path / "out" / "monitoring.xlsx",
                                     reach={"Referral rates": pd.DataFrame({"a": [1]})})
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["About", "Icon summary", "Signals", "Points", "Referral rates"]
    assert book["Icon summary"].conditional_formatting  # the icons are filled
    points = pd.read_excel(path, sheet_name="Points")  # human headers (a board workbook)
    fu = points[points["Measure"] == "followed_up"]
    assert fu["Numerator"].fillna(0).eq(0).all()
    assert (fu["Denominator"].dropna() % 5 == 0).all()  # counts rounded to 5
    about = pd.read_excel(path, sheet_name="About")
    assert set(icon_legend()["label"]) <= set(about["Label"])
    with pytest.raises(FileExistsError):
        write_monitoring_workbook(result, path, overwrite=False)


def test_reading_of_a_rebased_chart_gives_the_latest_period():
    df = pd.DataFrame({"month": pd.date_range("2020-01-01", periods=24, freq="MS"),
                       "y": [5, 6] * 6 + [15, 16] * 6})
    chart = xmr_chart(df, value="y", date="month", rebase="2021-01-01")
    text = describe_chart(chart, label="Referrals", decimals=1)
    assert text.startswith("Referrals: 24 months, Jan 2020 to Dec 2021, rebased from Jan 2021; "
                           "since Jan 2021: mean 15.5 (process limits 12.8 to 18.2).")
    assert "No special cause signals." in text


def test_trajectory_is_carried_and_drawn():
    df = pd.DataFrame({"month": pd.date_range("2020-01-01", periods=12, freq="MS"),
                       "y": [5, 6] * 6, "plan": range(12)})
    chart = xmr_chart(df, value="y", date="month", trajectory="plan")
    assert chart.points["trajectory"].tolist() == list(range(12))
    ax = plot_spc(chart)
    assert "Trajectory" in ax.get_legend_handles_labels()[1]
    matplotlib.pyplot.close("all")


def test_p_chart_per_series_with_a_rebase_per_series():
    from wellbeing_lib.monitoring import p_chart

    df = pd.DataFrame({"month": list(pd.date_range("2020-01-01", periods=6, freq="MS")) * 2,
                       "practice": ["A"] * 6 + ["B"] * 6,
                       "x": [5, 6, 5, 6, 9, 9, 2, 3, 2, 3, 2, 3], "n": [10] * 12})
    chart = p_chart(df, numerator="x", denominator="n", date="month", group="practice",
                    rebase={"A": "2020-05-01"}, target={"B": 40})
    pts = chart.points
    assert pts.loc[pts["practice"] == "A", "baseline_period"].tolist() == [0, 0, 0, 0, 1, 1]
    assert pts.loc[pts["practice"] == "A", "mean"].iloc[-1] == pytest.approx(90.0)
    assert pts.loc[pts["practice"] == "B", "mean"].iloc[0] == pytest.approx(25.0)
    icons = chart.icons.set_index("practice")
    assert pd.isna(icons.loc["A", "target"]) and icons.loc["B", "target"] == 40
    with pytest.raises(Exception, match="not in the data"):
        p_chart(df, numerator="x", denominator="n", date="month", group="practice",
                rebase={"Z": "2020-05-01"})
