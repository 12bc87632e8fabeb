"""The ``engagement_self_assessment`` data set: a public engagement self-assessment (2018 layout).

A Dorset-style self-assessment of public engagement by 57 stakeholders of a fictional ICS:
46 online (a SurveyMonkey-style export with two header rows, as CSV and XLSX) and 11 by
telephone (an interviewer's notes), with free text on what works well and what could be
better in each area of NHS England's "good public engagement approach".
:func:`write_self_assessment_export` writes the export (also in the cp1252 variant an Excel
re-save makes).  The phrase banks the answers are made from are in
``_self_assessment_text.py``; the files are described in ``data/README.md`` (data
dictionary, then the generator notes).

Modelled on the Dorset ICS public engagement self-assessment (October 2018): 57 system
stakeholders, 46 online through SurveyMonkey and 11 by telephone, free text only ("what
works well" / "what could be better" for each area).  The areas are those of the package
table engagement_areas.csv: the source announces ten areas but lists nine, so answers are
generated for the nine listed.  Every name here starts with ``SA_`` / ``_sa_``.

Example
-------
>>> from wellbeing_lib.datasets import generate
>>> notes = generate("engagement_self_assessment")["self_assessment_telephone"]
>>> notes["respondent"].nunique()
11
"""

from __future__ import annotations

import io as _stdio
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import WellbeingError
from ..io import load_reference_table
from ..reporting.files import write_xlsx
from ._common import _iso
from ._self_assessment_text import (
    SA_CLOSERS,
    SA_NOTE_STEMS,
    SA_OPENERS,
    SA_OTHER_COMMENTS,
    SA_PHRASES,
    SA_TELEPHONE_PHRASES,
)
from .registry import register_dataset

__all__ = ["write_self_assessment_export"]

#: respondents by channel
SA_N_ONLINE, SA_N_TELEPHONE = 46, 11
SA_STAKEHOLDER_TYPES = ("NHS", "Local authority", "Voluntary sector", "Healthwatch",
                        "Public representative")
#: respondents of each stakeholder type (order of SA_STAKEHOLDER_TYPES) by channel
SA_TYPE_COUNTS = {"online": (17, 10, 10, 3, 6), "telephone": (2, 2, 3, 1, 3)}

#: planned share of respondents making a substantive comment, by area:
#: (online "works well", online "could be better", telephone "works well", telephone "could
#: be better").  Exact counts (share x respondents who reached the area, rounded half up) are
#: drawn.  Most good practice: A5 (voluntary sector and Healthwatch), then A3; most scope for
#: improvement: A8 (reaching the unengaged), then A1 (transparency).  By telephone, regular
#: communication draws more criticism and dialogue with representatives more praise.
SA_COMMENT_RATES = {
    "A1": (0.30, 0.78, 0.27, 0.82),
    "A2": (0.45, 0.55, 0.45, 0.55),
    "A3": (0.65, 0.40, 0.45, 0.64),
    "A4": (0.50, 0.50, 0.73, 0.45),
    "A5": (0.85, 0.28, 0.82, 0.27),
    "A6": (0.55, 0.45, 0.55, 0.45),
    "A7": (0.40, 0.62, 0.36, 0.64),
    "A8": (0.22, 0.85, 0.18, 0.91),
    "A9": (0.42, 0.52, 0.36, 0.55),
}
#: online respondents who stopped part-way: each one's last area answered (order 3, 5, 7)
SA_STOPPED_AFTER = (3, 5, 7)
#: chance that a box with nothing planned holds a non-answer ("n/a") instead of nothing
SA_NON_ANSWER_RATE = {"online": 0.12, "telephone": 0.35}
SA_NON_ANSWERS = {"online": ("n/a", "N/A", "Don't know", "Not sure", "Nothing to add", "None",
                             "-"),
                  "telephone": ("No comment", "Nothing to add", "Not sure", "Don't know")}
