"""Figure helpers shared by every plot: the one get-or-create-Axes helper, error whiskers,
and figures as embeddable PNG text.

matplotlib is imported inside the functions, so importing this module stays cheap.

Example
-------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> ax = get_axes(None, figsize=(3, 2))
>>> [float(v) for v in ax.figure.get_size_inches()]
[3.0, 2.0]
"""

from __future__ import annotations

import numpy as np

__all__ = ["get_axes", "whiskers", "figure_to_base64", "set_alt_text", "alt_text",
           "enable_alt_text", "DEFAULT_FIGSIZE"]

#: size of a new figure when the caller gives no Axes and the plot sets no size (inches)
DEFAULT_FIGSIZE = (7, 4)


def get_axes(ax=None, *, figsize=DEFAULT_FIGSIZE, pyplot: bool = True):
    """The Axes to draw on: ``ax`` when given, else the Axes of a new figure of ``figsize``.

    Every ``plot_*`` function takes ``ax=`` and returns the Axes it drew on, as seaborn's
    do; this is the one place that makes a new figure when none is given.

    ``pyplot=False`` makes a figure that pyplot does not manage (no global state, never
    shown by the notebook's inline backend): what the widgets draw on, rendering each
    chart to a PNG themselves (:func:`figure_to_base64`), so a chart drawn in a widget
    callback can never come out blank or land in the wrong output.

    Example
    -------
    >>> ax = get_axes(None, figsize=(2, 1), pyplot=False)
    >>> import matplotlib.pyplot as plt
    >>> ax.figure in [plt.figure(n) for n in plt.get_fignums()]
    False
    """
    if ax is not None:
        return ax
    if not pyplot:
        from matplotlib.figure import Figure

        return Figure(figsize=figsize).add_subplot()
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize)
    return ax


def whiskers(estimate, low, high):
    """Error-bar lengths below/above an estimate, never negative.

    Interval ends computed in floating point can sit a hair inside the estimate (a
    Wilson upper limit of 0.9999999999999999 for 20/20); matplotlib refuses negative
    lengths, so they are clipped to zero.

    Example
    -------
    >>> [w.tolist() for w in whiskers([1.0], [0.5], [0.9999999999])]
    [[0.5], [0.0]]
    """
    estimate, low, high = (np.asarray(v, dtype=float) for v in (estimate, low, high))
    return [np.clip(estimate - low, 0, None), np.clip(high - estimate, 0, None)]


def figure_to_base64(fig, *, dpi: int = 100, close: bool = True) -> str:
    """A matplotlib figure as base64-encoded PNG, for ``<img src="data:image/png;base64,...">``.

    The PNG carries no software or time stamp, so the same figure gives the same text.

    Example
    -------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(figsize=(2, 1))
    >>> text = figure_to_base64(fig, dpi=50)
    >>> import base64
    >>> base64.b64decode(text)[:4]
    b'\\x89PNG'
    """
    import base64
    import io as stdio

    buffer = stdio.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    if close:
        import matplotlib.pyplot as plt

        plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def set_alt_text(ax_or_fig, text: str):
    """Give a chart the alternative text that reports and notebooks show to screen readers.

    Say what the chart shows and its main message in a sentence or two (the figures in it
    taken from the results). Returns the Axes or Figure given, for chaining.

    Example
    -------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = get_axes(None, figsize=(3, 2))
    >>> _ = set_alt_text(ax, "Bar chart: 85% of clients improved on at least one measure.")
    >>> alt_text(ax)
    'Bar chart: 85% of clients improved on at least one measure.'
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError("alt text must be a non-empty sentence")
    fig = getattr(ax_or_fig, "figure", ax_or_fig)
    fig.wellbeing_alt_text = text.strip()
    return ax_or_fig


def alt_text(ax_or_fig) -> str:
    """A chart's alternative text: the text set with :func:`set_alt_text`, else one made
    from its titles and axis labels ("Chart: <title>; horizontal axis: ...; vertical axis: ...").

    Example
    -------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = get_axes(None, figsize=(3, 2))
    >>> _ = ax.set(title="Referrals a month", xlabel="month", ylabel="referrals")
    >>> alt_text(ax)
    'Chart: Referrals a month; horizontal axis: month; vertical axis: referrals.'
    """
    fig = getattr(ax_or_fig, "figure", ax_or_fig)
    given = getattr(fig, "wellbeing_alt_text", None)
    if given:
        return given
    parts = []
    for ax in fig.get_axes():
        title = ax.get_title() or fig.get_suptitle()
        bits = [f"Chart: {title}" if title else "Chart"]
        if ax.get_xlabel():
            bits.append(f"horizontal axis: {ax.get_xlabel()}")
        if ax.get_ylabel():
            bits.append(f"vertical axis: {ax.get_ylabel()}")
        parts.append("; ".join(bits) + ".")
    return " ".join(parts) if parts else "Chart."


def _with_alt_text(formatter):
    """A PNG formatter that adds ``{"alt": alt_text(fig)}`` to the output's metadata."""

    def png(fig):
        data, metadata = formatter(fig), {}
        if isinstance(data, tuple):
            data, metadata = data[0], dict(data[1] or {})
        if data is None:
            return None
        metadata["alt"] = alt_text(fig)
        return data, metadata

    png.wellbeing_alt_text = True
    return png


def _install_alt_text(shell) -> bool:
    from matplotlib.figure import Figure

    formatter = shell.display_formatter.formatters["image/png"]
    try:
        current = formatter.lookup_by_type(Figure)
    except KeyError:  # no inline backend: figures are not shown as PNG
        return False
    if not getattr(current, "wellbeing_alt_text", False):
        formatter.for_type(Figure, _with_alt_text(current))
    return True


def enable_alt_text() -> bool:
    """Make every chart a notebook shows carry its alternative text (:func:`alt_text`).

    In a Jupyter kernel, the PNG of each matplotlib figure gets ``{"alt": ...}`` in its
    output metadata (``output.metadata["image/png"]["alt"]``), which the board report, its
    Word version and the analyst HTML put on the image (``<img alt=...>``, the Word picture
    description).  The setting survives ``%matplotlib inline`` (it is put back before each
    cell runs).  The demo runner calls this in every kernel it starts, so a notebook needs
    no call of its own; call it once (e.g. in the parameters cell) to have it in JupyterLab.

    Returns
    -------
    bool
        True when charts will carry alt text (a kernel with the inline backend), else False.

    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipykernel
        return False
    shell = get_ipython()
    if shell is None or not hasattr(shell, "display_formatter"):
        return False
    import matplotlib.pyplot  # noqa: F401 - the inline backend registers its formatters

    if not getattr(shell, "wellbeing_alt_text_hook", False):
        shell.events.register("pre_execute", lambda: _install_alt_text(shell))
        shell.wellbeing_alt_text_hook = True
    return _install_alt_text(shell)
