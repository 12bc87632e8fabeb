"""Shared pytest set-up: headless plotting, the bundled data, deterministic property tests."""

import os

import pytest
from hypothesis import settings

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.pop("WELLBEING_DATA", None)  # tests always use the bundled data

# Property tests: the same examples on every run (CI must not flake on a rare draw) and no
# per-example time limit (a loaded 2-core CI machine is slow, not wrong).
settings.register_profile("wellbeing", deadline=None, derandomize=True)
settings.load_profile("wellbeing")


@pytest.fixture(autouse=True)
def _close_figures():
    """Close the figures a test or doctest drew (matplotlib warns past 20 open figures)."""
    yield
    import sys

    if "matplotlib.pyplot" in sys.modules:  # only when a test used pyplot
        sys.modules["matplotlib.pyplot"].close("all")
