"""Change per client and measure under the any, meaningful and reliable definitions.

:func:`change_criteria` states the rule of each definition with every parameter and its
source; :func:`change` applies it to paired data (a :class:`~wellbeing_lib.outcomes.Pairing`
or its ``paired`` table), with :func:`classify_change` and
:func:`reliable_change_threshold` as the array-level building blocks.
:func:`distribution_thresholds` gives half-SD thresholds where no MID is published.

Example
-------
>>> classify_change([20.0, 20.0], [23.0, 19.0])[2].tolist()   # status codes
[2, 0]
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import narwhals as nw
import numpy as np
import pandas as pd

from ..errors import InvalidValueError
from ..frames import as_frame, finished, nan_as_missing, planned
from ..validation import check_numeric, check_unique, require_columns
from ._common import _ChangeLayout, _finite, _override, _remember_layout, _unknown_keys
from .instruments import Instrument, _resolve
from .pairing import SUFFIXES, Pairing, _check_ids

__all__ = [
    "classify_change",
    "reliable_change_threshold",
    "change_criteria",
    "distribution_thresholds",
    "change",
    "DEFINITIONS",
    "STATUS_LABELS",
    "TOLERANCE",
    "RC_CRITERION",
]

#: change definitions accepted by :func:`change`
DEFINITIONS = ("any", "meaningful", "reliable")
#: labels of the change status, from worst to best (an ordered categorical)
STATUS_LABELS = ("deteriorated", "no change", "improved")
#: tolerance for "change ≥ threshold" with floating-point scores (e.g. 22.35 - 19.25)
TOLERANCE = 1e-9
#: the Jacobson & Truax criterion: |RC| > 1.96 (two-sided 5%)
RC_CRITERION = 1.96

_SIGN = {"higher_better": 1.0, "lower_better": -1.0}


def classify_change(baseline, follow_up, *, direction: str = "higher_better",
                    threshold: float = 0.0, inclusive: bool = False):
    """Change, direction-adjusted improvement and status codes for arrays (the fast path).

    ``change = follow_up − baseline``; ``improvement = change`` for higher-is-better
    measures and ``−change`` for lower-is-better ones, so + is always better.
    Status codes index :data:`STATUS_LABELS`: 2 improved when
    ``improvement > threshold`` (``≥`` with ``inclusive=True``, within
    :data:`TOLERANCE`), 0 deteriorated when ``improvement < −threshold`` (``≤``),
    1 no change otherwise, and −1 where either score is missing.

    Parameters
    ----------
    baseline, follow_up : array-like of float
    direction : {"higher_better", "lower_better"}
    threshold : float, default 0
        The minimum change that counts (0 = any change).
    inclusive : bool, default False
        Whether a change of exactly ``threshold`` counts (meaningful change).

    Returns
    -------
    change, improvement : ndarray of float
    codes : ndarray of int8
        Use ``pandas.Categorical.from_codes(codes, STATUS_LABELS, ordered=True)``.

    Example
    -------
    >>> ch, imp, codes = classify_change([6, 6, 6, 6], [4, 6, 9, float("nan")],
    ...                                  direction="lower_better")
    >>> imp.tolist(), codes.tolist()
    ([2.0, 0.0, -3.0, nan], [2, 1, 0, -1])
    """
    if direction not in _SIGN:
        raise InvalidValueError("unknown direction", column="direction",
                                expected="higher_better or lower_better", found=[direction])
    if not (_finite(threshold) and threshold >= 0):
        raise InvalidValueError("threshold must be a number of 0 or more", column="threshold",
                                expected="a number ≥ 0", found=[threshold])
    b = np.asarray(baseline, dtype=float)
    f = np.asarray(follow_up, dtype=float)
    change = f - b
    improvement = change if direction == "higher_better" else b - f
    if inclusive:
        cut = threshold - TOLERANCE
        up, down = improvement >= cut, improvement <= -cut
    else:
        up, down = improvement > threshold, improvement < -threshold
    codes = up.view(np.int8) - down.view(np.int8)
    codes += 1
    codes[np.isnan(change)] = -1
    return change, improvement, codes


def reliable_change_threshold(sd: float, reliability: float, *,
                              criterion: float = RC_CRITERION) -> tuple[float, float]:
    """Minimum reliable change (Jacobson & Truax 1991) and the SE of a difference.

    .. math::

        SE = S_1\\sqrt{1 - r_{xx}}, \\qquad S_{diff} = \\sqrt{2 SE^2},
        \\qquad RC = (x_2 - x_1) / S_{diff}

    A change is reliable when ``|RC| > criterion`` (1.96), i.e. when
    ``|x2 − x1| > criterion × S_diff``.

    Parameters
    ----------
    sd : float
        :math:`S_1`: the SD of baseline scores (of the sample, or a norm SD).
    reliability : float
        :math:`r_{xx}`: e.g. Cronbach's alpha or test-retest reliability (0-1).
    criterion : float, default 1.96

    Returns
    -------
    (threshold, s_diff) : tuple of float

    Reference
    ---------
    Jacobson NS, Truax P (1991) J Consult Clin Psychol 59(1):12-19.

    Example
    -------
    >>> # SD 3.24, alpha 0.865: SE = 3.24 x sqrt(0.135) = 1.190; S_diff = 1.684
    >>> [round(v, 3) for v in reliable_change_threshold(3.24, 0.865)]
    [3.3, 1.684]
    """
    if not (_finite(sd) and sd > 0):
        raise InvalidValueError("SD must be a positive number", column="sd",
                                expected="a number above 0", found=[sd])
    if not (_finite(reliability) and 0 < reliability < 1):
        raise InvalidValueError("reliability must be between 0 and 1", column="reliability",
                                expected="a number between 0 and 1", found=[reliability])
    s_diff = math.sqrt(2.0) * sd * math.sqrt(1.0 - reliability)
    return criterion * s_diff, s_diff


@dataclass(frozen=True)
class _Measure:
    name: str
    column: str
    instrument: Instrument
    direction: str


def _default_column(inst: Instrument) -> str:
    if inst.conversion is not None:
        return f"{inst.id}_metric"
    if inst.scoring == "sum":
        return f"{inst.id}_raw"
    if inst.n_items == 1:
        return inst.items[0]
    raise InvalidValueError(
        f"{inst.id} has several items scored separately: name the column", column="measures",
        expected="{'name': ('column', '" + inst.id + "')}, e.g. ('anxiety', 'ons4')")


def _direction_of(inst: Instrument, column: str, name: str, override) -> str:
    if override is not None:
        if override not in _SIGN:
            raise InvalidValueError(f"unknown direction for measure {name!r}",
                                    column="directions",
                                    expected="higher_better or lower_better", found=[override])
        return override
    if inst.direction != "mixed":
        return inst.direction
    if column in inst.items and inst.item_directions:
        return inst.item_directions[inst.items.index(column)]
    raise InvalidValueError(
        f"the direction of measure {name!r} ({inst.id}, column {column!r}) is not known",
        column="directions", expected="directions={'" + name + "': 'higher_better'} "
        "or 'lower_better'")


def _measure_specs(measures, directions=None) -> list[_Measure]:
    if measures is None:
        raise InvalidValueError("no measures given", column="measures",
                                expected="e.g. {'wellbeing': ('swemwbs_metric', 'swemwbs')}")
    if isinstance(measures, str | Instrument):
        measures = [measures]
    if not isinstance(measures, Mapping):
        measures = {_resolve(m).id: m for m in measures}
    directions = dict(directions or {})
    _unknown_keys(directions, measures, "directions")
    out = []
    for name, spec in measures.items():
        if isinstance(spec, str | Instrument):
            inst = _resolve(spec)
            column = _default_column(inst)
        elif isinstance(spec, Mapping):
            if "instrument" not in spec:
                raise InvalidValueError(f"measure {name!r} has no instrument", column="measures",
                                        expected="{'column': ..., 'instrument': ...}")
            inst = _resolve(spec["instrument"])
            column = spec.get("column") or _default_column(inst)
        elif isinstance(spec, tuple | list) and len(spec) == 2:
            column, inst = spec[0], _resolve(spec[1])
        else:
            raise InvalidValueError(f"cannot read the spec of measure {name!r}",
                                    column="measures", found=[spec],
                                    expected="an instrument, (column, instrument) or "
                                             "{'column': ..., 'instrument': ...}")
        out.append(_Measure(str(name), str(column), inst,
                            _direction_of(inst, column, str(name), directions.get(name))))
    return out


def _frame_and_layout(data, id, suffixes):
    """(paired frame, id column, suffixes) from a Pairing or a paired DataFrame.

    A :class:`Pairing` knows its id column and suffixes (``id``/``suffixes``, when given,
    must agree with them); for a DataFrame they default to ``"client_id"`` and
    :data:`SUFFIXES`.
    """
    if suffixes is not None:
        suffixes = tuple(suffixes)
        if len(suffixes) != 2 or not all(isinstance(x, str) and x for x in suffixes):
            raise InvalidValueError("invalid suffixes", column="suffixes", found=[suffixes],
                                    expected="two non-empty strings, e.g. "
                                             "('_baseline', '_follow_up')")
    if isinstance(data, Pairing):
        for what, given, own in (("id", id, data.id), ("suffixes", suffixes, data.suffixes)):
            if given is not None and given != own:
                raise InvalidValueError(f"{what} differs from the Pairing's", column=what,
                                        expected=f"{own!r} (or leave {what} out)",
                                        found=[given])
        return data.paired, data.id, data.suffixes
    try:
        as_frame(data)
    except TypeError:
        raise TypeError(f"data must be a Pairing or a DataFrame, not "
                        f"{type(data).__name__}") from None
    return data, id or "client_id", suffixes or SUFFIXES


def _definitions(definition) -> list[str]:
    defs = [definition] if isinstance(definition, str) else list(definition)
    bad = [d for d in defs if d not in DEFINITIONS]
    if bad or not defs or len(set(defs)) != len(defs):
        raise InvalidValueError("unknown change definition", column="definition",
                                expected="one or more of " + ", ".join(DEFINITIONS),
                                found=bad or [definition])
    return defs


def change_criteria(
    data,
    measures,
    *,
    definition="any",
    thresholds=None,
    reliability=None,
    sd="baseline",
    directions=None,
    criterion: float = RC_CRITERION,
    id: str | None = None,
    suffixes: tuple[str, str] | None = None,
) -> pd.DataFrame:
    """The rule each measure is classified by, with every parameter and its source.

    One row per definition × measure; :func:`change` applies these rules (called with
    the same arguments, this gives the table of the rules a :func:`change` result used).

    * ``"any"``: improved when the direction-adjusted change is > 0, deteriorated
      when < 0; equal scores are "no change".
    * ``"meaningful"``: improved when it is ≥ the instrument's minimal important
      difference (``mid`` in the registry, e.g. SWEMWBS 2.87 metric points, Shah et
      al. 2018), deteriorated when ≤ −MID.
    * ``"reliable"``: Jacobson & Truax (1991) reliable change index
      ``RC = (x2 − x1) / S_diff`` with ``S_diff = √2 · S1 · √(1 − r_xx)``; improved
      when RC (direction-adjusted) > 1.96.  ``S1`` is the SD of the baseline scores
      in ``data`` (``sd="baseline"``, the usual choice) or the instrument's norm SD
      (``sd="norm"``); ``r_xx`` is the registry's reliability (Cronbach's alpha)
      unless overridden.

    Parameters
    ----------
    data : Pairing or DataFrame
        Paired data (``<column>_baseline``, ``<column>_follow_up``).
    measures : dict, list or str
        ``{name: instrument}`` (the instrument's score column, e.g.
        ``swemwbs_metric``, ``ucla3_raw``, ``pam_score``), ``{name: (column,
        instrument)}`` or ``{name: {"column": ..., "instrument": ...}}``; a list of
        instruments names the measures after them.
    definition : str or list of str, default "any"
        ``"any"``, ``"meaningful"``, ``"reliable"``, or several.
    thresholds : number or dict, optional
        Meaningful-change thresholds in score points, overriding the registry:
        ``{"activation": 4}`` or ``{"activation": (4, "source")}``.
    reliability : number or dict, optional
        Reliabilities for the reliable change index, overriding the registry.
    sd : {"baseline", "norm"}, number or dict, default "baseline"
        ``S1`` of the reliable change index, for all measures or per measure.
    directions : dict, optional
        ``{name: "higher_better" | "lower_better"}`` where the registry has none.
    criterion : float, default 1.96
    id : str, optional
        Id column (default: the Pairing's, else ``"client_id"``).
    suffixes : tuple of str, optional
        Suffixes of the baseline and follow-up columns (default: the Pairing's, else
        ``("_baseline", "_follow_up")``).

    Returns
    -------
    DataFrame
        ``definition, measure, instrument, column, direction, rule, threshold,
        threshold_source, sd, sd_source, reliability, reliability_source, s_diff``.

    Raises
    ------
    InvalidValueError
        When a definition's parameter is missing for a measure (no MID for PAM, no
        norm SD…): the message says which argument to pass.  There is no fallback.

    Example
    -------
    >>> import pandas as pd
    >>> paired = pd.DataFrame({"client_id": ["a", "b", "c"],
    ...                        "swemwbs_metric_baseline": [17.43, 19.25, 23.21],
    ...                        "swemwbs_metric_follow_up": [19.98, 23.21, 22.35]})
    >>> crit = change_criteria(paired, {"wellbeing": "swemwbs"}, definition="reliable")
    >>> crit[["measure", "rule", "sd", "reliability"]].round(3)
         measure                                           rule     sd  reliability
    0  wellbeing  improvement > 2.72 (|RC| > 1.96; S_diff 1.39)  2.955         0.89
    """
    frame, _, (sb, _) = _frame_and_layout(data, id, suffixes)
    specs = _measure_specs(measures, directions)
    names = [m.name for m in specs]
    for what, value in (("thresholds", thresholds), ("reliability", reliability), ("sd", sd)):
        _unknown_keys(value, names, what)
    rows = []
    for definition_ in _definitions(definition):
        for m in specs:
            inst = m.instrument
            row = {"definition": definition_, "measure": m.name, "instrument": inst.id,
                   "column": m.column, "direction": m.direction, "rule": "",
                   "threshold": 0.0, "threshold_source": "", "sd": np.nan, "sd_source": "",
                   "reliability": np.nan, "reliability_source": "", "s_diff": np.nan}
            if definition_ == "any":
                row["rule"] = "improvement > 0"
                row["threshold_source"] = "any change (equal scores are no change)"
            elif definition_ == "meaningful":
                value, source = _override(thresholds, m.name)
                if value is None:
                    value, source = inst.mid, inst.mid_source or inst.source
                if value is None:
                    raise InvalidValueError(
                        f"no meaningful-change threshold for measure {m.name!r} "
                        f"(instrument {inst.id}); the registry has none", column="thresholds",
                        expected="thresholds={'" + m.name + "': <minimum important change "
                        "in score points>} (or (value, 'source'))")
                if not (_finite(value) and value > 0):
                    raise InvalidValueError(f"invalid threshold for measure {m.name!r}",
                                            column="thresholds", expected="a number above 0",
                                            found=[value])
                row.update(threshold=float(value), threshold_source=source,
                           rule=f"improvement ≥ {value:g}")
            else:
                r, r_source = _override(reliability, m.name)
                if r is None:
                    r = inst.reliability
                    r_source = (f"{inst.reliability_type}: {inst.reliability_source}"
                                if r is not None else None)
                if r is None:
                    raise InvalidValueError(
                        f"no reliability for measure {m.name!r} (instrument {inst.id}); the "
                        "registry has none", column="reliability",
                        expected="reliability={'" + m.name + "': <Cronbach's alpha or "
                        "test-retest r>} (or (value, 'source'))")
                s1, s_source = _sd_for(frame, m, sb, sd)
                threshold, s_diff = reliable_change_threshold(s1, r, criterion=criterion)
                row.update(threshold=threshold, sd=s1, sd_source=s_source, reliability=float(r),
                           reliability_source=r_source, s_diff=s_diff,
                           threshold_source=f"Jacobson & Truax (1991): {criterion:g} × S_diff",
                           rule=f"improvement > {threshold:.2f} (|RC| > {criterion:g}; "
                                f"S_diff {s_diff:.2f})")
            rows.append(row)
    return pd.DataFrame(rows)


def _sd_for(frame, m: _Measure, sb: str, sd) -> tuple[float, str]:
    value, source = _override(sd, m.name)
    if value == "baseline":
        col = m.column + sb
        require_columns(frame, [col], what=f"measure {m.name!r}")
        n, s1 = _baseline_spread(frame, col)
        if n < 2:
            raise InvalidValueError(f"too few baseline scores to estimate the SD of {m.name!r}",
                                    column=col, expected="at least 2 scores, or pass sd=",
                                    found=[f"{n} scores"])
        return s1, f"SD of the {n:,} baseline scores in the data"
    if value == "norm":
        if m.instrument.norm_sd is None:
            raise InvalidValueError(
                f"no norm SD for measure {m.name!r} (instrument {m.instrument.id})", column="sd",
                expected="sd='baseline', or sd={'" + m.name + "': <norm SD>}")
        return float(m.instrument.norm_sd), f"norm SD: {m.instrument.norm_source}"
    if isinstance(value, str) or value is None:
        raise InvalidValueError("unknown sd choice", column="sd",
                                expected="'baseline', 'norm', a number or a dict of them",
                                found=[value])
    if not (_finite(value) and value > 0):
        raise InvalidValueError(f"invalid SD for measure {m.name!r}", column="sd",
                                expected="a number above 0", found=[value])
    return float(value), source


def _baseline_spread(frame, col: str) -> tuple[int, float]:
    """Number and SD (ddof 1) of the baseline scores: one aggregate where the data live."""
    values = check_numeric(frame, [col])
    v = nw.col(col)
    v = nan_as_missing(v, values)
    row = as_frame(values).select(v.count().alias("n"), v.std(ddof=1).alias("sd"))
    n, sd = row.lazy().collect().row(0)
    return int(n), float(sd) if sd is not None else float("nan")


def distribution_thresholds(data, measures, *, fraction: float = 0.5,
                            missing_only: bool = True, id: str | None = None,
                            suffixes: tuple[str, str] | None = None) -> dict:
    """Meaningful-change thresholds from the spread of baseline scores (the half-SD rule).

    Where an instrument has no published minimal important difference, a common
    distribution-based substitute is half a standard deviation of the baseline
    scores (Norman, Sloan & Wyrwich 2003, Med Care 41:582-592, found published MIDs
    close to 0.5 SD).  Returns ``{measure: (threshold, source)}`` ready for the
    ``thresholds=`` argument of :func:`change`, so the source travels into the
    criteria table (:func:`change_criteria`).

    Parameters
    ----------
    data : Pairing or DataFrame
        Paired data (``<column>_baseline`` columns).
    measures : dict, list or str
        As for :func:`change`.
    fraction : float, default 0.5
        Multiple of the baseline SD.
    missing_only : bool, default True
        Only for measures whose instrument has no MID in the registry.
    id, suffixes : optional
        As for :func:`change_criteria`.

    Example
    -------
    >>> import pandas as pd
    >>> paired = pd.DataFrame({"client_id": [1, 2, 3], "pam_score_baseline": [40.0, 50.0, 60.0],
    ...                        "pam_score_follow_up": [45.0, 50.0, 58.0]})
    >>> value, source = distribution_thresholds(paired, {"activation": "pam"})["activation"]
    >>> value, source.split(";")[0]
    (5.0, '0.5 x SD of the 3 baseline scores in the data')
    """
    frame, _, (sb, _) = _frame_and_layout(data, id, suffixes)
    if not (_finite(fraction) and fraction > 0):
        raise InvalidValueError("invalid fraction of the SD", column="fraction",
                                expected="a number above 0", found=[fraction])
    out = {}
    for m in _measure_specs(measures):
        if missing_only and m.instrument.mid is not None:
            continue
        sd, where = _sd_for(frame, m, sb, "baseline")
        out[m.name] = (
            fraction * sd,
            f"{fraction:g} x {where}; distribution-based, no published MID "
            "(Norman, Sloan & Wyrwich 2003, Med Care 41:582-592)",
        )
    return out


def change(
    data,
    measures,
    *,
    definition="any",
    thresholds=None,
    reliability=None,
    sd="baseline",
    directions=None,
    criterion: float = RC_CRITERION,
    id: str | None = None,
    suffixes: tuple[str, str] | None = None,
    keep: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Change per client and measure, classified as improved / no change / deteriorated.

    For each client and measure: ``change = follow-up − baseline`` in score points,
    ``improvement`` = change with its sign adjusted so that + is better (UCLA-3: a
    lower loneliness score is an improvement), and ``status`` under the chosen
    definition (rules and parameters: :func:`change_criteria`).  The rules are those
    of :func:`classify_change` (for numpy arrays), written as expressions that run where
    the data live, one path for every backend.

    Parameters
    ----------
    data : Pairing or DataFrame
        From :func:`pair_measurements` / :func:`pair_wide` (or any frame with
        ``<column>_baseline`` and ``<column>_follow_up`` and one row per client), of any
        backend of :mod:`wellbeing_lib.frames`; the result comes back in it (lazily for a
        lazy one).
    measures : dict, list or str
        See :func:`change_criteria`, e.g. ``{"wellbeing": "swemwbs", "loneliness":
        "ucla3", "inclusion": "social_inclusion", "activation": "pam"}``.
    definition : str or list of str, default "any"
        ``"any"``, ``"meaningful"`` or ``"reliable"`` (several stack their rows).
    thresholds, reliability, sd, directions, criterion
        Overrides of the registry; see :func:`change_criteria`.
    id, suffixes : optional
        The id column and the suffixes of the paired columns (default: the Pairing's,
        else ``"client_id"`` and ``("_baseline", "_follow_up")``).
    keep : sequence of str, optional
        Columns of ``data`` to repeat on every row (e.g. ``["group"]``).

    Returns
    -------
    DataFrame
        One row per definition × measure × client: the id, ``measure``,
        ``instrument``, ``baseline``, ``follow_up``, ``change``, ``improvement``,
        ``definition``, ``threshold`` (the minimum change that counts), ``status``
        (ordered categorical :data:`STATUS_LABELS`, missing when either score is
        missing — such rows are kept, not dropped) and, with ``"reliable"``, ``rci``
        (the reliable change index, direction-adjusted).  ``measure``, ``instrument``
        and ``definition`` are ordered categoricals too, in the order given (``Enum``
        on polars, text on the other backends).  The rules with their sources:
        :func:`change_criteria` with the same arguments.

    Raises
    ------
    MissingColumnError, InvalidValueError, DuplicateKeyError
        Missing score columns, non-numeric scores, a missing parameter (see
        :func:`change_criteria`), an id on more than one row.

    Example
    -------
    >>> import pandas as pd
    >>> paired = pd.DataFrame({"client_id": ["a", "b", "c"],
    ...                        "ucla3_raw_baseline": [7, 6, 5], "ucla3_raw_follow_up": [4, 6, 6]})
    >>> change(paired, {"loneliness": "ucla3"})[
    ...     ["client_id", "change", "improvement", "status"]]
      client_id  change  improvement        status
    0         a    -3.0          3.0      improved
    1         b     0.0          0.0     no change
    2         c     1.0         -1.0  deteriorated
    """
    frame, id, (sb, sf) = _frame_and_layout(data, id, suffixes)
    specs = _measure_specs(measures, directions)
    defs = _definitions(definition)
    keep = [keep] if isinstance(keep, str) else list(keep or [])
    cols = [m.column + s for m in specs for s in (sb, sf)]
    require_columns(frame, [id, *cols, *keep], what="change")
    if not isinstance(data, Pairing):  # a Pairing's ids were checked when it was made
        _check_ids(frame, id)
        check_unique(frame, id)
    criteria = change_criteria(frame, {m.name: (m.column, m.instrument) for m in specs},
                               definition=defs, thresholds=thresholds, reliability=reliability,
                               sd=sd, directions={m.name: m.direction for m in specs},
                               criterion=criterion, id=id, suffixes=(sb, sf))
    return _change_frame(frame, specs, criteria, id=id, sb=sb, sf=sf, keep=keep,
                         reliable="reliable" in defs)


