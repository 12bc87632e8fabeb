#!/usr/bin/env python3
"""One-command tasks for wellbeing_lib; needs only Python 3.11+ (Linux, macOS or Windows).

    python3 tasks.py demo [--data DIR] [--out DIR]   # install, check the data, run the notebooks, write reports/
    python3 tasks.py test                            # install, run ruff + import contracts + unit tests + strict nbval
    python3 tasks.py check --data DIR                # check your data folder against the data contracts
    python3 tasks.py templates --out DIR             # blank input templates (never overwrites)
    python3 tasks.py notebooks                       # re-execute and save the notebooks in place
    python3 tasks.py sample-data [--check]           # regenerate / verify the bundled data
    python3 tasks.py lab                             # open JupyterLab on notebooks/

Each task creates a virtual environment in ``.venv`` on first use and reuses it; the
package is (re)installed only when pyproject.toml changes, so running a task twice is safe
and quick.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")

#: the test command README documents and .ci/run calls (kept in one place)
PYTEST_ARGS = [
    "-m", "pytest",
    "tests", "wellbeing_lib", "notebooks",
    "--doctest-modules",
    "--nbval", "--nbval-current-env",
    "--nbval-sanitize-with", "notebooks/nbval_sanitize.cfg",
    "-p", "no:cacheprovider",
]


def _run(cmd: list, **kwargs) -> int:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.call([str(c) for c in cmd], cwd=ROOT, **kwargs)


def ensure_env(extra: str | None) -> None:
    """Create .venv if needed and install the package (with ``extra``) when pyproject changed."""
    if sys.version_info < (3, 11):  # noqa: UP036 - users may run an older python3
        sys.exit(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}")
    if not PY.exists():
        print(f"Creating virtual environment in {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True, clear=False).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    stamp = VENV / f".installed-{extra or 'runtime'}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    target = f".[{extra}]" if extra else "."
    pip = [PY, "-m", "pip", "install", "--disable-pip-version-check"]
    if _run([*pip, "--quiet", "--upgrade", "pip"]) != 0:
        sys.exit("could not upgrade pip in .venv")
    if _run([*pip, "--quiet", "-e", target]) != 0:
        sys.exit(f"pip install -e {target} failed")
    stamp.write_text(digest)


def task_demo(args: list[str]) -> int:
    ensure_env(None)
    return _run([PY, "-m", "wellbeing_lib.cli", "demo", *args])


def task_test(args: list[str]) -> int:
    ensure_env("dev")
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONHASHSEED="0")
    env.pop("WELLBEING_DATA", None)
    env.pop("WELLBEING_REPORTS", None)
    code = _run([PY, "-m", "ruff", "check", "."], env=env)
    if code != 0:
        print("ruff found problems (above); fix them or run `.venv/bin/ruff check --fix .`")
        return code
    code = _run([PY, "-c", "import sys; from importlinter.cli import lint_imports_command; "
                      "sys.exit(lint_imports_command())"], env=env)
    if code != 0:
        print("an architecture contract is broken (above); ARCHITECTURE.md says what may import what")
        return code
    code = _run([PY, *PYTEST_ARGS, *args], env=env)
    if code == 5:
        print("pytest collected no tests: that is a failure of the test command, not a pass")
        return 1
    return code


def task_check(args: list[str]) -> int:
    ensure_env(None)
    return _run([PY, "-m", "wellbeing_lib.cli", "check", *args])


def task_templates(args: list[str]) -> int:
    ensure_env(None)
    return _run([PY, "-m", "wellbeing_lib.cli", "templates", *args])


def task_notebooks(args: list[str]) -> int:
    ensure_env("dev")
    return _run([PY, "-m", "wellbeing_lib.cli", "refresh-notebooks", *args])


def task_sample_data(args: list[str]) -> int:
    ensure_env(None)
    return _run([PY, "-m", "wellbeing_lib.cli", "make-sample-data", *args])


def task_lab(args: list[str]) -> int:
    ensure_env("dev")
    return _run([PY, "-m", "jupyter", "lab", "notebooks", *args])


TASKS = {
    "demo": task_demo,
    "test": task_test,
    "check": task_check,
    "templates": task_templates,
    "notebooks": task_notebooks,
    "sample-data": task_sample_data,
    "lab": task_lab,
}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in TASKS:
        print(__doc__)
        return 2
    return TASKS[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
