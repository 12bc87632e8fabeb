"""One palette for every chart, HTML report and Excel workbook the library writes.

Two families, both as data:

* the NHS identity colours (NHS England brand guidelines, "Colours"), used for branding:
  headings, table headers, the main series of a chart;
* colour-blind-safe scales for anything that encodes meaning by colour: the Okabe–Ito
  categorical palette (Okabe & Ito 2008, "Color Universal Design") and the viridis /
  cividis sequential colour maps (perceptually uniform, readable with deuteranopia and
  protanopia; Nuñez, Anderton & Renslow 2018).

Charts, HTML and Excel writers take their colours from here, so a change of palette is
one change.  Hex strings carry the ``#``; :func:`excel_colour` gives the ``RRGGBB`` form
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
#: Okabe–Ito categorical palette (black first is left out: it is the text colour)
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#56B4E9", "#D55E00", "#CC79A7", "#F0E442"]
#: perceptually uniform sequential colour map for counts and shares (matplotlib name)
SEQUENTIAL_CMAP = "Blues"
#: a colour-blind-safe sequential map with a wide lightness range
SEQUENTIAL_CMAP_ALT = "cividis"
#: a colour-blind-safe diverging map (purple–orange) for differences around zero
DIVERGING_CMAP = "PuOr"
#: the maturity heatmap's map (red–yellow–green, as the diagnostic reports have used)
MATURITY_CMAP = "RdYlGn"

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
#: Excel's own three-colour scale (low, middle, high) used for maturity cells
EXCEL_SCALE = ("#F8696B", "#FFEB84", "#63BE7B")


def excel_colour(colour: str) -> str:
    """A ``#RRGGBB`` colour in the ``RRGGBB`` form openpyxl fills and fonts take.

    Example
    -------
    >>> excel_colour("#f4c7c3")
    'F4C7C3'
    """
    return colour.lstrip("#").upper()
