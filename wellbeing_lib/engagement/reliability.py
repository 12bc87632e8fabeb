"""Reliability of qualitative coding: human coders against each other and the codebook.

Multi-code coding (each coder applies any number of codes to each answer) is one row per
(respondent, question, code, coder) saying the coder applied the code, as
:func:`~wellbeing_lib.engagement.read_codings` reads it from NVivo or QualCoder.  An
NVivo coding export maps onto it as: the case/file name (or respondent ID) ->
``respondent``; the question (survey column or node of the answer) -> ``question``; the
node/code name -> ``code``; the user (NVivo user initials, QualCoder coder name) ->
``coder``.  Several coded references of one code in one answer count once (presence).

:func:`code_reliability` gives NVivo's coding comparison (percent agreement, Cohen's
kappa, Krippendorff's alpha) per code and pooled; :func:`code_agreement` the whole
coefficient family per code (adding Scott's pi, Fleiss' kappa, Gwet's AC1 and
Brennan-Prediger, each with Gwet's standard error); :func:`codebook_agreement` treats the
codebook's automatic coding as one more coder.  The statistics themselves are in
:mod:`wellbeing_lib.stats.agreement` (one-variable tables: ``percent_agreement``,
``cohens_kappa``, ``krippendorff_alpha``; ready-made tables: ``cohens_kappa_table``,
``binary_alpha``).

Example
-------
>>> import pandas as pd
>>> codings = pd.DataFrame({"respondent": [1, 1, 2], "question": "q1",
...                         "code": ["lonely", "lonely", "lonely"], "coder": ["A", "B", "A"]})
>>> answers = pd.DataFrame({"respondent": [1, 2, 3], "question": "q1"})
>>> code_reliability(codings, units_coded=answers, n_boot=0)[
...     ["code", "n_units", "percent_agreement", "kappa"]].round(3)
          code  n_units  percent_agreement  kappa
0       lonely        3             66.667    0.4
1  (all codes)        3             66.667    0.4
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd

from ..errors import InvalidValueError, UnmatchedRecordsError
from ..stats.agreement import binary_alpha, check_coders, cohens_kappa_table, unit_index
from ..stats.coefficients import agreement_coefficients
from ..validation import DEFAULT_CI, as_columns, check_ci, check_labels, require_columns, rows_where
from ._common import _active
from .codebook import theme_labels

__all__ = ["OVERALL", "code_reliability", "code_agreement", "codebook_agreement"]

#: label of the pooled row of :func:`code_reliability`
OVERALL = "(all codes)"


def _check_n_boot(n_boot) -> None:
    if not (isinstance(n_boot, int | np.integer) and not isinstance(n_boot, bool) and n_boot >= 0):
        raise ValueError(f"n_boot must be a whole number of 0 or more, not {n_boot!r}")


def _units_seen(codings: pd.DataFrame, units_coded, unit_cols: list, coder: str,
                coders) -> tuple[list, pd.Index, np.ndarray]:
    """The coders compared, the units and which coder saw which unit (coders x units)."""
    seen_by_coder = units_coded is not None and coder in units_coded.columns
    found = list(codings[coder])
    if seen_by_coder:
        found += list(units_coded[coder])
    chosen = check_coders(found, coders, coder=coder, hint=" (a coder who applied no code at "
                            "all must be listed in the coder column of units_coded)")
    n_coders = len(chosen)
    coder_index = pd.Index(chosen)
    if units_coded is None:
        units = unit_index(codings, unit_cols).unique()
        return chosen, units, np.ones((n_coders, len(units)), dtype=bool)
    require_columns(units_coded, unit_cols, what="units_coded")
    check_labels(units_coded, unit_cols, "unit")
    units = unit_index(units_coded, unit_cols).unique()
    if not seen_by_coder:
        return chosen, units, np.ones((n_coders, len(units)), dtype=bool)
    check_labels(units_coded, [coder], "coder")
    kept = units_coded[units_coded[coder].isin(chosen)]
    seen = np.zeros((n_coders, len(units)), dtype=bool)
    seen[coder_index.get_indexer(kept[coder]),
         units.get_indexer(unit_index(kept, unit_cols))] = True
    return chosen, units, seen


def _coded_rows(codings: pd.DataFrame, chosen: list, units: pd.Index, seen: np.ndarray,
                unit_cols: list, coder: str) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """The codings of the chosen coders with each row's unit and coder number; every
    coding must be of a unit its coder saw."""
    rows = codings[codings[coder].isin(chosen)]
    row_unit = units.get_indexer(unit_index(rows, unit_cols))
    row_coder = pd.Index(chosen).get_indexer(rows[coder])
    unseen = row_unit < 0
    unseen[~unseen] = ~seen[row_coder[~unseen], row_unit[~unseen]]
    if unseen.any():
        raise UnmatchedRecordsError(
            "coding for a unit the coder did not see (not in units_coded)",
            column=[*unit_cols, coder], expected="units listed in units_coded for that coder",
            found=["/".join(map(str, r)) for r in
                   rows.loc[unseen, [*unit_cols, coder]].itertuples(index=False, name=None)],
            **rows_where(rows, unseen),
        )
    return rows, row_unit, row_coder


def _pairable(applied: np.ndarray, seen: np.ndarray, unit_cols: list) -> tuple:
    """The codes x coders x units presence and the coders per unit, on the units seen by
    two or more coders."""
    m = seen.sum(axis=0)
    pairable = m >= 2
    if not pairable.any():
        raise InvalidValueError(
            "no unit was seen by two or more coders", column=unit_cols,
            expected="units coded by at least two coders",
        )
    return applied[:, :, pairable], m[pairable].astype(float)


def _code_index(rows: pd.DataFrame, code: str, codes) -> pd.Index:
    """The codes reported, in order: ``codes``, else those applied in order of appearance."""
    if codes is None:
        code_index = pd.Index(pd.unique(rows[code]))
    else:
        code_index = pd.Index(list(codes))
        if not code_index.is_unique:
            raise ValueError("codes lists a code twice")
        other = ~rows[code].isin(code_index).to_numpy()
        if other.any():
            raise InvalidValueError(
                "code not in codes", column=code, expected="one of " + ", ".join(
                    map(str, code_index)), found=list(pd.unique(rows[code][other])),
                **rows_where(rows, other),
            )
    if len(code_index) == 0:
        raise InvalidValueError("no codes to compare", column=code,
                                expected="at least one coding row (or codes=[...])")
    return code_index


def _pair_kappa(applied: np.ndarray, ci) -> dict:
    """Cohen's kappa (two coders) per code and of the pooled 2 x 2 table, which has no SE
    (the cells of one unit are not independent)."""
    n_codes = applied.shape[0]
    cols = {k: np.full(n_codes + 1, np.nan) for k in ("kappa", "se", "ci_low", "ci_high")}
    if applied.shape[1] != 2:
        return cols
    a_on, b_on = applied[:, 0, :], applied[:, 1, :]
    cells = np.stack([(a_on & b_on).sum(1), (a_on & ~b_on).sum(1),
                      (~a_on & b_on).sum(1), (~a_on & ~b_on).sum(1)], axis=1)
    tables = np.vstack([cells, cells.sum(axis=0)]).reshape(-1, 2, 2)
    kappa = cohens_kappa_table(tables, ci=DEFAULT_CI if ci is None else ci)
    for k in cols:
        cols[k] = kappa[k].to_numpy(dtype=float, copy=True)
    for k in ("se", "ci_low", "ci_high"):
        cols[k][-1] = np.nan
    return cols


def _notes(varied, n_any, n_coders: int, ci, n_boot: int, used) -> list[str]:
    """Why a value is missing, per code and for the pooled row (last)."""
    n_codes = len(varied) - 1
    notes = []
    for i in range(n_codes + 1):
        note = []
        if not varied[i]:
            what = ("applied by no coder" if n_any[i] == 0
                    else "applied to every unit by every coder")
            note.append(f"no variation ({what}): kappa and alpha undefined")
        if n_coders != 2:
            note.append("Cohen's kappa needs exactly two coders")
        elif i == n_codes and varied[i]:
            note.append("pooled over unit x code cells; no kappa SE (cells within a unit "
                        "are not independent)")
        if varied[i] and ci is not None and 0 < n_boot and used[i] < n_boot:
            note.append(f"{n_boot - used[i]} of {n_boot} bootstrap resamples had no variation "
                        "and were dropped")
        notes.append("; ".join(note))
    return notes


def code_reliability(codings: pd.DataFrame, *, unit=("respondent", "question"),
                     code: str = "code", coder: str = "coder", coders=None, codes=None,
                     units_coded: pd.DataFrame | None = None,
                     ci: float | None = DEFAULT_CI, n_boot: int = 1000,
                     random_state=0) -> pd.DataFrame:
    """Reliability of multi-code coding, per code and overall (NVivo's coding comparison).

    Each coder either applied a code to a unit (an answer: respondent x question) or did
    not, so every code is a binary nominal variable over the units.  For each code:

    * ``n_units`` - units seen by two or more coders (the units compared);
    * ``n_any`` - units to which at least one coder applied the code;
    * ``percent_agreement`` - % of units on which every coder who saw the unit made the
      same decision (applied / not applied);
    * Cohen's kappa with SE and CI (statsmodels; only with exactly two coders);
    * Krippendorff's alpha, nominal (``alpha_level``), from the ``krippendorff`` package,
      with a bootstrap CI resampling units (as in
      :func:`~wellbeing_lib.stats.krippendorff_alpha`; the same resamples are used for
      every code: :func:`~wellbeing_lib.stats.binary_alpha`).

    The last row, ``code == "(all codes)"``, pools every unit x code decision into one
    binary variable: percentage agreement over cells, kappa of the pooled 2 x 2 table and
    alpha of the pooled coincidences, with the bootstrap resampling whole units (their
    codes together).  The pooled kappa has no SE because the cells of one unit are not
    independent.  (NVivo's overall figure is instead an average of per-code values.)

    Which units each coder saw matters: a unit a coder saw but gave no code counts as
    *absent* for every code; a unit a coder never saw is *missing* for that coder.
    Give ``units_coded`` to say which units were seen: a table with the ``unit``
    columns and, optionally, the ``coder`` column (without it every listed unit was seen
    by every coder).  Without ``units_coded`` every unit appearing in ``codings`` is
    assumed to have been seen by every coder, and units to which no coder applied any
    code are unknown and left out - which understates agreement on absence.  Pass the
    full list of answers in the reliability sample to count them.

    Parameters
    ----------
    codings : DataFrame
        One row per (unit, code, coder) application; repeated rows (several coded
        references of one code in one answer) count once.
    unit : str or sequence of str, default ("respondent", "question")
        Column(s) identifying a unit.
    code, coder : str
        Columns naming the code and the coder.
    coders : list, optional
        Coders to compare (default: all in ``codings`` and ``units_coded``).
    codes : list, optional
        The codebook's codes, in output order; codes nobody applied are then reported
        too.  Default: the codes in ``codings``, in order of appearance.
    units_coded : DataFrame, optional
        Which units were seen (see above).
    ci : float or None, default 0.95
        Confidence level of the kappa and bootstrap alpha intervals (None: no bootstrap).
    n_boot : int, default 1000
        Bootstrap resamples for alpha (0: none).
    random_state : int, numpy Generator or None, default 0
        Seed of the bootstrap: the default 0 gives the same intervals every call; None
        draws fresh entropy.

    Returns
    -------
    DataFrame
        One row per code plus ``"(all codes)"``; columns ``code``, ``n_units``,
        ``n_coders``, ``n_any``, ``percent_agreement``, ``kappa``, ``kappa_se``,
        ``kappa_ci_low``, ``kappa_ci_high``, ``alpha``, ``alpha_ci_low``,
        ``alpha_ci_high``, ``n_boot`` (resamples with alpha defined), ``alpha_level``,
        ``note`` (why a value is missing).

    Raises
    ------
    MissingColumnError, InvalidValueError
        Missing columns or labels; a coder in ``coders`` or a code outside ``codes``; no
        unit seen by two coders.
    UnmatchedRecordsError
        A coding for a unit that ``units_coded`` says the coder did not see.

    Example
    -------
    >>> import pandas as pd
    >>> codings = pd.DataFrame({
    ...     "respondent": [1, 1, 2, 2, 3, 4, 4],
    ...     "question": "q1",
    ...     "code": ["lonely", "lonely", "access", "lonely", "access", "lonely", "access"],
    ...     "coder": ["A", "B", "A", "B", "B", "A", "A"]})
    >>> answers = pd.DataFrame({"respondent": [1, 2, 3, 4, 5], "question": "q1"})
    >>> out = code_reliability(codings, units_coded=answers, n_boot=200, random_state=0)
    >>> out[["code", "n_units", "percent_agreement", "kappa", "alpha"]].round(3)
              code  n_units  percent_agreement  kappa  alpha
    0       lonely        5               60.0  0.167  0.250
    1       access        5               40.0 -0.364 -0.286
    2  (all codes)        5               50.0 -0.087 -0.044
    """
    if ci is not None:
        check_ci(ci)
    _check_n_boot(n_boot)
    if not isinstance(codings, pd.DataFrame):
        raise TypeError(f"codings must be a pandas DataFrame, not {type(codings).__name__}")
    unit_cols = as_columns(unit)
    require_columns(codings, [*unit_cols, code, coder], what="codings")
    check_labels(codings, unit_cols, "unit")
    check_labels(codings, [code], "code")
    check_labels(codings, [coder], "coder")
    chosen, units, seen = _units_seen(codings, units_coded, unit_cols, coder, coders)
    n_coders = len(chosen)
    rows, row_unit, row_coder = _coded_rows(codings, chosen, units, seen, unit_cols,
                                            coder)
    code_index = _code_index(rows, code, codes)

    # ---- presence (codes x coders x units), vectorised, on the pairable units
    applied = np.zeros((len(code_index), n_coders, len(units)), dtype=bool)
    applied[code_index.get_indexer(rows[code]), row_coder, row_unit] = True
    applied, m = _pairable(applied, seen, unit_cols)
    n_units = len(m)
    ones = applied.sum(axis=1).astype(float)          # codes x units: coders applying
    zeros = m[None, :] - ones
    agree = (ones == 0) | (zeros == 0)
    percent = np.append(100.0 * agree.mean(axis=1), 100.0 * agree.mean())
    n_any = np.append((ones > 0).sum(axis=1), (ones > 0).any(axis=0).sum())

    # ---- kappa (two coders) and alpha (nominal, binary; one unit bootstrap for all codes)
    kappa = _pair_kappa(applied, ci)
    counts = np.stack([zeros, ones], axis=-1)         # codes x units x (absent, present)
    alpha = binary_alpha(counts, ci=ci, n_boot=n_boot, random_state=random_state)
    varied = np.append((counts.sum(axis=1) > 0).all(axis=-1),
                       (counts.sum(axis=(0, 1)) > 0).all())
    used = alpha["n_boot"].to_numpy()
    return pd.DataFrame({
        "code": list(code_index) + [OVERALL],
        "n_units": n_units,
        "n_coders": n_coders,
        "n_any": n_any.astype(int),
        "percent_agreement": percent,
        "kappa": kappa["kappa"],
        "kappa_se": kappa["se"],
        "kappa_ci_low": kappa["ci_low"],
        "kappa_ci_high": kappa["ci_high"],
        "alpha": alpha["alpha"].to_numpy(),
        "alpha_ci_low": alpha["ci_low"].to_numpy(),
        "alpha_ci_high": alpha["ci_high"].to_numpy(),
        "n_boot": used,
        "alpha_level": "nominal",
        "note": _notes(varied, n_any, n_coders, ci, n_boot, used),
    })


def code_agreement(codings: pd.DataFrame, *, unit=("respondent", "question"),
                   code: str = "code", coder: str = "coder", coders=None, codes=None,
                   units_coded: pd.DataFrame | None = None,
                   ci: float = DEFAULT_CI) -> pd.DataFrame:
    """Every agreement coefficient per code, side by side: which ones can you trust?

    Each code is a present/absent variable over the units (answers) each coder saw, as in
    :func:`code_reliability` (same ``units_coded`` rule: a unit a coder saw but did not
    code with the code is *absent*; one the coder never saw is *missing*).  For each code
    :func:`~wellbeing_lib.stats.agreement_coefficients` gives percent agreement, Cohen's
    kappa (Conger's with more than two coders), Scott's pi, Fleiss' kappa, Gwet's AC1,
    Brennan-Prediger and Krippendorff's alpha (nominal), each with Gwet's standard error
    and interval.

    **When AC1 and alpha disagree.**  Kappa, pi and alpha measure agreement against the
    chance of agreeing given how often the code was used; for a *rare* code (applied to a
    few % of answers) that chance is already high, so a few disagreements pull them down
    (the "kappa paradox", Feinstein & Cicchetti 1990).  AC1 takes chance agreement as at
    most 1/2 and stays high.  High percent agreement with high AC1 and low alpha means:
    coders agree the code is mostly absent, but rarely on *where* it is present - read
    the disagreements before trusting the code's counts.

    Parameters
    ----------
    codings, unit, code, coder, coders, codes, units_coded
        As :func:`code_reliability`.
    ci : float, default 0.95

    Returns
    -------
    DataFrame
        One row per code: ``code``, ``n_any`` (units seen by two or more coders that
        anybody applied it to, as in :func:`code_reliability`), then the columns of
        :func:`~wellbeing_lib.stats.agreement_coefficients`.

    Example
    -------
    >>> import pandas as pd
    >>> codings = pd.DataFrame({"respondent": [1, 1, 2, 3, 4, 4], "question": "q1",
    ...     "code": ["lonely", "lonely", "lonely", "money", "money", "money"],
    ...     "coder": ["A", "B", "A", "B", "A", "B"]})
    >>> answers = pd.DataFrame({"respondent": range(1, 11), "question": "q1"})
    >>> out = code_agreement(codings, units_coded=answers)
    >>> out[["code", "n_any", "percent_agreement", "cohens_kappa", "gwet_ac",
    ...      "krippendorff_alpha"]].round(3)
         code  n_any  percent_agreement  cohens_kappa  gwet_ac  krippendorff_alpha
    0  lonely      2               90.0         0.615    0.866               0.627
    1   money      2               90.0         0.615    0.866               0.627
    """
    check_ci(ci)
    if not isinstance(codings, pd.DataFrame):
        raise TypeError(f"codings must be a pandas DataFrame, not {type(codings).__name__}")
    unit_cols = as_columns(unit)
    require_columns(codings, [*unit_cols, code, coder], what="codings")
    for cols, what in ((unit_cols, "unit"), ([code], "code"), ([coder], "coder")):
        check_labels(codings, cols, what)
    chosen, units, seen = _units_seen(codings, units_coded, unit_cols, coder, coders)
    rows, row_unit, row_coder = _coded_rows(codings, chosen, units, seen, unit_cols, coder)
    code_index = _code_index(rows, code, codes)
    applied = np.zeros((len(code_index), len(chosen), len(units)), dtype=np.int8)
    applied[code_index.get_indexer(rows[code]), row_coder, row_unit] = 1
    k, c, u = np.nonzero(np.broadcast_to(seen, applied.shape))   # every seen cell
    long = pd.DataFrame({"code": k, "unit": u, "coder": c, "value": applied[k, c, u]})
    out = agreement_coefficients(long, by="code", value_domain=[0, 1], ci=ci, n_boot=0)
    pairable = seen.sum(axis=0) >= 2
    paired = long[pairable[long["unit"].to_numpy()]]
    present = (paired.groupby(["code", "unit"])["value"].max() > 0).groupby("code").sum()
    out.insert(1, "n_any", present.reindex(out["code"], fill_value=0).to_numpy().astype(np.int64))
    out["code"] = pd.Series(np.asarray(code_index, dtype=object)[out["code"].to_numpy()],
                            dtype="str")
    return out


def codebook_agreement(mentions: pd.DataFrame, codings: pd.DataFrame, *,
                       units_coded: pd.DataFrame, codes=None, codebook=None, coders=None,
                       unit=("respondent", "question"), code: str = "code",
                       coder: str = "coder", name: str = "codebook",
                       ci: float | None = DEFAULT_CI, n_boot: int = 1000,
                       random_state=0) -> pd.DataFrame:
    """Is the codebook as good as a human coder?  Reliability of every pair of coders.

    The automatic coding (``mentions`` from
    :func:`~wellbeing_lib.engagement.apply_codebook`) is treated as one
    more coder, called ``name``, who saw every unit in ``units_coded``: a unit the
    codebook gave no (non-negated) mention of a code counts as *absent*.  Then
    :func:`code_reliability` is run for each pair of coders - every pair of human coders
    first, then the codebook against each human coder - so kappa and alpha of the
    codebook against a person can be read beside the two people's agreement with each
    other.

    Parameters
    ----------
    mentions : DataFrame
        From ``apply_codebook``; needs the ``unit`` columns and ``code`` (add a
        constant column, e.g. ``mentions.assign(question="what_matters")``, if the
        answers were coded with a shorter unit).  Negated mentions do not count;
        mentions of units outside ``units_coded`` are ignored.
    codings : DataFrame
        The human coding, one row per (unit, code, coder), as for
        :func:`code_reliability`.
    units_coded : DataFrame
        The units in the reliability sample (``unit`` columns and, optionally,
        ``coder``), as for :func:`code_reliability`.  Required: the codebook's
        decisions count only on these units.
    codes : list, optional
        The codes to report, in output order.  Default: every code of ``codebook``.
    codebook : str, path, DataFrame or None
        The codebook given to ``apply_codebook`` (default: the bundled wellbeing
        codebook, as there); its codes are reported unless ``codes`` is given.
    coders : list, optional
        The human coders to compare, in order (default: all in ``codings`` and
        ``units_coded``).
    unit : str or sequence of str, default ("respondent", "question")
    code, coder : str
        Columns naming the code and the coder.
    name : str, default "codebook"
        The codebook's coder label; must not be a human coder's name.
    ci, n_boot, random_state
        As in :func:`code_reliability` (the same seed is used for every pair).

    Returns
    -------
    DataFrame
        One block per pair, in the order above: ``pair`` (``"A vs B"``), ``coder_1``,
        ``coder_2``, then the columns of :func:`code_reliability` (``code``,
        ``n_units``, ``n_coders``, ``n_any``, ``percent_agreement``, ``kappa`` ...,
        ``note``), one row per code plus ``"(all codes)"``.  For a wide table of kappa,
        in this order: ``out.pivot_table(index="code", columns="pair", values="kappa",
        sort=False, dropna=False)`` (``dropna=False`` keeps codes whose kappa is undefined).

    Raises
    ------
    MissingColumnError
        A ``unit``, ``code`` or ``coder`` column missing from an input.
    InvalidValueError
        A human coder called ``name``; a coder in ``coders`` not found; a code outside
        ``codes``.
    UnmatchedRecordsError
        No mention is of a unit in ``units_coded`` (e.g. IDs of different types), or a
        human coding of a unit not in ``units_coded``.

    Example
    -------
    >>> import pandas as pd
    >>> from wellbeing_lib.engagement import apply_codebook
    >>> answers = pd.DataFrame({"respondent": [1, 2, 3, 4], "question": "q1",
    ...     "text": ["Lonely", "Lonely and skint", "Money is tight", "Fine"]})
    >>> mentions = apply_codebook(answers, unit=["respondent", "question"])
    >>> codings = pd.DataFrame({"respondent": [1, 2, 1, 3], "question": "q1",
    ...     "code": ["loneliness", "loneliness", "loneliness", "cost_of_living"],
    ...     "coder": ["A", "A", "B", "B"]})
    >>> out = codebook_agreement(mentions, codings, units_coded=answers,
    ...                          codes=["loneliness", "cost_of_living"], n_boot=0)
    >>> out[["pair", "code", "percent_agreement", "kappa"]].round(3)
                pair            code  percent_agreement  kappa
    0         A vs B      loneliness               75.0  0.500
    1         A vs B  cost_of_living               75.0  0.000
    2         A vs B     (all codes)               75.0  0.333
    3  codebook vs A      loneliness              100.0  1.000
    4  codebook vs A  cost_of_living               50.0  0.000
    5  codebook vs A     (all codes)               75.0  0.500
    6  codebook vs B      loneliness               75.0  0.500
    7  codebook vs B  cost_of_living               75.0  0.500
    8  codebook vs B     (all codes)               75.0  0.500
    """

    if not isinstance(mentions, pd.DataFrame):
        raise TypeError("mentions must be the DataFrame returned by apply_codebook, not "
                        f"{type(mentions).__name__}")
    for frame, what in ((codings, "codings"), (units_coded, "units_coded")):
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"{what} must be a pandas DataFrame, not {type(frame).__name__}")
    unit_cols = as_columns(unit)
    require_columns(mentions, [*unit_cols, code], what="mentions")
    require_columns(codings, [*unit_cols, code, coder], what="codings")
    require_columns(units_coded, unit_cols, what="units_coded")
    check_labels(codings, [coder], "coder")
    seen_by_coder = coder in units_coded.columns
    found = list(codings[coder]) + (list(units_coded[coder]) if seen_by_coder else [])
    if name in set(found):
        raise InvalidValueError("a human coder has the codebook's name", column=coder,
                                expected=f"no coder called {name!r} (or pass name=...)",
                                found=[name])
    humans = check_coders(found, coders, coder=coder)
    if codes is None:
        codes = theme_labels(mentions, "code", codebook)

    # the codebook's decisions on the sampled units
    active = _active(mentions)
    check_labels(active, unit_cols, "unit")
    check_labels(units_coded, unit_cols, "unit")
    sampled = unit_index(units_coded, unit_cols).unique()
    inside = unit_index(active, unit_cols).isin(sampled)
    if len(active) and not inside.any():
        raise UnmatchedRecordsError(
            "no mention is of a unit in units_coded", column=unit_cols,
            expected="the same identifiers (and types) in mentions and units_coded",
            found=[f"mentions: {tuple(active[unit_cols].iloc[0])!r}",
                   f"units_coded: {tuple(units_coded[unit_cols].iloc[0])!r}"])
    automatic = active.loc[inside, [*unit_cols, code]].drop_duplicates().assign(
        **{coder: name})
    combined = pd.concat([codings[[*unit_cols, code, coder]], automatic], ignore_index=True)
    seen = units_coded[unit_cols]
    if seen_by_coder:
        seen = pd.concat([units_coded[[*unit_cols, coder]],
                          seen.drop_duplicates().assign(**{coder: name})], ignore_index=True)

    pairs = [*combinations(humans, 2), *((name, h) for h in humans)]
    tables = []
    for first, second in pairs:  # a handful of pairs: one code_reliability call each
        table = code_reliability(combined, unit=unit_cols, code=code, coder=coder,
                                 coders=[first, second], codes=codes, units_coded=seen,
                                 ci=ci, n_boot=n_boot, random_state=random_state)
        table.insert(0, "pair", f"{first} vs {second}")
        table.insert(1, "coder_1", first)
        table.insert(2, "coder_2", second)
        tables.append(table)
    out = pd.concat(tables, ignore_index=True)
    for col in ("pair", "coder_1", "coder_2"):
        out[col] = out[col].astype("str")
    return out

