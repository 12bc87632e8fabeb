"""Codebooks: load a bundled one or read your own, and code free text with it.

A codebook is a table with one row per code (its ``theme``, ``code``, ``include`` terms,
optional ``exclude`` terms and regular expressions, and a ``negation`` flag; the format
is described in :func:`read_codebook`).  :func:`load_codebook` loads a bundled codebook by
name (``"wellbeing"``, the default everywhere, or ``"self_assessment"``);
:func:`read_codebook` reads and validates yours.  :func:`apply_codebook` codes answers
with it: whole words, multi-label, exclude terms and a negation window, tokenised into
arrays a chunk of about two million characters at a time, so that 1,000,000 answers x 40
codes take a few seconds and extra memory under three times the text's
(``benchmarks/bench_engagement.py``); :func:`code_in_chunks` and :func:`code_csv` stream
any number of answers in bounded memory.  :func:`theme_labels` lists
the themes (or codes) a codebook defines, so that summaries report themes nobody
mentioned too: every later step takes the same ``codebook=`` (default: the bundled
wellbeing codebook, as :func:`apply_codebook`).

Example
-------
>>> import pandas as pd
>>> answers = pd.DataFrame({"respondent": [1, 2, 3],
...                         "text": ["Not lonely, I see friends", "Lonely", "Money worries"]})
>>> apply_codebook(answers)[["respondent", "code", "match"]]
   respondent               code    match
0           1  social_connection  friends
1           2         loneliness   Lonely
2           3     cost_of_living    Money
3           3      mental_health  worries
"""

from __future__ import annotations

import functools
import re

import numpy as np
import pandas as pd

from ..errors import InvalidValueError, MissingColumnError
from ..io import load_reference_table, read_table, with_source
from ..validation import as_columns, check_unique, error_location, require_columns, source_of
from ._common import _unit_columns

__all__ = [
    "CODEBOOK_FILE",
    "SELF_ASSESSMENT_CODEBOOK_FILE",
    "BUNDLED_CODEBOOKS",
    "LEVEL_COLUMNS",
    "TERM_SEPARATOR",
    "NEGATION_CUES",
    "CLAUSE_BREAK_WORDS",
    "NEGATION_WINDOW",
    "load_codebook",
    "read_codebook",
    "apply_codebook",
    "code_in_chunks",
    "code_csv",
    "theme_labels",
    "CHUNK_CHARACTERS",
]

#: the default wellbeing codebook and the engagement self-assessment codebook
CODEBOOK_FILE = "wellbeing_codebook.csv"
SELF_ASSESSMENT_CODEBOOK_FILE = "self_assessment_codebook.csv"

#: the bundled codebooks by name, as :func:`load_codebook` takes them
BUNDLED_CODEBOOKS = {"wellbeing": CODEBOOK_FILE, "self_assessment": SELF_ASSESSMENT_CODEBOOK_FILE}

#: the mention columns a codebook defines labels for (see :func:`theme_labels`)
LEVEL_COLUMNS = ("theme", "code")

#: separator of the terms in a codebook's ``include`` and ``exclude`` cells
TERM_SEPARATOR = ";"

#: words that negate a following mention ("not lonely"); contractions ending in n't
#: ("don't", "isn't", "can't") and their apostrophe-less spellings count too
NEGATION_CUES = (
    "no", "not", "never", "nor", "neither", "none", "nothing", "cannot",
    "dont", "doesnt", "didnt", "isnt", "arent", "wasnt", "werent", "havent", "hasnt",
    "hadnt", "cant", "couldnt", "wont", "wouldnt", "shouldnt",
)

#: words that end the negation window, like punctuation does ("not lonely but isolated")
CLAUSE_BREAK_WORDS = ("but", "however", "although", "though", "except", "whereas")

#: default number of words before a mention searched for a negation cue
NEGATION_WINDOW = 3

# a word: letters/digits with inner apostrophes ("don't", "GP's"); texts are split the
# same way by _Corpus (character classes), terms by this pattern
_WORD = re.compile(r"\w+(?:['’]\w+)*")
_BREAK_CHARS = set(".,;:!?()[]\n\r…–—")
_YES = ("yes", "y", "true", "1", "")
# what only a regular expression has: escapes (\b, \w, \s, \d ...), groups, classes,
# alternation, anchors, quantifiers ("+", "?", "{2}") and ".*"-style wildcards; plain
# terms use only words, apostrophes, hyphens, "*" and ";"
_REGEX_SYNTAX = re.compile(r"\\[A-Za-z.]|[()\[\]{}|^$+?]|\.[*+?]")
_NO = ("no", "n", "false", "0")


def _normalise_words(words: pd.Series) -> pd.Series:
    """Lower case, curly apostrophe -> straight, possessive 's dropped ("GP's" -> "gp")."""
    out = words.str.lower().str.replace("’", "'", regex=False)
    return out.str.replace(r"'s$", "", regex=True)


def _parse_terms(cell) -> list[str]:
    if cell is None or (not isinstance(cell, str) and pd.isna(cell)):
        return []
    return [t.strip() for t in str(cell).split(TERM_SEPARATOR) if t.strip()]


