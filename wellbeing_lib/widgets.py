"""ipywidgets explorers for JupyterLab.

Each explorer is a function that takes tidy data and returns a widget: dropdowns on
top, a table and a plot below that update when a choice changes.  The table shown is
always the *published* form — small counts suppressed with
:func:`wellbeing_lib.privacy.suppress_rows` — unless ``suppress=False`` is passed for
internal work.  ipywidgets and matplotlib are imported inside the functions.

Each returned widget keeps the table it is showing in ``widget.current_table`` so a
user (or a test) can take it away: ``explorer.current_table.to_excel(...)``.
"""

from __future__ import annotations

import pandas as pd

from .validation import require_columns

__all__ = [
    "group_summary",
    "group_explorer",
    "outcomes_explorer",
    "sroi_panel",
    "diagnostic_explorer",
    "theme_explorer",
]


def group_summary(
    data: pd.DataFrame, *, value: str, by: str, suppress: bool = True, ci: float = 0.95
) -> pd.DataFrame:
    """Count, mean, SD and t-interval of ``value`` by ``by``, small counts suppressed.

    This is the table the :func:`group_explorer` shows; see
    :func:`wellbeing_lib.stats.mean_ci` for the statistics and
    :func:`wellbeing_lib.privacy.suppress_rows` for the disclosure control (counts 1–7
    withheld, others rounded to 5, and the mean/SD/CI of a withheld group withheld).

    Example
    -------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"sex": ["F"] * 12 + ["M"] * 3, "score": range(15)})
    >>> group_summary(df, value="score", by="sex")[["sex", "n", "mean"]]
      sex     n  mean
    0   F    10   5.5
    1   M  <NA>   NaN
    """
    from .privacy import suppress_rows
    from .stats import mean_ci

    table = mean_ci(data, value=value, by=by, ci=ci)
    if suppress:
        table = suppress_rows(table, counts=["n"], derived=["mean", "sd", "ci_low", "ci_high"])
    return table


def group_explorer(
    data: pd.DataFrame,
    *,
    values: list[str],
    groups: list[str],
    suppress: bool = True,
    labels: dict[str, str] | None = None,
):
    """Pick a measure and a grouping → the suppressed summary table and a mean ± CI plot.

    Parameters
    ----------
    data : DataFrame
        One row per person.
    values : list of str
        Numeric columns offered in the "Measure" dropdown.
    groups : list of str
        Categorical columns offered in the "Group by" dropdown.
    suppress : bool, default True
        Suppress small counts in the table and plot (the published form).
    labels : dict, optional
        Display names for columns (e.g. ``{"swemwbs_metric": "SWEMWBS (metric)"}``).

    Returns
    -------
    ipywidgets.VBox
        With ``current_table`` holding the table on show.
    """
    import ipywidgets as w

    require_columns(data, [*values, *groups])
    labels = labels or {}
    measure = w.Dropdown(
        options=[(labels.get(v, v), v) for v in values], description="Measure"
    )
    group = w.Dropdown(options=[(labels.get(g, g), g) for g in groups], description="Group by")
    table_out = w.Output()
    plot_out = w.Output()
    box = w.VBox([w.HBox([measure, group]), table_out, plot_out])

    def update(_=None):
        import matplotlib.pyplot as plt
        from IPython.display import display

        from .privacy import publish
        from .reporting.figures import get_axes, whiskers
        from .reporting.palette import NHS_BLUE

        table = group_summary(data, value=measure.value, by=group.value, suppress=suppress)
        box.current_table = table
        table_out.clear_output(wait=True)
        with table_out:
            display(publish(table).round(2) if suppress else table.round(2))
        plot_out.clear_output(wait=True)
        with plot_out:
            ax = get_axes(None, figsize=(7, 3.5))
            fig = ax.figure
            shown = table.dropna(subset=["mean"])
            ax.errorbar(
                shown["mean"], shown[group.value].astype(str),
                xerr=whiskers(shown["mean"], shown["ci_low"], shown["ci_high"]),
                fmt="o", color=NHS_BLUE, capsize=3,
            )
            ax.set_xlabel(f"mean {labels.get(measure.value, measure.value)} (95% CI)")
            ax.set_ylabel(labels.get(group.value, group.value))
            ax.set_title(f"{labels.get(measure.value, measure.value)} by "
                         f"{labels.get(group.value, group.value)}"
                         + (" (groups of 1–7 suppressed)" if suppress else ""))
            fig.tight_layout()
            plt.show()
            plt.close(fig)

    measure.observe(update, names="value")
    group.observe(update, names="value")
    update()
    return box


