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

from .io import require_columns

__all__ = ["group_summary", "group_explorer"]


def group_summary(
    data: pd.DataFrame, *, value: str, by: str, suppress: bool = True, alpha: float = 0.05
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

    table = mean_ci(data, value=value, by=by, alpha=alpha)
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

        table = group_summary(data, value=measure.value, by=group.value, suppress=suppress)
        box.current_table = table
        table_out.clear_output(wait=True)
        with table_out:
            display(publish(table).round(2) if suppress else table.round(2))
        plot_out.clear_output(wait=True)
        with plot_out:
            fig, ax = plt.subplots(figsize=(7, 3.5))
            shown = table.dropna(subset=["mean"])
            ax.errorbar(
                shown["mean"], shown[group.value].astype(str),
                xerr=[shown["mean"] - shown["ci_low"], shown["ci_high"] - shown["mean"]],
                fmt="o", color="#005EB8", capsize=3,
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
