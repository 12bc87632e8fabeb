"""Benchmark: engagement analysis at scale, beside the packages evaluators would reach for.

Plain script (not collected by pytest)::

    .venv/bin/python benchmarks/bench_engagement.py [--responses N] [--peer-responses N]
        [--stream-answers N] [--respondents N] [--units N] [--repeats R]

Each line prints ``ours X | peer Y`` and the target of issue 12.  A peer package that is
not installed (``ipfn``, ``krippendorff``: ``pip install -e ".[bench]"``) is reported as
"peer not installed" and our code is still timed.

1. **Codebook coding** - :func:`wellbeing_lib.engagement.apply_codebook` with the 40 codes
   of the two bundled codebooks on 1,000,000 synthetic answers (seeded; 1-4 clauses each
   from ~70 plain-English phrasings, some negated, some with personal details): whole
   words, exclude terms, negation window, character spans.  Targets: <= 5 s, and extra
   memory (peak resident memory during the call, sampled every 5 ms, minus before) <= 3
   x the memory of the text column (``memory_usage(deep=True)``).  Peer: pandas
   ``Series.str.contains`` with one regex per code - presence only, no negation, exclude
   terms or spans - timed on ``--peer-responses`` answers (it takes minutes on a million)
   and shown per 100,000 answers beside ours.
2. **Streaming** - 10,000,000 answers generated and coded 100,000 at a time with
   :func:`wellbeing_lib.engagement.code_in_chunks` (what :func:`code_csv` does from a
   file): completes with peak extra memory bounded by one chunk, whatever the total.
3. **Raking** - :func:`wellbeing_lib.engagement.rake` of 100,000 respondents to 4 margins
   beside ``ipfn.ipfn`` on the same respondent-level DataFrame.  Ours stops when every
   |weighted share - target share| < 1e-6; ipfn when every |weighted total / target - 1|
   < 1e-6.  The largest margin error of each and the largest difference between the two
   sets of weights (each divided by its mean) are printed.
4. **Krippendorff's alpha** - 1,000,000 codings (200,000 units x 5 coders, nominal, 4
   categories, 10% missing): :func:`wellbeing_lib.stats.krippendorff_alpha` from the tidy
   long table with ``n_boot=0`` (validation, tidy -> counts, the point estimate) beside
   a bare ``krippendorff.alpha`` call on the ready-made coders x units matrix (the GPL
   package is only a benchmark peer and test oracle).  Target: ours <= 2 x the peer.
"""

from __future__ import annotations

import argparse
import gc
import threading
import time
import warnings

import numpy as np
import pandas as pd

from wellbeing_lib.engagement import apply_codebook, code_in_chunks, load_codebook, rake
from wellbeing_lib.stats import krippendorff_alpha

CODEBOOK_TARGET = 5.0       # seconds for 1,000,000 answers
MEMORY_TARGET = 3.0         # extra memory / memory of the text
ALPHA_TARGET = 2.0          # ours / bare krippendorff.alpha


def peer_missing(name: str) -> bool:
    """True, after printing "peer not installed", when an optional peer is missing."""
    import importlib.util

    if importlib.util.find_spec(name) is None:
        print(f"peer not installed ({name}: pip install -e \".[bench]\")")
        return True
    return False


class PeakMemory:
    """Peak resident memory above the level at entry, sampled every 5 ms (psutil)."""

    def __enter__(self):
        import psutil

        gc.collect()
        self._process = psutil.Process()
        self.base = self.peak = self._process.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()
        return self

    def _poll(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self._process.memory_info().rss)
            self._stop.wait(0.005)

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._process.memory_info().rss)

    @property
    def extra(self) -> float:
        return float(self.peak - self.base)

