"""ipywidgets explorers for JupyterLab.

Each explorer is a function that takes tidy data and returns a widget: dropdowns or
sliders on top, then a table and a chart that update when a choice changes, and an
"Export to Excel" button.  The table shown is always the *published* form - small counts
suppressed with :func:`wellbeing_lib.privacy.suppress_rows` and shown through the display
layer (:func:`wellbeing_lib.reporting.present`: human headers, %, £, "< 0.001", no index,
no ``NaN``) - unless ``suppress=False`` is passed for internal work.  ipywidgets and
matplotlib are imported inside the functions.

Charts that always draw
    An explorer never draws through pyplot into an ``Output`` widget (``plt.subplots`` →
    ``plt.show()`` → ``plt.close`` inside ``with output:``): the inline backend then sent
    blank or misplaced figures after some changes.  Each chart is drawn on a figure pyplot
    does not manage (:func:`wellbeing_lib.reporting.figures.get_axes` with
    ``pyplot=False``), rendered to PNG and shown as an ``<img>`` with its alternative text
    in an HTML widget, so what the kernel sends is the finished picture.

Each returned widget keeps the table it is showing in ``widget.current_table`` and has
``widget.export(path=None)``, what the button runs: the published table on show, written
with :func:`wellbeing_lib.reporting.write_excel` (human headers, number formats, print
setup) into the reports folder (``$WELLBEING_REPORTS`` or ``reports/``; never the data
folder), and offered as a download link.
"""

from __future__ import annotations

import html as _html
import re

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

#: resolution of explorer charts (dots per inch)
CHART_DPI = 80
_XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _chart_html(ax, *, dpi: int = CHART_DPI) -> str:
    """A chart as an ``<img>`` (embedded PNG) with its alternative text; the figure is closed."""
    from .reporting.figures import alt_text, figure_to_base64

    fig = getattr(ax, "figure", ax)
    alt = _html.escape(alt_text(fig), quote=True)
    png = figure_to_base64(fig, dpi=dpi)
    return (f'<img class="wb-chart" alt="{alt}" style="max-width:100%;height:auto" '
            f'src="data:image/png;base64,{png}">')


def _label(labels: dict, name) -> str:
    """A column's name as shown: the caller's label, else the display layer's human label."""
    from .reporting.display import column_label

    return labels.get(name) or column_label(name)


def _published(table: pd.DataFrame, suppress: bool) -> pd.DataFrame:
    from .privacy import publish

    return publish(table) if suppress else table


def _table_html(table: pd.DataFrame, *, suppress: bool, **options) -> str:
    """The table as the display layer shows it (published when ``suppress``)."""
    from .reporting.display import present

    if table.empty:
        return "<p><em>Nothing to show for this choice.</em></p>"
    return present(_published(table, suppress), **options)._repr_html_()


def _add_export(box, name: str, *, suppress: bool, describe=lambda: "") -> None:
    """Give an explorer an "Export to Excel" button and ``box.export(path=None)``."""
    import base64

    import ipywidgets as w

    button = w.Button(description="Export to Excel", icon="file-excel-o",
                      tooltip="Save the table on show as a formatted Excel workbook")
    status = w.HTML()

    def export(path=None):
        from .reporting.display import present
        from .reporting.excel import write_excel
        from .reporting.notebooks import reports_dir

        table = box.current_table
        if path is None:
            what = re.sub(r"[^0-9A-Za-z]+", "-", describe()).strip("-").lower()[:60]
            path = reports_dir() / f"{name}{'-' + what if what else ''}.xlsx"
        shown = present(_published(table, suppress)) if not table.empty else table
        path = write_excel({"Table": shown}, path)
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        status.value = (f"Saved <code>{_html.escape(str(path))}</code> &middot; "
                        f'<a download="{_html.escape(path.name)}" '
                        f'href="data:{_XLSX_MIME};base64,{data}">download it</a>')
        box.last_export = path
        return path

    button.on_click(lambda _b: export())
    box.export = export
    box.export_button = button
    box.children = (*box.children, w.HBox([button, status]))


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
        options=[(_label(labels, v), v) for v in values], description="Measure"
    )
    group = w.Dropdown(options=[(_label(labels, g), g) for g in groups], description="Group by")
    table_html, chart = w.HTML(), w.HTML()
    box = w.VBox([w.HBox([measure, group]), table_html, chart])

    def update(_=None):
        from .reporting.figures import get_axes, set_alt_text, whiskers
        from .reporting.palette import NHS_BLUE

        name = _label(labels, measure.value)
        by = _label(labels, group.value)
        table = group_summary(data, value=measure.value, by=group.value, suppress=suppress)
        box.current_table = table
        table_html.value = _table_html(table, suppress=suppress, labels={group.value: by},
                                       kinds={group.value: "text"},
                                       caption=f"{name} by {by}")
        ax = get_axes(None, figsize=(7, 0.4 * len(table) + 1.8), pyplot=False)
        shown = table.dropna(subset=["mean"])
        ax.errorbar(shown["mean"], shown[group.value].astype(str),
                    xerr=whiskers(shown["mean"], shown["ci_low"], shown["ci_high"]),
                    fmt="o", color=NHS_BLUE, capsize=3)
        ax.set_xlabel(f"mean {name} (95% CI)")
        ax.set_ylabel(by)
        ax.set_title(f"{name} by {by}" + (" (groups of 1–7 suppressed)" if suppress else ""))
        ax.figure.tight_layout()
        said = "; ".join(f"{g} {m:.1f}" for g, m in zip(shown[group.value], shown["mean"]))
        set_alt_text(ax, f"Dot chart of mean {name} with 95% confidence intervals by {by}: "
                         f"{said or 'no group large enough to show'}.")
        chart.value = _chart_html(ax)

    measure.observe(update, names="value")
    group.observe(update, names="value")
    update()
    _add_export(box, "group-summary", suppress=suppress,
                describe=lambda: f"{measure.value}-by-{group.value}")
    return box


