"""The registry of bundled data sets: registering, generating, writing and loading them.

Every bundled data set is a seeded generator registered with :func:`register_dataset`: it
takes a :class:`numpy.random.Generator` and returns ``{file stem: DataFrame}``.
:func:`generate` makes one in memory, :func:`make_sample_data` writes the CSV files (and any
other files, such as workbooks) byte-reproducibly, :func:`load_dataset` reads one bundled
file back with its schema and :func:`list_datasets` lists them.  The generators live one
per module beside this one (``social_prescribing.py``, ``workforce.py``,
``self_assessment.py``, ``dialogue.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..contracts import get_contract, validate_table
from ..errors import (
    DataError,
    InvalidValueError,
    OverwriteError,
    UnreadableFileError,
    WellbeingError,
)
from ..io import bundled_data_dir, read_table
from ..io import data_dir as _data_dir
from ..reporting.files import write_csv
from ._common import _cast_frames

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
]

#: seed of the committed sample data (the year Wellbeing Exeter's results were published)
DEFAULT_SEED = 2019

#: Public key used to pseudonymise the identifiers of the *synthetic* sample data.  It is
#: deliberately published so the demo is reproducible; real data must use a secret key.
DEMO_KEY = "wellbeing-lib-public-demo-key-2019"


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
    """Decorator registering ``generator(rng) -> {stem: DataFrame}`` as data set ``name``.

    The keyword arguments are the fields of :class:`DatasetSpec`.  A generator module
    registers its data set when it is imported; the package imports them in a fixed order,
    which is the order of :func:`list_datasets` and :func:`make_sample_data`.

    Example
    -------
    >>> import pandas as pd
    >>> @register_dataset("toy", files={"toy_scores": "one row per toy"},
    ...                   description="a toy data set")
    ... def _toy(rng):
    ...     return {"toy_scores": pd.DataFrame({"score": rng.integers(0, 10, size=3)})}
    >>> generate("toy", random_state=1)["toy_scores"]["score"].tolist()
    [4, 5, 7]
    >>> del DATASETS["toy"]
    """

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


def generate(name: str, random_state=DEFAULT_SEED) -> dict[str, pd.DataFrame]:
    """Generate one registered data set in memory.

    Parameters
    ----------
    name : str
        A registered data set (see :func:`list_datasets`).
    random_state : int, numpy.random.Generator or None, default DEFAULT_SEED
        Seed of :func:`numpy.random.default_rng`, or a generator to draw from; the default
        :data:`DEFAULT_SEED` (2019) reproduces the committed files, ``None`` draws fresh
        entropy (a different data set on every call).

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
    frames = spec.generator(np.random.default_rng(random_state))
    if list(frames) != list(spec.files):
        raise WellbeingError(  # pragma: no cover - a programming error in a generator
            f"generator of '{name}' returned {list(frames)}, registered {list(spec.files)}"
        )
    return _cast_frames(frames, spec.dtypes)


def make_sample_data(out_dir=None, names: Iterable[str] | None = None, *, progress: bool = False,
                     force: bool = False) -> list[Path]:
    """Regenerate the bundled data files (byte-identical for the same code and seed).

    Nothing is overwritten that differs from what would be written: if the folder holds
    a file of the same name with other contents (your own data, or an edited copy) the
    call raises :class:`~wellbeing_lib.errors.OverwriteError` naming every such file and
    writes nothing, unless ``force=True``.  Files that are already identical are left
    untouched.

    Parameters
    ----------
    out_dir : str or Path, optional
        Folder to write to (created if needed); default the ``data/`` folder of the
        checkout (never ``$WELLBEING_DATA``: a user's data folder is only read).
    names : iterable of str, optional
        Data sets to make; default all registered ones.
    progress : bool, default False
        Show a progress bar (tqdm) while generating.
    force : bool, default False
        Overwrite files that differ.

    Returns
    -------
    list of Path
        The files of the data sets, in registry order: each data set's CSV files, then
        its other files (the ``workforce_diagnostic`` workbooks go in
        ``diagnostic_workbooks/``).

    Raises
    ------
    OverwriteError
        A file of the same name with other contents exists (and ``force`` is False).

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
    >>> _ = (paths[0]).write_text("client_id\\nmy own client\\n")
    >>> make_sample_data(out, names=["social_prescribing"])
    Traceback (most recent call last):
    ...
    wellbeing_lib.errors.OverwriteError: not overwriting 1 file(s) that differ from the sample data: social_prescribing_clients.csv (pass force=True, or --force, to replace them)
    """
    import shutil
    import tempfile

    out = Path(out_dir) if out_dir is not None else bundled_data_dir()
    with tempfile.TemporaryDirectory() as tmp:
        fresh = _write_sample_data(Path(tmp), names, progress)
        relative = [p.relative_to(tmp) for p in fresh]
        differ = [rel for p, rel in zip(fresh, relative)
                  if (out / rel).exists() and (out / rel).read_bytes() != p.read_bytes()]
        if differ and not force:
            raise OverwriteError(out, [rel.as_posix() for rel in differ])
        for p, rel in zip(fresh, relative):
            target = out / rel
            if target.exists() and target.read_bytes() == p.read_bytes():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(p, target)
    return [out / rel for rel in relative]


