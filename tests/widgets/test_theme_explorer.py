"""The theme explorer widget (wellbeing_lib.widgets.theme_explorer) on the bundled
engagement dialogue data.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from wellbeing_lib import datasets as ds
from wellbeing_lib import engagement as eng
from wellbeing_lib.errors import MissingColumnError
from wellbeing_lib.privacy import redact_pii

COMMITTED = Path(__file__).resolve().parents[2] / "data"
TEXT = "what_matters"


@pytest.fixture(scope="module")
def people():
    return ds.load_dataset("engagement_participants", data_dir=COMMITTED)


@pytest.fixture(scope="module")
def mentions(people):
    return eng.apply_codebook(people, text=TEXT, unit="respondent")


# ------------------------------------------------------------------------- theme explorer
def test_theme_explorer_shows_suppressed_counts_and_follows_choices(people, mentions):
    from wellbeing_lib.widgets import theme_explorer

    box = theme_explorer(people, mentions, groups=["stakeholder_type", "imd_quintile"],
                         text=TEXT)
    assert box.controls["theme"].value == "Social inclusion"  # codebook order
    box.controls["theme"].value = "Cost of living"
    box.controls["group"].value = "imd_quintile"
    table = box.current_table
    full = eng.theme_frequency(people, mentions, by="imd_quintile")
    full = full[full["theme"] == "Cost of living"].reset_index(drop=True)
    assert table["imd_quintile"].tolist() == [1, 2, 3, 4, 5]
    assert table["n"].tolist() == [int(5 * round(v / 5)) for v in full["n"]]
    assert table["N"].tolist() == [int(5 * round(v / 5)) for v in full["N"]]
    # of the published (rounded) counts: the unrounded percentages would give them back
    assert np.allclose(table["percent"], 100 * table["n"] / table["N"])
    test = box.current_test.iloc[0]
    assert test["p_adjusted"] >= test["p_value"] and test["significant"]
    quotes = box.current_quotes
    assert quotes["rank"].tolist() == [1, 2, 3]
    quoted = mentions[mentions["respondent"].isin(quotes["respondent"])]
    assert quotes["respondent"].isin(quoted.loc[quoted["theme"] == "Cost of living",
                                                "respondent"]).all()
    assert list(quotes.columns) == ["theme", "rank", "respondent", "imd_quintile", "quote"]
    assert box.current_axes.get_title().startswith("Cost of living: % of respondents")


def test_theme_explorer_withholds_small_groups_and_checks_columns(people, mentions):
    from wellbeing_lib.widgets import theme_explorer

    groups = people[people["channel"] == "Healthwatch focus group"]
    box = theme_explorer(groups, mentions, groups=["session_id"], text=TEXT)
    box.controls["theme"].value = "Loneliness"
    table = box.current_table
    assert table["n"].isna().any() and table.loc[table["n"].isna(), "percent"].isna().all()
    raw = theme_explorer(groups, mentions, groups=["session_id"], text=TEXT, suppress=False)
    raw.controls["theme"].value = "Loneliness"
    assert raw.current_table["n"].notna().all()
    one = theme_explorer(groups, mentions, groups=["stakeholder_type"], text=TEXT)
    assert one.current_test.empty  # a single category: nothing to compare
    with pytest.raises(MissingColumnError, match="locality_name"):
        theme_explorer(people, mentions, groups=["locality_name"], text=TEXT)


def test_theme_explorer_quotes_are_redacted(people, mentions):
    from wellbeing_lib.widgets import theme_explorer

    pii = people[(redact_pii(people[TEXT]) != people[TEXT]).to_numpy()]
    box = theme_explorer(pii, mentions, groups=["channel"], text=TEXT, max_chars=None)
    shown = []
    for theme in box.controls["theme"].options:
        box.controls["theme"].value = theme
        shown.append(box.current_quotes)
    quotes = pd.concat(shown, ignore_index=True)
    assert set(quotes["respondent"]) == set(pii["respondent"])  # every answer is quoted
    assert quotes["quote"].str.contains(r"\[(?:EMAIL|PHONE|NHS NUMBER|POSTCODE|NAME)\]").all()
    assert not quotes["quote"].str.contains(r"@|07700|0191|999 ?\d{3}|Mrs |Mr |Dr ").any()
