"""REFI-QDA exchange: read and write the projects and codebooks of NVivo, ATLAS.ti, MAXQDA,
QualCoder and Taguette.

The REFI-QDA standard (Rotterdam Exchange Format Initiative, www.qdasoftware.org; schemas
``Project.xsd`` and ``Codebook.xsd``, version 1.0, MIT-licensed) defines two files:

* a **project** (``.qdpx``): a zip holding ``project.qde`` (XML: users, the codebook,
  sources and their coded selections) and a ``Sources/`` folder with each text source
  as a UTF-8 ``.txt`` file;
* a **codebook** (``.qdc``): the XML codebook alone.

:func:`read_qdpx` reads a project into a :class:`QdaProject`: plain-text sources, codes
(hierarchy, colours, descriptions), users (the coders) and coded segments (character
ranges); :meth:`QdaProject.codings` turns the segments into the library's tidy codings
(one row per answer x code x coder, as :func:`~wellbeing_lib.engagement.read_codings`),
and :meth:`QdaProject.to_frame` keeps the character ranges for segment-level agreement
(:func:`~wellbeing_lib.engagement.segment_agreement`).  :func:`write_qdpx` writes answers,
a codebook and codings (or the mentions of
:func:`~wellbeing_lib.engagement.apply_codebook`, with their exact character spans) as a
project a coder can open in QualCoder (*Project > Import REFI-QDA project*) or NVivo;
:func:`read_qdc` and :func:`write_qdc` do the same for codebooks.

Positions are zero-based character positions (Unicode code points) in the source's
plain text, the end exclusive, so ``text[start:end]`` is the coded passage - the
convention QualCoder and the standard's examples use.  Only text sources are read;
picture, audio, video and PDF sources are listed in :attr:`QdaProject.skipped`.

The XML is read and written with the standard library (``xml.etree``): the subset needed
here is small, and the one Python package for the format (pyrefiqda, MIT) is a beta
parser that brings pydantic, xsdata and lxml.  Files written here are byte-reproducible:
identifiers are UUID-5 names derived from the content, and the zip's time stamps fixed.

Example
-------
>>> import pandas as pd, tempfile, pathlib
>>> answers = pd.DataFrame({"respondent": ["R1", "R2"], "text": ["I feel lonely", "Money"]})
>>> codings = pd.DataFrame({"respondent": ["R1", "R1", "R2"], "code": ["lonely"] * 2 + ["money"],
...                         "coder": ["A", "B", "A"]})
>>> path = pathlib.Path(tempfile.mkdtemp()) / "coding.qdpx"
>>> _ = write_qdpx(path, answers, codings=codings, unit="respondent")
>>> project = read_qdpx(path)
>>> project.codings(unit="respondent")
  respondent question    code coder
0         R1      all  lonely     A
1         R1      all  lonely     B
2         R2      all   money     A
"""

from __future__ import annotations

import io
import uuid
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import numpy as np
import pandas as pd

from ..errors import InvalidValueError, UnmatchedRecordsError, UnreadableFileError
from ..reporting.palette import OKABE_ITO
from ..validation import as_columns, check_labels, require_columns
from ._common import _unit_columns

__all__ = [
    "PROJECT_NAMESPACE",
    "CODEBOOK_NAMESPACE",
    "QdaProject",
    "read_qdpx",
    "read_qdc",
    "write_qdpx",
    "write_qdc",
]

#: XML namespaces of REFI-QDA 1.0 projects and codebooks
PROJECT_NAMESPACE = "urn:QDA-XML:project:1.0"
CODEBOOK_NAMESPACE = "urn:QDA-XML:codebook:1.0"

_GUID_ROOT = uuid.UUID("6f1c3c8e-5b0a-4d0e-9a43-77c0de5e1e12")  # wellbeing_lib's namespace
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_CREATED = "2019-01-01T00:00:00Z"
_SEGMENT_COLUMNS = ["source", "start", "end", "code", "coder", "text", "memo"]
_CODE_COLUMNS = ["code", "path", "parent", "theme", "level", "codable", "color",
                 "description", "code_guid"]


