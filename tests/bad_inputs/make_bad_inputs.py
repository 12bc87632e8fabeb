"""Make the catalogue of bad input files: real files of the kinds evaluators receive.

Run from the repository root to (re)write ``tests/bad_inputs/files/``::

    .venv/bin/python tests/bad_inputs/make_bad_inputs.py

Each case is one file (or one data folder holding it, for the loaders that read a folder),
made from a few rows of the bundled data with one thing wrong - or with a layout the
readers must handle correctly (semicolons, UTF-16, a hidden sheet).  ``CASES`` lists them
with the entry point that reads them and what must happen; ``test_bad_inputs.py`` checks
every one, and that this script reproduces the committed files byte for byte.
"""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
FILES = HERE / "files"
DATA = ROOT / "data"


@dataclass(frozen=True)
class Case:
    """A bad input file and what reading it must do.

    ``entry`` names the entry point that reads it (see ``ENTRY_POINTS`` in the tests);
    ``error`` the named error class it must raise (None: it must be read correctly, as
    ``handled`` says); ``parts`` the texts the message must contain (file, column, sheet
    or cell, line).
    """

    id: str
    file: str
    entry: str
    what: str
    error: str | None
    parts: tuple = ()
    handled: str = ""
    write: object = field(default=None, repr=False, compare=False)


def _head(name: str, n: int = 6) -> list[str]:
    """Header and the first ``n`` records of a bundled CSV file, as lines."""
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return lines[: n + 1]


def _text(lines) -> str:
    return "\n".join(lines) + "\n"


def _replace(lines: list[str], index: int, old: str, new: str) -> list[str]:
    out = list(lines)
    assert old in out[index], (old, out[index])
    out[index] = out[index].replace(old, new, 1)
    return out


def _csv(lines):
    return lambda path: path.write_text(_text(lines), encoding="utf-8")


def _bytes(data: bytes):
    return lambda path: path.write_bytes(data)


def _book(sheets: list[tuple[str, list[list], str]], errors=()):
    """A workbook writer: ``sheets`` = (title, rows, state); ``errors`` = (sheet, cell)
    pairs whose text is an Excel error value (stored as an error cell)."""

    def write(path: Path) -> None:
        from openpyxl import Workbook

        from wellbeing_lib.reporting.files import write_xlsx

        book = Workbook()
        book.remove(book.active)
        for title, rows, state in sheets:
            ws = book.create_sheet(title)
            for row in rows:
                ws.append(row)
            ws.sheet_state = state
        for sheet, cell in errors:
            book[sheet][cell].data_type = "e"
        write_xlsx(book, path)

    return write


def _rows(lines: list[str]) -> list[list]:
    import csv

    rows = list(csv.reader(io.StringIO(_text(lines))))
    return [[_number(v) for v in row] for row in rows]


def _number(value: str):
    try:
        return int(value)
    except ValueError:
        try:
            return float(value)
        except ValueError:
            return value if value != "" else None


# ------------------------------------------------------------------ the tables
CLIENTS = "social_prescribing_clients.csv"
MEASURES = "social_prescribing_measures.csv"
USE = "social_prescribing_service_use.csv"
ORGS = "workforce_organisations.csv"
SURVEY = "workforce_staff_survey.csv"
NETWORKS = "workforce_staff_networks.csv"
NOTES = "self_assessment_telephone.csv"
CODINGS = "engagement_codings.csv"
PEOPLE = "engagement_participants.csv"
POPULATION = "engagement_population.csv"
ANSWERS = "workforce_diagnostic_answers.csv"
EXPORT = "self_assessment_online.csv"


