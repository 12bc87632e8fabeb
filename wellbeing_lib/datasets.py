"""Bundled synthetic data sets: seeded generators, a registry and loaders.

Real data about people cannot be shipped, so wellbeing_lib ships *synthetic* data sets made by
seeded, documented generators and committed as CSV files in the ``data/`` folder of the source
checkout (described column by column in ``data/README.md``).  ``wellbeing make-sample-data``
calls :func:`make_sample_data`, which regenerates them byte-identically: every generator draws
from its own :func:`numpy.random.default_rng` stream (never the global random state) and the
CSV writer fixes the encoding (UTF-8), line ending (``\\n``), float format, row and column order.

Registering a new data set is one decorator on its generator, which takes a
:class:`numpy.random.Generator` and returns ``{file stem: DataFrame}``::

    @register_dataset("diagnostic", files={"diagnostic_responses": "one row per answer"},
                      description="Health and Wellbeing Framework diagnostic")
    def _diagnostic(rng): ...

Data sets
---------
``social_prescribing``
    A Wellbeing Exeter-style evaluation of social prescribing (2016-2017): 1,500 referred
    clients and 600 matched, unreferred comparison clients; SWEMWBS, UCLA-3, social inclusion
    and PAM at baseline and follow-up; health and care service use 12 months before and after.
    Calibrated to the published results (85% improved on at least 1 of 4 measures, 54% on at
    least 2, 15% on all 4; entry wellbeing 7 WEMWBS points below the national average).
``workforce_diagnostic``
    The Health and Wellbeing Framework diagnostic across a fictional ICS of 14 organisations
    (2021-2022): answers with evidence notes and staff groups (tidy CSV and one XLSX workbook
    per organisation in ``diagnostic_workbooks/``), staged one element a month; staff survey
    results with ICS and national comparators; staff network leads' views.  Planted
    patterns: one organisation strong where most are weak, an element with no evidence about
    AfC bands 2-4, organisations behind schedule, and a self-assessment its staff survey and
    networks contradict.  :func:`workforce_diagnostic` makes it with more organisations.
``engagement_self_assessment``
    A Dorset-style ten-area public engagement self-assessment: 57 stakeholders, 46 online (a
    SurveyMonkey-style export with two header rows, as CSV and XLSX) and 11 by telephone (an
    interviewer's notes), free text on what works well and what could be better per area.
``engagement_dialogue``
    A TONIC-style dialogue with 3,256 people (2,320 public, 936 professional) by telephone,
    outreach sessions, Healthwatch focus groups and online: characteristics, seldom-heard
    flags, free-text answers on what matters for wellbeing, a population table for the area
    and a second coder's coding of a 300-answer subsample.

Example
-------
>>> from wellbeing_lib.datasets import list_datasets, load_dataset
>>> list_datasets()["file"].tolist()[:2]
['social_prescribing_clients.csv', 'social_prescribing_measures.csv']
>>> clients = load_dataset("social_prescribing_clients")
>>> clients["group"].value_counts().to_dict()
{'referred': 1500, 'comparison': 600}
"""

from __future__ import annotations

import io as _stdio
import itertools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import UnreadableFileError, WellbeingError
from .io import data_dir as _data_dir
from .io import load_reference_table, read_table
from .reporting.files import write_csv, write_xlsx

__all__ = [
    "DEFAULT_SEED",
    "DEMO_KEY",
    "DATASETS",
    "DatasetSpec",
    "register_dataset",
    "generate",
    "make_sample_data",
    "load_dataset",
    "list_datasets",
    "write_csv",
    "write_xlsx",
    "social_prescribing_truth",
    "workforce_diagnostic",
    "write_workforce_workbooks",
]

#: seed of the committed sample data (the year Wellbeing Exeter's results were published)
DEFAULT_SEED = 2019

#: Public key used to pseudonymise the identifiers of the *synthetic* sample data.  It is
#: deliberately published so the demo is reproducible; real data must use a secret key.
DEMO_KEY = "wellbeing-lib-public-demo-key-2019"


# ---------------------------------------------------------------------------- registry
@dataclass(frozen=True)
class DatasetSpec:
    """A registered data set: its generator, the files it makes, and how they are written.

    Attributes
    ----------
    name : str
        Name used by :func:`generate` and ``make_sample_data(names=...)``.
    generator : callable
        ``generator(rng) -> {file stem: DataFrame}`` with ``rng`` a
        :class:`numpy.random.Generator`; must use no other source of randomness.
    files : mapping
        ``{file stem: one-line description}``, in the order the files are written.
    description : str
        One line about the data set.
    dtypes : mapping
        ``{file stem: {column: dtype}}``: the schema each frame is cast to (and read back
        with by :func:`load_dataset`); columns appear in this order.
    float_format : str
        printf format of float columns in the CSV files.
    extras : callable, optional
        ``extras(frames, out_dir) -> list of Path``: writes files made from the generated
        frames that are not CSV tables (e.g. one XLSX workbook per organisation), byte-
        reproducibly, after the CSV files.
    extra_files : mapping
        ``{path relative to the data folder: one-line description}`` of what ``extras``
        writes (a folder ends with ``/``), for :func:`list_datasets`.
    """

    name: str
    generator: Callable[[np.random.Generator], dict[str, pd.DataFrame]]
    files: Mapping[str, str]
    description: str
    dtypes: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    float_format: str = "%.2f"
    extras: Callable[[dict[str, pd.DataFrame], Path], list[Path]] | None = None
    extra_files: Mapping[str, str] = field(default_factory=dict)


#: name -> :class:`DatasetSpec`, in registration order
DATASETS: dict[str, DatasetSpec] = {}


def register_dataset(
    name: str,
    *,
    files: Mapping[str, str],
    description: str,
    dtypes: Mapping[str, Mapping[str, str]] | None = None,
    float_format: str = "%.2f",
    extras: Callable[[dict[str, pd.DataFrame], Path], list[Path]] | None = None,
    extra_files: Mapping[str, str] | None = None,
):
    """Decorator registering ``generator(rng) -> {stem: DataFrame}`` as data set ``name``."""

    def decorator(generator):
        DATASETS[name] = DatasetSpec(
            name, generator, dict(files), description, dict(dtypes or {}), float_format,
            extras, dict(extra_files or {}),
        )
        return generator

    return decorator


def _spec(name: str) -> DatasetSpec:
    try:
        return DATASETS[name]
    except KeyError:
        raise WellbeingError(
            f"unknown data set '{name}'; registered data sets: {', '.join(DATASETS)}"
        ) from None


def _file_index() -> dict[str, DatasetSpec]:
    return {stem: spec for spec in DATASETS.values() for stem in spec.files}


def generate(name: str, seed: int | None = None) -> dict[str, pd.DataFrame]:
    """Generate one registered data set in memory.

    Parameters
    ----------
    name : str
        A registered data set (see :func:`list_datasets`).
    seed : int, optional
        Seed of :func:`numpy.random.default_rng`; default :data:`DEFAULT_SEED` (2019), the
        seed of the committed files.

    Returns
    -------
    dict of str to DataFrame
        ``{file stem: table}`` with the columns and dtypes of the registered schema.

    Example
    -------
    >>> frames = generate("social_prescribing")
    >>> {stem: len(df) for stem, df in frames.items()}  # doctest: +NORMALIZE_WHITESPACE
    {'social_prescribing_clients': 2100, 'social_prescribing_measures': 3588,
     'social_prescribing_service_use': 4200}
    """
    spec = _spec(name)
    rng = np.random.default_rng(DEFAULT_SEED if seed is None else seed)
    frames = spec.generator(rng)
    if list(frames) != list(spec.files):
        raise WellbeingError(  # pragma: no cover - a programming error in a generator
            f"generator of '{name}' returned {list(frames)}, registered {list(spec.files)}"
        )
    out = {}
    for stem, df in frames.items():
        schema = spec.dtypes.get(stem)
        if schema:
            df = df.loc[:, list(schema)].astype(dict(schema))
        out[stem] = df.reset_index(drop=True)
    return out