def _sroi_sliders(base_map: pd.DataFrame, discount_rate, max_rate: float):
    """The SROI panel's sliders, each at a value of the model; the start-value rule; and the
    fractions that differ between outcomes (as text)."""
    import ipywidgets as w

    from .economics import discount_rates

    def start_value(name: str) -> float:
        """A value the impact map has: the shared one, else the most common (ties: first)."""
        values = base_map[name].astype(float)
        counts = values.value_counts(sort=False)
        return float(counts.idxmax()) if counts.max() > 1 else float(values.iloc[0])

    def step_for(value: float, steps=(0.01, 0.005, 0.001)) -> float:
        """The coarsest step that has ``value`` on the slider's grid."""
        for step in steps:
            if abs(round(value / step) * step - value) < 1e-9:
                return step
        return 0.0001

    fractions = (("deadweight", "Deadweight"), ("attribution", "Attribution"),
                 ("drop_off", "Drop-off"))
    differs = [f"{label.lower()} {v.min():.0%}–{v.max():.0%}" for name, label in fractions
               if (v := base_map[name].astype(float)).nunique() > 1]
    if isinstance(discount_rate, str):
        table = discount_rates()
        rate0 = float(table.loc[table["schedule"] == discount_rate, "rate"].iloc[0])
    else:
        rate0 = float(discount_rate)
    style = {"description_width": "110px"}
    layout = w.Layout(width="380px")
    sliders = {
        name: w.FloatSlider(value=start_value(name), min=0.0, max=1.0,
                            step=step_for(start_value(name)), description=label,
                            readout_format=".2f", continuous_update=False, style=style,
                            layout=layout)
        for name, label in fractions
    }
    sliders["discount_rate"] = w.FloatSlider(
        value=min(rate0, max_rate), min=0.0, max=max_rate,
        step=step_for(min(rate0, max_rate), (0.0025, 0.0005)),
        description="Discount rate", readout_format=".2%", continuous_update=False,
        style=style, layout=layout,
    )
    return sliders, start_value, differs


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
    (each outcome's) in place; "Reset" returns to the map.  Each slider starts at a value
    the model has: the fraction every outcome shares, or - when outcomes differ - the most
    common one (ties: the first outcome's), the range being shown under the sliders; the
    discount-rate slider starts at the schedule's first-year rate. The ratio text and the waterfall
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

    sliders, start_value, differs = _sroi_sliders(base_map, discount_rate, max_rate)
    rate0 = sliders["discount_rate"].value
    reset = w.Button(description="Reset to impact map", layout=w.Layout(width="auto"))
    ratio_text = w.HTML()
    chart = w.HTML()
    note = ("<small>Until a slider is moved each outcome keeps its own value from the impact "
            f"map ({'; '.join(differs)}).</small>") if differs else ""
    box = w.VBox([
        w.HBox([sliders["deadweight"], sliders["attribution"]]),
        w.HBox([sliders["drop_off"], sliders["discount_rate"]]),
        reset, ratio_text, chart, w.HTML(note),
    ])
    box.sliders = sliders
    moved: set[str] = set()
    state = {"resetting": False}

    def show(result) -> None:
        import math

        from .reporting.display import format_money

        box.current_result = result
        box.current_table = result.totals
        box.overrides = {k: sliders[k].value for k in sliders if k in moved}
        words = {"deadweight": "deadweight", "attribution": "attribution",
                 "drop_off": "drop-off", "discount_rate": "discount rate"}
        what = ", ".join(f"{words[k]} {v:.1%}" for k, v in box.overrides.items())
        payback = (f"{result.payback_years:.1f} years" if math.isfinite(result.payback_years)
                   else "not within the outcomes' durations")
        money = format_money([result.total_present_value, result.investment_total,
                              result.net_present_value]).tolist()
        ratio = (f"£{result.ratio:.2f} : £1" if math.isfinite(result.ratio)
                 else "not estimable")
        ratio_text.value = (
            f"<b>SROI ratio {ratio}</b> &nbsp; present value {money[0]}, investment "
            f"{money[1]}, net present value {money[2]}, payback {payback}"
            f"<br><small>{what or 'impact map as given'}</small>"
        )
        ax = ec.plot_sroi_waterfall(result, ax=get_axes(None, figsize=(8, 4), pyplot=False))
        ax.figure.tight_layout()
        chart.value = _chart_html(ax)

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
                slider.value = rate0 if name == "discount_rate" else start_value(name)
        finally:
            state["resetting"] = False
        moved.clear()
        show(base)

    for name, slider in sliders.items():
        slider.observe(lambda change, name=name: update(name, change), names="value")
    reset.on_click(on_reset)
    box.reset = on_reset
    show(base)
    _add_export(box, "sroi", suppress=False,
                describe=lambda: "-".join(f"{k}-{v:g}" for k, v in box.overrides.items()))
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
    table_html, chart = w.HTML(), w.HTML()
    box = w.VBox([w.HBox([measure, definition, group]), table_html, chart])

    def update(_=None):
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
        title = (f"Improved on {measure.value} ({definition.value} change) by "
                 f"{_label({}, group.value)}")
        table_html.value = _table_html(table, suppress=suppress, caption=title)
        ax = get_axes(None, figsize=(7, 0.45 * len(table) + 1.5), pyplot=False)
        plot_forest(table, estimate="proportion", ax=ax, title=title,
                    xlabel="% improved (95% CI)")
        ax.figure.tight_layout()
        chart.value = _chart_html(ax)

    for control in (measure, definition, group):
        control.observe(update, names="value")
    update()
    _add_export(box, "outcomes", suppress=suppress,
                describe=lambda: f"{measure.value}-{definition.value}-by-{group.value}")
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
    from .reporting.figures import get_axes

    require_columns(scores, ["organisation", "element", "completeness_pct", "mean_maturity"])
    profiles = org_profile(scores, min_completeness=min_completeness)
    orgs = list(pd.unique(profiles["organisation"]))
    labels = labels or {}
    dropdown = w.Dropdown(options=[(labels.get(o, o), o) for o in orgs],
                          description="Organisation", style={"description_width": "initial"},
                          layout=w.Layout(width="520px"))
    table_html = w.HTML()
    chart = w.HTML()
    box = w.VBox([dropdown, table_html, chart])
    box.dropdown = dropdown

    def update(_=None):
        org = dropdown.value
        table = profiles[profiles["organisation"] == org].reset_index(drop=True)
        box.current_table = table
        box.current_organisation = org
        table_html.value = _table_html(table.drop(columns="organisation"), suppress=False,
                                       caption=f"{labels.get(org, org)}: element profile")
        ax = get_axes(None, figsize=(8, 0.45 * len(table) + 1.6), pyplot=False)
        plot_org_profile(table, ax=ax, scale=scale)
        chart.value = _chart_html(ax, dpi=dpi)

    dropdown.observe(update, names="value")
    update()
    _add_export(box, "diagnostic-profile", suppress=False,
                describe=lambda: str(labels.get(dropdown.value, dropdown.value)))
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
    group_box = w.Dropdown(options=[(_label(labels, g), g) for g in groups],
                           description="Group by")
    test_text, table_html, chart, quote_html = w.HTML(), w.HTML(), w.HTML(), w.HTML()
    box = w.VBox([w.HBox([theme_box, group_box]), test_text, table_html, chart, quote_html])
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
        from .reporting.charts import plot_proportions
        from .reporting.display import format_p, present
        from .reporting.figures import get_axes

        theme, group = theme_box.value, group_box.value
        name = _label(labels, group)
        freq, tests = tables(group)
        table = freq[freq[level] == theme].reset_index(drop=True)
        box.current_table = table
        row = pd.DataFrame() if tests is None else tests[tests[level] == theme]
        box.current_test = row.reset_index(drop=True)
        if tests is None:
            test_text.value = f"<i>Only one {name} category: no comparison.</i>"
        else:
            p, p_adj = format_p(row[["p_value", "p_adjusted"]].iloc[0].tolist()).tolist()
            equals = [v if v.startswith("<") else f"= {v}" for v in (p, p_adj)]
            test_text.value = (
                f"<b>{_html.escape(str(theme))}</b> by {_html.escape(str(name))}: "
                f"{row['test'].iloc[0]} test p {equals[0]}, Holm-adjusted over "
                f"{len(themes)} {level}s p {equals[1]}"
                if pd.notna(row["p_value"].iloc[0])
                else f"<b>{_html.escape(str(theme))}</b> by {name}: no variation to test")
        chosen = quotes[quotes[level] == theme]
        chosen = chosen.merge(data[[respondent, group]], on=respondent, how="left")
        box.current_quotes = chosen[[level, "rank", respondent, group, "quote"]]  # merge: 0..n-1
        table_html.value = _table_html(
            table, suppress=suppress, labels={group: name}, kinds={group: "text"},
            caption=f"{theme}: respondents mentioning it, by {name}",
            note="Counts of 1–7 withheld (*), others rounded to the nearest 5." if suppress
            else None)
        ax = get_axes(None, figsize=(max(6.0, 0.9 * len(table) + 2), 3.8), pyplot=False)
        bars = table.assign(proportion=table["percent"] / 100,
                            low=table["ci_low"] / 100, high=table["ci_high"] / 100)
        bars[group] = bars[group].astype(str)
        plot_proportions(bars, x=group, y="proportion", ci_low="low", ci_high="high",
                         ax=ax, xlabel=name, ylabel="% of respondents mentioning",
                         title=f"{theme}: % of respondents by {name}"
                               + (" (1–7 suppressed: *)" if suppress else ""))
        ax.figure.tight_layout()
        box.current_axes = ax
        chart.value = _chart_html(ax)
        shown = box.current_quotes[["rank", group, "quote"]]
        quote_html.value = (present(shown, labels={group: name}, kinds={group: "text"},
                                    caption="Example answers (personal details redacted)")
                            ._repr_html_() if len(shown) else "")

    theme_box.observe(update, names="value")
    group_box.observe(update, names="value")
    update()
    _add_export(box, "themes", suppress=suppress,
                describe=lambda: f"{theme_box.value}-by-{group_box.value}")
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
    import ipywidgets as w

    from .monitoring import plot_spc
    from .reporting.figures import get_axes

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
    image = w.HTML()
    box = w.VBox([w.HBox([measure, practice] if practices else [measure]), reading, image,
                  table_html])
    box.measure, box.practice = measure, practice

    per_practice = set(by_practice.charts) if by_practice is not None else set()

    def update(_=None):
        # a measure charted only for the whole programme: the practice choice does not apply
        practice.disabled = measure.value not in per_practice
        whole = practice.value == "All practices" or practice.disabled
        source = overall if whole else by_practice
        chart = source.chart(measure.value)
        icons = source.icons[source.icons["measure"] == measure.value]
        series = None
        if chart.group is not None and not whole:
            series = practice.value
            icons = icons[icons[chart.group] == series]
        table = icons.reset_index(drop=True)
        box.current_table = table
        box.current_reading = table["reading"].iloc[0] if len(table) else ""
        if practice.disabled and practice.value != "All practices":
            box.current_reading += " (This measure is charted for all practices only.)"
        reading.value = f"<p>{_html.escape(box.current_reading)}</p>"
        table_html.value = _table_html(table.drop(columns="reading"), suppress=False)
        ax = get_axes(None, figsize=(9, 4.5), pyplot=False)
        title = labels[measure.value] + ("" if series is None else f": {series}")
        plot_spc(chart, series=series, ax=ax, title=title, ylabel=labels[measure.value])
        image.value = _chart_html(ax, dpi=dpi)

    measure.observe(update, names="value")
    practice.observe(update, names="value")
    update()
    _add_export(box, "monitoring", suppress=False,
                describe=lambda: f"{measure.value}-{practice.value}")
    return box


__all__ += ["monitoring_explorer"]