def _clients_cases() -> list[Case]:
    c = _head(CLIENTS)
    total = c + ["Total,,,,,,,,,,"]
    return [
        Case("clients_renamed_column", f"clients_renamed_column/{CLIENTS}", "load_dataset",
             "the practice column renamed 'GP practice' in an export", "MissingColumnError",
             (CLIENTS, "column 'practice'", "'GP practice' (renamed?)"),
             write=_csv(_replace(c, 0, ",practice,", ",GP practice,"))),
        Case("clients_total_row", f"clients_total_row/{CLIENTS}", "load_dataset",
             "a trailing Total row, as a hand-made sheet has", "InvalidValueError",
             (CLIENTS, "total row", "column 'client_id'", "line 8"), write=_csv(total)),
        Case("clients_duplicate_id", f"clients_duplicate_id/{CLIENTS}", "load_dataset",
             "a client pasted twice", "DuplicateKeyError",
             (CLIENTS, "column 'client_id'", "lines 2, 8"), write=_csv(c + [c[1]])),
        Case("clients_id_trailing_space", f"clients_id_trailing_space/{CLIENTS}",
             "load_dataset", "an id with a trailing space (never matches the measures)",
             "InvalidValueError",
             (CLIENTS, "spaces before or after", "column 'client_id'", "line 4", "'C-"),
             write=_csv(_replace(c, 3, ",", " ,"))),
        Case("clients_imd_out_of_range", f"clients_imd_out_of_range/{CLIENTS}",
             "load_dataset", "IMD quintile 6 (deciles typed as quintiles)",
             "InvalidValueError", (CLIENTS, "column 'imd_quintile'", "line 3", "found 6"),
             write=_csv(_imd(c, 2, "6"))),
        Case("clients_imd_text", f"clients_imd_text/{CLIENTS}", "load_dataset",
             "IMD quintile typed as a word", "InvalidValueError",
             (CLIENTS, "not a number", "column 'imd_quintile'", "line 5", "found two"),
             write=_csv(_imd(c, 4, "two"))),
        Case("clients_group_capital", f"clients_group_capital/{CLIENTS}", "load_dataset",
             "group 'Referred' with a capital letter", "InvalidValueError",
             (CLIENTS, "value not allowed", "column 'group'", "line 2", "found Referred"),
             write=_csv(_replace(c, 1, ",referred,", ",Referred,"))),
        Case("clients_date_day_first", f"clients_date_day_first/{CLIENTS}", "load_dataset",
             "an index date typed 13/10/2017 after a re-save in Excel", "InvalidValueError",
             (CLIENTS, "not a date", "column 'index_date'", "line 3"),
             write=_csv(_date(c, 2, 5))),
        Case("clients_header_only", f"clients_header_only/{CLIENTS}", "load_dataset",
             "an export with the header and no rows", "InvalidValueError",
             (CLIENTS, "no data rows"), write=_csv(c[:1])),
        Case("clients_semicolon", f"clients_semicolon/{CLIENTS}", "load_dataset",
             "a European Excel export: semicolon separated", None,
             handled="read as 6 clients with every column", write=_csv(
                 [line.replace(",", ";") for line in c[:1]] + [_semi(line) for line in c[1:]])),
        Case("clients_utf16_tab", f"clients_utf16_tab/{CLIENTS}", "load_dataset",
             "Excel 'Unicode Text' (UTF-16, tab separated) saved with a .csv name", None,
             handled="read as 6 clients with every column",
             write=_bytes(_text([_tabs(line) for line in c]).encode("utf-16"))),
        Case("clients_cp1252_crlf", f"clients_cp1252_crlf/{CLIENTS}", "load_dataset",
             "Excel 'CSV (Comma delimited)' on a UK PC: cp1252, CRLF, £ and curly quotes",
             None, handled="the note keeps its £ and curly quotes",
             write=_bytes(_text(_flag(c, 1, "referral_note", "“Can’t afford £5 bus fare”")
                                ).replace("\n", "\r\n").encode("cp1252"))),
        Case("clients_xlsx_named_csv", f"clients_xlsx_named_csv/{CLIENTS}", "load_dataset",
             "a workbook saved under a .csv name", "UnreadableFileError",
             (CLIENTS, "Excel workbook (.xlsx) with a text-file name"),
             write=_book([("Sheet1", _rows(c), "visible")])),
        Case("clients_blank_lines", "clients_blank_lines.csv", "check_file",
             "blank lines between records, then an out-of-range value", "InvalidValueError",
             ("clients_blank_lines.csv", "column 'imd_quintile'", "line 5"),
             write=_csv([*c[:3], "", *_imd(c, 3, "0")[3:5], *c[5:]])),
    ]


