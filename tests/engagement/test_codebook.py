"""Codebooks and coding free text (wellbeing_lib.engagement.codebook).
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wellbeing_lib.engagement import (
    apply_codebook,
    load_codebook,
    read_codebook,
    theme_labels,
)
from wellbeing_lib.errors import (
    DuplicateKeyError,
    InvalidValueError,
    MissingColumnError,
)
from wellbeing_lib.io import load_reference_table


# ========================================================================= codebook
def test_bundled_codebooks_validate_with_source_and_year():
    wb = load_codebook()
    sa = load_codebook("self_assessment")
    assert (len(wb), len(sa)) == (25, 15)
    assert wb["code"].is_unique and not set(wb["code"]) & set(sa["code"])
    themes = set(wb["theme"])
    for theme in ("Social inclusion", "Being looked after", "Being healthy", "Self-care",
                  "Access to services", "Cost of living", "Loneliness", "Mental health",
                  "Physical activity", "Digital and apps"):
        assert theme in themes
    for name in ("wellbeing_codebook.csv", "self_assessment_codebook.csv",
                 "theme_recommendations.csv", "engagement_areas.csv"):
        table = load_reference_table(name)
        assert {"source", "year"} <= set(table.columns)
        assert table["source"].notna().all() and table["year"].between(2000, 2030).all()


def cb(**rows):
    """A one-theme codebook: cb(code=(include, exclude, negation))."""
    out = []
    for code, spec in rows.items():
        include, exclude, negation = (list(spec) + ["", "yes"])[:3]
        out.append({"theme": code.title(), "code": code, "include": include,
                    "exclude": exclude, "negation": negation})
    return pd.DataFrame(out)


def test_codebook_validation_errors_name_rows(tmp_path):
    dup = pd.DataFrame({"theme": ["A", "B"], "code": ["x", "x"], "include": ["a", "b"]})
    with pytest.raises(DuplicateKeyError, match="rows 0, 1"):
        read_codebook(dup)
    path = tmp_path / "codebook.csv"
    path.write_text("theme,code,include,include_regex\nA,a,apple,\nB,b,,(unclosed\n",
                    encoding="utf-8")
    with pytest.raises(InvalidValueError, match=r"does not compile.*row 1 \(file line 3\)"):
        read_codebook(path)
    with pytest.raises(InvalidValueError, match="without include terms"):
        read_codebook(pd.DataFrame({"theme": ["A"], "code": ["a"], "include": [" "]}))
    with pytest.raises(InvalidValueError, match="malformed term"):
        read_codebook(pd.DataFrame({"theme": ["A"], "code": ["a"], "include": ["is*lated"]}))
    with pytest.raises(InvalidValueError, match="malformed term"):
        read_codebook(pd.DataFrame({"theme": ["A"], "code": ["a"], "include": ["£"]}))
    with pytest.raises(InvalidValueError, match="invalid negation flag"):
        read_codebook(cb(a=("apple", "", "maybe")))
    with pytest.raises(MissingColumnError):
        read_codebook(pd.DataFrame({"theme": ["A"], "code": ["a"]}))


def coded(texts, codebook, **kw):
    data = pd.DataFrame({"respondent": range(1, len(texts) + 1), "text": texts})
    return apply_codebook(data, codebook, **kw)


def test_whole_words_case_and_wildcards():
    book = cb(app=("app",), lonely=("isolat*",), gym=("gym",))
    out = coded(["Happy with the APP", "apple pie; apps", "Isolation and ISOLATED",
                 "gymnastics", "the gym's hours"], book)
    assert out[["respondent", "code", "match"]].values.tolist() == [
        [1, "app", "APP"], [3, "lonely", "Isolation"], [3, "lonely", "ISOLATED"],
        [5, "gym", "gym's"]]  # possessive 's ignored; no match inside happy/apple/gymnastics


def test_multi_word_terms_hyphens_and_any_word():
    book = cb(self_care=("self care; look after myself",),
              access=("can't get * appointment; can't get * * appointment",))
    out = coded(["Self-care matters", "I look  after myself", "self. care",
                 "I can’t get a GP appointment", "Can't get an appointment"], book)
    assert out[["respondent", "match"]].values.tolist() == [
        [1, "Self-care"], [2, "look  after myself"], [4, "can’t get a GP appointment"],
        [5, "Can't get an appointment"]]  # a full stop breaks "self. care"


def test_overlaps_within_a_code_keep_the_longest_and_multi_label_across_codes():
    book = cb(mental=("mental health; health",), healthy=("health; healthy",),
              access=("appointment; can't get an appointment",))
    out = coded(["My mental health", "Can't get an appointment"], book)
    got = out[["respondent", "code", "match", "start", "end"]].values.tolist()
    assert got == [[1, "mental", "mental health", 3, 16], [1, "healthy", "health", 10, 16],
                   [2, "access", "Can't get an appointment", 0, 24]]


def test_negation_window_rules():
    book = cb(lonely=("lonely; isolated; lonel*",), access=("access",),
              family=("family", "", "no"))
    texts = [
        "I am not lonely",                          # 1 negated (1 word before)
        "I never feel isolated",                    # 2 negated (2 words before)
        "no problems with access",                  # 3 negated (3 words before)
        "I don’t feel lonely",                      # 4 curly n't cue
        "not lonely, but isolated",                 # 5 comma and 'but' end the window
        "not at all really lonely",                 # 6 cue 4 words back: outside window
        "I never see my family",                    # 7 family has negation = no
        "Lonely. Not now",                          # 8 cue after the match
    ]
    out = coded(texts, book, keep_negated=True)
    neg = {(r, m.lower()): n for r, m, n in out[["respondent", "match", "negated"]].values}
    assert neg[(1, "lonely")] and neg[(2, "isolated")] and neg[(3, "access")]
    assert neg[(4, "lonely")]
    assert neg[(5, "lonely")] and not neg[(5, "isolated")]
    assert not neg[(6, "lonely")] and not neg[(7, "family")] and not neg[(8, "lonely")]
    kept = coded(texts, book)
    assert "negated" not in kept.columns
    assert sorted(set(kept["respondent"])) == [5, 6, 7, 8]
    wide = coded(texts, book, negation_window=4, keep_negated=True)
    assert wide.loc[wide["respondent"] == 6, "negated"].all()
    off = coded(texts, book, negation_window=0)
    assert len(off) == len(out)


def test_exclude_terms_and_regex():
    book = pd.DataFrame({
        "theme": ["Activity", "Money"], "code": ["walk", "money"],
        "include": ["walk; walking", ""], "exclude": ["walking stick*", ""],
        "include_regex": ["", r"£\s?\d+"], "exclude_regex": ["", r"£\s?0\b"],
    })
    out = coded(["My walking stick helps me walk", "Walking sticks", "costs £15, not £0",
                 "walking, and a walking stick"], book)
    assert out[["respondent", "code", "match"]].values.tolist() == [
        [1, "walk", "walk"], [3, "money", "£15"], [4, "walk", "walking"]]


def test_spans_point_into_the_text_and_missing_texts_are_skipped():
    texts = ["  Lonely… and anxious (stressed)", None, "", "Worried about bills"]
    data = pd.DataFrame({"respondent": [1, 2, 3, 4], "question": "q", "text": texts})
    out = apply_codebook(data)
    assert list(out.columns) == ["respondent", "question", "code", "theme", "start", "end",
                                 "match"]
    for r, s, e, m in out[["respondent", "start", "end", "match"]].values:
        assert texts[r - 1][s:e] == m
    assert set(out["respondent"]) == {1, 4}
    assert theme_labels(out, "code")[0] == "social_connection"  # the codebook's codes


def test_series_input_and_non_text_error():
    s = pd.Series(["lonely", "bills"], index=pd.Index([10, 20], name="pid"))
    out = apply_codebook(s)
    assert out[["pid", "code"]].values.tolist() == [[10, "loneliness"], [20, "cost_of_living"]]
    with pytest.raises(InvalidValueError, match="non-text answer"):
        apply_codebook(pd.DataFrame({"respondent": [1, 2], "text": ["lonely", 5]}))


@settings(max_examples=30, deadline=None)
@given(st.lists(st.text(alphabet="abc lonely isolated not, .’'-", max_size=40), max_size=12))
def test_property_spans_and_negation_subset(texts):
    book = cb(lonely=("lonely; isolat*; not lonely",))
    data = pd.DataFrame({"respondent": range(len(texts)), "text": texts})
    everything = apply_codebook(data, book, keep_negated=True)
    kept = apply_codebook(data, book)
    assert len(kept) == int((~everything["negated"]).sum()) if len(everything) else True
    for r, s, e, m in everything[["respondent", "start", "end", "match"]].values:
        assert texts[r][s:e] == m


# ============================================ bundled codebooks by name, yours read
def test_load_codebook_by_name_and_read_codebook_for_your_own(tmp_path):
    from wellbeing_lib.validation import source_of

    assert load_codebook("wellbeing").equals(load_codebook())
    assert source_of(load_codebook("self_assessment")) == "self_assessment_codebook.csv"
    with pytest.raises(InvalidValueError, match="not a bundled codebook.*read_codebook"):
        load_codebook("my_codebook.csv")
    with pytest.raises(InvalidValueError, match="found DataFrame"):
        load_codebook(pd.DataFrame({"theme": ["A"], "code": ["a"], "include": ["apple"]}))
    path = tmp_path / "mine.csv"
    path.write_text("theme,code,include,negation\nFruit,apple,apple*,no\n", encoding="utf-8")
    mine = read_codebook(path)
    assert source_of(mine) == "mine.csv"
    assert mine[["theme", "code", "negation"]].values.tolist() == [["Fruit", "apple", False]]
    # codebook= of the analysis functions takes a bundled name, a path or a table
    answers = pd.DataFrame({"respondent": [1, 2], "text": ["Apples", "not an apple"]})
    by_path = apply_codebook(answers, path)
    pd.testing.assert_frame_equal(by_path, apply_codebook(answers, mine))
    assert by_path["match"].tolist() == ["Apples", "apple"]  # negation off for this code


def test_theme_labels_come_from_the_codebook_argument_not_attrs():
    answers = pd.DataFrame({"respondent": [1, 2], "text": ["Lonely", "An apple a day"]})
    mentions = apply_codebook(answers)
    assert mentions.attrs == {}  # nothing hidden for later steps
    assert theme_labels(mentions) == list(pd.unique(load_codebook()["theme"]))
    assert theme_labels(mentions, "code") == list(load_codebook()["code"])
    assert theme_labels(mentions, "code", "self_assessment") == list(
        load_codebook("self_assessment")["code"])
    # your own codebook: give the same codebook= to the later steps
    book = cb(fruit=("apple",), veg=("carrot",))
    own = apply_codebook(answers, book)
    assert theme_labels(own, codebook=book) == ["Fruit", "Veg"]
    from wellbeing_lib.engagement import theme_frequency

    freq = theme_frequency(answers, own, codebook=book)
    assert freq[["theme", "n"]].values.tolist() == [["Fruit", 1], ["Veg", 0]]
    with pytest.raises(InvalidValueError, match="not in the codebook.*pass codebook="):
        theme_frequency(answers, own)
    # a grouping column of your own: its labels in order of appearance
    assert theme_labels(own.assign(group=["b"]), "group") == ["b"]


# ---------------------------------------------------------------- regular expressions
def test_regex_in_plain_terms_column_is_a_named_error(tmp_path):
    """Issue 15: 'lonel(y|iness)' in include was split into words that never match."""
    path = tmp_path / "codebook.csv"
    path.write_text("theme,code,include,exclude\nA,a,apple,\nL,lonely,lonel(y|iness); alone,\n"
                    "M,money,money,\\bpocket money\\b\n", encoding="utf-8")
    with pytest.raises(InvalidValueError) as err:
        read_codebook(path)
    message = str(err.value)
    assert "regular expression in a plain-terms column" in message
    assert "'include'" in message and "file line 3" in message and "include_regex" in message
    assert err.value.found == ["lonel(y|iness); alone"]
    fixed = path.read_text().replace("lonel(y|iness); alone,", "alone,").replace(
        "\\bpocket money\\b", "pocket money")
    path.write_text(fixed)
    read_codebook(path)
    # the same pattern in the regex column works, and plain terms with apostrophes,
    # hyphens, '*' and full stops are still plain terms
    book = pd.DataFrame({"theme": ["L"], "code": ["lonely"], "include": ["GP's; self-care; e.g."],
                         "include_regex": [r"\blonel(y|iness)\b"]})
    out = apply_codebook(pd.DataFrame({"respondent": [1, 2], "text": ["Loneliness", "lonely"]}),
                         book)
    assert out["match"].tolist() == ["Loneliness", "lonely"]
    with pytest.raises(InvalidValueError, match="exclude_regex"):
        read_codebook(pd.DataFrame({"theme": ["L"], "code": ["x"], "include": ["a"],
                                    "exclude": ["[Ww]alking stick"]}))


# ---------------------------------------------------------------- scale: chunks, streaming
def test_chunked_coding_equals_one_pass(monkeypatch):
    from wellbeing_lib.engagement import codebook as module

    texts = ["I am not lonely but I never see my family.", "", None,
             "Can't get an appointment; the bus is a problem.", "Money worries, heating bills",
             "Walking stick helps; I love walking and my GP's advice."] * 40
    data = pd.DataFrame({"respondent": range(len(texts)), "text": texts})
    whole = apply_codebook(data, keep_negated=True)
    monkeypatch.setattr(module, "CHUNK_CHARACTERS", 50)   # dozens of chunks
    assert len(module._chunks(data["text"].fillna(""))) > 20
    pd.testing.assert_frame_equal(apply_codebook(data, keep_negated=True), whole)


def test_code_in_chunks_and_code_csv_stream(tmp_path):
    from wellbeing_lib.engagement import code_csv, code_in_chunks

    texts = ["Lonely and skint", "Money worries", "Not lonely", "I love walking"] * 25
    data = pd.DataFrame({"respondent": range(100), "text": texts})
    whole = apply_codebook(data)
    pieces = pd.concat(code_in_chunks(data.iloc[i:i + 7] for i in range(0, 100, 7)),
                       ignore_index=True)
    pd.testing.assert_frame_equal(pieces, whole)
    source = tmp_path / "answers.csv"
    data.to_csv(source, index=False, encoding="cp1252")
    counts = code_csv(source, tmp_path / "mentions.csv", chunksize=9)
    assert counts == {"answers": 100, "mentions": len(whole)}
    back = pd.read_csv(tmp_path / "mentions.csv", dtype={"respondent": str})
    assert back["code"].tolist() == whole["code"].tolist()
    assert back["respondent"].tolist() == whole["respondent"].astype(str).tolist()
    with pytest.raises(ValueError, match="new file"):
        code_csv(source, source)