def _status_expr(improvement, threshold: float, inclusive: bool, label):
    """:func:`classify_change`'s status as an expression (labels made by ``label``; null
    if either score is missing)."""
    if inclusive:
        cut = threshold - TOLERANCE
        up, down = improvement >= cut, improvement <= -cut
    else:
        up, down = improvement > threshold, improvement < -threshold
    return (nw.when(improvement.is_null()).then(label(None))
            .when(up & ~down).then(label(STATUS_LABELS[2]))
            .when(down & ~up).then(label(STATUS_LABELS[0]))
            .otherwise(label(STATUS_LABELS[1])))


def _labeller(enum: bool, categories: list):
    """Literal labels: ``Enum`` on polars and pandas (ordered categoricals there, compact),
    text elsewhere."""
    dtype = nw.Enum(categories) if enum else nw.String()

    def label(value):
        return nw.lit(value, nw.String()).cast(dtype)

    return label


def _change_frame(frame, specs, criteria, *, id, sb, sf, keep, reliable):
    """:func:`change` as narwhals expressions: one select per definition × measure, stacked
    (in the caller's backend, lazily for a lazy table); ``measure``, ``instrument``,
    ``definition`` and ``status`` are ``Enum`` columns on polars and pandas (ordered
    categoricals there) and text on the other backends."""
    schema = as_frame(frame).collect_schema()
    for m in specs:
        for col in (m.column + sb, m.column + sf):
            if not schema[col].is_numeric():
                check_numeric(frame, [col])  # names the offending rows
    table, eager = planned(frame)
    # each measure's scores, change and improvement computed once, as columns (an eager
    # backend would otherwise compute an expression again at each use)
    steps = []
    for j, m in enumerate(specs):
        for s, name in ((sb, f"__b{j}"), (sf, f"__f{j}")):
            v = nw.col(m.column + s).cast(nw.Float64())
            steps.append(nan_as_missing(v, table)
                         .alias(name))
    table = table.with_columns(*steps)
    table = table.with_columns(*(
        (nw.col(f"__f{j}") - nw.col(f"__b{j}")).alias(f"__c{j}") for j in range(len(specs))))
    table = table.with_columns(*(
        (nw.col(f"__c{j}") if m.direction == "higher_better"
         else nw.col(f"__b{j}") - nw.col(f"__f{j}")).alias(f"__i{j}")
        for j, m in enumerate(specs)))
    enum = table.implementation in (nw.Implementation.POLARS, nw.Implementation.PANDAS)
    measure = _labeller(enum, [m.name for m in specs])
    instrument = _labeller(enum, list(dict.fromkeys(m.instrument.id for m in specs)))
    definition = _labeller(enum, list(dict.fromkeys(criteria["definition"])))
    status = _labeller(enum, list(STATUS_LABELS))
    parts, blocks = [], []
    for crit in criteria.itertuples(index=False):
        j = _names_index(specs, crit.measure)
        m = specs[j]
        improvement = nw.col(f"__i{j}")
        classify = functools.partial(_status_expr, improvement, float(crit.threshold),
                                     crit.definition == "meaningful")
        columns = [nw.col(id), measure(m.name).alias("measure"),
                   instrument(m.instrument.id).alias("instrument"),
                   nw.col(f"__b{j}").alias("baseline"), nw.col(f"__f{j}").alias("follow_up"),
                   nw.col(f"__c{j}").alias("change"), improvement.alias("improvement"),
                   definition(crit.definition).alias("definition"),
                   nw.lit(float(crit.threshold)).alias("threshold"),
                   classify(status).alias("status")]
        if reliable:
            rci = (improvement / float(crit.s_diff) if crit.definition == "reliable"
                   else nw.lit(None, nw.Float64()))
            columns.append(rci.alias("rci"))
        parts.append(table.select(*columns, *(nw.col(c) for c in keep)))
        blocks.append((crit.definition, definition(crit.definition), m.name, classify))
    result = finished(nw.maybe_reset_index(nw.concat(parts, how="vertical")), eager)
    if not eager and isinstance(table, nw.LazyFrame):  # improved_on_n reads the pairs
        _remember_layout(result, _ChangeLayout(table=table, id=id, keep=tuple(keep),
                                               criteria=tuple(blocks)))
    return result


def _names_index(specs, name) -> int:
    return [m.name for m in specs].index(name)
