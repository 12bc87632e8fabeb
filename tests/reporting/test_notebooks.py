"""Running notebooks: data and output folders passed through, failures reported."""

import nbformat

from wellbeing_lib.reporting import list_notebooks, run_notebooks


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


def test_curated_notebooks_are_numbered_in_order():
    names = [p.name for p in list_notebooks()]
    assert names and names[0] == "00_getting_started.ipynb"
    assert names == sorted(names)
