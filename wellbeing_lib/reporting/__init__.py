"""Presentation shared by every domain: palette, figures, charts, HTML, Excel, notebook runs.

=================  ==============================================================
``palette``        NHS identity colours and colour-blind-safe scales (one palette)
``figures``        the get-or-create-Axes helper, error whiskers, figures as PNG text
``charts``         charts several domains draw (proportions, forest plots)
``display``        one way to write each kind of value; result tables to show (:func:`present`)
``story``          prose and key findings computed from the results (:func:`say`)
``html``           self-contained HTML pages
``excel``          formatted workbooks and the one Excel styling path
``files``          byte-reproducible CSV and XLSX writers
``notebooks``      executing the curated notebooks and writing their reports
``board``          board reports: an executed notebook without its code, key findings first
``word``           the Word (.docx) version of a board report
``colour_vision``  palettes checked under simulated colour-vision deficiency (CIEDE2000)
=================  ==============================================================

The computation modules of the domains never import this package's drawing modules;
domain ``plots.py`` / ``reports.py`` modules and :mod:`wellbeing_lib.widgets` do.

Example
-------
>>> from wellbeing_lib import reporting
>>> reporting.NHS_BLUE
'#005EB8'
"""

from .charts import plot_forest, plot_proportions
from .display import (
    NOT_ESTIMABLE,
    Table,
    format_count,
    format_interval,
    format_money,
    format_number,
    format_p,
    format_percent,
    format_values,
    present,
)
from .excel import write_excel
from .figures import (
    alt_text,
    enable_alt_text,
    figure_to_base64,
    get_axes,
    set_alt_text,
    whiskers,
)
from .files import XLSX_TIMESTAMP, write_csv, write_xlsx
from .html import RawHTML, html_page, write_html
from .notebooks import (
    REPORTS_ENV,
    NotebookRun,
    list_notebooks,
    project_root,
    refresh_notebooks,
    reports_dir,
    run_notebooks,
)
from .palette import NHS_BLUE, NHS_PALETTE, OKABE_ITO
from .story import KeyFindings, Prose, key_findings, say

__all__ = [
    "NHS_BLUE",
    "NHS_PALETTE",
    "OKABE_ITO",
    "get_axes",
    "whiskers",
    "figure_to_base64",
    "set_alt_text",
    "alt_text",
    "enable_alt_text",
    "plot_proportions",
    "plot_forest",
    "present",
    "Table",
    "NOT_ESTIMABLE",
    "format_values",
    "format_count",
    "format_number",
    "format_percent",
    "format_money",
    "format_p",
    "format_interval",
    "say",
    "key_findings",
    "Prose",
    "KeyFindings",
    "RawHTML",
    "html_page",
    "write_html",
    "write_excel",
    "write_csv",
    "write_xlsx",
    "XLSX_TIMESTAMP",
    "REPORTS_ENV",
    "NotebookRun",
    "project_root",
    "reports_dir",
    "list_notebooks",
    "run_notebooks",
    "refresh_notebooks",
]
