"""Board reports from a hand-made executed notebook: what goes in, what stays out, in which
order; and the Word version of the same report."""

from __future__ import annotations

import base64
import io

import docx
import matplotlib
import nbformat
import pandas as pd
import pytest

from wellbeing_lib.reporting.board import NO_ALT_TEXT, board_html, board_report, image_alt
from wellbeing_lib.reporting.display import present
from wellbeing_lib.reporting.story import key_findings, say
from wellbeing_lib.reporting.word import board_docx, picture_descriptions

matplotlib.use("Agg")


def _png() -> str:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(2, 1.5))
    ax.bar(["a", "b"], [1, 3])
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode()


def _out(kind="display_data", **data):
    fields = {"execution_count": 3} if kind == "execute_result" else {}
    return nbformat.v4.new_output(kind, data=data, **fields)


@pytest.fixture
def notebook():
    nb = nbformat.v4.new_notebook()
    raw = pd.DataFrame({"mean_change": [1.5, float("nan")], "group": ["A", "B"]})
    chart = _out(**{"image/png": _png(), "text/plain": "<Figure size 200x150 with 1 Axes>"})
    chart.metadata = {"image/png": {"alt": "Bar chart: b is three times a."}}
    hidden = nbformat.v4.new_code_cell("small_counts", metadata={"tags": ["not-for-publication"]})
    hidden.outputs = [_out(**{"text/html": "<table class='dataframe'><tr><td>C-123</td></tr>"
                                           "</table>", "text/plain": "C-123"})]
    code = nbformat.v4.new_code_cell("x = analyse()")
    code.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="debug print\n"),
        _out("execute_result", **{"text/plain": "SROIResult(ratio=0.8)"}),
        _out(**{"text/markdown": say("Of **1,500** clients, 85.1% improved.").text,
                "text/plain": "Of 1,500"}),
        _out(**{"text/html": present(raw)._repr_html_(), "text/plain": "table"}),
        _out(**{"text/html": raw.to_html(), "text/plain": "raw"}),
        chart,
        _out(**{"application/vnd.jupyter.widget-view+json": {"model_id": "x"},
                "text/plain": "VBox(...)"}),
        nbformat.v4.new_output("error", ename="KeyError", evalue="'x'",
                               traceback=["Traceback (most recent call last)"]),
    ]
    findings = nbformat.v4.new_code_cell("key_findings([...])")
    findings.outputs = [_out("execute_result", **{
        "text/html": key_findings(["Most clients *improved*.", "Costs fell."])._repr_html_(),
        "text/plain": "Key findings"})]
    appendix = nbformat.v4.new_markdown_cell("## Appendix: on DuckDB",
                                             metadata={"tags": ["analyst-only"]})
    scale = nbformat.v4.new_code_cell("on_duckdb()", metadata={"tags": ["analyst-only"]})
    scale.outputs = [_out(**{"text/markdown": say("Identical on DuckDB.").text,
                             "text/plain": "Identical"})]
    nb.cells = [nbformat.v4.new_markdown_cell("# Outcomes report\n\nWhat changed?"),
                nbformat.v4.new_markdown_cell("## Parameters"),
                nbformat.v4.new_code_cell("DATA = data_dir()"),
                nbformat.v4.new_markdown_cell("## Results"), hidden, code, findings, appendix,
                scale]
    return nb


def test_board_report_keeps_the_story_and_leaves_out_the_machinery(notebook):
    report = board_report(notebook, name="03_x")
    assert report.title == "Outcomes report"
    assert report.findings == ("Most clients improved.", "Costs fell.")
    page = board_html(report, subtitle="Board report.")
    for absent in ("x = analyse()", "debug print", "SROIResult", "VBox", "Traceback",
                   "C-123", "In [", "Out[", "NaN", "<script", "<link", "Parameters",
                   "Appendix", "Identical on DuckDB"):
        assert absent not in page, absent
    assert page.index("wb-key-findings") < page.index("What changed?") < page.index("Results")
    assert "<strong>1,500</strong>" in page and "<em>improved</em>" in page
    assert page.count('class="wb-table"') == 2  # the raw DataFrame went through present()
    assert "Mean change" in page and "not estimable" in page and "mean_change" not in page
    assert 'alt="Bar chart: b is three times a."' in page
    assert report.figures()[0][1] == "Bar chart: b is three times a."


def test_an_image_without_alt_text_says_so():
    assert image_alt({"metadata": {"alt": "Line chart"}}) == "Line chart"
    assert image_alt({"metadata": {"image/png": {"alt": "  "}}}) == NO_ALT_TEXT


def test_word_version_has_headings_tables_and_described_pictures(notebook, tmp_path):
    path = board_docx(board_report(notebook), tmp_path / "report.docx", subtitle="Board.")
    document = docx.Document(path)
    styles = [(p.style.name, p.text) for p in document.paragraphs if p.text.strip()]
    assert styles[0] == ("Title", "Outcomes report")
    assert ("Heading 2", "Results") in styles
    findings, table = document.tables[0], document.tables[1]
    assert "Key findings" in findings.cell(0, 0).text
    assert "Most clients improved." in findings.cell(0, 0).text
    assert [c.text for c in table.rows[0].cells] == ["Mean change", "Group"]
    assert [c.text for c in table.rows[2].cells] == ["not estimable", "B"]
    assert table.rows[0]._tr.trPr is not None  # the header row repeats on each page
    assert picture_descriptions(path) == ["Bar chart: b is three times a."]
    again = board_docx(board_report(notebook), tmp_path / "again.docx", subtitle="Board.")
    assert again.read_bytes() == path.read_bytes()  # the same report gives the same file
