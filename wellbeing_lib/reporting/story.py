"""Prose from results: sentences and key findings whose figures come from the computation.

A notebook that states a figure in its prose must take it from the computed result, so a
report run on the user's own data describes the user's data.  :func:`say` shows a
sentence (Markdown) written in the notebook from the results (an f-string using the
``format_*`` functions of :mod:`wellbeing_lib.reporting.display`); :func:`key_findings`
shows the "Key findings" box a board report opens with.  Both are plain objects that
IPython displays (Markdown / HTML) and that print as text, so notebooks compare exactly
under nbval and the report exporter can find them (``class="wb-key-findings"``).

Example
-------
>>> from wellbeing_lib.reporting.display import format_count, format_percent
>>> n, share = 1500, 0.851
>>> say(f"Of {format_count([n])[0]} referred clients, {format_percent([share], proportion=True)[0]} "
...     "improved on at least one measure.")
Of 1,500 referred clients, 85.1% improved on at least one measure.
>>> key_findings(["Most clients improved.", "The ratio is below 1."])
Key findings
- Most clients improved.
- The ratio is below 1.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

__all__ = ["Prose", "KeyFindings", "say", "key_findings"]


def _inline(text: str) -> str:
    """Escape text for HTML, keeping **bold** and *italic* Markdown emphasis."""
    out = html.escape(text)
    out = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", out)
    return re.sub(r"(?<![*\w])\*(?!\s)(.+?)(?<!\s)\*(?![*\w])", r"<em>\1</em>", out)


@dataclass(frozen=True)
class Prose:
    """A paragraph of Markdown written from results; displays as Markdown, prints as text."""

    text: str

    def _repr_markdown_(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text


@dataclass(frozen=True)
class KeyFindings:
    """The findings a report opens with, each one sentence computed from the results."""

    items: tuple
    title: str = "Key findings"

    def _repr_html_(self) -> str:
        items = "".join(f"<li>{_inline(str(i))}</li>" for i in self.items)
        return (f'<div class="wb-key-findings"><h2>{html.escape(self.title)}</h2>'
                f"<ul>{items}</ul></div>")

    def __repr__(self) -> str:
        return "\n".join([self.title, *[f"- {i}" for i in self.items]])


def say(text: str) -> Prose:
    """Show a sentence or paragraph (Markdown) written from computed results.

    Parameters
    ----------
    text : str
        Markdown, usually an f-string whose figures come from the results above it.

    Returns
    -------
    Prose
    """
    if not isinstance(text, str):
        raise TypeError(f"say() takes text, not {type(text).__name__}")
    return Prose(text)


def key_findings(items, *, title: str = "Key findings") -> KeyFindings:
    """The "Key findings" box: a short list of sentences computed from the results.

    Parameters
    ----------
    items : list of str
        One finding per item (Markdown emphasis allowed).
    title : str, default "Key findings"

    Returns
    -------
    KeyFindings
    """
    items = [items] if isinstance(items, str) else list(items)
    if not items or not all(isinstance(i, str) and i.strip() for i in items):
        raise ValueError("key_findings needs at least one non-empty sentence")
    return KeyFindings(tuple(items), title)
