"""Checking that colours stay apart for readers with colour-vision deficiency.

Every palette the library draws or fills with is checked here (the tests run
:func:`check_palette` on each), by simulating how the colours look and measuring how far
apart they stay:

Simulation
    Machado, Oliveira & Fernandes (2009), "A physiologically-based model for simulation
    of color vision deficiency", IEEE TVCG 15(6):1291–1298, the severity-1.0 matrices
    (dichromacy: deuteranopia, protanopia; tritanopia also available), applied to linear
    sRGB (IEC 61966-2-1 transfer function) and clipped to the gamut.
Colour distance
    CIEDE2000 (CIE 142-2001; Sharma, Wu & Dalal 2005, "The CIEDE2000 color-difference
    formula: implementation notes, supplementary test data and mathematical
    observations", Color Res. Appl. 30(1):21–30), on CIELAB with the D65 white point,
    kL = kC = kH = 1. A ΔE00 of about 1 is just noticeable side by side; the library asks,
    in normal vision and under both simulations, for at least :data:`MIN_CATEGORY_DELTA_E`
    (10) between any two categories of a categorical palette, and for an ordered scale
    (sequential or diverging, five evenly spaced steps of a colour map) at least
    :data:`MIN_STEP_DELTA_E` (5) between any two steps and :data:`MIN_ENDS_DELTA_E` (20)
    between its two ends, so low and high never look alike (the red–yellow–green scale
    this replaced has its ends 4.7 apart under deuteranopia).

Example
-------
>>> round(delta_e_2000([50, 2.6772, -79.7751], [50, 0, -82.7485]), 4)  # Sharma pair 1
2.0425
>>> simulate_cvd(["#FF0000"], "deuteranopia")[0]
'#A39000'
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

__all__ = [
    "MACHADO_2009",
    "VIEWS",
    "MIN_CATEGORY_DELTA_E",
    "MIN_STEP_DELTA_E",
    "MIN_ENDS_DELTA_E",
    "to_rgb",
    "simulate_cvd",
    "srgb_to_lab",
    "delta_e_2000",
    "palette_distances",
    "check_palette",
]

#: Machado et al. (2009) simulation matrices, severity 1.0, on linear RGB
MACHADO_2009 = {
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779],
                            [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}
#: the ways of seeing every palette is checked under
VIEWS = ("normal", "deuteranopia", "protanopia")
#: smallest CIEDE2000 difference allowed between two categories of a categorical palette
MIN_CATEGORY_DELTA_E = 10.0
#: smallest CIEDE2000 difference allowed between any two steps of an ordered scale
MIN_STEP_DELTA_E = 5.0
#: smallest CIEDE2000 difference allowed between the two ends of an ordered scale
MIN_ENDS_DELTA_E = 20.0

_SRGB_TO_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375],
                         [0.2126729, 0.7151522, 0.0721750],
                         [0.0193339, 0.1191920, 0.9503041]])
_D65 = np.array([0.95047, 1.0, 1.08883])


def to_rgb(colours) -> np.ndarray:
    """``#RRGGBB`` strings (or RGB triples in 0–1) as an ``(n, 3)`` array in 0–1."""
    rows = []
    for c in colours:
        if isinstance(c, str):
            h = c.lstrip("#")
            if len(h) != 6:
                raise ValueError(f"colour {c!r} is not #RRGGBB")
            rows.append([int(h[i:i + 2], 16) / 255 for i in (0, 2, 4)])
        else:
            rows.append(list(c)[:3])
    return np.asarray(rows, dtype=float).reshape(-1, 3)


def _linear(rgb: np.ndarray) -> np.ndarray:
    return np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)


def _encode(lin: np.ndarray) -> np.ndarray:
    lin = np.clip(lin, 0.0, 1.0)
    return np.where(lin <= 0.0031308, 12.92 * lin, 1.055 * lin ** (1 / 2.4) - 0.055)


def _hex(rgb: np.ndarray) -> list[str]:
    return ["#" + "".join(f"{int(round(v * 255)):02X}" for v in row) for row in rgb]


def simulate_cvd(colours, kind: str = "deuteranopia") -> list[str]:
    """How ``colours`` look with a colour-vision deficiency (Machado et al. 2009, severity 1).

    Parameters
    ----------
    colours : list of "#RRGGBB" or RGB triples
    kind : {"deuteranopia", "protanopia", "tritanopia", "normal"}

    Returns
    -------
    list of "#RRGGBB"
    """
    rgb = to_rgb(colours)
    if kind == "normal":
        return _hex(rgb)
    if kind not in MACHADO_2009:
        raise ValueError(f"kind must be 'normal' or one of {sorted(MACHADO_2009)}, not {kind!r}")
    return _hex(_encode(_linear(rgb) @ MACHADO_2009[kind].T))


def srgb_to_lab(colours) -> np.ndarray:
    """CIELAB (D65) of sRGB colours, ``(n, 3)``.

    Example
    -------
    >>> [round(float(v), 2) + 0.0 for v in srgb_to_lab(["#FFFFFF"])[0]]
    [100.0, 0.0, 0.0]
    """
    xyz = _linear(to_rgb(colours)) @ _SRGB_TO_XYZ.T / _D65
    eps, kappa = 216 / 24389, 24389 / 27
    f = np.where(xyz > eps, np.cbrt(xyz), (kappa * xyz + 16) / 116)
    return np.column_stack([116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]),
                            200 * (f[:, 1] - f[:, 2])])


