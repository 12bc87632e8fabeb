"""Running notebooks: folders passed through, failures reported in one plain line and in
the HTML, stalled kernels stopped fast, run folders fresh."""

import time

import nbformat
import pytest
from nbclient.exceptions import CellExecutionError

from wellbeing_lib.reporting import list_notebooks, run_notebooks
from wellbeing_lib.reporting.notebooks import new_run_folder, plain_reason


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
    analyst = (out / "demo-analyst.html").read_text()
    assert "<html" in analyst and "input.csv" in analyst  # the analyst version has the code
    board = (out / "demo.html").read_text()
    assert "<html" in board and "input.csv" not in board  # the board version has none
    assert (out / "sum.xlsx").exists() and (out / "demo.docx").exists()
    # what this run wrote, the board report first
    assert table.loc[0, "outputs"] == ("demo.html", "demo-analyst.html", "demo.docx", "sum.xlsx")
    assert nb_path.read_bytes() == before  # the committed notebook is never modified


def test_failing_notebook_writes_html_with_the_reason_on_top_and_one_plain_line(tmp_path):
    nb_path = _notebook(tmp_path / "bad.ipynb", [
        "x = 1",
        "from wellbeing_lib.errors import MissingColumnError\n"
        "raise MissingColumnError('required column missing', file='clients.csv', "
        "column='practice')",
        "print('never reached')",
    ])
    table = run_notebooks([nb_path], out_dir=tmp_path / "r", progress=False)
    assert table["status"].tolist() == ["failed"]
    reason = table.loc[0, "error"]
    assert reason == ("cell 2: MissingColumnError: required column missing in clients.csv, "
                      "column 'practice'")
    assert "\x1b" not in reason and "\n" not in reason and "Traceback" not in reason
    html = (tmp_path / "r" / "bad-analyst.html").read_text()
    body = html.index("<main")
    top = html.index("This report is incomplete", body)
    assert top < html.index("jp-CodeCell", body)  # the reason comes before the first cell
    assert "never reached" in html  # the source is there; no output past the failure
    board = (tmp_path / "r" / "bad.html").read_text()
    assert "This report is incomplete" in board and "Traceback" not in board
    assert table.loc[0, "outputs"] == ("bad.html", "bad-analyst.html", "bad.docx")


def test_committed_outputs_never_reach_a_report_of_a_failed_run(tmp_path):
    # a notebook saved with the bundled data's results: a run that stops at cell 2 must not
    # show cell 3's committed output (it would read as the user's result)
    nb_path = _notebook(tmp_path / "saved.ipynb", [
        "x = 1", "raise ValueError('your file is broken')", "print('computed')"])
    nb = nbformat.read(nb_path, as_version=4)
    nb.cells[2].outputs = [nbformat.v4.new_output("stream", name="stdout",
                                                   text="BUNDLED RESULT 85.1%\n")]
    nb.cells[2].execution_count = 3
    nbformat.write(nb, nb_path)
    table = run_notebooks([nb_path], out_dir=tmp_path / "r", progress=False)
    assert table["status"].tolist() == ["failed"]
    for name in ("saved.html", "saved-analyst.html"):
        assert "BUNDLED RESULT" not in (tmp_path / "r" / name).read_text()
    assert "BUNDLED RESULT" in nb_path.read_text()  # the committed notebook is untouched


def test_a_stalled_cell_is_stopped_fast_with_a_message(tmp_path):
    nb_path = _notebook(tmp_path / "hang.ipynb", ["import time", "time.sleep(120)"])
    start = time.perf_counter()
    table = run_notebooks([nb_path], out_dir=tmp_path / "r", progress=False, stall_timeout=3)
    took = time.perf_counter() - start
    assert table["status"].tolist() == ["failed"]
    assert table.loc[0, "error"].startswith("cell 2 stalled: its kernel used no CPU for 3 s")
    assert took < 40  # not the 120 s sleep, let alone the 600 s cell timeout
    assert "This report is incomplete" in (tmp_path / "r" / "hang.html").read_text()


def test_a_busy_cell_is_not_taken_for_a_stalled_one(tmp_path):
    nb_path = _notebook(tmp_path / "busy.ipynb", [
        "import time\nend = time.perf_counter() + 4\nn = 0\n"
        "while time.perf_counter() < end:\n    n += 1\nprint('done')"])
    table = run_notebooks([nb_path], out_dir=tmp_path / "r", progress=False, stall_timeout=2)
    assert table["status"].tolist() == ["ok"]


