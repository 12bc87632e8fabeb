"""The wellbeing command line."""

import pytest

from wellbeing_lib import cli


def test_cli_parser_knows_the_commands(tmp_path):
    parser = cli.build_parser()
    args = parser.parse_args(["demo", "--data", str(tmp_path), "--out", str(tmp_path / "r")])
    assert args.func is cli._cmd_demo and args.data == tmp_path
    assert parser.parse_args(["make-sample-data", "--check"]).check is True
    assert parser.parse_args(["refresh-notebooks"]).notebooks == []
    with pytest.raises(SystemExit):
        parser.parse_args(["no-such-command"])


def test_cli_demo_refuses_missing_data_folder(tmp_path, capsys):
    code = cli.main(["demo", "--data", str(tmp_path / "nope"), "--out", str(tmp_path / "r")])
    assert code == 2
    assert "does not exist" in capsys.readouterr().err


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


def test_cli_lists_datasets_left_aligned(capsys):
    assert cli.main(["datasets"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("dataset") and "description" in lines[0]
    assert lines[1].startswith("social_prescribing  ")
    assert any("diagnostic_workbooks/" in line for line in lines)