def _imd(lines, index, value):
    parts = lines[index].split(",")
    head = lines[0].split(",")
    parts[head.index("imd_quintile")] = value
    out = list(lines)
    out[index] = ",".join(parts)
    return out


def _date(lines, index, column):
    parts = lines[index].split(",")
    y, m, d = parts[column].split("-")
    parts[column] = f"{int(d) + 0:02d}/{m}/{y}" if int(d) > 12 else f"13/{m}/{y}"
    out = list(lines)
    out[index] = ",".join(parts)
    return out


def _semi(line: str) -> str:
    import csv

    row = next(csv.reader([line]))
    return ";".join(f'"{v}"' if ";" in v else v for v in row)


def _tabs(line: str) -> str:
    import csv

    return "\t".join(next(csv.reader([line])))


def _measures_cases() -> list[Case]:
    m = _head(MEASURES, 8)
    head = m[0].split(",")

    def cell(lines, index, column, value):
        parts = lines[index].split(",")
        parts[head.index(column)] = value
        out = list(lines)
        out[index] = ",".join(parts)
        return out

    blank_ucla2 = [m[0]] + [cell([m[0], line], 1, "ucla_2", "")[1] for line in m[1:]]
    case_ids = cell(m, 3, "client_id", m[3].split(",")[0].upper())
    return [
        Case("measures_item_out_of_range", f"measures_item_out_of_range/{MEASURES}",
             "load_dataset", "a SWEMWBS answer of 6 on a 1-5 scale", "InvalidValueError",
             (MEASURES, "value out of range", "column 'swemwbs_3'", "line 4", "found 6"),
             write=_csv(cell(m, 3, "swemwbs_3", "6"))),
        Case("measures_item_label", f"measures_item_label/{MEASURES}", "load_dataset",
             "an answer exported as its label ('Often')", "InvalidValueError",
             (MEASURES, "column 'swemwbs_1'", "line 2", "found Often"),
             write=_csv(cell(m, 1, "swemwbs_1", "Often"))),
        Case("measures_time_typo", f"measures_time_typo/{MEASURES}", "load_dataset",
             "time point typed 'followup'", "InvalidValueError",
             (MEASURES, "column 'time'", "line 3", "found followup"),
             write=_csv(cell(m, 2, "time", "followup"))),
        Case("measures_pam_over_100", f"measures_pam_over_100/{MEASURES}", "load_dataset",
             "a PAM score of 100.5", "InvalidValueError",
             (MEASURES, "column 'pam_score'", "line 7", "found 100.5"),
             write=_csv(cell(m, 6, "pam_score", "100.5"))),
        Case("measures_blank_column", f"measures_blank_column/{MEASURES}", "score_ucla3",
             "UCLA item 2 left out of the export: every answer blank", "DataWarning",
             (MEASURES, "every value is blank", "column 'ucla_2'"),
             write=_csv(blank_ucla2)),
        Case("measures_duplicate_for_scoring", "measures_duplicate_for_scoring.csv",
             "score_keyed", "a questionnaire entered twice", "DuplicateKeyError",
             ("measures_duplicate_for_scoring.csv", "columns 'client_id', 'time'",
              "lines 2, 10"), write=_csv(m + [m[1]])),
        Case("measures_id_case", "measures_id_case.csv", "pair", "the same client id in "
             "capitals at follow-up (never pairs)", "InvalidValueError",
             ("measures_id_case.csv", "differ only in spaces or capitals",
              "column 'client_id'", "lines 4, 5"), write=_csv(case_ids)),
        Case("measures_id_space", "measures_id_space.csv", "pair",
             "a follow-up id with a trailing space", "InvalidValueError",
             ("measures_id_space.csv", "differ only in spaces or capitals", "line"),
             write=_csv(cell(m, 2, "client_id", m[2].split(",")[0] + " "))),
        Case("measures_total_row", "measures_total_row.csv", "pair",
             "a Total row under the questionnaires", "InvalidValueError",
             ("measures_total_row.csv", "total row", "column 'client_id'", "line 10"),
             write=_csv(m + ["Total,,,,,,,,,,,,,,"])),
        Case("measures_sorted", "measures_sorted.csv", "score_sorted",
             "an out-of-range answer found after the user sorted the table",
             "InvalidValueError", ("measures_sorted.csv", "column 'ucla_1'", "line 9",
                                   "ucla_1=4"), write=_csv(cell(m, 8, "ucla_1", "4"))),
        Case("measures_melted", "measures_melted.csv", "melt_check",
             "an out-of-range answer found after the user melted items to long form",
             "InvalidValueError", ("measures_melted.csv", "line 5", "found 0"),
             write=_csv(cell(m, 4, "swemwbs_6", "0"))),
    ]


