"""Word versions of the board reports (python-docx): the same parts as the board HTML.

:func:`board_docx` lays out a :class:`~wellbeing_lib.reporting.board.BoardReport` as a
``.docx``: the title, the "Key findings" box (a shaded one-cell table), then the story with
real Word headings (so the navigation pane and a table of contents work), bulleted and
numbered lists, tables with a repeated bold header row (numbers right-aligned), and charts
as pictures whose description (the "alt text" Word shows to screen readers) is the chart's
alternative text.

The HTML fragments of the board report (Markdown rendered by nbconvert, display-layer
tables) are read with the standard library's HTML parser; only the elements those fragments
use are laid out (headings, paragraphs, emphasis, code, links as their text, lists, block
quotes, tables, images); anything else keeps its text.

The document is written byte-reproducibly (fixed core-property dates, zip entries in a
fixed order), so the same notebook outputs give the same file.

Example
-------
>>> import base64, tempfile, pathlib, docx
>>> from wellbeing_lib.reporting.board import BoardReport
>>> report = BoardReport("Outcomes", ("Most clients improved.",), None,
...                      (("html", "<h2>Method</h2><p>We compared <strong>two</strong> "
...                                "groups.</p>"),))
>>> path = board_docx(report, pathlib.Path(tempfile.mkdtemp()) / "r.docx")
>>> [(p.style.name, p.text) for p in docx.Document(path).paragraphs if p.text][:3]
[('Title', 'Outcomes'), ('Heading 2', 'Method'), ('Normal', 'We compared two groups.')]
"""

from __future__ import annotations

import base64
import datetime
import io as stdio
import re
from html.parser import HTMLParser
from pathlib import Path

from .palette import NHS_BLUE, NHS_PALE_GREY, excel_colour

__all__ = ["board_docx", "html_to_docx", "picture_descriptions"]

_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_BLOCKS = {"p", "div", "li", "blockquote", "pre", "figcaption", "caption", "section",
           "figure", "main"}
#: the width charts are placed at (inches; an A4 page with 2.5 cm margins has ~6.3)
PICTURE_WIDTH = 6.0
DOCX_TIMESTAMP = datetime.datetime(2022, 1, 1, 0, 0, 0)


class _Builder(HTMLParser):
    """Lays out HTML fragments in a python-docx document, element by element."""

    def __init__(self, doc) -> None:
        super().__init__(convert_charrefs=True)
        self.doc = doc
        self.para = None
        self.marks: list[str] = []  # open inline marks: strong, em, code
        self.lists: list[str] = []  # open ul / ol
        self.quote = 0
        self.table = None  # {"rows": [[(text, is_header, is_num)]], "caption": str}
        self.cell = None
        self.caption = None
        self.skip = 0  # inside <style>/<script>

    # -------------------------------------------------------------- paragraphs
    def _new_para(self, style: str | None = None):
        self.para = self.doc.add_paragraph(style=style)
        return self.para

    def _text(self, text: str) -> None:
        if self.skip:
            return
        if self.cell is not None:
            self.cell[0] += text
            return
        if self.caption is not None:
            self.caption += text
            return
        if not text.strip() and self.para is None:
            return
        if self.para is None:
            style = "Quote" if self.quote else None
            self._new_para(style)
        text = re.sub(r"\s+", " ", text)
        if not self.para.runs:
            text = text.lstrip()
        run = self.para.add_run(text)
        run.bold = "strong" in self.marks or None
        run.italic = "em" in self.marks or None
        if "code" in self.marks:
            run.font.name = "Consolas"

    def handle_starttag(self, tag, attrs):  # noqa: C901 - one branch per element
        attrs = dict(attrs)
        if tag in ("style", "script"):
            self.skip += 1
        elif tag in _HEADINGS:
            level = min(_HEADINGS[tag], 4)
            self.para = self.doc.add_heading("", level=level)
        elif tag in ("strong", "b"):
            self.marks.append("strong")
        elif tag in ("em", "i"):
            self.marks.append("em")
        elif tag == "code":
            self.marks.append("code")
        elif tag in ("ul", "ol"):
            self.lists.append(tag)
            self.para = None
        elif tag == "li":
            style = "List Number" if self.lists and self.lists[-1] == "ol" else "List Bullet"
            if len(self.lists) > 1:
                style += " 2"
            self._new_para(style)
        elif tag == "blockquote":
            self.quote += 1
            self.para = None
        elif tag == "br" and self.para is not None:
            self.para.add_run().add_break()
        elif tag == "table":
            self.table = {"rows": [], "caption": None}
        elif tag == "caption" and self.table is not None:
            self.caption = ""
        elif tag == "tr" and self.table is not None:
            self.table["rows"].append([])
        elif tag in ("td", "th") and self.table is not None:
            self.cell = ["", tag == "th", "num" in (attrs.get("class") or "")]
        elif tag == "img":
            self._picture(attrs)
        elif tag in _BLOCKS:
            self.para = None

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self.skip = max(0, self.skip - 1)
        elif tag in _HEADINGS:
            self.para = None
        elif tag in ("strong", "b", "em", "i", "code"):
            want = {"b": "strong", "i": "em"}.get(tag, tag)
            if want in self.marks:
                self.marks.reverse()
                self.marks.remove(want)
                self.marks.reverse()
        elif tag in ("ul", "ol"):
            if self.lists:
                self.lists.pop()
            self.para = None
        elif tag == "blockquote":
            self.quote = max(0, self.quote - 1)
            self.para = None
        elif tag == "caption" and self.table is not None:
            self.table["caption"], self.caption = (self.caption or "").strip(), None
        elif tag in ("td", "th") and self.cell is not None and self.table is not None:
            text = re.sub(r"\s+", " ", self.cell[0]).strip()
            self.table["rows"][-1].append((text, self.cell[1], self.cell[2]))
            self.cell = None
        elif tag == "table" and self.table is not None:
            self._lay_table(self.table)
            self.table = None
            self.para = None
        elif tag in _BLOCKS:
            self.para = None

    def handle_data(self, data):
        self._text(data)

    # ------------------------------------------------------------ tables, images
    def _lay_table(self, table) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        rows = [r for r in table["rows"] if r]
        if table["caption"]:
            self.doc.add_paragraph(table["caption"], style="Caption")
        if not rows:
            return
        width = max(len(r) for r in rows)
        grid = self.doc.add_table(rows=len(rows), cols=width)
        grid.style = "Table Grid"
        for i, row in enumerate(rows):
            header = all(is_header for _, is_header, _ in row)
            for j, (text, _, numeric) in enumerate(row):
                cell = grid.cell(i, j)
                cell.text = text
                para = cell.paragraphs[0]
                if numeric:
                    para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                if header:
                    for run in para.runs:
                        run.bold = True
                    _shade(cell, NHS_PALE_GREY)
            if header:
                _repeat_header(grid.rows[i])

    def _picture(self, attrs) -> None:
        from docx.shared import Inches

        src = attrs.get("src") or ""
        if not src.startswith("data:image/png;base64,"):
            return
        data = base64.b64decode(src.split(",", 1)[1])
        self.doc.add_picture(stdio.BytesIO(data), width=Inches(PICTURE_WIDTH))
        shape = self.doc.inline_shapes[-1]
        alt = attrs.get("alt") or ""
        shape._inline.docPr.set("descr", alt)
        shape._inline.docPr.set("title", alt[:80])
        self.para = None