@dataclass(frozen=True)
class QdaProject:
    """A REFI-QDA project as tables (see :func:`read_qdpx`).

    Attributes
    ----------
    name : str
        The project's name.
    sources : DataFrame
        One row per text source: ``source`` (its name), ``text``, ``description``,
        ``source_guid``.
    codes : DataFrame
        One row per code, parents before children: ``code`` (its name, or its path where
        two codes share a name), ``path`` ("Theme/Code"), ``parent``, ``theme`` (the
        top-level code), ``level`` (1 = top), ``codable`` (False for a category),
        ``color``, ``description``, ``code_guid``.
    users : DataFrame
        ``coder`` and ``user_guid``.
    segments : DataFrame
        One row per coded selection and code: ``source``, ``start``, ``end``, ``code``,
        ``coder``, ``text`` (the passage) and ``memo``.
    skipped : DataFrame
        Sources that are not plain text (``source``, ``kind``), not read.
    """

    name: str
    sources: pd.DataFrame
    codes: pd.DataFrame
    users: pd.DataFrame
    segments: pd.DataFrame
    skipped: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """The coded segments, one row per selection and code."""
        return self.segments.copy()

    def codings(self, unit=("respondent",), *, sep: str = "/") -> pd.DataFrame:
        """The segments as the library's tidy codings (unit columns, ``question``,
        ``code``, ``coder``), one row per source x code x coder.

        A source's name is its unit: with several ``unit`` columns it is split at
        ``sep`` (as :func:`write_qdpx` joins them).  Without a ``question`` column one
        holding ``"all"`` is added, as :func:`~wellbeing_lib.engagement.read_codings`
        does for a single question.
        """
        cols = as_columns(unit)
        seg = self.segments
        names = seg["source"].astype("str")
        if len(cols) == 1:
            parts = pd.DataFrame({cols[0]: names})
        else:
            parts = names.str.split(sep, n=len(cols) - 1, expand=True, regex=False)
            if parts.shape[1] != len(cols) or parts.isna().any().any():
                bad = names[parts.isna().any(axis=1)] if parts.shape[1] == len(cols) else names
                raise InvalidValueError(
                    "source name does not hold every unit column", column="source",
                    expected=f"names of the form {sep.join(cols)}", found=list(bad.unique()[:3]))
            parts.columns = cols
        out = parts.assign(code=seg["code"].astype("str"), coder=seg["coder"].astype("str"))
        if "question" not in cols:
            out.insert(len(cols), "question", "all")
        return out.drop_duplicates().reset_index(drop=True)


# --------------------------------------------------------------------------- reading
def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(element, name: str) -> list:
    return [c for c in element if _local(c.tag) == name]


def _child_text(element, name: str) -> str:
    found = _children(element, name)
    return (found[0].text or "") if found else ""


def _walk_codes(element, parent, path, level, rows, file) -> None:
    for code in _children(element, "Code"):
        name = code.get("name")
        guid = code.get("guid")
        if not name or not guid:
            raise InvalidValueError("code without a name or guid", file=file,
                                    column="Code", expected="name and guid attributes",
                                    found=[name or guid or "(blank)"])
        full = f"{path}/{name}" if path else name
        rows.append({"code": name, "path": full, "parent": parent,
                     "theme": path.split("/")[0] if path else name, "level": level,
                     "codable": code.get("isCodable", "true").lower() != "false",
                     "color": code.get("color"), "description": _child_text(code, "Description"),
                     "code_guid": guid})
        _walk_codes(code, name, full, level + 1, rows, file)


def _codes_table(codes_element, file) -> pd.DataFrame:
    rows: list[dict] = []
    if codes_element is not None:
        _walk_codes(codes_element, None, "", 1, rows, file)
    table = pd.DataFrame(rows, columns=_CODE_COLUMNS)
    shared = table["code"].duplicated(keep=False)
    table.loc[shared, "code"] = table.loc[shared, "path"]
    for col in ("code", "path", "parent", "theme", "color", "description", "code_guid"):
        table[col] = table[col].astype("str")
    table["level"] = table["level"].astype(np.int64)
    table["codable"] = table["codable"].astype(bool)
    return table


def _parse_xml(data: bytes, file: str):
    try:
        return ET.fromstring(data)
    except ET.ParseError as err:
        raise UnreadableFileError(file, f"not well-formed XML ({err})") from None


