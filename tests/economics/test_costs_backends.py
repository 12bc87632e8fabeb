"""cost_service_use on every backend: the same costed rows and total as pandas.

The counts are checked where the data live (negative, non-numeric, missing, duplicated
ids, total rows) and costed with one select per service; the costed table comes back in
the caller's backend (person-major for an eager table), the total is one aggregate.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from tests.backends import LAZY, OTHER_BACKENDS, same_rows, to_backend, to_pandas
from wellbeing_lib import economics as ec
from wellbeing_lib.errors import DuplicateKeyError, InvalidValueError

MAP = {"gp": "gp_surgery_visit", "ae": "ae_attendance_admitted", "calls": "gp_telephone_consultation"}


def use_table(n: int = 200) -> pd.DataFrame:
    rng = np.random.default_rng(11)
    return pd.DataFrame({"client": [f"C{i:04d}" for i in range(n)],
                         "gp": rng.integers(0, 9, n).astype(float),
                         "ae": rng.integers(0, 3, n), "calls": rng.integers(0, 5, n),
                         "file_line": np.arange(2, n + 2)})


def costed(data, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # mixed price years
        return ec.cost_service_use(data, **kwargs)


@pytest.mark.parametrize("backend", OTHER_BACKENDS)
def test_costs_and_total_match_pandas(backend):
    use = use_table()
    ref = costed(use, unit_costs=MAP, id="client")
    got = costed(to_backend(use, backend), unit_costs=MAP, id="client")
    assert got.total_cost == pytest.approx(ref.total_cost, abs=1e-9)
    assert got.price_years == ref.price_years
    same_rows(got.table, ref.table, ["client", "service"])
    if backend not in LAZY:  # person-major, as for pandas
        assert to_pandas(got.table)["client"].tolist() == ref.table["client"].tolist()
        assert to_pandas(got.table)["service"].tolist() == ref.table["service"].tolist()
        no_id = costed(to_backend(use, backend), services=["gp"],
                       unit_costs={"gp": "gp_home_visit"}).table
        assert to_pandas(no_id)["row"].tolist() == list(range(len(use)))
    gaps = use.assign(gp=use["gp"].where(use.index != 5))
    ref = costed(gaps, unit_costs=MAP, id="client", missing="propagate")
    got = costed(to_backend(gaps, backend), unit_costs=MAP, id="client", missing="propagate")
    assert np.isnan(got.total_cost) and np.isnan(ref.total_cost)
    same_rows(got.table, ref.table, ["client", "service"])


@pytest.mark.parametrize("backend", OTHER_BACKENDS)
def test_bad_counts_are_named_where_the_data_live(backend):
    use = use_table(20)
    with pytest.raises(InvalidValueError, match="value out of range.*'ae'.*line 6.*-1"):
        costed(to_backend(use.assign(ae=use["ae"].where(use.index != 4, -1)), backend),
               unit_costs=MAP, id="client")
    with pytest.raises(InvalidValueError, match="missing value.*'gp'.*line 9"):
        costed(to_backend(use.assign(gp=use["gp"].where(use.index != 7)), backend),
               unit_costs=MAP, id="client")
    with pytest.raises(DuplicateKeyError, match="client"):
        costed(to_backend(use.assign(client=use["client"].where(use.index != 3, "C0000")),
                          backend), unit_costs=MAP, id="client")
    with pytest.raises(InvalidValueError, match="total row.*line 21"):
        costed(to_backend(use.assign(client=use["client"].where(use.index != 19, "Total")),
                          backend), unit_costs=MAP, id="client")
    if backend in LAZY:
        with pytest.raises(InvalidValueError, match="a lazy table has no row numbers"):
            costed(to_backend(use, backend), unit_costs=MAP)