# ------------------------------------------------------------------ synthetic answers
PHRASES = [
    "I feel lonely most evenings", "since my wife died I am on my own", "I am not lonely",
    "I never feel isolated", "no one to talk to", "I don't have anyone nearby",
    "seeing my friends and family", "my grandchildren visit on Sundays", "being part of the "
    "community", "the lunch club at the church", "volunteering at the food bank",
    "being looked after by kind staff", "being listened to by the nurse", "treated with dignity",
    "seeing the same GP", "not having to repeat my story", "staying healthy", "keeping fit",
    "my diabetes and blood pressure", "eating well and cooking from scratch", "I can't sleep",
    "trying to stop smoking", "cutting down on alcohol", "my mental health", "anxiety and stress",
    "low mood in the winter", "talking therapies helped", "walking the dog every day",
    "the gym is too expensive", "swimming twice a week", "yoga class", "my walking stick",
    "looking after myself", "managing my own condition", "self-care is important",
    "can't get an appointment", "waiting lists are too long", "the bus to the surgery",
    "no problems with access", "parking at the hospital", "the cost of living",
    "heating bills", "can't afford healthy food", "money worries", "universal credit",
    "an app to track my steps", "online information", "video calls with my daughter",
    "clear advice in plain English", "one size fits all leaflets", "health checks",
    "the flu jab", "catch it early", "caring for my husband", "respite for carers",
    "my job", "retirement", "purpose in life", "I enjoy gardening", "a warm home",
    "damp in the flat", "green spaces and the beach", "fresh air",
    "Mrs Smith at EX1 2LB helped me", "call me on 07700 900123",
    "partnership working with Healthwatch", "more transparency about decisions",
    "jargon in the board papers", "regular updates in the newsletter",
    "reaching seldom heard groups", "you said we did", "not enough funding",
]
JOINERS = np.array([". ", ", ", " and ", "; ", " but "], dtype=object)


def make_answers(n: int, seed: int = 2019) -> pd.DataFrame:
    """n answers of 1-4 phrases joined with varied punctuation (numpy, seeded)."""
    rng = np.random.default_rng(seed)
    phrases = np.asarray(PHRASES, dtype=object)
    k = rng.integers(1, 5, size=n)
    text = phrases[rng.integers(0, len(phrases), size=n)].copy()
    for j in range(1, 4):  # at most three more clauses (a loop over clause slots)
        more = k > j
        text[more] = (text[more] + JOINERS[rng.integers(0, len(JOINERS), more.sum())]
                      + phrases[rng.integers(0, len(phrases), more.sum())])
    first = np.char.capitalize(text.astype(str))
    return pd.DataFrame({"respondent": np.arange(n), "question": "what_matters",
                         "text": pd.Series(first, dtype="str")})


def codebook_benchmark(n: int, n_peer: int, repeats: int) -> None:
    answers = make_answers(n)
    codebook = pd.concat([load_codebook(), load_codebook("self_assessment")],
                         ignore_index=True)
    assert len(codebook) == 40 and codebook["code"].is_unique
    apply_codebook(answers.head(1000), codebook)   # warm up
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        mentions = apply_codebook(answers, codebook)
        best = min(best, time.perf_counter() - start)
        del mentions
    with PeakMemory() as memory:
        mentions = apply_codebook(answers, codebook)
    text_memory = answers["text"].memory_usage(deep=True, index=False)
    ratio = memory.extra / text_memory
    patterns = {}
    for row in codebook.itertuples():
        terms = [t.strip() for t in row.include.split(";") if t.strip()]
        alts = [r"\s+".join(w.rstrip("*") + (r"\w*" if w.endswith("*") else "")
                            for w in t.replace("-", " ").split()) for t in terms]
        patterns[row.code] = r"\b(?:" + "|".join(alts) + r")\b"
    sample = answers.head(n_peer)
    start = time.perf_counter()  # one run: the peer is slow
    hits = {code: sample["text"].str.contains(p, case=False, regex=True)
            for code, p in patterns.items()}
    peer = time.perf_counter() - start
    per_answer = mentions.drop_duplicates(["respondent", "code"]).shape[0] / n
    flag = "met" if best <= CODEBOOK_TARGET else "MISSED"
    mem_flag = ("met" if ratio <= MEMORY_TARGET else "MISSED") if n >= 1_000_000 else \
        "set for 1,000,000 answers (below that one chunk's fixed working memory dominates)"
    print(f"codebook  40 codes x {n:,} answers: ours {best:.2f} s | peer "
          f"{peer * n / n_peer:.1f} s (pandas str.contains per code, presence only; "
          f"{peer:.2f} s measured on {n_peer:,})   target <= {CODEBOOK_TARGET:g} s: {flag}")
    print(f"          per 100,000 answers: ours {best * 1e5 / n:.2f} s | peer "
          f"{peer * 1e5 / n_peer:.2f} s")
    print(f"          memory: text {text_memory / 1e6:,.0f} MB, extra peak "
          f"{memory.extra / 1e6:,.0f} MB = {ratio:.2f} x the text   target <= "
          f"{MEMORY_TARGET:g} x: {mem_flag}")
    print(f"          ours: {len(mentions):,} mentions, {per_answer:.2f} codes per answer "
          f"(after negation and exclude terms); peer: "
          f"{sum(int(h.sum()) for h in hits.values()) / n_peer:.2f} codes per answer")


