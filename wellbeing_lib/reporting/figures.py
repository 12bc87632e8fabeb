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

__all__ = ["get_axes", "whiskers", "figure_to_base64", "DEFAULT_FIGSIZE"]

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
