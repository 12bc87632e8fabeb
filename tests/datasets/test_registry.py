"""Tests of the data-set registry: generating, writing byte-identically, loading, listing.

The generators' own contents are tested beside them (test_social_prescribing.py, ...) and
in the domains' tests of the bundled data (tests/test_*_data.py).
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from wellbeing_lib import datasets as ds
from wellbeing_lib.datasets import registry
from wellbeing_lib.errors import UnreadableFileError, WellbeingError
from wellbeing_lib.validation import source_of

COMMITTED = Path(__file__).resolve().parents[2] / "data"
STEMS = ["social_prescribing_clients", "social_prescribing_measures",
         "social_prescribing_service_use"]


# ----------------------------------------------------------------------- reproducibility
def test_same_seed_gives_identical_bytes_and_matches_committed_files(tmp_path):
    # the workforce_diagnostic files are checked in tests/diagnostic/test_bundled_data.py
    first = ds.make_sample_data(tmp_path / "a", names=["social_prescribing"])
    second = ds.make_sample_data(str(tmp_path / "b"), names=["social_prescribing"])
    assert [p.name for p in first] == [f"{s}.csv" for s in STEMS]
    for a, b in zip(first, second):
        raw = a.read_bytes()
        assert raw == b.read_bytes()
        assert raw == (COMMITTED / a.name).read_bytes(), f"{a.name} differs from data/"
        assert b"\r" not in raw
        raw.decode("utf-8")  # strict UTF-8


def test_different_seed_gives_different_data():
    default = ds.generate("social_prescribing")
    other = ds.generate("social_prescribing", random_state=7)
    for stem in STEMS:
        assert not default[stem].equals(other[stem])
    # structure is the same
    assert list(default["social_prescribing_measures"]) == list(
        other["social_prescribing_measures"])
    assert len(other["social_prescribing_clients"]) == 2100


def test_random_state_takes_an_int_a_generator_or_none():
    default = ds.generate("social_prescribing")["social_prescribing_clients"]
    seeded = ds.generate("social_prescribing", random_state=ds.DEFAULT_SEED)
    from_generator = ds.generate("social_prescribing",
                                 random_state=np.random.default_rng(ds.DEFAULT_SEED))
    pd.testing.assert_frame_equal(seeded["social_prescribing_clients"], default)
    pd.testing.assert_frame_equal(from_generator["social_prescribing_clients"], default)
    # None: fresh entropy, so two calls differ (and differ from the committed data)
    fresh = [ds.generate("social_prescribing", random_state=None)[
        "social_prescribing_clients"] for _ in range(2)]
    assert not fresh[0].equals(fresh[1])
    assert not fresh[0].equals(default)
    assert inspect.signature(ds.generate).parameters["random_state"].default == 2019


def test_generation_leaves_global_random_state_alone():
    # the legacy global state is touched here on purpose: generators must not use it
    np.random.seed(123)  # noqa: NPY002
    before = np.random.get_state()[1].copy()  # noqa: NPY002
    ds.generate("social_prescribing")
    assert np.array_equal(np.random.get_state()[1], before)  # noqa: NPY002


# ------------------------------------------------------------------------------ loaders
def test_load_dataset_round_trip():
    frames = ds.generate("social_prescribing")
    committed = {stem: ds.load_dataset(stem, data_dir=COMMITTED) for stem in STEMS}
    for stem in STEMS:
        pd.testing.assert_frame_equal(committed[stem], frames[stem])
    loaded = ds.load_dataset("social_prescribing_clients.csv", data_dir=COMMITTED)
    assert source_of(loaded) == "social_prescribing_clients.csv"
    assert str(committed["social_prescribing_measures"]["swemwbs_1"].dtype) == "Int64"


def test_load_dataset_missing_file_names_contract_and_templates(tmp_path):
    with pytest.raises(UnreadableFileError, match="wellbeing templates") as info:
        ds.load_dataset("social_prescribing_clients", data_dir=tmp_path)
    assert "Data contracts" in str(info.value) and "make-sample-data" not in str(info.value)
    with pytest.raises(UnreadableFileError, match="social_prescribing_measures"):
        ds.load_dataset("social_prescribing", data_dir=tmp_path)  # a data set, not a file
    with pytest.raises(UnreadableFileError, match="no such data file"):
        ds.load_dataset("nonexistent", data_dir=tmp_path)
    with pytest.raises(WellbeingError, match="unknown data set"):
        ds.generate("nonexistent")


def test_load_dataset_reads_any_other_csv_as_it_is(tmp_path):
    (tmp_path / "extra.csv").write_text("a,b\n1,x\n", encoding="utf-8")
    extra = ds.load_dataset("extra", data_dir=tmp_path)
    assert extra.to_dict("list") == {"a": [1], "b": ["x"]}
    assert source_of(extra) == "extra.csv"


def test_list_datasets_is_tidy():
    table = ds.list_datasets()
    assert list(table) == ["dataset", "file", "description"]
    assert table["file"].tolist()[:3] == [f"{s}.csv" for s in STEMS]
    assert (table["description"].str.len() > 10).all()


def test_data_sets_are_registered_in_a_fixed_order():
    """Importing the package registers the five generators, in the order of their files."""
    assert list(ds.DATASETS) == ["social_prescribing", "workforce_diagnostic",
                                 "engagement_self_assessment", "engagement_dialogue",
                                 "practices"]
    assert list(pd.unique(ds.list_datasets()["dataset"])) == list(ds.DATASETS)


def test_registering_a_data_set_is_one_decorator(tmp_path, monkeypatch):
    # the registry module holds the one DATASETS mapping; give the test its own copy
    monkeypatch.setattr(registry, "DATASETS", dict(registry.DATASETS))

    @ds.register_dataset("toy", files={"toy_scores": "a toy"}, description="toy data",
                         dtypes={"toy_scores": {"id": "str", "score": "float64"}})
    def _toy(rng):
        return {"toy_scores": pd.DataFrame({"score": rng.normal(size=2).round(3),
                                            "id": ["a", "b"]})}

    (path,) = ds.make_sample_data(tmp_path, names=["toy"])
    lines = path.read_bytes().split(b"\n")
    assert lines[0] == b"id,score"
    assert re.fullmatch(rb"a,-?\d+\.\d\d", lines[1])  # default float format %.2f
    loaded = ds.load_dataset("toy_scores", data_dir=tmp_path)
    assert list(loaded) == ["id", "score"]
    assert "toy" in set(ds.list_datasets()["dataset"])


def test_registering_in_a_test_leaves_the_registry_alone():
    assert "toy" not in ds.DATASETS
    assert "toy" not in set(ds.list_datasets()["dataset"])


# ------------------------------------------------------------------------------ package
def test_package_reexports_every_public_name_of_its_modules():
    """``wellbeing_lib.datasets.<name>`` works for every public name of every module."""
    for module in (ds.registry, ds.social_prescribing, ds.workforce, ds.self_assessment,
                   ds.dialogue):
        public = [name for name, value in vars(module).items()
                  if not name.startswith("_") and (name.isupper() or getattr(
                      value, "__module__", None) == module.__name__)]
        missing = [name for name in public if getattr(ds, name, None) is not getattr(
            module, name)]
        assert not missing, f"{module.__name__}: {missing}"
        assert set(module.__all__) <= set(ds.__all__)
    for name in ("write_csv", "write_xlsx", "DEMO_KEY", "SERVICES", "LATENESS",
                 "SA_PHRASES", "DIALOGUE_SENTENCES", "DIALOGUE_NON_ANSWERS"):
        assert name in ds.__all__ and hasattr(ds, name)
