"""Build a real-world-style REFI-QDA project, as NVivo or QualCoder would export it.

Run ``python tests/engagement/make_refi_project.py OUT.qdpx`` to write it; the tests call
:func:`write_project`.  It is written by hand (XML text, not by wellbeing_lib) and has
what exports from other tools have and the library's own writer does not:

* a codebook three levels deep, with categories (``isCodable="false"``), colours,
  descriptions, and two codes called "Other" under different parents;
* two coders (users), one with a braced GUID as NVivo writes them;
* a ``sources/`` folder in lower case, a source given inline (``PlainTextContent``), one
  with Windows line endings, curly quotes, a pound sign and an emoji (positions count
  Unicode code points), and a picture source (not text: skipped);
* a selection coded with two codes, a selection memo (``Description``), a coder named
  on the ``Coding`` rather than the selection, and a whole-source ``Coding``.

``EXPECTED`` lists the segments the project holds: (source, start, end, code, coder).
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

ANN = "{5C94BC9E-DB8C-4F1D-9CD6-E900C7440860}"
BILAL = "70daf61c-b6f0-4b5e-8c2f-548fde3ad3d4"

TEXTS = {
    "R001": "I feel lonely since my wife died. The GP is hard to get hold of.",
    "R002": "My daughter visits on Sundays.\r\nThe bus to the surgery is rare – “every two "
            "hours” and costs £3 😞",
    "R003": "Nothing really. Other things matter more.",
}
GUIDS = {"R001": "8E7FDDFE-DB36-48DC-B464-80C3A4DECD90",
         "R002": "A2B94468-80A5-412F-92D6-E900D97B55A6",
         "R003": "0C3B2F0E-7E4C-4C59-9D0B-3C5E1E6A9F11"}
CODES = {  # guid: (name, path)
    "11111111-0000-0000-0000-000000000001": ("Wellbeing", "Wellbeing"),
    "11111111-0000-0000-0000-000000000002": ("Social", "Wellbeing/Social"),
    "11111111-0000-0000-0000-000000000003": ("Loneliness", "Wellbeing/Social/Loneliness"),
    "11111111-0000-0000-0000-000000000004": ("Family", "Wellbeing/Social/Family"),
    "11111111-0000-0000-0000-000000000005": ("Other", "Wellbeing/Social/Other"),
    "11111111-0000-0000-0000-000000000006": ("Services", "Services"),
    "11111111-0000-0000-0000-000000000007": ("GP access", "Services/GP access"),
    "11111111-0000-0000-0000-000000000008": ("Transport", "Services/Transport"),
    "11111111-0000-0000-0000-000000000009": ("Other", "Services/Other"),
}
G = {path: guid for guid, (_, path) in CODES.items()}


def _pos(source: str, phrase: str) -> tuple[int, int]:
    start = TEXTS[source].index(phrase)
    return start, start + len(phrase)


EXPECTED = [  # (source, start, end, code path, coder)
    ("R001", *_pos("R001", "I feel lonely"), "Wellbeing/Social/Loneliness", "Ann Smith"),
    ("R001", *_pos("R001", "lonely since my wife died"), "Wellbeing/Social/Loneliness",
     "Bilal Khan"),
    ("R001", *_pos("R001", "my wife died"), "Wellbeing/Social/Family", "Bilal Khan"),
    ("R001", *_pos("R001", "The GP is hard to get hold of"), "Services/GP access",
     "Ann Smith"),
    ("R001", *_pos("R001", "The GP is hard to get hold of"), "Services/GP access",
     "Bilal Khan"),
    ("R002", *_pos("R002", "My daughter visits"), "Wellbeing/Social/Family", "Ann Smith"),
    ("R002", *_pos("R002", "My daughter visits on Sundays"), "Wellbeing/Social/Family",
     "Bilal Khan"),
    ("R002", *_pos("R002", "The bus to the surgery is rare"), "Services/Transport",
     "Ann Smith"),
    ("R002", *_pos("R002", "The bus to the surgery is rare"), "Services/GP access",
     "Ann Smith"),
    ("R002", *_pos("R002", "costs £3 😞"), "Services/Transport", "Bilal Khan"),
    ("R003", 0, len(TEXTS["R003"]), "Services/Other", "Ann Smith"),
    ("R003", *_pos("R003", "Other things matter more."), "Wellbeing/Social/Other",
     "Bilal Khan"),
]


def _selection(guid: str, start: int, end: int, codings: list[tuple[str, str]],
               user: str | None, memo: str = "") -> str:
    attrs = f'guid="{guid}" startPosition="{start}" endPosition="{end}"'
    if user:
        attrs += f' creatingUser="{user}" creationDateTime="2019-06-04T05:25:16Z"'
    body = f"<Description>{memo}</Description>" if memo else ""
    for coding_guid, (path, coder) in zip(("c1", "c2"), codings):
        who = f' creatingUser="{coder}"' if coder else ""
        body += (f'<Coding guid="{guid[:-2]}{coding_guid}"{who}>'
                 f'<CodeRef targetGUID="{G[path]}"/></Coding>')
    return f"<PlainTextSelection {attrs}>{body}</PlainTextSelection>"


def project_xml() -> str:
    def r1(phrase):
        return _pos("R001", phrase)

    def r2(phrase):
        return _pos("R002", phrase)

    sel = [
        _selection("AA000000-0000-0000-0000-0000000001a1", *r1("I feel lonely"),
                   [("Wellbeing/Social/Loneliness", None)], ANN, memo="grief?"),
        # coder named on the Coding, not the selection; one selection, two codes
        _selection("AA000000-0000-0000-0000-0000000002a1", *r1("lonely since my wife died"),
                   [("Wellbeing/Social/Loneliness", BILAL)], None),
        _selection("AA000000-0000-0000-0000-0000000003a1", *r1("my wife died"),
                   [("Wellbeing/Social/Family", BILAL)], BILAL),
        _selection("AA000000-0000-0000-0000-0000000004a1",
                   *r1("The GP is hard to get hold of"),
                   [("Services/GP access", ANN)], ANN),
        _selection("AA000000-0000-0000-0000-0000000005a1",
                   *r1("The GP is hard to get hold of"),
                   [("Services/GP access", BILAL)], BILAL),
    ]
    sel2 = [
        _selection("BB000000-0000-0000-0000-0000000001b1", *r2("My daughter visits"),
                   [("Wellbeing/Social/Family", ANN)], ANN),
        _selection("BB000000-0000-0000-0000-0000000002b1", *r2("My daughter visits on Sundays"),
                   [("Wellbeing/Social/Family", BILAL)], BILAL),
        _selection("BB000000-0000-0000-0000-0000000003b1",
                   *r2("The bus to the surgery is rare"),
                   [("Services/Transport", ANN), ("Services/GP access", ANN)], ANN),
        _selection("BB000000-0000-0000-0000-0000000004b1", *r2("costs £3 😞"),
                   [("Services/Transport", BILAL)], BILAL),
    ]
    start3, end3 = _pos("R003", "Other things matter more.")
    sel3 = _selection("CC000000-0000-0000-0000-0000000001c1", start3, end3,
                      [("Wellbeing/Social/Other", BILAL)], BILAL)

    def code(path: str, codable: bool, color: str | None, children: str = "",
             description: str = "") -> str:
        guid = G[path]
        name = CODES[guid][0]
        colour = f' color="{color}"' if color else ""
        inner = (f"<Description>{description}</Description>" if description else "") + children
        return (f'<Code guid="{guid}" name="{name}" isCodable="{str(codable).lower()}"{colour}>'
                f"{inner}</Code>")

    social = code("Wellbeing/Social", True, "#0072B2",
                  code("Wellbeing/Social/Loneliness", True, "#56B4E9",
                       description="Feeling alone &amp; without company")
                  + code("Wellbeing/Social/Family", True, "#009E73")
                  + code("Wellbeing/Social/Other", True, None))
    codebook = (code("Wellbeing", False, None, social, "What matters")
                + code("Services", False, "#D55E00",
                       code("Services/GP access", True, "#E69F00")
                       + code("Services/Transport", True, "#CC79A7")
                       + code("Services/Other", True, None)))
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<Project xmlns="urn:QDA-XML:project:1.0" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="urn:QDA-XML:project:1.0 Project.xsd" name="Dialogue pilot" '
        'origin="NVivo 14" creationDateTime="2019-06-04T05:25:16Z">\n'
        f'<Users><User guid="{ANN}" name="Ann Smith"/><User guid="{BILAL}" name="Bilal Khan"/>'
        "</Users>\n"
        f"<CodeBook><Codes>{codebook}</Codes></CodeBook>\n"
        "<Sources>\n"
        f'<TextSource guid="{GUIDS["R001"]}" name="R001" '
        f'plainTextPath="internal://{GUIDS["R001"]}.txt" creatingUser="{ANN}">'
        f"<Description>Telephone interview</Description>{''.join(sel)}</TextSource>\n"
        f'<TextSource guid="{GUIDS["R002"]}" name="R002" '
        f'plainTextPath="internal://{GUIDS["R002"]}.txt">{"".join(sel2)}</TextSource>\n'
        f'<TextSource guid="{GUIDS["R003"]}" name="R003">'
        f"<PlainTextContent>{TEXTS['R003']}</PlainTextContent>{sel3}"
        f'<Coding guid="DD000000-0000-0000-0000-0000000001d1" creatingUser="{ANN}">'
        f'<CodeRef targetGUID="{G["Services/Other"]}"/></Coding></TextSource>\n'
        '<PictureSource guid="EE000000-0000-0000-0000-0000000001e1" name="Poster" '
        'path="internal://EE000000-0000-0000-0000-0000000001e1.png"/>\n'
        "</Sources>\n</Project>\n"
    )


def write_project(path) -> Path:
    """Write the project to ``path`` (a .qdpx)."""
    path = Path(path)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", project_xml().encode("utf-8"))
        for name in ("R001", "R002"):
            data = TEXTS[name].encode("utf-8")
            if name == "R001":
                data = b"\xef\xbb\xbf" + data   # a byte-order mark, as Windows tools write
            archive.writestr(f"sources/{GUIDS[name]}.txt", data)
        archive.writestr("sources/EE000000-0000-0000-0000-0000000001e1.png", b"\x89PNG")
    return path


if __name__ == "__main__":
    print(write_project(sys.argv[1] if len(sys.argv) > 1 else "nested_two_coders.qdpx"))
