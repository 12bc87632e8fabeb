"""The real-browser test's set-up: JupyterLab on a free local port, driven by Playwright with
the system Chromium; a loud note in the test summary when the browser tests could not run."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: where the screenshots go (one per notebook; a CI artifact, not committed: .gitignore)
SCREENSHOTS = ROOT / "test-artifacts" / "browser"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
_SKIPPED: list[str] = []


def chromium_path() -> str | None:
    """The system Chromium (Debian package ``chromium``), or None."""
    given = os.environ.get("WELLBEING_CHROMIUM")
    if given and Path(given).exists():
        return given
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def why_no_browser() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package playwright is not installed (pip install -e '.[dev]')"
    if chromium_path() is None:
        return ("no Chromium found (apt-get install -y chromium; .ci/run installs it); "
                "Playwright's own browser download is not used")
    return None


def skip_loudly(reason: str) -> None:
    _SKIPPED.append(reason)
    pytest.skip(f"BROWSER TESTS SKIPPED: {reason}")


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not _SKIPPED:
        return
    line = "!" * 78
    terminalreporter.write_line(line, red=True, bold=True)
    terminalreporter.write_line("THE REAL-BROWSER JUPYTERLAB TESTS WERE SKIPPED: "
                                f"{_SKIPPED[0]}", red=True, bold=True)
    terminalreporter.write_line("The notebooks' widgets were NOT checked in a browser.",
                                red=True, bold=True)
    terminalreporter.write_line(line, red=True, bold=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="session")
def lab_server():
    """JupyterLab serving a scratch copy of the notebooks (the committed ones are never
    touched: Run All and autosave write to the copy), token off, loopback only."""
    reason = why_no_browser()
    if reason:
        skip_loudly(reason)
    scratch = Path(tempfile.mkdtemp(prefix="wellbeing-lab-"))
    work, home, config = scratch / "work", scratch / "home", scratch / "config"
    work.mkdir()
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        shutil.copy2(nb, work / nb.name)
    settings = config / "lab" / "user-settings" / "@jupyterlab"
    # every cell rendered (no virtual scrolling), no news or update checks
    _write(settings / "notebook-extension" / "tracker.jupyterlab-settings",
           '{"windowingMode": "none"}')
    _write(settings / "apputils-extension" / "notification.jupyterlab-settings",
           '{"fetchNews": "false", "checkForUpdates": false}')
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("MPLBACKEND", "WELLBEING_DATA")}
    env.update(HOME=str(home), JUPYTER_CONFIG_DIR=str(config),
               JUPYTERLAB_SETTINGS_DIR=str(config / "lab" / "user-settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(scratch / "workspaces"),
               JUPYTER_RUNTIME_DIR=str(scratch / "runtime"), IPYTHONDIR=str(scratch / "ipython"),
               WELLBEING_REPORTS=str(scratch / "reports"), PYTHONHASHSEED="0")
    log = open(scratch / "lab.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root",
         "--ip=127.0.0.1", f"--port={port}", "--port-retries=0", "--IdentityProvider.token=",
         "--ServerApp.password=", "--LabApp.extension_manager=readonly",
         f"--ServerApp.root_dir={work}"],
        cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    try:
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/status", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail("JupyterLab did not start:\n"
                                + (scratch / "lab.log").read_text()[-3000:])
                time.sleep(0.5)
        yield {"url": url, "work": work, "log": scratch / "lab.log"}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        shutil.rmtree(scratch, ignore_errors=True)


@pytest.fixture(scope="session")
def browser(lab_server):
    """Headless system Chromium driven by Playwright (a fresh profile; Playwright adds
    ``--headless``)."""
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="wellbeing-chromium-")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1000})
        try:
            yield context
        finally:
            context.close()
            shutil.rmtree(profile, ignore_errors=True)