def sroi_panel(
    impact_map: pd.DataFrame,
    investment,
    *,
    discount_rate="green_book",
    first_year_discounted: bool = True,
    price_year=None,
    index="nhscii_pay_and_prices",
    max_rate: float = 0.10,
):
    """Sliders for deadweight, attribution, drop-off and discount rate → SROI ratio and waterfall.

    The panel starts from the impact map as given (:func:`wellbeing_lib.economics.sroi`).
    Moving a fraction slider sets that fraction for **every** outcome (a global override,
    see :func:`wellbeing_lib.economics.apply_overrides`); moving the discount-rate slider
    replaces the schedule with a flat rate. Sliders not yet moved leave the map's own values
    (each outcome's) in place; "Reset" returns to the map. The ratio text and the waterfall
    (:func:`wellbeing_lib.economics.plot_sroi_waterfall`) update when a slider is released.

    Parameters
    ----------
    impact_map, investment
        As :func:`wellbeing_lib.economics.sroi`.
    discount_rate, first_year_discounted, price_year, index
        The base case, as :func:`wellbeing_lib.economics.sroi`.
    max_rate : float, default 0.10
        Upper end of the discount-rate slider.

    Returns
    -------
    ipywidgets.VBox
        With ``current_result`` (the :class:`~wellbeing_lib.economics.SROIResult` on show),
        ``overrides`` (the slider values in force) and ``sliders`` (``{name: slider}``),
        so the panel can be driven and read without a front end.

    Example
    -------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"stakeholder": ["NHS"], "outcome": ["Fewer GP visits"],
    ...     "indicator": ["visits"], "quantity": [100], "proxy_value": [45.0],
    ...     "proxy_source": ["PSSRU 2013"], "proxy_price_year": ["2012/13"], "duration": [2],
    ...     "deadweight": [0.1], "displacement": [0.05], "attribution": [0.1],
    ...     "drop_off": [0.5]})
    >>> panel = sroi_panel(m, 4000, discount_rate=0.035)
    >>> round(panel.current_result.ratio, 2)
    1.24
    >>> panel.sliders["deadweight"].value = 0.5
    >>> round(panel.current_result.ratio, 2), panel.overrides
    (0.69, {'deadweight': 0.5})
    """
    import warnings

    import ipywidgets as w

    from . import economics as ec
    from .reporting.figures import get_axes

    base_map = ec.validate_impact_map(impact_map)
    settings = {"first_year_discounted": first_year_discounted, "price_year": price_year,
                "index": index}
    base = ec.sroi(base_map, investment, discount_rate=discount_rate, **settings)

    def start_value(name: str) -> float:
        values = base_map[name]
        return float(values.iloc[0]) if values.nunique() == 1 else float(values.mean())

    if isinstance(discount_rate, str):
        table = ec.discount_rates()
        rate0 = float(table.loc[table["schedule"] == discount_rate, "rate"].iloc[0])
    else:
        rate0 = float(discount_rate)
    style = {"description_width": "110px"}
    layout = w.Layout(width="380px")
    sliders = {
        name: w.FloatSlider(value=start_value(name), min=0.0, max=1.0, step=0.01,
                            description=label, readout_format=".2f",
                            continuous_update=False, style=style, layout=layout)
        for name, label in (("deadweight", "Deadweight"), ("attribution", "Attribution"),
                            ("drop_off", "Drop-off"))
    }
    sliders["discount_rate"] = w.FloatSlider(
        value=min(rate0, max_rate), min=0.0, max=max_rate, step=0.0025,
        description="Discount rate", readout_format=".2%", continuous_update=False,
        style=style, layout=layout,
    )
    reset = w.Button(description="Reset to impact map")
    ratio_text = w.HTML()
    plot_out = w.Output()
    box = w.VBox([
        w.HBox([sliders["deadweight"], sliders["attribution"]]),
        w.HBox([sliders["drop_off"], sliders["discount_rate"]]),
        reset, ratio_text, plot_out,
    ])
    box.sliders = sliders
    moved: set[str] = set()
    state = {"resetting": False}

    def show(result) -> None:
        import matplotlib.pyplot as plt
        from IPython import get_ipython

        box.current_result = result
        box.overrides = {k: sliders[k].value for k in sliders if k in moved}
        what = ", ".join(f"{k} = {v:.3g}" for k, v in box.overrides.items()) or "impact map as given"
        payback = (f"{result.payback_years:.1f} years" if result.payback_years != float("inf")
                   else "not within the outcomes' durations")
        ratio_text.value = (
            f"<b>SROI ratio £{result.ratio:.2f} : £1</b> &nbsp; present value "
            f"£{result.total_present_value:,.0f}, investment £{result.investment_total:,.0f}, "
            f"net present value £{result.net_present_value:,.0f}, payback {payback}"
            f"<br><small>{what}</small>"
        )
        if get_ipython() is not None:  # outside a kernel clear_output would print to stdout
            plot_out.clear_output(wait=True)
        with plot_out:
            ax = ec.plot_sroi_waterfall(result, ax=get_axes(None, figsize=(8, 4)))
            ax.figure.tight_layout()
            plt.show()
            plt.close(ax.figure)

    def update(name: str, _change=None) -> None:
        if state["resetting"]:
            return
        moved.add(name)
        overrides = {k: sliders[k].value for k in ("deadweight", "attribution", "drop_off")
                     if k in moved}
        rate = sliders["discount_rate"].value if "discount_rate" in moved else discount_rate
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # price-year warning given once above
            result = ec.sroi(ec.apply_overrides(base_map, overrides), investment,
                             discount_rate=rate, **settings)
        show(result)

    def on_reset(_button=None) -> None:
        state["resetting"] = True
        try:
            for name, slider in sliders.items():
                slider.value = (min(rate0, max_rate) if name == "discount_rate"
                                else start_value(name))
        finally:
            state["resetting"] = False
        moved.clear()
        show(base)

    for name, slider in sliders.items():
        slider.observe(lambda change, name=name: update(name, change), names="value")
    reset.on_click(on_reset)
    box.reset = on_reset
    show(base)
    return box


