"""Board reports: an executed notebook as a report a board can read (HTML; Word in ``word``).

A board report keeps the story and the results of a notebook and leaves out the machinery:

* no code, no ``In [ ]:`` / ``Out[ ]:`` prompts, no console output, no tracebacks, no
  interactive widgets (they need a running kernel), no Python reprs (an output that only
  has a plain-text form is left out);
* the "Key findings" box (:func:`wellbeing_lib.reporting.key_findings`, found by its
  ``class="wb-key-findings"``) moved to the top, under the title;
* Markdown cells and :func:`~wellbeing_lib.reporting.say` prose as text; display-layer
  tables (:func:`~wellbeing_lib.reporting.present`, ``class="wb-table"``) as they are; a
  raw pandas table shown in the notebook is put through :func:`present` (human headers,
  no index column, no ``NaN``);
* every chart as an embedded PNG with its alternative text (``alt``), taken from the
  output's metadata (:func:`wellbeing_lib.reporting.figures.enable_alt_text` puts it there)
  or, failing that, a sentence saying the chart has no description;
* outputs of cells tagged ``not-for-publication`` left out, as in the analyst version;
* cells tagged ``analyst-only`` (Markdown and code: e.g. a technical appendix) left out
  whole; the analyst version keeps them.

The page is one self-contained file: styles inline, images embedded, no ``<script>`` and
no ``<link>``, so it opens offline on a network that blocks public content delivery
networks.  :func:`board_report` gives the parts (:class:`BoardReport`), which
:func:`board_html` and :func:`wellbeing_lib.reporting.word.board_docx` lay out.

Example
-------
>>> import nbformat
>>> from wellbeing_lib.reporting.story import key_findings
>>> nb = nbformat.v4.new_notebook()
>>> code = nbformat.v4.new_code_cell("key_findings(['Most clients improved.'])")
>>> code.outputs = [nbformat.v4.new_output("execute_result", execution_count=2,
...     data={"text/html": key_findings(["Most clients improved."])._repr_html_(),
...           "text/plain": "Key findings"})]
>>> nb.cells = [nbformat.v4.new_markdown_cell("# Outcomes\\n\\nWhat changed?"), code]
>>> report = board_report(nb)
>>> report.title, report.findings[0]
('Outcomes', 'Most clients improved.')
>>> page = board_html(report)
>>> page.index("wb-key-findings") < page.index("What changed?"), "In [" in page
(True, False)
"""

from __future__ import annotations

import html
import io as stdio
import re
from dataclasses import dataclass

import pandas as pd

from .display import present
from .palette import NHS_BLACK, NHS_BLUE, NHS_DARK_GREY, NHS_GREY_4, NHS_PALE_GREY

__all__ = ["BoardReport", "NOT_FOR_PUBLICATION", "ANALYST_ONLY", "NO_ALT_TEXT", "board_report", "board_html",
           "write_board_html", "image_alt"]

#: cell tag of analyst-only output: never exported to a report
NOT_FOR_PUBLICATION = "not-for-publication"
#: cell tag of a cell for analysts (Markdown or code): kept in the analyst version only
ANALYST_ONLY = "analyst-only"
#: the alternative text of a chart that was given none (never an empty ``alt``)
NO_ALT_TEXT = "Chart: no description was given for this chart."
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"

_ANCHOR = re.compile(r'<a class="anchor-link"[^>]*>.*?</a>', re.S)
_FINDINGS = re.compile(r'<div class="wb-key-findings">.*?</div>', re.S)
_ITEM = re.compile(r"<li>(.*?)</li>", re.S)
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class BoardReport:
    """The parts of a board report, in reading order.

    Attributes
    ----------
    title : str
        From the notebook's first level-1 heading (else its file name).
    findings : tuple of str
        The key findings (plain text), shown first; empty when the notebook has none.
    findings_html : str or None
        The key-findings box as the notebook showed it.
    blocks : tuple of (kind, content)
        ``("html", fragment)`` for text and tables, ``("figure", (png_base64, alt))`` for
        charts, in the notebook's order (the title heading and key findings taken out).
    """

    title: str
    findings: tuple
    findings_html: str | None
    blocks: tuple

    def figures(self) -> list:
        """``(png_base64, alt)`` of every chart, in order."""
        return [content for kind, content in self.blocks if kind == "figure"]


