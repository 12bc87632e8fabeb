"""Reports: executing the curated notebooks, HTML export and formatted Excel output.

The main job (``wellbeing demo``) runs every notebook in ``notebooks/`` against a data
folder and writes ``reports/<notebook>.html`` plus any Excel workbooks the notebooks
produce.  Notebooks find their inputs and output folder through two environment
variables, read in their parameters cell:

* ``WELLBEING_DATA``    – folder of input files (default: the bundled ``data/``);
* ``WELLBEING_REPORTS`` – folder for HTML/XLSX outputs (default: ``reports/``).

The committed notebooks are never modified by the demo run; ``wellbeing
refresh-notebooks`` is the one command that re-executes and saves them in place
(so that strict ``pytest --nbval`` compares against fresh outputs).

Example
-------
>>> from wellbeing_lib.reports import list_notebooks
>>> [p.name for p in list_notebooks()][:1]
['00_getting_started.ipynb']
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .io import DATA_ENV

__all__ = [
    "REPORTS_ENV",
    "project_root",
    "reports_dir",
    "list_notebooks",
    "execute_notebook",
    "run_notebooks",
    "refresh_notebooks",
    "write_excel",
    "NotebookRun",
]

#: environment variable naming the folder notebooks write their outputs to
REPORTS_ENV = "WELLBEING_REPORTS"

#: seconds a single notebook cell may run before the run is abandoned
CELL_TIMEOUT = 600


def project_root() -> Path:
    """The source checkout (the folder holding ``notebooks/`` and ``data/``)."""
    return Path(__file__).resolve().parent.parent


def reports_dir(path=None) -> Path:
    """Resolve (and create) the output folder: ``path``, ``$WELLBEING_REPORTS`` or ``reports/``."""
    if path is None:
        path = os.environ.get(REPORTS_ENV) or project_root() / "reports"
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    return path


def list_notebooks(folder=None) -> list[Path]:
    """The curated notebooks, in their numbered order."""
    folder = Path(folder) if folder is not None else project_root() / "notebooks"
    return sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("."))


@dataclass(frozen=True)
class NotebookRun:
    """Outcome of executing one notebook."""

    notebook: str
    html: Path | None
    seconds: float
    error: str | None = None


def _env(data_dir, out_dir) -> dict:
    env = {}
    if data_dir is not None:
        env[DATA_ENV] = str(Path(data_dir).resolve())
    if out_dir is not None:
        env[REPORTS_ENV] = str(Path(out_dir).resolve())
    return env


class _patched_environ:
    """Temporarily set environment variables (the kernel inherits them)."""

    def __init__(self, values: dict) -> None:
        self.values = values
        self.saved: dict = {}

    def __enter__(self):
        for key, value in self.values.items():
            self.saved[key] = os.environ.get(key)
            os.environ[key] = value
        return self

    def __exit__(self, *exc):
        for key, old in self.saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


def execute_notebook(path, *, data_dir=None, out_dir=None, timeout: int = CELL_TIMEOUT):
    """Execute a notebook in a fresh kernel and return the executed ``nbformat`` node.

    The kernel's working directory is the notebook's folder; ``data_dir`` and
    ``out_dir`` are passed through ``WELLBEING_DATA`` / ``WELLBEING_REPORTS``.
    """
    import nbformat
    from nbclient import NotebookClient

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        # the kernel only listens on this machine's loopback; keep its start-up
        # notice about unencrypted TCP out of the user's console
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
    )
    env = {"MPLBACKEND": "module://matplotlib_inline.backend_inline", "PYTHONHASHSEED": "0"}
    env.update(_env(data_dir, out_dir))
    with _patched_environ(env):
        client.execute()
    return nb


def _to_html(nb) -> str:
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab")
    body, _ = exporter.from_notebook_node(nb)
    return body


def run_notebooks(
    notebooks: Sequence | None = None,
    *,
    data_dir=None,
    out_dir=None,
    progress: bool = True,
) -> pd.DataFrame:
    """Execute notebooks and write ``<out_dir>/<notebook>.html`` for each.

    Parameters
    ----------
    notebooks : list of paths, optional
        Default: every notebook in ``notebooks/``.
    data_dir : path, optional
        Folder of input files in the bundled formats (default: bundled ``data/``).
    out_dir : path, optional
        Where reports go (default ``reports/``); notebooks write their XLSX here too.
    progress : bool
        Show a progress bar.

    Returns
    -------
    DataFrame
        One row per notebook: notebook, html, seconds, status, error.
    """
    import time

    from tqdm.auto import tqdm

    notebooks = [Path(p) for p in (notebooks or list_notebooks())]
    out = reports_dir(out_dir)
    rows = []
    bar = tqdm(notebooks, desc="Running notebooks", unit="notebook", disable=not progress)
    for path in bar:
        bar.set_postfix_str(path.name)
        start = time.perf_counter()
        try:
            nb = execute_notebook(path, data_dir=data_dir, out_dir=out)
        except Exception as exc:  # keep going: report every notebook's fate
            rows.append(NotebookRun(path.name, None, time.perf_counter() - start, _short(exc)))
            continue
        html = out / f"{path.stem}.html"
        html.write_text(_to_html(nb), encoding="utf-8")
        rows.append(NotebookRun(path.name, html, time.perf_counter() - start))
    table = pd.DataFrame([r.__dict__ for r in rows], columns=["notebook", "html", "seconds", "error"])
    table["status"] = table["error"].isna().map({True: "ok", False: "failed"})
    return table


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    # nbclient's CellExecutionError ends with the exception line: keep the informative tail
    tail = [line for line in text if line.strip()][-3:]
    return " | ".join(tail) if tail else type(exc).__name__


def refresh_notebooks(notebooks: Iterable | None = None, *, progress: bool = True) -> list[Path]:
    """Re-execute notebooks on the bundled data and save them in place with their outputs.

    This is how the committed outputs that strict nbval checks are produced. The
    ``WELLBEING_DATA``/``WELLBEING_REPORTS`` variables are ignored so the saved outputs
    always come from the bundled data; XLSX outputs go to a temporary folder.
    """
    import tempfile

    import nbformat
    from tqdm.auto import tqdm

    paths = [Path(p) for p in (notebooks or list_notebooks())]
    saved = []
    with tempfile.TemporaryDirectory() as tmp, _patched_environ({DATA_ENV: "", REPORTS_ENV: tmp}):
        for path in tqdm(paths, desc="Refreshing notebooks", unit="notebook", disable=not progress):
            nb = execute_notebook(path, out_dir=tmp)
            nbformat.write(nb, path)
            saved.append(path)
    return saved


def write_excel(
    sheets: dict[str, pd.DataFrame],
    path,
    *,
    index: bool = False,
    overwrite: bool = True,
) -> Path:
    """Write DataFrames to a formatted workbook: bold frozen header, widths fitted to content.

    Parameters
    ----------
    sheets : dict of sheet name → DataFrame
        Written in order; sheet names are cut to Excel's 31 characters.
    path : path
        Output ``.xlsx`` file; its folder is created.
    index : bool
        Write the DataFrame index as the first column(s).
    overwrite : bool
        If False, refuse to replace an existing file (FileExistsError).

    Example
    -------
    >>> import pandas as pd, tempfile, pathlib, openpyxl
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "out.xlsx"
    >>> _ = write_excel({"Summary": pd.DataFrame({"measure": ["SWEMWBS"], "n": [10]})}, p)
    >>> ws = openpyxl.load_workbook(p)["Summary"]
    >>> ws["A1"].value, ws["B2"].value, ws.freeze_panes
    ('measure', 10, 'A2')
    """
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    path = Path(path)
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} exists; pass overwrite=True to replace it")
    path.parent.mkdir(parents=True, exist_ok=True)
    header_fill = PatternFill("solid", fgColor="005EB8")  # NHS blue
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            sheet = str(name)[:31]
            frame.to_excel(writer, sheet_name=sheet, index=index)
            ws = writer.sheets[sheet]
            ws.freeze_panes = "A2"
            for cell in ws[1]:
                cell.font = Font(bold=True, color="FFFFFF")
                cell.fill = header_fill
            shown = frame.reset_index() if index else frame
            for i, col in enumerate(shown.columns, start=1):
                lengths = shown[col].astype("string").str.len().fillna(0)
                width = max([len(str(col)), *lengths.tolist()[:1000], 6])
                ws.column_dimensions[get_column_letter(i)].width = min(width + 2, 60)
    return path


# ------------------------------------------------------------------ HTML pages
class RawHTML(str):
    """Markup that :func:`html_page` inserts as it is (other text is escaped)."""


def figure_to_base64(fig, *, dpi: int = 100, close: bool = True) -> str:
    """A matplotlib figure as base64-encoded PNG, for ``<img src="data:image/png;base64,...">``.

    The PNG carries no software or time stamp, so the same figure gives the same text.

    Example
    -------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(figsize=(2, 1))
    >>> text = figure_to_base64(fig, dpi=50)
    >>> import base64
    >>> base64.b64decode(text)[:4]
    b'\\x89PNG'
    """
    import base64
    import io as stdio

    buffer = stdio.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    if close:
        import matplotlib.pyplot as plt

        plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


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
        return item.to_html(index=False, na_rep="", border=0, classes="table", escape=True)
    if isinstance(item, (list, tuple)):
        if not item:
            return "<p><em>(none)</em></p>"
        return "<ul>" + "".join(f"<li>{html.escape(str(i))}</li>" for i in item) + "</ul>"
    if hasattr(item, "savefig"):  # a matplotlib Figure
        return (f'<figure><img alt="chart" src="data:image/png;base64,'
                f'{figure_to_base64(item)}"></figure>')
    raise TypeError(f"cannot put a {type(item).__name__} in an HTML page; use text, a list of "
                    "text, a DataFrame, a matplotlib Figure or RawHTML")


_PAGE_STYLE = (
    "body{font-family:Arial,Helvetica,sans-serif;max-width:1100px;margin:2em auto;"
    "padding:0 1em;color:#231f20;line-height:1.4}"
    "h1{color:#005EB8}h2{color:#005EB8;border-bottom:2px solid #005EB8;padding-bottom:.2em}"
    "table.table{border-collapse:collapse;font-size:.85em;margin:.5em 0 1em}"
    "table.table th{background:#005EB8;color:#fff;text-align:left;padding:4px 6px}"
    "table.table td{border-bottom:1px solid #d8dde0;padding:3px 6px;vertical-align:top}"
    "figure{margin:1em 0}img{max-width:100%}.subtitle{color:#425563}"
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
        escaped), a DataFrame (a table, escaped), a matplotlib Figure (embedded as a
        base64 PNG, and closed) or :class:`RawHTML` (inserted as it is).
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


__all__ += ["RawHTML", "figure_to_base64", "html_page", "write_html"]
