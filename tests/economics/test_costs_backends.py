"""cost_service_use on every backend: bad counts named where the data live.

The costed rows and total on every backend are tested by the behaviour tests of
tests/economics/test_costs.py (parametrized over tests/backends.BACKENDS).  Here: the
counts checked where the data live (negative, missing, duplicated ids, total rows) name
the file lines of a table that has them, and a lazy table needs a person column.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from tests.backends import LAZY, OTHER_BACKENDS, to_backend
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