#: share of online respondents (who reached the end) answering the closing question
SA_OTHER_RATE = 0.35
#: share of online answers typed with curly apostrophes (a phone or word processor)
SA_CURLY_RATE = 0.35
#: personal details added to three online answers, for redaction exercises (phone number in
#: Ofcom's drama range, example.com e-mail, invented councillor)
SA_PII = ("Happy to talk more – ring me on 01632 960417.",
          "Cllr Trewin has championed this at the scrutiny committee.",
          "Please contact me at sam.hext@example.com if it helps.")

SA_COLLECTORS = (("224781456", "Web Link 1"), ("224781903", "Email Invitation 1"))
#: the Custom Data 1 of email invitations: the contact list the stakeholder was on
SA_INVITE_LISTS = ("ICS partnership board", "Engagement leads network", "Patient forum chairs",
                   "Voluntary sector alliance")
SA_INTERVIEWERS = ("Interviewer 1", "Interviewer 2")
SA_SURVEY_START, SA_SURVEY_DAYS = "2018-10-01", 26
SA_FIRST_RESPONDENT_ID = 10_224_510_377

SA_METADATA_HEADERS = ("Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address",
                       "Email Address", "First Name", "Last Name", "Custom Data 1")
SA_TYPE_QUESTION = "Which of these best describes the organisation or group you represent?"
SA_OTHER_QUESTION = ("Is there anything else you would like to tell us about public engagement "
                     "across the ICS?")
SA_SUB_HEADERS = {"strength": "What works well", "improvement": "What could be better"}
SA_NOTE_ASPECTS = {"strength": "works well", "improvement": "could be better"}

#: words kept capitalised when they start a sentence part
_SA_PROPER = ("Healthwatch", "PPGs", "PALS", "ICS", "NHS", "CCG", "I")

_SA_ANSWER_DTYPES = {
    "respondent_id": "str", "collector_id": "str", "collector": "str", "start_date": "str",
    "end_date": "str", "custom_data_1": "str", "stakeholder_type": "str", "box": "str",
    "area_id": "str", "aspect": "str", "text": "str", "status": "str",
}
_SA_NOTE_DTYPES = {
    "respondent": "str", "stakeholder_type": "str", "interviewer": "str",
    "interview_date": "str", "area": "str", "aspect": "str", "text": "str",
}


def _sa_lower_first(text: str) -> str:
    first = text.split(" ", 1)[0]
    return text if first in _SA_PROPER or first.isupper() else text[:1].lower() + text[1:]


def _sa_upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _sa_pick(rng: np.random.Generator, pool) -> list[str]:
    """One to three distinct clauses from ``pool``."""
    k = min(len(pool), int(rng.choice([1, 2, 3], p=[0.55, 0.35, 0.10])))
    return [pool[i] for i in rng.choice(len(pool), size=k, replace=False)]


def _sa_online_text(rng: np.random.Generator, clauses: list[str], aspect: str) -> str:
    """An online answer: clauses as sentences, sometimes an opener, a closer, curly quotes."""
    first = clauses[0]
    if rng.random() < 0.25:
        first = str(rng.choice(SA_OPENERS)) + _sa_lower_first(first)
    parts = [_sa_upper_first(first)]
    for clause in clauses[1:]:
        parts.append(("; " + _sa_lower_first(clause)) if rng.random() < 0.4
                     else (". " + _sa_upper_first(clause)))
    text = "".join(parts)
    if rng.random() < 0.8:
        text += "."
    if rng.random() < 0.2:
        text += (" " if text.endswith(".") else ". ") + str(rng.choice(SA_CLOSERS[aspect]))
    if rng.random() < SA_CURLY_RATE:
        text = text.replace("'", "’")
    return text


def _sa_note_text(rng: np.random.Generator, clauses: list[str]) -> str:
    """A telephone note: 'Feels that ...; also ...' in the interviewer's words."""
    text = _sa_upper_first(str(rng.choice(SA_NOTE_STEMS)) + _sa_lower_first(clauses[0]))
    for clause in clauses[1:]:
        text += "; also " + _sa_lower_first(clause)
    return text


def _sa_half_up(x: float) -> int:
    return int(np.floor(x + 0.5))


