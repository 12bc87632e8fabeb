"""One palette for every chart, HTML report and Excel workbook the library writes.

Two families, both as data:

* the NHS identity colours (NHS England brand guidelines, "Colours"), used for branding:
  headings, table headers, the main series of a chart;
* colour-blind-safe scales for anything that encodes meaning by colour: the Okabe–Ito
  categorical palette (Okabe & Ito 2008, "Color Universal Design") and the viridis /
  cividis sequential colour maps (perceptually uniform, readable with deuteranopia and
  protanopia; Nuñez, Anderton & Renslow 2018).

Charts, HTML and Excel writers take their colours from here, so a change of palette is
one change.  Every scale that encodes meaning is checked under simulated deuteranopia and
protanopia (:mod:`wellbeing_lib.reporting.colour_vision`: Machado et al. 2009 simulation,
CIEDE2000 distance; categories at least 10 apart, steps of an ordered scale at least 5
and its two ends at least 20): :data:`PALETTES` lists them and the tests check each.
Red–green scales are not used: the maturity heatmap is cividis, its Excel fill
orange–white–blue, status charts use Okabe–Ito colours (and letters or a legend, so
colour is never the only cue).  Hex strings carry the ``#``; :func:`excel_colour` gives the ``RRGGBB`` form
openpyxl wants.

Example
-------
>>> from wellbeing_lib.reporting.palette import NHS_BLUE, excel_colour
>>> NHS_BLUE, excel_colour(NHS_BLUE)
('#005EB8', '005EB8')
"""

from __future__ import annotations

__all__ = [
    "NHS_BLUE",
    "NHS_DARK_BLUE",
    "NHS_AQUA_GREEN",
    "NHS_WARM_YELLOW",
    "NHS_MID_GREY",
    "NHS_DARK_PINK",
    "NHS_PURPLE",
    "NHS_GREEN",
    "NHS_LIGHT_GREEN",
    "NHS_RED",
    "NHS_ORANGE",
    "NHS_PALE_GREY",
    "NHS_GREY_3",
    "NHS_GREY_4",
    "NHS_DARK_GREY",
    "NHS_BLACK",
    "WHITE",
    "NHS_PALETTE",
    "OKABE_ITO",
    "SEQUENTIAL_CMAP",
    "SEQUENTIAL_CMAP_ALT",
    "DIVERGING_CMAP",
    "MATURITY_CMAP",
    "FLAG_FILL",
    "EXCEL_SCALE",
    "MDC_COMMON_CAUSE",
    "MDC_IMPROVEMENT",
    "MDC_CONCERN",
    "MDC_NEUTRAL",
    "MDC_TARGET",
    "OI_BLUE",
    "OI_ORANGE",
    "OI_GREEN",
    "OI_SKY_BLUE",
    "OI_VERMILLION",
    "OI_PURPLE",
    "OI_YELLOW",
    "CATEGORICAL",
    "PALETTES",
    "cmap_colours",
    "text_colour_on",
    "excel_colour",
]

# --------------------------------------------------------------------- NHS identity
NHS_BLUE = "#005EB8"
NHS_DARK_BLUE = "#003087"
NHS_AQUA_GREEN = "#00A499"
NHS_WARM_YELLOW = "#FFB81C"
NHS_MID_GREY = "#768692"
NHS_DARK_PINK = "#7C2855"
NHS_PURPLE = "#330072"
NHS_GREEN = "#009639"
NHS_LIGHT_GREEN = "#78BE20"
NHS_RED = "#DA291C"
NHS_ORANGE = "#ED8B00"
NHS_PALE_GREY = "#E8EDEE"
NHS_GREY_3 = "#AEB7BD"
NHS_GREY_4 = "#D8DDE0"
NHS_DARK_GREY = "#425563"
#: text colour ("NHS black")
NHS_BLACK = "#231F20"
WHITE = "#FFFFFF"

#: series colours in order: blue, dark blue, aqua green, warm yellow, grey, dark pink, purple
NHS_PALETTE = [
    NHS_BLUE, NHS_DARK_BLUE, NHS_AQUA_GREEN, NHS_WARM_YELLOW, NHS_MID_GREY, NHS_DARK_PINK,
    NHS_PURPLE,
]

