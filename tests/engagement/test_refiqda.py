"""REFI-QDA exchange (wellbeing_lib.engagement.refiqda): round trips and a real-world-style
project with nested codes and two coders (built by tests/engagement/make_refi_project.py).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile

import pandas as pd
import pytest

from tests.engagement import make_refi_project as rw
from wellbeing_lib.engagement import (
    apply_codebook,
    load_codebook,
    read_qdc,
    read_qdpx,
    segment_agreement,
    write_qdc,
    write_qdpx,
)
from wellbeing_lib.errors import InvalidValueError, UnmatchedRecordsError, UnreadableFileError

NS = "{urn:QDA-XML:project:1.0}"


@pytest.fixture
def answers():
    return pd.DataFrame({
        "respondent": ["R1", "R2", "R3", "R4"],
        "question": "what_matters",
        "text": ["I am lonely and the GP is hard to reach", "Money worries, heating bills",
                 "Seeing my grandchildren", "Not lonely; I walk the dog every day"]})


@pytest.fixture
def codings():
    return pd.DataFrame({
        "respondent": ["R1", "R1", "R1", "R2", "R3", "R4", "R4"],
        "question": "what_matters",
        "code": ["loneliness", "gp_access", "loneliness", "cost_of_living",
                 "social_connection", "physical_activity", "physical_activity"],
        "coder": ["A", "A", "B", "B", "A", "A", "B"]})


@pytest.fixture
def real_world(tmp_path):
    return read_qdpx(rw.write_project(tmp_path / "nested.qdpx"))


# ---------------------------------------------------------------- round trips
def test_written_project_reimports_to_identical_codings(tmp_path, answers, codings):
    path = write_qdpx(tmp_path / "coding.qdpx", answers, codings=codings)
    project = read_qdpx(path)
    back = project.codings(unit=["respondent", "question"])
    expected = codings.drop_duplicates().sort_values(list(codings.columns))
    pd.testing.assert_frame_equal(back.sort_values(list(back.columns)).reset_index(drop=True),
                                  expected.reset_index(drop=True), check_dtype=False)
    # whole answers were coded; the texts came back unchanged
    assert (project.segments["text"] == project.segments["source"].map(
        dict(zip(project.sources["source"], project.sources["text"])))).all()
    assert list(project.sources["text"]) == list(answers["text"])
    assert set(project.users["coder"]) == {"A", "B"}


def test_codebook_mentions_keep_their_exact_spans(tmp_path, answers):
    mentions = apply_codebook(answers, unit=["respondent", "question"])
    path = write_qdpx(tmp_path / "mentions.qdpx", answers, codings=mentions)
    seg = read_qdpx(path).to_frame()
    assert (seg["coder"] == "codebook").all()
    got = seg[["source", "start", "end", "code", "text"]].sort_values(["source", "start", "code"])
    want = pd.DataFrame({
        "source": mentions["respondent"] + "/" + mentions["question"],
        "start": mentions["start"], "end": mentions["end"], "code": mentions["code"],
        "text": mentions["match"]}).sort_values(["source", "start", "code"])
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True),
                                  check_dtype=False)


def test_written_file_is_byte_reproducible_and_follows_the_schema(tmp_path, answers, codings):
    first = write_qdpx(tmp_path / "a.qdpx", answers, codings=codings).read_bytes()
    second = write_qdpx(tmp_path / "b.qdpx", answers, codings=codings, name="a").read_bytes()
    assert first == second
    with zipfile.ZipFile(tmp_path / "a.qdpx") as archive:
        names = archive.namelist()
        root = ET.fromstring(archive.read("project.qde"))
    assert names[0] == "project.qde" and all(n.startswith("Sources/") for n in names[1:])
    # Project.xsd: element order and required attributes
    assert [c.tag for c in root] == [f"{NS}Users", f"{NS}CodeBook", f"{NS}Sources"]
    for code in root.iter(f"{NS}Code"):
        assert {"guid", "name", "isCodable"} <= set(code.attrib)
    for sel in root.iter(f"{NS}PlainTextSelection"):
        assert {"guid", "startPosition", "endPosition"} <= set(sel.attrib)
        assert [c.tag for c in sel] == [f"{NS}Coding"]
    themes = [c for c in root.find(f"{NS}CodeBook/{NS}Codes")]
    assert all(t.get("isCodable") == "false" for t in themes)   # themes are categories
    assert len(themes) == load_codebook()["theme"].nunique()


def test_codebook_exchange_round_trip(tmp_path):
    codes = read_qdc(write_qdc(tmp_path / "wellbeing.qdc"))
    book = load_codebook()
    leaves = codes[codes["codable"]]
    assert list(leaves["code"]) == list(book["code"])
    assert list(leaves["theme"]) == list(book["theme"])
    assert list(leaves["description"]) == list(book["definition"])
    assert leaves["color"].str.match(r"^#[0-9A-F]{6}$").all()
    again = read_qdc(write_qdc(tmp_path / "again.qdc", codes))
    pd.testing.assert_frame_equal(again.drop(columns="code_guid"),
                                  codes.drop(columns="code_guid"))


# ---------------------------------------------------------------- a real-world-style project
def test_real_world_project_codes_users_and_sources(real_world):
    codes = real_world.codes.set_index("path")
    assert list(codes.index) == [path for _, path in rw.CODES.values()]
    assert codes.loc["Wellbeing/Social/Loneliness", "level"] == 3
    assert codes.loc["Wellbeing/Social/Loneliness", "parent"] == "Social"
    assert codes.loc["Wellbeing/Social/Loneliness", "theme"] == "Wellbeing"
    assert codes.loc["Wellbeing/Social/Loneliness", "description"] == \
        "Feeling alone & without company"
    assert codes.loc["Services/Transport", "color"] == "#CC79A7"
    assert not codes.loc["Wellbeing", "codable"] and codes.loc["Wellbeing/Social", "codable"]
    # two codes called "Other": each is named by its path
    assert codes.loc["Services/Other", "code"] == "Services/Other"
    assert codes.loc["Wellbeing/Social/Family", "code"] == "Family"
    assert list(real_world.users["coder"]) == ["Ann Smith", "Bilal Khan"]
    assert list(real_world.skipped["kind"]) == ["PictureSource"]
    texts = dict(zip(real_world.sources["source"], real_world.sources["text"]))
    assert texts == rw.TEXTS   # BOM dropped, CRLF and emoji kept


def test_real_world_project_segments(real_world):
    path_of = dict(zip(real_world.codes["code"], real_world.codes["path"]))
    seg = real_world.segments
    got = sorted(zip(seg["source"], seg["start"], seg["end"], seg["code"].map(path_of),
                     seg["coder"]))
    assert got == sorted(rw.EXPECTED)
    texts = dict(zip(real_world.sources["source"], real_world.sources["text"]))
    assert all(texts[s][a:b] == t for s, a, b, t in
               zip(seg["source"], seg["start"], seg["end"], seg["text"]))
    assert "costs £3 😞" in set(seg["text"])
    assert seg.loc[seg["text"] == "I feel lonely", "memo"].item() == "grief?"
    tidy = real_world.codings(unit="respondent")
    assert list(tidy.columns) == ["respondent", "question", "code", "coder"]
    assert len(tidy) == len(tidy.drop_duplicates()) == 12   # one row per source x code x coder


def test_real_world_project_round_trips_through_our_writer(tmp_path, real_world):
    segments = real_world.segments.rename(columns={"source": "respondent"})
    texts = real_world.sources.rename(columns={"source": "respondent"})
    path = write_qdpx(tmp_path / "again.qdpx", texts, codings=segments, unit="respondent",
                      codebook=real_world.codes)
    again = read_qdpx(path)
    cols = ["source", "start", "end", "code", "coder", "text"]
    key = ["source", "start", "end", "code", "coder"]
    pd.testing.assert_frame_equal(
        again.segments[cols].sort_values(key).reset_index(drop=True),
        real_world.segments[cols].sort_values(key).reset_index(drop=True))
    pd.testing.assert_frame_equal(again.codes.drop(columns="code_guid"),
                                  real_world.codes.drop(columns="code_guid"))


def test_real_world_project_segment_agreement(real_world):
    out = segment_agreement(real_world.segments, real_world.sources,
                            coders=["Ann Smith", "Bilal Khan"])
    gp = out[(out["code"] == "GP access") & (out["source"] == "R001")].iloc[0]
    assert gp["kappa"] == pytest.approx(1.0) and gp["u_alpha"] == pytest.approx(1.0)
    assert gp["agreement"] == pytest.approx(100.0)


# ---------------------------------------------------------------- errors
def test_broken_projects_raise_named_errors(tmp_path):
    with pytest.raises(UnreadableFileError, match="not a REFI-QDA project"):
        read_qdpx(tmp_path.joinpath("x.qdpx").write_text("hello") and tmp_path / "x.qdpx")
    empty = tmp_path / "empty.qdpx"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("readme.txt", "no project")
    with pytest.raises(UnreadableFileError, match="no project.qde"):
        read_qdpx(empty)
    xml = rw.project_xml()
    for broken, error, message in (
        (xml.replace(rw.G["Services/Transport"] + '"/>', 'FFFFFFFF-0000-0000-0000-000000000000"/>'),
         UnmatchedRecordsError, "code not in the codebook"),
        (xml.replace('endPosition="13"', 'endPosition="999"', 1), InvalidValueError,
         "outside its source"),
    ):
        path = tmp_path / "broken.qdpx"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("project.qde", broken)
            for name in ("R001", "R002"):
                archive.writestr(f"sources/{rw.GUIDS[name]}.txt", rw.TEXTS[name])
        with pytest.raises(error, match=message):
            read_qdpx(path)


def test_writer_refuses_codings_of_unknown_answers(tmp_path, answers, codings):
    stray = pd.concat([codings, codings.iloc[[0]].assign(respondent="R99")])
    with pytest.raises(UnmatchedRecordsError, match="not in texts"):
        write_qdpx(tmp_path / "x.qdpx", answers, codings=stray)