def _sa_plan(r_people: np.random.Generator, r_plan: np.random.Generator, area_ids: list[str]):
    """Who took part (stakeholder types, last area reached) and who comments where.

    ``planned[channel][aspect]`` is a respondents x areas grid: 1 a comment, 0 nothing
    planned, -1 not reached.
    """
    n_area = len(area_ids)
    channels = {"online": SA_N_ONLINE, "telephone": SA_N_TELEPHONE}

    # ------------------------------------------------------------------ who took part
    types = {c: r_people.permutation(np.repeat(np.array(SA_STAKEHOLDER_TYPES, dtype=object),
                                               SA_TYPE_COUNTS[c])) for c in channels}
    last_area = {c: np.full(n, n_area) for c, n in channels.items()}
    stopped = r_people.choice(SA_N_ONLINE, size=len(SA_STOPPED_AFTER), replace=False)
    last_area["online"][stopped] = SA_STOPPED_AFTER

    # ------------------------------------------------------------------ who comments where
    planned = {}
    for c in channels:
        reached = np.arange(1, n_area + 1)[None, :] <= last_area[c][:, None]
        planned[c] = {}
        for j, aspect in enumerate(("strength", "improvement")):
            grid = np.where(reached, 0, -1)
            for k, area in enumerate(area_ids):
                rate = SA_COMMENT_RATES[area][j + (2 if c == "telephone" else 0)]
                who = np.flatnonzero(reached[:, k])
                chosen = r_plan.choice(who, size=_sa_half_up(rate * len(who)), replace=False)
                grid[chosen, k] = 1
            planned[c][aspect] = grid
    return types, last_area, planned


def _sa_online_answers(r_time: np.random.Generator, r_text: np.random.Generator,
                       area_ids: list[str], types: dict, last_area: dict,
                       planned: dict) -> pd.DataFrame:
    """The tidy record of the online answers: one row per respondent x box, with its status."""
    n_area = len(area_ids)
    day = r_time.integers(0, SA_SURVEY_DAYS, size=SA_N_ONLINE)
    second = r_time.integers(8 * 3600, 19 * 3600, size=SA_N_ONLINE)
    start = (np.datetime64(SA_SURVEY_START, "s") + (day * 86400 + second).astype("timedelta64[s]"))
    start = np.sort(start)
    minutes = r_time.integers(6, 36, size=SA_N_ONLINE) + 2 * last_area["online"]
    end = start + (minutes * 60 + r_time.integers(0, 60, size=SA_N_ONLINE)).astype(
        "timedelta64[s]")
    ids = SA_FIRST_RESPONDENT_ID + np.cumsum(r_time.integers(1_500, 90_000, size=SA_N_ONLINE))
    by_email = r_time.random(SA_N_ONLINE) < 0.6
    invite = r_time.integers(0, len(SA_INVITE_LISTS), size=SA_N_ONLINE)
    iso = np.datetime_as_string(start, unit="s")
    iso_end = np.datetime_as_string(end, unit="s")

    boxes = [("stakeholder_type", "", "")] + [
        (f"{a}_{asp}", a, asp) for a in area_ids for asp in ("strength", "improvement")
    ] + [("other_comments", "", "")]
    answers = np.full((SA_N_ONLINE, len(boxes)), None, dtype=object)
    answers[:, 0] = types["online"]
    for i in range(SA_N_ONLINE):
        for k, area in enumerate(area_ids):
            for j, aspect in enumerate(("strength", "improvement")):
                col = 1 + 2 * k + j
                plan = planned["online"][aspect][i, k]
                if plan == 1:
                    clauses = _sa_pick(r_text, SA_PHRASES[(area, aspect)])
                    answers[i, col] = _sa_online_text(r_text, clauses, aspect)
                elif plan == 0 and r_text.random() < SA_NON_ANSWER_RATE["online"]:
                    answers[i, col] = str(r_text.choice(SA_NON_ANSWERS["online"]))
        if last_area["online"][i] == n_area and r_text.random() < SA_OTHER_RATE:
            answers[i, -1] = str(r_text.choice(SA_OTHER_COMMENTS))
    # personal details in three substantive answers (for redaction exercises)
    substantive = np.argwhere(np.vectorize(lambda v: v is not None and len(v) > 20)(
        answers[:, 1:-1]))
    for (i, col), extra in zip(substantive[r_text.choice(len(substantive), size=len(SA_PII),
                                                         replace=False)], SA_PII):
        text = answers[i, 1 + col]
        answers[i, 1 + col] = text + (" " if text.endswith(".") else ". ") + extra

    # status of every box, as the export reader should find it
    filled = np.vectorize(lambda v: v is not None)(answers)
    status = np.where(filled, "answered", "").astype(object)
    question_of = np.array([0] + [1 + k for k in range(n_area) for _ in range(2)]
                           + [n_area + 1])
    for i in range(SA_N_ONLINE):
        for col in np.flatnonzero(~filled[i]):
            same = filled[i, question_of == question_of[col]].any()
            later = filled[i, question_of > question_of[col]].any()
            status[i, col] = "blank" if same else ("skipped" if later else "not_reached")
    collector = np.where(by_email, 1, 0)
    n_box = len(boxes)
    return pd.DataFrame({
        "respondent_id": np.repeat(ids.astype(str), n_box),
        "collector_id": np.repeat(np.array([c[0] for c in SA_COLLECTORS])[collector], n_box),
        "collector": np.repeat(np.array([c[1] for c in SA_COLLECTORS])[collector], n_box),
        "start_date": np.repeat(np.char.replace(iso.astype(str), "T", " "), n_box),
        "end_date": np.repeat(np.char.replace(iso_end.astype(str), "T", " "), n_box),
        "custom_data_1": np.repeat(np.where(by_email, np.array(SA_INVITE_LISTS, dtype=object)[
            invite], None), n_box),
        "stakeholder_type": np.repeat(types["online"], n_box),
        "box": np.tile([b[0] for b in boxes], SA_N_ONLINE),
        "area_id": np.tile([b[1] or None for b in boxes], SA_N_ONLINE),
        "aspect": np.tile([b[2] or None for b in boxes], SA_N_ONLINE),
        "text": answers.ravel(),
        "status": status.ravel(),
    })