def make_sample_data(out_dir=None, names: Iterable[str] | None = None, *, progress: bool = False
                     ) -> list[Path]:
    """Regenerate the bundled data files (byte-identical for the same code and seed).

    Parameters
    ----------
    out_dir : str or Path, optional
        Folder to write to (created if needed); default :func:`wellbeing_lib.io.data_dir`,
        i.e. the ``data/`` folder of the checkout unless ``WELLBEING_DATA`` is set.
    names : iterable of str, optional
        Data sets to make; default all registered ones.
    progress : bool, default False
        Show a progress bar (tqdm) while generating.

    Returns
    -------
    list of Path
        The files written, in registry order: each data set's CSV files, then its other
        files (the ``workforce_diagnostic`` workbooks go in ``diagnostic_workbooks/``).

    Example
    -------
    >>> import tempfile
    >>> out = tempfile.mkdtemp()
    >>> paths = make_sample_data(out)
    >>> [p.relative_to(out).as_posix() for p in paths][:5]  # doctest: +NORMALIZE_WHITESPACE
    ['social_prescribing_clients.csv', 'social_prescribing_measures.csv',
     'social_prescribing_service_use.csv', 'workforce_organisations.csv',
     'workforce_diagnostic_answers.csv']
    >>> "diagnostic_workbooks/HV14.xlsx" in [p.relative_to(out).as_posix() for p in paths]
    True
    """
    out = _data_dir(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    names = list(DATASETS) if names is None else list(names)
    specs = [_spec(n) for n in names]
    if progress:
        from tqdm.auto import tqdm

        specs = tqdm(specs, desc="generating sample data", unit="data set")
    paths = []
    for spec in specs:
        frames = generate(spec.name)
        for stem, frame in frames.items():
            paths.append(write_csv(frame, out / f"{stem}.csv", float_format=spec.float_format))
        if spec.extras is not None:
            paths.extend(spec.extras(frames, out))
    return paths


def load_dataset(name: str, data_dir=None) -> pd.DataFrame:
    """Read one bundled data file by its stem (e.g. ``"social_prescribing_clients"``).

    Parameters
    ----------
    name : str
        File stem, or file name with ``.csv``; see :func:`list_datasets`.  Files of a
        registered data set are cast to its schema (integer answers with gaps become
        ``Int64``); any other CSV in the folder is read as it is.
    data_dir : str or Path, optional
        Folder to read from; default :func:`wellbeing_lib.io.data_dir`.

    Returns
    -------
    DataFrame
        With ``attrs["source"]`` naming the file.

    Raises
    ------
    UnreadableFileError
        If the file is missing (with a hint to run ``wellbeing make-sample-data``).

    Example
    -------
    >>> m = load_dataset("social_prescribing_measures")
    >>> m.loc[:1, ["time", "assessment_date", "swemwbs_1", "ucla_1", "pam_score"]]
            time assessment_date  swemwbs_1  ucla_1  pam_score
    0   baseline      2017-10-13          3       2       62.3
    1  follow_up      2018-03-08          4       1       71.4
    """
    stem = name[:-4] if name.lower().endswith(".csv") else name
    folder = _data_dir(data_dir)
    path = folder / f"{stem}.csv"
    spec = _file_index().get(stem)
    if not path.exists():
        if spec is not None:
            reason = (f"bundled data file not found; run `wellbeing make-sample-data"
                      f"{'' if data_dir is None else ' --out ' + str(folder)}` to regenerate it")
        elif name in DATASETS:
            reason = (f"'{name}' is a data set of several files; load one of: "
                      + ", ".join(DATASETS[name].files))
        else:
            reason = ("no such data file; bundled files are "
                      + ", ".join(_file_index()) + " (run `wellbeing make-sample-data`)")
        raise UnreadableFileError(path, reason)
    schema = spec.dtypes.get(stem) if spec is not None else None
    if schema:
        df = read_table(path, dtype=dict(schema), keep_default_na=False, na_values=[""])
    else:
        df = read_table(path)
    return df


def list_datasets() -> pd.DataFrame:
    """The bundled data files: one row per file with its data set and description.

    Example
    -------
    >>> list_datasets().iloc[0].tolist()  # doctest: +NORMALIZE_WHITESPACE
    ['social_prescribing', 'social_prescribing_clients.csv',
     'one row per person: group, GP practice, referral, demographics, referral note']
    """
    rows = [
        {"dataset": spec.name, "file": file, "description": text}
        for spec in DATASETS.values()
        for file, text in [*((f"{stem}.csv", text) for stem, text in spec.files.items()),
                           *spec.extra_files.items()]
    ]
    return pd.DataFrame(rows, columns=["dataset", "file", "description"])


# ------------------------------------------------------------------ small helpers
def _iso(start: str, offsets) -> np.ndarray:
    """ISO date strings ``start + offsets`` days."""
    days = np.datetime64(start, "D") + np.asarray(offsets, dtype="int64").astype("timedelta64[D]")
    return np.datetime_as_string(days, unit="D")


def _exact_counts(probs, n: int) -> np.ndarray:
    """Integer counts summing to ``n`` closest to ``n * probs`` (largest remainder)."""
    raw = np.asarray(probs, dtype=float) * n
    counts = np.floor(raw).astype(np.int64)
    short = n - counts.sum()
    order = np.argsort(-(raw - counts), kind="stable")
    counts[order[:short]] += 1
    return counts


# ======================================================================================
# Social prescribing (Wellbeing Exeter-style) evaluation
# ======================================================================================
N_REFERRED = 1500
N_COMPARISON = 600
#: share of each group with no follow-up questionnaire (exact counts are used)
LOSS_TO_FOLLOW_UP = {"referred": 0.32, "comparison": 0.22}

PRACTICES = tuple(f"Practice {c}" for c in "ABCDEFGHIJK")
# Unequal list sizes; A-C were the 2015 pilot practices, the rest joined in 2016-2017.
PRACTICE_WEIGHTS = (0.16, 0.14, 0.13, 0.11, 0.10, 0.09, 0.07, 0.06, 0.05, 0.05, 0.04)
PRACTICE_START = ("2016-01-01",) * 3 + ("2016-04-01", "2016-04-01", "2016-07-01", "2016-10-01",
                                        "2017-01-01", "2017-01-01", "2017-04-01", "2017-07-01")
STUDY_END = "2017-12-31"

ROUTES = ("GP", "Practice nurse", "Link-worker outreach", "Self-referral", "Voluntary sector")
ROUTE_WEIGHTS = (0.42, 0.13, 0.22, 0.10, 0.13)
AGE_BANDS = ("18-34", "35-49", "50-64", "65-79", "80+")
AGE_WEIGHTS = (0.10, 0.14, 0.22, 0.30, 0.24)
SEXES = ("Female", "Male")
FEMALE_SHARE = 0.63
# ONS 2011 five-group ethnicity; Exeter was ~93% White.
ETHNICITIES = ("White", "Mixed/Multiple ethnic groups", "Asian/Asian British",
               "Black/African/Caribbean/Black British", "Other ethnic group")
ETHNICITY_WEIGHTS = (0.930, 0.015, 0.030, 0.008, 0.017)
IMD_WEIGHTS = (0.24, 0.24, 0.20, 0.17, 0.15)  # quintile 1 = most deprived

MEASURE_KEYS = ("swemwbs", "ucla", "social_inclusion", "pam")
SWEMWBS_ITEMS = tuple(f"swemwbs_{i}" for i in range(1, 8))
UCLA_ITEMS = tuple(f"ucla_{i}" for i in range(1, 4))

# --- published calibration targets (Wellbeing Exeter, HSJ Awards 2019 entry) -------------
#: P(number of the 4 measures improved = k), k = 0..4: >=1 85%, >=2 54%, all 4 15%
K_PROBS = (0.15, 0.31, 0.16, 0.23, 0.15)
#: tilt of which measures improve, given how many (SWEMWBS, UCLA, social inclusion, PAM); gives
#: marginal improvement 54% SWEMWBS, 46% UCLA, 47% social inclusion, 45% PAM
PATTERN_WEIGHTS = (1.0, 0.6550, 0.6913, 0.6204)
#: P(client is a "responder" (engaged with activities, larger effect) | k measures improved)
RESPONDER_BY_K = (0.0, 0.0, 0.10, 0.40, 0.80)

# --- latent model (z scale: higher = better on every measure) -----------------------------
LOADING_GENERAL = np.array([0.80, 0.60, 0.65, 0.50])  # trait correlation via a general factor
DIP_LOADING = np.array([0.90, 0.50, 0.50, 0.30])  # transient low point at referral
DIP_SHAPE, DIP_MEAN = 2.0, 0.45  # gamma-distributed depth of the low point
OCCASION_SD = 0.55  # occasion-to-occasion fluctuation
SECULAR = np.array([-0.15, -0.10, -0.15, -0.35])  # change over ~6 months without referral
EFFECT = np.array([2.50, 0.75, 0.80, 0.60])  # mean programme effect for responders (z units)
EFFECT_SD = np.array([0.40, 0.35, 0.35, 0.30])
# mapping of z to answers
SW_CENTRE, SW_SCALE, SW_ITEM_SD = 3.28, 0.52, 0.55
SW_OFFSETS = np.array([0.05, 0.05, -0.20, 0.00, 0.10, 0.10, -0.10])
UCLA_CENTRE, UCLA_SCALE, UCLA_ITEM_SD = 2.15, 0.55, 0.45
SI_CENTRE, SI_SCALE, SI_SD = 5.0, 1.6, 0.9
PAM_CENTRE, PAM_SCALE, PAM_SD = 52.0, 9.0, 5.0
#: item answers: share of questionnaires with gaps, and share of items blank in those
PARTIAL_ROW_SHARE, ITEM_BLANK_IN_PARTIAL = 0.10, 0.25
MAX_RESAMPLING_ROUNDS = 300

# --- health and care service use per client-year ------------------------------------------
SERVICES = ("gp_appointments", "ae_attendances", "emergency_admissions",
            "outpatient_attendances", "social_care_contacts")
#: comparison group, 12 months before the index date
BASE_RATE = np.array([9.0, 0.55, 0.28, 2.8, 3.0])
#: gamma shape of person x service heterogeneity (smaller = more overdispersed)
HETEROGENEITY_SHAPE = np.array([2.5, 0.8, 0.6, 1.0, 0.4])
#: referred clients' use before referral relative to the comparison group
REFERRED_EXCESS = np.array([1.12, 1.10, 1.10, 1.05, 1.15])
#: after/before ratio without the programme (regression to the mean after a crisis)
UNTREATED_AFTER = np.array([0.93, 0.92, 0.90, 0.96, 0.95])
#: true programme effect, rate ratio after/before referred vs comparison
SERVICE_EFFECT = np.array([0.85, 0.85, 0.88, 0.92, 0.85])
AGE_RATE = np.array([  # by age band (rows) for each service (columns)
    [0.80, 1.10, 0.55, 0.60, 0.25],
    [0.90, 1.00, 0.65, 0.80, 0.40],
    [0.95, 0.90, 0.85, 1.00, 0.60],
    [1.05, 0.90, 1.05, 1.15, 1.00],
    [1.15, 1.10, 1.45, 1.10, 1.90],
])
FRAILTY_SHAPE = 3.0  # person-level gamma frailty shared by all services and both periods

# --- referral notes -------------------------------------------------------------------------
NOTE_REASONS = (
    "Lonely since bereavement", "Socially isolated after moving to Exeter",
    "Low mood and anxiety", "Carer for husband with dementia, no time for herself",
    "Recently retired, lost sense of purpose", "Housing worries and rent arrears",
    "Struggling after hip operation", "Frequent GP attender, wants to meet people",
    "Lives alone, family abroad", "Long-term pain affecting mood",
    "Lost confidence after a fall", "Money worries since losing job",
)
NOTE_REASON_WEIGHTS = (0.16, 0.09, 0.14, 0.06, 0.07, 0.06, 0.05, 0.08, 0.08, 0.09, 0.07, 0.05)
NOTE_DETAILS = (
    "struggling with mobility", "no family nearby", "would like to get out more",
    "interested in a walking group", "finding it hard to manage money",
    "not leaving the house much", "wants help with benefit forms", "sleeping badly",
    "keen to volunteer", "misses going to church", "hard of hearing", "no longer driving",
)
NOTE_SURNAMES = ("Pengelly", "Trewin", "Chudleigh", "Northcott", "Hext", "Vosper", "Luxton")
NOTE_FIRST_NAMES = ("jane", "sue", "mary", "linda", "carol", "ann", "pat")
#: number of referral notes carrying personal details (for redaction exercises)
N_NOTES_WITH_PII = 6

# --- deliberate data-quality problems in the measures file (referred clients) ----------------
N_DUPLICATED_BASELINE = 3
N_FOLLOW_UP_BEFORE_BASELINE = 2
N_FOLLOW_UP_WITHOUT_BASELINE = 3

_CLIENT_DTYPES = {
    "client_id": "str", "group": "str", "practice": "str", "referral_route": "str",
    "referral_date": "str", "index_date": "str", "age_band": "str", "sex": "str",
    "ethnicity": "str", "imd_quintile": "int64", "referral_note": "str",
}
_MEASURE_DTYPES = {
    "client_id": "str", "time": "str", "assessment_date": "str",
    **{c: "Int64" for c in (*SWEMWBS_ITEMS, *UCLA_ITEMS, "social_inclusion")},
    "pam_score": "float64",
}
_SERVICE_DTYPES = {"client_id": "str", "period": "str", **{s: "int64" for s in SERVICES}}


def _pattern_table() -> tuple[np.ndarray, np.ndarray]:
    """The 16 improvement patterns (rows of 4 booleans) and their target probabilities.

    P(pattern) = P(k) * prod(w_m for improved m) / sum over patterns with k improved.
    """
    patterns = np.array(list(itertools.product((0, 1), repeat=4)), dtype=bool)[:, ::-1]
    k = patterns.sum(axis=1)
    tilt = np.prod(np.where(patterns, np.array(PATTERN_WEIGHTS), 1.0), axis=1)
    probs = np.zeros(len(patterns))
    for j in range(5):
        sel = k == j
        probs[sel] = K_PROBS[j] * tilt[sel] / tilt[sel].sum()
    return patterns, probs


def _assign_patterns(rng, feasible: np.ndarray) -> np.ndarray:
    """Give each client a pattern, with exact target counts, never asking for the impossible.

    ``feasible[i, m]`` is False when client i's baseline is at the best possible value of
    measure m, so m cannot improve; such clients get patterns that leave m unimproved.
    """
    n = len(feasible)
    patterns, probs = _pattern_table()
    pool = np.repeat(np.arange(len(patterns)), _exact_counts(probs, n))
    pool = rng.permutation(pool)
    assigned = np.full(n, -1)
    free = np.ones(n, dtype=bool)
    code = feasible @ (1 << np.arange(4))
    for c in np.unique(code[code != 15]):  # at most 15 classes, processed in a fixed order
        who = np.flatnonzero(code == c)
        ok = free & ~(patterns[pool] & ~feasible[who[0]]).any(axis=1)
        take = rng.choice(np.flatnonzero(ok), size=len(who), replace=False)
        assigned[who] = pool[take]
        free[take] = False
    assigned[code == 15] = pool[free]
    return patterns[assigned]


def _answers(rng, key: str, z: np.ndarray) -> np.ndarray:
    """Questionnaire answers (n x items) for latent z (higher = better)."""
    n = len(z)
    if key == "swemwbs":
        theta = SW_CENTRE + SW_SCALE * z
        eps = rng.normal(0.0, SW_ITEM_SD, size=(n, 7))
        return np.clip(np.rint(theta[:, None] + SW_OFFSETS + eps), 1, 5)
    if key == "ucla":
        phi = UCLA_CENTRE - UCLA_SCALE * z
        eps = rng.normal(0.0, UCLA_ITEM_SD, size=(n, 3))
        return np.clip(np.rint(phi[:, None] + eps), 1, 3)
    if key == "social_inclusion":
        x = SI_CENTRE + SI_SCALE * z + rng.normal(0.0, SI_SD, size=n)
        return np.clip(np.rint(x), 1, 10)[:, None]
    x = PAM_CENTRE + PAM_SCALE * z + rng.normal(0.0, PAM_SD, size=n)
    return np.round(np.clip(x, 0.0, 100.0), 1)[:, None]


#: direction of improvement of each measure's total (UCLA: lower = less lonely)
_DIRECTION = {"swemwbs": 1, "ucla": -1, "social_inclusion": 1, "pam": 1}
_BEST = {"swemwbs": 35, "ucla": 3, "social_inclusion": 10, "pam": 100}
#: range of one answer (for the fallback that nudges a single answer)
_WORST = {"swemwbs": 1, "ucla": 1, "social_inclusion": 1, "pam": 0}
_BEST_ANSWER = {"swemwbs": 5, "ucla": 3, "social_inclusion": 10, "pam": 100}


def _metric_table() -> np.ndarray:
    table = load_reference_table("swemwbs_raw_to_metric.csv")
    lookup = np.full(36, np.nan)
    lookup[table["raw"].to_numpy(int)] = table["metric"].to_numpy(float)
    return lookup


def _social_prescribing(rng: np.random.Generator, *, truth: bool = False):
    """Generate the three tables (and, with ``truth=True``, the potential outcomes)."""
    from .privacy import pseudonymise

    r_clients, r_latent, r_follow, r_missing, r_service, r_notes, r_truth = rng.spawn(7)
    n_ref, n_cmp = N_REFERRED, N_COMPARISON
    n = n_ref + n_cmp
    referred = np.arange(n) < n_ref

    # ---------------------------------------------------------------- clients
    practice = r_clients.choice(len(PRACTICES), size=n, p=PRACTICE_WEIGHTS)
    start = np.array(PRACTICE_START, dtype="datetime64[D]")[practice]
    span = (np.datetime64(STUDY_END) - start).astype(int) + 1
    ref_offset = (start - np.datetime64("2016-01-01")).astype(int) + np.floor(
        r_clients.random(n) * span).astype(int)
    idx_offset = r_clients.integers(0, 731, size=n)  # comparison index date, 2016-2017
    index_day = np.where(referred, ref_offset, idx_offset)
    route = r_clients.choice(len(ROUTES), size=n, p=ROUTE_WEIGHTS)
    age = r_clients.choice(len(AGE_BANDS), size=n, p=AGE_WEIGHTS)
    female = r_clients.random(n) < FEMALE_SHARE
    ethnicity = r_clients.choice(len(ETHNICITIES), size=n, p=ETHNICITY_WEIGHTS)
    imd = r_clients.choice(5, size=n, p=IMD_WEIGHTS) + 1

    # ---------------------------------------------------------------- latent wellbeing
    general = r_latent.normal(size=n) + 0.08 * (imd - 3)
    specific = r_latent.normal(size=(n, 4))
    trait = LOADING_GENERAL * general[:, None] + np.sqrt(1 - LOADING_GENERAL**2) * specific
    trait[:, 1] -= np.array([0.0, 0.0, 0.10, 0.15, 0.35])[age]  # loneliness rises with age
    dip = r_latent.gamma(DIP_SHAPE, DIP_MEAN / DIP_SHAPE, size=n)
    z_base = trait - DIP_LOADING * dip[:, None] + r_latent.normal(0, OCCASION_SD, size=(n, 4))
    base = {k: _answers(r_latent, k, z_base[:, j]) for j, k in enumerate(MEASURE_KEYS)}
    base_total = np.column_stack([base[k].sum(axis=1) for k in MEASURE_KEYS])

    # ---------------------------------------------------------------- who is followed up
    has_fu = np.ones(n, dtype=bool)
    for grp, sel in (("referred", referred), ("comparison", ~referred)):
        who = np.flatnonzero(sel)
        weight = np.exp(0.3 * (imd[who] <= 2) + 0.4 * (age[who] == 4) - 0.3 * z_base[who, 0])
        lost = r_follow.choice(who, size=round(LOSS_TO_FOLLOW_UP[grp] * len(who)),
                               replace=False, p=weight / weight.sum())
        has_fu[lost] = False
    both = np.flatnonzero(referred & has_fu)
    problems = r_follow.choice(
        both, size=N_FOLLOW_UP_WITHOUT_BASELINE + N_FOLLOW_UP_BEFORE_BASELINE
        + N_DUPLICATED_BASELINE, replace=False)
    no_base = problems[:N_FOLLOW_UP_WITHOUT_BASELINE]
    fu_early = problems[N_FOLLOW_UP_WITHOUT_BASELINE:-N_DUPLICATED_BASELINE]
    dup_base = problems[-N_DUPLICATED_BASELINE:]
    has_base = np.ones(n, dtype=bool)
    has_base[no_base] = False

    # blank item answers: 12 answers per questionnaire (7 + 3 + 1 + 1)
    def blanks(size):
        partial = r_missing.random(size) < PARTIAL_ROW_SHARE
        return partial[:, None] & (r_missing.random((size, 12)) < ITEM_BLANK_IN_PARTIAL)

    blank_base, blank_fu = blanks(n), blanks(n)
    complete = ~blank_base.any(axis=1) & ~blank_fu.any(axis=1)
    clean = np.ones(n, dtype=bool)
    clean[problems] = False
    fu_ref = np.flatnonzero(referred & has_fu)
    in_analysis = complete[fu_ref] & clean[fu_ref]

    # ---------------------------------------------------------------- follow-up answers
    best = np.array([_BEST[k] for k in MEASURE_KEYS])
    feasible = base_total != best
    target = np.zeros((n, 4), dtype=bool)
    for stratum in (fu_ref[in_analysis], fu_ref[~in_analysis]):
        target[stratum] = _assign_patterns(r_follow, feasible[stratum])
    k_improved = target.sum(axis=1)
    responder = referred & (r_follow.random(n) < np.array(RESPONDER_BY_K)[k_improved])

    def follow_up(rows, j, treated):
        helped = treated & responder[rows] & target[rows, j]
        eff = helped * (EFFECT[j] + EFFECT_SD[j] * r_follow.normal(size=len(rows)))
        z = trait[rows, j] + SECULAR[j] + eff + r_follow.normal(0, OCCASION_SD, size=len(rows))
        return _answers(r_follow, MEASURE_KEYS[j], z)

    fu = {}
    fallback = 0
    for j, key in enumerate(MEASURE_KEYS):
        answers = follow_up(np.arange(n), j, referred)
        sign = _DIRECTION[key]
        for _ in range(MAX_RESAMPLING_ROUNDS):
            improved = sign * (answers.sum(axis=1) - base_total[:, j]) > 0
            bad = np.flatnonzero(referred & has_fu & (improved != target[:, j]))
            if len(bad) == 0:
                break
            answers[bad] = follow_up(bad, j, True)
        else:  # patterns very unlikely for the client: nearest answers that fit (rare)
            improved = sign * (answers.sum(axis=1) - base_total[:, j]) > 0
            bad = np.flatnonzero(referred & has_fu & (improved != target[:, j]))
            fallback += len(bad)
            answers[bad] = base[key][bad]  # tie = not improved
            up = bad[target[bad, j]]
            col = np.argmin(sign * base[key][up], axis=1)
            answers[up, col] = np.clip(base[key][up, col] + sign, _WORST[key], _BEST_ANSWER[key])
        fu[key] = answers

    # ---------------------------------------------------------------- assemble measures
    serial = np.char.zfill(np.r_[1:n_ref + 1, 1:n_cmp + 1].astype(str), 5)
    local = np.char.add(np.where(referred, "WE", "CMP"), serial)  # local ids WE00001, CMP00001
    client_id = np.asarray(pseudonymise(local, key=DEMO_KEY, prefix="C-"), dtype=object)
    base_day = index_day + np.where(referred, r_follow.integers(0, 29, size=n),
                                    r_follow.integers(0, 15, size=n))
    fu_day = base_day + r_follow.integers(140, 231, size=n)
    fu_day[fu_early] = base_day[fu_early] - r_follow.integers(20, 90, size=len(fu_early))

    def block(rows, answers, blank, days, time):
        values = np.column_stack([answers[k][rows] for k in MEASURE_KEYS])
        values = np.where(blank[rows], np.nan, values)
        df = pd.DataFrame(values, columns=[*SWEMWBS_ITEMS, *UCLA_ITEMS, "social_inclusion",
                                           "pam_score"])
        df.insert(0, "client_id", client_id[rows])
        df.insert(1, "time", time)
        df.insert(2, "assessment_date", _iso("2016-01-01", days[rows]))
        df["_order"] = rows
        return df

    base_rows = np.flatnonzero(has_base)
    fu_rows = np.flatnonzero(has_fu)
    measures = pd.concat([
        block(base_rows, base, blank_base, base_day, "baseline"),
        block(np.sort(dup_base), base, blank_base, base_day, "baseline"),
        block(fu_rows, fu, blank_fu, fu_day, "follow_up"),
    ], ignore_index=True)
    measures = measures.sort_values(["_order", "time"], kind="stable").drop(columns="_order")
    measures = measures.reset_index(drop=True)

    # ---------------------------------------------------------------- notes
    notes = np.array(NOTE_REASONS, dtype=object)[
        r_notes.choice(len(NOTE_REASONS), size=n, p=NOTE_REASON_WEIGHTS)]
    detail = np.array(NOTE_DETAILS, dtype=object)[r_notes.integers(0, len(NOTE_DETAILS), n)]
    notes = np.where(r_notes.random(n) < 0.7, notes + ", " + detail, notes)
    notes = np.where(referred, notes, None)
    pii_rows = r_notes.choice(np.flatnonzero(referred & female), N_NOTES_WITH_PII, replace=False)
    notes[pii_rows] = _notes_with_pii(r_notes)

    clients = pd.DataFrame({
        "client_id": client_id,
        "group": np.where(referred, "referred", "comparison"),
        "practice": np.array(PRACTICES)[practice],
        "referral_route": np.where(referred, np.array(ROUTES, dtype=object)[route], None),
        "referral_date": np.where(referred, _iso("2016-01-01", index_day).astype(object), None),
        "index_date": _iso("2016-01-01", index_day),
        "age_band": np.array(AGE_BANDS)[age],
        "sex": np.where(female, SEXES[0], SEXES[1]),
        "ethnicity": np.array(ETHNICITIES)[ethnicity],
        "imd_quintile": imd,
        "referral_note": notes,
    })

    # ---------------------------------------------------------------- service use
    # Poisson counts whose rate carries a person-level frailty (all services) and a
    # person x service gamma heterogeneity, both shared by the two periods: each count is
    # negative binomial (overdispersed) and a client's use before and after is correlated.
    frailty = r_service.gamma(FRAILTY_SHAPE, 1 / FRAILTY_SHAPE, size=(n, 1))
    hetero = r_service.gamma(HETEROGENEITY_SHAPE, 1 / HETEROGENEITY_SHAPE, size=(n, len(SERVICES)))
    rate_before = (BASE_RATE * AGE_RATE[age] * frailty * hetero
                   * np.where(referred[:, None], REFERRED_EXCESS, 1.0))
    rate_after = rate_before * UNTREATED_AFTER * np.where(referred[:, None], SERVICE_EFFECT, 1.0)
    counts = r_service.poisson(np.stack([rate_before, rate_after], axis=1))  # client, period
    service = pd.DataFrame(counts.reshape(2 * n, len(SERVICES)), columns=list(SERVICES))
    service.insert(0, "client_id", np.repeat(client_id, 2))
    service.insert(1, "period", np.tile(["before", "after"], n))

    frames = {
        "social_prescribing_clients": clients,
        "social_prescribing_measures": measures,
        "social_prescribing_service_use": service,
    }
    if not truth:
        return frames
    state = {
        "referred": referred, "has_fu": has_fu, "has_base": has_base, "clean": clean,
        "blank_base": blank_base, "blank_fu": blank_fu, "trait": trait, "fu": fu,
        "base_total": base_total, "fallback": fallback,
    }
    return frames, _truth_table(r_truth, state)


def _notes_with_pii(rng) -> list[str]:
    """Six referral notes carrying personal details a redaction step must remove."""
    from .privacy import nhs_number_check_digit

    # NHS Digital reserves 999 000 0000-999 999 9999 for test numbers
    first_nine = pd.Series(rng.integers(0, 10**6, size=16)).map("999{:06d}".format)
    check = nhs_number_check_digit(first_nine)  # <NA> where no valid number exists
    ok = check.notna()
    nhs = (first_nine[ok] + check[ok].astype(str)).tolist()[:2]
    surname = rng.choice(NOTE_SURNAMES, size=3, replace=False)
    first = rng.choice(NOTE_FIRST_NAMES)
    phone = f"07700 900{rng.integers(0, 1000):03d}"  # Ofcom range reserved for drama
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    postcode = (f"EX{rng.choice([1, 2, 4, 5, 6])} {rng.integers(1, 10)}"
                f"{letters[rng.integers(0, 20)]}{letters[rng.integers(0, 20)]}")
    return [
        f"Lonely since bereavement, NHS number {nhs[0][:3]} {nhs[0][3:6]} {nhs[0][6:]} "
        "on the referral form",
        f"Mrs {surname[0]} rang on behalf of her neighbour, isolated since a fall",
        f"Please ring her son on {phone} before visiting, hard of hearing",
        f"New to Exeter, lives alone at {postcode}, would like to meet people",
        f"Wants help with benefit forms, email {first}.{surname[1].lower()}@example.com",
        f"Carer for husband with dementia (NHS no {nhs[1]}), no time for herself",
    ]


def _truth_table(rng, state: dict) -> pd.DataFrame:
    """Realised true effects: observed follow-up minus the expected untreated follow-up."""
    reps = 64
    metric = _metric_table()
    referred, has_fu, has_base = state["referred"], state["has_fu"], state["has_base"]
    blank_base, blank_fu, clean = state["blank_base"], state["blank_fu"], state["clean"]
    trait, fu, base_total = state["trait"], state["fu"], state["base_total"]
    spans = {"swemwbs": slice(0, 7), "ucla": slice(7, 10), "social_inclusion": slice(10, 11),
             "pam": slice(11, 12)}
    rows = []
    for j, key in enumerate(MEASURE_KEYS):
        ok = (has_fu & has_base & clean & ~blank_base[:, spans[key]].any(axis=1)
              & ~blank_fu[:, spans[key]].any(axis=1))
        sel = np.flatnonzero(referred & ok)
        z0 = (trait[np.repeat(sel, reps), j] + SECULAR[j]
              + rng.normal(0, OCCASION_SD, size=len(sel) * reps))
        untreated = _answers(rng, key, z0).sum(axis=1).reshape(len(sel), reps)
        observed = fu[key][sel].sum(axis=1)
        baseline = base_total[sel, j]
        if key == "swemwbs":
            untreated, observed, baseline = (metric[untreated.astype(int)],
                                             metric[observed.astype(int)],
                                             metric[baseline.astype(int)])
        label = {"swemwbs": "SWEMWBS metric", "ucla": "UCLA-3 total",
                 "social_inclusion": "social inclusion", "pam": "PAM score"}[key]
        rows.append({
            "measure": label, "n_referred": len(sel),
            "change_referred": float(np.mean(observed - baseline)),
            "expected_change_untreated": float(np.mean(untreated.mean(axis=1) - baseline)),
            "true_effect": float(np.mean(observed - untreated.mean(axis=1))),
        })
    table = pd.DataFrame(rows)
    table.attrs["fallback_follow_ups"] = state["fallback"]
    return table


def social_prescribing_truth(seed: int | None = None) -> pd.DataFrame:
    """What an evaluation of the ``social_prescribing`` data should recover.

    For referred clients with both questionnaires complete on a measure (and no deliberate
    data-quality problem), the realised true effect is the mean of (observed follow-up
    score - expected follow-up score had the client not been referred), the expectation
    taken over the untreated model with 64 replicate draws.  ``expected_change_untreated``
    is the part of the before/after change due to regression to the mean and secular change.

    Returns
    -------
    DataFrame
        One row per measure: ``measure``, ``n_referred``, ``change_referred`` (uncontrolled
        before/after mean change), ``expected_change_untreated``, ``true_effect``.

    Example
    -------
    >>> truth = social_prescribing_truth().round(2)
    >>> truth[["measure", "change_referred", "expected_change_untreated", "true_effect"]]
                measure  change_referred  expected_change_untreated  true_effect
    0    SWEMWBS metric             2.12                       0.57         1.55
    1      UCLA-3 total            -0.42                      -0.15        -0.27
    2  social inclusion             0.36                       0.07         0.29
    3         PAM score            -0.49                      -1.52         1.03
    """
    rng = np.random.default_rng(DEFAULT_SEED if seed is None else seed)
    return _social_prescribing(rng, truth=True)[1]


@register_dataset(
    "social_prescribing",
    files={
        "social_prescribing_clients":
            "one row per person: group, GP practice, referral, demographics, referral note",
        "social_prescribing_measures":
            "SWEMWBS, UCLA-3, social inclusion and PAM at baseline and follow-up (long)",
        "social_prescribing_service_use":
            "GP, A&E, admissions, outpatient and social care use 12 months before/after",
    },
    description="Wellbeing Exeter-style social prescribing evaluation (synthetic, 2016-2017)",
    dtypes={
        "social_prescribing_clients": _CLIENT_DTYPES,
        "social_prescribing_measures": _MEASURE_DTYPES,
        "social_prescribing_service_use": _SERVICE_DTYPES,
    },
    float_format="%.1f",
)
def _generate_social_prescribing(rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """Wellbeing Exeter-style social prescribing evaluation (the full story: data/README.md).

    1. Clients: 1,500 referred (2016-2017, practices joining in stages) and 600 matched
       comparison clients from the same 11 practices, identified at a comparable low point.
    2. Latent wellbeing per client and measure = stable trait (a general factor plus a
       measure-specific part) - a transient dip at the index date (so regression to the mean
       is real) + occasion noise; answers are rounded, clipped item responses.
    3. Referred clients are first given a pattern of which of the 4 measures improve, with
       exact counts matching the published 85% / 54% / 15%; "responders" (likelier the more
       measures improve) gain a programme effect on the measures they improve on; follow-up
       answers are redrawn (vectorised rejection sampling) until they match the pattern.
    4. Comparison follow-up comes from the same model without any effect, so a
       difference-in-differences recovers :func:`social_prescribing_truth`.
    5. Service use: Poisson-gamma (negative binomial) counts, 12 months before and after.
    """
    return _social_prescribing(rng)


# =============================================================================================
# Workforce Health and Wellbeing Framework diagnostic across a fictional ICS
# =============================================================================================
WORKFORCE_ICS = "Halden Vale Health and Care Partnership"
#: the first element is planned for November 2021 (as A Healthier Future started), then one a month
DIAGNOSTIC_START = "2021-11-01"
#: (code, name, type, lead role, headcount, takes part in the NHS Staff Survey)
WORKFORCE_ORGANISATIONS = (
    ("HV01", "Halden Vale Hospitals NHS Foundation Trust", "Acute trust",
     "Head of staff health and wellbeing", 8400, True),
    ("HV02", "Eastbrook General Hospital NHS Trust", "Acute trust",
     "Wellbeing lead, people directorate", 5200, True),
    ("HV03", "Northfold and Ormsby Hospitals NHS Trust", "Acute trust",
     "Deputy director of people", 6900, True),
    ("HV04", "Halden Vale Community Health NHS Trust", "Community trust",
     "Health and wellbeing manager", 2600, True),
    ("HV05", "Eastbrook Community Services CIC", "Community interest company",
     "People and culture partner", 1300, False),
    ("HV06", "Halden Vale Partnership NHS Foundation Trust", "Mental health trust",
     "Head of occupational health and wellbeing", 3700, True),
    ("HV07", "Ormsby Mental Health NHS Trust", "Mental health trust",
     "Staff wellbeing lead", 2900, True),
    ("HV08", "Vale and Fens Ambulance Service NHS Trust", "Ambulance trust",
     "Head of health, safety and wellbeing", 4100, True),
    ("HV09", "Haldenshire County Council", "County council",
     "Workforce wellbeing officer", 6200, False),
    ("HV10", "Ormsby County Council", "County council",
     "Organisational development manager", 4800, False),
    ("HV11", "Halden Vale GP Federation", "Primary care",
     "Federation wellbeing lead (practice manager)", 900, False),
    ("HV12", "Ormsby Primary Care Alliance", "Primary care",
     "Operations manager", 650, False),
    ("HV13", "Kestrel Hill Hospice", "Hospice", "HR business partner", 320, False),
    ("HV14", "Halden Vale Clinical Commissioning Group", "Commissioner",
     "Head of HR", 410, False),
)
#: staff groups each type of organisation employs (terms of diagnostic.staff_groups())
EMPLOYED_BY_TYPE = {
    "Acute trust": "AfC 1-9; Medical and dental; Bank/temporary",
    "Community trust": "AfC 1-9; Medical and dental; Bank/temporary",
    "Community interest company": "AfC 1-9; Bank/temporary",
    "Mental health trust": "AfC 1-9; Medical and dental; Social care; Bank/temporary",
    "Ambulance trust": "AfC 1-9; Bank/temporary",
    "County council": "Social care; Other pay scales; Bank/temporary",
    "Primary care": "Medical and dental; Other pay scales; Bank/temporary",
    "Hospice": "AfC 1-9; Medical and dental; Bank/temporary",
    "Commissioner": "AfC 1-9; Medical and dental",
}
#: mean maturity (0-4 points) of each element across the system, in framework order: Data
#: insights is a widespread gap, Professional wellbeing support a widespread strength
ELEMENT_MATURITY = (2.7, 2.0, 1.9, 1.8, 2.1, 0.85, 3.3)
ORG_SD, QUESTION_SD, ANSWER_SD = 0.35, 0.25, 0.55
#: planted patterns: (organisation code, element number 0-6) -> latent maturity
PLANTED_MATURITY = {
    ("HV06", 5): 3.5,  # strong on Data insights where most are weak (peer learning)
    ("HV08", 4): 3.5,  # rates itself mature on Environment; staff survey and networks disagree
}
#: the element on which no organisation's evidence covers AfC bands 2-4
NO_BANDS_2_4_ELEMENT = 3  # Managers and leaders
#: organisations that did not finish: code -> elements answered (None = all, with blanks)
PARTIAL = {"HV10": 4, "HV05": None, "HV12": 0}
#: HV05 leaves these questions blank
HV05_BLANKS = ("REL-03", "REL-06", "REL-08", "ENV-02", "ENV-05", "ENV-09", "PWS-02",
               "PWS-05", "PWS-07")
#: days added to the planned completion day (day 5-26 of the planned month): code ->
#: {element number: (low, high)}; 27 days or more always lands after the month's end
LATENESS = {
    "HV03": {3: (27, 40), 4: (27, 40)},
    "HV08": {k: (32, 45) for k in range(2, 7)},
    "HV10": {2: (27, 35), 3: (27, 35)},
    "HV13": {5: (27, 35)},
}
#: probability that a piece of evidence covers each single staff group, by kind of employer
#: columns: AfC 1..9, Medical and dental, Social care, Bank/temporary, Other pay scales
_NHS_GROUPS = (0.02, 0.06, 0.07, 0.07, 0.35, 0.35, 0.30, 0.18, 0.05, 0.30, 0.0, 0.08, 0.0)
GROUP_PROBS = {
    "Acute trust": _NHS_GROUPS,
    "Community trust": _NHS_GROUPS,
    "Community interest company": (0.02, 0.06, 0.07, 0.07, 0.4, 0.4, 0.3, 0.15, 0.03, 0.0,
                                   0.0, 0.1, 0.0),
    "Mental health trust": (0.02, 0.06, 0.07, 0.07, 0.35, 0.35, 0.30, 0.18, 0.05, 0.3, 0.08,
                            0.08, 0.0),
    "Ambulance trust": (0.02, 0.04, 0.08, 0.10, 0.4, 0.4, 0.25, 0.15, 0.04, 0.0, 0.0, 0.05,
                        0.0),
    "County council": (0.0,) * 9 + (0.0, 0.7, 0.12, 0.6),
    "Primary care": (0.0,) * 9 + (0.6, 0.0, 0.1, 0.6),
    "Hospice": (0.02, 0.06, 0.06, 0.06, 0.4, 0.4, 0.3, 0.15, 0.03, 0.2, 0.0, 0.15, 0.0),
    "Commissioner": (0.0, 0.03, 0.05, 0.06, 0.25, 0.3, 0.4, 0.4, 0.1, 0.2, 0.0, 0.0, 0.0),
}
EVIDENCE_SOURCES = (
    ("Employee assistance programme usage report", "Occupational health referral data",
     "Health and wellbeing campaign calendar", "Mental health first aider register",
     "Health check uptake figures"),
    ("Staff network terms of reference", "Civility and respect campaign materials",
     "Team away-day records", "Schwartz rounds attendance", "Freedom to speak up report"),
    ("Appraisal completion figures", "Flexible working policy and request log",
     "Career conversation records", "Exit interview themes", "Recognition scheme nominations"),
    ("Wellbeing conversation training records", "Board paper on staff wellbeing",
     "Leadership programme evaluation", "Manager toolkit and uptake", "Wellbeing guardian report"),
    ("Rest area audit", "Estates walkaround notes", "Staff catering review",
     "Violence and aggression incident data", "Travel and parking survey"),
    ("Sickness absence dashboard", "Staff survey action plan", "People committee workforce report",
     "Occupational health activity data", "Pulse survey results"),
    ("Occupational health service specification", "Psychological support service data",
     "Physiotherapy fast-track referral data", "Chaplaincy and pastoral support records",
     "Post-incident support log"),
)
EVIDENCE_QUALIFIERS = ("", " (reviewed quarterly)", " (2021 figures)", " (board report, 2021)",
                       " (pilot sites only)", " (not yet evaluated)", " (by staff group)")
#: NHS Staff Survey indicators of "We are safe and healthy" used here: (name, unit)
SURVEY_INDICATORS = (
    ("Health and safety climate", "score 0-10"),
    ("Burnout", "score 0-10"),
    ("Negative experiences", "score 0-10"),
    ("Organisation takes positive action on health and wellbeing", "% agreeing"),
)
#: benchmark group of each organisation type taking part in the survey
BENCHMARK_GROUP = {
    "Acute trust": "Acute and acute & community trusts",
    "Community trust": "Community trusts",
    "Mental health trust": "Mental health & learning disability trusts",
    "Ambulance trust": "Ambulance trusts",
}
#: invented national comparators for 2021, (worst, average, best) per indicator in the order of
#: SURVEY_INDICATORS; 2022 is 0.1 point / 2 percentage points lower.  NOT published figures.
SURVEY_NATIONAL_2021 = {
    "Acute and acute & community trusts": ((4.9, 5.9, 6.9), (4.3, 4.9, 5.5), (7.6, 8.0, 8.5),
                                           (42.0, 56.0, 70.0)),
    "Community trusts": ((5.8, 6.5, 7.3), (4.8, 5.3, 5.9), (8.0, 8.4, 8.8), (50.0, 63.0, 75.0)),
    "Mental health & learning disability trusts": ((5.5, 6.3, 7.1), (4.7, 5.2, 5.8),
                                                   (7.7, 8.1, 8.6), (46.0, 60.0, 73.0)),
    "Ambulance trusts": ((3.9, 4.6, 5.4), (3.8, 4.3, 4.8), (7.2, 7.6, 8.0), (28.0, 38.0, 52.0)),
}
#: HV08's position within its benchmark range (0 = worst, 1 = best): bottom quartile
DISSONANT_POSITION = 0.12
STAFF_NETWORKS = ("Race equality network", "Disability and long-term conditions network",
                  "LGBTQ+ network", "Women's network", "Armed forces network", "Carers network")
NETWORK_COMMENTS = (  # per element: (positive, mixed, concerned)
    ("Members value the employee assistance line and the fast physio referrals.",
     "The offer is good on paper but night staff find it hard to use.",
     "Members say they do not know where to go for help with stress."),
    ("Team huddles and the civility campaign have made a difference.",
     "Some teams are supportive, others still tolerate incivility.",
     "Members report bullying that is not dealt with."),
    ("Flexible working requests are usually agreed.",
     "Career conversations happen for some grades but not others.",
     "Members see few development opportunities and feel stuck."),
    ("Line managers ask about wellbeing in one-to-ones.",
     "Senior leaders talk about wellbeing but managers lack time.",
     "Members say managers are not trained to have wellbeing conversations."),
    ("The new rest areas are well used.",
     "Facilities are fine on the main site, poor on smaller sites.",
     "Members say there is nowhere to rest or eat on shift."),
    ("The wellbeing dashboard is shared with the network.",
     "Data are collected but rarely broken down by staff group.",
     "Members never see what happens to survey results."),
    ("Occupational health is responsive and confidential.",
     "Psychological support is good but the waiting list is long.",
     "Members wait weeks for occupational health appointments."),
)
#: what HV08's networks say about Environment (all concerned)
DISSONANT_COMMENTS = (
    "Crews rarely get a proper meal break; rest areas at stations are cramped and some "
    "have no hot water.",
    "Night shift members say there is nowhere to rest at the hospital handover points.",
    "Violence and aggression reports are not followed up; members feel unsafe on some jobs.",
)

_ORG_DTYPES = {"org_code": "str", "organisation": "str", "organisation_type": "str",
               "ics": "str", "lead_role": "str", "headcount": "int64",
               "staff_groups_employed": "str", "staff_survey": "bool", "workbook": "str"}
_ANSWER_DTYPES = {"organisation": "str", "question_id": "str", "answer": "str",
                  "evidence": "str", "staff_groups": "str", "completed_on": "str"}
_SURVEY_DTYPES = {"organisation": "str", "indicator": "str", "year": "int64", "unit": "str",
                  "value": "float64", "responses": "int64", "ics_average": "float64",
                  "benchmark_group": "str", "national_worst": "float64",
                  "national_average": "float64", "national_best": "float64",
                  "higher_is_better": "bool"}
_NETWORK_DTYPES = {"organisation": "str", "element": "str", "network": "str", "stance": "str",
                   "comment": "str"}
WORKBOOK_FOLDER = "diagnostic_workbooks"


def _organisations(n: int) -> pd.DataFrame:
    """The 14 organisations of the ICS, plus generated ones when ``n`` > 14 (benchmarks)."""
    base = list(WORKFORCE_ORGANISATIONS)
    types = [t for _, _, t, *_ in base]
    for i in range(len(base), n):
        kind = types[i % len(types)]
        base.append((None, f"Halden Vale {kind.lower()} {i + 1:03d}", kind, "Wellbeing lead",
                     1000 + 37 * i % 5000, kind in BENCHMARK_GROUP))
    base = base[:n]
    width = 2 if n < 100 else len(str(n))
    orgs = pd.DataFrame(base, columns=["org_code", "organisation", "organisation_type",
                                       "lead_role", "headcount", "staff_survey"])
    orgs["org_code"] = [f"HV{i:0{width}d}" for i in range(1, n + 1)]
    orgs.insert(3, "ics", WORKFORCE_ICS)
    orgs["staff_groups_employed"] = orgs["organisation_type"].map(EMPLOYED_BY_TYPE)
    orgs["workbook"] = WORKBOOK_FOLDER + "/" + orgs["org_code"] + ".xlsx"
    return orgs[list(_ORG_DTYPES)]


def _format_groups(chosen: np.ndarray, base: list[str]) -> np.ndarray:
    """Cell text of staff group choices (rows x single groups): listed ranges written as such."""
    ranges = [("AfC 1-9", list(range(9))), ("AfC 2-4", [1, 2, 3]), ("AfC 5-7", [4, 5, 6]),
              ("AfC 8-9", [7, 8])]
    out = []
    for row in chosen:
        row = row.copy()
        terms = []
        for term, cols in ranges:
            if row[cols].all():
                terms.append((cols[0], term))
                row[cols] = False
        terms += [(j, base[j]) for j in np.flatnonzero(row)]
        out.append("; ".join(t for _, t in sorted(terms)))
    return np.array(out, dtype=object)


def workforce_diagnostic(n_organisations: int = 14, seed: int | None = None
                         ) -> dict[str, pd.DataFrame]:
    """The ``workforce_diagnostic`` data set in memory, optionally with more organisations.

    With the defaults this is exactly the bundled data (``generate("workforce_diagnostic")``).
    More organisations (for benchmarks) cycle through the organisation types; the planted
    patterns concern the first 14.

    Returns
    -------
    dict of str to DataFrame
        ``workforce_organisations``, ``workforce_diagnostic_answers``,
        ``workforce_staff_survey``, ``workforce_staff_networks`` (columns in data/README.md).

    Example
    -------
    >>> frames = workforce_diagnostic()
    >>> {stem: len(df) for stem, df in frames.items()}  # doctest: +NORMALIZE_WHITESPACE
    {'workforce_organisations': 14, 'workforce_diagnostic_answers': 840,
     'workforce_staff_survey': 56, 'workforce_staff_networks': 94}
    >>> len(workforce_diagnostic(30)["workforce_organisations"])
    30
    """
    if n_organisations < 1:
        raise ValueError(f"n_organisations must be at least 1; got {n_organisations}")
    rng = np.random.default_rng(DEFAULT_SEED if seed is None else seed)
    frames = _workforce_frames(rng, n_organisations)
    spec = DATASETS["workforce_diagnostic"]
    return {stem: df.loc[:, list(spec.dtypes[stem])].astype(dict(spec.dtypes[stem]))
            .reset_index(drop=True) for stem, df in frames.items()}


def _workforce_frames(rng: np.random.Generator, n: int) -> dict[str, pd.DataFrame]:
    from .diagnostic import framework, maturity_scale, single_staff_groups, staff_groups

    r_org, r_answer, r_date, r_evidence, r_survey, r_network = rng.spawn(6)
    orgs = _organisations(n)
    q = framework()
    element_names = list(pd.unique(q["element"]))
    n_el, n_q = len(element_names), len(q)
    el_of_q = q["element"].map({e: i for i, e in enumerate(element_names)}).to_numpy()
    codes = orgs["org_code"].to_numpy()
    code_pos = {c: i for i, c in enumerate(codes)}
    planted = {(code_pos[c], k): v for (c, k), v in PLANTED_MATURITY.items() if c in code_pos}

    # ------------------------------------------------------------------ maturity answers
    org_effect = r_org.normal(0, ORG_SD, size=n)
    type_effect = np.where(orgs["organisation_type"].eq("County council").to_numpy()[:, None]
                           & (np.arange(n_el) == 6), -0.6, 0.0)  # councils: no in-house OH
    latent_el = np.asarray(ELEMENT_MATURITY)[None, :] + org_effect[:, None] + type_effect
    for (i, k), value in planted.items():
        latent_el[i, k] = value
    q_effect = r_answer.normal(0, QUESTION_SD, size=n_q)
    z = latent_el[:, el_of_q] + q_effect[None, :] + r_answer.normal(0, ANSWER_SD, size=(n, n_q))
    points = np.clip(np.rint(z), 0, 4).astype(int)

    answered = np.ones((n, n_q), dtype=bool)
    for code, k in PARTIAL.items():
        if code not in code_pos:
            continue
        i = code_pos[code]
        if k is None:
            answered[i] = ~q["question_id"].isin(HV05_BLANKS).to_numpy()
        else:
            answered[i] = el_of_q < k

    # ------------------------------------------------------------------ completion dates
    months = pd.period_range(pd.Period(DIAGNOSTIC_START, freq="M"), periods=n_el, freq="M")
    month_start = months.start_time.to_numpy().astype("datetime64[D]")
    day = r_date.integers(5, 27, size=(n, n_el))
    extra_late = np.zeros((n, n_el), dtype=int)
    for code, lags in LATENESS.items():
        if code in code_pos:
            for k, (lo, hi) in lags.items():
                extra_late[code_pos[code], k] = r_date.integers(lo, hi + 1)
    if n > len(WORKFORCE_ORGANISATIONS):  # generated organisations: now and then late
        rest = slice(len(WORKFORCE_ORGANISATIONS), n)
        late = r_date.random((n - len(WORKFORCE_ORGANISATIONS), n_el)) < 0.1
        extra_late[rest] = np.where(late, r_date.integers(15, 41, size=late.shape), 0)
    element_day = month_start[None, :] + (day + extra_late).astype("timedelta64[D]")
    earlier = np.where(r_date.random((n, n_q)) < 0.3, r_date.integers(1, 11, size=(n, n_q)), 0)
    q_day = element_day[:, el_of_q] - earlier.astype("timedelta64[D]")
    q_day = np.maximum(q_day, month_start[el_of_q][None, :])

    # ------------------------------------------------------------------ evidence and groups
    has_evidence = answered & np.where(points > 0, r_evidence.random((n, n_q)) < 0.9,
                                       r_evidence.random((n, n_q)) < 0.3)
    source_pick = r_evidence.integers(0, 5, size=(n, n_q))
    qualifier = r_evidence.integers(0, len(EVIDENCE_QUALIFIERS), size=(n, n_q))
    sources = np.array(EVIDENCE_SOURCES, dtype=object)[el_of_q[None, :], source_pick]
    notes = sources + np.array(EVIDENCE_QUALIFIERS, dtype=object)[qualifier]
    notes = np.where(points == 0, "Nothing in place yet; discussed at the wellbeing steering "
                                  "group", notes)
    vocab = staff_groups()
    base = single_staff_groups(vocab)
    probs = np.array([GROUP_PROBS[t] for t in orgs["organisation_type"]])  # org x group
    draw = r_evidence.random((n, n_q, len(base))) < probs[:, None, :]
    draw[:, el_of_q == NO_BANDS_2_4_ELEMENT, 1:4] = False  # nobody: AfC 2-4 on this element
    with_groups = has_evidence & (r_evidence.random((n, n_q)) < 0.85)
    none = with_groups & ~draw.any(axis=2)
    favourite = probs.argmax(axis=1)
    oi, qi = np.nonzero(none)
    draw[oi, qi, favourite[oi]] = True
    draw &= with_groups[:, :, None]
    # every other element: bands 2-4 evidence from at least one organisation
    nhs = np.flatnonzero(probs[:, 1:4].sum(axis=1) > 0)
    for k in range(n_el):
        cols = np.flatnonzero(el_of_q == k)
        if k == NO_BANDS_2_4_ELEMENT or draw[:, cols, 1:4].any() or not len(nhs):
            continue
        cand = np.argwhere(with_groups[np.ix_(nhs, cols)])
        i, j = cand[r_evidence.integers(len(cand))]
        draw[nhs[i], cols[j], 1:4] = True
    groups_text = _format_groups(draw.reshape(n * n_q, len(base)), base).reshape(n, n_q)

    labels = maturity_scale()["label"].to_numpy()
    answers = pd.DataFrame({
        "organisation": np.repeat(orgs["organisation"].to_numpy(), n_q),
        "question_id": np.tile(q["question_id"].to_numpy(), n),
        "answer": np.where(answered, labels[points], None).ravel(),
        "evidence": np.where(has_evidence, notes, None).ravel(),
        "staff_groups": np.where(with_groups, groups_text, None).ravel(),
        "completed_on": np.where(answered, np.datetime_as_string(q_day, unit="D"),
                                 None).ravel(),
    })

    # ------------------------------------------------------------------ staff survey
    in_survey = orgs[orgs["staff_survey"]].reset_index(drop=True)
    rows = []
    m = len(in_survey)
    sd_org = np.std(org_effect) if n > 1 else 1.0
    org_z = org_effect[in_survey["org_code"].map(code_pos).to_numpy()] / sd_org
    rate = r_survey.uniform(0.38, 0.55, size=m)
    noise = r_survey.normal(0, 0.08, size=(m, 2, len(SURVEY_INDICATORS)))
    pct_share = r_survey.uniform(0.96, 0.99, size=(m, 2))
    for j, org in in_survey.iterrows():
        group = BENCHMARK_GROUP[org["organisation_type"]]
        dissonant = org["org_code"] == "HV08"
        rr = 0.33 if dissonant else rate[j]
        for y, year in enumerate((2021, 2022)):
            n_resp = int(round(org["headcount"] * (rr + 0.02 * y)))
            for ind, (indicator, unit) in enumerate(SURVEY_INDICATORS):
                worst, avg, best = SURVEY_NATIONAL_2021[group][ind]
                shift = (2.0 if unit.startswith("%") else 0.1) * y
                worst, avg, best = worst - shift, avg - shift, best - shift
                pos = (DISSONANT_POSITION + 0.03 * y if dissonant
                       else np.clip(0.5 + 0.2 * org_z[j] + noise[j, y, ind], 0.05, 0.95))
                value = worst + pos * (best - worst)
                digits = 1 if unit.startswith("%") else 2
                responses = int(round(n_resp * pct_share[j, y])) if unit.startswith("%") \
                    else n_resp
                rows.append({"organisation": org["organisation"], "indicator": indicator,
                             "year": year, "unit": unit, "value": round(float(value), digits),
                             "responses": responses, "benchmark_group": group,
                             "national_worst": worst, "national_average": avg,
                             "national_best": best, "higher_is_better": True})
    survey = pd.DataFrame(rows, columns=[c for c in _SURVEY_DTYPES if c != "ics_average"])
    weighted = (survey["value"] * survey["responses"]).groupby(
        [survey["indicator"], survey["year"]]).transform("sum")
    total = survey.groupby(["indicator", "year"])["responses"].transform("sum")
    survey.insert(6, "ics_average", (weighted / total).round(2))

    # ------------------------------------------------------------------ staff networks
    small = orgs["headcount"].to_numpy() < 1000
    n_networks = np.where(small, r_network.integers(1, 3, size=n), r_network.integers(2, 5,
                                                                                     size=n))
    net_rows = []
    for i in range(n):
        nets = r_network.choice(len(STAFF_NETWORKS), size=n_networks[i], replace=False)
        for w in np.sort(nets):
            n_views = r_network.integers(2, 5)
            els = np.sort(r_network.choice(n_el, size=n_views, replace=False))
            if codes[i] == "HV08" and 4 not in els:
                els = np.sort(np.append(els[1:], 4))
            for k in els:
                feel = latent_el[i, k] + r_network.normal(0, 0.6)
                stance = 0 if feel > 2.6 else (2 if feel < 1.6 else 1)
                comment = NETWORK_COMMENTS[k][stance]
                if codes[i] == "HV08" and k == 4:
                    stance, comment = 2, DISSONANT_COMMENTS[w % len(DISSONANT_COMMENTS)]
                net_rows.append({"organisation": orgs["organisation"].iloc[i],
                                 "element": element_names[k], "network": STAFF_NETWORKS[w],
                                 "stance": ("positive", "mixed", "concerned")[stance],
                                 "comment": comment})
    networks = pd.DataFrame(net_rows, columns=list(_NETWORK_DTYPES))
    return {
        "workforce_organisations": orgs,
        "workforce_diagnostic_answers": answers,
        "workforce_staff_survey": survey,
        "workforce_staff_networks": networks,
    }


def write_workforce_workbooks(frames: dict[str, pd.DataFrame], out_dir) -> list[Path]:
    """Write one diagnostic workbook per organisation (``<org_code>.xlsx``) from the frames.

    ``frames`` is :func:`workforce_diagnostic` (or ``generate("workforce_diagnostic")``); the
    workbooks go into ``out_dir/diagnostic_workbooks/`` in the layout read by
    :func:`wellbeing_lib.diagnostic.load_diagnostic_workbooks`, byte-reproducibly.

    Example
    -------
    >>> import tempfile
    >>> paths = write_workforce_workbooks(workforce_diagnostic(), tempfile.mkdtemp())
    >>> len(paths), paths[0].name, paths[0].parent.name
    (14, 'HV01.xlsx', 'diagnostic_workbooks')
    """
    from .diagnostic import write_diagnostic_workbook

    orgs = frames["workforce_organisations"]
    answers = frames["workforce_diagnostic_answers"]
    folder = Path(out_dir) / WORKBOOK_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    by_org = dict(list(answers.groupby("organisation", sort=False)))
    paths = []
    for org in orgs.itertuples(index=False):
        mine = by_org[org.organisation]
        dates = pd.to_datetime(mine["completed_on"])
        paths.append(write_diagnostic_workbook(
            Path(out_dir) / org.workbook, organisation=org.organisation, answers=mine,
            org_code=org.org_code, organisation_type=org.organisation_type, ics=org.ics,
            lead_role=org.lead_role, started_on=DIAGNOSTIC_START,
            last_updated=dates.max() if dates.notna().any() else None))
    return paths


@register_dataset(
    "workforce_diagnostic",
    files={
        "workforce_organisations":
            "one row per organisation of the fictional ICS: type, diagnostic lead, staff groups",
        "workforce_diagnostic_answers":
            "Health and Wellbeing Framework diagnostic: one row per organisation x question",
        "workforce_staff_survey":
            "NHS Staff Survey-style 'We are safe and healthy' results with ICS and national "
            "comparators",
        "workforce_staff_networks":
            "staff network leads' stance and comment per organisation x element",
    },
    description="Workforce wellbeing diagnostic across a fictional ICS (synthetic, 2021-2022)",
    dtypes={
        "workforce_organisations": _ORG_DTYPES,
        "workforce_diagnostic_answers": _ANSWER_DTYPES,
        "workforce_staff_survey": _SURVEY_DTYPES,
        "workforce_staff_networks": _NETWORK_DTYPES,
    },
    float_format="%.2f",
    extras=write_workforce_workbooks,
    extra_files={f"{WORKBOOK_FOLDER}/": "one diagnostic workbook per organisation "
                                        "(<org_code>.xlsx): cover sheet, a sheet per element"},
)
def _generate_workforce_diagnostic(rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """Workforce wellbeing diagnostic across a fictional ICS (the full story: data/README.md).

    1. 14 organisations; maturity per question = element mean + organisation effect +
       question effect + noise, rounded to the 0-4 scale; two planted organisation x element
       levels (HV06 strong on Data insights, HV08 high on Environment).
    2. 11 organisations answer everything, HV05 leaves 9 questions blank, HV10 stops after 4
       elements, HV12 has not started; element k is finished in month k from November 2021,
       some organisations later (LATENESS).
    3. Evidence notes and the staff groups they cover, by type of employer; nobody covers
       AfC 2-4 on Managers and leaders.
    4. Staff survey (trusts only) placed within invented national ranges, tracking the
       organisation effect, except HV08 (bottom quartile); staff network views follow the
       latent maturity, except HV08's on Environment (concerned).
    """
    return _workforce_frames(rng, len(WORKFORCE_ORGANISATIONS))


# ======================================================================================
# Engagement self-assessment (the NHS England public engagement areas, Dorset-style survey)
# ======================================================================================
# Modelled on the Dorset ICS public engagement self-assessment (October 2018): 57 system
# stakeholders, 46 online through SurveyMonkey and 11 by telephone, free text only ("what
# works well" / "what could be better" for each area).  The areas are those of the package
# table engagement_areas.csv: the source announces ten areas but lists nine, so answers are
# generated for the nine listed.  Every name below starts with SA_ / _sa_.

#: respondents by channel
SA_N_ONLINE, SA_N_TELEPHONE = 46, 11
SA_STAKEHOLDER_TYPES = ("NHS", "Local authority", "Voluntary sector", "Healthwatch",
                        "Public representative")
#: respondents of each stakeholder type (order of SA_STAKEHOLDER_TYPES) by channel
SA_TYPE_COUNTS = {"online": (17, 10, 10, 3, 6), "telephone": (2, 2, 3, 1, 3)}

#: planned share of respondents making a substantive comment, by area:
#: (online "works well", online "could be better", telephone "works well", telephone "could
#: be better").  Exact counts (share x respondents who reached the area, rounded half up) are
#: drawn.  Most good practice: A5 (voluntary sector and Healthwatch), then A3; most scope for
#: improvement: A8 (reaching the unengaged), then A1 (transparency).  By telephone, regular
#: communication draws more criticism and dialogue with representatives more praise.
SA_COMMENT_RATES = {
    "A1": (0.30, 0.78, 0.27, 0.82),
    "A2": (0.45, 0.55, 0.45, 0.55),
    "A3": (0.65, 0.40, 0.45, 0.64),
    "A4": (0.50, 0.50, 0.73, 0.45),
    "A5": (0.85, 0.28, 0.82, 0.27),
    "A6": (0.55, 0.45, 0.55, 0.45),
    "A7": (0.40, 0.62, 0.36, 0.64),
    "A8": (0.22, 0.85, 0.18, 0.91),
    "A9": (0.42, 0.52, 0.36, 0.55),
}
#: online respondents who stopped part-way: each one's last area answered (order 3, 5, 7)
SA_STOPPED_AFTER = (3, 5, 7)
#: chance that a box with nothing planned holds a non-answer ("n/a") instead of nothing
SA_NON_ANSWER_RATE = {"online": 0.12, "telephone": 0.35}
SA_NON_ANSWERS = {"online": ("n/a", "N/A", "Don't know", "Not sure", "Nothing to add", "None",
                             "-"),
                  "telephone": ("No comment", "Nothing to add", "Not sure", "Don't know")}
#: share of online respondents (who reached the end) answering the closing question
SA_OTHER_RATE = 0.35
#: share of online answers typed with curly apostrophes (a phone or word processor)
SA_CURLY_RATE = 0.35
#: personal details added to three online answers, for redaction exercises (phone number in
#: Ofcom's drama range, example.com e-mail, invented councillor)
SA_PII = ("Happy to talk more – ring me on 01632 960417.",
          "Cllr Trewin has championed this at the scrutiny committee.",
          "Please contact me at sam.hext@example.com if it helps.")

SA_COLLECTORS = (("224781456", "Web Link 1"), ("224781903", "Email Invitation 1"))
#: the Custom Data 1 of email invitations: the contact list the stakeholder was on
SA_INVITE_LISTS = ("ICS partnership board", "Engagement leads network", "Patient forum chairs",
                   "Voluntary sector alliance")
SA_INTERVIEWERS = ("Interviewer 1", "Interviewer 2")
SA_SURVEY_START, SA_SURVEY_DAYS = "2018-10-01", 26
SA_FIRST_RESPONDENT_ID = 10_224_510_377

SA_METADATA_HEADERS = ("Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address",
                       "Email Address", "First Name", "Last Name", "Custom Data 1")
SA_TYPE_QUESTION = "Which of these best describes the organisation or group you represent?"
SA_OTHER_QUESTION = ("Is there anything else you would like to tell us about public engagement "
                     "across the ICS?")
SA_SUB_HEADERS = {"strength": "What works well", "improvement": "What could be better"}
SA_NOTE_ASPECTS = {"strength": "works well", "improvement": "could be better"}

#: what people write, by area and aspect: clauses built from the themes of the bundled
#: self-assessment codebook (and a few it does not code, as in real answers)
SA_PHRASES = {
    ("A1", "strength"): (
        "board papers are published and the meetings are held in public",
        "the partnership board meets in open session and anyone can ask a question",
        "there is more openness than there was under the old CCG arrangements",
        "decisions at ICS level are written up clearly in the minutes",
        "the governance papers set out who is accountable for what",
        "the chief executive is very open about the difficult decisions",
    ),
    ("A1", "improvement"): (
        "decisions still feel as if they are made behind closed doors",
        "it isn't clear how decisions are made at place level compared with ICS level",
        "we need more transparency about where the money goes – the £4m transformation fund "
        "was allocated with no public discussion",
        "board papers are long, full of jargon and hard to find on the website",
        "the public only hear about a change once it has already been decided",
        "there is no clear line of accountability across the organisations",
        "nobody tells us the outcome of what we contributed",
        "openness varies a lot between organisations",
    ),
    ("A2", "strength"): (
        "the ICS website now has the vision and the five-year plan in one place",
        "the annual report and the progress updates are clear and readable",
        "performance information is published every month",
        "the summary leaflet of the plan was accessible and well designed",
        "there was good public information about the vision at the launch events",
    ),
    ("A2", "improvement"): (
        "performance data is hard to find and harder to understand",
        "the plans are written in technical language with too many acronyms",
        "information about progress stops after the launch – we hear nothing for months",
        "nothing is published in easy read or in other languages",
        "the website is out of date and difficult to navigate",
        "there is little honest information about where performance is poor",
    ),
    ("A3", "strength"): (
        "the monthly newsletter is really useful",
        "regular updates come through several channels, including social media",
        "the stakeholder bulletin keeps people informed",
        "there is good use of the local press and radio as well as online channels",
        "the communications teams of the partners work well together",
        "being on the mailing list means we get updates straight away",
    ),
    ("A3", "improvement"): (
        "there is a lot of duplication, with the same newsletter coming from three "
        "organisations",
        "communication relies too much on online channels and misses people who are not "
        "digital",
        "updates are irregular and sometimes arrive too late to act on",
        "comms from the different organisations are not joined up",
        "social media is the main channel and many older people don't use it",
    ),
    ("A4", "strength"): (
        "there is regular dialogue with councillors through the health scrutiny committee",
        "the patient forums and PPGs are well supported",
        "lay members bring a real public voice to the board",
        "the citizens' reference group meets regularly and is listened to",
        "elected members are briefed before big announcements",
    ),
    ("A4", "improvement"): (
        "dialogue with representatives is ad hoc rather than systematic",
        "public representatives are often brought in too late, when decisions are made",
        "PPGs are not linked into the wider system at all",
        "the same few patient representatives are asked every time",
        "councillors hear about changes from the press before the forum does",
        "there is no feed back to the forums on what happened next",
    ),
    ("A5", "strength"): (
        "Healthwatch is a genuine partner and is involved from the start",
        "the voluntary sector is treated as a key partner, not an afterthought",
        "Healthwatch and the VCSE alliance helped us hear from people we would never have "
        "reached",
        "voluntary sector partners run the community conversations on behalf of the system",
        "there is a strong partnership with local charities on the engagement work",
        "Healthwatch reports are taken seriously at the board",
        "the third sector forum is a real strength",
    ),
    ("A5", "improvement"): (
        "the voluntary sector is expected to engage people with no funding to do it",
        "small community organisations don't have the capacity to attend every meeting",
        "Healthwatch's budget has been cut by £40,000 this year and it is stretched",
        "charities are sometimes asked to sign off plans that are already decided",
        "short-term funding makes it hard for voluntary groups to plan",
    ),
    ("A6", "strength"): (
        "there is good use of patient experience data and the friends and family test",
        "Healthwatch reports and local surveys are pulled together into one insight report",
        "the public health team shares its intelligence and evidence readily",
        "complaints and PALS feedback are reviewed alongside survey results",
    ),
    ("A6", "improvement"): (
        "there is a lot of insight but it sits in silos and is not shared",
        "we keep asking people the same questions – consultation fatigue is real",
        "existing feedback is not used before new surveys are started",
        "nobody has mapped what insight already exists across the partners",
        "patient experience data is not broken down by community, so we miss the "
        "differences",
    ),
    ("A7", "strength"): (
        "the maternity services redesign was co-produced with parents",
        "there are some good examples of co-design, such as the mental health crisis pathway",
        "citizens were involved early in the community hospitals review",
        "experts by experience help design services from the start",
    ),
    ("A7", "improvement"): (
        "co-production is talked about more than it is done",
        "people are consulted on options that have already been decided, which feels "
        "tokenistic",
        "redesign happens to communities, not with them – we are “done to”",
        "there is no budget or staff time set aside to co-design properly",
        "people should be involved early, before the options are drawn up",
        "co-design is patchy and depends on who leads the project",
    ),
    ("A8", "strength"): (
        "the outreach work with travellers was excellent",
        "Healthwatch went out to food banks and homeless shelters to hear from people",
        "there has been some good work with young people through the youth council",
        "community connectors help reach people in deprived areas",
    ),
    ("A8", "improvement"): (
        "we hear from the same people every time and not from the unengaged",
        "there is very little outreach to young people, ethnic minority communities or people "
        "in deprived areas",
        "seldom heard groups are talked about but not actually reached",
        "events are held in the daytime in town centres, so the people called ‘hard to reach’ "
        "are never reached",
        "too much relies on online surveys that many people never see",
        "there are no translations or easy read materials for people whose first language is "
        "not English",
        "there is no funding for sustained outreach, only one-off events",
        "we need to go to where people are rather than expecting them to come to us",
    ),
    ("A9", "strength"): (
        "social prescribing and community-led projects are empowering people",
        "there is good support for self care, especially for long-term conditions",
        "asset-based community development in two towns is a real strength",
        "the social action projects give people real control",
    ),
    ("A9", "improvement"): (
        "empowerment is a buzzword – people have little real control over services",
        "patients are not given the information they need to manage their own care",
        "community groups want more say and some funding to act themselves",
        "self care is promoted without the support to make it work",
        "power still sits with the organisations, not the community",
    ),
}
#: points made only by telephone (read out by the interviewer's prompts)
SA_TELEPHONE_PHRASES = {
    ("A1", "improvement"): ("could not find out who actually made the decision on the "
                            "community beds",),
    ("A3", "improvement"): ("not everyone is online – letters and the parish magazine still "
                            "matter",
                            "only hears about changes through the local press"),
    ("A4", "strength"): ("the regular meetings with the patient forum are valued",
                         "gets a personal call before big changes, which is appreciated"),
    ("A8", "improvement"): ("rural villages are forgotten, with no outreach beyond the towns",),
}
SA_OPENERS = ("I think ", "In my view ", "Generally ", "On the whole ", "In my experience ",
              "Honestly, ", "From where I sit ")
SA_CLOSERS = {
    "strength": ("Long may it continue.", "This is a real strength.",
                 "Credit to the teams involved.", "It has improved over the last year."),
    "improvement": ("This needs to change.", "It would make a big difference.",
                    "Still a long way to go.", "Hopefully this will improve as the ICS "
                                               "matures."),
}
SA_NOTE_STEMS = ("Feels that ", "Said ", "Thinks ", "Mentioned that ", "")
SA_OTHER_COMMENTS = (
    "Thank you for asking – it's good that the ICS is taking engagement seriously.",
    "The self-assessment itself was rather long.",
    "Engagement needs proper resources if it is going to work.",
    "I would welcome a workshop to discuss the findings.",
    "Please share the results with everyone who took part.",
    "Some of the areas overlap, so I have not repeated myself.",
)
#: words kept capitalised when they start a sentence part
_SA_PROPER = ("Healthwatch", "PPGs", "PALS", "ICS", "NHS", "CCG", "I")

_SA_ANSWER_DTYPES = {
    "respondent_id": "str", "collector_id": "str", "collector": "str", "start_date": "str",
    "end_date": "str", "custom_data_1": "str", "stakeholder_type": "str", "box": "str",
    "area_id": "str", "aspect": "str", "text": "str", "status": "str",
}
_SA_NOTE_DTYPES = {
    "respondent": "str", "stakeholder_type": "str", "interviewer": "str",
    "interview_date": "str", "area": "str", "aspect": "str", "text": "str",
}


def _sa_lower_first(text: str) -> str:
    first = text.split(" ", 1)[0]
    return text if first in _SA_PROPER or first.isupper() else text[:1].lower() + text[1:]


def _sa_upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _sa_pick(rng: np.random.Generator, pool) -> list[str]:
    """One to three distinct clauses from ``pool``."""
    k = min(len(pool), int(rng.choice([1, 2, 3], p=[0.55, 0.35, 0.10])))
    return [pool[i] for i in rng.choice(len(pool), size=k, replace=False)]


def _sa_online_text(rng: np.random.Generator, clauses: list[str], aspect: str) -> str:
    """An online answer: clauses as sentences, sometimes an opener, a closer, curly quotes."""
    first = clauses[0]
    if rng.random() < 0.25:
        first = str(rng.choice(SA_OPENERS)) + _sa_lower_first(first)
    parts = [_sa_upper_first(first)]
    for clause in clauses[1:]:
        parts.append(("; " + _sa_lower_first(clause)) if rng.random() < 0.4
                     else (". " + _sa_upper_first(clause)))
    text = "".join(parts)
    if rng.random() < 0.8:
        text += "."
    if rng.random() < 0.2:
        text += (" " if text.endswith(".") else ". ") + str(rng.choice(SA_CLOSERS[aspect]))
    if rng.random() < SA_CURLY_RATE:
        text = text.replace("'", "’")
    return text


def _sa_note_text(rng: np.random.Generator, clauses: list[str]) -> str:
    """A telephone note: 'Feels that ...; also ...' in the interviewer's words."""
    text = _sa_upper_first(str(rng.choice(SA_NOTE_STEMS)) + _sa_lower_first(clauses[0]))
    for clause in clauses[1:]:
        text += "; also " + _sa_lower_first(clause)
    return text


def _sa_half_up(x: float) -> int:
    return int(np.floor(x + 0.5))


def _self_assessment_frames(rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    areas = load_reference_table("engagement_areas.csv").sort_values("order")
    area_ids = list(areas["area_id"])
    if sorted(area_ids) != sorted(SA_COMMENT_RATES):  # pragma: no cover - table changed
        raise WellbeingError("engagement_areas.csv and SA_COMMENT_RATES name different areas")
    r_people, r_plan, r_text, r_time = rng.spawn(4)
    n_area = len(area_ids)
    channels = {"online": SA_N_ONLINE, "telephone": SA_N_TELEPHONE}

    # ------------------------------------------------------------------ who took part
    types = {c: r_people.permutation(np.repeat(np.array(SA_STAKEHOLDER_TYPES, dtype=object),
                                               SA_TYPE_COUNTS[c])) for c in channels}
    last_area = {c: np.full(n, n_area) for c, n in channels.items()}
    stopped = r_people.choice(SA_N_ONLINE, size=len(SA_STOPPED_AFTER), replace=False)
    last_area["online"][stopped] = SA_STOPPED_AFTER

    # ------------------------------------------------------------------ who comments where
    # planned[c][aspect]: respondents x areas; 1 comment, 0 nothing, -1 not reached
    planned = {}
    for c in channels:
        reached = np.arange(1, n_area + 1)[None, :] <= last_area[c][:, None]
        planned[c] = {}
        for j, aspect in enumerate(("strength", "improvement")):
            grid = np.where(reached, 0, -1)
            for k, area in enumerate(area_ids):
                rate = SA_COMMENT_RATES[area][j + (2 if c == "telephone" else 0)]
                who = np.flatnonzero(reached[:, k])
                chosen = r_plan.choice(who, size=_sa_half_up(rate * len(who)), replace=False)
                grid[chosen, k] = 1
            planned[c][aspect] = grid

    # ------------------------------------------------------------------ online answers
    day = r_time.integers(0, SA_SURVEY_DAYS, size=SA_N_ONLINE)
    second = r_time.integers(8 * 3600, 19 * 3600, size=SA_N_ONLINE)
    start = (np.datetime64(SA_SURVEY_START, "s") + (day * 86400 + second).astype("timedelta64[s]"))
    start = np.sort(start)
    minutes = r_time.integers(6, 36, size=SA_N_ONLINE) + 2 * last_area["online"]
    end = start + (minutes * 60 + r_time.integers(0, 60, size=SA_N_ONLINE)).astype(
        "timedelta64[s]")
    ids = SA_FIRST_RESPONDENT_ID + np.cumsum(r_time.integers(1_500, 90_000, size=SA_N_ONLINE))
    by_email = r_time.random(SA_N_ONLINE) < 0.6
    invite = r_time.integers(0, len(SA_INVITE_LISTS), size=SA_N_ONLINE)
    iso = np.datetime_as_string(start, unit="s")
    iso_end = np.datetime_as_string(end, unit="s")

    boxes = [("stakeholder_type", "", "")] + [
        (f"{a}_{asp}", a, asp) for a in area_ids for asp in ("strength", "improvement")
    ] + [("other_comments", "", "")]
    answers = np.full((SA_N_ONLINE, len(boxes)), None, dtype=object)
    answers[:, 0] = types["online"]
    for i in range(SA_N_ONLINE):
        for k, area in enumerate(area_ids):
            for j, aspect in enumerate(("strength", "improvement")):
                col = 1 + 2 * k + j
                plan = planned["online"][aspect][i, k]
                if plan == 1:
                    clauses = _sa_pick(r_text, SA_PHRASES[(area, aspect)])
                    answers[i, col] = _sa_online_text(r_text, clauses, aspect)
                elif plan == 0 and r_text.random() < SA_NON_ANSWER_RATE["online"]:
                    answers[i, col] = str(r_text.choice(SA_NON_ANSWERS["online"]))
        if last_area["online"][i] == n_area and r_text.random() < SA_OTHER_RATE:
            answers[i, -1] = str(r_text.choice(SA_OTHER_COMMENTS))
    # personal details in three substantive answers (for redaction exercises)
    substantive = np.argwhere(np.vectorize(lambda v: v is not None and len(v) > 20)(
        answers[:, 1:-1]))
    for (i, col), extra in zip(substantive[r_text.choice(len(substantive), size=len(SA_PII),
                                                         replace=False)], SA_PII):
        text = answers[i, 1 + col]
        answers[i, 1 + col] = text + (" " if text.endswith(".") else ". ") + extra

    # status of every box, as the export reader should find it
    filled = np.vectorize(lambda v: v is not None)(answers)
    status = np.where(filled, "answered", "").astype(object)
    question_of = np.array([0] + [1 + k for k in range(n_area) for _ in range(2)]
                           + [n_area + 1])
    for i in range(SA_N_ONLINE):
        for col in np.flatnonzero(~filled[i]):
            same = filled[i, question_of == question_of[col]].any()
            later = filled[i, question_of > question_of[col]].any()
            status[i, col] = "blank" if same else ("skipped" if later else "not_reached")
    collector = np.where(by_email, 1, 0)
    n_box = len(boxes)
    online = pd.DataFrame({
        "respondent_id": np.repeat(ids.astype(str), n_box),
        "collector_id": np.repeat(np.array([c[0] for c in SA_COLLECTORS])[collector], n_box),
        "collector": np.repeat(np.array([c[1] for c in SA_COLLECTORS])[collector], n_box),
        "start_date": np.repeat(np.char.replace(iso.astype(str), "T", " "), n_box),
        "end_date": np.repeat(np.char.replace(iso_end.astype(str), "T", " "), n_box),
        "custom_data_1": np.repeat(np.where(by_email, np.array(SA_INVITE_LISTS, dtype=object)[
            invite], None), n_box),
        "stakeholder_type": np.repeat(types["online"], n_box),
        "box": np.tile([b[0] for b in boxes], SA_N_ONLINE),
        "area_id": np.tile([b[1] or None for b in boxes], SA_N_ONLINE),
        "aspect": np.tile([b[2] or None for b in boxes], SA_N_ONLINE),
        "text": answers.ravel(),
        "status": status.ravel(),
    })

    # ------------------------------------------------------------------ telephone notes
    tel_ids = [f"T{i:02d}" for i in range(1, SA_N_TELEPHONE + 1)]
    tel_day = np.sort(r_time.integers(7, 24, size=SA_N_TELEPHONE))
    tel_date = _iso(SA_SURVEY_START, tel_day)
    interviewer = r_time.integers(0, len(SA_INTERVIEWERS), size=SA_N_TELEPHONE)
    rows = []
    for i in range(SA_N_TELEPHONE):
        for k, area in enumerate(area_ids):
            label = f"{k + 1}. {areas['short_label'].iloc[k]}"
            for aspect in ("strength", "improvement"):
                pool = SA_PHRASES[(area, aspect)] + SA_TELEPHONE_PHRASES.get((area, aspect), ())
                if planned["telephone"][aspect][i, k] == 1:
                    text = _sa_note_text(r_text, _sa_pick(r_text, pool))
                elif r_text.random() < SA_NON_ANSWER_RATE["telephone"]:
                    text = str(r_text.choice(SA_NON_ANSWERS["telephone"]))
                else:
                    text = None
                rows.append({"respondent": tel_ids[i], "stakeholder_type": types["telephone"][i],
                             "interviewer": SA_INTERVIEWERS[interviewer[i]],
                             "interview_date": tel_date[i], "area": label,
                             "aspect": SA_NOTE_ASPECTS[aspect], "text": text})
    notes = pd.DataFrame(rows, columns=list(_SA_NOTE_DTYPES))
    return {"self_assessment_telephone": notes, "self_assessment_online_answers": online}


def _sa_export_rows(answers: pd.DataFrame, *, excel: bool = False) -> list[list]:
    """The SurveyMonkey-style grid (two header rows, then one row per respondent)."""
    areas = load_reference_table("engagement_areas.csv").set_index("area_id")
    boxes = list(pd.unique(answers["box"]))
    h1, h2 = list(SA_METADATA_HEADERS), [""] * len(SA_METADATA_HEADERS)
    for box in boxes:
        if box == "stakeholder_type":
            h1.append(SA_TYPE_QUESTION)
            h2.append("Response")
        elif box == "other_comments":
            h1.append(SA_OTHER_QUESTION)
            h2.append("Open-Ended Response")
        else:
            area_id, aspect = box.split("_", 1)
            a = areas.loc[area_id]
            question = (f"{a['order']}. {str(a['area']).rstrip('.')} – what works well, and "
                        "what could be better?")
            h1.append(question if aspect == "strength" else "")
            h2.append(SA_SUB_HEADERS[aspect])
    wide = answers.pivot(index="respondent_id", columns="box", values="text")
    meta = answers.drop_duplicates("respondent_id").set_index("respondent_id")
    rows = [h1, h2]
    for rid in pd.unique(answers["respondent_id"]):
        m = meta.loc[rid]
        start, end = pd.Timestamp(m["start_date"]), pd.Timestamp(m["end_date"])
        if excel:
            head = [int(rid), int(m["collector_id"]), start.to_pydatetime(), end.to_pydatetime()]
        else:
            head = [rid, m["collector_id"], start.strftime("%m/%d/%Y %I:%M:%S %p"),
                    end.strftime("%m/%d/%Y %I:%M:%S %p")]
        custom = m["custom_data_1"]
        head += ["", "", "", "", "" if pd.isna(custom) else custom]
        body = ["" if pd.isna(v) else v for v in wide.loc[rid, boxes]]
        rows.append(head + body)
    return rows


def write_self_assessment_export(answers: pd.DataFrame, path, *,
                                 encoding: str = "utf-8-sig") -> Path:
    """Write the online self-assessment answers as a SurveyMonkey-style export (CSV or XLSX).

    The layout of SurveyMonkey's "all responses" export with expanded columns: row 1 holds
    ``Respondent ID``, ``Collector ID``, ``Start Date``, ``End Date``, ``IP Address``,
    ``Email Address``, ``First Name``, ``Last Name`` and ``Custom Data 1`` (the last five
    blank or, for ``Custom Data 1``, the invitation list), then the question text over the
    first column of each question; row 2 holds ``Response`` (the stakeholder-type question),
    ``What works well`` / ``What could be better`` under each area, and
    ``Open-Ended Response`` (the closing question).  One row per respondent follows; an
    empty cell is no answer.

    A ``.csv`` file is written with ``\\r\\n`` line endings in ``encoding``: ``"utf-8-sig"``
    (UTF-8 with a byte-order mark, as SurveyMonkey exports) or ``"cp1252"`` (the encoding
    Excel uses when the export is re-saved as "CSV (Comma delimited)" on a UK Windows PC);
    dates as SurveyMonkey writes them (``10/15/2018 09:12:34 AM``, month first).  An ``.xlsx`` file has the question text
    in merged cells over its columns, numbers for the IDs and real date cells, and is
    written byte-reproducibly with :func:`write_xlsx`.

    Parameters
    ----------
    answers : DataFrame
        ``generate("engagement_self_assessment")["self_assessment_online_answers"]``.
    path : str or Path
        ``.csv`` or ``.xlsx``.
    encoding : {"utf-8-sig", "cp1252"}
        Text encoding of a CSV file.

    Example
    -------
    >>> import tempfile, pathlib
    >>> from wellbeing_lib.engagement import read_surveymonkey
    >>> answers = generate("engagement_self_assessment")["self_assessment_online_answers"]
    >>> p = write_self_assessment_export(answers, pathlib.Path(tempfile.mkdtemp()) / "sm.csv",
    ...                                  encoding="cp1252")
    >>> survey = read_surveymonkey(p)
    >>> len(survey.responses), survey.answer_columns[1]
    (46, 'q1_transparency_on_decision_making_ics_what_works_well')
    """
    if encoding not in ("utf-8-sig", "cp1252"):
        raise ValueError(f"encoding must be 'utf-8-sig' or 'cp1252', not {encoding!r}")
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "Sheet"
        rows = _sa_export_rows(answers, excel=True)
        for row in rows:
            sheet.append([None if v == "" else v for v in row])
        h1 = rows[0]
        for col, value in enumerate(h1, start=1):
            if value and col < len(h1) and h1[col] == "" and rows[1][col] != "":
                sheet.merge_cells(start_row=1, start_column=col, end_row=1, end_column=col + 1)
        for row in sheet.iter_rows(min_row=3, min_col=3, max_col=4):
            for cell in row:
                cell.number_format = "mm/dd/yyyy hh:mm:ss AM/PM"
        return write_xlsx(book, path)
    if suffix != ".csv":
        raise ValueError(f"path must end in .csv or .xlsx, not {path.name!r}")
    import csv

    buffer = _stdio.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(_sa_export_rows(answers))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


#: the committed export: UTF-8 with a byte-order mark, as SurveyMonkey writes it
SA_EXPORT_STEM = "self_assessment_online"


def _write_self_assessment_exports(frames: dict[str, pd.DataFrame], out_dir) -> list[Path]:
    answers = frames["self_assessment_online_answers"]
    out = Path(out_dir)
    return [write_self_assessment_export(answers, out / f"{SA_EXPORT_STEM}.csv"),
            write_self_assessment_export(answers, out / f"{SA_EXPORT_STEM}.xlsx")]


@register_dataset(
    "engagement_self_assessment",
    files={
        "self_assessment_telephone":
            "telephone interviewer's notes: one row per respondent (T01-T11) x area x aspect",
        "self_assessment_online_answers":
            "the generator's tidy record of the online answers the SurveyMonkey-style export "
            "is made from (one row per respondent x answer box, with the expected status)",
    },
    description="Ten-area ICS public engagement self-assessment by 57 stakeholders (synthetic, "
                "October 2018 layout)",
    dtypes={"self_assessment_telephone": _SA_NOTE_DTYPES,
            "self_assessment_online_answers": _SA_ANSWER_DTYPES},
    extras=_write_self_assessment_exports,
    extra_files={
        f"{SA_EXPORT_STEM}.csv": "SurveyMonkey-style export of the 46 online answers (two "
                                 "header rows, UTF-8 with BOM, CRLF)",
        f"{SA_EXPORT_STEM}.xlsx": "the same export as an Excel workbook",
    },
)
def _generate_engagement_self_assessment(rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """Public engagement self-assessment by 57 stakeholders (the story: data/README.md).

    1. 46 online and 11 telephone respondents, each of a stakeholder type (SA_TYPE_COUNTS);
       three online respondents stop after area 3, 5 and 7.
    2. For each area, channel and aspect an exact number of respondents (SA_COMMENT_RATES x
       those who reached the area) make a substantive comment; some other boxes hold a
       non-answer ("n/a"), the rest are empty (blank, skipped or not reached).
    3. Comments are one to three clauses from SA_PHRASES (telephone: also
       SA_TELEPHONE_PHRASES) with openers, closers, curly apostrophes (online) or the
       interviewer's "Feels that ..." (telephone); three online answers carry personal
       details.
    """
    return _self_assessment_frames(rng)


__all__ += ["write_self_assessment_export"]


# ======================================================================================
# Engagement dialogue (TONIC-style "what matters to you?" conversation, autumn 2019)
# ======================================================================================
# All names below start with DIALOGUE_ / _dialogue_ so that they never shadow the
# constants of the generators above (AGE_BANDS, ETHNICITIES, ... are theirs).

#: participants by stakeholder type.  TONIC (2019) reports "3,250 people ...; 2,320 members
#: of the public and 936 professional stakeholders" - the parts add up to 3,256, so the
#: headline figure is rounded; the synthetic data keep both parts (3,256 in all).
DIALOGUE_N = {"public": 2320, "professional": 936}

DIALOGUE_CHANNELS = ("telephone interview", "outreach session", "Healthwatch focus group",
                     "online")
#: participants per channel (exact counts) for the public and for professionals
DIALOGUE_CHANNEL_COUNTS = {"public": (880, 690, 90, 660), "professional": (240, 60, 0, 636)}

#: fictional localities of a North East and North Cumbria-like ICS: (name, rural,
#: IMD quintile weights of participants living there (1 = most deprived), share of
#: telephone/online participants)
DIALOGUE_LOCALITIES = (
    ("Tyneford", False, (0.30, 0.24, 0.18, 0.15, 0.13), 0.19),
    ("Wearhaven", False, (0.32, 0.24, 0.18, 0.14, 0.12), 0.15),
    ("Teesmouth", False, (0.38, 0.22, 0.17, 0.12, 0.11), 0.14),
    ("Castleholm", False, (0.08, 0.14, 0.22, 0.26, 0.30), 0.12),
    ("Brackenhurst", False, (0.07, 0.12, 0.20, 0.27, 0.34), 0.10),
    ("Hollinmoor", True, (0.14, 0.24, 0.26, 0.20, 0.16), 0.11),
    ("Fellbeck", True, (0.06, 0.16, 0.30, 0.26, 0.22), 0.10),
    ("Solway Marsh", True, (0.16, 0.26, 0.26, 0.18, 0.14), 0.09),
)

#: the 12 outreach sessions: (session id, locality, community setting, date)
DIALOGUE_OUTREACH = (
    ("OS01", "Tyneford", "community centre", "2019-09-12"),
    ("OS02", "Teesmouth", "food bank", "2019-09-19"),
    ("OS03", "Wearhaven", "library", "2019-09-26"),
    ("OS04", "Fellbeck", "market day stall", "2019-10-03"),
    ("OS05", "Tyneford", "mosque", "2019-10-10"),
    ("OS06", "Castleholm", "leisure centre", "2019-10-15"),
    ("OS07", "Hollinmoor", "village hall lunch club", "2019-10-22"),
    ("OS08", "Teesmouth", "children's centre", "2019-10-29"),
    ("OS09", "Solway Marsh", "church hall", "2019-11-05"),
    ("OS10", "Brackenhurst", "supermarket foyer", "2019-11-12"),
    ("OS11", "Wearhaven", "further education college", "2019-11-19"),
    ("OS12", "Tyneford", "GP practice waiting room", "2019-11-26"),
)
#: relative size of each outreach session (public participants; exact counts are used)
DIALOGUE_OUTREACH_WEIGHTS = (70, 75, 50, 45, 55, 60, 40, 65, 35, 70, 60, 65)

#: seldom-heard group flags (columns of the participants file) and their labels
DIALOGUE_SELDOM_HEARD = {
    "sh_refugee_asylum": "refugees and people seeking asylum",
    "sh_gypsy_roma_traveller": "Gypsy, Roma and Traveller communities",
    "sh_homeless": "people experiencing homelessness",
    "sh_learning_disability": "people with a learning disability",
    "sh_deaf_bsl": "Deaf British Sign Language users",
    "sh_recovery": "people in recovery from drug or alcohol use",
}
#: share of public participants outside the focus groups who belong to each group
DIALOGUE_SELDOM_HEARD_ELSEWHERE = (0.004, 0.002, 0.004, 0.010, 0.004, 0.008)

#: the Healthwatch focus groups: (session id, locality, seldom-heard flag, participants, date)
DIALOGUE_FOCUS_GROUPS = (
    ("FG01", "Tyneford", "sh_refugee_asylum", 11, "2019-09-17"),
    ("FG02", "Fellbeck", "sh_gypsy_roma_traveller", 7, "2019-09-24"),
    ("FG03", "Teesmouth", "sh_homeless", 9, "2019-10-01"),
    ("FG04", "Wearhaven", "sh_learning_disability", 10, "2019-10-08"),
    ("FG05", "Tyneford", "sh_deaf_bsl", 8, "2019-10-16"),
    ("FG06", "Teesmouth", "sh_recovery", 9, "2019-10-24"),
    ("FG07", "Wearhaven", "sh_refugee_asylum", 10, "2019-10-31"),
    ("FG08", "Solway Marsh", "sh_gypsy_roma_traveller", 6, "2019-11-07"),
    ("FG09", "Castleholm", "sh_learning_disability", 9, "2019-11-14"),
    ("FG10", "Tyneford", "sh_homeless", 11, "2019-11-21"),
)

DIALOGUE_AGE_BANDS = ("16-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+")
#: age mix of public participants by channel (telephone, outreach, focus group, online)
DIALOGUE_AGE_BY_CHANNEL = (
    (0.035, 0.075, 0.11, 0.16, 0.20, 0.23, 0.19),
    (0.08, 0.12, 0.14, 0.16, 0.18, 0.18, 0.14),
    (0.15, 0.22, 0.21, 0.17, 0.13, 0.08, 0.04),
    (0.07, 0.16, 0.19, 0.21, 0.19, 0.13, 0.05),
)
DIALOGUE_AGE_PROFESSIONAL = (0.05, 0.22, 0.26, 0.27, 0.18, 0.02, 0.0)
DIALOGUE_SEXES = ("Female", "Male")
DIALOGUE_FEMALE = {"public": 0.63, "professional": 0.74}
DIALOGUE_ETHNICITIES = ("White", "Mixed/Multiple ethnic groups", "Asian/Asian British",
                        "Black/African/Caribbean/Black British", "Other ethnic group")
DIALOGUE_ETHNICITY = {
    "public": (0.962, 0.009, 0.014, 0.006, 0.009),
    "professional": (0.935, 0.010, 0.030, 0.015, 0.010),
    "refugee": (0.05, 0.05, 0.25, 0.40, 0.25),
}
DIALOGUE_SECTORS = ("NHS", "Local authority", "Voluntary and community sector",
                    "Other public service")
DIALOGUE_SECTOR_WEIGHTS = (0.46, 0.20, 0.24, 0.10)
#: IMD quintile weights of professionals' home areas (they live in less deprived areas)
DIALOGUE_IMD_PROFESSIONAL = (0.14, 0.18, 0.22, 0.22, 0.24)
DIALOGUE_DISABILITY = {"public": 0.23, "professional": 0.08}
DIALOGUE_CARER = {"public": 0.12, "professional": 0.14}

#: synthetic population of the area, adults 16+ (invented, ONS-like shares)
DIALOGUE_POPULATION = {
    "age_band": dict(zip(DIALOGUE_AGE_BANDS,
                         (0.135, 0.155, 0.145, 0.165, 0.165, 0.130, 0.105))),
    "sex": {"Female": 0.512, "Male": 0.488},
    "ethnicity": dict(zip(DIALOGUE_ETHNICITIES, (0.934, 0.011, 0.033, 0.010, 0.012))),
    "imd_quintile": {1: 0.31, 2: 0.21, 3: 0.18, 4: 0.16, 5: 0.14},
}

#: chance that a participant raises each code of the bundled wellbeing codebook (public,
#: professional) before the group multipliers below; codebook order
DIALOGUE_CODE_RATES = {
    "social_connection": (0.34, 0.18),
    "community_groups": (0.13, 0.10),
    "loneliness": (0.15, 0.10),
    "looked_after": (0.19, 0.10),
    "support_available": (0.13, 0.15),
    "continuity_of_care": (0.06, 0.09),
    "general_health": (0.22, 0.13),
    "healthy_eating": (0.08, 0.05),
    "sleep": (0.07, 0.08),
    "smoking_alcohol": (0.04, 0.03),
    "mental_health": (0.16, 0.24),
    "mental_health_support": (0.05, 0.07),
    "physical_activity": (0.16, 0.12),
    "self_care": (0.07, 0.26),
    "gp_access": (0.15, 0.06),
    "service_access": (0.06, 0.07),
    "cost_of_living": (0.12, 0.10),
    "digital_apps": (0.05, 0.13),
    "information_advice": (0.06, 0.18),
    "prevention": (0.04, 0.17),
    "unpaid_carers": (0.01, 0.04),
    "work": (0.07, 0.24),
    "purpose_enjoyment": (0.10, 0.06),
    "housing": (0.05, 0.06),
    "green_space": (0.09, 0.04),
}
#: public participants: multipliers by IMD quintile 1..5
DIALOGUE_IMD_EFFECT = {
    "cost_of_living": (2.2, 1.4, 0.9, 0.55, 0.3),
    "housing": (1.8, 1.2, 0.9, 0.65, 0.45),
    "smoking_alcohol": (1.6, 1.2, 1.0, 0.75, 0.55),
    "gp_access": (1.25, 1.1, 1.0, 0.9, 0.8),
    "green_space": (0.7, 0.85, 1.0, 1.2, 1.35),
    "physical_activity": (0.8, 0.9, 1.0, 1.15, 1.25),
}
#: public participants: multipliers by age band (16-24 ... 75+)
DIALOGUE_AGE_EFFECT = {
    "loneliness": (1.3, 0.9, 0.7, 0.75, 1.0, 1.4, 2.1),
    "digital_apps": (1.8, 1.6, 1.3, 1.0, 0.7, 0.45, 0.3),
    "work": (1.6, 1.8, 1.8, 1.6, 1.2, 0.4, 0.1),
    "general_health": (0.6, 0.7, 0.8, 1.0, 1.2, 1.4, 1.5),
    "mental_health": (1.7, 1.4, 1.2, 1.0, 0.8, 0.6, 0.5),
    "continuity_of_care": (0.5, 0.6, 0.8, 1.0, 1.2, 1.5, 1.8),
}
#: public participants: multipliers by channel (telephone, outreach, focus group, online)
DIALOGUE_CHANNEL_EFFECT = {
    "loneliness": (1.2, 1.0, 1.5, 0.8),
    "community_groups": (0.8, 1.7, 1.0, 0.8),
    "social_connection": (1.0, 1.15, 1.0, 0.9),
    "looked_after": (1.0, 1.0, 1.8, 0.9),
    "gp_access": (1.0, 1.0, 1.6, 1.0),
    "service_access": (1.0, 1.0, 3.0, 1.0),
    "information_advice": (0.9, 1.0, 3.0, 1.2),
    "housing": (1.0, 1.0, 2.5, 1.0),
    "digital_apps": (0.6, 0.8, 0.5, 2.4),
}
#: everybody: multiplier for participants living in a rural locality
DIALOGUE_RURAL_EFFECT = {"service_access": 2.5, "green_space": 1.3}
#: public carers raise unpaid caring at this rate (non-carers at DIALOGUE_CODE_RATES)
DIALOGUE_CARER_RATE = 0.32
#: cap on any probability
DIALOGUE_MAX_RATE = 0.85

#: "what matters to you about your wellbeing?" sentences: (codes a careful coder applies,
#: who says it, template, code mentioned only in negated form).  ``{a|b}`` = one of the
#: alternatives; an empty alternative makes a phrase optional.
DIALOGUE_SENTENCES = (
    # ---- social inclusion
    ("social_connection", "public",
     "Seeing my {family|grandchildren|grandkids|friends} {every week|regularly|as often as I "
     "can}.", ""),
    ("social_connection", "public",
     "Having {good friends|family close by|good neighbours} {I can count on|who pop in}.", ""),
    ("social_connection", "public",
     "{Keeping in touch with|Spending time with} {my family|my friends|people around me}.", ""),
    ("social_connection", "public", "Feeling part of the community {where I live|round here}.",
     ""),
    ("social_connection", "public",
     "A sense of belonging{, knowing people on my street|}.", ""),
    ("social_connection", "public",
     "My {family|friends} {mean everything to me|are what keep me going}.", ""),
    ("social_connection", "public",
     "Being able to get together with {friends|family} {for a cuppa|now and again}.", ""),
    ("social_connection", "public",
     "I'm not lonely, {I've got good neighbours|my family pop in|my friends ring me}.",
     "loneliness"),
    ("social_connection", "public",
     "I never feel {isolated|lonely} because my {family|grandchildren} {are close by|visit}.",
     "loneliness"),
    ("social_connection", "professional",
     "People {feeling included|having a sense of belonging} in their community.", ""),
    ("social_connection", "professional",
     "Time with my {family|friends} away from it all.", ""),
    ("social_connection", "professional",
     "Social contact for the {people we see|patients on our lists}, not just {medication|"
     "treatment}.", ""),
    ("community_groups", "public",
     "Going to {my choir|the lunch club|church|the mosque|the men's shed|the coffee morning}"
     "{ each week| on a Tuesday|}.", ""),
    ("community_groups", "public",
     "{Volunteering|Volunteering at the charity shop} gives me {something to do|a reason to "
     "get out}.", ""),
    ("community_groups", "public",
     "The {community centre|local groups|clubs} {round here|in the village} {are a lifeline|"
     "keep me going}.", ""),
    ("community_groups", "public",
     "I go to {art classes|a craft group|a knit and natter group} {at the library|at the "
     "community centre}.", ""),
    ("community_groups", "public",
     "Having a hobby{, like painting or knitting| to keep my mind busy|}.", ""),
    ("community_groups", "public",
     "My faith{ in God| at the mosque|} {is a big part of my life|keeps me strong}.", ""),
    ("community_groups", "professional",
     "Community groups and {voluntary sector partners|clubs} {doing what we can't|reaching "
     "people we don't}.", ""),
    ("community_groups", "professional", "Linking people into local groups and clubs.", ""),
    # ---- loneliness
    ("loneliness", "public",
     "I feel {lonely|isolated|cut off} {since my wife died|since my husband died|most days|"
     "since moving here}.", ""),
    ("loneliness", "public",
     "{Living|Being} on my own {is hard|gets me down|can be hard}{, especially at weekends|"
     ", the evenings are long|}.", ""),
    ("loneliness", "public", "Some days I {have no one to talk to|feel left out}.", ""),
    ("loneliness", "public", "Loneliness{, plain and simple| is the big one for me}.", ""),
    ("loneliness", "public", "I {miss my wife|miss my husband} {terribly|every day}.", ""),
    ("loneliness", "public",
     "Since {my partner passed|the kids moved away}, I've felt very alone.", ""),
    ("loneliness", "public", "{Not feeling|Never feeling} lonely{ or left out|}.", ""),
    ("loneliness service_access", "public",
     "I'm not lonely exactly, but I do feel cut off since the {buses|bus} stopped.", ""),
    ("loneliness", "professional",
     "{Loneliness|Social isolation} {among older people|in our communities} is {huge|a real "
     "problem}.", ""),
    ("loneliness", "professional", "So many of the people we see are {lonely|isolated}.", ""),
    # ---- being looked after
    ("looked_after", "public",
     "Being {listened to|treated with respect|treated with dignity} by {staff|the people who "
     "care for me|the NHS}.", ""),
    ("looked_after", "public",
     "Feeling {cared for|looked after} when I'm {poorly|not well}.", ""),
    ("looked_after", "public", "Staff who {show kindness|have compassion}.", ""),
    ("looked_after", "public",
     "Knowing I'll be looked after {if I get ill|as I get older}.", ""),
    ("looked_after", "public", "Feeling safe {in my own bed|where I live|at night}.", ""),
    ("looked_after", "public", "Kind staff {who listen to me|who have time for me}.", ""),
    ("looked_after", "professional",
     "A person centred approach, {asking people about their lives|not a tick box}.", ""),
    ("looked_after", "professional", "People being treated with dignity{ and respect|}.", ""),
    ("looked_after", "professional",
     "Compassion for {staff|patients} as well as from them.", ""),
    ("support_available", "public",
     "Knowing {there's support|help is there|I can get help} {when I need it|if things go "
     "wrong}.", ""),
    ("support_available", "public",
     "Having someone to call {when things get on top of me|in an emergency}.", ""),
    ("support_available", "public", "My {daughter|son|sister} is always there for me.", ""),
    ("support_available", "public",
     "Support from my {link worker|social worker|key worker} has been {brilliant|a "
     "lifeline}.", ""),
    ("support_available", "professional",
     "{Managers who are supportive|Supportive managers} and a team that has your back.", ""),
    ("support_available", "professional", "Staff getting help early{, before they burn out|}.",
     ""),
    ("support_available", "professional", "Proper support for staff wellbeing.", ""),
    ("continuity_of_care", "public", "Seeing the same nurse {who knows me|each time}.", ""),
    ("continuity_of_care gp_access", "public",
     "Seeing the same {GP|doctor} {who knows my history|each time}.", ""),
    ("continuity_of_care", "public",
     "Not having to {repeat my story|tell my story} {every time|to every new person}.", ""),
    ("continuity_of_care", "public",
     "Care that is joined up{ between the hospital and the council|}.", ""),
    ("continuity_of_care", "professional",
     "Joined up services, so people don't have to keep starting again.", ""),
    ("continuity_of_care", "professional",
     "Better {coordinated|co-ordinated} care between {health and social care|partners}.", ""),
    ("continuity_of_care", "professional",
     "A shared care plan {that follows the person|across services}.", ""),
    # ---- being healthy
    ("general_health", "public",
     "{Staying|Keeping} {well|healthy|fit} {for as long as I can|so I can stay independent}.",
     ""),
    ("general_health", "public",
     "{My diabetes is the main thing|Keeping my blood pressure down|Looking after my heart}.",
     ""),
    ("general_health", "public",
     "Living with {pain|a long term condition|chronic pain}{ every day|}.", ""),
    ("general_health", "public", "Good health{, everything else follows| really}.", ""),
    ("general_health", "public",
     "Being {fit|healthy} enough to {get about|do my own shopping}.", ""),
    ("general_health", "professional", "Keeping people healthy{ and independent|}.", ""),
    ("general_health", "professional",
     "My own physical health{, which suffers with the hours|}.", ""),
    ("healthy_eating", "public", "Eating well{ and cooking from scratch|}.", ""),
    ("healthy_eating", "public", "Getting {fresh fruit and veg|decent food}.", ""),
    ("healthy_eating", "public", "Watching my weight{ and eating healthily|}.", ""),
    ("healthy_eating", "public", "Proper meals{, not just toast|}.", ""),
    ("healthy_eating", "public", "A good diet{ and plenty of water|}.", ""),
    ("healthy_eating", "professional", "Nutrition {for older people|in schools}.", ""),
    ("sleep", "public", "Getting a good night's sleep{, which I rarely do|}.", ""),
    ("sleep", "public", "I'm always {tired|exhausted}{ these days|}.", ""),
    ("sleep", "public", "{Rest|Time to rest} {and relax|when I need it}.", ""),
    ("sleep", "public", "Sleeping better{ would make a big difference|}.", ""),
    ("sleep", "professional", "Staff are exhausted{ after the last few winters|}.", ""),
    ("sleep work", "professional", "Enough rest between shifts.", ""),
    ("smoking_alcohol", "public",
     "{Giving up|Cutting down on} {smoking|the drink|cigarettes}{ for good|}.", ""),
    ("smoking_alcohol", "public",
     "Trying to {stop smoking|quit smoking|cut back on alcohol}.", ""),
    ("smoking_alcohol mental_health", "public",
     "I {drink|smoke} more than I should when I'm stressed.", ""),
    ("smoking_alcohol", "professional",
     "Stop smoking services {in the community|that reach people}.", ""),
    # ---- mental health
    ("mental_health", "public",
     "My mental health{ has been up and down|, if I'm honest| above everything}.", ""),
    ("mental_health", "public", "Feeling less {anxious|stressed} all the time.", ""),
    ("mental_health", "public",
     "{Anxiety|Depression|Low mood} {has been a big thing for me|is my biggest battle}.", ""),
    ("mental_health", "public", "I worry {a lot|about everything}{ these days|}.", ""),
    ("mental_health", "public", "Keeping my {nerves|stress} in check.", ""),
    ("physical_activity", "public",
     "I don't feel {anxious|stressed} any more since I started {walking|swimming}.",
     "mental_health"),
    ("mental_health", "professional", "Staff stress{ and burnout|} is through the roof.", ""),
    ("mental_health work", "professional", "The {emotional|mental} toll of the job.", ""),
    ("mental_health", "professional",
     "The mental wellbeing of {young people|our staff}.", ""),
    ("mental_health_support", "public",
     "{Counselling|Talking therapy} {has helped me|made a real difference}.", ""),
    ("mental_health_support", "public",
     "Getting {to see a counsellor|a therapist} {quickly|sooner}.", ""),
    ("mental_health_support", "public", "The crisis team{ were good to me|}.", ""),
    ("mental_health_support mental_health", "professional",
     "Better mental health services for {young people|adults}.", ""),
    ("mental_health_support service_access", "professional",
     "Quicker access to talking therapies.", ""),
    # ---- physical activity
    ("physical_activity", "public",
     "{Getting out for a walk|Going for walks|Swimming|Going to the gym|Dancing|Yoga|Tai chi|"
     "Playing bowls|Cycling} {every day|a few times a week|when I can}.", ""),
    ("physical_activity", "public",
     "{Keeping active|Staying active|Exercise} {keeps me sane|is important to me}.", ""),
    ("physical_activity", "public",
     "I {look forward to|never miss} my {football|swim|yoga class}.", ""),
    ("physical_activity green_space", "public",
     "{Walks|A walk} by the sea{ with the dog|}.", ""),
    ("physical_activity", "professional",
     "{Encouraging|Getting} people to be more active.", ""),
    ("physical_activity", "professional",
     "Time for {exercise|a walk} at lunchtime{ instead of eating at my desk|}.", ""),
    # ---- self-care
    ("self_care", "public",
     "{Looking after myself|Taking care of myself} {properly|better than I used to}.", ""),
    ("self_care", "public", "Being able to manage my own {condition|health}.", ""),
    ("self_care", "public", "Self-care{ and knowing what I can do myself|}.", ""),
    ("self_care", "public", "Taking responsibility for my own wellbeing.", ""),
    ("self_care", "professional", "Empowering people to self-manage{ their conditions|}.", ""),
    ("self_care", "professional", "Promoting self-care{ in every contact|}.", ""),
    ("self_care", "professional",
     "Staff {training|confidence} to talk about self care.", ""),
    ("self_care", "professional", "Giving people the tools for self management.", ""),
    # ---- access to services
    ("gp_access", "public",
     "{Getting|Being able to get} a GP appointment{ when I need one| without a fight}.", ""),
    ("gp_access", "public",
     "{I can never get an appointment|I never get to see a GP|You can't get through on the "
     "phone at 8am}{ these days|}.", ""),
    ("gp_access", "public", "The waiting {times|lists} are {too long|ridiculous}.", ""),
    ("gp_access", "public",
     "The receptionist {always asks|asks} {too many questions|what's wrong}.", ""),
    ("gp_access", "professional",
     "Pressure on GP appointments{ and waiting lists|}.", ""),
    ("service_access", "public",
     "{Transport round here is|The buses round here are|The buses out here are} {hopeless|"
     "terrible}.", ""),
    ("service_access", "public",
     "Travelling to the hospital{ is a nightmare| without a car}.", ""),
    ("service_access", "public",
     "The bus to the hospital {takes hours|only runs twice a day}.", ""),
    ("service_access", "public",
     "Services {close to home|nearby}, not miles {away|away in town}.", ""),
    ("service_access", "public",
     "{Parking|Wheelchair access} at the {hospital|health centre}.", ""),
    ("service_access", "public",
     "An interpreter {I can rely on|who speaks my language}.", ""),
    ("service_access", "public",
     "{Getting a referral|Being referred} {quicker|without being passed around}.", ""),
    ("service_access", "professional", "{Access to services|Accessible services} in rural areas.",
     ""),
    ("service_access", "professional",
     "{Rural transport|Public transport} {is a barrier|stops people getting to us}.", ""),
    # ---- cost of living
    ("cost_of_living", "public",
     "{Money|Having enough money} {to pay the bills|to get by}.", ""),
    ("cost_of_living", "public",
     "{Heating is a struggle|Energy bills keep going up|The cost of living keeps going up}.",
     ""),
    ("cost_of_living", "public",
     "{Not having enough money|Being skint|Debt} {is the biggest thing|wears you down}.", ""),
    ("cost_of_living", "public",
     "{Universal Credit doesn't stretch|My benefits don't stretch|My benefits barely cover "
     "the essentials}.", ""),
    ("cost_of_living", "public", "I've had to use the food bank{ this year|}.", ""),
    ("cost_of_living", "public", "Everything is so expensive{ now|}.", ""),
    ("cost_of_living mental_health", "public",
     "{Money|Bills} worries {keep me up at night|are constant}.", ""),
    ("cost_of_living", "professional",
     "Poverty{ and debt|} {is the root cause|sits behind so much of what we see}.", ""),
    ("cost_of_living", "professional",
     "Low paid staff {struggling with the cost of living|using food banks}.", ""),
    # ---- digital and apps
    ("digital_apps", "public",
     "{An app|Apps} to {keep track of|remind me about} my {medication|steps}.", ""),
    ("digital_apps", "public",
     "Being able to order prescriptions online.", ""),
    ("digital_apps gp_access", "public", "Being able to book appointments online.", ""),
    ("digital_apps social_connection", "public",
     "{Video calls|WhatsApp|Facetime} with {my family|the grandkids}.", ""),
    ("digital_apps", "public",
     "{I'm not good with computers|I don't do the internet}, so {please don't make "
     "everything online|not everything should be online}.", ""),
    ("digital_apps", "professional",
     "{Apps|Digital tools} that help people track their wellbeing.", ""),
    ("digital_apps", "professional", "Using technology {to reach people|to free up time}.", ""),
    # ---- information and communication
    ("information_advice", "public",
     "{Clear information|Good advice|Knowing what's available} {about what's out there|in "
     "plain English|locally}.", ""),
    ("information_advice", "public",
     "Nobody explains {anything|what's going on}.", ""),
    ("information_advice", "public", "{Leaflets|Posters} in {the library|my language}.", ""),
    ("information_advice", "public",
     "{Advice|Information} {that isn't full of jargon|written for people like me}.", ""),
    ("information_advice", "professional",
     "Personalised messages{, not one size fits all|, not a leaflet for everyone}.", ""),
    ("information_advice self_care", "professional",
     "{Clearer|Better} communication about what self-care means.", ""),
    ("information_advice", "professional",
     "{Campaigns|Health messages} tailored to {different communities|young men}.", ""),
    # ---- prevention
    ("prevention", "public",
     "{Health checks|Screening|Check ups} {to catch things early|so problems get caught "
     "early}.", ""),
    ("prevention", "public",
     "{The flu jab|Vaccinations|Jabs} {every year|for me and my husband}.", ""),
    ("prevention", "public", "Help before it gets worse{, not after|}.", ""),
    ("prevention", "professional",
     "{Prevention|Preventing ill health} {rather than|instead of} {treatment|picking up the "
     "pieces}.", ""),
    ("prevention", "professional",
     "Early intervention{ and prevention|} {with families|in schools}.", ""),
    ("prevention", "professional", "Investing in prevention{, not just crisis care|}.", ""),
    # ---- unpaid carers
    ("unpaid_carers", "public", "I'm a carer for my {mum|husband|son}{ and it's full time|}.",
     ""),
    ("unpaid_carers", "public",
     "{Caring for|Looking after} my {mum|husband|wife|son} takes everything out of me.", ""),
    ("unpaid_carers", "public", "Some respite from my caring role.", ""),
    ("unpaid_carers", "professional",
     "Carers {need recognising|are the hidden workforce}.", ""),
    # ---- work and purpose
    ("work", "public", "{My job|Work|Being in work} {gives me structure|keeps me going}.", ""),
    ("work", "public",
     "{Losing my job|Being out of work|Looking for work} {has knocked me|is hard}.", ""),
    ("work", "public",
     "{Long working hours|Shift work|My workload} {wear me down|leave me drained}.", ""),
    ("work", "public", "Retirement {has been a big change|took some getting used to}.", ""),
    ("work", "professional", "My workload {is unsustainable|keeps going up}.", ""),
    ("work", "professional",
     "{Flexible working|Breaks between shifts|Time with colleagues} {would help|makes a "
     "difference}.", ""),
    ("purpose_enjoyment", "public",
     "{Having a purpose|Something to look forward to|A reason to get up in the morning}"
     "{ each day|}.", ""),
    ("purpose_enjoyment", "public",
     "{Being happy|Enjoying life|Having fun} {with the time I've got|while I can}.", ""),
    ("purpose_enjoyment", "public", "A good laugh{ now and then|}.", ""),
    ("purpose_enjoyment", "public", "Feeling contented.", ""),
    ("purpose_enjoyment work", "professional", "Work that feels meaningful.", ""),
    ("purpose_enjoyment work", "professional", "Having fun at work.", ""),
    # ---- home and environment
    ("housing", "public", "A {warm|safe|decent} home.", ""),
    ("housing", "public",
     "{Damp and mould|The damp} in my {flat|house} {is making us ill|never gets sorted}.", ""),
    ("housing", "public", "My landlord {won't fix anything|takes no notice}.", ""),
    ("housing", "public", "Secure housing{ that isn't temporary|}.", ""),
    ("housing", "professional", "{Housing|Poor housing} {is a health issue|affects everything}.",
     ""),
    ("green_space", "public",
     "Getting {outside|outdoors|into the countryside|down to the beach}{ in the fresh air| "
     "every day|}.", ""),
    ("green_space", "public", "{My garden|The park|Nature} keeps me sane.", ""),
    ("green_space", "public", "Green spaces{ where I live|}.", ""),
    ("green_space", "professional",
     "{Safe parks|Green space} {on people's doorsteps|in deprived areas}.", ""),
    # ---- what a careful reader codes but the bundled codebook misses (or codes wrongly)
    ("social_connection", "public", "My {mates|pals} down the pub{ on a Friday|}.", ""),
    ("loneliness", "public",
     "Nobody {ever calls round|knocks on my door} {any more|these days}.", ""),
    ("mental_health", "public",
     "My head's {all over the place|been a mess} {lately|since last year}.", ""),
    ("cost_of_living", "public",
     "{Making ends meet|Keeping my head above water}{ each month|}.", ""),
    ("purpose_enjoyment", "public", "Feeling useful{ to someone|}.", ""),
    ("self_care", "public", "Doing what I can for myself{ before I ask anyone|}.", ""),
    ("sleep", "public", "I'm fit to drop by the end of the day.", ""),
    ("looked_after", "public", "A doctor who {listens|actually listens}.", ""),
    ("physical_activity green_space", "public", "Getting up the fells keeps me moving.", ""),
    ("information_advice", "public", "Nobody {tells you|told me} what help there is.", ""),
    ("gp_access", "public",
     "Ringing at eight and being {thirtieth|number 30} in the queue.", ""),
    ("work", "public", "I can't wait to retire{, to be honest|}.", ""),
    ("work", "professional", "The pressure on the wards{ never lets up|}.", ""),
    ("mental_health", "professional", "Staff {burnout|running on empty}{ is everywhere|}.", ""),
    ("prevention", "professional", "Stopping problems {before they start|upstream}.", ""),
)
DIALOGUE_OPENERS = ("Lots of things really.", "That's a good question.",
                    "Hard to put into words.", "A few things come to mind.")
DIALOGUE_CLOSERS = ("That's about it.", "Thanks for asking.", "That's the main thing for me.")
DIALOGUE_NON_ANSWERS = ("Not sure.", "Don't know really.", "No comment.",
                        "Can't think of anything.")

#: how many answers carry personal details (for redaction exercises)
DIALOGUE_N_PII = 10
DIALOGUE_SURNAMES = ("Armstrong", "Charlton", "Robson", "Milburn", "Hetherington", "Routledge",
                     "Dodd", "Elliott")
DIALOGUE_FIRST_NAMES = ("joan", "brenda", "alan", "ken", "maureen", "derek")

#: second-coder reliability sample and the two coders' behaviour
DIALOGUE_QUESTION = "what_matters"
DIALOGUE_N_RELIABILITY = 300
DIALOGUE_CODERS = ("Coder A", "Coder B")
#: P(coder applies a code the answer carries) for each coder; lower for fuzzier codes
DIALOGUE_CODER_SENSITIVITY = (0.92, 0.85)
DIALOGUE_FUZZY_CODES = {"support_available": 0.88, "looked_after": 0.9,
                        "purpose_enjoyment": 0.86, "general_health": 0.9,
                        "information_advice": 0.88, "community_groups": 0.92}
#: P(coder applies a code the answer does not carry): anywhere, when a neighbouring code
#: is present, and when the code is mentioned only in negated form ("I'm not lonely")
DIALOGUE_CODER_FALSE = (0.004, 0.008)
DIALOGUE_CODER_NEIGHBOUR = (0.03, 0.07)
DIALOGUE_CODER_NEGATED = (0.15, 0.45)
DIALOGUE_NEIGHBOURS = (("looked_after", "support_available"),
                       ("mental_health", "mental_health_support"),
                       ("social_connection", "community_groups"),
                       ("social_connection", "loneliness"),
                       ("general_health", "self_care"), ("gp_access", "service_access"),
                       ("purpose_enjoyment", "work"), ("information_advice", "prevention"))

_DIALOGUE_PARTICIPANT_DTYPES = {
    "respondent": "str", "stakeholder_type": "str", "sector": "str", "channel": "str",
    "session_id": "str", "date": "str", "locality": "str", "rural": "bool", "age_band": "str",
    "sex": "str", "ethnicity": "str", "imd_quintile": "int64", "disability": "bool",
    "carer": "bool", **{flag: "bool" for flag in DIALOGUE_SELDOM_HEARD},
    "seldom_heard": "bool", "reliability_sample": "bool", DIALOGUE_QUESTION: "str",
}
_DIALOGUE_POPULATION_DTYPES = {"variable": "str", "category": "str", "share": "float64",
                               "source": "str", "year": "int64"}
_DIALOGUE_CODING_DTYPES = {"respondent": "str", "question": "str", "code": "str",
                           "coder": "str"}
_DIALOGUE_ALTERNATIVES = re.compile(r"\{([^{}]*)\}")


def _dialogue_expand(template: str) -> list[str]:
    """Every sentence a template can make: ``"a {b|c}."`` -> ``["a b.", "a c."]``."""
    parts = _DIALOGUE_ALTERNATIVES.split(template)
    literals, choices = parts[0::2], [p.split("|") for p in parts[1::2]]
    out = []
    for combo in itertools.product(*choices):
        text = literals[0] + "".join(c + lit for c, lit in zip(combo, literals[1:]))
        out.append(re.sub(r" {2,}", " ", text).strip())
    return out


def dialogue_sentences() -> pd.DataFrame:
    """The sentence bank of the ``engagement_dialogue`` answers, one row per sentence.

    Columns: ``template`` (its number in ``DIALOGUE_SENTENCES``), ``primary_code`` (the
    code the sentence is chosen for), ``codes`` (space-separated codes a careful coder
    applies), ``who`` (public / professional), ``negated`` (a code mentioned only in
    negated form, e.g. "I'm not lonely"), ``sentence``.  Useful to check a codebook against
    known answers.

    Example
    -------
    >>> bank = dialogue_sentences()
    >>> bank.loc[bank["negated"] == "loneliness", "sentence"].iloc[0]
    "I'm not lonely, I've got good neighbours."
    """
    rows = []
    for t, (codes, who, template, negated) in enumerate(DIALOGUE_SENTENCES):
        for sentence in _dialogue_expand(template):
            rows.append((t, codes.split()[0], codes, who, negated, sentence))
    return pd.DataFrame(rows, columns=["template", "primary_code", "codes", "who", "negated",
                                       "sentence"])


def _dialogue_pick(rng, probs, n_rows: int) -> np.ndarray:
    """Category index per row from one probability vector."""
    return rng.choice(len(probs), size=n_rows, p=np.asarray(probs) / np.sum(probs))


def _dialogue_people(rng: np.random.Generator) -> pd.DataFrame:
    """Who took part: type, channel, session, locality, date and characteristics."""
    rows = []
    for kind in ("public", "professional"):
        counts = DIALOGUE_CHANNEL_COUNTS[kind]
        rows.append(pd.DataFrame({
            "stakeholder_type": kind,
            "channel": np.repeat(np.array(DIALOGUE_CHANNELS), counts),
        }))
    people = pd.concat(rows, ignore_index=True)
    n = len(people)
    public = (people["stakeholder_type"] == "public").to_numpy()
    channel = pd.Index(DIALOGUE_CHANNELS).get_indexer(people["channel"])
    loc_names = np.array([x[0] for x in DIALOGUE_LOCALITIES])
    loc_index = {name: i for i, name in enumerate(loc_names)}

    # sessions: outreach (public and professional) and Healthwatch focus groups (public)
    session = np.full(n, None, dtype=object)
    locality = _dialogue_pick(rng, [x[3] for x in DIALOGUE_LOCALITIES], n)
    day = rng.integers(0, 89, size=n)  # 2 September - 29 November 2019
    date = _iso("2019-09-02", day).astype(object)
    flag_of = np.full(n, None, dtype=object)
    for kind, weights in (("public", DIALOGUE_OUTREACH_WEIGHTS),
                          ("professional", np.ones(len(DIALOGUE_OUTREACH)))):
        who = np.flatnonzero((channel == 1) & (public == (kind == "public")))
        sizes = _exact_counts(np.asarray(weights) / np.sum(weights), len(who))
        sid = np.repeat(np.arange(len(DIALOGUE_OUTREACH)), sizes)
        session[who] = np.array([s[0] for s in DIALOGUE_OUTREACH], dtype=object)[sid]
        locality[who] = [loc_index[DIALOGUE_OUTREACH[k][1]] for k in sid]
        date[who] = np.array([s[3] for s in DIALOGUE_OUTREACH], dtype=object)[sid]
    who = np.flatnonzero(channel == 2)
    sizes = [g[3] for g in DIALOGUE_FOCUS_GROUPS]
    if sum(sizes) != len(who):  # pragma: no cover - constants out of step
        raise WellbeingError("focus group sizes do not add up to the focus-group count")
    gid = np.repeat(np.arange(len(DIALOGUE_FOCUS_GROUPS)), sizes)
    session[who] = np.array([g[0] for g in DIALOGUE_FOCUS_GROUPS], dtype=object)[gid]
    locality[who] = [loc_index[DIALOGUE_FOCUS_GROUPS[k][1]] for k in gid]
    date[who] = np.array([g[4] for g in DIALOGUE_FOCUS_GROUPS], dtype=object)[gid]
    flag_of[who] = np.array([g[2] for g in DIALOGUE_FOCUS_GROUPS], dtype=object)[gid]

    # characteristics
    age = np.empty(n, dtype=np.int64)
    for c in range(len(DIALOGUE_CHANNELS)):
        sel = np.flatnonzero(public & (channel == c))
        age[sel] = _dialogue_pick(rng, DIALOGUE_AGE_BY_CHANNEL[c], len(sel))
    age[~public] = _dialogue_pick(rng, DIALOGUE_AGE_PROFESSIONAL, int((~public).sum()))
    female = rng.random(n) < np.where(public, DIALOGUE_FEMALE["public"],
                                      DIALOGUE_FEMALE["professional"])
    ethnicity = np.where(public, _dialogue_pick(rng, DIALOGUE_ETHNICITY["public"], n),
                         _dialogue_pick(rng, DIALOGUE_ETHNICITY["professional"], n))
    imd_w = np.array([x[2] for x in DIALOGUE_LOCALITIES])[locality]
    imd = (imd_w.cumsum(axis=1) < rng.random((n, 1))).sum(axis=1) + 1
    imd = np.where(public, imd, _dialogue_pick(rng, DIALOGUE_IMD_PROFESSIONAL, n) + 1)
    disability = rng.random(n) < np.where(public, DIALOGUE_DISABILITY["public"],
                                          DIALOGUE_DISABILITY["professional"])
    carer = rng.random(n) < np.where(public, DIALOGUE_CARER["public"],
                                     DIALOGUE_CARER["professional"])
    sector = np.where(public, None, np.array(DIALOGUE_SECTORS, dtype=object)[
        _dialogue_pick(rng, DIALOGUE_SECTOR_WEIGHTS, n)])

    # seldom-heard groups: everyone in a focus group, a few elsewhere
    flags = {}
    draws = rng.random((n, len(DIALOGUE_SELDOM_HEARD)))
    for k, flag in enumerate(DIALOGUE_SELDOM_HEARD):
        flags[flag] = (flag_of == flag) | (public & (channel != 2)
                                           & (draws[:, k] < DIALOGUE_SELDOM_HEARD_ELSEWHERE[k]))
    refugee = flags["sh_refugee_asylum"]
    ethnicity[refugee] = _dialogue_pick(rng, DIALOGUE_ETHNICITY["refugee"], int(refugee.sum()))
    ethnicity[flags["sh_gypsy_roma_traveller"]] = 0  # recorded as White in the ONS groups
    disability |= flags["sh_learning_disability"] | flags["sh_deaf_bsl"]
    deprived = flags["sh_homeless"] | flags["sh_recovery"]
    imd[deprived] = np.where(rng.random(int(deprived.sum())) < 0.8, 1, 2)
    female[flags["sh_homeless"]] = rng.random(int(flags["sh_homeless"].sum())) < 0.3

    people["sector"] = sector
    people["session_id"] = session
    people["date"] = date
    people["locality"] = loc_names[locality]
    people["rural"] = np.array([x[1] for x in DIALOGUE_LOCALITIES])[locality]
    people["age_band"] = np.array(DIALOGUE_AGE_BANDS)[age]
    people["sex"] = np.where(female, "Female", "Male")
    people["ethnicity"] = np.array(DIALOGUE_ETHNICITIES)[ethnicity]
    people["imd_quintile"] = imd
    people["disability"] = disability
    people["carer"] = carer
    for flag, values in flags.items():
        people[flag] = values
    people["seldom_heard"] = np.column_stack(list(flags.values())).any(axis=1)
    # one row per participant in date order; identifiers follow that order
    people["_tie"] = rng.random(n)
    people = people.sort_values(["date", "_tie"], kind="stable").drop(columns="_tie")
    people = people.reset_index(drop=True)
    people.insert(0, "respondent", [f"R{i:04d}" for i in range(1, n + 1)])
    return people


def _dialogue_rates(people: pd.DataFrame) -> np.ndarray:
    """participants x codes probability of raising each code (the design)."""
    codes = list(DIALOGUE_CODE_RATES)
    public = (people["stakeholder_type"] == "public").to_numpy()
    base = np.array(list(DIALOGUE_CODE_RATES.values()))  # codes x (public, professional)
    p = np.where(public[:, None], base[:, 0], base[:, 1])
    imd = people["imd_quintile"].to_numpy() - 1
    age = pd.Index(DIALOGUE_AGE_BANDS).get_indexer(people["age_band"])
    channel = pd.Index(DIALOGUE_CHANNELS).get_indexer(people["channel"])
    rural = people["rural"].to_numpy()
    for table, index in ((DIALOGUE_IMD_EFFECT, imd), (DIALOGUE_AGE_EFFECT, age),
                         (DIALOGUE_CHANNEL_EFFECT, channel)):
        for code, mult in table.items():
            j = codes.index(code)
            p[:, j] *= np.where(public, np.asarray(mult)[index], 1.0)
    for code, mult in DIALOGUE_RURAL_EFFECT.items():
        p[:, codes.index(code)] *= np.where(rural, mult, 1.0)
    carer = public & people["carer"].to_numpy()
    p[carer, codes.index("unpaid_carers")] = DIALOGUE_CARER_RATE
    return np.minimum(p, DIALOGUE_MAX_RATE)


def _dialogue_answers(rng: np.random.Generator, people: pd.DataFrame):
    """Free-text answers and what a careful coder would code in each (truth, negated)."""
    codes = list(DIALOGUE_CODE_RATES)
    n, k = len(people), len(codes)
    code_pos = {c: j for j, c in enumerate(codes)}
    bank = dialogue_sentences()
    sentences = bank["sentence"].to_numpy(dtype=object)
    public = (people["stakeholder_type"] == "public").to_numpy()

    p = _dialogue_rates(people)
    raised = rng.random((n, k)) < p
    # about half of those who raised nothing get one code anyway
    none = ~raised.any(axis=1) & (rng.random(n) < 0.5)
    rows = np.flatnonzero(none)
    pick = (p[rows].cumsum(axis=1) / p[rows].sum(axis=1, keepdims=True)
            < rng.random((len(rows), 1))).sum(axis=1)
    raised[rows, pick] = True

    neg_code = np.array([code_pos.get(neg, -1) for _, _, _, neg in DIALOGUE_SENTENCES])
    first = bank.groupby("template")["sentence"].apply(lambda s: s.index[0])
    size = bank.groupby("template").size()
    chosen = np.full((n, k), -1, dtype=np.int64)  # sentence row in the bank
    for j, code in enumerate(codes):  # over codes, vectorised over participants
        for kind, sel in (("public", public), ("professional", ~public)):
            who = np.flatnonzero(raised[:, j] & sel)
            templates = np.sort(pd.unique(bank.loc[(bank["primary_code"] == code)
                                                   & (bank["who"] == kind), "template"]))
            if len(who) == 0:
                continue
            if len(templates) == 0:  # pragma: no cover - every code has both kinds
                raise WellbeingError(f"no {kind} sentence for code {code}")
            t = templates[rng.integers(0, len(templates), size=len(who))]
            # a negated mention ("I'm not lonely") only from people who do not raise it
            clash = raised[who, neg_code[t]] & (neg_code[t] >= 0)
            plain = templates[neg_code[templates] < 0]
            t[clash] = plain[rng.integers(0, len(plain), size=int(clash.sum()))]
            chosen[who, j] = first[t].to_numpy() + np.floor(
                rng.random(len(who)) * size[t].to_numpy()).astype(np.int64)

    truth = np.zeros((n, k), dtype=bool)
    negated = np.zeros((n, k), dtype=bool)
    code_sets = [[code_pos[c] for c in s.split()] for s in bank["codes"]]
    neg_of = np.array([code_pos.get(c, -1) for c in bank["negated"]])
    rr, jj = np.nonzero(chosen >= 0)
    for r, s in zip(rr, chosen[rr, jj]):  # over chosen sentences (about 3 per answer)
        truth[r, code_sets[s]] = True
    neg_rows = neg_of[chosen[rr, jj]] >= 0
    negated[rr[neg_rows], neg_of[chosen[rr, jj]][neg_rows]] = True
    negated &= ~truth

    # sentence order: random; then openers, closers and non-answers
    keys = np.where(chosen >= 0, rng.random((n, k)), np.inf)
    order = np.argsort(keys, axis=1, kind="stable")
    ordered = np.take_along_axis(chosen, order, axis=1)
    text = np.full(n, "", dtype=object)
    for col in range(k):
        s = ordered[:, col]
        text = np.where(s >= 0, text + " " + sentences[np.maximum(s, 0)], text)
    opener = rng.random(n) < 0.12
    closer = rng.random(n) < 0.08
    text = np.where(opener, np.array(DIALOGUE_OPENERS, dtype=object)[
        rng.integers(0, len(DIALOGUE_OPENERS), n)] + text, text)
    text = np.where(closer, text + " " + np.array(DIALOGUE_CLOSERS, dtype=object)[
        rng.integers(0, len(DIALOGUE_CLOSERS), n)], text)
    empty = ~truth.any(axis=1)
    text = np.where(empty, np.array(DIALOGUE_NON_ANSWERS, dtype=object)[
        rng.integers(0, len(DIALOGUE_NON_ANSWERS), n)], text)
    text = pd.Series(text, dtype="str").str.strip()
    # some online answers typed in lower case without the final full stop
    online = (people["channel"] == "online").to_numpy()
    lower = online & (rng.random(n) < 0.15)
    text[lower] = text[lower].str.lower().str.rstrip(".")
    return text, truth, negated


def _dialogue_pii(rng: np.random.Generator) -> list[str]:
    """Ten sentences carrying personal details (all invented; test ranges where they exist)."""
    from .privacy import nhs_number_check_digit

    first_nine = pd.Series(rng.integers(0, 10**6, size=16)).map("999{:06d}".format)
    check = nhs_number_check_digit(first_nine)
    ok = check.notna()
    nhs = (first_nine[ok] + check[ok].astype(str)).tolist()[:2]
    surname = rng.choice(DIALOGUE_SURNAMES, size=5, replace=False)
    first = rng.choice(DIALOGUE_FIRST_NAMES, size=2, replace=False)
    mobile = [f"07700 900{x:03d}" for x in rng.choice(1000, size=2, replace=False)]
    landline = f"0191 498 0{rng.integers(0, 1000):03d}"  # Ofcom drama range, Tyneside
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    postcodes = [f"{area}{rng.integers(1, 10)} {rng.integers(1, 10)}"
                 f"{letters[rng.integers(0, 20)]}{letters[rng.integers(0, 20)]}"
                 for area in ("NE", "DH")]
    return [
        f"You can email me at {first[0]}.{surname[0].lower()}@example.com if you want more.",
        f"My NHS number is {nhs[0][:3]} {nhs[0][3:6]} {nhs[0][6:]} in case you need it.",
        f"Ring me on {mobile[0]}, I'm in most days.",
        f"Mrs {surname[1]} from across the road takes me shopping.",
        f"Post anything to me at {postcodes[0]} please.",
        f"Contact my daughter on {landline} if I don't answer.",
        f"My husband's NHS number is {nhs[1]} if you need it.",
        f"Dr {surname[2]} at the practice knows all about it.",
        f"Email {first[1]}{rng.integers(10, 100)}@example.com or text {mobile[1]}.",
        f"Mr {surname[3]} at {postcodes[1]} has my spare key.",
    ]


def _dialogue_codings(rng: np.random.Generator, people: pd.DataFrame, truth: np.ndarray,
                      negated: np.ndarray) -> tuple[np.ndarray, pd.DataFrame]:
    """Two coders' coding of a random sample of answers: a tidy coding table."""
    codes = np.array(list(DIALOGUE_CODE_RATES), dtype=object)
    n, k = truth.shape
    sample = np.sort(rng.choice(n, size=DIALOGUE_N_RELIABILITY, replace=False))
    t, neg = truth[sample], negated[sample]
    neighbour = np.zeros_like(t)
    pos = {c: j for j, c in enumerate(codes)}
    for a, b in DIALOGUE_NEIGHBOURS:
        neighbour[:, pos[a]] |= t[:, pos[b]]
        neighbour[:, pos[b]] |= t[:, pos[a]]
    fuzzy = np.array([DIALOGUE_FUZZY_CODES.get(c, 1.0) for c in codes])
    parts = []
    for c, coder in enumerate(DIALOGUE_CODERS):
        hit = rng.random(t.shape) < DIALOGUE_CODER_SENSITIVITY[c] * fuzzy
        false = np.where(neg, DIALOGUE_CODER_NEGATED[c],
                         np.where(neighbour, DIALOGUE_CODER_NEIGHBOUR[c],
                                  DIALOGUE_CODER_FALSE[c]))
        applied = np.where(t, hit, rng.random(t.shape) < false)
        r, j = np.nonzero(applied)
        parts.append(pd.DataFrame({"respondent": people["respondent"].to_numpy()[sample][r],
                                   "question": DIALOGUE_QUESTION, "code": codes[j],
                                   "coder": coder, "_j": j}))
    codings = pd.concat(parts, ignore_index=True)
    codings = codings.sort_values(["respondent", "coder", "_j"], kind="stable")
    return sample, codings.drop(columns="_j").reset_index(drop=True)


def _dialogue_population() -> pd.DataFrame:
    rows = [{"variable": var, "category": str(cat), "share": share,
             "source": "synthetic: invented ONS-like shares of adults (16+) for a North East "
                       "and North Cumbria-like ICS", "year": 2019}
            for var, cats in DIALOGUE_POPULATION.items() for cat, share in cats.items()]
    return pd.DataFrame(rows)


def _dialogue_frames(rng: np.random.Generator, *, truth: bool = False):
    r_people, r_text, r_pii, r_coders = rng.spawn(4)
    people = _dialogue_people(r_people)
    text, planted, negated = _dialogue_answers(r_text, people)
    # personal details: appended to ten public answers that have something to say
    public = (people["stakeholder_type"] == "public").to_numpy() & planted.any(axis=1)
    pii_rows = np.sort(r_pii.choice(np.flatnonzero(public), DIALOGUE_N_PII, replace=False))
    details = pd.Series(_dialogue_pii(r_pii), index=pii_rows, dtype="str")
    text.iloc[pii_rows] = text.iloc[pii_rows].str.rstrip(".") + ". " + details.to_numpy()
    sample, codings = _dialogue_codings(r_coders, people, planted, negated)
    people["reliability_sample"] = np.isin(np.arange(len(people)), sample)
    people[DIALOGUE_QUESTION] = text.to_numpy()
    frames = {
        "engagement_participants": people,
        "engagement_population": _dialogue_population(),
        "engagement_codings": codings,
    }
    if not truth:
        return frames
    codes = list(DIALOGUE_CODE_RATES)
    r, j = np.nonzero(planted)
    planted_table = pd.DataFrame({"respondent": people["respondent"].to_numpy()[r],
                                  "code": np.array(codes, dtype=object)[j]})
    return frames, {"planted": planted_table, "pii_rows": pii_rows,
                    "pii_details": details.tolist(), "rates": _dialogue_rates(people)}


def engagement_dialogue_truth(seed: int | None = None) -> dict:
    """What was planted in the ``engagement_dialogue`` data: to check an analysis against.

    Returns
    -------
    dict
        ``planted``: tidy (respondent, code) table of the codes a careful coder would
        apply to each answer; ``pii_rows``: positions (rows of the participants file) of
        the answers carrying personal details; ``pii_details``: the sentences carrying
        them; ``rates``: participants x codes designed probabilities.

    Example
    -------
    >>> truth = engagement_dialogue_truth()
    >>> len(truth["pii_rows"]), truth["planted"]["code"].nunique()
    (10, 25)
    """
    rng = np.random.default_rng(DEFAULT_SEED if seed is None else seed)
    return _dialogue_frames(rng, truth=True)[1]


@register_dataset(
    "engagement_dialogue",
    files={
        "engagement_participants":
            "one row per participant of a 'what matters to you?' dialogue: stakeholder type, "
            "channel, session, locality, characteristics, seldom-heard flags, free-text answer",
        "engagement_population":
            "synthetic population shares of the same area (age band, sex, ethnicity, IMD)",
        "engagement_codings":
            "two coders' coding of a 300-answer subsample (respondent, question, code, coder)",
    },
    description="Public and professional wellbeing dialogue in a fictional ICS (synthetic, "
                "autumn 2019)",
    dtypes={
        "engagement_participants": _DIALOGUE_PARTICIPANT_DTYPES,
        "engagement_population": _DIALOGUE_POPULATION_DTYPES,
        "engagement_codings": _DIALOGUE_CODING_DTYPES,
    },
    float_format="%.4f",
)
def _generate_engagement_dialogue(rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """A TONIC-style dialogue about wellbeing (the full story: data/README.md).

    1. 2,320 public and 936 professional participants by channel (telephone, 12 outreach
       sessions, 10 Healthwatch focus groups with seldom-heard groups, online), with
       locality, characteristics and seldom-heard flags.
    2. Each participant raises each codebook code with a probability set by stakeholder
       type and, for the public, deprivation, age, channel, rurality and caring
       (``DIALOGUE_CODE_RATES`` and the ``*_EFFECT`` tables); a sentence is drawn for
       each from ``DIALOGUE_SENTENCES`` (templates with alternatives, negated mentions).
    3. Ten public answers get a sentence with personal details; two coders code a random
       300 answers with realistic slips.
    """
    return _dialogue_frames(rng)


__all__ += ["dialogue_sentences", "engagement_dialogue_truth"]