def _use_cases() -> list[Case]:
    u = _head(USE, 6)
    return [
        Case("use_negative", f"use_negative/{USE}", "load_dataset",
             "a negative count", "InvalidValueError",
             (USE, "column 'gp_appointments'", "line 3", "found -2"),
             write=_csv(_replace(u, 2, ",after,7,", ",after,-2,"))),
        Case("use_total_row", f"use_total_row/{USE}", "load_dataset",
             "a Total row summing the counts", "InvalidValueError",
             (USE, "total row", "line 8"), write=_csv(u + ["Total,,60,1,0,12,9"])),
        Case("use_duplicate_period", "use_duplicate_period.csv", "service_use_change",
             "a client's 'after' row twice", "DuplicateKeyError",
             ("use_duplicate_period.csv", "columns 'client_id', 'period'", "lines 3, 8"),
             write=_csv(u + [u[2]])),
        Case("use_decimal_count", f"use_decimal_count/{USE}", "load_dataset",
             "a count of 2.5 (an average pasted in)", "InvalidValueError",
             (USE, "not a whole number", "column 'ae_attendances'", "line 4"),
             write=_csv(_use_cell(u, 3, 3, "2.5"))),
        Case("use_period_space", "use_period_space.csv", "service_use_change",
             "period 'after ' with a trailing space", "InvalidValueError",
             ("use_period_space.csv", "column 'period'", "line 5", "found after "),
             write=_csv(_use_cell(u, 4, 1, "after "))),
        Case("use_costed_twice", "use_costed_twice.csv", "cost_service_use",
             "a row repeated in an extract that is to be costed", "DuplicateKeyError",
             ("use_costed_twice.csv", "columns 'client_id', 'period'", "lines 2, 8"),
             write=_csv(u + [u[1]])),
    ]


def _use_cell(lines, index, column, value):
    parts = lines[index].split(",")
    parts[column] = value
    out = list(lines)
    out[index] = ",".join(parts)
    return out


