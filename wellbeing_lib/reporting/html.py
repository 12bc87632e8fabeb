"""Self-contained HTML pages: a title, then sections of text, lists, tables and charts.

Pages carry their style inline and their charts as embedded PNG, so they open offline and
need nothing from the web.

Example
-------
>>> page = html_page("Report", [("Findings", "All organisations replied.")])
>>> page.startswith("<!DOCTYPE html>")
True
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .display import present
from .figures import alt_text, figure_to_base64
from .palette import NHS_BLACK, NHS_BLUE, NHS_DARK_GREY, NHS_GREY_4

__all__ = ["RawHTML", "html_page", "write_html"]


class RawHTML(str):
    """Markup that :func:`html_page` inserts as it is (other text is escaped)."""


def _html_block(item) -> str:
    import html

    if item is None:
        return ""
    if isinstance(item, RawHTML):
        return str(item)
    if isinstance(item, str):
        return f"<p>{html.escape(item)}</p>"
    if isinstance(item, pd.DataFrame):
        if item.empty:
            return "<p><em>(none)</em></p>"
        return present(item)._repr_html_()  # human headers, no index, no NaN
    if isinstance(item, (list, tuple)):
        if not item:
            return "<p><em>(none)</em></p>"
        return "<ul>" + "".join(f"<li>{html.escape(str(i))}</li>" for i in item) + "</ul>"
    if hasattr(item, "savefig"):  # a matplotlib Figure
        alt = html.escape(alt_text(item), quote=True)
        return (f'<figure><img alt="{alt}" src="data:image/png;base64,'
                f'{figure_to_base64(item)}"></figure>')
    raise TypeError(f"cannot put a {type(item).__name__} in an HTML page; use text, a list of "
                    "text, a DataFrame, a matplotlib Figure or RawHTML")


_PAGE_STYLE = (
    "body{font-family:Arial,Helvetica,sans-serif;max-width:1100px;margin:2em auto;"
    f"padding:0 1em;color:{NHS_BLACK.lower()};line-height:1.4}}"
    f"h1{{color:{NHS_BLUE}}}h2{{color:{NHS_BLUE};border-bottom:2px solid {NHS_BLUE};"
    "padding-bottom:.2em}"
    "table.wb-table{border-collapse:collapse;font-size:.9em;margin:.5em 0 1em}"
    f"table.wb-table th{{background:{NHS_BLUE};color:#fff;text-align:left;padding:4px 6px}}"
    f"table.wb-table td{{border-bottom:1px solid {NHS_GREY_4.lower()};padding:3px 6px;"
    "vertical-align:top}.num{text-align:right}"
    f"figure{{margin:1em 0}}img{{max-width:100%}}.subtitle{{color:{NHS_DARK_GREY}}}"
)


def html_page(title: str, sections, *, subtitle: str | None = None) -> str:
    """A self-contained HTML page: a title, then sections of text, lists, tables and charts.

    Parameters
    ----------
    title : str
        The page title (``<title>`` and ``<h1>``).
    sections : iterable of (heading, items)
        Each section gets an ``<h2>`` with an ``id`` made from its heading
        (``"Positives"`` → ``id="positives"``).  ``items`` is a list of items (or a
        single item): text (a paragraph, escaped), a list of text (a bulleted list,
        escaped), a DataFrame (a table through the display layer: human headers, no index,
        "not estimable" for missing values), a matplotlib Figure (embedded as a base64 PNG
        with its alternative text, and closed) or :class:`RawHTML` (inserted as it is).
    subtitle : str, optional
        A line under the title.

    Example
    -------
    >>> import pandas as pd
    >>> page = html_page("Report", [("Positives", [["A & B", "C"]]),
    ...                             ("Scores", pd.DataFrame({"x": [1]}))])
    >>> '<h2 id="positives">Positives</h2>' in page, "<li>A &amp; B</li>" in page
    (True, True)
    """
    import html
    import re

    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             f"<title>{html.escape(title)}</title><style>{_PAGE_STYLE}</style></head><body>",
             f"<h1>{html.escape(title)}</h1>"]
    if subtitle:
        parts.append(f'<p class="subtitle">{html.escape(subtitle)}</p>')
    for heading, items in sections:
        anchor = re.sub(r"[^0-9a-z]+", "-", str(heading).casefold()).strip("-")
        parts.append(f'<section><h2 id="{anchor}">{html.escape(str(heading))}</h2>')
        if not isinstance(items, list):
            items = [items]
        parts.extend(_html_block(item) for item in items)
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def write_html(text: str, path, *, overwrite: bool = True) -> Path:
    """Write an HTML page (UTF-8); its folder is created.  Refuses to replace a file if asked."""
    path = Path(path)
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} exists; pass overwrite=True to replace it")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path

