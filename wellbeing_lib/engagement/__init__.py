"""Engagement analysis: loading, reach and representativeness, raking, codebook-driven
thematic analysis, inter-coder reliability and the ten-area engagement self-assessment.

Engagement programmes (a dialogue with thousands of public and professional
stakeholders; a self-assessment by a few dozen system partners) produce free text that
evaluators code in NVivo and summarise in Excel.  This package makes each step
reproducible and quantified, reading top to bottom as load -> code -> summarise -> plot:

======================  ==============================================================
``loading``             :func:`read_surveymonkey`, :func:`read_survey_csv` (a
                        :class:`SurveyExport`), :func:`read_notes_table`,
                        :func:`read_codings`, :func:`clean_name`
``codebook``            :func:`load_codebook` (bundled), :func:`read_codebook` (yours),
                        :func:`apply_codebook` (whole words, exclude terms, negation;
                        in chunks of bounded memory), :func:`code_in_chunks` and
                        :func:`code_csv` (millions of answers, streamed),
                        :func:`theme_labels`
``themes``              :func:`mention_matrix`, :func:`theme_frequency` (n, %, Wilson CI,
                        suppression), :func:`compare_groups` (chi-square / Fisher, Holm
                        or BH), :func:`theme_cooccurrence`, :func:`exemplar_quotes`
``reach``               :func:`reach`, :func:`representation`, :func:`goodness_of_fit`
``raking``              :func:`rake` (IPF with trimming; :class:`RakeResult`,
                        :class:`RakeDiagnostics`), :func:`weighted_prevalence`
``recommendations``     :func:`load_recommendation_map`, :func:`read_recommendation_map`,
                        :func:`recommendation_evidence` (:class:`RecommendationEvidence`)
``self_assessment``     :func:`engagement_areas`, :func:`self_assessment_responses`,
                        :func:`area_summary`, :func:`scope_for_improvement`,
                        :func:`most_good_practice`, :func:`area_themes`,
                        :func:`area_quotes`, :func:`compare_channels`
``reliability``         :func:`code_reliability` (multi-code coding, per code and
                        pooled), :func:`code_agreement` (every coefficient per code:
                        kappa, pi, AC1, Brennan-Prediger, alpha), :func:`codebook_agreement`
                        (the codebook as one more coder)
``refiqda``             :func:`read_qdpx` (:class:`QdaProject`), :func:`write_qdpx`,
                        :func:`read_qdc`, :func:`write_qdc`: REFI-QDA projects and
                        codebooks of NVivo, ATLAS.ti, MAXQDA and QualCoder
``segments``            :func:`segment_agreement` (character-based agreement and kappa
                        per code x source, unitizing alpha), :func:`segment_disagreements`
``plots``               :func:`plot_representation`, :func:`plot_theme_heatmap`,
                        :func:`plot_diverging_bars`, :func:`plot_cooccurrence`
======================  ==============================================================

The one-variable agreement statistics (:func:`reliability_matrix`,
:func:`percent_agreement`, :func:`cohens_kappa`, :func:`krippendorff_alpha`) live in
:mod:`wellbeing_lib.stats.agreement`, used by several domains, and are re-exported here.

Every summary takes ``codebook=``, the codebook given to :func:`apply_codebook` (default:
the bundled wellbeing codebook, as there), so themes nobody mentioned are reported too;
intervals take ``ci=0.95``; random choices take ``random_state`` (default 0).

Example
-------
>>> import pandas as pd
>>> codings = pd.DataFrame({"unit": [1, 1, 2, 2, 3, 3, 4, 4],
...                         "coder": ["A", "B"] * 4,
...                         "value": ["yes", "yes", "no", "no", "yes", "no", "no", "no"]})
>>> cols = ["n_units", "n_agree", "percent_agreement", "ci_low", "ci_high"]
>>> percent_agreement(codings)[cols].round(1)
   n_units  n_agree  percent_agreement  ci_low  ci_high
0        4        3               75.0    30.1     95.4
>>> answers = pd.DataFrame({"respondent": [1, 2, 3],
...                         "text": ["Not lonely, I see friends", "Lonely", "Money worries"]})
>>> apply_codebook(answers)[["respondent", "code", "match"]]
   respondent               code    match
0           1  social_connection  friends
1           2         loneliness   Lonely
2           3     cost_of_living    Money
3           3      mental_health  worries
"""