def _sa_telephone_notes(r_time: np.random.Generator, r_text: np.random.Generator,
                        areas: pd.DataFrame, types: dict, planned: dict) -> pd.DataFrame:
    """The interviewer's notes: one row per telephone respondent x area x aspect."""
    area_ids = list(areas["area_id"])
    tel_ids = [f"T{i:02d}" for i in range(1, SA_N_TELEPHONE + 1)]
    tel_day = np.sort(r_time.integers(7, 24, size=SA_N_TELEPHONE))
    tel_date = _iso(SA_SURVEY_START, tel_day)
    interviewer = r_time.integers(0, len(SA_INTERVIEWERS), size=SA_N_TELEPHONE)
    rows = []
    for i in range(SA_N_TELEPHONE):
        for k, area in enumerate(area_ids):
            label = f"{k + 1}. {areas['short_label'].iloc[k]}"
            for aspect in ("strength", "improvement"):
                pool = SA_PHRASES[(area, aspect)] + SA_TELEPHONE_PHRASES.get((area, aspect), ())
                if planned["telephone"][aspect][i, k] == 1:
                    text = _sa_note_text(r_text, _sa_pick(r_text, pool))
                elif r_text.random() < SA_NON_ANSWER_RATE["telephone"]:
                    text = str(r_text.choice(SA_NON_ANSWERS["telephone"]))
                else:
                    text = None
                rows.append({"respondent": tel_ids[i], "stakeholder_type": types["telephone"][i],
                             "interviewer": SA_INTERVIEWERS[interviewer[i]],
                             "interview_date": tel_date[i], "area": label,
                             "aspect": SA_NOTE_ASPECTS[aspect], "text": text})
    return pd.DataFrame(rows, columns=list(_SA_NOTE_DTYPES))