def _shade(cell, colour: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), excel_colour(colour))
    cell._tc.get_or_add_tcPr().append(shading)


def _repeat_header(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    mark = OxmlElement("w:tblHeader")
    mark.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(mark)


def html_to_docx(fragment: str, doc) -> None:
    """Lay out an HTML fragment (board-report markup) at the end of a python-docx document."""
    builder = _Builder(doc)
    builder.feed(fragment)
    builder.close()


def _findings_box(doc, title: str, items) -> None:
    """The key findings in a shaded, blue-bordered one-cell table."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    box = doc.add_table(rows=1, cols=1)
    cell = box.cell(0, 0)
    _shade(cell, NHS_PALE_GREY)
    borders = OxmlElement("w:tcBorders")
    for side in ("top", "left", "bottom", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "single")
        edge.set(qn("w:sz"), "24" if side == "left" else "4")
        edge.set(qn("w:color"), excel_colour(NHS_BLUE))
        borders.append(edge)
    cell._tc.get_or_add_tcPr().append(borders)
    head = cell.paragraphs[0]
    run = head.add_run(title)
    run.bold = True
    run.font.size = None
    for item in items:
        cell.add_paragraph(item, style="List Bullet")
    doc.add_paragraph()


def board_docx(report, path, *, subtitle: str | None = None) -> Path:
    """Write a board report (:class:`~wellbeing_lib.reporting.board.BoardReport`) as .docx.

    Parameters
    ----------
    report : BoardReport
    path : path
        The ``.docx`` file to write (its folder must exist).
    subtitle : str, optional
        A line under the title.

    Returns
    -------
    Path
    """
    import docx
    from docx.shared import Pt

    doc = docx.Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    doc.core_properties.title = report.title
    doc.core_properties.author = "wellbeing_lib"
    doc.add_heading(report.title, level=0)
    if subtitle:
        doc.add_paragraph(subtitle, style="Subtitle")
    if report.findings:
        _findings_box(doc, "Key findings", report.findings)
    for kind, content in report.blocks:
        if kind == "figure":
            png, alt = content
            html_to_docx(f'<img alt="{_attr(alt)}" src="data:image/png;base64,{png}">', doc)
        else:
            html_to_docx(content, doc)
    return _save(doc, Path(path))


def _attr(text: str) -> str:
    import html

    return html.escape(text, quote=True)


def _save(doc, path: Path) -> Path:
    """Save with fixed dates and zip entry times, so the same report gives the same bytes."""
    import zipfile

    doc.core_properties.created = DOCX_TIMESTAMP
    doc.core_properties.modified = DOCX_TIMESTAMP
    doc.core_properties.last_printed = DOCX_TIMESTAMP
    doc.core_properties.revision = 1
    raw = stdio.BytesIO()
    doc.save(raw)
    out = stdio.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            info = zipfile.ZipInfo(name, date_time=DOCX_TIMESTAMP.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            dst.writestr(info, src.read(name), compresslevel=6)
    path.write_bytes(out.getvalue())
    return path


def picture_descriptions(path) -> list[str]:
    """The description (alt text) of every picture in a .docx, in order.

    Example
    -------
    >>> import tempfile, pathlib
    >>> from wellbeing_lib.reporting.board import BoardReport
    >>> picture_descriptions(board_docx(BoardReport("T", (), None, ()),
    ...                                 pathlib.Path(tempfile.mkdtemp()) / "t.docx"))
    []
    """
    import docx
    from docx.oxml.ns import qn

    body = docx.Document(path).element.body
    return [el.get("descr") or "" for el in body.iter(qn("wp:docPr"))]