def _workforce_cases() -> list[Case]:
    o = _head(ORGS, 4)
    s = _head(SURVEY, 6)
    n = _head(NETWORKS, 5)
    survey_high = _use_cell(s, 2, 4, "12.3")
    return [
        Case("orgs_headcount_comma", f"orgs_headcount_comma/{ORGS}", "load_dataset",
             "headcount typed with a thousands separator", "InvalidValueError",
             (ORGS, "not a number", "column 'headcount'", "line 3", "found 5,200"),
             write=_csv(_replace(o, 2, ",5200,", ',"5,200",'))),
        Case("orgs_yes_no", f"orgs_yes_no/{ORGS}", "load_dataset",
             "staff_survey answered Yes/No instead of True/False", "InvalidValueError",
             (ORGS, "column 'staff_survey'", "line 2", "found Yes"),
             write=_csv(_replace(o, 1, ",True,", ",Yes,"))),
        Case("orgs_duplicate_code", f"orgs_duplicate_code/{ORGS}", "load_dataset",
             "two organisations given the same code", "DuplicateKeyError",
             (ORGS, "column 'org_code'", "lines 2, 3", "found HV01"),
             write=_csv(_replace(o, 2, "HV02,", "HV01,"))),
        Case("survey_above_scale", "survey_above_scale.csv", "read_staff_survey",
             "a sub-score of 12.3 on the stated 0-10 scale", "InvalidValueError",
             ("survey_above_scale.csv", "stated scale", "column 'value'", "line 3",
              "12.3 (score 0-10)"), write=_csv(survey_high)),
        Case("survey_above_scale_contract", f"survey_above_scale/{SURVEY}", "load_dataset",
             "the same, read by the notebook's loader", "InvalidValueError",
             (SURVEY, "value out of range", "column 'value'", "line 3"),
             write=_csv(survey_high)),
        Case("survey_duplicate_year", "survey_duplicate_year.csv", "read_staff_survey",
             "a trust's result for a year given twice", "DuplicateKeyError",
             ("survey_duplicate_year.csv", "lines 2, 8"), write=_csv(s + [s[1]])),
        Case("survey_header_only", "survey_header_only.csv", "read_staff_survey",
             "an export with the header and no rows", "InvalidValueError",
             ("survey_header_only.csv", "no data rows"), write=_csv(s[:1])),
        Case("survey_decimal_comma", "survey_decimal_comma.csv", "read_staff_survey",
             "semicolon separated with decimal commas (a European export)",
             "InvalidValueError", ("survey_decimal_comma.csv", "non-numeric value",
                                   "column 'value'", "lines 2, 3", "found 5,22"),
             write=_csv([_semi(line).replace(".", ",") if i else line.replace(",", ";")
                         for i, line in enumerate(s)])),
        Case("networks_unknown_stance", "networks_unknown_stance.csv", "read_staff_networks",
             "a stance of 'worried'", "InvalidValueError",
             ("networks_unknown_stance.csv", "column 'stance'", "line 3", "worried"),
             write=_csv(_use_cell(n, 2, 3, "worried"))),
        Case("networks_unknown_element", "networks_unknown_element.csv",
             "read_staff_networks", "an element that is not in the framework",
             "InvalidValueError", ("networks_unknown_element.csv", "column 'element'",
                                   "line 4", "Canteen"),
             write=_csv(_use_cell(n, 3, 1, "Canteen"))),
        Case("networks_header_only", "networks_header_only.csv", "read_staff_networks",
             "an export with the header and no rows", "InvalidValueError",
             ("networks_header_only.csv", "no data rows"), write=_csv(n[:1])),
    ]


def _engagement_cases() -> list[Case]:
    t = _head(NOTES, 6)
    k = _head(CODINGS, 6)
    p = _head(PEOPLE, 5)
    q = _head(POPULATION, 6)
    return [
        Case("notes_total_row", "notes_total_row.csv", "read_notes_table",
             "a Total row under the interviewer's notes", "InvalidValueError",
             ("notes_total_row.csv", "total row", "column 'respondent'", "line 8"),
             write=_csv(t + ["Total,,,,,,"])),
        Case("notes_aspect_typo", NOTES.replace(".csv", "_aspect.csv"), "check_file_notes",
             "aspect 'could be improved' instead of 'could be better'", "InvalidValueError",
             ("column 'aspect'", "line 3", "could be improved"),
             write=_csv(_replace(t, 2, ",could be better,", ",could be improved,"))),
        Case("notes_header_only", "notes_header_only.csv", "read_notes_table",
             "notes with the header and no rows", "InvalidValueError",
             ("notes_header_only.csv", "no data rows"), write=_csv(t[:1])),
        Case("notes_utf16", "notes_utf16.txt", "read_notes_table", "notes saved as Excel "
             "'Unicode Text' (UTF-16, tab separated, .txt)", None,
             handled="6 notes read, the en dash and £ kept",
             write=_bytes(_text([_tabs(line) for line in t]).encode("utf-16"))),
        Case("codings_unknown_code", f"codings_unknown_code/{CODINGS}", "load_dataset",
             "a code misspelt by the second coder", "InvalidValueError",
             (CODINGS, "value not allowed", "column 'code'", "line 4", "lonelyness"),
             write=_csv(_use_cell(k, 3, 2, "lonelyness"))),
        Case("codings_total_row", "codings_total_row.csv", "read_codings",
             "an NVivo coding summary with its Total line", "InvalidValueError",
             ("codings_total_row.csv", "total row", "line 8"),
             write=_csv(k + ["Total,,5,"])),
        Case("codings_no_coder", "codings_no_coder.csv", "read_codings",
             "a coding export without the coder column", "MissingColumnError",
             ("codings_no_coder.csv", "column 'coder'"),
             write=_csv([",".join(line.split(",")[:3]) for line in k])),
        Case("participants_yes_no", f"participants_yes_no/{PEOPLE}", "load_dataset",
             "carer recorded as Yes/No", "InvalidValueError",
             (PEOPLE, "column 'carer'", "line 3", "found Yes"),
             write=_csv(_flag(p, 2, "carer", "Yes"))),
        Case("participants_imd_blank", f"participants_imd_blank/{PEOPLE}", "load_dataset",
             "an IMD quintile left blank", "InvalidValueError",
             (PEOPLE, "column 'imd_quintile'", "line 4"),
             write=_csv(_flag(p, 3, "imd_quintile", ""))),
        Case("participants_duplicate", f"participants_duplicate/{PEOPLE}", "load_dataset",
             "a participant pasted twice", "DuplicateKeyError",
             (PEOPLE, "column 'respondent'", "lines 2, 7"), write=_csv(p + [p[1]])),
        Case("population_percent", f"population_percent/{POPULATION}", "load_dataset",
             "shares typed as percentages (13.5 for 0.135)", "InvalidValueError",
             (POPULATION, "column 'share'", "line 2", "found 13.5"),
             write=_csv(_use_cell(q, 1, 2, "13.5"))),
        Case("population_unknown_variable", f"population_unknown_variable/{POPULATION}",
             "load_dataset", "a variable the participants file does not have",
             "InvalidValueError", (POPULATION, "column 'variable'", "line 2", "age_group"),
             write=_csv(_use_cell(q, 1, 0, "age_group"))),
    ]


