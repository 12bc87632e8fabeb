"""Running the curated notebooks: execute them on a data folder and export HTML reports.

The main job (``wellbeing demo``) runs every notebook in ``notebooks/`` against a data
folder and writes, per notebook, a board report ``<run folder>/<notebook>.html`` (no code,
opening with the key findings, self-contained), the same report in Word
``<notebook>.docx``, and the whole notebook with its code ``<notebook>-analyst.html``
(:func:`write_reports`), plus any Excel workbooks the notebooks produce.  Charts carry
their alternative text into every version (the kernels the runner starts call
:func:`wellbeing_lib.reporting.figures.enable_alt_text`).  Notebooks find their inputs
and output folder through two environment variables, read in their parameters cell:

* ``WELLBEING_DATA``    – folder of input files (default: the bundled ``data/``);
* ``WELLBEING_REPORTS`` – folder for HTML/XLSX outputs (default: ``reports/``).

Runs you can trust
    ``wellbeing demo`` writes each run into a fresh folder (:func:`new_run_folder`,
    ``reports/run-YYYYMMDD-HHMMSS``), so the files it lists are this run's and nothing
    of an earlier run is taken for new.  A notebook that fails still gets its HTML, with
    the reason at the top; the reason is one plain line (the named error's message, no
    colour codes, no traceback source).

Kernels that hang
    Every wait is bounded separately: the kernel must start and answer within
    ``kernel_timeout`` (60 s; nbclient otherwise waits for the first ``kernel_info``
    reply as long as for a cell, which is how a run once sat idle for the full 600 s),
    each cell must finish within ``timeout`` (600 s), and a watchdog stops a cell whose
    kernel has used no CPU for ``stall_timeout`` seconds (120 s) - a stalled notebook
    fails in two minutes with a message instead of waiting ten.  Kernels are shut down
    at once (``shutdown_kernel="immediate"``): a graceful shutdown waited up to 3.5 s
    for about one kernel in ten, for nothing (the outputs are already saved).

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
import re
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import NotebookRunError
from ..io import DATA_ENV
from .board import NO_ALT_TEXT, NOT_FOR_PUBLICATION

__all__ = [
    "REPORTS_ENV",
    "CELL_TIMEOUT",
    "KERNEL_TIMEOUT",
    "STALL_TIMEOUT",
    "project_root",
    "reports_dir",
    "new_run_folder",
    "list_notebooks",
    "execute_notebook",
    "run_notebooks",
    "refresh_notebooks",
    "plain_reason",
    "NotebookRun",
    "write_reports",
    "ANALYST_SUFFIX",
    "NOT_FOR_PUBLICATION",
]

#: what the analyst version's file name adds to the notebook's name
ANALYST_SUFFIX = "-analyst"

#: environment variable naming the folder notebooks write their outputs to
REPORTS_ENV = "WELLBEING_REPORTS"

#: seconds a single notebook cell may run before the run is abandoned
CELL_TIMEOUT = 600

#: seconds the kernel may take to start and to answer a request outside a cell
KERNEL_TIMEOUT = 60

#: seconds a cell may go without its kernel using any CPU before it is stopped as stalled
STALL_TIMEOUT = 120

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")


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


def new_run_folder(base) -> Path:
    """Create and return a fresh run folder ``<base>/run-YYYYMMDD-HHMMSS`` (``-2``... if taken).

    Example
    -------
    >>> import tempfile, pathlib
    >>> base = pathlib.Path(tempfile.mkdtemp())
    >>> a, b = new_run_folder(base), new_run_folder(base)
    >>> a != b and a.parent == base and a.name.startswith("run-")
    True
    """
    base = Path(base)
    base.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("run-%Y%m%d-%H%M%S")
    for n in range(1, 1000):
        folder = base / (stamp if n == 1 else f"{stamp}-{n}")
        try:
            folder.mkdir()
        except FileExistsError:
            continue
        return folder
    raise NotebookRunError(f"could not create a new run folder in {base}")  # pragma: no cover


def list_notebooks(folder=None) -> list[Path]:
    """The curated notebooks, in their numbered order."""
    folder = Path(folder) if folder is not None else project_root() / "notebooks"
    return sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("."))


@dataclass(frozen=True)
class NotebookRun:
    """Outcome of executing one notebook.

    ``status`` is ``ok``, ``failed`` or ``skipped`` (its inputs did not pass the check);
    ``outputs`` are the files the run wrote (the HTML report first).
    """

    notebook: str
    html: Path | None
    seconds: float
    error: str | None = None
    status: str = "ok"
    outputs: tuple = field(default_factory=tuple)


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


class _Watchdog:
    """Stops a cell whose kernel has used no CPU for ``stall`` seconds, or a notebook that
    has run longer than ``total`` seconds (by interrupting, then killing, the kernel)."""

    def __init__(self, stall: float | None, total: float | None) -> None:
        self.stall, self.total = stall, total
        self.pid = None
        self.cell = None
        self.reason: str | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._start = time.monotonic()

    # nbclient hooks -------------------------------------------------------
    def on_notebook_start(self, notebook=None, **_):
        self._thread.start()

    def on_cell_execute(self, cell=None, cell_index=None, **_):
        self.cell = cell_index

    def on_cell_executed(self, **_):
        self.cell = None

    def close(self) -> None:
        self._stop.set()

    # the watch --------------------------------------------------------------
    def _cpu(self, proc) -> float:
        import psutil

        total = 0.0
        for p in [proc, *proc.children(recursive=True)]:
            try:
                t = p.cpu_times()
            except psutil.Error:
                continue
            total += t.user + t.system
        return total

    def _halt(self, proc, reason: str) -> None:
        import signal

        import psutil

        self.reason = reason
        try:
            if os.name != "nt":
                proc.send_signal(signal.SIGINT)
                if not self._stop.wait(5):
                    for p in [*proc.children(recursive=True), proc]:
                        p.kill()
            else:  # pragma: no cover - Windows has no SIGINT for another process
                for p in [*proc.children(recursive=True), proc]:
                    p.kill()
        except psutil.Error:
            pass

    def _watch(self) -> None:
        import psutil

        try:
            proc = psutil.Process(self.pid)
        except (psutil.Error, TypeError, ValueError):
            return
        last_cpu, last_progress, cell = None, time.monotonic(), None
        while not self._stop.wait(0.5):
            now = time.monotonic()
            try:
                cpu = self._cpu(proc)
            except psutil.Error:
                return
            if self.cell != cell or last_cpu is None or cpu - last_cpu > 0.01:
                last_progress, cell = now, self.cell
            last_cpu = cpu
            if self.total is not None and now - self._start > self.total:
                return self._halt(proc, f"the notebook ran for more than {self.total:g} s "
                                        "and was stopped")
            if (self.stall is not None and self.cell is not None
                    and now - last_progress > self.stall):
                return self._halt(proc, f"cell {self.cell + 1} stalled: its kernel used no "
                                        f"CPU for {self.stall:g} s, so it was stopped")


def plain_reason(exc: BaseException, *, cell: int | None = None) -> str:
    """One plain line saying why a notebook failed: the named error's message, no colour
    codes and no traceback source.

    Example
    -------
    >>> from nbclient.exceptions import CellExecutionError
    >>> exc = CellExecutionError("\\x1b[0;31m---\\x1b[0m Traceback", "InvalidValueError",
    ...                          "value out of range in m.csv, column 'ucla_1'")
    >>> plain_reason(exc, cell=4)
    "cell 4: InvalidValueError: value out of range in m.csv, column 'ucla_1'"
    """
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    where = f"cell {cell}: " if cell is not None else ""
    if isinstance(exc, CellExecutionError) and getattr(exc, "ename", None):
        lines = [ln for ln in _ANSI.sub("", str(exc.evalue)).splitlines() if ln.strip()]
        text = f"{exc.ename}: {lines[0].strip()}" if lines else exc.ename
    elif isinstance(exc, CellTimeoutError):
        text = "did not finish within the time allowed for a cell (stalled or far too slow)"
    elif isinstance(exc, DeadKernelError):
        text = "the Python kernel died (out of memory, or stopped)"
    else:
        lines = [ln for ln in _ANSI.sub("", str(exc)).splitlines() if ln.strip()]
        text = f"{type(exc).__name__}: {lines[-1].strip() if lines else ''}".rstrip(": ")
    return (where + text)[:500]


#: run in every kernel the runner starts (not a cell: execution counts are unchanged), so
#: each chart's PNG output carries its alternative text in the output's metadata
_ALT_TEXT_STARTUP = ("--IPKernelApp.exec_lines=['from wellbeing_lib.reporting.figures import "
                     "enable_alt_text as _wb_alt; _wb_alt(); del _wb_alt']")


def _without_outputs(nb):
    """The notebook with every code cell's committed outputs removed before it runs.

    A run that stops part-way must not leave the bundled data's results in the cells it
    never reached: the report would show them as if they were the user's.
    """
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return nb


def execute_notebook(path, *, data_dir=None, out_dir=None, timeout: int = CELL_TIMEOUT,
                     kernel_timeout: int = KERNEL_TIMEOUT,
                     stall_timeout: float | None = STALL_TIMEOUT,
                     notebook_timeout: float | None = None):
    """Execute a notebook in a fresh kernel and return the executed ``nbformat`` node.

    The kernel's working directory is the notebook's folder; ``data_dir`` and
    ``out_dir`` are passed through ``WELLBEING_DATA`` / ``WELLBEING_REPORTS``.

    Parameters
    ----------
    timeout : int
        Seconds one cell may run.
    kernel_timeout : int
        Seconds the kernel may take to start and to answer outside a cell.
    stall_timeout : float or None
        Stop a cell whose kernel has used no CPU for this long (None: never).
    notebook_timeout : float or None
        Stop the whole notebook after this long (None: no limit).

    Raises
    ------
    NotebookRunError
        With a one-line reason (:func:`plain_reason`); its ``notebook`` attribute holds
        the notebook as far as it ran (for the HTML report) and ``cell`` the 1-based
        number of the cell that failed.
    """
    import nbformat
    from nbclient import NotebookClient

    path = Path(path)
    nb = _without_outputs(nbformat.read(path, as_version=4))
    dog = _Watchdog(stall_timeout, notebook_timeout)
    client = NotebookClient(
        nb,
        timeout=kernel_timeout,  # replies outside a cell (kernel_info); cells: timeout_func
        timeout_func=lambda cell: timeout,
        startup_timeout=kernel_timeout,
        shutdown_kernel="immediate",
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        # the kernel only listens on this machine's loopback; keep its start-up
        # notice about unencrypted TCP out of the user's console
        extra_arguments=["--IPKernelApp.log_level=ERROR", _ALT_TEXT_STARTUP],
        on_cell_execute=dog.on_cell_execute,
        on_cell_executed=dog.on_cell_executed,
    )

    def started(notebook=None, **_):
        provisioner = getattr(client.km, "provisioner", None)
        dog.pid = getattr(provisioner, "pid", None)
        dog.on_notebook_start()

    client.on_notebook_start = started
    env = {"MPLBACKEND": "module://matplotlib_inline.backend_inline", "PYTHONHASHSEED": "0"}
    env.update(_env(data_dir, out_dir))
    try:
        with _patched_environ(env):
            client.execute()
    except Exception as exc:
        cell = None if dog.cell is None else dog.cell + 1
        if cell is None:
            cell = _failed_cell(nb)
        reason = dog.reason or plain_reason(exc, cell=cell)
        if dog.reason is None and "Kernel didn't respond" in str(exc):
            reason = f"the Python kernel did not start within {kernel_timeout} s"
        error = NotebookRunError(reason)
        error.notebook = nb
        error.cell = cell
        raise error from exc
    finally:
        dog.close()
    return nb


def _failed_cell(nb) -> int | None:
    """1-based number of the first cell with an error output, if any."""
    for i, cell in enumerate(nb.cells, start=1):
        if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            return i
    return None


#: the analyst version: the lab template without anything fetched from the web (require.js,
#: MathJax, mermaid and the widget renderer come from public CDNs, which NHS networks often
#: block), widgets replaced by a sentence, and every chart with its alternative text
_ANALYST_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{% block jupyter_widgets %}{% endblock jupyter_widgets %}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{% block data_png scoped %}
<div class="jp-RenderedImage jp-OutputArea-output {{ extra_class }}">
<img src="data:image/png;base64,{{ output.data['image/png'] | escape_html }}" alt="{{ ((output | get_metadata('alt', 'image/png')) or 'NO_ALT_TEXT') | escape_html }}">
</div>
{%- endblock data_png %}
{%- block data_widget_view scoped %}
<div class="jp-RenderedText jp-OutputArea-output {{ extra_class }}"><p><em>An interactive explorer: open the notebook in JupyterLab to use it.</em></p></div>
{%- endblock data_widget_view -%}
{%- block footer %}
</html>
{%- endblock footer %}
""".replace("NO_ALT_TEXT", NO_ALT_TEXT)


