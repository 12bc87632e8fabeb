"""Pseudonyms: HMAC-SHA256 of normalised identifiers, keyed, stable, collision-checked."""

from __future__ import annotations

import hashlib
import hmac

import numpy as np
import pandas as pd
import pytest

from wellbeing_lib.errors import (
    DuplicateKeyError,
    InvalidValueError,
    WellbeingError,
)
from wellbeing_lib.privacy import (
    pseudonymise,
    pseudonyms,
)


# ================================================================ pseudonymisation
def hmac_hex(key: str, text: str) -> str:
    return hmac.new(key.encode(), text.encode(), hashlib.sha256).hexdigest()


def test_pseudonym_is_hmac_sha256_of_the_normalised_text():
    assert pseudonymise("943 476 5919", key="k1") == hmac_hex("k1", "9434765919")[:12]
    assert pseudonymise("  AB12 ", key="k1", prefix="P-", length=16) == (
        "P-" + hmac_hex("k1", "AB12")[:16]
    )


def test_pseudonyms_are_stable_and_key_dependent():
    ids = pd.Series(["c1", "c2", "c3", "c1"])
    first = pseudonymise(ids, key="secret-a")
    again = pseudonymise(ids, key="secret-a")
    other = pseudonymise(ids, key="secret-b")
    pd.testing.assert_series_equal(first, again)
    assert first[0] == first[3] and first.nunique() == 3
    assert not set(first) & set(other)


def test_missing_stays_missing_and_index_name_kept():
    s = pd.Series(["c1", None, " ", "c2", np.nan], index=list("vwxyz"), name="client_id")
    out = pseudonymise(s, key="k")
    assert out.name == "client_id" and out.index.tolist() == list("vwxyz")
    assert out.isna().tolist() == [False, True, True, False, True]
    assert pseudonymise(None, key="k") is None


def test_equivalent_forms_of_one_identifier_get_one_pseudonym():
    forms = pd.Series(["943 476 5919", 9434765919, 9434765919.0, "943-476-5919", "9434765919 "],
                      dtype=object)
    assert pseudonymise(forms, key="k").nunique() == 1
    # letter case is part of an identifier
    assert pseudonymise("ab1", key="k") != pseudonymise("AB1", key="k")


def test_each_unique_value_is_hashed_once(monkeypatch):
    calls = []
    real = pseudonyms._keyed_hash

    def counting(key, text):
        calls.append(text)
        return real(key, text)

    monkeypatch.setattr(pseudonyms, "_keyed_hash", counting)
    values = pd.Series(["a", "b", "a", "c", "b", "a"] * 1000)
    out = pseudonymise(values, key="k")
    assert sorted(calls) == ["a", "b", "c"]
    assert out.nunique() == 3 and len(out) == 6000


def test_key_from_environment_and_no_default_key(monkeypatch):
    monkeypatch.setenv("WELLBEING_PSEUDONYM_KEY", "from-env")
    assert pseudonymise("x") == pseudonymise("x", key="from-env")
    monkeypatch.delenv("WELLBEING_PSEUDONYM_KEY")
    with pytest.raises(InvalidValueError, match="WELLBEING_PSEUDONYM_KEY"):
        pseudonymise("x")
    with pytest.raises(WellbeingError, match="key"):
        pseudonymise("x", key="")


def test_short_lengths_and_collisions_are_refused():
    with pytest.raises(InvalidValueError, match="from 8 to 64"):
        pseudonymise("x", key="k", length=6)
    # found by search: these two ids share the first 8 hex characters under this key
    ids = pd.Series(["client-1", "client-42074", "client-60666"], name="client_id")
    with pytest.raises(DuplicateKeyError, match=r"collision.*column 'client_id', rows 1, 2"):
        pseudonymise(ids, key="collision-test", length=8)
    assert pseudonymise(ids, key="collision-test", length=9).nunique() == 3


def test_pseudonymise_input_kinds():
    assert isinstance(pseudonymise(12345, key="k"), str)
    out = pseudonymise(np.array([1, 2]), key="k")
    assert isinstance(out, pd.Series) and out.index.tolist() == [0, 1]
    assert pseudonymise(pd.Index(["a"], name="id"), key="k").name == "id"
    with pytest.raises(InvalidValueError, match="one column"):
        pseudonymise(pd.DataFrame({"a": [1]}), key="k")
