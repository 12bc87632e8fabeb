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
           "DEFAULT_FIGSIZE"]

#: size of a new figure when the caller gives no Axes and the plot sets no size (inches)
DEFAULT_FIGSIZE = (7, 4)


def get_axes(ax=None, *, figsize=DEFAULT_FIGSIZE):
    """The Axes to draw on: ``ax`` when given, else the Axes of a new figure of ``figsize``.

    Every ``plot_*`` function takes ``ax=`` and returns the Axes it drew on, as seaborn's
    do; this is the one place that makes a new figure when none is given.
    """
    if ax is not None:
        return ax
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