def _to_html(nb) -> str:
    """The analyst version: the whole notebook, code included, viewable offline."""
    import copy

    import jinja2
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    shown = copy.deepcopy(nb)
    shown.metadata.pop("widgets", None)
    exporter = HTMLExporter(template_name="lab", template_file="wellbeing_analyst.html.j2",
                            extra_loaders=[jinja2.DictLoader(
                                {"wellbeing_analyst.html.j2": _ANALYST_TEMPLATE})])
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_all_outputs_tags={NOT_FOR_PUBLICATION}), enabled=True)
    body, _ = exporter.from_notebook_node(shown)
    return body


def write_reports(nb, folder, stem: str) -> list[Path]:
    """Write the three reports of an executed notebook into ``folder``.

    * ``<stem>.html`` - the board report (:mod:`wellbeing_lib.reporting.board`): no code,
      opening with the key findings, self-contained;
    * ``<stem>.docx`` - the same report in Word (:mod:`wellbeing_lib.reporting.word`);
    * ``<stem>-analyst.html`` - the whole notebook with its code, viewable offline.

    Returns the paths written, the board HTML first.
    """
    from .board import board_html, board_report
    from .word import board_docx

    folder = Path(folder)
    report = board_report(nb, name=stem)
    analyst = folder / f"{stem}{ANALYST_SUFFIX}.html"
    note = (f"Board report. The full analysis, with its code, is in {analyst.name}.")
    board = folder / f"{stem}.html"
    board.write_text(board_html(report, subtitle=note), encoding="utf-8")
    word = board_docx(report, folder / f"{stem}.docx", subtitle=note)
    analyst.write_text(_to_html(nb), encoding="utf-8")
    return [board, word, analyst]


