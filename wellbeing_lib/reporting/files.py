"""Byte-reproducible file writers: CSV and XLSX that give the same bytes for the same data.

The bundled data and every generated workbook are written through these, so that
``wellbeing make-sample-data --check`` can compare files byte for byte.

Example
-------
>>> import tempfile, pathlib
>>> p = write_csv(pd.DataFrame({"a": [1.5]}), pathlib.Path(tempfile.mkdtemp()) / "t.csv")
>>> p.read_bytes() == b"a" + bytes([10]) + b"1.50" + bytes([10])
True
"""

from __future__ import annotations

import datetime
import io as _stdio
import re
from pathlib import Path

import pandas as pd

__all__ = ["write_csv", "write_xlsx", "XLSX_TIMESTAMP"]


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