def _flag(lines, index, column, value):
    import csv

    head = lines[0].split(",")
    row = next(csv.reader([lines[index]]))
    row[head.index(column)] = value
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(row)
    out = list(lines)
    out[index] = buf.getvalue()
    return out


def _export_lines() -> list[str]:
    raw = (DATA / EXPORT).read_text(encoding="utf-8-sig").splitlines()
    return raw[:8]  # two header rows and six respondents


def _export_cases() -> list[Case]:
    e = _export_lines()
    grid = _rows(e)
    old = [row[:] for row in grid]
    for row in old[2:]:
        row[0] = int(row[0]) + 1  # an older export, other respondents
    n_cols = len(grid[0])
    return [
        Case("export_total_row", "export_total_row.csv", "read_surveymonkey",
             "a summary row at the foot of the export", "InvalidValueError",
             ("export_total_row.csv", "total row", "line 9"),
             write=_bytes(("\ufeff" + "\r\n".join(e + ["Total" + "," * (n_cols - 1)])
                           + "\r\n").encode("utf-8"))),
        Case("export_hidden_first_sheet", "export_hidden_first_sheet.xlsx",
             "read_surveymonkey_warns", "an older export left in a hidden first sheet",
             "DataWarning", ("export_hidden_first_sheet.xlsx", "hidden sheet skipped",
                             "Old export (hidden)", "sheet 'Sheet'"),
             handled="the visible sheet's 6 respondents are read",
             write=_book([("Old export", old, "hidden"), ("Sheet", grid, "visible")])),
        Case("export_semicolon", "export_semicolon.csv", "read_surveymonkey",
             "the export re-saved by a European Excel (semicolons)", None,
             handled="6 respondents, the same answers as the comma file",
             write=_csv([_semi(line) for line in e])),
        Case("export_utf16", "export_utf16.txt", "read_surveymonkey",
             "the export re-saved as Excel 'Unicode Text' (UTF-16, tabs)", None,
             handled="6 respondents, the same answers as the comma file",
             write=_bytes(_text([_tabs(line) for line in e]).encode("utf-16"))),
        Case("export_one_header_row", "export_one_header_row.csv", "read_surveymonkey",
             "an export with the sub-question row deleted", "SheetError",
             ("export_one_header_row.csv", "second header row is missing", "cell A2"),
             write=_csv([e[0]] + e[2:])),
        Case("export_duplicate_respondent", "export_duplicate_respondent.csv",
             "read_surveymonkey", "a respondent exported twice (two collectors merged)",
             "DuplicateKeyError", ("export_duplicate_respondent.csv", "repeated",
                                   "lines 3, 9"), write=_csv(e + [e[2]])),
    ]