def _normalise_word(word: str) -> str:
    """The scalar form of :func:`_normalise_words`."""
    word = word.lower().replace("’", "'")
    return word[:-2] if word.endswith("'s") else word


@functools.lru_cache(maxsize=4096)
def _term_words(term: str) -> tuple[str, ...] | str:
    """Words of a plain term (normalised), or an error message (cached: terms repeat)."""
    pieces = term.replace("’", "'").split()
    words: list[str] = []
    for piece in pieces:
        if piece == "*":
            words.append("*")
            continue
        star = piece.endswith("*")
        core = piece[:-1] if star else piece
        if "*" in core:
            return f"'*' only at the end of a word or as a whole word, in {term!r}"
        found = [_normalise_word(w) for w in _WORD.findall(core)]
        if not found:
            continue
        if star:
            found[-1] += "*"
        words.extend(found)
    if not [w for w in words if w != "*"]:
        return f"term {term!r} has no words (use include_regex for symbols)"
    if words[0] == "*" or words[-1] == "*":
        return f"term {term!r} starts or ends with a '*' word"
    return tuple(words)


def load_codebook(name: str = "wellbeing") -> pd.DataFrame:
    """Load a codebook bundled with the package, by name, validated.

    Bundled (each code with its ``source`` and ``year``):

    ===================  ===========================================================
    ``"wellbeing"``      ``wellbeing_codebook.csv``: 25 codes in 15 themes of what
                         matters to people's wellbeing (the default everywhere)
    ``"self_assessment"``  ``self_assessment_codebook.csv``: 15 codes for the ICS
                         public-engagement self-assessment
    ===================  ===========================================================

    To use your own codebook (a CSV/XLSX file or a DataFrame), read it with
    :func:`read_codebook`; every ``codebook=`` argument also takes a bundled name, a
    path or a DataFrame.

    Parameters
    ----------
    name : {"wellbeing", "self_assessment"}, default "wellbeing"

    Returns
    -------
    DataFrame
        The codebook (a copy), with the columns described in :func:`read_codebook`.

    Raises
    ------
    InvalidValueError
        ``name`` is not a bundled codebook (the message points to :func:`read_codebook`).

    Example
    -------
    >>> cb = load_codebook()
    >>> len(cb), cb["theme"].nunique()
    (25, 15)
    >>> len(load_codebook("self_assessment"))
    15
    """
    if not isinstance(name, str) or name not in BUNDLED_CODEBOOKS:
        raise InvalidValueError(
            "not a bundled codebook", expected="one of " + ", ".join(BUNDLED_CODEBOOKS)
            + " (read your own codebook file or table with read_codebook)",
            found=[name if isinstance(name, str) else type(name).__name__])
    file = BUNDLED_CODEBOOKS[name]
    return _validated_codebook(with_source(load_reference_table(file), file))


def read_codebook(path_or_frame) -> pd.DataFrame:
    """Read and validate your own codebook: a CSV/XLSX file, or a table in memory.

    A codebook is a table with one row per code:

    ===============  =================================================================
    theme            required; the theme the code belongs to (several codes per theme)
    code             required, unique; the code's identifier
    include          terms that signal the code, separated by ``;``
    include_regex    optional; one Python regular expression (case-insensitive)
    exclude          optional; terms whose matches are not mentions (see below)
    exclude_regex    optional; one regular expression, same role
    negation         optional; "yes" (default) or "no": apply the negation window of
                     :func:`apply_codebook` to this code.  Use "yes" for codes whose
                     terms name a problem that can be denied ("not lonely", "no
                     problems with access"); "no" for topics where a negative still
                     concerns the theme ("never see my family", "I don't exercise")
    definition       optional; what the code means, for coders and reports
    source, year     where the code comes from (bundled codebooks always have them)
    ===============  =================================================================

    Every row needs ``include`` or ``include_regex``.  A plain term is one or more
    words matched as whole words, case-insensitive, with any punctuation-free spacing
    ("self care" matches "Self-care" and "self  care"); ``word*`` matches words
    starting with ``word`` ("isolat*": isolated, isolation); a ``*`` on its own
    matches any one word ("can't get * appointment").  Curly and straight apostrophes
    are the same and a possessive 's is ignored ("GP's" matches "gp").

    Parameters
    ----------
    path_or_frame : str, Path or DataFrame
        A CSV/XLSX file (encoding detected, cells read as text) or a DataFrame (copied,
        not changed).

    Returns
    -------
    DataFrame
        The codebook, columns as above; missing optional columns added empty and
        ``negation`` as True/False.

    Raises
    ------
    MissingColumnError
        No ``theme``/``code`` column, or neither ``include`` nor ``include_regex``.
    InvalidValueError
        A missing theme or code, a row with no include terms, a malformed term, a
        regular expression written in ``include`` or ``exclude`` (it would be split into
        words that never match: use ``include_regex``/``exclude_regex``), or a regular
        expression that does not compile (the row and file line are named).
    DuplicateKeyError
        A code listed twice.

    Example
    -------
    >>> import pandas as pd
    >>> read_codebook(pd.DataFrame({"theme": ["Loneliness"], "code": ["lonely"],
    ...                             "include": ["lonely; isolat*"]}))[["code", "negation"]]
         code  negation
    0  lonely      True
    >>> read_codebook(pd.DataFrame({"theme": ["Loneliness"], "code": ["lonely"],
    ...                             "include_regex": ["lonel(y|iness"]}))
    Traceback (most recent call last):
    ...
    wellbeing_lib.errors.InvalidValueError: regular expression does not compile in column 'include_regex', row 0: expected a valid Python regular expression; found lonel(y|iness (missing ), unterminated subpattern at position 5)
    """
    if isinstance(path_or_frame, pd.DataFrame):
        table = path_or_frame.copy()
    else:
        table = read_table(path_or_frame, dtype=str, keep_default_na=False)
    return _validated_codebook(table)


