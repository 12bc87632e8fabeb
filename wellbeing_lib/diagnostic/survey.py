"""The other sources of the triangulation: staff survey results and staff network views.

:func:`read_staff_survey` reads organisation-level staff survey results with their
national comparators, :func:`survey_position` places each result in its national
quartile and against the ICS average, :func:`element_survey_map` says which survey
indicators speak to which framework element, and :func:`read_staff_networks` reads
staff network leads' stance on each element.

Example
-------
>>> QUARTILE_RULES
('midpoints', 'range')
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import DuplicateKeyError, InvalidValueError
from ..io import load_reference_table, read_table, with_source
from ..validation import (
    check_not_empty,
    check_numeric,
    check_within_scale,
    require_columns,
    source_of,
)
from ._common import _EPS, _blank, _clean_text, _fail, _require_text
from .framework import _questions

__all__ = [
    "read_staff_survey",
    "survey_position",
    "element_survey_map",
    "read_staff_networks",
    "ELEMENT_SURVEY_MAP_FILE",
    "NETWORK_STANCES",
    "QUARTILE_RULES",
    "QUARTILE_LABELS",
    "SURVEY_COLUMNS",
    "MIN_RESPONSES",
]

#: package data file mapping framework elements to staff survey indicators
ELEMENT_SURVEY_MAP_FILE = "element_survey_map.csv"
#: default staff network stances -> score (1 best, -1 worst); "concerned" is a negative view
NETWORK_STANCES = {"positive": 1.0, "mixed": 0.0, "concerned": -1.0}
#: rules for placing a survey result within the national worst / average / best
QUARTILE_RULES = ("midpoints", "range")
QUARTILE_LABELS = ("bottom quartile", "second quartile", "third quartile", "top quartile")
#: columns :func:`read_staff_survey` requires
SURVEY_COLUMNS = ("organisation", "indicator", "year", "value", "responses", "national_worst",
                  "national_average", "national_best")
#: fewest survey responses a result needs to be used (counts of 1-7 are suppressed)
MIN_RESPONSES = 8


def _as_bool(data: pd.DataFrame, column: str) -> pd.Series:
    raw = data[column]
    if pd.api.types.is_bool_dtype(raw):
        return raw.astype(bool)
    text = raw.astype(str).str.strip().str.casefold()
    mapping = {"true": True, "yes": True, "1": True, "1.0": True,
               "false": False, "no": False, "0": False, "0.0": False}
    out = text.map(mapping)
    bad = out.isna()
    if bad.any():
        _fail(f"{column} is not true/false", data, column, bad,
              expected="True or False (yes/no, 1/0)")
    return out.astype(bool)


def read_staff_survey(path_or_frame) -> pd.DataFrame:
    """Read and validate organisation-level staff survey results (tidy form).

    Parameters
    ----------
    path_or_frame : str, Path or DataFrame
        One row per organisation x indicator x year, as the bundled
        ``data/workforce_staff_survey.csv``: ``organisation``, ``indicator`` (a
        sub-score such as "Health and safety climate" or a question such as
        "Organisation takes positive action on health and wellbeing"), ``year``,
        ``value`` (the organisation's result), ``responses`` (respondents),
        ``national_worst``, ``national_average``, ``national_best`` (the national
        benchmark group's results, as in the published benchmark reports) -
        required; ``unit``, ``ics_average``, ``benchmark_group`` and
        ``higher_is_better`` (default True) - optional.

    Returns
    -------
    DataFrame
        A validated copy: the columns above (``unit`` and ``benchmark_group`` missing
        when not given), ``year`` and ``responses`` as integers.  When
        ``ics_average`` is absent (or blank on a row) it is the response-weighted
        mean of the organisations in the file for the same indicator and year:
        sum(value x responses) / sum(responses).

    Raises
    ------
    MissingColumnError
        A required column is absent.
    InvalidValueError
        A blank organisation or indicator, a missing or non-numeric value, responses
        that are not whole numbers of at least 0, or national comparators out of
        order (worst < average < best is required when higher is better; worst >
        average > best when lower is better) - naming file, column and rows.
    DuplicateKeyError
        The same organisation, indicator and year on more than one row.

    Example
    -------
    >>> import pandas as pd
    >>> s = read_staff_survey(pd.DataFrame({
    ...     "organisation": ["Trust A", "Trust B"], "indicator": "Burnout", "year": 2021,
    ...     "value": [4.0, 5.0], "responses": [100, 300], "national_worst": 3.8,
    ...     "national_average": 4.3, "national_best": 4.8}))
    >>> s[["organisation", "value", "ics_average", "higher_is_better"]]
      organisation  value  ics_average  higher_is_better
    0      Trust A    4.0         4.75              True
    1      Trust B    5.0         4.75              True
    """
    if isinstance(path_or_frame, pd.DataFrame):
        data = path_or_frame
    else:
        data = read_table(path_or_frame)
    require_columns(data, SURVEY_COLUMNS, what="staff survey results")
    check_not_empty(data, what="a staff survey result")
    out = with_source(data.copy(), source_of(data))
    out["organisation"] = _require_text(out, "organisation", "staff survey results")
    out["indicator"] = _require_text(out, "indicator", "staff survey results")
    comparators = ["national_worst", "national_average", "national_best"]
    values = check_numeric(out, ["value", *comparators], allow_missing=False)
    counts = check_numeric(out, ["responses"], low=0, integer=True, allow_missing=False)
    years = check_numeric(out, ["year"], low=1900, high=2200, integer=True, allow_missing=False)
    for col in ["value", *comparators]:
        out[col] = values[col]
    out["responses"] = counts["responses"].astype("int64")
    out["year"] = years["year"].astype("int64")
    out["higher_is_better"] = (_as_bool(out, "higher_is_better")
                               if "higher_is_better" in out.columns else True)
    for col in ("unit", "benchmark_group"):
        if col not in out.columns:
            out[col] = np.nan
    if "unit" in out.columns:  # a value outside its stated scale must not enter a benchmark
        check_within_scale(out, ["value", *comparators]
                           + (["ics_average"] if "ics_average" in out.columns else []), "unit")
    w, a, b = (values[c].to_numpy() for c in comparators)
    up = out["higher_is_better"].to_numpy()
    ordered = np.where(up, (w < a) & (a < b), (w > a) & (a > b))
    if not ordered.all():
        bad = ~ordered
        _fail("national comparators out of order", out, comparators, bad,
              expected="worst < average < best when higher is better (worst > average > best "
                       "when higher_is_better is False)",
              found=[f"{x:g} / {y:g} / {z:g}" for x, y, z in zip(w[bad], a[bad], b[bad])])
    dup = out.duplicated(["organisation", "indicator", "year"], keep=False)
    if dup.any():
        pairs = out.loc[dup, ["organisation", "indicator", "year"]].drop_duplicates()
        _fail("the same indicator and year appear more than once for an organisation", out,
              ["organisation", "indicator", "year"], dup,
              expected="one row per organisation x indicator x year",
              found=[f"{o} / {i} / {y}" for o, i, y in pairs.itertuples(index=False, name=None)],
              cls=DuplicateKeyError)
    weighted = (out["value"] * out["responses"]).groupby(
        [out["indicator"], out["year"]]).transform("sum")
    total = out.groupby(["indicator", "year"])["responses"].transform("sum")
    computed = weighted / total.where(total > 0)
    if "ics_average" in out.columns:
        given = check_numeric(out, ["ics_average"])["ics_average"]
        out["ics_average"] = given.fillna(computed)
    else:
        out["ics_average"] = computed
    first = ["organisation", "indicator", "year", "unit", "value", "responses", "ics_average",
             "benchmark_group", *comparators, "higher_is_better"]
    return out[first + [c for c in out.columns if c not in first]]


def survey_position(survey, *, year=None, quartile_rule: str = "midpoints",
                    min_responses: int = MIN_RESPONSES) -> pd.DataFrame:
    """Each organisation's staff survey results against the ICS average and the national range.

    Parameters
    ----------
    survey : DataFrame, str or Path
        Staff survey results (anything :func:`read_staff_survey` accepts).
    year : int or list of int, optional
        The survey year(s) to use; default each organisation's latest year.
    quartile_rule : {"midpoints", "range"}, default "midpoints"
        How the national quartile is found when only the benchmark group's worst,
        average and best are published (see Notes).
    min_responses : int, default 8
        Results from fewer responses are not placed (``usable`` False; position
        and quartile missing): counts of 1-7 are suppressed in this library
        (:mod:`wellbeing_lib.privacy`), and so are results based on them.

    Returns
    -------
    DataFrame
        One row per organisation x indicator x year, sorted that way:
        ``organisation``, ``indicator``, ``year``, ``unit``, ``value``,
        ``responses``, ``ics_average``, ``vs_ics`` ("better than the ICS
        average", "worse than ...", "same as ..."), ``national_worst``,
        ``national_average``, ``national_best``, ``position`` (0 = national
        worst, 1 = best), ``quartile`` (1 = bottom ... 4 = top), ``quartile_label``,
        ``outside_range`` (the value lies beyond worst or best: position clipped),
        ``usable`` and ``quartile_rule``.

    Notes
    -----
    Published staff survey benchmark tables give, for each benchmark group, the
    worst, average and best organisation results - not quartiles.  The rules:

    * ``"midpoints"`` (default): the average is taken as the middle of the
      group and each half is assumed evenly spread, so the quartile boundaries
      are (worst + average) / 2, average and (average + best) / 2.  Position
      p = 0.5 (v - worst) / (average - worst) below the average and
      0.5 + 0.5 (v - average) / (best - average) above it.
    * ``"range"``: four equal quarters of worst ... best; p = (v - worst) /
      (best - worst).

    Quartile = 1 + floor(4p), capped at 4 (a value on a boundary goes up).  When
    lower is better (``higher_is_better`` False) the same formulas apply, since
    worst and best swap sides.  Both rules are approximations: with the
    organisations' own results for the whole benchmark group, compute exact
    quartiles instead.

    Example
    -------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"organisation": ["A", "B", "C"], "indicator": "H&S climate",
    ...     "year": 2021, "value": [4.08, 4.25, 5.0], "responses": [1353, 900, 5],
    ...     "national_worst": 3.9, "national_average": 4.6, "national_best": 5.4})
    >>> survey_position(s)[["organisation", "position", "quartile", "quartile_label", "usable"]]
      organisation  position  quartile   quartile_label  usable
    0            A  0.128571         1  bottom quartile    True
    1            B  0.250000         2  second quartile    True
    2            C       NaN      <NA>              NaN   False
    """
    if quartile_rule not in QUARTILE_RULES:
        raise ValueError(f"quartile_rule must be one of {', '.join(QUARTILE_RULES)}; "
                         f"got {quartile_rule!r}")
    s = read_staff_survey(survey)
    if year is None:
        s = s[s["year"] == s.groupby("organisation")["year"].transform("max")]
    else:
        wanted = [int(y) for y in np.atleast_1d(year)]
        s = s[s["year"].isin(wanted)]
        if s.empty:
            raise InvalidValueError("no staff survey results for the year asked for",
                                    file=source_of(s), column="year",
                                    expected=f"results for {', '.join(map(str, wanted))}")
    v, w = s["value"], s["national_worst"]
    a, b = s["national_average"], s["national_best"]
    if quartile_rule == "midpoints":
        sign = np.where(s["higher_is_better"], 1.0, -1.0)
        below = (v - a) * sign <= 0
        p = np.where(below, 0.5 * (v - w) / (a - w), 0.5 + 0.5 * (v - a) / (b - a))
    else:
        p = ((v - w) / (b - w)).to_numpy()
    p = np.asarray(p, dtype="float64")
    outside = (p < -_EPS) | (p > 1 + _EPS)
    p = np.clip(p, 0.0, 1.0)
    quartile = np.minimum(np.floor(4 * p + 1e-9), 3).astype("int64") + 1
    usable = (s["responses"] >= min_responses).to_numpy()
    diff = ((v - s["ics_average"]) * np.where(s["higher_is_better"], 1.0, -1.0)).round(9)
    out = pd.DataFrame({
        "organisation": s["organisation"], "indicator": s["indicator"], "year": s["year"],
        "unit": s["unit"], "value": v, "responses": s["responses"],
        "ics_average": s["ics_average"],
        "vs_ics": np.select([diff > 0, diff < 0, diff == 0],
                            ["better than the ICS average", "worse than the ICS average",
                             "same as the ICS average"], default=""),
        "national_worst": w, "national_average": a, "national_best": b,
        "position": np.where(usable, p, np.nan),
        "quartile": pd.array(np.where(usable, quartile, 0), dtype="Int64"),
        "outside_range": outside,
        "usable": usable,
        "quartile_rule": quartile_rule,
    })
    out.loc[~usable, "quartile"] = pd.NA
    out.insert(out.columns.get_loc("quartile") + 1, "quartile_label",
               out["quartile"].map(dict(enumerate(QUARTILE_LABELS, start=1)),
                                   na_action="ignore").astype("str"))
    out["vs_ics"] = out["vs_ics"].where(s["ics_average"].notna(), "").astype("str")
    return out.sort_values(["organisation", "indicator", "year"], kind="stable"
                           ).reset_index(drop=True)


def element_survey_map(table=None, *, questions=None) -> pd.DataFrame:
    """Which staff survey indicators speak to which framework element (package data or yours).

    The bundled map (``data/element_survey_map.csv``) is wellbeing_lib's judgement,
    with the reasoning in its ``rationale`` column, for example: *Environment* ->
    "Health and safety climate" (whether staff feel the workplace is safe and
    resourced); *Improving personal health and wellbeing* -> "Organisation takes
    positive action on health and wellbeing"; *Managers and leaders* -> "Line
    management" and "Compassionate leadership" (NHS Staff Survey sub-scores not in
    the bundled sample) with "Health and safety climate" as a supporting
    indicator; *Data insights* -> none (no survey indicator measures whether an
    organisation uses wellbeing data, so the survey is silent there by design).

    Parameters
    ----------
    table : DataFrame, str or Path, optional
        Your own map with ``element`` and ``indicator`` columns (``weight``,
        default 1, and ``role``, default "primary", optional).  Rows with a blank
        indicator record an element with no indicator and are dropped.
    questions : DataFrame, optional
        An adapted question table, whose elements the map must use (default
        :func:`framework`).

    Returns
    -------
    DataFrame
        One row per element x indicator: ``element``, ``indicator``, ``role``,
        ``weight`` (primary 1, supporting 0.5 in the bundled map: the weight of the
        indicator's position in the element's survey signal), then any other
        columns (``rationale``, ``source``, ``year`` ...).

    Example
    -------
    >>> m = element_survey_map()
    >>> m.loc[m["element"] == "Environment", ["indicator", "role", "weight"]]
                        indicator     role  weight
    11  Health and safety climate  primary     1.0
    >>> "Data insights" in set(m["element"])
    False
    """
    if table is None:
        m = load_reference_table(ELEMENT_SURVEY_MAP_FILE)
    elif isinstance(table, pd.DataFrame):
        m = with_source(table.copy(), source_of(table))
    else:
        m = read_table(table)
    require_columns(m, ["element", "indicator"], what="element-survey map")
    m["element"] = _require_text(m, "element", "element-survey map")
    m["indicator"] = _clean_text(m["indicator"])
    known = list(pd.unique(_questions(questions)["element"]))
    bad = ~m["element"].isin(known)
    if bad.any():
        _fail("unknown element in the element-survey map", m, "element", bad,
              expected="one of " + "; ".join(known))
    if "role" not in m.columns:
        m["role"] = "primary"
    if "weight" not in m.columns:
        m["weight"] = 1.0
    m = m[~_blank(m["indicator"])]
    m["weight"] = check_numeric(m, ["weight"], allow_missing=False)["weight"]
    if (m["weight"] <= 0).any():
        _fail("weight must be above 0", m, "weight", (m["weight"] <= 0).to_numpy(),
              expected="a positive weight for every indicator row")
    dup = m.duplicated(["element", "indicator"], keep=False)
    if dup.any():
        _fail("indicator repeated for an element in the element-survey map", m,
              "indicator", dup, expected="each element x indicator once", cls=DuplicateKeyError)
    first = ["element", "indicator", "role", "weight"]
    return m[first + [c for c in m.columns if c not in first]].reset_index(drop=True)


def read_staff_networks(path_or_frame, *, stances=None, questions=None) -> pd.DataFrame:
    """Read and validate staff network leads' views, per organisation x element.

    Parameters
    ----------
    path_or_frame : str, Path or DataFrame
        One row per organisation x element x network, as the bundled
        ``data/workforce_staff_networks.csv``: ``organisation``, ``element`` (a
        framework element; case and spacing ignored), ``stance`` - required;
        ``network`` (the network whose lead spoke), ``comment`` and ``members``
        (the network's size, a staff count) - optional.
    stances : mapping, optional
        Stance -> score from -1 (worst) to 1 (best); default
        ``{"positive": 1, "mixed": 0, "concerned": -1}``.  Case is ignored.
    questions : DataFrame, optional
        An adapted question table (default :func:`framework`).

    Returns
    -------
    DataFrame
        A validated copy with ``element`` spelled as in the framework, ``stance``
        in lower case, ``stance_score`` and ``network``/``comment``/``members``
        (missing when not given).

    Raises
    ------
    MissingColumnError, InvalidValueError, DuplicateKeyError
        A required column absent; a blank organisation, unknown element or stance
        outside ``stances``; the same network speaking twice on an element of an
        organisation.

    Example
    -------
    >>> import pandas as pd
    >>> n = read_staff_networks(pd.DataFrame({
    ...     "organisation": "Trust A", "element": ["environment", "Relationships"],
    ...     "network": "Carers network", "stance": ["Concerned", "positive"]}))
    >>> n[["element", "stance", "stance_score"]]
             element     stance  stance_score
    0    Environment  concerned          -1.0
    1  Relationships   positive           1.0
    """
    if isinstance(path_or_frame, pd.DataFrame):
        data = path_or_frame
    else:
        data = read_table(path_or_frame)
    require_columns(data, ["organisation", "element", "stance"], what="staff network views")
    check_not_empty(data, what="a staff network view")
    stances = NETWORK_STANCES if stances is None else stances
    scores_of = {str(k).strip().casefold(): float(v) for k, v in dict(stances).items()}
    if not scores_of or any(not -1 <= v <= 1 for v in scores_of.values()):
        raise ValueError("stances must map each stance to a score from -1 to 1; got "
                         f"{dict(stances)!r}")
    out = with_source(data.copy(), source_of(data))
    out["organisation"] = _require_text(out, "organisation", "staff network views")
    known = list(pd.unique(_questions(questions)["element"]))
    by_key = {e.casefold(): e for e in known}
    element = _require_text(out, "element", "staff network views").str.casefold().map(by_key)
    bad = element.isna()
    if bad.any():
        _fail("unknown element in staff network views", out, "element", bad,
              expected="one of " + "; ".join(known))
    out["element"] = element.astype("str")
    stance = _require_text(out, "stance", "staff network views").str.casefold()
    bad = ~stance.isin(list(scores_of))
    if bad.any():
        _fail("unknown stance in staff network views", out, "stance", bad,
              expected="one of " + ", ".join(scores_of))
    out["stance"] = stance
    out["stance_score"] = stance.map(scores_of).astype("float64")
    for col in ("network", "comment"):
        out[col] = (_clean_text(out[col]) if col in out.columns
                    else pd.Series(np.nan, index=out.index, dtype="str"))
    if "members" in out.columns:
        out["members"] = check_numeric(out, ["members"], low=0, integer=True)["members"]
    else:
        out["members"] = np.nan
    named = out["network"].notna()
    dup = named & out.duplicated(["organisation", "element", "network"], keep=False)
    if dup.any():
        _fail("a network gives more than one view on the same element", out,
              ["organisation", "element", "network"], dup,
              expected="one row per organisation x element x network",
              found=list(out.loc[dup, "network"]), cls=DuplicateKeyError)
    first = ["organisation", "element", "network", "stance", "stance_score", "comment",
             "members"]
    return out[first + [c for c in out.columns if c not in first]]
