"""Fixtures shared by the engagement tests.
"""

import pandas as pd
import pytest

from tests.engagement.helpers import SM_ROWS, write_csv
from wellbeing_lib.engagement import read_notes_table, read_surveymonkey, self_assessment_responses


@pytest.fixture
def sm_cp1252(tmp_path):
    return write_csv(tmp_path / "export_cp1252.csv", SM_ROWS, "cp1252")


# ================================================================== theme summaries
@pytest.fixture
def dialogue():
    texts = ["I feel lonely and anxious", "Money worries, heating bills", "Lonely since my wife died",
             "Not lonely; I see my family", "Bills bills bills", "My job and my family",
             "Patients are lonely", "Workload and stress at work"]
    return pd.DataFrame({"respondent": [f"R{i}" for i in range(1, 9)],
                         "type": ["public"] * 5 + ["professional"] * 3, "text": texts})


@pytest.fixture
def self_assessment(sm_cp1252):
    survey = read_surveymonkey(sm_cp1252)
    notes = read_notes_table(pd.DataFrame({
        "respondent": ["T1", "T1", "T2", "T2"],
        "question": ["A1", "Public information", "1. Transparency on decision-making", "A2"],
        "aspect": ["What works well", "What could be better", "could be better", "works well"],
        "text": ["Open meetings with the public", "Too much jargon", "n/a", "Clear website"]}))
    return self_assessment_responses(survey, notes)