def _as_codebook(codebook) -> pd.DataFrame:
    """A ``codebook=`` argument as a validated table: None or a bundled name
    (:func:`load_codebook`), else a path or DataFrame (:func:`read_codebook`)."""
    if codebook is None:
        return load_codebook()
    if isinstance(codebook, str) and codebook in BUNDLED_CODEBOOKS:
        return load_codebook(codebook)
    return read_codebook(codebook)


def theme_labels(mentions: pd.DataFrame, level: str = "theme", codebook=None) -> list:
    """Every theme (or code) to report, in codebook order, themes nobody mentioned included.

    The summaries (:func:`~wellbeing_lib.engagement.theme_frequency`,
    :func:`~wellbeing_lib.engagement.compare_groups`, the theme explorer ...) report one
    row per label of the codebook, so a theme with no mention shows as 0.  ``level`` is
    ``"theme"`` or ``"code"``; any other column of ``mentions`` (a grouping of your own)
    gives its labels in order of appearance.

    Parameters
    ----------
    mentions : DataFrame
        Output of :func:`apply_codebook`.
    level : str, default "theme"
    codebook : str, path, DataFrame or None
        The codebook given to :func:`apply_codebook` (default: the bundled wellbeing
        codebook, as there).

    Returns
    -------
    list

    Example
    -------
    >>> import pandas as pd
    >>> m = apply_codebook(pd.DataFrame({"respondent": [1], "text": ["Lonely"]}))
    >>> labels = theme_labels(m)
    >>> len(labels), labels[:2]
    (15, ['Social inclusion', 'Loneliness'])
    >>> theme_labels(m, "code")[:2]
    ['social_connection', 'community_groups']
    """
    if level in LEVEL_COLUMNS:
        return list(pd.unique(_as_codebook(codebook)[level]))
    require_columns(mentions, [level], what="mentions")
    return list(pd.unique(mentions[level]))


def _validated_codebook(table: pd.DataFrame) -> pd.DataFrame:
    """Check a codebook table and fill its optional columns (see :func:`read_codebook`)."""
    require_columns(table, ["theme", "code"], what="codebook")
    if "include" not in table.columns and "include_regex" not in table.columns:
        raise MissingColumnError("codebook: no include terms", file=source_of(table),
                                 column="include", expected="an include or include_regex column")
    for col in ("include", "exclude", "include_regex", "exclude_regex", "definition"):
        if col not in table.columns:
            table[col] = ""
    for col in ("theme", "code"):
        values = table[col].astype("str").str.strip()
        bad = (values.isna() | (values == "")).to_numpy()
        if bad.any():
            raise InvalidValueError(f"missing {col}", column=col, expected=f"a {col} on every row",
                                    **error_location(table, table.index[bad]))
        table[col] = values
    check_unique(table, "code")
    if "negation" not in table.columns:
        table["negation"] = True
    flag = table["negation"].astype("str").str.strip().str.lower().fillna("")
    bad = ~flag.isin(list(_YES) + list(_NO)).to_numpy()
    if bad.any():
        raise InvalidValueError("invalid negation flag", column="negation",
                                expected="yes or no (blank = yes)",
                                found=list(table["negation"][bad]),
                                **error_location(table, table.index[bad]))
    table["negation"] = flag.isin(_YES).to_numpy()
    for col in ("include", "exclude", "include_regex", "exclude_regex"):
        table[col] = table[col].astype("str").fillna("").str.strip()
    no_terms = ((table["include"] == "") & (table["include_regex"] == "")).to_numpy()
    if no_terms.any():
        raise InvalidValueError("code without include terms", column="include",
                                expected="include terms or an include_regex",
                                found=list(table["code"][no_terms]),
                                **error_location(table, table.index[no_terms]))
    for label, row in table.iterrows():  # one pass over the codebook's rows (not data)
        for col in ("include", "exclude"):
            if _REGEX_SYNTAX.search(row[col]):
                raise InvalidValueError(
                    "regular expression in a plain-terms column", column=col,
                    expected=f"plain words ('word', 'word*', '*') separated by ';' - put a "
                             f"regular expression in the {col}_regex column instead",
                    found=[row[col]], **error_location(table, [label]))
            for term in _parse_terms(row[col]):
                words = _term_words(term)
                if isinstance(words, str):
                    raise InvalidValueError("malformed term", column=col,
                                            expected="words, 'word*' or '*' separated by "
                                                     "spaces; terms separated by ';'",
                                            found=[words], **error_location(table, [label]))
        for col in ("include_regex", "exclude_regex"):
            if row[col]:
                try:
                    re.compile(row[col])
                except re.error as exc:
                    raise InvalidValueError(
                        "regular expression does not compile", column=col,
                        expected="a valid Python regular expression",
                        found=[f"{row[col]} ({exc})"], **error_location(table, [label]),
                    ) from None
    return table