__all__ += ["sroi_panel"]


def outcomes_explorer(
    changes: pd.DataFrame,
    *,
    clients: pd.DataFrame,
    groups: list[str],
    id: str = "client_id",
    suppress: bool = True,
):
    """Choose a measure, a change definition and a subgroup → % improved by group, table and plot.

    Parameters
    ----------
    changes : DataFrame
        Output of :func:`wellbeing_lib.outcomes.change`, usually with several definitions
        (``definition=["any", "meaningful", "reliable"]``).
    clients : DataFrame
        One row per client holding the ``groups`` columns.
    groups : list of str
        Columns offered in the "Subgroup" dropdown (practice, referral route, age band...).
    id : str
        Client id column shared by ``changes`` and ``clients``.
    suppress : bool, default True
        Suppress small counts (the published form), as
        :func:`wellbeing_lib.outcomes.subgroup_summary` does.

    Returns
    -------
    ipywidgets.VBox
        With ``current_table`` holding the table on show.  "Measure" offers "any of the
        M measures" (improved on at least one) and each single measure.
    """
    import ipywidgets as w

    from .outcomes import subgroup_summary

    require_columns(changes, [id, "measure", "definition", "status"])
    require_columns(clients, [id, *groups])
    measures = list(pd.unique(changes["measure"].astype(str)))
    any_label = f"any of the {len(measures)} measures"
    measure = w.Dropdown(options=[any_label, *measures], description="Measure")
    definition = w.Dropdown(
        options=list(pd.unique(changes["definition"].astype(str))), description="Definition"
    )
    group = w.Dropdown(options=groups, description="Subgroup")
    table_out, plot_out = w.Output(), w.Output()
    box = w.VBox([w.HBox([measure, definition, group]), table_out, plot_out])

    def update(_=None):
        import matplotlib.pyplot as plt
        from IPython.display import display

        from .privacy import publish
        from .reporting.charts import plot_forest
        from .reporting.figures import get_axes

        rows = changes[changes["definition"].astype(str) == definition.value]
        chosen = None if measure.value == any_label else [measure.value]
        if chosen:
            rows = rows[rows["measure"].astype(str) == measure.value]
        table = subgroup_summary(
            rows, by=group.value, clients=clients, at_least=1, measures=chosen,
            suppress=suppress, id=id,
        )
        box.current_table = table
        table_out.clear_output(wait=True)
        with table_out:
            display(publish(table).round(3) if suppress else table.round(3))
        plot_out.clear_output(wait=True)
        with plot_out:
            ax = get_axes(None, figsize=(7, 0.45 * len(table) + 1.5))
            fig = ax.figure
            plot_forest(
                table, estimate="proportion", ax=ax,
                title=f"Improved on {measure.value} ({definition.value} change) "
                      f"by {group.value}",
            )
            fig.tight_layout()
            plt.show()
            plt.close(fig)

    for control in (measure, definition, group):
        control.observe(update, names="value")
    update()
    return box


