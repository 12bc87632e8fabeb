"""Tests of the ``engagement_self_assessment`` generator's interface.

Its contents and the export reader: tests/engagement/test_self_assessment_data.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wellbeing_lib import datasets as ds

NAME = "engagement_self_assessment"


def test_random_state_takes_a_generator():
    default = ds.generate(NAME)
    same = ds.generate(NAME, random_state=np.random.default_rng(ds.DEFAULT_SEED))
    for stem in default:
        pd.testing.assert_frame_equal(same[stem], default[stem])


def test_comments_come_from_the_phrase_banks():
    notes = ds.generate(NAME)["self_assessment_telephone"]
    clauses = {c for pool in (*ds.SA_PHRASES.values(), *ds.SA_TELEPHONE_PHRASES.values())
               for c in pool}
    substantive = notes["text"].dropna()
    substantive = substantive[~substantive.isin(ds.SA_NON_ANSWERS["telephone"])]
    first = substantive.str.replace(r"^(Feels that |Said |Thinks |Mentioned that )", "",
                                    regex=True).str.split("; also ").str[0]
    assert first.str.lower().isin({c.lower() for c in clauses}).all()


def test_export_files_are_written_as_registered(tmp_path):
    spec = ds.DATASETS[NAME]
    paths = spec.extras(ds.generate(NAME), tmp_path)
    assert [p.name for p in paths] == list(spec.extra_files)
    assert paths[0].read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
