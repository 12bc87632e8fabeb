"""Report writers: each organisation's workbook and summary, and the system themes report.

:func:`write_org_reports` writes, for every organisation, an XLSX workbook of its own
data and a short HTML summary of positives and gaps; :func:`write_system_report`
writes the system-wide themes report (XLSX and HTML).  The tables come from the
computation modules of this package; the workbooks are styled through
:mod:`wellbeing_lib.reporting.excel`, the pages built with
:mod:`wellbeing_lib.reporting.html` and the charts drawn by
:mod:`wellbeing_lib.diagnostic.plots`.

Example
-------
>>> ORG_REPORT_SHEETS[:2]
('Answers', 'Scores vs system')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InvalidValueError
from ..io import read_table
from ..privacy import publish, suppress_rows
from ..reporting.excel import (
    apply_number_formats,
    colour_scale_rule,
    fit_widths,
    number_formats,
    print_setup,
    style_header,
    table_rows,
    text_fill_rule,
)
from ..reporting.figures import figure_to_base64, get_axes
from ..reporting.html import RawHTML, html_page, write_html
from ..reporting.palette import FLAG_FILL, text_colour_on
from ..validation import require_columns
from ._common import _slug
from .answers import Diagnostic, _as_diagnostic
from .evidence import coverage_matrix, evidence_coverage, evidence_gaps
from .findings import EVIDENCE_FOCUS, diagnostic_findings, org_profile
from .framework import ELEMENT_SOURCE, maturity_scale
from .plots import (
    CODE_COLOURS,
    plot_convergence,
    plot_diagnostic_heatmap,
    plot_org_profile,
    plot_staging,
)
from .scoring import MIN_COMPLETENESS, SystemSummary, score_diagnostic, system_summary
from .staging import staging_progress, staging_summary
from .survey import MIN_RESPONSES, read_staff_networks, survey_position
from .triangulation import (
    MIN_SOURCES,
    NETWORK_HIGH,
    NETWORK_LOW,
    SELF_HIGH,
    SELF_LOW,
    SURVEY_HIGH,
    SURVEY_LOW,
    dissonances,
    triangulate,
)

__all__ = [
    "write_org_reports",
    "write_system_report",
    "ORG_REPORT_SHEETS",
    "SYSTEM_REPORT_SHEETS",
    "REPORT_CAVEATS",
]

#: sheets of each organisation's workbook written by :func:`write_org_reports`, in order
ORG_REPORT_SHEETS = ("Answers", "Scores vs system", "Positives", "Gaps", "Evidence coverage",
                     "Triangulation", "Staff survey", "Staff networks", "About")
#: sheets of the workbook written by :func:`write_system_report`, in order
SYSTEM_REPORT_SHEETS = ("Themes", "Element summary", "Scores matrix", "Peer learning",
                        "Evidence gaps", "Coverage by element", "Staging", "Dissonances",
                        "Convergence", "Completeness", "Staff survey", "About")
REPORT_CAVEATS = (
    "A self-assessment is subjective: the answers are the view of the people who completed the "
    "diagnostic. The staff survey and staff network leads are used to check it where they "
    "speak; silence is not agreement.",
    "Mean maturity treats the levels of the scale as equally spaced; read it beside the "
    "completeness (a mean from few questions says little).",
    "Staff survey quartiles are placed from the national worst, average and best of the "
    "benchmark group with a stated rule, not from the full national distribution; check the "
    "source and year of the comparators you use.",
    "Staff counts (survey responses, network members) of 1-7 are suppressed ('*') and other "
    "counts rounded to the nearest 5 (NHS Digital convention); results based on 1-7 "
    "responses are not used.",
)
_TRIANGULATION_SOURCE = ("Triangulation protocol: Farmer T et al. (2006) Qual Health Res "
                         "16(3):377-394; O'Cathain A, Murphy E, Nicholl J (2010) BMJ 341:c4587")


def _write_report_xlsx(sheets: dict, path: Path, *, maturity=None, codes=None, flags=None,
                       scale_range=(0.0, 4.0)) -> Path:
    """Write report sheets: NHS-blue frozen header, fitted widths, filters, conditional colour.

    ``maturity``: {sheet: [columns]} coloured orange-white-blue over ``scale_range``;
    ``codes``: {sheet: [columns]} coloured by convergence code; ``flags``: {sheet:
    {text: colour}} applied to every cell of the sheet's body that equals the text.
    """
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    maturity, codes, flags = maturity or {}, codes or {}, flags or {}
    lo, hi = scale_range
    book = Workbook()
    book.remove(book.active)
    for name, frame in sheets.items():
        ws = book.create_sheet(str(name)[:31])
        columns = [str(c) for c in frame.columns]
        ws.append(columns)
        for row in table_rows(frame):
            ws.append(row)
        style_header(ws[1])
        ws.freeze_panes = "A2"
        fit_widths(ws, frame, cap=70, wrap_over=70)
        apply_number_formats(ws, frame, number_formats(frame))
        print_setup(ws)
        n = len(frame)
        last = n + 1
        if n:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{last}"
            for col in maturity.get(name, ()):
                if col in columns:
                    letter = get_column_letter(columns.index(col) + 1)
                    ws.conditional_formatting.add(f"{letter}2:{letter}{last}",
                                                  colour_scale_rule(lo, hi))
            for col in codes.get(name, ()):
                if col in columns:
                    letter = get_column_letter(columns.index(col) + 1)
                    for code, colour in CODE_COLOURS.items():
                        ws.conditional_formatting.add(f"{letter}2:{letter}{last}", text_fill_rule(
                            code, colour,
                            font_colour=text_colour_on(colour)))
            for text, colour in flags.get(name, {}).items():
                ws.conditional_formatting.add(
                    f"A2:{get_column_letter(len(columns))}{last}", text_fill_rule(text, colour))
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _note(text: str) -> pd.DataFrame:
    return pd.DataFrame({"note": [text]})


def _published_survey(positions: pd.DataFrame) -> pd.DataFrame:
    """Survey positions for a report: responses suppressed/rounded, values of 1-7 withheld."""
    cols = ["organisation", "indicator", "year", "unit", "value", "responses", "ics_average",
            "vs_ics", "national_worst", "national_average", "national_best", "quartile_label"]
    table = positions[cols].reset_index(drop=True)
    table = suppress_rows(table, counts=["responses"], derived=["value", "vs_ics",
                                                                "quartile_label"])
    return publish(table, counts=["responses"], derived=["value", "vs_ics", "quartile_label"])


def _published_networks(views: pd.DataFrame) -> pd.DataFrame:
    """Network views for a report; a ``members`` count, where given, suppressed/rounded."""
    table = views[["organisation", "network", "element", "stance", "comment",
                   "members"]].reset_index(drop=True)
    given = table["members"].notna()
    if not given.any():
        return table.drop(columns="members")
    part = suppress_rows(table[given].astype({"members": "int64"}), counts=["members"])
    members = pd.Series(pd.NA, index=table.index, dtype="Int64")
    members[given] = part["members"]
    published = publish(members)
    table["members"] = published.where(given, None)
    return table


@dataclass(frozen=True, eq=False)
class _ReportInputs:
    diag: Diagnostic | None
    scores: pd.DataFrame
    scale: pd.DataFrame
    summary: SystemSummary
    profile: pd.DataFrame
    coverage: pd.DataFrame | None
    gaps: pd.DataFrame | None
    focus_gaps: pd.DataFrame | None
    staging: pd.DataFrame | None
    triangulation: pd.DataFrame
    positions: pd.DataFrame | None
    views: pd.DataFrame | None
    findings: pd.DataFrame
    codes: dict
    stems: dict
    inputs: set
    settings: dict
    rules: dict


def _input_paths(*items) -> set:
    """Resolved paths of every input given as a file or folder (to protect them)."""
    found = set()
    for item in items:
        if isinstance(item, (str, Path)):
            found.add(Path(item).resolve())
        elif isinstance(item, Diagnostic) and item.source:
            src = Path(item.source)
            if src.exists():
                found.add(src.resolve())
                if src.is_dir() and "file" in item.answers.columns:
                    found.update((src / f).resolve() for f in pd.unique(item.answers["file"]))
    return found


def _organisation_codes(organisations, diag, orgs: list[str]) -> tuple[dict, pd.DataFrame | None]:
    """{organisation: code} from an organisation table or the workbook covers; employed groups."""
    codes: dict = {}
    employed = None
    if diag is not None and diag.cover is not None and "org_code" in diag.cover.columns:
        c = diag.cover.dropna(subset=["org_code"])
        codes.update(zip(c["organisation"], c["org_code"].astype("str")))
    if organisations is not None:
        table = (organisations if isinstance(organisations, pd.DataFrame)
                 else read_table(organisations))
        require_columns(table, ["organisation"], what="organisation table")
        if "org_code" in table.columns:
            c = table.dropna(subset=["org_code"])
            codes.update(zip(c["organisation"].astype("str"), c["org_code"].astype("str")))
        if "staff_groups_employed" in table.columns:
            employed = table[["organisation", "staff_groups_employed"]].dropna()
            employed = employed[employed["organisation"].isin(orgs)]
    return {o: codes[o] for o in orgs if o in codes}, employed


def _file_stems(orgs: list[str], codes: dict) -> dict:
    """A file name stem per organisation: its code, else its name made safe; made unique."""
    stems, used = {}, set()
    for org in orgs:
        base = codes.get(org) or _slug(org)[:60] or "organisation"
        base = re.sub(r"[^0-9A-Za-z_.-]+", "_", str(base)).strip("._") or "organisation"
        stem, k = f"{base}_diagnostic_report", 2
        while stem.casefold() in used:
            stem, k = f"{base}_{k}_diagnostic_report", k + 1
        used.add(stem.casefold())
        stems[org] = stem
    return stems


#: the thresholds of :func:`triangulate` a report lists in its About sheet, with their defaults
_TRIANGULATION_THRESHOLDS = {
    "self_high": SELF_HIGH, "self_low": SELF_LOW, "survey_high": SURVEY_HIGH,
    "survey_low": SURVEY_LOW, "network_high": NETWORK_HIGH, "network_low": NETWORK_LOW,
    "min_sources": MIN_SOURCES, "min_responses": MIN_RESPONSES,
}


def _triangulation_rules(given, *, year, quartile_rule: str, min_completeness: float) -> dict:
    """The settings of :func:`triangulate` behind a report: defaults, with ``given`` over them.

    ``given`` holds thresholds of :func:`triangulate` (``self_high`` ... ``min_responses``);
    ``year``, ``quartile_rule`` and ``min_completeness`` are the report's own.  The keys are
    in the order the About sheet lists them.
    """
    given = dict(given or {})
    unknown = [k for k in given if k not in _TRIANGULATION_THRESHOLDS]
    if unknown:
        raise InvalidValueError(
            f"triangulation_rules takes {', '.join(_TRIANGULATION_THRESHOLDS)}",
            expected="thresholds of triangulate()", found=unknown)
    th = {**_TRIANGULATION_THRESHOLDS, **given}
    return {
        "self_high": th["self_high"], "self_low": th["self_low"],
        "survey_high": th["survey_high"], "survey_low": th["survey_low"],
        "network_high": th["network_high"], "network_low": th["network_low"],
        "min_completeness": min_completeness, "min_sources": th["min_sources"],
        "min_responses": th["min_responses"], "quartile_rule": quartile_rule, "year": year,
    }


def _report_inputs(data, *, survey, networks, triangulation, triangulation_rules, organisations,
                   year, start, as_of, element_map, focus_groups, min_completeness,
                   quartile_rule, scale) -> _ReportInputs:
    rules = _triangulation_rules(triangulation_rules, year=year, quartile_rule=quartile_rule,
                                 min_completeness=min_completeness)
    diag = None
    is_scores = (isinstance(data, pd.DataFrame) and "question_id" not in data.columns
                 and {"mean_maturity", "completeness_pct"} <= set(data.columns))
    if isinstance(data, Diagnostic):
        diag = data
        scores = score_diagnostic(diag)
    elif is_scores:
        scores = data.copy()
    else:  # a file, or answers in any backend (validated there, then collected)
        diag = _as_diagnostic(data, scale=scale)
        scores = score_diagnostic(diag)
    scale = diag.scale if diag is not None else maturity_scale(scale)
    summary = system_summary(scores, min_completeness=min_completeness)
    profile = org_profile(scores, min_completeness=min_completeness)
    orgs = list(pd.unique(scores["organisation"].astype("str")))
    codes, employed = _organisation_codes(organisations, diag, orgs)
    coverage = gaps = focus_gaps = staging = None
    if diag is not None:
        coverage = evidence_coverage(diag)
        gaps = evidence_gaps(coverage, employed=employed)
        if focus_groups:
            focus_gaps = evidence_gaps(coverage, groups=list(focus_groups), employed=employed)
        if start is not None:
            staging = staging_progress(diag, start=start, as_of=as_of)
    positions = (survey_position(survey, year=year, quartile_rule=quartile_rule)
                 if survey is not None else None)
    views = read_staff_networks(networks) if networks is not None else None
    if triangulation is None or survey is not None or networks is not None:
        made = triangulate(scores, survey=survey, networks=networks, element_map=element_map,
                           scale=scale, **rules)
        if triangulation is None:
            triangulation = made
        else:
            _check_triangulation(triangulation, made, survey=survey is not None,
                                 networks=networks is not None)
    findings = diagnostic_findings(scores, summary=summary, triangulation=triangulation,
                                   gaps=focus_gaps, staging=staging, scale=scale)
    settings = {"year": year, "start": start, "quartile_rule": quartile_rule,
                "focus_groups": list(focus_groups or ()), "min_completeness": min_completeness}
    return _ReportInputs(
        diag=diag, scores=scores, scale=scale, summary=summary, profile=profile,
        coverage=coverage, gaps=gaps, focus_gaps=focus_gaps, staging=staging,
        triangulation=triangulation, positions=positions, views=views, findings=findings,
        codes=codes, stems=_file_stems(orgs, codes),
        inputs=_input_paths(data, survey, networks, organisations, element_map),
        settings=settings, rules=rules)


def _check_triangulation(given: pd.DataFrame, made: pd.DataFrame, *, survey: bool,
                         networks: bool) -> None:
    """Refuse a triangulation whose stances differ from what the listed rules give.

    The About sheet states the rules; a triangulation made with other thresholds would make
    that statement false.  ``made`` is recomputed under the listed rules from the sources
    this call was given, so only what those sources decide is compared: the self-assessment
    stance always, the survey and network stances when their data were given, and the
    convergence code when both were.
    """
    keys = ["organisation", "element"]
    columns = (["self_stance"] + (["survey_stance"] if survey else [])
               + (["network_stance"] if networks else []) + (["code"] if survey and networks
                                                              else []))
    require_columns(given, [*keys, *columns], what="triangulation")
    both = given[[*keys, *columns]].merge(made[[*keys, *columns]], on=keys, how="outer",
                                          suffixes=("_given", "_rules"), indicator=True)
    found = []
    for col in columns:
        a, b = both[f"{col}_given"].astype("str"), both[f"{col}_rules"].astype("str")
        for r in both[(both["_merge"] != "both") | (a != b)].head(5).itertuples():
            found.append(f"{r.organisation} / {r.element} {col}: given "
                         f"{getattr(r, col + '_given')}, rules give {getattr(r, col + '_rules')}")
    if found:
        raise InvalidValueError(
            "the triangulation was not made with the rules this report lists",
            column=columns,
            expected="a triangulate() table made with the thresholds given as "
                     "triangulation_rules",
            found=found[:5],
        )


def _check_out_dir(out_dir, inputs: set) -> Path:
    out = Path(out_dir)
    resolved = out.resolve()
    if resolved in inputs:
        raise ValueError(
            f"out_dir is an input folder or file ({out.name}); write reports to a folder of "
            "their own so that no input file can be overwritten")
    out.mkdir(parents=True, exist_ok=True)
    return out


def _check_target(path: Path, inputs: set, overwrite: bool) -> Path:
    if path.resolve() in inputs:
        raise ValueError(f"refusing to overwrite the input file {path.name}")
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path.name} exists in the output folder; pass overwrite=True "
                              "to replace it")
    return path


def _by_org(frame: pd.DataFrame | None) -> dict:
    if frame is None or frame.empty:
        return {}
    return {str(k): g for k, g in frame.groupby("organisation", sort=False)}


def _about(ctx: _ReportInputs, organisation: str | None) -> pd.DataFrame:
    th = ctx.summary.thresholds
    items = []
    if organisation is not None:
        items += [("organisation", organisation),
                  ("organisation code", ctx.codes.get(organisation, ""))]
    n_orgs = ctx.scores["organisation"].nunique()
    items += [
        ("organisations in the system view", int(n_orgs)),  # a number, not text
        ("maturity scale", "; ".join(f"{p:g} {lab}" for p, lab in
                                     zip(ctx.scale["points"], ctx.scale["label"]))),
        ("system view", f"element scores with at least {th['min_completeness']:g}% of questions "
                        "answered; median and quartiles by linear interpolation"),
        ("widespread strength / gap", f"system median >= {th['strength_threshold']:g} / <= "
                                      f"{th['gap_threshold']:g}"),
        ("peer learning", f"an organisation at least {th['variation_threshold']:g} points above "
                          "the median, paired with those that far below it"),
        ("triangulation rules", ", ".join(f"{k}={v}" for k, v in ctx.rules.items())),
        ("staff survey year", ctx.settings["year"] or "each organisation's latest"),
        ("survey quartile rule", ctx.settings["quartile_rule"]),
        ("evidence focus groups", "; ".join(ctx.settings["focus_groups"]) or "none"),
        ("sources", ELEMENT_SOURCE + ". " + _TRIANGULATION_SOURCE + ". Element-survey map: "
                    "wellbeing_lib/data/element_survey_map.csv (wellbeing_lib's judgement)"),
    ]
    items += [(f"caveat {i}", text) for i, text in enumerate(REPORT_CAVEATS, start=1)]
    return pd.DataFrame(items, columns=["item", "value"])


def _answer_grid(ctx: _ReportInputs) -> pd.DataFrame | None:
    """Every question for every organisation, with its answer where given."""
    if ctx.diag is None:
        return None
    q = ctx.diag.questions
    orgs = ctx.diag.organisations
    qcols = ["question_id", "element", "sub_area"] + (["question"] if "question" in q.columns
                                                      else [])
    grid = pd.DataFrame({"organisation": np.repeat(orgs, len(q))})
    for col in qcols:
        grid[col] = np.tile(q[col].to_numpy(), len(orgs))
    a = ctx.diag.answers[["organisation", "question_id", "level", "points", "evidence",
                          "staff_groups", "completed_on"]]
    grid = grid.merge(a, on=["organisation", "question_id"], how="left", validate="one_to_one")
    grid["completed_on"] = grid["completed_on"].dt.date
    return grid.rename(columns={"level": "answer"})


def _coverage_table(ctx: _ReportInputs) -> pd.DataFrame | None:
    if ctx.coverage is None:
        return None
    cov = ctx.coverage
    covered = coverage_matrix(cov, value="covered")
    wide = pd.DataFrame(np.where(covered.to_numpy(dtype=bool), "yes", "no"),
                        index=covered.index, columns=covered.columns).reset_index()
    wide.columns.name = None
    counts = cov.drop_duplicates(["organisation", "element"])[
        ["organisation", "element", "n_answered", "n_with_groups"]]
    return counts.merge(wide, on=["organisation", "element"], how="left")


def _org_sheets(ctx: _ReportInputs, org: str, parts: dict) -> dict:
    def part(key, columns=None):
        frame = parts[key].get(org)
        if frame is None:
            return None
        frame = frame.drop(columns="organisation")
        return frame if columns is None else frame[columns]

    sheets = {}
    answers = part("answers")
    sheets["Answers"] = (answers.reset_index(drop=True) if answers is not None else
                         _note("the answers were not given (scores only)"))
    table = part("profile").reset_index(drop=True)
    s = part("scores").reset_index(drop=True)
    if "n_questions" in s.columns:
        table.insert(1, "n_questions", s["n_questions"].to_numpy())
    for col in (c for c in s.columns if c.startswith("pct_")):
        table[col] = s[col].to_numpy()
    sheets["Scores vs system"] = table.round(2)
    f = part("findings")
    cols = ["element", "basis", "message"]
    for finding, name in (("positive", "Positives"), ("gap", "Gaps")):
        rows = None if f is None else f[f["finding"] == finding][cols]
        sheets[name] = (rows.reset_index(drop=True) if rows is not None and len(rows)
                        else _note(f"no {name.lower()} found by the rules (see About)"))
    cov = part("coverage")
    sheets["Evidence coverage"] = (cov.reset_index(drop=True) if cov is not None else
                                   _note("evidence coverage needs the answers"))
    t = part("triangulation", ["element", "code", "self_stance", "self_mean", "survey_stance",
                               "survey_detail", "network_stance", "network_views",
                               "network_comments", "dissonance_score", "sentence"])
    sheets["Triangulation"] = t.round(2).reset_index(drop=True)
    sv = part("survey")
    sheets["Staff survey"] = (sv.reset_index(drop=True) if sv is not None else _note(
        "no staff survey results for this organisation" if ctx.positions is not None
        else "no staff survey results were given"))
    nv = part("networks")
    sheets["Staff networks"] = (nv.reset_index(drop=True) if nv is not None else _note(
        "no staff network views for this organisation" if ctx.views is not None
        else "no staff network views were given"))
    sheets["About"] = _about(ctx, org)
    return sheets


def _org_html(ctx: _ReportInputs, org: str, sheets: dict, *, dpi: int) -> str:
    f = sheets
    positives = (f["Positives"]["message"].tolist() if "message" in f["Positives"].columns
                 else [])
    gaps = f["Gaps"]["message"].tolist() if "message" in f["Gaps"].columns else []
    prof = ctx.profile[ctx.profile["organisation"] == org]
    n_q = int(ctx.scores.loc[ctx.scores["organisation"] == org, "n_questions"].sum()) \
        if "n_questions" in ctx.scores.columns else None
    n_a = int(prof["n_answered"].fillna(0).sum()) if prof["n_answered"].notna().any() else None
    subtitle = (f"{n_a} of {n_q} questions answered. Compared with "
                f"{ctx.scores['organisation'].nunique()} organisations in the system."
                if n_a is not None and n_q else None)
    ax = get_axes(None, figsize=(8, 0.45 * len(prof) + 1.6))
    plot_org_profile(prof, ax=ax, scale=ctx.scale)
    png = figure_to_base64(ax.figure, dpi=dpi)
    image = RawHTML(f'<figure><img alt="element profile against the system median" '
                    f'src="data:image/png;base64,{png}"></figure>')
    tri = f["Triangulation"][["element", "code", "sentence"]]
    scores_table = f["Scores vs system"][["element", "completeness_pct", "mean_maturity",
                                          "system_median", "difference", "position"]]
    sections = [
        ("Positives", [positives or ["None found by the rules."]]),
        ("Gaps", [gaps or ["None found by the rules."]]),
        ("Profile against the system", [image, scores_table]),
        ("Triangulation", ["Each element's self-assessment set beside the staff survey and "
                           "staff network leads (" + _TRIANGULATION_SOURCE + ").", tri]),
    ]
    if "indicator" in f["Staff survey"].columns:
        sections.append(("Staff survey", [f["Staff survey"].drop(columns=["unit"])]))
    if "missing_groups" in (ctx.gaps.columns if ctx.gaps is not None else []):
        mine = ctx.gaps[(ctx.gaps["level"] == "organisation") & (ctx.gaps["organisation"] == org)]
        sections.append(("Evidence coverage", [
            "Staff groups the evidence does not cover, per element (the workbook's Evidence "
            "coverage sheet has the full matrix).", mine[["element", "missing_groups"]]]))
    if "question_id" in f["Answers"].columns:
        cols = [c for c in ("question_id", "element", "question", "answer", "evidence",
                            "staff_groups") if c in f["Answers"].columns]
        sections.append(("Answers", [f["Answers"][cols]]))
    sections.append(("About this report", [list(REPORT_CAVEATS)]))
    return html_page(f"{org}: Health and Wellbeing Framework diagnostic", sections,
                     subtitle=subtitle)


def write_org_reports(
    data,
    out_dir,
    *,
    survey=None,
    networks=None,
    triangulation=None,
    triangulation_rules=None,
    organisations=None,
    only=None,
    year=None,
    start=None,
    as_of=None,
    element_map=None,
    focus_groups=EVIDENCE_FOCUS,
    min_completeness: float = MIN_COMPLETENESS,
    quartile_rule: str = "midpoints",
    scale=None,
    progress: bool = True,
    overwrite: bool = True,
    dpi: int = 80,
) -> pd.DataFrame:
    """Write each organisation's workbook (XLSX) and short summary report (HTML), in one call.

    In Hertfordshire and West Essex each organisation got a spreadsheet of its own
    data and a summary report of positives and potential gaps; this writes both
    for every organisation, with a progress bar.

    **Workbook** (``<code>_diagnostic_report.xlsx``), sheets
    :data:`ORG_REPORT_SHEETS`: *Answers* (every question with its answer,
    evidence and staff groups), *Scores vs system* (per element: completeness,
    mean, % at each level, system median and quartiles, difference, rank),
    *Positives* and *Gaps* (:func:`diagnostic_findings`), *Evidence coverage*
    (staff groups covered per element), *Triangulation* (:func:`triangulate`),
    *Staff survey* (:func:`survey_position`, responses suppressed), *Staff
    networks* and *About* (rules, sources, caveats).  Every sheet has a frozen
    NHS-blue header, fitted column widths and a filter; maturity columns are
    coloured orange-white-blue by conditional formatting, convergence codes by
    code, and "no" cells of the coverage sheet light red.

    **HTML** (``<code>_diagnostic_report.html``): positives and gaps first,
    then the element profile against the system median (chart embedded as a
    base64 PNG) and its table, triangulation, staff survey, evidence gaps,
    answers and caveats.  One self-contained file, fit to e-mail.

    Parameters
    ----------
    data : Diagnostic, DataFrame, str or Path
        Loaded diagnostics (:func:`load_diagnostic_workbooks` or
        :func:`read_diagnostic_csv`), anything :func:`read_diagnostic_csv` accepts,
        or a :func:`score_diagnostic` table (then the answer and evidence sheets
        say they were not given).
    out_dir : str or Path
        Folder to write into (created).  Files are written only here, named from
        the organisation code (``organisations`` or the workbook cover) or the
        organisation's name; an input file or folder is never written to.
    survey, networks : DataFrame, str or Path, optional
        Staff survey results and staff network views (see :func:`triangulate`).
    triangulation : DataFrame, optional
        A :func:`triangulate` table made with your own rules (otherwise made from
        ``survey`` and ``networks`` with ``triangulation_rules``).
    triangulation_rules : mapping, optional
        Thresholds of :func:`triangulate` (``self_high``, ``self_low``,
        ``survey_high``, ``survey_low``, ``network_high``, ``network_low``,
        ``min_sources``, ``min_responses``) that differ from its defaults: the
        ones ``triangulation`` was made with, or, without ``triangulation``, the
        ones to make it with.  The *About* sheet lists them with ``year``,
        ``quartile_rule`` and ``min_completeness`` (this call's), so pass here
        whatever thresholds you gave :func:`triangulate`.
        With ``survey`` or ``networks`` the codes are recomputed under these
        rules, and a ``triangulation`` that differs raises
        :class:`InvalidValueError`, so the sheet never misstates them.
    organisations : DataFrame, str or Path, optional
        A table with ``organisation`` and optionally ``org_code`` (file names) and
        ``staff_groups_employed`` (so evidence gaps ignore groups not employed), as
        the bundled ``workforce_organisations.csv``.
    only : list of str, optional
        Write these organisations only (the system view still uses everyone).
    year, quartile_rule, element_map
        Passed to :func:`triangulate` / :func:`survey_position`.
    start, as_of : date-like, optional
        With ``start``, staging (:func:`staging_progress`) adds overdue elements to
        the gaps.
    focus_groups : sequence of str, default ("AfC 2-4", "Bank/temporary")
        Staff groups whose absence from an element's evidence is listed as a gap.
    min_completeness : float, default 50
    scale : optional
        The maturity scale, when ``data`` is not a :class:`Diagnostic`.
    progress : bool, default True
        Show a tqdm progress bar.
    overwrite : bool, default True
        Replace earlier reports of the same name in ``out_dir``; False raises
        FileExistsError instead.
    dpi : int, default 80
        Resolution of the embedded chart.

    Returns
    -------
    DataFrame
        One row per file written: ``organisation``, ``report``
        ("organisation"), ``format`` ("xlsx" or "html"), ``file`` (name) and
        ``path``.

    Raises
    ------
    ValueError
        ``out_dir`` is an input folder (such as the workbooks' folder) or a
        report would replace an input file.
    InvalidValueError
        An organisation in ``only`` that is not in the data.

    Example
    -------
    >>> import tempfile, warnings
    >>> from wellbeing_lib.io import data_dir
    >>> folder = data_dir()
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     files = write_org_reports(folder / "workforce_diagnostic_answers.csv",
    ...         tempfile.mkdtemp(), survey=folder / "workforce_staff_survey.csv",
    ...         networks=folder / "workforce_staff_networks.csv",
    ...         organisations=folder / "workforce_organisations.csv",
    ...         only=["Kestrel Hill Hospice"], progress=False)
    >>> files[["organisation", "format", "file"]]
               organisation format                         file
    0  Kestrel Hill Hospice   xlsx  HV13_diagnostic_report.xlsx
    1  Kestrel Hill Hospice   html  HV13_diagnostic_report.html
    """
    from tqdm.auto import tqdm

    ctx = _report_inputs(data, survey=survey, networks=networks, triangulation=triangulation,
                         triangulation_rules=triangulation_rules, organisations=organisations,
                         year=year, start=start, as_of=as_of, element_map=element_map,
                         focus_groups=focus_groups, min_completeness=min_completeness,
                         quartile_rule=quartile_rule, scale=scale)
    # the folder is made only once every input has been read and checked
    out = _check_out_dir(out_dir, _input_paths(data, survey, networks, organisations,
                                               element_map))
    orgs = _chosen_organisations(ctx, only)
    parts = _org_parts(ctx)
    rows = []
    for org in tqdm(orgs, desc="writing reports", unit="organisation", disable=not progress):
        rows += _write_org_report(ctx, org, parts, out, overwrite=overwrite, dpi=dpi)
    return pd.DataFrame(rows, columns=["organisation", "report", "format", "file", "path"])


def _chosen_organisations(ctx: _ReportInputs, only) -> list[str]:
    """The organisations to write reports for: all, or those of ``only`` (checked)."""
    orgs = list(ctx.stems)
    if only is not None:
        wanted = [str(o) for o in ([only] if isinstance(only, str) else only)]
        unknown = [o for o in wanted if o not in ctx.stems]
        if unknown:
            raise InvalidValueError("organisation not in the diagnostic", column="organisation",
                                    found=unknown, expected="one of " + "; ".join(orgs[:10]))
        orgs = [o for o in orgs if o in wanted]
    return orgs


def _org_parts(ctx: _ReportInputs) -> dict:
    """Each table of the organisation reports, split by organisation: {table: {org: rows}}."""
    return {
        "answers": _by_org(_answer_grid(ctx)),
        "profile": _by_org(ctx.profile),
        "scores": _by_org(ctx.scores.assign(organisation=ctx.scores["organisation"]
                                            .astype("str"))),
        "findings": _by_org(ctx.findings),
        "coverage": _by_org(_coverage_table(ctx)),
        "triangulation": _by_org(ctx.triangulation),
        "survey": _by_org(_published_survey(ctx.positions) if ctx.positions is not None
                          else None),
        "networks": _by_org(_published_networks(ctx.views) if ctx.views is not None else None),
    }


def _write_org_report(ctx: _ReportInputs, org: str, parts: dict, out: Path, *,
                      overwrite: bool, dpi: int) -> list[tuple]:
    """Write one organisation's workbook and HTML summary; one row per file written."""
    lo, hi = float(ctx.scale["points"].min()), float(ctx.scale["points"].max())
    stem = ctx.stems[org]
    sheets = _org_sheets(ctx, org, parts)
    xlsx = _check_target(out / f"{stem}.xlsx", ctx.inputs, overwrite)
    _write_report_xlsx(
        sheets, xlsx, scale_range=(lo, hi),
        maturity={"Answers": ["points"],
                  "Scores vs system": ["mean_maturity", "system_median", "system_q1",
                                       "system_q3"],
                  "Triangulation": ["self_mean"]},
        codes={"Triangulation": ["code"]},
        flags={"Evidence coverage": {"no": FLAG_FILL}})
    html = _check_target(out / f"{stem}.html", ctx.inputs, overwrite)
    write_html(_org_html(ctx, org, sheets, dpi=dpi), html)
    return [(org, "organisation", "xlsx", xlsx.name, xlsx),
            (org, "organisation", "html", html.name, html)]


def _system_themes(ctx: _ReportInputs, top: int) -> pd.DataFrame:
    """One row per theme of the system report: strengths, gaps, variation, evidence, ..."""
    el = ctx.summary.elements
    rows = [("widespread strength", e, f"system median {m:.2f} across {n} organisations")
            for e, m, n in el.loc[el["widespread_strength"],
                                  ["element", "median", "n_organisations"]].itertuples(
                                      index=False)]
    rows += [("widespread gap", e, f"system median {m:.2f} across {n} organisations")
             for e, m, n in el.loc[el["widespread_gap"],
                                   ["element", "median", "n_organisations"]].itertuples(
                                       index=False)]
    p = ctx.summary.pairings
    rows += [("peer learning", e, f"{s} ({sm:.2f}, system median {md:.2f}) could support "
                                  f"{n} organisations: {w}")
             for e, s, sm, md, n, w in p.itertuples(index=False)]
    if ctx.gaps is not None:
        g = ctx.gaps[ctx.gaps["level"] == "system"]
        rows += [("evidence gap", e, msg) for e, msg in
                 g[["element", "message"]].itertuples(index=False)]
    if ctx.staging is not None:
        behind = staging_summary(ctx.staging)
        behind = behind[behind["behind"]]
        rows += [("behind schedule", "", f"{o}: {n} element(s) overdue ({els})")
                 for o, n, els in behind[["organisation", "n_overdue", "overdue_elements"]]
                 .itertuples(index=False)]
    d = dissonances(ctx.triangulation, top=top)
    rows += [("dissonance", e, s) for e, s in d[["element", "sentence"]].itertuples(index=False)]
    return pd.DataFrame(rows, columns=["theme", "element", "detail"])


def write_system_report(
    data,
    out_dir,
    *,
    survey=None,
    networks=None,
    triangulation=None,
    triangulation_rules=None,
    organisations=None,
    year=None,
    start=None,
    as_of=None,
    element_map=None,
    focus_groups=EVIDENCE_FOCUS,
    min_completeness: float = MIN_COMPLETENESS,
    quartile_rule: str = "midpoints",
    scale=None,
    name: str = "diagnostic_system_themes",
    top: int = 10,
    overwrite: bool = True,
    dpi: int = 80,
) -> pd.DataFrame:
    """Write the system-wide themes report (HTML and XLSX) across every organisation.

    The report one ICS drew up across its organisations and presented to wellbeing
    leads: widespread strengths and gaps (:func:`system_summary`), high-variation
    elements with peer-learning pairings, evidence gaps (for example no
    organisation with evidence about AfC bands 2-4 on an element,
    :func:`evidence_gaps`), staging (who is behind, with ``start``), the ranked
    dissonances (:func:`dissonances`), the organisation x element heatmap and the
    convergence matrix.

    Parameters
    ----------
    data, survey, networks, triangulation, triangulation_rules, organisations, year, start,
    as_of, element_map, focus_groups, min_completeness, quartile_rule, scale, overwrite, dpi
        As :func:`write_org_reports`.
    name : str, default "diagnostic_system_themes"
        File name stem of the two files.
    top : int, default 10
        Dissonances listed in the themes (the workbook's Dissonances sheet has all).

    Returns
    -------
    DataFrame
        Two rows (xlsx, html): ``organisation`` ("(system)"), ``report``
        ("system"), ``format``, ``file``, ``path``.  The workbook's sheets are
        :data:`SYSTEM_REPORT_SHEETS`; survey responses are suppressed.

    Example
    -------
    >>> import tempfile, warnings
    >>> from wellbeing_lib.io import data_dir
    >>> folder = data_dir()
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     files = write_system_report(folder / "workforce_diagnostic_answers.csv",
    ...                                 tempfile.mkdtemp(), start="2021-11")
    >>> files["file"].tolist()
    ['diagnostic_system_themes.xlsx', 'diagnostic_system_themes.html']
    """
    ctx = _report_inputs(data, survey=survey, networks=networks, triangulation=triangulation,
                         triangulation_rules=triangulation_rules, organisations=organisations,
                         year=year, start=start, as_of=as_of, element_map=element_map,
                         focus_groups=focus_groups, min_completeness=min_completeness,
                         quartile_rule=quartile_rule, scale=scale)
    # the folder is made only once every input has been read and checked
    out = _check_out_dir(out_dir, _input_paths(data, survey, networks, organisations,
                                               element_map))
    stem = re.sub(r"[^0-9A-Za-z_.-]+", "_", str(name)).strip("._") or "diagnostic_system_themes"
    themes = _system_themes(ctx, top)
    sheets = _system_sheets(ctx, themes)
    lo, hi = float(ctx.scale["points"].min()), float(ctx.scale["points"].max())
    elements_ = list(pd.unique(ctx.profile["element"]))
    xlsx = _check_target(out / f"{stem}.xlsx", ctx.inputs, overwrite)
    _write_report_xlsx(sheets, xlsx, scale_range=(lo, hi),
                       maturity={"Scores matrix": elements_,
                                 "Element summary": ["median", "q1", "q3", "min", "max"]},
                       codes={"Convergence": list(pd.unique(ctx.triangulation["element"]))},
                       flags={"Coverage by element": {"0": FLAG_FILL}})
    page = _system_html(ctx, themes, sheets["Coverage by element"], top=top,
                        min_completeness=min_completeness)
    html = _check_target(out / f"{stem}.html", ctx.inputs, overwrite)
    write_html(page, html)
    return pd.DataFrame([("(system)", "system", "xlsx", xlsx.name, xlsx),
                         ("(system)", "system", "html", html.name, html)],
                        columns=["organisation", "report", "format", "file", "path"])


def _system_sheets(ctx: _ReportInputs, themes: pd.DataFrame) -> dict:
    """The sheets of the system workbook, in the order of :data:`SYSTEM_REPORT_SHEETS`."""
    summary = ctx.summary
    prof = ctx.profile
    matrix = (prof.assign(mean=prof["mean_maturity"].where(prof["position"]
                                                            != "too few answers"))
              .pivot(index="organisation", columns="element", values="mean")
              .reindex(index=list(ctx.stems), columns=list(pd.unique(prof["element"]))))
    matrix.loc["System median"] = summary.elements.set_index("element")["median"]
    matrix = matrix.round(2).reset_index().rename(columns={"index": "organisation"})
    matrix.columns.name = None
    codes_matrix = (ctx.triangulation.pivot(index="organisation", columns="element",
                                            values="code")
                    .reindex(index=list(pd.unique(ctx.triangulation["organisation"])),
                             columns=list(pd.unique(ctx.triangulation["element"])))
                    .reset_index())
    codes_matrix.columns.name = None
    diss = dissonances(ctx.triangulation)
    if ctx.gaps is not None:
        gap_table = pd.concat([ctx.gaps[ctx.gaps["level"] == "system"],
                               ctx.focus_gaps if ctx.focus_gaps is not None else None],
                              ignore_index=True)
        gap_table = gap_table[["level", "organisation", "element", "missing_groups", "message"]]
        by_element = coverage_matrix(ctx.coverage, by="element").reset_index()
        by_element.columns.name = None
    else:
        gap_table = by_element = _note("evidence coverage needs the answers")
    staging = (staging_summary(ctx.staging) if ctx.staging is not None
               else _note("staging needs start= (the month of the first element)"))
    completeness = (ctx.diag.completeness[["organisation", "n_questions", "n_answered",
                                           "completeness_pct", "complete",
                                           "missing_questions"]].round(2)
                    if ctx.diag is not None else _note("completeness needs the answers"))
    return {
        "Themes": themes,
        "Element summary": summary.elements.round(3),
        "Scores matrix": matrix,
        "Peer learning": summary.pairings.round(3) if len(summary.pairings)
        else _note("no organisation is far enough above the median on any element"),
        "Evidence gaps": gap_table,
        "Coverage by element": by_element,
        "Staging": staging,
        "Dissonances": diss.round(3) if len(diss) else _note("no dissonance found"),
        "Convergence": codes_matrix,
        "Completeness": completeness,
        "Staff survey": (_published_survey(ctx.positions) if ctx.positions is not None
                         else _note("no staff survey results were given")),
        "About": _about(ctx, None),
    }


def _system_html(ctx: _ReportInputs, themes: pd.DataFrame, by_element: pd.DataFrame, *,
                 top: int, min_completeness: float) -> str:
    """The system themes page: themes by kind, then the charts and tables behind them."""
    elements_ = list(pd.unique(ctx.profile["element"]))
    labels = ctx.codes or None
    n_orgs = len(ctx.stems)
    ax = get_axes(None, figsize=(1.25 * len(elements_) + 4.5, 0.38 * n_orgs + 2.6))
    plot_diagnostic_heatmap(ctx.scores, ax=ax, labels=labels, scale=ctx.scale,
                            min_completeness=min_completeness)
    heatmap = ax.figure
    ax2 = get_axes(None, figsize=(1.25 * len(elements_) + 4, 0.38 * n_orgs + 2.2))
    plot_convergence(ctx.triangulation, ax=ax2, labels=labels)
    convergence = ax2.figure
    diss = dissonances(ctx.triangulation)

    def listing(theme):
        t = themes[themes["theme"] == theme]
        text = np.where(t["element"] != "", t["element"] + ": " + t["detail"], t["detail"])
        return [list(text) or ["None."]]

    sections = [
        ("Widespread strengths", listing("widespread strength")),
        ("Widespread gaps", listing("widespread gap")),
        ("Peer learning", ["Elements where one organisation is far above the system median: "
                           "it could support the organisations far below it."]
         + listing("peer learning")),
        ("Evidence gaps", ["Staff groups that no organisation's evidence covers, per element "
                           "(focus: " + ", ".join(ctx.settings["focus_groups"]) + ")."]
         + listing("evidence gap")
         + ([by_element[["element"] + [c for c in by_element.columns
                                       if c in {"AfC 2", "AfC 3", "AfC 4", "Bank/temporary"}]]]
            if "element" in by_element.columns else [])),
    ]
    if ctx.staging is not None:
        ax3 = get_axes(None, figsize=(1.3 * len(elements_) + 3.5, 0.35 * n_orgs + 2))
        plot_staging(ctx.staging.assign(organisation=ctx.staging["organisation"].map(
            lambda o: ctx.codes.get(o, o))), ax=ax3)
        sections.append(("Staging", listing("behind schedule") + [ax3.figure]))
    sections += [
        ("Dissonances", [f"The {min(top, len(diss))} most dissonant organisation x elements "
                         "(self-assessment, staff survey and staff networks disagree); "
                         + _TRIANGULATION_SOURCE + ".",
                         diss.head(top)[["rank", "organisation", "element", "sentence"]],
                         convergence]),
        ("System picture", [heatmap, ctx.summary.elements.round(2)]),
        ("About this report", [list(REPORT_CAVEATS)]),
    ]
    if labels:  # the charts show codes: a key to them
        sections.insert(-1, ("Key to organisation codes", [pd.DataFrame(
            {"code": list(labels.values()), "organisation": list(labels.keys())})]))
    subtitle = f"{n_orgs} organisations"
    if ctx.diag is not None:
        done = int(ctx.diag.completeness["complete"].sum())
        subtitle += f"; {done} completed every question"
    return html_page("Health and Wellbeing Framework diagnostic: system themes", sections,
                     subtitle=subtitle)