def _source_text(element, archive: zipfile.ZipFile, members: dict, file: str) -> str:
    inline = _children(element, "PlainTextContent")
    if inline:
        return inline[0].text or ""
    path = element.get("plainTextPath") or ""
    if not path.startswith("internal://"):
        raise UnreadableFileError(file, f"source {element.get('name')!r}: only sources kept "
                                  f"inside the project can be read, not {path or '(no path)'}")
    name = path[len("internal://"):].lstrip("/")
    member = members.get(f"sources/{name}".lower())
    if member is None:
        raise UnreadableFileError(file, f"source {element.get('name')!r}: {name} is not in "
                                  "the project's Sources folder")
    raw = archive.read(member)
    return raw.decode("utf-8-sig")


def _selections(element, source: str, text: str, codes: dict, users: dict, file: str):
    """Segments of one text source: its PlainTextSelections and whole-source Codings."""
    def coded(node, start, end, default_user, memo):
        for coding in _children(node, "Coding"):
            refs = _children(coding, "CodeRef")
            target = refs[0].get("targetGUID") if refs else None
            if target not in codes:
                raise UnmatchedRecordsError(
                    "coding refers to a code not in the codebook", file=file,
                    column="CodeRef", expected="a targetGUID of a Code in the CodeBook",
                    found=[f"{source}: {target}"])
            user = coding.get("creatingUser") or default_user
            yield {"source": source, "start": start, "end": end, "code": codes[target],
                   "coder": users.get(user, user or "unknown"), "text": text[start:end],
                   "memo": memo}

    for sel in _children(element, "PlainTextSelection"):
        try:
            start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
        except (TypeError, ValueError):
            raise InvalidValueError(
                "selection without whole-number positions", file=file,
                column="startPosition/endPosition", expected="whole numbers",
                found=[f"{source}: {sel.get('startPosition')}-{sel.get('endPosition')}"],
            ) from None
        if not 0 <= start <= end <= len(text):
            raise InvalidValueError(
                "selection outside its source's text", file=file,
                column="startPosition/endPosition",
                expected=f"0 <= start <= end <= {len(text)} (characters of {source!r})",
                found=[f"{start}-{end}"])
        yield from coded(sel, start, end, sel.get("creatingUser"),
                         _child_text(sel, "Description"))
    yield from coded(element, 0, len(text), element.get("creatingUser"), "")


def read_qdpx(path) -> QdaProject:
    """Read a REFI-QDA project (``.qdpx``) exported by NVivo, ATLAS.ti, MAXQDA or QualCoder.

    Parameters
    ----------
    path : str or Path
        The ``.qdpx`` file (a zip with ``project.qde`` or another ``.qde`` and the
        ``Sources`` folder).

    Returns
    -------
    QdaProject
        Sources, codes (hierarchy, colours, descriptions), users and coded segments.

    Raises
    ------
    UnreadableFileError
        Not a zip, no ``.qde`` inside, XML not well formed, or a source's text missing.
    InvalidValueError
        A selection outside its source's text, or a code without name or guid.
    UnmatchedRecordsError
        A coding that refers to a code not in the codebook.

    Example
    -------
    See the module example: a project written by :func:`write_qdpx` reads back to the
    same codings.
    """
    file = str(path)
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as err:
        raise UnreadableFileError(file, f"not a REFI-QDA project (.qdpx zip): {err}") from None
    with archive:
        members = {name.lower(): name for name in archive.namelist()}
        qde = [n for n in archive.namelist() if n.lower().endswith(".qde")]
        if not qde:
            raise UnreadableFileError(file, "no project.qde inside the .qdpx")
        qde.sort(key=lambda n: (PurePosixPath(n).name.lower() != "project.qde", n))
        root = _parse_xml(archive.read(qde[0]), file)
        if _local(root.tag) != "Project":
            raise UnreadableFileError(file, f"{qde[0]} is not a REFI-QDA project "
                                      f"(root element {_local(root.tag)!r})")
        users = {u.get("guid"): u.get("name") or u.get("id") or u.get("guid")
                 for block in _children(root, "Users") for u in _children(block, "User")}
        codebook = _children(root, "CodeBook")
        codes_el = _children(codebook[0], "Codes") if codebook else []
        codes = _codes_table(codes_el[0] if codes_el else None, file)
        code_of = dict(zip(codes["code_guid"], codes["code"]))
        sources, segments, skipped = [], [], []
        for block in _children(root, "Sources"):
            for element in block:
                kind = _local(element.tag)
                name = element.get("name") or element.get("guid")
                if kind != "TextSource":
                    skipped.append({"source": name, "kind": kind})
                    continue
                text = _source_text(element, archive, members, file)
                sources.append({"source": name, "text": text,
                                "description": _child_text(element, "Description"),
                                "source_guid": element.get("guid")})
                segments.extend(_selections(element, name, text, code_of, users, file))
    seg = pd.DataFrame(segments, columns=_SEGMENT_COLUMNS)
    for col in ("source", "code", "coder", "text", "memo"):
        seg[col] = seg[col].astype("str")
    seg[["start", "end"]] = seg[["start", "end"]].astype(np.int64)
    return QdaProject(
        name=root.get("name", ""),
        sources=pd.DataFrame(sources, columns=["source", "text", "description", "source_guid"]),
        codes=codes,
        users=pd.DataFrame({"coder": list(users.values()), "user_guid": list(users)},
                           dtype="str"),
        segments=seg,
        skipped=pd.DataFrame(skipped, columns=["source", "kind"]),
    )