__all__ += ["outcomes_explorer"]


def diagnostic_explorer(
    scores: pd.DataFrame,
    *,
    min_completeness: float = 50.0,
    labels: dict | None = None,
    scale=None,
    dpi: int = 80,
):
    """Pick an organisation → its element profile against the system: a table and a chart.

    The table is :func:`wellbeing_lib.diagnostic.org_profile` (mean maturity per element
    beside the system median and middle half, the difference and rank); the chart is
    :func:`wellbeing_lib.diagnostic.plot_org_profile`.  No staff counts are shown.

    Parameters
    ----------
    scores : DataFrame
        :func:`wellbeing_lib.diagnostic.score_diagnostic` output.
    min_completeness : float, default 50
        As :func:`wellbeing_lib.diagnostic.system_summary`.
    labels : dict, optional
        Display names for organisations in the dropdown (e.g. ``{name: "HV08 " + name}``).
    scale : optional
        The maturity scale (default 0-4), for the chart's axis.
    dpi : int, default 80
        Resolution of the chart.

    Returns
    -------
    ipywidgets.VBox
        With ``current_table`` (the profile on show), ``current_organisation`` and
        ``dropdown`` (so the explorer can be driven without a front end).

    Example
    -------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> scores = pd.DataFrame({"organisation": ["A", "B", "C"], "element": "Environment",
    ...     "completeness_pct": 100.0, "mean_maturity": [3.5, 1.0, 2.0]})
    >>> explorer = diagnostic_explorer(scores)
    >>> explorer.current_table[["organisation", "mean_maturity", "position"]]
      organisation  mean_maturity                 position
    0            A            3.5  above the system median
    >>> explorer.dropdown.value = "B"
    >>> explorer.current_table[["organisation", "mean_maturity", "position"]]
      organisation  mean_maturity                 position
    0            B            1.0  below the system median
    """
    import ipywidgets as w

    from .diagnostic import org_profile, plot_org_profile
    from .reporting.figures import figure_to_base64, get_axes

    require_columns(scores, ["organisation", "element", "completeness_pct", "mean_maturity"])
    profiles = org_profile(scores, min_completeness=min_completeness)
    orgs = list(pd.unique(profiles["organisation"]))
    labels = labels or {}
    dropdown = w.Dropdown(options=[(labels.get(o, o), o) for o in orgs],
                          description="Organisation", style={"description_width": "initial"},
                          layout=w.Layout(width="520px"))
    table_html = w.HTML()
    chart = w.Image(format="png")
    box = w.VBox([dropdown, table_html, chart])
    box.dropdown = dropdown

    def update(_=None):
        import base64

        org = dropdown.value
        table = profiles[profiles["organisation"] == org].reset_index(drop=True)
        box.current_table = table
        box.current_organisation = org
        shown = table.drop(columns="organisation").round(2)
        table_html.value = shown.to_html(index=False, na_rep="", border=0)
        ax = get_axes(None, figsize=(8, 0.45 * len(table) + 1.6))
        plot_org_profile(table, ax=ax, scale=scale)
        chart.value = base64.b64decode(figure_to_base64(ax.figure, dpi=dpi))  # closes it

    dropdown.observe(update, names="value")
    update()
    return box