def _self_assessment_frames(rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    areas = load_reference_table("engagement_areas.csv").sort_values("order")
    area_ids = list(areas["area_id"])
    if sorted(area_ids) != sorted(SA_COMMENT_RATES):  # pragma: no cover - table changed
        raise WellbeingError("engagement_areas.csv and SA_COMMENT_RATES name different areas")
    r_people, r_plan, r_text, r_time = rng.spawn(4)
    types, last_area, planned = _sa_plan(r_people, r_plan, area_ids)
    # online first: the two phases draw from the same text and time streams
    online = _sa_online_answers(r_time, r_text, area_ids, types, last_area, planned)
    notes = _sa_telephone_notes(r_time, r_text, areas, types, planned)
    return {"self_assessment_telephone": notes, "self_assessment_online_answers": online}


def _sa_export_rows(answers: pd.DataFrame, *, excel: bool = False) -> list[list]:
    """The SurveyMonkey-style grid (two header rows, then one row per respondent)."""
    areas = load_reference_table("engagement_areas.csv").set_index("area_id")
    boxes = list(pd.unique(answers["box"]))
    h1, h2 = list(SA_METADATA_HEADERS), [""] * len(SA_METADATA_HEADERS)
    for box in boxes:
        if box == "stakeholder_type":
            h1.append(SA_TYPE_QUESTION)
            h2.append("Response")
        elif box == "other_comments":
            h1.append(SA_OTHER_QUESTION)
            h2.append("Open-Ended Response")
        else:
            area_id, aspect = box.split("_", 1)
            a = areas.loc[area_id]
            question = (f"{a['order']}. {str(a['area']).rstrip('.')} – what works well, and "
                        "what could be better?")
            h1.append(question if aspect == "strength" else "")
            h2.append(SA_SUB_HEADERS[aspect])
    wide = answers.pivot(index="respondent_id", columns="box", values="text")
    meta = answers.drop_duplicates("respondent_id").set_index("respondent_id")
    rows = [h1, h2]
    for rid in pd.unique(answers["respondent_id"]):
        m = meta.loc[rid]
        start, end = pd.Timestamp(m["start_date"]), pd.Timestamp(m["end_date"])
        if excel:
            head = [int(rid), int(m["collector_id"]), start.to_pydatetime(), end.to_pydatetime()]
        else:
            head = [rid, m["collector_id"], start.strftime("%m/%d/%Y %I:%M:%S %p"),
                    end.strftime("%m/%d/%Y %I:%M:%S %p")]
        custom = m["custom_data_1"]
        head += ["", "", "", "", "" if pd.isna(custom) else custom]
        body = ["" if pd.isna(v) else v for v in wide.loc[rid, boxes]]
        rows.append(head + body)
    return rows


def write_self_assessment_export(answers: pd.DataFrame, path, *,
                                 encoding: str = "utf-8-sig") -> Path:
    """Write the online self-assessment answers as a SurveyMonkey-style export (CSV or XLSX).

    The layout of SurveyMonkey's "all responses" export with expanded columns: row 1 holds
    ``Respondent ID``, ``Collector ID``, ``Start Date``, ``End Date``, ``IP Address``,
    ``Email Address``, ``First Name``, ``Last Name`` and ``Custom Data 1`` (the last five
    blank or, for ``Custom Data 1``, the invitation list), then the question text over the
    first column of each question; row 2 holds ``Response`` (the stakeholder-type question),
    ``What works well`` / ``What could be better`` under each area, and
    ``Open-Ended Response`` (the closing question).  One row per respondent follows; an
    empty cell is no answer.

    A ``.csv`` file is written with ``\\r\\n`` line endings in ``encoding``: ``"utf-8-sig"``
    (UTF-8 with a byte-order mark, as SurveyMonkey exports) or ``"cp1252"`` (the encoding
    Excel uses when the export is re-saved as "CSV (Comma delimited)" on a UK Windows PC);
    dates as SurveyMonkey writes them (``10/15/2018 09:12:34 AM``, month first).  An
    ``.xlsx`` file has the question text in merged cells over its columns, numbers for the
    IDs and real date cells, and is written byte-reproducibly with
    :func:`wellbeing_lib.reporting.files.write_xlsx`.

    Parameters
    ----------
    answers : DataFrame
        ``generate("engagement_self_assessment")["self_assessment_online_answers"]``.
    path : str or Path
        ``.csv`` or ``.xlsx``.
    encoding : {"utf-8-sig", "cp1252"}
        Text encoding of a CSV file.

    Example
    -------
    >>> import tempfile, pathlib
    >>> from wellbeing_lib.datasets import generate
    >>> from wellbeing_lib.engagement import read_surveymonkey
    >>> answers = generate("engagement_self_assessment")["self_assessment_online_answers"]
    >>> p = write_self_assessment_export(answers, pathlib.Path(tempfile.mkdtemp()) / "sm.csv",
    ...                                  encoding="cp1252")
    >>> survey = read_surveymonkey(p)
    >>> len(survey.responses), survey.answer_columns[1]
    (46, 'q1_transparency_on_decision_making_ics_what_works_well')
    """
    if encoding not in ("utf-8-sig", "cp1252"):
        raise ValueError(f"encoding must be 'utf-8-sig' or 'cp1252', not {encoding!r}")
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "Sheet"
        rows = _sa_export_rows(answers, excel=True)
        for row in rows:
            sheet.append([None if v == "" else v for v in row])
        h1 = rows[0]
        for col, value in enumerate(h1, start=1):
            if value and col < len(h1) and h1[col] == "" and rows[1][col] != "":
                sheet.merge_cells(start_row=1, start_column=col, end_row=1, end_column=col + 1)
        for row in sheet.iter_rows(min_row=3, min_col=3, max_col=4):
            for cell in row:
                cell.number_format = "mm/dd/yyyy hh:mm:ss AM/PM"
        return write_xlsx(book, path)
    if suffix != ".csv":
        raise ValueError(f"path must end in .csv or .xlsx, not {path.name!r}")
    import csv

    buffer = _stdio.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(_sa_export_rows(answers))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


#: the committed export: UTF-8 with a byte-order mark, as SurveyMonkey writes it
SA_EXPORT_STEM = "self_assessment_online"


def _write_self_assessment_exports(frames: dict[str, pd.DataFrame], out_dir) -> list[Path]:
    answers = frames["self_assessment_online_answers"]
    out = Path(out_dir)
    return [write_self_assessment_export(answers, out / f"{SA_EXPORT_STEM}.csv"),
            write_self_assessment_export(answers, out / f"{SA_EXPORT_STEM}.xlsx")]


@register_dataset(
    "engagement_self_assessment",
    files={
        "self_assessment_telephone":
            "telephone interviewer's notes: one row per respondent (T01-T11) x area x aspect",
        "self_assessment_online_answers":
            "the generator's tidy record of the online answers the SurveyMonkey-style export "
            "is made from (one row per respondent x answer box, with the expected status)",
    },
    description="Ten-area ICS public engagement self-assessment by 57 stakeholders (synthetic, "
                "October 2018 layout)",
    dtypes={"self_assessment_telephone": _SA_NOTE_DTYPES,
            "self_assessment_online_answers": _SA_ANSWER_DTYPES},
    extras=_write_self_assessment_exports,
    extra_files={
        f"{SA_EXPORT_STEM}.csv": "SurveyMonkey-style export of the 46 online answers (two "
                                 "header rows, UTF-8 with BOM, CRLF)",
        f"{SA_EXPORT_STEM}.xlsx": "the same export as an Excel workbook",
    },
)
def _generate_engagement_self_assessment(rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """Public engagement self-assessment by 57 stakeholders (the story: data/README.md).

    1. 46 online and 11 telephone respondents, each of a stakeholder type (SA_TYPE_COUNTS);
       three online respondents stop after area 3, 5 and 7.
    2. For each area, channel and aspect an exact number of respondents (SA_COMMENT_RATES x
       those who reached the area) make a substantive comment; some other boxes hold a
       non-answer ("n/a"), the rest are empty (blank, skipped or not reached).
    3. Comments are one to three clauses from SA_PHRASES (telephone: also
       SA_TELEPHONE_PHRASES) with openers, closers, curly apostrophes (online) or the
       interviewer's "Feels that ..." (telephone); three online answers carry personal
       details.
    """
    return _self_assessment_frames(rng)
