"""Prose from results: sentences and key findings whose figures come from the computation.

A notebook that states a figure in its prose must take it from the computed result, so a
report run on the user's own data describes the user's data.  :func:`say` shows a
sentence (Markdown) written in the notebook from the results (an f-string using the
``format_*`` functions of :mod:`wellbeing_lib.reporting.display`); :func:`key_findings`
shows the "Key findings" box a board report opens with.  Both are plain objects that
IPython displays (Markdown / HTML) and that print as text, so notebooks compare exactly
under nbval and the report exporter can find them (``class="wb-key-findings"``).

:func:`number`, :func:`percent`, :func:`money` and :func:`interval` write one figure for a
sentence; a count of people is written with :func:`wellbeing_lib.privacy.published_count`.

Example
-------
>>> n, share = 1500, 0.851
>>> say(f"Of {n:,} referred clients, {percent(share)} improved on at least one measure "
...     f"(95% CI {interval(0.825, 0.874, 'proportion')}).")
Of 1,500 referred clients, 85.1% improved on at least one measure (95% CI 82.5% to 87.4%).
>>> key_findings(["Most clients improved.", "The ratio is below 1."])
Key findings
- Most clients improved.
- The ratio is below 1.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from .display import format_interval, format_money, format_number, format_percent

__all__ = ["Prose", "KeyFindings", "say", "key_findings", "number", "percent", "money",
           "interval"]


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


# ------------------------------------------------------------- one figure in a sentence
def number(x, decimals: int = 2) -> str:
    """One number for a sentence, written as the tables write it: ``number(-1234.5)`` →
    ``"−1,234.50"``."""
    return format_number([x], decimals)[0]


def percent(x, proportion: bool = True, decimals: int = 1) -> str:
    """One proportion (or, with ``proportion=False``, a percentage) for a sentence:
    ``percent(0.851)`` → ``"85.1%"``."""
    return format_percent([x], decimals, proportion=proportion)[0]


def money(x, decimals: int = 0) -> str:
    """One sum of money for a sentence: ``money(-109248)`` → ``"−£109,248"``."""
    return format_money([x], decimals)[0]


def interval(low, high, kind: str = "number", decimals: int | None = None) -> str:
    """One interval for a sentence: ``interval(0.825, 0.874, "proportion")`` →
    ``"82.5% to 87.4%"``."""
    return format_interval([low], [high], kind, decimals)[0]
