"""Counts of people in prose are written as the published tables show them."""

import numpy as np
import pytest

from wellbeing_lib.errors import InvalidValueError
from wellbeing_lib.privacy import NOT_PUBLISHED, published_count, published_share


def test_counts_are_withheld_or_rounded_like_the_tables():
    assert [published_count(n) for n in (0, 1, 7, 8, 12, 13, 1503)] == [
        "0", "fewer than 8", "fewer than 8", "10", "10", "15", "1,505"]
    assert published_count(np.int64(22)) == "20"
    assert published_count(9, high=9, base=1) == "fewer than 10"
    with pytest.raises(InvalidValueError):
        published_count(2.5)
    with pytest.raises(InvalidValueError):
        published_count(-1)


def test_shares_come_from_the_published_counts():
    # 13/27 is 48.1% exactly, but the published counts are 15/25: the prose says 60.0%
    assert published_share(13, 27) == "60.0%"
    assert published_share(5, 200) == NOT_PUBLISHED and published_share(50, 6) == NOT_PUBLISHED
    assert published_share(0, 0) == "not estimable"
    assert published_share(851, 1000, decimals=0) == "85%"
