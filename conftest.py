"""Shared pytest set-up: headless plotting and a quiet, deterministic environment."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.pop("WELLBEING_DATA", None)  # tests always use the bundled data