_WORD_CHAR, _APOSTROPHE, _BREAK_CHAR = 1, 2, 3
_IS_WORD_CHAR = re.compile(r"\w")


def _char_classes(chars: np.ndarray) -> np.ndarray:
    """Class of every code point: 1 word character (``\\w``), 2 apostrophe (' or ’),
    3 clause break (``_BREAK_CHARS``), 0 anything else.  A lookup table over the
    distinct code points present; no loop over the text."""
    if len(chars) == 0:
        return np.zeros(0, dtype=np.uint8)
    present = np.flatnonzero(np.bincount(chars))
    table = np.zeros(int(present[-1]) + 1, dtype=np.uint8)
    for code in present:  # over distinct characters (at most a few hundred)
        ch = chr(int(code))
        if ch in "'’":
            table[code] = _APOSTROPHE
        elif ch in _BREAK_CHARS:
            table[code] = _BREAK_CHAR
        elif _IS_WORD_CHAR.match(ch):
            table[code] = _WORD_CHAR
    return table[chars]


class _Corpus:
    """Texts tokenised once: every word and clause break with its position, an index
    from each distinct (normalised) word to where it occurs, and a negation flag per
    token.  All steps are whole-array operations; nothing loops over texts."""

    def __init__(self, texts: pd.Series, window: int):
        self.joined = "\n".join(texts.tolist())
        lengths = texts.str.len().to_numpy(dtype=np.int64)
        self.text_start = np.concatenate([[0], np.cumsum(lengths + 1)[:-1]]).astype(np.int64)
        # characters as code points; classes looked up in a table (no per-character Python)
        chars = np.frombuffer(self.joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        kind = _char_classes(chars)
        word = kind == _WORD_CHAR
        inner = kind == _APOSTROPHE  # an apostrophe between two word characters is a letter
        inner[1:-1] &= word[:-2] & word[2:]
        if len(inner):
            inner[0] = inner[-1] = False
        word |= inner
        brk = kind == _BREAK_CHAR
        before = np.zeros_like(word)
        before[1:] = word[:-1]
        after = np.zeros_like(word)
        after[:-1] = word[1:]
        word_start = word & ~before
        word_end = np.flatnonzero(word & ~after) + 1
        self.tok_start = np.flatnonzero(word_start | brk)
        is_brk = brk[self.tok_start]
        word_no = np.cumsum(~is_brk) - 1
        padded = np.append(word_end, 0)  # break tokens index it harmlessly
        self.tok_end = np.where(is_brk, self.tok_start + 1, padded[np.maximum(word_no, 0)])
        # the words themselves: blank out everything else and split on spaces (C speed)
        self.chars = chars
        clean = np.where(word, chars, np.uint32(32))
        words = clean.tobytes().decode("utf-32-le", "surrogatepass").split()
        raw_codes, raw_uniques = pd.factorize(np.asarray(words, dtype=object))
        norm = _normalise_words(pd.Series(raw_uniques, dtype="str"))
        word_vid, word_vocab = pd.factorize(norm)
        brk_codes, brk_uniques = np.unique(chars[self.tok_start[is_brk]], return_inverse=True)
        self.vocab = pd.Index(list(word_vocab) + [chr(c) for c in brk_codes], dtype="str")
        self.vid = np.empty(len(self.tok_start), dtype=np.int64)
        self.vid[~is_brk] = np.asarray(word_vid, dtype=np.int64)[raw_codes]
        self.vid[is_brk] = len(word_vocab) + brk_uniques.ravel()
        self.n_tokens = len(self.vid)
        vocab_s = pd.Series(self.vocab, dtype="str")
        self.vocab_str = vocab_s
        self._masks: dict[str, np.ndarray] = {}
        self._sorted: tuple | None = None
        self.is_break_v = (vocab_s.isin(list(_BREAK_CHARS) + list(CLAUSE_BREAK_WORDS))
                           .to_numpy())
        self.is_word_v = ~vocab_s.isin(list(_BREAK_CHARS)).to_numpy()
        cue = vocab_s.isin(NEGATION_CUES) | vocab_s.str.endswith("n't")
        self.is_cue_v = cue.to_numpy()
        # inverted index: positions of vocabulary word v are order[bounds[v]:bounds[v + 1]]
        # (a radix sort when the chunk's vocabulary fits 16 bits: ~20 x faster)
        small = len(self.vocab) <= np.iinfo(np.uint16).max
        self.order = np.argsort(self.vid.astype(np.uint16) if small else self.vid, kind="stable")
        self.bounds = np.concatenate([[0], np.cumsum(np.bincount(self.vid,
                                                                 minlength=len(self.vocab)))])
        # negated[i]: a cue among the `window` tokens before i, in the same clause
        brk = self.is_break_v[self.vid]
        clause = np.cumsum(brk)
        is_cue = self.is_cue_v[self.vid]
        self.negated = np.zeros(self.n_tokens, dtype=bool)
        for d in range(1, window + 1):
            if d >= self.n_tokens:
                break
            self.negated[d:] |= is_cue[:-d] & (clause[:-d] == clause[d:])

    def substrings(self, start: np.ndarray, end: np.ndarray) -> list[str]:
        """joined[start:end] for many spans at once: gather the characters with a
        separator after each span, decode once, split (no per-span Python slicing)."""
        sep = 0x1F
        if len(start) == 0:
            return []
        if (self.chars == sep).any():  # the separator occurs in the texts: slice instead
            return [self.joined[a:b] for a, b in zip(start, end)]
        size = end - start + 1
        first = np.cumsum(size) - size
        offset = np.arange(size.sum()) - np.repeat(first, size)
        gathered = self.chars[np.minimum(np.repeat(start, size) + offset, len(self.chars) - 1)]
        gathered[first + size - 1] = sep
        return gathered.tobytes().decode("utf-32-le", "surrogatepass").split("\x1f")[:-1]

    def vocab_mask(self, word: str) -> np.ndarray:
        """Which vocabulary entries a term word matches (cached per word)."""
        mask = self._masks.get(word)
        if mask is not None:
            return mask
        if word == "*":
            mask = self.is_word_v
        elif word.endswith("*"):
            # words starting with the prefix form one run of the sorted vocabulary
            if self._sorted is None:
                words = self.vocab.to_numpy(dtype=object)
                order = np.argsort(words, kind="stable")
                self._sorted = (words[order], order)
            ordered, order = self._sorted
            prefix = word[:-1]
            lo = np.searchsorted(ordered, prefix, side="left")
            hi = np.searchsorted(ordered, prefix + "\U0010ffff", side="left")
            mask = np.zeros(len(self.vocab), dtype=bool)
            mask[order[lo:hi]] = True
            mask &= self.is_word_v
        else:
            mask = np.zeros(len(self.vocab), dtype=bool)
            try:
                mask[self.vocab.get_loc(word)] = True
            except KeyError:
                pass
        self._masks[word] = mask
        return mask

    def positions(self, mask: np.ndarray) -> np.ndarray:
        ids = np.flatnonzero(mask)
        if len(ids) == 0:
            return np.empty(0, dtype=np.int64)
        if len(ids) == 1:
            return self.order[self.bounds[ids[0]]:self.bounds[ids[0] + 1]]
        return np.concatenate([self.order[self.bounds[v]:self.bounds[v + 1]] for v in ids])

    def term_spans(self, words: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
        """(first token, last token) of every occurrence of a multi-word term."""
        start = self.positions(self.vocab_mask(words[0]))
        for j, word in enumerate(words[1:], start=1):
            start = start[start + j < self.n_tokens]
            start = start[self.vocab_mask(word)[self.vid[start + j]]]
        return start, start + len(words) - 1

    def regex_spans(self, pattern: re.Pattern) -> tuple[np.ndarray, np.ndarray]:
        """Character spans of a regex's matches that stay within one text."""
        spans = np.array([m.span() for m in pattern.finditer(self.joined)
                          if m.end() > m.start()], dtype=np.int64).reshape(-1, 2)
        text_a = np.searchsorted(self.text_start, spans[:, 0], side="right")
        text_b = np.searchsorted(self.text_start, spans[:, 1] - 1, side="right")
        spans = spans[text_a == text_b]
        return spans[:, 0], spans[:, 1]

    def spans(self, terms, regex) -> tuple[np.ndarray, np.ndarray]:
        """Character spans (start, end) of every match of terms and a regex."""
        starts, ends = [], []
        for words in terms:
            a, b = self.term_spans(words)
            starts.append(self.tok_start[a])
            ends.append(self.tok_end[b])
        if regex is not None:
            a, b = self.regex_spans(regex)
            starts.append(a)
            ends.append(b)
        if not starts:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
        return np.concatenate(starts), np.concatenate(ends)


def _compiled_codebook(codebook: pd.DataFrame) -> list[dict]:
    rules = []
    for row in codebook.itertuples(index=False):  # over codes, not over texts
        rules.append({
            "code": row.code, "theme": row.theme,
            "include": [_term_words(t) for t in _parse_terms(row.include)],
            "exclude": [_term_words(t) for t in _parse_terms(row.exclude)],
            "include_regex": re.compile(row.include_regex, re.IGNORECASE)
            if row.include_regex else None,
            "exclude_regex": re.compile(row.exclude_regex, re.IGNORECASE)
            if row.exclude_regex else None,
            "negation": bool(row.negation),
        })
    return rules


def _answers(data, text: str, unit) -> tuple[pd.DataFrame, list[str]]:
    """The answers as a DataFrame (a Series becomes texts indexed by respondent), checked,
    and the unit columns."""
    if isinstance(data, pd.Series):
        names = [n if n is not None else "respondent" for n in data.index.names]
        frame = data.rename(text).to_frame()
        frame.index = frame.index.set_names(names)
        frame = frame.reset_index()
        unit_cols = names if unit is None else as_columns(unit)
    elif isinstance(data, pd.DataFrame):
        frame = data
        unit_cols = _unit_columns(data, unit)
    else:
        raise TypeError(f"data must be a DataFrame or Series, not {type(data).__name__}")
    require_columns(frame, [*unit_cols, text], what="apply_codebook")
    texts = frame[text]
    if pd.api.types.infer_dtype(texts, skipna=True) not in ("string", "empty"):
        # mixed column: find the non-text cells (only on this slow path)
        non_text = (texts.notna() & ~texts.map(lambda v: isinstance(v, str),
                                                na_action="ignore").astype(bool)).to_numpy()
        if non_text.any():
            raise InvalidValueError("non-text answer", column=text, expected="text",
                                    found=list(texts[non_text][:3]),
                                    **error_location(frame, frame.index[non_text]))
    return frame, unit_cols


def _match_code(corpus: _Corpus, rule: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Character spans (start, end) of one code's mentions and whether each is negated:
    include matches, minus those overlapping an exclude match, minus those inside a
    longer match of the same code."""
    start, end = corpus.spans(rule["include"], rule["include_regex"])
    if len(start) == 0:
        return start, end, np.zeros(0, dtype=bool)
    ex_start, ex_end = corpus.spans(rule["exclude"], rule["exclude_regex"])
    if len(ex_start):
        order = np.argsort(ex_start, kind="stable")
        ex_start, reach = ex_start[order], np.maximum.accumulate(ex_end[order])
        last = np.searchsorted(ex_start, end, side="left") - 1
        hit = (last >= 0) & (reach[np.maximum(last, 0)] > start)
        start, end = start[~hit], end[~hit]
    order = np.lexsort((-end, start))
    start, end = start[order], end[order]
    prev_reach = np.concatenate([[-1], np.maximum.accumulate(end)[:-1]])
    inner = end <= prev_reach
    start, end = start[~inner], end[~inner]
    first_tok = np.minimum(np.searchsorted(corpus.tok_end, start, side="right"),
                           corpus.n_tokens - 1)
    if rule["negation"] and corpus.n_tokens:
        negated = corpus.negated[first_tok]
    else:
        negated = np.zeros(len(start), dtype=bool)
    return start, end, negated


def apply_codebook(data, codebook=None, *, text: str = "text", unit=None,
                   negation_window: int = NEGATION_WINDOW,
                   keep_negated: bool = False) -> pd.DataFrame:
    """Code free-text answers with a codebook: one row per mention of a code.

    Matching rules (documented, deterministic):

    * **Whole words, any case.**  Texts and terms are split into words (letters and
      digits; apostrophes inside a word kept: "don't"); a term matches a run of
      consecutive words.  Punctuation other than clause breaks is ignored, so
      "self-care" and "self care" are the same two words.
    * **Multi-label.**  Every code is matched independently; one answer can mention
      many codes, and one passage can count for two codes ("mental health" for
      ``mental_health`` and, through "health", for another code whose terms include it).
    * **Overlaps within a code.**  When two matches of the same code overlap, the one
      contained in the other is dropped (the longest wins), so "can't get an
      appointment" is one mention, not two.  This happens before negation, so a
      negative phrase written as a term keeps its meaning.
    * **Exclude terms.**  A match that overlaps any match of the code's exclude terms
      (or ``exclude_regex``) is not a mention ("walking stick" is not walking).
    * **Negation window** (codes with ``negation`` = yes in the codebook; in the
      bundled wellbeing codebook: loneliness, mental_health, gp_access and
      service_access).  A match is *negated* when one of the ``negation_window``
      (default 3) words before its first word is a negation cue (``NEGATION_CUES``:
      no, not, never, none, nothing, cannot, and any word ending in n't, with or
      without apostrophe) in the same clause: the window stops at . , ; : ! ? ( ) line
      breaks, dashes and ``CLAUSE_BREAK_WORDS`` (but, however, although ...).  "not
      lonely", "never feel isolated" and "no problems with access" are negated;
      "not lonely, but isolated" keeps "isolated"; "no one to talk to" written as a
      term is not negated by its own "no".  Negated matches are dropped unless
      ``keep_negated=True``.  A cue further back ("I do not think that I am lonely")
      is missed and double negatives are not resolved: check exemplar quotes.
    * ``include_regex`` / ``exclude_regex`` are applied to each answer as written
      (case-insensitive); add ``\\b`` yourself for whole words.

    The texts are tokenised into arrays ``CHUNK_CHARACTERS`` (two million) characters at
    a time; each code's terms are looked up in an index from word to positions, so the
    work grows with the number of matches, not texts x codes (1,000,000 answers x 40
    codes in about 4 s), and the working memory is that of one chunk.  Each distinct
    matched text is one string shared by all its mentions.  For more answers than fit
    in memory, stream them with :func:`code_in_chunks` or :func:`code_csv`.

    Parameters
    ----------
    data : DataFrame or Series
        Answers, one row per text (e.g. :meth:`SurveyExport.to_frame`).  A Series is
        treated as texts indexed by respondent.
    codebook : str, path, DataFrame or None
        A bundled codebook's name (:func:`load_codebook`), or your own as a file or
        table (:func:`read_codebook`); default: the bundled wellbeing codebook.
    text : str, default "text"
        Column holding the text (missing = no text).
    unit : str or list of str, optional
        Columns identifying a text, copied to the output.  Default: ``respondent`` and
        ``question`` (those present).
    negation_window : int, default 3
        Words searched before a match for a negation cue (0 switches negation off).
    keep_negated : bool, default False
        Keep negated matches, flagged in a ``negated`` column.

    Returns
    -------
    DataFrame
        One row per mention: the unit columns, ``code``, ``theme``, ``start``, ``end``
        (character offsets in the text, so ``text[start:end] == match``), ``match``, and
        ``negated`` when ``keep_negated``; in text order.  Give the same ``codebook=``
        (and ``unit=``) to the later steps, so that they report the codebook's themes
        with no mention too (:func:`theme_labels`).

    Example
    -------
    >>> import pandas as pd
    >>> answers = pd.DataFrame({"respondent": [1, 2, 3],
    ...     "text": ["I am not lonely but I never see my family.",
    ...              "Can't get an appointment; the bus is a problem.",
    ...              "Walking stick helps; I love walking and my GP's advice."]})
    >>> apply_codebook(answers)[["respondent", "code", "match"]]
       respondent                code                     match
    0           1   social_connection                    family
    1           2           gp_access  Can't get an appointment
    2           2      service_access                       bus
    3           3   physical_activity                   walking
    4           3           gp_access                      GP's
    5           3  information_advice                    advice
    """
    frame, unit_cols = _answers(data, text, unit)
    if not (isinstance(negation_window, int | np.integer) and negation_window >= 0):
        raise ValueError(f"negation_window must be a whole number >= 0, not {negation_window!r}")
    rules = _compiled_codebook(_as_codebook(codebook))
    texts = frame[text].fillna("").astype("str")
    found = [_code_chunk(texts.iloc[a:b], a, rules, int(negation_window), keep_negated)
             for a, b in _chunks(texts)]  # over chunks of ~2 million characters
    return _mentions_frame(frame, unit_cols, rules, found, keep_negated)


#: characters coded at once by :func:`apply_codebook`: its working memory is a few times
#: this, whatever the number of answers
CHUNK_CHARACTERS = 2_000_000


def _chunks(texts: pd.Series) -> list[tuple[int, int]]:
    """(first, last + 1) rows of consecutive chunks of about CHUNK_CHARACTERS characters."""
    n = len(texts)
    if n == 0:
        return [(0, 0)]
    total = np.cumsum(texts.str.len().to_numpy(dtype=np.int64) + 1)
    cuts = np.searchsorted(total, np.arange(CHUNK_CHARACTERS, int(total[-1]), CHUNK_CHARACTERS),
                           side="right")
    bounds = np.unique(np.concatenate([[0], cuts, [n]]))
    return list(zip(bounds[:-1].tolist(), bounds[1:].tolist()))


def _code_chunk(texts: pd.Series, first_row: int, rules: list[dict], window: int,
                keep_negated: bool) -> tuple:
    """The mentions in one chunk of answers as compact arrays: answer row, code number,
    start and end in the answer, negated flag, and the matched words as codes into
    their distinct values (so a word matched a million times is one string)."""
    corpus = _Corpus(texts, window)
    parts = []
    for k, rule in enumerate(rules):  # over codes
        start, end, negated = _match_code(corpus, rule)
        if len(start):
            parts.append((np.full(len(start), k, dtype=np.int16), start, end, negated))
    if parts:
        code_k, start, end, negated = (np.concatenate(x) for x in zip(*parts))
    else:
        code_k = np.empty(0, dtype=np.int16)
        start = end = np.empty(0, dtype=np.int64)
        negated = np.empty(0, dtype=bool)
    if not keep_negated:
        code_k, start, end, negated = (x[~negated] for x in (code_k, start, end, negated))
    row = np.searchsorted(corpus.text_start, start, side="right") - 1
    order = np.lexsort((code_k, start))
    code_k, start, end, negated, row = (x[order] for x in (code_k, start, end, negated, row))
    match_codes, match_values = pd.factorize(
        np.asarray(corpus.substrings(start, end), dtype=object))
    offset = corpus.text_start[row]
    return (row + first_row, code_k, (start - offset).astype(np.int32),
            (end - offset).astype(np.int32), negated, match_codes.astype(np.int32),
            np.asarray(match_values, dtype=object))


def _mentions_frame(frame: pd.DataFrame, unit_cols: list, rules: list[dict], found: list,
                    keep_negated: bool) -> pd.DataFrame:
    """The mentions table from the chunks' arrays (see :func:`_code_chunk`); each array is
    released as soon as its column is built, so memory stays near the table's own."""
    for i, f in enumerate(found):  # in place: the caller's list holds no other reference
        found[i] = list(f)

    def take(i):
        whole = np.concatenate([f[i] for f in found])
        for f in found:
            f[i] = None
        return whole

    out = frame[unit_cols].iloc[take(0)].reset_index(drop=True)
    code_k = take(1)
    for col in ("code", "theme"):
        labels = np.asarray([r[col] for r in rules], dtype=object)
        out[col] = pd.Series(labels[code_k], dtype="str")
    del code_k
    out["start"] = take(2).astype(np.int64)
    out["end"] = take(3).astype(np.int64)
    negated = take(4)
    if keep_negated:
        out["negated"] = negated
    # one string object per distinct matched text, shared by every mention of it
    values = np.concatenate([f[6] for f in found]) if found else np.empty(0, dtype=object)
    global_codes, distinct = pd.factorize(values)
    global_codes = np.asarray(global_codes, dtype=np.int32)
    shift = np.cumsum([0] + [len(f[6]) for f in found[:-1]])
    match = np.concatenate([global_codes[f[5] + s] for f, s in zip(found, shift)])
    found.clear()
    out.insert(len(unit_cols) + 4, "match",
               pd.Series(np.asarray(distinct, dtype=object)[match], dtype="str"))
    return out


# --------------------------------------------------------------------------- streaming
def code_in_chunks(chunks, codebook=None, **kwargs):
    """Code answers that arrive in pieces, one mentions table per piece (a generator).

    Memory stays bounded by the largest piece, whatever the number of answers: use it
    for millions of answers (e.g. ``pd.read_csv(path, chunksize=100_000)``, or
    :func:`code_csv` to stream from one file to another).  The codebook is read and
    checked once.

    Parameters
    ----------
    chunks : iterable of DataFrame
        Pieces of the answers, each as :func:`apply_codebook` takes them.
    codebook : str, path, DataFrame or None
    **kwargs
        ``text``, ``unit``, ``negation_window``, ``keep_negated`` as for
        :func:`apply_codebook`.

    Yields
    ------
    DataFrame
        The mentions of each piece, as :func:`apply_codebook` returns them.

    Example
    -------
    >>> import pandas as pd
    >>> answers = pd.DataFrame({"respondent": range(6), "text": ["Lonely", "Money"] * 3})
    >>> pieces = (answers.iloc[i:i + 2] for i in range(0, 6, 2))
    >>> sum(len(m) for m in code_in_chunks(pieces))
    6
    """
    book = _as_codebook(codebook)
    for chunk in chunks:  # over pieces of the answers, each coded with whole-array steps
        yield apply_codebook(chunk, book, **kwargs)


def code_csv(path, out, codebook=None, *, text: str = "text", unit=None,
             chunksize: int = 100_000, negation_window: int = NEGATION_WINDOW,
             keep_negated: bool = False):
    """Code a CSV of answers into a CSV of mentions, streaming: any size, bounded memory.

    The answers are read ``chunksize`` rows at a time (encoding and separator detected
    as :func:`~wellbeing_lib.io.read_table` does, every cell read as text) and each
    piece's mentions appended to ``out``, so 10 million answers need no more memory
    than ``chunksize`` of them.

    Parameters
    ----------
    path : str or Path
        The answers (CSV with the ``unit`` columns and ``text``).
    out : str or Path
        The mentions CSV to write (replaced); must not be ``path``.
    codebook, text, unit, negation_window, keep_negated
        As :func:`apply_codebook`.
    chunksize : int, default 100,000
        Answers read at a time.

    Returns
    -------
    dict
        ``answers`` and ``mentions``: how many were read and written.

    Example
    -------
    >>> import pandas as pd, tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> pd.DataFrame({"respondent": [1, 2], "text": ["Lonely", "Money worries"]}).to_csv(
    ...     folder / "answers.csv", index=False)
    >>> code_csv(folder / "answers.csv", folder / "mentions.csv", chunksize=1)
    {'answers': 2, 'mentions': 3}
    >>> pd.read_csv(folder / "mentions.csv")["code"].tolist()
    ['loneliness', 'cost_of_living', 'mental_health']
    """
    from pathlib import Path

    from ..io import detect_delimiter, detect_encoding

    path, out = Path(path), Path(out)
    if out.resolve() == path.resolve():
        raise ValueError("out must be a new file, not the answers file itself")
    if not (isinstance(chunksize, int | np.integer) and chunksize > 0):
        raise ValueError(f"chunksize must be a whole number above 0, not {chunksize!r}")
    with path.open("rb") as handle:
        head = handle.read(65536)
    encoding = detect_encoding(head)
    sep = detect_delimiter(head.decode(encoding, errors="replace"))
    book = _as_codebook(codebook)
    n_answers = n_mentions = 0
    reader = pd.read_csv(path, chunksize=chunksize, dtype=str, keep_default_na=False,
                         encoding=encoding, sep=sep)
    with reader, out.open("w", encoding="utf-8", newline="") as target:
        for i, chunk in enumerate(reader):  # over pieces of the file
            mentions = apply_codebook(with_source(chunk, str(path)), book, text=text,
                                      unit=unit, negation_window=negation_window,
                                      keep_negated=keep_negated)
            mentions.to_csv(target, header=i == 0, index=False, lineterminator="\n")
            n_answers += len(chunk)
            n_mentions += len(mentions)
    return {"answers": n_answers, "mentions": n_mentions}