__all__ += ["diagnostic_explorer"]


def theme_explorer(data: pd.DataFrame, mentions: pd.DataFrame, *, groups: list[str],
                   texts: pd.DataFrame | None = None, text: str = "text",
                   respondent: str = "respondent", level: str = "theme", codebook=None,
                   suppress: bool = True, n_quotes: int = 3, random_state=0,
                   max_chars: int | None = 200, labels: dict[str, str] | None = None):
    """Choose a theme and a grouping → who mentions it (n, %, Wilson CI), a bar chart, quotes.

    For the chosen theme (or code, ``level="code"``) and grouping column the panel shows:

    * the table of :func:`wellbeing_lib.engagement.theme_frequency` for each category of the
      group: ``n`` respondents mentioning the theme out of ``N``, the percentage and its
      Wilson 95% interval - small counts suppressed (1–7 withheld, others rounded to the
      nearest 5, the percentage and interval withheld with them) unless ``suppress=False``;
    * a bar chart of the percentages with their intervals across the categories, in the
      table's (sorted) order, so a trend (e.g. by IMD quintile) can be read; suppressed bars
      are marked "*";
    * the test of "same percentage in every category" from
      :func:`~wellbeing_lib.engagement.compare_groups` (chi-square, or Fisher for two small
      groups), with the p-value Holm-corrected over all themes of the codebook;
    * ``n_quotes`` example answers mentioning the theme, chosen reproducibly and with personal
      details redacted (:func:`~wellbeing_lib.engagement.exemplar_quotes`), with the category
      of the person quoted.

    Parameters
    ----------
    data : DataFrame
        One row per respondent: ``respondent`` and the ``groups`` columns (and ``text``
        when ``texts`` is not given).
    mentions : DataFrame
        Output of :func:`wellbeing_lib.engagement.apply_codebook`.
    groups, labels : list of str, dict
        Columns offered in the "Group by" dropdown, and display names for them.
    texts, text, respondent, level, codebook
        The answers that were coded (default ``data``) and the rest as in
        :func:`~wellbeing_lib.engagement.theme_frequency` and ``exemplar_quotes``.
    suppress : bool, default True
        Publish-ready table (small counts suppressed).
    n_quotes, random_state, max_chars : int, int, int or None
        Quotes per theme (default 3), the seed of their choice (default 0) and the length
        beyond which a quote is shortened around the matched words (default 200).

    Returns
    -------
    ipywidgets.VBox
        With ``current_table`` (the table on show), ``current_quotes`` (``theme``,
        ``rank``, ``respondent``, the group column, ``quote``), ``current_test`` (the
        one-row comparison), ``current_axes`` (the bar chart) and ``controls`` (``{"theme": dropdown, "group": dropdown}``)
        so the panel can be driven and read without a front end.

    Example
    -------
    >>> import pandas as pd
    >>> from wellbeing_lib.engagement import apply_codebook
    >>> people = pd.DataFrame({"respondent": range(40), "type": ["public", "staff"] * 20,
    ...                        "text": ["Lonely since my wife died", "Workload"] * 20})
    >>> panel = theme_explorer(people, apply_codebook(people), groups=["type"])
    >>> panel.controls["theme"].value = "Loneliness"
    >>> panel.current_table[["type", "n", "N", "percent"]]
         type   n   N  percent
    0  public  20  20    100.0
    1   staff   0  20      0.0
    """
    import functools

    import ipywidgets as w

    from .engagement import compare_groups, exemplar_quotes, theme_frequency, theme_labels
    from .errors import InvalidValueError
    from .validation import check_unique

    groups = [groups] if isinstance(groups, str) else list(groups)
    if not groups:
        raise InvalidValueError("no grouping column given", expected="groups=['column', ...]")
    require_columns(data, [respondent, *groups], what="theme explorer data")
    check_unique(data, respondent)
    texts, labels = (data if texts is None else texts), (labels or {})
    themes = theme_labels(mentions, level, codebook)
    quotes = exemplar_quotes(texts, mentions, text=text, level=level, n_quotes=n_quotes,
                             random_state=random_state, max_chars=max_chars, codebook=codebook)
    theme_box = w.Dropdown(options=themes, description=level.capitalize())
    group_box = w.Dropdown(options=[(labels.get(g, g), g) for g in groups], description="Group by")
    test_text, table_out, plot_out, quote_out = w.HTML(), w.Output(), w.Output(), w.Output()
    box = w.VBox([w.HBox([theme_box, group_box]), test_text, table_out, plot_out, quote_out])
    box.controls = {"theme": theme_box, "group": group_box}

    @functools.cache
    def tables(group: str) -> tuple[pd.DataFrame, pd.DataFrame | None]:
        freq = theme_frequency(data, mentions, by=group, respondent=respondent,
                               level=level, codebook=codebook, suppress=suppress)
        try:
            tests = compare_groups(data, mentions, by=group, respondent=respondent,
                                   level=level, codebook=codebook)
        except InvalidValueError:  # a single category: nothing to compare
            tests = None
        return freq, tests

    def update(_=None):
        import matplotlib.pyplot as plt
        from IPython import get_ipython
        from IPython.display import display

        from .privacy import publish
        from .reporting.charts import plot_proportions
        from .reporting.figures import get_axes

        theme, group = theme_box.value, group_box.value
        name = labels.get(group, group)
        freq, tests = tables(group)
        table = freq[freq[level] == theme].reset_index(drop=True)
        box.current_table = table
        row = pd.DataFrame() if tests is None else tests[tests[level] == theme]
        box.current_test = row.reset_index(drop=True)
        if tests is None:
            test_text.value = f"<i>Only one {name} category: no comparison.</i>"
        else:
            p, p_adj = row["p_value"].iloc[0], row["p_adjusted"].iloc[0]
            test_text.value = (
                f"<b>{theme}</b> by {name}: {row['test'].iloc[0]} test p = {p:.3g}, "
                f"Holm-adjusted over {len(themes)} {level}s p = {p_adj:.3g}"
                if pd.notna(p) else f"<b>{theme}</b> by {name}: no variation to test")
        chosen = quotes[quotes[level] == theme]
        chosen = chosen.merge(data[[respondent, group]], on=respondent, how="left")
        box.current_quotes = chosen[[level, "rank", respondent, group, "quote"]]  # merge: 0..n-1
        in_kernel = get_ipython() is not None  # outside a kernel, output would go to stdout
        show = display if in_kernel else (lambda *_: None)
        for out in (table_out, plot_out, quote_out) if in_kernel else ():
            out.clear_output(wait=True)
        with table_out:
            show((publish(table) if suppress else table).round(1))
        with plot_out:
            ax = get_axes(None, figsize=(max(6.0, 0.9 * len(table) + 2), 3.8))
            bars = table.assign(proportion=table["percent"] / 100,
                                low=table["ci_low"] / 100, high=table["ci_high"] / 100)
            bars[group] = bars[group].astype(str)
            plot_proportions(bars, x=group, y="proportion", ci_low="low", ci_high="high",
                             ax=ax, xlabel=name, ylabel="% of respondents mentioning",
                             title=f"{theme}: % of respondents by {name}"
                                   + (" (1–7 suppressed: *)" if suppress else ""))
            ax.figure.tight_layout()
            box.current_axes = ax
            if in_kernel:
                plt.show()
            plt.close(ax.figure)
        with quote_out:
            show(box.current_quotes[["rank", group, "quote"]])

    theme_box.observe(update, names="value")
    group_box.observe(update, names="value")
    update()
    return box