def _write_sample_data(out: Path, names, progress: bool) -> list[Path]:
    """Write the data sets' files into ``out`` (a fresh folder)."""
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


def _missing_file_reason(path: Path, stem: str, spec, name: str, folder: Path) -> str:
    """Why a data file cannot be loaded, and what to do (never a command that writes
    synthetic data into a user's folder)."""
    if spec is None and name in DATASETS:
        return (f"'{name}' is a data set of several files; load one of: "
                + ", ".join(DATASETS[name].files))
    if spec is None:
        return "no such data file; bundled files are " + ", ".join(_file_index())
    others = sorted(p.name for p in folder.glob(f"{stem}.*") if p.suffix.lower() != ".csv") \
        if folder.is_dir() else []
    reason = f"no such file in {folder}"
    if others:
        reason += (f"; found {', '.join(others)}: the analyses read {stem}.csv (in Excel: "
                   "File > Save As > 'CSV UTF-8')")
    reason += (f". The file's contract (columns, types, allowed values) is in data/README.md, "
               f"'Data contracts'; `wellbeing templates --out DIR` writes a blank {stem}.csv "
               "to fill in, and `wellbeing check --data DIR` checks a whole folder")
    try:
        bundled = folder.resolve() == bundled_data_dir().resolve()
    except OSError:  # pragma: no cover - unresolvable path
        bundled = False
    if bundled:
        reason += "; to restore the bundled sample file run `wellbeing make-sample-data`"
    return reason


def load_dataset(name: str, data_dir=None) -> pd.DataFrame:
    """Load one bundled data file by its stem (e.g. ``"social_prescribing_clients"``).

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
        Read with :func:`wellbeing_lib.io.read_table`, which records the file name as the
        table's provenance (:func:`wellbeing_lib.validation.source_of`), so validation
        errors about it name the file.

    Raises
    ------
    UnreadableFileError
        If the file is missing: the message names the file, where its contract is and
        the ``templates`` and ``check`` commands (never a command that would write
        synthetic data into your folder).
    DataError
        The table breaks its data contract (:mod:`wellbeing_lib.contracts`): a missing
        column, a value of the wrong type or outside its scale, a duplicated key, a total
        row, an identifier with surrounding spaces - the first error, naming the file,
        column and lines (``wellbeing check --data DIR`` lists them all).

    Example
    -------
    >>> m = load_dataset("social_prescribing_measures")
    >>> m.loc[:1, ["time", "assessment_date", "swemwbs_1", "ucla_1", "pam_score"]]
            time assessment_date  swemwbs_1  ucla_1  pam_score
    0   baseline      2017-10-13          3       2       62.3
    1  follow_up      2018-03-08          4       1       71.4
    >>> from wellbeing_lib.validation import source_of
    >>> source_of(m)
    'social_prescribing_measures.csv'
    """
    stem = name[:-4] if name.lower().endswith(".csv") else name
    folder = _data_dir(data_dir)
    path = folder / f"{stem}.csv"
    spec = _file_index().get(stem)
    if not path.exists():
        raise UnreadableFileError(path, _missing_file_reason(path, stem, spec, name, folder))
    schema = spec.dtypes.get(stem) if spec is not None else None
    contract = _contract(stem)
    if not schema:
        df = read_table(path)
    else:
        try:
            df = read_table(path, dtype=dict(schema), keep_default_na=False, na_values=[""])
        except DataError:
            raise
        except (ValueError, TypeError) as exc:  # a value that does not fit its column's type
            raw = read_table(path, dtype=str, keep_default_na=False, na_values=[""])
            if contract is not None:
                validate_table(raw, contract, stacklevel=2)
            raise InvalidValueError(
                "a value does not fit its column's type", file=path.name,
                expected="the types of data/README.md", found=[str(exc)]) from exc
    if contract is not None:
        validate_table(df, contract, stacklevel=2)
    return df


def _contract(stem: str):
    try:
        return get_contract(stem)
    except KeyError:
        return None


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
