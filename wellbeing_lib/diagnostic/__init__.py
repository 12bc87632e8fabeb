"""Workforce Health and Wellbeing Framework diagnostic: loading, scoring, system view, reports.

The NHS Health and Wellbeing Framework (NHS England, 2021 refresh) has seven
elements; its diagnostic tool lets an organisation assess itself against each
one.  An ICS that runs the diagnostic across its organisations (one used about
60 questions, 2-3 hours per organisation) needs, per organisation, what is
missing, a score per element, and a system view of shared strengths, shared gaps
and where one organisation could help others; staged one element a month, it
also needs who is behind; and it needs to see whose evidence leaves out which
staff groups (one ICS found nothing about Agenda for Change bands 2-4).  The
modules, in reading order (computation first, then charts and reports):

====================  ================================================================
``framework``         the 60 questions, the seven elements, the maturity scale and the
                      staff-group vocabulary (reference data)
``answers``           the tidy answer form: :class:`Diagnostic`, :func:`read_diagnostic_csv`
``workbook``          one workbook per organisation: layout, writer, reader with
                      problems by file, sheet and cell
``scoring``           scores per organisation x element; the system view
                      (:class:`SystemSummary`)
``staging``           planned (one element a month) vs actual completion; who is behind
``evidence``          staff groups each organisation's evidence covers, and the gaps
``survey``            staff survey results (national quartile, ICS average), the
                      element-survey map, staff network views
``triangulation``     self-assessment vs survey vs networks: convergence codes,
                      dissonances
``findings``          each organisation against the system; positives and gaps in words
``plots``             staging, convergence, maturity heatmap, organisation profile
``reports``           each organisation's XLSX + HTML report; the system themes report
====================  ================================================================

Every public name is available here, e.g. ``wellbeing_lib.diagnostic.triangulate``.
The bundled sample (``data/workforce_diagnostic_answers.csv`` and
``data/diagnostic_workbooks/``, see ``data/README.md``) is a fictional ICS of 14
organisations with patterns to find.

Example
-------
>>> import pandas as pd
>>> answers = pd.DataFrame({
...     "organisation": ["Trust A", "Trust A", "Trust B"],
...     "question_id": ["ENV-01", "ENV-02", "ENV-01"],
...     "answer": ["Embedded", 4, "planning"]})
>>> scores = score_diagnostic(answers)
>>> scores.loc[scores["element"] == "Environment",
...            ["organisation", "n_questions", "n_answered", "mean_maturity"]]
   organisation  n_questions  n_answered  mean_maturity
4       Trust A            9           2            3.5
11      Trust B            9           1            1.0
"""

from .answers import (
    ANSWER_COLUMNS,
    PROBLEM_COLUMNS,
    REQUIRED_COLUMNS,
    Diagnostic,
    read_diagnostic_csv,
)
from .evidence import coverage_matrix, evidence_coverage, evidence_gaps
from .findings import EVIDENCE_FOCUS, FINDING_BASES, MEDIAN_MARGIN, diagnostic_findings, org_profile
from .framework import (
    ELEMENT_SOURCE,
    FRAMEWORK_FILE,
    SCALE_FILE,
    SHEET_NAMES,
    STAFF_GROUPS_FILE,
    elements,
    framework,
    maturity_scale,
    single_staff_groups,
    staff_groups,
)
from .plots import (
    CODE_COLOURS,
    CODE_LETTERS,
    STAGING_COLOURS,
    plot_convergence,
    plot_diagnostic_heatmap,
    plot_org_profile,
    plot_staging,
)
from .reports import (
    ORG_REPORT_SHEETS,
    REPORT_CAVEATS,
    SYSTEM_REPORT_SHEETS,
    write_org_reports,
    write_system_report,
)
from .scoring import (
    GAP_THRESHOLD,
    MIN_COMPLETENESS,
    STRENGTH_THRESHOLD,
    VARIATION_THRESHOLD,
    SystemSummary,
    score_diagnostic,
    system_summary,
)
from .staging import STAGING_STATUSES, staging_progress, staging_summary
from .survey import (
    ELEMENT_SURVEY_MAP_FILE,
    MIN_RESPONSES,
    NETWORK_STANCES,
    QUARTILE_LABELS,
    QUARTILE_RULES,
    SURVEY_COLUMNS,
    element_survey_map,
    read_staff_networks,
    read_staff_survey,
    survey_position,
)
from .triangulation import (
    CONVERGENCE_CODES,
    MIN_SOURCES,
    NETWORK_HIGH,
    NETWORK_LOW,
    SELF_HIGH,
    SELF_LOW,
    SOURCE_COLUMNS,
    STANCES,
    SURVEY_HIGH,
    SURVEY_LOW,
    convergence_code,
    dissonances,
    triangulate,
)
from .workbook import (
    COVER_FIELDS,
    COVER_SHEET,
    FIRST_ANSWER_ROW,
    HEADER_ROW,
    TITLE_ROW,
    WORKBOOK_HEADER,
    load_diagnostic_workbooks,
    write_diagnostic_workbook,
)

__all__ = [
    # framework
    "framework",
    "elements",
    "maturity_scale",
    "staff_groups",
    "single_staff_groups",
    "FRAMEWORK_FILE",
    "SCALE_FILE",
    "STAFF_GROUPS_FILE",
    "SHEET_NAMES",
    "ELEMENT_SOURCE",
    # answers
    "Diagnostic",
    "read_diagnostic_csv",
    "ANSWER_COLUMNS",
    "REQUIRED_COLUMNS",
    "PROBLEM_COLUMNS",
    # workbook
    "write_diagnostic_workbook",
    "load_diagnostic_workbooks",
    "COVER_SHEET",
    "COVER_FIELDS",
    "WORKBOOK_HEADER",
    "TITLE_ROW",
    "HEADER_ROW",
    "FIRST_ANSWER_ROW",
    # scoring
    "score_diagnostic",
    "SystemSummary",
    "system_summary",
    "STRENGTH_THRESHOLD",
    "GAP_THRESHOLD",
    "VARIATION_THRESHOLD",
    "MIN_COMPLETENESS",
    # staging
    "staging_progress",
    "staging_summary",
    "STAGING_STATUSES",
    # evidence
    "evidence_coverage",
    "coverage_matrix",
    "evidence_gaps",
    # survey
    "read_staff_survey",
    "survey_position",
    "element_survey_map",
    "read_staff_networks",
    "ELEMENT_SURVEY_MAP_FILE",
    "NETWORK_STANCES",
    "QUARTILE_RULES",
    "QUARTILE_LABELS",
    "SURVEY_COLUMNS",
    "MIN_RESPONSES",
    # triangulation
    "convergence_code",
    "triangulate",
    "dissonances",
    "CONVERGENCE_CODES",
    "STANCES",
    "SOURCE_COLUMNS",
    "SELF_HIGH",
    "SELF_LOW",
    "SURVEY_HIGH",
    "SURVEY_LOW",
    "NETWORK_HIGH",
    "NETWORK_LOW",
    "MIN_SOURCES",
    # findings
    "org_profile",
    "diagnostic_findings",
    "EVIDENCE_FOCUS",
    "MEDIAN_MARGIN",
    "FINDING_BASES",
    # plots
    "plot_staging",
    "plot_convergence",
    "plot_diagnostic_heatmap",
    "plot_org_profile",
    "CODE_COLOURS",
    "CODE_LETTERS",
    "STAGING_COLOURS",
    # reports
    "write_org_reports",
    "write_system_report",
    "ORG_REPORT_SHEETS",
    "SYSTEM_REPORT_SHEETS",
    "REPORT_CAVEATS",
]