def test_cell_timeout_and_skipped_notebooks(tmp_path):
    slow = _notebook(tmp_path / "slow.ipynb", ["import time; time.sleep(30)"])
    other = _notebook(tmp_path / "other.ipynb", ["1 + 1"])
    table = run_notebooks([slow, other], out_dir=tmp_path / "r", progress=False, timeout=2,
                          stall_timeout=None,
                          skip={"other.ipynb": "inputs have errors: engagement_codings.csv"})
    assert table["status"].tolist() == ["failed", "skipped"]
    assert table.loc[0, "error"] == ("cell 1: did not finish within the time allowed for a "
                                     "cell (stalled or far too slow)")
    assert table.loc[1, "error"] == "inputs have errors: engagement_codings.csv"
    assert not (tmp_path / "r" / "other.html").exists()


def test_plain_reason_strips_colour_codes_and_traceback():
    exc = CellExecutionError("\x1b[0;31mTraceback\x1b[0m ... source ...", "KeyError",
                             "\x1b[0;31m'practice'\x1b[0m")
    assert plain_reason(exc, cell=3) == "cell 3: KeyError: 'practice'"
    assert plain_reason(RuntimeError("first\n\x1b[1mlast line\x1b[0m")) == "RuntimeError: last line"


def test_run_folders_are_fresh(tmp_path):
    first = new_run_folder(tmp_path)
    (first / "old.html").write_text("old")
    second = new_run_folder(tmp_path)
    assert second != first and not any(second.iterdir())


def test_curated_notebooks_are_numbered_in_order():
    names = [p.name for p in list_notebooks()]
    assert names and names[0] == "00_getting_started.ipynb"
    assert names == sorted(names)


@pytest.mark.parametrize("limit", ["timeout", "kernel_timeout", "stall_timeout",
                                   "notebook_timeout"])
def test_limits_are_keyword_arguments_of_the_runner(limit):
    import inspect

    from wellbeing_lib.reporting.notebooks import execute_notebook

    assert limit in inspect.signature(execute_notebook).parameters


def test_kernel_waits_are_bounded_apart_from_cells(monkeypatch, tmp_path):
    """nbclient waits for the first kernel_info reply as long as its ``timeout``; the runner
    gives that wait (and the start-up) the short kernel limit and the cells their own, and
    shuts kernels down at once."""
    import nbclient

    from wellbeing_lib.errors import NotebookRunError
    from wellbeing_lib.reporting.notebooks import execute_notebook

    captured = {}

    class NoKernel:
        def __init__(self, nb, **kwargs):
            captured.update(kwargs)

        def execute(self):
            raise RuntimeError("Kernel didn't respond in 7 seconds")

    monkeypatch.setattr(nbclient, "NotebookClient", NoKernel)
    path = _notebook(tmp_path / "x.ipynb", ["1"])
    with pytest.raises(NotebookRunError, match="^the Python kernel did not start within 7 s$"):
        execute_notebook(path, kernel_timeout=7, timeout=300)
    assert captured["timeout"] == 7 and captured["startup_timeout"] == 7
    assert captured["timeout_func"](None) == 300
    assert captured["shutdown_kernel"] == "immediate"


def test_charts_carry_their_alt_text_into_every_report(tmp_path):
    """The kernels the runner starts give each figure's PNG its alt text (even after
    ``%matplotlib inline``) without changing execution counts; every report shows it."""
    import docx

    from wellbeing_lib.reporting.word import picture_descriptions

    nb_path = _notebook(tmp_path / "alt.ipynb", [
        "%matplotlib inline\nimport matplotlib.pyplot as plt\n"
        "from wellbeing_lib.reporting import set_alt_text",
        "fig, ax = plt.subplots(figsize=(2, 1)); ax.plot([1, 3]); ax.set_title('Rising')",
        "fig, ax = plt.subplots(figsize=(2, 1)); ax.bar(['a'], [2])\n"
        "_ = set_alt_text(ax, 'One bar of height 2.')",
    ])
    table = run_notebooks([nb_path], out_dir=tmp_path / "r", progress=False)
    assert table["status"].tolist() == ["ok"]
    for stem in ("alt", "alt-analyst"):
        html = (tmp_path / "r" / f"{stem}.html").read_text()
        assert 'alt="Chart: Rising."' in html and 'alt="One bar of height 2."' in html
    assert picture_descriptions(tmp_path / "r" / "alt.docx") == ["Chart: Rising.",
                                                                  "One bar of height 2."]
    assert docx.Document(tmp_path / "r" / "alt.docx").paragraphs[0].text == "alt"


def test_enable_alt_text_outside_a_kernel_does_nothing():
    from wellbeing_lib.reporting import enable_alt_text

    assert enable_alt_text() is False