from ..stats.agreement import (
    KAPPA_WEIGHTS,
    LEVELS,
    cohens_kappa,
    krippendorff_alpha,
    percent_agreement,
    reliability_matrix,
)
from .codebook import (
    BUNDLED_CODEBOOKS,
    CLAUSE_BREAK_WORDS,
    CODEBOOK_FILE,
    LEVEL_COLUMNS,
    NEGATION_CUES,
    NEGATION_WINDOW,
    SELF_ASSESSMENT_CODEBOOK_FILE,
    TERM_SEPARATOR,
    apply_codebook,
    code_csv,
    code_in_chunks,
    load_codebook,
    read_codebook,
    theme_labels,
)
from .loading import (
    ANSWER_STATUSES,
    SINGLE_ANSWER_LABELS,
    SurveyExport,
    clean_name,
    read_codings,
    read_notes_table,
    read_survey_csv,
    read_surveymonkey,
)
from .plots import (
    plot_cooccurrence,
    plot_diverging_bars,
    plot_representation,
    plot_theme_heatmap,
)
from .raking import RakeDiagnostics, RakeResult, rake, weighted_prevalence
from .reach import MISSING_LABEL, UNDER_REPRESENTED, goodness_of_fit, reach, representation
from .recommendations import (
    RECOMMENDATIONS_FILE,
    RecommendationEvidence,
    load_recommendation_map,
    read_recommendation_map,
    recommendation_evidence,
)
from .refiqda import (
    CODEBOOK_NAMESPACE,
    PROJECT_NAMESPACE,
    QdaProject,
    read_qdc,
    read_qdpx,
    write_qdc,
    write_qdpx,
)
from .reliability import OVERALL, code_agreement, code_reliability, codebook_agreement
from .segments import ALL_SOURCES, segment_agreement, segment_disagreements
from .self_assessment import (
    AREAS_FILE,
    ASPECTS,
    NON_ANSWER,
    area_quotes,
    area_summary,
    area_themes,
    compare_channels,
    engagement_areas,
    most_good_practice,
    scope_for_improvement,
    self_assessment_responses,
)
from .themes import (
    P_ADJUST_METHODS,
    compare_groups,
    exemplar_quotes,
    mention_matrix,
    theme_cooccurrence,
    theme_frequency,
)

__all__ = [
    # loading
    "SurveyExport",
    "clean_name",
    "read_surveymonkey",
    "read_survey_csv",
    "read_notes_table",
    "read_codings",
    "SINGLE_ANSWER_LABELS",
    "ANSWER_STATUSES",
    # codebook
    "load_codebook",
    "read_codebook",
    "apply_codebook",
    "code_in_chunks",
    "code_csv",
    "theme_labels",
    "BUNDLED_CODEBOOKS",
    "CODEBOOK_FILE",
    "SELF_ASSESSMENT_CODEBOOK_FILE",
    "TERM_SEPARATOR",
    "NEGATION_CUES",
    "CLAUSE_BREAK_WORDS",
    "NEGATION_WINDOW",
    "LEVEL_COLUMNS",
    # themes
    "mention_matrix",
    "theme_frequency",
    "compare_groups",
    "theme_cooccurrence",
    "exemplar_quotes",
    "P_ADJUST_METHODS",
    # reach, representation, raking
    "reach",
    "representation",
    "goodness_of_fit",
    "UNDER_REPRESENTED",
    "MISSING_LABEL",
    "RakeDiagnostics",
    "RakeResult",
    "rake",
    "weighted_prevalence",
    # recommendations
    "load_recommendation_map",
    "read_recommendation_map",
    "RecommendationEvidence",
    "recommendation_evidence",
    "RECOMMENDATIONS_FILE",
    # ten-area self-assessment
    "engagement_areas",
    "self_assessment_responses",
    "area_summary",
    "scope_for_improvement",
    "most_good_practice",
    "area_themes",
    "area_quotes",
    "compare_channels",
    "AREAS_FILE",
    "ASPECTS",
    "NON_ANSWER",
    # inter-coder reliability
    "reliability_matrix",
    "percent_agreement",
    "cohens_kappa",
    "krippendorff_alpha",
    "code_reliability",
    "code_agreement",
    "codebook_agreement",
    "OVERALL",
    # REFI-QDA exchange and segment-level agreement
    "QdaProject",
    "read_qdpx",
    "write_qdpx",
    "read_qdc",
    "write_qdc",
    "PROJECT_NAMESPACE",
    "CODEBOOK_NAMESPACE",
    "segment_agreement",
    "segment_disagreements",
    "ALL_SOURCES",
    "LEVELS",
    "KAPPA_WEIGHTS",
    # plots
    "plot_representation",
    "plot_theme_heatmap",
    "plot_diverging_bars",
    "plot_cooccurrence",
]