def streaming_benchmark(n: int, chunk: int = 100_000) -> None:
    codebook = pd.concat([load_codebook(), load_codebook("self_assessment")],
                         ignore_index=True)

    def pieces():  # the answers never exist all at once
        for i, first in enumerate(range(0, n, chunk)):
            part = make_answers(min(chunk, n - first), seed=2019 + i)
            yield part.assign(respondent=part["respondent"] + first)

    mentions = answers = 0
    start = time.perf_counter()
    with PeakMemory() as memory:
        for coded in code_in_chunks(pieces(), codebook):
            mentions += len(coded)
        answers = n
    elapsed = time.perf_counter() - start
    one = make_answers(chunk)["text"].memory_usage(deep=True, index=False)
    print(f"stream    40 codes x {answers:,} answers in chunks of {chunk:,}: ours {elapsed:.1f} s, "
          f"{mentions:,} mentions; extra peak memory {memory.extra / 1e6:,.0f} MB "
          f"(one chunk's text is {one / 1e6:.0f} MB; all the text would be "
          f"{one * n / chunk / 1e9:.1f} GB)   bounded: completed")


# ------------------------------------------------------------------------- raking
MARGINS = {
    "age": {"16-24": 0.14, "25-34": 0.17, "35-49": 0.24, "50-64": 0.24, "65-79": 0.15,
            "80+": 0.06},
    "sex": {"female": 0.51, "male": 0.49},
    "ethnicity": {"White": 0.86, "Asian": 0.07, "Black": 0.03, "Mixed": 0.02, "Other": 0.02},
    "imd": {"1": 0.22, "2": 0.21, "3": 0.20, "4": 0.19, "5": 0.18},
}


def make_respondents(n: int, seed: int = 2019) -> pd.DataFrame:
    """Skewed, correlated sample: older, female, less deprived than the population."""
    rng = np.random.default_rng(seed)
    age = rng.choice(6, n, p=[0.04, 0.08, 0.16, 0.27, 0.30, 0.15])
    sex = (rng.random(n) < 0.62 - 0.02 * age).astype(int)
    eth = np.where(age < 3, rng.choice(5, n, p=[0.80, 0.09, 0.05, 0.03, 0.03]),
                   rng.choice(5, n, p=[0.95, 0.03, 0.01, 0.005, 0.005]))
    imd = np.clip(rng.binomial(4, 0.45 + 0.05 * (age > 3), n) + (eth > 0), 0, 4)
    cats = {k: np.asarray(list(v), dtype=object) for k, v in MARGINS.items()}
    return pd.DataFrame({"id": np.arange(n), "age": cats["age"][age],
                         "sex": cats["sex"][1 - sex], "ethnicity": cats["ethnicity"][eth],
                         "imd": cats["imd"][imd]})


def max_error(data: pd.DataFrame, weights: np.ndarray) -> float:
    total = weights.sum()
    worst = 0.0
    for var, cats in MARGINS.items():
        shares = pd.Series(weights).groupby(data[var].to_numpy()).sum() / total
        worst = max(worst, max(abs(shares.get(c, 0.0) - s) for c, s in cats.items()))
    return worst