def _markdown(text: str) -> str:
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    return _ANCHOR.sub("", markdown2html_mistune(text))


def _join(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def image_alt(output) -> str:
    """The alternative text of an image output: ``metadata["image/png"]["alt"]``, then
    ``metadata["alt"]``, else :data:`NO_ALT_TEXT`.

    Example
    -------
    >>> image_alt({"metadata": {"image/png": {"alt": "Bar chart of referrals"}}})
    'Bar chart of referrals'
    >>> image_alt({"metadata": {}}) == NO_ALT_TEXT
    True
    """
    metadata = output.get("metadata") or {}
    alt = (metadata.get("image/png") or {}).get("alt") or metadata.get("alt")
    return str(alt).strip() if alt and str(alt).strip() else NO_ALT_TEXT


def _raw_table(markup: str) -> str | None:
    """A pandas HTML table shown through the display layer (no index column), or None."""
    try:
        frames = pd.read_html(stdio.StringIO(markup))
    except (ValueError, ImportError):
        return None
    if len(frames) != 1 or isinstance(frames[0].columns, pd.MultiIndex):
        return None
    frame = frames[0]
    first = str(frame.columns[0]) if len(frame.columns) else ""
    if first.startswith("Unnamed: 0"):
        index = pd.to_numeric(frame[frame.columns[0]], errors="coerce")
        if index.isna().all() or index.tolist() == list(range(len(frame))):
            frame = frame.drop(columns=frame.columns[0])
        else:  # a meaningful index: keep it as a column
            frame = frame.rename(columns={frame.columns[0]: ""})
    return present(frame)._repr_html_()


def _output_blocks(output) -> tuple[list, str | None]:
    """The board blocks of one output, and the key-findings box if it is one."""
    kind = output.get("output_type")
    if kind not in ("display_data", "execute_result"):
        return [], None  # console output, errors: not for a board
    data = output.get("data") or {}
    if WIDGET_MIME in data:
        return [], None
    if "text/html" in data:
        markup = _join(data["text/html"])
        found = _FINDINGS.search(markup)
        if found:
            return [], found.group(0)
        if 'class="wb-table"' in markup:
            return [("html", markup)], None
        if "<table" in markup and 'class="dataframe' in markup:
            table = _raw_table(markup)
            return ([("html", table)] if table else []), None
    if "text/markdown" in data:
        return [("html", _markdown(_join(data["text/markdown"])))], None
    if "image/png" in data:
        png = _join(data["image/png"]).replace("\n", "")
        return [("figure", (png, image_alt(output)))], None
    return [], None  # plain-text reprs, LaTeX, JavaScript...


def board_report(nb, *, name: str | None = None) -> BoardReport:
    """The parts of the board report of an executed notebook (``nbformat`` node).

    Parameters
    ----------
    nb : NotebookNode
        An executed notebook.
    name : str, optional
        Its file name, the title when the notebook has no level-1 heading.

    Returns
    -------
    BoardReport
    """
    title, findings_html, blocks = None, None, []
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags") or []
        if ANALYST_ONLY in tags:
            continue
        if cell.cell_type == "markdown":
            text = _join(cell.source)
            if title is None:
                heading = re.match(r"\s*#\s+(.+)", text)
                if heading:
                    title = heading.group(1).strip()
                    text = text[heading.end():]
            if text.strip():
                blocks.append(("html", _markdown(text)))
            continue
        if cell.cell_type != "code":
            continue
        if NOT_FOR_PUBLICATION in tags:
            continue
        for output in cell.get("outputs", []):
            found, box = _output_blocks(output)
            blocks.extend(found)
            if box is not None and findings_html is None:
                findings_html = box
    blocks = _drop_empty_sections(blocks)
    items = []
    if findings_html:
        items = [html.unescape(_TAG.sub("", i)).strip() for i in _ITEM.findall(findings_html)]
    title = title or (name or "Report")
    return BoardReport(title=_TAG.sub("", title), findings=tuple(items),
                       findings_html=findings_html, blocks=tuple(blocks))


_HEADING_ONLY = re.compile(r"\s*<h([1-6])[^>]*>.*?</h\1>\s*", re.S)
_STARTS_HEADING = re.compile(r"\s*<h([1-6])")


def _drop_empty_sections(blocks: list) -> list:
    """Leave out a heading whose section had only code (e.g. "Parameters"): a heading
    followed directly by a heading of the same or a higher level, or by the end."""
    kept = []
    for i, (kind, content) in enumerate(blocks):
        alone = kind == "html" and _HEADING_ONLY.fullmatch(content)
        if alone:
            following = blocks[i + 1] if i + 1 < len(blocks) else None
            nxt = _STARTS_HEADING.match(following[1]) if following and \
                following[0] == "html" else None
            if following is None or (nxt and int(nxt.group(1)) <= int(alone.group(1))):
                continue
        kept.append((kind, content))
    return kept


_STYLE = (
    "body{font-family:Arial,Helvetica,sans-serif;font-size:16px;max-width:60em;margin:2em auto;"
    f"padding:0 1em;color:{NHS_BLACK.lower()};line-height:1.5}}"
    f"h1{{color:{NHS_BLUE};font-size:2em}}h2{{color:{NHS_BLUE};border-bottom:2px solid "
    f"{NHS_BLUE};padding-bottom:.2em;margin-top:1.6em}}h3{{color:{NHS_BLACK.lower()}}}"
    f".wb-key-findings{{background:{NHS_PALE_GREY};border-left:6px solid {NHS_BLUE};"
    "padding:.6em 1.2em;margin:1em 0 2em}.wb-key-findings h2{border:0;margin-top:.3em}"
    "table{border-collapse:collapse;margin:.6em 0 1.2em;font-size:.95em}"
    f"caption{{text-align:left;font-weight:bold;padding:.3em 0;color:{NHS_BLACK.lower()}}}"
    f"th{{background:{NHS_BLUE};color:#fff;text-align:left;padding:5px 8px;"
    "vertical-align:bottom}"
    f"td{{border-bottom:1px solid {NHS_GREY_4.lower()};padding:4px 8px;vertical-align:top}}"
    ".num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
    f".wb-note,.subtitle,figcaption{{color:{NHS_DARK_GREY};font-size:.9em}}"
    "figure{margin:1.2em 0}img{max-width:100%;height:auto}"
    f"code{{background:{NHS_PALE_GREY};padding:0 .2em}}"
    f"blockquote{{border-left:4px solid {NHS_GREY_4.lower()};margin-left:0;padding-left:1em}}"
    "@media print{body{max-width:none}figure,table{page-break-inside:avoid}}"
)


def board_html(report: BoardReport, *, subtitle: str | None = None) -> str:
    """The board report as one self-contained HTML page (no script, no link, no web font).

    Parameters
    ----------
    report : BoardReport
        From :func:`board_report`.
    subtitle : str, optional
        A line under the title (e.g. where the analyst version is).
    """
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{html.escape(report.title)}</title><style>{_STYLE}</style></head>",
             "<body><main>", f"<h1>{html.escape(report.title)}</h1>"]
    if subtitle:
        parts.append(f'<p class="subtitle">{html.escape(subtitle)}</p>')
    if report.findings_html:
        parts.append(report.findings_html)
    for kind, content in report.blocks:
        if kind == "figure":
            png, alt = content
            parts.append(f'<figure><img alt="{html.escape(alt, quote=True)}" '
                         f'src="data:image/png;base64,{png}"></figure>')
        else:
            parts.append(content)
    parts.append("</main></body></html>")
    return "\n".join(parts) + "\n"


def write_board_html(nb, path, *, name: str | None = None, subtitle: str | None = None):
    """Write the board HTML of an executed notebook to ``path`` (UTF-8); returns the path."""
    from pathlib import Path

    path = Path(path)
    path.write_text(board_html(board_report(nb, name=name), subtitle=subtitle), encoding="utf-8")
    return path
