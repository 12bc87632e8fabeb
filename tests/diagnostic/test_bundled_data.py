"""Tests of the bundled workforce diagnostic data: reproducibility, planted patterns, loaders.

The data are in data/ (CSV files and data/diagnostic_workbooks/*.xlsx), made by the
``workforce_diagnostic`` generator in wellbeing_lib.datasets.  The patterns the generator
plants (data/README.md) must be found by the diagnostic functions; some are also checked
with plain pandas so that the data and the functions are checked independently.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from wellbeing_lib import datasets as ds
from wellbeing_lib import diagnostic as dg

COMMITTED = Path(__file__).resolve().parents[2] / "data"
WORKBOOKS = COMMITTED / "diagnostic_workbooks"
STEMS = ["workforce_organisations", "workforce_diagnostic_answers", "workforce_staff_survey",
         "workforce_staff_networks"]
ENV, DAT, MGR = "Environment", "Data insights", "Managers and leaders"


@pytest.fixture(scope="module")
def committed():
    return {stem: ds.load_dataset(stem, data_dir=COMMITTED) for stem in STEMS}


@pytest.fixture(scope="module")
def names(committed):
    """org_code -> organisation name."""
    orgs = committed["workforce_organisations"]
    return dict(zip(orgs["org_code"], orgs["organisation"]))


@pytest.fixture(scope="module")
def diag(committed):
    return dg.read_diagnostic_csv(committed["workforce_diagnostic_answers"])


@pytest.fixture(scope="module")
def from_workbooks():
    return dg.load_diagnostic_workbooks(WORKBOOKS, progress=False)


# ------------------------------------------------------------- deterministic XLSX writer
def small_book():
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Sheet A"
    ws["A1"] = "title"
    ws.merge_cells("A1:C1")
    ws["B2"] = pd.Timestamp("2021-11-15").date()
    book.create_sheet("Sheet B")["A1"] = 3
    return book


def test_write_xlsx_fixes_timestamps_and_entry_order(tmp_path):
    path = ds.write_xlsx(small_book(), tmp_path / "sub" / "a.xlsx")
    with zipfile.ZipFile(path) as z:
        infos = z.infolist()
        core = z.read("docProps/core.xml").decode()
    names = [i.filename for i in infos]
    assert names == sorted(names) and names[0] == "[Content_Types].xml"
    assert {i.date_time for i in infos} == {(2022, 1, 1, 0, 0, 0)}
    assert {i.create_system for i in infos} == {3}
    stamps = re.findall(r"<dcterms:(created|modified)[^>]*>([^<]*)<", core)
    assert sorted(stamps) == [("created", "2022-01-01T00:00:00Z"),
                              ("modified", "2022-01-01T00:00:00Z")]
    # a plain openpyxl save stamps the time now, which is why the helper exists
    plain = tmp_path / "plain.xlsx"
    small_book().save(plain)
    with zipfile.ZipFile(plain) as z:
        assert "2022-01-01T00:00:00Z" not in z.read("docProps/core.xml").decode()
    # the content survives
    back = openpyxl.load_workbook(path)
    assert back.sheetnames == ["Sheet A", "Sheet B"]
    assert back["Sheet B"]["A1"].value == 3
    assert back["Sheet A"]["B2"].value == pd.Timestamp("2021-11-15")


def test_write_xlsx_two_writes_identical_and_timestamp_is_an_argument(tmp_path):
    a = ds.write_xlsx(small_book(), tmp_path / "a.xlsx").read_bytes()
    b = ds.write_xlsx(small_book(), tmp_path / "b.xlsx").read_bytes()
    assert a == b
    stamp = pd.Timestamp("2023-05-06 07:08:10").to_pydatetime()
    c = ds.write_xlsx(small_book(), tmp_path / "c.xlsx", timestamp=stamp)
    assert c.read_bytes() != a
    with zipfile.ZipFile(c) as z:
        assert z.infolist()[0].date_time == (2023, 5, 6, 7, 8, 10)
        assert "2023-05-06T07:08:10Z" in z.read("docProps/core.xml").decode()


# ------------------------------------------------------------- generator reproducibility
def test_generation_is_byte_identical_to_the_committed_files(tmp_path):
    paths = ds.make_sample_data(tmp_path, names=["workforce_diagnostic"])
    rel = [p.relative_to(tmp_path).as_posix() for p in paths]
    assert rel == [f"{s}.csv" for s in STEMS] + [
        f"diagnostic_workbooks/HV{i:02d}.xlsx" for i in range(1, 15)]
    for p, r in zip(paths, rel):
        assert p.read_bytes() == (COMMITTED / r).read_bytes(), f"{r} differs from data/"
    committed_books = sorted(p.name for p in WORKBOOKS.iterdir())
    assert committed_books == [Path(r).name for r in rel[4:]]  # nothing stale in data/


def test_other_seed_or_size_gives_other_data():
    default, other = ds.generate("workforce_diagnostic"), ds.generate("workforce_diagnostic", 7)
    assert not default["workforce_diagnostic_answers"].equals(
        other["workforce_diagnostic_answers"])
    assert default["workforce_organisations"].equals(other["workforce_organisations"])
    pd.testing.assert_frame_equal(ds.workforce_diagnostic()["workforce_staff_survey"],
                                  default["workforce_staff_survey"])
    big = ds.workforce_diagnostic(40)
    assert len(big["workforce_organisations"]) == 40
    assert len(big["workforce_diagnostic_answers"]) == 40 * 60
    assert big["workforce_organisations"]["organisation"].is_unique


def test_list_datasets_names_the_workbook_folder():
    table = ds.list_datasets()
    files = table.loc[table["dataset"] == "workforce_diagnostic", "file"].tolist()
    assert files == [f"{s}.csv" for s in STEMS] + ["diagnostic_workbooks/"]


# ------------------------------------------------------------- shape of the data
def test_organisations_of_one_ics(committed):
    orgs = committed["workforce_organisations"]
    assert len(orgs) == 14 and orgs["org_code"].is_unique and orgs["organisation"].is_unique
    assert orgs["ics"].nunique() == 1
    types = orgs["organisation_type"].value_counts().to_dict()
    assert types["Acute trust"] == 3 and types["Mental health trust"] == 2
    assert types["County council"] == 2 and types["Ambulance trust"] == 1
    assert {"Community trust", "Primary care", "Hospice"} <= set(types)
    assert (orgs["workbook"] == "diagnostic_workbooks/" + orgs["org_code"] + ".xlsx").all()


def test_employed_staff_groups_keep_councils_out_of_band_gaps(committed, diag, names):
    orgs = committed["workforce_organisations"]
    cov = dg.evidence_coverage(diag)
    gaps = dg.evidence_gaps(cov, employed=orgs)  # raises on a term outside the vocabulary
    council = gaps[gaps["organisation"] == names["HV09"]]
    assert len(council) > 0 and not council["missing_groups"].str.contains("AfC").any()
    unfiltered = dg.evidence_gaps(cov)
    council = unfiltered[unfiltered["organisation"] == names["HV09"]]
    assert council["missing_groups"].str.startswith("AfC 1-9").all()


def test_answers_cover_60_questions_on_the_scale_with_vocabulary_groups(committed, diag):
    a = committed["workforce_diagnostic_answers"]
    assert len(a) == 14 * 60
    assert (a.groupby("organisation")["question_id"].nunique() == 60).all()
    assert set(a["answer"].dropna()) <= set(dg.maturity_scale()["label"])
    assert a["completed_on"].dropna().str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    # dates only with answers, staff groups only with evidence
    assert (a["completed_on"].notna() == a["answer"].notna()).all()
    assert not (a["staff_groups"].notna() & a["evidence"].isna()).any()
    cov = dg.evidence_coverage(diag)  # raises on a term outside the vocabulary
    assert len(cov) == 14 * 7 * 13


def test_about_80_percent_complete_some_partial_one_not_started(diag, names):
    c = diag.completeness.set_index("organisation")
    assert c["complete"].sum() == 11  # 11 of 14 = 79%
    assert c.loc[names["HV05"], "n_answered"] == 51
    assert c.loc[names["HV10"], "n_answered"] == 35  # the first four elements
    assert c.loc[names["HV12"], "n_answered"] == 0


# ------------------------------------------------------------- planted patterns
def test_strong_outlier_is_the_only_peer_learning_pairing(diag, names):
    summary = dg.system_summary(dg.score_diagnostic(diag))
    p = summary.pairings
    assert p[["element", "strong_organisation"]].values.tolist() == [[DAT, names["HV06"]]]
    assert p.loc[0, "n_weak"] >= 9  # most organisations are weak there
    e = summary.elements.set_index("element")
    assert e.loc[DAT, "widespread_gap"] and e.loc[DAT, "median"] <= 1
    assert e.loc["Professional wellbeing support", "widespread_strength"]
    assert e["widespread_gap"].sum() == 1 and e["widespread_strength"].sum() == 1


def test_no_organisation_has_bands_2_to_4_evidence_on_one_element(diag):
    by_element = dg.coverage_matrix(dg.evidence_coverage(diag), by="element")
    bands = by_element[["AfC 2", "AfC 3", "AfC 4"]]
    assert (bands.loc[MGR] == 0).all()
    assert (bands.drop(index=MGR).sum(axis=1) > 0).all()  # the only such element
    gaps = dg.evidence_gaps(dg.evidence_coverage(diag), groups=["AfC 2-4"])
    system = gaps[gaps["level"] == "system"]
    assert system["element"].tolist() == [MGR]
    assert system["message"].iloc[0].startswith(
        "no organisation has evidence about AfC 2-4 on Managers and leaders (13 organisations")


def test_staging_finds_who_is_late_and_who_is_behind(diag, names):
    progress = dg.staging_progress(diag, start=ds.DIAGNOSTIC_START)
    assert progress["as_of"].iloc[0] == diag.answers["completed_on"].max()
    late = progress[progress["status"] == "late"]
    found = {(o, e) for o, e in zip(late["organisation"], late["element"])}
    els = list(dg.elements()["element"])
    expected = {(names[code], els[k]) for code, lags in ds.LATENESS.items() for k in lags}
    assert found == expected
    assert (late["days_late"] > 0).all()
    summary = dg.staging_summary(progress)
    behind = summary.loc[summary["behind"], "organisation"].tolist()
    assert behind == [names["HV12"], names["HV05"], names["HV10"]]  # most overdue first
    hv10 = progress[progress["organisation"] == names["HV10"]]
    assert hv10["status"].tolist() == ["on time", "on time", "late", "late", "not started",
                                       "not started", "not started"]
    on_time = summary.set_index("organisation")["n_on_time"]
    assert on_time[names["HV01"]] == 7


def test_self_assessment_dissonant_with_survey_and_networks(committed, diag, names):
    hv08 = names["HV08"]
    scores = dg.score_diagnostic(diag)
    env = scores[scores["element"] == ENV].set_index("organisation")["mean_maturity"]
    assert env[hv08] >= 3 and env[hv08] == env.max()  # rates itself mature on Environment
    s = committed["workforce_staff_survey"]
    hsc = s[(s["organisation"] == hv08) & (s["indicator"] == "Health and safety climate")
            & (s["year"] == 2021)].iloc[0]
    position = (hsc["value"] - hsc["national_worst"]) / (
        hsc["national_best"] - hsc["national_worst"])
    assert position < 0.25 and hsc["value"] < hsc["ics_average"] - 1
    n = committed["workforce_staff_networks"]
    views = n[(n["organisation"] == hv08) & (n["element"] == ENV)]
    assert len(views) >= 2 and (views["stance"] == "concerned").all()


def test_staff_survey_comparators(committed, names):
    s = committed["workforce_staff_survey"]
    orgs = committed["workforce_organisations"]
    assert set(s["organisation"]) == set(orgs.loc[orgs["staff_survey"], "organisation"])
    assert set(s["year"]) == {2021, 2022} and len(s) == 7 * 4 * 2
    scores = s[s["unit"] == "score 0-10"]
    assert scores["value"].between(0, 10).all()
    assert s.loc[s["unit"] == "% agreeing", "value"].between(0, 100).all()
    assert (s["national_worst"] < s["national_average"]).all()
    assert (s["national_average"] < s["national_best"]).all()
    # ICS average: response-weighted mean of the ICS organisations, recomputed here
    w = s.assign(x=s["value"] * s["responses"]).groupby(["indicator", "year"])
    expected = (w["x"].sum() / w["responses"].sum()).round(2)
    got = s.groupby(["indicator", "year"])["ics_average"].agg(["min", "max"])
    assert (got["min"] == got["max"]).all()
    assert np.allclose(got["min"], expected.reindex(got.index))


def test_staff_network_views(committed):
    n = committed["workforce_staff_networks"]
    assert set(n["stance"]) == {"positive", "mixed", "concerned"}
    assert set(n["element"]) <= set(dg.elements()["element"])
    assert not n.duplicated(["organisation", "element", "network"]).any()
    assert n["organisation"].nunique() == 14


# ------------------------------------------------------------- loading the workbooks
def test_workbooks_reproduce_the_tidy_csv_exactly(from_workbooks, diag, tmp_path):
    assert from_workbooks.problems.empty
    out = ds.write_csv(from_workbooks.to_frame(), tmp_path / "tidy.csv")
    assert out.read_bytes() == (COMMITTED / "workforce_diagnostic_answers.csv").read_bytes()
    cols = list(dg.ANSWER_COLUMNS) + ["points", "level", "element"]
    pd.testing.assert_frame_equal(from_workbooks.answers[cols].reset_index(drop=True),
                                  diag.answers[cols].reset_index(drop=True))
    c = from_workbooks.completeness
    assert c["file"].tolist() == [f"HV{i:02d}.xlsx" for i in range(1, 15)]
    assert (c["n_problems"] == 0).all()
    pd.testing.assert_frame_equal(c.drop(columns=["file", "n_problems"]), diag.completeness)


def test_cover_sheets_match_the_organisations_file(from_workbooks, committed):
    cover = from_workbooks.cover
    orgs = committed["workforce_organisations"]
    for col in ("organisation", "org_code", "organisation_type", "ics", "lead_role"):
        assert cover[col].tolist() == orgs[col].tolist(), col
    assert (cover["started_on"] == pd.Timestamp(ds.DIAGNOSTIC_START)).all()
    last = from_workbooks.completeness["last_completed_on"]
    assert cover["last_updated"].equals(last.rename("last_updated"))