# ------------------------------------------------------------ colour-blind-safe scales
OI_BLUE = "#0072B2"
OI_ORANGE = "#E69F00"
OI_GREEN = "#009E73"
OI_SKY_BLUE = "#56B4E9"
OI_VERMILLION = "#D55E00"
OI_PURPLE = "#CC79A7"
OI_YELLOW = "#F0E442"
#: Okabe–Ito categorical palette (black first is left out: it is the text colour)
OKABE_ITO = [OI_BLUE, OI_ORANGE, OI_GREEN, OI_SKY_BLUE, OI_VERMILLION, OI_PURPLE, OI_YELLOW]
#: series colours of charts with several groups (``hue``): Okabe–Ito, in order
CATEGORICAL = OKABE_ITO
#: single-hue sequential colour map for counts and shares (matplotlib name)
SEQUENTIAL_CMAP = "Blues"
#: a colour-blind-safe sequential map with a wide lightness range
SEQUENTIAL_CMAP_ALT = "cividis"
#: a colour-blind-safe diverging map (purple–orange) for differences around zero
DIVERGING_CMAP = "PuOr"
#: the maturity heatmap's map: cividis (ordered, readable with any colour vision; was
#: red–yellow–green, which collapses under deuteranopia)
MATURITY_CMAP = "cividis"

# ------------------------------------------------- NHS England "Making Data Count" charts
# The statistical process control colours of NHS England's Making Data Count (as
# standardised with its Power BI team in NHSRplotthedots 0.2.2, ptd_spc_colours()): grey
# common cause, blue improvement, orange concern, purple neither; a red target line.
# Colour is never the only cue: monitoring.plots also varies marker shape and says it in text.
MDC_COMMON_CAUSE = "#A6A6A6"
MDC_IMPROVEMENT = "#00B0F0"
MDC_CONCERN = "#E46C0A"
MDC_NEUTRAL = "#490092"
MDC_TARGET = "#DE1B1B"

# ------------------------------------------------------------------------- Excel fills
#: a light red fill flagging a cell that needs attention (no evidence, no coverage)
FLAG_FILL = "#F4C7C3"
#: the three-colour scale (low, middle, high) of maturity cells in Excel: light orange,
#: near white, light blue (black text stays readable on each; no red–green)
EXCEL_SCALE = ("#FDB863", "#F7F7F7", "#92C5DE")


def cmap_colours(name: str, n: int = 5) -> list[str]:
    """``n`` evenly spaced colours of a matplotlib colour map, as ``#RRGGBB``.

    Example
    -------
    >>> cmap_colours("cividis", 2)
    ['#00224E', '#FEE838']
    """
    import matplotlib
    from matplotlib.colors import to_hex

    cmap = matplotlib.colormaps[name]
    return [to_hex(cmap(i / (n - 1))).upper() for i in range(n)]


def text_colour_on(colour) -> str:
    """Black or white text, whichever contrasts more with ``colour`` (WCAG 2 luminance).

    Example
    -------
    >>> text_colour_on("#00224E"), text_colour_on("#FEE838")
    ('#FFFFFF', '#231F20')
    """
    from matplotlib.colors import to_rgb

    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(colour)]
    lum = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    return WHITE if (1.05 / (lum + 0.05)) > ((lum + 0.05) / 0.05) else NHS_BLACK


#: every colour scale that carries meaning: ``name: (colours, ordered)``; the tests check
#: each under simulated deuteranopia and protanopia (see the module docstring)
PALETTES = {
    "categorical (Okabe–Ito)": (OKABE_ITO, False),
    "Making Data Count icons": ([MDC_COMMON_CAUSE, MDC_IMPROVEMENT, MDC_CONCERN, MDC_NEUTRAL],
                                False),
    "Excel maturity scale": (list(EXCEL_SCALE), True),
    "sequential map": (SEQUENTIAL_CMAP, True),
    "sequential map (alternative)": (SEQUENTIAL_CMAP_ALT, True),
    "diverging map": (DIVERGING_CMAP, True),
    "maturity map": (MATURITY_CMAP, True),
}


def excel_colour(colour: str) -> str:
    """A ``#RRGGBB`` colour in the ``RRGGBB`` form openpyxl fills and fonts take.

    Example
    -------
    >>> excel_colour("#f4c7c3")
    'F4C7C3'
    """
    return colour.lstrip("#").upper()
