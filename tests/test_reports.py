"""The notebook runner, HTML reports, formatted Excel output and the CLI parser."""

import nbformat
import openpyxl
import pandas as pd
import pytest

from wellbeing_lib import cli
from wellbeing_lib.reports import list_notebooks, run_notebooks, write_excel


def _notebook(path, source):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in source]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def test_run_notebooks_passes_data_and_out_dirs_and_keeps_source(tmp_path):
    data = tmp_path / "my data"
    data.mkdir()
    (data / "input.csv").write_text("x\n1\n2\n")
    out = tmp_path / "reports"
    nb_path = _notebook(
        tmp_path / "demo.ipynb",
        [
            "import os, pathlib, pandas as pd\n"
            "DATA = pathlib.Path(os.environ['WELLBEING_DATA'])\n"
            "OUT = pathlib.Path(os.environ['WELLBEING_REPORTS'])",
            "df = pd.read_csv(DATA / 'input.csv'); df.to_excel(OUT / 'sum.xlsx'); int(df.x.sum())",
        ],
    )
    before = nb_path.read_bytes()
    table = run_notebooks([nb_path], data_dir=data, out_dir=out, progress=False)
    assert table["status"].tolist() == ["ok"]
    html = (out / "demo.html").read_text()
    assert "<html" in html and "input.csv" in html
    assert (out / "sum.xlsx").exists()
    assert nb_path.read_bytes() == before  # the committed notebook is never modified


def test_failing_notebook_is_reported_not_raised(tmp_path):
    nb_path = _notebook(tmp_path / "bad.ipynb", ["raise ValueError('bad column age')"])
    table = run_notebooks([nb_path], out_dir=tmp_path / "r", progress=False)
    assert table["status"].tolist() == ["failed"]
    assert "bad column age" in table.loc[0, "error"]
    assert not (tmp_path / "r" / "bad.html").exists()


def test_write_excel_formats_and_refuses_overwrite_when_asked(tmp_path):
    path = tmp_path / "sub" / "report.xlsx"
    frame = pd.DataFrame({"measure": ["SWEMWBS", "UCLA-3"], "n": [850, 720], "pct": [0.85, 0.54]})
    write_excel({"Headline figures": frame, "A" * 40: frame}, path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Headline figures", "A" * 31]
    ws = book["Headline figures"]
    assert [c.value for c in ws[1]] == ["measure", "n", "pct"]
    assert [c.value for c in ws[3]] == ["UCLA-3", 720, 0.54]
    assert ws.freeze_panes == "A2"
    assert ws["A1"].font.bold
    assert ws.column_dimensions["A"].width >= len("SWEMWBS")
    with pytest.raises(FileExistsError):
        write_excel({"x": frame}, path, overwrite=False)


def test_curated_notebooks_are_numbered_in_order():
    names = [p.name for p in list_notebooks()]
    assert names and names[0] == "00_getting_started.ipynb"
    assert names == sorted(names)


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
