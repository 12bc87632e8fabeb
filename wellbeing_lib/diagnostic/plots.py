"""Charts of the diagnostic: staging, convergence, the maturity heatmap, an organisation's profile.

Each function takes the table its computation gives (:func:`staging_progress`,
:func:`triangulate`, :func:`score_diagnostic`, :func:`org_profile`), draws on ``ax``
when given (else a new figure sized to the data) and returns the Axes.  matplotlib
is imported inside the functions; every colour comes from
:mod:`wellbeing_lib.reporting.palette`.

Example
-------
>>> CODE_LETTERS["dissonance"]
'D'
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..reporting.figures import get_axes, set_alt_text
from ..reporting.palette import (
    MATURITY_CMAP,
    NHS_BLACK,
    NHS_BLUE,
    NHS_GREY_3,
    NHS_MID_GREY,
    NHS_PALE_GREY,
    OI_BLUE,
    OI_ORANGE,
    OI_SKY_BLUE,
    OI_VERMILLION,
    text_colour_on,
)
from ..validation import check_allowed, check_numeric, require_columns
from ._common import _EPS
from .framework import _sheet_name, maturity_scale
from .scoring import MIN_COMPLETENESS, system_summary
from .staging import STAGING_STATUSES
from .triangulation import CONVERGENCE_CODES

__all__ = [
    "plot_staging",
    "plot_convergence",
    "plot_diagnostic_heatmap",
    "plot_org_profile",
    "CODE_COLOURS",
    "CODE_LETTERS",
    "STAGING_COLOURS",
]

#: colours of the convergence codes (Okabe–Ito, colour-blind safe: blue agreement, sky blue
#: partial agreement, grey silence, vermillion dissonance) and the letter shown in each cell
CODE_COLOURS = {"agreement": OI_BLUE, "partial agreement": OI_SKY_BLUE,
                "silence": NHS_PALE_GREY, "dissonance": OI_VERMILLION}
CODE_LETTERS = {"agreement": "A", "partial agreement": "P", "silence": "S", "dissonance": "D"}
#: colours of the staging statuses of :func:`plot_staging` (Okabe–Ito and greys, colour-blind
#: safe; each status is also named in the legend)
STAGING_COLOURS = {"on time": OI_BLUE, "late": OI_ORANGE, "in progress": OI_SKY_BLUE,
                   "not started": OI_VERMILLION, "not yet due": NHS_PALE_GREY,
                   "no date": NHS_MID_GREY}


def _counts_sentence(values: pd.Series, order) -> str:
    counts = values.value_counts()
    return ", ".join(f"{int(counts[k])} {k}" for k in order if counts.get(k, 0))


def _short_labels(names, labels) -> list[str]:
    if labels is None:
        return [str(n) for n in names]
    if callable(labels):
        return [str(labels(n)) for n in names]
    return [str(labels.get(n, n)) for n in names]


def plot_staging(progress: pd.DataFrame, *, ax=None, title="Diagnostic staging: one element a "
                 "month", annotate=True):
    """Organisation x element grid coloured by staging status (from :func:`staging_progress`).

    Each cell is one element of one organisation, coloured by ``status``
    (on time blue, late orange, in progress sky blue, not started vermillion, not yet due
    pale grey, no date grey: colour-blind safe); late and overdue cells show their
    ``days_late``.  Columns are the
    elements in planned order, labelled with their planned month.

    Parameters
    ----------
    progress : DataFrame
        The output of :func:`staging_progress`.
    ax : matplotlib Axes, optional
        Axes to draw on; default a new figure sized to the grid.
    title : str
        Axes title.
    annotate : bool, default True
        Write the days late in late and overdue cells.

    Returns
    -------
    matplotlib.axes.Axes

    Example
    -------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> data = pd.DataFrame({"organisation": "Trust A", "question_id": ["PHW-01"],
    ...                      "answer": [2], "completed_on": ["2021-11-20"]})
    >>> from wellbeing_lib.diagnostic import staging_progress
    >>> ax = plot_staging(staging_progress(data, start="2021-11", as_of="2022-01-15"))
    >>> ax.get_xlabel(), len(ax.get_yticklabels())
    ('Element (planned month)', 1)
    """
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    require_columns(progress, ["organisation", "element", "planned_month", "status",
                               "days_late"], what="staging progress")
    check_allowed(progress, "status", STAGING_STATUSES, allow_missing=False)
    orgs = list(pd.unique(progress["organisation"]))
    els = list(pd.unique(progress["element"]))
    codes = progress["status"].map({s: i for i, s in enumerate(STAGING_STATUSES)})
    grid = (pd.DataFrame({"o": progress["organisation"], "e": progress["element"], "c": codes})
            .pivot(index="o", columns="e", values="c").reindex(index=orgs, columns=els))
    ax = get_axes(ax, figsize=(1.3 * len(els) + 3.5, 0.35 * len(orgs) + 2))
    cmap = ListedColormap([STAGING_COLOURS[s] for s in STAGING_STATUSES])
    ax.imshow(grid.to_numpy(dtype=float), cmap=cmap, vmin=-0.5,
              vmax=len(STAGING_STATUSES) - 0.5, aspect="auto")
    months = progress.drop_duplicates("element").set_index("element")["planned_month"]
    ax.set_xticks(range(len(els)))
    ax.set_xticklabels([f"{_sheet_name(e)}\n{months[e]}" for e in els], rotation=30,
                       ha="right", fontsize=8)
    ax.set_yticks(range(len(orgs)))
    ax.set_yticklabels(orgs, fontsize=8)
    ax.set_xlabel("Element (planned month)")
    ax.set_ylabel("Organisation")
    ax.set_title(title)
    if annotate:
        show = progress["status"].isin(["late", "in progress", "not started"])
        show &= progress["days_late"].notna()
        pos_o = progress["organisation"].map({o: i for i, o in enumerate(orgs)})
        pos_e = progress["element"].map({e: i for i, e in enumerate(els)})
        inks = progress.loc[show, "status"].map(lambda st: text_colour_on(STAGING_COLOURS[st]))
        for y, x, d, ink in zip(pos_o[show], pos_e[show], progress.loc[show, "days_late"], inks):
            ax.text(x, y, f"{int(d)}d", ha="center", va="center", fontsize=8, color=ink)
    present = [s for s in STAGING_STATUSES if (progress["status"] == s).any()]
    ax.legend(handles=[Patch(color=STAGING_COLOURS[s], label=s) for s in present],
              loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=9, frameon=False,
              title="status", title_fontsize=9)
    set_alt_text(ax, f"Grid of {len(orgs)} organisations by {len(els)} framework elements, "
                     "each cell coloured by staging status: "
                     f"{_counts_sentence(progress['status'], STAGING_STATUSES)}.")
    return ax


def plot_convergence(triangulation: pd.DataFrame, *, ax=None, labels=None,
                     title="Convergence of self-assessment, staff survey and staff networks",
                     annotate=True):
    """Organisation x element matrix coloured by convergence code (from :func:`triangulate`).

    Agreement blue, partial agreement sky blue, silence grey, dissonance vermillion
    (colour-blind safe); each cell also carries the code's letter (A, P, S, D) so the
    chart reads in black and white.

    Parameters
    ----------
    triangulation : DataFrame
        :func:`triangulate` output (``organisation``, ``element``, ``code``).
    ax : matplotlib Axes, optional
        Axes to draw on; default a new figure sized to the matrix.
    labels : mapping or callable, optional
        Short row labels for organisations (e.g. ``{name: org_code}``).
    title : str
    annotate : bool, default True
        Write the code's letter in each cell.

    Returns
    -------
    matplotlib.axes.Axes

    Example
    -------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> scores = pd.DataFrame({"organisation": ["A", "B"], "element": "Environment",
    ...     "completeness_pct": 100.0, "mean_maturity": [3.5, 0.5]})
    >>> from wellbeing_lib.diagnostic import triangulate
    >>> ax = plot_convergence(triangulate(scores))
    >>> [t.get_text() for t in ax.get_yticklabels()], ax.texts[0].get_text()
    (['A', 'B'], 'S')
    """
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    require_columns(triangulation, ["organisation", "element", "code"], what="triangulation")
    check_allowed(triangulation, "code", CONVERGENCE_CODES, allow_missing=False)
    orgs = list(pd.unique(triangulation["organisation"]))
    els = list(pd.unique(triangulation["element"]))
    pos = {c: i for i, c in enumerate(CONVERGENCE_CODES)}
    grid = (triangulation.assign(_c=triangulation["code"].map(pos))
            .pivot(index="organisation", columns="element", values="_c")
            .reindex(index=orgs, columns=els))
    ax = get_axes(ax, figsize=(1.25 * len(els) + 4, 0.38 * len(orgs) + 2.2))
    cmap = ListedColormap([CODE_COLOURS[c] for c in CONVERGENCE_CODES])
    ax.imshow(grid.to_numpy(dtype=float), cmap=cmap, vmin=-0.5,
              vmax=len(CONVERGENCE_CODES) - 0.5, aspect="auto")
    ax.set_xticks(range(len(els)))
    ax.set_xticklabels([_sheet_name(e) for e in els], rotation=30, ha="right", fontsize=8)
    ax.set_yticks(range(len(orgs)))
    ax.set_yticklabels(_short_labels(orgs, labels), fontsize=8)
    ax.set_xlabel("Framework element")
    ax.set_ylabel("Organisation")
    ax.set_title(title)
    if annotate:
        values = grid.to_numpy()
        for y in range(len(orgs)):
            for x in range(len(els)):
                if not np.isnan(values[y, x]):
                    code = CONVERGENCE_CODES[int(values[y, x])]
                    ax.text(x, y, CODE_LETTERS[code], ha="center", va="center", fontsize=8,
                            color=text_colour_on(CODE_COLOURS[code]))
    ax.legend(handles=[Patch(color=CODE_COLOURS[c], label=f"{CODE_LETTERS[c]} {c}")
                       for c in CONVERGENCE_CODES],
              loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=9, frameon=False,
              title="code", title_fontsize=9)
    set_alt_text(ax, f"Grid of {len(orgs)} organisations by {len(els)} framework elements, "
                     "each cell coloured and lettered by how the three sources agree: "
                     f"{_counts_sentence(triangulation['code'], CONVERGENCE_CODES)}.")
    return ax


def plot_diagnostic_heatmap(scores: pd.DataFrame, *, ax=None, labels=None, scale=None,
                            min_completeness: float = MIN_COMPLETENESS, annotate=True,
                            title="Mean maturity by organisation and element"):
    """Heatmap of mean maturity, organisation x element, with the system median as a last row.

    Cells with less than ``min_completeness`` % of the element's questions answered
    are shown grey with a dash (the system view leaves them out too, see
    :func:`system_summary`).  Colours run from dark blue (lowest level of the scale)
    to yellow (highest) on the cividis scale, readable with any colour vision; each
    mean is written in its cell in black or white, whichever contrasts more.

    Parameters
    ----------
    scores : DataFrame
        :func:`score_diagnostic` output.
    ax : matplotlib Axes, optional
    labels : mapping or callable, optional
        Short row labels for organisations (e.g. ``{name: org_code}``).
    scale : optional
        The maturity scale (default 0-4), for the colour range and colour bar.
    min_completeness : float, default 50
    annotate : bool, default True
        Write each mean in its cell.
    title : str

    Returns
    -------
    matplotlib.axes.Axes

    Example
    -------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> scores = pd.DataFrame({"organisation": ["A", "B"], "element": "Environment",
    ...     "completeness_pct": [100.0, 20.0], "mean_maturity": [3.5, 1.0]})
    >>> ax = plot_diagnostic_heatmap(scores)
    >>> [t.get_text() for t in ax.get_yticklabels()], [t.get_text() for t in ax.texts]
    (['A', 'B', 'System median'], ['3.50', '–', '3.50'])
    """
    import matplotlib.pyplot as plt

    require_columns(scores, ["organisation", "element", "completeness_pct", "mean_maturity"],
                    what="diagnostic scores")
    scale = maturity_scale(scale)
    lo, hi = float(scale["points"].min()), float(scale["points"].max())
    values = check_numeric(scores, ["completeness_pct", "mean_maturity"])
    orgs = list(pd.unique(scores["organisation"]))
    els = list(pd.unique(scores["element"]))
    shown = values["mean_maturity"].where(
        values["completeness_pct"] >= min_completeness - _EPS)
    frame = pd.DataFrame({"o": scores["organisation"], "e": scores["element"], "v": shown})
    grid = frame.pivot(index="o", columns="e", values="v").reindex(index=orgs, columns=els)
    summary = system_summary(scores, min_completeness=min_completeness)
    median = summary.elements.set_index("element")["median"].reindex(els)
    matrix = np.vstack([grid.to_numpy(dtype=float), median.to_numpy(dtype=float)])
    ax = get_axes(ax, figsize=(1.25 * len(els) + 4.5, 0.38 * len(orgs) + 2.6))
    cmap = plt.get_cmap(MATURITY_CMAP).with_extremes(bad=NHS_PALE_GREY)
    image = ax.imshow(np.ma.masked_invalid(matrix), cmap=cmap, vmin=lo, vmax=hi, aspect="auto")
    ax.axhline(len(orgs) - 0.5, color=NHS_BLACK, linewidth=1.5)
    ax.set_xticks(range(len(els)))
    ax.set_xticklabels([_sheet_name(e) for e in els], rotation=30, ha="right", fontsize=8)
    ax.set_yticks(range(len(orgs) + 1))
    ax.set_yticklabels([*_short_labels(orgs, labels), "System median"], fontsize=8)
    ax.get_yticklabels()[-1].set_fontweight("bold")
    ax.set_xlabel("Framework element")
    ax.set_ylabel("Organisation")
    ax.set_title(title)
    bar = ax.figure.colorbar(image, ax=ax, fraction=0.04, pad=0.02)
    bar.set_ticks(scale["points"].astype(float).tolist())
    bar.set_ticklabels([f"{p:g} {lab}" for p, lab in zip(scale["points"], scale["label"])])
    bar.ax.tick_params(labelsize=7)
    bar.set_label("mean maturity", fontsize=8)
    if annotate:
        for y in range(matrix.shape[0]):
            for x in range(matrix.shape[1]):
                v = matrix[y, x]
                ink = NHS_BLACK if np.isnan(v) else text_colour_on(image.to_rgba(v))
                ax.text(x, y, "–" if np.isnan(v) else f"{v:.2f}", ha="center",
                        va="center", fontsize=8, color=ink)
    known = median.dropna()
    set_alt_text(ax, f"Heatmap of mean maturity ({lo:g} to {hi:g}) for {len(orgs)} "
                     f"organisations by {len(els)} framework elements, with the system median "
                     "as the last row"
                     + (f"; the system median is highest for {_sheet_name(known.idxmax())} "
                        f"({known.max():.2f}) and lowest for {_sheet_name(known.idxmin())} "
                        f"({known.min():.2f})" if len(known) else "") + ".")
    return ax


def plot_org_profile(profile: pd.DataFrame, *, ax=None, scale=None, title=None):
    """An organisation's mean maturity per element against the system median and middle half.

    Parameters
    ----------
    profile : DataFrame
        :func:`org_profile` output for one organisation.
    ax : matplotlib Axes, optional
    scale : optional
        The maturity scale (default 0-4), for the axis labels.
    title : str, optional
        Default "<organisation>: element profile against the system".

    Returns
    -------
    matplotlib.axes.Axes

    Example
    -------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> scores = pd.DataFrame({"organisation": ["A", "B", "C"], "element": "Environment",
    ...     "completeness_pct": 100.0, "mean_maturity": [3.5, 1.0, 2.0]})
    >>> from wellbeing_lib.diagnostic import org_profile
    >>> ax = plot_org_profile(org_profile(scores, "A"))
    >>> ax.get_title(), ax.get_xlabel()
    ('A: element profile against the system', 'Mean maturity (0-4)')
    """

    require_columns(profile, ["organisation", "element", "mean_maturity", "system_median",
                              "system_q1", "system_q3", "position"], what="organisation profile")
    orgs = pd.unique(profile["organisation"])
    if len(orgs) != 1:
        raise ValueError(f"plot_org_profile draws one organisation; the profile has {len(orgs)}"
                         " - pass org_profile(scores, organisation)")
    scale = maturity_scale(scale)
    lo, hi = float(scale["points"].min()), float(scale["points"].max())
    p = profile.reset_index(drop=True)
    y = np.arange(len(p))[::-1]
    ax = get_axes(ax, figsize=(8, 0.45 * len(p) + 1.6))
    ax.hlines(y, p["system_q1"], p["system_q3"], color=NHS_GREY_3, linewidth=7,
              label="system middle half (Q1-Q3)")
    ax.scatter(p["system_median"], y, marker="|", s=260, color=NHS_BLACK, linewidths=2,
               label="system median", zorder=3)
    full = p["position"] != "too few answers"
    ax.scatter(p.loc[full, "mean_maturity"], y[full.to_numpy()], s=60, color=NHS_BLUE,
               zorder=4, label=str(orgs[0]) if len(str(orgs[0])) <= 40 else "this organisation")
    if (~full & p["mean_maturity"].notna()).any():
        part = ~full & p["mean_maturity"].notna()
        ax.scatter(p.loc[part, "mean_maturity"], y[part.to_numpy()], s=60, facecolors="none",
                   edgecolors=NHS_BLUE, zorder=4, label="too few answers to compare")
    ax.set_yticks(y)
    ax.set_yticklabels([_sheet_name(e) for e in p["element"]], fontsize=8)
    ax.set_xlim(lo - 0.15, hi + 0.15)
    ax.set_xticks(scale["points"].astype(float).tolist())
    ax.set_xticklabels([f"{pt:g}\n{lab}" for pt, lab in zip(scale["points"], scale["label"])],
                       fontsize=8)
    ax.set_xlabel(f"Mean maturity ({lo:g}-{hi:g})")
    ax.set_title(title or f"{orgs[0]}: element profile against the system", fontsize=10)
    ax.grid(axis="x", color=NHS_PALE_GREY)
    ax.set_axisbelow(True)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=3, fontsize=9,
              frameon=False)
    above = p.loc[p["position"] == "above the system median", "element"]
    below = p.loc[p["position"] == "below the system median", "element"]
    set_alt_text(ax, f"Dot chart of {orgs[0]}'s mean maturity in {len(p)} framework elements "
                     "against the system median and middle half: above the median in "
                     f"{len(above)}, below it in {len(below)}.")
    return ax


# ------------------------------------------------------------------ findings
