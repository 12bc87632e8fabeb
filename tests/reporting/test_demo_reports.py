"""Every board report the demo writes (HTML and Word) is a report a board can read: no code,
no prompts, no Python reprs or NaN, human column headers, nothing loaded from the web, every
chart described (alt text), the key findings first."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import docx
import pytest
from docx.oxml.ns import qn

from wellbeing_lib.reporting.board import NO_ALT_TEXT
from wellbeing_lib.reporting.notebooks import list_notebooks
from wellbeing_lib.reporting.word import picture_descriptions

STEMS = [p.stem for p in list_notebooks()]
#: what must never reach a board: code prompts, reprs, missing or infinite values
FORBIDDEN = [
    (re.compile(r"In \["), "an In [ ] prompt"),
    (re.compile(r"Out\["), "an Out[ ] prompt"),
    (re.compile(r"\bNaN\b"), "NaN"),
    (re.compile(r"\bnan\b"), "nan"),
    (re.compile(r"(?<![\w-])-?inf\b"), "inf"),
    (re.compile(r"<function"), "a function repr"),
    (re.compile(r"Result\("), "a result object's repr"),
    (re.compile(r"\{'"), "a dict repr"),
    (re.compile(r"\bdtype\b|\bNone\b|\bNaT\b|<NA>"), "a pandas/Python repr"),
]
SNAKE = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)+$")
EXTERNAL = re.compile(r"^(?:https?:)?//", re.I)


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text, self.headers, self.images, self.external, self.code = [], [], [], [], 0
        self.scripts = 0
        self._in_th = None
        self.first_block = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "link", "iframe", "object", "embed"):
            self.scripts += tag == "script"
            for key in ("src", "href", "data"):
                if attrs.get(key) and EXTERNAL.match(attrs[key]):
                    self.external.append(f"<{tag} {key}={attrs[key]}>")
        if tag == "img":
            self.images.append(attrs.get("alt"))
            if EXTERNAL.match(attrs.get("src") or ""):
                self.external.append(f"<img src={attrs['src']}>")
        if tag == "th":
            self._in_th = ""
        if "jp-CodeCell" in (attrs.get("class") or "") or tag in ("pre", "code") and \
                "highlight" in (attrs.get("class") or ""):
            self.code += 1
        if self.first_block is None and tag in ("div", "section", "table", "figure", "p") \
                and "subtitle" not in (attrs.get("class") or ""):
            self.first_block = attrs.get("class") or tag

    def handle_endtag(self, tag):
        if tag == "th" and self._in_th is not None:
            self.headers.append(self._in_th.strip())
            self._in_th = None

    def handle_data(self, data):
        self.text.append(data)
        if self._in_th is not None:
            self._in_th += data


def _problems(text: str) -> list[str]:
    found = []
    for pattern, what in FORBIDDEN:
        for m in pattern.finditer(text):
            found.append(f"{what}: …{text[max(0, m.start() - 60):m.end() + 40]}…")
    return found


@pytest.mark.parametrize("stem", STEMS)
def test_board_html_is_for_a_board(demo_reports, stem):
    page = _Page()
    page.feed((demo_reports / f"{stem}.html").read_text(encoding="utf-8"))
    text = " ".join(page.text)
    assert not _problems(text), _problems(text)[:5]
    assert page.code == 0 and page.scripts == 0, "code cells or scripts in a board report"
    assert not page.external, page.external
    snake = [h for h in page.headers if SNAKE.match(h)]
    assert not snake, f"snake_case column headers: {snake}"
    assert page.images, "no chart in the board report"
    assert all(alt and alt.strip() and alt != NO_ALT_TEXT for alt in page.images), page.images
    assert page.first_block == "wb-key-findings", "the report must open with its key findings"


@pytest.mark.parametrize("stem", STEMS)
def test_word_report_is_for_a_board(demo_reports, stem):
    path = demo_reports / f"{stem}.docx"
    document = docx.Document(path)
    text = "\n".join(p.text for p in document.paragraphs)
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert not _problems(text + "\n" + "\n".join(cells)), _problems(text)[:5]
    headers = [c.text for t in document.tables[1:] for c in t.rows[0].cells]
    snake = [h for h in headers if SNAKE.match(h)]
    assert not snake, f"snake_case column headers: {snake}"
    pictures = picture_descriptions(path)
    assert pictures and all(d.strip() and d != NO_ALT_TEXT for d in pictures), pictures
    styles = [p.style.name for p in document.paragraphs if p.text.strip()]
    assert styles[0] == "Title" and any(s.startswith("Heading") for s in styles)
    first = document.element.body[1] if document.paragraphs[1].style.name != "Subtitle" \
        else document.element.body[2]
    assert first.tag == qn("w:tbl") and "Key findings" in docx.table.Table(
        first, document).cell(0, 0).text, "the Word report must open with its key findings"


def test_analyst_version_keeps_the_code_and_loads_nothing_from_the_web(demo_reports):
    for stem in STEMS:
        page = _Page()
        page.feed((demo_reports / f"{stem}-analyst.html").read_text(encoding="utf-8"))
        assert page.code > 0, f"{stem}: the analyst version has the code"
        assert not page.external, f"{stem}: {page.external}"
        assert all(alt and alt.strip() for alt in page.images)
