"""Tests of the ``workforce_diagnostic`` generator's interface (its contents: tests/diagnostic/test_bundled_data.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wellbeing_lib import datasets as ds


def test_workforce_diagnostic_is_the_registered_data_set():
    frames = ds.workforce_diagnostic()
    generated = ds.generate("workforce_diagnostic")
    assert list(frames) == list(generated) == list(ds.DATASETS["workforce_diagnostic"].files)
    for stem in frames:
        pd.testing.assert_frame_equal(frames[stem], generated[stem])


def test_workforce_diagnostic_random_state():
    default = ds.workforce_diagnostic()["workforce_diagnostic_answers"]
    from_generator = ds.workforce_diagnostic(
        random_state=np.random.default_rng(ds.DEFAULT_SEED))["workforce_diagnostic_answers"]
    pd.testing.assert_frame_equal(from_generator, default)
    other = ds.workforce_diagnostic(random_state=7)["workforce_diagnostic_answers"]
    assert not other.equals(default)
    assert other.shape == default.shape
    assert ds.workforce_diagnostic(3, random_state=None)["workforce_organisations"][
        "org_code"].tolist() == ["HV01", "HV02", "HV03"]


def test_workforce_diagnostic_needs_an_organisation():
    with pytest.raises(ValueError, match="at least 1"):
        ds.workforce_diagnostic(0)


def test_workbooks_are_written_per_organisation(tmp_path):
    frames = ds.workforce_diagnostic(3)
    paths = ds.write_workforce_workbooks(frames, tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in paths] == [
        f"{ds.WORKBOOK_FOLDER}/HV0{i}.xlsx" for i in (1, 2, 3)]
    again = ds.write_workforce_workbooks(frames, tmp_path / "again")
    assert [p.read_bytes() for p in paths] == [p.read_bytes() for p in again]
