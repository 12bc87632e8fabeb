"""Fixtures of tests/outcomes: the bundled social prescribing data, scored, paired, changed."""

from __future__ import annotations

import pytest

from tests.outcomes.helpers import MEASURES
from wellbeing_lib import outcomes as oc
from wellbeing_lib.datasets import load_dataset


@pytest.fixture(scope="session")
def clients():
    return load_dataset("social_prescribing_clients")


@pytest.fixture(scope="session")
def scored():
    m = load_dataset("social_prescribing_measures")
    return m.join(oc.score(m, "swemwbs")[["swemwbs_metric"]]).join(
        oc.score(m, "ucla3")[["ucla3_raw"]])


@pytest.fixture(scope="session")
def pairs(scored):
    return oc.pair_measurements(scored, date="assessment_date")


@pytest.fixture(scope="session")
def changes(scored, clients):
    """Any-change rows, the 8 problem clients left out (as in data/README.md), with group."""
    clean = oc.pair_measurements(scored, date="assessment_date", duplicates="drop")
    return oc.change(clean, MEASURES, keep=None).merge(clients[["client_id", "group"]],
                                                       on="client_id")
