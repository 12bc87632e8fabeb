"""Fixtures shared by several test packages."""

from __future__ import annotations

import pytest

from wellbeing_lib.reporting.notebooks import run_notebooks


@pytest.fixture(scope="session")
def demo_reports(tmp_path_factory):
    """Every notebook run once, as ``wellbeing demo`` runs them, into a scratch folder: the
    board HTML, the Word version, the analyst HTML and the workbooks of each notebook."""
    out = tmp_path_factory.mktemp("demo_reports")
    runs = run_notebooks(out_dir=out, progress=False)
    assert (runs["status"] == "ok").all(), runs[["notebook", "error"]].to_string()
    return out