def _failure_banner(nb, name: str, reason: str):
    """A copy of the notebook with the failure stated in a first Markdown cell."""
    import copy

    import nbformat

    shown = copy.deepcopy(nb)
    escaped = reason.replace("*", "\\*").replace("_", "\\_")
    text = (f"# This report is incomplete: {name} failed\n\n"
            f"**Reason:** {escaped}\n\n"
            "The outputs below stop where the error happened. Fix the input (or run "
            "`wellbeing check --data DIR`) and run the notebook again.")
    shown.cells.insert(0, nbformat.v4.new_markdown_cell(text))
    return shown


def _files(folder: Path) -> set:
    return {p for p in folder.rglob("*") if p.is_file()} if folder.exists() else set()


def run_notebooks(
    notebooks: Sequence | None = None,
    *,
    data_dir=None,
    out_dir=None,
    progress: bool = True,
    skip: dict | None = None,
    **limits,
) -> pd.DataFrame:
    """Execute notebooks and write their reports (:func:`write_reports`) into ``out_dir``.

    Parameters
    ----------
    notebooks : list of paths, optional
        Default: every notebook in ``notebooks/``.
    data_dir : path, optional
        Folder of input files in the bundled formats (default: bundled ``data/``).
    out_dir : path, optional
        Where reports go (default ``reports/``); notebooks write their XLSX here too.
        ``wellbeing demo`` passes a fresh run folder (:func:`new_run_folder`).
    progress : bool
        Show a progress bar.
    skip : dict, optional
        ``{notebook file name: reason}`` of notebooks not to run (listed as skipped).
    **limits
        ``timeout``, ``kernel_timeout``, ``stall_timeout``, ``notebook_timeout`` of
        :func:`execute_notebook`.

    Returns
    -------
    DataFrame
        One row per notebook: notebook, html, seconds, error (one plain line), status
        (``ok``, ``failed``, ``skipped``), outputs (the files it wrote, relative to
        ``out_dir``, the board HTML first; a failed notebook's reports state the reason at
        the top).
    """
    from tqdm.auto import tqdm

    notebooks = [Path(p) for p in (notebooks or list_notebooks())]
    out = reports_dir(out_dir)
    skip = dict(skip or {})
    rows = []
    bar = tqdm(notebooks, desc="Running notebooks", unit="notebook", disable=not progress)
    for path in bar:
        bar.set_postfix_str(path.name)
        if path.name in skip:
            rows.append(NotebookRun(path.name, None, 0.0, skip[path.name], "skipped"))
            continue
        before = _files(out)
        start = time.perf_counter()
        html = out / f"{path.stem}.html"
        try:
            nb = execute_notebook(path, data_dir=data_dir, out_dir=out, **limits)
        except NotebookRunError as exc:
            if getattr(exc, "notebook", None) is not None:
                write_reports(_failure_banner(exc.notebook, path.name, str(exc)), out,
                              path.stem)
            written = sorted(_files(out) - before)
            rows.append(NotebookRun(path.name, html if html.exists() else None,
                                    time.perf_counter() - start, str(exc), "failed",
                                    _relative(written, out, html)))
            continue
        write_reports(nb, out, path.stem)
        written = sorted(_files(out) - before)
        rows.append(NotebookRun(path.name, html, time.perf_counter() - start,
                                outputs=_relative(written, out, html)))
    table = pd.DataFrame([r.__dict__ for r in rows],
                         columns=["notebook", "html", "seconds", "error", "status", "outputs"])
    return table


def _relative(written: list, out: Path, html: Path) -> tuple:
    files = [p for p in written if p != html]
    first = [html] if html in written else []
    return tuple(p.relative_to(out).as_posix() for p in first + files)


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