def read_qdc(path) -> pd.DataFrame:
    """Read a REFI-QDA codebook (``.qdc``): the codes table of :class:`QdaProject`.

    Example
    -------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "codebook.qdc"
    >>> _ = write_qdc(path, "wellbeing")
    >>> codes = read_qdc(path)
    >>> codes[["code", "parent", "level", "codable"]].head(3)
                    code            parent  level  codable
    0   Social inclusion               NaN      1    False
    1  social_connection  Social inclusion      2     True
    2   community_groups  Social inclusion      2     True
    """
    file = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as err:
        raise UnreadableFileError(file, str(err)) from None
    root = _parse_xml(data, file)
    if _local(root.tag) != "CodeBook":
        raise UnreadableFileError(file, f"not a REFI-QDA codebook (root element "
                                  f"{_local(root.tag)!r})")
    codes = _children(root, "Codes")
    return _codes_table(codes[0] if codes else None, file)


# --------------------------------------------------------------------------- writing
def _guid(kind: str, *parts) -> str:
    return str(uuid.uuid5(_GUID_ROOT, kind + "\x1f" + "\x1f".join(map(str, parts))))


def _codebook_codes(codebook) -> pd.DataFrame:
    """(theme, code, definition, color) rows from a library codebook, a REFI codes table
    or a bundled codebook's name."""
    from .codebook import _as_codebook

    if isinstance(codebook, pd.DataFrame) and "path" in codebook.columns:
        return codebook  # a codes table read by read_qdc / read_qdpx
    table = _as_codebook(codebook)
    themes = list(pd.unique(table["theme"]))
    colour = {t: OKABE_ITO[i % len(OKABE_ITO)] for i, t in enumerate(themes)}
    rows = []
    for theme in themes:
        rows.append({"code": theme, "path": theme, "parent": None, "theme": theme, "level": 1,
                     "codable": False, "color": colour[theme], "description": ""})
        for item in table[table["theme"] == theme].itertuples():  # over codes
            rows.append({"code": item.code, "path": f"{theme}/{item.code}", "parent": theme,
                         "theme": theme, "level": 2, "codable": True, "color": colour[theme],
                         "description": str(item.definition or "")})
    return pd.DataFrame(rows)


def _codes_element(parent, codes: pd.DataFrame) -> dict:
    """<Codes> under ``parent``; returns code name -> guid (codable codes)."""
    holder = ET.SubElement(parent, "Codes")
    element_of: dict = {}
    guid_of: dict = {}
    for row in codes.itertuples():  # over codes; parents come before children
        parent_path = row.path.rsplit("/", 1)[0] if "/" in row.path else None
        attrs = {"guid": _guid("code", row.path), "name": str(row.path.rsplit("/", 1)[-1]),
                 "isCodable": "true" if bool(row.codable) else "false"}
        colour = row.color if isinstance(row.color, str) and row.color.startswith("#") else None
        if colour:
            attrs["color"] = colour
        element = ET.SubElement(element_of.get(parent_path, holder), "Code", attrs)
        if isinstance(row.description, str) and row.description and row.description != "nan":
            ET.SubElement(element, "Description").text = row.description
        element_of[row.path] = element
        if row.codable:
            guid_of[row.code] = attrs["guid"]
    return guid_of


