"""Tests of the ``engagement_dialogue`` generator's interface (its contents: tests/engagement/test_dialogue_data.py)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from wellbeing_lib import datasets as ds


@pytest.fixture(scope="module")
def truth():
    return ds.engagement_dialogue_truth()


@pytest.fixture(scope="module")
def people():
    return ds.generate("engagement_dialogue")["engagement_participants"]


def test_truth_is_a_frozen_result_of_tidy_tables(truth, people):
    assert isinstance(truth, ds.DialogueTruth)
    with pytest.raises(dataclasses.FrozenInstanceError):
        truth.planted = None
    assert list(truth.planted) == ["respondent", "code"]
    assert truth.to_frame() is truth.planted
    assert list(truth.pii) == ["row", "respondent", "detail"]
    assert list(truth.rates) == ["respondent", "code", "rate"]
    n_codes = len(ds.DIALOGUE_CODE_RATES)
    assert len(truth.rates) == len(people) * n_codes
    assert truth.rates["rate"].between(0, ds.DIALOGUE_MAX_RATE).all()
    assert set(truth.planted["code"]) <= set(ds.DIALOGUE_CODE_RATES)


def test_pii_rows_point_at_the_answers_with_personal_details(truth, people):
    assert len(truth.pii) == ds.DIALOGUE_N_PII
    rows = truth.pii_rows
    assert list(rows) == sorted(rows)
    assert people["respondent"].iloc[rows].tolist() == truth.pii["respondent"].tolist()
    answers = people[ds.DIALOGUE_QUESTION].iloc[rows]
    assert all(a.endswith(d) for a, d in zip(answers, truth.pii_details))


def test_truth_random_state(truth):
    same = ds.engagement_dialogue_truth(np.random.default_rng(ds.DEFAULT_SEED))
    pd.testing.assert_frame_equal(same.planted, truth.planted)
    other = ds.engagement_dialogue_truth(random_state=7)
    people = ds.generate("engagement_dialogue", random_state=7)["engagement_participants"]
    answers = people[ds.DIALOGUE_QUESTION].iloc[other.pii_rows]
    assert all(a.endswith(d) for a, d in zip(answers, other.pii_details))
    assert not other.planted.equals(truth.planted)


def test_sentence_bank_covers_every_code():
    bank = ds.dialogue_sentences()
    assert list(bank) == ["template", "primary_code", "codes", "who", "negated", "sentence"]
    assert bank["template"].nunique() == len(ds.DIALOGUE_SENTENCES)
    for who in ("public", "professional"):
        assert set(bank.loc[bank["who"] == who, "primary_code"]) == set(ds.DIALOGUE_CODE_RATES)