def delta_e_2000(lab1, lab2):
    """CIEDE2000 colour difference between CIELAB colours (vectorised over rows).

    Follows Sharma, Wu & Dalal (2005) exactly (their supplementary test data are in the
    tests), with kL = kC = kH = 1.

    Example
    -------
    >>> round(delta_e_2000([50, 2.5, 0], [73, 25, -18]), 4)  # Sharma pair 17
    27.1492
    """
    a = np.atleast_2d(np.asarray(lab1, dtype=float))
    b = np.atleast_2d(np.asarray(lab2, dtype=float))
    L1, a1, b1 = a.T
    L2, a2, b2 = b.T
    c_bar = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_bar ** 7 / (c_bar ** 7 + 25.0 ** 7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360
    h1p = np.where(c1p == 0, 0.0, h1p)
    h2p = np.where(c2p == 0, 0.0, h2p)
    dl, dc = L2 - L1, c2p - c1p
    dh = h2p - h1p
    dh = np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh))
    dh = np.where(c1p * c2p == 0, 0.0, dh)
    d_h = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh / 2))
    l_bar, cp_bar = (L1 + L2) / 2, (c1p + c2p) / 2
    h_sum = h1p + h2p
    h_bar = np.where(np.abs(h1p - h2p) <= 180, h_sum / 2,
                     np.where(h_sum < 360, (h_sum + 360) / 2, (h_sum - 360) / 2))
    h_bar = np.where(c1p * c2p == 0, h_sum, h_bar)
    t = (1 - 0.17 * np.cos(np.radians(h_bar - 30)) + 0.24 * np.cos(np.radians(2 * h_bar))
         + 0.32 * np.cos(np.radians(3 * h_bar + 6)) - 0.20 * np.cos(np.radians(4 * h_bar - 63)))
    d_theta = 30 * np.exp(-(((h_bar - 275) / 25) ** 2))
    r_c = 2 * np.sqrt(cp_bar ** 7 / (cp_bar ** 7 + 25.0 ** 7))
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / np.sqrt(20 + (l_bar - 50) ** 2)
    s_c = 1 + 0.045 * cp_bar
    s_h = 1 + 0.015 * cp_bar * t
    r_t = -np.sin(np.radians(2 * d_theta)) * r_c
    out = np.sqrt((dl / s_l) ** 2 + (dc / s_c) ** 2 + (d_h / s_h) ** 2
                  + r_t * (dc / s_c) * (d_h / s_h))
    return float(out[0]) if out.size == 1 else out


def palette_distances(colours, *, views=VIEWS) -> pd.DataFrame:
    """CIEDE2000 distance between every pair of colours of a palette, in each view.

    Parameters
    ----------
    colours : list of "#RRGGBB"
    views : tuple of str
        ``"normal"`` and the deficiencies of :func:`simulate_cvd`.

    Returns
    -------
    DataFrame
        One row per view and pair: ``view``, ``first``, ``second``, ``delta_e``.

    Example
    -------
    >>> d = palette_distances(["#0072B2", "#E69F00"])
    >>> d["view"].tolist(), bool((d["delta_e"] > 10).all())
    (['normal', 'deuteranopia', 'protanopia'], True)
    """
    colours = list(colours)
    pairs = list(itertools.combinations(range(len(colours)), 2))
    if not pairs:
        return pd.DataFrame(columns=["view", "first", "second", "delta_e"])
    i, j = np.array(pairs).T
    rows = []
    for view in views:
        lab = srgb_to_lab(simulate_cvd(colours, view))
        d = np.atleast_1d(delta_e_2000(lab[i], lab[j]))
        rows.append(pd.DataFrame({"view": view, "first": [colours[k] for k in i],
                                  "second": [colours[k] for k in j], "delta_e": d}))
    return pd.concat(rows, ignore_index=True)


def check_palette(colours, *, ordered: bool = False, name: str = "palette") -> pd.DataFrame:
    """Raise ``ValueError`` naming the colours that come too close in any view.

    A categorical palette (``ordered=False``) needs every pair at least
    :data:`MIN_CATEGORY_DELTA_E` apart; an ordered scale (``ordered=True``, colours from
    low to high) every pair at least :data:`MIN_STEP_DELTA_E` and its two ends at least
    :data:`MIN_ENDS_DELTA_E`. Returns the distances (:func:`palette_distances`).

    Example
    -------
    >>> bool(check_palette(["#D55E00", "#009E73"], name="two")["delta_e"].min() > 10)
    True
    >>> check_palette(["#F8696B", "#FFEB84", "#63BE7B"], ordered=True, name="red–green")
    Traceback (most recent call last):
    ...
    ValueError: red–green: the ends #F8696B and #63BE7B are only 4.7 apart under deuteranopia (CIEDE2000; at least 20 needed)
    """
    colours = list(colours)
    d = palette_distances(colours)
    limit = MIN_STEP_DELTA_E if ordered else MIN_CATEGORY_DELTA_E
    bad = d[d["delta_e"] < limit]
    if ordered and len(colours) > 1:
        ends = d[(d["first"] == colours[0]) & (d["second"] == colours[-1])]
        close = ends[ends["delta_e"] < MIN_ENDS_DELTA_E]
        if len(close):
            r = close.sort_values("delta_e").iloc[0]
            raise ValueError(f"{name}: the ends {r['first']} and {r['second']} are only "
                             f"{r['delta_e']:.1f} apart under {r['view']} (CIEDE2000; at "
                             f"least {MIN_ENDS_DELTA_E:g} needed)")
    if len(bad):
        pairs = "; ".join(f"{r.first} vs {r.second} under {r.view}: {r.delta_e:.1f}"
                          for r in bad.itertuples())
        raise ValueError(f"{name}: colours too close (CIEDE2000 below {limit:g}): {pairs}")
    return d
