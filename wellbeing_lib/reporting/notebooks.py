"""Running the curated notebooks: execute them on a data folder and export HTML reports.

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
>>> from wellbeing_lib.reporting.notebooks import list_notebooks
>>> [p.name for p in list_notebooks()][:1]
['00_getting_started.ipynb']
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..io import DATA_ENV

__all__ = [
    "REPORTS_ENV",
    "project_root",
    "reports_dir",
    "list_notebooks",
    "execute_notebook",
    "run_notebooks",
    "refresh_notebooks",
    "NotebookRun",
]

#: environment variable naming the folder notebooks write their outputs to
REPORTS_ENV = "WELLBEING_REPORTS"

#: seconds a single notebook cell may run before the run is abandoned
CELL_TIMEOUT = 600


def project_root() -> Path:
    """The source checkout (the folder holding ``notebooks/`` and ``data/``)."""
    return Path(__file__).resolve().parents[2]


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
