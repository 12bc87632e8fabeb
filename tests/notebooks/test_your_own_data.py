"""Honest reports (issue 15): notebooks run on a data folder that is not the bundled one
describe that folder's data - its counts, its results - and none of the bundled data's
figures or "synthetic" wording.

The reduced folder is the bundled social prescribing data with a seeded half of the clients
(both groups) and only their rows in the other two files: the kind of folder an evaluator
gets from a smaller programme.  Notebooks 03 and 04 are run on it with the demo's runner
and their board reports (and the outputs of the analyst version) are read as text.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from wellbeing_lib.io import bundled_data_dir, is_bundled_data
from wellbeing_lib.privacy import round_counts
from wellbeing_lib.reporting import format_count
from wellbeing_lib.reporting.notebooks import list_notebooks, run_notebooks

NOTEBOOKS = {p.name[:2]: p for p in list_notebooks()}
SOCIAL_PRESCRIBING = ["social_prescribing_clients", "social_prescribing_measures",
                      "social_prescribing_service_use"]

#: figures of the bundled data that the committed notebooks state (checked to be there below)
BUNDLED_FIGURES = {
    "03": ["1,500 referred clients", "600 people in the comparison group",
           "85.5% of referred clients", "started 3.36 SWEMWBS", "changed by −£189"],
    "04": ["1,500 referred clients", "600 comparison clients", "(0.80 : 1)", "£273,609",
           "£341,883", "1:1 in 28.8%"],
}


def reduced_data(folder: Path, *, fraction: float = 0.5, seed: int = 15) -> dict:
    """A copy of the bundled social prescribing files keeping a seeded ``fraction`` of the
    clients and only their rows in the other files; returns the clients kept per group."""
    folder.mkdir(parents=True, exist_ok=True)
    read = {"dtype": str, "keep_default_na": False}
    clients = pd.read_csv(bundled_data_dir() / "social_prescribing_clients.csv", **read)
    keep = np.random.default_rng(seed).random(len(clients)) < fraction
    ids = set(clients.loc[keep, "client_id"])
    for name in SOCIAL_PRESCRIBING:
        table = pd.read_csv(bundled_data_dir() / f"{name}.csv", **read)
        table[table["client_id"].isin(ids)].to_csv(folder / f"{name}.csv", index=False)
    return clients.loc[keep, "group"].value_counts().to_dict()


def _text(html: str, *, drop_code: bool) -> str:
    """What a reader sees: the page's text without scripts, styles (and code inputs)."""
    soup = BeautifulSoup(html, "html.parser")
    hidden = "script, style" + (", .jp-InputArea, .jp-InputPrompt, .jp-OutputPrompt"
                                if drop_code else "")
    for node in soup.select(hidden):
        node.decompose()
    return re.sub(r"\s+", " ", soup.get_text(" "))


def _committed_text(number: str) -> str:
    """Every output of the committed (bundled-data) notebook, as text."""
    nb = json.loads(NOTEBOOKS[number].read_text(encoding="utf-8"))
    parts = []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            parts.append("".join(out.get("text", "")) + "".join(data.get("text/markdown", ""))
                         + "".join(data.get("text/plain", "")))
    return re.sub(r"\s+", " ", " ".join(parts))


@pytest.fixture(scope="module")
def reduced_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("own-data")
    kept = reduced_data(root / "data")
    runs = run_notebooks([NOTEBOOKS["03"], NOTEBOOKS["04"]], data_dir=root / "data",
                         out_dir=root / "reports", progress=False)
    return kept, runs.set_index("notebook"), root / "reports"


def test_the_reduced_folder_is_not_the_bundled_one(tmp_path):
    kept = reduced_data(tmp_path)
    assert not is_bundled_data(tmp_path) and is_bundled_data(bundled_data_dir())
    assert 0 < kept["referred"] < 1500 and 0 < kept["comparison"] < 600


@pytest.mark.parametrize("number", ["03", "04"])
def test_bundled_figures_are_what_the_committed_notebooks_state(number):
    """The figures the reduced run must not repeat really are the bundled data's."""
    text = _committed_text(number)
    for figure in BUNDLED_FIGURES[number]:
        assert figure in text, figure
    assert "synthetic" in text.lower()


@pytest.mark.parametrize("number", ["03", "04"])
def test_reports_on_your_own_data_state_your_counts_and_no_bundled_figures(reduced_run,
                                                                           number):
    kept, runs, out = reduced_run
    run = runs.loc[NOTEBOOKS[number].name]
    assert run["status"] == "ok", run["error"]
    board = _text(Path(run["html"]).read_text(encoding="utf-8"), drop_code=False)
    analyst_files = [out / f for f in run["outputs"] if f.endswith(".html") and
                     out / f != Path(run["html"])]
    assert analyst_files, run["outputs"]
    shown = [board] + [_text(p.read_text(encoding="utf-8"), drop_code=True)
                       for p in analyst_files]
    referred = format_count([round_counts(kept["referred"])])[0]
    assert f"{referred} referred clients" in board  # the reduced count, as published
    assert "Key findings" in board
    for text in shown:
        assert "synthetic" not in text.lower()
        for figure in BUNDLED_FIGURES[number]:
            assert figure not in text, figure


def test_the_reduced_results_differ_from_the_bundled_ones(reduced_run):
    """The key findings are computed: the headline of notebook 03 on the reduced data is its
    own (improved on at least one measure, from the published counts)."""
    kept, runs, _ = reduced_run
    board = Path(runs.loc[NOTEBOOKS["03"].name, "html"]).read_text(encoding="utf-8")
    findings = re.search(r'class="wb-key-findings".*?</div>', board, re.S).group(0)
    headline = re.search(r"([\d.]+)% of referred clients improved on at least one", findings)
    assert headline is not None, findings
    assert headline.group(1) != "85.5"
