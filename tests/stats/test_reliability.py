"""Cronbach's alpha with the Feldt interval, hand-computed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wellbeing_lib.errors import InvalidValueError


def test_cronbach_alpha_hand_computed_with_feldt_interval():
    from scipy import stats as sps

    from wellbeing_lib.stats import cronbach_alpha

    df = pd.DataFrame({"q1": [1, 2, 3, 4, 5], "q2": [2, 2, 3, 5, 5], "q3": [1, 3, 3, 4, 4],
                       "q4": [np.nan, 1, 1, 1, 1]})
    out = cronbach_alpha(df, items=["q1", "q2", "q3"]).iloc[0]
    # item variances 2.5 + 2.3 + 1.5 = 6.3; totals 4, 7, 9, 13, 14 have variance 17.3
    a = 3 / 2 * (1 - 6.3 / 17.3)
    assert out["alpha"] == pytest.approx(a) and round(a, 4) == 0.9538
    # Feldt: F quantiles on 4 and 8 degrees of freedom
    assert out["ci_low"] == pytest.approx(1 - (1 - a) * sps.f.ppf(0.975, 4, 8))
    assert out["ci_high"] == pytest.approx(1 - (1 - a) * sps.f.ppf(0.025, 4, 8))
    assert (out["n"], out["n_excluded"], out["k"]) == (5, 0, 3)
    with_missing = cronbach_alpha(df, items=["q1", "q2", "q4"]).iloc[0]
    assert (with_missing["n"], with_missing["n_excluded"]) == (4, 1)  # listwise deletion
    with pytest.raises(InvalidValueError, match="at least two items"):
        cronbach_alpha(df, items=["q1"])
    with pytest.raises(InvalidValueError, match="do not vary"):
        cronbach_alpha(pd.DataFrame({"a": [1, 1, 1], "b": [2, 2, 2]}), items=["a", "b"])