def raking_benchmark(n: int, repeats: int) -> None:
    data = make_respondents(n)
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        raked = rake(data, MARGINS, tol=1e-6, max_iter=200)
        weights, diag = raked.weights, raked.diagnostics
        best = min(best, time.perf_counter() - start)
    ours_err = max_error(data, weights.to_numpy())
    print(f"raking    {n:,} respondents x 4 margins: ours {best:.3f} s | ", end="")
    if peer_missing("ipfn"):
        print(f"          max margin error: ours {ours_err:.1e}; {diag.iterations} cycles")
        return
    from ipfn.ipfn import ipfn

    aggregates = [pd.Series({c: s * n for c, s in cats.items()}).rename_axis(var)
                  for var, cats in MARGINS.items()]
    peer = np.inf
    for _ in range(repeats):
        frame = data.assign(total=1.0)
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fitted = ipfn(frame, aggregates, [[v] for v in MARGINS], convergence_rate=1e-6,
                          max_iteration=200, verbose=0).iteration()
        peer = min(peer, time.perf_counter() - start)
    peer_w = fitted.sort_values("id")["total"].to_numpy()
    peer_err = max_error(data, peer_w)
    same = np.abs(peer_w / peer_w.mean() - weights.to_numpy() / weights.mean()).max()
    print(f"peer {peer:.3f} s (ipfn, DataFrame mode)")
    print(f"          max margin error: ours {ours_err:.1e} | peer {peer_err:.1e}; ours "
          f"{diag.iterations} cycles, design effect {diag.design_effect:.3f}, effective n "
          f"{diag.effective_n:,.0f}; largest weight difference {same:.1e}")


# -------------------------------------------------------------------------- alpha
def alpha_benchmark(units: int, repeats: int, coders: int = 5) -> None:
    rng = np.random.default_rng(2011)
    truth = rng.integers(0, 4, units)
    noise = rng.random((coders, units)) < 0.2
    matrix = np.where(noise, rng.integers(0, 4, (coders, units)), truth).astype(float)
    matrix[rng.random((coders, units)) < 0.10] = np.nan
    long = pd.DataFrame({"unit": np.tile(np.arange(units), coders),
                         "coder": np.repeat([f"C{i}" for i in range(coders)], units),
                         "value": matrix.ravel()})
    krippendorff_alpha(long[long["unit"] < 200], n_boot=0)   # warm up
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        ours = krippendorff_alpha(long, n_boot=0, level="nominal")
        best = min(best, time.perf_counter() - start)
    n_codings = int(np.isfinite(matrix).sum())
    print(f"alpha     {len(long):,} codings ({units:,} units x {coders} coders, nominal, "
          f"{n_codings:,} coded): ours {best:.3f} s | ", end="")
    if peer_missing("krippendorff"):
        print(f"          alpha: ours {ours['alpha'].iloc[0]:.6f}")
        return
    import krippendorff

    peer = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        theirs = krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
        peer = min(peer, time.perf_counter() - start)
    ratio = best / peer
    flag = "met" if ratio <= ALPHA_TARGET else "MISSED"
    print(f"peer {peer:.3f} s (bare krippendorff.alpha on the matrix)   ratio {ratio:.2f} x, "
          f"target <= {ALPHA_TARGET:g} x: {flag}")
    print(f"          alpha: ours {ours['alpha'].iloc[0]:.6f} | peer {theirs:.6f} "
          "(ours starts from the tidy long table, validates it and builds the counts)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--peer-responses", type=int, default=50_000)
    parser.add_argument("--stream-answers", type=int, default=10_000_000)
    parser.add_argument("--respondents", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    codebook_benchmark(args.responses, min(args.peer_responses, args.responses), args.repeats)
    if args.stream_answers:
        streaming_benchmark(args.stream_answers)
    raking_benchmark(args.respondents, args.repeats)
    alpha_benchmark(args.units, args.repeats)


if __name__ == "__main__":
    main()