__all__ += ["theme_explorer"]


def monitoring_explorer(overall, *, by_practice=None, dpi: int = 80):
    """Pick a measure and a practice → its SPC chart, icons and plain-English reading.

    Parameters
    ----------
    overall : Monitoring
        :func:`wellbeing_lib.monitoring.monitor` of the whole programme's feeds.
    by_practice : Monitoring, optional
        The same for feeds per practice (``programme_feeds(..., by="practice")``); adds a
        "Practice" dropdown ("All practices" shows ``overall``).
    dpi : int, default 80
        Resolution of the chart.

    Returns
    -------
    ipywidgets.VBox
        With ``current_table`` (the icon row on show), ``current_reading`` (its reading),
        ``measure`` and ``practice`` (the dropdowns, so the explorer can be driven without a
        front end).

    Example
    -------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> from wellbeing_lib.monitoring import monitor, programme_feeds
    >>> clients = pd.DataFrame({"client_id": [f"c{i}" for i in range(80)],
    ...                         "practice": ["A", "B"] * 40,
    ...                         "referral_date": pd.date_range("2017-01-01", periods=80,
    ...                                                        freq="5D")})
    >>> explorer = monitoring_explorer(monitor(programme_feeds(clients)),
    ...     by_practice=monitor(programme_feeds(clients, by="practice")))
    >>> explorer.practice.value = "B"
    >>> explorer.current_table[["measure", "practice", "variation"]]
         measure practice     variation
    0  referrals        B  neutral_high
    """
    import base64

    import ipywidgets as w

    from .monitoring import plot_spc
    from .reporting.figures import figure_to_base64, get_axes

    labels = dict(zip(overall.definitions["measure"], overall.definitions["label"]))
    measure = w.Dropdown(options=[(label, m) for m, label in labels.items()],
                         description="Measure", layout=w.Layout(width="420px"))
    practices = []
    if by_practice is not None:
        col = by_practice.chart(overall.icons["measure"].iloc[0]).group
        practices = sorted(pd.unique(by_practice.icons[col]).tolist(), key=str)
    practice = w.Dropdown(options=["All practices", *practices], description="Practice",
                          layout=w.Layout(width="300px"))
    reading = w.HTML()
    table_html = w.HTML()
    image = w.Image(format="png")
    box = w.VBox([w.HBox([measure, practice] if practices else [measure]), reading, image,
                  table_html])
    box.measure, box.practice = measure, practice

    def update(_=None):
        source = overall if practice.value == "All practices" else by_practice
        chart = source.chart(measure.value)
        icons = source.icons[source.icons["measure"] == measure.value]
        series = None
        if chart.group is not None:
            series = practice.value
            icons = icons[icons[chart.group] == series]
        table = icons.reset_index(drop=True)
        box.current_table = table
        box.current_reading = table["reading"].iloc[0] if len(table) else ""
        reading.value = f"<p>{box.current_reading}</p>"
        shown = table.drop(columns="reading")
        numbers = shown.select_dtypes("number").columns
        shown[numbers] = shown[numbers].round(2)
        table_html.value = shown.to_html(index=False, border=0, na_rep="")
        ax = get_axes(None, figsize=(9, 4.5))
        title = labels[measure.value] + ("" if series is None else f": {series}")
        plot_spc(chart, series=series, ax=ax, title=title, ylabel=labels[measure.value])
        image.value = base64.b64decode(figure_to_base64(ax.figure, dpi=dpi))  # closes it

    measure.observe(update, names="value")
    practice.observe(update, names="value")
    update()
    return box


__all__ += ["monitoring_explorer"]
