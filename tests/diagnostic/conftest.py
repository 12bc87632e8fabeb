"""Fixtures of the diagnostic tests: the bundled sample, loaded once per module."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.diagnostic.helpers import DATA
from wellbeing_lib import diagnostic as dg


@pytest.fixture(scope="module")
def bundled():
    diag = dg.read_diagnostic_csv(DATA / "workforce_diagnostic_answers.csv")
    return {
        "diag": diag,
        "scores": dg.score_diagnostic(diag),
        "survey": pd.read_csv(DATA / "workforce_staff_survey.csv"),
        "networks": pd.read_csv(DATA / "workforce_staff_networks.csv"),
        "orgs": pd.read_csv(DATA / "workforce_organisations.csv"),
    }


@pytest.fixture(scope="module")
def bundled_tri(bundled):
    return dg.triangulate(bundled["scores"], survey=bundled["survey"],
                          networks=bundled["networks"], year=2021)