def _to_bytes(root) -> bytes:
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def write_qdc(path, codebook=None) -> Path:
    """Write a codebook as a REFI-QDA codebook (``.qdc``) for NVivo, ATLAS.ti or QualCoder.

    Themes become categories (``isCodable="false"``) holding their codes; definitions
    become descriptions; each theme gets a colour of the palette.  A codes table read by
    :func:`read_qdc` is written back with its own hierarchy and colours.

    Parameters
    ----------
    path : str or Path
    codebook : str, path, DataFrame or None
        A bundled codebook's name, your own (:func:`read_codebook`), a codes table from
        :func:`read_qdc`; default the bundled wellbeing codebook.
    """
    root = ET.Element("CodeBook", {"xmlns": CODEBOOK_NAMESPACE, "origin": "wellbeing_lib"})
    _codes_element(root, _codebook_codes(codebook))
    path = Path(path)
    path.write_bytes(_to_bytes(root))
    return path


def _segments_to_write(texts, codings, unit_cols, text, coder_name) -> pd.DataFrame:
    """(source row, start, end, code, coder) of every coding; whole answers when the
    codings have no character spans."""
    require_columns(codings, [*unit_cols, "code"], what="codings")
    check_labels(codings, [*unit_cols, "code"], "coding")
    rows = codings.copy()
    rows["coder"] = rows["coder"].fillna(coder_name) if "coder" in rows.columns else coder_name
    if "negated" in rows.columns:
        rows = rows[~rows["negated"].fillna(False).astype(bool).to_numpy()]
    key = pd.MultiIndex.from_frame(texts[unit_cols].astype("str"))
    position = key.get_indexer(pd.MultiIndex.from_frame(rows[unit_cols].astype("str")))
    if (position < 0).any():
        missing = rows.loc[position < 0, unit_cols].astype("str").agg("/".join, axis=1)
        raise UnmatchedRecordsError("coding of an answer not in texts", column=unit_cols,
                                    expected="every coded unit among the texts",
                                    found=list(missing.unique()[:3]))
    lengths = texts[text].fillna("").astype("str").str.len().to_numpy()[position]
    start, end = np.zeros(len(rows), dtype=np.int64), lengths.astype(np.int64)
    if {"start", "end"} <= set(rows.columns):   # spans where given, else the whole answer
        b = pd.to_numeric(rows["start"], errors="coerce").to_numpy(float)
        e = pd.to_numeric(rows["end"], errors="coerce").to_numpy(float)
        spanned = ~(np.isnan(b) | np.isnan(e))
        start[spanned], end[spanned] = b[spanned].astype(np.int64), e[spanned].astype(np.int64)
        if ((start < 0) | (end < start) | (end > lengths)).any():
            raise InvalidValueError("coding span outside its answer", column=["start", "end"],
                                    expected="0 <= start <= end <= length of the text")
    return pd.DataFrame({"row": position, "start": start, "end": end,
                         "code": rows["code"].astype("str").to_numpy(),
                         "coder": rows["coder"].astype("str").to_numpy()})


