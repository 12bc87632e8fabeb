"""SWEMWBS raw-to-metric conversion, WEMWBS-equivalent and population norms (outcomes/conversion.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.outcomes.helpers import SWEMWBS_TABLE
from wellbeing_lib import outcomes as oc
from wellbeing_lib.errors import InvalidValueError
from wellbeing_lib.io import package_data_path

SHARED_REFERENCE = Path("/work/shared/reference/swemwbs_raw_to_metric.csv")


# --------------------------------------------------------------------------- SWEMWBS table
def test_package_table_has_all_29_published_rows():
    table = pd.read_csv(package_data_path("swemwbs_raw_to_metric.csv"))
    assert len(table) == 29
    assert dict(zip(table["raw"], table["metric"])) == SWEMWBS_TABLE
    assert table["source"].str.contains("Stewart-Brown").all()
    assert (table["year"] == 2009).all()


@pytest.mark.skipif(not SHARED_REFERENCE.exists(), reason="shared reference folder not mounted")
def test_package_table_matches_shared_reference_file():
    ref = pd.read_csv(SHARED_REFERENCE)
    assert len(ref) == 29
    assert dict(zip(ref["raw"], ref["metric"])) == SWEMWBS_TABLE


def test_swemwbs_metric_reproduces_every_row_vectorised():
    raw = pd.Series(list(SWEMWBS_TABLE), index=[f"p{r}" for r in SWEMWBS_TABLE], name="raw")
    metric = oc.swemwbs_metric(raw)
    assert metric.name == "swemwbs_metric"
    assert list(metric.index) == list(raw.index)
    assert metric.tolist() == list(SWEMWBS_TABLE.values())


def test_swemwbs_metric_scalar_array_and_missing():
    assert oc.swemwbs_metric(21) == 19.25
    out = oc.swemwbs_metric([7, np.nan, 35])
    assert out[0] == 7.0 and np.isnan(out[1]) and out[2] == 35.0


@pytest.mark.parametrize("raw", [6, 36, 0, -7])
def test_swemwbs_metric_refuses_out_of_range(raw):
    with pytest.raises(InvalidValueError, match="out of range.*between 7 and 35"):
        oc.swemwbs_metric([20, raw])


def test_swemwbs_metric_non_integer_refused_unless_rounding_half_up():
    with pytest.raises(InvalidValueError, match="not a whole number"):
        oc.swemwbs_metric(24.5)
    assert oc.swemwbs_metric(24.5, rounding="half_up") == SWEMWBS_TABLE[25]
    assert oc.swemwbs_metric(24.4, rounding="half_up") == SWEMWBS_TABLE[24]
    assert oc.swemwbs_metric(26.8333333, rounding="half_up") == SWEMWBS_TABLE[27]
    with pytest.raises(ValueError, match="rounding"):
        oc.swemwbs_metric(24, rounding="nearest")


def test_swemwbs_metric_non_numeric_series_names_rows():
    with pytest.raises(InvalidValueError, match="non-numeric.*row b"):
        oc.swemwbs_metric(pd.Series([20, "x"], index=["a", "b"]))


def test_wemwbs_equivalent_is_metric_times_two():
    assert oc.wemwbs_equivalent(22.35) == pytest.approx(44.7)
    s = oc.wemwbs_equivalent(pd.Series([7.0, 35.0, np.nan], index=[3, 4, 5]))
    assert s.iloc[:2].tolist() == [14.0, 70.0] and np.isnan(s.iloc[2])
    assert list(s.index) == [3, 4, 5]
    with pytest.raises(InvalidValueError, match="between 7 and 35"):
        oc.wemwbs_equivalent([6.9])


# ------------------------------------------------------------------------ population norms
def test_population_norm_is_standardised_to_sex_mix():
    from wellbeing_lib.outcomes import population_norm

    people = pd.DataFrame({"sex": ["Female"] * 3 + ["Male"]})
    assert population_norm(people, "swemwbs") == pytest.approx(0.75 * 23.2 + 0.25 * 23.7)
    assert population_norm(people.iloc[3:], "swemwbs") == pytest.approx(23.7)
    with pytest.raises(InvalidValueError, match="column 'sex', row 1.*found Other"):
        population_norm(pd.DataFrame({"sex": ["Female", "Other"]}), "swemwbs")
    with pytest.raises(InvalidValueError, match="no all-adults norm"):
        population_norm(None, "swemwbs")
    assert population_norm(None, oc.get_instrument("swemwbs").replace(norm_mean=23.5)) == 23.5
