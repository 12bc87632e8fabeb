"""The catalogue of bad input files (``make_bad_inputs.py``): every one raises its named
error with a message naming the file, the column, sheet or cell, and the line - or is read
correctly, as documented."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import wellbeing_lib.errors as errors_module
from wellbeing_lib import diagnostic as dg
from wellbeing_lib import economics as ec
from wellbeing_lib import engagement as en
from wellbeing_lib import outcomes as oc
from wellbeing_lib.contracts import check_file, get_contract
from wellbeing_lib.datasets import load_dataset
from wellbeing_lib.errors import DataError, DataWarning
from wellbeing_lib.io import bundled_data_dir, read_table
from wellbeing_lib.validation import LINE_COLUMN, check_numeric

from .make_bad_inputs import CASES, FILES, make


def _load(path):
    return load_dataset(path.stem, data_dir=path.parent)


def _score_sorted(path):
    data = read_table(path, lines=True).sort_values("client_id", ascending=False)
    return oc.score(data, "ucla3")


def _melt_check(path):
    data = read_table(path, lines=True)
    items = [f"swemwbs_{i}" for i in range(1, 8)]
    long = data.melt(id_vars=["client_id", "time", LINE_COLUMN], value_vars=items,
                     var_name="item", value_name="answer")
    return check_numeric(long, ["answer"], low=1, high=5, integer=True)


def _check_file_errors(path, contract):
    problems = check_file(path, contract)
    errors = problems[problems["severity"] == "error"]
    if len(errors):
        row = errors.iloc[0]
        raise getattr(errors_module, row["error"])(
            row["problem"], file=row["file"], column=row["column"] or None,
            line_numbers=[int(x) for x in row["lines"].split(", ") if x.isdigit()],
            rows=[0] * max(1, int(row["n_rows"])), expected=row["expected"],
            found=[row["found"]])
    return problems


#: entry point name -> how the catalogue calls it on a file
ENTRY_POINTS = {
    "load_dataset": _load,
    "check_file": lambda p: _check_file_errors(p, "social_prescribing_clients.csv"),
    "check_file_notes": lambda p: _check_file_errors(p, "self_assessment_telephone.csv"),
    "score_ucla3": lambda p: oc.score(_load(p), "ucla3"),
    "score_keyed": lambda p: oc.score(read_table(p), "swemwbs", key=["client_id", "time"]),
    "score_sorted": _score_sorted,
    "melt_check": _melt_check,
    "pair": lambda p: oc.pair_measurements(read_table(p), columns=["swemwbs_1"]),
    "service_use_change": lambda p: ec.service_use_change(
        read_table(p), services=["gp_appointments"], unmatched="exclude", n_boot=10),
    "cost_service_use": lambda p: ec.cost_service_use(
        read_table(p), unit_costs={"gp_appointments": "gp_surgery_visit"},
        id=["client_id", "period"]),
    "read_staff_survey": dg.read_staff_survey,
    "read_staff_networks": dg.read_staff_networks,
    "read_diagnostic_csv": dg.read_diagnostic_csv,
    "workbooks": lambda p: dg.load_diagnostic_workbooks(p.parent, errors="raise",
                                                         progress=False),
    "read_notes_table": lambda p: en.read_notes_table(p, question="area"),
    "read_codings": en.read_codings,
    "read_surveymonkey": lambda p: en.read_surveymonkey(p, dayfirst=False),
    "read_surveymonkey_warns": lambda p: en.read_surveymonkey(p, dayfirst=False),
    "read_impact_map": ec.read_impact_map,
    "read_impact_map_warns": ec.read_impact_map,
}


def test_the_catalogue_has_at_least_60_real_files():
    assert len(CASES) >= 60
    assert len({c.id for c in CASES}) == len(CASES)
    assert all((FILES / c.file).is_file() for c in CASES)
    assert {c.entry for c in CASES} <= set(ENTRY_POINTS)


def test_the_script_reproduces_the_committed_files(tmp_path):
    for path in make(tmp_path):
        committed = FILES / path.relative_to(tmp_path)
        assert path.read_bytes() == committed.read_bytes(), committed


ERRORS = [c for c in CASES if c.error not in (None, "DataWarning")]


@pytest.mark.parametrize("case", ERRORS, ids=[c.id for c in ERRORS])
def test_bad_file_raises_its_named_error_naming_where(case):
    path = FILES / case.file
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(DataError if case.error != "UnreadableFileError" else OSError) as info:
            ENTRY_POINTS[case.entry](path)
    assert type(info.value).__name__ == case.error, str(info.value)
    message = str(info.value)
    for part in case.parts:
        assert part in message, f"{part!r} not in: {message}"


WARNED = [c for c in CASES if c.error == "DataWarning"]


@pytest.mark.parametrize("case", WARNED, ids=[c.id for c in WARNED])
def test_handled_with_a_warning_naming_where(case):
    path = FILES / case.file
    with pytest.warns(DataWarning) as caught:
        result = ENTRY_POINTS[case.entry](path)
    message = " | ".join(str(w.message) for w in caught if issubclass(w.category, DataWarning))
    for part in case.parts:
        assert part in message, f"{part!r} not in: {message}"
    if case.id == "export_hidden_first_sheet":
        visible = en.read_surveymonkey(FILES / "export_semicolon.csv", dayfirst=False)
        assert result.responses["respondent_id"].tolist() == \
            visible.responses["respondent_id"].tolist()
    elif case.id.startswith("impact_"):
        assert result["quantity"].tolist() == [40.0, 100.0, 25.0]  # not the hidden 400


def _clients_expected():
    return load_dataset("social_prescribing_clients").head(6)


HANDLED = {
    "clients_semicolon": lambda r: pd.testing.assert_frame_equal(
        r, _clients_expected(), check_like=False),
    "clients_utf16_tab": lambda r: pd.testing.assert_frame_equal(r, _clients_expected()),
    "clients_cp1252_crlf": lambda r: r.loc[0, "referral_note"] == "“Can’t afford £5 bus fare”",
    "notes_utf16": lambda r: len(r) == 6 and r["text"].str.contains("–").any(),
    "export_semicolon": lambda r: r.to_frame().equals(
        en.read_surveymonkey(FILES / "export_utf16.txt", dayfirst=False).to_frame()),
    "export_utf16": lambda r: len(r.responses) == 6,
    "impact_numbers_as_text": lambda r: r["quantity"].tolist() == [40.0, 100.0, 25.0],
}


HANDLED_CASES = [c for c in CASES if c.error is None]


@pytest.mark.parametrize("case", HANDLED_CASES, ids=[c.id for c in HANDLED_CASES])
def test_awkward_but_valid_file_is_read_correctly(case):
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataWarning)
        result = ENTRY_POINTS[case.entry](FILES / case.file)
    outcome = HANDLED[case.id](result)
    assert outcome is None or outcome, case.handled


def test_export_in_another_encoding_gives_the_same_answers_as_the_original():
    original = en.read_surveymonkey(bundled_data_dir() / "self_assessment_online.csv")
    for name in ("export_semicolon.csv", "export_utf16.txt"):
        copy = en.read_surveymonkey(FILES / name, dayfirst=False)
        head = original.to_frame()
        head = head[head["respondent"].isin(copy.responses["respondent_id"])]
        assert len(head) > 20
        assert copy.to_frame()["text"].tolist() == head["text"].tolist()


def test_contract_check_lists_every_problem_of_a_file_at_once():
    """check_file does not stop at the first problem: the blank-lines file has one, the
    notes file one, and a file with several problems lists them all."""
    problems = check_file(FILES / "clients_blank_lines.csv", "social_prescribing_clients.csv")
    assert problems["lines"].tolist() == ["5"]  # the spreadsheet row, the blank row counted
    several = check_file(FILES / "clients_total_row" / "social_prescribing_clients.csv")
    assert "total row" in several["problem"].tolist()
    assert get_contract("social_prescribing_clients").key == ("client_id",)