def write_qdpx(path, texts: pd.DataFrame, *, codings: pd.DataFrame | None = None,
               codebook=None, text: str = "text", unit=None, name: str | None = None,
               coder: str = "codebook", sep: str = "/") -> Path:
    """Write answers, a codebook and codings as a REFI-QDA project (``.qdpx``).

    Each answer becomes a text source named by its unit (several unit columns joined
    with ``sep``, e.g. ``R0001/what_matters``).  Codings with ``start`` and ``end``
    (the mentions of :func:`~wellbeing_lib.engagement.apply_codebook`) are written as
    those character ranges; codings without them (a human coder's table, one row per
    answer x code x coder; or rows where they are missing, after concatenating both)
    code the whole answer.  Each coder becomes a user; mentions
    without a ``coder`` column are the ``coder`` argument's (default ``"codebook"``), and
    negated mentions are left out.  Open the file in QualCoder with *Project > Import
    REFI-QDA project* (or NVivo, ATLAS.ti, MAXQDA) to code or review.

    Parameters
    ----------
    path : str or Path
        The ``.qdpx`` to write (replaced if it exists).
    texts : DataFrame
        The answers: unit columns and ``text``.
    codings : DataFrame, optional
        Unit columns, ``code`` and optionally ``coder``, ``start``, ``end``.
    codebook : str, path, DataFrame or None
        As for :func:`write_qdc`; codes used in ``codings`` but not in it are added at
        the top level.
    text : str, default "text"
    unit : str or list of str, optional
        Columns naming an answer (default ``respondent`` and ``question``, those present).
    name : str, optional
        The project's name (default the file name without extension).
    coder : str, default "codebook"
    sep : str, default "/"

    Returns
    -------
    Path

    Raises
    ------
    DuplicateKeyError, InvalidValueError
        Two answers with the same unit; a missing unit label or code.
    UnmatchedRecordsError
        A coding of an answer not in ``texts``.
    """
    from ..validation import check_unique

    path = Path(path)
    unit_cols = _unit_columns(texts, unit)
    require_columns(texts, [*unit_cols, text], what="texts")
    check_labels(texts, unit_cols, "unit")
    check_unique(texts, unit_cols)
    codes = _codebook_codes(codebook).copy()
    segments = (_segments_to_write(texts, codings, unit_cols, text, coder)
                if codings is not None else pd.DataFrame(columns=["row", "start", "end",
                                                                  "code", "coder"]))
    extra = [c for c in pd.unique(segments["code"]) if c not in set(codes["code"])]
    if extra:
        codes = pd.concat([codes, pd.DataFrame({
            "code": extra, "path": extra, "parent": None, "theme": extra, "level": 1,
            "codable": True, "color": OKABE_ITO[-1], "description": ""})], ignore_index=True)
    coders = list(pd.unique(segments["coder"]))
    root = ET.Element("Project", {"xmlns": PROJECT_NAMESPACE, "name": name or path.stem,
                                  "origin": "wellbeing_lib", "creationDateTime": _CREATED})
    users = ET.SubElement(root, "Users")
    user_guid = {c: _guid("user", c) for c in coders}
    for c in coders:
        ET.SubElement(users, "User", {"guid": user_guid[c], "name": c})
    guid_of = _codes_element(ET.SubElement(root, "CodeBook"), codes)
    sources = ET.SubElement(root, "Sources")
    names = texts[unit_cols].astype("str").agg(sep.join, axis=1).to_numpy()
    bodies = texts[text].fillna("").astype("str").to_numpy()
    order = np.lexsort((segments["start"].to_numpy(), segments["row"].to_numpy()))
    by_row = segments.iloc[order].groupby("row", sort=True)
    files = {}
    for i, (label, body) in enumerate(zip(names, bodies)):  # one source per answer
        guid = _guid("source", label)
        element = ET.SubElement(sources, "TextSource", {
            "guid": guid, "name": label, "plainTextPath": f"internal://{guid}.txt",
            "creationDateTime": _CREATED})
        files[f"Sources/{guid}.txt"] = body.encode("utf-8")
        if i not in by_row.groups:
            continue
        for seg in by_row.get_group(i).itertuples():  # this answer's codings
            sel = ET.SubElement(element, "PlainTextSelection", {
                "guid": _guid("selection", label, seg.start, seg.end, seg.code, seg.coder),
                "name": body[seg.start:seg.end][:80], "startPosition": str(seg.start),
                "endPosition": str(seg.end), "creatingUser": user_guid[seg.coder],
                "creationDateTime": _CREATED})
            coding = ET.SubElement(sel, "Coding", {
                "guid": _guid("coding", label, seg.start, seg.end, seg.code, seg.coder),
                "creatingUser": user_guid[seg.coder], "creationDateTime": _CREATED})
            ET.SubElement(coding, "CodeRef", {"targetGUID": guid_of[seg.code]})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in [("project.qde", _to_bytes(root)), *sorted(files.items())]:
            info = zipfile.ZipInfo(member, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    path.write_bytes(buffer.getvalue())
    return path
