"""The wellbeing command line: check, templates, demo on a damaged copy of data/, and
make-sample-data that never overwrites a user's file."""

import hashlib
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from wellbeing_lib import cli
from wellbeing_lib.io import bundled_data_dir
from wellbeing_lib.reporting.notebooks import project_root

CURATED = ["00_getting_started.ipynb", "01_engagement_dialogue.ipynb",
           "02_diagnostic_triangulation.ipynb", "03_social_prescribing_outcomes.ipynb",
           "04_social_return_on_investment.ipynb", "05_engagement_self_assessment.ipynb"]


def _digest(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_cli_parser_knows_the_commands(tmp_path):
    parser = cli.build_parser()
    args = parser.parse_args(["demo", "--data", str(tmp_path), "--out", str(tmp_path / "r")])
    assert args.func is cli._cmd_demo and args.data == tmp_path
    assert parser.parse_args(["make-sample-data", "--check"]).check is True
    assert parser.parse_args(["make-sample-data", "--force"]).force is True
    assert parser.parse_args(["refresh-notebooks"]).notebooks == []
    assert parser.parse_args(["check", "--data", str(tmp_path)]).func is cli._cmd_check
    assert parser.parse_args(["templates", "--out", str(tmp_path)]).func is cli._cmd_templates
    with pytest.raises(SystemExit):
        parser.parse_args(["no-such-command"])


def test_cli_demo_refuses_missing_data_folder(tmp_path, capsys):
    code = cli.main(["demo", "--data", str(tmp_path / "nope"), "--out", str(tmp_path / "r")])
    assert code == 2
    assert "does not exist" in capsys.readouterr().err


def test_cli_demo_refuses_to_write_reports_into_the_data_folder(tmp_path, capsys):
    code = cli.main(["demo", "--data", str(tmp_path), "--out", str(tmp_path / "reports")])
    assert code == 2
    assert "inside the data folder" in capsys.readouterr().err
    assert not (tmp_path / "reports").exists()


def test_check_passes_on_the_bundled_data(capsys):
    assert cli.main(["check", "--data", str(bundled_data_dir())]) == 0
    out = capsys.readouterr().out
    assert "0 error(s) and 0 warning(s)" in out
    assert "Cannot run" not in out


@pytest.fixture(scope="module")
def damaged(tmp_path_factory):
    """A copy of data/ with one file removed, one column renamed, one file saved as XLSX
    instead of CSV and one file with bad values."""
    folder = tmp_path_factory.mktemp("damaged") / "my data"
    shutil.copytree(bundled_data_dir(), folder)
    (folder / "engagement_codings.csv").unlink()  # removed
    survey = folder / "workforce_staff_survey.csv"  # column renamed
    survey.write_text(survey.read_text().replace("indicator", "measure", 1))
    use = folder / "social_prescribing_service_use.csv"  # saved as XLSX instead
    pd.read_csv(use).to_excel(folder / "social_prescribing_service_use.xlsx", index=False)
    use.unlink()
    notes = folder / "self_assessment_telephone.csv"  # bad values: a date and an aspect
    lines = notes.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[8] = lines[8].replace("2018-10-08", "08/10/2018")
    assert ",could be better," in lines[10]
    lines[10] = lines[10].replace(",could be better,", ",could be improved,")
    notes.write_text("".join(lines), encoding="utf-8")
    return folder


def test_check_lists_all_four_problems_in_one_table(damaged, capsys):
    before = _digest(damaged)
    assert cli.main(["check", "--data", str(damaged)]) == 1
    out = capsys.readouterr().out
    table = out.split("\n\n")[0]
    assert re.search(r"error +engagement_codings\.csv .*no such file", table)
    assert re.search(r"error +workforce_staff_survey\.csv +indicator .*required column missing"
                     r".*found organisation, measure", table)
    assert re.search(r"error +social_prescribing_service_use\.csv .*found "
                     r"social_prescribing_service_use\.xlsx instead", table)
    assert re.search(r"error +self_assessment_telephone\.csv +interview_date +9 +not a date.*"
                     r"found 08/10/2018", table)
    assert re.search(r"error +self_assessment_telephone\.csv +aspect +11 +value not allowed.*"
                     r"found could be improved", table)
    assert "Notebooks that can run: 00_getting_started.ipynb" in out
    for name in CURATED[1:]:
        assert f"Cannot run {name}" in out
    assert _digest(damaged) == before  # check writes nothing into the data folder


def test_demo_runs_what_can_run_lists_only_this_runs_files_and_fails(damaged, tmp_path,
                                                                     capsys):
    before = _digest(damaged)
    reports = tmp_path / "reports"
    stale = reports / "run-20000101-000000"
    stale.mkdir(parents=True)
    (stale / "01_engagement_dialogue.html").write_text("an earlier run")
    (reports / "05_engagement_self_assessment.xlsx").write_text("an even earlier run")
    notebooks = [str(project_root() / "notebooks" / n) for n in CURATED]
    code = cli.main(["demo", "--data", str(damaged), "--out", str(reports), *notebooks])
    captured = capsys.readouterr()
    assert code == 1
    run = Path(re.search(r"Reports: (\S+)", captured.out).group(1))
    assert run.parent == reports and run != stale
    listed = {Path(p) for p in re.findall(r"^\s+(/\S+\.(?:html|xlsx|docx))$", captured.out,
                                          re.M)}
    written = {p for p in run.rglob("*") if p.is_file()}
    assert listed == written  # exactly this run's files, nothing from earlier runs
    assert {p.name for p in listed} == {"00_getting_started.html",
                                        "00_getting_started.docx",
                                        "00_getting_started-analyst.html",
                                        "00_getting_started_tables.xlsx"}
    assert re.search(r"00_getting_started\.ipynb +\d+\.\d s  ok$", captured.out, re.M)
    for name in CURATED[1:]:
        assert re.search(rf"{re.escape(name)} +not run: its inputs have errors", captured.out)
    assert "Done: 1 ok, 0 failed, 5 not run" in captured.out
    last = captured.err.strip().splitlines()[-1]  # after the progress bar
    assert last.startswith("error: 01_engagement_dialogue.ipynb: its inputs have errors")
    assert "\x1b" not in captured.err
    assert _digest(damaged) == before  # nothing in the data folder changed


def test_templates_never_overwrite(tmp_path, capsys):
    out = tmp_path / "templates"
    out.mkdir()
    (out / "engagement_codings.csv").write_text("my own codings\n")
    assert cli.main(["templates", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert re.search(r"kept \(exists, not overwritten\) +\S*engagement_codings\.csv", text)
    assert (out / "engagement_codings.csv").read_text() == "my own codings\n"
    assert (out / "social_prescribing_clients.csv").read_text().startswith("client_id,group,")
    assert (out / "diagnostic_workbook_template.xlsx").exists()


def test_make_sample_data_check_compares_every_file_including_subfolders(tmp_path, capsys):
    from wellbeing_lib.datasets import make_sample_data

    written = make_sample_data(tmp_path, progress=False)
    assert any(p.parent != tmp_path for p in written)  # workbooks live in a sub-folder
    assert cli.main(["make-sample-data", "--out", str(tmp_path), "--check"]) == 0
    nested = next(p for p in written if p.parent != tmp_path)
    nested.write_bytes(nested.read_bytes() + b"x")
    (tmp_path / written[0].name).unlink()
    assert cli.main(["make-sample-data", "--out", str(tmp_path), "--check"]) == 1
    err = capsys.readouterr().err
    assert written[0].name in err and nested.name in err


def test_make_sample_data_refuses_to_overwrite_a_users_file(tmp_path, capsys):
    mine = tmp_path / "social_prescribing_clients.csv"
    mine.write_text("client_id,group\nREAL-1,referred\n")
    assert cli.main(["make-sample-data", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "not overwriting 1 file(s)" in err and "social_prescribing_clients.csv" in err
    assert mine.read_text() == "client_id,group\nREAL-1,referred\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["social_prescribing_clients.csv"]
    assert cli.main(["make-sample-data", "--out", str(tmp_path), "--force"]) == 0
    assert mine.read_bytes() == (bundled_data_dir() / mine.name).read_bytes()


def test_cli_lists_datasets_left_aligned(capsys):
    assert cli.main(["datasets"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("dataset") and "description" in lines[0]
    assert lines[1].startswith("social_prescribing  ")
    assert any("diagnostic_workbooks/" in line for line in lines)