def _diagnostic_cases() -> list[Case]:
    a = _head(ANSWERS, 6)
    return [
        Case("workbook_error_value", "workbook_error_value/HV01.xlsx", "workbooks",
             "a Maturity cell holding #DIV/0! (a formula copied in)", "InvalidValueError",
             ("HV01.xlsx", "Excel error value '#DIV/0!'", "sheet 'Environment'", "cell D3"),
             write=_workbook(error=("Environment", "D3"))),
        Case("workbook_hidden_sheet", "workbook_hidden_sheet/HV01.xlsx", "workbooks",
             "an element sheet hidden in Excel", "SheetError",
             ("HV01.xlsx", "element sheet is hidden", "sheet 'Relationships'"),
             write=_workbook(hide="Relationships")),
        Case("workbook_no_cover", "workbook_no_cover/HV01.xlsx", "workbooks",
             "the Cover sheet deleted", "SheetError",
             ("HV01.xlsx", "cover sheet missing", "sheet 'Cover'"),
             write=_workbook(drop="Cover")),
        Case("workbook_unknown_answer", "workbook_unknown_answer/HV01.xlsx", "workbooks",
             "a maturity typed in free text ('Mostly there')", "InvalidValueError",
             ("HV01.xlsx", "answer not on the maturity scale", "sheet 'Environment'",
              "cell D4"), write=_workbook(cell=("Environment", "D4", "Mostly there"))),
        Case("workbook_date_error", "workbook_date_error/HV01.xlsx", "workbooks",
             "a Date completed cell holding #N/A", "InvalidValueError",
             ("HV01.xlsx", "Excel error value '#N/A'", "sheet 'Environment'", "cell G5"),
             write=_workbook(error=("Environment", "G5"), value="#N/A")),
        Case("answers_unknown_question", "answers_unknown_question.csv", "read_diagnostic_csv",
             "a question id from an older version of the tool", "InvalidValueError",
             ("answers_unknown_question.csv", "column 'question_id'", "line 4", "PHW-99"),
             write=_csv(_replace(a, 3, ",PHW-03,", ",PHW-99,"))),
    ]


def _workbook(error=None, hide=None, drop=None, cell=None, value="#DIV/0!"):
    def write(path: Path) -> None:
        import pandas as pd
        from openpyxl import load_workbook

        from wellbeing_lib.diagnostic import write_diagnostic_workbook
        from wellbeing_lib.reporting.files import write_xlsx

        answers = pd.DataFrame({"question_id": ["ENV-01", "ENV-02", "ENV-03"],
                                "answer": ["Embedded", "Planning", "Developing"],
                                "completed_on": ["2021-11-03"] * 3})
        write_diagnostic_workbook(path, organisation="Halden Vale Hospitals NHS Foundation "
                                  "Trust", org_code="HV01", answers=answers)
        book = load_workbook(path)
        if error is not None:
            book[error[0]][error[1]] = value
            book[error[0]][error[1]].data_type = "e"
        if hide is not None:
            book[hide].sheet_state = "hidden"
        if drop is not None:
            book.remove(book[drop])
        if cell is not None:
            book[cell[0]][cell[1]] = cell[2]
        write_xlsx(book, path)

    return write


def _impact_map_rows(changes=None) -> list[list]:
    head = ["stakeholder", "outcome", "indicator", "quantity", "proxy_value", "proxy_source",
            "proxy_price_year", "duration", "start_year", "deadweight", "displacement",
            "attribution", "drop_off", "value_type"]
    rows = [["Clients", "Improved wellbeing", "SWEMWBS +3", 40, 1000.0, "illustrative",
             "2012/13", 3, 1, 0.25, 0.0, 0.2, 0.3, "social"],
            ["NHS", "Fewer GP visits", "GP visits a year", 100, 45.0,
             "PSSRU 2013 GP surgery visit", "2012/13", 2, 1, 0.1, 0.05, 0.1, 0.5,
             "fiscal_non_cashable"],
            ["Clients", "Less lonely", "UCLA-3 below 6", 25, 600.0, "illustrative",
             "2012/13", 2, 2, 0.2, 0.1, 0.25, 0.2, "social"]]
    for (r, column), value in (changes or {}).items():
        rows[r][head.index(column)] = value
    return [head, *rows]


