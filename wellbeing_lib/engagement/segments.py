"""Segment-level agreement: two coders' coded passages compared character by character.

Coders in NVivo, QualCoder or ATLAS.ti code *passages* (character ranges), not whole
answers.  Read a project with :func:`~wellbeing_lib.engagement.read_qdpx` and compare two
coders on where they put each code:

* :func:`segment_agreement` - NVivo's coding comparison per code x source (characters
  are the units: percentage agreement, kappa, the share coded by both, by neither, by
  one only) and Krippendorff's unitizing alpha, with a pooled row per code;
* :func:`segment_disagreements` - for a coding meeting: every passage where the two
  coders' codes differ, with the text.

The character counts and uα come from :mod:`wellbeing_lib.stats.unitizing`.

Example
-------
>>> import pandas as pd
>>> sources = pd.DataFrame({"source": ["R1"], "text": ["I feel lonely and short of money"]})
>>> segments = pd.DataFrame({"source": "R1", "code": ["lonely", "lonely", "money"],
...                          "coder": ["A", "B", "A"], "start": [7, 2, 27],
...                          "end": [13, 13, 32]})
>>> out = segment_agreement(segments, sources)
>>> out[["code", "source", "agreement", "kappa", "a_and_b"]].round(2)
     code         source  agreement  kappa  a_and_b
0  lonely             R1      84.38   0.61    18.75
1  lonely  (all sources)      84.38   0.61    18.75
2   money             R1      84.38   0.00     0.00
3   money  (all sources)      84.38   0.00     0.00
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InvalidValueError
from ..stats.unitizing import character_overlap, unitized_alpha
from ..validation import check_labels, check_unique, require_columns
from ._common import _active

__all__ = ["ALL_SOURCES", "segment_agreement", "segment_disagreements"]

#: label of the pooled row of each code in :func:`segment_agreement`
ALL_SOURCES = "(all sources)"


def _inputs(segments, sources, source, text, code, coder, coders):
    for frame, what in ((segments, "segments"), (sources, "sources")):
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"{what} must be a pandas DataFrame, not {type(frame).__name__}")
    require_columns(segments, [source, code, coder, "start", "end"], what="segments")
    require_columns(sources, [source, text], what="sources")
    check_labels(sources, [source], "source")
    check_unique(sources, source)
    lengths = pd.Series(sources[text].fillna("").astype("str").str.len().to_numpy(),
                        index=pd.Index(sources[source].astype("str")), dtype="int64")
    seg = _active(segments).assign(**{source: segments[source].astype("str")})
    chosen = list(pd.unique(seg[coder])) if coders is None else list(coders)
    if len(chosen) != 2:
        raise InvalidValueError("segment agreement compares two coders", column=coder,
                                expected="two coders (pass coders=[first, second])",
                                found=chosen)
    return seg, lengths, chosen


def segment_agreement(segments: pd.DataFrame, sources: pd.DataFrame, *, coders=None,
                      codes=None, source: str = "source", text: str = "text",
                      code: str = "code", coder: str = "coder") -> pd.DataFrame:
    """NVivo-style coding comparison per code x source, with Krippendorff's uα.

    For each code and source, with the source's characters as units, A the characters
    the first coder coded with the code and B the second's (overlapping passages of one
    coder counted once):

    * ``agreement`` = % of characters both coded or both left uncoded;
    * ``a_and_b``, ``not_a_not_b``, ``a_not_b``, ``b_not_a`` (%), ``disagreement``;
    * ``kappa`` = Cohen's kappa of the 2 x 2 character table; 1 when the coders agree on
      every character (NVivo reports 1 there although kappa is undefined);
    * ``u_alpha`` = Krippendorff's unitizing alpha (uα), which also weighs *where* the
      passages start and end; NaN when neither coder used the code.

    The row ``source == "(all sources)"`` pools a code's sources: percentages and kappa
    from the summed character table (each source weighted by its length, as NVivo
    suggests for an overall figure) and uα over the sources as one continuum.  Every
    source in ``sources`` counts, so a source neither coder coded agrees on absence.

    Parameters
    ----------
    segments : DataFrame
        One row per coded passage: ``source``, ``code``, ``coder``, ``start``, ``end``
        (character positions, end exclusive); e.g. :meth:`QdaProject.to_frame`.
    sources : DataFrame
        ``source`` and ``text`` of every source compared (:attr:`QdaProject.sources`).
    coders : list of two, optional
        The coders to compare (required when there are more than two).
    codes : list, optional
        Codes to report, in order (default: those coded, in order of appearance).
    source, text, code, coder : str
        Column names.

    Returns
    -------
    DataFrame
        Per code, one row per source then the pooled row: ``code``, ``source``,
        ``source_size`` (characters), ``agreement``, ``kappa``, ``a_and_b``,
        ``not_a_not_b``, ``disagreement``, ``a_not_b``, ``b_not_a``, ``u_alpha``,
        ``coder_a``, ``coder_b``.

    Raises
    ------
    InvalidValueError
        Not two coders; a passage outside its source's text; a source without text.
    """
    seg, lengths, chosen = _inputs(segments, sources, source, text, code, coder, coders)
    seg = seg[seg[coder].isin(chosen)]
    order = list(pd.unique(seg[code])) if codes is None else list(codes)
    seg = seg[seg[code].isin(order)]
    units = seg.rename(columns={source: "continuum"})
    # every code appears, coded or not: pad with the codes nobody used in these sources
    chars = character_overlap(units, lengths, by=code, coder=coder, coders=chosen) \
        if len(units) else pd.DataFrame(columns=[code, "continuum", "length", "a", "b", "both"])
    chars = _complete(chars, order, lengths, code)
    pooled = chars.groupby(code, sort=False)[["length", "a", "b", "both"]].sum().reset_index()
    pooled["continuum"] = ALL_SOURCES
    table = pd.concat([chars, pooled], ignore_index=True)
    n = table["length"].to_numpy(float)
    a, b, both = (table[c].to_numpy(float) for c in ("a", "b", "both"))
    neither = n - a - b + both
    with np.errstate(invalid="ignore", divide="ignore"):
        p_o = (both + neither) / n
        p_e = (a * b + (n - a) * (n - b)) / n**2
        kappa = np.where(np.isclose(p_e, 1.0), np.where(np.isclose(p_o, 1.0), 1.0, np.nan),
                         (p_o - p_e) / (1.0 - p_e))
    out = pd.DataFrame({
        code: table[code].astype("str"), "source": table["continuum"].astype("str"),
        "source_size": table["length"].astype(np.int64), "agreement": 100 * p_o,
        "kappa": kappa, "a_and_b": 100 * both / n, "not_a_not_b": 100 * neither / n,
        "disagreement": 100 * (1 - p_o), "a_not_b": 100 * (a - both) / n,
        "b_not_a": 100 * (b - both) / n})
    out["u_alpha"] = _u_alpha(units, lengths, order, code, coder, chosen, out)
    out["coder_a"], out["coder_b"] = str(chosen[0]), str(chosen[1])
    rank = {c: i for i, c in enumerate(order)}
    out["_code"] = out[code].map(rank)
    out["_pooled"] = out["source"] == ALL_SOURCES
    out = out.sort_values(["_code", "_pooled"], kind="stable").drop(columns=["_code", "_pooled"])
    return out.reset_index(drop=True)


def _complete(chars: pd.DataFrame, order: list, lengths: pd.Series, code: str) -> pd.DataFrame:
    """Every code x source cell (zeros where nobody used the code)."""
    grid = pd.MultiIndex.from_product([order, lengths.index], names=[code, "continuum"])
    full = chars.set_index([code, "continuum"]).reindex(grid)
    full["length"] = np.tile(lengths.to_numpy(), len(order))
    return full.fillna({"a": 0, "b": 0, "both": 0}).astype(
        {"a": np.int64, "b": np.int64, "both": np.int64}).reset_index()


def _u_alpha(units, lengths, order, code, coder, chosen, out) -> np.ndarray:
    """uα per code x source (each source alone) and per code over all sources (one
    continuum), aligned with ``out``; NaN where neither coder used the code."""
    if len(units) == 0:
        return np.full(len(out), np.nan)
    per_source = unitized_alpha(units, lengths, by=[code, "continuum"], coder=coder,
                                coders=chosen)
    per_source = per_source.rename(columns={"continuum": "source"})
    per_code = unitized_alpha(units, lengths, by=code, coder=coder, coders=chosen)
    per_code["source"] = ALL_SOURCES
    both = pd.concat([per_source[[code, "source", "u_alpha"]],
                      per_code[[code, "source", "u_alpha"]]], ignore_index=True)
    both[code] = both[code].astype("str")
    merged = out[[code, "source"]].merge(both, on=[code, "source"], how="left")
    return merged["u_alpha"].to_numpy(float)


def segment_disagreements(segments: pd.DataFrame, sources: pd.DataFrame, *, coders=None,
                          source: str = "source", text: str = "text", code: str = "code",
                          coder: str = "coder") -> pd.DataFrame:
    """Every passage where two coders' codes differ: the agenda of a coding meeting.

    Each source is cut at every start and end of a coded passage; consecutive pieces
    with the same two sets of codes are joined.  A piece is listed when the first
    coder's codes differ from the second's (one coded it and the other did not, or they
    used different codes).

    Parameters
    ----------
    segments, sources, coders, source, text, code, coder
        As :func:`segment_agreement`.

    Returns
    -------
    DataFrame
        ``source``, ``start``, ``end``, ``codes_a`` and ``codes_b`` (the codes of the first
        and second coder, ``"; "``-separated, empty when none), ``only_a``, ``only_b``
        (codes one used and the other did not) and ``text`` (the passage).

    Example
    -------
    >>> import pandas as pd
    >>> sources = pd.DataFrame({"source": ["R1"], "text": ["I feel lonely and short of money"]})
    >>> segments = pd.DataFrame({"source": "R1", "code": ["lonely", "lonely", "money"],
    ...                          "coder": ["A", "B", "A"], "start": [7, 2, 27],
    ...                          "end": [13, 13, 32]})
    >>> out = segment_disagreements(segments, sources)
    >>> out[["start", "end", "codes_a", "codes_b", "text"]].to_numpy().tolist()
    [[2, 7, '', 'lonely', 'feel '], [27, 32, 'money', '', 'money']]
    """
    seg, lengths, chosen = _inputs(segments, sources, source, text, code, coder, coders)
    seg = seg[seg[coder].isin(chosen)]
    starts = pd.to_numeric(seg["start"]).to_numpy(np.int64)
    ends = pd.to_numeric(seg["end"]).to_numpy(np.int64)
    src = lengths.index.get_indexer(seg[source])
    bad = (src < 0) | (starts < 0) | (ends <= starts) | (ends > lengths.to_numpy()[np.maximum(src, 0)])
    if bad.any():
        raise InvalidValueError("passage outside its source's text", column=["start", "end"],
                                expected="0 <= start < end <= the length of the source's text",
                                found=[f"{s}: {a}-{b}" for s, a, b in
                                       zip(seg[source][bad], starts[bad], ends[bad])][:3])
    big = int(lengths.max()) + 1 if len(lengths) else 1
    # pieces: cut each source at every passage boundary
    cuts = np.unique(np.concatenate([src * big + starts, src * big + ends]))
    piece_src, piece_start = np.divmod(cuts[:-1], big)
    piece_end = cuts[1:] - piece_src * big
    keep = (cuts[1:] // big) == piece_src
    piece_src, piece_start, piece_end = piece_src[keep], piece_start[keep], piece_end[keep]
    piece_key = piece_src * big + piece_start
    first = np.searchsorted(piece_key, src * big + starts)
    last = np.searchsorted(piece_key, src * big + ends)      # exclusive
    reps = last - first
    piece = np.repeat(first, reps) + (np.arange(reps.sum()) - np.repeat(np.cumsum(reps) - reps,
                                                                        reps))
    covered = pd.DataFrame({"piece": piece,
                            "coder": np.repeat(pd.Index(chosen).get_indexer(seg[coder]), reps),
                            "code": np.repeat(seg[code].astype("str").to_numpy(), reps)})
    covered = covered.drop_duplicates().sort_values(["piece", "coder", "code"])
    sets = covered.groupby(["piece", "coder"])["code"].agg("; ".join).unstack("coder")
    sets = sets.reindex(columns=[0, 1]).reindex(np.arange(len(piece_src))).fillna("")
    codes_a, codes_b = sets[0].to_numpy(dtype=object), sets[1].to_numpy(dtype=object)
    differ = codes_a != codes_b
    # join consecutive differing pieces of one source with the same two code sets
    idx = np.flatnonzero(differ)
    if len(idx) == 0:
        return pd.DataFrame(columns=["source", "start", "end", "codes_a", "codes_b",
                                     "only_a", "only_b", "text"])
    joined = np.r_[False, (idx[1:] == idx[:-1] + 1)
                   & (piece_src[idx[1:]] == piece_src[idx[:-1]])
                   & (piece_start[idx[1:]] == piece_end[idx[:-1]])
                   & (codes_a[idx[1:]] == codes_a[idx[:-1]])
                   & (codes_b[idx[1:]] == codes_b[idx[:-1]])]
    head = idx[~joined]
    tail = np.r_[idx[np.flatnonzero(~joined)[1:] - 1], idx[-1]]
    texts = sources.set_index(sources[source].astype("str"))[text].fillna("").astype("str")
    names = lengths.index[piece_src[head]]
    body = texts.reindex(names).to_numpy()
    b0, b1 = piece_start[head], piece_end[tail]
    split_a = [set(filter(None, s.split("; "))) for s in codes_a[head]]
    split_b = [set(filter(None, s.split("; "))) for s in codes_b[head]]
    return pd.DataFrame({
        "source": pd.Series(names, dtype="str"), "start": b0, "end": b1,
        "codes_a": pd.Series(codes_a[head], dtype="str"),
        "codes_b": pd.Series(codes_b[head], dtype="str"),
        "only_a": pd.Series(["; ".join(sorted(x - y)) for x, y in zip(split_a, split_b)],
                            dtype="str"),
        "only_b": pd.Series(["; ".join(sorted(y - x)) for x, y in zip(split_a, split_b)],
                            dtype="str"),
        "text": pd.Series([t[i:j] for t, i, j in zip(body, b0, b1)], dtype="str"),
    })
