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

import datetime
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
from .io import read_package_table, read_table

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


def write_csv(data: pd.DataFrame, path, *, float_format: str = "%.2f") -> Path:
    """Write ``data`` as a byte-reproducible CSV file (UTF-8, ``\\n``, fixed float format).

    No index is written, missing values are empty cells, text is quoted only when needed.

    Example
    -------
    >>> import tempfile, pathlib
    >>> p = write_csv(pd.DataFrame({"a": [1.25, None], "b": ["x, y", "z"]}),
    ...               pathlib.Path(tempfile.mkdtemp()) / "t.csv", float_format="%.1f")
    >>> p.read_bytes()
    b'a,b\\n1.2,"x, y"\\n,z\\n'
    """
    path = Path(path)
    buffer = _stdio.StringIO()
    data.to_csv(buffer, index=False, lineterminator="\n", float_format=float_format, na_rep="")
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    return path


#: the date and time stamped into generated workbooks (document properties, zip entries)
XLSX_TIMESTAMP = datetime.datetime(2022, 1, 1, 0, 0, 0)


def write_xlsx(book, path, *, timestamp: datetime.datetime = XLSX_TIMESTAMP) -> Path:
    """Save an openpyxl workbook byte-reproducibly: same workbook, same bytes.

    openpyxl stamps the time of saving into ``docProps/core.xml`` (``dcterms:created`` and
    ``dcterms:modified``) and every zip entry carries a modification time, so two saves of
    the same workbook differ.  This writer fixes the document's created/modified times to
    ``timestamp``, then rewrites the archive with entries in sorted name order, each with
    ``date_time`` = ``timestamp``, fixed permissions and the same deflate level.  Excel and
    openpyxl read the result as usual.

    Parameters
    ----------
    book : openpyxl.Workbook
        The workbook (its ``properties.created``/``modified`` are set to ``timestamp``).
    path : str or Path
        The ``.xlsx`` file to write; its folder is created.
    timestamp : datetime, default 2022-01-01 00:00:00
        The date and time to stamp (naive, read as UTC; zip dates need year >= 1980).

    Example
    -------
    >>> import tempfile, pathlib, openpyxl
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> def book():
    ...     wb = openpyxl.Workbook()
    ...     wb.active["A1"] = "same"
    ...     return wb
    >>> a = write_xlsx(book(), folder / "a.xlsx").read_bytes()
    >>> b = write_xlsx(book(), folder / "b.xlsx").read_bytes()
    >>> a == b, openpyxl.load_workbook(folder / "a.xlsx").properties.modified
    (True, datetime.datetime(2022, 1, 1, 0, 0))
    """
    import zipfile

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.properties.created = timestamp
    book.properties.modified = timestamp
    raw = _stdio.BytesIO()
    book.save(raw)  # openpyxl overwrites 'modified' with the time now: put it back below
    stamp = timestamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = _stdio.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w") as dst:
        for name in sorted(src.namelist()):
            data = src.read(name)
            if name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)\b[^>]*>)[^<]*(</dcterms:)",
                              rb"\g<1>" + stamp + rb"\g<2>", data)
            info = zipfile.ZipInfo(name, date_time=timestamp.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # the same on every platform
            info.external_attr = 0o644 << 16
            dst.writestr(info, data, compresslevel=6)
    path.write_bytes(out.getvalue())
    return path


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
    >>> paths[-1].relative_to(out).as_posix()
    'diagnostic_workbooks/HV14.xlsx'
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
    table = read_package_table("swemwbs_raw_to_metric.csv")
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
    client_id = np.asarray(pseudonymise(local, salt=DEMO_KEY, prefix="C-"), dtype=object)
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
    from .diagnostic import _base_groups, framework, maturity_scale, staff_groups

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
    base = _base_groups(vocab)
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