def _impact_cases() -> list[Case]:
    good = _impact_map_rows()
    old = _impact_map_rows({(0, "quantity"): 400})
    return [
        Case("impact_hidden_first_sheet", "impact_hidden_first_sheet.xlsx",
             "read_impact_map_warns", "last year's map left in a hidden first sheet",
             "DataWarning", ("impact_hidden_first_sheet.xlsx", "hidden sheet skipped",
                             "Old map (hidden)", "sheet 'Impact map'"),
             handled="the visible map is read (quantity 40, not the old 400)",
             write=_book([("Old map", old, "hidden"), ("Impact map", good, "visible")])),
        Case("impact_very_hidden_sheet", "impact_very_hidden_sheet.xlsx",
             "read_impact_map_warns", "a very hidden sheet (only visible in the VBA editor)",
             "DataWarning", ("impact_very_hidden_sheet.xlsx", "hidden sheet skipped"),
             handled="the visible map is read",
             write=_book([("Workings", old, "veryHidden"), ("Impact map", good, "visible")])),
        Case("impact_error_value", "impact_error_value.xlsx", "read_impact_map",
             "a proxy value cell showing #DIV/0!", "InvalidValueError",
             ("impact_error_value.xlsx", "Excel error value", "sheet 'Impact map'",
              "cell E3", "column 'proxy_value'", "line 3", "#DIV/0!"),
             write=_book([("Impact map", _impact_map_rows({(1, "proxy_value"): "#DIV/0!"}),
                           "visible")], errors=[("Impact map", "E3")])),
        Case("impact_total_row", "impact_total_row.xlsx", "read_impact_map",
             "a Total row under the map", "InvalidValueError",
             ("impact_total_row.xlsx", "total row", "column 'stakeholder'", "line 5"),
             write=_book([("Impact map", good + [["Total", None, None, 165]], "visible")])),
        Case("impact_duplicate_spelling", "impact_duplicate_spelling.csv", "read_impact_map",
             "the same outcome twice, once as 'clients ' (counted twice)", "DuplicateKeyError",
             ("impact_duplicate_spelling.csv", "columns 'stakeholder', 'outcome'",
              "lines 2, 5"),
             write=_csv([",".join(map(_cell_text, row)) for row in
                         good + [["clients "] + good[1][1:]]])),
        Case("impact_numbers_as_text", "impact_numbers_as_text.xlsx", "read_impact_map",
             "quantities stored as text in Excel (green triangles)", None,
             handled="the quantities are read as numbers",
             write=_book([("Impact map", _impact_map_rows({(0, "quantity"): "40",
                                                            (1, "quantity"): "100"}),
                           "visible")])),
        Case("impact_percent_fraction", "impact_percent_fraction.csv", "read_impact_map",
             "deadweight typed as 25 meaning 25%", "InvalidValueError",
             ("impact_percent_fraction.csv", "column 'deadweight'", "line 2", "found 25"),
             write=_csv([",".join(map(_cell_text, row)) for row in
                         _impact_map_rows({(0, "deadweight"): 25})])),
    ]


def _cell_text(value) -> str:
    return "" if value is None else str(value)


def all_cases() -> list[Case]:
    return [*_clients_cases(), *_measures_cases(), *_use_cases(), *_workforce_cases(),
            *_engagement_cases(), *_export_cases(), *_diagnostic_cases(), *_impact_cases()]


CASES = all_cases()


def make(folder: Path = FILES) -> list[Path]:
    """Write every case's file under ``folder``; returns the paths."""
    paths = []
    for case in CASES:
        path = folder / case.file
        path.parent.mkdir(parents=True, exist_ok=True)
        case.write(path)
        paths.append(path)
    return paths


if __name__ == "__main__":
    written = make(Path(sys.argv[1]) if len(sys.argv) > 1 else FILES)
    print(f"wrote {len(written)} bad input files under {FILES}")
